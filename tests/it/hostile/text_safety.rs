//! Text safety in the reports (issue 15), through the real binary on
//! `tests/fixtures/hostile/injection-bidi-*.csv`: products and payout ids holding a
//! right-to-left override (U+202E), the other bidi controls, bare URLs and e-mail
//! addresses. No report carries a bidirectional control (each is shown as `{U+202E}`) —
//! every file the run writes is read, workbooks through calamine — and no Markdown report
//! lets input text become a link or autolink; `findings.json` and a pack's
//! `manifest.json` keep the raw values (they are data, not text to read).

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
    for link in [
        "https://evil",
        "www.evil",
        "<https:",
        "](https",
        "](http",
        "mailto:",
        "xmpp:",
        "@evil",
    ] {
        assert!(!text.contains(link), "{name} holds {link:?}:\n{text}");
    }
}

/// Every file under `folder`, by its path inside it.
fn files(folder: &Path) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files(&path).into_iter().map(|(name, file)| {
                (
                    format!("{}/{name}", path.file_name().unwrap().display()),
                    file,
                )
            }));
        } else {
            found.push((path.file_name().unwrap().display().to_string(), path));
        }
    }
    found.sort();
    found
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
    assert!(raw.contains("mailto:pay@evil.example"));

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

    // Every file the run wrote: no bidi control but in the JSON data files.
    let written = files(&run.out);
    let names: Vec<&str> = written.iter().map(|(name, _)| name.as_str()).collect();
    for expected in [
        "report.html",
        "summary.html",
        "findings.csv",
        "findings.xlsx",
        "report.xlsx",
        "summary.md",
        "evidence/C1.md",
        "packs/C1/trail.md",
        "packs/C1/payouts.csv",
        "packs/C1/source-rows.csv",
    ] {
        assert!(names.contains(&expected), "{expected} not in {names:?}");
    }
    for (name, path) in &written {
        if name.ends_with(".json") {
            continue;
        }
        if name.ends_with(".xlsx") {
            let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
            use calamine::Reader;
            for sheet in workbook.sheet_names() {
                let range = workbook.worksheet_range(&sheet).unwrap();
                for cell in range.used_cells() {
                    let text = cell.2.to_string();
                    assert!(!text.contains(BIDI), "{name}:{sheet} holds {text:?}");
                }
            }
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        assert!(!text.contains(BIDI), "{name} holds a bidi control");
        if name.ends_with(".md") {
            assert_inert_markdown(name, &text);
        }
        // summary.html and summary.md list no products or payouts; the others do.
        if [
            "report.html",
            "findings.csv",
            "evidence/C1.md",
            "packs/C1/payouts.csv",
        ]
        .contains(&name.as_str())
        {
            assert!(text.contains("{U+202E}"), "{name} shows the override");
        }
    }
    assert!(
        evidence.contains("P{U+202A}2{U+202C}{U+202B}3{U+202D}4{U+2067}{U+2068}{U+2069}"),
        "{evidence}"
    );
    assert!(evidence.contains("pay&#64;evil.example"), "{evidence}");

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
