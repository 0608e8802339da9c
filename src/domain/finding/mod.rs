//! Findings: what the audit reports. One struct for every type so the JSON, CSV and XLSX
//! reports share one schema (docs/USAGE.md); a field that does not apply is `None`.
//!
//! A finding is facts only: its kind, its [`Reason`], the contract, period, installment
//! and payout it is about, the amounts and dates, and [`About`] — the values its sentence
//! needs beyond those fields. No sentence and no language: `report::i18n` writes the
//! sentence in the reader's language when a report shows it.

mod about;
mod cause;
mod evidence;
mod kind;
mod reason;

pub use about::{About, DuplicateEffect, InvoiceIssue, MemberRefusal, Unread};
pub use cause::{CashRow, CauseCode, LikelyCause, Mistake, Neighbour};
pub use evidence::{
    Allocation, Check, CheckWords, Evidence, PeriodKey, PeriodTrail, Share, SourceRows, TrailRef,
};
pub use kind::{FindingType, Severity};
pub use reason::Reason;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

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
    pub reason: Option<Reason>,
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
    /// What its sentence says, as facts.
    pub about: About,
    /// What it rests on.
    pub evidence: Evidence,
    /// The last day the claim of an `unpaid` or `underpaid` installment (and of its
    /// `limitation` finding) can be brought, under the ruleset's limitation period;
    /// `None` without a `[limitation]` table, and for every other finding.
    pub expires_on: Option<NaiveDate>,
}

/// What a finding is about: everything its id is made of, and nothing else. Contract,
/// period, installment, payout and reason become the finding's own fields; `subject`
/// names what a data-quality finding is about (an account and month, a product, a file
/// *name* with its sheet and row) — never an amount, a sentence, a language or a folder
/// path, so the same fact keeps its id from run to run. The reason counts by its word.
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
    pub reason: Option<Reason>,
    /// What a finding outside any contract's money is about.
    pub subject: Option<&'a str>,
}

impl Finding {
    /// A finding about `fact`, with its type, what it says, severity, identifying fields
    /// and id set; the callers fill the rest. The id hashes the fact only, so neither what
    /// the sentence says (nor its language) nor any amount can change it.
    pub fn new(finding_type: FindingType, fact: Fact<'_>, about: About) -> Finding {
        Finding {
            id: finding_id(finding_type, &fact),
            finding_type,
            severity: finding_type.severity(),
            contract_id: fact.contract_id.map(str::to_string),
            period_start: fact.period_start,
            period_end: None,
            installment: fact.installment,
            payout_id: fact.payout_id.map(str::to_string),
            reason: fact.reason,
            expected: None,
            paid: None,
            difference: None,
            due_on: None,
            paid_on: None,
            days_late: None,
            interest: None,
            amount: None,
            about,
            evidence: Evidence::default(),
            expires_on: None,
        }
    }

    /// The amount a finding puts at stake on its own, for summaries: the shortfall of an
    /// unpaid or underpaid installment, the excess of an overpaid one, the interest of a
    /// late one, the clawback, else the money it names (a payout's amount). The reports
    /// take `domain::stake::stakes`, which gives a `mis_invoiced` finding its invoice's
    /// amount and counts each invoice once.
    pub fn amount_at_stake(&self) -> Decimal {
        let stake = match self.finding_type {
            FindingType::Unpaid | FindingType::Underpaid | FindingType::Overpaid => self.difference,
            FindingType::Late => self.interest,
            FindingType::Clawback => self.expected,
            // The claim's money is the unpaid or underpaid finding's; counting it again
            // would double the summary's totals.
            FindingType::Limitation => None,
            _ => self.amount.or(self.paid),
        };
        stake.map(|amount| amount.abs()).unwrap_or_default()
    }

    /// The order findings are reported in: by contract, period, installment, type, payout,
    /// reason (by its word, as findings.json spells it) and id, so output never depends
    /// on scheduling.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            self.contract_id.as_deref().unwrap_or(""),
            self.period_start,
            self.installment,
            self.finding_type,
            self.payout_id.as_deref().unwrap_or(""),
            self.reason.map_or("", Reason::word),
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
        fact.reason.map_or("", Reason::word),
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
            reason: Some(Reason::Amount),
            ..installment_fact()
        };
        assert_ne!(a, finding_id(FindingType::Unpaid, &other_reason));
        // …and nothing else does: not what the sentence says, nor any amount.
        let about = |currency: &str| About::Installment {
            currency: currency.into(),
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
            charges_interest: true,
        };
        let mut one = Finding::new(FindingType::Unpaid, installment_fact(), about("CNY"));
        let mut other = Finding::new(FindingType::Unpaid, installment_fact(), about("USD"));
        one.expected = Some(Decimal::ONE);
        other.expected = Some(Decimal::TWO);
        assert_eq!(one.id, other.id);
        assert_eq!(one.id, a);
        assert_eq!(one.contract_id.as_deref(), Some("C1"));
        assert_eq!(one.installment, Some(1));
    }

    #[test]
    fn ids_hash_the_same_text_as_always() {
        // SHA-256 of `unpaid|C1|2025-01-01|1|||` and of `mis_invoiced|C1|||P1|amount|`:
        // the reason counts by its word, so typed reasons keep every id of earlier runs.
        assert_eq!(
            finding_id(FindingType::Unpaid, &installment_fact()),
            "unpaid-9a9a6d24decb"
        );
        let invoice = Fact {
            contract_id: Some("C1"),
            payout_id: Some("P1"),
            reason: Some(Reason::Amount),
            ..Fact::default()
        };
        assert_eq!(
            finding_id(FindingType::MisInvoiced, &invoice),
            "mis_invoiced-95824150ba1c"
        );
    }

    #[test]
    fn shared_ids_are_made_unique_in_report_order() {
        let fact = Fact {
            subject: Some("bill.csv:5"),
            reason: Some(Reason::Row),
            ..Fact::default()
        };
        let row = |message: &str| About::RejectedRow {
            message: message.into(),
        };
        let mut findings = vec![
            Finding::new(FindingType::RejectedRow, fact, row("in 2024/")),
            Finding::new(FindingType::RejectedRow, fact, row("in 2025/")),
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
