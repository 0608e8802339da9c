//! Billing files and lines.

use super::*;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Enc {
    Utf8,
    Utf8Bom,
    Gbk,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum FileKind {
    Csv(Enc),
    Xlsx,
    /// a zip of CSV parts (UTF-8 with BOM), as the OSS bill subscription writes a large month
    Zip,
}

/// How a file writes its refund rows; the auditor counts them negative either way.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum RefundSign {
    Negative,
    Positive,
}

#[derive(Clone, Debug)]
pub(crate) struct BFile {
    pub(crate) path: &'static str,
    pub(crate) kind: FileKind,
    pub(crate) layout: Layout,
    /// rows above the header (a console export's title and export note)
    pub(crate) title: &'static [&'static str],
    /// a `合计` row at the bottom stating the total of the readable rows above it
    pub(crate) totals_row: bool,
    pub(crate) refunds: RefundSign,
    /// zip: the number of CSV parts; 1 otherwise
    pub(crate) parts: usize,
    /// workbook: the sheet's name
    pub(crate) sheet: &'static str,
    pub(crate) note: &'static str,
}

impl BFile {
    /// The header's row (1-based, as a spreadsheet counts).
    pub(crate) fn header_row(&self) -> usize {
        1 + self.title.len()
    }
    /// What the auditor names the table: the sheet of a workbook, the member of a zip.
    pub(crate) fn table_name(&self, part: usize) -> Option<String> {
        match self.kind {
            FileKind::Csv(_) => None,
            FileKind::Xlsx => Some(self.sheet.to_string()),
            FileKind::Zip => Some(self.member_name(part)),
        }
    }
    pub(crate) fn member_name(&self, part: usize) -> String {
        let stem = Path::new(self.path)
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("zip file name");
        format!("{stem}_{}.csv", part + 1)
    }
    pub(crate) fn encoding(&self) -> &'static str {
        match self.kind {
            FileKind::Csv(Enc::Utf8) => "UTF-8",
            FileKind::Csv(Enc::Utf8Bom) | FileKind::Zip => "UTF-8 with BOM",
            FileKind::Csv(Enc::Gbk) => "GBK",
            FileKind::Xlsx => "XLSX",
        }
    }
}

/// Index of each billing file in [`billing_files`].
pub(crate) const F_ALI_2024: usize = 0;
pub(crate) const F_ALI_2025: usize = 1;
pub(crate) const F_PUJIANG: usize = 2;
pub(crate) const F_PUJIANG_ZIP: usize = 3;
pub(crate) const F_TENCENT: usize = 4;
pub(crate) const F_HUAWEI: usize = 5;
pub(crate) const F_AZURE_EA: usize = 6;
pub(crate) const F_AZURE_MCA: usize = 7;
pub(crate) const F_FOCUS: usize = 8;
pub(crate) const F_CLAWBACK: usize = 9;

pub(crate) fn billing_files() -> Vec<BFile> {
    let file = |path, kind, layout, note| BFile {
        path,
        kind,
        layout,
        title: &[],
        totals_row: false,
        refunds: RefundSign::Negative,
        parts: 1,
        sheet: "",
        note,
    };
    vec![
        BFile {
            title: &[
                "阿里云 明细账单（账期 2024-05 至 2024-12）",
                "导出时间: 2025-01-06 09:42:17",
            ],
            totals_row: true,
            ..file(
                "billing/aliyun/aliyun-bill-2024.csv",
                FileKind::Csv(Enc::Utf8),
                Layout::AliyunZh,
                "console download: two title rows above the header, a `合计` row at the bottom \
                 (its 应付金额 is the total of the readable rows), refunds (账单类型 退款) written \
                 negative; ALI-2024-001 for 2024-05..2024-12, plus one row keyed in by hand after \
                 the export whose amount is unreadable",
            )
        },
        BFile {
            refunds: RefundSign::Positive,
            sheet: "明细账单",
            ..file(
                "billing/aliyun/aliyun-bill-2025-2026.xlsx",
                FileKind::Xlsx,
                Layout::AliyunEn,
                "English console download as a workbook, amounts as numbers, refunds (Item \
                 `Refund`) written positive; ALI-2024-001 for 2025-01..2026-04 plus spend on an \
                 account no contract covers",
            )
        },
        BFile {
            refunds: RefundSign::Positive,
            ..file(
                "billing/aliyun/pujiang-retail-2025.csv",
                FileKind::Csv(Enc::Utf8Bom),
                Layout::AliyunZh,
                "console download, refunds written positive, a 云市场 (marketplace) line; \
                 ALI-2025-005 for 2025-04..2026-02",
            )
        },
        BFile {
            parts: 2,
            ..file(
                "billing/aliyun/1729304455667781_BillingItemDetail_202603.zip",
                FileKind::Zip,
                Layout::AliyunZh,
                "the OSS bill subscription's full-month file for March 2026, split into two CSV \
                 parts zipped under one name; ALI-2025-005 for 2026-03 (both accounts)",
            )
        },
        file(
            "billing/tencent/tencent-2025.csv",
            FileKind::Csv(Enc::Utf8Bom),
            Layout::Tencent,
            "amounts as strings with 8 decimals, `-` for no value (Original Cost of the \
             contract-price MySQL rows and of refunds), `Discount` as a rate, refunds (Transaction \
             Type 包年包月退费) written negative; TX-2025-002",
        ),
        file(
            "billing/huawei/huawei-2024-2025-gbk.csv",
            FileKind::Csv(Enc::Gbk),
            Layout::Huawei,
            "8-decimal amounts, except the refunds (退款-退订) and the December 2024 rows, \
             which Excel saved as it displays them (`￥1,234.50`, `(￥3,000.00)`); vouchers are \
             代金券抵扣 + 现金券抵扣; HW-2024-003",
        ),
        file(
            "billing/azure/azure-ea-2025.csv",
            FileKind::Csv(Enc::Utf8Bom),
            Layout::AzureEa,
            "`MM/DD/YYYY` dates, ChargeType Usage and Purchase (reservations); AZ-2025-004's EA \
             enrollment, plus one USD line (currency mismatch)",
        ),
        file(
            "billing/azure/azure-mca-2025.csv",
            FileKind::Csv(Enc::Utf8Bom),
            Layout::AzureMca,
            "camelCase (with the schema's few PascalCase names), `MM/DD/YYYY` dates, \
             paygCostInBillingCurrency as the list amount, a `Refund` row written negative; \
             AZ-2025-004's MCA billing account",
        ),
        file(
            "billing/focus/aliyun-focus-2025-2026.csv",
            FileKind::Csv(Enc::Utf8),
            Layout::Focus,
            "Alibaba Cloud's FOCUS export: `NULL` for no value, ChargeCategory Purchase, Usage \
             and a negative `Credit`, BillingPeriodStart in UTC (`2025-02-28T16:00:00Z` = March \
             2025, China time) through 2025-08 and as local midnight (`2025-09-01 00:00:00`) \
             after; ALI-2025-006, plus spend on a sibling account no contract covers",
        ),
        file(
            "billing/tencent/tencent-2025-nanshan.csv",
            FileKind::Csv(Enc::Utf8Bom),
            Layout::Tencent,
            "the same layout; TX-2025-007, whose August downgrade is credited as negative rows",
        ),
    ]
}

pub(crate) fn file_for(contract: &str, (y, m): (i64, i64), account_index: usize) -> usize {
    match contract {
        "ALI-2024-001" if y <= 2024 => F_ALI_2024,
        "ALI-2024-001" => F_ALI_2025,
        "ALI-2025-005" if (y, m) == (2026, 3) => F_PUJIANG_ZIP,
        "ALI-2025-005" => F_PUJIANG,
        "TX-2025-002" => F_TENCENT,
        "HW-2024-003" => F_HUAWEI,
        "AZ-2025-004" if account_index == 0 => F_AZURE_MCA,
        "AZ-2025-004" => F_AZURE_EA,
        "ALI-2025-006" => F_FOCUS,
        limitation::CONTRACT => limitation::FILE,
        id if clawbacks::own(id) => F_CLAWBACK,
        projection::CONTRACT => projection::FILE,
        _ => unreachable!(),
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Line {
    pub(crate) file: usize,
    /// zip member (0 for every other file)
    pub(crate) part: usize,
    pub(crate) row: usize,
    pub(crate) account: String,
    pub(crate) month: (i64, i64),
    pub(crate) charge_date: Date,
    pub(crate) product: Product,
    /// a refund (a credit in FOCUS): negative amounts in the model
    pub(crate) refund: bool,
    /// random key the layouts derive the resource's ids from
    pub(crate) instance: String,
    pub(crate) list: Decimal,
    pub(crate) discount: Decimal,
    pub(crate) voucher: Decimal,
    pub(crate) net: Decimal,
    pub(crate) currency: &'static str,
    /// raw text written instead of net_amount: an unreadable amount
    pub(crate) bad_net: Option<&'static str>,
}

/// Refunds written into the data: (contract, year, month, amount). The refund is a negative
/// ECS line on the contract's first account; the month's total is unchanged because another
/// line of the same group carries the refunded amount.
pub(crate) const REFUNDS: &[(&str, i64, i64, &str)] = &[
    ("ALI-2024-001", 2024, 8, "2400.00"),
    ("ALI-2024-001", 2025, 11, "1850.00"),
    ("TX-2025-002", 2025, 5, "1234.50"),
    ("HW-2024-003", 2024, 11, "3000.00"),
    ("AZ-2025-004", 2025, 8, "980.00"),
    ("ALI-2025-005", 2025, 9, "615.40"),
    ("ALI-2025-006", 2025, 10, "500.00"),
];

#[allow(clippy::too_many_arguments)]
pub(crate) fn push_line(
    lines: &mut Vec<Line>,
    rng: &mut Lcg,
    file: usize,
    account: &str,
    (y, m): (i64, i64),
    product: Product,
    net: Decimal,
    refund: bool,
) {
    let d = product.discount_rate();
    let list = r2(net / (Decimal::ONE - d));
    let discount = list - net;
    let voucher = if !refund && net > k(2) && rng.below(9) == 0 {
        Decimal::from(50 * (1 + rng.below(4)))
    } else {
        Decimal::ZERO
    };
    let day = 1 + rng.below(days_in_month(y, m) as u64) as i64;
    let instance = rng.alnum(16);
    lines.push(Line {
        file,
        part: 0,
        row: 0,
        account: account.to_string(),
        month: (y, m),
        charge_date: Date::ymd(y, m, day),
        product,
        refund,
        instance,
        list,
        discount,
        voucher,
        net,
        currency: "CNY",
        bad_net: None,
    });
}

pub(crate) fn product_targets(c: &Contract, w: Decimal) -> Vec<(Product, Decimal)> {
    match &c.split {
        Split::Fixed { oss, rds, slb } => {
            // weighted = ECS + OSS + 0.5·RDS + 0·SLB = w
            let ecs = w - *oss - c.coeff(Product::Rds) * *rds - c.coeff(Product::Slb) * *slb;
            vec![
                (Product::Ecs, ecs),
                (Product::Oss, *oss),
                (Product::Rds, *rds),
                (Product::Slb, *slb),
            ]
        }
        Split::Shares(shares) => {
            let others: Vec<(Product, Decimal)> =
                shares.iter().map(|&(p, s)| (p, r2(w * s))).collect();
            let ecs = w - others.iter().map(|(_, v)| *v).sum::<Decimal>();
            let mut v = vec![(Product::Ecs, ecs)];
            v.extend(others);
            v
        }
    }
}

/// The lines of one contract: each month's weighted target split over products, accounts
/// and 2..6 lines per account, with the planned refunds.
pub(crate) fn contract_lines(c: &Contract, rng: &mut Lcg, lines: &mut Vec<Line>) {
    let (sy, sm, _) = c.start.parts();
    for (i, w) in c.monthly.iter().enumerate() {
        let (y, m) = add_months(sy, sm, i as i64);
        for (p, target) in product_targets(c, *w) {
            // split the product's net total over the accounts
            let mut left = target;
            for (ai, acct) in c.accounts.iter().enumerate() {
                let file = file_for(c.id, (y, m), ai);
                let part = if ai + 1 == c.accounts.len() {
                    left
                } else {
                    r2(target * c.acct_shares[ai])
                };
                left -= part;
                // split the account's part over 2..6 lines
                let n = 2 + rng.below(5) as usize;
                let weights: Vec<u64> = (0..n).map(|_| 20 + rng.below(80)).collect();
                let total_w: u64 = weights.iter().sum();
                let mut amounts: Vec<Decimal> = weights
                    .iter()
                    .map(|&wt| {
                        (part * Decimal::from(wt) / Decimal::from(total_w))
                            .round_dp_with_strategy(2, RoundingStrategy::ToZero)
                    })
                    .collect();
                let refund = REFUNDS
                    .iter()
                    .find(|r| r.0 == c.id && r.1 == y && r.2 == m && ai == 0 && p == Product::Ecs);
                let last = n - 1;
                amounts[last] = part - amounts[..last].iter().sum::<Decimal>();
                if let Some(r) = refund {
                    amounts[last] += dec(r.3);
                }
                for a in amounts {
                    push_line(lines, rng, file, acct, (y, m), p, a, false);
                }
                if let Some(r) = refund {
                    push_line(lines, rng, file, acct, (y, m), p, -dec(r.3), true);
                }
            }
            assert!(left.is_zero());
        }
    }
}

pub(crate) fn generate_lines(cs: &[Contract], files: &[BFile]) -> Vec<Line> {
    let mut rng = Lcg(0x5eed_2026_0630);
    let mut lines = Vec::new();
    for c in cs.iter().filter(|c| c.rng_seed.is_none()) {
        contract_lines(c, &mut rng, &mut lines);
    }
    // The bad amount: a row keyed in by hand after the export, on an account ALI-2024-001
    // covers, whose net amount cannot be read.
    push_line(
        &mut lines,
        &mut rng,
        F_ALI_2024,
        "1438209912345688",
        (2024, 9),
        Product::Ecs,
        dec("1234.50"),
        false,
    );
    let bad = lines.last_mut().expect("just pushed");
    bad.bad_net = Some("12,34.5x");
    // Spend on an account no contract covers.
    for (y, m, amts) in [
        (2025, 2, ["1520.00", "1236.78", "700.00"].as_slice()),
        (2025, 3, ["1300.00", "800.00"].as_slice()),
    ] {
        for a in amts {
            push_line(
                &mut lines,
                &mut rng,
                F_ALI_2025,
                UNCOVERED_ACCOUNT,
                (y, m),
                Product::Ecs,
                dec(a),
                false,
            );
        }
    }
    // A USD line on AZ-2025-004's enrollment (the contract is in CNY).
    push_line(
        &mut lines,
        &mut rng,
        F_AZURE_EA,
        EA_ENROLLMENT,
        (2025, 6),
        Product::Ecs,
        dec("1250.00"),
        false,
    );
    lines.last_mut().expect("just pushed").currency = "USD";
    // A marketplace purchase on an ALI-2025-005 account: covered, weighted 0.
    push_line(
        &mut lines,
        &mut rng,
        F_PUJIANG,
        "1729304455667781",
        (2025, 7),
        Product::Marketplace,
        dec("1280.00"),
        false,
    );
    // Contracts added later draw from their own sequences.
    for c in cs.iter().filter(|c| c.rng_seed.is_some()) {
        let mut own = Lcg(c.rng_seed.expect("filtered"));
        contract_lines(c, &mut own, &mut lines);
    }
    // Spend in the FOCUS file on a sibling account of ALI-2025-006's that no contract
    // covers, in a month whose period start is written in UTC.
    let mut focus_rng = Lcg(0x0f0c_0000_0713);
    for a in ["2380.00", "1120.00"] {
        push_line(
            &mut lines,
            &mut focus_rng,
            F_FOCUS,
            FOCUS_UNCOVERED_ACCOUNT,
            (2025, 3),
            Product::Ecs,
            dec(a),
            false,
        );
    }

    // Order each file like an export: by month, account, charge date, product (stable).
    lines.sort_by(|a, b| {
        (a.file, a.month, &a.account, a.charge_date, a.product).cmp(&(
            b.file,
            b.month,
            &b.account,
            b.charge_date,
            b.product,
        ))
    });
    // A zip's parts split the file's rows in order, the first parts taking the extra row.
    let mut per_file: BTreeMap<usize, usize> = BTreeMap::new();
    for l in &lines {
        *per_file.entry(l.file).or_default() += 1;
    }
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    let mut next_row: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for l in &mut lines {
        let f = &files[l.file];
        let i = seen.entry(l.file).or_default();
        let per_part = per_file[&l.file].div_ceil(f.parts);
        l.part = *i / per_part;
        *i += 1;
        let r = next_row
            .entry((l.file, l.part))
            .or_insert(f.header_row() + 1);
        l.row = *r;
        *r += 1;
    }
    lines
}

pub(crate) const UNCOVERED_ACCOUNT: &str = "1438209912345700";
