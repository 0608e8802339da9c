//! A finding or installment as findings.json writes it, as a tree of values whose objects
//! keep their keys in the order written.

use crate::domain::money::group_thousands;
use std::borrow::Cow;

/// An object's key: borrowed when it is a struct's field name (nearly every key), so a
/// tree of a trail's records costs no allocation per key.
pub(super) type FieldName = Cow<'static, str>;

/// A JSON value with its object keys in the order they were written (serde_json's own
/// `Value` sorts them), so trails list fields in the schema's order.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    Null,
    Bool(bool),
    Number(String),
    Text(String),
    List(Vec<Node>),
    Map(Vec<(FieldName, Node)>),
}

impl Node {
    pub(super) fn fields(&self) -> Option<&[(FieldName, Node)]> {
        match self {
            Node::Map(fields) => Some(fields),
            _ => None,
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<&Node> {
        self.fields()?
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
    }

    /// Whether there is nothing to show: null, or an empty text, list or object.
    pub(super) fn is_empty(&self) -> bool {
        match self {
            Node::Null => true,
            Node::Text(text) => text.is_empty(),
            Node::List(items) => items.is_empty(),
            Node::Map(fields) => fields.iter().all(|(_, value)| value.is_empty()),
            Node::Bool(_) | Node::Number(_) => false,
        }
    }

    /// The value as one line of text, with whether it is a number; `None` for a value that
    /// needs a table. A money string is grouped; a location reads `file:sheet:row:column`.
    #[cfg(test)]
    pub(super) fn inline(&self) -> Option<(String, bool)> {
        self.line()
            .map(|(text, number)| (text.into_owned(), number))
    }

    /// [`Node::inline`], borrowing the text when it is shown as it is (nearly always).
    pub(super) fn line(&self) -> Option<(Cow<'_, str>, bool)> {
        match self {
            Node::Null => Some((Cow::Borrowed(""), false)),
            Node::Bool(value) => Some((Cow::Borrowed(if *value { "yes" } else { "no" }), false)),
            Node::Number(number) => Some((Cow::Borrowed(number), true)),
            Node::Text(text) if is_money(text) => Some((Cow::Owned(group_thousands(text)), true)),
            Node::Text(text) => Some((Cow::Borrowed(text), false)),
            Node::List(items) => items
                .iter()
                .map(|item| item.line().map(|(text, _)| text))
                .collect::<Option<Vec<_>>>()
                .map(|texts| (Cow::Owned(texts.join(", ")), false)),
            Node::Map(fields) if is_location(fields) => {
                let parts: Option<Vec<Cow<'_, str>>> = fields
                    .iter()
                    .filter(|(_, value)| !value.is_empty())
                    .map(|(_, value)| value.line().map(|(text, _)| text))
                    .collect();
                parts.map(|parts| (Cow::Owned(parts.join(":")), false))
            }
            Node::Map(_) => None,
        }
    }

    /// Whether [`Node::line`] has a line for the value (without making it).
    pub(super) fn is_inline(&self) -> bool {
        match self {
            Node::List(items) => items.iter().all(Node::is_inline),
            Node::Map(fields) => {
                is_location(fields)
                    && fields
                        .iter()
                        .filter(|(_, value)| !value.is_empty())
                        .all(|(_, value)| value.is_inline())
            }
            _ => true,
        }
    }
}

/// Whether an object is a place in the input: a `file` and at most its `sheet`, `row` and
/// `column`.
fn is_location(fields: &[(FieldName, Node)]) -> bool {
    fields.iter().any(|(key, _)| key == "file")
        && fields
            .iter()
            .all(|(key, _)| matches!(key.as_ref(), "file" | "sheet" | "row" | "column"))
}

/// A plain amount with exactly two decimals, as findings.json writes money.
fn is_money(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    digits.split_once('.').is_some_and(|(whole, cents)| {
        !whole.is_empty()
            && cents.len() == 2
            && whole
                .bytes()
                .chain(cents.bytes())
                .all(|byte| byte.is_ascii_digit())
    })
}

/// Reading findings.json text back into a [`Node`], for tests: what [`super::serialize`]
/// must give without the text.
#[cfg(test)]
mod parse {
    use super::Node;
    use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
    use std::fmt;

    impl Node {
        /// The JSON text as a tree, keys in the order written.
        pub(in crate::report::html) fn parse(json: &str) -> Node {
            serde_json::from_str(json).unwrap()
        }
    }

    impl<'de> Deserialize<'de> for Node {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
            deserializer.deserialize_any(NodeVisitor)
        }
    }

    struct NodeVisitor;

    impl<'de> Visitor<'de> for NodeVisitor {
        type Value = Node;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("a JSON value")
        }

        fn visit_unit<E>(self) -> Result<Node, E> {
            Ok(Node::Null)
        }

        fn visit_none<E>(self) -> Result<Node, E> {
            Ok(Node::Null)
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
            Node::deserialize(deserializer)
        }

        fn visit_bool<E>(self, value: bool) -> Result<Node, E> {
            Ok(Node::Bool(value))
        }

        fn visit_i64<E>(self, value: i64) -> Result<Node, E> {
            Ok(Node::Number(value.to_string()))
        }

        fn visit_u64<E>(self, value: u64) -> Result<Node, E> {
            Ok(Node::Number(value.to_string()))
        }

        fn visit_f64<E>(self, value: f64) -> Result<Node, E> {
            Ok(Node::Number(value.to_string()))
        }

        fn visit_str<E>(self, value: &str) -> Result<Node, E> {
            Ok(Node::Text(value.to_string()))
        }

        fn visit_string<E>(self, value: String) -> Result<Node, E> {
            Ok(Node::Text(value))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<Node, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = sequence.next_element()? {
                items.push(item);
            }
            Ok(Node::List(items))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
            let mut fields = Vec::new();
            while let Some((key, value)) = map.next_entry::<String, Node>()? {
                fields.push((key.into(), value));
            }
            Ok(Node::Map(fields))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_the_order_they_were_written_in() {
        let value = Node::parse(r#"{"formula": "a", "base": "net", "cap": null, "z": [1, true]}"#);
        let keys: Vec<&str> = value
            .fields()
            .unwrap()
            .iter()
            .map(|(key, _)| key.as_ref())
            .collect();
        assert_eq!(keys, ["formula", "base", "cap", "z"]);
        assert_eq!(
            value.get("z").unwrap().inline(),
            Some(("1, yes".into(), false))
        );
    }

    #[test]
    fn money_is_recognised_only_in_the_json_form() {
        assert!(is_money("0.00") && is_money("-1234567.80"));
        assert!(!is_money("1,234.00") && !is_money("12") && !is_money("0.5") && !is_money(".50"));
    }
}
