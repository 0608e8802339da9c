//! The check of an `.xlsx` or `.xlsm` sheet's cell references before calamine reads it.
//!
//! calamine 0.38 reads the position of a row (`<row r="7">`) and of a cell (`<c r="B7">`),
//! and the sheet's used area (`<dimension ref="A1:D20">`), by accumulating the letters and
//! digits in a `u32` without a check (`get_row_column` and `get_dimension` in
//! `xlsx/mod.rs`): `<row r="7954393784">` or `<c r="A99999999999">` overflows — a panic
//! with overflow checks (debug and fuzzing builds), a silently wrong row or column in a
//! release build — and a used area whose last cell comes before its first underflows the
//! same way. So while `check_zip_parts` (`prescan.rs`) inflates every part of the workbook
//! to measure it (`XmlScan`, `xml_scan.rs`), [`References`] follows the XML tags the way
//! calamine's reader sees them and checks every such value; the first one out of range
//! refuses the file with a clear error ([`BadReference`]). The check is streaming: a few
//! fixed-size fields, no allocation until a bad value is found, a value split across writes
//! is fine.
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

/// Follows the element names and attributes of one part for `XmlScan` (`xml_scan.rs`), which
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

#[cfg(test)]
mod tests;
