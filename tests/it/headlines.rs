//! Issue 13 end to end: the likely cause of an overpayment, with the portion of a partial
//! installment, and the headlines of every report — due by now, paid against it, short,
//! late interest (only where a contract charges it), the money not yet due or waiting for
//! a renewal apart, the amount at stake per type with each invoice once, and one headline
//! per currency. Every number is worked out in the test's comments.

use crate::common::*;
use calamine::{Data, Reader};
use serde_json::Value;

/// The `Summary` sheet of a run's report.xlsx, as rows of cells.
fn summary_sheet(run: &Run) -> Vec<Vec<Data>> {
    let mut workbook = calamine::open_workbook_auto(run.out.join("report.xlsx")).unwrap();
    let range = workbook.worksheet_range("Summary").unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

/// The `Summary` line whose first cell is `item`, if any.
fn summary_line(sheet: &[Vec<Data>], item: &str) -> Option<Vec<Data>> {
    sheet
        .iter()
        .find(|row| row.first() == Some(&Data::String(item.into())))
        .cloned()
}

fn text(run: &Run, name: &str) -> String {
    String::from_utf8(run.read(name)).unwrap()
}

/// C1 over 2025, quarterly, 20% on the contract-year volume, capped at 10,000.00 a year;
/// 40% of each quarter at settlement, the rest at a renewal that has not happened.
/// Q1 bills 25,000.00 (5,000.00 earned), Q2 35,000.00 (the year's 60,000.00 would earn
/// 12,000.00; the cap keeps 10,000.00, so Q2 earns 5,000.00, uncapped 7,000.00).
fn capped_audit(fixture: &Fixture, lang: &str) -> Run {
    let book = Book::default()
        .contract(
            contract("C1")
                .set("end", "2025-12-31")
                .set("settlement", "quarterly")
                .set("tier_basis", "contract_year")
                .set("cap", "10000"),
        )
        .tier("C1", "0", "", "20%")
        .schedule("C1", "1", "settlement", "40%")
        .schedule("C1", "2", "renewal", "rest");
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025-01", "ECS", "25000.00", "CNY"),
            ("A1", "2025-04", "ECS", "35000.00", "CNY"),
        ]),
    );
    // Q1's 40% (2,000.00) on time; for Q2's 40% (2,000.00) the agent paid 40% of the
    // uncapped 7,000.00 = 2,800.00.
    let payouts = fixture.write(
        "payouts.csv",
        payouts_csv(
            &[
                "payout_id",
                "contract_id",
                "paid_on",
                "amount",
                "period",
                "installment",
            ],
            &[
                &["P1", "C1", "2025-04-20", "2000.00", "2025-Q1", "1"],
                &["P2", "C1", "2025-07-20", "2800.00", "2025-Q2", "1"],
            ],
        ),
    );
    fixture.audit(
        &contracts,
        &billing,
        &payouts,
        "2025-12-31",
        &["--lang", lang],
    )
}

#[test]
fn an_overpayment_names_the_ignored_cap_and_the_portion_it_pays() {
    let fixture = Fixture::new();
    let run = capped_audit(&fixture, "en");
    run.expect_status(1);
    // Read before the Chinese run below writes into the same folder.
    let summary = text(&run, "summary.md");
    assert_eq!(run.types(), ["overpaid"]);
    let finding = only(&run, "overpaid");
    assert_eq!(
        (
            &finding["expected"],
            &finding["paid"],
            &finding["difference"]
        ),
        (
            &Value::from("2000.00"),
            &Value::from("2800.00"),
            &Value::from("800.00")
        )
    );
    let cause = &finding["evidence"]["likely_causes"][0];
    assert_eq!(cause["code"], "cap_ignored");
    assert_eq!(cause["expected_under_mistake"], "2800.00");
    assert_eq!(
        finding["detail"],
        "Installment 1 of contract C1 for 2025-04-01 to 2025-06-30 received 2,800.00, 800.00 more than the 2,000.00 expected. Likely cause: 2,800.00 is what installment 1 (40% of the period's rebate) comes to without the cap of 10,000.00 on the rebate of 2025-01-01 to 2025-12-31; with the cap it expects 2,000.00."
    );
    let chinese = capped_audit(&fixture, "zh");
    let finding = only(&chinese, "overpaid");
    assert!(
        finding["detail"]
            .as_str()
            .unwrap()
            .ends_with("可能原因：2,800.00为未按2025-01-01至2025-12-31的封顶10,000.00计算的第1期次（本期返点的40%）金额；按封顶计算应为2,000.00。"),
        "{}",
        finding["detail"]
    );

    // The headline: due by now are both quarters' 40% (2,000.00 + 2,000.00), paid in
    // full against them; the rests (3,000.00 + 3,000.00) wait for the renewal; 800.00
    // was paid beyond the installments. Q3 and Q4 earn nothing (no bills).
    let totals = &run.json()["totals"];
    for (key, amount) in [
        ("due_by_now", "4000.00"),
        ("paid_against_due", "4000.00"),
        ("shortfall", "0.00"),
        ("interest", "0.00"),
        ("not_yet_due", "0.00"),
        ("paid_not_yet_due", "0.00"),
        ("conditional", "6000.00"),
        ("paid_conditional", "0.00"),
        ("excess", "800.00"),
    ] {
        assert_eq!(totals[key], amount, "{key}");
        assert_eq!(totals["by_currency"]["CNY"][key], amount, "CNY {key}");
    }
    // What every installment expects, due or not, and everything paid, as before.
    assert_eq!(totals["expected"], "10000.00");
    assert_eq!(totals["paid"], "4800.00");
    assert!(
        summary.contains("\n1 contract, 8 installments. Due by now (past the deadline) 4,000.00, paid against it 4,000.00: short 0.00 plus 0.00 late interest. Due only after a renewal that has not happened: 6,000.00 (0.00 paid). Paid beyond what the installments expect: 800.00. 1 finding: 0 errors, 1 warning, 0 info.\n"),
        "{summary}"
    );
    assert!(
        summary.contains("| C1 | Acme Ltd | Agent Co | 60,000.00 | 4,000.00 | 4,000.00 | 0.00 | 0.00 | 6,000.00 | 800.00 | 1 |"),
        "{summary}"
    );
    assert!(
        run.stdout.starts_with("rebate-audit as of 2025-12-31: due by now 4,000.00, paid against it 4,000.00, short 0.00, late interest 0.00; 1 contract, 8 installments, 1 finding (0 errors, 1 warning, 0 info); reports in "),
        "{}",
        run.stdout
    );
}

/// C1 over January to March 2025, monthly at 20%, no late-interest rate, a VAT special
/// invoice for every payout: January bills 10,000.00 (2,000.00 due 2025-03-02), February
/// 12,000.00 (2,400.00 due 2025-03-30), March 9,000.00 (1,800.00 due 2025-04-30).
/// Audited as of 2025-04-01. January got 1,500.00, February nothing, March 1,800.00 early
/// — on the invoice already given for January's payout.
fn due_and_not_yet_due(fixture: &Fixture) -> Run {
    let book = Book::default()
        .contract(
            contract("C1")
                .set("end", "2025-03-31")
                .set("late_interest", "")
                .set("invoice", "vat_special")
                .set("tax_rate", "6%"),
        )
        .tier("C1", "0", "", "20%");
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("A1", "2025-02", "ECS", "12000.00", "CNY"),
            ("A1", "2025-03", "ECS", "9000.00", "CNY"),
        ]),
    );
    let invoice = |amount: &'static str| -> [&'static str; 6] {
        [
            "INV-1",
            "2025-02-16",
            amount,
            "6%",
            "vat_special",
            "91110000TAXID0001X",
        ]
    };
    let row = |id, paid_on, amount, period| {
        let mut row = vec![id, "C1", paid_on, amount, period];
        row.extend(invoice(amount));
        row
    };
    let rows = [
        row("P1", "2025-02-15", "1500.00", "2025-01"),
        row("P2", "2025-03-20", "1800.00", "2025-03"),
    ];
    let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    let payouts = fixture.write(
        "payouts.csv",
        payouts_csv(
            &[
                "payout_id",
                "contract_id",
                "paid_on",
                "amount",
                "period",
                "invoice_no",
                "invoice_date",
                "invoice_amount",
                "invoice_tax_rate",
                "invoice_type",
                "invoice_issuer",
            ],
            &rows,
        ),
    );
    fixture.audit(&contracts, &billing, &payouts, "2025-04-01", &[])
}

#[test]
fn the_headline_leads_with_what_is_due_and_shows_what_is_not_yet_due_apart() {
    let fixture = Fixture::new();
    let run = due_and_not_yet_due(&fixture);
    run.expect_status(1);
    // Due by now: January and February (4,400.00), paid against them 1,500.00, short
    // 2,900.00; March's 1,800.00 is not yet due, and was paid early. No interest: the
    // contract has no late-interest rate.
    let totals = &run.json()["totals"];
    for (key, amount) in [
        ("due_by_now", "4400.00"),
        ("paid_against_due", "1500.00"),
        ("shortfall", "2900.00"),
        ("interest", "0.00"),
        ("not_yet_due", "1800.00"),
        ("paid_not_yet_due", "1800.00"),
        ("conditional", "0.00"),
        ("excess", "0.00"),
    ] {
        assert_eq!(totals[key], amount, "{key}");
    }
    // Not "Expected 6,200.00, paid 3,300.00".
    let summary = text(&run, "summary.md");
    assert!(
        summary.contains("\n1 contract, 3 installments. Due by now (past the deadline) 4,400.00, paid against it 1,500.00: short 2,900.00. Not yet due: 1,800.00 (1,800.00 paid early). 4 findings: 2 errors, 2 warnings, 0 info.\n"),
        "{summary}"
    );
    assert!(!summary.contains("interest"), "{summary}");
    assert!(
        run.stdout.starts_with(
            "rebate-audit as of 2025-04-01: due by now 4,400.00, paid against it 1,500.00, short 2,900.00; 1 contract,"
        ),
        "{}",
        run.stdout
    );
    // The sentences say nothing of interest; findings.json keeps "interest": "0.00".
    for finding in run
        .of_type("unpaid")
        .iter()
        .chain(&run.of_type("underpaid"))
    {
        assert_eq!(finding["interest"], "0.00");
        let detail = finding["detail"].as_str().unwrap();
        assert!(detail.ends_with("days past due."), "{detail}");
    }
    assert_eq!(
        only(&run, "unpaid")["detail"],
        "Installment 1 of contract C1 for 2025-02-01 to 2025-02-28 expected 2,400.00 (due 2025-03-30) and received nothing as of 2025-04-01: 2 days past due."
    );

    // One invoice (INV-1, first used for 1,500.00) given for two payouts: two findings,
    // one invoice at stake — not 1,500.00 + 1,800.00.
    assert_eq!(run.of_type("mis_invoiced").len(), 2);
    assert_eq!(totals["by_type"]["mis_invoiced"]["count"], 2);
    assert_eq!(totals["by_type"]["mis_invoiced"]["amount"], "1500.00");
    assert!(
        summary.contains("| mis_invoiced | 2 | 1,500.00 |"),
        "{summary}"
    );
    assert!(summary.contains("| type | count | at stake |"), "{summary}");
    // The errors by amount right after the headline, largest first: the unpaid 2,400.00,
    // the underpaid 500.00; the warnings later: the two invoice findings in report order.
    let section = |heading: &str| -> Vec<(String, String)> {
        summary
            .split("\n## ")
            .find(|section| section.starts_with(heading))
            .unwrap_or_else(|| panic!("no section {heading}: {summary}"))
            .lines()
            .filter(|line| line.starts_with("| C"))
            .map(|line| {
                let cells: Vec<&str> = line.split(" | ").collect();
                (cells[2].to_string(), cells[3].to_string())
            })
            .collect()
    };
    let errors_at = summary.find("\n## Errors, largest first").unwrap();
    assert!(summary.find("\n## Due and paid").unwrap() < errors_at);
    assert!(errors_at < summary.find("\n## Findings by type").unwrap());
    let mut amounts = section("Errors, largest first");
    amounts.extend(section("Warnings, largest first"));
    let amounts: Vec<(&str, &str)> = amounts
        .iter()
        .map(|(kind, amount)| (kind.as_str(), amount.as_str()))
        .collect();
    assert_eq!(
        amounts,
        [
            ("unpaid", "2,400.00"),
            ("underpaid", "500.00"),
            ("mis_invoiced", "1,500.00"),
            ("mis_invoiced", "1,500.00"),
        ]
    );

    // report.html: the same figures, no late interest among them.
    let page = text(&run, "report.html");
    for (key, value) in [
        ("due_by_now", "4400.00"),
        ("paid_against_due", "1500.00"),
        ("shortfall", "2900.00"),
        ("not_yet_due", "1800.00"),
    ] {
        assert!(
            page.contains(&format!("data-total=\"{key}\" value=\"{value}\"")),
            "{key}"
        );
    }
    assert!(!page.contains("data-total=\"interest\""));
    // report.xlsx: the Summary leads with the same lines; no late-interest line.
    let sheet = summary_sheet(&run);
    for (item, amount) in [
        ("due by now (past the deadline)", 4400.0),
        ("paid against it", 1500.0),
        ("shortfall (unpaid and underpaid)", 2900.0),
        ("not yet due", 1800.0),
        ("paid early against it", 1800.0),
        ("findings: mis_invoiced", 1500.0),
    ] {
        let line = summary_line(&sheet, item).unwrap_or_else(|| panic!("no line `{item}`"));
        assert_eq!(line[2], Data::Float(amount), "{item}");
    }
    assert!(summary_line(&sheet, "late interest").is_none());
}

#[test]
fn contracts_in_two_currencies_get_a_headline_each() {
    // C1 in CNY (paid), C2 in USD on account A2 (unpaid): each earns 2,000.00 on
    // January's 10,000.00, due 2025-03-02; as of 2025-04-01 C2 is 30 days late, interest
    // 2,000.00 × 0.05% × 30 = 30.00.
    let fixture = Fixture::new();
    let book = Book::standard()
        .contract(contract("C2").set("accounts", "A2").set("currency", "USD"))
        .tier("C2", "0", "", "20%");
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("A2", "2025-01", "ECS", "10000.00", "USD"),
        ]),
    );
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-04-01", &[]);
    run.expect_status(1);
    let totals = &run.json()["totals"];
    assert_eq!(totals["by_currency"]["CNY"]["paid_against_due"], "2000.00");
    assert_eq!(totals["by_currency"]["USD"]["paid_against_due"], "0.00");
    assert_eq!(totals["by_currency"]["USD"]["shortfall"], "2000.00");
    assert_eq!(totals["by_currency"]["USD"]["interest"], "30.00");
    let summary = text(&run, "summary.md");
    assert!(
        summary.contains("\n2 contracts, 2 installments. In CNY: due by now (past the deadline) 2,000.00, paid against it 2,000.00: short 0.00 plus 0.00 late interest. In USD: due by now (past the deadline) 2,000.00, paid against it 0.00: short 2,000.00 plus 30.00 late interest. 1 finding:"),
        "{summary}"
    );
    assert!(
        summary.contains("| contract | customer | agent | currency | weighted base |"),
        "{summary}"
    );
    assert!(
        run.stdout.starts_with("rebate-audit as of 2025-04-01: CNY due by now 2,000.00, paid against it 2,000.00, short 0.00, late interest 0.00; USD due by now 2,000.00, paid against it 0.00, short 2,000.00, late interest 30.00; 2 contracts"),
        "{}",
        run.stdout
    );
    let page = text(&run, "report.html");
    assert!(page.contains("data-total=\"by_currency.USD.shortfall\" value=\"2000.00\""));
    let sheet = summary_sheet(&run);
    let usd = sheet
        .iter()
        .find(|row| {
            row.first() == Some(&Data::String("shortfall (unpaid and underpaid)".into()))
                && row.get(1) == Some(&Data::String("USD".into()))
        })
        .expect("the USD shortfall line");
    assert_eq!(usd[2], Data::Float(2000.0));
}
