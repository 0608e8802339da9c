//! A contract sheet's header row: each column found by its name or alias as people type
//! them (case, width, spaces, underscores and hyphens do not matter), and a header that
//! names no column but is a typo of one (`tier_mod`) reported as itself, with the column
//! it could be — one error, rather than a missing column and every row's empty cell.

use crate::domain::words::{closest, fold};
use crate::ingest::cell::Cell;
use crate::ingest::header::{ColumnMap, ColumnSpec};
use crate::ruleset::normalize_header;

/// What a header row says about a sheet's columns.
pub(super) struct Header {
    /// The columns, when every required one is there.
    pub(super) map: Option<ColumnMap>,
    /// Required columns that are not there and that no header is a typo of.
    pub(super) missing: Vec<&'static str>,
    /// Headers that name no column but are a typo of one that is not there: the header
    /// and the columns it could be.
    pub(super) misspelt: Vec<(String, Vec<&'static str>)>,
    /// Per column of the sheet, its header when the column is one the sheet reads.
    pub(super) read: Vec<Option<String>>,
}

fn spellings(spec: &ColumnSpec) -> impl Iterator<Item = &'static str> {
    std::iter::once(spec.name).chain(spec.aliases.iter().copied())
}

/// Reads a header row against the sheet's columns.
pub(super) fn read_header(cells: &[Cell], specs: &'static [ColumnSpec]) -> Header {
    let mut found = vec![false; specs.len()];
    let mut read = Vec::with_capacity(cells.len());
    let mut unknown = Vec::new();
    // The header as the column map reads it: a header that matches a column only once
    // folded (`Tier-Mode`, full-width letters) is given the column's name.
    let mut understood: Vec<Cell> = Vec::with_capacity(cells.len());
    for cell in cells {
        let text = cell.to_text();
        let exact = specs.iter().position(|spec| {
            spellings(spec).any(|name| normalize_header(name) == normalize_header(&text))
        });
        let folded = || {
            specs
                .iter()
                .position(|spec| spellings(spec).any(|name| fold(name) == fold(&text)))
        };
        match exact.or_else(folded) {
            _ if text.is_empty() => {
                understood.push(Cell::Empty);
                read.push(None);
            }
            Some(spec) => {
                found[spec] = true;
                let shown = if exact.is_some() {
                    text
                } else {
                    specs[spec].name.to_string()
                };
                understood.push(Cell::Text(shown.clone()));
                read.push(Some(shown));
            }
            None => {
                unknown.push(text.clone());
                understood.push(Cell::Text(text));
                read.push(None);
            }
        }
    }
    let mut explained = vec![false; specs.len()];
    let mut misspelt = Vec::new();
    for text in unknown {
        let absent = specs
            .iter()
            .zip(&found)
            .filter(|(_, found)| !**found)
            .flat_map(|(spec, _)| spellings(spec));
        let suggestions = closest(&text, absent);
        if suggestions.is_empty() {
            continue;
        }
        for (index, spec) in specs.iter().enumerate() {
            if spellings(spec).any(|name| suggestions.contains(&name)) {
                explained[index] = true;
            }
        }
        misspelt.push((text, suggestions));
    }
    let missing: Vec<&'static str> = specs
        .iter()
        .enumerate()
        .filter(|(index, spec)| spec.required && !found[*index] && !explained[*index])
        .map(|(_, spec)| spec.name)
        .collect();
    let complete = specs
        .iter()
        .zip(&found)
        .all(|(spec, found)| *found || !spec.required);
    let map = if complete {
        ColumnMap::new(&understood, specs).ok()
    } else {
        None
    };
    Header {
        map,
        missing,
        misspelt,
        read,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::cell::texts;
    use crate::ingest::header::{optional, required};

    const SPECS: [ColumnSpec; 4] = [
        required("contract_id", &["合同编号"]),
        required("tier_mode", &["阶梯方式"]),
        optional("due_days", &["付款期限"]),
        optional("cap", &["封顶"]),
    ];

    #[test]
    fn a_misspelt_required_column_is_one_problem_naming_the_column_it_could_be() {
        let header = read_header(&texts(&["contract_id", "tier_mod", "notes"]), &SPECS);
        assert!(header.map.is_none());
        assert!(header.missing.is_empty());
        assert_eq!(
            header.misspelt,
            [("tier_mod".to_string(), vec!["tier_mode"])]
        );
    }

    #[test]
    fn a_misspelt_optional_column_is_reported_but_the_rows_stay_readable() {
        let header = read_header(&texts(&["contract_id", "tier_mode", "due_day"]), &SPECS);
        assert!(header.map.is_some());
        assert_eq!(header.misspelt, [("due_day".to_string(), vec!["due_days"])]);
    }

    #[test]
    fn headers_match_ignoring_width_and_hyphens_and_unknown_far_headers_are_ignored() {
        let header = read_header(
            &texts(&["ＣＯＮＴＲＡＣＴ＿ＩＤ", "Tier-Mode", "备注"]),
            &SPECS,
        );
        let map = header.map.expect("every required column is found");
        assert_eq!(map.header(1, "tier_mode"), "tier_mode");
        assert!(header.misspelt.is_empty());
        assert_eq!(
            header.read,
            [
                Some("contract_id".to_string()),
                Some("tier_mode".into()),
                None
            ]
        );
    }

    #[test]
    fn a_missing_column_no_header_explains_is_missing() {
        let header = read_header(&texts(&["contract_id", "cap"]), &SPECS);
        assert_eq!(header.missing, ["tier_mode"]);
        assert!(header.map.is_none());
    }
}
