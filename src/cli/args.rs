//! The clap definition: global options (valid before or after the subcommand) and one args struct per
//! subcommand. See `docs/contract.md`. URL and file arguments are validated here, at parse time
//! ([`input`]).

use super::input;
use crate::discovery::ProviderType;
use crate::jwt::SecretToken;
use crate::spec::SpecRevision;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Exit codes: 0 every MUST-level check passed (with --strict, every SHOULD too); 1 a check failed;
2 usage error; 3 could not complete (network, timeout, TLS, non-JSON or oversized response).

Examples:
  mcp-auth demo                                   # no network, no account: see a pass and a failure
  mcp-auth check-provider https://auth.example.com/tenant1
  mcp-auth probe https://mcp.example.com/mcp --json | jq .ok
  mcp-auth explain as-pkce-s256";

/// Find out why an MCP server's OAuth authorization does or does not work.
#[derive(Debug, Parser)]
#[command(name = "mcp-auth", version, about, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand accepts.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Human)]
    pub output: OutputFormat,
    /// Shorthand for --output json.
    #[arg(long, global = true, conflicts_with = "output")]
    pub json: bool,
    /// MCP authorization revision whose levels apply.
    #[arg(long, global = true, value_enum, default_value_t = SpecRevision::LATEST)]
    pub spec: SpecRevision,
    /// SHOULD-level findings (warn) also make the exit code 1.
    #[arg(long, global = true)]
    pub strict: bool,
    /// Seconds each HTTP request may take, connect to last byte.
    #[arg(long, global = true, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// Extra PEM trust root(s). TLS verification is never switched off.
    #[arg(long, global = true, value_name = "FILE", value_parser = input::file)]
    pub cacert: Option<PathBuf>,
    /// Print only the verdict.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Every check (passed and skipped too, with citations) and the detail tables; and each HTTP request
    /// (method, URL, status, time) on stderr, tokens redacted.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Every check and the detail tables, as -v, without the request log.
    #[arg(long, global = true, conflicts_with = "quiet")]
    pub all: bool,
    /// Connect to private, link-local or loopback addresses named by a server (metadata, JWKS, redirects).
    /// Without it only the URL you typed may be private (and, when it is on loopback, loopback addresses).
    #[arg(long, global = true)]
    pub allow_private_addresses: bool,
    /// When to use colour (NO_COLOR is honoured).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// The command line as parsed and as `--help` shows it: [`Cli`], with the global options listed once, in
/// `mcp-auth --help`. A subcommand's help names them in one line instead of repeating them. Completions
/// and the man page use `Cli::command()`, which still lists them everywhere.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    // A hidden copy of each global option in every subcommand: clap then does not propagate the shown one.
    let globals: Vec<clap::Arg> = cmd.get_arguments().filter(|a| a.is_global_set()).cloned().collect();
    let names: Vec<String> = globals
        .iter()
        .map(|a| match (a.get_long(), a.get_short()) {
            (Some(l), _) => format!("--{l}"),
            (None, Some(s)) => format!("-{s}"),
            (None, None) => a.get_id().to_string(),
        })
        .collect();
    let line = format!(
        "Global options ({}) work here too; `mcp-auth --help` describes them.",
        names.join(", ")
    );
    for sub in cmd.get_subcommands_mut() {
        let mut s = std::mem::take(sub);
        for a in &globals {
            s = s.arg(a.clone().hide(true));
        }
        let after = s.get_after_help().map(|h| format!("{h}\n\n")).unwrap_or_default();
        *sub = s.after_help(format!("{after}{line}"));
    }
    cmd
}

impl GlobalArgs {
    /// `--json` folded into `--output`.
    pub fn output_format(&self) -> OutputFormat {
        if self.json { OutputFormat::Json } else { self.output }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// For people: the verdict, then each problem and its fix (-v: every check).
    Human,
    /// One JSON document on stdout (--batch: one per line).
    Json,
    /// JUnit XML, one testcase per check, for CI test reporters.
    Junit,
    /// GitHub Actions workflow commands: one ::error/::warning annotation per finding.
    Github,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is unset.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Discover an authorization server's metadata and check it against every MCP requirement.
    CheckProvider(CheckProviderArgs),
    /// Generate RFC 9728 protected-resource metadata and say where to serve it.
    GenMetadata(GenMetadataArgs),
    /// Verify a bearer JWT for a resource: signature, issuer, audience, lifetimes, scopes.
    VerifyToken(VerifyTokenArgs),
    /// Show a token's header and claims WITHOUT verifying it.
    DecodeToken(DecodeTokenArgs),
    /// Walk a live MCP server's discovery chain as a client would and name the first broken link.
    Probe(ProbeArgs),
    /// Log in to an MCP server as a client does (register, authorize with PKCE, exchange, call), every step a check.
    #[command(after_help = LOGIN_HELP)]
    Login(LoginArgs),
    /// Probe a fleet of MCP servers at once: one verdict per server, a summary, optionally an HTML report.
    Scan(ScanArgs),
    /// Explain a check: what it means, why clients care, the spec text, how to fix it.
    Explain(ExplainArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Run everything against embedded servers on 127.0.0.1: no network, no account.
    Demo(DemoArgs),
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mcp-auth check-provider https://auth.example.com/tenant1
  mcp-auth check-provider https://accounts.google.com --type oidc
  mcp-auth check-provider https://auth.example.com --metadata-file as.json
  mcp-auth check-provider https://auth.example.com --output github")]
pub struct CheckProviderArgs {
    /// The issuer, e.g. https://auth.example.com/tenant1 (the expected `issuer` value).
    #[arg(value_parser = input::http_url)]
    pub issuer: String,
    /// Which discovery documents to try. With --metadata-file: which kind of document the file is
    /// (auto: OpenID Connect when the file name contains "openid").
    #[arg(long = "type", value_enum, default_value_t = ProviderType::Auto)]
    pub provider_type: ProviderType,
    /// Fetch the metadata from this URL instead of discovering it.
    #[arg(long, value_name = "URL", conflicts_with = "metadata_file", value_parser = input::http_url)]
    pub metadata_url: Option<String>,
    /// Validate an offline metadata document (no network; network checks are skipped).
    #[arg(long, value_name = "FILE", value_parser = input::file)]
    pub metadata_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(
    override_usage = "mcp-auth gen-metadata --resource <URI> --authorization-server <ISSUER>... [OPTIONS]\n       \
mcp-auth gen-metadata --interactive [OPTIONS]",
    after_help = "\
Examples:
  mcp-auth gen-metadata --resource https://mcp.example.com/mcp \\
      --authorization-server https://auth.example.com --scope mcp:read >prm.json
  mcp-auth gen-metadata --resource https://mcp.example.com/mcp \\
      --authorization-server https://auth.example.com --verify
  mcp-auth gen-metadata --interactive --out prm.json"
)]
pub struct GenMetadataArgs {
    /// The protected resource's canonical URI (the MCP endpoint), e.g. https://api.example.com/mcp.
    #[arg(long, value_name = "URI", required_unless_present = "interactive", value_parser = input::http_url)]
    pub resource: Option<String>,
    /// Issuer of an authorization server that issues tokens for the resource (repeatable).
    #[arg(
        long = "authorization-server",
        value_name = "ISSUER",
        required_unless_present = "interactive",
        value_parser = input::http_url
    )]
    pub authorization_servers: Vec<String>,
    /// A scope the resource understands (repeatable).
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// How clients may send the token (default: header). `query` is refused.
    #[arg(long = "bearer-method", value_name = "METHOD")]
    pub bearer_methods: Vec<String>,
    /// Human-readable name of the resource.
    #[arg(long, value_name = "NAME")]
    pub resource_name: Option<String>,
    /// URL of documentation for developers.
    #[arg(long, value_name = "URL", value_parser = input::http_url)]
    pub resource_documentation: Option<String>,
    /// URL of the resource's own JWK Set.
    #[arg(long, value_name = "URL", value_parser = input::http_url)]
    pub jwks_uri: Option<String>,
    /// Write the document to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Prompt for each field (needs a terminal on stdin and stderr).
    #[arg(long)]
    pub interactive: bool,
    /// Run the check-provider checks on every authorization server listed.
    #[arg(long)]
    pub verify: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mcp-auth verify-token \"$TOKEN\" --resource https://mcp.example.com/mcp \\
      --issuer https://auth.example.com
  MCP_AUTH_TOKEN=… mcp-auth verify-token --resource https://mcp.example.com/mcp
  pbpaste | mcp-auth verify-token - --resource https://mcp.example.com/mcp \\
      --jwks jwks.json
  mcp-auth verify-token --batch --resource https://mcp.example.com/mcp <tokens")]
pub struct VerifyTokenArgs {
    /// The token, or `-` to read it from stdin. Defaults to $MCP_AUTH_TOKEN.
    #[arg(value_name = "TOKEN", env = "MCP_AUTH_TOKEN", hide_env_values = true, value_parser = secret)]
    pub token: Option<SecretToken>,
    /// The resource the token must be for (its canonical URI).
    #[arg(long, value_name = "URI", value_parser = input::http_url)]
    pub resource: String,
    /// The expected issuer (its metadata gives the JWKS). Default: the token's iss, only if the resource's
    /// protected resource metadata lists it in authorization_servers.
    #[arg(long, value_name = "ISSUER", value_parser = input::http_url)]
    pub issuer: Option<String>,
    /// Key set to verify with: a URL or a file (offline).
    #[arg(long, value_name = "URL|FILE", value_parser = input::url_or_file)]
    pub jwks: Option<String>,
    /// Expected audience, if it differs from --resource.
    #[arg(long, value_name = "AUD")]
    pub audience: Option<String>,
    /// A scope the token must carry (repeatable).
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    #[command(flatten)]
    pub check: TokenCheckArgs,
    /// Token profile: rfc9068 makes typ=at+jwt and its required claims MUST.
    #[arg(long, value_enum)]
    pub profile: Option<TokenProfile>,
    /// Read one token per line from stdin and write one JSON result per line (MCP_AUTH_TOKEN is ignored).
    #[arg(long)]
    pub batch: bool,
    /// With --batch: verify on this many threads (default: one per available core).
    #[arg(short = 'j', long, value_name = "N", requires = "batch", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// With --batch: what each line carries. compact: token prefix and fingerprint, ok, issuer, and the
    /// checks that did not pass; full: the whole verify-token JSON document.
    #[arg(long, value_enum, value_name = "DETAIL", default_value_t = BatchDetail::Compact, requires = "batch")]
    pub batch_detail: BatchDetail,
}

/// How a token is verified: shared by `verify-token` and `probe --token`.
#[derive(Debug, Args)]
pub struct TokenCheckArgs {
    /// Clock skew allowed for exp/nbf/iat, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub leeway: u64,
    /// Accept only these algorithms (repeatable). Default: RS*, PS*, ES*, EdDSA.
    #[arg(long = "algorithm", value_name = "ALG")]
    pub algorithms: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchDetail {
    /// Token prefix and fingerprint, ok, issuer, and only the checks that did not pass.
    Compact,
    /// The full verify-token JSON document on each line.
    Full,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokenProfile {
    /// JWT access tokens per RFC 9068.
    Rfc9068,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mcp-auth decode-token \"$TOKEN\"
  pbpaste | mcp-auth decode-token -
  mcp-auth decode-token \"$TOKEN\" --json | jq .claims")]
pub struct DecodeTokenArgs {
    /// The token, or `-` to read it from stdin. Defaults to $MCP_AUTH_TOKEN.
    #[arg(value_name = "TOKEN", env = "MCP_AUTH_TOKEN", hide_env_values = true, value_parser = secret)]
    pub token: Option<SecretToken>,
}

#[derive(Debug, Args)]
#[command(mut_group("LoginFlags", login_flags_require_login))]
#[command(after_help = "\
Examples:
  mcp-auth probe https://mcp.example.com/mcp
  mcp-auth probe https://mcp.example.com/mcp --token \"$TOKEN\" \\
      --foreign-token \"$OTHER_TOKEN\"
  mcp-auth probe https://mcp.example.com/mcp --output sarif > mcp-auth.sarif")]
pub struct ProbeArgs {
    /// The MCP endpoint, e.g. https://mcp.example.com/mcp.
    #[arg(value_parser = input::http_url)]
    pub url: String,
    /// A valid access token: check it is accepted, and that forged variants are rejected. `-` reads it from
    /// stdin (so it need not sit in argv).
    #[arg(long, value_name = "TOKEN", env = "MCP_AUTH_TOKEN", hide_env_values = true, value_parser = secret)]
    pub token: Option<SecretToken>,
    /// A scope the token should carry (repeatable).
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// A valid token issued for ANOTHER resource (same authorization server): it must get 401 (audience check).
    #[arg(long, value_name = "TOKEN", value_parser = secret)]
    pub foreign_token: Option<SecretToken>,
    // How --token is verified against the chain's keys (as verify-token verifies).
    #[command(flatten)]
    pub check: TokenCheckArgs,
    /// Send --token and --foreign-token even when the MCP endpoint is plain http on a host that is not
    /// loopback (they would travel in clear text; by default the token tests are skipped there).
    #[arg(long)]
    pub allow_insecure_token: bool,
    /// Log in first (as `login`, with the flags below and --scope), then probe with the token obtained.
    #[arg(long)]
    pub login: bool,
    #[command(flatten, next_help_heading = "Login (with --login)")]
    pub login_flags: LoginFlags,
}

const LOGIN_HELP: &str = "\
The authorization URL goes to $BROWSER when set (the URL is appended, or replaces %s), else to the
system browser on a terminal; --no-browser prints it and accepts the callback or the pasted redirect
URL on stdin. The wait is bounded by --login-timeout. Tokens are never printed, except by --print-token.

Examples:
  mcp-auth login https://mcp.example.com/mcp
  mcp-auth login https://mcp.example.com/mcp --client-id my-client --no-browser
  TOKEN=$(mcp-auth login https://mcp.example.com/mcp --print-token)
  BROWSER='curl -sSL -o /dev/null' mcp-auth login http://127.0.0.1:8080/mcp --test-refresh --json";

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The MCP endpoint, e.g. https://mcp.example.com/mcp.
    #[arg(value_parser = input::http_url)]
    pub url: String,
    #[command(flatten)]
    pub flags: LoginFlags,
    /// Scopes to request (space-separated), instead of the challenge's or the metadata's.
    #[arg(long, value_name = "SCOPES")]
    pub scope: Option<String>,
    /// Write the bare access token to stdout (the report goes to stderr).
    #[arg(long)]
    pub print_token: bool,
}

/// `probe`'s login flags mean nothing without `--login`: refuse them rather than ignore them. Not
/// `--client-secret`, which `MCP_AUTH_CLIENT_SECRET` in the environment may set for every probe.
fn login_flags_require_login(group: clap::ArgGroup) -> clap::ArgGroup {
    let ids: Vec<clap::Id> = group.get_args().filter(|id| *id != "client_secret").cloned().collect();
    clap::ArgGroup::new(group.get_id().clone())
        .args(ids)
        .multiple(true)
        .requires("login")
}

/// The flags of a login, shared by `login` and `probe --login`.
#[derive(Debug, Args)]
pub struct LoginFlags {
    /// A pre-registered client id (the first registration route).
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// The pre-registered client's secret (a confidential client).
    #[arg(long, value_name = "SECRET", env = "MCP_AUTH_CLIENT_SECRET", hide_env_values = true, value_parser = secret)]
    pub client_secret: Option<SecretToken>,
    /// A private key (PEM) to authenticate with private_key_jwt (RFC 7523) where the server supports it: P-256 (signs ES256) or RSA of at least 2048 bits (signs RS256).
    #[arg(long, value_name = "FILE")]
    pub client_key: Option<std::path::PathBuf>,
    /// The https URL of this client's Client ID Metadata Document (used when the server advertises support).
    #[arg(long, value_name = "URL", value_parser = input::http_url)]
    pub client_metadata_url: Option<String>,
    /// Registration route: the spec's order (auto), or only one.
    #[arg(long, value_enum, default_value_t = RegistrationArg::Auto)]
    pub registration: RegistrationArg,
    /// The grant that obtains the token.
    #[arg(long, value_enum, default_value_t = GrantArg::AuthorizationCode)]
    pub grant: GrantArg,
    /// Port of the loopback redirect URI http://127.0.0.1:PORT/callback (default: a free port).
    #[arg(long, value_name = "PORT")]
    pub callback_port: Option<u16>,
    /// Print the authorization URL instead of opening a browser; accept the pasted redirect URL on stdin.
    #[arg(long)]
    pub no_browser: bool,
    /// Seconds to wait for the authorization response.
    #[arg(long, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub login_timeout: u64,
    /// Do not send the RFC 8707 resource parameter (for broken servers; reported as non-compliant).
    #[arg(long)]
    pub no_resource: bool,
    /// Also call this tool after tools/list (opt-in: tools can have side effects).
    #[arg(long, value_name = "TOOL")]
    pub call: Option<String>,
    /// JSON arguments for --call.
    #[arg(long, value_name = "JSON", requires = "call")]
    pub call_args: Option<String>,
    /// Use the refresh token once and check resource, audience and rotation.
    #[arg(long)]
    pub test_refresh: bool,
    /// Three extra authorization requests: a wrong code_verifier, a replayed code and an unregistered
    /// redirect URI must be refused.
    #[arg(long)]
    pub audit: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RegistrationArg {
    Auto,
    PreRegistered,
    Cimd,
    Dcr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GrantArg {
    AuthorizationCode,
    ClientCredentials,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Input: one MCP server URL per line (# starts a comment), or an MCP registry export (a JSON \
document with servers[].remotes[].url), detected by its first character. Each server is probed as `probe` \
does, without a token; each authorization server is checked once and shared by every server listing it.\n\n\
Output: --json writes one probe document per line as servers finish, then a summary line \
({\"command\": \"scan\", \"ok\": .., \"summary\": {..}}); --output junit writes one test suite per server.\n\n\
Exit code: 0 every server passed; 1 any server failed; 3 some server could not be evaluated and none failed; \
2 usage error (unreadable or malformed input).\n\n\
Examples:\n  \
mcp-auth scan servers.txt\n  \
mcp-auth scan servers.txt --html fleet.html -j 32\n  \
curl -s https://registry.modelcontextprotocol.io/v0/servers | mcp-auth scan - --json | tail -1 | jq .summary"
)]
pub struct ScanArgs {
    /// A file of MCP server URLs or a registry export; `-` (or nothing, when piped) reads stdin.
    #[arg(value_name = "FILE|-")]
    pub input: Option<PathBuf>,
    /// Servers probed at once. Whatever N, at most 2 requests are in flight per origin.
    #[arg(short = 'j', long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub jobs: u16,
    /// Seconds one server may take, all its requests together; a slower server is reported as not evaluated.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub deadline: u64,
    /// Also write a self-contained HTML report (summary, chart, sortable table) to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mcp-auth explain as-pkce-s256
  mcp-auth explain --list
  mcp-auth explain --list | grep jwt-")]
pub struct ExplainArgs {
    /// The check id, e.g. as-pkce-s256.
    #[arg(required_unless_present = "list")]
    pub check_id: Option<String>,
    /// List every check id.
    #[arg(long)]
    pub list: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mcp-auth completions zsh > ~/.zfunc/_mcp-auth
  mcp-auth completions bash > /etc/bash_completion.d/mcp-auth
  mcp-auth completions fish > ~/.config/fish/completions/mcp-auth.fish")]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  mcp-auth demo
  mcp-auth demo --broken
  mcp-auth demo --json | jq '.steps[] | {command, ok}'

Exit code: without --broken, 0 when the compliant server passes. With --broken, the \
misconfigured server is expected to fail: the exit code is 0 when every finding on it is exactly the expected one \
(and the compliant run passed), 1 otherwise; 3 if a step could not complete. --strict does not apply (the \
embedded servers are loopback http, which always warns). --json prints one document: \
{\"command\": \"demo\", \"ok\": .., \"steps\": [<check-provider report>, ...]}.")]
pub struct DemoArgs {
    /// Also run against a deliberately misconfigured server (plain-only PKCE, issuer with a trailing
    /// slash, a JWKS that leaks its private key) and show what mcp-auth reports.
    #[arg(long)]
    pub broken: bool,
}

/// Tokens are wrapped as soon as clap reads them, so that `Debug` of the parsed arguments (and anything
/// built from them) never shows one.
/// A token pasted with its `Bearer ` prefix (copied from an Authorization header) is accepted without it,
/// and the prefix is named on stderr.
fn secret(s: &str) -> Result<SecretToken, std::convert::Infallible> {
    let (token, had_prefix) = without_bearer(s);
    if had_prefix {
        eprintln!(
            "mcp-auth: note: the token started with \"Bearer \" (from an Authorization header); using what follows it"
        );
    }
    Ok(SecretToken::new(token))
}

/// `s` without a leading `Bearer ` (any case), and whether it had one.
pub fn without_bearer(s: &str) -> (&str, bool) {
    let t = s.trim_start();
    match t.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("bearer ") => (t[7..].trim_start(), true),
        _ => (s, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn parsed_arguments_never_show_a_token() {
        let token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl";
        for args in [
            vec!["mcp-auth", "probe", "https://mcp.example.com/mcp", "--token", token],
            vec![
                "mcp-auth",
                "verify-token",
                token,
                "--resource",
                "https://mcp.example.com/mcp",
            ],
            vec!["mcp-auth", "decode-token", token],
        ] {
            let cli = Cli::try_parse_from(&args).unwrap();
            let shown = format!("{cli:?} {cli:#?}");
            assert!(!shown.contains(token) && !shown.contains("c2lnbmF0dXJl"), "{shown}");
            assert!(shown.contains("SecretToken(redacted)"), "{shown}");
        }
    }

    #[test]
    fn a_bearer_prefix_is_dropped() {
        assert_eq!(without_bearer("Bearer eyJ.a.b"), ("eyJ.a.b", true));
        assert_eq!(without_bearer("  bearer   eyJ.a.b"), ("eyJ.a.b", true));
        assert_eq!(without_bearer("eyJ.a.b"), ("eyJ.a.b", false));
        assert_eq!(without_bearer("Bearer"), ("Bearer", false));
    }

    #[test]
    fn cli_debug_assert() {
        Cli::command().debug_assert();
        command().debug_assert();
    }

    #[test]
    fn every_subcommand_has_examples_and_names_the_global_options_once() {
        let mut cmd = command();
        for sub in cmd.get_subcommands_mut() {
            let name = sub.get_name().to_owned();
            let help = sub.render_long_help().to_string();
            assert!(help.contains("Examples:\n  mcp-auth "), "{name}: {help}");
            assert!(help.contains("Global options (--output, --json,"), "{name}: {help}");
            assert!(
                !help.contains("Shorthand for --output json"),
                "{name} repeats the globals: {help}"
            );
        }
        let top = command().render_long_help().to_string();
        assert!(top.contains("Shorthand for --output json"), "{top}");
        let gen_help = command()
            .find_subcommand_mut("gen-metadata")
            .unwrap()
            .render_usage()
            .to_string();
        assert!(
            gen_help.contains("--resource <URI> --authorization-server <ISSUER>"),
            "{gen_help}"
        );
    }

    #[test]
    fn global_options_go_before_or_after_the_subcommand() {
        let a = Cli::try_parse_from(["mcp-auth", "--json", "check-provider", "https://a.example"]).unwrap();
        let b = Cli::try_parse_from(["mcp-auth", "check-provider", "https://a.example", "--json", "--strict"]).unwrap();
        assert_eq!(a.global.output_format(), OutputFormat::Json);
        assert_eq!(b.global.output_format(), OutputFormat::Json);
        assert!(b.global.strict);
        assert!(Cli::try_parse_from(["mcp-auth", "--json", "--output", "junit", "explain", "--list"]).is_err());
        assert!(Cli::try_parse_from(["mcp-auth", "-q", "-v", "explain", "--list"]).is_err());
        assert!(Cli::try_parse_from(["mcp-auth", "--spec", "2024-11-05", "explain", "--list"]).is_err());
        assert!(Cli::try_parse_from(["mcp-auth", "--timeout", "0", "explain", "--list"]).is_err());
    }
}
