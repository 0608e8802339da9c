//! What is learnt about a file while it is read — above all the SHA-256 of its exact
//! bytes — and the readers and writers that hash bytes as they pass.

use crate::domain::finding::MemberRefusal;
use sha2::{Digest, Sha256};
use std::io::{self, Read};

/// What was learnt about a file while reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDigest {
    /// SHA-256 of the file's bytes as on disk (for a zip archive, the whole archive),
    /// lower-case hex.
    pub sha256: String,
    /// File size in bytes.
    pub bytes: u64,
    /// The text encoding of a CSV (`UTF-8`, `GB18030`, …); for a zip archive, that of its
    /// first CSV member in name order; `None` for spreadsheets and for a zip archive
    /// without a CSV member.
    pub encoding: Option<&'static str>,
    /// Sheets left out because they are hidden.
    pub hidden_sheets: Vec<String>,
    /// Members of a tar archive left out because they are no plain file inside it (a
    /// link, a device, a path leading outside), in member-name order.
    pub refused_members: Vec<(String, MemberRefusal)>,
}

/// Counts and hashes bytes as they pass, so the digest is of exactly what was parsed.
pub(super) struct HashingReader<R> {
    pub(super) inner: R,
    pub(super) hasher: Sha256,
    pub(super) bytes: u64,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let count = self.inner.read(buffer)?;
        self.hasher.update(&buffer[..count]);
        self.bytes += count as u64;
        Ok(count)
    }
}

/// Feeds a hasher as an `io::Write`, so a file can be hashed with `io::copy`.
pub(super) struct HashWriter<'h>(pub(super) &'h mut Sha256);

impl io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
