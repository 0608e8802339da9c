//! A validated ruleset: defaults, rounding, the billing format, product aliases and
//! coefficients. Loaded and validated once at start; the rest of the audit only reads it.

use super::format::BillingFormat;
use crate::domain::money::Rounding;
use crate::domain::words::fold;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// A validated ruleset.
#[derive(Debug, Clone, PartialEq)]
pub struct Ruleset {
    /// File stem, e.g. `generic`.
    pub name: String,
    /// Provider word it serves.
    pub provider: String,
    /// One line saying what it is for.
    pub description: String,
    /// Differences up to this are not findings.
    pub tolerance: Decimal,
    /// Default grace days.
    pub grace_days: i64,
    /// Days an invoice may trail its payout.
    pub invoice_window_days: i64,
    /// Rounding rule for every amount.
    pub rounding: Rounding,
    /// The limitation period of claims, when the ruleset has a `[limitation]` table.
    pub limitation: Option<crate::domain::limitation::LimitationRule>,
    /// The billing-export layout this ruleset recognises, if it has one.
    pub format: Option<BillingFormat>,
    /// Lower-case alias (and canonical name) as written → canonical product name: the
    /// names a contract's `products` sheet is offered.
    pub(super) product_aliases: HashMap<String, String>,
    /// The same aliases folded ([`fold`]: case, full width, spaces, `_` and `-` ignored)
    /// → canonical product name: what a billed name is looked up in, so `负载均衡CLB`,
    /// `负载均衡 CLB` and `负载均衡ｃｌｂ` are one name.
    pub(super) folded_aliases: HashMap<String, String>,
    /// Lower-case canonical product name → default coefficient.
    pub(super) coefficients: BTreeMap<String, Decimal>,
    /// The agent-statement export this ruleset recognises, if it has one.
    pub statement: Option<super::statement::StatementLayout>,
    /// Where it was loaded from (`built-in` or a path).
    pub origin: String,
    /// SHA-256 of the exact TOML text parsed, for chains of custody (a file changed after
    /// loading cannot pass for the one the audit used).
    pub sha256: String,
}

/// What a product name resolves to under a ruleset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductName {
    /// The canonical name (or the name as billed, trimmed, when no alias matched).
    pub name: String,
    /// Whether an alias matched.
    pub known: bool,
}

impl Ruleset {
    /// Resolves a billed product name through the aliases, compared folded.
    pub fn product(&self, billed: &str) -> ProductName {
        let billed = billed.trim();
        match self.folded_aliases.get(&fold(billed)) {
            Some(canonical) => ProductName {
                name: canonical.clone(),
                known: true,
            },
            None => ProductName {
                name: billed.to_string(),
                known: false,
            },
        }
    }

    /// The ruleset's default coefficient for a canonical product name.
    pub fn coefficient(&self, product: &str) -> Option<Decimal> {
        self.coefficients.get(&product.to_lowercase()).copied()
    }

    /// Every name a product may be written as under this ruleset — each alias and
    /// canonical code, in lower case — with the canonical code it means, sorted: what a
    /// contract's `products` sheet may name, and what a misspelt name is compared with.
    pub fn product_names(&self) -> Vec<(&str, &str)> {
        let mut names: Vec<(&str, &str)> = self
            .product_aliases
            .iter()
            .map(|(alias, canonical)| (alias.as_str(), canonical.as_str()))
            .chain(
                self.coefficients
                    .keys()
                    .map(|code| (code.as_str(), code.as_str())),
            )
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The billing format, which every ruleset listed by [`super::Rulesets::billing_layouts`] has.
    pub fn billing_format(&self) -> Option<&BillingFormat> {
        self.format.as_ref()
    }
}
