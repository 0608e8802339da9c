//! findings.json's records of a computation trail: a period's (under `periods`, once) and an
//! installment's (report.html's trails), and how findings.json writes money and dates.

use crate::domain::clawback::ClawbackStep;
use crate::domain::computation::{
    BracketSlice, CatchUp, Computation, InstallmentSplit, ProductBase, TierBracket,
};
use crate::domain::finding::{PeriodTrail, SourceRows};
use crate::domain::lang::Lang;
use crate::domain::money::format_rate;
use crate::domain::money_text::{self, Shown};
use crate::report::i18n;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// Money: a string with exactly two decimals.
pub(super) use crate::domain::money_text::plain as money;

/// Money, or null.
pub(super) fn optional_money(amount: Option<Decimal>) -> Option<Shown> {
    amount.map(money)
}

/// An ISO date, or null.
pub(super) fn date(day: Option<NaiveDate>) -> Option<Shown> {
    day.map(money_text::day)
}

/// An ISO date.
pub(super) fn day(day: NaiveDate) -> Shown {
    money_text::day(day)
}

/// A computation: an installment's (every field) or, under `periods`, its period's (without
/// `formula`, `portion`, `installment_expected`, `due_rule` and `installment`, which are
/// each installment's own and stated in `installments`).
#[derive(Serialize)]
pub(in crate::report) struct ComputationJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    formula: Option<String>,
    base: &'a str,
    tier_basis: &'a str,
    tier_mode: &'a str,
    period_weighted_base: Shown,
    scope_start: Shown,
    scope_end: Shown,
    scope_weighted_base: Shown,
    bracket_rate: String,
    scope_rebate: Shown,
    cap: Option<Shown>,
    cap_applied: bool,
    earned_before: Shown,
    earned_through: Shown,
    period_expected: Shown,
    #[serde(skip_serializing_if = "Option::is_none")]
    portion: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    installment_expected: Option<Shown>,
    #[serde(skip_serializing_if = "Option::is_none")]
    due_rule: Option<String>,
    // The full trail (issue 5); every field below was added to schema v1.
    period_start: Shown,
    period_end: Shown,
    weighted_base_by_product: Vec<ProductBaseJson<'a>>,
    scope_weighted_base_before: Shown,
    scope_rebate_before: Shown,
    bracket: Option<BracketJson>,
    bracket_slices: Vec<SliceJson>,
    catch_up: Option<CatchUpJson>,
    cap_scope_start: Shown,
    cap_scope_end: Shown,
    rebate_before_cap: Shown,
    cap_cut: Option<Shown>,
    grace_days: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    installment: Option<u32>,
    installments: Vec<SplitJson<'a>>,
    /// The amendment whose tier table priced the period; absent under the contract's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    amendment: Option<AmendmentJson<'a>>,
    // Only when the contract names a clawback rule (issue 19).
    #[serde(skip_serializing_if = "Option::is_none")]
    clawback: Option<ClawbackJson>,
    /// The coefficient and account amendments the period was computed under (issue 19).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    amended_terms: Vec<AmendedTermJson<'a>>,
}

/// A coefficient or account amendment a period's trail names.
#[derive(Serialize)]
struct AmendedTermJson<'a> {
    id: &'a str,
    effective_from: Shown,
    change: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    product: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coefficient: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<&'a str>,
    source: String,
}

fn amended_term(amendment: &crate::domain::amendment::Amendment) -> AmendedTermJson<'_> {
    let coefficient = amendment.coefficient();
    let account = amendment.account();
    AmendedTermJson {
        id: &amendment.id,
        effective_from: day(amendment.effective_from),
        change: match (coefficient, account) {
            (Some(_), _) => "coefficient",
            (_, Some((_, true))) => "account_add",
            _ => "account_remove",
        },
        product: coefficient.map(|(product, _)| product),
        coefficient: coefficient.map(|(_, coefficient)| coefficient.normalize().to_string()),
        account: account.map(|(account, _)| account),
        source: amendment.source.to_string(),
    }
}

/// An amendment a period's trail names.
#[derive(Serialize)]
struct AmendmentJson<'a> {
    id: &'a str,
    effective_from: Shown,
    applies_from: Shown,
    retroactive: bool,
    source: &'a str,
}

/// What the contract's clawback rule made of E_p (docs/ARITHMETIC.md, "Clawbacks").
#[derive(Serialize)]
struct ClawbackJson {
    rule: &'static str,
    period_rebate: Shown,
    carried_in: Shown,
    deducted: Shown,
    payable: Shown,
    carried_out: Shown,
    lapsed: Shown,
}

fn clawback(step: &ClawbackStep) -> ClawbackJson {
    ClawbackJson {
        rule: step.rule.word(),
        period_rebate: money(step.period_rebate),
        carried_in: money(step.carried_in),
        deducted: money(step.deducted),
        payable: money(step.payable),
        carried_out: money(step.carried_out),
        lapsed: money(step.lapsed),
    }
}

/// A settlement period under `periods`: its key, its computation and the billing rows
/// behind its weighted base, written once however many findings name it.
#[derive(Serialize)]
pub(super) struct PeriodJson<'a> {
    key: String,
    contract_id: &'a str,
    period_start: Shown,
    period_end: Shown,
    computation: ComputationJson<'a>,
    source_rows: Vec<SourceRowsJson<'a>>,
}

#[derive(Serialize)]
struct ProductBaseJson<'a> {
    product: &'a str,
    base: Shown,
    coefficient: String,
    weighted_base: Shown,
    rows: u64,
}

#[derive(Serialize)]
struct BracketJson {
    from: Shown,
    to: Option<Shown>,
    rate: String,
}

#[derive(Serialize)]
struct SliceJson {
    from: Shown,
    to: Option<Shown>,
    rate: String,
    volume: Shown,
    rebate: Shown,
}

#[derive(Serialize)]
struct CatchUpJson {
    earlier_weighted_base: Shown,
    rate_before: String,
    rate_after: String,
    amount: Shown,
}

#[derive(Serialize)]
struct SplitJson<'a> {
    installment: u32,
    trigger: &'a str,
    portion: &'a str,
    expected: Shown,
    due_on: Option<Shown>,
    due_rule: String,
}

#[derive(Serialize)]
pub(in crate::report) struct SourceRowsJson<'a> {
    file: &'a str,
    sheet: Option<&'a str>,
    product: &'a str,
    coefficient: String,
    rows: u64,
    row_ranges: &'a str,
    base: Shown,
    weighted_base: Shown,
}

fn bracket(bracket: &TierBracket) -> BracketJson {
    BracketJson {
        from: money(bracket.from),
        to: optional_money(bracket.to),
        rate: format_rate(bracket.rate),
    }
}

fn product_base(product: &ProductBase) -> ProductBaseJson<'_> {
    ProductBaseJson {
        product: &product.product,
        base: money(product.base),
        coefficient: product.coefficient.normalize().to_string(),
        weighted_base: money(product.weighted_base),
        rows: product.rows,
    }
}

fn slice(slice: &BracketSlice) -> SliceJson {
    SliceJson {
        from: money(slice.bracket.from),
        to: optional_money(slice.bracket.to),
        rate: format_rate(slice.bracket.rate),
        volume: money(slice.volume),
        rebate: money(slice.rebate),
    }
}

fn catch_up(catch_up: &CatchUp) -> CatchUpJson {
    CatchUpJson {
        earlier_weighted_base: money(catch_up.earlier_weighted_base),
        rate_before: format_rate(catch_up.rate_before),
        rate_after: format_rate(catch_up.rate_after),
        amount: money(catch_up.amount),
    }
}

/// A due-date rule as findings.json shows it: in English, whatever the language.
fn due_rule(rule: &crate::domain::computation::DueRule) -> String {
    i18n::due_rule(rule, Lang::En)
}

fn split(split: &InstallmentSplit) -> SplitJson<'_> {
    SplitJson {
        installment: split.installment,
        trigger: &split.trigger,
        portion: &split.portion,
        expected: money(split.expected),
        due_on: date(split.due_on),
        due_rule: due_rule(&split.due_rule),
    }
}

/// An installment's computation, every field.
pub(in crate::report) fn computation(computation: &Computation) -> ComputationJson<'_> {
    ComputationJson {
        formula: Some(i18n::formula(computation)),
        portion: Some(&computation.portion),
        installment_expected: Some(money(computation.installment_expected)),
        due_rule: Some(
            computation
                .due_rule
                .as_ref()
                .map_or_else(String::new, due_rule),
        ),
        installment: Some(computation.installment),
        ..period_computation(computation)
    }
}

/// A period's computation: what all its installments share.
pub(super) fn period_computation(computation: &Computation) -> ComputationJson<'_> {
    ComputationJson {
        formula: None,
        base: &computation.base,
        tier_basis: &computation.tier_basis,
        tier_mode: &computation.tier_mode,
        period_weighted_base: money(computation.period_weighted_base),
        scope_start: day(computation.scope_start),
        scope_end: day(computation.scope_end),
        scope_weighted_base: money(computation.scope_weighted_base),
        bracket_rate: format_rate(computation.bracket_rate),
        scope_rebate: money(computation.scope_rebate),
        cap: optional_money(computation.cap),
        cap_applied: computation.cap_applied,
        earned_before: money(computation.earned_before),
        earned_through: money(computation.earned_through),
        period_expected: money(computation.period_expected),
        portion: None,
        installment_expected: None,
        due_rule: None,
        period_start: day(computation.period_start),
        period_end: day(computation.period_end),
        weighted_base_by_product: computation.products.iter().map(product_base).collect(),
        scope_weighted_base_before: money(computation.scope_weighted_base_before),
        scope_rebate_before: money(computation.scope_rebate_before),
        bracket: computation.bracket.as_ref().map(bracket),
        bracket_slices: computation.slices.iter().map(slice).collect(),
        catch_up: computation.catch_up.as_ref().map(catch_up),
        cap_scope_start: day(computation.cap_scope_start),
        cap_scope_end: day(computation.cap_scope_end),
        rebate_before_cap: money(computation.rebate_before_cap),
        cap_cut: match computation.cap {
            Some(cap) if computation.cap_applied => {
                computation.rebate_before_cap.checked_sub(cap).map(money)
            }
            _ => None,
        },
        grace_days: computation.grace_days,
        installment: None,
        installments: computation.installments.iter().map(split).collect(),
        amendment: computation.amendment.as_ref().map(|note| AmendmentJson {
            id: &note.id,
            effective_from: day(note.effective_from),
            applies_from: day(note.applies_from),
            retroactive: note.retroactive,
            source: &note.source,
        }),
        clawback: computation.clawback.as_ref().map(clawback),
        amended_terms: computation.amended_terms.iter().map(amended_term).collect(),
    }
}

pub(in crate::report) fn source_rows(rows: &SourceRows) -> SourceRowsJson<'_> {
    SourceRowsJson {
        file: &rows.table.file,
        sheet: rows.table.sheet.as_deref(),
        product: &rows.product,
        coefficient: rows.coefficient.normalize().to_string(),
        rows: rows.rows,
        row_ranges: &rows.row_ranges,
        base: money(rows.base),
        weighted_base: money(rows.weighted_base),
    }
}

pub(super) fn period(trail: &PeriodTrail) -> PeriodJson<'_> {
    PeriodJson {
        key: trail.key.to_string(),
        contract_id: &trail.key.contract_id,
        period_start: day(trail.computation.period_start),
        period_end: day(trail.computation.period_end),
        computation: period_computation(&trail.computation),
        source_rows: trail.source_rows.iter().map(source_rows).collect(),
    }
}
