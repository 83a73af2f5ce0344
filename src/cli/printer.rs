//! Writes a finished report in the selected format and returns the exit code.

use super::args::OutputFormat;
use super::context::Context;
use crate::exit::ExitStatus;
use crate::render::{self, Style};
use crate::report::Report;
use std::io::Write;

/// Prints `report` to stdout as the context says and returns the contract's exit code.
pub fn emit(ctx: &Context, report: &Report) -> anyhow::Result<ExitStatus> {
    print(&text(ctx, report, style(ctx)))?;
    error_last(ctx, report);
    Ok(report.exit_code())
}

/// Prints `report` to stderr instead (stdout carries something else, e.g. `login --print-token`).
pub fn emit_stderr(ctx: &Context, report: &Report) -> anyhow::Result<ExitStatus> {
    let style = Style {
        width: ctx.stderr_width,
        ..style(ctx)
    };
    let mut err = std::io::stderr().lock();
    err.write_all(text(ctx, report, style).as_bytes())?;
    err.flush()?;
    error_last(ctx, report);
    Ok(report.exit_code())
}

/// The report rendered in the selected format.
fn text(ctx: &Context, report: &Report, style: Style) -> String {
    match ctx.output {
        OutputFormat::Json => format!("{}\n", render::json(report)),
        OutputFormat::Junit => render::junit(report, ctx.started.elapsed()),
        OutputFormat::Github => render::github(report),
        OutputFormat::Sarif => format!("{:#}\n", render::sarif(report)),
        OutputFormat::Human if ctx.quiet => format!("{}\n", render::verdict_line(report)),
        OutputFormat::Human => render::human(report, style),
    }
}

/// In human mode, the error that stopped the run comes last, on stderr, with its hint.
fn error_last(ctx: &Context, report: &Report) {
    if ctx.output == OutputFormat::Human
        && !ctx.quiet
        && let Some(error) = render::error_text(report)
    {
        eprint!("{error}");
    }
}

/// The human style for stdout.
pub fn style(ctx: &Context) -> Style {
    Style {
        color: ctx.color,
        width: ctx.width,
        verbose: ctx.all_checks,
        compact: false,
    }
}

/// Writes `text` to stdout. A reader that went away (`| head`, `| grep -q`) comes back as a `BrokenPipe`
/// error, which `cli::main` turns into a quiet exit, never a panic as `println!` would.
pub fn print(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}
