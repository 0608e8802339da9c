//! The billing reader: finds each table's header among its first rows, then reads every
//! row into a line for the sink — the common CSV record straight from its bytes, any
//! other row the long way.

use super::fast_row::{FastRow, LastValues, Slots};
use super::products::Products;
use super::row::{Row, normalise_zero};
use super::sink::{BillingSink, Recognised};
use crate::domain::billing::BillingLine;
use crate::domain::location::Location;
use crate::ingest::cell::Cell;
use crate::ingest::header::is_blank;
use crate::ingest::missing_columns::{TableProblem, comes_close, did_you_mean, hint};
use crate::ingest::table::{CUT_OFF_ROW, Fields, TableVisitor};
use crate::ruleset::{
    BillingField, BillingFormat, ColumnIndex, HeaderFit, Ruleset, normalize_header, split_unit,
    unit_free_names,
};
use rust_decimal::Decimal;
use std::borrow::Cow;

/// How many non-blank rows may precede the header (titles, notes, a query summary)
/// before a table is declared unrecognised.
pub const MAX_ROWS_ABOVE_HEADER: usize = 10;

fn required_columns() -> String {
    BillingField::ALL
        .iter()
        .filter(|field| field.required())
        .map(|field| field.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The closest a header candidate came to a format, for the error when none matches.
#[derive(Clone)]
struct Closest {
    row: usize,
    layout: usize,
    met: usize,
    of: usize,
    missing: Vec<String>,
    /// The row's header texts, for the did-you-mean of a table that comes close.
    headers: Vec<String>,
}

#[derive(Clone)]
enum Header {
    /// Looking for the header; the non-blank rows seen so far, and the best near miss.
    Searching {
        rows: Vec<usize>,
        closest: Option<Closest>,
    },
    Recognised {
        layout: usize,
        columns: ColumnIndex,
        /// The same, flat, for the hot path.
        slots: Box<Slots>,
        headers: Vec<String>,
        /// The amount headers that name a currency unit (`Cost (USD)`), with it.
        units: Vec<(String, &'static str)>,
    },
    Unrecognised {
        row: usize,
    },
}

/// Where a [`BillingReader`] stands in a table whose header is settled.
#[derive(Clone)]
pub struct TablePosition<'a> {
    layouts: Vec<&'a Ruleset>,
    table: Location,
    header: Header,
}

/// A [`TableVisitor`] that turns billing tables into lines for a sink.
pub struct BillingReader<'a, S> {
    layouts: Vec<&'a Ruleset>,
    sink: S,
    table: Option<Location>,
    header: Header,
    /// Billed product names resolved to canonical ones, and numbered.
    products: Products,
    /// The last values the fast path read.
    last: LastValues,
    /// Tables that come close to a format but lack a required column, or match two
    /// formats: the audit stops ([`BillingReader::finish`]).
    problems: Vec<TableProblem>,
}

impl<'a, S: BillingSink> BillingReader<'a, S> {
    /// A reader trying `layouts` (rulesets with a billing format) in their order; give one
    /// layout to force it.
    pub fn new(layouts: Vec<&'a Ruleset>, sink: S) -> Self {
        BillingReader {
            products: Products::new(layouts.len()),
            last: LastValues::default(),
            layouts,
            sink,
            table: None,
            header: Header::Searching {
                rows: Vec::new(),
                closest: None,
            },
            problems: Vec::new(),
        }
    }

    /// Where the reader stands in its table, for reading the rest of a large file in parts
    /// on other threads ([`BillingReader::resume`]). `None` while the header is still being
    /// looked for: the rest must then be read by this reader, in order.
    pub fn position(&self) -> Option<TablePosition<'a>> {
        match &self.header {
            Header::Searching { .. } => None,
            header => Some(TablePosition {
                layouts: self.layouts.clone(),
                table: self.table(),
                header: header.clone(),
            }),
        }
    }

    /// A reader that continues a table from `position` into a new sink: the sink is told
    /// the table begins (with the same format) and gets every following row as the first
    /// reader would have handed it.
    pub fn resume(position: &TablePosition<'a>, mut sink: S) -> Self {
        let recognised = match &position.header {
            Header::Recognised {
                layout,
                columns,
                headers,
                ..
            } => Some(Recognised {
                ruleset: position.layouts[*layout],
                header_row: 0,
                columns: columns
                    .iter()
                    .map(|(field, indices)| {
                        (
                            *field,
                            indices
                                .iter()
                                .filter_map(|index| headers.get(*index).cloned())
                                .collect(),
                        )
                    })
                    .collect(),
            }),
            _ => None,
        };
        sink.begin_table(&position.table, recognised.as_ref());
        BillingReader {
            products: Products::new(position.layouts.len()),
            last: LastValues::default(),
            layouts: position.layouts.clone(),
            sink,
            table: Some(position.table.clone()),
            header: position.header.clone(),
            problems: Vec::new(),
        }
    }

    /// The sink, once every table is read.
    pub fn into_sink(self) -> S {
        self.finish().0
    }

    /// The sink once every table is read, and the tables that stop the audit: those that
    /// come close to a format but lack a required column, and those that match two
    /// formats. (Their rows were handed to the sink as rejected rows, as for any table
    /// with no usable header.)
    pub fn finish(mut self) -> (S, Vec<TableProblem>) {
        self.end_table();
        (self.sink, self.problems)
    }

    fn table(&self) -> Location {
        self.table
            .clone()
            .unwrap_or_else(|| Location::file("?".into()))
    }

    fn format(&self, layout: usize) -> &'a BillingFormat {
        self.layouts[layout]
            .billing_format()
            .expect("billing layouts have a billing format")
    }

    /// A table ends while its header is still being looked for: it has none.
    fn end_table(&mut self) {
        if matches!(self.header, Header::Searching { ref rows, .. } if !rows.is_empty()) {
            self.give_up(None);
        }
    }

    /// No header was found: the table is unrecognised, and every row seen so far is
    /// rejected, the best candidate with what it lacks. `ambiguous` is set when a row
    /// matched several formats.
    fn give_up(&mut self, ambiguous: Option<(usize, Vec<&'a Ruleset>)>) {
        let Header::Searching { rows, closest } =
            std::mem::replace(&mut self.header, Header::Unrecognised { row: 0 })
        else {
            return;
        };
        let table = self.table();
        self.sink.begin_table(&table, None);
        let (header_row, message) = match ambiguous {
            Some((row, matching)) => {
                let names: Vec<String> = matching
                    .iter()
                    .map(|ruleset| format!("`{}`", ruleset.name))
                    .collect();
                let message = format!(
                    "this header row matches {} billing formats ({}); run with --format NAME to choose one",
                    names.len(),
                    names.join(", ")
                );
                self.problems.push(TableProblem {
                    location: table.at_row(row),
                    message: message.clone(),
                });
                (row, message)
            }
            None => match &closest {
                Some(closest) => {
                    if let Some(problem) = self.comes_close(&table, closest) {
                        self.problems.push(problem);
                    }
                    (closest.row, self.closest_message(closest))
                }
                None => (
                    rows.first().copied().unwrap_or(1),
                    "no header row found".to_string(),
                ),
            },
        };
        for row in rows {
            let reason = if row == header_row {
                message.clone()
            } else {
                format!("the table has no recognised header (see row {header_row})")
            };
            self.sink.reject(table.at_row(row), reason.into(), None);
        }
        self.header = Header::Unrecognised { row: header_row };
    }

    fn closest_message(&self, closest: &Closest) -> String {
        let ruleset = self.layouts[closest.layout];
        if closest.met == 0 && self.layouts.len() > 1 {
            return format!(
                "this header row matches no billing format: it has none of the columns any format requires. The generic template needs {}; run `rebate-audit formats` for the provider formats",
                required_columns()
            );
        }
        let what = if self.layouts.len() == 1 {
            format!(
                "this header row does not match the billing format `{}` ({})",
                ruleset.name,
                self.format(closest.layout).label
            )
        } else {
            format!(
                "this header row matches no billing format; the closest is `{}` ({}), with {} of {} required columns",
                ruleset.name,
                self.format(closest.layout).label,
                closest.met,
                closest.of
            )
        };
        format!(
            "{what}; it lacks: {}. Run `rebate-audit formats` to list the formats, or add the column names in a ruleset (--rulesets)",
            closest.missing.join("; ")
        )
    }

    /// The problem of a table whose header comes close to its closest format (more than
    /// half of the format's requirements met) without matching it: each column it lacks,
    /// with the header most likely meant for it. `None` for a table that resembles no
    /// format: its rows stay rejected rows, and a stray sheet stops nothing.
    fn comes_close(&self, table: &Location, closest: &Closest) -> Option<TableProblem> {
        if !comes_close(closest.met, closest.of) {
            return None;
        }
        let ruleset = self.layouts[closest.layout];
        let format = self.format(closest.layout);
        let normalized: Vec<String> = closest
            .headers
            .iter()
            .map(|header| normalize_header(header))
            .collect();
        let unit_free = unit_free_names(&closest.headers);
        let present = |names: &[String]| {
            names.iter().any(|name| {
                let name = normalize_header(name);
                normalized.contains(&name) || unit_free.contains(&Some(name))
            })
        };
        // Headers that are none of the format's columns: what a missing one may be
        // misspelt as.
        let known: Vec<String> = format
            .columns
            .values()
            .flat_map(|columns| columns.names.iter().flatten())
            .chain(format.signature.iter().flatten())
            .map(|name| normalize_header(name))
            .collect();
        let unknown: Vec<&str> = closest
            .headers
            .iter()
            .zip(normalized.iter().zip(&unit_free))
            .filter(|(header, (name, unit_free))| {
                !header.is_empty()
                    && !known.contains(name)
                    && unit_free.as_ref().is_none_or(|name| !known.contains(name))
            })
            .map(|(header, _)| header.as_str())
            .collect();
        let mut lacks = Vec::new();
        for field in BillingField::ALL {
            if !format.requires(field) {
                continue;
            }
            let names: Vec<String> = format
                .columns
                .get(&field)
                .map(|columns| columns.names.iter().flatten().cloned().collect())
                .unwrap_or_else(|| vec![field.name().to_string()]);
            if present(&names) {
                continue;
            }
            let wanted: Vec<&str> = std::iter::once(field.name())
                .chain(names.iter().map(String::as_str))
                .collect();
            let shown = if names.len() == 1 && names[0] == field.name() {
                String::new()
            } else {
                format!(" ({})", names.join(" / "))
            };
            lacks.push(format!(
                "a column for {}{shown}{}",
                field.name(),
                hint(did_you_mean(&wanted, &unknown))
            ));
        }
        for names in &format.signature {
            if !present(names) {
                let wanted: Vec<&str> = names.iter().map(String::as_str).collect();
                lacks.push(format!(
                    "a column {}{}",
                    names.join(" / "),
                    hint(did_you_mean(&wanted, &unknown))
                ));
            }
        }
        for name in &format.excludes {
            let name_key = normalize_header(name);
            if normalized.contains(&name_key) || unit_free.contains(&Some(name_key)) {
                lacks.push(format!(
                    "no {name} column (a file with it is another format)"
                ));
            }
        }
        Some(TableProblem {
            location: table.at_row(closest.row),
            message: format!(
                "this header row comes close to the billing format `{}` ({}), with {} of its {} required columns, but lacks {}. Rename the column, add its name to a ruleset (--rulesets), or choose another format with --format NAME (`rebate-audit formats` lists them)",
                ruleset.name,
                format.label,
                closest.met,
                closest.of,
                lacks.join("; ")
            ),
        })
    }

    fn search(&mut self, number: usize, cells: &[Cell]) {
        let headers: Vec<String> = cells.iter().map(Cell::to_text).collect();
        let mut matching = Vec::new();
        let mut best: Option<Closest> = None;
        for (layout, ruleset) in self.layouts.iter().enumerate() {
            let Some(format) = ruleset.billing_format() else {
                continue;
            };
            match format.fit(&headers) {
                HeaderFit::Matches(columns) => matching.push((layout, columns)),
                HeaderFit::Lacks { met, of, missing } => {
                    // Closest: the largest share of requirements met; earlier layouts win ties.
                    let better = best
                        .as_ref()
                        .is_none_or(|best| met * best.of > best.met * of);
                    if better {
                        best = Some(Closest {
                            row: number,
                            layout,
                            met,
                            of,
                            missing,
                            headers: Vec::new(),
                        });
                    }
                }
            }
        }
        let Header::Searching { rows, closest } = &mut self.header else {
            return;
        };
        rows.push(number);
        if matching.len() > 1 {
            let rulesets = matching
                .iter()
                .map(|(layout, _)| self.layouts[*layout])
                .collect();
            self.give_up(Some((number, rulesets)));
            return;
        }
        if let Some((layout, columns)) = matching.pop() {
            let above: Vec<usize> = rows[..rows.len() - 1].to_vec();
            let ruleset = self.layouts[layout];
            let recognised = Recognised {
                ruleset,
                header_row: number,
                columns: columns
                    .iter()
                    .map(|(field, indices)| {
                        (
                            *field,
                            indices
                                .iter()
                                .map(|index| headers[*index].clone())
                                .collect(),
                        )
                    })
                    .collect(),
            };
            let table = self.table();
            self.sink.begin_table(&table, Some(&recognised));
            for row in above {
                self.sink.above_header(row);
            }
            let units = header_units(&columns, &headers);
            let slots = Box::new(Slots::of(&columns, self.format(layout), &units));
            // The last values were read under another layout (whose blank words differ).
            self.last = LastValues::default();
            self.header = Header::Recognised {
                layout,
                slots,
                columns,
                headers,
                units,
            };
            return;
        }
        if let Some(candidate) = best
            && closest
                .as_ref()
                .is_none_or(|closest| candidate.met * closest.of > closest.met * candidate.of)
        {
            *closest = Some(Closest {
                headers,
                ..candidate
            });
        }
        if rows.len() >= MAX_ROWS_ABOVE_HEADER {
            self.give_up(None);
        }
    }
}

impl<S: BillingSink> TableVisitor for BillingReader<'_, S> {
    fn begin_table(&mut self, table: &Location) {
        self.end_table();
        self.table = Some(table.clone());
        self.header = Header::Searching {
            rows: Vec::new(),
            closest: None,
        };
    }

    fn row(&mut self, number: usize, cells: &[Cell]) {
        if is_blank(cells) {
            if !matches!(self.header, Header::Searching { .. }) {
                self.sink.blank(number);
            }
            return;
        }
        match &self.header {
            Header::Searching { .. } => self.search(number, cells),
            Header::Unrecognised { row } => {
                let reason = format!("the table's header (row {row}) matches no billing format");
                self.sink
                    .reject(self.table().at_row(number), reason.into(), None);
            }
            Header::Recognised {
                layout,
                columns,
                headers,
                units,
                ..
            } => {
                let layout = *layout;
                let ruleset = self.layouts[layout];
                let format = self.format(layout);
                let cells = Row { format, cells };
                if cells.is_totals(columns) {
                    let net_amount = cells.net_amount(columns);
                    self.sink.totals(number, net_amount);
                    return;
                }
                // Values past the header's last column belong to no column: a shifted or
                // merged row, whose amounts cannot be trusted to sit where they should.
                if let Some(extra) = cells
                    .cells
                    .iter()
                    .enumerate()
                    .skip(headers.len())
                    .find(|(_, cell)| !cell.is_empty())
                    .map(|(index, _)| index + 1)
                {
                    let net_amount = cells.net_amount(columns);
                    self.sink.reject(
                        self.table().at_row(number),
                        format!(
                            "the row has a value in column {extra}, past the header's {} columns: a shifted or merged row",
                            headers.len()
                        )
                        .into(),
                        net_amount,
                    );
                    return;
                }
                let billed = cells.get(columns, BillingField::Product).as_text();
                let product = (!billed.is_empty()).then(|| {
                    let (number, known) = self.products.resolve(layout, ruleset, &billed);
                    (self.products.name(number), known, number)
                });
                match cells.parse_line(columns, product) {
                    Ok(line) => {
                        let conflict =
                            unit_conflict(units, &line.currency).map(|(header, unit)| {
                                let currency_column = columns
                                    .get(&BillingField::Currency)
                                    .and_then(|indices| indices.first())
                                    .and_then(|index| headers.get(*index));
                                let reason = conflict_reason(
                                    header,
                                    unit,
                                    &line.currency,
                                    currency_column,
                                    &ruleset.name,
                                );
                                (header.clone(), reason, line.net_amount)
                            });
                        match conflict {
                            None => self.sink.line(number, line),
                            Some((header, reason, net_amount)) => {
                                let location = self.table().at_row(number).at_column(header);
                                self.sink.reject(location, reason.into(), Some(net_amount));
                            }
                        }
                    }
                    Err(failure) => {
                        let location = self.table().at_row(number);
                        let column = failure
                            .column
                            .and_then(|index| headers.get(index))
                            .cloned()
                            .unwrap_or_else(|| failure.field.name().to_string());
                        let net_amount = cells.net_amount(columns);
                        self.sink
                            .reject(location.at_column(column), failure.message, net_amount);
                    }
                }
            }
        }
    }

    fn record(&mut self, number: usize, fields: &Fields<'_>) -> bool {
        let Header::Recognised {
            layout,
            slots,
            headers,
            ..
        } = &self.header
        else {
            return false;
        };
        // Ragged rows go the long way, which names what is missing.
        if fields.len() != headers.len() {
            return false;
        }
        let layout = *layout;
        let format = self.format(layout);
        let Some(fast) = FastRow::read(format, slots, fields, &mut self.last) else {
            return false;
        };
        let (product_number, product_known) = self.products.resolve_word(
            layout,
            self.layouts[layout],
            fast.product,
            fast.product_word,
        );
        let product = self.products.name(product_number);
        let refund = fast
            .order_type
            .is_some_and(|order_type| format.is_refund(order_type));
        let signed = |amount: Decimal| {
            if refund && amount.is_sign_positive() {
                normalise_zero(-amount)
            } else {
                amount
            }
        };
        let line = BillingLine {
            account_id: Cow::Borrowed(fast.account_id),
            billing_month: fast.billing_month,
            date: fast.date,
            product,
            product_known,
            product_number: Some(product_number),
            order_type: fast.order_type.map(Cow::Borrowed),
            instance_id: fast.instance_id.map(Cow::Borrowed),
            list_amount: fast.list_amount.map(signed),
            discount: signed(fast.discount),
            voucher: signed(fast.voucher),
            net_amount: signed(fast.net_amount),
            currency: Cow::Borrowed(fast.currency),
        };
        self.sink.line(number, line);
        true
    }

    /// The last row of a CSV that ends without a line break: rejected with the amount it
    /// holds (it may have been cut off inside it), unless it is a header candidate.
    fn cut_off_row(&mut self, number: usize, cells: &[Cell]) {
        let Header::Recognised {
            layout, columns, ..
        } = &self.header
        else {
            self.row(number, cells);
            return;
        };
        let format = self.format(*layout);
        let net_amount = Row { format, cells }.net_amount(columns);
        self.sink
            .reject(self.table().at_row(number), CUT_OFF_ROW.into(), net_amount);
    }

    fn unreadable_row(&mut self, number: usize, why: String) {
        let table = self.table();
        if matches!(self.header, Header::Searching { .. }) {
            // Nothing usable came before: the table has no header, and starts here at the
            // latest.
            if let Header::Searching { rows, .. } = &mut self.header
                && rows.is_empty()
            {
                self.sink.begin_table(&table, None);
                self.header = Header::Unrecognised { row: number };
            } else {
                self.give_up(None);
            }
        }
        self.sink.reject(table.at_row(number), why.into(), None);
    }
}

/// The amount headers of a recognised table that name a currency unit, with its currency:
/// recorded once per table, checked against every row's currency.
fn header_units(columns: &ColumnIndex, headers: &[String]) -> Vec<(String, &'static str)> {
    columns
        .iter()
        .filter(|(field, _)| field.is_amount())
        .flat_map(|(_, indices)| indices)
        .filter_map(|index| {
            let header = headers.get(*index)?;
            split_unit(header)
                .1
                .map(|currency| (header.clone(), currency))
        })
        .collect()
}

/// The first amount header whose unit names another currency than the row's.
fn unit_conflict<'u>(
    units: &'u [(String, &'static str)],
    currency: &str,
) -> Option<&'u (String, &'static str)> {
    units.iter().find(|(_, unit)| *unit != currency)
}

/// Why a row whose currency contradicts an amount header's unit is not counted: which of
/// the two is right cannot be told from the file.
fn conflict_reason(
    header: &str,
    unit: &str,
    currency: &str,
    currency_column: Option<&String>,
    format: &str,
) -> String {
    let stated = match currency_column {
        Some(column) => format!("the row's currency ({column}) is {currency}"),
        None => format!(
            "the format `{format}` has no currency column and takes every line as {currency}"
        ),
    };
    format!(
        "the header `{header}` says its amounts are in {unit}, but {stated}: which is right cannot be told, so the row is not counted; correct the header or the currency (or give a ruleset whose default currency is {unit})"
    )
}
