//! `findings.json`, schema `rebate-audit/findings/v1` (docs/USAGE.md). Money is a string with
//! exactly two decimals, dates are ISO, and a field that does not apply is `null`.

use super::i18n;
use super::totals::Totals;
use crate::domain::audit::{Audit, InputFile};
use crate::domain::baseline::{BaselineFinding, ChangeCounts, Changes};
use crate::domain::computation::{
    BracketSlice, CatchUp, Computation, InstallmentSplit, ProductBase, TierBracket,
};
use crate::domain::controls::LedgerTable;
use crate::domain::controls::TableControl;
use crate::domain::finding::{Allocation, Check, Evidence, Finding, SourceRows};
use crate::domain::installment::InstallmentRecord;
use crate::domain::lang::Lang;
use crate::domain::location::Location;
use crate::domain::money::{format_money, format_rate};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// The schema name written into every report.
pub const SCHEMA: &str = crate::domain::audit::FINDINGS_SCHEMA;

fn money(amount: Decimal) -> String {
    format_money(amount)
}

fn optional_money(amount: Option<Decimal>) -> Option<String> {
    amount.map(format_money)
}

fn date(day: Option<NaiveDate>) -> Option<String> {
    day.map(|day| day.to_string())
}

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    tool: Tool,
    as_of: String,
    /// The language of every `detail` (`en` or `zh`); added to schema v1.
    lang: &'static str,
    rulesets: Vec<RulesetJson<'a>>,
    inputs: Vec<InputJson<'a>>,
    controls: Controls,
    totals: TotalsJson<'a>,
    expected: Vec<ExpectedJson<'a>>,
    findings: Vec<FindingJson<'a>>,
    /// With `--baseline`: the baseline's findings this run no longer has (added to
    /// schema v1; absent without a baseline).
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved: Option<Vec<ResolvedJson<'a>>>,
}

/// The totals, and with `--baseline` the `changes` block (added to schema v1).
#[derive(Serialize)]
struct TotalsJson<'a> {
    #[serde(flatten)]
    totals: &'a Totals,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<ChangeCounts>,
}

/// A finding of the baseline that this run no longer has, as the baseline states it.
#[derive(Serialize)]
struct ResolvedJson<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    finding_type: &'a str,
    severity: Option<&'a str>,
    contract_id: Option<&'a str>,
    period_start: Option<&'a str>,
    period_end: Option<&'a str>,
    installment: Option<u32>,
    payout_id: Option<&'a str>,
    reason: Option<&'a str>,
    detail: &'a str,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct RulesetJson<'a> {
    name: &'a str,
    origin: &'a str,
    sha256: &'a str,
}

#[derive(Serialize)]
struct InputJson<'a> {
    role: &'static str,
    path: &'a str,
    sha256: Option<&'a str>,
    bytes: u64,
    encoding: Option<&'static str>,
    rows: u64,
    hidden_sheets: &'a [String],
    formats: &'a [String],
}

#[derive(Serialize)]
struct TallyJson {
    rows: u64,
    amount: String,
}

#[derive(Serialize)]
struct BillingControl {
    file: String,
    sheet: Option<String>,
    format: Option<String>,
    read: TallyJson,
    attributed: TallyJson,
    excluded: BTreeMap<&'static str, TallyJson>,
    rejected: TallyJson,
    blank_rows: u64,
    rows_above_header: u64,
    totals_rows: Vec<TotalsRowJson>,
    balanced: bool,
}

#[derive(Serialize)]
struct TotalsRowJson {
    row: usize,
    stated: Option<String>,
    rows_above: String,
    agrees: bool,
}

#[derive(Serialize)]
struct PayoutControl {
    file: String,
    sheet: Option<String>,
    read: TallyJson,
    used: TallyJson,
    rejected_rows: u64,
    blank_rows: u64,
    balanced: bool,
}

/// A ledger's (or a statement's) control totals as findings.json lists them.
fn payout_control(control: &crate::domain::controls::LedgerTable) -> PayoutControl {
    PayoutControl {
        file: control.table.file.to_string(),
        sheet: control.table.sheet.as_deref().map(str::to_string),
        read: tally(control.rows, control.amount),
        used: tally(control.used, control.used_amount),
        rejected_rows: control.rejected,
        blank_rows: control.blank,
        balanced: payout_balanced(control),
    }
}

#[derive(Serialize)]
struct Controls {
    billing: Vec<BillingControl>,
    payouts: Vec<PayoutControl>,
    /// The agent statements' tables (amounts: what is payable); absent without statements.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    statements: Vec<PayoutControl>,
}

/// An expected installment as findings.json lists it under `expected` (report.html's
/// trails show the same record).
#[derive(Serialize)]
pub(super) struct ExpectedJson<'a> {
    contract_id: &'a str,
    period_start: String,
    period_end: String,
    installment: u32,
    trigger: &'static str,
    weighted_base: String,
    expected: String,
    due_on: Option<String>,
    paid: String,
    status: &'static str,
}

#[derive(Serialize)]
struct LocationJson<'a> {
    file: &'a str,
    sheet: Option<&'a str>,
    row: Option<usize>,
    column: Option<&'a str>,
}

impl<'a> From<&'a Location> for LocationJson<'a> {
    fn from(location: &'a Location) -> Self {
        LocationJson {
            file: &location.file,
            sheet: location.sheet.as_deref(),
            row: location.row,
            column: location.column.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct ComputationJson<'a> {
    formula: String,
    base: &'a str,
    tier_basis: &'a str,
    tier_mode: &'a str,
    period_weighted_base: String,
    scope_start: String,
    scope_end: String,
    scope_weighted_base: String,
    bracket_rate: String,
    scope_rebate: String,
    cap: Option<String>,
    cap_applied: bool,
    earned_before: String,
    earned_through: String,
    period_expected: String,
    portion: &'a str,
    installment_expected: String,
    due_rule: String,
    // The full trail (issue 5); every field below was added to schema v1.
    period_start: String,
    period_end: String,
    weighted_base_by_product: Vec<ProductBaseJson<'a>>,
    scope_weighted_base_before: String,
    scope_rebate_before: String,
    bracket: Option<BracketJson>,
    bracket_slices: Vec<SliceJson>,
    catch_up: Option<CatchUpJson>,
    cap_scope_start: String,
    cap_scope_end: String,
    rebate_before_cap: String,
    cap_cut: Option<String>,
    grace_days: i64,
    installment: u32,
    installments: Vec<SplitJson<'a>>,
}

#[derive(Serialize)]
struct ProductBaseJson<'a> {
    product: &'a str,
    base: String,
    coefficient: String,
    weighted_base: String,
    rows: u64,
}

#[derive(Serialize)]
struct BracketJson {
    from: String,
    to: Option<String>,
    rate: String,
}

#[derive(Serialize)]
struct SliceJson {
    from: String,
    to: Option<String>,
    rate: String,
    volume: String,
    rebate: String,
}

#[derive(Serialize)]
struct CatchUpJson {
    earlier_weighted_base: String,
    rate_before: String,
    rate_after: String,
    amount: String,
}

#[derive(Serialize)]
struct SplitJson<'a> {
    installment: u32,
    trigger: &'a str,
    portion: &'a str,
    expected: String,
    due_on: Option<String>,
    due_rule: String,
}

#[derive(Serialize)]
struct CheckJson<'a> {
    field: &'a str,
    reason: &'a str,
    expected: &'a str,
    found: Option<&'a str>,
    ok: bool,
}

#[derive(Serialize)]
struct SourceRowsJson<'a> {
    file: &'a str,
    sheet: Option<&'a str>,
    product: &'a str,
    coefficient: String,
    rows: u64,
    row_ranges: &'a str,
    base: String,
    weighted_base: String,
}

#[derive(Serialize)]
struct AllocationJson<'a> {
    payout_id: &'a str,
    paid_on: String,
    amount: String,
    excess: bool,
    source: LocationJson<'a>,
}

#[derive(Serialize)]
struct EvidenceJson<'a> {
    location: Option<LocationJson<'a>>,
    computation: Option<ComputationJson<'a>>,
    source_rows: Vec<SourceRowsJson<'a>>,
    allocations: Vec<AllocationJson<'a>>,
    facts: BTreeMap<&'a str, &'a str>,
    checks: Vec<CheckJson<'a>>,
    likely_causes: Vec<LikelyCauseJson>,
}

#[derive(Serialize)]
struct LikelyCauseJson {
    code: &'static str,
    expected_under_mistake: String,
    explanation: String,
}

/// A finding as findings.json lists it under `findings` (report.html's trails show the
/// same record).
#[derive(Serialize)]
pub(super) struct FindingJson<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    finding_type: &'static str,
    severity: &'static str,
    /// With `--baseline`: `new` or `persisting` (added to schema v1).
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<&'static str>,
    contract_id: Option<&'a str>,
    period_start: Option<String>,
    period_end: Option<String>,
    installment: Option<u32>,
    payout_id: Option<&'a str>,
    reason: Option<&'a str>,
    expected: Option<String>,
    paid: Option<String>,
    difference: Option<String>,
    due_on: Option<String>,
    paid_on: Option<String>,
    days_late: Option<i64>,
    interest: Option<String>,
    amount: Option<String>,
    detail: String,
    evidence: EvidenceJson<'a>,
}

fn tally(rows: u64, amount: Decimal) -> TallyJson {
    TallyJson {
        rows,
        amount: money(amount),
    }
}

/// Whether a billing table's control totals balance: rows and amounts read equal
/// attributed + excluded + rejected.
pub fn billing_balanced(control: &TableControl) -> bool {
    let excluded_rows: u64 = control.excluded.values().map(|tally| tally.rows).sum();
    let excluded_amount: Decimal = control.excluded.values().map(|tally| tally.amount).sum();
    control.read.rows == control.attributed.rows + excluded_rows + control.rejected.rows
        && control.read.amount
            == control.attributed.amount + excluded_amount + control.rejected.amount
}

/// Whether a ledger table's rows balance: read = used + rejected.
pub fn payout_balanced(control: &LedgerTable) -> bool {
    control.rows == control.used + control.rejected
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

fn check(check: &Check) -> CheckJson<'_> {
    CheckJson {
        field: &check.field,
        reason: check.reason.word(),
        expected: &check.expected,
        found: check.found.as_deref(),
        ok: check.ok,
    }
}

fn computation(computation: &Computation) -> ComputationJson<'_> {
    ComputationJson {
        formula: i18n::formula(computation),
        base: &computation.base,
        tier_basis: &computation.tier_basis,
        tier_mode: &computation.tier_mode,
        period_weighted_base: money(computation.period_weighted_base),
        scope_start: computation.scope_start.to_string(),
        scope_end: computation.scope_end.to_string(),
        scope_weighted_base: money(computation.scope_weighted_base),
        bracket_rate: format_rate(computation.bracket_rate),
        scope_rebate: money(computation.scope_rebate),
        cap: optional_money(computation.cap),
        cap_applied: computation.cap_applied,
        earned_before: money(computation.earned_before),
        earned_through: money(computation.earned_through),
        period_expected: money(computation.period_expected),
        portion: &computation.portion,
        installment_expected: money(computation.installment_expected),
        due_rule: computation
            .due_rule
            .as_ref()
            .map_or_else(String::new, due_rule),
        period_start: computation.period_start.to_string(),
        period_end: computation.period_end.to_string(),
        weighted_base_by_product: computation.products.iter().map(product_base).collect(),
        scope_weighted_base_before: money(computation.scope_weighted_base_before),
        scope_rebate_before: money(computation.scope_rebate_before),
        bracket: computation.bracket.as_ref().map(bracket),
        bracket_slices: computation.slices.iter().map(slice).collect(),
        catch_up: computation.catch_up.as_ref().map(catch_up),
        cap_scope_start: computation.cap_scope_start.to_string(),
        cap_scope_end: computation.cap_scope_end.to_string(),
        rebate_before_cap: money(computation.rebate_before_cap),
        cap_cut: match computation.cap {
            Some(cap) if computation.cap_applied => {
                computation.rebate_before_cap.checked_sub(cap).map(money)
            }
            _ => None,
        },
        grace_days: computation.grace_days,
        installment: computation.installment,
        installments: computation.installments.iter().map(split).collect(),
    }
}

fn source_rows(rows: &SourceRows) -> SourceRowsJson<'_> {
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

fn allocation(allocation: &Allocation) -> AllocationJson<'_> {
    AllocationJson {
        payout_id: &allocation.payout_id,
        paid_on: allocation.paid_on.to_string(),
        amount: money(allocation.amount),
        excess: allocation.excess,
        source: (&allocation.source).into(),
    }
}

fn evidence(evidence: &Evidence, lang: Lang) -> EvidenceJson<'_> {
    EvidenceJson {
        location: evidence.location.as_ref().map(Into::into),
        computation: evidence.computation.as_ref().map(computation),
        source_rows: evidence.source_rows.iter().map(source_rows).collect(),
        allocations: evidence.allocations.iter().map(allocation).collect(),
        facts: evidence
            .facts
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect(),
        checks: evidence.checks.iter().map(check).collect(),
        likely_causes: evidence
            .likely_causes
            .iter()
            .map(|cause| LikelyCauseJson {
                code: cause.code.word(),
                expected_under_mistake: money(cause.expected_under_mistake),
                explanation: i18n::explanation(cause, lang),
            })
            .collect(),
    }
}

/// A finding's record, with its `change` against the baseline when there is one.
pub(super) fn finding<'a>(
    finding: &'a Finding,
    changes: Option<&Changes>,
    lang: Lang,
) -> FindingJson<'a> {
    FindingJson {
        id: &finding.id,
        finding_type: finding.finding_type.word(),
        severity: finding.severity.word(),
        change: changes.map(|changes| changes.change(finding).word()),
        contract_id: finding.contract_id.as_deref(),
        period_start: date(finding.period_start),
        period_end: date(finding.period_end),
        installment: finding.installment,
        payout_id: finding.payout_id.as_deref(),
        reason: finding.reason.map(|reason| reason.word()),
        expected: optional_money(finding.expected),
        paid: optional_money(finding.paid),
        difference: optional_money(finding.difference),
        due_on: date(finding.due_on),
        paid_on: date(finding.paid_on),
        days_late: finding.days_late,
        interest: optional_money(finding.interest),
        amount: optional_money(finding.amount),
        detail: i18n::detail(finding, lang),
        evidence: evidence(&finding.evidence, lang),
    }
}

fn resolved(finding: &BaselineFinding) -> ResolvedJson<'_> {
    ResolvedJson {
        id: &finding.id,
        finding_type: &finding.finding_type,
        severity: finding.severity.as_deref(),
        contract_id: finding.contract_id.as_deref(),
        period_start: finding.period_start.as_deref(),
        period_end: finding.period_end.as_deref(),
        installment: finding.installment,
        payout_id: finding.payout_id.as_deref(),
        reason: finding.reason.as_deref(),
        detail: &finding.detail,
    }
}

fn input(input: &InputFile) -> InputJson<'_> {
    InputJson {
        role: input.role.word(),
        path: &input.path,
        sha256: input.sha256.as_deref(),
        bytes: input.bytes,
        encoding: input.encoding,
        rows: input.rows,
        hidden_sheets: &input.hidden_sheets,
        formats: &input.formats,
    }
}

/// An expected installment's record.
pub(super) fn expected(record: &InstallmentRecord) -> ExpectedJson<'_> {
    ExpectedJson {
        contract_id: &record.contract_id,
        period_start: record.period_start.to_string(),
        period_end: record.period_end.to_string(),
        installment: record.installment,
        trigger: record.trigger.word(),
        weighted_base: money(record.weighted_base),
        expected: money(record.expected),
        due_on: date(record.due_on),
        paid: money(record.paid),
        status: record.status.word(),
    }
}

/// Renders the whole report as pretty JSON with a trailing newline, every `detail` and
/// likely cause's `explanation` in `lang`.
pub fn render(audit: &Audit, totals: &Totals, lang: Lang) -> String {
    let report = Report {
        schema: SCHEMA,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        as_of: audit.as_of.to_string(),
        lang: lang.word(),
        rulesets: audit
            .rulesets
            .iter()
            .map(|(name, origin, sha256)| RulesetJson {
                name,
                origin,
                sha256,
            })
            .collect(),
        inputs: audit.inputs.iter().map(input).collect(),
        controls: Controls {
            billing: audit
                .billing_controls
                .iter()
                .map(|control| BillingControl {
                    file: control.table.file.to_string(),
                    sheet: control.table.sheet.as_deref().map(str::to_string),
                    format: control.layout.clone(),
                    read: tally(control.read.rows, control.read.amount),
                    attributed: tally(control.attributed.rows, control.attributed.amount),
                    excluded: control
                        .excluded
                        .iter()
                        .map(|(reason, value)| (reason.word(), tally(value.rows, value.amount)))
                        .collect(),
                    rejected: tally(control.rejected.rows, control.rejected.amount),
                    blank_rows: control.blank_rows,
                    rows_above_header: control.rows_above_header,
                    totals_rows: control
                        .totals_rows
                        .iter()
                        .map(|totals| TotalsRowJson {
                            row: totals.row,
                            stated: totals.stated.map(money),
                            rows_above: money(totals.above.amount),
                            agrees: totals.stated == Some(totals.above.amount),
                        })
                        .collect(),
                    balanced: billing_balanced(control),
                })
                .collect(),
            statements: audit
                .statement_controls
                .iter()
                .map(payout_control)
                .collect(),
            payouts: audit
                .payout_controls
                .iter()
                .map(|control| PayoutControl {
                    file: control.table.file.to_string(),
                    sheet: control.table.sheet.as_deref().map(str::to_string),
                    read: tally(control.rows, control.amount),
                    used: tally(control.used, control.used_amount),
                    rejected_rows: control.rejected,
                    blank_rows: control.blank,
                    balanced: payout_balanced(control),
                })
                .collect(),
        },
        totals: TotalsJson {
            totals,
            changes: audit
                .changes
                .as_ref()
                .map(|changes| changes.counts(&audit.findings)),
        },
        expected: audit.installments.iter().map(expected).collect(),
        findings: audit
            .findings
            .iter()
            .map(|one| finding(one, audit.changes.as_ref(), lang))
            .collect(),
        resolved: audit
            .changes
            .as_ref()
            .map(|changes| changes.resolved.iter().map(resolved).collect()),
    };
    let mut text = serde_json::to_string_pretty(&report)
        .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"));
    text.push('\n');
    text
}
