//! The check catalogue: one table that the checks, `explain`, the docs and the JSON all read.
//!
//! Each area keeps its rows in its own file; [`all`] chains them into the one table.

/// Declares catalogue rows as `pub const NAME: CheckDef` and the area's slice listing them, in order:
/// `checks! { SLICE_NAME; NAME = { id: ..., levels: ..., ... } ... }`.
macro_rules! checks {
    ($slice:ident; $($name:ident = { $($field:ident : $value:expr),* $(,)? })*) => {
        $(pub const $name: CheckDef = CheckDef { $($field: $value),* };)*
        pub(super) const $slice: &[&CheckDef] = &[$(&$name),*];
    };
}

mod login;
mod provider;
mod resource;
mod token;

#[allow(unused_imports)]
pub use login::*;
pub use provider::*;
#[allow(unused_imports)]
pub use resource::*;
#[allow(unused_imports)]
pub use token::*;

use crate::spec::SpecRevision;
use serde::Serialize;

/// How much a check matters to an MCP client, for one spec revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// A violation fails the verdict (exit 1).
    Must,
    /// A violation is a warning (exit 1 only with `--strict`).
    Should,
    /// Optional; a violation is reported for information.
    May,
    /// A fact, no rule.
    Info,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Must => "must",
            Level::Should => "should",
            Level::May => "may",
            Level::Info => "info",
        }
    }
}

/// One row of the catalogue.
#[derive(Debug, PartialEq, Eq)]
pub struct CheckDef {
    /// Stable kebab-case id; part of the JSON contract.
    pub id: &'static str,
    /// Level for MCP clients, per revision, in [`SpecRevision::ALL`] order.
    pub levels: [Level; 4],
    /// Exact citation(s).
    pub spec: &'static str,
    /// What the check verifies, in one sentence.
    pub summary: &'static str,
    /// Why MCP clients care.
    pub why: &'static str,
    /// How to fix a failure, including hints for common providers.
    pub fix: &'static str,
}

impl CheckDef {
    pub fn level(&self, spec: SpecRevision) -> Level {
        self.levels[spec.index()]
    }
}

/// Same level in every revision.
pub(crate) const fn always(level: Level) -> [Level; 4] {
    [level; 4]
}

/// Every check, in catalogue order (provider, resource, token, login).
pub fn all() -> impl Iterator<Item = &'static CheckDef> {
    provider::PROVIDER_CHECKS
        .iter()
        .chain(resource::RESOURCE_CHECKS.iter())
        .chain(token::TOKEN_CHECKS.iter())
        .chain(login::LOGIN_CHECKS.iter())
        .copied()
}

/// Looks a check up by id.
pub fn find(id: &str) -> Option<&'static CheckDef> {
    all().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let mut seen = HashSet::new();
        for c in all() {
            assert!(seen.insert(c.id), "duplicate id {}", c.id);
            assert!(
                c.id.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
                "{} is not kebab-case",
                c.id
            );
            assert!(
                !c.spec.is_empty() && !c.summary.is_empty() && !c.why.is_empty() && !c.fix.is_empty(),
                "{} lacks text",
                c.id
            );
        }
    }

    #[test]
    fn find_round_trips() {
        for c in all() {
            assert_eq!(find(c.id), Some(c));
        }
        assert_eq!(find("no-such-check"), None);
    }
}
