//! Every file's ledger merged, in file order, into the run's [`BillingTotals`].

use super::bucket::{Bucket, Source};
use super::ledger::{FileLedger, Overlap, Rejection, merge_overlaps};
use super::plan::ContractPlan;
use crate::domain::controls::{TableControl, Tally};
use crate::domain::finding::SourceRows;
use crate::domain::location::Location;
use crate::domain::money::Overflow;
use crate::domain::period::YearMonth;
use std::collections::BTreeMap;

/// Lines of one kind with the tables they came from (global table numbers).
pub type TalliedTables = (Tally, Vec<usize>);

/// The billing ledgers of all files merged in file order, tables numbered globally.
#[derive(Debug)]
pub struct BillingTotals {
    /// Control totals per table, in file order.
    pub tables: Vec<TableControl>,
    /// Per contract, per segment.
    pub buckets: Vec<Vec<Bucket>>,
    /// Per (account, month, currency).
    pub uncovered: BTreeMap<(String, YearMonth, String), TalliedTables>,
    /// Per (contract, account, month, currency).
    pub currency_mismatches: BTreeMap<(usize, String, YearMonth, String), TalliedTables>,
    /// Lines covered twice: (account, chosen, other) → tally and first/last date.
    pub overlaps: BTreeMap<(String, usize, usize), Overlap>,
    /// Unknown products per (contract, product).
    pub unknown_products: BTreeMap<(usize, String), Tally>,
    /// Rejected rows kept one by one.
    pub rejections: Vec<Rejection>,
    /// Per file, rejected rows beyond those kept.
    pub rejections_not_kept: Vec<(String, u64)>,
}

impl BillingTotals {
    /// Empty totals with one bucket per contract segment.
    pub fn new(plans: &[ContractPlan]) -> Self {
        BillingTotals {
            tables: Vec::new(),
            buckets: plans
                .iter()
                .map(|plan| vec![Bucket::default(); plan.segments.len()])
                .collect(),
            uncovered: BTreeMap::new(),
            currency_mismatches: BTreeMap::new(),
            overlaps: BTreeMap::new(),
            unknown_products: BTreeMap::new(),
            rejections: Vec::new(),
            rejections_not_kept: Vec::new(),
        }
    }

    /// Adds one file's ledger; call in file order.
    ///
    /// # Errors
    /// On overflow.
    pub fn absorb(&mut self, ledger: FileLedger) -> Result<(), Overflow> {
        let offset = self.tables.len();
        let file = ledger
            .tables
            .first()
            .map(|table| table.table.file.to_string())
            .unwrap_or_default();
        // Sorted so the merge order (and with it every row-range list) is fixed.
        let mut buckets: Vec<_> = ledger.buckets.into_iter().collect();
        buckets.sort_by_key(|(key, _)| *key);
        for ((contract, period), bucket) in buckets {
            self.buckets[contract][period].absorb(bucket, offset)?;
        }
        let first_table = offset;
        for (key, tally) in ledger.uncovered {
            let entry = self.uncovered.entry(key).or_default();
            entry.0.merge(&tally)?;
            entry.1.push(first_table);
        }
        for (key, tally) in ledger.currency_mismatches {
            let entry = self.currency_mismatches.entry(key).or_default();
            entry.0.merge(&tally)?;
            entry.1.push(first_table);
        }
        merge_overlaps(&mut self.overlaps, ledger.overlaps)?;
        for (key, tally) in ledger.unknown_products {
            self.unknown_products
                .entry(key)
                .or_default()
                .merge(&tally)?;
        }
        self.rejections.extend(ledger.rejections);
        if ledger.rejections_not_kept > 0 {
            self.rejections_not_kept
                .push((file, ledger.rejections_not_kept));
        }
        self.tables.extend(ledger.tables);
        Ok(())
    }

    /// A bucket's sources as evidence rows, naming their tables.
    pub fn source_rows(&self, bucket: &Bucket) -> Vec<SourceRows> {
        bucket
            .sources
            .iter()
            .map(
                |Source {
                     table,
                     product,
                     group,
                 }| SourceRows {
                    table: self.tables.get(*table).map_or_else(
                        || Location::file("?".into()),
                        |control| control.table.clone(),
                    ),
                    product: product.to_string(),
                    coefficient: group.coefficient,
                    rows: group.base.rows,
                    row_ranges: group.rows.to_string(),
                    base: group.base.amount,
                    weighted_base: group.weighted_base,
                },
            )
            .collect()
    }

    /// The distinct files of some tables, comma-separated.
    pub fn files_of(&self, tables: &[usize]) -> String {
        let mut files: Vec<String> = tables
            .iter()
            .filter_map(|table| self.tables.get(*table))
            .map(|control| control.table.file.to_string())
            .collect();
        files.dedup();
        files.join(", ")
    }
}
