//! A user ruleset's billing column map.

use super::*;

const CN_LAYOUT: &str = r#"provider = "cnbill"
description = "A billing export with Chinese headers (test)"

[billing]
account_id = ["账号"]
billing_month = ["账期"]
product = ["产品"]
net_amount = ["应付金额"]
currency = ["币种"]
"#;

#[test]
fn a_user_rulesets_billing_map_recognises_chinese_headers() {
    // 云服务器ECS 10,000.00 (the contract's generic ruleset knows it as ECS) and OSS
    // 2,500.00 in 2025-01 (written 202501): W = 12,500.00, E = 12,500.00 × 20% = 2,500.00.
    let billing = csv_text(
        &["账号", "账期", "产品", "应付金额", "币种"],
        &[
            vec![
                "A1".into(),
                "2025-01".into(),
                "云服务器ECS".into(),
                "10,000.00".into(),
                "CNY".into(),
            ],
            vec![
                "A1".into(),
                "202501".into(),
                "OSS".into(),
                "2500.00".into(),
                "CNY".into(),
            ],
        ],
    );
    let payouts = simple_payouts(&[("P1", "C1", "2025-02-15", "2500.00")]);
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("cn.toml", CN_LAYOUT)]);
    let run = audit_book(
        &fixture,
        &Book::standard(),
        &billing,
        &payouts,
        "2025-06-30",
        &with_rulesets(&rulesets),
    );
    run.expect_status(0);
    assert_eq!(run.findings(), Vec::<Value>::new());
    let record = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(record["weighted_base"], "12500.00");
    assert_eq!(record["expected"], "2500.00");
    assert_eq!(record["status"], "paid");
    let control = &run.json()["controls"]["billing"][0];
    assert_eq!(control["format"], "cn");
    assert_eq!(control["read"]["rows"], 2);
    assert_eq!(control["read"]["amount"], "12500.00");
    assert_eq!(control["attributed"]["rows"], 2);
    assert_eq!(control["balanced"], true);

    // Without the ruleset no layout takes these headers, but they come close to
    // Alibaba's (four of its five requirements): the run stops (exit 2) naming the column
    // Alibaba's layout needs, rather than rejecting every row and reporting C1 unearned.
    let fixture = Fixture::new();
    let run = audit_book(
        &fixture,
        &Book::standard(),
        &billing,
        &simple_payouts(&[]),
        "2025-06-30",
        &[],
    );
    run.expect_status(2);
    assert_mentions(
        &run.stderr,
        &[
            "billing.csv:1: this header row comes close to the billing format `aliyun`",
            "but lacks a column 产品Code / Product Code / ProductCode",
            "add its name to a ruleset (--rulesets)",
        ],
    );
}
