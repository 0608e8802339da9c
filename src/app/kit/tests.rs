//! The kit's plan against the readers' lists: every column explained in both languages,
//! every dropdown word read back as its own value, every header found by the reader, every
//! `audit.toml` key there and the file (and the file with every `#` key uncommented) a
//! valid configuration.

use super::*;
use crate::app::settings::{self, KEYS};
use crate::ingest::cell::Cell;
use crate::ingest::header::ColumnMap;
use crate::ingest::table::{LIMIT_KEYS, Limits};
use std::path::Path;

fn vocabulary() -> Vocabulary {
    Vocabulary::of(&crate::ruleset::Rulesets::load(None).expect("the built-in rulesets load"))
}

fn plans() -> Vec<Plan> {
    [Lang::En, Lang::Zh]
        .into_iter()
        .map(|lang| Plan::new(lang, &vocabulary()))
        .collect()
}

fn sheets(plan: &Plan) -> Vec<&SheetPlan> {
    plan.contracts
        .iter()
        .chain(std::iter::once(&plan.payouts))
        .collect()
}

/// The value a word of a column reads as, by the reader's own function for that column
/// (`None`: the reader refuses the word).
fn reads_as(column: &str, word: &str) -> Option<String> {
    let vocabulary = vocabulary();
    match column {
        "base" => Base::from_word(word).map(|value| value.word().to_string()),
        "tier_basis" => TierBasis::from_word(word).map(|value| value.word().to_string()),
        "tier_mode" => TierMode::from_word(word).map(|value| value.word().to_string()),
        "settlement" => Settlement::from_word(word).map(|value| value.word().to_string()),
        "invoice" | "invoice_type" => {
            InvoiceKind::from_word(word).map(|value| value.word().to_string())
        }
        "payout_kind" | "kind" => PayoutKind::from_word(word).map(|value| value.word().to_string()),
        "trigger" => Trigger::from_word(word).map(|value| value.word().to_string()),
        "clawback" => crate::domain::clawback::ClawbackRule::from_word(word)
            .map(|value| value.word().to_string()),
        "currency" => {
            crate::domain::currency::normalize_currency(word).map(|code| code.into_owned())
        }
        "provider" => vocabulary
            .providers
            .iter()
            .find(|known| crate::domain::words::same_word(known, word))
            .cloned(),
        "ruleset" => vocabulary
            .rulesets
            .iter()
            .find(|known| *known == word)
            .cloned(),
        "change" => {
            crate::domain::amendment::Change::from_word(word).map(|value| value.word().to_string())
        }
        "retroactive" => crate::domain::amendment::Retroactive::from_word(word)
            .map(|value| value.word().to_string()),
        other => panic!("no reader known for the word column `{other}`"),
    }
}

#[test]
fn every_column_of_every_sheet_is_explained_in_both_languages() {
    for plan in plans() {
        for sheet in sheets(&plan) {
            for column in &sheet.columns {
                assert!(
                    !column.help.meaning.is_empty() && !column.help.accepted.is_empty(),
                    "{:?}: {}:{} has no help",
                    plan.lang,
                    sheet.key,
                    column.spec.name
                );
            }
        }
    }
}

#[test]
fn every_dropdown_word_is_read_back_as_its_own_value() {
    for plan in plans() {
        for sheet in sheets(&plan) {
            for column in &sheet.columns {
                let Kind::Words(words) = &column.kind else {
                    continue;
                };
                assert_eq!(words.choices.len(), words.spellings.len());
                let mut values = Vec::new();
                for (choice, group) in words.choices.iter().zip(&words.spellings) {
                    let value = reads_as(column.spec.name, choice).unwrap_or_else(|| {
                        panic!("{}:{}: `{choice}` is not read", sheet.key, column.spec.name)
                    });
                    assert_eq!(
                        reads_as(column.spec.name, &group[0]).as_deref(),
                        Some(value.as_str()),
                        "{}: `{choice}` reads as another value than `{}`",
                        column.spec.name,
                        group[0]
                    );
                    for spelling in group {
                        assert_eq!(reads_as(column.spec.name, spelling), Some(value.clone()));
                    }
                    values.push(value);
                }
                let count = values.len();
                values.sort();
                values.dedup();
                assert_eq!(
                    values.len(),
                    count,
                    "{}: two words of one value",
                    column.spec.name
                );
                if !column.help.example.is_empty() {
                    assert!(
                        reads_as(column.spec.name, column.help.example).is_some(),
                        "{:?} {}: the README's example `{}` is not read",
                        plan.lang,
                        column.spec.name,
                        column.help.example
                    );
                }
            }
        }
    }
}

#[test]
fn chinese_dropdowns_are_chinese_and_the_most_explicit_spelling() {
    let plan = Plan::new(Lang::Zh, &vocabulary());
    let mode = plan.contracts[0]
        .columns
        .iter()
        .find(|column| column.spec.name == "tier_mode")
        .unwrap();
    let Kind::Words(words) = &mode.kind else {
        panic!("tier_mode is a column of words")
    };
    assert_eq!(words.choices, ["全额累进", "超额累进"]);
    assert_eq!(plan.contracts[0].columns[0].header, "合同编号");
    assert_eq!(plan.contracts[1].name, "阶梯");
    let english = Plan::new(Lang::En, &vocabulary());
    assert_eq!(english.contracts[1].name, "tiers");
}

#[test]
fn every_header_of_the_kit_is_found_by_the_reader() {
    for plan in plans() {
        for sheet in sheets(&plan) {
            let header: Vec<Cell> = sheet
                .columns
                .iter()
                .map(|column| Cell::Text(column.header.to_string()))
                .collect();
            let specs: Vec<ColumnSpec> = sheet.columns.iter().map(|column| column.spec).collect();
            let map = ColumnMap::new(&header, &specs).expect("every required column found");
            for (index, spec) in specs.iter().enumerate() {
                assert!(
                    map.has(index),
                    "{:?} {}: {}",
                    plan.lang,
                    sheet.key,
                    spec.name
                );
            }
        }
    }
}

#[test]
fn the_example_rows_hold_a_value_per_column() {
    for plan in plans() {
        let contracts = &plan.contracts[0];
        assert_eq!(contracts.rows.len(), 1);
        assert_eq!(contracts.rows[0].len(), contracts.columns.len());
        assert_eq!(plan.contracts[1].rows.len(), 2);
        assert!(plan.payouts.rows.is_empty());
    }
}

/// The kit's `audit.toml` with every commented-out `key = value` line set.
fn uncommented(text: &str) -> String {
    text.lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(rest)
                if rest.split_once(" = ").is_some_and(|(key, _)| {
                    key.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                }) =>
            {
                rest.split('#')
                    .next()
                    .unwrap_or(rest)
                    .trim_end()
                    .to_string()
            }
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_audit_toml_holds_every_key_and_parses_as_a_valid_configuration() {
    for lang in [Lang::En, Lang::Zh] {
        let text = audit_toml(lang);
        let file = Path::new("/kit/audit.toml");
        let read = settings::parse(file, &text).unwrap_or_else(|error| panic!("{error}\n{text}"));
        assert_eq!(
            read.contracts.unwrap().path,
            Path::new("/kit/contracts.xlsx")
        );
        assert_eq!(read.limits, Some(Limits::DEFAULT));
        for key in KEYS {
            let line = if *key == "limits" {
                "[limits]".to_string()
            } else {
                format!("{key} = ")
            };
            assert!(text.contains(&line), "{lang:?}: `{key}` missing:\n{text}");
            assert!(
                kit(lang).toml_key(key).is_some(),
                "{lang:?}: `{key}` has no comment"
            );
        }
        for key in LIMIT_KEYS {
            assert!(text.contains(&format!("# {} = ", key.name)), "{}", key.name);
            assert!(kit(lang).toml_key(key.name).is_some(), "{}", key.name);
        }
        // Every commented-out value is one the file may hold: removing a `#` never breaks it.
        let all = uncommented(&text);
        let read = settings::parse(file, &all).unwrap_or_else(|error| panic!("{error}\n{all}"));
        assert_eq!(read.threads, Some(2));
        assert_eq!(read.format.as_deref(), Some("generic"));
        assert_eq!(read.limits, Some(Limits::DEFAULT));
        assert!(!all.contains("# threads"), "{all}");
    }
}

#[test]
fn the_kit_files_are_the_listed_ones() {
    let files = build(Lang::En, &vocabulary()).unwrap();
    let paths: Vec<&str> = files.iter().map(|file| file.path).collect();
    assert_eq!(paths, FILES);
    assert!(files[0].bytes.starts_with(b"PK"));
    assert!(
        files[2].bytes.ends_with(b"\n"),
        "a CSV's last row ends with a line break"
    );
}
