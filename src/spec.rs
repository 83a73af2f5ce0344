//! MCP authorization specification revisions. Check levels are indexed by revision.

use serde::Serialize;

/// An MCP authorization revision (`--spec`). Ordered oldest to newest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
pub enum SpecRevision {
    #[value(name = "2025-03-26")]
    #[serde(rename = "2025-03-26")]
    V2025_03_26,
    #[value(name = "2025-06-18")]
    #[serde(rename = "2025-06-18")]
    V2025_06_18,
    #[value(name = "2025-11-25")]
    #[serde(rename = "2025-11-25")]
    V2025_11_25,
    #[value(name = "2026-07-28")]
    #[serde(rename = "2026-07-28")]
    V2026_07_28,
}

impl SpecRevision {
    /// Every revision, oldest first; the order of `CheckDef::levels`.
    pub const ALL: [SpecRevision; 4] = [
        SpecRevision::V2025_03_26,
        SpecRevision::V2025_06_18,
        SpecRevision::V2025_11_25,
        SpecRevision::V2026_07_28,
    ];
    pub const LATEST: SpecRevision = SpecRevision::V2026_07_28;

    pub fn as_str(self) -> &'static str {
        match self {
            SpecRevision::V2025_03_26 => "2025-03-26",
            SpecRevision::V2025_06_18 => "2025-06-18",
            SpecRevision::V2025_11_25 => "2025-11-25",
            SpecRevision::V2026_07_28 => "2026-07-28",
        }
    }

    /// Position in [`SpecRevision::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl Default for SpecRevision {
    fn default() -> Self {
        Self::LATEST
    }
}

impl std::fmt::Display for SpecRevision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
