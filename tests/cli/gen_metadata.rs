//! `mcp-auth gen-metadata`: the document, where to serve it, the 401 header, input validation, `--out`,
//! `--interactive` without a terminal, and `--verify` against embedded authorization servers.

use crate::support::{cmd, run_human, run_json};
use mcp_auth::server::auth::{AuthServer, Flaw};

fn gen_cmd(args: &[&str]) -> assert_cmd::Command {
    let mut c = cmd();
    c.arg("gen-metadata").args(args);
    c
}

const EXAMPLE: [&str; 8] = [
    "--resource",
    "https://api.example.com/notes",
    "--authorization-server",
    "https://auth.example.com",
    "--scope",
    "read:notes",
    "--scope",
    "write:notes",
];

#[test]
fn gen_metadata_prints_the_document_the_url_and_the_header() {
    let r = run_json(gen_cmd(&EXAMPLE), 0);
    assert_eq!(r.command, "gen-metadata");
    assert_eq!(
        r.well_known_url.as_deref(),
        Some("https://api.example.com/.well-known/oauth-protected-resource/notes")
    );
    assert_eq!(
        r.www_authenticate.as_deref(),
        Some(
            "Bearer resource_metadata=\"https://api.example.com/.well-known/oauth-protected-resource/notes\", scope=\"read:notes write:notes\""
        )
    );
    let doc = r.document.as_ref().unwrap();
    assert_eq!(doc["resource"], "https://api.example.com/notes");
    assert_eq!(
        doc["authorization_servers"],
        serde_json::json!(["https://auth.example.com"])
    );
    assert_eq!(
        doc["scopes_supported"],
        serde_json::json!(["read:notes", "write:notes"])
    );
    assert_eq!(doc["bearer_methods_supported"], serde_json::json!(["header"]));
    assert_eq!(r.status("prm-well-known-url"), "pass");
    assert_eq!(r.status("prm-resource-matches"), "pass");
    // No resource_name given: the one RECOMMENDED member missing is a warning, not a failure.
    assert_eq!(r.status("prm-resource-name"), "warn");
    assert!(r.chain.is_none());
}

#[test]
fn gen_metadata_human_output_puts_the_document_alone_on_stdout() {
    let out = gen_cmd(&EXAMPLE).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is the document");
    assert_eq!(doc["resource"], "https://api.example.com/notes");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("https://api.example.com/.well-known/oauth-protected-resource/notes"),
        "{err}"
    );
    assert!(err.contains("WWW-Authenticate: Bearer resource_metadata="), "{err}");
}

#[test]
fn gen_metadata_writes_out_file_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prm.json");
    let mut args = EXAMPLE.to_vec();
    let p = path.to_str().unwrap();
    args.extend(["--out", p, "--resource-name", "Notes"]);
    let r = run_json(gen_cmd(&args), 0);
    let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(Some(&written), r.document.as_ref());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
    let text = run_human(gen_cmd(&args), 0);
    assert!(text.contains("Written to "), "{text}");
    run_human(gen_cmd(&[&args[..], &["--out", "/nonexistent-dir/x.json"]].concat()), 2);
}

#[test]
fn gen_metadata_refuses_invalid_inputs_with_exit_2_naming_the_check() {
    for (args, id) in [
        (
            vec![
                "--resource",
                "https://api.example.com/notes#x",
                "--authorization-server",
                "https://a.example",
            ],
            "prm-resource-uri-valid",
        ),
        (
            vec![
                "--resource",
                "http://api.example.com/notes",
                "--authorization-server",
                "https://a.example",
            ],
            "prm-resource-uri-valid",
        ),
        (
            vec![
                "--resource",
                "https://api.example.com/notes",
                "--authorization-server",
                "https://a.example?x=1",
            ],
            "prm-authorization-servers-are-issuers",
        ),
        (
            vec![
                "--resource",
                "https://api.example.com/notes",
                "--authorization-server",
                "http://a.example",
            ],
            "prm-authorization-servers-are-issuers",
        ),
        (
            vec![
                "--resource",
                "https://api.example.com/notes",
                "--authorization-server",
                "https://a.example",
                "--bearer-method",
                "query",
            ],
            "prm-bearer-methods",
        ),
    ] {
        let text = run_human(gen_cmd(&args), 2);
        assert!(text.contains(id), "{args:?}: {text}");
    }
}

#[test]
fn gen_metadata_canonicalises_a_trailing_slash_with_a_warning() {
    let args = [
        "--resource",
        "https://api.example.com/notes/",
        "--authorization-server",
        "https://a.example",
        "--resource-name",
        "N",
        "--scope",
        "s",
    ];
    let r = run_json(gen_cmd(&args), 0);
    assert_eq!(
        r.document.as_ref().unwrap()["resource"],
        "https://api.example.com/notes"
    );
    assert_eq!(r.status("prm-resource-canonical"), "warn");
    let mut strict = gen_cmd(&args);
    strict.arg("--strict");
    let r = run_json(strict, 1);
    assert_eq!(r.status("prm-resource-canonical"), "warn");
}

#[test]
fn gen_metadata_warns_about_offline_access_from_2026_07_28() {
    let args = [
        "--resource",
        "https://api.example.com/notes",
        "--authorization-server",
        "https://a.example",
        "--resource-name",
        "N",
        "--scope",
        "offline_access read",
    ];
    let r = run_json(gen_cmd(&args), 0);
    assert_eq!(r.status("prm-no-offline-access"), "warn");
    assert_eq!(
        r.www_authenticate.as_deref().map(|h| h.contains("offline_access")),
        Some(false)
    );
    let mut older = gen_cmd(&args);
    older.args(["--spec", "2025-11-25"]);
    let r = run_json(older, 0);
    assert_eq!(r.status("prm-no-offline-access"), "info");
}

#[test]
fn gen_metadata_interactive_needs_a_terminal() {
    let text = run_human(gen_cmd(&["--interactive"]), 2);
    assert!(text.contains("--resource URI --authorization-server ISSUER"), "{text}");
}

#[test]
fn gen_metadata_verify_checks_every_authorization_server_as_chain_links() {
    let good = AuthServer::builder().start().unwrap();
    let bad = AuthServer::builder()
        .issuer_path("/t")
        .flaw(Flaw::NoPkce)
        .start()
        .unwrap();
    let args = [
        "--resource",
        "http://127.0.0.1:1/mcp",
        "--authorization-server",
        good.issuer(),
        "--resource-name",
        "N",
        "--scope",
        "s",
        "--verify",
    ];
    let r = run_json(gen_cmd(&args), 0);
    let chain = r.chain.as_ref().unwrap();
    let kinds: Vec<&str> = chain.iter().map(|l| l.link.as_str()).collect();
    assert_eq!(kinds, ["protected-resource-metadata", "authorization-server", "jwks"]);
    let mut args2 = args.to_vec();
    args2.extend(["--authorization-server", bad.issuer()]);
    let r = run_json(gen_cmd(&args2), 1);
    assert_eq!(r.failed(), ["as-pkce-advertised", "as-pkce-s256"]);
    let chain = r.chain.as_ref().unwrap();
    assert!(chain.iter().any(|l| l.subject == bad.issuer() && !l.ok));
    assert!(chain.iter().any(|l| l.subject == good.issuer() && l.ok));
}
