//! Escapes server-provided text before it reaches a terminal: control characters, ANSI escapes, bidi
//! overrides and zero-width characters become visible `\u{..}` escapes.

use std::borrow::Cow;

/// Escapes everything that could move the cursor, change colours or reorder text. Newlines are kept.
pub fn text(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

/// Like [`text`], but newlines and tabs are escaped too: for one-line messages and table cells.
pub fn line(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// Borrowed when nothing needs escaping (nearly always): messages are built once per token in `--batch`.
fn escape(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    // Every character escaped is a control character or in U+061C..U+FEFF, so ASCII text above the
    // controls is clean without decoding it.
    if s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) || (b == b'\n' && keep_newlines))
        || !s.chars().any(|c| needs_escape(c, keep_newlines))
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c, keep_newlines) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char, keep_newlines: bool) -> bool {
    if c == '\n' {
        return !keep_newlines;
    }
    c.is_control()
        || matches!(c,
            '\u{200b}'..='\u{200f}' // zero-width, LRM, RLM
            | '\u{202a}'..='\u{202e}' // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{feff}'
            | '\u{061c}')
}

/// How a value the user typed is quoted back in an error: escaped, never whole if it looks like a token (a
/// token pasted where a URL or file belongs), and with token-like query values of a URL replaced.
pub fn argument(value: &str) -> String {
    if looks_like_token(value) {
        return format!(
            "<a {}-character argument that looks like a token; not shown>",
            value.len()
        );
    }
    match redact_query(value) {
        Some(redacted) => line(&redacted).into_owned(),
        None => line(value).into_owned(),
    }
}

/// Whether [`argument`] would hide part of `value`.
pub fn hides(value: &str) -> bool {
    looks_like_token(value) || redact_query(value).is_some()
}

/// Long, and only base64url/base64/JWS characters (a URL has `:`, a sentence has spaces).
pub fn looks_like_token(s: &str) -> bool {
    let s = s.trim_start_matches('-');
    s.len() >= 24 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~+/=".contains(&b))
}

/// Query parameters whose value is a credential whatever it looks like.
const SECRET_PARAMS: [&str; 5] = ["access_token", "token", "id_token", "refresh_token", "client_secret"];

/// `value` as a URL with every credential-named or token-like query value replaced by `REDACTED`;
/// `None` when it is not a URL or nothing needed hiding.
pub fn redact_query(value: &str) -> Option<String> {
    let url = url::Url::parse(value).ok()?;
    let secret = |k: &str, v: &str| SECRET_PARAMS.contains(&k) || looks_like_token(v);
    if !url.query_pairs().any(|(k, v)| secret(&k, &v)) {
        return None;
    }
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if secret(&k, &v) {
                "REDACTED".to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    let mut u = url.clone();
    u.query_pairs_mut().clear().extend_pairs(pairs);
    Some(u.to_string())
}

/// `url` as it may be shown: [`redact_query`]'s form when a query value is a credential.
pub fn redact_url(url: &url::Url) -> String {
    redact_query(url.as_str()).unwrap_or_else(|| url.to_string())
}

/// `text` with every occurrence of `secret` replaced by `REDACTED`: as is, and as a URL query encodes it
/// (`+ / =` become `%2B %2F %3D`, in either hex case). `None` when `text` holds none of them.
pub fn scrub(text: &str, secret: &str) -> Option<String> {
    if secret.is_empty() {
        return None;
    }
    let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let lower = lower_hex(&encoded);
    let forms = [secret, encoded.as_str(), lower.as_str()];
    if !forms.iter().any(|f| text.contains(f)) {
        return None;
    }
    Some(forms.iter().fold(text.to_owned(), |t, f| t.replace(f, "REDACTED")))
}

/// `%2B` → `%2b`: percent-encoding's hex digits in lower case.
fn lower_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut rest = encoded;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let end = (at + 3).min(rest.len());
        out.push_str(&rest[at..end].to_ascii_lowercase());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_ansi_bidi_and_controls() {
        assert_eq!(line("a\x1b[31mred"), "a\\u{1b}[31mred");
        assert_eq!(line("evil\u{202e}txt"), "evil\\u{202e}txt");
        assert_eq!(line("a\nb"), "a\\u{a}b");
        assert_eq!(text("a\nb\r"), "a\nb\\u{d}");
        assert_eq!(line("plain https://x/é"), "plain https://x/é");
    }

    #[test]
    fn arguments_never_show_a_token() {
        let jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl";
        assert!(argument(jwt).contains("looks like a token") && !argument(jwt).contains("c2lnbmF0dXJl"));
        let url = format!("https://x.example/mcp?a=1&access_token=abc&b={jwt}");
        let shown = argument(&url);
        assert!(
            !shown.contains("abc") && !shown.contains(jwt) && shown.contains("a=1"),
            "{shown}"
        );
        assert!(hides(&url) && hides(jwt));
        assert!(!hides("https://mcp.example.com/a-long-path/mcp?page=2"));
        assert_eq!(argument("not a url"), "not a url");
    }

    #[test]
    fn scrub_finds_a_secret_in_every_query_encoding() {
        let secret = "ab+cd/ef==";
        for text in [
            "x ab+cd/ef== y",
            "https://h/mcp?access_token=ab%2Bcd%2Fef%3D%3D: timed out",
            "https://h/mcp?access_token=ab%2bcd%2fef%3d%3d",
        ] {
            let s = scrub(text, secret).expect(text);
            assert!(s.contains("REDACTED") && !s.contains("cd"), "{s}");
        }
        assert_eq!(scrub("nothing here", secret), None);
        assert_eq!(scrub("anything", ""), None);
    }
}
