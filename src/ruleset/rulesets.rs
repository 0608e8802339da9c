//! Every ruleset in force: the built-in files, overridden and extended by a user's own
//! (`--rulesets DIR`, files replacing built-in ones of the same name).

use super::built_in::BUILT_IN;
use super::error::RulesetError;
use super::rules::Ruleset;
use std::collections::BTreeMap;
use std::path::Path;

/// The name of the fallback ruleset.
pub const GENERIC: &str = "generic";

/// Every ruleset in force, by name.
#[derive(Debug, Clone)]
pub struct Rulesets {
    by_name: BTreeMap<String, Ruleset>,
}

impl Rulesets {
    /// The built-in rulesets, overridden and extended by the `*.toml` files in `folder`.
    ///
    /// # Errors
    /// When the folder cannot be read or any ruleset in it is invalid.
    pub fn load(folder: Option<&Path>) -> Result<Rulesets, RulesetError> {
        let mut by_name = BTreeMap::new();
        for (name, text) in BUILT_IN {
            let ruleset = Ruleset::parse(name, &format!("built-in rulesets/{name}.toml"), text)?;
            by_name.insert((*name).to_string(), ruleset);
        }
        if let Some(folder) = folder {
            let io_error = |source| RulesetError::Io {
                path: folder.display().to_string(),
                source,
            };
            let mut paths: Vec<_> = std::fs::read_dir(folder)
                .map_err(io_error)?
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| {
                    path.extension()
                        .is_some_and(|extension| extension == "toml")
                })
                .collect();
            paths.sort();
            for path in paths {
                let origin = path.display().to_string();
                let text = std::fs::read_to_string(&path).map_err(|source| RulesetError::Io {
                    path: origin.clone(),
                    source,
                })?;
                let name = path
                    .file_stem()
                    .map(|stem| stem.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let ruleset = Ruleset::parse(&name, &origin, &text)?;
                by_name.insert(name, ruleset);
            }
        }
        // The generic aliases are every ruleset's fallback: a provider's ruleset lists its
        // own names, and cross-provider ones (CDN, Virtual Machines) resolve everywhere.
        if let Some((generic, folded)) = by_name.get(GENERIC).map(|generic| {
            (
                generic.product_aliases.clone(),
                generic.folded_aliases.clone(),
            )
        }) {
            for ruleset in by_name.values_mut() {
                for (alias, canonical) in &generic {
                    ruleset
                        .product_aliases
                        .entry(alias.clone())
                        .or_insert_with(|| canonical.clone());
                }
                for (alias, canonical) in &folded {
                    ruleset
                        .folded_aliases
                        .entry(alias.clone())
                        .or_insert_with(|| canonical.clone());
                }
            }
        }
        Ok(Rulesets { by_name })
    }

    /// A ruleset by name.
    pub fn get(&self, name: &str) -> Option<&Ruleset> {
        self.by_name.get(name)
    }

    /// The ruleset a contract gets when it names none: the one named after its
    /// provider, else the first (by name) whose `provider` is it, else `generic`.
    pub fn default_for_provider(&self, provider: &str) -> &Ruleset {
        let provider = provider.trim().to_lowercase();
        self.by_name
            .get(&provider)
            .or_else(|| {
                self.by_name
                    .values()
                    .find(|ruleset| ruleset.provider == provider)
            })
            .or_else(|| self.by_name.get(GENERIC))
            .or_else(|| self.by_name.values().next())
            .expect("the built-in generic ruleset is always loaded")
    }

    /// Rulesets in the order billing headers are tried: provider layouts by name, the
    /// generic template last (it is the least specific).
    pub fn billing_layouts(&self) -> impl Iterator<Item = &Ruleset> {
        self.by_name
            .values()
            .filter(|ruleset| ruleset.name != GENERIC && ruleset.format.is_some())
            .chain(
                self.by_name
                    .get(GENERIC)
                    .filter(|ruleset| ruleset.format.is_some()),
            )
    }

    /// Rulesets with an agent-statement layout, by name: the layouts a statement's
    /// header is tried against after the template's.
    pub fn statement_layouts(&self) -> impl Iterator<Item = &Ruleset> {
        self.by_name
            .values()
            .filter(|ruleset| ruleset.statement.is_some())
    }

    /// All names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }
}
