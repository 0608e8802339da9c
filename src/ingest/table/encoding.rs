//! The text encoding of a CSV, decided from its first bytes (UTF-8, with or without a
//! BOM, UTF-16 by its BOM, else GB18030), and the transcoding of the others to UTF-8.

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

pub(crate) fn sniff_encoding(sample: &[u8], at_end: bool) -> Result<TextEncoding, u64> {
    if sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Ok(TextEncoding::Utf8Bom);
    }
    if sample.starts_with(&[0xFF, 0xFE]) {
        return Ok(TextEncoding::Utf16Le);
    }
    if sample.starts_with(&[0xFE, 0xFF]) {
        return Ok(TextEncoding::Utf16Be);
    }
    match std::str::from_utf8(sample) {
        Ok(_) => return Ok(TextEncoding::Utf8),
        // Cut in the middle of a character by the sample's end: still UTF-8.
        Err(error) if error.error_len().is_none() && !at_end => return Ok(TextEncoding::Utf8),
        Err(_) => {}
    }
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut output = vec![0u8; sample.len() * 3 + 16];
    let (result, read, _) = decoder.decode_to_utf8_without_replacement(sample, &mut output, at_end);
    match result {
        encoding_rs::DecoderResult::Malformed(bad, _) => Err(read as u64 - u64::from(bad)),
        _ => Ok(TextEncoding::Gb18030),
    }
}

/// Transcodes a non-UTF-8 stream to UTF-8, failing (never replacing) on bad bytes.
pub(super) struct DecodingReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    output: Vec<u8>,
    position: usize,
    filled: usize,
    consumed: u64,
    finished: bool,
}

impl<R: BufRead> DecodingReader<R> {
    pub(super) fn new(inner: R, encoding: &'static encoding_rs::Encoding) -> Self {
        DecodingReader {
            inner,
            decoder: encoding.new_decoder_with_bom_removal(),
            output: vec![0; 64 * 1024],
            position: 0,
            filled: 0,
            consumed: 0,
            finished: false,
        }
    }
}

impl<R: BufRead> Read for DecodingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        while self.position == self.filled && !self.finished {
            let input = self.inner.fill_buf()?;
            let last = input.is_empty();
            let (result, read, written) =
                self.decoder
                    .decode_to_utf8_without_replacement(input, &mut self.output, last);
            if let encoding_rs::DecoderResult::Malformed(_, _) = result {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "undecodable bytes near byte offset {}",
                        self.consumed + read as u64
                    ),
                ));
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
