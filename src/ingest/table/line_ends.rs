//! Line ends as the CSV record reader expects them: exactly one `\n` after every line.

use std::io::{self, Read};

/// Normalises line ends before the CSV parser sees them: `\r\n` and a lone `\r` become
/// `\n`, and a missing final line end is added. The csv crate does not count a record's
/// line reliably after CRLF or blank lines; with every line ending in exactly one `\n`, a
/// record's row is the parser's line after it, less one, less the line breaks inside its
/// quoted fields — the row a spreadsheet shows.
pub(super) struct LineEnds<R> {
    inner: R,
    after_cr: bool,
    last: Option<u8>,
    finished: bool,
}

impl<R: Read> LineEnds<R> {
    pub(super) fn new(inner: R) -> Self {
        LineEnds {
            inner,
            after_cr: false,
            last: None,
            finished: false,
        }
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
                return Ok(count);
            }
            // Rewrite in place: output never outgrows input.
            let mut written = 0;
            for index in 0..count {
                let byte = out[index];
                let after_cr = std::mem::replace(&mut self.after_cr, byte == b'\r');
                let emitted = match byte {
                    b'\n' if after_cr => continue,
                    b'\r' => b'\n',
                    other => other,
                };
                out[written] = emitted;
                written += 1;
            }
            if written > 0 {
                self.last = Some(out[written - 1]);
                return Ok(written);
            }
        }
    }
}
