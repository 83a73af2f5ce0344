//! Writes a finished report to stdout in the selected format and returns the exit code.

use super::args::OutputFormat;
use super::context::Context;
use crate::exit::ExitStatus;
use crate::render::{self, Style};
use crate::report::Report;
use std::io::Write;

/// Prints `report` as the context says and returns the contract's exit code.
pub fn emit(ctx: &Context, report: &Report) -> anyhow::Result<ExitStatus> {
    let text = match ctx.output {
        OutputFormat::Json => format!("{}\n", render::json(report)),
        OutputFormat::Junit => render::junit(report, ctx.started.elapsed()),
        OutputFormat::Github => render::github(report),
        OutputFormat::Sarif => format!("{:#}\n", render::sarif(report)),
        OutputFormat::Human if ctx.quiet => format!("{}\n", render::verdict_line(report)),
        OutputFormat::Human => render::human(report, style(ctx)),
    };
    print(&text)?;
    if ctx.output == OutputFormat::Human
        && !ctx.quiet
        && let Some(error) = render::error_text(report)
    {
        eprint!("{error}");
    }
    Ok(report.exit_code())
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
