//! An embedded OAuth 2.1 authorization server for MCP: RFC 8414 (and optionally OIDC) metadata, a JWKS,
//! an auto-approving `/authorize`, `/register`, and a token endpoint that mints ES256 JWT access tokens
//! bound to the RFC 8707 `resource` (the grants live in `grants.rs`). Good by default; each [`Flaw`]
//! breaks one thing the way real providers break it.

use super::{MockServer, Reply};
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// One deliberate misconfiguration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flaw {
    /// `code_challenge_methods_supported: ["plain"]`.
    PlainPkceOnly,
    /// No `code_challenge_methods_supported` at all.
    NoPkce,
    /// The advertised issuer has an extra trailing slash.
    IssuerTrailingSlash,
    /// The advertised issuer is another URL entirely.
    IssuerMismatch,
    /// The advertised issuer's path differs in letter case (`/Tenant1` for `/tenant1`).
    IssuerCase,
    /// The advertised issuer drops the issuer path (the parent issuer, as a shared multi-tenant document).
    IssuerWithoutPath,
    /// The advertised issuer is a template (`.../{tenantid}/...`), as on Entra ID's `common` endpoint.
    IssuerTemplate,
    /// No `registration_endpoint` (and no CIMD flag): clients need a pre-registered client.
    NoRegistration,
    /// Endpoints on a non-loopback http host.
    HttpEndpoints,
    /// No `token_endpoint`.
    NoTokenEndpoint,
    /// `response_types_supported` without `code`.
    NoCodeResponseType,
    /// The implicit grant advertised: `token` and `id_token token` response types, the `implicit` grant.
    ImplicitGrant,
    /// `client_id_metadata_document_supported: "true"` (a string).
    CimdFlagString,
    /// The JWKS includes the private key (`d`).
    JwksPrivateKey,
    /// `jwks_uri` answers 404.
    JwksMissing,
    /// Also serve an OIDC document whose `token_endpoint` differs.
    OidcInconsistent,
    /// The RFC 8414 URL answers 500 (the OIDC URL still serves).
    MetadataServerError,
    /// The RFC 8414 URL answers 200 with an HTML page.
    MetadataHtml,
    /// The metadata is served as text/plain.
    MetadataWrongContentType,
    /// Dynamic registration records `localhost` for the `127.0.0.1` redirect URI it was sent, and
    /// `/authorize` then compares exactly: the loopback redirect URI mismatch clients hit.
    RedirectUriMismatch,
    /// Requests carrying the RFC 8707 `resource` parameter get `invalid_target` (Entra ID's AADSTS9010010).
    RejectsResource,
    /// `offline_access` is listed in `scopes_supported`, but requesting it gets `invalid_scope`.
    RefusesOfflineAccess,
    /// The refresh_token grant returns no new refresh token and the old one stays valid.
    RefreshWithoutRotation,
    /// Tokens from the refresh_token grant are no longer bound to the resource (`aud` is the client).
    RefreshDropsResource,
    /// Access tokens carry a fixed `aud` whatever `resource` was asked for.
    TokenNotBoundToResource,
    /// The authorization response has no `iss` although the metadata advertises it (RFC 9207).
    NoIssParameter,
    /// `/authorize` and the token endpoint accept requests without PKCE or with a wrong `code_verifier`.
    PkceNotEnforced,
    /// `/authorize` redirects to any `redirect_uri`, registered or not: an open redirector that hands codes
    /// to whoever owns the URI.
    RedirectUriNotChecked,
    /// `/authorize` answers an unregistered `redirect_uri` with a 200 sign-in page instead of an error: the
    /// check is left until after the user signs in (as many hosted login pages do), so a client without a
    /// user cannot tell whether it would be refused.
    RedirectUriCheckedAfterLogin,
}

/// Builder for [`AuthServer`].
#[derive(Clone, Debug, Default)]
pub struct AuthServerBuilder {
    issuer_path: String,
    flaws: Vec<Flaw>,
    oidc: bool,
    oidc_appended: bool,
    oauth: bool,
    scopes: Vec<String>,
    extra_jwks: Vec<Value>,
    jwks: Option<Value>,
    jwks_uri: Option<String>,
}

impl AuthServerBuilder {
    /// Issuer path such as `/tenant1` (default: none).
    pub fn issuer_path(mut self, path: &str) -> Self {
        self.issuer_path = path.trim_end_matches('/').to_owned();
        self
    }

    pub fn flaw(mut self, flaw: Flaw) -> Self {
        self.flaws.push(flaw);
        self
    }

    pub fn flaws(mut self, flaws: impl IntoIterator<Item = Flaw>) -> Self {
        self.flaws.extend(flaws);
        self
    }

    /// Serve the OpenID Connect discovery document too (path insertion).
    pub fn oidc(mut self, on: bool) -> Self {
        self.oidc = on;
        self
    }

    /// Serve the OpenID Connect document at the issuer path + `/.well-known/openid-configuration`
    /// (path appending, as Keycloak, Okta and Entra ID do) instead of path insertion. Implies `oidc(true)`.
    pub fn oidc_appended(mut self, on: bool) -> Self {
        self.oidc_appended = on;
        self.oidc |= on;
        self
    }

    /// Serve the RFC 8414 document (default on).
    pub fn oauth(mut self, on: bool) -> Self {
        self.oauth = on;
        self
    }

    pub fn scopes(mut self, scopes: &[&str]) -> Self {
        self.scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Also publish this JWK in the JWKS (e.g. an RS256 key, or an `enc` key for a test).
    pub fn extra_jwk(mut self, jwk: Value) -> Self {
        self.extra_jwks.push(jwk);
        self
    }

    /// Advertise this `jwks_uri` instead of its own (a hostile server naming an internal address).
    pub fn jwks_uri(mut self, url: &str) -> Self {
        self.jwks_uri = Some(url.to_owned());
        self
    }

    /// Serve exactly this document at `jwks_uri` instead of the generated one.
    pub fn jwks(mut self, jwks: Value) -> Self {
        self.jwks = Some(jwks);
        self
    }

    pub fn start(self) -> std::io::Result<AuthServer> {
        AuthServer::start(self)
    }
}

// The forging key and the clock live in the library (probe forges tokens with the key); re-exported here
// for the tests and benches that build servers with them.
pub use crate::jwt::{P256_N, SigningKey, low_s, negate_s};
pub use crate::time::now;

/// A running embedded authorization server.
pub struct AuthServer {
    pub server: MockServer,
    pub key: SigningKey,
    issuer: String,
    metadata: Value,
    flow: Arc<super::grants::Flow>,
}

impl AuthServer {
    pub fn builder() -> AuthServerBuilder {
        AuthServerBuilder {
            oauth: true,
            scopes: vec!["mcp:read".into(), "mcp:write".into()],
            ..Default::default()
        }
    }

    /// The issuer identifier clients should be configured with.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The metadata document as served (flaws applied).
    pub fn metadata(&self) -> &Value {
        &self.metadata
    }

    /// Pre-registers a client: `secret` `None` makes it a public client. Loopback redirect URIs match
    /// whatever their port (RFC 8252 §7.3).
    pub fn add_client(&self, client_id: &str, secret: Option<&str>, redirect_uris: &[&str]) {
        self.flow.add_client(client_id, secret, redirect_uris);
    }

    /// Pre-registers a `private_key_jwt` client with its public key (a P-256 JWK for ES256, RSA for RS256).
    pub fn add_key_client(&self, client_id: &str, jwk: &Value, redirect_uris: &[&str]) {
        self.flow.add_key_client(client_id, jwk, redirect_uris);
    }

    /// Mints an access token for `resource` with `scope`, valid for `ttl` seconds.
    pub fn mint(&self, resource: &str, scope: &str, ttl: u64) -> String {
        self.key.sign(&self.claims(resource, scope, ttl))
    }

    /// The claims [`mint`](Self::mint) signs, for tests that alter them.
    pub fn claims(&self, resource: &str, scope: &str, ttl: u64) -> Value {
        let now = now();
        json!({
            "iss": self.issuer,
            "sub": "demo-client",
            "client_id": "demo-client",
            "aud": resource,
            "scope": scope,
            "iat": now,
            "exp": now + ttl,
            "jti": format!("{:x}", now.wrapping_mul(2654435761)),
        })
    }

    /// The authorization server metadata document, with the builder's flaws.
    fn build_metadata(b: &AuthServerBuilder, base: &str, issuer: &str, endpoint_base: &str) -> Value {
        let has = |f: Flaw| b.flaws.contains(&f);
        let mut m = Map::new();
        let advertised_issuer = if has(Flaw::IssuerTrailingSlash) {
            format!("{issuer}/")
        } else if has(Flaw::IssuerMismatch) {
            format!("{base}/some-other-tenant")
        } else if has(Flaw::IssuerCase) {
            let mut path = b.issuer_path.to_uppercase();
            if path.is_empty() {
                path = "/".into();
            }
            format!("{base}{path}")
        } else if has(Flaw::IssuerWithoutPath) {
            base.to_owned()
        } else if has(Flaw::IssuerTemplate) {
            format!("{base}/{{tenantid}}{}", b.issuer_path)
        } else {
            issuer.to_owned()
        };
        m.insert("issuer".into(), json!(advertised_issuer));
        m.insert(
            "authorization_endpoint".into(),
            json!(format!("{endpoint_base}/authorize")),
        );
        if !has(Flaw::NoTokenEndpoint) {
            m.insert("token_endpoint".into(), json!(format!("{endpoint_base}/token")));
        }
        if !has(Flaw::NoRegistration) {
            m.insert(
                "registration_endpoint".into(),
                json!(format!("{endpoint_base}/register")),
            );
        }
        let jwks_uri = b.jwks_uri.clone().unwrap_or_else(|| format!("{issuer}/jwks"));
        m.insert("jwks_uri".into(), json!(jwks_uri));
        let mut scopes = b.scopes.clone();
        if has(Flaw::RefusesOfflineAccess) {
            scopes.push("offline_access".into());
        }
        m.insert("scopes_supported".into(), json!(scopes));
        let implicit = has(Flaw::ImplicitGrant);
        let response_types = if has(Flaw::NoCodeResponseType) {
            json!(["token"])
        } else if implicit {
            json!(["code", "token", "id_token token"])
        } else {
            json!(["code"])
        };
        m.insert("response_types_supported".into(), response_types);
        let mut grants = vec!["authorization_code", "refresh_token", "client_credentials"];
        if implicit {
            grants.push("implicit");
        }
        m.insert("grant_types_supported".into(), json!(grants));
        if has(Flaw::PlainPkceOnly) {
            m.insert("code_challenge_methods_supported".into(), json!(["plain"]));
        } else if !has(Flaw::NoPkce) {
            m.insert("code_challenge_methods_supported".into(), json!(["S256"]));
        }
        m.insert(
            "token_endpoint_auth_methods_supported".into(),
            json!(["none", "client_secret_basic", "client_secret_post", "private_key_jwt"]),
        );
        m.insert(
            "token_endpoint_auth_signing_alg_values_supported".into(),
            json!(["ES256", "RS256"]),
        );
        if has(Flaw::CimdFlagString) {
            m.insert("client_id_metadata_document_supported".into(), json!("true"));
        } else if !has(Flaw::NoRegistration) {
            m.insert("client_id_metadata_document_supported".into(), json!(true));
        }
        m.insert("authorization_response_iss_parameter_supported".into(), json!(true));
        Value::Object(m)
    }

    fn start(b: AuthServerBuilder) -> std::io::Result<AuthServer> {
        let server = MockServer::start()?;
        let base = server.base_url();
        let issuer = format!("{base}{}", b.issuer_path);
        let key = SigningKey::generate("demo-key-1");
        let has = |f: Flaw| b.flaws.contains(&f);
        let endpoint_base = if has(Flaw::HttpEndpoints) {
            format!("http://auth.example.com{}", b.issuer_path)
        } else {
            issuer.clone()
        };
        let metadata = Self::build_metadata(&b, &base, &issuer, &endpoint_base);

        let well_known_oauth = format!("/.well-known/oauth-authorization-server{}", b.issuer_path);
        let well_known_oidc = if b.oidc_appended {
            format!("{}/.well-known/openid-configuration", b.issuer_path)
        } else {
            format!("/.well-known/openid-configuration{}", b.issuer_path)
        };
        let content_type = if has(Flaw::MetadataWrongContentType) {
            "text/plain"
        } else {
            "application/json"
        };
        let doc_reply = Reply::new(200)
            .header("content-type", content_type)
            .body(metadata.to_string());
        if b.oauth {
            let reply = if has(Flaw::MetadataServerError) {
                Reply::new(500)
                    .header("content-type", "text/plain")
                    .body("internal error")
            } else if has(Flaw::MetadataHtml) {
                Reply::new(200)
                    .header("content-type", "text/html")
                    .body("<!doctype html><html><body>Sign in</body></html>")
            } else {
                doc_reply.clone()
            };
            server.fixed(&well_known_oauth, reply);
        }
        if b.oidc || has(Flaw::OidcInconsistent) || has(Flaw::MetadataServerError) {
            let mut oidc = metadata.clone();
            oidc["subject_types_supported"] = json!(["public"]);
            oidc["id_token_signing_alg_values_supported"] = json!(["RS256", "ES256"]);
            if has(Flaw::OidcInconsistent) {
                oidc["token_endpoint"] = json!(format!("{endpoint_base}/oidc/token"));
            }
            server.fixed(
                &well_known_oidc,
                Reply::new(200)
                    .header("content-type", content_type)
                    .body(oidc.to_string()),
            );
        }
        let mut jwks = if has(Flaw::JwksPrivateKey) {
            json!({"keys": [key.private_jwk]})
        } else {
            json!({"keys": [key.public_jwk]})
        };
        if let Some(keys) = jwks["keys"].as_array_mut() {
            keys.extend(b.extra_jwks.iter().cloned());
        }
        if let Some(custom) = &b.jwks {
            jwks = custom.clone();
        }
        if !has(Flaw::JwksMissing) {
            server.fixed(&format!("{}/jwks", b.issuer_path), Reply::json(&jwks));
        }
        let flow = Arc::new(super::grants::Flow::new(
            issuer.clone(),
            key.clone(),
            b.flaws.clone(),
            b.scopes.join(" "),
        ));
        let p = &b.issuer_path;
        let f = flow.clone();
        server.route(&format!("{p}/token"), move |req| f.token(req));
        let f = flow.clone();
        server.route(&format!("{p}/authorize"), move |req| f.authorize(req));
        if !has(Flaw::NoRegistration) {
            let f = flow.clone();
            server.route(&format!("{p}/register"), move |req| f.register(req));
        }
        Ok(AuthServer {
            server,
            key,
            issuer,
            metadata,
            flow,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_server_passes_check_provider() {
        let a = AuthServer::builder().issuer_path("/tenant1").start().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = crate::http::HttpClient::new(Default::default()).unwrap();
        let source = crate::provider::Source::Discover(crate::discovery::ProviderType::Auto);
        let out = rt.block_on(crate::provider::check(
            &client,
            a.issuer(),
            &source,
            crate::spec::SpecRevision::LATEST,
        ));
        let bad: Vec<_> = out
            .checks
            .iter()
            .chain(&out.jwks_checks)
            .filter(|c| c.status == crate::report::Status::Fail)
            .collect();
        assert!(bad.is_empty(), "{bad:#?}");
        assert!(out.error.is_none());
        assert_eq!(out.jwks_checks[0].status, crate::report::Status::Pass);
    }

    #[test]
    fn minted_tokens_carry_the_resource_as_audience() {
        let a = AuthServer::builder().start().unwrap();
        let t = a.mint("http://127.0.0.1:1/mcp", "mcp:read", 60);
        let payload = t.split('.').nth(1).unwrap();
        use base64::Engine;
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap();
        let claims: Value = serde_json::from_slice(&raw).unwrap();
        assert_eq!(claims["aud"], "http://127.0.0.1:1/mcp");
        assert_eq!(claims["iss"], a.issuer());
    }
}
