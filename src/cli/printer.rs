//! Writes a finished report to stdout in the selected format and returns the exit code.

use super::args::OutputFormat;
use super::context::Context;
use crate::exit::ExitStatus;
use crate::render::{self, Style};
use crate::report::Report;
use std::io::Write;

/// Width used for tables when stdout is not a terminal.
const PIPE_WIDTH: u16 = 120;

/// Prints `report` as the context says and returns the contract's exit code.
pub fn emit(ctx: &Context, report: &Report) -> anyhow::Result<ExitStatus> {
    let text = match ctx.output {
        OutputFormat::Json => format!("{}\n", render::json(report)),
        OutputFormat::Junit => render::junit(report),
        OutputFormat::Human if ctx.quiet => format!("{}\n", render::verdict_line(report)),
        OutputFormat::Human => {
            let width = ctx.columns.unwrap_or(PIPE_WIDTH);
            render::human(
                report,
                Style {
                    color: ctx.color,
                    width,
                },
            )
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(report.exit_code())
}
