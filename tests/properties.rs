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
