//! The checks of a zipped workbook (`.xlsx/.xlsm/.xlsb/.ods`) before calamine opens it:
//! every part's inflated size, every XML part's longest token, the row and cell
//! references calamine reads, and the shared-string count it reserves room for.

use super::error::TableError;
use super::limits::{Limit, Limits};
use super::sheet_names::sheet_of_part;
use super::xml_scan::XmlScan;
use crate::domain::location::Location;
use std::io::{self, Read, Seek};
use std::sync::Arc;

/// Refuses zip containers whose parts claim to inflate beyond the limit, before calamine
/// allocates anything for them.
///
/// With `references` (an `.xlsx` or `.xlsm`), the row and cell references calamine reads
/// are checked too, and one it would overflow on refuses the file
/// (`cell_references.rs`).
pub(super) fn check_zip_parts<R: Read + Seek>(
    source: &mut R,
    location: &Location,
    limits: &Limits,
    references: bool,
) -> Result<(), TableError> {
    let Ok(mut archive) = zip::ZipArchive::new(source) else {
        // Not a zip: calamine will report the real problem.
        return Ok(());
    };
    for index in 0..archive.len() {
        let Ok(part) = archive.by_index(index) else {
            continue;
        };
        let name = part.name().unwrap_or_default().into_owned();
        let sheet = name.starts_with("xl/worksheets/");
        // A worksheet may inflate to `inflation_ratio` times its compressed size, or to the
        // floor, whichever is more: a bomb of empty rows is refused from what its header
        // declares, at once, or as soon as it passes that size when the header lies.
        let inflation = sheet.then(|| {
            limits
                .inflation_ratio
                .saturating_mul(part.compressed_size())
                .max(limits.inflation_floor_bytes)
        });
        if let Some(allowed) = inflation
            && part.size() > allowed
        {
            return Err(inflated(location, &name, part.size(), allowed));
        }
        // Every part's real inflated size is measured (headers can lie), stopping one
        // byte past the limit: sheets stream cell by cell and may be large; every other
        // part is read whole by calamine. Every XML part's longest token is measured too.
        let (part_limit, which) = if sheet {
            (limits.sheet_part_bytes, Limit::SheetPart)
        } else {
            (limits.workbook_part_bytes, Limit::WorkbookPart)
        };
        let measured = inflation.map_or(part_limit, |allowed| allowed.min(part_limit));
        let mut scan = XmlScan::new(
            name.ends_with(".xml") || name.ends_with(".rels"),
            limits.xml_token_bytes,
        );
        if references {
            scan = scan.with_references();
        }
        let _ = io::copy(&mut part.take(measured.saturating_add(1)), &mut scan);
        if let Some(bad) = scan.bad_reference() {
            // Named by its sheet when the workbook says which sheet the part is.
            let table = match sheet_of_part(&mut archive, &name) {
                Some(sheet) => Location::sheet(location.file.clone(), Some(Arc::from(sheet))),
                None => location.clone(),
            };
            return Err(TableError::Workbook {
                location: table,
                message: format!(
                    "{}: the file is corrupt; save it again from Excel",
                    bad.describe(&name)
                ),
            });
        }
        if scan.longest() > limits.xml_token_bytes {
            return Err(TableError::TooLarge {
                location: location.clone(),
                what: format!(
                    "an XML token (a text, tag, comment or CDATA section) in the part `{name}`"
                ),
                size: scan.longest(),
                limit: limits.xml_token_bytes,
                which: Limit::XmlToken,
                partial: false,
            });
        }
        let size = scan.bytes;
        if let Some(allowed) = inflation
            && size > allowed
            && allowed < part_limit
        {
            return Err(inflated(location, &name, size, allowed));
        }
        if size > part_limit {
            return Err(TableError::TooLarge {
                location: location.clone(),
                what: format!("the part `{name}` once decompressed"),
                size,
                limit: part_limit,
                which,
                partial: false,
            });
        }
    }
    check_shared_strings(&mut archive, location, limits.shared_strings_bytes)
}

/// A worksheet part refused for inflating past `allowed` (`size` is what its header
/// declares, or what was measured before stopping).
fn inflated(location: &Location, name: &str, size: u64, allowed: u64) -> TableError {
    TableError::TooLarge {
        location: location.clone(),
        what: format!(
            "the sheet part `{name}` once decompressed, far more than its compressed size (a decompression bomb, or a sheet of millions of empty rows)"
        ),
        size,
        limit: allowed,
        which: Limit::Inflation,
        partial: false,
    }
}

/// calamine reserves room for as many shared strings as the workbook declares before
/// reading any (calamine#684): a few bytes declaring four billion strings abort the
/// process. Each string takes at least `<si><t/></si>` (12 bytes) of XML, so a declared
/// count above the part's size over 12 is a lie, and the file is refused.
fn check_shared_strings<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    location: &Location,
    limit: u64,
) -> Result<(), TableError> {
    let Ok(part) = archive.by_name("xl/sharedStrings.xml") else {
        return Ok(());
    };
    // The declared size in the zip header can lie too: measure the real one, reading at
    // most one byte past the limit.
    let mut reader = part.take(limit.saturating_add(1));
    let mut head = vec![0u8; 4096];
    let mut filled = 0;
    while filled < head.len() {
        match reader.read(&mut head[filled..]) {
            Ok(0) | Err(_) => break,
            Ok(count) => filled += count,
        }
    }
    head.truncate(filled);
    let rest = io::copy(&mut reader, &mut io::sink()).unwrap_or(0);
    let size = filled as u64 + rest;
    if size > limit {
        return Err(TableError::TooLarge {
            location: location.clone(),
            what: "the shared-string table once decompressed".into(),
            size,
            limit,
            which: Limit::SharedStrings,
            partial: false,
        });
    }
    let head = String::from_utf8_lossy(&head);
    let declared = head
        .split("uniqueCount=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|count| count.parse::<u64>().ok());
    match declared {
        Some(count) if count > size / 12 + 16 => Err(TableError::TooLarge {
            location: location.clone(),
            what: format!(
                "the shared-string table's declared count ({count} strings in a part of {size} bytes)"
            ),
            size: count,
            limit: size / 12 + 16,
            which: Limit::DeclaredStrings,
            partial: false,
        }),
        _ => Ok(()),
    }
}
