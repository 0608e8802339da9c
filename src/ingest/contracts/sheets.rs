//! The tables of a contract workbook sorted into its five sheets, by name or alias (case,
//! width, spaces and underscores do not matter).

use super::columns::{
    AMENDMENT_COLUMNS, CONTRACT_COLUMNS, PRODUCT_COLUMNS, SCHEDULE_COLUMNS, TIER_COLUMNS,
};
use super::error::ContractError;
use crate::domain::location::Location;
use crate::domain::words::same_word;
use crate::ingest::cell::Cell;
use crate::ingest::header::{ColumnSpec, is_blank};
use crate::ingest::table::TableVisitor;
use std::sync::Arc;

/// The five sheets, by their names and aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SheetKind {
    /// `contracts`: one row per contract.
    Contracts,
    /// `tiers`: one row per bracket.
    Tiers,
    /// `products`: one row per weighted product.
    Products,
    /// `schedule`: one row per installment.
    Schedule,
    /// `amendments`: one row per change of a contract's terms.
    Amendments,
}

impl SheetKind {
    /// Every sheet, in the order they are read.
    pub const ALL: [SheetKind; 5] = [
        SheetKind::Contracts,
        SheetKind::Tiers,
        SheetKind::Products,
        SheetKind::Schedule,
        SheetKind::Amendments,
    ];

    /// Every name the sheet (or a folder's CSV file, by its name) may have.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            SheetKind::Contracts => &["contracts", "contract", "合同", "合同清单"],
            SheetKind::Tiers => &["tiers", "tier", "阶梯", "返点阶梯"],
            SheetKind::Products => &["products", "product", "产品系数", "产品"],
            SheetKind::Schedule => &["schedule", "分期", "付款计划"],
            SheetKind::Amendments => &["amendments", "amendment", "变更", "合同变更"],
        }
    }

    /// The sheet a name means, ignoring case, width, spaces and underscores.
    pub(super) fn recognise(name: &str) -> Option<SheetKind> {
        SheetKind::ALL
            .into_iter()
            .find(|kind| kind.names().iter().any(|known| same_word(known, name)))
    }

    /// The sheet's English name, as messages name it.
    pub fn name(self) -> &'static str {
        self.names()[0]
    }

    /// The sheet's columns, in the order the starter kit writes them (`rebate-audit
    /// init`): the reader's own list, so the kit cannot drift from what is read.
    pub fn columns(self) -> &'static [ColumnSpec] {
        match self {
            SheetKind::Contracts => &CONTRACT_COLUMNS,
            SheetKind::Tiers => &TIER_COLUMNS,
            SheetKind::Products => &PRODUCT_COLUMNS,
            SheetKind::Schedule => &SCHEDULE_COLUMNS,
            SheetKind::Amendments => &AMENDMENT_COLUMNS,
        }
    }
}

/// A row number and its cells.
pub(super) type SheetRow = (usize, Vec<Cell>);

/// One sheet's rows, kept whole: contract workbooks are small.
pub(super) struct Sheet {
    pub(super) location: Location,
    pub(super) rows: Vec<SheetRow>,
    /// The cells holding a formula but no computed value: 1-based row, 0-based column,
    /// the formula. Their cells are read empty; the loader names each one it reads.
    pub(super) formulas: Vec<(usize, usize, String)>,
}

#[derive(Default)]
pub(super) struct CollectSheets {
    pub(super) sheets: Vec<(Option<SheetKind>, Sheet)>,
    pub(super) errors: Vec<ContractError>,
    /// For CSV folders: the sheet kind the file name gave.
    pub(super) forced_kind: Option<SheetKind>,
}

impl TableVisitor for CollectSheets {
    fn begin_table(&mut self, table: &Location) {
        let kind = self
            .forced_kind
            .or_else(|| table.sheet.as_deref().and_then(SheetKind::recognise));
        self.sheets.push((
            kind,
            Sheet {
                location: table.clone(),
                rows: Vec::new(),
                formulas: Vec::new(),
            },
        ));
    }

    fn row(&mut self, number: usize, cells: &[Cell]) {
        if let Some((_, sheet)) = self.sheets.last_mut()
            && !is_blank(cells)
        {
            sheet.rows.push((number, cells.to_vec()));
        }
    }

    fn formula_without_value(&mut self, number: usize, column: usize, formula: &str) {
        if let Some((_, sheet)) = self.sheets.last_mut() {
            sheet.formulas.push((number, column, formula.to_string()));
        }
    }

    fn unreadable_row(&mut self, number: usize, why: String) {
        let location = self.sheets.last().map_or_else(
            || Location::file(Arc::from("?")),
            |(_, sheet)| sheet.location.at_row(number),
        );
        self.errors.push(ContractError {
            location,
            message: why.into(),
        });
    }
}
