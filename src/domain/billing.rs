//! A billing line after normalisation (docs/INPUTS.md): what every provider's export becomes.

use super::period::YearMonth;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::borrow::Cow;

/// One normalised billing line. It borrows its text from the row it was read from (the
/// hot path allocates nothing per line), and its source location travels beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingLine<'a> {
    /// Billing account id.
    pub account_id: Cow<'a, str>,
    /// Billing month.
    pub billing_month: YearMonth,
    /// Charge or usage date, when the export has one.
    pub date: Option<NaiveDate>,
    /// Product name after alias resolution.
    pub product: &'a str,
    /// Whether the product name matched an alias of the file's ruleset.
    pub product_known: bool,
    /// The reader's number for `product`, when it numbers them: within one reading (a
    /// file, or one part of a file read in parts) lines with the same number have the
    /// same product, so per-line lookups can index by it instead of hashing the name.
    pub product_number: Option<u32>,
    /// Order type, when given.
    pub order_type: Option<Cow<'a, str>>,
    /// Instance id, when given.
    pub instance_id: Option<Cow<'a, str>>,
    /// List amount (原价), when given.
    pub list_amount: Option<Decimal>,
    /// Discount amount (0 when not given).
    pub discount: Decimal,
    /// Voucher/coupon amount (0 when not given).
    pub voucher: Decimal,
    /// Net payable amount.
    pub net_amount: Decimal,
    /// ISO currency code, upper case.
    pub currency: Cow<'a, str>,
}

impl BillingLine<'_> {
    /// The line's date for coverage and periods: its charge date, else the first day of
    /// its billing month (docs/ARITHMETIC.md).
    pub fn effective_date(&self) -> NaiveDate {
        self.date.unwrap_or_else(|| self.billing_month.first_day())
    }
}
