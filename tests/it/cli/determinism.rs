//! Determinism.

use super::*;

#[test]
fn thread_count_does_not_change_a_byte_of_the_reports() {
    let fixture = Fixture::new();
    // Several contracts and billing files so there is work to spread over threads.
    let mut book = Book::default();
    for index in 1..=6 {
        let id = format!("C{index}");
        book = book
            .contract(
                contract(&id)
                    .set("accounts", format!("A{index}"))
                    .set("end", "2025-06-30")
                    .set(
                        "settlement",
                        if index % 2 == 0 {
                            "quarterly"
                        } else {
                            "monthly"
                        },
                    )
                    .set("tier_basis", "contract_year"),
            )
            .tier(&id, "0", "20000", "10%")
            .tier(&id, "20000", "", "15%");
    }
    let contracts = book.write_xlsx(fixture.dir.path(), "book.xlsx");
    for file in 1..=4 {
        let mut lines = Vec::new();
        for index in 1..=6 {
            for month in 1..=6 {
                lines.push((
                    format!("A{index}"),
                    format!("2025-{month:02}"),
                    if month % 2 == 0 {
                        "ECS"
                    } else {
                        "MysteryProduct"
                    }
                    .to_string(),
                    format!("{}.{:02}", 1000 * index + 37 * month + file, month * 7),
                    "CNY".to_string(),
                ));
            }
        }
        lines.push((
            "Z9".into(),
            "2025-03".into(),
            "OSS".into(),
            "12.00".into(),
            "CNY".into(),
        ));
        lines.push((
            "A1".into(),
            "2025-03".into(),
            "ECS".into(),
            "oops".into(),
            "CNY".into(),
        ));
        let borrowed: Vec<(&str, &str, &str, &str, &str)> = lines
            .iter()
            .map(|(a, b, c, d, e)| (a.as_str(), b.as_str(), c.as_str(), d.as_str(), e.as_str()))
            .collect();
        fixture.write(&format!("billing/part{file}.csv"), billing_csv(&borrowed));
    }
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[
            ("P1", "C1", "2025-02-15", "400.00"),
            ("P2", "C2", "2025-05-01", "1500.00"),
            ("P3", "C3", "2025-09-01", "99999.00"),
            ("P4", "C9", "2025-03-01", "1.00"),
        ]),
    );
    let billing = fixture.path("billing");
    let run_with = |threads: &str, out: &str| {
        fixture.audit_into(
            out,
            &contracts,
            &billing,
            &payouts,
            "2025-12-31",
            &[&"--threads", &threads],
        )
    };
    let one = run_with("1", "out-1");
    let two = run_with("2", "out-2");
    let four = run_with("4", "out-4");
    one.expect_status(1);
    two.expect_status(1);
    four.expect_status(1);
    assert!(
        one.findings().len() > 5,
        "a run with findings worth comparing"
    );
    let mut names = vec![
        "findings.json".to_string(),
        "findings.csv".to_string(),
        "findings.xlsx".to_string(),
        "summary.md".to_string(),
        "summary.html".to_string(),
    ];
    for index in 1..=6 {
        names.push(format!("evidence/C{index}.md"));
    }
    for name in &names {
        let reference = one.read(name);
        assert_eq!(
            reference,
            two.read(name),
            "{name} differs between 1 and 2 threads"
        );
        assert_eq!(
            reference,
            four.read(name),
            "{name} differs between 1 and 4 threads"
        );
    }
    // The same run again gives the same finding ids.
    let again = run_with("2", "out-again");
    assert_eq!(one.read("findings.json"), again.read("findings.json"));
}

#[test]
fn a_large_csv_read_in_parts_gives_the_reports_of_a_whole_read() {
    // A part size of a few hundred bytes cuts this bill into dozens of parts; the cuts must
    // never fall inside the quoted field with line breaks, rows keep their numbers, and
    // every count, row range and rejection is what one pass over the file gives.
    let fixture = Fixture::new();
    let mut book = Book::default();
    for index in 1..=3 {
        let id = format!("C{index}");
        book = book
            .contract(
                contract(&id)
                    .set("accounts", format!("A{index}"))
                    .set("end", "2025-12-31")
                    .set("settlement", "quarterly")
                    .set("tier_basis", "contract_year"),
            )
            .tier(&id, "0", "50000", "10%")
            .tier(&id, "50000", "", "12%");
    }
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    let mut text = String::from("账单导出\r\n\r\n");
    text.push_str("account_id,billing_month,date,product,instance_id,net_amount,currency\r\n");
    let mut total = 0i64;
    for row in 0..400 {
        let account = format!("A{}", row % 4 + 1);
        let month = row % 12 + 1;
        let product = ["ECS", "RDS", "OSS", "Gizmo"][row % 4];
        let instance = if row % 37 == 0 {
            "\"i-1\r\nsecond line\"".to_string()
        } else if row % 41 == 0 {
            "\"say \"\"hi\"\"\"".to_string()
        } else {
            format!("i-{row}")
        };
        let amount = if row % 97 == 5 {
            "12.34.5x".to_string()
        } else {
            total += 100 + row as i64;
            format!("{}.00", 100 + row)
        };
        text.push_str(&format!(
            "{account},2025-{month:02},2025-{month:02}-{:02},{product},{instance},{amount},CNY\r\n",
            row % 28 + 1
        ));
        if row % 50 == 49 {
            text.push_str("\r\n");
        }
    }
    text.push_str(&format!("合计,,,,,{total}.00,\r\n"));
    let billing = fixture.write("bill.csv", text);
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-04-15", "900.00")]),
    );
    let run = |out: &str, environment: &[(&str, &str)], threads: &str| {
        fixture.run_into_with(
            out,
            environment,
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
                &"--threads",
                &threads,
            ],
        )
    };
    let whole = run("whole", &[], "1");
    let parts = run("parts", &[("REBATE_AUDIT_PART_BYTES", "300")], "2");
    let parts_one_thread = run("parts-1", &[("REBATE_AUDIT_PART_BYTES", "300")], "1");
    whole.expect_status(1);
    let control = &whole.json()["controls"]["billing"][0];
    assert_eq!(control["rows_above_header"], 1);
    assert_eq!(control["totals_rows"][0]["agrees"], true, "{control}");
    assert_eq!(control["balanced"], true);
    let rejected = whole.of_type("rejected_row");
    let mut rows: Vec<u64> = rejected
        .iter()
        .map(|finding| finding["evidence"]["location"]["row"].as_u64().unwrap())
        .collect();
    rows.sort_unstable();
    // Data row 5 is on line 10: a title, a blank line, the header, and one quoted line
    // break (row 0) come before it; each later one is 97 data rows, two blank lines and
    // the quoted breaks of rows 37 and 74 (or 111, 148 …) further on.
    assert_eq!(rows, vec![10, 111, 212, 313, 415], "{rejected:?}");
    for name in [
        "findings.json",
        "findings.csv",
        "summary.md",
        "evidence/C1.md",
        "evidence/C2.md",
        "evidence/C3.md",
    ] {
        let (one, other) = (whole.read(name), parts.read(name));
        let first_difference = String::from_utf8_lossy(&one)
            .lines()
            .zip(String::from_utf8_lossy(&other).lines())
            .find(|(left, right)| left != right)
            .map(|(left, right)| format!("whole: {left}\nparts: {right}"));
        assert!(
            one == other,
            "{name} differs when the file is read in parts: {first_difference:?}"
        );
        assert_eq!(parts.read(name), parts_one_thread.read(name), "{name}");
    }
}
