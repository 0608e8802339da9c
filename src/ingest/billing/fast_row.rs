//! The billing hot path: a CSV record read straight from its fields when every value is in
//! its plain form, with the last row's date, month and currency recognised by one word
//! compare.

use super::totals::is_totals_word;
use crate::domain::currency::normalize_currency;
use crate::ingest::cell::trimmed;
use crate::ingest::table::Fields;
use crate::ingest::value::{self, YearMonth};
use crate::ruleset::{BillingField, BillingFormat, ColumnIndex, MonthSource};
use rust_decimal::Decimal;

/// A CSV row read straight from its bytes, for the common case only: every value in its
/// plain form (ISO dates and months, amounts like `-1234.50`, an upper-case currency code),
/// no blank word, an account that is not a totals word. Anything else is `None` and the row
/// takes the long way through [`Row`](super::row::Row), which reads every form and explains
/// every error; on the rows both accept they agree exactly (the fast value parsers are
/// tested against the full ones).
pub(super) struct FastRow<'r> {
    pub(super) account_id: &'r str,
    pub(super) billing_month: YearMonth,
    pub(super) date: Option<chrono::NaiveDate>,
    pub(super) product: &'r str,
    /// `product`'s word, `NO_WORD` when it has none (trimmed or longer than a word).
    pub(super) product_word: (u128, usize),
    pub(super) order_type: Option<&'r str>,
    pub(super) instance_id: Option<&'r str>,
    pub(super) list_amount: Option<Decimal>,
    pub(super) discount: Decimal,
    pub(super) voucher: Decimal,
    pub(super) net_amount: Decimal,
    pub(super) currency: &'r str,
}

/// Where each field's columns are, flat: the first column of every field, and every
/// summand column of the amounts (a `BTreeMap` lookup per field per line is too slow).
#[derive(Clone, Debug)]
pub(super) struct Slots {
    first: [Option<usize>; BillingField::ALL.len()],
    amounts: [Vec<usize>; BillingField::ALL.len()],
    /// The column of an amount read from exactly one column (the usual layout).
    single: [Option<usize>; BillingField::ALL.len()],
    /// No blank word of the format reads as a plain amount, so a field that does is
    /// never blank (see [`FastRow::amount`]).
    plain_amounts_never_blank: bool,
    /// The currencies amount headers name as their unit (`Cost (USD)`): a row in another
    /// currency takes the long way, which rejects it. Empty for most tables.
    units: Vec<&'static str>,
    /// Whether a field is the product of its columns ([`FieldColumns::product`]).
    ///
    /// [`FieldColumns::product`]: crate::ruleset::FieldColumns::product
    product: [bool; BillingField::ALL.len()],
}

impl Slots {
    pub(super) fn of(
        columns: &ColumnIndex,
        format: &BillingFormat,
        units: &[(String, &'static str)],
    ) -> Slots {
        let mut slots = Slots {
            first: [None; BillingField::ALL.len()],
            amounts: Default::default(),
            single: [None; BillingField::ALL.len()],
            plain_amounts_never_blank: format
                .blank
                .iter()
                .all(|word| value::plain_amount(word.trim().as_bytes()).is_none()),
            units: units.iter().map(|(_, currency)| *currency).collect(),
            product: [false; BillingField::ALL.len()],
        };
        for (field, columns) in &format.columns {
            slots.product[*field as usize] = columns.product;
        }
        for (field, indices) in columns {
            slots.first[*field as usize] = indices.first().copied();
            slots.amounts[*field as usize] = indices.clone();
            if let [index] = indices.as_slice() {
                slots.single[*field as usize] = Some(*index);
            }
        }
        slots
    }

    #[inline]
    fn first(&self, field: BillingField) -> Option<usize> {
        self.first[field as usize]
    }
}

/// The values of the previous row the fast path read, kept with their field's bytes
/// ([`Fields::word`]): exports repeat a month, a date and a currency over many rows, so
/// comparing one word replaces the parse. A word is kept only for a field read as it
/// stands (nothing trimmed), so equal bytes are an equal value.
#[derive(Debug, Clone)]
pub(super) struct LastValues {
    date: ((u128, usize), chrono::NaiveDate),
    month: ((u128, usize), YearMonth),
    currency: (u128, usize),
}

/// A word no field has (its length is impossible).
pub(super) const NO_WORD: (u128, usize) = (0, usize::MAX);

impl Default for LastValues {
    fn default() -> Self {
        LastValues {
            date: (NO_WORD, chrono::NaiveDate::MIN),
            month: (NO_WORD, YearMonth::of(chrono::NaiveDate::MIN)),
            currency: NO_WORD,
        }
    }
}

/// The word of field `index` when the field is `text` as it stands (not trimmed).
fn word_as_read(fields: &Fields<'_>, index: usize, text: &str) -> (u128, usize) {
    match fields.word(index) {
        Some(word) if word.1 == text.len() => word,
        _ => NO_WORD,
    }
}

impl<'r> FastRow<'r> {
    /// Field `index` trimmed; `None` when it is a blank word (the long way reads it as
    /// empty) or missing.
    #[inline(always)]
    fn text(format: &BillingFormat, fields: &Fields<'r>, index: usize) -> Option<&'r str> {
        let value = trimmed(fields.get(index)?);
        // A blank word needs the long way (it reads as empty there).
        (!format.is_blank_word(value)).then_some(value)
    }

    /// A text field: `Some(None)` when the layout has no column for it or it is empty.
    #[inline(always)]
    fn optional(
        format: &BillingFormat,
        slots: &Slots,
        fields: &Fields<'r>,
        field: BillingField,
    ) -> Option<Option<&'r str>> {
        match slots.first(field) {
            None => Some(None),
            Some(index) => {
                Self::text(format, fields, index).map(|value| (!value.is_empty()).then_some(value))
            }
        }
    }

    /// An amount field, summed over its columns: `Some(None)` when every column is empty,
    /// `None` when a value is not a plain amount (the long way reads it).
    #[inline(always)]
    fn amount(
        format: &BillingFormat,
        slots: &Slots,
        fields: &Fields<'r>,
        field: BillingField,
    ) -> Option<Option<Decimal>> {
        // One column holding a plain amount, which no blank word is: nothing to trim (a
        // plain amount starts and ends with a digit or a sign) and nothing to sum.
        if slots.plain_amounts_never_blank
            && let Some(index) = slots.single[field as usize]
            && let Some((word, length)) = fields.word(index)
            && let Some(amount) = value::plain_amount_word(word, length)
        {
            return Some(Some(amount));
        }
        if slots.product[field as usize] {
            return Self::product(format, slots, fields, field);
        }
        let mut total: Option<Decimal> = None;
        for index in &slots.amounts[field as usize] {
            let value = Self::text(format, fields, *index)?;
            if value.is_empty() {
                continue;
            }
            let amount = value::plain_amount(value.as_bytes())?;
            total = Some(match total {
                None => amount,
                Some(sum) => sum.checked_add(amount)?,
            });
        }
        Some(total)
    }

    /// A product of columns: `Some(None)` when a factor is empty, `None` when one is not a
    /// plain amount (the long way reads it, and takes an unreadable factor for no value).
    fn product(
        format: &BillingFormat,
        slots: &Slots,
        fields: &Fields<'r>,
        field: BillingField,
    ) -> Option<Option<Decimal>> {
        let mut product = Decimal::ONE;
        for index in &slots.amounts[field as usize] {
            let value = Self::text(format, fields, *index)?;
            if value.is_empty() {
                return Some(None);
            }
            product = product.checked_mul(value::plain_amount(value.as_bytes())?)?;
        }
        Some(Some(product))
    }

    pub(super) fn read(
        format: &'r BillingFormat,
        slots: &Slots,
        fields: &Fields<'r>,
        last: &mut LastValues,
    ) -> Option<FastRow<'r>> {
        let optional = |field: BillingField| Self::optional(format, slots, fields, field);
        let amount = |field: BillingField| Self::amount(format, slots, fields, field);
        let account_id = optional(BillingField::AccountId)??;
        // Both left to the row reader: a totals row, and an id Excel turned into
        // `1.00012E+11`, which it rejects.
        if is_totals_word(account_id) || super::row::in_scientific_notation(account_id) {
            return None;
        }
        let date = match slots.first(BillingField::Date) {
            None => None,
            // Exports are sorted by date within an account: most rows repeat the last date.
            Some(index) if fields.word(index) == Some(last.date.0) => Some(last.date.1),
            Some(index) => match optional(BillingField::Date)? {
                None => None,
                Some(text) => {
                    let date = value::iso_date(text.as_bytes())?;
                    last.date = (word_as_read(fields, index, text), date);
                    Some(date)
                }
            },
        };
        let billing_month = match (
            slots.first(BillingField::BillingMonth),
            format.billing_month,
        ) {
            (Some(_), MonthSource::PeriodStart) => return None,
            (Some(index), MonthSource::Month) if fields.word(index) == Some(last.month.0) => {
                last.month.1
            }
            (Some(index), MonthSource::Month) => {
                let text = optional(BillingField::BillingMonth)??;
                let month = value::iso_month(text.as_bytes())?;
                last.month = (word_as_read(fields, index, text), month);
                month
            }
            (None, _) => YearMonth::of(date?),
        };
        let product = optional(BillingField::Product)??;
        let product_word = match slots.first(BillingField::Product) {
            Some(index) => word_as_read(fields, index, product),
            None => NO_WORD,
        };
        let currency = match slots.first(BillingField::Currency) {
            Some(index) if fields.word(index) == Some(last.currency) => fields.get(index)?,
            Some(index) => match optional(BillingField::Currency)? {
                // Only a code already in its normal form (`RMB` is `CNY` the long way):
                // three upper-case letters are, but for `RMB`.
                Some(code)
                    if code.len() == 3
                        && code.bytes().all(|byte| byte.is_ascii_uppercase())
                        && code != "RMB" =>
                {
                    last.currency = word_as_read(fields, index, code);
                    code
                }
                Some(code) if normalize_currency(code).as_deref() == Some(code) => code,
                Some(_) => return None,
                None => format.currency.as_deref()?,
            },
            None => format.currency.as_deref()?,
        };
        if !slots.units.is_empty() && slots.units.iter().any(|unit| *unit != currency) {
            return None;
        }
        Some(FastRow {
            account_id,
            billing_month,
            date,
            product,
            product_word,
            order_type: optional(BillingField::OrderType)?,
            instance_id: optional(BillingField::InstanceId)?,
            list_amount: amount(BillingField::ListAmount)?,
            discount: amount(BillingField::Discount)?.unwrap_or_default(),
            voucher: amount(BillingField::Voucher)?.unwrap_or_default(),
            net_amount: amount(BillingField::NetAmount)??,
            currency,
        })
    }
}
