//! `mcp-auth explain <CHECK_ID>` and `explain --list`: read straight from the catalogue.

use crate::catalogue::{self, CheckDef};
use crate::cli::args::{ExplainArgs, OutputFormat};
use crate::cli::context::Context;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::spec::SpecRevision;
use serde_json::json;

pub fn explain(args: ExplainArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    if args.list {
        if ctx.output == OutputFormat::Json {
            let all: Vec<_> = catalogue::all().map(to_json).collect();
            println!("{}", serde_json::Value::Array(all));
        } else {
            for c in catalogue::all() {
                println!("{:<40} {:<6} {}", c.id, c.level(ctx.spec).as_str(), c.summary);
            }
        }
        return Ok(ExitStatus::Ok);
    }
    let id = args.check_id.unwrap_or_default();
    let Some(def) = catalogue::find(&id) else {
        let near: Vec<&str> = catalogue::all()
            .map(|c| c.id)
            .filter(|c| c.contains(id.trim_matches('-')))
            .take(5)
            .collect();
        let hint = if near.is_empty() {
            "run `mcp-auth explain --list` for every id".to_owned()
        } else {
            format!("did you mean: {}?", near.join(", "))
        };
        return Err(Error::Usage(format!("unknown check id \"{}\"; {hint}", crate::sanitize::line(&id))).into());
    };
    if ctx.output == OutputFormat::Json {
        println!("{}", to_json(def));
    } else {
        print!("{}", text(def));
    }
    Ok(ExitStatus::Ok)
}

fn levels(def: &CheckDef) -> Vec<(SpecRevision, &'static str)> {
    SpecRevision::ALL.iter().map(|r| (*r, def.level(*r).as_str())).collect()
}

fn to_json(def: &CheckDef) -> serde_json::Value {
    let levels: serde_json::Map<String, serde_json::Value> = levels(def)
        .into_iter()
        .map(|(r, l)| (r.to_string(), json!(l)))
        .collect();
    json!({"id": def.id, "levels": levels, "spec": def.spec, "summary": def.summary, "why": def.why, "fix": def.fix})
}

/// The human explanation; also the body of docs/checks.md entries.
pub fn text(def: &CheckDef) -> String {
    let levels: Vec<String> = levels(def).into_iter().map(|(r, l)| format!("{r}: {l}")).collect();
    format!(
        "{}\n\nWhat it checks: {}\n\nWhy it matters: {}\n\nSpec: {}\n\nLevel per MCP revision: {}\n\nHow to fix: {}\n",
        def.id,
        def.summary,
        def.why,
        def.spec,
        levels.join(", "),
        def.fix
    )
}
