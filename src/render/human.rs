//! Human output, doctor-style: the verdict in words on line 1, then each problem with its message, its fix
//! and the `explain` command, then one line of counts. Every check (PASS and SKIP rows, citations) and the
//! detail tables appear with `-v`.
//!
//! On a terminal, text wraps at the terminal's width and tables are boxed. Piped, nothing wraps and tables
//! become one line per row, so URLs and header values stay whole and copyable. Every server-provided string
//! is sanitised here, at the last step before the terminal.

use crate::catalogue;
use crate::report::{CheckResult, Report, Section, Status, is_failure};
use crate::sanitize;
use comfy_table::{Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use std::fmt::Write as _;

/// Rendering choices resolved by the CLI.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    /// The terminal's width; `None` when stdout is not a terminal (list layout, nothing wrapped).
    pub width: Option<u16>,
    /// Every check, citations and the detail tables (`-v`).
    pub verbose: bool,
    /// A warning in one line, without its fix: for the demo, whose loopback servers always warn.
    pub compact: bool,
}

/// The full human rendering.
pub fn human(report: &Report, style: Style) -> String {
    let mut out = String::new();
    let verdict = match &report.error {
        Some(err) => format!("✗ could not complete ({}): details at the end", err.kind),
        None => verdict_line(report),
    };
    let _ = writeln!(out, "{}", paint(&verdict, verdict_color(report), style));
    let _ = writeln!(
        out,
        "  {} {} · MCP {}",
        report.command,
        sanitize::line(&report.target),
        report.spec
    );
    // Never wrapped: headlines carry URLs, header values and command lines to copy.
    if let Some(h) = &report.headline {
        let _ = writeln!(out, "  {}", sanitize::line(h));
    }
    // No empty tables: a run that stopped early has nothing to show in some.
    for section in report
        .sections
        .iter()
        .filter(|s| (s.essential || style.verbose) && !s.rows.is_empty())
    {
        let _ = write!(out, "\n{}\n{}", section.title, section_text(section, style));
    }
    // The demo's compact form lists the chain only when a link broke: the headline already says it held.
    let chain = report
        .chain
        .as_ref()
        .filter(|c| !style.compact || style.verbose || c.iter().any(|l| !l.ok));
    if let Some(chain) = chain {
        // A network failure at a link's URL: the link was not reached (an HTTP error there is BROKEN).
        let unreachable = report
            .error
            .as_ref()
            .filter(|e| matches!(e.kind, "connect" | "timeout" | "tls" | "transport"))
            .and_then(|e| e.url.as_deref());
        out.push_str(&chain_text(chain, unreachable, style));
    } else if style.verbose && !report.checks.is_empty() {
        let _ = write!(out, "\nChecks\n{}", checks_text(&report.checks, style));
    }
    if !style.verbose {
        out.push_str(&problems_text(report, style));
    }
    let counts = counts_line(report, style.verbose);
    if !counts.is_empty() && !report.checks.is_empty() {
        let _ = writeln!(out, "\n{counts}");
    }
    out
}

/// Why the run could not complete, with a hint, for the end of the output on stderr: printed last, after
/// everything the run did find.
pub fn error_text(report: &Report) -> Option<String> {
    let err = report.error.as_ref()?;
    let mut out = format!("mcp-auth: error: {}\n", sanitize::line(&err.message));
    let lower = err.message.to_ascii_lowercase();
    let hint = match err.kind {
        _ if lower.contains("dns error") || lower.contains("failed to lookup") || lower.contains("name or service") => {
            Some("the host name does not resolve: check its spelling, and your DNS or VPN")
        }
        "connect" if lower.contains("refused") => Some(
            "nothing is listening there: is the server running, and is the port right? Behind a proxy, set HTTPS_PROXY",
        ),
        "connect" => {
            Some("is the server running and reachable from here? Behind a proxy, set HTTPS_PROXY (and NO_PROXY)")
        }
        // The message itself already suggests --timeout.
        "timeout" => Some("no answer in time: is the server up, and reachable from here (a firewall, a proxy)?"),
        _ => None,
    };
    if let Some(h) = hint {
        let _ = writeln!(out, "  hint: {h}");
    }
    Some(out)
}

/// Line 1 of the report, and all that `-q` prints: the verdict in words.
pub fn verdict_line(report: &Report) -> String {
    if let Some(err) = &report.error {
        return format!("✗ could not complete ({}): {}", err.kind, sanitize::line(&err.message));
    }
    let problems: Vec<&CheckResult> = report.checks.iter().filter(|c| is_failure(c, report.strict)).collect();
    if !problems.is_empty() {
        let strict = report.strict && problems.iter().any(|c| c.status == Status::Warn);
        return format!(
            "✗ {}: {}{}",
            plural(problems.len(), "problem"),
            id_list(&problems),
            if strict {
                " (--strict: warnings count as failures)"
            } else {
                ""
            }
        );
    }
    let warnings: Vec<&CheckResult> = report.checks.iter().filter(|c| c.status == Status::Warn).collect();
    let verdict = match report.command {
        "decode-token" => {
            return "UNVERIFIED: decoded only; the signature, issuer, audience and expiry were NOT checked".to_owned();
        }
        "check-provider" | "probe" => "✓ ready for MCP clients",
        "verify-token" => "✓ token valid for this resource",
        "gen-metadata" => "✓ metadata ready to serve",
        _ => "✓ no problems",
    };
    if warnings.is_empty() {
        verdict.to_owned()
    } else {
        format!(
            "{verdict}, {}: {}",
            plural(warnings.len(), "warning"),
            id_list(&warnings)
        )
    }
}

/// `n thing` or `n things`.
pub fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// The distinct ids of `checks` in order, `×n` after an id found more than once.
fn id_list(checks: &[&CheckResult]) -> String {
    let mut ids: Vec<(&str, usize)> = Vec::new();
    for c in checks {
        match ids.iter_mut().find(|(id, _)| *id == c.id) {
            Some((_, n)) => *n += 1,
            None => ids.push((c.id, 1)),
        }
    }
    let shown: Vec<String> = ids
        .iter()
        .map(|(id, n)| {
            if *n > 1 {
                format!("{id} ×{n}")
            } else {
                (*id).to_owned()
            }
        })
        .collect();
    shown.join(", ")
}

/// The last line: counts, non-zero ones only, and how to see every check.
fn counts_line(report: &Report, verbose: bool) -> String {
    let s = report.summary();
    if report.command == "decode-token" && s.fail == 0 {
        // Nothing was verified: no "passed" to misread.
        return if verbose {
            String::new()
        } else {
            "-v lists the format checks".to_owned()
        };
    }
    let mut parts = Vec::new();
    if s.fail > 0 {
        parts.push(format!("{} failed", s.fail));
    }
    if s.warn > 0 {
        parts.push(plural(s.warn, "warning"));
    }
    parts.push(format!("{} passed", s.pass));
    if s.skip > 0 {
        parts.push(format!("{} skipped", s.skip));
    }
    if s.info > 0 {
        parts.push(plural(s.info, "note"));
    }
    let mut line = parts.join(", ");
    if !verbose && !report.checks.is_empty() {
        line.push_str(" — -v lists every check");
    }
    line
}

fn verdict_color(report: &Report) -> &'static str {
    if report.command == "decode-token" && report.ok() {
        YELLOW
    } else if report.ok() {
        GREEN
    } else {
        RED
    }
}

const RED: &str = "31";
const GREEN: &str = "32";
const YELLOW: &str = "33";

fn paint(text: &str, color: &str, style: Style) -> String {
    if style.color {
        format!("\x1b[{color}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// Each failure and warning with what to do about it (findings of one check grouped, the fix said once),
/// then the notes. `compact` (the demo) shows failures only, without the catalogue's fix: its verdict line
/// already names the warnings, and each message says what to fix.
fn problems_text(report: &Report, style: Style) -> String {
    let subjects: std::collections::HashSet<_> = report.checks.iter().map(|c| &c.subject).collect();
    let with_subject = subjects.len() > 1 && report.chain.is_none();
    let mut groups: Vec<Vec<&CheckResult>> = Vec::new();
    for c in report
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Warn))
    {
        match groups.iter_mut().find(|g| g[0].id == c.id && g[0].status == c.status) {
            Some(g) => g.push(c),
            None => groups.push(vec![c]),
        }
    }
    // Failures first: the first problem is near the top.
    groups.sort_by_key(|g| g[0].status != Status::Fail);
    let mut out = String::new();
    let mut last_subject: Option<&Option<String>> = None;
    for group in &groups {
        let c = group[0];
        let (mark, color) = if c.status == Status::Fail {
            ("✗", RED)
        } else {
            ("!", YELLOW)
        };
        let head = format!("{} {} [{}]", paint(mark, color, style), c.id, c.level.as_str());
        let message = sanitize::line(&c.message);
        // The demo's warnings are all "loopback http": the verdict line names them, and -v has them whole.
        if style.compact && c.status == Status::Warn {
            continue;
        }
        // The demo's compact form: one block of failures, no blank line between them.
        if !style.compact || out.is_empty() {
            out.push('\n');
        }
        if group.len() == 1 {
            out.push_str(&wrap(&format!("{head} {message}"), "", "  ", style.width));
        } else {
            let _ = writeln!(out, "{head} ×{}", group.len());
            for c in group {
                out.push_str(&wrap(
                    &format!("- {}", sanitize::line(&c.message)),
                    "  ",
                    "    ",
                    style.width,
                ));
            }
        }
        if with_subject
            && last_subject != Some(&c.subject)
            && let Some(s) = &c.subject
        {
            out.push_str(&wrap(&format!("at {}", sanitize::line(s)), "  ", "  ", style.width));
        }
        last_subject = Some(&c.subject);
        // The demo's messages already say what to fix; the catalogue's fix is one `explain` away.
        if style.compact {
            continue;
        }
        let fix = catalogue::find(c.id).map_or("", |d| d.fix);
        out.push_str(&wrap(
            &format!("fix: {fix} (mcp-auth explain {})", c.id),
            "  ",
            "    ",
            style.width,
        ));
    }
    let notes: Vec<&CheckResult> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Info && !style.compact)
        .collect();
    if !notes.is_empty() {
        out.push('\n');
    }
    for c in notes {
        out.push_str(&wrap(
            &format!("· {}: {}", c.id, sanitize::line(&c.message)),
            "",
            "  ",
            style.width,
        ));
    }
    out
}

/// The chain as one line per link; with `-v`, each link's checks below it. The link the run could not
/// reach (the error's URL) is `[unreachable]`, whatever its checks say.
fn chain_text(chain: &[crate::report::ChainLink], unreachable: Option<&str>, style: Style) -> String {
    let mut out = String::from("\n");
    for (i, link) in chain.iter().enumerate() {
        // The demo's compact form: only the links that broke (numbered as in the whole chain).
        if style.compact && !style.verbose && link.ok {
            continue;
        }
        let mark = match (unreachable == Some(link.subject.as_str()), link.ok) {
            (true, _) => "unreachable",
            (false, true) => "ok",
            (false, false) => "BROKEN",
        };
        let _ = writeln!(
            out,
            "{}. {} {} [{mark}]",
            i + 1,
            link.link,
            sanitize::line(&link.subject)
        );
        if style.verbose && !link.checks.is_empty() {
            out.push_str(&checks_text(&link.checks, style));
        }
    }
    out
}

/// Every check: a boxed table on a terminal, one entry per check when piped.
fn checks_text(checks: &[CheckResult], style: Style) -> String {
    let rows = merged(checks);
    let subjects: std::collections::HashSet<_> = checks.iter().map(|c| &c.subject).collect();
    let with_subject = subjects.len() > 1;
    let Some(width) = style.width else {
        let mut out = String::new();
        for (c, message) in &rows {
            let _ = writeln!(
                out,
                "{} {} [{}] {}",
                c.status.as_str().to_uppercase(),
                c.id,
                c.level.as_str(),
                sanitize::line(message)
            );
            if with_subject && let Some(s) = &c.subject {
                let _ = writeln!(out, "    at {}", sanitize::line(s));
            }
            let _ = writeln!(out, "    spec: {}", c.spec);
        }
        return out;
    };
    let mut t = table(style, width);
    t.set_header(vec!["status", "level", "check", "message"]);
    // The subject is shown when it changes, not on every row: consecutive checks share one URL.
    let mut previous: Option<&Option<String>> = None;
    for (c, message) in &rows {
        let mut message = sanitize::line(message).into_owned();
        if with_subject
            && previous != Some(&c.subject)
            && let Some(s) = &c.subject
        {
            let _ = write!(message, "\n@ {}", sanitize::line(s));
        }
        previous = Some(&c.subject);
        t.add_row(vec![
            status_cell(c.status, style),
            Cell::new(c.level.as_str()),
            Cell::new(c.id),
            Cell::new(format!("{message}\n[{}]", c.spec)),
        ]);
    }
    format!("{t}\n")
}

/// The checks with each info note on an id already listed folded into that row, so an id appears once
/// where it is one finding (verify-token's "verified against" note on `jwt-iss-matches`).
fn merged(checks: &[CheckResult]) -> Vec<(&CheckResult, String)> {
    let mut rows: Vec<(&CheckResult, String)> = Vec::new();
    for c in checks {
        let same = rows
            .iter_mut()
            .find(|(r, _)| r.id == c.id && r.subject == c.subject && r.status != Status::Info);
        match same {
            Some((_, message)) if c.status == Status::Info => {
                let _ = write!(message, " ({})", c.message);
            }
            _ => rows.push((c, c.message.clone().into_owned())),
        }
    }
    rows
}

/// A section: a boxed table on a terminal; piped, one line per row (`first: rest` for two columns).
fn section_text(section: &Section, style: Style) -> String {
    let Some(width) = style.width else {
        let mut out = String::new();
        for row in &section.rows {
            let cells: Vec<String> = row.iter().map(|c| sanitize::line(c).into_owned()).collect();
            match cells.as_slice() {
                [] => {}
                [only] => {
                    let _ = writeln!(out, "  {only}");
                }
                [first, rest @ ..] => {
                    let rest: Vec<&str> = rest.iter().map(String::as_str).filter(|c| !c.is_empty()).collect();
                    let _ = writeln!(out, "  {first}: {}", rest.join(" · "));
                }
            }
        }
        return out;
    };
    let mut t = table(style, width);
    t.set_header(section.header.clone());
    for row in &section.rows {
        t.add_row(row.iter().map(|c| sanitize::text(c)).collect::<Vec<_>>());
    }
    format!("{t}\n")
}

fn table(style: Style, width: u16) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    // The CLI already resolved --color/NO_COLOR/TTY; comfy-table must not second-guess it (it would drop
    // `--color always` when stdout is piped, e.g. into `less -R`).
    if style.color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t.set_width(width);
    t
}

fn status_cell(status: Status, style: Style) -> Cell {
    let cell = Cell::new(status.as_str().to_uppercase());
    if !style.color {
        return cell;
    }
    match status {
        Status::Pass => cell.fg(Color::Green),
        Status::Fail => cell.fg(Color::Red),
        Status::Warn => cell.fg(Color::Yellow),
        Status::Skip | Status::Info => cell.fg(Color::DarkGrey),
    }
}

/// `text` as lines of at most `width` columns (first line prefixed by `first`, the others by `rest`),
/// broken at spaces only: a URL or a header value longer than the line stays whole. Without a width
/// (piped), one line.
fn wrap(text: &str, first: &str, rest: &str, width: Option<u16>) -> String {
    let Some(width) = width.map(usize::from) else {
        return format!("{first}{text}\n");
    };
    let mut out = String::new();
    let mut line = first.to_owned();
    let mut len = visible_len(first);
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = visible_len(word);
        if !empty && len + 1 + w > width {
            out.push_str(&line);
            out.push('\n');
            line = rest.to_owned();
            len = visible_len(rest);
            empty = true;
        }
        if !empty {
            line.push(' ');
            len += 1;
        }
        line.push_str(word);
        len += w;
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// Columns taken by `s`: characters outside ANSI colour sequences.
fn visible_len(s: &str) -> usize {
    let mut n = 0;
    let mut in_escape = false;
    for ch in s.chars() {
        match (in_escape, ch) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => n += 1,
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_and_keeps_long_words_whole() {
        let url = "https://auth.example.com/.well-known/oauth-authorization-server/tenant1";
        let text = format!("served at {url} with status 200");
        assert_eq!(wrap(&text, "", "  ", None), format!("{text}\n"));
        let wrapped = wrap(&text, "", "  ", Some(30));
        assert!(wrapped.lines().any(|l| l.trim() == url), "{wrapped}");
        assert!(wrapped.lines().all(|l| l.len() <= 30 || l.contains(url)), "{wrapped}");
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "warning"), "1 warning");
        assert_eq!(plural(0, "warning"), "0 warnings");
        assert_eq!(plural(2, "problem"), "2 problems");
    }
}
