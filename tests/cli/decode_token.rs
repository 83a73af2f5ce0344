//! `mcp-auth decode-token`: header and claims WITHOUT verification, said in words; JWE and opaque
//! tokens explained rather than reported as bad base64.

use crate::support::{cmd, run_human, run_json};
use crate::verify_token::{RESOURCE, b64, issuer};

fn decode(token: &str) -> assert_cmd::Command {
    let mut c = cmd();
    c.args(["decode-token", token]);
    c
}

#[test]
fn decode_token_shows_claims_labelled_unverified_with_the_verify_command() {
    let a = issuer();
    let token = a.mint(RESOURCE, "mcp:read", 300);
    let r = run_json(decode(&token), 0);
    assert_eq!(r.command, "decode-token");
    assert_eq!(r.unverified, Some(true));
    assert_eq!(r.claims.as_ref().unwrap()["scope"], "mcp:read");
    assert_eq!(r.header.as_ref().unwrap()["typ"], "at+jwt");
    let verify_with = r.verify_with.unwrap();
    assert!(
        verify_with.contains("mcp-auth verify-token") && verify_with.contains(a.issuer()),
        "{verify_with}"
    );
    let human = run_human(decode(&token), 0);
    for words in [
        "UNVERIFIED",
        "NOT checked",
        "mcp-auth verify-token",
        "Claims",
        "expires",
        "UTC",
    ] {
        assert!(human.contains(words), "{words}:\n{human}");
    }
    assert!(!human.contains(&token), "the token leaked:\n{human}");
}

#[test]
fn decode_token_reads_stdin() {
    let a = issuer();
    let mut c = decode("-");
    c.write_stdin(a.mint(RESOURCE, "mcp:read", 300));
    run_json(c, 0);
}

#[test]
fn decode_token_explains_jwe_and_opaque_tokens() {
    let jwe = format!(
        "{}.ZW5jcnlwdGVka2V5.aXY.Y2lwaGVydGV4dA.dGFn",
        b64(&serde_json::json!({"alg": "RSA-OAEP-256", "enc": "A256GCM"}))
    );
    let r = run_json(decode(&jwe), 0);
    assert_eq!(r.status("jwt-compact-jws"), "info");
    assert!(r.message("jwt-compact-jws").contains("encrypted token (JWE"));
    assert_eq!(r.header.as_ref().unwrap()["enc"], "A256GCM");
    let r = run_json(decode("2YotnFZFEjr1zCsicMWpAA"), 0);
    assert!(r.message("jwt-compact-jws").contains("opaque"));
    assert!(run_human(decode("2YotnFZFEjr1zCsicMWpAA"), 0).contains("introspect"));
}

#[test]
fn decode_token_fails_a_malformed_token_in_words() {
    let r = run_json(decode("abc.def"), 1);
    assert!(r.message("jwt-compact-jws").contains("stripped"));
    let mut c = cmd();
    c.arg("decode-token");
    assert!(run_human(c, 2).contains("MCP_AUTH_TOKEN"));
}
