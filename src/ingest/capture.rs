//! Captures chosen billing rows together with their original cells: the second pass the
//! evidence packs make over the billing files, after the audit, for a few accounts only.
//!
//! [`CaptureReader`] wraps a [`BillingReader`], so header recognition and normalisation
//! are exactly those of the audit's own pass. Every normalised line is offered to a
//! [`Select`]; for a line it keeps, the reader records where the row is, the format its
//! table was recognised as, and the row's cells as read — keyed by the table's header —
//! as one JSON object. Rows the selector passes over cost nothing beyond normalising them,
//! so the pass streams like the audit's.

use super::billing::{BillingReader, BillingSink, MAX_ROWS_ABOVE_HEADER, Recognised};
use super::cell::Cell;
use super::header::is_blank;
use super::table::TableVisitor;
use crate::domain::billing::BillingLine;
use crate::domain::expected::RowReason;
use crate::domain::location::Location;
use crate::ruleset::Ruleset;
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::Arc;

/// Decides which normalised lines to keep, and what to keep about them.
pub trait Select {
    /// What is kept about a line besides its place and cells.
    type Kept;
    /// A table starts; `recognised` is its format (None: its header matched none, and
    /// no line follows).
    fn begin_table(&mut self, table: &Location, recognised: Option<&Recognised<'_>>);
    /// A normalised line at `row` of the current table: `Some` keeps it.
    fn select(&mut self, row: usize, line: BillingLine<'_>) -> Option<Self::Kept>;
}

/// One kept row.
#[derive(Debug, Clone, PartialEq)]
pub struct Captured<K> {
    /// The table (file, and sheet or zip member) and row.
    pub location: Location,
    /// The billing format its table was recognised as.
    pub format: Arc<str>,
    /// The row's cells as read, as a JSON object in column order: header text → cell
    /// text (see [`cells_json`]).
    pub cells: String,
    /// What the selector kept.
    pub kept: K,
}

/// What the sink inside the billing reader tells the capturing visitor.
struct Shared<K> {
    /// The current table's header was settled: its row and format (None: unrecognised).
    settled: Option<Option<(usize, Arc<str>)>>,
    /// The row just handed over was kept.
    kept: Option<(usize, K)>,
}

/// The sink inside the billing reader: asks the selector, tells the visitor.
struct Tap<S: Select> {
    select: S,
    shared: Rc<RefCell<Shared<S::Kept>>>,
}

impl<S: Select> BillingSink for Tap<S> {
    fn begin_table(&mut self, table: &Location, recognised: Option<&Recognised<'_>>) {
        self.select.begin_table(table, recognised);
        self.shared.borrow_mut().settled = Some(recognised.map(|recognised| {
            (
                recognised.header_row,
                Arc::from(recognised.ruleset.name.as_str()),
            )
        }));
    }

    fn line(&mut self, row: usize, line: BillingLine<'_>) {
        if let Some(kept) = self.select.select(row, line) {
            self.shared.borrow_mut().kept = Some((row, kept));
        }
    }

    fn reject(&mut self, _location: Location, _reason: RowReason, _net_amount: Option<Decimal>) {}

    fn blank(&mut self, _row: usize) {}

    fn above_header(&mut self, _row: usize) {}

    fn totals(&mut self, _row: usize, _net_amount: Option<Decimal>) {}
}

/// A [`TableVisitor`] that reads billing tables as the audit does and keeps the rows a
/// [`Select`] chooses, with their original cells.
pub struct CaptureReader<'a, S: Select> {
    reader: BillingReader<'a, Tap<S>>,
    shared: Rc<RefCell<Shared<S::Kept>>>,
    table: Location,
    /// Non-blank rows of the current table while its header is looked for (at most
    /// [`MAX_ROWS_ABOVE_HEADER`] + 1: the billing reader gives up after that many).
    searching: Vec<(usize, Vec<String>)>,
    /// The current table's header (as [`json_keys`]) and format, once recognised.
    header: Option<(Arc<[String]>, Arc<str>)>,
    settled: bool,
    captured: Vec<Captured<S::Kept>>,
}

impl<'a, S: Select> CaptureReader<'a, S> {
    /// A reader trying `layouts` in their order (as [`BillingReader::new`]).
    pub fn new(layouts: Vec<&'a Ruleset>, select: S) -> Self {
        let shared = Rc::new(RefCell::new(Shared {
            settled: None,
            kept: None,
        }));
        CaptureReader {
            reader: BillingReader::new(
                layouts,
                Tap {
                    select,
                    shared: shared.clone(),
                },
            ),
            shared,
            table: Location::file("?".into()),
            searching: Vec::new(),
            header: None,
            settled: false,
            captured: Vec::new(),
        }
    }

    /// The selector and the kept rows, in file order.
    pub fn finish(self) -> (S, Vec<Captured<S::Kept>>) {
        let tap = self.reader.into_sink();
        (tap.select, self.captured)
    }

    /// Takes what the sink reported while the reader handled `cells`.
    fn collect(&mut self, cells: Option<&[Cell]>) {
        let (settled, kept) = {
            let mut shared = self.shared.borrow_mut();
            (shared.settled.take(), shared.kept.take())
        };
        if let Some(settled) = settled {
            self.settled = true;
            self.header = settled.and_then(|(header_row, format)| {
                self.searching
                    .iter()
                    .find(|(row, _)| *row == header_row)
                    .map(|(_, texts)| (Arc::from(json_keys(texts)), format))
            });
            self.searching = Vec::new();
        }
        if let (Some((row, kept)), Some(cells), Some((header, format))) =
            (kept, cells, &self.header)
        {
            self.captured.push(Captured {
                location: self.table.at_row(row),
                format: format.clone(),
                cells: row_json(header, cells),
                kept,
            });
        }
    }
}

impl<S: Select> TableVisitor for CaptureReader<'_, S> {
    fn begin_table(&mut self, table: &Location) {
        self.reader.begin_table(table);
        // The previous table may only now have been given up on; nothing is kept from it.
        self.collect(None);
        self.table = table.clone();
        self.searching.clear();
        self.header = None;
        self.settled = false;
    }

    fn row(&mut self, number: usize, cells: &[Cell]) {
        if !self.settled && !is_blank(cells) && self.searching.len() <= MAX_ROWS_ABOVE_HEADER {
            self.searching
                .push((number, cells.iter().map(Cell::to_text).collect()));
        }
        self.reader.row(number, cells);
        self.collect(Some(cells));
    }

    fn unreadable_row(&mut self, number: usize, why: String) {
        self.reader.unreadable_row(number, why);
        self.collect(None);
    }

    fn cut_off_row(&mut self, number: usize, cells: &[Cell]) {
        // As `row`: a header candidate is one, and a data row is rejected (so not kept).
        if !self.settled && !is_blank(cells) && self.searching.len() <= MAX_ROWS_ABOVE_HEADER {
            self.searching
                .push((number, cells.iter().map(Cell::to_text).collect()));
        }
        self.reader.cut_off_row(number, cells);
        self.collect(Some(cells));
    }
}

/// The JSON object keys of a header row, each encoded once with its colon (`"name":`):
/// the header text, or `column N` (1-based) for an empty header cell, `NAME (column N)`
/// for a header text seen before in the row.
pub fn json_keys(header: &[String]) -> Vec<String> {
    let mut seen: HashSet<&str> = HashSet::new();
    header
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let name = if name.is_empty() {
                format!("column {}", index + 1)
            } else if seen.insert(name) {
                name.clone()
            } else {
                format!("{name} (column {})", index + 1)
            };
            let mut key = String::with_capacity(name.len() + 3);
            push_json_string(&mut key, &name);
            key.push(':');
            key
        })
        .collect()
}

/// A row's cells as one JSON object, in column order, under the header's [`json_keys`]:
/// each cell as text (spreadsheet numbers in their shortest form, dates as `YYYY-MM-DD`,
/// text as read: without surrounding white space). Cells beyond the header are
/// `column N`; a row shorter than its header has `""` for the missing cells.
pub fn row_json(keys: &[String], cells: &[Cell]) -> String {
    let mut out = String::with_capacity(keys.iter().map(String::len).sum::<usize>() * 2 + 2);
    out.push('{');
    for index in 0..keys.len().max(cells.len()) {
        if index > 0 {
            out.push(',');
        }
        match keys.get(index) {
            Some(key) => out.push_str(key),
            None => {
                push_json_string(&mut out, &format!("column {}", index + 1));
                out.push(':');
            }
        }
        match cells.get(index) {
            Some(cell) => push_json_string(&mut out, &cell.as_text()),
            None => out.push_str("\"\""),
        }
    }
    out.push('}');
    out
}

/// [`row_json`] of a row under a header row.
pub fn cells_json(header: &[String], cells: &[Cell]) -> String {
    row_json(&json_keys(header), cells)
}

/// Appends `text` as a JSON string: quotes, backslashes and control characters escaped,
/// everything else as it is (UTF-8).
fn push_json_string(out: &mut String, text: &str) {
    out.push('"');
    let mut rest = text;
    while let Some(at) = rest.find(|c: char| c == '"' || c == '\\' || c < ' ') {
        out.push_str(&rest[..at]);
        let c = rest[at..].chars().next().expect("found a character");
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            other => {
                use std::fmt::Write;
                let _ = write!(out, "\\u{:04x}", u32::from(other));
            }
        }
        rest = &rest[at + c.len_utf8()..];
    }
    out.push_str(rest);
    out.push('"');
}

/// A [`TableVisitor`] for plain tables whose header is their first non-blank row (the
/// contract workbook, payout ledgers): keeps the rows `keep` names, with their cells as
/// JSON ([`cells_json`]). `keep` sees the row's place, the header cells and the row's
/// cells, and returns what to file the row under.
pub struct OriginalRows<K, F> {
    keep: F,
    table: Location,
    header: Option<(Vec<Cell>, Vec<String>)>,
    /// The kept rows in file order: key, place, cells.
    pub rows: Vec<(K, Location, String)>,
}

impl<K, F: FnMut(&Location, &[Cell], &[Cell]) -> Option<K>> OriginalRows<K, F> {
    /// A visitor keeping the rows `keep` names.
    pub fn new(keep: F) -> Self {
        OriginalRows {
            keep,
            table: Location::file("?".into()),
            header: None,
            rows: Vec::new(),
        }
    }
}

impl<K, F: FnMut(&Location, &[Cell], &[Cell]) -> Option<K>> TableVisitor for OriginalRows<K, F> {
    fn begin_table(&mut self, table: &Location) {
        self.table = table.clone();
        self.header = None;
    }

    fn row(&mut self, number: usize, cells: &[Cell]) {
        if is_blank(cells) {
            return;
        }
        let Some((header, keys)) = &self.header else {
            let texts: Vec<String> = cells.iter().map(Cell::to_text).collect();
            self.header = Some((cells.to_vec(), json_keys(&texts)));
            return;
        };
        let location = self.table.at_row(number);
        if let Some(key) = (self.keep)(&location, header, cells) {
            let json = row_json(keys, cells);
            self.rows.push((key, location, json));
        }
    }

    fn unreadable_row(&mut self, _number: usize, _why: String) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::cell::texts;
    use crate::ruleset::Rulesets;

    /// Keeps the lines of one account: their net amount.
    struct Account(&'static str, Vec<String>);

    impl Select for Account {
        type Kept = Decimal;
        fn begin_table(&mut self, table: &Location, recognised: Option<&Recognised<'_>>) {
            self.1.push(format!(
                "{table}={}",
                recognised.map_or("none", |recognised| recognised.ruleset.name.as_str())
            ));
        }
        fn select(&mut self, _row: usize, line: BillingLine<'_>) -> Option<Decimal> {
            (line.account_id == self.0).then_some(line.net_amount)
        }
    }

    #[test]
    fn kept_rows_carry_their_place_format_and_original_cells() {
        let rulesets = Rulesets::load(None).unwrap();
        let mut reader = CaptureReader::new(
            rulesets.billing_layouts().collect(),
            Account("A1", Vec::new()),
        );
        reader.begin_table(&Location::file("bill.csv".into()));
        reader.row(1, &texts(&["exported 2025-04-01"]));
        reader.row(
            2,
            &texts(&[
                "account_id",
                "billing_month",
                "product",
                "net_amount",
                "currency",
                "",
                "product",
            ]),
        );
        reader.row(
            3,
            &texts(&["A1", "2025-03", "ECS", "=1+2", "CNY", "x", "y"]),
        );
        reader.row(4, &texts(&["A2", "2025-03", "ECS", "5", "CNY"]));
        reader.row(
            5,
            &texts(&["A1", "2025-03", "RDS", "2.5", "CNY", "", "", "extra"]),
        );
        reader.row(6, &texts(&["A1", "2025-03", "RDS", "2.5", "CNY"]));
        reader.begin_table(&Location::file("other.csv".into()));
        reader.row(1, &texts(&["what", "ever"]));
        reader.row(2, &texts(&["A1", "1"]));
        let (select, captured) = reader.finish();
        assert_eq!(
            select.1,
            vec!["bill.csv=generic".to_string(), "other.csv=none".to_string()]
        );
        // Row 3's amount is a formula text, which is rejected: not a line, not kept.
        let kept: Vec<(String, &str, Decimal)> = captured
            .iter()
            .map(|row| (row.location.to_string(), &*row.format, row.kept))
            .collect();
        assert_eq!(
            kept,
            // Row 5 has a value past the header's last column: rejected as shifted.
            vec![("bill.csv:6".to_string(), "generic", Decimal::new(25, 1))]
        );
        assert_eq!(
            captured[0].cells,
            r#"{"account_id":"A1","billing_month":"2025-03","product":"RDS","net_amount":"2.5","currency":"CNY","column 6":"","product (column 7)":""}"#
        );
    }

    #[test]
    fn json_strings_escape_what_json_requires() {
        for text in [
            "plain",
            "say \"hi\"",
            "back\\slash",
            "tab\tline\nend\r",
            "\u{1}\u{1f}\u{7f}",
            "合计 ¥1,234.50",
        ] {
            let mut json = String::new();
            push_json_string(&mut json, text);
            assert_eq!(
                serde_json::from_str::<String>(&json).unwrap(),
                text,
                "{json}"
            );
        }
    }

    #[test]
    fn typed_cells_are_written_as_text() {
        let header: Vec<String> = vec!["a".into(), "b".into(), "c".into(), "d".into()];
        let day = chrono::NaiveDate::from_ymd_opt(2025, 3, 31).unwrap();
        let cells = vec![
            Cell::Number(1234.5),
            Cell::Date(day),
            Cell::Empty,
            Cell::Text("say \"hi\"".into()),
        ];
        assert_eq!(
            cells_json(&header, &cells),
            r#"{"a":"1234.5","b":"2025-03-31","c":"","d":"say \"hi\""}"#
        );
    }
}
