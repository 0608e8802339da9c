//! The `amendments` sheet (`变更`, docs/INPUTS.md): one row per change of a contract's
//! terms — a new tier table (its brackets are `tiers` rows carrying the amendment's id)
//! or a new end of term — from an effective date, optionally retroactive to the start of
//! its contract year.
//!
//! Everything that could make two readers compute different numbers stops the run, with
//! the cell: an amendment before the contract starts or after it ended, two changes of
//! the same thing on the same day, a tier table with no rows or rows naming no
//! amendment, a new table taking effect inside a settlement period without reaching
//! back to its contract year (its period's volume cannot be split by day), and the
//! changes this version does not compute (a coefficient, an account), which are named
//! rather than ignored.

use super::builder::Builder;
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
use crate::ingest::value;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashSet};

/// Column numbers of [`AMENDMENT_COLUMNS`].
mod column {
    pub const AMENDMENT: usize = 1;
    pub const EFFECTIVE_FROM: usize = 2;
    pub const CHANGE: usize = 3;
    pub const VALUE: usize = 4;
    pub const RETROACTIVE: usize = 5;
}

/// Changes an amendment may name that this version reads but does not compute: refused
/// with their cell rather than ignored, so no number silently leaves them out.
const NOT_COMPUTED: &[&str] = &[
    "coefficient",
    "系数",
    "产品系数",
    "account_add",
    "增加账号",
    "新增账号",
    "account_remove",
    "account_move",
    "移除账号",
    "删除账号",
    "转移账号",
];

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
                        AmendedTerms::Tiers(_) => None,
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
            Some(text) if NOT_COMPUTED.iter().any(|word| same_word(word, &text)) => {
                self.error(
                    row.at(column::CHANGE),
                    format!(
                        "a `{text}` change is not computed by this version; expected one of {}; until it is, split the contract at the amendment's date (two contract rows) so no number leaves it out",
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
            if let Some(earlier) = rows[..index].iter().find(|earlier| {
                earlier.change == row.change && earlier.effective_from == row.effective_from
            }) {
                self.error(
                    row.at_effective.clone(),
                    format!(
                        "amendment `{}` contradicts amendment `{}` ({}): both change `{}` of contract `{contract_id}` from {}; expected one `{}` change per day — keep one, or give the later agreement its own date",
                        row.id,
                        earlier.id,
                        earlier.location,
                        row.change,
                        row.effective_from,
                        row.change
                    ),
                );
                continue;
            }
            if let Some(earlier) = rows[..index]
                .iter()
                .find(|earlier| earlier.change == row.change && earlier.id == row.id)
            {
                self.error(
                    row.at_change.clone(),
                    format!(
                        "amendment `{}` changes `{}` twice ({} and {}); expected one row per change — give the second change its own amendment id",
                        row.id, row.change, earlier.location, row.location
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

    /// A new tier table that does not reach back to its contract year must start a
    /// settlement period (or the part of one in a contract year): a period's volume is
    /// billed by month or more and cannot be split by day.
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
            if amendment.tiers().is_none() || amendment.retroactive != Retroactive::No {
                continue;
            }
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
                    "amendment `{}` brings in a new tier table on {day}, inside the settlement period {} to {}, whose volume cannot be split by day; expected {}{next}, or retroactive `contract_year`",
                    amendment.id, piece.range.first, piece.range.last, piece.range.first
                ),
            );
        }
    }
}
