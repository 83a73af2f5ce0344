//! The library operation on its own (no CLI): embedded servers on 127.0.0.1, tokens from the embedded issuer.

use super::batch::{self, BatchOptions, Detail};
use super::{Error, Keys, VerifyOptions, parse_algorithms, report};
use crate::http::HttpClient;
use crate::jwt::SecretToken;
use crate::server::auth::AuthServer;
use crate::server::mcp::McpServer;
use serde_json::Value;

const RESOURCE: &str = "https://mcp.example.com/mcp";

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn client() -> HttpClient {
    HttpClient::new(Default::default()).unwrap()
}

fn status<'r>(r: &'r crate::report::Report, id: &str) -> &'r str {
    r.checks
        .iter()
        .find(|c| c.id == id && c.status != crate::report::Status::Info)
        .map_or("missing", |c| c.status.as_str())
}

#[test]
fn keys_load_once_and_verify_many_tokens_into_full_reports() {
    let a = AuthServer::builder().start().unwrap();
    let opts = VerifyOptions::new(RESOURCE).issuer(a.issuer()).scope("mcp:read");
    let keys = block_on(Keys::load(&client(), &opts, None)).unwrap();
    let good = keys.verify(&SecretToken::new(a.mint(RESOURCE, "mcp:read", 300)));
    assert!(good.ok(), "{:#?}", good.checks);
    assert!(good.extra.contains_key("claims") && good.extra.contains_key("jwks_uri"));
    assert_eq!(good.sections.len(), 2, "header and claims tables");
    let other = keys.verify(&SecretToken::new(a.mint("https://other.example/mcp", "mcp:read", 300)));
    assert!(!other.ok());
    assert_eq!(status(&other, "jwt-aud-contains-resource"), "fail");
    let narrow = keys.verify(&SecretToken::new(a.mint(RESOURCE, "profile", 300)));
    assert!(!narrow.ok(), "the scope the options require is checked");
    assert_eq!(
        a.server.hits_on("/jwks"),
        1,
        "the key set is fetched once for every token"
    );
}

#[test]
fn without_issuer_the_resource_metadata_names_the_trusted_issuer() {
    let a = AuthServer::builder().start().unwrap();
    let m = McpServer::builder().protected_by(&a).start().unwrap();
    let token = SecretToken::new(a.mint(m.url(), "mcp:read", 300));
    let r = block_on(report(&client(), &VerifyOptions::new(m.url()), &token)).unwrap();
    assert!(r.ok(), "{:#?}", r.checks);
    let note = r
        .checks
        .iter()
        .find(|c| c.id == "jwt-iss-matches" && c.status == crate::report::Status::Info)
        .expect("the row saying which issuer was used");
    assert!(
        note.message.contains("listed in authorization_servers"),
        "{}",
        note.message
    );
}

#[test]
fn an_unreachable_issuer_is_the_reports_error_and_bad_options_are_errors() {
    let gone = {
        let a = AuthServer::builder().start().unwrap();
        a.issuer().to_owned()
    };
    let token = SecretToken::new("a.b.c");
    let opts = VerifyOptions::new(RESOURCE).issuer(gone.as_str());
    match block_on(Keys::load(&client(), &opts, Some(&token))) {
        Err(e @ Error::Unavailable(_)) => assert_eq!(e.exit_code().code(), 3),
        other => panic!("{:?}", other.err()),
    }
    let r = block_on(report(&client(), &opts, &token)).unwrap();
    assert_eq!(r.exit_code().code(), 3);
    assert!(r.error.is_some() && r.checks.is_empty());
    let bad = VerifyOptions::new("not a url").issuer(gone.as_str());
    let err = block_on(report(&client(), &bad, &token)).unwrap_err();
    assert!(matches!(err, Error::Usage(_)) && err.exit_code().code() == 2, "{err}");
    assert!(matches!(parse_algorithms(&["none".into()]), Err(Error::Usage(_))));
    assert_eq!(
        parse_algorithms(&["ES256".into()]).unwrap(),
        [jsonwebtoken::Algorithm::ES256]
    );
}

/// Runs a batch over `input` and returns its output lines and exit code.
fn run(keys: &Keys, input: &str, jobs: usize, detail: Detail) -> (Vec<String>, u8) {
    let mut out = Vec::new();
    let opts = BatchOptions {
        jobs: Some(jobs),
        detail,
    };
    let tally = batch::run(keys, input.as_bytes(), &mut out, &opts).unwrap();
    let text = String::from_utf8(out).unwrap();
    (text.lines().map(str::to_owned).collect(), tally.exit_code().code())
}

#[test]
fn batch_compact_lines_carry_the_fingerprint_the_issuer_and_only_what_did_not_pass() {
    let a = AuthServer::builder().start().unwrap();
    let opts = VerifyOptions::new(RESOURCE).issuer(a.issuer());
    let keys = block_on(Keys::load(&client(), &opts, None)).unwrap();
    let good = a.mint(RESOURCE, "mcp:read", 300);
    let input = format!("{good}\nnot a token\n\n{good}\n");
    let (lines, code) = run(&keys, &input, 1, Detail::Compact);
    assert_eq!(code, 1);
    assert_eq!(lines.len(), 3, "the blank line is skipped");
    let docs: Vec<Value> = lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(docs[0]["line"], 1);
    assert_eq!(docs[0]["ok"], true);
    assert_eq!(docs[0]["issuer"], a.issuer());
    assert_eq!(docs[0]["failed"], serde_json::json!([]));
    assert_eq!(docs[0]["token"]["sha256"], crate::jwt::fingerprint(&good));
    assert_eq!(docs[0]["token"]["prefix"], &good[..12]);
    assert!(!lines[0].contains(&good[20..]), "never the token itself");
    assert_eq!(docs[1]["ok"], false);
    let failed = docs[1]["failed"].as_array().unwrap();
    assert_eq!(failed[0]["id"], "jwt-compact-jws");
    assert_eq!(failed[0]["status"], "fail");
    assert!(failed[0].get("spec").is_none(), "citations are one `explain` away");
    assert_eq!(docs[2]["line"], 4);
    // Any number of threads gives the same lines in the same order.
    let many = format!("{good}\nnot a token\n").repeat(100);
    assert_eq!(
        run(&keys, &many, 2, Detail::Compact),
        run(&keys, &many, 1, Detail::Compact)
    );
}

#[test]
fn batch_full_lines_are_the_whole_report_document() {
    let a = AuthServer::builder().start().unwrap();
    let keys = block_on(Keys::load(
        &client(),
        &VerifyOptions::new(RESOURCE).issuer(a.issuer()),
        None,
    ))
    .unwrap();
    let good = a.mint(RESOURCE, "mcp:read", 300);
    let (lines, code) = run(&keys, &format!("{good}\n"), 1, Detail::Full);
    assert_eq!(code, 0);
    let mut expected = keys.report(&SecretToken::new(good.as_str()), false);
    expected.extra.insert("line".into(), Value::from(1));
    assert_eq!(lines, [crate::render::json(&expected).to_string()]);
}

#[test]
fn keys_from_a_key_set_in_hand_fetch_nothing_and_check_the_listed_issuers() {
    let a = AuthServer::builder().start().unwrap();
    let set = crate::jwt::KeySet::from_json(&serde_json::json!({"keys": [a.key.public_jwk]})).unwrap();
    let opts = VerifyOptions {
        leeway: 0,
        ..VerifyOptions::new(RESOURCE).issuer(a.issuer())
    };
    let listed = vec!["https://other.example".to_owned(), a.issuer().to_owned()];
    let keys = Keys::from_key_set(&opts, set, None, Some(listed));
    let good = keys.verify(&SecretToken::new(a.mint(RESOURCE, "mcp:read", 300)));
    assert!(good.ok(), "{:#?}", good.checks);
    assert_eq!(status(&good, "jwt-iss-is-resource-as"), "pass");
    assert!(a.server.hits().is_empty(), "the key set was in hand: nothing fetched");
    // The options' leeway holds: expired a second ago is expired with none.
    let mut claims = a.claims(RESOURCE, "mcp:read", 300);
    claims["exp"] = serde_json::json!(crate::time::now() - 1);
    let expired = keys.verify(&SecretToken::new(a.key.sign(&claims)));
    assert_eq!(status(&expired, "jwt-exp-valid"), "fail");
}

/// The batch hot path (header and claims read as borrowed objects, failures and warnings only) and the
/// full path (maps) record the same failures and warnings, with the same messages, for good, odd and
/// broken tokens; duplicate members are refused on both.
#[test]
fn terse_checks_match_the_full_path_for_odd_tokens() {
    use base64::Engine;
    use serde_json::json;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let a = AuthServer::builder().start().unwrap();
    let set = crate::jwt::KeySet::from_json(&json!({"keys": [a.key.public_jwk]})).unwrap();
    let listed = vec!["https://other.example".to_owned(), a.issuer().to_owned()];
    let keys = Keys::from_key_set(&VerifyOptions::new(RESOURCE).scope("mcp:read"), set, None, Some(listed));
    let good = a.claims(RESOURCE, "mcp:read", 300);
    let mut tokens = vec![
        a.mint(RESOURCE, "mcp:read", 300),
        a.mint("https://x.example", "y", 9000),
    ];
    for (claim, value) in [
        ("iss", json!(7)),
        ("iss", json!("https://other.example")),
        ("exp", json!("soon")),
        ("exp", json!(1e300)),
        ("aud", json!([RESOURCE, "b"])),
        ("aud", json!([])),
        ("scope", json!(["a"])),
        ("nonce", json!("n")),
        ("iat", Value::Null),
    ] {
        let mut claims = good.clone();
        claims[claim] = value;
        tokens.push(a.key.sign(&claims));
        tokens.push(a.key.sign_with_header(&claims, "JWT"));
    }
    let wide: serde_json::Map<String, Value> = (0..40).map(|i| (format!("c{i}"), json!(i))).collect();
    for (header, claims) in [
        (
            r#"{"alg":"ES256","kid":"k","jku":"https://evil","crit":["x"]}"#,
            r#"{"iss":1}"#,
        ),
        (r#"{"alg":"none"}"#, r#"{"sub":"u"}"#),
        (r#"{"alg":"ES256","alg":"RS256"}"#, r#"{"sub":"u"}"#),
        (r#"{"alg":"ES256"}"#, r#"{"exp":1,"e\u0078p":4000000000}"#),
        (r#"{"alg":"ES256"}"#, r#"{"x":{"k":1,"k":2}}"#),
        (r#"{"alg":"ES256"}"#, r#"[1]"#),
        (r#"{"alg":"ES256"}"#, &Value::Object(wide.clone()).to_string()),
    ] {
        tokens.push(format!("{}.{}.c2ln", b64(header), b64(claims)));
    }
    tokens.extend(["opaque".to_owned(), "a.b".to_owned(), "e30.e30.e30.e30.e30".to_owned()]);
    // One header cache across every token, as a batch worker keeps it: headers change from token to token.
    let mut headers = crate::jwt::HeaderCache::default();
    for token in &tokens {
        let shown = |checked: super::Checked<'_>| -> Vec<(&str, &str, &str, String)> {
            let (v, _) = checked.outcome.as_ref().unwrap();
            v.checks
                .iter()
                .filter(|c| matches!(c.status, crate::report::Status::Fail | crate::report::Status::Warn))
                .map(|c| (c.id, c.level.as_str(), c.status.as_str(), c.message.to_string()))
                .collect()
        };
        let terse = keys.check_terse(token, &mut headers);
        if let Some(sha256) = terse.outcome.as_ref().unwrap().0.sha256 {
            assert_eq!(
                sha256,
                crate::jwt::sha256(token),
                "the hash continued over the signature"
            );
        }
        assert_eq!(shown(terse), shown(keys.check(token, false)), "{token}");
    }
    let signed = keys.check(&tokens[0], true);
    assert!(
        signed.outcome.unwrap().0.sha256.is_some(),
        "ES256: the fingerprint comes with the signature"
    );
    let duplicate = format!("{}.{}.c2ln", b64(r#"{"alg":"ES256"}"#), b64(r#"{"iss":"a","iss":"b"}"#));
    let checked = keys.check(&duplicate, true);
    let (v, _) = checked.outcome.as_ref().unwrap();
    assert!(v.checks[0].message.contains("duplicate member"), "{:?}", v.checks);
}
