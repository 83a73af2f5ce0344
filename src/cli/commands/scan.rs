//! `mcp-auth scan [FILE|-]`: probe a fleet of MCP servers (see [`crate::scan`]) and write one result per
//! server as it finishes, then the summary; `--html FILE` also writes the HTML report.

use crate::cli::args::{OutputFormat, ScanArgs};
use crate::cli::commands::gen_metadata::write_atomic;
use crate::cli::context::Context;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::probe::ProbeOptions;
use crate::report::Report;
use crate::sanitize;
use crate::scan::{self, Row, ScanOptions, ServerOutcome, ServerResult, Summary, Verdict, input};
use futures::StreamExt;
use std::io::{Read, Write};
use std::time::Duration;

/// The largest input read (a registry export of many thousands of servers is a few MiB).
const MAX_INPUT: u64 = 64 << 20;
/// Rows of each human summary table.
const TOP: usize = 10;

pub async fn scan(args: ScanArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    if ctx.output == OutputFormat::Sarif {
        return Err(Error::Usage(
            "scan streams one result per server: use --json, --output junit or --output github (SARIF is one document per run: `probe --output sarif` per server)".into(),
        )
        .into());
    }
    let text = read_input(&args, ctx)?;
    let targets = input::parse(&text).map_err(|e| Error::Usage(e.to_string()))?;
    drop(text);
    if targets.duplicates > 0 && !ctx.quiet {
        eprintln!(
            "mcp-auth: {} URL(s) listed more than once are scanned once",
            targets.duplicates
        );
    }
    let opts = ScanOptions {
        jobs: usize::from(args.jobs),
        deadline: Duration::from_secs(args.deadline),
        spec: ctx.spec,
        probe: ProbeOptions {
            allow_private_addresses: ctx.http.allow_private,
            strict: ctx.strict,
            ..ProbeOptions::default()
        },
        ..ScanOptions::default()
    };
    let client = scan::client(ctx.http.clone(), &opts)?;
    let bar = ctx.progress(targets.urls.len() as u64, "scanning");
    let mut summary = Summary::new(args.html.is_some());
    let mut suites = Vec::new();
    let mut results = std::pin::pin!(scan::run(client, targets.urls, opts));
    while let Some(result) = results.next().await {
        let facts = result.facts(ctx.strict);
        let written = bar.suspend(|| write_result(result, &facts.row, ctx, &mut suites));
        summary.add(facts);
        bar.inc(1);
        written?;
    }
    bar.finish_and_clear();
    if let Some(path) = &args.html {
        write_atomic(path, scan::html::render(&summary, ctx.spec).as_bytes())?;
    }
    let mut out = std::io::stdout().lock();
    match ctx.output {
        OutputFormat::Json => writeln!(out, "{}", summary.to_json())?,
        OutputFormat::Github => writeln!(out, "::notice title=mcp-auth scan::{}", verdict_line(&summary))?,
        OutputFormat::Sarif => {}
        OutputFormat::Junit => out.write_all(crate::render::junit_suites(suites, ctx.started.elapsed()).as_bytes())?,
        OutputFormat::Human if ctx.quiet => writeln!(out, "{}", verdict_line(&summary))?,
        OutputFormat::Human => write!(out, "{}\n{}\n", summary.human(TOP), verdict_line(&summary))?,
    }
    out.flush()?;
    Ok(summary.exit_status())
}

/// The input text: the file, or stdin for `-` or no argument (which must then not be a terminal).
fn read_input(args: &ScanArgs, ctx: &Context) -> Result<String, Error> {
    let mut raw = Vec::new();
    let (name, result) = match args.input.as_deref() {
        Some(p) if p.as_os_str() != "-" => (
            p.display().to_string(),
            std::fs::File::open(p).and_then(|f| f.take(MAX_INPUT + 1).read_to_end(&mut raw)),
        ),
        None if ctx.stdin_tty => {
            return Err(Error::Usage(
                "no input: pass a FILE of MCP server URLs (or a registry export), or pipe it on stdin with -".into(),
            ));
        }
        _ => (
            "stdin".to_owned(),
            std::io::stdin().lock().take(MAX_INPUT + 1).read_to_end(&mut raw),
        ),
    };
    result.map_err(|source| Error::Io {
        path: name.clone(),
        source,
    })?;
    if raw.len() as u64 > MAX_INPUT {
        return Err(Error::Usage(format!("{name}: larger than {} MiB", MAX_INPUT >> 20)));
    }
    String::from_utf8(raw).map_err(|_| Error::Usage(format!("{name}: not UTF-8 text")))
}

/// Writes one server's result in the selected format (JUnit: keeps its suite for the closing document).
fn write_result(
    result: ServerResult,
    row: &Row,
    ctx: &Context,
    suites: &mut Vec<quick_junit::TestSuite>,
) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match ctx.output {
        OutputFormat::Human if ctx.quiet => Ok(()),
        OutputFormat::Human => {
            let mark = match row.verdict {
                Verdict::Pass => "PASS ",
                Verdict::Fail => "FAIL ",
                Verdict::CouldNotComplete => "ERROR",
            };
            let detail = match row.verdict {
                Verdict::Pass => String::new(),
                _ => format!(": {}", sanitize::line(&row.headline)),
            };
            writeln!(out, "{mark} {}{detail}", sanitize::line(&row.url))
        }
        OutputFormat::Json => {
            let mut buf = Vec::with_capacity(8192);
            crate::render::json_line_into(&report(result, ctx), &mut buf);
            buf.push(b'\n');
            out.write_all(&buf)?;
            out.flush()
        }
        OutputFormat::Github => {
            out.write_all(crate::render::github(&report(result, ctx)).as_bytes())?;
            out.flush()
        }
        OutputFormat::Sarif => Ok(()),
        OutputFormat::Junit => {
            suites.push(crate::render::junit_suite(
                &report(result, ctx),
                std::time::Duration::ZERO,
            ));
            Ok(())
        }
    }
}

/// The server's probe document (as `probe --json` writes it).
fn report(result: ServerResult, ctx: &Context) -> Report {
    let error = result.error();
    match result.outcome {
        ServerOutcome::Probed(outcome) => crate::outcomes::probe(*outcome, &result.url, ctx.spec, ctx.strict),
        ServerOutcome::DeadlineExceeded(_) | ServerOutcome::Crashed(_) => {
            let mut report = Report::new("probe", result.url.as_str(), ctx.spec, ctx.strict);
            report.headline = error.as_ref().map(|e| e.message.clone());
            report.error = error;
            report
        }
    }
}

fn verdict_line(s: &Summary) -> String {
    let counts = format!(
        "{} scanned: {} passing, {} failing, {} could not complete",
        s.scanned, s.passing, s.failing, s.could_not_complete
    );
    match s.exit_status() {
        ExitStatus::Ok => format!("PASS: {counts}"),
        ExitStatus::Failed => format!("FAIL: {counts}"),
        _ => format!("ERROR: {counts}"),
    }
}
