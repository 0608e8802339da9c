//! What the cause analysis of one contract reads. Apart from the replays and the checks so
//! that both can name it without importing each other.

use crate::attribute::{Bucket, ContractPlan};
use crate::domain::computation::{InstallmentShare, PeriodRebate};
use crate::domain::contract::Contract;
use crate::domain::money::Rounding;
use crate::domain::settlement::{Segment, SettlementPeriod};
use rust_decimal::Decimal;

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
