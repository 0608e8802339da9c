//! `findings.json`, schema `rebate-audit/findings/v1` (docs/USAGE.md). Money is a string with
//! exactly two decimals, dates are ISO, and a field that does not apply is `null`.
//!
//! Each settlement period's computation and billing rows are written once, under
//! `periods`; a finding on an installment names its period by key (`evidence.period`,
//! `<contract_id>/<period_start>`). The report is serialised straight into a writer, record
//! by record, never held whole ([`write`]).

use super::i18n;
use super::totals::Totals;
use crate::domain::audit::{Audit, InputFile};
use crate::domain::baseline::{BaselineFinding, ChangeCounts, Changes};
use crate::domain::controls::LedgerTable;
use crate::domain::controls::TableControl;
use crate::domain::finding::{Allocation, Check, Evidence, Finding};
use crate::domain::installment::InstallmentRecord;
use crate::domain::lang::Lang;
use crate::domain::location::Location;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::io;

mod trail;
use crate::domain::money_text::Shown;
use trail::{date, money, optional_money, period};
// report.html shows an installment's computation and a period's rows from these records.
pub(super) use trail::{computation, source_rows};

/// The schema name written into every report.
pub const SCHEMA: &str = crate::domain::audit::FINDINGS_SCHEMA;

/// A list serialised from an iterator made when it is written: the records of a long list
/// are made one at a time, never collected.
struct Lazy<F>(F);

impl<F, I> Serialize for Lazy<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

#[derive(Serialize)]
struct Report<'a, E, P, F> {
    schema: &'static str,
    tool: Tool,
    as_of: String,
    /// The language of every `detail` (`en` or `zh`); added to schema v1.
    lang: &'static str,
    rulesets: Vec<RulesetJson<'a>>,
    inputs: Vec<InputJson<'a>>,
    controls: Controls,
    totals: TotalsJson<'a>,
    expected: E,
    /// The trail of every settlement period a finding names, once (added to schema v1,
    /// issue 17).
    periods: P,
    findings: F,
    /// With `--baseline`: the baseline's findings this run no longer has (added to
    /// schema v1; absent without a baseline).
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved: Option<Vec<ResolvedJson<'a>>>,
    /// Each open contract year's projection (added to schema v1, issue 19; absent when
    /// no contract year holds the audit date). No finding.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    projections: Vec<super::projection_json::ProjectionJson<'a>>,
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
    amount: Shown,
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
    stated: Option<Shown>,
    rows_above: Shown,
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
    period_start: Shown,
    period_end: Shown,
    installment: u32,
    trigger: &'static str,
    weighted_base: Shown,
    expected: Shown,
    due_on: Option<Shown>,
    paid: Shown,
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
struct CheckJson<'a> {
    field: &'a str,
    reason: &'a str,
    expected: &'a str,
    found: Option<&'a str>,
    ok: bool,
}

#[derive(Serialize)]
struct AllocationJson<'a> {
    payout_id: &'a str,
    paid_on: Shown,
    amount: Shown,
    excess: bool,
    source: LocationJson<'a>,
}

/// A finding's evidence: its period is named by key (`period`, null for a finding on no
/// installment); the period's computation and rows are in the report's `periods`.
#[derive(Serialize)]
struct EvidenceJson<'a> {
    location: Option<LocationJson<'a>>,
    period: Option<Key<'a>>,
    allocations: Vec<AllocationJson<'a>>,
    facts: Facts<'a>,
    checks: Vec<CheckJson<'a>>,
    likely_causes: Vec<LikelyCauseJson>,
}

/// A period's key as a JSON string, written from its `Display` (no string made).
struct Key<'a>(&'a crate::domain::finding::PeriodKey);

impl Serialize for Key<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self.0)
    }
}

/// A finding's facts as a JSON object: keys in order, a name met twice keeping its last
/// value (what collecting them into a `BTreeMap` gave). Facts are nearly always already in
/// order with no name twice; they are then written as they are, with no map built.
struct Facts<'a>(&'a [(String, String)]);

impl Serialize for Facts<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let facts = self.0;
        if facts.windows(2).all(|pair| pair[0].0 < pair[1].0) {
            serializer.collect_map(facts.iter().map(|(name, value)| (name, value)))
        } else {
            serializer.collect_map(
                facts
                    .iter()
                    .map(|(name, value)| (name.as_str(), value.as_str()))
                    .collect::<BTreeMap<_, _>>(),
            )
        }
    }
}

#[derive(Serialize)]
struct LikelyCauseJson {
    code: &'static str,
    expected_under_mistake: Shown,
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
    period_start: Option<Shown>,
    period_end: Option<Shown>,
    installment: Option<u32>,
    payout_id: Option<&'a str>,
    reason: Option<&'a str>,
    expected: Option<Shown>,
    paid: Option<Shown>,
    difference: Option<Shown>,
    due_on: Option<Shown>,
    /// The last day an unpaid or short installment's claim can be brought (issue 19;
    /// null without the ruleset's `[limitation]` and for other findings).
    expires_on: Option<Shown>,
    paid_on: Option<Shown>,
    days_late: Option<i64>,
    interest: Option<Shown>,
    amount: Option<Shown>,
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

fn check(check: &Check) -> CheckJson<'_> {
    CheckJson {
        field: &check.field,
        reason: check.reason.word(),
        expected: &check.expected,
        found: check.found.as_deref(),
        ok: check.ok,
    }
}

fn allocation(allocation: &Allocation) -> AllocationJson<'_> {
    AllocationJson {
        payout_id: &allocation.payout_id,
        paid_on: trail::day(allocation.paid_on),
        amount: money(allocation.amount),
        excess: allocation.excess,
        source: (&allocation.source).into(),
    }
}

fn evidence(evidence: &Evidence, lang: Lang) -> EvidenceJson<'_> {
    EvidenceJson {
        location: evidence.location.as_ref().map(Into::into),
        period: evidence.period.as_ref().map(|period| Key(period.key())),
        allocations: evidence.allocations.iter().map(allocation).collect(),
        facts: Facts(&evidence.facts),
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
        expires_on: date(finding.expires_on),
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
        period_start: trail::day(record.period_start),
        period_end: trail::day(record.period_end),
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
/// likely cause's `explanation` in `lang` ([`write`] into memory).
pub fn render(audit: &Audit, totals: &Totals, lang: Lang) -> String {
    let mut bytes = Vec::new();
    match write(audit, totals, lang, &mut bytes) {
        // serde_json writes UTF-8 only.
        Ok(()) => String::from_utf8(bytes).unwrap_or_default(),
        Err(error) => format!("{{\"error\": \"{error}\"}}\n"),
    }
}

/// Writes the whole report as pretty JSON with a trailing newline into `out`, record by
/// record (buffered): every `detail` and likely cause's `explanation` in `lang`.
///
/// # Errors
/// When writing to `out` fails.
pub fn write(
    audit: &Audit,
    totals: &Totals,
    lang: Lang,
    out: &mut dyn io::Write,
) -> io::Result<()> {
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
        expected: Lazy(|| audit.installments.iter().map(expected)),
        periods: Lazy(|| audit.named_periods().map(period)),
        findings: Lazy(|| {
            audit
                .findings
                .iter()
                .map(|one| finding(one, audit.changes.as_ref(), lang))
        }),
        resolved: audit
            .changes
            .as_ref()
            .map(|changes| changes.resolved.iter().map(resolved).collect()),
        projections: super::projection_json::json(audit),
    };
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, &report).map_err(io::Error::from)?;
    io::Write::write_all(&mut out, b"\n")?;
    io::Write::flush(&mut out)
}

#[cfg(test)]
mod tests;
