//! Loads the contract workbook (SPEC §2.1): sheets `contracts`, `tiers`, `products` and
//! `schedule`, from one workbook or a folder of CSVs named after the sheets.
//!
//! Every problem is collected with its file, sheet, row and column; if there is any, no
//! contract is returned, because no audit may run on a contract it could not read.

use super::cell::Cell;
use super::header::{ColumnMap, ColumnSpec, is_blank, optional, required};
use super::table::{self, TableVisitor};
use super::value::{self, ValueError};
use crate::domain::contract::{
    Base, Bracket, Contract, InstallmentRule, InvoiceKind, PayoutKind, Portion, Settlement,
    TierBasis, TierMode, TierTable, TierTableError, Trigger,
};
use crate::domain::location::Location;
use crate::ruleset::{Rulesets, normalize_header};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// One problem in the contract workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractError {
    /// Where.
    pub location: Location,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl fmt::Display for ContractError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}: {}", self.location, self.message)
    }
}

/// Every problem found; the workbook is unusable while there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ContractErrors(pub Vec<ContractError>);

impl fmt::Display for ContractErrors {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            formatter,
            "the contract workbook cannot be used ({} problem(s)):",
            self.0.len()
        )?;
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(formatter)?;
            }
            write!(formatter, "  {error}")?;
        }
        Ok(())
    }
}

/// A contract workbook file that was read, for the report's inputs list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractFile {
    /// The path as shown.
    pub path: String,
    /// SHA-256.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Data rows read (all sheets).
    pub rows: u64,
}

/// The loaded contracts, sorted by id, and the files they came from.
#[derive(Debug, Clone)]
pub struct ContractBook {
    /// Contracts, sorted by id.
    pub contracts: Vec<Contract>,
    /// Files read.
    pub files: Vec<ContractFile>,
}

/// The four sheets, by their names and aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum SheetKind {
    Contracts,
    Tiers,
    Products,
    Schedule,
}

impl SheetKind {
    fn recognise(name: &str) -> Option<SheetKind> {
        let name = normalize_header(name);
        match name.as_str() {
            "contracts" | "contract" | "合同" | "合同清单" => Some(SheetKind::Contracts),
            "tiers" | "tier" | "阶梯" | "返点阶梯" => Some(SheetKind::Tiers),
            "products" | "product" | "产品系数" | "产品" => Some(SheetKind::Products),
            "schedule" | "分期" | "付款计划" => Some(SheetKind::Schedule),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            SheetKind::Contracts => "contracts",
            SheetKind::Tiers => "tiers",
            SheetKind::Products => "products",
            SheetKind::Schedule => "schedule",
        }
    }
}

/// A row number and its cells.
type SheetRow = (usize, Vec<Cell>);

/// One sheet's rows, kept whole: contract workbooks are small.
struct Sheet {
    location: Location,
    rows: Vec<SheetRow>,
}

#[derive(Default)]
struct CollectSheets {
    sheets: Vec<(Option<SheetKind>, Sheet)>,
    errors: Vec<ContractError>,
    /// For CSV folders: the sheet kind the file name gave.
    forced_kind: Option<SheetKind>,
}

impl TableVisitor for CollectSheets {
    fn begin_table(&mut self, table: &Location) {
        let kind = self
            .forced_kind
            .or_else(|| table.sheet.as_deref().and_then(SheetKind::recognise));
        self.sheets.push((
            kind,
            Sheet {
                location: table.clone(),
                rows: Vec::new(),
            },
        ));
    }

    fn row(&mut self, number: usize, cells: &[Cell]) {
        if let Some((_, sheet)) = self.sheets.last_mut()
            && !is_blank(cells)
        {
            sheet.rows.push((number, cells.to_vec()));
        }
    }

    fn unreadable_row(&mut self, number: usize, why: String) {
        let location = self.sheets.last().map_or_else(
            || Location::file(Arc::from("?")),
            |(_, sheet)| sheet.location.at_row(number),
        );
        self.errors.push(ContractError {
            location,
            message: why,
        });
    }
}

/// Loads and validates the contract workbook (or folder of CSVs).
///
/// # Errors
/// Every problem found, each with its location.
pub fn load(path: &Path, rulesets: &Rulesets) -> Result<ContractBook, ContractErrors> {
    let mut collect = CollectSheets::default();
    let mut files = Vec::new();
    let shown = path.display().to_string();
    let fail = |message: String| {
        ContractErrors(vec![ContractError {
            location: Location::file(Arc::from(shown.as_str())),
            message,
        }])
    };
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .map_err(|error| fail(format!("cannot read the folder: {error}")))?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|entry| {
                entry
                    .extension()
                    .is_some_and(|extension| extension.eq_ignore_ascii_case("csv"))
            })
            .collect();
        entries.sort();
        for entry in entries {
            let stem = entry
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Some(kind) = SheetKind::recognise(&stem) else {
                continue;
            };
            collect.forced_kind = Some(kind);
            let shown = entry.display().to_string();
            let digest = table::read_file(&entry, Arc::from(shown.as_str()), &mut collect)
                .map_err(|error| fail(error.to_string()))?;
            let rows = collect
                .sheets
                .last()
                .map_or(0, |(_, sheet)| sheet.rows.len().saturating_sub(1));
            files.push(ContractFile {
                path: shown,
                sha256: digest.sha256,
                bytes: digest.bytes,
                rows: rows as u64,
            });
        }
    } else {
        let digest = table::read_file(path, Arc::from(shown.as_str()), &mut collect)
            .map_err(|error| fail(error.to_string()))?;
        let rows: usize = collect
            .sheets
            .iter()
            .map(|(_, sheet)| sheet.rows.len().saturating_sub(1))
            .sum();
        // A hidden contract sheet would be audited unseen, or ignored: ask for it visible.
        for hidden in &digest.hidden_sheets {
            if let Some(kind) = SheetKind::recognise(hidden) {
                collect.errors.push(ContractError {
                    location: Location::sheet(Arc::from(shown.as_str()), Some(Arc::from(hidden.as_str()))),
                    message: format!(
                        "the `{}` sheet is hidden; unhide it so the contracts audited are the ones a reader sees",
                        kind.name()
                    ),
                });
            }
        }
        files.push(ContractFile {
            path: shown.clone(),
            sha256: digest.sha256,
            bytes: digest.bytes,
            rows: rows as u64,
        });
    }
    let mut errors = std::mem::take(&mut collect.errors);
    let mut by_kind: BTreeMap<SheetKind, Sheet> = BTreeMap::new();
    for (kind, sheet) in collect.sheets {
        if let Some(kind) = kind {
            if by_kind.contains_key(&kind) {
                errors.push(ContractError {
                    location: sheet.location.clone(),
                    message: format!("a second `{}` sheet; keep one", kind.name()),
                });
                continue;
            }
            by_kind.insert(kind, sheet);
        }
    }
    let mut builder = Builder { rulesets, errors };
    let contracts = builder.build(path, &shown, &by_kind);
    if builder.errors.is_empty() {
        Ok(ContractBook { contracts, files })
    } else {
        Err(ContractErrors(builder.errors))
    }
}

const CONTRACT_COLUMNS: [ColumnSpec; 22] = [
    required("contract_id", &["合同编号"]),
    optional("customer", &["客户"]),
    optional("agent", &["代理商"]),
    optional("agent_tax_id", &["代理商税号"]),
    optional("provider", &["云厂商"]),
    optional("ruleset", &["规则集"]),
    required("accounts", &["账号"]),
    required("start", &["开始日期"]),
    required("end", &["结束日期"]),
    optional("currency", &["币种"]),
    optional("base", &["返点基数"]),
    required("tier_basis", &["阶梯口径"]),
    required("tier_mode", &["阶梯方式"]),
    optional("cap", &["封顶"]),
    required("settlement", &["结算周期"]),
    optional("due_days", &["付款期限"]),
    optional("grace_days", &["宽限天数"]),
    optional("renewed_on", &["续约日期"]),
    optional("invoice", &["发票要求"]),
    optional("tax_rate", &["税率"]),
    optional("late_interest", &["逾期利率"]),
    optional("payout_kind", &["返点方式"]),
];

mod column {
    pub const CONTRACT_ID: usize = 0;
    pub const CUSTOMER: usize = 1;
    pub const AGENT: usize = 2;
    pub const AGENT_TAX_ID: usize = 3;
    pub const PROVIDER: usize = 4;
    pub const RULESET: usize = 5;
    pub const ACCOUNTS: usize = 6;
    pub const START: usize = 7;
    pub const END: usize = 8;
    pub const CURRENCY: usize = 9;
    pub const BASE: usize = 10;
    pub const TIER_BASIS: usize = 11;
    pub const TIER_MODE: usize = 12;
    pub const CAP: usize = 13;
    pub const SETTLEMENT: usize = 14;
    pub const DUE_DAYS: usize = 15;
    pub const GRACE_DAYS: usize = 16;
    pub const RENEWED_ON: usize = 17;
    pub const INVOICE: usize = 18;
    pub const TAX_RATE: usize = 19;
    pub const LATE_INTEREST: usize = 20;
    pub const PAYOUT_KIND: usize = 21;
}

const TIER_COLUMNS: [ColumnSpec; 4] = [
    required("contract_id", &["合同编号"]),
    required("from", &["下限"]),
    optional("to", &["上限"]),
    required("rate", &["返点比例", "比例"]),
];

const PRODUCT_COLUMNS: [ColumnSpec; 3] = [
    required("contract_id", &["合同编号"]),
    required("product", &["产品"]),
    required("coefficient", &["系数"]),
];

const SCHEDULE_COLUMNS: [ColumnSpec; 4] = [
    required("contract_id", &["合同编号"]),
    required("installment", &["期次"]),
    required("trigger", &["触发条件", "触发"]),
    required("portion", &["比例", "分期比例"]),
];

/// A parsed sheet row: the map, the row and where it is.
struct RowContext<'a> {
    map: &'a ColumnMap,
    specs: &'a [ColumnSpec],
    cells: &'a [Cell],
    location: Location,
}

impl RowContext<'_> {
    fn cell(&self, spec: usize) -> &Cell {
        self.map.cell(self.cells, spec)
    }

    fn at(&self, spec: usize) -> Location {
        self.location
            .at_column(self.map.header(spec, self.specs[spec].name))
    }

    fn text(&self, spec: usize) -> Option<String> {
        let text = self.cell(spec).to_text();
        (!text.is_empty()).then_some(text)
    }
}

struct Builder<'a> {
    rulesets: &'a Rulesets,
    errors: Vec<ContractError>,
}

impl Builder<'_> {
    fn error(&mut self, location: Location, message: impl Into<String>) {
        self.errors.push(ContractError {
            location,
            message: message.into(),
        });
    }

    /// Reads a required cell with `parse`; records the error and returns `None` on failure.
    fn parse<T>(
        &mut self,
        row: &RowContext<'_>,
        spec: usize,
        parse: impl Fn(&Cell) -> Result<T, ValueError>,
    ) -> Option<T> {
        match parse(row.cell(spec)) {
            Ok(value) => Some(value),
            Err(error) => {
                self.error(row.at(spec), error.to_string());
                None
            }
        }
    }

    /// Reads an optional cell: empty is `Ok(None)`.
    fn parse_optional<T>(
        &mut self,
        row: &RowContext<'_>,
        spec: usize,
        parse: impl Fn(&Cell) -> Result<T, ValueError>,
    ) -> Option<Option<T>> {
        if row.cell(spec).is_empty() {
            return Some(None);
        }
        self.parse(row, spec, parse).map(Some)
    }

    fn word<T>(
        &mut self,
        row: &RowContext<'_>,
        spec: usize,
        from_word: fn(&str) -> Option<T>,
        words: &[&str],
        default: Option<T>,
    ) -> Option<T> {
        let Some(text) = row.text(spec) else {
            if default.is_none() {
                self.error(
                    row.at(spec),
                    format!("expected one of {}, found (empty)", words.join(", ")),
                );
            }
            return default;
        };
        let parsed = from_word(&text);
        if parsed.is_none() {
            self.error(
                row.at(spec),
                format!("expected one of {}, found `{text}`", words.join(", ")),
            );
        }
        parsed
    }

    /// Iterates a sheet's data rows with their column map; records header problems.
    fn rows<'s>(
        &mut self,
        sheet: &'s Sheet,
        specs: &'static [ColumnSpec],
    ) -> Option<(ColumnMap, &'s [SheetRow])> {
        let ((header_row, header), data) = sheet.rows.split_first()?;
        let header_row = *header_row;
        match ColumnMap::new(header, specs) {
            Ok(map) => Some((map, data)),
            Err(missing) => {
                self.error(
                    sheet.location.at_row(header_row),
                    format!(
                        "the header row has no column {}; expected columns {}",
                        missing
                            .iter()
                            .map(|name| format!("`{name}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        specs
                            .iter()
                            .map(|spec| spec.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                None
            }
        }
    }

    fn build(
        &mut self,
        path: &Path,
        shown: &str,
        sheets: &BTreeMap<SheetKind, Sheet>,
    ) -> Vec<Contract> {
        let Some(contract_sheet) = sheets.get(&SheetKind::Contracts) else {
            let expected = if path.is_dir() {
                "a file `contracts.csv`"
            } else {
                "a sheet named `contracts` (or `合同`)"
            };
            self.error(
                Location::file(Arc::from(shown)),
                format!("no contracts found: expected {expected}"),
            );
            return Vec::new();
        };
        let mut contracts: BTreeMap<String, Contract> = BTreeMap::new();
        let mut ids_seen: HashSet<String> = HashSet::new();
        if let Some((map, data)) = self.rows(contract_sheet, &CONTRACT_COLUMNS) {
            for (number, cells) in data {
                let row = RowContext {
                    map: &map,
                    specs: &CONTRACT_COLUMNS,
                    cells,
                    location: contract_sheet.location.at_row(*number),
                };
                let Some(id) = row.text(column::CONTRACT_ID) else {
                    self.error(
                        row.at(column::CONTRACT_ID),
                        "expected a contract id, found (empty)",
                    );
                    continue;
                };
                if !ids_seen.insert(id.clone()) {
                    self.error(
                        row.at(column::CONTRACT_ID),
                        format!("contract id `{id}` appears twice; ids must be unique"),
                    );
                    continue;
                }
                if let Some(contract) = self.contract(&row, id.clone()) {
                    contracts.insert(id, contract);
                }
            }
        }
        let mut tiers: BTreeMap<String, Vec<BracketRow>> = BTreeMap::new();
        match sheets.get(&SheetKind::Tiers) {
            None => self.error(
                Location::file(Arc::from(shown)),
                "no tier table found: expected a sheet (or CSV) named `tiers` (or `阶梯`)",
            ),
            Some(sheet) => {
                if let Some((map, data)) = self.rows(sheet, &TIER_COLUMNS) {
                    for (number, cells) in data {
                        let row = RowContext {
                            map: &map,
                            specs: &TIER_COLUMNS,
                            cells,
                            location: sheet.location.at_row(*number),
                        };
                        let Some(id) = self.known_contract(&row, &ids_seen) else {
                            continue;
                        };
                        let from = self.parse(&row, 1, value::parse_money);
                        let to = self.parse_optional(&row, 2, value::parse_money);
                        let rate = self.parse(&row, 3, |cell| value::parse_rate(cell, true));
                        if let (Some(from), Some(to), Some(rate)) = (from, to, rate) {
                            tiers.entry(id).or_default().push(BracketRow {
                                bracket: Bracket { from, to, rate },
                                from: row.at(1),
                                to: row.at(2),
                            });
                        }
                    }
                }
            }
        }
        let mut products: BTreeMap<String, BTreeMap<String, (Decimal, Location)>> = BTreeMap::new();
        if let Some(sheet) = sheets.get(&SheetKind::Products)
            && let Some((map, data)) = self.rows(sheet, &PRODUCT_COLUMNS)
        {
            for (number, cells) in data {
                let row = RowContext {
                    map: &map,
                    specs: &PRODUCT_COLUMNS,
                    cells,
                    location: sheet.location.at_row(*number),
                };
                let Some(id) = self.known_contract(&row, &ids_seen) else {
                    continue;
                };
                let Some(product) = row.text(1) else {
                    self.error(row.at(1), "expected a product name, found (empty)");
                    continue;
                };
                let Some(coefficient) = self.parse(&row, 2, value::parse_decimal) else {
                    continue;
                };
                if coefficient < Decimal::ZERO {
                    self.error(
                        row.at(2),
                        format!("expected a coefficient of 0 or more, found `{coefficient}`"),
                    );
                    continue;
                }
                let ruleset = contracts
                    .get(&id)
                    .and_then(|contract| self.rulesets.get(&contract.ruleset));
                let canonical =
                    ruleset.map_or(product.clone(), |ruleset| ruleset.product(&product).name);
                let entry = products.entry(id).or_default();
                if entry
                    .keys()
                    .any(|listed| listed.to_lowercase() == canonical.to_lowercase())
                {
                    self.error(
                        row.at(1),
                        format!("product `{product}` is listed twice for this contract"),
                    );
                    continue;
                }
                entry.insert(canonical, (coefficient, row.location.clone()));
            }
        }
        let mut schedules: BTreeMap<String, Vec<ScheduleRow>> = BTreeMap::new();
        if let Some(sheet) = sheets.get(&SheetKind::Schedule)
            && let Some((map, data)) = self.rows(sheet, &SCHEDULE_COLUMNS)
        {
            for (number, cells) in data {
                let row = RowContext {
                    map: &map,
                    specs: &SCHEDULE_COLUMNS,
                    cells,
                    location: sheet.location.at_row(*number),
                };
                let Some(id) = self.known_contract(&row, &ids_seen) else {
                    continue;
                };
                let installment =
                    self.parse(&row, 1, value::parse_whole_number)
                        .and_then(|number| {
                            let valid = u32::try_from(number)
                                .ok()
                                .filter(|number| (1..=100).contains(number));
                            if valid.is_none() {
                                self.error(
                                row.at(1),
                                format!(
                                    "expected an installment number from 1 to 100, found `{number}`"
                                ),
                            );
                            }
                            valid
                        });
                let trigger = self.word(&row, 2, Trigger::from_word, Trigger::WORDS, None);
                let portion = self.parse(&row, 3, value::parse_portion);
                if let (Some(number), Some(trigger), Some(portion)) =
                    (installment, trigger, portion)
                {
                    schedules.entry(id).or_default().push(ScheduleRow {
                        rule: InstallmentRule {
                            number,
                            trigger,
                            portion,
                        },
                        installment: row.at(1),
                        portion: row.at(3),
                    });
                }
            }
        }
        for (id, contract) in &mut contracts {
            match build_tier_table(tiers.remove(id).unwrap_or_default()) {
                Ok(table) => contract.tiers = table,
                Err((location, error)) => self.errors.push(ContractError {
                    location: location.unwrap_or_else(|| contract.source.clone()),
                    message: format!("contract `{id}`: {error}"),
                }),
            }
            if let Some(listed) = products.remove(id) {
                contract.products = listed
                    .into_iter()
                    .map(|(product, (coefficient, _))| (product, coefficient))
                    .collect();
            }
            if let Some(rules) = schedules.remove(id) {
                match validate_schedule(rules) {
                    Ok(schedule) => contract.schedule = schedule,
                    Err(error) => self.errors.push(error),
                }
            }
        }
        contracts.into_values().collect()
    }

    fn known_contract(&mut self, row: &RowContext<'_>, ids: &HashSet<String>) -> Option<String> {
        let Some(id) = row.text(0) else {
            self.error(row.at(0), "expected a contract id, found (empty)");
            return None;
        };
        if !ids.contains(&id) {
            self.error(
                row.at(0),
                format!("contract `{id}` is not in the `contracts` sheet"),
            );
            return None;
        }
        Some(id)
    }

    fn contract(&mut self, row: &RowContext<'_>, id: String) -> Option<Contract> {
        use column as c;
        let errors_before = self.errors.len();
        let provider = row
            .text(c::PROVIDER)
            .map_or_else(|| "generic".to_string(), |provider| provider.to_lowercase());
        let ruleset = match row.text(c::RULESET) {
            Some(name) => match self.rulesets.get(&name) {
                Some(ruleset) => Some(ruleset),
                None => {
                    let known: Vec<&str> = self.rulesets.names().collect();
                    self.error(
                        row.at(c::RULESET),
                        format!(
                            "expected one of the rulesets {}, found `{name}`",
                            known.join(", ")
                        ),
                    );
                    None
                }
            },
            None => Some(self.rulesets.default_for_provider(&provider)),
        };
        let accounts: Vec<String> = {
            let text = row.cell(c::ACCOUNTS).to_text();
            let mut seen = HashSet::new();
            text.split([',', ';', '，', '；', '\n', '\r'])
                .map(str::trim)
                .filter(|account| !account.is_empty() && seen.insert(account.to_string()))
                .map(str::to_string)
                .collect()
        };
        if accounts.is_empty() {
            self.error(
                row.at(c::ACCOUNTS),
                "expected one or more billing account ids separated by `,` or `;`, found (empty)",
            );
        }
        let start = self.parse(row, c::START, value::parse_date);
        let end = self.parse(row, c::END, value::parse_date);
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            self.error(
                row.at(c::END),
                format!("the term ends ({end}) before it starts ({start})"),
            );
        }
        if let (Some(start), Some(end)) = (start, end)
            && let Some(last_day) = last_day_of_longest_term(start)
            && end > last_day
        {
            self.error(
                row.at(c::END),
                format!(
                    "expected a term of at most {MAX_TERM_YEARS} years, so an end on or before \
                     {last_day} for the start {start}, found `{end}`; an open-ended contract \
                     needs a real end date (e.g. the last day being audited)"
                ),
            );
        }
        let currency = match row.text(c::CURRENCY) {
            None => Some("CNY".to_string()),
            Some(text) => {
                let currency = normalize_currency(&text).map(|code| code.into_owned());
                if currency.is_none() {
                    self.error(
                        row.at(c::CURRENCY),
                        format!("expected an ISO currency code such as CNY or USD, found `{text}`"),
                    );
                }
                currency
            }
        };
        let base = self.word(row, c::BASE, Base::from_word, Base::WORDS, Some(Base::Net));
        let tier_basis = self.word(
            row,
            c::TIER_BASIS,
            TierBasis::from_word,
            TierBasis::WORDS,
            None,
        );
        let tier_mode = self.word(
            row,
            c::TIER_MODE,
            TierMode::from_word,
            TierMode::WORDS,
            None,
        );
        let settlement = self.word(
            row,
            c::SETTLEMENT,
            Settlement::from_word,
            Settlement::WORDS,
            None,
        );
        let invoice = self.word(
            row,
            c::INVOICE,
            InvoiceKind::from_word,
            InvoiceKind::WORDS,
            Some(InvoiceKind::None),
        );
        let payout_kind = self.word(
            row,
            c::PAYOUT_KIND,
            PayoutKind::from_word,
            PayoutKind::WORDS,
            Some(PayoutKind::Cash),
        );
        let cap = self
            .parse_optional(row, c::CAP, value::parse_money)
            .flatten();
        if let Some(cap) = cap
            && cap < Decimal::ZERO
        {
            self.error(
                row.at(c::CAP),
                format!("expected a cap of 0 or more, found `{cap}`"),
            );
        }
        let days = |builder: &mut Self, spec: usize, default: i64| -> Option<i64> {
            let value = builder
                .parse_optional(row, spec, value::parse_whole_number)?
                .unwrap_or(default);
            if !(0..=3650).contains(&value) {
                builder.error(
                    row.at(spec),
                    format!("expected a number of days from 0 to 3650, found `{value}`"),
                );
                return None;
            }
            Some(value)
        };
        let due_days = days(self, c::DUE_DAYS, 0);
        let grace_days = days(
            self,
            c::GRACE_DAYS,
            ruleset.map_or(0, |ruleset| ruleset.grace_days),
        );
        let renewed_on = self.parse_optional(row, c::RENEWED_ON, value::parse_date);
        let tax_rate = self.parse_optional(row, c::TAX_RATE, |cell| value::parse_rate(cell, false));
        let late_interest =
            self.parse_optional(row, c::LATE_INTEREST, |cell| value::parse_rate(cell, false));
        if self.errors.len() > errors_before {
            return None;
        }
        Some(Contract {
            id,
            customer: row.text(c::CUSTOMER).unwrap_or_default(),
            agent: row.text(c::AGENT).unwrap_or_default(),
            agent_tax_id: row.text(c::AGENT_TAX_ID),
            provider,
            ruleset: ruleset?.name.clone(),
            accounts,
            start: start?,
            end: end?,
            currency: currency?,
            base: base?,
            tier_basis: tier_basis?,
            tier_mode: tier_mode?,
            cap,
            settlement: settlement?,
            due_days: due_days?,
            grace_days: grace_days?,
            renewed_on: renewed_on?,
            invoice: invoice?,
            tax_rate: tax_rate?,
            late_interest: late_interest?.unwrap_or(Decimal::ZERO),
            payout_kind: payout_kind?,
            tiers: TierTable::new(vec![Bracket {
                from: Decimal::ZERO,
                to: None,
                rate: Decimal::ZERO,
            }])
            .ok()?,
            products: BTreeMap::new(),
            schedule: InstallmentRule::single(),
            source: row.location.clone(),
        })
    }
}

/// The longest contract term the loader accepts, in contract years. Cloud rebate
/// contracts run one to a few years; a far longer term is a typo or a placeholder for
/// "open-ended" (`9999-12-31`), and would make the audit list an installment for every
/// month until then, so it is refused, naming the cell, rather than audited.
pub const MAX_TERM_YEARS: u32 = 100;

/// The last day of a term of [`MAX_TERM_YEARS`] contract years from `start`; `None` when
/// that is past the calendar's end (any end the calendar holds is then short enough).
pub fn last_day_of_longest_term(start: chrono::NaiveDate) -> Option<chrono::NaiveDate> {
    crate::domain::calendar::add_years(start, MAX_TERM_YEARS)?.pred_opt()
}

pub use crate::domain::currency::normalize_currency;

/// One `tiers` row with where its bounds are, so table errors point at the cell.
struct BracketRow {
    bracket: Bracket,
    from: Location,
    to: Location,
}

/// Builds a contract's tier table; an error names the `tiers` cell at fault (or none, for
/// a contract with no bracket at all: then the contract row is meant).
fn build_tier_table(
    mut rows: Vec<BracketRow>,
) -> Result<TierTable, (Option<Location>, TierTableError)> {
    // The same order TierTable uses, so its bracket numbers index these rows.
    rows.sort_by_key(|row| row.bracket.from);
    let brackets = rows.iter().map(|row| row.bracket.clone()).collect();
    TierTable::new(brackets).map_err(|error| {
        let at = |number: usize, to: bool| {
            rows.get(number.saturating_sub(1))
                .map(|row| if to { row.to.clone() } else { row.from.clone() })
        };
        let location = match &error {
            TierTableError::Empty => None,
            TierTableError::DoesNotStartAtZero(_) => at(1, false),
            TierTableError::NotContiguous { index, .. } => at(*index, false),
            TierTableError::OpenBeforeLast(index) | TierTableError::EmptyBracket { index, .. } => {
                at(*index, true)
            }
        };
        (location, error)
    })
}

/// One `schedule` row with where its number and portion are.
struct ScheduleRow {
    rule: InstallmentRule,
    installment: Location,
    portion: Location,
}

/// Checks a contract's schedule: numbers 1..n once each, at most one `rest` and it is the
/// last, and without `rest` the percentages add up to 100%.
fn validate_schedule(mut rows: Vec<ScheduleRow>) -> Result<Vec<InstallmentRule>, ContractError> {
    rows.sort_by_key(|row| row.rule.number);
    for (index, row) in rows.iter().enumerate() {
        let expected = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if row.rule.number != expected {
            return Err(ContractError {
                location: row.installment.clone(),
                message: format!(
                    "installment {} is out of sequence; installments must be numbered 1, 2, … without gaps or repeats (expected {expected})",
                    row.rule.number
                ),
            });
        }
        if row.rule.portion == Portion::Rest && index + 1 != rows.len() {
            return Err(ContractError {
                location: row.portion.clone(),
                message: format!(
                    "installment {} is `rest` but is not the last; only the last installment may take the rest",
                    row.rule.number
                ),
            });
        }
    }
    let has_rest = rows.iter().any(|row| row.rule.portion == Portion::Rest);
    if !has_rest {
        let total = rows
            .iter()
            .filter_map(|row| match row.rule.portion {
                Portion::Percent(fraction) => Some(fraction),
                _ => None,
            })
            .fold(Decimal::ZERO, Decimal::saturating_add);
        if total != Decimal::ONE {
            let location = rows
                .last()
                .map_or_else(|| Location::file(Arc::from("?")), |row| row.portion.clone());
            return Err(ContractError {
                location,
                message: format!(
                    "without a `rest` installment the percentages must add up to 100%, but they add up to {}",
                    crate::domain::money::format_rate(total)
                ),
            });
        }
    }
    Ok(rows.into_iter().map(|row| row.rule).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hidden_contract_sheet_is_an_error_naming_it() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("book.xlsx");
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let contracts = workbook.add_worksheet();
        contracts.set_name("contracts").unwrap();
        for (column, header) in [
            "contract_id",
            "accounts",
            "start",
            "end",
            "tier_basis",
            "tier_mode",
            "settlement",
        ]
        .iter()
        .enumerate()
        {
            contracts.write_string(0, column as u16, *header).unwrap();
        }
        for (column, value) in [
            "C1",
            "A1",
            "2025-01-01",
            "2025-12-31",
            "period",
            "retroactive",
            "monthly",
        ]
        .iter()
        .enumerate()
        {
            contracts.write_string(1, column as u16, *value).unwrap();
        }
        let tiers = workbook.add_worksheet();
        tiers.set_name("tiers").unwrap();
        for (column, value) in ["contract_id", "from", "to", "rate"].iter().enumerate() {
            tiers.write_string(0, column as u16, *value).unwrap();
        }
        tiers.write_string(1, 0, "C1").unwrap();
        tiers.write_number(1, 1, 0.0).unwrap();
        tiers.write_number(1, 3, 0.2).unwrap();
        tiers.set_hidden(true);
        workbook.save(&path).unwrap();
        let errors = load(&path, &Rulesets::load(None).unwrap()).unwrap_err();
        let text = errors.to_string();
        assert!(
            text.contains("book.xlsx:tiers: the `tiers` sheet is hidden"),
            "{text}"
        );
    }

    /// Loads a CSV-folder book with one contract `C1` from `start` to `end`.
    fn load_term(start: &str, end: &str) -> Result<ContractBook, ContractErrors> {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(
            folder.path().join("contracts.csv"),
            format!(
                "contract_id,accounts,start,end,tier_basis,tier_mode,settlement\n\
                 C1,A1,{start},{end},contract_year,retroactive,monthly\n"
            ),
        )
        .unwrap();
        std::fs::write(
            folder.path().join("tiers.csv"),
            "contract_id,from,to,rate\nC1,0,,20%\n",
        )
        .unwrap();
        load(folder.path(), &Rulesets::load(None).unwrap())
    }

    #[test]
    fn a_term_of_100_years_is_the_longest_accepted() {
        // 100 contract years from 2025-01-01 end on 2124-12-31.
        let book = load_term("2025-01-01", "2124-12-31").unwrap();
        assert_eq!(book.contracts[0].contract_years().len(), 100);
        // From a leap day: 2024-02-29 + 100 years = 2124-02-29, so the last day is the 28th.
        assert!(load_term("2024-02-29", "2124-02-28").is_ok());
        let errors = load_term("2024-02-29", "2124-02-29").unwrap_err();
        assert!(
            errors.to_string().contains("on or before 2124-02-28"),
            "{errors}"
        );
    }

    #[test]
    fn an_open_ended_9999_12_31_term_is_refused_naming_the_cell() {
        for end in ["9999-12-31", "2125-01-01"] {
            let errors = load_term("2025-01-01", end).unwrap_err();
            assert_eq!(errors.0.len(), 1, "{errors}");
            let error = &errors.0[0];
            // A CSV folder's sheet is its file: contracts.csv, row 2, column `end`.
            assert!(
                error.location.to_string().ends_with("contracts.csv:2:end"),
                "{error}"
            );
            assert_eq!(
                error.message,
                format!(
                    "expected a term of at most 100 years, so an end on or before 2124-12-31 \
                     for the start 2025-01-01, found `{end}`; an open-ended contract needs a \
                     real end date (e.g. the last day being audited)"
                )
            );
        }
    }
}
