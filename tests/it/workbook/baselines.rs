//! Baselines: `change` in findings.csv, findings.xlsx and report.xlsx, and the `Resolved` sheet.

use super::*;

/// Night 1: `C1` underpaid by 100.00 (P1 pays 1,900.00), payout P2 names unknown contract
/// `C9`, spend on `Z9` no contract covers. Night 2 (with night 1's findings.json as
/// baseline): P1 pays the full 2,000.00 and P2 is gone (both findings resolved), P3 names
/// unknown contract `C8` (new), `Z9` is still uncovered (persisting).
fn baseline_nights(fixture: &Fixture) -> (Run, Run) {
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("Z9", "2025-01", "OSS", "12.00", "CNY"),
        ]),
    );
    let night1_payouts = fixture.write(
        "payouts-1.csv",
        simple_payouts(&[
            ("P1", "C1", "2025-02-15", "1900.00"),
            ("P2", "C9", "2025-02-20", "5.00"),
        ]),
    );
    let night2_payouts = fixture.write(
        "payouts-2.csv",
        simple_payouts(&[
            ("P1", "C1", "2025-02-15", "2000.00"),
            ("P3", "C8", "2025-02-20", "7.00"),
        ]),
    );
    let audit = |out: &str, payouts: &Path, extra: &[&dyn AsRef<std::ffi::OsStr>]| {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
            &"run",
            &"--contracts",
            &contracts,
            &"--billing",
            &billing,
            &"--payouts",
            &payouts,
            &"--as-of",
            &"2025-04-01",
        ];
        args.extend_from_slice(extra);
        let run = fixture.run_into(out, &args);
        run.expect_status(1);
        run
    };
    let night1 = audit("night1", &night1_payouts, &[]);
    let baseline = night1.out.join("findings.json");
    let night2 = audit("night2", &night2_payouts, &[&"--baseline", &baseline]);
    (night1, night2)
}

/// findings.csv as its header and records (after the BOM).
fn findings_csv(run: &Run) -> (Vec<String>, Vec<csv::StringRecord>) {
    let bytes = run.read("findings.csv");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    (header, reader.records().map(Result::unwrap).collect())
}

/// id → `change` of every finding in findings.json.
fn json_changes(run: &Run) -> BTreeMap<String, String> {
    run.findings()
        .iter()
        .map(|finding| {
            (
                finding["id"].as_str().unwrap().to_string(),
                finding["change"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// id → `change` of a findings sheet's rows.
fn sheet_changes(rows: &[Vec<Data>]) -> BTreeMap<String, String> {
    let (id, change) = (column(rows, "id"), column(rows, "change"));
    rows[1..]
        .iter()
        .map(|row| (row[id].to_string(), row[change].to_string()))
        .collect()
}

#[test]
fn a_baseline_run_marks_each_finding_new_or_persisting_in_every_table_and_lists_the_resolved() {
    let fixture = Fixture::new();
    let (night1, night2) = baseline_nights(&fixture);

    // Without a baseline the tables are as they always were: no `change`, no Resolved.
    let (header, _) = findings_csv(&night1);
    // 21 columns since issue 19 added `expires_on` last.
    assert_eq!(header.len(), 21, "{header:?}");
    assert!(!header.contains(&"change".to_string()), "{header:?}");
    let (names, sheets) = read_sheets(&night1.out.join("report.xlsx"));
    assert_eq!(names, SHEETS.map(String::from).to_vec());
    assert!(!header_of(&sheets["Findings"]).contains(&"change".to_string()));
    let (_, sheets) = read_sheets(&night1.out.join("findings.xlsx"));
    assert_eq!(header_of(&sheets["findings"]), header);

    // Night 2: one new, one persisting, two resolved.
    let changes = json_changes(&night2);
    let by_type = |kind: &str| {
        night2
            .of_type(kind)
            .iter()
            .map(|finding| finding["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let (new_id, persisting_id) = (
        by_type("unmatched_payout")[0].clone(),
        by_type("uncovered_billing")[0].clone(),
    );
    let expected: BTreeMap<String, String> = [
        (new_id.clone(), "new".to_string()),
        (persisting_id.clone(), "persisting".to_string()),
    ]
    .into();
    assert_eq!(changes, expected, "{:#?}", night2.findings());
    let json = night2.json();
    let resolved = json["resolved"].as_array().unwrap();
    let mut resolved_types: Vec<&str> = resolved
        .iter()
        .map(|finding| finding["type"].as_str().unwrap())
        .collect();
    resolved_types.sort_unstable();
    assert_eq!(resolved_types, ["underpaid", "unmatched_payout"]);

    // findings.csv: the columns of before, then `change`, as findings.json says.
    let (header, records) = findings_csv(&night2);
    assert_eq!(header.len(), 22);
    assert_eq!(header.last().map(String::as_str), Some("change"));
    let csv_changes: BTreeMap<String, String> = records
        .iter()
        .map(|record| (record[0].to_string(), record[21].to_string()))
        .collect();
    assert_eq!(csv_changes, changes);

    // findings.xlsx: the same columns and values.
    let (_, sheets) = read_sheets(&night2.out.join("findings.xlsx"));
    assert_eq!(header_of(&sheets["findings"]), header);
    assert_eq!(sheet_changes(&sheets["findings"]), changes);

    // report.xlsx: `change` right after the columns of findings.csv, then the evidence.
    let (names, sheets) = read_sheets(&night2.out.join("report.xlsx"));
    let mut with_resolved: Vec<String> = SHEETS.map(String::from).to_vec();
    with_resolved.insert(2, "Resolved".into());
    assert_eq!(names, with_resolved);
    let rows = &sheets["Findings"];
    assert_eq!(header_of(rows)[..22], header[..]);
    assert_eq!(header_of(rows)[22], "allocations");
    assert_eq!(sheet_changes(rows), changes);

    // The Resolved sheet: the baseline's findings that are gone, as it states them.
    let rows = &sheets["Resolved"];
    assert_eq!(
        header_of(rows),
        [
            "id",
            "type",
            "severity",
            "contract_id",
            "period_start",
            "period_end",
            "installment",
            "payout_id",
            "reason",
            "detail"
        ]
    );
    assert_eq!(rows.len() - 1, resolved.len());
    for (row, finding) in rows[1..].iter().zip(resolved) {
        assert_eq!(row[0].to_string(), finding["id"].as_str().unwrap());
        assert_eq!(row[1].to_string(), finding["type"].as_str().unwrap());
        assert_eq!(row[2].to_string(), finding["severity"].as_str().unwrap());
        assert_eq!(
            row[column(rows, "detail")].to_string(),
            finding["detail"].as_str().unwrap()
        );
    }
    let underpaid = rows[1..]
        .iter()
        .find(|row| row[1] == Data::String("underpaid".into()))
        .unwrap();
    assert_eq!(
        underpaid[column(rows, "contract_id")],
        Data::String("C1".into())
    );
    assert_date(&underpaid[column(rows, "period_start")], "2025-01-01");
    assert_date(&underpaid[column(rows, "period_end")], "2025-01-31");
    assert_eq!(underpaid[column(rows, "installment")], Data::Float(1.0));
    let unmatched = rows[1..]
        .iter()
        .find(|row| row[1] == Data::String("unmatched_payout".into()))
        .unwrap();
    assert_eq!(
        unmatched[column(rows, "payout_id")],
        Data::String("P2".into())
    );

    // The Summary counts them.
    let summary = &sheets["Summary"];
    let line = |item: &str| {
        summary
            .iter()
            .find(|row| row[0] == Data::String(item.into()))
            .unwrap_or_else(|| panic!("no `{item}` line: {summary:?}"))
            .clone()
    };
    assert_eq!(
        line("findings: new since the baseline")[1],
        Data::Float(1.0)
    );
    assert_eq!(line("findings: persisting")[1], Data::Float(1.0));
    assert_eq!(
        line("baseline findings resolved (sheet Resolved)")[1],
        Data::Float(2.0)
    );
    assert_eq!(
        line("baseline")[1].to_string(),
        night1.out.join("findings.json").display().to_string()
    );
    assert_date(&line("baseline as of")[1], "2025-04-01");
    assert_no_text_could_run(&night2.out.join("report.xlsx"));
}

/// A sheet's header row (see [`header`]).
fn header_of(rows: &[Vec<Data>]) -> Vec<String> {
    header(rows)
}
