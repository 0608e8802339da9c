//! Likely cause of a payout that is not what its installment expects: short (issue 5) or
//! too much (issue 13).
//!
//! Agents get rebates wrong in a handful of usual ways: the previous bracket's rate or the
//! next one's (a higher tier applied early), no retroactive catch-up or the catch-up paid
//! twice, marginal tiers read as retroactive (or the other way round), the cap ignored,
//! the wrong base (list, net or cash), a product coefficient ignored or a product left out,
//! or the amount of the neighbouring period. [`likely_causes`] replays each of these
//! mistakes through the real arithmetic — [`rebate::period_rebates`] and
//! [`installments::split`] on a modified contract or modified per-segment weighted bases,
//! never a copy of the tier rules — and names the mistakes that reproduce the paid amount
//! to the cent, each with the numbers that argue it (`report::i18n` says it in a sentence).
//! Every mistake is tried whatever the direction of the payment: the replay alone decides.
//! (Some can only overpay a period on their own — list ≥ net ≥ cash on every real line —
//! but with a cap or a cumulative tier scope a mistake that pays too much early leaves a
//! later period short, and the replay shows that too.)
//!
//! A mistake is replayed *consistently*: the agent is assumed to have made it in every
//! period, so under a cumulative tier scope the installment is the difference of two
//! Earned(t) values both computed the wrong way, exactly as E_p is computed the right way.
//!
//! Pure: no I/O, no shared state; call it per installment from the reconciliation.

use super::trail;
use crate::attribute::{Bucket, ContractPlan};
use crate::compute::installments;
use crate::compute::rebate;
use crate::domain::computation::{InstallmentShare, PeriodRebate};
use crate::domain::contract::{
    AmendedTerms, Amendment, Base, Bracket, Contract, DateRange, Portion, TierBasis, TierMode,
    TierTable,
};
use crate::domain::finding::{CauseCode, LikelyCause, Mistake, Neighbour};
use crate::domain::money::{self, Overflow, Rounding};
use crate::domain::settlement::{Segment, SettlementPeriod};
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// What the cause analysis of one contract reads: everything the compute stage
/// already holds once it has computed the contract.
#[derive(Debug, Clone, Copy)]
pub struct CauseInput<'a> {
    /// The contract.
    pub contract: &'a Contract,
    /// Its settlement periods.
    pub periods: &'a [SettlementPeriod],
    /// Its segments (periods cut at contract-year boundaries).
    pub segments: &'a [Segment],
    /// One bucket per segment, in segment order (the billing sums, with every base).
    pub buckets: &'a [Bucket],
    /// Each period's computed rebate.
    pub rebates: &'a [PeriodRebate],
    /// Each period's installments.
    pub shares: &'a [Vec<InstallmentShare>],
    /// The ruleset's rounding.
    pub rounding: Rounding,
    /// The ruleset's tolerance: a mistake that moves the installment by no more than this
    /// (or by one cent) is not named.
    pub tolerance: Decimal,
}

impl<'a> CauseInput<'a> {
    /// The input for one contract, from its plan, its per-segment buckets, its computed
    /// rebates and installments, and its ruleset's rounding and tolerance.
    pub fn new(
        plan: &'a ContractPlan,
        buckets: &'a [Bucket],
        rebates: &'a [PeriodRebate],
        shares: &'a [Vec<InstallmentShare>],
        rounding: Rounding,
        tolerance: Decimal,
    ) -> CauseInput<'a> {
        CauseInput {
            contract: &plan.contract,
            periods: &plan.periods,
            segments: &plan.segments,
            buckets,
            rebates,
            shares,
            rounding,
            tolerance,
        }
    }
}

/// The usual mistakes that reproduce `paid` for installment `installment` of period index
/// `period` (an index into `input.periods`, as `reconcile::allocate::Slot::period`).
///
/// Each mistake is replayed with the contract's own arithmetic and rounding; a mistake is
/// named when its installment equals `paid` (rounded by the ruleset) to the cent and differs
/// from the true expectation by more than the tolerance (and more than a cent). The result
/// follows the order of [`CauseCode`]: (a) previous or next tier rate, (b) no retroactive
/// catch-up or the catch-up paid twice, (c) tier mode swapped or the cap ignored, (d)
/// another base, (e) coefficients ignored or a product left out (per product, by name),
/// (f) the previous or next period's installment, (h) on a period an amendment priced,
/// the pre-amendment table (every tier mistake is made on the table in force for the
/// period, every other period keeping its own). Each cause says which part of the
/// period's rebate the installment is, when it is not the whole. It is empty
/// when nothing matches, when `paid` is zero (nothing was computed), when `paid` is the
/// expectation, when the period or installment does not exist, or when the input does not
/// reproduce its own expectation.
///
/// Each call replays the contract afresh; the reconciliation asks [`Replays`] instead, so
/// that a mistake replayed for one finding serves every other finding of the contract.
pub fn likely_causes(
    input: &CauseInput<'_>,
    period: usize,
    installment: u32,
    paid: Decimal,
) -> Vec<LikelyCause> {
    Replays::new(*input).likely_causes(period, installment, paid)
}

/// The replays of one contract's computation under the usual mistakes, kept for every
/// finding of the contract.
///
/// A replay computes every period of the contract at once (Earned(t) at each period end),
/// and what it replays — the contract under one mistake, with one set of per-segment
/// bases — does not depend on the finding that asks for it: the tier mode swapped, the
/// cap ignored, another base, a product's coefficient are the same mistake in every
/// period. So each is replayed once per contract, on the first finding that needs it,
/// and the other findings read their period from it. The results are the very numbers
/// a fresh replay gives (the same pure arithmetic on the same inputs); only the count of
/// replays changes, from one set per finding to one per contract.
#[derive(Debug)]
pub struct Replays<'a> {
    input: CauseInput<'a>,
    /// Per-segment bases, by what they are.
    bases: RefCell<HashMap<Bases, Option<Vec<Decimal>>>>,
    /// Every period's rebate under a contract and bases, with the contract replayed.
    runs: RefCell<HashMap<(Terms, Bases), Run>>,
}

/// The contract a replay prices with: its own, or under one mistake. Together with the
/// input it determines the replayed contract exactly.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Terms {
    /// The contract as it is.
    Own,
    /// The tier table in force for `amendment` (the contract's own for `None`) with the
    /// rate of bracket `bracket` replaced by the next bracket's (`next`) or the previous'.
    Bracket {
        amendment: Option<usize>,
        bracket: usize,
        next: bool,
    },
    /// One flat table at this rate (its bytes, so 0.05 and 0.050 stay apart) on the
    /// period basis, without the amendments' tables.
    Flat([u8; 16]),
    /// The other tier mode.
    ModeSwapped,
    /// No cap.
    Uncapped,
    /// Without the amendments that set a tier table.
    BeforeAmendments,
}

/// Which per-segment weighted bases a replay reads.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Bases {
    /// The bases the audit used.
    Actual,
    /// Every line on this base, each product at its coefficient.
    On(Base),
    /// The product (every product for `None`) weighted at this coefficient (its bytes).
    With(Option<String>, [u8; 16]),
}

/// One replay: the contract it ran (`None`: the input's own) and every period's rebate
/// (`None` on overflow).
#[derive(Debug)]
struct Run {
    contract: Option<Contract>,
    rebates: Option<Vec<PeriodRebate>>,
}

impl<'a> Replays<'a> {
    /// No replay yet for the contract of `input`.
    pub fn new(input: CauseInput<'a>) -> Replays<'a> {
        Replays {
            input,
            bases: RefCell::new(HashMap::new()),
            runs: RefCell::new(HashMap::new()),
        }
    }

    /// [`likely_causes`] of installment `installment` of period index `period`, paid
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

/// `contract` with the tier table of `amendment` (its own table for `None`) replaced by
/// `table`: a tier mistake made on the terms in force, every other table kept.
fn with_table_in_force(
    contract: &Contract,
    amendment: Option<usize>,
    table: TierTable,
) -> Contract {
    let mut mistaken = contract.clone();
    match amendment.and_then(|index| mistaken.amendments.get_mut(index)) {
        // `amendment` indexes the tier amendment in force (`PeriodRebate::amendment`).
        Some(amended) => amended.terms = AmendedTerms::Tiers(table),
        None => mistaken.tiers = table,
    }
    mistaken
}

/// The contract's amendments without those that set a tier table.
fn without_tier_amendments(contract: &Contract) -> Vec<Amendment> {
    contract
        .amendments
        .iter()
        .filter(|amendment| amendment.tiers().is_none())
        .cloned()
        .collect()
}

/// The causes found so far, and what a cause must reproduce.
struct Found {
    target: Decimal,
    installment: u32,
    expected: Decimal,
    portion: Option<Portion>,
    margin: Decimal,
    causes: Vec<LikelyCause>,
}

impl Found {
    /// Names the mistake when `amount` is the paid amount and far enough from the
    /// expectation; its numbers are only gathered then.
    fn offer(
        &mut self,
        code: CauseCode,
        amount: Option<Decimal>,
        mistake: impl FnOnce() -> Mistake,
    ) {
        let Some(amount) = amount else { return };
        let far = money::sub(amount, self.expected).is_ok_and(|gap| gap.abs() > self.margin);
        if amount == self.target && far {
            self.causes.push(LikelyCause {
                code,
                expected_under_mistake: amount,
                installment: self.installment,
                expected: self.expected,
                portion: self.portion,
                mistake: mistake(),
            });
        }
    }
}

/// Replays one installment's computation under a mistake.
struct Replay<'i, 'a> {
    input: &'i CauseInput<'a>,
    replays: &'i Replays<'a>,
    period: usize,
    installment: u32,
}

impl Replay<'_, '_> {
    /// The installment under the contract with `terms` (`mistaken` makes it, `None` for
    /// the contract's own) and the per-segment weighted bases `key` names (`bases`),
    /// computed and rounded exactly as the audit computes every installment. The
    /// contract's periods are replayed the first time `terms` and `key` are asked for,
    /// and read back after.
    fn installment(
        &self,
        terms: Terms,
        key: Bases,
        bases: &[Decimal],
        mistaken: impl FnOnce() -> Option<Contract>,
    ) -> Option<Decimal> {
        let input = self.input;
        let mut runs = self.replays.runs.borrow_mut();
        let run = match runs.entry((terms, key)) {
            Entry::Occupied(run) => run.into_mut(),
            Entry::Vacant(slot) => {
                let contract = mistaken();
                let rebates = rebate::period_rebates(
                    contract.as_ref().unwrap_or(input.contract),
                    input.periods,
                    input.segments,
                    bases,
                    input.rounding,
                )
                .ok();
                slot.insert(Run { contract, rebates })
            }
        };
        let rebate = run.rebates.as_ref()?.get(self.period)?;
        let contract = run.contract.as_ref().unwrap_or(input.contract);
        self.split(contract, rebate.expected, rebate.weighted_base)
    }

    /// The per-segment weighted bases `key` names, made the first time they are asked
    /// for; `None` when they cannot be made (see [`Replay::bases_on`]).
    fn bases(&self, key: &Bases) -> Option<Vec<Decimal>> {
        let mut made = self.replays.bases.borrow_mut();
        if let Some(bases) = made.get(key) {
            return bases.clone();
        }
        let bases = match key {
            Bases::Actual => self.actual_bases(),
            Bases::On(base) => self.bases_on(*base),
            Bases::With(product, coefficient) => {
                self.bases_with(product.as_deref(), Decimal::deserialize(*coefficient))
            }
        };
        made.insert(key.clone(), bases.clone());
        bases
    }

    /// The installment's share of a period rebate `expected` on `weighted_base`, split by
    /// the schedule exactly as the audit splits every period.
    fn split(
        &self,
        contract: &Contract,
        expected: Decimal,
        weighted_base: Decimal,
    ) -> Option<Decimal> {
        let input = self.input;
        let shares = installments::split(
            contract,
            input.periods.get(self.period)?.range.last,
            expected,
            weighted_base,
            input.rounding,
        )
        .ok()?;
        shares
            .into_iter()
            .find(|share| share.number == self.installment)
            .map(|share| share.expected)
    }

    /// The weighted bases the audit used, one per segment.
    fn actual_bases(&self) -> Option<Vec<Decimal>> {
        let input = self.input;
        (input.buckets.len() == input.segments.len()).then(|| {
            input
                .buckets
                .iter()
                .map(|bucket| bucket.weighted_base)
                .collect()
        })
    }

    /// The period's weighted base under some per-segment bases.
    fn period_base(&self, bases: &[Decimal]) -> Decimal {
        self.input
            .segments
            .iter()
            .zip(bases)
            .filter(|(segment, _)| segment.period == self.period)
            .fold(Decimal::ZERO, |sum, (_, base)| {
                sum.checked_add(*base).unwrap_or(sum)
            })
    }

    /// Per-segment weighted bases with every line on `base` (each product at its
    /// coefficient); `None` when a line has no list amount and `base` is `list`.
    fn bases_on(&self, base: Base) -> Option<Vec<Decimal>> {
        let sum = |bucket: &Bucket| -> Result<Option<Decimal>, Overflow> {
            let mut total = Decimal::ZERO;
            for group in bucket.sources.values().flat_map(BTreeMap::values) {
                let Some(line_base) = group.amounts.base(base)? else {
                    return Ok(None);
                };
                total = money::add(total, money::mul(line_base, group.coefficient)?)?;
            }
            Ok(Some(total))
        };
        self.each_bucket(sum)
    }

    /// Per-segment weighted bases with `product` (every product when `None`) weighted
    /// `coefficient` instead of its own.
    fn bases_with(&self, product: Option<&str>, coefficient: Decimal) -> Option<Vec<Decimal>> {
        let sum = |bucket: &Bucket| -> Result<Option<Decimal>, Overflow> {
            let mut total = bucket.weighted_base;
            for (name, group) in bucket.sources.values().flat_map(BTreeMap::iter) {
                if product.is_none_or(|product| product == &**name) {
                    total = money::sub(total, group.weighted_base)?;
                    total = money::add(total, money::mul(group.base.amount, coefficient)?)?;
                }
            }
            Ok(Some(total))
        };
        self.each_bucket(sum)
    }

    fn each_bucket(
        &self,
        sum: impl Fn(&Bucket) -> Result<Option<Decimal>, Overflow>,
    ) -> Option<Vec<Decimal>> {
        let buckets = self.input.buckets;
        if buckets.len() != self.input.segments.len() {
            return None;
        }
        buckets
            .iter()
            .map(|bucket| sum(bucket).ok().flatten())
            .collect()
    }

    /// The products billed up to the end of the period, with their coefficients, by
    /// name: only they can move Earned(end_p).
    fn products(&self) -> BTreeMap<String, Decimal> {
        let mut products = BTreeMap::new();
        for (segment, bucket) in self.input.segments.iter().zip(self.input.buckets) {
            if segment.period > self.period {
                continue;
            }
            for (name, group) in bucket.sources.values().flat_map(BTreeMap::iter) {
                products
                    .entry(name.to_string())
                    .or_insert(group.coefficient);
            }
        }
        products
    }
}
/// The installment's portion when it is only part of its period's rebate: `None` when the
/// schedule has this one installment and it takes the whole (`rest` or `100%`).
pub(super) fn partial(contract: &Contract, portion: Portion) -> Option<Portion> {
    let whole = match portion {
        Portion::Rest => contract.schedule.len() == 1,
        Portion::Percent(fraction) => contract.schedule.len() == 1 && fraction == Decimal::ONE,
        Portion::Points(_) => false,
    };
    (!whole).then_some(portion)
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

/// The tier table with the bracket `rebate`'s volume reached paid at the rate of the one
/// below, with that bracket's index, the reached and the lower rate; `None` in the first bracket or when the
/// rates agree.
fn previous_bracket_tiers(
    tiers: &TierTable,
    rebate: &PeriodRebate,
) -> Option<(usize, Decimal, Decimal, TierTable)> {
    let reached = tiers.bracket_for(rebate.scope_volume.max(Decimal::ZERO))?;
    let index = tiers
        .brackets()
        .iter()
        .position(|bracket| bracket.from == reached.from)?;
    let lower = tiers.brackets().get(index.checked_sub(1)?)?;
    if lower.rate == reached.rate {
        return None;
    }
    let mut brackets = tiers.brackets().to_vec();
    brackets[index].rate = lower.rate;
    let table = TierTable::new(brackets).ok()?;
    Some((index, reached.rate, lower.rate, table))
}

/// The tier table with the bracket `rebate`'s volume reached paid at the rate of the one
/// above, with that bracket's index, the reached and the higher rate and where the
/// higher bracket starts;
/// `None` in the last bracket or when the rates agree.
fn next_bracket_tiers(
    tiers: &TierTable,
    rebate: &PeriodRebate,
) -> Option<(usize, Decimal, Decimal, Decimal, TierTable)> {
    let reached = tiers.bracket_for(rebate.scope_volume.max(Decimal::ZERO))?;
    let index = tiers
        .brackets()
        .iter()
        .position(|bracket| bracket.from == reached.from)?;
    let next = tiers.brackets().get(index.checked_add(1)?)?;
    if next.rate == reached.rate {
        return None;
    }
    let mut brackets = tiers.brackets().to_vec();
    brackets[index].rate = next.rate;
    let table = TierTable::new(brackets).ok()?;
    Some((index, reached.rate, next.rate, next.from, table))
}

#[cfg(test)]
mod tests;
