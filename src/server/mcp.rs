//! An embedded MCP resource server (Streamable HTTP endpoint) protected by one or more
//! [`AuthServer`](super::auth::AuthServer)s: 401 with a Bearer challenge, protected resource metadata at
//! the RFC 9728 well-known URL, ES256 token verification against the AS's public key, 403 with
//! `insufficient_scope`. Good by default; each [`McpFlaw`] breaks one thing the way real servers break it.

use super::auth::{AuthServer, Flaw};
use super::{MockServer, Recorded, Reply};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Value, json};
use std::sync::Arc;

/// One deliberate misconfiguration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum McpFlaw {
    /// The 401 has no `WWW-Authenticate` header.
    NoWwwAuthenticate,
    /// The challenge has no `resource_metadata` parameter.
    NoResourceMetadataParam,
    /// The metadata is served only at the root well-known URL, and the challenge does not name it.
    PrmOnlyAtRoot,
    /// The metadata's `resource` is another URL.
    ResourceMismatch,
    /// `authorization_servers: []`.
    NoAuthorizationServers,
    /// Also list a second authorization server, which is broken (plain-only PKCE).
    SecondAuthorizationServerBroken,
    /// Tokens are decoded but their signature is not verified.
    AcceptsForgedTokens,
    /// An invalid token gets 500 instead of 401.
    ServerErrorOnBadToken,
    /// A token without the required scope gets a bare 403 (no `insufficient_scope` challenge).
    Forbidden403WithoutInsufficientScope,
    /// A token in the `access_token` query parameter is accepted.
    AcceptsQueryToken,
    /// Requests of the newest shape (MCP 2026-07-28) get 400 with JSON-RPC -32020.
    RejectsNewestRequestShape,
    /// Like [`McpFlaw::RejectsNewestRequestShape`], but only once a valid token was accepted: authorization
    /// runs first, so every shape gets 401 without a token (the TypeScript SDK's `requireBearerAuth` in front
    /// of its transport, which answers 400 JSON-RPC -32000 "Unsupported protocol version").
    RejectsNewestRequestShapeAfterAuth,
    /// Validly signed tokens are accepted whatever their `aud`: a token for another resource opens this one.
    IgnoresAudience,
    /// A token without the required scope gets 401 `invalid_token` ("token expired") instead of a 403
    /// `insufficient_scope` challenge: step-up reported as expiry, so clients loop on re-login.
    StepUpAs401,
    /// A request with an `access_token` query parameter is answered only after [`STALL`]: the client's
    /// request fails with a timeout, so its error text is what reaches the report.
    StallsQueryToken,
    /// A request without a token gets 503: the server fails before its authorization says anything.
    ServerErrorWithoutToken,
}

/// How long [`McpFlaw::StallsQueryToken`] holds the answer (run the client with a shorter `--timeout`).
pub const STALL: std::time::Duration = std::time::Duration::from_secs(5);

/// Builder for [`McpServer`].
#[derive(Clone, Debug)]
pub struct McpServerBuilder {
    path: String,
    issuers: Vec<String>,
    keys: Vec<(String, Value)>,
    flaws: Vec<McpFlaw>,
    scopes: Vec<String>,
    required_scope: String,
    resource_metadata: Option<String>,
    origin_as: Option<(Value, Value)>,
    /// The authorization server (issuer, key) the server moves to, see [`Self::migrates_to`].
    migrates_to: Option<(String, Value)>,
}

impl McpServerBuilder {
    /// Authorization-server migration: after the first call accepted with a token of the first listed
    /// server, the metadata names `auth` instead and that first server's tokens get 401.
    pub fn migrates_to(mut self, auth: &AuthServer) -> Self {
        self.migrates_to = Some((auth.issuer().to_owned(), auth.key.public_jwk.clone()));
        self
    }

    /// Acts as the MCP 2025-03-26 authorization base URL for `auth`: serves a copy of its metadata at this
    /// server's `/.well-known/oauth-authorization-server` with `issuer` set to this server's origin (the
    /// endpoints and `jwks_uri` stay `auth`'s), and accepts tokens signed by `auth`'s key whose `iss` is
    /// that origin. It does not list `auth` in the protected resource metadata (use [`Self::protected_by`]).
    pub fn serve_as_metadata_at_origin(mut self, auth: &AuthServer) -> Self {
        self.origin_as = Some((auth.metadata().clone(), auth.key.public_jwk.clone()));
        self
    }

    /// Names `url` in the challenge's `resource_metadata` instead of this server's own well-known URL:
    /// metadata hosted elsewhere, or a hostile server steering clients to another origin or address.
    pub fn resource_metadata(mut self, url: &str) -> Self {
        self.resource_metadata = Some(url.to_owned());
        self
    }

    /// The MCP endpoint path (default `/mcp`).
    pub fn path(mut self, path: &str) -> Self {
        self.path = path.to_owned();
        self
    }

    /// Lists `issuer` in the metadata's `authorization_servers`.
    pub fn authorization_server(mut self, issuer: &str) -> Self {
        self.issuers.push(issuer.to_owned());
        self
    }

    /// Accepts tokens from `issuer` signed with the ES256 public `jwk`.
    pub fn trust_key(mut self, issuer: &str, jwk: &Value) -> Self {
        self.keys.push((issuer.to_owned(), jwk.clone()));
        self
    }

    /// Lists `auth` and accepts its tokens.
    pub fn protected_by(self, auth: &AuthServer) -> Self {
        self.authorization_server(auth.issuer())
            .trust_key(auth.issuer(), &auth.key.public_jwk)
    }

    pub fn flaw(mut self, flaw: McpFlaw) -> Self {
        self.flaws.push(flaw);
        self
    }

    pub fn flaws(mut self, flaws: impl IntoIterator<Item = McpFlaw>) -> Self {
        self.flaws.extend(flaws);
        self
    }

    /// `scopes_supported` and the challenge scope (default `mcp:read mcp:write`).
    pub fn scopes(mut self, scopes: &[&str]) -> Self {
        self.scopes = scopes.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// The scope every request needs (default `mcp:read`); a token without it gets 403.
    pub fn required_scope(mut self, scope: &str) -> Self {
        self.required_scope = scope.to_owned();
        self
    }

    pub fn start(self) -> std::io::Result<McpServer> {
        let server = MockServer::start()?;
        let mounted = self.mount(&server)?;
        Ok(McpServer {
            server,
            extra_auth: mounted.extra_auth,
            url: mounted.url,
            metadata: mounted.metadata,
        })
    }

    /// Serves this MCP endpoint (and its metadata) on an existing server: several endpoints on one
    /// origin, each with its own [`Self::path`] (`scan`'s per-origin limit, the scan benchmark).
    pub fn mount(self, server: &MockServer) -> std::io::Result<Mounted> {
        McpServer::mount(self, server)
    }
}

/// An MCP endpoint mounted on a server it does not own (see [`McpServerBuilder::mount`]).
pub struct Mounted {
    pub extra_auth: Option<AuthServer>,
    pub url: String,
    pub metadata: Value,
}

/// A running embedded MCP server.
pub struct McpServer {
    pub server: MockServer,
    /// The broken second AS of [`McpFlaw::SecondAuthorizationServerBroken`].
    pub extra_auth: Option<AuthServer>,
    url: String,
    metadata: Value,
}

struct Config {
    resource: String,
    prm_url: String,
    flaws: Vec<McpFlaw>,
    keys: Vec<(String, jsonwebtoken::DecodingKey)>,
    scopes: Vec<String>,
    required_scope: String,
    /// The issuer whose tokens stop working once the server has moved (set on the first accepted call).
    migration: Option<(String, Arc<std::sync::atomic::AtomicBool>)>,
}

impl Config {
    fn has(&self, f: McpFlaw) -> bool {
        self.flaws.contains(&f)
    }
}

impl McpServer {
    pub fn builder() -> McpServerBuilder {
        McpServerBuilder {
            path: "/mcp".into(),
            issuers: Vec::new(),
            keys: Vec::new(),
            flaws: Vec::new(),
            scopes: vec!["mcp:read".into(), "mcp:write".into()],
            required_scope: "mcp:read".into(),
            resource_metadata: None,
            origin_as: None,
            migrates_to: None,
        }
    }

    /// The MCP endpoint URL (the resource identifier).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The protected resource metadata as served.
    pub fn metadata(&self) -> &Value {
        &self.metadata
    }

    fn mount(mut b: McpServerBuilder, server: &MockServer) -> std::io::Result<Mounted> {
        let has = |f: McpFlaw| b.flaws.contains(&f);
        let extra_auth = if has(McpFlaw::SecondAuthorizationServerBroken) {
            let a = AuthServer::builder().flaw(Flaw::PlainPkceOnly).start()?;
            b.issuers.push(a.issuer().to_owned());
            b.keys.push((a.issuer().to_owned(), a.key.public_jwk.clone()));
            Some(a)
        } else {
            None
        };
        let url = server.url(&b.path);
        if let Some((mut doc, jwk)) = b.origin_as.take() {
            doc["issuer"] = json!(server.base_url());
            server.fixed("/.well-known/oauth-authorization-server", Reply::json(&doc));
            b.keys.push((server.base_url(), jwk));
        }
        let root_prm = "/.well-known/oauth-protected-resource".to_owned();
        let path_prm = format!("{root_prm}{}", b.path.trim_end_matches('/'));
        let prm_path = if has(McpFlaw::PrmOnlyAtRoot) {
            &root_prm
        } else {
            &path_prm
        };
        let resource = if has(McpFlaw::ResourceMismatch) {
            server.url("/other")
        } else {
            url.clone()
        };
        let issuers: Vec<String> = if has(McpFlaw::NoAuthorizationServers) {
            Vec::new()
        } else {
            b.issuers.clone()
        };
        let metadata = json!({
            "resource": resource,
            "authorization_servers": issuers,
            "scopes_supported": b.scopes,
            "bearer_methods_supported": ["header"],
            "resource_name": "mcp-auth demo MCP server",
        });
        let moved = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let migration = b.migrates_to.take().map(|(issuer, jwk)| {
            b.keys.push((issuer.clone(), jwk));
            let mut after = metadata.clone();
            after["authorization_servers"] = json!([issuer]);
            let (before, flag) = (metadata.clone(), moved.clone());
            server.route(prm_path, move |_| {
                let moved = flag.load(std::sync::atomic::Ordering::SeqCst);
                Reply::json(if moved { &after } else { &before })
            });
            (b.issuers.first().cloned().unwrap_or_default(), moved)
        });
        if migration.is_none() {
            server.fixed(prm_path, Reply::json(&metadata));
        }
        let keys = b
            .keys
            .iter()
            .filter_map(|(iss, jwk)| {
                let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwk.clone()).ok()?;
                Some((iss.clone(), jsonwebtoken::DecodingKey::from_jwk(&jwk).ok()?))
            })
            .collect();
        let config = Arc::new(Config {
            resource: url.clone(),
            prm_url: b.resource_metadata.clone().unwrap_or_else(|| server.url(prm_path)),
            flaws: b.flaws.clone(),
            keys,
            scopes: b.scopes.clone(),
            required_scope: b.required_scope.clone(),
            migration,
        });
        server.route(&b.path, move |req| endpoint(req, &config));
        Ok(Mounted {
            extra_auth,
            url,
            metadata,
        })
    }
}

/// What became of the presented token.
enum Verdict {
    Valid { scope: String },
    Invalid(String),
}

fn endpoint(req: &Recorded, c: &Config) -> Reply {
    if req.method != axum::http::Method::POST {
        return Reply::new(405).header("allow", "POST");
    }
    if c.has(McpFlaw::RejectsNewestRequestShape) && req.header("mcp-protocol-version") == Some("2026-07-28") {
        return Reply::json(&json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32020, "message": "unsupported MCP-Protocol-Version"}})).status(400);
    }
    if c.has(McpFlaw::StallsQueryToken) && req.query_param("access_token").is_some() {
        return unauthorized(c, None).delay(STALL);
    }
    let token = req.bearer().map(str::to_owned).or_else(|| {
        if c.has(McpFlaw::AcceptsQueryToken) {
            req.query_param("access_token")
        } else {
            None
        }
    });
    let Some(token) = token else {
        if c.has(McpFlaw::ServerErrorWithoutToken) {
            return Reply::new(503)
                .header("content-type", "text/plain")
                .body("upstream unavailable");
        }
        return unauthorized(c, None);
    };
    match verify(&token, c) {
        Verdict::Invalid(why) if c.has(McpFlaw::ServerErrorOnBadToken) => Reply::new(500)
            .header("content-type", "text/plain")
            .body(format!("internal error: {why}")),
        Verdict::Invalid(why) => unauthorized(c, Some(&why)),
        Verdict::Valid { scope } if c.has(McpFlaw::StepUpAs401) && !scope.split(' ').any(|s| s == c.required_scope) => {
            unauthorized(c, Some("token expired"))
        }
        Verdict::Valid { scope } if !scope.split(' ').any(|s| s == c.required_scope) => {
            let mut r = Reply::new(403);
            if !c.has(McpFlaw::Forbidden403WithoutInsufficientScope) {
                r = r.header(
                    "www-authenticate",
                    &format!(
                        "Bearer error=\"insufficient_scope\", scope=\"{}\", resource_metadata=\"{}\"",
                        c.required_scope, c.prm_url
                    ),
                );
            }
            r
        }
        Verdict::Valid { .. }
            if c.has(McpFlaw::RejectsNewestRequestShapeAfterAuth)
                && req.header("mcp-protocol-version") == Some("2026-07-28") =>
        {
            Reply::json(&json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32000, "message": "Bad Request: Unsupported protocol version: 2026-07-28"}})).status(400)
        }
        Verdict::Valid { .. } => {
            let id = serde_json::from_slice::<Value>(&req.body)
                .ok()
                .and_then(|v| v.get("id").cloned())
                .unwrap_or(Value::Null);
            Reply::json(
                &json!({"jsonrpc": "2.0", "id": id, "result": {"serverInfo": {"name": "mcp-auth demo", "version": env!("CARGO_PKG_VERSION")}}}),
            )
        }
    }
}

fn unauthorized(c: &Config, error: Option<&str>) -> Reply {
    let mut r = Reply::new(401)
        .header("content-type", "application/json")
        .body(json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32001, "message": "unauthorized"}}).to_string());
    if c.has(McpFlaw::NoWwwAuthenticate) {
        return r;
    }
    let mut params = Vec::new();
    if !c.has(McpFlaw::NoResourceMetadataParam) && !c.has(McpFlaw::PrmOnlyAtRoot) {
        params.push(format!("resource_metadata=\"{}\"", c.prm_url));
    }
    params.push(format!("scope=\"{}\"", c.scopes.join(" ")));
    if let Some(why) = error {
        params.push("error=\"invalid_token\"".into());
        params.push(format!("error_description=\"{}\"", why.replace(['"', '\\'], "'")));
    }
    r = r.header("www-authenticate", &format!("Bearer {}", params.join(", ")));
    r
}

fn verify(token: &str, c: &Config) -> Verdict {
    if c.has(McpFlaw::AcceptsForgedTokens) {
        // The flaw: read the claims, never check the signature.
        let claims = token
            .split('.')
            .nth(1)
            .and_then(|p| B64.decode(p).ok())
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok());
        return match claims {
            Some(v) => Verdict::Valid {
                scope: v["scope"].as_str().unwrap_or("").to_owned(),
            },
            None => Verdict::Invalid("not a JWT".into()),
        };
    }
    let header = match jsonwebtoken::decode_header(token) {
        Ok(h) => h,
        Err(e) => return Verdict::Invalid(format!("malformed token: {e}")),
    };
    if header.alg != jsonwebtoken::Algorithm::ES256 {
        return Verdict::Invalid("only ES256 is accepted".into());
    }
    let mut last = "no trusted key".to_owned();
    for (issuer, key) in &c.keys {
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::ES256);
        v.set_issuer(&[issuer]);
        if c.has(McpFlaw::IgnoresAudience) {
            v.validate_aud = false;
            v.set_required_spec_claims(&["exp", "iss"]);
        } else {
            v.set_audience(&[&c.resource]);
            v.set_required_spec_claims(&["exp", "iss", "aud"]);
        }
        match jsonwebtoken::decode::<Value>(token, key, &v) {
            Ok(_) if migrated_away(c, issuer) => {
                return Verdict::Invalid("this server now uses another authorization server".into());
            }
            Ok(data) => {
                return Verdict::Valid {
                    scope: data.claims["scope"].as_str().unwrap_or("").to_owned(),
                };
            }
            Err(e) => last = e.to_string(),
        }
    }
    Verdict::Invalid(last)
}

/// Whether a valid token of `issuer` is refused because the server moved away from it (the first such
/// token is accepted and triggers the move).
fn migrated_away(c: &Config, issuer: &str) -> bool {
    match &c.migration {
        Some((from, moved)) if from == issuer => moved.swap(true, std::sync::atomic::Ordering::SeqCst),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(url: &str, token: Option<&str>) -> (u16, Vec<String>) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = crate::http::HttpClient::new(Default::default()).unwrap();
        let mut req = crate::http::Request::get(url::Url::parse(url).unwrap());
        req.method = reqwest::Method::POST;
        req.body = Some(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}".to_vec());
        let auth = token.map(|t| format!("Bearer {t}"));
        if let Some(a) = &auth {
            req = req.header("authorization", a);
        }
        let r = rt.block_on(client.send(req)).unwrap();
        (r.status, r.header_values("www-authenticate"))
    }

    #[test]
    fn challenges_then_accepts_a_minted_token() {
        let a = AuthServer::builder().start().unwrap();
        let m = McpServer::builder().protected_by(&a).start().unwrap();
        let (s, h) = post(m.url(), None);
        assert_eq!(s, 401);
        assert!(h[0].contains("resource_metadata="), "{h:?}");
        assert_eq!(post(m.url(), Some(&a.mint(m.url(), "mcp:read", 60))).0, 200);
        assert_eq!(post(m.url(), Some(&a.mint("http://other/mcp", "mcp:read", 60))).0, 401);
        assert_eq!(post(m.url(), Some(&a.mint(m.url(), "other", 60))).0, 403);
        let foreign = crate::server::auth::SigningKey::generate("demo-key-1").sign(&a.claims(m.url(), "mcp:read", 60));
        assert_eq!(post(m.url(), Some(&foreign)).0, 401);
    }

    #[test]
    fn flaws_break_what_they_say() {
        let a = AuthServer::builder().start().unwrap();
        let m = McpServer::builder()
            .protected_by(&a)
            .flaw(McpFlaw::AcceptsForgedTokens)
            .start()
            .unwrap();
        let foreign = crate::server::auth::SigningKey::generate("k").sign(&a.claims(m.url(), "mcp:read", 60));
        assert_eq!(post(m.url(), Some(&foreign)).0, 200);
        let m = McpServer::builder()
            .protected_by(&a)
            .flaw(McpFlaw::ServerErrorOnBadToken)
            .start()
            .unwrap();
        assert_eq!(post(m.url(), Some("garbage")).0, 500);
    }
}
