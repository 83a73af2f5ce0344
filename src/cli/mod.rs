//! The binary's logic: parse, resolve the context once, run a command, print, and map to an exit code.
//! `anyhow` lives here and in `commands/`, nowhere else.

pub mod args;
pub mod commands;
pub mod context;
pub mod input;
pub mod printer;

use crate::exit::ExitStatus;
use args::{Cli, Command};
use context::Context;
use std::ffi::OsString;
use std::process::ExitCode;

/// Entry point used by `src/main.rs`.
pub fn main(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let args: Vec<OsString> = args.into_iter().collect();
    let json = wants_json(&args);
    let parsed = args::command()
        .try_get_matches_from(&args)
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let e = redact_usage_error(e);
            if json && e.use_stderr() {
                // Still one JSON document on stdout: `… --json | jq -e .ok` must not pass on a typo.
                print_json_error("usage", &e.to_string());
            }
            e.exit()
        }
    };
    let ctx = match Context::resolve(&cli.global) {
        Ok(ctx) => ctx,
        Err(e) => return fail(&e.into(), json),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(&anyhow::anyhow!("could not start the async runtime: {e}"), json),
    };
    let result = runtime.block_on(run(cli.command, ctx));
    // Embedded demo servers and stray requests must not keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    match result {
        Ok(status) => status.into(),
        Err(e) => fail(&e, json),
    }
}

/// Whether the command line asks for JSON (`--json`, `--output json`), read before parsing so that a usage
/// error can be answered in JSON too.
fn wants_json(args: &[OsString]) -> bool {
    args.iter()
        .zip(args.iter().skip(1).map(Some).chain([None]))
        .any(|(a, next)| {
            a == "--json" || a == "--output=json" || (a == "--output" && next.is_some_and(|n| n == "json"))
        })
}

/// The JSON document of a run that did not get to a report: `{"ok": false, "error": {"kind", "message"}}`.
fn print_json_error(kind: &str, message: &str) {
    let message = message.lines().find(|l| !l.trim().is_empty()).unwrap_or(kind);
    let message = message.strip_prefix("error: ").unwrap_or(message);
    let doc = serde_json::json!({"ok": false, "error": {"kind": kind, "message": message}});
    // A closed stdout is not worth reporting: the exit code says it all.
    let _ = printer::print(&format!("{doc}\n"));
}

async fn run(command: Command, ctx: Context) -> anyhow::Result<ExitStatus> {
    match command {
        Command::CheckProvider(a) => commands::check_provider::check_provider(a, &ctx).await,
        Command::Explain(a) => commands::explain::explain(a, &ctx),
        Command::Completions(a) => commands::completions::completions(a),
        Command::Demo(a) => commands::demo::demo(a, &ctx).await,
        Command::GenMetadata(a) => commands::gen_metadata::gen_metadata(a, &ctx).await,
        Command::Probe(a) => commands::probe::probe(a, &ctx).await,
        Command::Login(a) => commands::login::login(a, &ctx).await,
        Command::Scan(a) => commands::scan::scan(a, &ctx).await,
        Command::VerifyToken(a) => commands::verify_token::verify_token(a, &ctx).await,
        Command::DecodeToken(a) => commands::decode_token::decode_token(a, &ctx),
    }
}

/// clap quotes unexpected arguments and invalid values; a token pasted as `Bearer <token>`, or twice,
/// would be echoed whole. Any quoted value that looks like a token is replaced by its length, and a URL's
/// token-like query values by `REDACTED`.
fn redact_usage_error(mut e: clap::Error) -> clap::Error {
    use crate::sanitize::{argument, hides};
    use clap::error::{ContextKind, ContextValue};
    let redacted: Vec<(ContextKind, ContextValue)> = e
        .context()
        .filter_map(|(kind, value)| match value {
            ContextValue::String(s) if hides(s) => Some((kind, ContextValue::String(argument(s)))),
            ContextValue::Strings(v) if v.iter().any(|s| hides(s)) => {
                Some((kind, ContextValue::Strings(v.iter().map(|s| argument(s)).collect())))
            }
            _ => None,
        })
        .collect();
    for (kind, value) in redacted {
        e.insert(kind, value);
    }
    e
}

/// Prints an error the way the contract says and returns its exit code.
fn fail(e: &anyhow::Error, json: bool) -> ExitCode {
    if is_broken_pipe(e) {
        return ExitCode::SUCCESS;
    }
    let text = crate::sanitize::line(&message(e)).into_owned();
    let status = exit_code_for(e);
    if json {
        let kind = if status == ExitStatus::Usage { "usage" } else { "error" };
        print_json_error(kind, &text);
    }
    eprintln!("mcp-auth: error: {text}");
    status.into()
}

/// The error and its causes on one line, each cause only once (typed errors often quote their source).
fn message(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !out.contains(&text) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&text);
        }
    }
    out
}

/// Usage (2) for usage errors (bad argument, unreadable file), unavailable (3) for anything that stopped the run.
pub fn exit_code_for(e: &anyhow::Error) -> ExitStatus {
    e.chain()
        .find_map(|c| c.downcast_ref::<crate::error::Error>())
        .map_or(ExitStatus::Unavailable, crate::error::Error::exit_code)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, FetchError};
    use clap::Parser;

    #[test]
    fn error_messages_name_each_cause_once() {
        let io: anyhow::Error = Error::Io {
            path: "/x".into(),
            source: std::io::Error::other("gone"),
        }
        .into();
        assert_eq!(message(&io), "/x: gone");
        assert_eq!(message(&io.context("reading the token")), "reading the token: /x: gone");
    }

    #[test]
    fn usage_errors_never_echo_a_token() {
        let token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLXNlZ21lbnQtMTIzNDU2Nzg5";
        for args in [
            vec!["mcp-auth", "decode-token", "Bearer", token],
            vec!["mcp-auth", "verify-token", "a", token, "--resource", "r"],
            vec!["mcp-auth", token],
        ] {
            let e = Cli::try_parse_from(&args).unwrap_err();
            let shown = redact_usage_error(e).to_string();
            assert!(!shown.contains(token) && !shown.contains("c2lnbmF0dXJl"), "{shown}");
            assert!(shown.contains("looks like a token"), "{shown}");
        }
        // Ordinary mistakes are still quoted.
        let e = Cli::try_parse_from(["mcp-auth", "decode-token", "a", "b"]).unwrap_err();
        assert!(redact_usage_error(e).to_string().contains("'b'"));
        assert!(!input::looks_like_token("https://mcp.example.com/a-long-path/mcp"));
    }

    #[test]
    fn exit_codes_follow_the_contract() {
        let usage: anyhow::Error = Error::Usage("bad".into()).into();
        assert_eq!(exit_code_for(&usage), ExitStatus::Usage);
        let io: anyhow::Error = Error::Io {
            path: "x".into(),
            source: std::io::Error::other("gone"),
        }
        .into();
        assert_eq!(exit_code_for(&io), ExitStatus::Usage);
        let net: anyhow::Error = Error::Fetch(FetchError::Timeout {
            url: "u".into(),
            secs: 1,
        })
        .into();
        assert_eq!(exit_code_for(&net), ExitStatus::Unavailable);
        assert_eq!(exit_code_for(&anyhow::anyhow!("other")), ExitStatus::Unavailable);
        let wrapped = anyhow::Error::from(Error::Usage("x".into())).context("while reading");
        assert_eq!(exit_code_for(&wrapped), ExitStatus::Usage);
    }
}
