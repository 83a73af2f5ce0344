//! `mcp-auth completions <SHELL>`.

use crate::cli::args::{Cli, CompletionsArgs};
use crate::exit::ExitStatus;
use clap::CommandFactory;

pub fn completions(args: CompletionsArgs) -> anyhow::Result<ExitStatus> {
    clap_complete::generate(args.shell, &mut Cli::command(), "mcp-auth", &mut std::io::stdout());
    Ok(ExitStatus::Ok)
}
