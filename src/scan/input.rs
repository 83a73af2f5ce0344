//! What `scan` reads: MCP server URLs one per line (`#` starts a comment), or an MCP registry export, a
//! JSON document with `servers[].remotes[].url` (also `servers[].server.remotes[].url`, the registry API's
//! wrapped form). A document whose first non-blank character is `{` is read as an export.

use crate::sanitize;
use serde_json::Value;
use url::Url;

/// Why the input cannot be scanned (a usage error: nothing was probed).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InputError {
    #[error("line {line}: \"{text}\" is not an MCP server URL ({why}); write one http(s) URL per line, # for comments")]
    BadLine { line: usize, text: String, why: String },
    #[error(
        "the input starts with '{{' but is not a JSON document ({0}); pass one URL per line or an MCP registry export"
    )]
    BadJson(String),
    #[error("the JSON document has no servers[].remotes[].url (is it an MCP registry export, e.g. from /v0/servers?)")]
    NotAnExport,
    #[error("{where_}: \"{text}\" is not an http(s) URL ({why})")]
    BadRemote { where_: String, text: String, why: String },
    #[error("no MCP server URL in the input")]
    Empty,
}

/// Which form the input had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    Lines,
    RegistryExport,
}

/// The URLs to scan, in input order, each once.
#[derive(Clone, Debug)]
pub struct Targets {
    pub kind: InputKind,
    pub urls: Vec<Url>,
    /// URLs listed more than once (scanned once).
    pub duplicates: usize,
}

/// Detects the form of `text` and reads its URLs.
pub fn parse(text: &str) -> Result<Targets, InputError> {
    let (kind, urls) = if text.trim_start().starts_with('{') {
        (InputKind::RegistryExport, registry_export(text)?)
    } else {
        (InputKind::Lines, lines(text)?)
    };
    let listed = urls.len();
    let mut seen = std::collections::HashSet::new();
    let urls: Vec<Url> = urls.into_iter().filter(|u| seen.insert(u.clone())).collect();
    if urls.is_empty() {
        return Err(InputError::Empty);
    }
    Ok(Targets {
        kind,
        duplicates: listed - urls.len(),
        urls,
    })
}

fn http_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| e.to_string())?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!("the scheme must be http or https, not {}", url.scheme()));
    }
    Ok(url)
}

fn shown(text: &str) -> String {
    let short: String = text.chars().take(200).collect();
    sanitize::line(&short).into_owned()
}

fn lines(text: &str) -> Result<Vec<Url>, InputError> {
    let mut urls = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split_once('#').map_or(raw, |(before, _)| before).trim();
        if line.is_empty() {
            continue;
        }
        urls.push(http_url(line).map_err(|why| InputError::BadLine {
            line: i + 1,
            text: shown(line),
            why,
        })?);
    }
    Ok(urls)
}

fn registry_export(text: &str) -> Result<Vec<Url>, InputError> {
    let doc: Value = serde_json::from_str(text).map_err(|e| InputError::BadJson(e.to_string()))?;
    let servers = doc
        .get("servers")
        .and_then(Value::as_array)
        .ok_or(InputError::NotAnExport)?;
    let mut urls = Vec::new();
    let mut remotes_seen = false;
    for (i, entry) in servers.iter().enumerate() {
        // The registry API wraps each entry as {"server": {...}, "_meta": {...}}.
        let server = entry.get("server").unwrap_or(entry);
        let Some(remotes) = server.get("remotes").and_then(Value::as_array) else {
            continue; // a package-only server: nothing remote to probe
        };
        remotes_seen = true;
        for (j, remote) in remotes.iter().enumerate() {
            let where_ = format!("servers[{i}].remotes[{j}].url");
            let Some(text) = remote.get("url").and_then(Value::as_str) else {
                return Err(InputError::BadRemote {
                    where_,
                    text: String::new(),
                    why: "missing or not a string".into(),
                });
            };
            urls.push(http_url(text).map_err(|why| InputError::BadRemote {
                where_,
                text: shown(text),
                why,
            })?);
        }
    }
    if !remotes_seen {
        return Err(InputError::NotAnExport);
    }
    Ok(urls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_with_comments_and_duplicates() {
        let t = parse("# fleet\nhttps://a.example/mcp  # main\n\n  https://b.example/mcp\nhttps://a.example/mcp\n")
            .unwrap();
        assert_eq!(t.kind, InputKind::Lines);
        assert_eq!(t.urls.len(), 2);
        assert_eq!(t.duplicates, 1);
        assert_eq!(t.urls[1].as_str(), "https://b.example/mcp");
    }

    #[test]
    fn bad_lines_name_their_number() {
        let e = parse("https://a.example/mcp\nftp://x.example/\n").unwrap_err();
        assert!(matches!(e, InputError::BadLine { line: 2, .. }), "{e}");
        let e = parse("not a url\x1b[31m").unwrap_err().to_string();
        assert!(e.starts_with("line 1:") && !e.contains('\x1b'), "{e}");
        assert_eq!(parse("# only comments\n\n").unwrap_err(), InputError::Empty);
    }

    #[test]
    fn registry_exports_in_both_shapes() {
        let doc = r#"{"servers": [
            {"name": "a", "remotes": [{"type": "streamable-http", "url": "https://a.example/mcp"}]},
            {"name": "pkg-only", "packages": []},
            {"server": {"name": "b", "remotes": [{"type": "sse", "url": "https://b.example/sse"}]}, "_meta": {}}
        ], "metadata": {"count": 3}}"#;
        let t = parse(doc).unwrap();
        assert_eq!(t.kind, InputKind::RegistryExport);
        let urls: Vec<&str> = t.urls.iter().map(Url::as_str).collect();
        assert_eq!(urls, ["https://a.example/mcp", "https://b.example/sse"]);
    }

    #[test]
    fn bad_exports_say_what_is_wrong() {
        assert!(matches!(parse("{not json"), Err(InputError::BadJson(_))));
        assert_eq!(parse(r#"{"items": []}"#).unwrap_err(), InputError::NotAnExport);
        let e = parse(r#"{"servers": [{"remotes": [{"url": "file:///etc/passwd"}]}]}"#).unwrap_err();
        assert!(e.to_string().starts_with("servers[0].remotes[0].url"), "{e}");
    }
}
