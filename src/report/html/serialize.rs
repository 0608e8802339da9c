//! Turns any serialisable record into a [`Node`] directly: the tree serde_json would give
//! back from the record's findings.json text, without the text. Struct fields keep their
//! declaration order and maps their own order; `None` and `()` are null; a number is its
//! decimal text as serde_json reads it back; a unit variant is its name, any other variant
//! an object with its name as the one key.

use super::node::Node;
use serde::Serialize;
use serde::ser::{self, Impossible};
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

impl ser::Error for NodeError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        NodeError(message.to_string())
    }
}

/// The record as a tree of values.
///
/// # Errors
/// As [`NodeError`] says.
pub(super) fn to_node<T: Serialize + ?Sized>(value: &T) -> Result<Node, NodeError> {
    value.serialize(NodeSerializer)
}

/// A float as serde_json writes it and reads it back: non-finite is `null`, anything else
/// the shortest text that reads back as the same double.
fn float(value: f64) -> Node {
    if value.is_finite() {
        Node::Number(value.to_string())
    } else {
        Node::Null
    }
}

/// `node`, inside an object `{variant: node}` when it is an enum variant's content.
fn in_variant(variant: Option<&'static str>, node: Node) -> Node {
    match variant {
        Some(name) => Node::Map(vec![(name.to_string(), node)]),
        None => node,
    }
}

struct NodeSerializer;

impl ser::Serializer for NodeSerializer {
    type Ok = Node;
    type Error = NodeError;
    type SerializeSeq = ListBuilder;
    type SerializeTuple = ListBuilder;
    type SerializeTupleStruct = ListBuilder;
    type SerializeTupleVariant = ListBuilder;
    type SerializeMap = MapBuilder;
    type SerializeStruct = MapBuilder;
    type SerializeStructVariant = MapBuilder;

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
        Ok(Node::Number(value.to_string()))
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
        Ok(Node::Number(value.to_string()))
    }

    fn serialize_f32(self, value: f32) -> Result<Node, NodeError> {
        // serde_json writes the float's own shortest text and reads it back as a double.
        Ok(float(value.to_string().parse().unwrap_or(f64::NAN)))
    }

    fn serialize_f64(self, value: f64) -> Result<Node, NodeError> {
        Ok(float(value))
    }

    fn serialize_char(self, value: char) -> Result<Node, NodeError> {
        Ok(Node::Text(value.to_string()))
    }

    fn serialize_str(self, value: &str) -> Result<Node, NodeError> {
        Ok(Node::Text(value.to_string()))
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
        Ok(Node::Text(variant.to_string()))
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
        Ok(in_variant(Some(variant), value.serialize(self)?))
    }

    fn serialize_seq(self, length: Option<usize>) -> Result<ListBuilder, NodeError> {
        Ok(ListBuilder::new(None, length))
    }

    fn serialize_tuple(self, length: usize) -> Result<ListBuilder, NodeError> {
        Ok(ListBuilder::new(None, Some(length)))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        length: usize,
    ) -> Result<ListBuilder, NodeError> {
        Ok(ListBuilder::new(None, Some(length)))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        length: usize,
    ) -> Result<ListBuilder, NodeError> {
        Ok(ListBuilder::new(Some(variant), Some(length)))
    }

    fn serialize_map(self, length: Option<usize>) -> Result<MapBuilder, NodeError> {
        Ok(MapBuilder::new(None, length))
    }

    fn serialize_struct(self, _name: &'static str, length: usize) -> Result<MapBuilder, NodeError> {
        Ok(MapBuilder::new(None, Some(length)))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        length: usize,
    ) -> Result<MapBuilder, NodeError> {
        Ok(MapBuilder::new(Some(variant), Some(length)))
    }
}

/// A list (sequence, tuple, tuple struct or tuple variant) being built.
struct ListBuilder {
    variant: Option<&'static str>,
    items: Vec<Node>,
}

impl ListBuilder {
    fn new(variant: Option<&'static str>, length: Option<usize>) -> ListBuilder {
        ListBuilder {
            variant,
            items: Vec::with_capacity(length.unwrap_or(0)),
        }
    }

    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NodeError> {
        self.items.push(to_node(value)?);
        Ok(())
    }

    fn finish(self) -> Node {
        in_variant(self.variant, Node::List(self.items))
    }
}

impl ser::SerializeSeq for ListBuilder {
    type Ok = Node;
    type Error = NodeError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NodeError> {
        self.push(value)
    }

    fn end(self) -> Result<Node, NodeError> {
        Ok(self.finish())
    }
}

impl ser::SerializeTuple for ListBuilder {
    type Ok = Node;
    type Error = NodeError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NodeError> {
        self.push(value)
    }

    fn end(self) -> Result<Node, NodeError> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleStruct for ListBuilder {
    type Ok = Node;
    type Error = NodeError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NodeError> {
        self.push(value)
    }

    fn end(self) -> Result<Node, NodeError> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleVariant for ListBuilder {
    type Ok = Node;
    type Error = NodeError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NodeError> {
        self.push(value)
    }

    fn end(self) -> Result<Node, NodeError> {
        Ok(self.finish())
    }
}

/// An object (map, struct or struct variant) being built, fields in the order given.
struct MapBuilder {
    variant: Option<&'static str>,
    fields: Vec<(String, Node)>,
    /// A map's key, given before its value.
    key: Option<String>,
}

impl MapBuilder {
    fn new(variant: Option<&'static str>, length: Option<usize>) -> MapBuilder {
        MapBuilder {
            variant,
            fields: Vec::with_capacity(length.unwrap_or(0)),
            key: None,
        }
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), NodeError> {
        self.fields.push((key.to_string(), to_node(value)?));
        Ok(())
    }

    fn finish(self) -> Node {
        in_variant(self.variant, Node::Map(self.fields))
    }
}

impl ser::SerializeMap for MapBuilder {
    type Ok = Node;
    type Error = NodeError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), NodeError> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), NodeError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| NodeError("a map value came without its key".into()))?;
        self.field(&key, value)
    }

    fn end(self) -> Result<Node, NodeError> {
        Ok(self.finish())
    }
}

impl ser::SerializeStruct for MapBuilder {
    type Ok = Node;
    type Error = NodeError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), NodeError> {
        self.field(key, value)
    }

    fn end(self) -> Result<Node, NodeError> {
        Ok(self.finish())
    }
}

impl ser::SerializeStructVariant for MapBuilder {
    type Ok = Node;
    type Error = NodeError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), NodeError> {
        self.field(key, value)
    }

    fn end(self) -> Result<Node, NodeError> {
        Ok(self.finish())
    }
}

/// A map key as the text serde_json writes for it: text as it is, a number or a bool as
/// its digits or word, a unit variant as its name. Anything else is no JSON key.
struct KeySerializer;

fn no_key() -> NodeError {
    NodeError("a map key must be text, a number or a bool".into())
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = NodeError;
    type SerializeSeq = Impossible<String, NodeError>;
    type SerializeTuple = Impossible<String, NodeError>;
    type SerializeTupleStruct = Impossible<String, NodeError>;
    type SerializeTupleVariant = Impossible<String, NodeError>;
    type SerializeMap = Impossible<String, NodeError>;
    type SerializeStruct = Impossible<String, NodeError>;
    type SerializeStructVariant = Impossible<String, NodeError>;

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

    fn serialize_f32(self, _value: f32) -> Result<String, NodeError> {
        Err(no_key())
    }

    fn serialize_f64(self, _value: f64) -> Result<String, NodeError> {
        Err(no_key())
    }

    fn serialize_char(self, value: char) -> Result<String, NodeError> {
        Ok(value.to_string())
    }

    fn serialize_str(self, value: &str) -> Result<String, NodeError> {
        Ok(value.to_string())
    }

    fn serialize_bytes(self, _value: &[u8]) -> Result<String, NodeError> {
        Err(no_key())
    }

    fn serialize_none(self) -> Result<String, NodeError> {
        Err(no_key())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<String, NodeError> {
        Err(no_key())
    }

    fn serialize_unit(self) -> Result<String, NodeError> {
        Err(no_key())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, NodeError> {
        Err(no_key())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, NodeError> {
        Ok(variant.to_string())
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
        Err(no_key())
    }

    fn serialize_seq(self, _length: Option<usize>) -> Result<Self::SerializeSeq, NodeError> {
        Err(no_key())
    }

    fn serialize_tuple(self, _length: usize) -> Result<Self::SerializeTuple, NodeError> {
        Err(no_key())
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _length: usize,
    ) -> Result<Self::SerializeTupleStruct, NodeError> {
        Err(no_key())
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _length: usize,
    ) -> Result<Self::SerializeTupleVariant, NodeError> {
        Err(no_key())
    }

    fn serialize_map(self, _length: Option<usize>) -> Result<Self::SerializeMap, NodeError> {
        Err(no_key())
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _length: usize,
    ) -> Result<Self::SerializeStruct, NodeError> {
        Err(no_key())
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _length: usize,
    ) -> Result<Self::SerializeStructVariant, NodeError> {
        Err(no_key())
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
        single: f32,
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
            single: 0.1,
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
