//! `--lang zh` is Chinese wherever people read: the demo audit and a few bad inputs run
//! in Chinese, and every text a person reads — stdout, stderr, summary.md, summary.html,
//! evidence/*.md, explain, the findings' `detail` — is scanned for English words. What may
//! stay ASCII is stripped first, by the short rules and list below, each with its reason;
//! any ASCII word of three letters or more left over fails the test, naming it and its
//! line.
//!
//! report.html (its text, not its markup: JSON keys stay in `data-key` and `title`) and
//! report.xlsx (sheet names and every text cell) are checked by a test of their own.

use crate::common::repo;
use crate::common::{Book, Fixture, billing_csv, contract, standard_billing};
use std::path::Path;

/// ASCII words allowed in Chinese output, each with why.
const ALLOWED: &[(&str, &str)] = &[
    (
        "rebate",
        "the program's name, `rebate-audit`, leads the stdout line and errors",
    ),
    ("audit", "the program's name, `rebate-audit`"),
    (
        "sha",
        "`sha256`, the name of the hash printed beside each input's hash",
    ),
    ("Excel", "a product name (an Excel date)"),
    ("CSV", "a file format's name"),
    // Words of the demo's inputs, printed as the inputs have them.
    ("ecs", "a product code of the demo bills"),
    ("oss", "a product code of the demo bills"),
    ("rds", "a product code of the demo bills"),
    ("slb", "a product code of the demo bills"),
    ("cdn", "a product code of the demo bills"),
    ("marketplace", "a product code of the demo bills"),
    ("cdtf", "part of a demo account id (`cdtf-prod`)"),
    ("prod", "part of a demo account id (`cdtf-prod`)"),
    ("bigdata", "part of a demo account id (`cdtf-bigdata`)"),
    ("aliyun", "a provider and ruleset name"),
    ("tencent", "a provider and ruleset name"),
    ("huawei", "a provider and ruleset name"),
    ("azure", "a provider and ruleset name"),
    ("aws", "a provider and ruleset name"),
    ("generic", "a ruleset name (the generic billing format)"),
    ("focus", "a billing format name (FOCUS)"),
    ("mca", "a billing format name (azure-mca)"),
    (
        "contracts",
        "a sheet name of the demo workbook, in its place `file:sheet:row`",
    ),
    (
        "payouts",
        "a sheet name of the demo ledger, in its place `file:sheet:row`",
    ),
];

/// The words left in `text` once what may stay ASCII is stripped: `(word, line)`.
fn english_words(text: &str) -> Vec<(String, String)> {
    let mut left = Vec::new();
    for line in text.lines() {
        let mut kept = String::new();
        // Backticked spans quote what a person types or what an input holds.
        let mut quoted = false;
        let line = &without_codes(line);
        for character in line.chars() {
            if character == '`' {
                quoted = !quoted;
                kept.push(' ');
            } else if !quoted {
                kept.push(character);
            }
        }
        for token in kept.split(|c: char| {
            c.is_whitespace()
                || "|，。：；、（）()[]<>\"'=,;".contains(c)
                || !c.is_ascii() && c != '_'
        }) {
            if stays(token) {
                continue;
            }
            for word in token
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|word| word.len() >= 3)
            {
                if !ALLOWED.iter().any(|(allowed, _)| allowed == &word) {
                    left.push((word.to_string(), line.to_string()));
                }
            }
        }
    }
    left
}

/// `line` without the codes shown in full-width parentheses right after their Chinese
/// name (`已付清（paid）`, `开票过晚（late_invoice）`): a code is what a reader looks up in
/// findings.json. Only lower-case codes directly after a Chinese character are dropped, so
/// an English sentence in parentheses is still scanned.
fn without_codes(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(open) = rest.find('（') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        let inner = &after['（'.len_utf8()..];
        let after_chinese = before.chars().last().is_some_and(|c| !c.is_ascii());
        match inner.find('）') {
            Some(close)
                if after_chinese
                    && close > 0
                    && inner[..close]
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') =>
            {
                rest = &inner[close + '）'.len_utf8()..];
            }
            _ => {
                out.push('（');
                rest = inner;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether a whole token may stay as it is: a path or file name, a `file:sheet:row`
/// place, an option, a finding id, a hash, a currency code or an id of the inputs.
fn stays(token: &str) -> bool {
    let token = token.trim_matches(|c: char| c == '*' || c == '\\' || c == '.');
    token.contains('/')
        || token.starts_with("--")
        // File names: `bill.csv`, `findings.json`, `contracts.xlsx:contracts:2`.
        || [".csv", ".xlsx", ".json", ".md", ".html", ".zip", ".xls", ".ods", ".toml", ".gz", ".tar", ".tsv", ".xlsb", ".parquet"]
            .iter()
            .any(|extension| token.contains(extension))
        // Finding ids: `unpaid-1cdfd8aa3fb4`.
        || token
            .rsplit_once('-')
            .is_some_and(|(kind, hash)| {
                kind.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    && hash.len() == 12
                    && hash.chars().all(|c| c.is_ascii_hexdigit())
            })
        // Hashes.
        || token.len() >= 32 && token.chars().all(|c| c.is_ascii_hexdigit())
        // Currency codes and ids of the inputs (contract, payout, tax ids): upper case
        // letters with digits or hyphens (`CNY`, `ALI-2024-001`, `RB-0004`).
        || token.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        // A code shown in full-width parentheses after its Chinese name is split off by
        // the tokeniser; the code words themselves are listed where they may appear.
        || CODES.contains(&token)
}

/// Machine codes printed after their Chinese name, `已付清（paid）`, `发票号码（invoice_no）`,
/// so a reader can find them in findings.json; also the formula symbols of the trails.
const CODES: &[&str] = &[
    "paid",
    "late",
    "overpaid",
    "unpaid",
    "underpaid",
    "open",
    "conditional",
    "clawback",
    "nothing_due",
    "invoice_no",
    "invoice_amount",
    "invoice_tax_rate",
    "invoice_type",
    "invoice_issuer",
    "invoice_date",
    "W_p",
    "E_p",
    "10pt",
    "pt",
];

/// Fails listing every English word left in `texts` (`(what, text)` pairs).
fn assert_chinese(texts: &[(String, String)]) {
    let mut report = String::new();
    for (what, text) in texts {
        for (word, line) in english_words(text) {
            report.push_str(&format!("{what}: `{word}` in: {line}\n"));
        }
    }
    assert!(
        report.is_empty(),
        "English words in Chinese output:\n{report}"
    );
}

/// The text of an HTML page: what is between tags, outside scripts and styles.
fn html_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        text.push(' ');
        let after = &rest[start..];
        let skip_to = ["<script", "<style"]
            .iter()
            .find(|tag| after.starts_with(**tag))
            .map(|tag| format!("</{}>", &tag[1..]));
        let end = match skip_to {
            Some(close) => after
                .find(&close)
                .map_or(after.len(), |at| at + close.len()),
            None => after.find('>').map_or(after.len(), |at| at + 1),
        };
        rest = &after[end..];
        if skip_to_is_line_break(&text) {
            text.push('\n');
        }
    }
    text.push_str(rest);
    text.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// Keeps lines short so a failure names a readable line.
fn skip_to_is_line_break(text: &str) -> bool {
    text.len() % 200 < 2
}

/// Runs the binary from the repository root with `args`.
fn run_in_repo(args: &[&str]) -> (Option<i32>, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .current_dir(repo())
        .args(args)
        .env_remove("REBATE_AUDIT_LOG")
        .output()
        .expect("the binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The demo's inputs, date and language, as `run` and `explain` take them.
const DEMO_IN_CHINESE: [&str; 10] = [
    "--contracts",
    "samples/contracts.xlsx",
    "--billing",
    "samples/billing",
    "--payouts",
    "samples/payouts.xlsx",
    "--as-of",
    "2026-06-30",
    "--lang",
    "zh",
];

/// `command` on the demo in Chinese, then `more`.
fn demo_args<'a>(command: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![command];
    args.extend(DEMO_IN_CHINESE);
    args.extend_from_slice(more);
    args
}

/// The demo audit in Chinese into `out`: its stdout and stderr.
fn demo_in_chinese(out: &Path) -> (String, String) {
    let out = out.to_str().unwrap();
    let (status, stdout, stderr) = run_in_repo(&demo_args("run", &["--out", out]));
    assert_eq!(status, Some(1), "{stderr}");
    (stdout, stderr)
}

#[test]
fn the_demo_in_chinese_has_no_english_words_where_people_read() {
    let fixture = Fixture::new();
    let out = fixture.path("zh");
    let (stdout, stderr) = demo_in_chinese(&out);
    let mut texts = vec![
        ("stdout".to_string(), stdout),
        ("stderr".to_string(), stderr),
        (
            "summary.md".to_string(),
            std::fs::read_to_string(out.join("summary.md")).unwrap(),
        ),
        (
            "summary.html".to_string(),
            html_text(&std::fs::read_to_string(out.join("summary.html")).unwrap()),
        ),
    ];
    let mut evidence: Vec<_> = std::fs::read_dir(out.join("evidence"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    evidence.sort();
    // One evidence file per contract of the demo (9 since HW-2023-007, TX-2025-007 and
    // ALI-2026-008).
    assert_eq!(evidence.len(), 9);
    for path in evidence {
        texts.push((
            path.file_name().unwrap().to_string_lossy().into_owned(),
            std::fs::read_to_string(&path).unwrap(),
        ));
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("findings.json")).unwrap()).unwrap();
    for finding in json["findings"].as_array().unwrap() {
        texts.push((
            format!("findings.json detail of {}", finding["id"]),
            finding["detail"].as_str().unwrap().to_string(),
        ));
    }
    for (contract, period) in [("ALI-2024-001", None), ("TX-2025-002", Some("2025-06"))] {
        let mut args = demo_args("explain", &["--contract", contract]);
        if let Some(period) = period {
            args.extend(["--period", period]);
        }
        let (status, stdout, stderr) = run_in_repo(&args);
        assert_eq!(status, Some(0), "{stderr}");
        texts.push((format!("explain {contract}"), stdout));
        texts.push((format!("explain {contract} stderr"), stderr));
    }
    // `explain` refusing a contract or a period it does not have.
    for (contract, period) in [("NO-SUCH", "2025"), ("ALI-2025-005", "2024-Q4")] {
        let (status, stdout, stderr) = run_in_repo(&demo_args(
            "explain",
            &["--contract", contract, "--period", period],
        ));
        assert_eq!(status, Some(2), "{stderr}");
        assert!(stderr.starts_with("rebate-audit：错误：--"), "{stderr}");
        texts.push((format!("explain {contract} {period} stdout"), stdout));
        texts.push((format!("explain {contract} {period} stderr"), stderr));
    }
    assert_chinese(&texts);
}

#[test]
fn bad_inputs_are_refused_in_chinese() {
    let fixture = Fixture::new();
    let billing = fixture.write("billing.csv", standard_billing());
    let payouts = fixture.write(
        "payouts.csv",
        "payout_id,contract_id,paid_on,amount\nP1,C1,2025-04-20,100\n",
    );
    let good = Book::standard().write_xlsx(fixture.dir.path(), "contracts.xlsx");
    let bad_rate = Book::standard()
        .contract(contract("C2").set("late_interest", "lots"))
        .write_xlsx(fixture.dir.path(), "bad-rate.xlsx");
    let mut texts = Vec::new();
    let mut refused = |name: &str, args: &[&dyn AsRef<std::ffi::OsStr>]| {
        let mut all: Vec<&dyn AsRef<std::ffi::OsStr>> = args.to_vec();
        all.extend([&"--lang" as &dyn AsRef<std::ffi::OsStr>, &"zh"]);
        let run = fixture.run_into(name, &all);
        assert_eq!(run.status, Some(2), "{name}: {}", run.stderr);
        assert!(run.stderr.contains("错误"), "{name}: {}", run.stderr);
        texts.push((format!("{name} stderr"), run.stderr));
        texts.push((format!("{name} stdout"), run.stdout));
    };
    refused("no-arguments", &[&"run"]);
    // The rest refuse one input of an otherwise whole command line.
    let mut refused_with = |name: &str,
                            contracts: &dyn AsRef<std::ffi::OsStr>,
                            extra: &[&dyn AsRef<std::ffi::OsStr>]| {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
            &"run",
            &"--contracts",
            contracts,
            &"--billing",
            &billing,
            &"--payouts",
            &payouts,
        ];
        args.extend_from_slice(extra);
        refused(name, &args);
    };
    let missing = fixture.path("nowhere.xlsx");
    refused_with("missing-file", &missing, &[]);
    refused_with("ledger-as-contracts", &payouts, &[]);
    refused_with("bad-cell", &bad_rate, &[]);
    refused_with("bad-as-of", &good, &[&"--as-of", &"someday"]);
    assert_chinese(&texts);
}

#[test]
fn a_rejected_billing_row_says_why_in_chinese() {
    let fixture = Fixture::new();
    let contracts = Book::standard().write_xlsx(fixture.dir.path(), "contracts.xlsx");
    let billing = fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("A1", "2025-01", "ECS", "12,34.5x", "CNY"),
        ]),
    );
    let payouts = fixture.write("payouts.csv", "payout_id,contract_id,paid_on,amount\n");
    let run = fixture.audit_into(
        "out",
        &contracts,
        &billing,
        &payouts,
        "2025-06-30",
        &[&"--lang", &"zh"],
    );
    let summary = std::fs::read_to_string(run.out.join("summary.md")).unwrap();
    let rejected: Vec<&str> = summary
        .lines()
        .filter(|line| line.contains("该行未能读取"))
        .collect();
    assert!(!rejected.is_empty(), "{summary}");
    assert_chinese(&[("summary.md".to_string(), rejected.join("\n"))]);
}

#[test]
fn report_html_and_xlsx_in_chinese_have_no_english_words() {
    use calamine::{Data, Reader};
    let fixture = Fixture::new();
    let out = fixture.path("zh");
    demo_in_chinese(&out);
    let mut texts = vec![(
        "report.html".to_string(),
        html_text(&std::fs::read_to_string(out.join("report.html")).unwrap()),
    )];
    let mut workbook = calamine::open_workbook_auto(out.join("report.xlsx")).unwrap();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).unwrap();
        let cells: Vec<String> = range
            .rows()
            .map(|row| {
                row.iter()
                    .filter_map(|cell| match cell {
                        Data::String(text) => Some(text.clone()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .collect();
        texts.push((format!("report.xlsx sheet {name}"), cells.join("\n")));
        texts.push(("report.xlsx sheet names".to_string(), name.clone()));
    }
    assert_chinese(&texts);
}

#[test]
fn the_scanner_finds_english_and_lets_ids_codes_and_paths_pass() {
    let words = |text: &str| -> Vec<String> {
        english_words(text)
            .into_iter()
            .map(|(word, _)| word)
            .collect()
    };
    assert_eq!(
        words("合同 ALI-2024-001 应付 12,000.00 元"),
        Vec::<String>::new()
    );
    assert_eq!(
        words("samples/billing/a.csv:219:应付金额：`12,34.5x` unpaid-1cdfd8aa3fb4 --lang CNY"),
        Vec::<String>::new()
    );
    assert_eq!(words("已付清（paid）"), Vec::<String>::new());
    assert_eq!(words("开票过晚（late_invoice）"), Vec::<String>::new());
    // A code is dropped only right after its Chinese name, and only a lower-case code.
    assert_eq!(words("（late_invoice）"), vec!["late", "invoice"]);
    assert_eq!(words("说明（see the notes）"), vec!["see", "the", "notes"]);
    assert_eq!(words("due by now 1,350.00"), vec!["due", "now"]);
    assert_eq!(
        words("应付金额：expected an amount"),
        vec!["expected", "amount"]
    );
}
