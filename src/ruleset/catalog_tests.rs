//! The service catalogs: `tests/catalogs/<ruleset>.txt` lists every service of a
//! provider's catalog as its bills write it (codes and names, both languages, current and
//! former), each with the canonical product it must map to. The built-in rulesets must map
//! each one so, list no alias the catalog lacks, and never give one name two products.

use super::built_in::BUILT_IN;
use super::rules::Ruleset;
use super::rulesets::{GENERIC, Rulesets};
use crate::domain::words::fold;
use std::collections::BTreeMap;

/// Each built-in ruleset with a catalog, and its catalog's text.
const CATALOGS: &[(&str, &str)] = &[
    ("aliyun", include_str!("../../tests/catalogs/aliyun.txt")),
    ("tencent", include_str!("../../tests/catalogs/tencent.txt")),
    ("huawei", include_str!("../../tests/catalogs/huawei.txt")),
    (
        "azure-ea",
        include_str!("../../tests/catalogs/azure-ea.txt"),
    ),
    (
        "azure-mca",
        include_str!("../../tests/catalogs/azure-mca.txt"),
    ),
    ("focus", include_str!("../../tests/catalogs/focus.txt")),
    ("aws", include_str!("../../tests/catalogs/aws.txt")),
];

/// A catalog's `service → key` lines (comments and blank lines skipped), with line numbers.
fn entries(text: &str) -> Vec<(usize, &str, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(index, line)| {
            let (service, key) = line
                .split_once(" → ")
                .unwrap_or_else(|| panic!("line {}: expected `service → key`: {line}", index + 1));
            (index + 1, service, key.trim())
        })
        .collect()
}

/// A built-in ruleset parsed on its own, before the generic aliases are added to it.
fn alone(name: &str) -> Ruleset {
    let (_, text) = BUILT_IN
        .iter()
        .find(|(built_in, _)| *built_in == name)
        .unwrap_or_else(|| panic!("no built-in ruleset {name}"));
    Ruleset::parse(name, "built-in", text).unwrap()
}

#[test]
fn every_catalog_service_maps_to_its_product() {
    let rulesets = Rulesets::load(None).unwrap();
    let mut failures = Vec::new();
    for (name, text) in CATALOGS {
        let ruleset = rulesets.get(name).unwrap();
        let services = entries(text);
        assert!(
            services.len() >= 60,
            "{name}: only {} services",
            services.len()
        );
        for (line, service, key) in services {
            let product = ruleset.product(service);
            if !product.known || product.name != key {
                failures.push(format!(
                    "tests/catalogs/{name}.txt:{line}: `{service}` → {} (known: {}), expected {key}",
                    product.name, product.known
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The catalog is the ruleset's whole list: an alias the catalog does not list is a name
/// nobody checked.
#[test]
fn every_alias_of_a_provider_ruleset_is_in_its_catalog() {
    for (name, text) in CATALOGS {
        let listed: Vec<String> = entries(text)
            .into_iter()
            .map(|(_, service, _)| fold(service))
            .collect();
        let ruleset = alone(name);
        let missing: Vec<&str> = ruleset
            .folded_aliases
            .keys()
            .map(String::as_str)
            .filter(|alias| !listed.iter().any(|service| service == alias))
            .filter(|alias| {
                !ruleset
                    .folded_aliases
                    .values()
                    .any(|key| fold(key) == *alias)
            })
            .collect();
        assert!(
            missing.is_empty(),
            "{name}: aliases not in its catalog: {missing:?}"
        );
    }
}

/// No name means two products: within a ruleset (refused when it loads) nor between built-in
/// rulesets (a provider's name and the generic fallback, or two providers' English names).
#[test]
fn no_name_maps_to_two_products_across_the_built_in_rulesets() {
    let mut seen: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut conflicts = Vec::new();
    let names = std::iter::once(GENERIC).chain(CATALOGS.iter().map(|(name, _)| *name));
    for name in names {
        let ruleset = alone(name);
        for (alias, key) in &ruleset.folded_aliases {
            match seen.get(alias) {
                Some((other, other_key)) if other_key != key => conflicts.push(format!(
                    "`{alias}`: {key} in {name}, {other_key} in {other}"
                )),
                Some(_) => {}
                None => {
                    seen.insert(alias.clone(), (name.to_string(), key.clone()));
                }
            }
        }
    }
    assert!(conflicts.is_empty(), "{}", conflicts.join("\n"));
}
