//! A payout received, as the ledger records it (SPEC §2.3).

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
    /// Its row in the ledger.
    pub source: Location,
}
