//! `mcp-auth login` against the embedded authorization and MCP servers. The user agent is curl, run
//! through the `BROWSER` convention: it follows the embedded server's auto-approving 302 to the loopback
//! callback, as a browser would. One test per flaw, each naming its check id.

use crate::support::{Report, cmd, run_human, run_json};
use mcp_auth::server::auth::{AuthServer, Flaw};
use mcp_auth::server::mcp::{McpFlaw, McpServer};

/// A headless browser: follows redirects to the callback and discards the page.
const BROWSER: &str = "curl -sS -L --max-redirs 3 -o /dev/null";

fn login(url: &str) -> assert_cmd::Command {
    let mut c = cmd();
    c.env("BROWSER", BROWSER).args(["login", url, "--login-timeout", "20"]);
    c
}

fn setup(flaws: &[Flaw], mcp_flaws: &[McpFlaw]) -> (AuthServer, McpServer) {
    let a = AuthServer::builder().flaws(flaws.iter().cloned()).start().unwrap();
    let m = McpServer::builder()
        .protected_by(&a)
        .flaws(mcp_flaws.iter().cloned())
        .start()
        .unwrap();
    (a, m)
}

fn links(r: &Report) -> Vec<String> {
    r.chain
        .as_ref()
        .expect("chain")
        .iter()
        .map(|l| l.link.clone())
        .collect()
}

#[test]
fn login_registers_authorizes_exchanges_and_calls() {
    let (a, m) = setup(&[], &[]);
    let mut c = login(m.url());
    c.arg("--test-refresh");
    let r = run_json(c, 0);
    assert!(r.ok, "{:?}", r.failed());
    assert_eq!(r.command, "login");
    assert_eq!(r.registration.as_deref(), Some("dcr"));
    for id in [
        "prm-resource-matches",
        "as-issuer-matches",
        "cl-pkce-supported",
        "cl-registration",
        "cl-dcr-response",
        "cl-redirect-uri-registered",
        "cl-authorization-response",
        "cl-resource-parameter",
        "cl-token-response",
        "cl-token-audience",
        "cl-mcp-call",
        "cl-refresh",
    ] {
        assert_eq!(r.status(id), "pass", "{id}: {}", r.message(id));
    }
    assert_eq!(
        links(&r),
        [
            "protected-resource-metadata",
            "authorization-server",
            "pkce",
            "registration",
            "registration",
            "scopes",
            "authorization",
            "token",
            "access-token",
            "mcp",
            "refresh"
        ]
    );
    // The token and authorization requests carried the resource exactly as the PRM publishes it.
    let token_req = a.server.hits().into_iter().find(|h| h.path == "/token").unwrap();
    assert_eq!(token_req.form_param("resource").as_deref(), Some(m.url()));
    assert_eq!(
        r.token.as_ref().unwrap()["length"].as_u64().map(|n| n > 100),
        Some(true)
    );
}

#[test]
fn pre_registered_confidential_client_uses_basic_auth() {
    let (a, m) = setup(&[Flaw::NoRegistration], &[]);
    a.add_client("my-client", Some("s3cret-value"), &["http://127.0.0.1/callback"]);
    let mut c = login(m.url());
    c.args(["--client-id", "my-client"])
        .env("MCP_AUTH_CLIENT_SECRET", "s3cret-value");
    let r = run_json(c, 0);
    assert_eq!(r.registration.as_deref(), Some("pre-registered"));
    let token_req = a.server.hits().into_iter().find(|h| h.path == "/token").unwrap();
    assert!(token_req.header("authorization").unwrap().starts_with("Basic "));
}

#[test]
fn no_registration_route_names_cl_registration() {
    let (_a, m) = setup(&[Flaw::NoRegistration], &[]);
    let r = run_json(login(m.url()), 3);
    assert_eq!(r.status("cl-registration"), "warn");
    assert_eq!(r.error.as_ref().unwrap().kind, "login-incomplete");
    let msg = r.message("cl-registration");
    assert!(
        msg.contains("no registration_endpoint") && msg.contains("--client-id"),
        "{msg}"
    );
}

#[test]
fn client_id_metadata_document_is_fetched_by_the_server() {
    let (a, m) = setup(&[], &[]);
    let doc_host = mcp_auth::server::MockServer::start().unwrap();
    let client_id = doc_host.url("/client.json");
    doc_host.fixed(
        "/client.json",
        mcp_auth::server::Reply::json(&serde_json::json!({
            "client_id": client_id, "client_name": "test", "redirect_uris": ["http://127.0.0.1/callback"],
            "token_endpoint_auth_method": "none"
        })),
    );
    let mut c = login(m.url());
    c.args(["--client-metadata-url", &client_id]);
    let r = run_json(c, 0);
    assert_eq!(r.registration.as_deref(), Some("cimd"));
    assert_eq!(doc_host.hits_on("/client.json"), 1);
    assert_eq!(a.server.hits_on("/register"), 0);
}

#[test]
fn redirect_uri_rewritten_at_registration_names_cl_redirect_uri_registered() {
    let (a, m) = setup(&[Flaw::RedirectUriMismatch], &[]);
    let r = run_json(login(m.url()), 1);
    assert_eq!(r.status("cl-redirect-uri-registered"), "fail");
    assert!(r.message("cl-redirect-uri-registered").contains("localhost"));
    // The flow stopped before any authorization request.
    assert_eq!(a.server.hits_on("/authorize"), 0);
}

#[test]
fn resource_rejected_names_cl_resource_parameter_and_explains_entra() {
    let (_a, m) = setup(&[Flaw::RejectsResource], &[]);
    let r = run_json(login(m.url()), 1);
    assert_eq!(r.status("cl-resource-parameter"), "fail");
    let msg = r.message("cl-resource-parameter");
    assert!(
        msg.contains("AADSTS9010010") && msg.contains("Application ID URI"),
        "{msg}"
    );
}

#[test]
fn offline_access_refused_names_cl_scope_selection() {
    let (_a, m) = setup(&[Flaw::RefusesOfflineAccess], &[]);
    let r = run_json(login(m.url()), 1);
    assert_eq!(r.status("cl-scope-selection"), "warn");
    assert!(r.message("cl-scope-selection").contains("invalid_scope"));
    assert_eq!(r.status("cl-authorization-response"), "fail");
}

#[test]
fn missing_iss_names_cl_authorization_response_and_the_code_is_not_redeemed() {
    let (a, m) = setup(&[Flaw::NoIssParameter], &[]);
    let r = run_json(login(m.url()), 1);
    assert_eq!(r.status("cl-authorization-response"), "fail");
    assert!(r.message("cl-authorization-response").contains("no iss"));
    assert_eq!(a.server.hits_on("/token"), 0);
}

#[test]
fn token_not_bound_to_the_resource_names_cl_token_audience() {
    let (_a, m) = setup(&[Flaw::TokenNotBoundToResource], &[]);
    let r = run_json(login(m.url()), 1);
    assert_eq!(r.status("cl-token-audience"), "fail");
    assert_eq!(r.status("jwt-aud-contains-resource"), "fail");
    // The MCP server rightly refuses it.
    assert_eq!(r.status("cl-mcp-call"), "fail");
}

#[test]
fn refresh_without_rotation_names_cl_refresh() {
    let (_a, m) = setup(&[Flaw::RefreshWithoutRotation], &[]);
    let mut c = login(m.url());
    c.arg("--test-refresh");
    let r = run_json(c, 0);
    assert_eq!(r.status("cl-refresh"), "warn");
    assert!(r.message("cl-refresh").contains("not rotated"));
}

#[test]
fn refresh_dropping_the_resource_names_cl_refresh() {
    let (_a, m) = setup(&[Flaw::RefreshDropsResource], &[]);
    let mut c = login(m.url());
    c.args(["--test-refresh", "--strict"]);
    let r = run_json(c, 1);
    assert_eq!(r.status("cl-refresh"), "warn");
    assert!(r.message("cl-refresh").contains("no longer bound"));
}

#[test]
fn pkce_not_advertised_stops_before_registration() {
    let (a, m) = setup(&[Flaw::NoPkce], &[]);
    let r = run_json(login(m.url()), 1);
    assert_eq!(r.status("cl-pkce-supported"), "fail");
    assert_eq!(a.server.hits_on("/register"), 0);
}

#[test]
fn issuer_mismatch_stops_with_as_issuer_matches() {
    let (a, m) = setup(&[Flaw::IssuerMismatch], &[]);
    let r = run_json(login(m.url()), 1);
    assert_eq!(r.status("as-issuer-matches"), "fail");
    assert_eq!(a.server.hits_on("/register"), 0);
}

#[test]
fn resource_mismatch_stops_with_prm_resource_matches() {
    let (a, m) = setup(&[], &[McpFlaw::ResourceMismatch]);
    let r = run_json(login(m.url()), 1);
    assert_eq!(r.status("prm-resource-matches"), "fail");
    assert!(a.server.hits().is_empty());
}

#[test]
fn step_up_on_403_reauthorizes_with_the_union_of_scopes() {
    let a = AuthServer::builder().start().unwrap();
    let m = McpServer::builder()
        .protected_by(&a)
        .scopes(&["mcp:read"])
        .required_scope("mcp:admin")
        .start()
        .unwrap();
    let r = run_json(login(m.url()), 0);
    assert_eq!(r.status("cl-step-up"), "pass");
    assert!(r.message("cl-step-up").contains("mcp:read mcp:admin"));
    assert_eq!(a.server.hits_on("/authorize"), 2);
}

#[test]
fn step_up_reported_as_401_names_cl_mcp_call() {
    let a = AuthServer::builder().start().unwrap();
    let m = McpServer::builder()
        .protected_by(&a)
        .scopes(&["mcp:read"])
        .required_scope("mcp:admin")
        .flaw(McpFlaw::StepUpAs401)
        .start()
        .unwrap();
    let r = run_json(login(m.url()), 1);
    assert_eq!(r.status("cl-mcp-call"), "fail");
    assert!(
        r.message("cl-mcp-call").contains("403 insufficient_scope"),
        "{}",
        r.message("cl-mcp-call")
    );
}

#[test]
fn no_resource_is_reported_as_non_compliant() {
    let (_a, m) = setup(&[], &[]);
    let mut c = login(m.url());
    c.arg("--no-resource");
    let r = run_json(c, 1);
    assert_eq!(r.status("cl-resource-parameter"), "fail");
}

#[test]
fn client_credentials_grant() {
    let (a, m) = setup(&[], &[]);
    a.add_client("svc", Some("svc-secret"), &[]);
    let mut c = cmd();
    c.args([
        "login",
        m.url(),
        "--grant",
        "client-credentials",
        "--client-id",
        "svc",
        "--client-secret",
        "svc-secret",
    ]);
    let r = run_json(c, 0);
    assert_eq!(r.status("cl-mcp-call"), "pass");
}

#[test]
fn no_terminal_and_no_browser_fails_at_once() {
    let (a, m) = setup(&[], &[]);
    let mut c = cmd();
    c.env_remove("BROWSER").args(["login", m.url()]);
    let text = run_human(c, 2);
    assert!(text.contains("--no-browser"), "{text}");
    assert!(a.server.hits().is_empty());
}

#[test]
fn print_token_writes_the_bare_token_to_stdout_and_the_report_to_stderr() {
    let (_a, m) = setup(&[], &[]);
    let out = login(m.url()).args(["--print-token", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout.trim();
    assert_eq!(token.split('.').count(), 3, "{stdout}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("\"command\": \"login\"") || stderr.contains("\"command\":\"login\""));
    assert!(!stderr.contains(token));
}

#[test]
fn no_output_mode_prints_the_token() {
    let (a, m) = setup(&[], &[]);
    for mode in [&["--json"][..], &["--output", "junit"], &["-v"], &[]] {
        let out = login(m.url()).args(["--test-refresh"]).args(mode).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{mode:?}");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // Every token the server issued in this run (access and refresh), by its signature or value.
        for h in a.server.hits().iter().filter(|h| h.path == "/token") {
            if let Some(rt) = h.form_param("refresh_token") {
                assert!(!all.contains(&rt), "{mode:?} printed a refresh token");
            }
        }
        for line in all.lines() {
            for word in line.split(|c: char| c.is_whitespace() || c == '"') {
                assert!(
                    word.split('.').count() != 3 || word.len() < 100,
                    "{mode:?} printed a JWT: {word}"
                );
            }
        }
    }
}

#[test]
fn audit_passes_a_good_server_and_names_cl_pkce_enforced_when_the_verifier_is_not_checked() {
    let (_a, m) = setup(&[], &[]);
    let mut c = login(m.url());
    c.arg("--audit");
    let r = run_json(c, 0);
    assert_eq!(r.status("cl-pkce-enforced"), "pass");
    assert_eq!(r.status("cl-code-single-use"), "pass");
    assert_eq!(
        r.status("cl-redirect-uri-enforced"),
        "pass",
        "{}",
        r.message("cl-redirect-uri-enforced")
    );
    assert!(r.message("cl-redirect-uri-enforced").contains("refused (HTTP 400)"));
    let (_a, m) = setup(&[Flaw::PkceNotEnforced], &[]);
    let mut c = login(m.url());
    c.arg("--audit");
    let r = run_json(c, 1);
    assert_eq!(r.failed(), ["cl-pkce-enforced"]);
    assert!(r.message("cl-pkce-enforced").contains("wrong code_verifier"));
}

#[test]
fn audit_names_cl_redirect_uri_enforced_when_the_server_redirects_to_an_unregistered_uri() {
    let (a, m) = setup(&[Flaw::RedirectUriNotChecked], &[]);
    let mut c = login(m.url());
    c.arg("--audit");
    let r = run_json(c, 1);
    assert_eq!(r.failed(), ["cl-redirect-uri-enforced"]);
    let msg = r.message("cl-redirect-uri-enforced");
    assert!(
        msg.contains("/callback-unregistered") && msg.contains("open redirector"),
        "{msg}"
    );
    let unregistered = a
        .server
        .hits()
        .iter()
        .filter(|q| q.path.ends_with("/authorize"))
        .filter(|q| {
            q.query_param("redirect_uri")
                .is_some_and(|u| u.ends_with("/callback-unregistered"))
        })
        .count();
    assert_eq!(
        unregistered, 1,
        "one authorization request with the unregistered redirect URI"
    );
}

#[test]
fn audit_is_inconclusive_when_the_server_answers_an_unregistered_redirect_uri_with_a_login_page() {
    let (_a, m) = setup(&[Flaw::RedirectUriCheckedAfterLogin], &[]);
    let mut c = login(m.url());
    c.arg("--audit");
    let r = run_json(c, 0);
    assert_eq!(r.status("cl-redirect-uri-enforced"), "warn");
    let msg = r.message("cl-redirect-uri-enforced");
    assert!(msg.starts_with("inconclusive:") && msg.contains("HTTP 200"), "{msg}");
    // It says what to do: which URL to open, and what to confirm.
    assert!(
        msg.contains("Check by hand: open http://127.0.0.1:")
            && msg.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A")
            && msg.contains("confirm that the server shows an error instead of redirecting to http://127.0.0.1:"),
        "{msg}"
    );
    assert_eq!(r.status("cl-pkce-enforced"), "pass");
    assert_eq!(r.status("cl-code-single-use"), "pass");
}

/// A P-256 key in a PEM file, and its public JWK as mcp-auth derives it.
fn client_key() -> (tempfile::NamedTempFile, serde_json::Value) {
    let pem = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
        .unwrap()
        .serialize_pem();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &pem).unwrap();
    let jwk = mcp_auth::login::assertion::ClientKey::from_pem(&pem)
        .unwrap()
        .public_jwk;
    (file, jwk)
}

#[test]
fn client_key_authenticates_with_private_key_jwt() {
    let (a, m) = setup(&[], &[]);
    let (key, jwk) = client_key();
    a.add_key_client("svc-jwt", &jwk, &[]);
    let r = run_json(credentials_login(&m, "svc-jwt", key.path()), 0);
    assert_eq!(r.status("cl-mcp-call"), "pass");
    let hits = a.server.hits();
    let token = hits.iter().find(|h| h.path == "/token").expect("a token request");
    assert_eq!(
        token.form_param("client_assertion_type").as_deref(),
        Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    );
    assert!(token.header("authorization").is_none());

    // Another key than the registered one: the server refuses the client, the report says so.
    let (other, _) = client_key();
    let r = run_json(credentials_login(&m, "svc-jwt", other.path()), 1);
    assert_eq!(r.status("cl-token-response"), "fail");
}

#[test]
fn dynamic_registration_with_a_client_key_registers_its_jwks() {
    let (a, m) = setup(&[], &[]);
    let (key, jwk) = client_key();
    let mut c = login(m.url());
    c.arg("--client-key").arg(key.path());
    let r = run_json(c, 0);
    assert_eq!(r.status("cl-mcp-call"), "pass");
    let hits = a.server.hits();
    let reg = hits.iter().find(|h| h.path == "/register").expect("registration");
    let body: serde_json::Value = serde_json::from_slice(&reg.body).unwrap();
    assert_eq!(body["token_endpoint_auth_method"], "private_key_jwt");
    assert_eq!(body["jwks"]["keys"][0]["x"], jwk["x"]);
    let token = hits.iter().find(|h| h.path == "/token").expect("a token request");
    assert!(token.form_param("client_assertion").is_some());
}

/// A TEST-ONLY RSA key file (tests/fixtures/keys) and its public JWK as mcp-auth derives it.
fn rsa_key(name: &str) -> (std::path::PathBuf, serde_json::Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/keys")
        .join(name);
    let pem = std::fs::read_to_string(&path).unwrap();
    let jwk = mcp_auth::login::assertion::ClientKey::from_pem(&pem)
        .unwrap()
        .public_jwk;
    (path, jwk)
}

/// The JOSE header of the `client_assertion` of the first token request.
fn assertion_header(a: &AuthServer) -> serde_json::Value {
    use base64::Engine;
    let hits = a.server.hits();
    let token = hits.iter().find(|h| h.path == "/token").expect("a token request");
    let assertion = token.form_param("client_assertion").expect("a client assertion");
    let header = assertion.split('.').next().unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn credentials_login(m: &McpServer, client_id: &str, key: &std::path::Path) -> assert_cmd::Command {
    let mut c = cmd();
    c.args([
        "login",
        m.url(),
        "--grant",
        "client-credentials",
        "--client-id",
        client_id,
    ])
    .arg("--client-key")
    .arg(key);
    c
}

#[test]
fn an_rsa_client_key_authenticates_with_an_rs256_assertion() {
    let (a, m) = setup(&[], &[]);
    let (key, jwk) = rsa_key("TEST-ONLY-rsa.pem");
    assert_eq!((jwk["kty"].as_str(), jwk["alg"].as_str()), (Some("RSA"), Some("RS256")));
    a.add_key_client("svc-rsa", &jwk, &[]);
    let r = run_json(credentials_login(&m, "svc-rsa", &key), 0);
    assert_eq!(r.status("cl-token-response"), "pass");
    assert_eq!(r.status("cl-mcp-call"), "pass");
    assert_eq!(assertion_header(&a)["alg"], "RS256");

    // The same key in PKCS#1 form is the same client.
    let (pkcs1, _) = rsa_key("TEST-ONLY-rsa-pkcs1.pem");
    run_json(credentials_login(&m, "svc-rsa", &pkcs1), 0);

    // A valid RS256 assertion from a key the client never registered: refused.
    let (attacker, _) = rsa_key("TEST-ONLY-rsa-attacker.pem");
    let (a, m) = setup(&[], &[]);
    a.add_key_client("svc-rsa", &jwk, &[]);
    let r = run_json(credentials_login(&m, "svc-rsa", &attacker), 1);
    assert_eq!(r.status("cl-token-response"), "fail");
    assert!(
        r.message("cl-token-response").contains("invalid_client"),
        "{}",
        r.message("cl-token-response")
    );
    assert_eq!(assertion_header(&a)["alg"], "RS256");

    // A client registered with a P-256 key: the server verifies by that key's type, so an RS256 assertion
    // (whatever its header says) is refused.
    let (_, ec_jwk) = client_key();
    a.add_key_client("svc-ec", &ec_jwk, &[]);
    let r = run_json(credentials_login(&m, "svc-ec", &key), 1);
    assert_eq!(r.status("cl-token-response"), "fail");
}

#[test]
fn dynamic_registration_with_an_rsa_client_key_registers_an_rs256_jwk() {
    let (a, m) = setup(&[], &[]);
    let (key, jwk) = rsa_key("TEST-ONLY-rsa.pem");
    let mut c = login(m.url());
    c.arg("--client-key").arg(&key);
    let r = run_json(c, 0);
    assert_eq!(r.status("cl-mcp-call"), "pass");
    let hits = a.server.hits();
    let reg = hits.iter().find(|h| h.path == "/register").expect("registration");
    let body: serde_json::Value = serde_json::from_slice(&reg.body).unwrap();
    assert_eq!(body["token_endpoint_auth_method"], "private_key_jwt");
    let registered = &body["jwks"]["keys"][0];
    assert_eq!(registered["kty"], "RSA");
    assert_eq!(registered["alg"], "RS256");
    assert_eq!(registered["n"], jwk["n"]);
    assert!(registered.get("d").is_none(), "no private member");
    assert_eq!(assertion_header(&a)["alg"], "RS256");
}

#[test]
fn an_unusable_client_key_is_a_usage_error() {
    let (_a, m) = setup(&[], &[]);
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), "not a key").unwrap();
    let mut c = login(m.url());
    c.arg("--client-key").arg(file.path());
    let text = run_human(c, 2);
    assert!(text.contains("--client-key"), "{text}");
}

#[test]
fn tokens_are_verified_with_one_key_set_fetch_per_login() {
    let (a, m) = setup(&[], &[]);
    let mut c = login(m.url());
    c.arg("--test-refresh");
    let r = run_json(c, 0);
    // The access token and the refreshed one are both verified (jwt-* rows of the verify operation) ...
    assert_eq!(r.status("cl-token-audience"), "pass");
    assert_eq!(r.status("jwt-signature-valid"), "pass");
    // ... against one fetch of the key set.
    let jwks = a.server.hits().iter().filter(|h| h.path.ends_with("/jwks")).count();
    assert_eq!(jwks, 1);
}

#[test]
fn probe_login_logs_in_then_probes_with_that_token() {
    let (a, m) = setup(&[], &[]);
    let mut c = cmd();
    c.env("BROWSER", BROWSER)
        .args(["probe", m.url(), "--login", "--login-timeout", "20"]);
    let r = run_json(c, 0);
    assert_eq!(r.command, "probe");
    // The login's links come first, then the probe's, with the obtained token accepted and forgeries refused.
    let l = links(&r);
    assert_eq!(
        l.first().map(String::as_str),
        Some("protected-resource-metadata"),
        "{l:?}"
    );
    assert!(l.iter().any(|x| x == "token"), "{l:?}");
    assert_eq!(r.status("cl-token-audience"), "pass");
    assert_eq!(r.status("rs-valid-token-accepted"), "pass");
    assert_eq!(r.status("rs-invalid-token-401"), "pass");
    // The token the probe sent is the one the authorization server issued.
    let hits = a.server.hits();
    assert!(hits.iter().any(|h| h.path == "/token"));
}

#[test]
fn probe_login_that_fails_reports_the_login_and_does_not_probe() {
    let (_a, m) = setup(&[Flaw::NoRegistration], &[]);
    let mut c = cmd();
    c.env("BROWSER", BROWSER)
        .args(["probe", m.url(), "--login", "--login-timeout", "20"]);
    let r = run_json(c, 3);
    assert_eq!(r.command, "login");
    assert_eq!(r.status("cl-registration"), "warn");
    assert!(
        r.all("rs-unauthenticated-401").is_empty(),
        "no probe after a failed login"
    );
}

#[test]
fn probe_login_with_a_token_is_a_usage_error() {
    let (a, m) = setup(&[], &[]);
    let mut c = cmd();
    c.env("BROWSER", BROWSER)
        .args(["probe", m.url(), "--login", "--token", "abc"]);
    let text = run_human(c, 2);
    assert!(text.contains("--login obtains the token"), "{text}");
    assert!(a.server.hits().is_empty());
}

#[test]
fn probe_login_flags_without_login_are_a_usage_error_not_ignored() {
    let (a, m) = setup(&[], &[]);
    for flags in [
        &["--audit"][..],
        &["--grant", "client-credentials"],
        &["--client-id", "x"],
    ] {
        let mut c = cmd();
        c.args(["probe", m.url()]).args(flags);
        let text = run_human(c, 2);
        assert!(text.contains("--login"), "{flags:?}: {text}");
    }
    assert!(a.server.hits().is_empty() && m.server.hits().is_empty());
    // A client secret in the environment is not a flag given by mistake: a plain probe still runs.
    let out = cmd()
        .env("MCP_AUTH_CLIENT_SECRET", "s3cret")
        .args(["probe", m.url(), "--json"])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!m.server.hits().is_empty());
}

#[test]
fn no_browser_hands_the_url_to_the_cli_which_prints_it_on_stderr() {
    let (_a, m) = setup(&[], &[]);
    let out = cmd()
        .args(["login", m.url(), "--no-browser", "--login-timeout", "1", "--json"])
        .write_stdin("")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("open this URL to authorize"), "{stderr}");
    assert!(stderr.contains("/authorize?"), "{stderr}");
    // stdout is the report alone.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("open this URL"), "{stdout}");
    assert!(stdout.trim_start().starts_with('{'), "{stdout}");
}

#[test]
fn authorization_server_migration_registers_again_at_the_new_server() {
    let a = AuthServer::builder().start().unwrap();
    let b = AuthServer::builder().start().unwrap();
    let m = McpServer::builder().protected_by(&a).migrates_to(&b).start().unwrap();
    let r = run_json(login(m.url()), 0);
    assert_eq!(r.status("cl-credentials-per-issuer"), "pass");
    assert!(r.message("cl-credentials-per-issuer").contains(b.issuer()));
    assert_eq!(r.status("cl-mcp-call"), "pass");
    // One registration at each server: the first server's client is never used at the second.
    assert_eq!(a.server.hits_on("/register"), 1);
    assert_eq!(b.server.hits_on("/register"), 1);
    let first_client = a
        .server
        .hits()
        .iter()
        .find(|h| h.path == "/token")
        .and_then(|h| h.form_param("client_id"))
        .expect("a token request at the first server");
    assert!(
        b.server
            .hits()
            .iter()
            .all(|h| h.form_param("client_id").as_deref() != Some(first_client.as_str())),
        "the first server's client id reached the second"
    );
}
