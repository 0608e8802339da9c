//! What a billing reader hands its rows to, and what it says about each table.

use crate::domain::billing::BillingLine;
use crate::domain::expected::RowReason;
use crate::domain::location::Location;
use crate::ruleset::{BillingField, Ruleset};
use rust_decimal::Decimal;

/// The table a header row was recognised as.
#[derive(Debug, Clone)]
pub struct Recognised<'r> {
    /// The ruleset whose billing format matched.
    pub ruleset: &'r Ruleset,
    /// The header's row.
    pub header_row: usize,
    /// Every mapped field and the header texts of its columns, in field order.
    pub columns: Vec<(BillingField, Vec<String>)>,
}

/// Receives the rows of billing tables.
pub trait BillingSink {
    /// A table starts; `recognised` says which format its header matched (None: none did).
    fn begin_table(&mut self, table: &Location, recognised: Option<&Recognised<'_>>);
    /// A normalised line at `row` of the current table.
    fn line(&mut self, row: usize, line: BillingLine<'_>);
    /// A row that cannot be used: where (with column when known), why, and its net amount
    /// when that could still be read (for the control totals).
    fn reject(&mut self, location: Location, reason: RowReason, net_amount: Option<Decimal>);
    /// A row with nothing in it.
    fn blank(&mut self, row: usize);
    /// A title or note row above the header.
    fn above_header(&mut self, row: usize);
    /// A totals row (合计, Total): read and counted, but not a billing line.
    fn totals(&mut self, row: usize, net_amount: Option<Decimal>);
}
