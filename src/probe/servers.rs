//! The authorization servers a PRM lists (and, under 2025-03-26, the MCP server's origin).

use super::prm::PrmLink;
use super::{AuthorizationServer, DefaultEndpoints, ProbeOutcome, link};
use crate::catalogue::*;
use crate::discovery;
use crate::http::HttpClient;
use crate::issuer_cache::IssuerCache;
use crate::provider::{self, ProviderOutcome, Source};
use crate::report::{ChainLink, Checks, verdict};
use crate::sanitize;
use crate::spec::SpecRevision;
use serde_json::{Map, Value};
use url::Url;

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

/// How many of a PRM's `authorization_servers` are fetched. Real servers list one or two; a hostile
/// document (up to the 1 MiB body cap) could list tens of thousands, each costing several requests at once.
pub const MAX_AUTHORIZATION_SERVERS: usize = 16;

/// The warning for a PRM listing more than [`MAX_AUTHORIZATION_SERVERS`].
pub fn too_many_servers(listed: usize) -> String {
    format!(
        "authorization_servers lists {listed} servers; only the first {MAX_AUTHORIZATION_SERVERS} are fetched and checked (a bound against hostile documents). MCP clients pick one server: list the ones clients should use."
    )
}

/// Checks an authorization server the PRM lists (once per run with a `cache`). `None`: not a URL (reported
/// elsewhere); `Err`: refused as a private address (from a public MCP server), a broken PRM entry rather
/// than an unreachable server.
pub(super) async fn check_issuer(
    client: &HttpClient,
    issuer: &str,
    spec: SpecRevision,
    cache: Option<&IssuerCache>,
) -> Option<Result<ProviderOutcome, String>> {
    Url::parse(issuer).ok()?;
    let source = Source::Discover(discovery::ProviderType::Auto);
    let outcome = match cache {
        Some(cache) => cache.check(client, issuer, &source, spec).await,
        None => provider::check(client, issuer, &source, spec).await,
    };
    Some(match &outcome.error {
        Some(e) if e.kind == crate::error::PRIVATE_ADDRESS => Err(e.message.clone()),
        _ => Ok(outcome),
    })
}

/// Records a checked authorization server: its discovery in `authorization_servers`, the first error, and
/// (when `trust_keys`) its key set for verifying `--token`.
pub(super) fn record_server(
    out: &mut ProbeOutcome,
    key_sets: &mut Vec<(String, Option<Value>)>,
    issuer: &str,
    outcome: &ProviderOutcome,
    trust_keys: bool,
) {
    out.authorization_servers.push(AuthorizationServer {
        issuer: issuer.to_owned(),
        metadata_url: outcome.metadata_url.clone(),
        discovery: outcome.discovery(),
        default_endpoints: None,
    });
    if out.error.is_none() {
        out.error = outcome.error.clone();
    }
    if trust_keys {
        key_sets.push((issuer.to_owned(), outcome.jwks.clone()));
    }
}

/// The 2025-03-26 links of the authorization base URL `base` (the MCP server's origin): its metadata and
/// key set when served, else one `as-default-endpoints-fallback` fact when every candidate answered 4xx.
/// A 5xx, a network error or a broken document stays a failure: clients stop there.
pub(super) fn origin_links(
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
        out.authorization_servers.push(AuthorizationServer {
            issuer: base.to_owned(),
            metadata_url: None,
            discovery: outcome.discovery(),
            default_endpoints: Some(DefaultEndpoints {
                authorization_endpoint: format!("{base}/authorize"),
                token_endpoint: format!("{base}/token"),
                registration_endpoint: format!("{base}/register"),
            }),
        });
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

/// The PRM's `authorization_servers`, at most [`MAX_AUTHORIZATION_SERVERS`]; notes on the PRM link the
/// bound, and each server on another origin than the MCP server at `url`.
pub(super) fn listed_issuers(doc: &Map<String, Value>, url: &Url, prm: &mut Checks) -> Vec<String> {
    let (issuers, listed) = issuers_in(doc);
    if listed > MAX_AUTHORIZATION_SERVERS {
        prm.warn(&PRM_AUTHORIZATION_SERVERS_ARE_ISSUERS, too_many_servers(listed));
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
    issuers
}

/// The first [`MAX_AUTHORIZATION_SERVERS`] issuers `doc` lists, and how many it lists.
fn issuers_in(doc: &Map<String, Value>) -> (Vec<String>, usize) {
    let mut issuers: Vec<String> = crate::metadata::Document(doc)
        .str_array("authorization_servers")
        .present()
        .unwrap_or_default()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let listed = issuers.len();
    issuers.truncate(MAX_AUTHORIZATION_SERVERS);
    (issuers, listed)
}

/// Scan: checks, into the issuer `cache`, the authorization servers listed by the PRM that the challenge's
/// `resource_metadata` URL (`header`) served when that URL is one of the well-known `candidates` (each
/// candidate's answer arrives on `answers`), as soon as it arrives: the rest of round 1 is still in flight
/// and the walk's own checks find them in the cache. These are the servers the walk checks itself (its
/// PRM is the one the header URL served); no answer on a channel means there is nothing to start early.
pub(super) async fn check_issuers_early(
    client: &HttpClient,
    cache: &IssuerCache,
    candidates: &[Url],
    header: tokio::sync::oneshot::Receiver<Url>,
    mut answers: Vec<tokio::sync::oneshot::Receiver<crate::http::Response>>,
    spec: SpecRevision,
) {
    let Ok(header) = header.await else { return };
    let Some(at) = candidates.iter().position(|c| *c == header) else {
        return;
    };
    let Ok(resp) = answers.swap_remove(at).await else {
        return;
    };
    let Ok(doc) = super::prm::prm_document(&resp) else {
        return;
    };
    let (issuers, _) = issuers_in(&doc);
    futures::future::join_all(issuers.iter().map(|i| check_issuer(client, i, spec, Some(cache)))).await;
}

/// The issuers `--token` may come from, and their key sets (`None`: not fetched).
pub(super) type Trusted = (Vec<String>, Vec<(String, Option<Value>)>);

/// Appends the chain after the resource server: under 2025-03-26 the `origin` (the authorization base
/// URL and its check) first, then the PRM link (with the listed servers refused as private addresses),
/// then each listed server's links from `as_results`. Returns the trusted issuers and their key sets.
pub(super) fn server_links(
    out: &mut ProbeOutcome,
    prm: PrmLink,
    issuers: &[String],
    as_results: Vec<Option<Result<ProviderOutcome, String>>>,
    origin: Option<(&str, ProviderOutcome)>,
    spec: SpecRevision,
    strict: bool,
) -> Trusted {
    let mut prm_link_checks = prm.checks.into_results();
    let mut as_links = Vec::new();
    let mut key_sets: Vec<(String, Option<Value>)> = Vec::new();
    // Rule: under 2025-03-26 missing origin metadata is never a failure (clients then use the default
    // endpoints, reported as information and not exercised), and PRM with its authorization servers is
    // still checked as in later revisions, so a normal 2025-06-18+ server passes.
    let mut trusted = issuers.to_vec();
    let base = origin.as_ref().map(|(b, _)| b.to_string());
    let origin_links = match origin {
        Some((b, outcome)) => {
            let links = origin_links(b, outcome, &prm.doc, out, &mut key_sets, spec, strict);
            if !trusted.iter().any(|i| i == b) && key_sets.iter().any(|(i, _)| i == b) {
                trusted.push(b.to_owned());
            }
            links
        }
        None => Vec::new(),
    };
    for (issuer, result) in issuers.iter().zip(as_results) {
        match result {
            // Already checked at the origin (2025-03-26: the MCP server is its own authorization server).
            _ if base.as_ref() == Some(issuer) => {}
            None => {} // not a URL: prm-authorization-servers-are-issuers already failed
            Some(Err(why)) => {
                let mut c = Checks::new(spec, Some(prm.url.clone()));
                c.violated(&PRM_AUTHORIZATION_SERVERS_ARE_ISSUERS, why);
                prm_link_checks.extend(c.into_results());
            }
            Some(Ok(outcome)) => {
                record_server(out, &mut key_sets, issuer, &outcome, true);
                as_links.extend(provider_links(&outcome, strict));
            }
        }
    }
    // 2025-03-26 clients go from the MCP server to its origin's metadata; PRM follows for newer clients.
    out.chain.extend(origin_links);
    out.chain
        .push(link("protected-resource-metadata", &prm.url, prm_link_checks, strict));
    out.chain.extend(as_links);
    (trusted, key_sets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_issuers_are_bounded_and_other_origins_noted() {
        let url = Url::parse("https://mcp.example/mcp").unwrap();
        let mut servers: Vec<String> = (0..20).map(|i| format!("https://as{i}.example")).collect();
        servers.insert(0, "https://mcp.example/tenant".into());
        let mut doc = Map::new();
        doc.insert("authorization_servers".into(), json!(servers));
        let mut prm = Checks::new(SpecRevision::LATEST, None);
        let issuers = listed_issuers(&doc, &url, &mut prm);
        assert_eq!(issuers, servers[..MAX_AUTHORIZATION_SERVERS]);
        let results = prm.into_results();
        assert_eq!(results[0].status, crate::report::Status::Warn);
        assert!(
            results[0].message.contains("only the first 16"),
            "{}",
            results[0].message
        );
        // One note per listed server on another origin; the same-origin one gets none.
        assert_eq!(results.len(), 1 + MAX_AUTHORIZATION_SERVERS - 1);
        assert!(listed_issuers(&Map::new(), &url, &mut Checks::new(SpecRevision::LATEST, None)).is_empty());
    }
    use serde_json::json;

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
        let client = rt.block_on(client.guarded_for(&mcp, false)).unwrap();

        let refused = rt.block_on(check_issuer(&client, &issuer, SpecRevision::LATEST, None));
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
}
