//! The table reader through `read_file`, file type by file type, with a visitor that
//! records what it is handed and where.

use super::{FileDigest, Limits, TableError, TableVisitor, read_file};
use crate::domain::location::Location;
use crate::ingest::cell::Cell;
use std::io::Cursor;
use std::sync::Arc;

mod archives;
mod as_typed;
mod csv_files;
mod workbooks;
mod zip_archives;

#[derive(Default)]
pub(super) struct Collect {
    tables: Vec<String>,
    rows: Vec<(usize, Vec<Cell>)>,
    bad: Vec<(usize, String)>,
    /// Where each row and unreadable row was, as a finding would print it.
    places: Vec<String>,
    current: Option<Location>,
}

impl Collect {
    fn place(&mut self, number: usize) {
        let place = self.current.as_ref().map(|table| table.at_row(number));
        self.places
            .push(place.map_or_else(|| "(no table)".into(), |place| place.to_string()));
    }
}

impl TableVisitor for Collect {
    fn begin_table(&mut self, table: &Location) {
        self.tables.push(table.to_string());
        self.current = Some(table.clone());
    }
    fn row(&mut self, number: usize, cells: &[Cell]) {
        self.rows.push((number, cells.to_vec()));
        self.place(number);
    }
    fn unreadable_row(&mut self, number: usize, why: String) {
        self.bad.push((number, why));
        self.place(number);
    }
}

pub(super) fn read_bytes(name: &str, bytes: &[u8]) -> (Result<FileDigest, TableError>, Collect) {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let mut collect = Collect::default();
    let result = read_file(&path, Arc::from(name), &mut collect, &Limits::DEFAULT);
    (result, collect)
}

pub(super) fn text_cells(texts: &[&str]) -> Vec<Cell> {
    texts
        .iter()
        .map(|text| Cell::Text((*text).into()))
        .collect()
}

/// A zip archive of `(name, bytes, compression)` members, in that order; a name
/// ending in `/` is a directory entry.
pub(super) fn zip_of(members: &[(&str, &[u8], zip::CompressionMethod)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes, method) in members {
        let options = zip::write::SimpleFileOptions::default().compression_method(*method);
        if name.ends_with('/') {
            writer.add_directory(*name, options).unwrap();
        } else {
            writer.start_file(*name, options).unwrap();
            std::io::Write::write_all(&mut writer, bytes).unwrap();
        }
    }
    writer.finish().unwrap().into_inner()
}

/// Rewrites the general-purpose flags and compression method of every local and
/// central header, as a hostile archive would have them.
pub(super) fn patch_headers(bytes: &mut [u8], flags: u16, method: u16) {
    for index in 0..bytes.len().saturating_sub(12) {
        let (flags_at, method_at) = match &bytes[index..index + 4] {
            b"PK\x03\x04" => (index + 6, index + 8),
            b"PK\x01\x02" => (index + 8, index + 10),
            _ => continue,
        };
        bytes[flags_at..flags_at + 2].copy_from_slice(&flags.to_le_bytes());
        bytes[method_at..method_at + 2].copy_from_slice(&method.to_le_bytes());
    }
}

#[test]
fn a_panic_while_a_file_is_read_is_that_files_error_and_the_file_is_known_meanwhile() {
    // The file being read is known while, and only while, it is read; a panic then (here
    // the visitor's own) ends that file alone, with the rows before it counted.
    struct Panicky(Vec<Option<String>>);
    impl TableVisitor for Panicky {
        fn begin_table(&mut self, _: &Location) {}
        fn row(&mut self, number: usize, _: &[Cell]) {
            self.0
                .push(super::containment::reading().map(|file| file.to_string()));
            assert!(number < 2, "row {number} is one too many");
        }
        fn unreadable_row(&mut self, _: usize, _: String) {}
    }
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("seen.csv");
    std::fs::write(&path, "a,b\n1,2\n").unwrap();
    let mut visitor = Panicky(Vec::new());
    let result = read_file(&path, Arc::from("seen.csv"), &mut visitor, &Limits::DEFAULT);
    let Err(TableError::Crashed { location, message }) = result else {
        panic!("expected a crash, got {result:?}");
    };
    assert_eq!(location.to_string(), "seen.csv");
    assert_eq!(message, "row 2 is one too many");
    assert_eq!(visitor.0, vec![Some("seen.csv".to_string()); 2]);
    assert_eq!(super::containment::reading(), None);
}
