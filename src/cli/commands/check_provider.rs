//! `mcp-auth check-provider <ISSUER>`.

use crate::cli::args::CheckProviderArgs;
use crate::cli::context::Context;
use crate::cli::input::http_url;
use crate::cli::printer::emit;
use crate::discovery::{DocKind, ProviderType};
use crate::error::Error;
use crate::provider::{self, ProviderOutcome, Source};
use crate::report::{Report, Section};

pub async fn check_provider(args: CheckProviderArgs, ctx: &Context) -> anyhow::Result<u8> {
    let issuer = args.issuer.clone();
    http_url("ISSUER", &issuer)?;
    let mut report = Report::new("check-provider", &issuer, ctx.spec, ctx.strict);
    if let Some(path) = &args.metadata_file {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        let doc: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| Error::Usage(format!("{}: not JSON ({e})", path.display())))?;
        // `--type` says which kind of document the file is; without it, the file name decides.
        let kind = match args.provider_type {
            ProviderType::Oidc => DocKind::Oidc,
            ProviderType::Oauth => DocKind::Oauth,
            ProviderType::Auto if path.to_string_lossy().contains("openid") => DocKind::Oidc,
            ProviderType::Auto => DocKind::Oauth,
        };
        report.checks = provider::check_document(&doc, &issuer, kind, ctx.spec, &path.display().to_string());
        report.set("metadata", &doc);
        return emit(ctx, &report);
    }
    let source = match &args.metadata_url {
        Some(u) => Source::Url(http_url("--metadata-url", u)?),
        None => Source::Discover(args.provider_type),
    };
    let client = ctx.client()?;
    let spinner = ctx.spinner(&format!("discovering {issuer}"));
    let outcome = provider::check(&client, &issuer, &source, ctx.spec).await;
    spinner.finish_and_clear();
    fill(&mut report, outcome);
    emit(ctx, &report)
}

/// Moves a provider outcome into a report: checks, discovery and metadata members, human sections.
pub fn fill(report: &mut Report, outcome: ProviderOutcome) {
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
