//! Worked sentences: every kind of finding, likely cause and due-date rule, built from the
//! facts of a small worked example (a quarterly contract C1 in CNY, its Q2 installment
//! expecting 11,000.00, payouts P1 and P7 of 10,600.00 on 2025-05-10, a five-row bill),
//! checked word for word in English and in Chinese.

use super::*;
use crate::domain::contract::{Base, InvoiceKind, TierMode};
use crate::domain::finding::{
    About, CauseCode, Fact, FindingType, InvoiceIssue, Mistake, Neighbour, Reason,
};
use crate::domain::location::Location;
use crate::domain::period::{PeriodRef, YearMonth};
use crate::domain::test_support::{d, day};

mod causes;
mod chinese_everywhere;
mod claim_expiry;
mod formula_share;
mod interest;
mod shortfall_causes;

/// An English and a Chinese sentence, as `said` returns them.
fn pair(en: &str, zh: &str) -> (String, String) {
    (en.to_string(), zh.to_string())
}

/// The sentence of `finding` in English and in Chinese.
fn said(finding: &Finding) -> (String, String) {
    (detail(finding, Lang::En), detail(finding, Lang::Zh))
}

fn assert_said(finding: &Finding, en: &str, zh: &str) {
    let (english, chinese) = said(finding);
    assert_eq!(english, en);
    assert_eq!(chinese, zh);
}

fn q2() -> DateRange {
    DateRange {
        first: day("2025-04-01"),
        last: day("2025-06-30"),
    }
}

/// Installment 1 of C1's second quarter, due 2025-07-30, audited on 2026-06-30.
fn installment(kind: FindingType, expected: &str, paid: &str) -> Finding {
    let fact = Fact {
        contract_id: Some("C1"),
        period_start: Some(q2().first),
        installment: Some(1),
        ..Fact::default()
    };
    let about = About::Installment {
        currency: "CNY".into(),
        as_of: day("2026-06-30"),
        charges_interest: true,
    };
    let mut finding = Finding::new(kind, fact, about);
    finding.period_end = Some(q2().last);
    finding.expected = Some(d(expected));
    finding.paid = Some(d(paid));
    finding.difference = Some(d(paid) - d(expected));
    finding.due_on = Some(day("2025-07-30"));
    finding
}

/// 11,000.00 expected, 5,000.00 paid: the 15% bracket paid at the previous 10%.
fn previous_tier_rate() -> LikelyCause {
    LikelyCause {
        code: CauseCode::PreviousTierRate,
        expected_under_mistake: d("5000.00"),
        installment: 1,
        expected: d("11000.00"),
        portion: None,
        mistake: Mistake::PreviousTierRate {
            reached: d("0.15"),
            lower: d("0.10"),
            volume: d("120000"),
        },
    }
}

#[test]
fn installments_in_both_languages() {
    let overpaid = installment(FindingType::Overpaid, "11000", "12000");
    assert_said(
        &overpaid,
        "Installment 1 of contract C1 for 2025-04-01 to 2025-06-30 received 12,000.00, 1,000.00 more than the 11,000.00 expected.",
        "合同 C1 2025-Q2 期第 1 期返点应付 11,000.00 元，实收 12,000.00 元，多付 1,000.00 元。",
    );
    let mut unpaid = installment(FindingType::Unpaid, "11000", "0");
    unpaid.days_late = Some(300);
    unpaid.interest = Some(d("990"));
    assert_said(
        &unpaid,
        "Installment 1 of contract C1 for 2025-04-01 to 2025-06-30 expected 11,000.00 (due 2025-07-30) and received nothing as of 2026-06-30: 300 days past due, late interest 990.00.",
        "合同 C1 2025-Q2 期第 1 期返点应付 11,000.00 元（2025-07-30 到期），截至 2026-06-30 未收到：逾期 300 天，滞纳金 990.00 元。",
    );
    let mut late = installment(FindingType::Late, "11000", "11000");
    late.paid_on = Some(day("2025-09-08"));
    late.days_late = Some(10);
    late.interest = Some(d("55"));
    assert_said(
        &late,
        "Installment 1 of contract C1 for 2025-04-01 to 2025-06-30 (11,000.00 expected, due 2025-07-30) was completed only on 2025-09-08, 10 days late; late interest 55.00.",
        "合同 C1 2025-Q2 期第 1 期返点应付 11,000.00 元（2025-07-30 到期），直到 2025-09-08 才付清，迟付 10 天，滞纳金 55.00 元。",
    );
    let clawback = installment(FindingType::Clawback, "-500", "0");
    assert_said(
        &clawback,
        "Installment 1 of contract C1 for 2025-04-01 to 2025-06-30 is negative (-500.00): refunds brought the rebate earned below what earlier periods earned, so 500.00 may be owed back to the agent.",
        "合同 C1 2025-Q2 期第 1 期返点为负数（-500.00 元）：退款使累计已赚返点低于前期已结算的金额，代理商可追回 500.00 元。",
    );
}

#[test]
fn a_short_payment_names_its_most_likely_cause() {
    let mut underpaid = installment(FindingType::Underpaid, "11000", "5000");
    underpaid.days_late = Some(300);
    underpaid.interest = Some(d("540"));
    underpaid.evidence.likely_causes = vec![previous_tier_rate()];
    assert_said(
        &underpaid,
        "Installment 1 of contract C1 for 2025-04-01 to 2025-06-30 expected 11,000.00 (due 2025-07-30) but received 5,000.00, short 6,000.00 as of 2026-06-30: 300 days past due, late interest 540.00. Likely cause: 5,000.00 is what installment 1 comes to when the 15% bracket that the tier volume 120,000.00 reached is paid at the previous bracket's rate 10%; at 15% it expects 11,000.00.",
        "合同 C1 2025-Q2 期第 1 期返点应付 11,000.00 元（2025-07-30 到期），截至 2026-06-30 只收到 5,000.00 元，少付 6,000.00 元：逾期 300 天，滞纳金 540.00 元。可能原因：5,000.00为按上一档比例10%计算的第1期次金额；阶梯量120,000.00已达到15%档，应为11,000.00。",
    );
    // A period that is no calendar quarter is named by its days; an installment not yet
    // due says so.
    let mut odd = installment(FindingType::Unpaid, "800", "0");
    odd.period_start = Some(day("2025-05-01"));
    odd.due_on = None;
    let (english, chinese) = said(&odd);
    assert!(
        english.starts_with("Installment 1 of contract C1 for 2025-05-01 to 2025-06-30 expected 800.00 (not yet due)"),
        "{english}"
    );
    assert!(
        chinese.starts_with(
            "合同 C1 2025-05-01 至 2025-06-30 期第 1 期返点应付 800.00 元（尚未到期）"
        ),
        "{chinese}"
    );
}

/// A finding about payout P7 (10,600.00, received 2025-05-10) of contract C1.
fn payout(kind: FindingType, reason: Option<Reason>, about: About) -> Finding {
    let fact = Fact {
        contract_id: Some("C1"),
        payout_id: Some("P7"),
        reason,
        ..Fact::default()
    };
    let mut finding = Finding::new(kind, fact, about);
    finding.paid = Some(d("10600"));
    finding.paid_on = Some(day("2025-05-10"));
    finding
}

#[test]
fn payouts_that_match_nothing_in_both_languages() {
    let cny = || "CNY".to_string();
    let period = payout(
        FindingType::UnmatchedPayout,
        Some(Reason::Period),
        About::UnknownPeriod {
            currency: cny(),
            reference: PeriodRef::Quarter {
                year: 2024,
                quarter: 4,
            },
            term: DateRange {
                first: day("2025-01-01"),
                last: day("2025-12-31"),
            },
        },
    );
    assert_said(
        &period,
        "Payout P7 of 10,600.00 names period 2024-Q4, which is not a settlement period of contract C1 (2025-01-01 to 2025-12-31).",
        "付款 P7（10,600.00 元）注明的所属期间 2024-Q4 不是合同 C1（2025-01-01 至 2025-12-31）的结算期。",
    );
    let number = payout(
        FindingType::UnmatchedPayout,
        Some(Reason::Installment),
        About::UnknownInstallment {
            currency: cny(),
            number: 3,
            installments: 2,
        },
    );
    assert_said(
        &number,
        "Payout P7 of 10,600.00 names installment 3, which the period it pays does not have (contract C1 has installments 1 to 2).",
        "付款 P7（10,600.00 元）注明第 3 期，但它所付的期间没有这一期次（合同 C1 的分期为第 1 至 2 期）。",
    );
    let mut excess = payout(
        FindingType::Overpaid,
        None,
        About::Excess {
            currency: cny(),
            payout_amount: d("10600"),
        },
    );
    excess.paid = Some(d("600"));
    excess.difference = Some(d("600"));
    assert_said(
        &excess,
        "Payout P7 of 10,600.00 on 2025-05-10 found no open installment on contract C1: 600.00 is more than the contract has earned so far.",
        "付款 P7（10,600.00 元，2025-05-10 到账）在合同 C1 上没有未付清的分期可对应：其中 600.00 元 超过了合同迄今应得的返点。",
    );
    let mut stranger = payout(
        FindingType::UnmatchedPayout,
        Some(Reason::Contract),
        About::UnknownContract {
            currency: "USD".into(),
            named: "C9".into(),
        },
    );
    stranger.contract_id = None;
    assert_said(
        &stranger,
        "Payout P7 of 10,600.00 on 2025-05-10 names contract C9, which is not in the contract workbook.",
        "付款 P7（10,600.00 USD，2025-05-10 到账）注明的合同 C9 不在合同表中。",
    );
    let currency = payout(
        FindingType::CurrencyMismatch,
        Some(Reason::Payout),
        About::PayoutCurrency {
            found: "USD".into(),
            expected: "CNY".into(),
        },
    );
    assert_said(
        &currency,
        "Payout P7 of 10,600.00 USD is not in contract C1's currency CNY; it was not matched to any installment.",
        "付款 P7（10,600.00 USD）与合同 C1 的币种 CNY 不符，未匹配到任何分期。",
    );
}

/// Invoice 0451 on payout P1 (10,600.00, received 2025-05-10) of contract C1.
fn invoice(issue: InvoiceIssue) -> (String, String) {
    let mut finding = payout(
        FindingType::MisInvoiced,
        Some(Reason::Amount),
        About::Invoice {
            currency: "CNY".into(),
            issue,
        },
    );
    finding.payout_id = Some("P1".into());
    said(&finding)
}

#[test]
fn invoice_problems_in_both_languages() {
    let number = || "0451".to_string();
    let cases = [
        (
            InvoiceIssue::Missing {
                required: InvoiceKind::VatSpecial,
            },
            "Payout P1 of 10,600.00 has no invoice; contract C1 requires a vat_special invoice for every cash payout.",
            "付款 P1（10,600.00 元）没有发票；合同 C1 要求每笔现金返点都开具增值税专用发票。",
        ),
        (
            InvoiceIssue::Amount {
                number: number(),
                found: Some(d("10000")),
            },
            "Invoice 0451 on payout P1 shows 10,000.00 but the payout is 10,600.00.",
            "付款 P1 的发票 0451 金额为 10,000.00 元，但付款金额为 10,600.00 元。",
        ),
        (
            InvoiceIssue::Amount {
                number: number(),
                found: None,
            },
            "Invoice 0451 on payout P1 shows no amount but the payout is 10,600.00.",
            "付款 P1 的发票 0451 金额为 空，但付款金额为 10,600.00 元。",
        ),
        (
            InvoiceIssue::TaxRate {
                number: number(),
                found: Some(d("0.13")),
                expected: d("0.06"),
            },
            "Invoice 0451 on payout P1 carries VAT 13% but contract C1 calls for 6%.",
            "付款 P1 的发票 0451 税率为 13%，但合同 C1 要求 6%。",
        ),
        (
            InvoiceIssue::Type {
                number: number(),
                found: Some(InvoiceKind::VatGeneral),
                required: InvoiceKind::VatSpecial,
            },
            "Invoice 0451 on payout P1 is vat_general but contract C1 requires vat_special.",
            "付款 P1 的发票 0451 是增值税普通发票，但合同 C1 要求增值税专用发票。",
        ),
        (
            InvoiceIssue::Type {
                number: number(),
                found: None,
                required: InvoiceKind::VatSpecial,
            },
            "Invoice 0451 on payout P1 is of no stated type but contract C1 requires vat_special.",
            "付款 P1 的发票 0451 是未注明类型的发票，但合同 C1 要求增值税专用发票。",
        ),
        (
            InvoiceIssue::Issuer {
                number: number(),
                issuer: "91440300MA5XXXXXXX".into(),
                agent: "Acme Cloud".into(),
                agent_tax_id: "91310000MA1FL0001X".into(),
            },
            "Invoice 0451 on payout P1 was issued by 91440300MA5XXXXXXX, not by the agent Acme Cloud (91310000MA1FL0001X).",
            "付款 P1 的发票 0451 由税号 91440300MA5XXXXXXX 开具，而非代理商 Acme Cloud（91310000MA1FL0001X）。",
        ),
        (
            InvoiceIssue::LateInvoice {
                number: number(),
                dated: Some(day("2025-07-01")),
                window_days: 30,
            },
            "Invoice 0451 on payout P1 is dated 2025-07-01, 52 days after the payout on 2025-05-10 (window 30 days).",
            "付款 P1 的发票 0451 开票日期为 2025-07-01，比 2025-05-10 到账晚 52 天（开票期限 30 天）。",
        ),
        (
            InvoiceIssue::LateInvoice {
                number: number(),
                dated: None,
                window_days: 30,
            },
            "Invoice 0451 on payout P1 has no invoice date.",
            "付款 P1 的发票 0451 没有开票日期。",
        ),
        (
            InvoiceIssue::Duplicate {
                number: number(),
                others: vec!["P9".into(), "P12".into()],
            },
            "Invoice 0451 on payout P1 is also given for payout P9, P12.",
            "付款 P1 的发票 0451 也被用于付款 P9, P12。",
        ),
    ];
    for (issue, en, zh) in cases {
        assert_eq!(invoice(issue), (en.to_string(), zh.to_string()));
    }
}

/// A `rejected_row` finding at `place`.
fn rejected(place: Location, about: About) -> Finding {
    let mut finding = Finding::new(FindingType::RejectedRow, Fact::default(), about);
    finding.evidence.location = Some(place);
    finding
}

#[test]
fn input_files_and_rows_in_both_languages() {
    let bill = || Location::file("bills/bill.csv".into());
    assert_said(
        &rejected(
            bill(),
            About::UnreadableFile {
                error: "bills/bill.csv: not a zip archive".into(),
            },
        ),
        "The file could not be read: bills/bill.csv: not a zip archive",
        "文件无法读取：bills/bill.csv: not a zip archive",
    );
    assert_said(
        &rejected(
            Location::sheet("bills/bill.xlsx".into(), Some("Old".into())),
            About::HiddenSheet,
        ),
        "bills/bill.xlsx:Old: the sheet is hidden, so its rows were not read; unhide it if it holds data for the audit.",
        "bills/bill.xlsx:Old：该工作表已隐藏，其中的行未被读取；如含审计所需数据，请取消隐藏。",
    );
    assert_said(
        &rejected(Location::file("bills/empty.csv".into()), About::EmptyFile),
        "bills/empty.csv: the file holds no table (it is empty or every sheet is blank); an export with no header row is not what was asked for.",
        "bills/empty.csv：文件中没有表格（文件为空或每个工作表都是空白）；没有表头行的导出不是所需的文件。",
    );
    assert_said(
        &rejected(
            Location::sheet(
                "bills/customerBill_202503.tar.gz".into(),
                Some("../x.csv".into()),
            ),
            About::RefusedMember {
                why: crate::domain::finding::MemberRefusal::LeavesArchive,
            },
        ),
        "bills/customerBill_202503.tar.gz:../x.csv: the member is not read: its path leads outside the archive (absolute, or climbing out with `..`); only plain files inside an archive are read, so extract the bills and pass them on their own if it holds data for the audit.",
        "bills/customerBill_202503.tar.gz:../x.csv：未读取该成员：其路径指向压缩包之外（绝对路径，或用 `..` 跳出）；压缩包中只读取普通文件，如含审计所需数据，请解压后单独提供账单文件。",
    );
    assert_said(
        &rejected(
            Location::sheet("bills/b.tar".into(), Some("link.csv".into())),
            About::RefusedMember {
                why: crate::domain::finding::MemberRefusal::Symlink,
            },
        ),
        "bills/b.tar:link.csv: the member is not read: a symbolic link; only plain files inside an archive are read, so extract the bills and pass them on their own if it holds data for the audit.",
        "bills/b.tar:link.csv：未读取该成员：它是符号链接；压缩包中只读取普通文件，如含审计所需数据，请解压后单独提供账单文件。",
    );
    assert_said(
        &rejected(
            bill().at_row(5).at_column("amount"),
            About::RejectedRow {
                message: "amount: expected money, found `x`".into(),
            },
        ),
        "bills/bill.csv:5:amount: amount: expected money, found `x`",
        "bills/bill.csv:5:amount：该行未能读取：原文：amount: expected money, found `x`",
    );
    assert_said(
        &rejected(
            bill(),
            About::MoreRejections {
                file: "bills/bill.csv".into(),
                count: 12,
                listed: 1000,
            },
        ),
        "bills/bill.csv: 12 more rows were rejected; only the first 1000 are listed one by one (the control totals count them all).",
        "bills/bill.csv：另有 12 行被拒绝；只逐条列出前 1000 行（控制合计计入全部行）。",
    );
    assert_said(
        &rejected(
            Location::file("bills/copy.csv".into()),
            About::DuplicateFile {
                first: "bills/bill.csv".into(),
            },
        ),
        "bills/copy.csv: the file is byte for byte the same as bills/bill.csv (same SHA-256); its rows were counted once, not twice",
        "bills/copy.csv：该文件与 bills/bill.csv 完全相同（SHA-256 相同）；其中的行只计算一次，未重复计算",
    );
    // The five rows above the totals row add up to 99,000.00; it states 100,000.00.
    let mut totals = rejected(
        bill().at_row(7),
        About::TotalsMismatch {
            stated: d("100000"),
            rows: 5,
            above: d("99000"),
        },
    );
    totals.amount = Some(d("1000"));
    assert_said(
        &totals,
        "bills/bill.csv:7: the totals row states a net amount of 100,000.00, but the 5 rows above it add up to 99,000.00 (difference 1,000.00); rows may be missing, duplicated or edited.",
        "bills/bill.csv:7：合计行的应付金额为 100,000.00，但其上 5 行合计为 99,000.00（差额 1,000.00）；可能有行缺失、重复或被改动。",
    );
}

/// A billing finding on contract C1 (`None`: no contract) about lines worth `amount`.
fn billing(kind: FindingType, contract: Option<&str>, amount: &str, about: About) -> Finding {
    let fact = Fact {
        contract_id: contract,
        ..Fact::default()
    };
    let mut finding = Finding::new(kind, fact, about);
    finding.amount = Some(d(amount));
    finding
}

#[test]
fn billing_lines_in_both_languages() {
    let march = YearMonth::new(2025, 3).unwrap();
    let uncovered = |rows| {
        billing(
            FindingType::UncoveredBilling,
            None,
            "1250.5",
            About::Uncovered {
                account: "A9".into(),
                month: march,
                currency: "CNY".into(),
                rows,
            },
        )
    };
    assert_said(
        &uncovered(2),
        "Account A9 spent 1,250.50 CNY in 2025-03 (2 lines) but no contract covers it then; no rebate is claimed on it.",
        "账号 A9 在 2025-03 消费 1,250.50 CNY（2 行），但当时没有合同覆盖该账号；这部分消费不计返点。",
    );
    assert!(said(&uncovered(1)).0.contains("(1 line)"));
    assert_said(
        &billing(
            FindingType::CurrencyMismatch,
            Some("C1"),
            "300",
            About::BillingCurrency {
                account: "A1".into(),
                month: march,
                found: "USD".into(),
                expected: "CNY".into(),
                rows: 1,
            },
        ),
        "Account A1 billed 300.00 USD in 2025-03 (1 line), but contract C1 is in CNY; these lines were left out of the rebate base.",
        "账号 A1 在 2025-03 的账单为 300.00 USD（1 行），但合同 C1 的币种是 CNY；这些行未计入返点基数。",
    );
    assert_said(
        &billing(
            FindingType::OverlappingContracts,
            Some("C1"),
            "9000",
            About::Overlap {
                account: "A1".into(),
                other: "C2".into(),
                dates: DateRange {
                    first: day("2025-03-01"),
                    last: day("2025-03-31"),
                },
                rows: 3,
                currency: "CNY".into(),
            },
        ),
        "Account A1 is covered by both C1 and C2 from 2025-03-01 to 2025-03-31 (3 lines, 9,000.00); the lines went to C1 (earliest start, then lowest id).",
        "账号 A1 在 2025-03-01 至 2025-03-31 同时被合同 C1 和 C2 覆盖（3 行，9,000.00 元）；这些行归入 C1（开始日期最早者优先，其次编号最小者）。",
    );
    assert_said(
        &billing(
            FindingType::UnknownProduct,
            Some("C1"),
            "4000",
            About::UnknownProduct {
                product: "gpu-x".into(),
                rows: 2,
                currency: "CNY".into(),
                ruleset: "aliyun".into(),
                weighted: Vec::new(),
            },
        ),
        "Product `gpu-x` (2 lines, 4,000.00) matched no product alias of ruleset aliyun and is not in contract C1's products sheet; it was weighted at coefficient 1.",
        "产品 `gpu-x`（2 行，4,000.00 元）不匹配规则集 aliyun 的任何产品别名，也不在合同 C1 的产品系数表中；已按系数 1 计算。",
    );
    // The contract weights rds at 0.5 and slb at 0: the 1 may be a wrong base (a warning).
    assert_said(
        &billing(
            FindingType::UnknownProduct,
            Some("C1"),
            "4000",
            About::UnknownProduct {
                product: "云数据库 GaussDB".into(),
                rows: 2,
                currency: "CNY".into(),
                ruleset: "huawei".into(),
                weighted: vec![("rds".into(), d("0.50")), ("slb".into(), d("0"))],
            },
        ),
        "Product `云数据库 GaussDB` (2 lines, 4,000.00) matched no product alias of ruleset huawei and is not in contract C1's products sheet; it was weighted at coefficient 1, but C1 weights rds at 0.5, slb at 0: if it is one of those, its weighted base is wrong — add it to the products sheet or to the ruleset's aliases.",
        "产品 `云数据库 GaussDB`（2 行，4,000.00 元）不匹配规则集 huawei 的任何产品别名，也不在合同 C1 的产品系数表中；已按系数 1 计算，但合同 C1 对 rds 按 0.5、slb 按 0 计权：若该产品属于其中之一，加权基数有误——请将其加入产品系数表或规则集的别名。",
    );
}

#[test]
fn due_date_rules_in_both_languages() {
    let end = day("2025-12-31");
    let both = |rule: DueRule| (due_rule(&rule, Lang::En), due_rule(&rule, Lang::Zh));
    assert_eq!(
        both(DueRule::AfterPeriodEnd {
            period_end: end,
            due_days: 30
        }),
        pair(
            "period end 2025-12-31 + 30 due days",
            "期末 2025-12-31 + 30 天"
        )
    );
    assert_eq!(
        both(DueRule::AfterRenewal {
            period_end: end,
            renewed_on: day("2026-02-10"),
            due_days: 30
        }),
        pair(
            "max(period end 2025-12-31, renewed on 2026-02-10) + 30 due days",
            "期末 2025-12-31 与续约日 2026-02-10 中较晚者 + 30 天"
        )
    );
    assert_eq!(
        both(DueRule::MonthAfterPeriodEnd {
            period_end: day("2025-01-31")
        }),
        pair(
            "transparent settlement: the last day of the month after the period end 2025-01-31",
            "透明结算：期末 2025-01-31 的次月最后一天"
        )
    );
    assert_eq!(
        both(DueRule::NotRenewed),
        pair(
            "not due: the contract has not been renewed",
            "合同尚未续约，不到期"
        )
    );
}

#[test]
fn money_carries_its_unit_in_chinese_only() {
    let money =
        |amount: &str, currency: &str, lang: Lang| sentences(lang).money(d(amount), currency);
    assert_eq!(money("12000", "CNY", Lang::En), "12,000.00");
    assert_eq!(money("12000", "CNY", Lang::Zh), "12,000.00 元");
    assert_eq!(money("12000", "cny", Lang::Zh), "12,000.00 元");
    assert_eq!(money("-1250.5", "USD", Lang::Zh), "-1,250.50 USD");
    assert_eq!(money("8000", "", Lang::Zh), "8,000.00");
}

#[test]
fn periods_are_named_as_people_name_them() {
    let label = |first, last| period(day(first), day(last), Lang::En);
    assert_eq!(label("2025-06-01", "2025-06-30"), "2025-06");
    assert_eq!(label("2024-02-01", "2024-02-29"), "2024-02");
    assert_eq!(label("2024-10-01", "2024-12-31"), "2024-Q4");
    assert_eq!(label("2025-01-01", "2025-12-31"), "2025");
    assert_eq!(
        label("2025-05-01", "2025-06-30"),
        "2025-05-01 to 2025-06-30"
    );
    assert_eq!(
        label("2025-04-01", "2025-04-29"),
        "2025-04-01 to 2025-04-29"
    );
    assert_eq!(
        period(day("2024-05-01"), day("2025-04-30"), Lang::Zh),
        "2024-05-01 至 2025-04-30"
    );
    assert_eq!(
        range(day("2025-01-01"), day("2025-03-31"), Lang::Zh),
        "2025-01-01 至 2025-03-31"
    );
}

#[test]
fn counts_and_invoice_kinds() {
    let (english, chinese) = (sentences(Lang::En), sentences(Lang::Zh));
    assert_eq!(english.lines(1), "1 line");
    assert_eq!(english.lines(3), "3 lines");
    assert_eq!(chinese.lines(3), "3 行");
    assert_eq!(
        chinese.invoice_kind(InvoiceKind::VatSpecial),
        "增值税专用发票"
    );
    assert_eq!(english.invoice_kind(InvoiceKind::VatSpecial), "vat_special");
    assert_eq!(Lang::Zh.pick("Findings", "发现"), "发现");
}
