//! Every sheet of report.xlsx with its header and the JSON's counts; money cells are numbers and date cells dates.

use super::*;

#[test]
fn report_xlsx_has_every_sheet_with_its_header_and_the_jsons_counts() {
    let fixture = Fixture::new();
    let run = varied_run(&fixture, "out", "2");
    let json = run.json();
    let (names, sheets) = read_sheets(&run.out.join("report.xlsx"));
    assert_eq!(names, SHEETS.map(String::from).to_vec());

    let headers: [(&str, &[&str]); 7] = [
        ("Summary", &["item", "value", "amount"]),
        (
            "Findings",
            &[
                "id",
                "type",
                "severity",
                "contract_id",
                "period_start",
                "period_end",
                "installment",
                "payout_id",
                "reason",
                "expected",
                "paid",
                "difference",
                "due_on",
                "paid_on",
                "days_late",
                "interest",
                "amount",
                "detail",
                "location",
                "formula",
                // issue 19: the claim's expiry date, last of findings.csv's columns
                "expires_on",
                "allocations",
                "checks",
                "facts",
                "source_rows",
            ],
        ),
        (
            "Installments",
            &[
                "contract_id",
                "period_start",
                "period_end",
                "installment",
                "trigger",
                "weighted_base",
                "expected",
                "due_on",
                "paid",
                "status",
            ],
        ),
        (
            "Payouts",
            &[
                "payout_id",
                "contract_id",
                "paid_on",
                "amount",
                "currency",
                "kind",
                "period",
                "installment",
                "invoice_no",
                "invoice_date",
                "invoice_amount",
                "invoice_tax_rate",
                "invoice_type",
                "invoice_issuer",
                "source",
            ],
        ),
        (
            "Allocations",
            &[
                "payout_id",
                "paid_on",
                "contract_id",
                "period_start",
                "period_end",
                "installment",
                "amount",
                "excess",
                "source",
            ],
        ),
        (
            "Rejected rows",
            &[
                "id", "file", "sheet", "row", "column", "reason", "amount", "detail",
            ],
        ),
        (
            "Controls",
            &[
                "role",
                "file",
                "sheet",
                "format",
                "rows_read",
                "amount_read",
                "rows_attributed_or_used",
                "amount_attributed_or_used",
                "rows_excluded_currency_mismatch",
                "amount_excluded_currency_mismatch",
                "rows_excluded_uncovered",
                "amount_excluded_uncovered",
                "rows_rejected",
                "amount_rejected",
                "blank_rows",
                "rows_above_header",
                "totals_rows",
                "totals_rows_agree",
                "totals_check",
                "balanced",
            ],
        ),
    ];
    for (name, expected) in headers {
        assert_eq!(header(&sheets[name]), expected.to_vec(), "{name} header");
    }

    // One row per item, as many as findings.json counts.
    let data_rows = |name: &str| sheets[name].len() - 1;
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.len() >= 4, "{findings:#?}");
    assert_eq!(data_rows("Findings"), findings.len());
    assert_eq!(
        data_rows("Installments"),
        json["expected"].as_array().unwrap().len()
    );
    let payouts_used: u64 = json["controls"]["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|control| control["used"]["rows"].as_u64().unwrap())
        .sum();
    assert_eq!(data_rows("Payouts"), usize::try_from(payouts_used).unwrap());
    assert_eq!(data_rows("Payouts"), 2);
    let rejected = findings
        .iter()
        .filter(|finding| finding["type"] == "rejected_row")
        .count();
    assert_eq!(rejected, 1);
    assert_eq!(data_rows("Rejected rows"), rejected);
    assert_eq!(
        data_rows("Controls"),
        json["controls"]["billing"].as_array().unwrap().len()
            + json["controls"]["payouts"].as_array().unwrap().len()
    );
    // P1 went to C1's January installment; P2 named no known contract.
    assert_eq!(data_rows("Allocations"), 1);

    // Findings rows are in findings.json's order, with the same ids and types.
    let rows = &sheets["Findings"];
    for (row, finding) in rows[1..].iter().zip(findings) {
        assert_eq!(row[column(rows, "id")].to_string(), finding["id"]);
        assert_eq!(row[column(rows, "type")].to_string(), finding["type"]);
        assert_eq!(row[column(rows, "detail")].to_string(), finding["detail"]);
    }

    // Summary: the headline numbers.
    let summary = &sheets["Summary"];
    let line = |item: &str| {
        summary
            .iter()
            .find(|row| row[0] == Data::String(item.into()))
            .unwrap_or_else(|| panic!("no summary line `{item}`: {summary:?}"))
            .clone()
    };
    assert_date(&line("as of")[1], "2025-04-01");
    assert!(line("tool")[1].to_string().starts_with("rebate-audit "));
    assert_eq!(line("contracts")[1], Data::Float(1.0));
    assert_eq!(line("installments expected")[1], Data::Float(1.0));
    assert_money(
        &line("installments expected")[2],
        &json["totals"]["expected"],
    );
    assert_money(
        &line("paid (allocated to installments)")[2],
        &json["totals"]["paid"],
    );
    assert_money(
        &line("shortfall (unpaid and underpaid)")[2],
        &json["totals"]["shortfall"],
    );
    assert_money(&line("late interest")[2], &json["totals"]["interest"]);
    #[allow(clippy::cast_precision_loss)]
    let finding_count = findings.len() as f64;
    assert_eq!(line("findings")[1], Data::Float(finding_count));
    assert_eq!(line("findings: error")[1], Data::Float(2.0));
    assert_eq!(line("findings: underpaid")[1], Data::Float(1.0));
    assert_eq!(line("findings: underpaid")[2], Data::Float(100.0));
    let per_contract = summary
        .iter()
        .position(|row| row[0] == Data::String("contract_id".into()))
        .expect("per-contract table");
    let c1 = &summary[per_contract + 1];
    assert_eq!(c1[0], Data::String("C1".into()));
    assert_eq!(c1[4], Data::Float(2000.0), "expected");
    assert_eq!(c1[6], Data::Float(1900.0), "paid");
    assert_eq!(c1[7], Data::Float(100.0), "shortfall");
}

#[test]
fn money_cells_are_numbers_and_date_cells_are_dates() {
    let fixture = Fixture::new();
    let run = varied_run(&fixture, "out", "2");
    let json = run.json();
    let (_, sheets) = read_sheets(&run.out.join("report.xlsx"));

    let rows = &sheets["Installments"];
    let record = &json["expected"][0];
    let row = &rows[1];
    assert_eq!(row[column(rows, "contract_id")], Data::String("C1".into()));
    assert_date(&row[column(rows, "period_start")], "2025-01-01");
    assert_date(&row[column(rows, "period_end")], "2025-01-31");
    assert_eq!(row[column(rows, "installment")], Data::Float(1.0));
    assert_money(
        &row[column(rows, "weighted_base")],
        &record["weighted_base"],
    );
    assert_eq!(row[column(rows, "weighted_base")], Data::Float(10000.0));
    assert_money(&row[column(rows, "expected")], &record["expected"]);
    assert_eq!(row[column(rows, "expected")], Data::Float(2000.0));
    assert_date(&row[column(rows, "due_on")], "2025-03-02");
    assert_eq!(row[column(rows, "paid")], Data::Float(1900.0));
    assert_eq!(
        row[column(rows, "status")],
        Data::String("underpaid".into())
    );

    let rows = &sheets["Findings"];
    let underpaid = only(&run, "underpaid");
    let row = rows[1..]
        .iter()
        .find(|row| row[column(rows, "type")] == Data::String("underpaid".into()))
        .unwrap();
    assert_money(&row[column(rows, "expected")], &underpaid["expected"]);
    assert_money(&row[column(rows, "paid")], &underpaid["paid"]);
    assert_eq!(row[column(rows, "difference")], Data::Float(-100.0));
    assert_money(&row[column(rows, "interest")], &underpaid["interest"]);
    assert_eq!(row[column(rows, "days_late")], Data::Float(30.0));
    assert_date(&row[column(rows, "period_start")], "2025-01-01");
    assert_date(&row[column(rows, "due_on")], "2025-03-02");
    assert_date(&row[column(rows, "paid_on")], "2025-02-15");
    assert_eq!(
        row[column(rows, "allocations")],
        Data::String("P1 1,900.00 on 2025-02-15".into())
    );

    let rows = &sheets["Payouts"];
    let p1 = &rows[1];
    assert_eq!(p1[column(rows, "payout_id")], Data::String("P1".into()));
    assert_date(&p1[column(rows, "paid_on")], "2025-02-15");
    assert_eq!(p1[column(rows, "amount")], Data::Float(1900.0));
    assert_eq!(p1[column(rows, "currency")], Data::String("CNY".into()));
    assert_eq!(p1[column(rows, "period")], Data::String("2025-01".into()));
    assert_eq!(
        p1[column(rows, "invoice_no")],
        Data::String("INV-001".into())
    );
    assert_date(&p1[column(rows, "invoice_date")], "2025-02-10");
    assert_eq!(p1[column(rows, "invoice_amount")], Data::Float(1900.0));
    assert_eq!(p1[column(rows, "invoice_tax_rate")], Data::Float(0.06));
    assert!(
        p1[column(rows, "source")]
            .to_string()
            .ends_with("payouts.csv:2"),
        "{:?}",
        p1[column(rows, "source")]
    );
    assert_eq!(
        rows[2][column(rows, "contract_id")],
        Data::String("C9".into())
    );
    assert_eq!(rows[2][column(rows, "amount")], Data::Float(5.0));

    let rows = &sheets["Allocations"];
    let allocation = &rows[1];
    assert_eq!(allocation[0], Data::String("P1".into()));
    assert_date(&allocation[column(rows, "paid_on")], "2025-02-15");
    assert_eq!(
        allocation[column(rows, "contract_id")],
        Data::String("C1".into())
    );
    assert_date(&allocation[column(rows, "period_start")], "2025-01-01");
    assert_eq!(allocation[column(rows, "amount")], Data::Float(1900.0));
    assert_eq!(allocation[column(rows, "excess")], Data::Bool(false));

    let rows = &sheets["Rejected rows"];
    let rejected = only(&run, "rejected_row");
    let row = &rows[1];
    assert_eq!(row[column(rows, "id")].to_string(), rejected["id"]);
    let location = &rejected["evidence"]["location"];
    assert_eq!(row[column(rows, "file")].to_string(), location["file"]);
    assert_eq!(row[column(rows, "sheet")], Data::Empty);
    assert_eq!(row[column(rows, "row")], Data::Float(3.0));
    assert_eq!(
        row[column(rows, "column")],
        Data::String("net_amount".into())
    );
    assert_eq!(row[column(rows, "detail")].to_string(), rejected["detail"]);

    let rows = &sheets["Controls"];
    let billing = &json["controls"]["billing"][0];
    let row = &rows[1];
    assert_eq!(row[column(rows, "role")], Data::String("billing".into()));
    assert_eq!(row[column(rows, "file")].to_string(), billing["file"]);
    assert_eq!(row[column(rows, "format")], Data::String("generic".into()));
    assert_eq!(row[column(rows, "rows_read")], Data::Float(3.0));
    assert_money(
        &row[column(rows, "amount_read")],
        &billing["read"]["amount"],
    );
    assert_eq!(
        row[column(rows, "rows_attributed_or_used")],
        Data::Float(1.0)
    );
    assert_eq!(
        row[column(rows, "amount_attributed_or_used")],
        Data::Float(10000.0)
    );
    assert_eq!(
        row[column(rows, "rows_excluded_uncovered")],
        Data::Float(1.0)
    );
    assert_eq!(
        row[column(rows, "amount_excluded_uncovered")],
        Data::Float(12.0)
    );
    assert_eq!(row[column(rows, "rows_rejected")], Data::Float(1.0));
    assert_eq!(row[column(rows, "balanced")], Data::Bool(true));
    let ledger = &rows[2];
    assert_eq!(ledger[column(rows, "role")], Data::String("payouts".into()));
    assert_eq!(ledger[column(rows, "rows_read")], Data::Float(2.0));
    assert_eq!(ledger[column(rows, "amount_read")], Data::Float(1905.0));
    assert_eq!(
        ledger[column(rows, "rows_attributed_or_used")],
        Data::Float(2.0)
    );
    assert_eq!(ledger[column(rows, "balanced")], Data::Bool(true));
}
