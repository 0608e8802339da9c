//! The reference check through the XML scan, value by value and across writes.

use super::super::xml_scan::XmlScan;
use super::*;

/// The first bad reference in `xml`, fed in pieces of `piece` bytes.
fn scan(xml: &[u8], piece: usize) -> Option<BadReference> {
    let mut scan = XmlScan::new(true, u64::MAX).with_references();
    for bytes in xml.chunks(piece) {
        if std::io::Write::write_all(&mut scan, bytes).is_err() {
            break;
        }
    }
    scan.bad_reference().cloned()
}

fn sheet(data: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><worksheet xmlns="x"><dimension ref="A1:C3"/><sheetData>{data}</sheetData></worksheet>"#
    )
}

fn refused(xml: &str) -> Option<String> {
    let whole = scan(xml.as_bytes(), usize::MAX).map(|bad| bad.describe("p.xml"));
    for piece in [1, 2, 3, 7] {
        assert_eq!(
            scan(xml.as_bytes(), piece).map(|bad| bad.describe("p.xml")),
            whole,
            "{xml} in pieces of {piece}"
        );
    }
    whole
}

#[test]
fn references_in_the_grid_pass_whatever_their_form() {
    for data in [
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="XFD1"/></row>"#,
        r#"<row r="1048576" spans="1:2"><c r="XFD1048576"><v>1</v></c></row>"#,
        // Leading zeros, lower case, whitespace around `=`, single quotes, no r at all.
        r#"<row r="0007"><c r = 'aa0007' s="1"/><c><v>2</v></c></row>"#,
        r#"<x:row r="2"><x:c r="B2"/></x:row><row><c/></row>"#,
        // Other attributes and elements may hold anything.
        r#"<row r="3" x14ac:dyDescent="0.25" spans="99999999999"><c r="C3" s="99999999999"><f ref="A1:A99999999999">r="A0"</f><v>r</v></c></row>"#,
        // A key ending in r, or an r inside another value, is not the r attribute.
        r#"<row rr="99999999999" ar="0"><c s="r=&quot;A0&quot;" xr="ZZZZZ1" r="D4"/></row>"#,
    ] {
        assert_eq!(refused(&sheet(data)), None, "{data}");
    }
    // Before <sheetData>, rows and cells are not read; after it, the dimension is not.
    let xml = r#"<worksheet><row r="0"/><c r="A0"/><dimension ref="A1:XFD1048576"/><sheetData><row r="1"/></sheetData><dimension ref="Z9:A1"/></worksheet>"#;
    assert_eq!(refused(xml), None);
    for dimension in ["A1", "a1:xfd1048576", "B2:B2", "C3:D20"] {
        let xml = format!(r#"<worksheet><dimension ref="{dimension}"/><sheetData/></worksheet>"#);
        assert_eq!(refused(&xml), None, "{dimension}");
    }
    // Parts without a sheet: nothing is checked.
    assert_eq!(
        refused(r#"<sst><si><t>&lt;c r="A0"&gt;</t></si></sst>"#),
        None
    );
}

#[test]
fn references_outside_the_grid_are_refused_naming_them() {
    let describe = |data: &str| refused(&sheet(data)).unwrap_or_default();
    assert_eq!(
        describe(r#"<row r="1"><c r="A99999999999"><v>1</v></c></row>"#),
        "its part `p.xml` has <c r=\"A99999999999\">, which is not a cell of a worksheet (expected column letters from A to XFD, then a row number from 1 to 1048576)"
    );
    assert_eq!(
        describe(r#"<row r="7954393784">"#),
        "its part `p.xml` has <row r=\"7954393784\">, which is not a row number of a worksheet (expected a row number from 1 to 1048576)"
    );
    for (data, shown) in [
        (r#"<row r="4294967296">"#, "<row r=\"4294967296\">"),
        (r#"<row r="1048577">"#, "<row r=\"1048577\">"),
        (r#"<row r="0">"#, "<row r=\"0\">"),
        (r#"<row r="">"#, "<row r=\"\">"),
        (r#"<row r="A1">"#, "<row r=\"A1\">"),
        (r#"<row r="uniqueCou.t=">"#, "<row r=\"uniqueCou.t=\">"),
        (r#"<c r="XFE1"/>"#, "<c r=\"XFE1\">"),
        (r#"<c r="AAAA1"/>"#, "<c r=\"AAAA1\">"),
        (r#"<c r="A0"/>"#, "<c r=\"A0\">"),
        (r#"<c r="A1048577"/>"#, "<c r=\"A1048577\">"),
        (r#"<c r="1"/>"#, "<c r=\"1\">"),
        (r#"<c r="A1B"/>"#, "<c r=\"A1B\">"),
        (r#"<c r="$A$1"/>"#, "<c r=\"$A$1\">"),
        (r#"<c r="A1:B2"/>"#, "<c r=\"A1:B2\">"),
        (
            r#"<c  s="1"  r = 'A99999999999'/>"#,
            "<c r=\"A99999999999\">",
        ),
        (r#"<c s="1"r="A0"/>"#, "<c r=\"A0\">"),
        (r#"<x:c r="A0"/>"#, "<c r=\"A0\">"),
        // A quote in a key: the tag ends (for quick-xml) inside the r value (for
        // calamine's attributes), which calamine reads up to there.
        (r#"<c a"b="" r="A0>"#, "<c r=\"A0\">"),
    ] {
        let description = describe(data);
        assert!(description.contains(shown), "{data}: {description}");
    }
    for dimension in [
        "B2:A1",
        "A2:B1",
        "A1:B2:C3",
        "A1:",
        ":A1",
        "A1:XFD1048577",
        "1:2",
    ] {
        let xml = format!(r#"<worksheet><dimension ref="{dimension}"/><sheetData/></worksheet>"#);
        let description = refused(&xml).unwrap_or_default();
        assert!(
            description.contains(&format!("<dimension ref=\"{dimension}\">"))
                && description.contains("which is not a range"),
            "{dimension}: {description}"
        );
    }
    // A long value is cut short in the message, with its length.
    let long = format!(r#"<row r="{}">"#, "9".repeat(5000));
    assert_eq!(
        describe(&long),
        format!(
            "its part `p.xml` has <row r=\"{}…\"> (a value of 5000 bytes), which is not a row number of a worksheet (expected a row number from 1 to 1048576)",
            "9".repeat(40)
        )
    );
    // Control characters are escaped.
    assert!(describe("<c r=\"A\n\u{1b}\"/>").contains(r#"<c r="A\n\u{1b}">"#));
}

#[test]
fn the_scan_stops_at_the_first_bad_reference() {
    let mut scan = XmlScan::new(true, u64::MAX).with_references();
    let xml = sheet(r#"<row r="1"><c r="A0"/></row>"#);
    assert!(std::io::Write::write_all(&mut scan, xml.as_bytes()).is_err());
    assert!(std::io::Write::write_all(&mut scan, b"<row r=\"0\">").is_err());
    assert_eq!(scan.bad_reference().map(|bad| bad.length), Some(2));
}
