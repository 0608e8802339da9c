//! The agent's statement (docs/INPUTS.md, "Agent statements").

use super::*;

/// One row of the demo statement: contract, period, base, rate, rebate, payable, number.
pub(crate) struct StatementLine {
    pub(crate) contract: &'static str,
    pub(crate) period: &'static str,
    pub(crate) base: Decimal,
    pub(crate) rate: Decimal,
    pub(crate) rebate: Decimal,
    pub(crate) payable: Decimal,
    pub(crate) number: &'static str,
}

/// The agent's statement for ALI-2024-001's last two periods: 2026-Q1 as the contract
/// computes it, and 2026-04 without RDS — the base short by exactly RDS's weighted base,
/// which reproduces the 21,600.00 the ledger's RB-0043 paid. Checked here against the
/// billing lines and the installments, so the statement and the README cannot drift.
pub(crate) fn statement_lines(
    cs: &[Contract],
    lines: &[Line],
    insts: &[Inst],
) -> (Vec<StatementLine>, Decimal) {
    let c = &cs[0];
    assert_eq!(c.id, "ALI-2024-001");
    let inst = |start: Date| {
        insts
            .iter()
            .find(|i| i.contract == 0 && i.pstart == start)
            .expect("period")
    };
    let (q1, april) = (inst(Date::ymd(2026, 1, 1)), inst(Date::ymd(2026, 4, 1)));
    let rds: Decimal = lines
        .iter()
        .filter(|l| {
            l.bad_net.is_none()
                && l.product == Product::Rds
                && l.month == (2026, 4)
                && c.accounts.contains(&l.account.as_str())
        })
        .map(|l| l.net * c.coeff(Product::Rds))
        .sum();
    let rate = dec("0.18");
    let short = april.e - rds * rate;
    assert_eq!(
        short,
        april.paid(),
        "RDS left out reproduces what RB-0043 paid"
    );
    let lines = vec![
        StatementLine {
            contract: c.id,
            period: "2026-Q1",
            base: q1.w,
            rate,
            rebate: q1.e,
            payable: q1.e,
            number: "ZJYQ-JS-2026-01",
        },
        StatementLine {
            contract: c.id,
            period: "2026-04",
            base: april.w - rds,
            rate,
            rebate: short,
            payable: short,
            number: "ZJYQ-JS-2026-02",
        },
    ];
    (lines, rds)
}

/// `statements.xlsx`: the template with its Chinese headers, amounts as numbers.
pub(crate) fn write_statements(root: &Path, rows: &[StatementLine]) -> Res<()> {
    let f = fmts();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("结算单")?;
    let names = [
        "合同编号",
        "结算期间",
        "计算基数",
        "返点比例",
        "返点金额",
        "扣减金额",
        "应付金额",
        "币种",
        "结算单号",
    ];
    write_header(ws, &f, &names)?;
    ws.set_column_width(0, 16)?;
    ws.set_column_width(8, 18)?;
    for (i, row) in rows.iter().enumerate() {
        let r = (i + 1) as u32;
        ws.write_string(r, 0, row.contract)?;
        ws.write_string(r, 1, row.period)?;
        ws.write_number_with_format(r, 2, f64_of(row.base), &f.money)?;
        ws.write_number_with_format(r, 3, f64_of(row.rate), &f.pct0)?;
        ws.write_number_with_format(r, 4, f64_of(row.rebate), &f.money)?;
        ws.write_number_with_format(r, 6, f64_of(row.payable), &f.money)?;
        ws.write_string(r, 7, "CNY")?;
        ws.write_string(r, 8, row.number)?;
    }
    save(&mut wb, &root.join("statements.xlsx"))
}

/// The README's section on the agent's statement, appended to what `write_readme` wrote.
pub(crate) fn statement_section(
    root: &Path,
    mut readme: String,
    rows: &[StatementLine],
    rds: Decimal,
) -> Res<String> {
    let april = &rows[1];
    readme.push_str(
        "\n## The agent's statement\n\n\
         `statements.xlsx` is the agent's own statement (结算单) for ALI-2024-001's last two \
         periods, in the template of docs/INPUTS.md with its Chinese headers. It is not read \
         by the demo command above (nor listed in `expected.json`); `samples/audit.toml` reads \
         it, and so does\n\n\
         ```sh\n\
         cargo run --release -- run --contracts samples/contracts.xlsx --billing samples/billing \\\n    \
         --payouts samples/payouts.xlsx --statements samples/statements.xlsx --as-of 2026-06-30 --out audit-out\n\
         ```\n\n\
         | statement no. | period | base | rate | rebate | payable |\n\
         |---|---|---:|---:|---:|---:|\n",
    );
    for row in rows {
        readme.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            row.number,
            row.period,
            grp(row.base),
            pct(row.rate),
            grp(row.rebate),
            grp(row.payable)
        ));
    }
    readme.push_str(&format!(
        "\n2026-Q1 agrees with the recomputation. 2026-04 leaves RDS out: its base is short by \
         exactly RDS's weighted base in April 2026 ({}: net × 0.5), so the tier volume is that \
         much lower and the rebate comes to {} instead of {} — what RB-0043 paid. The run adds \
         one finding, `statement_mismatch` on ALI-2024-001 2026-04-01 .. 2026-04-30 (expected \
         {}, paid {}, difference {}), naming base, rebate and payable beside the recomputed \
         figures and the likely cause `product_left_out` (rds, {}); the statement's totals \
         match payouts of the ledger, so there is no `statement_unpaid`.\n",
        grp(rds),
        grp(april.rebate),
        grp(april.rebate + rds * april.rate),
        grp(april.rebate + rds * april.rate),
        grp(april.payable),
        grp(april.payable - (april.rebate + rds * april.rate)),
        grp(rds),
    ));
    fs::write(root.join("README.md"), &readme)?;
    Ok(readme)
}
