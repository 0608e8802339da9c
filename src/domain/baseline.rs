//! This run against an earlier run's findings (`--baseline`): which findings are new,
//! which persist and which of the earlier ones are resolved. Findings are matched by id,
//! which hashes the fact a finding is about and nothing else.

use super::finding::{Finding, Severity};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A finding of the baseline, as its findings.json states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineFinding {
    /// Its id.
    pub id: String,
    /// Its type (`underpaid`, …).
    #[serde(rename = "type")]
    pub finding_type: String,
    /// Its severity (`error`, `warning`, `info`).
    #[serde(default)]
    pub severity: Option<String>,
    /// The contract.
    #[serde(default)]
    pub contract_id: Option<String>,
    /// The period's first day.
    #[serde(default)]
    pub period_start: Option<String>,
    /// The period's last day.
    #[serde(default)]
    pub period_end: Option<String>,
    /// The installment.
    #[serde(default)]
    pub installment: Option<u32>,
    /// The payout.
    #[serde(default)]
    pub payout_id: Option<String>,
    /// The reason.
    #[serde(default)]
    pub reason: Option<String>,
    /// The sentence, in the baseline's language.
    #[serde(default)]
    pub detail: String,
}

impl BaselineFinding {
    /// Its severity, when the baseline states one this version knows.
    pub fn severity(&self) -> Option<Severity> {
        self.severity.as_deref().and_then(Severity::from_word)
    }
}

/// Whether a finding of this run was in the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// Not in the baseline.
    New,
    /// In the baseline too.
    Persisting,
}

impl Change {
    /// `new` or `persisting`, as findings.json writes it.
    pub fn word(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Persisting => "persisting",
        }
    }
}

/// This run against its baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// The baseline file, as named.
    pub baseline: String,
    /// Its SHA-256.
    pub baseline_sha256: String,
    /// Its audit date.
    pub baseline_as_of: Option<String>,
    /// Ids of this run's findings that the baseline has too.
    pub persisting: BTreeSet<String>,
    /// The baseline's findings this run no longer has, in the baseline's order.
    pub resolved: Vec<BaselineFinding>,
}

/// The counts findings.json writes under `totals.changes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeCounts {
    /// The baseline file, as named.
    pub baseline: String,
    /// Its SHA-256.
    pub baseline_sha256: String,
    /// Its audit date.
    pub baseline_as_of: Option<String>,
    /// Findings not in the baseline.
    pub new: usize,
    /// Findings in the baseline too.
    pub persisting: usize,
    /// Baseline findings gone.
    pub resolved: usize,
    /// New findings by severity.
    pub new_by_severity: BTreeMap<&'static str, usize>,
    /// Resolved findings by severity (as the baseline states it).
    pub resolved_by_severity: BTreeMap<String, usize>,
}

impl Changes {
    /// Whether `finding` is new or was in the baseline.
    pub fn change(&self, finding: &Finding) -> Change {
        if self.persisting.contains(&finding.id) {
            Change::Persisting
        } else {
            Change::New
        }
    }

    /// The counts, over this run's `findings`.
    pub fn counts(&self, findings: &[Finding]) -> ChangeCounts {
        let mut new_by_severity: BTreeMap<&'static str, usize> = [
            (Severity::Error.word(), 0),
            (Severity::Warning.word(), 0),
            (Severity::Info.word(), 0),
        ]
        .into_iter()
        .collect();
        let mut new = 0;
        for finding in findings {
            if self.change(finding) == Change::New {
                new += 1;
                *new_by_severity.entry(finding.severity.word()).or_insert(0) += 1;
            }
        }
        let mut resolved_by_severity: BTreeMap<String, usize> = BTreeMap::new();
        for finding in &self.resolved {
            *resolved_by_severity
                .entry(finding.severity.clone().unwrap_or_else(|| "unknown".into()))
                .or_insert(0) += 1;
        }
        ChangeCounts {
            baseline: self.baseline.clone(),
            baseline_sha256: self.baseline_sha256.clone(),
            baseline_as_of: self.baseline_as_of.clone(),
            new,
            persisting: findings.len() - new,
            resolved: self.resolved.len(),
            new_by_severity,
            resolved_by_severity,
        }
    }
}
