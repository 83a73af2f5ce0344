//! `mcp-auth verify-token` against an embedded authorization server (ES256 key from `AuthServer`, plus the
//! TEST-ONLY RS256 key under tests/fixtures/keys/). Each attack of the issue has its own test asserting the
//! exit code, the failing check id in `--json`, and the human message.

use crate::support::{Report, cmd, run_human, run_json};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::{Algorithm, EncodingKey};
use mcp_auth::server::auth::{AuthServer, Flaw, SigningKey, negate_s, now};
use mcp_auth::server::mcp::{McpFlaw, McpServer};
use serde_json::{Value, json};
use std::io::Write;

pub const RESOURCE: &str = "https://mcp.example.com/mcp";
const RSA_PEM: &[u8] = include_bytes!("../fixtures/keys/TEST-ONLY-rsa.pem");
const RSA_PUB_PEM: &[u8] = include_bytes!("../fixtures/keys/TEST-ONLY-rsa.pub.pem");
const ATTACKER_PEM: &[u8] = include_bytes!("../fixtures/keys/TEST-ONLY-rsa-attacker.pem");

pub fn b64(v: &Value) -> String {
    B64.encode(v.to_string())
}

/// A compact JWS with exactly this header, signed with `key` as `alg`.
pub fn forge(header: Value, claims: &Value, key: &EncodingKey, alg: Algorithm) -> String {
    let msg = format!("{}.{}", b64(&header), b64(claims));
    let sig = jsonwebtoken::crypto::sign(msg.as_bytes(), key, alg).expect("test signing");
    // Careful signers emit low-S ECDSA signatures; a high one is reported (see the high-S test).
    mcp_auth::server::auth::low_s(&format!("{msg}.{sig}"))
}

pub fn rsa_key() -> EncodingKey {
    EncodingKey::from_rsa_pem(RSA_PEM).unwrap()
}

/// The public JWK of a PEM RSA key, as an issuer would publish it.
pub fn rsa_jwk(pem: &[u8], kid: &str) -> Value {
    let key = EncodingKey::from_rsa_pem(pem).unwrap();
    let jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(&key, Algorithm::RS256).unwrap();
    let mut v = serde_json::to_value(jwk).unwrap();
    v["kid"] = json!(kid);
    v["use"] = json!("sig");
    v["alg"] = json!("RS256");
    v
}

/// An issuer that publishes its ES256 key (`demo-key-1`) and the TEST-ONLY RS256 key (`rsa-1`).
pub fn issuer() -> AuthServer {
    AuthServer::builder()
        .extra_jwk(rsa_jwk(RSA_PEM, "rsa-1"))
        .start()
        .unwrap()
}

fn es_header(a: &AuthServer) -> Value {
    json!({"alg": "ES256", "typ": "at+jwt", "kid": a.key.kid})
}

fn rs_header() -> Value {
    json!({"alg": "RS256", "typ": "at+jwt", "kid": "rsa-1"})
}

pub fn claims(a: &AuthServer) -> Value {
    a.claims(RESOURCE, "mcp:read mcp:write", 300)
}

fn verify(a: &AuthServer, token: &str) -> assert_cmd::Command {
    let mut c = cmd();
    c.args(["verify-token", token, "--resource", RESOURCE, "--issuer", a.issuer()]);
    c
}

/// Asserts exit 1, a failed `id` whose JSON message contains `json_words`, and the same in human output.
fn rejected(mut c: impl FnMut() -> assert_cmd::Command, id: &str, words: &str) -> Report {
    let r = run_json(c(), 1);
    assert!(!r.ok);
    assert_eq!(r.status(id), "fail", "{id}: {:#?}", r.checks);
    let msg = r.message(id);
    assert!(msg.contains(words), "{id}: {msg}");
    let human = run_human(c(), 1);
    assert!(human.contains(&format!("✗ {id} [")), "{human}");
    assert!(human.contains(words), "human output lacks \"{words}\":\n{human}");
    r
}

#[test]
fn verify_token_accepts_a_valid_es256_token_and_shows_tables() {
    let a = issuer();
    let token = a.mint(RESOURCE, "mcp:read mcp:write", 300);
    let r = run_json(verify(&a, &token), 0);
    assert!(r.ok, "{:#?}", r.checks);
    assert_eq!(r.command, "verify-token");
    for id in [
        "jwt-compact-jws",
        "jwt-alg-not-none",
        "jwt-alg-allowlisted",
        "jwt-alg-key-consistent",
        "jwt-no-untrusted-key-headers",
        "jwt-typ-at-jwt",
        "jwt-kid-in-issuer-jwks",
        "jwt-signature-valid",
        "jwt-iss-matches",
        "jwt-aud-present",
        "jwt-aud-contains-resource",
        "jwt-exp-valid",
        "jwt-nbf-valid",
        "jwt-iat-present",
        "jwt-profile-claims",
        "jwt-scope-sufficient",
        "jwt-short-lived",
        "jwt-not-id-token",
    ] {
        assert_eq!(r.status(id), "pass", "{id}");
    }
    assert_eq!(r.status("jwt-iss-is-resource-as"), "skip");
    assert_eq!(r.header.as_ref().unwrap()["alg"], "ES256");
    assert_eq!(r.claims.as_ref().unwrap()["aud"], RESOURCE);
    let t = r.token.as_ref().unwrap();
    assert_eq!(t["prefix"].as_str().unwrap(), &token[..12]);
    assert_eq!(t["sha256"].as_str().unwrap().len(), 64);
    let human = run_human(verify(&a, &token), 0);
    assert!(human.starts_with("✓ token valid for this resource"), "{human}");
    let human = run_human(
        {
            let mut c = verify(&a, &token);
            c.arg("-v");
            c
        },
        0,
    );
    for words in ["Header", "Claims", "expires", "UTC", "lifetime 5 min", "PASS"] {
        assert!(human.contains(words), "{words}:\n{human}");
    }
    let signature = token.rsplit('.').next().unwrap();
    assert!(
        !human.contains(&token) && !human.contains(signature),
        "the token leaked:\n{human}"
    );
}

#[test]
fn verify_token_accepts_rs256_and_offline_jwks_file() {
    let a = issuer();
    let token = forge(rs_header(), &claims(&a), &rsa_key(), Algorithm::RS256);
    let r = run_json(verify(&a, &token), 0);
    assert!(r.message("jwt-signature-valid").contains("RS256"));
    let mut file = tempfile::NamedTempFile::new().unwrap();
    write!(file, "{}", json!({"keys": [rsa_jwk(RSA_PEM, "rsa-1")]})).unwrap();
    let mut c = cmd();
    c.args(["verify-token", &token, "--resource", RESOURCE, "--jwks"])
        .arg(file.path());
    let r = run_json(c, 0);
    // --jwks without --issuer: nothing ties the token to an issuer, and the report says so in a row.
    assert_eq!(r.status("jwt-iss-matches"), "warn", "no --issuer: iss not compared");
    assert!(
        r.message("jwt-iss-matches").contains("iss was NOT checked"),
        "{}",
        r.message("jwt-iss-matches")
    );
    // --algorithm pins the allow-list
    let mut c = cmd();
    c.args([
        "verify-token",
        &token,
        "--resource",
        RESOURCE,
        "--algorithm",
        "ES256",
        "--jwks",
    ])
    .arg(file.path());
    let r = run_json(c, 1);
    assert!(r.message("jwt-alg-allowlisted").contains("allowed: ES256"));
}

/// RFC 8725 §3.1: a JWK without `alg` verifies one algorithm only: RS256 for an RSA key unless `--algorithm`
/// names another. Before, the same key accepted both RS256 and PS256 tokens.
#[test]
fn verify_token_pins_a_key_without_alg_to_one_algorithm() {
    let mut jwk = rsa_jwk(RSA_PEM, "bare");
    jwk.as_object_mut().unwrap().remove("alg");
    let a = AuthServer::builder().extra_jwk(jwk).start().unwrap();
    let header = |alg: &str| json!({"alg": alg, "typ": "at+jwt", "kid": "bare"});
    let ps = forge(header("PS256"), &claims(&a), &rsa_key(), Algorithm::PS256);
    let r = rejected(|| verify(&a, &ps), "jwt-alg-key-consistent", "pinned to RS256");
    assert!(r.message("jwt-alg-key-consistent").contains("--algorithm PS256"));
    let rs = forge(header("RS256"), &claims(&a), &rsa_key(), Algorithm::RS256);
    let r = run_json(verify(&a, &rs), 0);
    assert!(
        r.message("jwt-alg-key-consistent").contains("pinned to RS256"),
        "{:#?}",
        r.checks
    );
    // --algorithm PS256 pins it to PS256 instead: the PS256 token verifies, the RS256 one is not allowed.
    let with_ps = || {
        let mut c = verify(&a, &ps);
        c.args(["--algorithm", "PS256"]);
        c
    };
    let r = run_json(with_ps(), 0);
    assert_eq!(r.status("jwt-signature-valid"), "pass");
    assert!(
        r.message("jwt-alg-key-consistent")
            .contains("pinned to PS256 (the one --algorithm given)")
    );
}

/// ECDSA signatures are malleable: (r, n - s) verifies as well as (r, s). A high-S signature is accepted
/// (it is valid) with a warning; its low-S twin passes.
#[test]
fn verify_token_warns_about_a_high_s_es256_signature() {
    let a = issuer();
    let token = a.mint(RESOURCE, "mcp:read mcp:write", 300);
    let (msg, sig) = token.rsplit_once('.').unwrap();
    let sig = B64.decode(sig).unwrap();
    // The embedded issuer signs low-S; its twin (r, n - s) is the high one, and verifies too.
    let high = [&sig[..32], &negate_s(&sig[32..])].concat();
    assert!(high[32..] > sig[32..]);
    let low = sig;
    let with = |s: &[u8]| format!("{msg}.{}", B64.encode(s));
    let r = run_json(verify(&a, &with(&low)), 0);
    assert_eq!(r.status("jwt-signature-valid"), "pass");
    let r = run_json(verify(&a, &with(&high)), 0);
    assert_eq!(r.status("jwt-signature-valid"), "warn", "{:#?}", r.checks);
    assert!(
        r.message("jwt-signature-valid").contains("malleable"),
        "{}",
        r.message("jwt-signature-valid")
    );
}

#[test]
fn verify_token_rejects_alg_none_in_any_case() {
    let a = issuer();
    for alg in ["none", "NONE", "nOnE"] {
        let token = format!("{}.{}.", b64(&json!({"alg": alg, "typ": "at+jwt"})), b64(&claims(&a)));
        rejected(|| verify(&a, &token), "jwt-alg-not-none", "unsigned token");
    }
}

#[test]
fn verify_token_rejects_hs256_signed_with_the_public_key() {
    let a = issuer();
    let secret = EncodingKey::from_secret(RSA_PUB_PEM);
    let token = forge(
        json!({"alg": "HS256", "typ": "at+jwt", "kid": "rsa-1"}),
        &claims(&a),
        &secret,
        Algorithm::HS256,
    );
    rejected(|| verify(&a, &token), "jwt-alg-allowlisted", "key-confusion");
    // Even when the caller allows HS256, a public JWKS key never becomes an HMAC secret.
    rejected(
        || {
            let mut c = verify(&a, &token);
            c.args(["--algorithm", "HS256", "--algorithm", "RS256"]);
            c
        },
        "jwt-alg-key-consistent",
        "key confusion",
    );
}

#[test]
fn verify_token_rejects_an_unknown_kid() {
    let a = issuer();
    let token = forge(
        json!({"alg": "RS256", "typ": "at+jwt", "kid": "rotated-away"}),
        &claims(&a),
        &rsa_key(),
        Algorithm::RS256,
    );
    rejected(
        || verify(&a, &token),
        "jwt-kid-in-issuer-jwks",
        "is not in the issuer's JWKS",
    );
}

#[test]
fn verify_token_uses_a_hostile_kid_only_as_a_lookup_string() {
    let a = issuer();
    for kid in [
        "../../../../../../dev/null",
        "x' UNION SELECT 'secret' --",
        "rsa-1\u{1b}[31m",
    ] {
        let token = forge(
            json!({"alg": "HS256", "typ": "at+jwt", "kid": kid}),
            &claims(&a),
            &EncodingKey::from_secret(b""),
            Algorithm::HS256,
        );
        // HS256 is refused first; allow it to reach the key lookup.
        let r = rejected(
            || {
                let mut c = verify(&a, &token);
                c.args(["--algorithm", "HS256"]);
                c
            },
            "jwt-kid-in-issuer-jwks",
            "is not in the issuer's JWKS",
        );
        assert!(
            !r.message("jwt-kid-in-issuer-jwks").contains('\u{1b}'),
            "escape not sanitised"
        );
    }
}

#[test]
fn verify_token_ignores_jku_x5u_jwk_and_x5c_headers() {
    let a = issuer();
    let evil = AuthServer::builder().start().unwrap();
    let attacker = SigningKey::generate(&a.key.kid);
    let header = json!({
        "alg": "ES256", "typ": "at+jwt", "kid": a.key.kid,
        "jku": evil.server.url("/jwks"), "x5u": evil.server.url("/cert.pem"),
        "jwk": attacker.public_jwk, "x5c": ["MIIBszCCAVmgAwIBAgIU"],
    });
    let token = forge(header, &claims(&a), &attacker.encoding_key(), Algorithm::ES256);
    let r = rejected(|| verify(&a, &token), "jwt-signature-valid", "does not verify");
    assert_eq!(r.status("jwt-no-untrusted-key-headers"), "warn");
    assert!(r.message("jwt-no-untrusted-key-headers").contains("jku, x5u, jwk, x5c"));
    assert!(evil.server.hits().is_empty(), "the verifier followed a header URL");
}

/// RFC 7515 §4.1.11: a `crit` the verifier does not understand makes the JWS invalid, even with a good signature;
/// a malformed `crit` too.
#[test]
fn verify_token_rejects_any_crit_header() {
    let a = issuer();
    for (crit, words) in [
        (json!(["urn:x:must-understand"]), "\"urn:x:must-understand\""),
        (json!("x"), "a string, not an array"),
        (json!(["b64"]), "\"b64\""),
        (json!([]), "empty array"),
    ] {
        let mut header = es_header(&a);
        header["crit"] = crit.clone();
        if crit == json!(["b64"]) {
            header["b64"] = json!(false);
        }
        let token = forge(header, &claims(&a), &a.key.encoding_key(), Algorithm::ES256);
        let r = rejected(|| verify(&a, &token), "jwt-crit-understood", words);
        assert_eq!(r.status("jwt-signature-valid"), "pass", "{crit}");
    }
}

#[test]
fn verify_token_rejects_a_tampered_payload() {
    let a = issuer();
    let token = a.mint(RESOURCE, "mcp:read", 300);
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[1] = b64(&claims(&a).as_object().cloned().map_or(json!({}), |mut c| {
        c.insert("scope".into(), json!("mcp:read mcp:admin"));
        Value::Object(c)
    }));
    let tampered = parts.join(".");
    rejected(|| verify(&a, &tampered), "jwt-signature-valid", "altered after signing");
}

#[test]
fn verify_token_rejects_a_stripped_signature() {
    let a = issuer();
    let token = a.mint(RESOURCE, "mcp:read", 300);
    let stripped = token.rsplit_once('.').unwrap().0.to_owned();
    rejected(|| verify(&a, &stripped), "jwt-compact-jws", "stripped");
}

#[test]
fn verify_token_rejects_an_empty_signature() {
    let a = issuer();
    let token = a.mint(RESOURCE, "mcp:read", 300);
    let empty = format!("{}.", token.rsplit_once('.').unwrap().0);
    rejected(
        || verify(&a, &empty),
        "jwt-signature-valid",
        "signature segment is empty",
    );
}

#[test]
fn verify_token_rejects_the_psychic_signature() {
    let a = issuer();
    let psychic = format!("{}.{}.{}", b64(&es_header(&a)), b64(&claims(&a)), B64.encode([0u8; 64]));
    rejected(|| verify(&a, &psychic), "jwt-signature-valid", "CVE-2022-21449");
}

#[test]
fn verify_token_rejects_a_valid_signature_by_a_key_the_issuer_does_not_publish() {
    let a = issuer();
    let attacker = EncodingKey::from_rsa_pem(ATTACKER_PEM).unwrap();
    let token = forge(rs_header(), &claims(&a), &attacker, Algorithm::RS256);
    rejected(|| verify(&a, &token), "jwt-signature-valid", "not the issuer's");
}

#[test]
fn verify_token_rejects_an_expired_token() {
    let a = issuer();
    let mut c = claims(&a);
    c["iat"] = json!(now() - 7200);
    c["exp"] = json!(now() - 3600);
    let token = a.key.sign(&c);
    rejected(|| verify(&a, &token), "jwt-exp-valid", "expired");
}

#[test]
fn verify_token_rejects_a_token_that_is_not_yet_valid() {
    let a = issuer();
    let mut c = claims(&a);
    c["nbf"] = json!(now() + 3600);
    let token = a.key.sign(&c);
    rejected(|| verify(&a, &token), "jwt-nbf-valid", "not valid yet");
}

#[test]
fn verify_token_rejects_the_wrong_issuer() {
    let a = issuer();
    let mut c = claims(&a);
    c["iss"] = json!(format!("{}/", a.issuer()));
    let token = a.key.sign(&c);
    rejected(|| verify(&a, &token), "jwt-iss-matches", "trailing slash");
}

#[test]
fn verify_token_rejects_the_wrong_audience_and_explains_near_misses() {
    let a = issuer();
    for (aud, words) in [
        ("https://other.example.com/mcp", "does not contain the resource"),
        ("https://mcp.example.com/mcp/", "trailing slash"),
        ("https://mcp.example.com", "origin"),
        ("demo-client", "client id"),
    ] {
        let token = a.mint(aud, "mcp:read", 300);
        rejected(|| verify(&a, &token), "jwt-aud-contains-resource", words);
    }
    // --audience overrides the resource
    let token = a.mint("api://mcp", "mcp:read", 300);
    let mut c = verify(&a, &token);
    c.args(["--audience", "api://mcp"]);
    run_json(c, 0);
}

#[test]
fn verify_token_rejects_a_token_without_exp() {
    let a = issuer();
    let mut c = claims(&a);
    c.as_object_mut().unwrap().remove("exp");
    let token = a.key.sign(&c);
    rejected(|| verify(&a, &token), "jwt-exp-valid", "never expires");
}

#[test]
fn verify_token_rejects_a_token_without_aud() {
    let a = issuer();
    let mut c = claims(&a);
    c.as_object_mut().unwrap().remove("aud");
    let token = a.key.sign(&c);
    rejected(|| verify(&a, &token), "jwt-aud-present", "no aud claim");
}

#[test]
fn verify_token_rejects_insufficient_scope() {
    let a = issuer();
    let token = a.mint(RESOURCE, "mcp:read", 300);
    rejected(
        || {
            let mut c = verify(&a, &token);
            c.args(["--scope", "mcp:read", "--scope", "mcp:admin"]);
            c
        },
        "jwt-scope-sufficient",
        "missing scope(s) mcp:admin",
    );
}

#[test]
fn verify_token_refuses_a_jwks_key_whose_use_is_enc() {
    let mut enc = rsa_jwk(RSA_PEM, "rsa-1");
    enc["use"] = json!("enc");
    let a = AuthServer::builder().jwks(json!({"keys": [enc]})).start().unwrap();
    let token = forge(rs_header(), &claims(&a), &rsa_key(), Algorithm::RS256);
    rejected(|| verify(&a, &token), "jwt-alg-key-consistent", "use \"enc\"");
}

#[test]
fn verify_token_refuses_a_jwks_with_private_key_material() {
    let a = AuthServer::builder().flaw(Flaw::JwksPrivateKey).start().unwrap();
    let token = a.mint(RESOURCE, "mcp:read", 300);
    rejected(|| verify(&a, &token), "jwt-kid-in-issuer-jwks", "private key material");
}

#[test]
fn verify_token_profile_rfc9068_makes_typ_and_profile_claims_must() {
    let a = issuer();
    let mut c = claims(&a);
    c.as_object_mut().unwrap().remove("jti");
    let token = a.key.sign_with_header(&c, "JWT");
    let r = run_json(verify(&a, &token), 0);
    assert_eq!(
        (r.level("jwt-typ-at-jwt").as_str(), r.status("jwt-typ-at-jwt").as_str()),
        ("should", "warn")
    );
    assert_eq!(r.status("jwt-profile-claims"), "warn");
    let mut strict = verify(&a, &token);
    strict.arg("--strict");
    run_json(strict, 1);
    let r = rejected(
        || {
            let mut c = verify(&a, &token);
            c.args(["--profile", "rfc9068"]);
            c
        },
        "jwt-typ-at-jwt",
        "typ is \"JWT\"",
    );
    assert_eq!(r.level("jwt-typ-at-jwt"), "must");
    assert_eq!(
        (
            r.level("jwt-profile-claims").as_str(),
            r.status("jwt-profile-claims").as_str()
        ),
        ("must", "fail")
    );
    assert!(r.message("jwt-profile-claims").contains("jti is missing"));
}

#[test]
fn verify_token_hints_at_id_tokens() {
    let a = issuer();
    let mut c = claims(&a);
    c["aud"] = json!("demo-client");
    c["nonce"] = json!("n-0S6_WzA2Mj");
    let token = a.key.sign_with_header(&c, "JWT");
    let r = run_json(verify(&a, &token), 1);
    assert_eq!(r.status("jwt-not-id-token"), "info");
    assert!(
        r.message("jwt-not-id-token")
            .contains("looks like an OpenID Connect ID token")
    );
}

#[test]
fn verify_token_reads_stdin_and_the_environment() {
    let a = issuer();
    let token = a.mint(RESOURCE, "mcp:read", 300);
    let mut c = verify(&a, "-");
    c.write_stdin(format!("{token}\n"));
    run_json(c, 0);
    let mut c = cmd();
    c.env("MCP_AUTH_TOKEN", &token)
        .args(["verify-token", "--resource", RESOURCE, "--issuer", a.issuer()]);
    run_json(c, 0);
}

/// `verify-token TOKEN --resource URL`, no `--issuer`/`--jwks`: the issuer comes from the resource's metadata.
fn verify_by_resource(token: &str, resource: &str) -> assert_cmd::Command {
    let mut c = cmd();
    c.args(["verify-token", token, "--resource", resource]);
    c
}

#[test]
fn verify_token_without_issuer_trusts_iss_only_when_the_resource_metadata_lists_it() {
    let a = issuer();
    let m = McpServer::builder().protected_by(&a).start().unwrap();
    let token = a.mint(m.url(), "mcp:read", 300);
    let r = run_json(verify_by_resource(&token, m.url()), 0);
    assert!(r.ok, "{:#?}", r.checks);
    for id in ["jwt-iss-is-resource-as", "jwt-iss-matches", "jwt-signature-valid"] {
        assert_eq!(r.status(id), "pass", "{id}: {}", r.message(id));
    }
    assert!(
        r.checks
            .iter()
            .any(|c| c.id == "jwt-iss-matches" && c.status == "info" && c.message.contains("listed")),
        "{:#?}",
        r.checks
    );
    // A token from an authorization server the resource does not list: rejected, naming the listed ones.
    let other = issuer();
    let foreign = other.mint(m.url(), "mcp:read", 300);
    let r = run_json(verify_by_resource(&foreign, m.url()), 1);
    assert_eq!(r.status("jwt-iss-is-resource-as"), "fail");
    assert!(
        r.message("jwt-iss-is-resource-as")
            .contains("not one of the resource's authorization_servers")
    );
    let human = run_human(verify_by_resource(&foreign, m.url()), 1);
    assert!(human.contains("✗ jwt-iss-is-resource-as ["), "{human}");
    assert!(r.message("jwt-iss-is-resource-as").contains(a.issuer()));
    // Its keys are never fetched: the unverified iss chose nothing.
    assert!(
        !other.server.hits().iter().any(|h| h.path.contains("jwks")),
        "the unlisted issuer was asked"
    );
}

#[test]
fn verify_token_without_issuer_exits_3_when_the_resource_metadata_cannot_be_fetched() {
    let a = issuer();
    let token = a.mint(RESOURCE, "mcp:read", 300);
    // Unreachable, and reachable without metadata (the authorization server serves none).
    for resource in ["http://127.0.0.1:9/mcp".to_owned(), format!("{}/mcp", a.issuer())] {
        let r = run_json(verify_by_resource(&token, &resource), 3);
        let err = r.error.unwrap();
        assert_eq!(err.kind, "no-resource-metadata");
        assert!(
            err.message.contains("--issuer") && err.message.contains("--jwks"),
            "{}",
            err.message
        );
        assert!(!err.message.contains(&token));
    }
    // Metadata that lists no authorization server gives no issuer either.
    let m = McpServer::builder()
        .protected_by(&a)
        .flaw(McpFlaw::NoAuthorizationServers)
        .start()
        .unwrap();
    let r = run_json(verify_by_resource(&token, m.url()), 3);
    let err = r.error.unwrap();
    assert_eq!(err.kind, "no-authorization-servers");
    assert!(err.message.contains("--issuer"), "{}", err.message);
}

/// Runs a `--batch` command with `--batch-detail full`, checks the exit code, and parses every stdout line
/// as a contract document.
fn run_batch(mut c: assert_cmd::Command, expected_exit: i32) -> Vec<Report> {
    let out = c.args(["--batch-detail", "full"]).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(expected_exit),
        "stdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .map(|l| {
            let value: Value = serde_json::from_str(l).expect("one JSON document per line");
            crate::support::schema::assert_valid(&value);
            serde_json::from_value(value).expect("one contract document per line")
        })
        .collect()
}

/// The `jwt-iss-matches` info row: which issuer the token was verified against.
fn issuer_note(r: &Report) -> &str {
    r.checks
        .iter()
        .find(|c| c.id == "jwt-iss-matches" && c.status == "info")
        .map(|c| c.message.as_str())
        .unwrap_or_else(|| panic!("no issuer note: {:#?}", r.checks))
}

/// A resource listing two authorization servers: each token is verified against the one its iss names,
/// each server's keys are fetched once, and a token from an unlisted issuer still fails.
#[test]
fn verify_token_batch_without_issuer_verifies_each_token_against_the_listed_server_it_names() {
    let (a, b) = (issuer(), issuer());
    let m = McpServer::builder().protected_by(&a).protected_by(&b).start().unwrap();
    let other = issuer();
    let lines = format!(
        "{}\n{}\n{}\n{}\ngarbage\n",
        a.mint(m.url(), "mcp:read", 300),
        b.mint(m.url(), "mcp:read", 300),
        other.mint(m.url(), "mcp:read", 300),
        b.mint(m.url(), "mcp:read", 300),
    );
    for jobs in ["1", "3"] {
        let mut c = cmd();
        c.args(["verify-token", "--batch", "--jobs", jobs, "--resource", m.url()])
            .write_stdin(lines.clone());
        let results = run_batch(c, 1);
        assert_eq!(
            results.iter().map(|r| r.ok).collect::<Vec<_>>(),
            [true, true, false, true, false],
            "{results:#?}"
        );
        for (r, server) in [(&results[0], &a), (&results[1], &b), (&results[3], &b)] {
            assert_eq!(r.status("jwt-iss-is-resource-as"), "pass");
            assert_eq!(r.status("jwt-signature-valid"), "pass");
            let note = issuer_note(r);
            assert!(note.contains("listed") && note.contains(server.issuer()), "{note}");
        }
        assert_eq!(results[2].status("jwt-iss-is-resource-as"), "fail");
        let note = issuer_note(&results[2]);
        assert!(note.contains("first") && note.contains(a.issuer()), "{note}");
        assert_eq!(results[4].status("jwt-compact-jws"), "fail");
    }
    for server in [&a, &b] {
        assert_eq!(
            server.server.hits_on("/jwks"),
            2,
            "the JWKS is fetched once per run (two runs)"
        );
    }
    assert!(
        !other.server.hits().iter().any(|h| h.path.contains("jwks")),
        "the unlisted issuer was asked"
    );
}

/// One listed server is down: its tokens get a line saying so, the other server's tokens still verify, and
/// the exit code is 1 (something is not valid); 3 only when no token at all could be verified.
#[test]
fn verify_token_batch_without_issuer_reports_a_listed_server_that_is_down_per_token() {
    let a = issuer();
    let down = "http://127.0.0.1:9";
    let m = McpServer::builder()
        .protected_by(&a)
        .authorization_server(down)
        .start()
        .unwrap();
    let mut from_down = claims(&a);
    from_down["iss"] = json!(down);
    from_down["aud"] = json!(m.url());
    let from_down = a.key.sign(&from_down);
    let good = a.mint(m.url(), "mcp:read", 300);
    let mut c = cmd();
    c.args(["verify-token", "--batch", "--resource", m.url()])
        .write_stdin(format!("{good}\n{from_down}\n{good}\n"));
    let results = run_batch(c, 1);
    assert_eq!(
        results.iter().map(|r| r.ok).collect::<Vec<_>>(),
        [true, false, true],
        "{results:#?}"
    );
    let err = results[1]
        .error
        .as_ref()
        .expect("the unreachable server is the line's error");
    assert_eq!(err.kind, "connect", "{err:?}");
    assert!(
        err.message.contains("not verified") && err.message.contains("127.0.0.1:9"),
        "{}",
        err.message
    );
    assert!(issuer_note(&results[1]).contains(down));
    assert_eq!(results[1].line, Some(2));
    assert!(results[0].error.is_none() && results[2].error.is_none());
    // Only tokens for the server that is down: nothing could be verified, exit 3, still one line each.
    let mut c = cmd();
    c.args(["verify-token", "--batch", "--resource", m.url()])
        .write_stdin(format!("{from_down}\n{from_down}\n"));
    let results = run_batch(c, 3);
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| !r.ok && r.error.is_some()));
    // Every listed server down: one error document before stdin is read, exit 3, as before.
    let m = McpServer::builder()
        .authorization_server(down)
        .authorization_server("http://127.0.0.1:9/other")
        .start()
        .unwrap();
    let mut c = cmd();
    c.args(["verify-token", "--batch", "--resource", m.url()])
        .write_stdin(format!("{good}\n"));
    let results = run_batch(c, 3);
    assert_eq!(results.len(), 1);
    assert!(results[0].error.is_some() && results[0].line.is_none());
}

/// Several chunks of lines, verified on one thread and on several: the results come back in input
/// order, with their line numbers, and the same verdicts either way.
#[test]
fn verify_token_batch_keeps_input_order_on_any_number_of_threads() {
    let a = issuer();
    let good = a.mint(RESOURCE, "mcp:read", 300);
    let mut expired = claims(&a);
    expired["exp"] = json!(now() - 3600);
    let expired = a.key.sign(&expired);
    // 300 tokens (several 64-line chunks): every 7th is expired, every 11th is garbage.
    let input: String = (1..=300)
        .map(|i| match (i % 7, i % 11) {
            (_, 0) => "garbage\n".to_owned(),
            (0, _) => format!("{expired}\n"),
            _ => format!("{good}\n"),
        })
        .collect();
    for jobs in ["1", "3"] {
        let mut c = cmd();
        c.args([
            "verify-token",
            "--batch",
            "--jobs",
            jobs,
            "--resource",
            RESOURCE,
            "--issuer",
            a.issuer(),
        ])
        .write_stdin(input.clone());
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "--jobs {jobs}");
        let lines: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).expect("one compact JSON line per token"))
            .collect();
        assert_eq!(lines.len(), 300, "--jobs {jobs}");
        for (i, r) in (1..=300).zip(&lines) {
            assert_eq!(r["line"], i, "--jobs {jobs}: out of order");
            assert_eq!(r["ok"], i % 7 != 0 && i % 11 != 0, "--jobs {jobs}, line {i}");
        }
    }
    let mut c = cmd();
    c.args(["verify-token", "--jobs", "2", "x", "--resource", RESOURCE]);
    assert!(
        run_human(c, 2).contains("--batch"),
        "--jobs without --batch is a usage error"
    );
}

/// A consumer that stops reading (`| head -1`) ends the run instead of leaving it blocked on a full
/// queue: the process exits by itself while most of its input is still unread, quietly (exit 0, as
/// Unix tools do on a closed pipe) and without a panic.
#[test]
fn verify_token_batch_stops_when_stdout_is_closed() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    let a = issuer();
    let good = a.mint(RESOURCE, "mcp:read", 300);
    for jobs in ["1", "2"] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("mcp-auth"))
            .args([
                "verify-token",
                "--batch",
                "--jobs",
                jobs,
                "--resource",
                RESOURCE,
                "--issuer",
                a.issuer(),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let good = good.clone();
        let feeder = std::thread::spawn(move || {
            // Far more than the pipes and the queue hold; stops when the process is gone.
            for _ in 0..200_000 {
                if writeln!(stdin, "{good}").is_err() {
                    return;
                }
            }
        });
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(first.contains("\"ok\":true"), "{first}");
        // The read end is dropped here; the process must notice and exit.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("--jobs {jobs}: still running a minute after stdout closed");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert_eq!(status.code(), Some(0), "--jobs {jobs}: {stderr}");
        assert!(!stderr.contains("panicked"), "--jobs {jobs}: {stderr}");
        feeder.join().unwrap();
    }
}

/// A PRM listing 40 authorization servers: `--batch` fetches 16 and says so on stderr.
#[test]
fn verify_token_batch_fetches_a_bounded_number_of_listed_servers() {
    let a = issuer();
    let m = crate::support::mcp_listing_forty_servers(&a);
    let mut c = cmd();
    c.args(["verify-token", "--batch", "--resource", m.url()])
        .write_stdin(format!("{}\n", a.mint(m.url(), "mcp:read", 300)));
    let out = c.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("lists 40 servers"), "{stderr}");
    assert_eq!(
        crate::support::extra_servers_fetched(&a),
        15,
        "the listed server and 15 more"
    );
}

#[test]
fn verify_token_usage_errors() {
    let mut c = cmd();
    c.args(["verify-token", "e30.e30.e30", "--resource", "not a url"]);
    let text = run_human(c, 2);
    assert!(text.contains("--resource") && text.contains("is not a URL"), "{text}");
    assert!(!text.contains("e30.e30.e30"), "the token was echoed: {text}");
    let mut c = cmd();
    c.args([
        "verify-token",
        "e30.e30.e30",
        "--resource",
        RESOURCE,
        "--jwks",
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keys/TEST-ONLY-rsa.pub.pem"),
        "--algorithm",
        "none",
    ]);
    assert!(run_human(c, 2).contains("never accepted"));
}

#[test]
fn verify_token_exits_3_when_the_issuer_or_jwks_cannot_be_fetched() {
    let r = run_json(
        {
            let mut c = cmd();
            c.args([
                "verify-token",
                "e30.e30.e30",
                "--resource",
                RESOURCE,
                "--issuer",
                "http://127.0.0.1:9/x",
            ]);
            c
        },
        3,
    );
    assert_eq!(r.error.unwrap().kind, "connect");
    let a = AuthServer::builder().flaw(Flaw::JwksMissing).start().unwrap();
    let token = a.mint(RESOURCE, "mcp:read", 300);
    let r = run_json(verify(&a, &token), 3);
    let err = r.error.unwrap();
    assert_eq!(err.kind, "jwks");
    assert!(err.message.contains("404"), "{}", err.message);
}

#[test]
fn verify_token_batch_writes_one_result_per_line_and_fetches_keys_once() {
    let a = issuer();
    let good = a.mint(RESOURCE, "mcp:read", 300);
    let rsa = forge(rs_header(), &claims(&a), &rsa_key(), Algorithm::RS256);
    let mut expired = claims(&a);
    expired["exp"] = json!(now() - 3600);
    let expired = a.key.sign(&expired);
    let input = format!("{good}\nnot a token\n\n{expired}\n{rsa}\n");
    let batch = || {
        let mut c = cmd();
        c.args([
            "verify-token",
            "--batch",
            "--resource",
            RESOURCE,
            "--issuer",
            a.issuer(),
        ])
        .write_stdin(input.clone());
        c
    };
    let lines = run_batch(batch(), 1);
    assert_eq!(lines.len(), 4, "the blank line is skipped");
    let oks: Vec<bool> = lines.iter().map(|r| r.ok).collect();
    assert_eq!(oks, [true, false, false, true]);
    assert_eq!(lines.iter().map(|r| r.line.unwrap()).collect::<Vec<_>>(), [1, 2, 4, 5]);
    assert_eq!(lines[1].status("jwt-compact-jws"), "fail");
    assert_eq!(lines[2].status("jwt-exp-valid"), "fail");
    assert_eq!(a.server.hits_on("/jwks"), 1, "the JWKS is fetched once per run");
    // The default compact line says the same in a few fields: only what did not pass, no citations.
    let out = batch().output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let compact: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("one JSON line per token");
            crate::support::schema::assert_valid_batch_line(&v);
            v
        })
        .collect();
    assert_eq!(
        compact.iter().map(|v| v["ok"].clone()).collect::<Vec<_>>(),
        [true, false, false, true]
    );
    assert_eq!(compact[0]["failed"], json!([]));
    assert_eq!(compact[0]["issuer"], a.issuer());
    assert_eq!(compact[2]["failed"][0]["id"], "jwt-exp-valid");
    assert_eq!(compact[2]["line"], 4);
    assert!(compact.iter().all(|v| !v.to_string().contains("\"spec\"")));
    // An exported MCP_AUTH_TOKEN does not get in the way of --batch; an explicit TOKEN does.
    let mut c = cmd();
    c.env("MCP_AUTH_TOKEN", &good)
        .args([
            "verify-token",
            "--batch",
            "--resource",
            RESOURCE,
            "--issuer",
            a.issuer(),
        ])
        .write_stdin(format!("{rsa}\n"));
    c.assert().code(0);
    let mut c = cmd();
    c.args([
        "verify-token",
        &good,
        "--batch",
        "--resource",
        RESOURCE,
        "--issuer",
        a.issuer(),
    ]);
    assert!(run_human(c, 2).contains("do not pass TOKEN"));
}

/// Issue 13 item 6: RFC 9728 §3.3. Metadata whose `resource` is another resource (here the challenge's
/// `resource_metadata` leads to a document for `/other`) must not be used: exit 3, the error names
/// `prm-resource-matches`, and nothing is taken from it (its authorization server is never asked).
#[test]
fn verify_token_refuses_metadata_written_for_another_resource() {
    let a = issuer();
    let m = McpServer::builder()
        .protected_by(&a)
        .flaw(McpFlaw::ResourceMismatch)
        .start()
        .unwrap();
    let token = a.mint(m.url(), "mcp:read", 300);
    let r = run_json(verify_by_resource(&token, m.url()), 3);
    let err = r.error.expect("error");
    assert_eq!(err.kind, "prm-resource-matches");
    assert!(err.message.contains("/other"), "{}", err.message);
    assert!(r.checks.is_empty());
    assert!(
        !a.server.hits().iter().any(|h| h.path.contains("well-known")),
        "the listed authorization server was asked"
    );
}

/// Issue 13 item 5: without --issuer, the authorization servers a PRM lists are server-named URLs and go
/// through the SSRF guard: a loopback resource listing the link-local metadata address gets a
/// `private-address` refusal, not a request there.
#[test]
fn verify_token_does_not_fetch_a_listed_authorization_server_at_a_private_address() {
    let a = issuer();
    let m = McpServer::builder()
        .authorization_server("http://169.254.169.254")
        .start()
        .unwrap();
    let token = a.mint(m.url(), "mcp:read", 300);
    let mut c = verify_by_resource(&token, m.url());
    c.args(["--timeout", "2"]);
    let r = run_json(c, 3);
    let err = r.error.expect("error");
    assert!(
        err.message.contains("169.254.169.254 is a private address")
            && err.message.contains("--allow-private-addresses"),
        "{}",
        err.message
    );
}
