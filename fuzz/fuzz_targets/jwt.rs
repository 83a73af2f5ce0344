//! Any text as a token: decoding never panics, and a signed token's parts are slices of the input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mcp_auth::jwt::{SecretToken, Unverified, decode_unverified};

fuzz_target!(|data: &str| {
    match decode_unverified(data) {
        Unverified::Jws(p) => {
            assert!(data.starts_with(p.signing_input));
            assert!(data.ends_with(p.signature_b64));
            assert_eq!(p.signing_input.len() + 1 + p.signature_b64.len(), data.len());
        }
        Unverified::Opaque => assert!(!data.is_empty() && !data.contains('.')),
        Unverified::Jwe { .. } | Unverified::Malformed(_) => {}
    }
    // Whatever the token, what is shown of it is fixed text, its first 12 characters, its length and a hash.
    let t = SecretToken::new(data);
    assert_eq!(t.expose(), data.trim(), "surrounding whitespace is dropped, nothing else");
    assert_eq!(format!("{t:?}"), "SecretToken(redacted)");
    assert_eq!(t.to_string(), "(redacted token)");
    let d = t.describe();
    let prefix: String = t.expose().chars().take(12).collect();
    assert_eq!(d["prefix"], prefix.as_str());
    assert_eq!(d["length"], t.expose().len());
    let label = t.label();
    let tail = label.rsplit_once('…').expect("a label has an ellipsis").1;
    assert_eq!(tail, format!(" ({} chars, sha256:{})", t.expose().len(), &d["sha256"].as_str().unwrap()[..16]));
});
