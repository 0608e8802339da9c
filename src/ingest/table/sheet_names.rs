//! Which sheet a part of an `.xlsx` is, found the way calamine finds its sheets: only to
//! name the sheet in an error about one of its parts.

use std::io::Read;

/// How much of a relationships or workbook part is read to name a sheet.
const NAMING_BYTES: u64 = 64 * 1024 * 1024;

/// The name of the sheet whose part is `part`, found the way calamine finds its sheets
/// (`_rels/.rels` → the workbook part and its relationships → each `<sheet>`), or `None`.
/// Only used to word an error; the check itself covers every part.
pub(super) fn sheet_of_part<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    part: &str,
) -> Option<String> {
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
    let folder = folder.strip_prefix('/').unwrap_or(folder);
    let workbook = if workbook.is_empty() {
        "workbook.xml"
    } else {
        workbook
    };
    let relationships = read_part(archive, &format!("{folder}_rels/{workbook}.rels"))?;
    let book = read_part(archive, &format!("{folder}{workbook}"))?;
    let wanted = part.replace('\\', "/").to_ascii_lowercase();
    start_tags(&book)
        .filter(|(name, _)| *name == "sheet")
        .find_map(|(_, attributes)| {
            let name = attribute(attributes, "name").map(unescape)?;
            let id = attributes_of(attributes)
                .find(|(key, _)| *key == "id" || key.ends_with(":id"))
                .map(|(_, value)| value)?;
            let target = start_tags(&relationships)
                .filter(|(name, _)| *name == "Relationship")
                .find(|(_, attributes)| attribute(attributes, "Id") == Some(id))
                .and_then(|(_, attributes)| attribute(attributes, "Target"))?;
            let path = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("{folder}{target}"),
            };
            (path.to_ascii_lowercase() == wanted).then_some(name)
        })
}

/// A part's text (at most [`NAMING_BYTES`]), found by name as calamine finds parts:
/// ignoring case and with `\` read as `/`.
fn read_part<R: Read + std::io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    name: &str,
) -> Option<String> {
    let wanted = name.to_ascii_lowercase();
    let index = (0..archive.len()).find(|&index| {
        archive
            .name_for_index(index)
            .and_then(Result::ok)
            .is_some_and(|found| found.replace('\\', "/").to_ascii_lowercase() == wanted)
    })?;
    let mut bytes = Vec::new();
    archive
        .by_index(index)
        .ok()?
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
