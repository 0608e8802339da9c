//! Reads the agent's statements (docs/INPUTS.md, "Agent statements"): the template's
//! columns (English or Chinese headers), or a provider's export as a ruleset's
//! `[statement]` table maps it. Each table's header picks its layout; a row that cannot be
//! read is rejected with file:sheet:row:column and counted in the controls. Statements
//! are few, so they are kept in memory.

use super::cell::Cell;
use super::header::is_blank;
use super::missing_columns::TableProblem;
use super::table::{CUT_OFF_ROW, TableVisitor};
use super::value::{self, ValueError};
use crate::domain::contract::DateRange;
use crate::domain::controls::LedgerTable;
use crate::domain::currency::normalize_currency;
use crate::domain::expected::{EMPTY, Expected, Kind, RowReason};
use crate::domain::location::Location;
use crate::domain::period::PeriodRef;
use crate::domain::statement::StatementRow;
use crate::ruleset::{Ruleset, STATEMENT_FIELDS, normalize_header};
use rust_decimal::Decimal;

/// The template's columns: field, then its English and Chinese header names.
pub const TEMPLATE: [(&str, &[&str]); 15] = [
    ("contract_id", &["contract_id", "合同编号"]),
    ("account_id", &["account_id", "账号", "客户账号"]),
    ("period", &["period", "结算期间", "期间"]),
    ("period_start", &["period_start", "期间开始"]),
    ("period_end", &["period_end", "期间结束"]),
    ("month", &["month", "月份", "账期"]),
    ("base", &["base", "计算基数", "基数"]),
    ("rate", &["rate", "返点比例", "比例"]),
    ("rebate", &["rebate", "返点金额", "返点"]),
    ("deductions", &["deductions", "扣减金额", "扣减"]),
    ("deduction_reason", &["deduction_reason", "扣减原因"]),
    ("payable", &["payable", "应付金额", "应付"]),
    ("currency", &["currency", "币种"]),
    ("statement_no", &["statement_no", "结算单号"]),
    ("statement_date", &["statement_date", "结算单日期"]),
];

/// The layout name of the template.
pub const TEMPLATE_NAME: &str = "statement";

/// One layout a header is tried against: the template or a ruleset's `[statement]`.
#[derive(Debug, Clone)]
pub struct Layout {
    /// `statement` or the ruleset's name.
    pub name: String,
    /// For each of [`STATEMENT_FIELDS`], the normalised header names that mean it.
    names: Vec<Vec<String>>,
    divisor: Decimal,
    blank: Vec<String>,
}

impl Layout {
    /// The template's layout.
    pub fn template() -> Layout {
        Layout {
            name: TEMPLATE_NAME.into(),
            names: STATEMENT_FIELDS
                .iter()
                .map(|field| {
                    TEMPLATE
                        .iter()
                        .find(|(name, _)| name == field)
                        .map(|(_, names)| names.iter().map(|n| normalize_header(n)).collect())
                        .unwrap_or_default()
                })
                .collect(),
            divisor: Decimal::ONE,
            blank: Vec::new(),
        }
    }

    /// The template, then every ruleset's statement layout by name.
    pub fn all<'r>(rulesets: impl Iterator<Item = &'r Ruleset>) -> Vec<Layout> {
        let mut layouts = vec![Layout::template()];
        for ruleset in rulesets {
            if let Some(statement) = &ruleset.statement {
                layouts.push(Layout {
                    name: ruleset.name.clone(),
                    names: STATEMENT_FIELDS
                        .iter()
                        .map(|field| statement.columns.get(*field).cloned().unwrap_or_default())
                        .collect(),
                    divisor: statement.amount_divisor,
                    blank: statement.blank.clone(),
                });
            }
        }
        layouts
    }

    /// Where each field is in `header`, when the header has what a statement needs.
    fn fit(&self, header: &[String]) -> Option<Vec<Option<usize>>> {
        let found: Vec<Option<usize>> = self
            .names
            .iter()
            .map(|names| header.iter().position(|cell| names.contains(cell)))
            .collect();
        let has = |field: usize| found[field].is_some();
        let enough = (has(F::CONTRACT) || has(F::ACCOUNT))
            && (has(F::MONTH) || has(F::PERIOD) || (has(F::START) && has(F::END)))
            && (has(F::REBATE) || has(F::PAYABLE));
        enough.then_some(found)
    }
}

/// Field numbers, as in [`STATEMENT_FIELDS`].
struct F;
impl F {
    const CONTRACT: usize = 0;
    const ACCOUNT: usize = 1;
    const PERIOD: usize = 2;
    const START: usize = 3;
    const END: usize = 4;
    const MONTH: usize = 5;
    const BASE: usize = 6;
    const RATE: usize = 7;
    const REBATE: usize = 8;
    const DEDUCTIONS: usize = 9;
    const REASON: usize = 10;
    const PAYABLE: usize = 11;
    const CURRENCY: usize = 12;
    const NUMBER: usize = 13;
    const DATE: usize = 14;
}

/// A statement row that was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedStatementRow {
    /// File, sheet, row and column.
    pub location: Location,
    /// Why.
    pub reason: RowReason,
    /// Its payable amount, when it could be read.
    pub amount: Option<Decimal>,
}

/// A table's header matched: its layout and columns.
#[derive(Debug, Clone)]
struct Mapped {
    layout: usize,
    columns: Vec<Option<usize>>,
    headers: Vec<String>,
}

/// Collects statement rows from statement tables.
#[derive(Debug)]
pub struct StatementReader {
    layouts: Vec<Layout>,
    /// Rows read, in file order.
    pub rows: Vec<StatementRow>,
    /// Rows rejected.
    pub rejected: Vec<RejectedStatementRow>,
    /// Per-table counts (amounts: what is payable).
    pub tables: Vec<LedgerTable>,
    /// Tables whose header names statement columns but not enough of them: the run stops.
    pub problems: Vec<TableProblem>,
    map: Option<Result<Mapped, ()>>,
}

impl StatementReader {
    /// A reader trying `layouts` in order.
    pub fn new(layouts: Vec<Layout>) -> StatementReader {
        StatementReader {
            layouts,
            rows: Vec::new(),
            rejected: Vec::new(),
            tables: Vec::new(),
            problems: Vec::new(),
            map: None,
        }
    }

    /// Whether any table had a header row.
    pub fn saw_header(&self) -> bool {
        self.map.is_some()
    }

    fn reject(&mut self, location: Location, reason: RowReason, amount: Option<Decimal>) {
        if let Some(table) = self.tables.last_mut() {
            table.rejected += 1;
        }
        self.rejected.push(RejectedStatementRow {
            location,
            reason,
            amount,
        });
    }

    fn header(&mut self, location: &Location, cells: &[Cell]) {
        let header: Vec<String> = cells
            .iter()
            .map(|cell| normalize_header(&cell.to_text()))
            .collect();
        if let Some((layout, columns)) = self
            .layouts
            .iter()
            .enumerate()
            .find_map(|(index, layout)| layout.fit(&header).map(|columns| (index, columns)))
        {
            self.map = Some(Ok(Mapped {
                layout,
                columns,
                headers: cells.iter().map(Cell::to_text).collect(),
            }));
            return;
        }
        self.map = Some(Err(()));
        if let Some(table) = self.tables.last_mut() {
            table.rows += 1;
        }
        self.reject(
            location.clone(),
            "this header row matches no statement layout: a statement needs contract_id (合同编号) or account_id (账号), month (月份) or period (结算期间) or period_start and period_end, and rebate (返点金额) or payable (应付金额)".into(),
            None,
        );
        // Two or more of the template's names: a statement with a column misspelt or
        // missing, whose rows would all be rejected; stop and name what is missing.
        let template = Layout::template();
        let known = template
            .names
            .iter()
            .filter(|names| header.iter().any(|cell| names.contains(cell)))
            .count();
        if known >= 2 {
            self.problems.push(TableProblem {
                location: location.clone(),
                message: format!(
                    "this header row has statement columns but not all a statement needs: contract_id (合同编号) or account_id (账号), month (月份) or period (结算期间) or period_start and period_end, and rebate (返点金额) or payable (应付金额); found {}",
                    cells
                        .iter()
                        .map(Cell::to_text)
                        .filter(|text| !text.is_empty())
                        .map(|text| format!("`{text}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
}

impl TableVisitor for StatementReader {
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
                && let Some(table) = self.tables.last_mut()
            {
                table.blank += 1;
            }
            return;
        }
        let location = table.at_row(number);
        let mapped = match &self.map {
            None => {
                self.header(&location, cells);
                return;
            }
            Some(Err(())) => {
                if let Some(table) = self.tables.last_mut() {
                    table.rows += 1;
                }
                self.reject(
                    location,
                    "the table's header matches no statement layout".into(),
                    None,
                );
                return;
            }
            Some(Ok(mapped)) => mapped.clone(),
        };
        let layout = &self.layouts[mapped.layout];
        let row = RowCells {
            layout,
            mapped: &mapped,
            cells,
            source: &location,
        };
        let payable = row.payable_for_controls();
        if let Some(table) = self.tables.last_mut() {
            table.rows += 1;
            // Saturating: control totals of hostile files must not panic.
            table.amount = table.amount.saturating_add(payable.unwrap_or_default());
        }
        match row.parse() {
            Ok(statement) => {
                if let Some(table) = self.tables.last_mut() {
                    table.used += 1;
                    table.used_amount = table
                        .used_amount
                        .saturating_add(statement.stated_payable().unwrap_or_default());
                }
                self.rows.push(statement);
            }
            Err((column, reason)) => self.reject(location.at_column(column), reason, payable),
        }
    }

    /// The last row of a CSV that ends without a line break: rejected (it may have been
    /// cut off inside it), unless it is the header.
    fn cut_off_row(&mut self, number: usize, cells: &[Cell]) {
        if !matches!(self.map, Some(Ok(_))) {
            self.row(number, cells);
            return;
        }
        let location = self
            .tables
            .last()
            .map_or_else(|| Location::file("?".into()), |t| t.table.at_row(number));
        if let Some(table) = self.tables.last_mut() {
            table.rows += 1;
        }
        self.reject(location, CUT_OFF_ROW.into(), None);
    }

    fn unreadable_row(&mut self, number: usize, why: String) {
        let location = self.tables.last().map_or_else(
            || Location::file("?".into()),
            |table| table.table.at_row(number),
        );
        if let Some(table) = self.tables.last_mut() {
            table.rows += 1;
        }
        self.reject(location, why.into(), None);
    }
}

/// One data row under its layout.
struct RowCells<'a> {
    layout: &'a Layout,
    mapped: &'a Mapped,
    cells: &'a [Cell],
    source: &'a Location,
}

type Failure = (String, RowReason);

impl RowCells<'_> {
    /// The cell of `field`: empty when the column is absent, the row short, or the text
    /// one the layout reads as nothing.
    fn cell(&self, field: usize) -> &Cell {
        const EMPTY_CELL: &Cell = &Cell::Empty;
        let cell = self.mapped.columns[field]
            .and_then(|index| self.cells.get(index))
            .unwrap_or(EMPTY_CELL);
        if !self.layout.blank.is_empty()
            && self
                .layout
                .blank
                .contains(&cell.to_text().trim().to_lowercase())
        {
            return EMPTY_CELL;
        }
        cell
    }

    /// The header of `field`'s column, for locations.
    fn column(&self, field: usize) -> String {
        self.mapped.columns[field]
            .and_then(|index| self.mapped.headers.get(index))
            .cloned()
            .unwrap_or_else(|| STATEMENT_FIELDS[field].to_string())
    }

    fn text(&self, field: usize) -> Option<String> {
        let text = self.cell(field).to_text();
        (!text.trim().is_empty()).then(|| text.trim().to_string())
    }

    fn fail(&self, field: usize) -> impl Fn(ValueError) -> Failure + '_ {
        move |error| (self.column(field), RowReason::from(error))
    }

    fn money(&self, field: usize) -> Result<Option<Decimal>, Failure> {
        Ok(value::parse_optional_money(self.cell(field))
            .map_err(self.fail(field))?
            .map(|amount| amount / self.layout.divisor))
    }

    /// What the controls count for a row: payable, else rebate less deductions, when
    /// the cells can be read.
    fn payable_for_controls(&self) -> Option<Decimal> {
        let read = |field| self.money(field).ok().flatten();
        read(F::PAYABLE).or_else(|| {
            read(F::REBATE).map(|rebate| rebate - read(F::DEDUCTIONS).unwrap_or_default())
        })
    }

    fn dates(&self) -> Result<DateRange, Failure> {
        let present = |field: usize| !self.cell(field).is_empty();
        let range = if present(F::START) || present(F::END) {
            let first = value::parse_date(self.cell(F::START)).map_err(self.fail(F::START))?;
            let last = value::parse_date(self.cell(F::END)).map_err(self.fail(F::END))?;
            if last < first {
                return Err((
                    self.column(F::END),
                    RowReason::Cell {
                        expected: Expected::new(
                            Kind::RangeOrder,
                            "a period end on or after its start",
                        ),
                        found: format!("`{last}` before `{first}`"),
                    },
                ));
            }
            DateRange { first, last }
        } else if present(F::PERIOD) {
            let reference =
                value::parse_period_ref(self.cell(F::PERIOD)).map_err(self.fail(F::PERIOD))?;
            if let PeriodRef::Date(_) = reference {
                return Err((
                    self.column(F::PERIOD),
                    RowReason::Cell {
                        expected: Expected::new(
                            Kind::Period,
                            "a month, quarter or year such as 2025-03, 2025-Q1 or 2025",
                        ),
                        found: format!("`{}`", self.cell(F::PERIOD).to_text()),
                    },
                ));
            }
            DateRange {
                first: reference.first_day(),
                last: reference.last_day(),
            }
        } else {
            let field = if self.mapped.columns[F::MONTH].is_some() {
                F::MONTH
            } else {
                F::PERIOD
            };
            let month = value::parse_month(self.cell(field)).map_err(self.fail(field))?;
            DateRange {
                first: month.first_day(),
                last: month.last_day(),
            }
        };
        Ok(range)
    }

    fn parse(&self) -> Result<StatementRow, Failure> {
        let contract_id = self.text(F::CONTRACT);
        let account_id = self.text(F::ACCOUNT);
        if contract_id.is_none() && account_id.is_none() {
            let field = if self.mapped.columns[F::CONTRACT].is_some() {
                F::CONTRACT
            } else {
                F::ACCOUNT
            };
            return Err((
                self.column(field),
                RowReason::Cell {
                    expected: Expected::new(Kind::ContractId, "a contract id or an account id"),
                    found: EMPTY.to_string(),
                },
            ));
        }
        let dates = self.dates()?;
        let base = self.money(F::BASE)?;
        let rate = match self.cell(F::RATE) {
            cell if cell.is_empty() => None,
            cell => Some(value::parse_rate(cell, false).map_err(self.fail(F::RATE))?),
        };
        let rebate = self.money(F::REBATE)?;
        let deductions = self.money(F::DEDUCTIONS)?;
        let payable = self.money(F::PAYABLE)?;
        if rebate.is_none() && payable.is_none() {
            let field = if self.mapped.columns[F::PAYABLE].is_some() {
                F::PAYABLE
            } else {
                F::REBATE
            };
            return Err((
                self.column(field),
                RowReason::Cell {
                    expected: Expected::new(Kind::Amount, "a rebate or payable amount"),
                    found: EMPTY.to_string(),
                },
            ));
        }
        let currency = match self.text(F::CURRENCY) {
            None => None,
            Some(code) => Some(
                normalize_currency(&code)
                    .map(|code| code.into_owned())
                    .ok_or_else(|| {
                        (
                            self.column(F::CURRENCY),
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
        // Read so that a mistyped date is reported, though nothing is compared with it.
        value::parse_optional_date(self.cell(F::DATE)).map_err(self.fail(F::DATE))?;
        let cell_of = |field: usize| self.source.at_column(self.column(field));
        Ok(StatementRow {
            contract_cell: if contract_id.is_some() {
                cell_of(F::CONTRACT)
            } else {
                cell_of(F::ACCOUNT)
            },
            period_cell: [F::START, F::PERIOD, F::MONTH]
                .into_iter()
                .find(|field| !self.cell(*field).is_empty())
                .map_or_else(|| self.source.clone(), cell_of),
            contract_id,
            account_id,
            dates,
            base,
            rate,
            rebate,
            deductions,
            deduction_reason: self.text(F::REASON),
            payable,
            currency,
            statement_no: self.text(F::NUMBER),
            layout: self.layout.name.clone(),
            source: self.source.clone(),
        })
    }
}

/// Every statement file's rows, controls and rejections, merged in file order.
#[derive(Debug, Default)]
pub struct Statements {
    /// Rows, in file and row order.
    pub rows: Vec<StatementRow>,
    /// Control counts per table.
    pub tables: Vec<LedgerTable>,
    /// Rejected rows.
    pub rejected: Vec<RejectedStatementRow>,
    /// Tables with statement columns but not enough of them.
    pub problems: Vec<TableProblem>,
}

impl Statements {
    /// Adds one file's reader; call in file order.
    pub fn absorb(&mut self, reader: StatementReader) {
        self.rows.extend(reader.rows);
        self.tables.extend(reader.tables);
        self.rejected.extend(reader.rejected);
        self.problems.extend(reader.problems);
    }
}

#[cfg(test)]
mod tests;
