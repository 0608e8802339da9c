//! Money taken back in cash — a negative row of the payout ledger — on a contract whose
//! clawback rule does not allow it (docs/ARITHMETIC.md, "Clawbacks"): the worked contract
//! of `clawbacks.rs` (E_p = 60,000, 105,000, −70,000, 92,500), every quarter paid in full,
//! then the agent books −30,000.00 against a settled quarter.

use crate::clawbacks::{billing, book, xlsx_text};
use crate::common::*;
use serde_json::Value;

/// Every quarter paid as the rule says, plus `back` (period, amount) rows.
fn payouts(q4: &str, back: &[(&str, &str, &str)]) -> String {
    let mut rows: Vec<Vec<String>> = vec![
        vec!["P1", "C1", "2025-04-15", "60000.00", "2025-Q1"],
        vec!["P2", "C1", "2025-07-15", "105000.00", "2025-Q2"],
        vec!["P4", "C1", "2026-01-15", q4, "2025-Q4"],
    ]
    .into_iter()
    .map(|row| row.into_iter().map(String::from).collect())
    .collect();
    for (n, (period, paid_on, amount)) in back.iter().enumerate() {
        rows.push(vec![
            format!("N{}", n + 1),
            "C1".into(),
            (*paid_on).into(),
            (*amount).into(),
            (*period).into(),
        ]);
    }
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|row| row.iter().map(String::as_str).collect())
        .collect();
    let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    payouts_csv(
        &["payout_id", "contract_id", "paid_on", "amount", "period"],
        &rows,
    )
}

fn audit(fixture: &Fixture, rule: &str, q4: &str, back: &[(&str, &str, &str)]) -> Run {
    let contracts = book(rule).write_xlsx(fixture.dir.path(), "contracts.xlsx");
    let billing = fixture.write("billing.csv", billing());
    let payouts = fixture.write("payouts.csv", payouts(q4, back));
    fixture.audit(&contracts, &billing, &payouts, "2026-06-30", &[])
}

fn cause_codes(finding: &Value) -> Vec<String> {
    finding["evidence"]["likely_causes"]
        .as_array()
        .map(|causes| {
            causes
                .iter()
                .map(|cause| cause["code"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn text(run: &Run, name: &str) -> String {
    String::from_utf8(run.read(name)).unwrap()
}

const NONE_SAYS: &str = "likely a clawback the contract does not allow, taken back in cash";

#[test]
fn cash_taken_back_from_a_settled_quarter_on_a_no_clawback_contract_is_named_everywhere() {
    // Q2 (105,000.00) paid in full, then N1 −25,000.00 booked against it: Q2 is short
    // 25,000.00 — the amounts as matching makes them — and the cause says why.
    let fixture = Fixture::new();
    let run = audit(
        &fixture,
        "none",
        "92500.00",
        &[("2025-Q2", "2025-10-20", "-25000.00")],
    );
    run.expect_status(1);
    let finding = only(&run, "underpaid");
    assert_eq!(finding["period_start"], "2025-04-01");
    assert_eq!(finding["expected"], "105000.00");
    assert_eq!(finding["paid"], "80000.00");
    assert_eq!(finding["difference"], "-25000.00");
    assert_eq!(cause_codes(&finding), ["clawback_in_cash"]);
    let detail = finding["detail"].as_str().unwrap();
    for part in [
        "The ledger's negative row N1 (-25,000.00 on 2025-10-20, ",
        "payouts.csv:5) took 25,000.00 back in cash against installment 1",
        "would have received 105,000.00 (it expects 105,000.00)",
        "clawback rule is none (no clawback)",
        NONE_SAYS,
    ] {
        assert!(detail.contains(part), "{part}: {detail}");
    }
    for name in [
        "findings.csv",
        "report.html",
        "evidence/C1.md",
        "summary.md",
    ] {
        let body = text(&run, name);
        assert!(body.contains(NONE_SAYS), "{name}");
    }
    for workbook in ["findings.xlsx", "report.xlsx"] {
        assert!(
            xlsx_text(&run.out.join(workbook)).contains(NONE_SAYS),
            "{workbook}"
        );
    }

    // In Chinese, with the rule's Chinese word.
    let fixture = Fixture::new();
    let contracts = book("不追回").write_xlsx(fixture.dir.path(), "contracts.xlsx");
    let billing = fixture.write("billing.csv", billing());
    let payouts = fixture.write(
        "payouts.csv",
        payouts("92500.00", &[("2025-Q2", "2025-10-20", "-25000.00")]),
    );
    let zh = fixture.run_into(
        "zh",
        &[
            &"run",
            &"--contracts",
            &contracts,
            &"--billing",
            &billing,
            &"--payouts",
            &payouts,
            &"--as-of",
            &"2026-06-30",
            &"--lang",
            &"zh",
        ],
    );
    let detail = only(&zh, "underpaid")["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        detail.contains("可能是以现金收回了合同不允许的追回款"),
        "{detail}"
    );
    assert!(detail.contains("“不追回”（none）"), "{detail}");
}

#[test]
fn cash_taken_back_from_the_negative_quarter_is_a_shortfall_under_none_and_carry_forward() {
    // N1 names 2025-Q3, whose rebate is −70,000: `none` makes it 0, `carry_forward` carries
    // it. Q3 expects 0.00, so −30,000.00 taken against it is 30,000.00 short.
    for (rule, q4, says) in [
        ("none", "92500.00", "clawback rule is none"),
        (
            "carry_forward",
            "22500.00",
            "clawback rule is carry_forward: a negative period is deducted from the later periods' rebates",
        ),
    ] {
        let fixture = Fixture::new();
        let run = audit(
            &fixture,
            rule,
            q4,
            &[("2025-Q3", "2025-10-20", "-30000.00")],
        );
        run.expect_status(1);
        let finding = only(&run, "underpaid");
        assert_eq!(finding["period_start"], "2025-07-01", "{rule}");
        assert_eq!(finding["expected"], "0.00");
        assert_eq!(finding["paid"], "-30000.00");
        assert_eq!(finding["difference"], "-30000.00");
        assert_eq!(cause_codes(&finding), ["clawback_in_cash"]);
        let detail = finding["detail"].as_str().unwrap();
        assert!(detail.contains(says), "{detail}");
        assert!(detail.contains(NONE_SAYS), "{detail}");
        let q3 = installment(&run, "C1", "2025-07-01", 1);
        assert_eq!(q3["status"], "underpaid");
    }
    // `net`: Q3 owes 70,000.00 back; −30,000.00 is part of that clawback, no shortfall.
    let fixture = Fixture::new();
    let run = audit(
        &fixture,
        "net",
        "92500.00",
        &[("2025-Q3", "2025-10-20", "-30000.00")],
    );
    assert!(run.of_type("underpaid").is_empty());
    assert_eq!(only(&run, "clawback")["paid"], "-30000.00");
}

#[test]
fn a_negative_row_with_no_period_is_left_over_on_the_contract_and_named() {
    let fixture = Fixture::new();
    let run = audit(
        &fixture,
        "none",
        "92500.00",
        &[("", "2025-10-20", "-30000.00")],
    );
    let finding = only(&run, "overpaid");
    assert_eq!(finding["payout_id"], "N1");
    assert_eq!(finding["difference"], "-30000.00");
    assert_eq!(cause_codes(&finding), ["clawback_in_cash"]);
    let detail = finding["detail"].as_str().unwrap();
    assert!(
        detail.contains("on the contract, with no installment to hold it"),
        "{detail}"
    );
    // A positive excess names nothing of the kind.
    let fixture = Fixture::new();
    let run = audit(
        &fixture,
        "none",
        "92500.00",
        &[("", "2025-10-20", "500.00")],
    );
    assert!(cause_codes(&only(&run, "overpaid")).is_empty());
}
