//! One audit over every layout at once.

use super::*;

/// Copies of every fixture in one folder tree, binary ones built; returns the folder and
/// `(file name, formats)` of each.
fn mixed_billing(dir: &Path) -> (PathBuf, Vec<(String, Vec<&'static str>)>) {
    let billing = dir.join("billing");
    let mut files = Vec::new();
    for (sub, name, format) in [
        ("aliyun", "aliyun-zh-billing-item-202503.csv", "aliyun"),
        ("aliyun", "aliyun-en-billing-item-202504.csv", "aliyun"),
        ("tencent", "tencent-en-bill-detail-202505.csv", "tencent"),
        ("tencent", "tencent-zh-bill-detail-202506.csv", "tencent"),
        ("azure", "azure-ea-actual-cost-202309.csv", "azure-ea"),
        ("azure", "azure-mca-actual-cost-202510.csv", "azure-mca"),
        ("focus", "focus-1.0-sample.csv", "focus"),
    ] {
        let folder = billing.join(sub);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::copy(fixture(name), folder.join(name)).unwrap();
        files.push((name.to_string(), vec![format]));
    }
    let zip = alibaba_zip(&billing.join("aliyun"));
    files.push((file_name(&zip), vec!["aliyun"]));
    std::fs::create_dir_all(billing.join("huawei")).unwrap();
    let gbk = huawei_gbk(&billing.join("huawei"));
    files.push((file_name(&gbk), vec!["huawei"]));
    let xlsx = azure_ea_xlsx(&billing.join("azure"));
    files.push((file_name(&xlsx), vec!["azure-ea"]));
    (billing, files)
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// Aliyun account 1234567890123456 March–May 2025, Tencent payers 100012345678 and
/// 100012345690 May–July 2025 (both CNY), the MCA account for October 2025 in USD; each
/// monthly, one tier from 0, due 30 days after the month.
fn mixed_contracts(dir: &Path) -> PathBuf {
    Book::default()
        .contract(
            contract("ALI-2025")
                .set("provider", "aliyun")
                .set("accounts", ALIYUN_ACCOUNT)
                .set("start", "2025-03-01")
                .set("end", "2025-05-31"),
        )
        .tier("ALI-2025", "0", "", "10%")
        .contract(
            contract("TX-2025")
                .set("provider", "tencent")
                .set("accounts", "100012345678;100012345690")
                .set("start", "2025-05-01")
                .set("end", "2025-07-31"),
        )
        .tier("TX-2025", "0", "", "10%")
        .contract(
            contract("AZ-2025")
                .set("provider", "azure")
                .set("ruleset", "azure-mca")
                .set("accounts", MCA_ACCOUNT)
                .set("currency", "USD")
                .set("start", "2025-10-01")
                .set("end", "2025-10-31"),
        )
        .tier("AZ-2025", "0", "", "5%")
        .write_csv_folder(dir, "contracts")
}

#[test]
fn one_audit_reads_every_layout_and_records_each_files_format() {
    let fixture_dir = Fixture::new();
    let (billing, files) = mixed_billing(fixture_dir.dir.path());
    let contracts = mixed_contracts(fixture_dir.dir.path());
    // Expected rebates, from the lines above (docs/ARITHMETIC.md: round(R(W)) on the exact base):
    // ALI-2025 March  W = 960 + 321.10 + 1920 − 320 + 88 + 500 × 0 (marketplace) = 2969.10
    //                 E = 296.91
    //          April  no line of this account: W = 0, E = 0
    //          May    W = 1370.45 + 2427 = 3797.45, E = round(379.745) = 379.75
    // TX-2025  May    W = 2177.36802467, E = round(217.736802467) = 217.74
    //          June   W = 850 + 170 + 12.345678 − 425 = 607.345678,
    //                 E = round(60.7345678) = 60.73 (not 60.74 from a rounded W)
    //          July   W = 5.50, E = 0.55
    // AZ-2025  Oct.   W = 45.60 + 3.21 + 300 − 20 = 328.81, E = round(16.4405) = 16.44 USD
    let payouts = fixture_dir.write(
        "payouts.csv",
        payouts_csv(
            &[
                "payout_id",
                "contract_id",
                "paid_on",
                "amount",
                "currency",
                "period",
            ],
            &[
                &["P1", "ALI-2025", "2025-04-20", "296.91", "CNY", "2025-03"],
                &["P2", "ALI-2025", "2025-06-20", "379.75", "CNY", "2025-05"],
                &["P3", "TX-2025", "2025-06-20", "217.74", "CNY", "2025-05"],
                &["P4", "TX-2025", "2025-07-20", "60.73", "CNY", "2025-06"],
                &["P5", "TX-2025", "2025-08-20", "0.55", "CNY", "2025-07"],
                &["P6", "AZ-2025", "2025-11-20", "16.44", "USD", "2025-10"],
            ],
        ),
    );
    let run = fixture_dir.audit(&contracts, &billing, &payouts, "2025-12-31", &[]);
    // Every rebate is paid in full and on time; what is left is information only.
    run.expect_status(0);
    for (contract, period, weighted_base, expected) in [
        ("ALI-2025", "2025-03-01", "2969.10", "296.91"),
        ("ALI-2025", "2025-04-01", "0.00", "0.00"),
        ("ALI-2025", "2025-05-01", "3797.45", "379.75"),
        ("TX-2025", "2025-05-01", "2177.37", "217.74"),
        ("TX-2025", "2025-06-01", "607.35", "60.73"),
        ("TX-2025", "2025-07-01", "5.50", "0.55"),
        ("AZ-2025", "2025-10-01", "328.81", "16.44"),
    ] {
        let record = installment(&run, contract, period, 1);
        assert_eq!(record["weighted_base"], weighted_base, "{record:#}");
        assert_eq!(record["expected"], expected, "{record:#}");
        assert_eq!(record["paid"], expected, "{record:#}");
    }
    // Spend no contract covers, by (account, month): one info finding each, amounts as in
    // the inspect tests (money rounded to cents).
    let mut uncovered: Vec<(String, String, String, String)> = run
        .findings()
        .iter()
        .map(|finding| {
            assert_eq!(finding["type"], "uncovered_billing", "{finding:#}");
            assert_eq!(finding["severity"], "info", "{finding:#}");
            let facts = &finding["evidence"]["facts"];
            let fact = |name: &str| -> String {
                facts[name]
                    .as_str()
                    .unwrap_or_else(|| panic!("no fact {name}: {finding:#}"))
                    .to_string()
            };
            (
                fact("account_id"),
                fact("billing_month"),
                fact("currency"),
                finding["amount"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    uncovered.sort();
    let owned = |(account, month, currency, amount): (&str, &str, &str, &str)| {
        (
            account.to_string(),
            month.to_string(),
            currency.to_string(),
            amount.to_string(),
        )
    };
    let mut wanted: Vec<_> = [
        (
            "/providers/Microsoft.Billing/billingAccounts/7654321",
            "2024-09",
            "USD",
            "0.00",
        ),
        (
            "0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d",
            "2025-01",
            "USD",
            "68.80",
        ),
        ("123456789012", "2024-09", "USD", "9.89"),
        ("5678901234567890", "2025-04", "USD", "186.50"),
        ("87654321", "2023-09", "USD", "160.25"),
        ("87654321", "2024-10", "USD", "86.86"),
        ("hw_acme_01", "2020-08", "CNY", "927.31"),
    ]
    .into_iter()
    .map(owned)
    .collect();
    wanted.sort();
    assert_eq!(uncovered, wanted);
    // With --fail-on info the same audit fails.
    let strict = fixture_dir.audit_into(
        "strict",
        &contracts,
        &billing,
        &payouts,
        "2025-12-31",
        &[&"--fail-on", &"info"],
    );
    strict.expect_status(1);

    // inputs[]: each billing file with the formats its tables were taken for.
    let json = run.json();
    let inputs = json["inputs"].as_array().unwrap();
    let billing_inputs: Vec<&Value> = inputs
        .iter()
        .filter(|input| input["role"] == "billing")
        .collect();
    assert_eq!(billing_inputs.len(), files.len(), "{inputs:#?}");
    for (name, formats) in &files {
        let input = billing_inputs
            .iter()
            .find(|input| input["path"].as_str().unwrap().ends_with(name.as_str()))
            .unwrap_or_else(|| panic!("no input {name}: {inputs:#?}"));
        assert_eq!(input["formats"], json!(formats), "{input:#}");
    }
    let encoding_of = |name: &str| {
        billing_inputs
            .iter()
            .find(|input| input["path"].as_str().unwrap().ends_with(name))
            .map(|input| input["encoding"].clone())
            .unwrap()
    };
    assert_eq!(
        encoding_of("hw_acme_01_InstanceBillMonth_202008.csv"),
        "GB18030"
    );
    assert_eq!(
        encoding_of("1234567890123456_InstanceDetail_202505.zip"),
        "UTF-8 with BOM"
    );
    assert_eq!(
        encoding_of("azure-ea-cost-details-202410.xlsx"),
        Value::Null
    );

    // controls.billing[]: one entry per table with its format; every table balances.
    let controls = json["controls"]["billing"].as_array().unwrap();
    let mut tables: Vec<(String, Option<String>, String)> = controls
        .iter()
        .map(|control| {
            assert_eq!(control["balanced"], true, "{control:#}");
            assert_eq!(control["rejected"]["rows"], 0, "{control:#}");
            let file = control["file"].as_str().unwrap();
            (
                file_name(Path::new(file)),
                control["sheet"].as_str().map(str::to_string),
                control["format"].as_str().unwrap_or("(none)").to_string(),
            )
        })
        .collect();
    tables.sort();
    let mut wanted_tables: Vec<(String, Option<String>, String)> = files
        .iter()
        .flat_map(|(name, formats)| {
            let sheets: Vec<Option<String>> = if name.ends_with(".zip") {
                ZIP_PARTS
                    .iter()
                    .map(|part| Some(part.to_string()))
                    .collect()
            } else if name.ends_with(".xlsx") {
                vec![Some("Usage Details".to_string())]
            } else {
                vec![None]
            };
            sheets
                .into_iter()
                .map(|sheet| (name.clone(), sheet, formats[0].to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    wanted_tables.sort();
    assert_eq!(tables, wanted_tables);
    let alibaba = controls
        .iter()
        .find(|control| {
            control["file"]
                .as_str()
                .unwrap()
                .ends_with("aliyun-zh-billing-item-202503.csv")
        })
        .unwrap();
    assert_eq!(alibaba["read"]["rows"], 6, "{alibaba:#}");
    assert_eq!(alibaba["read"]["amount"], "3469.10", "{alibaba:#}");
    assert_eq!(alibaba["rows_above_header"], 2, "{alibaba:#}");
    assert_eq!(
        alibaba["totals_rows"],
        json!([{"row": 10, "stated": "3469.10", "rows_above": "3469.10", "agrees": true}])
    );
}
