//! A large audit's report.html (issue 17): 1,024 contracts of two accounts each, settled
//! quarterly over 2024, one payout of a random amount per contract and quarter (so most
//! are wrong). The page stays under 5,000 bytes a contract (20 MB at 4,000 contracts),
//! lists the findings with the most at stake and one index row per contract, and carries
//! every contract's trail — each period's computation once, every finding of the contract
//! under it — in data blocks the browser inflates when a contract is chosen. Without
//! JavaScript the summary, the findings table and the index are there, and a line says
//! where the trails are. One contract id and one product are markup: they stay text in the
//! page and in the trails. A child module of `html`, whose helpers it uses.

use super::{AS_OF, Tag, browser, chromium, finding_rows, tags};
use crate::common::{
    Book, Fixture, QUARTERLY_2024_PAID_ON, Random, Run, csv_text, owned_billing_csv, quarterly_2024,
};
use flate2::read::ZlibDecoder;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const CONTRACTS: usize = 1024;
/// The first contract's id and a product it bills: markup.
const MARKUP_CONTRACT: &str = "C0000</script><script>alert('trail')</script>";
const MARKUP_PRODUCT: &str = "\"><img src=x onerror=alert('product')>";

fn id(number: usize) -> String {
    if number == 0 {
        MARKUP_CONTRACT.to_string()
    } else {
        format!("C{number:04}")
    }
}

/// The audit of the generated set, run once for every test here (in the test build's
/// scratch folder; the next run replaces it).
fn large() -> &'static (PathBuf, Run) {
    static RUN: OnceLock<(PathBuf, Run)> = OnceLock::new();
    RUN.get_or_init(|| {
        let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("html-large");
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).unwrap();
        let mut book = Book::default();
        for number in 0..CONTRACTS {
            let id = id(number);
            book = book
                .contract(quarterly_2024(
                    &id,
                    format!("A{:04},A{:04}", 2 * number, 2 * number + 1),
                ))
                .tier(&id, "0", "5000", "1%")
                .tier(&id, "5000", "", "3%");
        }
        let contracts = book.write_csv_folder(&folder, "contracts");
        let mut random = Random(23);
        let mut lines: Vec<(String, String, String, String, String)> = Vec::new();
        for account in 0..2 * CONTRACTS {
            for month in 1..=12 {
                let product = if account == 0 && month == 1 {
                    MARKUP_PRODUCT
                } else {
                    ["ECS", "RDS", "OSS", "CDN"][random.below(4) as usize]
                };
                let cents = random.below(400_000);
                lines.push((
                    format!("A{account:04}"),
                    format!("2024-{month:02}"),
                    product.to_string(),
                    format!("{}.{:02}", cents / 100, cents % 100),
                    "CNY".to_string(),
                ));
            }
        }
        let billing = folder.join("billing.csv");
        std::fs::write(&billing, owned_billing_csv(&lines)).unwrap();
        let mut rows: Vec<Vec<String>> = Vec::new();
        for number in 0..CONTRACTS {
            for (quarter, paid_on) in QUARTERLY_2024_PAID_ON.iter().enumerate() {
                let cents = random.below(200_000);
                rows.push(vec![
                    format!("P{number:04}-{quarter}"),
                    id(number),
                    paid_on.to_string(),
                    format!("{}.{:02}", cents / 100, cents % 100),
                ]);
            }
        }
        // A payout naming a contract the book does not have: a finding about no contract.
        rows.push(vec![
            "P-STRAY".to_string(),
            "C9999".to_string(),
            "2024-05-01".to_string(),
            "100.00".to_string(),
        ]);
        let payouts = folder.join("payouts.csv");
        std::fs::write(
            &payouts,
            csv_text(&["payout_id", "contract_id", "paid_on", "amount"], &rows),
        )
        .unwrap();
        let fixture = Fixture::new();
        let run = fixture.audit_into(
            "out",
            &contracts,
            &billing,
            &payouts,
            AS_OF,
            &[&"--threads", &"2"],
        );
        run.expect_status(1);
        // Keep the reports past the fixture, in the scratch folder.
        let out = folder.join("out");
        copy_tree(&run.out, &out);
        let kept = Run {
            status: run.status,
            stdout: run.stdout.clone(),
            stderr: run.stderr.clone(),
            out,
        };
        (folder, kept)
    })
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Each contract's trail markup, by its index row's number: the data blocks inflated.
fn trails(tags: &[Tag]) -> Vec<String> {
    let index = tags
        .iter()
        .find(|tag| tag.attribute("id") == Some("contract-index"))
        .expect("a contract index");
    let per: usize = index.attribute("data-per-block").unwrap().parse().unwrap();
    let mut trails = Vec::new();
    for (number, block) in tags
        .iter()
        .filter(|tag| {
            tag.name == "script" && tag.attribute("type") == Some("application/octet-stream")
        })
        .enumerate()
    {
        assert_eq!(
            block.attribute("id"),
            Some(format!("trail-data-{number}").as_str())
        );
        let bytes = base85(block.text.trim(), index.attribute("data-digits").unwrap());
        let mut text = String::new();
        ZlibDecoder::new(bytes.as_slice())
            .read_to_string(&mut text)
            .expect("a data block inflates");
        let list: Vec<String> = serde_json::from_str(&text).expect("a JSON list of trails");
        assert!(list.len() <= per);
        trails.extend(list);
    }
    trails
}

/// The page's base-85 text back into bytes, with the digits the index names.
fn base85(text: &str, digits: &str) -> Vec<u8> {
    let digits = digits.as_bytes();
    let mut bytes = Vec::with_capacity(text.len() / 5 * 4 + 4);
    for group in text.as_bytes().chunks(5) {
        let mut word: u64 = 0;
        for place in 0..5 {
            let digit = group.get(place).map_or(84, |digit| {
                digits
                    .iter()
                    .position(|known| known == digit)
                    .unwrap_or_else(|| panic!("not a digit: {}", *digit as char))
            });
            word = word * 85 + digit as u64;
        }
        bytes.extend_from_slice(&(word as u32).to_be_bytes()[..group.len() - 1]);
    }
    bytes
}

/// What an attribute holds in the inflated markup, for each element carrying it.
fn values<'a>(markup: &'a str, attribute: &str) -> Vec<&'a str> {
    let needle = format!("{attribute}=\"");
    markup
        .match_indices(&needle)
        .map(|(at, _)| {
            let rest = &markup[at + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn a_large_audit_page_is_small_and_carries_every_trail_once() {
    let (_, run) = large();
    let html = String::from_utf8(run.read("report.html")).unwrap();
    let json = run.json();
    let findings = json["findings"].as_array().unwrap();
    assert!(
        findings.len() > 2000,
        "most payouts are wrong: {}",
        findings.len()
    );

    // Under 5,000 bytes a contract: 20 MB at 4,000 contracts.
    assert!(
        html.len() < 5_000 * CONTRACTS,
        "report.html is {} bytes for {CONTRACTS} contracts",
        html.len()
    );

    // The findings with the most at stake, at most 500, and one index row per contract.
    let tags = tags(&html);
    let rows = finding_rows(&tags);
    assert_eq!(rows.len(), 500);
    let mut stakes: Vec<f64> = findings
        .iter()
        .map(|finding| {
            ["difference", "interest", "amount"]
                .iter()
                .find_map(|key| finding[key].as_str())
                .map_or(0.0, |amount| amount.parse::<f64>().unwrap().abs())
        })
        .collect();
    stakes.sort_by(|a, b| b.partial_cmp(a).unwrap());
    let smallest_listed = rows
        .iter()
        .map(|row| {
            row.attribute("data-amount")
                .unwrap()
                .parse::<f64>()
                .unwrap()
                .abs()
        })
        .fold(f64::MAX, f64::min);
    assert!(
        smallest_listed >= stakes[499] - 0.005,
        "the table lists the largest: {smallest_listed} < {}",
        stakes[499]
    );
    let index_rows: Vec<&Tag> = tags
        .iter()
        .filter(|tag| {
            tag.name == "tr"
                && tag
                    .attribute("id")
                    .is_some_and(|id| id.starts_with("contract-") && id != "contract-index")
        })
        .collect();
    // One line per contract, and one for the findings about no contract audited.
    assert_eq!(index_rows.len(), CONTRACTS + 1);
    assert!(
        html.contains("<noscript>"),
        "a line for a reader without JavaScript"
    );

    // The data blocks hold nothing but base-85 digits: no markup can end them early.
    for block in tags
        .iter()
        .filter(|tag| tag.attribute("type") == Some("application/octet-stream"))
    {
        assert!(
            block
                .text
                .trim()
                .bytes()
                .all(|byte| byte.is_ascii_graphic() && !b"\"&'<>\\`".contains(&byte))
        );
    }
    // The only scripts the page runs are its two own.
    assert_eq!(
        tags.iter()
            .filter(|tag| tag.name == "script" && tag.attribute("type").is_none())
            .count(),
        2
    );

    // Every contract's trail: each period once, keyed `<contract>/<period start>`, and
    // every finding of the contract once, under its period when it has one.
    let trails = trails(&tags);
    assert_eq!(trails.len(), CONTRACTS + 1);
    let installments = json["expected"].as_array().unwrap();
    let mut periods: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for record in installments {
        let contract = record["contract_id"].as_str().unwrap();
        periods
            .entry(contract.to_string())
            .or_default()
            .insert(format!(
                "{contract}/{}",
                record["period_start"].as_str().unwrap()
            ));
    }
    let mut of_contract: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for finding in findings {
        if let Some(contract) = finding["contract_id"].as_str() {
            of_contract
                .entry(contract.to_string())
                .or_default()
                .push(finding["id"].as_str().unwrap().to_string());
        }
    }
    for (number, trail) in trails[..CONTRACTS].iter().enumerate() {
        let contract = id(number);
        let shown: Vec<String> = values(trail, "data-period")
            .iter()
            .map(|key| super::unescape(key))
            .collect();
        let expected: Vec<String> = periods[&contract].iter().cloned().collect();
        assert_eq!(shown, expected, "periods of {contract}");
        let mut ids: Vec<String> = values(trail, "data-finding")
            .iter()
            .map(|id| super::unescape(id))
            .collect();
        ids.sort();
        let mut wanted = of_contract.remove(&contract).unwrap_or_default();
        wanted.sort();
        assert_eq!(ids, wanted, "findings of {contract}");
        // Each period's computation once: one computation heading per period.
        assert_eq!(
            trail.matches("<h5 data-key=\"computation\">").count(),
            shown.len()
        );
    }
    assert!(
        of_contract.is_empty(),
        "findings in no trail: {of_contract:?}"
    );

    // Markup in a contract id and a product stays text, in the page and in the trail.
    assert!(!html.contains(MARKUP_CONTRACT) && !html.contains(MARKUP_PRODUCT));
    assert!(!trails[0].contains(MARKUP_CONTRACT) && !trails[0].contains(MARKUP_PRODUCT));
    assert!(trails[0].contains("C0000&lt;/script&gt;&lt;script&gt;alert(&#39;trail&#39;)"));
    assert!(trails[0].contains("&quot;&gt;&lt;img src=x onerror=alert(&#39;product&#39;)&gt;"));
}

#[test]
#[cfg_attr(
    not(browser),
    ignore = "no headless browser found: install chromium or set REBATE_AUDIT_BROWSER (docs/USAGE.md, The test suite)"
)]
fn without_javascript_the_summary_the_findings_and_the_index_are_there() {
    let (_, run) = large();
    let json = run.json();
    // The page as a reader without JavaScript gets it: its two scripts taken out (Chromium
    // dumps no DOM with scripting disabled).
    let html = String::from_utf8(run.read("report.html")).unwrap();
    let mut inert = String::new();
    let mut rest = html.as_str();
    while let Some(at) = rest.find("<script>") {
        inert.push_str(&rest[..at]);
        rest = &rest[at + rest[at..].find("</script>").unwrap() + "</script>".len()..];
    }
    inert.push_str(rest);
    assert_eq!(
        inert.matches("<script").count(),
        html.matches("<script").count() - 2
    );
    let page = run.out.join("report-inert.html");
    std::fs::write(&page, &inert).unwrap();
    let dom = chromium(&browser(), &page, "", &["--dump-dom".to_string()]);
    let tags = tags(&dom);
    let body = tags.iter().find(|tag| tag.name == "body").unwrap();
    assert_eq!(body.attribute("data-ready"), None, "scripts did not run");
    let findings = tags
        .iter()
        .find(|tag| tag.attribute("data-total") == Some("findings"))
        .unwrap();
    assert_eq!(
        findings.text,
        json["totals"]["findings"].as_u64().unwrap().to_string()
    );
    let due = tags
        .iter()
        .find(|tag| tag.attribute("data-total") == Some("due_by_now"))
        .unwrap();
    assert_eq!(
        due.attribute("value"),
        json["totals"]["due_by_now"].as_str()
    );
    assert_eq!(finding_rows(&tags).len(), 500);
    assert!(
        tags.iter()
            .any(|tag| tag.has_class("noscript") && tag.text.contains("evidence/")),
        "the no-script line says where the trails are"
    );
    // Each trail link opens the contract's evidence file when nothing runs.
    let links: Vec<&Tag> = tags
        .iter()
        .filter(|tag| tag.name == "a" && tag.attribute("data-trail").is_some())
        .collect();
    assert!(links.len() >= CONTRACTS);
    for link in links {
        let target = link.attribute("href").unwrap();
        if target == "findings.json" {
            continue; // the findings about no contract audited
        }
        assert!(
            target.starts_with("evidence/") && target.ends_with(".md"),
            "{target}"
        );
        assert!(run.out.join(target).is_file(), "{target} is written");
    }
}

#[test]
#[cfg_attr(
    not(browser),
    ignore = "no headless browser found: install chromium or set REBATE_AUDIT_BROWSER (docs/USAGE.md, The test suite)"
)]
fn choosing_a_contract_shows_its_trail() {
    let (_, run) = large();
    let json = run.json();
    for contract in ["C0007", MARKUP_CONTRACT] {
        let fragment = format!("trail={}", encode(contract));
        let dom = chromium(
            &browser(),
            &run.out.join("report.html"),
            &fragment,
            &[
                "--virtual-time-budget=10000".to_string(),
                "--dump-dom".to_string(),
            ],
        );
        let tags = tags(&dom);
        let body = tags.iter().find(|tag| tag.name == "body").unwrap();
        assert_eq!(body.attribute("data-trails"), Some("ready"));
        let row = tags
            .iter()
            .position(|tag| tag.attribute("id") == Some("trail-row"))
            .unwrap_or_else(|| panic!("no trail row for {contract}"));
        let number = tags[row].attribute("data-contract").unwrap();
        // The trail's tags: up to the next line of the index.
        let end = row
            + tags[row..]
                .iter()
                .position(|tag| {
                    tag.name == "tr"
                        && tag
                            .attribute("id")
                            .is_some_and(|id| id.starts_with("contract-"))
                })
                .unwrap_or(tags.len() - row);
        let trail = &tags[row..end];
        assert_eq!(body.attribute("data-trail"), Some(number));
        // The row follows the contract's line in the index.
        let line = tags[..row]
            .iter()
            .rposition(|tag| tag.name == "tr")
            .unwrap();
        assert_eq!(
            tags[line].attribute("id"),
            Some(format!("contract-{number}").as_str())
        );
        let shown: Vec<&str> = trail
            .iter()
            .filter_map(|tag| tag.attribute("data-period"))
            .collect();
        let expected: BTreeSet<String> = json["expected"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|record| record["contract_id"] == contract)
            .map(|record| format!("{contract}/{}", record["period_start"].as_str().unwrap()))
            .collect();
        assert_eq!(
            shown
                .iter()
                .map(|key| key.to_string())
                .collect::<BTreeSet<_>>(),
            expected
        );
        let mut ids: Vec<&str> = trail
            .iter()
            .filter_map(|tag| tag.attribute("data-finding"))
            .collect();
        ids.sort_unstable();
        let mut wanted: Vec<&str> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|finding| finding["contract_id"] == contract)
            .map(|finding| finding["id"].as_str().unwrap())
            .collect();
        wanted.sort_unstable();
        assert_eq!(ids, wanted, "the findings of {contract} in its trail");
        // Markup stayed text once the trail was shown: no element the report did not write.
        assert!(
            !trail.iter().any(|tag| tag.name == "img"
                || (tag.name == "script" && tag.attribute("type").is_none())),
            "markup in the trail became elements"
        );
    }
}

/// A fragment value as the address carries it.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
