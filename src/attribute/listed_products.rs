//! The `products` rows the contract workbook alone could not place, checked against the
//! bills: a product no name of the contract's ruleset matches must be one billed to the
//! contract, or it is a typo (`rsd` for `rds`) that would leave the product it meant at
//! its default coefficient — so it stops the run, naming the cell and the closest names.
//!
//! A listed product matches a billed one when the two are the same word as typed (case,
//! full-width letters, spaces, underscores and hyphens ignored), whether the bill's name
//! is compared as billed or as the contract's ruleset names it.

use super::plan::ContractPlan;
use super::totals::BillingTotals;
use crate::domain::words::{closest, did_you_mean, fold};
use crate::ingest::contracts::{ContractError, ContractErrors, UnmatchedProduct};
use crate::ruleset::Rulesets;
use std::collections::{BTreeMap, BTreeSet};

/// The products billed to each contract (by id): the products of its buckets' source
/// groups and its unknown products, as attribution named them.
pub fn billed_products(
    plans: &[ContractPlan],
    totals: &BillingTotals,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut billed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (plan, buckets) in plans.iter().zip(&totals.buckets) {
        let products = billed.entry(plan.contract.id.clone()).or_default();
        for bucket in buckets {
            products.extend(
                bucket
                    .sources
                    .iter()
                    .map(|source| source.product.to_string()),
            );
        }
    }
    for (contract, product) in totals.unknown_products.keys() {
        if let Some(plan) = plans.get(*contract) {
            billed
                .entry(plan.contract.id.clone())
                .or_default()
                .insert(product.clone());
        }
    }
    billed
}

/// Checks every unmatched `products` row against the products billed to its contract.
///
/// # Errors
/// One per row whose product is neither a name of the contract's ruleset nor billed to
/// the contract, naming its cell and the closest names (the ruleset's canonical codes and
/// aliases, and the billed products).
pub fn check_listed_products(
    unmatched: &[UnmatchedProduct],
    billed: &BTreeMap<String, BTreeSet<String>>,
    rulesets: &Rulesets,
) -> Result<(), ContractErrors> {
    let none = BTreeSet::new();
    let mut errors = Vec::new();
    for listed in unmatched {
        let billed = billed.get(&listed.contract).unwrap_or(&none);
        let ruleset = rulesets.get(&listed.ruleset);
        let wanted = fold(&listed.product);
        let matched = billed.iter().any(|product| {
            fold(product) == wanted
                || ruleset.is_some_and(|ruleset| fold(&ruleset.product(product).name) == wanted)
        });
        if matched {
            continue;
        }
        let names = ruleset
            .map(|ruleset| ruleset.product_names())
            .unwrap_or_default();
        let canonical: BTreeSet<&str> = names.iter().map(|(_, canonical)| *canonical).collect();
        let known = canonical
            .iter()
            .copied()
            .chain(names.iter().map(|(alias, _)| *alias))
            .chain(billed.iter().map(String::as_str));
        errors.push(ContractError {
            location: listed.location.clone(),
            message: format!(
                "expected a product of ruleset {} or one billed to {}, found `{}`{}",
                listed.ruleset,
                listed.contract,
                listed.product,
                did_you_mean(&closest(&listed.product, known))
            )
            .into(),
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ContractErrors(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::contracts::load;
    use crate::ingest::table::Limits;

    /// A contract under the aliyun ruleset with a five-row `products` table: an alias, a
    /// canonical code in full-width capitals, a product only the bills know, a product
    /// named as billed but in other case and spacing, and a typo.
    fn book() -> crate::ingest::contracts::ContractBook {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(
            folder.path().join("contracts.csv"),
            "contract_id,provider,accounts,start,end,tier_basis,tier_mode,settlement\n\
             ALI-2024-001,aliyun,A1,2025-01-01,2025-12-31,period,retroactive,monthly\n",
        )
        .unwrap();
        std::fs::write(
            folder.path().join("tiers.csv"),
            "contract_id,from,to,rate\nALI-2024-001,0,,10%\n",
        )
        .unwrap();
        std::fs::write(
            folder.path().join("products.csv"),
            "contract_id,product,coefficient\n\
             ALI-2024-001,云数据库 RDS 版,0.5\n\
             ALI-2024-001,ＯＳＳ,0.8\n\
             ALI-2024-001,widget,0\n\
             ALI-2024-001,Quantum  Annealer,0\n\
             ALI-2024-001,ecss,1\n",
        )
        .unwrap();
        load(
            folder.path(),
            &Rulesets::load(None).unwrap(),
            &Limits::DEFAULT,
        )
        .unwrap()
    }

    #[test]
    fn a_listed_product_must_be_a_ruleset_name_or_billed() {
        let book = book();
        let contract = &book.contracts[0];
        // The alias and the full-width code are placed at once, by their canonical codes.
        assert_eq!(
            contract.product_coefficient("rds"),
            Some("0.5".parse().unwrap())
        );
        assert_eq!(
            contract.product_coefficient("oss"),
            Some("0.8".parse().unwrap())
        );
        let unmatched: Vec<&str> = book
            .unmatched_products
            .iter()
            .map(|listed| listed.product.as_str())
            .collect();
        assert_eq!(unmatched, ["widget", "Quantum  Annealer", "ecss"]);
        let billed = BTreeMap::from([(
            "ALI-2024-001".to_string(),
            BTreeSet::from([
                "ecs".to_string(),
                "widget".to_string(),
                "quantum annealer".to_string(),
            ]),
        )]);
        let rulesets = Rulesets::load(None).unwrap();
        let errors = check_listed_products(&book.unmatched_products, &billed, &rulesets)
            .unwrap_err()
            .0;
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0]
                .location
                .to_string()
                .ends_with("products.csv:6:product"),
            "{}",
            errors[0]
        );
        // `ess` (Alibaba's Auto Scaling code, in the complete catalog) is one edit away too.
        assert_eq!(
            errors[0].message,
            "expected a product of ruleset aliyun or one billed to ALI-2024-001, found `ecss`; did you mean `ecs` or `ess`?"
        );
        // Billed as listed (`widget`) or named alike (`Quantum Annealer`): no error; and
        // the attribution weighs them by the listed coefficient.
        assert_eq!(
            contract.product_coefficient("quantum annealer"),
            Some(0.into())
        );
        // Nothing billed at all: every unmatched row is an error.
        let errors = check_listed_products(&book.unmatched_products, &BTreeMap::new(), &rulesets)
            .unwrap_err()
            .0;
        assert_eq!(errors.len(), 3);
    }
}
