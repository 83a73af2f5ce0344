//! Authorization server metadata checks (`check-provider`), checklist §2.1.

use super::Level::{Info, May, Must, Should};
use super::{CheckDef, always};

checks! { PROVIDER_CHECKS;
AS_DISCOVERY_URL_ORDER = {
    id: "as-discovery-url-order",
    levels: always(Must),
    spec: "MCP 2025-11-25 §Authorization Server Metadata Discovery; 2026-07-28 authorization-server-discovery",
    summary: "The metadata is found at one of the well-known URLs MCP clients try, in the order they try them, with no 5xx on an earlier candidate.",
    why: "Clients build the candidate URLs from the issuer (RFC 8414 path insertion, then OpenID Connect insertion and appending) and stop at the first answer; an SDK client gives up at a 5xx.",
    fix: "Serve the metadata at https://HOST/.well-known/oauth-authorization-server/PATH (or the OIDC equivalents). Earlier candidates must answer 404, not 5xx. Keycloak: /realms/NAME; Entra ID: /TENANT/v2.0; Auth0/Okta: the issuer's own path.",
}
AS_DEFAULT_ENDPOINTS_FALLBACK = {
    id: "as-default-endpoints-fallback",
    levels: [Must, Info, Info, Info],
    spec: "MCP 2025-03-26 §Authorization Server Discovery / §Fallbacks for Servers without Metadata Discovery",
    summary: "Under 2025-03-26, RFC 8414 metadata is served at the MCP server's origin (the authorization base URL), or clients fall back to the default endpoints /authorize, /token and /register there.",
    why: "2025-03-26 clients discard the MCP URL's path, try {origin}/.well-known/oauth-authorization-server first and, on 404, use the default endpoints at the origin. 2025-06-18 removed both: newer clients find the authorization server only through protected resource metadata.",
    fix: "Serve RFC 8414 metadata at https://HOST/.well-known/oauth-authorization-server (its issuer the origin), or support /authorize, /token and /register at the origin; for 2025-06-18+ clients also serve protected resource metadata naming the authorization server.",
}
AS_METADATA_STATUS_200 = {
    id: "as-metadata-status-200",
    levels: always(Must),
    spec: "RFC 8414 §3.2; OIDC Discovery §4.2",
    summary: "The metadata URL answers 200 OK.",
    why: "A successful metadata response MUST use 200; clients do not treat redirects or other 2xx codes as metadata.",
    fix: "Serve the document directly with status 200 rather than redirecting to it.",
}
AS_METADATA_JSON = {
    id: "as-metadata-json",
    levels: always(Must),
    spec: "RFC 8414 §3.2; OIDC Discovery §4",
    summary: "The metadata is a JSON object served as application/json.",
    why: "Clients parse the body as JSON only when the server says it is JSON; an HTML login or error page is not metadata.",
    fix: "Return the document with `Content-Type: application/json` and a JSON object body; check that a proxy is not serving an HTML page at that path.",
}
AS_ISSUER_PRESENT = {
    id: "as-issuer-present",
    levels: always(Must),
    spec: "RFC 8414 §2 (issuer REQUIRED); OIDC Discovery §3",
    summary: "The metadata has a non-empty `issuer` string.",
    why: "Clients validate the issuer before using anything else in the document.",
    fix: "Add `issuer` with the exact issuer identifier (the URL the well-known path was built from).",
}
AS_ISSUER_MATCHES = {
    id: "as-issuer-matches",
    levels: always(Must),
    spec: "RFC 8414 §3.3, §4, §6.2; OIDC Discovery §4.3; MCP 2026-07-28 authorization-server-discovery",
    summary: "`issuer` is identical (code point for code point) to the issuer the well-known URL was built from.",
    why: "If the values differ, the client MUST NOT use the metadata: this is the defence against mix-up attacks. Trailing slashes and letter case count.",
    fix: "Make the configured issuer and the advertised `issuer` the same string. Entra ID publishes a templated `{tenantid}` issuer on the common endpoint; use the tenant-specific URL. Auth0 issuers end with '/'.",
}
AS_ISSUER_HTTPS_NO_QUERY_FRAGMENT = {
    id: "as-issuer-https-no-query-fragment",
    levels: always(Must),
    spec: "RFC 8414 §2; OIDC Discovery §3",
    summary: "The issuer is an https URL with no query and no fragment.",
    why: "Issuer identifiers are https URLs so that clients can trust what is fetched from them; query and fragment make the identifier ambiguous.",
    fix: "Use an https issuer URL without `?` or `#` parts (loopback http is accepted with a warning for development).",
}
AS_ENDPOINTS_HTTPS = {
    id: "as-endpoints-https",
    levels: always(Must),
    spec: "MCP 2025-06-18+ §Communication Security (\"All authorization server endpoints MUST be served over HTTPS\"); OAuth 2.1-13 §1.5",
    summary: "Every advertised endpoint is an absolute https URL.",
    why: "Tokens, codes and credentials travel to these endpoints; MCP clients refuse plain http outside loopback.",
    fix: "Advertise https URLs for authorization_endpoint, token_endpoint, registration_endpoint, jwks_uri, revocation_endpoint and introspection_endpoint; behind a TLS-terminating proxy, configure the provider's public base URL (Keycloak: KC_HOSTNAME; others: X-Forwarded-Proto).",
}
AS_AUTHORIZATION_ENDPOINT = {
    id: "as-authorization-endpoint",
    levels: always(Must),
    spec: "RFC 8414 §2; OIDC Discovery §3; MCP §Authorization Flow Steps (authorization code grant)",
    summary: "`authorization_endpoint` is present.",
    why: "MCP clients use the authorization code flow, which starts at this endpoint.",
    fix: "Enable the authorization code grant and advertise `authorization_endpoint`.",
}
AS_TOKEN_ENDPOINT = {
    id: "as-token-endpoint",
    levels: always(Must),
    spec: "RFC 8414 §2; OIDC Discovery §3",
    summary: "`token_endpoint` is present.",
    why: "Clients redeem the authorization code for an access token at this endpoint.",
    fix: "Advertise `token_endpoint`.",
}
AS_RESPONSE_TYPES_CODE = {
    id: "as-response-types-code",
    levels: always(Must),
    spec: "RFC 8414 §2 (response_types_supported REQUIRED); OAuth 2.1-13 §4.1.1",
    summary: "`response_types_supported` is present and contains \"code\".",
    why: "MCP clients request response_type=code.",
    fix: "Enable the authorization code flow and list \"code\" in `response_types_supported`.",
}
AS_GRANT_TYPES_AUTHORIZATION_CODE = {
    id: "as-grant-types-authorization-code",
    levels: always(Must),
    spec: "RFC 8414 §2 (default [\"authorization_code\", \"implicit\"]); MCP §Authorization Flow Steps",
    summary: "`grant_types_supported`, when present, contains \"authorization_code\".",
    why: "MCP clients redeem an authorization code; a provider that lists grants without it will refuse them.",
    fix: "Add \"authorization_code\" (and \"refresh_token\") to `grant_types_supported`, or omit the member to get RFC 8414's default.",
}
AS_NO_IMPLICIT_GRANT = {
    id: "as-no-implicit-grant",
    levels: always(Should),
    spec: "OAuth 2.1-13 §10.1 (Removal of the OAuth 2.0 Implicit grant); RFC 9700 §2.1.2 (\"clients SHOULD NOT use the implicit grant (response type \\\"token\\\") or other response types issuing access tokens in the authorization response\")",
    summary: "Neither `response_types_supported` lists a response type that returns an access token from the authorization endpoint (`token`, `id_token token`, `code token`, …) nor `grant_types_supported` lists `implicit`.",
    why: "OAuth 2.1, on which MCP authorization is built, removes the implicit grant: an access token in the redirect URI's fragment leaks through browser history, referrers and logs, and cannot be sender-constrained. A client that finds it advertised may use it.",
    fix: "Disable the implicit flow and remove `token` response types and the `implicit` grant from the metadata; clients use the authorization code flow with PKCE.",
}
AS_PKCE_ADVERTISED = {
    id: "as-pkce-advertised",
    levels: [Should, Should, Must, Must],
    spec: "MCP 2025-11-25 §Authorization Code Protection; 2026-07-28 security-considerations; RFC 8414 §2",
    summary: "`code_challenge_methods_supported` is present and non-empty.",
    why: "Since 2025-11-25: \"If code_challenge_methods_supported is absent, the authorization server does not support PKCE and MCP clients MUST refuse to proceed.\" OIDC providers MUST include it too.",
    fix: "Advertise `code_challenge_methods_supported: [\"S256\"]`. Many OIDC providers (Okta, Auth0 custom domains, older Keycloak) support PKCE but omit the member; add it.",
}
AS_PKCE_S256 = {
    id: "as-pkce-s256",
    levels: always(Must),
    spec: "MCP 2025-11-25 §Authorization Code Protection; OAuth 2.1-13 §4.1.1 (S256 is mandatory to implement)",
    summary: "`code_challenge_methods_supported` contains \"S256\".",
    why: "MCP clients MUST use S256 when capable; a provider that offers only `plain` is refused.",
    fix: "Enable S256 PKCE on the provider and list it in `code_challenge_methods_supported`.",
}
AS_CLIENT_REGISTRATION_AVAILABLE = {
    id: "as-client-registration-available",
    levels: always(Should),
    spec: "MCP 2025-11-25 §Client Registration Approaches; 2026-07-28 client-registration",
    summary: "Clients can register themselves: CIMD (`client_id_metadata_document_supported: true`) or DCR (`registration_endpoint`).",
    why: "Without either, every MCP client needs a client_id registered by hand before it can connect.",
    fix: "Enable Client ID Metadata Documents, or dynamic client registration (deprecated in 2026-07-28), or document the pre-registered client_id users must configure.",
}
AS_CIMD_SUPPORTED = {
    id: "as-cimd-supported",
    levels: [Info, Info, Should, Should],
    spec: "MCP 2025-11-25 Overview and §Client ID Metadata Documents; 2026-07-28 client-registration",
    summary: "`client_id_metadata_document_supported` is true.",
    why: "CIMD is the registration approach MCP clients prefer after pre-registration.",
    fix: "Enable Client ID Metadata Document support and advertise `client_id_metadata_document_supported: true`.",
}
AS_CIMD_FLAG_BOOLEAN = {
    id: "as-cimd-flag-boolean",
    levels: [Info, Info, Must, Must],
    spec: "OAuth Client ID Metadata Document draft §Authorization Server Metadata (Boolean value)",
    summary: "`client_id_metadata_document_supported`, when present, is a JSON boolean.",
    why: "Clients read the flag as a boolean; the string \"true\" is not true.",
    fix: "Serve `true` or `false` without quotes.",
}
AS_DCR_ENDPOINT = {
    id: "as-dcr-endpoint",
    levels: [Should, Should, May, May],
    spec: "MCP 2025-03-26/2025-06-18 Overview (SHOULD); 2025-11-25 (MAY); 2026-07-28 deprecated.mdx (deprecated)",
    summary: "Whether `registration_endpoint` (RFC 7591 dynamic client registration) is advertised.",
    why: "Older MCP clients register dynamically. DCR is SHOULD up to 2025-06-18, MAY in 2025-11-25, and deprecated in 2026-07-28.",
    fix: "For older clients, enable dynamic client registration; for 2025-11-25 and later, prefer CIMD.",
}
AS_PUBLIC_CLIENT_AUTH = {
    id: "as-public-client-auth",
    levels: always(Should),
    spec: "MCP 2025-06-18+ Overview (OAuth 2.1 for public clients); RFC 7591 §2 (`none`); RFC 8414 §2 (default client_secret_basic)",
    summary: "`token_endpoint_auth_methods_supported` includes \"none\" (public clients) or \"private_key_jwt\".",
    why: "Most MCP clients are public clients with no secret; an absent member means client_secret_basic only.",
    fix: "Allow public clients (token endpoint auth method \"none\") with PKCE, and list it.",
}
AS_TOKEN_AUTH_SIGNING_ALGS = {
    id: "as-token-auth-signing-algs",
    levels: always(Should),
    spec: "RFC 8414 §2 (token_endpoint_auth_signing_alg_values_supported)",
    summary: "`token_endpoint_auth_signing_alg_values_supported` is present when private_key_jwt or client_secret_jwt is listed, and never contains \"none\".",
    why: "RFC 8414 says MUST; no MCP client depends on it, so it is a warning here.",
    fix: "List the JWS algorithms accepted for client assertions (e.g. [\"RS256\", \"ES256\"]) and never \"none\".",
}
AS_JWKS_URI = {
    id: "as-jwks-uri",
    levels: always(Should),
    spec: "RFC 9068 §4; RFC 8414 §2; OIDC Discovery §3 (REQUIRED for OIDC)",
    summary: "`jwks_uri` is advertised.",
    why: "MCP servers validate JWT access tokens with these keys; without it they need token introspection.",
    fix: "Advertise `jwks_uri`, or make sure your MCP server introspects opaque tokens.",
}
AS_JWKS_VALID = {
    id: "as-jwks-valid",
    levels: always(Must),
    spec: "OIDC Discovery §3 (\"MUST NOT contain private or symmetric key values\"); RFC 8414 §2 (`use` REQUIRED when signing and encryption keys coexist); RFC 7517 §5",
    summary: "`jwks_uri` answers 200 with a JSON key set that has at least one usable public signing key and no private or symmetric key material.",
    why: "The MCP server cannot verify tokens with a broken key set; published private keys let anyone mint tokens.",
    fix: "Serve {\"keys\": [...]} with public keys only (no d, p, q, dp, dq, qi or k members). If any key has use=enc, give every key a `use`. Rotate any key that was ever published with private parts.",
}
AS_SCOPES_SUPPORTED = {
    id: "as-scopes-supported",
    levels: always(Should),
    spec: "RFC 8414 §2 (RECOMMENDED); OIDC Discovery §3",
    summary: "`scopes_supported` is a non-empty array.",
    why: "Clients and users see which scopes they can ask for.",
    fix: "List the scopes your MCP server uses in `scopes_supported`.",
}
AS_NO_EMPTY_ARRAYS = {
    id: "as-no-empty-arrays",
    levels: always(Should),
    spec: "RFC 8414 §3.2 (\"Claims with zero elements MUST be omitted\"); OIDC Discovery §4.2",
    summary: "No member is an empty array.",
    why: "RFC 8414 says MUST; an empty array can also hide a default (e.g. an empty grant list). No MCP client depends on it, so it is a warning here.",
    fix: "Omit members that have no values instead of serving [].",
}
AS_OIDC_REQUIRED_FIELDS = {
    id: "as-oidc-required-fields",
    levels: always(Should),
    spec: "OIDC Discovery §3 (jwks_uri, subject_types_supported, id_token_signing_alg_values_supported REQUIRED; RS256 MUST be included)",
    summary: "An OpenID Connect document has the members OIDC requires.",
    why: "OIDC says MUST, but MCP clients use only the OAuth members, so it is a warning here.",
    fix: "Add jwks_uri, subject_types_supported and id_token_signing_alg_values_supported (including RS256).",
}
AS_ISS_RESPONSE_PARAM = {
    id: "as-iss-response-param",
    levels: [Info, Info, Info, Should],
    spec: "MCP 2026-07-28 authorization §Authorization Response Validation; RFC 9207",
    summary: "`authorization_response_iss_parameter_supported` is true.",
    why: "RFC 9207's `iss` response parameter defends against mix-up attacks; 2026-07-28 says the AS SHOULD send it and MUST advertise it when it does.",
    fix: "Enable the RFC 9207 `iss` authorization response parameter and advertise `authorization_response_iss_parameter_supported: true`.",
}
AS_METADATA_CONSISTENT = {
    id: "as-metadata-consistent",
    levels: always(Must),
    spec: "RFC 9068 §4 (\"the values provided MUST be consistent\")",
    summary: "When both RFC 8414 and OIDC documents answer, their issuer, endpoints, jwks_uri and PKCE methods agree.",
    why: "Clients that use different discovery orders would otherwise see different providers.",
    fix: "Serve both documents from the same configuration, or serve only one of them.",
}
AS_PROTECTED_RESOURCES_LISTS_RESOURCE = {
    id: "as-protected-resources-lists-resource",
    levels: always(Info),
    spec: "RFC 9728 §4 (protected_resources)",
    summary: "When the AS lists `protected_resources`, the probed resource is among them.",
    why: "The lists should be cross-checked against each other.",
    fix: "Add the MCP server's canonical URI to `protected_resources`, or drop the member.",
}
AS_TLS_VERIFIED = {
    id: "as-tls-verified",
    levels: always(Must),
    spec: "RFC 8414 §6.1, §6.2; OIDC Discovery §7.1",
    summary: "The TLS certificate of every https URL verifies.",
    why: "Clients MUST check the server certificate; mcp-auth never switches verification off.",
    fix: "Serve a certificate that chains to a trusted root and matches the host name; for a private CA, pass --cacert FILE.",
}
}
