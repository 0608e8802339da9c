//! What the contracts are built with: the rulesets, and every problem found so far —
//! each with its cell, so one pass reports them all.

use super::columns::RowContext;
use super::error::ContractError;
use super::sheets::{Sheet, SheetRow};
use crate::domain::location::Location;
use crate::ingest::cell::Cell;
use crate::ingest::header::{ColumnMap, ColumnSpec};
use crate::ingest::value::ValueError;
use crate::ruleset::Rulesets;
use std::collections::HashSet;

pub(super) struct Builder<'a> {
    pub(super) rulesets: &'a Rulesets,
    pub(super) errors: Vec<ContractError>,
}

impl Builder<'_> {
    pub(super) fn error(&mut self, location: Location, message: impl Into<String>) {
        self.errors.push(ContractError {
            location,
            message: message.into(),
        });
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
                self.error(row.at(spec), error.to_string());
                None
            }
        }
    }

    /// Reads an optional cell: empty is `Ok(None)`.
    pub(super) fn parse_optional<T>(
        &mut self,
        row: &RowContext<'_>,
        spec: usize,
        parse: impl Fn(&Cell) -> Result<T, ValueError>,
    ) -> Option<Option<T>> {
        if row.cell(spec).is_empty() {
            return Some(None);
        }
        self.parse(row, spec, parse).map(Some)
    }

    pub(super) fn word<T>(
        &mut self,
        row: &RowContext<'_>,
        spec: usize,
        from_word: fn(&str) -> Option<T>,
        words: &[&str],
        default: Option<T>,
    ) -> Option<T> {
        let Some(text) = row.text(spec) else {
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
                format!("expected one of {}, found `{text}`", words.join(", ")),
            );
        }
        parsed
    }

    /// Iterates a sheet's data rows with their column map; records header problems.
    pub(super) fn rows<'s>(
        &mut self,
        sheet: &'s Sheet,
        specs: &'static [ColumnSpec],
    ) -> Option<(ColumnMap, &'s [SheetRow])> {
        let ((header_row, header), data) = sheet.rows.split_first()?;
        let header_row = *header_row;
        match ColumnMap::new(header, specs) {
            Ok(map) => Some((map, data)),
            Err(missing) => {
                self.error(
                    sheet.location.at_row(header_row),
                    format!(
                        "the header row has no column {}; expected columns {}",
                        missing
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
                None
            }
        }
    }

    pub(super) fn known_contract(
        &mut self,
        row: &RowContext<'_>,
        ids: &HashSet<String>,
    ) -> Option<String> {
        let Some(id) = row.text(0) else {
            self.error(row.at(0), "expected a contract id, found (empty)");
            return None;
        };
        if !ids.contains(&id) {
            self.error(
                row.at(0),
                format!("contract `{id}` is not in the `contracts` sheet"),
            );
            return None;
        }
        Some(id)
    }
}
