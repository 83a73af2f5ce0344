//! Typed library errors. Anything here means "could not complete" (exit 3) unless it is a usage error.

use crate::report::ErrorInfo;

/// Why an HTTP fetch did not produce a response we could read.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: timed out after {secs} s (raise --timeout if the server is just slow)")]
    Timeout { url: String, secs: u64 },
    #[error("{url}: TLS certificate verification failed: {reason} (for a private CA, pass --cacert FILE)")]
    Tls { url: String, reason: String },
    #[error("{url}: could not connect: {reason}")]
    Connect { url: String, reason: String },
    #[error("{url}: {reason}")]
    Transport { url: String, reason: String },
    #[error("{url}: response body exceeds the {limit}-byte cap; stopped reading")]
    TooLarge { url: String, limit: usize },
    #[error("{url}: more than {max} redirects (last to {to})")]
    TooManyRedirects { url: String, to: String, max: usize },
    #[error("{url}: redirect loop back to {to}")]
    RedirectLoop { url: String, to: String },
    #[error("{url}: redirect to another origin ({to}) was not followed")]
    CrossOriginRedirect { url: String, to: String },
    #[error("{url}: redirect without a usable Location header")]
    BadRedirect { url: String },
    #[error("{url}: only http and https URLs can be fetched")]
    UnsupportedScheme { url: String },
    /// Refused before connecting by a client built with [`crate::http::HttpConfig::refuse_private`].
    #[error(
        "{url}: not fetched: {reason}; a public server must not send clients to internal addresses (SSRF, e.g. the 169.254.169.254 metadata service). Pass --allow-private-addresses to fetch it anyway"
    )]
    PrivateAddress { url: String, reason: String },
}

/// The `error.kind` of [`FetchError::PrivateAddress`].
pub const PRIVATE_ADDRESS: &str = "private-address";

impl FetchError {
    /// Stable kind for the JSON `error` object.
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::Timeout { .. } => "timeout",
            FetchError::Tls { .. } => "tls",
            FetchError::Connect { .. } => "connect",
            FetchError::Transport { .. } => "transport",
            FetchError::TooLarge { .. } => "too-large",
            FetchError::TooManyRedirects { .. } => "too-many-redirects",
            FetchError::RedirectLoop { .. } => "redirect-loop",
            FetchError::CrossOriginRedirect { .. } => "cross-origin-redirect",
            FetchError::BadRedirect { .. } => "bad-redirect",
            FetchError::UnsupportedScheme { .. } => "unsupported-scheme",
            FetchError::PrivateAddress { .. } => PRIVATE_ADDRESS,
        }
    }

    pub fn url(&self) -> &str {
        match self {
            FetchError::Timeout { url, .. }
            | FetchError::Tls { url, .. }
            | FetchError::Connect { url, .. }
            | FetchError::Transport { url, .. }
            | FetchError::TooLarge { url, .. }
            | FetchError::TooManyRedirects { url, .. }
            | FetchError::RedirectLoop { url, .. }
            | FetchError::CrossOriginRedirect { url, .. }
            | FetchError::BadRedirect { url }
            | FetchError::UnsupportedScheme { url }
            | FetchError::PrivateAddress { url, .. } => url,
        }
    }

    /// The error without its leading URL: for a message about a request whose URL must not be shown.
    pub fn cause(&self) -> String {
        let text = self.to_string();
        match text.strip_prefix(self.url()).and_then(|t| t.strip_prefix(": ")) {
            Some(cause) => cause.to_owned(),
            None => text,
        }
    }

    pub fn to_info(&self) -> ErrorInfo {
        ErrorInfo {
            kind: self.kind(),
            message: crate::sanitize::line(&self.to_string()).into_owned(),
            url: Some(self.url().to_owned()),
        }
    }
}

/// Library error for operations that cannot produce a report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// A response arrived but is not what the step needs (HTML instead of JSON, 5xx, ...).
    #[error("{url}: {reason}")]
    Unusable {
        url: String,
        kind: &'static str,
        reason: String,
    },
    /// Bad input given by the user (exit 2).
    #[error("{0}")]
    Usage(String),
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
}

impl Error {
    /// The contract's exit status for this error: usage (2) for bad input, unavailable (3) otherwise.
    pub fn exit_code(&self) -> crate::exit::ExitStatus {
        use crate::exit::ExitStatus;
        match self {
            Error::Usage(_) | Error::Io { .. } => ExitStatus::Usage,
            _ => ExitStatus::Unavailable,
        }
    }

    pub fn to_info(&self) -> ErrorInfo {
        match self {
            Error::Fetch(f) => f.to_info(),
            Error::Unusable { url, kind, reason } => ErrorInfo {
                kind,
                message: crate::sanitize::line(&format!("{url}: {reason}")).into_owned(),
                url: Some(url.clone()),
            },
            Error::Usage(m) => ErrorInfo {
                kind: "usage",
                message: m.clone(),
                url: None,
            },
            Error::Io { path, source } => ErrorInfo {
                kind: "io",
                message: format!("{path}: {source}"),
                url: None,
            },
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
