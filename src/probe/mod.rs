//! `probe` as a library operation: walk a live MCP server's discovery chain as a client would (resource
//! server → protected resource metadata → every authorization server → each JWKS), check every link,
//! and name the first broken one. Under `--spec 2025-03-26` (no PRM) the authorization server is also
//! discovered from the MCP server's origin, the authorization base URL, as clients of that revision do.
//!
//! Round trips: the unauthenticated POST, the speculative well-known PRM fetches and the garbage-token
//! POST go out together; every authorization server is then checked concurrently (its candidates at
//! once, then its JWKS), and the `--token` tests run alongside. A compliant server costs three sequential
//! round trips. In a scan (2 requests in flight per origin) the first round trip's four requests take two
//! turns of the origin, so the authorization servers of the PRM the challenge names are checked as soon
//! as the first turn brings that PRM: still three round trips.

mod headline;
mod prm;
mod servers;
mod shapes;
mod token;

use headline::finish_headline;
pub use headline::headline;
pub use prm::{PrmAttempt, PrmError, fetch_prm};
use prm::{locate_prm, prm_link};
pub use servers::{MAX_AUTHORIZATION_SERVERS, provider_links, too_many_servers};
use servers::{check_issuer, listed_issuers, server_links};
pub use shapes::{RequestShape, SHAPES, ShapeAttempt};
use shapes::{first_response, negotiate, negotiate_with_token, token_shape_note};
pub use token::{Forgery, forge};
use token::{GARBAGE_TOKEN, token_tests, verify_against_chain, withheld};

use crate::catalogue::*;
use crate::challenge::{self, Parsed};
use crate::discovery;
use crate::error::FetchError;
use crate::http::{HttpClient, PrivateAccess, Response, Transport, transport};
use crate::provider::{self, Source};
use crate::report::{ChainLink, CheckResult, Checks, ErrorInfo, verdict};
use crate::rules::resource::{self as rules, FoundVia};
use crate::sanitize;
use crate::spec::SpecRevision;
use serde::Serialize;
use serde_json::{Map, Value};
use url::Url;

/// What the user asked for.
#[derive(Clone)]
pub struct ProbeOptions {
    /// A valid access token (`--token`); never printed.
    pub token: Option<crate::jwt::SecretToken>,
    /// A valid token issued for another resource (`--foreign-token`); never printed.
    pub foreign_token: Option<crate::jwt::SecretToken>,
    /// Scopes the token should carry (`--scope`).
    pub scopes: Vec<String>,
    /// Clock skew allowed for the token's exp/nbf/iat, in seconds (`--leeway`, as verify-token's).
    pub leeway: u64,
    /// The algorithm allow-list for the token (`--algorithm`); empty means [`crate::jwt::DEFAULT_ALGORITHMS`].
    pub algorithms: Vec<jsonwebtoken::Algorithm>,
    /// Fetch URLs that resolve to private addresses even when the MCP server is public.
    pub allow_private_addresses: bool,
    /// Send the tokens over plain http to a host that is not loopback (`--allow-insecure-token`).
    pub allow_insecure_token: bool,
    pub strict: bool,
    /// Authorization servers already checked in this run (`scan`): each listed issuer is checked once and
    /// the outcome shared. `None`: this probe checks its own.
    pub issuer_cache: Option<std::sync::Arc<crate::issuer_cache::IssuerCache>>,
}

impl Default for ProbeOptions {
    /// No tokens, verify-token's defaults for checking one (60 s leeway, the default algorithms).
    fn default() -> Self {
        Self {
            token: None,
            foreign_token: None,
            scopes: Vec::new(),
            leeway: crate::verify::VerifyOptions::new("").leeway,
            algorithms: Vec::new(),
            allow_private_addresses: false,
            allow_insecure_token: false,
            strict: false,
            issuer_cache: None,
        }
    }
}

impl std::fmt::Debug for ProbeOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProbeOptions")
            .field("token", &self.token.as_ref().map(|_| "(redacted)"))
            .field("foreign_token", &self.foreign_token.as_ref().map(|_| "(redacted)"))
            .field("scopes", &self.scopes)
            .field("leeway", &self.leeway)
            .field("algorithms", &self.algorithms)
            .field("allow_private_addresses", &self.allow_private_addresses)
            .field("issuer_cache", &self.issuer_cache.as_ref().map(|c| c.len()))
            .field("allow_insecure_token", &self.allow_insecure_token)
            .finish()
    }
}

/// The result of a probe.
#[derive(Default, Clone, Debug)]
pub struct ProbeOutcome {
    pub chain: Vec<ChainLink>,
    /// The first broken link in plain words.
    pub headline: String,
    pub error: Option<ErrorInfo>,
    pub request_shapes: Vec<ShapeAttempt>,
    /// The revision whose request shape the server accepted.
    pub protocol_revision: Option<&'static str>,
    pub challenges: Parsed,
    /// `resource_metadata` member; `None` (JSON `null`) when the walk stopped before looking for it.
    pub resource_metadata: Option<ResourceMetadata>,
    /// One entry per authorization server: issuer, chosen metadata URL, discovery attempts.
    pub authorization_servers: Vec<AuthorizationServer>,
}

/// The `resource_metadata` member of a probe report: the URLs tried, which one served, which one clients
/// use, and the document.
#[derive(Clone, Debug, Serialize)]
pub struct ResourceMetadata {
    pub tried: Vec<PrmAttempt>,
    /// The URL that served the document (JSON `null` when none did).
    pub served_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found_via: Option<FoundVia>,
    /// The URL clients following the spec use.
    pub client_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<Map<String, Value>>,
}

/// One entry of the `authorization_servers` member of a probe report.
#[derive(Clone, Debug, Serialize)]
pub struct AuthorizationServer {
    pub issuer: String,
    /// The metadata URL chosen (JSON `null` when none served).
    pub metadata_url: Option<String>,
    pub discovery: provider::Discovery,
    /// 2025-03-26: the default endpoints clients fall back to when the origin serves no metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_endpoints: Option<DefaultEndpoints>,
}

/// The 2025-03-26 default endpoints at the authorization base URL.
#[derive(Clone, Debug, Serialize)]
pub struct DefaultEndpoints {
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub registration_endpoint: String,
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

/// Walks the chain of the MCP server at `url`.
pub async fn probe(client: &HttpClient, url: &Url, opts: &ProbeOptions, spec: SpecRevision) -> ProbeOutcome {
    let mut out = ProbeOutcome::default();
    let subject = url.to_string();
    let mut rs = Checks::new(spec, Some(subject.clone()));
    https_check(&mut rs, url);

    let candidates = discovery::prm_candidates(url);
    let (first, speculative, targets, early_garbage) = first_round_trip(client, url, &candidates, opts, spec).await;
    // From here on every fetch, to the MCP server or wherever it points, refuses private addresses when
    // the MCP server is public.
    let client = match &targets {
        Ok(c) => c,
        Err(e) => {
            let headline = format!("Could not set up the HTTP client: {}", sanitize::line(&e.to_string()));
            return stop(out, rs, &subject, opts.strict, e.to_info(), headline);
        }
    };
    private_note(&mut rs, client);
    let (shape_at, attempts, resp) = negotiate(client, url, first).await;
    out.request_shapes = attempts;
    let resp = match resp {
        // Reported as a failed check, not followed (contract: redirects are same-origin only).
        Err(e) if !matches!(e, FetchError::CrossOriginRedirect { .. }) => {
            let headline = format!("Could not reach the MCP server: {}", sanitize::line(&e.to_string()));
            return stop(out, rs, &subject, opts.strict, e.to_info(), headline);
        }
        // A 5xx says nothing about authorization: the run could not be evaluated (exit 3), not failed.
        Ok(r) if r.status >= 500 => {
            let (error, headline) = server_error(&r);
            rs.skip(&RS_UNAUTHENTICATED_401, error.message.clone());
            return stop(out, rs, &subject, opts.strict, error, headline);
        }
        other => other,
    };
    let facts = unauthenticated(&mut rs, resp, SHAPES[shape_at], &mut out);

    // Which PRM URL clients use, and which one served.
    let header_url = facts.resource_metadata.as_deref().and_then(|u| Url::parse(u).ok());
    let located = locate_prm(client, url, &candidates, &speculative, header_url.as_ref(), &mut rs).await;
    let mut prm = prm_link(located, url, &candidates, &speculative, spec, &mut out);
    let issuers = listed_issuers(&prm.doc, url, &mut prm.checks);

    // Round trips 2 and 3: every authorization server (metadata, then JWKS) and the token tests, together.
    let as_checks = futures::future::join_all(
        issuers
            .iter()
            .map(|issuer| check_issuer(client, issuer, spec, opts.issuer_cache.as_deref())),
    );
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
            Some(t) if withheld(url, opts).is_none() => negotiate_with_token(client, url, t.expose(), shape_at).await,
            _ => (shape_at, Vec::new()),
        };
        let results = token_tests(client, url, SHAPES[at], opts, spec, &subject, early_garbage).await;
        (results, at, attempts)
    };
    let (as_results, origin_outcome, (token_results, token_at, token_attempts)) =
        futures::join!(as_checks, origin_check, token_checks);
    let mut rs_results = rs.into_results();
    rs_results.extend(token_results);
    if token_at != shape_at {
        out.protocol_revision = Some(SHAPES[token_at].revision);
        rs_results.extend(token_shape_note(&token_attempts, token_at, spec, &subject));
    }
    out.request_shapes.extend(token_attempts);
    out.chain
        .push(link("resource-server", &subject, rs_results, opts.strict));
    let origin = base.as_deref().zip(origin_outcome);
    let (trusted, key_sets) = server_links(&mut out, prm, &issuers, as_results, origin, spec, opts.strict);
    if let Some(token) = &opts.token {
        let checks = verify_against_chain(token, &trusted, &key_sets, url, opts, spec);
        out.chain
            .push(link("access-token", &token.label(), checks, opts.strict));
    }
    finish_headline(&mut out);
    out
}

/// Round trip 1's answers: the unauthenticated POST, each well-known candidate, the client for the rest
/// of the walk, and the garbage-token POST (`None` without that client).
type FirstRoundTrip = (
    Result<Response, FetchError>,
    Vec<Result<Response, FetchError>>,
    Result<HttpClient, crate::error::Error>,
    Option<Result<Response, FetchError>>,
);

/// Round trip 1: the unauthenticated POST and the well-known `candidates`, together with the lookup
/// deciding whether the MCP server is public and then, through the client it decides, the garbage-token
/// POST (in the newest shape; used if the server takes that shape). In a scan (an issuer cache), the
/// authorization servers of the PRM the challenge names are checked as soon as the POST and that
/// candidate answer: under scan's 2-per-origin limit the other two requests take a second turn, which
/// then overlaps the authorization servers' first round trip instead of delaying it.
async fn first_round_trip(
    client: &HttpClient,
    url: &Url,
    candidates: &[Url],
    opts: &ProbeOptions,
    spec: SpecRevision,
) -> FirstRoundTrip {
    let (header_tx, header_rx) = tokio::sync::oneshot::channel();
    let (answer_txs, answer_rxs): (Vec<_>, Vec<_>) = candidates.iter().map(|_| tokio::sync::oneshot::channel()).unzip();
    let early = opts.issuer_cache.as_deref().map(|cache| (cache, header_rx, answer_rxs));
    let post = async {
        let r = client.send(SHAPES[0].request(url, None)).await;
        if let Some(header) = r.as_ref().ok().and_then(challenge_prm_url) {
            let _ = header_tx.send(header);
        }
        r
    };
    let fetches = futures::future::join_all(candidates.iter().zip(answer_txs).map(|(u, tx)| async move {
        let r = client.get(u).await;
        if let Ok(resp) = &r
            && !tx.is_closed()
        {
            let _ = tx.send(resp.clone());
        }
        r
    }));
    let guarded = async {
        let targets = client.guarded_for(url, opts.allow_private_addresses).await;
        let Ok(c) = &targets else {
            return (targets, None);
        };
        let early_checks = async {
            if let Some((cache, header, answers)) = early {
                servers::check_issuers_early(c, cache, candidates, header, answers, spec).await;
            }
        };
        let (garbage, ()) = futures::join!(c.send(SHAPES[0].request(url, Some(GARBAGE_TOKEN))), early_checks);
        (targets, Some(garbage))
    };
    let (first, speculative, (targets, garbage)) = futures::join!(post, fetches, guarded);
    (first, speculative, targets, garbage)
}

/// The challenge's `resource_metadata` URL in a 401, as the walk reads it.
fn challenge_prm_url(resp: &Response) -> Option<Url> {
    if resp.status != 401 {
        return None;
    }
    let challenges = challenge::parse_all(&resp.header_values("www-authenticate"));
    Url::parse(challenges.find("Bearer")?.param("resource_metadata")?).ok()
}

/// `rs-https`: the MCP endpoint's transport.
fn https_check(rs: &mut Checks, url: &Url) {
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
                sanitize::line(url.as_str())
            ),
        ),
    }
}

/// Says when the walk may connect to private addresses (the SSRF guard is off, or open for one origin).
fn private_note(rs: &mut Checks, client: &HttpClient) {
    let note = match client.private_allowed() {
        PrivateAccess::Nowhere => return,
        PrivateAccess::Everywhere => {
            "--allow-private-addresses: every URL the server names may be fetched from a private address".to_owned()
        }
        PrivateAccess::Loopback => "the MCP server is on loopback (local development): URLs it names may be loopback addresses too; other private addresses are refused (--allow-private-addresses lifts this)".to_owned(),
        PrivateAccess::Origin(origin) => format!(
            "{} is a private address: private addresses are allowed for that origin only; every other URL the server names must be public (--allow-private-addresses lifts this)",
            sanitize::line(&origin)
        ),
    };
    rs.info(&RS_HTTPS, note);
}

/// The error and headline for an MCP endpoint that answered the unauthenticated request with a 5xx.
fn server_error(resp: &Response) -> (ErrorInfo, String) {
    let url = sanitize::redact_url(&resp.url);
    let message = format!(
        "HTTP {} to the request without a token: the server errored; nothing about its authorization could be learned",
        resp.status
    );
    let headline = format!(
        "Could not evaluate the MCP server at {}: {message}",
        sanitize::line(&url)
    );
    let error = ErrorInfo {
        kind: "http-status",
        message: format!("{}: {message}", sanitize::line(&url)),
        url: Some(url),
    };
    (error, headline)
}

/// The outcome of a walk that stopped at the resource server: `error`, the checks so far, and `headline`.
fn stop(
    mut out: ProbeOutcome,
    rs: Checks,
    subject: &str,
    strict: bool,
    error: ErrorInfo,
    headline: String,
) -> ProbeOutcome {
    out.error = Some(error);
    // The walk stopped here: whatever its checks say, this link does not work.
    let mut stopped = link("resource-server", subject, rs.into_results(), strict);
    stopped.ok = false;
    out.chain.push(stopped);
    out.headline = headline;
    out
}

/// `rs-unauthenticated-401` and the challenge checks on the answer the request-shape negotiation settled
/// on (`Err`: a cross-origin redirect); records the accepted revision and the challenges in `out`.
fn unauthenticated(
    rs: &mut Checks,
    resp: Result<Response, FetchError>,
    shape: RequestShape,
    out: &mut ProbeOutcome,
) -> rules::ChallengeFacts {
    match resp {
        Ok(resp) => {
            if resp.status != 400 {
                out.protocol_revision = Some(shape.revision);
            }
            first_response(rs, &resp, shape, &out.request_shapes);
            let www = resp.header_values("www-authenticate");
            out.challenges = challenge::parse_all(&www);
            rules::evaluate_unauthenticated(rs, resp.status, &out.challenges, www.len())
        }
        Err(e) => {
            rs.violated(
                &RS_UNAUTHENTICATED_401,
                format!(
                    "{}: MCP clients need a 401 from the endpoint itself, not a redirect to a login page.",
                    sanitize::line(&e.to_string())
                ),
            );
            rules::skip_challenge(rs, "the POST was redirected to another origin: no challenge to inspect");
            rules::ChallengeFacts::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The typed members serialize exactly as the `json!` literals they replaced (the JSON contract).
    #[test]
    fn typed_members_keep_the_json_shape() {
        let attempt = PrmAttempt {
            url: "https://x/.well-known/oauth-protected-resource/mcp".into(),
            via: FoundVia::PathWellKnown,
            status: Some(404),
            error: None,
        };
        let missing = ResourceMetadata {
            tried: vec![attempt.clone()],
            served_by: None,
            found_via: None,
            client_url: None,
            document: None,
        };
        assert_eq!(
            serde_json::to_string(&missing).unwrap(),
            json!({"tried": [attempt.clone()], "served_by": null, "client_url": null}).to_string()
        );
        let mut doc = Map::new();
        doc.insert("resource".into(), json!("https://x/mcp"));
        let served = ResourceMetadata {
            served_by: Some("https://x/prm".into()),
            found_via: Some(FoundVia::Header),
            client_url: Some("https://x/prm".into()),
            document: Some(doc.clone()),
            ..missing
        };
        assert_eq!(
            serde_json::to_string(&served).unwrap(),
            json!({"tried": [attempt], "served_by": "https://x/prm", "found_via": FoundVia::Header,
                   "client_url": "https://x/prm", "document": Value::Object(doc)})
            .to_string()
        );
        let base = "https://x";
        let fallback = AuthorizationServer {
            issuer: base.into(),
            metadata_url: None,
            discovery: provider::Discovery {
                tried: Vec::new(),
                chosen: None,
            },
            default_endpoints: Some(DefaultEndpoints {
                authorization_endpoint: format!("{base}/authorize"),
                token_endpoint: format!("{base}/token"),
                registration_endpoint: format!("{base}/register"),
            }),
        };
        assert_eq!(
            serde_json::to_string(&fallback).unwrap(),
            json!({"issuer": base, "metadata_url": null, "discovery": {"tried": [], "chosen": null},
                   "default_endpoints": {"authorization_endpoint": "https://x/authorize",
                   "token_endpoint": "https://x/token", "registration_endpoint": "https://x/register"}})
            .to_string()
        );
        for via in [
            FoundVia::Header,
            FoundVia::PathWellKnown,
            FoundVia::RootWellKnown,
            FoundVia::Generated,
        ] {
            assert_eq!(json!(via), json!(via.as_str()));
        }
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
}
