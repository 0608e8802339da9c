//! How report.html lists findings and trails: inline for a small audit, as a contract
//! index with trails on demand for a large one; and where each contract's trail is.

use crate::domain::audit::Audit;
use crate::domain::lang::Lang;
use crate::report::evidence;
use crate::report::html_parts::escape;
use std::collections::{BTreeSet, HashMap};

/// Above this many findings or contracts the page is a large audit's: the findings with
/// the most at stake, a chart of the contracts short the most and the contract index,
/// each contract's trail on demand (`contracts.rs`); up to it, every finding with its trail
/// inline, as a small audit always had it.
const INLINE_FINDINGS: usize = 500;
const INLINE_CONTRACTS: usize = 200;

/// How the page lists findings and trails.
pub(super) enum Layout {
    /// Every finding with its trail below it.
    Inline,
    /// The largest findings, and the contract index with each contract's trail carried
    /// compactly and opened on demand.
    Index(ContractIndex),
}

impl Layout {
    pub(super) fn of(audit: &Audit) -> Layout {
        if audit.findings.len() > INLINE_FINDINGS || audit.contracts.len() > INLINE_CONTRACTS {
            Layout::Index(ContractIndex::new(audit))
        } else {
            Layout::Inline
        }
    }
}

/// Where each contract's trail is: its position among the audit's contracts (the data
/// block's number) and its evidence file's name, as the run writes it.
pub(super) struct ContractIndex {
    names: Vec<String>,
    pub(super) position: HashMap<String, usize>,
}

impl ContractIndex {
    /// The index of an audit's contracts; evidence file names as [`crate::report::reports`]
    /// gives them (a case-insensitive clash gets `-2`, `-3`, …).
    pub(super) fn new(audit: &Audit) -> Self {
        let mut taken = BTreeSet::new();
        let mut names = Vec::with_capacity(audit.contracts.len());
        let mut position = HashMap::with_capacity(audit.contracts.len());
        for (at, result) in audit.contracts.iter().enumerate() {
            let mut name = evidence::file_name(&result.contract.id);
            let mut suffix = 2;
            while !taken.insert(name.to_lowercase()) {
                name = format!("{}-{suffix}", evidence::file_name(&result.contract.id));
                suffix += 1;
            }
            names.push(name);
            position.entry(result.contract.id.clone()).or_insert(at);
        }
        ContractIndex { names, position }
    }

    /// A link to a contract's trail showing its id: the script opens the trail in the
    /// page; without it the link opens the evidence file.
    pub(super) fn link(&self, contract: &str, _lang: Lang) -> Option<String> {
        let at = *self.position.get(contract)?;
        Some(self.anchor(at, &escape(contract)))
    }

    pub(super) fn anchor(&self, at: usize, text: &str) -> String {
        format!(
            "<a class=\"trail-link\" href=\"evidence/{}.md\" data-trail=\"{at}\">{text}</a>",
            escape(&self.names[at])
        )
    }
}
