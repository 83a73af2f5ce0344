//! Hostile servers: every failure is one clear line naming the URL and the cause, the documented exit
//! code, and no hang. Servers are `mcp_auth::server::MockServer` routes on loopback.

use crate::support::{cmd, run_human, run_json};
use mcp_auth::server::{MockServer, Reply};
use serde_json::json;
use std::time::{Duration, Instant};

const WK: &str = "/.well-known/oauth-authorization-server";

fn check(base: &str) -> assert_cmd::Command {
    let mut c = cmd();
    c.args(["check-provider", base, "--type", "oauth"]);
    c
}

/// A server whose RFC 8414 URL answers `reply`.
fn serving(reply: Reply) -> MockServer {
    let s = MockServer::start().unwrap();
    s.fixed(WK, reply);
    s
}

fn good_doc(issuer: &str) -> serde_json::Value {
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"]
    })
}

#[test]
fn a_dripping_server_is_bounded_by_the_whole_request_timeout() {
    let s = serving(Reply::json(&good_doc("http://x")).drip(Duration::from_secs(1)));
    let started = Instant::now();
    let mut c = check(&s.base_url());
    c.args(["--timeout", "2"]);
    let r = run_json(c, 3);
    // A hang guard, not a performance target: per-read timeouts would take ~100 s here.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    let e = r.error.unwrap();
    assert_eq!(e.kind, "timeout");
    assert!(e.message.contains(WK), "{}", e.message);
}

#[test]
fn invalid_utf8_is_not_json() {
    let s = serving(
        Reply::new(200)
            .header("content-type", "application/json")
            .body(vec![b'{', 0xff, 0xfe, b'}']),
    );
    let r = run_json(check(&s.base_url()), 3);
    let e = r.error.unwrap();
    assert_eq!(e.kind, "not-json");
    assert!(e.message.contains("not UTF-8"), "{}", e.message);
}

#[test]
fn a_compression_bomb_is_never_expanded() {
    // gzip magic + garbage, labelled as gzip: we never ask for compression, so it stays opaque bytes.
    let mut body = vec![0x1f, 0x8b, 0x08, 0x00];
    body.extend(std::iter::repeat_n(0u8, 4096));
    let s = serving(
        Reply::new(200)
            .header("content-type", "application/json")
            .header("content-encoding", "gzip")
            .body(body),
    );
    let r = run_json(check(&s.base_url()), 3);
    assert_eq!(r.error.unwrap().kind, "not-json");
    let accept = s.hits()[0].header("accept-encoding").map(str::to_owned);
    assert!(accept.as_deref().is_none_or(|a| !a.contains("gzip")), "{accept:?}");
}

#[test]
fn deeply_nested_json_is_refused_without_a_stack_overflow() {
    let deep = format!("{{\"issuer\": {}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let s = serving(Reply::new(200).header("content-type", "application/json").body(deep));
    let r = run_json(check(&s.base_url()), 3);
    assert!(r.error.unwrap().message.contains("recursion limit"));
}

#[test]
fn duplicate_members_are_refused() {
    let base = MockServer::start().unwrap();
    let issuer = base.base_url();
    let body = format!(r#"{{"issuer": "https://evil.example", "issuer": "{issuer}", "token_endpoint": "x"}}"#);
    base.fixed(
        WK,
        Reply::new(200).header("content-type", "application/json").body(body),
    );
    let r = run_json(check(&issuer), 3);
    assert!(r.error.unwrap().message.contains("duplicate member \"issuer\""));
}

#[test]
fn numbers_out_of_range_are_refused() {
    let s = serving(
        Reply::new(200)
            .header("content-type", "application/json")
            .body(r#"{"issuer": 1e400}"#),
    );
    let r = run_json(check(&s.base_url()), 3);
    assert!(r.error.unwrap().message.contains("number out of range"));
}

#[test]
fn no_content_is_reported_not_crashed() {
    let s = serving(Reply::new(204));
    let text = run_human(check(&s.base_url()), 3);
    assert!(text.contains("no metadata") && text.contains("answered 204"), "{text}");
}

#[test]
fn a_connection_reset_mid_body_exits_3() {
    let doc = good_doc("http://x").to_string();
    let s = serving(
        Reply::new(200)
            .header("content-type", "application/json")
            .body(doc)
            .abort_after(10),
    );
    let r = run_json(check(&s.base_url()), 3);
    let e = r.error.unwrap();
    assert!(e.url.unwrap().ends_with(WK));
}

#[test]
fn an_unresolvable_host_exits_3_with_one_line() {
    let out = check("https://auth.mcp-auth-test.invalid").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.starts_with("✗ could not complete (connect)"), "{stdout}");
    // The error itself comes last, on stderr, with a hint.
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("mcp-auth: error: ") && lines[0].contains("auth.mcp-auth-test.invalid"),
        "{stderr}"
    );
    assert!(lines[1].contains("hint: the host name does not resolve"), "{stderr}");
}

#[test]
fn ipv6_loopback_works() {
    let s = MockServer::start_v6().unwrap();
    let issuer = s.base_url();
    s.fixed(WK, Reply::json(&good_doc(&issuer)));
    assert!(issuer.starts_with("http://[::1]:"));
    let r = run_json(check(&issuer), 0);
    assert_eq!(r.status("as-issuer-matches"), "pass");
    assert_eq!(r.status("as-endpoints-https"), "warn");
}

#[test]
fn terminal_escapes_from_a_server_are_neutralised() {
    let s = MockServer::start().unwrap();
    let issuer = s.base_url();
    let mut doc = good_doc(&issuer);
    doc["token_endpoint"] = json!("http://evil.example/\u{1b}[2J\u{1b}[31mALL CHECKS PASSED\u{202e}txt");
    doc["scopes_supported"] = json!(["\u{1b}]8;;http://phish.example\u{7}click\u{1b}]8;;\u{7}"]);
    s.fixed(WK, Reply::json(&doc));
    let mut c = check(&issuer);
    c.args(["--color", "always"]);
    let out = c.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains("\u{1b}[2J") && !stdout.contains("\u{1b}]8") && !stdout.contains('\u{202e}'),
        "{stdout:?}"
    );
    assert!(stdout.contains("\\u{1b}[2J"), "escaped form is shown: {stdout}");
}

// --- hostile MCP servers for `probe` (the private-address case runs in src/probe.rs's unit tests: here
// the MCP server itself is on loopback, so nothing it names is refused) ---

fn probe_cmd(url: &str) -> assert_cmd::Command {
    let mut c = cmd();
    c.args(["probe", url]);
    c
}

/// Every result with `id`, as (status, message).
fn results<'a>(r: &'a crate::support::Report, id: &str) -> Vec<(&'a str, &'a str)> {
    r.checks
        .iter()
        .filter(|c| c.id == id)
        .map(|c| (c.status.as_str(), c.message.as_str()))
        .collect()
}

#[test]
fn probe_fetches_and_reports_resource_metadata_on_another_origin() {
    let a = mcp_auth::server::auth::AuthServer::builder().start().unwrap();
    let elsewhere = MockServer::start().unwrap();
    let m = mcp_auth::server::mcp::McpServer::builder()
        .protected_by(&a)
        .resource_metadata(&elsewhere.url("/prm"))
        .start()
        .unwrap();
    elsewhere.fixed("/prm", Reply::json(m.metadata()));
    let r = run_json(probe_cmd(m.url()), 0);
    let rm = results(&r, "rs-resource-metadata-url-valid");
    assert!(
        rm.iter().any(|(s, msg)| *s == "info" && msg.contains("another origin")),
        "{rm:?}"
    );
    assert!(rm.iter().all(|(s, _)| *s != "fail"), "{rm:?}");
    assert!(elsewhere.hits_on("/prm") >= 1);
    assert_eq!(r.resource_metadata.as_ref().unwrap()["found_via"], "header");
    let human = run_human(probe_cmd(m.url()), 0);
    assert!(human.contains("another origin"), "{human}");
}

#[test]
fn probe_fails_a_resource_metadata_url_over_non_loopback_http() {
    let a = mcp_auth::server::auth::AuthServer::builder().start().unwrap();
    // 0.0.0.0 is not loopback to the https rule; the fetch is refused by the kernel at once.
    let m = mcp_auth::server::mcp::McpServer::builder()
        .protected_by(&a)
        .resource_metadata("http://0.0.0.0:9/.well-known/oauth-protected-resource/mcp")
        .start()
        .unwrap();
    let r = run_json(probe_cmd(m.url()), 1);
    let rm = results(&r, "rs-resource-metadata-url-valid");
    assert!(
        rm.iter().any(|(s, msg)| *s == "fail" && msg.contains("not https")),
        "{rm:?}"
    );
    let human = run_human(probe_cmd(m.url()), 1);
    let line = human
        .lines()
        .find(|l| l.contains("not https"))
        .unwrap_or_else(|| panic!("{human}"));
    assert!(line.contains("http://0.0.0.0:9/"), "{line}");
}
