//! Protected resource metadata (§2.2) and MCP server challenge (§2.3) checks (`gen-metadata`, `probe`).

use super::CheckDef;

pub(super) const RESOURCE_CHECKS: &[&CheckDef] = &[];
