//! `mcp-auth check-provider` against embedded authorization servers, good and broken.

use crate::support::{cmd, run_human, run_json};
use mcp_auth::server::auth::{AuthServer, Flaw};

fn check(issuer: &str) -> assert_cmd::Command {
    let mut c = cmd();
    c.args(["check-provider", issuer]);
    c
}

#[test]
fn check_provider_passes_a_compliant_server_with_a_path_issuer() {
    let a = AuthServer::builder().issuer_path("/tenant1").start().unwrap();
    let r = run_json(check(a.issuer()), 0);
    assert!(r.ok);
    assert_eq!(r.command, "check-provider");
    assert_eq!(r.spec, "2026-07-28");
    assert!(r.failed().is_empty(), "{:?}", r.failed());
    assert_eq!(r.status("as-jwks-valid"), "pass");
    // loopback http is a warning, never a failure
    assert_eq!(r.status("as-endpoints-https"), "warn");
    let tried = r.discovery.as_ref().unwrap()["tried"].as_array().unwrap();
    assert_eq!(tried.len(), 3, "three candidates for a path issuer");
}

#[test]
fn check_provider_fails_plain_only_pkce_with_exit_1() {
    let a = AuthServer::builder().flaw(Flaw::PlainPkceOnly).start().unwrap();
    let r = run_json(check(a.issuer()), 1);
    assert!(!r.ok);
    assert_eq!(r.status("as-pkce-s256"), "fail");
    assert!(r.message("as-pkce-s256").contains("S256"));
    let human = run_human(check(a.issuer()), 1);
    assert!(human.contains("as-pkce-s256") && human.contains("FAIL"), "{human}");
}

#[test]
fn check_provider_exits_3_when_unreachable_and_still_prints_json() {
    let r = run_json(check("http://127.0.0.1:9/none"), 3);
    assert!(!r.ok);
    let err = r.error.expect("error object");
    assert_eq!(err.kind, "connect");
    assert!(err.url.unwrap().starts_with("http://127.0.0.1:9/"));
}

#[test]
fn check_provider_rejects_a_malformed_issuer_with_exit_2() {
    let text = run_human(check("not a url"), 2);
    assert!(text.contains("not a URL"), "{text}");
}
