//! `report.xlsx`: the whole audit as one workbook for people who work in Excel — a
//! summary, then one table per sheet (findings, expected installments, payouts, their
//! allocation to installments, rejected rows, control totals). With `--baseline`, the
//! `Findings` sheet has a `change` column (`new` or `persisting`, after the columns of
//! `findings.csv`), a [`RESOLVED_SHEET`] after it lists the baseline's findings that are
//! gone, as the baseline states them, and the `Summary` counts the three.
//!
//! Every table sheet has a bold, frozen header row, an autofilter over the table and fixed
//! column widths. Money is a number cell formatted `#,##0.00` holding the amount rounded to
//! cents exactly as `findings.json` shows it; an amount of more than 15 significant digits,
//! which an Excel number cannot hold exactly, is written as its exact text with a cell note
//! instead (research R2) — our own digits, so without the neutraliser's `'`
//! (`-10000066605424.55`, research R1b). Dates are date cells (`yyyy-mm-dd`), rates are
//! percentages. The workbook holds no formula at all, and every text cell that is not such
//! a number of ours goes through [`tables::neutralise`] (research R1). The creation date
//! in `docProps/core.xml` is the audit's `as_of`, so the same audit gives the same bytes on
//! every run and thread count.

use super::json::{billing_balanced, payout_balanced};
use super::tables::{self, Value, cell_text};
use super::totals::Totals;
use crate::domain::audit::Audit;
use crate::domain::baseline::{BaselineFinding, Changes};
use crate::domain::controls::LedgerTable;
use crate::domain::controls::{Exclusion, TableControl};
use crate::domain::finding::{Finding, FindingType, Severity};
use crate::domain::installment::InstallmentRecord;
use crate::domain::lang::Lang;
use crate::domain::location::Location;
use crate::domain::money::{format_money, format_money_grouped, format_rate};
use crate::domain::payout::Payout;
use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Note, Workbook, Worksheet, XlsxError};
use std::collections::BTreeSet;
use std::str::FromStr;

/// The sheets, in order.
pub const SHEETS: [&str; 7] = [
    "Summary",
    "Findings",
    "Installments",
    "Payouts",
    "Allocations",
    "Rejected rows",
    "Controls",
];

/// The sheet after `Findings` when the run has a baseline: the baseline's findings that
/// this run no longer has.
pub const RESOLVED_SHEET: &str = "Resolved";

/// The most significant digits a decimal may have and still survive the trip through an
/// Excel number (an IEEE double) unchanged.
pub const EXACT_DIGITS: u32 = 15;

/// Data rows a sheet holds below its header (Excel's limit is 1,048,576 rows).
const MAX_DATA_ROWS: usize = 1_048_575;

/// Largest integer an Excel number holds exactly (2^53).
const EXACT_INTEGER: u64 = 1 << 53;

/// A column: header text and width in characters.
type Column = (&'static str, f64);

const INSTALLMENT_COLUMNS: [Column; 10] = [
    ("contract_id", 18.0),
    ("period_start", 12.0),
    ("period_end", 12.0),
    ("installment", 11.0),
    ("trigger", 11.0),
    ("weighted_base", 16.0),
    ("expected", 14.0),
    ("due_on", 12.0),
    ("paid", 14.0),
    ("status", 12.0),
];

const PAYOUT_COLUMNS: [Column; 15] = [
    ("payout_id", 18.0),
    ("contract_id", 18.0),
    ("paid_on", 12.0),
    ("amount", 14.0),
    ("currency", 9.0),
    ("kind", 9.0),
    ("period", 11.0),
    ("installment", 11.0),
    ("invoice_no", 18.0),
    ("invoice_date", 12.0),
    ("invoice_amount", 15.0),
    ("invoice_tax_rate", 15.0),
    ("invoice_type", 13.0),
    ("invoice_issuer", 22.0),
    ("source", 40.0),
];

const ALLOCATION_COLUMNS: [Column; 9] = [
    ("payout_id", 18.0),
    ("paid_on", 12.0),
    ("contract_id", 18.0),
    ("period_start", 12.0),
    ("period_end", 12.0),
    ("installment", 11.0),
    ("amount", 14.0),
    ("excess", 8.0),
    ("source", 40.0),
];

const REJECTED_COLUMNS: [Column; 8] = [
    ("id", 26.0),
    ("file", 40.0),
    ("sheet", 16.0),
    ("row", 8.0),
    ("column", 18.0),
    ("reason", 22.0),
    ("amount", 14.0),
    ("detail", 90.0),
];

/// The findings columns after [`tables::COLUMNS`] (and `change`): the rest of the
/// evidence.
const FINDING_EVIDENCE_COLUMNS: [&str; 4] = ["allocations", "checks", "facts", "source_rows"];

/// Widths of the findings columns: [`tables::COLUMNS`]…
const FINDING_WIDTHS: [f64; 20] = [
    26.0, 18.0, 9.0, 18.0, 12.0, 12.0, 11.0, 18.0, 16.0, 14.0, 14.0, 14.0, 12.0, 12.0, 10.0, 12.0,
    14.0, 90.0, 45.0, 60.0,
];

/// … `change` …
const CHANGE_WIDTH: f64 = 11.0;

/// … and [`FINDING_EVIDENCE_COLUMNS`].
const EVIDENCE_WIDTHS: [f64; 4] = [45.0, 60.0, 60.0, 60.0];

/// The `Resolved` sheet: the fields a baseline keeps of each finding, named as in
/// `findings.json` and on `Findings`; `detail` is the baseline's sentence.
const RESOLVED_COLUMNS: [Column; 10] = [
    ("id", 26.0),
    ("type", 18.0),
    ("severity", 9.0),
    ("contract_id", 18.0),
    ("period_start", 12.0),
    ("period_end", 12.0),
    ("installment", 11.0),
    ("payout_id", 18.0),
    ("reason", 16.0),
    ("detail", 90.0),
];

/// How an amount goes into a cell.
#[derive(Debug, Clone, PartialEq)]
pub enum MoneyCell {
    /// A number: the amount rounded to cents has at most [`EXACT_DIGITS`] significant
    /// digits, so the double holds it exactly.
    Number(f64),
    /// Text with exactly two decimals (`-10000066605424.55`): the amount has more digits
    /// than a double keeps. Written as it is, never neutralised: it is our own rendering
    /// of a decimal (digits, a point, perhaps a leading `-`), which no spreadsheet runs as
    /// a formula, and a `'` would make it a different text from the amount.
    Text(String),
}

/// Significant digits of a decimal (trailing zeros of the fraction do not count).
pub fn significant_digits(value: Decimal) -> u32 {
    value
        .normalize()
        .mantissa()
        .unsigned_abs()
        .checked_ilog10()
        .map_or(0, |power| power + 1)
}

/// An exact number for `value` when it has at most [`EXACT_DIGITS`] significant digits.
fn exact_number(value: Decimal) -> Option<f64> {
    if value.is_zero() {
        return Some(0.0);
    }
    if significant_digits(value) > EXACT_DIGITS {
        return None;
    }
    // Parsing the decimal text rounds correctly to the nearest double.
    f64::from_str(&value.normalize().to_string()).ok()
}

/// The cell for an amount: rounded to cents as `findings.json` writes it, then a number
/// when that is exact, else text.
pub fn money_cell(amount: Decimal) -> MoneyCell {
    let cents = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    match exact_number(cents) {
        Some(number) => MoneyCell::Number(number),
        None => MoneyCell::Text(format_money(amount)),
    }
}

/// A date cell's value, for days Excel shows correctly (from 1900-03-01, after its
/// phantom 1900-02-29, to 9999-12-31); other days are written as ISO text.
fn excel_date(day: NaiveDate) -> Option<ExcelDateTime> {
    if day < NaiveDate::from_ymd_opt(1900, 3, 1)? {
        return None;
    }
    ExcelDateTime::from_ymd(
        u16::try_from(day.year()).ok()?,
        u8::try_from(day.month()).ok()?,
        u8::try_from(day.day()).ok()?,
    )
    .ok()
}

fn text(value: impl Into<String>) -> Value {
    Value::Text(value.into())
}

fn optional_text(value: Option<&str>) -> Value {
    value.map_or(Value::Empty, text)
}

fn optional_money(amount: Option<Decimal>) -> Value {
    amount.map_or(Value::Empty, Value::Money)
}

fn optional_date(day: Option<NaiveDate>) -> Value {
    day.map_or(Value::Empty, Value::Date)
}

fn count(number: impl TryInto<i64>) -> Value {
    number.try_into().map_or(Value::Empty, Value::Integer)
}

/// Money the totals carry as two-decimal text, back as an amount.
fn money_text(amount: &str) -> Value {
    Decimal::from_str(amount).map_or_else(|_| text(amount), Value::Money)
}

fn column_number(index: usize) -> Result<u16, XlsxError> {
    u16::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}

fn row_number(index: usize) -> Result<u32, XlsxError> {
    u32::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}

/// The kinds of cell a column format is given for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CellKind {
    Money,
    Date,
    Rate,
}

/// Cell formats, and what had to be written differently from the rules.
struct Writer {
    header: Format,
    money: Format,
    date: Format,
    rate: Format,
    /// Excel's default format, for a whole number in a column formatted for money.
    general: Format,
    /// The format each column of the table being written has as its column format
    /// ([`Writer::table`]): its cells of that kind are written without a format of their
    /// own, which spares rust_xlsxwriter hashing the format for every cell.
    column_formats: Vec<Option<CellKind>>,
    /// Amounts written as text because a number cannot hold them exactly.
    amounts_as_text: usize,
    /// Texts cut to fit a cell.
    texts_cut: usize,
    /// Sheets that reached Excel's row limit, and how many rows did not fit.
    rows_left_out: Vec<(&'static str, usize)>,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            header: Format::new().set_bold(),
            money: Format::new().set_num_format("#,##0.00"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            rate: Format::new().set_num_format("0.00%"),
            general: Format::new(),
            column_formats: Vec::new(),
            amounts_as_text: 0,
            texts_cut: 0,
            rows_left_out: Vec::new(),
        }
    }

    fn text(
        &mut self,
        sheet: &mut Worksheet,
        row: u32,
        column: u16,
        text: &str,
    ) -> Result<(), XlsxError> {
        let (text, cut) = cell_text(text);
        if cut {
            self.texts_cut += 1;
        }
        sheet.write_string(row, column, text)?;
        Ok(())
    }

    /// Writes one value; never a formula, and text always neutralised.
    fn write(
        &mut self,
        sheet: &mut Worksheet,
        row: u32,
        column: u16,
        value: &Value,
    ) -> Result<(), XlsxError> {
        match value {
            Value::Empty => {}
            Value::Text(text) => self.text(sheet, row, column, text)?,
            Value::Money(amount) => match money_cell(*amount) {
                MoneyCell::Number(number) if self.column_is(column, CellKind::Money) => {
                    sheet.write_number(row, column, number)?;
                }
                MoneyCell::Number(number) => {
                    sheet.write_number_with_format(row, column, number, &self.money)?;
                }
                MoneyCell::Text(shown) => {
                    sheet.write_string(row, column, &shown)?;
                    let note = Note::new(format!(
                        "{shown} has more than {EXACT_DIGITS} significant digits, more than an \
                         Excel number holds exactly, so it is written as text."
                    ))
                    .set_author("rebate-audit")
                    .add_author_prefix(false);
                    sheet.insert_note(row, column, &note)?;
                    self.amounts_as_text += 1;
                }
            },
            Value::Integer(number) => {
                if number.unsigned_abs() <= EXACT_INTEGER {
                    #[allow(clippy::cast_precision_loss)] // at most 2^53: exact
                    let number = *number as f64;
                    if self
                        .column_formats
                        .get(usize::from(column))
                        .is_some_and(Option::is_some)
                    {
                        sheet.write_number_with_format(row, column, number, &self.general)?;
                    } else {
                        sheet.write_number(row, column, number)?;
                    }
                } else {
                    // Our own digits, like money written as text.
                    sheet.write_string(row, column, number.to_string())?;
                }
            }
            Value::Date(day) => match excel_date(*day) {
                Some(date) if self.column_is(column, CellKind::Date) => {
                    sheet.write_datetime(row, column, &date)?;
                }
                Some(date) => {
                    sheet.write_date_with_format(row, column, &date, &self.date)?;
                }
                None => self.text(sheet, row, column, &day.to_string())?,
            },
            Value::Rate(rate) => match exact_number(*rate) {
                Some(number) if self.column_is(column, CellKind::Rate) => {
                    sheet.write_number(row, column, number)?;
                }
                Some(number) => {
                    sheet.write_number_with_format(row, column, number, &self.rate)?;
                }
                None => self.text(sheet, row, column, &format_rate(*rate))?,
            },
            Value::Flag(flag) => {
                sheet.write_boolean(row, column, *flag)?;
            }
        }
        Ok(())
    }

    /// Whether `column` of the table being written has `kind`'s format as its column format.
    fn column_is(&self, column: u16, kind: CellKind) -> bool {
        self.column_formats.get(usize::from(column)) == Some(&Some(kind))
    }

    /// Sets each column's format from the kind of the first row's value in it (money,
    /// date or rate; other kinds and empty cells set none). Before the widths: a column
    /// format given after a width would be lost.
    fn set_column_formats(
        &mut self,
        sheet: &mut Worksheet,
        first: Option<&Vec<Value>>,
    ) -> Result<(), XlsxError> {
        self.column_formats.clear();
        for (column, value) in first.into_iter().flatten().enumerate() {
            let kind = match value {
                Value::Money(amount) if matches!(money_cell(*amount), MoneyCell::Number(_)) => {
                    Some(CellKind::Money)
                }
                Value::Date(day) if excel_date(*day).is_some() => Some(CellKind::Date),
                Value::Rate(rate) if exact_number(*rate).is_some() => Some(CellKind::Rate),
                _ => None,
            };
            let format = match kind {
                Some(CellKind::Money) => &self.money,
                Some(CellKind::Date) => &self.date,
                Some(CellKind::Rate) => &self.rate,
                None => {
                    self.column_formats.push(None);
                    continue;
                }
            };
            sheet.set_column_format(column_number(column)?, format)?;
            self.column_formats.push(kind);
        }
        Ok(())
    }

    fn header_row(&self, sheet: &mut Worksheet, row: u32, names: &[&str]) -> Result<(), XlsxError> {
        for (column, name) in names.iter().enumerate() {
            sheet.write_string_with_format(row, column_number(column)?, *name, &self.header)?;
        }
        Ok(())
    }

    fn cells(&mut self, sheet: &mut Worksheet, row: u32, cells: &[Value]) -> Result<(), XlsxError> {
        for (column, value) in cells.iter().enumerate() {
            self.write(sheet, row, column_number(column)?, value)?;
        }
        Ok(())
    }

    /// A table sheet: bold frozen header, one row per item, autofilter over it all.
    fn table<S: AsRef<str>>(
        &mut self,
        name: &'static str,
        columns: &[(S, f64)],
        rows: impl IntoIterator<Item = Vec<Value>>,
    ) -> Result<Worksheet, XlsxError> {
        let mut sheet = Worksheet::new();
        sheet.set_name(name)?;
        let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_ref()).collect();
        self.header_row(&mut sheet, 0, &names)?;
        let mut rows = rows.into_iter().peekable();
        self.set_column_formats(&mut sheet, rows.peek())?;
        for (column, (_, width)) in columns.iter().enumerate() {
            sheet.set_column_width(column_number(column)?, *width)?;
        }
        let (mut written, mut left_out) = (0, 0);
        for cells in rows {
            if written == MAX_DATA_ROWS {
                left_out += 1;
                continue;
            }
            written += 1;
            self.cells(&mut sheet, row_number(written)?, &cells)?;
        }
        self.column_formats.clear();
        if left_out > 0 {
            self.rows_left_out.push((name, left_out));
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofilter(
            0,
            0,
            row_number(written)?,
            column_number(columns.len().saturating_sub(1))?,
        )?;
        Ok(sheet)
    }
}

/// `allocations`: each payout that went to the finding's installment.
fn allocations_text(finding: &Finding) -> String {
    finding
        .evidence
        .allocations
        .iter()
        .map(|allocation| {
            format!(
                "{} {} on {}{}",
                allocation.payout_id,
                format_money_grouped(allocation.amount),
                allocation.paid_on,
                if allocation.excess { " (excess)" } else { "" }
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `checks`: each field checked, what was expected and what was found.
fn checks_text(finding: &Finding) -> String {
    finding
        .evidence
        .checks
        .iter()
        .map(|check| {
            format!(
                "{}: expected {}, found {} ({})",
                check.field,
                check.expected,
                check.found.as_deref().unwrap_or("nothing"),
                if check.ok {
                    "ok".to_string()
                } else {
                    format!("fails: {}", check.reason)
                }
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `facts`: the finding's other facts as `name: value` pairs.
fn facts_text(finding: &Finding) -> String {
    finding
        .evidence
        .facts
        .iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `source_rows`: the billing rows behind the computation, per table and product.
fn source_rows_text(finding: &Finding) -> String {
    finding
        .evidence
        .source_rows
        .iter()
        .map(|rows| {
            format!(
                "{} {} × {}: {} {} ({}), base {}, weighted {}",
                rows.table,
                rows.product,
                rows.coefficient.normalize(),
                rows.rows,
                if rows.rows == 1 { "row" } else { "rows" },
                rows.row_ranges,
                format_money_grouped(rows.base),
                format_money_grouped(rows.weighted_base)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One finding: the columns of `findings.csv` (dates as dates; `change` with a baseline),
/// then the rest of its evidence.
fn finding_row(finding: &Finding, changes: Option<&Changes>, lang: Lang) -> Vec<Value> {
    let mut cells = tables::row_with_change(finding, changes, lang);
    for joined in [
        allocations_text(finding),
        checks_text(finding),
        facts_text(finding),
        source_rows_text(finding),
    ] {
        cells.push(if joined.is_empty() {
            Value::Empty
        } else {
            Value::Text(joined)
        });
    }
    cells
}

/// A day the baseline wrote as ISO text: a date cell, else the text as it was.
fn baseline_date(day: Option<&str>) -> Value {
    day.map_or(Value::Empty, |day| {
        NaiveDate::parse_from_str(day, "%Y-%m-%d").map_or_else(|_| text(day), Value::Date)
    })
}

/// A resolved finding, as the baseline states it.
fn resolved_row(finding: &BaselineFinding) -> Vec<Value> {
    vec![
        text(finding.id.as_str()),
        text(finding.finding_type.as_str()),
        optional_text(finding.severity.as_deref()),
        optional_text(finding.contract_id.as_deref()),
        baseline_date(finding.period_start.as_deref()),
        baseline_date(finding.period_end.as_deref()),
        finding.installment.map_or(Value::Empty, count),
        optional_text(finding.payout_id.as_deref()),
        optional_text(finding.reason.as_deref()),
        text(finding.detail.as_str()),
    ]
}

fn installment_row(record: &InstallmentRecord) -> Vec<Value> {
    vec![
        text(record.contract_id.as_str()),
        Value::Date(record.period_start),
        Value::Date(record.period_end),
        count(record.installment),
        text(record.trigger.word()),
        Value::Money(record.weighted_base),
        Value::Money(record.expected),
        optional_date(record.due_on),
        Value::Money(record.paid),
        text(record.status.word()),
    ]
}

fn payout_row(payout: &Payout) -> Vec<Value> {
    let invoice = &payout.invoice;
    vec![
        text(payout.id.as_str()),
        text(payout.contract_id.as_str()),
        Value::Date(payout.paid_on),
        Value::Money(payout.amount),
        optional_text(payout.currency.as_deref()),
        optional_text(payout.kind.map(|kind| kind.word())),
        payout
            .period
            .map_or(Value::Empty, |period| text(period.to_string())),
        payout.installment.map_or(Value::Empty, count),
        optional_text(invoice.number.as_deref()),
        optional_date(invoice.date),
        optional_money(invoice.amount),
        invoice.tax_rate.map_or(Value::Empty, Value::Rate),
        optional_text(invoice.kind.map(|kind| kind.word())),
        optional_text(invoice.issuer.as_deref()),
        text(payout.source.to_string()),
    ]
}

fn allocation_rows(records: &[InstallmentRecord]) -> impl Iterator<Item = Vec<Value>> + '_ {
    records.iter().flat_map(|record| {
        record.allocations.iter().map(move |allocation| {
            vec![
                text(allocation.payout_id.as_str()),
                Value::Date(allocation.paid_on),
                text(record.contract_id.as_str()),
                Value::Date(record.period_start),
                Value::Date(record.period_end),
                count(record.installment),
                Value::Money(allocation.amount),
                Value::Flag(allocation.excess),
                text(allocation.source.to_string()),
            ]
        })
    })
}

fn rejected_row(finding: &Finding, lang: Lang) -> Vec<Value> {
    let location: Option<&Location> = finding.evidence.location.as_ref();
    vec![
        text(finding.id.as_str()),
        location.map_or(Value::Empty, |location| text(&*location.file)),
        optional_text(location.and_then(|location| location.sheet.as_deref())),
        location
            .and_then(|location| location.row)
            .map_or(Value::Empty, count),
        optional_text(location.and_then(|location| location.column.as_deref())),
        optional_text(finding.reason.map(|reason| reason.word())),
        optional_money(finding.amount),
        text(super::i18n::detail(finding, lang)),
    ]
}

/// The exclusion reasons the controls table has columns for: every reason there is,
/// and any a table carries beyond them.
fn exclusion_words(controls: &[TableControl]) -> Vec<&'static str> {
    let mut words: BTreeSet<&'static str> = [Exclusion::Uncovered, Exclusion::CurrencyMismatch]
        .into_iter()
        .map(Exclusion::word)
        .collect();
    for control in controls {
        words.extend(control.excluded.keys().map(|reason| reason.word()));
    }
    words.into_iter().collect()
}

/// The columns of `Controls`: one table for billing and ledger tables alike.
fn control_columns(exclusions: &[&'static str]) -> Vec<(String, f64)> {
    let mut columns: Vec<(String, f64)> = [
        ("role", 9.0),
        ("file", 45.0),
        ("sheet", 16.0),
        ("format", 11.0),
        ("rows_read", 11.0),
        ("amount_read", 16.0),
        ("rows_attributed_or_used", 12.0),
        ("amount_attributed_or_used", 16.0),
    ]
    .into_iter()
    .map(|(name, width)| (name.to_string(), width))
    .collect();
    for word in exclusions {
        columns.push((format!("rows_excluded_{word}"), 12.0));
        columns.push((format!("amount_excluded_{word}"), 16.0));
    }
    for (name, width) in [
        ("rows_rejected", 11.0),
        ("amount_rejected", 16.0),
        ("blank_rows", 10.0),
        ("rows_above_header", 10.0),
        ("totals_rows", 10.0),
        ("totals_rows_agree", 10.0),
        ("totals_check", 50.0),
        ("balanced", 10.0),
    ] {
        columns.push((name.to_string(), width));
    }
    columns
}

fn billing_control_row(control: &TableControl, exclusions: &[&'static str]) -> Vec<Value> {
    let mut cells = vec![
        text("billing"),
        text(&*control.table.file),
        optional_text(control.table.sheet.as_deref()),
        optional_text(control.layout.as_deref()),
        count(control.read.rows),
        Value::Money(control.read.amount),
        count(control.attributed.rows),
        Value::Money(control.attributed.amount),
    ];
    for word in exclusions {
        let tally = control
            .excluded
            .iter()
            .find(|(reason, _)| reason.word() == *word)
            .map(|(_, tally)| tally);
        cells.push(count(tally.map_or(0, |tally| tally.rows)));
        cells.push(Value::Money(
            tally.map_or(Decimal::ZERO, |tally| tally.amount),
        ));
    }
    let checks: Vec<String> = control
        .totals_rows
        .iter()
        .map(|totals| {
            let above = format_money_grouped(totals.above.amount);
            match totals.stated {
                Some(stated) if stated == totals.above.amount => {
                    format!(
                        "row {}: states {above}, rows above add up to it",
                        totals.row
                    )
                }
                Some(stated) => format!(
                    "row {}: states {}, rows above add up to {above}",
                    totals.row,
                    format_money_grouped(stated)
                ),
                None => format!(
                    "row {}: amount unreadable, rows above add up to {above}",
                    totals.row
                ),
            }
        })
        .collect();
    cells.extend([
        count(control.rejected.rows),
        Value::Money(control.rejected.amount),
        count(control.blank_rows),
        count(control.rows_above_header),
        count(control.totals_rows.len()),
        if control.totals_rows.is_empty() {
            Value::Empty
        } else {
            Value::Flag(
                control
                    .totals_rows
                    .iter()
                    .all(|totals| totals.stated == Some(totals.above.amount)),
            )
        },
        if checks.is_empty() {
            Value::Empty
        } else {
            text(checks.join("; "))
        },
        Value::Flag(billing_balanced(control)),
    ]);
    cells
}

fn payout_control_row(control: &LedgerTable, exclusions: &[&'static str]) -> Vec<Value> {
    let mut cells = vec![
        text("payouts"),
        text(&*control.table.file),
        optional_text(control.table.sheet.as_deref()),
        Value::Empty,
        count(control.rows),
        Value::Money(control.amount),
        count(control.used),
        Value::Money(control.used_amount),
    ];
    cells.extend(exclusions.iter().flat_map(|_| [Value::Empty, Value::Empty]));
    cells.extend([
        count(control.rejected),
        // What could be read of the rejected rows' amounts.
        optional_money(control.amount.checked_sub(control.used_amount)),
        count(control.blank),
        Value::Empty,
        Value::Empty,
        Value::Empty,
        Value::Empty,
        Value::Flag(payout_balanced(control)),
    ]);
    cells
}

/// Summary column widths: the item/value block, the per-contract and the inputs table
/// share them.
const SUMMARY_WIDTHS: [f64; 9] = [40.0, 36.0, 24.0, 16.0, 16.0, 16.0, 16.0, 16.0, 10.0];

const PER_CONTRACT_COLUMNS: [&str; 9] = [
    "contract_id",
    "customer",
    "agent",
    "weighted_base",
    "expected",
    "due",
    "paid",
    "shortfall",
    "findings",
];

const INPUT_COLUMNS: [&str; 7] = [
    "role", "path", "sha256", "bytes", "rows", "encoding", "formats",
];

impl Writer {
    /// The `Summary` sheet: the headline numbers, findings by severity and type, expected
    /// vs paid per contract (with an autofilter), the inputs, and notes on anything that
    /// could not be written by the rules. Built last, so the notes count every sheet.
    fn summary(&mut self, audit: &Audit, totals: &Totals) -> Result<Worksheet, XlsxError> {
        let mut sheet = Worksheet::new();
        sheet.set_name(SHEETS[0])?;
        for (column, width) in SUMMARY_WIDTHS.iter().enumerate() {
            sheet.set_column_width(column_number(column)?, *width)?;
        }
        self.header_row(&mut sheet, 0, &["item", "value", "amount"])?;
        sheet.set_freeze_panes(1, 0)?;
        let payout_sum = audit.payouts.iter().fold(Decimal::ZERO, |sum, payout| {
            sum.saturating_add(payout.amount)
        });
        let mut lines: Vec<Vec<Value>> = vec![
            vec![text("as of"), Value::Date(audit.as_of)],
            vec![
                text("tool"),
                text(format!(
                    "{} {}",
                    env!("CARGO_PKG_NAME"),
                    env!("CARGO_PKG_VERSION")
                )),
            ],
            vec![text("contracts"), count(totals.contracts)],
            vec![
                text("installments expected"),
                count(totals.installments),
                money_text(&totals.expected),
            ],
            vec![
                text("paid (allocated to installments)"),
                Value::Empty,
                money_text(&totals.paid),
            ],
            vec![
                text("shortfall (unpaid and underpaid)"),
                Value::Empty,
                money_text(&totals.shortfall),
            ],
            vec![
                text("late interest"),
                Value::Empty,
                money_text(&totals.interest),
            ],
            vec![
                text("payouts read"),
                count(audit.payouts.len()),
                Value::Money(payout_sum),
            ],
            vec![text("findings"), count(totals.findings)],
        ];
        if let Some(changes) = &audit.changes {
            let counts = changes.counts(&audit.findings);
            lines.extend([
                vec![text("baseline"), text(counts.baseline)],
                vec![
                    text("baseline as of"),
                    baseline_date(counts.baseline_as_of.as_deref()),
                ],
                vec![text("baseline sha256"), text(counts.baseline_sha256)],
                vec![text("findings: new since the baseline"), count(counts.new)],
                vec![text("findings: persisting"), count(counts.persisting)],
                vec![
                    text("baseline findings resolved (sheet Resolved)"),
                    count(counts.resolved),
                ],
            ]);
        }
        for severity in [Severity::Error, Severity::Warning, Severity::Info] {
            lines.push(vec![
                text(format!("findings: {}", severity.word())),
                count(
                    totals
                        .by_severity
                        .get(severity.word())
                        .copied()
                        .unwrap_or_default(),
                ),
            ]);
        }
        for (finding_type, total) in &totals.by_type {
            lines.push(vec![
                text(format!("findings: {finding_type}")),
                count(total.count),
                money_text(&total.amount),
            ]);
        }
        let mut row = 1;
        for line in &lines {
            self.cells(&mut sheet, row, line)?;
            row += 1;
        }

        // Expected vs paid per contract, filterable.
        row += 1;
        let first = row;
        self.header_row(&mut sheet, row, &PER_CONTRACT_COLUMNS)?;
        for contract in &totals.per_contract {
            row += 1;
            let cells = [
                text(contract.contract_id.as_str()),
                text(contract.customer.as_str()),
                text(contract.agent.as_str()),
                money_text(&contract.weighted_base),
                money_text(&contract.expected),
                money_text(&contract.due),
                money_text(&contract.paid),
                money_text(&contract.shortfall),
                count(contract.findings),
            ];
            self.cells(&mut sheet, row, &cells)?;
        }
        sheet.autofilter(
            first,
            0,
            row,
            column_number(PER_CONTRACT_COLUMNS.len() - 1)?,
        )?;

        // Chain of custody.
        row += 2;
        self.header_row(&mut sheet, row, &INPUT_COLUMNS)?;
        for input in &audit.inputs {
            row += 1;
            let cells = [
                text(input.role.word()),
                text(input.path.as_str()),
                optional_text(input.sha256.as_deref()),
                count(input.bytes),
                count(input.rows),
                optional_text(input.encoding),
                if input.formats.is_empty() {
                    Value::Empty
                } else {
                    text(input.formats.join(", "))
                },
            ];
            self.cells(&mut sheet, row, &cells)?;
        }

        // What could not follow the cell rules, so a reader knows where to look.
        let mut notes = Vec::new();
        if self.amounts_as_text > 0 {
            notes.push((
                format!(
                    "amounts written as text (more than {EXACT_DIGITS} significant digits; see the cell notes)"
                ),
                self.amounts_as_text,
            ));
        }
        if self.texts_cut > 0 {
            notes.push((
                "texts cut to one cell's 32,767 characters (ending in …)".to_string(),
                self.texts_cut,
            ));
        }
        for (name, left_out) in &self.rows_left_out {
            notes.push((
                format!("{name}: rows left out at Excel's row limit (see findings.json)"),
                *left_out,
            ));
        }
        if !notes.is_empty() {
            row += 2;
            self.header_row(&mut sheet, row, &["note", "count"])?;
            for (note, number) in notes {
                row += 1;
                self.cells(&mut sheet, row, &[text(note), count(number)])?;
            }
        }
        Ok(sheet)
    }
}

/// The document properties: a fixed creation date (the audit's `as_of`, midnight UTC) so
/// the bytes depend on the audit only, never on the clock.
fn properties(as_of: NaiveDate) -> Result<DocProperties, XlsxError> {
    let created = match excel_date(as_of) {
        Some(date) => date,
        None => ExcelDateTime::from_ymd(2000, 1, 1)?,
    };
    Ok(DocProperties::new()
        .set_creation_datetime(&created)
        .set_title("rebate-audit report")
        .set_subject(format!("Rebate audit as of {as_of}"))
        .set_author(env!("CARGO_PKG_NAME")))
}

/// The `Findings` columns: those of `findings.csv` (with `change` given a baseline), then
/// the rest of the evidence.
fn finding_columns(changes: Option<&Changes>) -> Vec<Column> {
    let mut columns: Vec<Column> = tables::COLUMNS
        .iter()
        .copied()
        .zip(FINDING_WIDTHS)
        .collect();
    if changes.is_some() {
        columns.push((tables::CHANGE_COLUMN, CHANGE_WIDTH));
    }
    columns.extend(FINDING_EVIDENCE_COLUMNS.into_iter().zip(EVIDENCE_WIDTHS));
    columns
}

/// The deflate level of the workbooks written (`report.xlsx`, `findings.xlsx`): 3 of 9.
/// rust_xlsxwriter's default, 6, took a third of the time of writing report.xlsx for
/// files a tenth smaller (1.47 MB against 1.62 MB for 400 contracts); see DECISIONS.
pub const XLSX_COMPRESSION: u8 = 3;

/// Renders `report.xlsx`.
///
/// # Errors
/// When the workbook cannot be assembled.
pub fn render(audit: &Audit, totals: &Totals, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut writer = Writer::new();
    let changes = audit.changes.as_ref();
    let finding_columns = finding_columns(changes);
    let findings = writer.table(
        SHEETS[1],
        &finding_columns,
        audit
            .findings
            .iter()
            .map(|finding| finding_row(finding, changes, lang)),
    )?;
    let resolved = changes
        .map(|changes| {
            writer.table(
                RESOLVED_SHEET,
                &RESOLVED_COLUMNS,
                changes.resolved.iter().map(resolved_row),
            )
        })
        .transpose()?;
    let installments = writer.table(
        SHEETS[2],
        &INSTALLMENT_COLUMNS,
        audit.installments.iter().map(installment_row),
    )?;
    let payouts = writer.table(
        SHEETS[3],
        &PAYOUT_COLUMNS,
        audit.payouts.iter().map(payout_row),
    )?;
    let allocations = writer.table(
        SHEETS[4],
        &ALLOCATION_COLUMNS,
        allocation_rows(&audit.installments),
    )?;
    let rejected = writer.table(
        SHEETS[5],
        &REJECTED_COLUMNS,
        audit
            .findings
            .iter()
            .filter(|finding| finding.finding_type == FindingType::RejectedRow)
            .map(|finding| rejected_row(finding, lang)),
    )?;
    let exclusions = exclusion_words(&audit.billing_controls);
    let controls = writer.table(
        SHEETS[6],
        &control_columns(&exclusions),
        audit
            .billing_controls
            .iter()
            .map(|control| billing_control_row(control, &exclusions))
            .chain(
                audit
                    .payout_controls
                    .iter()
                    .map(|control| payout_control_row(control, &exclusions)),
            ),
    )?;
    let summary = writer.summary(audit, totals)?;
    let mut workbook = Workbook::new();
    workbook.set_properties(&properties(audit.as_of)?);
    workbook.set_zip_compression_level(XLSX_COMPRESSION);
    for sheet in [Some(summary), Some(findings), resolved]
        .into_iter()
        .flatten()
        .chain([installments, payouts, allocations, rejected, controls])
    {
        workbook.push_worksheet(sheet);
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::d;

    #[test]
    fn significant_digits_ignore_trailing_fraction_zeros() {
        assert_eq!(significant_digits(d("0")), 0);
        assert_eq!(significant_digits(d("0.05")), 1);
        assert_eq!(significant_digits(d("2000.00")), 4);
        assert_eq!(significant_digits(d("-1234567890123.45")), 15);
        assert_eq!(significant_digits(d("12345678901234.56")), 16);
    }

    /// Research R2: up to 15 significant digits an amount is an exact number; beyond, it
    /// is its exact text.
    #[test]
    fn money_is_an_exact_number_up_to_15_digits_and_text_beyond() {
        assert_eq!(money_cell(d("2000.00")), MoneyCell::Number(2000.0));
        assert_eq!(money_cell(d("-100.00")), MoneyCell::Number(-100.0));
        assert_eq!(money_cell(d("0.10")), MoneyCell::Number(0.1));
        // Rounded to cents first, as findings.json shows it.
        assert_eq!(money_cell(d("12.34567891")), MoneyCell::Number(12.35));
        assert_eq!(money_cell(d("-0.001")), MoneyCell::Number(0.0));
        assert_eq!(
            money_cell(d("9999999999999.99")),
            MoneyCell::Number(9_999_999_999_999.99)
        );
        assert_eq!(
            money_cell(d("12345678901234.56")),
            MoneyCell::Text("12345678901234.56".into())
        );
        assert_eq!(
            money_cell(d("-99999999999999.99")),
            MoneyCell::Text("-99999999999999.99".into())
        );
        // Every 15-digit amount comes back from the double as the same decimal.
        for text in [
            "0.01",
            "1234567890123.45",
            "-999999999999.99",
            "7.77",
            "100000000.01",
        ] {
            let MoneyCell::Number(number) = money_cell(d(text)) else {
                panic!("{text} should be a number");
            };
            assert_eq!(format!("{number:.2}"), text);
        }
    }

    #[test]
    fn dates_excel_cannot_show_fall_back_to_text() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(excel_date(day(2025, 3, 31)).is_some());
        assert!(excel_date(day(1900, 3, 1)).is_some());
        assert!(excel_date(day(1900, 2, 28)).is_none());
        assert!(excel_date(day(1899, 12, 31)).is_none());
        assert!(excel_date(day(10000, 1, 1)).is_none());
    }

    #[test]
    fn the_controls_table_has_a_column_pair_per_exclusion_reason() {
        let words = exclusion_words(&[]);
        assert_eq!(words, vec!["currency_mismatch", "uncovered"]);
        let columns = control_columns(&words);
        let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
        assert!(names.contains(&"rows_excluded_uncovered"));
        assert!(names.contains(&"amount_excluded_currency_mismatch"));
        assert_eq!(names.last(), Some(&"balanced"));
    }
}
