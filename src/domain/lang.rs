//! The language people read: every finding's `detail` sentence and the computation trail
//! that `explain` and the evidence files print, in English (the default) or Chinese
//! (`--lang zh`). Machine fields — types, reasons, ids, JSON keys, status words — stay
//! English whatever the language, so scripts and finding ids never depend on it.
//!
//! Each sentence is written at the place that builds it, the English and the Chinese side
//! by side (`match lang { En => …, Zh => … }`); this module holds only the pieces they
//! share: money with its unit, period labels, counts and the words for invoice types.

use super::contract::InvoiceKind;
use super::money::format_money_grouped;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// The language of the sentences in the reports and of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese (简体中文).
    Zh,
}

impl Lang {
    /// `en` or `zh`.
    pub fn word(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The English or the Chinese text.
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

/// Money for a sentence, grouped in thousands. English shows the amount alone (as every
/// report always has); Chinese adds the unit: `12,000.00 元` for CNY, `1,250.00 USD`
/// for any other currency, nothing when the currency is unknown (`""`).
pub fn money(amount: Decimal, currency: &str, lang: Lang) -> String {
    let grouped = format_money_grouped(amount);
    match lang {
        Lang::En => grouped,
        Lang::Zh if currency.is_empty() => grouped,
        Lang::Zh if currency.eq_ignore_ascii_case("CNY") => format!("{grouped} 元"),
        Lang::Zh => format!("{grouped} {currency}"),
    }
}

/// A settlement period as a person names it: `2025-06` for a calendar month, `2025-Q2`
/// for a calendar quarter, `2025` for a calendar year, else its first and last day
/// (`2025-05-01 to 2025-06-30`, `2025-05-01 至 2025-06-30`).
pub fn period(first: NaiveDate, last: NaiveDate, lang: Lang) -> String {
    let month_end = |date: NaiveDate| date.succ_opt().is_none_or(|next| next.day() == 1);
    if first.day() == 1 && month_end(last) && first.year() == last.year() {
        let months = last.month() as i64 - first.month() as i64 + 1;
        if months == 1 {
            return format!("{:04}-{:02}", first.year(), first.month());
        }
        if months == 3 && first.month() % 3 == 1 {
            return format!("{:04}-Q{}", first.year(), first.month() / 3 + 1);
        }
        if months == 12 {
            return format!("{:04}", first.year());
        }
    }
    range(first, last, lang)
}

/// `2025-05-01 to 2025-06-30`, `2025-05-01 至 2025-06-30`.
pub fn range(first: NaiveDate, last: NaiveDate, lang: Lang) -> String {
    format!("{first} {} {last}", lang.pick("to", "至"))
}

/// `1 line`, `2 lines`, `2 行`.
pub fn count(number: u64, noun_en: &str, noun_zh: &str, lang: Lang) -> String {
    match lang {
        Lang::En if number == 1 => format!("1 {noun_en}"),
        Lang::En => format!("{number} {noun_en}s"),
        Lang::Zh => format!("{number} {noun_zh}"),
    }
}

/// The name of an invoice type: the contract word in English, the tax term in Chinese.
pub fn invoice_kind(kind: InvoiceKind, lang: Lang) -> String {
    match lang {
        Lang::En => kind.to_string(),
        Lang::Zh => match kind {
            InvoiceKind::None => "无需发票".into(),
            InvoiceKind::VatSpecial => "增值税专用发票".into(),
            InvoiceKind::VatGeneral => "增值税普通发票".into(),
            InvoiceKind::CreditNote => "红字发票".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::{d, day};

    #[test]
    fn money_carries_its_unit_in_chinese_only() {
        assert_eq!(money(d("12000"), "CNY", Lang::En), "12,000.00");
        assert_eq!(money(d("12000"), "CNY", Lang::Zh), "12,000.00 元");
        assert_eq!(money(d("-1250.5"), "USD", Lang::Zh), "-1,250.50 USD");
        assert_eq!(money(d("8000"), "", Lang::Zh), "8,000.00");
    }

    #[test]
    fn periods_are_named_as_people_name_them() {
        let label = |first, last| period(day(first), day(last), Lang::En);
        assert_eq!(label("2025-06-01", "2025-06-30"), "2025-06");
        assert_eq!(label("2024-02-01", "2024-02-29"), "2024-02");
        assert_eq!(label("2024-10-01", "2024-12-31"), "2024-Q4");
        assert_eq!(label("2025-01-01", "2025-12-31"), "2025");
        assert_eq!(
            label("2025-05-01", "2025-06-30"),
            "2025-05-01 to 2025-06-30"
        );
        assert_eq!(
            label("2025-04-01", "2025-04-29"),
            "2025-04-01 to 2025-04-29"
        );
        assert_eq!(
            period(day("2024-05-01"), day("2025-04-30"), Lang::Zh),
            "2024-05-01 至 2025-04-30"
        );
    }

    #[test]
    fn counts_and_invoice_kinds() {
        assert_eq!(count(1, "line", "行", Lang::En), "1 line");
        assert_eq!(count(3, "line", "行", Lang::En), "3 lines");
        assert_eq!(count(3, "line", "行", Lang::Zh), "3 行");
        assert_eq!(
            invoice_kind(InvoiceKind::VatSpecial, Lang::Zh),
            "增值税专用发票"
        );
        assert_eq!(
            invoice_kind(InvoiceKind::VatSpecial, Lang::En),
            "vat_special"
        );
    }
}
