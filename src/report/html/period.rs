//! Each settlement period's trail, taken from the audit's installments and each
//! contract's billing rows — never from a finding — so a period's computation is there once
//! whatever number of findings refer to it. A period is named by its stable key,
//! `<contract_id>/<period_start>` (`C-001/2024-01-01`), the same key the other reports use.

use crate::domain::audit::{Audit, ContractResult};
use crate::domain::finding::{PeriodKey, SourceRows};
use crate::domain::installment::InstallmentRecord;
use chrono::NaiveDate;

/// One settlement period of a contract: its installment records (each carrying the
/// period's whole computation, the installment's own part aside) and its billing rows.
pub(super) struct Period<'a> {
    /// Its key, as the audit and every report name it.
    pub key: &'a PeriodKey,
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
        self.key.to_string()
    }
}

/// A contract's periods that have installments, in order: each period's trail as its
/// contract's result holds it, with the records the audit has for its key
/// ([`Audit::installments_in`]) — the one lookup the other reports use too.
pub(super) fn periods_of<'a>(
    audit: &'a Audit,
    result: &'a ContractResult,
) -> impl Iterator<Item = Period<'a>> {
    result.periods.iter().filter_map(|trail| {
        let records = audit.installments_in(&trail.key);
        Some(Period {
            key: &trail.key,
            start: trail.key.period_start,
            end: records.first()?.period_end,
            records,
            source_rows: &trail.source_rows,
        })
    })
}
