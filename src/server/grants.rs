//! The embedded authorization server's interactive half: an auto-approving `/authorize` (RFC 9207 `iss`
//! in the response), `/register` (RFC 7591), and the token endpoint's grants: authorization_code with
//! PKCE S256 and RFC 8707 `resource`, refresh_token with rotation, client_credentials. Client ID Metadata
//! Documents (an `http(s)` URL as `client_id`) are fetched from loopback hosts. Each [`Flaw`] of the login
//! flow breaks one step the way real providers break it.

use super::auth::{Flaw, SigningKey, now};
use super::{Recorded, Reply};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Mutex;

/// Lifetime of issued access tokens, in seconds.
const TOKEN_TTL: u64 = 300;

#[derive(Clone, Debug)]
struct Client {
    redirect_uris: Vec<String>,
    secret: Option<String>,
    /// The public key of a `private_key_jwt` client (a JWK).
    jwk: Option<Value>,
}

#[derive(Clone, Debug)]
struct Grant {
    client_id: String,
    scope: String,
    resource: Option<String>,
}

#[derive(Clone, Debug)]
struct Code {
    grant: Grant,
    redirect_uri: String,
    challenge: Option<String>,
}

/// The state shared by the routes of one authorization server.
pub(super) struct Flow {
    pub issuer: String,
    pub key: SigningKey,
    pub flaws: Vec<Flaw>,
    pub default_scope: String,
    clients: Mutex<HashMap<String, Client>>,
    codes: Mutex<HashMap<String, Code>>,
    refresh: Mutex<HashMap<String, Grant>>,
}

fn random() -> String {
    let mut b = [0u8; 24];
    aws_lc_rs::rand::fill(&mut b).expect("system randomness");
    B64.encode(b)
}

/// `BASE64URL(SHA256(verifier))` (RFC 7636 §4.2).
fn s256(verifier: &str) -> String {
    B64.encode(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA256,
        verifier.as_bytes(),
    ))
}

fn oauth_error(status: u16, code: &str, desc: &str) -> Reply {
    Reply::json(&json!({"error": code, "error_description": desc}))
        .status(status)
        .header("cache-control", "no-store")
}

/// A loopback redirect URI matches a registered one whatever its port (RFC 8252 §7.3); others exactly.
fn redirect_matches(registered: &str, used: &str) -> bool {
    if registered == used {
        return true;
    }
    let (Ok(mut a), Ok(mut b)) = (url::Url::parse(registered), url::Url::parse(used)) else {
        return false;
    };
    if a.host_str() != Some("127.0.0.1") && a.host_str() != Some("[::1]") {
        return false;
    }
    let _ = (a.set_port(None), b.set_port(None));
    a == b
}

/// Whether `sig` over `signed` verifies with a client's registered `jwk`, with the one algorithm its key type
/// allows (P-256 → ES256, RSA → RS256); a header naming another algorithm, or a JWK whose `alg` names
/// another, is refused.
fn verify_with_jwk(jwk: &Value, header: &Value, signed: &[u8], sig: &[u8]) -> bool {
    use aws_lc_rs::signature as s;
    let b = |m: &str| jwk[m].as_str().and_then(|v| B64.decode(v).ok());
    let verified = match (jwk["kty"].as_str(), jwk["crv"].as_str()) {
        (Some("EC"), Some("P-256")) => b("x").zip(b("y")).map(|(x, y)| {
            let point = [vec![4u8], x, y].concat();
            (
                "ES256",
                s::UnparsedPublicKey::new(&s::ECDSA_P256_SHA256_FIXED, point).verify(signed, sig),
            )
        }),
        (Some("RSA"), _) => b("n").zip(b("e")).map(|(n, e)| {
            let key = s::RsaPublicKeyComponents { n, e };
            ("RS256", key.verify(&s::RSA_PKCS1_2048_8192_SHA256, signed, sig))
        }),
        _ => None,
    };
    verified.is_some_and(|(alg, ok)| ok.is_ok() && header["alg"] == alg && jwk.get("alg").is_none_or(|a| a == alg))
}

impl Flow {
    pub fn new(issuer: String, key: SigningKey, flaws: Vec<Flaw>, default_scope: String) -> Self {
        Self {
            issuer,
            key,
            flaws,
            default_scope,
            clients: Mutex::default(),
            codes: Mutex::default(),
            refresh: Mutex::default(),
        }
    }

    fn has(&self, f: Flaw) -> bool {
        self.flaws.contains(&f)
    }

    /// Pre-registers a client (for `--client-id` tests and `demo`).
    pub fn add_client(&self, id: &str, secret: Option<&str>, redirect_uris: &[&str]) {
        let client = Client {
            redirect_uris: redirect_uris.iter().map(|s| (*s).to_owned()).collect(),
            secret: secret.map(str::to_owned),
            jwk: None,
        };
        self.clients.lock().expect("clients").insert(id.to_owned(), client);
    }

    /// Pre-registers a `private_key_jwt` client with its public key (a P-256 or RSA JWK).
    pub fn add_key_client(&self, id: &str, jwk: &Value, redirect_uris: &[&str]) {
        self.add_client(id, None, redirect_uris);
        if let Some(c) = self.clients.lock().expect("clients").get_mut(id) {
            c.jwk = Some(jwk.clone());
        }
    }

    fn client(&self, id: &str) -> Option<Client> {
        if let Some(c) = self.clients.lock().expect("clients").get(id) {
            return Some(c.clone());
        }
        let c = fetch_client_metadata(id)?;
        self.clients.lock().expect("clients").insert(id.to_owned(), c.clone());
        Some(c)
    }

    /// RFC 7591 dynamic client registration.
    pub fn register(&self, req: &Recorded) -> Reply {
        let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
            return oauth_error(400, "invalid_client_metadata", "the body must be a JSON object");
        };
        let mut uris: Vec<String> = body["redirect_uris"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        let grants = body["grant_types"].as_array().cloned().unwrap_or_default();
        let needs_redirect = grants.is_empty() || grants.iter().any(|g| g == "authorization_code");
        if uris.is_empty() && needs_redirect {
            return oauth_error(400, "invalid_redirect_uri", "redirect_uris is required");
        }
        if self.has(Flaw::RedirectUriMismatch) {
            // The flaw: the server rewrites the loopback address and then compares exactly.
            uris = uris.iter().map(|u| u.replace("127.0.0.1", "localhost")).collect();
        }
        let method = body["token_endpoint_auth_method"]
            .as_str()
            .unwrap_or("client_secret_basic");
        let secret = (method != "none" && method != "private_key_jwt").then(random);
        let id = format!("dcr-{}", &random()[..12]);
        self.clients.lock().expect("clients").insert(
            id.clone(),
            Client {
                redirect_uris: uris.clone(),
                secret: secret.clone(),
                jwk: body["jwks"]["keys"].get(0).cloned(),
            },
        );
        let mut out = body.clone();
        out["client_id"] = json!(id);
        out["client_id_issued_at"] = json!(now());
        out["redirect_uris"] = json!(uris);
        out["token_endpoint_auth_method"] = json!(method);
        if let Some(s) = secret {
            out["client_secret"] = json!(s);
            out["client_secret_expires_at"] = json!(0);
        }
        Reply::json(&out).status(201).header("cache-control", "no-store")
    }

    /// The auto-approving authorization endpoint.
    pub fn authorize(&self, req: &Recorded) -> Reply {
        let p = |n: &str| req.query_param(n);
        let page = |why: &str| {
            Reply::new(400)
                .header("content-type", "text/plain")
                .body(format!("authorization request refused: {why}"))
        };
        let Some(client_id) = p("client_id") else {
            return page("client_id is missing");
        };
        let Some(client) = self.client(&client_id) else {
            return page("unknown client_id");
        };
        let Some(redirect_uri) = p("redirect_uri") else {
            return page("redirect_uri is missing");
        };
        if !self.has(Flaw::RedirectUriNotChecked)
            && !client.redirect_uris.iter().any(|r| redirect_matches(r, &redirect_uri))
        {
            if self.has(Flaw::RedirectUriCheckedAfterLogin) {
                return Reply::new(200)
                    .header("content-type", "text/html")
                    .body("<!doctype html><title>Sign in</title><form method=post><input name=user></form>");
            }
            return page("redirect_uri does not match a registered redirect URI");
        }
        let back = |params: Vec<(&str, String)>| self.redirect(&redirect_uri, p("state"), params);
        let scope = p("scope").unwrap_or_else(|| self.default_scope.clone());
        let resource = p("resource");
        if let Some(e) = self.refuse(&scope, resource.as_deref(), p("response_type").as_deref()) {
            return back(vec![("error", e.0.into()), ("error_description", e.1)]);
        }
        let challenge = p("code_challenge");
        let s256_ok = challenge.is_some() && p("code_challenge_method").as_deref() == Some("S256");
        if !s256_ok && !self.has(Flaw::PkceNotEnforced) {
            let desc = "code_challenge with code_challenge_method=S256 is required";
            return back(vec![
                ("error", "invalid_request".into()),
                ("error_description", desc.into()),
            ]);
        }
        let code = random();
        let grant = Grant {
            client_id,
            scope,
            resource,
        };
        self.codes.lock().expect("codes").insert(
            code.clone(),
            Code {
                grant,
                redirect_uri: redirect_uri.clone(),
                challenge,
            },
        );
        back(vec![("code", code)])
    }

    /// Why an authorization or token request is refused, as (error, description).
    fn refuse(&self, scope: &str, resource: Option<&str>, response_type: Option<&str>) -> Option<(&str, String)> {
        if response_type.is_some_and(|t| t != "code") {
            return Some(("unsupported_response_type", "only response_type=code".into()));
        }
        if resource.is_some() && self.has(Flaw::RejectsResource) {
            return Some((
                "invalid_target",
                "AADSTS9010010: The resource parameter provided in the request doesn't match with the requested scopes.".into(),
            ));
        }
        if self.has(Flaw::RefusesOfflineAccess) && scope.split(' ').any(|s| s == "offline_access") {
            return Some(("invalid_scope", "offline_access is not allowed for this client".into()));
        }
        None
    }

    fn redirect(&self, redirect_uri: &str, state: Option<String>, params: Vec<(&str, String)>) -> Reply {
        let mut url = match url::Url::parse(redirect_uri) {
            Ok(u) => u,
            Err(_) => return oauth_error(400, "invalid_request", "redirect_uri is not a URL"),
        };
        {
            let mut q = url.query_pairs_mut();
            for (k, v) in &params {
                q.append_pair(k, v);
            }
            if let Some(s) = &state {
                q.append_pair("state", s);
            }
            if !self.has(Flaw::NoIssParameter) {
                q.append_pair("iss", &self.issuer);
            }
        }
        Reply::new(302).header("location", url.as_str())
    }

    /// The token endpoint: every grant.
    pub fn token(&self, req: &Recorded) -> Reply {
        if req.method != axum::http::Method::POST {
            return oauth_error(400, "invalid_request", "use POST");
        }
        match req.form_param("grant_type").as_deref() {
            Some("authorization_code") => self.code_grant(req),
            Some("refresh_token") => self.refresh_grant(req),
            Some("client_credentials") => self.credentials_grant(req),
            _ => oauth_error(
                400,
                "unsupported_grant_type",
                "use authorization_code, refresh_token or client_credentials",
            ),
        }
    }

    /// The client the request authenticates as (HTTP Basic, form post, or a public client's `client_id`).
    fn authenticate(&self, req: &Recorded) -> Result<String, Reply> {
        if let Some(assertion) = req.form_param("client_assertion") {
            return self.authenticate_assertion(req, &assertion);
        }
        let basic = req
            .header("authorization")
            .and_then(|h| h.strip_prefix("Basic "))
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b.trim()).ok())
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.split_once(':').map(|(a, b)| (decode(a), Some(decode(b)))));
        let (id, secret) = basic
            .or_else(|| {
                req.form_param("client_id")
                    .map(|id| (id, req.form_param("client_secret")))
            })
            .ok_or_else(|| oauth_error(401, "invalid_client", "no client authentication"))?;
        let client = self
            .client(&id)
            .ok_or_else(|| oauth_error(401, "invalid_client", "unknown client_id"))?;
        match (&client.secret, &secret) {
            (None, _) => Ok(id),
            (Some(s), Some(given)) if s == given => Ok(id),
            _ => Err(oauth_error(401, "invalid_client", "client authentication failed")),
        }
    }

    /// `private_key_jwt` (RFC 7523 §3): the assertion's `iss` and `sub` are a client with a registered
    /// key, `aud` this issuer or its token endpoint, unexpired, signed by that key with the algorithm of its
    /// key type (ES256 for P-256, RS256 for RSA; the header's `alg` must name it, never chooses it).
    fn authenticate_assertion(&self, req: &Recorded, assertion: &str) -> Result<String, Reply> {
        let refuse = |why: &str| oauth_error(401, "invalid_client", why);
        if req.form_param("client_assertion_type").as_deref() != Some(crate::login::assertion::ASSERTION_TYPE) {
            return Err(refuse("client_assertion_type must be jwt-bearer"));
        }
        let parts: Vec<&str> = assertion.split('.').collect();
        let json = |p: &str| {
            B64.decode(p)
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        };
        let (header, claims) = match parts.as_slice() {
            [h, c, _] => json(h).zip(json(c)),
            _ => None,
        }
        .ok_or_else(|| refuse("the client assertion is not a JWT"))?;
        let id = claims["sub"].as_str().unwrap_or_default().to_owned();
        let jwk = self
            .client(&id)
            .and_then(|c| c.jwk)
            .ok_or_else(|| refuse("no registered key for the assertion's sub"))?;
        let signed = parts[..2].join(".");
        let sig = B64.decode(parts[2]).unwrap_or_default();
        if !verify_with_jwk(&jwk, &header, signed.as_bytes(), &sig) {
            return Err(refuse(
                "the client assertion's signature does not verify with the registered key",
            ));
        }
        let aud_ok = [self.issuer.clone(), format!("{}/token", self.issuer)]
            .iter()
            .any(|a| claims["aud"] == json!(a) || claims["aud"].as_array().is_some_and(|l| l.contains(&json!(a))));
        if claims["iss"].as_str() != Some(&id) || !aud_ok || claims["exp"].as_u64().is_none_or(|e| e <= now()) {
            return Err(refuse("the client assertion's iss, aud or exp is wrong"));
        }
        Ok(id)
    }

    fn code_grant(&self, req: &Recorded) -> Reply {
        let client_id = match self.authenticate(req) {
            Ok(id) => id,
            Err(r) => return r,
        };
        let code = req.form_param("code").unwrap_or_default();
        let Some(c) = self.codes.lock().expect("codes").remove(&code) else {
            return oauth_error(400, "invalid_grant", "unknown, expired or already used code");
        };
        if c.grant.client_id != client_id {
            return oauth_error(400, "invalid_grant", "the code was issued to another client");
        }
        if req.form_param("redirect_uri").as_deref() != Some(c.redirect_uri.as_str()) {
            return oauth_error(
                400,
                "invalid_grant",
                "redirect_uri differs from the authorization request",
            );
        }
        let verified = match (&c.challenge, req.form_param("code_verifier")) {
            (Some(ch), Some(v)) => &s256(&v) == ch,
            _ => false,
        };
        if !verified && !self.has(Flaw::PkceNotEnforced) {
            return oauth_error(400, "invalid_grant", "code_verifier does not match the code_challenge");
        }
        let resource = req.form_param("resource");
        if let Some(e) = self.refuse(&c.grant.scope, resource.as_deref(), None) {
            return oauth_error(400, e.0, &e.1);
        }
        if resource.is_some() && c.grant.resource.is_some() && resource != c.grant.resource {
            return oauth_error(400, "invalid_target", "resource differs from the authorization request");
        }
        let grant = Grant {
            resource: resource.or(c.grant.resource),
            ..c.grant
        };
        self.issue(&grant, true)
    }

    fn refresh_grant(&self, req: &Recorded) -> Reply {
        let client_id = match self.authenticate(req) {
            Ok(id) => id,
            Err(r) => return r,
        };
        let presented = req.form_param("refresh_token").unwrap_or_default();
        let rotate = !self.has(Flaw::RefreshWithoutRotation);
        let grant = {
            let mut store = self.refresh.lock().expect("refresh");
            if rotate {
                store.remove(&presented)
            } else {
                store.get(&presented).cloned()
            }
        };
        let Some(mut grant) = grant.filter(|g| g.client_id == client_id) else {
            return oauth_error(400, "invalid_grant", "unknown, revoked or rotated refresh token");
        };
        if let Some(r) = req.form_param("resource") {
            grant.resource = Some(r);
        }
        if self.has(Flaw::RefreshDropsResource) {
            grant.resource = None;
        }
        self.issue(&grant, rotate)
    }

    fn credentials_grant(&self, req: &Recorded) -> Reply {
        let authenticates = ["client_id", "client_assertion"]
            .iter()
            .any(|p| req.form_param(p).is_some());
        if req.header("authorization").is_some() || authenticates {
            if let Err(r) = self.authenticate(req) {
                return r;
            }
        }
        let Some(resource) = req.form_param("resource") else {
            return oauth_error(400, "invalid_target", "send the RFC 8707 resource parameter");
        };
        let grant = Grant {
            client_id: req.form_param("client_id").unwrap_or_else(|| "demo-client".into()),
            scope: req.form_param("scope").unwrap_or_else(|| self.default_scope.clone()),
            resource: Some(resource),
        };
        self.issue(&grant, false)
    }

    /// Mints an access token (and a refresh token when asked) for `grant`.
    fn issue(&self, grant: &Grant, with_refresh: bool) -> Reply {
        let now = now();
        let aud = match &grant.resource {
            _ if self.has(Flaw::TokenNotBoundToResource) => json!("https://api.example.com/"),
            Some(r) => json!(r),
            None => json!(grant.client_id),
        };
        let claims = json!({
            "iss": self.issuer, "sub": grant.client_id, "client_id": grant.client_id, "aud": aud,
            "scope": grant.scope, "iat": now, "exp": now + TOKEN_TTL, "jti": random(),
        });
        let mut body = json!({"access_token": self.key.sign(&claims), "token_type": "Bearer",
            "expires_in": TOKEN_TTL, "scope": grant.scope});
        if with_refresh {
            let rt = random();
            self.refresh.lock().expect("refresh").insert(rt.clone(), grant.clone());
            body["refresh_token"] = json!(rt);
        }
        Reply::json(&body).header("cache-control", "no-store")
    }
}

fn decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map_or_else(String::new, |(_, v)| v.into_owned())
}

/// Fetches a Client ID Metadata Document from a loopback `http` URL (the embedded server never leaves the
/// machine) and reads its `redirect_uris`. The document's `client_id` must be its own URL.
fn fetch_client_metadata(client_id: &str) -> Option<Client> {
    use std::io::{Read, Write};
    let url = url::Url::parse(client_id).ok()?;
    if url.scheme() != "http" || url.host_str() != Some("127.0.0.1") {
        return None;
    }
    let mut s = std::net::TcpStream::connect(("127.0.0.1", url.port()?)).ok()?;
    let timeout = Some(std::time::Duration::from_secs(5));
    s.set_read_timeout(timeout).ok()?;
    let path = &url[url::Position::BeforePath..];
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n"
    )
    .ok()?;
    let mut buf = Vec::new();
    s.take(64 * 1024).read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf);
    let (head, body) = text.split_once("\r\n\r\n")?;
    if !head.starts_with("HTTP/1.1 200") && !head.starts_with("HTTP/1.0 200") {
        return None;
    }
    let doc: Value = serde_json::from_str(body).ok()?;
    (doc["client_id"].as_str() == Some(client_id)).then_some(())?;
    let redirect_uris = doc["redirect_uris"]
        .as_array()?
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    Some(Client {
        redirect_uris,
        secret: None,
        jwk: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::login::assertion::ClientKey;

    const RSA: &str = include_str!("../../tests/fixtures/keys/TEST-ONLY-rsa.pem");
    const ATTACKER: &str = include_str!("../../tests/fixtures/keys/TEST-ONLY-rsa-attacker.pem");

    /// An assertion of `key` as (header, signed input, signature).
    fn parts(key: &ClientKey) -> (Value, String, Vec<u8>) {
        let token = key.assertion("c", "https://as.example");
        let p: Vec<&str> = token.expose().split('.').collect();
        let header = serde_json::from_slice(&B64.decode(p[0]).unwrap()).unwrap();
        (header, format!("{}.{}", p[0], p[1]), B64.decode(p[2]).unwrap())
    }

    #[test]
    fn assertions_verify_only_with_the_registered_key_and_its_algorithm() {
        let rsa = ClientKey::from_pem(RSA).unwrap();
        let (header, signed, sig) = parts(&rsa);
        assert!(verify_with_jwk(&rsa.public_jwk, &header, signed.as_bytes(), &sig));
        // Another RSA key, a P-256 key, a header naming another algorithm, a JWK pinned to another one.
        let attacker = ClientKey::from_pem(ATTACKER).unwrap();
        assert!(!verify_with_jwk(&attacker.public_jwk, &header, signed.as_bytes(), &sig));
        let ec_pem = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .unwrap()
            .serialize_pem();
        let ec = ClientKey::from_pem(&ec_pem).unwrap();
        assert!(!verify_with_jwk(&ec.public_jwk, &header, signed.as_bytes(), &sig));
        let es_header = json!({"alg": "ES256", "typ": "JWT"});
        assert!(!verify_with_jwk(&rsa.public_jwk, &es_header, signed.as_bytes(), &sig));
        let mut pinned = rsa.public_jwk.clone();
        pinned["alg"] = json!("PS256");
        assert!(!verify_with_jwk(&pinned, &header, signed.as_bytes(), &sig));
        let (header, signed, sig) = parts(&ec);
        assert!(verify_with_jwk(&ec.public_jwk, &header, signed.as_bytes(), &sig));
        assert!(!verify_with_jwk(&rsa.public_jwk, &header, signed.as_bytes(), &sig));
    }
}
