//! The projections stage: each contract's open contract year projected from the same
//! weighted bases the audit computed (docs/ARITHMETIC.md, "Projections"), one contract
//! per task, in contract order. Projections are no findings: nothing here feeds back
//! into an installment or a finding.

use crate::app::services::StageError;
use crate::attribute::{BillingTotals, ContractPlan};
use crate::compute::projection::{self, ProjectionInput};
use crate::domain::money::Overflow;
use crate::domain::projection::Projection;
use crate::ruleset::Rulesets;
use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::Decimal;

/// Project: every contract whose term holds `as_of`, in contract order.
///
/// # Errors
/// When a contract's amounts overflow.
pub fn project(
    plans: &[ContractPlan],
    rulesets: &Rulesets,
    billing: &BillingTotals,
    as_of: NaiveDate,
) -> Result<Vec<Projection>, StageError> {
    // At debug: the stage lines a nightly log shows at info stay as they were.
    let span = tracing::debug_span!(
        "stage",
        stage = "project",
        contracts = plans.len(),
        projections = tracing::field::Empty
    )
    .entered();
    let projections: Vec<Option<Projection>> = plans
        .par_iter()
        .enumerate()
        .map(|(index, plan)| {
            let ruleset = rulesets
                .get(&plan.contract.ruleset)
                .unwrap_or_else(|| rulesets.default_for_provider(&plan.contract.provider));
            let bases: Vec<Decimal> = billing.buckets[index]
                .iter()
                .map(|bucket| bucket.weighted_base)
                .collect();
            projection::project(&ProjectionInput {
                contract: &plan.contract,
                periods: &plan.periods,
                segments: &plan.segments,
                segment_bases: &bases,
                rounding: ruleset.rounding,
                as_of,
            })
            .map_err(|Overflow| StageError::Overflow(plan.contract.id.clone()))
        })
        .collect::<Result<_, _>>()?;
    let projections: Vec<Projection> = projections.into_iter().flatten().collect();
    span.record("projections", projections.len());
    Ok(projections)
}
