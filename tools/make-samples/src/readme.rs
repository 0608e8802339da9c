//! samples/README.md: the demo's story, its numbers and the findings it must raise.

use super::*;

pub(crate) fn span_text(s: Date, e: Date) -> String {
    format!("{} .. {}", s.iso(), e.iso())
}

pub(crate) fn opt_money(x: Option<Decimal>) -> String {
    x.map_or("—".into(), grp)
}

pub(crate) fn tier_text(c: &Contract) -> String {
    c.tiers
        .iter()
        .map(|t| {
            format!(
                "[{}, {}) {}",
                grp(t.from).trim_end_matches(".00"),
                t.to.map_or("∞".into(), |x| grp(x).trim_end_matches(".00").to_string()),
                pct(t.rate)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) fn status(c: &Contract, i: &Inst, findings: &[Finding], as_of: Date) -> String {
    if let Some(f) = findings.iter().find(|f| {
        f.contract == c.id
            && f.period == Some((i.pstart, i.pend))
            && f.installment == Some(i.no)
            && f.payout.is_none()
    }) {
        return f.ftype.to_string();
    }
    if i.e.is_zero() && i.paid().is_zero() {
        return "nothing due".into();
    }
    match i.due {
        None => "conditional".into(),
        Some(d) if i.paid() < i.e && as_of <= d.plus(c.grace_days) => "open".into(),
        Some(_) => "paid".into(),
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn write_readme(
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
    let mut s = String::new();
    let w = &mut s;
    writeln!(w, "# rebate-audit demo data")?;
    writeln!(w)?;
    writeln!(
        w,
        "Everything in this folder — including this README and every number in it — is written by \
         `tools/make-samples` (`cargo run -p make-samples` from the repository root). The program \
         generates the billing lines, then recomputes every installment with exact decimals straight \
         from docs/ARITHMETIC.md and reconciles the payout ledger per docs/ARITHMETIC.md, and refuses to write the README \
         unless exactly the intended findings come out. Do not edit these files by hand; change the \
         generator and re-run it. The output is byte-identical from run to run."
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "Demo audit (from the repository root; reports go to `audit-out/`):"
    )?;
    writeln!(w)?;
    writeln!(w, "```sh")?;
    writeln!(
        w,
        "cargo run --release -- run --contracts samples/contracts.xlsx --billing samples/billing \\\n    --payouts samples/payouts.xlsx --as-of {} --out audit-out",
        as_of.iso()
    )?;
    writeln!(w, "```")?;
    writeln!(w)?;
    writeln!(
        w,
        "It exits with status 1, because the demo contains findings at warning level and above. \
         The same expectations are in `expected.json` (every installment, every finding with the \
         fields that identify and quantify it, and the control totals per table), and \
         `cargo test --test it demo::` runs the auditor on this folder and compares its `findings.json` \
         with them."
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "Every billing file is in a provider's real export layout, as a user downloads it from \
         the cloud console, the bill subscription or Cost Management — none uses the generic \
         template — with fictitious accounts, ids and names (the layouts are the \
         providers' documented layouts, see docs/INPUTS.md; nobody's real bill is reproduced). \
         The auditor recognises \
         each table by its header and reads it through its provider's ruleset; products arrive \
         as provider codes and console names (`ecs`, `hws.service.type.ec2`, `云服务器`, \
         `Virtual Machines`, `Elastic Compute Service`, …) and are normalised by the rulesets' \
         aliases."
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "Assumptions behind the expected \
         numbers: rounding half away from zero to cents, tolerance 0.01, invoice window 30 days \
         (the documented defaults); `grace_days` is set explicitly on every contract, and every product a \
         contract buys is listed with an explicit coefficient in the `products` sheet — by its \
         canonical code (`ecs`, `oss`, `rds`, `slb`) or by the provider's name for it, which the \
         contract's ruleset resolves (Tencent's `云服务器`, Azure's `Virtual Machines`) — so the \
         only ruleset default that counts is the one for marketplace sales, which the rulesets \
         weigh 0 (one 云市场 line of ALI-2025-005 relies on it). `ruleset` is blank, so each \
         contract uses its provider's ruleset."
    )?;
    writeln!(w)?;

    // files
    writeln!(w, "## Files")?;
    writeln!(w)?;
    writeln!(w, "| file | rows | what |")?;
    writeln!(w, "|---|---:|---|")?;
    writeln!(
        w,
        "| `contracts.xlsx` | {} contracts | sheets `contracts`, `tiers`, `products` (headers in Chinese: 合同编号 / 产品 / 系数; products by code or provider name), `schedule`; dates are real Excel dates, rates are numbers formatted as percentages, `10pt` is text |",
        cs.len()
    )?;
    for (fi, f) in files.iter().enumerate() {
        let rows: usize = (0..f.parts).map(|p| audit.per_table[&(fi, p)].rows).sum();
        let members = if f.kind == FileKind::Zip {
            format!(
                " Members: {}.",
                (0..f.parts)
                    .map(|p| format!(
                        "`{}` ({} rows)",
                        f.member_name(p),
                        audit.per_table[&(fi, p)].rows
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            String::new()
        };
        writeln!(
            w,
            "| `{}` | {} | {}: {}; {}.{} |",
            f.path,
            rows,
            f.encoding(),
            f.layout.describe(),
            f.note,
            members
        )?;
    }
    writeln!(
        w,
        "| `payouts.xlsx` | {} | payout ledger (docs/INPUTS.md), one row per payout received |",
        payouts.len()
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "Billing rows in total: {} (header, title and totals rows not counted). Where a layout \
         has a list amount, it is consistent with the net amount (原价 − 优惠金额 = 应付金额; \
         官网价 − 优惠金额 − 抹零金额 = 应付金额; Tencent's `Discount` is a rate, Original Cost × \
         Discount = Total Amount After Discount; Azure MCA's paygCostInBillingCurrency and FOCUS's \
         ListCost are the list prices, without a discount column; Azure EA has no list amount); \
         vouchers and coupons are the part of the net \
         paid with them and are informational (all contracts use `base = net`). Refunds are \
         written positive in some files and negative in others, as the providers' documentation \
         leaves open; the order type says they are refunds (退款, Refund, 包年包月退费, \
         退款-退订, chargeType `Refund`), so they count negative either way, and FOCUS credits \
         are negative rows. Each refund is balanced by another line of the same month, so the \
         monthly totals below stay round.",
        lines.len()
    )?;
    writeln!(w)?;

    // contracts
    for (ci, c) in cs.iter().enumerate() {
        writeln!(w, "## {} — {}", c.id, c.customer)?;
        writeln!(w)?;
        writeln!(w, "{}", c.mechanics)?;
        amendments::readme(w, c)?;
        writeln!(w)?;
        writeln!(w, "| term | value |")?;
        writeln!(w, "|---|---|")?;
        writeln!(w, "| agent | {} (`{}`) |", c.agent, c.tax_id)?;
        writeln!(w, "| provider | {} |", c.provider)?;
        writeln!(
            w,
            "| accounts | {} |",
            c.accounts
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        writeln!(w, "| term | {} |", span_text(c.start, c.end))?;
        writeln!(
            w,
            "| base / tier_basis / tier_mode | net / {} / {} |",
            c.basis.word(),
            c.mode.word()
        )?;
        writeln!(w, "| tiers | {} |", tier_text(c))?;
        writeln!(w, "| cap | {} |", opt_money(c.cap))?;
        writeln!(
            w,
            "| settlement / due_days / grace_days | {} / {} / {} |",
            c.settle.word(),
            c.due_days,
            c.grace_days
        )?;
        writeln!(
            w,
            "| renewed_on | {} |",
            c.renewed_on.map_or("— (not renewed)".into(), |d| d.iso())
        )?;
        writeln!(
            w,
            "| invoice / tax_rate | {} / {} |",
            c.invoice,
            c.tax_rate.map_or("—".into(), pct)
        )?;
        writeln!(
            w,
            "| late_interest (per day) | {} |",
            c.late_interest.map_or("— (0)".into(), pct)
        )?;
        writeln!(w, "| payout_kind | {} |", c.payout_kind)?;
        writeln!(
            w,
            "| coefficients | {} |",
            c.coeffs
                .iter()
                .map(|(p, k)| {
                    let name = c.naming.name(*p);
                    if name == p.code() {
                        format!("`{name}` {}", k.normalize())
                    } else {
                        format!("`{name}` (= `{}`) {}", p.code(), k.normalize())
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        writeln!(
            w,
            "| schedule | {} |",
            c.effective_schedule()
                .iter()
                .enumerate()
                .map(|(i, (t, p))| format!("{}: {} {}", i + 1, t.word(), p.text()))
                .collect::<Vec<_>>()
                .join("; ")
                + if c.schedule.is_empty() {
                    " (default, no rows in `schedule`)"
                } else {
                    ""
                }
        )?;
        writeln!(w)?;
        writeln!(
            w,
            "Monthly totals of the covered billing lines (net as billed, weighted = net × coefficient):"
        )?;
        writeln!(w)?;
        writeln!(w, "| month | net | weighted base |")?;
        writeln!(w, "|---|---:|---:|")?;
        let mut tot = (Decimal::ZERO, Decimal::ZERO);
        for ((y, m), (net, wb)) in &audit.monthly[ci] {
            writeln!(w, "| {} | {} | {} |", ym(*y, *m), grp(*net), grp(*wb))?;
            tot.0 += net;
            tot.1 += wb;
        }
        writeln!(w, "| **total** | **{}** | **{}** |", grp(tot.0), grp(tot.1))?;
        writeln!(w)?;
        writeln!(
            w,
            "Expected installments (W = period's weighted base, Earned = Earned(period end), \
             E_p = Earned(end_p) − Earned(end_p−1)):"
        )?;
        writeln!(w)?;
        writeln!(
            w,
            "| period | inst | trigger / portion | W | Earned | E_p | expected | due_on | paid | status |"
        )?;
        writeln!(w, "|---|---:|---|---:|---:|---:|---:|---|---:|---|")?;
        let mut sum_e = Decimal::ZERO;
        let mut sum_p = Decimal::ZERO;
        for i in insts.iter().filter(|i| i.contract == ci) {
            let first = i.no == 1;
            writeln!(
                w,
                "| {} | {} | {} {} | {} | {} | {} | {} | {} | {} | {} |",
                span_text(i.pstart, i.pend),
                i.no,
                i.trigger.word(),
                i.portion.text(),
                if first { grp(i.w) } else { "″".into() },
                if first {
                    grp(i.earned_end)
                } else {
                    "″".into()
                },
                if first { grp(i.e_period) } else { "″".into() },
                grp(i.e),
                i.due.map_or("— (conditional)".into(), |d| d.iso()),
                grp(i.paid()),
                status(c, i, findings, as_of)
            )?;
            sum_e += i.e;
            sum_p += i.paid();
        }
        writeln!(
            w,
            "| **total** | | | | | | **{}** | | **{}** | |",
            grp(sum_e),
            grp(sum_p)
        )?;
        writeln!(w)?;
        if c.basis == Basis::ContractYear && c.mode == Mode::Retroactive {
            let rate = |b: Decimal| {
                c.tiers
                    .iter()
                    .find(|t| t.from <= b && t.to.is_none_or(|to| b < to))
                    .map_or(Decimal::ZERO, |t| t.rate)
            };
            for y in contract_years(c) {
                let mut before = Decimal::ZERO;
                for p in periods(c).iter().filter(|p| p.year == y.year) {
                    let after = scope_base(&audit.weighted[ci], &y, p.end);
                    let (r0, r1) = (rate(before), rate(after));
                    if before > Decimal::ZERO && r1 > r0 {
                        writeln!(
                            w,
                            "- Catch-up in {}: the contract-year base goes from {} to {} and \
                             crosses into {}; E_p = {} × {} − {} (earned so far) = {}, of which \
                             ({} − {}) × {} = {} is the catch-up on the earlier volume.",
                            span_text(p.start, p.end),
                            grp(before),
                            grp(after),
                            pct(r1),
                            pct(r1),
                            grp(after),
                            grp(r2(before * r0)),
                            grp(r2(after * r1) - r2(before * r0)),
                            pct(r1),
                            pct(r0),
                            grp(before),
                            grp(r2((r1 - r0) * before)),
                        )?;
                    }
                    before = after;
                }
            }
            writeln!(w)?;
        }
    }

    // deliberate errors
    writeln!(
        w,
        "## Deliberately wrong payouts and the findings they must produce"
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "All other payouts are correct and on time. Money columns are the finding's `expected`, \
         `paid`, `difference` (= paid − expected); `days_late` and `interest` as docs/ARITHMETIC.md \
         (unpaid/underpaid: as_of − due_on and shortfall × rate × days; late: completion − due_on \
         and amount × rate × (paid_on − due_on)). For payment findings `paid_on` is the date of the \
         last payment allocated to the installment (for `late`: the completion date). “—” = null / \
         not applicable (an `overpaid` finding has no lateness and no interest). The payout_id column \
         of a payment finding names the payouts allocated to the installment, for reference; the \
         finding itself is about the installment and its `payout_id` is null."
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "| # | payout_id | contract | period | inst | what is wrong | finding | reason | expected | paid | difference | due_on | paid_on | days_late | interest |"
    )?;
    writeln!(
        w,
        "|---:|---|---|---|---:|---|---|---|---:|---:|---:|---|---|---:|---:|"
    )?;
    let mut n = 0;
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
    for f in order {
        n += 1;
        let payout = f.payout.clone().or_else(|| {
            // the payout(s) allocated to the installment
            let i = insts.iter().find(|i| {
                cs[i.contract].id == f.contract
                    && Some((i.pstart, i.pend)) == f.period
                    && Some(i.no) == f.installment
            })?;
            let ids: BTreeSet<&str> = i.allocs.iter().map(|a| a.1.as_str()).collect();
            Some(ids.into_iter().collect::<Vec<_>>().join(", "))
        });
        let what = explain(f, payouts, cs);
        writeln!(
            w,
            "| {n} | {} | {} | {} | {} | {} | `{}` | {} | {} | {} | {} | {} | {} | {} | {} |",
            payout.filter(|s| !s.is_empty()).unwrap_or("—".into()),
            f.contract,
            f.period.map_or("—".into(), |(a, b)| span_text(a, b)),
            f.installment.map_or("—".into(), |x| x.to_string()),
            what,
            f.ftype,
            f.reason.unwrap_or("—"),
            opt_money(f.expected),
            opt_money(f.paid),
            opt_money(f.difference),
            f.due_on.map_or("—".into(), |d| d.iso()),
            f.paid_on.map_or("—".into(), |d| d.iso()),
            f.days_late.map_or("—".into(), |d| d.to_string()),
            opt_money(f.interest),
        )?;
    }
    writeln!(w)?;
    writeln!(
        w,
        "No `clawback` is expected (no installment has a negative expectation), and no payment \
         finding on any other installment. The renewal installments of AZ-2025-004 are \
         `conditional` (not renewed), not unpaid."
    )?;
    writeln!(w)?;

    // data quality
    writeln!(w, "## Data-quality findings")?;
    writeln!(w)?;
    writeln!(w, "| finding | where | detail |")?;
    writeln!(w, "|---|---|---|")?;
    for (fi, part, row, raw) in &audit.rejected {
        assert_eq!(*part, 0, "rejected rows are in plain files");
        writeln!(
            w,
            "| `rejected_row` | `{}` row {row}, column `{}` | `{raw}` is not an amount; the row is not counted |",
            files[*fi].path,
            files[*fi].layout.net_column()
        )?;
    }
    for (fi, part, row, cur, amt) in &audit.mismatched {
        assert_eq!(*part, 0, "mismatched rows are in plain files");
        let l = lines
            .iter()
            .find(|l| l.file == *fi && l.row == *row)
            .expect("mismatched line");
        let c = cs
            .iter()
            .find(|c| c.accounts.contains(&l.account.as_str()))
            .expect("covered account");
        writeln!(
            w,
            "| `currency_mismatch` | `{}` row {row} | {} {} on {}'s account `{}` (contract currency CNY); left out |",
            files[*fi].path,
            grp(*amt),
            cur,
            c.id,
            l.account
        )?;
    }
    for ((acct, (y, m)), (rows, amt)) in &audit.uncovered {
        writeln!(
            w,
            "| `uncovered_billing` (info) | account `{acct}`, {} | {rows} rows, net {} — no contract covers this account |",
            ym(*y, *m),
            grp(*amt)
        )?;
    }
    writeln!(w)?;
    writeln!(
        w,
        "No `unknown_product` is expected (every product is billed under a code or name the \
         provider's ruleset, or the generic one, aliases), no `overlapping_contracts`, and no \
         other rejected row: title rows above a header and the `合计` row are recognised as such."
    )?;
    writeln!(w)?;

    // control totals
    writeln!(w, "## Control totals per billing table (net amount)")?;
    writeln!(w)?;
    let titled: Vec<String> = files
        .iter()
        .filter(|f| !f.title.is_empty() || f.totals_row)
        .map(|f| {
            format!(
                "`{}` has {} row(s) above its header{}",
                f.path,
                f.title.len(),
                if f.totals_row {
                    " and a `合计` row, which states the amount read and so must raise no \
                     `totals_mismatch`"
                } else {
                    ""
                }
            )
        })
        .collect();
    writeln!(
        w,
        "One table per CSV file, workbook sheet or zip member, as the auditor reports them. \
         Rows are billing rows: the header, the rows above it and a totals row are not counted \
         ({}).",
        titled.join("; ")
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "| table | rows | amount read | attributed rows | attributed | uncovered rows | uncovered | currency-mismatch rows | mismatched | rejected rows |"
    )?;
    writeln!(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    for (&(fi, part), t) in &audit.per_table {
        let f = &files[fi];
        assert_eq!(
            t.rows,
            t.attributed_rows + t.uncovered_rows + t.currency_rows + t.rejected_rows
        );
        assert_eq!(
            t.amount_read,
            t.attributed_amount + t.uncovered_amount + t.currency_amount
        );
        writeln!(
            w,
            "| `{}`{} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            f.path,
            f.table_name(part)
                .map_or(String::new(), |n| format!(" › `{n}`")),
            t.rows,
            grp(t.amount_read),
            t.attributed_rows,
            grp(t.attributed_amount),
            t.uncovered_rows,
            grp(t.uncovered_amount),
            t.currency_rows,
            grp(t.currency_amount),
            t.rejected_rows
        )?;
    }
    writeln!(w)?;
    let total_e: Decimal = insts.iter().map(|i| i.e).sum();
    let total_paid: Decimal = payouts.iter().map(|p| p.amount).sum();
    writeln!(
        w,
        "Ledger: {} payouts, {} received in total; {} installments expected, {} in total (of which {} conditional).",
        payouts.len(),
        grp(total_paid),
        insts.len(),
        grp(total_e),
        grp(insts.iter().filter(|i| i.due.is_none()).map(|i| i.e).sum())
    )?;
    fs::write(root.join("README.md"), &s)?;
    Ok(s)
}

pub(crate) fn explain(f: &Finding, payouts: &[Payout], cs: &[Contract]) -> String {
    let p = f
        .payout
        .as_ref()
        .and_then(|id| payouts.iter().find(|p| &p.id == id));
    match (f.ftype, f.reason) {
        ("unpaid", _) => "installment never paid".into(),
        ("underpaid", _) => "paid short".into(),
        ("overpaid", _)
            if f.payout
                .as_deref()
                .is_some_and(|ids| ids.contains("ZZ-0001")) =>
        {
            "booked twice: the same transfer in both ledgers".into()
        }
        ("overpaid", _) => "paid too much".into(),
        ("duplicate_payout", _) => {
            let reference = p.and_then(|p| p.reference.clone()).unwrap_or_default();
            let first = payouts
                .iter()
                .find(|q| {
                    q.reference.as_deref() == Some(&reference) && Some(&q.id) != f.payout.as_ref()
                })
                .map(|q| q.id.clone())
                .unwrap_or_default();
            format!(
                "same amount, paid_on and reference `{reference}` as {first}: booked twice; without it the installment is paid (overpayment {} goes away)",
                opt_money(f.amount)
            )
        }
        ("limitation", _) => format!(
            "claim expires {} (3 years from due_on, PRC Civil Code art. 188)",
            f.due_on.map(|d| plus_years(d, 3).iso()).unwrap_or_default()
        ),
        ("late", _) => "paid after due_on + grace_days".into(),
        ("unmatched_payout", _) => format!(
            "names contract `{}`, which does not exist (typo of ALI-2024-001)",
            f.contract
        ),
        ("mis_invoiced", Some("missing")) => "cash payout without invoice".into(),
        ("mis_invoiced", Some("amount")) => format!(
            "invoice_amount {} ≠ amount",
            opt_money(p.and_then(|p| p.inv_amount))
        ),
        ("mis_invoiced", Some("tax_rate")) => format!(
            "invoice_tax_rate {} (contract: {})",
            p.and_then(|p| p.inv_tax).map_or("—".into(), pct),
            cs.iter()
                .find(|c| c.id == f.contract)
                .and_then(|c| c.tax_rate)
                .map_or("—".into(), pct)
        ),
        ("mis_invoiced", Some("type")) => format!(
            "invoice_type `{}` (contract: vat_special)",
            p.and_then(|p| p.inv_type).unwrap_or("—")
        ),
        ("mis_invoiced", Some("issuer")) => format!(
            "invoice_issuer `{}` ≠ agent_tax_id",
            p.and_then(|p| p.inv_issuer.clone()).unwrap_or_default()
        ),
        ("mis_invoiced", Some("late_invoice")) => format!(
            "invoice dated {} — more than 30 days after paid_on",
            p.and_then(|p| p.inv_date).map_or("—".into(), |d| d.iso())
        ),
        ("mis_invoiced", Some("duplicate")) => format!(
            "invoice_no `{}` used on two payouts",
            p.and_then(|p| p.inv_no.clone()).unwrap_or_default()
        ),
        _ => String::new(),
    }
}
