//! Authorization server metadata checks (checklist §2.1) on one document.

use super::https_url;
use crate::catalogue::*;
use crate::discovery::DocKind;
use crate::metadata::{Document, Member, show, type_name};
use crate::report::Checks;
use crate::sanitize;
use crate::spec::SpecRevision;
use serde_json::{Map, Value};
use url::Url;

/// Everything the document checks need besides the document.
#[derive(Clone, Copy, Debug)]
pub struct DocContext<'a> {
    /// The issuer the well-known URL was built from (or the one the user gave).
    pub expected_issuer: &'a str,
    pub kind: DocKind,
}

/// Endpoints that must be https (`as-endpoints-https`).
const ENDPOINTS: [&str; 6] = [
    "authorization_endpoint",
    "token_endpoint",
    "registration_endpoint",
    "jwks_uri",
    "revocation_endpoint",
    "introspection_endpoint",
];

/// Runs every document-level check of §2.1 (not discovery, transport, JWKS or consistency).
pub fn evaluate(checks: &mut Checks, doc: &Map<String, Value>, ctx: DocContext<'_>) {
    let d = Document(doc);
    issuer(checks, &d, ctx.expected_issuer);
    endpoints(checks, &d);
    response_and_grant_types(checks, &d);
    implicit_grant(checks, &d);
    pkce(checks, &d);
    registration(checks, &d);
    client_auth(checks, &d);
    keys_and_scopes(checks, &d);
    let empty = d.empty_arrays();
    checks.check(
        &AS_NO_EMPTY_ARRAYS,
        empty.is_empty(),
        "no member is an empty array",
        format!(
            "empty arrays: {}. RFC 8414 §3.2 says members with zero elements MUST be omitted; drop them.",
            empty.join(", ")
        ),
    );
    if ctx.kind == DocKind::Oidc {
        oidc_required(checks, &d);
    } else {
        checks.skip(&AS_OIDC_REQUIRED_FIELDS, "not an OpenID Connect discovery document");
    }
    match d.bool("authorization_response_iss_parameter_supported") {
        Member::Present(true) => checks.pass(&AS_ISS_RESPONSE_PARAM, "authorization_response_iss_parameter_supported is true (RFC 9207 mix-up defence)"),
        Member::Present(false) | Member::Absent => checks.violated(
            &AS_ISS_RESPONSE_PARAM,
            "authorization_response_iss_parameter_supported is not true: clients cannot rely on RFC 9207's iss parameter against mix-up attacks. Enable it and advertise true.",
        ),
        Member::WrongType(v) => checks.violated(
            &AS_ISS_RESPONSE_PARAM,
            format!("authorization_response_iss_parameter_supported is {} ({}), not a boolean; serve true.", type_name(v), show(v)),
        ),
    }
}

pub(crate) fn wrong_type(name: &str, expected: &str, v: &Value) -> String {
    format!(
        "{name} is {} ({}), not {expected}; fix the member's type.",
        type_name(v),
        sanitize::line(&show(v))
    )
}

fn issuer(checks: &mut Checks, d: &Document<'_>, expected: &str) {
    let actual = match d.str("issuer") {
        Member::Present(s) if !s.is_empty() => s,
        Member::Present(_) => {
            checks.violated(
                &AS_ISSUER_PRESENT,
                "issuer is an empty string; set it to the issuer identifier.",
            );
            checks.skip(&AS_ISSUER_MATCHES, "no issuer to compare");
            checks.skip(&AS_ISSUER_HTTPS_NO_QUERY_FRAGMENT, "no issuer to parse");
            return;
        }
        Member::Absent => {
            checks.violated(
                &AS_ISSUER_PRESENT,
                "issuer is missing; add it with the exact issuer identifier.",
            );
            checks.skip(&AS_ISSUER_MATCHES, "no issuer to compare");
            checks.skip(&AS_ISSUER_HTTPS_NO_QUERY_FRAGMENT, "no issuer to parse");
            return;
        }
        Member::WrongType(v) => {
            checks.violated(&AS_ISSUER_PRESENT, wrong_type("issuer", "a string", v));
            checks.skip(&AS_ISSUER_MATCHES, "no issuer to compare");
            checks.skip(&AS_ISSUER_HTTPS_NO_QUERY_FRAGMENT, "no issuer to parse");
            return;
        }
    };
    checks.pass(&AS_ISSUER_PRESENT, format!("issuer is \"{}\"", sanitize::line(actual)));
    if actual == expected {
        checks.pass(
            &AS_ISSUER_MATCHES,
            "issuer is identical to the issuer the metadata URL was built from",
        );
    } else {
        checks.violated(&AS_ISSUER_MATCHES, explain_issuer_mismatch(expected, actual));
    }
    match Url::parse(actual) {
        Err(e) => checks.violated(
            &AS_ISSUER_HTTPS_NO_QUERY_FRAGMENT,
            format!("issuer is not a URL ({e}); it must be an https URL."),
        ),
        Ok(u) if u.query().is_some() || u.fragment().is_some() => checks.violated(
            &AS_ISSUER_HTTPS_NO_QUERY_FRAGMENT,
            "issuer has a query or fragment component; remove it (RFC 8414 §2).",
        ),
        Ok(_) => {
            https_url(checks, &AS_ISSUER_HTTPS_NO_QUERY_FRAGMENT, "issuer", actual);
        }
    }
}

/// One sentence on why two issuer strings differ, naming the usual causes.
pub fn explain_issuer_mismatch(expected: &str, actual: &str) -> String {
    let (e, a) = (sanitize::line(expected), sanitize::line(actual));
    let head = format!("issuer is \"{a}\" but the metadata was fetched for \"{e}\"");
    let tail = "Clients MUST NOT use metadata whose issuer differs; make the configured issuer and the advertised issuer the same string.";
    let why = if actual.contains('{') && actual.contains('}') {
        "the advertised issuer is a template (e.g. {tenantid}), as on Entra ID's common/organizations endpoints; point clients at the tenant-specific issuer (https://login.microsoftonline.com/<tenant-id>/v2.0) instead".to_owned()
    } else if actual.trim_end_matches('/') == expected.trim_end_matches('/') {
        if actual.ends_with('/') {
            "they differ only by a trailing slash: the advertised issuer ends with '/', the expected one does not (Auth0 issuers end with '/'; use the exact string)".to_owned()
        } else {
            "they differ only by a trailing slash: the expected issuer ends with '/', the advertised one does not"
                .to_owned()
        }
    } else if actual.eq_ignore_ascii_case(expected) {
        "they differ only in letter case; issuer comparison is case-sensitive (RFC 8414 §4: no case folding)".to_owned()
    } else if let (Ok(eu), Ok(au)) = (Url::parse(expected), Url::parse(actual)) {
        if eu.origin() != au.origin() {
            format!(
                "the origin differs ({} vs {}): the provider believes it lives elsewhere, usually a proxy or a public-URL setting (Keycloak: KC_HOSTNAME)",
                au.origin().ascii_serialization(),
                eu.origin().ascii_serialization()
            )
        } else if eu
            .path()
            .trim_end_matches('/')
            .starts_with(au.path().trim_end_matches('/'))
        {
            format!(
                "the advertised issuer drops the path {}: it is a different (parent) issuer; use the URL the provider advertises or serve per-tenant metadata",
                sanitize::line(&eu.path()[au.path().trim_end_matches('/').len()..])
            )
        } else if au
            .path()
            .trim_end_matches('/')
            .starts_with(eu.path().trim_end_matches('/'))
        {
            format!(
                "the advertised issuer has an extra path {}: pass that full issuer to clients",
                sanitize::line(&au.path()[eu.path().trim_end_matches('/').len()..])
            )
        } else {
            "the paths differ".to_owned()
        }
    } else {
        "the values differ".to_owned()
    };
    format!("{head}: {why}. {tail}")
}

fn endpoints(checks: &mut Checks, d: &Document<'_>) {
    let mut any = false;
    for name in ENDPOINTS {
        match d.str(name) {
            Member::Absent => {}
            Member::Present(v) => {
                any = true;
                https_url(checks, &AS_ENDPOINTS_HTTPS, name, v);
            }
            Member::WrongType(v) => {
                any = true;
                checks.violated(&AS_ENDPOINTS_HTTPS, wrong_type(name, "a URL string", v));
            }
        }
    }
    if !any {
        checks.skip(&AS_ENDPOINTS_HTTPS, "no endpoints advertised");
    }
    for (def, name, why) in [
        (
            &AS_AUTHORIZATION_ENDPOINT,
            "authorization_endpoint",
            "MCP clients start the authorization code flow there",
        ),
        (
            &AS_TOKEN_ENDPOINT,
            "token_endpoint",
            "MCP clients redeem the code there",
        ),
    ] {
        match d.str(name) {
            Member::Present(v) if !v.is_empty() => checks.pass(def, format!("{name} is {}", sanitize::line(v))),
            Member::WrongType(v) => checks.violated(def, wrong_type(name, "a URL string", v)),
            _ => checks.violated(
                def,
                format!("{name} is missing; {why}. Enable the authorization code grant and advertise it."),
            ),
        }
    }
}

fn response_and_grant_types(checks: &mut Checks, d: &Document<'_>) {
    match d.str_array("response_types_supported") {
        Member::Present(v) if v.contains(&"code") => checks.pass(&AS_RESPONSE_TYPES_CODE, "response_types_supported contains \"code\""),
        Member::Present(v) => checks.violated(
            &AS_RESPONSE_TYPES_CODE,
            format!("response_types_supported is {v:?}, without \"code\"; MCP clients use the authorization code flow. Enable it and list \"code\"."),
        ),
        Member::Absent => checks.violated(
            &AS_RESPONSE_TYPES_CODE,
            "response_types_supported is missing (RFC 8414 REQUIRED); add it with \"code\".",
        ),
        Member::WrongType(v) => checks.violated(&AS_RESPONSE_TYPES_CODE, wrong_type("response_types_supported", "an array of strings", v)),
    }
    match d.str_array("grant_types_supported") {
        Member::Absent => checks.pass(
            &AS_GRANT_TYPES_AUTHORIZATION_CODE,
            "grant_types_supported is absent: RFC 8414's default [\"authorization_code\", \"implicit\"] applies",
        ),
        Member::Present(v) if v.contains(&"authorization_code") => {
            let extras: Vec<&str> = ["refresh_token", "client_credentials"].into_iter().filter(|g| v.contains(g)).collect();
            let note = if extras.is_empty() { String::new() } else { format!(" (also {})", extras.join(", ")) };
            checks.pass(&AS_GRANT_TYPES_AUTHORIZATION_CODE, format!("grant_types_supported contains authorization_code{note}"));
        }
        Member::Present(v) => checks.violated(
            &AS_GRANT_TYPES_AUTHORIZATION_CODE,
            format!("grant_types_supported is {v:?}, without \"authorization_code\"; MCP clients cannot redeem a code. Enable the grant and list it."),
        ),
        Member::WrongType(v) => checks.violated(&AS_GRANT_TYPES_AUTHORIZATION_CODE, wrong_type("grant_types_supported", "an array of strings", v)),
    }
}

/// `as-no-implicit-grant`: response types that return an access token from the authorization endpoint, and
/// the `implicit` grant. An absent `grant_types_supported` (RFC 8414's default includes `implicit`) is not an
/// advertisement: the response types say what the server does.
fn implicit_grant(checks: &mut Checks, d: &Document<'_>) {
    let mut advertised: Vec<String> = Vec::new();
    if let Member::Present(types) = d.str_array("response_types_supported") {
        let issuing = types
            .iter()
            .filter(|t| t.split_ascii_whitespace().any(|part| part == "token"));
        advertised.extend(issuing.map(|t| format!("response type \"{}\"", sanitize::line(t))));
    }
    if let Member::Present(grants) = d.str_array("grant_types_supported")
        && grants.contains(&"implicit")
    {
        advertised.push("grant type \"implicit\"".to_owned());
    }
    if advertised.is_empty() {
        checks.pass(
            &AS_NO_IMPLICIT_GRANT,
            "no implicit grant or token response type is advertised",
        );
    } else {
        checks.violated(
            &AS_NO_IMPLICIT_GRANT,
            format!(
                "the metadata advertises the implicit grant ({}), which OAuth 2.1 removes: access tokens in redirect URIs leak. Disable it and list only \"code\".",
                advertised.join(", ")
            ),
        );
    }
}

fn pkce(checks: &mut Checks, d: &Document<'_>) {
    match d.str_array("code_challenge_methods_supported") {
        Member::Present(v) if !v.is_empty() => {
            checks.pass(
                &AS_PKCE_ADVERTISED,
                format!("code_challenge_methods_supported is {v:?}"),
            );
            if v.contains(&"S256") {
                checks.pass(&AS_PKCE_S256, "S256 is supported");
            } else {
                checks.violated(
                    &AS_PKCE_S256,
                    format!("code_challenge_methods_supported is {v:?}; MCP clients require S256 and will refuse this provider. Enable S256 PKCE on the provider."),
                );
            }
        }
        Member::Present(_) => {
            checks.violated(&AS_PKCE_ADVERTISED, "code_challenge_methods_supported is an empty array: that says PKCE is not supported, and MCP clients MUST refuse to proceed. List \"S256\".");
            checks.violated(&AS_PKCE_S256, "S256 is not listed; enable S256 PKCE on the provider.");
        }
        Member::Absent => {
            checks.violated(
                &AS_PKCE_ADVERTISED,
                "code_challenge_methods_supported is missing: MCP clients (2025-11-25 and later) MUST refuse to proceed. Advertise [\"S256\"], even if the provider already supports PKCE.",
            );
            checks.violated(
                &AS_PKCE_S256,
                "S256 is not advertised; add code_challenge_methods_supported: [\"S256\"].",
            );
        }
        Member::WrongType(v) => {
            checks.violated(
                &AS_PKCE_ADVERTISED,
                wrong_type("code_challenge_methods_supported", "an array of strings", v),
            );
            checks.violated(
                &AS_PKCE_S256,
                "S256 cannot be read from a wrongly typed member; serve [\"S256\"].",
            );
        }
    }
}

fn registration(checks: &mut Checks, d: &Document<'_>) {
    let spec = checks.spec();
    let cimd = d.bool("client_id_metadata_document_supported");
    match &cimd {
        Member::Absent => checks.skip(&AS_CIMD_FLAG_BOOLEAN, "client_id_metadata_document_supported is absent"),
        Member::Present(b) => checks.pass(&AS_CIMD_FLAG_BOOLEAN, format!("client_id_metadata_document_supported is the boolean {b}")),
        Member::WrongType(v) => checks.violated(
            &AS_CIMD_FLAG_BOOLEAN,
            format!(
                "client_id_metadata_document_supported is {} ({}), not a JSON boolean; clients will not read it as true. Serve true without quotes.",
                type_name(v),
                sanitize::line(&show(v))
            ),
        ),
    }
    let cimd_on = cimd == Member::Present(true);
    checks.check(
        &AS_CIMD_SUPPORTED,
        cimd_on,
        "Client ID Metadata Documents are supported",
        "client_id_metadata_document_supported is not true: clients cannot use a Client ID Metadata Document (the preferred registration route since 2025-11-25). Enable CIMD.",
    );
    let dcr = match d.str("registration_endpoint") {
        Member::Present(v) if !v.is_empty() => Some(v),
        _ => None,
    };
    let deprecated = if spec >= SpecRevision::V2026_07_28 {
        " (dynamic client registration is deprecated in 2026-07-28; prefer CIMD)"
    } else {
        ""
    };
    match dcr {
        Some(url) => checks.pass(
            &AS_DCR_ENDPOINT,
            format!("registration_endpoint is {}{deprecated}", sanitize::line(url)),
        ),
        None => checks.violated(
            &AS_DCR_ENDPOINT,
            format!("no registration_endpoint: clients cannot register dynamically (RFC 7591){deprecated}"),
        ),
    }
    let available = if spec >= SpecRevision::V2025_11_25 {
        cimd_on || dcr.is_some()
    } else {
        dcr.is_some()
    };
    checks.check(
        &AS_CLIENT_REGISTRATION_AVAILABLE,
        available,
        if cimd_on { "clients can register via a Client ID Metadata Document" } else { "clients can register dynamically" },
        if spec >= SpecRevision::V2025_11_25 {
            "neither client_id_metadata_document_supported: true nor registration_endpoint: clients need a pre-registered client_id. Enable CIMD (or DCR), or document the client_id users must configure."
        } else {
            "no registration_endpoint: clients need a pre-registered client_id. Enable dynamic client registration or document the client_id."
        },
    );
}

fn client_auth(checks: &mut Checks, d: &Document<'_>) {
    let methods = d.str_array("token_endpoint_auth_methods_supported");
    match &methods {
        Member::Present(v) if v.contains(&"none") || v.contains(&"private_key_jwt") => {
            checks.pass(&AS_PUBLIC_CLIENT_AUTH, format!("token_endpoint_auth_methods_supported is {v:?}"))
        }
        Member::Present(v) => checks.violated(
            &AS_PUBLIC_CLIENT_AUTH,
            format!("token_endpoint_auth_methods_supported is {v:?}: public MCP clients (no secret) need \"none\". Allow public clients with PKCE."),
        ),
        Member::Absent => checks.violated(
            &AS_PUBLIC_CLIENT_AUTH,
            "token_endpoint_auth_methods_supported is absent, so the default is client_secret_basic only; public MCP clients need \"none\". List it.",
        ),
        Member::WrongType(v) => checks.violated(&AS_PUBLIC_CLIENT_AUTH, wrong_type("token_endpoint_auth_methods_supported", "an array of strings", v)),
    }
    let jwt_auth = methods
        .present()
        .is_some_and(|v| v.contains(&"private_key_jwt") || v.contains(&"client_secret_jwt"));
    match d.str_array("token_endpoint_auth_signing_alg_values_supported") {
        Member::Present(v) if v.iter().any(|a| a.eq_ignore_ascii_case("none")) => checks.violated(
            &AS_TOKEN_AUTH_SIGNING_ALGS,
            "token_endpoint_auth_signing_alg_values_supported lists \"none\"; RFC 8414 §2 says it MUST NOT. Remove it.",
        ),
        Member::Present(v) => checks.pass(&AS_TOKEN_AUTH_SIGNING_ALGS, format!("token_endpoint_auth_signing_alg_values_supported is {v:?}")),
        Member::Absent if jwt_auth => checks.violated(
            &AS_TOKEN_AUTH_SIGNING_ALGS,
            "private_key_jwt or client_secret_jwt is listed but token_endpoint_auth_signing_alg_values_supported is missing; RFC 8414 §2 says it MUST be present. List the accepted algorithms.",
        ),
        Member::Absent => checks.skip(&AS_TOKEN_AUTH_SIGNING_ALGS, "no JWT client authentication listed"),
        Member::WrongType(v) => checks.violated(&AS_TOKEN_AUTH_SIGNING_ALGS, wrong_type("token_endpoint_auth_signing_alg_values_supported", "an array of strings", v)),
    }
}

fn keys_and_scopes(checks: &mut Checks, d: &Document<'_>) {
    match d.str("jwks_uri") {
        Member::Present(v) if !v.is_empty() => checks.pass(&AS_JWKS_URI, format!("jwks_uri is {}", sanitize::line(v))),
        Member::WrongType(v) => checks.violated(&AS_JWKS_URI, wrong_type("jwks_uri", "a URL string", v)),
        _ => checks.violated(
            &AS_JWKS_URI,
            "no jwks_uri: MCP servers cannot verify JWT access tokens locally and need token introspection. Advertise jwks_uri.",
        ),
    }
    match d.str_array("scopes_supported") {
        Member::Present(v) if !v.is_empty() => {
            let note = if v.contains(&"offline_access") {
                " (lists offline_access: clients MAY request refresh tokens)"
            } else {
                ""
            };
            checks.pass(
                &AS_SCOPES_SUPPORTED,
                format!("scopes_supported lists {} scope(s){note}", v.len()),
            );
        }
        Member::Present(_) => checks.violated(
            &AS_SCOPES_SUPPORTED,
            "scopes_supported is empty; list the scopes clients can request.",
        ),
        Member::Absent => checks.violated(
            &AS_SCOPES_SUPPORTED,
            "scopes_supported is missing (RFC 8414 RECOMMENDED); list the scopes clients can request.",
        ),
        Member::WrongType(v) => checks.violated(
            &AS_SCOPES_SUPPORTED,
            wrong_type("scopes_supported", "an array of strings", v),
        ),
    }
}

fn oidc_required(checks: &mut Checks, d: &Document<'_>) {
    let mut missing = Vec::new();
    for name in [
        "jwks_uri",
        "subject_types_supported",
        "id_token_signing_alg_values_supported",
    ] {
        if d.raw(name).is_none() {
            missing.push(name.to_owned());
        }
    }
    if let Member::Present(algs) = d.str_array("id_token_signing_alg_values_supported")
        && !algs.contains(&"RS256")
    {
        missing.push("RS256 in id_token_signing_alg_values_supported".to_owned());
    }
    checks.check(
        &AS_OIDC_REQUIRED_FIELDS,
        missing.is_empty(),
        "the OpenID Connect required members are present",
        format!(
            "OpenID Connect Discovery §3 says MUST, but these are missing: {}. MCP clients do not use them, so this is a warning; add them for OIDC clients.",
            missing.join(", ")
        ),
    );
}

/// Members that must agree between an RFC 8414 and an OIDC document (RFC 9068 §4).
pub const CONSISTENT_MEMBERS: [&str; 5] = [
    "issuer",
    "jwks_uri",
    "authorization_endpoint",
    "token_endpoint",
    "code_challenge_methods_supported",
];

/// `as-metadata-consistent`: compares the two documents.
pub fn consistency(checks: &mut Checks, oauth: &Map<String, Value>, oidc: &Map<String, Value>) {
    let differing: Vec<String> = CONSISTENT_MEMBERS
        .iter()
        .filter(|m| oauth.get(**m) != oidc.get(**m))
        .map(|m| {
            let show_v =
                |v: Option<&Value>| v.map_or_else(|| "absent".to_owned(), |v| sanitize::line(&show(v)).into_owned());
            format!("{m} ({} vs {})", show_v(oauth.get(*m)), show_v(oidc.get(*m)))
        })
        .collect();
    checks.check(
        &AS_METADATA_CONSISTENT,
        differing.is_empty(),
        "the RFC 8414 and OpenID Connect documents agree",
        format!(
            "the RFC 8414 and OpenID Connect documents disagree: {}. Clients that discover differently see different providers; serve both from one configuration.",
            differing.join("; ")
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{CheckResult, Status};
    use serde_json::json;

    pub(crate) fn good() -> Value {
        json!({
            "issuer": "https://auth.example.com/tenant1",
            "authorization_endpoint": "https://auth.example.com/tenant1/authorize",
            "token_endpoint": "https://auth.example.com/tenant1/token",
            "registration_endpoint": "https://auth.example.com/tenant1/register",
            "jwks_uri": "https://auth.example.com/tenant1/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none"],
            "scopes_supported": ["mcp"],
            "client_id_metadata_document_supported": true,
            "authorization_response_iss_parameter_supported": true
        })
    }

    fn run(doc: &Value, expected: &str, kind: DocKind, spec: SpecRevision) -> Vec<CheckResult> {
        let mut c = Checks::new(spec, None);
        evaluate(
            &mut c,
            doc.as_object().unwrap(),
            DocContext {
                expected_issuer: expected,
                kind,
            },
        );
        c.into_results()
    }

    /// The worst status recorded for `id` (a check may be recorded once per URL).
    fn status(results: &[CheckResult], id: &str) -> Status {
        let all: Vec<Status> = results.iter().filter(|r| r.id == id).map(|r| r.status).collect();
        assert!(!all.is_empty(), "{id} not evaluated");
        [Status::Fail, Status::Warn]
            .into_iter()
            .find(|s| all.contains(s))
            .unwrap_or(all[0])
    }

    fn message<'a>(results: &'a [CheckResult], id: &str) -> &'a str {
        &results.iter().find(|r| r.id == id).unwrap().message
    }

    const ISS: &str = "https://auth.example.com/tenant1";

    #[test]
    fn compliant_document_has_no_failures_or_warnings() {
        let r = run(&good(), ISS, DocKind::Oauth, SpecRevision::LATEST);
        let bad: Vec<_> = r
            .iter()
            .filter(|c| matches!(c.status, Status::Fail | Status::Warn))
            .collect();
        assert!(bad.is_empty(), "{bad:#?}");
    }

    fn with(f: impl FnOnce(&mut Map<String, Value>)) -> Value {
        let mut v = good();
        f(v.as_object_mut().unwrap());
        v
    }

    #[test]
    fn each_must_check_can_fail() {
        let cases: Vec<(&str, Value)> = vec![
            (
                "as-issuer-present",
                with(|m| {
                    m.remove("issuer");
                }),
            ),
            (
                "as-issuer-matches",
                with(|m| {
                    m.insert("issuer".into(), json!("https://auth.example.com/other"));
                }),
            ),
            (
                "as-endpoints-https",
                with(|m| {
                    m.insert("token_endpoint".into(), json!("http://auth.example.com/token"));
                }),
            ),
            (
                "as-authorization-endpoint",
                with(|m| {
                    m.remove("authorization_endpoint");
                }),
            ),
            (
                "as-token-endpoint",
                with(|m| {
                    m.remove("token_endpoint");
                }),
            ),
            (
                "as-response-types-code",
                with(|m| {
                    m.insert("response_types_supported".into(), json!(["token"]));
                }),
            ),
            (
                "as-grant-types-authorization-code",
                with(|m| {
                    m.insert("grant_types_supported".into(), json!(["client_credentials"]));
                }),
            ),
            (
                "as-pkce-advertised",
                with(|m| {
                    m.remove("code_challenge_methods_supported");
                }),
            ),
            (
                "as-pkce-s256",
                with(|m| {
                    m.insert("code_challenge_methods_supported".into(), json!(["plain"]));
                }),
            ),
            (
                "as-cimd-flag-boolean",
                with(|m| {
                    m.insert("client_id_metadata_document_supported".into(), json!("true"));
                }),
            ),
        ];
        for (id, doc) in cases {
            let r = run(&doc, ISS, DocKind::Oauth, SpecRevision::LATEST);
            assert_eq!(status(&r, id), Status::Fail, "{id}: {r:#?}");
        }
    }

    #[test]
    fn each_should_check_can_warn() {
        let cases: Vec<(&str, Value)> = vec![
            (
                "as-client-registration-available",
                with(|m| {
                    m.remove("registration_endpoint");
                    m.remove("client_id_metadata_document_supported");
                }),
            ),
            (
                "as-cimd-supported",
                with(|m| {
                    m.remove("client_id_metadata_document_supported");
                }),
            ),
            (
                "as-public-client-auth",
                with(|m| {
                    m.remove("token_endpoint_auth_methods_supported");
                }),
            ),
            (
                "as-token-auth-signing-algs",
                with(|m| {
                    m.insert(
                        "token_endpoint_auth_methods_supported".into(),
                        json!(["private_key_jwt"]),
                    );
                }),
            ),
            (
                "as-jwks-uri",
                with(|m| {
                    m.remove("jwks_uri");
                }),
            ),
            (
                "as-scopes-supported",
                with(|m| {
                    m.remove("scopes_supported");
                }),
            ),
            (
                "as-no-empty-arrays",
                with(|m| {
                    m.insert("ui_locales_supported".into(), json!([]));
                }),
            ),
            (
                "as-iss-response-param",
                with(|m| {
                    m.remove("authorization_response_iss_parameter_supported");
                }),
            ),
        ];
        for (id, doc) in cases {
            let r = run(&doc, ISS, DocKind::Oauth, SpecRevision::LATEST);
            assert_eq!(status(&r, id), Status::Warn, "{id}: {r:#?}");
        }
        let r = run(&good(), ISS, DocKind::Oidc, SpecRevision::LATEST);
        assert_eq!(status(&r, "as-oidc-required-fields"), Status::Warn);
    }

    #[test]
    fn loopback_http_is_a_warning_not_a_failure() {
        let doc = json!({
            "issuer": "http://127.0.0.1:8080",
            "authorization_endpoint": "http://127.0.0.1:8080/authorize",
            "token_endpoint": "http://127.0.0.1:8080/token",
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"]
        });
        let r = run(&doc, "http://127.0.0.1:8080", DocKind::Oauth, SpecRevision::LATEST);
        assert_eq!(status(&r, "as-endpoints-https"), Status::Warn);
        assert_eq!(status(&r, "as-issuer-https-no-query-fragment"), Status::Warn);
        assert!(!r.iter().any(|c| c.status == Status::Fail), "{r:#?}");
    }

    #[test]
    fn levels_follow_the_revision() {
        let doc = with(|m| {
            m.remove("code_challenge_methods_supported");
            m.remove("registration_endpoint");
        });
        let old = run(&doc, ISS, DocKind::Oauth, SpecRevision::V2025_06_18);
        assert_eq!(status(&old, "as-pkce-advertised"), Status::Warn);
        assert_eq!(status(&old, "as-dcr-endpoint"), Status::Warn);
        let new = run(&doc, ISS, DocKind::Oauth, SpecRevision::V2026_07_28);
        assert_eq!(status(&new, "as-pkce-advertised"), Status::Fail);
        assert_eq!(status(&new, "as-dcr-endpoint"), Status::Info);
        assert!(message(&new, "as-dcr-endpoint").contains("deprecated"));
    }

    #[test]
    fn issuer_mismatches_are_explained() {
        let cases = [
            ("https://a.example/t1", "https://a.example/t1/", "trailing slash"),
            ("https://a.example/t1/", "https://a.example/t1", "trailing slash"),
            ("https://a.example/t1", "https://A.example/T1", "letter case"),
            ("https://a.example/t1", "https://a.example", "drops the path /t1"),
            (
                "https://login.microsoftonline.com/abc/v2.0",
                "https://login.microsoftonline.com/{tenantid}/v2.0",
                "template",
            ),
            ("https://a.example", "https://b.example", "origin differs"),
        ];
        for (expected, actual, needle) in cases {
            let m = explain_issuer_mismatch(expected, actual);
            assert!(m.contains(needle), "{expected} vs {actual}: {m}");
        }
    }

    #[test]
    fn wrong_types_are_findings() {
        let doc = json!({"issuer": 7, "token_endpoint": ["x"], "response_types_supported": "code", "code_challenge_methods_supported": {"S256": true}});
        let r = run(&doc, ISS, DocKind::Oauth, SpecRevision::LATEST);
        for id in [
            "as-issuer-present",
            "as-token-endpoint",
            "as-response-types-code",
            "as-pkce-advertised",
        ] {
            assert_eq!(status(&r, id), Status::Fail, "{id}");
        }
    }

    #[test]
    fn inconsistent_documents_fail() {
        let a = good();
        let mut b = good();
        b["jwks_uri"] = json!("https://other.example/jwks");
        let mut c = Checks::new(SpecRevision::LATEST, None);
        consistency(&mut c, a.as_object().unwrap(), b.as_object().unwrap());
        consistency(&mut c, a.as_object().unwrap(), a.as_object().unwrap());
        let r = c.into_results();
        assert_eq!(r[0].status, Status::Fail);
        assert!(r[0].message.contains("jwks_uri"));
        assert_eq!(r[1].status, Status::Pass);
    }
}
