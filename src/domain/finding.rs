//! Findings: what the audit reports. One struct for every type so the JSON, CSV and XLSX
//! reports share one schema (SPEC §5); a field that does not apply is `None`.

use super::location::Location;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::fmt;

super::contract::word_enum! {
    /// The kinds of finding (SPEC §4).
    FindingType {
        /// An installment that is due and received nothing.
        Unpaid => "unpaid",
        /// An installment that is due and received less than expected.
        Underpaid => "underpaid",
        /// More received than expected (an installment, or a contract with nothing open).
        Overpaid => "overpaid",
        /// Fully paid, but after the deadline.
        Late => "late",
        /// A cash payout whose invoice is missing or wrong.
        MisInvoiced => "mis_invoiced",
        /// A payout that names an unknown contract, period or installment.
        UnmatchedPayout => "unmatched_payout",
        /// An installment whose expectation is negative: money owed back.
        Clawback => "clawback",
        /// An input row that could not be read.
        RejectedRow => "rejected_row",
        /// A billing line or payout in another currency than its contract.
        CurrencyMismatch => "currency_mismatch",
        /// An account covered by two contracts on the same dates.
        OverlappingContracts => "overlapping_contracts",
        /// Spend on accounts no contract covers.
        UncoveredBilling => "uncovered_billing",
        /// A product no alias matched; its coefficient fell back.
        UnknownProduct => "unknown_product",
    }
}

super::contract::word_enum! {
    /// How much a finding matters; `--fail-on` compares against it.
    Severity {
        /// Worth knowing; no money at stake by itself.
        Info => "info",
        /// Needs a look: money or evidence may be at stake.
        Warning => "warning",
        /// Money is missing or the audit is incomplete.
        Error => "error",
    }
}

impl FindingType {
    /// The severity every finding of this type carries.
    pub fn severity(self) -> Severity {
        match self {
            FindingType::Unpaid | FindingType::Underpaid | FindingType::RejectedRow => {
                Severity::Error
            }
            FindingType::Overpaid
            | FindingType::Late
            | FindingType::MisInvoiced
            | FindingType::UnmatchedPayout
            | FindingType::CurrencyMismatch
            | FindingType::OverlappingContracts => Severity::Warning,
            FindingType::Clawback | FindingType::UncoveredBilling | FindingType::UnknownProduct => {
                Severity::Info
            }
        }
    }
}

/// How one settlement period's rebate and one installment were computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Computation {
    /// `net`, `list` or `cash`.
    pub base: String,
    /// `period`, `contract_year` or `term`.
    pub tier_basis: String,
    /// `retroactive` or `marginal`.
    pub tier_mode: String,
    /// The period's weighted base W_p.
    pub period_weighted_base: Decimal,
    /// The tier scope containing the period: its first and last day.
    pub scope_start: NaiveDate,
    /// Last day of the tier scope.
    pub scope_end: NaiveDate,
    /// The scope's weighted base through the period's end, B_s(≤ end_p).
    pub scope_weighted_base: Decimal,
    /// The rate of the bracket that volume reached.
    pub bracket_rate: Decimal,
    /// The scope's rebate R(B), rounded.
    pub scope_rebate: Decimal,
    /// The cap, if the contract has one.
    pub cap: Option<Decimal>,
    /// Whether the cap cut the rebate down.
    pub cap_applied: bool,
    /// Earned(end of the previous period).
    pub earned_before: Decimal,
    /// Earned(end of this period).
    pub earned_through: Decimal,
    /// E_p = Earned(end_p) − Earned(end_{p−1}).
    pub period_expected: Decimal,
    /// The installment's portion, as written (`40%`, `10pt`, `rest`).
    pub portion: String,
    /// The installment's expectation.
    pub installment_expected: Decimal,
    /// The due-date rule applied, in words.
    pub due_rule: String,
}

/// Billing rows that make up part of a weighted base, grouped by file and product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRows {
    /// The table (file and sheet) they are in.
    pub table: Location,
    /// The product.
    pub product: String,
    /// The coefficient applied.
    pub coefficient: Decimal,
    /// How many rows.
    pub rows: u64,
    /// The rows as ranges, e.g. `2-40, 57`; ends with `…` when cut short.
    pub row_ranges: String,
    /// Sum of the line bases.
    pub base: Decimal,
    /// Sum of the weighted bases.
    pub weighted_base: Decimal,
}

/// One payout's contribution to an installment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// The payout.
    pub payout_id: String,
    /// When it was received.
    pub paid_on: NaiveDate,
    /// How much of it went to the installment.
    pub amount: Decimal,
    /// Whether this part is excess beyond what was open.
    pub excess: bool,
    /// Where the payout is in the ledger.
    pub source: Location,
}

/// What a finding rests on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// The input cell or row the finding is about.
    pub location: Option<Location>,
    /// The rebate computation, for payment findings.
    pub computation: Option<Computation>,
    /// The billing rows behind the computation.
    pub source_rows: Vec<SourceRows>,
    /// The payouts that went to the installment.
    pub allocations: Vec<Allocation>,
    /// Other facts as `(name, value)` pairs: the expected and found invoice fields, the
    /// account and month of uncovered spend, and so on.
    pub facts: Vec<(String, String)>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable id: the same fact gets the same id in every run.
    pub id: String,
    /// The kind.
    pub finding_type: FindingType,
    /// How much it matters.
    pub severity: Severity,
    /// The contract, when known.
    pub contract_id: Option<String>,
    /// The settlement period's first day.
    pub period_start: Option<NaiveDate>,
    /// The settlement period's last day.
    pub period_end: Option<NaiveDate>,
    /// The installment number.
    pub installment: Option<u32>,
    /// The payout, for payout findings.
    pub payout_id: Option<String>,
    /// A machine-readable reason (`missing`, `amount`, `contract`, …).
    pub reason: Option<String>,
    /// What was expected.
    pub expected: Option<Decimal>,
    /// What was paid.
    pub paid: Option<Decimal>,
    /// paid − expected.
    pub difference: Option<Decimal>,
    /// When it was due.
    pub due_on: Option<NaiveDate>,
    /// When it was paid (completion date for `late`).
    pub paid_on: Option<NaiveDate>,
    /// Days past the due date.
    pub days_late: Option<i64>,
    /// Late-payment interest.
    pub interest: Option<Decimal>,
    /// The money a data-quality or payout finding concerns (the lines' net amount, the
    /// payout's amount), when no installment field says it.
    pub amount: Option<Decimal>,
    /// One sentence a person can read.
    pub detail: String,
    /// What it rests on.
    pub evidence: Evidence,
}

impl Finding {
    /// A finding with only its type, detail and identifying key set; the builder methods
    /// of the callers fill the rest. `key` names the fact (not the amounts), so the id is
    /// stable across runs whose amounts change.
    pub fn new(finding_type: FindingType, key: &str, detail: String) -> Finding {
        Finding {
            id: finding_id(finding_type, key),
            finding_type,
            severity: finding_type.severity(),
            contract_id: None,
            period_start: None,
            period_end: None,
            installment: None,
            payout_id: None,
            reason: None,
            expected: None,
            paid: None,
            difference: None,
            due_on: None,
            paid_on: None,
            days_late: None,
            interest: None,
            amount: None,
            detail,
            evidence: Evidence::default(),
        }
    }

    /// The amount a finding puts at stake, for summaries: the shortfall or excess of a
    /// payment finding, the interest of a late one, the clawback, else the money it names.
    pub fn amount_at_stake(&self) -> Decimal {
        let stake = match self.finding_type {
            FindingType::Unpaid | FindingType::Underpaid | FindingType::Overpaid => self.difference,
            FindingType::Late => self.interest,
            FindingType::Clawback => self.expected,
            _ => self.amount.or(self.paid),
        };
        stake.map(|amount| amount.abs()).unwrap_or_default()
    }

    /// The order findings are reported in: by contract, period, installment, type, payout
    /// and id, so output never depends on scheduling.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            self.contract_id.as_deref().unwrap_or(""),
            self.period_start,
            self.installment,
            self.finding_type,
            self.payout_id.as_deref().unwrap_or(""),
            self.reason.as_deref().unwrap_or(""),
            &self.id,
        )
    }
}

/// `type-` followed by 12 hex digits of SHA-256 over the type and the fact's key.
pub fn finding_id(finding_type: FindingType, key: &str) -> String {
    let digest = Sha256::digest(format!("{}|{key}", finding_type.word()).as_bytes());
    let short: String = digest[..6]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("{}-{short}", finding_type.word())
}

impl fmt::Display for Finding {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "{} {}: {}",
            self.severity, self.finding_type, self.detail
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_depend_on_the_fact_only() {
        let a = finding_id(FindingType::Unpaid, "C1|2025-01-01|1");
        assert_eq!(a, finding_id(FindingType::Unpaid, "C1|2025-01-01|1"));
        assert_ne!(a, finding_id(FindingType::Underpaid, "C1|2025-01-01|1"));
        assert!(a.starts_with("unpaid-") && a.len() == "unpaid-".len() + 12);
    }

    #[test]
    fn severities_follow_the_spec() {
        assert_eq!(FindingType::Clawback.severity(), Severity::Info);
        assert_eq!(FindingType::UncoveredBilling.severity(), Severity::Info);
        assert_eq!(FindingType::Unpaid.severity(), Severity::Error);
        assert!(Severity::Error > Severity::Warning && Severity::Warning > Severity::Info);
    }
}
