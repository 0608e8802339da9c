//! `audit.toml`: every option of `rebate-audit run` in a file, so a cron line is
//! `rebate-audit run --config /etc/rebate-audit/audit.toml`.
//!
//! The file is flat: one key per option (`contracts`, `billing`, `payouts`, `as_of`, `out`,
//! `rulesets`, `format`, `fail_on`, `fail_on_new`, `baseline`, `lang`, `threads`,
//! `evidence`, `quiet`, `log_format`), plus one table, `[limits]`, for the hostile-input
//! limits of the table reader (sizes as `"256 MiB"` or bytes, counts as whole numbers).
//! Relative paths are relative to the file's folder,
//! never to where cron happens to start the run. `billing` and `payouts` (and `contracts`,
//! when it matches exactly one path) may be glob patterns (`*`, `?`, `[abc]`, `**` for any
//! depth), expanded here in sorted order so the input order never depends on the file
//! system. An option given on the command line wins over the file. An unknown key or a
//! bad value is an error naming the file, its line, the key and what was expected.

use crate::app::cli::{Args, Command, FailOn, LogFormat, RunArgs};
use crate::app::config::AsOf;
use crate::domain::lang::Lang;
use crate::ingest::table::{
    EXCEL_CELLS, EXCEL_COLUMNS, LIMIT_KEYS, LimitKind, Limits, is_table_file, parse_size,
};
use std::path::{Path, PathBuf};
use toml::{Spanned, Value};

/// Every key the file may hold, in the order the README documents them.
pub const KEYS: &[&str] = &[
    "contracts",
    "billing",
    "payouts",
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
    #[error("{file}:{line}: {key}: expected {expected}, found {found}")]
    Value {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// The key.
        key: String,
        /// What the key takes.
        expected: String,
        /// What the file holds.
        found: String,
    },
}

/// Whether evidence packs are asked for, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// `evidence = false`.
    Off,
    /// `evidence = true` (`evidence/` inside `out`) or `evidence = "DIR"`.
    On(Option<PathBuf>),
}

/// What a configuration file says: paths resolved against its folder, globs expanded,
/// every value checked. `None` (or empty) where the file is silent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// The file itself.
    pub file: PathBuf,
    /// `contracts`.
    pub contracts: Option<PathBuf>,
    /// `billing`, expanded.
    pub billing: Vec<PathBuf>,
    /// `payouts`, expanded.
    pub payouts: Vec<PathBuf>,
    /// `as_of`, as written (checked to be a date or a rule).
    pub as_of: Option<String>,
    /// `out`.
    pub out: Option<PathBuf>,
    /// `rulesets`.
    pub rulesets: Option<PathBuf>,
    /// `format`.
    pub format: Option<String>,
    /// `fail_on`.
    pub fail_on: Option<FailOn>,
    /// `fail_on_new`.
    pub fail_on_new: Option<bool>,
    /// `baseline`.
    pub baseline: Option<PathBuf>,
    /// `lang`.
    pub lang: Option<Lang>,
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

/// Reads and checks a configuration file.
///
/// # Errors
/// When the file cannot be read, is not TOML, holds an unknown key or a bad value, names a
/// path that does not exist, or a glob that matches no input file.
pub fn load(file: &Path) -> Result<Settings, SettingsError> {
    let text = std::fs::read_to_string(file).map_err(|source| SettingsError::Read {
        file: file.display().to_string(),
        source,
    })?;
    parse(file, &text)
}

/// [`load`] on text already read; `file` names it in errors and anchors relative paths.
///
/// # Errors
/// As [`load`].
pub fn parse(file: &Path, text: &str) -> Result<Settings, SettingsError> {
    let name = file.display().to_string();
    let table: std::collections::BTreeMap<Spanned<String>, Spanned<Value>> =
        toml::from_str(text).map_err(|error| SettingsError::Syntax {
            file: name.clone(),
            message: error.to_string().trim().replace('\n', " "),
        })?;
    let mut entries: Vec<(Spanned<String>, Spanned<Value>)> = table.into_iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    // Unknown keys first: a misspelt key is the likelier mistake, and says more.
    for (key, _) in &entries {
        if !KEYS.contains(&key.get_ref().as_str()) {
            let spelled = key.get_ref().trim().to_ascii_lowercase().replace('-', "_");
            let hint = KEYS
                .iter()
                .find(|known| **known == spelled)
                .map(|known| format!(" (did you mean `{known}`?)"))
                .unwrap_or_default();
            return Err(SettingsError::UnknownKey {
                file: name,
                line: line_of(text, key.span().start),
                key: key.get_ref().clone(),
                hint,
                known: KEYS.join(", "),
            });
        }
    }
    let folder = file.parent().unwrap_or(Path::new(""));
    let mut settings = Settings {
        file: file.to_path_buf(),
        ..Settings::default()
    };
    for (key, value) in &entries {
        let line = line_of(text, key.span().start);
        let entry = Entry {
            file: &name,
            line,
            key: key.get_ref(),
            value: value.get_ref(),
            folder,
        };
        match key.get_ref().as_str() {
            "contracts" => settings.contracts = Some(entry.one_path()?),
            "billing" => settings.billing = entry.inputs()?,
            "payouts" => settings.payouts = entry.inputs()?,
            "as_of" => settings.as_of = Some(entry.as_of()?),
            "out" => settings.out = Some(entry.path()?),
            "rulesets" => settings.rulesets = Some(entry.existing_folder()?),
            "format" => settings.format = Some(entry.text("a billing format name")?),
            "fail_on" => {
                settings.fail_on = Some(entry.word(
                    "`info`, `warning` or `error`",
                    &[
                        ("info", FailOn::Info),
                        ("warning", FailOn::Warning),
                        ("error", FailOn::Error),
                    ],
                )?);
            }
            "fail_on_new" => settings.fail_on_new = Some(entry.boolean()?),
            "baseline" => settings.baseline = Some(entry.path()?),
            "lang" => {
                settings.lang =
                    Some(entry.word("`en` or `zh`", &[("en", Lang::En), ("zh", Lang::Zh)])?);
            }
            "threads" => settings.threads = Some(entry.threads()?),
            "evidence" => settings.evidence = Some(entry.evidence()?),
            "quiet" => settings.quiet = Some(entry.boolean()?),
            "log_format" => {
                settings.log_format = Some(entry.word(
                    "`human` or `json`",
                    &[("human", LogFormat::Human), ("json", LogFormat::Json)],
                )?);
            }
            "limits" => settings.limits = Some(entry.limits(text)?),
            // Every other key was refused above.
            _ => {}
        }
    }
    Ok(settings)
}

/// Merges the `--config` file (when `args` names one) under the command line: an option
/// given on the command line wins; a list given on the command line (`--billing`,
/// `--payouts`) replaces the file's whole list. The result names no config file.
///
/// # Errors
/// As [`load`].
pub fn apply(args: RunArgs) -> Result<RunArgs, SettingsError> {
    let Some(file) = args.config.clone() else {
        return Ok(args);
    };
    Ok(merge(args, load(&file)?))
}

/// The command line over the file's settings.
pub fn merge(args: RunArgs, settings: Settings) -> RunArgs {
    let fail_on_new = if args.fail_on_new {
        true
    } else if args.no_fail_on_new {
        false
    } else {
        settings.fail_on_new.unwrap_or(false)
    };
    let evidence = if args.no_evidence || args.evidence.is_some() {
        args.evidence
    } else {
        match settings.evidence {
            Some(Evidence::On(folder)) => Some(folder),
            Some(Evidence::Off) | None => None,
        }
    };
    RunArgs {
        config: None,
        contracts: args.contracts.or(settings.contracts),
        billing: if args.billing.is_empty() {
            settings.billing
        } else {
            args.billing
        },
        payouts: if args.payouts.is_empty() {
            settings.payouts
        } else {
            args.payouts
        },
        as_of: args.as_of.or(settings.as_of),
        out: args.out.or(settings.out),
        rulesets: args.rulesets.or(settings.rulesets),
        evidence,
        no_evidence: args.no_evidence,
        format: args.format.or(settings.format),
        fail_on: args.fail_on.or(settings.fail_on),
        baseline: args.baseline.or(settings.baseline),
        fail_on_new,
        no_fail_on_new: !fail_on_new,
        threads: args.threads.or(settings.threads),
        quiet: args.quiet || settings.quiet.unwrap_or(false),
        lang: args.lang.or(settings.lang),
        limits: args.limits.or(settings.limits),
    }
}

/// The arguments with a `run`'s `--config` file merged in, and the log format the run
/// asks for (`--log-format` first, else the file's `log_format`), so logging can be set
/// up before the audit starts.
///
/// # Errors
/// As [`load`].
pub fn resolve(mut args: Args) -> Result<Args, SettingsError> {
    if let Command::Run(run) = &mut args.command
        && let Some(file) = run.config.clone()
    {
        let settings = load(&file)?;
        if args.log_format.is_none() {
            args.log_format = settings.log_format;
        }
        *run = merge(std::mem::take(run), settings);
    }
    Ok(args)
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(0, |before| before.matches('\n').count())
        + 1
}

/// Whether a path as written is a glob pattern rather than a plain path.
fn is_pattern(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

/// How a value is described in an error: its TOML text, cut short.
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

/// One `key = value` of the file, being checked.
struct Entry<'a> {
    file: &'a str,
    line: usize,
    key: &'a str,
    value: &'a Value,
    folder: &'a Path,
}

impl Entry<'_> {
    fn error(&self, expected: impl Into<String>, found: impl Into<String>) -> SettingsError {
        SettingsError::Value {
            file: self.file.to_string(),
            line: self.line,
            key: self.key.to_string(),
            expected: expected.into(),
            found: found.into(),
        }
    }

    fn wrong(&self, expected: &str) -> SettingsError {
        self.error(expected, shown(self.value))
    }

    /// For keys that take no text: a string is shown as the text it is, so `"2"` is not
    /// mistaken for `2`.
    fn not_text(&self, expected: &str) -> SettingsError {
        match self.value {
            Value::String(text) => self.error(expected, format!("the text \"{text}\"")),
            _ => self.wrong(expected),
        }
    }

    fn text(&self, expected: &str) -> Result<String, SettingsError> {
        match self.value {
            Value::String(text) if !text.trim().is_empty() => Ok(text.trim().to_string()),
            _ => Err(self.wrong(expected)),
        }
    }

    fn boolean(&self) -> Result<bool, SettingsError> {
        match self.value {
            Value::Boolean(value) => Ok(*value),
            _ => Err(self.not_text("`true` or `false`")),
        }
    }

    fn word<T: Copy>(&self, expected: &str, words: &[(&str, T)]) -> Result<T, SettingsError> {
        let Value::String(text) = self.value else {
            return Err(self.wrong(expected));
        };
        let text = text.trim().to_ascii_lowercase();
        words
            .iter()
            .find(|(word, _)| *word == text)
            .map(|(_, value)| *value)
            .ok_or_else(|| self.wrong(expected))
    }

    fn threads(&self) -> Result<usize, SettingsError> {
        const EXPECTED: &str = "a whole number of worker threads, 1 or more";
        match self.value {
            Value::Integer(count) if *count >= 1 => {
                usize::try_from(*count).map_err(|_| self.wrong(EXPECTED))
            }
            _ => Err(self.not_text(EXPECTED)),
        }
    }

    fn as_of(&self) -> Result<String, SettingsError> {
        let text = match self.value {
            Value::String(text) => text.trim().to_string(),
            // `as_of = 2026-06-30` without quotes is a TOML date.
            Value::Datetime(datetime) if datetime.time.is_none() && datetime.offset.is_none() => {
                datetime.to_string()
            }
            _ => return Err(self.wrong(AsOf::EXPECTED)),
        };
        match AsOf::parse(&text) {
            Some(_) => Ok(text),
            None => Err(self.wrong(AsOf::EXPECTED)),
        }
    }

    /// A path as written, against the file's folder when relative.
    fn anchored(&self, text: &str) -> PathBuf {
        let path = Path::new(text);
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.folder.join(path)
        }
    }

    /// A path that need not exist yet (`out`, `baseline`: the baseline is checked when
    /// it is read, with its own message).
    fn path(&self) -> Result<PathBuf, SettingsError> {
        Ok(self.anchored(&self.text("a path (relative to the configuration file's folder)")?))
    }

    fn existing_folder(&self) -> Result<PathBuf, SettingsError> {
        let path = self.path()?;
        if path.is_dir() {
            Ok(path)
        } else {
            Err(self.error(
                "an existing folder (relative to the configuration file's folder)",
                format!("`{}`, which is not a folder", path.display()),
            ))
        }
    }

    /// `contracts`: one workbook or folder; a pattern must match exactly one.
    fn one_path(&self) -> Result<PathBuf, SettingsError> {
        const EXPECTED: &str = "the contract workbook or folder: one existing path or a glob matching exactly one (relative to the configuration file's folder)";
        let text = self.text(EXPECTED)?;
        if is_pattern(&text) {
            let matches = self.matches(&text, false)?;
            match matches.as_slice() {
                [one] => Ok(one.clone()),
                [] => Err(self.error(EXPECTED, format!("`{text}`, which matches nothing"))),
                more => Err(self.error(
                    EXPECTED,
                    format!("`{text}`, which matches {} paths", more.len()),
                )),
            }
        } else {
            let path = self.anchored(&text);
            if path.exists() {
                Ok(path)
            } else {
                Err(self.error(
                    EXPECTED,
                    format!("`{}`, which does not exist", path.display()),
                ))
            }
        }
    }

    /// `billing`, `payouts`: a path or pattern, or a list of them; each plain path must
    /// exist and each pattern match at least one input file or folder.
    fn inputs(&self) -> Result<Vec<PathBuf>, SettingsError> {
        const EXPECTED: &str = "a path or glob pattern, or a list of them (relative to the configuration file's folder)";
        let items: Vec<&Value> = match self.value {
            Value::Array(items) if !items.is_empty() => items.iter().collect(),
            Value::String(_) => vec![self.value],
            _ => return Err(self.wrong(EXPECTED)),
        };
        let mut paths = Vec::new();
        for item in items {
            let text = match item {
                Value::String(text) if !text.trim().is_empty() => text.trim(),
                other => return Err(self.error(EXPECTED, shown(other))),
            };
            if is_pattern(text) {
                let matches = self.matches(text, true)?;
                if matches.is_empty() {
                    return Err(self.error(
                        EXPECTED,
                        format!(
                            "`{text}`, which matches no .csv, .tsv, .zip, .xlsx, .xls, .xlsb or .ods file or folder"
                        ),
                    ));
                }
                paths.extend(matches);
            } else {
                let path = self.anchored(text);
                if !path.exists() {
                    return Err(self.error(
                        EXPECTED,
                        format!("`{}`, which does not exist", path.display()),
                    ));
                }
                paths.push(path);
            }
        }
        Ok(paths)
    }

    /// The paths a pattern matches, sorted; hidden files and Excel lock files never
    /// match, and with `tables` only input files (and folders, walked later) count.
    fn matches(&self, pattern: &str, tables: bool) -> Result<Vec<PathBuf>, SettingsError> {
        let full = if Path::new(pattern).is_absolute() {
            pattern.to_string()
        } else {
            let folder = self.folder.to_string_lossy();
            if folder.is_empty() {
                pattern.to_string()
            } else {
                // The folder is taken literally, whatever characters its name holds.
                Path::new(&glob::Pattern::escape(&folder))
                    .join(pattern)
                    .to_string_lossy()
                    .into_owned()
            }
        };
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: true,
        };
        let entries = glob::glob_with(&full, options).map_err(|error| {
            self.error(
                "a path or a valid glob pattern",
                format!("`{pattern}` ({error})"),
            )
        })?;
        let mut paths = Vec::new();
        for entry in entries {
            let path = entry.map_err(|error| {
                self.error(
                    "a pattern over readable folders",
                    format!("`{pattern}`: {error}"),
                )
            })?;
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.starts_with("~$") {
                continue;
            }
            if tables && !path.is_dir() && !is_table_file(&path) {
                continue;
            }
            paths.push(path);
        }
        paths.sort();
        Ok(paths)
    }

    /// `[limits]`: each key checked against its kind, on the defaults. `text` is the whole
    /// file, read again for the lines of the table's own keys.
    fn limits(&self, text: &str) -> Result<Limits, SettingsError> {
        const EXPECTED: &str = "a table of limits (`[limits]` with keys such as `sheet_cells = 50_000_000` or `whole_workbook_size = \"256 MiB\"`)";
        type Table = std::collections::BTreeMap<Spanned<String>, Spanned<Value>>;
        #[derive(serde::Deserialize)]
        struct Document {
            limits: Table,
        }
        if !matches!(self.value, Value::Table(_)) {
            return Err(self.wrong(EXPECTED));
        }
        let document: Document = toml::from_str(text).map_err(|error| SettingsError::Syntax {
            file: self.file.to_string(),
            message: error.to_string().trim().replace('\n', " "),
        })?;
        let mut entries: Vec<(Spanned<String>, Spanned<Value>)> =
            document.limits.into_iter().collect();
        entries.sort_by_key(|(key, _)| key.span().start);
        let mut limits = Limits::default();
        for (key, value) in &entries {
            let name = key.get_ref().as_str();
            let line = line_of(text, key.span().start);
            let Some(known) = LIMIT_KEYS.iter().find(|known| known.name == name) else {
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
                return Err(SettingsError::UnknownKey {
                    file: self.file.to_string(),
                    line,
                    key: format!("limits.{name}"),
                    hint,
                    known: LIMIT_KEYS
                        .iter()
                        .map(|known| format!("limits.{}", known.name))
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            };
            let entry = Entry {
                file: self.file,
                line,
                key: &format!("limits.{name}"),
                value: value.get_ref(),
                folder: self.folder,
            };
            let number = match known.kind {
                LimitKind::Bytes => entry.size()?,
                LimitKind::Cells => entry.count(
                    &format!("a whole number of cells, from 1 to {EXCEL_CELLS} (Excel's whole grid)"),
                    EXCEL_CELLS,
                )?,
                LimitKind::Columns => entry.count(
                    &format!("a whole number of columns, from 1 to {EXCEL_COLUMNS} (Excel's last column, XFD)"),
                    u64::from(EXCEL_COLUMNS),
                )?,
            };
            limits.set(name, number);
        }
        Ok(limits)
    }

    /// A size in bytes: a whole number, or a text with a unit (`"256 MiB"`).
    fn size(&self) -> Result<u64, SettingsError> {
        const EXPECTED: &str = "a size: a whole number of bytes, or a text such as \"256 MiB\" (B, KiB, MiB, GiB, TiB; KB, MB, GB, TB count in thousands), at least 1 byte";
        match self.value {
            Value::Integer(bytes) if *bytes >= 1 => {
                u64::try_from(*bytes).map_err(|_| self.wrong(EXPECTED))
            }
            Value::String(text) => parse_size(text).ok_or_else(|| self.wrong(EXPECTED)),
            _ => Err(self.wrong(EXPECTED)),
        }
    }

    /// A whole number from 1 to `most`.
    fn count(&self, expected: &str, most: u64) -> Result<u64, SettingsError> {
        match self.value {
            Value::Integer(count) if *count >= 1 => u64::try_from(*count)
                .ok()
                .filter(|count| *count <= most)
                .ok_or_else(|| self.wrong(expected)),
            _ => Err(self.not_text(expected)),
        }
    }

    fn evidence(&self) -> Result<Evidence, SettingsError> {
        const EXPECTED: &str = "`true`, `false` or a folder for the evidence packs (relative to the configuration file's folder)";
        match self.value {
            Value::Boolean(true) => Ok(Evidence::On(None)),
            Value::Boolean(false) => Ok(Evidence::Off),
            Value::String(_) => Ok(Evidence::On(Some(self.anchored(&self.text(EXPECTED)?)))),
            _ => Err(self.wrong(EXPECTED)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(text: &str) -> Result<Settings, SettingsError> {
        parse(Path::new("/nowhere/audit.toml"), text)
    }

    fn error(text: &str) -> String {
        settings(text).unwrap_err().to_string()
    }

    #[test]
    fn values_are_read_and_paths_anchored_at_the_file() {
        let read = settings(
            "as_of = \"last-month-end\"\nout = \"out\"\nfail_on = \"error\"\nfail_on_new = true\nbaseline = \"/var/prev/findings.json\"\nlang = \"zh\"\nthreads = 2\nevidence = \"packs\"\nquiet = true\nlog_format = \"json\"\nformat = \"aliyun\"\n",
        )
        .unwrap();
        assert_eq!(read.as_of.as_deref(), Some("last-month-end"));
        assert_eq!(read.out, Some(PathBuf::from("/nowhere/out")));
        assert_eq!(read.fail_on, Some(FailOn::Error));
        assert_eq!(read.fail_on_new, Some(true));
        assert_eq!(
            read.baseline,
            Some(PathBuf::from("/var/prev/findings.json"))
        );
        assert_eq!(read.lang, Some(Lang::Zh));
        assert_eq!(read.threads, Some(2));
        assert_eq!(
            read.evidence,
            Some(Evidence::On(Some(PathBuf::from("/nowhere/packs"))))
        );
        assert_eq!(read.quiet, Some(true));
        assert_eq!(read.log_format, Some(LogFormat::Json));
        assert_eq!(read.format.as_deref(), Some("aliyun"));
    }

    #[test]
    fn a_bare_toml_date_is_an_as_of_date() {
        let read = settings("as_of = 2026-06-30\n").unwrap();
        assert_eq!(read.as_of.as_deref(), Some("2026-06-30"));
    }

    #[test]
    fn an_unknown_key_names_the_file_line_and_key() {
        let message = error("out = \"x\"\nas-of = \"today\"\n");
        assert!(message.contains("/nowhere/audit.toml:2"), "{message}");
        assert!(message.contains("as-of"), "{message}");
        assert!(message.contains("did you mean `as_of`?"), "{message}");
        assert!(message.contains("contracts, billing"), "{message}");
    }

    #[test]
    fn bad_values_say_what_was_expected() {
        let message = error("as_of = \"last-monday\"\n");
        assert!(
            message.contains("as_of: expected a date such as 2026-06-30"),
            "{message}"
        );
        assert!(message.contains("`last-monday`"), "{message}");
        let message = error("threads = 0\n");
        assert!(
            message.contains("threads: expected a whole number"),
            "{message}"
        );
        let message = error("threads = \"two\"\n");
        assert!(message.contains("found the text \"two\""), "{message}");
        let message = error("quiet = \"yes\"\n");
        assert!(
            message.contains("quiet: expected `true` or `false`, found the text \"yes\""),
            "{message}"
        );
        let message = error("fail_on = \"fatal\"\n");
        assert!(
            message.contains("fail_on: expected `info`, `warning` or `error`"),
            "{message}"
        );
        let message = error("evidence = 3\n");
        assert!(
            message.contains("evidence: expected `true`, `false`"),
            "{message}"
        );
        let message = error("billing = []\n");
        assert!(
            message.contains("billing: expected a path or glob"),
            "{message}"
        );
        let message = error("billing = \"no-such-folder\"\n");
        assert!(message.contains("does not exist"), "{message}");
        let message = error("[billing]\nx = 1\n");
        assert!(message.contains("found a table"), "{message}");
    }

    #[test]
    fn limits_take_sizes_with_units_and_counts_on_top_of_the_defaults() {
        let read = settings(
            "quiet = true\n\n[limits]\nwhole_workbook_size = \"64 MiB\"\nzip_member_size = 1_048_576\nsheet_cells = 1000\nsheet_columns = 16384\nxml_token_size = \"1.5 MB\"\n",
        )
        .unwrap();
        assert_eq!(
            read.limits,
            Some(Limits {
                whole_workbook_bytes: 64 << 20,
                zip_member_bytes: 1 << 20,
                sheet_cells: 1000,
                sheet_columns: 16_384,
                xml_token_bytes: 1_500_000,
                ..Limits::DEFAULT
            })
        );
        assert_eq!(
            settings("[limits]\n").unwrap().limits,
            Some(Limits::DEFAULT)
        );
        assert_eq!(settings("quiet = true\n").unwrap().limits, None);
        let inline = settings("limits = { sheet_cells = 7 }\n").unwrap();
        assert_eq!(inline.limits.unwrap().sheet_cells, 7);
    }

    #[test]
    fn a_bad_limit_names_the_file_line_and_key() {
        let message = error("out = \"x\"\n[limits]\nsheet_cells = 5\nmax_columns = 2048\n");
        assert_eq!(
            message,
            "/nowhere/audit.toml:4: limits.max_columns: unknown key (did you mean `limits.sheet_columns`?); expected one of: limits.whole_workbook_size, limits.streamed_workbook_size, limits.workbook_part_size, limits.sheet_part_size, limits.shared_strings_size, limits.xml_token_size, limits.zip_member_size, limits.sheet_cells, limits.sheet_columns"
        );
        let message = error("[limits]\nwhole_workbook_bytes = 5\n");
        assert!(
            message.contains("did you mean `limits.whole_workbook_size`?"),
            "{message}"
        );
        let message = error("[limits]\n\nwhole_workbook_size = \"256 megs\"\n");
        assert!(
            message.starts_with("/nowhere/audit.toml:3: limits.whole_workbook_size: expected a size: a whole number of bytes, or a text such as \"256 MiB\""),
            "{message}"
        );
        assert!(message.ends_with("found `256 megs`"), "{message}");
        let message = error("[limits]\nsheet_columns = 20000\n");
        assert!(
            message.contains(
                ":2: limits.sheet_columns: expected a whole number of columns, from 1 to 16384"
            ),
            "{message}"
        );
        let message = error("[limits]\nsheet_cells = \"5\"\n");
        assert!(message.contains("found the text \"5\""), "{message}");
        let message = error("[limits]\nzip_member_size = 0\n");
        assert!(message.contains("at least 1 byte, found `0`"), "{message}");
        let message = error("limits = 5\n");
        assert!(
            message.contains(":1: limits: expected a table of limits"),
            "{message}"
        );
    }

    #[test]
    fn a_syntax_error_names_the_file() {
        let message = error("contracts = \n");
        assert!(
            message.starts_with("/nowhere/audit.toml: expected a TOML file"),
            "{message}"
        );
    }

    #[test]
    fn the_command_line_wins_over_the_file() {
        let file = Settings {
            as_of: Some("today".into()),
            out: Some("/f/out".into()),
            billing: vec!["/f/b1.csv".into()],
            payouts: vec!["/f/p.csv".into()],
            fail_on_new: Some(true),
            evidence: Some(Evidence::On(None)),
            threads: Some(4),
            ..Settings::default()
        };
        let args = RunArgs {
            as_of: Some("2026-06-30".into()),
            billing: vec!["cli.csv".into()],
            no_fail_on_new: true,
            no_evidence: true,
            ..RunArgs::default()
        };
        let merged = merge(args, file);
        assert_eq!(merged.as_of.as_deref(), Some("2026-06-30"));
        assert_eq!(merged.out, Some(PathBuf::from("/f/out")));
        assert_eq!(merged.billing, vec![PathBuf::from("cli.csv")]);
        assert_eq!(merged.payouts, vec![PathBuf::from("/f/p.csv")]);
        assert!(!merged.fail_on_new);
        assert_eq!(merged.evidence, None);
        assert_eq!(merged.threads, Some(4));
        assert!(merged.config.is_none());
    }

    #[test]
    fn globs_match_input_files_in_sorted_order() {
        let folder = tempfile::tempdir().unwrap();
        for name in [
            "b-2.csv",
            "a-10.csv",
            "a-2.csv",
            "notes.txt",
            ".hidden.csv",
            "~$lock.csv",
        ] {
            std::fs::write(folder.path().join(name), "x").unwrap();
        }
        std::fs::create_dir_all(folder.path().join("sub/deep")).unwrap();
        std::fs::write(folder.path().join("sub/deep/c.xlsx"), "x").unwrap();
        let file = folder.path().join("audit.toml");
        let read = parse(
            &file,
            "billing = [\"*.csv\", \"**/*.xlsx\"]\npayouts = \"*\"\n",
        )
        .unwrap();
        let names: Vec<String> = read
            .billing
            .iter()
            .map(|path| {
                path.strip_prefix(folder.path())
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(names, ["a-10.csv", "a-2.csv", "b-2.csv", "sub/deep/c.xlsx"]);
        // A bare `*` takes input files and folders, never notes or the file itself.
        let names: Vec<String> = read
            .payouts
            .iter()
            .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a-10.csv", "a-2.csv", "b-2.csv", "sub"]);
        let message = parse(&file, "billing = \"*.ods\"\n")
            .unwrap_err()
            .to_string();
        assert!(message.contains("matches no .csv"), "{message}");
    }
}
