//! Real providers' published metadata (tests/fixtures/providers, sources in SOURCES.md), checked twice:
//! offline with `--metadata-file`, and served by a `MockServer` at the well-known path the provider really
//! uses, with every https origin in URL members rewritten to the mock's base URL (so nothing leaves
//! 127.0.0.1). The served JWKS is a freshly generated public key, not the provider's.

use crate::support::{Report, cmd, run_json};
use mcp_auth::server::auth::SigningKey;
use mcp_auth::server::{MockServer, Reply};
use serde_json::{Value, json};
use std::collections::BTreeSet;

struct Provider {
    /// File name under tests/fixtures/providers, without `.json`.
    name: &'static str,
    /// The issuer a user configures (for Entra `common`, the URL Microsoft documents).
    issuer: &'static str,
    /// Where the provider serves the document, relative to the issuer's origin.
    served_at: &'static str,
}

fn fixture(name: &str) -> (String, Value) {
    let path = format!("{}/tests/fixtures/providers/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    (path, serde_json::from_str(&text).unwrap())
}

/// Replaces the origin of an https URL with `base`.
fn rebase(url: &str, base: &str) -> String {
    let rest = &url["https://".len()..];
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    format!("{base}{path}")
}

/// Rewrites the URL-valued members (`issuer`, `*_endpoint`, `*_uri`, `check_session_iframe`), recursively.
fn rewrite(doc: &Value, base: &str) -> Value {
    match doc {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let url_member =
                        k == "issuer" || k.ends_with("_endpoint") || k.ends_with("_uri") || k == "check_session_iframe";
                    let v = match v {
                        Value::String(s) if url_member && s.starts_with("https://") => json!(rebase(s, base)),
                        Value::Object(_) => rewrite(v, base),
                        other => other.clone(),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

fn unique(r: &Report, status: &str) -> BTreeSet<String> {
    r.checks
        .iter()
        .filter(|c| c.status == status)
        .map(|c| c.id.clone())
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

/// Checks the fixture offline as an OpenID Connect document.
fn offline(p: &Provider, exit: i32) -> Report {
    let (path, _) = fixture(p.name);
    let mut c = cmd();
    c.args(["check-provider", p.issuer, "--metadata-file", &path, "--type", "oidc"]);
    run_json(c, exit)
}

/// Serves the rewritten fixture at the provider's well-known path and runs discovery against it.
fn served(p: &Provider, exit: i32) -> (MockServer, Report) {
    let s = MockServer::start().unwrap();
    let base = s.base_url();
    let (_, doc) = fixture(p.name);
    let doc = rewrite(&doc, &base);
    s.fixed(p.served_at, Reply::json(&doc));
    if let Some(jwks) = doc["jwks_uri"].as_str() {
        let path = jwks[base.len()..].to_owned();
        let key = SigningKey::generate("fixture");
        s.fixed(&path, Reply::json(&json!({"keys": [key.public_jwk]})));
    }
    let issuer = rebase(p.issuer, &base);
    let mut c = cmd();
    c.args(["check-provider", &issuer]);
    let r = run_json(c, exit);
    assert_eq!(
        r.discovery.as_ref().unwrap()["chosen"],
        s.url(p.served_at),
        "{}",
        p.name
    );
    assert_eq!(r.status("as-jwks-valid"), "pass", "{}", p.name);
    (s, r)
}

/// Warnings that loopback http adds when served by the mock.
const LOOPBACK: [&str; 2] = ["as-endpoints-https", "as-issuer-https-no-query-fragment"];

fn assert_same_findings(p: &Provider, offline: &Report, served: &Report) {
    assert_eq!(unique(offline, "fail"), unique(served, "fail"), "{}", p.name);
    let mut served_warn = unique(served, "warn");
    for id in LOOPBACK {
        served_warn.remove(id);
    }
    assert_eq!(unique(offline, "warn"), served_warn, "{}", p.name);
}

const GOOGLE: Provider = Provider {
    name: "google",
    issuer: "https://accounts.google.com",
    served_at: "/.well-known/openid-configuration",
};

#[test]
fn google_passes_but_has_no_public_client_auth_and_no_registration() {
    let r = offline(&GOOGLE, 0);
    assert!(unique(&r, "fail").is_empty());
    assert_eq!(
        unique(&r, "warn"),
        set(&[
            "as-client-registration-available",
            "as-cimd-supported",
            "as-public-client-auth",
            "as-iss-response-param",
            // Google lists "token" and "id_token token" response types.
            "as-no-implicit-grant"
        ])
    );
    assert!(
        r.message("as-public-client-auth")
            .contains("[\"client_secret_post\", \"client_secret_basic\"]")
    );
    assert!(r.message("as-pkce-advertised").contains("[\"plain\", \"S256\"]"));
    assert_eq!(r.status("as-oidc-required-fields"), "pass");
    assert!(r.message("as-dcr-endpoint").contains("no registration_endpoint"));
    let (_s, served) = served(&GOOGLE, 0);
    // Google serves only OIDC discovery: the RFC 8414 URL answers 404 and clients move on
    assert!(served.message("as-discovery-url-order").contains("candidate 2 of 2"));
    assert_same_findings(&GOOGLE, &r, &served);
}

const ENTRA_COMMON: Provider = Provider {
    name: "entra-common",
    issuer: "https://login.microsoftonline.com/common/v2.0",
    served_at: "/common/v2.0/.well-known/openid-configuration",
};

#[test]
fn entra_common_fails_on_its_templated_issuer_and_missing_pkce_metadata() {
    let r = offline(&ENTRA_COMMON, 1);
    assert_eq!(
        unique(&r, "fail"),
        set(&["as-issuer-matches", "as-pkce-advertised", "as-pkce-s256"])
    );
    let m = r.message("as-issuer-matches");
    assert!(m.contains("https://login.microsoftonline.com/{tenantid}/v2.0"), "{m}");
    assert!(m.contains("the advertised issuer is a template"), "{m}");
    assert!(m.contains("tenant-specific issuer"), "{m}");
    // private_key_jwt without token_endpoint_auth_signing_alg_values_supported (RFC 8414 MUST, warned)
    assert_eq!(r.status("as-token-auth-signing-algs"), "warn");
    assert!(r.message("as-scopes-supported").contains("offline_access"));
    let (_s, served) = served(&ENTRA_COMMON, 1);
    // served at the appended URL, the third candidate
    assert!(served.message("as-discovery-url-order").contains("candidate 3 of 3"));
    assert_same_findings(&ENTRA_COMMON, &r, &served);
}

const GITLAB: Provider = Provider {
    name: "gitlab",
    issuer: "https://gitlab.com",
    served_at: "/.well-known/openid-configuration",
};

#[test]
fn gitlab_passes_with_confidential_clients_only() {
    let r = offline(&GITLAB, 0);
    assert!(unique(&r, "fail").is_empty());
    assert_eq!(r.status("as-public-client-auth"), "warn");
    assert_eq!(r.status("as-client-registration-available"), "warn");
    assert!(
        r.message("as-grant-types-authorization-code")
            .contains("also refresh_token, client_credentials")
    );
    // revocation and introspection endpoints are https as well
    assert_eq!(r.all("as-endpoints-https").len(), 5);
    let (_s, served) = served(&GITLAB, 0);
    assert_same_findings(&GITLAB, &r, &served);
}

const APPLE: Provider = Provider {
    name: "apple",
    issuer: "https://appleid.apple.com",
    served_at: "/.well-known/openid-configuration",
};

#[test]
fn apple_fails_because_it_does_not_advertise_pkce() {
    let r = offline(&APPLE, 1);
    assert_eq!(unique(&r, "fail"), set(&["as-pkce-advertised", "as-pkce-s256"]));
    assert!(r.message("as-public-client-auth").contains("[\"client_secret_post\"]"));
    // grant_types_supported is absent: the RFC 8414 default applies
    assert!(r.message("as-grant-types-authorization-code").contains("default"));
    let (_s, served) = served(&APPLE, 1);
    assert_same_findings(&APPLE, &r, &served);
}

const SLACK: Provider = Provider {
    name: "slack",
    issuer: "https://slack.com",
    served_at: "/.well-known/openid-configuration",
};

#[test]
fn slack_fails_because_it_does_not_advertise_pkce() {
    let r = offline(&SLACK, 1);
    assert_eq!(unique(&r, "fail"), set(&["as-pkce-advertised", "as-pkce-s256"]));
    assert!(r.message("as-pkce-advertised").contains("MUST refuse to proceed"));
    assert_eq!(r.status("as-response-types-code"), "pass");
    let (_s, served) = served(&SLACK, 1);
    assert_same_findings(&SLACK, &r, &served);
}

const AUTH0: Provider = Provider {
    name: "auth0",
    issuer: "https://samples.auth0.com/",
    served_at: "/.well-known/openid-configuration",
};

#[test]
fn auth0_passes_with_its_trailing_slash_issuer_and_offers_dcr() {
    let r = offline(&AUTH0, 0);
    assert!(unique(&r, "fail").is_empty());
    assert_eq!(r.status("as-issuer-matches"), "pass");
    assert_eq!(r.status("as-client-registration-available"), "pass");
    assert!(
        r.message("as-dcr-endpoint")
            .contains("https://samples.auth0.com/oidc/register")
    );
    assert_eq!(r.status("as-public-client-auth"), "warn");
    let (_s, served) = served(&AUTH0, 0);
    assert_same_findings(&AUTH0, &r, &served);
}

#[test]
fn auth0_without_the_trailing_slash_is_an_issuer_mismatch() {
    let (path, _) = fixture("auth0");
    let mut c = cmd();
    c.args([
        "check-provider",
        "https://samples.auth0.com",
        "--metadata-file",
        &path,
        "--type",
        "oidc",
    ]);
    let r = run_json(c, 1);
    assert_eq!(unique(&r, "fail"), set(&["as-issuer-matches"]));
    let m = r.message("as-issuer-matches");
    assert!(m.contains("the advertised issuer ends with '/'"), "{m}");
    assert!(m.contains("Auth0 issuers end with '/'"), "{m}");
}

const OKTA: Provider = Provider {
    name: "okta",
    issuer: "https://auth-js-test.okta.com/oauth2/aus8aus76q8iphupD0h7",
    served_at: "/oauth2/aus8aus76q8iphupD0h7/.well-known/openid-configuration",
};

#[test]
fn okta_custom_server_passes_and_allows_public_clients() {
    let r = offline(&OKTA, 0);
    assert!(unique(&r, "fail").is_empty());
    assert_eq!(r.status("as-public-client-auth"), "pass");
    assert_eq!(r.status("as-pkce-s256"), "pass");
    // the document lacks id_token_signing_alg_values_supported, which OIDC Discovery requires
    assert_eq!(r.status("as-oidc-required-fields"), "warn");
    assert!(
        r.message("as-oidc-required-fields")
            .contains("id_token_signing_alg_values_supported")
    );
    assert!(r.message("as-scopes-supported").contains("offline_access"));
    let (_s, served) = served(&OKTA, 0);
    // Okta custom authorization servers serve at the appended URL: the third candidate
    assert!(served.message("as-discovery-url-order").contains("candidate 3 of 3"));
    assert_same_findings(&OKTA, &r, &served);
}

const KEYCLOAK: Provider = Provider {
    name: "keycloak",
    issuer: "https://auth.eudiw.dev/realms/pid-issuer-realm",
    served_at: "/realms/pid-issuer-realm/.well-known/openid-configuration",
};

#[test]
fn keycloak_passes_with_dcr_and_the_iss_response_parameter() {
    let r = offline(&KEYCLOAK, 0);
    assert!(unique(&r, "fail").is_empty());
    // Keycloak lists the implicit response types ("token", "id_token token", ...) by default.
    assert_eq!(unique(&r, "warn"), set(&["as-cimd-supported", "as-no-implicit-grant"]));
    assert_eq!(r.status("as-iss-response-param"), "pass");
    assert_eq!(r.status("as-client-registration-available"), "pass");
    assert_eq!(r.status("as-token-auth-signing-algs"), "pass");
    // public clients: private_key_jwt is enough for CIMD clients
    assert_eq!(r.status("as-public-client-auth"), "pass");
    let (_s, served) = served(&KEYCLOAK, 0);
    assert!(served.message("as-discovery-url-order").contains("candidate 3 of 3"));
    assert_same_findings(&KEYCLOAK, &r, &served);
}

#[test]
fn every_fixture_is_tested_and_has_a_source() {
    let dir = format!("{}/tests/fixtures/providers", env!("CARGO_MANIFEST_DIR"));
    let sources = std::fs::read_to_string(format!("{dir}/SOURCES.md")).unwrap();
    let tested = [GOOGLE, ENTRA_COMMON, GITLAB, APPLE, SLACK, AUTH0, OKTA, KEYCLOAK].map(|p| p.name);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".json").map(str::to_owned)
        })
        .collect();
    files.sort();
    let mut expected: Vec<String> = tested.iter().map(|s| (*s).to_owned()).collect();
    expected.sort();
    assert_eq!(files, expected);
    for name in tested {
        assert!(sources.contains(&format!("`{name}.json`")), "{name} has no source line");
    }
}
