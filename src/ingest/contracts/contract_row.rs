//! One contract from its row of the `contracts` sheet: every cell read, every problem
//! recorded with its cell.

use super::builder::Builder;
use super::columns::{RowContext, column};
use super::term::{MAX_TERM_YEARS, last_day_of_longest_term};
use crate::domain::clawback::ClawbackRule;
use crate::domain::contract::{
    Base, Bracket, Contract, InstallmentRule, InvoiceKind, PayoutKind, Settlement, TierBasis,
    TierMode, TierTable,
};
use crate::domain::currency::normalize_currency;
use crate::domain::words::{closest, did_you_mean, fold, same_word};
use crate::ingest::value;
use crate::ruleset::Rulesets;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashSet};

/// The highest daily late-payment rate read as meant: 1% a day (3,650% a year). Penalty
/// clauses run from 万分之三 to 千分之五 a day.
const MAX_DAILY_INTEREST: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// The words the `provider` column takes as a ruleset's: every ruleset's name and
/// provider, sorted, once each (the starter kit's dropdown is this list).
pub fn known_providers(rulesets: &Rulesets) -> Vec<&str> {
    let mut known: Vec<&str> = rulesets
        .names()
        .filter_map(|name| rulesets.get(name))
        .flat_map(|ruleset| [ruleset.name.as_str(), ruleset.provider.as_str()])
        .collect();
    known.sort_unstable();
    known.dedup();
    known
}

impl Builder<'_> {
    pub(super) fn contract(&mut self, row: &RowContext<'_>, id: String) -> Option<Contract> {
        use column as c;
        let failures_before = self.failures;
        // Providers and ruleset names match as typed (case, width, spaces); a provider
        // no ruleset serves takes the generic ruleset, unless it is a typo of one.
        let known_providers = known_providers(self.rulesets);
        let provider = match row.text(c::PROVIDER) {
            None => "generic".to_string(),
            Some(text) => match known_providers.iter().find(|known| same_word(known, &text)) {
                Some(known) => (*known).to_string(),
                None => {
                    let near = closest(&text, known_providers.iter().copied());
                    if !near.is_empty() {
                        self.error(
                            row.at(c::PROVIDER),
                            format!(
                                "expected a provider of the rulesets ({}), or another name for the generic ruleset, found `{text}`{}",
                                known_providers.join(", "),
                                did_you_mean(&near)
                            ),
                        );
                    }
                    text.to_lowercase()
                }
            },
        };
        let ruleset = match row.text(c::RULESET) {
            Some(name) => match self
                .rulesets
                .names()
                .find(|known| same_word(known, &name))
                .and_then(|known| self.rulesets.get(known))
            {
                Some(ruleset) => Some(ruleset),
                None => {
                    let known: Vec<&str> = self.rulesets.names().collect();
                    self.error(
                        row.at(c::RULESET),
                        format!(
                            "expected one of the rulesets {}, found `{name}`{}",
                            known.join(", "),
                            did_you_mean(&closest(&name, known.iter().copied()))
                        ),
                    );
                    None
                }
            },
            None => Some(self.rulesets.default_for_provider(&provider)),
        };
        let accounts: Vec<String> = {
            let text = row.cell(c::ACCOUNTS).to_text();
            let mut seen = HashSet::new();
            text.split([',', ';', '，', '；', '、', '\n', '\r'])
                .map(str::trim)
                .filter(|account| !account.is_empty() && seen.insert(account.to_string()))
                .map(str::to_string)
                .collect()
        };
        if accounts.is_empty() {
            self.error(
                row.at(c::ACCOUNTS),
                "expected one or more billing account ids separated by `,`, `;` or `、`, found (empty)",
            );
        }
        let start = self.parse(row, c::START, value::parse_date);
        let end = self.parse(row, c::END, value::parse_date);
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            self.error(
                row.at(c::END),
                format!("the term ends ({end}) before it starts ({start})"),
            );
        }
        if let (Some(start), Some(end)) = (start, end)
            && let Some(last_day) = last_day_of_longest_term(start)
            && end > last_day
        {
            self.error(
                row.at(c::END),
                format!(
                    "expected a term of at most {MAX_TERM_YEARS} years, so an end on or before \
                     {last_day} for the start {start}, found `{end}`; an open-ended contract \
                     needs a real end date (e.g. the last day being audited)"
                ),
            );
        }
        let currency = match row.text(c::CURRENCY) {
            None => Some("CNY".to_string()),
            Some(text) => {
                // Folded first: `ｃｎｙ` and ` cny ` are CNY, as any word of the workbook.
                let currency = normalize_currency(&text)
                    .map(|code| code.into_owned())
                    .or_else(|| normalize_currency(&fold(&text)).map(|code| code.into_owned()));
                if currency.is_none() {
                    self.error(
                        row.at(c::CURRENCY),
                        format!("expected an ISO currency code such as CNY or USD, found `{text}`"),
                    );
                }
                currency
            }
        };
        let base = self.word(
            row,
            c::BASE,
            Base::from_word,
            Base::closest,
            Base::WORDS,
            Some(Base::Net),
        );
        let tier_basis = self.word(
            row,
            c::TIER_BASIS,
            TierBasis::from_word,
            TierBasis::closest,
            TierBasis::WORDS,
            None,
        );
        let tier_mode = self.word(
            row,
            c::TIER_MODE,
            TierMode::from_word,
            TierMode::closest,
            TierMode::WORDS,
            None,
        );
        let settlement = self.word(
            row,
            c::SETTLEMENT,
            Settlement::from_word,
            Settlement::closest,
            Settlement::WORDS,
            None,
        );
        let invoice = self.word(
            row,
            c::INVOICE,
            InvoiceKind::from_word,
            InvoiceKind::closest,
            InvoiceKind::WORDS,
            Some(InvoiceKind::None),
        );
        let payout_kind = self.word(
            row,
            c::PAYOUT_KIND,
            PayoutKind::from_word,
            PayoutKind::closest,
            PayoutKind::WORDS,
            Some(PayoutKind::Cash),
        );
        // Blank is no rule (reckoned as `net`), never a default word: the reports say so.
        let clawback = match row.text(c::CLAWBACK) {
            None => (!self.empty_reported(row, c::CLAWBACK)).then_some(None),
            Some(_) => self
                .word(
                    row,
                    c::CLAWBACK,
                    ClawbackRule::from_word,
                    ClawbackRule::closest,
                    ClawbackRule::WORDS,
                    None,
                )
                .map(Some),
        };
        let cap = self
            .parse_optional(row, c::CAP, value::parse_money)
            .flatten();
        if let Some(cap) = cap
            && cap < Decimal::ZERO
        {
            self.error(
                row.at(c::CAP),
                format!("expected a cap of 0 or more, found `{cap}`"),
            );
        }
        let days = |builder: &mut Self, spec: usize, default: i64| -> Option<i64> {
            let value = builder
                .parse_optional(row, spec, value::parse_whole_number)?
                .unwrap_or(default);
            if !(0..=3650).contains(&value) {
                builder.error(
                    row.at(spec),
                    format!("expected a number of days from 0 to 3650, found `{value}`"),
                );
                return None;
            }
            Some(value)
        };
        let due_days = days(self, c::DUE_DAYS, 0);
        let grace_days = days(
            self,
            c::GRACE_DAYS,
            ruleset.map_or(0, |ruleset| ruleset.grace_days),
        );
        let renewed_on = self.parse_optional(row, c::RENEWED_ON, value::parse_date);
        let tax_rate = self.parse_optional(row, c::TAX_RATE, |cell| value::parse_rate(cell, false));
        let late_interest =
            self.parse_optional(row, c::LATE_INTEREST, |cell| value::parse_rate(cell, false));
        // A daily rate: `0.05` typed for 0.05% would be 5% a day and accuse the agent of
        // interest a hundred times too high. No contract charges above 1% a day.
        if let Some(Some(rate)) = late_interest
            && rate > MAX_DAILY_INTEREST
        {
            self.error(
                row.at(c::LATE_INTEREST),
                format!(
                    "expected a daily late-payment rate of at most 1% (万分之五 is `0.05%`), found `{}`, which is {}% a day; write the rate with its % sign, e.g. `{}%`",
                    row.cell(c::LATE_INTEREST).to_text(),
                    (rate * Decimal::ONE_HUNDRED).normalize(),
                    rate.normalize(),
                ),
            );
        }
        if self.failures > failures_before {
            return None;
        }
        Some(Contract {
            id,
            customer: row.text(c::CUSTOMER).unwrap_or_default(),
            agent: row.text(c::AGENT).unwrap_or_default(),
            agent_tax_id: row.text(c::AGENT_TAX_ID),
            provider,
            ruleset: ruleset?.name.clone(),
            accounts,
            start: start?,
            end: end?,
            currency: currency?,
            base: base?,
            tier_basis: tier_basis?,
            tier_mode: tier_mode?,
            cap,
            settlement: settlement?,
            due_days: due_days?,
            grace_days: grace_days?,
            renewed_on: renewed_on?,
            invoice: invoice?,
            tax_rate: tax_rate?,
            late_interest: late_interest?.unwrap_or(Decimal::ZERO),
            payout_kind: payout_kind?,
            tiers: TierTable::new(vec![Bracket {
                from: Decimal::ZERO,
                to: None,
                rate: Decimal::ZERO,
            }])
            .ok()?,
            products: BTreeMap::new(),
            schedule: InstallmentRule::single(),
            source: row.location.clone(),
            amendments: Vec::new(),
            clawback: clawback?,
            entity: row.text(c::ENTITY),
        })
    }
}
