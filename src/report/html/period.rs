//! Each settlement period's trail, taken from the audit's installments and each
//! contract's billing rows — never from a finding — so a period's computation is there once
//! whatever number of findings refer to it. A period is named by its stable key,
//! `<contract_id>/<period_start>` (`C-001/2024-01-01`), the same key the other reports use.

use crate::domain::audit::{Audit, ContractResult};
use crate::domain::finding::{Finding, SourceRows};
use crate::domain::installment::InstallmentRecord;
use chrono::NaiveDate;
use std::collections::HashMap;

/// One settlement period of a contract: its installment records (each carrying the
/// period's whole computation, the installment's own part aside) and its billing rows.
pub(super) struct Period<'a> {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Its installments, by number (never empty).
    pub records: &'a [InstallmentRecord],
    /// The billing rows behind its weighted base, per file and product.
    pub source_rows: &'a [SourceRows],
}

impl Period<'_> {
    /// The period's stable key, `<contract_id>/<period_start>`.
    pub(super) fn key(&self) -> String {
        key(&self.records[0].contract_id, self.start)
    }
}

/// A period's stable key.
pub(super) fn key(contract_id: &str, start: NaiveDate) -> String {
    format!("{contract_id}/{start}")
}

/// A contract's periods that have installments, in order: its records are contiguous in
/// [`Audit::installments`], by period then number.
pub(super) fn periods_of<'a>(audit: &'a Audit, result: &'a ContractResult) -> Vec<Period<'a>> {
    let records = audit.installments_of(result);
    let mut periods = Vec::new();
    let mut first = 0;
    while first < records.len() {
        let start = records[first].period_start;
        let end = first
            + records[first..]
                .iter()
                .take_while(|record| record.period_start == start)
                .count();
        let source_rows = result
            .computation
            .periods
            .iter()
            .position(|period| period.range.first == start)
            .and_then(|index| result.periods.get(index))
            .map_or(&[][..], |period| period.source_rows.as_slice());
        periods.push(Period {
            start,
            end: records[first].period_end,
            records: &records[first..end],
            source_rows,
        });
        first = end;
    }
    periods
}

/// Every period of the audit by contract and start, to find a finding's period.
pub(super) struct Periods<'a> {
    by_key: HashMap<&'a str, HashMap<NaiveDate, Period<'a>>>,
}

impl<'a> Periods<'a> {
    pub(super) fn new(audit: &'a Audit) -> Self {
        let mut by_key: HashMap<&str, HashMap<NaiveDate, Period<'a>>> = HashMap::new();
        for result in &audit.contracts {
            let periods = by_key.entry(result.contract.id.as_str()).or_default();
            for period in periods_of(audit, result) {
                periods.insert(period.start, period);
            }
        }
        Periods { by_key }
    }

    /// A finding's period: the one its evidence refers to (an installment's, or the period
    /// an agent's statement is about), found by the same key findings.json writes.
    pub(super) fn of(&self, finding: &Finding) -> Option<&Period<'a>> {
        let key = finding.evidence.period.as_ref()?.key();
        self.by_key
            .get(key.contract_id.as_str())?
            .get(&key.period_start)
    }
}

/// The record of a finding's installment in its period (for the installment's own part
/// of the computation: its number, portion, expectation and due rule).
pub(super) fn record_of<'a>(
    period: &Period<'a>,
    finding: &Finding,
) -> Option<&'a InstallmentRecord> {
    let number = finding.installment?;
    period
        .records
        .iter()
        .find(|record| record.installment == number)
}
