//! Protected resource metadata (§2.2) and MCP server challenge (§2.3) checks (`gen-metadata`, `probe`).
//!
//! 2025-03-26 has no protected resource metadata at all, so the `prm-*` rows are `info` there.

use super::Level::{Info, May, Must, Should};
use super::{CheckDef, always};

/// Not defined before 2025-06-18 (no PRM), then `level`.
const fn from_2025_06_18(level: super::Level) -> [super::Level; 4] {
    [Info, level, level, level]
}

checks! { RESOURCE_CHECKS;
PRM_WELL_KNOWN_URL = {
    id: "prm-well-known-url",
    levels: from_2025_06_18(Must),
    spec: "RFC 9728 §3, §3.1; MCP 2025-11-25 §Protected Resource Metadata Discovery Requirements",
    summary: "The metadata is served at the RFC 9728 well-known URL derived from the resource (path insertion, terminating slash removed).",
    why: "Clients that get no `resource_metadata` URL build this exact URL from the MCP endpoint; a document anywhere else is invisible to them.",
    fix: "Serve the document at https://HOST/.well-known/oauth-protected-resource/PATH for resource https://HOST/PATH (`mcp-auth gen-metadata` prints it).",
}
PRM_DISCOVERY_ORDER = {
    id: "prm-discovery-order",
    levels: from_2025_06_18(Must),
    spec: "MCP 2025-11-25 / 2026-07-28 authorization-server-discovery §Protected Resource Metadata Discovery Requirements; RFC 9728 §3, §5.1",
    summary: "The metadata is found the way clients look for it: the `resource_metadata` URL, else the path-suffixed well-known URL, else the root one.",
    why: "Clients MUST use the header URL when present and otherwise fall back in this order; they stop at the first answer.",
    fix: "Send `resource_metadata` in the 401 challenge, or serve the document at the path-suffixed well-known URL; make URLs that do not serve it answer 404, not 5xx.",
}
PRM_STATUS_200_JSON = {
    id: "prm-status-200-json",
    levels: from_2025_06_18(Must),
    spec: "RFC 9728 §3.2 (\"MUST use the 200 OK HTTP status code and return a JSON object using the application/json content type\")",
    summary: "The metadata answers 200 with a JSON object served as application/json.",
    why: "Clients parse the document only from a 200 application/json response.",
    fix: "Serve the document with status 200 and `Content-Type: application/json`; check a proxy is not answering with an HTML page.",
}
PRM_RESOURCE_PRESENT = {
    id: "prm-resource-present",
    levels: from_2025_06_18(Must),
    spec: "RFC 9728 §2 (resource REQUIRED)",
    summary: "The metadata has a non-empty `resource` string.",
    why: "Clients compare `resource` with the URL they used before they trust anything else in the document.",
    fix: "Add `resource` with the MCP server's canonical URI, e.g. https://mcp.example.com/mcp.",
}
PRM_RESOURCE_MATCHES = {
    id: "prm-resource-matches",
    levels: from_2025_06_18(Must),
    spec: "RFC 9728 §3.3, §6, §7.3; checklist N1",
    summary: "`resource` is identical to the resource the metadata URL was built from (the MCP URL, or the bare origin for the root well-known URL).",
    why: "If the values differ the client MUST NOT use the metadata (a defence against one resource impersonating another). The TypeScript SDK accepts a same-origin path prefix; other clients do not.",
    fix: "Set `resource` to exactly the MCP endpoint URL clients connect to (scheme, host, port, path; no trailing slash) and serve the document at the path-suffixed well-known URL.",
}
PRM_RESOURCE_URI_VALID = {
    id: "prm-resource-uri-valid",
    levels: from_2025_06_18(Must),
    spec: "RFC 9728 §1.2; RFC 8707 §2; MCP §Canonical Server URI",
    summary: "`resource` is an absolute https URI without a fragment (a query is a warning).",
    why: "Clients send it as the RFC 8707 `resource` parameter, which MUST be absolute and fragment-free; authorization servers reject anything else.",
    fix: "Use the absolute https URL of the MCP endpoint, without `#fragment` and preferably without a query.",
}
PRM_RESOURCE_CANONICAL = {
    id: "prm-resource-canonical",
    levels: from_2025_06_18(Should),
    spec: "MCP 2025-06-18+ §Canonical Server URI (\"SHOULD consistently use the form without the trailing slash\"; lowercase scheme and host)",
    summary: "`resource` is in canonical form: no trailing slash, lowercase scheme and host.",
    why: "Tokens are bound to the exact string; a client that canonicalises differently asks for a token the server then rejects.",
    fix: "Drop the trailing '/' (unless it is significant) and write the scheme and host in lowercase.",
}
PRM_AUTHORIZATION_SERVERS_NONEMPTY = {
    id: "prm-authorization-servers-nonempty",
    levels: from_2025_06_18(Must),
    spec: "MCP 2025-06-18 §Authorization Server Location; 2026-07-28 authorization-server-discovery (\"MUST include the `authorization_servers` field containing at least one authorization server\")",
    summary: "`authorization_servers` is a non-empty array of strings.",
    why: "It is how clients find out where to get a token; RFC 9728 makes it optional, MCP makes it MUST.",
    fix: "List the issuer identifier of your authorization server, e.g. \"authorization_servers\": [\"https://auth.example.com\"].",
}
PRM_AUTHORIZATION_SERVERS_ARE_ISSUERS = {
    id: "prm-authorization-servers-are-issuers",
    levels: from_2025_06_18(Must),
    spec: "RFC 9728 §2 (issuer identifiers as in RFC 8414); RFC 8414 §2",
    summary: "Each authorization server is an issuer identifier: an https URL with no query or fragment.",
    why: "Clients build the AS metadata URL from it and then require the metadata `issuer` to equal it exactly.",
    fix: "List the issuer exactly as the AS advertises it in its metadata `issuer` (not the metadata URL, not the token endpoint).",
}
PRM_NO_EMPTY_ARRAYS = {
    id: "prm-no-empty-arrays",
    levels: from_2025_06_18(Should),
    spec: "RFC 9728 §3.2 (\"Parameters with zero values MUST be omitted\")",
    summary: "No member is an empty array.",
    why: "RFC 9728 says MUST; clients tolerate it, so it is a warning here. An empty `authorization_servers` is its own failure.",
    fix: "Omit members that have no values.",
}
PRM_SCOPES_SUPPORTED = {
    id: "prm-scopes-supported",
    levels: [Info, May, Should, Should],
    spec: "RFC 9728 §2 (RECOMMENDED); MCP 2025-11-25 §Scope Selection Strategy",
    summary: "`scopes_supported` is present and non-empty.",
    why: "When the challenge has no `scope`, clients request all of `scopes_supported`; without either they request no scope.",
    fix: "List the scopes your MCP server understands in `scopes_supported`.",
}
PRM_NO_OFFLINE_ACCESS = {
    id: "prm-no-offline-access",
    levels: [Info, Info, Info, Should],
    spec: "MCP 2026-07-28 authorization §Refresh Tokens (\"SHOULD NOT include `offline_access` in … Protected Resource Metadata `scopes_supported`\")",
    summary: "`scopes_supported` does not list `offline_access`.",
    why: "`offline_access` is an authorization server matter; clients decide to request it from the AS metadata.",
    fix: "Remove `offline_access` from the PRM `scopes_supported` (keep it in the AS metadata if the AS supports it).",
}
PRM_BEARER_METHODS = {
    id: "prm-bearer-methods",
    levels: from_2025_06_18(Must),
    spec: "RFC 9728 §2; OAuth 2.1-13 §5.1 (\"resource servers MUST ignore access tokens in a URI query parameter\"); MCP §Token Requirements",
    summary: "`bearer_methods_supported`, if present, contains `header` and never `query`.",
    why: "MCP clients send tokens only in the Authorization header; tokens in URLs leak into logs and caches.",
    fix: "Use \"bearer_methods_supported\": [\"header\"] (or omit the member).",
}
PRM_JWKS_URI_HTTPS = {
    id: "prm-jwks-uri-https",
    levels: from_2025_06_18(Must),
    spec: "RFC 9728 §2 (jwks_uri \"MUST use the https scheme\")",
    summary: "`jwks_uri`, if present, is an https URL.",
    why: "Keys fetched over plain http can be replaced in transit.",
    fix: "Serve the resource's JWK Set over https, or drop `jwks_uri`.",
}
PRM_SIGNING_ALG_NOT_NONE = {
    id: "prm-signing-alg-not-none",
    levels: from_2025_06_18(Must),
    spec: "RFC 9728 §2 (resource_signing_alg_values_supported: \"The value none MUST NOT be used\")",
    summary: "`resource_signing_alg_values_supported`, if present, does not list `none`.",
    why: "An unsigned response is not a signed response.",
    fix: "Remove \"none\" from `resource_signing_alg_values_supported`.",
}
PRM_SIGNED_METADATA = {
    id: "prm-signed-metadata",
    levels: always(Info),
    spec: "RFC 9728 §2.2, §3.3",
    summary: "Whether the document carries `signed_metadata` (reported, not evaluated).",
    why: "Signed metadata takes precedence for clients that support it and must be signed by a key of the issuer.",
    fix: "Nothing to fix; make sure the signed values equal the plain ones.",
}
PRM_RESOURCE_NAME = {
    id: "prm-resource-name",
    levels: from_2025_06_18(Should),
    spec: "RFC 9728 §2 (resource_name RECOMMENDED)",
    summary: "`resource_name` is present.",
    why: "Clients show it to the user on consent screens.",
    fix: "Add a human-readable `resource_name` (gen-metadata: --resource-name).",
}
PRM_TLS_VERIFIED = {
    id: "prm-tls-verified",
    levels: from_2025_06_18(Must),
    spec: "RFC 9728 §7.1, §7.3 (\"TLS certificate checking MUST be performed by the client\")",
    summary: "The metadata URL's TLS certificate verifies.",
    why: "Clients MUST check the certificate; mcp-auth never switches verification off.",
    fix: "Serve a certificate that chains to a trusted root and matches the host; for a private CA, pass --cacert FILE.",
}
RS_HTTPS = {
    id: "rs-https",
    levels: always(Must),
    spec: "OAuth 2.1-13 §1.5; RFC 9728 §1.2",
    summary: "The MCP server URL is https (loopback http is a warning).",
    why: "Bearer tokens travel to this URL on every request.",
    fix: "Serve the MCP endpoint over https.",
}
RS_UNAUTHENTICATED_401 = {
    id: "rs-unauthenticated-401",
    levels: always(Must),
    spec: "MCP 2025-03-26 §Authorization Flow (\"servers MUST respond with HTTP 401 Unauthorized\"); §Error Handling in every revision",
    summary: "A JSON-RPC POST without a token gets 401.",
    why: "The 401 is what starts the client's authorization flow; 200, 302, 403 or 404 leave it stuck.",
    fix: "Reject requests without a bearer token with 401 Unauthorized (not a redirect to a login page, not 403).",
}
RS_WWW_AUTHENTICATE_PRESENT = {
    id: "rs-www-authenticate-present",
    levels: [Should, Must, Must, Must],
    spec: "RFC 6750 §3; OAuth 2.1-13 §5.3.1 (\"MUST include the HTTP WWW-Authenticate response header field\")",
    summary: "The 401 carries a `WWW-Authenticate` header.",
    why: "Clients read the scheme, `resource_metadata` and `scope` from it.",
    fix: "Send `WWW-Authenticate: Bearer resource_metadata=\"https://HOST/.well-known/oauth-protected-resource/PATH\"` with every 401 (`mcp-auth gen-metadata` prints the value). Behind a proxy, check it forwards the header and exposes it via CORS (Access-Control-Expose-Headers).",
}
RS_BEARER_CHALLENGE = {
    id: "rs-bearer-challenge",
    levels: [Should, Must, Must, Must],
    spec: "RFC 6750 §3; OAuth 2.1-13 §5.3.1 (\"MUST use the auth-scheme value Bearer\"); RFC 9728 §5.4",
    summary: "One challenge uses the `Bearer` scheme with auth-params (other schemes such as DPoP may also be present).",
    why: "MCP clients look for the Bearer challenge; a Basic-only or malformed header tells them nothing.",
    fix: "Answer with `WWW-Authenticate: Bearer resource_metadata=\"…\", scope=\"…\"` (auth-params, quoted values).",
}
RS_RESOURCE_METADATA_PARAM = {
    id: "rs-resource-metadata-param",
    levels: [Info, Must, Should, Should],
    spec: "MCP 2025-06-18 §Authorization Server Location (\"MUST use the HTTP header WWW-Authenticate … to indicate the location of the resource server metadata URL\"); 2025-11-25 / 2026-07-28 §Protected Resource Metadata Discovery Requirements (header or well-known); RFC 9728 §5.1",
    summary: "The Bearer challenge has a `resource_metadata` auth-param.",
    why: "It tells clients where the metadata is, whatever the deployment path. Required in 2025-06-18; from 2025-11-25 a well-known URL may stand in for it, so its absence is a warning when the well-known URL works.",
    fix: "Add `resource_metadata=\"https://HOST/.well-known/oauth-protected-resource/PATH\"` to the Bearer challenge.",
}
RS_RESOURCE_METADATA_URL_VALID = {
    id: "rs-resource-metadata-url-valid",
    levels: from_2025_06_18(Must),
    spec: "RFC 9728 §5.1, §3.3",
    summary: "`resource_metadata` is an absolute https URL that serves the metadata, on a safe address.",
    why: "Clients fetch it as is; a relative or http URL, or one pointing at an internal address, breaks or endangers them.",
    fix: "Use the absolute https URL of the PRM document on your public host.",
}
RS_SCOPE_PARAM = {
    id: "rs-scope-param",
    levels: [Info, Info, Should, Should],
    spec: "MCP 2025-11-25 §Protected Resource Metadata Discovery Requirements; 2026-07-28 authorization §Scope Selection Strategy; RFC 6750 §3; OAuth 2.1-13 §5.3.1",
    summary: "The challenge has a `scope` auth-param with space-delimited scope tokens.",
    why: "Clients treat the challenge `scope` as authoritative for what to request; without it they fall back to every PRM scope.",
    fix: "Add `scope=\"read write\"` (the scopes the request needs) to the Bearer challenge.",
}
RS_CHALLENGE_NO_OFFLINE_ACCESS = {
    id: "rs-challenge-no-offline-access",
    levels: [Info, Info, Info, Should],
    spec: "MCP 2026-07-28 authorization §Refresh Tokens",
    summary: "The challenge `scope` does not include `offline_access`.",
    why: "Whether to ask for refresh tokens is the client's decision, based on the AS metadata.",
    fix: "Remove `offline_access` from the challenge `scope`.",
}
RS_NO_ERROR_WITHOUT_CREDENTIALS = {
    id: "rs-no-error-without-credentials",
    levels: always(Should),
    spec: "RFC 6750 §3.1; OAuth 2.1-13 §5.3.2 (\"SHOULD NOT include an error code or other error information\")",
    summary: "The 401 to a request without credentials has no `error` or `error_description`.",
    why: "An `error=\"invalid_token\"` on a token-less request makes some clients think their (absent) token expired and loop.",
    fix: "Send `error` only when a token was presented and rejected.",
}
RS_AUTH_PARAMS_UNIQUE = {
    id: "rs-auth-params-unique",
    levels: always(Must),
    spec: "OAuth 2.1-13 §5.3.1 (each parameter \"MUST NOT appear more than once\"); RFC 9110 §11.2",
    summary: "No auth-param appears twice in the Bearer challenge, and the header parses.",
    why: "With two `resource_metadata` or `scope` values, clients pick different ones, or reject the header.",
    fix: "Emit each auth-param once, with quoted values.",
}
RS_INVALID_TOKEN_401 = {
    id: "rs-invalid-token-401",
    levels: always(Must),
    spec: "MCP every revision §Token Handling (\"Invalid or expired tokens MUST receive a HTTP 401 response\"); RFC 6750 §3.1; RFC 9068 §4",
    summary: "A garbage token, and forged copies of a valid one (tampered payload, no signature, alg none, foreign key), each get 401 with `error=\"invalid_token\"`.",
    why: "Accepting a forged token is a full authorization bypass; a 500 means the server crashes on attacker input and clients cannot recover.",
    fix: "Verify every token's signature against the AS's JWKS with an allow-list of algorithms (never `none`), check iss/aud/exp, and answer 401 with `error=\"invalid_token\"` on any failure.",
}
RS_QUERY_TOKEN_IGNORED = {
    id: "rs-query-token-ignored",
    levels: always(Must),
    spec: "OAuth 2.1-13 §5.1 (\"resource servers MUST ignore access tokens in a URI query parameter\"); MCP §Token Requirements",
    summary: "A valid token sent only as `?access_token=` is ignored (401).",
    why: "Tokens in URLs end up in logs, proxies and browser history.",
    fix: "Read the token only from the Authorization header.",
}
RS_VALID_TOKEN_ACCEPTED = {
    id: "rs-valid-token-accepted",
    levels: always(Must),
    spec: "MCP §Token Requirements / §Token Handling",
    summary: "The token given with --token is accepted (2xx).",
    why: "If a valid token is refused, no client can use the server.",
    fix: "Check the server's expected issuer, audience (its canonical URI) and JWKS; `mcp-auth verify-token` shows which claim does not match.",
}
RS_WRONG_AUDIENCE_REJECTED = {
    id: "rs-wrong-audience-rejected",
    levels: from_2025_06_18(Must),
    spec: "MCP 2025-06-18+ §Token Handling, §Access Token Privilege Restriction",
    summary: "A valid token issued for another resource is rejected with 401.",
    why: "Without audience validation a token for any service of the same AS opens this one (token passthrough / confused deputy).",
    fix: "Require `aud` to contain the server's canonical URI.",
}
RS_INSUFFICIENT_SCOPE_403 = {
    id: "rs-insufficient-scope-403",
    levels: [Info, Info, Should, Should],
    spec: "MCP 2025-11-25 §Runtime Insufficient Scope Errors; 2026-07-28 authorization §Scope Challenge Handling; RFC 6750 §3.1",
    summary: "A 403 carries a Bearer challenge with `error=\"insufficient_scope\"`, `scope` and `resource_metadata`.",
    why: "That is how clients learn which scopes to step up to; a bare 403 is a dead end.",
    fix: "Answer 403 with `WWW-Authenticate: Bearer error=\"insufficient_scope\", scope=\"needed scopes\", resource_metadata=\"…\"`.",
}
}
