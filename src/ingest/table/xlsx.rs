//! The check of an `.xlsx` or `.xlsm` sheet's cell references before calamine reads it.
//!
//! calamine 0.38 reads the position of a row (`<row r="7">`) and of a cell (`<c r="B7">`),
//! and the sheet's used area (`<dimension ref="A1:D20">`), by accumulating the letters and
//! digits in a `u32` without a check (`get_row_column` and `get_dimension` in
//! `xlsx/mod.rs`): `<row r="7954393784">` or `<c r="A99999999999">` overflows — a panic
//! with overflow checks (debug and fuzzing builds), a silently wrong row or column in a
//! release build — and a used area whose last cell comes before its first underflows the
//! same way. So while `check_zip_parts` inflates every part of the workbook to measure it
//! ([`super::XmlScan`]), [`References`] follows the XML tags the way calamine's reader
//! sees them and checks every such value; the first one out of range refuses the file
//! with a clear error ([`BadReference`]). The check is streaming: a few fixed-size fields,
//! no allocation until a bad value is found, a value split across writes is fine.
//!
//! What calamine looks at, and so what is checked: in any part (calamine reads a sheet
//! from wherever the workbook's relationships point), before the first `<sheetData>`
//! start tag, the `ref` attribute of every element whose local name is `dimension`; after
//! it, the `r` attribute of every `row` and `c` element. Attributes are split the way
//! calamine's `RawAttrIter` splits them (`attrs.rs`): a key runs to the next `=`, trailing
//! whitespace trimmed, then a quoted value; an unquoted value ends the attributes.
//! Anything checked beyond what calamine reads only refuses malformed references.
//!
//! What is accepted: a cell reference is column letters `A` to `XFD` (either case, as
//! calamine reads them) followed by a row number from 1 to 1,048,576 (leading zeros are
//! fine); a row reference is the row number alone; a used area is one cell reference or
//! two separated by `:`, the first neither below nor right of the last. calamine refuses
//! with an error of its own most other forms (an empty value, a `$`, row 0), so refusing
//! them here changes only the wording.
//!
//! Tied to calamine 0.38; a calamine upgrade is a reviewed change, and
//! `tests/it/fuzz_regressions.rs` keeps the inputs that once panicked.

use std::io::Read;

/// Excel's last row.
const MAX_ROW: u32 = 1_048_576;
/// Excel's last column (`XFD`).
const MAX_COLUMN: u32 = 16_384;
/// The longest element local name the check looks for (`sheetData`, `dimension`).
const NAME_BYTES: usize = 9;
/// How much of a bad value the error shows.
const SHOWN_BYTES: usize = 40;

/// What a checked attribute value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RefKind {
    /// `<row r="…">`: a row number.
    Row,
    /// `<c r="…">`: a cell reference.
    Cell,
    /// `<dimension ref="…">`: a cell or a range.
    Range,
}

impl RefKind {
    /// The attribute holding the reference.
    fn attribute(self) -> &'static [u8] {
        match self {
            RefKind::Row | RefKind::Cell => b"r",
            RefKind::Range => b"ref",
        }
    }

    fn element(self) -> &'static str {
        match self {
            RefKind::Row => "row",
            RefKind::Cell => "c",
            RefKind::Range => "dimension",
        }
    }

    fn what(self) -> &'static str {
        match self {
            RefKind::Row => "a row number of a worksheet",
            RefKind::Cell => "a cell of a worksheet",
            RefKind::Range => "a range of a worksheet",
        }
    }

    fn expected(self) -> &'static str {
        match self {
            RefKind::Row => "a row number from 1 to 1048576",
            RefKind::Cell => "column letters from A to XFD, then a row number from 1 to 1048576",
            RefKind::Range => {
                "a cell from A1 to XFD1048576, or two such cells separated by `:`, the first neither below nor right of the last (A1:D20)"
            }
        }
    }
}

/// A reference value that fails the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BadReference {
    kind: RefKind,
    /// The value's first bytes ([`SHOWN_BYTES`]), as text.
    shown: String,
    /// The value's whole length in bytes.
    length: u64,
}

impl BadReference {
    /// What is wrong, for an error about `part`, the sheet's part inside the workbook.
    pub(super) fn describe(&self, part: &str) -> String {
        let kind = self.kind;
        let attribute = String::from_utf8_lossy(kind.attribute());
        let (more, length) = if self.length > SHOWN_BYTES as u64 {
            ("…", format!(" (a value of {} bytes)", self.length))
        } else {
            ("", String::new())
        };
        format!(
            "its part `{part}` has <{} {attribute}=\"{}{more}\">{length}, which is not {} (expected {})",
            kind.element(),
            self.shown.escape_debug(),
            kind.what(),
            kind.expected(),
        )
    }
}

/// One reference value, checked as its bytes arrive.
#[derive(Debug, Clone, Copy)]
struct Value {
    kind: RefKind,
    length: u64,
    shown: [u8; SHOWN_BYTES],
    /// The current cell's column (1-based), capped just past [`MAX_COLUMN`].
    column: u32,
    /// The current cell's row, capped just past [`MAX_ROW`].
    row: u32,
    letters: bool,
    digits: bool,
    malformed: bool,
    /// A range's first cell, once its `:` has come.
    first: Option<(u32, u32)>,
}

impl Value {
    fn new(kind: RefKind) -> Self {
        Value {
            kind,
            length: 0,
            shown: [0; SHOWN_BYTES],
            column: 0,
            row: 0,
            letters: false,
            digits: false,
            malformed: false,
            first: None,
        }
    }

    /// The next bytes of the value.
    fn extend(&mut self, bytes: &[u8]) {
        if let Some(rest) = usize::try_from(self.length)
            .ok()
            .and_then(|at| self.shown.get_mut(at..))
        {
            let shown = rest.len().min(bytes.len());
            rest[..shown].copy_from_slice(&bytes[..shown]);
        }
        self.length += bytes.len() as u64;
        for &byte in bytes {
            if self.malformed {
                return;
            }
            self.push(byte);
        }
    }

    fn push(&mut self, byte: u8) {
        match byte {
            // Letters come first; calamine reads both cases alike.
            b'A'..=b'Z' | b'a'..=b'z' if !self.digits && self.kind != RefKind::Row => {
                let letter = u32::from(byte.to_ascii_uppercase() - b'A') + 1;
                self.column = (self.column * 26 + letter).min(MAX_COLUMN + 1);
                self.letters = true;
            }
            b'0'..=b'9' => {
                self.row = (self.row * 10 + u32::from(byte - b'0')).min(MAX_ROW + 1);
                self.digits = true;
            }
            b':' if self.kind == RefKind::Range && self.first.is_none() && self.cell_ok() => {
                self.first = Some((self.row, self.column));
                (self.row, self.column, self.letters, self.digits) = (0, 0, false, false);
            }
            _ => self.malformed = true,
        }
    }

    /// The part since the start (or the `:`) is a cell within the grid.
    fn cell_ok(&self) -> bool {
        self.letters && self.column <= MAX_COLUMN && self.row_ok()
    }

    fn row_ok(&self) -> bool {
        self.digits && (1..=MAX_ROW).contains(&self.row)
    }

    fn ok(&self) -> bool {
        !self.malformed
            && match self.kind {
                RefKind::Row => self.row_ok(),
                RefKind::Cell => self.cell_ok(),
                RefKind::Range => {
                    self.cell_ok()
                        && self
                            .first
                            .is_none_or(|(row, column)| row <= self.row && column <= self.column)
                }
            }
    }

    fn bad(&self) -> BadReference {
        let shown =
            usize::try_from(self.length).map_or(SHOWN_BYTES, |length| length.min(SHOWN_BYTES));
        BadReference {
            kind: self.kind,
            shown: String::from_utf8_lossy(&self.shown[..shown]).into_owned(),
            length: self.length,
        }
    }
}

/// Where the attributes of a checked tag are, as calamine's `RawAttrIter` splits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attribute {
    /// Before a key.
    Space,
    /// In a key.
    Key,
    /// After the `=`; `true` when the key is the one checked.
    Equals(bool),
    /// In a value quoted by this quote; `true` when it is checked.
    Value(u8, bool),
    /// After an unquoted value: calamine stops reading the attributes.
    Stopped,
}

/// How [`References::tag`] left a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tag {
    /// Every byte given was read; the tag goes on.
    Reading,
    /// Nothing more to check in this tag: the rest is a plain tag, inside this quote when
    /// one is open.
    Plain(Option<u8>),
    /// The tag's `>` was the last byte read.
    Ended,
    /// A bad reference: see [`References::bad`].
    Bad,
}

/// Follows the element names and attributes of one part for [`super::XmlScan`], which
/// tracks the other tokens: see the module's documentation.
#[derive(Debug)]
pub(super) struct References {
    /// A `<sheetData>` start tag has been seen in this part.
    sheet_data: bool,
    /// Reading the tag's name (else its attributes).
    in_name: bool,
    /// The local name of the tag being read (what follows its last `:`).
    name: [u8; NAME_BYTES],
    /// Its length, or more than [`NAME_BYTES`] when longer.
    name_length: usize,
    /// The reference the tag holds, when its attributes are checked.
    kind: RefKind,
    /// The quote open in the tag, as quick-xml finds the tag's end.
    quote: Option<u8>,
    attribute: Attribute,
    /// The key being read, trimmed: its first bytes and its length (capped).
    key: [u8; 3],
    key_length: usize,
    /// Whitespace came after the key's last byte (kept if the key goes on).
    key_space: bool,
    value: Value,
    bad: Option<BadReference>,
}

impl References {
    pub(super) fn new() -> Self {
        References {
            sheet_data: false,
            in_name: true,
            name: [0; NAME_BYTES],
            name_length: 0,
            kind: RefKind::Cell,
            quote: None,
            attribute: Attribute::Stopped,
            key: [0; 3],
            key_length: 0,
            key_space: false,
            value: Value::new(RefKind::Cell),
            bad: None,
        }
    }

    /// The first bad reference found.
    pub(super) fn bad(&self) -> Option<&BadReference> {
        self.bad.as_ref()
    }

    /// A tag begins: its name is next (the byte after `<`, which is neither `!` nor `?`).
    pub(super) fn begin_tag(&mut self) {
        self.in_name = true;
        self.name_length = 0;
    }

    /// Reads `bytes` of the tag begun by [`References::begin_tag`]: how many were used, and
    /// how the tag is left.
    pub(super) fn tag(&mut self, bytes: &[u8]) -> (usize, Tag) {
        let mut at = 0;
        if self.in_name {
            while let Some(&byte) = bytes.get(at) {
                match byte {
                    // quick-xml ends a name at XML whitespace; `<c/>` and `<c>` end at `/`
                    // and `>`; a quote makes it a name calamine does not look for.
                    b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>' | b'"' | b'\'' => {
                        if !self.end_name(matches!(byte, b'"' | b'\'')) {
                            return (at, Tag::Plain(None));
                        }
                        break;
                    }
                    b':' => self.name_length = 0,
                    _ => {
                        if let Some(slot) = self.name.get_mut(self.name_length) {
                            *slot = byte;
                        }
                        self.name_length = self.name_length.saturating_add(1);
                    }
                }
                at += 1;
            }
            if self.in_name {
                return (at, Tag::Reading);
            }
        }
        while at < bytes.len() {
            // Inside a key, outside quotes: the plain bytes of the key in one go.
            if self.attribute == Attribute::Key && self.quote.is_none() && !self.key_space {
                while let Some(&byte) = bytes.get(at) {
                    if matches!(byte, b'=' | b'>' | b'"' | b'\'') || byte.is_ascii_whitespace() {
                        break;
                    }
                    self.key_byte(byte);
                    at += 1;
                }
                if at == bytes.len() {
                    return (at, Tag::Reading);
                }
            }
            // A value that is not checked, quoted alike for quick-xml: skip to its quote.
            if let (Attribute::Value(quote, false), Some(open)) = (self.attribute, self.quote)
                && quote == open
            {
                match memchr::memchr(quote, &bytes[at..]) {
                    Some(offset) => at += offset,
                    None => return (bytes.len(), Tag::Reading),
                }
            }
            // A checked value quoted alike: read it to its quote in one go.
            if let (Attribute::Value(quote, true), Some(open)) = (self.attribute, self.quote)
                && quote == open
            {
                let end = memchr::memchr(quote, &bytes[at..]).map_or(bytes.len(), |end| at + end);
                self.value.extend(&bytes[at..end]);
                at = end;
                if at == bytes.len() {
                    return (at, Tag::Reading);
                }
            }
            let byte = bytes[at];
            at += 1;
            if self.quote.is_none() && byte == b'>' {
                return (at, self.end_tag());
            }
            self.quote = match self.quote {
                Some(open) if open == byte => None,
                None if byte == b'"' || byte == b'\'' => Some(byte),
                quote => quote,
            };
            if !self.attribute_byte(byte) {
                return (at, Tag::Bad);
            }
            if self.attribute == Attribute::Stopped {
                return (at, Tag::Plain(self.quote));
            }
        }
        (at, Tag::Reading)
    }

    /// The tag's name has ended: `true` when its attributes are to be checked.
    fn end_name(&mut self, quoted: bool) -> bool {
        let name = self.name.get(..self.name_length).unwrap_or_default();
        let kind = match name {
            _ if quoted => None,
            b"sheetData" => {
                self.sheet_data = true;
                None
            }
            b"row" if self.sheet_data => Some(RefKind::Row),
            b"c" if self.sheet_data => Some(RefKind::Cell),
            b"dimension" if !self.sheet_data => Some(RefKind::Range),
            _ => None,
        };
        let Some(kind) = kind else {
            return false;
        };
        self.kind = kind;
        self.in_name = false;
        self.quote = None;
        self.attribute = Attribute::Space;
        true
    }

    /// A byte of a checked tag's attributes. `false` when it ends a bad reference.
    fn attribute_byte(&mut self, byte: u8) -> bool {
        match self.attribute {
            Attribute::Space if byte.is_ascii_whitespace() => {}
            Attribute::Space | Attribute::Key if byte == b'=' => {
                let key = self.key.get(..self.key_length);
                let checked =
                    self.attribute == Attribute::Key && key == Some(self.kind.attribute());
                self.attribute = Attribute::Equals(checked);
            }
            Attribute::Space => {
                self.attribute = Attribute::Key;
                self.key_length = 0;
                self.key_space = false;
                self.key_byte(byte);
            }
            Attribute::Key if byte.is_ascii_whitespace() => self.key_space = true,
            Attribute::Key => {
                if self.key_space {
                    self.key_space = false;
                    self.key_byte(b' ');
                }
                self.key_byte(byte);
            }
            Attribute::Equals(_) if byte.is_ascii_whitespace() => {}
            Attribute::Equals(checked) if byte == b'"' || byte == b'\'' => {
                self.attribute = Attribute::Value(byte, checked);
                if checked {
                    self.value = Value::new(self.kind);
                }
            }
            Attribute::Equals(_) => self.attribute = Attribute::Stopped,
            Attribute::Value(quote, checked) if byte == quote => {
                self.attribute = Attribute::Space;
                if checked {
                    return self.finish();
                }
            }
            Attribute::Value(_, true) => self.value.extend(&[byte]),
            Attribute::Value(_, false) | Attribute::Stopped => {}
        }
        true
    }

    fn key_byte(&mut self, byte: u8) {
        if let Some(slot) = self.key.get_mut(self.key_length) {
            *slot = byte;
        }
        self.key_length = self.key_length.saturating_add(1);
    }

    /// The tag's `>`: a checked value still open then runs to the end of the tag for
    /// calamine.
    fn end_tag(&mut self) -> Tag {
        let open = matches!(self.attribute, Attribute::Value(_, true));
        self.attribute = Attribute::Stopped;
        if open && !self.finish() {
            Tag::Bad
        } else {
            Tag::Ended
        }
    }

    /// A checked value has ended: `false` when it is bad.
    fn finish(&mut self) -> bool {
        if self.value.ok() {
            return true;
        }
        if self.bad.is_none() {
            self.bad = Some(self.value.bad());
        }
        false
    }
}

// ---------------------------------------------------------------------------------------
// Which sheet a part is: for the error only
// ---------------------------------------------------------------------------------------

/// How much of a relationships or workbook part is read to name a sheet.
const NAMING_BYTES: u64 = 64 * 1024 * 1024;

/// The name of the sheet whose part is `part`, found the way calamine finds its sheets
/// (`_rels/.rels` → the workbook part and its relationships → each `<sheet>`), or `None`.
/// Only used to word an error; the check itself covers every part.
pub(super) fn sheet_of_part<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    part: &str,
) -> Option<String> {
    let package = read_part(archive, "_rels/.rels")?;
    let target = start_tags(&package)
        .filter(|(name, _)| *name == "Relationship")
        .find_map(|(_, attributes)| {
            let kind = attribute(attributes, "Type")?;
            kind.ends_with("/relationships/officeDocument")
                .then(|| attribute(attributes, "Target"))
                .flatten()
        })
        .map(unescape)?;
    let (folder, workbook) = match target.rfind('/') {
        Some(at) => target.split_at(at + 1),
        None => ("", target.as_str()),
    };
    let folder = folder.strip_prefix('/').unwrap_or(folder);
    let workbook = if workbook.is_empty() {
        "workbook.xml"
    } else {
        workbook
    };
    let relationships = read_part(archive, &format!("{folder}_rels/{workbook}.rels"))?;
    let book = read_part(archive, &format!("{folder}{workbook}"))?;
    let wanted = part.replace('\\', "/").to_ascii_lowercase();
    start_tags(&book)
        .filter(|(name, _)| *name == "sheet")
        .find_map(|(_, attributes)| {
            let name = attribute(attributes, "name").map(unescape)?;
            let id = attributes_of(attributes)
                .find(|(key, _)| *key == "id" || key.ends_with(":id"))
                .map(|(_, value)| value)?;
            let target = start_tags(&relationships)
                .filter(|(name, _)| *name == "Relationship")
                .find(|(_, attributes)| attribute(attributes, "Id") == Some(id))
                .and_then(|(_, attributes)| attribute(attributes, "Target"))?;
            let path = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("{folder}{target}"),
            };
            (path.to_ascii_lowercase() == wanted).then_some(name)
        })
}

/// A part's text (at most [`NAMING_BYTES`]), found by name as calamine finds parts:
/// ignoring case and with `\` read as `/`.
fn read_part<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    name: &str,
) -> Option<String> {
    let wanted = name.to_ascii_lowercase();
    let index = (0..archive.len()).find(|&index| {
        archive
            .name_for_index(index)
            .and_then(Result::ok)
            .is_some_and(|found| found.replace('\\', "/").to_ascii_lowercase() == wanted)
    })?;
    let mut bytes = Vec::new();
    archive
        .by_index(index)
        .ok()?
        .take(NAMING_BYTES)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// The start (and empty) tags of an XML text: each element's local name and the raw text
/// of its attributes, as quick-xml splits them.
fn start_tags(xml: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = xml;
    std::iter::from_fn(move || {
        loop {
            let open = rest.find('<')?;
            rest = &rest[open + 1..];
            let mut quote = None;
            let end = rest.bytes().position(|byte| match (quote, byte) {
                (Some(open), byte) if byte == open => {
                    quote = None;
                    false
                }
                (Some(_), _) => false,
                (None, b'"' | b'\'') => {
                    quote = Some(byte);
                    false
                }
                (None, byte) => byte == b'>',
            })?;
            let content = &rest[..end];
            rest = &rest[end + 1..];
            if content.starts_with(['/', '!', '?']) {
                continue;
            }
            let content = content.strip_suffix('/').unwrap_or(content);
            let name_end = content
                .find([' ', '\t', '\r', '\n'])
                .unwrap_or(content.len());
            let name = &content[..name_end];
            let local = name.split_once(':').map_or(name, |(_, local)| local);
            return Some((local, &content[name_end..]));
        }
    })
}

/// The `(key, raw value)` pairs of a tag's attributes, as calamine's `RawAttrIter` reads
/// them (it stops at the first malformed one).
fn attributes_of(raw: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = raw;
    std::iter::from_fn(move || {
        let (key, after) = rest.trim_ascii_start().split_once('=')?;
        let after = after.trim_ascii_start();
        let quote = after
            .chars()
            .next()
            .filter(|quote| matches!(quote, '"' | '\''))?;
        let after = &after[1..];
        let (value, next) = after.split_once(quote).unwrap_or((after, ""));
        rest = next;
        Some((key.trim_ascii_end(), value))
    })
}

fn attribute<'a>(raw: &'a str, key: &str) -> Option<&'a str> {
    attributes_of(raw).find_map(|(found, value)| (found == key).then_some(value))
}

/// An attribute value with its character and entity references replaced.
fn unescape(value: &str) -> String {
    let mut text = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        text.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let character = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match character {
            Some(character) => {
                text.push(character);
                rest = &rest[end + 1..];
            }
            None => {
                text.push('&');
                rest = &rest[1..];
            }
        }
    }
    text.push_str(rest);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first bad reference in `xml`, fed in pieces of `piece` bytes.
    fn scan(xml: &[u8], piece: usize) -> Option<BadReference> {
        let mut scan = super::super::XmlScan::new(true, u64::MAX).with_references();
        for bytes in xml.chunks(piece) {
            if std::io::Write::write_all(&mut scan, bytes).is_err() {
                break;
            }
        }
        scan.bad_reference().cloned()
    }

    fn sheet(data: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><worksheet xmlns="x"><dimension ref="A1:C3"/><sheetData>{data}</sheetData></worksheet>"#
        )
    }

    fn refused(xml: &str) -> Option<String> {
        let whole = scan(xml.as_bytes(), usize::MAX).map(|bad| bad.describe("p.xml"));
        for piece in [1, 2, 3, 7] {
            assert_eq!(
                scan(xml.as_bytes(), piece).map(|bad| bad.describe("p.xml")),
                whole,
                "{xml} in pieces of {piece}"
            );
        }
        whole
    }

    #[test]
    fn references_in_the_grid_pass_whatever_their_form() {
        for data in [
            r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="XFD1"/></row>"#,
            r#"<row r="1048576" spans="1:2"><c r="XFD1048576"><v>1</v></c></row>"#,
            // Leading zeros, lower case, whitespace around `=`, single quotes, no r at all.
            r#"<row r="0007"><c r = 'aa0007' s="1"/><c><v>2</v></c></row>"#,
            r#"<x:row r="2"><x:c r="B2"/></x:row><row><c/></row>"#,
            // Other attributes and elements may hold anything.
            r#"<row r="3" x14ac:dyDescent="0.25" spans="99999999999"><c r="C3" s="99999999999"><f ref="A1:A99999999999">r="A0"</f><v>r</v></c></row>"#,
            // A key ending in r, or an r inside another value, is not the r attribute.
            r#"<row rr="99999999999" ar="0"><c s="r=&quot;A0&quot;" xr="ZZZZZ1" r="D4"/></row>"#,
        ] {
            assert_eq!(refused(&sheet(data)), None, "{data}");
        }
        // Before <sheetData>, rows and cells are not read; after it, the dimension is not.
        let xml = r#"<worksheet><row r="0"/><c r="A0"/><dimension ref="A1:XFD1048576"/><sheetData><row r="1"/></sheetData><dimension ref="Z9:A1"/></worksheet>"#;
        assert_eq!(refused(xml), None);
        for dimension in ["A1", "a1:xfd1048576", "B2:B2", "C3:D20"] {
            let xml =
                format!(r#"<worksheet><dimension ref="{dimension}"/><sheetData/></worksheet>"#);
            assert_eq!(refused(&xml), None, "{dimension}");
        }
        // Parts without a sheet: nothing is checked.
        assert_eq!(
            refused(r#"<sst><si><t>&lt;c r="A0"&gt;</t></si></sst>"#),
            None
        );
    }

    #[test]
    fn references_outside_the_grid_are_refused_naming_them() {
        let describe = |data: &str| refused(&sheet(data)).unwrap_or_default();
        assert_eq!(
            describe(r#"<row r="1"><c r="A99999999999"><v>1</v></c></row>"#),
            "its part `p.xml` has <c r=\"A99999999999\">, which is not a cell of a worksheet (expected column letters from A to XFD, then a row number from 1 to 1048576)"
        );
        assert_eq!(
            describe(r#"<row r="7954393784">"#),
            "its part `p.xml` has <row r=\"7954393784\">, which is not a row number of a worksheet (expected a row number from 1 to 1048576)"
        );
        for (data, shown) in [
            (r#"<row r="4294967296">"#, "<row r=\"4294967296\">"),
            (r#"<row r="1048577">"#, "<row r=\"1048577\">"),
            (r#"<row r="0">"#, "<row r=\"0\">"),
            (r#"<row r="">"#, "<row r=\"\">"),
            (r#"<row r="A1">"#, "<row r=\"A1\">"),
            (r#"<row r="uniqueCou.t=">"#, "<row r=\"uniqueCou.t=\">"),
            (r#"<c r="XFE1"/>"#, "<c r=\"XFE1\">"),
            (r#"<c r="AAAA1"/>"#, "<c r=\"AAAA1\">"),
            (r#"<c r="A0"/>"#, "<c r=\"A0\">"),
            (r#"<c r="A1048577"/>"#, "<c r=\"A1048577\">"),
            (r#"<c r="1"/>"#, "<c r=\"1\">"),
            (r#"<c r="A1B"/>"#, "<c r=\"A1B\">"),
            (r#"<c r="$A$1"/>"#, "<c r=\"$A$1\">"),
            (r#"<c r="A1:B2"/>"#, "<c r=\"A1:B2\">"),
            (
                r#"<c  s="1"  r = 'A99999999999'/>"#,
                "<c r=\"A99999999999\">",
            ),
            (r#"<c s="1"r="A0"/>"#, "<c r=\"A0\">"),
            (r#"<x:c r="A0"/>"#, "<c r=\"A0\">"),
            // A quote in a key: the tag ends (for quick-xml) inside the r value (for
            // calamine's attributes), which calamine reads up to there.
            (r#"<c a"b="" r="A0>"#, "<c r=\"A0\">"),
        ] {
            let description = describe(data);
            assert!(description.contains(shown), "{data}: {description}");
        }
        for dimension in [
            "B2:A1",
            "A2:B1",
            "A1:B2:C3",
            "A1:",
            ":A1",
            "A1:XFD1048577",
            "1:2",
        ] {
            let xml =
                format!(r#"<worksheet><dimension ref="{dimension}"/><sheetData/></worksheet>"#);
            let description = refused(&xml).unwrap_or_default();
            assert!(
                description.contains(&format!("<dimension ref=\"{dimension}\">"))
                    && description.contains("which is not a range"),
                "{dimension}: {description}"
            );
        }
        // A long value is cut short in the message, with its length.
        let long = format!(r#"<row r="{}">"#, "9".repeat(5000));
        assert_eq!(
            describe(&long),
            format!(
                "its part `p.xml` has <row r=\"{}…\"> (a value of 5000 bytes), which is not a row number of a worksheet (expected a row number from 1 to 1048576)",
                "9".repeat(40)
            )
        );
        // Control characters are escaped.
        assert!(describe("<c r=\"A\n\u{1b}\"/>").contains(r#"<c r="A\n\u{1b}">"#));
    }

    #[test]
    fn the_scan_stops_at_the_first_bad_reference() {
        let mut scan = super::super::XmlScan::new(true, u64::MAX).with_references();
        let xml = sheet(r#"<row r="1"><c r="A0"/></row>"#);
        assert!(std::io::Write::write_all(&mut scan, xml.as_bytes()).is_err());
        assert!(std::io::Write::write_all(&mut scan, b"<row r=\"0\">").is_err());
        assert_eq!(scan.bad_reference().map(|bad| bad.length), Some(2));
    }

    #[test]
    fn attributes_and_names_are_read_as_calamine_reads_them() {
        let tags: Vec<_> = start_tags(
            r#"<?xml?><!-- <no/> --><a:b x="1>"/><sheet name="A &amp; B" r:id='rId2' /></x>"#,
        )
        .collect();
        assert_eq!(
            tags,
            vec![
                ("b", r#" x="1>""#),
                ("sheet", r#" name="A &amp; B" r:id='rId2' "#)
            ]
        );
        let (_, raw) = tags[1];
        assert_eq!(
            attribute(raw, "name").map(unescape).as_deref(),
            Some("A & B")
        );
        assert_eq!(attribute(raw, "r:id"), Some("rId2"));
        assert_eq!(unescape("&#x41;&#66;&bogus;&"), "AB&bogus;&");
    }
}
