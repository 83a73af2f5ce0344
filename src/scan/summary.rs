//! The fleet picture: counts by verdict, the most common failing checks, the authorization servers used.
//! Built one server at a time from [`ServerFacts`]; memory grows only with the distinct check ids and
//! issuers, plus one [`Row`] per server when the rows are kept (for the HTML report).

use crate::exit::ExitStatus;
use crate::sanitize;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;

/// One server's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Pass,
    Fail,
    CouldNotComplete,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::CouldNotComplete => "could not complete",
        }
    }
}

/// What the report keeps of one server. Every string comes from the server or the input: escape it.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub url: String,
    pub verdict: Verdict,
    /// `link: subject` of the first broken link of the chain.
    pub first_broken: Option<String>,
    /// The first broken link in plain words (or why the server could not be evaluated).
    pub headline: String,
    /// How many distinct checks failed.
    pub failing: usize,
}

/// What one server adds to the summary.
#[derive(Clone, Debug)]
pub struct ServerFacts {
    pub row: Row,
    /// Distinct ids of the checks that failed.
    pub failing_checks: Vec<&'static str>,
    /// The authorization servers the probe checked for it.
    pub issuers: Vec<String>,
}

impl ServerFacts {
    pub fn incomplete(url: String, why: String) -> Self {
        Self {
            row: Row {
                url,
                verdict: Verdict::CouldNotComplete,
                first_broken: None,
                headline: why,
                failing: 0,
            },
            failing_checks: Vec::new(),
            issuers: Vec::new(),
        }
    }
}

/// The scan's totals.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub scanned: usize,
    pub passing: usize,
    pub failing: usize,
    pub could_not_complete: usize,
    failing_checks: HashMap<&'static str, usize>,
    issuers: HashMap<String, usize>,
    rows: Option<Vec<Row>>,
}

impl Summary {
    /// `keep_rows`: keep one [`Row`] per server (the HTML report's table).
    pub fn new(keep_rows: bool) -> Self {
        Self {
            rows: keep_rows.then(Vec::new),
            ..Self::default()
        }
    }

    pub fn add(&mut self, facts: ServerFacts) {
        self.scanned += 1;
        match facts.row.verdict {
            Verdict::Pass => self.passing += 1,
            Verdict::Fail => self.failing += 1,
            Verdict::CouldNotComplete => self.could_not_complete += 1,
        }
        for id in facts.failing_checks {
            *self.failing_checks.entry(id).or_default() += 1;
        }
        for issuer in facts.issuers {
            *self.issuers.entry(issuer).or_default() += 1;
        }
        if let Some(rows) = &mut self.rows {
            rows.push(facts.row);
        }
    }

    /// Failing check ids with the number of servers failing each, most common first.
    pub fn failing_checks(&self) -> Vec<(&'static str, usize)> {
        let mut v: Vec<(&'static str, usize)> = self.failing_checks.iter().map(|(k, n)| (*k, *n)).collect();
        v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }

    /// Authorization servers with the number of MCP servers each serves, most used first.
    pub fn authorization_servers(&self) -> Vec<(&str, usize)> {
        let mut v: Vec<(&str, usize)> = self.issuers.iter().map(|(k, n)| (k.as_str(), *n)).collect();
        v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v
    }

    /// The kept rows, in the order the servers finished.
    pub fn rows(&self) -> &[Row] {
        self.rows.as_deref().unwrap_or_default()
    }

    /// `Failed` when any server failed, else `Unavailable` when some server could not be evaluated, else
    /// `Ok`. Neither [`ExitStatus::worst`] nor [`ExitStatus::merge`]: in a fleet, a server that answered and
    /// failed is the finding, and one that could not be reached does not hide it.
    pub fn exit_status(&self) -> ExitStatus {
        if self.failing > 0 {
            ExitStatus::Failed
        } else if self.could_not_complete > 0 {
            ExitStatus::Unavailable
        } else {
            ExitStatus::Ok
        }
    }

    /// The summary line of `--json`.
    pub fn to_json(&self) -> Value {
        json!({
            "command": "scan",
            "ok": self.exit_status() == ExitStatus::Ok,
            "summary": {
                "scanned": self.scanned,
                "passing": self.passing,
                "failing": self.failing,
                "could_not_complete": self.could_not_complete,
                "failing_checks": self.failing_checks().iter().map(|(id, n)| json!({"id": id, "servers": n})).collect::<Vec<_>>(),
                "authorization_servers": self.authorization_servers().iter().map(|(i, n)| json!({"issuer": i, "servers": n})).collect::<Vec<_>>(),
            },
        })
    }

    /// The summary tables for people (at most `top` rows in each ranking).
    pub fn human(&self, top: usize) -> String {
        let counts = [
            ("scanned", self.scanned),
            ("passing", self.passing),
            ("failing", self.failing),
            ("could not complete", self.could_not_complete),
        ];
        let mut out = format!(
            "\nScan summary\n{}\n",
            table(["servers", "count"], counts.into_iter(), usize::MAX)
        );
        let checks = self.failing_checks();
        let servers = self.authorization_servers();
        let rankings = [
            ("Most common failing checks", ["failing check", "servers"], checks),
            (
                "Authorization servers used",
                ["authorization server", "MCP servers"],
                servers,
            ),
        ];
        for (title, header, rows) in rankings {
            if !rows.is_empty() {
                let (total, shown) = (rows.len(), rows.len().min(top));
                let t = table(header, rows.into_iter(), top);
                out.push_str(&format!("\n{title} ({shown} of {total})\n{t}\n"));
            }
        }
        out
    }
}

/// A two-column table of names (escaped) and counts, at most `top` rows.
fn table<'a>(header: [&str; 2], rows: impl Iterator<Item = (&'a str, usize)>, top: usize) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_header(header);
    for (name, n) in rows.take(top) {
        t.add_row(vec![sanitize::line(name).into_owned(), n.to_string()]);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(verdict: Verdict, checks: &[&'static str], issuers: &[&str]) -> ServerFacts {
        ServerFacts {
            row: Row {
                url: "http://x/mcp".into(),
                verdict,
                first_broken: None,
                headline: String::new(),
                failing: checks.len(),
            },
            failing_checks: checks.to_vec(),
            issuers: issuers.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn totals_rankings_and_exit_code() {
        let mut s = Summary::new(false);
        assert_eq!(s.exit_status(), ExitStatus::Ok);
        s.add(facts(Verdict::Pass, &[], &["https://as1"]));
        s.add(facts(Verdict::CouldNotComplete, &[], &[]));
        assert_eq!(s.exit_status(), ExitStatus::Unavailable);
        s.add(facts(
            Verdict::Fail,
            &["b-check", "a-check"],
            &["https://as1", "https://as2"],
        ));
        s.add(facts(Verdict::Fail, &["b-check"], &["https://as2"]));
        assert_eq!(s.exit_status(), ExitStatus::Failed);
        assert_eq!((s.scanned, s.passing, s.failing, s.could_not_complete), (4, 1, 2, 1));
        assert_eq!(s.failing_checks(), [("b-check", 2), ("a-check", 1)]);
        assert_eq!(s.authorization_servers(), [("https://as1", 2), ("https://as2", 2)]);
        assert!(s.rows().is_empty());
        let j = s.to_json();
        assert_eq!(
            j["summary"]["failing_checks"][0],
            json!({"id": "b-check", "servers": 2})
        );
        assert!(s.human(10).contains("Most common failing checks (2 of 2)"));
    }
}
