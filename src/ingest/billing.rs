//! Reads billing exports: recognises each table by its header row using the rulesets'
//! billing formats (Alibaba Cloud, Tencent Cloud, Huawei Cloud, Azure EA/MCA, FOCUS and the
//! generic template, plus any a user adds), normalises every row into a [`BillingLine`],
//! and hands lines (or the reason a row was rejected) to a [`BillingSink`] one at a time,
//! so nothing holds every line in memory.
//!
//! Real exports are not clean tables: a title or note may sit above the header, a totals
//! row below the lines, blanks may be written `-` or `NULL`, and refunds may or may not
//! carry a minus sign. Each is recognised explicitly and counted, never guessed away.

use super::cell::Cell;
use super::header::is_blank;
use super::table::{Fields, TableVisitor};
use super::value::{self, ValueError};
use crate::domain::billing::BillingLine;
use crate::domain::currency::normalize_currency;
use crate::domain::location::Location;
use crate::ruleset::{BillingField, BillingFormat, ColumnIndex, HeaderFit, MonthSource, Ruleset};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as FastMap;
use std::borrow::Cow;

/// How many non-blank rows may precede the header (titles, notes, a query summary)
/// before a table is declared unrecognised.
pub const MAX_ROWS_ABOVE_HEADER: usize = 10;

/// Words that mark a totals row at the bottom of an export (compared ignoring case and a
/// trailing colon).
const TOTALS_WORDS: &[&str] = &[
    "合计",
    "总计",
    "小计",
    "合計",
    "總計",
    "total",
    "totals",
    "grand total",
    "subtotal",
    "sum",
];

fn required_columns() -> String {
    BillingField::ALL
        .iter()
        .filter(|field| field.required())
        .map(|field| field.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The table a header row was recognised as.
#[derive(Debug, Clone)]
pub struct Recognised<'r> {
    /// The ruleset whose billing format matched.
    pub ruleset: &'r Ruleset,
    /// The header's row.
    pub header_row: usize,
    /// Every mapped field and the header texts of its columns, in field order.
    pub columns: Vec<(BillingField, Vec<String>)>,
}

/// Receives the rows of billing tables.
pub trait BillingSink {
    /// A table starts; `recognised` says which format its header matched (None: none did).
    fn begin_table(&mut self, table: &Location, recognised: Option<&Recognised<'_>>);
    /// A normalised line at `row` of the current table.
    fn line(&mut self, row: usize, line: BillingLine<'_>);
    /// A row that cannot be used: where (with column when known), why, and its net amount
    /// when that could still be read (for the control totals).
    fn reject(&mut self, location: Location, reason: String, net_amount: Option<Decimal>);
    /// A row with nothing in it.
    fn blank(&mut self, row: usize);
    /// A title or note row above the header.
    fn above_header(&mut self, row: usize);
    /// A totals row (合计, Total): read and counted, but not a billing line.
    fn totals(&mut self, row: usize, net_amount: Option<Decimal>);
}

/// The closest a header candidate came to a format, for the error when none matches.
#[derive(Clone)]
struct Closest {
    row: usize,
    layout: usize,
    met: usize,
    of: usize,
    missing: Vec<String>,
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
}

/// Billed product names resolved to their canonical names, per layout — resolving an
/// alias lower-cases the name, which is worth doing once per name, not once per line —
/// and the canonical names numbered in the order met
/// ([`BillingLine::product_number`]).
struct Products {
    /// Per layout: billed name → (number, known).
    by_layout: Vec<FastMap<String, (u32, bool)>>,
    /// Canonical names by number, and their numbers.
    names: Vec<String>,
    numbers: FastMap<String, u32>,
    /// The last lookup: layout, billed name, number, known. Exports list an account's
    /// lines by product, so lines often repeat it.
    last: (usize, String, u32, bool),
    /// Recent lookups by the billed name's word ([`Fields::word`]): (word, layout,
    /// number, known), placed by a hash of the word. A day of an account lists a handful
    /// of products in turn; comparing a word beats hashing and comparing the name.
    recent: Box<[RecentProduct; RECENT_PRODUCTS]>,
}

/// A slot of [`Products::recent`]: the billed name's word, the layout, the number and
/// whether the ruleset knows the product.
type RecentProduct = ((u128, usize), usize, u32, bool);

/// Slots of [`Products::recent`] (a power of two).
const RECENT_PRODUCTS: usize = 64;

impl Products {
    fn new(layouts: usize) -> Self {
        Products {
            by_layout: vec![FastMap::default(); layouts],
            names: Vec::new(),
            numbers: FastMap::default(),
            last: (usize::MAX, String::new(), 0, false),
            recent: Box::new([(NO_WORD, usize::MAX, 0, false); RECENT_PRODUCTS]),
        }
    }

    /// [`Products::resolve`] for a billed name whose word is `word` (`NO_WORD` when it
    /// has none).
    #[inline]
    fn resolve_word(
        &mut self,
        layout: usize,
        ruleset: &Ruleset,
        billed: &str,
        word: (u128, usize),
    ) -> (u32, bool) {
        let mixed = (word.0 as u64) ^ ((word.0 >> 64) as u64).rotate_left(29) ^ word.1 as u64;
        let slot = (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize % RECENT_PRODUCTS;
        let entry = self.recent[slot];
        if entry.0 == word && entry.1 == layout && word != NO_WORD {
            return (entry.2, entry.3);
        }
        let (number, known) = self.resolve(layout, ruleset, billed);
        if word != NO_WORD {
            self.recent[slot] = (word, layout, number, known);
        }
        (number, known)
    }

    /// The number of the canonical name of `billed` under `ruleset` (the table's layout
    /// `layout`), and whether the ruleset knows it.
    #[inline]
    fn resolve(&mut self, layout: usize, ruleset: &Ruleset, billed: &str) -> (u32, bool) {
        if self.last.0 == layout && self.last.1 == billed {
            return (self.last.2, self.last.3);
        }
        let (number, known) = match self.by_layout[layout].get(billed) {
            Some(found) => *found,
            None => {
                let product = ruleset.product(billed);
                let number = match self.numbers.get(&product.name) {
                    Some(number) => *number,
                    None => {
                        let number = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
                        self.numbers.insert(product.name.clone(), number);
                        self.names.push(product.name);
                        number
                    }
                };
                self.by_layout[layout].insert(billed.to_string(), (number, product.known));
                (number, product.known)
            }
        };
        self.last.0 = layout;
        self.last.1.clear();
        self.last.1.push_str(billed);
        self.last.2 = number;
        self.last.3 = known;
        (number, known)
    }

    /// The canonical name numbered `number`.
    fn name(&self, number: u32) -> &str {
        self.names.get(number as usize).map_or("", String::as_str)
    }
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
        }
    }

    /// The sink, once every table is read.
    pub fn into_sink(mut self) -> S {
        self.end_table();
        self.sink
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
                (
                    row,
                    format!(
                        "this header row matches {} billing formats ({}); run with --format NAME to choose one",
                        names.len(),
                        names.join(", ")
                    ),
                )
            }
            None => match &closest {
                Some(closest) => (closest.row, self.closest_message(closest)),
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
            self.sink.reject(table.at_row(row), reason, None);
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
            let slots = Box::new(Slots::of(&columns, self.format(layout)));
            // The last values were read under another layout (whose blank words differ).
            self.last = LastValues::default();
            self.header = Header::Recognised {
                layout,
                slots,
                columns,
                headers,
            };
            return;
        }
        if let Some(candidate) = best
            && closest
                .as_ref()
                .is_none_or(|closest| candidate.met * closest.of > closest.met * candidate.of)
        {
            *closest = Some(candidate);
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
                self.sink.reject(self.table().at_row(number), reason, None);
            }
            Header::Recognised {
                layout,
                columns,
                headers,
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
                        ),
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
                    Ok(line) => self.sink.line(number, line),
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
        self.sink.reject(table.at_row(number), why, None);
    }
}

/// A CSV row read straight from its bytes, for the common case only: every value in its
/// plain form (ISO dates and months, amounts like `-1234.50`, an upper-case currency code),
/// no blank word, an account that is not a totals word. Anything else is `None` and the
/// row takes the long way through [`Row`], which reads every form and explains every
/// error; on the rows both accept they agree exactly (the fast value parsers are tested
/// against the full ones).
struct FastRow<'r> {
    account_id: &'r str,
    billing_month: value::YearMonth,
    date: Option<chrono::NaiveDate>,
    product: &'r str,
    /// `product`'s word, `NO_WORD` when it has none (trimmed or longer than a word).
    product_word: (u128, usize),
    order_type: Option<&'r str>,
    instance_id: Option<&'r str>,
    list_amount: Option<Decimal>,
    discount: Decimal,
    voucher: Decimal,
    net_amount: Decimal,
    currency: &'r str,
}

/// Where each field's columns are, flat: the first column of every field, and every
/// summand column of the amounts (a `BTreeMap` lookup per field per line is too slow).
#[derive(Clone, Debug)]
struct Slots {
    first: [Option<usize>; BillingField::ALL.len()],
    amounts: [Vec<usize>; BillingField::ALL.len()],
    /// The column of an amount read from exactly one column (the usual layout).
    single: [Option<usize>; BillingField::ALL.len()],
    /// No blank word of the format reads as a plain amount, so a field that does is
    /// never blank (see [`FastRow::amount`]).
    plain_amounts_never_blank: bool,
}

impl Slots {
    fn of(columns: &ColumnIndex, format: &BillingFormat) -> Slots {
        let mut slots = Slots {
            first: [None; BillingField::ALL.len()],
            amounts: Default::default(),
            single: [None; BillingField::ALL.len()],
            plain_amounts_never_blank: format
                .blank
                .iter()
                .all(|word| value::plain_amount(word.trim().as_bytes()).is_none()),
        };
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
struct LastValues {
    date: ((u128, usize), chrono::NaiveDate),
    month: ((u128, usize), value::YearMonth),
    currency: (u128, usize),
}

/// A word no field has (its length is impossible).
const NO_WORD: (u128, usize) = (0, usize::MAX);

impl Default for LastValues {
    fn default() -> Self {
        LastValues {
            date: (NO_WORD, chrono::NaiveDate::MIN),
            month: (NO_WORD, value::YearMonth::of(chrono::NaiveDate::MIN)),
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
        let value = super::cell::trimmed(fields.get(index)?);
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

    fn read(
        format: &'r BillingFormat,
        slots: &Slots,
        fields: &Fields<'r>,
        last: &mut LastValues,
    ) -> Option<FastRow<'r>> {
        let optional = |field: BillingField| Self::optional(format, slots, fields, field);
        let amount = |field: BillingField| Self::amount(format, slots, fields, field);
        let account_id = optional(BillingField::AccountId)??;
        if is_totals_word(account_id) {
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
            (None, _) => value::YearMonth::of(date?),
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

/// Whether a cell's text says "totals" (合计, Total: …), ignoring case and a final colon.
fn is_totals_word(text: &str) -> bool {
    // Account ids start with a digit or a letter none of the words starts with: most rows
    // are decided by their first byte.
    if text
        .bytes()
        .next()
        .is_some_and(|first| first.is_ascii_digit() || matches!(first, b'a'..=b'f' | b'A'..=b'F'))
    {
        return false;
    }
    let text = text.trim().trim_end_matches([':', '：']).trim();
    !text.is_empty()
        && TOTALS_WORDS
            .iter()
            .any(|word| text.eq_ignore_ascii_case(word))
}

/// Why a row could not be normalised.
struct Failure {
    field: BillingField,
    /// The column at fault, when known.
    column: Option<usize>,
    message: String,
}

/// One data row seen through its format: blank words read as empty cells.
struct Row<'c> {
    format: &'c BillingFormat,
    cells: &'c [Cell],
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
    fn get(&self, columns: &ColumnIndex, field: BillingField) -> &'c Cell {
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
    fn is_totals(&self, columns: &ColumnIndex) -> bool {
        let is_word = |cell: &Cell| is_totals_word(&cell.as_text());
        let account = self.get(columns, BillingField::AccountId);
        (account.is_empty() || is_word(account)) && self.cells.iter().any(is_word)
    }

    /// The net amount, when it can be read (for the control totals of rejected rows).
    fn net_amount(&self, columns: &ColumnIndex) -> Option<Decimal> {
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
        let mut total: Option<Decimal> = None;
        for index in indices {
            let cell = self.at(*index);
            let amount = value::parse_optional_money(cell).map_err(|error| Failure {
                field,
                column: Some(*index),
                message: error.to_string(),
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

    /// Normalises the row; `product` is the resolved product (None when the cell is empty).
    fn parse_line(
        &self,
        columns: &ColumnIndex,
        product: Option<(&'c str, bool, u32)>,
    ) -> Result<BillingLine<'c>, Failure> {
        let format = self.format;
        let fail = |field: BillingField| {
            move |error: ValueError| Failure {
                field,
                column: Row::column(columns, field),
                message: error.to_string(),
            }
        };
        let missing = |field: BillingField, what: &str| Failure {
            field,
            column: Row::column(columns, field),
            message: format!("expected {what}, found (empty)"),
        };
        let account_id = self
            .text(columns, BillingField::AccountId)
            .ok_or_else(|| missing(BillingField::AccountId, "a billing account id"))?;
        if let Cell::Number(number) = self.get(columns, BillingField::AccountId)
            && number.abs() >= 1e15
        {
            return Err(Failure {
                field: BillingField::AccountId,
                column: Row::column(columns, BillingField::AccountId),
                message: format!(
                    "account id {account_id} is a number of more than 15 digits, so Excel has already lost its last digits; store account ids as text"
                ),
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
                    "a charge date (the export has no billing-month column, so the month is the date's)",
                )
            })?;
            value::YearMonth::of(date)
        };
        let (product, product_known, product_number) =
            product.ok_or_else(|| missing(BillingField::Product, "a product name"))?;
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
        let net_amount = signed(
            self.amount(columns, BillingField::NetAmount)?
                .ok_or_else(|| missing(BillingField::NetAmount, "an amount such as 1,234.50"))?,
        );
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
                message: format!(
                    "expected an ISO currency code such as CNY or USD, found `{text}`"
                ),
            })?,
            (None, Some(default)) => Cow::Borrowed(default.as_str()),
            (None, None) => {
                return Err(missing(
                    BillingField::Currency,
                    "a currency code such as CNY",
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
fn normalise_zero(mut amount: Decimal) -> Decimal {
    if amount.is_zero() {
        amount.set_sign_positive(true);
    }
    amount
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::cell::texts;
    use crate::ruleset::Rulesets;

    #[derive(Default)]
    struct Recorder {
        tables: Vec<(String, Option<String>)>,
        lines: Vec<(usize, BillingLine<'static>)>,
        rejected: Vec<(String, String, Option<Decimal>)>,
        blank: Vec<usize>,
        above: Vec<usize>,
        totals: Vec<(usize, Option<Decimal>)>,
    }

    fn reader<'r>(
        rulesets: &'r Rulesets,
        recorder: &'r mut Recorder,
    ) -> BillingReader<'r, &'r mut Recorder> {
        BillingReader::new(rulesets.billing_layouts().collect(), recorder)
    }

    impl BillingSink for &mut Recorder {
        fn begin_table(&mut self, table: &Location, recognised: Option<&Recognised<'_>>) {
            self.tables.push((
                table.to_string(),
                recognised.map(|recognised| recognised.ruleset.name.clone()),
            ));
        }
        fn above_header(&mut self, row: usize) {
            self.above.push(row);
        }
        fn totals(&mut self, row: usize, net_amount: Option<Decimal>) {
            self.totals.push((row, net_amount));
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
        let mut reader = reader(&rulesets, &mut recorder);
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
        reader.into_sink();
        assert_eq!(
            recorder.tables,
            vec![("bill.csv".to_string(), Some("generic".to_string()))]
        );
        assert_eq!(recorder.lines.len(), 1);
        let (row, line) = &recorder.lines[0];
        assert_eq!(*row, 2);
        assert_eq!(line.product, "ecs");
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
    fn the_fast_path_reads_every_row_it_takes_exactly_as_the_long_way() {
        // Each row goes once through `record` (the fast path) and once through `row` (the
        // cells): whenever the fast path takes a row, the line must be the same.
        let rulesets = Rulesets::load(None).unwrap();
        let header = [
            "account_id",
            "billing_month",
            "date",
            "product",
            "order_type",
            "instance_id",
            "list_amount",
            "discount",
            "voucher",
            "net_amount",
            "currency",
        ];
        let rows: &[[&str; 11]] = &[
            [
                "A1",
                "2025-03",
                "2025-03-02",
                "ECS",
                "",
                "i-1",
                "100",
                "0",
                "",
                "100.00",
                "CNY",
            ],
            [
                "A1",
                "2025-03",
                "",
                "云服务器ECS",
                "退款",
                "",
                "100",
                "5",
                "1",
                "95",
                "CNY",
            ],
            [
                " A1 ",
                "2025-03",
                "2025-03-02 10:00:00",
                "rds",
                "Refund",
                "",
                "0",
                "0",
                "0",
                "0",
                "USD",
            ],
            [
                "A1",
                "2025-03",
                "2025-03-02",
                "Gizmo",
                "",
                "",
                "-0",
                "",
                "",
                "-0.00",
                "CNY",
            ],
            [
                "A1",
                "2025/03",
                "2025-03-02",
                "ECS",
                "",
                "",
                "",
                "",
                "",
                "1,000.00",
                "cny",
            ],
            [
                "A1",
                "2025-03",
                "2025-02-30",
                "ECS",
                "",
                "",
                "",
                "",
                "",
                "10",
                "CNY",
            ],
            ["合计", "", "", "", "", "", "", "", "", "10", ""],
            [
                "A1",
                "2025-03",
                "2025-03-02",
                "ECS",
                "",
                "",
                "",
                "",
                "",
                "(10)",
                "CNY",
            ],
            [
                "A1",
                "2025-13",
                "2025-03-02",
                "ECS",
                "",
                "",
                "",
                "",
                "",
                "10",
                "CNY",
            ],
            [
                "A1",
                "2025-03",
                "2025-03-02",
                "",
                "",
                "",
                "",
                "",
                "",
                "10",
                "CNY",
            ],
            [
                "A1",
                "2025-03",
                "2025-03-02",
                "ECS",
                "",
                "",
                "",
                "",
                "",
                "",
                "CNY",
            ],
            [
                "A1",
                "2025-03",
                "2025-03-02",
                "ECS",
                "",
                "",
                "",
                "",
                "",
                "10",
                "",
            ],
        ];
        let read = |fast: bool| {
            let mut recorder = Recorder::default();
            let mut reader = reader(&rulesets, &mut recorder);
            reader.begin_table(&Location::file("bill.csv".into()));
            reader.row(1, &texts(&header));
            let mut taken = Vec::new();
            for (index, row) in rows.iter().enumerate() {
                let number = index + 2;
                if fast {
                    let line = row.join(",");
                    let mut bounds = Vec::new();
                    crate::ingest::table::split_plain(line.as_bytes(), b',', &mut bounds);
                    let mut scratch = Vec::new();
                    let padded = Fields::pad(&line, &mut scratch);
                    taken.push(reader.record(number, &Fields::new(&line, padded, &bounds)));
                } else {
                    reader.row(number, &texts(row));
                }
            }
            reader.into_sink();
            (recorder.lines, taken)
        };
        let (fast_lines, taken) = read(true);
        let (slow_lines, _) = read(false);
        for (row, line) in &fast_lines {
            let slow = slow_lines
                .iter()
                .find(|(slow_row, _)| slow_row == row)
                .map(|(_, line)| line);
            assert_eq!(Some(line), slow, "row {row}");
        }
        // The plain rows were taken; the others were left for the long way.
        assert_eq!(
            taken,
            vec![
                true, true, true, true, false, false, false, false, false, false, false, false
            ]
        );
    }

    #[test]
    fn a_value_past_the_headers_last_column_rejects_the_row() {
        let rulesets = Rulesets::load(None).unwrap();
        let mut recorder = Recorder::default();
        let mut reader = reader(&rulesets, &mut recorder);
        reader.begin_table(&Location::file("bill.csv".into()));
        reader.row(
            1,
            &texts(&[
                "account_id",
                "billing_month",
                "product",
                "net_amount",
                "currency",
            ]),
        );
        reader.row(2, &texts(&["A1", "2025-03", "ECS", "10", "CNY", ""]));
        reader.row(3, &texts(&["A1", "2025-03", "ECS", "1", "234.50", "CNY"]));
        reader.into_sink();
        assert_eq!(
            recorder.lines.len(),
            1,
            "an empty trailing field is harmless"
        );
        assert_eq!(recorder.rejected.len(), 1);
        assert_eq!(recorder.rejected[0].0, "bill.csv:3");
        assert!(
            recorder.rejected[0]
                .1
                .contains("value in column 6, past the header's 5 columns"),
            "{}",
            recorder.rejected[0].1
        );
    }

    #[test]
    fn an_unrecognised_header_rejects_the_header_and_every_row() {
        let rulesets = Rulesets::load(None).unwrap();
        let mut recorder = Recorder::default();
        let mut reader = reader(&rulesets, &mut recorder);
        reader.begin_table(&Location::sheet("bill.xlsx".into(), Some("说明".into())));
        reader.row(1, &texts(&["说明"]));
        reader.row(2, &texts(&["这是一个说明"]));
        reader.into_sink();
        assert_eq!(recorder.tables[0].1, None, "{:?}", recorder.rejected);
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
        let mut reader = reader(&rulesets, &mut recorder);
        reader.begin_table(&Location::file("bill.csv".into()));
        reader.unreadable_row(1, "field 2 is not valid UTF-8 although the file is".into());
        reader.row(2, &texts(&["A1", "2025-01", "ECS", "10", "CNY"]));
        reader.into_sink();
        assert_eq!(recorder.tables, vec![("bill.csv".to_string(), None)]);
        assert_eq!(recorder.rejected.len(), 2);
        assert_eq!(recorder.rejected[0].0, "bill.csv:1");
        assert!(
            recorder.rejected[1]
                .1
                .contains("header (row 1) matches no billing format")
        );
    }
}
