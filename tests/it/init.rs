//! `rebate-audit init`: the starter kit audits to the result its README sheet explains, in
//! English and Chinese; it survives a spreadsheet program's round trip; its dropdowns are
//! in the file and every word of them is read; `init` never writes over a file.

use calamine::{Data, Reader};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The kit's files, as `init` lists them.
const FILES: [&str; 4] = [
    "contracts.xlsx",
    "payouts.xlsx",
    "billing/sample.csv",
    "audit.toml",
];

fn rebate(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
        .args(args.iter().map(|arg| arg.as_ref()))
        .env_remove("REBATE_AUDIT_LOG")
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A kit written by `init` into a fresh folder.
struct Kit {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    stdout: String,
}

fn init(lang: &str) -> Kit {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my audit");
    let output = rebate(&[&"init", &dir, &"--lang", &lang]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    Kit {
        _tmp: tmp,
        dir,
        stdout: text(&output.stdout),
    }
}

/// The audit of a kit (its `audit.toml`, with other contracts or payouts when given):
/// the exit status and findings.json.
fn audit(kit: &Kit, out: &str, contracts: Option<&Path>, payouts: Option<&Path>) -> (i32, Value) {
    let out = kit.dir.join(out);
    let config = kit.dir.join("audit.toml");
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> =
        vec![&"run", &"--config", &config, &"--out", &out];
    if let Some(contracts) = &contracts {
        args.push(&"--contracts");
        args.push(contracts);
    }
    if let Some(payouts) = &payouts {
        args.push(&"--payouts");
        args.push(payouts);
    }
    let output = rebate(&args);
    let status = output.status.code().unwrap();
    let json = std::fs::read_to_string(out.join("findings.json")).unwrap_or_else(|_| {
        panic!(
            "no findings.json; status {status}; stderr:\n{}",
            text(&output.stderr)
        )
    });
    (status, serde_json::from_str(&json).unwrap())
}

/// The findings as (type, contract, expected, due) lines, for comparing runs.
fn summary(json: &Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| {
            format!(
                "{} {} {} {}",
                finding["type"].as_str().unwrap_or(""),
                finding["contract_id"].as_str().unwrap_or(""),
                finding["expected"].as_str().unwrap_or(""),
                finding["due_on"].as_str().unwrap_or("")
            )
        })
        .collect()
}

const README_RESULT: [&str; 2] = [
    "unpaid DEMO-2026-001 4050.00 2026-04-30",
    "unpaid DEMO-2026-001 1680.00 2026-07-30",
];

/// Every sheet of a workbook: its name and its cells.
fn sheets(path: &Path) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut workbook = calamine::open_workbook_auto(path).unwrap();
    workbook
        .sheet_names()
        .into_iter()
        .map(|name| {
            let range = workbook.worksheet_range(&name).unwrap();
            let rows = range.rows().map(<[Data]>::to_vec).collect();
            (name, rows)
        })
        .collect()
}

#[test]
fn the_kit_audits_to_the_result_its_readme_sheet_explains_in_english_and_chinese() {
    for (lang, sheet, words) in [
        ("en", "README", ["Wrote a starter kit", "Next"]),
        ("zh", "说明", ["已在", "下一步"]),
    ] {
        let kit = init(lang);
        for file in FILES {
            assert!(kit.dir.join(file).is_file(), "{lang}: {file} not written");
            assert!(
                kit.stdout.contains(file),
                "{lang}: {file} not listed:\n{}",
                kit.stdout
            );
        }
        for word in words {
            assert!(kit.stdout.contains(word), "{lang}:\n{}", kit.stdout);
        }
        // The printed command, as a shell reads it (the folder has a space).
        let command = format!(
            "rebate-audit run --config '{}'",
            kit.dir.join("audit.toml").display()
        );
        assert!(kit.stdout.contains(&command), "{lang}:\n{}", kit.stdout);
        let (status, json) = audit(&kit, "out", None, None);
        assert_eq!(status, 1, "{lang}: unpaid rebates are errors");
        assert_eq!(summary(&json), README_RESULT, "{lang}");
        assert_eq!(json["lang"], lang);
        // The README sheet says what the run gives.
        let book = sheets(&kit.dir.join("contracts.xlsx"));
        assert_eq!(book[0].0, sheet, "{lang}: the README sheet comes first");
        let readme: String = book[0]
            .1
            .iter()
            .flatten()
            .map(|cell| cell.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        for amount in [
            "4,050.00",
            "1,680.00",
            "5,730.00",
            "2026-04-30",
            "2026-07-30",
        ] {
            assert!(
                readme.contains(amount),
                "{lang}: the README sheet lacks {amount}"
            );
        }
    }
}

/// The payout row the README sheet gives, with `changes` applied (a blank invoice, a
/// later date), as a CSV ledger under the kit's headers in `lang`.
fn typed_payout(kit: &Kit, changes: &[(usize, &str)]) -> PathBuf {
    let ledger = sheets(&kit.dir.join("payouts.xlsx"));
    assert_eq!(
        ledger.len(),
        1,
        "one sheet: any other would be read as a ledger"
    );
    let header: Vec<String> = ledger[0].1[0].iter().map(ToString::to_string).collect();
    let mut row: Vec<String> = [
        "PAY-0001",
        "DEMO-2026-001",
        "2026-04-28",
        "4050",
        "CNY",
        "cash",
        "2026-Q1",
        "",
        "26312000000012345678",
        "2026-04-28",
        "4050",
        "6%",
        "vat_special",
        "91310000MA1K000000",
        "",
    ]
    .map(str::to_string)
    .to_vec();
    assert_eq!(row.len(), header.len());
    for (column, value) in changes {
        row[*column] = (*value).to_string();
    }
    let payouts = kit.dir.join(format!("typed-{}.csv", changes.len()));
    std::fs::write(
        &payouts,
        format!("{}\n{}\n", header.join(","), row.join(",")),
    )
    .unwrap();
    payouts
}

#[test]
fn typing_the_payout_the_readme_describes_pays_the_first_quarter() {
    let kit = init("en");
    let readme = sheets(&kit.dir.join("contracts.xlsx"))[0]
        .1
        .iter()
        .flatten()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(readme.contains("PAY-0001 | DEMO-2026-001 | 2026-04-28 | 4050 | CNY | cash | 2026-Q1 | (blank) | 26312000000012345678 | 2026-04-28 | 4050 | 6% | vat_special | 91310000MA1K000000"));
    let (status, json) = audit(&kit, "paid", None, Some(&typed_payout(&kit, &[])));
    assert_eq!(status, 1);
    assert_eq!(summary(&json), [README_RESULT[1]]);
    // Without its invoice, mis-invoiced; paid after the due date, late.
    let blank: Vec<(usize, &str)> = (8..14).map(|column| (column, "")).collect();
    let (_, json) = audit(&kit, "blank", None, Some(&typed_payout(&kit, &blank)));
    assert_eq!(summary(&json)[0], "mis_invoiced DEMO-2026-001  ");
    assert_eq!(summary(&json)[1], README_RESULT[1]);
    let (_, json) = audit(
        &kit,
        "late",
        None,
        Some(&typed_payout(&kit, &[(2, "2026-05-06")])),
    );
    assert_eq!(summary(&json)[0], "late DEMO-2026-001 4050.00 2026-04-30");
}

#[test]
fn init_never_writes_over_a_file_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kit");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("audit.toml"), "# mine\n").unwrap();
    let output = rebate(&[&"init", &dir]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&dir.join("audit.toml").display().to_string()),
        "{stderr}"
    );
    assert!(stderr.contains("--force"), "{stderr}");
    // Checked before anything is written: the folder is as it was.
    assert!(!dir.join("contracts.xlsx").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("audit.toml")).unwrap(),
        "# mine\n"
    );
    let output = rebate(&[&"init", &dir, &"--lang", &"zh"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("文件已存在"),
        "{}",
        text(&output.stderr)
    );
    let output = rebate(&[&"init", &dir, &"--force"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        std::fs::read_to_string(dir.join("audit.toml"))
            .unwrap()
            .contains("contracts = ")
    );
    // A second init over a whole kit is refused too, naming the first file.
    let output = rebate(&[&"init", &dir]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("contracts.xlsx"));
}

/// A workbook rewritten as a spreadsheet program saves it: every value kept (dates as
/// dates), the dropdowns, formats and README text of the kit gone.
fn rewrite(from: &Path, to: &Path) {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (name, rows) in sheets(from) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(&name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    Data::Empty => {}
                    Data::String(text) => drop(sheet.write_string(r, c, text)),
                    Data::Float(number) => drop(sheet.write_number(r, c, *number)),
                    Data::Int(number) => drop(sheet.write_number(r, c, *number as f64)),
                    Data::Bool(value) => drop(sheet.write_boolean(r, c, *value)),
                    Data::DateTime(value) => {
                        drop(sheet.write_number_with_format(r, c, value.as_f64(), &date))
                    }
                    other => panic!("unexpected cell {other:?}"),
                }
            }
        }
    }
    workbook.save(to).unwrap();
}

#[test]
fn the_kit_read_and_saved_again_audits_the_same() {
    for lang in ["en", "zh"] {
        let kit = init(lang);
        let contracts = kit.dir.join("resaved-contracts.xlsx");
        let payouts = kit.dir.join("resaved-payouts.xlsx");
        rewrite(&kit.dir.join("contracts.xlsx"), &contracts);
        rewrite(&kit.dir.join("payouts.xlsx"), &payouts);
        assert_eq!(sheets(&contracts), sheets(&kit.dir.join("contracts.xlsx")));
        let (status, json) = audit(&kit, "resaved", Some(&contracts), Some(&payouts));
        assert_eq!(status, 1, "{lang}");
        assert_eq!(summary(&json), README_RESULT, "{lang}");
    }
}

/// A part of an .xlsx, as text.
fn part(path: &Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The `<dataValidation>`s of a sheet part: the first column's letter, the type, and the
/// list's words for a list.
fn validations(xml: &str) -> BTreeMap<String, Validation> {
    let mut found = BTreeMap::new();
    for chunk in xml.split("<dataValidation ").skip(1) {
        let attribute = |name: &str| {
            chunk
                .split(&format!("{name}=\""))
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or("")
                .to_string()
        };
        let column: String = attribute("sqref")
            .chars()
            .take_while(char::is_ascii_uppercase)
            .collect();
        let words = chunk
            .split("<formula1>")
            .nth(1)
            .and_then(|rest| rest.split("</formula1>").next())
            .filter(|formula| formula.starts_with("&quot;") || formula.starts_with('"'))
            .map(|formula| {
                formula
                    .replace("&quot;", "\"")
                    .trim_matches('"')
                    .split(',')
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        found.insert(column, (attribute("type"), words));
    }
    found
}

fn letter(index: usize) -> String {
    assert!(index < 26);
    char::from(b'A' + index as u8).to_string()
}

/// A validation: its type and, for a list, its words.
type Validation = (String, Vec<String>);

/// A data sheet of a kit workbook: its name, headers and the validation per header.
type DataSheet = (String, Vec<String>, BTreeMap<String, Validation>);

/// Per data sheet of a kit workbook: its name, headers and the validation per header.
fn dropdowns(path: &Path, first_sheet: usize) -> Vec<DataSheet> {
    sheets(path)
        .into_iter()
        .enumerate()
        .skip(first_sheet)
        .map(|(index, (name, rows))| {
            let headers: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
            let xml = part(path, &format!("xl/worksheets/sheet{}.xml", index + 1));
            let by_letter = validations(&xml);
            let by_header = headers
                .iter()
                .enumerate()
                .filter_map(|(i, header)| {
                    by_letter
                        .get(&letter(i))
                        .map(|v| (header.clone(), v.clone()))
                })
                .collect();
            (name, headers, by_header)
        })
        .collect()
}

#[test]
fn the_workbooks_carry_dropdowns_every_word_of_which_the_audit_reads() {
    for lang in ["en", "zh"] {
        let kit = init(lang);
        let book = dropdowns(&kit.dir.join("contracts.xlsx"), 1);
        let ledger = dropdowns(&kit.dir.join("payouts.xlsx"), 0);
        let header = |en: &str, zh: &str| {
            if lang == "en" {
                en.to_string()
            } else {
                zh.to_string()
            }
        };
        let lists = |sheet: &DataSheet, names: &[(&str, &str)]| {
            for (en, zh) in names {
                let (kind, words) = sheet
                    .2
                    .get(&header(en, zh))
                    .unwrap_or_else(|| panic!("{lang}: no validation on {en}"));
                assert_eq!(kind, "list", "{lang}: {en}");
                assert!(!words.is_empty(), "{lang}: {en}");
            }
        };
        lists(
            &book[0],
            &[
                ("provider", "云厂商"),
                ("ruleset", "规则集"),
                ("currency", "币种"),
                ("base", "返点基数"),
                ("tier_basis", "阶梯口径"),
                ("tier_mode", "阶梯方式"),
                ("settlement", "结算周期"),
                ("invoice", "发票要求"),
                ("payout_kind", "返点方式"),
            ],
        );
        lists(&book[3], &[("trigger", "触发条件")]);
        lists(
            &ledger[0],
            &[
                ("currency", "币种"),
                ("kind", "方式"),
                ("invoice_type", "发票类型"),
            ],
        );
        for (en, zh, kind) in [
            ("start", "开始日期", "date"),
            ("cap", "封顶", "decimal"),
            ("due_days", "付款期限", "whole"),
            ("tax_rate", "税率", "decimal"),
        ] {
            assert_eq!(book[0].2[&header(en, zh)].0, kind, "{lang}: {en}");
        }
        assert_eq!(ledger[0].2[&header("paid_on", "到账日期")].0, "date");
        assert_eq!(ledger[0].2[&header("amount", "金额")].0, "decimal");
        let styles = part(&kit.dir.join("contracts.xlsx"), "xl/styles.xml");
        for format in ["yyyy-mm-dd", "0.00%", "#,##0.00"] {
            assert!(
                styles.contains(&format!("formatCode=\"{format}\"")),
                "{lang}: {format}"
            );
        }

        // Every dropdown word, in a workbook of as many contracts as the longest list has
        // words: contract k takes word k (modulo) of every list. The audit reads them all.
        let contracts_sheet = &book[0];
        let example: Vec<String> = sheets(&kit.dir.join("contracts.xlsx"))[1].1[1]
            .iter()
            .map(|cell| match cell {
                Data::DateTime(date) => (chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()
                    + chrono::Days::new(date.as_f64() as u64))
                .to_string(),
                other => other.to_string(),
            })
            .collect();
        let all_lists = book
            .iter()
            .chain(&ledger)
            .flat_map(|sheet| sheet.2.values())
            .filter(|(kind, _)| kind == "list");
        let count = all_lists.map(|(_, words)| words.len()).max().unwrap();
        let pick = |sheet: &DataSheet, column: &str, k: usize| {
            sheet
                .2
                .get(column)
                .filter(|(kind, _)| kind == "list")
                .map(|(_, words)| words[k % words.len()].clone())
        };
        let id = |k: usize| format!("WORDS-{k}");
        let mut contract_rows = Vec::new();
        let mut tier_rows = Vec::new();
        let mut schedule_rows = Vec::new();
        let mut payout_rows = Vec::new();
        for k in 0..count {
            let row: Vec<String> = contracts_sheet
                .1
                .iter()
                .enumerate()
                .map(|(i, column)| {
                    if i == 0 {
                        id(k)
                    } else if *column == header("accounts", "账号") {
                        format!("77{k}")
                    } else {
                        pick(contracts_sheet, column, k).unwrap_or_else(|| example[i].clone())
                    }
                })
                .collect();
            contract_rows.push(row);
            tier_rows.push(vec![id(k), "0".into(), String::new(), "2%".into()]);
            let trigger = pick(&book[3], &book[3].1[2], k).unwrap();
            schedule_rows.push(vec![id(k), "1".into(), trigger.clone(), "50%".into()]);
            schedule_rows.push(vec![id(k), "2".into(), trigger, "rest".into()]);
            let payout: Vec<String> = ledger[0]
                .1
                .iter()
                .enumerate()
                .map(|(i, column)| match i {
                    0 => format!("P-{k}"),
                    1 => id(k),
                    2 => "2026-05-06".into(),
                    3 => "10".into(),
                    _ => pick(&ledger[0], column, k).unwrap_or_default(),
                })
                .collect();
            payout_rows.push(payout);
        }
        let mut workbook = rust_xlsxwriter::Workbook::new();
        for (sheet, rows) in [
            (&book[0], &contract_rows),
            (&book[1], &tier_rows),
            (&book[3], &schedule_rows),
        ] {
            let worksheet = workbook.add_worksheet();
            worksheet.set_name(&sheet.0).unwrap();
            for (c, header) in sheet.1.iter().enumerate() {
                worksheet.write_string(0, c as u16, header).unwrap();
            }
            for (r, row) in rows.iter().enumerate() {
                for (c, value) in row.iter().enumerate() {
                    worksheet
                        .write_string(r as u32 + 1, c as u16, value)
                        .unwrap();
                }
            }
        }
        let contracts = kit.dir.join("every-word.xlsx");
        workbook.save(&contracts).unwrap();
        let mut ledger_text = ledger[0].1.join(",") + "\n";
        for row in &payout_rows {
            ledger_text += &(row.join(",") + "\n");
        }
        let payouts = kit.dir.join("every-word.csv");
        std::fs::write(&payouts, ledger_text).unwrap();
        let (status, json) = audit(&kit, "words", Some(&contracts), Some(&payouts));
        assert_ne!(status, 2, "{lang}");
        let unread: Vec<&Value> = json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|finding| finding["type"] == "rejected_row")
            .collect();
        assert!(unread.is_empty(), "{lang}: {unread:#?}");
        // Every contract was read (each has its installments), with every word it holds.
        let expected = json["expected"].to_string();
        for k in 0..count {
            assert!(
                expected.contains(&format!("\"{}\"", id(k))),
                "{lang}: {} not audited",
                id(k)
            );
        }
        assert!(count >= 7, "{lang}: the longest list has {count} words");
    }
}

#[test]
fn the_readme_sheet_has_a_row_for_every_header_of_every_sheet() {
    for lang in ["en", "zh"] {
        let kit = init(lang);
        let book = sheets(&kit.dir.join("contracts.xlsx"));
        let rows: Vec<(String, String)> = book[0]
            .1
            .iter()
            .map(|row| {
                (
                    row[0].to_string(),
                    row.get(1).map(ToString::to_string).unwrap_or_default(),
                )
            })
            .collect();
        let ledger = sheets(&kit.dir.join("payouts.xlsx"));
        let sheets = book[1..]
            .iter()
            .map(|(name, rows)| (name.clone(), rows))
            .chain(
                ledger
                    .iter()
                    .map(|(_, rows)| ("payouts.xlsx".to_string(), rows)),
            );
        let mut headers = 0;
        for (name, cells) in sheets {
            for header in &cells[0] {
                headers += 1;
                let wanted = (name.clone(), header.to_string());
                assert!(
                    rows.contains(&wanted),
                    "{lang}: no README row for {wanted:?}"
                );
            }
        }
        assert_eq!(headers, 24 + 5 + 3 + 4 + 6 + 15);
    }
}
