//! Check results and reports. Failed checks are data, not errors.

use crate::catalogue::{CheckDef, Level};
use crate::spec::SpecRevision;
use serde::Serialize;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// The outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    Skip,
    Info,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::Skip => "skip",
            Status::Info => "info",
        }
    }
}

/// One evaluated check, as it appears in `checks` of the JSON report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckResult {
    pub id: &'static str,
    pub level: Level,
    pub status: Status,
    /// What was found and, on failure, what to fix. Borrowed when fixed text (no allocation per token).
    pub message: Cow<'static, str>,
    pub spec: &'static str,
    /// The URL (or input) the check was made on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// Collects check results for one subject under one spec revision.
///
/// `violated` turns into `fail`, `warn` or `info` according to the check's level for the revision, so that
/// per-revision levels live in the catalogue and nowhere else.
///
/// The one exception to "levels live in the catalogue" is an explicit escalation chosen by the user (e.g.
/// `verify-token --profile rfc9068` makes `jwt-typ-at-jwt` a `must`): see [`Checks::escalate`].
#[derive(Debug)]
pub struct Checks {
    spec: SpecRevision,
    subject: Option<String>,
    results: Vec<CheckResult>,
    /// Checks whose level is raised above the catalogue's for this run, by id.
    escalated: Vec<(&'static str, Level)>,
    /// Only failures and warnings are recorded: for output that prints nothing else (compact `--batch`
    /// lines), where a valid token then costs no allocation here at all.
    terse: bool,
}

impl Checks {
    pub fn new(spec: SpecRevision, subject: Option<String>) -> Self {
        Self {
            spec,
            subject,
            results: Vec::new(),
            escalated: Vec::new(),
            terse: false,
        }
    }

    /// [`Checks::new`] for output that prints only failures and warnings: every other result is dropped
    /// as it is recorded.
    pub fn terse(spec: SpecRevision) -> Self {
        let mut c = Self::new(spec, None);
        c.terse = true;
        c
    }

    /// Raises `def` to at least `level` for every result recorded from now on (never lowers it). This is
    /// how a profile flag turns a catalogue `should` into a `must` without a second catalogue row.
    pub fn escalate(&mut self, def: &'static CheckDef, level: Level) {
        self.escalated.push((def.id, level));
    }

    /// The level of `def` for this run: the catalogue's for the revision, or an escalation's if stricter.
    pub fn level_of(&self, def: &'static CheckDef) -> Level {
        let base = def.level(self.spec);
        self.escalated
            .iter()
            .filter(|(id, _)| *id == def.id)
            .map(|(_, l)| *l)
            .fold(base, Ord::min)
    }

    pub fn spec(&self) -> SpecRevision {
        self.spec
    }

    /// Changes the subject of the checks recorded from now on.
    pub fn set_subject(&mut self, subject: Option<String>) {
        self.subject = subject;
    }

    fn push(&mut self, def: &'static CheckDef, status: Status, message: impl Into<Cow<'static, str>>) {
        if self.terse && !matches!(status, Status::Fail | Status::Warn) {
            return;
        }
        self.results.push(CheckResult {
            id: def.id,
            level: self.level_of(def),
            status,
            message: message.into(),
            spec: def.spec,
            subject: self.subject.clone(),
        });
    }

    pub fn pass(&mut self, def: &'static CheckDef, message: impl Into<Cow<'static, str>>) {
        self.push(def, Status::Pass, message);
    }

    /// [`Checks::pass`] with a message that is formatted only when it will be shown (not when terse).
    pub fn pass_with(&mut self, def: &'static CheckDef, message: impl FnOnce() -> String) {
        if !self.terse {
            self.push(def, Status::Pass, message());
        }
    }

    /// The requirement is not met; the status follows the check's level for the selected revision.
    pub fn violated(&mut self, def: &'static CheckDef, message: impl Into<Cow<'static, str>>) {
        let status = match self.level_of(def) {
            Level::Must => Status::Fail,
            Level::Should => Status::Warn,
            Level::May | Level::Info => Status::Info,
        };
        self.push(def, status, message);
    }

    /// A warning whatever the level (e.g. loopback http on a MUST-https check).
    pub fn warn(&mut self, def: &'static CheckDef, message: impl Into<Cow<'static, str>>) {
        self.push(def, Status::Warn, message);
    }

    pub fn skip(&mut self, def: &'static CheckDef, message: impl Into<Cow<'static, str>>) {
        self.push(def, Status::Skip, message);
    }

    pub fn info(&mut self, def: &'static CheckDef, message: impl Into<Cow<'static, str>>) {
        self.push(def, Status::Info, message);
    }

    /// Records `pass` or `violated` depending on `ok`.
    pub fn check(
        &mut self,
        def: &'static CheckDef,
        ok: bool,
        pass: impl Into<Cow<'static, str>>,
        fail: impl Into<Cow<'static, str>>,
    ) {
        if ok {
            self.pass(def, pass);
        } else {
            self.violated(def, fail);
        }
    }

    /// Adds results recorded elsewhere (e.g. a token verification inside a login step), giving those
    /// without a subject this collection's subject.
    pub fn absorb(&mut self, results: Vec<CheckResult>) {
        for mut r in results {
            if r.subject.is_none() {
                r.subject = self.subject.clone();
            }
            self.results.push(r);
        }
    }

    pub fn results(&self) -> &[CheckResult] {
        &self.results
    }

    pub fn into_results(self) -> Vec<CheckResult> {
        self.results
    }
}

/// Counts per status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub skip: usize,
    pub info: usize,
}

impl Summary {
    pub fn of(checks: &[CheckResult]) -> Self {
        let mut s = Summary::default();
        for c in checks {
            match c.status {
                Status::Pass => s.pass += 1,
                Status::Fail => s.fail += 1,
                Status::Warn => s.warn += 1,
                Status::Skip => s.skip += 1,
                Status::Info => s.info += 1,
            }
        }
        s
    }
}

/// Why a run could not complete (exit 3), as the `error` object of the JSON report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ErrorInfo {
    /// Stable kebab-case kind, e.g. `timeout`, `connect`, `tls`, `too-large`, `not-json`, `http-status`.
    pub kind: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// One link of a discovery chain (probe, gen-metadata --verify): its checks, grouped.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChainLink {
    /// What the link is: `resource-server`, `protected-resource-metadata`, `authorization-server`, `jwks`,
    /// `access-token` (probe --token).
    pub link: &'static str,
    pub subject: String,
    pub ok: bool,
    pub checks: Vec<CheckResult>,
}

/// A titled table shown before the checks in human output (discovery attempts, claims, ...).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Section {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Shown by default (decode-token's claims, gen-metadata's values to paste); other sections are detail,
    /// shown with `-v`.
    pub essential: bool,
}

impl Section {
    pub fn new(title: impl Into<String>, header: &[&str]) -> Self {
        Self {
            title: title.into(),
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
            essential: false,
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
}

/// The result of a command: checks plus command-specific fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub command: &'static str,
    pub target: String,
    pub spec: SpecRevision,
    /// With `--strict`, warnings also fail the verdict.
    pub strict: bool,
    pub checks: Vec<CheckResult>,
    /// Grouped view of `checks` for commands that walk several links.
    pub chain: Option<Vec<ChainLink>>,
    /// Command-specific members of the JSON document (discovery, metadata, claims, ...).
    pub extra: Map<String, Value>,
    /// Set when the run could not complete.
    pub error: Option<ErrorInfo>,
    /// Human-only tables shown before the checks.
    pub sections: Vec<Section>,
    /// Human-only first line (e.g. probe's "first broken link").
    pub headline: Option<String>,
}

impl Report {
    pub fn new(command: &'static str, target: impl Into<String>, spec: SpecRevision, strict: bool) -> Self {
        Self {
            command,
            target: target.into(),
            spec,
            strict,
            checks: Vec::new(),
            chain: None,
            extra: Map::new(),
            error: None,
            sections: Vec::new(),
            headline: None,
        }
    }

    pub fn summary(&self) -> Summary {
        Summary::of(&self.checks)
    }

    /// The verdict: no failed check, no error, and under `--strict` no warning.
    pub fn ok(&self) -> bool {
        self.error.is_none() && verdict(&self.checks, self.strict)
    }

    pub fn set(&mut self, key: &str, value: impl Serialize) {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.extra.insert(key.to_owned(), value);
    }

    /// The first failing check (or warning under `--strict`), if any.
    pub fn first_failure(&self) -> Option<&CheckResult> {
        self.checks.iter().find(|c| is_failure(c, self.strict))
    }

    /// The exit status the contract prescribes: ok, a check failed, or could not complete.
    pub fn exit_code(&self) -> crate::exit::ExitStatus {
        if self.error.is_some() {
            crate::exit::ExitStatus::Unavailable
        } else {
            crate::exit::ExitStatus::from_ok(self.ok())
        }
    }
}

/// Whether a check result counts against the verdict.
pub fn is_failure(check: &CheckResult, strict: bool) -> bool {
    check.status == Status::Fail || (strict && check.status == Status::Warn)
}

/// No failures among `checks` (and no warnings under `strict`).
pub fn verdict(checks: &[CheckResult], strict: bool) -> bool {
    !checks.iter().any(|c| is_failure(c, strict))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{AS_DCR_ENDPOINT, AS_PKCE_ADVERTISED, AS_TOKEN_ENDPOINT};

    #[test]
    fn violated_follows_the_revision_level() {
        let mut old = Checks::new(SpecRevision::V2025_06_18, None);
        old.violated(&AS_PKCE_ADVERTISED, "absent");
        old.violated(&AS_DCR_ENDPOINT, "absent");
        let mut new = Checks::new(SpecRevision::V2026_07_28, None);
        new.violated(&AS_PKCE_ADVERTISED, "absent");
        new.violated(&AS_DCR_ENDPOINT, "absent");
        let s = |c: &Checks| c.results().iter().map(|r| r.status).collect::<Vec<_>>();
        assert_eq!(s(&old), [Status::Warn, Status::Warn]);
        assert_eq!(s(&new), [Status::Fail, Status::Info]);
    }

    #[test]
    fn escalation_raises_a_level_and_never_lowers_it() {
        use crate::catalogue::{JWT_SIGNATURE_VALID, JWT_TYP_AT_JWT};
        let mut c = Checks::new(SpecRevision::LATEST, None);
        c.violated(&JWT_TYP_AT_JWT, "typ JWT");
        c.escalate(&JWT_TYP_AT_JWT, Level::Must);
        c.escalate(&JWT_SIGNATURE_VALID, Level::Info);
        c.violated(&JWT_TYP_AT_JWT, "typ JWT");
        c.violated(&JWT_SIGNATURE_VALID, "bad");
        let got: Vec<_> = c.results().iter().map(|r| (r.level, r.status)).collect();
        assert_eq!(
            got,
            [
                (Level::Should, Status::Warn),
                (Level::Must, Status::Fail),
                (Level::Must, Status::Fail)
            ]
        );
    }

    #[test]
    fn strict_turns_warnings_into_failures() {
        let mut c = Checks::new(SpecRevision::LATEST, Some("x".into()));
        c.pass(&AS_TOKEN_ENDPOINT, "ok");
        c.warn(&AS_TOKEN_ENDPOINT, "loopback http");
        let mut r = Report::new("check-provider", "x", SpecRevision::LATEST, false);
        r.checks = c.into_results();
        assert!(r.ok());
        assert_eq!(r.exit_code(), crate::exit::ExitStatus::Ok);
        r.strict = true;
        assert!(!r.ok());
        assert_eq!(r.exit_code(), crate::exit::ExitStatus::Failed);
        r.error = Some(ErrorInfo {
            kind: "timeout",
            message: "t".into(),
            url: None,
        });
        assert_eq!(r.exit_code(), crate::exit::ExitStatus::Unavailable);
    }
}
