//! Starts and stops the real peers (`tests/interop/start.mjs`) and talks to them the way a test needs:
//! minting tokens at the real token endpoint, fetching documents, posting to the MCP endpoint.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use mcp_auth::http::{HttpClient, HttpConfig, Request};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;
use url::Url;

/// Set to `1` to skip the interop suite locally (ignored under `CI=true`).
pub const SKIP_ENV: &str = "MCP_AUTH_SKIP_INTEROP";
/// How long the peers may take to print their ready line (npm packages load slowly on a busy 2-core box).
const READY_TIMEOUT: Duration = Duration::from_secs(60);

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("interop")
}

/// Writes once per test binary straight to stderr: libtest captures `eprintln!` of passing tests, and a skip
/// must not be silent.
fn notice(text: &str) {
    use std::io::Write;
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = writeln!(std::io::stderr(), "{text}");
    });
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// The pre-registered clients of `start.mjs`.
#[derive(Clone, Copy, Debug)]
pub enum Client {
    Good,
    /// Tokens live 1 second.
    Expiring,
}

/// The running peers; killed on drop (they also exit when their stdin closes, and after 10 minutes).
pub struct Peers {
    child: Child,
    pub issuer: String,
    pub mcp: String,
    pub prm: String,
    token_endpoint: String,
    clients: Value,
}

impl Peers {
    /// The `BROWSER` command that completes oidc-provider's dev login and consent pages
    /// (`tests/interop/browser.mjs`).
    pub fn browser() -> String {
        format!("node {}", dir().join("browser.mjs").display())
    }

    /// The peers every test of this binary shares, started on first use (a start costs about a second of
    /// Node start-up; once per test was most of the suite's time on a 2-core box). The tests only read from
    /// them and mint tokens, so sharing is safe. Never dropped: they exit when this process (their stdin) ends.
    pub fn shared() -> Option<&'static Peers> {
        static SHARED: std::sync::OnceLock<Option<Peers>> = std::sync::OnceLock::new();
        SHARED.get_or_init(Peers::start).as_ref()
    }

    /// Starts the peers, or returns `None` when the suite is skipped (never under `CI=true`).
    pub fn start() -> Option<Peers> {
        let ci = in_ci();
        if !ci && std::env::var(SKIP_ENV).is_ok_and(|v| v == "1") {
            notice(&format!("interop: skipped ({SKIP_ENV}=1)"));
            return None;
        }
        let installed = dir().join("node_modules").join("oidc-provider").is_dir()
            && dir()
                .join("node_modules")
                .join("@modelcontextprotocol")
                .join("sdk")
                .is_dir();
        if !installed {
            let how = "install them with `npm ci --prefix tests/interop` (needs Node 20+ and npm)";
            assert!(!ci, "interop peers are not installed and CI=true: {how}");
            notice(&format!(
                "interop: SKIPPED — the real peers are not installed; {how} (under CI=true this fails)"
            ));
            return None;
        }
        let mut child = Command::new("node")
            .arg("start.mjs")
            .current_dir(dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("interop: could not run `node` ({e}); install Node 20+ or set {SKIP_ENV}=1"));
        let stderr = Arc::new(Mutex::new(String::new()));
        if let Some(mut err) = child.stderr.take() {
            let sink = stderr.clone();
            std::thread::spawn(move || {
                let mut buf = String::new();
                let _ = err.read_to_string(&mut buf);
                sink.lock().unwrap().push_str(&buf);
            });
        }
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = tx.send(lines.next());
            for _ in lines {} // drain so the peers never block on a full pipe
        });
        let line = match rx.recv_timeout(READY_TIMEOUT) {
            Ok(Some(Ok(line))) => line,
            other => {
                let _ = child.kill();
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(200));
                panic!(
                    "interop: the peers did not start ({other:?}); stderr:\n{}",
                    stderr.lock().unwrap()
                );
            }
        };
        let ready: Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("interop: bad ready line {line:?}: {e}"));
        let s = |k: &str| {
            ready[k]
                .as_str()
                .unwrap_or_else(|| panic!("ready line lacks {k}: {line}"))
                .to_owned()
        };
        Some(Peers {
            issuer: s("issuer"),
            mcp: s("mcp"),
            prm: s("prm"),
            token_endpoint: s("token_endpoint"),
            clients: ready["clients"].clone(),
            child,
        })
    }

    /// `http://127.0.0.1:PORT` of the MCP server.
    pub fn mcp_origin(&self) -> String {
        let u = Url::parse(&self.mcp).expect("mcp url");
        u.origin().ascii_serialization()
    }

    /// Mints an access token at the real token endpoint (client_credentials with an RFC 8707 resource).
    pub fn mint(&self, client: Client, resource: &str, scope: &str) -> String {
        let c = &self.clients[match client {
            Client::Good => "good",
            Client::Expiring => "expiring",
        }];
        let form: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("client_id", c["client_id"].as_str().unwrap())
            .append_pair("client_secret", c["client_secret"].as_str().unwrap())
            .append_pair("resource", resource)
            .append_pair("scope", scope)
            .finish();
        let mut req = Request {
            method: reqwest::Method::POST,
            ..Request::get(Url::parse(&self.token_endpoint).unwrap())
        }
        .header("content-type", "application/x-www-form-urlencoded");
        req.body = Some(form.into_bytes());
        let (status, body) = send(req);
        assert_eq!(status, 200, "token endpoint: {body}");
        let v: Value = serde_json::from_str(&body).expect("token response JSON");
        v["access_token"].as_str().expect("access_token").to_owned()
    }

    pub fn get_json(&self, url: &str) -> Value {
        let (status, body) = send(Request::get(Url::parse(url).unwrap()));
        assert_eq!(status, 200, "{url}: {body}");
        serde_json::from_str(&body).expect("JSON")
    }

    /// POSTs an MCP `initialize` and returns the status.
    pub fn post_mcp(&self, token: Option<&str>) -> u16 {
        let body = serde_json::json!({
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "mcp-auth-interop", "version": "0"}}
        });
        let mut req = Request {
            method: reqwest::Method::POST,
            ..Request::get(Url::parse(&self.mcp).unwrap())
        }
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream");
        if let Some(t) = token {
            req = req.header("authorization", &format!("Bearer {t}"));
        }
        req.body = Some(body.to_string().into_bytes());
        send(req).0
    }

    /// `mcp-auth verify-token TOKEN --resource MCP --issuer ISSUER [extra...]`.
    pub fn verify_token(&self, token: &str, extra: &[&str]) -> assert_cmd::Command {
        let mut c = crate::support::cmd();
        c.args(["verify-token", token, "--resource", &self.mcp, "--issuer", &self.issuer]);
        c.args(extra);
        c
    }

    /// Waits (bounded) until the token's `exp` is in the past.
    pub fn wait_until_expired(&self, token: &str) {
        let exp = unverified_claims(token)["exp"].as_u64().expect("exp");
        for _ in 0..100 {
            if mcp_auth::server::auth::now() > exp {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("token did not expire within 10 s");
    }
}

impl Drop for Peers {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn send(req: Request) -> (u16, String) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = HttpClient::new(HttpConfig::default()).expect("client");
    let resp = rt.block_on(client.send(req)).expect("peer answers");
    (resp.status, String::from_utf8_lossy(&resp.body).into_owned())
}

fn segment(token: &str, i: usize) -> Value {
    let part = token.split('.').nth(i).expect("JWS segment");
    serde_json::from_slice(&B64.decode(part).expect("base64url")).expect("JSON segment")
}

pub fn unverified_header(token: &str) -> Value {
    segment(token, 0)
}

pub fn unverified_claims(token: &str) -> Value {
    segment(token, 1)
}

/// The token with one signature character changed (in the middle, so that it is never a padding bit).
pub fn flip_signature_byte(token: &str) -> String {
    let (head, sig) = token.rsplit_once('.').expect("JWS");
    let mut bytes = sig.as_bytes().to_vec();
    let i = bytes.len() / 2;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    format!("{head}.{}", String::from_utf8(bytes).expect("ascii"))
}
