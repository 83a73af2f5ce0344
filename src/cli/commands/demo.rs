//! `mcp-auth demo`: runs the tool's evaluations against embedded servers on 127.0.0.1, so that a first run
//! needs no network and no account. The demo is a list of [`Step`]s; each starts the servers it needs,
//! runs one command's evaluation through the same library code as the real command, and returns its report.
//! Add a step by writing a `fn(&Context) -> StepFuture` and listing it in [`steps`].

use crate::cli::args::{DemoArgs, OutputFormat};
use crate::cli::commands::check_provider::fill;
use crate::cli::context::Context;
use crate::discovery::ProviderType;
use crate::error::Error;
use crate::provider::{self, Source};
use crate::render::{self, Style};
use crate::report::{Report, Status};
use crate::server::auth::{AuthServer, Flaw};
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

/// The demo, in order. verify-token and probe steps go here as those commands land.
pub fn steps() -> Vec<Step> {
    vec![
        Step {
            title: "check-provider against a spec-compliant authorization server",
            broken: false,
            expect_fail: &[],
            run: provider_good,
        },
        Step {
            title: "check-provider against a misconfigured authorization server (plain-only PKCE, issuer with a trailing slash, private key in the JWKS)",
            broken: true,
            expect_fail: &["as-issuer-matches", "as-pkce-s256", "as-jwks-valid"],
            run: provider_broken,
        },
    ]
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
    fill(&mut report, outcome);
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

pub async fn demo(args: DemoArgs, ctx: &Context) -> anyhow::Result<u8> {
    if ctx.output == OutputFormat::Junit {
        return Err(Error::Usage("demo prints human or JSON output (--json), not JUnit".into()).into());
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
    let code = if ok {
        0
    } else if ran.iter().any(|r| r.report.error.is_some()) {
        3
    } else {
        1
    };
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
            "expected: PASS".to_owned()
        } else {
            format!("expected to FAIL on {}", r.step.expect_fail.join(", "))
        };
        out.push_str(&format!(
            "== Step {}/{total}: {} ({expectation})\n== Same as: mcp-auth {} {}\n",
            i + 1,
            r.step.title,
            r.report.command,
            r.report.target
        ));
        if ctx.quiet {
            out.push_str(&render::verdict_line(&r.report));
            out.push('\n');
        } else {
            out.push_str(&render::human(
                &r.report,
                Style {
                    color: ctx.color,
                    width: terminal_width(),
                },
            ));
        }
        let outcome = if r.as_expected {
            "as expected"
        } else {
            "NOT as expected"
        };
        out.push_str(&format!("== Step {}/{total}: {outcome}\n\n", i + 1));
    }
    let verdict = match (ok, broken) {
        (true, false) => {
            "Demo OK: the compliant server passed. Run `mcp-auth demo --broken` to see failures, and `mcp-auth explain <check-id>` for any check."
        }
        (true, true) => {
            "Demo OK: the compliant server passed and the broken one failed exactly where it was broken. `mcp-auth explain as-pkce-s256` says how to fix a finding."
        }
        (false, _) => "Demo FAILED: a step did not behave as expected (see above).",
    };
    out.push_str(verdict);
    out.push('\n');
    out
}

fn terminal_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(120)
}
