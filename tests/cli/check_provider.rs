//! `mcp-auth check-provider` against embedded authorization servers, good and broken. Each test asserts the
//! exit code, the check ids in `--json`, and the words a person reads in the human output.

use crate::support::{cmd, run_human, run_json};
use mcp_auth::server::auth::{AuthServer, Flaw};
use mcp_auth::server::{MockServer, Reply};

fn check(issuer: &str) -> assert_cmd::Command {
    let mut c = cmd();
    // wide tables, so that a message is never wrapped across lines in the human output
    c.env("COLUMNS", "1000").args(["check-provider", issuer]);
    c
}

fn check_with(issuer: &str, extra: &[&str]) -> assert_cmd::Command {
    let mut c = check(issuer);
    c.args(extra);
    c
}

fn tried(r: &crate::support::Report) -> Vec<serde_json::Value> {
    r.discovery.as_ref().expect("discovery member")["tried"]
        .as_array()
        .expect("tried array")
        .clone()
}

fn chosen(r: &crate::support::Report) -> String {
    r.discovery.as_ref().expect("discovery member")["chosen"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
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
    let tried = tried(&r);
    assert_eq!(tried.len(), 3, "three candidates for a path issuer");
    assert_eq!(
        chosen(&r),
        a.server.url("/.well-known/oauth-authorization-server/tenant1")
    );
    assert_eq!(r.status("as-metadata-consistent"), "skip");
    assert_eq!(r.status("as-oidc-required-fields"), "skip");
    let human = run_human(check(a.issuer()), 0);
    assert!(human.starts_with("✓ ready for MCP clients"), "{human}");
    assert!(!human.contains("Discovery"), "the discovery table is detail:\n{human}");
    let verbose = run_human(check_with(a.issuer(), &["-v"]), 0);
    assert!(
        verbose.contains("Discovery") && verbose.contains("PASS as-"),
        "{verbose}"
    );
}

#[test]
fn check_provider_tries_two_urls_for_an_issuer_without_a_path() {
    let a = AuthServer::builder().start().unwrap();
    let r = run_json(check(a.issuer()), 0);
    let tried = tried(&r);
    assert_eq!(tried.len(), 2, "{tried:?}");
    assert_eq!(tried[0]["url"], a.server.url("/.well-known/oauth-authorization-server"));
    assert_eq!(tried[1]["url"], a.server.url("/.well-known/openid-configuration"));
    assert!(r.message("as-discovery-url-order").contains("first URL"));
}

#[test]
fn check_provider_accepts_an_oidc_only_provider_at_the_second_candidate() {
    let a = AuthServer::builder()
        .issuer_path("/tenant1")
        .oauth(false)
        .oidc(true)
        .start()
        .unwrap();
    let r = run_json(check(a.issuer()), 0);
    assert_eq!(r.status("as-discovery-url-order"), "pass");
    assert!(
        r.message("as-discovery-url-order").contains("candidate 2 of 3"),
        "{}",
        r.message("as-discovery-url-order")
    );
    assert_eq!(r.status("as-oidc-required-fields"), "pass");
    assert_eq!(tried(&r)[0]["status"], 404);
    let human = run_human(check_with(a.issuer(), &["-v"]), 0);
    assert!(human.contains("earlier ones answered 4xx"), "{human}");
}

#[test]
fn check_provider_finds_oidc_metadata_served_at_the_appended_url() {
    let a = AuthServer::builder()
        .issuer_path("/realms/demo")
        .oauth(false)
        .oidc_appended(true)
        .start()
        .unwrap();
    let r = run_json(check(a.issuer()), 0);
    assert_eq!(
        chosen(&r),
        a.server.url("/realms/demo/.well-known/openid-configuration")
    );
    assert!(r.message("as-discovery-url-order").contains("candidate 3 of 3"));
}

#[test]
fn check_provider_passes_consistent_oauth_and_oidc_documents() {
    let a = AuthServer::builder().issuer_path("/t").oidc(true).start().unwrap();
    let r = run_json(check(a.issuer()), 0);
    assert_eq!(r.status("as-metadata-consistent"), "pass");
    // the RFC 8414 document wins: it is the first candidate
    assert_eq!(chosen(&r), a.server.url("/.well-known/oauth-authorization-server/t"));
}

#[test]
fn check_provider_fails_inconsistent_oauth_and_oidc_documents() {
    let a = AuthServer::builder()
        .issuer_path("/t")
        .flaw(Flaw::OidcInconsistent)
        .start()
        .unwrap();
    let r = run_json(check(a.issuer()), 1);
    assert_eq!(r.failed(), ["as-metadata-consistent"]);
    let m = r.message("as-metadata-consistent");
    assert!(m.contains("disagree") && m.contains("token_endpoint"), "{m}");
    let human = run_human(check(a.issuer()), 1);
    assert!(human.contains("as-metadata-consistent"), "{human}");
    assert!(human.contains("serve both from one configuration"), "{human}");
}

#[test]
fn check_provider_fails_a_provider_without_pkce() {
    let a = AuthServer::builder().flaw(Flaw::NoPkce).start().unwrap();
    let r = run_json(check(a.issuer()), 1);
    assert_eq!(r.failed(), ["as-pkce-advertised", "as-pkce-s256"]);
    assert!(r.message("as-pkce-advertised").contains("MUST refuse to proceed"));
    let human = run_human(check(a.issuer()), 1);
    assert!(
        human.starts_with("✗ 2 problems: as-pkce-advertised, as-pkce-s256")
            && human.contains("✗ as-pkce-advertised [must] code_challenge_methods_supported is missing"),
        "{human}"
    );
}

#[test]
fn check_provider_fails_plain_only_pkce_with_exit_1() {
    let a = AuthServer::builder().flaw(Flaw::PlainPkceOnly).start().unwrap();
    let r = run_json(check(a.issuer()), 1);
    assert!(!r.ok);
    assert_eq!(r.failed(), ["as-pkce-s256"]);
    assert_eq!(r.status("as-pkce-advertised"), "pass");
    assert!(r.message("as-pkce-s256").contains("[\"plain\"]"));
    assert!(r.message("as-pkce-s256").contains("will refuse this provider"));
    let human = run_human(check(a.issuer()), 1);
    assert!(human.contains("✗ as-pkce-s256 [must]"), "{human}");
    assert!(
        human.contains("fix: Enable S256") && human.contains("mcp-auth explain as-pkce-s256"),
        "{human}"
    );
}

#[test]
fn check_provider_fails_http_endpoints_on_a_public_host() {
    let a = AuthServer::builder().flaw(Flaw::HttpEndpoints).start().unwrap();
    let r = run_json(check(a.issuer()), 1);
    assert!(
        r.failed().iter().all(|id| *id == "as-endpoints-https"),
        "{:?}",
        r.failed()
    );
    let failures: Vec<_> = r
        .all("as-endpoints-https")
        .into_iter()
        .filter(|c| c.status == "fail")
        .map(|c| c.message.clone())
        .collect();
    // authorization, token and registration endpoints are on http://auth.example.com; jwks_uri is loopback
    assert_eq!(failures.len(), 3, "{failures:#?}");
    assert!(failures[0].contains("http://auth.example.com/authorize") && failures[0].contains("not https"));
    let human = run_human(check(a.issuer()), 1);
    assert!(human.contains("MCP clients refuse it; serve it over https"), "{human}");
}

/// Each issuer mismatch gets its own sentence naming the cause.
#[test]
fn check_provider_explains_each_kind_of_issuer_mismatch() {
    let cases = [
        (Flaw::IssuerTrailingSlash, "they differ only by a trailing slash"),
        (Flaw::IssuerCase, "they differ only in letter case"),
        (Flaw::IssuerWithoutPath, "drops the path /tenant1"),
        (
            Flaw::IssuerTemplate,
            "the advertised issuer is a template (e.g. {tenantid})",
        ),
    ];
    for (flaw, words) in cases {
        let a = AuthServer::builder()
            .issuer_path("/tenant1")
            .flaw(flaw.clone())
            .start()
            .unwrap();
        let r = run_json(check(a.issuer()), 1);
        assert_eq!(r.failed(), ["as-issuer-matches"], "{flaw:?}");
        let m = r.message("as-issuer-matches");
        assert!(m.contains(words), "{flaw:?}: {m}");
        assert!(m.contains("MUST NOT use metadata whose issuer differs"), "{m}");
        let human = run_human(check(a.issuer()), 1);
        assert!(human.contains(words), "{flaw:?}: {human}");
    }
}

#[test]
fn check_provider_trailing_slash_in_the_configured_issuer_is_significant() {
    // The configured issuer has the slash, the server advertises none: fetched at the same URL, still a mismatch.
    let a = AuthServer::builder().issuer_path("/tenant1").start().unwrap();
    let configured = format!("{}/", a.issuer());
    let r = run_json(check(&configured), 1);
    assert_eq!(
        tried(&r)[0]["url"],
        a.server.url("/.well-known/oauth-authorization-server/tenant1")
    );
    assert!(
        r.message("as-issuer-matches")
            .contains("the expected issuer ends with '/'")
    );
}

#[test]
fn check_provider_exits_3_on_an_html_page_where_the_only_document_should_be() {
    let a = AuthServer::builder().flaw(Flaw::MetadataHtml).start().unwrap();
    let r = run_json(check(a.issuer()), 3);
    let err = r.error.as_ref().expect("error object");
    assert_eq!(err.kind, "not-json");
    assert!(err.message.contains("HTML"), "{}", err.message);
    let human = run_human(check(a.issuer()), 3);
    assert!(
        human.contains("could not complete (not-json)") && human.contains("the body is HTML"),
        "{human}"
    );
}

#[test]
fn check_provider_fails_an_html_page_that_hides_a_later_document() {
    let a = AuthServer::builder()
        .flaw(Flaw::MetadataHtml)
        .oidc(true)
        .start()
        .unwrap();
    let r = run_json(check(a.issuer()), 1);
    assert_eq!(r.failed(), ["as-discovery-url-order"]);
    let m = r.message("as-discovery-url-order");
    assert!(m.contains("answered 200 but the body is HTML"), "{m}");
    assert!(m.contains("never reach"), "{m}");
}

#[test]
fn check_provider_fails_when_every_candidate_answers_404() {
    let s = MockServer::start().unwrap();
    let issuer = s.url("/tenant1");
    let r = run_json(check(&issuer), 1);
    assert_eq!(r.failed(), ["as-discovery-url-order"]);
    let m = r.message("as-discovery-url-order");
    assert!(m.starts_with("no metadata at any URL MCP clients try"), "{m}");
    assert!(m.contains("(404)"), "{m}");
    assert_eq!(s.hits().len(), 3);
    let human = run_human(check(&issuer), 1);
    assert!(human.contains("no metadata at any URL MCP clients try"), "{human}");
}

#[test]
fn check_provider_fails_a_5xx_on_an_earlier_candidate() {
    let a = AuthServer::builder()
        .issuer_path("/t")
        .flaw(Flaw::MetadataServerError)
        .start()
        .unwrap();
    let r = run_json(check(a.issuer()), 1);
    assert_eq!(r.failed(), ["as-discovery-url-order"]);
    let m = r.message("as-discovery-url-order");
    assert!(
        m.contains("answered 500") && m.contains("MCP SDK clients stop there"),
        "{m}"
    );
    // the later document is still evaluated
    assert_eq!(chosen(&r), a.server.url("/.well-known/openid-configuration/t"));
    assert_eq!(r.status("as-pkce-s256"), "pass");
    let human = run_human(check(a.issuer()), 1);
    assert!(human.contains("Make the earlier URL answer 404"), "{human}");
}

#[test]
fn check_provider_exits_3_on_a_body_over_the_cap() {
    let a = AuthServer::builder().start().unwrap();
    let big = format!("{{\"x\":\"{}\"}}", "a".repeat(1024 * 1024 + 10));
    a.server.fixed(
        "/.well-known/oauth-authorization-server",
        Reply::new(200).header("content-type", "application/json").body(big),
    );
    let r = run_json(check(a.issuer()), 3);
    let err = r.error.as_ref().expect("error object");
    assert_eq!(err.kind, "too-large");
    assert!(err.message.contains("1048576-byte cap"), "{}", err.message);
    let human = run_human(check(a.issuer()), 3);
    assert!(human.contains("could not complete (too-large)"), "{human}");
}

#[test]
fn check_provider_exits_3_when_the_server_is_slower_than_the_timeout() {
    let a = AuthServer::builder().start().unwrap();
    let doc = a.metadata().clone();
    a.server.fixed(
        "/.well-known/oauth-authorization-server",
        Reply::json(&doc).delay(std::time::Duration::from_secs(3)),
    );
    let r = run_json(check_with(a.issuer(), &["--timeout", "1"]), 3);
    let err = r.error.as_ref().expect("error object");
    assert_eq!(err.kind, "timeout");
    assert!(err.message.contains("raise --timeout"), "{}", err.message);
}

#[test]
fn check_provider_exits_3_on_a_redirect_loop() {
    let a = AuthServer::builder().start().unwrap();
    let well_known = "/.well-known/oauth-authorization-server";
    a.server
        .fixed(well_known, Reply::new(302).header("location", "/elsewhere"));
    a.server
        .fixed("/elsewhere", Reply::new(302).header("location", well_known));
    let r = run_json(check(a.issuer()), 3);
    let err = r.error.as_ref().expect("error object");
    assert_eq!(err.kind, "redirect-loop");
    assert!(err.message.contains("redirect loop"), "{}", err.message);
    let human = run_human(check(a.issuer()), 3);
    assert!(human.contains("could not complete (redirect-loop)"), "{human}");
}

#[test]
fn check_provider_follows_a_same_origin_redirect_and_reports_it() {
    let a = AuthServer::builder().start().unwrap();
    let doc = a.metadata().clone();
    a.server.fixed(
        "/.well-known/oauth-authorization-server",
        Reply::new(301).header("location", "/metadata.json"),
    );
    a.server.fixed("/metadata.json", Reply::json(&doc));
    let r = run_json(check(a.issuer()), 0);
    assert_eq!(r.status("as-metadata-status-200"), "warn");
    assert!(r.message("as-metadata-status-200").contains("after 1 redirect(s)"));
    assert_eq!(tried(&r)[0]["redirects"][0]["status"], 301);
}

#[test]
fn check_provider_reports_and_does_not_follow_a_cross_origin_redirect() {
    let target = MockServer::start().unwrap();
    let a = AuthServer::builder().start().unwrap();
    // localhost and 127.0.0.1 are different origins
    let elsewhere = format!("http://localhost:{}/metadata", target.addr().port());
    a.server.fixed(
        "/.well-known/oauth-authorization-server",
        Reply::new(302).header("location", &elsewhere),
    );
    let r = run_json(check(a.issuer()), 1);
    assert!(r.error.is_none(), "a cross-origin redirect is a finding, not an abort");
    assert_eq!(r.failed(), ["as-metadata-status-200", "as-discovery-url-order"]);
    assert!(
        r.message("as-metadata-status-200")
            .contains("redirects to another origin")
    );
    assert!(r.message("as-metadata-status-200").contains(&elsewhere));
    assert!(target.hits().is_empty(), "the redirect must not be followed");
    let human = run_human(check(a.issuer()), 1);
    assert!(human.contains("does not follow cross-origin redirects"), "{human}");
}

#[test]
fn check_provider_fails_a_jwks_with_private_key_material() {
    let a = AuthServer::builder().flaw(Flaw::JwksPrivateKey).start().unwrap();
    let r = run_json(check(a.issuer()), 1);
    assert_eq!(r.failed(), ["as-jwks-valid"]);
    let jwks = &r.all("as-jwks-valid")[0];
    assert_eq!(jwks.subject.as_deref(), Some(a.server.url("/jwks").as_str()));
    assert!(jwks.message.contains("private"), "{}", jwks.message);
    let human = run_human(check(a.issuer()), 1);
    assert!(
        human.contains("as-jwks-valid") && human.contains("the key set is unusable"),
        "{human}"
    );
}

#[test]
fn check_provider_type_restricts_the_candidates() {
    let a = AuthServer::builder()
        .issuer_path("/t")
        .oauth(false)
        .oidc(true)
        .start()
        .unwrap();
    let r = run_json(check_with(a.issuer(), &["--type", "oauth"]), 1);
    assert_eq!(tried(&r).len(), 1);
    assert_eq!(r.failed(), ["as-discovery-url-order"]);
    let r = run_json(check_with(a.issuer(), &["--type", "oidc"]), 0);
    let urls: Vec<_> = tried(&r)
        .iter()
        .map(|t| t["url"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        urls,
        [
            a.server.url("/.well-known/openid-configuration/t"),
            a.server.url("/t/.well-known/openid-configuration")
        ]
    );
    assert!(r.message("as-discovery-url-order").contains("first URL"));
}

#[test]
fn check_provider_metadata_url_skips_discovery() {
    let a = AuthServer::builder().issuer_path("/t").oidc(true).start().unwrap();
    let url = a.server.url("/.well-known/openid-configuration/t");
    let r = run_json(check_with(a.issuer(), &["--metadata-url", &url]), 0);
    assert_eq!(tried(&r).len(), 1);
    assert_eq!(chosen(&r), url);
    // the kind comes from the URL: OIDC, so the OIDC member check runs
    assert_eq!(r.status("as-oidc-required-fields"), "pass");
    assert!(
        r.all("as-discovery-url-order")
            .iter()
            .any(|c| c.status == "info" && c.message.contains("--metadata-url given"))
    );
    assert_eq!(a.server.hits_on("/.well-known/oauth-authorization-server/t"), 0);
}

#[test]
fn check_provider_metadata_file_needs_no_network_and_skips_network_checks() {
    let a = AuthServer::builder().issuer_path("/t").start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("as.json");
    std::fs::write(&path, a.metadata().to_string()).unwrap();
    let file = path.to_str().unwrap();
    let r = run_json(check_with(a.issuer(), &["--metadata-file", file]), 0);
    for id in [
        "as-discovery-url-order",
        "as-metadata-status-200",
        "as-tls-verified",
        "as-metadata-consistent",
        "as-jwks-valid",
    ] {
        assert_eq!(r.status(id), "skip", "{id}");
    }
    assert_eq!(r.status("as-pkce-s256"), "pass");
    assert!(a.server.hits().is_empty(), "--metadata-file must not touch the network");
    // --type oidc evaluates the file as an OpenID Connect document
    let r = run_json(check_with(a.issuer(), &["--metadata-file", file, "--type", "oidc"]), 0);
    assert_eq!(r.status("as-oidc-required-fields"), "warn");
    assert!(r.message("as-oidc-required-fields").contains("subject_types_supported"));
}

#[test]
fn check_provider_metadata_file_errors_are_usage_errors() {
    let text = run_human(
        check_with("https://a.example", &["--metadata-file", "/nonexistent/x.json"]),
        2,
    );
    assert!(text.contains("/nonexistent/x.json"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(&path, "<html>").unwrap();
    let text = run_human(
        check_with("https://a.example", &["--metadata-file", path.to_str().unwrap()]),
        2,
    );
    assert!(text.contains("not JSON"), "{text}");
}

#[test]
fn check_provider_junit_has_one_testcase_per_check_and_the_failures() {
    let a = AuthServer::builder().flaw(Flaw::NoPkce).start().unwrap();
    let json = run_json(check(a.issuer()), 1);
    let out = check_with(a.issuer(), &["--output", "junit"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), json.checks.len(), "{xml}");
    let fails = json.checks.iter().filter(|c| c.status == "fail").count();
    assert_eq!(fails, 2);
    assert_eq!(xml.matches("<failure ").count(), fails, "{xml}");
    assert!(xml.contains("name=\"as-pkce-advertised\""), "{xml}");
    assert!(xml.contains("<skipped"), "skips are reported as skipped: {xml}");
}

#[test]
fn check_provider_strict_turns_warnings_into_exit_1() {
    let a = AuthServer::builder().start().unwrap();
    run_json(check(a.issuer()), 0);
    let r = run_json(check_with(a.issuer(), &["--strict"]), 1);
    assert!(!r.ok);
    assert!(r.failed().is_empty(), "no check failed, warnings decide");
    assert_eq!(r.status("as-endpoints-https"), "warn");
    let human = run_human(check_with(a.issuer(), &["--strict"]), 1);
    assert!(
        human.starts_with("✗ ") && human.contains("(--strict: warnings count as failures)"),
        "{human}"
    );
    // junit reports strict warnings as failures
    let out = check_with(a.issuer(), &["--strict", "--output", "junit"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("type=\"warn\""));
}

#[test]
fn check_provider_levels_follow_spec_revision() {
    let a = AuthServer::builder()
        .flaws([Flaw::NoPkce, Flaw::NoRegistration])
        .start()
        .unwrap();
    let latest = run_json(check(a.issuer()), 1);
    assert_eq!(latest.status("as-pkce-advertised"), "fail");
    assert_eq!(latest.all("as-pkce-advertised")[0].level, "must");
    assert_eq!(latest.status("as-dcr-endpoint"), "info");
    assert!(latest.message("as-dcr-endpoint").contains("deprecated in 2026-07-28"));
    let old = run_json(check_with(a.issuer(), &["--spec", "2025-06-18"]), 1);
    assert_eq!(old.spec, "2025-06-18");
    assert_eq!(old.status("as-pkce-advertised"), "warn");
    assert_eq!(old.all("as-pkce-advertised")[0].level, "should");
    assert_eq!(old.status("as-dcr-endpoint"), "warn");
    assert!(!old.message("as-dcr-endpoint").contains("deprecated"));
    // S256 is MUST in every revision
    assert_eq!(old.failed(), ["as-pkce-s256"]);
    // 2025-06-18 clients only try RFC 8414
    assert_eq!(tried(&old).len(), 1);
}

#[test]
fn check_provider_quiet_prints_only_the_verdict() {
    let a = AuthServer::builder().flaw(Flaw::PlainPkceOnly).start().unwrap();
    let out = check_with(a.issuer(), &["-q"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout == "✗ 1 problem: as-pkce-s256\n", "{stdout}");
    assert!(out.stderr.is_empty());
    let good = AuthServer::builder().start().unwrap();
    let out = check_with(good.issuer(), &["-q"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("✓ ready for MCP clients")
    );
}

#[test]
fn check_provider_json_on_a_terminal_shows_no_spinner() {
    let a = AuthServer::builder().issuer_path("/t").start().unwrap();
    let out = check(a.issuer())
        .env("MCP_AUTH_TEST_TTY", "1")
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    // exactly one JSON document and nothing else
    let mut stream = serde_json::Deserializer::from_str(&stdout).into_iter::<serde_json::Value>();
    let first = stream.next().expect("one document").expect("valid JSON");
    assert_eq!(first["command"], "check-provider");
    assert!(stream.next().is_none(), "more than one document: {stdout}");
    assert_eq!(stdout.trim_end().lines().count(), 1, "{stdout}");
    // and junit on a terminal is pure XML
    let out = check_with(a.issuer(), &["--output", "junit"])
        .env("MCP_AUTH_TEST_TTY", "1")
        .output()
        .unwrap();
    assert!(out.stderr.is_empty());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("<?xml"));
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

/// The remaining document flaws, each with the one check it must fail.
/// OAuth 2.1 removes the implicit grant: advertising it is a warning (exit 0) that names what was advertised.
#[test]
fn check_provider_warns_about_an_advertised_implicit_grant() {
    let a = AuthServer::builder().flaw(Flaw::ImplicitGrant).start().unwrap();
    let r = run_json(check(a.issuer()), 0);
    assert_eq!(r.status("as-no-implicit-grant"), "warn", "{:#?}", r.checks);
    let msg = r.message("as-no-implicit-grant");
    for words in [
        "response type \"token\"",
        "response type \"id_token token\"",
        "grant type \"implicit\"",
        "OAuth 2.1",
    ] {
        assert!(msg.contains(words), "lacks {words}: {msg}");
    }
    assert!(!msg.contains("\"code\","), "code is not implicit: {msg}");
    let good = AuthServer::builder().start().unwrap();
    assert_eq!(run_json(check(good.issuer()), 0).status("as-no-implicit-grant"), "pass");
}

#[test]
fn check_provider_fails_each_document_flaw_on_its_check() {
    let cases = [
        (Flaw::NoTokenEndpoint, "as-token-endpoint", "token_endpoint is missing"),
        (Flaw::NoCodeResponseType, "as-response-types-code", "without \"code\""),
        (Flaw::CimdFlagString, "as-cimd-flag-boolean", "not a JSON boolean"),
        (Flaw::JwksMissing, "as-jwks-valid", "HTTP 404"),
        (
            Flaw::MetadataWrongContentType,
            "as-metadata-json",
            "Content-Type is \"text/plain\"",
        ),
        (Flaw::IssuerMismatch, "as-issuer-matches", "issuer is \""),
    ];
    for (flaw, id, words) in cases {
        let a = AuthServer::builder().flaw(flaw.clone()).start().unwrap();
        let r = run_json(check(a.issuer()), 1);
        assert!(r.failed().contains(&id), "{flaw:?}: {:?}", r.failed());
        assert!(r.message(id).contains(words), "{flaw:?}: {}", r.message(id));
    }
}

#[test]
fn check_provider_exits_3_after_too_many_redirects() {
    let a = AuthServer::builder().start().unwrap();
    a.server.fixed(
        "/.well-known/oauth-authorization-server",
        Reply::new(307).header("location", "/r1"),
    );
    for (from, to) in [("/r1", "/r2"), ("/r2", "/r3"), ("/r3", "/r4")] {
        a.server.fixed(from, Reply::new(307).header("location", to));
    }
    let r = run_json(check(a.issuer()), 3);
    let err = r.error.as_ref().expect("error object");
    assert_eq!(err.kind, "too-many-redirects");
    assert!(err.message.contains("more than 3 redirects"), "{}", err.message);
    assert_eq!(a.server.hits_on("/r4"), 0, "the 4th redirect is not followed");
}

/// Regression from fuzzing (fuzz/artifacts/discovery): a non-http scheme used to reach discovery.
#[test]
fn check_provider_refuses_a_non_http_issuer_with_exit_2() {
    let text = run_human(check("httxs://auth.gxample.com/tenut"), 2);
    assert!(text.contains("must be an https URL"), "{text}");
}

/// Issue 13 item 5: the `jwks_uri` is named by the server, so it goes through the SSRF guard: a provider on
/// loopback naming a link-local address (the cloud metadata service) is refused before any connection,
/// reported as `private-address`; `--allow-private-addresses` lifts the guard. Same for `gen-metadata
/// --verify`, which checks each authorization server the same way.
#[test]
fn a_server_named_jwks_uri_at_a_private_address_is_not_fetched() {
    let a = AuthServer::builder()
        .jwks_uri("http://169.254.169.254/latest/meta-data/jwks")
        .start()
        .unwrap();
    let r = run_json(check(a.issuer()), 1);
    assert_eq!(r.status("as-jwks-valid"), "fail");
    let m = r.message("as-jwks-valid");
    assert!(
        m.contains("not fetched") && m.contains("--allow-private-addresses"),
        "{m}"
    );
    let mut c = cmd();
    c.args([
        "gen-metadata",
        "--resource",
        "https://mcp.example.com/mcp",
        "--authorization-server",
        a.issuer(),
        "--verify",
        "--json",
    ]);
    let out = c.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("169.254.169.254 is a private address"), "{text}");
    // With the override the fetch is attempted (and fails quickly: nothing answers there within 1 s).
    let mut c = check_with(a.issuer(), &["--allow-private-addresses", "--timeout", "1"]);
    c.arg("--json");
    let out = c.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("is a private address"), "{text}");
}
