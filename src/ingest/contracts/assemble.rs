//! The contracts from the five sheets: each contract row, then its tiers, product
//! coefficients, installment schedule and amendments.
//!
//! One error per cause: a check that depends on something already reported is not made.
//! A `tiers` row that could not be read leaves its contract's tier table incomplete, so
//! the table is not checked for gaps (a rate `15` is one error, not also a gap); the same
//! for a schedule. A sheet whose header could not be read, or that is missing, is one
//! error: its contracts' tables are not also each reported empty, and when the
//! `contracts` sheet's ids cannot be read, no other sheet's row is reported as naming an
//! unknown contract.

use super::amendments::AmendedTierRows;
use super::builder::{Builder, listed_product};
use super::columns::{
    CONTRACT_COLUMNS, PRODUCT_COLUMNS, RowContext, SCHEDULE_COLUMNS, TIER_COLUMNS, column,
};
use super::error::ContractError;
use super::load::UnmatchedProduct;
use super::schedule::{ScheduleRow, validate_schedule};
use super::sheets::{Sheet, SheetKind};
use super::tiers::{BracketRow, build_tier_table};
use crate::domain::contract::{Bracket, Contract, InstallmentRule, Trigger};
use crate::domain::expected::RowReason;
use crate::domain::location::Location;
use crate::domain::words::{closest, same_word};
use crate::ingest::header::ColumnMap;
use crate::ingest::value;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;

/// What the sheets give besides the contracts: the `products` rows whose product no
/// ruleset name matches, to be matched against the bills once they are read.
pub(super) struct Built {
    pub(super) contracts: Vec<Contract>,
    pub(super) unmatched_products: Vec<UnmatchedProduct>,
}

impl Builder<'_> {
    pub(super) fn build(
        &mut self,
        path: &Path,
        shown: &str,
        sheets: &BTreeMap<SheetKind, Sheet>,
        others: &[String],
        hidden: &[SheetKind],
    ) -> Built {
        let folder = path.is_dir();
        for kind in SheetKind::ALL {
            if !sheets.contains_key(&kind) && !hidden.contains(&kind) {
                self.missing_sheet(kind, shown, folder, others);
            }
        }
        let mut contracts: BTreeMap<String, Contract> = BTreeMap::new();
        let mut ids_seen: HashSet<String> = HashSet::new();
        // Whether the contract ids could be read: else no other sheet's id is checked.
        let mut contracts_read = false;
        if let Some(contract_sheet) = sheets.get(&SheetKind::Contracts) {
            match self.rows(contract_sheet, &CONTRACT_COLUMNS) {
                Some((map, data)) => {
                    contracts_read = true;
                    for (number, cells) in data {
                        let row = RowContext {
                            map: &map,
                            specs: &CONTRACT_COLUMNS,
                            cells,
                            location: contract_sheet.location.at_row(*number),
                        };
                        let Some(id) = row.text(column::CONTRACT_ID) else {
                            self.error(
                                row.at(column::CONTRACT_ID),
                                "expected a contract id, found (empty)",
                            );
                            continue;
                        };
                        if !ids_seen.insert(id.clone()) {
                            self.error(
                                row.at(column::CONTRACT_ID),
                                format!("contract id `{id}` appears twice; ids must be unique"),
                            );
                            continue;
                        }
                        if let Some(contract) = self.contract(&row, id.clone()) {
                            contracts.insert(id, contract);
                        }
                    }
                }
                None => {
                    // The header is reported; the ids alone may still be readable, so the
                    // other sheets' rows are checked against them.
                    if let Some(ids) = contract_ids(contract_sheet) {
                        ids_seen = ids;
                        contracts_read = true;
                    }
                }
            }
        }
        // Contracts whose tier rows (or schedule rows) could not all be read, and whether
        // the sheet itself could: their tables are incomplete and are not checked.
        let mut tiers_read = false;
        let mut tier_rows_failed: HashSet<String> = HashSet::new();
        let mut tiers: BTreeMap<String, Vec<BracketRow>> = BTreeMap::new();
        let mut amended_tiers = AmendedTierRows::default();
        if let Some(sheet) = sheets.get(&SheetKind::Tiers)
            && let Some((map, data)) = self.rows(sheet, &TIER_COLUMNS)
        {
            tiers_read = true;
            amended_tiers.sheet_read = true;
            for (number, cells) in data {
                let row = RowContext {
                    map: &map,
                    specs: &TIER_COLUMNS,
                    cells,
                    location: sheet.location.at_row(*number),
                };
                let id = match self.known_contract(&row, &ids_seen, contracts_read) {
                    Ok(id) => id,
                    Err(meant) => {
                        tier_rows_failed.extend(meant);
                        continue;
                    }
                };
                let from = self.parse(&row, 1, value::parse_money);
                let to = self.parse_optional(&row, 2, value::parse_money);
                let rate = self.parse(&row, 3, |cell| value::parse_rate(cell, true));
                // A row carrying an amendment id is that amendment's new table.
                if let Some(amendment) = row.text(4) {
                    let key = (id, amendment);
                    amended_tiers
                        .places
                        .entry(key.clone())
                        .or_insert_with(|| row.at(4));
                    if let (Some(from), Some(to), Some(rate)) = (from, to, rate) {
                        amended_tiers.rows.entry(key).or_default().push(BracketRow {
                            bracket: Bracket { from, to, rate },
                            from: row.at(1),
                            to: row.at(2),
                        });
                    } else {
                        amended_tiers.failed.insert(key);
                    }
                    continue;
                }
                if let (Some(from), Some(to), Some(rate)) = (from, to, rate) {
                    tiers.entry(id).or_default().push(BracketRow {
                        bracket: Bracket { from, to, rate },
                        from: row.at(1),
                        to: row.at(2),
                    });
                } else {
                    tier_rows_failed.insert(id);
                }
            }
        }
        let mut products: BTreeMap<String, BTreeMap<String, (Decimal, Location)>> = BTreeMap::new();
        let mut unmatched_products = Vec::new();
        if let Some(sheet) = sheets.get(&SheetKind::Products)
            && let Some((map, data)) = self.rows(sheet, &PRODUCT_COLUMNS)
        {
            for (number, cells) in data {
                let row = RowContext {
                    map: &map,
                    specs: &PRODUCT_COLUMNS,
                    cells,
                    location: sheet.location.at_row(*number),
                };
                let Ok(id) = self.known_contract(&row, &ids_seen, contracts_read) else {
                    continue;
                };
                let Some(product) = row.text(1) else {
                    self.error(row.at(1), "expected a product name, found (empty)");
                    continue;
                };
                let Some(coefficient) = self.parse(&row, 2, value::parse_decimal) else {
                    continue;
                };
                if coefficient < Decimal::ZERO {
                    self.error(
                        row.at(2),
                        format!("expected a coefficient of 0 or more, found `{coefficient}`"),
                    );
                    continue;
                }
                let ruleset = contracts
                    .get(&id)
                    .and_then(|contract| self.rulesets.get(&contract.ruleset));
                let (canonical, known) = match ruleset {
                    Some(ruleset) => listed_product(ruleset, &product),
                    None => (product.clone(), false),
                };
                let entry = products.entry(id.clone()).or_default();
                if entry.keys().any(|listed| same_word(listed, &canonical)) {
                    self.error(
                        row.at(1),
                        format!("product `{product}` is listed twice for this contract"),
                    );
                    continue;
                }
                if !known && let Some(ruleset) = ruleset {
                    // No ruleset name: it must be a product billed to the contract, which
                    // only the bills can tell (checked once they are read).
                    unmatched_products.push(UnmatchedProduct {
                        contract: id.clone(),
                        product: product.clone(),
                        ruleset: ruleset.name.clone(),
                        location: row.at(1),
                    });
                }
                entry.insert(canonical, (coefficient, row.location.clone()));
            }
        }
        let mut schedule_rows_failed: HashSet<String> = HashSet::new();
        let mut schedules: BTreeMap<String, Vec<ScheduleRow>> = BTreeMap::new();
        if let Some(sheet) = sheets.get(&SheetKind::Schedule)
            && let Some((map, data)) = self.rows(sheet, &SCHEDULE_COLUMNS)
        {
            for (number, cells) in data {
                let row = RowContext {
                    map: &map,
                    specs: &SCHEDULE_COLUMNS,
                    cells,
                    location: sheet.location.at_row(*number),
                };
                let id = match self.known_contract(&row, &ids_seen, contracts_read) {
                    Ok(id) => id,
                    Err(meant) => {
                        schedule_rows_failed.extend(meant);
                        continue;
                    }
                };
                let installment = self.installment_number(&row);
                let trigger = self.word(
                    &row,
                    2,
                    Trigger::from_word,
                    Trigger::closest,
                    Trigger::WORDS,
                    None,
                );
                let portion = self.parse(&row, 3, value::parse_portion);
                if let (Some(number), Some(trigger), Some(portion)) =
                    (installment, trigger, portion)
                {
                    schedules.entry(id).or_default().push(ScheduleRow {
                        rule: InstallmentRule {
                            number,
                            trigger,
                            portion,
                        },
                        installment: row.at(1),
                        portion: row.at(3),
                    });
                } else {
                    schedule_rows_failed.insert(id);
                }
            }
        }
        for (id, contract) in &mut contracts {
            if tiers_read && !tier_rows_failed.contains(id) {
                match build_tier_table(tiers.remove(id).unwrap_or_default()) {
                    Ok(table) => contract.tiers = table,
                    Err((location, error)) => self.errors.push(ContractError {
                        location: location.unwrap_or_else(|| contract.source.clone()),
                        message: format!("contract `{id}`: {error}").into(),
                    }),
                }
            }
            if let Some(listed) = products.remove(id) {
                contract.products = listed
                    .into_iter()
                    .map(|(product, (coefficient, _))| (product, coefficient))
                    .collect();
            }
            if let Some(rules) = schedules.remove(id)
                && !schedule_rows_failed.contains(id)
            {
                match validate_schedule(rules) {
                    Ok(schedule) => contract.schedule = schedule,
                    Err(error) => self.errors.push(error),
                }
            }
        }
        self.amendments(
            sheets.get(&SheetKind::Amendments),
            &mut contracts,
            (&ids_seen, contracts_read),
            amended_tiers,
        );
        Built {
            contracts: contracts.into_values().collect(),
            unmatched_products,
        }
    }

    /// An installment number from 1 to 100.
    fn installment_number(&mut self, row: &RowContext<'_>) -> Option<u32> {
        let number = self.parse(row, 1, value::parse_whole_number)?;
        let valid = u32::try_from(number)
            .ok()
            .filter(|number| (1..=100).contains(number));
        if valid.is_none() {
            self.error(
                row.at(1),
                format!("expected an installment number from 1 to 100, found `{number}`"),
            );
        }
        valid
    }

    /// A sheet that is not there: an error for `contracts` and `tiers`; for the optional
    /// sheets only when a sheet (or CSV file) of another name is a typo of it.
    fn missing_sheet(&mut self, kind: SheetKind, shown: &str, folder: bool, others: &[String]) {
        let near: Vec<&String> = others
            .iter()
            .filter(|other| {
                let stem = other.strip_suffix(".csv").unwrap_or(other);
                !closest(stem, kind.names().iter().copied()).is_empty()
            })
            .collect();
        let location = Location::file(Arc::from(shown));
        let name = kind.name();
        if !near.is_empty() {
            let holder = if folder {
                "the folder has"
            } else {
                "the workbook has a sheet"
            };
            let found = near
                .iter()
                .map(|other| format!("`{other}`"))
                .collect::<Vec<_>>()
                .join(", ");
            self.error(
                location,
                format!("no `{name}` sheet; {holder} {found} — did you mean `{name}`?"),
            );
            return;
        }
        let sheet = match kind {
            SheetKind::Contracts => "contracts",
            SheetKind::Tiers => "tiers",
            SheetKind::Products | SheetKind::Schedule | SheetKind::Amendments => return,
        };
        self.error(
            location,
            RowReason::NoSheet {
                sheet,
                alias: kind.names().get(2).copied(),
                folder,
                others: others.to_vec(),
            },
        );
    }
}

/// The contract ids of a `contracts` sheet whose header is otherwise unusable, when its
/// `contract_id` column can be found.
fn contract_ids(sheet: &Sheet) -> Option<HashSet<String>> {
    let ((_, header), data) = sheet.rows.split_first()?;
    let map = ColumnMap::new(header, &CONTRACT_COLUMNS[..1]).ok()?;
    Some(
        data.iter()
            .map(|(_, cells)| map.cell(cells, 0).to_text())
            .filter(|id| !id.is_empty())
            .collect(),
    )
}
