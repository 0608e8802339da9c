//! Finding columns by header name: case, white space and underscores do not matter, and
//! every column may have Chinese aliases (docs/INPUTS.md).

use super::cell::Cell;
use crate::ruleset::normalize_header;

/// A column a loader looks for.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    /// The English name, used in messages.
    pub name: &'static str,
    /// Other names that mean the same (Chinese aliases).
    pub aliases: &'static [&'static str],
    /// Whether the table must have it.
    pub required: bool,
}

/// Shorthand for a required column.
pub const fn required(name: &'static str, aliases: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec {
        name,
        aliases,
        required: true,
    }
}

/// Shorthand for an optional column.
pub const fn optional(name: &'static str, aliases: &'static [&'static str]) -> ColumnSpec {
    ColumnSpec {
        name,
        aliases,
        required: false,
    }
}

/// Where each spec's column is in a header row (same order as the specs), and the
/// header text of each found column.
#[derive(Debug, Clone)]
pub struct ColumnMap {
    indices: Vec<Option<usize>>,
    headers: Vec<String>,
}

impl ColumnMap {
    /// Maps a header row. Returns the names of the required columns that are missing.
    ///
    /// # Errors
    /// The list of required column names not found.
    pub fn new(header: &[Cell], specs: &[ColumnSpec]) -> Result<ColumnMap, Vec<&'static str>> {
        let normalized: Vec<String> = header
            .iter()
            .map(|cell| normalize_header(&cell.to_text()))
            .collect();
        let mut indices = Vec::with_capacity(specs.len());
        let mut missing = Vec::new();
        for spec in specs {
            let names: Vec<String> = std::iter::once(spec.name)
                .chain(spec.aliases.iter().copied())
                .map(normalize_header)
                .collect();
            let index = normalized.iter().position(|header| names.contains(header));
            if index.is_none() && spec.required {
                missing.push(spec.name);
            }
            indices.push(index);
        }
        if !missing.is_empty() {
            return Err(missing);
        }
        Ok(ColumnMap {
            indices,
            headers: header.iter().map(Cell::to_text).collect(),
        })
    }

    /// Whether the table has the column of spec number `spec`.
    pub fn has(&self, spec: usize) -> bool {
        self.indices[spec].is_some()
    }

    /// The cell of spec number `spec` in `row` (empty when the column is absent or the
    /// row is short).
    pub fn cell<'a>(&self, row: &'a [Cell], spec: usize) -> &'a Cell {
        const EMPTY: &Cell = &Cell::Empty;
        self.indices[spec]
            .and_then(|index| row.get(index))
            .unwrap_or(EMPTY)
    }

    /// The header text of spec number `spec`, for locations in messages.
    pub fn header(&self, spec: usize, fallback: &'static str) -> String {
        self.indices[spec]
            .and_then(|index| self.headers.get(index))
            .cloned()
            .unwrap_or_else(|| fallback.to_string())
    }
}

/// Whether a row has nothing in it.
pub fn is_blank(row: &[Cell]) -> bool {
    row.iter().all(Cell::is_empty)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::cell::texts;

    const SPECS: [ColumnSpec; 3] = [
        required("contract_id", &["合同编号"]),
        required("amount", &["金额"]),
        optional("currency", &["币种"]),
    ];

    #[test]
    fn finds_columns_by_english_or_chinese_name() {
        let map = ColumnMap::new(&texts(&["金额", " Contract ID "]), &SPECS).unwrap();
        let row = texts(&["12", "C1"]);
        assert_eq!(map.cell(&row, 0), &Cell::Text("C1".into()));
        assert_eq!(map.header(0, "contract_id"), "Contract ID");
    }

    #[test]
    fn reports_missing_required_columns() {
        let map = ColumnMap::new(&texts(&["合同编号", "金额"]), &SPECS).unwrap();
        assert!(!map.has(2));
        let row = texts(&["C1", "12"]);
        assert_eq!(map.cell(&row, 1), &Cell::Text("12".into()));
        assert_eq!(map.cell(&row, 2), &Cell::Empty);
        assert_eq!(
            ColumnMap::new(&texts(&["x"]), &SPECS).unwrap_err(),
            vec!["contract_id", "amount"]
        );
    }
}
