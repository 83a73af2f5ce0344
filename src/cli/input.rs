//! Validation of URL arguments: a malformed or non-http(s) URL is a usage error (exit 2) before any
//! request is made.

use crate::error::Error;
use crate::sanitize;
use url::Url;

/// How a user-supplied argument is quoted back in a usage error: escaped, and never whole if it looks
/// like a token (a token pasted where a URL belongs, or as an extra argument).
pub fn shown(value: &str) -> String {
    if looks_like_token(value) {
        format!(
            "<a {}-character argument that looks like a token; not shown>",
            value.len()
        )
    } else {
        sanitize::line(value).into_owned()
    }
}

/// Long, and only base64url/base64/JWS characters (a URL has `:`, a sentence has spaces).
pub fn looks_like_token(s: &str) -> bool {
    let s = s.trim_start_matches('-');
    s.len() >= 24 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~+/=".contains(&b))
}

/// Parses `value` (given as `what`, e.g. `ISSUER` or `--metadata-url`) as an absolute http(s) URL with a host.
pub fn http_url(what: &str, value: &str) -> Result<Url, Error> {
    let shown = shown(value);
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
    fn a_token_given_as_a_url_is_not_quoted_back() {
        let token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl";
        let e = http_url("ISSUER", token).unwrap_err().to_string();
        assert!(!e.contains(token) && e.contains("looks like a token"), "{e}");
        assert!(
            http_url("ISSUER", "not a url")
                .unwrap_err()
                .to_string()
                .contains("\"not a url\"")
        );
    }

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
