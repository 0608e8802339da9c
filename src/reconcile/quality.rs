//! Data-quality findings (SPEC §4): inputs that could not be read, were empty or hid
//! sheets, rejected rows, spend no contract covers, currency mismatches, overlapping
//! contracts and unknown products. Built from what ingest and attribution recorded.

use crate::attribute::{BillingTotals, ContractPlan};
use crate::domain::finding::{Fact, Finding, FindingType};
use crate::domain::lang::{self, Lang};
use crate::domain::location::Location;
use crate::domain::money::format_money;
use crate::ingest::table::{FileDigest, TableError};
use rust_decimal::Decimal;
use std::path::Path;
use std::sync::Arc;

/// A path as reports show it.
pub fn shown(path: &Path) -> Arc<str> {
    Arc::from(path.display().to_string().as_str())
}

/// A place in an input as a finding's id knows it: the file's *name* (not the folder it
/// was found in, which may differ from run to run), its sheet, row and column.
pub fn subject(location: &Location) -> String {
    let name = Path::new(&*location.file).file_name().map_or_else(
        || location.file.to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    Location {
        file: Arc::from(name.as_str()),
        ..location.clone()
    }
    .to_string()
}

/// A data-quality fact: what it is about and why.
fn fact<'a>(subject: &'a str, reason: Option<&'a str>) -> Fact<'a> {
    Fact {
        subject: Some(subject),
        reason,
        ..Fact::default()
    }
}

/// A totals row (合计, Total) that disagrees with the rows above it: rows were lost, added
/// or edited after the export, or the totals row is not what it says.
fn totals_row_finding(
    table: &Location,
    totals_row: &crate::domain::controls::TotalsRow,
    lang: Lang,
) -> Option<Finding> {
    let stated = totals_row.stated?;
    let above = totals_row.above.amount;
    if stated == above {
        return None;
    }
    let difference = stated.checked_sub(above).unwrap_or_default();
    let location = table.at_row(totals_row.row);
    let money = |amount| lang::money(amount, "", lang);
    let detail = match lang {
        Lang::En => format!(
            "{location}: the totals row states a net amount of {}, but the {} rows above it add up to {} (difference {}); rows may be missing, duplicated or edited.",
            money(stated),
            totals_row.above.rows,
            money(above),
            money(difference)
        ),
        Lang::Zh => format!(
            "{location}：合计行的应付金额为 {}，但其上 {} 行合计为 {}（差额 {}）；可能有行缺失、重复或被改动。",
            money(stated),
            totals_row.above.rows,
            money(above),
            money(difference)
        ),
    };
    let mut finding = Finding::new(
        FindingType::RejectedRow,
        fact(&subject(&location), Some("totals_mismatch")),
        detail,
    );
    finding.amount = Some(difference);
    finding.evidence.location = Some(location);
    finding.evidence.facts = vec![
        ("stated".into(), format_money(stated)),
        ("rows_above".into(), totals_row.above.rows.to_string()),
        ("rows_above_amount".into(), format_money(above)),
    ];
    Some(finding)
}

/// Findings about a whole input file: unreadable, hidden sheets, or no table at all.
pub fn file_findings(
    path: &Path,
    digest: &Result<FileDigest, TableError>,
    has_table: bool,
    lang: Lang,
) -> Vec<Finding> {
    let mut findings = hidden_sheet_findings(path, digest, lang);
    match digest {
        Err(error) => findings.push(unreadable_file(path, error, lang)),
        Ok(_) if !has_table => findings.push(empty_file(path, lang)),
        Ok(_) => {}
    }
    findings
}

fn unreadable_file(path: &Path, error: &TableError, lang: Lang) -> Finding {
    let location = Location::file(shown(path));
    let detail = match lang {
        Lang::En => format!("The file could not be read: {error}"),
        Lang::Zh => format!("文件无法读取：{error}"),
    };
    let mut finding = Finding::new(
        FindingType::RejectedRow,
        fact(&subject(&location), Some("file")),
        detail,
    );
    finding.evidence.location = Some(location);
    finding
}

/// Hidden sheets are not read — data a person cannot see in Excel should not move money
/// unseen — but each is reported, so nothing in an input goes unmentioned.
fn hidden_sheet_findings(
    path: &Path,
    digest: &Result<FileDigest, TableError>,
    lang: Lang,
) -> Vec<Finding> {
    let Ok(digest) = digest else {
        return Vec::new();
    };
    digest
        .hidden_sheets
        .iter()
        .map(|sheet| {
            let location = Location::sheet(shown(path), Some(Arc::from(sheet.as_str())));
            let detail = match lang {
                Lang::En => format!(
                    "{location}: the sheet is hidden, so its rows were not read; unhide it if it holds data for the audit."
                ),
                Lang::Zh => format!(
                    "{location}：该工作表已隐藏，其中的行未被读取；如含审计所需数据，请取消隐藏。"
                ),
            };
            let mut finding = Finding::new(
                FindingType::RejectedRow,
                fact(&subject(&location), Some("hidden_sheet")),
                detail,
            );
            finding.evidence.location = Some(location);
            finding
        })
        .collect()
}

fn empty_file(path: &Path, lang: Lang) -> Finding {
    let location = Location::file(shown(path));
    let detail = match lang {
        Lang::En => format!(
            "{location}: the file holds no table (it is empty or every sheet is blank); an export with no header row is not what was asked for."
        ),
        Lang::Zh => format!(
            "{location}：文件中没有表格（文件为空或每个工作表都是空白）；没有表头行的导出不是所需的文件。"
        ),
    };
    let mut finding = Finding::new(
        FindingType::RejectedRow,
        fact(&subject(&location), Some("empty")),
        detail,
    );
    finding.evidence.location = Some(location);
    finding
}

/// A `rejected_row` finding for one input row. `reason` says why, as the reader wrote it
/// (it names the column and the value found).
pub fn rejected_row_finding(
    location: &Location,
    reason: &str,
    amount: Option<Decimal>,
    lang: Lang,
) -> Finding {
    let detail = match lang {
        Lang::En => format!("{location}: {reason}"),
        Lang::Zh => format!("{location}：该行未能读取：{reason}"),
    };
    let mut finding = Finding::new(
        FindingType::RejectedRow,
        fact(&subject(location), Some("row")),
        detail,
    );
    finding.evidence.location = Some(location.clone());
    if let Some(amount) = amount {
        finding
            .evidence
            .facts
            .push(("net_amount".into(), format_money(amount)));
    }
    finding
}

/// The data-quality findings of the merged billing: rejected rows, uncovered spend,
/// currency mismatches, overlapping contracts and unknown products.
pub fn billing_findings(
    totals: &BillingTotals,
    plans: &[ContractPlan],
    lang: Lang,
) -> Vec<Finding> {
    let lines = |rows: u64| lang::count(rows, "line", "行", lang);
    let mut findings = Vec::new();
    for rejection in &totals.rejections {
        findings.push(rejected_row_finding(
            &rejection.location,
            &rejection.reason,
            rejection.amount,
            lang,
        ));
    }
    for (file, count) in &totals.rejections_not_kept {
        let location = Location::file(Arc::from(file.as_str()));
        let most = crate::attribute::MAX_REJECTIONS_PER_FILE;
        let detail = match lang {
            Lang::En => format!(
                "{file}: {count} more rows were rejected; only the first {most} are listed one by one (the control totals count them all)."
            ),
            Lang::Zh => format!(
                "{file}：另有 {count} 行被拒绝；只逐条列出前 {most} 行（控制合计计入全部行）。"
            ),
        };
        let mut finding = Finding::new(
            FindingType::RejectedRow,
            fact(&format!("{}|more", subject(&location)), Some("row")),
            detail,
        );
        finding.evidence.location = Some(location);
        findings.push(finding);
    }
    for control in &totals.tables {
        for totals_row in &control.totals_rows {
            if let Some(finding) = totals_row_finding(&control.table, totals_row, lang) {
                findings.push(finding);
            }
        }
    }
    for ((account, month, currency), (tally, tables)) in &totals.uncovered {
        let amount = lang::money(tally.amount, "", lang);
        let detail = match lang {
            Lang::En => format!(
                "Account {account} spent {amount} {currency} in {month} ({}) but no contract covers it then; no rebate is claimed on it.",
                lines(tally.rows)
            ),
            Lang::Zh => format!(
                "账号 {account} 在 {month} 消费 {amount} {currency}（{}），但当时没有合同覆盖该账号；这部分消费不计返点。",
                lines(tally.rows)
            ),
        };
        let mut finding = Finding::new(
            FindingType::UncoveredBilling,
            fact(&format!("{account}|{month}|{currency}"), None),
            detail,
        );
        finding.amount = Some(tally.amount);
        finding.evidence.facts = vec![
            ("account_id".into(), account.clone()),
            ("billing_month".into(), month.to_string()),
            ("currency".into(), currency.clone()),
            ("rows".into(), tally.rows.to_string()),
            ("net_amount".into(), format_money(tally.amount)),
            ("files".into(), totals.files_of(tables)),
        ];
        findings.push(finding);
    }
    for ((contract, account, month, currency), (tally, tables)) in &totals.currency_mismatches {
        let contract = &plans[*contract].contract;
        let amount = lang::money(tally.amount, "", lang);
        let detail = match lang {
            Lang::En => format!(
                "Account {account} billed {amount} {currency} in {month} ({}), but contract {} is in {}; these lines were left out of the rebate base.",
                lines(tally.rows),
                contract.id,
                contract.currency
            ),
            Lang::Zh => format!(
                "账号 {account} 在 {month} 的账单为 {amount} {currency}（{}），但合同 {} 的币种是 {}；这些行未计入返点基数。",
                lines(tally.rows),
                contract.id,
                contract.currency
            ),
        };
        let subject = format!("{account}|{month}|{currency}");
        let mut finding = Finding::new(
            FindingType::CurrencyMismatch,
            Fact {
                contract_id: Some(&contract.id),
                reason: Some("billing"),
                subject: Some(&subject),
                ..Fact::default()
            },
            detail,
        );
        finding.amount = Some(tally.amount);
        finding.evidence.facts = vec![
            ("expected".into(), contract.currency.clone()),
            ("found".into(), currency.clone()),
            ("account_id".into(), account.clone()),
            ("billing_month".into(), month.to_string()),
            ("rows".into(), tally.rows.to_string()),
            ("net_amount".into(), format_money(tally.amount)),
            ("files".into(), totals.files_of(tables)),
        ];
        findings.push(finding);
    }
    for ((account, chosen, other), (tally, first, last)) in &totals.overlaps {
        let (chosen, other) = (&plans[*chosen].contract, &plans[*other].contract);
        let amount = lang::money(tally.amount, &chosen.currency, lang);
        let detail = match lang {
            Lang::En => format!(
                "Account {account} is covered by both {} and {} from {first} to {last} ({}, {amount}); the lines went to {} (earliest start, then lowest id).",
                chosen.id,
                other.id,
                lines(tally.rows),
                chosen.id
            ),
            Lang::Zh => format!(
                "账号 {account} 在 {first} 至 {last} 同时被合同 {} 和 {} 覆盖（{}，{amount}）；这些行归入 {}（开始日期最早者优先，其次编号最小者）。",
                chosen.id,
                other.id,
                lines(tally.rows),
                chosen.id
            ),
        };
        let subject = format!("{account}|{}", other.id);
        let mut finding = Finding::new(
            FindingType::OverlappingContracts,
            Fact {
                contract_id: Some(&chosen.id),
                subject: Some(&subject),
                ..Fact::default()
            },
            detail,
        );
        finding.amount = Some(tally.amount);
        finding.evidence.facts = vec![
            ("account_id".into(), account.clone()),
            ("attributed_to".into(), chosen.id.clone()),
            ("also_covered_by".into(), other.id.clone()),
            ("first_date".into(), first.to_string()),
            ("last_date".into(), last.to_string()),
            ("rows".into(), tally.rows.to_string()),
            ("net_amount".into(), format_money(tally.amount)),
        ];
        findings.push(finding);
    }
    for ((contract, product), tally) in &totals.unknown_products {
        let contract = &plans[*contract].contract;
        let amount = lang::money(tally.amount, &contract.currency, lang);
        let detail = match lang {
            Lang::En => format!(
                "Product `{product}` ({}, {amount}) matched no product alias of ruleset {} and is not in contract {}'s products sheet; it was weighted at coefficient 1.",
                lines(tally.rows),
                contract.ruleset,
                contract.id
            ),
            Lang::Zh => format!(
                "产品 `{product}`（{}，{amount}）不匹配规则集 {} 的任何产品别名，也不在合同 {} 的产品系数表中；已按系数 1 计算。",
                lines(tally.rows),
                contract.ruleset,
                contract.id
            ),
        };
        let subject = format!("product {product}");
        let mut finding = Finding::new(
            FindingType::UnknownProduct,
            Fact {
                contract_id: Some(&contract.id),
                subject: Some(&subject),
                ..Fact::default()
            },
            detail,
        );
        finding.amount = Some(tally.amount);
        finding.evidence.facts = vec![
            ("product".into(), product.clone()),
            ("coefficient".into(), "1".into()),
            ("rows".into(), tally.rows.to_string()),
            ("net_amount".into(), format_money(tally.amount)),
        ];
        findings.push(finding);
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_know_a_file_by_its_name_not_its_folder() {
        let here = Location::sheet("bills/2025/bill.xlsx".into(), Some("Sheet1".into()))
            .at_row(7)
            .at_column("amount");
        let there = Location::sheet("/tmp/run-2/bill.xlsx".into(), Some("Sheet1".into()))
            .at_row(7)
            .at_column("amount");
        assert_eq!(subject(&here), "bill.xlsx:Sheet1:7:amount");
        let reason = "amount: expected money, found `x`";
        let a = rejected_row_finding(&here, reason, None, Lang::En);
        let b = rejected_row_finding(&there, reason, None, Lang::Zh);
        assert_eq!(a.id, b.id);
        assert_eq!(a.reason.as_deref(), Some("row"));
        assert_eq!(
            b.detail,
            "/tmp/run-2/bill.xlsx:Sheet1:7:amount：该行未能读取：amount: expected money, found `x`"
        );
    }
}
