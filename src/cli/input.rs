//! Validation of arguments at parse time (clap `value_parser`s), so that a malformed URL or a missing file
//! is a usage error (exit 2) before any command runs, through one code path. clap quotes the rejected value;
//! [`super::redact_usage_error`] hides it when it carries a token.

use crate::sanitize;
use std::path::PathBuf;
use url::Url;

pub use crate::sanitize::{argument as shown, looks_like_token};

/// An absolute http(s) URL with a host and no credential in its query. Kept as the text the user typed.
pub fn http_url(value: &str) -> Result<String, String> {
    let url = Url::parse(value).map_err(|e| format!("it is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err("it must be an https URL (http only for localhost), e.g. https://auth.example.com".into());
    }
    if sanitize::redact_query(value).is_some() {
        return Err("the URL carries a token in its query; pass the URL without it (and a token with --token)".into());
    }
    Ok(value.to_owned())
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
    fn files_must_exist() {
        assert!(file("Cargo.toml").is_ok());
        assert!(file("src").is_err());
        assert!(file("no-such-file").is_err());
        assert!(url_or_file("https://a.example/jwks").is_ok());
        assert!(url_or_file("no-such-file").is_err());
    }
}
