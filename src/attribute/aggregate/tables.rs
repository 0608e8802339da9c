//! The plan's tables worked out from the contracts: coverage as the line route routes
//! (earliest start, then lowest id, per account and currency), slices (the line route's
//! segments, cut where another contract sharing an account starts or ends), and products.

use crate::attribute::plan::ContractPlan;
use crate::domain::aggregate::{CoverageRow, PlanTables, ProductRow, Slice};
use crate::domain::words::fold;
use crate::ruleset::Rulesets;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// The tables `rebate-audit plan` writes for `plans` under `rulesets`.
pub fn plan_tables(plans: &[ContractPlan], rulesets: &Rulesets) -> PlanTables {
    let routes = Routes::new(plans);
    let mut coverage = Vec::new();
    for ((account, currency), candidates) in &routes.by_account {
        for (range, chosen) in routes.choices(account, candidates) {
            let contract = &plans[chosen].contract;
            coverage.push(CoverageRow {
                account_id: account.clone(),
                currency: currency.clone(),
                valid_from: range.0,
                valid_to: range.1,
                contract_id: contract.id.clone(),
                ruleset: contract.ruleset.clone(),
            });
        }
    }
    coverage.sort();
    let mut slices = Vec::new();
    let mut ids: Vec<usize> = (0..plans.len()).collect();
    ids.sort_by(|&a, &b| plans[a].contract.id.cmp(&plans[b].contract.id));
    for index in ids {
        for slice in routes.slices(plans, index) {
            slices.push((plans[index].contract.id.clone(), slice));
        }
    }
    PlanTables {
        coverage,
        slices,
        products: products(plans, rulesets),
    }
}

/// The day after `date` (the exclusive end of a range ending on it).
fn after(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap_or(NaiveDate::MAX)
}

/// The contracts of each (account, currency), in the line route's order, and the days
/// their coverage changes.
pub(super) struct Routes {
    /// (account, currency) → contract indexes, earliest start first, then lowest id.
    pub(super) by_account: BTreeMap<(String, String), Vec<usize>>,
    /// Contract index → the terms (first day, exclusive end) of every contract.
    terms: Vec<(NaiveDate, NaiveDate)>,
    /// Per contract: the days inside its term where, for one of its accounts, the set of
    /// contracts covering the account changes.
    cuts: Vec<BTreeSet<NaiveDate>>,
    /// Per contract whose accounts amendments add or remove: account → the days
    /// `[from, to)` it belongs to the contract; every other account has the term.
    dated: Vec<BTreeMap<String, Vec<(NaiveDate, NaiveDate)>>>,
}

/// The days `[from, to)` inside the contract's term `account` belongs to it, as
/// [`Contract::account_member`](crate::domain::contract::Contract::account_member) has it
/// day by day.
fn membership(plan: &ContractPlan, account: &str) -> Vec<(NaiveDate, NaiveDate)> {
    let contract = &plan.contract;
    let end = after(contract.end);
    let mut days: Vec<NaiveDate> = contract
        .amendments
        .iter()
        .filter(|amendment| {
            amendment
                .account()
                .is_some_and(|(named, _)| named == account)
                && contract.start < amendment.effective_from
                && amendment.effective_from < end
        })
        .map(|amendment| amendment.effective_from)
        .collect();
    days.insert(0, contract.start);
    days.push(end);
    days.dedup();
    let mut ranges: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for pair in days.windows(2) {
        if !contract.account_member(account, pair[0]) {
            continue;
        }
        match ranges.last_mut() {
            Some(range) if range.1 == pair[0] => range.1 = pair[1],
            _ => ranges.push((pair[0], pair[1])),
        }
    }
    ranges
}

impl Routes {
    pub(super) fn new(plans: &[ContractPlan]) -> Routes {
        let terms: Vec<(NaiveDate, NaiveDate)> = plans
            .iter()
            .map(|plan| (plan.contract.start, after(plan.contract.end)))
            .collect();
        let mut by_account: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
        let mut sharing: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut dated = vec![BTreeMap::new(); plans.len()];
        for (index, plan) in plans.iter().enumerate() {
            let amended = plan.contract.has_account_amendments();
            for account in plan.contract.accounts_ever() {
                by_account
                    .entry((account.to_string(), plan.contract.currency.clone()))
                    .or_default()
                    .push(index);
                sharing.entry(account).or_default().push(index);
                if amended {
                    dated[index].insert(account.to_string(), membership(plan, account));
                }
            }
        }
        for list in by_account.values_mut() {
            list.sort_by(|&a, &b| {
                let (a, b) = (&plans[a].contract, &plans[b].contract);
                (a.start, &a.id).cmp(&(b.start, &b.id))
            });
            list.dedup();
        }
        let mut routes = Routes {
            by_account,
            terms,
            cuts: vec![BTreeSet::new(); plans.len()],
            dated,
        };
        let mut cuts = vec![BTreeSet::new(); plans.len()];
        for (account, list) in &sharing {
            for &one in list {
                for &other in list {
                    let (start, end) = routes.terms[one];
                    for &(from, to) in routes.windows(account, other) {
                        for day in [from, to] {
                            if start < day && day < end {
                                cuts[one].insert(day);
                            }
                        }
                    }
                }
            }
        }
        routes.cuts = cuts;
        routes
    }

    /// The days `[from, to)` `account`'s lines belong to `candidate`: its term, or the
    /// ranges amendments leave the account in.
    fn windows(&self, account: &str, candidate: usize) -> &[(NaiveDate, NaiveDate)] {
        self.dated[candidate]
            .get(account)
            .map_or(std::slice::from_ref(&self.terms[candidate]), Vec::as_slice)
    }

    /// The contract the line route chooses for `account` on `day` among `candidates`
    /// (in order).
    pub(super) fn chosen(
        &self,
        account: &str,
        candidates: &[usize],
        day: NaiveDate,
    ) -> Option<usize> {
        candidates.iter().copied().find(|&candidate| {
            self.windows(account, candidate)
                .iter()
                .any(|&(start, end)| start <= day && day < end)
        })
    }

    /// The days in `[from, to)` where the choice among `candidates` may change, `from`
    /// first.
    pub(super) fn changes(
        &self,
        account: &str,
        candidates: &[usize],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Vec<NaiveDate> {
        let mut days: BTreeSet<NaiveDate> = candidates
            .iter()
            .flat_map(|&candidate| self.windows(account, candidate))
            .flat_map(|&(start, end)| [start, end])
            .filter(|day| from < *day && *day < to)
            .collect();
        days.insert(from);
        days.into_iter().collect()
    }

    /// The non-overlapping ranges `[from, to)` and the contract chosen in each.
    fn choices(&self, account: &str, candidates: &[usize]) -> Vec<((NaiveDate, NaiveDate), usize)> {
        let mut days: Vec<NaiveDate> = candidates
            .iter()
            .flat_map(|&candidate| self.windows(account, candidate))
            .flat_map(|&(start, end)| [start, end])
            .collect();
        days.sort();
        days.dedup();
        let mut ranges: Vec<((NaiveDate, NaiveDate), usize)> = Vec::new();
        for pair in days.windows(2) {
            let Some(chosen) = self.chosen(account, candidates, pair[0]) else {
                continue;
            };
            match ranges.last_mut() {
                Some((range, last)) if *last == chosen && range.1 == pair[0] => range.1 = pair[1],
                _ => ranges.push(((pair[0], pair[1]), chosen)),
            }
        }
        ranges
    }

    /// The contract's slices: its segments, cut again wherever another contract sharing
    /// one of its accounts starts or ends.
    pub(super) fn slices(&self, plans: &[ContractPlan], index: usize) -> Vec<Slice> {
        let cuts = &self.cuts[index];
        let mut slices = Vec::new();
        for segment in &plans[index].segments {
            let end = after(segment.range.last);
            let mut start = segment.range.first;
            for &cut in cuts.range(after(start)..end) {
                slices.push(Slice { start, end: cut });
                start = cut;
            }
            slices.push(Slice { start, end });
        }
        slices
    }
}

/// The alias table of the rulesets in force (those the contracts name): for each, every
/// name it knows and every name a billing format's ruleset knows, folded as the SQL folds
/// them (`LOWER(TRIM(name))`), and again folded as the line route folds them (full-width
/// letters, spaces, `_` and `-` dropped), since the engine meets whatever the bills write.
/// The ruleset's own names come first; a name two formats mean differently is left to
/// the ruleset (docs/AGGREGATE.md).
pub fn products(plans: &[ContractPlan], rulesets: &Rulesets) -> Vec<ProductRow> {
    let in_force: BTreeSet<&str> = plans
        .iter()
        .map(|plan| plan.contract.ruleset.as_str())
        .collect();
    let mut rows = Vec::new();
    for name in in_force {
        let Some(ruleset) = rulesets.get(name) else {
            continue;
        };
        let mut table: BTreeMap<String, String> = BTreeMap::new();
        // Names as written first, so a folded spelling never hides one.
        for pass in 0..2 {
            for (alias, canonical) in ruleset.product_names() {
                if let Some(spelling) = spellings(alias).into_iter().nth(pass) {
                    table
                        .entry(spelling)
                        .or_insert_with(|| canonical.to_string());
                }
            }
        }
        let mut formats: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for layout in rulesets
            .names()
            .filter_map(|name| rulesets.get(name))
            .filter(|layout| layout.format.is_some())
        {
            for (alias, canonical) in layout.product_names() {
                for spelling in spellings(alias) {
                    formats
                        .entry(spelling)
                        .or_default()
                        .insert(canonical.to_string());
                }
            }
        }
        for (spelling, meanings) in formats {
            if meanings.len() == 1 && !table.contains_key(&spelling) {
                let canonical = meanings.into_iter().next().unwrap_or_default();
                table.insert(spelling, canonical);
            }
        }
        rows.extend(table.into_iter().map(|(name_folded, product)| ProductRow {
            ruleset: name.to_string(),
            name_folded,
            product,
        }));
    }
    rows
}

/// A name as `LOWER(TRIM(name))` gives it, and as the line route folds it when that
/// differs.
fn spellings(alias: &str) -> Vec<String> {
    let lower = alias.trim().to_lowercase();
    let folded = fold(alias);
    if folded == lower || folded.is_empty() {
        vec![lower]
    } else {
        vec![lower, folded]
    }
}
