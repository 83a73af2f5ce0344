//! Validation of arguments at parse time (clap `value_parser`s), so that a malformed URL or a missing file
//! is a usage error (exit 2) before any command runs, through one code path. clap quotes the rejected value;
//! [`super::redact_usage_error`] hides it when it carries a token.

use crate::sanitize;
use std::path::PathBuf;
use url::Url;

pub use crate::sanitize::{argument as shown, looks_like_token};

/// An absolute http(s) URL with a host and no credential in its query. Kept as the text the user typed.
pub fn http_url(value: &str) -> Result<String, String> {
    let url = Url::parse(value).map_err(|e| match bare_host(value) {
        Some(host) => format!("it has no scheme: did you mean https://{host}?"),
        None => format!("it is not a URL ({e})"),
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        // `localhost:8080/mcp` parses, with `localhost` as its scheme.
        if let Some(host) = bare_host(value) {
            return Err(format!("it has no scheme: did you mean https://{host}?"));
        }
        return Err("it must be an https URL (http only for localhost), e.g. https://auth.example.com".into());
    }
    if sanitize::redact_query(value).is_some() {
        return Err("the URL carries a token in its query; pass the URL without it (and a token with --token)".into());
    }
    Ok(value.to_owned())
}

/// `value` when it looks like a host name (with a path perhaps) typed without its scheme:
/// `auth.example.com/tenant1`, `localhost:8080`.
fn bare_host(value: &str) -> Option<&str> {
    let host = value.split(['/', '?', '#']).next()?;
    let name = host.rsplit_once(':').map_or(host, |(name, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            name
        } else {
            host
        }
    });
    // A name whose last label is letters (a TLD), `localhost` or an IPv4 address: a pasted JWT (dots and
    // base64url, long segments) is none of these, and must never be echoed back.
    let labels: Vec<&str> = name.split('.').collect();
    let last = labels.last().copied().unwrap_or_default();
    let ipv4 = labels.len() == 4
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()));
    let domain = labels.len() >= 2
        && last.len() >= 2
        && last.bytes().all(|b| b.is_ascii_alphabetic())
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    let plausible = name == "localhost" || ipv4 || domain;
    (plausible && !value.contains("://")).then_some(value)
}

/// A file that exists (its content is read, and judged, by the command).
pub fn file(value: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(value);
    match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => Ok(path),
        Ok(_) => Err("not a file".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// `--jwks`: an http(s) URL, or a file.
pub fn url_or_file(value: &str) -> Result<String, String> {
    if value.starts_with("http://") || value.starts_with("https://") {
        http_url(value)
    } else {
        file(value).map(|_| value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_with_a_host_and_no_token_pass() {
        assert!(http_url("https://a.example/t").is_ok());
        assert!(http_url("http://127.0.0.1:8080").is_ok());
        for bad in [
            "httxs://auth.example.com/t",
            "mailto:a@b",
            "file:///etc/passwd",
            "not a url",
            "https://",
            "https://a.example/mcp?access_token=x",
        ] {
            assert!(http_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_bare_host_gets_a_suggestion() {
        let e = http_url("auth.example.com").unwrap_err();
        assert_eq!(e, "it has no scheme: did you mean https://auth.example.com?");
        assert!(
            http_url("auth.example.com/tenant1")
                .unwrap_err()
                .contains("https://auth.example.com/tenant1?")
        );
        assert!(
            http_url("localhost:8080/mcp")
                .unwrap_err()
                .contains("https://localhost:8080/mcp?")
        );
        assert!(!http_url("not a url").unwrap_err().contains("did you mean"));
        let jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIiwiYXVkIjoiaHR0cHM6Ly9tY3AuZXhhbXBsZS5jb20vbWNwIn0.c2lnbmF0dXJlLXNlZ21lbnQtMTIzNDU2Nzg5";
        assert!(!http_url(jwt).unwrap_err().contains("did you mean"));
        assert!(
            http_url("127.0.0.1:8080/mcp")
                .unwrap_err()
                .contains("https://127.0.0.1:8080/mcp?")
        );
    }

    #[test]
    fn files_must_exist() {
        assert!(file("Cargo.toml").is_ok());
        assert!(file("src").is_err());
        assert!(file("no-such-file").is_err());
        assert!(url_or_file("https://a.example/jwks").is_ok());
        assert!(url_or_file("no-such-file").is_err());
    }
}
