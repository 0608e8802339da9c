//! The starter kit `rebate-audit init` writes: a contract workbook with one worked example
//! and a README sheet, an empty payout ledger, a sample bill and a commented `audit.toml`.
//!
//! The kit is plain data first ([`Plan`]): its sheets and headers are the readers' own
//! lists (`ingest::contracts::SheetKind::columns`, `ingest::payouts::COLUMNS`), its
//! dropdowns the words the readers accept (`domain::contract`'s `SPELLINGS`, the rulesets'
//! names), its `audit.toml` keys the settings' `KEYS` and `LIMIT_KEYS` — so nothing in it
//! can drift from what `run` reads. The words people read come from
//! `report::i18n::kit`. `xlsx` then writes the workbooks, `toml` the settings file.

mod example;
mod toml;
mod xlsx;

#[cfg(test)]
mod tests;

use crate::domain::contract::{
    Base, InvoiceKind, PayoutKind, Settlement, TierBasis, TierMode, Trigger,
};
use crate::domain::lang::Lang;
use crate::ingest::contracts::{SheetKind, known_providers};
use crate::ingest::header::ColumnSpec;
use crate::report::i18n::kit::{ColumnHelp, KitSentences, kit};
use crate::ruleset::Rulesets;
use chrono::NaiveDate;

pub use toml::audit_toml;

/// The kit's files, relative to its folder, in the order they are written.
pub const FILES: [&str; 4] = [
    "contracts.xlsx",
    "payouts.xlsx",
    "billing/sample.csv",
    "audit.toml",
];

/// The currencies the `currency` dropdowns offer: the usual ones of a reseller's
/// contracts. Any other ISO code is read too (the dropdown warns, it does not refuse).
pub const CURRENCIES: [&str; 7] = ["CNY", "USD", "HKD", "EUR", "JPY", "GBP", "SGD"];

/// One file of the kit: its path in the kit's folder and its bytes.
#[derive(Debug, Clone)]
pub struct KitFile {
    /// The path, relative to the kit's folder (`/`-separated).
    pub path: &'static str,
    /// What it holds.
    pub bytes: Vec<u8>,
}

/// What a column holds, which sets its number format and its validation.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Free text.
    Text,
    /// An id, stored as text so a long number keeps every digit.
    Id,
    /// A date.
    Date,
    /// An amount; `signed` when it may be negative.
    Money {
        /// Whether a negative amount is meant (a refund).
        signed: bool,
    },
    /// A rate, at most `max` (a fraction: 1 is 100%).
    Percent {
        /// The highest rate the reader takes.
        max: f64,
        /// Decimals shown after the percent's point.
        decimals: usize,
    },
    /// A whole number from `min` to `max`.
    Whole {
        /// The lowest.
        min: i32,
        /// The highest.
        max: i32,
    },
    /// A number, 0 or more.
    Number,
    /// A closed (or, when `open`, a suggested) list of words.
    Words(Words),
}

/// A column of words: the dropdown (one word per value, in the kit's language) and every
/// spelling the reader accepts per value, for the README sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Words {
    /// The dropdown's words.
    pub choices: Vec<String>,
    /// Every accepted spelling, grouped by value (its canonical word first).
    pub spellings: Vec<Vec<String>>,
    /// Whether a word off the list is read too (another currency, a provider that takes
    /// the generic rules): the dropdown then warns instead of refusing.
    pub open: bool,
}

/// The words the rulesets in force give the `provider` and `ruleset` columns.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// What the `provider` column takes as a ruleset's ([`known_providers`]).
    pub providers: Vec<String>,
    /// The ruleset names.
    pub rulesets: Vec<String>,
}

impl Vocabulary {
    /// The words of `rulesets`.
    pub fn of(rulesets: &Rulesets) -> Vocabulary {
        Vocabulary {
            providers: known_providers(rulesets)
                .into_iter()
                .map(str::to_string)
                .collect(),
            rulesets: rulesets.names().map(str::to_string).collect(),
        }
    }
}

/// One column of a kit sheet.
#[derive(Debug, Clone)]
pub struct Column {
    /// The reader's column.
    pub spec: ColumnSpec,
    /// The header the kit writes: the English name, or the Chinese alias in Chinese.
    pub header: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// What the README sheet says of it.
    pub help: ColumnHelp,
}

/// A cell of the worked example.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// A number (an amount, a rate as a fraction, a count).
    Number(f64),
    /// A date.
    Date(NaiveDate),
}

/// One sheet of a kit workbook.
#[derive(Debug, Clone)]
pub struct SheetPlan {
    /// The sheet's name in the kit's language.
    pub name: &'static str,
    /// The sheet's English name (`contracts`, …, `payouts` for the ledger), the key of its
    /// columns' help.
    pub key: &'static str,
    /// Its columns, in the reader's order.
    pub columns: Vec<Column>,
    /// The worked example's rows, a value per column.
    pub rows: Vec<Vec<Value>>,
}

/// The whole kit as data.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The kit's language.
    pub lang: Lang,
    /// The contract workbook's four sheets.
    pub contracts: Vec<SheetPlan>,
    /// The payout ledger's sheet.
    pub payouts: SheetPlan,
}

/// Every spelling of a word list, grouped by value, the canonical word first.
fn groups<T: PartialEq + Copy>(spellings: &[(&'static str, T)]) -> Vec<Vec<String>> {
    let mut values: Vec<(T, Vec<String>)> = Vec::new();
    for (word, value) in spellings {
        match values.iter_mut().find(|(known, _)| known == value) {
            Some((_, words)) => words.push((*word).to_string()),
            None => values.push((*value, vec![(*word).to_string()])),
        }
    }
    values.into_iter().map(|(_, words)| words).collect()
}

/// The word a value shows in the dropdown: the canonical (English) word, or in Chinese the
/// longest Chinese spelling (the most explicit: 全额累进 rather than 全额), the first of
/// equal length.
fn choice(group: &[String], lang: Lang) -> String {
    let canonical = &group[0];
    if lang == Lang::En {
        return canonical.clone();
    }
    let mut best: Option<&String> = None;
    for word in group.iter().filter(|word| !word.is_ascii()) {
        if best.is_none_or(|best| word.chars().count() > best.chars().count()) {
            best = Some(word);
        }
    }
    best.unwrap_or(canonical).clone()
}

fn words<T: PartialEq + Copy>(spellings: &[(&'static str, T)], lang: Lang) -> Kind {
    let spellings = groups(spellings);
    Kind::Words(Words {
        choices: spellings.iter().map(|group| choice(group, lang)).collect(),
        spellings,
        open: false,
    })
}

fn listed(list: &[String], open: bool) -> Kind {
    Kind::Words(Words {
        choices: list.to_vec(),
        spellings: list.iter().map(|word| vec![word.clone()]).collect(),
        open,
    })
}

/// What a column of a sheet holds. A column the kit does not know is text (a test checks
/// every column has help, so a new column is noticed).
fn kind(sheet: &str, column: &str, lang: Lang, vocabulary: &Vocabulary) -> Kind {
    let money = Kind::Money { signed: false };
    let rate = Kind::Percent {
        max: 1.0,
        decimals: 2,
    };
    match (sheet, column) {
        (_, "contract_id" | "accounts" | "agent_tax_id" | "payout_id" | "period")
        | (_, "invoice_no" | "invoice_issuer" | "reference") => Kind::Id,
        (_, "start" | "end" | "renewed_on" | "paid_on" | "invoice_date") => Kind::Date,
        (_, "cap" | "from" | "to") => money,
        ("payouts", "amount" | "invoice_amount") => Kind::Money { signed: true },
        (_, "rate" | "tax_rate" | "invoice_tax_rate" | "portion") => rate,
        (_, "late_interest") => Kind::Percent {
            max: 0.01,
            decimals: 3,
        },
        (_, "due_days" | "grace_days") => Kind::Whole { min: 0, max: 3650 },
        ("schedule", "installment") => Kind::Whole { min: 1, max: 100 },
        ("payouts", "installment") => Kind::Whole {
            min: 1,
            max: i32::MAX,
        },
        (_, "coefficient") => Kind::Number,
        (_, "currency") => listed(&CURRENCIES.map(str::to_string), true),
        (_, "provider") => listed(&vocabulary.providers, true),
        (_, "ruleset") => listed(&vocabulary.rulesets, false),
        (_, "base") => words(Base::SPELLINGS, lang),
        (_, "tier_basis") => words(TierBasis::SPELLINGS, lang),
        (_, "tier_mode") => words(TierMode::SPELLINGS, lang),
        (_, "settlement") => words(Settlement::SPELLINGS, lang),
        (_, "invoice" | "invoice_type") => words(InvoiceKind::SPELLINGS, lang),
        (_, "payout_kind" | "kind") => words(PayoutKind::SPELLINGS, lang),
        (_, "trigger") => words(Trigger::SPELLINGS, lang),
        ("amendments", "effective_from") => Kind::Date,
        ("amendments", "change") => words(crate::domain::amendment::Change::SPELLINGS, lang),
        ("amendments", "retroactive") => {
            words(crate::domain::amendment::Retroactive::SPELLINGS, lang)
        }
        ("contracts", "clawback") => words(crate::domain::clawback::ClawbackRule::SPELLINGS, lang),
        _ => Kind::Text,
    }
}

/// A header in the kit's language: the English name, or the column's first Chinese alias.
fn header(spec: &ColumnSpec, lang: Lang) -> &'static str {
    match lang {
        Lang::En => spec.name,
        Lang::Zh => spec
            .aliases
            .iter()
            .copied()
            .find(|alias| !alias.is_ascii())
            .unwrap_or(spec.name),
    }
}

/// A sheet name in the kit's language: the English name, or the first Chinese one.
fn sheet_name(kind: SheetKind, lang: Lang) -> &'static str {
    match lang {
        Lang::En => kind.name(),
        Lang::Zh => kind
            .names()
            .iter()
            .copied()
            .find(|name| !name.is_ascii())
            .unwrap_or(kind.name()),
    }
}

/// A sheet's columns in the kit's language, with their kinds and help. A column the
/// sentences do not explain gets an empty help (a test checks there is none).
fn columns(
    key: &str,
    specs: &'static [ColumnSpec],
    lang: Lang,
    vocabulary: &Vocabulary,
) -> Vec<Column> {
    let sentences = kit(lang);
    specs
        .iter()
        .map(|spec| Column {
            spec: *spec,
            header: header(spec, lang),
            kind: kind(key, spec.name, lang, vocabulary),
            help: sentences.column(key, spec.name).unwrap_or(ColumnHelp {
                meaning: "",
                accepted: "",
                example: "",
            }),
        })
        .collect()
}

impl Plan {
    /// The kit in `lang`, its provider and ruleset words from `vocabulary`.
    pub fn new(lang: Lang, vocabulary: &Vocabulary) -> Plan {
        let contracts = SheetKind::ALL
            .into_iter()
            .map(|sheet| {
                let key = sheet.name();
                let columns = columns(key, sheet.columns(), lang, vocabulary);
                let rows = example::rows(key, &columns, lang);
                SheetPlan {
                    name: sheet_name(sheet, lang),
                    key,
                    columns,
                    rows,
                }
            })
            .collect();
        let payouts = SheetPlan {
            name: kit(lang).ledger_sheet(),
            key: "payouts",
            columns: columns(
                "payouts",
                &crate::ingest::payouts::COLUMNS,
                lang,
                vocabulary,
            ),
            rows: Vec::new(),
        };
        Plan {
            lang,
            contracts,
            payouts,
        }
    }

    /// The sentences of the kit's language.
    pub fn sentences(&self) -> &'static dyn KitSentences {
        kit(self.lang)
    }
}

/// Every file of the kit in `lang`, in [`FILES`] order.
///
/// # Errors
/// When a workbook cannot be assembled (a dropdown over Excel's 255 characters).
pub fn build(
    lang: Lang,
    vocabulary: &Vocabulary,
) -> Result<Vec<KitFile>, rust_xlsxwriter::XlsxError> {
    let plan = Plan::new(lang, vocabulary);
    Ok(vec![
        KitFile {
            path: FILES[0],
            bytes: xlsx::contract_book(&plan)?,
        },
        KitFile {
            path: FILES[1],
            bytes: xlsx::ledger(&plan)?,
        },
        KitFile {
            path: FILES[2],
            bytes: example::SAMPLE_BILL.as_bytes().to_vec(),
        },
        KitFile {
            path: FILES[3],
            bytes: audit_toml(lang).into_bytes(),
        },
    ])
}
