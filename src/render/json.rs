//! The JSON document of docs/contract.md, "The JSON document".

use crate::report::{CheckResult, ErrorInfo, Report};
use serde_json::{Map, Value, json as j};
use std::sync::OnceLock;

/// The report as one JSON value: command, target, spec, ok, summary, checks, [chain], [error], extras.
pub fn json(report: &Report) -> Value {
    let mut doc = Map::new();
    doc.insert("command".into(), j!(report.command));
    doc.insert("target".into(), j!(report.target));
    doc.insert("spec".into(), j!(report.spec));
    doc.insert("ok".into(), j!(report.ok()));
    doc.insert("summary".into(), j!(report.summary()));
    doc.insert("checks".into(), j!(report.checks));
    if let Some(chain) = &report.chain {
        doc.insert("chain".into(), j!(chain));
    }
    if let Some(err) = &report.error {
        doc.insert("error".into(), j!(err));
    }
    for (k, v) in &report.extra {
        doc.entry(k.clone()).or_insert_with(|| v.clone());
    }
    Value::Object(doc)
}

/// The same document as [`json`], byte for byte, appended to `buf` without building a `Value`. `--batch` writes one per token, so this is a hot path: serde_json
/// scans strings one byte at a time and spent more time escaping the 19 checks' citations than the
/// claim rules took; [`Line`] skips clean runs 16 bytes at a time and copies them whole. The output is
/// identical to serde_json's (`tests` compares the two on arbitrary reports).
pub fn json_line_into(report: &Report, buf: &mut Vec<u8>) {
    const RESERVED: [&str; 8] = ["command", "target", "spec", "ok", "summary", "checks", "chain", "error"];
    // A verify-token line is about 5 KB: grow once, not on the way.
    buf.reserve(8192);
    let mut w = Line(buf);
    w.raw("{\"command\":");
    w.str(report.command);
    w.raw(",\"target\":");
    w.str(&report.target);
    w.raw(",\"spec\":");
    w.str(report.spec.as_str());
    w.raw(if report.ok() { ",\"ok\":true" } else { ",\"ok\":false" });
    let s = report.summary();
    w.raw(",\"summary\":{\"pass\":");
    w.num(s.pass);
    w.raw(",\"fail\":");
    w.num(s.fail);
    w.raw(",\"warn\":");
    w.num(s.warn);
    w.raw(",\"skip\":");
    w.num(s.skip);
    w.raw(",\"info\":");
    w.num(s.info);
    w.raw("},\"checks\":");
    w.checks(&report.checks);
    if let Some(chain) = &report.chain {
        w.raw(",\"chain\":[");
        for (i, link) in chain.iter().enumerate() {
            w.raw(if i == 0 { "{\"link\":" } else { ",{\"link\":" });
            w.str(link.link);
            w.raw(",\"subject\":");
            w.str(&link.subject);
            w.raw(if link.ok { ",\"ok\":true" } else { ",\"ok\":false" });
            w.raw(",\"checks\":");
            w.checks(&link.checks);
            w.raw("}");
        }
        w.raw("]");
    }
    if let Some(e) = &report.error {
        w.error(e);
    }
    for (k, v) in report.extra.iter().filter(|(k, _)| !RESERVED.contains(&k.as_str())) {
        w.raw(",");
        w.str(k);
        w.raw(":");
        w.value(v);
    }
    w.raw("}");
}

/// One compact `verify-token --batch` line (see [`crate::verify::batch`]).
pub struct BatchLine<'a> {
    /// The 1-based input line.
    pub line: usize,
    /// The token (only its first 12 characters and its SHA-256 are written).
    pub token: &'a str,
    /// The token's SHA-256 when already known (else it is computed here).
    pub sha256: Option<&'a [u8; 32]>,
    pub ok: bool,
    /// The issuer the token was verified against (`None` with a key set alone).
    pub issuer: Option<&'a str>,
    /// All the token's checks; only those that did not pass (`fail`, `warn`) are written.
    pub checks: &'a [CheckResult],
    /// Why the token was not verified (its issuer could not be loaded).
    pub error: Option<&'a ErrorInfo>,
}

/// Appends `{"line","token":{"prefix","sha256"},"ok","issuer","failed":[{"id","level","status","message"}],
/// ["error"]}` to `buf`, without building a `Value`. A valid token's line is about 150 bytes.
pub fn batch_line_into(l: &BatchLine<'_>, buf: &mut Vec<u8>) {
    use crate::report::Status;
    let mut w = Line(buf);
    w.raw("{\"line\":");
    w.num(l.line);
    w.raw(",\"token\":{\"prefix\":");
    let end = l.token.char_indices().nth(12).map_or(l.token.len(), |(i, _)| i);
    w.str(&l.token[..end]);
    w.raw(",\"sha256\":\"");
    match l.sha256 {
        Some(d) => crate::jwt::hex_into(d, w.0),
        None => crate::jwt::hex_into(&crate::jwt::sha256(l.token), w.0),
    }
    w.raw(if l.ok { "\"},\"ok\":true" } else { "\"},\"ok\":false" });
    w.raw(",\"issuer\":");
    match l.issuer {
        Some(i) => w.str(i),
        None => w.raw("null"),
    }
    w.raw(",\"failed\":[");
    let failed = l
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Warn));
    for (i, c) in failed.enumerate() {
        w.check_head(i == 0, c);
        w.raw("}");
    }
    w.raw("]");
    if let Some(e) = l.error {
        w.error(e);
    }
    w.raw("}");
}

/// The bytes of `w` (little-endian) that need escaping in a JSON string (control characters, `"`, `\\`),
/// as a mask with the high bit of each such byte set: 0 when the word is clean. Word tests from
/// <https://graphics.stanford.edu/~seander/bithacks.html#HasLessInWord>. A borrow can only flag bytes
/// *above* a real hit, so the lowest set bit is exact: the first byte to escape.
fn to_escape(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    control | zero_byte(w ^ (ONES * u64::from(b'"'))) | zero_byte(w ^ (ONES * u64::from(b'\\')))
}

/// A check's citation as a JSON string, escaped once per run: citations are half of a verify-token line
/// and the same on every line. `None` when `spec` is not the catalogue's citation for `id`.
///
/// Catalogue rows are `const`s, so one citation may live at several addresses, but each address keeps
/// its text: a per-thread list of addresses already matched answers with one pointer comparison.
fn escaped_citation(id: &str, spec: &'static str) -> Option<&'static str> {
    static TABLE: OnceLock<Vec<(&'static str, &'static str, String)>> = OnceLock::new();
    thread_local! {
        static SEEN: std::cell::RefCell<Vec<(*const u8, usize, &'static str)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let key = (spec.as_ptr(), spec.len());
    if let Some(hit) = SEEN.with_borrow(|seen| seen.iter().find(|(p, l, _)| (*p, *l) == key).map(|(_, _, q)| *q)) {
        return Some(hit);
    }
    let table = TABLE.get_or_init(|| {
        let mut all: Vec<_> = crate::catalogue::all()
            .map(|d| {
                let mut buf = Vec::new();
                Line(&mut buf).str(d.spec);
                (d.id, d.spec, String::from_utf8(buf).unwrap_or_default())
            })
            .collect();
        all.sort_by_key(|(id, _, _)| *id);
        all
    });
    let i = table.binary_search_by_key(&id, |(id, _, _)| id).ok()?;
    let (_, cited, quoted) = &table[i];
    if *cited != spec {
        return None;
    }
    // Safe to remember by address because `spec` is `'static`: it is never freed, so its address never
    // holds different text.
    SEEN.with_borrow_mut(|seen| seen.push((key.0, key.1, quoted.as_str())));
    Some(quoted.as_str())
}

/// A compact JSON writer with serde_json's exact output.
struct Line<'a>(&'a mut Vec<u8>);

impl Line<'_> {
    fn raw(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }

    fn num(&mut self, n: usize) {
        use std::io::Write as _;
        let _ = write!(self.0, "{n}");
    }

    /// A JSON string: `"`, `\\` and control characters escaped as serde_json does, the rest copied.
    fn str(&mut self, s: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let bytes = s.as_bytes();
        self.0.push(b'"');
        let (mut start, mut i) = (0, 0);
        while i < bytes.len() {
            // Eight bytes at a time: skip a clean word, or jump to the first byte to escape in it.
            if let Some(word) = bytes.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
                let mask = to_escape(u64::from_le_bytes(word));
                if mask == 0 {
                    i += 8;
                    continue;
                }
                i += mask.trailing_zeros() as usize / 8;
            } else if !(bytes[i] < 0x20 || bytes[i] == b'"' || bytes[i] == b'\\') {
                i += 1;
                continue;
            }
            let b = bytes[i];
            self.0.extend_from_slice(&bytes[start..i]);
            match b {
                b'"' => self.0.extend_from_slice(b"\\\""),
                b'\\' => self.0.extend_from_slice(b"\\\\"),
                b'\n' => self.0.extend_from_slice(b"\\n"),
                b'\r' => self.0.extend_from_slice(b"\\r"),
                b'\t' => self.0.extend_from_slice(b"\\t"),
                0x08 => self.0.extend_from_slice(b"\\b"),
                0x0c => self.0.extend_from_slice(b"\\f"),
                _ => self.0.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 0xf)],
                ]),
            }
            i += 1;
            start = i;
        }
        self.0.extend_from_slice(&bytes[start..]);
        self.0.push(b'"');
    }

    /// `,"error":{...}`.
    fn error(&mut self, e: &ErrorInfo) {
        self.raw(",\"error\":{\"kind\":");
        self.str(e.kind);
        self.raw(",\"message\":");
        self.str(&e.message);
        if let Some(url) = &e.url {
            self.raw(",\"url\":");
            self.str(url);
        }
        self.raw("}");
    }

    /// A check object's id, level, status and message (both line shapes start so), left open.
    fn check_head(&mut self, first: bool, c: &CheckResult) {
        self.raw(if first { "{\"id\":" } else { ",{\"id\":" });
        self.str(c.id);
        self.raw(",\"level\":\"");
        self.raw(c.level.as_str());
        self.raw("\",\"status\":\"");
        self.raw(c.status.as_str());
        self.raw("\",\"message\":");
        self.str(&c.message);
    }

    fn checks(&mut self, checks: &[CheckResult]) {
        self.raw("[");
        for (i, c) in checks.iter().enumerate() {
            self.check_head(i == 0, c);
            self.raw(",\"spec\":");
            match escaped_citation(c.id, c.spec) {
                Some(quoted) => self.raw(quoted),
                None => self.str(c.spec),
            }
            if let Some(subject) = &c.subject {
                self.raw(",\"subject\":");
                self.str(subject);
            }
            self.raw("}");
        }
        self.raw("]");
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.raw("null"),
            Value::Bool(b) => self.raw(if *b { "true" } else { "false" }),
            // serde_json's own formatting (itoa/ryu), so numbers are written exactly as it writes them.
            Value::Number(n) => {
                let _ = serde_json::to_writer(&mut *self.0, n);
            }
            Value::String(s) => self.str(s),
            Value::Array(a) => {
                self.raw("[");
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        self.raw(",");
                    }
                    self.value(x);
                }
                self.raw("]");
            }
            Value::Object(m) => {
                self.raw("{");
                for (i, (k, x)) in m.iter().enumerate() {
                    if i > 0 {
                        self.raw(",");
                    }
                    self.str(k);
                    self.raw(":");
                    self.value(x);
                }
                self.raw("}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{JWT_EXP_VALID, JWT_SIGNATURE_VALID};
    use crate::report::{ChainLink, Checks, ErrorInfo};
    use crate::spec::SpecRevision;

    fn json_line(r: &Report) -> String {
        let mut buf = Vec::new();
        json_line_into(r, &mut buf);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn json_line_is_the_same_document_as_json() {
        let mut c = Checks::new(SpecRevision::LATEST, Some("s".into()));
        c.pass(&JWT_SIGNATURE_VALID, "ok \"quoted\"");
        c.violated(&JWT_EXP_VALID, "expired");
        let mut r = Report::new("verify-token", "https://r", SpecRevision::LATEST, false);
        r.checks = c.into_results();
        r.set("claims", j!({"b": 1, "a": [true]}));
        r.set("ok", "shadowed");
        assert_eq!(json_line(&r), json(&r).to_string());
        r.error = Some(ErrorInfo {
            kind: "timeout",
            message: "t".into(),
            url: None,
        });
        assert_eq!(json_line(&r), json(&r).to_string());
    }

    /// A recorded check finds its escaped citation; anything else is escaped on the spot.
    #[test]
    fn citations_of_recorded_checks_are_escaped_once() {
        let mut c = Checks::new(SpecRevision::LATEST, None);
        c.pass(&JWT_SIGNATURE_VALID, "ok");
        let r = &c.results()[0];
        let quoted = escaped_citation(r.id, r.spec).expect("the catalogue's citation");
        assert_eq!(quoted, serde_json::to_string(r.spec).unwrap());
        assert_eq!(escaped_citation(r.id, "another citation"), None);
        assert_eq!(escaped_citation("no-such-check", "no check cites this"), None);
        // The second lookup is answered by address, with the same text.
        assert_eq!(escaped_citation(r.id, r.spec), Some(quoted));
    }

    /// The word test finds exactly the first byte to escape, for every pair of adjacent bytes at every
    /// position (a borrow from one byte into the next is where such tricks go wrong).
    #[test]
    fn the_word_test_finds_the_first_byte_to_escape() {
        let needs = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
        for pos in 0..7 {
            for a in 0..=255u8 {
                for b in 0..=255u8 {
                    let mut w = *b"abcdefgh";
                    w[pos] = a;
                    w[pos + 1] = b;
                    let mask = to_escape(u64::from_le_bytes(w));
                    let first = w.iter().position(|x| needs(*x));
                    assert_eq!((mask != 0).then(|| mask.trailing_zeros() as usize / 8), first, "{w:?}");
                }
            }
        }
    }

    /// Arbitrary JSON values: every escape class, non-ASCII, numbers serde_json writes specially.
    fn value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "\\PC{0,40}|[\\x00-\\x1f\"\\\\\\x7fé€😀a]{0,40}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                proptest::collection::vec(("[a-z\"\\x01]{0,6}", inner), 0..4)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn json_line_matches_serde_json_byte_for_byte(
            target in "\\PC{0,30}|[\\x00-\\x1f\"\\\\]{0,10}",
            message in "\\PC{0,60}|[\\x00-\\x1f\"\\\\a]{0,60}",
            extra in proptest::collection::vec(("[a-z]{1,8}", value()), 0..4),
            with_error in proptest::prelude::any::<bool>(),
        ) {
            let mut c = Checks::new(SpecRevision::LATEST, Some(target.clone()));
            c.pass(&JWT_SIGNATURE_VALID, message.clone());
            c.violated(&JWT_EXP_VALID, message.clone());
            let mut r = Report::new("verify-token", target.clone(), SpecRevision::LATEST, false);
            r.checks = c.into_results();
            r.chain = Some(vec![ChainLink { link: "jwks", subject: target, ok: false, checks: r.checks.clone() }]);
            for (k, v) in extra {
                r.extra.insert(k, v);
            }
            if with_error {
                r.error = Some(ErrorInfo { kind: "timeout", message, url: Some("https://x/\"".into()) });
            }
            proptest::prop_assert_eq!(json_line(&r), json(&r).to_string());
        }
    }
}
