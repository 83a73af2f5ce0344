//! `--output sarif`: SARIF 2.1.0 for code-scanning dashboards. One rule per catalogue check (summary,
//! why, fix and citation), one result per finding (fail, warning, note), the run's failure to complete as
//! a tool notification. Written with serde_json: the document is small and `tests/cli/outputs.rs`
//! validates it against the official SARIF 2.1.0 schema (vendored in tests/fixtures), which a typed crate
//! would not add to, while costing a schema-driven build script.

use crate::catalogue::{self, Level};
use crate::report::{CheckResult, Report, Status, is_failure};
use serde_json::{Value, json};

/// The `$schema` of the document.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn sarif(report: &Report) -> Value {
    let rules: Vec<Value> = catalogue::all()
        .map(|d| {
            json!({
                "id": d.id,
                "shortDescription": {"text": d.summary},
                "fullDescription": {"text": d.why},
                "help": {"text": format!("{} Spec: {}. Run `mcp-auth explain {}` for more.", d.fix, d.spec, d.id)},
                "defaultConfiguration": {"level": level(d.level(report.spec))},
                "properties": {"citation": d.spec},
            })
        })
        .collect();
    let index = |id: &str| catalogue::all().position(|d| d.id == id);
    let results: Vec<Value> = report
        .checks
        .iter()
        .filter_map(|c| result(report, c, index(c.id)?))
        .collect();
    let mut invocation = json!({"executionSuccessful": report.error.is_none()});
    if let Some(err) = &report.error {
        invocation["toolExecutionNotifications"] = json!([{
            "level": "error",
            "message": {"text": format!("could not complete ({}): {}", err.kind, err.message)},
        }]);
    }
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "mcp-auth",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [invocation],
            "results": results,
            "properties": {
                "command": report.command,
                "target": report.target,
                "spec": report.spec.as_str(),
                "ok": report.ok(),
            },
        }],
    })
}

/// A finding as a SARIF result; `None` for passed and skipped checks.
fn result(report: &Report, c: &CheckResult, rule_index: usize) -> Option<Value> {
    let level = match c.status {
        _ if is_failure(c, report.strict) => "error",
        Status::Warn => "warning",
        Status::Info => "note",
        Status::Pass | Status::Skip | Status::Fail => return None,
    };
    let mut result = json!({
        "ruleId": c.id,
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": c.message},
    });
    // Where the finding is: the URL checked, or the metadata file (a path in the repository, which code
    // scanning links to). A token label is neither and is left out.
    let is_uri = |s: &&str| url::Url::parse(s).is_ok() || (!s.is_empty() && !s.contains(char::is_whitespace));
    if let Some(uri) = c
        .subject
        .as_deref()
        .filter(is_uri)
        .or(Some(report.target.as_str()).filter(is_uri))
    {
        result["locations"] = json!([{"physicalLocation": {"artifactLocation": {"uri": uri}}}]);
    }
    Some(result)
}

fn level(l: Level) -> &'static str {
    match l {
        Level::Must => "error",
        Level::Should => "warning",
        Level::May | Level::Info => "note",
    }
}
