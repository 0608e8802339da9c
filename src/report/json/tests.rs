//! findings.json's facts and period keys, written without a map or a string each: the
//! same text as the map and the string gave.

use super::*;
use crate::domain::finding::PeriodKey;
use crate::domain::test_support::day;

/// The facts as the report wrote them before: collected into a `BTreeMap`.
fn as_map(facts: &[(String, String)]) -> String {
    let map: BTreeMap<&str, &str> = facts
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    serde_json::to_string_pretty(&map).unwrap()
}

#[test]
fn facts_read_as_the_map_gave_them() {
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(name, value)| ((*name).to_string(), (*value).to_string()))
            .collect()
    };
    for facts in [
        pairs(&[]),
        pairs(&[("account", "A-1")]),
        pairs(&[("account", "A-1"), ("month", "2025-01"), ("spend", "1\"0")]),
        // Out of order: sorted by name.
        pairs(&[("month", "2025-01"), ("account", "A-1")]),
        // A name twice: its first place, its last value.
        pairs(&[("found", "1"), ("expected", "2"), ("found", "3")]),
        pairs(&[("a", "1"), ("a", "2")]),
    ] {
        assert_eq!(
            serde_json::to_string_pretty(&Facts(&facts)).unwrap(),
            as_map(&facts),
            "{facts:?}"
        );
    }
}

#[test]
fn a_period_key_reads_as_its_string() {
    let key = PeriodKey {
        contract_id: "C-\"1\"/合同\\x".into(),
        period_start: day("2025-04-01"),
    };
    assert_eq!(
        serde_json::to_string(&Key(&key)).unwrap(),
        serde_json::to_string(&key.to_string()).unwrap()
    );
    assert_eq!(
        serde_json::to_string(&Key(&key)).unwrap(),
        r#""C-\"1\"/合同\\x/2025-04-01""#
    );
}
