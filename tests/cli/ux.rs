//! What users of a network CLI expect: private CAs with `--cacert` (and no way to switch verification off),
//! `HTTPS_PROXY`/`NO_PROXY`, colour rules (`NO_COLOR`, `--color`), progress only on a terminal, clean
//! stdout for machines, `-v` request logs with secrets redacted, `-q` verdict only.

use crate::support::net::{ConnectProxy, TlsFront};
use crate::support::{cmd, run_human, run_json};
use mcp_auth::server::auth::{AuthServer, Flaw, SigningKey};
use mcp_auth::server::{MockServer, Reply};
use serde_json::json;
use std::time::Duration;

const ANSI: &str = "\x1b[";

/// A compliant authorization server reachable ONLY as `https://localhost:PORT` (self-signed certificate).
struct HttpsProvider {
    _backend: MockServer,
    tls: TlsFront,
    cacert: tempfile::NamedTempFile,
}

impl HttpsProvider {
    fn start() -> HttpsProvider {
        let backend = MockServer::start().unwrap();
        let tls = TlsFront::start(backend.addr());
        let issuer = tls.origin();
        let key = SigningKey::generate("tls-key");
        let metadata = crate::support::compliant_metadata(&issuer);
        backend.fixed("/.well-known/oauth-authorization-server", Reply::json(&metadata));
        backend.fixed("/jwks", Reply::json(&json!({"keys": [key.public_jwk]})));
        let cacert = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(cacert.path(), &tls.cert_pem).unwrap();
        HttpsProvider {
            _backend: backend,
            tls,
            cacert,
        }
    }

    fn issuer(&self) -> String {
        self.tls.origin()
    }

    fn cacert(&self) -> &str {
        self.cacert.path().to_str().unwrap()
    }
}

#[test]
fn self_signed_https_fails_with_exit_3_naming_cacert() {
    let p = HttpsProvider::start();
    let text = run_human(
        {
            let mut c = cmd();
            c.args(["check-provider", &p.issuer()]);
            c
        },
        3,
    );
    assert!(text.contains("--cacert"), "{text}");
    let mut c = cmd();
    c.args(["check-provider", &p.issuer()]);
    let r = run_json(c, 3);
    let err = r.error.expect("error object");
    assert_eq!(err.kind, "tls");
    assert!(err.message.contains("pass --cacert"), "{}", err.message);
    // In words, not rustls' Debug text (`Other(OtherError(CaUsedAsEndEntity))`).
    assert!(
        !err.message.contains("Error(") && !err.message.contains("Context {"),
        "{}",
        err.message
    );
}

#[test]
fn cacert_makes_a_private_ca_pass() {
    let p = HttpsProvider::start();
    let mut c = cmd();
    c.args(["check-provider", &p.issuer(), "--cacert", p.cacert()]);
    let r = run_json(c, 0);
    assert!(r.ok, "{:#?}", r.checks);
    assert_eq!(r.status("as-tls-verified"), "pass");
    assert_eq!(r.status("as-endpoints-https"), "pass");
    assert_eq!(r.status("as-jwks-valid"), "pass");
}

#[test]
fn cacert_with_the_wrong_certificate_still_fails() {
    let p = HttpsProvider::start();
    let other = HttpsProvider::start();
    let mut c = cmd();
    c.args(["check-provider", &p.issuer(), "--cacert", other.cacert()]);
    let err = run_json(c, 3).error.unwrap();
    assert_eq!(err.kind, "tls");
    // --cacert was given: the message says those roots do not sign it, not "pass --cacert" again.
    assert!(!err.message.contains("pass --cacert"), "{}", err.message);
}

#[test]
fn cacert_that_is_not_pem_is_a_usage_error() {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), "not a certificate").unwrap();
    let mut c = cmd();
    c.args([
        "check-provider",
        "https://localhost:9",
        "--cacert",
        f.path().to_str().unwrap(),
    ]);
    let text = run_human(c, 2);
    assert!(text.contains("--cacert"), "{text}");
    let mut c = cmd();
    c.args([
        "check-provider",
        "https://localhost:9",
        "--cacert",
        "/nonexistent/ca.pem",
    ]);
    run_human(c, 2);
}

#[test]
fn tls_verification_cannot_be_switched_off() {
    for flag in ["--insecure", "-k", "--no-verify", "--danger-accept-invalid-certs"] {
        let mut c = cmd();
        c.args(["check-provider", "https://localhost:9", flag]);
        run_human(c, 2);
    }
    let help = run_human(
        {
            let mut c = cmd();
            c.arg("--help");
            c
        },
        0,
    );
    assert!(help.contains("TLS verification is never switched off"), "{help}");
}

#[test]
fn https_proxy_is_used_and_no_proxy_bypasses_it() {
    let p = HttpsProvider::start();
    let proxy = ConnectProxy::start();
    let mut c = cmd();
    c.args(["check-provider", &p.issuer(), "--cacert", p.cacert()])
        .env("HTTPS_PROXY", proxy.url())
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    assert!(run_json(c, 0).ok);
    let port = p.issuer().rsplit(':').next().unwrap().to_owned();
    let tunnels = proxy.tunnels();
    assert!(
        tunnels.iter().any(|t| t == &format!("localhost:{port}")),
        "CONNECT through the proxy: {tunnels:?}"
    );

    let before = proxy.tunnels().len();
    let mut c = cmd();
    c.args(["check-provider", &p.issuer(), "--cacert", p.cacert()])
        .env("HTTPS_PROXY", proxy.url())
        .env("NO_PROXY", "localhost");
    assert!(run_json(c, 0).ok);
    assert_eq!(proxy.tunnels().len(), before, "NO_PROXY=localhost bypasses the proxy");
}

fn check_provider(issuer: &str) -> assert_cmd::Command {
    let mut c = cmd();
    c.args(["check-provider", issuer]);
    c
}

fn output(mut c: assert_cmd::Command) -> (Option<i32>, String, String) {
    let out = c.output().expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn colour_follows_tty_no_color_and_the_color_flag() {
    let a = AuthServer::builder().start().unwrap();
    let run = |tty: bool, no_color: bool, flag: Option<&str>| {
        let mut c = check_provider(a.issuer());
        c.env_remove("NO_COLOR");
        if tty {
            c.env("MCP_AUTH_TEST_TTY", "1");
        }
        if no_color {
            c.env("NO_COLOR", "1");
        }
        if let Some(f) = flag {
            c.args(["--color", f]);
        }
        let (code, stdout, _) = output(c);
        assert_eq!(code, Some(0));
        stdout.contains(ANSI)
    };
    assert!(run(true, false, None), "auto on a terminal: colour");
    assert!(!run(false, false, None), "auto on a pipe: no colour");
    assert!(!run(true, true, None), "NO_COLOR wins over a terminal");
    assert!(!run(true, false, Some("never")), "--color never");
    assert!(run(false, false, Some("always")), "--color always, even piped");
    assert!(
        run(false, true, Some("always")),
        "an explicit --color always beats NO_COLOR"
    );
}

#[test]
fn machine_formats_write_only_the_document_to_stdout_even_on_a_terminal() {
    let a = AuthServer::builder().start().unwrap();
    a.server.set_latency(Duration::from_millis(150));
    for format in ["json", "junit"] {
        let mut c = check_provider(a.issuer());
        c.args(["--output", format, "--color", "always"])
            .env("MCP_AUTH_TEST_TTY", "1");
        let (code, stdout, stderr) = output(c);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(stderr.is_empty(), "{format}: nothing on stderr, got {stderr:?}");
        assert!(!stdout.contains(ANSI), "{format}: no colour in documents");
        match format {
            "json" => {
                let doc: serde_json::Value = serde_json::from_str(&stdout).expect("exactly one JSON document");
                assert_eq!(doc["command"], "check-provider");
            }
            _ => {
                assert!(stdout.starts_with("<?xml"), "{stdout}");
                assert_eq!(stdout.matches("<testsuites").count(), 1);
                assert!(stdout.trim_end().ends_with("</testsuites>"), "{stdout}");
            }
        }
    }
}

#[test]
fn progress_is_drawn_only_on_a_terminal_stderr() {
    let a = AuthServer::builder().start().unwrap();
    a.server.set_latency(Duration::from_millis(300));
    let mut c = check_provider(a.issuer());
    c.env("MCP_AUTH_TEST_TTY", "1");
    let (code, _, stderr) = output(c);
    assert_eq!(code, Some(0));
    assert!(stderr.contains("discovering"), "spinner on a terminal: {stderr:?}");

    let (code, _, stderr) = output(check_provider(a.issuer()));
    assert_eq!(code, Some(0));
    assert!(stderr.is_empty(), "no progress on a pipe: {stderr:?}");
}

#[test]
fn verbose_logs_each_request_on_stderr_with_secrets_redacted() {
    let a = AuthServer::builder().issuer_path("/t").start().unwrap();
    let mut c = check_provider(a.issuer());
    c.arg("-v");
    let (code, stdout, stderr) = output(c);
    assert_eq!(code, Some(0), "{stderr}");
    let expected = format!(
        "> GET {}/.well-known/oauth-authorization-server/t -> 200 (",
        a.server.base_url()
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(stderr.contains(" ms)"), "{stderr}");
    assert!(
        stderr.contains("-> 404"),
        "every candidate is logged, 404s too: {stderr}"
    );
    assert!(
        stderr.contains(&format!("> GET {}/jwks -> 200", a.issuer())),
        "{stderr}"
    );
    assert!(!stdout.contains("> GET"), "the log goes to stderr only");

    let secret = "eyJzZWNyZXQiOiJ0b2tlbiJ9";
    let mut c = check_provider(a.issuer());
    let url = format!(
        "{}/.well-known/oauth-authorization-server/t?access_token={secret}",
        a.server.base_url()
    );
    c.args(["-v", "--metadata-url", &url]);
    let (_, _, stderr) = output(c);
    assert!(stderr.contains("access_token=REDACTED"), "{stderr}");
    assert!(!stderr.contains(secret), "{stderr}");
}

#[test]
fn quiet_prints_only_the_verdict() {
    let good = AuthServer::builder().start().unwrap();
    let (code, stdout, stderr) = output({
        let mut c = check_provider(good.issuer());
        c.arg("-q").env("MCP_AUTH_TEST_TTY", "1");
        c
    });
    assert_eq!(code, Some(0));
    assert!(stderr.is_empty(), "{stderr:?}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with("✓ ready for MCP clients"), "{stdout}");

    let bad = AuthServer::builder().flaw(Flaw::PlainPkceOnly).start().unwrap();
    let (code, stdout, stderr) = output({
        let mut c = check_provider(bad.issuer());
        c.arg("--quiet");
        c
    });
    assert_eq!(code, Some(1));
    assert!(stderr.is_empty(), "{stderr:?}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with("✗ 1 problem: as-pkce-s256"), "{stdout}");

    let (code, stdout, _) = output({
        let mut c = check_provider("http://127.0.0.1:9/");
        c.arg("-q");
        c
    });
    assert_eq!(code, Some(3));
    assert!(stdout.starts_with("✗ could not complete (connect): "), "{stdout}");
}
