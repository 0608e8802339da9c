//! `rebate-audit init DIR`: writes the starter kit (`app::kit`) into DIR — the contract
//! workbook with a worked example and a README sheet, an empty payout ledger, a sample
//! bill and a commented `audit.toml` — and prints what it wrote and the command to run.
//! It never writes over an existing file unless `--force`: a kit folder may already hold
//! someone's filled-in contracts.

use crate::app::cli::InitArgs;
use crate::app::kit::{self, Vocabulary};
use crate::app::{Outcome, RunError, stages};
use std::path::{Path, PathBuf};

/// Why the kit was not written (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// A file of the kit exists and `--force` was not given: nothing was written.
    #[error("{message}")]
    Exists {
        /// The file.
        path: PathBuf,
        /// The sentence, in the kit's language.
        message: String,
    },
    /// A file or folder could not be written.
    #[error("{path}: cannot write it: {source}")]
    Write {
        /// The file or folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A workbook could not be assembled.
    #[error("cannot assemble the starter kit's workbooks: {0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
}

/// A path as a shell reads it: as is when it holds only safe characters, else quoted.
fn shell_word(path: &Path) -> String {
    let text = path.display().to_string();
    let safe = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@".contains(c));
    if safe && !text.is_empty() {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

/// Writes the kit; exit status 0.
///
/// # Errors
/// When a file of the kit exists (without `--force`) or cannot be written.
pub fn init(args: &InitArgs) -> Result<Outcome, RunError> {
    let lang = args.lang.lang();
    let sentences = crate::report::i18n::kit::kit(lang);
    let rulesets = stages::load_rulesets(None)?;
    let files = kit::build(lang, &Vocabulary::of(&rulesets)).map_err(InitError::from)?;
    // Every file checked before any is written, so a refusal leaves the folder as it was.
    if !args.force {
        for file in &files {
            let path = args.dir.join(file.path);
            if path.symlink_metadata().is_ok() {
                return Err(InitError::Exists {
                    message: sentences.exists(&path.display().to_string()),
                    path,
                }
                .into());
            }
        }
    }
    for file in &files {
        let path = args.dir.join(file.path);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(|source| InitError::Write {
                path: folder.display().to_string(),
                source,
            })?;
        }
        std::fs::write(&path, &file.bytes).map_err(|source| InitError::Write {
            path: path.display().to_string(),
            source,
        })?;
    }
    let mut text = sentences.wrote(&args.dir.display().to_string());
    text.push('\n');
    let width = kit::FILES.iter().map(|name| name.len()).max().unwrap_or(0);
    for name in kit::FILES {
        text.push_str(&format!("  {name:<width$}  {}\n", sentences.file(name)));
    }
    let command = format!(
        "rebate-audit run --config {}",
        shell_word(&args.dir.join("audit.toml"))
    );
    let report = args.dir.join("audit-out").join("report.html");
    text.push_str(&sentences.next(&command, &report.display().to_string()));
    text.push('\n');
    text.push_str(sentences.then());
    text.push('\n');
    crate::app::stdout::print(&text)?;
    Ok(Outcome::Clean)
}
