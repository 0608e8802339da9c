//! Billing files told by their bytes, not their names, through the real binary: an Alibaba
//! OSS object with no extension, a `.csv.gz`, Huawei's partner `customerBill_YYYYMM.tar.gz`
//! in two CSV parts, and files that are no table (a PNG) or hostile archives, each a
//! finding naming the file — never skipped. Expected totals are worked out by hand from
//! the rows written here.

use crate::common::*;
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn provider_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/providers")
        .join(name)
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A ustar archive written header by header, so that a hostile name (`../x.csv`) or type
/// is written as it is.
pub fn tar(members: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, kind, data) in members {
        let mut header = tar::Header::new_ustar();
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        header.set_entry_type(*kind);
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        if matches!(kind, tar::EntryType::Symlink | tar::EntryType::Link) {
            header.set_link_name("/etc/passwd").unwrap();
        }
        header.set_cksum();
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.extend([0u8; 1024]);
    out
}

/// `rebate-audit inspect FILE --json`: the exit status and the report.
fn inspect(file: &Path) -> (Option<i32>, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .arg("inspect")
        .arg(file)
        .arg("--json")
        .env_remove("REBATE_AUDIT_LOG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("no JSON ({error}); stderr:\n{stderr}"));
    (output.status.code(), report)
}

/// The standard book and payouts (contract C1, account A1, paid 2,000.00), `billing` as
/// the bills.
fn audit(fixture: &Fixture, billing: &[&Path]) -> Run {
    audit_with(fixture, billing, &[], "out")
}

/// [`audit`] with environment variables, into `out`.
fn audit_with(
    fixture: &Fixture,
    billing: &[&Path],
    environment: &[(&str, &str)],
    out: &str,
) -> Run {
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write(
        "payouts.csv",
        simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
    );
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"run", &"--contracts", &contracts];
    args.push(&"--billing");
    for file in billing {
        args.push(file);
    }
    args.extend([
        &"--payouts" as &dyn AsRef<std::ffi::OsStr>,
        &payouts,
        &"--as-of",
        &"2025-06-30",
    ]);
    fixture.run_into_with(out, environment, &args)
}

/// One billing control: `(file, sheet or member, format, rows, amount)`.
type Control = (String, Option<String>, Option<String>, u64, String);

/// The billing controls of a run.
fn controls(run: &Run) -> Vec<Control> {
    run.json()["controls"]["billing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|control| {
            (
                control["file"].as_str().unwrap().to_string(),
                control["sheet"].as_str().map(String::from),
                control["format"].as_str().map(String::from),
                control["read"]["rows"].as_u64().unwrap(),
                control["read"]["amount"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The findings whose location is in `file`.
fn about(run: &Run, file: &Path) -> Vec<Value> {
    run.findings()
        .into_iter()
        .filter(|finding| finding["evidence"]["location"]["file"] == file.display().to_string())
        .collect()
}

const ALIBABA_OBJECT: &str = "1234567890123456_BillingItemDetailMonthly_202503";

#[test]
fn an_alibaba_object_without_an_extension_is_read_named_directly_and_in_a_folder() {
    let fixture = Fixture::new();
    let object = fixture.write(
        &format!("oss/{ALIBABA_OBJECT}"),
        std::fs::read(provider_fixture("aliyun-zh-billing-item-202503.csv")).unwrap(),
    );
    // Net: 960 + 321.10 + 1920 − 320 + 88 + 500 = 3469.10, which its 合计 row states.
    let (status, report) = inspect(&object);
    assert_eq!(status, Some(0), "{report:#}");
    assert_eq!(report["tables"][0]["format"], "aliyun");
    assert_eq!(report["tables"][0]["net_total"], "3469.1");
    let good = fixture.write("billing.csv", standard_billing());
    let folder = object.parent().unwrap().to_path_buf();
    for given in [&object, &folder] {
        let run = audit(&fixture, &[&good, given]);
        // Its spend is on an account no contract covers: an info finding, exit 0.
        run.expect_status(0);
        let read: Vec<_> = controls(&run)
            .into_iter()
            .filter(|control| control.0 == object.display().to_string())
            .collect();
        assert_eq!(
            read,
            [(
                object.display().to_string(),
                None,
                Some("aliyun".to_string()),
                6,
                "3469.10".to_string()
            )],
            "{}",
            given.display()
        );
        let inputs = run.json()["inputs"].clone();
        assert!(
            inputs
                .as_array()
                .unwrap()
                .iter()
                .any(|input| input["path"] == object.display().to_string()),
            "{inputs:#}"
        );
        // C1 is untouched by the Alibaba account: E = 20% of 10,000.00, paid in full.
        assert_eq!(run.installments()[0]["expected"], "2000.00");
        // Read in parts of 300 bytes on every core, as a large CSV is: the same controls.
        let parts = audit_with(
            &fixture,
            &[&good, given],
            &[("REBATE_AUDIT_PART_BYTES", "300")],
            "parts",
        );
        assert_eq!(controls(&parts), controls(&run));
    }
}

#[test]
fn a_gzipped_bill_is_read_with_or_without_its_extension() {
    let fixture = Fixture::new();
    for name in ["billing.csv.gz", "billing-202501"] {
        let bill = fixture.write(name, gzip(standard_billing().as_bytes()));
        let run = audit(&fixture, &[&bill]);
        run.expect_status(0);
        assert_eq!(
            controls(&run),
            [(
                bill.display().to_string(),
                None,
                Some("generic".to_string()),
                1,
                "10000.00".to_string()
            )]
        );
        // E = 20% of 10,000.00 = 2,000.00, paid.
        assert_eq!(run.installments()[0]["expected"], "2000.00");
        assert_eq!(run.installments()[0]["status"], "paid");
    }
}

const HUAWEI_HEADER: &str = "账期,企业项目,企业项目ID,账号,产品类型编码,产品类型,产品编码,产品ID,产品,计费模式,消费时间,使用开始时间,使用结束时间,订单号/交易号,交易时间,账单类型,资源ID,资源名称,区域,官网价,优惠金额,抹零金额,应付金额,现金支付,信用额度支付,代金券抵扣,现金券抵扣,储值卡抵扣,奖励金支付,欠费金额";

/// One Huawei row of an ECS hour in March 2025, paid `amount` in cash.
fn huawei_row(resource: &str, amount: &str) -> String {
    format!(
        "2025-03,default,0,hw_acme_01,hws.service.type.ec2,弹性云服务器,hws.resource.type.vm,00301-234511-0--0,通用计算增强型 | c6.large.2,按需,2025-03-23 22:00:00 GMT+08:00-2025-03-23 23:00:00 GMT+08:00,2025-03-23 22:00:00 GMT+08:00,2025-03-23 23:00:00 GMT+08:00,-,2025-03-24 00:10:00 GMT+08:00,消费-使用,{resource},{resource},华北-北京四,{amount},0.00000000,0.00000000,{amount},{amount},0.00000000,0.00000000,0.00000000,0.00000000,0.00000000,0.00000000\n"
    )
}

#[test]
fn a_huawei_partner_tar_gz_is_read_part_by_part_in_name_order() {
    let fixture = Fixture::new();
    let part_1 = format!(
        "{HUAWEI_HEADER}\n{}{}{}",
        huawei_row("ecs-1", "100.00000000"),
        huawei_row("ecs-2", "250.50000000"),
        huawei_row("ecs-3", "0.46800000"),
    );
    let part_2 = format!(
        "{HUAWEI_HEADER}\n{}{}",
        huawei_row("ecs-4", "1000.00000000"),
        huawei_row("ecs-5", "20.25000000"),
    );
    use tar::EntryType::Regular;
    // Part 2 first in the archive: the parts are read in name order all the same.
    let archive = gzip(&tar(&[
        ("customerBill_202503_2.csv", Regular, part_2.as_bytes()),
        ("customerBill_202503_1.csv", Regular, part_1.as_bytes()),
    ]));
    let file = fixture.write("customerBill_202503.tar.gz", archive);
    let (status, report) = inspect(&file);
    assert_eq!(status, Some(0), "{report:#}");
    let shown = file.display().to_string();
    let tables: Vec<(String, String, String)> = report["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|table| {
            (
                table["table"].as_str().unwrap().to_string(),
                table["format"].as_str().unwrap().to_string(),
                table["net_total"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Part 1: 100 + 250.50 + 0.468 = 350.968; part 2: 1000 + 20.25 = 1020.25.
    assert_eq!(
        tables,
        [
            (
                format!("{shown}:customerBill_202503_1.csv"),
                "huawei".to_string(),
                "350.968".to_string()
            ),
            (
                format!("{shown}:customerBill_202503_2.csv"),
                "huawei".to_string(),
                "1020.25".to_string()
            ),
        ]
    );
    let good = fixture.write("billing.csv", standard_billing());
    let run = audit(&fixture, &[&good, &file]);
    let parts: Vec<_> = controls(&run)
        .into_iter()
        .filter(|control| control.0 == shown)
        .map(|control| (control.1.unwrap(), control.3, control.4))
        .collect();
    // The controls show money to the cent.
    assert_eq!(
        parts,
        [
            (
                "customerBill_202503_1.csv".to_string(),
                3,
                "350.97".to_string()
            ),
            (
                "customerBill_202503_2.csv".to_string(),
                2,
                "1020.25".to_string()
            ),
        ]
    );
}

#[test]
fn a_png_in_the_billing_folder_is_a_finding_naming_it() {
    let fixture = Fixture::new();
    let good = fixture.write("bills/billing.csv", standard_billing());
    let png = fixture.write(
        "bills/screenshot",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02",
    );
    let run = audit(&fixture, &[good.parent().unwrap()]);
    run.expect_status(1);
    let found = about(&run, &png);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["type"], "rejected_row");
    assert_eq!(found[0]["reason"], "file");
    let detail = found[0]["detail"].as_str().unwrap();
    assert!(detail.contains("the file is a PNG image"), "{detail}");
    assert_eq!(run.installments()[0]["expected"], "2000.00");
}

#[test]
fn a_tar_member_that_leaves_the_archive_or_is_a_link_is_refused_and_the_rest_read() {
    let fixture = Fixture::new();
    use tar::EntryType::{Regular, Symlink};
    let bill = standard_billing();
    let archive = gzip(&tar(&[
        ("../escape.csv", Regular, bill.as_bytes()),
        ("link.csv", Symlink, b""),
        ("billing.csv", Regular, bill.as_bytes()),
    ]));
    let file = fixture.write("bills.tar.gz", archive);
    let run = audit(&fixture, &[&file]);
    run.expect_status(1);
    let shown = file.display().to_string();
    let refused: Vec<(String, String, String)> = about(&run, &file)
        .iter()
        .map(|finding| {
            (
                finding["evidence"]["location"]["sheet"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                finding["reason"].as_str().unwrap().to_string(),
                finding["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(refused.len(), 2, "{refused:#?}");
    assert_eq!(refused[0].0, "../escape.csv");
    assert_eq!(refused[0].1, "file");
    assert!(
        refused[0].2.starts_with(&format!(
            "{shown}:../escape.csv: the member is not read: its path leads outside the archive"
        )),
        "{}",
        refused[0].2
    );
    assert_eq!(refused[1].0, "link.csv");
    assert!(refused[1].2.contains("a symbolic link"), "{}", refused[1].2);
    // The plain member is read: E = 20% of 10,000.00, paid.
    assert_eq!(
        controls(&run)
            .into_iter()
            .map(|control| (control.1, control.3))
            .collect::<Vec<_>>(),
        [(Some("billing.csv".to_string()), 1)]
    );
    assert_eq!(run.installments()[0]["expected"], "2000.00");
}

#[test]
fn a_gzip_or_tar_cut_short_is_a_finding_naming_the_file() {
    let fixture = Fixture::new();
    let good = fixture.write("billing.csv", standard_billing());
    let mut rows = String::from("account_id,billing_month,product,net_amount,currency\n");
    for _ in 0..5_000 {
        rows.push_str("A9,2025-01,ECS,1.00,CNY\n");
    }
    let whole = gzip(rows.as_bytes());
    let cut_gzip = fixture.write("cut.csv.gz", &whole[..whole.len() / 2]);
    let archive = tar(&[("part_1.csv", tar::EntryType::Regular, rows.as_bytes())]);
    let cut_tar = fixture.write("cut.tar", &archive[..4096]);
    let run = audit(&fixture, &[&good, &cut_gzip, &cut_tar]);
    for (file, says) in [
        (&cut_gzip, "the gzip file is corrupt or cut short"),
        (&cut_tar, "the tar archive is corrupt or cut short"),
    ] {
        let found = about(&run, file);
        let file_findings: Vec<_> = found
            .iter()
            .filter(|finding| finding["reason"] == "file")
            .collect();
        assert_eq!(file_findings.len(), 1, "{found:#?}");
        let detail = file_findings[0]["detail"].as_str().unwrap();
        assert!(detail.contains(says), "{detail}");
    }
}
