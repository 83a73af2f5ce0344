//! The first line of a chain report: the first broken link in plain words.

use super::ProbeOutcome;
use crate::report::{ChainLink, ErrorInfo};
use crate::sanitize;

pub(super) fn link_label(kind: &str) -> &'static str {
    match kind {
        "resource-server" => "the MCP server",
        "protected-resource-metadata" => "the protected resource metadata",
        "authorization-server" => "the authorization server",
        "jwks" => "the key set (JWKS)",
        _ => "a link",
    }
}

pub(super) fn finish_headline(out: &mut ProbeOutcome) {
    out.headline = headline(&out.chain, out.error.as_ref());
}

/// The first line of a chain report: the first broken link and why, in plain words.
pub fn headline(chain: &[ChainLink], error: Option<&ErrorInfo>) -> String {
    match (chain.iter().find(|l| !l.ok), error) {
        (Some(l), _) => {
            let why = l
                .checks
                .iter()
                .find(|c| c.status == crate::report::Status::Fail)
                .or_else(|| l.checks.iter().find(|c| c.status == crate::report::Status::Warn));
            match why {
                Some(c) => format!(
                    "First broken link: {} at {} — {}: {}",
                    link_label(l.link),
                    sanitize::line(&l.subject),
                    c.id,
                    sanitize::line(&c.message)
                ),
                None => format!(
                    "First broken link: {} at {} could not be checked",
                    link_label(l.link),
                    sanitize::line(&l.subject)
                ),
            }
        }
        (None, Some(e)) => format!("Could not complete: {}", sanitize::line(&e.message)),
        (None, None) => {
            let n_as = chain.iter().filter(|l| l.link == "authorization-server").count();
            let n_jwks = chain.iter().filter(|l| l.link == "jwks").count();
            format!(
                "Every link works: {}{n_as} authorization server(s) → {n_jwks} key set(s)",
                if chain.get(1).is_some_and(|l| l.link == "authorization-server") {
                    // 2025-03-26: the authorization server is found from the MCP server's origin.
                    "MCP server → its origin's "
                } else if chain.iter().any(|l| l.link == "resource-server") {
                    "MCP server → protected resource metadata → "
                } else {
                    "protected resource metadata → "
                }
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::link;
    use super::*;
    use crate::catalogue::*;
    use crate::report::Checks;
    use crate::spec::SpecRevision;

    #[test]
    fn headline_names_the_first_broken_link() {
        let mut checks = Checks::new(SpecRevision::LATEST, Some("https://x/mcp".into()));
        checks.pass(&RS_HTTPS, "ok");
        let good = link("resource-server", "https://x/mcp", checks.into_results(), false);
        let mut checks = Checks::new(SpecRevision::LATEST, None);
        checks.violated(&PRM_RESOURCE_MATCHES, "resource differs");
        let bad = link(
            "protected-resource-metadata",
            "https://x/.well-known/oauth-protected-resource/mcp",
            checks.into_results(),
            false,
        );
        let h = headline(&[good.clone(), bad], None);
        assert!(
            h.starts_with("First broken link: the protected resource metadata at https://x/"),
            "{h}"
        );
        assert!(h.contains("prm-resource-matches: resource differs"), "{h}");
        assert!(headline(&[good], None).starts_with("Every link works"));
    }
}
