//! The JSON document of spec/cli-contract.md §JSON output.

use crate::report::Report;
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
