//! `mcp-auth verify-token [TOKEN|-] --resource URI [--issuer ISSUER | --jwks URL|FILE] [--batch]`: the
//! arguments become [`VerifyOptions`], [`crate::verify`] does the work, and this prints the result.

use crate::cli::args::{BatchDetail, TokenProfile, VerifyTokenArgs};
use crate::cli::context::Context;
use crate::cli::printer::emit;
use crate::error::Error;
use crate::jwt::SecretToken;
use crate::verify::{self, Keys, VerifyOptions, batch};
use std::io::Read as _;

pub async fn verify_token(args: VerifyTokenArgs, ctx: &Context) -> anyhow::Result<crate::exit::ExitStatus> {
    // clap cannot tell a TOKEN argument from one filled in by MCP_AUTH_TOKEN, and an exported variable
    // must not make --batch unusable: only an explicit argument conflicts.
    let from_env = ctx.env_token == args.token;
    if args.batch && args.token.is_some() && !from_env {
        return Err(
            Error::Usage("--batch reads one token per line from stdin; do not pass TOKEN as well".into()).into(),
        );
    }
    let token = if args.batch {
        None
    } else {
        Some(read_token(args.token.clone(), "verify-token")?)
    };
    let opts = options(&args, ctx).map_err(cli_error)?;
    let client = ctx.client()?;
    let spinner = ctx.spinner("fetching the issuer's keys");
    let loaded = Keys::load(&client, &opts, token.as_ref()).await;
    spinner.finish_and_clear();
    let keys = match loaded {
        Ok(keys) => keys,
        Err(verify::Error::Unavailable(info)) => {
            let report = verify::unavailable(&opts, info);
            if args.batch {
                crate::cli::printer::print(&format!("{}\n", crate::render::json(&report)))?;
                return Ok(report.exit_code());
            }
            return emit(ctx, &report);
        }
        Err(e) => return Err(cli_error(e)),
    };
    if !ctx.quiet {
        for w in &keys.warnings {
            eprintln!("mcp-auth: warning: {w}");
        }
    }
    match token {
        Some(token) => emit(ctx, &keys.verify(&token)),
        None => {
            let run = batch::BatchOptions {
                jobs: args.jobs.map(usize::from),
                detail: match args.batch_detail {
                    BatchDetail::Compact => batch::Detail::Compact,
                    BatchDetail::Full => batch::Detail::Full,
                },
            };
            // `Stdin`, not its lock: any worker thread of the batch may read the next chunk.
            let input = std::io::BufReader::with_capacity(1 << 16, std::io::stdin());
            let tally = batch::run(&keys, input, std::io::stdout(), &run).map_err(cli_error)?;
            Ok(tally.exit_code())
        }
    }
}

/// The library options for `args`.
pub fn options(args: &VerifyTokenArgs, ctx: &Context) -> Result<VerifyOptions, verify::Error> {
    Ok(VerifyOptions {
        resource: args.resource.clone(),
        issuer: args.issuer.clone(),
        jwks: args.jwks.clone(),
        audience: args.audience.clone(),
        scopes: args.scopes.clone(),
        leeway: args.check.leeway,
        algorithms: verify::parse_algorithms(&args.check.algorithms)?,
        rfc9068: args.profile == Some(TokenProfile::Rfc9068),
        spec: ctx.spec,
        strict: ctx.strict,
    })
}

/// A library error as the CLI reports it: usage errors keep exit 2, I/O errors stay I/O errors (a closed
/// stdout is not an error to print).
fn cli_error(e: verify::Error) -> anyhow::Error {
    match e {
        verify::Error::Usage(m) => Error::Usage(m).into(),
        verify::Error::Io { path, source } => Error::Io { path, source }.into(),
        verify::Error::Stream(io) => io.into(),
        e @ verify::Error::Unavailable(_) => e.into(),
    }
}

/// The token from the argument, `-` (stdin) or `MCP_AUTH_TOKEN` (clap fills the argument from it).
pub fn read_token(arg: Option<SecretToken>, command: &str) -> Result<SecretToken, Error> {
    let raw = match arg {
        Some(t) if t.expose() == "-" => {
            let mut s = String::new();
            std::io::stdin()
                .lock()
                .take(1 << 20)
                .read_to_string(&mut s)
                .map_err(|source| Error::Io {
                    path: "stdin".into(),
                    source,
                })?;
            s
        }
        Some(t) => return non_empty(t),
        None => {
            return Err(Error::Usage(format!(
                "no token: pass it as an argument, as - to read stdin (e.g. `pbpaste | mcp-auth {command} -`), or in MCP_AUTH_TOKEN"
            )));
        }
    };
    let (token, had_prefix) = crate::cli::args::without_bearer(&raw);
    if had_prefix {
        eprintln!("mcp-auth: note: the token on stdin started with \"Bearer \"; using what follows it");
    }
    non_empty(SecretToken::new(token))
}

fn non_empty(token: SecretToken) -> Result<SecretToken, Error> {
    if token.expose().is_empty() {
        return Err(Error::Usage("the token is empty".into()));
    }
    Ok(token)
}
