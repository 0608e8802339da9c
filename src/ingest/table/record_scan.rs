//! Finding a CSV line's end and where it splits, classifying its bytes 64 at a time: with
//! SSE2 (part of the x86-64 baseline) sixteen bytes take a few instructions, elsewhere a
//! byte loop gives the same classes. This hand-written scan is kept because the benchmark
//! showed it pays: it takes 0.26 s of CPU over the 10M-line set where the `csv` crate's
//! reader it replaced took 0.6 s (docs/BENCHMARK.md).

/// Bytes kept readable past the filled part of the read buffer, so the scan can always
/// classify a whole block (the bytes past the end are ignored).
pub(super) const SLACK: usize = BLOCK;

/// Bytes classified at once.
const BLOCK: usize = 64;

/// Which of 16 bytes are the delimiter, a line end, a quote, or not ASCII: bit `i` stands
/// for byte `i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Classes {
    delimiters: u32,
    line_ends: u32,
    quotes: u32,
    non_ascii: u32,
}

/// [`Classes`] of `bytes`, sixteen at a time with SSE2, which every x86-64 processor has.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn classify(bytes: &[u8; 16], delimiter: u8) -> Classes {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
    // SAFETY: SSE2 is part of the x86-64 baseline, so these instructions exist on every
    // processor this code runs on; the load reads exactly the 16 bytes of `bytes`, and
    // an unaligned load has no alignment requirement.
    unsafe {
        let vector = _mm_loadu_si128(bytes.as_ptr().cast());
        let mask =
            |byte: u8| _mm_movemask_epi8(_mm_cmpeq_epi8(vector, _mm_set1_epi8(byte as i8))) as u32;
        Classes {
            delimiters: mask(delimiter),
            line_ends: mask(b'\n'),
            quotes: mask(b'"'),
            non_ascii: _mm_movemask_epi8(vector) as u32,
        }
    }
}

/// [`Classes`] of `bytes`, byte by byte (processors without SSE2).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline]
fn classify_bytes(bytes: &[u8; 16], delimiter: u8) -> Classes {
    let mut classes = Classes {
        delimiters: 0,
        line_ends: 0,
        quotes: 0,
        non_ascii: 0,
    };
    for (index, &byte) in bytes.iter().enumerate() {
        classes.delimiters |= u32::from(byte == delimiter) << index;
        classes.line_ends |= u32::from(byte == b'\n') << index;
        classes.quotes |= u32::from(byte == b'"') << index;
        classes.non_ascii |= u32::from(byte >= 0x80) << index;
    }
    classes
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn classify(bytes: &[u8; 16], delimiter: u8) -> Classes {
    classify_bytes(bytes, delimiter)
}

/// The classes of the [`BLOCK`] bytes from `base`: bit `i` stands for byte `base + i`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Block {
    base: usize,
    delimiters: u64,
    line_ends: u64,
    quotes: u64,
    non_ascii: u64,
}

impl Block {
    /// The classes of `bytes[base..base + BLOCK]`; `None` when `bytes` is shorter.
    #[inline(always)]
    fn at(bytes: &[u8], base: usize, delimiter: u8) -> Option<Block> {
        let block: &[u8; BLOCK] = bytes.get(base..base + BLOCK)?.try_into().ok()?;
        let mut classes = Block {
            base,
            delimiters: 0,
            line_ends: 0,
            quotes: 0,
            non_ascii: 0,
        };
        for (index, part) in block.chunks_exact(16).enumerate() {
            let part: &[u8; 16] = part.try_into().ok()?;
            let found = classify(part, delimiter);
            let shift = 16 * index;
            classes.delimiters |= u64::from(found.delimiters) << shift;
            classes.line_ends |= u64::from(found.line_ends) << shift;
            classes.quotes |= u64::from(found.quotes) << shift;
            classes.non_ascii |= u64::from(found.non_ascii) << shift;
        }
        Some(classes)
    }
}

/// One line found by [`Scanner::line`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Line {
    /// Offset of its line end.
    pub(super) end: usize,
    /// It holds a quote: its fields are not simply split at delimiters.
    pub(super) quoted: bool,
    /// Where its first byte that is not ASCII is, if it has one: check the line is UTF-8
    /// from there before reading it as text (what comes before is ASCII).
    pub(super) non_ascii: Option<usize>,
}

/// Walks a buffer line by line, classifying each byte once: the block holding the end of
/// one line is kept for the next line, which starts in it.
#[derive(Debug, Default)]
pub(super) struct Scanner {
    block: Option<Block>,
}

impl Scanner {
    /// Forgets the kept block (the buffer's bytes moved).
    pub(super) fn moved(&mut self) {
        self.block = None;
    }

    /// Finds the line starting at `from` in `bytes[..limit]` and where it splits at
    /// `delimiter`: `bounds` gets each field's `(start, end)`, relative to `from`. `None`
    /// when no line end comes before `limit`. `bytes` must reach [`SLACK`] bytes past
    /// `limit`, and hold the same bytes as at the last call unless [`Scanner::moved`].
    #[inline]
    pub(super) fn line(
        &mut self,
        bytes: &[u8],
        from: usize,
        limit: usize,
        delimiter: u8,
        bounds: &mut Vec<(usize, usize)>,
    ) -> Option<Line> {
        bounds.clear();
        let mut field_start = from;
        let (mut quoted, mut non_ascii) = (false, None);
        let mut block = match self.block {
            Some(block) if block.base <= from && from < block.base + BLOCK => block,
            _ => Block::at(bytes, from, delimiter)?,
        };
        loop {
            if block.base >= limit {
                return None;
            }
            let first = from.saturating_sub(block.base);
            let last = (limit - block.base).min(BLOCK);
            let below_last = if last == BLOCK {
                u64::MAX
            } else {
                (1u64 << last) - 1
            };
            let valid = below_last & (u64::MAX << first);
            let line_ends = block.line_ends & valid;
            // The bytes before the first line end (all valid ones when there is none).
            let before = if line_ends == 0 {
                valid
            } else {
                valid & ((line_ends & line_ends.wrapping_neg()) - 1)
            };
            let mut delimiters = block.delimiters & before;
            while delimiters != 0 {
                let end = block.base + delimiters.trailing_zeros() as usize;
                bounds.push((field_start - from, end - from));
                field_start = end + 1;
                delimiters &= delimiters - 1;
            }
            quoted |= block.quotes & before != 0;
            if non_ascii.is_none() && block.non_ascii & before != 0 {
                non_ascii = Some(block.base + (block.non_ascii & before).trailing_zeros() as usize);
            }
            if line_ends != 0 {
                let end = block.base + line_ends.trailing_zeros() as usize;
                bounds.push((field_start - from, end - from));
                self.block = Some(block);
                return Some(Line {
                    end,
                    quoted,
                    non_ascii,
                });
            }
            block = Block::at(bytes, block.base + BLOCK, delimiter)?;
        }
    }
}

/// Where `line` (a whole line without its line end and without any quote) splits at
/// `delimiter`, as `(start, end)` offsets added to `bounds` (cleared first).
#[cfg(test)]
pub(crate) fn split_plain(line: &[u8], delimiter: u8, bounds: &mut Vec<(usize, usize)>) {
    let mut bytes = line.to_vec();
    bytes.push(b'\n');
    let limit = bytes.len();
    bytes.resize(limit + SLACK, 0);
    Scanner::default().line(&bytes, 0, limit, delimiter, bounds);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_scan_and_the_sse2_scan_classify_alike() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..10_000 {
            let mut bytes = [0u8; 16];
            for byte in &mut bytes {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                *byte = match (state >> 60) % 5 {
                    0 => b',',
                    1 => b'\n',
                    2 => b'"',
                    _ => (state >> 32) as u8,
                };
            }
            assert_eq!(classify(&bytes, b','), classify_bytes(&bytes, b','));
            assert_eq!(classify(&bytes, b'\t'), classify_bytes(&bytes, b'\t'));
        }
    }
}
