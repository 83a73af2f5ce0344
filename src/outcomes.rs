//! Each library operation's outcome as a [`Report`]: its checks, its JSON members and its tables. The
//! commands and `demo` both build their reports here, so the demo shows exactly what the command prints.

use crate::probe::ProbeOutcome;
use crate::provider::ProviderOutcome;
use crate::report::{Report, Section};
use crate::resource_metadata::Generated;
use crate::spec::SpecRevision;
use std::path::Path;
use url::Url;

/// Moves a provider outcome into a report: checks, discovery and metadata members, human sections.
pub fn provider(report: &mut Report, outcome: ProviderOutcome) {
    let mut tried = Section::new("Discovery", &["url", "kind", "status", "result"]);
    for a in &outcome.attempts {
        let result = if a.chosen {
            "chosen".to_owned()
        } else {
            a.error.clone().unwrap_or_else(|| "-".into())
        };
        let status = a.status.map_or_else(|| "-".to_owned(), |s| s.to_string());
        tried.row(vec![
            a.url.clone(),
            format!("{:?}", a.kind).to_lowercase(),
            status,
            result,
        ]);
    }
    report.sections.push(tried);
    report.set("discovery", outcome.discovery());
    if let Some(m) = &outcome.metadata {
        report.set("metadata", m);
    }
    if let Some(j) = &outcome.jwks_uri {
        report.set("jwks_uri", j);
    }
    report.checks.extend(outcome.checks);
    report.checks.extend(outcome.jwks_checks);
    report.error = outcome.error;
}

/// The probe's report: the chain, the request shapes and PRM attempts as tables, the JSON members.
pub fn probe(outcome: ProbeOutcome, url: &Url, spec: SpecRevision, strict: bool) -> Report {
    let mut report = Report::new("probe", url.as_str(), spec, strict);
    let mut shapes = Section::new(
        "Request shapes (newest first)",
        &["revision", "method", "token", "status"],
    );
    for a in &outcome.request_shapes {
        let status = match (a.status, a.jsonrpc_error) {
            (Some(s), Some(code)) => format!("{s} (JSON-RPC {code})"),
            (Some(s), None) => s.to_string(),
            (None, _) => "-".into(),
        };
        let token = if a.with_token { "--token" } else { "none" };
        shapes.row(vec![
            a.shape.revision.into(),
            a.shape.method.into(),
            token.into(),
            status,
        ]);
    }
    report.sections.push(shapes);
    if let Some(rm) = &outcome.resource_metadata {
        let mut prm = Section::new("Protected resource metadata", &["url", "via", "status", "result"]);
        for a in &rm.tried {
            let mut result = Vec::new();
            if rm.served_by.as_ref() == Some(&a.url) {
                result.push("served".to_owned());
            }
            if rm.client_url.as_ref() == Some(&a.url) {
                result.push("clients use this".to_owned());
            }
            if let Some(e) = &a.error {
                result.push(e.clone());
            }
            prm.row(vec![
                a.url.clone(),
                a.via.as_str().to_owned(),
                a.status.map_or_else(|| "-".into(), |s| s.to_string()),
                if result.is_empty() {
                    "-".into()
                } else {
                    result.join("; ")
                },
            ]);
        }
        report.sections.push(prm);
    }
    report.checks = outcome.checks();
    report.headline = Some(outcome.headline.clone());
    report.set("protocol_revision", outcome.protocol_revision);
    report.set("request_shapes", &outcome.request_shapes);
    report.set("challenges", &outcome.challenges);
    report.set("resource_metadata", &outcome.resource_metadata);
    report.set("authorization_servers", &outcome.authorization_servers);
    report.chain = Some(outcome.chain);
    report.error = outcome.error;
    report
}

/// The report of a generated document: where to serve it, the 401 header, the PRM checks, JSON members.
pub fn generated(generated: &Generated, out: Option<&Path>, spec: SpecRevision, strict: bool) -> Report {
    let mut report = Report::new("gen-metadata", &generated.resource, spec, strict);
    let mut serve = Section::new("Serve it", &["what", "value"]);
    serve.row(vec![
        "document".into(),
        out.map_or_else(|| "stdout".to_owned(), |p| format!("written to {}", p.display())),
    ]);
    serve.row(vec![
        "serve at (GET, 200, application/json)".into(),
        generated.well_known_url.clone(),
    ]);
    serve.row(vec![
        "401 header".into(),
        format!("WWW-Authenticate: {}", generated.www_authenticate),
    ]);
    report.sections.push(serve);
    // One unwrapped line, so the URL and the header value can be copied from a terminal.
    report.headline = Some(format!(
        "Serve it at {} and answer 401s with: WWW-Authenticate: {}",
        generated.well_known_url, generated.www_authenticate
    ));
    report.checks = generated.checks.clone();
    report.set("document", &generated.document);
    report.set("well_known_url", &generated.well_known_url);
    report.set("www_authenticate", &generated.www_authenticate);

    report
}
