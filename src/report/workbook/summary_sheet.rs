//! The `Summary` sheet of report.xlsx.

use super::columns::SHEETS;
use super::values::{baseline_date, count, money_text, optional_text, text};
use super::writer::{Writer, column_number};
use crate::domain::audit::Audit;
use crate::domain::finding::Severity;
use crate::report::excel::EXACT_DIGITS;
use crate::report::i18n::keys;
use crate::report::tables::Value;
use crate::report::totals::Totals;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

/// Summary column widths: the item/value block, the per-contract and the inputs table
/// share them.
const SUMMARY_WIDTHS: [f64; 14] = [
    40.0, 36.0, 24.0, 16.0, 16.0, 16.0, 16.0, 16.0, 16.0, 16.0, 16.0, 16.0, 10.0, 10.0,
];

const PER_CONTRACT_COLUMNS: [&str; 14] = [
    "contract_id",
    "customer",
    "agent",
    "weighted_base",
    "expected",
    "due",
    "paid",
    "shortfall",
    "paid_against_due",
    "not_yet_due",
    "conditional",
    "excess",
    "currency",
    "findings",
];

const INPUT_COLUMNS: [&str; 7] = [
    "role", "path", "sha256", "bytes", "rows", "encoding", "formats",
];

impl Writer {
    /// The `Summary` sheet: the headline numbers, findings by severity and type, expected
    /// vs paid per contract (with an autofilter), the inputs, and notes on anything that
    /// could not be written by the rules. Built last, so the notes count every sheet.
    pub(super) fn summary(
        &mut self,
        workbook: &mut Workbook,
        audit: &Audit,
        totals: &Totals,
    ) -> Result<Worksheet, XlsxError> {
        // Constant memory like the tables: a row per contract and input.
        let mut sheet = workbook.new_worksheet_with_constant_memory()?;
        sheet.set_name(keys::sheet(SHEETS[0], self.lang))?;
        for (column, width) in SUMMARY_WIDTHS.iter().enumerate() {
            sheet.set_column_width(column_number(column)?, *width)?;
        }
        self.header_row(&mut sheet, 0, &["item", "value", "amount"])?;
        sheet.set_freeze_panes(1, 0)?;
        let payout_sum = audit.payouts.iter().fold(Decimal::ZERO, |sum, payout| {
            sum.saturating_add(payout.amount)
        });
        let mut lines: Vec<Vec<Value>> = vec![
            vec![text("as of"), Value::Date(audit.as_of)],
            vec![
                text("tool"),
                text(format!(
                    "{} {}",
                    env!("CARGO_PKG_NAME"),
                    env!("CARGO_PKG_VERSION")
                )),
            ],
            vec![text("contracts"), count(totals.contracts)],
        ];
        // The headline, per currency when there are several (the currency in `value`).
        for (currency, headline) in totals.headlines() {
            let value = || currency.map_or(Value::Empty, text);
            let mut line = |item: &str, amount: &str| {
                lines.push(vec![text(item), value(), money_text(amount)]);
            };
            line("due by now (past the deadline)", &headline.due_by_now);
            line("paid against it", &headline.paid_against_due);
            line("shortfall (unpaid and underpaid)", &headline.shortfall);
            if headline.charges_interest {
                line("late interest", &headline.interest);
            }
            line("not yet due", &headline.not_yet_due);
            line("paid early against it", &headline.paid_not_yet_due);
            line(
                "due only after a renewal not yet made",
                &headline.conditional,
            );
            line("paid against that", &headline.paid_conditional);
            line("paid beyond the installments", &headline.excess);
        }
        lines.extend([
            vec![
                text("installments expected"),
                count(totals.installments),
                money_text(&totals.expected),
            ],
            vec![
                text("paid (allocated to installments)"),
                Value::Empty,
                money_text(&totals.paid),
            ],
            vec![
                text("payouts read"),
                count(audit.payouts.len()),
                Value::Money(payout_sum),
            ],
            vec![text("findings"), count(totals.findings)],
        ]);
        if let Some(changes) = &audit.changes {
            let counts = changes.counts(&audit.findings);
            lines.extend([
                vec![text("baseline"), text(counts.baseline)],
                vec![
                    text("baseline as of"),
                    baseline_date(counts.baseline_as_of.as_deref()),
                ],
                vec![text("baseline sha256"), text(counts.baseline_sha256)],
                vec![text("findings: new since the baseline"), count(counts.new)],
                vec![text("findings: persisting"), count(counts.persisting)],
                vec![
                    text("baseline findings resolved (sheet Resolved)"),
                    count(counts.resolved),
                ],
            ]);
        }
        for severity in [Severity::Error, Severity::Warning, Severity::Info] {
            lines.push(vec![
                text(format!("findings: {}", severity.word())),
                count(
                    totals
                        .by_severity
                        .get(severity.word())
                        .copied()
                        .unwrap_or_default(),
                ),
            ]);
        }
        for (finding_type, total) in &totals.by_type {
            lines.push(vec![
                text(format!("findings: {finding_type}")),
                count(total.count),
                money_text(&total.amount),
            ]);
        }
        let mut row = 1;
        for line in &mut lines {
            if let Some(Value::Text(item)) = line.first_mut() {
                *item = keys::summary_item(item, self.lang);
            }
            self.cells(&mut sheet, row, line)?;
            row += 1;
        }

        // Expected vs paid per contract, filterable.
        row += 1;
        let first = row;
        self.header_row(&mut sheet, row, &PER_CONTRACT_COLUMNS)?;
        for contract in &totals.per_contract {
            row += 1;
            let cells = [
                text(contract.contract_id.as_str()),
                text(contract.customer.as_str()),
                text(contract.agent.as_str()),
                money_text(&contract.weighted_base),
                money_text(&contract.expected),
                money_text(&contract.due),
                money_text(&contract.paid),
                money_text(&contract.shortfall),
                money_text(&contract.paid_against_due),
                money_text(&contract.not_yet_due),
                money_text(&contract.conditional),
                money_text(&contract.excess),
                text(contract.currency.as_str()),
                count(contract.findings),
            ];
            self.cells(&mut sheet, row, &cells)?;
        }
        sheet.autofilter(
            first,
            0,
            row,
            column_number(PER_CONTRACT_COLUMNS.len() - 1)?,
        )?;

        // Chain of custody.
        row += 2;
        self.header_row(&mut sheet, row, &INPUT_COLUMNS)?;
        // The role column names its code in the reader's language.
        self.set_keys(&INPUT_COLUMNS);
        for input in &audit.inputs {
            row += 1;
            let cells = [
                text(input.role.word()),
                text(input.path.as_str()),
                optional_text(input.sha256.as_deref()),
                count(input.bytes),
                count(input.rows),
                optional_text(input.encoding),
                if input.formats.is_empty() {
                    Value::Empty
                } else {
                    text(input.formats.join(", "))
                },
            ];
            self.cells(&mut sheet, row, &cells)?;
        }

        self.set_keys(&[]);

        // What could not follow the cell rules, so a reader knows where to look.
        let mut notes = Vec::new();
        if self.amounts_as_text > 0 {
            notes.push((
                keys::workbook_note(keys::Note::AmountsAsText(EXACT_DIGITS), self.lang),
                self.amounts_as_text,
            ));
        }
        if self.texts_cut > 0 {
            notes.push((
                keys::workbook_note(keys::Note::TextsCut, self.lang),
                self.texts_cut,
            ));
        }
        for (name, left_out) in &self.rows_left_out {
            notes.push((
                keys::workbook_note(
                    keys::Note::RowsLeftOut(keys::sheet(name, self.lang)),
                    self.lang,
                ),
                *left_out,
            ));
        }
        if !notes.is_empty() {
            row += 2;
            self.header_row(&mut sheet, row, &["note", "count"])?;
            for (note, number) in notes {
                row += 1;
                self.cells(&mut sheet, row, &[text(note), count(number)])?;
            }
        }
        Ok(sheet)
    }
}
