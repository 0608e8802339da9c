//! Reads billing exports: recognises each table by its header row using the rulesets'
//! column maps, normalises every row into a [`BillingLine`], and hands lines (or the
//! reason a row was rejected) to a [`BillingSink`] one at a time, so nothing holds every
//! line in memory.

use super::cell::Cell;
use super::contracts::normalize_currency;
use super::header::is_blank;
use super::table::TableVisitor;
use super::value::{self, ValueError};
use crate::domain::billing::BillingLine;
use crate::domain::location::Location;
use crate::fast_hash::FastMap;
use crate::ruleset::{BillingField, Ruleset, Rulesets};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Receives the rows of billing tables.
pub trait BillingSink {
    /// A table starts; `layout` is the ruleset that recognised its header (None: none did).
    fn begin_table(&mut self, table: &Location, layout: Option<&Ruleset>);
    /// A normalised line at `row` of the current table.
    fn line(&mut self, row: usize, line: BillingLine<'_>);
    /// A row that cannot be used: where (with column when known), why, and its net amount
    /// when that could still be read (for the control totals).
    fn reject(&mut self, location: Location, reason: String, net_amount: Option<Decimal>);
    /// A row with nothing in it.
    fn blank(&mut self, row: usize);
}

enum Header {
    Awaiting,
    Recognised {
        ruleset_index: usize,
        columns: BTreeMap<BillingField, usize>,
        headers: Vec<String>,
    },
    Unrecognised {
        row: usize,
    },
}

/// A [`TableVisitor`] that turns billing tables into lines for a sink.
pub struct BillingReader<'a, S> {
    layouts: Vec<&'a Ruleset>,
    sink: S,
    table: Option<Location>,
    header: Header,
    /// Billed product name → (canonical name, known), per layout: resolving an alias
    /// lower-cases the name, which is worth doing once per name, not once per line.
    products: Vec<FastMap<String, (String, bool)>>,
}

impl<'a, S: BillingSink> BillingReader<'a, S> {
    /// A reader trying the rulesets' layouts in their order.
    pub fn new(rulesets: &'a Rulesets, sink: S) -> Self {
        let layouts: Vec<&Ruleset> = rulesets.billing_layouts().collect();
        BillingReader {
            products: vec![FastMap::default(); layouts.len()],
            layouts,
            sink,
            table: None,
            header: Header::Awaiting,
        }
    }

    /// The sink, once every table is read.
    pub fn into_sink(self) -> S {
        self.sink
    }

    fn table(&self) -> Location {
        self.table
            .clone()
            .unwrap_or_else(|| Location::file("?".into()))
    }
}

fn required_columns() -> String {
    BillingField::ALL
        .iter()
        .filter(|field| field.required())
        .map(|field| field.name())
        .collect::<Vec<_>>()
        .join(", ")
}

impl<S: BillingSink> TableVisitor for BillingReader<'_, S> {
    fn begin_table(&mut self, table: &Location) {
        self.table = Some(table.clone());
        self.header = Header::Awaiting;
    }

    fn row(&mut self, number: usize, cells: &[Cell]) {
        if is_blank(cells) {
            if !matches!(self.header, Header::Awaiting) {
                self.sink.blank(number);
            }
            return;
        }
        match &self.header {
            Header::Awaiting => {
                let headers: Vec<String> = cells.iter().map(Cell::to_text).collect();
                let found = self
                    .layouts
                    .iter()
                    .enumerate()
                    .find_map(|(index, ruleset)| {
                        ruleset
                            .match_billing_header(&headers)
                            .map(|columns| (index, columns))
                    });
                let table = self.table();
                match found {
                    Some((ruleset_index, columns)) => {
                        self.sink
                            .begin_table(&table, Some(self.layouts[ruleset_index]));
                        self.header = Header::Recognised {
                            ruleset_index,
                            columns,
                            headers,
                        };
                    }
                    None => {
                        self.sink.begin_table(&table, None);
                        self.sink.reject(
                            table.at_row(number),
                            format!(
                                "this header row matches no billing layout; the generic template needs the columns {}",
                                required_columns()
                            ),
                            None,
                        );
                        self.header = Header::Unrecognised { row: number };
                    }
                }
            }
            Header::Unrecognised { row } => {
                let reason = format!("the table's header (row {row}) matches no billing layout");
                self.sink.reject(self.table().at_row(number), reason, None);
            }
            Header::Recognised {
                ruleset_index,
                columns,
                headers,
            } => {
                let ruleset_index = *ruleset_index;
                let ruleset = self.layouts[ruleset_index];
                let billed = cell(columns, cells, BillingField::Product).as_text();
                let known_names = &mut self.products[ruleset_index];
                if !billed.is_empty() && known_names.get(billed.as_ref()).is_none() {
                    let product = ruleset.product(&billed);
                    known_names.insert(billed.to_string(), (product.name, product.known));
                }
                let product = known_names
                    .get(billed.as_ref())
                    .map(|(name, known)| (name.as_str(), *known));
                match parse_line(columns, cells, product) {
                    Ok(line) => self.sink.line(number, line),
                    Err((field, error)) => {
                        let location = self.table().at_row(number);
                        let column = columns
                            .get(&field)
                            .and_then(|index| headers.get(*index))
                            .cloned()
                            .unwrap_or_else(|| field.name().to_string());
                        let net_amount = columns
                            .get(&BillingField::NetAmount)
                            .and_then(|index| cells.get(*index))
                            .and_then(|cell| value::parse_money(cell).ok());
                        self.sink
                            .reject(location.at_column(column), error, net_amount);
                    }
                }
            }
        }
    }

    fn unreadable_row(&mut self, number: usize, why: String) {
        let table = self.table();
        if matches!(self.header, Header::Awaiting) {
            // Nothing readable came before: the table starts here, with no layout.
            self.sink.begin_table(&table, None);
            self.header = Header::Unrecognised { row: number };
        }
        self.sink.reject(table.at_row(number), why, None);
    }
}

fn cell<'c>(
    columns: &BTreeMap<BillingField, usize>,
    cells: &'c [Cell],
    field: BillingField,
) -> &'c Cell {
    const EMPTY: &Cell = &Cell::Empty;
    columns
        .get(&field)
        .and_then(|index| cells.get(*index))
        .unwrap_or(EMPTY)
}

fn text<'c>(
    columns: &BTreeMap<BillingField, usize>,
    cells: &'c [Cell],
    field: BillingField,
) -> Option<Cow<'c, str>> {
    let text = cell(columns, cells, field).as_text();
    (!text.is_empty()).then_some(text)
}

/// Normalises one row; `product` is the resolved product (None when the cell is empty).
/// On failure, the field and why.
fn parse_line<'c>(
    columns: &BTreeMap<BillingField, usize>,
    cells: &'c [Cell],
    product: Option<(&'c str, bool)>,
) -> Result<BillingLine<'c>, (BillingField, String)> {
    let fail = |field: BillingField| move |error: ValueError| (field, error.to_string());
    let required_text = |field: BillingField, what: &str| {
        text(columns, cells, field)
            .ok_or_else(|| (field, format!("expected {what}, found (empty)")))
    };
    let optional_money = |field: BillingField| {
        value::parse_optional_money(cell(columns, cells, field)).map_err(fail(field))
    };
    let account_id = required_text(BillingField::AccountId, "a billing account id")?;
    if let Cell::Number(number) = cell(columns, cells, BillingField::AccountId)
        && number.abs() >= 1e15
    {
        return Err((
            BillingField::AccountId,
            format!(
                "account id {account_id} is a number of more than 15 digits, so Excel has already lost its last digits; store account ids as text"
            ),
        ));
    }
    let billing_month = value::parse_month(cell(columns, cells, BillingField::BillingMonth))
        .map_err(fail(BillingField::BillingMonth))?;
    let date = value::parse_optional_date(cell(columns, cells, BillingField::Date))
        .map_err(fail(BillingField::Date))?;
    let (product, product_known) = product.ok_or_else(|| {
        (
            BillingField::Product,
            "expected a product name, found (empty)".to_string(),
        )
    })?;
    let list_amount = optional_money(BillingField::ListAmount)?;
    let discount = optional_money(BillingField::Discount)?.unwrap_or_default();
    let voucher = optional_money(BillingField::Voucher)?.unwrap_or_default();
    let net_amount = value::parse_money(cell(columns, cells, BillingField::NetAmount))
        .map_err(fail(BillingField::NetAmount))?;
    let currency_text = required_text(BillingField::Currency, "a currency code such as CNY")?;
    let currency = match &currency_text {
        // Borrow from the row when the cell already holds the code (the usual case).
        Cow::Borrowed(text) => normalize_currency(text),
        Cow::Owned(text) => normalize_currency(text).map(|code| Cow::Owned(code.into_owned())),
    }
    .ok_or_else(|| {
        (
            BillingField::Currency,
            format!("expected an ISO currency code such as CNY or USD, found `{currency_text}`"),
        )
    })?;
    Ok(BillingLine {
        account_id,
        billing_month,
        date,
        product,
        product_known,
        order_type: text(columns, cells, BillingField::OrderType),
        instance_id: text(columns, cells, BillingField::InstanceId),
        list_amount,
        discount,
        voucher,
        net_amount,
        currency,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::texts;

    #[derive(Default)]
    struct Recorder {
        tables: Vec<(String, Option<String>)>,
        lines: Vec<(usize, BillingLine<'static>)>,
        rejected: Vec<(String, String, Option<Decimal>)>,
        blank: Vec<usize>,
    }

    impl BillingSink for &mut Recorder {
        fn begin_table(&mut self, table: &Location, layout: Option<&Ruleset>) {
            self.tables.push((
                table.to_string(),
                layout.map(|ruleset| ruleset.name.clone()),
            ));
        }
        fn line(&mut self, row: usize, line: BillingLine<'_>) {
            let owned = BillingLine {
                account_id: Cow::Owned(line.account_id.into_owned()),
                product: line.product.to_string().leak(),
                order_type: line.order_type.map(|text| Cow::Owned(text.into_owned())),
                instance_id: line.instance_id.map(|text| Cow::Owned(text.into_owned())),
                currency: Cow::Owned(line.currency.into_owned()),
                ..line
            };
            self.lines.push((row, owned));
        }
        fn reject(&mut self, location: Location, reason: String, net_amount: Option<Decimal>) {
            self.rejected
                .push((location.to_string(), reason, net_amount));
        }
        fn blank(&mut self, row: usize) {
            self.blank.push(row);
        }
    }

    #[test]
    fn generic_rows_become_lines_and_bad_rows_are_rejected_with_their_column() {
        let rulesets = Rulesets::load(None).unwrap();
        let mut recorder = Recorder::default();
        let mut reader = BillingReader::new(&rulesets, &mut recorder);
        reader.begin_table(&Location::file("bill.csv".into()));
        reader.row(
            1,
            &texts(&[
                "account_id",
                "billing_month",
                "product",
                "voucher",
                "net_amount",
                "currency",
            ]),
        );
        reader.row(
            2,
            &texts(&["A1", "2025-03", "云服务器ECS", "", "¥1,234.50", "cny"]),
        );
        reader.row(3, &texts(&["", "", "", "", "", ""]));
        reader.row(4, &texts(&["A1", "2025-13", "ECS", "", "10", "CNY"]));
        reader.row(5, &texts(&["A1", "2025-03", "ECS", "", "12,34.5x", "CNY"]));
        drop(reader);
        assert_eq!(
            recorder.tables,
            vec![("bill.csv".to_string(), Some("generic".to_string()))]
        );
        assert_eq!(recorder.lines.len(), 1);
        let (row, line) = &recorder.lines[0];
        assert_eq!(*row, 2);
        assert_eq!(line.product, "ECS");
        assert!(line.product_known);
        assert_eq!(line.net_amount, Decimal::new(123_450, 2));
        assert_eq!(line.currency, "CNY");
        assert_eq!(recorder.blank, vec![3]);
        assert_eq!(recorder.rejected.len(), 2);
        assert_eq!(recorder.rejected[0].0, "bill.csv:4:billing_month");
        assert_eq!(
            recorder.rejected[0].2,
            Some(Decimal::TEN),
            "the amount still counts in the control totals"
        );
        assert_eq!(recorder.rejected[1].0, "bill.csv:5:net_amount");
        assert!(
            recorder.rejected[1].1.contains("12,34.5x"),
            "{}",
            recorder.rejected[1].1
        );
    }

    #[test]
    fn an_unrecognised_header_rejects_the_header_and_every_row() {
        let rulesets = Rulesets::load(None).unwrap();
        let mut recorder = Recorder::default();
        let mut reader = BillingReader::new(&rulesets, &mut recorder);
        reader.begin_table(&Location::sheet("bill.xlsx".into(), Some("说明".into())));
        reader.row(1, &texts(&["说明"]));
        reader.row(2, &texts(&["这是一个说明"]));
        drop(reader);
        assert_eq!(recorder.tables[0].1, None);
        assert_eq!(recorder.rejected.len(), 2);
        assert!(
            recorder.rejected[0]
                .1
                .contains("account_id, billing_month, product, net_amount, currency")
        );
    }

    #[test]
    fn an_unreadable_first_row_still_opens_the_table_it_is_counted_in() {
        let rulesets = Rulesets::load(None).unwrap();
        let mut recorder = Recorder::default();
        let mut reader = BillingReader::new(&rulesets, &mut recorder);
        reader.begin_table(&Location::file("bill.csv".into()));
        reader.unreadable_row(1, "field 2 is not valid UTF-8 although the file is".into());
        reader.row(2, &texts(&["A1", "2025-01", "ECS", "10", "CNY"]));
        drop(reader);
        assert_eq!(recorder.tables, vec![("bill.csv".to_string(), None)]);
        assert_eq!(recorder.rejected.len(), 2);
        assert_eq!(recorder.rejected[0].0, "bill.csv:1");
        assert!(
            recorder.rejected[1]
                .1
                .contains("header (row 1) matches no billing layout")
        );
    }
}
