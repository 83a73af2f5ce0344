//! `mcp-auth completions <SHELL>`.

use crate::cli::args::{Cli, CompletionsArgs};
use clap::CommandFactory;

pub fn completions(args: CompletionsArgs) -> anyhow::Result<u8> {
    clap_complete::generate(args.shell, &mut Cli::command(), "mcp-auth", &mut std::io::stdout());
    Ok(0)
}
