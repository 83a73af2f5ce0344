//! Interop suite: the built `mcp-auth` against REAL peers on 127.0.0.1 — oidc-provider (a certified OpenID
//! provider) as the authorization server and a protected MCP server built with the official MCP TypeScript
//! SDK (`tests/interop/start.mjs`). What the peers serve and where they deviate from the spec is recorded in
//! `tests/interop/README.md`.
//!
//! The peers are installed with `npm ci --prefix tests/interop` (`.ci/run` does it). With `CI=true` a missing
//! Node or missing peers FAIL the suite; locally, `MCP_AUTH_SKIP_INTEROP=1` skips it, and missing peers skip
//! it with a notice on stderr.

#[path = "../cli/support/mod.rs"]
mod support;

mod peers;

use mcp_auth::server::auth::now;
use peers::Peers;
use support::{cmd, run_json};

/// The shared peers (`Peers::shared()`) or return: the macro keeps every test's first line identical.
macro_rules! peers_or_skip {
    () => {
        match Peers::shared() {
            Some(p) => p,
            None => return,
        }
    };
}

#[test]
fn check_provider_passes_on_oidc_provider() {
    let p = peers_or_skip!();
    let mut c = cmd();
    c.args(["check-provider", &p.issuer]);
    let r = run_json(c, 0);
    assert!(r.ok, "{:#?}", r.checks);
    assert!(r.failed().is_empty(), "{:?}", r.failed());
    for id in [
        "as-issuer-matches",
        "as-pkce-s256",
        "as-response-types-code",
        "as-jwks-valid",
        "as-metadata-consistent",
        "as-iss-response-param",
        "as-client-registration-available",
    ] {
        assert_eq!(r.status(id), "pass", "{id}: {}", r.message(id));
    }
    // oidc-provider serves both documents; RFC 8414's is tried first and wins.
    let discovery = r.discovery.as_ref().expect("discovery member");
    assert!(
        discovery
            .to_string()
            .contains("/.well-known/oauth-authorization-server")
    );
    // Loopback http is a warning, never a failure; no CIMD support is a SHOULD.
    assert_eq!(r.status("as-endpoints-https"), "warn");
    assert_eq!(r.status("as-cimd-supported"), "warn");
}

#[test]
fn check_provider_strict_fails_on_oidc_provider_warnings() {
    let p = peers_or_skip!();
    let mut c = cmd();
    c.args(["check-provider", &p.issuer, "--strict"]);
    let r = run_json(c, 1);
    assert!(!r.ok);
    assert!(r.failed().is_empty(), "warnings only, no failures: {:?}", r.failed());
}

#[test]
fn check_provider_passes_on_oidc_provider_for_every_revision() {
    let p = peers_or_skip!();
    for spec in ["2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"] {
        let mut c = cmd();
        c.args(["check-provider", &p.issuer, "--spec", spec]);
        let r = run_json(c, 0);
        assert_eq!(r.spec, spec);
    }
}

/// Deviation: the SDK's `mcpAuthMetadataRouter` also serves a copy of the AS metadata at the MCP server's own
/// `/.well-known/oauth-authorization-server`. Its `issuer` is the real AS, so a client that treated the MCP
/// origin as an issuer must reject it — and so do we.
#[test]
fn check_provider_rejects_the_sdk_mirror_of_as_metadata_on_the_mcp_origin() {
    let p = peers_or_skip!();
    let mut c = cmd();
    c.args(["check-provider", &p.mcp_origin()]);
    let r = run_json(c, 1);
    assert_eq!(r.status("as-issuer-matches"), "fail");
    assert!(
        r.message("as-issuer-matches").contains(&p.issuer),
        "{}",
        r.message("as-issuer-matches")
    );
}

#[test]
fn verify_token_accepts_a_token_minted_by_the_real_as() {
    let p = peers_or_skip!();
    let token = p.mint(peers::Client::Good, &p.mcp, "mcp:read");
    let r = run_json(p.verify_token(&token, &[]), 0);
    assert!(r.ok, "{:#?}", r.checks);
    signature_verified(&r);
    for id in ["jwt-iss-matches", "jwt-aud-contains-resource", "jwt-exp-valid"] {
        assert_eq!(r.status(id), "pass", "{id}: {}", r.message(id));
    }
}

/// The real token's signature verified. oidc-provider signs ES256 through Node's crypto, which does not normalise
/// to low-S, so about half its tokens carry the high-S form: that is a `warn` naming malleability (README #12),
/// never a failure.
fn signature_verified(r: &support::Report) {
    match r.status("jwt-signature-valid").as_str() {
        "pass" => {}
        "warn" => assert!(
            r.message("jwt-signature-valid").contains("high half"),
            "{}",
            r.message("jwt-signature-valid")
        ),
        other => panic!("jwt-signature-valid is {other}: {}", r.message("jwt-signature-valid")),
    }
}

#[test]
fn verify_token_takes_the_issuer_from_the_sdk_servers_protected_resource_metadata() {
    let p = peers_or_skip!();
    let token = p.mint(peers::Client::Good, &p.mcp, "mcp:read");
    // Only --resource: the SDK router's PRM lists oidc-provider, the token's iss, so it is trusted.
    let mut c = cmd();
    c.args(["verify-token", &token, "--resource", &p.mcp]);
    let r = run_json(c, 0);
    assert!(r.ok, "{:#?}", r.checks);
    for id in ["jwt-iss-is-resource-as", "jwt-iss-matches", "jwt-aud-contains-resource"] {
        assert_eq!(r.status(id), "pass", "{id}: {}", r.message(id));
    }
}

#[test]
fn verify_token_rejects_a_flipped_byte_with_jwt_signature_valid() {
    let p = peers_or_skip!();
    let token = p.mint(peers::Client::Good, &p.mcp, "mcp:read");
    let r = run_json(p.verify_token(&peers::flip_signature_byte(&token), &[]), 1);
    assert_eq!(r.status("jwt-signature-valid"), "fail");
}

#[test]
fn verify_token_rejects_an_expired_token_with_jwt_exp_valid() {
    let p = peers_or_skip!();
    let token = p.mint(peers::Client::Expiring, &p.mcp, "mcp:read");
    p.wait_until_expired(&token);
    let r = run_json(p.verify_token(&token, &["--leeway", "0"]), 1);
    assert_eq!(r.status("jwt-exp-valid"), "fail");
    signature_verified(&r);
}

#[test]
fn verify_token_rejects_a_token_for_another_resource_with_jwt_aud_contains_resource() {
    let p = peers_or_skip!();
    let other = format!("{}/other", p.mcp_origin());
    let token = p.mint(peers::Client::Good, &other, "mcp:read");
    let r = run_json(p.verify_token(&token, &[]), 1);
    assert_eq!(r.status("jwt-aud-contains-resource"), "fail");
    signature_verified(&r);
}

#[test]
fn probe_walks_the_sdk_server_chain_and_passes() {
    let p = peers_or_skip!();
    let mut c = cmd();
    c.args(["probe", &p.mcp]);
    let r = run_json(c, 0);
    assert!(r.ok, "{:#?}", r.checks);
    for id in [
        "rs-unauthenticated-401",
        "rs-www-authenticate-present",
        "rs-bearer-challenge",
        "rs-resource-metadata-param",
        "prm-resource-matches",
        "prm-authorization-servers-nonempty",
        "as-pkce-s256",
        "as-jwks-valid",
    ] {
        assert_eq!(r.status(id), "pass", "{id}: {}", r.message(id));
    }
    // Deviation (README #5): the SDK sends error="invalid_token" on a request without credentials (RFC 6750 §3.1:
    // SHOULD NOT).
    assert_eq!(r.status("rs-no-error-without-credentials"), "warn");
    // Deviation (README #6): no scope in the challenge (requiredScopes is not set).
    assert_eq!(r.status("rs-scope-param"), "warn");
    // Nothing fails; every warning is one of the recorded deviations or loopback http.
    assert!(r.failed().is_empty(), "{:?}", r.failed());
    let expected_warnings = [
        "rs-no-error-without-credentials",
        "rs-scope-param",
        "as-cimd-supported",
        // oidc-provider lists the implicit grant (README #3)
        "as-no-implicit-grant",
        // loopback http (README #2)
        "rs-https",
        "rs-resource-metadata-url-valid",
        "prm-resource-uri-valid",
        "prm-authorization-servers-are-issuers",
        "as-issuer-https-no-query-fragment",
        "as-endpoints-https",
    ];
    for c in r.checks.iter().filter(|c| c.status == "warn") {
        assert!(
            expected_warnings.contains(&c.id.as_str()),
            "unrecorded warning {}: {}",
            c.id,
            c.message
        );
    }
    let chain = r.chain.as_ref().expect("chain");
    assert!(chain.len() >= 3, "401 → PRM → AS at least: {chain:#?}");
}

/// Under 2025-03-26 the probe discovers the AS from the MCP server's origin, where the SDK's
/// `mcpAuthMetadataRouter` serves its mirror of the AS metadata (issuer: the real AS). As with
/// `check-provider` on that origin, the mirror fails `as-issuer-matches` (RFC 8414 §3.3); the PRM route
/// that 2025-06-18+ clients use still passes.
#[test]
fn probe_2025_03_26_rejects_the_sdk_mirror_at_the_origin() {
    let p = peers_or_skip!();
    let mut c = cmd();
    c.args(["probe", &p.mcp, "--spec", "2025-03-26"]);
    let r = run_json(c, 1);
    assert_eq!(r.failed(), ["as-issuer-matches"], "{:#?}", r.checks);
    assert!(r.message("as-issuer-matches").contains(&p.issuer));
    assert_eq!(r.status("as-default-endpoints-fallback"), "pass");
    let chain = r.chain.as_ref().expect("chain");
    assert_eq!(chain[1].link, "authorization-server");
    assert_eq!(chain[1].subject, p.mcp_origin());
    assert!(!chain[1].ok);
    assert!(chain.iter().skip(2).all(|l| l.ok), "{chain:#?}");
}

#[test]
fn probe_with_a_real_token_is_accepted_and_forgeries_are_rejected() {
    let p = peers_or_skip!();
    let token = p.mint(peers::Client::Good, &p.mcp, "mcp:read");
    // A valid token the real AS issued for another resource of the same origin.
    let foreign = p.mint(peers::Client::Good, &format!("{}/other", p.mcp_origin()), "mcp:read");
    let mut c = cmd();
    c.args(["probe", &p.mcp, "--token", &token, "--foreign-token", &foreign]);
    let r = run_json(c, 0);
    assert!(r.failed().is_empty(), "{:?}", r.failed());
    assert_eq!(
        r.status("rs-valid-token-accepted"),
        "pass",
        "{}",
        r.message("rs-valid-token-accepted")
    );
    // Every forgery (garbage, tampered payload, stripped signature, alg none, foreign key) gets 401 invalid_token.
    let forged = r.all("rs-invalid-token-401");
    assert!(forged.len() >= 5, "{forged:#?}");
    assert!(forged.iter().all(|c| c.status == "pass"), "{forged:#?}");
    assert_eq!(r.status("rs-query-token-ignored"), "pass");
    // The SDK's verifier checks aud: the token for another resource gets 401.
    assert_eq!(
        r.status("rs-wrong-audience-rejected"),
        "pass",
        "{}",
        r.message("rs-wrong-audience-rejected")
    );
    // Deviation (README #11): the SDK authorizes before it reads the MCP headers, so every shape gets 401
    // without a token, and the 2026-07-28 shape gets 400 (JSON-RPC -32000, unsupported protocol version) only
    // with the token. The probe falls back with the token and reports the revision the server speaks.
    assert_eq!(r.protocol_revision.as_deref(), Some("2025-11-25"));
    let shapes = r.request_shapes.as_ref().expect("request_shapes").to_string();
    assert!(shapes.contains(r#""jsonrpc_error":-32000"#), "{shapes}");
    assert!(
        r.all("rs-valid-token-accepted")
            .iter()
            .any(|c| c.status == "info" && c.message.contains("speaks MCP 2025-11-25")),
        "the fallback is reported"
    );
    // The real token itself verifies against the chain: oidc-provider is the PRM's authorization server,
    // its JWKS holds the key, and aud is the MCP URL.
    signature_verified(&r);
    for id in ["jwt-iss-is-resource-as", "jwt-aud-contains-resource", "jwt-exp-valid"] {
        assert_eq!(r.status(id), "pass", "{id}: {}", r.message(id));
    }
    let last = r.chain.as_ref().expect("chain").last().expect("links");
    assert_eq!((last.link.as_str(), last.ok), ("access-token", true));
    let rendered = format!("{:?}", r.checks);
    assert!(!rendered.contains(&token), "the full token must never be printed");
    assert!(!rendered.contains(&foreign), "the foreign token must never be printed");
}

#[test]
fn gen_metadata_matches_what_the_sdk_router_serves() {
    let p = peers_or_skip!();
    let served = p.get_json(&p.prm);
    let mut c = cmd();
    c.args([
        "gen-metadata",
        "--resource",
        &p.mcp,
        "--authorization-server",
        &p.issuer,
        "--scope",
        "mcp:read",
        "--scope",
        "mcp:write",
        "--resource-name",
        "mcp-auth interop MCP server",
    ]);
    let out = c.output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mut ours: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON document on stdout");
    // The SDK omits bearer_methods_supported (RFC 9728: omitted means no preference); we default to ["header"].
    assert_eq!(ours["bearer_methods_supported"], serde_json::json!(["header"]));
    ours.as_object_mut().unwrap().remove("bearer_methods_supported");
    assert_eq!(ours, served, "semantically equal apart from bearer_methods_supported");
    // And the URL we say it must be served at is the one the SDK serves it at.
    let mut c = cmd();
    c.args([
        "gen-metadata",
        "--resource",
        &p.mcp,
        "--authorization-server",
        &p.issuer,
    ]);
    let out = c.arg("--json").output().expect("runs");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["well_known_url"], serde_json::json!(p.prm));
}

/// Sanity check of the harness itself: the real AS mints what the token tests rely on.
#[test]
fn the_real_as_mints_jwt_access_tokens_for_the_requested_resource() {
    let p = peers_or_skip!();
    let token = p.mint(peers::Client::Good, &p.mcp, "mcp:read");
    let claims = peers::unverified_claims(&token);
    assert_eq!(claims["aud"], serde_json::json!(p.mcp));
    assert_eq!(claims["iss"], serde_json::json!(p.issuer));
    assert!(claims["exp"].as_u64().unwrap() > now());
    let header = peers::unverified_header(&token);
    assert_eq!(header["typ"], "at+jwt");
    // The SDK server accepts it and rejects a forgery — the behaviour `probe --token` will be checked against.
    assert_eq!(p.post_mcp(Some(&token)), 200);
    assert_eq!(p.post_mcp(Some(&peers::flip_signature_byte(&token))), 401);
    assert_eq!(p.post_mcp(None), 401);
}

/// `mcp-auth login` (or `probe --login`) through oidc-provider's dev login and consent pages.
fn login(args: &[&str]) -> assert_cmd::Command {
    let mut c = cmd();
    c.env("BROWSER", Peers::browser())
        .args(args)
        .args(["--login-timeout", "60"]);
    c
}

#[test]
fn login_through_oidc_providers_login_and_consent_pages_gets_a_verified_token_the_sdk_accepts() {
    let p = peers_or_skip!();
    let r = run_json(login(&["login", &p.mcp]), 0);
    assert!(r.failed().is_empty(), "{:?}", r.failed());
    // Dynamic registration (oidc-provider has no Client ID Metadata Documents), PKCE, state, RFC 9207 iss.
    assert_eq!(r.registration.as_deref(), Some("dcr"));
    for id in [
        "cl-dcr-response",
        "cl-redirect-uri-registered",
        "cl-authorization-response",
        "cl-resource-parameter",
    ] {
        assert_eq!(r.status(id), "pass", "{id}: {}", r.message(id));
    }
    // The token is verified by the verify operation: oidc-provider's key, iss the AS used, aud the MCP URL.
    signature_verified(&r);
    for id in ["cl-token-audience", "jwt-iss-matches", "jwt-aud-contains-resource"] {
        assert_eq!(r.status(id), "pass", "{id}: {}", r.message(id));
    }
    // The SDK server accepts it.
    assert_eq!(r.status("cl-mcp-call"), "pass", "{}", r.message("cl-mcp-call"));
}

#[test]
fn probe_login_probes_the_sdk_server_with_the_token_from_oidc_provider() {
    let p = peers_or_skip!();
    let r = run_json(login(&["probe", &p.mcp, "--login"]), 0);
    assert!(r.failed().is_empty(), "{:?}", r.failed());
    assert_eq!(r.status("cl-token-audience"), "pass");
    assert_eq!(
        r.status("rs-valid-token-accepted"),
        "pass",
        "{}",
        r.message("rs-valid-token-accepted")
    );
    let forged = r.all("rs-invalid-token-401");
    assert!(
        forged.len() >= 5 && forged.iter().all(|c| c.status == "pass"),
        "{forged:#?}"
    );
}
