//! The exit status every command ends with (docs/contract.md, "Exit codes").
//!
//! Outcomes combine in one of two ways, and every command uses one of these two functions:
//! - [`ExitStatus::worst`] for the parts of **one** evaluation (the links of a chain, the steps of the demo):
//!   the most severe status wins, in the order `Ok < Failed < Unavailable < Usage`. A chain that could not be
//!   completed cannot vouch for the links it did not reach, so an unreachable link outweighs a failed one.
//! - [`ExitStatus::merge`] for **independent** items (the tokens of `verify-token --batch`): equal statuses
//!   stay as they are, and any mix is `Failed` (something was evaluated and not everything passed, so a CI
//!   job never passes an item nobody checked). `Unavailable` therefore means that *no* item could be
//!   evaluated. `Usage` outweighs everything. An empty batch is `Ok`.

use std::process::ExitCode;

/// The contract's exit codes. The discriminant is the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum ExitStatus {
    /// 0: every MUST-level check passed (and with `--strict`, every SHOULD too).
    Ok = 0,
    /// 1: the target was reached and understood, and a check failed.
    Failed = 1,
    /// 2: usage error: bad flag, malformed argument, unreadable file given on the command line.
    Usage = 2,
    /// 3: could not complete: network error, timeout, TLS failure, unusable response.
    Unavailable = 3,
}

impl ExitStatus {
    /// `Ok` when `ok`, else `Failed`.
    pub fn from_ok(ok: bool) -> Self {
        if ok { Self::Ok } else { Self::Failed }
    }

    /// How severe the status is, for [`Self::worst`]: usage errors first, then "could not complete".
    fn severity(self) -> u8 {
        match self {
            Self::Ok => 0,
            Self::Failed => 1,
            Self::Unavailable => 2,
            Self::Usage => 3,
        }
    }

    /// The parts of one evaluation: the most severe status.
    pub fn worst(self, other: Self) -> Self {
        if other.severity() > self.severity() {
            other
        } else {
            self
        }
    }

    /// Two independent items: equal statuses stay, `Usage` wins, any other mix is `Failed`.
    pub fn merge(self, other: Self) -> Self {
        match (self, other) {
            (a, b) if a == b => a,
            (Self::Usage, _) | (_, Self::Usage) => Self::Usage,
            _ => Self::Failed,
        }
    }

    /// [`Self::merge`] over a batch; `Ok` when it is empty.
    pub fn merge_all(items: impl IntoIterator<Item = Self>) -> Self {
        items.into_iter().reduce(Self::merge).unwrap_or(Self::Ok)
    }

    /// The process exit code.
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> Self {
        ExitCode::from(s.code())
    }
}

#[cfg(test)]
mod tests {
    use super::ExitStatus::{self, *};

    const ALL: [ExitStatus; 4] = [Ok, Failed, Usage, Unavailable];

    #[test]
    fn codes_follow_the_contract() {
        assert_eq!(ALL.map(ExitStatus::code), [0, 1, 2, 3]);
    }

    #[test]
    fn a_chain_takes_its_worst_part() {
        assert_eq!(Ok.worst(Failed), Failed);
        assert_eq!(Failed.worst(Unavailable), Unavailable);
        assert_eq!(Unavailable.worst(Usage), Usage);
        assert_eq!(Ok.worst(Ok), Ok);
    }

    #[test]
    fn a_batch_is_unavailable_only_when_nothing_was_evaluated() {
        assert_eq!(ExitStatus::merge_all([]), Ok);
        assert_eq!(ExitStatus::merge_all([Ok, Ok]), Ok);
        assert_eq!(ExitStatus::merge_all([Ok, Failed]), Failed);
        assert_eq!(ExitStatus::merge_all([Ok, Unavailable]), Failed);
        assert_eq!(ExitStatus::merge_all([Unavailable, Unavailable]), Unavailable);
        assert_eq!(ExitStatus::merge_all([Failed, Unavailable, Usage]), Usage);
    }

    #[test]
    fn both_rules_are_associative_and_commutative() {
        for a in ALL {
            for b in ALL {
                assert_eq!(a.merge(b), b.merge(a));
                assert_eq!(a.worst(b), b.worst(a));
                for c in ALL {
                    assert_eq!(a.merge(b).merge(c), a.merge(b.merge(c)));
                    assert_eq!(a.worst(b).worst(c), a.worst(b.worst(c)));
                }
            }
        }
    }
}
