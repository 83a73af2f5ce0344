//! `check-provider` as a library operation: discover the metadata concurrently, pick the winner by
//! spec priority, evaluate it, fetch and validate the JWKS. `probe` and `gen-metadata --verify` reuse it.

use crate::catalogue::*;
use crate::discovery::{self, Candidate, DocKind, ProviderType};
use crate::error::{Error, FetchError};
use crate::http::{HttpClient, Redirect, Response, Transport, transport};
use crate::report::{CheckResult, Checks, ErrorInfo};
use crate::rules::{self, provider::DocContext};
use crate::sanitize;
use crate::spec::SpecRevision;
use serde::Serialize;
use serde_json::{Map, Value};
use url::Url;

/// Where the metadata comes from.
#[derive(Clone, Debug)]
pub enum Source {
    /// Discover from the issuer (the §1.1 candidates, filtered by `--type`).
    Discover(ProviderType),
    /// One explicit URL (`--metadata-url`); the document kind is guessed from the path.
    Url(Url),
}

/// One discovery attempt, as reported in `discovery.tried`.
#[derive(Clone, Debug, Serialize)]
pub struct Attempt {
    pub url: String,
    pub kind: DocKind,
    /// HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// Why no usable response arrived, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Redirect>,
    pub chosen: bool,
}

/// The result of checking one authorization server.
#[derive(Clone, Debug)]
pub struct ProviderOutcome {
    pub issuer: String,
    pub attempts: Vec<Attempt>,
    /// The chosen metadata URL and document.
    pub metadata_url: Option<String>,
    pub metadata: Option<Value>,
    pub jwks_uri: Option<String>,
    /// Checks on the metadata (subject: the metadata URL).
    pub checks: Vec<CheckResult>,
    /// `as-jwks-valid` (subject: the jwks_uri), empty when there is no jwks_uri.
    pub jwks_checks: Vec<CheckResult>,
    /// The key set, when it was fetched and parsed.
    pub jwks: Option<Value>,
    /// Set when discovery could not complete (exit 3).
    pub error: Option<ErrorInfo>,
}

/// The `discovery` member of a report: every metadata URL tried, and the one chosen.
#[derive(Clone, Debug, Serialize)]
pub struct Discovery {
    pub tried: Vec<Attempt>,
    pub chosen: Option<String>,
}

impl ProviderOutcome {
    /// The `discovery` member of the JSON report.
    pub fn discovery(&self) -> Discovery {
        Discovery {
            tried: self.attempts.clone(),
            chosen: self.metadata_url.clone(),
        }
    }
}

struct Fetched {
    candidate: Candidate,
    result: Result<Response, FetchError>,
}

fn kind_of_url(url: &Url) -> DocKind {
    if url.path().contains("openid-configuration") {
        DocKind::Oidc
    } else {
        DocKind::Oauth
    }
}

/// Discovers and checks the authorization server `issuer`.
pub async fn check(client: &HttpClient, issuer: &str, source: &Source, spec: SpecRevision) -> ProviderOutcome {
    let mut outcome = ProviderOutcome {
        issuer: issuer.to_owned(),
        attempts: Vec::new(),
        metadata_url: None,
        metadata: None,
        jwks_uri: None,
        checks: Vec::new(),
        jwks_checks: Vec::new(),
        jwks: None,
        error: None,
    };
    let issuer_url = match Url::parse(issuer) {
        Ok(u) => u,
        Err(e) => {
            outcome.error = Some(Error::Usage(format!("{issuer}: not a URL ({e})")).to_info());
            return outcome;
        }
    };
    let candidates = match source {
        Source::Discover(kind) => discovery::as_candidates(&issuer_url, *kind, spec),
        Source::Url(url) => vec![Candidate {
            url: url.clone(),
            kind: kind_of_url(url),
        }],
    };
    // Every candidate at once: the wall time is one round trip whatever the number of candidates.
    let fetched: Vec<Fetched> = futures::future::join_all(candidates.into_iter().map(|candidate| async move {
        let result = client.get(&candidate.url).await;
        Fetched { candidate, result }
    }))
    .await;

    let mut checks = Checks::new(spec, None);
    let mut found = Classified::default();
    for (i, f) in fetched.iter().enumerate() {
        found.add(i, f);
    }
    outcome.attempts = std::mem::take(&mut found.attempts);
    for (url, to) in &found.cross_origin {
        checks.set_subject(Some(url.clone()));
        checks.violated(
            &AS_METADATA_STATUS_200,
            format!(
                "{url} redirects to another origin ({}); mcp-auth does not follow cross-origin redirects and clients that do end up trusting a document the issuer's origin did not serve. Serve the metadata at this URL with 200.",
                sanitize::line(to)
            ),
        );
    }
    checks.set_subject(None);
    let Some((index, doc, resp)) = found.winner else {
        no_metadata(&mut outcome, checks, &fetched, found.first_error);
        return outcome;
    };

    let kind = fetched[index].candidate.kind;
    fetch_checks(&mut checks, &fetched, index, &found.blockers, source, resp);
    rules::provider::evaluate(
        &mut checks,
        &doc,
        DocContext {
            expected_issuer: issuer,
            kind,
        },
    );
    consistency(&mut checks, kind, &doc, &found.other_docs);

    outcome.metadata_url = Some(resp.url.to_string());
    outcome.jwks_uri = doc.get("jwks_uri").and_then(Value::as_str).map(str::to_owned);
    outcome.metadata = Some(Value::Object(doc));
    outcome.checks = checks.into_results();
    if let Some(jwks_uri) = outcome.jwks_uri.clone() {
        // The server named this URL: it goes through the SSRF guard (only the issuer's own origin may be
        // private). Within a probe the client is already guarded and stays as it is.
        let guarded = match client.guarded_for(&issuer_url, false).await {
            Ok(c) => c,
            Err(e) => {
                outcome.error = Some(e.to_info());
                return outcome;
            }
        };
        let (checks, jwks) = check_jwks(&guarded, &jwks_uri, spec).await;
        outcome.jwks_checks = checks;
        outcome.jwks = jwks;
    }
    outcome
}

/// What the discovery candidates answered, in the order clients try them.
#[derive(Default)]
struct Classified<'a> {
    attempts: Vec<Attempt>,
    /// Earlier candidates that stop SDK clients.
    blockers: Vec<String>,
    /// The first candidate serving a JSON object: its index, the document and the response.
    winner: Option<(usize, Map<String, Value>, &'a Response)>,
    /// Later documents, for the OAuth/OIDC consistency check.
    other_docs: Vec<(DocKind, Map<String, Value>)>,
    first_error: Option<ErrorInfo>,
    /// (URL, where it redirects) for every cross-origin redirect.
    cross_origin: Vec<(String, String)>,
}

impl<'a> Classified<'a> {
    /// Records the answer of candidate `i`.
    fn add(&mut self, i: usize, f: &'a Fetched) {
        let url = f.candidate.url.to_string();
        let mut attempt = Attempt {
            url: url.clone(),
            kind: f.candidate.kind,
            status: None,
            error: None,
            redirects: vec![],
            chosen: false,
        };
        match &f.result {
            Err(FetchError::CrossOriginRedirect { to, .. }) => {
                // Reported and not followed: a finding on this URL, not a reason to stop the run.
                attempt.error = Some(format!(
                    "redirects to another origin ({}); not followed",
                    sanitize::line(to)
                ));
                self.cross_origin.push((url.clone(), to.clone()));
                if self.winner.is_none() {
                    self.blockers
                        .push(format!("{url} redirects to another origin ({})", sanitize::line(to)));
                }
            }
            Err(e) => {
                attempt.error = Some(sanitize::line(&e.to_string()).into_owned());
                if self.winner.is_none() {
                    // SDK clients stop at a candidate that fails outright, as they stop at a 5xx.
                    self.blockers.push(sanitize::line(&e.to_string()).into_owned());
                }
                self.first_error.get_or_insert_with(|| e.to_info());
            }
            Ok(resp) => {
                attempt.status = Some(resp.status);
                attempt.redirects = resp.redirects.clone();
                self.answered(i, f.candidate.kind, &url, resp, &mut attempt);
            }
        }
        self.attempts.push(attempt);
    }

    /// Records a response of candidate `i` at `url`.
    fn answered(&mut self, i: usize, kind: DocKind, url: &str, resp: &'a Response, attempt: &mut Attempt) {
        let parsed = if resp.status == 200 { Some(resp.json()) } else { None };
        match parsed {
            Some(Ok(Value::Object(map))) => {
                if self.winner.is_none() {
                    attempt.chosen = true;
                    self.winner = Some((i, map, resp));
                } else {
                    self.other_docs.push((kind, map));
                }
            }
            Some(Ok(other)) => {
                attempt.error = Some(format!(
                    "the body is {}, not a JSON object",
                    crate::metadata::type_name(&other)
                ));
                if self.winner.is_none() {
                    self.blockers
                        .push(format!("{url} answered 200 with a JSON value that is not an object"));
                }
                self.first_error.get_or_insert(ErrorInfo {
                    kind: "not-json",
                    message: format!("{url}: the body is not a JSON object"),
                    url: Some(url.to_owned()),
                });
            }
            Some(Err(why)) => {
                attempt.error = Some(sanitize::line(&why).into_owned());
                if self.winner.is_none() {
                    self.blockers.push(format!("{url} answered 200 but {why}"));
                }
                self.first_error.get_or_insert(ErrorInfo {
                    kind: "not-json",
                    message: sanitize::line(&format!("{url}: {why}")).into_owned(),
                    url: Some(url.to_owned()),
                });
            }
            None if resp.status >= 500 => {
                if self.winner.is_none() {
                    self.blockers.push(format!("{url} answered {}", resp.status));
                }
                self.first_error.get_or_insert(ErrorInfo {
                    kind: "http-status",
                    message: format!("{url}: HTTP {} where metadata JSON was required", resp.status),
                    url: Some(url.to_owned()),
                });
            }
            None => {}
        }
    }
}

/// No candidate served a document: `as-discovery-url-order` fails when every one answered 4xx (or
/// redirected away), else discovery could not complete (the first error).
fn no_metadata(outcome: &mut ProviderOutcome, mut checks: Checks, fetched: &[Fetched], first_error: Option<ErrorInfo>) {
    let all_answered_4xx = fetched.iter().all(|f| match &f.result {
        Ok(r) => (400..500).contains(&r.status),
        Err(FetchError::CrossOriginRedirect { .. }) => true,
        Err(_) => false,
    });
    if all_answered_4xx {
        let tried: Vec<String> = outcome
            .attempts
            .iter()
            .map(|a| match (a.status, &a.error) {
                (Some(status), _) => format!("{} ({status})", a.url),
                (None, Some(why)) => format!("{} ({why})", a.url),
                (None, None) => a.url.clone(),
            })
            .collect();
        checks.violated(
            &AS_DISCOVERY_URL_ORDER,
            format!(
                "no metadata at any URL MCP clients try: {}. Serve RFC 8414 metadata at the first URL (or OIDC discovery at one of the others), and check the issuer is exact.",
                tried.join(", ")
            ),
        );
    } else {
        let answers: Vec<String> = outcome
            .attempts
            .iter()
            .map(|a| {
                format!(
                    "{} answered {}",
                    a.url,
                    a.status.map_or_else(|| "nothing".to_owned(), |s| s.to_string())
                )
            })
            .collect();
        outcome.error = first_error.or(Some(ErrorInfo {
            kind: "no-metadata",
            message: format!(
                "{}: no metadata document could be fetched ({})",
                outcome.issuer,
                answers.join("; ")
            ),
            url: None,
        }));
    }
    outcome.checks = checks.into_results();
}

/// The checks on how the chosen document (candidate `index`, answered by `resp`) was found and served:
/// `as-discovery-url-order`, `as-metadata-status-200`, `as-metadata-json` and TLS.
fn fetch_checks(
    checks: &mut Checks,
    fetched: &[Fetched],
    index: usize,
    blockers: &[String],
    source: &Source,
    resp: &Response,
) {
    let chosen_url = fetched[index].candidate.url.to_string();
    checks.set_subject(Some(chosen_url.clone()));
    if blockers.is_empty() {
        let msg = if index == 0 {
            format!("metadata found at the first URL clients try: {chosen_url}")
        } else {
            format!(
                "metadata found at candidate {} of {}: {chosen_url} (earlier ones answered 4xx, which clients skip)",
                index + 1,
                fetched.len()
            )
        };
        checks.pass(&AS_DISCOVERY_URL_ORDER, msg);
    } else {
        checks.violated(
            &AS_DISCOVERY_URL_ORDER,
            format!(
                "{}; MCP SDK clients stop there and never reach {chosen_url}. Make the earlier URL answer 404 (or serve the metadata there).",
                blockers.join("; ")
            ),
        );
    }
    if matches!(source, Source::Url(_)) {
        checks.info(
            &AS_DISCOVERY_URL_ORDER,
            "--metadata-url given: the discovery order was not exercised",
        );
    }
    let redirect_note = if resp.redirects.is_empty() {
        String::new()
    } else {
        let hops: Vec<String> = resp
            .redirects
            .iter()
            .map(|r| format!("{} {} → {}", r.status, r.from, r.to))
            .collect();
        format!(
            " after {} redirect(s): {}; clients that do not follow redirects will miss it",
            hops.len(),
            hops.join(", ")
        )
    };
    if redirect_note.is_empty() {
        checks.pass(&AS_METADATA_STATUS_200, "200 OK");
    } else {
        checks.warn(&AS_METADATA_STATUS_200, format!("200 OK{redirect_note}"));
    }
    checks.check(
        &AS_METADATA_JSON,
        resp.is_json_media_type(),
        "a JSON object served as application/json",
        format!(
            "the body is a JSON object but Content-Type is {}; serve it as application/json.",
            resp.media_type()
                .map_or_else(|| "missing".to_owned(), |m| format!("\"{}\"", sanitize::line(&m)))
        ),
    );
    tls_check(checks, &resp.url);
}

fn consistency(checks: &mut Checks, kind: DocKind, doc: &Map<String, Value>, others: &[(DocKind, Map<String, Value>)]) {
    match others.iter().find(|(k, _)| *k != kind) {
        Some((_, other)) => {
            let (oauth, oidc) = if kind == DocKind::Oauth {
                (doc, other)
            } else {
                (other, doc)
            };
            rules::provider::consistency(checks, oauth, oidc);
        }
        None => checks.skip(&AS_METADATA_CONSISTENT, "only one kind of metadata document answered"),
    }
}

fn tls_check(checks: &mut Checks, url: &Url) {
    match transport(url) {
        Transport::Https => checks.pass(&AS_TLS_VERIFIED, "the certificate verified"),
        _ => checks.skip(&AS_TLS_VERIFIED, "not https: no certificate to verify"),
    }
}

/// Fetches and validates a key set (`as-jwks-valid`). Unreachable is a failed check, not an error:
/// the provider answered, its key set is what is broken.
pub async fn check_jwks(client: &HttpClient, jwks_uri: &str, spec: SpecRevision) -> (Vec<CheckResult>, Option<Value>) {
    let mut checks = Checks::new(spec, Some(jwks_uri.to_owned()));
    let url = match Url::parse(jwks_uri) {
        Ok(u) => u,
        Err(e) => {
            checks.violated(
                &AS_JWKS_VALID,
                format!("jwks_uri is not a URL ({e}); the MCP server cannot fetch keys."),
            );
            return (checks.into_results(), None);
        }
    };
    let resp = match client.get(&url).await {
        Ok(r) => r,
        Err(e) => {
            checks.violated(
                &AS_JWKS_VALID,
                format!(
                    "{}; the MCP server cannot fetch the keys to verify tokens.",
                    sanitize::line(&e.to_string())
                ),
            );
            return (checks.into_results(), None);
        }
    };
    if resp.status != 200 {
        checks.violated(
            &AS_JWKS_VALID,
            format!("jwks_uri answered HTTP {}; serve the key set with 200.", resp.status),
        );
        return (checks.into_results(), None);
    }
    let value = match resp.json() {
        Ok(v) => v,
        Err(why) => {
            checks.violated(
                &AS_JWKS_VALID,
                format!(
                    "jwks_uri: {}; serve {{\"keys\": [...]}} as application/json.",
                    sanitize::line(&why)
                ),
            );
            return (checks.into_results(), None);
        }
    };
    match rules::jwks::validate(&value) {
        Ok(n) => checks.pass(
            &AS_JWKS_VALID,
            format!("{n} public signing key(s), no private key material"),
        ),
        Err(why) => checks.violated(&AS_JWKS_VALID, format!("the key set is unusable: {why}.")),
    }
    (checks.into_results(), Some(value))
}

/// Checks an offline document (`--metadata-file`): network checks are skipped.
pub fn check_document(doc: &Value, issuer: &str, kind: DocKind, spec: SpecRevision, subject: &str) -> Vec<CheckResult> {
    let mut checks = Checks::new(spec, Some(subject.to_owned()));
    for def in [
        &AS_DISCOVERY_URL_ORDER,
        &AS_METADATA_STATUS_200,
        &AS_TLS_VERIFIED,
        &AS_METADATA_CONSISTENT,
    ] {
        checks.skip(def, "offline document: needs the network");
    }
    match doc {
        Value::Object(map) => {
            checks.pass(&AS_METADATA_JSON, "a JSON object (Content-Type not known offline)");
            rules::provider::evaluate(
                &mut checks,
                map,
                DocContext {
                    expected_issuer: issuer,
                    kind,
                },
            );
        }
        other => checks.violated(
            &AS_METADATA_JSON,
            format!(
                "the document is {}, not a JSON object.",
                crate::metadata::type_name(other)
            ),
        ),
    }
    checks.skip(&AS_JWKS_VALID, "offline document: the key set was not fetched");
    checks.into_results()
}
