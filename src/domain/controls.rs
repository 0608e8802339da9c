//! Control totals (docs/ARITHMETIC.md): every input row is used, excluded with a reason, or rejected,
//! per billing table and per ledger table.

use super::location::Location;
use super::money::{self, Overflow};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Rows and an amount.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// How many rows.
    pub rows: u64,
    /// Their summed amount.
    pub amount: Decimal,
}

impl Tally {
    /// Counts one more row of this amount.
    ///
    /// # Errors
    /// On overflow.
    pub fn add(&mut self, amount: Decimal) -> Result<(), Overflow> {
        self.amount = money::add(self.amount, amount)?;
        self.rows += 1;
        Ok(())
    }

    /// Adds another tally.
    ///
    /// # Errors
    /// On overflow.
    pub fn merge(&mut self, other: &Tally) -> Result<(), Overflow> {
        self.amount = money::add(self.amount, other.amount)?;
        self.rows += other.rows;
        Ok(())
    }
}

/// Why a readable line was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Exclusion {
    /// No contract covers its account on its date.
    Uncovered,
    /// A contract covers it, but in another currency.
    CurrencyMismatch,
}

impl Exclusion {
    /// The word used in control totals.
    pub fn word(self) -> &'static str {
        match self {
            Exclusion::Uncovered => "uncovered",
            Exclusion::CurrencyMismatch => "currency_mismatch",
        }
    }
}

/// Control totals for one billing table (docs/ARITHMETIC.md: read = attributed + excluded + rejected).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableControl {
    /// The table.
    pub table: Location,
    /// The ruleset whose layout recognised it.
    pub layout: Option<String>,
    /// Data rows read (blank rows not counted) and their net amounts.
    pub read: Tally,
    /// Rows attributed to a contract.
    pub attributed: Tally,
    /// Rows excluded, by reason.
    pub excluded: BTreeMap<Exclusion, Tally>,
    /// Rows rejected (amount: what could be read of their net amount).
    pub rejected: Tally,
    /// Blank rows skipped.
    pub blank_rows: u64,
    /// Title or note rows above the header, which are not data.
    pub rows_above_header: u64,
    /// Totals rows (合计, Total) and what they were checked against.
    pub totals_rows: Vec<TotalsRow>,
}

/// A totals row of an export, checked against the rows above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalsRow {
    /// Its row.
    pub row: usize,
    /// The net amount it states, when readable.
    pub stated: Option<Decimal>,
    /// The data rows read above it and their net amounts (rejected rows whose amount was
    /// unreadable add nothing).
    pub above: Tally,
}

impl TableControl {
    /// Adds the counts of a later part of the same table.
    ///
    /// # Errors
    /// On overflow.
    pub fn append(&mut self, later: TableControl) -> Result<(), Overflow> {
        let read_before = self.read;
        self.read.merge(&later.read)?;
        self.attributed.merge(&later.attributed)?;
        for (reason, tally) in later.excluded {
            self.excluded.entry(reason).or_default().merge(&tally)?;
        }
        self.rejected.merge(&later.rejected)?;
        self.blank_rows += later.blank_rows;
        self.rows_above_header += later.rows_above_header;
        for mut totals in later.totals_rows {
            // A totals row in a later part checks every row above it in the file.
            let within = totals.above;
            totals.above = read_before;
            totals.above.merge(&within)?;
            self.totals_rows.push(totals);
        }
        Ok(())
    }
}

/// Control counts for one ledger table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerTable {
    /// The table.
    pub table: Location,
    /// Data rows read.
    pub rows: u64,
    /// Rows that became payouts.
    pub used: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// Blank rows skipped.
    pub blank: u64,
    /// Sum of the amounts that could be read.
    pub amount: Decimal,
    /// Sum of the used payouts' amounts.
    pub used_amount: Decimal,
}

impl LedgerTable {
    /// A table about to be read: nothing counted yet.
    pub fn empty(table: Location) -> LedgerTable {
        LedgerTable {
            table,
            rows: 0,
            used: 0,
            rejected: 0,
            blank: 0,
            amount: Decimal::ZERO,
            used_amount: Decimal::ZERO,
        }
    }
}
