//! `mcp-auth probe` against embedded MCP and authorization servers, good and broken. Each test asserts
//! the exit code and the failing check id.

use crate::support::{Report, cmd, run_human, run_json};
use mcp_auth::server::auth::AuthServer;
use mcp_auth::server::mcp::{McpFlaw, McpServer};

fn probe(url: &str) -> assert_cmd::Command {
    let mut c = cmd();
    c.args(["probe", url]);
    c
}

fn setup(flaws: &[McpFlaw]) -> (AuthServer, McpServer) {
    let a = AuthServer::builder().start().unwrap();
    let m = McpServer::builder()
        .protected_by(&a)
        .flaws(flaws.iter().cloned())
        .start()
        .unwrap();
    (a, m)
}

fn links(r: &Report) -> Vec<(String, bool)> {
    r.chain
        .as_ref()
        .expect("chain")
        .iter()
        .map(|l| (l.link.clone(), l.ok))
        .collect()
}

#[test]
fn probe_passes_a_compliant_chain_in_order() {
    let (a, m) = setup(&[]);
    let r = run_json(probe(m.url()), 0);
    assert!(r.ok, "{:?}", r.failed());
    assert_eq!(r.command, "probe");
    assert_eq!(
        links(&r),
        [
            ("resource-server".into(), true),
            ("protected-resource-metadata".into(), true),
            ("authorization-server".into(), true),
            ("jwks".into(), true)
        ]
    );
    for id in [
        "rs-unauthenticated-401",
        "rs-www-authenticate-present",
        "rs-bearer-challenge",
        "rs-resource-metadata-param",
        "rs-scope-param",
        "rs-auth-params-unique",
        "rs-no-error-without-credentials",
        "rs-invalid-token-401",
        "prm-discovery-order",
        "prm-resource-matches",
        "prm-authorization-servers-nonempty",
        "as-pkce-s256",
        "as-jwks-valid",
    ] {
        assert_eq!(r.status(id), "pass", "{id}: {}", r.message(id));
    }
    // Every check carries the URL it was made on.
    assert!(r.checks.iter().all(|c| c.subject.is_some()));
    assert_eq!(r.protocol_revision.as_deref(), Some("2026-07-28"));
    let prm = r.resource_metadata.as_ref().unwrap();
    assert_eq!(prm["found_via"], "header");
    assert_eq!(prm["client_url"], prm["served_by"]);
    assert_eq!(r.authorization_servers.as_ref().unwrap()[0]["issuer"], a.issuer());
    // The request carried every header the 2026-07-28 transport requires.
    let hits = m.server.hits();
    // The well-known GETs go out concurrently; find the first POST to the endpoint.
    let first = hits
        .iter()
        .find(|h| h.path == "/mcp")
        .expect("the endpoint was posted to");
    assert_eq!(first.header("accept"), Some("application/json, text/event-stream"));
    assert_eq!(first.header("mcp-method"), Some("server/discover"));
    assert_eq!(first.header("mcp-protocol-version"), Some("2026-07-28"));
    let human = run_human(probe(m.url()), 0);
    assert!(human.contains("Every link works"), "{human}");
}

#[test]
fn probe_with_a_valid_token_checks_acceptance_and_forgeries() {
    let (a, m) = setup(&[]);
    let token = a.mint(m.url(), "mcp:read mcp:write", 300);
    let mut c = probe(m.url());
    c.args(["--token", &token]);
    let r = run_json(c, 0);
    assert_eq!(r.status("rs-valid-token-accepted"), "pass");
    assert_eq!(r.status("rs-query-token-ignored"), "pass");
    // garbage + four forged variants, each 401 invalid_token
    let forged = r.all("rs-invalid-token-401");
    assert_eq!(forged.len(), 5, "{forged:#?}");
    assert!(forged.iter().all(|c| c.status == "pass"));
    let text = serde_json::to_string(&r.checks.iter().map(|c| &c.message).collect::<Vec<_>>()).unwrap();
    assert!(!text.contains(&token), "the token must never be printed");
    // The token itself is verified against the chain: its issuer is the PRM's AS, its key that AS's JWKS.
    assert_eq!(r.status("jwt-iss-is-resource-as"), "pass");
    assert_eq!(r.status("jwt-signature-valid"), "pass");
    assert_eq!(r.status("jwt-aud-contains-resource"), "pass");
    assert_eq!(links(&r).last().unwrap(), &("access-token".to_owned(), true));
    let subject = r.all("jwt-signature-valid")[0].subject.clone().unwrap();
    assert!(subject.contains("sha256:") && !subject.contains(&token), "{subject}");
}

#[test]
fn probe_fails_a_token_from_an_authorization_server_the_resource_does_not_list() {
    let (_a, m) = setup(&[]);
    let foreign = AuthServer::builder().start().unwrap();
    let mut c = probe(m.url());
    c.args(["--token", &foreign.mint(m.url(), "mcp:read", 300)]);
    let r = run_json(c, 1);
    assert_eq!(r.status("jwt-iss-is-resource-as"), "fail");
    assert!(r.message("jwt-iss-is-resource-as").contains("authorization_servers"));
    assert_eq!(r.status("rs-valid-token-accepted"), "fail");
    assert_eq!(links(&r).last().unwrap(), &("access-token".to_owned(), false));
}

#[test]
fn probe_verifies_the_token_with_the_given_leeway() {
    let (a, m) = setup(&[]);
    // Expired 20 s ago: within the MCP server's (and the default) 60 s of clock skew, not within 0 s.
    let mut claims = a.claims(m.url(), "mcp:read", 300);
    claims["exp"] = serde_json::json!(mcp_auth::server::auth::now() - 20);
    let token = a.key.sign(&claims);
    let with = |leeway: Option<&str>, exit: i32| {
        let mut c = probe(m.url());
        c.args(["--token", &token]);
        if let Some(l) = leeway {
            c.args(["--leeway", l]);
        }
        run_json(c, exit)
    };
    let strict = with(Some("0"), 1);
    assert_eq!(strict.status("rs-valid-token-accepted"), "pass");
    assert_eq!(strict.failed(), ["jwt-exp-valid"]);
    assert!(
        strict.message("jwt-exp-valid").contains("expired"),
        "{}",
        strict.message("jwt-exp-valid")
    );
    assert_eq!(links(&strict).last().unwrap(), &("access-token".to_owned(), false));
    for lenient in [with(None, 0), with(Some("120"), 0)] {
        assert_eq!(lenient.status("jwt-exp-valid"), "pass");
        assert_eq!(links(&lenient).last().unwrap(), &("access-token".to_owned(), true));
    }
}

#[test]
fn probe_verifies_the_token_with_the_given_algorithms_only() {
    let (a, m) = setup(&[]);
    let token = a.mint(m.url(), "mcp:read", 300); // ES256
    let with = |algs: &[&str]| {
        let mut c = probe(m.url());
        c.args(["--token", &token]);
        for alg in algs {
            c.args(["--algorithm", alg]);
        }
        c
    };
    let refused = run_json(with(&["RS256", "PS256"]), 1);
    // The server accepts it; the allow-list given to probe does not.
    assert_eq!(refused.status("rs-valid-token-accepted"), "pass");
    assert_eq!(refused.failed(), ["jwt-alg-allowlisted"]);
    let why = refused.message("jwt-alg-allowlisted");
    assert!(why.contains("ES256") && why.contains("RS256, PS256"), "{why}");
    assert_eq!(links(&refused).last().unwrap(), &("access-token".to_owned(), false));
    let accepted = run_json(with(&["ES256"]), 0);
    assert_eq!(accepted.status("jwt-alg-allowlisted"), "pass");
    assert_eq!(accepted.status("jwt-signature-valid"), "pass");
    // As verify-token: unsigned tokens are never allowed.
    with(&["none"]).assert().code(2);
}

#[test]
fn probe_fails_when_the_401_has_no_www_authenticate() {
    let (_a, m) = setup(&[McpFlaw::NoWwwAuthenticate]);
    let r = run_json(probe(m.url()), 1);
    assert_eq!(r.status("rs-www-authenticate-present"), "fail");
    assert_eq!(r.failed()[0], "rs-www-authenticate-present");
    // The well-known fallback still finds the metadata, so the rest of the chain is checked.
    assert_eq!(r.resource_metadata.as_ref().unwrap()["found_via"], "path-well-known");
    let human = run_human(probe(m.url()), 1);
    assert!(human.contains("First broken link: the MCP server"), "{human}");
}

#[test]
fn probe_header_without_resource_metadata_fails_in_2025_06_18_and_warns_later() {
    let (_a, m) = setup(&[McpFlaw::NoResourceMetadataParam]);
    let r = run_json(probe(m.url()), 0);
    assert_eq!(r.status("rs-resource-metadata-param"), "warn");
    let mut c = probe(m.url());
    c.args(["--spec", "2025-06-18"]);
    let r = run_json(c, 1);
    assert_eq!(r.status("rs-resource-metadata-param"), "fail");
    let mut c = probe(m.url());
    c.arg("--strict");
    run_json(c, 1);
}

#[test]
fn probe_prm_only_at_the_root_fails_the_exact_resource_match() {
    let (_a, m) = setup(&[McpFlaw::PrmOnlyAtRoot]);
    let r = run_json(probe(m.url()), 1);
    assert_eq!(r.resource_metadata.as_ref().unwrap()["found_via"], "root-well-known");
    assert_eq!(r.status("prm-resource-matches"), "fail");
    assert!(r.message("prm-resource-matches").contains("TypeScript SDK"));
    assert_eq!(r.failed(), ["prm-resource-matches"]);
}

#[test]
fn probe_fails_a_resource_mismatch_and_says_the_sdk_would_reject_it() {
    let (_a, m) = setup(&[McpFlaw::ResourceMismatch]);
    let r = run_json(probe(m.url()), 1);
    assert_eq!(r.failed(), ["prm-resource-matches"]);
    assert!(r.message("prm-resource-matches").contains("reject it too"));
}

#[test]
fn probe_fails_an_empty_authorization_server_list() {
    let (_a, m) = setup(&[McpFlaw::NoAuthorizationServers]);
    let r = run_json(probe(m.url()), 1);
    assert_eq!(r.status("prm-authorization-servers-nonempty"), "fail");
    assert!(!links(&r).iter().any(|(l, _)| l == "authorization-server"));
}

#[test]
fn probe_checks_every_authorization_server_and_flags_the_broken_second_one() {
    let (_a, m) = setup(&[McpFlaw::SecondAuthorizationServerBroken]);
    let r = run_json(probe(m.url()), 1);
    let l = links(&r);
    assert_eq!(l.iter().filter(|(k, _)| k == "authorization-server").count(), 2);
    let as_links: Vec<bool> = l
        .iter()
        .filter(|(k, _)| k == "authorization-server")
        .map(|(_, ok)| *ok)
        .collect();
    assert_eq!(as_links, [true, false]);
    assert_eq!(r.failed(), ["as-pkce-s256"]);
    let broken = m.extra_auth.as_ref().unwrap().issuer().to_owned();
    let chain = r.chain.as_ref().unwrap();
    assert!(chain.iter().any(|k| k.subject == broken && !k.ok));
}

/// A PRM listing 40 authorization servers gets 16 of them fetched, and a warning saying so.
#[test]
fn probe_fetches_a_bounded_number_of_authorization_servers() {
    let a = AuthServer::builder().start().unwrap();
    let m = crate::support::mcp_listing_forty_servers(&a);
    let r = run_json(probe(m.url()), 1);
    assert_eq!(
        crate::support::extra_servers_fetched(&a),
        15,
        "the listed server and 15 more"
    );
    let warned = r.all("prm-authorization-servers-are-issuers");
    assert!(
        warned
            .iter()
            .any(|c| c.status == "warn" && c.message.contains("lists 40 servers")),
        "{warned:#?}"
    );
}

#[test]
fn probe_fails_a_server_that_accepts_forged_tokens() {
    let (a, m) = setup(&[McpFlaw::AcceptsForgedTokens]);
    let mut c = probe(m.url());
    c.args(["--token", &a.mint(m.url(), "mcp:read", 300)]);
    let r = run_json(c, 1);
    assert_eq!(r.failed().iter().filter(|id| **id == "rs-invalid-token-401").count(), 4);
    assert!(r.message("rs-invalid-token-401").contains("ACCEPTED"));
}

#[test]
fn probe_fails_a_server_that_answers_500_to_a_bad_token() {
    let (_a, m) = setup(&[McpFlaw::ServerErrorOnBadToken]);
    let r = run_json(probe(m.url()), 1);
    assert_eq!(r.failed(), ["rs-invalid-token-401"]);
    assert!(r.message("rs-invalid-token-401").contains("500"));
}

/// Issue 13 item 16: a 5xx to the request without a token says nothing about authorization: exit 3 with
/// an `http-status` error, not exit 1 with `rs-unauthenticated-401` failed.
#[test]
fn probe_cannot_evaluate_a_server_that_errors_without_a_token() {
    let (_a, m) = setup(&[McpFlaw::ServerErrorWithoutToken]);
    let r = run_json(probe(m.url()), 3);
    assert!(r.failed().is_empty(), "{:?}", r.failed());
    let e = r.error.as_ref().expect("error");
    assert_eq!(e.kind, "http-status");
    assert!(
        e.message.contains("503") && e.message.contains("nothing about its authorization"),
        "{}",
        e.message
    );
    assert_eq!(r.status("rs-unauthenticated-401"), "skip");
    let human = run_human(probe(m.url()), 3);
    assert!(human.contains("the server errored"), "{human}");
}

#[test]
fn probe_reports_a_403_without_insufficient_scope() {
    let (a, m) = setup(&[McpFlaw::Forbidden403WithoutInsufficientScope]);
    let token = a.mint(m.url(), "unrelated", 300);
    let mut c = probe(m.url());
    c.args(["--token", &token, "--strict"]);
    let r = run_json(c, 1);
    assert_eq!(r.status("rs-insufficient-scope-403"), "warn");
    assert_eq!(r.status("rs-valid-token-accepted"), "fail");
    let m403 = r.message("rs-valid-token-accepted");
    assert!(
        m403.contains("names no scope") && m403.contains("the token has scope \"unrelated\""),
        "{m403}"
    );
    // The good server's 403 carries the three parameters; the token still cannot be used there (issue 13
    // item 17): rs-valid-token-accepted fails and says what was asked for and what the token has.
    let (a, m) = setup(&[]);
    let mut c = probe(m.url());
    c.args(["--token", &a.mint(m.url(), "unrelated", 300)]);
    let r = run_json(c, 1);
    assert_eq!(r.status("rs-insufficient-scope-403"), "pass");
    assert_eq!(r.failed(), ["rs-valid-token-accepted"]);
    let m403 = r.message("rs-valid-token-accepted");
    assert!(
        m403.contains("asks for scope \"mcp:read\"") && m403.contains("the token has scope \"unrelated\""),
        "{m403}"
    );
}

#[test]
fn probe_fails_a_server_that_accepts_query_tokens() {
    let (a, m) = setup(&[McpFlaw::AcceptsQueryToken]);
    let mut c = probe(m.url());
    c.args(["--token", &a.mint(m.url(), "mcp:read", 300)]);
    let r = run_json(c, 1);
    assert_eq!(r.failed(), ["rs-query-token-ignored"]);
    // The token in the query never reaches the output.
    assert!(!r.message("rs-query-token-ignored").contains("eyJ"));
}

#[test]
fn probe_checks_a_foreign_token_is_rejected_only_when_given() {
    let (a, m) = setup(&[]);
    let foreign = a.mint("https://other.example/mcp", "mcp:read", 300);
    let mut c = probe(m.url());
    c.args([
        "--token",
        &a.mint(m.url(), "mcp:read", 300),
        "--foreign-token",
        &foreign,
    ]);
    let r = run_json(c, 0);
    assert_eq!(
        r.status("rs-wrong-audience-rejected"),
        "pass",
        "{}",
        r.message("rs-wrong-audience-rejected")
    );
    let r = run_json(probe(m.url()), 0);
    assert_eq!(r.status("rs-wrong-audience-rejected"), "skip");
    assert!(r.message("rs-wrong-audience-rejected").contains("--foreign-token"));
}

#[test]
fn probe_fails_a_server_that_ignores_the_audience() {
    let (a, m) = setup(&[McpFlaw::IgnoresAudience]);
    let foreign = a.mint("https://other.example/mcp", "mcp:read", 300);
    let mut c = probe(m.url());
    c.args(["--foreign-token", &foreign]);
    let r = run_json(c, 1);
    assert_eq!(r.failed(), ["rs-wrong-audience-rejected"]);
    assert!(r.message("rs-wrong-audience-rejected").contains("does not check aud"));
    let text = format!("{:?}", r.checks);
    assert!(!text.contains(foreign.rsplit('.').next().unwrap()));
}

#[test]
fn probe_falls_back_to_an_older_request_shape_on_400() {
    let (a, m) = setup(&[McpFlaw::RejectsNewestRequestShape]);
    let mut c = probe(m.url());
    c.args(["--token", &a.mint(m.url(), "mcp:read", 300)]);
    let r = run_json(c, 0);
    assert_eq!(r.protocol_revision.as_deref(), Some("2025-11-25"));
    let shapes = r.request_shapes.as_ref().unwrap().as_array().unwrap().clone();
    assert_eq!(shapes[0]["status"], 400);
    assert_eq!(shapes[0]["jsonrpc_error"], -32020);
    assert_eq!(shapes[1]["status"], 401);
    // Later requests (the token tests) use the shape the server accepted; the garbage token sent early in
    // the newest shape got that shape's 400, which is no verdict on the token: it was sent again.
    assert_eq!(r.status("rs-valid-token-accepted"), "pass");
    let garbage = r.all("rs-invalid-token-401");
    assert!(garbage.iter().all(|c| c.status == "pass"), "{garbage:#?}");
    assert_eq!(r.status("rs-unauthenticated-401"), "pass");
    assert!(
        r.all("rs-unauthenticated-401")
            .iter()
            .any(|c| c.status == "info" && c.message.contains("-32020")),
        "the fallback is reported"
    );
}

/// Found by the interop suite (MCP TypeScript SDK): authorization runs before the MCP headers are read, so
/// the newest shape gets 401 without a token and 400 with a valid one. That 400 is no authorization verdict.
#[test]
fn probe_falls_back_with_the_token_when_the_server_authorizes_before_reading_the_shape() {
    let (a, m) = setup(&[McpFlaw::RejectsNewestRequestShapeAfterAuth]);
    let mut c = probe(m.url());
    c.args(["--token", &a.mint(m.url(), "mcp:read", 300)]);
    let r = run_json(c, 0);
    assert_eq!(
        r.status("rs-valid-token-accepted"),
        "pass",
        "{}",
        r.message("rs-valid-token-accepted")
    );
    assert_eq!(r.protocol_revision.as_deref(), Some("2025-11-25"));
    let shapes = r.request_shapes.as_ref().unwrap().as_array().unwrap().clone();
    assert_eq!(shapes.len(), 3, "{shapes:?}");
    assert_eq!(
        (&shapes[0]["status"], &shapes[0]["with_token"]),
        (&401.into(), &false.into())
    );
    assert_eq!(shapes[1]["revision"], "2026-07-28");
    assert_eq!(
        (&shapes[1]["status"], &shapes[1]["with_token"]),
        (&400.into(), &true.into())
    );
    assert_eq!(shapes[1]["jsonrpc_error"], -32000);
    assert_eq!(
        (&shapes[2]["revision"], &shapes[2]["status"]),
        (&"2025-11-25".into(), &200.into())
    );
    assert!(
        r.all("rs-valid-token-accepted")
            .iter()
            .any(|c| c.status == "info" && c.message.contains("speaks MCP 2025-11-25")),
        "the fallback is reported"
    );
    // The forged copies went out in the accepted shape too: 401, not the shape's 400.
    assert!(r.all("rs-invalid-token-401").iter().all(|c| c.status == "pass"));
}

#[test]
fn probe_exits_3_when_unreachable_and_2_on_a_bad_url() {
    let r = run_json(probe("http://127.0.0.1:9/mcp"), 3);
    assert_eq!(r.error.unwrap().kind, "connect");
    let chain = r.chain.expect("chain");
    assert_eq!(chain.len(), 1);
    assert!(!chain[0].ok, "the link the walk could not reach is not ok");
    // Human: the link is [unreachable], no empty tables even with -v, the error last on stderr with a hint.
    let out = probe("http://127.0.0.1:9/mcp").arg("-v").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("1. resource-server http://127.0.0.1:9/mcp [unreachable]"),
        "{stdout}"
    );
    assert!(!stdout.contains("Request shapes"), "no empty table:\n{stdout}");
    let last: Vec<&str> = stderr.lines().rev().take(2).collect();
    assert!(
        last[1].starts_with("mcp-auth: error: ") && last[0].contains("hint: nothing is listening"),
        "{stderr}"
    );
    run_human(probe("not a url"), 2);
}

#[test]
fn probe_fails_a_cross_origin_redirect_without_following_it() {
    let s = mcp_auth::server::MockServer::start().unwrap();
    s.fixed(
        "/mcp",
        mcp_auth::server::Reply::new(302).header("location", "https://login.example.com/authorize"),
    );
    let r = run_json(probe(&s.url("/mcp")), 1);
    assert_eq!(r.status("rs-unauthenticated-401"), "fail");
    assert!(r.message("rs-unauthenticated-401").contains("login.example.com"));
    assert_eq!(r.status("prm-discovery-order"), "fail");
    // The unauthenticated POST and the garbage-token POST; a redirect is no reason to try older shapes.
    assert_eq!(s.hits_on("/mcp"), 2);
}

#[test]
fn probe_fails_when_an_earlier_well_known_candidate_answers_5xx() {
    let (a, m) = setup(&[McpFlaw::NoResourceMetadataParam]);
    // Break the path-suffixed URL; serve the document at the root instead (resource = origin, as RFC 9728 wants there).
    m.server.fixed(
        "/.well-known/oauth-protected-resource/mcp",
        mcp_auth::server::Reply::new(503),
    );
    let mut doc = m.metadata().clone();
    doc["resource"] = serde_json::json!(m.server.base_url());
    doc["authorization_servers"] = serde_json::json!([a.issuer()]);
    m.server.fixed(
        "/.well-known/oauth-protected-resource",
        mcp_auth::server::Reply::json(&doc),
    );
    let r = run_json(probe(m.url()), 1);
    assert_eq!(r.failed(), ["prm-discovery-order"]);
    assert_eq!(r.resource_metadata.as_ref().unwrap()["found_via"], "root-well-known");
    assert_eq!(r.status("prm-resource-matches"), "pass");
}

#[test]
fn probe_fails_a_token_the_server_refuses() {
    let (a, m) = setup(&[]);
    let mut c = probe(m.url());
    c.args(["--token", &a.mint("https://elsewhere.example/mcp", "mcp:read", 300)]);
    let r = run_json(c, 1);
    // The server refuses it, and verifying it against the chain says why: it is for another resource.
    assert_eq!(r.failed(), ["rs-valid-token-accepted", "jwt-aud-contains-resource"]);
    assert!(r.message("rs-valid-token-accepted").contains("verify-token"));
}

#[test]
fn probe_fails_metadata_served_as_text() {
    let (_a, m) = setup(&[]);
    let path = "/.well-known/oauth-protected-resource/mcp";
    m.server.fixed(
        path,
        mcp_auth::server::Reply::new(200)
            .header("content-type", "text/plain")
            .body(m.metadata().to_string()),
    );
    let r = run_json(probe(m.url()), 1);
    assert_eq!(r.failed(), ["prm-status-200-json"]);
}

fn probe_2025_03_26(url: &str) -> assert_cmd::Command {
    let mut c = probe(url);
    c.args(["--spec", "2025-03-26"]);
    c
}

/// MCP 2025-03-26: no PRM; the authorization server is discovered from RFC 8414 metadata at the MCP
/// server's origin (the authorization base URL), and a token whose issuer is that origin verifies.
#[test]
fn probe_2025_03_26_discovers_the_authorization_server_at_the_origin() {
    let a = AuthServer::builder().start().unwrap();
    let m = McpServer::builder().serve_as_metadata_at_origin(&a).start().unwrap();
    let base = m.server.base_url();
    let mut claims = a.claims(m.url(), "mcp:read mcp:write", 300);
    claims["iss"] = serde_json::json!(base);
    let token = a.key.sign(&claims);
    let mut c = probe_2025_03_26(m.url());
    c.args(["--token", &token]);
    let r = run_json(c, 0);
    assert!(r.failed().is_empty(), "{:?}", r.failed());
    assert_eq!(r.spec, "2025-03-26");
    assert_eq!(r.status("rs-unauthenticated-401"), "pass");
    assert_eq!(r.status("as-default-endpoints-fallback"), "pass");
    assert_eq!(r.level("as-default-endpoints-fallback"), "must");
    for id in ["as-discovery-url-order", "as-issuer-matches", "as-jwks-valid"] {
        assert_eq!(r.status(id), "pass", "{id}: {}", r.message(id));
    }
    // PRM is looked for, as information only: this one lists no authorization server.
    assert_eq!(r.status("prm-authorization-servers-nonempty"), "info");
    assert_eq!(
        links(&r),
        [
            ("resource-server".into(), true),
            ("authorization-server".into(), true),
            ("jwks".into(), true),
            ("protected-resource-metadata".into(), true),
            ("access-token".into(), true),
        ]
    );
    let chain = r.chain.as_ref().unwrap();
    assert_eq!(chain[1].subject, base);
    let servers = r.authorization_servers.as_ref().unwrap();
    assert_eq!(servers[0]["issuer"], base.as_str());
    assert_eq!(
        servers[0]["metadata_url"],
        format!("{base}/.well-known/oauth-authorization-server").as_str()
    );
    // The token is verified against the origin's metadata and key set.
    for id in [
        "rs-valid-token-accepted",
        "jwt-iss-is-resource-as",
        "jwt-signature-valid",
    ] {
        assert_eq!(r.status(id), "pass", "{id}: {}", r.message(id));
    }
    // Later revisions do not look at the origin: without PRM naming a server, there is none.
    let r = run_json(probe(m.url()), 1);
    assert!(r.all("as-default-endpoints-fallback").is_empty());
    assert_eq!(r.status("prm-authorization-servers-nonempty"), "fail");
}

/// The same server without origin metadata: 2025-03-26 clients fall back to the default endpoints,
/// reported as information (never a failure), with what newer clients need.
#[test]
fn probe_2025_03_26_reports_the_default_endpoints_fallback_without_origin_metadata() {
    let a = AuthServer::builder().start().unwrap();
    let m = McpServer::builder()
        .trust_key(a.issuer(), &a.key.public_jwk)
        .start()
        .unwrap();
    let base = m.server.base_url();
    let r = run_json(probe_2025_03_26(m.url()), 0);
    assert!(r.failed().is_empty(), "{:?}", r.failed());
    assert_eq!(r.status("as-default-endpoints-fallback"), "info");
    let msg = r.message("as-default-endpoints-fallback");
    for part in [
        format!("{base}/.well-known/oauth-authorization-server (HTTP 404)"),
        format!("{base}/authorize, {base}/token and {base}/register"),
        "2025-06-18+ clients do not use them".to_owned(),
        "protected resource metadata".to_owned(),
    ] {
        assert!(msg.contains(&part), "{part} not in {msg}");
    }
    assert!(r.all("as-issuer-matches").is_empty(), "no metadata, no metadata checks");
    let servers = r.authorization_servers.as_ref().unwrap();
    assert_eq!(
        servers[0]["default_endpoints"]["token_endpoint"],
        format!("{base}/token").as_str()
    );
    assert_eq!(links(&r)[1], ("authorization-server".to_owned(), true));
    let human = run_human(probe_2025_03_26(m.url()), 0);
    assert!(human.contains("as-default-endpoints-fallback"), "{human}");
    assert!(human.contains("Every link works: MCP server → its origin's"), "{human}");
}

/// A normal 2025-06-18+ server (PRM naming a separate AS, nothing at the origin) is not failed under
/// 2025-03-26: the fallback is information and names the PRM route, the PRM-listed AS is still checked,
/// and a token from that AS still verifies.
#[test]
fn probe_2025_03_26_does_not_fail_a_prm_server_without_origin_metadata() {
    let (a, m) = setup(&[]);
    let mut c = probe_2025_03_26(m.url());
    c.args(["--token", &a.mint(m.url(), "mcp:read", 300)]);
    let r = run_json(c, 0);
    assert!(r.failed().is_empty(), "{:?}", r.failed());
    assert_eq!(r.status("as-default-endpoints-fallback"), "info");
    assert!(
        r.message("as-default-endpoints-fallback")
            .contains("named in the protected resource metadata")
    );
    assert_eq!(r.status("prm-discovery-order"), "pass");
    assert_eq!(r.level("prm-discovery-order"), "info");
    assert_eq!(r.status("as-pkce-s256"), "pass");
    assert_eq!(r.status("jwt-iss-is-resource-as"), "pass");
    let servers = r.authorization_servers.as_ref().unwrap();
    assert_eq!(servers.as_array().unwrap().len(), 2);
    assert_eq!(servers[1]["issuer"], a.issuer());
}

/// Issue 13 item 11: over plain http to a host that is not loopback, the user's token is not sent (the
/// token tests are skipped, naming --allow-insecure-token) unless the flag is given; `--token -` reads it
/// from stdin. The remote host is reached through HTTP_PROXY, which is the embedded MCP server itself.
#[test]
fn probe_sends_no_token_over_plain_http_to_a_remote_host_unless_allowed() {
    let (a, m) = setup(&[]);
    let token = a.mint(m.url(), "mcp:read", 300);
    let run = |extra: &[&str]| {
        let mut c = probe("http://mcp.example.test/mcp");
        c.env("HTTP_PROXY", m.server.base_url())
            .args(["--allow-private-addresses", "--token", "-"])
            .args(extra)
            .write_stdin(format!("{token}\n"));
        c
    };
    let with_token = |m: &McpServer| {
        m.server
            .hits()
            .iter()
            .filter(|h| h.bearer() == Some(token.as_str()) || h.query_param("access_token").is_some())
            .count()
    };
    let r = run_json(run(&[]), 1);
    assert!(
        m.server.hits_on("/mcp") > 0,
        "the remote host was not reached through the proxy"
    );
    assert_eq!(with_token(&m), 0, "the token went over plain http");
    for id in ["rs-valid-token-accepted", "rs-query-token-ignored"] {
        assert_eq!(r.status(id), "skip", "{id}");
        assert!(r.message(id).contains("--allow-insecure-token"), "{}", r.message(id));
    }
    let r = run_json(run(&["--allow-insecure-token"]), 1);
    assert_eq!(r.status("rs-valid-token-accepted"), "pass");
    assert!(with_token(&m) > 0);
}
