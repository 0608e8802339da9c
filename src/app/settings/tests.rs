use super::*;

fn settings(text: &str) -> Result<Settings, SettingsError> {
    parse(Path::new("/nowhere/audit.toml"), text)
}

fn error(text: &str) -> String {
    settings(text).unwrap_err().to_string()
}

#[test]
fn values_are_read_and_paths_anchored_at_the_file() {
    let read = settings(
        "as_of = \"last-month-end\"\nout = \"out\"\nfail_on = \"error\"\nfail_on_new = true\nbaseline = \"/var/prev/findings.json\"\nlang = \"zh\"\nthreads = 2\nevidence = \"packs\"\nquiet = true\nlog_format = \"json\"\nformat = \"aliyun\"\nbilling = [\"bills\", \"more/*.csv\"]\n",
    )
    .unwrap();
    assert_eq!(read.as_of.as_deref(), Some("last-month-end"));
    assert_eq!(read.out, Some(PathBuf::from("/nowhere/out")));
    assert_eq!(read.fail_on, Some(FailOn::Error));
    assert_eq!(read.fail_on_new, Some(true));
    assert_eq!(
        read.baseline,
        Some(PathBuf::from("/var/prev/findings.json"))
    );
    assert_eq!(read.lang, Some(LangArg::Zh));
    assert_eq!(read.threads, Some(2));
    assert_eq!(
        read.evidence,
        Some(Evidence::On(Some(PathBuf::from("/nowhere/packs"))))
    );
    assert_eq!(read.quiet, Some(true));
    assert_eq!(read.log_format, Some(LogFormat::Json));
    assert_eq!(read.format.as_deref(), Some("aliyun"));
    assert_eq!(read.billing.len(), 2);
    assert_eq!(read.billing[0].path, PathBuf::from("/nowhere/bills"));
    assert_eq!(read.billing[0].pattern, None);
    assert_eq!(
        read.billing[1].pattern.as_deref(),
        Some("/nowhere/more/*.csv")
    );
    assert_eq!(read.billing[1].origin.line, 12);
    assert_eq!(read.billing[1].origin.key, "billing");
}

#[test]
fn a_bare_toml_date_is_an_as_of_date() {
    let read = settings("as_of = 2026-06-30\n").unwrap();
    assert_eq!(read.as_of.as_deref(), Some("2026-06-30"));
}

#[test]
fn an_unknown_key_names_the_file_line_and_key() {
    let message = error("out = \"x\"\nas-of = \"today\"\n");
    assert!(message.contains("/nowhere/audit.toml:2"), "{message}");
    assert!(message.contains("as-of"), "{message}");
    assert!(message.contains("did you mean `as_of`?"), "{message}");
    assert!(message.contains("contracts, billing"), "{message}");
}

#[test]
fn bad_values_say_what_was_expected() {
    let message = error("as_of = \"last-monday\"\n");
    assert!(
        message.contains("as_of: expected a date such as 2026-06-30"),
        "{message}"
    );
    assert!(message.contains("`last-monday`"), "{message}");
    let message = error("threads = 0\n");
    assert!(
        message.contains("threads: expected a whole number"),
        "{message}"
    );
    let message = error("threads = \"two\"\n");
    assert!(message.contains("found the text \"two\""), "{message}");
    let message = error("quiet = \"yes\"\n");
    assert_eq!(
        message,
        "/nowhere/audit.toml:1: quiet: expected `true` or `false`, found the text \"yes\""
    );
    let message = error("fail_on = \"fatal\"\n");
    assert!(
        message.contains("fail_on: expected `info`, `warning` or `error`"),
        "{message}"
    );
    let message = error("evidence = 3\n");
    assert!(
        message.contains("evidence: expected `true`, `false`"),
        "{message}"
    );
    let message = error("billing = []\n");
    assert!(
        message.contains("billing: expected a path or glob"),
        "{message}"
    );
    let message = error("\n\nbilling = [\"a.csv\", 7]\n");
    assert_eq!(
        message,
        "/nowhere/audit.toml:3: billing: expected a path or glob pattern, or a list of them (relative to the configuration file's folder), found `7`"
    );
    let message = error("[billing]\nx = 1\n");
    assert!(message.contains("found a table"), "{message}");
}

#[test]
fn limits_take_sizes_with_units_and_counts_on_top_of_the_defaults() {
    let read = settings(
        "quiet = true\n\n[limits]\nwhole_workbook_size = \"64 MiB\"\nzip_member_size = 1_048_576\nsheet_cells = 1000\nsheet_columns = 16384\nxml_token_size = \"1.5 MB\"\n",
    )
    .unwrap();
    assert_eq!(
        read.limits,
        Some(Limits {
            whole_workbook_bytes: 64 << 20,
            zip_member_bytes: 1 << 20,
            sheet_cells: 1000,
            sheet_columns: 16_384,
            xml_token_bytes: 1_500_000,
            ..Limits::DEFAULT
        })
    );
    assert_eq!(
        settings("[limits]\n").unwrap().limits,
        Some(Limits::DEFAULT)
    );
    assert_eq!(settings("quiet = true\n").unwrap().limits, None);
    let inline = settings("limits = { sheet_cells = 7 }\n").unwrap();
    assert_eq!(inline.limits.unwrap().sheet_cells, 7);
}

#[test]
fn every_limit_key_is_a_field_of_the_limits_table() {
    let mut text = String::from("[limits]\n");
    for key in LIMIT_KEYS {
        text.push_str(&format!("{} = 3\n", key.name));
    }
    let read = settings(&text).unwrap().limits.unwrap();
    assert_eq!(read.sheet_cells, 3);
    assert_eq!(read.whole_workbook_bytes, 3);
    assert_eq!(read.sheet_columns, 3);
    assert_eq!(read.parquet_metadata_bytes, 3);
    assert_eq!(read.parquet_row_group_bytes, 3);
    assert_eq!(read.inflation_ratio, 3);
    assert_eq!(read.inflation_floor_bytes, 3);
}

#[test]
fn a_bad_limit_names_the_file_line_and_key() {
    let message = error("out = \"x\"\n[limits]\nsheet_cells = 5\nmax_columns = 2048\n");
    assert_eq!(
        message,
        "/nowhere/audit.toml:4: limits.max_columns: unknown key (did you mean `limits.sheet_columns`?); expected one of: limits.whole_workbook_size, limits.streamed_workbook_size, limits.workbook_part_size, limits.sheet_part_size, limits.shared_strings_size, limits.xml_token_size, limits.zip_member_size, limits.parquet_metadata_size, limits.parquet_row_group_size, limits.csv_record_size, limits.sheet_cells, limits.sheet_columns, limits.inflation_ratio, limits.inflation_floor_size"
    );
    let message = error("[limits]\nwhole_workbook_bytes = 5\n");
    assert!(
        message.contains("did you mean `limits.whole_workbook_size`?"),
        "{message}"
    );
    let message = error("[limits]\n\nwhole_workbook_size = \"256 megs\"\n");
    assert!(
        message.starts_with("/nowhere/audit.toml:3: limits.whole_workbook_size: expected a size: a whole number of bytes, or a text such as \"256 MiB\""),
        "{message}"
    );
    assert!(message.ends_with("found `256 megs`"), "{message}");
    let message = error("[limits]\nsheet_columns = 20000\n");
    assert!(
        message.contains(
            ":2: limits.sheet_columns: expected a whole number of columns, from 1 to 16384"
        ),
        "{message}"
    );
    let message = error("[limits]\nsheet_cells = \"5\"\n");
    assert!(message.contains("found the text \"5\""), "{message}");
    let message = error("[limits]\nzip_member_size = 0\n");
    assert!(message.contains("at least 1 byte, found `0`"), "{message}");
    let message = error("limits = 5\n");
    assert!(
        message.contains(":1: limits: expected a table of limits"),
        "{message}"
    );
    assert!(message.ends_with("found `5`"), "{message}");
}

#[test]
fn a_syntax_error_names_the_file() {
    let message = error("contracts = \n");
    assert!(
        message.starts_with("/nowhere/audit.toml: expected a TOML file"),
        "{message}"
    );
}

/// The fields serde's derive lists for an unknown key of `T`: the struct's own fields.
fn fields_of<T: serde::de::DeserializeOwned>(text: &str) -> Vec<String> {
    let Err(error) = toml::from_str::<T>(text) else {
        panic!("`{text}` was read")
    };
    let message = error.message().to_string();
    let list = message
        .split("expected one of ")
        .nth(1)
        .unwrap_or_else(|| panic!("{message}"));
    list.split(", ")
        .map(|field| field.trim().trim_matches('`').to_string())
        .collect()
}

#[test]
fn the_key_lists_are_the_fields_the_file_is_read_into() {
    // KEYS is what the starter kit's audit.toml and the did-you-mean hints are built from:
    // it must be every field of the file, and nothing else.
    assert_eq!(fields_of::<super::SettingsFile>("not_a_key = 1\n"), KEYS);
    let limits: Vec<&str> = LIMIT_KEYS.iter().map(|key| key.name).collect();
    assert_eq!(fields_of::<super::LimitsFields>("not_a_key = 1\n"), limits);
}
