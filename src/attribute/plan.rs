//! The contracts billing lines are attributed to: each with its settlement periods and
//! segments ([`ContractPlan`]), indexed by account ([`ContractIndex`]).

use crate::domain::contract::{Base, Contract, DateRange};
use crate::domain::settlement::{Segment, SettlementPeriod, segments};
use crate::ruleset::{Ruleset, Rulesets};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as FastMap;

/// A contract with the settlement periods billing lines are sorted into.
#[derive(Debug, Clone)]
pub struct ContractPlan {
    /// The contract.
    pub contract: Contract,
    /// Its settlement periods.
    pub periods: Vec<SettlementPeriod>,
    /// The periods cut at contract-year boundaries: what billing is summed per.
    pub segments: Vec<Segment>,
}

impl ContractPlan {
    /// The contract with its periods and segments worked out.
    pub fn new(contract: Contract) -> ContractPlan {
        let periods = crate::domain::settlement::settlement_periods(&contract);
        let segments = segments(&contract, &periods);
        ContractPlan {
            contract,
            periods,
            segments,
        }
    }
}

/// Finds the contract covering a billing line.
pub struct ContractIndex<'a> {
    pub(super) plans: &'a [ContractPlan],
    /// Account → where its contracts are in `candidates`. The keys are copied once, one
    /// after the other, and the lists are ranges of one vector: with thousands of
    /// accounts in random order, finding a line's contracts then reads memory that stays
    /// in the cache instead of following a pointer into each contract.
    by_account: FastMap<AccountKey, (u32, u32)>,
    /// The contracts covering each account, earliest start first, then lowest id.
    candidates: Vec<usize>,
    /// What routing a line reads of each contract, by contract: small and side by side,
    /// so a line of any of thousands of contracts finds its segment without touching the
    /// contract itself (see docs/BENCHMARK.md, many contracts).
    pub(super) facts: Vec<RouteFacts>,
    /// Every contract's segments as first and last day, contract after contract.
    segment_days: Vec<DateRange>,
    /// The contracts' currencies, each once.
    currencies: Vec<Box<str>>,
    /// By contract: whether amendments add or remove accounts, so that a line of its
    /// accounts belongs to it only on the days the account does (`member`).
    dated_accounts: Vec<bool>,
    /// By contract: its ruleset's number in `used_rulesets`, or `None` when no ruleset
    /// has its name.
    ruleset_numbers: Vec<Option<u32>>,
    /// The rulesets the contracts name, each once.
    used_rulesets: Vec<&'a Ruleset>,
    /// By contract: the products of its coefficient sheet, names folded
    /// (`Contract::folded_products`) — once per run instead of at every (contract,
    /// product) a file meets (thousands of contracts meet each product).
    listed: Vec<ListedProducts>,
}

/// A contract's coefficient sheet: each product's folded name and its coefficient.
type ListedProducts = Box<[(Box<str>, Decimal)]>;

/// An account id as a key of the account index: its bytes inside the entry when short
/// (account ids have 10–20 characters), so finding an account reads the entry and not
/// a string it points to — one cache miss less per line when accounts come in random
/// order. Hashed and compared as its bytes, so it is looked up by `&[u8]`.
#[derive(Debug, Clone)]
enum AccountKey {
    Inline { length: u8, bytes: [u8; 22] },
    Long(Box<[u8]>),
}

impl AccountKey {
    fn new(account: &str) -> AccountKey {
        let mut bytes = [0; 22];
        match bytes.get_mut(..account.len()) {
            Some(inline) => {
                inline.copy_from_slice(account.as_bytes());
                AccountKey::Inline {
                    length: account.len() as u8,
                    bytes,
                }
            }
            None => AccountKey::Long(account.as_bytes().into()),
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            AccountKey::Inline { length, bytes } => &bytes[..usize::from(*length)],
            AccountKey::Long(bytes) => bytes,
        }
    }
}

impl std::borrow::Borrow<[u8]> for AccountKey {
    fn borrow(&self) -> &[u8] {
        self.bytes()
    }
}

impl PartialEq for AccountKey {
    fn eq(&self, other: &AccountKey) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for AccountKey {}

impl std::hash::Hash for AccountKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bytes().hash(state);
    }
}

/// What routing a line to a contract needs of it.
#[derive(Debug, Clone, Copy)]
pub(super) struct RouteFacts {
    /// The term.
    pub(super) term: DateRange,
    /// Its currency's number in the index's currencies.
    pub(super) currency: u32,
    /// The rebate base.
    pub(super) base: Base,
    /// Where its segments are in the index's `segment_days`.
    segments: (u32, u32),
}

impl<'a> ContractIndex<'a> {
    /// Indexes contracts by account.
    pub fn new(plans: &'a [ContractPlan], rulesets: &'a Rulesets) -> Self {
        let mut lists: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
        for (index, plan) in plans.iter().enumerate() {
            for account in plan.contract.accounts_ever() {
                lists.entry(account).or_default().push(index);
            }
        }
        let mut by_account = FastMap::default();
        let mut candidates = Vec::new();
        for (account, mut list) in lists {
            list.sort_by(|&a, &b| {
                let (a, b) = (&plans[a].contract, &plans[b].contract);
                (a.start, &a.id).cmp(&(b.start, &b.id))
            });
            let start = u32::try_from(candidates.len()).expect("fewer than 2^32 accounts");
            let count = u32::try_from(list.len()).expect("fewer than 2^32 contracts");
            candidates.extend(list);
            by_account.insert(AccountKey::new(account), (start, count));
        }
        let mut used_rulesets: Vec<&Ruleset> = Vec::new();
        let ruleset_numbers = plans
            .iter()
            .map(|plan| {
                let ruleset = rulesets.get(&plan.contract.ruleset)?;
                let number = match used_rulesets
                    .iter()
                    .position(|used| std::ptr::eq(*used, ruleset))
                {
                    Some(number) => number,
                    None => {
                        used_rulesets.push(ruleset);
                        used_rulesets.len() - 1
                    }
                };
                Some(u32::try_from(number).expect("fewer than 2^32 rulesets"))
            })
            .collect();
        let mut currencies: Vec<Box<str>> = Vec::new();
        let mut segment_days = Vec::new();
        let facts = plans
            .iter()
            .map(|plan| {
                let currency = match currencies
                    .iter()
                    .position(|known| **known == *plan.contract.currency)
                {
                    Some(number) => number,
                    None => {
                        currencies.push(Box::from(plan.contract.currency.as_str()));
                        currencies.len() - 1
                    }
                };
                let start = segment_days.len();
                segment_days.extend(plan.segments.iter().map(|segment| segment.range));
                RouteFacts {
                    term: plan.contract.term(),
                    currency: u32::try_from(currency).expect("fewer than 2^32 currencies"),
                    base: plan.contract.base,
                    segments: (
                        u32::try_from(start).expect("fewer than 2^32 segments"),
                        u32::try_from(plan.segments.len()).expect("fewer than 2^32 segments"),
                    ),
                }
            })
            .collect();
        ContractIndex {
            plans,
            by_account,
            candidates,
            facts,
            segment_days,
            currencies,
            dated_accounts: plans
                .iter()
                .map(|plan| plan.contract.has_account_amendments())
                .collect(),
            ruleset_numbers,
            used_rulesets,
            listed: plans
                .iter()
                .map(|plan| {
                    let folded = plan.contract.folded_products();
                    folded.map(|(name, value)| (name.into(), value)).collect()
                })
                .collect(),
        }
    }

    /// Whether `account`'s lines of `date` belong to `contract`: always, unless an
    /// amendment adds or removes one of its accounts (docs/ARITHMETIC.md, "Amendments").
    #[inline]
    pub(super) fn member(&self, contract: usize, account: &str, date: NaiveDate) -> bool {
        !self.dated_accounts[contract]
            || self.plans[contract].contract.account_member(account, date)
    }

    /// Whether any contract has amendments that change a coefficient.
    pub(super) fn coefficient_amended(&self, contract: usize) -> bool {
        self.plans[contract].contract.has_coefficient_amendments()
    }

    /// The number of a currency among the contracts' currencies; `None` when no contract
    /// is in it.
    #[inline]
    pub(super) fn currency_number(&self, currency: &str) -> Option<u32> {
        self.currencies
            .iter()
            .position(|known| **known == *currency)
            .map(|number| number as u32)
    }

    /// The index of the segment of `contract` containing `date`, as
    /// [`segment_index`](crate::domain::settlement::segment_index) finds it in the plan.
    #[inline]
    pub(super) fn segment(&self, contract: usize, date: NaiveDate) -> Option<usize> {
        let (start, count) = self.facts[contract].segments;
        let days = &self.segment_days[start as usize..(start + count) as usize];
        let index = days.partition_point(|range| range.last < date);
        days.get(index)
            .filter(|range| range.contains(date))
            .map(|_| index)
    }

    /// A number for segment `segment` of `contract`, distinct across all contracts (its
    /// place in the flat list of every contract's segments).
    #[inline]
    pub(super) fn segment_number(&self, contract: usize, segment: usize) -> u32 {
        self.facts[contract].segments.0 + u32::try_from(segment).unwrap_or(u32::MAX)
    }

    /// The contracts that name `account`, earliest start first, then lowest id.
    #[inline]
    pub(super) fn candidates(&self, account: &str) -> &[usize] {
        self.by_account
            .get(account.as_bytes())
            .map_or(&[][..], |&(start, count)| {
                &self.candidates[start as usize..(start + count) as usize]
            })
    }

    /// The contracts, in index order.
    pub fn plans(&self) -> &'a [ContractPlan] {
        self.plans
    }

    /// The number of the ruleset `contract` names, if the registry has it: contracts of
    /// one ruleset share what a product is under it.
    pub(super) fn ruleset_number(&self, contract: usize) -> Option<u32> {
        self.ruleset_numbers[contract]
    }

    /// Ruleset number `number` (of [`ContractIndex::ruleset_number`]).
    pub(super) fn ruleset(&self, number: u32) -> &'a Ruleset {
        self.used_rulesets[number as usize]
    }

    /// What `contract`'s coefficient sheet gives the product whose folded name is
    /// `folded`: what `Contract::product_coefficient` gives for that product.
    pub(super) fn listed_coefficient(&self, contract: usize, folded: &str) -> Option<Decimal> {
        self.listed[contract]
            .iter()
            .find(|(listed, _)| **listed == *folded)
            .map(|&(_, coefficient)| coefficient)
    }

    /// The ruleset `contract` names, if the registry has it.
    pub(super) fn ruleset_of(&self, contract: usize) -> Option<&'a Ruleset> {
        self.ruleset_number(contract)
            .map(|number| self.ruleset(number))
    }
}
