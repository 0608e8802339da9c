//! Names from inputs never become long or unsafe paths (issue 15): a contract id of 1,000
//! bytes, and one with `/`, `..` and Chinese characters, through the real binary. The run
//! succeeds, the evidence Markdown and the pack are written under capped, safe names, and
//! the reports name each id in full.

use crate::common::*;

#[test]
fn long_and_unsafe_contract_ids_get_capped_safe_file_names() {
    let fixture = Fixture::new();
    let long = format!("L{}", "x".repeat(999));
    let unsafe_id = "../合同/一号";
    let book = Book::default()
        .contract(contract(&long))
        .tier(&long, "0", "", "20%")
        .contract(contract(unsafe_id).set("accounts", "A2"))
        .tier(unsafe_id, "0", "", "20%");
    let contracts = book.write_csv_folder(fixture.dir.path(), "contracts");
    let billing = fixture.write(
        "billing.csv",
        billing_csv(&[
            ("A1", "2025-01", "ECS", "10000.00", "CNY"),
            ("A2", "2025-01", "ECS", "10000.00", "CNY"),
        ]),
    );
    // No payouts: each contract's installment is missing, so each gets a pack.
    let payouts = fixture.write("payouts.csv", simple_payouts(&[]));
    let run = super::limited(
        &fixture,
        &[
            "run".into(),
            "--contracts".into(),
            contracts.into(),
            "--billing".into(),
            billing.into(),
            "--payouts".into(),
            payouts.into(),
            "--as-of".into(),
            "2025-06-30".into(),
            "--evidence".into(),
            "--quiet".into(),
        ],
    );
    assert!(
        matches!(run.status, Some(0 | 1)),
        "status {:?}\n{}",
        run.status,
        run.stderr
    );

    let names = |folder: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(run.out.join(folder))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    let evidence = names("evidence");
    assert_eq!(evidence.len(), 2, "{evidence:?}");
    for name in &evidence {
        assert!(name.len() <= 103, "{name}");
        assert!(!name.contains('/') && !name.starts_with('.'), "{name}");
    }
    assert!(
        evidence.contains(&"_合同_一号.md".to_string()),
        "{evidence:?}"
    );
    let capped = evidence
        .iter()
        .find(|name| name.starts_with('L'))
        .expect("the long id's evidence");
    assert_eq!(capped.len(), 103, "{capped}");
    assert!(
        capped.starts_with(&format!("L{}", "x".repeat(86))),
        "{capped}"
    );

    let packs = names("packs");
    let pack_names: Vec<String> = evidence
        .iter()
        .map(|name| name.trim_end_matches(".md").to_string())
        .collect();
    assert_eq!(packs, pack_names);
    for pack in &packs {
        assert!(run.out.join("packs").join(pack).join("trail.md").is_file());
    }

    // The reports name both ids in full.
    let json = String::from_utf8(run.read("findings.json")).unwrap();
    assert!(json.contains(&long) && json.contains("../合同/一号"));
    let trail = std::fs::read_to_string(run.out.join("evidence").join(capped)).unwrap();
    assert!(trail.contains(&long));
    let summary = String::from_utf8(run.read("summary.md")).unwrap();
    assert!(summary.contains(&long) && summary.contains("合同/一号"));
}
