//! The tables of a contract workbook sorted into its four sheets, by name or alias.

use super::error::ContractError;
use crate::domain::location::Location;
use crate::ingest::cell::Cell;
use crate::ingest::header::is_blank;
use crate::ingest::table::TableVisitor;
use crate::ruleset::normalize_header;
use std::sync::Arc;

/// The four sheets, by their names and aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum SheetKind {
    Contracts,
    Tiers,
    Products,
    Schedule,
}

impl SheetKind {
    pub(super) fn recognise(name: &str) -> Option<SheetKind> {
        let name = normalize_header(name);
        match name.as_str() {
            "contracts" | "contract" | "合同" | "合同清单" => Some(SheetKind::Contracts),
            "tiers" | "tier" | "阶梯" | "返点阶梯" => Some(SheetKind::Tiers),
            "products" | "product" | "产品系数" | "产品" => Some(SheetKind::Products),
            "schedule" | "分期" | "付款计划" => Some(SheetKind::Schedule),
            _ => None,
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            SheetKind::Contracts => "contracts",
            SheetKind::Tiers => "tiers",
            SheetKind::Products => "products",
            SheetKind::Schedule => "schedule",
        }
    }
}

/// A row number and its cells.
pub(super) type SheetRow = (usize, Vec<Cell>);

/// One sheet's rows, kept whole: contract workbooks are small.
pub(super) struct Sheet {
    pub(super) location: Location,
    pub(super) rows: Vec<SheetRow>,
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

    fn unreadable_row(&mut self, number: usize, why: String) {
        let location = self.sheets.last().map_or_else(
            || Location::file(Arc::from("?")),
            |(_, sheet)| sheet.location.at_row(number),
        );
        self.errors.push(ContractError {
            location,
            message: why,
        });
    }
}
