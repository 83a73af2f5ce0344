//! The human-only header and claims tables of a token report (also `decode-token`'s).

use crate::report::{Report, Section};
use crate::rules::token::when;
use serde_json::{Map, Value};

/// The header and claims tables of human output; times as dates and relative to now.
pub fn push_sections(
    report: &mut Report,
    header: Option<&Map<String, Value>>,
    claims: Option<&Map<String, Value>>,
    now: i64,
) {
    if let Some(h) = header {
        let mut s = Section::new("Header", &["name", "value"]);
        for (k, v) in h {
            s.row(vec![k.clone(), show(v)]);
        }
        report.sections.push(s);
    }
    if let Some(c) = claims {
        let mut s = Section::new("Claims", &["claim", "value", "meaning"]);
        for (k, v) in c {
            let meaning = match (k.as_str(), v.as_i64()) {
                ("exp", Some(t)) if t >= now => format!("expires {}", when(t, now)),
                ("exp", Some(t)) => format!("expired {}", when(t, now)),
                ("nbf", Some(t)) => format!("not before {}", when(t, now)),
                ("iat", Some(t)) => format!("issued {}", when(t, now)),
                ("auth_time", Some(t)) => format!("authenticated {}", when(t, now)),
                _ => String::new(),
            };
            s.row(vec![k.clone(), show(v), meaning]);
        }
        report.sections.push(s);
    }
}

/// A claim value for a table cell: strings bare, the rest as compact JSON, both bounded.
fn show(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > 200 {
        format!("{}…", s.chars().take(200).collect::<String>())
    } else {
        s
    }
}
