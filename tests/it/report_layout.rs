//! The reports lead with what matters (docs/REPORTS.md): report.html and the summary open
//! with due by now / paid against it / short / late interest and the errors by amount, and
//! end with the control totals and the input hashes; the findings are served in their
//! default order (severity, then amount at stake, largest first) and sort by the header
//! clicked; report.xlsx freezes its headers and first columns and colours severities;
//! `--lang zh` gives Chinese headings. A child module of `html`, whose helpers (the demo
//! run, the browser, the HTML tokenizer) it uses.

use super::{AS_OF, Tag, browser, demo, finding_rows, page, rendered, repo, tags};
use crate::common::{Fixture, Run};
use calamine::{Data, Reader};
use std::io::Read;

fn text(run: &Run, name: &str) -> String {
    String::from_utf8(run.read(name)).unwrap()
}

/// Where `needle` first is in `html`; fails when it is not there.
fn at(html: &str, needle: &str) -> usize {
    html.find(needle)
        .unwrap_or_else(|| panic!("`{needle}` is not in the page"))
}

/// A finding row's severity rank (error 0, warning 1, info 2) and amount at stake.
fn rank_and_amount(row: &Tag) -> (usize, f64) {
    let rank = ["error", "warning", "info"]
        .iter()
        .position(|word| Some(*word) == row.attribute("data-severity"))
        .expect("a severity");
    let amount = row
        .attribute("data-amount")
        .expect("data-amount")
        .parse()
        .expect("data-amount is a number");
    (rank, amount)
}

#[test]
fn report_html_opens_with_the_headline_and_the_errors_and_ends_with_the_inputs() {
    let fixture = Fixture::new();
    let run = demo(&fixture, "out", "2");
    let html = page(&run);
    let json = run.json();

    // The sections in reading order; the input hashes last.
    let order: Vec<usize> = [
        "<section id=\"headline\"",
        "<section id=\"errors\"",
        "<section id=\"counts\"",
        "<section id=\"chart\"",
        "<section id=\"findings\"",
        "<section id=\"controls\"",
        "<h3 id=\"inputs\"",
    ]
    .iter()
    .map(|needle| at(&html, needle))
    .collect();
    assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "{order:?}");
    let first_hash = json["inputs"][0]["sha256"].as_str().unwrap();
    assert!(at(&html, first_hash) > at(&html, "<h3 id=\"inputs\""));

    // The first figures are the headline: due by now, paid against it, short, interest.
    let tags = tags(&html);
    let figures: Vec<&str> = tags
        .iter()
        .filter_map(|tag| tag.attribute("data-total"))
        .collect();
    assert_eq!(
        figures[..4],
        ["due_by_now", "paid_against_due", "shortfall", "interest"]
    );

    // Then the errors, largest first: the clawback deducted from TX-2025-007's Q4 (underpaid
    // 70,000.00), the unpaid 12,000.00, the underpaid 3,600.00, the rejected row; one table
    // row each (and the header row).
    let errors = &html[order[1]..order[2]];
    assert!(
        errors.contains("<h2>Errors, largest first</h2>"),
        "{errors}"
    );
    assert_eq!(
        errors.matches("<tr>").count(),
        1 + json["totals"]["by_severity"]["error"].as_u64().unwrap() as usize
    );
    let clawback = at(errors, ">70,000.00<");
    let unpaid = at(errors, ">unpaid<");
    let underpaid = unpaid + at(&errors[unpaid..], ">underpaid<");
    assert!(clawback < unpaid && unpaid < underpaid && underpaid < at(errors, ">rejected_row<"));
    assert!(errors.contains(">12,000.00<") && errors.contains(">TX-2025-002<"));

    // The findings as served (no script): severity, then amount at stake, largest first.
    let rows = finding_rows(&tags);
    assert_eq!(rows.len(), json["findings"].as_array().unwrap().len());
    let keys: Vec<(usize, f64)> = rows.iter().map(|row| rank_and_amount(row)).collect();
    assert!(
        keys.windows(2)
            .all(|pair| pair[0].0 < pair[1].0 || (pair[0].0 == pair[1].0 && pair[0].1 >= pair[1].1)),
        "{keys:?}"
    );
    // Sortable headers, the default marked.
    let sortable: Vec<(&str, Option<&str>)> = tags
        .iter()
        .filter(|tag| tag.name == "th")
        .filter_map(|tag| {
            tag.attribute("data-sort")
                .map(|key| (key, tag.attribute("aria-sort")))
        })
        .collect();
    assert_eq!(
        sortable,
        [
            ("severity", Some("descending")),
            ("type", None),
            ("contract", None),
            ("date", None),
            ("amount", None)
        ]
    );

    // The summary leads the same way and ends with the inputs.
    let summary = text(&run, "summary.md");
    let sections: Vec<&str> = summary
        .split("\n## ")
        .map(|section| section.lines().next().unwrap())
        .collect();
    assert_eq!(
        sections[1..],
        [
            "Due and paid",
            // The demo's HW-2023-007 claim expires 122 days after the audit date.
            "Claims expiring soon or expired (limitation periods)",
            "Errors, largest first",
            "Findings by type",
            "Contracts",
            // ALI-2026-008's contract year is open on the audit date.
            "Projections: the open contract years",
            "Accruals as of 2026-06-30",
            "Warnings, largest first",
            "Control totals",
            "Inputs"
        ]
    );
    assert!(
        summary.contains(
            "| due by now | paid against it | short | late interest |\n|---|---|---|---|\n| 1,740,535.61 | 1,651,935.61 | 88,600.00 | 3,170.40 |"
        ),
        "{summary}"
    );
    let errors = summary.split("\n## ").nth(3).unwrap();
    assert!(
        errors.contains(
            "| TX-2025-002 | 2025-06 | unpaid | 12,000.00 | Installment 1 of contract TX-2025-002"
        ),
        "{errors}"
    );
    // TX-2025-007's underpaid 70,000.00 leads; the unpaid 12,000.00 comes before the 3,600.00.
    assert!(errors.find("| unpaid |").unwrap() < errors.rfind("| underpaid |").unwrap());
    let html_summary = text(&run, "summary.html");
    assert!(
        at(&html_summary, "<h2>Due and paid</h2>")
            < at(&html_summary, "<h2>Errors, largest first</h2>")
    );
    assert!(at(&html_summary, first_hash) > at(&html_summary, "<h2>Inputs</h2>"));

    // A font stack that finds a CJK font wherever one is installed, in both pages.
    for page in [&html, &html_summary] {
        assert!(
            page.contains("\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\",sans-serif"),
            "no CJK font stack"
        );
    }
}

#[test]
fn with_lang_zh_the_headings_and_headers_are_chinese() {
    let fixture = Fixture::new();
    let samples = repo().join("samples");
    let run = fixture.audit_into(
        "zh",
        &samples.join("contracts.xlsx"),
        &samples.join("billing"),
        &samples.join("payouts.xlsx"),
        AS_OF,
        &[&"--lang", &"zh"],
    );
    run.expect_status(1);
    let html = page(&run);
    for expected in [
        "<html lang=\"zh-CN\">",
        "<title>返利审计（截至 2026-06-30）</title>",
        "<h2>应付与已付</h2>",
        "<h2>错误（按金额从大到小）</h2>",
        "<th>合同</th><th>期间</th><th>类型</th><th>涉及金额</th><th>说明</th>",
        "<button type=\"button\" class=\"sort\">严重程度</button>",
        "<span class=\"badge error\">错误</span>",
        "<h2>控制合计</h2>",
        "<h3 id=\"inputs\">输入文件</h3>",
        ">少付</text>",
    ] {
        assert!(html.contains(expected), "report.html has no `{expected}`");
    }
    // The machine words stay: filters and sorting read them.
    assert!(html.contains("data-severity=\"error\""));
    let summary = text(&run, "summary.md");
    for expected in [
        "# 返利审计（截至 2026-06-30）",
        "## 应付与已付",
        "| 已到期应付 | 已付 | 少付 | 滞纳金 |",
        "## 错误（按金额从大到小）",
        "## 警告（按金额从大到小）",
        "## 输入文件",
        // HW-2023-007 (the demo's claim near expiry) adds 4 installments, 79,340.00 due,
        // 76,340.00 paid, 3,000.00 short with 876.60 interest, an error and a warning;
        // TX-2025-007 (the demo's clawback) 4 installments, 257,500.00 due, 187,500.00
        // paid, 70,000.00 short (a clawback the contract does not allow), an error; the
        // amended ALI-2025-005 3,220.61 more due, paid as amended; ALI-2026-008 (a year
        // open on the audit date) 4 installments, 50,400.00 due and paid, its projection.
        "## 即将或已经届满诉讼时效的请求",
        "## 预测：进行中的合同年度",
        "9 个合同，64 个分期。已到期应付（已过期限）1,740,535.61，已付 1,651,935.61：少付 88,600.00，另有滞纳金 3,170.40。",
        "审计发现 25 项：错误 5 项，警告 17 项，提示 3 项。",
    ] {
        assert!(summary.contains(expected), "summary.md has no `{expected}`");
    }
}

/// The text of the part of `xml` from `start` to the next `end`.
fn between<'a>(xml: &'a str, start: &str, end: &str) -> &'a str {
    let from = xml.find(start).map_or(xml.len(), |at| at + start.len());
    let rest = &xml[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The value of `name="…"` in an XML tag's text.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(&tag[at..at + tag[at..].find('"')?])
}

#[test]
fn report_xlsx_freezes_headers_and_first_columns_and_colours_severities() {
    let fixture = Fixture::new();
    let run = demo(&fixture, "out", "2");
    let bytes = run.read("report.xlsx");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut member = |name: &str| {
        let mut text = String::new();
        archive
            .by_name(name)
            .unwrap_or_else(|_| panic!("no {name}"))
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    // Summary (sheet1) freezes its header; every table sheet its header and first column.
    assert!(member("xl/worksheets/sheet1.xml").contains(
        "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
    ));
    for sheet in 2..=7 {
        let xml = member(&format!("xl/worksheets/sheet{sheet}.xml"));
        assert!(
            xml.contains("<pane xSplit=\"1\" ySplit=\"1\" topLeftCell=\"B2\" activePane=\"bottomRight\" state=\"frozen\"/>"),
            "sheet{sheet} is not frozen at B2"
        );
    }

    // The fill of each cell style: styles.xml's cellXfs point into its fills.
    let styles = member("xl/styles.xml");
    let fills: Vec<&str> = between(&styles, "<fills", "</fills>")
        .split("<fill>")
        .skip(1)
        .collect();
    let fill_of_style: Vec<String> = between(&styles, "<cellXfs", "</cellXfs>")
        .split("<xf ")
        .skip(1)
        .map(|xf| {
            let fill: usize = attribute(&format!(" {xf}"), "fillId")
                .unwrap_or("0")
                .parse()
                .unwrap();
            attribute(fills[fill], "rgb").unwrap_or("").to_string()
        })
        .collect();

    // Findings (sheet2): its severity column (C) is filled by severity, row by row; the
    // rows keep findings.csv's order.
    let mut workbook = calamine::open_workbook_auto(run.out.join("report.xlsx")).unwrap();
    let range = workbook.worksheet_range("Findings").unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows[0][2], Data::String("severity".into()));
    let csv_ids: Vec<String> = text(&run, "findings.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let id = line.split(',').next().unwrap();
            id.trim_matches('"').to_string()
        })
        .collect();
    let sheet_ids: Vec<String> = rows[1..].iter().map(|row| row[0].to_string()).collect();
    assert_eq!(sheet_ids, csv_ids, "report.xlsx keeps findings.csv's order");
    let findings = member("xl/worksheets/sheet2.xml");
    let mut seen = std::collections::BTreeSet::new();
    for (index, row) in rows.iter().enumerate().skip(1) {
        let reference = format!("<c r=\"C{}\"", index + 1);
        let cell = between(&findings, &reference, ">");
        let style: usize = attribute(cell, "s")
            .expect("a styled cell")
            .parse()
            .unwrap();
        let expected = match row[2].to_string().as_str() {
            "error" => "FFF9D6D5",
            "warning" => "FFFCE8C3",
            "info" => "FFD6E4F5",
            other => panic!("severity {other}"),
        };
        assert_eq!(fill_of_style[style], expected, "row {}", index + 1);
        seen.insert(expected);
    }
    assert_eq!(seen.len(), 3, "the demo has every severity");
}

/// The finding rows' ids, in the page's order, after the script ran with `fragment`.
fn order_after(browser: &std::path::Path, report: &std::path::Path, fragment: &str) -> Vec<Tag> {
    tags(&rendered(browser, report, fragment))
}

#[test]
#[cfg_attr(
    not(browser),
    ignore = "no headless browser found: install chromium or set REBATE_AUDIT_BROWSER (docs/USAGE.md, The test suite)"
)]
fn chromium_sorts_the_findings_by_the_header_named_in_the_address() {
    let fixture = Fixture::new();
    let run = demo(&fixture, "out", "2");
    let html = page(&run);
    let served = tags(&html);
    let served = finding_rows(&served);
    let browser = browser();
    let report = run.out.join("report.html");
    let id = |row: &Tag| row.attribute("id").unwrap().to_string();
    let text_key = |row: &Tag, name: &str| {
        let value = row.attribute(name).unwrap_or("");
        (value.is_empty(), value.to_string())
    };

    // No sort asked: the order served (the script leaves it).
    let tags_default = order_after(&browser, &report, "");
    let default: Vec<String> = finding_rows(&tags_default).into_iter().map(id).collect();
    assert_eq!(
        default,
        served.iter().map(|row| id(row)).collect::<Vec<_>>()
    );

    // Each sort is stable over the default order: what the click handler does.
    let mut by_contract: Vec<&Tag> = served.clone();
    by_contract.sort_by_key(|row| text_key(row, "data-contract"));
    let mut by_date: Vec<&Tag> = served.clone();
    by_date.sort_by_key(|row| text_key(row, "data-date"));
    let mut by_amount_ascending: Vec<&Tag> = served.clone();
    by_amount_ascending.sort_by(|a, b| {
        rank_and_amount(a)
            .1
            .partial_cmp(&rank_and_amount(b).1)
            .unwrap()
    });
    let cases: [(&str, Vec<&Tag>, &str, &str); 3] = [
        ("sort=contract", by_contract, "contract", "ascending"),
        ("sort=date", by_date, "date", "ascending"),
        ("sort=-amount", by_amount_ascending, "amount", "ascending"),
    ];
    for (fragment, expected, key, direction) in cases {
        let tags = order_after(&browser, &report, fragment);
        let rows: Vec<String> = finding_rows(&tags).into_iter().map(id).collect();
        let expected: Vec<String> = expected.into_iter().map(id).collect();
        assert_ne!(expected, default, "#{fragment} changes the demo's order");
        assert_eq!(rows, expected, "rows for #{fragment}");
        let marked: Vec<(&str, &str)> = tags
            .iter()
            .filter(|tag| tag.name == "th")
            .filter_map(|tag| Some((tag.attribute("data-sort")?, tag.attribute("aria-sort")?)))
            .collect();
        assert_eq!(marked, [(key, direction)], "aria-sort for #{fragment}");
    }

    // Sorting keeps the filter: only warnings shown, by contract.
    let tags = order_after(&browser, &report, "severity=warning&sort=contract");
    let visible: Vec<String> = finding_rows(&tags)
        .into_iter()
        .filter(|row| row.attribute("hidden").is_none())
        .map(id)
        .collect();
    let mut warnings: Vec<&Tag> = served
        .iter()
        .copied()
        .filter(|row| row.attribute("data-severity") == Some("warning"))
        .collect();
    warnings.sort_by_key(|row| text_key(row, "data-contract"));
    assert_eq!(visible, warnings.into_iter().map(id).collect::<Vec<_>>());
    let shown = tags
        .iter()
        .find(|tag| tag.attribute("id") == Some("shown"))
        .unwrap();
    assert_eq!(shown.text, visible.len().to_string());
}
