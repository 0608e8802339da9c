//! The parts of an `.xlsx` found the way calamine finds them: which sheet a part is (to
//! name the sheet in an error about one of its parts), each sheet's part (to read its
//! merged areas), and whether the workbook asks to be calculated when opened.

use std::io::Read;

/// How much of a relationships or workbook part is read to name a sheet.
const NAMING_BYTES: u64 = 64 * 1024 * 1024;

/// The workbook part as calamine finds it (`_rels/.rels` → the workbook part): its
/// folder, its text and its relationships' text.
struct WorkbookPart {
    folder: String,
    text: String,
    relationships: String,
}

fn workbook_part<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
) -> Option<WorkbookPart> {
    let package = read_part(archive, "_rels/.rels")?;
    let target = start_tags(&package)
        .filter(|(name, _)| *name == "Relationship")
        .find_map(|(_, attributes)| {
            let kind = attribute(attributes, "Type")?;
            kind.ends_with("/relationships/officeDocument")
                .then(|| attribute(attributes, "Target"))
                .flatten()
        })
        .map(unescape)?;
    let (folder, workbook) = match target.rfind('/') {
        Some(at) => target.split_at(at + 1),
        None => ("", target.as_str()),
    };
    let folder = folder.strip_prefix('/').unwrap_or(folder).to_string();
    let workbook = if workbook.is_empty() {
        "workbook.xml"
    } else {
        workbook
    };
    let relationships = read_part(archive, &format!("{folder}_rels/{workbook}.rels"))?;
    let text = read_part(archive, &format!("{folder}{workbook}"))?;
    Some(WorkbookPart {
        folder,
        text,
        relationships,
    })
}

/// Every sheet's name and part path, in the workbook's order, found the way calamine
/// finds its sheets (`_rels/.rels` → the workbook part and its relationships → each
/// `<sheet>`); `None` when the workbook cannot be followed that way.
pub(super) fn sheet_parts<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
) -> Option<Vec<(String, String)>> {
    let book = workbook_part(archive)?;
    let parts = start_tags(&book.text)
        .filter(|(name, _)| *name == "sheet")
        .filter_map(|(_, attributes)| {
            let name = attribute(attributes, "name").map(unescape)?;
            let id = attributes_of(attributes)
                .find(|(key, _)| *key == "id" || key.ends_with(":id"))
                .map(|(_, value)| value)?;
            let target = start_tags(&book.relationships)
                .filter(|(name, _)| *name == "Relationship")
                .find(|(_, attributes)| attribute(attributes, "Id") == Some(id))
                .and_then(|(_, attributes)| attribute(attributes, "Target"))?;
            let path = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("{}{target}", book.folder),
            };
            Some((name, path))
        })
        .collect();
    Some(parts)
}

/// Whether the workbook asks to be calculated in full when it is opened
/// (`<calcPr fullCalcOnLoad="1"/>`): what a script writing formulas sets (XlsxWriter,
/// rust_xlsxwriter, openpyxl), because the values it stores beside them — 0, or none —
/// were never calculated. Excel and LibreOffice drop the flag once they have calculated
/// and saved the workbook.
pub(super) fn calculates_on_load<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
) -> bool {
    workbook_part(archive).is_some_and(|book| {
        start_tags(&book.text)
            .filter(|(name, _)| *name == "calcPr")
            .any(|(_, attributes)| {
                matches!(attribute(attributes, "fullCalcOnLoad"), Some("1" | "true"))
            })
    })
}

/// The name of the sheet whose part is `part`, found the way calamine finds its sheets,
/// or `None`. Only used to word an error; the check itself covers every part.
pub(super) fn sheet_of_part<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    part: &str,
) -> Option<String> {
    let wanted = part.replace('\\', "/").to_ascii_lowercase();
    sheet_parts(archive)?
        .into_iter()
        .find(|(_, path)| path.to_ascii_lowercase() == wanted)
        .map(|(name, _)| name)
}

/// A part's bytes, found by name as calamine finds parts (ignoring case, `\\` read as
/// `/`), as a reader; `None` when there is no such part.
pub(super) fn open_part<'a, R: Read + std::io::Seek>(
    archive: &'a mut zip::ZipArchive<R>,
    name: &str,
) -> Option<zip::read::ZipFile<'a, R>> {
    let wanted = name.replace('\\', "/").to_ascii_lowercase();
    let index = (0..archive.len()).find(|&index| {
        archive
            .name_for_index(index)
            .and_then(Result::ok)
            .is_some_and(|found| found.replace('\\', "/").to_ascii_lowercase() == wanted)
    })?;
    archive.by_index(index).ok()
}

/// A part's text (at most [`NAMING_BYTES`]), found by name as calamine finds parts:
/// ignoring case and with `\` read as `/`.
fn read_part<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    name: &str,
) -> Option<String> {
    let mut bytes = Vec::new();
    open_part(archive, name)?
        .take(NAMING_BYTES)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// The start (and empty) tags of an XML text: each element's local name and the raw text
/// of its attributes, as quick-xml splits them.
fn start_tags(xml: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = xml;
    std::iter::from_fn(move || {
        loop {
            let open = rest.find('<')?;
            rest = &rest[open + 1..];
            let mut quote = None;
            let end = rest.bytes().position(|byte| match (quote, byte) {
                (Some(open), byte) if byte == open => {
                    quote = None;
                    false
                }
                (Some(_), _) => false,
                (None, b'"' | b'\'') => {
                    quote = Some(byte);
                    false
                }
                (None, byte) => byte == b'>',
            })?;
            let content = &rest[..end];
            rest = &rest[end + 1..];
            if content.starts_with(['/', '!', '?']) {
                continue;
            }
            let content = content.strip_suffix('/').unwrap_or(content);
            let name_end = content
                .find([' ', '\t', '\r', '\n'])
                .unwrap_or(content.len());
            let name = &content[..name_end];
            let local = name.split_once(':').map_or(name, |(_, local)| local);
            return Some((local, &content[name_end..]));
        }
    })
}

/// The `(key, raw value)` pairs of a tag's attributes, as calamine's `RawAttrIter` reads
/// them (it stops at the first malformed one).
fn attributes_of(raw: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = raw;
    std::iter::from_fn(move || {
        let (key, after) = rest.trim_ascii_start().split_once('=')?;
        let after = after.trim_ascii_start();
        let quote = after
            .chars()
            .next()
            .filter(|quote| matches!(quote, '"' | '\''))?;
        let after = &after[1..];
        let (value, next) = after.split_once(quote).unwrap_or((after, ""));
        rest = next;
        Some((key.trim_ascii_end(), value))
    })
}

fn attribute<'a>(raw: &'a str, key: &str) -> Option<&'a str> {
    attributes_of(raw).find_map(|(found, value)| (found == key).then_some(value))
}

/// An attribute value with its character and entity references replaced.
fn unescape(value: &str) -> String {
    let mut text = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        text.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let character = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match character {
            Some(character) => {
                text.push(character);
                rest = &rest[end + 1..];
            }
            None => {
                text.push('&');
                rest = &rest[1..];
            }
        }
    }
    text.push_str(rest);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_and_names_are_read_as_calamine_reads_them() {
        let tags: Vec<_> = start_tags(
            r#"<?xml?><!-- <no/> --><a:b x="1>"/><sheet name="A &amp; B" r:id='rId2' /></x>"#,
        )
        .collect();
        assert_eq!(
            tags,
            vec![
                ("b", r#" x="1>""#),
                ("sheet", r#" name="A &amp; B" r:id='rId2' "#)
            ]
        );
        let (_, raw) = tags[1];
        assert_eq!(
            attribute(raw, "name").map(unescape).as_deref(),
            Some("A & B")
        );
        assert_eq!(attribute(raw, "r:id"), Some("rId2"));
        assert_eq!(unescape("&#x41;&#66;&bogus;&"), "AB&bogus;&");
    }
}
