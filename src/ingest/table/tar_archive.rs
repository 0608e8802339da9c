//! A tar archive of CSV files, plain (`.tar`) or inside a gzip (`.tar.gz`, as Huawei
//! Cloud's partner bill `customerBill_YYYYMM.tar.gz` comes, in CSV parts of 100,000 rows):
//! every plain-file member read as its own table, in member-name order as zip members are.
//!
//! A tar is a stream, so the order costs passes: one over the headers to learn the names,
//! then as many reading passes as the name order goes back in the archive (one, for an
//! archive written in name order). Memory stays bounded; nothing is extracted to disk.
//! A member that is no plain file inside the archive — a path leading outside, a link, a
//! device — is never read and is reported by name ([`FileDigest::refused_members`]).

use super::csv_file::{delimiter_for, read_csv_stream};
use super::digest::FileDigest;
use super::error::TableError;
use super::guarded::{Guarded, hash_file};
use super::sniff::{HEAD_BYTES, Magic, describe, magic};
use super::visitor::TableVisitor;
use super::zip_archive::member_order_key;
use crate::domain::finding::MemberRefusal;
use crate::domain::location::Location;
use std::io::{self, BufReader, Cursor, Read};
use std::path::Path;
use std::sync::Arc;

/// The stream a pass reads: the archive's bytes (inflated, for a `.tar.gz`), guarded.
pub(super) type Stream = Guarded<Box<dyn Read>>;

/// Reads the plain tar archive at `path`.
pub(super) fn read_tar(
    path: &Path,
    file: Arc<str>,
    visitor: &mut dyn TableVisitor,
    record_bytes: u64,
) -> Result<FileDigest, TableError> {
    let location = Location::file(file.clone());
    let (sha256, bytes) = hash_file(path, &location)?;
    let mut open = || -> Result<Stream, TableError> {
        let opened = std::fs::File::open(path).map_err(|source| TableError::Io {
            location: location.clone(),
            source,
        })?;
        let reader: Box<dyn Read> = Box::new(BufReader::with_capacity(64 * 1024, opened));
        // A plain tar's members are as large as they are on disk: no cap.
        Ok(Guarded::new(reader, u64::MAX, "tar archive"))
    };
    let mut refused_members = Vec::new();
    let encoding = read_tar_stream(
        &mut open,
        &file,
        visitor,
        &mut refused_members,
        record_bytes,
    )?;
    Ok(FileDigest {
        sha256,
        bytes,
        encoding,
        hidden_sheets: Vec::new(),
        refused_members,
    })
}

/// One member from the pass over the headers.
struct Member {
    /// Its position among the archive's entries.
    index: usize,
    /// Its path as the archive writes it.
    name: String,
    /// Why it is not read, if it is not.
    refused: Option<MemberRefusal>,
}

/// Why a pass stopped.
enum PassError {
    /// The tar reader failed on the archive itself (a bad header, a cut).
    Archive(io::Error),
    /// Reading a member failed (its data cut short): the member and the message.
    Member(Location, String),
    /// The table reader refused the member.
    Table(TableError),
}

/// Reads every member of the tar archive `open` opens (each call a fresh stream from the
/// start), in member-name order, and returns the encoding of its first CSV member.
/// Refused members are added to `refused` in name order.
pub(super) fn read_tar_stream(
    open: &mut dyn FnMut() -> Result<Stream, TableError>,
    file: &Arc<str>,
    visitor: &mut dyn TableVisitor,
    refused: &mut Vec<(String, MemberRefusal)>,
    record_bytes: u64,
) -> Result<Option<&'static str>, TableError> {
    let location = Location::file(file.clone());
    let mut stream = open()?;
    let members = headers(&mut stream);
    let mut members = settle(&mut stream, &location, members)?;
    // Sorted by name, so the rows come in the same order however the archive was built;
    // numbers compare as numbers so `part_2.csv` comes before `part_10.csv`.
    members.sort_by_cached_key(|member| (member_order_key(&member.name), member.index));
    let mut wanted = Vec::new();
    for member in members {
        match member.refused {
            Some(why) => refused.push((member.name, why)),
            None => wanted.push(member),
        }
    }
    let mut encoding = None;
    let mut next = 0;
    while next < wanted.len() {
        let before = next;
        let mut stream = open()?;
        let result = pass(
            &mut stream,
            file,
            &wanted,
            &mut next,
            visitor,
            &mut encoding,
            record_bytes,
        );
        settle(&mut stream, &location, result)?;
        if next == before {
            // Only a file changed while it was read can get here; never loop on it.
            return Err(TableError::Archive {
                location,
                what: "tar archive",
                message: "its members changed between two readings".into(),
                partial: false,
            });
        }
    }
    Ok(encoding)
}

/// The error of a pass, the stream's own failure first (a gzip corrupt or too large
/// shows to the tar reader as a broken archive).
fn settle<T>(
    stream: &mut Stream,
    location: &Location,
    result: Result<T, PassError>,
) -> Result<T, TableError> {
    let error = match result {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    if let Some(failure) = stream.error(location, false) {
        return Err(failure);
    }
    Err(match error {
        PassError::Archive(error) => TableError::Archive {
            location: location.clone(),
            what: "tar archive",
            message: tar_message(&error),
            partial: false,
        },
        PassError::Member(location, message) => TableError::Archive {
            location,
            what: "tar archive",
            message,
            partial: false,
        },
        PassError::Table(error) => error,
    })
}

/// The tar reader's message, with a cut called a cut.
fn tar_message(error: &io::Error) -> String {
    // The tar reader says `unexpected EOF during skip` (kind `Other`) for a member cut.
    if error.kind() == io::ErrorKind::UnexpectedEof || error.to_string().contains("unexpected EOF")
    {
        "it ends inside a member".to_string()
    } else {
        error.to_string()
    }
}

/// The pass over the headers: every member that is a file, a link or anything else a
/// person could mistake for one; directories and the archive's own metadata left out.
fn headers(stream: &mut Stream) -> Result<Vec<Member>, PassError> {
    let mut archive = tar::Archive::new(stream);
    let mut members = Vec::new();
    for (index, entry) in archive.entries().map_err(PassError::Archive)?.enumerate() {
        let entry = entry.map_err(PassError::Archive)?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        use tar::EntryType;
        let refused = match entry.header().entry_type() {
            EntryType::Regular | EntryType::Continuous => None,
            EntryType::Directory
            | EntryType::XGlobalHeader
            | EntryType::XHeader
            | EntryType::GNULongName
            | EntryType::GNULongLink => continue,
            EntryType::Symlink => Some(MemberRefusal::Symlink),
            EntryType::Link => Some(MemberRefusal::HardLink),
            EntryType::Char | EntryType::Block | EntryType::Fifo => Some(MemberRefusal::Device),
            _ => Some(MemberRefusal::OtherType),
        };
        // A path leading outside is refused whatever the member is: it is how an archive
        // writes over files when extracted, and nothing a bill export makes.
        let refused = if leaves_archive(&name) {
            Some(MemberRefusal::LeavesArchive)
        } else {
            refused
        };
        members.push(Member {
            index,
            name,
            refused,
        });
    }
    Ok(members)
}

/// True for a member path that is absolute or climbs out with `..` (either slash, and a
/// Windows drive or UNC path, as archives written on Windows may hold).
fn leaves_archive(name: &str) -> bool {
    let bytes = name.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    name.starts_with('/')
        || name.starts_with('\\')
        || drive
        || name.split(['/', '\\']).any(|part| part == "..")
}

/// One reading pass: from the start of the archive, reads `wanted[*next..]` while each
/// comes later in the archive than the one before, moving `next` on.
fn pass(
    stream: &mut Stream,
    file: &Arc<str>,
    wanted: &[Member],
    next: &mut usize,
    visitor: &mut dyn TableVisitor,
    encoding: &mut Option<&'static str>,
    record_bytes: u64,
) -> Result<(), PassError> {
    let mut archive = tar::Archive::new(stream);
    for (index, entry) in archive.entries().map_err(PassError::Archive)?.enumerate() {
        let Some(member) = wanted.get(*next) else {
            break;
        };
        if index < member.index {
            // Not yet there: the tar reader skips the member's data.
            entry.map_err(PassError::Archive)?;
            continue;
        }
        if index > member.index {
            // The name order goes back in the archive: a new pass starts from the top.
            break;
        }
        let entry = entry.map_err(PassError::Archive)?;
        let table = Location::sheet(file.clone(), Some(Arc::from(member.name.as_str())));
        let mut data = Guarded::new(entry, u64::MAX, "tar archive");
        let read = read_member(&mut data, &member.name, &table, visitor, record_bytes);
        if let Some(TableError::Archive { message, .. }) = data.error(&table, false) {
            return Err(PassError::Member(table, message));
        }
        if let Some(found) = read.map_err(PassError::Table)? {
            encoding.get_or_insert(found);
        }
        *next += 1;
    }
    Ok(())
}

/// One member: read as a CSV when its bytes are text, else reported as a table of its
/// own with one unreadable row saying what it is, so it never drops out unseen.
fn read_member(
    data: &mut impl Read,
    name: &str,
    table: &Location,
    visitor: &mut dyn TableVisitor,
    record_bytes: u64,
) -> Result<Option<&'static str>, TableError> {
    let mut head = Vec::with_capacity(HEAD_BYTES);
    data.take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|source| TableError::Io {
            location: table.clone(),
            source,
        })?;
    match magic(&head, None) {
        Magic::Text => {
            let mut rest = Cursor::new(head).chain(data);
            let encoding = read_csv_stream(
                &mut rest,
                table,
                delimiter_for(Path::new(name)),
                record_bytes,
                visitor,
            )?;
            Ok(Some(encoding.name()))
        }
        other => {
            visitor.begin_table(table);
            visitor.unreadable_row(
                1,
                format!(
                    "`{name}` is not a CSV file: it is {}; only CSV members of a tar archive are read, so extract it and pass it on its own if it holds data for the audit",
                    describe(other)
                ),
            );
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::leaves_archive;

    #[test]
    fn paths_that_lead_outside_the_archive() {
        for outside in [
            "/etc/passwd",
            "../x.csv",
            "bills/../../x.csv",
            "..",
            "\\\\server\\share\\x.csv",
            "C:\\bills\\x.csv",
            "bills\\..\\..\\x.csv",
        ] {
            assert!(leaves_archive(outside), "{outside}");
        }
        for inside in ["x.csv", "./x.csv", "bills/x..csv", "..x.csv", "a/b/c.csv"] {
            assert!(!leaves_archive(inside), "{inside}");
        }
    }
}
