//! A payout received, as the ledger records it (docs/INPUTS.md).

use super::contract::{InvoiceKind, PayoutKind};
use super::location::Location;
use super::period::PeriodRef;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The invoice that came with a payout. Every field is optional in the ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invoice {
    /// Invoice number (发票号码).
    pub number: Option<String>,
    /// Invoice date (开票日期).
    pub date: Option<NaiveDate>,
    /// Total including tax (价税合计).
    pub amount: Option<Decimal>,
    /// VAT rate as a fraction.
    pub tax_rate: Option<Decimal>,
    /// Invoice type.
    pub kind: Option<InvoiceKind>,
    /// Issuer's tax id (开票方税号).
    pub issuer: Option<String>,
}

/// An optional ledger column whose cell, when it cannot be read, leaves the payout kept
/// without it (the cash still counts); each such cell becomes a finding of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PayoutField {
    /// `kind` (方式): the contract's `payout_kind` is used instead.
    Kind,
    /// `invoice_date` (开票日期).
    InvoiceDate,
    /// `invoice_amount` (价税合计).
    InvoiceAmount,
    /// `invoice_tax_rate` (发票税率).
    InvoiceTaxRate,
    /// `invoice_type` (发票类型).
    InvoiceType,
    /// `invoice_issuer` (开票方税号).
    InvoiceIssuer,
    /// `invoice_no` (发票号码) typed as a number too long for a spreadsheet: its last
    /// digits are lost, so it is shown but not matched against other payouts'.
    InvoiceNumber,
}

impl PayoutField {
    /// The column's name in the ledger template.
    pub fn column(self) -> &'static str {
        match self {
            PayoutField::Kind => "kind",
            PayoutField::InvoiceDate => "invoice_date",
            PayoutField::InvoiceAmount => "invoice_amount",
            PayoutField::InvoiceTaxRate => "invoice_tax_rate",
            PayoutField::InvoiceType => "invoice_type",
            PayoutField::InvoiceIssuer => "invoice_issuer",
            PayoutField::InvoiceNumber => "invoice_no",
        }
    }
}

/// An optional cell of a payout's row that could not be read: the payout is kept as if
/// the cell were empty, and the cell is reported (never dropped in silence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadCell {
    /// Which field.
    pub field: PayoutField,
    /// The cell: file, sheet, row and column as its header is written.
    pub location: Location,
    /// What the cell holds, as text.
    pub text: String,
    /// The reader's message: what was expected and what was found.
    pub problem: crate::domain::expected::RowReason,
}

/// One payout row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payout {
    /// Unique id (流水号).
    pub id: String,
    /// The contract it pays.
    pub contract_id: String,
    /// Date received.
    pub paid_on: NaiveDate,
    /// Amount received.
    pub amount: Decimal,
    /// Currency, when the ledger gives one (else the contract's).
    pub currency: Option<String>,
    /// Kind, when the ledger gives one (else the contract's `payout_kind`).
    pub kind: Option<PayoutKind>,
    /// The settlement period it says it pays.
    pub period: Option<PeriodRef>,
    /// The installment it says it pays.
    pub installment: Option<u32>,
    /// Its invoice.
    pub invoice: Invoice,
    /// The bank's or the agent's reference for the transfer (参考号), when the ledger
    /// gives one: what tells two payouts of the same amount on the same day apart.
    pub reference: Option<String>,
    /// Its row in the ledger.
    pub source: Location,
    /// Optional cells that could not be read, in column order; the fields above hold
    /// nothing for them.
    pub unread: Vec<UnreadCell>,
}

impl Payout {
    /// The unread cell of `field`, if that cell could not be read.
    pub fn unread(&self, field: PayoutField) -> Option<&UnreadCell> {
        self.unread.iter().find(|cell| cell.field == field)
    }
}
