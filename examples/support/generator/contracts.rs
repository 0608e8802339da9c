//! The contract workbook (`contracts.xlsx`): one sheet per template table.

use super::*;

/// Writes the contract workbook: English sheet and column names with the generic layout,
/// the Chinese ones (合同, 阶梯, 产品系数, 分期) with Alibaba's.
pub(super) fn write_contracts(folder: &Path, spec: &Spec, world: &World) -> io::Result<PathBuf> {
    let chinese = spec.layout == Layout::Aliyun;
    let pick = |english: &'static str, chinese_name: &'static str| {
        if chinese { chinese_name } else { english }
    };
    let mut sheets: Vec<(&str, &str, Vec<Vec<String>>)> = Vec::new();
    let header = |names: &[(&'static str, &'static str)]| -> Vec<String> {
        names
            .iter()
            .map(|&(english, chinese_name)| pick(english, chinese_name).to_string())
            .collect()
    };
    let mut rows = vec![header(&[
        ("contract_id", "合同编号"),
        ("customer", "客户"),
        ("agent", "代理商"),
        ("agent_tax_id", "代理商税号"),
        ("provider", "云厂商"),
        ("accounts", "账号"),
        ("start", "开始日期"),
        ("end", "结束日期"),
        ("currency", "币种"),
        ("base", "返点基数"),
        ("tier_basis", "阶梯口径"),
        ("tier_mode", "阶梯方式"),
        ("cap", "封顶"),
        ("settlement", "结算周期"),
        ("due_days", "付款期限"),
        ("grace_days", "宽限天数"),
        ("invoice", "发票要求"),
        ("tax_rate", "税率"),
        ("late_interest", "逾期利率"),
        ("payout_kind", "返点方式"),
    ])];
    for contract in &world.contracts {
        let accounts: Vec<&str> = contract
            .accounts
            .iter()
            .map(|&a| world.accounts[a].id.as_str())
            .collect();
        rows.push(vec![
            contract.id.clone(),
            contract.customer.clone(),
            AGENTS[contract.agent].to_string(),
            tax_id(contract.agent),
            if chinese { "aliyun" } else { "" }.to_string(),
            accounts.join(if chinese { "，" } else { "," }),
            rebate::month_start(contract.start_month).to_string(),
            rebate::month_end(contract.start_month + contract.months - 1).to_string(),
            "CNY".to_string(),
            match contract.base {
                Base::Net => "net",
                Base::List => "list",
                Base::Cash => "cash",
            }
            .to_string(),
            match contract.basis {
                Basis::Period => "period",
                Basis::ContractYear => "contract_year",
                Basis::Term => "term",
            }
            .to_string(),
            match contract.mode {
                Mode::Retroactive => "retroactive",
                Mode::Marginal => "marginal",
            }
            .to_string(),
            contract.cap.map(|cap| cap.to_string()).unwrap_or_default(),
            match contract.settlement {
                Settlement::Monthly => "monthly",
                Settlement::Quarterly => "quarterly",
                Settlement::Annual => "annual",
                Settlement::Term => "term",
                Settlement::Transparent => "transparent",
            }
            .to_string(),
            contract.due_days.to_string(),
            contract
                .grace_days
                .map(|days| days.to_string())
                .unwrap_or_default(),
            match contract.invoice {
                Invoice::None => "none",
                Invoice::Special => "vat_special",
                Invoice::General => "vat_general",
            }
            .to_string(),
            if contract.invoice == Invoice::None {
                ""
            } else {
                "6%"
            }
            .to_string(),
            contract.late_interest.unwrap_or_default().to_string(),
            contract.payout_kind.to_string(),
        ]);
    }
    sheets.push(("contracts", "合同", rows));
    let mut rows = vec![header(&[
        ("contract_id", "合同编号"),
        ("from", "下限"),
        ("to", "上限"),
        ("rate", "返点比例"),
    ])];
    for contract in &world.contracts {
        for tier in &contract.tiers {
            rows.push(vec![
                contract.id.clone(),
                tier.from.to_string(),
                tier.to.map(|to| to.to_string()).unwrap_or_default(),
                format!("{}%", Decimal::new(i64::from(tier.rate_bp), 2).normalize()),
            ]);
        }
    }
    sheets.push(("tiers", "阶梯", rows));
    let mut rows = vec![header(&[
        ("contract_id", "合同编号"),
        ("product", "产品"),
        ("coefficient", "系数"),
    ])];
    for contract in &world.contracts {
        for (product, coefficient) in PRODUCTS.iter().zip(contract.coefficients) {
            if coefficient != 100 {
                rows.push(vec![
                    contract.id.clone(),
                    product.generic[0].to_string(),
                    Decimal::new(coefficient, 2).normalize().to_string(),
                ]);
            }
        }
    }
    sheets.push(("products", "产品系数", rows));
    let mut rows = vec![header(&[
        ("contract_id", "合同编号"),
        ("installment", "期次"),
        ("trigger", "触发"),
        ("portion", "比例"),
    ])];
    for contract in &world.contracts {
        if contract.schedule.len() > 1 {
            for (number, portion) in contract.schedule.iter().enumerate() {
                rows.push(vec![
                    contract.id.clone(),
                    (number + 1).to_string(),
                    "settlement".to_string(),
                    match portion {
                        Portion::Percent(percent) => format!("{percent}%"),
                        Portion::Points(points) => format!("{points}pt"),
                        Portion::Rest => "rest".to_string(),
                    },
                ]);
            }
        }
    }
    sheets.push(("schedule", "分期", rows));
    if spec.contracts_csv {
        let path = folder.join("contracts");
        std::fs::create_dir_all(&path)?;
        for (name, _, rows) in &sheets {
            let mut writer = csv::Writer::from_path(path.join(format!("{name}.csv")))?;
            for row in rows {
                writer.write_record(row)?;
            }
            writer.flush()?;
        }
        return Ok(path);
    }
    let path = folder.join("contracts.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook.set_properties(
        &rust_xlsxwriter::DocProperties::new().set_creation_datetime(
            &rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 1, 1).map_err(xlsx_error)?,
        ),
    );
    for (english, chinese_name, rows) in &sheets {
        let sheet = workbook.add_worksheet();
        sheet
            .set_name(pick(english, chinese_name))
            .map_err(xlsx_error)?;
        for (row, cells) in rows.iter().enumerate() {
            for (column, cell) in cells.iter().enumerate() {
                sheet
                    .write_string(row as u32, column as u16, cell)
                    .map_err(xlsx_error)?;
            }
        }
    }
    workbook.save(&path).map_err(xlsx_error)?;
    Ok(path)
}
