//! The fuzz targets on stable Rust: every body of `fuzz/src/lib.rs` (the functions the
//! cargo-fuzz targets call) runs over its seed and regression corpus in
//! `tests/fixtures/fuzz/<target>/`, then over a deterministic mutation loop — xorshift with a
//! fixed seed, byte-level mutations and a per-target dictionary, 1,500 inputs per target —
//! so what libFuzzer found once stays fixed, and a smaller search runs on every
//! `cargo test` without nightly.
//!
//! Any panic fails, including one a reader catches and turns into `TableError::Crashed`
//! (a panic hook records every panic on the test's thread); only panics inside
//! dependencies listed in `KNOWN_UPSTREAM_PANICS` (none now), which the reader contains,
//! would be counted instead, each keeping its `upstream-*` regression input. A failing input is shrunk,
//! written under `target/tmp/fuzz-failures/<target>/`, and named in the failure message;
//! once the bug is fixed it goes into the corpus folder. `FUZZ_ITERATIONS=N` runs N mutated
//! inputs per target instead of the default, `FUZZ_SEED=N` starts elsewhere (see
//! docs/FUZZING.md).

#[path = "../../fuzz/src/lib.rs"]
mod bodies;

use bodies::{TARGETS, Target};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Mutated inputs per target when `FUZZ_ITERATIONS` is not set.
const DEFAULT_ITERATIONS: usize = 1_500;
/// A mutation loop stops early past this, so a slow machine still finishes (the count of
/// inputs run is printed).
const TIME_LIMIT: Duration = Duration::from_secs(20);
/// Inputs never grow past this.
const MAX_INPUT: usize = 64 * 1024;

/// What one input did.
#[derive(Default)]
struct Outcome {
    /// Panics inside dependencies listed in `KNOWN_UPSTREAM_PANICS`, contained by the
    /// reader: counted, not failures.
    upstream: Vec<(String, &'static str)>,
}

/// Runs one input; `Err` with every panic when the body panicked anywhere but in a known
/// upstream place.
fn check(target: &Target, input: &[u8]) -> Result<Outcome, String> {
    bodies::install_panic_hook(false);
    let _ = bodies::take_panics();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (target.body)(input)));
    let panics = bodies::take_panics();
    let unknown = panics.iter().any(|panic| panic.known_upstream().is_none());
    if outcome.is_err() || unknown {
        let mut messages: Vec<String> = panics.iter().map(ToString::to_string).collect();
        if messages.is_empty() {
            messages.push("the body failed without a panic message".into());
        }
        return Err(messages.join("\n"));
    }
    Ok(Outcome {
        upstream: panics
            .iter()
            .filter_map(|panic| panic.known_upstream().map(|known| (panic, known)))
            .map(|(panic, known)| {
                let file = panic
                    .file
                    .rsplit_once("/src/")
                    .map_or(&*panic.file, |(_, file)| file);
                // Numbers vary from input to input; the place and the kind do not.
                let mut message = String::new();
                for character in panic.message.lines().next().unwrap_or_default().chars() {
                    if !character.is_ascii_digit() {
                        message.push(character);
                    } else if !message.ends_with('N') {
                        message.push('N');
                    }
                }
                (format!("{file}:{}: {message}", panic.line), known.what)
            })
            .collect(),
    })
}

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    fn below(&mut self, bound: usize) -> usize {
        if bound == 0 {
            0
        } else {
            (self.next() % bound as u64) as usize
        }
    }
}

const INTERESTING_BYTES: &[u8] = &[
    0, 0x7f, 0x80, 0xff, 0xfe, 0xef, b'"', b',', b'\t', b'\n', b'\r', b'-', b'.', b'0', b'9', b'%',
    b'(', b')', b'<', b'>', b'&', b' ', b'e', b'/', b':',
];

/// One mutated input: a corpus entry with one to four byte-level mutations stacked.
fn mutate(rng: &mut Rng, corpus: &[Vec<u8>], dictionary: &[&[u8]]) -> Vec<u8> {
    let mut data = corpus[rng.below(corpus.len())].clone();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(data.len() + 1);
        match rng.below(10) {
            0 if !data.is_empty() => {
                let index = rng.below(data.len());
                data[index] ^= 1 << rng.below(8);
            }
            1 if !data.is_empty() => {
                let index = rng.below(data.len());
                data[index] = INTERESTING_BYTES[rng.below(INTERESTING_BYTES.len())];
            }
            2 | 3 => {
                let token = dictionary[rng.below(dictionary.len())];
                data.splice(at..at, token.iter().copied());
            }
            4 => {
                let end = (at + 1 + rng.below(16)).min(data.len());
                data.drain(at.min(end)..end);
            }
            5 => {
                let end = (at + 1 + rng.below(64)).min(data.len());
                let chunk = data[at.min(end)..end].to_vec();
                let to = rng.below(data.len() + 1);
                data.splice(to..to, chunk);
            }
            6 => {
                let other = &corpus[rng.below(corpus.len())];
                let from = rng.below(other.len() + 1);
                let end = (from + 1 + rng.below(256)).min(other.len());
                data.splice(at..at, other[from..end].iter().copied());
            }
            7 => {
                let digits: Vec<u8> = (0..1 + rng.below(30))
                    .map(|_| b'0' + rng.below(10) as u8)
                    .collect();
                data.splice(at..at, digits);
            }
            8 => data.truncate(at),
            _ => {
                let bytes: Vec<u8> = (0..1 + rng.below(8)).map(|_| rng.next() as u8).collect();
                data.splice(at..at, bytes);
            }
        }
    }
    data.truncate(MAX_INPUT);
    data
}

/// The smallest input found by removing chunks that still fails (at most a few thousand
/// tries), so a regression file shows the bug and little else.
fn shrink(target: &Target, input: &[u8]) -> Vec<u8> {
    let mut best = input.to_vec();
    let mut chunk = (best.len() / 2).max(1);
    let mut tries = 0;
    while tries < 3_000 {
        let mut removed = false;
        let mut at = 0;
        while at < best.len() && tries < 3_000 {
            let end = (at + chunk).min(best.len());
            let mut candidate = best[..at].to_vec();
            candidate.extend_from_slice(&best[end..]);
            tries += 1;
            if check(target, &candidate).is_err() {
                best = candidate;
                removed = true;
            } else {
                at += chunk;
            }
        }
        if !removed {
            if chunk == 1 {
                break;
            }
            chunk /= 2;
        }
    }
    best
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Shrinks a failing input, saves it and fails the test naming it.
fn fail(target: &Target, input: &[u8], origin: &str, message: &str) -> ! {
    let small = shrink(target, input);
    let message = check(target, &small)
        .err()
        .unwrap_or_else(|| message.to_string());
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("fuzz-failures")
        .join(target.name);
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join(format!("crash-{:016x}", fnv1a(&small)));
    std::fs::write(&path, &small).unwrap();
    let original = folder.join(format!("original-{:016x}", fnv1a(input)));
    std::fs::write(&original, input).unwrap();
    let preview: String = String::from_utf8_lossy(&small).chars().take(300).collect();
    panic!(
        "fuzz target `{}` fails on {origin}:\n{message}\nshrunk input ({} bytes): {}\nstarting {preview:?}\noriginal ({} bytes): {}\nonce fixed, add the shrunk input to tests/fixtures/fuzz/{}/",
        target.name,
        small.len(),
        path.display(),
        input.len(),
        original.display(),
        target.name,
    );
}

fn corpus_folder(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(name)
}

/// The corpus of a target, in name order.
fn corpus(name: &str) -> Vec<(String, Vec<u8>)> {
    let folder = corpus_folder(name);
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    entries.sort();
    entries
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect()
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
}

/// The whole loop for one target: its corpus, then mutated inputs.
fn fuzz(name: &str, dictionary: &[&[u8]]) {
    let target = TARGETS
        .iter()
        .find(|target| target.name == name)
        .unwrap_or_else(|| panic!("no target `{name}`"));
    let started = Instant::now();
    let corpus = corpus(name);
    assert!(!corpus.is_empty(), "tests/fixtures/fuzz/{name}/ is empty");
    // Known upstream panics hit, by where, with how many inputs.
    let mut upstream: BTreeMap<String, (usize, &str)> = BTreeMap::new();
    for (file, input) in &corpus {
        if let Err(message) = check(target, input) {
            fail(target, input, &format!("corpus file {file}"), &message);
        }
    }
    let corpus_time = started.elapsed();
    let inputs: Vec<Vec<u8>> = corpus.into_iter().map(|(_, input)| input).collect();
    let iterations = env_number("FUZZ_ITERATIONS").map_or(DEFAULT_ITERATIONS, |n| n as usize);
    let seed = env_number("FUZZ_SEED").unwrap_or(0x5EED) ^ fnv1a(name.as_bytes());
    let time_limit = if env_number("FUZZ_ITERATIONS").is_some() {
        Duration::MAX
    } else {
        TIME_LIMIT
    };
    let mut rng = Rng::new(seed);
    let mut ran = 0;
    for iteration in 0..iterations {
        if started.elapsed() > time_limit {
            break;
        }
        let input = mutate(&mut rng, &inputs, dictionary);
        match check(target, &input) {
            Err(message) => fail(
                target,
                &input,
                &format!("mutation {iteration} (seed {seed:#x})"),
                &message,
            ),
            Ok(outcome) => {
                for (place, what) in outcome.upstream {
                    let (seen, _) = upstream.entry(place.clone()).or_insert((0, what));
                    if *seen == 0 && std::env::var_os("FUZZ_SAVE_UPSTREAM").is_some() {
                        save_upstream(name, &place, &input);
                    }
                    *seen += 1;
                }
            }
        }
        ran += 1;
    }
    eprintln!(
        "{name}: {} corpus files in {corpus_time:.2?}, {ran} mutated inputs, {:.2?} in all",
        inputs.len(),
        started.elapsed()
    );
    for (place, (count, what)) in &upstream {
        eprintln!("  known upstream panic, contained, {count} inputs: {place}\n    ({what})");
    }
}

/// With `FUZZ_SAVE_UPSTREAM=1`: the first input to hit each known upstream panic, kept
/// under `target/tmp/fuzz-upstream/<target>/` to become an `upstream-*` corpus file.
fn save_upstream(name: &str, place: &str, input: &[u8]) {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("fuzz-upstream")
        .join(name);
    std::fs::create_dir_all(&folder).unwrap();
    let label: String = place
        .chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() {
                character
            } else {
                '-'
            }
        })
        .collect();
    std::fs::write(folder.join(label), input).unwrap();
}

// ---------------------------------------------------------------------------------------
// Dictionaries: tokens the mutations insert, per target.
// ---------------------------------------------------------------------------------------

const CSV_TOKENS: &[&[u8]] = &[
    b"\"",
    b"\"\"",
    b",",
    b"\t",
    b"\n",
    b"\r\n",
    b"\r",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xFE\xFF",
    b"\xB2\xE2\xCA\xD4",
    b"\x81\x30\x81\x30",
    b"\xE4\xB8",
    "合计".as_bytes(),
    "¥".as_bytes(),
    "￥".as_bytes(),
    "－".as_bytes(),
    b"(1,234.50)",
    b"-0",
    b"9999999999999999999",
    b"99999999999999999.99",
    b"1e28",
    b"1.5E-3",
    b"2025-03-31",
    b"2025-03-31 13:05:00",
    b"2025-13-01",
    b"2025-03",
    b"0000-00",
    b"account_id,billing_month,product,net_amount,currency\n",
    b"account_id,date,product,order_type,list_amount,discount,voucher,net_amount,currency\n",
    b"A1,2025-03,ECS,1234.50,CNY\n",
    b"CNY",
    b"usd",
    b"NULL",
    b"refund",
    "退款".as_bytes(),
    "总计:".as_bytes(),
];

const SPREADSHEET_TOKENS: &[&[u8]] = &[
    b"\0",
    b"<row r=\"1\">",
    b"</row>",
    b"<c r=\"A1\" t=\"s\"><v>0</v></c>",
    b"<c r=\"B2\"><v>1234.5</v></c>",
    b"<c r=\"C3\" s=\"1\"><v>45747</v></c>",
    b"<c r=\"D4\" t=\"inlineStr\"><is><t>x</t></is></c>",
    b"<c r=\"E5\" t=\"str\"><f>A1</f><v>y</v></c>",
    b"<c r=\"F6\" t=\"b\"><v>1</v></c>",
    b"<c r=\"G7\" t=\"e\"><v>#DIV/0!</v></c>",
    b"<c r=\"H8\" t=\"d\"><v>2025-03-31T00:00:00</v></c>",
    b"<c r=\"XFD1048576\"><v>1</v></c>",
    b"<row r=\"1048576\">",
    b"<row r=\"0\">",
    b"r=\"A0\"",
    b"r=\"A99999999999\"",
    b"r=\"4294967296\"",
    b"r='xfd0001048576'",
    b"<dimension ref=\"B2:A1\">",
    b"<mergeCells><mergeCell ref=\"A1:B2\"/></mergeCells>",
    b"<mergeCell ref=\"A1:XFD1048576\"/>",
    b"<c r=\"B2\"><f>1+1</f></c>",
    b"<calcPr fullCalcOnLoad=\"1\"/>",
    b"s=\"99\"",
    b"t=\"n\"",
    b"<v></v>",
    b"<v/>",
    b"<si><t>hello</t></si>",
    b"<si><r><t>a</t></r><r><t>b</t></r></si>",
    b"<t xml:space=\"preserve\"> x </t>",
    b"_x000D_",
    b"&amp;",
    b"&#0;",
    b"&#x10FFFF;",
    b"uniqueCount=\"4294967295\"",
    b"count=\"2\"",
    b"<dimension ref=\"A1:XFD1048576\"/>",
    b"<sheet name=\"x\" sheetId=\"3\" r:id=\"rId1\"/>",
    b"state=\"hidden\"",
    b"<numFmt numFmtId=\"165\" formatCode=\"0.00%\"/>",
    b"<xf numFmtId=\"22\"/>",
    b"<mergeCell ref=\"A1:B2\"/>",
    b"<![CDATA[",
    b"<?xml version=\"1.0\"?>",
    b"xmlns:x=\"urn:x\"",
];

const RAW_TOKENS: &[&[u8]] = &[
    b"PK\x03\x04",
    b"PK\x01\x02",
    b"PK\x05\x06",
    b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
    b"\xFF\xFF\xFF\xFF",
    b"\x00\x00\x00\x00",
    b"\xFE\xFF\xFF\xFF",
    b"\x09\x08",
    b"\x0A\x00",
    b"mimetype",
    b"content.xml",
    b"xl/worksheets/sheet1.xml",
    b"<table:table-row table:number-rows-repeated=\"1048576\">",
    b"table:number-columns-repeated=\"16384\"",
];

const VALUE_TOKENS: &[&[u8]] = &[
    b"1,234.50",
    b"(1,234.50)",
    "¥".as_bytes(),
    "￥ -".as_bytes(),
    b"US$",
    b"RMB",
    "－".as_bytes(),
    "−".as_bytes(),
    b"9999999999999999999",
    b"79228162514264337593543950335",
    b"0.0000000000000000000000000001",
    b"1e28",
    b"1E+999",
    b"-2.5e-3",
    b"%",
    "％".as_bytes(),
    b"pt",
    "万分之".as_bytes(),
    "千分之十".as_bytes(),
    b"rest",
    "剩余".as_bytes(),
    b"2025-03-31",
    b"2025/3/31",
    b"31/03/2025",
    b"03/31/2025 1:05:00 PM",
    "2025年3月31日".as_bytes(),
    "2025年第1季度".as_bytes(),
    b"2025-Q4",
    b"20250331",
    b"202503",
    b"9999-12-31 23:59:59",
    b"2024-12-31T16:00:00Z",
    b" GMT+08:00",
    b"+14:00",
    b"-12:00",
    b"UTC",
    b"2020-08-23 22:00:00 GMT+08:00-2020-08-23 23:00:00 GMT+08:00",
    " 至 ".as_bytes(),
    b"~",
    b"45747.5",
    b"2958465",
    b"60",
];

const CONTRACT_TOKENS: &[&[u8]] = &[
    b"\n====\n",
    b"contract_id,accounts,start,end,tier_basis,tier_mode,settlement\n",
    b"contract_id,from,to,rate\n",
    b"contract_id,product,coefficient\n",
    b"contract_id,installment,trigger,portion\n",
    b",cap,due_days,grace_days,renewed_on,invoice,tax_rate,late_interest,payout_kind,currency,base,provider,ruleset",
    b"C1,",
    b"C2,",
    b"A1;A2",
    b"2025-01-01",
    b"2025-12-31",
    b"1900-01-01",
    b"9999-12-31",
    b"retroactive",
    b"marginal",
    b"period",
    b"contract_year",
    b"term",
    b"monthly",
    b"quarterly",
    b"annual",
    b"transparent",
    b"settlement",
    b"renewal",
    b"rest",
    b"10pt",
    b"40%",
    b"100%",
    b"0.2",
    "万分之五".as_bytes(),
    b"3650",
    b"-1",
    b"79228162514264337593543950335",
    b"1e-28",
    b"vat_special",
    b"offset",
    b"aliyun",
    "合同编号,账号,开始日期,结束日期,阶梯口径,阶梯方式,结算周期\n".as_bytes(),
];

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[test]
fn csv_reader_survives_its_corpus_and_mutations() {
    fuzz("csv_reader", CSV_TOKENS);
}

#[test]
fn spreadsheet_reader_survives_its_corpus_and_mutations() {
    fuzz("spreadsheet_reader", SPREADSHEET_TOKENS);
}

#[test]
fn spreadsheet_raw_survives_its_corpus_and_mutations() {
    fuzz("spreadsheet_raw", RAW_TOKENS);
}

#[test]
fn value_parsers_survive_their_corpus_and_mutations() {
    fuzz("value_parsers", VALUE_TOKENS);
}

#[test]
fn contract_loader_survives_its_corpus_and_mutations() {
    fuzz("contract_loader", CONTRACT_TOKENS);
}

#[test]
fn every_target_has_a_fuzz_binary_a_corpus_and_a_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("fuzz/Cargo.toml")).unwrap();
    let this = std::fs::read_to_string(root.join("tests/it/fuzz_regressions.rs")).unwrap();
    for target in TARGETS {
        let name = target.name;
        assert!(
            manifest.contains(&format!(
                "name = \"{name}\"\npath = \"fuzz_targets/{name}.rs\""
            )),
            "fuzz/Cargo.toml has no [[bin]] `{name}`"
        );
        let source = std::fs::read_to_string(root.join(format!("fuzz/fuzz_targets/{name}.rs")))
            .unwrap_or_else(|error| panic!("fuzz/fuzz_targets/{name}.rs: {error}"));
        assert!(
            source.contains(&format!("rebate_audit_fuzz::{name}(data)")),
            "fuzz/fuzz_targets/{name}.rs does not call the shared body"
        );
        assert!(
            !corpus(name).is_empty(),
            "tests/fixtures/fuzz/{name}/ is empty"
        );
        assert!(
            this.contains(&format!("fuzz(\"{name}\"")),
            "no test runs the `{name}` loop"
        );
    }
    assert_eq!(
        manifest.matches("[[bin]]").count(),
        TARGETS.len(),
        "every [[bin]] of fuzz/Cargo.toml is in TARGETS"
    );
}

#[test]
fn every_known_upstream_panic_has_a_regression_input_that_still_hits_it() {
    // Overflow panics need overflow checks; a release test build cannot see them.
    if !cfg!(debug_assertions) {
        return;
    }
    let mut hit = std::collections::BTreeSet::new();
    for target in TARGETS {
        for (file, input) in corpus(target.name) {
            if !file.starts_with("upstream-") {
                continue;
            }
            bodies::install_panic_hook(false);
            let _ = bodies::take_panics();
            let _ = std::panic::catch_unwind(|| (target.body)(&input));
            let panics = bodies::take_panics();
            assert!(
                !panics.is_empty(),
                "{}/{file} no longer panics: the upstream bug looks fixed",
                target.name
            );
            for panic in panics {
                let known = panic
                    .known_upstream()
                    .unwrap_or_else(|| panic!("{}/{file}: {panic}", target.name));
                hit.insert(format!("{}{}: {}", known.krate, known.file, known.message));
            }
        }
    }
    for known in bodies::KNOWN_UPSTREAM_PANICS {
        let key = format!("{}{}: {}", known.krate, known.file, known.message);
        assert!(
            hit.contains(&key),
            "no `upstream-*` corpus file hits the known upstream panic {key} ({})",
            known.what
        );
    }
}

/// The inputs that once overflowed calamine 0.38's reading of cell references
/// (`get_row_column` and `get_dimension` in xlsx/mod.rs: a panic with overflow checks, a
/// wrong row in a release build) are refused before calamine reads the sheet, with an
/// error naming the sheet, the part and the reference, in every build and without any
/// panic, contained or not.
#[test]
fn cell_references_calamine_would_overflow_on_are_refused_cleanly() {
    use rebate_audit::ingest::table::{self, TableError, TableVisitor};
    struct Rows(usize);
    impl TableVisitor for Rows {
        fn begin_table(&mut self, _: &rebate_audit::domain::location::Location) {}
        fn row(&mut self, _: usize, _: &[rebate_audit::ingest::cell::Cell]) {
            self.0 += 1;
        }
        fn unreadable_row(&mut self, _: usize, _: String) {
            self.0 += 1;
        }
    }
    let expected = [
        (
            "regression-calamine-cell-overflow-attribute-without-space.bin",
            "<c r=\"A99999999999\">, which is not a cell of a worksheet (expected column letters from A to XFD, then a row number from 1 to 1048576)",
        ),
        (
            "regression-calamine-cell-overflow.bin",
            "<c r=\"A99999999999\">, which is not a cell of a worksheet",
        ),
        (
            "regression-calamine-dimension-backwards.bin",
            "<dimension ref=\"B2:A1\">, which is not a range of a worksheet (expected a cell from A1 to XFD1048576, or two such cells separated by `:`, the first neither below nor right of the last (A1:D20))",
        ),
        (
            "regression-calamine-dimension-overflow.bin",
            "<dimension ref=\"A1:A99999999999\">, which is not a range",
        ),
        (
            "regression-calamine-row-add-overflow.bin",
            "<row r=\"4294967296\">, which is not a row number of a worksheet (expected a row number from 1 to 1048576)",
        ),
        (
            "regression-calamine-row-letters-overflow.bin",
            "<row r=\"uniqueCou.t=\">, which is not a row number",
        ),
        (
            "regression-calamine-row-overflow.bin",
            "<row r=\"7954393784\">, which is not a row number",
        ),
    ];
    let inputs: Vec<(String, Vec<u8>)> = corpus("spreadsheet_reader")
        .into_iter()
        .filter(|(file, _)| file.starts_with("regression-calamine-"))
        .collect();
    assert_eq!(
        inputs
            .iter()
            .map(|(file, _)| file.as_str())
            .collect::<Vec<_>>(),
        expected.iter().map(|(file, _)| *file).collect::<Vec<_>>()
    );
    let folder = tempfile::tempdir().unwrap();
    bodies::install_panic_hook(false);
    for ((file, input), (_, says)) in inputs.iter().zip(expected) {
        let path = folder.path().join("fuzz.xlsx");
        std::fs::write(&path, bodies::xlsx_from_fragments(input)).unwrap();
        let _ = bodies::take_panics();
        let mut rows = Rows(0);
        let result = table::read_file(
            &path,
            "fuzz.xlsx".into(),
            &mut rows,
            &table::Limits::DEFAULT,
        );
        let panics = bodies::take_panics();
        assert!(panics.is_empty(), "{file}: {panics:?}");
        match result {
            Err(error @ TableError::Workbook { .. }) => {
                let text = error.to_string();
                assert!(
                    text.starts_with("fuzz.xlsx:bill: cannot read the workbook: its part `xl/worksheets/sheet1.xml` has ")
                        && text.contains(says)
                        && text.ends_with(": the file is corrupt; save it again from Excel"),
                    "{file}: {text}"
                );
            }
            other => panic!("{file}: {other:?}"),
        }
        // Refused before calamine reads a row.
        assert_eq!(rows.0, 0, "{file}");
    }
}

/// Inputs that took the whole process down (an allocation of 16 GiB aborts it, which no
/// `catch_unwind` contains): those still open, in `tests/fixtures/fuzz-open/`, and the
/// `.xls` regression inputs of `spreadsheet_raw`, which include the fixed ones (the
/// sparse sheet calamine built as a 16 GiB grid is refused before calamine opens it,
/// src/ingest/table/xls.rs). Each is read by the binary's `inspect` in a child process
/// limited to 1 GB of address space, and must end with an exit status of the contract
/// (0, 1 or 2), never an abort.
#[test]
fn open_fuzz_findings_no_longer_abort_the_reader() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut inputs: Vec<PathBuf> = Vec::new();
    for (folder, prefix) in [("fuzz-open", ""), ("fuzz/spreadsheet_raw", "regression-")] {
        for entry in std::fs::read_dir(root.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with(prefix) && !name.ends_with(".md") {
                inputs.push(path);
            }
        }
    }
    inputs.sort();
    assert!(
        inputs
            .iter()
            .any(|path| path.ends_with("regression-xls-sparse-16gib.xls")),
        "{inputs:?}"
    );
    let mut failures = Vec::new();
    for path in &inputs {
        let output = std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -v 1000000; exec \"$0\" inspect \"$1\"")
            .arg(env!("CARGO_BIN_EXE_rebate-audit"))
            .arg(path)
            .output()
            .expect("sh runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !matches!(output.status.code(), Some(0..=2)) || stderr.contains("memory allocation") {
            failures.push(format!(
                "{}: {:?}, {}",
                path.display(),
                output.status,
                stderr.lines().next().unwrap_or_default()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
