//! Service catalogs and unmapped products, through the binary on a real Tencent bill-detail
//! layout: a service billed under a catalog name (written without the space the ruleset
//! has) takes its product's coefficient, and a service no alias maps takes 1 — a warning
//! where its contract weights another product otherwise, an info finding where it does not.

use crate::common::{Book, Fixture, contract, installment, simple_payouts};
use serde_json::Value;

/// The Tencent console bill detail (bill 3.0, English header): the real 31 columns.
const TENCENT_HEADER: &str = "Payer Account ID,Owner Account ID,Operator Account ID,Product Name,Subproduct Name,Billing Mode,Transaction Type,Transaction ID,Transaction Time,Usage Start Time,Usage End Time,Instance ID,Instance Name,Instance Type,Project Name,Region,Availability Zone,Component Type,Component Name,Component List Price,Component Contracted Price,Component Price Measurement Unit,Component Usage,Component Usage Unit,Usage Duration,Duration Unit,Original Cost,Discount,Total Amount After Discount,Voucher Deduction,Currency";

/// One bill row of `payer`, charged on 2025-01-15, for `product` at `amount` (list =
/// net, no voucher).
fn row(payer: &str, product: &str, amount: &str, id: usize) -> String {
    format!(
        "{payer},{payer},{payer},{product},{product} standard,Pay-as-you-go,Hourly settlement,2025011500000{id:05},2025-01-15 10:00:00,2025-01-15 09:00:00,2025-01-15 09:59:59,ins-{id:05},web,S5,Default Project,South China (Guangzhou),Guangzhou Zone 3,CPU,CPU,{amount},{amount},CNY/hour,1,unit,1,hour,{amount},1,{amount},0.00000000,CNY"
    )
}

#[test]
fn an_unmapped_service_warns_where_its_contract_weights_another_product_otherwise() {
    // C1 (payer 100012345678, Tencent, products: rds 0.5):
    //   Cloud Virtual Machine 10,000.00 × 1 (ecs)
    //   TencentDB for MySQL    4,000.00 × 0.5 (rds)
    //   负载均衡CLB             2,000.00 × 1 (slb: the catalog's `负载均衡 CLB`, folded)
    //   Quantum Annealer       1,000.00 × 1 (no alias: a warning, since C1 weights rds 0.5)
    //   W = 10,000 + 2,000 + 2,000 + 1,000 = 15,000.00, E = 20% = 3,000.00.
    // C2 (payer 100012345679, Tencent, no products rows):
    //   Cloud Virtual Machine 10,000.00 + Quantum Annealer 1,000.00 (info: every product
    //   weighs 1 there) → W = 11,000.00, E = 2,200.00.
    let lines = [
        row("100012345678", "Cloud Virtual Machine", "10000.00000000", 1),
        row("100012345678", "TencentDB for MySQL", "4000.00000000", 2),
        row("100012345678", "负载均衡CLB", "2000.00000000", 3),
        row("100012345678", "Quantum Annealer", "1000.00000000", 4),
        row("100012345679", "Cloud Virtual Machine", "10000.00000000", 5),
        row("100012345679", "Quantum Annealer", "1000.00000000", 6),
    ];
    let fixture = Fixture::new();
    let billing = fixture.write(
        "billing/tencent-bill-detail-202501.csv",
        format!("\u{feff}{TENCENT_HEADER}\n{}\n", lines.join("\n")),
    );
    let book = Book::default()
        .contract(
            contract("C1")
                .set("provider", "tencent")
                .set("accounts", "100012345678"),
        )
        .contract(
            contract("C2")
                .set("provider", "tencent")
                .set("accounts", "100012345679"),
        )
        .tier("C1", "0", "", "20%")
        .tier("C2", "0", "", "20%")
        .product("C1", "rds", "0.5");
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-02-01", &[]);
    // The warning makes the run exit 1 (findings at warning level); nothing is due yet.
    run.expect_status(1);
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["weighted_base"],
        "15000.00"
    );
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["expected"],
        "3000.00"
    );
    assert_eq!(
        installment(&run, "C2", "2025-01-01", 1)["weighted_base"],
        "11000.00"
    );
    assert_eq!(
        installment(&run, "C2", "2025-01-01", 1)["expected"],
        "2200.00"
    );

    let unknown: Vec<Value> = run.of_type("unknown_product");
    assert_eq!(run.types(), vec!["unknown_product", "unknown_product"]);
    let of = |id: &str| {
        unknown
            .iter()
            .find(|finding| finding["contract_id"] == id)
            .unwrap_or_else(|| panic!("no unknown_product for {id}: {unknown:#?}"))
    };
    let (c1, c2) = (of("C1"), of("C2"));
    assert_eq!(c1["severity"], "warning");
    assert_eq!(c1["amount"], "1000.00");
    assert_eq!(c1["evidence"]["facts"]["product"], "Quantum Annealer");
    assert_eq!(c1["evidence"]["facts"]["coefficient"], "1");
    assert_eq!(c1["evidence"]["facts"]["weighted_products"], "rds 0.5");
    assert_eq!(c2["severity"], "info");
    assert_eq!(c2["amount"], "1000.00");
    assert_eq!(c2["evidence"]["facts"]["weighted_products"], Value::Null);
    let said = serde_json::to_string(c1).unwrap();
    assert!(
        said.contains("it was weighted at coefficient 1, but C1 weights rds at 0.5"),
        "{said}"
    );
}

#[test]
fn a_service_outside_the_weighted_kinds_maps_to_its_own_key_which_a_contract_may_weight() {
    // C1 (payer 100012345678, Tencent, products: audit_trail 0.5), services written as the
    // Chinese console's product list names them:
    //   Cloud Virtual Machine 10,000.00 × 1   (ecs)
    //   操作审计               2,000.00 × 0.5 (audit_trail: Tencent's CloudAudit, the key
    //                                          it shares with Alibaba's ActionTrail)
    //   弹性伸缩               1,000.00 × 1   (autoscaling)
    //   访问管理                 500.00 × 1   (cam)
    //   W = 10,000 + 1,000 + 1,000 + 500 = 12,500.00, E = 20% = 2,500.00; every service is
    //   known, so no unknown_product finding.
    let lines = [
        row("100012345678", "Cloud Virtual Machine", "10000.00000000", 1),
        row("100012345678", "操作审计", "2000.00000000", 2),
        row("100012345678", "弹性伸缩", "1000.00000000", 3),
        row("100012345678", "访问管理", "500.00000000", 4),
    ];
    let fixture = Fixture::new();
    let billing = fixture.write(
        "billing/tencent-bill-detail-202501.csv",
        format!("\u{feff}{TENCENT_HEADER}\n{}\n", lines.join("\n")),
    );
    let book = Book::default()
        .contract(
            contract("C1")
                .set("provider", "tencent")
                .set("accounts", "100012345678"),
        )
        .tier("C1", "0", "", "20%")
        .product("C1", "audit_trail", "0.5");
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-02-01", &[]);
    assert!(
        run.of_type("unknown_product").is_empty(),
        "{:?}",
        run.types()
    );
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["weighted_base"],
        "12500.00"
    );
    assert_eq!(
        installment(&run, "C1", "2025-01-01", 1)["expected"],
        "2500.00"
    );
}

/// Each built-in format with a catalog: a minimal header of its own columns, and one row
/// of it with the product cell left as `{}`.
const LAYOUTS: &[(&str, &str, &str)] = &[
    (
        "aliyun",
        "账号ID,账期,产品Code,应付金额",
        "1001,2025-01,{},1.00",
    ),
    (
        "tencent",
        "Payer Account ID,Bill Month,Product Name,Total Amount After Discount,Currency",
        "100012345678,2025-01,{},1.00,CNY",
    ),
    (
        "huawei",
        "账号ID,账期,产品类型编码,应付金额",
        "hw-1,2025-01,{},1.00",
    ),
    (
        "aws",
        "line_item_usage_account_id,bill_billing_period_start_date,line_item_product_code,line_item_line_item_type,line_item_net_unblended_cost,line_item_currency_code",
        "111122223333,2025-01-01T00:00:00Z,{},Usage,1.00,USD",
    ),
    (
        "azure-ea",
        "BillingAccountId,AccountOwnerId,BillingPeriodStartDate,MeterCategory,CostInBillingCurrency,BillingCurrencyCode",
        "1234567,owner@example.com,01/01/2025,{},1.00,USD",
    ),
    (
        "azure-mca",
        "invoiceId,billingAccountId,billingPeriodStartDate,date,meterCategory,costInBillingCurrency,billingCurrency",
        "INV-1,acc-1,01/01/2025,01/15/2025,{},1.00,USD",
    ),
    (
        "focus",
        "BillingAccountId,BillingPeriodStart,ChargePeriodStart,ChargeCategory,ServiceName,BilledCost,BillingCurrency",
        "acc-1,2025-01-01T00:00:00Z,2025-01-15T00:00:00Z,Usage,{},1.00,USD",
    ),
];

/// A catalog's `service → key` lines, comments skipped.
fn catalog(name: &str) -> Vec<(String, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/catalogs")
        .join(format!("{name}.txt"));
    std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (service, key) = line.split_once(" → ").unwrap();
            (service.to_string(), key.trim().to_string())
        })
        .collect()
}

/// Every line of every catalog, billed in its provider's own layout and read by
/// `rebate-audit inspect --format`: the product it resolves to is the catalog's, known.
#[test]
fn every_catalog_service_maps_as_listed_through_the_binary() {
    let fixture = Fixture::new();
    let mut failures = Vec::new();
    for (name, header, row) in LAYOUTS {
        let services = catalog(name);
        let quoted = |service: &str| format!("\"{}\"", service.replace('"', "\"\""));
        let body: Vec<String> = services
            .iter()
            .map(|(service, _)| row.replacen("{}", &quoted(service), 1))
            .collect();
        let file = fixture.write(
            &format!("catalog-{name}.csv"),
            format!("{header}\n{}\n", body.join("\n")),
        );
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
            .args(["inspect", "--json", "--format", name, "--lines"])
            .arg(services.len().to_string())
            .arg(&file)
            .env_remove("REBATE_AUDIT_LOG")
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        let lines = report["tables"][0]["lines"].as_array().unwrap();
        assert_eq!(lines.len(), services.len(), "{name}: {report:#}");
        for ((service, key), line) in services.iter().zip(lines) {
            if line["product"] != key.as_str() || line["product_known"] != true {
                failures.push(format!(
                    "{name}: `{service}` read as {} (known: {}), expected {key}",
                    line["product"], line["product_known"]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
