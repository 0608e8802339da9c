//! The text encoding of a CSV, decided from its first bytes (UTF-8, with or without a
//! BOM, UTF-16 by its BOM, else GB18030), and the transcoding of the others to UTF-8.
//! A bad sequence is never replaced by a character: it rejects its row (or, when the first
//! bytes hold many, the file), and the message names its file offset.

use super::line_ends::Text;
use std::collections::VecDeque;
use std::io::{self, BufRead, Read};

/// The encodings a CSV may be in, decided from its first bytes; never guessed from
/// content beyond "is this valid UTF-8, else is it valid GB18030".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
}

impl TextEncoding {
    pub(crate) fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with BOM",
            TextEncoding::Utf16Le => "UTF-16LE",
            TextEncoding::Utf16Be => "UTF-16BE",
            TextEncoding::Gb18030 => "GB18030",
        }
    }
}

/// How many bytes are looked at to decide the encoding.
pub(crate) const SNIFF_BYTES: usize = 256 * 1024;

/// More bad sequences than this in the bytes the encoding is decided from, and the file
/// is not text in that encoding (a binary file, another encoding): it is refused whole.
/// Fewer are damage — a character cut in two, a cell pasted in another encoding — and
/// reject their rows.
pub(crate) const MAX_BAD_SEQUENCES: usize = 16;

/// Multi-byte characters that, read as UTF-8 before the first bad byte, make a sample
/// UTF-8: GBK text is rarely valid UTF-8 for more than a character or two (four at most in
/// 20,000 random runs of twenty GBK characters), while a UTF-8 file with one broken
/// character has all its others before it.
const UTF8_EVIDENCE: usize = 8;

/// The encoding of a CSV, decided from its first bytes (`sample`; `at_end` when it is the
/// whole file):
/// 1. a BOM (UTF-8, UTF-16LE, UTF-16BE);
/// 2. UTF-8 when the sample is UTF-8 — or is but for a character cut by the end of the
///    file, or holds [`UTF8_EVIDENCE`] multi-byte characters before its first bad byte;
/// 3. GB18030 when the sample is that;
/// 4. else the one of the two that reads further before its first bad sequence (UTF-8 on
///    a tie).
///
/// The bad sequences of the encoding chosen in 2 or 4 reject their rows — unless there
/// are more than [`MAX_BAD_SEQUENCES`]: then the file is text in neither, and `Err` gives
/// the offset of its first bad byte in each.
pub(crate) fn sniff_encoding(sample: &[u8], at_end: bool) -> Result<TextEncoding, Undecodable> {
    if sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Ok(TextEncoding::Utf8Bom);
    }
    if sample.starts_with(&[0xFF, 0xFE]) {
        return Ok(TextEncoding::Utf16Le);
    }
    if sample.starts_with(&[0xFE, 0xFF]) {
        return Ok(TextEncoding::Utf16Be);
    }
    let utf8 = bad_utf8(sample, at_end);
    let Some(utf8_first) = utf8.first else {
        return Ok(TextEncoding::Utf8);
    };
    let cut_at_the_end = utf8.count == 1 && utf8.cut_at_end;
    let evidence = sample[..utf8_first]
        .iter()
        .filter(|byte| (0xC0..0xF8).contains(*byte))
        .count();
    let gb = || bad_gb18030(sample, at_end);
    let (encoding, bad) = if cut_at_the_end || evidence >= UTF8_EVIDENCE {
        (TextEncoding::Utf8, utf8)
    } else {
        let gb = gb();
        match gb.first {
            None => return Ok(TextEncoding::Gb18030),
            Some(gb_first) if gb_first > utf8_first => (TextEncoding::Gb18030, gb),
            Some(_) => (TextEncoding::Utf8, utf8),
        }
    };
    if bad.count > MAX_BAD_SEQUENCES {
        return Err(Undecodable {
            utf8: utf8_first as u64,
            gb18030: gb().first.unwrap_or(sample.len()) as u64,
        });
    }
    Ok(encoding)
}

/// Bytes that are text in neither UTF-8 nor GB18030: where each reading first fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Undecodable {
    /// The first byte that is not UTF-8.
    pub(crate) utf8: u64,
    /// The first byte that is not GB18030.
    pub(crate) gb18030: u64,
}

/// The bad sequences of a sample in one encoding: where the first starts, how many, and
/// whether the last is a character cut by the end of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bad {
    first: Option<usize>,
    count: usize,
    cut_at_end: bool,
}

/// The bad UTF-8 sequences of `sample`; a character cut by the sample's end is one only
/// when the sample is the whole file.
fn bad_utf8(sample: &[u8], at_end: bool) -> Bad {
    let mut bad = Bad {
        first: None,
        count: 0,
        cut_at_end: false,
    };
    let mut from = 0;
    while let Err(error) = std::str::from_utf8(&sample[from..]) {
        let at = from + error.valid_up_to();
        match error.error_len() {
            Some(length) => from = at + length,
            None if at_end => {
                from = sample.len();
                bad.cut_at_end = true;
            }
            None => break,
        }
        bad.first.get_or_insert(at);
        bad.count += 1;
        if from >= sample.len() {
            break;
        }
    }
    bad
}

/// The bad GB18030 sequences of `sample` (at most one more than [`MAX_BAD_SEQUENCES`] are
/// counted).
fn bad_gb18030(sample: &[u8], at_end: bool) -> Bad {
    let mut bad = Bad {
        first: None,
        count: 0,
        cut_at_end: false,
    };
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut output = vec![0u8; sample.len() * 3 + 16];
    let mut from = 0;
    loop {
        let (result, read, _) =
            decoder.decode_to_utf8_without_replacement(&sample[from..], &mut output, at_end);
        match result {
            encoding_rs::DecoderResult::Malformed(length, after) => {
                let at = (from + read).saturating_sub(usize::from(length) + usize::from(after));
                bad.first.get_or_insert(at);
                bad.count += 1;
                from += read;
                if bad.count > MAX_BAD_SEQUENCES || read == 0 {
                    return bad;
                }
            }
            _ => return bad,
        }
    }
}

/// Transcodes a non-UTF-8 stream to UTF-8, never replacing a bad sequence with a
/// character: it becomes the byte 0xFF, which no UTF-8 text holds, so the record reader
/// rejects its row; the sequence's file offset is kept for the message.
pub(super) struct DecodingReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    name: &'static str,
    output: Vec<u8>,
    position: usize,
    filled: usize,
    /// Input bytes consumed.
    consumed: u64,
    /// Output bytes handed out before `output`'s first.
    produced: u64,
    /// Each bad sequence not yet forgotten: its marker's output position, its file offset.
    marks: VecDeque<(u64, u64)>,
    finished: bool,
}

impl<R: BufRead> DecodingReader<R> {
    pub(super) fn new(
        inner: R,
        encoding: &'static encoding_rs::Encoding,
        name: &'static str,
    ) -> Self {
        DecodingReader {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            name,
            output: vec![0; 64 * 1024],
            position: 0,
            filled: 0,
            consumed: 0,
            produced: 0,
            marks: VecDeque::new(),
            finished: false,
        }
    }
}

impl<R: BufRead> Read for DecodingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        while self.position == self.filled && !self.finished {
            self.produced += self.filled as u64;
            let input = self.inner.fill_buf()?;
            let last = input.is_empty();
            // One byte stays free for a bad sequence's marker.
            let room = self.output.len() - 1;
            let (result, read, mut written) = self.decoder.decode_to_utf8_without_replacement(
                input,
                &mut self.output[..room],
                last,
            );
            if let encoding_rs::DecoderResult::Malformed(length, after) = result {
                let at = (self.consumed + read as u64)
                    .saturating_sub(u64::from(length) + u64::from(after));
                self.marks.push_back((self.produced + written as u64, at));
                self.output[written] = 0xFF;
                written += 1;
            }
            self.inner.consume(read);
            self.consumed += read as u64;
            self.position = 0;
            self.filled = written;
            if last && matches!(result, encoding_rs::DecoderResult::InputEmpty) {
                self.finished = true;
            }
        }
        let count = buffer.len().min(self.filled - self.position);
        buffer[..count].copy_from_slice(&self.output[self.position..self.position + count]);
        self.position += count;
        Ok(count)
    }
}

impl<R: BufRead> Text for DecodingReader<R> {
    /// Only a bad sequence's marker has a known offset (a character's bytes differ in
    /// number between the encodings).
    fn file_offset(&self, position: u64) -> Option<u64> {
        self.marks
            .iter()
            .find(|(marker, _)| *marker == position)
            .map(|(_, offset)| *offset)
    }

    fn forget_before(&mut self, position: u64) {
        while self
            .marks
            .front()
            .is_some_and(|(marker, _)| *marker < position)
        {
            self.marks.pop_front();
        }
    }

    fn encoding(&self) -> &'static str {
        self.name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_is_the_one_that_reads_the_first_bytes() {
        let sniff = |bytes: &[u8]| sniff_encoding(bytes, true);
        let (gbk, _, _) = encoding_rs::GBK.encode("账号,金额\n云服务器,1.00\n");
        let chinese = "账号,金额\n云服务器,1.00\n".as_bytes();
        assert_eq!(sniff(chinese), Ok(TextEncoding::Utf8));
        assert_eq!(sniff(&gbk), Ok(TextEncoding::Gb18030));
        // UTF-8 Chinese text can be valid GB18030 too (pairs of its bytes): cut inside
        // its last character it is still UTF-8.
        let mut cut = chinese.to_vec();
        cut.extend_from_slice(&"云".as_bytes()[..2]);
        assert_eq!(sniff(&cut), Ok(TextEncoding::Utf8));
        // Not cut when the sample is not the whole file.
        assert_eq!(sniff_encoding(&cut, false), Ok(TextEncoding::Utf8));
        // Eight UTF-8 characters before a bad byte: UTF-8.
        let mut broken = chinese.to_vec();
        broken.extend_from_slice(b"\xff,1\n");
        assert_eq!(sniff(&broken), Ok(TextEncoding::Utf8));
        // GBK with a bad pair: GB18030 reads further.
        let mut bad_gbk = gbk.to_vec();
        bad_gbk.extend_from_slice(b"\x81 ,1\n");
        assert_eq!(sniff(&bad_gbk), Ok(TextEncoding::Gb18030));
        // ASCII then a byte neither encoding has: a tie, UTF-8.
        assert_eq!(sniff(b"a,b\n\xff,1\n"), Ok(TextEncoding::Utf8));
        // More than MAX_BAD_SEQUENCES: refused, with both offsets.
        let mut junk = b"a,b\n".to_vec();
        junk.extend([0xFFu8; 20]);
        assert_eq!(
            sniff(&junk),
            Err(Undecodable {
                utf8: 4,
                gb18030: 4
            })
        );
    }

    #[test]
    fn a_bad_sequence_becomes_a_marker_with_its_file_offset() {
        // 云 in GBK, then the pair 81 20, then 云.
        let bytes = b"\xd4\xc6\x81 \xd4\xc6".to_vec();
        let mut reader = DecodingReader::new(&bytes[..], encoding_rs::GB18030, "GB18030");
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        let mut expected = "云".as_bytes().to_vec();
        expected.push(0xFF);
        expected.extend_from_slice(" 云".as_bytes());
        assert_eq!(out, expected);
        assert_eq!(reader.file_offset(3), Some(2));
        assert_eq!(reader.file_offset(2), None);
        reader.forget_before(4);
        assert_eq!(reader.file_offset(3), None);
        assert_eq!(reader.encoding(), "GB18030");
    }
}
