//! `mcp-auth demo`: embedded servers only, a passing and (with --broken) a failing run.

use crate::support::{Report, cmd, run_human};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Demo {
    command: String,
    ok: bool,
    steps: Vec<Report>,
}

fn demo(args: &[&str], exit: i32) -> Demo {
    let out = cmd().arg("demo").args(args).arg("--json").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(exit),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not one demo document ({e}): {stdout}"))
}

#[test]
fn demo_json_runs_the_compliant_chain_and_passes() {
    let d = demo(&[], 0);
    assert_eq!(d.command, "demo");
    assert!(d.ok);
    let commands: Vec<&str> = d.steps.iter().map(|s| s.command.as_str()).collect();
    assert_eq!(
        commands,
        ["check-provider", "gen-metadata", "verify-token", "probe", "login"]
    );
    assert_eq!(d.steps[4].status("cl-refresh"), "pass");
    assert!(d.steps.iter().all(|s| s.ok && s.failed().is_empty()), "{:#?}", d.steps);
    // The token came from the embedded AS's token endpoint and verified against its JWKS.
    assert_eq!(d.steps[2].status("jwt-signature-valid"), "pass");
    // probe walked the whole chain, including the token itself.
    let links: Vec<&str> = d.steps[3]
        .chain
        .as_ref()
        .unwrap()
        .iter()
        .map(|l| l.link.as_str())
        .collect();
    assert_eq!(links.first(), Some(&"resource-server"));
    assert_eq!(links.last(), Some(&"access-token"));
    let step = &d.steps[0];
    assert_eq!(step.command, "check-provider");
    assert!(step.ok && step.failed().is_empty());
    assert!(step.target.starts_with("http://127.0.0.1:"), "{}", step.target);
    assert_eq!(step.status("as-jwks-valid"), "pass");
    assert_eq!(step.expected.as_ref().unwrap()["met"], true);
}

#[test]
fn demo_broken_shows_the_expected_failures_and_exits_0() {
    let d = demo(&["--broken"], 0);
    assert!(d.ok);
    assert_eq!(d.steps.len(), 10);
    assert!(d.steps[..5].iter().all(|s| s.ok));
    assert!(
        d.steps[5..]
            .iter()
            .all(|s| !s.ok && s.expected.as_ref().unwrap()["met"] == true)
    );
    assert_eq!(d.steps[6].failed(), ["jwt-aud-contains-resource"]);
    let mut probe_failed = d.steps[7].failed();
    probe_failed.sort_unstable();
    probe_failed.dedup();
    assert_eq!(
        probe_failed,
        [
            "prm-resource-matches",
            "rs-invalid-token-401",
            "rs-wrong-audience-rejected"
        ]
    );
    assert_eq!(d.steps[3].status("rs-wrong-audience-rejected"), "pass");
    let mut login_failed = d.steps[8].failed();
    login_failed.sort_unstable();
    login_failed.dedup();
    assert_eq!(
        login_failed,
        ["cl-mcp-call", "cl-token-audience", "jwt-aud-contains-resource"]
    );
    // The login failures step: one link per broken server, each naming its check.
    let failures = &d.steps[9];
    let runs: Vec<(&str, bool)> = failures
        .chain
        .as_ref()
        .unwrap()
        .iter()
        .map(|l| (l.link.as_str(), l.ok))
        .collect();
    assert_eq!(
        runs,
        [
            ("no-registration-endpoint", true),
            ("redirect-uri-mismatch", false),
            ("resource-rejected", false),
            ("step-up-as-401", false)
        ]
    );
    assert_eq!(failures.status("cl-registration"), "warn");
    let mut failed = failures.failed();
    failed.sort_unstable();
    assert_eq!(
        failed,
        [
            "cl-authorization-response",
            "cl-mcp-call",
            "cl-redirect-uri-registered",
            "cl-resource-parameter"
        ]
    );
    assert!(failures.message("cl-resource-parameter").contains("AADSTS9010010"));
    let broken = &d.steps[5];
    assert!(!broken.ok);
    let mut failed = broken.failed();
    failed.sort_unstable();
    assert_eq!(failed, ["as-issuer-matches", "as-jwks-valid", "as-pkce-s256"]);
    assert!(broken.message("as-issuer-matches").contains("trailing slash"));
    let expected = broken.expected.as_ref().unwrap();
    assert_eq!(expected["met"], true);
    assert_eq!(expected["fail"].as_array().unwrap().len(), 3);
}

#[test]
fn demo_human_output_tells_a_newcomer_what_happened() {
    let text = run_human(
        {
            let mut c = cmd();
            c.env("COLUMNS", "1000").args(["demo", "--broken"]);
            c
        },
        0,
    );
    assert!(
        text.contains("== Step 1/10: check-provider against a spec-compliant authorization server"),
        "{text}"
    );
    assert!(
        text.contains("== Same as: mcp-auth check-provider http://127.0.0.1:"),
        "{text}"
    );
    assert!(
        text.contains("expected to fail on as-issuer-matches, as-pkce-s256, as-jwks-valid): as expected"),
        "{text}"
    );
    assert!(
        text.contains("✗ 3 problems: ") && text.contains("✓ ready for MCP clients"),
        "{text}"
    );
    assert!(text.contains("First broken link: the MCP server"), "{text}");
    assert!(
        text.contains("== Same as: mcp-auth verify-token \"$TOKEN\" --resource http://127.0.0.1:"),
        "{text}"
    );
    assert!(text.contains("Demo OK"), "{text}");
    let quiet = run_human(
        {
            let mut c = cmd();
            c.args(["demo", "-q"]);
            c
        },
        0,
    );
    assert!(
        quiet.contains("✓ ready for MCP clients") && !quiet.contains("fix:"),
        "{quiet}"
    );
}

#[test]
fn demo_refuses_junit() {
    let text = run_human(
        {
            let mut c = cmd();
            c.args(["demo", "--output", "junit"]);
            c
        },
        2,
    );
    assert!(text.contains("human or JSON output (--json) only"), "{text}");
}

#[test]
fn demo_json_on_a_terminal_is_one_document_and_no_spinner() {
    let out = cmd()
        .env("MCP_AUTH_TEST_TTY", "1")
        .args(["demo", "--broken", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut stream = serde_json::Deserializer::from_str(&stdout).into_iter::<serde_json::Value>();
    assert_eq!(stream.next().unwrap().unwrap()["command"], "demo");
    assert!(stream.next().is_none(), "{stdout}");
}
