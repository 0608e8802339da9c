//! Findings: what the audit reports. One struct for every type so the JSON, CSV and XLSX
//! reports share one schema (SPEC §5); a field that does not apply is `None`.

use super::computation::Computation;
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
    /// Field-by-field checks (a payout's invoice): what was expected, what was found.
    pub checks: Vec<Check>,
    /// For a short payment: the usual mistakes that reproduce the amount paid to the cent,
    /// most likely first.
    pub likely_causes: Vec<LikelyCause>,
}

/// A usual mistake that reproduces what was paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LikelyCause {
    /// Machine code (`previous_tier_rate`, `no_retroactive_catch_up`, …).
    pub code: String,
    /// What the installment comes to under the mistake (= what was paid).
    pub expected_under_mistake: Decimal,
    /// One sentence, in the report's language.
    pub explanation: String,
}

/// One checked field: what the contract or payout calls for and what the input shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The field checked (`invoice_no`, `invoice_amount`, `invoice_tax_rate`, …).
    pub field: String,
    /// The finding reason a failure of this check gives (`missing`, `amount`, …).
    pub reason: String,
    /// What was expected.
    pub expected: String,
    /// What was found; `None` when the input leaves the field empty.
    pub found: Option<String>,
    /// Whether the check passed.
    pub ok: bool,
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

/// What a finding is about: everything its id is made of, and nothing else. Contract,
/// period, installment, payout and reason become the finding's own fields; `subject`
/// names what a data-quality finding is about (an account and month, a product, a file
/// *name* with its sheet and row) — never an amount, a sentence, a language or a folder
/// path, so the same fact keeps its id from run to run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fact<'a> {
    /// The contract.
    pub contract_id: Option<&'a str>,
    /// The settlement period's first day.
    pub period_start: Option<NaiveDate>,
    /// The installment number.
    pub installment: Option<u32>,
    /// The payout.
    pub payout_id: Option<&'a str>,
    /// The machine-readable reason.
    pub reason: Option<&'a str>,
    /// What a finding outside any contract's money is about.
    pub subject: Option<&'a str>,
}

impl Finding {
    /// A finding about `fact`, with its type, detail, severity, identifying fields and
    /// id set; the callers fill the rest. The id hashes the fact only, so neither the
    /// detail (nor its language) nor any amount can change it.
    pub fn new(finding_type: FindingType, fact: Fact<'_>, detail: String) -> Finding {
        Finding {
            id: finding_id(finding_type, &fact),
            finding_type,
            severity: finding_type.severity(),
            contract_id: fact.contract_id.map(str::to_string),
            period_start: fact.period_start,
            period_end: None,
            installment: fact.installment,
            payout_id: fact.payout_id.map(str::to_string),
            reason: fact.reason.map(str::to_string),
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

/// `type-` followed by 12 hex digits of SHA-256 over the type and the fact: contract,
/// period, installment, payout, reason and subject.
pub fn finding_id(finding_type: FindingType, fact: &Fact<'_>) -> String {
    let key = format!(
        "{}|{}|{}|{}|{}|{}",
        fact.contract_id.unwrap_or(""),
        fact.period_start
            .map(|date| date.to_string())
            .unwrap_or_default(),
        fact.installment
            .map(|number| number.to_string())
            .unwrap_or_default(),
        fact.payout_id.unwrap_or(""),
        fact.reason.unwrap_or(""),
        fact.subject.unwrap_or(""),
    );
    hashed_id(finding_type, &key)
}

fn hashed_id(finding_type: FindingType, key: &str) -> String {
    let digest = Sha256::digest(format!("{}|{key}", finding_type.word()).as_bytes());
    let short: String = digest[..6]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("{}-{short}", finding_type.word())
}

/// Gives the second and later findings that share an id (two input files of the same
/// name in different folders, say) an id of their own, derived from the shared id and
/// their rank among the findings, which are in their stable report order.
pub fn make_ids_unique(findings: &mut [Finding]) {
    let mut seen: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    for finding in findings {
        let rank = seen.entry(finding.id.clone()).or_insert(0);
        *rank += 1;
        if *rank > 1 {
            finding.id = hashed_id(finding.finding_type, &format!("{}|{rank}", finding.id));
        }
    }
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

    fn installment_fact() -> Fact<'static> {
        Fact {
            contract_id: Some("C1"),
            period_start: chrono::NaiveDate::from_ymd_opt(2025, 1, 1),
            installment: Some(1),
            ..Fact::default()
        }
    }

    #[test]
    fn ids_are_stable_and_depend_on_the_fact_only() {
        let a = finding_id(FindingType::Unpaid, &installment_fact());
        assert_eq!(a, finding_id(FindingType::Unpaid, &installment_fact()));
        assert_ne!(a, finding_id(FindingType::Underpaid, &installment_fact()));
        assert!(a.starts_with("unpaid-") && a.len() == "unpaid-".len() + 12);
        // Every part of the fact counts…
        let other_payout = Fact {
            payout_id: Some("P1"),
            ..installment_fact()
        };
        assert_ne!(a, finding_id(FindingType::Unpaid, &other_payout));
        let other_reason = Fact {
            reason: Some("amount"),
            ..installment_fact()
        };
        assert_ne!(a, finding_id(FindingType::Unpaid, &other_reason));
        // …and nothing else does: not the detail, its language, nor any amount.
        let mut english = Finding::new(FindingType::Unpaid, installment_fact(), "Unpaid.".into());
        let mut chinese = Finding::new(FindingType::Unpaid, installment_fact(), "未付。".into());
        english.expected = Some(Decimal::ONE);
        chinese.expected = Some(Decimal::TWO);
        assert_eq!(english.id, chinese.id);
        assert_eq!(english.id, a);
        assert_eq!(english.contract_id.as_deref(), Some("C1"));
        assert_eq!(english.installment, Some(1));
    }

    #[test]
    fn shared_ids_are_made_unique_in_report_order() {
        let fact = Fact {
            subject: Some("bill.csv:5"),
            reason: Some("row"),
            ..Fact::default()
        };
        let mut findings = vec![
            Finding::new(FindingType::RejectedRow, fact, "2024/bill.csv:5".into()),
            Finding::new(FindingType::RejectedRow, fact, "2025/bill.csv:5".into()),
        ];
        let first = findings[0].id.clone();
        make_ids_unique(&mut findings);
        assert_eq!(findings[0].id, first);
        assert_ne!(findings[1].id, first);
        assert!(findings[1].id.starts_with("rejected_row-"));
        assert_eq!(findings[1].id.len(), first.len());
    }

    #[test]
    fn severities_follow_the_spec() {
        assert_eq!(FindingType::Clawback.severity(), Severity::Info);
        assert_eq!(FindingType::UncoveredBilling.severity(), Severity::Info);
        assert_eq!(FindingType::Unpaid.severity(), Severity::Error);
        assert!(Severity::Error > Severity::Warning && Severity::Warning > Severity::Info);
    }
}
