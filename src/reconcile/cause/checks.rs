//! The usual mistakes tried on one installment, in the order of [`CauseCode`]: each is
//! replayed through [`Replays`] and offered to [`Found`].

use super::found::{Found, partial};
use super::replays::{Bases, Replay, Replays, Terms};
use super::tables::{
    next_bracket_tiers, previous_bracket_tiers, with_table_in_force, without_tier_amendments,
};
use crate::compute::rebate;
use crate::domain::contract::{
    Amendment, Base, Bracket, Contract, DateRange, TierBasis, TierMode, TierTable,
};
use crate::domain::finding::{CauseCode, LikelyCause, Mistake, Neighbour};
use crate::domain::money;
use crate::domain::settlement::SettlementPeriod;
use crate::reconcile::trail;
use rust_decimal::Decimal;

impl Replays<'_> {
    /// [`likely_causes`](super::likely_causes) of installment `installment` of period index `period`, paid
    /// `paid`, from the replays made so far and those it adds.
    pub fn likely_causes(
        &self,
        period: usize,
        installment: u32,
        paid: Decimal,
    ) -> Vec<LikelyCause> {
        causes_of(self, period, installment, paid)
    }
}

fn causes_of(
    replays: &Replays<'_>,
    period: usize,
    installment: u32,
    paid: Decimal,
) -> Vec<LikelyCause> {
    let input = &replays.input;
    let Some(share) = input
        .shares
        .get(period)
        .and_then(|shares| shares.iter().find(|share| share.number == installment))
    else {
        return Vec::new();
    };
    let (Some(rebate), Some(settlement_period)) =
        (input.rebates.get(period), input.periods.get(period))
    else {
        return Vec::new();
    };
    let target = input.rounding.round(paid);
    if target.is_zero() || target == share.expected {
        return Vec::new();
    }
    let replay = Replay {
        input,
        replays,
        period,
        installment,
    };
    let Some(weighted) = replay.bases(&Bases::Actual) else {
        return Vec::new();
    };
    if replay.installment(Terms::Own, Bases::Actual, &weighted, || None) != Some(share.expected) {
        // The input is not the computation it claims to be: name nothing.
        return Vec::new();
    }
    let mut found = Found {
        target,
        installment,
        expected: share.expected,
        portion: partial(input.contract, share.portion),
        margin: input.tolerance.max(Decimal::new(1, 2)),
        causes: Vec::new(),
    };
    let contract = input.contract;
    let period_base = rebate.weighted_base;

    // The tier table that priced the period: the contract's own, or an amendment's. The
    // tier mistakes are made on that table, and every replay prices the other periods
    // under their own terms in force, as the computation does.
    let in_force = contract.tier_table(rebate.amendment);

    // (a) The previous bracket's rate.
    if let Some((bracket, reached, lower, tiers)) = previous_bracket_tiers(in_force, rebate) {
        let terms = Terms::Bracket {
            amendment: rebate.amendment,
            bracket,
            next: false,
        };
        let mistaken = || Some(with_table_in_force(contract, rebate.amendment, tiers));
        found.offer(
            CauseCode::PreviousTierRate,
            replay.installment(terms, Bases::Actual, &weighted, mistaken),
            || Mistake::PreviousTierRate {
                reached,
                lower,
                volume: rebate.scope_volume,
            },
        );
    }

    // (a) The next bracket's rate: a higher tier applied before the volume reached it.
    if let Some((bracket, reached, higher, threshold, tiers)) = next_bracket_tiers(in_force, rebate)
    {
        let terms = Terms::Bracket {
            amendment: rebate.amendment,
            bracket,
            next: true,
        };
        let mistaken = || Some(with_table_in_force(contract, rebate.amendment, tiers));
        found.offer(
            CauseCode::NextTierRate,
            replay.installment(terms, Bases::Actual, &weighted, mistaken),
            || Mistake::NextTierRate {
                reached,
                higher,
                threshold,
                volume: rebate.scope_volume,
            },
        );
    }

    // (b) No retroactive catch-up: the period's own base at the rate reached.
    if contract.tier_mode == TierMode::Retroactive
        && rebate.scope.first < settlement_period.range.first
        && rebate.bracket_rate > Decimal::ZERO
        && let Ok(flat) = TierTable::new(vec![Bracket {
            from: Decimal::ZERO,
            to: None,
            rate: rebate.bracket_rate,
        }])
    {
        // One flat table everywhere: the amendments' tables go too.
        let mistaken = || {
            Some(Contract {
                tier_basis: TierBasis::Period,
                tiers: flat,
                amendments: without_tier_amendments(contract),
                ..contract.clone()
            })
        };
        let terms = Terms::Flat(rebate.bracket_rate.serialize());
        found.offer(
            CauseCode::NoRetroactiveCatchUp,
            replay.installment(terms, Bases::Actual, &weighted, mistaken),
            || Mistake::NoRetroactiveCatchUp {
                period_base,
                rate: rebate.bracket_rate,
                scope: rebate.scope,
                volume: rebate.scope_volume,
            },
        );
    }

    // (b) The catch-up paid twice: E_p, which holds it once, with it added again.
    if let Ok(Some(catch_up)) = trail::catch_up(contract, input.rebates, period, input.rounding)
        && catch_up.amount > Decimal::ZERO
        && let Ok(doubled) = money::add(rebate.expected, catch_up.amount)
    {
        found.offer(
            CauseCode::CatchUpPaidTwice,
            replay.split(contract, doubled, period_base),
            || Mistake::CatchUpPaidTwice {
                period_rebate: rebate.expected,
                catch_up,
            },
        );
    }

    // (c) The tier mode swapped. One bracket prices alike in both modes, so it is not
    // tried (the test is a shortcut: such a replay never matches a short payment).
    if in_force.brackets().len() > 1 {
        let (code, swapped) = match contract.tier_mode {
            TierMode::Retroactive => (CauseCode::MarginalInsteadOfRetroactive, TierMode::Marginal),
            TierMode::Marginal => (
                CauseCode::RetroactiveInsteadOfMarginal,
                TierMode::Retroactive,
            ),
        };
        let mistaken = || {
            Some(Contract {
                tier_mode: swapped,
                ..contract.clone()
            })
        };
        let amount = replay.installment(Terms::ModeSwapped, Bases::Actual, &weighted, mistaken);
        found.offer(code, amount, || Mistake::TierMode {
            contract: contract.tier_mode,
        });
    }

    // (c) The cap ignored.
    if let Some(cap) = contract.cap {
        let uncapped = || {
            Some(Contract {
                cap: None,
                ..contract.clone()
            })
        };
        found.offer(
            CauseCode::CapIgnored,
            replay.installment(Terms::Uncapped, Bases::Actual, &weighted, uncapped),
            || Mistake::CapIgnored {
                cap,
                scope: cap_scope(contract, settlement_period),
            },
        );
    }

    // (d) Another base.
    for (code, used, right) in [
        (CauseCode::ListInsteadOfNet, Base::List, Base::Net),
        (CauseCode::NetInsteadOfList, Base::Net, Base::List),
        (CauseCode::NetInsteadOfCash, Base::Net, Base::Cash),
        (CauseCode::CashInsteadOfNet, Base::Cash, Base::Net),
        (CauseCode::ListInsteadOfCash, Base::List, Base::Cash),
        (CauseCode::CashInsteadOfList, Base::Cash, Base::List),
    ] {
        if contract.base != right {
            continue;
        }
        let key = Bases::On(used);
        let Some(bases) = replay.bases(&key) else {
            continue;
        };
        let amount = replay.installment(Terms::Own, key, &bases, || None);
        found.offer(code, amount, || Mistake::Base {
            used,
            contract: right,
            mistaken_base: replay.period_base(&bases),
            period_base,
        });
    }

    // (e) Coefficients ignored, one product at a time, then all; a product left out.
    let products = replay.products();
    let weighted_off: Vec<(&String, &Decimal)> = products
        .iter()
        .filter(|(_, coefficient)| **coefficient != Decimal::ONE)
        .collect();
    let mut single_amounts = Vec::new();
    for (product, coefficient) in &weighted_off {
        let key = Bases::With(Some((*product).clone()), Decimal::ONE.serialize());
        let Some(bases) = replay.bases(&key) else {
            continue;
        };
        let amount = replay.installment(Terms::Own, key, &bases, || None);
        single_amounts.extend(amount);
        found.offer(CauseCode::CoefficientIgnored, amount, || {
            Mistake::CoefficientIgnored {
                product: (*product).clone(),
                coefficient: **coefficient,
                mistaken_base: replay.period_base(&bases),
                period_base,
            }
        });
    }
    let all = Bases::With(None, Decimal::ONE.serialize());
    if weighted_off.len() > 1
        && let Some(bases) = replay.bases(&all)
    {
        let amount = replay.installment(Terms::Own, all, &bases, || None);
        // One product's cause already says it when the others change nothing.
        if !amount.is_some_and(|amount| single_amounts.contains(&amount)) {
            found.offer(CauseCode::CoefficientsIgnored, amount, || {
                Mistake::CoefficientsIgnored {
                    products: weighted_off
                        .iter()
                        .map(|(product, coefficient)| ((*product).clone(), **coefficient))
                        .collect(),
                    mistaken_base: replay.period_base(&bases),
                    period_base,
                }
            });
        }
    }
    for (product, coefficient) in &products {
        if coefficient.is_zero() {
            continue;
        }
        let key = Bases::With(Some(product.clone()), Decimal::ZERO.serialize());
        let Some(bases) = replay.bases(&key) else {
            continue;
        };
        found.offer(
            CauseCode::ProductExcluded,
            replay.installment(Terms::Own, key, &bases, || None),
            || Mistake::ProductExcluded {
                product: product.clone(),
                coefficient: *coefficient,
                mistaken_base: replay.period_base(&bases),
                period_base,
            },
        );
    }

    // (f) The neighbouring periods' installments.
    for (code, neighbour, index) in [
        (
            CauseCode::WrongPeriodPrevious,
            Neighbour::Previous,
            period.checked_sub(1),
        ),
        (
            CauseCode::WrongPeriodNext,
            Neighbour::Next,
            period.checked_add(1),
        ),
    ] {
        let Some(index) = index else {
            continue;
        };
        let (Some(range), Some(shares)) = (
            input.periods.get(index).map(|period| period.range),
            input.shares.get(index),
        ) else {
            continue;
        };
        let amount = shares
            .iter()
            .find(|share| share.number == installment)
            .map(|share| share.expected);
        found.offer(code, amount, || Mistake::WrongPeriod {
            neighbour,
            period: range,
        });
    }
    // (h) The amendment ignored: every period priced under the contract's own table.
    if let Some(note) = rebate
        .amendment
        .and_then(|index| contract.amendments.get(index))
        .map(Amendment::note)
    {
        let before = || {
            Some(Contract {
                amendments: without_tier_amendments(contract),
                ..contract.clone()
            })
        };
        let rate_before = contract
            .tiers
            .bracket_for(rebate.scope_volume.max(Decimal::ZERO))
            .map_or(Decimal::ZERO, |bracket| bracket.rate);
        found.offer(
            CauseCode::AmendmentIgnored,
            replay.installment(Terms::BeforeAmendments, Bases::Actual, &weighted, before),
            || Mistake::AmendmentIgnored {
                amendment: note,
                rate_in_force: rebate.bracket_rate,
                rate_before,
            },
        );
    }
    found.causes
}

/// What the cap of `period` applies to: the whole term when the tier scope is the term,
/// else the period's contract year.
fn cap_scope(contract: &Contract, period: &SettlementPeriod) -> DateRange {
    let term = DateRange {
        first: contract.start,
        last: contract.end,
    };
    if rebate::whole_term_scope(contract) {
        return term;
    }
    contract
        .contract_years()
        .get(period.year)
        .copied()
        .unwrap_or(period.range)
}
