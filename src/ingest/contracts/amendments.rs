//! The `amendments` sheet (`变更`, docs/INPUTS.md): one row per change of a contract's
//! terms — a new tier table (its brackets are `tiers` rows carrying the amendment's id),
//! a new end of term, a product's new coefficient, an account added or removed — from an
//! effective date, a tier table optionally retroactive to the start of its contract year.
//!
//! Everything that could make two readers compute different numbers stops the run, with
//! the cell: an amendment before the contract starts or after it ended, two changes of
//! the same thing on the same day, a tier table with no rows or rows naming no
//! amendment, a new table or coefficient taking effect inside a settlement period
//! without reaching back to its contract year (its period's volume cannot be split by
//! day), a product no name resolves, an account added twice or removed while absent.

use super::builder::{Builder, listed_product};
use super::columns::{AMENDMENT_COLUMNS, RowContext};
use super::error::ContractError;
use super::sheets::Sheet;
use super::term::last_day_of_longest_term;
use super::tiers::{BracketRow, build_tier_table};
use crate::domain::amendment::{AmendedTerms, Amendment, Change, Retroactive, applies_from};
use crate::domain::contract::Contract;
use crate::domain::location::Location;
use crate::domain::settlement::{segments, settlement_periods};
use crate::domain::words::same_word;
use crate::ingest::cell::Cell;
use crate::ingest::value;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashSet};

/// Column numbers of [`AMENDMENT_COLUMNS`].
mod column {
    pub const AMENDMENT: usize = 1;
    pub const EFFECTIVE_FROM: usize = 2;
    pub const CHANGE: usize = 3;
    pub const VALUE: usize = 4;
    pub const RETROACTIVE: usize = 5;
}

/// A move written as one change: refused with its cell, since a move is two rows (the
/// account leaves one contract and joins another), each contract's own.
const MOVE: &[&str] = &["account_move", "转移账号"];

/// The `tiers` rows that carry an amendment id, by (contract, amendment).
#[derive(Default)]
pub(super) struct AmendedTierRows {
    /// The rows read, per amendment.
    pub(super) rows: BTreeMap<(String, String), Vec<BracketRow>>,
    /// Amendments with a row that could not be read (reported): their table is not checked.
    pub(super) failed: HashSet<(String, String)>,
    /// The `amendment` cell of each amendment's first row.
    pub(super) places: BTreeMap<(String, String), Location>,
    /// Whether the `tiers` sheet itself was read: without it (reported once, as missing or
    /// unreadable) no amendment's table can be checked, and none is blamed for it.
    pub(super) sheet_read: bool,
}

/// One `amendments` row, read but not yet checked against its contract.
struct Row {
    id: String,
    effective_from: NaiveDate,
    retroactive: Retroactive,
    change: Change,
    end: Option<NaiveDate>,
    /// A `coefficient` change's product as written and its new coefficient.
    coefficient: Option<(String, Decimal)>,
    /// An `account_add`/`account_remove` change's account.
    account: Option<String>,
    location: Location,
    at_effective: Location,
    at_change: Location,
    at_value: Location,
}

impl Builder<'_> {
    /// Reads the `amendments` sheet and gives each contract its amendments (a new end
    /// applied to the contract's term), or records why it cannot.
    pub(super) fn amendments(
        &mut self,
        sheet: Option<&Sheet>,
        contracts: &mut BTreeMap<String, Contract>,
        (ids, contracts_read): (&HashSet<String>, bool),
        mut tier_rows: AmendedTierRows,
    ) {
        let mut read: BTreeMap<String, Vec<Row>> = BTreeMap::new();
        if let Some(sheet) = sheet
            && let Some((map, data)) = self.rows(sheet, &AMENDMENT_COLUMNS)
        {
            for (number, cells) in data {
                let row = RowContext {
                    map: &map,
                    specs: &AMENDMENT_COLUMNS,
                    cells,
                    location: sheet.location.at_row(*number),
                };
                let Ok(contract) = self.known_contract(&row, ids, contracts_read) else {
                    continue;
                };
                if let Some(amendment) = self.amendment_row(&row) {
                    read.entry(contract).or_default().push(amendment);
                }
            }
        }
        // A `tiers` row naming an amendment no `tiers` change declares prices nothing.
        for ((contract, amendment), place) in &tier_rows.places {
            let declared = read.get(contract).is_some_and(|rows| {
                rows.iter()
                    .any(|row| row.change == Change::Tiers && &row.id == amendment)
            });
            if !declared && ids.contains(contract) {
                self.error(
                    place.clone(),
                    format!(
                        "amendment `{amendment}` of contract `{contract}` is not in the `amendments` sheet as a `tiers` change; expected an `amendments` row with contract_id `{contract}`, amendment `{amendment}`, change `tiers`, or leave this cell empty for the contract's own table"
                    ),
                );
            }
        }
        for (id, mut rows) in read {
            let Some(contract) = contracts.get_mut(&id) else {
                continue;
            };
            rows.sort_by(|a, b| {
                (a.effective_from, &a.location.row).cmp(&(b.effective_from, &b.location.row))
            });
            if let Some(amendments) = self.check(contract, &rows, &mut tier_rows) {
                contract.end = amendments
                    .iter()
                    .filter_map(|amendment| match amendment.terms {
                        AmendedTerms::End(end) => Some(end),
                        _ => None,
                    })
                    .next_back()
                    .unwrap_or(contract.end);
                contract.amendments = amendments;
            }
        }
    }

    /// One row's cells, each problem recorded with its cell.
    fn amendment_row(&mut self, row: &RowContext<'_>) -> Option<Row> {
        let failures = self.failures;
        let id = row.text(column::AMENDMENT);
        if id.is_none() {
            self.error(
                row.at(column::AMENDMENT),
                "expected an amendment id (the number of the supplementary agreement, e.g. `A-1` or `补充协议1`), found (empty)",
            );
        }
        let effective_from = self.parse(row, column::EFFECTIVE_FROM, value::parse_date);
        let change = match row.text(column::CHANGE) {
            Some(text) if MOVE.iter().any(|word| same_word(word, &text)) => {
                self.error(
                    row.at(column::CHANGE),
                    format!(
                        "expected one of {}, found `{text}`: a move is two rows on the same date, `account_remove` in the contract the account leaves and `account_add` in the one it joins",
                        Change::WORDS.join(", ")
                    ),
                );
                None
            }
            _ => self.word(
                row,
                column::CHANGE,
                Change::from_word,
                Change::closest,
                Change::WORDS,
                None,
            ),
        };
        let retroactive = self.word(
            row,
            column::RETROACTIVE,
            Retroactive::from_word,
            Retroactive::closest,
            Retroactive::WORDS,
            Some(Retroactive::No),
        );
        let mut end = None;
        let mut coefficient = None;
        let mut account = None;
        match change {
            Some(Change::End) => {
                end = self.parse(row, column::VALUE, value::parse_date);
                if retroactive == Some(Retroactive::ContractYear) {
                    self.error(
                        row.at(column::RETROACTIVE),
                        "expected `no` for an `end` change (a new end of term reaches back to nothing), found `contract_year`",
                    );
                }
            }
            Some(Change::Tiers) => {
                if let Some(text) = row.text(column::VALUE) {
                    self.error(
                        row.at(column::VALUE),
                        format!(
                            "expected an empty `value` for a `tiers` change (its brackets are the `tiers` rows whose `amendment` is `{}`), found `{text}`",
                            id.as_deref().unwrap_or("…")
                        ),
                    );
                }
            }
            Some(Change::Coefficient) => {
                coefficient = self.coefficient_value(row);
                if retroactive == Some(Retroactive::ContractYear) {
                    self.error(
                        row.at(column::RETROACTIVE),
                        "expected `no` for a `coefficient` change, found `contract_year`: this version re-weights a product from the first day of a settlement period on, not back to the contract year; give that day as effective_from, or state the re-weighted amount as its own agreement",
                    );
                }
            }
            Some(Change::AccountAdd | Change::AccountRemove) => {
                account = row.text(column::VALUE);
                match &account {
                    None => self.error(
                        row.at(column::VALUE),
                        "expected the billing account id the change adds or removes, found (empty)",
                    ),
                    Some(text) if text.contains([',', ';', '，', '；', '、', '\n']) => self.error(
                        row.at(column::VALUE),
                        format!(
                            "expected one billing account id, found `{text}`; give each account its own row"
                        ),
                    ),
                    Some(_) => {}
                }
                if retroactive == Some(Retroactive::ContractYear) {
                    self.error(
                        row.at(column::RETROACTIVE),
                        "expected `no` for an account change, found `contract_year`: an account counts from its effective date; give the earlier date instead",
                    );
                }
            }
            None => {}
        }
        if self.failures > failures {
            return None;
        }
        Some(Row {
            id: id?,
            effective_from: effective_from?,
            retroactive: retroactive?,
            change: change?,
            end,
            coefficient,
            account,
            location: row.location.clone(),
            at_effective: row.at(column::EFFECTIVE_FROM),
            at_change: row.at(column::CHANGE),
            at_value: row.at(column::VALUE),
        })
    }

    /// A contract's amendments checked together; `None` when one is wrong (recorded).
    fn check(
        &mut self,
        contract: &Contract,
        rows: &[Row],
        tier_rows: &mut AmendedTierRows,
    ) -> Option<Vec<Amendment>> {
        let failures = self.failures;
        let contract_id = &contract.id;
        let mut end = contract.end;
        let mut amendments = Vec::with_capacity(rows.len());
        let subjects: Vec<Option<Option<String>>> =
            rows.iter().map(|row| self.subject(contract, row)).collect();
        // Whether each account belongs to the contract, as the rows so far (in date
        // order) leave it: an account added twice or removed while absent stops the run.
        let mut members: BTreeMap<&str, (bool, Option<&Row>)> = BTreeMap::new();
        for (index, row) in rows.iter().enumerate() {
            if row.effective_from < contract.start {
                self.error(
                    row.at_effective.clone(),
                    format!(
                        "amendment `{}` takes effect on {}, before contract `{contract_id}` starts ({}); expected a date from {} to {end}",
                        row.id, row.effective_from, contract.start, contract.start
                    ),
                );
                continue;
            }
            if row.effective_from > end {
                self.error(
                    row.at_effective.clone(),
                    format!(
                        "amendment `{}` takes effect on {}, after contract `{contract_id}` ended ({end}); expected a date from {} to {end} (a contract that ended is renewed, not amended)",
                        row.id, row.effective_from, contract.start
                    ),
                );
                continue;
            }
            let Some(subject) = &subjects[index] else {
                continue;
            };
            let what = match subject {
                Some(subject) => format!("`{}` of `{subject}`", row.change),
                None => format!("`{}`", row.change),
            };
            if let Some(earlier) = rows[..index].iter().enumerate().find(|(other, earlier)| {
                same_thing(row, subject, earlier, &subjects[*other])
                    && earlier.effective_from == row.effective_from
            }) {
                let earlier = earlier.1;
                self.error(
                    row.at_effective.clone(),
                    format!(
                        "amendment `{}` contradicts amendment `{}` ({}): both change {what} of contract `{contract_id}` from {}; expected one such change per day — keep one, or give the later agreement its own date",
                        row.id, earlier.id, earlier.location, row.effective_from,
                    ),
                );
                continue;
            }
            if let Some((_, earlier)) = rows[..index].iter().enumerate().find(|(other, earlier)| {
                same_thing(row, subject, earlier, &subjects[*other]) && earlier.id == row.id
            }) {
                self.error(
                    row.at_change.clone(),
                    format!(
                        "amendment `{}` changes {what} twice ({} and {}); expected one row per change — give the second change its own amendment id",
                        row.id, earlier.location, row.location
                    ),
                );
                continue;
            }
            let terms = match row.change {
                Change::End => {
                    let Some(new_end) = row.end else { continue };
                    if new_end < row.effective_from {
                        self.error(
                            row.at_value.clone(),
                            format!(
                                "expected a new end on or after the amendment's effective date {}, found {new_end}",
                                row.effective_from
                            ),
                        );
                        continue;
                    }
                    if last_day_of_longest_term(contract.start).is_some_and(|last| new_end > last) {
                        self.error(
                            row.at_value.clone(),
                            format!(
                                "expected an end within {} years of the start {}, found {new_end}",
                                super::term::MAX_TERM_YEARS,
                                contract.start
                            ),
                        );
                        continue;
                    }
                    end = new_end;
                    AmendedTerms::End(new_end)
                }
                Change::Tiers => {
                    let key = (contract_id.clone(), row.id.clone());
                    if !tier_rows.sheet_read || tier_rows.failed.contains(&key) {
                        // The sheet or a bracket could not be read (reported): the table is incomplete.
                        self.failures += 1;
                        continue;
                    }
                    let Some(brackets) = tier_rows.rows.remove(&key) else {
                        self.error(
                            row.at_change.clone(),
                            format!(
                                "amendment `{}` changes the tiers of contract `{contract_id}`, but no `tiers` row carries it; expected its brackets in the `tiers` sheet with `amendment` = `{}`",
                                row.id, row.id
                            ),
                        );
                        continue;
                    };
                    match build_tier_table(brackets) {
                        Ok(table) => AmendedTerms::Tiers(table),
                        Err((location, error)) => {
                            self.errors.push(ContractError {
                                location: location.unwrap_or_else(|| row.location.clone()),
                                message: format!(
                                    "contract `{contract_id}`, amendment `{}`: {error}",
                                    row.id
                                )
                                .into(),
                            });
                            self.failures += 1;
                            continue;
                        }
                    }
                }
                Change::Coefficient => {
                    let (Some(product), Some((_, coefficient))) = (subject, &row.coefficient)
                    else {
                        continue;
                    };
                    AmendedTerms::Coefficient {
                        product: product.clone(),
                        coefficient: *coefficient,
                    }
                }
                Change::AccountAdd | Change::AccountRemove => {
                    let Some(account) = row.account.as_deref() else {
                        continue;
                    };
                    let adds = row.change == Change::AccountAdd;
                    let (member, by) = *members.entry(account).or_insert_with(|| {
                        (
                            contract.accounts.iter().any(|listed| listed == account),
                            None,
                        )
                    });
                    if member == adds {
                        let why = match (by, member) {
                            (Some(by), true) => format!(
                                "amendment `{}` ({}) added it on {}",
                                by.id, by.location, by.effective_from
                            ),
                            (Some(by), false) => format!(
                                "amendment `{}` ({}) removed it on {}",
                                by.id, by.location, by.effective_from
                            ),
                            (None, true) => {
                                "it is listed in the contract's `accounts` cell".to_string()
                            }
                            (None, false) => {
                                "it is not listed in the contract's `accounts` cell".to_string()
                            }
                        };
                        let expected = if adds {
                            "an account the contract does not have on that day"
                        } else {
                            "an account the contract has on that day"
                        };
                        self.error(
                            row.at_value.clone(),
                            format!(
                                "account `{account}` {} contract `{contract_id}` on {}: {why}; expected {expected}",
                                if adds { "already belongs to" } else { "does not belong to" },
                                row.effective_from
                            ),
                        );
                        continue;
                    }
                    members.insert(account, (adds, Some(row)));
                    if adds {
                        AmendedTerms::AccountAdd(account.to_string())
                    } else {
                        AmendedTerms::AccountRemove(account.to_string())
                    }
                }
            };
            amendments.push(Amendment {
                id: row.id.clone(),
                effective_from: row.effective_from,
                retroactive: row.retroactive,
                applies_from: applies_from(contract.start, row.effective_from, row.retroactive),
                terms,
                source: row.location.clone(),
            });
        }
        if self.failures > failures {
            return None;
        }
        self.check_period_starts(contract, end, rows, &amendments);
        (self.failures == failures).then_some(amendments)
    }

    /// A new tier table that does not reach back to its contract year, or a new
    /// coefficient, must start a settlement period (or the part of one in a contract
    /// year): a period's volume is billed by month or more and cannot be split by day.
    fn check_period_starts(
        &mut self,
        contract: &Contract,
        end: NaiveDate,
        rows: &[Row],
        amendments: &[Amendment],
    ) {
        let mut amended = contract.clone();
        amended.end = end;
        let periods = settlement_periods(&amended);
        let pieces = segments(&amended, &periods);
        for amendment in amendments {
            let what = match (amendment.tiers(), amendment.coefficient()) {
                (Some(_), _) if amendment.retroactive == Retroactive::No => {
                    "a new tier table".to_string()
                }
                (_, Some((product, _))) => format!("a new coefficient of `{product}`"),
                _ => continue,
            };
            let or_retroactive = if amendment.tiers().is_some() {
                ", or retroactive `contract_year`"
            } else {
                ""
            };
            let day = amendment.effective_from;
            let Some(piece) = pieces.iter().find(|piece| piece.range.contains(day)) else {
                continue;
            };
            if piece.range.first == day {
                continue;
            }
            let next = piece
                .range
                .last
                .succ_opt()
                .map_or_else(String::new, |next| format!(" or {next}"));
            let at = rows
                .iter()
                .find(|row| row.location == amendment.source)
                .map_or_else(|| amendment.source.clone(), |row| row.at_effective.clone());
            self.error(
                at,
                format!(
                    "amendment `{}` brings in {what} on {day}, inside the settlement period {} to {}, whose volume cannot be split by day; expected {}{next}{or_retroactive}",
                    amendment.id, piece.range.first, piece.range.last, piece.range.first
                ),
            );
        }
    }

    /// What a row changes, beyond its kind: a `coefficient` change's product (its
    /// canonical name, resolved as the `products` sheet resolves names), an account
    /// change's account, nothing else; `None` when the product resolves to nothing
    /// (recorded).
    fn subject(&mut self, contract: &Contract, row: &Row) -> Option<Option<String>> {
        if let Some(account) = &row.account {
            return Some(Some(account.clone()));
        }
        let Some((product, _)) = &row.coefficient else {
            return Some(None);
        };
        let (canonical, known) = match self.rulesets.get(&contract.ruleset) {
            Some(ruleset) => listed_product(ruleset, product),
            None => (product.clone(), false),
        };
        if let Some(listed) = contract
            .products
            .keys()
            .find(|listed| same_word(listed, &canonical) || same_word(listed, product))
        {
            return Some(Some(listed.clone()));
        }
        if known {
            return Some(Some(canonical));
        }
        self.error(
            row.at_value.clone(),
            format!(
                "expected a product of ruleset `{}` or of contract `{}`'s `products` rows, found `{product}`; a coefficient for a product no line is known by would weight nothing",
                contract.ruleset, contract.id
            ),
        );
        None
    }

    /// A `coefficient` change's `value`: a product and its new coefficient, `RDS=0.5`,
    /// `RDS: 0.5` or `RDS 0.5` (the last `=`, `:` or space separates them).
    fn coefficient_value(&mut self, row: &RowContext<'_>) -> Option<(String, Decimal)> {
        let text = row.text(column::VALUE).unwrap_or_default();
        let split = text
            .rfind(['=', ':', '：', '＝'])
            .or_else(|| text.trim().rfind(char::is_whitespace));
        let parsed = split.and_then(|at| {
            let (product, number) = text.split_at(at);
            let number = number
                .trim_start_matches(['=', ':', '：', '＝'])
                .trim()
                .to_string();
            let product = product.trim();
            let coefficient = value::parse_decimal(&Cell::Text(number)).ok()?;
            (!product.is_empty()).then(|| (product.to_string(), coefficient))
        });
        match parsed {
            Some((_, coefficient)) if coefficient < Decimal::ZERO => {
                self.error(
                    row.at(column::VALUE),
                    format!("expected a coefficient of 0 or more, found `{text}`"),
                );
                None
            }
            Some(parsed) => Some(parsed),
            None => {
                let found = if text.is_empty() {
                    "(empty)".to_string()
                } else {
                    format!("`{text}`")
                };
                self.error(
                    row.at(column::VALUE),
                    format!(
                        "expected a product and its new coefficient such as `RDS=0.5`, found {found}"
                    ),
                );
                None
            }
        }
    }
}

/// Whether two rows change the same thing: the same kind of change (adding and removing
/// an account are one kind) of the same product or account.
fn same_thing(
    row: &Row,
    subject: &Option<String>,
    other: &Row,
    known: &Option<Option<String>>,
) -> bool {
    let kind = |change: Change| match change {
        Change::AccountRemove => Change::AccountAdd,
        change => change,
    };
    let Some(known) = known else {
        return false;
    };
    kind(row.change) == kind(other.change)
        && match (subject, known) {
            (Some(one), Some(other)) => same_word(one, other),
            (None, None) => true,
            _ => false,
        }
}
