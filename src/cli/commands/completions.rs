//! `mcp-auth completions <SHELL>`.

use crate::cli::args::{Cli, CompletionsArgs};
use crate::exit::ExitStatus;
use clap::CommandFactory;

pub fn completions(args: CompletionsArgs) -> anyhow::Result<ExitStatus> {
    // Generated into memory first: clap_complete panics when its writer fails (`| head` closing the pipe).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "mcp-auth", &mut script);
    crate::cli::printer::print(&String::from_utf8_lossy(&script))?;
    Ok(ExitStatus::Ok)
}
