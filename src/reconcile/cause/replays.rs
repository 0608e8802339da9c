//! The replays of one contract's computation under the usual mistakes, run once and kept
//! for every finding of the contract; the checks (`checks.rs`) read their installments.

use super::input::CauseInput;
use crate::attribute::{Bucket, Source};
use crate::compute::installments;
use crate::compute::rebate;
use crate::domain::computation::PeriodRebate;
use crate::domain::contract::{Base, Contract};
use crate::domain::money::{self, Overflow};
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::rc::Rc;

/// The replays of one contract's computation under the usual mistakes, kept for every
/// finding of the contract (their checks: [`Replays::likely_causes`]).
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
    pub(super) input: CauseInput<'a>,
    /// Per-segment bases, by what they are (shared, not copied, with each finding that
    /// reads them).
    pub(super) bases: RefCell<HashMap<Bases, Option<Rc<[Decimal]>>>>,
    /// Every period's rebate under a contract and bases, with the contract replayed.
    pub(super) runs: RefCell<HashMap<(Terms, Bases), Run>>,
}

/// The contract a replay prices with: its own, or under one mistake. Together with the
/// input it determines the replayed contract exactly.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Terms {
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
pub(super) enum Bases {
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
pub(super) struct Run {
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
}

/// Replays one installment's computation under a mistake.
pub(super) struct Replay<'i, 'a> {
    pub(super) input: &'i CauseInput<'a>,
    pub(super) replays: &'i Replays<'a>,
    pub(super) period: usize,
    pub(super) installment: u32,
}

impl Replay<'_, '_> {
    /// The installment under the contract with `terms` (`mistaken` makes it, `None` for
    /// the contract's own) and the per-segment weighted bases `key` names (`bases`),
    /// computed and rounded exactly as the audit computes every installment. The
    /// contract's periods are replayed the first time `terms` and `key` are asked for,
    /// and read back after.
    pub(super) fn installment(
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
    pub(super) fn bases(&self, key: &Bases) -> Option<Rc<[Decimal]>> {
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
        }
        .map(Rc::from);
        made.insert(key.clone(), bases.clone());
        bases
    }

    /// The installment's share of a period rebate `expected` on `weighted_base`, split by
    /// the schedule exactly as the audit splits every period.
    pub(super) fn split(
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
    pub(super) fn period_base(&self, bases: &[Decimal]) -> Decimal {
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
            for group in bucket.sources.groups() {
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
            for Source {
                product: name,
                group,
                ..
            } in &bucket.sources
            {
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
    pub(super) fn products(&self) -> BTreeMap<String, Decimal> {
        let mut products = BTreeMap::new();
        for (segment, bucket) in self.input.segments.iter().zip(self.input.buckets) {
            if segment.period > self.period {
                continue;
            }
            for Source {
                product: name,
                group,
                ..
            } in &bucket.sources
            {
                // The first coefficient seen stays; a name is copied only when new.
                if !products.contains_key(&**name) {
                    products.insert(name.to_string(), group.coefficient);
                }
            }
        }
        products
    }
}
