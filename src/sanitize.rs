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
}
