//! Many contracts (issue 17): the order of the billing lines changes nothing but the rows
//! a source group points to. The same 20,000 lines of 400 accounts under 200 contracts,
//! once sorted by account (as providers export them) and once shuffled (as a group's
//! merged exports can come), give the same findings, amounts, ids, totals and controls.

use crate::common::*;
use serde_json::Value;

const CONTRACTS: usize = 200;
const LINES: usize = 20_000;

/// 200 contracts of two accounts each, settled quarterly over 2024, half with contract-year
/// tiers, some weighting RDS at 0.5, some paying each period in two installments.
fn book() -> Book {
    let mut book = Book::default();
    for number in 0..CONTRACTS {
        let id = format!("C{number:04}");
        book = book
            .contract(
                quarterly_2024(&id, format!("A{:04},A{:04}", 2 * number, 2 * number + 1))
                    .set(
                        "tier_basis",
                        if number % 2 == 0 {
                            "period"
                        } else {
                            "contract_year"
                        },
                    )
                    .set(
                        "tier_mode",
                        if number % 3 == 0 {
                            "marginal"
                        } else {
                            "retroactive"
                        },
                    ),
            )
            .tier(&id, "0", "5000", "1%")
            .tier(&id, "5000", "", "3%");
        if number % 4 == 1 {
            book = book.product(&id, "RDS", "0.5");
        }
        // Some periods paid in two installments, so a finding's installment is not always
        // its period's first.
        match number % 5 {
            2 => {
                book = book.schedule(&id, "1", "settlement", "40%").schedule(
                    &id,
                    "2",
                    "settlement",
                    "rest",
                );
            }
            3 => {
                book = book
                    .schedule(&id, "1", "settlement", "70%")
                    .schedule(&id, "2", "renewal", "rest");
            }
            _ => {}
        }
    }
    book
}

/// The lines in random order: (account, month, product, net amount, currency). A few
/// belong to no contract and a few are in another currency than their contract's.
fn lines() -> Vec<(String, String, String, String, String)> {
    let mut random = Random(17);
    (0..LINES)
        .map(|_| {
            let account = match random.below(100) {
                0 => "Z0001".to_string(),
                _ => format!("A{:04}", random.below(2 * CONTRACTS as u64)),
            };
            let month = format!("2024-{:02}", 1 + random.below(12));
            let product = ["ECS", "RDS", "OSS", "CDN"][random.below(4) as usize].to_string();
            let cents = random.below(200_000) as i64 - 2_000;
            let net = format!(
                "{}{}.{:02}",
                if cents < 0 { "-" } else { "" },
                cents.abs() / 100,
                cents.abs() % 100
            );
            let currency = if random.below(200) == 0 { "USD" } else { "CNY" };
            (account, month, product, net, currency.to_string())
        })
        .collect()
}

/// One payout of a random amount per contract and quarter.
fn payouts() -> String {
    let mut random = Random(71);
    let mut rows: Vec<Vec<String>> = Vec::new();
    for number in 0..CONTRACTS {
        for (quarter, paid_on) in QUARTERLY_2024_PAID_ON.iter().enumerate() {
            let cents = random.below(1_000_000);
            rows.push(vec![
                format!("P{number:04}-{quarter}"),
                format!("C{number:04}"),
                paid_on.to_string(),
                format!("{}.{:02}", cents / 100, cents % 100),
                format!("2024-Q{}", quarter + 1),
            ]);
        }
    }
    csv_text(
        &["payout_id", "contract_id", "paid_on", "amount", "period"],
        &rows,
    )
}

/// findings.json without what legitimately depends on the order of the lines: the row
/// numbers a source group points to (`row_ranges`) and the input files' digests.
fn comparable(mut json: Value) -> Value {
    fn strip(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.remove("row_ranges");
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    json.as_object_mut().unwrap().remove("inputs");
    strip(&mut json);
    json
}

#[test]
fn shuffled_lines_give_the_findings_sorted_lines_give() {
    let fixture = Fixture::new();
    let contracts = book().write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write("payouts.csv", payouts());
    let shuffled = lines();
    let mut sorted = shuffled.clone();
    sorted.sort();
    // The same file name both times, so every location a report quotes is the same.
    let audit = |out: &str, lines: &[(String, String, String, String, String)]| {
        let billing = fixture.write("billing.csv", owned_billing_csv(lines));
        fixture.audit_into(out, &contracts, &billing, &payouts, "2025-06-30", &[])
    };
    let in_order = audit("sorted", &sorted);
    let at_random = audit("shuffled", &shuffled);
    assert_eq!(in_order.status, Some(1), "{}", in_order.stderr);
    assert_eq!(at_random.status, Some(1), "{}", at_random.stderr);
    // Every contract's trail is written and flushed, though there are far more of them
    // than the queue of written files waiting for a flusher holds (32).
    let trails: Vec<_> = std::fs::read_dir(fixture.path("sorted").join("evidence"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|suffix| suffix == "md"))
        .collect();
    assert_eq!(trails.len(), CONTRACTS);
    assert!(
        trails
            .iter()
            .all(|path| std::fs::metadata(path).unwrap().len() > 0)
    );
    let (in_order, at_random) = (in_order.json(), at_random.json());
    // The set is the one meant: every contract's payouts judged, uncovered spend and
    // currency mismatches among the findings, source groups with rows.
    let findings = in_order["findings"].as_array().unwrap();
    assert!(findings.len() > CONTRACTS, "{} findings", findings.len());
    for kind in ["uncovered_billing", "currency_mismatch"] {
        assert!(
            findings.iter().any(|finding| finding["type"] == kind),
            "no {kind} finding"
        );
    }
    let text = in_order.to_string();
    assert!(text.contains("\"row_ranges\""), "no source rows to compare");
    // Shuffled, the row ranges do differ: the comparison below is not vacuous about them.
    assert_ne!(text, at_random.to_string());
    assert_eq!(comparable(in_order), comparable(at_random));
}

/// Where the "nothing lost" fixture is: one line per finding of the set below, written by
/// the build before findings stopped carrying a copy of their period's computation
/// (issue 17). It is never regenerated: it is what every later build must still say.
const NOTHING_LOST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/many-contracts/findings.tsv"
);

/// A JSON value with every object's fields in name order, so a digest does not depend on
/// the order fields are written (or removed) in.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut names: Vec<&String> = map.keys().collect();
            names.sort();
            Value::Object(
                names
                    .into_iter()
                    .map(|name| (name.clone(), sorted(&map[name])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// A short digest of a JSON value (its compact text, fields in name order), with the run's
/// temporary folder `root` taken out of the file places it quotes.
fn digest(value: &Value, root: &str) -> String {
    use sha2::Digest;
    let text = sorted(value).to_string().replace(root, "");
    let hash = sha2::Sha256::digest(text.as_bytes());
    hash.iter()
        .take(6)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Source rows, `None` when there are none (a period without billing lines).
fn some_rows(rows: &Value) -> Option<&Value> {
    Some(rows).filter(|rows| rows.as_array().is_some_and(|rows| !rows.is_empty()))
}

/// A finding's period computation and source rows, wherever findings.json keeps them:
/// copied into the finding (`evidence.computation`, `evidence.source_rows`, before issue
/// 17) or once per period in `periods`, named by `evidence.period`.
fn trail_of<'a>(json: &'a Value, finding: &'a Value) -> (Option<&'a Value>, Option<&'a Value>) {
    let evidence = &finding["evidence"];
    if let Some(key) = evidence["period"].as_str() {
        let period = json["periods"]
            .as_array()
            .and_then(|periods| periods.iter().find(|period| period["key"] == key))
            .unwrap_or_else(|| panic!("{}: period {key} is not in `periods`", finding["id"]));
        return (
            Some(&period["computation"]),
            some_rows(&period["source_rows"]),
        );
    }
    let computation = Some(&evidence["computation"]).filter(|value| !value.is_null());
    (computation, some_rows(&evidence["source_rows"]))
}

/// One line per finding: its fields as written, digests of its sentence and of the rest of
/// its evidence, the installment's split and digests of its period's computation (without
/// the installment's own fields, which the split gives) and source rows.
fn nothing_lost_lines(json: &Value, root: &str) -> Vec<String> {
    let digest = |value: &Value| digest(value, root);
    let text = |value: &Value| match value {
        Value::Null => "-".to_string(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    let mut lines = vec![
        [
            "id",
            "type",
            "severity",
            "contract",
            "period_start",
            "period_end",
            "installment",
            "payout",
            "reason",
            "expected",
            "paid",
            "difference",
            "due_on",
            "paid_on",
            "days_late",
            "interest",
            "amount",
            "detail#",
            "evidence#",
            "split",
            "computation#",
            "source_rows#",
        ]
        .join("\t"),
    ];
    for finding in json["findings"].as_array().unwrap() {
        let mut fields: Vec<String> = [
            "id",
            "type",
            "severity",
            "contract_id",
            "period_start",
            "period_end",
            "installment",
            "payout_id",
            "reason",
            "expected",
            "paid",
            "difference",
            "due_on",
            "paid_on",
            "days_late",
            "interest",
            "amount",
        ]
        .iter()
        .map(|name| text(&finding[name]))
        .collect();
        fields.push(digest(&finding["detail"]));
        let mut rest = finding["evidence"].clone();
        for shared in ["computation", "source_rows", "period"] {
            rest.as_object_mut().unwrap().shift_remove(shared);
        }
        fields.push(digest(&rest));
        let (computation, rows) = trail_of(json, finding);
        let split = computation
            .and_then(|computation| computation["installments"].as_array())
            .and_then(|splits| {
                splits
                    .iter()
                    .find(|split| split["installment"] == finding["installment"])
            })
            .map_or("-".to_string(), |split| {
                format!(
                    "{} {} {} {}",
                    text(&split["portion"]),
                    text(&split["expected"]),
                    text(&split["due_on"]),
                    text(&split["due_rule"])
                )
            });
        fields.push(split);
        fields.push(computation.map_or("-".to_string(), |computation| {
            let mut period = computation.clone();
            // The one-line formula ends with the installment's share: derived text, every
            // number of which is compared here or in the split.
            for own in [
                "portion",
                "installment_expected",
                "due_rule",
                "installment",
                "formula",
            ] {
                period.as_object_mut().unwrap().shift_remove(own);
            }
            digest(&period)
        }));
        fields.push(rows.map_or("-".to_string(), &digest));
        lines.push(fields.join("\t"));
    }
    lines
}

#[test]
fn the_many_contracts_set_keeps_every_finding_amount_and_trail() {
    // The same 200 contracts, 20,000 lines (in two files, in random account order) and
    // 800 payouts as above.
    let fixture = Fixture::new();
    let contracts = book().write_csv_folder(fixture.dir.path(), "contracts");
    let payouts = fixture.write("payouts.csv", payouts());
    let lines = lines();
    let (first, second) = lines.split_at(LINES / 2);
    let first = fixture.write("billing-1.csv", owned_billing_csv(first));
    let second = fixture.write("billing-2.csv", owned_billing_csv(second));
    let run = fixture.run_into(
        "out",
        &[
            &"run",
            &"--contracts",
            &contracts,
            &"--billing",
            &first,
            &"--billing",
            &second,
            &"--payouts",
            &payouts,
            &"--as-of",
            &"2025-06-30",
        ],
    );
    assert_eq!(run.status, Some(1), "{}", run.stderr);
    // File places are quoted as given, under the temporary folder: taken out, as JSON
    // text quotes them.
    let root = serde_json::to_string(&fixture.dir.path().join("x")).unwrap();
    let root = root.trim_matches('"').trim_end_matches('x');
    let json = run.json();
    let actual = nothing_lost_lines(&json, root);
    // Each period a finding names is written once, and no other.
    let keys: Vec<&str> = json["periods"]
        .as_array()
        .expect("periods")
        .iter()
        .map(|period| period["key"].as_str().unwrap())
        .collect();
    let named: std::collections::BTreeSet<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|finding| finding["evidence"]["period"].as_str())
        .collect();
    assert_eq!(keys.len(), named.len(), "a period written twice");
    assert_eq!(
        keys.iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>(),
        named
    );

    let expected: Vec<String> = std::fs::read_to_string(NOTHING_LOST)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    // Kept for a look when the two differ (never copied over the fixture).
    let written = std::env::temp_dir().join("many-contracts-findings.tsv");
    std::fs::write(&written, actual.join("\n") + "\n").unwrap();
    assert!(actual.len() > CONTRACTS, "{} findings", actual.len() - 1);
    let header: Vec<&str> = expected[0].split('\t').collect();
    for (number, (got, want)) in actual.iter().zip(&expected).enumerate() {
        for ((name, got), want) in header.iter().zip(got.split('\t')).zip(want.split('\t')) {
            assert_eq!(
                got,
                want,
                "finding line {number}, field {name} (this run's lines: {})",
                written.display()
            );
        }
        assert_eq!(got, want, "line {number}");
    }
    assert_eq!(
        actual.len(),
        expected.len(),
        "findings: {}",
        written.display()
    );
}
