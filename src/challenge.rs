//! `WWW-Authenticate` parsing (RFC 9110 §11.6.1): several challenges per header, several headers,
//! auth-params with token or quoted-string values (with `\` escapes), and token68.
//!
//! Written here rather than taken from a crate: `http-auth` (the maintained parser on crates.io) has no
//! token68 support and refuses malformed input outright, while a linter must keep what it could read,
//! keep duplicate parameters (to report them), and say where the header went wrong.
//!
//! ```text
//! WWW-Authenticate = #challenge
//! challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//! auth-param       = token BWS "=" BWS ( token / quoted-string )
//! token68          = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//! ```

use serde::Serialize;

/// One auth-param as sent (name case preserved; compare names case-insensitively).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuthParam {
    pub name: String,
    /// The value with quoting and escapes removed.
    pub value: String,
    /// Whether the value was a quoted-string.
    pub quoted: bool,
}

/// One challenge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Challenge {
    pub scheme: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token68: Option<String>,
    pub params: Vec<AuthParam>,
}

impl Challenge {
    /// Scheme comparison is case-insensitive (RFC 9110 §11.1).
    pub fn is(&self, scheme: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(scheme)
    }

    /// The first value of `name` (case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .map(|p| p.value.as_str())
    }

    /// Lower-cased names that appear more than once, in first-seen order. Linear in the number of params.
    pub fn duplicates(&self) -> Vec<String> {
        // name -> seen more than once already reported
        let mut seen: std::collections::HashMap<String, bool> = std::collections::HashMap::new();
        let mut dups: Vec<String> = Vec::new();
        for p in &self.params {
            let n = p.name.to_ascii_lowercase();
            match seen.get_mut(&n) {
                Some(reported) if !*reported => {
                    *reported = true;
                    dups.push(n);
                }
                Some(_) => {}
                None => {
                    seen.insert(n, false);
                }
            }
        }
        dups
    }
}

/// Everything read from the headers, and the first syntax error of each header that had one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Parsed {
    pub challenges: Vec<Challenge>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

impl Parsed {
    /// The first challenge with `scheme` (case-insensitive).
    pub fn find(&self, scheme: &str) -> Option<&Challenge> {
        self.challenges.iter().find(|c| c.is(scheme))
    }
}

/// Parses every `WWW-Authenticate` header value of a response.
pub fn parse_all<S: AsRef<str>>(headers: &[S]) -> Parsed {
    let mut out = Parsed::default();
    for (i, h) in headers.iter().enumerate() {
        let (challenges, error) = parse(h.as_ref());
        out.challenges.extend(challenges);
        if let Some(e) = error {
            let which = if headers.len() > 1 {
                format!("header {}: ", i + 1)
            } else {
                String::new()
            };
            out.errors.push(format!("{which}{e}"));
        }
    }
    out
}

/// Parses one header value. Returns the challenges read before any syntax error, and the error.
pub fn parse(value: &str) -> (Vec<Challenge>, Option<String>) {
    let mut p = Parser {
        s: value.as_bytes(),
        i: 0,
    };
    let mut out = Vec::new();
    match p.challenges(&mut out) {
        Ok(()) => (out, None),
        Err(e) => (out, Some(e)),
    }
}

/// Auth-params read per challenge. Bearer defines five (RFC 6750 §3) and MCP adds `resource_metadata`; past
/// the cap, parsing stops with an error (the challenge keeps its first `MAX_PARAMS` params), so a hostile
/// header of hundreds of thousands of params costs no more than this many.
pub const MAX_PARAMS: usize = 64;

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_token68_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/".contains(&b)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }

    fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    /// Skips whitespace and empty list elements (`, ,`).
    fn skip_separators(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b',')) {
            self.i += 1;
        }
    }

    fn token(&mut self) -> Option<String> {
        let start = self.i;
        while self.peek().is_some_and(is_tchar) {
            self.i += 1;
        }
        (self.i > start).then(|| String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    fn error(&self, what: &str) -> String {
        let shown = match self.peek() {
            Some(b) if b.is_ascii_graphic() => format!("'{}'", b as char),
            Some(b) => format!("byte 0x{b:02x}"),
            None => "the end".to_owned(),
        };
        format!("at character {}: expected {what}, found {shown}", self.i + 1)
    }

    fn challenges(&mut self, out: &mut Vec<Challenge>) -> Result<(), String> {
        self.skip_separators();
        while !self.at_end() {
            let scheme = self.token().ok_or_else(|| self.error("an auth-scheme"))?;
            let mut ch = Challenge {
                scheme,
                token68: None,
                params: Vec::new(),
            };
            let spaced = matches!(self.peek(), Some(b' ' | b'\t'));
            self.skip_ows();
            if spaced && !self.at_end() && self.peek() != Some(b',') {
                if let Some(param) = self.try_param()? {
                    ch.params.push(param);
                    if let Err(e) = self.params(&mut ch) {
                        // Past the cap the challenge keeps what was read; other errors drop it.
                        if ch.params.len() == MAX_PARAMS {
                            out.push(ch);
                        }
                        return Err(e);
                    }
                } else {
                    ch.token68 = Some(self.token68()?);
                    self.skip_ows();
                    if !self.at_end() && self.peek() != Some(b',') {
                        out.push(ch);
                        return Err(self.error("',' after a token68"));
                    }
                }
            } else if !self.at_end() && self.peek() != Some(b',') {
                out.push(ch);
                return Err(self.error("a space after the auth-scheme"));
            }
            out.push(ch);
            self.skip_separators();
        }
        Ok(())
    }

    /// Further auth-params of the current challenge: `, name=value` until an element that is not one.
    fn params(&mut self, ch: &mut Challenge) -> Result<(), String> {
        loop {
            self.skip_ows();
            match self.peek() {
                None => return Ok(()),
                Some(b',') => {}
                Some(_) => return Err(self.error("',' between auth-params")),
            }
            let save = self.i;
            self.skip_separators();
            if self.at_end() {
                return Ok(());
            }
            let at = self.i + 1;
            match self.try_param()? {
                Some(_) if ch.params.len() == MAX_PARAMS => {
                    return Err(format!(
                        "at character {at}: more than {MAX_PARAMS} auth-params in one challenge; the rest of the header was not read"
                    ));
                }
                Some(p) => ch.params.push(p),
                None => {
                    // The next element starts a new challenge.
                    self.i = save;
                    return Ok(());
                }
            }
        }
    }

    /// `token BWS "=" BWS (token / quoted-string)`, or `None` (position unchanged) if the input here is
    /// not an auth-param (a new challenge or a token68).
    fn try_param(&mut self) -> Result<Option<AuthParam>, String> {
        let start = self.i;
        let Some(name) = self.token() else {
            return Ok(None);
        };
        self.skip_ows();
        if self.peek() != Some(b'=') {
            self.i = start;
            return Ok(None);
        }
        self.i += 1;
        self.skip_ows();
        match self.peek() {
            Some(b'"') => {
                let value = self.quoted_string()?;
                Ok(Some(AuthParam {
                    name,
                    value,
                    quoted: true,
                }))
            }
            Some(b) if is_tchar(b) => {
                let value = self.token().unwrap_or_default();
                Ok(Some(AuthParam {
                    name,
                    value,
                    quoted: false,
                }))
            }
            // `abc==` and `abc=` are token68, not auth-params.
            _ => {
                self.i = start;
                Ok(None)
            }
        }
    }

    fn token68(&mut self) -> Result<String, String> {
        let start = self.i;
        while self.peek().is_some_and(is_token68_char) {
            self.i += 1;
        }
        if self.i == start {
            return Err(self.error("an auth-param or token68"));
        }
        while self.peek() == Some(b'=') {
            self.i += 1;
        }
        Ok(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    fn quoted_string(&mut self) -> Result<String, String> {
        self.i += 1; // opening quote
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None => return Err(self.error("a closing '\"'")),
                Some(b'"') => {
                    self.i += 1;
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                Some(b'\\') => {
                    self.i += 1;
                    match self.peek() {
                        Some(b) if b == b'\t' || b >= 0x20 && b != 0x7f => {
                            out.push(b);
                            self.i += 1;
                        }
                        _ => return Err(self.error("a character after '\\'")),
                    }
                }
                Some(b) if b == b'\t' || b >= 0x20 && b != 0x7f => {
                    out.push(b);
                    self.i += 1;
                }
                Some(_) => return Err(self.error("a printable character in a quoted-string")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(v: &str) -> Vec<Challenge> {
        let (c, e) = parse(v);
        assert_eq!(e, None, "{v}");
        c
    }

    fn params(c: &Challenge) -> Vec<(&str, &str)> {
        c.params.iter().map(|p| (p.name.as_str(), p.value.as_str())).collect()
    }

    #[test]
    fn bearer_with_quoted_and_token_values() {
        let c = one(
            r#"Bearer resource_metadata="https://x/.well-known/oauth-protected-resource/mcp", scope="a b", realm=api"#,
        );
        assert_eq!(c.len(), 1);
        assert!(c[0].is("bearer"));
        assert_eq!(
            params(&c[0]),
            [
                (
                    "resource_metadata",
                    "https://x/.well-known/oauth-protected-resource/mcp"
                ),
                ("scope", "a b"),
                ("realm", "api")
            ]
        );
        assert!(c[0].params[0].quoted && !c[0].params[2].quoted);
        assert_eq!(c[0].param("SCOPE"), Some("a b"));
    }

    #[test]
    fn rfc9110_example_two_challenges_with_escapes() {
        let c = one(r#"Basic realm="simple", Newauth realm="apps", type=1, title="Login to \"apps\"""#);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].scheme, "Basic");
        assert_eq!(params(&c[0]), [("realm", "simple")]);
        assert_eq!(
            params(&c[1]),
            [("realm", "apps"), ("type", "1"), ("title", "Login to \"apps\"")]
        );
    }

    #[test]
    fn commas_inside_quoted_strings_do_not_split() {
        let c = one(r#"Bearer error_description="a, b=c, Basic x", scope="s""#);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].param("error_description"), Some("a, b=c, Basic x"));
        assert_eq!(c[0].param("scope"), Some("s"));
    }

    #[test]
    fn token68_and_bare_schemes() {
        let c = one("Negotiate abc+/d==, Bearer, DPoP algs=\"ES256\"");
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].token68.as_deref(), Some("abc+/d=="));
        assert!(c[1].is("Bearer") && c[1].params.is_empty() && c[1].token68.is_none());
        assert_eq!(c[2].param("algs"), Some("ES256"));
        let c = one("Basic");
        assert_eq!(c.len(), 1);
        let c = one("Negotiate a=");
        assert_eq!(c[0].token68.as_deref(), Some("a="));
    }

    #[test]
    fn whitespace_around_equals_and_empty_list_elements() {
        let c = one(" , Bearer  scope = \"x\" ,, realm=r ,");
        assert_eq!(params(&c[0]), [("scope", "x"), ("realm", "r")]);
    }

    /// A 400 KB header of 40,000 params (half of them repeating one name) once cost seconds of CPU in
    /// duplicate detection: now parsing stops at the cap with an error, keeping the first params.
    #[test]
    fn a_huge_number_of_params_is_capped() {
        let many: Vec<String> = (0..40_000)
            .map(|i| {
                if i % 2 == 0 {
                    "scope=x".to_owned()
                } else {
                    format!("p{i}=v")
                }
            })
            .collect();
        let header = format!(
            r#"Bearer resource_metadata="https://x/prm", {}, error=late"#,
            many.join(", ")
        );
        let (c, e) = parse(&header);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].params.len(), MAX_PARAMS);
        assert_eq!(c[0].param("resource_metadata"), Some("https://x/prm"));
        assert_eq!(c[0].param("error"), None, "params past the cap are not read");
        assert_eq!(c[0].duplicates(), ["scope"]);
        let e = e.unwrap();
        assert!(e.contains("more than 64 auth-params") && e.contains("not read"), "{e}");
        // At the cap exactly, nothing is lost.
        let sixty_four: Vec<String> = (0..MAX_PARAMS).map(|i| format!("p{i}=v")).collect();
        let (c, e) = parse(&format!("Bearer {}", sixty_four.join(", ")));
        assert_eq!((c[0].params.len(), e), (MAX_PARAMS, None));
        // Each of several challenges has its own cap.
        let (c, e) = parse(&format!("Bearer {0}, Basic {0}", sixty_four.join(", ")));
        assert_eq!(c.len(), 2);
        assert_eq!(e, None);
    }

    #[test]
    fn several_headers_and_duplicates() {
        let p = parse_all(&["Bearer scope=\"a\", scope=\"b\", Scope=c", "DPoP algs=\"ES256\""]);
        assert!(p.errors.is_empty());
        assert_eq!(p.challenges.len(), 2);
        assert_eq!(p.find("bearer").unwrap().duplicates(), ["scope"]);
        assert!(p.find("dpop").is_some());
    }

    #[test]
    fn errors_keep_what_was_read() {
        let (c, e) = parse(r#"Basic realm="x", Bearer scope="unterminated"#);
        assert_eq!(c.len(), 1);
        assert!(e.unwrap().contains("closing"));
        let (_, e) = parse("Bearer scope=\"a\" realm=\"b\"");
        assert!(e.unwrap().contains("','"), "missing comma is an error");
        let (_, e) = parse("=x");
        assert!(e.unwrap().contains("auth-scheme"));
        let p = parse_all(&["Bearer ok=1", "@@"]);
        assert_eq!(p.errors.len(), 1);
        assert!(p.errors[0].starts_with("header 2:"));
        assert_eq!(p.challenges.len(), 1);
    }

    #[test]
    fn empty_header_has_no_challenges() {
        let (c, e) = parse("   ");
        assert!(c.is_empty() && e.is_none());
    }
}
