//! The tables of text both summaries and `report.html` show: findings by type, the
//! contracts, the control totals and the inputs.

use super::i18n::{self, Labels};
use super::json::{billing_balanced, payout_balanced};
use super::totals::Totals;
use crate::domain::audit::Audit;
use crate::domain::finding::{Finding, Severity};
use crate::domain::lang::Lang;
use crate::domain::money::{format_money_grouped as format_money, group_thousands as group};

/// A simple table: header and rows of text.
pub(super) struct Table {
    /// Column names.
    pub(super) header: Vec<&'static str>,
    /// Rows of cells, as text.
    pub(super) rows: Vec<Vec<String>>,
}

/// Findings by type: count and the money at stake — the shortfall (unpaid, underpaid),
/// the excess (overpaid), the interest (late), the clawback, each invoice once
/// (mis_invoiced), the money named (the others).
pub(super) fn types_table(totals: &Totals, words: &Labels) -> Table {
    Table {
        header: vec![words.col_type, words.col_count, words.col_at_stake],
        rows: totals
            .by_type
            .iter()
            .map(|(name, total)| {
                vec![
                    i18n::words::finding_type_code(name, words.lang),
                    total.count.to_string(),
                    group(&total.amount),
                ]
            })
            .collect(),
    }
}

/// Per contract: weighted base; due by now, paid against it and short; apart, what is not
/// yet due, due only after a renewal, and paid beyond the installments; findings. With
/// contracts in several currencies, each line says its currency.
pub(super) fn contracts_table(totals: &Totals, words: &Labels) -> Table {
    let currencies = totals.by_currency.len() > 1;
    let mut header = vec![
        words.col_contract,
        words.col_customer,
        words.col_agent,
        words.col_weighted_base,
        words.col_due_by_now,
        words.col_paid_against_due,
        words.col_short,
        words.col_not_yet_due,
        words.col_conditional,
        words.col_excess,
        words.col_findings,
    ];
    if currencies {
        header.insert(3, words.col_currency);
    }
    Table {
        header,
        rows: totals
            .per_contract
            .iter()
            .map(|total| {
                let mut row = vec![
                    total.contract_id.clone(),
                    total.customer.clone(),
                    total.agent.clone(),
                    group(&total.weighted_base),
                    group(&total.due),
                    group(&total.paid_against_due),
                    group(&total.shortfall),
                    group(&total.not_yet_due),
                    group(&total.conditional),
                    group(&total.excess),
                    total.findings.to_string(),
                ];
                if currencies {
                    row.insert(3, total.currency.clone());
                }
                row
            })
            .collect(),
    }
}

/// The control totals of the billing tables, then of the payout tables.
pub(super) fn control_tables(audit: &Audit, words: &Labels) -> [Table; 2] {
    [
        Table {
            header: vec![
                words.col_billing_table,
                words.col_rows_read,
                words.col_amount_read,
                words.col_attributed,
                words.col_excluded,
                words.col_rejected,
                words.col_balanced,
            ],
            rows: audit
                .billing_controls
                .iter()
                .map(|control| {
                    let excluded_rows: u64 =
                        control.excluded.values().map(|tally| tally.rows).sum();
                    let excluded_amount = control
                        .excluded
                        .values()
                        .fold(rust_decimal::Decimal::ZERO, |sum, tally| {
                            sum.saturating_add(tally.amount)
                        });
                    vec![
                        control.table.to_string(),
                        control.read.rows.to_string(),
                        format_money(control.read.amount),
                        format!(
                            "{} / {}",
                            control.attributed.rows,
                            format_money(control.attributed.amount)
                        ),
                        format!("{excluded_rows} / {}", format_money(excluded_amount)),
                        format!(
                            "{} / {}",
                            control.rejected.rows,
                            format_money(control.rejected.amount)
                        ),
                        if billing_balanced(control) {
                            words.yes.into()
                        } else {
                            words.no.into()
                        },
                    ]
                })
                .collect(),
        },
        Table {
            header: vec![
                words.col_payout_table,
                words.col_rows_read,
                words.col_amount_read,
                words.col_used,
                words.col_rejected,
                words.col_balanced,
            ],
            // Statement tables follow the ledgers': the same counts, amounts payable.
            rows: audit
                .payout_controls
                .iter()
                .chain(&audit.statement_controls)
                .map(|control| {
                    vec![
                        control.table.to_string(),
                        control.rows.to_string(),
                        format_money(control.amount),
                        format!("{} / {}", control.used, format_money(control.used_amount)),
                        control.rejected.to_string(),
                        if payout_balanced(control) {
                            words.yes.into()
                        } else {
                            words.no.into()
                        },
                    ]
                })
                .collect(),
        },
    ]
}

/// The input files: role, path, format, rows and SHA-256.
pub(super) fn inputs_table(audit: &Audit, words: &Labels) -> Table {
    Table {
        header: vec![
            words.col_role,
            words.col_file,
            words.col_format,
            words.col_rows,
            words.col_sha256,
        ],
        rows: audit
            .inputs
            .iter()
            .map(|input| {
                vec![
                    i18n::words::input_role(input.role, words.lang).into(),
                    input.path.clone(),
                    match input.role {
                        crate::domain::audit::InputRole::Billing if input.formats.is_empty() => {
                            "(none recognised)".into()
                        }
                        _ => input.formats.join(", "),
                    },
                    input.rows.to_string(),
                    input
                        .sha256
                        .clone()
                        .unwrap_or_else(|| "(unreadable)".into()),
                ]
            })
            .collect(),
    }
}

/// The findings of `severity`, largest amount at stake first (then in report order), at
/// most `listed` of them: contract, period, type, amount and the finding's sentence; with
/// how many more there are.
pub(super) fn by_amount_table(
    audit: &Audit,
    totals: &Totals,
    severity: Severity,
    lang: Lang,
    words: &Labels,
    listed: usize,
) -> (Table, usize) {
    let findings: Vec<(&Finding, rust_decimal::Decimal)> = totals
        .ranked(&audit.findings)
        .into_iter()
        .filter(|(finding, _)| finding.severity == severity)
        .collect();
    let shown = findings.len().min(listed);
    let mut header = vec![
        words.col_contract,
        words.col_period,
        words.col_type,
        words.col_at_stake,
        words.col_detail,
    ];
    if audit.changes.is_some() {
        header.push(words.col_change);
    }
    let rows = findings[..shown]
        .iter()
        .map(|(finding, stake)| {
            let mut row = vec![
                finding.contract_id.clone().unwrap_or_default(),
                match (finding.period_start, finding.period_end) {
                    (Some(first), Some(last)) => i18n::period(first, last, lang),
                    (Some(first), None) => first.to_string(),
                    _ => String::new(),
                },
                i18n::words::finding_type(finding.finding_type, words.lang).into(),
                format_money(*stake),
                i18n::detail(finding, lang),
            ];
            if let Some(changes) = &audit.changes {
                row.push(words.change(changes.change(finding).word()));
            }
            row
        })
        .collect();
    (Table { header, rows }, findings.len() - shown)
}

/// The errors by amount: what both summaries and report.html list after the headline.
pub(super) fn errors_table(
    audit: &Audit,
    totals: &Totals,
    lang: Lang,
    words: &Labels,
    listed: usize,
) -> (Table, usize) {
    by_amount_table(audit, totals, Severity::Error, lang, words, listed)
}

/// The claims whose limitation period ends within the ruleset's window, soonest first,
/// then those already expired, most recently first; `None` when there are none (the
/// summary then has no such section).
pub(super) fn claims_table(audit: &Audit, lang: Lang, words: &Labels) -> Option<Table> {
    use crate::domain::finding::{About, FindingType, Reason};
    let epoch = chrono::NaiveDate::default();
    let mut claims: Vec<(bool, i64, &Finding)> = audit
        .findings
        .iter()
        .filter(|finding| finding.finding_type == FindingType::Limitation)
        .filter_map(|finding| {
            let About::Limitation { expires_on, .. } = &finding.about else {
                return None;
            };
            let days = (*expires_on - epoch).num_days();
            match finding.reason {
                Some(Reason::Expiring) => Some((false, days, finding)),
                Some(Reason::Expired) => Some((true, -days, finding)),
                _ => None,
            }
        })
        .collect();
    if claims.is_empty() {
        return None;
    }
    claims.sort_by_key(|(expired, days, finding)| (*expired, *days, finding.sort_key()));
    let rows = claims
        .iter()
        .map(|(_, _, finding)| {
            vec![
                finding.contract_id.clone().unwrap_or_default(),
                match (finding.period_start, finding.period_end) {
                    (Some(first), Some(last)) => i18n::period(first, last, lang),
                    _ => String::new(),
                },
                i18n::words::severity(finding.severity, lang).into(),
                format_money(-finding.difference.unwrap_or_default()),
                i18n::detail(finding, lang),
            ]
        })
        .collect();
    Some(Table {
        header: vec![
            words.col_contract,
            words.col_period,
            words.col_severity,
            words.col_at_stake,
            words.col_detail,
        ],
        rows,
    })
}
