//! Helpers shared by the integration test crates (`mod common;`): fixture sheets and
//! workbooks, billing and payout CSVs, a temporary folder per test, and one run of the
//! real binary. Not every crate uses every helper, hence the `dead_code` allowance.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

// ---------------------------------------------------------------------------------------
// Fixture helpers
// ---------------------------------------------------------------------------------------

/// A cell of a fixture sheet: how it is written into a CSV or an XLSX workbook.
#[derive(Debug, Clone)]
pub enum Val {
    /// Text (a string cell in XLSX).
    Text(String),
    /// A number cell in XLSX; its shortest text in CSV.
    Num(f64),
    /// A real date cell (date-formatted) in XLSX; ISO text in CSV.
    Date(u16, u8, u8),
}

impl From<&str> for Val {
    fn from(text: &str) -> Self {
        Val::Text(text.to_string())
    }
}

impl From<String> for Val {
    fn from(text: String) -> Self {
        Val::Text(text)
    }
}

impl From<f64> for Val {
    fn from(number: f64) -> Self {
        Val::Num(number)
    }
}

impl Val {
    pub fn csv_text(&self) -> String {
        match self {
            Val::Text(text) => text.clone(),
            Val::Num(number) => format!("{number}"),
            Val::Date(year, month, day) => format!("{year:04}-{month:02}-{day:02}"),
        }
    }
}

/// The repository's root: the demo, the SQL and the shipped rulesets are read from there.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Quotes one CSV field when it needs it.
pub fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// CSV text from a header and rows of fields (LF line ends, every field quoted as needed).
pub fn csv_text(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut text = String::new();
    let line = |fields: Vec<String>| {
        fields
            .iter()
            .map(|field| csv_field(field))
            .collect::<Vec<_>>()
            .join(",")
            + "\n"
    };
    text.push_str(&line(header.iter().map(|name| name.to_string()).collect()));
    for row in rows {
        text.push_str(&line(row.clone()));
    }
    text
}

/// One sheet of the contract workbook: a header row and data rows.
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Val>>,
}

/// One `contracts` row: column → value, in column order.
#[derive(Debug, Clone)]
pub struct ContractRow(pub Vec<(String, Val)>);

/// Contract `id` with the standard terms (see the module comment); change any column
/// with [`ContractRow::set`].
pub fn contract(id: &str) -> ContractRow {
    ContractRow(
        [
            ("contract_id", id),
            ("customer", "Acme Ltd"),
            ("agent", "Agent Co"),
            ("agent_tax_id", "91110000TAXID0001X"),
            ("accounts", "A1"),
            ("start", "2025-01-01"),
            ("end", "2025-01-31"),
            ("currency", "CNY"),
            ("base", "net"),
            ("tier_basis", "period"),
            ("tier_mode", "retroactive"),
            ("settlement", "monthly"),
            ("due_days", "30"),
            ("grace_days", "0"),
            ("invoice", "none"),
            ("late_interest", "0.05%"),
            ("payout_kind", "cash"),
        ]
        .into_iter()
        .map(|(column, value)| (column.to_string(), Val::from(value)))
        .collect(),
    )
}

/// Contract `id` on `accounts`, settled quarterly over 2024 (the generated sets' shape).
pub fn quarterly_2024(id: &str, accounts: impl Into<Val>) -> ContractRow {
    contract(id)
        .set("accounts", accounts)
        .set("start", "2024-01-01")
        .set("end", "2024-12-31")
        .set("settlement", "quarterly")
}

/// When the generated sets pay each quarter of 2024, in order.
pub const QUARTERLY_2024_PAID_ON: [&str; 4] =
    ["2024-04-20", "2024-07-20", "2024-10-20", "2025-01-20"];

impl ContractRow {
    pub fn set(mut self, column: &str, value: impl Into<Val>) -> Self {
        let value = value.into();
        match self.0.iter_mut().find(|(name, _)| name == column) {
            Some(entry) => entry.1 = value,
            None => self.0.push((column.to_string(), value)),
        }
        self
    }
}

/// The contract workbook: sheets `contracts`, `tiers`, and optionally `products` and
/// `schedule`. Written either as one `.xlsx` or as a folder of CSVs.
#[derive(Debug, Clone, Default)]
pub struct Book {
    pub contracts: Vec<ContractRow>,
    pub tiers: Vec<Vec<Val>>,
    pub products: Vec<Vec<Val>>,
    pub schedule: Vec<Vec<Val>>,
    /// Header renames (English column → header text actually written).
    pub headers: Vec<(String, String)>,
}

impl Book {
    /// The standard book: contract C1 with one tier `[0, ∞) 20%`.
    pub fn standard() -> Book {
        Book::default()
            .contract(contract("C1"))
            .tier("C1", "0", "", "20%")
    }

    pub fn contract(mut self, row: ContractRow) -> Self {
        self.contracts.push(row);
        self
    }

    pub fn tier(
        mut self,
        id: &str,
        from: impl Into<Val>,
        to: impl Into<Val>,
        rate: impl Into<Val>,
    ) -> Self {
        self.tiers
            .push(vec![id.into(), from.into(), to.into(), rate.into()]);
        self
    }

    /// A `products` row: `coefficient` for `product` under contract `id`.
    pub fn product(mut self, id: &str, product: &str, coefficient: impl Into<Val>) -> Self {
        self.products
            .push(vec![id.into(), product.into(), coefficient.into()]);
        self
    }

    pub fn schedule(
        mut self,
        id: &str,
        installment: impl Into<Val>,
        trigger: &str,
        portion: &str,
    ) -> Self {
        self.schedule.push(vec![
            id.into(),
            installment.into(),
            trigger.into(),
            portion.into(),
        ]);
        self
    }

    /// Writes `header` instead of the English column name `column`.
    pub fn rename(mut self, column: &str, header: &str) -> Self {
        self.headers.push((column.to_string(), header.to_string()));
        self
    }

    pub fn header(&self, column: &str) -> String {
        self.headers
            .iter()
            .find(|(name, _)| name == column)
            .map_or_else(|| column.to_string(), |(_, header)| header.clone())
    }

    pub fn sheets(&self) -> Vec<(&'static str, Sheet)> {
        let mut columns: Vec<String> = Vec::new();
        for row in &self.contracts {
            for (column, _) in &row.0 {
                if !columns.contains(column) {
                    columns.push(column.clone());
                }
            }
        }
        let contracts = Sheet {
            header: columns.iter().map(|column| self.header(column)).collect(),
            rows: self
                .contracts
                .iter()
                .map(|row| {
                    columns
                        .iter()
                        .map(|column| {
                            row.0
                                .iter()
                                .find(|(name, _)| name == column)
                                .map_or(Val::from(""), |(_, value)| value.clone())
                        })
                        .collect()
                })
                .collect(),
        };
        let sheet = |names: &[&str], rows: &Vec<Vec<Val>>| Sheet {
            header: names.iter().map(|name| self.header(name)).collect(),
            rows: rows.clone(),
        };
        let mut sheets = vec![
            ("contracts", contracts),
            (
                "tiers",
                sheet(&["contract_id", "from", "to", "rate"], &self.tiers),
            ),
        ];
        if !self.products.is_empty() {
            sheets.push((
                "products",
                sheet(&["contract_id", "product", "coefficient"], &self.products),
            ));
        }
        if !self.schedule.is_empty() {
            sheets.push((
                "schedule",
                sheet(
                    &["contract_id", "installment", "trigger", "portion"],
                    &self.schedule,
                ),
            ));
        }
        sheets
    }

    /// Writes the book as `<dir>/<name>/contracts.csv`, `tiers.csv`, …; returns the folder.
    pub fn write_csv_folder(&self, dir: &Path, name: &str) -> PathBuf {
        let folder = dir.join(name);
        std::fs::create_dir_all(&folder).unwrap();
        for (sheet_name, sheet) in self.sheets() {
            let header: Vec<&str> = sheet.header.iter().map(String::as_str).collect();
            let rows: Vec<Vec<String>> = sheet
                .rows
                .iter()
                .map(|row| row.iter().map(Val::csv_text).collect())
                .collect();
            std::fs::write(
                folder.join(format!("{sheet_name}.csv")),
                csv_text(&header, &rows),
            )
            .unwrap();
        }
        folder
    }

    /// Writes the book as one workbook `<dir>/<name>` with rust_xlsxwriter.
    pub fn write_xlsx(&self, dir: &Path, name: &str) -> PathBuf {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let path = dir.join(name);
        let mut workbook = Workbook::new();
        let date_format = Format::new().set_num_format("yyyy-mm-dd");
        for (sheet_name, sheet) in self.sheets() {
            let worksheet = workbook.add_worksheet();
            worksheet.set_name(sheet_name).unwrap();
            for (column, header) in sheet.header.iter().enumerate() {
                worksheet.write_string(0, column as u16, header).unwrap();
            }
            for (index, row) in sheet.rows.iter().enumerate() {
                let row_number = index as u32 + 1;
                for (column, value) in row.iter().enumerate() {
                    let column = column as u16;
                    match value {
                        Val::Text(text) if text.is_empty() => {}
                        Val::Text(text) => {
                            worksheet.write_string(row_number, column, text).unwrap();
                        }
                        Val::Num(number) => {
                            worksheet.write_number(row_number, column, *number).unwrap();
                        }
                        Val::Date(year, month, day) => {
                            let date = ExcelDateTime::from_ymd(*year, *month, *day).unwrap();
                            worksheet
                                .write_datetime_with_format(row_number, column, &date, &date_format)
                                .unwrap();
                        }
                    }
                }
            }
        }
        workbook.save(&path).unwrap();
        path
    }
}

/// A generic-template billing CSV: `account_id, billing_month, product, net_amount,
/// currency`, one tuple per line.
pub fn billing_csv(lines: &[(&str, &str, &str, &str, &str)]) -> String {
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|(account, month, product, net, currency)| {
            [account, month, product, net, currency]
                .iter()
                .map(|field| field.to_string())
                .collect()
        })
        .collect();
    csv_text(
        &[
            "account_id",
            "billing_month",
            "product",
            "net_amount",
            "currency",
        ],
        &rows,
    )
}

/// [`billing_csv`] of lines held as owned strings (generated sets).
pub fn owned_billing_csv(lines: &[(String, String, String, String, String)]) -> String {
    let borrowed: Vec<(&str, &str, &str, &str, &str)> = lines
        .iter()
        .map(|(a, m, p, n, c)| (a.as_str(), m.as_str(), p.as_str(), n.as_str(), c.as_str()))
        .collect();
    billing_csv(&borrowed)
}

/// A small deterministic random source (SplitMix64), so a generated set is the same
/// every run.
pub struct Random(pub u64);

impl Random {
    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

/// The standard bill's one line: account A1 spends 10,000.00 CNY on ECS in January 2025.
pub const STANDARD_BILL: (&str, &str, &str, &str, &str) =
    ("A1", "2025-01", "ECS", "10000.00", "CNY");

/// The standard bill (see [`STANDARD_BILL`]) as a billing CSV.
pub fn standard_billing() -> String {
    billing_csv(&[STANDARD_BILL])
}

/// A payout ledger CSV with the given header and rows.
pub fn payouts_csv(header: &[&str], rows: &[&[&str]]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|field| field.to_string()).collect())
        .collect();
    csv_text(header, &rows)
}

/// `payout_id, contract_id, paid_on, amount`, one payout per tuple.
pub fn simple_payouts(rows: &[(&str, &str, &str, &str)]) -> String {
    let rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|(id, contract, paid_on, amount)| vec![*id, *contract, *paid_on, *amount])
        .collect();
    let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    payouts_csv(&["payout_id", "contract_id", "paid_on", "amount"], &rows)
}

/// A temporary folder for one test's inputs and outputs.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

/// What one run of the binary did.
pub struct Run {
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub out: PathBuf,
}

impl Default for Fixture {
    fn default() -> Self {
        Fixture::new()
    }
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Runs `rebate-audit <args>` with `--out <tmp>/<out>` appended.
    pub fn run_into(&self, out: &str, args: &[&dyn AsRef<std::ffi::OsStr>]) -> Run {
        self.run_into_with(out, &[], args)
    }

    /// [`Fixture::run_into`] with extra environment variables.
    pub fn run_into_with(
        &self,
        out: &str,
        environment: &[(&str, &str)],
        args: &[&dyn AsRef<std::ffi::OsStr>],
    ) -> Run {
        let out = self.path(out);
        let output = Command::new(env!("CARGO_BIN_EXE_rebate-audit"))
            .args(args.iter().map(|arg| arg.as_ref()))
            .arg("--out")
            .arg(&out)
            .env_remove("REBATE_AUDIT_LOG")
            .env_remove("REBATE_AUDIT_PART_BYTES")
            .envs(environment.iter().copied())
            .output()
            .expect("the binary runs");
        let run = Run {
            status: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            out,
        };
        assert!(
            !run.stderr.contains("panicked"),
            "the binary panicked:\n{}",
            run.stderr
        );
        assert_ne!(
            run.status,
            Some(101),
            "panic exit status; stderr:\n{}",
            run.stderr
        );
        run
    }

    pub fn run(&self, args: &[&dyn AsRef<std::ffi::OsStr>]) -> Run {
        self.run_into("out", args)
    }

    /// The usual audit: contracts, one billing file, one payout file, `--as-of`, extras.
    pub fn audit(
        &self,
        contracts: &Path,
        billing: &Path,
        payouts: &Path,
        as_of: &str,
        extra: &[&str],
    ) -> Run {
        let extra: Vec<&dyn AsRef<std::ffi::OsStr>> = extra
            .iter()
            .map(|arg| arg as &dyn AsRef<std::ffi::OsStr>)
            .collect();
        self.audit_into("out", &contracts, &billing, &payouts, as_of, &extra)
    }

    /// `rebate-audit run --contracts … --billing … --payouts … --as-of … <extra>` into
    /// `<tmp>/<out>`: the usual audit when the output folder, a path among the extras or
    /// an input that is not a `Path` (a sample, a folder name) matters.
    pub fn audit_into(
        &self,
        out: &str,
        contracts: &dyn AsRef<std::ffi::OsStr>,
        billing: &dyn AsRef<std::ffi::OsStr>,
        payouts: &dyn AsRef<std::ffi::OsStr>,
        as_of: &str,
        extra: &[&dyn AsRef<std::ffi::OsStr>],
    ) -> Run {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
            &"run",
            &"--contracts",
            contracts,
            &"--billing",
            billing,
            &"--payouts",
            payouts,
            &"--as-of",
            &as_of,
        ];
        args.extend_from_slice(extra);
        self.run_into(out, &args)
    }

    /// The standard book (as the CSV folder `contracts`), `billing` as `billing.csv` and
    /// `payouts` as `payouts.csv`: the inputs most tests of one contract start from.
    pub fn standard_inputs(
        &self,
        billing: &[(&str, &str, &str, &str, &str)],
        payouts: &[(&str, &str, &str, &str)],
    ) -> (PathBuf, PathBuf, PathBuf) {
        let contracts = Book::standard().write_csv_folder(self.dir.path(), "contracts");
        let billing = self.write("billing.csv", billing_csv(billing));
        let payouts = self.write("payouts.csv", simple_payouts(payouts));
        (contracts, billing, payouts)
    }

    /// The standard book (as a CSV folder), the standard bill, and `payouts` as the ledger.
    pub fn standard_audit(&self, payouts: &str, as_of: &str, extra: &[&str]) -> Run {
        let contracts = Book::standard().write_csv_folder(self.dir.path(), "contracts");
        let billing = self.write("billing.csv", standard_billing());
        let payouts = self.write("payouts.csv", payouts);
        self.audit(&contracts, &billing, &payouts, as_of, extra)
    }
}

impl Run {
    pub fn json(&self) -> Value {
        let text =
            std::fs::read_to_string(self.out.join("findings.json")).unwrap_or_else(|error| {
                panic!(
                    "no findings.json ({error}); status {:?}\nstdout:\n{}\nstderr:\n{}",
                    self.status, self.stdout, self.stderr
                )
            });
        serde_json::from_str(&text).unwrap()
    }

    pub fn findings(&self) -> Vec<Value> {
        self.json()["findings"].as_array().unwrap().clone()
    }

    pub fn installments(&self) -> Vec<Value> {
        self.json()["expected"].as_array().unwrap().clone()
    }

    pub fn of_type(&self, finding_type: &str) -> Vec<Value> {
        self.findings()
            .into_iter()
            .filter(|finding| finding["type"] == finding_type)
            .collect()
    }

    pub fn types(&self) -> Vec<String> {
        self.findings()
            .iter()
            .map(|finding| finding["type"].as_str().unwrap().to_string())
            .collect()
    }

    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.out.join(name)).unwrap()
    }

    /// Panics with the run's output unless the exit status is `expected`.
    pub fn expect_status(&self, expected: i32) -> &Self {
        assert_eq!(
            self.status,
            Some(expected),
            "stdout:\n{}\nstderr:\n{}\nfindings: {:?}",
            self.stdout,
            self.stderr,
            std::fs::read_to_string(self.out.join("findings.json"))
                .ok()
                .and_then(|text| serde_json::from_str::<Value>(&text).ok())
                .map(|json| json["findings"].clone())
        );
        self
    }
}

/// The one finding of `finding_type`; panics if there is not exactly one.
pub fn only(run: &Run, finding_type: &str) -> Value {
    let found = run.of_type(finding_type);
    assert_eq!(
        found.len(),
        1,
        "expected one `{finding_type}` finding, got {}: {:#?}",
        found.len(),
        run.findings()
    );
    found[0].clone()
}

/// Panics unless `stderr` contains every one of `parts`.
pub fn assert_mentions(stderr: &str, parts: &[&str]) {
    for part in parts {
        assert!(stderr.contains(part), "stderr lacks `{part}`:\n{stderr}");
    }
}

/// The `expected` entry of contract `id` for the period starting `period_start`,
/// installment `number`; panics if there is none.
pub fn installment(run: &Run, id: &str, period_start: &str, number: u64) -> Value {
    run.installments()
        .into_iter()
        .find(|record| {
            record["contract_id"] == id
                && record["period_start"] == period_start
                && record["installment"] == number
        })
        .unwrap_or_else(|| {
            panic!(
                "no installment {number} of {id} for {period_start}: {:#?}",
                run.installments()
            )
        })
}

/// The period record (under findings.json's `periods`) a finding names in
/// `evidence.period`: its computation and source rows, stored once per period.
pub fn period_of<'a>(report: &'a Value, finding: &Value) -> Option<&'a Value> {
    let key = finding["evidence"]["period"].as_str()?;
    let period = report["periods"]
        .as_array()
        .expect("findings.json has periods")
        .iter()
        .find(|period| period["key"] == key);
    assert!(period.is_some(), "period {key} is not in `periods`");
    period
}
