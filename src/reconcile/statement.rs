//! The agent's statements against the recomputation (docs/ARITHMETIC.md, "Agent
//! statements"): each row placed on its contract and settlement period, the rows of a
//! period rolled up, base, rate, rebate and payable compared with W_p, the reached
//! bracket's rate and E_p, and the usual mistake that explains a difference named. A
//! statement total no payout matches is a finding too. Pure: rows and computations in,
//! findings out.

use crate::domain::computation::ContractComputation;
use crate::domain::contract::{Contract, DateRange};
use crate::domain::finding::{
    About, Evidence, Fact, Finding, FindingType, PeriodTrail, SourceRows, TrailRef,
};
use crate::domain::payout::Payout;
use crate::domain::period::YearMonth;
use crate::domain::statement::{StatedFigure, StatementCause, StatementField, StatementRow};
use crate::domain::words::{closest, did_you_mean};
use crate::ingest::missing_columns::TableProblem;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// A statement row placed: its contract (index into the contracts given) and settlement
/// period (index into that contract's periods).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    /// The contract.
    pub contract: usize,
    /// The settlement period.
    pub period: usize,
    /// The row (index into the rows given).
    pub row: usize,
}

/// Places every row on a contract and one of its settlement periods: by its contract id,
/// else by its account (the one contract listing it whose term holds the row's dates);
/// a row's dates must lie within one settlement period (a month rolls up into its
/// quarter). A row that cannot be placed is a problem naming its cell: the run stops,
/// because comparing it with nothing, or with a guess, would be a false finding.
///
/// # Errors
/// Every row that names an unknown contract or account, an account on several contracts,
/// another currency than its contract's, or dates in no single settlement period.
pub fn place(
    contracts: &[&Contract],
    periods: &[&[crate::domain::settlement::SettlementPeriod]],
    rows: &[StatementRow],
) -> Result<Vec<Placed>, Vec<TableProblem>> {
    let mut placed = Vec::with_capacity(rows.len());
    let mut problems = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        match place_row(contracts, periods, row) {
            Ok((contract, period)) => placed.push(Placed {
                contract,
                period,
                row: index,
            }),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(placed)
    } else {
        Err(problems)
    }
}

fn place_row(
    contracts: &[&Contract],
    periods: &[&[crate::domain::settlement::SettlementPeriod]],
    row: &StatementRow,
) -> Result<(usize, usize), TableProblem> {
    let problem = |location: &crate::domain::location::Location, message: String| TableProblem {
        location: location.clone(),
        message,
    };
    let contract = match (&row.contract_id, &row.account_id) {
        (Some(id), _) => contracts
            .iter()
            .position(|contract| contract.id == *id)
            .ok_or_else(|| {
                let near = closest(id, contracts.iter().map(|contract| contract.id.as_str()));
                problem(
                    &row.contract_cell,
                    format!(
                        "expected a contract id of the contract workbook, found `{id}`{}; a statement for a contract the audit does not have cannot be compared",
                        did_you_mean(&near)
                    ),
                )
            })?,
        (None, Some(account)) => {
            let on: Vec<usize> = contracts
                .iter()
                .enumerate()
                .filter(|(_, contract)| {
                    contract.account_member(account, row.dates.first)
                        && contract.term().contains(row.dates.first)
                })
                .map(|(index, _)| index)
                .collect();
            match on.as_slice() {
                [one] => *one,
                [] => {
                    return Err(problem(
                        &row.contract_cell,
                        format!(
                            "expected an account of a contract in force on {}, found `{account}`, which no contract lists; add a contract_id (合同编号) column to the statement",
                            row.dates.first
                        ),
                    ));
                }
                several => {
                    return Err(problem(
                        &row.contract_cell,
                        format!(
                            "account `{account}` is on contracts {} on {}; add a contract_id (合同编号) column to say which",
                            several
                                .iter()
                                .map(|index| contracts[*index].id.as_str())
                                .collect::<Vec<_>>()
                                .join(", "),
                            row.dates.first
                        ),
                    ));
                }
            }
        }
        (None, None) => unreachable!("the reader rejects a row with neither"),
    };
    let found = contracts[contract];
    if let Some(currency) = &row.currency
        && *currency != found.currency
    {
        return Err(problem(
            &row.source,
            format!(
                "expected the currency of contract {} ({}), found `{currency}`; amounts in another currency cannot be compared",
                found.id, found.currency
            ),
        ));
    }
    let period = periods[contract]
        .iter()
        .position(|period| {
            period.range.first <= row.dates.first && row.dates.last <= period.range.last
        })
        .ok_or_else(|| {
            problem(
                &row.period_cell,
                format!(
                    "expected dates within one settlement period of contract {} (term {} to {}, settled {}), found {} to {}",
                    found.id,
                    found.start,
                    found.end,
                    found.settlement.word(),
                    row.dates.first,
                    row.dates.last
                ),
            )
        })?;
    Ok((contract, period))
}

/// What comparing one contract's statement rows reads.
pub struct StatementInput<'a> {
    /// The contract.
    pub contract: &'a Contract,
    /// Its computation.
    pub computation: &'a ContractComputation,
    /// Each period's trail, stored once for the contract, for the evidence to refer to
    /// (empty when not wanted).
    pub periods: &'a [Arc<PeriodTrail>],
    /// The billing rows behind each period.
    pub source_rows: &'a [&'a [SourceRows]],
    /// Its statement rows, with their period.
    pub rows: Vec<(usize, &'a StatementRow)>,
    /// Its payouts in its currency.
    pub payouts: &'a [&'a Payout],
    /// Differences up to this are not findings (the ruleset's).
    pub tolerance: Decimal,
}

/// The statement findings of one contract: a `statement_mismatch` per settlement period
/// whose rolled-up statement differs from the recomputation, and a `statement_unpaid` per
/// statement total no payout matches.
pub fn compare(input: &StatementInput<'_>) -> Vec<Finding> {
    let mut by_period: BTreeMap<usize, Vec<&StatementRow>> = BTreeMap::new();
    for (period, row) in &input.rows {
        by_period.entry(*period).or_default().push(row);
    }
    let mut findings: Vec<Finding> = by_period
        .iter()
        .filter_map(|(period, rows)| mismatch(input, *period, rows))
        .collect();
    findings.extend(unpaid(input));
    findings
}

/// The sum of a field over rows, when every row states it.
fn sum_all(
    rows: &[&StatementRow],
    field: impl Fn(&StatementRow) -> Option<Decimal>,
) -> Option<Decimal> {
    rows.iter()
        .map(|row| field(row))
        .try_fold(Decimal::ZERO, |sum, value| value.map(|value| sum + value))
}

/// The figures of one period's rows beside the recomputation, and the finding when one
/// differs.
fn mismatch(input: &StatementInput<'_>, period: usize, rows: &[&StatementRow]) -> Option<Finding> {
    let rebate = input.computation.rebates.get(period)?;
    let range = input.computation.periods.get(period)?.range;
    let tolerance = input.tolerance;
    let figure = |field, stated: Decimal, recomputed: Decimal| StatedFigure {
        field,
        stated,
        recomputed,
        differs: if field == StatementField::Rate {
            stated != recomputed
        } else {
            (stated - recomputed).abs() > tolerance
        },
    };
    let mut figures = Vec::new();
    let base = sum_all(rows, |row| row.base);
    if let Some(base) = base {
        figures.push(figure(StatementField::Base, base, rebate.weighted_base));
    }
    // A rate is compared only when every row states the same one.
    let rate = rows
        .first()
        .and_then(|first| first.rate)
        .filter(|rate| rows.iter().all(|row| row.rate == Some(*rate)));
    if let Some(rate) = rate {
        figures.push(figure(StatementField::Rate, rate, rebate.bracket_rate));
    }
    if let Some(stated) = sum_all(rows, |row| row.rebate) {
        figures.push(figure(StatementField::Rebate, stated, rebate.expected));
    }
    let payable = sum_all(rows, StatementRow::stated_payable)?;
    // What is payable: E_p after the contract's clawback rule (E_p when it names none).
    let due =
        crate::compute::clawback::payable(&input.computation.clawback, period, rebate.expected);
    figures.push(figure(StatementField::Payable, payable, due));
    if !figures.iter().any(|figure| figure.differs) {
        return None;
    }
    let causes = causes(input, period, range, rows, &figures, base, rate);
    let statements: BTreeSet<String> = rows
        .iter()
        .filter_map(|row| row.statement_no.clone())
        .collect();
    let mut finding = Finding::new(
        FindingType::StatementMismatch,
        Fact {
            contract_id: Some(&input.contract.id),
            period_start: Some(range.first),
            ..Fact::default()
        },
        About::StatementMismatch {
            currency: input.contract.currency.clone(),
            figures: figures.clone(),
            causes,
            rows: rows.len() as u64,
            statements: statements.into_iter().collect(),
        },
    );
    finding.period_end = Some(range.last);
    finding.expected = Some(due);
    finding.paid = Some(payable);
    finding.difference = Some(payable - due);
    finding.amount = Some((payable - due).abs());
    finding.evidence = Evidence {
        location: rows.first().map(|row| row.source.clone()),
        // The period's trail as its first installment sees it: a statement is about
        // the whole period.
        period: input.periods.get(period).map(|trail| TrailRef {
            installment: trail.computation.installment,
            trail: Arc::clone(trail),
        }),
        facts: facts(&figures, rows, &causes_of(&finding)),
        ..Evidence::default()
    };
    Some(finding)
}

/// The likely causes' codes, for the evidence facts.
fn causes_of(finding: &Finding) -> String {
    match &finding.about {
        About::StatementMismatch { causes, .. } => causes
            .iter()
            .map(StatementCause::code)
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

/// The agent's numbers beside the recomputed ones, the likely causes' codes and where the
/// rows are.
fn facts(figures: &[StatedFigure], rows: &[&StatementRow], causes: &str) -> Vec<(String, String)> {
    let mut facts = Vec::new();
    for figure in figures {
        let word = figure.field.word();
        let text = |value: Decimal| match figure.field {
            StatementField::Rate => value.normalize().to_string(),
            _ => amount_text(value),
        };
        facts.push((format!("statement_{word}"), text(figure.stated)));
        facts.push((format!("recomputed_{word}"), text(figure.recomputed)));
    }
    facts.push((
        "statement_rows".into(),
        rows.iter()
            .map(|row| row.source.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    ));
    if !causes.is_empty() {
        facts.push(("likely_causes".into(), causes.to_string()));
    }
    facts.push((
        "statement_layout".into(),
        rows.first()
            .map(|row| row.layout.clone())
            .unwrap_or_default(),
    ));
    facts
}

/// An amount as the evidence shows money: at least two decimals, never a digit dropped
/// (a weighted base keeps its exact decimals), whatever scale the arithmetic left it at —
/// so the line route and the aggregate route write the same text for the same number.
fn amount_text(value: Decimal) -> String {
    let mut value = value.normalize();
    if value.scale() < 2 {
        value.rescale(2);
    }
    value.to_string()
}

/// The usual mistakes whose numbers reproduce the difference, most telling first.
fn causes(
    input: &StatementInput<'_>,
    period: usize,
    range: DateRange,
    rows: &[&StatementRow],
    figures: &[StatedFigure],
    base: Option<Decimal>,
    rate: Option<Decimal>,
) -> Vec<StatementCause> {
    let tolerance = input.tolerance;
    let rebate = &input.computation.rebates[period];
    let mut causes = Vec::new();
    // A product left out: the base short by exactly one product's weighted base.
    if let Some(base) = base {
        let short = rebate.weighted_base - base;
        if short > tolerance {
            let mut products: BTreeMap<&str, Decimal> = BTreeMap::new();
            for source in input.source_rows.get(period).copied().unwrap_or_default() {
                *products.entry(source.product.as_str()).or_default() += source.weighted_base;
            }
            for (product, weighted_base) in products {
                if (weighted_base - short).abs() <= tolerance {
                    causes.push(StatementCause::ProductLeftOut {
                        product: product.to_string(),
                        weighted_base,
                    });
                }
            }
        }
    }
    // A month missing: monthly rows, and a month of the period none of them covers.
    let monthly = rows
        .iter()
        .all(|row| YearMonth::of(row.dates.first) == YearMonth::of(row.dates.last));
    if monthly {
        let covered: BTreeSet<YearMonth> = rows
            .iter()
            .map(|row| YearMonth::of(row.dates.first))
            .collect();
        let mut day = Some(range.first);
        while let Some(first) = day.filter(|first| *first <= range.last) {
            let month = YearMonth::of(first);
            if !covered.contains(&month) {
                causes.push(StatementCause::MonthMissing { month });
            }
            day = month.last_day().succ_opt();
        }
    }
    // The wrong tier: the base agrees (or is not stated), the rate is another bracket's —
    // of the table in force for the period (an amendment's, when one priced it).
    let base_agrees = figures
        .iter()
        .all(|figure| figure.field != StatementField::Base || !figure.differs);
    if let Some(stated) = rate
        && stated != rebate.bracket_rate
        && base_agrees
        && let Some(bracket) = input
            .contract
            .tier_table(rebate.amendment)
            .brackets()
            .iter()
            .find(|bracket| bracket.rate == stated)
    {
        causes.push(StatementCause::WrongTier {
            stated,
            reached: rebate.bracket_rate,
            bracket_from: bracket.from,
        });
    }
    // A deduction: the contract provides for none, so any deduction explains a payable
    // below the rebate.
    let deducted: Decimal = rows.iter().filter_map(|row| row.deductions).sum();
    let payable_differs = figures
        .iter()
        .any(|figure| figure.field == StatementField::Payable && figure.differs);
    if !deducted.is_zero() && payable_differs {
        let reasons: BTreeSet<String> = rows
            .iter()
            .filter(|row| row.deductions.is_some_and(|amount| !amount.is_zero()))
            .filter_map(|row| row.deduction_reason.clone())
            .collect();
        causes.push(StatementCause::DeductionNotInContract {
            amount: deducted,
            reasons: reasons.into_iter().collect(),
        });
    }
    causes
}

/// Statement totals no payout matches: rows grouped by statement number (rows without
/// one by settlement period), each positive total matched to a payout of the contract of
/// that amount (within the tolerance), each payout matching one total at most, in
/// ledger order.
fn unpaid(input: &StatementInput<'_>) -> Vec<Finding> {
    let mut totals: BTreeMap<(Option<&str>, usize), Vec<&StatementRow>> = BTreeMap::new();
    for (period, row) in &input.rows {
        let key = match row.statement_no.as_deref() {
            Some(number) => (Some(number), 0),
            None => (None, *period),
        };
        totals.entry(key).or_default().push(row);
    }
    let mut used = vec![false; input.payouts.len()];
    let mut findings = Vec::new();
    for ((number, _), rows) in totals {
        let Some(total) = sum_all(&rows, StatementRow::stated_payable) else {
            continue;
        };
        if total <= input.tolerance {
            continue;
        }
        let matched = input
            .payouts
            .iter()
            .enumerate()
            .position(|(index, payout)| {
                !used[index] && (payout.amount - total).abs() <= input.tolerance
            });
        if let Some(index) = matched {
            used[index] = true;
            continue;
        }
        let first = rows
            .iter()
            .map(|row| row.dates.first)
            .min()
            .unwrap_or_default();
        let last = rows
            .iter()
            .map(|row| row.dates.last)
            .max()
            .unwrap_or_default();
        let period_start = input
            .computation
            .periods
            .iter()
            .find(|period| period.range.contains(first))
            .map_or(first, |period| period.range.first);
        let period_end = input
            .computation
            .periods
            .iter()
            .find(|period| period.range.contains(last))
            .map_or(last, |period| period.range.last);
        let mut finding = Finding::new(
            FindingType::StatementUnpaid,
            Fact {
                contract_id: Some(&input.contract.id),
                period_start: Some(period_start),
                subject: number,
                ..Fact::default()
            },
            About::StatementUnpaid {
                currency: input.contract.currency.clone(),
                statement: number.unwrap_or("").to_string(),
                rows: rows.len() as u64,
            },
        );
        finding.period_end = Some(period_end);
        finding.amount = Some(total);
        finding.evidence = Evidence {
            location: rows.first().map(|row| row.source.clone()),
            facts: vec![
                ("statement_payable".into(), amount_text(total)),
                (
                    "statement_rows".into(),
                    rows.iter()
                        .map(|row| row.source.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                (
                    "payouts_of_contract".into(),
                    input
                        .payouts
                        .iter()
                        .map(|payout| format!("{} {}", payout.id, payout.amount))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ],
            ..Evidence::default()
        };
        findings.push(finding);
    }
    findings
}

#[cfg(test)]
mod tests;
