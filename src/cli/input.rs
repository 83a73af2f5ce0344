//! Validation of URL arguments: a malformed or non-http(s) URL is a usage error (exit 2) before any
//! request is made.

use crate::error::Error;
use crate::sanitize;
use url::Url;

/// Parses `value` (given as `what`, e.g. `ISSUER` or `--metadata-url`) as an absolute http(s) URL with a host.
pub fn http_url(what: &str, value: &str) -> Result<Url, Error> {
    let shown = sanitize::line(value);
    let url = Url::parse(value).map_err(|e| Error::Usage(format!("{what} \"{shown}\" is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(Error::Usage(format!(
            "{what} \"{shown}\" must be an https URL (http only for localhost), e.g. https://auth.example.com"
        )));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_with_a_host_pass() {
        assert!(http_url("ISSUER", "https://a.example/t").is_ok());
        assert!(http_url("ISSUER", "http://127.0.0.1:8080").is_ok());
        for bad in [
            "httxs://auth.example.com/t",
            "mailto:a@b",
            "file:///etc/passwd",
            "not a url",
            "https://",
        ] {
            let e = http_url("ISSUER", bad).unwrap_err().to_string();
            assert!(e.contains("ISSUER"), "{bad}: {e}");
        }
    }
}
