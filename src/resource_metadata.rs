//! Generation of RFC 9728 protected resource metadata (`gen-metadata`). Inputs are refused when they
//! would produce a document MCP clients reject; the generated document then goes through the same
//! evaluator as a fetched one ([`rules::resource::evaluate_prm`]), so the two commands cannot disagree.

use crate::catalogue::*;
use crate::discovery;
use crate::error::Error;
use crate::http::{Transport, transport};
use crate::report::{CheckResult, Checks};
use crate::rules::resource::{FoundVia, PrmContext, evaluate_prm};
use crate::sanitize;
use crate::spec::SpecRevision;
use serde_json::{Map, Value, json};
use url::Url;

/// What the user asked for (flags or interactive answers).
#[derive(Clone, Debug, Default)]
pub struct PrmInput {
    pub resource: String,
    pub authorization_servers: Vec<String>,
    pub scopes: Vec<String>,
    /// Empty: the default `["header"]`.
    pub bearer_methods: Vec<String>,
    pub resource_name: Option<String>,
    pub resource_documentation: Option<String>,
    pub jwks_uri: Option<String>,
}

/// The document and where and how to serve it.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The canonical resource URI written into the document.
    pub resource: String,
    /// The issuers written into `authorization_servers`, validated and without repeats.
    pub authorization_servers: Vec<String>,
    pub document: Value,
    /// Where the document must be served (RFC 9728 §3.1 path insertion).
    pub well_known_url: String,
    /// The header value the MCP server should send with its 401s.
    pub www_authenticate: String,
    /// Input findings plus the PRM rules run on the generated document (subject: `well_known_url`).
    pub checks: Vec<CheckResult>,
}

fn usage(id: &str, msg: String) -> Error {
    Error::Usage(format!("{msg} ({id}; see `mcp-auth explain {id}`)"))
}

/// The canonical form of a resource URI: lowercase scheme and host (the URL parser does that), no
/// trailing slash, no trailing "/" for a bare origin.
pub fn canonical_resource(url: &Url) -> String {
    if url.path() == "/" && url.query().is_none() {
        return url.origin().ascii_serialization();
    }
    let mut u = url.clone();
    let trimmed = u.path().trim_end_matches('/').to_owned();
    u.set_path(if trimmed.is_empty() { "/" } else { &trimmed });
    u.to_string()
}

/// A scope token (RFC 6749 §3.3): NQCHARs, no space.
fn scope_token_ok(s: &str) -> bool {
    !s.is_empty() && !s.contains(' ') && crate::rules::resource::scope_chars_ok(s)
}

/// `--resource` as a URL: absolute, no fragment, https (or http on loopback).
fn resource_url(raw: &str) -> Result<Url, Error> {
    let url = Url::parse(raw).map_err(|e| {
        usage(
            "prm-resource-uri-valid",
            format!("--resource \"{}\" is not an absolute URI ({e}); pass the MCP endpoint, e.g. https://mcp.example.com/mcp", sanitize::argument(raw)),
        )
    })?;
    if url.fragment().is_some() {
        return Err(usage(
            "prm-resource-uri-valid",
            format!(
                "--resource \"{}\" has a fragment, which RFC 8707 forbids; remove the #… part",
                sanitize::argument(raw)
            ),
        ));
    }
    if transport(&url) == Transport::Insecure {
        return Err(usage(
            "prm-resource-uri-valid",
            format!(
                "--resource \"{}\" must be https (http is accepted only on loopback hosts, for development)",
                sanitize::argument(raw)
            ),
        ));
    }
    Ok(url)
}

/// The `--authorization-server` issuers, validated, without repeats (first occurrence kept).
fn issuers(servers: &[String]) -> Result<Vec<&str>, Error> {
    if servers.is_empty() {
        return Err(usage(
            "prm-authorization-servers-nonempty",
            "pass at least one --authorization-server ISSUER: MCP requires one".into(),
        ));
    }
    for issuer in servers {
        let shown = sanitize::argument(issuer);
        let u = Url::parse(issuer).map_err(|e| {
            usage(
                "prm-authorization-servers-are-issuers",
                format!("--authorization-server \"{shown}\" is not a URL ({e}); pass the issuer identifier"),
            )
        })?;
        if u.query().is_some() || u.fragment().is_some() {
            return Err(usage(
                "prm-authorization-servers-are-issuers",
                format!(
                    "--authorization-server \"{shown}\" has a query or fragment, so it is not an issuer identifier"
                ),
            ));
        }
        if u.path().contains("/.well-known/") {
            return Err(usage(
                "prm-authorization-servers-are-issuers",
                format!("--authorization-server \"{shown}\" is a metadata URL; pass the issuer it was built from"),
            ));
        }
        if transport(&u) == Transport::Insecure {
            return Err(usage(
                "prm-authorization-servers-are-issuers",
                format!("--authorization-server \"{shown}\" must be https (http only on loopback)"),
            ));
        }
    }
    let mut issuers: Vec<&str> = Vec::new();
    for i in servers {
        if !issuers.contains(&i.as_str()) {
            issuers.push(i);
        }
    }

    Ok(issuers)
}

/// The `--scope` tokens (each argument may hold several, space-separated), without repeats.
fn scopes(args: &[String]) -> Result<Vec<&str>, Error> {
    let mut scopes: Vec<&str> = Vec::new();
    for s in args.iter().flat_map(|s| s.split_whitespace()) {
        if !scope_token_ok(s) {
            return Err(Error::Usage(format!(
                "--scope \"{}\" has characters a scope token cannot have ('\"', '\\', controls)",
                sanitize::line(s)
            )));
        }
        if !scopes.contains(&s) {
            scopes.push(s);
        }
    }

    Ok(scopes)
}

/// The `--bearer-method` values (header, body; query refused), `header` when none is given.
fn bearer_methods(args: &[String]) -> Result<Vec<String>, Error> {
    let mut methods: Vec<String> = Vec::new();
    for m in args {
        let m = m.trim().to_ascii_lowercase();
        match m.as_str() {
            "query" => {
                return Err(usage(
                    "prm-bearer-methods",
                    "--bearer-method query is refused: tokens in URLs leak and resource servers MUST ignore them (OAuth 2.1 §5.1)".into(),
                ));
            }
            "header" | "body" => {
                if !methods.contains(&m) {
                    methods.push(m);
                }
            }
            other => {
                return Err(Error::Usage(format!(
                    "--bearer-method \"{}\" is not one of header, body (RFC 9728 §2)",
                    sanitize::line(other)
                )));
            }
        }
    }
    if methods.is_empty() {
        methods.push("header".into());
    }

    Ok(methods)
}

/// Validates `input`, builds the document and evaluates it.
pub fn generate(input: &PrmInput, spec: SpecRevision) -> Result<Generated, Error> {
    let raw = input.resource.trim();
    let url = resource_url(raw)?;
    let resource = canonical_resource(&url);
    let resource_url = Url::parse(&resource).map_err(|e| Error::Usage(format!("canonical resource: {e}")))?;
    let well_known_url = discovery::prm_url(&resource_url).to_string();
    let mut checks = Checks::new(spec, Some(well_known_url.clone()));
    checks.pass(
        &PRM_WELL_KNOWN_URL,
        format!("serve the document at {well_known_url} (RFC 9728 §3.1 path insertion)"),
    );
    if raw != resource && raw.trim_end_matches('/') != raw {
        checks.violated(
            &PRM_RESOURCE_CANONICAL,
            format!(
                "--resource \"{}\" ends with '/'; the document uses the canonical \"{resource}\". Configure your MCP server (and token audience checks) with the same string.",
                sanitize::argument(raw)
            ),
        );
    }

    let issuers = issuers(&input.authorization_servers)?;

    let scopes = scopes(&input.scopes)?;

    let methods = bearer_methods(&input.bearer_methods)?;

    for (flag, value) in [
        ("--resource-documentation", &input.resource_documentation),
        ("--jwks-uri", &input.jwks_uri),
    ] {
        if let Some(v) = value {
            Url::parse(v)
                .map_err(|e| Error::Usage(format!("{flag} \"{}\" is not a URL ({e})", sanitize::argument(v))))?;
        }
    }

    let mut doc = Map::new();
    doc.insert("resource".into(), json!(resource));
    doc.insert("authorization_servers".into(), json!(issuers));
    if !scopes.is_empty() {
        doc.insert("scopes_supported".into(), json!(scopes));
    }
    doc.insert("bearer_methods_supported".into(), json!(methods));
    if let Some(n) = input.resource_name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        doc.insert("resource_name".into(), json!(n));
    }
    if let Some(d) = &input.resource_documentation {
        doc.insert("resource_documentation".into(), json!(d));
    }
    if let Some(j) = &input.jwks_uri {
        doc.insert("jwks_uri".into(), json!(j));
    }
    evaluate_prm(
        &mut checks,
        &doc,
        PrmContext {
            resource_url: &resource,
            found_via: FoundVia::Generated,
        },
    );

    let challenge_scopes: Vec<&str> = scopes.iter().copied().filter(|s| *s != "offline_access").collect();
    let mut www_authenticate = format!("Bearer resource_metadata=\"{well_known_url}\"");
    if !challenge_scopes.is_empty() {
        www_authenticate.push_str(&format!(", scope=\"{}\"", challenge_scopes.join(" ")));
    }
    Ok(Generated {
        resource,
        authorization_servers: issuers.iter().map(|i| (*i).to_owned()).collect(),
        document: Value::Object(doc),
        well_known_url,
        www_authenticate,
        checks: checks.into_results(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argument_stages_validate_and_drop_repeats() {
        let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(bearer_methods(&[]).unwrap(), ["header"]);
        assert_eq!(
            bearer_methods(&v(&[" Body", "body", "header"])).unwrap(),
            ["body", "header"]
        );
        assert!(
            bearer_methods(&v(&["query"]))
                .unwrap_err()
                .to_string()
                .contains("refused")
        );
        let servers = v(&["https://a.example", "https://b.example", "https://a.example"]);
        assert_eq!(issuers(&servers).unwrap(), ["https://a.example", "https://b.example"]);
        assert!(issuers(&[]).is_err());
        assert!(issuers(&v(&["https://a.example/.well-known/openid-configuration"])).is_err());
        assert_eq!(scopes(&v(&["a b", "b c"])).unwrap(), ["a", "b", "c"]);
        assert!(resource_url("https://x.example/mcp#frag").is_err());
        assert!(resource_url("http://x.example/mcp").is_err());
        assert!(resource_url("http://localhost:1/mcp").is_ok());
    }
    use crate::report::Status;

    fn input(resource: &str) -> PrmInput {
        PrmInput {
            resource: resource.into(),
            authorization_servers: vec!["https://auth.example.com".into()],
            scopes: vec!["read:notes".into(), "write:notes".into()],
            resource_name: Some("Notes".into()),
            ..Default::default()
        }
    }

    #[test]
    fn generates_the_issue_example() {
        let g = generate(&input("https://api.example.com/notes"), SpecRevision::LATEST).unwrap();
        assert_eq!(
            g.well_known_url,
            "https://api.example.com/.well-known/oauth-protected-resource/notes"
        );
        assert_eq!(
            g.www_authenticate,
            "Bearer resource_metadata=\"https://api.example.com/.well-known/oauth-protected-resource/notes\", scope=\"read:notes write:notes\""
        );
        assert_eq!(g.document["bearer_methods_supported"], json!(["header"]));
        assert_eq!(g.document["resource"], "https://api.example.com/notes");
        let bad: Vec<_> = g
            .checks
            .iter()
            .filter(|c| matches!(c.status, Status::Fail | Status::Warn))
            .collect();
        assert!(bad.is_empty(), "{bad:#?}");
    }

    #[test]
    fn trailing_slash_is_canonicalised_with_a_warning() {
        let g = generate(&input("https://API.example.com/notes/"), SpecRevision::LATEST).unwrap();
        assert_eq!(g.resource, "https://api.example.com/notes");
        assert!(
            g.checks
                .iter()
                .any(|c| c.id == "prm-resource-canonical" && c.status == Status::Warn)
        );
        let g = generate(&input("https://api.example.com/"), SpecRevision::LATEST).unwrap();
        assert_eq!(g.resource, "https://api.example.com");
        assert_eq!(
            g.well_known_url,
            "https://api.example.com/.well-known/oauth-protected-resource"
        );
    }

    #[test]
    fn bad_inputs_are_usage_errors_naming_the_check() {
        for (resource, id) in [
            ("https://api.example.com/notes#x", "prm-resource-uri-valid"),
            ("http://api.example.com/notes", "prm-resource-uri-valid"),
            ("notes", "prm-resource-uri-valid"),
        ] {
            let e = generate(&input(resource), SpecRevision::LATEST)
                .unwrap_err()
                .to_string();
            assert!(e.contains(id), "{e}");
        }
        let mut i = input("https://api.example.com/notes");
        i.authorization_servers = vec!["https://auth.example.com?tenant=1".into()];
        assert!(
            generate(&i, SpecRevision::LATEST)
                .unwrap_err()
                .to_string()
                .contains("prm-authorization-servers-are-issuers")
        );
        let mut i = input("https://api.example.com/notes");
        i.bearer_methods = vec!["query".into()];
        assert!(
            generate(&i, SpecRevision::LATEST)
                .unwrap_err()
                .to_string()
                .contains("prm-bearer-methods")
        );
        let mut i = input("https://api.example.com/notes");
        i.authorization_servers.clear();
        assert!(generate(&i, SpecRevision::LATEST).is_err());
    }

    #[test]
    fn no_empty_arrays_and_offline_access_warned() {
        let mut i = input("http://127.0.0.1:8080/mcp");
        i.scopes = vec!["offline_access".into()];
        let g = generate(&i, SpecRevision::LATEST).unwrap();
        assert!(
            g.checks
                .iter()
                .any(|c| c.id == "prm-no-offline-access" && c.status == Status::Warn)
        );
        assert!(!g.www_authenticate.contains("scope="), "{}", g.www_authenticate);
        i.scopes.clear();
        let g = generate(&i, SpecRevision::LATEST).unwrap();
        assert!(g.document.get("scopes_supported").is_none());
        assert!(
            g.document
                .as_object()
                .unwrap()
                .values()
                .all(|v| v.as_array().is_none_or(|a| !a.is_empty()))
        );
    }
}
