//! The report formats people and CI read: the doctor-style human report (snapshots of every command at 80
//! and 120 columns and piped, the line budgets of issue 12, the terminal's own width through a real pty),
//! a quiet exit when the reader closes the pipe, GitHub workflow commands, SARIF checked against the
//! official 2.1.0 schema, JUnit.
//!
//! Snapshots live in tests/cli/snapshots; after a deliberate change to the output, re-bless them with
//! `INSTA_UPDATE=always cargo test --test cli outputs::` and review the diff.

use crate::support::{cmd, schema};
use mcp_auth::server::auth::AuthServer;
use mcp_auth::server::mcp::McpServer;
use serde_json::Value;
use std::process::Stdio;

/// How stdout is seen: a terminal of some width (the MCP_AUTH_TEST_TTY hook and COLUMNS), or a pipe.
#[derive(Clone, Copy, Debug)]
enum Layout {
    Tty(u16),
    Piped,
}

const LAYOUTS: [Layout; 3] = [Layout::Tty(80), Layout::Tty(120), Layout::Piped];

impl Layout {
    fn name(self) -> String {
        match self {
            Layout::Tty(w) => format!("{w}col"),
            Layout::Piped => "piped".into(),
        }
    }
}

/// Runs mcp-auth with `args` under `layout`; returns the exit code, stdout and stderr.
fn run(layout: Layout, args: &[&str]) -> (i32, String, String) {
    let mut c = cmd();
    if let Layout::Tty(w) = layout {
        c.env("MCP_AUTH_TEST_TTY", "1").env("COLUMNS", w.to_string());
    }
    let out = c.args(args).output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Replaces what changes from run to run: loopback ports and token hashes.
fn normalize(text: &str) -> String {
    let text = replace_run_after(text, "127.0.0.1:", |c| c.is_ascii_digit(), "PORT");
    let text = replace_run_after(&text, "… (", |c| c.is_ascii_digit(), "N");
    replace_run_after(&text, "sha256:", |c| c.is_ascii_hexdigit(), "HASH")
}

/// Every maximal run of characters matching `keep` right after `marker`, replaced by `with`.
fn replace_run_after(text: &str, marker: &str, keep: impl Fn(char) -> bool, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(marker) {
        let after = i + marker.len();
        out.push_str(&rest[..after]);
        let tail = &rest[after..];
        let run = tail.find(|c: char| !keep(c)).unwrap_or(tail.len());
        if run > 0 {
            out.push_str(with);
        }
        rest = &tail[run..];
    }
    out.push_str(rest);
    out
}

const ISSUER: &str = "https://auth.example.com/tenant1";

/// An offline metadata document that meets every MCP requirement, or (`pkce: false`) all but PKCE: it
/// lacks `code_challenge_methods_supported`.
fn metadata(pkce: bool) -> tempfile::NamedTempFile {
    let mut doc = crate::support::compliant_metadata(ISSUER);
    if !pkce {
        doc.as_object_mut().unwrap().remove("code_challenge_methods_supported");
    }
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), doc.to_string()).unwrap();
    f
}

/// `check-provider ISSUER --metadata-file FILE` and more arguments.
fn offline<'a>(file: &'a tempfile::NamedTempFile, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "check-provider",
        ISSUER,
        "--metadata-file",
        file.path().to_str().unwrap(),
    ];
    args.extend(more);
    args
}

/// A token with no time claims, so that its decoding never changes.
const TOKEN: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2F1dGguZXhhbXBsZS5jb20iLCJhdWQiOiJodHRwczovL21jcC5leGFtcGxlLmNvbS9tY3AiLCJzdWIiOiJ1c2VyLTEiLCJzY29wZSI6Im1jcDpyZWFkIn0.c2lnbmF0dXJlLW5vdC1jaGVja2Vk";

/// Every command's human output, for one layout: `(snapshot name, exit code, stdout + stderr)`.
fn every_command(layout: Layout) -> Vec<(&'static str, i32, String)> {
    let (nopkce, good) = (metadata(false), metadata(true));
    let a = AuthServer::builder().issuer_path("/tenant1").start().unwrap();
    let mcp = McpServer::builder().protected_by(&a).start().unwrap();
    let token = a.mint(mcp.url(), "mcp:read", 300);
    let runs: Vec<(&'static str, Vec<String>)> = vec![
        (
            "check_provider_failing_pkce",
            offline(&nopkce, &[]).into_iter().map(String::from).collect(),
        ),
        (
            "check_provider_passing",
            offline(&good, &[]).into_iter().map(String::from).collect(),
        ),
        (
            "check_provider_apple",
            [
                "check-provider",
                "https://appleid.apple.com",
                "--metadata-file",
                "tests/fixtures/providers/apple.json",
            ]
            .map(String::from)
            .to_vec(),
        ),
        ("decode_token", vec!["decode-token".into(), TOKEN.into()]),
        (
            "gen_metadata",
            [
                "gen-metadata",
                "--resource",
                "https://mcp.example.com/mcp",
                "--authorization-server",
                "https://auth.example.com",
                "--scope",
                "mcp:read",
            ]
            .map(String::from)
            .to_vec(),
        ),
        ("explain", vec!["explain".into(), "as-pkce-s256".into()]),
        (
            "verify_token",
            vec![
                "verify-token".into(),
                token.clone(),
                "--resource".into(),
                mcp.url().into(),
                "--issuer".into(),
                a.issuer().into(),
            ],
        ),
        ("probe", vec!["probe".into(), mcp.url().into()]),
        ("demo", vec!["demo".into()]),
    ];
    runs.into_iter()
        .map(|(name, args)| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, stdout, stderr) = run(layout, &args);
            // gen-metadata's report is on stderr (the document is stdout); elsewhere stderr is the spinner.
            let text = if name == "gen_metadata" {
                format!("{stdout}--- stderr ---\n{stderr}")
            } else {
                stdout
            };
            (name, code, normalize(&text))
        })
        .collect()
}

#[test]
fn human_output_snapshots_at_80_and_120_columns_and_piped() {
    for layout in LAYOUTS {
        for (name, code, text) in every_command(layout) {
            insta::assert_snapshot!(format!("{name}_{}", layout.name()), format!("exit {code}\n{text}"));
        }
    }
}

/// The line budgets of issue 12, on a terminal of 80 and 120 columns and piped. A line is a printed line:
/// nothing but a URL, a header value or a command is ever longer than the terminal.
#[test]
fn reports_fit_their_line_budgets() {
    let (nopkce, good) = (metadata(false), metadata(true));
    for layout in LAYOUTS {
        let (code, out, _) = run(layout, &offline(&nopkce, &[]));
        assert_eq!(code, 1);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() <= 25, "{layout:?}: {} lines:\n{out}", lines.len());
        assert!(
            lines[0].starts_with("✗ 2 problems: as-pkce-advertised, as-pkce-s256"),
            "{out}"
        );
        let first_problem = lines
            .iter()
            .position(|l| l.starts_with("✗ as-pkce-advertised"))
            .unwrap();
        assert!(
            first_problem < 5,
            "{layout:?}: first problem on line {}:\n{out}",
            first_problem + 1
        );

        let (code, out, _) = run(layout, &offline(&good, &[]));
        assert_eq!(code, 0);
        assert!(out.lines().count() <= 12, "{layout:?}:\n{out}");
        assert!(out.starts_with("✓ ready for MCP clients"), "{out}");
    }
    for layout in [Layout::Tty(120), Layout::Piped] {
        let (code, out, _) = run(layout, &["demo"]);
        assert_eq!(code, 0);
        assert!(
            out.lines().count() <= 60,
            "{layout:?}: {} lines:\n{out}",
            out.lines().count()
        );
        let (code, out, _) = run(layout, &["demo", "--broken"]);
        assert_eq!(code, 0);
        assert!(
            out.lines().count() <= 150,
            "{layout:?}: {} lines:\n{out}",
            out.lines().count()
        );
    }
}

/// Piped, nothing is wrapped and tables are lists: a URL and the header value to paste stay on one line.
#[test]
fn piped_output_never_splits_what_is_copied() {
    let (code, _, stderr) = run(
        Layout::Piped,
        &[
            "gen-metadata",
            "--resource",
            "https://mcp.example.com/a/very/long/path/to/the/mcp/endpoint/that/would/wrap",
            "--authorization-server",
            "https://auth.example.com/tenant1",
            "-v",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let header = "WWW-Authenticate: Bearer resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/a/very/long/path/to/the/mcp/endpoint/that/would/wrap\"";
    assert!(stderr.lines().any(|l| l.contains(header)), "{stderr}");
    assert!(
        !stderr.contains('│') && !stderr.contains('┌'),
        "no boxed table on a pipe:\n{stderr}"
    );
    // On a terminal the detail table is boxed, at the terminal's width.
    let (_, _, stderr) = run(
        Layout::Tty(100),
        &[
            "gen-metadata",
            "--resource",
            "https://mcp.example.com/mcp",
            "--authorization-server",
            "https://auth.example.com",
            "-v",
        ],
    );
    assert!(stderr.contains('┌'), "{stderr}");
    assert!(
        stderr
            .lines()
            .filter(|l| l.starts_with('│'))
            .all(|l| l.chars().count() <= 100),
        "{stderr}"
    );
}

/// A real pseudo-terminal (util-linux `script`), 70 columns and no COLUMNS: the report wraps at 70.
#[test]
fn the_terminal_width_comes_from_the_tty() {
    if std::process::Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    }
    let nopkce = metadata(false);
    let issuer = ISSUER;
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_mcp-auth"));
    let line = format!(
        "stty cols 70 rows 40; exec '{}' check-provider '{issuer}' --metadata-file '{}'",
        bin.display(),
        nopkce.path().display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env_remove("COLUMNS")
        .env_remove("MCP_AUTH_TEST_TTY")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    assert_eq!(out.status.code(), Some(1), "{text}");
    let problem_lines: Vec<&str> = text.lines().skip(3).filter(|l| !l.is_empty()).collect();
    assert!(problem_lines.len() > 6, "{text}");
    for l in &problem_lines {
        assert!(l.chars().count() <= 70, "wider than the 70-column tty: {l:?}\n{text}");
    }
    assert!(
        problem_lines.iter().any(|l| l.chars().count() > 55),
        "the width is used, not a narrow default:\n{text}"
    );
}

/// `mcp-auth … | head -1`: the reader is gone before mcp-auth writes. Every command exits 0 quietly, like
/// cargo and ripgrep, never with a panic (exit 101).
#[test]
fn every_command_exits_quietly_when_the_reader_closes_the_pipe() {
    let nopkce = metadata(false);
    let issuer = ISSUER;
    let a = AuthServer::builder().start().unwrap();
    let mcp = McpServer::builder().protected_by(&a).start().unwrap();
    let token = a.mint(mcp.url(), "mcp:read", 300);
    let path = nopkce.path().to_str().unwrap();
    let runs: Vec<Vec<&str>> = vec![
        vec!["explain", "--list"],
        vec!["explain", "as-pkce-s256"],
        vec!["check-provider", issuer, "--metadata-file", path],
        vec!["check-provider", issuer, "--metadata-file", path, "--json"],
        vec!["decode-token", TOKEN],
        vec![
            "gen-metadata",
            "--resource",
            "https://mcp.example.com/mcp",
            "--authorization-server",
            "https://a.example",
        ],
        vec!["verify-token", &token, "--resource", mcp.url(), "--issuer", a.issuer()],
        vec!["probe", mcp.url()],
        vec!["completions", "bash"],
        vec!["demo"],
        // Many lines in, one result per line out, the reader gone.
        vec![
            "verify-token",
            "--batch",
            "--resource",
            mcp.url(),
            "--issuer",
            a.issuer(),
        ],
    ];
    let batch_input = format!("{token}\n").repeat(200);
    for args in runs {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mcp-auth"))
            .args(&args)
            .env("NO_COLOR", "1")
            .env_remove("MCP_AUTH_TOKEN")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the read end at once: the first write gets EPIPE.
        drop(child.stdout.take());
        let mut stdin = child.stdin.take().unwrap();
        if args.contains(&"--batch") {
            // The child may stop reading once its output is gone: a failed write here is expected.
            let _ = std::io::Write::write_all(&mut stdin, batch_input.as_bytes());
        }
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

#[test]
fn github_output_annotates_each_finding() {
    let nopkce = metadata(false);
    let (code, out, _) = run(Layout::Piped, &offline(&nopkce, &["--output", "github"]));
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("::error title=mcp-auth as-pkce-advertised::code_challenge_methods_supported is missing"),
        "{out}"
    );
    assert!(lines[1].starts_with("::error title=mcp-auth as-pkce-s256::"), "{out}");
    assert!(
        lines[0].contains("Fix: ") && lines[0].contains("mcp-auth explain as-pkce-advertised"),
        "{out}"
    );
    assert_eq!(lines.len(), 3, "one line per finding and the verdict:\n{out}");
    assert!(lines[2].starts_with("✗ 2 problems"), "{out}");
    // Warnings are ::warning, and ::error under --strict.
    let apple = |extra: &[&'static str]| {
        let mut args = vec![
            "check-provider",
            "https://appleid.apple.com",
            "--metadata-file",
            "tests/fixtures/providers/apple.json",
            "--output",
            "github",
        ];
        args.extend(extra);
        run(Layout::Piped, &args).1
    };
    let out = apple(&[]);
    assert!(out.contains("\n::warning title=mcp-auth as-cimd-supported::"), "{out}");
    let out = apple(&["--strict"]);
    assert!(out.contains("\n::error title=mcp-auth as-cimd-supported::"), "{out}");
}

fn sarif_schema() -> Value {
    serde_json::from_str(&std::fs::read_to_string("tests/fixtures/sarif-schema-2.1.0.json").unwrap()).unwrap()
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0_with_one_rule_per_check() {
    let nopkce = metadata(false);
    let issuer = ISSUER;
    let a = AuthServer::builder().start().unwrap();
    let mcp = McpServer::builder().protected_by(&a).start().unwrap();
    let path = nopkce.path().to_str().unwrap();
    let runs: Vec<(Vec<&str>, i32)> = vec![
        (vec!["check-provider", issuer, "--metadata-file", path], 1),
        (vec!["probe", mcp.url()], 0),
        (vec!["probe", "http://127.0.0.1:9/mcp"], 3),
    ];
    let schema = sarif_schema();
    for (args, expected) in runs {
        let mut args = args.clone();
        args.extend(["--output", "sarif"]);
        let (code, out, _) = run(Layout::Piped, &args);
        assert_eq!(code, expected, "{args:?}\n{out}");
        let doc: Value = serde_json::from_str(&out).expect("one JSON document");
        let errors = schema::validate(&schema, &doc);
        assert!(
            errors.is_empty(),
            "{args:?} violates SARIF 2.1.0:\n{}",
            errors.join("\n")
        );
        let run = &doc["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), mcp_auth::catalogue::all().count());
        for r in run["results"].as_array().unwrap() {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
        assert_eq!(run["invocations"][0]["executionSuccessful"], expected != 3);
    }
    let (_, out, _) = run(
        Layout::Piped,
        &["check-provider", issuer, "--metadata-file", path, "--output", "sarif"],
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let found: Vec<(&str, &str)> = results
        .iter()
        .map(|r| (r["ruleId"].as_str().unwrap(), r["level"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [("as-pkce-advertised", "error"), ("as-pkce-s256", "error")]);
    let pkce = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "as-pkce-s256")
        .unwrap();
    assert!(pkce["help"]["text"].as_str().unwrap().contains("Enable S256"));
    assert!(pkce["properties"]["citation"].as_str().unwrap().contains("OAuth 2.1"));
}

#[test]
fn the_schema_check_catches_a_broken_sarif_document() {
    let schema = sarif_schema();
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": [{"level": "fatal", "message": {"text": "x"}}]}]});
    let errors = schema::validate(&schema, &bad);
    assert!(errors.iter().any(|e| e.contains("name")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("fatal")), "{errors:?}");
}

#[test]
fn junit_names_are_unique_and_skips_are_skipped() {
    let (code, out, _) = run(
        Layout::Piped,
        &[
            "check-provider",
            "https://auth.eudiw.dev/realms/pid-issuer-realm",
            "--metadata-file",
            "tests/fixtures/providers/keycloak.json",
            "--output",
            "junit",
        ],
    );
    assert_eq!(code, 0);
    let names: Vec<&str> = out
        .split("<testcase name=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let unique: std::collections::HashSet<_> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "{names:?}");
    assert!(names.contains(&"as-endpoints-https[token_endpoint]"), "{names:?}");
    assert!(out.contains("<skipped") && out.contains(" skipped=\""), "{out}");
    assert!(out.contains(" time=\""), "{out}");
}

/// Every README block that starts with `$ mcp-auth …` shows exactly what that command prints (piped).
#[test]
fn readme_examples_match_the_real_output() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let mut checked = 0;
    for block in readme.split("```\n").skip(1).step_by(2) {
        let Some(rest) = block.strip_prefix("$ mcp-auth ") else {
            continue;
        };
        // The command, with `\` continuations, then the output.
        let mut command = String::new();
        let mut lines = rest.lines();
        for line in lines.by_ref() {
            match line.strip_suffix('\\') {
                Some(part) => command.push_str(part),
                None => {
                    command.push_str(line);
                    break;
                }
            }
        }
        let expected: String = lines.map(|l| format!("{l}\n")).collect();
        let mut words: Vec<&str> = command.split_whitespace().collect();
        let to_file = words.iter().position(|w| *w == ">");
        if let Some(i) = to_file {
            words.truncate(i);
        }
        let (_, stdout, stderr) = run(Layout::Piped, &words);
        let shown = if to_file.is_some() { stderr } else { stdout + &stderr };
        assert_eq!(shown, expected, "README example `mcp-auth {command}` is out of date");
        checked += 1;
    }
    assert!(checked >= 2, "README examples found: {checked}");
}

/// `--json` always prints one JSON document, a usage error too: `… --json | jq -e .ok` cannot pass on one.
#[test]
fn json_mode_answers_usage_errors_in_json() {
    let cases: [(&[&str], &str); 4] = [
        (
            &["verify-token", "--resource", "https://mcp.example.com/mcp", "--json"],
            "no token",
        ),
        (
            &["check-provider", "https://a.example", "--json", "--no-such-flag"],
            "--no-such-flag",
        ),
        (
            &["--output", "json", "check-provider", "auth.example.com"],
            "did you mean https://auth.example.com?",
        ),
        (&["explain", "no-such-check", "--json"], "unknown check id"),
    ];
    for (args, words) in cases {
        let (code, stdout, stderr) = run(Layout::Piped, args);
        assert_eq!(code, 2, "{args:?}: {stdout} {stderr}");
        let doc: Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {stdout:?}"));
        assert_eq!(doc["ok"], false, "{doc}");
        assert_eq!(doc["error"]["kind"], "usage", "{doc}");
        let message = doc["error"]["message"].as_str().unwrap();
        assert!(message.contains(words), "{args:?}: {message}");
        assert!(stderr.contains(words), "people still read it on stderr: {stderr}");
    }
    // Help is not an error, even with --json.
    let (code, stdout, _) = run(Layout::Piped, &["check-provider", "--help", "--json"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Examples:"), "{stdout}");
}

/// Forgiving input: a host without https:// gets a suggestion; a token pasted with `Bearer ` is used.
#[test]
fn a_bare_host_and_a_bearer_prefix_are_understood() {
    let (code, _, stderr) = run(Layout::Piped, &["check-provider", "auth.example.com"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean https://auth.example.com?"), "{stderr}");
    assert!(!stderr.contains("relative URL without a base"), "{stderr}");

    let (code, stdout, stderr) = run(Layout::Piped, &["decode-token", &format!("Bearer {TOKEN}")]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stderr.contains("started with \"Bearer \""), "{stderr}");
    assert!(stdout.contains("iss: https://auth.example.com"), "{stdout}");
    assert!(
        !stderr.contains(TOKEN) && !stdout.contains(TOKEN),
        "the token is never shown"
    );
}

/// `--all` (or `-v`) lists every check with its citation; `--all` without the request log.
#[test]
fn all_lists_every_check() {
    let good = metadata(true);
    let (code, all, stderr) = run(Layout::Piped, &offline(&good, &["--all"]));
    assert_eq!(code, 0);
    assert!(
        all.contains("PASS as-pkce-s256 [must]") && all.contains("    spec: "),
        "{all}"
    );
    assert!(!all.contains("-v lists every check"), "{all}");
    assert!(stderr.is_empty(), "{stderr}");
    let (_, verbose, _) = run(Layout::Piped, &offline(&good, &["-v"]));
    assert_eq!(all, verbose);
}
