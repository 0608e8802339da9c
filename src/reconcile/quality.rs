//! Data-quality findings (docs/ARITHMETIC.md): inputs that could not be read, were empty or hid
//! sheets, rejected rows, spend no contract covers, currency mismatches, overlapping
//! contracts and unknown products. Built from what ingest and attribution recorded.

use crate::attribute::{BillingTotals, ContractPlan};
use crate::domain::contract::Contract;
use crate::domain::contract::DateRange;
use crate::domain::controls::Tally;
use crate::domain::expected::RowReason;
use crate::domain::finding::{About, Fact, Finding, FindingType, Reason, Severity};
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
fn fact(subject: &str, reason: Option<Reason>) -> Fact<'_> {
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
        fact(&subject(&location), Some(Reason::TotalsMismatch)),
        About::TotalsMismatch {
            stated,
            rows: totals_row.above.rows,
            above,
        },
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
) -> Vec<Finding> {
    let mut findings = hidden_sheet_findings(path, digest);
    findings.extend(refused_member_findings(path, digest));
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
        fact(&subject(&location), Some(Reason::File)),
        About::UnreadableFile {
            error: error.to_string(),
        },
    );
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
                fact(&subject(&location), Some(Reason::HiddenSheet)),
                About::HiddenSheet,
            );
            finding.evidence.location = Some(location);
            finding
        })
        .collect()
}

/// Members of a tar archive that are no plain file inside it (a link, a device, a path
/// leading outside) are not read, and each is reported, naming archive and member.
fn refused_member_findings(path: &Path, digest: &Result<FileDigest, TableError>) -> Vec<Finding> {
    let Ok(digest) = digest else {
        return Vec::new();
    };
    digest
        .refused_members
        .iter()
        .map(|(member, why)| {
            let location = Location::sheet(shown(path), Some(Arc::from(member.as_str())));
            let mut finding = Finding::new(
                FindingType::RejectedRow,
                fact(&subject(&location), Some(Reason::File)),
                About::RefusedMember { why: *why },
            );
            finding.evidence.location = Some(location);
            finding
        })
        .collect()
}

fn empty_file(path: &Path) -> Finding {
    let location = Location::file(shown(path));
    let mut finding = Finding::new(
        FindingType::RejectedRow,
        fact(&subject(&location), Some(Reason::Empty)),
        About::EmptyFile,
    );
    finding.evidence.location = Some(location);
    finding
}

/// A `rejected_row` finding for one input row. `reason` says why, as the reader wrote it
/// (it names the column and the value found).
pub fn rejected_row_finding(
    location: &Location,
    reason: &RowReason,
    amount: Option<Decimal>,
) -> Finding {
    let mut finding = Finding::new(
        FindingType::RejectedRow,
        fact(&subject(location), Some(Reason::Row)),
        About::RejectedRow {
            message: reason.clone(),
        },
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
            fact(&format!("{}|more", subject(&location)), Some(Reason::Row)),
            About::MoreRejections {
                file: file.clone(),
                count: *count,
                listed: crate::attribute::MAX_REJECTIONS_PER_FILE,
            },
        );
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
            fact(&format!("{account}|{month}|{currency}"), None),
            About::Uncovered {
                account: account.clone(),
                month: *month,
                currency: currency.clone(),
                rows: tally.rows,
            },
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
        let subject = format!("{account}|{month}|{currency}");
        let mut finding = Finding::new(
            FindingType::CurrencyMismatch,
            Fact {
                contract_id: Some(&contract.id),
                reason: Some(Reason::Billing),
                subject: Some(&subject),
                ..Fact::default()
            },
            About::BillingCurrency {
                account: account.clone(),
                month: *month,
                found: currency.clone(),
                expected: contract.currency.clone(),
                rows: tally.rows,
            },
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
        let subject = format!("{account}|{}", other.id);
        let mut finding = Finding::new(
            FindingType::OverlappingContracts,
            Fact {
                contract_id: Some(&chosen.id),
                subject: Some(&subject),
                ..Fact::default()
            },
            About::Overlap {
                account: account.clone(),
                other: other.id.clone(),
                dates: DateRange {
                    first: *first,
                    last: *last,
                },
                rows: tally.rows,
                currency: chosen.currency.clone(),
            },
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
        findings.push(unknown_product(&plans[*contract].contract, product, tally));
    }
    findings
}

/// A product no alias matched, weighted at 1 for `contract`: a warning when the contract
/// weights some product other than 1 (a `products` row with another coefficient), since
/// the product may be one of those and its 1 then a wrong base; an info finding otherwise,
/// where 1 is what every product takes.
fn unknown_product(contract: &Contract, product: &str, tally: &Tally) -> Finding {
    let weighted: Vec<(String, Decimal)> = contract
        .products
        .iter()
        .filter(|(_, coefficient)| **coefficient != Decimal::ONE)
        .map(|(listed, coefficient)| (listed.clone(), *coefficient))
        .collect();
    let subject = format!("product {product}");
    let mut finding = Finding::new(
        FindingType::UnknownProduct,
        Fact {
            contract_id: Some(&contract.id),
            subject: Some(&subject),
            ..Fact::default()
        },
        About::UnknownProduct {
            product: product.to_string(),
            rows: tally.rows,
            currency: contract.currency.clone(),
            ruleset: contract.ruleset.clone(),
            weighted: weighted.clone(),
        },
    );
    finding.amount = Some(tally.amount);
    finding.evidence.facts = vec![
        ("product".into(), product.to_string()),
        ("coefficient".into(), "1".into()),
        ("rows".into(), tally.rows.to_string()),
        ("net_amount".into(), format_money(tally.amount)),
    ];
    if !weighted.is_empty() {
        finding.severity = Severity::Warning;
        let weights: Vec<String> = weighted
            .iter()
            .map(|(listed, coefficient)| format!("{listed} {}", coefficient.normalize()))
            .collect();
        finding
            .evidence
            .facts
            .push(("weighted_products".into(), weights.join(", ")));
    }
    finding
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An unknown product takes coefficient 1; whether that can change the contract's
    /// weighted base depends on its `products` rows. Five contracts, one table:
    ///
    /// | products rows         | severity | weighted_products |
    /// |-----------------------|----------|-------------------|
    /// | none                  | info     | —                 |
    /// | ecs 1                 | info     | —                 |
    /// | rds 0.5               | warning  | rds 0.5           |
    /// | ecs 1, slb 0          | warning  | slb 0             |
    /// | ecs 1.2, oss 1, rds 0.50 | warning | ecs 1.2, rds 0.5 |
    ///
    /// The finding's id does not depend on the rows (the same fact keeps its id).
    #[test]
    fn an_unknown_product_warns_only_where_the_contract_weights_another_product_otherwise() {
        use crate::domain::contract::Settlement;
        use crate::domain::settlement::tests::contract;
        use crate::domain::test_support::d;
        // (products rows, severity, weighted_products fact)
        type Row<'a> = (&'a [(&'a str, &'a str)], Severity, Option<&'a str>);
        let table: [Row<'_>; 5] = [
            (&[], Severity::Info, None),
            (&[("ecs", "1")], Severity::Info, None),
            (&[("rds", "0.5")], Severity::Warning, Some("rds 0.5")),
            (
                &[("ecs", "1"), ("slb", "0")],
                Severity::Warning,
                Some("slb 0"),
            ),
            (
                &[("ecs", "1.2"), ("oss", "1"), ("rds", "0.50")],
                Severity::Warning,
                Some("ecs 1.2, rds 0.5"),
            ),
        ];
        let tally = Tally {
            rows: 2,
            amount: d("1500.00"),
        };
        let mut ids = Vec::new();
        for (rows, severity, weighted) in table {
            let mut contract = contract("2025-01-01", "2025-12-31", Settlement::Monthly);
            contract.products = rows
                .iter()
                .map(|(product, coefficient)| ((*product).to_string(), d(coefficient)))
                .collect();
            let finding = unknown_product(&contract, "Quantum Annealer", &tally);
            assert_eq!(finding.severity, severity, "{rows:?}");
            assert_eq!(finding.finding_type, FindingType::UnknownProduct);
            assert_eq!(finding.amount, Some(d("1500.00")));
            let fact = |key: &str| {
                finding
                    .evidence
                    .facts
                    .iter()
                    .find(|(name, _)| name == key)
                    .map(|(_, value)| value.as_str())
            };
            assert_eq!(fact("coefficient"), Some("1"), "{rows:?}");
            assert_eq!(fact("product"), Some("Quantum Annealer"));
            assert_eq!(fact("weighted_products"), weighted, "{rows:?}");
            let About::UnknownProduct {
                weighted: listed, ..
            } = &finding.about
            else {
                panic!("{:?}", finding.about);
            };
            assert_eq!(listed.is_empty(), weighted.is_none(), "{rows:?}");
            ids.push(finding.id);
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "one fact, one id");
    }

    #[test]
    fn ids_know_a_file_by_its_name_not_its_folder() {
        let here = Location::sheet("bills/2025/bill.xlsx".into(), Some("Sheet1".into()))
            .at_row(7)
            .at_column("amount");
        let there = Location::sheet("/tmp/run-2/bill.xlsx".into(), Some("Sheet1".into()))
            .at_row(7)
            .at_column("amount");
        assert_eq!(subject(&here), "bill.xlsx:Sheet1:7:amount");
        let reason = &"amount: expected money, found `x`".into();
        let a = rejected_row_finding(&here, reason, None);
        let b = rejected_row_finding(&there, reason, None);
        assert_eq!(a.id, b.id);
        assert_eq!(a.reason, Some(Reason::Row));
        assert_eq!(
            b.about,
            About::RejectedRow {
                message: reason.clone()
            }
        );
        assert_eq!(b.evidence.location, Some(there));
    }

    /// Every data-quality id is the hash of its fact, subject included: the same fact keeps
    /// its id from run to run, and two accounts, months, products or tables never share one.
    #[test]
    fn data_quality_ids_are_made_of_their_subjects() {
        use crate::attribute::{BillingTotals, ContractPlan};
        use crate::domain::controls::{TableControl, Tally, TotalsRow};
        use crate::domain::finding::finding_id;
        use crate::domain::settlement::tests::contract;
        use crate::domain::test_support::{d, day};
        let mut covered = contract(
            "2025-01-01",
            "2025-12-31",
            crate::domain::contract::Settlement::Monthly,
        );
        covered.id = "C1".into();
        let mut other = covered.clone();
        other.id = "C2".into();
        let plans = vec![ContractPlan::new(covered), ContractPlan::new(other)];
        let mut totals = BillingTotals::new(&plans);
        let tally = Tally {
            rows: 2,
            amount: d("50"),
        };
        let month = crate::domain::period::YearMonth::new(2025, 3).unwrap();
        totals
            .uncovered
            .insert(("Z9".into(), month, "CNY".into()), (tally, vec![]));
        totals
            .currency_mismatches
            .insert((0, "A1".into(), month, "USD".into()), (tally, vec![]));
        totals.overlaps.insert(
            ("A1".into(), 0, 1),
            (tally, day("2025-03-01"), day("2025-03-31")),
        );
        totals.unknown_products.insert((0, "widget".into()), tally);
        totals.tables.push(TableControl {
            table: Location::sheet("in/bill.xlsx".into(), Some("Sheet1".into())),
            layout: None,
            read: tally,
            attributed: tally,
            excluded: Default::default(),
            rejected: Tally::default(),
            blank_rows: 0,
            rows_above_header: 0,
            totals_rows: vec![TotalsRow {
                row: 9,
                stated: Some(d("51")),
                above: tally,
            }],
        });
        let findings = billing_findings(&totals, &plans);
        let id = |finding_type, fact: Fact<'_>| finding_id(finding_type, &fact);
        let expected = [
            id(
                FindingType::RejectedRow,
                Fact {
                    subject: Some("bill.xlsx:Sheet1:9"),
                    reason: Some(Reason::TotalsMismatch),
                    ..Fact::default()
                },
            ),
            id(
                FindingType::UncoveredBilling,
                Fact {
                    subject: Some("Z9|2025-03|CNY"),
                    ..Fact::default()
                },
            ),
            id(
                FindingType::CurrencyMismatch,
                Fact {
                    contract_id: Some("C1"),
                    reason: Some(Reason::Billing),
                    subject: Some("A1|2025-03|USD"),
                    ..Fact::default()
                },
            ),
            id(
                FindingType::OverlappingContracts,
                Fact {
                    contract_id: Some("C1"),
                    subject: Some("A1|C2"),
                    ..Fact::default()
                },
            ),
            id(
                FindingType::UnknownProduct,
                Fact {
                    contract_id: Some("C1"),
                    subject: Some("product widget"),
                    ..Fact::default()
                },
            ),
        ];
        let ids: Vec<&str> = findings.iter().map(|finding| finding.id.as_str()).collect();
        assert_eq!(ids, expected.iter().map(String::as_str).collect::<Vec<_>>());
    }

    /// A file is reported once for what is wrong with it as a whole: unreadable, no table,
    /// or each hidden sheet; a readable file with a table and no hidden sheet is not.
    #[test]
    fn whole_files_are_reported_unreadable_empty_or_with_hidden_sheets() {
        use crate::domain::finding::finding_id;
        let path = Path::new("in/2025/bill.xlsx");
        let digest = |hidden: &[&str]| -> Result<FileDigest, TableError> {
            Ok(FileDigest {
                sha256: String::new(),
                bytes: 1,
                encoding: None,
                hidden_sheets: hidden.iter().map(|sheet| (*sheet).to_string()).collect(),
                refused_members: Vec::new(),
            })
        };
        let about = |findings: Vec<Finding>| -> Vec<(Option<Reason>, String)> {
            findings
                .into_iter()
                .map(|finding| (finding.reason, finding.id))
                .collect()
        };
        let id = |subject: &str, reason| {
            finding_id(
                FindingType::RejectedRow,
                &Fact {
                    subject: Some(subject),
                    reason: Some(reason),
                    ..Fact::default()
                },
            )
        };
        assert_eq!(about(file_findings(path, &digest(&[]), true)), []);
        assert_eq!(
            about(file_findings(path, &digest(&[]), false)),
            [(Some(Reason::Empty), id("bill.xlsx", Reason::Empty))]
        );
        assert_eq!(
            about(file_findings(path, &digest(&["Old", "Draft"]), true)),
            [
                (
                    Some(Reason::HiddenSheet),
                    id("bill.xlsx:Old", Reason::HiddenSheet)
                ),
                (
                    Some(Reason::HiddenSheet),
                    id("bill.xlsx:Draft", Reason::HiddenSheet)
                ),
            ]
        );
        let unreadable: Result<FileDigest, TableError> = Err(TableError::Io {
            location: Location::file(shown(path)),
            source: std::io::Error::other("gone"),
        });
        let findings = file_findings(path, &unreadable, false);
        assert_eq!(
            about(findings.clone()),
            [(Some(Reason::File), id("bill.xlsx", Reason::File))]
        );
        assert!(
            matches!(&findings[0].about, About::UnreadableFile { error } if error.contains("gone"))
        );
    }

    /// Each tar member refused unread is its own finding, reason `file`, at
    /// `archive:member`; the archive's other members are read, so it is not also empty.
    #[test]
    fn refused_archive_members_are_reported_one_by_one() {
        use crate::domain::finding::MemberRefusal;
        let path = Path::new("in/customerBill_202503.tar.gz");
        let digest = Ok(FileDigest {
            sha256: String::new(),
            bytes: 1,
            encoding: Some("UTF-8"),
            hidden_sheets: Vec::new(),
            refused_members: vec![
                ("../x.csv".into(), MemberRefusal::LeavesArchive),
                ("link.csv".into(), MemberRefusal::Symlink),
            ],
        });
        let findings = file_findings(path, &digest, true);
        let found: Vec<(String, Option<Reason>, About)> = findings
            .into_iter()
            .map(|finding| {
                (
                    finding.evidence.location.unwrap().to_string(),
                    finding.reason,
                    finding.about,
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "in/customerBill_202503.tar.gz:../x.csv".to_string(),
                    Some(Reason::File),
                    About::RefusedMember {
                        why: MemberRefusal::LeavesArchive
                    }
                ),
                (
                    "in/customerBill_202503.tar.gz:link.csv".to_string(),
                    Some(Reason::File),
                    About::RefusedMember {
                        why: MemberRefusal::Symlink
                    }
                ),
            ]
        );
    }
}
