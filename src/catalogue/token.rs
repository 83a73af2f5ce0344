//! Access token checks (`verify-token`, `decode-token`), checklist §2.4.
//!
//! `jwt-typ-at-jwt` and `jwt-profile-claims` are `should` here because MCP does not require RFC 9068 JWT
//! access tokens (checklist N4); `--profile rfc9068` escalates them to `must` through
//! [`crate::report::Checks::escalate`], so the catalogue stays the single source of levels.

use super::Level::{Info, Must, Should};
use super::{CheckDef, always};

checks! { TOKEN_CHECKS;
JWT_COMPACT_JWS = {
    id: "jwt-compact-jws",
    levels: always(Must),
    spec: "RFC 9068 §2.1 (\"JWT access tokens MUST be signed\"); RFC 8725 §3.7; OAuth 2.1-13 §5.2 (opaque tokens)",
    summary: "The token is a signed compact JWS: three base64url segments whose header and payload are UTF-8 JSON objects.",
    why: "Only a signed JWT can be verified locally. An encrypted (5-segment JWE) token must be decrypted first, and an opaque token must be introspected at the authorization server.",
    fix: "Send the access token itself (not an ID token, a refresh token or a cookie). Configure the authorization server to issue signed JWT access tokens for this resource (Auth0: set an API audience; Entra ID: request a scope of the API, not Graph), or verify opaque tokens by introspection.",
}
JWT_ALG_NOT_NONE = {
    id: "jwt-alg-not-none",
    levels: always(Must),
    spec: "RFC 9068 §2.1, §4 (\"MUST reject any JWT in which the value of \"alg\" is \"none\"\"); RFC 8725 §3.2",
    summary: "The header `alg` is not `none` (in any letter case).",
    why: "An unsigned token can be written by anyone; accepting it lets any caller choose its own identity and scopes.",
    fix: "Issue signed tokens (RS256 or ES256). A token with alg none is forged or comes from a misconfigured test issuer.",
}
JWT_ALG_ALLOWLISTED = {
    id: "jwt-alg-allowlisted",
    levels: always(Must),
    spec: "RFC 8725 §3.1 (\"MUST NOT use any other algorithms\"), §3.2; RFC 9068 §2.1 (RS256 MUST be supported)",
    summary: "The header `alg` is in the verifier's allow-list (`--algorithm`, default RS256-512, PS256-512, ES256, ES384, EdDSA).",
    why: "The verifier decides which algorithms it accepts; taking the algorithm from the token enables downgrade and key-confusion attacks (an RSA public key used as an HMAC secret).",
    fix: "Sign access tokens with an asymmetric algorithm the resource server expects (RS256 is the interoperable default). Shared-secret HS256 tokens cannot be verified against a public JWKS.",
}
JWT_ALG_KEY_CONSISTENT = {
    id: "jwt-alg-key-consistent",
    levels: always(Must),
    spec: "RFC 8725 §3.1 (\"each key MUST be used with exactly one algorithm, and this MUST be checked\")",
    summary: "The selected JWK's `kty`, `crv`, `alg` and `use` fit the header `alg`; HS* is refused against public keys.",
    why: "Using a key with an algorithm it was not made for is how key-confusion attacks work; an encryption key (`use: enc`) must never verify signatures.",
    fix: "Publish each signing key with `use: sig` and the `alg` it signs with, and sign tokens with exactly that algorithm.",
}
JWT_NO_UNTRUSTED_KEY_HEADERS = {
    id: "jwt-no-untrusted-key-headers",
    levels: always(Should),
    spec: "RFC 8725 §3.10 (blindly following `jku`/`x5u` \"could result in server-side request forgery\"; sanitise `kid`)",
    summary: "The header carries no `jku`, `x5u`, `jwk` or `x5c`; if it does, they are ignored as key sources.",
    why: "A token that names its own verification key lets the attacker pick the key. Keys come from the issuer's JWKS only; `kid` is only a lookup string.",
    fix: "Remove `jku`, `x5u`, `jwk` and `x5c` from access-token headers; identify the key with `kid` only.",
}
JWT_CRIT_UNDERSTOOD = {
    id: "jwt-crit-understood",
    levels: always(Must),
    spec: "RFC 7515 §4.1.11 (\"If any of the listed extension Header Parameters are not understood and supported by the recipient, then the JWS is invalid\"); RFC 8725 §3.1",
    summary: "The header has no `crit` member: this verifier understands no extension header parameters (not even `b64`), so any `crit`, well-formed or not, makes the token invalid.",
    why: "`crit` tells the verifier that the signature means something else unless it applies the listed extensions (`b64: false` signs the raw payload). A verifier that ignores it accepts a token under rules its issuer did not sign for.",
    fix: "Do not put `crit` in access-token headers; MCP resource servers are not expected to understand any JWS extension.",
}
JWT_TYP_AT_JWT = {
    id: "jwt-typ-at-jwt",
    levels: always(Should),
    spec: "RFC 9068 §4 (\"MUST verify that the \"typ\" header value is \"at+jwt\" or \"application/at+jwt\"\"); RFC 8725 §3.11",
    summary: "The header `typ` is `at+jwt` (or `application/at+jwt`), case-insensitively. `should` by default, `must` under `--profile rfc9068`.",
    why: "Explicit typing stops an ID token or another JWT from the same issuer being replayed as an access token. MCP does not mandate RFC 9068, so this is a warning unless the profile is selected.",
    fix: "Have the authorization server set `typ: at+jwt` on access tokens (Keycloak, Ory and Duende do with RFC 9068 enabled; Auth0 and Entra ID use `JWT`).",
}
JWT_KID_IN_ISSUER_JWKS = {
    id: "jwt-kid-in-issuer-jwks",
    levels: always(Must),
    spec: "RFC 9068 §4 (\"MUST use the keys provided by the authorization server\"); RFC 8725 §3.8",
    summary: "The verification key comes from the issuer's JWKS (found by `kid`, or, without `kid`, by fitting `kty`/`alg`), and that key set holds no private key material.",
    why: "A signature only proves something if the key belongs to the issuer. A JWKS that publishes private keys lets anyone mint tokens, so it cannot be trusted.",
    fix: "Sign with a key published in the issuer's jwks_uri and put its `kid` in the header. After a key rotation, wait for caches to refresh. Never publish `d`, `p`, `q`, `dp`, `dq`, `qi` or `k`.",
}
JWT_SIGNATURE_VALID = {
    id: "jwt-signature-valid",
    levels: always(Must),
    spec: "RFC 9068 §4; RFC 8725 §3.3 (\"All cryptographic operations … MUST be validated\")",
    summary: "The signature verifies with the selected issuer key.",
    why: "A token whose signature does not verify may have been altered or forged.",
    fix: "Check that the token was not modified (copy/paste, line breaks) and that it was signed by the issuer's current key.",
}
JWT_ISS_MATCHES = {
    id: "jwt-iss-matches",
    levels: always(Must),
    spec: "RFC 9068 §4 (\"MUST exactly match the value of the \"iss\" claim\")",
    summary: "`iss` is exactly the expected issuer (`--issuer`).",
    why: "Tokens from another authorization server (or another tenant) must not be accepted, even if their signature verifies.",
    fix: "Request the token from the authorization server the resource trusts, or configure the resource with the issuer exactly as the token states it (trailing slash included).",
}
JWT_ISS_IS_RESOURCE_AS = {
    id: "jwt-iss-is-resource-as",
    levels: [Info, Must, Must, Must],
    spec: "MCP 2025-11-25+ §Token Handling; MCP 2025-06-18+ (clients \"MUST NOT send tokens to the MCP server other than ones issued by the MCP server's authorization server\")",
    summary: "`iss` is one of the `authorization_servers` of the resource's protected resource metadata.",
    why: "An MCP server accepts tokens only from the authorization servers it advertises.",
    fix: "List the token's issuer in `authorization_servers` of the protected resource metadata, or obtain tokens from a listed server.",
}
JWT_AUD_PRESENT = {
    id: "jwt-aud-present",
    levels: always(Must),
    spec: "RFC 9068 §2.2 (aud REQUIRED); RFC 8725 §3.9; RFC 7519 §4.1.3",
    summary: "`aud` is present: a string or an array of strings.",
    why: "Without an audience a token is valid everywhere, so a token leaked from one service can be replayed at another.",
    fix: "Request the token with the RFC 8707 `resource` parameter (or the provider's audience setting) so that `aud` names the MCP server.",
}
JWT_AUD_CONTAINS_RESOURCE = {
    id: "jwt-aud-contains-resource",
    levels: always(Must),
    spec: "MCP 2025-06-18+ §Token Handling, §Access Token Privilege Restriction; RFC 9068 §4; RFC 8707 §2; RFC 8725 §3.9",
    summary: "One `aud` value equals the resource (`--resource`, or `--audience`) exactly: case-sensitive, no prefix match.",
    why: "MCP servers MUST reject tokens that were not issued for them; this is what stops token passthrough and confused-deputy attacks.",
    fix: "Request the token with `resource=<the MCP server's canonical URI>` (the same string, trailing slash included). Auth0: the API identifier; Entra ID: the application ID URI; Keycloak: an audience mapper.",
}
JWT_EXP_VALID = {
    id: "jwt-exp-valid",
    levels: always(Must),
    spec: "RFC 9068 §2.2 (exp REQUIRED), §4 (\"The current time MUST be before the time represented by the \"exp\" claim\"); RFC 7519 §4.1.4",
    summary: "`exp` is present and numeric, and the current time is before it (plus `--leeway`).",
    why: "An expired or never-expiring token is a stolen token's best friend.",
    fix: "Get a fresh token (refresh it). If tokens expire early, check the clocks of the issuer and the resource server (NTP).",
}
JWT_NBF_VALID = {
    id: "jwt-nbf-valid",
    levels: always(Must),
    spec: "RFC 7519 §4.1.5 (\"the time before which the JWT MUST NOT be accepted for processing\")",
    summary: "When present, `nbf` is numeric and not later than now (minus `--leeway`).",
    why: "A token used before its start time is either premature or a sign of clock skew.",
    fix: "Check the clocks (NTP) of the issuer and of the machine running the check, or raise `--leeway` slightly.",
}
JWT_IAT_PRESENT = {
    id: "jwt-iat-present",
    levels: always(Must),
    spec: "RFC 9068 §2.2 (iat REQUIRED)",
    summary: "`iat` is present and numeric; an `iat` in the future beyond the leeway is a warning.",
    why: "The issue time lets the resource server judge a token's age and detect clock skew.",
    fix: "Configure the authorization server to include `iat` (every mainstream provider does by default); check clocks if it lies in the future.",
}
JWT_PROFILE_CLAIMS = {
    id: "jwt-profile-claims",
    levels: always(Should),
    spec: "RFC 9068 §2.2 (`sub`, `client_id` and `jti` REQUIRED)",
    summary: "`sub`, `client_id` and `jti` are present strings. `should` by default, `must` under `--profile rfc9068`.",
    why: "They identify the user, the client and the token itself (for replay detection and audit). MCP does not mandate RFC 9068, so this is a warning unless the profile is selected.",
    fix: "Enable the RFC 9068 access-token profile on the authorization server (Entra ID uses `azp`/`appid` instead of `client_id`; Auth0 uses `azp`).",
}
JWT_SCOPE_SUFFICIENT = {
    id: "jwt-scope-sufficient",
    levels: always(Must),
    spec: "OAuth 2.1-13 §5.2 (\"MUST check that the access token … was issued with the appropriate scope\"); RFC 9068 §2.2.3 (\"SHOULD include a \"scope\" claim\")",
    summary: "Every `--scope` is in the space-delimited `scope` claim (a `scp` array is accepted and reported as non-standard); a missing claim is a warning.",
    why: "The resource server must refuse operations the token was not granted; MCP answers 403 insufficient_scope.",
    fix: "Request the missing scopes in the authorization request (`scope=...`) and make sure the authorization server grants them to this client.",
}
JWT_SHORT_LIVED = {
    id: "jwt-short-lived",
    levels: [Info, Should, Should, Should],
    spec: "MCP 2025-06-18+ §Token Theft; 2026-07-28 security-considerations (\"Authorization servers SHOULD issue short-lived access tokens\")",
    summary: "The token lifetime `exp - iat` is at most one hour (tool policy; the spec gives no number).",
    why: "A stolen short-lived token is useful to an attacker for minutes, not days.",
    fix: "Lower the access-token lifetime on the authorization server (5 to 60 minutes) and use refresh tokens.",
}
JWT_NOT_ID_TOKEN = {
    id: "jwt-not-id-token",
    levels: always(Info),
    spec: "RFC 9068 §5 (explicit typing distinguishes access tokens from ID tokens); RFC 8725 §3.12",
    summary: "Hint when the token looks like an OpenID Connect ID token (`nonce`, `at_hash`, or `aud` equal to the client id) rather than an access token.",
    why: "An ID token proves a login to the client; it is not meant for the MCP server and usually has the client, not the server, as its audience.",
    fix: "Send the access token from the token response (`access_token`), not the `id_token`.",
}
}
