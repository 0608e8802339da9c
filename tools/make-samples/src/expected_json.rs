//! expected.json: the same expectations, machine-readable (read by tests/it/demo.rs).

use super::*;

#[derive(Serialize)]
pub(crate) struct ExpectedDoc {
    pub(crate) schema: &'static str,
    pub(crate) note: &'static str,
    pub(crate) as_of: String,
    pub(crate) installments: Vec<ExpInstallment>,
    pub(crate) findings: Vec<ExpFinding>,
    pub(crate) controls: ExpControls,
}

#[derive(Serialize)]
pub(crate) struct ExpInstallment {
    pub(crate) contract_id: String,
    pub(crate) period_start: String,
    pub(crate) period_end: String,
    pub(crate) installment: u32,
    pub(crate) trigger: &'static str,
    pub(crate) weighted_base: String,
    pub(crate) expected: String,
    pub(crate) due_on: Option<String>,
    pub(crate) paid: String,
    pub(crate) status: String,
}

/// One finding, with the fields that identify it (`type`, `contract_id`, period, `installment`,
/// `payout_id`, `reason`, and for data-quality findings `subject`) and the ones that quantify it.
/// Fields that do not apply are null, as in the auditor's `findings.json`.
#[derive(Serialize)]
pub(crate) struct ExpFinding {
    #[serde(rename = "type")]
    pub(crate) ftype: &'static str,
    pub(crate) contract_id: Option<String>,
    pub(crate) period_start: Option<String>,
    pub(crate) period_end: Option<String>,
    pub(crate) installment: Option<u32>,
    pub(crate) payout_id: Option<String>,
    pub(crate) reason: Option<&'static str>,
    pub(crate) expected: Option<String>,
    pub(crate) paid: Option<String>,
    pub(crate) difference: Option<String>,
    pub(crate) due_on: Option<String>,
    pub(crate) paid_on: Option<String>,
    pub(crate) days_late: Option<i64>,
    pub(crate) interest: Option<String>,
    /// data-quality findings only: the net amount of the billing lines left out
    /// (`uncovered_billing`, `currency_mismatch`); null elsewhere
    pub(crate) amount: Option<String>,
    /// data-quality findings only: what the finding is about. `rejected_row`: `file` (relative to
    /// the samples folder), `row`, `column`; `currency_mismatch` / `uncovered_billing`:
    /// `account_id`, `billing_month`, `rows`, `net_amount`.
    pub(crate) subject: Option<BTreeMap<&'static str, String>>,
    /// `unpaid`, `underpaid` and `limitation` findings under a ruleset with a
    /// `[limitation]` table: due_on + 3 years (docs/ARITHMETIC.md, "Limitation periods")
    pub(crate) expires_on: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct RowsAmount {
    pub(crate) rows: usize,
    pub(crate) amount: String,
}

/// The control totals of one billing table: a CSV file, a workbook sheet or a zip member.
#[derive(Serialize)]
pub(crate) struct ExpBillingControl {
    /// relative to the samples folder
    pub(crate) file: &'static str,
    /// the sheet of a workbook or the member of a zip archive; null for a CSV file
    pub(crate) sheet: Option<String>,
    pub(crate) read: RowsAmount,
    pub(crate) attributed: RowsAmount,
    /// by exclusion reason (`uncovered`, `currency_mismatch`); only reasons that occur
    pub(crate) excluded: BTreeMap<&'static str, RowsAmount>,
    pub(crate) rejected_rows: usize,
    /// title or note rows above the header
    pub(crate) rows_above_header: usize,
    /// the net amount a totals row (合计) states, when the table has one; it equals the
    /// amount read, so no `totals_mismatch` is expected
    pub(crate) totals_row_stated: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct ExpPayoutControl {
    pub(crate) file: &'static str,
    pub(crate) read: RowsAmount,
    pub(crate) rejected_rows: usize,
}

#[derive(Serialize)]
pub(crate) struct ExpControls {
    pub(crate) note: &'static str,
    /// the first table of every billing file (tests/it/demo.rs looks controls up by file)
    pub(crate) billing: Vec<ExpBillingControl>,
    /// every billing table, zip members and sheets included
    pub(crate) billing_tables: Vec<ExpBillingControl>,
    pub(crate) payouts: Vec<ExpPayoutControl>,
}

pub(crate) fn opt_m2(x: Option<Decimal>) -> Option<String> {
    x.map(m2)
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn write_expected(
    root: &Path,
    cs: &[Contract],
    files: &[BFile],
    lines: &[Line],
    audit: &BillingAudit,
    insts: &[Inst],
    payouts: &[Payout],
    findings: &[Finding],
    as_of: Date,
) -> Res<String> {
    let installments = insts
        .iter()
        .map(|i| {
            let c = &cs[i.contract];
            ExpInstallment {
                contract_id: c.id.to_string(),
                period_start: i.pstart.iso(),
                period_end: i.pend.iso(),
                installment: i.no,
                trigger: i.trigger.word(),
                weighted_base: m2(i.w),
                expected: m2(i.e),
                due_on: i.due.map(Date::iso),
                paid: m2(i.paid()),
                status: status(c, i, findings, as_of).replace(' ', "_"),
            }
        })
        .collect();

    // payment findings first, then the per-payout ones (the README's order), then data quality
    let mut order: Vec<&Finding> = findings.iter().collect();
    order.sort_by_key(|f| {
        (
            f.ftype == "mis_invoiced" || f.ftype == "unmatched_payout",
            f.payout.clone(),
            f.contract.clone(),
            f.period,
            f.installment,
        )
    });
    let mut out: Vec<ExpFinding> = order
        .into_iter()
        .map(|f| {
            // a payout naming an unknown contract is about no contract of the workbook
            let contract_known = cs.iter().any(|c| c.id == f.contract);
            ExpFinding {
                ftype: f.ftype,
                contract_id: contract_known.then(|| f.contract.clone()),
                period_start: f.period.map(|p| p.0.iso()),
                period_end: f.period.map(|p| p.1.iso()),
                installment: f.installment,
                payout_id: f.payout.clone(),
                reason: f.reason,
                expected: opt_m2(f.expected),
                paid: opt_m2(f.paid),
                difference: opt_m2(f.difference),
                due_on: f.due_on.map(Date::iso),
                paid_on: f.paid_on.map(Date::iso),
                days_late: f.days_late,
                interest: opt_m2(f.interest),
                amount: opt_m2(f.amount),
                subject: None,
                expires_on: limitation::expires_on(f, cs),
            }
        })
        .collect();
    let dq = |ftype: &'static str,
              contract_id: Option<String>,
              reason: Option<&'static str>,
              amount: Option<Decimal>,
              subject: BTreeMap<&'static str, String>| ExpFinding {
        ftype,
        contract_id,
        period_start: None,
        period_end: None,
        installment: None,
        payout_id: None,
        reason,
        expected: None,
        paid: None,
        difference: None,
        due_on: None,
        paid_on: None,
        days_late: None,
        interest: None,
        amount: opt_m2(amount),
        subject: Some(subject),
        expires_on: None,
    };
    // docs/ARITHMETIC.md names no `reason` for data-quality findings; the auditor labels a rejected row
    // `row` and a billing-side currency mismatch `billing` — labels only, no numbers.
    for (fi, _part, row, _raw) in &audit.rejected {
        out.push(dq(
            "rejected_row",
            None,
            Some("row"),
            None,
            BTreeMap::from([
                ("file", files[*fi].path.to_string()),
                ("row", row.to_string()),
                ("column", files[*fi].layout.net_column().to_string()),
            ]),
        ));
    }
    // currency mismatches, per account and month (one line each in the demo)
    // (account, month) -> (rows, net amount, contract index)
    type AccountMonth = (String, (i64, i64));
    let mut mism: BTreeMap<AccountMonth, (usize, Decimal, usize)> = BTreeMap::new();
    for (fi, part, row, _cur, amt) in &audit.mismatched {
        let l = lines
            .iter()
            .find(|l| l.file == *fi && l.part == *part && l.row == *row)
            .expect("mismatched line");
        let ci = cs
            .iter()
            .position(|c| c.accounts.contains(&l.account.as_str()))
            .expect("covered account");
        let e = mism
            .entry((l.account.clone(), l.month))
            .or_insert((0, Decimal::ZERO, ci));
        e.0 += 1;
        e.1 += *amt;
    }
    for ((acct, (y, m)), (rows, amt, ci)) in &mism {
        out.push(dq(
            "currency_mismatch",
            Some(cs[*ci].id.to_string()),
            Some("billing"),
            Some(*amt),
            BTreeMap::from([
                ("account_id", acct.clone()),
                ("billing_month", ym(*y, *m)),
                ("rows", rows.to_string()),
                ("net_amount", m2(*amt)),
            ]),
        ));
    }
    for ((acct, (y, m)), (rows, amt)) in &audit.uncovered {
        out.push(dq(
            "uncovered_billing",
            None,
            None,
            Some(*amt),
            BTreeMap::from([
                ("account_id", acct.clone()),
                ("billing_month", ym(*y, *m)),
                ("rows", rows.to_string()),
                ("net_amount", m2(*amt)),
            ]),
        ));
    }

    let ra = |rows: usize, amount: Decimal| RowsAmount {
        rows,
        amount: m2(amount),
    };
    let control = |fi: usize, part: usize| {
        let f = &files[fi];
        let t = &audit.per_table[&(fi, part)];
        let mut excluded = BTreeMap::new();
        if t.uncovered_rows > 0 {
            excluded.insert("uncovered", ra(t.uncovered_rows, t.uncovered_amount));
        }
        if t.currency_rows > 0 {
            excluded.insert("currency_mismatch", ra(t.currency_rows, t.currency_amount));
        }
        ExpBillingControl {
            file: f.path,
            sheet: f.table_name(part),
            read: ra(t.rows, t.amount_read),
            attributed: ra(t.attributed_rows, t.attributed_amount),
            excluded,
            rejected_rows: t.rejected_rows,
            rows_above_header: f.title.len(),
            totals_row_stated: f.totals_row.then(|| m2(t.amount_read)),
        }
    };
    let billing = (0..files.len()).map(|fi| control(fi, 0)).collect();
    let billing_tables = audit
        .per_table
        .keys()
        .map(|&(fi, part)| control(fi, part))
        .collect();
    let doc = ExpectedDoc {
        schema: "make-samples/expected/v1",
        note: "Written by tools/make-samples from docs/ARITHMETIC.md, independently of the auditor; \
               checked by tests/it/demo.rs. Do not edit by hand.",
        as_of: as_of.iso(),
        installments,
        findings: out,
        controls: ExpControls {
            note: "The auditor reports control totals per table. `billing` lists the first \
                   table of each file; `billing_tables` lists every table, with the zip members \
                   of a bill-subscription archive and the sheet of a workbook.",
            billing,
            billing_tables,
            payouts: vec![ExpPayoutControl {
                file: "payouts.xlsx",
                read: ra(payouts.len(), payouts.iter().map(|p| p.amount).sum()),
                rejected_rows: 0,
            }],
        },
    };
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    fs::write(root.join("expected.json"), &text)?;
    Ok(text)
}
