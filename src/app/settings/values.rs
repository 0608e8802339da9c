//! The value types of `audit.toml`: each reads itself from the TOML value serde hands it
//! and refuses anything else with `expected …, found …`, the found part showing the value
//! as the file writes it (a text that should have been a number is called a text).

use crate::app::as_of::AsOf;
use crate::app::cli::{FailOn, LangArg, LogFormat};
use crate::ingest::table::{EXCEL_CELLS, EXCEL_COLUMNS, parse_size};
use serde::de::{Deserialize, Deserializer, Error};
use toml::Value;

/// What `limits` takes, when it is not a table.
pub const LIMITS_EXPECTED: &str = "a table of limits (`[limits]` with keys such as `sheet_cells = 50_000_000` or `whole_workbook_size = \"256 MiB\"`)";

/// The error for a `limits` that is not a table.
pub fn limits_not_a_table<E: Error>(found: &str) -> E {
    E::custom(format!("expected {LIMITS_EXPECTED}, found {found}"))
}

/// How a value is shown in an error: its TOML text, cut short.
fn shown(value: &Value) -> String {
    let text = match value {
        Value::String(text) => format!("`{text}`"),
        Value::Integer(_) | Value::Float(_) | Value::Boolean(_) | Value::Datetime(_) => {
            format!("`{value}`")
        }
        Value::Array(_) => format!("the list `{value}`"),
        Value::Table(_) => "a table".to_string(),
    };
    if text.chars().count() > 120 {
        let cut: String = text.chars().take(117).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn wrong<E: Error>(expected: &str, value: &Value) -> E {
    E::custom(format!("expected {expected}, found {}", shown(value)))
}

/// For keys that take no text: a string is shown as the text it is, so `"2"` is not
/// mistaken for `2`.
fn not_text<E: Error>(expected: &str, value: &Value) -> E {
    match value {
        Value::String(text) => E::custom(format!("expected {expected}, found the text \"{text}\"")),
        _ => wrong(expected, value),
    }
}

fn text<E: Error>(expected: &str, value: &Value) -> Result<String, E> {
    match value {
        Value::String(text) if !text.trim().is_empty() => Ok(text.trim().to_string()),
        _ => Err(wrong(expected, value)),
    }
}

/// Reads a TOML value and checks it with `check`.
fn checked<'de, D, T>(
    deserializer: D,
    check: impl FnOnce(&Value) -> Result<T, D::Error>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    check(&Value::deserialize(deserializer)?)
}

/// A value type of the file: its own check of a TOML value.
macro_rules! setting {
    ($(#[$doc:meta])* $name:ident($inner:ty), |$value:ident| $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(pub $inner);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                checked(deserializer, |$value: &Value| $check.map($name))
            }
        }
    };
}

/// What `contracts` takes.
pub const CONTRACTS_EXPECTED: &str = "the contract workbook or folder: one existing path or a glob matching exactly one (relative to the configuration file's folder)";

/// What `billing` and `payouts` take.
pub const INPUTS_EXPECTED: &str =
    "a path or glob pattern, or a list of them (relative to the configuration file's folder)";

/// What `rulesets` must be.
pub const FOLDER_EXPECTED: &str =
    "an existing folder (relative to the configuration file's folder)";

setting!(
    /// `contracts`: one path or pattern, as written.
    OneInput(String),
    |value| text(CONTRACTS_EXPECTED, value)
);

setting!(
    /// `billing`, `payouts`: a path or pattern, or a non-empty list of them, as written.
    InputList(Vec<String>),
    |value| {
        let items: Vec<&Value> = match value {
            Value::Array(items) if !items.is_empty() => items.iter().collect(),
            Value::String(_) => vec![value],
            _ => return Err(wrong(INPUTS_EXPECTED, value)),
        };
        items
            .into_iter()
            .map(|item| match item {
                Value::String(text) if !text.trim().is_empty() => Ok(text.trim().to_string()),
                other => Err(wrong(INPUTS_EXPECTED, other)),
            })
            .collect::<Result<Vec<String>, _>>()
    }
);

setting!(
    /// `out`, `baseline`, `rulesets`: a path, as written (the baseline is checked when it
    /// is read, the rulesets folder by discovery).
    PathText(String),
    |value| text("a path (relative to the configuration file's folder)", value)
);

setting!(
    /// `format`: a billing format name.
    Text(String),
    |value| text("a billing format name", value)
);

setting!(
    /// `quiet`, `fail_on_new`.
    Toggle(bool),
    |value| match value {
        Value::Boolean(value) => Ok(*value),
        _ => Err(not_text("`true` or `false`", value)),
    }
);

setting!(
    /// `threads`: 1 or more.
    Threads(usize),
    |value| {
        const EXPECTED: &str = "a whole number of worker threads, 1 or more";
        match value {
            Value::Integer(count) if *count >= 1 => {
                usize::try_from(*count).map_err(|_| wrong(EXPECTED, value))
            }
            _ => Err(not_text(EXPECTED, value)),
        }
    }
);

setting!(
    /// `as_of`: a date or a rule, as written (a bare TOML date counts).
    AsOfText(String),
    |value| {
        let text = match value {
            Value::String(text) => text.trim().to_string(),
            Value::Datetime(datetime) if datetime.time.is_none() && datetime.offset.is_none() => {
                datetime.to_string()
            }
            _ => return Err(wrong(AsOf::EXPECTED, value)),
        };
        match AsOf::parse(&text) {
            Some(_) => Ok(text),
            None => Err(wrong(AsOf::EXPECTED, value)),
        }
    }
);

setting!(
    /// `evidence`: `false` (`None`), `true` (`Some(None)`) or a folder.
    EvidenceValue(Option<Option<String>>),
    |value| {
        const EXPECTED: &str = "`true`, `false` or a folder for the evidence packs (relative to the configuration file's folder)";
        match value {
            Value::Boolean(true) => Ok(Some(None)),
            Value::Boolean(false) => Ok(None),
            Value::String(_) => text(EXPECTED, value).map(|folder| Some(Some(folder))),
            _ => Err(wrong(EXPECTED, value)),
        }
    }
);

setting!(
    /// A size in bytes: a whole number, or a text with a unit (`"256 MiB"`).
    Size(u64),
    |value| {
        const EXPECTED: &str = "a size: a whole number of bytes, or a text such as \"256 MiB\" (B, KiB, MiB, GiB, TiB; KB, MB, GB, TB count in thousands), at least 1 byte";
        match value {
            Value::Integer(bytes) if *bytes >= 1 => {
                u64::try_from(*bytes).map_err(|_| wrong(EXPECTED, value))
            }
            Value::String(text) => parse_size(text).ok_or_else(|| wrong(EXPECTED, value)),
            _ => Err(wrong(EXPECTED, value)),
        }
    }
);

/// A whole number from 1 to `most`.
fn count<E: Error>(expected: &str, most: u64, value: &Value) -> Result<u64, E> {
    match value {
        Value::Integer(count) if *count >= 1 => u64::try_from(*count)
            .ok()
            .filter(|count| *count <= most)
            .ok_or_else(|| wrong(expected, value)),
        _ => Err(not_text(expected, value)),
    }
}

setting!(
    /// `limits.sheet_cells`.
    Cells(u64),
    |value| count(
        &format!("a whole number of cells, from 1 to {EXCEL_CELLS} (Excel's whole grid)"),
        EXCEL_CELLS,
        value
    )
);

setting!(
    /// `limits.sheet_columns`.
    Columns(u64),
    |value| count(
        &format!("a whole number of columns, from 1 to {EXCEL_COLUMNS} (Excel's last column, XFD)"),
        u64::from(EXCEL_COLUMNS),
        value
    )
);

setting!(
    /// `limits.inflation_ratio`.
    Multiple(u64),
    |value| count(
        "a whole number of times a worksheet may inflate past its compressed size, from 1 to 1000000",
        1_000_000,
        value
    )
);

/// A closed set of words a key takes.
pub trait Words: Sized + Copy + 'static {
    /// What the key takes, for the error.
    const EXPECTED: &'static str;
    /// Each word and its value.
    const WORDS: &'static [(&'static str, Self)];
}

impl Words for FailOn {
    const EXPECTED: &'static str = "`info`, `warning` or `error`";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("info", FailOn::Info),
        ("warning", FailOn::Warning),
        ("error", FailOn::Error),
    ];
}

impl Words for LangArg {
    const EXPECTED: &'static str = "`en` or `zh`";
    const WORDS: &'static [(&'static str, Self)] = &[("en", LangArg::En), ("zh", LangArg::Zh)];
}

impl Words for LogFormat {
    const EXPECTED: &'static str = "`human` or `json`";
    const WORDS: &'static [(&'static str, Self)] =
        &[("human", LogFormat::Human), ("json", LogFormat::Json)];
}

/// One of a key's words, case and surrounding space ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<T>(pub T);

impl<'de, T: Words> Deserialize<'de> for Word<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        checked(deserializer, |value| {
            let Value::String(text) = value else {
                return Err(wrong(T::EXPECTED, value));
            };
            let text = text.trim().to_ascii_lowercase();
            T::WORDS
                .iter()
                .find(|(word, _)| *word == text)
                .map(|(_, found)| Word(*found))
                .ok_or_else(|| wrong(T::EXPECTED, value))
        })
    }
}
