//! Turns any serialisable record into a [`Node`]: the tree serde_json gives back from the
//! record's findings.json text, without the text. The record goes through
//! `serde_json::Value`, whose objects keep their keys in insertion order (serde_json's
//! `preserve_order` feature), so struct fields stay in declaration order and maps in
//! their own; a number is its decimal text as serde_json reads it back (findings.json
//! holds whole numbers and money as text, no float).

use super::node::Node;
use serde::Serialize;
use std::fmt;

/// Why a record could not become a [`Node`]: a map key that is neither text nor a number,
/// or an error the record's own `Serialize` reported.
#[derive(Debug)]
pub(super) struct NodeError(String);

impl fmt::Display for NodeError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for NodeError {}

/// The record as a tree of values.
///
/// # Errors
/// As [`NodeError`] says.
pub(super) fn to_node<T: Serialize + ?Sized>(value: &T) -> Result<Node, NodeError> {
    serde_json::to_value(value)
        .map(node)
        .map_err(|error| NodeError(error.to_string()))
}

fn node(value: serde_json::Value) -> Node {
    use serde_json::Value;
    match value {
        Value::Null => Node::Null,
        Value::Bool(value) => Node::Bool(value),
        // As the text reads back: a float by Rust's shortest text (`3.0` is `3`).
        Value::Number(number) => Node::Number(match number.as_f64() {
            Some(float) if number.is_f64() => float.to_string(),
            _ => number.to_string(),
        }),
        Value::String(text) => Node::Text(text),
        Value::Array(items) => Node::List(items.into_iter().map(node).collect()),
        Value::Object(fields) => Node::Map(
            fields
                .into_iter()
                .map(|(key, value)| (key, node(value)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    enum Kind {
        Plain,
        Wrapped(u8),
        Pair(i8, bool),
        Named { inner: Option<&'static str> },
    }

    #[derive(Serialize)]
    struct Inner<'a> {
        z: &'a str,
        a: Option<u32>,
    }

    #[derive(Serialize)]
    struct Record<'a> {
        text: &'a str,
        negative: i64,
        positive: i64,
        big: u64,
        float: f64,
        whole_float: f64,
        not_a_number: f64,
        flag: bool,
        none: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<String>,
        unit: (),
        list: Vec<Inner<'a>>,
        by_name: BTreeMap<&'a str, &'a str>,
        by_number: BTreeMap<u32, i8>,
        kinds: Vec<Kind>,
        tuple: (char, &'a [u8]),
        #[serde(flatten)]
        flattened: Inner<'a>,
    }

    /// The tree is exactly what serde_json gives back from the record's text.
    #[test]
    fn a_record_becomes_what_its_json_text_reads_back_as() {
        let record = Record {
            text: "a \"quoted\" <b>text</b>\nwith 中文",
            negative: -42,
            positive: 42,
            big: u64::MAX,
            float: 0.1,
            whole_float: 3.0,
            not_a_number: f64::NAN,
            flag: true,
            none: None,
            skipped: None,
            unit: (),
            list: vec![
                Inner {
                    z: "first",
                    a: Some(1),
                },
                Inner {
                    z: "second",
                    a: None,
                },
            ],
            by_name: BTreeMap::from([("b", "2"), ("a", "1")]),
            by_number: BTreeMap::from([(10, -1), (2, 1)]),
            kinds: vec![
                Kind::Plain,
                Kind::Wrapped(7),
                Kind::Pair(-1, false),
                Kind::Named { inner: Some("x") },
            ],
            tuple: ('c', &[0, 255]),
            flattened: Inner { z: "flat", a: None },
        };
        let direct = to_node(&record).unwrap();
        let text = serde_json::to_string_pretty(&record).unwrap();
        assert_eq!(direct, Node::parse(&text), "{text}");
        let keys: Vec<&str> = direct
            .fields()
            .unwrap()
            .iter()
            .map(|(key, _)| key.as_str())
            .collect();
        assert_eq!(keys[..3], ["text", "negative", "positive"]);
        assert!(!keys.contains(&"skipped"));
    }

    #[test]
    fn a_key_that_json_cannot_hold_is_an_error() {
        let map = BTreeMap::from([((1, 2), "pair")]);
        assert!(to_node(&map).is_err());
        assert!(serde_json::to_string(&map).is_err());
    }
}
