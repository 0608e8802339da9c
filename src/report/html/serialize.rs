//! Turns any serialisable record into a [`Node`]: the tree serde_json gives back from the
//! record's findings.json text, without the text. The record is serialised straight into
//! the tree, which is what going through `serde_json::Value` with its insertion-ordered
//! objects (serde_json's `preserve_order` feature) gives, without the `Value`: struct
//! fields stay in declaration order and maps in their own; a number is its decimal text
//! as serde_json reads it back (findings.json holds whole numbers and money as text, no
//! float).

use super::node::{FieldName, Node};
use serde::{Serialize, ser};
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
    value.serialize(Direct)
}

impl ser::Error for NodeError {
    fn custom<M: fmt::Display>(message: M) -> Self {
        NodeError(message.to_string())
    }
}

/// Serialises straight into a [`Node`], exactly as `serde_json::to_value` followed by the
/// conversion of its `Value` would (the tests hold the two equal), without the `Value`:
/// report.html turns every period and finding of an audit into a tree, and the `Value`'s
/// ordered map hashed each key and copied every string twice.
struct Direct;

fn out_of_range() -> NodeError {
    NodeError("number out of range".into())
}

fn key_must_be_a_string() -> NodeError {
    NodeError("key must be a string".into())
}

/// A float as serde_json's `Value` holds it and reads back: its shortest text, or null
/// when it is not finite.
fn float(value: f64) -> Node {
    if value.is_finite() {
        Node::Number(value.to_string())
    } else {
        Node::Null
    }
}

/// An object's field: a key already there keeps its place and takes the new value, as in
/// serde_json's insertion-ordered map.
fn insert(fields: &mut Vec<(FieldName, Node)>, key: FieldName, value: Node) {
    match fields.iter_mut().find(|(name, _)| *name == key) {
        Some((_, old)) => *old = value,
        None => fields.push((key, value)),
    }
}

impl ser::Serializer for Direct {
    type Ok = Node;
    type Error = NodeError;
    type SerializeSeq = List;
    type SerializeTuple = List;
    type SerializeTupleStruct = List;
    type SerializeTupleVariant = Variant<List>;
    type SerializeMap = Map;
    type SerializeStruct = Map;
    type SerializeStructVariant = Variant<Map>;

    fn serialize_bool(self, value: bool) -> Result<Node, NodeError> {
        Ok(Node::Bool(value))
    }
    fn serialize_i8(self, value: i8) -> Result<Node, NodeError> {
        self.serialize_i64(i64::from(value))
    }
    fn serialize_i16(self, value: i16) -> Result<Node, NodeError> {
        self.serialize_i64(i64::from(value))
    }
    fn serialize_i32(self, value: i32) -> Result<Node, NodeError> {
        self.serialize_i64(i64::from(value))
    }
    fn serialize_i64(self, value: i64) -> Result<Node, NodeError> {
        Ok(Node::Number(value.to_string()))
    }
    fn serialize_i128(self, value: i128) -> Result<Node, NodeError> {
        if u64::try_from(value).is_ok() || i64::try_from(value).is_ok() {
            Ok(Node::Number(value.to_string()))
        } else {
            Err(out_of_range())
        }
    }
    fn serialize_u8(self, value: u8) -> Result<Node, NodeError> {
        self.serialize_u64(u64::from(value))
    }
    fn serialize_u16(self, value: u16) -> Result<Node, NodeError> {
        self.serialize_u64(u64::from(value))
    }
    fn serialize_u32(self, value: u32) -> Result<Node, NodeError> {
        self.serialize_u64(u64::from(value))
    }
    fn serialize_u64(self, value: u64) -> Result<Node, NodeError> {
        Ok(Node::Number(value.to_string()))
    }
    fn serialize_u128(self, value: u128) -> Result<Node, NodeError> {
        match u64::try_from(value) {
            Ok(value) => self.serialize_u64(value),
            Err(_) => Err(out_of_range()),
        }
    }
    fn serialize_f32(self, value: f32) -> Result<Node, NodeError> {
        Ok(float(f64::from(value)))
    }
    fn serialize_f64(self, value: f64) -> Result<Node, NodeError> {
        Ok(float(value))
    }
    fn serialize_char(self, value: char) -> Result<Node, NodeError> {
        Ok(Node::Text(value.to_string()))
    }
    fn serialize_str(self, value: &str) -> Result<Node, NodeError> {
        Ok(Node::Text(value.to_owned()))
    }
    fn serialize_bytes(self, value: &[u8]) -> Result<Node, NodeError> {
        Ok(Node::List(
            value
                .iter()
                .map(|byte| Node::Number(byte.to_string()))
                .collect(),
        ))
    }
    fn serialize_none(self) -> Result<Node, NodeError> {
        Ok(Node::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Node, NodeError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Node, NodeError> {
        Ok(Node::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Node, NodeError> {
        Ok(Node::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Node, NodeError> {
        Ok(Node::Text(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Node, NodeError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Node, NodeError> {
        Ok(Node::Map(vec![(
            FieldName::Borrowed(variant),
            value.serialize(self)?,
        )]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<List, NodeError> {
        Ok(List(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<List, NodeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<List, NodeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<List>, NodeError> {
        Ok(Variant(variant, List(Vec::with_capacity(len))))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map, NodeError> {
        Ok(Map(Vec::with_capacity(len.unwrap_or(0)), None))
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Map, NodeError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<Map>, NodeError> {
        Ok(Variant(variant, Map(Vec::with_capacity(len), None)))
    }
}

/// A list being serialised.
struct List(Vec<Node>);

impl List {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NodeError> {
        self.0.push(value.serialize(Direct)?);
        Ok(())
    }
}

impl ser::SerializeSeq for List {
    type Ok = Node;
    type Error = NodeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NodeError> {
        self.push(value)
    }
    fn end(self) -> Result<Node, NodeError> {
        Ok(Node::List(self.0))
    }
}

impl ser::SerializeTuple for List {
    type Ok = Node;
    type Error = NodeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NodeError> {
        self.push(value)
    }
    fn end(self) -> Result<Node, NodeError> {
        Ok(Node::List(self.0))
    }
}

impl ser::SerializeTupleStruct for List {
    type Ok = Node;
    type Error = NodeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NodeError> {
        self.push(value)
    }
    fn end(self) -> Result<Node, NodeError> {
        Ok(Node::List(self.0))
    }
}

/// An object being serialised, and the key whose value comes next.
struct Map(Vec<(FieldName, Node)>, Option<String>);

impl ser::SerializeMap for Map {
    type Ok = Node;
    type Error = NodeError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), NodeError> {
        self.1 = Some(key.serialize(Key)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NodeError> {
        let key = self.1.take().ok_or_else(key_must_be_a_string)?;
        let value = value.serialize(Direct)?;
        insert(&mut self.0, FieldName::Owned(key), value);
        Ok(())
    }
    fn end(self) -> Result<Node, NodeError> {
        Ok(Node::Map(self.0))
    }
}

impl ser::SerializeStruct for Map {
    type Ok = Node;
    type Error = NodeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), NodeError> {
        let value = value.serialize(Direct)?;
        insert(&mut self.0, FieldName::Borrowed(key), value);
        Ok(())
    }
    fn end(self) -> Result<Node, NodeError> {
        Ok(Node::Map(self.0))
    }
}

/// An enum variant with fields: `{variant: fields}`.
struct Variant<T>(&'static str, T);

impl ser::SerializeTupleVariant for Variant<List> {
    type Ok = Node;
    type Error = NodeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NodeError> {
        self.1.push(value)
    }
    fn end(self) -> Result<Node, NodeError> {
        Ok(Node::Map(vec![(
            FieldName::Borrowed(self.0),
            Node::List(self.1.0),
        )]))
    }
}

impl ser::SerializeStructVariant for Variant<Map> {
    type Ok = Node;
    type Error = NodeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), NodeError> {
        ser::SerializeStruct::serialize_field(&mut self.1, key, value)
    }
    fn end(self) -> Result<Node, NodeError> {
        Ok(Node::Map(vec![(
            FieldName::Borrowed(self.0),
            Node::Map(self.1.0),
        )]))
    }
}

/// An object's key, as serde_json writes one: text, a character, a number, `true` or
/// `false`, or a unit variant's name; anything else is refused.
struct Key;

impl ser::Serializer for Key {
    type Ok = String;
    type Error = NodeError;
    type SerializeSeq = ser::Impossible<String, NodeError>;
    type SerializeTuple = ser::Impossible<String, NodeError>;
    type SerializeTupleStruct = ser::Impossible<String, NodeError>;
    type SerializeTupleVariant = ser::Impossible<String, NodeError>;
    type SerializeMap = ser::Impossible<String, NodeError>;
    type SerializeStruct = ser::Impossible<String, NodeError>;
    type SerializeStructVariant = ser::Impossible<String, NodeError>;

    fn serialize_bool(self, value: bool) -> Result<String, NodeError> {
        Ok(value.to_string())
    }
    fn serialize_i8(self, value: i8) -> Result<String, NodeError> {
        Ok(value.to_string())
    }
    fn serialize_i16(self, value: i16) -> Result<String, NodeError> {
        Ok(value.to_string())
    }
    fn serialize_i32(self, value: i32) -> Result<String, NodeError> {
        Ok(value.to_string())
    }
    fn serialize_i64(self, value: i64) -> Result<String, NodeError> {
        Ok(value.to_string())
    }
    fn serialize_i128(self, value: i128) -> Result<String, NodeError> {
        Ok(value.to_string())
    }
    fn serialize_u8(self, value: u8) -> Result<String, NodeError> {
        Ok(value.to_string())
    }
    fn serialize_u16(self, value: u16) -> Result<String, NodeError> {
        Ok(value.to_string())
    }
    fn serialize_u32(self, value: u32) -> Result<String, NodeError> {
        Ok(value.to_string())
    }
    fn serialize_u64(self, value: u64) -> Result<String, NodeError> {
        Ok(value.to_string())
    }
    fn serialize_u128(self, value: u128) -> Result<String, NodeError> {
        Ok(value.to_string())
    }
    // A float key is written by serde_json's own float text.
    fn serialize_f32(self, value: f32) -> Result<String, NodeError> {
        float_key(serde_json::to_string(&value))
    }
    fn serialize_f64(self, value: f64) -> Result<String, NodeError> {
        float_key(serde_json::to_string(&value))
    }
    fn serialize_char(self, value: char) -> Result<String, NodeError> {
        Ok(value.to_string())
    }
    fn serialize_str(self, value: &str) -> Result<String, NodeError> {
        Ok(value.to_owned())
    }
    fn serialize_bytes(self, _value: &[u8]) -> Result<String, NodeError> {
        Err(key_must_be_a_string())
    }
    fn serialize_none(self) -> Result<String, NodeError> {
        Err(key_must_be_a_string())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<String, NodeError> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit(self) -> Result<String, NodeError> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, NodeError> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, NodeError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, NodeError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, NodeError> {
        Err(key_must_be_a_string())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, NodeError> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, NodeError> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, NodeError> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, NodeError> {
        Err(key_must_be_a_string())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, NodeError> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, NodeError> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, NodeError> {
        Err(key_must_be_a_string())
    }
}

/// A float key: serde_json's text of it, refused when it is not finite.
fn float_key(text: Result<String, serde_json::Error>) -> Result<String, NodeError> {
    match text {
        Ok(text) if text != "null" => Ok(text),
        _ => Err(NodeError("float key must be finite".into())),
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
        assert_eq!(direct, via_value(&record).unwrap());
        let keys: Vec<&str> = direct
            .fields()
            .unwrap()
            .iter()
            .map(|(key, _)| key.as_ref())
            .collect();
        assert_eq!(keys[..3], ["text", "negative", "positive"]);
        assert!(!keys.contains(&"skipped"));
    }

    /// The way the tree was made before: through `serde_json::Value`.
    fn via_value<T: Serialize + ?Sized>(value: &T) -> Result<Node, NodeError> {
        fn node(value: serde_json::Value) -> Node {
            use serde_json::Value;
            match value {
                Value::Null => Node::Null,
                Value::Bool(value) => Node::Bool(value),
                Value::Number(number) => Node::Number(match number.as_f64() {
                    Some(float) if number.is_f64() => float.to_string(),
                    _ => number.to_string(),
                }),
                Value::String(text) => Node::Text(text),
                Value::Array(items) => Node::List(items.into_iter().map(node).collect()),
                Value::Object(fields) => Node::Map(
                    fields
                        .into_iter()
                        .map(|(key, value)| (key.into(), node(value)))
                        .collect(),
                ),
            }
        }
        serde_json::to_value(value)
            .map(node)
            .map_err(|error| NodeError(error.to_string()))
    }

    #[derive(Serialize)]
    struct Odd {
        #[serde(flatten)]
        first: BTreeMap<&'static str, u8>,
        #[serde(flatten)]
        again: BTreeMap<&'static str, u8>,
        small: f32,
        infinite: f32,
        wide: i128,
        wider: u128,
        keys: BTreeMap<i64, bool>,
        flags: BTreeMap<bool, ()>,
        floats: Vec<(f64, Option<f64>)>,
        bytes: serde_bytes_like::Bytes,
        shapes: Vec<Kind>,
    }

    mod serde_bytes_like {
        /// Serialised as bytes, as `serde_bytes` would.
        pub(super) struct Bytes(pub(super) Vec<u8>);
        impl serde::Serialize for Bytes {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_bytes(&self.0)
            }
        }
    }

    /// The direct tree is the tree `serde_json::Value` gave, field for field, on every
    /// shape serde has: a key met twice keeps its first place and its last value.
    #[test]
    fn the_direct_tree_is_the_one_serde_json_value_gave() {
        let odd = Odd {
            first: BTreeMap::from([("b", 1), ("a", 2)]),
            again: BTreeMap::from([("a", 3), ("c", 4)]),
            small: 0.1,
            infinite: f32::INFINITY,
            wide: -5,
            wider: 7,
            keys: BTreeMap::from([(-3, true), (12, false)]),
            flags: BTreeMap::from([(true, ())]),
            floats: vec![
                (1.5, None),
                (f64::NEG_INFINITY, Some(-0.0)),
                (1e300, Some(2.0)),
            ],
            bytes: serde_bytes_like::Bytes(vec![0, 7, 255]),
            shapes: vec![
                Kind::Plain,
                Kind::Wrapped(1),
                Kind::Pair(2, true),
                Kind::Named { inner: None },
            ],
        };
        assert_eq!(to_node(&odd).unwrap(), via_value(&odd).unwrap());
        let first = to_node(&odd).unwrap();
        let keys: Vec<&str> = first.fields().unwrap()[..3]
            .iter()
            .map(|(key, _)| key.as_ref())
            .collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(first.get("a"), Some(&Node::Number("3".into())));
        assert!(to_node(&(i128::MAX,)).is_err() && via_value(&(i128::MAX,)).is_err());
        assert!(to_node(&(u128::MAX,)).is_err() && via_value(&(u128::MAX,)).is_err());
        let float_keys = BTreeMap::from([(OrderedKey(1.25), 1)]);
        assert_eq!(
            to_node(&float_keys).unwrap(),
            via_value(&float_keys).unwrap()
        );
    }

    /// A float map key (serde_json writes its text).
    struct OrderedKey(f64);
    impl PartialEq for OrderedKey {
        fn eq(&self, other: &Self) -> bool {
            self.cmp(other).is_eq()
        }
    }
    impl Eq for OrderedKey {}
    impl PartialOrd for OrderedKey {
        fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
            Some(self.cmp(other))
        }
    }
    impl Ord for OrderedKey {
        fn cmp(&self, other: &Self) -> std::cmp::Ordering {
            self.0.total_cmp(&other.0)
        }
    }
    impl Serialize for OrderedKey {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_f64(self.0)
        }
    }

    #[test]
    fn a_key_that_json_cannot_hold_is_an_error() {
        let map = BTreeMap::from([((1, 2), "pair")]);
        assert!(to_node(&map).is_err());
        assert!(serde_json::to_string(&map).is_err());
    }
}
