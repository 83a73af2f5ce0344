//! Locating the protected resource metadata the way clients do, and the checks on how it was found.

use super::{ProbeOutcome, ResourceMetadata, SHAPES};
use crate::catalogue::*;
use crate::challenge::{self};
use crate::discovery;
use crate::error::FetchError;
use crate::http::{HttpClient, Response, Transport, transport};
use crate::report::{Checks, Status};
use crate::rules::resource::{self as rules, FoundVia, PrmContext};
use crate::sanitize;
use crate::spec::SpecRevision;
use serde::Serialize;
use serde_json::{Map, Value};
use url::Url;

/// One PRM URL tried.
#[derive(Clone, Debug, Serialize)]
pub struct PrmAttempt {
    pub url: String,
    pub via: FoundVia,
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

pub(super) fn describe_fetch<E: std::fmt::Display>(r: &Result<Response, E>) -> (Option<u16>, Option<String>) {
    match r {
        Ok(resp) => (Some(resp.status), None),
        Err(e) => (None, Some(sanitize::line(&e.to_string()).into_owned())),
    }
}

/// A JSON object from a 200 response, or why not.
pub(super) fn prm_document(resp: &Response) -> Result<Map<String, Value>, String> {
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

/// The resource's protected resource metadata, found the way [`probe`](super::probe) finds it (the challenge's
/// `resource_metadata` URL, else the well-known URLs), for callers that need only the document
/// (`verify-token` without `--issuer`). Costs one round trip. Returns the URL that served it and the
/// document, or why none was found (the URLs tried and their answers).
/// Why [`fetch_prm`] has no document to offer.
#[derive(Clone, Debug)]
pub struct PrmError {
    /// `no-resource-metadata`, or the id of the check that rejected the document (`prm-resource-matches`).
    pub kind: &'static str,
    pub message: String,
}

/// RFC 9728 §3.3: a document whose `resource` is not the requested resource (as `prm-resource-present` and
/// `prm-resource-matches` judge it) must not be used at all; `Err` names the failed check.
fn resource_bound(doc: &Map<String, Value>, url: &Url, via: FoundVia, spec: SpecRevision) -> Result<(), PrmError> {
    let mut checks = Checks::new(spec, None);
    rules::evaluate_prm(
        &mut checks,
        doc,
        PrmContext {
            resource_url: url.as_str(),
            found_via: via,
        },
    );
    let bound = [&PRM_RESOURCE_PRESENT, &PRM_RESOURCE_MATCHES];
    match checks
        .into_results()
        .into_iter()
        .find(|c| c.status == Status::Fail && bound.iter().any(|d| d.id == c.id))
    {
        Some(c) => Err(PrmError {
            kind: c.id,
            message: sanitize::line(&format!("{}: {}", c.id, c.message)).into_owned(),
        }),
        None => Ok(()),
    }
}

pub async fn fetch_prm(
    client: &HttpClient,
    url: &Url,
    spec: SpecRevision,
) -> Result<(String, Map<String, Value>), PrmError> {
    let candidates = discovery::prm_candidates(url);
    let (first, speculative, targets) = futures::join!(
        client.send(SHAPES[0].request(url, None)),
        futures::future::join_all(candidates.iter().map(|u| client.get(u))),
        client.guarded_for(url, false)
    );
    let targets = targets.map_err(|e| PrmError {
        kind: "no-resource-metadata",
        message: e.to_string(),
    })?;
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
        Some((served_by, via, _, doc)) => {
            resource_bound(&doc, url, via, spec)?;
            Ok((served_by, doc))
        }
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
            Err(PrmError {
                kind: "no-resource-metadata",
                message: sanitize::line(&format!(
                    "no protected resource metadata for {url}: {}",
                    tried.join("; ")
                ))
                .into_owned(),
            })
        }
    }
}

/// How the document was found, for the discovery checks.
pub(super) struct DiscoveryFacts<'a> {
    pub(super) via: FoundVia,
    pub(super) wk_winner: Option<usize>,
    pub(super) header_failed: bool,
    pub(super) blockers: &'a [String],
    /// The path-suffixed (or, for an endpoint at the root, the root) well-known URL.
    pub(super) well_known: &'a Url,
}

/// The checks on how the document was found and fetched: `prm-well-known-url`, `prm-discovery-order`,
/// `prm-status-200-json`, `prm-tls-verified`.
pub(super) fn fetch_checks(prm: &mut Checks, f: &DiscoveryFacts<'_>, prm_url: &str, resp: &Response) {
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

/// A served document: its URL, how it was found, the response and the document.
pub(super) type Served = (String, FoundVia, Response, Map<String, Value>);

/// Where the protected resource metadata was looked for, and what served it.
pub(super) struct Located {
    pub(super) attempts: Vec<PrmAttempt>,
    /// URL, how it was found, the response and the document.
    pub(super) served: Option<Served>,
    /// The `resource_metadata` URL did not serve the document (clients stop there).
    pub(super) header_failed: bool,
    /// Earlier well-known candidates that answered something other than 404 or the document.
    pub(super) blockers: Vec<String>,
    /// Index of the first well-known candidate that served the document.
    pub(super) wk_winner: Option<usize>,
    /// The URL clients following the spec use.
    pub(super) client_url: Option<String>,
}

/// The `resource_metadata` URL `hu` of the challenge (from the speculative fetches when it is one of the
/// `candidates`): `rs-resource-metadata-url-valid`, the attempt, and what it served.
async fn header_prm(
    client: &HttpClient,
    url: &Url,
    candidates: &[Url],
    speculative: &[Result<Response, FetchError>],
    hu: &Url,
    rs: &mut Checks,
) -> (PrmAttempt, Option<Served>) {
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
            let attempt = PrmAttempt {
                url: hu.to_string(),
                via: FoundVia::Header,
                status,
                error,
            };
            (attempt, Some((hu.to_string(), FoundVia::Header, resp.clone(), m)))
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
            let attempt = PrmAttempt {
                url: hu.to_string(),
                via: FoundVia::Header,
                status,
                error: Some(why),
            };
            (attempt, None)
        }
    }
}

/// Follows the client's order: the `resource_metadata` URL, else the (already fetched) well-known
/// candidates. Also reads the candidates when the header URL exists, to diagnose and to report.
pub(super) async fn locate_prm(
    client: &HttpClient,
    url: &Url,
    candidates: &[Url],
    speculative: &[Result<Response, FetchError>],
    header_url: Option<&Url>,
    rs: &mut Checks,
) -> Located {
    let mut attempts: Vec<PrmAttempt> = Vec::new();
    let mut served: Option<Served> = None;
    let mut header_failed = false;
    if let Some(hu) = header_url {
        let (attempt, found) = header_prm(client, url, candidates, speculative, hu, rs).await;
        header_failed = found.is_none();
        served = found;
        attempts.push(attempt);
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

/// The protected-resource-metadata link as found: its subject URL, its checks so far and the document.
pub(super) struct PrmLink {
    pub(super) url: String,
    pub(super) checks: Checks,
    /// Empty when no document was found.
    pub(super) doc: Map<String, Value>,
}

/// The checks on where the document was found and on the document itself; records `resource_metadata`
/// in `out` (and, when no well-known candidate answered at all, the fetch error).
pub(super) fn prm_link(
    located: Located,
    url: &Url,
    candidates: &[Url],
    speculative: &[Result<Response, FetchError>],
    spec: SpecRevision,
    out: &mut ProbeOutcome,
) -> PrmLink {
    let Located {
        attempts,
        served,
        header_failed,
        blockers,
        wk_winner,
        client_url,
    } = located;
    let Some((prm_url, via, prm_resp, doc)) = served else {
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
        out.resource_metadata = Some(ResourceMetadata {
            tried: attempts,
            served_by: None,
            found_via: None,
            client_url,
            document: None,
        });
        if speculative.iter().all(|r| r.is_err())
            && let Some(Err(e)) = speculative.first()
        {
            out.error = Some(e.to_info());
        }
        return PrmLink {
            url: candidates[0].to_string(),
            checks: prm,
            doc: Map::new(),
        };
    };
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
    out.resource_metadata = Some(ResourceMetadata {
        tried: attempts,
        served_by: Some(prm_url.clone()),
        found_via: Some(via),
        client_url,
        document: Some(doc.clone()),
    });
    PrmLink {
        url: prm_url,
        checks: prm,
        doc,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::CheckResult;
    use serde_json::json;

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
        let client = rt.block_on(client.guarded_for(&mcp, false)).unwrap();
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
}
