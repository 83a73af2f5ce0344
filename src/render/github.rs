//! `--output github`: GitHub Actions workflow commands, one `::error` or `::warning` line per finding with
//! the check id as its title, so findings show up as annotations on the run (as `ruff --output-format
//! github` does). The verdict line follows, as plain log text.

use crate::catalogue;
use crate::report::{Report, Status, is_failure};
use crate::sanitize;

pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for c in &report.checks {
        let command = match c.status {
            _ if is_failure(c, report.strict) => "error",
            Status::Warn => "warning",
            Status::Info => "notice",
            Status::Pass | Status::Skip | Status::Fail => continue,
        };
        let fix = catalogue::find(c.id).map_or("", |d| d.fix);
        let at = c.subject.as_deref().unwrap_or(&report.target);
        out.push_str(&format!(
            "::{command} title={}::{}\n",
            property(&format!("mcp-auth {}", c.id)),
            data(&format!(
                "{} (at {}). Fix: {fix} Run `mcp-auth explain {}` for the spec text.",
                sanitize::line(&c.message),
                sanitize::line(at),
                c.id
            ))
        ));
    }
    if let Some(err) = &report.error {
        out.push_str(&format!(
            "::error title={}::{}\n",
            property(&format!(
                "mcp-auth {}: could not complete ({})",
                report.command, err.kind
            )),
            data(&sanitize::line(&err.message))
        ));
    }
    out.push_str(&super::verdict_line(report));
    out.push('\n');
    out
}

/// A workflow command's message: `%`, CR and LF escaped so that one finding stays one command.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property value: as [`data`], and `:` and `,` too.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{AS_PKCE_S256, AS_TOKEN_ENDPOINT};
    use crate::report::Checks;
    use crate::spec::SpecRevision;

    #[test]
    fn one_command_per_finding_with_the_id_as_title() {
        let mut c = Checks::new(SpecRevision::LATEST, Some("https://a.example".into()));
        c.violated(&AS_PKCE_S256, "only plain,\nnot S256: 100%");
        c.pass(&AS_TOKEN_ENDPOINT, "present");
        c.warn(&AS_TOKEN_ENDPOINT, "loopback http");
        let mut r = Report::new("check-provider", "https://a.example", SpecRevision::LATEST, false);
        r.checks = c.into_results();
        let out = github(&r);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert!(
            lines[0].starts_with("::error title=mcp-auth as-pkce-s256::only plain,"),
            "{out}"
        );
        assert!(lines[0].contains("not S256: 100%25 (at https://a.example)"), "{out}");
        assert!(
            lines[1].starts_with("::warning title=mcp-auth as-token-endpoint::loopback http"),
            "{out}"
        );
        r.strict = true;
        assert!(github(&r).lines().nth(1).unwrap().starts_with("::error "));
    }
}
