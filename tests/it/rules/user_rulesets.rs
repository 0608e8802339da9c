//! User rulesets (--rulesets DIR).

use super::*;

#[test]
fn a_ruleset_coefficient_weighs_a_product_the_products_sheet_does_not_list() {
    // Each account bills ECS 10,000.00 and RDS 4,000.00 in January 2025 (tier 20%).
    // C1 (ruleset acme; its products sheet lists only ECS at 1): RDS takes acme's 0.5:
    //   W = 10,000.00 × 1 + 4,000.00 × 0.5 = 12,000.00; E = 12,000.00 × 20% = 2,400.00.
    // C2 (generic ruleset, no products row): every product weighs 1:
    //   W = 10,000.00 + 4,000.00 = 14,000.00; E = 2,800.00.
    // C3 (ruleset acme, products sheet RDS 0.25): the contract's sheet beats the ruleset:
    //   W = 10,000.00 + 4,000.00 × 0.25 = 11,000.00; E = 2,200.00.
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
    let book = Book::default()
        .contract(contract("C1").set("ruleset", "acme").set("grace_days", ""))
        .contract(contract("C2").set("accounts", "A2"))
        .contract(
            contract("C3")
                .set("accounts", "A3")
                .set("ruleset", "acme")
                .set("grace_days", ""),
        )
        .tier("C1", "0", "", "20%")
        .tier("C2", "0", "", "20%")
        .tier("C3", "0", "", "20%")
        .product("C1", "ECS", "1")
        .product("C3", "RDS", "0.25");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A1", "2025-01", "RDS", "4000.00", "CNY"),
        ("A2", "2025-01", "ECS", "10000.00", "CNY"),
        ("A2", "2025-01", "RDS", "4000.00", "CNY"),
        ("A3", "2025-01", "ECS", "10000.00", "CNY"),
        ("A3", "2025-01", "云数据库RDS", "4000.00", "CNY"),
    ]);
    let payouts = simple_payouts(&[
        ("P1", "C1", "2025-02-15", "2400.00"),
        ("P2", "C2", "2025-02-15", "2800.00"),
        ("P3", "C3", "2025-02-15", "2200.00"),
    ]);
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &payouts,
        "2025-06-30",
        &with_rulesets(&rulesets),
    );
    run.expect_status(0);
    assert_eq!(run.findings(), Vec::<Value>::new());
    for (id, weighted, expected) in [
        ("C1", "12000.00", "2400.00"),
        ("C2", "14000.00", "2800.00"),
        ("C3", "11000.00", "2200.00"),
    ] {
        let record = installment(&run, id, "2025-01-01", 1);
        assert_eq!(record["weighted_base"], weighted, "{id}");
        assert_eq!(record["expected"], expected, "{id}");
        assert_eq!(record["status"], "paid", "{id}");
    }
}

#[test]
fn half_even_rounding_from_the_ruleset_rounds_a_half_cent_to_even() {
    // Tier 10%. A1 and A2 bill 10,000.05: R = 10,000.05 × 10% = 1,000.005 exactly.
    //   C1 (acme, half_even): the cent digit 0 is even → 1,000.00.
    //   C2 (generic, half away from zero) → 1,000.01.
    // A3 bills 10,000.15: R = 1,000.015; C3 (acme, half_even): 1 is odd → 1,000.02.
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
    let book = Book::default()
        .contract(contract("C1").set("ruleset", "acme"))
        .contract(contract("C2").set("accounts", "A2"))
        .contract(contract("C3").set("accounts", "A3").set("ruleset", "acme"))
        .tier("C1", "0", "", "10%")
        .tier("C2", "0", "", "10%")
        .tier("C3", "0", "", "10%");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.05", "CNY"),
        ("A2", "2025-01", "ECS", "10000.05", "CNY"),
        ("A3", "2025-01", "ECS", "10000.15", "CNY"),
    ]);
    // As of 2025-02-01 nothing is due yet (due 2025-03-02): no payment findings.
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &simple_payouts(&[]),
        "2025-02-01",
        &with_rulesets(&rulesets),
    );
    run.expect_status(0);
    let c1 = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(c1["weighted_base"], "10000.05");
    assert_eq!(c1["expected"], "1000.00");
    assert_eq!(c1["status"], "open");
    assert_eq!(
        installment(&run, "C2", "2025-01-01", 1)["expected"],
        "1000.01"
    );
    assert_eq!(
        installment(&run, "C3", "2025-01-01", 1)["expected"],
        "1000.02"
    );
}

#[test]
fn grace_days_from_the_ruleset_delay_lateness_unless_the_contract_sets_its_own() {
    // E = 2,000.00 due 2025-01-31 + 30 = 2025-03-02 for all three; each is paid in full on
    // 2025-03-10, 8 days after the due date.
    //   C1 (acme, grace_days blank → acme's 10): deadline 2025-03-12 → paid, no finding.
    //   C2 (generic, grace 0): late, days_late 8, interest 2,000.00 × 0.05% × 8 = 8.00.
    //   C3 (acme, grace_days 0 in the contract): the contract's 0 wins → late, 8.00.
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
    let book = Book::default()
        .contract(contract("C1").set("ruleset", "acme").set("grace_days", ""))
        .contract(contract("C2").set("accounts", "A2"))
        .contract(
            contract("C3")
                .set("accounts", "A3")
                .set("ruleset", "acme")
                .set("grace_days", "0"),
        )
        .tier("C1", "0", "", "20%")
        .tier("C2", "0", "", "20%")
        .tier("C3", "0", "", "20%");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A2", "2025-01", "ECS", "10000.00", "CNY"),
        ("A3", "2025-01", "ECS", "10000.00", "CNY"),
    ]);
    let payouts = simple_payouts(&[
        ("P1", "C1", "2025-03-10", "2000.00"),
        ("P2", "C2", "2025-03-10", "2000.00"),
        ("P3", "C3", "2025-03-10", "2000.00"),
    ]);
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &payouts,
        "2025-06-30",
        &with_rulesets(&rulesets),
    );
    run.expect_status(1);
    assert_eq!(installment(&run, "C1", "2025-01-01", 1)["status"], "paid");
    assert!(of_type_for(&run, "late", "C1").is_empty());
    for id in ["C2", "C3"] {
        let late = of_type_for(&run, "late", id);
        assert_eq!(late.len(), 1, "{id}: {:#?}", run.findings());
        assert_eq!(late[0]["due_on"], "2025-03-02");
        assert_eq!(late[0]["paid_on"], "2025-03-10");
        assert_eq!(late[0]["days_late"], 8);
        assert_eq!(late[0]["interest"], "8.00");
    }
    assert_eq!(run.findings().len(), 2);
}

#[test]
fn tolerance_from_the_ruleset_lets_a_50_cent_shortfall_pass() {
    // E = 2,000.00 due 2025-03-02; as of 2025-04-01 every deadline has passed
    // (acme's 10 grace days end 2025-03-12).
    //   C1 (acme, tolerance 0.50) receives 1,999.50: short 0.50 ≤ 0.50 → paid.
    //   C2 (generic, tolerance 0.01) receives 1,999.50: underpaid by 0.50;
    //     days_late = 2025-04-01 − 2025-03-02 = 30;
    //     interest = 0.50 × 0.05% × 30 = 0.0075 → 0.01.
    //   C3 (acme) receives 1,999.49: short 0.51 > 0.50 → underpaid;
    //     interest = 0.51 × 0.05% × 30 = 0.00765 → 0.01.
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
    let book = Book::default()
        .contract(contract("C1").set("ruleset", "acme").set("grace_days", ""))
        .contract(contract("C2").set("accounts", "A2"))
        .contract(
            contract("C3")
                .set("accounts", "A3")
                .set("ruleset", "acme")
                .set("grace_days", ""),
        )
        .tier("C1", "0", "", "20%")
        .tier("C2", "0", "", "20%")
        .tier("C3", "0", "", "20%");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A2", "2025-01", "ECS", "10000.00", "CNY"),
        ("A3", "2025-01", "ECS", "10000.00", "CNY"),
    ]);
    let payouts = simple_payouts(&[
        ("P1", "C1", "2025-02-15", "1999.50"),
        ("P2", "C2", "2025-02-15", "1999.50"),
        ("P3", "C3", "2025-02-15", "1999.49"),
    ]);
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &payouts,
        "2025-04-01",
        &with_rulesets(&rulesets),
    );
    run.expect_status(1);
    let c1 = installment(&run, "C1", "2025-01-01", 1);
    assert_eq!(c1["paid"], "1999.50");
    assert_eq!(c1["status"], "paid");
    assert!(
        run.findings()
            .iter()
            .all(|finding| finding["contract_id"] != "C1"),
        "{:#?}",
        run.findings()
    );
    for (id, paid, difference) in [("C2", "1999.50", "-0.50"), ("C3", "1999.49", "-0.51")] {
        let found = of_type_for(&run, "underpaid", id);
        assert_eq!(found.len(), 1, "{id}: {:#?}", run.findings());
        let finding = &found[0];
        assert_eq!(finding["expected"], "2000.00");
        assert_eq!(finding["paid"], paid);
        assert_eq!(finding["difference"], difference);
        assert_eq!(finding["days_late"], 30);
        assert_eq!(finding["interest"], "0.01");
    }
    assert_eq!(run.findings().len(), 2);
}

#[test]
fn a_blank_ruleset_cell_takes_the_ruleset_of_the_contracts_provider() {
    // Same bill as the coefficient test (ECS 10,000.00 + RDS 4,000.00 per account).
    //   C1 provider `acme`, ruleset blank → acme.toml: W = 10,000 + 2,000 = 12,000.00.
    //   C2 provider `aliyun` (no such ruleset) → generic: W = 14,000.00.
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A1", "2025-01", "RDS", "4000.00", "CNY"),
        ("A2", "2025-01", "ECS", "10000.00", "CNY"),
        ("A2", "2025-01", "RDS", "4000.00", "CNY"),
    ]);
    let book = Book::default()
        .contract(contract("C1").set("provider", "acme").set("ruleset", ""))
        .contract(
            contract("C2")
                .set("accounts", "A2")
                .set("provider", "aliyun")
                .set("ruleset", ""),
        )
        .tier("C1", "0", "", "20%")
        .tier("C2", "0", "", "20%");
    // The ruleset is found by file name (acme.toml) …
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &simple_payouts(&[]),
        "2025-02-01",
        &with_rulesets(&rulesets),
    );
    run.expect_status(0);
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["weighted_base"],
        "12000.00"
    );
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["expected"],
        "2400.00"
    );
    assert_eq!(
        installment(&run, "C2", "2025-01-01", 1)["weighted_base"],
        "14000.00"
    );
    let rulesets_in_force = run.json()["rulesets"].clone();
    assert!(
        rulesets_in_force
            .as_array()
            .unwrap()
            .iter()
            .any(|ruleset| ruleset["name"] == "acme"
                && ruleset["origin"] == text(&rulesets.join("acme.toml"))),
        "{rulesets_in_force:#}"
    );
    // … and, when no file is named after the provider, by its `provider` key.
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme-ka-2025.toml", ACME)]);
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &simple_payouts(&[]),
        "2025-02-01",
        &with_rulesets(&rulesets),
    );
    run.expect_status(0);
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["weighted_base"],
        "12000.00"
    );
    assert_eq!(
        installment(&run, "C2", "2025-01-01", 1)["weighted_base"],
        "14000.00"
    );
}

#[test]
fn a_ruleset_alias_names_a_product_only_for_its_own_contracts() {
    // `Acme Relational Store` 4,000.00 is RDS under acme (alias) and weighs 0.5 there:
    //   C1 (acme): W = 10,000.00 + 4,000.00 × 0.5 = 12,000.00, E = 2,400.00, no finding.
    // The generic ruleset knows no such name:
    //   C2 (generic): W = 10,000.00 + 4,000.00 × 1 = 14,000.00, and one `unknown_product`
    //   (info) for C2 and the product, 4,000.00.
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
    let book = Book::default()
        .contract(contract("C1").set("ruleset", "acme"))
        .contract(contract("C2").set("accounts", "A2"))
        .tier("C1", "0", "", "20%")
        .tier("C2", "0", "", "20%");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.00", "CNY"),
        ("A1", "2025-01", "Acme Relational Store", "4000.00", "CNY"),
        ("A2", "2025-01", "ECS", "10000.00", "CNY"),
        ("A2", "2025-01", "Acme Relational Store", "4000.00", "CNY"),
    ]);
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &simple_payouts(&[]),
        "2025-02-01",
        &with_rulesets(&rulesets),
    );
    run.expect_status(0);
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["weighted_base"],
        "12000.00"
    );
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["expected"],
        "2400.00"
    );
    assert_eq!(
        installment(&run, "C2", "2025-01-01", 1)["weighted_base"],
        "14000.00"
    );
    assert_eq!(run.types(), vec!["unknown_product"]);
    let finding = only(&run, "unknown_product");
    assert_eq!(finding["contract_id"], "C2");
    assert_eq!(finding["amount"], "4000.00");
    assert_eq!(
        finding["evidence"]["facts"]["product"],
        "Acme Relational Store"
    );
}

#[test]
fn half_even_rounding_also_rounds_portions_and_late_interest() {
    // Portions. Tier 10%, January bill 10,000.10 → E = 1,000.01 under both rulesets.
    // Schedule 50% (settlement) + rest (settlement): 50% of 1,000.01 = 500.005.
    //   C1 (acme, half_even): #1 = 500.00, #2 = 1,000.01 − 500.00 = 500.01.
    //   C2 (generic, half up): #1 = 500.01, #2 = 500.00.
    // Interest. Late interest 0.1% a day; a third contract per ruleset bills 10,000.00 at
    // 20% (E = 2,000.00, due 2025-03-02) and receives 1,999.00 (short 1.00 > either
    // tolerance). As of 2025-03-27 (past acme's 10 grace days): days_late = 25,
    // interest = 1.00 × 0.1% × 25 = 0.025 → C3 (acme, half_even) 0.02; C4 (generic) 0.03.
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
    let book = Book::default()
        .contract(contract("C1").set("ruleset", "acme"))
        .contract(contract("C2").set("accounts", "A2"))
        .contract(
            contract("C3")
                .set("accounts", "A3")
                .set("ruleset", "acme")
                .set("grace_days", "")
                .set("late_interest", "0.1%"),
        )
        .contract(
            contract("C4")
                .set("accounts", "A4")
                .set("late_interest", "0.1%"),
        )
        .tier("C1", "0", "", "10%")
        .tier("C2", "0", "", "10%")
        .tier("C3", "0", "", "20%")
        .tier("C4", "0", "", "20%")
        .schedule("C1", "1", "settlement", "50%")
        .schedule("C1", "2", "settlement", "rest")
        .schedule("C2", "1", "settlement", "50%")
        .schedule("C2", "2", "settlement", "rest");
    let billing = billing_csv(&[
        ("A1", "2025-01", "ECS", "10000.10", "CNY"),
        ("A2", "2025-01", "ECS", "10000.10", "CNY"),
        ("A3", "2025-01", "ECS", "10000.00", "CNY"),
        ("A4", "2025-01", "ECS", "10000.00", "CNY"),
    ]);
    // C1 and C2 are paid in full on time so only C3 and C4 carry findings.
    let payouts = simple_payouts(&[
        ("P1", "C1", "2025-02-15", "1000.01"),
        ("P2", "C2", "2025-02-15", "1000.01"),
        ("P3", "C3", "2025-02-15", "1999.00"),
        ("P4", "C4", "2025-02-15", "1999.00"),
    ]);
    let run = audit_book(
        &fixture,
        &book,
        &billing,
        &payouts,
        "2025-03-27",
        &with_rulesets(&rulesets),
    );
    run.expect_status(1);
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["expected"],
        "500.00"
    );
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 2)["expected"],
        "500.01"
    );
    assert_eq!(
        installment(&run, "C2", "2025-01-01", 1)["expected"],
        "500.01"
    );
    assert_eq!(
        installment(&run, "C2", "2025-01-01", 2)["expected"],
        "500.00"
    );
    for (id, interest) in [("C3", "0.02"), ("C4", "0.03")] {
        let found = of_type_for(&run, "underpaid", id);
        assert_eq!(found.len(), 1, "{id}: {:#?}", run.findings());
        assert_eq!(found[0]["difference"], "-1.00", "{id}");
        assert_eq!(found[0]["days_late"], 25, "{id}");
        assert_eq!(found[0]["interest"], interest, "{id}");
    }
    assert_eq!(run.findings().len(), 2, "{:#?}", run.findings());
}

#[test]
fn the_rulesets_invoice_window_and_tolerance_apply_to_invoice_checks() {
    // C1 (acme: window 10 days, tolerance 0.50) requires vat_special invoices; E = 2,000.00.
    //   P1 1,000.00 paid 2025-02-10, invoiced 2025-02-20 (10 days, in window) for 999.50
    //      (off by 0.50 ≤ 0.50) → clean.
    //   P2 1,000.00 paid 2025-02-11, invoiced 2025-02-22 (11 days > 10) for 999.49
    //      (off by 0.51) → late_invoice and amount.
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
    let book = Book::default()
        .contract(
            contract("C1")
                .set("ruleset", "acme")
                .set("invoice", "vat_special"),
        )
        .tier("C1", "0", "", "20%");
    let payouts = payouts_csv(
        &[
            "payout_id",
            "contract_id",
            "paid_on",
            "amount",
            "invoice_no",
            "invoice_date",
            "invoice_amount",
            "invoice_type",
        ],
        &[
            &[
                "P1",
                "C1",
                "2025-02-10",
                "1000.00",
                "INV-1",
                "2025-02-20",
                "999.50",
                "vat_special",
            ],
            &[
                "P2",
                "C1",
                "2025-02-11",
                "1000.00",
                "INV-2",
                "2025-02-22",
                "999.49",
                "vat_special",
            ],
        ],
    );
    let run = audit_book(
        &fixture,
        &book,
        &standard_billing(),
        &payouts,
        "2025-06-30",
        &with_rulesets(&rulesets),
    );
    run.expect_status(1);
    assert_eq!(invoice_reasons(&run, "P1"), Vec::<String>::new());
    assert_eq!(invoice_reasons(&run, "P2"), vec!["amount", "late_invoice"]);
    assert_eq!(run.findings().len(), 2, "{:#?}", run.findings());
    assert!(
        invoice_finding(&run, "P2", "late_invoice")["detail"]
            .as_str()
            .unwrap()
            .contains("11 days"),
    );
}

#[test]
fn a_rulesets_folder_that_does_not_exist_is_exit_2() {
    let fixture = Fixture::new();
    let missing = fixture.path("no-such-rulesets");
    let run = audit_book(
        &fixture,
        &Book::standard(),
        &standard_billing(),
        &simple_payouts(&[]),
        "2025-06-30",
        &with_rulesets(&missing),
    );
    run.expect_status(2);
    assert_mentions(&run.stderr, &["rebate-audit: error:", "no-such-rulesets"]);
}

/// Runs the standard audit with `acme.toml` = `toml`; expects exit 2 and no report, and
/// returns (stderr, the ruleset's path).
fn ruleset_error(toml: &str) -> (String, String) {
    let fixture = Fixture::new();
    let rulesets = rulesets_dir(&fixture, &[("acme.toml", toml)]);
    let book = Book::default()
        .contract(contract("C1").set("ruleset", "acme"))
        .tier("C1", "0", "", "20%");
    let run = audit_book(
        &fixture,
        &book,
        &standard_billing(),
        &simple_payouts(&[]),
        "2025-06-30",
        &with_rulesets(&rulesets),
    );
    run.expect_status(2);
    assert!(
        !run.out.join("findings.json").exists(),
        "no report may be written when a ruleset is invalid"
    );
    assert_mentions(&run.stderr, &["rebate-audit: error:"]);
    (run.stderr.clone(), text(&rulesets.join("acme.toml")))
}

#[test]
fn a_ruleset_with_an_unknown_key_stops_the_audit_naming_file_and_key() {
    let (stderr, path) =
        ruleset_error("provider = \"acme\"\n[defaults]\ntolerance = \"0.50\"\ngrace = 10\n");
    assert_mentions(&stderr, &[&path, "grace", "unknown field"]);
}

#[test]
fn a_ruleset_with_rounding_up_stops_the_audit_naming_file_and_key() {
    let (stderr, path) = ruleset_error("provider = \"acme\"\n[defaults]\nrounding = \"up\"\n");
    assert_mentions(&stderr, &[&path, "rounding", "up"]);
}

#[test]
fn a_ruleset_with_a_negative_tolerance_stops_the_audit_naming_file_and_key() {
    let (stderr, path) = ruleset_error("provider = \"acme\"\n[defaults]\ntolerance = \"-0.01\"\n");
    assert_mentions(&stderr, &[&format!("{path}: defaults.tolerance")]);
}

#[test]
fn a_contract_naming_a_ruleset_that_does_not_exist_names_the_contracts_cell() {
    let book = Book::default()
        .contract(contract("C1").set("ruleset", "nope"))
        .tier("C1", "0", "", "20%");
    for as_xlsx in [false, true] {
        let fixture = Fixture::new();
        let rulesets = rulesets_dir(&fixture, &[("acme.toml", ACME)]);
        let (contracts, cell) = if as_xlsx {
            let xlsx = book.write_xlsx(fixture.dir.path(), "book.xlsx");
            let cell = format!("{}:contracts:2:ruleset", xlsx.display());
            (xlsx, cell)
        } else {
            let folder = book.write_csv_folder(fixture.dir.path(), "book");
            let cell = format!("{}:2:ruleset", folder.join("contracts.csv").display());
            (folder, cell)
        };
        let billing = fixture.write("billing.csv", standard_billing());
        let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
        let extra = with_rulesets(&rulesets);
        let run = fixture.audit(
            &contracts,
            &billing,
            &payouts,
            "2025-06-30",
            &[extra[0].as_str(), extra[1].as_str()],
        );
        run.expect_status(2);
        assert!(!run.out.join("findings.json").exists());
        // The message lists the rulesets that do exist.
        assert_mentions(&run.stderr, &[&cell, "`nope`", "acme", "generic"]);
    }
}
