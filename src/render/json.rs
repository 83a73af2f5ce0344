//! The JSON document of spec/cli-contract.md §JSON output.

use crate::report::{ChainLink, CheckResult, ErrorInfo, Report, Summary};
use crate::spec::SpecRevision;
use serde::Serialize;
use serde_json::{Map, Value, json as j};

/// The report as one JSON value: command, target, spec, ok, summary, checks, [chain], [error], extras.
pub fn json(report: &Report) -> Value {
    let mut doc = Map::new();
    doc.insert("command".into(), j!(report.command));
    doc.insert("target".into(), j!(report.target));
    doc.insert("spec".into(), j!(report.spec));
    doc.insert("ok".into(), j!(report.ok()));
    doc.insert("summary".into(), j!(report.summary()));
    doc.insert("checks".into(), j!(report.checks));
    if let Some(chain) = &report.chain {
        doc.insert("chain".into(), j!(chain));
    }
    if let Some(err) = &report.error {
        doc.insert("error".into(), j!(err));
    }
    for (k, v) in &report.extra {
        doc.entry(k.clone()).or_insert_with(|| v.clone());
    }
    Value::Object(doc)
}

/// The same document as [`json`], serialised in one pass without building a `Value` first: for
/// `--batch`, where it is written once per token and the copy would cost as much as the checks.
pub fn json_line(report: &Report) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        command: &'a str,
        target: &'a str,
        spec: SpecRevision,
        ok: bool,
        summary: Summary,
        checks: &'a [CheckResult],
        #[serde(skip_serializing_if = "Option::is_none")]
        chain: Option<&'a Vec<ChainLink>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<&'a ErrorInfo>,
        #[serde(flatten)]
        extra: Extras<'a>,
    }
    /// The extras minus any member that would shadow a contract member (as [`json`] does).
    struct Extras<'a>(&'a Map<String, Value>);
    impl Serialize for Extras<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            const RESERVED: [&str; 8] = ["command", "target", "spec", "ok", "summary", "checks", "chain", "error"];
            let mut m = s.serialize_map(None)?;
            for (k, v) in self.0.iter().filter(|(k, _)| !RESERVED.contains(&k.as_str())) {
                m.serialize_entry(k, v)?;
            }
            m.end()
        }
    }
    let doc = Doc {
        command: report.command,
        target: &report.target,
        spec: report.spec,
        ok: report.ok(),
        summary: report.summary(),
        checks: &report.checks,
        chain: report.chain.as_ref(),
        error: report.error.as_ref(),
        extra: Extras(&report.extra),
    };
    serde_json::to_string(&doc)
        .unwrap_or_else(|e| j!({"error": {"kind": "internal", "message": e.to_string()}}).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{JWT_EXP_VALID, JWT_SIGNATURE_VALID};
    use crate::report::Checks;

    #[test]
    fn json_line_is_the_same_document_as_json() {
        let mut c = Checks::new(SpecRevision::LATEST, Some("s".into()));
        c.pass(&JWT_SIGNATURE_VALID, "ok \"quoted\"");
        c.violated(&JWT_EXP_VALID, "expired");
        let mut r = Report::new("verify-token", "https://r", SpecRevision::LATEST, false);
        r.checks = c.into_results();
        r.set("claims", j!({"b": 1, "a": [true]}));
        r.set("ok", "shadowed");
        assert_eq!(json_line(&r), json(&r).to_string());
        r.error = Some(ErrorInfo {
            kind: "timeout",
            message: "t".into(),
            url: None,
        });
        assert_eq!(json_line(&r), json(&r).to_string());
    }
}
