//! `mcp-auth login <MCP_SERVER_URL>`: obtain a token as an MCP client does, every step a check.

use crate::cli::args::{GrantArg, LoginArgs, LoginFlags, RegistrationArg};
use crate::cli::context::Context;
use crate::cli::printer::{emit, emit_stderr};
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::login::{self, Browser, GrantKind, LoginOptions, LoginOutcome, RegistrationMode};
use crate::report::{Report, Section};
use crate::spec::SpecRevision;
use std::io::Write;
use std::time::Duration;
use url::Url;

/// `--no-browser`: the CLI prints the URL the library hands it, on stderr (stdout is the report's).
fn manual() -> Browser {
    Browser::Manual(std::sync::Arc::new(|url: &str| {
        eprintln!(
            "mcp-auth: open this URL to authorize, then wait here or paste the URL you were redirected to:\n{url}"
        );
    }))
}

/// How the authorization URL reaches a user agent; an error when there is none and the wait could
/// never end.
fn browser(args: &LoginFlags, ctx: &Context) -> Result<Browser, Error> {
    if args.no_browser {
        return Ok(manual());
    }
    if let Some(b) = &ctx.browser {
        return Ok(Browser::Command(b.clone()));
    }
    if ctx.stdin_tty && ctx.stderr_tty {
        return Ok(Browser::System);
    }
    if args.grant == GrantArg::ClientCredentials {
        return Ok(manual());
    }
    Err(Error::Usage(
        "no terminal and no BROWSER: the authorization could never complete. Set BROWSER to a command that opens a URL, pass --no-browser and paste the redirect URL on stdin, or use --grant client-credentials".into(),
    ))
}

/// Reads `--client-key`.
fn client_key(path: &std::path::Path) -> Result<login::assertion::ClientKey, Error> {
    let pem =
        std::fs::read_to_string(path).map_err(|e| Error::Usage(format!("--client-key {}: {e}", path.display())))?;
    login::assertion::ClientKey::from_pem(&pem)
        .map_err(|e| Error::Usage(format!("--client-key {}: {e}", path.display())))
}

/// The library's options from the shared login flags and the scopes to request (`login` and `probe --login`).
pub fn options(args: &LoginFlags, scope: Option<String>, ctx: &Context) -> Result<LoginOptions, Error> {
    let call_args = match &args.call_args {
        Some(j) => serde_json::from_str(j).map_err(|e| Error::Usage(format!("--call-args is not JSON ({e})")))?,
        None => serde_json::json!({}),
    };
    Ok(LoginOptions {
        client_id: args.client_id.clone(),
        client_secret: args.client_secret.clone(),
        client_key: args.client_key.as_deref().map(client_key).transpose()?,
        client_metadata_url: args.client_metadata_url.clone(),
        registration: match args.registration {
            RegistrationArg::Auto => RegistrationMode::Auto,
            RegistrationArg::PreRegistered => RegistrationMode::PreRegistered,
            RegistrationArg::Cimd => RegistrationMode::Cimd,
            RegistrationArg::Dcr => RegistrationMode::Dcr,
        },
        grant: match args.grant {
            GrantArg::AuthorizationCode => GrantKind::AuthorizationCode,
            GrantArg::ClientCredentials => GrantKind::ClientCredentials,
        },
        callback_port: args.callback_port,
        browser: browser(args, ctx)?,
        timeout: Duration::from_secs(args.login_timeout),
        no_resource: args.no_resource,
        scope,
        call: args.call.clone().map(|t| (t, call_args)),
        test_refresh: args.test_refresh,
        audit: args.audit,
    })
}

pub async fn login(args: LoginArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    // Validated at parse time (`input::http_url`).
    let url = Url::parse(&args.url).map_err(|e| Error::Usage(format!("MCP_SERVER_URL: {e}")))?;
    let opts = options(&args.flags, args.scope.clone(), ctx)?;
    let client = ctx.client()?;
    let spinner = ctx.spinner(&format!("logging in to {url}"));
    let outcome = login::login(&client, &url, &opts, ctx.spec).await;
    spinner.finish_and_clear();
    let token = outcome.token.clone();
    let report = report(outcome, &url, ctx.spec, ctx.strict);
    if !args.print_token {
        return emit(ctx, &report);
    }
    let code = emit_stderr(ctx, &report)?;
    if let (Some(t), ExitStatus::Ok) = (token, code) {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", t.expose())?;
        out.flush()?;
    }
    Ok(code)
}

/// The login's report: the links walked, a summary table, the JSON members.
pub fn report(outcome: LoginOutcome, url: &Url, spec: SpecRevision, strict: bool) -> Report {
    let mut report = Report::new("login", url.as_str(), spec, strict);
    let mut facts = Section::new("Login", &["step", "value"]);
    for (k, v) in &outcome.facts {
        let shown = match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        facts.row(vec![k.clone(), crate::sanitize::line(&shown).into_owned()]);
    }
    report.sections.push(facts);
    report.checks = outcome.checks();
    report.headline = Some(
        match (
            report.checks.iter().find(|c| crate::report::is_failure(c, strict)),
            &outcome.error,
        ) {
            (_, Some(e)) => format!("login could not complete: {}", e.message),
            (Some(c), None) => format!("login failed at {}: {}", c.id, c.message),
            (None, None) => {
                "logged in: the token was issued, is bound to the resource, and the MCP server accepts it".into()
            }
        },
    );
    for (k, v) in outcome.facts {
        report.set(&k, v);
    }
    report.chain = Some(outcome.chain);
    report.error = outcome.error;
    report
}
