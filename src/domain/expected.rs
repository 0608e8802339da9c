//! Why an input row could not be read, as facts: what a cell should have held (a kind of
//! value the reports can name in each language) and what it held. The English text of
//! each expectation travels with it, unchanged, for logs and findings.json; a report in
//! another language words the kind itself.

use std::borrow::Cow;
use std::fmt;

/// The kinds of value a column accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An amount of money (`1,234.50`, `(1,234.50)`).
    Amount,
    /// A number (`1.2`).
    Number,
    /// A whole number (`30`).
    WholeNumber,
    /// A date.
    Date,
    /// A month.
    Month,
    /// A settlement period (month, quarter, year or date).
    Period,
    /// A time range whose end is not before its start.
    RangeOrder,
    /// A rate (`22%`, `0.22`).
    Rate,
    /// A rate or points (`10pt`).
    RateOrPoints,
    /// A rate that is not negative.
    NonNegativeRate,
    /// An installment's portion (`40%`, `10pt`, `rest`).
    Portion,
    /// A portion above 0% and at most 100%.
    PortionRange,
    /// A positive number of points.
    Points,
    /// An ISO currency code.
    Currency,
    /// A billing account id.
    AccountId,
    /// A product name.
    Product,
    /// A charge date, when the export has no billing-month column.
    ChargeDate,
    /// A payout id.
    PayoutId,
    /// A contract id.
    ContractId,
    /// An installment number of 1 or more.
    Installment,
    /// Anything else: only its English text says it.
    Other,
}

/// What a cell should have held: its kind, and the English text that says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// The kind of value.
    pub kind: Kind,
    /// The English text (`an amount such as 1,234.50 or (1,234.50)`).
    pub english: Cow<'static, str>,
}

impl Expected {
    /// A kind with its English text.
    pub const fn new(kind: Kind, english: &'static str) -> Expected {
        Expected {
            kind,
            english: Cow::Borrowed(english),
        }
    }
}

impl From<&'static str> for Expected {
    fn from(english: &'static str) -> Expected {
        Expected::new(Kind::Other, english)
    }
}

impl From<String> for Expected {
    fn from(english: String) -> Expected {
        Expected {
            kind: Kind::Other,
            english: Cow::Owned(english),
        }
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.english)
    }
}

/// Why a row (or a cell) could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowReason {
    /// A cell that does not hold what its column needs.
    Cell {
        /// What it should hold.
        expected: Expected,
        /// What it holds, quoted (`` `abc` ``) or `(empty)`.
        found: String,
    },
    /// A contract workbook (or folder) without its contracts or tiers sheet.
    NoSheet {
        /// Which: `contracts` or `tiers`.
        sheet: &'static str,
        /// Its Chinese name (`合同`, `阶梯`), when it has one.
        alias: Option<&'static str>,
        /// Whether the contracts are a folder of CSV files.
        folder: bool,
        /// The sheets or files there are instead.
        others: Vec<String>,
    },
    /// A reason said in English only.
    Text(String),
}

impl RowReason {
    /// Whether the cell was empty.
    pub fn found_empty(&self) -> bool {
        matches!(self, RowReason::Cell { found, .. } if found == EMPTY)
    }
}

/// How an empty cell is quoted.
pub const EMPTY: &str = "(empty)";

impl From<String> for RowReason {
    fn from(text: String) -> RowReason {
        RowReason::Text(text)
    }
}

impl From<&str> for RowReason {
    fn from(text: &str) -> RowReason {
        RowReason::Text(text.to_string())
    }
}

impl fmt::Display for RowReason {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowReason::Cell { expected, found } => {
                write!(formatter, "expected {expected}, found {found}")
            }
            RowReason::NoSheet {
                sheet,
                alias,
                folder,
                others,
            } => {
                let aliases = alias.map_or(String::new(), |alias| format!(" (or `{alias}`)"));
                match (*sheet, folder) {
                    ("contracts", true) => write!(
                        formatter,
                        "no contracts found: expected a file `contracts.csv`"
                    )?,
                    ("contracts", false) => write!(
                        formatter,
                        "no contracts found: expected a sheet named `contracts`{aliases}"
                    )?,
                    _ => write!(
                        formatter,
                        "no tier table found: expected a sheet (or CSV) named `{sheet}`{aliases}"
                    )?,
                }
                if !others.is_empty() {
                    let listed: Vec<String> =
                        others.iter().map(|other| format!("`{other}`")).collect();
                    write!(
                        formatter,
                        "; {} {}",
                        if *folder {
                            "the folder has"
                        } else {
                            "the workbook has the sheets"
                        },
                        listed.join(", ")
                    )?;
                }
                Ok(())
            }
            RowReason::Text(text) => formatter.write_str(text),
        }
    }
}

/// Why a command could not run (exit status 2), as facts a report words in its language.
/// Only the refusals people meet most are typed; the rest keep their English sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Required inputs given neither on the command line nor in `--config`: all of them.
    Required {
        /// Each missing option and its key in `audit.toml`.
        missing: Vec<(&'static str, &'static str)>,
    },
    /// A path does not exist.
    Missing {
        /// The option.
        option: &'static str,
        /// The path.
        path: String,
    },
    /// A folder holds no readable file.
    Empty {
        /// The option.
        option: &'static str,
        /// The path.
        path: String,
    },
    /// `--as-of` is not a date or a rule.
    AsOf {
        /// What was given.
        found: String,
    },
    /// `--fail-on-new` without a baseline.
    FailOnNewWithoutBaseline,
    /// `--threads 0`.
    Threads,
    /// The contract workbook's problems: each place and why.
    Contracts(Vec<(String, RowReason)>),
    /// Payout ledgers or billing tables that lack a required column: each header row and
    /// its English sentence.
    Tables {
        /// Payout ledgers (else billing exports).
        ledgers: bool,
        /// The problems.
        problems: Vec<(String, String)>,
    },
    /// The output folder is in use by another run.
    Locked {
        /// The lock file.
        lock: String,
        /// The folder it guards.
        folder: String,
        /// `pid N, started …` as the lock file says.
        holder: String,
    },
    /// `explain --contract` names no contract of the workbook.
    UnknownContract {
        /// The id asked for.
        id: String,
        /// The ids the workbook has, comma-separated.
        known: String,
    },
    /// `explain --period` is not a month, quarter or year.
    Period {
        /// What was given.
        found: String,
    },
    /// No settlement period of the contract overlaps `explain --period`.
    NoPeriod {
        /// The contract.
        id: String,
        /// The period asked for.
        period: String,
        /// The contract's first and last day.
        term: (chrono::NaiveDate, chrono::NaiveDate),
    },
    /// Anything else, in English.
    Other(String),
}

impl std::ops::Deref for Expected {
    type Target = str;

    fn deref(&self) -> &str {
        &self.english
    }
}

impl PartialEq<&str> for Expected {
    fn eq(&self, other: &&str) -> bool {
        self.english == *other
    }
}

impl PartialEq<str> for Expected {
    fn eq(&self, other: &str) -> bool {
        self.english == other
    }
}

// Tests compare a reason with its English text; nothing else compares reasons.
#[allow(clippy::cmp_owned)]
impl PartialEq<&str> for RowReason {
    fn eq(&self, other: &&str) -> bool {
        self.to_string() == *other
    }
}

impl RowReason {
    /// Whether its English text contains `part` (for tests and logs).
    pub fn contains(&self, part: &str) -> bool {
        self.to_string().contains(part)
    }
}

impl PartialEq<String> for Expected {
    fn eq(&self, other: &String) -> bool {
        self.english == other.as_str()
    }
}

#[allow(clippy::cmp_owned)]
impl PartialEq<String> for RowReason {
    fn eq(&self, other: &String) -> bool {
        self.to_string() == *other
    }
}
