//! Markup in every name an input can carry (reliability research R3) stays text in
//! report.html, as written and once Chromium has rendered it. A child module of `html`,
//! whose helpers it uses.

use super::*;

// Markup in every name an input can carry (reliability research R3).
const CONTRACT: &str = "<script>alert('contract')</script>";
const OTHER_CONTRACT: &str = "\"><img src=x onerror=alert('contract')>";
const CUSTOMER: &str = "' onmouseover='alert(1)' x='";
const PRODUCT: &str = "\"><svg onload=alert('product')>";
const PAYOUT: &str = "<img src=x onerror=alert('payout')>";
const OTHER_PAYOUT: &str = "javascript:alert('payout')";
const INVOICE: &str = "</td></tr><script>alert('invoice')</script>";
const STRAY_PAYOUT: &str = "<iframe src=\"javascript:alert(1)\"></iframe>";
const PAYLOADS: [&str; 7] = [
    CONTRACT,
    OTHER_CONTRACT,
    PRODUCT,
    PAYOUT,
    OTHER_PAYOUT,
    INVOICE,
    STRAY_PAYOUT,
];

/// An audit whose contract ids, customer, product, payout ids and invoice number are
/// markup: C1 is underpaid by a payout with a bad invoice, C2 underpaid too, and a payout
/// names no contract.
fn hostile_run(fixture: &Fixture) -> Run {
    let contracts = Book::default()
        .contract(
            contract(CONTRACT)
                .set("customer", CUSTOMER)
                .set("invoice", "vat_special"),
        )
        .tier(CONTRACT, "0", "", "20%")
        .contract(contract(OTHER_CONTRACT).set("accounts", "A2"))
        .tier(OTHER_CONTRACT, "0", "", "20%")
        .write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("A1", "2025-01", PRODUCT, "500.00", "CNY"),
            ("A2", "2025-01", "ECS", "5000.00", "CNY"),
        ]),
    );
    let payouts = fixture.write(
        "payouts.csv",
        payouts_csv(
            &[
                "payout_id",
                "contract_id",
                "paid_on",
                "amount",
                "invoice_no",
                "invoice_amount",
                "invoice_date",
                "invoice_type",
            ],
            &[
                &[
                    PAYOUT,
                    CONTRACT,
                    "2025-02-15",
                    "1000.00",
                    INVOICE,
                    "999.00",
                    "2025-02-15",
                    "vat_special",
                ],
                &[
                    OTHER_PAYOUT,
                    OTHER_CONTRACT,
                    "2025-02-15",
                    "400.00",
                    "",
                    "",
                    "",
                    "",
                ],
                &[STRAY_PAYOUT, "nobody", "2025-02-15", "5.00", "", "", "", ""],
            ],
        ),
    );
    let run = fixture.audit(&contracts, &billing, &payouts, "2025-04-01", &[]);
    run.expect_status(1);
    run
}

/// What the rendered or written page must not hold: another script, an event handler, an
/// element the report never writes, a link out.
fn assert_inert(html: &str, what: &str) {
    const WRITTEN: &[&str] = &[
        "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "p",
        "span", "time", "nav", "a", "section", "div", "data", "table", "thead", "tbody", "tr",
        "th", "td", "svg", "g", "rect", "line", "text", "label", "select", "option", "output",
        "details", "summary", "footer", "script", "button",
    ];
    let Document { tags, text } = parse(html);
    for tag in &tags {
        assert!(
            WRITTEN.contains(&tag.name.as_str()),
            "{what}: an injected <{}>",
            tag.name
        );
        for (name, value) in &tag.attributes {
            assert!(
                !name.starts_with("on"),
                "{what}: <{} {name}=\"{value}\">",
                tag.name
            );
            assert!(
                !value.to_ascii_lowercase().contains("javascript:") || name.starts_with("data-"),
                "{what}: <{} {name}=\"{value}\">",
                tag.name
            );
        }
    }
    let scripts: Vec<&Tag> = tags.iter().filter(|tag| tag.name == "script").collect();
    assert_eq!(scripts.len(), 1, "{what}: scripts {scripts:?}");
    assert!(scripts[0].text.contains("data-ready") && !scripts[0].text.contains("alert"));
    assert_eq!(
        tags.iter().filter(|tag| tag.name == "svg").count(),
        1,
        "{what}: one chart"
    );
    // Every payload is on the page, as text (the customer in the contracts table).
    for payload in PAYLOADS.into_iter().chain([CUSTOMER]) {
        assert!(
            text.contains(payload),
            "{what}: `{payload}` is not shown as text"
        );
    }
}

#[test]
fn markup_in_the_inputs_stays_text_in_report_html() {
    let fixture = Fixture::new();
    let run = hostile_run(&fixture);
    // The payloads reached the findings the page shows.
    let json = serde_json::to_string(&run.json()["findings"]).unwrap();
    for payload in PAYLOADS {
        let quoted = serde_json::to_string(payload).unwrap();
        assert!(
            json.contains(quoted.trim_matches('"')),
            "`{payload}` is in no finding: {json}"
        );
    }
    let html = page(&run);
    assert_inert(&html, "report.html as written");
}

#[test]
#[cfg_attr(
    not(browser),
    ignore = "no headless browser found: install chromium or set REBATE_AUDIT_BROWSER (docs/USAGE.md, The test suite)"
)]
fn markup_in_the_inputs_stays_text_once_rendered() {
    let fixture = Fixture::new();
    let run = hostile_run(&fixture);
    let browser = browser();
    let dom = rendered(&browser, &run.out.join("report.html"), "");
    assert_inert(&dom, "report.html as Chromium rendered it");
    let body = tags(&dom)
        .into_iter()
        .find(|tag| tag.name == "body")
        .unwrap();
    assert_eq!(body.attribute("data-ready"), Some("filters"));
}

#[test]
#[cfg_attr(
    not(browser),
    ignore = "no headless browser found: install chromium or set REBATE_AUDIT_BROWSER (docs/USAGE.md, The test suite)"
)]
fn the_browser_leaves_home_untouched() {
    let fixture = Fixture::new();
    let run = clean_run(&fixture);
    let browser = browser();
    let home = tempfile::tempdir().unwrap();
    let pdf = run.out.join("report.pdf");
    chromium_with(
        &browser,
        &run.out.join("report.html"),
        "",
        &[format!("--print-to-pdf={}", pdf.display())],
        |command| {
            command.env("HOME", home.path());
        },
    );
    assert!(pdf.is_file(), "the browser printed the page");
    let left: Vec<PathBuf> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert!(left.is_empty(), "the browser wrote into HOME: {left:?}");
}
