//! Generated files are committed and checked here: shell completions (`completions/`), the man page
//! (`docs/mcp-auth.1`), the check catalogue (`docs/checks.md`) and the JSON Schema of the `--json` report
//! (`docs/report.schema.json`). Each is regenerated in memory and compared with the committed file;
//! `MCP_AUTH_BLESS=1 cargo test --test generated` rewrites them.
//!
//! The schema is also validated against real reports here (and `tests/cli` validates every report it parses).

#[path = "cli/support/mod.rs"]
mod support;

use clap::CommandFactory;
use clap_complete::{Generator, Shell};
use mcp_auth::catalogue::{self, CheckDef};
use mcp_auth::cli::args::Cli;
use mcp_auth::server::auth::{AuthServer, Flaw};
use mcp_auth::spec::SpecRevision;
use std::path::PathBuf;
use support::{cmd, schema};

const BLESS_ENV: &str = "MCP_AUTH_BLESS";
const BLESS_CMD: &str = "MCP_AUTH_BLESS=1 cargo test --test generated";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compares `fresh` with the committed `rel` file, or rewrites it under `MCP_AUTH_BLESS=1`.
fn check_or_bless(rel: &str, fresh: &str) {
    let path = root().join(rel);
    if std::env::var(BLESS_ENV).is_ok_and(|v| v == "1") {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create dir");
        }
        if std::fs::read_to_string(&path).ok().as_deref() != Some(fresh) {
            std::fs::write(&path, fresh).expect("write generated file");
            eprintln!("blessed {rel}");
        }
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != fresh {
        let line = first_difference(&committed, fresh);
        panic!(
            "{rel} is stale (first difference at line {line}); regenerate it with:\n    {BLESS_CMD}\nand commit the result"
        );
    }
}

fn first_difference(a: &str, b: &str) -> usize {
    a.lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()))
        + 1
}

const SHELLS: [Shell; 5] = [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell, Shell::Elvish];

fn completion(shell: Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "mcp-auth", &mut buf);
    String::from_utf8(buf).expect("utf-8 completion script")
}

#[test]
fn completions_are_up_to_date() {
    for shell in SHELLS {
        let rel = format!("completions/{}", shell.file_name("mcp-auth"));
        check_or_bless(&rel, &completion(shell));
    }
}

#[test]
fn completions_subcommand_prints_the_committed_scripts() {
    for shell in SHELLS {
        let out = cmd().args(["completions", &shell.to_string()]).output().expect("runs");
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(String::from_utf8_lossy(&out.stdout), completion(shell), "{shell}");
    }
}

#[test]
fn man_page_is_up_to_date() {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .expect("render man page");
    let page = String::from_utf8(buf).expect("utf-8 man page");
    assert!(page.contains("check\\-provider"), "every subcommand is listed");
    check_or_bless("docs/mcp-auth.1", &page);
}

/// Escapes text for a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn area(id: &str) -> &'static str {
    match id.split('-').next().unwrap_or("") {
        "as" => "Authorization server metadata (`check-provider`, `probe`)",
        "prm" => "Protected resource metadata (`gen-metadata`, `probe`)",
        "rs" => "MCP server 401/403 and `WWW-Authenticate` (`probe`)",
        "jwt" => "Access tokens (`verify-token`, `decode-token`)",
        _ => "Other checks",
    }
}

fn checks_md() -> String {
    let all: Vec<&CheckDef> = catalogue::all().collect();
    let revs = SpecRevision::ALL;
    let mut md = String::new();
    md.push_str("# Check catalogue\n\n");
    md.push_str(&format!(
        "<!-- Generated from `mcp_auth::catalogue::all()` by `{BLESS_CMD}`. Do not edit by hand. -->\n\n"
    ));
    md.push_str(&format!(
        "Every check `mcp-auth` makes, with its level for MCP clients under each authorization revision \
         (`--spec`, default {}). A violated `must` fails the verdict (exit 1); a violated `should` is a \
         warning (exit 1 only with `--strict`); `may` and `info` are reported for information. \
         `mcp-auth explain ID` prints the same text in a terminal. {} checks.\n\n",
        SpecRevision::LATEST,
        all.len()
    ));
    md.push_str("| id |");
    for r in revs {
        md.push_str(&format!(" {r} |"));
    }
    md.push_str(" what it checks |\n|---|");
    for _ in revs {
        md.push_str("---|");
    }
    md.push_str("---|\n");
    for c in &all {
        md.push_str(&format!("| [`{}`](#{}) |", c.id, c.id));
        for r in revs {
            md.push_str(&format!(" {} |", c.level(r).as_str()));
        }
        md.push_str(&format!(" {} |\n", cell(c.summary)));
    }
    let mut current = "";
    for c in &all {
        let a = area(c.id);
        if a != current {
            md.push_str(&format!("\n## {a}\n"));
            current = a;
        }
        let levels: Vec<String> = revs.iter().map(|r| format!("{r}: {}", c.level(*r).as_str())).collect();
        md.push_str(&format!(
            "\n### `{}`\n\n**Level:** {}  \n**Spec:** {}\n\n**What it checks.** {}\n\n**Why it matters.** {}\n\n**How to fix.** {}\n",
            c.id,
            levels.join(", "),
            c.spec,
            c.summary,
            c.why,
            c.fix
        ));
    }
    md
}

#[test]
fn checks_md_is_up_to_date() {
    let md = checks_md();
    for c in catalogue::all() {
        assert!(md.contains(&format!("### `{}`", c.id)));
    }
    check_or_bless("docs/checks.md", &md);
}

fn schema_text() -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(&mcp_auth::render::report_schema()).expect("schema serializes")
    )
}

#[test]
fn report_schema_is_up_to_date() {
    check_or_bless("docs/report.schema.json", &schema_text());
}

/// Runs `mcp-auth ARGS --json` and returns stdout as JSON, with the exit code checked.
fn json_of(args: &[&str], exit: i32) -> serde_json::Value {
    let out = cmd().args(args).arg("--json").output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(exit),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

#[test]
fn real_reports_validate_against_the_committed_schema() {
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/report.schema.json")).unwrap_or_else(|_| schema_text()),
    )
    .expect("docs/report.schema.json is JSON");
    let good = AuthServer::builder().issuer_path("/t1").oidc(true).start().unwrap();
    let bad = AuthServer::builder()
        .flaws([Flaw::PlainPkceOnly, Flaw::JwksPrivateKey, Flaw::IssuerMismatch])
        .start()
        .unwrap();
    let docs = [
        json_of(&["check-provider", good.issuer()], 0),
        json_of(
            &["check-provider", good.issuer(), "--strict", "--spec", "2025-03-26"],
            1,
        ),
        json_of(&["check-provider", bad.issuer()], 1),
        json_of(&["check-provider", "http://127.0.0.1:9/unreachable"], 3),
    ];
    for doc in &docs {
        let errors = schema::validate(&committed, doc);
        assert!(errors.is_empty(), "{}\n{doc:#}", errors.join("\n"));
    }
    // The validator is not vacuous: a wrong status, a missing member and an unknown check id are caught.
    let mut broken = docs[2].clone();
    broken["checks"][0]["status"] = "passed".into();
    broken["checks"][1]["id"] = "no-such-check".into();
    broken.as_object_mut().unwrap().remove("summary");
    let errors = schema::validate(&committed, &broken);
    assert_eq!(errors.len(), 3, "{errors:#?}");
}
