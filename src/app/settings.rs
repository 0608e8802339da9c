//! `audit.toml`: every option of `rebate-audit run` in a file, so a cron line is
//! `rebate-audit run --config /etc/rebate-audit/audit.toml`.
//!
//! The file is read with serde into [`SettingsFile`]: one key per option plus a `[limits]`
//! table, unknown keys refused (with a did-you-mean), every value checked by its own type
//! (`values.rs`) — each error names the file, its line, the key and what was expected.
//! Parsing is pure: paths are anchored at the file's folder and patterns kept as written;
//! whether they exist, and what a glob matches, is input discovery's business
//! (`app::discover`), which names the same file, line and key.

mod values;

use crate::app::cli::{FailOn, LangArg, LogFormat};
use crate::ingest::table::{LIMIT_KEYS, Limits};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use values::{
    AsOfText, Cells, Columns, EvidenceValue, InputList, Multiple, OneInput, PathText, Size, Text,
    Threads, Toggle, Word,
};
pub use values::{CONTRACTS_EXPECTED, FOLDER_EXPECTED, INPUTS_EXPECTED};

/// Every key the file may hold, in the order docs/NIGHTLY.md documents them.
pub const KEYS: &[&str] = &[
    "contracts",
    "billing",
    "payouts",
    "statements",
    "as_of",
    "out",
    "rulesets",
    "format",
    "fail_on",
    "fail_on_new",
    "baseline",
    "lang",
    "threads",
    "evidence",
    "quiet",
    "log_format",
    "limits",
];

/// Why the configuration file cannot be used (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file cannot be read.
    #[error("--config {file}: cannot read it: {source}")]
    Read {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not TOML.
    #[error("{file}: expected a TOML file of `key = value` lines, found a syntax error: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A key the file may not hold.
    #[error("{file}:{line}: {key}: unknown key{hint}; expected one of: {known}")]
    UnknownKey {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// The key.
        key: String,
        /// ` (did you mean `x`?)`, or nothing.
        hint: String,
        /// The keys there are.
        known: String,
    },
    /// A value of the wrong type or out of range.
    #[error("{file}:{line}: {key}: {message}")]
    Value {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// The key.
        key: String,
        /// `expected …, found …`.
        message: String,
    },
}

/// Where a setting was written: the file, the line and the key, for the messages of a
/// check that can only be made later (a path that does not exist, a glob that matches
/// nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file, as named.
    pub file: String,
    /// 1-based line of the key.
    pub line: usize,
    /// The key.
    pub key: &'static str,
}

/// A path or glob pattern as the file writes it, anchored at the file's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The text as written (trimmed).
    pub text: String,
    /// The path: the text against the file's folder when relative.
    pub path: PathBuf,
    /// For a pattern: the pattern against the file's folder, the folder taken literally.
    pub pattern: Option<String>,
    /// Where it was written.
    pub origin: Origin,
}

/// Whether evidence packs are asked for, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// `evidence = false`.
    Off,
    /// `evidence = true` (inside `out`) or `evidence = "DIR"`.
    On(Option<PathBuf>),
}

/// What a configuration file says, checked value by value. `None` (or empty) where the
/// file is silent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// `contracts`: one path or a pattern that must match exactly one.
    pub contracts: Option<Written>,
    /// `billing`: paths and patterns.
    pub billing: Vec<Written>,
    /// `payouts`: paths and patterns.
    pub payouts: Vec<Written>,
    /// `statements`: paths and patterns (optional).
    pub statements: Vec<Written>,
    /// `as_of`, as written (checked to be a date or a rule).
    pub as_of: Option<String>,
    /// `out`.
    pub out: Option<PathBuf>,
    /// `rulesets`: a folder (checked to exist by discovery).
    pub rulesets: Option<Written>,
    /// `format`.
    pub format: Option<String>,
    /// `fail_on`.
    pub fail_on: Option<FailOn>,
    /// `fail_on_new`.
    pub fail_on_new: Option<bool>,
    /// `baseline`.
    pub baseline: Option<PathBuf>,
    /// `lang`.
    pub lang: Option<LangArg>,
    /// `threads`.
    pub threads: Option<usize>,
    /// `evidence`.
    pub evidence: Option<Evidence>,
    /// `quiet`.
    pub quiet: Option<bool>,
    /// `log_format`.
    pub log_format: Option<LogFormat>,
    /// `[limits]`: the defaults with the file's keys applied.
    pub limits: Option<Limits>,
}

/// The file as serde reads it: every key typed, unknown keys refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    contracts: Option<toml::Spanned<OneInput>>,
    billing: Option<toml::Spanned<InputList>>,
    payouts: Option<toml::Spanned<InputList>>,
    statements: Option<toml::Spanned<InputList>>,
    as_of: Option<AsOfText>,
    out: Option<PathText>,
    rulesets: Option<toml::Spanned<PathText>>,
    format: Option<Text>,
    fail_on: Option<Word<FailOn>>,
    fail_on_new: Option<Toggle>,
    baseline: Option<PathText>,
    lang: Option<Word<LangArg>>,
    threads: Option<Threads>,
    evidence: Option<EvidenceValue>,
    quiet: Option<Toggle>,
    log_format: Option<Word<LogFormat>>,
    limits: Option<LimitsTable>,
}

/// `[limits]`: the keys of [`LIMIT_KEYS`], each typed by what it takes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsFields {
    whole_workbook_size: Option<Size>,
    streamed_workbook_size: Option<Size>,
    workbook_part_size: Option<Size>,
    sheet_part_size: Option<Size>,
    shared_strings_size: Option<Size>,
    xml_token_size: Option<Size>,
    zip_member_size: Option<Size>,
    parquet_metadata_size: Option<Size>,
    parquet_row_group_size: Option<Size>,
    csv_record_size: Option<Size>,
    sheet_cells: Option<Cells>,
    sheet_columns: Option<Columns>,
    inflation_ratio: Option<Multiple>,
    inflation_floor_size: Option<Size>,
}

impl LimitsFields {
    /// The keys given, by name.
    fn given(&self) -> [(&'static str, Option<u64>); 14] {
        let size = |value: &Option<Size>| value.as_ref().map(|size| size.0);
        [
            ("whole_workbook_size", size(&self.whole_workbook_size)),
            ("streamed_workbook_size", size(&self.streamed_workbook_size)),
            ("workbook_part_size", size(&self.workbook_part_size)),
            ("sheet_part_size", size(&self.sheet_part_size)),
            ("shared_strings_size", size(&self.shared_strings_size)),
            ("xml_token_size", size(&self.xml_token_size)),
            ("zip_member_size", size(&self.zip_member_size)),
            ("parquet_metadata_size", size(&self.parquet_metadata_size)),
            ("parquet_row_group_size", size(&self.parquet_row_group_size)),
            ("csv_record_size", size(&self.csv_record_size)),
            (
                "sheet_cells",
                self.sheet_cells.as_ref().map(|cells| cells.0),
            ),
            (
                "sheet_columns",
                self.sheet_columns.as_ref().map(|columns| columns.0),
            ),
            (
                "inflation_ratio",
                self.inflation_ratio.as_ref().map(|times| times.0),
            ),
            ("inflation_floor_size", size(&self.inflation_floor_size)),
        ]
    }
}

/// `limits`: a table of [`LimitsFields`]; anything else is refused with the expected form.
struct LimitsTable(LimitsFields);

impl<'de> Deserialize<'de> for LimitsTable {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = LimitsTable;
            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(values::LIMITS_EXPECTED)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<LimitsTable, A::Error> {
                LimitsFields::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(LimitsTable)
            }
            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<LimitsTable, E> {
                Err(values::limits_not_a_table(&format!("`{value}`")))
            }
            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<LimitsTable, E> {
                Err(values::limits_not_a_table(&format!("`{value}`")))
            }
            fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<LimitsTable, E> {
                Err(values::limits_not_a_table(&format!("`{value}`")))
            }
            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<LimitsTable, E> {
                Err(values::limits_not_a_table(&format!("`{value}`")))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                _: A,
            ) -> Result<LimitsTable, A::Error> {
                Err(values::limits_not_a_table("a list"))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Reads and checks a configuration file.
///
/// # Errors
/// When the file cannot be read, is not TOML, holds an unknown key or a bad value.
pub fn load(file: &Path) -> Result<Settings, SettingsError> {
    let text = std::fs::read_to_string(file).map_err(|source| SettingsError::Read {
        file: file.display().to_string(),
        source,
    })?;
    parse(file, &text)
}

/// [`load`] on text already read: no I/O. `file` names it in errors and anchors relative
/// paths.
///
/// # Errors
/// As [`load`].
pub fn parse(file: &Path, text: &str) -> Result<Settings, SettingsError> {
    let name = file.display().to_string();
    // The syntax first, so a broken file is called broken rather than mistyped.
    if let Err(error) = toml::from_str::<toml::Table>(text) {
        return Err(SettingsError::Syntax {
            file: name,
            message: error.to_string().trim().replace('\n', " "),
        });
    }
    let read: SettingsFile =
        toml::from_str(text).map_err(|error| field_error(&name, text, error))?;
    let folder = file.parent().unwrap_or(Path::new(""));
    let origin = |key: &'static str, span: std::ops::Range<usize>| Origin {
        file: name.clone(),
        line: line_of(text, span.start),
        key,
    };
    let written = |text: String, origin: Origin| Written {
        path: anchored(folder, &text),
        pattern: is_pattern(&text).then(|| pattern_in(folder, &text)),
        text,
        origin,
    };
    let inputs = |list: Option<toml::Spanned<InputList>>, key: &'static str| -> Vec<Written> {
        list.map(|list| {
            let origin = origin(key, list.span());
            list.into_inner()
                .0
                .into_iter()
                .map(|text| written(text, origin.clone()))
                .collect()
        })
        .unwrap_or_default()
    };
    let limits = read.limits.map(|table| {
        let mut limits = Limits::default();
        for (key, value) in table.0.given() {
            if let Some(value) = value {
                limits.set(key, value);
            }
        }
        limits
    });
    Ok(Settings {
        contracts: read.contracts.map(|one| {
            let origin = origin("contracts", one.span());
            written(one.into_inner().0, origin)
        }),
        billing: inputs(read.billing, "billing"),
        payouts: inputs(read.payouts, "payouts"),
        statements: inputs(read.statements, "statements"),
        as_of: read.as_of.map(|as_of| as_of.0),
        out: read.out.map(|path| anchored(folder, &path.0)),
        rulesets: read.rulesets.map(|path| {
            let origin = origin("rulesets", path.span());
            written(path.into_inner().0, origin)
        }),
        format: read.format.map(|format| format.0),
        fail_on: read.fail_on.map(|word| word.0),
        fail_on_new: read.fail_on_new.map(|toggle| toggle.0),
        baseline: read.baseline.map(|path| anchored(folder, &path.0)),
        lang: read.lang.map(|word| word.0),
        threads: read.threads.map(|threads| threads.0),
        evidence: read.evidence.map(|evidence| match evidence.0 {
            None => Evidence::Off,
            Some(None) => Evidence::On(None),
            Some(Some(folder_text)) => Evidence::On(Some(anchored(folder, &folder_text))),
        }),
        quiet: read.quiet.map(|toggle| toggle.0),
        log_format: read.log_format.map(|word| word.0),
        limits,
    })
}

/// A serde error of the typed read, as this module words it: an unknown key with a hint,
/// or `expected …, found …` for the key's value, each with the file and line.
fn field_error(file: &str, text: &str, mut error: toml::de::Error) -> SettingsError {
    let message = error.message().to_string();
    let line = line_of(text, error.span().map_or(0, |span| span.start));
    // Without its input, the error's text ends with the path of keys it is about.
    error.set_input(None);
    let keys = error
        .to_string()
        .lines()
        .find_map(|line| {
            line.strip_prefix("in `")?
                .strip_suffix('`')
                .map(str::to_string)
        })
        .unwrap_or_default();
    if let Some(unknown) = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
    {
        return if keys == "limits" {
            unknown_limit(file, line, unknown)
        } else {
            unknown_key(file, line, unknown)
        };
    }
    SettingsError::Value {
        file: file.to_string(),
        line,
        key: keys,
        message,
    }
}

fn unknown_key(file: &str, line: usize, key: &str) -> SettingsError {
    let spelled = key.trim().to_ascii_lowercase().replace('-', "_");
    let hint = KEYS
        .iter()
        .find(|known| **known == spelled)
        .map(|known| format!(" (did you mean `{known}`?)"))
        .unwrap_or_default();
    SettingsError::UnknownKey {
        file: file.to_string(),
        line,
        key: key.to_string(),
        hint,
        known: KEYS.join(", "),
    }
}

fn unknown_limit(file: &str, line: usize, name: &str) -> SettingsError {
    let spelled = name.trim().to_ascii_lowercase().replace('-', "_");
    let hint = LIMIT_KEYS
        .iter()
        .find(|known| {
            known.name == spelled
                || known.constant == spelled
                || known.name == spelled.replace("_bytes", "_size")
                || format!("max_{}", known.name) == spelled
        })
        .map(|known| format!(" (did you mean `limits.{}`?)", known.name))
        .unwrap_or_default();
    SettingsError::UnknownKey {
        file: file.to_string(),
        line,
        key: format!("limits.{name}"),
        hint,
        known: LIMIT_KEYS
            .iter()
            .map(|known| format!("limits.{}", known.name))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(0, |before| before.matches('\n').count())
        + 1
}

/// Whether a path as written is a glob pattern rather than a plain path.
pub fn is_pattern(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

/// A path as written, against the file's folder when relative.
fn anchored(folder: &Path, text: &str) -> PathBuf {
    let path = Path::new(text);
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        folder.join(path)
    }
}

/// A pattern against the file's folder, the folder's own name taken literally whatever
/// characters it holds.
fn pattern_in(folder: &Path, pattern: &str) -> String {
    if Path::new(pattern).is_absolute() {
        return pattern.to_string();
    }
    let folder = folder.to_string_lossy();
    if folder.is_empty() {
        pattern.to_string()
    } else {
        Path::new(&glob::Pattern::escape(&folder))
            .join(pattern)
            .to_string_lossy()
            .into_owned()
    }
}

#[cfg(test)]
mod tests;
