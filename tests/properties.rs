//! Property tests: parsers and evaluators never panic, whatever they are fed, and their rules hold for
//! every input. Bounded case counts keep CI fast (PROPTEST_CASES raises them locally).

use mcp_auth::catalogue;
use mcp_auth::discovery::DocKind;
use mcp_auth::discovery::{ProviderType, as_candidates, prm_candidates, prm_url};
use mcp_auth::report::Status;
use mcp_auth::spec::SpecRevision;
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use url::Url;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Arbitrary JSON values, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
        Just(json!("S256")),
        Just(json!("https://auth.example.com/t")),
        Just(json!("http://127.0.0.1:1/x")),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const MEMBERS: [&str; 16] = [
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "registration_endpoint",
    "jwks_uri",
    "revocation_endpoint",
    "introspection_endpoint",
    "response_types_supported",
    "grant_types_supported",
    "code_challenge_methods_supported",
    "token_endpoint_auth_methods_supported",
    "token_endpoint_auth_signing_alg_values_supported",
    "scopes_supported",
    "client_id_metadata_document_supported",
    "authorization_response_iss_parameter_supported",
    "id_token_signing_alg_values_supported",
];

fn metadata_doc() -> impl Strategy<Value = Value> {
    prop::collection::vec((prop::sample::select(MEMBERS.to_vec()), json_value()), 0..16).prop_map(|pairs| {
        let mut m = Map::new();
        for (k, v) in pairs {
            m.insert(k.to_owned(), v);
        }
        Value::Object(m)
    })
}

fn url_path() -> impl Strategy<Value = String> {
    prop::collection::vec("[a-zA-Z0-9._~%-]{1,8}", 0..4).prop_flat_map(|segs| {
        let path = segs.iter().map(|s| format!("/{s}")).collect::<String>();
        prop_oneof![Just(path.clone()), Just(format!("{path}/"))]
    })
}

proptest! {
    #![proptest_config(config())]

    /// RFC 8414 §3.1 / OIDC §4.1 / RFC 9728 §3.1: the well-known segment sits between the origin and the
    /// slash-trimmed path; the origin never changes; no empty path segment appears.
    #[test]
    fn well_known_urls_follow_the_insertion_rules(host in "[a-z]{1,10}\\.example", path in url_path(), query in proptest::option::of("[a-z]=[a-z0-9]{1,5}")) {
        let mut issuer = Url::parse(&format!("https://{host}{path}")).unwrap();
        issuer.set_query(query.as_deref());
        let trimmed = issuer.path().trim_end_matches('/').to_owned();
        for spec in SpecRevision::ALL {
            for kind in [ProviderType::Auto, ProviderType::Oauth, ProviderType::Oidc] {
                let c = as_candidates(&issuer, kind, spec);
                prop_assert!(!c.is_empty());
                for cand in &c {
                    prop_assert_eq!(cand.url.origin(), issuer.origin());
                    prop_assert!(!cand.url.path().contains("//"), "{}", cand.url);
                    prop_assert!(cand.url.path().contains("/.well-known/"));
                }
                if kind != ProviderType::Oidc {
                    prop_assert_eq!(c[0].kind, DocKind::Oauth);
                    prop_assert_eq!(c[0].url.path(), format!("/.well-known/oauth-authorization-server{trimmed}"));
                }
            }
        }
        let prm = prm_url(&issuer);
        prop_assert_eq!(prm.path(), format!("/.well-known/oauth-protected-resource{trimmed}"));
        prop_assert_eq!(prm.query(), issuer.query());
        let cands = prm_candidates(&issuer);
        prop_assert_eq!(cands.last().unwrap().path(), "/.well-known/oauth-protected-resource");
    }

    /// Any JSON in any member is a finding, never a panic; every result names a catalogue check, carries
    /// a message, and a wrongly typed required member never passes.
    #[test]
    fn metadata_evaluation_never_panics(doc in metadata_doc()) {
        for spec in SpecRevision::ALL {
            let results = mcp_auth::provider::check_document(&doc, "https://auth.example.com/t", DocKind::Oidc, spec, "prop");
            for r in &results {
                prop_assert!(catalogue::find(r.id).is_some(), "unknown id {}", r.id);
                prop_assert!(!r.message.is_empty());
            }
            let status = |id: &str| results.iter().filter(|r| r.id == id).map(|r| r.status).collect::<Vec<_>>();
            if doc.get("token_endpoint").is_none_or(|v| v.as_str().is_none_or(str::is_empty)) {
                prop_assert!(!status("as-token-endpoint").contains(&Status::Pass));
            }
            if !doc.get("code_challenge_methods_supported").and_then(Value::as_array).is_some_and(|a| a.contains(&json!("S256"))) {
                prop_assert!(!status("as-pkce-s256").contains(&Status::Pass));
            }
        }
    }

    /// Any JSON as a key set: no panic, and published private material is always refused.
    #[test]
    fn jwks_validation_never_panics(v in json_value(), private in any::<bool>()) {
        let _ = mcp_auth::rules::jwks::validate(&v);
        if private {
            let set = json!({"keys": [{"kty": "RSA", "n": "x", "e": "AQAB", "d": "secret"}, v]});
            prop_assert!(mcp_auth::rules::jwks::validate(&set).is_err());
        }
    }

    /// Sanitised text never carries a control or bidi character to the terminal.
    #[test]
    fn sanitised_text_has_no_control_characters(s in any::<String>()) {
        let line = mcp_auth::sanitize::line(&s);
        let dangerous = |c: char| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c);
        prop_assert!(!line.chars().any(dangerous), "{:?}", line);
        let text = mcp_auth::sanitize::text(&s);
        prop_assert!(!text.chars().any(|c| c != '\n' && c.is_control()));
    }
}

// ---------------------------------------------------------------------------------------------------
// `WWW-Authenticate` (mcp_auth::challenge)

/// An auth-param value as generated: the text, and whether to send it as a quoted-string.
#[derive(Clone, Debug)]
struct GenParam {
    name: String,
    value: String,
    quoted: bool,
    /// Escape every character of a quoted value, not only `"` and `\` (`\a` means `a`).
    escape_all: bool,
}

#[derive(Clone, Debug)]
enum GenBody {
    None,
    Token68(String),
    Params(Vec<GenParam>),
}

#[derive(Clone, Debug)]
struct GenChallenge {
    scheme: String,
    body: GenBody,
}

const TOKEN: &str = "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,10}";

fn gen_param() -> impl Strategy<Value = GenParam> {
    (
        TOKEN,
        // Printable ASCII (with `"` and `\`), tab and some non-ASCII text.
        prop_oneof![Just(true), Just(false)],
        "[\\x20-\\x7e\\té\u{1F600}]{0,24}",
        TOKEN,
        any::<bool>(),
    )
        .prop_map(|(name, quoted, text, token, escape_all)| GenParam {
            name,
            value: if quoted { text } else { token },
            quoted,
            escape_all,
        })
}

fn gen_challenge() -> impl Strategy<Value = GenChallenge> {
    let body = prop_oneof![
        Just(GenBody::None),
        "[A-Za-z0-9._~+/-]{1,20}={0,2}".prop_map(GenBody::Token68),
        prop::collection::vec(gen_param(), 1..5).prop_map(GenBody::Params),
    ];
    ("[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,10}", body).prop_map(|(scheme, body)| GenChallenge { scheme, body })
}

fn render_challenges(challenges: &[GenChallenge], seps: &[&str]) -> String {
    let mut sep = seps.iter().cycle();
    let mut out = Vec::new();
    for c in challenges {
        let mut s = c.scheme.clone();
        match &c.body {
            GenBody::None => {}
            GenBody::Token68(t) => {
                s.push(' ');
                s.push_str(t);
            }
            GenBody::Params(params) => {
                s.push(' ');
                let rendered: Vec<String> = params
                    .iter()
                    .map(|p| {
                        if !p.quoted {
                            return format!("{}={}", p.name, p.value);
                        }
                        let mut q = String::from("\"");
                        for ch in p.value.chars() {
                            if ch == '"' || ch == '\\' || p.escape_all {
                                q.push('\\');
                            }
                            q.push(ch);
                        }
                        q.push('"');
                        format!("{}={q}", p.name)
                    })
                    .collect();
                s.push_str(&rendered.join(sep.next().unwrap()));
            }
        }
        out.push(s);
    }
    out.join(sep.next().unwrap())
}

proptest! {
    #![proptest_config(config())]

    /// Any text, ASCII-heavy or not: the parser returns, with at most one error, and never panics.
    #[test]
    fn challenge_parsing_never_panics(s in any::<String>(), ascii in "[ -~\\t]{0,80}") {
        for v in [&s, &ascii] {
            let (challenges, _) = mcp_auth::challenge::parse(v);
            prop_assert!(challenges.iter().all(|c| !c.scheme.is_empty()));
        }
        let all = mcp_auth::challenge::parse_all(&[s.as_str(), ascii.as_str()]);
        prop_assert!(all.errors.len() <= 2);
    }

    /// RFC 9110 §11.6.1: well-formed challenges (several per header, quoted-strings with escapes,
    /// token68) parse back to exactly the generated schemes and parameter values.
    #[test]
    fn well_formed_challenges_round_trip(
        challenges in prop::collection::vec(gen_challenge(), 1..5),
        seps in prop::collection::vec(prop_oneof![Just(","), Just(", "), Just(" , "), Just(",\t, ")], 1..4),
    ) {
        let header = render_challenges(&challenges, &seps);
        let (parsed, error) = mcp_auth::challenge::parse(&header);
        prop_assert!(error.is_none(), "{header}: {error:?}");
        prop_assert_eq!(parsed.len(), challenges.len(), "{}", header);
        for (got, want) in parsed.iter().zip(&challenges) {
            prop_assert_eq!(&got.scheme, &want.scheme);
            match &want.body {
                GenBody::None => prop_assert!(got.token68.is_none() && got.params.is_empty(), "{header}: {got:?}"),
                GenBody::Token68(t) => {
                    prop_assert_eq!(got.token68.as_deref(), Some(t.as_str()));
                    prop_assert!(got.params.is_empty());
                }
                GenBody::Params(params) => {
                    prop_assert!(got.token68.is_none());
                    let got: Vec<(&str, &str, bool)> =
                        got.params.iter().map(|p| (p.name.as_str(), p.value.as_str(), p.quoted)).collect();
                    let want: Vec<(&str, &str, bool)> =
                        params.iter().map(|p| (p.name.as_str(), p.value.as_str(), p.quoted)).collect();
                    prop_assert_eq!(got, want, "{}", header);
                }
            }
        }
        // The same challenges split over two header lines read the same.
        let half = challenges.len() / 2;
        let two = [render_challenges(&challenges[..half], &seps), render_challenges(&challenges[half..], &seps)];
        let all = mcp_auth::challenge::parse_all(&two);
        prop_assert!(all.errors.is_empty(), "{:?}", all.errors);
        prop_assert_eq!(all.challenges, parsed);
    }
}

// ---------------------------------------------------------------------------------------------------
// JWT decoding (mcp_auth::jwt::decode_unverified)

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use mcp_auth::jwt::{Unverified, decode_unverified};

/// JSON without floats (serde_json's default float parsing is not guaranteed to round-trip the last
/// bit), with arbitrary member names.
fn exact_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(".{0,12}", exact_json(), 0..6).prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(config())]

    /// Any bytes, any number of segments (arbitrary or base64url of arbitrary bytes): decoding returns
    /// the kind the segment count says, and never panics.
    #[test]
    fn jwt_decoding_never_panics(
        bytes in prop::collection::vec(any::<u8>(), 0..200),
        segments in prop::collection::vec(prop_oneof![
            ".{0,20}".prop_filter("no dot", |s: &String| !s.contains('.')),
            prop::collection::vec(any::<u8>(), 0..40).prop_map(|b| B64.encode(b)),
            json_object().prop_map(|o| B64.encode(Value::Object(o).to_string())),
        ], 0..8),
    ) {
        let _ = decode_unverified(&String::from_utf8_lossy(&bytes));
        let token = segments.join(".");
        let n = token.split('.').count();
        match decode_unverified(&token) {
            Unverified::Jws(p) => {
                prop_assert_eq!(n, 3);
                prop_assert_eq!(format!("{}.{}", p.signing_input, p.signature_b64), token.clone());
            }
            Unverified::Jwe { .. } => prop_assert_eq!(n, 5),
            Unverified::Opaque => prop_assert!(n == 1 && !token.is_empty()),
            Unverified::Malformed(why) => prop_assert!(!why.is_empty() && (n != 1 || token.is_empty())),
        }
    }

    /// A token built from any JSON header and claims objects decodes back to exactly them.
    #[test]
    fn jwt_header_and_claims_round_trip(
        header in json_object(),
        claims in json_object(),
        signature in prop::collection::vec(any::<u8>(), 0..80),
        padded in any::<bool>(),
    ) {
        let seg = |o: &Map<String, Value>| {
            let s = B64.encode(Value::Object(o.clone()).to_string());
            // Some producers pad; the decoder tolerates it.
            if padded { format!("{s}{}", "=".repeat((4 - s.len() % 4) % 4)) } else { s }
        };
        let sig = B64.encode(&signature);
        let token = format!("{}.{}.{sig}", seg(&header), seg(&claims));
        match decode_unverified(&token) {
            Unverified::Jws(p) => {
                prop_assert_eq!(&p.header, &header);
                prop_assert_eq!(&p.claims, &claims);
                prop_assert_eq!(p.signature_b64, sig.as_str());
                prop_assert_eq!(p.signing_input, &token[..token.len() - sig.len() - 1]);
            }
            other => prop_assert!(false, "{token}: {other:?}"),
        }
    }
}
