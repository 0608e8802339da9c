//! Reading the contract workbook, or a folder of CSVs named after its sheets, and
//! building the contracts from its sheets.

use super::builder::Builder;
use super::error::{ContractError, ContractErrors};
use super::sheets::{CollectSheets, Sheet, SheetKind};
use crate::domain::contract::Contract;
use crate::domain::location::Location;
use crate::ingest::table::{self, Limits, ReadOptions};
use crate::ruleset::Rulesets;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// A contract workbook file that was read, for the report's inputs list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractFile {
    /// The path as shown.
    pub path: String,
    /// SHA-256.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Data rows read (all sheets).
    pub rows: u64,
}

/// The loaded contracts, sorted by id, and the files they came from.
#[derive(Debug, Clone)]
pub struct ContractBook {
    /// Contracts, sorted by id.
    pub contracts: Vec<Contract>,
    /// Files read.
    pub files: Vec<ContractFile>,
    /// The `products` rows whose product matched no name of the contract's ruleset: each
    /// must be a product billed to the contract, which is checked once the bills are read.
    pub unmatched_products: Vec<UnmatchedProduct>,
}

/// A `products` row naming a product its contract's ruleset does not know (no alias, no
/// canonical code): it must name a product billed to the contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmatchedProduct {
    /// The contract.
    pub contract: String,
    /// The product as listed.
    pub product: String,
    /// The contract's ruleset.
    pub ruleset: String,
    /// The `product` cell.
    pub location: Location,
}

/// Loads and validates the contract workbook (or folder of CSVs), reading its files
/// within `limits`.
///
/// # Errors
/// Every problem found, each with its location.
pub fn load(
    path: &Path,
    rulesets: &Rulesets,
    limits: &Limits,
) -> Result<ContractBook, ContractErrors> {
    let mut collect = CollectSheets::default();
    let mut files = Vec::new();
    // Files and sheets that are none of the four: named when one of the four is missing.
    let mut others: Vec<String> = Vec::new();
    // Sheets that are there but hidden (reported as such, not as missing).
    let mut hidden_kinds: Vec<SheetKind> = Vec::new();
    let shown = path.display().to_string();
    let fail = |message: String| {
        ContractErrors(vec![ContractError {
            location: Location::file(Arc::from(shown.as_str())),
            message: message.into(),
        }])
    };
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .map_err(|error| fail(format!("cannot read the folder: {error}")))?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|entry| {
                entry
                    .extension()
                    .is_some_and(|extension| extension.eq_ignore_ascii_case("csv"))
            })
            .collect();
        entries.sort();
        for entry in entries {
            let stem = entry
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Some(kind) = SheetKind::recognise(&stem) else {
                others.push(
                    entry
                        .file_name()
                        .map(|name| name.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                );
                continue;
            };
            collect.forced_kind = Some(kind);
            let shown = entry.display().to_string();
            let digest = table::read_file_with(
                &entry,
                Arc::from(shown.as_str()),
                &mut collect,
                limits,
                ReadOptions::AS_TYPED,
            )
            .map_err(|error| fail(error.to_string()))?;
            let rows = collect
                .sheets
                .last()
                .map_or(0, |(_, sheet)| sheet.rows.len().saturating_sub(1));
            files.push(ContractFile {
                path: shown,
                sha256: digest.sha256,
                bytes: digest.bytes,
                rows: rows as u64,
            });
        }
    } else {
        // Read as typed: merged areas filled, formulas without a value reported.
        let digest = table::read_file_with(
            path,
            Arc::from(shown.as_str()),
            &mut collect,
            limits,
            ReadOptions::AS_TYPED,
        )
        .map_err(|error| fail(error.to_string()))?;
        let rows: usize = collect
            .sheets
            .iter()
            .map(|(_, sheet)| sheet.rows.len().saturating_sub(1))
            .sum();
        // A hidden contract sheet would be audited unseen, or ignored: ask for it visible.
        for hidden in &digest.hidden_sheets {
            if let Some(kind) = SheetKind::recognise(hidden) {
                hidden_kinds.push(kind);
                collect.errors.push(ContractError {
                    location: Location::sheet(Arc::from(shown.as_str()), Some(Arc::from(hidden.as_str()))),
                    message: format!(
                        "the `{}` sheet is hidden; unhide it so the contracts audited are the ones a reader sees",
                        kind.name()
                    ).into(),
                });
            }
        }
        files.push(ContractFile {
            path: shown.clone(),
            sha256: digest.sha256,
            bytes: digest.bytes,
            rows: rows as u64,
        });
    }
    let mut errors = std::mem::take(&mut collect.errors);
    let mut by_kind: BTreeMap<SheetKind, Sheet> = BTreeMap::new();
    for (kind, sheet) in collect.sheets {
        let Some(kind) = kind else {
            if let Some(name) = &sheet.location.sheet {
                others.push(name.to_string());
            }
            continue;
        };
        if by_kind.contains_key(&kind) {
            errors.push(ContractError {
                location: sheet.location.clone(),
                message: format!("a second `{}` sheet; keep one", kind.name()).into(),
            });
            continue;
        }
        by_kind.insert(kind, sheet);
    }
    let mut builder = Builder::new(rulesets, errors);
    let built = builder.build(path, &shown, &by_kind, &others, &hidden_kinds);
    if builder.errors.is_empty() {
        Ok(ContractBook {
            contracts: built.contracts,
            files,
            unmatched_products: built.unmatched_products,
        })
    } else {
        Err(ContractErrors(builder.errors))
    }
}
