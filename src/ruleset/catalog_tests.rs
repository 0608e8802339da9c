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

/// The published catalog's size per ruleset, as its source lists it (the catalog file's
/// `# published:` line names the source): a catalog may grow, never shrink below it.
const PUBLISHED: &[(&str, usize)] = &[
    ("aliyun", 315),
    ("tencent", 252),
    ("huawei", 104),
    ("azure-ea", 159),
    ("azure-mca", 159),
    ("aws", 218),
];

/// Each provider's catalog lists every service of its published list, one line each, and
/// says how many there are: at least as many distinct services as the source publishes.
#[test]
fn every_published_service_of_each_provider_is_listed() {
    for (name, floor) in PUBLISHED {
        let (_, text) = CATALOGS.iter().find(|(each, _)| each == name).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let start = lines
            .iter()
            .position(|line| line.starts_with("# published: "))
            .unwrap_or_else(|| panic!("{name}: no `# published:` line"));
        let stated: usize = lines[start]["# published: ".len()..]
            .split_whitespace()
            .next()
            .and_then(|number| number.parse().ok())
            .unwrap_or_else(|| panic!("{name}: `{}` names no count", lines[start]));
        let listed: std::collections::BTreeSet<String> = lines[start + 1..]
            .iter()
            .take_while(|line| !line.starts_with('#'))
            .filter_map(|line| line.split_once(" → "))
            .map(|(service, _)| fold(service))
            .collect();
        assert!(
            stated >= *floor,
            "{name}: states {stated} published services, fewer than the {floor} its source lists"
        );
        assert!(
            listed.len() >= stated,
            "{name}: lists {} services under its `# published:` line, fewer than the {stated} it states",
            listed.len()
        );
    }
}

/// Bills of the Chinese consoles are written in Chinese or in English (the subscription's
/// language): at least 85 % of the products have a Chinese name, and English names are there
/// too (Tencent's product list is Chinese only; its English names, from its Terraform
/// provider's service categories, cover about 70 products; about 30 of Alibaba's newest
/// OpenAPI products have no Chinese name in its list, and their codes map them).
#[test]
fn the_chinese_console_catalogs_name_their_products_in_both_languages() {
    for name in ["aliyun", "tencent", "huawei"] {
        let (_, text) = CATALOGS.iter().find(|(each, _)| *each == name).unwrap();
        let mut by_product: BTreeMap<&str, (bool, bool)> = BTreeMap::new();
        for (_, service, key) in entries(text) {
            let languages = by_product.entry(key).or_default();
            if service
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
            {
                languages.0 = true;
            } else if service.trim().contains(' ') {
                languages.1 = true;
            }
        }
        let products = by_product.len();
        let chinese = by_product.values().filter(|(zh, _)| *zh).count();
        let english = by_product.values().filter(|(_, en)| *en).count();
        assert!(
            chinese * 100 >= products * 85,
            "{name}: {chinese} of {products} products have a Chinese name"
        );
        assert!(
            english >= 30,
            "{name}: only {english} of {products} products have an English name"
        );
    }
}
