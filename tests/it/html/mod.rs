//! `report.html` checked in a real browser. Headless Chromium (Debian package `chromium`)
//! loads the page the demo audit writes, and the tests read what it rendered: the totals
//! equal findings.json's, there is one finding row per finding, the filter script ran under
//! the page's Content-Security-Policy, a filter in the address hides the right rows, and
//! the page prints to a PDF. With markup in contract ids, products, payout ids and invoice
//! numbers (reliability research R3), the rendered page holds no element, script or event
//! handler that the report did not write.
//!
//! The browser (`crate::browser`: Chromium or Chrome on `PATH`, or `REBATE_AUDIT_BROWSER`)
//! is probed when the tests are built (`build.rs`): without one, the tests that need it are
//! listed by libtest as ignored with the reason, and the checks of the page's bytes still
//! run; with `REBATE_AUDIT_REQUIRE_BROWSER=1` (`.ci/run`) or `CI=true` they run anyway and
//! fail with how to install one.

use crate::browser::{browser, chromium, chromium_with};
use crate::common::repo;
use crate::common::{Book, Fixture, Run, billing_csv, contract, payouts_csv, simple_payouts};
use serde_json::Value;
use std::path::{Path, PathBuf};

const AS_OF: &str = "2026-06-30";

// ---------------------------------------------------------------------------------------
// Running the audit and the browser
// ---------------------------------------------------------------------------------------

/// The demo audit of `samples/` into `<fixture>/<out>`, with `threads` worker threads.
fn demo(fixture: &Fixture, out: &str, threads: &str) -> Run {
    let samples = repo().join("samples");
    let run = fixture.audit_into(
        out,
        &samples.join("contracts.xlsx"),
        &samples.join("billing"),
        &samples.join("payouts.xlsx"),
        AS_OF,
        &[&"--threads", &threads],
    );
    run.expect_status(1);
    run
}

fn page(run: &Run) -> String {
    String::from_utf8(run.read("report.html")).expect("report.html is UTF-8")
}

/// The DOM after the page's script ran, as Chromium serialises it.
fn rendered(browser: &Path, report: &Path, fragment: &str) -> String {
    let dom = chromium(browser, report, fragment, &["--dump-dom".to_string()]);
    assert!(
        dom.contains("</html>"),
        "chromium printed no document:\n{dom}"
    );
    dom
}

// ---------------------------------------------------------------------------------------
// Reading HTML: a tokenizer for what the report writes and what Chromium serialises
// ---------------------------------------------------------------------------------------

/// A start tag, its attributes (names lower-case, values unescaped) and the text that
/// follows it up to the next tag, start or end (the whole content for `script`, `style`
/// and `title`).
#[derive(Debug, Clone)]
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
}

impl Tag {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn has_class(&self, class: &str) -> bool {
        self.attribute("class")
            .is_some_and(|classes| classes.split_whitespace().any(|name| name == class))
    }
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|end| *end <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let character = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        match character {
            Some(character) => {
                out.push(character);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A document as its start tags and all its text (outside tags, unescaped).
struct Document {
    tags: Vec<Tag>,
    text: String,
}

/// Every start tag of a document, in order.
fn tags(html: &str) -> Vec<Tag> {
    parse(html).tags
}

fn parse(html: &str) -> Document {
    let bytes = html.as_bytes();
    let mut tags: Vec<Tag> = Vec::new();
    let mut all = String::new();
    // Whether text still belongs to the last start tag (no tag came since).
    let mut leading = false;
    let mut at = 0;
    while at < bytes.len() {
        let rest = &html[at..];
        let markup = rest.starts_with("<!")
            || rest.starts_with("</")
            || rest.starts_with("<?")
            || rest
                .strip_prefix('<')
                .is_some_and(|name| name.starts_with(|first: char| first.is_ascii_alphabetic()));
        if !markup {
            let first = rest.chars().next().map_or(1, char::len_utf8);
            let end = rest[first..]
                .find('<')
                .map_or(html.len(), |end| at + first + end);
            let text = unescape(&html[at..end]);
            all.push_str(&text);
            if let Some(last) = tags.last_mut().filter(|_| leading) {
                last.text.push_str(&text);
            }
            at = end;
            continue;
        }
        leading = false;
        if rest.starts_with("<!--") {
            at += rest.find("-->").map_or(rest.len(), |end| end + 3);
            continue;
        }
        if rest.starts_with("</") || rest.starts_with("<!") || rest.starts_with("<?") {
            at += rest.find('>').map_or(rest.len(), |end| end + 1);
            continue;
        }
        // A start tag: name, then attributes until `>`.
        let mut position = at + 1;
        let stop = |byte: u8| byte.is_ascii_whitespace() || byte == b'>' || byte == b'/';
        while position < bytes.len() && !stop(bytes[position]) {
            position += 1;
        }
        let name = html[at + 1..position].to_ascii_lowercase();
        let mut attributes = Vec::new();
        loop {
            while position < bytes.len()
                && (bytes[position].is_ascii_whitespace() || bytes[position] == b'/')
            {
                position += 1;
            }
            if position >= bytes.len() || bytes[position] == b'>' {
                position += 1;
                break;
            }
            let start = position;
            while position < bytes.len()
                && !stop(bytes[position])
                && bytes[position] != b'='
                && (position == start || bytes[position] != b'"')
            {
                position += 1;
            }
            let key = html[start..position].to_ascii_lowercase();
            while position < bytes.len() && bytes[position].is_ascii_whitespace() {
                position += 1;
            }
            let mut value = String::new();
            if position < bytes.len() && bytes[position] == b'=' {
                position += 1;
                while position < bytes.len() && bytes[position].is_ascii_whitespace() {
                    position += 1;
                }
                if position < bytes.len() && matches!(bytes[position], b'"' | b'\'') {
                    let quote = bytes[position] as char;
                    let end = html[position + 1..]
                        .find(quote)
                        .map_or(html.len(), |end| position + 1 + end);
                    value = unescape(&html[position + 1..end]);
                    position = (end + 1).min(html.len());
                } else {
                    let start = position;
                    while position < bytes.len()
                        && !bytes[position].is_ascii_whitespace()
                        && bytes[position] != b'>'
                    {
                        position += 1;
                    }
                    value = unescape(&html[start..position]);
                }
            }
            attributes.push((key, value));
        }
        let mut tag = Tag {
            name,
            attributes,
            text: String::new(),
        };
        at = position.min(html.len());
        if matches!(tag.name.as_str(), "script" | "style" | "title" | "textarea") {
            let close = format!("</{}", tag.name);
            let end = html[at..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(html.len(), |end| at + end);
            tag.text = if tag.name == "script" || tag.name == "style" {
                html[at..end].to_string()
            } else {
                unescape(&html[at..end])
            };
            all.push_str(&tag.text);
            at = end;
        } else {
            leading = true;
        }
        tags.push(tag);
    }
    Document { tags, text: all }
}

fn totals_value<'a>(totals: &'a Value, key: &str) -> &'a Value {
    key.split('.').fold(totals, |value, part| &value[part])
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The finding rows (`tbody.finding`), in order.
fn finding_rows(tags: &[Tag]) -> Vec<&Tag> {
    tags.iter()
        .filter(|tag| tag.name == "tbody" && tag.has_class("finding"))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[test]
#[cfg_attr(
    not(browser),
    ignore = "no headless browser found: install chromium or set REBATE_AUDIT_BROWSER (docs/USAGE.md, The test suite)"
)]
fn chromium_renders_the_totals_and_rows_of_findings_json() {
    let fixture = Fixture::new();
    let run = demo(&fixture, "out", "2");
    let json = run.json();
    let browser = browser();
    let dom = rendered(&browser, &run.out.join("report.html"), "");
    let tags = tags(&dom);

    // Every total on the page equals findings.json's, as written and as shown.
    let totals = &json["totals"];
    let mut seen = Vec::new();
    for tag in tags
        .iter()
        .filter(|tag| tag.attribute("data-total").is_some())
    {
        let key = tag.attribute("data-total").unwrap();
        let expected = scalar(totals_value(totals, key));
        assert_ne!(
            expected, "null",
            "data-total `{key}` is not in findings.json's totals"
        );
        assert_eq!(
            tag.attribute("value"),
            Some(expected.as_str()),
            "value of {key}"
        );
        assert_eq!(
            tag.text.replace(',', ""),
            expected,
            "rendered text of {key}"
        );
        seen.push(key.to_string());
    }
    for key in [
        "due_by_now",
        "paid_against_due",
        "shortfall",
        "interest",
        "not_yet_due",
        "paid_not_yet_due",
        "conditional",
        "paid_conditional",
        "excess",
        "expected",
        "paid",
        "findings",
        "by_severity.error",
        "by_severity.warning",
        "by_severity.info",
    ] {
        assert!(
            seen.iter().any(|seen| seen == key),
            "no total `{key}` on the page: {seen:?}"
        );
    }
    assert_eq!(
        totals["expected"], "1920535.61",
        "the demo's totals moved (HW-2023-007 added 79,340.00, TX-2025-007 257,500.00, ALI-2025-005's amendment 3,220.61, ALI-2026-008 108,000.00)"
    );

    // One row per finding, errors first, then warnings, then info, each by the money at
    // stake (the demo's unpaid 12,000.00 first), each with its trail.
    let findings = json["findings"].as_array().unwrap();
    let rows = finding_rows(&tags);
    let mut ids: Vec<&str> = rows
        .iter()
        .map(|row| row.attribute("id").unwrap())
        .collect();
    let severities: Vec<&str> = rows
        .iter()
        .map(|row| row.attribute("data-severity").unwrap())
        .collect();
    let rank = |severity: &str| {
        ["error", "warning", "info"]
            .iter()
            .position(|word| *word == severity)
    };
    assert!(
        severities
            .windows(2)
            .all(|pair| rank(pair[0]) <= rank(pair[1])),
        "{severities:?}"
    );
    // The error with most at stake leads: TX-2025-007's quarter paid 70,000.00 short (a
    // clawback its contract does not allow), ahead of TX-2025-002's 12,000.00 unpaid.
    let largest_error = findings
        .iter()
        .find(|finding| finding["type"] == "underpaid" && finding["contract_id"] == "TX-2025-007")
        .expect("the demo's clawback finding");
    assert_eq!(largest_error["severity"], "error");
    assert_eq!(ids[0], largest_error["id"].as_str().unwrap());
    let mut expected_ids: Vec<&str> = findings
        .iter()
        .map(|finding| finding["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    expected_ids.sort_unstable();
    assert_eq!(ids, expected_ids);
    assert!(rows.iter().all(|row| row.attribute("hidden").is_none()));
    assert_eq!(
        tags.iter().filter(|tag| tag.name == "details").count(),
        findings.len(),
        "one trail per finding"
    );

    // The script ran under the page's CSP: it marked the page and showed the filters.
    let body = tags.iter().find(|tag| tag.name == "body").unwrap();
    assert_eq!(
        body.attribute("data-ready"),
        Some("filters"),
        "the filter script did not run"
    );
    let bar = tags
        .iter()
        .find(|tag| tag.attribute("id") == Some("filters"))
        .unwrap();
    assert!(
        bar.attribute("hidden").is_none(),
        "the filter bar is still hidden"
    );
    let shown = tags
        .iter()
        .find(|tag| tag.attribute("id") == Some("shown"))
        .unwrap();
    assert_eq!(shown.text, findings.len().to_string());

    // One chart, with a bar pair per contract.
    let contracts = json["totals"]["per_contract"].as_array().unwrap().len();
    assert_eq!(tags.iter().filter(|tag| tag.name == "svg").count(), 1);
    assert_eq!(
        tags.iter()
            .filter(|tag| tag.name == "g" && tag.has_class("contract"))
            .count(),
        contracts
    );
    // Four legend keys; expected, due by now and paid for every contract, and a
    // shortfall mark for each contract short of something.
    let short = json["totals"]["per_contract"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|total| total["shortfall"] != "0.00")
        .count();
    assert_eq!(
        tags.iter().filter(|tag| tag.name == "rect").count(),
        4 + 3 * contracts + short
    );
}

/// Which findings a filter keeps.
type Keep = fn(&Value) -> bool;

#[test]
#[cfg_attr(
    not(browser),
    ignore = "no headless browser found: install chromium or set REBATE_AUDIT_BROWSER (docs/USAGE.md, The test suite)"
)]
fn chromium_applies_the_filters_named_in_the_address() {
    let fixture = Fixture::new();
    let run = demo(&fixture, "out", "2");
    let findings = run.findings();
    let browser = browser();
    let report = run.out.join("report.html");
    let cases: [(&str, Keep); 3] = [
        ("severity=error", |finding| finding["severity"] == "error"),
        ("type=mis_invoiced&contract=ALI-2024-001", |finding| {
            finding["type"] == "mis_invoiced" && finding["contract_id"] == "ALI-2024-001"
        }),
        ("contract=", |finding| finding["contract_id"].is_null()),
    ];
    for (fragment, keep) in cases {
        let wanted: Vec<&str> = findings
            .iter()
            .filter(|finding| keep(finding))
            .map(|finding| finding["id"].as_str().unwrap())
            .collect();
        assert!(!wanted.is_empty(), "#{fragment} selects some demo finding");
        assert!(wanted.len() < findings.len(), "#{fragment} leaves some out");
        let tags = tags(&rendered(&browser, &report, fragment));
        let visible: Vec<&str> = finding_rows(&tags)
            .into_iter()
            .filter(|row| row.attribute("hidden").is_none())
            .map(|row| row.attribute("id").unwrap())
            .collect();
        // In the page's order.
        let wanted: Vec<&str> = finding_rows(&tags)
            .into_iter()
            .map(|row| row.attribute("id").unwrap())
            .filter(|id| wanted.contains(id))
            .collect();
        assert_eq!(visible, wanted, "rows shown for #{fragment}");
        let shown = tags
            .iter()
            .find(|tag| tag.attribute("id") == Some("shown"))
            .unwrap();
        assert_eq!(
            shown.text,
            wanted.len().to_string(),
            "count shown for #{fragment}"
        );
    }
}

#[test]
#[cfg_attr(
    not(browser),
    ignore = "no headless browser found: install chromium or set REBATE_AUDIT_BROWSER (docs/USAGE.md, The test suite)"
)]
fn chromium_prints_the_report_to_a_pdf() {
    let fixture = Fixture::new();
    let run = demo(&fixture, "out", "2");
    let browser = browser();
    let pdf = run.out.join("report.pdf");
    chromium(
        &browser,
        &run.out.join("report.html"),
        "",
        &[
            "--no-pdf-header-footer".to_string(),
            format!("--print-to-pdf={}", pdf.display()),
        ],
    );
    let bytes = std::fs::read(&pdf).expect("chromium wrote the PDF");
    assert!(
        bytes.starts_with(b"%PDF-") && bytes.len() > 1000,
        "not a PDF: {} bytes",
        bytes.len()
    );
    // Chromium writes its page objects and their size uncompressed.
    let text = String::from_utf8_lossy(&bytes);
    let pages = text
        .match_indices("/Type /Page")
        .filter(|(at, found)| !text[at + found.len()..].starts_with('s'))
        .count();
    assert!(
        pages >= 4,
        "{pages} pages: the header and totals, the chart, the findings and the control totals each start a page"
    );
    let size: Vec<f64> = text
        .split("/MediaBox [")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .map(|numbers| {
            numbers
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        size.len() == 4 && (size[2] - 595.0).abs() < 2.0 && (size[3] - 842.0).abs() < 2.0,
        "pages are A4 (595 × 842 pt): {size:?}"
    );
}

fn clean_run(fixture: &Fixture) -> Run {
    let run = fixture.standard_audit(
        &simple_payouts(&[("P1", "C1", "2025-02-15", "2000.00")]),
        "2025-04-01",
        &[],
    );
    run.expect_status(0);
    assert!(run.findings().is_empty());
    run
}

#[test]
fn a_clean_audit_writes_a_page_without_finding_rows() {
    let fixture = Fixture::new();
    let run = clean_run(&fixture);
    assert!(page(&run).contains("<p>No findings.</p>"));
}

#[test]
#[cfg_attr(
    not(browser),
    ignore = "no headless browser found: install chromium or set REBATE_AUDIT_BROWSER (docs/USAGE.md, The test suite)"
)]
fn a_clean_audit_renders_a_page_without_finding_rows() {
    let fixture = Fixture::new();
    let run = clean_run(&fixture);
    let browser = browser();
    let tags = tags(&rendered(&browser, &run.out.join("report.html"), ""));
    assert!(finding_rows(&tags).is_empty());
    let findings = tags
        .iter()
        .find(|tag| tag.attribute("data-total") == Some("findings"))
        .unwrap();
    assert_eq!(findings.text, "0");
    let paid = tags
        .iter()
        .find(|tag| tag.attribute("data-total") == Some("paid"))
        .unwrap();
    assert_eq!(paid.text, "2,000.00");
    let body = tags.iter().find(|tag| tag.name == "body").unwrap();
    assert_eq!(body.attribute("data-ready"), Some("filters"));
}

#[test]
fn the_page_is_self_contained_and_the_same_bytes_every_run() {
    let fixture = Fixture::new();
    let one = demo(&fixture, "one", "1");
    let four = demo(&fixture, "four", "4");
    let html = page(&one);
    assert!(
        html == page(&four),
        "report.html differs between 1 and 4 threads"
    );
    let tags = tags(&html);
    let policy = tags
        .iter()
        .find(|tag| tag.attribute("http-equiv") == Some("Content-Security-Policy"))
        .and_then(|tag| tag.attribute("content"))
        .expect("a Content-Security-Policy meta tag");
    assert!(
        policy.starts_with("default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-"),
        "{policy}"
    );
    for tag in &tags {
        for (name, value) in &tag.attributes {
            assert!(
                !matches!(
                    name.as_str(),
                    "src" | "srcset" | "action" | "xlink:href" | "poster"
                ),
                "<{}> loads `{value}`",
                tag.name
            );
            if name == "href" {
                assert!(
                    value.starts_with('#'),
                    "<{}> links out to `{value}`",
                    tag.name
                );
            }
        }
        assert!(
            !matches!(
                tag.name.as_str(),
                "link" | "img" | "iframe" | "object" | "embed" | "base"
            ),
            "<{}> in the page",
            tag.name
        );
    }
    for style in tags.iter().filter(|tag| tag.name == "style") {
        assert!(!style.text.contains("url(") && !style.text.contains("@import"));
        assert!(style.text.contains("@page{size:A4"), "print CSS for A4");
    }
    let header = html.split("</header>").next().unwrap();
    let inputs = html.split("id=\"inputs\"").nth(1).expect("an inputs table");
    let json = one.json();
    for input in json["inputs"].as_array().unwrap() {
        let sha = input["sha256"].as_str().unwrap();
        assert!(!header.contains(sha), "the header shows input hash {sha}");
        assert!(
            inputs.contains(sha),
            "the inputs at the end show hash {sha}"
        );
    }
    assert!(header.contains(&format!("rebate-audit {}", env!("CARGO_PKG_VERSION"))));
    assert!(header.contains(AS_OF));
}

// Markup in every name an input can carry stays text (reliability research R3).
mod markup;
// The reports' layout (what leads, sorting, the chart, report.xlsx), with this file's helpers.
#[path = "../report_layout.rs"]
mod report_layout;
// A large audit's page: the largest findings, the contract index, trails on demand.
mod large;
