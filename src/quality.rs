//! Data-quality findings (SPEC §4): inputs that could not be read, were empty or hid
//! sheets, rejected rows, spend no contract covers, currency mismatches, overlapping
//! contracts and unknown products. Built from what ingest and attribution recorded.

use crate::attribute::{BillingTotals, ContractPlan};
use crate::domain::finding::{Finding, FindingType};
use crate::domain::location::Location;
use crate::domain::money::{format_money, format_money_grouped};
use crate::ingest::table::{FileDigest, TableError};
use rust_decimal::Decimal;
use std::path::Path;
use std::sync::Arc;

/// A path as reports show it.
pub fn shown(path: &Path) -> Arc<str> {
    Arc::from(path.display().to_string().as_str())
}

/// A totals row (合计, Total) that disagrees with the rows above it: rows were lost, added
/// or edited after the export, or the totals row is not what it says.
fn totals_row_finding(
    table: &Location,
    totals_row: &crate::attribute::TotalsRow,
) -> Option<Finding> {
    let stated = totals_row.stated?;
    let above = totals_row.above.amount;
    if stated == above {
        return None;
    }
    let difference = stated.checked_sub(above).unwrap_or_default();
    let location = table.at_row(totals_row.row);
    let mut finding = Finding::new(
        FindingType::RejectedRow,
        &format!("{location}|totals"),
        format!(
            "{location}: the totals row states a net amount of {}, but the {} rows above it add up to {} (difference {}); rows may be missing, duplicated or edited.",
            format_money_grouped(stated),
            totals_row.above.rows,
            format_money_grouped(above),
            format_money_grouped(difference)
        ),
    );
    finding.reason = Some("totals_mismatch".into());
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
) -> Vec<Finding> {
    let mut findings = hidden_sheet_findings(path, digest);
    match digest {
        Err(error) => findings.push(unreadable_file(path, error)),
        Ok(_) if !has_table => findings.push(empty_file(path)),
        Ok(_) => {}
    }
    findings
}

fn unreadable_file(path: &Path, error: &TableError) -> Finding {
    let location = Location::file(shown(path));
    let mut finding = Finding::new(
        FindingType::RejectedRow,
        &format!("{location}|file"),
        format!("The file could not be read: {error}"),
    );
    finding.reason = Some("file".into());
    finding.evidence.location = Some(location);
    finding
}

/// Hidden sheets are not read — data a person cannot see in Excel should not move money
/// unseen — but each is reported, so nothing in an input goes unmentioned.
fn hidden_sheet_findings(path: &Path, digest: &Result<FileDigest, TableError>) -> Vec<Finding> {
    let Ok(digest) = digest else {
        return Vec::new();
    };
    digest
        .hidden_sheets
        .iter()
        .map(|sheet| {
            let location = Location::sheet(shown(path), Some(Arc::from(sheet.as_str())));
            let mut finding = Finding::new(
                FindingType::RejectedRow,
                &format!("{location}|hidden"),
                format!("{location}: the sheet is hidden, so its rows were not read; unhide it if it holds data for the audit."),
            );
            finding.reason = Some("hidden_sheet".into());
            finding.evidence.location = Some(location);
            finding
        })
        .collect()
}

/// `1 line`, `2 lines`.
fn count(number: u64, noun: &str) -> String {
    if number == 1 {
        format!("1 {noun}")
    } else {
        format!("{number} {noun}s")
    }
}

fn empty_file(path: &Path) -> Finding {
    let location = Location::file(shown(path));
    let mut finding = Finding::new(
        FindingType::RejectedRow,
        &format!("{location}|empty"),
        format!(
            "{location}: the file holds no table (it is empty or every sheet is blank); an export with no header row is not what was asked for."
        ),
    );
    finding.reason = Some("empty".into());
    finding.evidence.location = Some(location);
    finding
}

/// A `rejected_row` finding for one input row.
pub fn rejected_row_finding(location: &Location, reason: &str, amount: Option<Decimal>) -> Finding {
    let mut finding = Finding::new(
        FindingType::RejectedRow,
        &location.to_string(),
        format!("{location}: {reason}"),
    );
    finding.reason = Some("row".into());
    finding.paid = None;
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
pub fn billing_findings(totals: &BillingTotals, plans: &[ContractPlan]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rejection in &totals.rejections {
        findings.push(rejected_row_finding(
            &rejection.location,
            &rejection.reason,
            rejection.amount,
        ));
    }
    for (file, count) in &totals.rejections_not_kept {
        let location = Location::file(Arc::from(file.as_str()));
        let mut finding = Finding::new(
            FindingType::RejectedRow,
            &format!("{file}|more"),
            format!(
                "{file}: {count} more rows were rejected; only the first {} are listed one by one (the control totals count them all).",
                crate::attribute::MAX_REJECTIONS_PER_FILE
            ),
        );
        finding.reason = Some("row".into());
        finding.evidence.location = Some(location);
        findings.push(finding);
    }
    for control in &totals.tables {
        for totals_row in &control.totals_rows {
            if let Some(finding) = totals_row_finding(&control.table, totals_row) {
                findings.push(finding);
            }
        }
    }
    for ((account, month, currency), (tally, tables)) in &totals.uncovered {
        let mut finding = Finding::new(
            FindingType::UncoveredBilling,
            &format!("{account}|{month}|{currency}"),
            format!(
                "Account {account} spent {} {currency} in {month} ({}) but no contract covers it then; no rebate is claimed on it.",
                format_money_grouped(tally.amount),
                count(tally.rows, "line")
            ),
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
        let mut finding = Finding::new(
            FindingType::CurrencyMismatch,
            &format!("{}|billing|{account}|{month}|{currency}", contract.id),
            format!(
                "Account {account} billed {} {currency} in {month} ({}), but contract {} is in {}; these lines were left out of the rebate base.",
                format_money_grouped(tally.amount),
                count(tally.rows, "line"),
                contract.id,
                contract.currency
            ),
        );
        finding.contract_id = Some(contract.id.clone());
        finding.reason = Some("billing".into());
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
        let mut finding = Finding::new(
            FindingType::OverlappingContracts,
            &format!("{account}|{}|{}", chosen.id, other.id),
            format!(
                "Account {account} is covered by both {} and {} from {first} to {last} ({}, {}); the lines went to {} (earliest start, then lowest id).",
                chosen.id,
                other.id,
                count(tally.rows, "line"),
                format_money_grouped(tally.amount),
                chosen.id
            ),
        );
        finding.contract_id = Some(chosen.id.clone());
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
        let mut finding = Finding::new(
            FindingType::UnknownProduct,
            &format!("{}|{product}", contract.id),
            format!(
                "Product `{product}` ({}, {}) matched no product alias of ruleset {} and is not in contract {}'s products sheet; it was weighted at coefficient 1.",
                count(tally.rows, "line"),
                format_money_grouped(tally.amount),
                contract.ruleset,
                contract.id
            ),
        );
        finding.contract_id = Some(contract.id.clone());
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
