//! What one billing file contributed ([`FileLedger`]), and the rows it rejected.

use super::bucket::Bucket;
use crate::domain::controls::{TableControl, Tally};
use crate::domain::location::Location;
use crate::domain::money::Overflow;
use crate::domain::period::YearMonth;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as FastMap;
use std::collections::BTreeMap;

/// A rejected input row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Where.
    pub location: Location,
    /// Why.
    pub reason: crate::domain::expected::RowReason,
    /// Net amount, when readable.
    pub amount: Option<Decimal>,
}

/// Rejected rows kept individually per file; beyond this they are only counted, so a
/// hostile file cannot flood memory or the report.
pub const MAX_REJECTIONS_PER_FILE: usize = 1000;

/// Everything one billing file contributed. Tables are numbered within the file.
#[derive(Debug, Default)]
pub struct FileLedger {
    /// Control totals per table.
    pub tables: Vec<TableControl>,
    /// Per (contract, segment).
    pub buckets: FastMap<(usize, usize), Bucket>,
    /// Uncovered spend per (account, month, currency).
    pub uncovered: BTreeMap<(String, YearMonth, String), Tally>,
    /// Currency mismatches per (contract, account, month, currency).
    pub currency_mismatches: BTreeMap<(usize, String, YearMonth, String), Tally>,
    /// Lines covered by more than one contract: (account, chosen, other) → tally and dates.
    pub overlaps: BTreeMap<(String, usize, usize), Overlap>,
    /// Unknown products per (contract, product).
    pub unknown_products: BTreeMap<(usize, String), Tally>,
    /// Rejected rows (first [`MAX_REJECTIONS_PER_FILE`]).
    pub rejections: Vec<Rejection>,
    /// Rejected rows beyond the kept ones.
    pub rejections_not_kept: u64,
}

impl FileLedger {
    /// Adds the ledger of the next part of the same file (a large CSV read in parts), so
    /// the result is what reading the whole file in one go gives.
    ///
    /// # Errors
    /// When amounts overflow.
    pub fn append(&mut self, later: FileLedger) -> Result<(), Overflow> {
        let mut tables = later.tables.into_iter();
        match (self.tables.last_mut(), tables.next()) {
            (Some(current), Some(continued)) => current.append(continued)?,
            (None, Some(first)) => self.tables.push(first),
            (_, None) => {}
        }
        self.tables.extend(tables);
        let mut buckets: Vec<_> = later.buckets.into_iter().collect();
        buckets.sort_by_key(|(key, _)| *key);
        for (key, bucket) in buckets {
            self.buckets.entry(key).or_default().absorb(bucket, 0)?;
        }
        for (key, tally) in later.uncovered {
            self.uncovered.entry(key).or_default().merge(&tally)?;
        }
        for (key, tally) in later.currency_mismatches {
            self.currency_mismatches
                .entry(key)
                .or_default()
                .merge(&tally)?;
        }
        merge_overlaps(&mut self.overlaps, later.overlaps)?;
        for (key, tally) in later.unknown_products {
            self.unknown_products
                .entry(key)
                .or_default()
                .merge(&tally)?;
        }
        for rejection in later.rejections {
            if self.rejections_not_kept == 0 && self.rejections.len() < MAX_REJECTIONS_PER_FILE {
                self.rejections.push(rejection);
            } else {
                self.rejections_not_kept += 1;
            }
        }
        self.rejections_not_kept += later.rejections_not_kept;
        Ok(())
    }
}

/// The lines of one account two contracts cover, and the first and last day seen.
pub type Overlap = (Tally, NaiveDate, NaiveDate);

/// Adds `later`'s overlaps into `into`: tallies summed, the days widened.
///
/// # Errors
/// On overflow.
pub(super) fn merge_overlaps(
    into: &mut BTreeMap<(String, usize, usize), Overlap>,
    later: BTreeMap<(String, usize, usize), Overlap>,
) -> Result<(), Overflow> {
    for (key, (tally, first, last)) in later {
        let entry = into.entry(key).or_insert((Tally::default(), first, last));
        entry.0.merge(&tally)?;
        entry.1 = entry.1.min(first);
        entry.2 = entry.2.max(last);
    }
    Ok(())
}
