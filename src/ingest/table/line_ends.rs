//! Line ends as the CSV record reader expects them: exactly one `\n` after every line; and
//! where each byte it hands on came from in the file, for messages that name a byte
//! offset.

use std::collections::VecDeque;
use std::io::{self, Read};

/// Text the record reader reads, and where its bytes came from in the file.
pub(crate) trait Text: Read {
    /// The file offset of byte `position` of this stream (0-based, counted from its first
    /// byte), when known: a UTF-8 file's bytes map one to one from where the reading
    /// started; a transcoded file knows the offsets of the bad sequences it marked.
    fn file_offset(&self, position: u64) -> Option<u64>;
    /// The bytes before `position` are read: what is kept to map them may go.
    fn forget_before(&mut self, position: u64);
    /// The file's encoding, for messages.
    fn encoding(&self) -> &'static str;
}

impl<T: Text + ?Sized> Text for &mut T {
    fn file_offset(&self, position: u64) -> Option<u64> {
        (**self).file_offset(position)
    }
    fn forget_before(&mut self, position: u64) {
        (**self).forget_before(position);
    }
    fn encoding(&self) -> &'static str {
        (**self).encoding()
    }
}

/// UTF-8 bytes read from `first_byte` of a file (after a BOM, or at the start of one part
/// of a file read in parts): byte `position` is at `first_byte + position`.
pub(crate) struct Utf8Text<R> {
    /// The bytes.
    pub(crate) inner: R,
    /// The file offset of the first byte.
    pub(crate) first_byte: u64,
}

impl<R: Read> Read for Utf8Text<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.inner.read(out)
    }
}

impl<R: Read> Text for Utf8Text<R> {
    fn file_offset(&self, position: u64) -> Option<u64> {
        Some(self.first_byte + position)
    }
    fn forget_before(&mut self, _position: u64) {}
    fn encoding(&self) -> &'static str {
        "UTF-8"
    }
}

/// Normalises line ends before the CSV parser sees them: `\r\n` and a lone `\r` become
/// `\n`, and a missing final line end is added. The csv crate does not count a record's
/// line reliably after CRLF or blank lines; with every line ending in exactly one `\n`, a
/// record's row is the parser's line after it, less one, less the line breaks inside its
/// quoted fields — the row a spreadsheet shows.
///
/// It remembers where it dropped the `\n` of a `\r\n` (a position per such line of the
/// unread part, forgotten as the reader moves on), so a byte it hands on can be traced to
/// its place in the input, and whether it added the final line end (the file ended inside
/// its last row).
pub(super) struct LineEnds<R> {
    inner: R,
    after_cr: bool,
    last: Option<u8>,
    finished: bool,
    /// Bytes handed on so far.
    emitted: u64,
    /// Where a byte was dropped: the output position of the byte after it.
    dropped: VecDeque<u64>,
    /// Drops forgotten (before the positions still in `dropped`).
    dropped_before: u64,
    /// The final line end was added: the input ended without one.
    added: bool,
}

impl<R: Read> LineEnds<R> {
    pub(super) fn new(inner: R) -> Self {
        LineEnds {
            inner,
            after_cr: false,
            last: None,
            finished: false,
            emitted: 0,
            dropped: VecDeque::new(),
            dropped_before: 0,
            added: false,
        }
    }

    /// Whether the input ended without a line end, so that the last `\n` handed on was
    /// added: its line is the end of a file that may have been cut off.
    pub(super) fn added_line_end(&self) -> bool {
        self.added
    }

    /// The input position of output byte `position`.
    fn input_position(&self, position: u64) -> u64 {
        let dropped = self.dropped.partition_point(|&at| at <= position) as u64;
        position + self.dropped_before + dropped
    }
}

impl<R: Text> LineEnds<R> {
    /// The file offset of output byte `position`, when known.
    pub(super) fn file_offset(&self, position: u64) -> Option<u64> {
        self.inner.file_offset(self.input_position(position))
    }

    /// The output before `position` is read: forget how to map it.
    pub(super) fn forget_before(&mut self, position: u64) {
        while self.dropped.front().is_some_and(|&at| at <= position) {
            self.dropped.pop_front();
            self.dropped_before += 1;
        }
        let input = self.input_position(position);
        self.inner.forget_before(input);
    }

    /// The input's encoding.
    pub(super) fn encoding(&self) -> &'static str {
        self.inner.encoding()
    }
}

impl<R: Read> Read for LineEnds<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() || self.finished {
            return Ok(0);
        }
        loop {
            let count = self.inner.read(out)?;
            if count == 0 {
                self.finished = true;
                if self.last.is_some_and(|last| last != b'\n') {
                    out[0] = b'\n';
                    self.added = true;
                    self.emitted += 1;
                    return Ok(1);
                }
                return Ok(0);
            }
            // Most files have no `\r` at all: then nothing is rewritten (a `\n` right after a
            // `\r` that ended the previous read still has to go).
            if !(memchr::memchr(b'\r', &out[..count]).is_some() || self.after_cr && out[0] == b'\n')
            {
                self.after_cr = false;
                self.last = Some(out[count - 1]);
                self.emitted += count as u64;
                return Ok(count);
            }
            // Rewrite in place: output never outgrows input.
            let mut written = 0;
            for index in 0..count {
                let byte = out[index];
                let after_cr = std::mem::replace(&mut self.after_cr, byte == b'\r');
                let emitted = match byte {
                    b'\n' if after_cr => {
                        self.dropped.push_back(self.emitted + written as u64);
                        continue;
                    }
                    b'\r' => b'\n',
                    other => other,
                };
                out[written] = emitted;
                written += 1;
            }
            if written > 0 {
                self.last = Some(out[written - 1]);
                self.emitted += written as u64;
                return Ok(written);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_bytes_map_back_to_their_input_offsets() {
        // "a\r\nbc\rd\r\n\r\ne" → "a\nbc\nd\n\ne\n" (the last line end added).
        let input = b"a\r\nbc\rd\r\n\r\ne";
        let mut ends = LineEnds::new(Utf8Text {
            inner: &input[..],
            first_byte: 3,
        });
        let mut out = Vec::new();
        let mut byte = [0u8; 2];
        loop {
            let count = ends.read(&mut byte).unwrap();
            if count == 0 {
                break;
            }
            out.extend_from_slice(&byte[..count]);
        }
        assert_eq!(out, b"a\nbc\nd\n\ne\n");
        assert!(ends.added_line_end());
        // Each output byte's input offset, 3 added for the BOM before the text.
        let offsets: Vec<u64> = (0..out.len() as u64)
            .map(|position| ends.file_offset(position).unwrap() - 3)
            .collect();
        assert_eq!(offsets, [0, 1, 3, 4, 5, 6, 7, 9, 11, 12]);
        for (position, offset) in offsets.iter().enumerate().take(out.len() - 1) {
            let shown = if out[position] == b'\n' {
                b"\r\n".contains(&input[*offset as usize])
            } else {
                input[*offset as usize] == out[position]
            };
            assert!(shown, "{position}");
        }
        // Forgetting what is read keeps the rest mapped.
        ends.forget_before(8);
        assert_eq!(ends.file_offset(9), Some(3 + 12));
        assert_eq!(ends.dropped.len(), 0);
        let mut ended = LineEnds::new(&b"a\n"[..]);
        while ended.read(&mut byte).unwrap() > 0 {}
        assert!(!ended.added_line_end());
    }
}
