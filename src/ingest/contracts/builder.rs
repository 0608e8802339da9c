//! What the contracts are built with: the rulesets, and every problem found so far —
//! each with its cell, so one pass reports them all, and each cause once.
//!
//! One error per cause: the first problem found in a cell is the only one reported for
//! it (a formula without a value is not also "expected a rate, found (empty)"); a header
//! that cannot be read is one error and its sheet's rows are not read cell by cell; and
//! the checks that depend on something already reported are not made (see `assemble`).

use super::columns::RowContext;
use super::error::ContractError;
use super::header::read_header;
use super::sheets::{Sheet, SheetRow};
use crate::domain::location::Location;
use crate::domain::words::{closest, did_you_mean, same_word};
use crate::ingest::cell::Cell;
use crate::ingest::header::{ColumnMap, ColumnSpec};
use crate::ingest::value::ValueError;
use crate::ruleset::Rulesets;
use std::collections::HashSet;

pub(super) struct Builder<'a> {
    pub(super) rulesets: &'a Rulesets,
    pub(super) errors: Vec<ContractError>,
    /// The cells an error was reported for: a later problem in one of them is the same
    /// cause, and is not reported again.
    reported: HashSet<Location>,
    /// Every problem found, reported or not: whether a row could be read is judged by
    /// this count, so a problem already reported for its cell still fails the row.
    pub(super) failures: usize,
}

impl<'a> Builder<'a> {
    pub(super) fn new(rulesets: &'a Rulesets, errors: Vec<ContractError>) -> Self {
        Builder {
            rulesets,
            errors,
            reported: HashSet::new(),
            failures: 0,
        }
    }
}

impl Builder<'_> {
    /// Records a problem; one in a cell that already has one is not reported again.
    pub(super) fn error(
        &mut self,
        location: Location,
        message: impl Into<crate::domain::expected::RowReason>,
    ) {
        self.failures += 1;
        if location.column.is_some() && !self.reported.insert(location.clone()) {
            return;
        }
        self.errors.push(ContractError {
            location,
            message: message.into(),
        });
    }

    /// Marks a cell as reported (by an error naming it otherwise, e.g. with its letters).
    pub(super) fn mark_reported(&mut self, location: Location) {
        self.reported.insert(location);
    }

    /// Reads a required cell with `parse`; records the error and returns `None` on failure.
    pub(super) fn parse<T>(
        &mut self,
        row: &RowContext<'_>,
        spec: usize,
        parse: impl Fn(&Cell) -> Result<T, ValueError>,
    ) -> Option<T> {
        match parse(row.cell(spec)) {
            Ok(value) => Some(value),
            Err(error) => {
                self.error(row.at(spec), error);
                None
            }
        }
    }

    /// Whether an empty cell is one already reported — a formula without a value reads as
    /// empty — and so fails its row rather than read as left blank (`to` empty is "no
    /// limit", an empty optional word its default).
    pub(super) fn empty_reported(&mut self, row: &RowContext<'_>, spec: usize) -> bool {
        let reported = self.reported.contains(&row.at(spec));
        if reported {
            self.failures += 1;
        }
        reported
    }

    /// Reads an optional cell: empty is `Ok(None)`.
    pub(super) fn parse_optional<T>(
        &mut self,
        row: &RowContext<'_>,
        spec: usize,
        parse: impl Fn(&Cell) -> Result<T, ValueError>,
    ) -> Option<Option<T>> {
        if row.cell(spec).is_empty() {
            return (!self.empty_reported(row, spec)).then_some(None);
        }
        self.parse(row, spec, parse).map(Some)
    }

    /// Reads one word of a closed list (case, width and spaces ignored); an unknown word
    /// is an error listing the canonical words and offering the closest spelling.
    pub(super) fn word<T>(
        &mut self,
        row: &RowContext<'_>,
        spec: usize,
        from_word: fn(&str) -> Option<T>,
        closest: fn(&str) -> Vec<&'static str>,
        words: &[&str],
        default: Option<T>,
    ) -> Option<T> {
        let Some(text) = row.text(spec) else {
            if self.empty_reported(row, spec) {
                return None;
            }
            if default.is_none() {
                self.error(
                    row.at(spec),
                    format!("expected one of {}, found (empty)", words.join(", ")),
                );
            }
            return default;
        };
        let parsed = from_word(&text);
        if parsed.is_none() {
            self.error(
                row.at(spec),
                format!(
                    "expected one of {}, found `{text}`{}",
                    words.join(", "),
                    did_you_mean(&closest(&text))
                ),
            );
        }
        parsed
    }

    /// A sheet's data rows with their column map, or `None` when its header cannot be
    /// read (reported, once per cause: a misspelt column as itself, with the column it
    /// could be). The formulas without a value in the columns read are reported here,
    /// before any other problem of their cells.
    pub(super) fn rows<'s>(
        &mut self,
        sheet: &'s Sheet,
        specs: &'static [ColumnSpec],
    ) -> Option<(ColumnMap, &'s [SheetRow])> {
        let ((header_row, header), data) = sheet.rows.split_first()?;
        let header_row = *header_row;
        let header = read_header(header, specs);
        let at_header = sheet.location.at_row(header_row);
        for (text, suggestions) in &header.misspelt {
            self.error(
                at_header.at_column(text.clone()),
                format!("unknown column `{text}`{}", did_you_mean(suggestions)),
            );
        }
        if !header.missing.is_empty() {
            self.error(
                at_header,
                format!(
                    "the header row has no column {}; expected columns {}",
                    header
                        .missing
                        .iter()
                        .map(|name| format!("`{name}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    specs
                        .iter()
                        .map(|spec| spec.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        let map = header.map?;
        for (row, column, formula) in &sheet.formulas {
            let cell = format!(
                "cell {}{row}",
                crate::ingest::table::column_name(*column as u64)
            );
            let message = crate::ingest::table::uncalculated_formula_message(formula);
            let place = sheet.location.at_row(*row);
            if *row <= header_row {
                self.error(place.at_column(cell), message);
                continue;
            }
            // Only the columns read: a formula in a column of notes stops nothing.
            let Some(name) = header.read.get(*column).and_then(Option::as_ref) else {
                continue;
            };
            self.error(place.at_column(format!("{name} ({cell})")), message);
            self.mark_reported(place.at_column(name.clone()));
        }
        Some((map, data))
    }

    /// The contract id of a row of the tiers, products or schedule sheet, when it names a
    /// contract of the `contracts` sheet. `Err` carries the contract it most likely meant
    /// (`ali-2024-001` for `ALI-2024-001`), whose table is then incomplete and is not
    /// checked as well: one error for the one cause.
    pub(super) fn known_contract(
        &mut self,
        row: &RowContext<'_>,
        ids: &HashSet<String>,
        contracts_read: bool,
    ) -> Result<String, Option<String>> {
        let Some(id) = row.text(0) else {
            self.error(row.at(0), "expected a contract id, found (empty)");
            return Err(None);
        };
        // When the `contracts` sheet could not be read (reported), no id is known: its
        // rows are not each "not in the `contracts` sheet" as well.
        if contracts_read && !ids.contains(&id) {
            let mut known: Vec<&str> = ids.iter().map(String::as_str).collect();
            known.sort_unstable();
            // The same id but for case, width or spaces is the one meant; else the nearest.
            let near = match known.iter().find(|known| same_word(known, &id)) {
                Some(same) => vec![*same],
                None => closest(&id, known.iter().copied()),
            };
            self.error(
                row.at(0),
                format!(
                    "contract `{id}` is not in the `contracts` sheet{}",
                    did_you_mean(&near)
                ),
            );
            // Only a contract meant beyond doubt has its table left unchecked.
            let meant = match near.as_slice() {
                [meant] => Some((*meant).to_string()),
                _ => None,
            };
            return Err(meant);
        }
        Ok(id)
    }
}

/// A listed product's canonical name under the contract's ruleset, and whether a name of
/// the ruleset (an alias or a canonical code, compared as typed: case, width and spaces
/// ignored) matched it.
pub(super) fn listed_product(ruleset: &crate::ruleset::Ruleset, product: &str) -> (String, bool) {
    let resolved = ruleset.product(product);
    if resolved.known {
        return (resolved.name, true);
    }
    let folded = crate::domain::words::fold(product);
    match ruleset
        .product_names()
        .into_iter()
        .find(|(name, _)| crate::domain::words::fold(name) == folded)
    {
        Some((_, canonical)) => (canonical.to_string(), true),
        None => (resolved.name, false),
    }
}
