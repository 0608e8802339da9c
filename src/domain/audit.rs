//! The result of an audit: inputs with their hashes, control totals, every contract's
//! computation, every installment and every finding — everything the reports are
//! rendered from, and nothing a stage keeps for itself. No language: the same audit can
//! be rendered in either (`report::i18n`).

use super::baseline::{Change, Changes};
use super::computation::ContractComputation;
use super::contract::Contract;
use super::controls::{LedgerTable, TableControl};
use super::finding::{Finding, PeriodKey, PeriodTrail, Severity};
use super::installment::InstallmentRecord;
use super::payout::Payout;
use chrono::NaiveDate;
use std::sync::Arc;

/// The schema name findings.json carries (docs/USAGE.md); a baseline must carry it too.
pub const FINDINGS_SCHEMA: &str = "rebate-audit/findings/v1";

/// What kind of input a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InputRole {
    /// The contract workbook.
    Contracts,
    /// A billing export.
    Billing,
    /// A payout ledger.
    Payouts,
    /// A billing aggregate's file or manifest (`run --aggregate`, docs/AGGREGATE.md).
    Aggregate,
    /// An agent's statement.
    Statements,
}

impl InputRole {
    /// The word used in reports.
    pub fn word(self) -> &'static str {
        match self {
            InputRole::Contracts => "contracts",
            InputRole::Billing => "billing",
            InputRole::Payouts => "payouts",
            InputRole::Aggregate => "aggregate",
            InputRole::Statements => "statements",
        }
    }
}

/// One input file, for chain of custody.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Its role.
    pub role: InputRole,
    /// Path as given or found.
    pub path: String,
    /// SHA-256 of the bytes parsed; `None` when the file could not be read.
    pub sha256: Option<String>,
    /// Size in bytes.
    pub bytes: u64,
    /// Text encoding, for CSV.
    pub encoding: Option<&'static str>,
    /// Data rows read.
    pub rows: u64,
    /// Hidden sheets, which are not read.
    pub hidden_sheets: Vec<String>,
    /// The billing formats its tables were recognised as (billing files only).
    pub formats: Vec<String>,
}

/// One contract's per-period computation, for evidence files and summaries.
#[derive(Debug, Clone)]
pub struct ContractResult {
    /// The contract.
    pub contract: Contract,
    /// Ruleset in force.
    pub ruleset: String,
    /// Periods, rebates and installments.
    pub computation: ContractComputation,
    /// Each period's trail (computation and billing rows), in period order: stored here
    /// once, shared by the period's installments and findings.
    pub periods: Vec<Arc<PeriodTrail>>,
    /// Where its installments are in [`Audit::installments`] (they are contiguous).
    pub installments: std::ops::Range<usize>,
}

/// Everything an audit found, ready for the reports.
#[derive(Debug, Clone)]
pub struct Audit {
    /// The audit date.
    pub as_of: NaiveDate,
    /// Rulesets in force: (name, origin, sha256).
    pub rulesets: Vec<(String, String, String)>,
    /// Input files in role, then argument order.
    pub inputs: Vec<InputFile>,
    /// Billing control totals, per table.
    pub billing_controls: Vec<TableControl>,
    /// Ledger control totals, per table.
    pub payout_controls: Vec<LedgerTable>,
    /// Agent-statement control totals, per table (amounts: what is payable).
    pub statement_controls: Vec<LedgerTable>,
    /// Per contract, in id order.
    pub contracts: Vec<ContractResult>,
    /// Every installment, by contract, period and number.
    pub installments: Vec<InstallmentRecord>,
    /// Every finding, sorted.
    pub findings: Vec<Finding>,
    /// Every payout read from the ledgers (rejected rows excluded), in ledger order.
    pub payouts: Vec<Payout>,
    /// This run against `--baseline`, when one is given ([`crate::baseline::attach`]).
    pub changes: Option<Changes>,
    /// Each open contract year's projection, in contract order (no finding).
    pub projections: Vec<super::projection::Projection>,
    /// The accruals for the financial close, with the movement since the baseline.
    pub accruals: super::accrual::Accruals,
}

impl Audit {
    /// Whether the run's findings make the exit status 1: any finding at or above
    /// `fail_on`, or with `new_only` (and a baseline) only the new ones.
    pub fn fails(&self, fail_on: Severity, new_only: bool) -> bool {
        self.findings.iter().any(|finding| {
            finding.severity >= fail_on
                && match (&self.changes, new_only) {
                    (Some(changes), true) => changes.change(finding) == Change::New,
                    _ => true,
                }
        })
    }

    /// A contract's installment records, by period and number: a slice, found without
    /// scanning every installment of the audit (reports ask once per period).
    pub fn installments_of(&self, result: &ContractResult) -> &[InstallmentRecord] {
        self.installments
            .get(result.installments.clone())
            .unwrap_or_default()
    }

    /// A contract's result: found by binary search, as contracts are in id order, and
    /// by a scan should an audit put them in another.
    pub fn contract(&self, contract_id: &str) -> Option<&ContractResult> {
        match self
            .contracts
            .binary_search_by(|result| result.contract.id.as_str().cmp(contract_id))
        {
            Ok(at) => self.contracts.get(at),
            Err(_) => self
                .contracts
                .iter()
                .find(|result| result.contract.id == contract_id),
        }
    }

    /// The trail of the period `key` names, when the audit has that period.
    pub fn period(&self, key: &PeriodKey) -> Option<&PeriodTrail> {
        let result = self.contract(&key.contract_id)?;
        let at = result
            .periods
            .binary_search_by(|trail| trail.key.period_start.cmp(&key.period_start))
            .ok()?;
        result.periods.get(at).map(Arc::as_ref)
    }

    /// Every period's trail, by contract and period.
    pub fn periods(&self) -> impl Iterator<Item = &PeriodTrail> {
        self.contracts
            .iter()
            .flat_map(|result| result.periods.iter().map(Arc::as_ref))
    }

    /// The trail of every period a finding names, once, by contract and period:
    /// findings.json's `periods` (a period without findings is in `explain` and the
    /// evidence files, not there).
    pub fn named_periods(&self) -> impl Iterator<Item = &PeriodTrail> {
        self.contracts.iter().flat_map(|result| {
            let named: std::collections::BTreeSet<NaiveDate> = self
                .findings_of(&result.contract.id)
                .iter()
                .filter_map(|finding| finding.evidence.period.as_ref())
                .map(|period| period.key().period_start)
                .collect();
            result
                .periods
                .iter()
                .map(Arc::as_ref)
                .filter(move |trail| named.contains(&trail.key.period_start))
        })
    }

    /// The trail of the period a finding is on (a finding on an installment), resolved
    /// through the audit by its key.
    pub fn trail_of(&self, finding: &Finding) -> Option<&PeriodTrail> {
        self.period(finding.evidence.period.as_ref()?.key())
    }

    /// The installment a finding is on, with its split of the period and what it received.
    pub fn installment_of(&self, finding: &Finding) -> Option<&InstallmentRecord> {
        let reference = finding.evidence.period.as_ref()?;
        self.installments_in(reference.key())
            .iter()
            .find(|record| record.installment == reference.installment)
    }

    /// A contract's findings, in report order: a slice, found by binary search, because
    /// findings are sorted by contract id first ([`Finding::sort_key`]).
    pub fn findings_of(&self, contract_id: &str) -> &[Finding] {
        fn key(finding: &Finding) -> &str {
            finding.contract_id.as_deref().unwrap_or("")
        }
        debug_assert!(
            self.findings
                .windows(2)
                .all(|pair| key(&pair[0]) <= key(&pair[1]))
        );
        let first = self
            .findings
            .partition_point(|finding| key(finding) < contract_id);
        let end =
            first + self.findings[first..].partition_point(|finding| key(finding) == contract_id);
        &self.findings[first..end]
    }

    /// The installment records of the period `key` names, by number: a slice of its
    /// contract's (they are in period order), empty when the audit has no such period.
    pub fn installments_in(&self, key: &PeriodKey) -> &[InstallmentRecord] {
        let Some(result) = self.contract(&key.contract_id) else {
            return &[];
        };
        let records = self.installments_of(result);
        let first = records.partition_point(|record| record.period_start < key.period_start);
        let end = first
            + records[first..].partition_point(|record| record.period_start == key.period_start);
        &records[first..end]
    }
}
