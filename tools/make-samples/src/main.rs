//! `make-samples`: (re)writes every file under `samples/` deterministically.
//!
//! The generator builds six demo contracts, a few thousand billing lines written in the
//! providers' real export layouts (Alibaba Cloud 明细账单 in Chinese and English, the OSS
//! bill-subscription zip, Tencent Cloud bill details, Huawei Cloud 资源按账期, Azure EA and
//! MCA cost details, FinOps FOCUS; see `layouts.rs`) as CSV (UTF-8, UTF-8 with BOM, GBK),
//! XLSX and zip files, and a payout ledger with a handful of deliberate mistakes. It then recomputes every expected installment straight from the
//! formulas of docs/ARITHMETIC.md with exact decimals (`rust_decimal`), reconciles the ledger per
//! docs/ARITHMETIC.md, checks that exactly the intended findings come out, and writes the numbers into
//! `samples/README.md` and, machine-readable, `samples/expected.json` (which `tests/it/demo.rs`
//! compares with the auditor's `findings.json`). Nothing here reads the auditor's code.
//!
//! One module per step: `contracts` (the demo contracts), `billing` and `writers` (lines and
//! the files holding them), `arithmetic` (expected installments), `payouts` and `statement`
//! (the ledger and the agent's statement), `reconcile` (the findings they must raise),
//! `billing_audit` (control totals), `readme` and `expected_json` (what the demo promises);
//! the stories added later (`amendments`, `clawbacks`, `projection`, ...) each in their own.
//!
//! Run from the repository root: `cargo run -p make-samples`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};
use serde::Serialize;

mod accruals;
mod amendments;
mod arithmetic;
mod billing;
mod billing_audit;
mod clawbacks;
mod contracts;
mod dates;
mod expected_json;
mod layouts;
mod limitation;
mod money;
mod payouts;
mod projection;
mod readme;
mod reconcile;
mod statement;
mod uscc;
mod writers;
mod zipfile;

use arithmetic::*;
use billing::*;
use billing_audit::*;
use contracts::*;
use dates::*;
use expected_json::*;
use money::*;
use payouts::*;
use readme::*;
use reconcile::*;
use statement::*;
use uscc::*;
use writers::*;

use layouts::{Cv, Layout};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> Res<()> {
    let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = root.canonicalize()?;
    let samples = root.join("samples");
    fs::create_dir_all(&samples)?;
    // the billing tree is fully generated: start from scratch so no stale file survives
    let billing_dir = samples.join("billing");
    if billing_dir.exists() {
        fs::remove_dir_all(&billing_dir)?;
    }
    let as_of = Date::ymd(2026, 6, 30);

    let mut cs = contracts();
    cs.push(limitation::contract());
    let mut files = billing_files();
    files.push(limitation::billing_file());
    assert_eq!(files.len() - 1, limitation::FILE);
    cs.push(projection::contract());
    files.push(projection::billing_file());
    assert_eq!(files.len() - 1, projection::FILE);
    let lines = generate_lines(&cs, &files);
    for f in files.iter().filter(|f| f.totals_row) {
        // the auditor compares a totals row with the rows' signed sum, refunds negative
        assert_eq!(f.refunds, RefundSign::Negative, "{}", f.path);
    }
    let audit = audit_billing(&cs, &files, &lines);

    // the monthly weighted totals must be exactly the round targets
    for (ci, c) in cs.iter().enumerate() {
        let (sy, sm, _) = c.start.parts();
        assert_eq!(audit.monthly[ci].len(), c.monthly.len());
        for (i, target) in c.monthly.iter().enumerate() {
            let key = add_months(sy, sm, i as i64);
            assert_eq!(audit.monthly[ci][&key].1, *target, "{} {key:?}", c.id);
        }
    }

    let mut insts: Vec<Inst> = Vec::new();
    for (ci, c) in cs.iter().enumerate() {
        insts.extend(installments(ci, c, &audit.weighted[ci]));
    }
    let mut payouts = make_payouts(&cs, &insts);
    limitation::ledger_2023(&mut payouts);
    payouts.extend(projection::payouts(&cs, &insts));
    let findings = reconcile(&cs, &mut insts, &payouts, as_of);

    // exactly the intended findings
    let mut got: Vec<(String, &str, Option<&str>)> = findings
        .iter()
        .map(|f| (f.contract.clone(), f.ftype, f.reason))
        .collect();
    got.sort();
    let mut want: Vec<(String, &str, Option<&str>)> = vec![
        ("TX-2025-002".into(), "unpaid", None),
        ("ALI-2024-001".into(), "underpaid", None),
        ("HW-2024-003".into(), "overpaid", None),
        ("TX-2025-002".into(), "late", None),
        ("AZ-2025-004".into(), "mis_invoiced", Some("missing")),
        ("ALI-2024-001".into(), "mis_invoiced", Some("amount")),
        ("HW-2024-003".into(), "mis_invoiced", Some("tax_rate")),
        ("AZ-2025-004".into(), "mis_invoiced", Some("type")),
        ("TX-2025-002".into(), "mis_invoiced", Some("issuer")),
        ("ALI-2024-001".into(), "mis_invoiced", Some("duplicate")),
        ("ALI-2024-001".into(), "mis_invoiced", Some("duplicate")),
        ("HW-2024-003".into(), "mis_invoiced", Some("late_invoice")),
        ("ALI-2024-010".into(), "unmatched_payout", Some("contract")),
        // the double booking: the installment overpaid, its invoice number twice
        ("TX-2025-002".into(), "overpaid", None),
        (
            "TX-2025-002".into(),
            "duplicate_payout",
            Some("same_booking"),
        ),
        ("TX-2025-002".into(), "mis_invoiced", Some("duplicate")),
        ("TX-2025-002".into(), "mis_invoiced", Some("duplicate")),
    ];
    want.extend(limitation::intended());
    want.extend(clawbacks::findings());
    want.sort();
    assert_eq!(
        got, want,
        "the demo must produce exactly the intended findings"
    );
    // each mistake is on the installment / payout it was planned for
    for f in &findings {
        if let Some(pid) = &f.payout {
            let p = payouts.iter().find(|p| &p.id == pid).expect("payout");
            assert!(
                p.mistake.is_some(),
                "finding on a payout without a mistake: {f:?}"
            );
        }
    }
    // sanity on the demo design
    let n = |ftype: &str| findings.iter().filter(|f| f.ftype == ftype).count();
    assert_eq!(n("clawback"), 0);
    assert!(
        insts.iter().all(|i| projection::own(cs[i.contract].id)
            || i.due
                .is_none_or(|d| d.plus(cs[i.contract].grace_days) < as_of)),
        "every due installment is past its deadline at as_of (but the open year's)"
    );
    // catch-up: ALI-2024-001 2025-04 carries more than the period's own volume at the top rate
    let apr = insts
        .iter()
        .find(|i| i.contract == 0 && i.pstart == Date::ymd(2025, 4, 1))
        .expect("split period");
    assert_eq!(apr.pend, Date::ymd(2025, 4, 30));
    assert!(apr.e > apr.w * dec("0.22"));
    // cap binds: TX-2025-002 earns exactly the cap
    assert_eq!(
        insts
            .iter()
            .filter(|i| i.contract == 1)
            .map(|i| i.e)
            .sum::<Decimal>(),
        k(90)
    );

    write_billing(&samples, &files, &lines)?;
    write_contracts(&samples, &cs)?;
    write_payouts(&samples, &payouts)?;
    let (statement, rds_left_out) = statement_lines(&cs, &lines, &insts);
    write_statements(&samples, &statement)?;
    let readme = write_readme(
        &samples, &cs, &files, &lines, &audit, &insts, &payouts, &findings, as_of,
    )?;
    let readme = statement_section(&samples, readme, &statement, rds_left_out)?;
    let readme = clawbacks::section(&samples, readme)?;
    let readme = projection::section(&samples, readme, &cs, &audit, as_of)?;
    let readme = accruals::readme_section(&samples, readme)?;
    let expected = write_expected(
        &samples, &cs, &files, &lines, &audit, &insts, &payouts, &findings, as_of,
    )?;

    println!("wrote samples/ under {}", root.display());
    println!(
        "  {} billing rows in {} files, {} contracts, {} installments, {} payouts, {} findings",
        lines.len(),
        files.len(),
        cs.len(),
        insts.len(),
        payouts.len(),
        findings.len()
    );
    for i in &insts {
        println!(
            "  {:<13} {} #{} W={:>14} E={:>12} due={}",
            cs[i.contract].id,
            span_text(i.pstart, i.pend),
            i.no,
            grp(i.w),
            grp(i.e),
            i.due.map_or("conditional".into(), |d| d.iso())
        );
    }
    println!("  README.md: {} bytes", readme.len());
    println!("  expected.json: {} bytes", expected.len());
    Ok(())
}
