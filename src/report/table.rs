//! The tables of text both summaries and `report.html` show: findings by type, the
//! contracts, the control totals and the inputs.

use super::i18n::Word;
use super::i18n::words;
use super::json::{billing_balanced, payout_balanced};
use super::totals::Totals;
use crate::domain::audit::Audit;
use crate::domain::lang::Lang;
use crate::domain::money::{format_money_grouped as format_money, group_thousands as group};

/// What the control totals show, said above them.
pub(super) fn controls_note(lang: Lang) -> &'static str {
    Word::ControlsNote.of(lang)
}

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
pub(super) fn types_table(totals: &Totals, lang: Lang) -> Table {
    Table {
        header: words_of(&[Word::Type, Word::Count, Word::AtStake], lang),
        rows: totals
            .by_type
            .iter()
            .map(|(name, total)| {
                vec![
                    words::finding_type_code(name, lang),
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
pub(super) fn contracts_table(totals: &Totals, lang: Lang) -> Table {
    let currencies = totals.by_currency.len() > 1;
    let mut header = words_of(
        &[
            Word::Contract,
            Word::Customer,
            Word::Agent,
            Word::WeightedBase,
            Word::DueByNow,
            Word::PaidAgainstIt,
            Word::Short,
            Word::NotYetDue,
            Word::AfterRenewal,
            Word::PaidBeyond,
            Word::Findings,
        ],
        lang,
    );
    if currencies {
        header.insert(3, Word::Currency.of(lang));
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
pub(super) fn control_tables(audit: &Audit, lang: Lang) -> [Table; 2] {
    [
        Table {
            header: words_of(
                &[
                    Word::BillingTable,
                    Word::RowsRead,
                    Word::AmountRead,
                    Word::Attributed,
                    Word::Excluded,
                    Word::Rejected,
                    Word::Balanced,
                ],
                lang,
            ),
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
                            Word::Yes.of(lang).into()
                        } else {
                            Word::No.of(lang).into()
                        },
                    ]
                })
                .collect(),
        },
        Table {
            header: words_of(
                &[
                    Word::PayoutTable,
                    Word::RowsRead,
                    Word::AmountRead,
                    Word::Used,
                    Word::Rejected,
                    Word::Balanced,
                ],
                lang,
            ),
            rows: audit
                .payout_controls
                .iter()
                .map(|control| {
                    vec![
                        control.table.to_string(),
                        control.rows.to_string(),
                        format_money(control.amount),
                        format!("{} / {}", control.used, format_money(control.used_amount)),
                        control.rejected.to_string(),
                        if payout_balanced(control) {
                            Word::Yes.of(lang).into()
                        } else {
                            Word::No.of(lang).into()
                        },
                    ]
                })
                .collect(),
        },
    ]
}

/// The input files: role, path, format, rows and SHA-256.
pub(super) fn inputs_table(audit: &Audit, lang: Lang) -> Table {
    Table {
        header: {
            let mut header = words_of(&[Word::Role, Word::File, Word::Format, Word::Rows], lang);
            header.push("sha256");
            header
        },
        rows: audit
            .inputs
            .iter()
            .map(|input| {
                vec![
                    words::input_role(input.role, lang).into(),
                    input.path.clone(),
                    match input.role {
                        crate::domain::audit::InputRole::Billing if input.formats.is_empty() => {
                            Word::NoneRecognised.of(lang).into()
                        }
                        _ => input.formats.join(", "),
                    },
                    input.rows.to_string(),
                    input
                        .sha256
                        .clone()
                        .unwrap_or_else(|| Word::Unreadable.of(lang).into()),
                ]
            })
            .collect(),
    }
}

/// The headers of a table in `lang`.
pub(super) fn words_of(words: &[Word], lang: Lang) -> Vec<&'static str> {
    words.iter().map(|word| word.of(lang)).collect()
}
