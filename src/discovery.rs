//! Well-known URL construction (RFC 8414 §3.1, OIDC Discovery §4.1, RFC 9728 §3.1) in the order MCP
//! clients try them (checklist §1.1).

use crate::spec::SpecRevision;
use serde::Serialize;
use url::Url;

/// Which kind of metadata document a candidate URL serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    /// RFC 8414 OAuth 2.0 authorization server metadata.
    Oauth,
    /// OpenID Connect Discovery 1.0.
    Oidc,
}

/// `--type`: restrict discovery to one kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ProviderType {
    /// Try every URL MCP clients try, in their order.
    #[default]
    Auto,
    /// RFC 8414 only.
    Oauth,
    /// OpenID Connect Discovery only.
    Oidc,
}

/// One candidate metadata URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub url: Url,
    pub kind: DocKind,
}

const OAUTH_AS: &str = ".well-known/oauth-authorization-server";
const OIDC: &str = ".well-known/openid-configuration";
const PRM: &str = ".well-known/oauth-protected-resource";

/// The issuer's path without a terminating "/" ("" for none or "/").
fn trimmed_path(url: &Url) -> &str {
    url.path().trim_end_matches('/')
}

fn origin_with_path(base: &Url, path: &str, query: Option<&str>) -> Url {
    let mut u = base.clone();
    u.set_path(path);
    u.set_query(query);
    u.set_fragment(None);
    u
}

/// Inserts `well_known` between the host and the (slash-trimmed) path, keeping the query.
fn insert(base: &Url, well_known: &str) -> Url {
    let path = trimmed_path(base);
    origin_with_path(base, &format!("/{well_known}{path}"), base.query())
}

/// Appends `well_known` to the (slash-trimmed) path (OIDC Discovery §4.1).
fn append(base: &Url, well_known: &str) -> Url {
    let path = trimmed_path(base);
    origin_with_path(base, &format!("{path}/{well_known}"), None)
}

/// Authorization server metadata URLs to try for `issuer`, in priority order.
pub fn as_candidates(issuer: &Url, kind: ProviderType, spec: SpecRevision) -> Vec<Candidate> {
    let oauth = Candidate {
        url: insert(issuer, OAUTH_AS),
        kind: DocKind::Oauth,
    };
    let has_path = !trimmed_path(issuer).is_empty();
    let mut oidc = vec![Candidate {
        url: insert(issuer, OIDC),
        kind: DocKind::Oidc,
    }];
    if has_path {
        oidc.push(Candidate {
            url: append(issuer, OIDC),
            kind: DocKind::Oidc,
        });
    }
    match kind {
        ProviderType::Oauth => vec![oauth],
        ProviderType::Oidc => oidc,
        // Before 2025-11-25 clients only used RFC 8414.
        ProviderType::Auto if spec < SpecRevision::V2025_11_25 => vec![oauth],
        ProviderType::Auto => std::iter::once(oauth).chain(oidc).collect(),
    }
}

/// The RFC 9728 well-known URL for a resource (path insertion, query kept).
pub fn prm_url(resource: &Url) -> Url {
    insert(resource, PRM)
}

/// Protected resource metadata URLs to try when the 401 names none: path-suffixed, then root.
pub fn prm_candidates(resource: &Url) -> Vec<Url> {
    let suffixed = prm_url(resource);
    let root = origin_with_path(resource, &format!("/{PRM}"), None);
    if suffixed == root {
        vec![root]
    } else {
        vec![suffixed, root]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(issuer: &str, kind: ProviderType, spec: SpecRevision) -> Vec<String> {
        as_candidates(&Url::parse(issuer).unwrap(), kind, spec)
            .into_iter()
            .map(|c| c.url.to_string())
            .collect()
    }

    #[test]
    fn issuer_with_path_follows_checklist_order() {
        assert_eq!(
            urls(
                "https://auth.example.com/tenant1",
                ProviderType::Auto,
                SpecRevision::LATEST
            ),
            [
                "https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
                "https://auth.example.com/.well-known/openid-configuration/tenant1",
                "https://auth.example.com/tenant1/.well-known/openid-configuration",
            ]
        );
    }

    #[test]
    fn issuer_without_path_has_two_candidates() {
        let expected = [
            "https://auth.example.com/.well-known/oauth-authorization-server",
            "https://auth.example.com/.well-known/openid-configuration",
        ];
        assert_eq!(
            urls("https://auth.example.com", ProviderType::Auto, SpecRevision::LATEST),
            expected
        );
        assert_eq!(
            urls("https://auth.example.com/", ProviderType::Auto, SpecRevision::LATEST),
            expected
        );
    }

    #[test]
    fn terminating_slash_is_removed_before_inserting() {
        assert_eq!(
            urls(
                "https://auth.example.com/tenant1/",
                ProviderType::Auto,
                SpecRevision::LATEST
            ),
            [
                "https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
                "https://auth.example.com/.well-known/openid-configuration/tenant1",
                "https://auth.example.com/tenant1/.well-known/openid-configuration",
            ]
        );
    }

    #[test]
    fn type_and_revision_restrict_candidates() {
        assert_eq!(
            urls("https://a.example/t", ProviderType::Oauth, SpecRevision::LATEST),
            ["https://a.example/.well-known/oauth-authorization-server/t"]
        );
        assert_eq!(
            urls("https://a.example/t", ProviderType::Oidc, SpecRevision::LATEST).len(),
            2
        );
        assert_eq!(
            urls("https://a.example/t", ProviderType::Auto, SpecRevision::V2025_06_18),
            ["https://a.example/.well-known/oauth-authorization-server/t"]
        );
    }

    #[test]
    fn prm_urls_follow_rfc9728() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(
            prm_url(&u("https://example.com/public/mcp")).as_str(),
            "https://example.com/.well-known/oauth-protected-resource/public/mcp"
        );
        assert_eq!(
            prm_url(&u("https://x/mcp?t=a")).as_str(),
            "https://x/.well-known/oauth-protected-resource/mcp?t=a"
        );
        assert_eq!(
            prm_candidates(&u("https://example.com/public/mcp/"))
                .iter()
                .map(Url::as_str)
                .collect::<Vec<_>>(),
            [
                "https://example.com/.well-known/oauth-protected-resource/public/mcp",
                "https://example.com/.well-known/oauth-protected-resource"
            ]
        );
        assert_eq!(prm_candidates(&u("https://example.com/")).len(), 1);
    }
}
