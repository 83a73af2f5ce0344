//! Typed library errors. Anything here means "could not complete" (exit 3) unless it is a usage error.

use crate::report::ErrorInfo;

/// Why an HTTP fetch did not produce a response we could read.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: timed out after {secs} s (raise --timeout if the server is just slow)")]
    Timeout { url: String, secs: u64 },
    /// `reason` is in words ([`tls_in_words`]), with a `--cacert` hint where one helps.
    #[error("{url}: TLS certificate verification failed: {reason}")]
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

/// A TLS failure (rustls' error text, e.g. `invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))`)
/// in words, with the `--cacert` hint when the certificate's issuer is the problem: as a suggestion when
/// `cacert_given` is false, as a finding (those roots do not sign it either) when it is true.
pub fn tls_in_words(reason: &str, cacert_given: bool) -> String {
    const ISSUER: &[(&str, &str)] = &[
        (
            "CaUsedAsEndEntity",
            "the server presented a CA certificate as its own: a self-signed certificate",
        ),
        ("SelfSigned", "the certificate is self-signed"),
        (
            "UnknownIssuer",
            "the certificate is signed by a certificate authority that is not trusted here",
        ),
    ];
    const OTHER: &[(&str, &str)] = &[
        (
            "NotValidYet",
            "the certificate is not valid yet (is this machine's clock right?)",
        ),
        ("Expired", "the certificate has expired"),
        ("NotValidForName", "the certificate is not valid for this host name"),
        ("Revoked", "the certificate has been revoked"),
        ("BadSignature", "the certificate's signature does not verify"),
        ("InvalidPurpose", "the certificate is not meant for TLS servers"),
        (
            "UnsupportedSignatureAlgorithm",
            "the certificate is signed with an algorithm that is not supported",
        ),
    ];
    if let Some((_, words)) = ISSUER.iter().find(|(k, _)| reason.contains(k)) {
        return if cacert_given {
            format!("{words}, and the --cacert roots do not sign it either")
        } else {
            format!("{words} (for a private CA, pass --cacert FILE)")
        };
    }
    match OTHER.iter().find(|(k, _)| reason.contains(k)) {
        Some((_, words)) => (*words).to_owned(),
        None if cacert_given => reason.to_owned(),
        None => format!("{reason} (for a private CA, pass --cacert FILE)"),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_failures_are_said_in_words_and_name_cacert_once() {
        let self_signed = "invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))";
        let words = tls_in_words(self_signed, false);
        assert!(
            words.contains("self-signed") && words.contains("pass --cacert"),
            "{words}"
        );
        assert!(!words.contains("OtherError"), "{words}");
        let given = tls_in_words(self_signed, true);
        assert!(
            given.contains("--cacert roots do not sign it") && !given.contains("pass --cacert"),
            "{given}"
        );
        let expired = tls_in_words(
            "invalid peer certificate: ExpiredContext { time: 1, not_after: 0 }",
            false,
        );
        assert_eq!(expired, "the certificate has expired");
        let name = tls_in_words("invalid peer certificate: NotValidForNameContext { expected: x }", true);
        assert_eq!(name, "the certificate is not valid for this host name");
        assert!(tls_in_words("handshake failure", false).ends_with("(for a private CA, pass --cacert FILE)"));
    }
}
