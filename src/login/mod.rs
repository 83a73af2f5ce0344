//! `login`: obtain a token the way an MCP client does (discovery, registration, authorization with PKCE,
//! token exchange with RFC 8707 `resource`, the MCP calls, step-up, refresh), with every step a check of
//! the catalogue's `cl-*` rows. Options in, a [`LoginOutcome`] out; failed checks are data.
//!
//! One file per stage: [`discover`], [`registration`], [`authorize`] (PKCE, state, the loopback callback,
//! the browser), [`token`] (exchange, errors explained), [`audience`] (the token verified with the library's
//! verify operation), [`mcp`] (the calls and step-up), [`refresh`].

pub mod assertion;
pub mod audience;
pub mod audit;
pub mod authorize;
pub mod discover;
pub mod mcp;
pub mod migration;
pub mod refresh;
pub mod registration;
pub mod token;

use crate::http::HttpClient;
use crate::jwt::SecretToken;
use crate::report::{ChainLink, CheckResult, Checks, ErrorInfo, verdict};
use crate::spec::SpecRevision;
use serde_json::{Map, Value};
use std::time::Duration;
use url::Url;

/// At most this many authorization requests in one login (the first and the step-ups).
pub const MAX_AUTHORIZATIONS: usize = 3;

/// Which registration route to take (`--registration`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistrationMode {
    /// The MCP spec's order: pre-registered, then Client ID Metadata Document, then dynamic registration.
    Auto,
    PreRegistered,
    Cimd,
    Dcr,
}

/// Which grant obtains the token (`--grant`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantKind {
    AuthorizationCode,
    ClientCredentials,
}

/// Where `--no-browser` shows the authorization URL: the caller's (the library never prints).
pub type ShowUrl = std::sync::Arc<dyn Fn(&str) + Send + Sync>;

/// How the authorization URL reaches a user agent.
#[derive(Clone)]
pub enum Browser {
    /// Run this command (the `BROWSER` convention) with the URL.
    Command(String),
    /// Open the system browser.
    System,
    /// Hand the URL to the caller to show; accept the callback or a pasted redirect URL on stdin
    /// (`--no-browser`).
    Manual(ShowUrl),
    /// No user: follow the authorization server's redirects to the loopback callback (an auto-approving
    /// server such as the embedded one of `demo`). At most 3 redirects, the last to the callback.
    Follow,
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Browser::Command(c) => f.debug_tuple("Command").field(c).finish(),
            Browser::System => f.write_str("System"),
            Browser::Manual(_) => f.write_str("Manual"),
            Browser::Follow => f.write_str("Follow"),
        }
    }
}

/// What `login` is asked to do.
#[derive(Clone)]
pub struct LoginOptions {
    pub client_id: Option<String>,
    pub client_secret: Option<SecretToken>,
    /// `--client-key`: authenticate with `private_key_jwt` (RFC 7523) when the server supports it.
    pub client_key: Option<assertion::ClientKey>,
    pub client_metadata_url: Option<String>,
    pub registration: RegistrationMode,
    pub grant: GrantKind,
    pub callback_port: Option<u16>,
    pub browser: Browser,
    pub timeout: Duration,
    pub no_resource: bool,
    pub scope: Option<String>,
    /// `--call TOOL` with its arguments.
    pub call: Option<(String, Value)>,
    pub test_refresh: bool,
    /// `--audit`: also check that a wrong `code_verifier`, a replayed code and an unregistered redirect URI
    /// are refused.
    pub audit: bool,
}

impl std::fmt::Debug for LoginOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginOptions")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "(redacted)"))
            .field("client_key", &self.client_key)
            .field("registration", &self.registration)
            .field("grant", &self.grant)
            .finish_non_exhaustive()
    }
}

/// The result of a login: the links walked, the facts for the JSON report, and the token (never shown
/// except by `--print-token`).
#[derive(Debug)]
pub struct LoginOutcome {
    pub chain: Vec<ChainLink>,
    pub error: Option<ErrorInfo>,
    pub facts: Map<String, Value>,
    pub token: Option<SecretToken>,
}

impl LoginOutcome {
    pub fn checks(&self) -> Vec<CheckResult> {
        self.chain.iter().flat_map(|l| l.checks.iter().cloned()).collect()
    }
}

/// Why the flow stopped early: a failing check (already recorded) or an error.
#[derive(Debug)]
pub enum Stop {
    Check,
    Error(ErrorInfo),
}

/// One login in progress: the HTTP client, the options, and the links recorded so far.
pub struct Run<'a> {
    pub client: &'a HttpClient,
    pub opts: &'a LoginOptions,
    pub spec: SpecRevision,
    pub chain: Vec<ChainLink>,
    pub facts: Map<String, Value>,
    /// The verify operation's keys of the authorization server last used (loaded once, see [`audience`]).
    pub keys: Option<(String, crate::verify::Keys)>,
}

impl Run<'_> {
    /// Starts the checks of a new link.
    pub fn checks(&self, subject: &str) -> Checks {
        Checks::new(self.spec, Some(subject.to_owned()))
    }

    /// Records a link; `Err(Stop::Check)` when it holds a failure.
    pub fn link(&mut self, link: &'static str, subject: &str, checks: Checks) -> Result<(), Stop> {
        let checks = checks.into_results();
        let ok = verdict(&checks, false);
        self.chain.push(ChainLink {
            link,
            subject: subject.to_owned(),
            ok,
            checks,
        });
        if ok { Ok(()) } else { Err(Stop::Check) }
    }

    /// Records a link that does not stop the flow whatever it holds.
    pub fn note(&mut self, link: &'static str, subject: &str, checks: Checks) {
        let _ = self.link(link, subject, checks);
    }

    pub fn fact(&mut self, key: &str, value: impl Into<Value>) {
        self.facts.insert(key.to_owned(), value.into());
    }
}

/// Logs in to the MCP server at `url`.
pub async fn login(client: &HttpClient, url: &Url, opts: &LoginOptions, spec: SpecRevision) -> LoginOutcome {
    let mut run = Run {
        client,
        opts,
        spec,
        chain: Vec::new(),
        facts: Map::new(),
        keys: None,
    };
    let result = flow(&mut run, url).await;
    let (token, error) = match result {
        Ok(t) => (Some(t), None),
        Err(Stop::Check) => (None, incomplete(&run.chain)),
        Err(Stop::Error(e)) => (None, Some(e)),
    };
    if let Some(t) = &token {
        run.fact("token", t.describe());
    }
    LoginOutcome {
        chain: run.chain,
        error,
        facts: run.facts,
        token,
    }
}

/// A flow that stopped on a check that is only a warning (e.g. no registration route) still has no
/// token: it could not complete.
fn incomplete(chain: &[ChainLink]) -> Option<ErrorInfo> {
    let checks: Vec<&CheckResult> = chain.iter().flat_map(|l| &l.checks).collect();
    if checks.iter().any(|c| c.status == crate::report::Status::Fail) {
        return None;
    }
    let last = checks.last()?;
    Some(ErrorInfo {
        kind: "login-incomplete",
        message: format!("login stopped at {}: {}", last.id, last.message),
        url: None,
    })
}

async fn flow(run: &mut Run<'_>, url: &Url) -> Result<SecretToken, Stop> {
    let mut found = discover::discover(run, url).await?;
    let mut session = match run.opts.grant {
        GrantKind::AuthorizationCode => {
            let listener = authorize::Callback::bind(run.opts.callback_port).await?;
            let creds = registration::register(run, &found, Some(&listener.redirect_uri)).await?;
            let scopes = discover::initial_scopes(run, &found);
            authorize::authorize_and_exchange(run, &found, creds, listener, scopes).await?
        }
        GrantKind::ClientCredentials => {
            let creds = registration::register(run, &found, None).await?;
            token::client_credentials(run, &found, creds).await?
        }
    };
    mcp::calls(run, url, &mut found, &mut session).await?;
    if run.opts.audit {
        audit::audit(run, &found, &session).await?;
    }
    if run.opts.test_refresh {
        refresh::test(run, &found, &mut session).await?;
    }
    Ok(session.token.clone())
}

/// What discovery found: the resource, the authorization server and its metadata.
#[derive(Clone, Debug)]
pub struct Found {
    /// The PRM's `resource`, exactly as published (or the MCP URL for a 2025-03-26 server).
    pub resource: String,
    pub issuer: String,
    pub metadata: Map<String, Value>,
    /// The 401 challenge's `scope`.
    pub challenge_scope: Option<String>,
    /// The PRM's `scopes_supported`.
    pub prm_scopes: Vec<String>,
}

impl Found {
    pub fn endpoint(&self, name: &str) -> Option<Url> {
        self.metadata.get(name)?.as_str().and_then(|s| Url::parse(s).ok())
    }

    pub fn list(&self, name: &str) -> Vec<String> {
        self.metadata
            .get(name)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }
}

/// The client identity in use.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub client_id: String,
    pub secret: Option<SecretToken>,
    /// `none`, `client_secret_basic`, `client_secret_post` or `private_key_jwt`.
    pub auth_method: String,
    /// The signing key, for `private_key_jwt`.
    pub key: Option<assertion::ClientKey>,
    /// The issuer these credentials belong to (never used with another).
    pub issuer: String,
}

/// The state after a successful exchange.
#[derive(Clone, Debug)]
pub struct Session {
    pub creds: Credentials,
    pub token: SecretToken,
    pub refresh_token: Option<SecretToken>,
    /// The scopes requested for the token and the ones granted (the response's `scope`, else requested).
    pub scopes: Vec<String>,
    pub authorizations: usize,
    /// The callback listener kept for step-up (authorization code grant only).
    pub callback: Option<authorize::Callback>,
}

/// Scopes as a space-separated string.
pub fn join(scopes: &[String]) -> String {
    scopes.join(" ")
}

/// A space-separated scope string as a list (duplicates removed, order kept).
pub fn split(scope: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in scope.split(' ').filter(|s| !s.is_empty()) {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_owned());
        }
    }
    out
}

/// An error of the run from a fetch error.
pub fn fetch_error(e: &crate::error::FetchError) -> Stop {
    Stop::Error(e.to_info())
}
