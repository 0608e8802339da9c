//! The baseline's accruals: the `accruals.csv` an earlier run wrote beside the
//! `findings.json` given as `--baseline` (docs/NIGHTLY.md). Read before anything is
//! written, like the baseline itself. A baseline folder without one (a run from before
//! accruals) is the named warning `baseline_without_accruals`, never an opening of 0; a
//! file that is not one this tool wrote stops the run (exit 2), naming the row.

use crate::baseline::BaselineError;
use crate::domain::accrual::{BaselineAccruals, Opening};
use crate::report::accruals::{CONTRACT_ROW, csv_headers};
use crate::report::i18n::accruals::COLUMN_COUNT;
use crate::report::tables::needs_neutralising;
use rust_decimal::Decimal;
use std::path::Path;
use std::str::FromStr;

/// The file name beside the baseline's findings.json.
pub const FILE: &str = "accruals.csv";

/// Reads the accruals beside `findings` (the `--baseline` file).
///
/// # Errors
/// When the file exists but cannot be read, or is not an accruals.csv of this tool.
pub fn load(findings: &Path) -> Result<BaselineAccruals, BaselineError> {
    let path = findings
        .parent()
        .map_or_else(|| Path::new(FILE).to_path_buf(), |folder| folder.join(FILE));
    let shown = path.display().to_string();
    match std::fs::read(&path) {
        Ok(bytes) => parse(&shown, &bytes),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            Ok(BaselineAccruals::Missing { path: shown })
        }
        Err(source) => Err(BaselineError::Read {
            path: shown,
            source,
        }),
    }
}

/// A text cell as written before neutralising (`'=X` was `=X`).
fn original(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if needs_neutralising(rest) => rest,
        _ => text,
    }
}

/// Parses an accruals.csv's bytes; `path` names it in errors.
///
/// # Errors
/// When the header is not the English or Chinese header this tool writes, or a contract
/// row's amount is not a number.
pub fn parse(path: &str, bytes: &[u8]) -> Result<BaselineAccruals, BaselineError> {
    let error = |row: u64, expected: &str, found: String| BaselineError::Accruals {
        path: path.to_string(),
        row,
        expected: expected.to_string(),
        found,
    };
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(problem)) => {
            return Err(error(1, "the header of accruals.csv", problem.to_string()));
        }
        None => {
            return Err(error(
                1,
                "the header of accruals.csv",
                "an empty file".into(),
            ));
        }
    };
    let found: Vec<&str> = header.iter().collect();
    if !csv_headers()
        .iter()
        .any(|expected| expected.as_slice() == found.as_slice())
    {
        return Err(error(
            1,
            &format!(
                "the header of accruals.csv ({})",
                csv_headers()[0].join(",")
            ),
            found.join(","),
        ));
    }
    let mut rows = Vec::new();
    for (index, record) in records.enumerate() {
        let row = index as u64 + 2;
        let record = record.map_err(|problem| error(row, "a CSV record", problem.to_string()))?;
        if record.len() != COLUMN_COUNT {
            return Err(error(
                row,
                &format!("{COLUMN_COUNT} fields"),
                format!("{} fields", record.len()),
            ));
        }
        if record.get(0) != Some(CONTRACT_ROW) {
            continue;
        }
        let amount = |column: usize| {
            let text = record.get(column).unwrap_or_default();
            Decimal::from_str(text).map_err(|_| {
                error(
                    row,
                    &format!("an amount in column {}", csv_headers()[0][column]),
                    format!("`{text}`"),
                )
            })
        };
        rows.push((
            original(record.get(2).unwrap_or_default()).to_string(),
            record.get(3).unwrap_or_default().to_string(),
            Opening {
                earned: amount(4)?,
                received: amount(8)?,
            },
        ));
    }
    Ok(BaselineAccruals::Read {
        path: path.to_string(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::d;

    #[test]
    fn an_accruals_csv_is_read_in_either_language_and_its_ids_restored() {
        for header in csv_headers() {
            let mut text = format!("\u{feff}{}\n", header.join(","));
            text.push_str("contract,Acme,'=C1,CNY,1000.00,600.00,0,0,600.00,0,0,0,0,0,400.00,0,,,,,no_baseline,\n");
            text.push_str(
                "entity_total,Acme,,CNY,1000.00,600.00,0,0,600.00,0,0,0,0,0,400.00,0,,,,,,\n",
            );
            let read = parse("prev/accruals.csv", text.as_bytes()).unwrap();
            let BaselineAccruals::Read { rows, .. } = read else {
                panic!("{read:?}")
            };
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].0, "=C1");
            assert_eq!(rows[0].1, "CNY");
            assert_eq!(rows[0].2.earned, d("1000"));
            assert_eq!(rows[0].2.received, d("600"));
        }
    }

    #[test]
    fn another_file_stops_the_run_naming_the_row() {
        let message = parse("p.csv", b"id,type\n").unwrap_err().to_string();
        assert!(
            message.contains("p.csv") && message.contains("row 1"),
            "{message}"
        );
        let mut text = format!("{}\n", csv_headers()[0].join(","));
        text.push_str(
            "contract,Acme,C1,CNY,lots,600.00,0,0,600.00,0,0,0,0,0,400.00,0,,,,,no_baseline,\n",
        );
        let message = parse("p.csv", text.as_bytes()).unwrap_err().to_string();
        assert!(
            message.contains("row 2") && message.contains("`lots`"),
            "{message}"
        );
        assert!(message.contains("earned"), "{message}");
    }

    #[test]
    fn a_folder_without_accruals_is_the_named_warning() {
        let folder = std::env::temp_dir().join(format!("accr-baseline-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let read = load(&folder.join("findings.json")).unwrap();
        assert_eq!(
            read,
            BaselineAccruals::Missing {
                path: folder.join(FILE).display().to_string()
            }
        );
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
