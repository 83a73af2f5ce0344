//! `mcp-auth check-provider <ISSUER>`.

use crate::cli::args::CheckProviderArgs;
use crate::cli::context::Context;
use crate::cli::printer::emit;
use crate::discovery::{DocKind, ProviderType};
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::provider::{self, Source};
use crate::report::Report;

pub async fn check_provider(args: CheckProviderArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    let issuer = args.issuer.clone();
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
        Some(u) => Source::Url(url::Url::parse(u)?),
        None => Source::Discover(args.provider_type),
    };
    let client = ctx.client()?;
    let spinner = ctx.spinner(&format!("discovering {issuer}"));
    let outcome = provider::check(&client, &issuer, &source, ctx.spec).await;
    spinner.finish_and_clear();
    crate::outcomes::provider(&mut report, outcome);
    emit(ctx, &report)
}
