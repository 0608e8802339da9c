//! Issue 13's mutation suite: the mistakes people make typing the demo's contract
//! workbook (`samples/contracts.xlsx`) and payout ledger (`samples/payouts.xlsx`) by
//! hand, and the ways bills (`samples/billing/`) get damaged between the console and the
//! auditor, each with the outcome it must have:
//!
//! - `Stops`: exit 2, naming the cell (`file:sheet:row:column`), what was found and
//!   expected (the did-you-mean where there is a close name), one problem per cause;
//! - `Warns`: a named finding about the mutated place (and the amounts kept, unless the
//!   mutation takes an amount away, `moves`);
//! - `Unchanged`: the mistake is understood — every amount as in the unmutated run, and
//!   no new warning.
//!
//! A name starting `1.`…`9.` is the issue's item. Rows are numbered as the spreadsheet
//! numbers them (row 1 the header): in `contracts`, row 2 is ALI-2024-001, 3 TX-2025-002,
//! 4 HW-2024-003, 5 AZ-2025-004, 6 ALI-2025-005, 7 ALI-2025-006; in `payouts`, row N is
//! payout RB-(N−1). `every_mutation_has_its_outcome` prints the whole table when one
//! differs; `no_mutation_changes_an_amount_silently` holds whatever the table says.

use super::book::{
    self, V, add_bom, bare_serial, blank_line, cached_formula, chinese_date, crlf, cut_end,
    drop_field, formula, move_field_last, set_field, slash_date, strip_bom, text, yuan,
};
use super::harness::{
    Edit, Mutation, Outcome, Run, Stops, Unchanged, brief, check, describe, moves, new_findings,
    no_silent_change, run_all, unmutated, warns,
};
use serde_json::Value;
use std::sync::OnceLock;

use Edit::{Bill, Billing, Contracts, Payouts};

const TENCENT: &str = "tencent/tencent-2025.csv";
const PUJIANG: &str = "aliyun/pujiang-retail-2025.csv";
const HUAWEI: &str = "huawei/huawei-2024-2025-gbk.csv";
const ALIYUN_2024: &str = "aliyun/aliyun-bill-2024.csv";
const FOCUS: &str = "focus/aliyun-focus-2025-2026.csv";

fn m(name: &'static str, edit: Edit, expect: Outcome) -> Mutation {
    Mutation { name, edit, expect }
}

/// The table: at least 60 mistakes, the issue's nine items first. One mutation: its name,
/// its edit, its outcome (kept one per few lines, hence no rustfmt).
#[rustfmt::skip]
fn mutations() -> Vec<Mutation> {
    vec![
        // 1. A products entry that matches no product.
        m("1. products: `rsd` for `rds` (ALI-2024-001, coefficient 0.5)",
          Contracts(|b| b.set("products", "B4", text("rsd"))),
          Stops { cell: "contracts.xlsx:products:4:product|产品", says: &["rsd", "rds"] }),
        m("1. products: `ecss` for `ecs`",
          Contracts(|b| b.set("products", "B2", text("ecss"))),
          Stops { cell: "contracts.xlsx:products:2:product|产品", says: &["ecss", "ecs"] }),
        m("1. products: `RDS` in capitals",
          Contracts(|b| b.set("products", "B4", text("RDS"))),
          Unchanged),
        m("1. products: ` rds ` with spaces around",
          Contracts(|b| b.set("products", "B4", text(" rds "))),
          Unchanged),
        m("1. products: Tencent's `云数据库MySQL` (an alias, no space)",
          Contracts(|b| b.set("products", "B8", text("云数据库MySQL"))),
          Unchanged),
        m("1. products: a known product not billed (`cdn`, coefficient 0) added",
          Contracts(|b| { b.duplicate_row("products", 5); b.set("products", "B6", text("cdn")); }),
          Unchanged),
        m("1. sheet `products` named `prodcuts`",
          Contracts(|b| b.rename_sheet("products", "prodcuts")),
          Stops { cell: "contracts.xlsx", says: &["prodcuts", "products"] }),
        // 2. An unreadable optional invoice field keeps the payout.
        m("2. invoice_type `VAT special` (RB-0001)",
          Payouts(|b| b.set("payouts", "M2", text("VAT special"))),
          Unchanged),
        m("2. invoice_type `专票` (RB-0002)",
          Payouts(|b| b.set("payouts", "M3", text("专票"))),
          Unchanged),
        m("2. invoice_type `see attachment` (RB-0018)",
          Payouts(|b| b.set("payouts", "M19", text("see attachment"))),
          warns(
              "mis_invoiced",
              Some("type"),
              "payouts.xlsx:payouts:19",
              &["RB-0018", "see attachment"],
          )),
        m("2. invoice_tax_rate `六个点` (RB-0022)",
          Payouts(|b| b.set("payouts", "L23", text("六个点"))),
          warns("mis_invoiced", Some("tax_rate"), "payouts.xlsx:payouts:23", &["RB-0022", "六个点"])),
        m("2. invoice_date `待开` (RB-0013)",
          Payouts(|b| b.set("payouts", "J14", text("待开"))),
          warns(
              "mis_invoiced",
              Some("invoice_date"),
              "payouts.xlsx:payouts:14",
              &["RB-0013", "待开"],
          )),
        m("2. invoice_amount `见附件` (RB-0027)",
          Payouts(|b| b.set("payouts", "K28", text("见附件"))),
          warns("mis_invoiced", Some("amount"), "payouts.xlsx:payouts:28", &["RB-0027", "见附件"])),
        m("2. kind `待确认` (to be confirmed, RB-0006)",
          Payouts(|b| b.set("payouts", "F7", text("待确认"))),
          warns("*", None, "payouts.xlsx:payouts:7", &["待确认"])),
        // 3. A ledger missing a required column stops like a contract workbook.
        m("3. ledger header `paid_date` for `paid_on`",
          Payouts(|b| b.rename_header("payouts", "paid_on", "paid_date")),
          Stops { cell: "payouts.xlsx:payouts:1", says: &["paid_date", "paid_on"] }),
        m("3. ledger header `amont` for `amount`",
          Payouts(|b| b.rename_header("payouts", "amount", "amont")),
          Stops { cell: "payouts.xlsx:payouts:1", says: &["amont", "amount"] }),
        m("3. ledger header `contact_id` for `contract_id`",
          Payouts(|b| b.rename_header("payouts", "contract_id", "contact_id")),
          Stops { cell: "payouts.xlsx:payouts:1", says: &["contact_id", "contract_id"] }),
        // 4. A formula without a cached value stops, naming the cell and the formula.
        m("4. cap `=45000*2` without a cached value (TX-2025-002)",
          Contracts(|b| b.set("contracts", "N3", formula("=45000*2"))),
          Stops { cell: "contracts.xlsx:contracts:3:cap", says: &["45000*2"] }),
        m("4. due_days `=15*2` without a cached value (ALI-2024-001)",
          Contracts(|b| b.set("contracts", "P2", formula("=15*2"))),
          Stops { cell: "contracts.xlsx:contracts:2:due_days", says: &["15*2"] }),
        m("4. tiers `to` `=1000*1000` without a cached value",
          Contracts(|b| b.set("tiers", "C2", formula("=1000*1000"))),
          Stops { cell: "contracts.xlsx:tiers:2:to", says: &["1000*1000"] }),
        m("4. products coefficient `=1/2` without a cached value",
          Contracts(|b| b.set("products", "C4", formula("=1/2"))),
          Stops { cell: "contracts.xlsx:products:4:coefficient|系数", says: &["1/2"] }),
        m("4. ledger amount `=25200-3600` without a cached value (RB-0043)",
          Payouts(|b| b.set("payouts", "D44", formula("=25200-3600"))),
          Stops { cell: "payouts.xlsx:payouts:44:amount", says: &["25200-3600"] }),
        m("4. cap as a formula with its value cached (as Excel saves it)",
          Contracts(|b| b.retype("contracts", "N3", cached_formula)),
          Unchanged),
        m("4. ledger amount as a formula with its value cached",
          Payouts(|b| b.retype("payouts", "D44", cached_formula)),
          Unchanged),
        // 5. Merged cells take the merged area's value.
        m("5. due_days merged over ALI-2025-005 and ALI-2025-006 (both 30)",
          Contracts(|b| b.merge("contracts", "P6:P7")),
          Unchanged),
        m("5. tier_basis `period` merged over four contracts",
          Contracts(|b| b.merge("contracts", "L4:L7")),
          Unchanged),
        m("5. currency `CNY` merged over every contract",
          Contracts(|b| b.merge("contracts", "J2:J7")),
          Unchanged),
        m("5. tiers: contract_id merged over its three brackets",
          Contracts(|b| b.merge("tiers", "A2:A4")),
          Unchanged),
        m("5. products: 合同编号 merged over its four products",
          Contracts(|b| b.merge("products", "A2:A5")),
          Unchanged),
        m("5. schedule: contract_id merged over its two installments",
          Contracts(|b| b.merge("schedule", "A6:A7")),
          Unchanged),
        m("5. ledger: contract_id and paid_on merged over RB-0038 and RB-0039",
          Payouts(|b| { b.merge("payouts", "B39:B40"); b.merge("payouts", "C39:C40"); }),
          Unchanged),
        // 6. Damaged bills: the damaged row is rejected, not misread, not the file.
        m("6. bill cut inside its last column, no final line break (`…,4034.26` → `…,403`)",
          Bill(TENCENT, |bytes| { move_field_last(bytes, 28); cut_end(bytes, 11); }),
          moves("rejected_row", None, "tencent-2025.csv:307", &[])),
        m("6. bill cut inside `Bill Month`, no final line break (`2025-12` → `2025-1`)",
          Bill(TENCENT, |bytes| cut_end(bytes, 2)),
          moves("rejected_row", None, "tencent-2025.csv:307", &[])),
        m("6. UTF-8 bill with one bad byte on row 100 (byte 46198)",
          Bill(PUJIANG, |bytes| {
              let at = book::offset_in_line(bytes, 100, "云");
              bytes.splice(at..at + 3, [0xFF]);
          }),
          moves("rejected_row", None, "pujiang-retail-2025.csv:100", &["46198"])),
        m("6. UTF-8 bill cut inside a character (byte 124628, row 267)",
          Bill(PUJIANG, |bytes| cut_end(bytes, 86)),
          moves("rejected_row", None, "pujiang-retail-2025.csv:267", &["124628"])),
        m("6. UTF-8 bill without BOM cut inside a character (byte 73414, row 132)",
          Bill(FOCUS, |bytes| cut_end(bytes, 4409)),
          moves("rejected_row", None, "aliyun-focus-2025-2026.csv:132", &["73414"])),
        m("6. UTF-8 bill without BOM with one bad byte on row 50 (byte 27662)",
          Bill(FOCUS, |bytes| {
              let at = book::offset_in_line(bytes, 50, "苏");
              bytes.splice(at..at + 3, [0xFF]);
          }),
          moves("rejected_row", None, "aliyun-focus-2025-2026.csv:50", &["27662"])),
        // 7. Enumerations in the words finance people write; one error per cause.
        m("7. settlement `季度` (ALI-2024-001)",
          Contracts(|b| b.set("contracts", "O2", text("季度"))),
          Unchanged),
        m("7. settlement `月度` (TX-2025-002)",
          Contracts(|b| b.set("contracts", "O3", text("月度"))),
          Unchanged),
        m("7. settlement `年度` (ALI-2025-006)",
          Contracts(|b| b.set("contracts", "O7", text("年度"))),
          Unchanged),
        m("7. settlement `Quarterly` (HW-2024-003)",
          Contracts(|b| b.set("contracts", "O4", text("Quarterly"))),
          Unchanged),
        m("7. settlement ` quarterly ` (AZ-2025-004)",
          Contracts(|b| b.set("contracts", "O5", text(" quarterly "))),
          Unchanged),
        m("7. settlement full-width `ｑｕａｒｔｅｒｌｙ` (ALI-2024-001)",
          Contracts(|b| b.set("contracts", "O2", text("ｑｕａｒｔｅｒｌｙ"))),
          Unchanged),
        m("7. tier_mode `累进` (marginal, TX-2025-002)",
          Contracts(|b| b.set("contracts", "M3", text("累进"))),
          Unchanged),
        m("7. tier_mode `全额` (retroactive, ALI-2024-001)",
          Contracts(|b| b.set("contracts", "M2", text("全额"))),
          Unchanged),
        m("7. tier_basis `CONTRACT_YEAR`",
          Contracts(|b| b.set("contracts", "L2", text("CONTRACT_YEAR"))),
          Unchanged),
        m("7. base `净额` (net)",
          Contracts(|b| b.set("contracts", "K2", text("净额"))),
          Unchanged),
        m("7. invoice `专票` (vat_special)",
          Contracts(|b| b.set("contracts", "S2", text("专票"))),
          Unchanged),
        m("7. invoice `VAT Special`",
          Contracts(|b| b.set("contracts", "S3", text("VAT Special"))),
          Unchanged),
        m("7. payout_kind `现金` (cash)",
          Contracts(|b| b.set("contracts", "V2", text("现金"))),
          Unchanged),
        m("7. schedule trigger `结算` and `续约` (HW-2024-003)",
          Contracts(|b| {
              b.set("schedule", "C2", text("结算"));
              b.set("schedule", "C3", text("续约"));
          }),
          Unchanged),
        m("7. ledger kind `现金` and `Cash`",
          Payouts(|b| {
              b.set("payouts", "F2", text("现金"));
              b.set("payouts", "F3", text("Cash"));
          }),
          Unchanged),
        m("7. settlement `quartely` (misspelt)",
          Contracts(|b| b.set("contracts", "O2", text("quartely"))),
          Stops {
              cell: "contracts.xlsx:contracts:2:settlement",
              says: &["quartely", "quarterly"],
          }),
        m("7. header `tier_mod` for `tier_mode`: one error, no cascade",
          Contracts(|b| b.rename_header("contracts", "tier_mode", "tier_mod")),
          Stops { cell: "contracts.xlsx:contracts:1", says: &["tier_mod", "tier_mode"] }),
        m("7. tiers rate `15` for 15%: one error, none about brackets",
          Contracts(|b| b.set("tiers", "D2", V::Num(15.0))),
          Stops { cell: "contracts.xlsx:tiers:2:rate", says: &["15"] }),
        m("7. sheet `tiers` named `teirs`",
          Contracts(|b| b.rename_sheet("tiers", "teirs")),
          Stops { cell: "contracts.xlsx", says: &["teirs", "tiers"] }),
        // 8. Overpayments get their likely cause (amounts move: the payout is changed).
        m("8. TX-2025-002 October paid as if the cap were ignored (15,000)",
          Payouts(|b| {
              b.set("payouts", "D31", V::Num(15_000.0));
              b.set("payouts", "K31", V::Num(15_000.0));
          }),
          moves("overpaid", None, "", &["RB-0030"]).with_cause()),
        // 9. Headlines: a late payment on a contract without an interest rate.
        m("9. AZ-2025-004 2025-Q4 paid late (no late_interest in the contract)",
          Payouts(|b| b.set("payouts", "C37", V::Date(46101.0))),
          moves("late", None, "", &["RB-0036"])),
        // Our own: the contract workbook.
        m("contracts.xlsx rewritten as it is",
          Contracts(|_| {}),
          Unchanged),
        m("start `2024/5/1` as text",
          Contracts(|b| b.retype("contracts", "H2", slash_date)),
          Unchanged),
        m("end `2025年12月31日` as text",
          Contracts(|b| b.retype("contracts", "I3", chinese_date)),
          Unchanged),
        m("renewed_on as a bare serial number (column formatted General)",
          Contracts(|b| b.retype("contracts", "R4", bare_serial)),
          Unchanged),
        m("cap `¥90,000.00` as text",
          Contracts(|b| b.retype("contracts", "N3", yuan)),
          Unchanged),
        m("tax_rate `6%` as text",
          Contracts(|b| b.set("contracts", "T2", text("6%"))),
          Unchanged),
        m("late_interest `万分之五`",
          Contracts(|b| b.set("contracts", "U2", text("万分之五"))),
          Unchanged),
        m("late_interest `0.05` for 0.05% a day (5% a day as typed)",
          Contracts(|b| b.set("contracts", "U2", text("0.05"))),
          Stops { cell: "contracts.xlsx:contracts:2:late_interest", says: &["0.05", "0.05%"] }),
        m("late_interest the number 0.05 for 0.05% a day",
          Contracts(|b| b.set("contracts", "U2", V::Num(0.05))),
          Stops { cell: "contracts.xlsx:contracts:2:late_interest", says: &["0.05", "0.05%"] }),
        m("invoice_no a 20-digit number in a number cell (RB-0001)",
          Payouts(|b| b.set("payouts", "I2", V::Num(12_345_678_901_234_567_890.0))),
          warns("rejected_row", Some("unread_cell"), "payouts.xlsx:payouts:2", &["RB-0001", "15 digits"])),
        m("currency `RMB` and `人民币`",
          Contracts(|b| {
              b.set("contracts", "J2", text("RMB"));
              b.set("contracts", "J3", text("人民币"));
          }),
          Unchanged),
        m("accounts separated by `，` (TX-2025-002)",
          Contracts(|b| b.set("contracts", "G3", text("100012345678，100012345690"))),
          Unchanged),
        m("accounts one per line in the cell (HW-2024-003)",
          Contracts(|b| b.set("contracts", "G4", text("cdtf-prod\ncdtf-bigdata"))),
          Unchanged),
        m("column `cap` moved to the end",
          Contracts(|b| b.move_column_last("contracts", "cap")),
          Unchanged),
        m("headers in Chinese (合同编号, 云厂商, 账号, …)",
          Contracts(|b| {
              for (english, chinese) in [
                  ("contract_id", "合同编号"),
                  ("provider", "云厂商"),
                  ("accounts", "账号"),
                  ("start", "开始日期"),
                  ("end", "结束日期"),
                  ("tier_basis", "阶梯口径"),
                  ("tier_mode", "阶梯方式"),
                  ("settlement", "结算周期"),
                  ("due_days", "付款期限"),
              ] {
                  b.rename_header("contracts", english, chinese);
              }
          }),
          Unchanged),
        m("headers `Due Days` and `TIER_BASIS`",
          Contracts(|b| {
              b.rename_header("contracts", "due_days", "Due Days");
              b.rename_header("contracts", "tier_basis", "TIER_BASIS");
          }),
          Unchanged),
        m("sheets named in Chinese (阶梯, 产品系数, 分期)",
          Contracts(|b| {
              b.rename_sheet("tiers", "阶梯");
              b.rename_sheet("products", "产品系数");
              b.rename_sheet("schedule", "分期");
          }),
          Unchanged),
        m("an empty row between two contracts",
          Contracts(|b| b.insert_blank_row("contracts", 4)),
          Unchanged),
        m("products coefficient `50%` (a number is asked for)",
          Contracts(|b| b.set("products", "C4", text("50%"))),
          Stops { cell: "contracts.xlsx:products:4:coefficient|系数", says: &["50%"] }),
        m("start `2024.5.1` as text",
          Contracts(|b| b.set("contracts", "H2", text("2024.5.1"))),
          Unchanged),
        m("start `5/1/2024` (month or day first?)",
          Contracts(|b| b.set("contracts", "H2", text("5/1/2024"))),
          Stops { cell: "contracts.xlsx:contracts:2:start", says: &["5/1/2024"] }),
        m("cap `9万` (Chinese units)",
          Contracts(|b| b.set("contracts", "N3", text("9万"))),
          Stops { cell: "contracts.xlsx:contracts:3:cap", says: &["9万"] }),
        m("due_days `30天`",
          Contracts(|b| b.set("contracts", "P2", text("30天"))),
          Stops { cell: "contracts.xlsx:contracts:2:due_days", says: &["30天"] }),
        m("tiers from `100万`: one error, none about brackets",
          Contracts(|b| b.set("tiers", "B3", text("100万"))),
          Stops { cell: "contracts.xlsx:tiers:3:from", says: &["100万"] }),
        m("tiers rate `15%` as text",
          Contracts(|b| b.set("tiers", "D2", text("15%"))),
          Unchanged),
        m("tax_rate `6` for 6%",
          Contracts(|b| b.set("contracts", "T2", V::Num(6.0))),
          Stops { cell: "contracts.xlsx:contracts:2:tax_rate", says: &["6"] }),
        m("tiers contract_id `ali-2024-001` in lower case: one error",
          Contracts(|b| b.set("tiers", "A2", text("ali-2024-001"))),
          Stops { cell: "contracts.xlsx:tiers:2:contract_id", says: &["ali-2024-001"] }),
        m("a contract row duplicated",
          Contracts(|b| b.duplicate_row("contracts", 3)),
          Stops { cell: "contracts.xlsx:contracts:4:contract_id", says: &["TX-2025-002"] }),
        m("a tiers row duplicated",
          Contracts(|b| b.duplicate_row("tiers", 3)),
          Stops { cell: "contracts.xlsx:tiers:4", says: &["ALI-2024-001"] }),
        m("a products row repeated with another coefficient",
          Contracts(|b| { b.duplicate_row("products", 4); b.set("products", "C5", V::Num(1.0)); }),
          Stops { cell: "contracts.xlsx:products:5:product|产品", says: &["rds"] }),
        m("accounts separated by `、` (TX-2025-002)",
          Contracts(|b| b.set("contracts", "G3", text("100012345678、100012345690"))),
          Unchanged),
        // Our own: the payout ledger.
        m("payouts.xlsx rewritten as it is",
          Payouts(|_| {}),
          Unchanged),
        m("paid_on `2024/7/19` as text (RB-0001)",
          Payouts(|b| b.retype("payouts", "C2", slash_date)),
          Unchanged),
        m("paid_on `2024年10月19日` as text (RB-0002)",
          Payouts(|b| b.retype("payouts", "C3", chinese_date)),
          Unchanged),
        m("paid_on and invoice_date as bare serial numbers (RB-0003)",
          Payouts(|b| {
              b.retype("payouts", "C4", bare_serial);
              b.retype("payouts", "J4", bare_serial);
          }),
          Unchanged),
        m("amount and invoice_amount `¥45,000.00` as text (RB-0001)",
          Payouts(|b| { b.retype("payouts", "D2", yuan); b.retype("payouts", "K2", yuan); }),
          Unchanged),
        m("offset amount `¥4,321.74` as text (RB-0012)",
          Payouts(|b| b.retype("payouts", "D13", yuan)),
          Unchanged),
        m("currency `RMB` and `cny`",
          Payouts(|b| {
              b.set("payouts", "E2", text("RMB"));
              b.set("payouts", "E3", text("cny"));
          }),
          Unchanged),
        m("period `2025年3月` (RB-0006)",
          Payouts(|b| b.set("payouts", "G7", text("2025年3月"))),
          Unchanged),
        m("installment `1` typed as text (RB-0003)",
          Payouts(|b| b.set("payouts", "H4", text("1"))),
          Unchanged),
        m("contract_id with a trailing space (RB-0034)",
          Payouts(|b| b.set("payouts", "B35", text("ALI-2024-001 "))),
          Unchanged),
        m("column `amount` moved to the end",
          Payouts(|b| b.move_column_last("payouts", "amount")),
          Unchanged),
        m("headers in Chinese (流水号, 合同编号, 到账日期, 金额, …)",
          Payouts(|b| {
              for (english, chinese) in [
                  ("payout_id", "流水号"),
                  ("contract_id", "合同编号"),
                  ("paid_on", "到账日期"),
                  ("amount", "金额"),
                  ("currency", "币种"),
                  ("period", "所属期间"),
                  ("invoice_no", "发票号码"),
                  ("invoice_type", "发票类型"),
              ] {
                  b.rename_header("payouts", english, chinese);
              }
          }),
          Unchanged),
        m("an empty row in the ledger",
          Payouts(|b| b.insert_blank_row("payouts", 20)),
          Unchanged),
        m("a payout row duplicated (RB-0013)",
          Payouts(|b| b.duplicate_row("payouts", 14)),
          warns("rejected_row", None, "payouts.xlsx:payouts:15", &["RB-0013"])),
        m("a payout naming `ALI-2024-01` (RB-0028)",
          Payouts(|b| b.set("payouts", "B29", text("ALI-2024-01"))),
          moves("unmatched_payout", Some("contract"), "payouts.xlsx:payouts:29", &["ALI-2024-01"])),
        m("paid_on with a time of day (an Excel date-time, RB-0001)",
          Payouts(|b| b.set("payouts", "C2", V::Date(45492.6))),
          Unchanged),
        m("paid_on `2024-07-19 14:30:00` as text (RB-0001)",
          Payouts(|b| b.set("payouts", "C2", text("2024-07-19 14:30:00"))),
          Unchanged),
        m("amount with floating-point noise (4321.740000001, RB-0012)",
          Payouts(|b| b.set("payouts", "D13", V::Num(4321.74 + 1e-9))),
          Unchanged),
        m("period `2024Q3` and `2024-q4` (RB-0003, RB-0005)",
          Payouts(|b| {
              b.set("payouts", "G4", text("2024Q3"));
              b.set("payouts", "G6", text("2024-q4"));
          }),
          Unchanged),
        m("period `2025-3` (RB-0006)",
          Payouts(|b| b.set("payouts", "G7", text("2025-3"))),
          Unchanged),
        m("invoice_issuer in lower case (RB-0001)",
          Payouts(|b| b.set("payouts", "N2", text("91330106ma2gl3xk1l"))),
          Unchanged),
        m("invoice_tax_rate `6` for 6% (RB-0001)",
          Payouts(|b| b.set("payouts", "L2", V::Num(6.0))),
          warns("mis_invoiced", Some("tax_rate"), "payouts.xlsx:payouts:2", &["RB-0001"])),
        m("amount in full-width digits `４５０００` (RB-0001)",
          Payouts(|b| b.set("payouts", "D2", text("４５０００"))),
          moves("rejected_row", None, "payouts.xlsx:payouts:2:amount", &["４５０００"])),
        m("payout_id left blank (RB-0013)",
          Payouts(|b| b.set("payouts", "A14", V::Blank)),
          moves("rejected_row", None, "payouts.xlsx:payouts:14:payout_id", &[])),
        m("contract_id `ali-2024-001` in lower case (RB-0034)",
          Payouts(|b| b.set("payouts", "B35", text("ali-2024-001"))),
          moves(
              "unmatched_payout",
              Some("contract"),
              "payouts.xlsx:payouts:35",
              &["ali-2024-001"],
          )),
        // Our own: the bills.
        m("bill with CRLF line ends",
          Bill(TENCENT, crlf),
          Unchanged),
        m("bill without its BOM",
          Bill(TENCENT, strip_bom),
          Unchanged),
        m("bill with a BOM added",
          Bill(ALIYUN_2024, add_bom),
          Unchanged),
        m("GBK bill saved again as UTF-8",
          Bill(HUAWEI, |bytes| {
              let (text, _, bad) = encoding_rs::GBK.decode(bytes);
              assert!(!bad);
              *bytes = text.into_owned().into_bytes();
          }),
          Unchanged),
        m("bill column `Currency` moved to the end",
          Bill(TENCENT, |bytes| move_field_last(bytes, 30)),
          Unchanged),
        m("bill amount `\"¥2,269.35\"` as Excel shows it (row 10)",
          Bill(TENCENT, |bytes| set_field(bytes, 10, 28, "\"¥2,269.35\"")),
          Unchanged),
        m("bill currency `cny` and `RMB` (rows 10, 11)",
          Bill(TENCENT, |bytes| {
              set_field(bytes, 10, 30, "cny");
              set_field(bytes, 11, 30, "RMB");
          }),
          Unchanged),
        m("bill account id with spaces around (row 10)",
          Bill(TENCENT, |bytes| set_field(bytes, 10, 0, " 100012345678 ")),
          Unchanged),
        m("bill with an empty line in the middle",
          Bill(TENCENT, |bytes| blank_line(bytes, 100)),
          Unchanged),
        m("bill amount `\"2,269.35\"` with a thousands separator (row 10)",
          Bill(TENCENT, |bytes| set_field(bytes, 10, 28, "\"2,269.35\"")),
          Unchanged),
        m("bill month `2025/1` (row 10)",
          Bill(TENCENT, |bytes| set_field(bytes, 10, 31, "2025/1")),
          Unchanged),
        m("bill account id as Excel shows it, `1.00012E+11` (row 10)",
          Bill(TENCENT, |bytes| set_field(bytes, 10, 0, "1.00012E+11")),
          moves("*", None, "tencent-2025.csv:10", &["1.00012E+11"])),
        // Issue 14: a billing folder's files are told by their bytes, so a notes file is
        // text, read as a table no format recognises, and named in a finding — never
        // skipped unseen (it was, before, for its `.txt` name).
        m("a notes file `说明.txt` in the billing folder (text: read, recognised as no bill)",
          Billing("说明.txt", |billing| {
              std::fs::write(billing.join("说明.txt"), "请勿修改\n").unwrap();
          }),
          warns("rejected_row", None, "说明.txt", &[])),
        m("Excel's lock file `~$bill.xlsx` in the billing folder",
          Billing("~$bill.xlsx", |billing| {
              std::fs::write(billing.join("~$bill.xlsx"), [0u8; 165]).unwrap();
          }),
          Unchanged),
        m("a notes file `notes.csv` in the billing folder",
          Billing("notes.csv", |billing| {
              std::fs::write(
                  billing.join("notes.csv"),
                  "2025年账单,请勿修改\n下载人: 财务部 王五\n",
              )
              .unwrap();
          }),
          warns("rejected_row", None, "notes.csv", &[])),
        m("bill without its `Product Name` column",
          Bill(TENCENT, |bytes| drop_field(bytes, 3)),
          Stops { cell: "tencent-2025.csv:1", says: &["Product Name"] }),
        m("bill header `Total Amount After Discout`",
          Bill(TENCENT, |bytes| { set_field(bytes, 1, 28, "Total Amount After Discout"); }),
          Stops {
              cell: "tencent-2025.csv:1",
              says: &["Total Amount After Discout", "Total Amount After Discount"],
          }),
    ]
}

/// The unmutated run and every mutation's run, made once for both tests.
fn runs() -> &'static (Value, Vec<Mutation>, Vec<Run>) {
    static RUNS: OnceLock<(Value, Vec<Mutation>, Vec<Run>)> = OnceLock::new();
    RUNS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let before = unmutated(dir.path()).json.unwrap();
        let mutations = mutations();
        let runs = run_all(&mutations);
        (before, mutations, runs)
    })
}

#[test]
fn the_table_has_at_least_sixty_mistakes_and_every_item_of_the_issue() {
    let mutations = mutations();
    assert!(mutations.len() >= 60, "{}", mutations.len());
    for item in 1..=9 {
        let prefix = format!("{item}. ");
        assert!(
            mutations
                .iter()
                .any(|mutation| mutation.name.starts_with(&prefix)),
            "no mutation for item {item}"
        );
    }
}

#[test]
fn every_mutation_has_its_outcome() {
    let (before, mutations, runs) = runs();
    let mut table = String::new();
    let mut failed = 0;
    for (index, (mutation, run)) in mutations.iter().zip(runs).enumerate() {
        let verdict = check(before, mutation, run);
        failed += usize::from(verdict.is_err());
        table += &format!(
            "{:>3} {} {}\n      expected: {}\n      actual:   {}\n",
            index + 1,
            if verdict.is_ok() { "ok  " } else { "DIFF" },
            mutation.name,
            mutation.expect,
            describe(before, &mutation.edit, run),
        );
        if let Err(why) = verdict {
            table += &format!("      why:      {why}\n");
        }
        // `MUTATION_SHOW=rsd cargo test --test it typos::` prints what those runs said.
        if std::env::var("MUTATION_SHOW").is_ok_and(|part| mutation.name.contains(&part)) {
            println!("{}\n{}", mutation.name, run.stderr);
            for finding in run.json.iter().flat_map(|json| new_findings(before, json)) {
                println!("  {}: {}", brief(finding), finding["detail"]);
            }
        }
    }
    assert!(
        failed == 0,
        "{failed} of {} mutations differ from their expected outcome:\n{table}",
        mutations.len()
    );
}

#[test]
fn no_mutation_changes_an_amount_silently() {
    let (before, mutations, runs) = runs();
    let silent: Vec<String> = mutations
        .iter()
        .zip(runs)
        .filter_map(|(mutation, run)| {
            no_silent_change(before, mutation, run)
                .err()
                .map(|changes| format!("{}:\n        {changes}", mutation.name))
        })
        .collect();
    assert!(
        silent.is_empty(),
        "{} mutation(s) changed amounts without stopping and without a finding about the \
         mutated place:\n{}",
        silent.len(),
        silent.join("\n")
    );
}
