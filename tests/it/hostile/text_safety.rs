//! Text safety in the reports (issue 15), through the real binary on
//! `tests/fixtures/hostile/injection-bidi-*.csv`: products and payout ids holding a
//! right-to-left override (U+202E), an isolate (U+2066) and bare URLs. No report carries a
//! bidirectional control (each is shown as `{U+202E}`), and no Markdown report lets input
//! text become a link; findings.json keeps the raw values.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

const BIDI: [char; 12] = [
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200e}', '\u{200f}', '\u{061c}',
];

/// Markdown text from the inputs that a GFM renderer would make a link.
fn assert_inert_markdown(name: &str, text: &str) {
    assert!(!text.contains(BIDI), "{name} holds a bidi control");
    // An escaped `\]` closes no link text.
    let text = &text.replace("\\]", "");
    for link in ["https://evil", "www.evil", "<https:", "](https", "](http"] {
        assert!(!text.contains(link), "{name} holds {link:?}:\n{text}");
    }
}

#[test]
fn bidi_controls_are_shown_and_urls_never_link_in_any_report() {
    let fixture = Fixture::new();
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    let billing = corpus("injection-bidi-billing.csv");
    let payouts = corpus("injection-bidi-payouts.csv");
    let run = fixture.audit(
        &contracts,
        &billing,
        &payouts,
        "2025-06-30",
        &["--evidence", "--quiet"],
    );
    assert_eq!(run.status, Some(1), "{}", run.stderr);

    // findings.json keeps the raw values.
    let json = String::from_utf8(run.read("findings.json")).unwrap();
    let raw: serde_json::Value = serde_json::from_str(&json).unwrap();
    let raw = raw.to_string();
    assert!(raw.contains("ECS\u{202e}exe.txt") && raw.contains("P\u{202e}1"));

    // Markdown: summary, evidence, the pack's trail.
    let summary = String::from_utf8(run.read("summary.md")).unwrap();
    assert_inert_markdown("summary.md", &summary);
    let evidence = std::fs::read_to_string(run.out.join("evidence/C1.md")).unwrap();
    assert_inert_markdown("evidence/C1.md", &evidence);
    assert!(evidence.contains("P{U+202E}1"), "{evidence}");
    assert!(
        evidence.contains("https&#58;//evil.example/pay"),
        "{evidence}"
    );
    let trail = std::fs::read_to_string(run.out.join("packs/C1/trail.md")).unwrap();
    assert_inert_markdown("packs/C1/trail.md", &trail);

    // HTML and the CSV / Excel text cells.
    for name in ["report.html", "summary.html", "findings.csv"] {
        let text = String::from_utf8(run.read(name)).unwrap();
        assert!(!text.contains(BIDI), "{name} holds a bidi control");
        // summary.html lists no products or payouts; the others do.
        if name != "summary.html" {
            assert!(text.contains("{U+202E}"), "{name} shows the override");
        }
    }
    for name in ["findings.xlsx", "report.xlsx"] {
        let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(run.out.join(name)).unwrap();
        use calamine::Reader;
        for sheet in workbook.sheet_names() {
            let range = workbook.worksheet_range(&sheet).unwrap();
            for cell in range.used_cells() {
                let text = cell.2.to_string();
                assert!(!text.contains(BIDI), "{name}:{sheet} holds {text:?}");
            }
        }
    }

    // `explain` prints the same trail to a terminal.
    let output = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .arg("explain")
        .args(["--contract", "C1", "--contracts"])
        .arg(&contracts)
        .arg("--billing")
        .arg(&billing)
        .arg("--payouts")
        .arg(&payouts)
        .args(["--as-of", "2025-06-30"])
        .env_remove("REBATE_AUDIT_LOG")
        .output()
        .unwrap();
    let explained = String::from_utf8(output.stdout).unwrap();
    assert!(explained.contains("P{U+202E}1"), "{explained}");
    assert_inert_markdown("explain", &explained);
}
