//! Value formats (docs/INPUTS.md) through real files.

use super::*;

#[test]
fn chinese_headers_and_words_in_a_contracts_csv_folder() {
    let fixture = Fixture::new();
    let book = Book::default()
        .contract(
            contract("合同-001")
                .set("customer", "示例客户有限公司")
                .set("tier_basis", "周期")
                .set("tier_mode", "全额累进")
                .set("settlement", "按月")
                .set("invoice", "无")
                .set("late_interest", "万分之五")
                .set("payout_kind", "现金")
                .set("start", "2025年1月1日")
                .set("end", "2025/1/31"),
        )
        .tier("合同-001", "0", "", "20%");
    let book = [
        ("contract_id", "合同编号"),
        ("customer", "客户"),
        ("agent", "代理商"),
        ("agent_tax_id", "代理商税号"),
        ("accounts", "账号"),
        ("start", "开始日期"),
        ("end", "结束日期"),
        ("currency", "币种"),
        ("base", "返点基数"),
        ("tier_basis", "阶梯口径"),
        ("tier_mode", "阶梯方式"),
        ("settlement", "结算周期"),
        ("due_days", "付款期限"),
        ("grace_days", "宽限天数"),
        ("invoice", "发票要求"),
        ("late_interest", "逾期利率"),
        ("payout_kind", "返点方式"),
        ("from", "下限"),
        ("to", "上限"),
        ("rate", "返点比例"),
    ]
    .into_iter()
    .fold(book, |book, (column, header)| book.rename(column, header));
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    assert!(
        std::fs::read_to_string(contracts.join("contracts.csv"))
            .unwrap()
            .starts_with("合同编号,客户,")
    );
    let billing = fixture.write("billing.csv", standard_billing());
    // 1,900.00 of 2,000.00; as of 2025-04-01 that is underpaid, 30 days late, and
    // 万分之五 = 0.05% a day: 100.00 × 0.0005 × 30 = 1.50.
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "合同-001", "2025-02-15", "1900.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-04-01", &[]);
    run.expect_status(1);
    let finding = only(&run, "underpaid");
    assert_eq!(finding["contract_id"], "合同-001");
    assert_eq!(finding["expected"], "2000.00");
    assert_eq!(finding["difference"], "-100.00");
    assert_eq!(finding["days_late"], 30);
    assert_eq!(finding["interest"], "1.50");
    let totals = &run.json()["totals"]["per_contract"][0];
    assert_eq!(totals["customer"], "示例客户有限公司");
}

#[test]
fn billing_money_with_yen_sign_and_parentheses_and_a_chinese_month() {
    let fixture = Fixture::new();
    let contracts = Book::default()
        .contract(
            contract("C1")
                .set("start", "2025-03-01")
                .set("end", "2025-03-31"),
        )
        .tier("C1", "0", "", "20%")
        .write_csv_folder(fixture.dir.path(), "contracts");
    // ¥11,234.50 + (1,234.50) = 10,000.00 → E = 2,000.00, due 2025-03-31 + 30 = 2025-04-30.
    let billing = fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025年3月", "ECS", "¥11,234.50", "CNY"),
            ("A1", "202503", "ECS", "(1,234.50)", "人民币"),
        ]),
    );
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025/4/20", "¥2,000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(0);
    let installment = &run.installments()[0];
    assert_eq!(installment["weighted_base"], "10000.00");
    assert_eq!(installment["expected"], "2000.00");
    assert_eq!(installment["due_on"], "2025-04-30");
    assert_eq!(installment["paid"], "2000.00");
    assert_eq!(installment["status"], "paid");
    let control = &run.json()["controls"]["billing"][0];
    assert_eq!(control["read"]["rows"], 2);
    assert_eq!(control["read"]["amount"], "10000.00");
    assert_eq!(control["attributed"]["rows"], 2);
    assert_eq!(control["balanced"], true);
}

#[test]
fn xlsx_contracts_with_real_date_cells_serial_dates_and_numeric_rates() {
    let fixture = Fixture::new();
    // start: a date-formatted cell 2025-01-01; end: the bare Excel serial 45688
    // (= 2025-01-31); due_days the number 30; the tier rate the number 0.22;
    // late_interest the number 0.0005 (0.05%).
    let book = Book::default()
        .contract(
            contract("C1")
                .set("start", Val::Date(2025, 1, 1))
                .set("end", 45688.0)
                .set("due_days", 30.0)
                .set("grace_days", 0.0)
                .set("late_interest", 0.0005),
        )
        .tier("C1", 0.0, "", 0.22);
    let contracts = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let billing = fixture.write("billing.csv", standard_billing());
    // E = 10,000.00 × 22% = 2,200.00 due 2025-03-02; 2,000.00 paid; as of 2025-03-12:
    // shortfall 200.00 × 0.0005 × 10 days = 1.00.
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-03-12", &[]);
    run.expect_status(1);
    let installments = run.installments();
    assert_eq!(
        installments.len(),
        1,
        "one January period: {installments:#?}"
    );
    assert_eq!(installments[0]["period_start"], "2025-01-01");
    assert_eq!(installments[0]["period_end"], "2025-01-31");
    assert_eq!(installments[0]["expected"], "2200.00");
    let finding = only(&run, "underpaid");
    assert_eq!(finding["expected"], "2200.00");
    assert_eq!(finding["paid"], "2000.00");
    assert_eq!(finding["difference"], "-200.00");
    assert_eq!(finding["due_on"], "2025-03-02");
    assert_eq!(finding["days_late"], 10);
    assert_eq!(finding["interest"], "1.00");
    let contract_input = run.json()["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|input| input["role"] == "contracts")
        .cloned()
        .unwrap();
    assert!(
        contract_input["path"]
            .as_str()
            .unwrap()
            .ends_with("book.xlsx")
    );
    assert_eq!(contract_input["sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn a_points_portion_takes_rate_points_of_the_weighted_base() {
    let fixture = Fixture::new();
    // W = 10,000.00 at 20%: E = 2,000.00. Installment 1 = 10pt = 10,000.00 × 10% = 1,000.00;
    // installment 2 (rest) = 2,000.00 − 1,000.00 = 1,000.00, due only after renewal,
    // which has not happened: conditional.
    let book = Book::standard()
        .schedule("C1", "1", "settlement", "10pt")
        .schedule("C1", "2", "renewal", "rest");
    let contracts = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    let billing = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "1000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(0);
    let installments = run.installments();
    assert_eq!(installments.len(), 2);
    assert_eq!(installments[0]["installment"], 1);
    assert_eq!(installments[0]["trigger"], "settlement");
    assert_eq!(installments[0]["expected"], "1000.00");
    assert_eq!(installments[0]["paid"], "1000.00");
    assert_eq!(installments[0]["status"], "paid");
    assert_eq!(installments[1]["installment"], 2);
    assert_eq!(installments[1]["trigger"], "renewal");
    assert_eq!(installments[1]["expected"], "1000.00");
    assert_eq!(installments[1]["due_on"], Value::Null);
    assert_eq!(installments[1]["status"], "conditional");
}

#[test]
fn a_points_portion_never_exceeds_the_periods_rebate() {
    let fixture = Fixture::new();
    // 30pt of 10,000.00 would be 3,000.00, more than E = 2,000.00: capped at 2,000.00,
    // and the rest is 0.00.
    let book = Book::standard()
        .schedule("C1", "1", "settlement", "30pt")
        .schedule("C1", "2", "settlement", "rest");
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(0);
    let installments = run.installments();
    assert_eq!(installments[0]["expected"], "2000.00");
    assert_eq!(installments[1]["expected"], "0.00");
}

#[test]
fn a_gbk_payout_ledger_with_chinese_headers_and_values() {
    let fixture = Fixture::new();
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write("billing.csv", standard_billing());
    let text = payouts_csv(
        &[
            "流水号",
            "合同编号",
            "到账日期",
            "金额",
            "币种",
            "方式",
            "所属期间",
        ],
        &[
            &[
                "回款001",
                "C1",
                "2025年2月15日",
                "￥2,000.00",
                "人民币",
                "现金",
                "2025年1月",
            ],
            &[
                "回款002",
                "未知合同",
                "2025年2月16日",
                "￥50.00",
                "人民币",
                "转账",
                "",
            ],
        ],
    );
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture really is GBK, not UTF-8"
    );
    let payouts = fixture.write("payouts-gbk.csv", &*bytes);
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(1);
    // 回款001 pays January in full.
    let installment = &run.installments()[0];
    assert_eq!(installment["paid"], "2000.00");
    assert_eq!(installment["status"], "paid");
    // 回款002 names a contract that does not exist; its Chinese text survives decoding.
    let finding = only(&run, "unmatched_payout");
    assert_eq!(finding["payout_id"], "回款002");
    assert_eq!(finding["reason"], "contract");
    assert_eq!(finding["paid"], "50.00");
    assert_eq!(run.findings().len(), 1);
    let input = run.json()["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|input| input["role"] == "payouts")
        .cloned()
        .unwrap();
    assert_eq!(input["encoding"], "GB18030");
    assert_eq!(input["rows"], 2);
}

#[test]
fn a_utf8_bom_billing_csv_is_read() {
    let fixture = Fixture::new();
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(standard_billing().as_bytes());
    let billing = fixture.write("billing-bom.csv", bytes);
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-06-30", &[]);
    run.expect_status(0);
    assert_eq!(run.installments()[0]["weighted_base"], "10000.00");
}
