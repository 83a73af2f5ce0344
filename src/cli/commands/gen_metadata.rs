//! `mcp-auth gen-metadata`: generate RFC 9728 protected resource metadata, say where to serve it and
//! what the 401 challenge should say, and check it with the same rules `probe` uses.

use crate::cli::args::{GenMetadataArgs, OutputFormat};
use crate::cli::context::Context;
use crate::cli::printer::emit;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::probe::provider_links;
use crate::provider::{self, Source};
use crate::render::{self, Style};
use crate::report::{ChainLink, verdict};
use crate::resource_metadata::{self, PrmInput};
use std::io::Write;
use std::path::Path;

pub async fn gen_metadata(args: GenMetadataArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
    let input = if args.interactive {
        if !(ctx.stdin_tty && ctx.stderr_tty) {
            return Err(Error::Usage(
                "--interactive needs a terminal on stdin and stderr; pass the fields as flags instead: \
                 --resource URI --authorization-server ISSUER [--scope S]... [--resource-name NAME]"
                    .into(),
            )
            .into());
        }
        prompt(&args)?
    } else {
        PrmInput {
            resource: args.resource.clone().unwrap_or_default(),
            authorization_servers: args.authorization_servers.clone(),
            scopes: args.scopes.clone(),
            bearer_methods: args.bearer_methods.clone(),
            resource_name: args.resource_name.clone(),
            resource_documentation: args.resource_documentation.clone(),
            jwks_uri: args.jwks_uri.clone(),
        }
    };
    let generated = resource_metadata::generate(&input, ctx.spec)?;
    let pretty = format!("{}\n", serde_json::to_string_pretty(&generated.document)?);
    if let Some(path) = &args.out {
        write_atomic(path, pretty.as_bytes())?;
    }

    let mut report = crate::outcomes::generated(&generated, args.out.as_deref(), ctx.spec, ctx.strict);

    if args.verify {
        let issuers = &generated.authorization_servers;
        let client = ctx.client()?;
        let spinner = ctx.spinner("checking the authorization servers");
        let source = Source::Discover(crate::discovery::ProviderType::Auto);
        let outcomes = futures::future::join_all(
            issuers
                .iter()
                .map(|issuer| provider::check(&client, issuer, &source, ctx.spec)),
        )
        .await;
        spinner.finish_and_clear();
        let mut chain = vec![ChainLink {
            link: "protected-resource-metadata",
            subject: generated.well_known_url.clone(),
            ok: verdict(&generated.checks, ctx.strict),
            checks: generated.checks.clone(),
        }];
        for o in &outcomes {
            chain.extend(provider_links(o, ctx.strict));
            if report.error.is_none() {
                report.error = o.error.clone();
            }
        }
        report.checks = chain.iter().flat_map(|l| l.checks.clone()).collect();
        if report.error.is_some() || chain.iter().any(|l| !l.ok) {
            report.headline = Some(crate::probe::headline(&chain, report.error.as_ref()));
        }
        report.chain = Some(chain);
    }

    if ctx.output == OutputFormat::Human && args.out.is_none() {
        // The document alone on stdout (pipe it to a file); the report goes to stderr.
        let mut out = std::io::stdout().lock();
        out.write_all(pretty.as_bytes())?;
        out.flush()?;
        if !ctx.quiet {
            let text = render::human(
                &report,
                Style {
                    color: ctx.color && ctx.stderr_tty,
                    width: ctx.stderr_width,
                    verbose: ctx.all_checks,
                    compact: false,
                },
            );
            eprint!("{text}{}", render::error_text(&report).unwrap_or_default());
        }
        return Ok(report.exit_code());
    }
    emit(ctx, &report)
}

/// Asks for each field on the terminal (stderr), with flag values as defaults.
fn prompt(args: &GenMetadataArgs) -> anyhow::Result<PrmInput> {
    use dialoguer::Input;
    let ask = |prompt: &str, default: Option<String>, allow_empty: bool| -> anyhow::Result<String> {
        let mut i = Input::<String>::new().with_prompt(prompt).allow_empty(allow_empty);
        if let Some(d) = default.filter(|d| !d.is_empty()) {
            i = i.default(d);
        }
        Ok(i.interact_text()?)
    };
    let resource = ask(
        "MCP endpoint URL (the resource), e.g. https://mcp.example.com/mcp",
        args.resource.clone(),
        false,
    )?;
    let servers = ask(
        "Authorization server issuer(s), space-separated",
        Some(args.authorization_servers.join(" ")),
        false,
    )?;
    let scopes = ask(
        "Scopes, space-separated (empty: none)",
        Some(args.scopes.join(" ")),
        true,
    )?;
    let name = ask(
        "Resource name shown to users (empty: none)",
        args.resource_name.clone(),
        true,
    )?;
    Ok(PrmInput {
        resource,
        authorization_servers: servers.split_whitespace().map(str::to_owned).collect(),
        scopes: scopes.split_whitespace().map(str::to_owned).collect(),
        bearer_methods: args.bearer_methods.clone(),
        resource_name: Some(name).filter(|n| !n.trim().is_empty()),
        resource_documentation: args.resource_documentation.clone(),
        jwks_uri: args.jwks_uri.clone(),
    })
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so readers
/// never see a half-written document.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| Error::Usage(format!("{}: not a file name", path.display())))?;
    let tmp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("prm.json");
        std::fs::write(&p, "old").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        assert!(write_atomic(&dir.path().join("missing/x.json"), b"x").is_err());
    }
}
