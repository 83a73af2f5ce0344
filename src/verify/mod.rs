//! Verifying access tokens: the library operation behind `verify-token`, `demo` and `probe --token`
//! (`login` is meant to call it too).
//!
//! A run has two stages. [`Keys::load`] resolves the issuer(s) and loads each key set once, from the
//! sources in [`VerifyOptions`]: `--jwks` (a URL or a file), else discovery from `--issuer`, else the
//! resource's protected resource metadata (fetched by [`crate::probe::fetch_prm`], the same lookup probe
//! makes), trusting a token's `iss` only when that metadata lists it. Then [`Keys::verify`] checks one token
//! into a full [`Report`] (checks, header and claims tables), and [`batch::run`] checks a stream of tokens
//! (one per line) on every core, writing one JSON line each. A [`Keys`] is read-only once loaded, so threads
//! share it without locks, and every key of a set is parsed once ([`crate::jwt::Key`]) and reused. A caller
//! that already holds the key set (probe) builds the [`Keys`] with [`Keys::from_key_set`] instead.
//!
//! ```no_run
//! # async fn f(client: &mcp_auth::http::HttpClient, token: &mcp_auth::jwt::SecretToken) -> Result<(), mcp_auth::verify::Error> {
//! use mcp_auth::verify::{Keys, VerifyOptions};
//! let opts = VerifyOptions::new("https://mcp.example.com/mcp").issuer("https://auth.example.com");
//! let keys = Keys::load(client, &opts, Some(token)).await?; // one round trip per issuer
//! let report = keys.verify(token); // failed checks are data: report.ok()
//! # Ok(()) }
//! ```
//!
//! Errors ([`Error`]) are only what stops a run: bad options (exit 2), or no key set loadable (exit 3,
//! [`Error::Unavailable`], which [`report`] turns into a report's `error`). A failed check never is one.

pub mod batch;
mod keys;
mod sections;

pub use sections::push_sections;

use crate::http::HttpClient;
use crate::jwt::{self, KeySet, SecretToken, Unverified, Verification};
use crate::report::{ErrorInfo, Report};
use crate::rules::token::Expectations;
use crate::sanitize;
use crate::spec::SpecRevision;
use jsonwebtoken::Algorithm;
use serde_json::Value;

/// What a token is verified against and how. Build with [`VerifyOptions::new`] and the setters, or fill
/// the fields directly.
#[derive(Clone, Debug)]
pub struct VerifyOptions {
    /// The resource the token must be for (its canonical URI); also the default audience.
    pub resource: String,
    /// The expected issuer: its metadata gives the key set (unless `jwks` is set).
    pub issuer: Option<String>,
    /// A key set URL (`http(s)://`) or file; wins over the issuer's metadata. With neither `issuer` nor
    /// `jwks`, the issuers come from the resource's protected resource metadata.
    pub jwks: Option<String>,
    /// The expected audience, when it differs from `resource`.
    pub audience: Option<String>,
    /// Scopes the token must carry (each entry may hold several, space-separated).
    pub scopes: Vec<String>,
    /// Clock skew allowed for exp/nbf/iat, in seconds.
    pub leeway: u64,
    /// The algorithm allow-list; empty means [`jwt::DEFAULT_ALGORITHMS`]. Never taken from the token.
    pub algorithms: Vec<Algorithm>,
    /// RFC 9068 profile: `typ=at+jwt` and its required claims become MUST.
    pub rfc9068: bool,
    pub spec: SpecRevision,
    /// Warnings fail the verdict.
    pub strict: bool,
}

impl VerifyOptions {
    /// Options for `resource` with the CLI's defaults: keys from the resource's metadata, 60 s leeway, the
    /// default algorithms, the current spec revision.
    pub fn new(resource: impl Into<String>) -> Self {
        Self {
            resource: resource.into(),
            issuer: None,
            jwks: None,
            audience: None,
            scopes: Vec::new(),
            leeway: 60,
            algorithms: Vec::new(),
            rfc9068: false,
            spec: SpecRevision::default(),
            strict: false,
        }
    }

    #[must_use]
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    #[must_use]
    pub fn jwks(mut self, jwks: impl Into<String>) -> Self {
        self.jwks = Some(jwks.into());
        self
    }

    #[must_use]
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scopes.push(scope.into());
        self
    }
}

/// Why a verification run could not start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad options (exit 2).
    #[error("{0}")]
    Usage(String),
    /// An unreadable `--jwks` file (exit 2).
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    /// No key set could be loaded, or the resource's metadata could not be fetched (exit 3).
    #[error("{}", .0.message)]
    Unavailable(ErrorInfo),
    /// Reading the tokens or writing the results of a batch failed.
    #[error("{0}")]
    Stream(#[from] std::io::Error),
}

impl Error {
    /// The contract's exit code: 2 for bad options, 3 otherwise.
    pub fn exit_code(&self) -> crate::exit::ExitStatus {
        use crate::exit::ExitStatus;
        match self {
            Error::Usage(_) | Error::Io { .. } => ExitStatus::Usage,
            Error::Unavailable(_) | Error::Stream(_) => ExitStatus::Unavailable,
        }
    }
}

impl From<crate::error::Error> for Error {
    fn from(e: crate::error::Error) -> Self {
        match e {
            crate::error::Error::Usage(m) => Error::Usage(m),
            crate::error::Error::Io { path, source } => Error::Io { path, source },
            other => Error::Unavailable(other.to_info()),
        }
    }
}

/// Everything a token is verified against for one issuer, resolved once per run.
struct Verifier {
    keys: KeySet,
    algorithms: Vec<Algorithm>,
    expectations: Expectations,
    jwks_uri: Option<String>,
}

/// One issuer of a run: its key set, or why it could not be loaded.
struct Server {
    /// The issuer tokens are checked against (`None` with `--jwks` alone). With keys from the resource's
    /// metadata, the listed authorization server a token's `iss` must name exactly.
    issuer: Option<String>,
    /// Whether [`Keys::pick`] may match a token's `iss` against `issuer` (keys from the metadata).
    listed: bool,
    verifier: Result<Verifier, ErrorInfo>,
    /// The info row on `jwt-iss-matches` for tokens whose `iss` names this server (metadata only).
    note: Option<String>,
}

/// The issuers of a run, resolved before the first token is verified and only read afterwards, so worker
/// threads share them without locks. One server with `--issuer`/`--jwks`; without, one per listed
/// authorization server fetched (the one the token chooses for a single token, all of them for a batch).
pub struct Keys {
    /// In `authorization_servers` order. `servers[0]` is where a token whose `iss` is not listed goes: with
    /// one token that is the only server fetched, and it is the first listed one whenever such a token exists.
    servers: Vec<Server>,
    /// The info row for a token sent to `servers[0]` because its `iss` is not listed.
    fallback_note: Option<String>,
    resource: String,
    spec: SpecRevision,
    strict: bool,
    /// Things the caller may want to tell the user (e.g. servers left out of a long list).
    pub warnings: Vec<String>,
}

/// What checking one token came to, before any report is built.
pub(crate) struct Checked<'k> {
    server: &'k Server,
    note: Option<&'k str>,
    /// The verification, or why the token's issuer could not be used.
    outcome: Result<(Verification, &'k Verifier), ErrorInfo>,
}

impl Keys {
    /// Resolves the issuer(s) of `opts` and loads their key sets once. Without `issuer` and `jwks` the
    /// issuers come from the resource's protected resource metadata: with `token`, only the server
    /// [`Keys::pick`] will choose for it; without (a batch), every listed server (up to
    /// [`crate::probe::MAX_AUTHORIZATION_SERVERS`]), concurrently. A listed server that cannot be loaded is
    /// kept as an error for the tokens that name it; [`Error::Unavailable`] when none can be.
    pub async fn load(client: &HttpClient, opts: &VerifyOptions, token: Option<&SecretToken>) -> Result<Keys, Error> {
        keys::load(client, opts, token).await
    }

    /// Keys from a key set the caller already holds, without fetching anything (probe has the issuer's
    /// JWKS from its own walk of the chain). Tokens are checked against `opts.issuer` and, when given,
    /// `authorization_servers`: the resource's listed servers, which the token's `iss` must be one of.
    pub fn from_key_set(
        opts: &VerifyOptions,
        set: KeySet,
        jwks_uri: Option<String>,
        authorization_servers: Option<Vec<String>>,
    ) -> Keys {
        keys::from_key_set(opts, set, jwks_uri, authorization_servers)
    }

    /// The issuer `decoded` is verified against, and the info row saying which: the listed server its `iss`
    /// names exactly, else the first listed one. A linear scan of a few servers, comparing borrowed strings:
    /// nothing is allocated per token. A token that is not a JWS needs no key; it goes to the first server
    /// that could be loaded, so that a garbage line is reported as garbage even when that server is down.
    ///
    /// `jws` is `None` for a token that is not a JWS, else `Some` of its `iss` when that is a string.
    fn pick(&self, jws: Option<Option<&str>>) -> (&Server, Option<&str>) {
        let first = &self.servers[0];
        match jws {
            Some(iss) => match iss.and_then(|iss| {
                self.servers
                    .iter()
                    .find(|s| s.listed && s.issuer.as_deref() == Some(iss))
            }) {
                Some(s) => (s, s.note.as_deref()),
                None => (first, self.fallback_note.as_deref()),
            },
            None if first.verifier.is_ok() => (first, self.fallback_note.as_deref()),
            None => match self.servers.iter().find(|s| s.verifier.is_ok()) {
                Some(s) => (s, None),
                None => (first, None),
            },
        }
    }

    /// Checks `token` against the issuer [`Keys::pick`] chooses: the hot path shared by reports and batch
    /// lines. With `terse`, only failures and warnings are recorded (all that compact batch lines print).
    ///
    /// A terse check of a token whose header and claims are small objects reads them without building a
    /// `Map` ([`jwt::Segments`]); anything else goes the full way, which also explains what is wrong.
    pub(crate) fn check(&self, token: &str, terse: bool) -> Checked<'_> {
        if terse {
            return self.check_terse(token, &mut jwt::HeaderCache::default());
        }
        self.check_full(token, false)
    }

    /// [`Keys::check`] with `terse`, for a `--batch` worker that keeps the last header it parsed.
    pub(crate) fn check_terse(&self, token: &str, headers: &mut jwt::HeaderCache) -> Checked<'_> {
        if let Some(segments) = jwt::Segments::split(token)
            && let Some(parsed) = segments.parse(headers)
        {
            let (server, note) = self.pick(Some(parsed.claims.get("iss").and_then(Value::as_str)));
            let outcome = self.outcome(server, |v| {
                jwt::verify_terse(&parsed, &v.keys, &v.algorithms, &v.expectations, self.spec)
            });
            return Checked { server, note, outcome };
        }
        self.check_full(token, true)
    }

    /// [`Keys::check`] through [`jwt::decode_unverified`], which explains what is wrong with a token.
    fn check_full(&self, token: &str, terse: bool) -> Checked<'_> {
        let decoded = jwt::decode_unverified(token);
        let (server, note) = self.pick(match &decoded {
            Unverified::Jws(p) => Some(p.claims.get("iss").and_then(Value::as_str)),
            _ => None,
        });
        let outcome = self.outcome(server, |v| {
            jwt::verify_decoded(decoded, &v.keys, &v.algorithms, &v.expectations, self.spec, terse)
        });
        Checked { server, note, outcome }
    }

    /// `verify` with `server`'s verifier, or why the token's issuer could not be used.
    fn outcome<'k>(
        &self,
        server: &'k Server,
        verify: impl FnOnce(&'k Verifier) -> Verification,
    ) -> Result<(Verification, &'k Verifier), ErrorInfo> {
        match &server.verifier {
            Ok(v) => Ok((verify(v), v)),
            Err(info) => {
                let mut info = info.clone();
                let issuer = server.issuer.as_deref().unwrap_or("the issuer");
                info.message = sanitize::line(&format!(
                    "this token was not verified: its authorization server {issuer} could not be used ({})",
                    info.message
                ))
                .into_owned();
                Err(info)
            }
        }
    }

    /// Verifies one token into the full report: every check, the header and claims (also as tables for
    /// people), the key set used. A token whose issuer could not be loaded gets that issuer's `error` (and
    /// no checks but the row saying which issuer it was): it was not verified, neither valid nor invalid.
    pub fn verify(&self, token: &SecretToken) -> Report {
        self.report(token, true)
    }

    /// [`Keys::verify`]; `human` adds the tables only people read (not on `--batch` lines).
    pub(crate) fn report(&self, token: &SecretToken, human: bool) -> Report {
        let checked = self.check(token.expose(), false);
        let mut report = Report::new("verify-token", &self.resource, self.spec, self.strict);
        let (
            Verification {
                checks, header, claims, ..
            },
            v,
        ) = match checked.outcome {
            Ok(found) => found,
            Err(info) => {
                report.error = Some(info);
                push_issuer_note(&mut report, checked.note);
                report.extra.insert("token".into(), token.describe());
                return report;
            }
        };
        report.checks = checks;
        push_issuer_note(&mut report, checked.note);
        report.extra.insert("token".into(), token.describe());
        if let Some(u) = &v.jwks_uri {
            report.extra.insert("jwks_uri".into(), Value::String(u.clone()));
        }
        if human {
            report.headline = Some(format!("token {}", token.label()));
            push_sections(&mut report, header.as_ref(), claims.as_ref(), v.expectations.now);
        }
        // Moved in, not `Report::set` (which would deep-copy through serde): this runs once per batch token.
        if let Some(h) = header {
            report.extra.insert("header".into(), Value::Object(h));
        }
        if let Some(c) = claims {
            report.extra.insert("claims".into(), Value::Object(c));
        }
        report
    }
}

/// Loads the keys for `token` and verifies it into a report; a key set that cannot be loaded becomes the
/// report's `error` (exit 3), so that only bad options are an `Err`. One call for callers with one token.
pub async fn report(client: &HttpClient, opts: &VerifyOptions, token: &SecretToken) -> Result<Report, Error> {
    match Keys::load(client, opts, Some(token)).await {
        Ok(keys) => Ok(keys.verify(token)),
        Err(Error::Unavailable(info)) => Ok(unavailable(opts, info)),
        Err(e) => Err(e),
    }
}

/// The report of a run that could not load any key set: no checks, the reason as its `error`.
pub fn unavailable(opts: &VerifyOptions, info: ErrorInfo) -> Report {
    let mut report = Report::new("verify-token", &opts.resource, opts.spec, opts.strict);
    report.error = Some(info);
    report
}

/// The algorithm allow-list from JWA names (`--algorithm`); empty gives the default asymmetric set.
pub fn parse_algorithms(names: &[String]) -> Result<Vec<Algorithm>, Error> {
    if names.is_empty() {
        return Ok(jwt::DEFAULT_ALGORITHMS.to_vec());
    }
    names
        .iter()
        .map(|n| {
            if n.eq_ignore_ascii_case("none") {
                return Err(Error::Usage("--algorithm none: unsigned tokens are never accepted".into()));
            }
            jwt::parse_algorithm(n).ok_or_else(|| {
                Error::Usage(format!(
                    "--algorithm \"{}\" is not a JWS algorithm this tool verifies (RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, EdDSA, HS256, HS384, HS512)",
                    sanitize::line(n)
                ))
            })
        })
        .collect()
}

/// The info row on `jwt-iss-matches` saying which issuer the token was verified against, and why.
fn push_issuer_note(report: &mut Report, note: Option<&str>) {
    if let Some(note) = note {
        let mut c = crate::report::Checks::new(report.spec, None);
        c.info(&crate::catalogue::JWT_ISS_MATCHES, note.to_owned());
        report.checks.extend(c.into_results());
    }
}

#[cfg(test)]
mod tests;
