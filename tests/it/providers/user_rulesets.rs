//! User rulesets (--rulesets).

use super::*;

/// `rulesets/aliyun.toml` with `应付金额(含税)` added to the net amount's names.
fn aliyun_with_yuan(dir: &Path) -> PathBuf {
    let folder = dir.join("rulesets");
    std::fs::create_dir_all(&folder).unwrap();
    let built_in =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rulesets/aliyun.toml"))
            .unwrap();
    let edited = built_in.replacen(
        "net_amount = [\"应付金额\",",
        "net_amount = [\"应付金额\", \"应付金额(含税)\",",
        1,
    );
    assert_ne!(
        edited, built_in,
        "aliyun.toml maps net_amount = [\"应付金额\", …]"
    );
    std::fs::write(folder.join("aliyun.toml"), edited).unwrap();
    folder
}

#[test]
fn a_user_ruleset_adds_a_column_name_to_a_built_in_format() {
    let fixture_dir = Fixture::new();
    let rulesets = aliyun_with_yuan(fixture_dir.dir.path());
    // Built in, 应付金额(元) is 应付金额 in 元 (CNY, the format's currency): read as it is.
    let yuan = fixture("aliyun-zh-net-amount-yuan.csv");
    let (status, report) = inspect(&yuan, &[]);
    assert_eq!(status, Some(0), "{report:#}");
    assert_eq!(report["tables"][0]["format"], "aliyun");
    assert_eq!(
        report["tables"][0]["columns"][9],
        json!({"field": "net_amount", "headers": ["应付金额(元)"], "unit": "CNY"})
    );
    assert_eq!(report["tables"][0]["net_total"], "380");
    // 应付金额(含税) (tax included) is another column: only a ruleset can say it is the net.
    let file = fixture_dir.write(
        "aliyun-zh-net-amount-with-tax.csv",
        std::fs::read_to_string(&yuan)
            .unwrap()
            .replace("应付金额(元)", "应付金额(含税)"),
    );
    let (status, report) = inspect(&file, &[]);
    assert_eq!(status, Some(1), "{report:#}");
    assert_mentions(
        report["tables"][0]["rejected"][0]["reason"]
            .as_str()
            .unwrap(),
        &[CLOSEST_ALIYUN, LACKS_NET_AMOUNT],
    );
    // With the user's aliyun.toml it loads; the 退款 row counts negative.
    let (status, report) = inspect(&file, &["--rulesets", rulesets.to_str().unwrap()]);
    assert_eq!(status, Some(0), "{report:#}");
    check_table(
        &report["tables"][0],
        &Expected {
            table: &file.display().to_string(),
            format: "aliyun",
            header_row: 1,
            rows_above_header: 0,
            columns: &[
                ("account_id", &["账号ID"]),
                ("billing_month", &["账期"]),
                ("date", &["消费时间"]),
                ("product", &["产品Code"]),
                ("order_type", &["账单类型"]),
                ("instance_id", &["实例ID"]),
                ("list_amount", &["原价"]),
                ("discount", &["优惠金额"]),
                ("voucher", &["代金券抵扣"]),
                ("net_amount", &["应付金额(含税)"]),
            ],
            lines: &[
                "2|2233445566778899|2025-03|2025-03-03|ecs|预付费订单|i-bp1acme00000test01|500|50|0|450|CNY",
                "3|2233445566778899|2025-03|2025-03-31|oss|后付费账单|cn-beijing;standard|20|0|5|20|CNY",
                "4|2233445566778899|2025-03|2025-03-15|ecs|退款|i-bp1acme00000test01|-100|-10|0|-90|CNY",
            ],
            net_total: "380",
            totals_rows: &[],
        },
    );
    // In an audit: W = 450 + 20 − 90 = 380.00, E = 380.00 × 20% = 76.00, paid on time.
    let contracts = Book::default()
        .contract(
            contract("ALI-T")
                .set("provider", "aliyun")
                .set("accounts", "2233445566778899")
                .set("start", "2025-03-01")
                .set("end", "2025-03-31"),
        )
        .tier("ALI-T", "0", "", "20%")
        .write_csv_folder(fixture_dir.dir.path(), "contracts");
    let payouts = fixture_dir.write(
        "payouts.csv",
        simple_payouts(&[("P1", "ALI-T", "2025-04-15", "76.00")]),
    );
    let run = fixture_dir.audit(
        &contracts,
        &file,
        &payouts,
        "2025-12-31",
        &["--rulesets", rulesets.to_str().unwrap()],
    );
    run.expect_status(0);
    assert_eq!(run.findings(), Vec::<Value>::new());
    let record = installment(&run, "ALI-T", "2025-03-01", 1);
    assert_eq!(record["weighted_base"], "380.00");
    assert_eq!(record["expected"], "76.00");
    assert_eq!(record["status"], "paid");
    let json = run.json();
    let input = json["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|input| input["role"] == "billing")
        .unwrap()
        .clone();
    assert_eq!(input["formats"], json!(["aliyun"]));
    let aliyun = json["rulesets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|ruleset| ruleset["name"] == "aliyun")
        .unwrap()
        .clone();
    assert_eq!(
        aliyun["origin"],
        rulesets.join("aliyun.toml").display().to_string()
    );
    // Without the user ruleset the same audit stops (exit 2): the file comes close to
    // Alibaba's layout, and the message names the column it lacks and the header meant.
    let run = fixture_dir.audit_into("built-in", &contracts, &file, &payouts, "2025-12-31", &[]);
    run.expect_status(2);
    assert_mentions(
        &run.stderr,
        &[
            "comes close to the billing format `aliyun`",
            "lacks a column for net_amount (应付金额 / Pretax Amount / PretaxAmount) (did you mean `应付金额(含税)`?)",
            "add its name to a ruleset (--rulesets)",
        ],
    );
}

const ACME_TOML: &str = r#"# ACME Cloud's invoice lines: a provider the built-in rulesets do not know.
provider = "acme"
description = "ACME Cloud rebate program"

[format]
label = "ACME Cloud invoice lines (CSV)"
signature = [["ACME Line Ref"]]
date_order = "day_first"
billing_month = "month"
blank = ["n/a"]
refunds = ["gutschrift"]

[billing]
account_id = ["Customer No"]
billing_month = ["Invoice Month"]
date = ["Service Date"]
product = ["Service"]
order_type = ["Line Type"]
list_amount = ["List"]
net_amount = ["Net"]
currency = ["Curr"]

[products.aliases]
ecs = ["ACME Compute"]
oss = ["ACME Blob"]
"#;

#[test]
fn a_user_ruleset_adds_a_new_provider_format() {
    let dir = tempfile::tempdir().unwrap();
    let rulesets = dir.path().join("rulesets");
    std::fs::create_dir_all(&rulesets).unwrap();
    std::fs::write(rulesets.join("acme.toml"), ACME_TOML).unwrap();
    let listed = cli(&[
        OsStr::new("formats"),
        OsStr::new("--rulesets"),
        rulesets.as_os_str(),
    ]);
    assert_eq!(listed.status, Some(0), "{}", listed.stderr);
    assert_mentions(
        &listed.stdout,
        &[
            "acme  ACME Cloud invoice lines (CSV)",
            &format!(
                "provider acme; from {}",
                rulesets.join("acme.toml").display()
            ),
            "      - ACME Line Ref",
            "      - Customer No",
            "      - Net",
            "      - Curr",
        ],
    );
    // The built-in formats are still there.
    assert!(listed.stdout.contains("aliyun  "), "{}", listed.stdout);
    let file = fixture("acme-invoice-lines.csv");
    let (status, report) = inspect(&file, &["--rulesets", rulesets.to_str().unwrap()]);
    assert_eq!(status, Some(0), "{report:#}");
    // Day-first dates; `n/a` is blank; the Gutschrift (credit note) counts negative.
    check_table(
        &report["tables"][0],
        &Expected {
            table: &file.display().to_string(),
            format: "acme",
            header_row: 1,
            rows_above_header: 0,
            columns: &[
                ("account_id", &["Customer No"]),
                ("billing_month", &["Invoice Month"]),
                ("date", &["Service Date"]),
                ("product", &["Service"]),
                ("order_type", &["Line Type"]),
                ("list_amount", &["List"]),
                ("net_amount", &["Net"]),
                ("currency", &["Curr"]),
            ],
            lines: &[
                "2|ACME-C-042|2025-09|2025-09-21|ecs|charge||120|0|0|100|EUR",
                "3|ACME-C-042|2025-09|2025-09-03|oss|charge|||0|0|15.5|EUR",
                "4|ACME-C-042|2025-09|2025-09-30|ecs|Gutschrift||-24|0|0|-20|EUR",
            ],
            net_total: "95.5",
            totals_rows: &[],
        },
    );
    // Without it the file is not recognised.
    let (status, _) = inspect(&file, &[]);
    assert_eq!(status, Some(1));
}

/// Each bad ruleset, and what its error must name besides the file.
const BAD_RULESETS: &[(&str, &str, &[&str])] = &[
    (
        "badfield.toml",
        "provider = \"badfield\"\n\n[billing]\naccount_id = [\"Account\"]\nbilling_month = [\"Month\"]\nproduct = [\"Product\"]\nnet_amount = [\"Net\"]\ncurrency = [\"Currency\"]\nsku = [\"SKU\"]\n",
        &["billing.sku: unknown billing field"],
    ),
    (
        "sideways.toml",
        "provider = \"sideways\"\n\n[format]\nlabel = \"Sideways\"\ndate_order = \"sideways\"\n\n[billing]\naccount_id = [\"Account\"]\nbilling_month = [\"Month\"]\nproduct = [\"Product\"]\nnet_amount = [\"Net\"]\ncurrency = [\"Currency\"]\n",
        &["date_order", "sideways"],
    ),
];

#[test]
fn a_bad_ruleset_stops_formats_inspect_and_run_naming_the_file_and_key() {
    for (name, text, key) in BAD_RULESETS {
        let fixture_dir = Fixture::new();
        let rulesets = fixture_dir.path("rulesets");
        std::fs::create_dir_all(&rulesets).unwrap();
        let path = rulesets.join(name);
        std::fs::write(&path, text).unwrap();
        let shown = path.display().to_string();
        let mut expected: Vec<&str> = vec![&shown];
        expected.extend(key.iter());

        let formats = cli(&[
            OsStr::new("formats"),
            OsStr::new("--rulesets"),
            rulesets.as_os_str(),
        ]);
        assert_eq!(formats.status, Some(2), "{name}: {}", formats.stdout);
        assert_mentions(&formats.stderr, &expected);

        let file = fixture("generic-template.csv");
        let inspected = cli(&[
            OsStr::new("inspect"),
            file.as_os_str(),
            OsStr::new("--rulesets"),
            rulesets.as_os_str(),
        ]);
        assert_eq!(inspected.status, Some(2), "{name}: {}", inspected.stdout);
        assert_mentions(&inspected.stderr, &expected);

        let contracts = Book::standard().write_csv_folder(fixture_dir.dir.path(), "contracts");
        let payouts = fixture_dir.write("payouts.csv", simple_payouts(&[]));
        let run = fixture_dir.audit(
            &contracts,
            &file,
            &payouts,
            "2025-12-31",
            &["--rulesets", rulesets.to_str().unwrap()],
        );
        run.expect_status(2);
        assert_mentions(&run.stderr, &expected);
        assert!(
            !run.out.join("findings.json").exists(),
            "{name}: no report is written"
        );
    }
}
