//! Reads the payout ledger (docs/INPUTS.md): one row per payout received. Rows that cannot be
//! read are rejected with their location; payouts are few, so they are kept in memory.

use super::cell::Cell;
use super::header::{ColumnMap, ColumnSpec, is_blank, optional, required};
use super::missing_columns::{TableProblem, comes_close, did_you_mean, hint};
use super::table::{CUT_OFF_ROW, TableVisitor};
use super::value::{self, ValueError};
use crate::domain::contract::{InvoiceKind, PayoutKind};
use crate::domain::controls::LedgerTable;
use crate::domain::currency::normalize_currency;
use crate::domain::expected::{EMPTY, Expected, Kind, RowReason};
use crate::domain::location::Location;
use crate::domain::payout::{Invoice, Payout, PayoutField, UnreadCell};
use crate::ruleset::normalize_header;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// The ledger's columns, by name and Chinese alias (the starter kit writes these headers).
pub const COLUMNS: [ColumnSpec; 15] = [
    required("payout_id", &["流水号"]),
    required("contract_id", &["合同编号"]),
    required("paid_on", &["到账日期"]),
    required("amount", &["金额"]),
    optional("currency", &["币种"]),
    optional("kind", &["方式"]),
    optional("period", &["所属期间"]),
    optional("installment", &["期次"]),
    optional("invoice_no", &["发票号码"]),
    optional("invoice_date", &["开票日期"]),
    optional("invoice_amount", &["价税合计"]),
    optional("invoice_tax_rate", &["发票税率"]),
    optional("invoice_type", &["发票类型"]),
    optional("invoice_issuer", &["开票方税号"]),
    optional("reference", &["参考号", "付款参考号", "银行参考号"]),
];

mod column {
    pub const PAYOUT_ID: usize = 0;
    pub const CONTRACT_ID: usize = 1;
    pub const PAID_ON: usize = 2;
    pub const AMOUNT: usize = 3;
    pub const CURRENCY: usize = 4;
    pub const KIND: usize = 5;
    pub const PERIOD: usize = 6;
    pub const INSTALLMENT: usize = 7;
    pub const INVOICE_NO: usize = 8;
    pub const INVOICE_DATE: usize = 9;
    pub const INVOICE_AMOUNT: usize = 10;
    pub const INVOICE_TAX_RATE: usize = 11;
    pub const INVOICE_TYPE: usize = 12;
    pub const INVOICE_ISSUER: usize = 13;
    pub const REFERENCE: usize = 14;
}

/// A ledger row that was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedPayout {
    /// File, sheet, row and column.
    pub location: Location,
    /// Why.
    pub reason: RowReason,
    /// Its amount, when it could be read.
    pub amount: Option<Decimal>,
}

/// Collects payouts from ledger tables.
#[derive(Debug, Default)]
pub struct LedgerReader {
    /// Payouts read, in file order.
    pub payouts: Vec<Payout>,
    /// Rows rejected.
    pub rejected: Vec<RejectedPayout>,
    /// Per-table counts.
    pub tables: Vec<LedgerTable>,
    /// Tables that come close to a ledger but lack a required column: the run stops.
    pub problems: Vec<TableProblem>,
    map: Option<Result<ColumnMap, ()>>,
    /// Payout id → where it was first seen in this file.
    ids: HashMap<String, Location>,
}

impl LedgerReader {
    /// Whether any table had a header row (an empty file has none).
    pub fn saw_header(&self) -> bool {
        self.map.is_some()
    }

    fn current(&mut self) -> Option<&mut LedgerTable> {
        self.tables.last_mut()
    }

    fn reject(&mut self, location: Location, reason: RowReason, amount: Option<Decimal>) {
        if let Some(table) = self.current() {
            table.rejected += 1;
        }
        self.rejected.push(RejectedPayout {
            location,
            reason,
            amount,
        });
    }
}

impl TableVisitor for LedgerReader {
    fn begin_table(&mut self, table: &Location) {
        self.tables.push(LedgerTable::empty(table.clone()));
        self.map = None;
    }

    fn row(&mut self, number: usize, cells: &[Cell]) {
        let Some(table) = self.tables.last().map(|table| table.table.clone()) else {
            return;
        };
        if is_blank(cells) {
            if self.map.is_some()
                && let Some(table) = self.current()
            {
                table.blank += 1;
            }
            return;
        }
        let location = table.at_row(number);
        let map = match &self.map {
            None => {
                match ColumnMap::new(cells, &COLUMNS) {
                    Ok(map) => self.map = Some(Ok(map)),
                    Err(missing) => {
                        self.map = Some(Err(()));
                        self.problems
                            .extend(missing_columns(&location, cells, &missing));
                        if let Some(table) = self.current() {
                            table.rows += 1;
                        }
                        self.reject(
                            location,
                            format!(
                                "this header row has no column {}; a payout ledger needs payout_id (流水号), contract_id (合同编号), paid_on (到账日期) and amount (金额)",
                                missing.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
                            ).into(),
                            None,
                        );
                    }
                }
                return;
            }
            Some(Err(())) => {
                if let Some(table) = self.current() {
                    table.rows += 1;
                }
                self.reject(
                    location,
                    "the table's header matches no payout ledger layout".into(),
                    None,
                );
                return;
            }
            Some(Ok(map)) => map.clone(),
        };
        let amount = value::parse_money(map.cell(cells, column::AMOUNT)).ok();
        if let Some(table) = self.current() {
            table.rows += 1;
            // Saturating: control totals of hostile files must not panic.
            table.amount = table.amount.saturating_add(amount.unwrap_or_default());
        }
        let duplicate_of = self
            .ids
            .get(map.cell(cells, column::PAYOUT_ID).as_text().as_ref())
            .cloned();
        match parse_payout(&map, cells, location.clone()) {
            Ok(_) if duplicate_of.is_some() => {
                let first = duplicate_of
                    .map(|place| place.to_string())
                    .unwrap_or_default();
                let column = map.header(column::PAYOUT_ID, "payout_id");
                self.reject(
                    location.at_column(column),
                    format!(
                        "payout id `{}` is already used at {first}; ids must be unique",
                        map.cell(cells, column::PAYOUT_ID).to_text()
                    )
                    .into(),
                    amount,
                );
            }
            Ok(payout) => {
                if let Some(table) = self.current() {
                    table.used += 1;
                    table.used_amount = table.used_amount.saturating_add(payout.amount);
                }
                self.ids.insert(payout.id.clone(), payout.source.clone());
                self.payouts.push(payout);
            }
            Err((spec, message)) => {
                let column = map.header(spec, COLUMNS[spec].name);
                self.reject(location.at_column(column), message, amount);
            }
        }
    }

    /// The last row of a CSV that ends without a line break: rejected with the amount it
    /// holds (it may have been cut off inside it), unless it is the header.
    fn cut_off_row(&mut self, number: usize, cells: &[Cell]) {
        let (Some(Ok(map)), Some(table)) = (&self.map, self.tables.last()) else {
            self.row(number, cells);
            return;
        };
        let amount = value::parse_money(map.cell(cells, column::AMOUNT)).ok();
        let location = table.table.at_row(number);
        if let Some(table) = self.current() {
            table.rows += 1;
            table.amount = table.amount.saturating_add(amount.unwrap_or_default());
        }
        self.reject(location, CUT_OFF_ROW.into(), amount);
    }

    fn unreadable_row(&mut self, number: usize, why: String) {
        let location = self.tables.last().map_or_else(
            || Location::file("?".into()),
            |table| table.table.at_row(number),
        );
        if let Some(table) = self.current() {
            table.rows += 1;
        }
        self.reject(location, why.into(), None);
    }
}

/// A header row that comes close to a ledger's (more than half of the required columns)
/// but lacks `missing`: one problem per missing column, with the header most likely
/// meant for it. Nothing for a table that resembles no ledger (its rows are rejected).
fn missing_columns(header_row: &Location, cells: &[Cell], missing: &[&str]) -> Vec<TableProblem> {
    let required = COLUMNS.iter().filter(|spec| spec.required).count();
    if !comes_close(required - missing.len(), required) {
        return Vec::new();
    }
    let names = |spec: &ColumnSpec| -> Vec<String> {
        std::iter::once(spec.name)
            .chain(spec.aliases.iter().copied())
            .map(normalize_header)
            .collect()
    };
    let known: Vec<String> = COLUMNS.iter().flat_map(names).collect();
    let headers: Vec<String> = cells.iter().map(Cell::to_text).collect();
    let unknown: Vec<&str> = headers
        .iter()
        .filter(|header| !header.is_empty() && !known.contains(&normalize_header(header)))
        .map(String::as_str)
        .collect();
    missing
        .iter()
        .filter_map(|name| COLUMNS.iter().find(|spec| spec.name == *name))
        .map(|spec| {
            let wanted: Vec<&str> = std::iter::once(spec.name)
                .chain(spec.aliases.iter().copied())
                .collect();
            TableProblem {
                location: header_row.clone(),
                message: format!(
                    "expected a column `{}` ({}) in the payout ledger's header row, found none{}. A payout ledger needs payout_id (流水号), contract_id (合同编号), paid_on (到账日期) and amount (金额) in its first non-blank row; this one has {}",
                    spec.name,
                    spec.aliases.join(", "),
                    hint(did_you_mean(&wanted, &unknown)),
                    headers
                        .iter()
                        .filter(|header| !header.is_empty())
                        .map(|header| format!("`{header}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        })
        .collect()
}

/// Every ledger file's payouts, controls and rejections, merged in file order.
#[derive(Debug, Default)]
pub struct Ledgers {
    /// Payouts, in file and row order, ids unique.
    pub payouts: Vec<Payout>,
    /// Control counts per table.
    pub tables: Vec<LedgerTable>,
    /// Rejected rows.
    pub rejected: Vec<RejectedPayout>,
    /// Tables that come close to a ledger but lack a required column.
    pub problems: Vec<TableProblem>,
}

impl Ledgers {
    /// Adds one file's reader; call in file order. A payout id already used in an earlier
    /// file is rejected like one repeated within a file, and the controls say so.
    pub fn absorb(&mut self, reader: LedgerReader, seen: &mut HashMap<String, Location>) {
        let mut tables = reader.tables;
        self.rejected.extend(reader.rejected);
        self.problems.extend(reader.problems);
        for payout in reader.payouts {
            if let Some(first) = seen.get(&payout.id) {
                if let Some(table) = tables.iter_mut().find(|table| {
                    table.table.file == payout.source.file
                        && table.table.sheet == payout.source.sheet
                }) {
                    table.used -= 1;
                    table.used_amount = table.used_amount.saturating_sub(payout.amount);
                    table.rejected += 1;
                }
                self.rejected.push(RejectedPayout {
                    location: payout.source.at_column("payout_id"),
                    reason: format!(
                        "payout id `{}` is already used at {first}; ids must be unique",
                        payout.id
                    )
                    .into(),
                    amount: Some(payout.amount),
                });
                continue;
            }
            seen.insert(payout.id.clone(), payout.source.clone());
            self.payouts.push(payout);
        }
        self.tables.extend(tables);
    }
}

/// The column spec of each optional field whose unreadable cell leaves the payout kept.
fn spec_of(field: PayoutField) -> usize {
    match field {
        PayoutField::Kind => column::KIND,
        PayoutField::InvoiceDate => column::INVOICE_DATE,
        PayoutField::InvoiceAmount => column::INVOICE_AMOUNT,
        PayoutField::InvoiceTaxRate => column::INVOICE_TAX_RATE,
        PayoutField::InvoiceType => column::INVOICE_TYPE,
        PayoutField::InvoiceIssuer => column::INVOICE_ISSUER,
        PayoutField::InvoiceNumber => column::INVOICE_NO,
    }
}

/// The invoice types a ledger may name, for messages (every spelling of
/// [`InvoiceKind::from_word`] is read).
const INVOICE_TYPES: &str =
    "vat_special (专票, 增值税专用发票), vat_general (普票, 增值税普通发票), credit_note (红字)";

/// A row's optional cells, read one by one; those that cannot be read are collected.
struct OptionalCells<'a> {
    map: &'a ColumnMap,
    cells: &'a [Cell],
    source: &'a Location,
    unread: Vec<UnreadCell>,
}

impl OptionalCells<'_> {
    /// `field`'s value: `None` when its cell is empty, else what `read` makes of it — or,
    /// when that fails (or the cell is an error cell such as `#N/A`), `None` with the cell
    /// recorded as unread.
    fn read<T>(
        &mut self,
        field: PayoutField,
        read: impl FnOnce(&Cell) -> Result<T, RowReason>,
    ) -> Option<T> {
        let spec = spec_of(field);
        let cell = self.map.cell(self.cells, spec);
        if cell.is_empty() {
            return None;
        }
        let result = match cell {
            Cell::Error(error) => {
                Err(format!("expected a value, found error cell `{error}`").into())
            }
            cell => read(cell),
        };
        result
            .map_err(|problem| {
                self.unread.push(UnreadCell {
                    field,
                    location: self
                        .source
                        .at_column(self.map.header(spec, COLUMNS[spec].name)),
                    text: cell.to_text(),
                    problem,
                });
            })
            .ok()
    }
}

/// One row as a payout. A required field that cannot be read rejects the row (its column
/// and message); an optional field that cannot be read is left empty and recorded in
/// `unread`, so the payout — the cash — still counts (`period`, `installment` and
/// `currency` excepted: they decide where the money goes or whether it counts at all).
fn parse_payout(
    map: &ColumnMap,
    cells: &[Cell],
    source: Location,
) -> Result<Payout, (usize, RowReason)> {
    use column as c;
    let fail = |spec: usize| move |error: ValueError| (spec, RowReason::from(error));
    let text = |spec: usize| {
        let text = map.cell(cells, spec).to_text();
        (!text.is_empty()).then_some(text)
    };
    let required_text = |spec: usize, what: Expected| {
        text(spec).ok_or_else(|| {
            (
                spec,
                RowReason::Cell {
                    expected: what,
                    found: EMPTY.to_string(),
                },
            )
        })
    };
    let optional = |spec: usize| !map.cell(cells, spec).is_empty();
    let id = required_text(c::PAYOUT_ID, Expected::new(Kind::PayoutId, "a payout id"))?;
    let contract_id = required_text(
        c::CONTRACT_ID,
        Expected::new(Kind::ContractId, "a contract id"),
    )?;
    let paid_on = value::parse_date(map.cell(cells, c::PAID_ON)).map_err(fail(c::PAID_ON))?;
    let amount = value::parse_money(map.cell(cells, c::AMOUNT)).map_err(fail(c::AMOUNT))?;
    let currency = match text(c::CURRENCY) {
        None => None,
        Some(code) => Some(
            normalize_currency(&code)
                .map(|code| code.into_owned())
                .ok_or_else(|| {
                    (
                        c::CURRENCY,
                        RowReason::Cell {
                            expected: Expected::new(
                                Kind::Currency,
                                "an ISO currency code such as CNY or USD",
                            ),
                            found: format!("`{code}`"),
                        },
                    )
                })?,
        ),
    };
    let period = if optional(c::PERIOD) {
        Some(value::parse_period_ref(map.cell(cells, c::PERIOD)).map_err(fail(c::PERIOD))?)
    } else {
        None
    };
    let installment = if optional(c::INSTALLMENT) {
        let number = value::parse_whole_number(map.cell(cells, c::INSTALLMENT))
            .map_err(fail(c::INSTALLMENT))?;
        Some(
            u32::try_from(number)
                .ok()
                .filter(|number| *number >= 1)
                .ok_or_else(|| {
                    (
                        c::INSTALLMENT,
                        RowReason::Cell {
                            expected: Expected::new(
                                Kind::Installment,
                                "an installment number of 1 or more",
                            ),
                            found: format!("`{number}`"),
                        },
                    )
                })?,
        )
    } else {
        None
    };
    let mut optionals = OptionalCells {
        map,
        cells,
        source: &source,
        unread: Vec::new(),
    };
    let kind = optionals.read(PayoutField::Kind, |cell| {
        let word = cell.to_text();
        PayoutKind::from_word(&word).ok_or_else(|| {
            RowReason::from(format!(
                "expected one of {}, found `{word}`",
                PayoutKind::WORDS.join(", ")
            ))
        })
    });
    let date = optionals.read(PayoutField::InvoiceDate, |cell| {
        value::parse_date(cell).map_err(RowReason::from)
    });
    let invoice_amount = optionals.read(PayoutField::InvoiceAmount, |cell| {
        value::parse_money(cell).map_err(RowReason::from)
    });
    let tax_rate = optionals.read(PayoutField::InvoiceTaxRate, |cell| {
        value::parse_rate(cell, false).map_err(RowReason::from)
    });
    let invoice_kind = optionals.read(PayoutField::InvoiceType, |cell| {
        let word = cell.to_text();
        InvoiceKind::from_word(&word).ok_or_else(|| {
            RowReason::from(format!(
                "expected an invoice type: {INVOICE_TYPES}; found `{word}`"
            ))
        })
    });
    let issuer = optionals.read(PayoutField::InvoiceIssuer, |cell| Ok(cell.to_text()));
    // A 20-digit number (全电发票) typed into a number cell keeps 15 digits: the number is
    // still shown, and the cell reported so it is not matched against other invoices.
    optionals.read(PayoutField::InvoiceNumber, |cell| {
        if cell.digits_lost() {
            return Err(format!(
                "the invoice number {} is a number of more than 15 digits, so the spreadsheet has already lost its last digits; store invoice numbers as text",
                cell.to_text()
            )
            .into());
        }
        Ok(())
    });
    let unread = optionals.unread;
    let invoice = Invoice {
        number: text(c::INVOICE_NO),
        date,
        amount: invoice_amount,
        tax_rate,
        kind: invoice_kind,
        issuer,
    };
    Ok(Payout {
        id,
        contract_id,
        paid_on,
        amount,
        currency,
        kind,
        period,
        installment,
        invoice,
        reference: text(c::REFERENCE),
        source,
        unread,
    })
}

#[cfg(test)]
mod tests;
