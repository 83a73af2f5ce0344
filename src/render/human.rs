//! Human output: comfy-table tables, colour only when resolved on. Every server-provided string is
//! sanitised here, at the last step before the terminal.

use crate::report::{CheckResult, Report, Status, is_failure};
use crate::sanitize;
use comfy_table::{Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use std::fmt::Write as _;

/// Rendering choices resolved by the CLI.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    /// Table width when not on a terminal (stable layout for pipes and tests).
    pub width: u16,
}

fn table(style: Style) -> Table {
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
    t.set_width(style.width);
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

fn checks_table(checks: &[CheckResult], style: Style, with_subject: bool) -> Table {
    let mut t = table(style);
    t.set_header(vec!["status", "level", "check", "message"]);
    // The subject is shown when it changes, not on every row: consecutive checks share one URL.
    let mut previous: Option<&Option<String>> = None;
    for c in checks {
        let mut message = sanitize::line(&c.message).into_owned();
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
    t
}

/// The full human rendering.
pub fn human(report: &Report, style: Style) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "mcp-auth {} {} · MCP {}",
        report.command,
        sanitize::line(&report.target),
        report.spec
    );
    if let Some(h) = &report.headline {
        let _ = writeln!(out, "{}", sanitize::line(h));
    }
    for section in &report.sections {
        let mut t = table(style);
        t.set_header(section.header.clone());
        for row in &section.rows {
            t.add_row(row.iter().map(|c| sanitize::text(c)).collect::<Vec<_>>());
        }
        let _ = writeln!(out, "\n{}\n{t}", section.title);
    }
    match &report.chain {
        Some(chain) => {
            for (i, link) in chain.iter().enumerate() {
                let mark = if link.ok { "ok" } else { "BROKEN" };
                let _ = writeln!(
                    out,
                    "\n{}. {} {} [{mark}]",
                    i + 1,
                    link.link,
                    sanitize::line(&link.subject)
                );
                if !link.checks.is_empty() {
                    let _ = writeln!(out, "{}", checks_table(&link.checks, style, false));
                }
            }
        }
        None if !report.checks.is_empty() => {
            let subjects: std::collections::HashSet<_> = report.checks.iter().map(|c| &c.subject).collect();
            let _ = writeln!(
                out,
                "\nChecks\n{}",
                checks_table(&report.checks, style, subjects.len() > 1)
            );
        }
        None => {}
    }
    let _ = writeln!(out, "\n{}", verdict_line(report));
    out
}

/// One line: the verdict, the counts and the first failure. Also what `-q` prints.
pub fn verdict_line(report: &Report) -> String {
    let s = report.summary();
    if let Some(err) = &report.error {
        return format!("ERROR ({}): {}", err.kind, sanitize::line(&err.message));
    }
    let counts = format!(
        "{} passed, {} failed, {} warnings, {} skipped, {} info",
        s.pass, s.fail, s.warn, s.skip, s.info
    );
    if report.ok() {
        return format!("PASS: {counts}");
    }
    match report.checks.iter().find(|c| is_failure(c, report.strict)) {
        Some(c) => format!(
            "FAIL: {counts}. First failure: {}: {}",
            c.id,
            sanitize::line(&c.message)
        ),
        None => format!("FAIL: {counts}"),
    }
}
