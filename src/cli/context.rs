//! Settings resolved once from the arguments and the environment. After this, nothing else reads the
//! environment or asks whether a stream is a terminal.

use super::args::{ColorChoice, GlobalArgs, OutputFormat};
use crate::error::Error;
use crate::http::{HttpClient, HttpConfig, RequestLog};
use crate::jwt::SecretToken;
use crate::spec::SpecRevision;
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

/// Environment variables the tool reads.
pub mod env {
    /// The token for verify-token, decode-token and probe.
    pub const TOKEN: &str = "MCP_AUTH_TOKEN";
    /// Test hook: pretend stdin, stdout and stderr are terminals (as xh's XH_TEST_MODE_TERM).
    pub const TEST_TTY: &str = "MCP_AUTH_TEST_TTY";
    pub const NO_COLOR: &str = "NO_COLOR";
    pub const COLUMNS: &str = "COLUMNS";
    /// The command `login` opens the authorization URL with (the Unix convention).
    pub const BROWSER: &str = "BROWSER";
}

#[derive(Clone)]
pub struct Context {
    pub output: OutputFormat,
    pub color: bool,
    pub quiet: bool,
    pub verbose: bool,
    /// Every check and the detail tables in human output (`-v` or `--all`).
    pub all_checks: bool,
    pub strict: bool,
    pub spec: SpecRevision,
    pub stdin_tty: bool,
    pub stderr_tty: bool,
    /// Columns of the terminal on stdout (`COLUMNS` overrides the tty's size); `None` when stdout is not a
    /// terminal: human output then uses a list layout and wraps nothing.
    pub width: Option<u16>,
    /// The same for stderr (gen-metadata's report, printed beside the document on stdout).
    pub stderr_width: Option<u16>,
    /// When the run started (JUnit `time`).
    pub started: std::time::Instant,
    pub http: HttpConfig,
    /// `MCP_AUTH_TOKEN`, as clap also reads it for the TOKEN arguments (verify-token tells the two apart).
    pub env_token: Option<SecretToken>,
    /// `BROWSER`, when set and not blank.
    pub browser: Option<String>,
}

impl Context {
    pub fn resolve(g: &GlobalArgs) -> Result<Self, Error> {
        let pretend = std::env::var_os(env::TEST_TTY).is_some_and(|v| v == "1");
        let stdout_tty = pretend || std::io::stdout().is_terminal();
        let stderr_tty = pretend || std::io::stderr().is_terminal();
        let stdin_tty = pretend || std::io::stdin().is_terminal();
        let output = g.output_format();
        let no_color_env = std::env::var_os(env::NO_COLOR).is_some_and(|v| !v.is_empty());
        let color = output == OutputFormat::Human
            && match g.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => stdout_tty && !no_color_env,
            };
        let extra_roots_pem = match &g.cacert {
            Some(path) => Some(std::fs::read(path).map_err(|source| Error::Io {
                path: format!("--cacert {}", crate::sanitize::argument(&path.to_string_lossy())),
                source,
            })?),
            None => None,
        };
        let log: Option<crate::http::LogHook> = if g.verbose {
            Some(Arc::new(|r: &RequestLog| {
                let outcome = match (r.status, &r.error) {
                    (Some(s), _) => s.to_string(),
                    (None, Some(e)) => format!("error: {e}"),
                    (None, None) => "?".into(),
                };
                eprintln!(
                    "> {} {} -> {} ({} ms)",
                    r.method,
                    crate::sanitize::line(&r.url),
                    crate::sanitize::line(&outcome),
                    r.elapsed.as_millis()
                );
            }))
        } else {
            None
        };
        Ok(Self {
            output,
            color,
            quiet: g.quiet,
            verbose: g.verbose,
            all_checks: g.verbose || g.all,
            strict: g.strict,
            spec: g.spec,
            stdin_tty,
            stderr_tty,
            width: width(stdout_tty, &console::Term::stdout()),
            stderr_width: width(stderr_tty, &console::Term::stderr()),
            started: std::time::Instant::now(),
            http: HttpConfig {
                timeout: Duration::from_secs(g.timeout),
                extra_roots_pem,
                log,
                allow_private: g.allow_private_addresses,
                ..HttpConfig::default()
            },
            env_token: std::env::var(env::TOKEN).ok().map(SecretToken::new),
            browser: std::env::var(env::BROWSER).ok().filter(|b| !b.trim().is_empty()),
        })
    }

    pub fn client(&self) -> Result<HttpClient, Error> {
        HttpClient::new(self.http.clone())
    }

    /// A spinner on stderr, only for humans on a terminal (hidden otherwise).
    pub fn spinner(&self, message: &str) -> indicatif::ProgressBar {
        let pb = self.stderr_bar(None, "{spinner} {msg}");
        pb.set_message(message.to_owned());
        pb.enable_steady_tick(Duration::from_millis(80));
        pb
    }

    /// A progress bar of `len` steps on stderr, only for humans on a terminal (hidden otherwise).
    pub fn progress(&self, len: u64, message: &str) -> indicatif::ProgressBar {
        let pb = self.stderr_bar(Some(len), "{msg} [{bar:30}] {pos}/{len} ({elapsed})");
        pb.set_message(message.to_owned());
        pb.enable_steady_tick(Duration::from_millis(200));
        pb
    }

    fn stderr_bar(&self, len: Option<u64>, template: &str) -> indicatif::ProgressBar {
        if self.output != OutputFormat::Human || self.quiet || self.verbose || !self.stderr_tty {
            return indicatif::ProgressBar::hidden();
        }
        // Draw to stderr as resolved above; `ProgressDrawTarget::stderr()` would re-check the terminal and
        // ignore the MCP_AUTH_TEST_TTY hook, leaving the TTY path untestable.
        let target = indicatif::ProgressDrawTarget::term_like(Box::new(console::Term::stderr()));
        let pb = indicatif::ProgressBar::with_draw_target(len, target);
        pb.set_style(indicatif::ProgressStyle::with_template(template).expect("static template"));
        pb
    }
}

/// Columns of the terminal `term` when `tty`: `COLUMNS` when set (an override, as shells rarely export it),
/// else the tty's size, else 80. `None` when not a terminal.
fn width(tty: bool, term: &console::Term) -> Option<u16> {
    if !tty {
        return None;
    }
    let columns = std::env::var(env::COLUMNS)
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok());
    let columns = columns
        .filter(|c| *c > 0)
        .or_else(|| term.size_checked().map(|(_rows, cols)| cols));
    Some(columns.unwrap_or(80).max(20))
}
