//! The read-billing stage: every billing file read into its own ledger of running sums on
//! the worker threads — a large UTF-8 CSV in parts on every core — and the ledgers merged
//! in file order, so the totals are the ones a single pass gives.

use crate::app::custody::input_file;
use crate::app::progress::Progress;
use crate::app::services::{Services, StageError};
use crate::attribute::{Attributor, BillingTotals, ContractIndex, ContractPlan, FileLedger};
use crate::domain::audit::{InputFile, InputRole};
use crate::domain::finding::{About, Fact, Finding, FindingType, Reason};
use crate::domain::location::Location;
use crate::domain::money::Overflow;
use crate::ingest::billing::BillingReader;
use crate::ingest::missing_columns::{TableProblem, TableProblems};
use crate::ingest::split;
use crate::ingest::table::{self, FileDigest};
use crate::reconcile::quality::{self, shown};
use crate::ruleset::{Ruleset, Rulesets};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tracing::field::Empty;

/// What the billing files hold, summed.
#[derive(Debug)]
pub struct BillingStage {
    /// The running sums per contract, period and source, and the control totals.
    pub totals: BillingTotals,
    /// The billing files, for chain of custody.
    pub inputs: Vec<InputFile>,
    /// Unreadable files, rejected rows, duplicate files, uncovered spend, currency
    /// mismatches, overlapping contracts and unknown products.
    pub findings: Vec<Finding>,
}

/// Read billing: one ledger per file, in parallel, merged in file order.
///
/// # Errors
/// When the running sums overflow, or the run is interrupted.
pub fn read_billing(
    files: &[PathBuf],
    layouts: &[&Ruleset],
    plans: &[ContractPlan],
    rulesets: &Rulesets,
    services: Services<'_>,
) -> Result<BillingStage, StageError> {
    let span = tracing::info_span!(
        "stage",
        stage = "read billing",
        files = files.len(),
        tables = Empty,
        rows = Empty
    )
    .entered();
    let index = ContractIndex::new(plans, rulesets);
    let overflow = |Overflow| StageError::Overflow("(billing totals)".into());
    services.progress.set_total(
        files
            .iter()
            .filter_map(|path| std::fs::metadata(path).ok())
            .map(|metadata| metadata.len())
            .sum(),
    );
    let ledgers: Vec<FileRead> = files
        .par_iter()
        .map(|path| read_file(path, layouts, &index, services))
        .collect::<Result<_, Overflow>>()
        .map_err(overflow)?;
    services.progress.finish();
    let problems: Vec<TableProblem> = ledgers
        .iter()
        .flat_map(|(_, _, problems)| problems.iter().cloned())
        .collect();
    if !problems.is_empty() {
        return Err(TableProblems {
            what: "billing exports",
            problems,
        }
        .into());
    }
    let mut stage = BillingStage {
        totals: BillingTotals::new(plans),
        inputs: Vec::new(),
        findings: Vec::new(),
    };
    let mut first_copy: HashMap<String, &Path> = HashMap::new();
    for (path, (digest, ledger, _)) in files.iter().zip(ledgers) {
        let rows = ledger.tables.iter().map(|table| table.read.rows).sum();
        let mut input = input_file(InputRole::Billing, path, &digest, rows);
        for table in &ledger.tables {
            if let Some(format) = &table.layout
                && !input.formats.contains(format)
            {
                input.formats.push(format.clone());
            }
        }
        stage.inputs.push(input);
        stage.findings.extend(quality::file_findings(
            path,
            &digest,
            !ledger.tables.is_empty(),
        ));
        // A second copy of a bill already read (same SHA-256, under another name) is
        // reported and not counted again.
        if let Ok(digest) = &digest
            && rows > 0
        {
            if let Some(first) = first_copy.get(&digest.sha256) {
                stage.findings.push(duplicate_file(path, first));
                continue;
            }
            first_copy.insert(digest.sha256.clone(), path);
        }
        stage.totals.absorb(ledger).map_err(overflow)?;
    }
    services.cancel.check()?;
    stage
        .findings
        .extend(quality::billing_findings(&stage.totals, plans));
    span.record("tables", stage.totals.tables.len());
    span.record(
        "rows",
        stage
            .totals
            .tables
            .iter()
            .map(|table| table.read.rows)
            .sum::<u64>(),
    );
    Ok(stage)
}

/// A `rejected_row` finding (reason `duplicate_file`) for a billing file whose bytes are
/// those of an earlier one: its rows are not counted twice.
fn duplicate_file(path: &Path, first: &Path) -> Finding {
    let location = Location::file(shown(path));
    let subject = quality::subject(&location);
    let fact = Fact {
        subject: Some(&subject),
        reason: Some(Reason::DuplicateFile),
        ..Default::default()
    };
    let mut finding = Finding::new(
        FindingType::RejectedRow,
        fact,
        About::DuplicateFile {
            first: shown(first).to_string(),
        },
    );
    finding.evidence.location = Some(location);
    finding
}

/// One billing file read: its digest (or why it could not be read), its ledger, and the
/// tables that stop the audit.
type FileRead = (
    Result<FileDigest, table::TableError>,
    FileLedger,
    Vec<TableProblem>,
);

/// Reads one billing file into its ledger: a large UTF-8 CSV in parts on every core
/// (merged in file order, so the ledger is the one a single pass gives), anything else in
/// one pass; and the tables that stop the audit ([`BillingReader::finish`]).
fn read_file(
    path: &Path,
    layouts: &[&Ruleset],
    index: &ContractIndex<'_>,
    services: Services<'_>,
) -> Result<FileRead, Overflow> {
    let file = shown(path);
    let progress: &Progress = services.progress;
    if services.cancel.is_set() {
        let interrupted = table::TableError::Io {
            location: Location::file(file),
            source: std::io::Error::other("interrupted"),
        };
        return Ok((
            Err(interrupted),
            Attributor::new(index).finish()?,
            Vec::new(),
        ));
    }
    let plan = match split::plan(path, file.clone()) {
        Ok(Some(plan)) => plan,
        Ok(None) => {
            let mut reader = BillingReader::new(layouts.to_vec(), Attributor::new(index));
            let digest = table::read_file(path, file, &mut reader, services.limits);
            progress.advance(std::fs::metadata(path).map_or(0, |metadata| metadata.len()));
            let (sink, problems) = reader.finish();
            return Ok((digest, sink.finish()?, problems));
        }
        Err(error) => return Ok((Err(error), Attributor::new(index).finish()?, Vec::new())),
    };
    let part_size = |part: &split::CsvPart| part.end - part.start;
    let mut first = BillingReader::new(layouts.to_vec(), Attributor::new(index));
    if let Err(error) = split::read_part(
        path,
        file.clone(),
        &plan,
        0,
        services.limits.csv_record_bytes,
        &mut first,
    ) {
        let (sink, problems) = first.finish();
        return Ok((Err(error), sink.finish()?, problems));
    }
    progress.advance(part_size(&plan.parts[0]));
    let Some(position) = first.position() else {
        // The header is not settled after the first part (an odd file): read on in order.
        for part in 1..plan.parts.len() {
            if let Err(error) = split::read_part(
                path,
                file.clone(),
                &plan,
                part,
                services.limits.csv_record_bytes,
                &mut first,
            ) {
                let (sink, problems) = first.finish();
                return Ok((Err(error), sink.finish()?, problems));
            }
            progress.advance(part_size(&plan.parts[part]));
        }
        let (sink, problems) = first.finish();
        return Ok((Ok(plan.digest), sink.finish()?, problems));
    };
    let later: Vec<(Result<(), table::TableError>, Result<FileLedger, Overflow>)> =
        (1..plan.parts.len())
            .into_par_iter()
            .map(|part| {
                let mut reader = BillingReader::resume(&position, Attributor::new(index));
                if services.cancel.is_set() {
                    return (Ok(()), reader.into_sink().finish());
                }
                let read = split::read_part(
                    path,
                    file.clone(),
                    &plan,
                    part,
                    services.limits.csv_record_bytes,
                    &mut reader,
                );
                progress.advance(part_size(&plan.parts[part]));
                (read, reader.into_sink().finish())
            })
            .collect();
    let (sink, problems) = first.finish();
    let mut ledger = sink.finish()?;
    let mut digest = Ok(plan.digest);
    for (read, part_ledger) in later {
        if let (Err(error), Ok(_)) = (read, &digest) {
            digest = Err(error);
        }
        ledger.append(part_ledger?)?;
    }
    Ok((digest, ledger, problems))
}
