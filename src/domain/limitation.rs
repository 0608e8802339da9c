//! Limitation periods (docs/ARITHMETIC.md, "Limitation periods"): how long a claim for an
//! unpaid or short installment can still be brought. A ruleset parameter, so each
//! jurisdiction sets its own; the rule's name says which law the years come from.

use super::finding::Severity;

/// The limitation rules a ruleset may name: a name the auditor can look up, and the years
/// it gives when the ruleset does not state them.
pub const RULES: &[(&str, u32)] = &[("prc_civil_code_188", 3)];

/// A ruleset's limitation period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitationRule {
    /// The rule's name (one of [`RULES`]).
    pub rule: String,
    /// Years from the day the creditor knew (or should have known) of the claim.
    pub years: u32,
    /// Claims expiring within this many days of the audit date are listed first.
    pub window_days: i64,
    /// The severity of a claim that has expired.
    pub expired_severity: Severity,
    /// Whether claims outside the window (still running) are reported too, as `info`:
    /// every unpaid or short installment then has its expiry date in the reports.
    pub all_claims: bool,
}
