//! The streaming measure of one XML part: its bytes, its longest token (what quick-xml
//! would hold at once), and — for an `.xlsx` — the references calamine reads.

use super::cell_references::{BadReference, References, Tag};
use std::io;

/// Where [`XmlScan`] is in the XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum XmlState {
    Text,
    /// Just after `<`.
    Open,
    /// In a tag, inside the quote when one is open.
    Tag(Option<u8>),
    /// Just after `<!`, or `<!-`.
    Bang(u8),
    /// In a comment, after this many `-`.
    Comment(u8),
    /// In a CDATA section, after this many `]`.
    CData(u8),
    /// In a processing instruction, just after a `?` or not.
    Instruction(bool),
    /// In a DOCTYPE declaration, this many `[` deep.
    Doctype(u32),
    /// In a tag [`References`] reads (its name, and the attributes it checks).
    Checked,
}

/// Counts the bytes of a part written into it and, for XML, measures the longest token
/// quick-xml would hold at once (`xml_token_size`); stops (a write error) as soon as a
/// token passes `token_limit`, so a bomb is never inflated further than that. With
/// [`XmlScan::with_references`] (the parts of an `.xlsx` or `.xlsm`, whatever their
/// names: calamine reads a sheet from wherever the workbook points), it also checks the
/// row and cell references calamine reads (`cell_references.rs`), and stops at the
/// first one out of range.
pub(super) struct XmlScan {
    xml: bool,
    token_limit: u64,
    state: XmlState,
    length: u64,
    longest: u64,
    pub(super) bytes: u64,
    references: Option<References>,
}

impl XmlScan {
    pub(super) fn new(xml: bool, token_limit: u64) -> Self {
        XmlScan {
            xml,
            token_limit,
            state: XmlState::Text,
            length: 0,
            longest: 0,
            bytes: 0,
            references: None,
        }
    }

    /// Checks the references calamine reads too (the tokens of a part not named as XML
    /// are then followed, but not measured).
    pub(super) fn with_references(mut self) -> Self {
        self.references = Some(References::new());
        self
    }

    /// The first reference out of range, when references are checked.
    pub(super) fn bad_reference(&self) -> Option<&BadReference> {
        self.references.as_ref().and_then(References::bad)
    }

    /// The longest token seen, an unfinished one included (0 for a part not named as XML).
    pub(super) fn longest(&self) -> u64 {
        if self.xml {
            self.longest.max(self.length)
        } else {
            0
        }
    }

    fn end(&mut self) {
        self.longest = self.longest.max(self.length);
        self.length = 0;
        self.state = XmlState::Text;
    }

    fn tag(&mut self, quote: Option<u8>, byte: u8) {
        self.state = match (quote, byte) {
            (Some(open), byte) if byte == open => XmlState::Tag(None),
            (Some(open), _) => XmlState::Tag(Some(open)),
            (None, b'"' | b'\'') => XmlState::Tag(Some(byte)),
            (None, b'>') => return self.end(),
            (None, _) => XmlState::Tag(None),
        };
    }

    fn step(&mut self, byte: u8) {
        use XmlState::*;
        self.length += 1;
        match self.state {
            Text => {
                if byte == b'<' {
                    self.length -= 1;
                    self.end();
                    self.state = Open;
                    self.length = 1;
                }
            }
            Open => match byte {
                b'!' => self.state = Bang(0),
                b'?' => self.state = Instruction(false),
                _ => self.tag(None, byte),
            },
            Tag(quote) => self.tag(quote, byte),
            // Read in `write`.
            Checked => {}
            Bang(0) if byte == b'-' => self.state = Bang(1),
            Bang(1) if byte == b'-' => self.state = Comment(0),
            Bang(0) if byte == b'[' => self.state = CData(0),
            Bang(_) if byte == b'>' => self.end(),
            Bang(_) => self.state = Doctype(0),
            Comment(dashes) => match byte {
                b'-' => self.state = Comment(dashes.saturating_add(1)),
                b'>' if dashes >= 2 => self.end(),
                _ => self.state = Comment(0),
            },
            CData(brackets) => match byte {
                b']' => self.state = CData(brackets.saturating_add(1)),
                b'>' if brackets >= 2 => self.end(),
                _ => self.state = CData(0),
            },
            Instruction(question) => match byte {
                b'>' if question => self.end(),
                _ => self.state = Instruction(byte == b'?'),
            },
            Doctype(depth) => match byte {
                b'[' => self.state = Doctype(depth.saturating_add(1)),
                b']' => self.state = Doctype(depth.saturating_sub(1)),
                b'>' if depth == 0 => self.end(),
                _ => {}
            },
        }
    }
}

impl io::Write for XmlScan {
    fn write(&mut self, buffer: &[u8]) -> io::Result<usize> {
        if self.bad_reference().is_some() {
            return Err(io::Error::other("a cell reference is out of range"));
        }
        self.bytes += buffer.len() as u64;
        if self.xml || self.references.is_some() {
            let mut at = 0;
            while at < buffer.len() {
                if let Some(references) = &mut self.references {
                    // A tag's name (not `<!` or `<?`), and the attributes to check: read
                    // by `References`, which hands back a plain tag when nothing is left
                    // to check in it.
                    if self.state == XmlState::Open && !matches!(buffer[at], b'!' | b'?') {
                        references.begin_tag();
                        self.state = XmlState::Checked;
                    }
                    if self.state == XmlState::Checked {
                        let (used, tag) = references.tag(&buffer[at..]);
                        self.length += used as u64;
                        at += used;
                        match tag {
                            Tag::Reading => {}
                            Tag::Plain(quote) => self.state = XmlState::Tag(quote),
                            Tag::Ended => self.end(),
                            Tag::Bad => break,
                        }
                        continue;
                    }
                }
                // Text runs to the next `<`, a tag to its next `>` or quote, a quoted
                // value to its closing quote: skip each in one step.
                let next = match self.state {
                    XmlState::Text => memchr::memchr(b'<', &buffer[at..]),
                    XmlState::Tag(None) => memchr::memchr3(b'>', b'"', b'\'', &buffer[at..]),
                    XmlState::Tag(Some(quote)) => memchr::memchr(quote, &buffer[at..]),
                    _ => Some(0),
                };
                let Some(offset) = next else {
                    self.length += (buffer.len() - at) as u64;
                    break;
                };
                self.length += offset as u64;
                at += offset;
                self.step(buffer[at]);
                at += 1;
            }
            if self.bad_reference().is_some() {
                return Err(io::Error::other("a cell reference is out of range"));
            }
            if self.longest() > self.token_limit {
                return Err(io::Error::other("an XML token is over the limit"));
            }
        }
        Ok(buffer.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
