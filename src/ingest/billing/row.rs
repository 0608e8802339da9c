//! One data row the long way: every documented form read, every failure explained with
//! its column.

use super::totals::is_totals_word;
use crate::domain::billing::BillingLine;
use crate::domain::currency::normalize_currency;
use crate::domain::expected::{EMPTY, Expected, Kind, RowReason};
use crate::ingest::cell::Cell;
use crate::ingest::value::{self, ValueError};
use crate::ruleset::{BillingField, BillingFormat, ColumnIndex, MonthSource};
use rust_decimal::Decimal;
use std::borrow::Cow;

/// Why a row could not be normalised.
pub(super) struct Failure {
    pub(super) field: BillingField,
    /// The column at fault, when known.
    pub(super) column: Option<usize>,
    pub(super) message: RowReason,
}

/// One data row seen through its format: blank words read as empty cells.
pub(super) struct Row<'c> {
    pub(super) format: &'c BillingFormat,
    pub(super) cells: &'c [Cell],
}

impl<'c> Row<'c> {
    fn at(&self, index: usize) -> &'c Cell {
        const EMPTY: &Cell = &Cell::Empty;
        match self.cells.get(index) {
            Some(Cell::Text(text)) if self.format.is_blank_word(text) => EMPTY,
            Some(cell) => cell,
            None => EMPTY,
        }
    }

    /// The first (usually only) column of a field.
    pub(super) fn get(&self, columns: &ColumnIndex, field: BillingField) -> &'c Cell {
        const EMPTY: &Cell = &Cell::Empty;
        columns
            .get(&field)
            .and_then(|indices| indices.first())
            .map_or(EMPTY, |index| self.at(*index))
    }

    fn column(columns: &ColumnIndex, field: BillingField) -> Option<usize> {
        columns
            .get(&field)
            .and_then(|indices| indices.first())
            .copied()
    }

    fn text(&self, columns: &ColumnIndex, field: BillingField) -> Option<Cow<'c, str>> {
        let text = self.get(columns, field).as_text();
        (!text.is_empty()).then_some(text)
    }

    /// A row is a totals row when a cell says so (合计, Total) and it names no account.
    pub(super) fn is_totals(&self, columns: &ColumnIndex) -> bool {
        let is_word = |cell: &Cell| is_totals_word(&cell.as_text());
        let account = self.get(columns, BillingField::AccountId);
        (account.is_empty() || is_word(account)) && self.cells.iter().any(is_word)
    }

    /// The net amount, when it can be read (for the control totals of rejected rows).
    pub(super) fn net_amount(&self, columns: &ColumnIndex) -> Option<Decimal> {
        self.amount(columns, BillingField::NetAmount).ok().flatten()
    }

    /// An amount field: the sum of its columns; `None` when every column is empty.
    fn amount(
        &self,
        columns: &ColumnIndex,
        field: BillingField,
    ) -> Result<Option<Decimal>, Failure> {
        let Some(indices) = columns.get(&field) else {
            return Ok(None);
        };
        if self
            .format
            .columns
            .get(&field)
            .is_some_and(|columns| columns.product)
        {
            return Ok(self.product(indices));
        }
        let mut total: Option<Decimal> = None;
        for index in indices {
            let cell = self.at(*index);
            let amount = value::parse_optional_money(cell).map_err(|error| Failure {
                field,
                column: Some(*index),
                message: error.into(),
            })?;
            if let Some(amount) = amount {
                total = Some(
                    total
                        .unwrap_or_default()
                        .checked_add(amount)
                        .ok_or_else(|| Failure {
                            field,
                            column: Some(*index),
                            message: "the sum of the amount columns is too large".into(),
                        })?,
                );
            }
        }
        Ok(total)
    }

    /// A price times a quantity (Azure EA's PayGPrice × Quantity): `None` when a factor is
    /// empty or unreadable — no list amount is known, which only a `list`-base contract
    /// needs, and it rejects the row saying so.
    fn product(&self, indices: &[usize]) -> Option<Decimal> {
        indices.iter().try_fold(Decimal::ONE, |product, index| {
            let factor = value::parse_optional_money(self.at(*index)).ok()??;
            product.checked_mul(factor)
        })
    }

    /// Normalises the row; `product` is the resolved product (None when the cell is empty).
    pub(super) fn parse_line(
        &self,
        columns: &ColumnIndex,
        product: Option<(&'c str, bool, u32)>,
    ) -> Result<BillingLine<'c>, Failure> {
        let format = self.format;
        let fail = |field: BillingField| {
            move |error: ValueError| Failure {
                field,
                column: Row::column(columns, field),
                message: error.into(),
            }
        };
        let missing = |field: BillingField, what: Expected| Failure {
            field,
            column: Row::column(columns, field),
            message: RowReason::Cell {
                expected: what,
                found: EMPTY.to_string(),
            },
        };
        let account_id = self.text(columns, BillingField::AccountId).ok_or_else(|| {
            missing(
                BillingField::AccountId,
                Expected::new(Kind::AccountId, "a billing account id"),
            )
        })?;
        if self.get(columns, BillingField::AccountId).digits_lost() {
            return Err(Failure {
                field: BillingField::AccountId,
                column: Row::column(columns, BillingField::AccountId),
                message: format!(
                    "account id {account_id} is a number of more than 15 digits, so Excel has already lost its last digits; store account ids as text"
                ).into(),
            });
        }
        if in_scientific_notation(&account_id) {
            return Err(Failure {
                field: BillingField::AccountId,
                column: Row::column(columns, BillingField::AccountId),
                message: format!(
                    "expected a billing account id, found `{account_id}`: a long number as Excel shows it in scientific notation, its last digits lost; export the bill again without opening and saving it in Excel, or format the column as text"
                ).into(),
            });
        }
        // A period start written in another zone than the bill's (FOCUS in UTC for a
        // China-time month) says by how much the row's charge time must move too.
        let (month, shift) = match (
            columns.contains_key(&BillingField::BillingMonth),
            format.billing_month,
        ) {
            (false, _) => (None, 0),
            (true, MonthSource::PeriodStart) => {
                let (month, shift) = value::parse_period_start(
                    self.get(columns, BillingField::BillingMonth),
                    format.date_order,
                )
                .map_err(fail(BillingField::BillingMonth))?;
                (Some(month), shift)
            }
            // A month not yet invoiced (Azure MCA): the charge date's month, below. A row
            // with neither is rejected for its blank month, as in any other format.
            (true, MonthSource::Month)
                if format.open_months
                    && self.get(columns, BillingField::BillingMonth).is_empty()
                    && !self.get(columns, BillingField::Date).is_empty() =>
            {
                (None, 0)
            }
            (true, MonthSource::Month) => (
                Some(
                    value::parse_month_in(
                        self.get(columns, BillingField::BillingMonth),
                        format.date_order,
                        false,
                    )
                    .map_err(fail(BillingField::BillingMonth))?,
                ),
                0,
            ),
        };
        let date = value::parse_optional_date_shifted(
            self.get(columns, BillingField::Date),
            format.date_order,
            shift,
        )
        .map_err(fail(BillingField::Date))?;
        let billing_month = if let Some(month) = month {
            month
        } else {
            let date = date.ok_or_else(|| {
                missing(
                    BillingField::Date,
                    Expected::new(
                        Kind::ChargeDate,
                        "a charge date (the export has no billing-month column, so the month is the date's)",
                    ),
                )
            })?;
            value::YearMonth::of(date)
        };
        let (product, product_known, product_number) = product.ok_or_else(|| {
            missing(
                BillingField::Product,
                Expected::new(Kind::Product, "a product name"),
            )
        })?;
        let order_type = self.text(columns, BillingField::OrderType);
        let refund = order_type
            .as_deref()
            .is_some_and(|order_type| format.is_refund(order_type));
        // Exports disagree on whether refund rows carry a minus sign; a refund always
        // reduces the base, so both readings give the same negative amount.
        let signed = |amount: Decimal| {
            if refund && amount.is_sign_positive() {
                -amount
            } else {
                amount
            }
        };
        let list_amount = self
            .amount(columns, BillingField::ListAmount)?
            .map(|amount| normalise_zero(signed(amount)));
        let discount = signed(
            self.amount(columns, BillingField::Discount)?
                .unwrap_or_default(),
        );
        let voucher = signed(
            self.amount(columns, BillingField::Voucher)?
                .unwrap_or_default(),
        );
        let net_amount = signed(self.amount(columns, BillingField::NetAmount)?.ok_or_else(
            || {
                missing(
                    BillingField::NetAmount,
                    Expected::new(Kind::Amount, "an amount such as 1,234.50"),
                )
            },
        )?);
        let currency = match (self.text(columns, BillingField::Currency), &format.currency) {
            (Some(text), _) => match &text {
                // Borrow from the row when the cell already holds the code (the usual case).
                Cow::Borrowed(borrowed) => normalize_currency(borrowed),
                Cow::Owned(owned) => {
                    normalize_currency(owned).map(|code| Cow::Owned(code.into_owned()))
                }
            }
            .ok_or_else(|| Failure {
                field: BillingField::Currency,
                column: Row::column(columns, BillingField::Currency),
                message: RowReason::Cell {
                    expected: Expected::new(
                        Kind::Currency,
                        "an ISO currency code such as CNY or USD",
                    ),
                    found: format!("`{text}`"),
                },
            })?,
            (None, Some(default)) => Cow::Borrowed(default.as_str()),
            (None, None) => {
                return Err(missing(
                    BillingField::Currency,
                    Expected::new(Kind::Currency, "a currency code such as CNY"),
                ));
            }
        };
        Ok(BillingLine {
            account_id,
            billing_month,
            date,
            product,
            product_known,
            product_number: Some(product_number),
            order_type,
            instance_id: self.text(columns, BillingField::InstanceId),
            list_amount,
            discount: normalise_zero(discount),
            voucher: normalise_zero(voucher),
            net_amount: normalise_zero(net_amount),
            currency,
        })
    }
}

/// `-0` would print as `-0.00`.
pub(super) fn normalise_zero(mut amount: Decimal) -> Decimal {
    if amount.is_zero() {
        amount.set_sign_positive(true);
    }
    amount
}

/// Whether an account id is a number in scientific notation (`1.00012E+11`): what Excel
/// shows for a long number and writes back to a CSV saved from it, the digits beyond the
/// sixth gone. Read as an id it would match no contract and the row's spend would vanish.
pub(super) fn in_scientific_notation(text: &str) -> bool {
    let Some((mantissa, exponent)) = text.split_once(['E', 'e']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
    [whole, fraction, exponent]
        .iter()
        .all(|part| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit()))
}
