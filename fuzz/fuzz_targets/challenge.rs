//! Any text as a `WWW-Authenticate` value: never panics; a value parsed without error re-parses the same.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mcp_auth::challenge::{parse, parse_all};

fuzz_target!(|data: &str| {
    let (challenges, error) = parse(data);
    for c in &challenges {
        assert!(!c.scheme.is_empty());
        let _ = c.duplicates();
    }
    if error.is_none() {
        // Splitting the same value over two headers reads the same challenges.
        let all = parse_all(&[data, data]);
        assert_eq!(all.challenges.len(), 2 * challenges.len());
        assert!(all.errors.is_empty());
    }
});
