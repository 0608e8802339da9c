//! One CSV record's fields as slices of its checked text, offered to a visitor before the
//! record is turned into cells: the billing hot path reads them in place.

/// One CSV record's fields as slices of one checked text: field `i` is
/// `text[bounds[i].0..bounds[i].1]`. Handed to
/// [`TableVisitor::record`](super::TableVisitor::record) before the record is turned into
/// cells.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    text: &'a str,
    /// `text`'s bytes and [`WORD`] bytes more, so any field's first 16 bytes can be read
    /// as one word ([`Fields::word`]).
    padded: &'a [u8],
    bounds: &'a [(usize, usize)],
}

/// The bytes [`Fields::word`] reads at once.
pub const WORD: usize = 16;

impl<'a> Fields<'a> {
    /// Fields over `text`; `padded` starts with `text` and goes on for [`WORD`] bytes or
    /// more (what they hold does not matter). Every bound must lie on a character
    /// boundary of `text`, or the field reads as missing.
    pub fn new(text: &'a str, padded: &'a [u8], bounds: &'a [(usize, usize)]) -> Self {
        debug_assert!(padded.starts_with(text.as_bytes()) && padded.len() >= text.len() + WORD);
        Fields {
            text,
            padded,
            bounds,
        }
    }

    /// `text` and the padding [`Fields::new`] needs, in `scratch`.
    pub fn pad<'s>(text: &str, scratch: &'s mut Vec<u8>) -> &'s [u8] {
        scratch.clear();
        scratch.extend_from_slice(text.as_bytes());
        scratch.extend_from_slice(&[0; WORD]);
        scratch
    }

    /// How many fields the record has.
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    /// Whether the record has no field.
    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    /// Field `index`, as it stands (not trimmed); `None` past the last field.
    #[inline(always)]
    pub fn get(&self, index: usize) -> Option<&'a str> {
        let (start, end) = *self.bounds.get(index)?;
        self.text.get(start..end)
    }

    /// Field `index` as a little-endian word — its first byte lowest, the bytes past its
    /// end zero — and its length in bytes: a value of up to 16 bytes compared or parsed
    /// at once. `None` past the last field or for a longer field.
    #[inline(always)]
    pub fn word(&self, index: usize) -> Option<(u128, usize)> {
        let (start, end) = *self.bounds.get(index)?;
        let length = end - start;
        if length > WORD {
            return None;
        }
        let bytes: [u8; WORD] = self.padded.get(start..start + WORD)?.try_into().ok()?;
        let keep = if length == WORD {
            u128::MAX
        } else {
            (1u128 << (8 * length)) - 1
        };
        Some((u128::from_le_bytes(bytes) & keep, length))
    }
}
