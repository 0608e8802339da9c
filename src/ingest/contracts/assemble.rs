//! The contracts from the four sheets: each contract row, then its tiers, product
//! coefficients and installment schedule.

use super::builder::Builder;
use super::columns::{
    CONTRACT_COLUMNS, PRODUCT_COLUMNS, RowContext, SCHEDULE_COLUMNS, TIER_COLUMNS, column,
};
use super::error::ContractError;
use super::schedule::{ScheduleRow, validate_schedule};
use super::sheets::{Sheet, SheetKind};
use super::tiers::{BracketRow, build_tier_table};
use crate::domain::contract::{Bracket, Contract, InstallmentRule, Trigger};
use crate::domain::location::Location;
use crate::ingest::value;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;

impl Builder<'_> {
    pub(super) fn build(
        &mut self,
        path: &Path,
        shown: &str,
        sheets: &BTreeMap<SheetKind, Sheet>,
    ) -> Vec<Contract> {
        let Some(contract_sheet) = sheets.get(&SheetKind::Contracts) else {
            let expected = if path.is_dir() {
                "a file `contracts.csv`"
            } else {
                "a sheet named `contracts` (or `合同`)"
            };
            self.error(
                Location::file(Arc::from(shown)),
                format!("no contracts found: expected {expected}"),
            );
            return Vec::new();
        };
        let mut contracts: BTreeMap<String, Contract> = BTreeMap::new();
        let mut ids_seen: HashSet<String> = HashSet::new();
        if let Some((map, data)) = self.rows(contract_sheet, &CONTRACT_COLUMNS) {
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
        let mut tiers: BTreeMap<String, Vec<BracketRow>> = BTreeMap::new();
        match sheets.get(&SheetKind::Tiers) {
            None => self.error(
                Location::file(Arc::from(shown)),
                "no tier table found: expected a sheet (or CSV) named `tiers` (or `阶梯`)",
            ),
            Some(sheet) => {
                if let Some((map, data)) = self.rows(sheet, &TIER_COLUMNS) {
                    for (number, cells) in data {
                        let row = RowContext {
                            map: &map,
                            specs: &TIER_COLUMNS,
                            cells,
                            location: sheet.location.at_row(*number),
                        };
                        let Some(id) = self.known_contract(&row, &ids_seen) else {
                            continue;
                        };
                        let from = self.parse(&row, 1, value::parse_money);
                        let to = self.parse_optional(&row, 2, value::parse_money);
                        let rate = self.parse(&row, 3, |cell| value::parse_rate(cell, true));
                        if let (Some(from), Some(to), Some(rate)) = (from, to, rate) {
                            tiers.entry(id).or_default().push(BracketRow {
                                bracket: Bracket { from, to, rate },
                                from: row.at(1),
                                to: row.at(2),
                            });
                        }
                    }
                }
            }
        }
        let mut products: BTreeMap<String, BTreeMap<String, (Decimal, Location)>> = BTreeMap::new();
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
                let Some(id) = self.known_contract(&row, &ids_seen) else {
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
                let canonical =
                    ruleset.map_or(product.clone(), |ruleset| ruleset.product(&product).name);
                let entry = products.entry(id).or_default();
                if entry
                    .keys()
                    .any(|listed| listed.to_lowercase() == canonical.to_lowercase())
                {
                    self.error(
                        row.at(1),
                        format!("product `{product}` is listed twice for this contract"),
                    );
                    continue;
                }
                entry.insert(canonical, (coefficient, row.location.clone()));
            }
        }
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
                let Some(id) = self.known_contract(&row, &ids_seen) else {
                    continue;
                };
                let installment =
                    self.parse(&row, 1, value::parse_whole_number)
                        .and_then(|number| {
                            let valid = u32::try_from(number)
                                .ok()
                                .filter(|number| (1..=100).contains(number));
                            if valid.is_none() {
                                self.error(
                                row.at(1),
                                format!(
                                    "expected an installment number from 1 to 100, found `{number}`"
                                ),
                            );
                            }
                            valid
                        });
                let trigger = self.word(&row, 2, Trigger::from_word, Trigger::WORDS, None);
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
                }
            }
        }
        for (id, contract) in &mut contracts {
            match build_tier_table(tiers.remove(id).unwrap_or_default()) {
                Ok(table) => contract.tiers = table,
                Err((location, error)) => self.errors.push(ContractError {
                    location: location.unwrap_or_else(|| contract.source.clone()),
                    message: format!("contract `{id}`: {error}"),
                }),
            }
            if let Some(listed) = products.remove(id) {
                contract.products = listed
                    .into_iter()
                    .map(|(product, (coefficient, _))| (product, coefficient))
                    .collect();
            }
            if let Some(rules) = schedules.remove(id) {
                match validate_schedule(rules) {
                    Ok(schedule) => contract.schedule = schedule,
                    Err(error) => self.errors.push(error),
                }
            }
        }
        contracts.into_values().collect()
    }
}
