//! `mcp-auth probe <MCP_SERVER_URL>`: walk the discovery chain and name the first broken link.

use crate::cli::args::ProbeArgs;
use crate::cli::context::Context;
use crate::cli::printer::emit;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::probe::{self, ProbeOptions, ProbeOutcome};
use crate::report::{Report, Section};
use crate::spec::SpecRevision;
use url::Url;

pub async fn probe(args: ProbeArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    // Validated by clap (`input::http_url`).
    let url = Url::parse(&args.url)?;
    let token = match args.token {
        Some(t) if t.expose().is_empty() => return Err(Error::Usage("--token is empty".into()).into()),
        other => other,
    };
    let foreign_token = match args.foreign_token {
        Some(t) if t.expose().is_empty() => return Err(Error::Usage("--foreign-token is empty".into()).into()),
        other => other,
    };
    let opts = ProbeOptions {
        token,
        foreign_token,
        scopes: args.scopes,
        allow_private_addresses: args.allow_private_addresses,
        strict: ctx.strict,
    };
    let client = ctx.client()?;
    let spinner = ctx.spinner(&format!("probing {url}"));
    let outcome = probe::probe(&client, &url, &opts, ctx.spec).await;
    spinner.finish_and_clear();

    let report = report(outcome, &url, ctx.spec, ctx.strict);
    emit(ctx, &report)
}

/// The probe's report: the chain, the request shapes and PRM attempts as tables, the JSON members.
pub fn report(outcome: ProbeOutcome, url: &Url, spec: SpecRevision, strict: bool) -> Report {
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
    if let Some(tried) = outcome.resource_metadata.get("tried").and_then(|t| t.as_array()) {
        let mut prm = Section::new("Protected resource metadata", &["url", "via", "status", "result"]);
        let served = outcome.resource_metadata.get("served_by").and_then(|v| v.as_str());
        let client_url = outcome.resource_metadata.get("client_url").and_then(|v| v.as_str());
        for a in tried {
            let u = a["url"].as_str().unwrap_or("");
            let mut result = Vec::new();
            if Some(u) == served {
                result.push("served".to_owned());
            }
            if Some(u) == client_url {
                result.push("clients use this".to_owned());
            }
            if let Some(e) = a["error"].as_str() {
                result.push(e.to_owned());
            }
            prm.row(vec![
                u.to_owned(),
                a["via"].as_str().unwrap_or("").to_owned(),
                a["status"].as_u64().map_or_else(|| "-".into(), |s| s.to_string()),
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
