//! The client flow (`login`), checklist §2.6: what a compliant MCP client does after discovery. Each
//! step `login` takes is one of these checks. The discovery stops reuse `prm-resource-matches` and
//! `as-issuer-matches`.

use super::Level::{Info, Must, Should};
use super::{CheckDef, always};

checks! { LOGIN_CHECKS;
CL_PKCE_SUPPORTED = {
    id: "cl-pkce-supported",
    levels: [Should, Should, Must, Must],
    spec: "MCP 2025-11-25 §Authorization Code Protection (\"MUST refuse to proceed\" without `code_challenge_methods_supported`); OAuth 2.1-13 §4.1.1; RFC 7636 §4.2",
    summary: "The authorization server's metadata lists `S256` in `code_challenge_methods_supported`; otherwise the client stops before any authorization request.",
    why: "Without PKCE an intercepted authorization code can be redeemed by anyone; MCP clients must refuse such a server.",
    fix: "Advertise `code_challenge_methods_supported: [\"S256\"]` in the authorization server metadata and enforce PKCE at the token endpoint.",
}
CL_REGISTRATION = {
    id: "cl-registration",
    levels: always(Should),
    spec: "MCP 2025-11-25 §Client Registration Approaches; MCP 2026-07-28 client-registration (pre-registered, then Client ID Metadata Document, then dynamic registration)",
    summary: "A client identity was obtained by the first route that applies, in the spec's order, and the report says why the others were not taken.",
    why: "A client that only knows dynamic registration cannot log in to a server without a registration endpoint, the most common MCP client failure.",
    fix: "Pre-register a client and pass `--client-id`, publish a Client ID Metadata Document and pass `--client-metadata-url` (server advertises `client_id_metadata_document_supported`), or enable dynamic registration (`registration_endpoint`).",
}
CL_DCR_RESPONSE = {
    id: "cl-dcr-response",
    levels: always(Must),
    spec: "RFC 7591 §3.2.1 (\"201 Created\" with the client information), §3.2.2; MCP 2026-07-28 client-registration (clients MUST send `application_type`)",
    summary: "Dynamic registration answered 201 with a JSON object holding `client_id`, and what it registered matches what was asked.",
    why: "A client must use the redirect URIs, grant types and authentication method the server actually registered; a silent change breaks the next step.",
    fix: "Answer registration with 201 and the full client information (`client_id`, `redirect_uris`, `grant_types`, `token_endpoint_auth_method`); keep loopback redirect URIs as sent.",
}
CL_REDIRECT_URI_REGISTERED = {
    id: "cl-redirect-uri-registered",
    levels: always(Must),
    spec: "OAuth 2.1-13 §2.3 (exact redirect URI matching); RFC 8252 §7.3 (any port on a loopback redirect URI)",
    summary: "The redirect URI the client uses is one the authorization server registered for it (loopback port aside).",
    why: "The authorization server compares redirect URIs exactly; `localhost` and `127.0.0.1` are different URIs, and the browser ends on an error page.",
    fix: "Register `http://127.0.0.1/callback` (any port) for the client, keep the address as sent (do not rewrite it to `localhost`), and allow any port on loopback redirect URIs (RFC 8252 §7.3).",
}
CL_AUTHORIZATION_RESPONSE = {
    id: "cl-authorization-response",
    levels: always(Must),
    spec: "OAuth 2.1-13 §4.1.2, §4.1.2.1; RFC 9207 §2.4; MCP 2026-07-28 §Authorization Response Validation (clients MUST validate `iss` before redeeming the code)",
    summary: "The callback carries a code, the `state` sent, and, when the server advertises or sends it, `iss` equal to the issuer; an `error` is explained.",
    why: "A wrong `state` means a forged callback (CSRF); a wrong or missing `iss` is a mix-up attack. The client must stop before redeeming the code.",
    fix: "Return `code`, the client's `state` and `iss` (the exact issuer) on the redirect; when `authorization_response_iss_parameter_supported` is true, `iss` must always be present.",
}
CL_RESOURCE_PARAMETER = {
    id: "cl-resource-parameter",
    levels: [Info, Must, Must, Must],
    spec: "MCP 2025-06-18+ §Resource Parameter Implementation (\"MUST include the resource parameter\"); RFC 8707 §2",
    summary: "The RFC 8707 `resource` parameter, equal to the protected resource metadata's `resource`, is accepted on the authorization, token and refresh requests.",
    why: "Without `resource` the token is not bound to this MCP server and a token for one server opens another; servers that reject it (Entra ID AADSTS9010010) cannot be used by compliant clients.",
    fix: "Accept RFC 8707 `resource` and issue tokens whose `aud` is that resource. Entra ID v2 rejects `resource` with scopes (AADSTS9010010): use scopes of the API's Application ID URI and make the PRM `resource` that URI, or front it with a proxy that supports RFC 8707.",
}
CL_TOKEN_RESPONSE = {
    id: "cl-token-response",
    levels: always(Must),
    spec: "OAuth 2.1-13 §3.2.3; RFC 6749 §5.1 (`Cache-Control: no-store`), §5.2 (error response)",
    summary: "The token endpoint answered 200 with a JSON object holding `access_token` and `token_type` Bearer, not cacheable; an error is explained.",
    why: "Clients can use only a Bearer access token from a successful, well-formed response.",
    fix: "Answer token requests with 200, `Content-Type: application/json`, `Cache-Control: no-store`, and `access_token` plus `token_type: Bearer`; see the explanation of the error code for the failing request.",
}
CL_TOKEN_AUDIENCE = {
    id: "cl-token-audience",
    levels: [Info, Must, Must, Must],
    spec: "MCP 2025-06-18+ §Token Handling, §Access Token Privilege Restriction; RFC 8707 §2; RFC 9068 §4",
    summary: "The issued access token is bound to the resource: a JWT's signature verifies with the issuer's keys, its `iss` is the issuer and its `aud` contains the resource; an opaque token is reported as such.",
    why: "A token not bound to this MCP server is accepted by any server of the same authorization server: the confused-deputy and token-passthrough attacks MCP forbids.",
    fix: "Issue tokens whose `aud` is the requested `resource` (Auth0: API audience; Keycloak: audience mapper; Entra ID: the API's Application ID URI).",
}
CL_SCOPE_SELECTION = {
    id: "cl-scope-selection",
    levels: always(Should),
    spec: "MCP 2025-11-25 §Scope Selection Strategy; MCP 2026-07-28 (offline_access only when the AS lists it; union on step-up)",
    summary: "Scopes requested: the challenge's `scope`, else the metadata's `scopes_supported`, else none; `offline_access` only when the authorization server lists it. Reports granted against requested.",
    why: "Requesting scopes the server does not know gets `invalid_scope`; `offline_access` from a server that refuses it is a common cause.",
    fix: "Put the scopes an operation needs in the 401 challenge's `scope`; do not list `offline_access` in the PRM's `scopes_supported`; grant what is asked or return the granted `scope`.",
}
CL_STEP_UP = {
    id: "cl-step-up",
    levels: always(Should),
    spec: "MCP 2025-11-25 §Runtime Insufficient Scope Errors; MCP 2026-07-28 §Scope Challenge Handling; RFC 6750 §3.1",
    summary: "A 403 `insufficient_scope` is answered by re-authorizing with the union of granted and challenged scopes (at most 3 authorization requests), and the server then accepts the token.",
    why: "Servers that report missing scopes as 401 `invalid_token` make clients believe the token expired and loop on login.",
    fix: "Answer a valid token without the needed scope with 403 and `WWW-Authenticate: Bearer error=\"insufficient_scope\", scope=\"…\", resource_metadata=\"…\"`.",
}
CL_CREDENTIALS_PER_ISSUER = {
    id: "cl-credentials-per-issuer",
    levels: [Should, Should, Should, Must],
    spec: "MCP 2026-07-28 client-registration (client credentials MUST be keyed by the authorization server `issuer`)",
    summary: "Client credentials obtained at one authorization server are used only with that issuer.",
    why: "Sending one server's client credentials to another leaks them and enables mix-up attacks.",
    fix: "Key stored client registrations by the authorization server's `issuer`; register again when the server changes.",
}
CL_REFRESH = {
    id: "cl-refresh",
    levels: always(Should),
    spec: "OAuth 2.1-13 §4.3 (refresh token grant), §4.3.1 (rotation for public clients); MCP 2025-06-18+ §Token Handling; RFC 8707 §2",
    summary: "The refresh token works once with `resource`, yields a token still bound to the resource, and is rotated for public clients.",
    why: "A refreshed token that lost its audience or a refresh token that is never rotated weakens every later request.",
    fix: "Rotate refresh tokens of public clients (issue a new one, revoke the old), and keep `resource` and the audience on refresh.",
}
CL_MCP_CALL = {
    id: "cl-mcp-call",
    levels: always(Must),
    spec: "MCP 2025-06-18+ §Token Requirements (Bearer token on every request); derived",
    summary: "The MCP requests (`initialize`, `tools/list`, and `--call`) with the new token succeed.",
    why: "Logging in is only useful if the MCP server accepts the token it produced.",
    fix: "Make the MCP server accept tokens of its authorization server whose `aud` is its resource URL; see the server's `WWW-Authenticate` error.",
}
CL_PKCE_ENFORCED = {
    id: "cl-pkce-enforced",
    levels: always(Must),
    spec: "OAuth 2.1-13 §4.1.3 (the server MUST verify `code_verifier`); RFC 7636 §4.6; MCP 2025-06-18+ §Authorization Code Protection",
    summary: "`login --audit`: the token endpoint refuses a code redeemed with a wrong `code_verifier`.",
    why: "Advertising S256 protects nothing if the server does not check the verifier: a stolen code is redeemable.",
    fix: "Verify BASE64URL(SHA256(code_verifier)) against the stored code_challenge and answer `invalid_grant` on a mismatch.",
}
CL_CODE_SINGLE_USE = {
    id: "cl-code-single-use",
    levels: always(Must),
    spec: "OAuth 2.1-13 §4.1.3 (an authorization code MUST NOT be used more than once)",
    summary: "`login --audit`: a code already redeemed is refused the second time.",
    why: "A replayable code lets whoever intercepts it obtain tokens after the legitimate client.",
    fix: "Invalidate the code at its first redemption (and revoke the tokens issued with it when it is replayed).",
}
CL_REDIRECT_URI_ENFORCED = {
    id: "cl-redirect-uri-enforced",
    levels: always(Must),
    spec: "OAuth 2.1-13 §4.1.2.1 (the server MUST NOT redirect to an invalid redirect URI), §2.3.1 (exact matching); RFC 9700 §4.1.1, §4.1.3; MCP 2025-06-18+ §Open Redirection",
    summary: "`login --audit`: an authorization request whose `redirect_uri` was not registered for the client is refused, not redirected to.",
    why: "A server that redirects to any URI is an open redirector: authorization codes (and errors) go to whoever owns that URI.",
    fix: "Compare `redirect_uri` exactly with the client's registered redirect URIs (any port only on loopback, RFC 8252 §7.3); on a mismatch show an error page to the user and do not redirect.",
}
}
