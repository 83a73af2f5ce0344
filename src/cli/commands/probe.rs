//! `mcp-auth probe <MCP_SERVER_URL>`: walk the discovery chain and name the first broken link.

use crate::cli::args::ProbeArgs;
use crate::cli::context::Context;
use crate::cli::printer::emit;
use crate::error::Error;
use crate::probe::{self, ProbeOptions, ProbeOutcome};
use crate::report::{Report, Section};
use crate::spec::SpecRevision;
use url::Url;

pub async fn probe(args: ProbeArgs, ctx: &Context) -> anyhow::Result<u8> {
    let url = Url::parse(&args.url).map_err(|e| {
        Error::Usage(format!(
            "MCP_SERVER_URL \"{}\" is not a URL ({e}); pass the MCP endpoint, e.g. https://mcp.example.com/mcp",
            crate::cli::input::shown(&args.url)
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Usage(format!("MCP_SERVER_URL must be http or https, not {}", url.scheme())).into());
    }
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
