//! The contracts billing lines are attributed to: each with its settlement periods and
//! segments ([`ContractPlan`]), indexed by account ([`ContractIndex`]).

use crate::domain::contract::Contract;
use crate::domain::settlement::{Segment, SettlementPeriod, segments};
use crate::ruleset::{Ruleset, Rulesets};
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
    rulesets: &'a Rulesets,
    /// Account → contracts covering it, earliest start first, then lowest id.
    pub(super) by_account: FastMap<&'a str, Vec<usize>>,
}

impl<'a> ContractIndex<'a> {
    /// Indexes contracts by account.
    pub fn new(plans: &'a [ContractPlan], rulesets: &'a Rulesets) -> Self {
        let mut by_account: FastMap<&str, Vec<usize>> = FastMap::default();
        for (index, plan) in plans.iter().enumerate() {
            for account in &plan.contract.accounts {
                by_account.entry(account.as_str()).or_default().push(index);
            }
        }
        for candidates in by_account.values_mut() {
            candidates.sort_by(|&a, &b| {
                let (a, b) = (&plans[a].contract, &plans[b].contract);
                (a.start, &a.id).cmp(&(b.start, &b.id))
            });
        }
        ContractIndex {
            plans,
            rulesets,
            by_account,
        }
    }

    /// The contracts, in index order.
    pub fn plans(&self) -> &'a [ContractPlan] {
        self.plans
    }

    pub(super) fn ruleset_of(&self, contract: usize) -> Option<&'a Ruleset> {
        self.rulesets.get(&self.plans[contract].contract.ruleset)
    }
}
