//! `probe` as a library operation: walk a live MCP server's discovery chain as a client would (resource
//! server → protected resource metadata → every authorization server → each JWKS), check every link,
//! and name the first broken one. Under `--spec 2025-03-26` (no PRM) the authorization server is also
//! discovered from the MCP server's origin, the authorization base URL, as clients of that revision do.
//!
//! Round trips: the unauthenticated POST and the speculative well-known PRM fetches go out together;
//! every authorization server is then checked concurrently (its candidates at once, then its JWKS), and
//! the token tests run alongside. A compliant server costs three sequential round trips.

use crate::catalogue::*;
use crate::challenge::{self, Parsed};
use crate::discovery;
use crate::error::FetchError;
use crate::http::{HttpClient, Request, Response, Transport, is_private_ip, transport};
use crate::provider::{self, ProviderOutcome, Source};
use crate::report::{ChainLink, CheckResult, Checks, ErrorInfo, verdict};
use crate::rules::resource::{self as rules, FoundVia, PrmContext};
use crate::sanitize;
use crate::spec::SpecRevision;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::net::IpAddr;
use url::Url;

/// What the user asked for.
#[derive(Clone, Default)]
pub struct ProbeOptions {
    /// A valid access token (`--token`); never printed.
    pub token: Option<crate::jwt::SecretToken>,
    /// A valid token issued for another resource (`--foreign-token`); never printed.
    pub foreign_token: Option<crate::jwt::SecretToken>,
    /// Scopes the token should carry (`--scope`).
    pub scopes: Vec<String>,
    /// Fetch URLs that resolve to private addresses even when the MCP server is public.
    pub allow_private_addresses: bool,
    pub strict: bool,
}

impl std::fmt::Debug for ProbeOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProbeOptions")
            .field("token", &self.token.as_ref().map(|_| "(redacted)"))
            .field("foreign_token", &self.foreign_token.as_ref().map(|_| "(redacted)"))
            .field("scopes", &self.scopes)
            .field("allow_private_addresses", &self.allow_private_addresses)
            .finish()
    }
}

/// One request shape of one MCP revision (checklist N3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RequestShape {
    pub revision: &'static str,
    pub method: &'static str,
    /// Whether the 2026-07-28 `Mcp-Method` header is sent.
    pub mcp_method_header: bool,
}

/// Newest first: the probe falls back down this list on a 400.
pub const SHAPES: [RequestShape; 3] = [
    RequestShape {
        revision: "2026-07-28",
        method: "server/discover",
        mcp_method_header: true,
    },
    RequestShape {
        revision: "2025-11-25",
        method: "initialize",
        mcp_method_header: false,
    },
    RequestShape {
        revision: "2025-06-18",
        method: "initialize",
        mcp_method_header: false,
    },
];

impl RequestShape {
    fn body(&self) -> Vec<u8> {
        let params = if self.method == "initialize" {
            json!({"protocolVersion": self.revision, "capabilities": {},
                   "clientInfo": {"name": "mcp-auth", "version": env!("CARGO_PKG_VERSION")}})
        } else {
            json!({})
        };
        json!({"jsonrpc": "2.0", "id": 1, "method": self.method, "params": params})
            .to_string()
            .into_bytes()
    }

    /// The POST with every header the revision requires; `bearer` goes in the Authorization header.
    pub fn request(&self, url: &Url, bearer: Option<&str>) -> Request {
        let mut r = Request::get(url.clone())
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .header("mcp-protocol-version", self.revision);
        if self.mcp_method_header {
            r = r.header("mcp-method", self.method);
        }
        if let Some(t) = bearer {
            r = r.header("authorization", &format!("Bearer {t}"));
        }
        r.method = reqwest::Method::POST;
        r.body = Some(self.body());
        r
    }
}

/// One request-shape attempt, as reported in `request_shapes`.
#[derive(Clone, Debug, Serialize)]
pub struct ShapeAttempt {
    #[serde(flatten)]
    pub shape: RequestShape,
    pub status: Option<u16>,
    /// JSON-RPC error code of a 400 answer, e.g. -32020 (header mismatch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jsonrpc_error: Option<i64>,
    /// Sent with `--token` (see [`negotiate_with_token`]).
    pub with_token: bool,
}

/// One PRM URL tried.
#[derive(Clone, Debug, Serialize)]
pub struct PrmAttempt {
    pub url: String,
    pub via: FoundVia,
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The result of a probe.
#[derive(Clone, Debug)]
pub struct ProbeOutcome {
    pub chain: Vec<ChainLink>,
    /// The first broken link in plain words.
    pub headline: String,
    pub error: Option<ErrorInfo>,
    pub request_shapes: Vec<ShapeAttempt>,
    /// The revision whose request shape the server accepted.
    pub protocol_revision: Option<&'static str>,
    pub challenges: Parsed,
    /// `resource_metadata` member: tried URLs, which one served, which one clients use, the document.
    pub resource_metadata: Value,
    /// One entry per authorization server: issuer, chosen metadata URL, discovery attempts.
    pub authorization_servers: Vec<Value>,
}

impl ProbeOutcome {
    /// Every check of every link, in chain order.
    pub fn checks(&self) -> Vec<CheckResult> {
        self.chain.iter().flat_map(|l| l.checks.clone()).collect()
    }
}

fn link(kind: &'static str, subject: &str, checks: Vec<CheckResult>, strict: bool) -> ChainLink {
    ChainLink {
        link: kind,
        subject: subject.to_owned(),
        ok: verdict(&checks, strict),
        checks,
    }
}

/// The chain links of one authorization server: its metadata, then its key set.
pub fn provider_links(outcome: &ProviderOutcome, strict: bool) -> Vec<ChainLink> {
    let mut out = vec![link(
        "authorization-server",
        &outcome.issuer,
        outcome.checks.clone(),
        strict,
    )];
    if outcome.error.is_some() {
        out[0].ok = false;
    }
    if let Some(j) = &outcome.jwks_uri {
        out.push(link("jwks", j, outcome.jwks_checks.clone(), strict));
    }
    out
}

/// Whether `url`'s host is, or resolves to, a private address (DNS only for names): then the MCP server
/// is private and may send clients to private addresses.
async fn is_private_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => is_private_ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => is_private_ip(IpAddr::V6(ip)),
        Some(url::Host::Domain(d)) => {
            if crate::http::is_loopback(url) {
                return true;
            }
            let port = url.port_or_known_default().unwrap_or(443);
            match tokio::net::lookup_host((d, port)).await {
                Ok(mut addrs) => addrs.any(|a| is_private_ip(a.ip())),
                Err(_) => false,
            }
        }
        None => false,
    }
}

/// The client for every fetch after the first round trip: when the MCP server at `mcp_url` is public and
/// the user did not allow private addresses, one that refuses to connect to them (at the resolver, so
/// also for JWKS, discovery documents and redirects, and with no second lookup to rebind).
async fn target_client(client: &HttpClient, mcp_url: &Url, allow: bool) -> Result<HttpClient, crate::error::Error> {
    if allow || is_private_host(mcp_url).await {
        return Ok(client.clone());
    }
    client.refusing_private()
}

/// How many of a PRM's `authorization_servers` are fetched. Real servers list one or two; a hostile
/// document (up to the 1 MiB body cap) could list tens of thousands, each costing several requests at once.
pub const MAX_AUTHORIZATION_SERVERS: usize = 16;

/// The warning for a PRM listing more than [`MAX_AUTHORIZATION_SERVERS`].
pub fn too_many_servers(listed: usize) -> String {
    format!(
        "authorization_servers lists {listed} servers; only the first {MAX_AUTHORIZATION_SERVERS} are fetched and checked (a bound against hostile documents). MCP clients pick one server: list the ones clients should use."
    )
}

/// A forged variant of a token.
#[derive(Clone, Debug)]
pub struct Forgery {
    pub name: &'static str,
    pub token: String,
}

/// Forged variants of a JWT (tampered payload, stripped signature, alg none, re-signed by a foreign key);
/// `Err` when the token is not a JWT.
pub fn forge(token: &str) -> Result<Vec<Forgery>, String> {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return Err(format!(
            "the token has {} segment(s), not a JWS compact JWT",
            parts.len()
        ));
    }
    let decode = |s: &str| -> Result<Map<String, Value>, String> {
        let bytes = B64
            .decode(s.trim_end_matches('='))
            .map_err(|e| format!("not base64url ({e})"))?;
        match serde_json::from_slice(&bytes) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err("a segment is not a JSON object".into()),
        }
    };
    let header = decode(parts[0])?;
    let mut claims = decode(parts[1])?;
    let enc = |v: &Map<String, Value>| B64.encode(Value::Object(v.clone()).to_string());
    let original = claims.clone();
    claims.insert("sub".into(), json!("mcp-auth-forged-subject"));
    claims.insert("mcp_auth_forged".into(), json!(true));
    let tampered = format!("{}.{}.{}", parts[0], enc(&claims), parts[2]);
    let stripped = format!("{}.{}.", parts[0], parts[1]);
    let mut none_header = header.clone();
    none_header.insert("alg".into(), json!("none"));
    let none = format!("{}.{}.", enc(&none_header), parts[1]);
    let kid = header.get("kid").and_then(Value::as_str).unwrap_or("mcp-auth-forged");
    let typ = header.get("typ").and_then(Value::as_str).unwrap_or("at+jwt");
    let foreign = crate::jwt::SigningKey::generate(kid).sign_with_header(&Value::Object(original), typ);
    Ok(vec![
        Forgery {
            name: "a copy with a tampered payload (original signature)",
            token: tampered,
        },
        Forgery {
            name: "a copy with the signature stripped",
            token: stripped,
        },
        Forgery {
            name: "a copy with alg \"none\"",
            token: none,
        },
        Forgery {
            name: "a copy re-signed by a foreign key with the same kid",
            token: foreign,
        },
    ])
}

fn jsonrpc_error_code(resp: &Response) -> Option<i64> {
    resp.json().ok()?.get("error")?.get("code")?.as_i64()
}

fn describe_fetch<E: std::fmt::Display>(r: &Result<Response, E>) -> (Option<u16>, Option<String>) {
    match r {
        Ok(resp) => (Some(resp.status), None),
        Err(e) => (None, Some(sanitize::line(&e.to_string()).into_owned())),
    }
}

/// A JSON object from a 200 response, or why not.
fn prm_document(resp: &Response) -> Result<Map<String, Value>, String> {
    if resp.status != 200 {
        return Err(format!("HTTP {}", resp.status));
    }
    match resp.json() {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(format!(
            "the body is {}, not a JSON object",
            crate::metadata::type_name(&other)
        )),
        Err(why) => Err(why),
    }
}

/// The resource's protected resource metadata, found the way [`probe`] finds it (the challenge's
/// `resource_metadata` URL, else the well-known URLs), for callers that need only the document
/// (`verify-token` without `--issuer`). Costs one round trip. Returns the URL that served it and the
/// document, or why none was found (the URLs tried and their answers).
pub async fn fetch_prm(
    client: &HttpClient,
    url: &Url,
    spec: SpecRevision,
) -> Result<(String, Map<String, Value>), String> {
    let candidates = discovery::prm_candidates(url);
    let (first, speculative, targets) = futures::join!(
        client.send(SHAPES[0].request(url, None)),
        futures::future::join_all(candidates.iter().map(|u| client.get(u))),
        target_client(client, url, false)
    );
    let targets = targets.map_err(|e| e.to_string())?;
    let header_url = first.ok().and_then(|r| {
        challenge::parse_all(&r.header_values("www-authenticate"))
            .find("Bearer")
            .and_then(|c| c.param("resource_metadata"))
            .and_then(|u| Url::parse(u).ok())
    });
    // The resource-server checks locate_prm records are probe's business: discarded here.
    let mut scratch = Checks::new(spec, None);
    let located = locate_prm(
        &targets,
        url,
        &candidates,
        &speculative,
        header_url.as_ref(),
        &mut scratch,
    )
    .await;
    match located.served {
        Some((served_by, _, _, doc)) => Ok((served_by, doc)),
        None => {
            let tried: Vec<String> = located
                .attempts
                .iter()
                .map(|a| match (a.status, &a.error) {
                    (Some(s), Some(why)) => format!("{} (HTTP {s}: {why})", a.url),
                    (Some(s), None) => format!("{} (HTTP {s})", a.url),
                    // Fetch errors already name the URL.
                    (None, why) => why.clone().unwrap_or_else(|| a.url.clone()),
                })
                .collect();
            Err(sanitize::line(&format!(
                "no protected resource metadata for {url}: {}",
                tried.join("; ")
            ))
            .into_owned())
        }
    }
}

/// Checks an authorization server the PRM lists. `None`: not a URL (reported elsewhere); `Err`: refused
/// as a private address (from a public MCP server), a broken PRM entry rather than an unreachable server.
async fn check_issuer(
    client: &HttpClient,
    issuer: &str,
    spec: SpecRevision,
) -> Option<Result<ProviderOutcome, String>> {
    Url::parse(issuer).ok()?;
    let outcome = provider::check(client, issuer, &Source::Discover(discovery::ProviderType::Auto), spec).await;
    Some(match &outcome.error {
        Some(e) if e.kind == crate::error::PRIVATE_ADDRESS => Err(e.message.clone()),
        _ => Ok(outcome),
    })
}

/// Walks the chain of the MCP server at `url`.
pub async fn probe(client: &HttpClient, url: &Url, opts: &ProbeOptions, spec: SpecRevision) -> ProbeOutcome {
    let mut out = ProbeOutcome {
        chain: Vec::new(),
        headline: String::new(),
        error: None,
        request_shapes: Vec::new(),
        protocol_revision: None,
        challenges: Parsed::default(),
        resource_metadata: Value::Null,
        authorization_servers: Vec::new(),
    };
    let subject = url.to_string();
    let mut rs = Checks::new(spec, Some(subject.clone()));
    match transport(url) {
        Transport::Https => rs.pass(&RS_HTTPS, "the MCP endpoint is https"),
        Transport::LoopbackHttp => rs.warn(
            &RS_HTTPS,
            "http on a loopback host: fine for local development, use https in production",
        ),
        Transport::Insecure => rs.violated(
            &RS_HTTPS,
            format!(
                "{} is not https; bearer tokens would travel in clear text. Serve the endpoint over https.",
                sanitize::line(&subject)
            ),
        ),
    }

    // Round trip 1: the unauthenticated POST and the well-known candidates, together (and the lookup
    // deciding whether the MCP server is public).
    let candidates = discovery::prm_candidates(url);
    let (first, speculative, targets) = futures::join!(
        client.send(SHAPES[0].request(url, None)),
        futures::future::join_all(candidates.iter().map(|u| client.get(u))),
        target_client(client, url, opts.allow_private_addresses)
    );
    // From here on every fetch, to the MCP server or wherever it points, refuses private addresses when
    // the MCP server is public.
    let client = match &targets {
        Ok(c) => c,
        Err(e) => {
            out.error = Some(e.to_info());
            out.chain
                .push(link("resource-server", &subject, rs.into_results(), opts.strict));
            out.headline = format!("Could not set up the HTTP client: {}", sanitize::line(&e.to_string()));
            return out;
        }
    };
    let mut shape = 0;
    let mut resp = first;
    loop {
        match &resp {
            // Reported as a failed check, not followed (contract: redirects are same-origin only).
            Err(FetchError::CrossOriginRedirect { .. }) => break,
            Err(e) => {
                out.error = Some(e.to_info());
                out.chain
                    .push(link("resource-server", &subject, rs.into_results(), opts.strict));
                out.headline = format!("Could not reach the MCP server: {}", sanitize::line(&e.to_string()));
                return out;
            }
            Ok(r) => {
                out.request_shapes.push(ShapeAttempt {
                    shape: SHAPES[shape],
                    status: Some(r.status),
                    jsonrpc_error: if r.status == 400 { jsonrpc_error_code(r) } else { None },
                    with_token: false,
                });
                if r.status != 400 || shape + 1 == SHAPES.len() {
                    break;
                }
            }
        }
        shape += 1;
        resp = client.send(SHAPES[shape].request(url, None)).await;
    }
    let shape_at = shape;
    let shape = SHAPES[shape];
    let facts = match resp {
        Ok(resp) => {
            if resp.status != 400 {
                out.protocol_revision = Some(shape.revision);
            }
            first_response(&mut rs, &resp, shape, &out.request_shapes);
            let www = resp.header_values("www-authenticate");
            out.challenges = challenge::parse_all(&www);
            rules::evaluate_unauthenticated(&mut rs, resp.status, &out.challenges, www.len())
        }
        Err(e) => {
            rs.violated(
                &RS_UNAUTHENTICATED_401,
                format!(
                    "{}: MCP clients need a 401 from the endpoint itself, not a redirect to a login page.",
                    sanitize::line(&e.to_string())
                ),
            );
            rules::skip_challenge(
                &mut rs,
                "the POST was redirected to another origin: no challenge to inspect",
            );
            rules::ChallengeFacts::default()
        }
    };

    // Which PRM URL clients use, and which one served.
    let header_url = facts.resource_metadata.as_deref().and_then(|u| Url::parse(u).ok());
    let Located {
        attempts,
        served,
        header_failed,
        blockers,
        wk_winner,
        client_url,
    } = locate_prm(client, url, &candidates, &speculative, header_url.as_ref(), &mut rs).await;
    let (prm_url, prm, doc) = match served {
        None => {
            let mut prm = Checks::new(spec, Some(candidates[0].to_string()));
            let tried: Vec<String> = attempts
                .iter()
                .map(|a| {
                    let result = a
                        .status
                        .map_or_else(|| a.error.clone().unwrap_or_default(), |s| s.to_string());
                    format!("{} ({result})", a.url)
                })
                .collect();
            prm.violated(
                &PRM_DISCOVERY_ORDER,
                format!(
                    "no protected resource metadata at any URL clients try: {}. Serve it at {} and name it in resource_metadata.",
                    sanitize::line(&tried.join(", ")),
                    candidates[0]
                ),
            );
            out.resource_metadata = json!({"tried": attempts, "served_by": null, "client_url": client_url});
            if speculative.iter().all(|r| r.is_err())
                && let Some(Err(e)) = speculative.first()
            {
                out.error = Some(e.to_info());
            }
            (candidates[0].to_string(), prm, Map::new())
        }
        Some((prm_url, via, prm_resp, doc)) => {
            let mut prm = Checks::new(spec, Some(prm_url.clone()));
            let order = DiscoveryFacts {
                via,
                wk_winner,
                header_failed,
                blockers: &blockers,
                well_known: &candidates[0],
            };
            fetch_checks(&mut prm, &order, &prm_url, &prm_resp);
            rules::evaluate_prm(
                &mut prm,
                &doc,
                PrmContext {
                    resource_url: url.as_str(),
                    found_via: via,
                },
            );
            out.resource_metadata = json!({
                "tried": attempts,
                "served_by": prm_url,
                "found_via": via,
                "client_url": client_url,
                "document": Value::Object(doc.clone()),
            });
            (prm_url, prm, doc)
        }
    };
    let mut prm = prm;

    // Round trips 2 and 3: every authorization server (metadata, then JWKS) and the token tests, together.
    let mut issuers: Vec<String> = crate::metadata::Document(&doc)
        .str_array("authorization_servers")
        .present()
        .unwrap_or_default()
        .into_iter()
        .map(str::to_owned)
        .collect();
    if issuers.len() > MAX_AUTHORIZATION_SERVERS {
        prm.warn(&PRM_AUTHORIZATION_SERVERS_ARE_ISSUERS, too_many_servers(issuers.len()));
        issuers.truncate(MAX_AUTHORIZATION_SERVERS);
    }
    for issuer in &issuers {
        if let Ok(u) = Url::parse(issuer)
            && u.origin() != url.origin()
        {
            prm.info(
                &PRM_AUTHORIZATION_SERVERS_ARE_ISSUERS,
                format!(
                    "{} is on another origin than the MCP server: fetched and checked below",
                    sanitize::line(issuer)
                ),
            );
        }
    }
    let as_checks = futures::future::join_all(issuers.iter().map(|issuer| check_issuer(client, issuer, spec)));
    // 2025-03-26 has no PRM: clients discard the MCP URL's path and discover the authorization server
    // from the origin (RFC 8414 only), falling back to default endpoints there.
    let base = (spec == SpecRevision::V2025_03_26).then(|| url.origin().ascii_serialization());
    let origin_check = async {
        match &base {
            Some(b) => Some(provider::check(client, b, &Source::Discover(discovery::ProviderType::Oauth), spec).await),
            None => None,
        }
    };
    let token_checks = async {
        let (at, attempts) = match &opts.token {
            Some(t) => negotiate_with_token(client, url, t.expose(), shape_at).await,
            None => (shape_at, Vec::new()),
        };
        let results = token_tests(client, url, SHAPES[at], opts, spec, &subject).await;
        (results, at, attempts)
    };
    let (as_results, origin_outcome, (token_results, token_at, token_attempts)) =
        futures::join!(as_checks, origin_check, token_checks);
    let mut rs_results = rs.into_results();
    rs_results.extend(token_results);
    if token_at != shape_at {
        out.protocol_revision = Some(SHAPES[token_at].revision);
        let refused: Vec<String> = token_attempts
            .iter()
            .filter(|a| a.status == Some(400))
            .map(|a| match a.jsonrpc_error {
                Some(code) => format!("{} (400, JSON-RPC {code})", a.shape.revision),
                None => format!("{} (400)", a.shape.revision),
            })
            .collect();
        let mut note = Checks::new(spec, Some(subject.clone()));
        note.info(
            &RS_VALID_TOKEN_ACCEPTED,
            format!(
                "the server speaks MCP {}: it answers 401 to every request shape without a token, and refused the newer shape(s) {} once the token was accepted — a header/version problem, not an authorization result; the token tests use the {} shape",
                SHAPES[token_at].revision,
                refused.join(", "),
                SHAPES[token_at].revision
            ),
        );
        rs_results.extend(note.into_results());
    }
    out.request_shapes.extend(token_attempts);
    out.chain
        .push(link("resource-server", &subject, rs_results, opts.strict));
    let mut prm_link_checks = prm.into_results();
    let mut as_links = Vec::new();
    let mut key_sets: Vec<(String, Option<Value>)> = Vec::new();
    // Rule: under 2025-03-26 missing origin metadata is never a failure (clients then use the default
    // endpoints, reported as information and not exercised), and PRM with its authorization servers is
    // still checked as in later revisions, so a normal 2025-06-18+ server passes.
    let mut trusted = issuers.clone();
    let origin_links = match (&base, origin_outcome) {
        (Some(b), Some(outcome)) => {
            let links = origin_links(b, outcome, &doc, &mut out, &mut key_sets, spec, opts.strict);
            if !trusted.contains(b) && key_sets.iter().any(|(i, _)| i == b) {
                trusted.push(b.clone());
            }
            links
        }
        _ => Vec::new(),
    };
    for (issuer, result) in issuers.iter().zip(as_results) {
        match result {
            // Already checked at the origin (2025-03-26: the MCP server is its own authorization server).
            _ if base.as_ref() == Some(issuer) => {}
            None => {} // not a URL: prm-authorization-servers-are-issuers already failed
            Some(Err(why)) => {
                let mut c = Checks::new(spec, Some(prm_url.clone()));
                c.violated(&PRM_AUTHORIZATION_SERVERS_ARE_ISSUERS, why);
                prm_link_checks.extend(c.into_results());
            }
            Some(Ok(outcome)) => {
                record_server(&mut out, &mut key_sets, issuer, &outcome, true);
                as_links.extend(provider_links(&outcome, opts.strict));
            }
        }
    }
    // 2025-03-26 clients go from the MCP server to its origin's metadata; PRM follows for newer clients.
    out.chain.extend(origin_links);
    out.chain.push(link(
        "protected-resource-metadata",
        &prm_url,
        prm_link_checks,
        opts.strict,
    ));
    out.chain.extend(as_links);
    if let Some(token) = &opts.token {
        let checks = verify_against_chain(token, &trusted, &key_sets, url, &opts.scopes, spec);
        out.chain
            .push(link("access-token", &token.label(), checks, opts.strict));
    }
    finish_headline(&mut out);
    out
}

/// The 2025-03-26 links of the authorization base URL `base` (the MCP server's origin): its metadata and
/// key set when served, else one `as-default-endpoints-fallback` fact when every candidate answered 4xx.
/// Records a checked authorization server: its discovery in `authorization_servers`, the first error, and
/// (when `trust_keys`) its key set for verifying `--token`.
fn record_server(
    out: &mut ProbeOutcome,
    key_sets: &mut Vec<(String, Option<Value>)>,
    issuer: &str,
    outcome: &ProviderOutcome,
    trust_keys: bool,
) {
    out.authorization_servers.push(json!({
        "issuer": issuer,
        "metadata_url": outcome.metadata_url,
        "discovery": outcome.discovery_json(),
    }));
    if out.error.is_none() {
        out.error = outcome.error.clone();
    }
    if trust_keys {
        key_sets.push((issuer.to_owned(), outcome.jwks.clone()));
    }
}

/// A 5xx, a network error or a broken document stays a failure: clients stop there.
fn origin_links(
    base: &str,
    outcome: ProviderOutcome,
    prm: &Map<String, Value>,
    out: &mut ProbeOutcome,
    key_sets: &mut Vec<(String, Option<Value>)>,
    spec: SpecRevision,
    strict: bool,
) -> Vec<ChainLink> {
    let well_known = format!("{base}/.well-known/oauth-authorization-server");
    let absent = outcome.metadata.is_none()
        && !outcome.attempts.is_empty()
        && outcome
            .attempts
            .iter()
            .all(|a| a.error.is_none() && a.status.is_some_and(|s| (400..500).contains(&s)));
    let mut fallback = Checks::new(spec, Some(well_known.clone()));
    if absent {
        let statuses: Vec<String> = outcome
            .attempts
            .iter()
            .filter_map(|a| a.status.map(|s| s.to_string()))
            .collect();
        let newer = if crate::metadata::Document(prm)
            .str_array("authorization_servers")
            .present()
            .is_some_and(|v| !v.is_empty())
        {
            "2025-06-18+ clients use the authorization server(s) named in the protected resource metadata instead"
        } else {
            "2025-06-18+ clients do not use them and find no authorization server without protected resource metadata"
        };
        fallback.info(
            &AS_DEFAULT_ENDPOINTS_FALLBACK,
            format!(
                "no RFC 8414 metadata at {well_known} (HTTP {}): 2025-03-26 clients fall back to the default endpoints {base}/authorize, {base}/token and {base}/register, which the server must then support (not exercised by the probe); {newer}",
                statuses.join(", ")
            ),
        );
        out.authorization_servers.push(json!({
            "issuer": base,
            "metadata_url": null,
            "discovery": outcome.discovery_json(),
            "default_endpoints": {
                "authorization_endpoint": format!("{base}/authorize"),
                "token_endpoint": format!("{base}/token"),
                "registration_endpoint": format!("{base}/register"),
            },
        }));
        return vec![link("authorization-server", base, fallback.into_results(), strict)];
    }
    if outcome.metadata.is_some() {
        fallback.pass(
            &AS_DEFAULT_ENDPOINTS_FALLBACK,
            "RFC 8414 metadata is served at the authorization base URL (the MCP server's origin): 2025-03-26 clients use it, not the default endpoints",
        );
    }
    // The origin is a trusted issuer only when it serves metadata.
    record_server(out, key_sets, base, &outcome, outcome.metadata.is_some());
    let mut links = provider_links(&outcome, strict);
    let mut checks = fallback.into_results();
    checks.append(&mut links[0].checks);
    links[0].checks = checks;
    links[0].ok = links[0].ok && verdict(&links[0].checks, strict);
    links
}

/// Verifies `--token` the way this MCP server must (as `verify-token` does), with what the chain found:
/// its `iss` must be one of the PRM's authorization servers (`jwt-iss-is-resource-as`), the key set is
/// that server's JWKS, and the audience is the probed MCP URL.
fn verify_against_chain(
    token: &crate::jwt::SecretToken,
    issuers: &[String],
    key_sets: &[(String, Option<Value>)],
    url: &Url,
    scopes: &[String],
    spec: SpecRevision,
) -> Vec<CheckResult> {
    use crate::jwt::{self, KeySet, Unverified};
    let subject = token.label();
    let mut checks = Checks::new(spec, Some(subject.clone()));
    let claims = match jwt::decode_unverified(token.expose()) {
        Unverified::Jws(p) => p.claims,
        _ => {
            checks.info(
                &JWT_COMPACT_JWS,
                "the token is not a signed JWT (opaque or encrypted): only the server's answers above show whether it is valid",
            );
            return checks.into_results();
        }
    };
    let iss = claims.get("iss").and_then(Value::as_str).unwrap_or_default();
    if !issuers.iter().any(|i| i == iss) {
        // No key set is trusted for an unlisted issuer: the verdict stops here.
        crate::rules::token::iss_is_resource_as(&mut checks, &claims, Some(issuers));
        return checks.into_results();
    }
    let keys = key_sets
        .iter()
        .find(|(i, _)| i == iss)
        .and_then(|(_, jwks)| jwks.as_ref());
    let Some(keys) = keys.and_then(|k| KeySet::from_json(k).ok()) else {
        checks.skip(
            &JWT_SIGNATURE_VALID,
            "the issuer's key set could not be fetched (see its jwks link)",
        );
        return checks.into_results();
    };
    let expectations = crate::rules::token::Expectations {
        issuer: Some(iss.to_owned()),
        authorization_servers: Some(issuers.to_vec()),
        audience: url.to_string(),
        audience_overridden: false,
        scopes: scopes.to_vec(),
        leeway: 60,
        now: crate::time::now() as i64,
        rfc9068: false,
    };
    let verification = jwt::verify(token, &keys, &jwt::DEFAULT_ALGORITHMS, &expectations, spec);
    let mut results = checks.into_results();
    results.extend(verification.checks.into_iter().map(|c| CheckResult {
        subject: Some(subject.clone()),
        ..c
    }));
    results
}

/// How the document was found, for the discovery checks.
struct DiscoveryFacts<'a> {
    via: FoundVia,
    wk_winner: Option<usize>,
    header_failed: bool,
    blockers: &'a [String],
    /// The path-suffixed (or, for an endpoint at the root, the root) well-known URL.
    well_known: &'a Url,
}

/// The checks on how the document was found and fetched: `prm-well-known-url`, `prm-discovery-order`,
/// `prm-status-200-json`, `prm-tls-verified`.
fn fetch_checks(prm: &mut Checks, f: &DiscoveryFacts<'_>, prm_url: &str, resp: &Response) {
    let well_known = f.well_known;
    match (f.via, f.wk_winner) {
        (_, Some(0)) => prm.pass(
            &PRM_WELL_KNOWN_URL,
            format!("served at the RFC 9728 well-known URL {well_known}"),
        ),
        (FoundVia::Header, _) => prm.info(
            &PRM_WELL_KNOWN_URL,
            format!(
                "not served at the well-known URL {well_known}: clients that get no resource_metadata cannot find it"
            ),
        ),
        _ => prm.info(
            &PRM_WELL_KNOWN_URL,
            format!("not served at the path-suffixed well-known URL {well_known}, only at the root"),
        ),
    }
    if f.header_failed {
        prm.violated(
            &PRM_DISCOVERY_ORDER,
            format!(
                "the resource_metadata URL does not serve the metadata; clients use it and do not fall back (found at {} only by mcp-auth)",
                sanitize::line(prm_url)
            ),
        );
    } else if f.via != FoundVia::Header && !f.blockers.is_empty() {
        prm.violated(
            &PRM_DISCOVERY_ORDER,
            format!(
                "{}; clients stop there and never reach {prm_url}. Make it answer 404 or serve the document.",
                sanitize::line(&f.blockers.join("; "))
            ),
        );
    } else {
        prm.pass(
            &PRM_DISCOVERY_ORDER,
            format!("found via {}: {prm_url}", f.via.describe()),
        );
    }
    if !resp.is_json_media_type() {
        prm.violated(
            &PRM_STATUS_200_JSON,
            format!(
                "a JSON object, but Content-Type is {}; serve it as application/json.",
                resp.media_type()
                    .map_or_else(|| "missing".to_owned(), |m| format!("\"{}\"", sanitize::line(&m)))
            ),
        );
    } else if resp.redirects.is_empty() {
        prm.pass(&PRM_STATUS_200_JSON, "200, application/json, a JSON object");
    } else {
        prm.warn(
            &PRM_STATUS_200_JSON,
            format!(
                "200 JSON after {} redirect(s); clients that do not follow redirects miss it",
                resp.redirects.len()
            ),
        );
    }
    match transport(&resp.url) {
        Transport::Https => prm.pass(&PRM_TLS_VERIFIED, "the certificate verified"),
        _ => prm.skip(&PRM_TLS_VERIFIED, "not https: no certificate to verify"),
    }
}

/// Where the protected resource metadata was looked for, and what served it.
struct Located {
    attempts: Vec<PrmAttempt>,
    /// URL, how it was found, the response and the document.
    served: Option<(String, FoundVia, Response, Map<String, Value>)>,
    /// The `resource_metadata` URL did not serve the document (clients stop there).
    header_failed: bool,
    /// Earlier well-known candidates that answered something other than 404 or the document.
    blockers: Vec<String>,
    /// Index of the first well-known candidate that served the document.
    wk_winner: Option<usize>,
    /// The URL clients following the spec use.
    client_url: Option<String>,
}

/// Follows the client's order: the `resource_metadata` URL, else the (already fetched) well-known
/// candidates. Also reads the candidates when the header URL exists, to diagnose and to report.
async fn locate_prm(
    client: &HttpClient,
    url: &Url,
    candidates: &[Url],
    speculative: &[Result<Response, FetchError>],
    header_url: Option<&Url>,
    rs: &mut Checks,
) -> Located {
    let mut attempts: Vec<PrmAttempt> = Vec::new();
    let mut served: Option<(String, FoundVia, Response, Map<String, Value>)> = None;
    let mut header_failed = false;
    if let Some(hu) = header_url {
        if hu.origin() != url.origin() {
            rs.info(
                &RS_RESOURCE_METADATA_URL_VALID,
                format!(
                    "resource_metadata is on another origin ({}) than the MCP server; fetched and reported",
                    hu.origin().ascii_serialization()
                ),
            );
        }
        let fetched = match candidates.iter().position(|c| c == hu) {
            Some(i) => speculative[i].as_ref().cloned().map_err(FetchError::to_string),
            None => client.get(hu).await.map_err(|e| e.to_string()),
        };
        let (status, error) = describe_fetch(&fetched);
        let doc = fetched.as_ref().ok().map(|resp| (resp, prm_document(resp)));
        match doc {
            Some((resp, Ok(m))) => {
                rs.pass(&RS_RESOURCE_METADATA_URL_VALID, "resource_metadata serves the metadata");
                served = Some((hu.to_string(), FoundVia::Header, resp.clone(), m));
                attempts.push(PrmAttempt {
                    url: hu.to_string(),
                    via: FoundVia::Header,
                    status,
                    error,
                });
            }
            other => {
                let why = match other {
                    Some((_, Err(w))) => w,
                    _ => error.clone().unwrap_or_default(),
                };
                rs.violated(
                    &RS_RESOURCE_METADATA_URL_VALID,
                    format!(
                        "resource_metadata {} does not serve the metadata ({}); clients use it and stop there.",
                        sanitize::line(hu.as_str()),
                        sanitize::line(&why)
                    ),
                );
                attempts.push(PrmAttempt {
                    url: hu.to_string(),
                    via: FoundVia::Header,
                    status,
                    error: Some(why),
                });
                header_failed = true;
            }
        }
    }
    // The well-known candidates (already fetched): the fallback clients use, and a diagnosis aid.
    let mut blockers: Vec<String> = Vec::new();
    let mut wk_winner: Option<usize> = None;
    for (i, (c, r)) in candidates.iter().zip(speculative).enumerate() {
        // prm_candidates: [path-suffixed, root], or just [root] for an endpoint at the root.
        let via = if i == 0 && candidates.len() > 1 {
            FoundVia::PathWellKnown
        } else {
            FoundVia::RootWellKnown
        };
        let (status, error) = describe_fetch(r);
        let doc = r.as_ref().ok().map(prm_document);
        let err = match &doc {
            Some(Err(w)) if status != Some(404) => Some(w.clone()),
            _ => error,
        };
        if Some(c.as_str()) != header_url.map(Url::as_str) {
            attempts.push(PrmAttempt {
                url: c.to_string(),
                via,
                status,
                error: err.clone(),
            });
        }
        match doc {
            Some(Ok(m)) if wk_winner.is_none() => {
                wk_winner = Some(i);
                if served.is_none() {
                    served = Some((c.to_string(), via, r.as_ref().expect("ok").clone(), m));
                }
            }
            // A response other than 404 that is not the document stops clients before later candidates.
            _ if wk_winner.is_none() && status.is_some() && err.is_some() => {
                blockers.push(format!("{} answered {}", c, err.clone().unwrap_or_default()));
            }
            _ => {}
        }
    }
    let client_url = header_url
        .map(Url::to_string)
        .or_else(|| wk_winner.map(|i| candidates[i].to_string()));

    Located {
        attempts,
        served,
        header_failed,
        blockers,
        wk_winner,
        client_url,
    }
}

/// Continues the request-shape fallback with the token, from the shape the unauthenticated request settled on.
/// A 401 without a token does not prove the server accepts that shape: servers that authorize before they
/// read the MCP headers (the TypeScript SDK's `requireBearerAuth` in front of its transport) answer 401 to
/// every shape, and 400 only once the token is accepted. Returns the index into [`SHAPES`] the token tests
/// use, and the attempts made (none when there is no older shape to fall back to).
async fn negotiate_with_token(client: &HttpClient, url: &Url, token: &str, from: usize) -> (usize, Vec<ShapeAttempt>) {
    let mut attempts = Vec::new();
    let mut at = from;
    while at + 1 < SHAPES.len() {
        let Ok(r) = client.send(SHAPES[at].request(url, Some(token))).await else {
            break; // the token tests report the failure
        };
        attempts.push(ShapeAttempt {
            shape: SHAPES[at],
            status: Some(r.status),
            jsonrpc_error: if r.status == 400 { jsonrpc_error_code(&r) } else { None },
            with_token: true,
        });
        if r.status != 400 {
            break;
        }
        at += 1;
    }
    (at, attempts)
}

/// `rs-unauthenticated-401` on the answer to the last request shape tried.
fn first_response(rs: &mut Checks, resp: &Response, shape: RequestShape, attempts: &[ShapeAttempt]) {
    match resp.status {
        401 => rs.pass(
            &RS_UNAUTHENTICATED_401,
            format!(
                "401 to a {} request without a token (MCP {} request shape)",
                shape.method, shape.revision
            ),
        ),
        400 => {
            let tried: Vec<String> = attempts.iter().map(refusal).collect();
            rs.violated(
                &RS_UNAUTHENTICATED_401,
                format!(
                    "every request shape got 400 ({}): a header or protocol-version problem, not an authorization result. Check the server accepts Accept: application/json, text/event-stream and a supported MCP-Protocol-Version.",
                    tried.join(", ")
                ),
            );
        }
        s => {
            let why = match s {
                200..=299 => {
                    "the server answered without asking for a token: it is not protected, or it ignores authorization"
                }
                300..=399 => "a redirect (probably to a login page); MCP clients need a 401",
                403 => "403 means 'authenticated but not allowed'; a request without a token needs 401",
                404 => "the endpoint was not found; check the URL",
                _ => "clients start authorization only on 401",
            };
            rs.violated(&RS_UNAUTHENTICATED_401, format!("HTTP {s}: {why}."));
        }
    }
    if resp.status != 400 && attempts.len() > 1 {
        let refused: Vec<String> = attempts[..attempts.len() - 1].iter().map(refusal).collect();
        rs.info(
            &RS_UNAUTHENTICATED_401,
            format!(
                "the server speaks MCP {}: it refused the newer request shape(s) {} — a header/version problem, not an authorization result; later requests use the {} shape",
                shape.revision,
                refused.join(", "),
                shape.revision
            ),
        );
    }
    if !resp.redirects.is_empty() {
        let hops: Vec<String> = resp
            .redirects
            .iter()
            .map(|r| format!("{} {} → {}", r.status, r.from, r.to))
            .collect();
        rs.info(
            &RS_UNAUTHENTICATED_401,
            format!(
                "the POST was redirected (same origin): {}",
                sanitize::line(&hops.join(", "))
            ),
        );
    }
}

/// The token tests (`rs-invalid-token-401`, and with `--token` the valid, query and forged variants).
async fn token_tests(
    client: &HttpClient,
    url: &Url,
    shape: RequestShape,
    opts: &ProbeOptions,
    spec: SpecRevision,
    subject: &str,
) -> Vec<CheckResult> {
    let mut checks = Checks::new(spec, Some(subject.to_owned()));
    let mut variants: Vec<(&'static str, String)> = vec![("a garbage token", "mcp-auth-probe-not-a-token".to_owned())];
    let mut forge_note = None;
    let token = opts.token.as_ref().map(crate::jwt::SecretToken::expose);
    if let Some(t) = token {
        match forge(t) {
            Ok(f) => variants.extend(f.into_iter().map(|f| (f.name, f.token))),
            Err(why) => forge_note = Some(why),
        }
    }
    let query_url = token.map(|t| {
        let mut u = url.clone();
        u.query_pairs_mut().append_pair("access_token", t);
        u
    });
    let sends = futures::future::join_all(
        variants
            .iter()
            .map(|(_, tok)| client.send(shape.request(url, Some(tok)))),
    );
    let valid = async {
        match token {
            Some(t) => Some(client.send(shape.request(url, Some(t))).await),
            None => None,
        }
    };
    let query = async {
        match &query_url {
            Some(u) => Some(client.send(shape.request(u, None)).await),
            None => None,
        }
    };
    let foreign = opts.foreign_token.as_ref().map(crate::jwt::SecretToken::expose);
    let foreign_send = async {
        match foreign {
            Some(t) => Some(client.send(shape.request(url, Some(t))).await),
            None => None,
        }
    };
    let (forged, valid, query, foreign_resp) = futures::join!(sends, valid, query, foreign_send);

    for ((name, _), r) in variants.iter().zip(forged) {
        match r {
            Err(e) => checks.violated(
                &RS_INVALID_TOKEN_401,
                format!(
                    "{name}: the request failed ({}); the server must answer 401.",
                    sanitize::line(&e.to_string())
                ),
            ),
            Ok(resp) => invalid_token_result(&mut checks, name, &resp),
        }
    }
    if let Some(why) = forge_note {
        checks.info(
            &RS_INVALID_TOKEN_401,
            format!("--token is not a JWT ({why}): forged variants were not tried"),
        );
    }
    let mut forbidden: Option<Response> = None;
    match valid {
        None => checks.skip(&RS_VALID_TOKEN_ACCEPTED, "no --token given"),
        Some(Err(e)) => checks.violated(
            &RS_VALID_TOKEN_ACCEPTED,
            format!("the request with the token failed: {}", sanitize::line(&e.to_string())),
        ),
        Some(Ok(resp)) => match resp.status {
            200..=299 => checks.pass(&RS_VALID_TOKEN_ACCEPTED, format!("HTTP {} with the token in the Authorization header", resp.status)),
            403 => {
                checks.warn(
                    &RS_VALID_TOKEN_ACCEPTED,
                    "403: the token was recognised but lacks a scope this request needs; mint one with the scopes the challenge names.",
                );
                forbidden = Some(resp);
            }
            s => checks.violated(
                &RS_VALID_TOKEN_ACCEPTED,
                format!(
                    "HTTP {s} with the token in the Authorization header{}. Check issuer, audience (the server's canonical URI) and keys; `mcp-auth verify-token --resource {}` shows which claim does not fit.",
                    error_description(&resp),
                    sanitize::line(url.as_str())
                ),
            ),
        },
    }
    match query {
        None => checks.skip(&RS_QUERY_TOKEN_IGNORED, "no --token given"),
        Some(Err(e)) => checks.violated(
            &RS_QUERY_TOKEN_IGNORED,
            format!("the request failed: {}", sanitize::line(&e.to_string())),
        ),
        Some(Ok(resp)) => match resp.status {
            401 => checks.pass(&RS_QUERY_TOKEN_IGNORED, "the token in ?access_token= was ignored (401)"),
            200..=299 => checks.violated(
                &RS_QUERY_TOKEN_IGNORED,
                format!("HTTP {}: the server ACCEPTED the token from the ?access_token= query parameter; tokens in URLs leak into logs. Read tokens only from the Authorization header.", resp.status),
            ),
            s => checks.warn(
                &RS_QUERY_TOKEN_IGNORED,
                format!("HTTP {s} instead of 401 for a request whose only token is in the query; it was not accepted, but clients expect 401."),
            ),
        },
    }
    match foreign_resp {
        None => checks.skip(
            &RS_WRONG_AUDIENCE_REJECTED,
            "needs a valid token issued for another resource (--foreign-token), which cannot be forged without the AS key",
        ),
        Some(Err(e)) => checks.violated(
            &RS_WRONG_AUDIENCE_REJECTED,
            format!(
                "the request with --foreign-token failed ({}); the server must answer 401.",
                sanitize::line(&e.to_string())
            ),
        ),
        Some(Ok(resp)) => match resp.status {
            401 => checks.pass(&RS_WRONG_AUDIENCE_REJECTED, "401 for the token issued for another resource"),
            200..=299 => checks.violated(
                &RS_WRONG_AUDIENCE_REJECTED,
                format!(
                    "HTTP {}: the server accepted a token issued for another resource: it does not check aud. Require aud to contain the server's canonical URI.",
                    resp.status
                ),
            ),
            s => checks.warn(
                &RS_WRONG_AUDIENCE_REJECTED,
                format!("HTTP {s} for the token issued for another resource: not accepted, but a token for the wrong audience needs 401 invalid_token."),
            ),
        },
    }
    match forbidden {
        Some(resp) => rules::evaluate_forbidden(
            &mut checks,
            &challenge::parse_all(&resp.header_values("www-authenticate")),
        ),
        None => checks.skip(&RS_INSUFFICIENT_SCOPE_403, "no 403 was seen"),
    }
    let mut results = checks.into_results();
    // Error texts can quote the ?access_token= URL: never let a token reach the output.
    for t in [token, foreign].into_iter().flatten().filter(|t| !t.is_empty()) {
        for r in &mut results {
            if r.message.contains(t) {
                r.message = r.message.replace(t, "REDACTED").into();
            }
        }
    }
    results
}

fn error_description(resp: &Response) -> String {
    let parsed = challenge::parse_all(&resp.header_values("www-authenticate"));
    match parsed
        .find("Bearer")
        .and_then(|c| c.param("error_description").or(c.param("error")))
    {
        Some(d) => format!(" (server says: {})", sanitize::line(d)),
        None => String::new(),
    }
}

fn invalid_token_result(checks: &mut Checks, name: &str, resp: &Response) {
    match resp.status {
        401 => {
            let parsed = challenge::parse_all(&resp.header_values("www-authenticate"));
            let error = parsed.find("Bearer").and_then(|c| c.param("error")).map(str::to_owned);
            match error.as_deref() {
                Some("invalid_token") => checks.pass(&RS_INVALID_TOKEN_401, format!("{name}: 401 invalid_token")),
                other => checks.warn(
                    &RS_INVALID_TOKEN_401,
                    format!(
                        "{name}: 401, but error is {}; RFC 9068 §4 says error=\"invalid_token\".",
                        other.map_or_else(|| "missing".to_owned(), |e| format!("\"{}\"", sanitize::line(e)))
                    ),
                ),
            }
        }
        200..=299 => checks.violated(
            &RS_INVALID_TOKEN_401,
            format!("{name}: HTTP {} — the server ACCEPTED a forged token. Anyone can call it: verify signatures against the AS's JWKS with an algorithm allow-list (never none).", resp.status),
        ),
        500..=599 => checks.violated(
            &RS_INVALID_TOKEN_401,
            format!("{name}: HTTP {} — the server fails on an invalid token instead of answering 401; catch verification errors and answer 401 invalid_token.", resp.status),
        ),
        403 => checks.violated(
            &RS_INVALID_TOKEN_401,
            format!("{name}: HTTP 403 — the server ACCEPTED the forged token as authentic (then refused its scope); verify signatures before checking scopes, and answer 401."),
        ),
        s => checks.violated(
            &RS_INVALID_TOKEN_401,
            format!("{name}: HTTP {s}; an invalid token MUST get 401."),
        ),
    }
}

fn link_label(kind: &str) -> &'static str {
    match kind {
        "resource-server" => "the MCP server",
        "protected-resource-metadata" => "the protected resource metadata",
        "authorization-server" => "the authorization server",
        "jwks" => "the key set (JWKS)",
        _ => "a link",
    }
}

fn finish_headline(out: &mut ProbeOutcome) {
    out.headline = headline(&out.chain, out.error.as_ref());
}

/// The first line of a chain report: the first broken link and why, in plain words.
pub fn headline(chain: &[ChainLink], error: Option<&ErrorInfo>) -> String {
    match (chain.iter().find(|l| !l.ok), error) {
        (Some(l), _) => {
            let why = l
                .checks
                .iter()
                .find(|c| c.status == crate::report::Status::Fail)
                .or_else(|| l.checks.iter().find(|c| c.status == crate::report::Status::Warn));
            match why {
                Some(c) => format!(
                    "First broken link: {} at {} — {}: {}",
                    link_label(l.link),
                    sanitize::line(&l.subject),
                    c.id,
                    sanitize::line(&c.message)
                ),
                None => format!(
                    "First broken link: {} at {} could not be checked",
                    link_label(l.link),
                    sanitize::line(&l.subject)
                ),
            }
        }
        (None, Some(e)) => format!("Could not complete: {}", sanitize::line(&e.message)),
        (None, None) => {
            let n_as = chain.iter().filter(|l| l.link == "authorization-server").count();
            let n_jwks = chain.iter().filter(|l| l.link == "jwks").count();
            format!(
                "Every link works: {}{n_as} authorization server(s) → {n_jwks} key set(s)",
                if chain.get(1).is_some_and(|l| l.link == "authorization-server") {
                    // 2025-03-26: the authorization server is found from the MCP server's origin.
                    "MCP server → its origin's "
                } else if chain.iter().any(|l| l.link == "resource-server") {
                    "MCP server → protected resource metadata → "
                } else {
                    "protected resource metadata → "
                }
            )
        }
    }
}

/// One refused request shape, for messages: `2026-07-28 (400, JSON-RPC -32020 header mismatch)`.
fn refusal(a: &ShapeAttempt) -> String {
    match a.jsonrpc_error {
        Some(-32020) => format!("{} (400, JSON-RPC -32020 header mismatch)", a.shape.revision),
        Some(code) => format!("{} (400, JSON-RPC {code})", a.shape.revision),
        None => format!("{} (400)", a.shape.revision),
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_public_mcp_server_gets_a_client_refusing_private_addresses() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = HttpClient::new(crate::http::HttpConfig::default()).unwrap();
        let refuses = |mcp: &str, allow: bool| {
            let c = rt
                .block_on(target_client(&client, &Url::parse(mcp).unwrap(), allow))
                .unwrap();
            c.config().refuse_private
        };
        assert!(refuses("https://93.184.216.34/mcp", false));
        assert!(refuses("https://[2606:4700::1111]/mcp", false));
        assert!(!refuses("https://93.184.216.34/mcp", true), "--allow-private-addresses");
        for private in [
            "http://127.0.0.1:1/mcp",
            "http://localhost:1/mcp",
            "https://10.0.0.5/mcp",
        ] {
            assert!(!refuses(private, false), "{private}");
        }
    }

    /// A public MCP server whose challenge names the metadata service (or any private address): the
    /// URL is reported and never fetched. The loopback mock proves no request was made.
    #[test]
    fn a_private_resource_metadata_url_from_a_public_server_is_reported_not_fetched() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let trap = crate::server::MockServer::start().unwrap();
        trap.fixed("/prm", crate::server::Reply::json(&json!({"resource": "x"})));
        let client = HttpClient::new(crate::http::HttpConfig::default()).unwrap();
        let mcp = Url::parse("https://93.184.216.34/mcp").unwrap();
        let client = rt.block_on(target_client(&client, &mcp, false)).unwrap();
        let by_name = trap.url("/prm").replace("127.0.0.1", "localhost");
        for target in ["http://169.254.169.254/latest/meta-data/", &trap.url("/prm"), &by_name] {
            let target = Url::parse(target).unwrap();
            let mut rs = Checks::new(SpecRevision::LATEST, None);
            let located = rt.block_on(locate_prm(&client, &mcp, &[], &[], Some(&target), &mut rs));
            assert!(located.served.is_none() && located.header_failed);
            assert_eq!(located.attempts.len(), 1);
            assert_eq!(located.attempts[0].status, None);
            let results = rs.into_results();
            let failed: Vec<&CheckResult> = results
                .iter()
                .filter(|r| r.id == RS_RESOURCE_METADATA_URL_VALID.id && r.status == crate::report::Status::Fail)
                .collect();
            assert_eq!(failed.len(), 1, "{results:?}");
            let msg = &failed[0].message;
            assert!(
                msg.contains("private address")
                    && msg.contains("not fetched")
                    && msg.contains("--allow-private-addresses")
                    && !msg.contains('\n'),
                "{msg}"
            );
        }
        assert!(trap.hits().is_empty());
    }

    /// The authorization server a public MCP server names, and the JWKS an authorization server names,
    /// go through the same refusing client: neither is fetched, both are reported as failed checks.
    #[test]
    fn a_private_authorization_server_or_jwks_uri_is_reported_not_fetched() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let trap = crate::server::MockServer::start().unwrap();
        let issuer = trap.base_url();
        trap.fixed(
            "/.well-known/oauth-authorization-server",
            crate::server::Reply::json(&json!({"issuer": issuer, "jwks_uri": trap.url("/jwks")})),
        );
        trap.fixed("/jwks", crate::server::Reply::json(&json!({"keys": []})));
        let client = HttpClient::new(crate::http::HttpConfig::default()).unwrap();
        let mcp = Url::parse("https://93.184.216.34/mcp").unwrap();
        let client = rt.block_on(target_client(&client, &mcp, false)).unwrap();

        let refused = rt.block_on(check_issuer(&client, &issuer, SpecRevision::LATEST));
        match refused {
            Some(Err(why)) => assert!(why.contains("--allow-private-addresses"), "{why}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
        let (checks, keys) = rt.block_on(provider::check_jwks(&client, &trap.url("/jwks"), SpecRevision::LATEST));
        assert!(keys.is_none());
        let jwks = checks.iter().find(|c| c.id == AS_JWKS_VALID.id).unwrap();
        assert_eq!(jwks.status, crate::report::Status::Fail);
        assert!(jwks.message.contains("not fetched"), "{}", jwks.message);
        assert!(trap.hits().is_empty());
    }

    #[test]
    fn forgeries_are_derived_from_the_token() {
        let key = crate::jwt::SigningKey::generate("k1");
        let token = key.sign(&json!({"sub": "a", "aud": "x"}));
        let f = forge(&token).unwrap();
        assert_eq!(f.len(), 4);
        for v in &f {
            assert_ne!(v.token, token);
        }
        assert!(f[1].token.ends_with('.'));
        let none_header: Value =
            serde_json::from_slice(&B64.decode(f[2].token.split('.').next().unwrap()).unwrap()).unwrap();
        assert_eq!(none_header["alg"], "none");
        let foreign_header: Value =
            serde_json::from_slice(&B64.decode(f[3].token.split('.').next().unwrap()).unwrap()).unwrap();
        assert_eq!(foreign_header["kid"], "k1");
        assert!(forge("opaque-token").is_err());
    }

    #[test]
    fn options_never_show_the_token() {
        let o = ProbeOptions {
            token: Some(crate::jwt::SecretToken::new("secret-token")),
            foreign_token: Some(crate::jwt::SecretToken::new("foreign-secret")),
            ..Default::default()
        };
        let shown = format!("{o:?}");
        assert!(
            !shown.contains("secret-token") && !shown.contains("foreign-secret"),
            "{shown}"
        );
    }

    #[test]
    fn headline_names_the_first_broken_link() {
        let mut checks = Checks::new(SpecRevision::LATEST, Some("https://x/mcp".into()));
        checks.pass(&RS_HTTPS, "ok");
        let good = link("resource-server", "https://x/mcp", checks.into_results(), false);
        let mut checks = Checks::new(SpecRevision::LATEST, None);
        checks.violated(&PRM_RESOURCE_MATCHES, "resource differs");
        let bad = link(
            "protected-resource-metadata",
            "https://x/.well-known/oauth-protected-resource/mcp",
            checks.into_results(),
            false,
        );
        let h = headline(&[good.clone(), bad], None);
        assert!(
            h.starts_with("First broken link: the protected resource metadata at https://x/"),
            "{h}"
        );
        assert!(h.contains("prm-resource-matches: resource differs"), "{h}");
        assert!(headline(&[good], None).starts_with("Every link works"));
    }

    #[test]
    fn request_shapes_carry_the_required_headers() {
        let u = Url::parse("https://x/mcp").unwrap();
        let r = SHAPES[0].request(&u, None);
        let names: Vec<&str> = r.headers.iter().map(|(k, _)| k.as_str()).collect();
        for h in ["accept", "content-type", "mcp-protocol-version", "mcp-method"] {
            assert!(names.contains(&h), "{h}");
        }
        assert_eq!(r.method, reqwest::Method::POST);
        let r = SHAPES[2].request(&u, Some("t"));
        assert!(!r.headers.iter().any(|(k, _)| k == "mcp-method"));
        let body: Value = serde_json::from_slice(r.body.as_ref().unwrap()).unwrap();
        assert_eq!(body["params"]["protocolVersion"], "2025-06-18");
    }
}
