//! `mcp-auth probe <MCP_SERVER_URL>`: walk the discovery chain and name the first broken link.
//! With `--login`, log in first (the `login` flow, same flags) and probe with the token obtained.

use crate::cli::args::ProbeArgs;
use crate::cli::context::Context;
use crate::cli::printer::emit;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::jwt::SecretToken;
use crate::login::{self, LoginOutcome};
use crate::probe::{self, ProbeOptions};
use crate::report::Report;
use url::Url;

pub async fn probe(args: ProbeArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    // Validated by clap (`input::http_url`).
    let url = Url::parse(&args.url)?;
    let token = match args.token.clone() {
        Some(t) if t.expose() == "-" => Some(super::verify_token::read_token(Some(t), "probe")?),
        Some(t) if t.expose().is_empty() => return Err(Error::Usage("--token is empty".into()).into()),
        other => other,
    };
    let foreign_token = match args.foreign_token.clone() {
        Some(t) if t.expose().is_empty() => return Err(Error::Usage("--foreign-token is empty".into()).into()),
        other => other,
    };
    let client = ctx.client()?;
    let (token, login) = match (args.login, token) {
        (false, token) => (token, None),
        (true, Some(_)) => {
            return Err(
                Error::Usage("--login obtains the token: drop --token (or unset MCP_AUTH_TOKEN)".into()).into(),
            );
        }
        (true, None) => match log_in(&args, &url, &client, ctx).await? {
            Ok((token, outcome)) => (Some(token), Some(outcome)),
            Err(failed) => return emit(ctx, &failed),
        },
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
    let spinner = ctx.spinner(&format!("probing {url}"));
    let outcome = probe::probe(&client, &url, &opts, ctx.spec).await;
    spinner.finish_and_clear();

    let mut report = crate::outcomes::probe(outcome, &url, ctx.spec, ctx.strict);
    if let Some(login) = login {
        prepend_login(&mut report, login);
    }
    emit(ctx, &report)
}

/// `--login`: the token, or the login's own report when none was obtained.
async fn log_in(
    args: &ProbeArgs,
    url: &Url,
    client: &crate::http::HttpClient,
    ctx: &Context,
) -> Result<Result<(SecretToken, LoginOutcome), Report>, Error> {
    let scope = (!args.scopes.is_empty()).then(|| args.scopes.join(" "));
    let opts = super::login::options(&args.login_flags, scope, ctx)?;
    let spinner = ctx.spinner(&format!("logging in to {url}"));
    let outcome = login::login(client, url, &opts, ctx.spec).await;
    spinner.finish_and_clear();
    Ok(match outcome.token.clone() {
        Some(t) => Ok((t, outcome)),
        None => Err(super::login::report(outcome, url, ctx.spec, ctx.strict)),
    })
}

/// The login's links and checks go first in the probe's report, with its facts (registration, scope, ...)
/// where the probe has none of its own.
fn prepend_login(report: &mut Report, login: LoginOutcome) {
    let mut checks = login.checks();
    checks.append(&mut report.checks);
    report.checks = checks;
    let mut chain = login.chain;
    chain.append(report.chain.get_or_insert_with(Vec::new));
    report.chain = Some(chain);
    for (k, v) in login.facts {
        report.extra.entry(k).or_insert(v);
    }
}
