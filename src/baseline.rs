//! Baselines for nightly runs: compare this run's findings with an earlier run's
//! `findings.json` (`--baseline`).
//!
//! Findings are matched by id, which hashes the fact a finding is about and nothing else
//! (contract, period, installment, payout, reason, subject; never an amount, a sentence,
//! a language or a folder), so the same fact has the same id night after night. Each
//! finding of this run is `new` (its id is not in the baseline) or `persisting`; each
//! finding of the baseline whose id is not in this run is `resolved`. With
//! `--fail-on-new`, only new findings at or above `--fail-on` make the exit status 1.

use crate::domain::audit::FINDINGS_SCHEMA as SCHEMA;
use crate::domain::baseline::{BaselineFinding, Changes};
use crate::domain::finding::Finding;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::Path;

/// An earlier run's findings, read from its findings.json.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    /// The file, as named.
    pub path: String,
    /// SHA-256 of its bytes, lower-case hex.
    pub sha256: String,
    /// The baseline run's audit date.
    pub as_of: Option<String>,
    /// Its findings, in its order.
    pub findings: Vec<BaselineFinding>,
}

/// Why a baseline cannot be used (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file cannot be read.
    #[error("--baseline {path}: cannot read it: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a findings.json of this tool.
    #[error(
        "--baseline {path}: expected the findings.json of an earlier run (schema `{SCHEMA}`), found {found}"
    )]
    Schema {
        /// The file.
        path: String,
        /// What it holds instead.
        found: String,
    },
    /// The accruals.csv beside the baseline is not one this tool wrote.
    #[error("--baseline's {path}, row {row}: expected {expected}, found {found}")]
    Accruals {
        /// The accruals.csv.
        path: String,
        /// The row, 1 = the header.
        row: u64,
        /// What was expected.
        expected: String,
        /// What was found.
        found: String,
    },
}

/// The part of findings.json a baseline needs; everything else is skipped unread.
#[derive(Deserialize)]
struct BaselineFile {
    #[serde(default)]
    as_of: Option<String>,
    findings: Vec<BaselineFinding>,
}

/// The schema line alone, checked before the findings are.
#[derive(Deserialize)]
struct Head {
    #[serde(default)]
    schema: Option<serde_json::Value>,
}

impl Baseline {
    /// Reads and checks an earlier run's findings.json.
    ///
    /// # Errors
    /// When the file cannot be read, is not JSON, names another schema or holds findings
    /// without an id or a type.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| BaselineError::Read {
            path: shown.clone(),
            source,
        })?;
        Baseline::from_bytes(&shown, &bytes)
    }

    /// [`Baseline::load`] on bytes already read; `path` names them in errors.
    ///
    /// # Errors
    /// As [`Baseline::load`].
    pub fn from_bytes(path: &str, bytes: &[u8]) -> Result<Baseline, BaselineError> {
        let schema_error = |found: String| BaselineError::Schema {
            path: path.to_string(),
            found,
        };
        let head: Head = serde_json::from_slice(bytes)
            .map_err(|error| schema_error(format!("a file that is not a JSON object ({error})")))?;
        match head.schema {
            Some(serde_json::Value::String(schema)) if schema == SCHEMA => {}
            Some(other) => return Err(schema_error(format!("schema {other}"))),
            None => return Err(schema_error("no `schema` field".into())),
        }
        let file: BaselineFile = serde_json::from_slice(bytes).map_err(|error| {
            schema_error(format!(
                "a `findings` list that is not one of findings with an `id` and a `type` ({error})"
            ))
        })?;
        Ok(Baseline {
            path: path.to_string(),
            sha256: Sha256::digest(bytes)
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect(),
            as_of: file.as_of,
            findings: file.findings,
        })
    }
}

/// Compares `findings` with the baseline's, by id.
pub fn compare(baseline: &Baseline, findings: &[Finding]) -> Changes {
    let before: BTreeSet<&str> = baseline
        .findings
        .iter()
        .map(|finding| finding.id.as_str())
        .collect();
    let now: BTreeSet<&str> = findings.iter().map(|finding| finding.id.as_str()).collect();
    let mut listed = BTreeSet::new();
    let resolved = baseline
        .findings
        .iter()
        .filter(|finding| !now.contains(finding.id.as_str()))
        .filter(|finding| listed.insert(finding.id.as_str()))
        .cloned()
        .collect();
    Changes {
        baseline: baseline.path.clone(),
        baseline_sha256: baseline.sha256.clone(),
        baseline_as_of: baseline.as_of.clone(),
        persisting: now
            .intersection(&before)
            .map(|id| (*id).to_string())
            .collect(),
        resolved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::baseline::Change;
    use crate::domain::finding::{About, Fact, FindingType, Severity};

    fn finding(finding_type: FindingType, payout: &str) -> Finding {
        Finding::new(
            finding_type,
            Fact {
                contract_id: Some("C1"),
                payout_id: Some(payout),
                ..Fact::default()
            },
            About::UnknownContract {
                currency: String::new(),
                named: "C9".into(),
            },
        )
    }

    fn baseline_of(findings: &[Finding]) -> Baseline {
        let listed: Vec<serde_json::Value> = findings
            .iter()
            .map(|finding| {
                serde_json::json!({
                    "id": finding.id,
                    "type": finding.finding_type.word(),
                    "severity": finding.severity.word(),
                    "contract_id": finding.contract_id,
                    "payout_id": finding.payout_id,
                    "detail": format!("about {}", finding.payout_id.as_deref().unwrap_or("")),
                    "evidence": {"facts": {}},
                })
            })
            .collect();
        let text = serde_json::json!({"schema": SCHEMA, "as_of": "2026-05-31", "findings": listed});
        Baseline::from_bytes("prev.json", text.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn findings_are_new_persisting_or_resolved_by_id() {
        let old = finding(FindingType::UnmatchedPayout, "P1");
        let kept = finding(FindingType::MisInvoiced, "P2");
        let fresh = finding(FindingType::UnmatchedPayout, "P3");
        let baseline = baseline_of(&[old.clone(), kept.clone()]);
        let now = vec![kept.clone(), fresh.clone()];
        let changes = compare(&baseline, &now);
        assert_eq!(changes.change(&kept), Change::Persisting);
        assert_eq!(changes.change(&fresh), Change::New);
        assert_eq!(changes.resolved.len(), 1);
        assert_eq!(changes.resolved[0].id, old.id);
        assert_eq!(changes.resolved[0].severity(), Some(Severity::Warning));
        let counts = changes.counts(&now);
        assert_eq!((counts.new, counts.persisting, counts.resolved), (1, 1, 1));
        assert_eq!(counts.new_by_severity["warning"], 1);
        assert_eq!(counts.baseline_as_of.as_deref(), Some("2026-05-31"));
    }

    #[test]
    fn a_file_of_another_schema_is_refused_naming_it() {
        let message = Baseline::from_bytes("x.json", br#"{"schema": "other/v9", "findings": []}"#)
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("--baseline x.json: expected the findings.json"),
            "{message}"
        );
        assert!(message.contains("other/v9"), "{message}");
        for bytes in [&b"not json"[..], b"[]", b"{}"] {
            assert!(Baseline::from_bytes("x.json", bytes).is_err());
        }
        let message = Baseline::from_bytes(
            "x.json",
            format!(r#"{{"schema": "{SCHEMA}", "findings": [{{"type": "late"}}]}}"#).as_bytes(),
        )
        .unwrap_err()
        .to_string();
        assert!(message.contains("`id`"), "{message}");
    }
}
