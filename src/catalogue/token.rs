//! Access token checks (`verify-token`, `decode-token`), checklist §2.4.

use super::CheckDef;

pub(super) const TOKEN_CHECKS: &[&CheckDef] = &[];
