//! Shared test harness: the built binary with a scrubbed environment, and typed views of the JSON
//! contract (`deny_unknown_fields`, so the contract cannot drift silently).

#![allow(dead_code)]

pub mod net;
pub mod schema;

use assert_cmd::Command;
use serde::Deserialize;

/// Authorization server metadata for `issuer` that meets every MCP requirement (https endpoints, S256,
/// public clients, CIMD, RFC 9207 `iss`).
pub fn compliant_metadata(issuer: &str) -> serde_json::Value {
    serde_json::json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "registration_endpoint": format!("{issuer}/register"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": ["mcp:read"],
        "client_id_metadata_document_supported": true,
        "authorization_response_iss_parameter_supported": true,
    })
}

/// The built `mcp-auth` with a hermetic environment.
pub fn cmd() -> Command {
    let mut c = Command::cargo_bin("mcp-auth").expect("binary built");
    for var in [
        "MCP_AUTH_TOKEN",
        "MCP_AUTH_TEST_TTY",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "COLUMNS",
    ] {
        c.env_remove(var);
    }
    c.env("NO_COLOR", "1").timeout(std::time::Duration::from_secs(60));
    c
}

/// Runs `cmd` with `--json`, checks the exit code, and parses stdout as the contract's document.
pub fn run_json(mut c: Command, expected_exit: i32) -> Report {
    let out = c.arg("--json").output().expect("binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(expected_exit),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let value: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{stdout}"));
    schema::assert_valid(&value);
    serde_json::from_value(value).unwrap_or_else(|e| panic!("stdout is not one contract document ({e}):\n{stdout}"))
}

/// Runs `cmd` in human mode, checks the exit code, returns stdout + stderr.
/// An MCP server whose PRM lists `a` and then 39 more issuers on `a`'s origin (`{issuer}/t1` … `/t39`):
/// more than `probe::MAX_AUTHORIZATION_SERVERS`.
pub fn mcp_listing_forty_servers(a: &mcp_auth::server::auth::AuthServer) -> mcp_auth::server::mcp::McpServer {
    let mut b = mcp_auth::server::mcp::McpServer::builder().protected_by(a);
    for i in 1..40 {
        b = b.authorization_server(&format!("{}/t{i}", a.issuer()));
    }
    b.start().unwrap()
}

/// How many of [`mcp_listing_forty_servers`]'s extra issuers were asked for anything.
pub fn extra_servers_fetched(a: &mcp_auth::server::auth::AuthServer) -> usize {
    let asked: std::collections::HashSet<String> = a
        .server
        .hits()
        .iter()
        .filter_map(|h| {
            h.path
                .split_once("/t")
                .map(|(_, i)| i.split('/').next().unwrap_or_default().to_owned())
        })
        .collect();
    asked.len()
}

pub fn run_human(mut c: Command, expected_exit: i32) -> String {
    let out = c.output().expect("binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(expected_exit), "{text}");
    text
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub command: String,
    pub target: String,
    pub spec: String,
    pub ok: bool,
    pub summary: Summary,
    pub checks: Vec<Check>,
    #[serde(default)]
    pub chain: Option<Vec<Link>>,
    #[serde(default)]
    pub error: Option<ErrorInfo>,
    // Command-specific members. Each is listed so that a new or renamed member fails a test.
    #[serde(default)]
    pub discovery: Option<serde_json::Value>,
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
    #[serde(default)]
    pub jwks_uri: Option<String>,
    /// `demo` steps: what the step expected (`title`, `fail`, `met`).
    #[serde(default)]
    pub expected: Option<serde_json::Value>,
    // probe
    #[serde(default)]
    pub protocol_revision: Option<String>,
    #[serde(default)]
    pub request_shapes: Option<serde_json::Value>,
    #[serde(default)]
    pub challenges: Option<serde_json::Value>,
    #[serde(default)]
    pub resource_metadata: Option<serde_json::Value>,
    #[serde(default)]
    pub authorization_servers: Option<serde_json::Value>,
    // login (and `token`, below)
    #[serde(default)]
    pub resource: Option<String>,
    #[serde(default)]
    pub issuer: Option<String>,
    #[serde(default)]
    pub registration: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub tools: Option<usize>,
    // gen-metadata
    #[serde(default)]
    pub document: Option<serde_json::Value>,
    #[serde(default)]
    pub well_known_url: Option<String>,
    #[serde(default)]
    pub www_authenticate: Option<String>,
    // verify-token, decode-token
    #[serde(default)]
    pub header: Option<serde_json::Value>,
    #[serde(default)]
    pub claims: Option<serde_json::Value>,
    /// Prefix, length and SHA-256 fingerprint; never the token itself.
    #[serde(default)]
    pub token: Option<serde_json::Value>,
    #[serde(default)]
    pub unverified: Option<bool>,
    #[serde(default)]
    pub verify_with: Option<String>,
    /// verify-token --batch: the input line.
    #[serde(default)]
    pub line: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub skip: usize,
    pub info: usize,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub id: String,
    pub level: String,
    pub status: String,
    pub message: String,
    pub spec: String,
    #[serde(default)]
    pub subject: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub link: String,
    pub subject: String,
    pub ok: bool,
    pub checks: Vec<Check>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorInfo {
    pub kind: String,
    pub message: String,
    #[serde(default)]
    pub url: Option<String>,
}

impl Report {
    /// Every result recorded for `id`.
    pub fn all(&self, id: &str) -> Vec<&Check> {
        self.checks.iter().filter(|c| c.id == id).collect()
    }

    /// The worst status recorded for `id` (fail > warn > others); panics if the check is absent.
    pub fn status(&self, id: &str) -> String {
        let all = self.all(id);
        assert!(!all.is_empty(), "{id} not in report: {:#?}", self.checks);
        for s in ["fail", "warn"] {
            if all.iter().any(|c| c.status == s) {
                return s.into();
            }
        }
        all[0].status.clone()
    }

    /// The level recorded for `id` (the first result).
    pub fn level(&self, id: &str) -> String {
        self.all(id)
            .first()
            .unwrap_or_else(|| panic!("{id} not in report"))
            .level
            .clone()
    }

    /// The message of the worst result for `id`.
    pub fn message(&self, id: &str) -> String {
        let s = self.status(id);
        self.all(id)
            .into_iter()
            .find(|c| c.status == s)
            .unwrap()
            .message
            .clone()
    }

    /// Ids of failed checks.
    pub fn failed(&self) -> Vec<&str> {
        self.checks
            .iter()
            .filter(|c| c.status == "fail")
            .map(|c| c.id.as_str())
            .collect()
    }
}
