//! Accruals through the real binary: the `entity` column, `accruals.xlsx` read back with
//! calamine, `accruals.csv`, the summary's section, both languages, the movement since a
//! baseline and the named warning when the baseline has no accruals.

use crate::common::{Book, Fixture, Run, billing_csv, contract, payouts_csv};
use calamine::{Data, Reader};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// C1 (Acme HK) earns 2,000.00 in January 2025, C2 (Acme HK) 1,000.00, C3 (no entity:
/// its customer stands in, a name that looks like a formula) 200.00; all due 2025-03-02.
/// P1 pays C1 1,500.00 in cash on 02-10, P2 pays C2 1,200.00 as an offset on 02-15.
fn inputs(fixture: &Fixture) -> (PathBuf, PathBuf, PathBuf) {
    let book = Book::default()
        .contract(contract("C1").set("entity", "Acme HK"))
        .contract(
            contract("C2")
                .set("accounts", "A2")
                .set("entity", "Acme HK"),
        )
        .contract(
            contract("C3")
                .set("accounts", "A3")
                .set("customer", "=cmd|' /C calc'!A0"),
        )
        .tier("C1", "0", "", "20%")
        .tier("C2", "0", "", "20%")
        .tier("C3", "0", "", "20%");
    let contracts = book.write_xlsx(fixture.dir.path(), "contracts.xlsx");
    let billing = fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("A2", "2025-01", "ECS", "5000.00", "CNY"),
            ("A3", "2025-01", "ECS", "1000.00", "CNY"),
        ]),
    );
    let payouts = fixture.write(
        "payouts.csv",
        payouts_csv(
            &["payout_id", "contract_id", "paid_on", "amount", "kind"],
            &[
                &["P1", "C1", "2025-02-10", "1500.00", "cash"],
                &["P2", "C2", "2025-02-15", "1200.00", "offset"],
            ],
        ),
    );
    (contracts, billing, payouts)
}

fn audit(fixture: &Fixture, out: &str, as_of: &str, extra: &[&str]) -> Run {
    let (contracts, billing, payouts) = inputs(fixture);
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
        &"run",
        &"--contracts",
        &contracts,
        &"--billing",
        &billing,
        &"--payouts",
        &payouts,
        &"--as-of",
        &as_of,
    ];
    for arg in extra {
        args.push(arg);
    }
    fixture.run_into(out, &args)
}

/// A sheet of a workbook as text cells (numbers in their shortest form).
fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut workbook = calamine::open_workbook_auto(path).unwrap();
    let range = workbook.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::Float(number) => Decimal::from_str(&number.to_string())
                        .unwrap()
                        .round_dp(2)
                        .normalize()
                        .to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn amount(text: &str) -> Decimal {
    if text.is_empty() {
        return Decimal::ZERO;
    }
    Decimal::from_str(text).unwrap_or_else(|_| panic!("`{text}` is not an amount"))
}

/// The row whose columns `column` hold `value`.
fn row<'a>(rows: &'a [Vec<String>], header: &[String], pairs: &[(&str, &str)]) -> &'a [String] {
    rows.iter()
        .find(|row| {
            pairs.iter().all(|(column, value)| {
                let at = header.iter().position(|name| name == column).unwrap();
                row[at] == *value
            })
        })
        .unwrap_or_else(|| panic!("no row with {pairs:?} in {rows:?}"))
}

#[test]
fn accruals_xlsx_shows_each_contract_and_entity_and_reconciles() {
    let fixture = Fixture::new();
    let run = audit(&fixture, "out", "2025-03-31", &[]);
    run.expect_status(1);
    let rows = sheet(&run.out.join("accruals.xlsx"), "accruals");
    let header = rows[0].clone();
    let get = |row: &[String], column: &str| {
        amount(&row[header.iter().position(|name| name == column).unwrap()])
    };
    let c1 = row(&rows, &header, &[("contract_id", "C1")]);
    assert_eq!(c1[1], "Acme HK");
    assert_eq!(get(c1, "earned"), Decimal::from(2000));
    assert_eq!(get(c1, "received_cash"), Decimal::from(1500));
    assert_eq!(get(c1, "receivable_now"), Decimal::from(500));
    let c2 = row(&rows, &header, &[("contract_id", "C2")]);
    assert_eq!(get(c2, "received_offset"), Decimal::from(1200));
    assert_eq!(get(c2, "overpaid"), Decimal::from(200));
    assert_eq!(get(c2, "balance"), Decimal::from(-200));
    let hk = row(
        &rows,
        &header,
        &[("row", "entity_total"), ("entity", "Acme HK")],
    );
    assert_eq!(get(hk, "earned"), Decimal::from(3000));
    assert_eq!(get(hk, "received"), Decimal::from(2700));
    assert_eq!(get(hk, "balance"), Decimal::from(300));
    // The customer stands in for a blank entity, neutralised like every text cell.
    let c3 = row(&rows, &header, &[("contract_id", "C3")]);
    assert_eq!(c3[1], "'=cmd|' /C calc'!A0");
    // Every row keeps the identity.
    for line in &rows[1..] {
        let left = get(line, "earned") + get(line, "paid_ahead") + get(line, "overpaid");
        let right = get(line, "received")
            + get(line, "receivable_now")
            + get(line, "receivable_later")
            + get(line, "conditional");
        assert_eq!(left, right, "{line:?}");
        assert_eq!(
            get(line, "balance"),
            get(line, "earned") - get(line, "received")
        );
    }
    assert_eq!(c1[header.len() - 2], "no_baseline");
    // The trail names the period key and the payout behind each number.
    let trail = sheet(&run.out.join("accruals.xlsx"), "trail");
    assert!(
        trail
            .iter()
            .any(|line| line[3] == "earned" && line[4] == "C1/2025-01-01" && line[7] == "2000")
    );
    assert!(
        trail
            .iter()
            .any(|line| line[3] == "overpaid" && line[6] == "P2" && line[7] == "200")
    );
    // The CSV says the same, its text cells neutralised.
    let csv = String::from_utf8(run.read("accruals.csv")).unwrap();
    assert!(
        csv.starts_with("\u{feff}\"row\",\"entity\",\"contract_id\""),
        "{csv}"
    );
    assert!(csv.contains("\"'=cmd|' /C calc'!A0\""), "{csv}");
    assert!(
        csv.contains("\"earned C1/2025-01-01#1 2000.00; receivable_now C1/2025-01-01#1 500.00; received_cash P1 1500.00\""),
        "{csv}"
    );
    let summary = String::from_utf8(run.read("summary.md")).unwrap();
    assert!(
        summary.contains("## Accruals as of 2025-03-31"),
        "{summary}"
    );
    assert!(
        summary.contains("| Acme HK | CNY | 2 | 3,000.00 | 2,700.00 | 500.00 |"),
        "{summary}"
    );
    let html = String::from_utf8(run.read("summary.html")).unwrap();
    assert!(html.contains("Accruals as of 2025-03-31"));
}

#[test]
fn the_chinese_files_have_chinese_headers() {
    let fixture = Fixture::new();
    let run = audit(&fixture, "out", "2025-03-31", &["--lang", "zh"]);
    let rows = sheet(&run.out.join("accruals.xlsx"), "accruals");
    assert_eq!(rows[0][1], "收款主体");
    assert_eq!(rows[0][4], "已赚取");
    let csv = String::from_utf8(run.read("accruals.csv")).unwrap();
    assert!(csv.contains("\"收款主体\""), "{csv}");
    let summary = String::from_utf8(run.read("summary.md")).unwrap();
    assert!(summary.contains("截至 2025-03-31 的应计返点"), "{summary}");
}

#[test]
fn the_movement_since_the_baseline_and_the_warning_without_accruals() {
    let fixture = Fixture::new();
    audit(&fixture, "february", "2025-02-12", &[]);
    let baseline = fixture.path("february").join("findings.json");
    let baseline = baseline.to_str().unwrap();
    let run = audit(&fixture, "march", "2025-03-31", &["--baseline", baseline]);
    let rows = sheet(&run.out.join("accruals.xlsx"), "accruals");
    let header = rows[0].clone();
    let get = |row: &[String], column: &str| {
        amount(&row[header.iter().position(|name| name == column).unwrap()])
    };
    // C1: 2,000 earned and 1,500 received by 02-12 already: opening 500, no movement.
    let c1 = row(&rows, &header, &[("contract_id", "C1")]);
    assert_eq!(get(c1, "opening"), Decimal::from(500));
    assert_eq!(get(c1, "movement"), Decimal::ZERO);
    assert_eq!(c1[header.len() - 2], "compared");
    // C2: opening 1,000 (nothing received by 02-12), 1,200 received since: closing −200.
    let c2 = row(&rows, &header, &[("contract_id", "C2")]);
    assert_eq!(get(c2, "opening"), Decimal::from(1000));
    assert_eq!(get(c2, "received_since"), Decimal::from(1200));
    assert_eq!(get(c2, "movement"), Decimal::from(-1200));
    let summary = String::from_utf8(run.read("summary.md")).unwrap();
    assert!(
        summary.contains("Movement since the baseline run as of 2025-02-12"),
        "{summary}"
    );

    // A baseline from before accruals: the named warning, and no opening invented.
    std::fs::remove_file(fixture.path("february").join("accruals.csv")).unwrap();
    let run = audit(&fixture, "april", "2025-03-31", &["--baseline", baseline]);
    let rows = sheet(&run.out.join("accruals.xlsx"), "accruals");
    let c1 = row(&rows, &header, &[("contract_id", "C1")]);
    assert_eq!(
        c1[header.iter().position(|name| name == "opening").unwrap()],
        ""
    );
    assert_eq!(c1[header.len() - 2], "baseline_without_accruals");
    let summary = String::from_utf8(run.read("summary.md")).unwrap();
    assert!(summary.contains("baseline_without_accruals"), "{summary}");

    // A file that is not an accruals.csv of this tool stops the run, naming it.
    std::fs::write(fixture.path("february").join("accruals.csv"), "id,type\n").unwrap();
    let run = audit(&fixture, "may", "2025-03-31", &["--baseline", baseline]);
    run.expect_status(2);
    assert!(
        run.stderr.contains("accruals.csv") && run.stderr.contains("row 1"),
        "{}",
        run.stderr
    );
}
