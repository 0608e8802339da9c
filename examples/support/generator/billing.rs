//! The billing exports: the generic template or Alibaba's Chinese bill-detail layout, lines drawn per account and written per file.

use super::*;

pub(super) const GENERIC_HEADER: [&str; 11] = [
    "account_id",
    "billing_month",
    "date",
    "product",
    "order_type",
    "instance_id",
    "list_amount",
    "discount",
    "voucher",
    "net_amount",
    "currency",
];

/// The 41 columns of Alibaba's Chinese BillingItemDetail (the providers' documented layouts (docs/INPUTS.md)).
pub(super) const ALIYUN_HEADER: [&str; 41] = [
    "账期",
    "财务单元",
    "账号ID",
    "账号",
    "Owner账号",
    "产品Code",
    "产品",
    "产品明细Code",
    "产品明细",
    "消费类型",
    "消费时间",
    "账单开始时间",
    "账单结束时间",
    "服务时长",
    "订单号/账单号",
    "账单类型",
    "计费方式",
    "实例ID",
    "实例昵称",
    "资源组",
    "实例标签",
    "实例配置",
    "实例规格",
    "公网IP",
    "私网IP",
    "地域",
    "可用区",
    "计费项",
    "单价",
    "单价单位",
    "用量",
    "用量单位",
    "资源包抵扣",
    "原价",
    "优惠金额",
    "优惠券抵扣",
    "应付金额",
    "现金支付",
    "代金券抵扣",
    "储值卡支付金额",
    "欠费金额",
];

/// Calendar text precomputed per day from 2024-01-01 (a little past the data, for usage
/// end times).
pub(super) struct Calendar {
    pub(super) days: Vec<String>,
    pub(super) months: Vec<String>,
    /// Month index (0 = 2024-01) of each day.
    pub(super) month_of_day: Vec<usize>,
}

impl Calendar {
    fn new() -> Self {
        let first = rebate::month_start(0);
        let mut days = Vec::new();
        let mut month_of_day = Vec::new();
        for offset in 0..DATA_DAYS + 70 {
            let day = first + Days::new(offset);
            days.push(day.format("%Y-%m-%d").to_string());
            month_of_day.push((day.year() - 2024) as usize * 12 + day.month0() as usize);
        }
        let months = (0..DATA_MONTHS + 3)
            .map(|month| format!("{}-{:02}", 2024 + month / 12, month % 12 + 1))
            .collect();
        Calendar {
            days,
            months,
            month_of_day,
        }
    }

    fn timestamp(&self, seconds: u64, out: &mut String) {
        let second = seconds % DAY;
        let _ = write!(
            out,
            "{} {:02}:{:02}:{:02}",
            self.days[(seconds / DAY) as usize],
            second / 3600,
            second / 60 % 60,
            second % 60
        );
    }
}

/// One billing line, before it takes a layout.
pub(super) struct Line {
    pub(super) seconds: u64,
    pub(super) instance: usize,
    pub(super) kind: Kind,
    pub(super) list: i64,
    pub(super) discount: i64,
    pub(super) voucher: i64,
    pub(super) net: i64,
}

pub(super) fn write_billing(
    billing: &Path,
    spec: &Spec,
    files: usize,
    world: &World,
    weighted: &mut [Vec<i128>],
) -> io::Result<Vec<PathBuf>> {
    let calendar = Calendar::new();
    let mut random = Rng::new(spec.seed ^ 0xB111);
    let header: &[&str] = match spec.layout {
        Layout::Generic => &GENERIC_HEADER,
        Layout::Aliyun => &ALIYUN_HEADER,
    };
    let mut paths = Vec::new();
    let mut xlsx: Option<(rust_xlsxwriter::Workbook, XlsxSink)> = None;
    if spec.xlsx {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        workbook.set_properties(
            &rust_xlsxwriter::DocProperties::new().set_creation_datetime(
                &rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 1, 4).map_err(xlsx_error)?,
            ),
        );
        let mut sheet = workbook
            .new_worksheet_with_constant_memory()
            .map_err(xlsx_error)?;
        sheet
            .set_name(if spec.layout == Layout::Aliyun {
                "明细账单"
            } else {
                "billing"
            })
            .map_err(xlsx_error)?;
        xlsx = Some((
            workbook,
            XlsxSink {
                sheet,
                row: 0,
                column: 0,
            },
        ));
    }
    let mut scratch = String::new();
    for file in 0..files {
        let count =
            spec.lines / files as u64 + u64::from((file as u64) < spec.lines % files as u64);
        let slice = (
            DATA_SECONDS * file as u64 / files as u64,
            DATA_SECONDS * (file as u64 + 1) / files as u64,
        );
        let name = match (spec.layout, spec.xlsx) {
            (Layout::Generic, false) if spec.parquet => format!("bill-{file:02}.parquet"),
            (Layout::Generic, false) => format!("bill-{file:02}.csv"),
            (Layout::Generic, true) => "bill.xlsx".to_string(),
            (Layout::Aliyun, false) => {
                format!("1688000000000000_BillingItemDetail_part{file:02}.csv")
            }
            (Layout::Aliyun, true) => "1688000000000000_BillingItemDetail.xlsx".to_string(),
        };
        paths.push(billing.join(name));
        let mut parquet = if spec.parquet && !spec.xlsx {
            Some(super::super::parquet_sink::ParquetSink::create(
                paths.last().expect("a path"),
            )?)
        } else {
            None
        };
        let mut csv = if spec.xlsx || parquet.is_some() {
            None
        } else {
            Some(CsvSink::create(
                paths.last().expect("a path"),
                spec.layout == Layout::Aliyun,
            )?)
        };
        let sink: &mut dyn RowSink = match (&mut csv, &mut xlsx) {
            (Some(csv), _) => csv,
            (None, _) if parquet.is_some() => parquet.as_mut().expect("a sink"),
            (None, Some((_, sheet))) => sheet,
            (None, None) => unreachable!("a sink"),
        };
        for column in header {
            sink.text(column)?;
        }
        sink.end_row()?;
        // Each account's share of the file: its weight times the time it is active in
        // the file's slice; lines are dealt out by cumulative rounding, so they add up.
        let overlaps: Vec<(u64, u64)> = world
            .accounts
            .iter()
            .map(|account| (account.active.0.max(slice.0), account.active.1.min(slice.1)))
            .collect();
        let shares: Vec<u128> = world
            .accounts
            .iter()
            .zip(&overlaps)
            .map(|(account, &(from, to))| {
                u128::from(account.weight) * u128::from(to.saturating_sub(from))
            })
            .collect();
        let total: u128 = shares.iter().sum::<u128>().max(1);
        let mut cumulative = 0u128;
        let mut dealt = 0u64;
        if spec.group {
            // Random account order: each line draws its account by weight (its share of
            // the file) and its time anywhere in the account's part of the slice.
            let running: Vec<u128> = shares
                .iter()
                .scan(0u128, |sum, share| {
                    *sum += share;
                    Some(*sum)
                })
                .collect();
            for _ in 0..count {
                let draw = (u128::from(random.next_u64()) * total) >> 64;
                let index = running.partition_point(|&upto| upto <= draw);
                let (from, to) = overlaps[index];
                let seconds = from + random.below((to - from).max(1));
                let emit = Emit {
                    spec,
                    calendar: &calendar,
                    world,
                    account: index,
                    seconds,
                };
                emit.line(sink, &mut random, weighted, &mut scratch)?;
            }
            dealt = count;
        }
        for index in 0..if spec.group { 0 } else { world.accounts.len() } {
            cumulative += shares[index];
            let upto = (cumulative * u128::from(count) / total) as u64;
            let lines = upto - dealt;
            dealt = upto;
            if lines == 0 {
                continue;
            }
            let (from, to) = overlaps[index];
            let step = (to - from) / lines;
            for number in 0..lines {
                let seconds = from + (to - from) * number / lines + random.below(step.max(1));
                let emit = Emit {
                    spec,
                    calendar: &calendar,
                    world,
                    account: index,
                    seconds,
                };
                emit.line(sink, &mut random, weighted, &mut scratch)?;
            }
        }
        debug_assert_eq!(dealt, count);
        if let Some(csv) = csv {
            csv.finish()?;
        }
        if let Some(parquet) = parquet {
            parquet.finish()?;
        }
    }
    if let Some((mut workbook, sink)) = xlsx {
        workbook.push_worksheet(sink.sheet);
        workbook.save(&paths[0]).map_err(xlsx_error)?;
    }
    Ok(paths)
}

/// One billing line to write: whose, and when.
pub(super) struct Emit<'w> {
    pub(super) spec: &'w Spec,
    pub(super) calendar: &'w Calendar,
    pub(super) world: &'w World,
    pub(super) account: usize,
    pub(super) seconds: u64,
}

impl Emit<'_> {
    /// Draws the line's instance and amounts, adds its weighted base to its contract's
    /// month, and writes it.
    fn line(
        &self,
        sink: &mut dyn RowSink,
        random: &mut Rng,
        weighted: &mut [Vec<i128>],
        scratch: &mut String,
    ) -> io::Result<()> {
        let (spec, calendar, world, seconds) = (self.spec, self.calendar, self.world, self.seconds);
        let account = &world.accounts[self.account];
        let instance = random.below(account.instances.len() as u64) as usize;
        let product = &PRODUCTS[account.instances[instance].product];
        let (kind, list) = draw_amount(random, product);
        let discount = if kind == Kind::Refund {
            list / 10
        } else {
            list * account.discount / 1000
        };
        let net = list - discount;
        let voucher = if kind == Kind::PayAsYouGo && random.chance(30) {
            net * random.between(10, 100) as i64 / 100
        } else {
            0
        };
        let line = Line {
            seconds,
            instance,
            kind,
            list,
            discount,
            voucher,
            net,
        };
        let month = calendar.month_of_day[(seconds / DAY) as usize];
        if let Some(contract_index) = account.contract {
            let contract = &world.contracts[contract_index];
            let base = match contract.base {
                Base::Net => net,
                Base::List => list,
                Base::Cash => net - voucher,
            };
            weighted[contract_index][month - contract.start_month] += i128::from(base)
                * i128::from(contract.coefficients[account.instances[instance].product]);
        }
        match spec.layout {
            Layout::Generic => generic_row(sink, calendar, account, &line, month)?,
            Layout::Aliyun => aliyun_row(sink, calendar, account, &line, month, scratch)?,
        }
        Ok(())
    }
}

pub(super) fn generic_row(
    sink: &mut dyn RowSink,
    calendar: &Calendar,
    account: &Account,
    line: &Line,
    month: usize,
) -> io::Result<()> {
    let instance = &account.instances[line.instance];
    let product = &PRODUCTS[instance.product];
    sink.text(&account.id)?;
    sink.text(&calendar.months[month])?;
    sink.text(&calendar.days[(line.seconds / DAY) as usize])?;
    sink.text(product.generic[usize::from(account.long_names)])?;
    sink.text(match line.kind {
        Kind::PayAsYouGo => "PayAsYouGoBill",
        Kind::Subscription => "SubscriptionOrder",
        Kind::Refund => "Refund",
    })?;
    sink.text(&instance.id)?;
    sink.money(line.list)?;
    sink.money(line.discount)?;
    sink.money(line.voucher)?;
    sink.money(line.net)?;
    sink.text("CNY")?;
    sink.end_row()
}

pub(super) fn aliyun_row(
    sink: &mut dyn RowSink,
    calendar: &Calendar,
    account: &Account,
    line: &Line,
    month: usize,
    scratch: &mut String,
) -> io::Result<()> {
    let instance = &account.instances[line.instance];
    let product = &PRODUCTS[instance.product];
    let region = &REGIONS[instance.region];
    let payg = line.kind == Kind::PayAsYouGo;
    sink.text(&calendar.months[month])?; // 账期
    sink.text(COST_UNITS[account.cost_unit])?; // 财务单元
    sink.text(&account.id)?; // 账号ID
    sink.text(&account.name)?; // 账号
    sink.text(&account.name)?; // Owner账号
    sink.text(product.code)?; // 产品Code
    sink.text(product.name)?; // 产品
    sink.text(product.code)?; // 产品明细Code
    scratch.clear();
    let _ = write!(
        scratch,
        "{}-{}",
        product.name,
        if payg { "按量付费" } else { "包年包月" }
    );
    sink.text(scratch)?; // 产品明细
    sink.text(if payg { "后付费" } else { "预付费" })?; // 消费类型
    scratch.clear();
    calendar.timestamp(line.seconds, scratch);
    sink.text(scratch)?; // 消费时间
    // Pay-as-you-go lines bill the hour before the charge; orders the month after.
    let (start, end) = if payg {
        let end = line.seconds - line.seconds % 3600;
        (end.saturating_sub(3600), end)
    } else {
        (line.seconds, line.seconds + 30 * DAY)
    };
    scratch.clear();
    calendar.timestamp(start, scratch);
    sink.text(scratch)?; // 账单开始时间
    scratch.clear();
    calendar.timestamp(end, scratch);
    sink.text(scratch)?; // 账单结束时间
    sink.text(if payg { "3600" } else { "2592000" })?; // 服务时长
    scratch.clear();
    let _ = write!(
        scratch,
        "{}",
        200_000_000_000_000 + mix(line.seconds, line.instance as u64) % 100_000_000_000_000
    );
    sink.text(scratch)?; // 订单号/账单号
    sink.text(match line.kind {
        Kind::PayAsYouGo => "后付费账单",
        Kind::Subscription => "预付费订单",
        Kind::Refund => "退款",
    })?; // 账单类型
    sink.text(if payg { "按量付费" } else { "包年包月" })?; // 计费方式
    sink.text(&instance.id)?; // 实例ID
    sink.text(&instance.nick)?; // 实例昵称
    sink.text(if instance.tag == 0 {
        "rg-prod"
    } else {
        "默认资源组"
    })?; // 资源组
    sink.text(TAGS[instance.tag])?; // 实例标签
    sink.text(product.configs[instance.spec % product.configs.len()])?; // 实例配置
    sink.text(product.specs[instance.spec])?; // 实例规格
    let has_ip = matches!(product.code, "ecs" | "slb");
    sink.text(if has_ip { &instance.public_ip } else { "" })?; // 公网IP
    sink.text(if has_ip { &instance.private_ip } else { "" })?; // 私网IP
    sink.text(region.0)?; // 地域
    sink.text(region.2)?; // 可用区
    if payg && product.unit_price > 0 {
        sink.text(product.item)?; // 计费项
        sink.quantity(product.unit_price * 100)?; // 单价
        sink.text(product.price_unit)?; // 单价单位
        sink.quantity(line.list * 10_000 / product.unit_price)?; // 用量
        sink.text(product.usage_unit)?; // 用量单位
    } else if payg {
        sink.text(product.item)?;
        sink.quantity(line.list * 100)?;
        sink.text(product.price_unit)?;
        sink.quantity(10_000)?;
        sink.text(product.usage_unit)?;
    } else {
        sink.text("包年包月")?;
        sink.quantity(line.list * 100)?;
        sink.text("元/月")?;
        sink.quantity(if line.kind == Kind::Refund {
            -10_000
        } else {
            10_000
        })?;
        sink.text("月")?;
    }
    sink.money(0)?; // 资源包抵扣
    sink.money(line.list)?; // 原价
    sink.money(line.discount)?; // 优惠金额
    sink.money(0)?; // 优惠券抵扣
    sink.money(line.net)?; // 应付金额
    sink.money(line.net - line.voucher)?; // 现金支付
    sink.money(line.voucher)?; // 代金券抵扣
    sink.money(0)?; // 储值卡支付金额
    sink.money(0)?; // 欠费金额
    sink.end_row()
}
