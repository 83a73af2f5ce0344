//! Any bytes as a JWK Set: never panics; private material is never accepted.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(v) = mcp_auth::json::parse(text) else { return };
    if mcp_auth::rules::jwks::validate(&v).is_ok() {
        let keys = v["keys"].as_array().expect("validated sets have keys");
        assert!(keys.iter().filter_map(|k| k.as_object()).all(|k| !mcp_auth::rules::jwks::has_private_parts(k)));
    }
});
