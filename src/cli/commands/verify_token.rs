//! `mcp-auth verify-token [TOKEN|-] --resource URI [--issuer ISSUER | --jwks URL|FILE] [--batch]`.
//!
//! Each issuer's key set is loaded once (discovery through `mcp_auth::provider`, or `--jwks`; without either,
//! the issuers come from the resource's protected resource metadata, see [`listed_servers`]), then each
//! token is verified by [`crate::jwt::verify_decoded`] against the issuer [`Verifiers::pick`] chooses for it.
//! `--batch` spreads the tokens over every core with scoped std threads (no extra dependency: the work is
//! uniform CPU-bound chunks, which plain threads do well).

use crate::catalogue::{AS_ISSUER_MATCHES, AS_JWKS_VALID};
use crate::cli::args::{TokenProfile, VerifyTokenArgs};
use crate::cli::context::Context;
use crate::cli::printer::emit;
use crate::discovery::ProviderType;
use crate::error::Error;
use crate::exit::ExitStatus;
use crate::jwt::{self, KeySet, SecretToken, Unverified, Verification};
use crate::provider::{self, Source};
use crate::report::{ErrorInfo, Report, Section, Status};
use crate::rules::token::{Expectations, when};
use crate::sanitize;
use crate::spec::SpecRevision;
use jsonwebtoken::Algorithm;
use serde_json::{Map, Value};
use std::io::{BufRead, Write};
use url::Url;

/// Everything a token is verified against for one issuer, resolved once per run.
struct Verifier {
    keys: KeySet,
    algorithms: Vec<Algorithm>,
    expectations: Expectations,
    jwks_uri: Option<String>,
}

/// One issuer of a run: its key set, or why it could not be loaded.
struct Server {
    /// The listed authorization server a token's `iss` must name exactly; `None` with `--issuer`/`--jwks`.
    issuer: Option<String>,
    verifier: Result<Verifier, ErrorInfo>,
    /// The info row on `jwt-iss-matches` for tokens whose `iss` names this server (`None` with `--issuer`/`--jwks`).
    note: Option<String>,
}

/// The issuers of a run, resolved before the first token is verified and only read afterwards, so worker
/// threads share them without locks. One server with `--issuer`/`--jwks`; without, one per listed
/// authorization server fetched (the one the token chooses for a single token, all of them for `--batch`).
struct Verifiers {
    /// In `authorization_servers` order. `servers[0]` is where a token whose `iss` is not listed goes: with
    /// one token that is the only server fetched, and it is the first listed one whenever such a token exists.
    servers: Vec<Server>,
    /// The info row for a token sent to `servers[0]` because its `iss` is not listed.
    fallback_note: Option<String>,
}

impl Verifiers {
    /// The issuer `decoded` is verified against, and the info row saying which: the listed server its `iss`
    /// names exactly, else the first listed one. A linear scan of a few servers, comparing borrowed strings:
    /// nothing is allocated per token. A token that is not a JWS needs no key; it goes to the first server
    /// that could be loaded, so that a garbage line is reported as garbage even when that server is down.
    fn pick(&self, decoded: &Unverified<'_>) -> (&Server, Option<&str>) {
        let first = &self.servers[0];
        let (server, note) = match decoded {
            Unverified::Jws(p) => match p
                .claims
                .get("iss")
                .and_then(Value::as_str)
                .and_then(|iss| self.servers.iter().find(|s| s.issuer.as_deref() == Some(iss)))
            {
                Some(s) => (s, s.note.as_deref()),
                None => (first, self.fallback_note.as_deref()),
            },
            _ if first.verifier.is_ok() => (first, self.fallback_note.as_deref()),
            _ => match self.servers.iter().find(|s| s.verifier.is_ok()) {
                Some(s) => (s, None),
                None => (first, None),
            },
        };
        (server, note)
    }
}

pub async fn verify_token(args: VerifyTokenArgs, ctx: &Context) -> anyhow::Result<ExitStatus> {
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
    let verifiers = match prepare(&args, ctx, token.as_ref()).await? {
        Ok(v) => v,
        Err(info) => {
            let mut report = Report::new("verify-token", &args.resource, ctx.spec, ctx.strict);
            report.error = Some(info);
            if args.batch {
                println!("{}", crate::render::json(&report));
                return Ok(report.exit_code());
            }
            return emit(ctx, &report);
        }
    };
    match token {
        Some(token) => {
            let report = verify_one(&verifiers, &token, &args.resource, (ctx.spec, ctx.strict), true);
            emit(ctx, &report)
        }
        None => batch(&verifiers, &args.resource, args.jobs, ctx),
    }
}

/// Verifies one token with `args` into a report (used by `demo`); an unreachable issuer is the report's error.
pub async fn report(args: &VerifyTokenArgs, token: &SecretToken, ctx: &Context) -> Result<Report, Error> {
    Ok(match prepare(args, ctx, Some(token)).await? {
        Ok(v) => verify_one(&v, token, &args.resource, (ctx.spec, ctx.strict), true),
        Err(info) => {
            let mut report = Report::new("verify-token", &args.resource, ctx.spec, ctx.strict);
            report.error = Some(info);
            report
        }
    })
}

/// Validates the arguments and loads each issuer's key set once. `Ok(Err(info))`: the resource's metadata
/// could not be fetched, or no issuer's key set could be (exit 3). Without `--issuer` and `--jwks` the issuers
/// come from the resource's protected resource metadata: for one token, only the server [`Verifiers::pick`]
/// will choose (the token's `iss` when it is listed in `authorization_servers`, else the first listed server,
/// and then `jwt-iss-is-resource-as` fails); for `--batch`, every listed server, concurrently, each once,
/// because the tokens on stdin are not known yet (and `batch` runs on plain threads, outside the runtime).
/// A listed server that cannot be loaded is kept as an error for the tokens that name it.
async fn prepare(
    args: &VerifyTokenArgs,
    ctx: &Context,
    token: Option<&SecretToken>,
) -> Result<Result<Verifiers, ErrorInfo>, Error> {
    let resource = Url::parse(&args.resource).map_err(|e| {
        Error::Usage(format!(
            "--resource \"{}\" is not a URL ({e})",
            crate::cli::input::shown(&args.resource)
        ))
    })?;
    if let Some(issuer) = &args.issuer {
        Url::parse(issuer).map_err(|e| {
            Error::Usage(format!(
                "--issuer \"{}\" is not a URL ({e})",
                crate::cli::input::shown(issuer)
            ))
        })?;
    }
    let algorithms = algorithms(&args.algorithms)?;
    let now = i64::try_from(crate::time::now()).unwrap_or(i64::MAX);
    let verifier = |loaded: Result<(KeySet, Option<String>), KeysError>,
                    issuer: Option<String>,
                    authorization_servers: Option<Vec<String>>| {
        let (keys, jwks_uri) = match loaded {
            Ok(found) => found,
            Err(KeysError::Usage(e)) => return Err(e),
            Err(KeysError::Unreachable(info)) => return Ok(Err(info)),
        };
        let expectations = Expectations {
            issuer,
            authorization_servers,
            audience: args.audience.clone().unwrap_or_else(|| args.resource.clone()),
            audience_overridden: args.audience.is_some(),
            scopes: args
                .scopes
                .iter()
                .flat_map(|s| s.split(' '))
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            leeway: i64::try_from(args.leeway).unwrap_or(i64::MAX),
            now,
            rfc9068: args.profile == Some(TokenProfile::Rfc9068),
        };
        Ok(Ok(Verifier {
            keys,
            algorithms: algorithms.clone(),
            expectations,
            jwks_uri,
        }))
    };
    if args.issuer.is_some() || args.jwks.is_some() {
        let spinner = ctx.spinner("fetching the issuer's keys");
        let loaded = load_keys(args, args.issuer.as_deref(), ctx).await;
        spinner.finish_and_clear();
        return Ok(verifier(loaded, args.issuer.clone(), None)?.map(|v| Verifiers {
            servers: vec![Server {
                issuer: None,
                verifier: Ok(v),
                note: None,
            }],
            fallback_note: None,
        }));
    }
    let spinner = ctx.spinner("fetching the resource's protected resource metadata");
    let found = listed_servers(&resource, ctx).await;
    spinner.finish_and_clear();
    let (prm_url, listed) = match found? {
        Ok(found) => found,
        Err(info) => return Ok(Err(info)),
    };
    let wanted: Vec<&String> = match token {
        Some(token) => {
            let iss = match jwt::decode_unverified(token.expose()) {
                Unverified::Jws(p) => p.claims.get("iss").and_then(Value::as_str).map(str::to_owned),
                _ => None,
            };
            vec![listed.iter().find(|s| Some(*s) == iss.as_ref()).unwrap_or(&listed[0])]
        }
        None => {
            let mut seen = std::collections::HashSet::new();
            let unique: Vec<&String> = listed.iter().filter(|s| seen.insert(s.as_str())).collect();
            if unique.len() > crate::probe::MAX_AUTHORIZATION_SERVERS && !ctx.quiet {
                eprintln!("mcp-auth: warning: {}", crate::probe::too_many_servers(unique.len()));
            }
            unique
                .into_iter()
                .take(crate::probe::MAX_AUTHORIZATION_SERVERS)
                .collect()
        }
    };
    let spinner = ctx.spinner(if wanted.len() == 1 {
        "fetching the issuer's keys"
    } else {
        "fetching the keys of the resource's authorization servers"
    });
    let loaded = futures::future::join_all(wanted.iter().map(|issuer| load_keys(args, Some(issuer), ctx))).await;
    spinner.finish_and_clear();
    let mut servers = Vec::with_capacity(wanted.len());
    for (issuer, loaded) in wanted.into_iter().zip(loaded) {
        let note = format!("the issuer is the token's iss, {issuer}, listed in authorization_servers of {prm_url}");
        servers.push(Server {
            issuer: Some(issuer.clone()),
            verifier: verifier(loaded, Some(issuer.clone()), Some(listed.clone()))?,
            note: Some(sanitize::line(&note).into_owned()),
        });
    }
    if servers.iter().all(|s| s.verifier.is_err()) {
        // Not one issuer could be loaded, so no token can be verified: one error document and exit 3, as when
        // the metadata is missing (`listed` is never empty, so neither is `servers`).
        if let Err(info) = servers.swap_remove(0).verifier {
            return Ok(Err(info));
        }
    }
    let fallback_note = format!(
        "the issuer is the first of authorization_servers of {prm_url}, {} (the token's iss is not listed there)",
        listed[0]
    );
    Ok(Ok(Verifiers {
        servers,
        fallback_note: Some(sanitize::line(&fallback_note).into_owned()),
    }))
}

/// The resource's protected resource metadata (fetched as `probe` does): its URL and `authorization_servers`,
/// which are never empty. A token's unverified `iss` is trusted only when it is one of them.
async fn listed_servers(resource: &Url, ctx: &Context) -> Result<Result<(String, Vec<String>), ErrorInfo>, Error> {
    const HOW: &str = "The token's iss is trusted only when the resource's protected resource metadata lists it: pass --issuer ISSUER or --jwks URL|FILE";
    let client = ctx.client()?;
    let (prm_url, doc) = match crate::probe::fetch_prm(&client, resource, ctx.spec).await {
        Ok(found) => found,
        Err(why) => {
            return Ok(Err(ErrorInfo {
                kind: "no-resource-metadata",
                message: sanitize::line(&format!("{why}. {HOW}")).into_owned(),
                url: None,
            }));
        }
    };
    let servers: Vec<String> = doc
        .get("authorization_servers")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    if servers.is_empty() {
        return Ok(Err(ErrorInfo {
            kind: "no-authorization-servers",
            message: sanitize::line(&format!(
                "{prm_url} lists no authorization_servers (run `mcp-auth probe {resource}`). {HOW}"
            ))
            .into_owned(),
            url: Some(prm_url),
        }));
    }
    Ok(Ok((prm_url, servers)))
}

/// The allow-list: `--algorithm` values (exact JWA names), or the default asymmetric set.
fn algorithms(names: &[String]) -> Result<Vec<Algorithm>, Error> {
    if names.is_empty() {
        return Ok(jwt::DEFAULT_ALGORITHMS.to_vec());
    }
    names
        .iter()
        .map(|n| {
            if n.eq_ignore_ascii_case("none") {
                return Err(Error::Usage("--algorithm none: unsigned tokens are never accepted".into()));
            }
            jwt::parse_algorithm(n).ok_or_else(|| {
                Error::Usage(format!(
                    "--algorithm \"{}\" is not a JWS algorithm this tool verifies (RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, EdDSA, HS256, HS384, HS512)",
                    sanitize::line(n)
                ))
            })
        })
        .collect()
}

/// The token from the argument, `-` (stdin) or `MCP_AUTH_TOKEN` (clap fills the argument from it).
pub fn read_token(arg: Option<SecretToken>, command: &str) -> Result<SecretToken, Error> {
    let raw = match arg {
        Some(t) if t.expose() == "-" => {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin().lock().take(1 << 20), &mut s).map_err(|source| {
                Error::Io {
                    path: "stdin".into(),
                    source,
                }
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
    non_empty(SecretToken::new(raw))
}

fn non_empty(token: SecretToken) -> Result<SecretToken, Error> {
    if token.expose().is_empty() {
        return Err(Error::Usage("the token is empty".into()));
    }
    Ok(token)
}

use std::io::Read as _;

enum KeysError {
    /// Bad flag or unreadable file (exit 2).
    Usage(Error),
    /// The issuer or its key set could not be fetched (exit 3).
    Unreachable(ErrorInfo),
}

/// Loads the key set once: `--jwks` (URL or file) wins; otherwise discovery from `issuer`.
async fn load_keys(
    args: &VerifyTokenArgs,
    issuer: Option<&str>,
    ctx: &Context,
) -> Result<(KeySet, Option<String>), KeysError> {
    let unreachable = |kind: &'static str, message: String, url: Option<String>| {
        KeysError::Unreachable(ErrorInfo {
            kind,
            message: sanitize::line(&message).into_owned(),
            url,
        })
    };
    if let Some(jwks) = &args.jwks {
        if jwks.starts_with("http://") || jwks.starts_with("https://") {
            let url = Url::parse(jwks).map_err(|e| {
                KeysError::Usage(Error::Usage(format!(
                    "--jwks \"{}\" is not a URL ({e})",
                    sanitize::line(jwks)
                )))
            })?;
            let client = ctx.client().map_err(KeysError::Usage)?;
            let value = fetch_jwks(&client, &url).await?;
            let set = KeySet::from_json(&value)
                .map_err(|why| unreachable("not-jwks", format!("{url}: {why}"), Some(url.to_string())))?;
            return Ok((set, Some(url.to_string())));
        }
        let text = std::fs::read_to_string(jwks).map_err(|source| {
            KeysError::Usage(Error::Io {
                path: format!("--jwks {jwks}"),
                source,
            })
        })?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| KeysError::Usage(Error::Usage(format!("--jwks {jwks}: not JSON ({e})"))))?;
        let set =
            KeySet::from_json(&value).map_err(|why| KeysError::Usage(Error::Usage(format!("--jwks {jwks}: {why}"))))?;
        return Ok((set, None));
    }
    let issuer = issuer.unwrap_or_default();
    let client = ctx.client().map_err(KeysError::Usage)?;
    let outcome = provider::check(&client, issuer, &Source::Discover(ProviderType::Auto), ctx.spec).await;
    if let Some(err) = outcome.error {
        return Err(KeysError::Unreachable(err));
    }
    if outcome.metadata.is_none() {
        return Err(unreachable(
            "no-metadata",
            format!(
                "{issuer}: no authorization server metadata at any well-known URL; run `mcp-auth check-provider {issuer}`, or pass --jwks"
            ),
            None,
        ));
    }
    if let Some(bad) = outcome
        .checks
        .iter()
        .find(|c| c.id == AS_ISSUER_MATCHES.id && c.status == Status::Fail)
    {
        return Err(unreachable(
            "issuer-mismatch",
            format!("the issuer's metadata must not be used: {}", bad.message),
            outcome.metadata_url,
        ));
    }
    let Some(jwks_uri) = outcome.jwks_uri else {
        return Err(unreachable(
            "no-jwks-uri",
            format!(
                "{issuer}: the metadata advertises no jwks_uri, so tokens cannot be verified locally; pass --jwks URL|FILE"
            ),
            outcome.metadata_url,
        ));
    };
    let Some(value) = outcome.jwks else {
        let why = outcome
            .jwks_checks
            .iter()
            .find(|c| c.id == AS_JWKS_VALID.id)
            .map_or_else(|| "could not be fetched".to_owned(), |c| c.message.to_string());
        return Err(unreachable("jwks", format!("{jwks_uri}: {why}"), Some(jwks_uri)));
    };
    let set = KeySet::from_json(&value)
        .map_err(|why| unreachable("not-jwks", format!("{jwks_uri}: {why}"), Some(jwks_uri.clone())))?;
    Ok((set, Some(jwks_uri)))
}

async fn fetch_jwks(client: &crate::http::HttpClient, url: &Url) -> Result<Value, KeysError> {
    let resp = client.get(url).await.map_err(|e| KeysError::Unreachable(e.to_info()))?;
    if resp.status != 200 {
        return Err(KeysError::Unreachable(ErrorInfo {
            kind: "http-status",
            message: format!("{url}: HTTP {} where a JWK Set was required", resp.status),
            url: Some(url.to_string()),
        }));
    }
    resp.json().map_err(|why| {
        KeysError::Unreachable(ErrorInfo {
            kind: "not-json",
            message: sanitize::line(&format!("{url}: {why}")).into_owned(),
            url: Some(url.to_string()),
        })
    })
}

/// Verifies one token into a report, against the issuer `vs` picks for it. `human` adds the tables only
/// people read. A token whose issuer could not be loaded gets that issuer's `error` (and no checks but the
/// row saying which issuer it was): it was not verified, which is neither valid nor invalid.
fn verify_one(vs: &Verifiers, token: &SecretToken, resource: &str, run: (SpecRevision, bool), human: bool) -> Report {
    let (spec, strict) = run;
    let decoded = jwt::decode_unverified(token.expose());
    let (server, note) = vs.pick(&decoded);
    let mut report = Report::new("verify-token", resource, spec, strict);
    let v = match &server.verifier {
        Ok(v) => v,
        Err(info) => {
            let mut info = info.clone();
            let issuer = server.issuer.as_deref().unwrap_or("the issuer");
            info.message = sanitize::line(&format!(
                "this token was not verified: its authorization server {issuer} could not be used ({})",
                info.message
            ))
            .into_owned();
            report.error = Some(info);
            push_issuer_note(&mut report, note);
            report.extra.insert("token".into(), token.describe());
            return report;
        }
    };
    let Verification { checks, header, claims } =
        jwt::verify_decoded(decoded, &v.keys, &v.algorithms, &v.expectations, spec);
    report.checks = checks;
    push_issuer_note(&mut report, note);
    report.extra.insert("token".into(), token.describe());
    if let Some(u) = &v.jwks_uri {
        report.extra.insert("jwks_uri".into(), Value::String(u.clone()));
    }
    if human {
        report.headline = Some(format!("token {}", token.label()));
        push_sections(&mut report, header.as_ref(), claims.as_ref(), v.expectations.now);
    }
    // Moved in, not `Report::set` (which would deep-copy through serde): this runs once per batch token.
    if let Some(h) = header {
        report.extra.insert("header".into(), Value::Object(h));
    }
    if let Some(c) = claims {
        report.extra.insert("claims".into(), Value::Object(c));
    }
    report
}

/// The info row on `jwt-iss-matches` saying which issuer the token was verified against, and why.
fn push_issuer_note(report: &mut Report, note: Option<&str>) {
    if let Some(note) = note {
        let mut c = crate::report::Checks::new(report.spec, None);
        c.info(&crate::catalogue::JWT_ISS_MATCHES, note.to_owned());
        report.checks.extend(c.into_results());
    }
}

/// The header and claims tables of human output; times as dates and relative to now.
pub fn push_sections(
    report: &mut Report,
    header: Option<&Map<String, Value>>,
    claims: Option<&Map<String, Value>>,
    now: i64,
) {
    if let Some(h) = header {
        let mut s = Section::new("Header", &["name", "value"]);
        for (k, v) in h {
            s.row(vec![k.clone(), show(v)]);
        }
        report.sections.push(s);
    }
    if let Some(c) = claims {
        let mut s = Section::new("Claims", &["claim", "value", "meaning"]);
        for (k, v) in c {
            let meaning = match (k.as_str(), v.as_i64()) {
                ("exp", Some(t)) if t >= now => format!("expires {}", when(t, now)),
                ("exp", Some(t)) => format!("expired {}", when(t, now)),
                ("nbf", Some(t)) => format!("not before {}", when(t, now)),
                ("iat", Some(t)) => format!("issued {}", when(t, now)),
                ("auth_time", Some(t)) => format!("authenticated {}", when(t, now)),
                _ => String::new(),
            };
            s.row(vec![k.clone(), show(v), meaning]);
        }
        report.sections.push(s);
    }
}

/// A claim value for a table cell: strings bare, the rest as compact JSON, both bounded.
fn show(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > 200 {
        format!("{}…", s.chars().take(200).collect::<String>())
    } else {
        s
    }
}

/// `--batch`: one token per line on stdin, one JSON result per line on stdout, in input order. Bad
/// lines become failed results and the run goes on. A token whose authorization server could not be loaded
/// gets a line with that server's `error` object (`ok: false`), and the others are still verified. Exit code
/// (see [`Tally::exit_code`]): 0 when every token was verified valid; 1 when any line is not valid,
/// including one that could not be verified, so a CI job never passes a token nobody checked; 3 only when
/// not a single token could be verified because every one of them met an unreachable server (as when no
/// server could be loaded at all, which [`prepare`] reports as one error document before reading stdin).
///
/// One core verifies inline. With more, the main thread reads chunks of lines into a bounded queue,
/// one worker per core verifies a chunk into one buffer, and a writer thread puts the buffers back in
/// input order: threads and buffers live for the whole run, so memory stays flat however long stdin is.
fn batch(vs: &Verifiers, resource: &str, jobs: Option<u16>, ctx: &Context) -> anyhow::Result<ExitStatus> {
    const CHUNK: usize = 64;
    let run = (ctx.spec, ctx.strict);
    let threads = jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        usize::from,
    );
    let mut input = std::io::BufReader::with_capacity(1 << 16, std::io::stdin().lock());
    let stdout = || std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    // Appends the line's result to `buf`, and says what it counts for.
    let one = |n: usize, raw: String, buf: &mut Vec<u8>| {
        let token = SecretToken::new(raw);
        let mut report = verify_one(vs, &token, resource, run, false);
        report.extra.insert("line".into(), Value::from(n));
        crate::render::json_line_into(&report, buf);
        buf.push(b'\n');
        Tally::of(&report)
    };
    let mut line_no = 0usize;
    // The next non-blank line, lossily decoded, with its 1-based number.
    let mut next_line = move || -> std::io::Result<Option<(usize, String)>> {
        loop {
            let mut raw = Vec::with_capacity(1024);
            if input.read_until(b'\n', &mut raw)? == 0 {
                return Ok(None);
            }
            line_no += 1;
            let text = String::from_utf8(raw).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            if !text.trim().is_empty() {
                return Ok(Some((line_no, text)));
            }
        }
    };
    if threads == 1 {
        let (mut tally, mut buf, mut out) = (Tally::default(), Vec::new(), stdout());
        while let Some((n, text)) = next_line()? {
            buf.clear();
            tally = tally.and(one(n, text, &mut buf));
            out.write_all(&buf)?;
        }
        out.flush()?;
        return Ok(tally.exit_code());
    }
    type Chunk = (usize, Vec<(usize, String)>);
    let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<Chunk>(threads * 2);
    let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<(usize, Vec<u8>, Tally)>(threads * 2);
    // Each worker owns a handle on the queue, so that when all have stopped the reader's send fails.
    let work_rx = std::sync::Arc::new(std::sync::Mutex::new(work_rx));
    let one = &one;
    std::thread::scope(|s| -> anyhow::Result<ExitStatus> {
        for _ in 0..threads {
            let (work_rx, done_tx) = (std::sync::Arc::clone(&work_rx), done_tx.clone());
            s.spawn(move || {
                loop {
                    let job = work_rx.lock().map_err(|_| ()).and_then(|rx| rx.recv().map_err(|_| ()));
                    let Ok((seq, lines)) = job else { return };
                    let mut buf = Vec::with_capacity(lines.len() * 5000);
                    let mut tally = Tally::default();
                    for (n, text) in lines {
                        tally = tally.and(one(n, text, &mut buf));
                    }
                    if done_tx.send((seq, buf, tally)).is_err() {
                        return;
                    }
                }
            });
        }
        drop((done_tx, work_rx));
        let writer = s.spawn(move || -> std::io::Result<Tally> {
            let (mut tally, mut next, mut out) = (Tally::default(), 0usize, stdout());
            let mut pending = std::collections::BTreeMap::new();
            for (seq, buf, chunk) in done_rx {
                pending.insert(seq, (buf, chunk));
                while let Some((buf, chunk)) = pending.remove(&next) {
                    tally = tally.and(chunk);
                    out.write_all(&buf)?;
                    next += 1;
                }
            }
            out.flush()?;
            Ok(tally)
        });
        let read = (|| -> std::io::Result<()> {
            for seq in 0.. {
                let mut lines = Vec::with_capacity(CHUNK);
                while lines.len() < CHUNK {
                    match next_line()? {
                        Some(l) => lines.push(l),
                        None => break,
                    }
                }
                let eof = lines.len() < CHUNK;
                // A send fails only when every worker has stopped (stdout closed): stop reading too.
                if !lines.is_empty() && work_tx.send((seq, lines)).is_err() || eof {
                    break;
                }
            }
            Ok(())
        })();
        drop(work_tx);
        let tally = writer.join().expect("batch writer thread panicked")?;
        read?;
        Ok(tally.exit_code())
    })
}

/// What the lines of a `--batch` run add up to, for its exit code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Tally {
    /// Some line is not valid: invalid, or not verified because its issuer could not be loaded.
    not_ok: bool,
    /// Some token was verified (valid or not).
    verified: bool,
    /// Some token was not verified because its issuer could not be loaded.
    unverified: bool,
}

impl Tally {
    fn of(report: &Report) -> Self {
        Self {
            not_ok: !report.ok(),
            verified: report.error.is_none(),
            unverified: report.error.is_some(),
        }
    }

    fn and(self, other: Self) -> Self {
        Self {
            not_ok: self.not_ok | other.not_ok,
            verified: self.verified | other.verified,
            unverified: self.unverified | other.unverified,
        }
    }

    /// 3 when tokens were read but none could be verified (each one's issuer was unreachable), else 1 when
    /// any line is not valid, else 0 (also for empty input).
    fn exit_code(self) -> ExitStatus {
        if self.unverified && !self.verified {
            ExitStatus::Unavailable
        } else {
            ExitStatus::from_ok(!self.not_ok)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Tally;
    use crate::exit::ExitStatus;

    #[test]
    fn batch_exit_code_is_3_only_when_no_token_could_be_verified() {
        let t = |not_ok, verified, unverified| Tally {
            not_ok,
            verified,
            unverified,
        };
        for (tally, code) in [
            (Tally::default(), ExitStatus::Ok),
            (t(false, true, false), ExitStatus::Ok),
            (t(true, true, false), ExitStatus::Failed),
            (t(true, true, true), ExitStatus::Failed),
            (t(true, false, true), ExitStatus::Unavailable),
        ] {
            assert_eq!(tally.exit_code(), code, "{tally:?}");
        }
        assert_eq!(t(false, true, false).and(t(true, false, true)), t(true, true, true));
    }
}
