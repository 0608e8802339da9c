//! The aggregate's rows turned into the [`FileLedger`] the line route fills from billing
//! lines: the same (contract, segment, product) sums, uncovered spend, currency
//! mismatches, overlapping contracts and unknown products — each row checked against
//! the plan first, so a row the line route would have summed differently stops the run.

use super::tables::{Routes, products};
use crate::attribute::bucket::{LineAmounts, SourceGroup};
use crate::attribute::ledger::FileLedger;
use crate::attribute::plan::ContractPlan;
use crate::attribute::rows::OpenRows;
use crate::domain::aggregate::{AGGREGATE_FORMAT, AggregateRow, Slice};
use crate::domain::contract::Base;
use crate::domain::controls::{Exclusion, TableControl, Tally};
use crate::domain::location::Location;
use crate::domain::money::{self, Overflow};
use crate::ruleset::Rulesets;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A row of the aggregate that cannot be used: where (file, row, column) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregateProblem {
    /// The cell (or the file, for what concerns it whole).
    pub location: Location,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl std::fmt::Display for AggregateProblem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}: {}", self.location, self.message)
    }
}

/// Turns aggregate rows into ledgers, one per aggregate file, against the plan of the
/// current contracts and rulesets.
pub struct AggregateAttributor<'a> {
    plans: &'a [ContractPlan],
    rulesets: &'a Rulesets,
    routes: Routes,
    /// Contract id → index.
    ids: HashMap<&'a str, usize>,
    /// Per contract: slice start → (slice end, segment index).
    slices: Vec<BTreeMap<NaiveDate, (NaiveDate, usize)>>,
    /// Account → every contract naming it, in the line route's order (any currency).
    accounts: BTreeMap<String, Vec<usize>>,
    /// Ruleset → the product keys its products table maps names to.
    mapped: HashMap<String, BTreeSet<String>>,
}

/// A group's running sums.
struct Group {
    coefficient: Decimal,
    lines: u64,
    base: Decimal,
    amounts: LineAmounts,
    rows: OpenRows,
}

impl<'a> AggregateAttributor<'a> {
    /// Ready for the aggregate of `plans` under `rulesets`.
    pub fn new(plans: &'a [ContractPlan], rulesets: &'a Rulesets) -> Self {
        let routes = Routes::new(plans);
        let slices = (0..plans.len())
            .map(|index| {
                let segments = &plans[index].segments;
                routes
                    .slices(plans, index)
                    .into_iter()
                    .map(|slice| {
                        let segment = segments
                            .iter()
                            .position(|segment| segment.range.contains(slice.start))
                            .unwrap_or(0);
                        (slice.start, (slice.end, segment))
                    })
                    .collect()
            })
            .collect();
        let mut accounts: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (index, plan) in plans.iter().enumerate() {
            for account in plan.contract.accounts_ever() {
                accounts.entry(account.to_string()).or_default().push(index);
            }
        }
        for list in accounts.values_mut() {
            list.sort_by(|&a, &b| {
                let (a, b) = (&plans[a].contract, &plans[b].contract);
                (a.start, &a.id).cmp(&(b.start, &b.id))
            });
            list.dedup();
        }
        let mut mapped: HashMap<String, BTreeSet<String>> = HashMap::new();
        for row in products(plans, rulesets) {
            mapped.entry(row.ruleset).or_default().insert(row.product);
        }
        AggregateAttributor {
            plans,
            rulesets,
            routes,
            ids: plans
                .iter()
                .enumerate()
                .map(|(index, plan)| (plan.contract.id.as_str(), index))
                .collect(),
            slices,
            accounts,
            mapped,
        }
    }

    /// The ledger of one aggregate file (`table`), its rows with their row numbers.
    ///
    /// # Errors
    /// Every row that does not fit the plan (up to `max` of them), or an overflow.
    pub fn ledger(
        &self,
        table: &Location,
        rows: &[(usize, AggregateRow)],
        max: usize,
    ) -> Result<FileLedger, Vec<AggregateProblem>> {
        let mut ledger = FileLedger::default();
        let mut control = TableControl {
            table: table.clone(),
            layout: Some(AGGREGATE_FORMAT.to_string()),
            read: Tally::default(),
            attributed: Tally::default(),
            excluded: BTreeMap::new(),
            rejected: Tally::default(),
            blank_rows: 0,
            rows_above_header: 0,
            totals_rows: Vec::new(),
        };
        let mut groups: BTreeMap<(usize, usize, String), Group> = BTreeMap::new();
        let mut problems = Vec::new();
        for (number, row) in rows {
            let at = |column: &str| table.at_row(*number).at_column(column);
            let outcome = self.row(row, *number, &mut ledger, &mut control, &mut groups);
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err((column, message))) => problems.push(AggregateProblem {
                    location: at(column),
                    message,
                }),
                Err(Overflow) => problems.push(AggregateProblem {
                    location: at("net_amount"),
                    message: "the sums are out of range (more than 28 significant digits)".into(),
                }),
            }
            if problems.len() >= max {
                break;
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        ledger.tables.push(control);
        for ((contract, segment, product), group) in groups {
            let weighted = money::mul(group.base, group.coefficient).map_err(|Overflow| {
                vec![AggregateProblem {
                    location: table.clone(),
                    message: format!(
                        "the weighted base of contract {} is out of range",
                        self.plans[contract].contract.id
                    ),
                }]
            })?;
            let bucket = ledger.buckets.entry((contract, segment)).or_default();
            bucket.weighted_base =
                money::add(bucket.weighted_base, weighted).map_err(|Overflow| {
                    vec![AggregateProblem {
                        location: table.clone(),
                        message: format!(
                            "the weighted base of contract {} is out of range",
                            self.plans[contract].contract.id
                        ),
                    }]
                })?;
            bucket.sources.insert(
                0,
                product.into(),
                SourceGroup {
                    coefficient: group.coefficient,
                    base: Tally {
                        rows: group.lines,
                        amount: group.base,
                    },
                    weighted_base: weighted,
                    rows: group.rows.close(),
                    amounts: group.amounts,
                },
            );
        }
        Ok(ledger)
    }

    /// One row into the ledger; `Ok(Err((column, why)))` when it does not fit the plan.
    fn row(
        &self,
        row: &AggregateRow,
        number: usize,
        ledger: &mut FileLedger,
        control: &mut TableControl,
        groups: &mut BTreeMap<(usize, usize, String), Group>,
    ) -> Result<Result<(), (&'static str, String)>, Overflow> {
        let tally = Tally {
            rows: row.lines,
            amount: row.net_amount,
        };
        if row.first_charge_date > row.last_charge_date {
            return Ok(Err((
                "last_charge_date",
                format!(
                    "the last charge date {} is before the first, {}",
                    row.last_charge_date, row.first_charge_date
                ),
            )));
        }
        let (Some(id), Some(slice)) = (&row.contract_id, row.slice) else {
            let exclusion = match self.uncovered(row) {
                Ok(exclusion) => exclusion,
                Err(why) => return Ok(Err(why)),
            };
            match exclusion {
                None => ledger
                    .uncovered
                    .entry((
                        row.account_id.clone(),
                        row.billing_month,
                        row.currency.clone(),
                    ))
                    .or_default()
                    .merge(&tally)?,
                Some(contract) => ledger
                    .currency_mismatches
                    .entry((
                        contract,
                        row.account_id.clone(),
                        row.billing_month,
                        row.currency.clone(),
                    ))
                    .or_default()
                    .merge(&tally)?,
            }
            let kind = match exclusion {
                None => Exclusion::Uncovered,
                Some(_) => Exclusion::CurrencyMismatch,
            };
            control.excluded.entry(kind).or_default().merge(&tally)?;
            control.read.merge(&tally)?;
            return Ok(Ok(()));
        };
        let Some(&contract) = self.ids.get(id.as_str()) else {
            return Ok(Err((
                "contract_id",
                format!("`{id}` is not a contract of the contracts file"),
            )));
        };
        let plan = &self.plans[contract];
        let segment = match self.slices[contract].get(&slice.start) {
            Some(&(end, segment)) if end == slice.end => segment,
            _ => {
                return Ok(Err((
                    "slice_start",
                    format!(
                        "[{}, {}) is not a slice of contract {id} in the plan of the current contracts and rulesets; run `rebate-audit plan` again and rebuild the aggregate",
                        slice.start, slice.end
                    ),
                )));
            }
        };
        if row.currency != plan.contract.currency {
            return Ok(Err((
                "currency",
                format!(
                    "contract {id} is in {}, this row is in {}: coverage joins on currency, so a contract's rows are in its currency",
                    plan.contract.currency, row.currency
                ),
            )));
        }
        if row.first_charge_date < slice.start || row.last_charge_date >= slice.end {
            let column = if row.first_charge_date < slice.start {
                "first_charge_date"
            } else {
                "last_charge_date"
            };
            return Ok(Err((
                column,
                format!(
                    "the charge dates {} to {} are not inside the row's slice [{}, {})",
                    row.first_charge_date, row.last_charge_date, slice.start, slice.end
                ),
            )));
        }
        let key = (row.account_id.clone(), row.currency.clone());
        let candidates = self
            .routes
            .by_account
            .get(&key)
            .map_or(&[][..], Vec::as_slice);
        if self.routes.chosen(&row.account_id, candidates, slice.start) != Some(contract) {
            let chosen = self
                .routes
                .chosen(&row.account_id, candidates, slice.start)
                .map_or("no contract".to_string(), |other| {
                    format!("contract {}", self.plans[other].contract.id)
                });
            return Ok(Err((
                "contract_id",
                format!(
                    "the coverage gives account {}'s {} lines of {} to {chosen}, not to {id}",
                    row.account_id, row.currency, slice.start
                ),
            )));
        }
        let base = match plan.contract.base {
            Base::Net => row.net_amount,
            Base::Cash => money::sub(row.net_amount, row.voucher_amount)?,
            Base::List if row.lines_without_list == 0 => row.list_amount,
            Base::List => {
                return Ok(Err((
                    "lines_without_list",
                    format!(
                        "contract {id} computes its rebate on list amounts (base `list`), but {} of these lines have no list amount; the line route rejects such lines one by one, which an aggregate cannot: fix the bill or audit it with the line route",
                        row.lines_without_list
                    ),
                )));
            }
        };
        // Within a slice the contracts covering an account do not change (the plan cuts
        // slices where they do): the others of its first day are those of every line.
        for other in candidates.iter().copied().filter(|&other| {
            other != contract
                && self
                    .routes
                    .chosen(&row.account_id, &[other], slice.start)
                    .is_some()
        }) {
            let entry = ledger
                .overlaps
                .entry((row.account_id.clone(), contract, other))
                .or_insert((
                    Tally::default(),
                    row.first_charge_date,
                    row.last_charge_date,
                ));
            entry.0.merge(&tally)?;
            entry.1 = entry.1.min(row.first_charge_date);
            entry.2 = entry.2.max(row.last_charge_date);
        }
        let (product, coefficient, known) = self.product(contract, segment, &row.product);
        if !known {
            ledger
                .unknown_products
                .entry((contract, product.clone()))
                .or_default()
                .merge(&tally)?;
        }
        let group = groups
            .entry((contract, segment, product))
            .or_insert_with(|| Group {
                coefficient,
                lines: 0,
                base: Decimal::ZERO,
                amounts: LineAmounts::default(),
                rows: OpenRows::default(),
            });
        group.lines += row.lines;
        group.base = money::add(group.base, base)?;
        group.amounts.merge(&LineAmounts {
            net: row.net_amount,
            list: row.list_amount,
            without_list: row.lines_without_list,
            voucher: row.voucher_amount,
        })?;
        group.rows.push(number);
        control.read.merge(&tally)?;
        control.attributed.merge(&tally)?;
        Ok(Ok(()))
    }

    /// The product key, coefficient and whether anyone named the product, as the line
    /// route works them out for a line of this product (`Attributor::coefficient`).
    fn product(&self, contract: usize, segment: usize, product: &str) -> (String, Decimal, bool) {
        let plan = &self.plans[contract];
        let contract = &plan.contract;
        let ruleset = self.rulesets.get(&contract.ruleset);
        let resolved = ruleset.map(|ruleset| ruleset.product(product));
        let mapped = self
            .mapped
            .get(&contract.ruleset)
            .is_some_and(|keys| keys.contains(product));
        // A key the products table gave is the line route's key; a name the engine
        // could not map (a spelling LOWER(TRIM) does not fold) is resolved here.
        let key = match &resolved {
            Some(resolved) if resolved.known && !mapped => resolved.name.clone(),
            _ => product.to_string(),
        };
        let canonical = resolved
            .as_ref()
            .map_or(product, |resolved| resolved.name.as_str());
        // A coefficient amendment re-weights the product from a segment's first day on
        // (`Attributor::amended_coefficient`).
        let amended = plan
            .segments
            .get(segment)
            .filter(|_| contract.has_coefficient_amendments())
            .and_then(|segment| contract.amended_coefficient(canonical, segment.range.first))
            .map(|(coefficient, _)| coefficient);
        let from_contract = amended.or_else(|| contract.product_coefficient(canonical));
        let from_ruleset = ruleset.and_then(|ruleset| ruleset.coefficient(canonical));
        let known = mapped
            || resolved.as_ref().is_some_and(|resolved| resolved.known)
            || from_contract.is_some()
            || from_ruleset.is_some();
        (
            key,
            from_contract.or(from_ruleset).unwrap_or(Decimal::ONE),
            known,
        )
    }

    /// For a row no coverage row matched: `None` when no contract covers its account on
    /// its days (uncovered spend), the contract that does in another currency (a currency
    /// mismatch), or why neither holds for every one of its days.
    fn uncovered(&self, row: &AggregateRow) -> Result<Option<usize>, (&'static str, String)> {
        if row.contract_id.is_some() || row.slice.is_some() {
            return Err((
                if row.contract_id.is_some() {
                    "slice_start"
                } else {
                    "contract_id"
                },
                "contract_id and the slice are given together or not at all".into(),
            ));
        }
        let end = row.last_charge_date.succ_opt().unwrap_or(NaiveDate::MAX);
        let in_currency = self
            .routes
            .by_account
            .get(&(row.account_id.clone(), row.currency.clone()))
            .map_or(&[][..], Vec::as_slice);
        let account = row.account_id.as_str();
        for day in self
            .routes
            .changes(account, in_currency, row.first_charge_date, end)
        {
            if let Some(contract) = self.routes.chosen(account, in_currency, day) {
                return Err((
                    "contract_id",
                    format!(
                        "the row has no contract, but the coverage gives account {}'s {} lines of {day} to contract {}",
                        row.account_id, row.currency, self.plans[contract].contract.id
                    ),
                ));
            }
        }
        let any = self
            .accounts
            .get(&row.account_id)
            .map_or(&[][..], Vec::as_slice);
        let days = self
            .routes
            .changes(account, any, row.first_charge_date, end);
        let first = self.routes.chosen(account, any, row.first_charge_date);
        if days
            .iter()
            .any(|&day| self.routes.chosen(account, any, day) != first)
        {
            return Err((
                "first_charge_date",
                format!(
                    "the uncovered lines of account {} from {} to {} are covered by a contract in another currency on some of these days and not on others; the line route tells them apart day by day: aggregate uncovered lines per charge day",
                    row.account_id, row.first_charge_date, row.last_charge_date
                ),
            ));
        }
        Ok(first)
    }

    /// The slices of contract `index`, for messages and tests.
    pub fn slices_of(&self, index: usize) -> Vec<Slice> {
        self.slices[index]
            .iter()
            .map(|(&start, &(end, _))| Slice { start, end })
            .collect()
    }
}
