//! `mcp-auth demo`: runs the tool's evaluations against embedded servers on 127.0.0.1, so that a first run
//! needs no network and no account. The demo is a list of [`Step`]s; each starts the servers it needs,
//! runs one command's evaluation through the same library code as the real command, and returns its report.
//! Add a step by writing a `fn(&Context) -> StepFuture` and listing it in [`steps`].

use crate::cli::args::{DemoArgs, OutputFormat};
use crate::cli::context::Context;
use crate::cli::printer;
use crate::discovery::ProviderType;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::http::Request;
use crate::jwt::SecretToken;
use crate::probe::ProbeOptions;
use crate::provider::{self, Source};
use crate::render;
use crate::report::{Report, Status};
use crate::resource_metadata::{self, PrmInput};
use crate::server::auth::{AuthServer, Flaw};
use crate::server::mcp::{McpFlaw, McpServer};
use crate::verify::{self, VerifyOptions};
use futures::future::BoxFuture;
use serde_json::json;
use std::collections::BTreeSet;
use std::io::Write;

/// What a step's future yields.
pub type StepFuture<'a> = BoxFuture<'a, anyhow::Result<Report>>;

/// One demo step.
pub struct Step {
    /// One line saying what is being shown.
    pub title: &'static str,
    /// Shown only with `--broken`.
    pub broken: bool,
    /// The check ids that must fail for the step to behave as intended (empty: the step must pass).
    pub expect_fail: &'static [&'static str],
    pub run: for<'a> fn(&'a Context) -> StepFuture<'a>,
}

/// The demo, in order: the compliant chain first, then (with `--broken`) the same commands on broken servers.
pub fn steps() -> Vec<Step> {
    vec![
        Step {
            title: "check-provider against a spec-compliant authorization server",
            broken: false,
            expect_fail: &[],
            run: provider_good,
        },
        Step {
            title: "gen-metadata for an MCP server protected by that authorization server",
            broken: false,
            expect_fail: &[],
            run: gen_metadata_good,
        },
        Step {
            title: "verify-token on a token the authorization server issued for the MCP server (client_credentials + RFC 8707 resource)",
            broken: false,
            expect_fail: &[],
            run: verify_good,
        },
        Step {
            title: "probe --token: walk the MCP server's chain as a client would, and try the token, forged copies and a token for another resource",
            broken: false,
            expect_fail: &[],
            run: probe_good,
        },
        Step {
            title: "login: register (RFC 7591), authorize with PKCE, exchange with RFC 8707 resource, call the MCP server, refresh",
            broken: false,
            expect_fail: &[],
            run: login_good,
        },
        Step {
            title: "check-provider against a misconfigured authorization server (plain-only PKCE, issuer with a trailing slash, private key in the JWKS)",
            broken: true,
            expect_fail: &["as-issuer-matches", "as-pkce-s256", "as-jwks-valid"],
            run: provider_broken,
        },
        Step {
            title: "verify-token on a token issued for another resource",
            broken: true,
            expect_fail: &["jwt-aud-contains-resource"],
            run: verify_broken,
        },
        Step {
            title: "probe --token against a misconfigured MCP server (metadata names another resource, forged and foreign tokens accepted)",
            broken: true,
            expect_fail: BROKEN_MCP_FAILS,
            run: probe_broken,
        },
        Step {
            title: "login against an authorization server whose tokens are not bound to the resource (fixed aud)",
            broken: true,
            expect_fail: &["cl-token-audience", "jwt-aud-contains-resource", "cl-mcp-call"],
            run: login_broken,
        },
        Step {
            title: "login against four more broken servers (no registration endpoint, redirect URI rewritten at registration, resource rejected, step-up answered 401); only their findings are shown",
            broken: true,
            expect_fail: LOGIN_FAILURES_FAIL,
            run: login_failures,
        },
    ]
}

/// What the login failures step must find (no registration endpoint is a warning: the flow cannot start).
const LOGIN_FAILURES_FAIL: &[&str] = &[
    "cl-redirect-uri-registered",
    "cl-resource-parameter",
    "cl-authorization-response",
    "cl-mcp-call",
];

/// The flaws of the broken MCP server step, and what the probe must find.
pub const BROKEN_MCP: [McpFlaw; 2] = [McpFlaw::ResourceMismatch, McpFlaw::AcceptsForgedTokens];
const BROKEN_MCP_FAILS: &[&str] = &[
    "prm-resource-matches",
    "rs-invalid-token-401",
    "rs-wrong-audience-rejected",
];

/// A compliant authorization server and an MCP server it protects.
fn start_chain(mcp_flaws: &[McpFlaw]) -> anyhow::Result<(AuthServer, McpServer)> {
    let auth = AuthServer::builder()
        .issuer_path("/tenant1")
        .start()
        .map_err(|e| anyhow::anyhow!("could not start the embedded authorization server on 127.0.0.1: {e}"))?;
    let mcp = McpServer::builder()
        .protected_by(&auth)
        .flaws(mcp_flaws.iter().cloned())
        .start()
        .map_err(|e| anyhow::anyhow!("could not start the embedded MCP server on 127.0.0.1: {e}"))?;
    Ok((auth, mcp))
}

/// Asks the authorization server's token endpoint for a token for `resource`, as an MCP client would.
async fn obtain_token(ctx: &Context, auth: &AuthServer, resource: &str) -> anyhow::Result<SecretToken> {
    let client = ctx.client()?;
    let url = url::Url::parse(&format!("{}/token", auth.issuer()))?;
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("resource", resource)
        .append_pair("scope", "mcp:read mcp:write")
        .finish();
    let mut req = Request::get(url).header("content-type", "application/x-www-form-urlencoded");
    req.method = reqwest::Method::POST;
    req.body = Some(body.into_bytes());
    let resp = client.send(req).await?;
    let value = resp
        .json()
        .map_err(|why| anyhow::anyhow!("the embedded token endpoint: {why}"))?;
    let token = value["access_token"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("the embedded token endpoint issued no access_token"))?;
    Ok(SecretToken::new(token))
}

fn gen_metadata_good(ctx: &Context) -> StepFuture<'_> {
    Box::pin(async move {
        let (auth, mcp) = start_chain(&[])?;
        let input = PrmInput {
            resource: mcp.url().to_owned(),
            authorization_servers: vec![auth.issuer().to_owned()],
            scopes: vec!["mcp:read".into(), "mcp:write".into()],
            bearer_methods: Vec::new(),
            resource_name: Some("mcp-auth demo server".into()),
            resource_documentation: None,
            jwks_uri: None,
        };
        let generated = resource_metadata::generate(&input, ctx.spec)?;
        Ok(crate::outcomes::generated(&generated, None, ctx.spec, false))
    })
}

/// What the demo's verify steps check a token against: the embedded issuer, the resource, `mcp:read`.
fn verify_options(resource: &str, issuer: &str, ctx: &Context) -> VerifyOptions {
    VerifyOptions {
        spec: ctx.spec,
        strict: ctx.strict,
        ..VerifyOptions::new(resource).issuer(issuer).scope("mcp:read")
    }
}

/// Verifies `token` for the embedded MCP server through the library operation `verify-token` uses.
async fn verify_embedded(
    ctx: &Context,
    auth: &AuthServer,
    mcp: &McpServer,
    token: &SecretToken,
) -> anyhow::Result<Report> {
    let client = ctx.client()?;
    Ok(verify::report(&client, &verify_options(mcp.url(), auth.issuer(), ctx), token).await?)
}

fn verify_good(ctx: &Context) -> StepFuture<'_> {
    Box::pin(async move {
        let (auth, mcp) = start_chain(&[])?;
        let token = obtain_token(ctx, &auth, mcp.url()).await?;
        verify_embedded(ctx, &auth, &mcp, &token).await
    })
}

fn verify_broken(ctx: &Context) -> StepFuture<'_> {
    Box::pin(async move {
        let (auth, mcp) = start_chain(&[])?;
        let token = obtain_token(ctx, &auth, "https://other-resource.example/mcp").await?;
        verify_embedded(ctx, &auth, &mcp, &token).await
    })
}

fn probe_good(ctx: &Context) -> StepFuture<'_> {
    Box::pin(probe_embedded(ctx, &[]))
}

fn probe_broken(ctx: &Context) -> StepFuture<'_> {
    Box::pin(probe_embedded(ctx, &BROKEN_MCP))
}

fn login_good(ctx: &Context) -> StepFuture<'_> {
    Box::pin(login_embedded(ctx, &[]))
}

fn login_broken(ctx: &Context) -> StepFuture<'_> {
    Box::pin(login_embedded(ctx, &[Flaw::TokenNotBoundToResource]))
}

/// `login --test-refresh` against an authorization server with `flaws`; the embedded server approves at
/// once, so the library's headless user agent follows its redirect to the callback.
async fn login_embedded(ctx: &Context, flaws: &[Flaw]) -> anyhow::Result<Report> {
    let (_auth, _mcp, url, outcome) = login_once(ctx, flaws, |m| m, true).await?;
    Ok(crate::cli::commands::login::report(outcome, &url, ctx.spec, false))
}

/// Starts an authorization server with `flaws` and an MCP server (`mcp` adjusts its builder), and logs in.
async fn login_once(
    ctx: &Context,
    flaws: &[Flaw],
    mcp: impl FnOnce(crate::server::mcp::McpServerBuilder) -> crate::server::mcp::McpServerBuilder,
    test_refresh: bool,
) -> anyhow::Result<(AuthServer, McpServer, url::Url, crate::login::LoginOutcome)> {
    let auth = AuthServer::builder()
        .issuer_path("/tenant1")
        .flaws(flaws.iter().cloned())
        .start()
        .map_err(|e| anyhow::anyhow!("could not start the embedded authorization server on 127.0.0.1: {e}"))?;
    let mcp = mcp(McpServer::builder().protected_by(&auth))
        .start()
        .map_err(|e| anyhow::anyhow!("could not start the embedded MCP server on 127.0.0.1: {e}"))?;
    let opts = crate::login::LoginOptions {
        client_id: None,
        client_secret: None,
        client_key: None,
        client_metadata_url: None,
        registration: crate::login::RegistrationMode::Auto,
        grant: crate::login::GrantKind::AuthorizationCode,
        callback_port: None,
        browser: crate::login::Browser::Follow,
        timeout: std::time::Duration::from_secs(30),
        no_resource: false,
        scope: None,
        call: None,
        test_refresh,
        audit: false,
    };
    let url = url::Url::parse(mcp.url())?;
    let outcome = crate::login::login(&ctx.client()?, &url, &opts, ctx.spec).await;
    Ok((auth, mcp, url, outcome))
}

/// The login failures `demo --broken` shows in one step: one login per broken server, and only what each
/// found (its failures and warnings), as one link each.
fn login_failures(ctx: &Context) -> StepFuture<'_> {
    type Adjust = fn(crate::server::mcp::McpServerBuilder) -> crate::server::mcp::McpServerBuilder;
    let same: Adjust = |m| m;
    let step_up_as_401: Adjust = |m| {
        m.scopes(&["mcp:read"])
            .required_scope("mcp:admin")
            .flaw(McpFlaw::StepUpAs401)
    };
    let runs: [(&'static str, Vec<Flaw>, Adjust); 4] = [
        ("no-registration-endpoint", vec![Flaw::NoRegistration], same),
        ("redirect-uri-mismatch", vec![Flaw::RedirectUriMismatch], same),
        ("resource-rejected", vec![Flaw::RejectsResource], same),
        ("step-up-as-401", Vec::new(), step_up_as_401),
    ];
    Box::pin(async move {
        let mut report = Report::new("login", "", ctx.spec, false);
        let mut chain = Vec::new();
        for (name, flaws, adjust) in runs {
            let (_auth, _mcp, url, outcome) = login_once(ctx, &flaws, adjust, false).await?;
            if report.target.is_empty() {
                report.target = url.to_string();
            }
            let found: Vec<_> = outcome
                .checks()
                .into_iter()
                .filter(|c| matches!(c.status, Status::Fail | Status::Warn))
                .collect();
            report.checks.extend(found.iter().cloned());
            chain.push(crate::report::ChainLink {
                link: name,
                subject: url.to_string(),
                ok: !found.iter().any(|c| c.status == Status::Fail),
                checks: found,
            });
        }
        report.chain = Some(chain);
        report.headline = Some("login against four broken servers: what each run found".into());
        Ok(report)
    })
}

/// Runs the probe, with a token obtained from the embedded authorization server, on an MCP server with `flaws`.
async fn probe_embedded(ctx: &Context, flaws: &[McpFlaw]) -> anyhow::Result<Report> {
    let (auth, mcp) = start_chain(flaws)?;
    let token = obtain_token(ctx, &auth, mcp.url()).await?;
    // A valid token for another resource: the MCP server must refuse it (audience binding).
    let foreign = obtain_token(ctx, &auth, "https://other-resource.example/mcp").await?;
    let url = url::Url::parse(mcp.url())?;
    let opts = ProbeOptions {
        token: Some(token),
        foreign_token: Some(foreign),
        ..ProbeOptions::default()
    };
    let outcome = crate::probe::probe(&ctx.client()?, &url, &opts, ctx.spec).await;
    Ok(crate::outcomes::probe(outcome, &url, ctx.spec, false))
}

/// The flaws of the broken provider step.
pub const BROKEN_PROVIDER: [Flaw; 3] = [Flaw::PlainPkceOnly, Flaw::IssuerTrailingSlash, Flaw::JwksPrivateKey];

fn provider_good(ctx: &Context) -> StepFuture<'_> {
    Box::pin(check_embedded_provider(ctx, &[]))
}

fn provider_broken(ctx: &Context) -> StepFuture<'_> {
    Box::pin(check_embedded_provider(ctx, &BROKEN_PROVIDER))
}

/// Starts an embedded authorization server with `flaws` and runs the check-provider evaluation on it.
async fn check_embedded_provider(ctx: &Context, flaws: &[Flaw]) -> anyhow::Result<Report> {
    let server = AuthServer::builder()
        .issuer_path("/tenant1")
        .flaws(flaws.iter().cloned())
        .start()
        .map_err(|e| anyhow::anyhow!("could not start the embedded authorization server on 127.0.0.1: {e}"))?;
    let client = ctx.client()?;
    let issuer = server.issuer().to_owned();
    // The demo servers are loopback http, which always warns: --strict would fail the compliant run.
    let mut report = Report::new("check-provider", &issuer, ctx.spec, false);
    let source = Source::Discover(ProviderType::Auto);
    let outcome = provider::check(&client, &issuer, &source, ctx.spec).await;
    crate::outcomes::provider(&mut report, outcome);
    drop(server);
    Ok(report)
}

/// A step's result against its expectation.
struct Ran {
    step: Step,
    report: Report,
    as_expected: bool,
}

fn failed_ids(report: &Report) -> BTreeSet<&'static str> {
    report
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.id)
        .collect()
}

pub async fn demo(args: DemoArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    if !matches!(ctx.output, OutputFormat::Human | OutputFormat::Json) {
        return Err(Error::Usage("demo prints human or JSON output (--json) only".into()).into());
    }
    let mut ran: Vec<Ran> = Vec::new();
    for step in steps().into_iter().filter(|s| args.broken || !s.broken) {
        let spinner = ctx.spinner(step.title);
        let report = (step.run)(ctx).await?;
        spinner.finish_and_clear();
        let expected: BTreeSet<&str> = step.expect_fail.iter().copied().collect();
        let as_expected = report.error.is_none() && failed_ids(&report) == expected;
        ran.push(Ran {
            step,
            report,
            as_expected,
        });
    }
    let ok = ran.iter().all(|r| r.as_expected);
    // The steps are parts of one demonstration: the worst step decides.
    let code = ran
        .iter()
        .map(|r| match (r.report.error.is_some(), r.as_expected) {
            (true, _) => ExitStatus::Unavailable,
            (false, expected) => ExitStatus::from_ok(expected),
        })
        .fold(ExitStatus::Ok, ExitStatus::worst);
    let text = match ctx.output {
        OutputFormat::Json => {
            let steps: Vec<serde_json::Value> = ran.iter().map(step_json).collect();
            format!("{}\n", json!({"command": "demo", "ok": ok, "steps": steps}))
        }
        _ => human(&ran, ctx, args.broken, ok),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(code)
}

/// The step's report document, plus what the step expected (`expected.fail`) and whether it got it.
fn step_json(r: &Ran) -> serde_json::Value {
    let mut doc = render::json(&r.report);
    if let Some(map) = doc.as_object_mut() {
        map.insert(
            "expected".into(),
            json!({"title": r.step.title, "fail": r.step.expect_fail, "met": r.as_expected}),
        );
    }
    doc
}

fn human(ran: &[Ran], ctx: &Context, broken: bool, ok: bool) -> String {
    let mut out = String::new();
    let total = ran.len();
    for (i, r) in ran.iter().enumerate() {
        let expectation = if r.step.expect_fail.is_empty() {
            "expected to pass".to_owned()
        } else {
            format!("expected to fail on {}", r.step.expect_fail.join(", "))
        };
        let outcome = if r.as_expected {
            "as expected"
        } else {
            "NOT as expected"
        };
        out.push_str(&format!(
            "== Step {}/{total}: {} ({expectation}): {outcome}\n== Same as: {}\n",
            i + 1,
            r.step.title,
            same_as(&r.report)
        ));
        if ctx.quiet {
            out.push_str(&render::verdict_line(&r.report));
            out.push('\n');
        } else {
            let style = render::Style {
                compact: true,
                ..printer::style(ctx)
            };
            out.push_str(&render::human(&r.report, style));
        }
        out.push('\n');
    }
    let verdict = match (ok, broken) {
        (true, false) => {
            "Demo OK: the compliant authorization server, metadata, token and MCP server all passed. Run `mcp-auth demo --broken` to see failures, and `mcp-auth explain <check-id>` for any check."
        }
        (true, true) => {
            "Demo OK: the compliant chain passed and every broken server or token failed exactly where it was broken. `mcp-auth explain as-pkce-s256` says how to fix a finding."
        }
        (false, _) => "Demo FAILED: a step did not behave as expected (see above).",
    };
    out.push_str(verdict);
    out.push('\n');
    out
}

/// The command line that reproduces a step against the running servers (tokens shown as $TOKEN).
fn same_as(report: &Report) -> String {
    let target = &report.target;
    match report.command {
        "verify-token" => {
            let iss = report
                .extra
                .get("claims")
                .and_then(|c| c["iss"].as_str())
                .unwrap_or("ISSUER");
            format!("mcp-auth verify-token \"$TOKEN\" --resource {target} --issuer {iss}")
        }
        "gen-metadata" => format!("mcp-auth gen-metadata --resource {target} --authorization-server ISSUER"),
        "probe" => format!("mcp-auth probe {target} --token \"$TOKEN\" --foreign-token \"$OTHER_TOKEN\""),
        "login" => format!("BROWSER='curl -sSL -o /dev/null' mcp-auth login {target} --test-refresh"),
        command => format!("mcp-auth {command} {target}"),
    }
}
