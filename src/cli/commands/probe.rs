//! `mcp-auth probe <MCP_SERVER_URL>`: walk the discovery chain and name the first broken link.

use crate::cli::args::ProbeArgs;
use crate::cli::context::Context;
use crate::cli::printer::emit;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::probe::{self, ProbeOptions};
use url::Url;

pub async fn probe(args: ProbeArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    // Validated by clap (`input::http_url`).
    let url = Url::parse(&args.url)?;
    let token = match args.token {
        Some(t) if t.expose() == "-" => Some(super::verify_token::read_token(Some(t), "probe")?),
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
        allow_private_addresses: ctx.http.allow_private,
        allow_insecure_token: args.allow_insecure_token,
        leeway: args.check.leeway,
        algorithms: crate::verify::parse_algorithms(&args.check.algorithms).map_err(|e| Error::Usage(e.to_string()))?,
        strict: ctx.strict,
        issuer_cache: None,
    };
    let client = ctx.client()?;
    let spinner = ctx.spinner(&format!("probing {url}"));
    let outcome = probe::probe(&client, &url, &opts, ctx.spec).await;
    spinner.finish_and_clear();

    let report = crate::outcomes::probe(outcome, &url, ctx.spec, ctx.strict);
    emit(ctx, &report)
}
