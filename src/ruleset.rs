//! Rulesets: one TOML file per provider program, holding the billing-export column map,
//! product aliases, default coefficients, tolerance, grace days, invoice window and
//! rounding. Loaded and validated once at start; the rest of the audit only reads them.
//!
//! The repository's `rulesets/` folder is compiled into the binary so the tool works from
//! any directory; `--rulesets DIR` adds a user's own files, which replace built-in ones of
//! the same name.

use crate::domain::money::Rounding;
pub use crate::ingest::value::DateOrder;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The rulesets shipped with the tool, as `(name, TOML text)`.
const BUILT_IN: &[(&str, &str)] = &[
    ("generic", include_str!("../rulesets/generic.toml")),
    ("aliyun", include_str!("../rulesets/aliyun.toml")),
    ("tencent", include_str!("../rulesets/tencent.toml")),
    ("huawei", include_str!("../rulesets/huawei.toml")),
    ("azure-ea", include_str!("../rulesets/azure-ea.toml")),
    ("azure-mca", include_str!("../rulesets/azure-mca.toml")),
    ("focus", include_str!("../rulesets/focus.toml")),
];

/// The name of the fallback ruleset.
pub const GENERIC: &str = "generic";

/// A normalised billing field (SPEC §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BillingField {
    /// Billing account id.
    AccountId,
    /// Billing month.
    BillingMonth,
    /// Charge or usage date.
    Date,
    /// Product name.
    Product,
    /// Order type.
    OrderType,
    /// Instance id.
    InstanceId,
    /// List (原价) amount.
    ListAmount,
    /// Discount amount.
    Discount,
    /// Voucher / coupon amount.
    Voucher,
    /// Net payable amount.
    NetAmount,
    /// Currency code.
    Currency,
}

impl BillingField {
    /// Every field, in the order of the generic template.
    pub const ALL: [BillingField; 11] = [
        BillingField::AccountId,
        BillingField::BillingMonth,
        BillingField::Date,
        BillingField::Product,
        BillingField::OrderType,
        BillingField::InstanceId,
        BillingField::ListAmount,
        BillingField::Discount,
        BillingField::Voucher,
        BillingField::NetAmount,
        BillingField::Currency,
    ];

    /// The field's name in the generic template and in rulesets.
    pub fn name(self) -> &'static str {
        match self {
            BillingField::AccountId => "account_id",
            BillingField::BillingMonth => "billing_month",
            BillingField::Date => "date",
            BillingField::Product => "product",
            BillingField::OrderType => "order_type",
            BillingField::InstanceId => "instance_id",
            BillingField::ListAmount => "list_amount",
            BillingField::Discount => "discount",
            BillingField::Voucher => "voucher",
            BillingField::NetAmount => "net_amount",
            BillingField::Currency => "currency",
        }
    }

    /// Whether a billing file must have this column.
    pub fn required(self) -> bool {
        matches!(
            self,
            BillingField::AccountId
                | BillingField::BillingMonth
                | BillingField::Product
                | BillingField::NetAmount
                | BillingField::Currency
        )
    }

    /// Whether the field is an amount of money (and may be a sum of columns).
    pub fn is_amount(self) -> bool {
        matches!(
            self,
            BillingField::ListAmount
                | BillingField::Discount
                | BillingField::Voucher
                | BillingField::NetAmount
        )
    }

    /// The field called `name` in rulesets.
    pub fn from_name(name: &str) -> Option<BillingField> {
        BillingField::ALL
            .into_iter()
            .find(|field| field.name() == name)
    }
}

/// How headers are compared: case, white space and underscores do not matter.
pub fn normalize_header(header: &str) -> String {
    header
        .chars()
        .filter(|character| !character.is_whitespace() && *character != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A validated ruleset.
#[derive(Debug, Clone, PartialEq)]
pub struct Ruleset {
    /// File stem, e.g. `generic`.
    pub name: String,
    /// Provider word it serves.
    pub provider: String,
    /// One line saying what it is for.
    pub description: String,
    /// Differences up to this are not findings.
    pub tolerance: Decimal,
    /// Default grace days.
    pub grace_days: i64,
    /// Days an invoice may trail its payout.
    pub invoice_window_days: i64,
    /// Rounding rule for every amount.
    pub rounding: Rounding,
    /// The billing-export layout this ruleset recognises, if it has one.
    pub format: Option<BillingFormat>,
    /// Lower-case alias (and canonical name) → canonical product name.
    product_aliases: HashMap<String, String>,
    /// Lower-case canonical product name → default coefficient.
    coefficients: BTreeMap<String, Decimal>,
    /// Where it was loaded from (`built-in` or a path).
    pub origin: String,
    /// SHA-256 of the exact TOML text parsed, for chains of custody (a file changed after
    /// loading cannot pass for the one the audit used).
    pub sha256: String,
}

/// Where a normalised month comes from in a billing export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MonthSource {
    /// The billing-month column holds a month (or a date in it).
    #[default]
    Month,
    /// The billing-month column holds the billing period's start as a timestamp, possibly
    /// in UTC for a local-time month (FOCUS `BillingPeriodStart`): rounded to the nearest
    /// midnight before its month is taken.
    PeriodStart,
}

/// One normalised field's columns: the amounts of every summand are added; each summand
/// lists the header names that mean it, most preferred first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldColumns {
    /// Header names as written in the ruleset, per summand.
    pub names: Vec<Vec<String>>,
    /// The same, normalised for matching.
    normalized: Vec<Vec<String>>,
}

impl FieldColumns {
    /// The names of one summand, joined for messages: `应付金额 / Pretax Amount`.
    pub fn describe(&self) -> String {
        self.names
            .iter()
            .map(|alternatives| alternatives.join(" / "))
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

/// How a billing export is laid out and written (a ruleset's `[billing]` and `[format]`).
#[derive(Debug, Clone, PartialEq)]
pub struct BillingFormat {
    /// What the export is, for `rebate-audit formats` and reports.
    pub label: String,
    /// Columns of every mapped field.
    pub columns: BTreeMap<BillingField, FieldColumns>,
    /// Further columns that must all be present (each with its alternatives) for a file
    /// to be taken for this format: what tells it apart from similar layouts.
    pub signature: Vec<Vec<String>>,
    signature_normalized: Vec<Vec<String>>,
    /// Columns whose presence means the file is another format.
    pub excludes: Vec<String>,
    excludes_normalized: Vec<String>,
    /// How slash dates with the year last are read.
    pub date_order: DateOrder,
    /// What the billing-month column holds.
    pub billing_month: MonthSource,
    /// Whether the billing month may be taken from the charge date when the export has no
    /// billing-month column.
    pub month_from_date: bool,
    /// Cell texts that mean "no value" (`-`, `NULL`), compared exactly after trimming.
    pub blank: Vec<String>,
    /// The currency of every line when the export has no currency column.
    pub currency: Option<String>,
    /// Order-type words (lower case) that mark a refund row: its amounts count negative
    /// whatever sign the export wrote them with.
    pub refunds: Vec<String>,
}

/// Where each mapped field is in a header row: for each summand, its column index.
pub type ColumnIndex = BTreeMap<BillingField, Vec<usize>>;

/// How well a header row fits a format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderFit {
    /// Every requirement is met.
    Matches(ColumnIndex),
    /// Some are not.
    Lacks {
        /// Requirements met.
        met: usize,
        /// Requirements in all.
        of: usize,
        /// What is missing (or present but must not be), one phrase each.
        missing: Vec<String>,
    },
}

impl BillingFormat {
    /// Whether a file in this format must have a column for `field`.
    pub fn requires(&self, field: BillingField) -> bool {
        match field {
            BillingField::Currency => self.currency.is_none(),
            BillingField::BillingMonth => !self.month_from_date,
            BillingField::Date => {
                self.month_from_date && !self.columns.contains_key(&BillingField::BillingMonth)
            }
            other => other.required(),
        }
    }

    /// Whether `text` (trimmed) is one of the format's words for "no value".
    #[inline]
    pub fn is_blank_word(&self, text: &str) -> bool {
        !self.blank.is_empty() && self.blank.iter().any(|word| word == text.trim())
    }

    /// Whether an order type marks a refund.
    pub fn is_refund(&self, order_type: &str) -> bool {
        if self.refunds.is_empty() {
            return false;
        }
        // ASCII order types (most of them) are compared without a lower-case copy.
        if order_type.is_ascii() {
            let bytes = order_type.as_bytes();
            return self.refunds.iter().any(|word| {
                let word = word.as_bytes();
                word.is_empty()
                    || bytes
                        .windows(word.len())
                        .any(|window| window.eq_ignore_ascii_case(word))
            });
        }
        let order_type = order_type.to_lowercase();
        self.refunds.iter().any(|word| order_type.contains(word))
    }

    /// The headers that identify the format, for listings: each required field's names and
    /// the signature columns.
    pub fn signature_columns(&self) -> Vec<String> {
        let mut shown: Vec<String> = BillingField::ALL
            .iter()
            .filter(|field| self.requires(**field))
            .filter_map(|field| self.columns.get(field))
            .map(FieldColumns::describe)
            .collect();
        shown.extend(
            self.signature
                .iter()
                .map(|alternatives| alternatives.join(" / ")),
        );
        shown
    }

    /// Matches a header row. A field's summand takes the first of its names found (in the
    /// ruleset's order of preference), wherever it is in the row.
    pub fn fit(&self, headers: &[String]) -> HeaderFit {
        let normalized: Vec<String> = headers
            .iter()
            .map(|header| normalize_header(header))
            .collect();
        let position = |names: &[String]| {
            names
                .iter()
                .find_map(|name| normalized.iter().position(|header| header == name))
        };
        let mut columns = ColumnIndex::new();
        for (field, field_columns) in &self.columns {
            let found: Vec<usize> = field_columns
                .normalized
                .iter()
                .filter_map(|names| position(names))
                .collect();
            if !found.is_empty() {
                columns.insert(*field, found);
            }
        }
        let mut met = 0;
        let mut of = 0;
        let mut missing = Vec::new();
        for field in BillingField::ALL {
            if !self.requires(field) {
                continue;
            }
            of += 1;
            if columns.contains_key(&field) {
                met += 1;
            } else {
                let names = self
                    .columns
                    .get(&field)
                    .map_or_else(|| field.name().to_string(), FieldColumns::describe);
                missing.push(format!("{} ({names})", field.name()));
            }
        }
        for (shown, names) in self.signature.iter().zip(&self.signature_normalized) {
            of += 1;
            if position(names).is_some() {
                met += 1;
            } else {
                missing.push(shown.join(" / "));
            }
        }
        // An absent excluded column is no evidence for the format, so only a present one
        // counts (against it).
        for (shown, name) in self.excludes.iter().zip(&self.excludes_normalized) {
            if normalized.contains(name) {
                of += 1;
                missing.push(format!(
                    "no {shown} column (a file with it is another format)"
                ));
            }
        }
        if missing.is_empty() {
            HeaderFit::Matches(columns)
        } else {
            HeaderFit::Lacks { met, of, missing }
        }
    }
}

/// What a product name resolves to under a ruleset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductName {
    /// The canonical name (or the name as billed, trimmed, when no alias matched).
    pub name: String,
    /// Whether an alias matched.
    pub known: bool,
}

impl Ruleset {
    /// Resolves a billed product name through the aliases.
    pub fn product(&self, billed: &str) -> ProductName {
        let billed = billed.trim();
        match self.product_aliases.get(&billed.to_lowercase()) {
            Some(canonical) => ProductName {
                name: canonical.clone(),
                known: true,
            },
            None => ProductName {
                name: billed.to_string(),
                known: false,
            },
        }
    }

    /// The ruleset's default coefficient for a canonical product name.
    pub fn coefficient(&self, product: &str) -> Option<Decimal> {
        self.coefficients.get(&product.to_lowercase()).copied()
    }

    /// The billing format, which every ruleset listed by [`Rulesets::billing_layouts`] has.
    pub fn billing_format(&self) -> Option<&BillingFormat> {
        self.format.as_ref()
    }
}

/// Every ruleset in force, by name.
#[derive(Debug, Clone)]
pub struct Rulesets {
    by_name: BTreeMap<String, Ruleset>,
}

/// A ruleset file that cannot be used; the audit does not start.
#[derive(Debug, thiserror::Error)]
pub enum RulesetError {
    /// The folder or a file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The path.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not valid TOML or has unknown keys.
    #[error("{path}: {message}")]
    Syntax {
        /// The path.
        path: String,
        /// The TOML parser's message.
        message: String,
    },
    /// A value is out of range or inconsistent.
    #[error("{path}: {key}: {message}")]
    Invalid {
        /// The path.
        path: String,
        /// The offending key.
        key: String,
        /// What is wrong.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesetFile {
    provider: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    defaults: DefaultsFile,
    #[serde(default)]
    format: FormatFile,
    #[serde(default)]
    billing: BTreeMap<String, ColumnsFile>,
    #[serde(default)]
    products: ProductsFile,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FormatFile {
    label: Option<String>,
    #[serde(default)]
    signature: Vec<Alternatives>,
    #[serde(default)]
    excludes: Vec<String>,
    #[serde(default)]
    date_order: DateOrder,
    #[serde(default)]
    billing_month: MonthSource,
    #[serde(default)]
    month_from_date: bool,
    #[serde(default)]
    blank: Vec<String>,
    currency: Option<String>,
    #[serde(default)]
    refunds: Vec<String>,
}

/// One column's names: a single name or a list of alternatives.
#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum Alternatives {
    One(String),
    Many(Vec<String>),
}

impl Alternatives {
    fn names(&self) -> Vec<String> {
        match self {
            Alternatives::One(name) => vec![name.clone()],
            Alternatives::Many(names) => names.clone(),
        }
    }
}

/// A field's columns: alternatives of one column, or `{ sum = [[…], […]] }`.
#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum ColumnsFile {
    Column(Vec<String>),
    Sum { sum: Vec<Alternatives> },
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DefaultsFile {
    tolerance: Option<NumberText>,
    grace_days: Option<i64>,
    invoice_window_days: Option<i64>,
    rounding: Option<Rounding>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ProductsFile {
    #[serde(default)]
    aliases: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    coefficients: BTreeMap<String, NumberText>,
}

/// A number written either as a string (exact) or as a TOML number.
#[derive(Deserialize, Clone)]
#[serde(untagged)]
enum NumberText {
    Text(String),
    Integer(i64),
    Float(f64),
}

impl NumberText {
    fn to_decimal(&self) -> Option<Decimal> {
        match self {
            NumberText::Text(text) => Decimal::from_str_exact(text.trim()).ok(),
            NumberText::Integer(number) => Some(Decimal::from(*number)),
            NumberText::Float(number) => crate::ingest::value::decimal_from_f64(*number),
        }
    }
}

impl Ruleset {
    /// Parses and validates one ruleset file.
    ///
    /// # Errors
    /// On TOML syntax errors, unknown keys, unknown billing fields, negative values and
    /// aliases that point at two products.
    pub fn parse(name: &str, origin: &str, text: &str) -> Result<Ruleset, RulesetError> {
        let file: RulesetFile = toml::from_str(text).map_err(|error| RulesetError::Syntax {
            path: origin.to_string(),
            message: error.to_string().trim_end().replace('\n', " "),
        })?;
        let invalid = |key: &str, message: String| RulesetError::Invalid {
            path: origin.to_string(),
            key: key.to_string(),
            message,
        };
        let tolerance = match &file.defaults.tolerance {
            None => Decimal::new(1, 2),
            Some(number) => number
                .to_decimal()
                .filter(|tolerance| *tolerance >= Decimal::ZERO)
                .ok_or_else(|| {
                    invalid(
                        "defaults.tolerance",
                        "expected an amount of 0 or more, such as \"0.01\"".into(),
                    )
                })?,
        };
        let grace_days = file.defaults.grace_days.unwrap_or(0);
        if grace_days < 0 {
            return Err(invalid(
                "defaults.grace_days",
                "expected 0 or more days".into(),
            ));
        }
        let invoice_window_days = file.defaults.invoice_window_days.unwrap_or(30);
        if invoice_window_days < 0 {
            return Err(invalid(
                "defaults.invoice_window_days",
                "expected 0 or more days".into(),
            ));
        }
        let format = if file.billing.is_empty() {
            None
        } else {
            Some(parse_format(&file, &invalid)?)
        };
        let mut product_aliases = HashMap::new();
        for (canonical, aliases) in &file.products.aliases {
            for alias in std::iter::once(canonical).chain(aliases) {
                let key = alias.trim().to_lowercase();
                if let Some(previous) = product_aliases.insert(key, canonical.clone())
                    && previous != *canonical
                {
                    return Err(invalid(
                        &format!("products.aliases.{canonical}"),
                        format!("alias `{alias}` is also an alias of `{previous}`"),
                    ));
                }
            }
        }
        let mut coefficients = BTreeMap::new();
        for (product, number) in &file.products.coefficients {
            let coefficient = number
                .to_decimal()
                .filter(|coefficient| *coefficient >= Decimal::ZERO)
                .ok_or_else(|| {
                    invalid(
                        &format!("products.coefficients.{product}"),
                        "expected a coefficient of 0 or more, such as \"0.5\"".into(),
                    )
                })?;
            coefficients.insert(product.trim().to_lowercase(), coefficient);
        }
        Ok(Ruleset {
            name: name.to_string(),
            provider: file.provider.trim().to_lowercase(),
            description: file.description,
            tolerance,
            grace_days,
            invoice_window_days,
            rounding: file.defaults.rounding.unwrap_or_default(),
            format,
            product_aliases,
            coefficients,
            origin: origin.to_string(),
            sha256: crate::ingest::table::hex(&<sha2::Sha256 as sha2::Digest>::digest(
                text.as_bytes(),
            )),
        })
    }
}

/// Validates the `[billing]` and `[format]` tables.
fn parse_format(
    file: &RulesetFile,
    invalid: &dyn Fn(&str, String) -> RulesetError,
) -> Result<BillingFormat, RulesetError> {
    let mut columns = BTreeMap::new();
    for (key, spec) in &file.billing {
        let key_path = format!("billing.{key}");
        let field = BillingField::from_name(key).ok_or_else(|| {
            let known: Vec<&str> = BillingField::ALL.iter().map(|field| field.name()).collect();
            invalid(
                &key_path,
                format!(
                    "unknown billing field; expected one of {}",
                    known.join(", ")
                ),
            )
        })?;
        let names: Vec<Vec<String>> = match spec {
            ColumnsFile::Column(names) => vec![names.clone()],
            ColumnsFile::Sum { sum } => {
                if !field.is_amount() {
                    return Err(invalid(
                        &key_path,
                        "only amount fields (list_amount, discount, voucher, net_amount) can be a sum of columns".into(),
                    ));
                }
                sum.iter().map(Alternatives::names).collect()
            }
        };
        if names.is_empty()
            || names
                .iter()
                .any(|alternatives| alternatives.iter().all(|name| name.trim().is_empty()))
        {
            return Err(invalid(
                &key_path,
                "expected at least one header name".into(),
            ));
        }
        let normalized = names
            .iter()
            .map(|alternatives| {
                alternatives
                    .iter()
                    .map(|name| normalize_header(name))
                    .collect()
            })
            .collect();
        columns.insert(field, FieldColumns { names, normalized });
    }
    let format = &file.format;
    let signature: Vec<Vec<String>> = format.signature.iter().map(Alternatives::names).collect();
    if signature.iter().any(Vec::is_empty) {
        return Err(invalid(
            "format.signature",
            "expected a header name (or a list of alternatives) in every entry".into(),
        ));
    }
    let currency = match &format.currency {
        None => None,
        Some(code) => Some(
            crate::ingest::contracts::normalize_currency(code)
                .map(std::borrow::Cow::into_owned)
                .ok_or_else(|| {
                    invalid(
                        "format.currency",
                        format!("expected an ISO currency code such as CNY, found `{code}`"),
                    )
                })?,
        ),
    };
    let parsed = BillingFormat {
        label: format
            .label
            .clone()
            .unwrap_or_else(|| file.description.clone()),
        signature_normalized: signature
            .iter()
            .map(|alternatives| {
                alternatives
                    .iter()
                    .map(|name| normalize_header(name))
                    .collect()
            })
            .collect(),
        signature,
        excludes_normalized: format
            .excludes
            .iter()
            .map(|name| normalize_header(name))
            .collect(),
        excludes: format.excludes.clone(),
        columns,
        date_order: format.date_order,
        billing_month: format.billing_month,
        month_from_date: format.month_from_date,
        blank: format
            .blank
            .iter()
            .map(|word| word.trim().to_string())
            .collect(),
        currency,
        refunds: format
            .refunds
            .iter()
            .map(|word| word.trim().to_lowercase())
            .filter(|word| !word.is_empty())
            .collect(),
    };
    for field in BillingField::ALL {
        if parsed.requires(field) && !parsed.columns.contains_key(&field) {
            let hint = match field {
                BillingField::Currency => " (or set format.currency for exports without one)",
                BillingField::BillingMonth => {
                    " (or set format.month_from_date = true and map billing.date)"
                }
                _ => "",
            };
            return Err(invalid(
                &format!("billing.{}", field.name()),
                format!("a billing format must map this field{hint}"),
            ));
        }
    }
    Ok(parsed)
}

impl Rulesets {
    /// The built-in rulesets, overridden and extended by the `*.toml` files in `folder`.
    ///
    /// # Errors
    /// When the folder cannot be read or any ruleset in it is invalid.
    pub fn load(folder: Option<&Path>) -> Result<Rulesets, RulesetError> {
        let mut by_name = BTreeMap::new();
        for (name, text) in BUILT_IN {
            let ruleset = Ruleset::parse(name, &format!("built-in rulesets/{name}.toml"), text)?;
            by_name.insert((*name).to_string(), ruleset);
        }
        if let Some(folder) = folder {
            let io_error = |source| RulesetError::Io {
                path: folder.display().to_string(),
                source,
            };
            let mut paths: Vec<_> = std::fs::read_dir(folder)
                .map_err(io_error)?
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| {
                    path.extension()
                        .is_some_and(|extension| extension == "toml")
                })
                .collect();
            paths.sort();
            for path in paths {
                let origin = path.display().to_string();
                let text = std::fs::read_to_string(&path).map_err(|source| RulesetError::Io {
                    path: origin.clone(),
                    source,
                })?;
                let name = path
                    .file_stem()
                    .map(|stem| stem.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let ruleset = Ruleset::parse(&name, &origin, &text)?;
                by_name.insert(name, ruleset);
            }
        }
        // The generic aliases are every ruleset's fallback: a provider's ruleset lists its
        // own names, and cross-provider ones (CDN, Virtual Machines) resolve everywhere.
        if let Some(generic) = by_name
            .get(GENERIC)
            .map(|generic| generic.product_aliases.clone())
        {
            for ruleset in by_name.values_mut() {
                for (alias, canonical) in &generic {
                    ruleset
                        .product_aliases
                        .entry(alias.clone())
                        .or_insert_with(|| canonical.clone());
                }
            }
        }
        Ok(Rulesets { by_name })
    }

    /// A ruleset by name.
    pub fn get(&self, name: &str) -> Option<&Ruleset> {
        self.by_name.get(name)
    }

    /// The ruleset a contract gets when it names none: the one named after its
    /// provider, else the first (by name) whose `provider` is it, else `generic`.
    pub fn default_for_provider(&self, provider: &str) -> &Ruleset {
        let provider = provider.trim().to_lowercase();
        self.by_name
            .get(&provider)
            .or_else(|| {
                self.by_name
                    .values()
                    .find(|ruleset| ruleset.provider == provider)
            })
            .or_else(|| self.by_name.get(GENERIC))
            .or_else(|| self.by_name.values().next())
            .expect("the built-in generic ruleset is always loaded")
    }

    /// Rulesets in the order billing headers are tried: provider layouts by name, the
    /// generic template last (it is the least specific).
    pub fn billing_layouts(&self) -> impl Iterator<Item = &Ruleset> {
        self.by_name
            .values()
            .filter(|ruleset| ruleset.name != GENERIC && ruleset.format.is_some())
            .chain(
                self.by_name
                    .get(GENERIC)
                    .filter(|ruleset| ruleset.format.is_some()),
            )
    }

    /// All names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_generic_ruleset_loads_with_the_spec_defaults() {
        let rulesets = Rulesets::load(None).unwrap();
        let generic = rulesets.get(GENERIC).unwrap();
        assert_eq!(generic.tolerance, Decimal::new(1, 2));
        assert_eq!(generic.grace_days, 0);
        assert_eq!(generic.invoice_window_days, 30);
        assert_eq!(generic.rounding, Rounding::HalfUp);
        assert_eq!(generic.coefficient("ECS"), None);
        assert_eq!(generic.product("云服务器ECS").name, "ecs");
        assert!(!generic.product("Quantum Annealer").known);
        assert_eq!(rulesets.default_for_provider("aliyun").name, "aliyun");
        assert_eq!(rulesets.default_for_provider("azure").name, "azure-ea");
        assert_eq!(rulesets.default_for_provider("oracle").name, GENERIC);
    }

    #[test]
    fn refund_words_match_in_any_case_inside_the_order_type() {
        let rulesets = Rulesets::load(None).unwrap();
        let tencent = rulesets.get("tencent").unwrap().billing_format().unwrap();
        for order_type in [
            "Refund",
            "REFUND order",
            "partial refund",
            "退款",
            "订单退费",
        ] {
            assert!(tencent.is_refund(order_type), "{order_type}");
        }
        for order_type in ["Purchase", "refun", "", "新购"] {
            assert!(!tencent.is_refund(order_type), "{order_type}");
        }
        let generic = rulesets.get(GENERIC).unwrap().billing_format().unwrap();
        assert!(!generic.is_refund("refund"), "generic names no refund word");
    }

    #[test]
    fn every_ruleset_carries_the_sha256_of_the_text_it_was_parsed_from() {
        // The evidence manifest names each ruleset by this hash.
        let rulesets = Rulesets::load(None).unwrap();
        for (name, text) in BUILT_IN {
            let ruleset = rulesets.get(name).unwrap();
            assert_eq!(
                ruleset.sha256,
                crate::ingest::table::hex(&<sha2::Sha256 as sha2::Digest>::digest(text.as_bytes())),
                "{name}"
            );
        }
    }

    #[test]
    fn headers_match_ignoring_case_spaces_and_underscores() {
        let rulesets = Rulesets::load(None).unwrap();
        let generic = rulesets.get(GENERIC).unwrap();
        let headers: Vec<String> = [
            "Account ID",
            "BILLING_MONTH",
            "product",
            "Net Amount",
            "currency",
            "note",
        ]
        .map(String::from)
        .to_vec();
        let format = generic.billing_format().unwrap();
        let HeaderFit::Matches(columns) = format.fit(&headers) else {
            panic!("the generic header should match");
        };
        assert_eq!(columns[&BillingField::NetAmount], vec![3]);
        assert!(!columns.contains_key(&BillingField::Voucher));
        let HeaderFit::Lacks { met, of, missing } = format.fit(&headers[..3]) else {
            panic!("three columns are not enough");
        };
        assert_eq!((met, of), (3, 5));
        assert_eq!(
            missing,
            vec!["net_amount (net_amount)", "currency (currency)"]
        );
    }

    /// Header rows of real exports (research/billing-formats.md), abridged where the
    /// research abridges them, and the format each must be taken for.
    const REAL_HEADERS: &[(&str, &str)] = &[
        (
            "aliyun",
            "账期,财务单元,账号ID,账号,Owner账号,产品Code,产品,产品明细Code,产品明细,消费类型,消费时间,账单开始时间,账单结束时间,服务时长,订单号/账单号,账单类型,计费方式,实例ID,实例昵称,资源组,实例标签,实例配置,实例规格,公网IP,私网IP,地域,可用区,计费项,单价,单价单位,用量,用量单位,资源包抵扣,原价,优惠金额,优惠券抵扣,应付金额,现金支付,代金券抵扣,储值卡支付金额,欠费金额",
        ),
        (
            "aliyun",
            "Billing Cycle,Cost Center,Account ID,Account Name,Owner Account ID,Owner Account Name,Product Code,Product Name,Product Type,Product Detail,Subscription Type,Payment Time,Usage Start Time,Usage End Time,Service Duration,Order No./Bill No.,Item,Billing Type,Instance ID,Instance Name,Resource Group,Instance Tag,Instance Config,Instance Spec,Internet IP,Intranet IP,Region,Zone,Billing Item,List Price,List Price Unit,Usage,Usage Unit,Deducted By Resource Package,Pretax Gross Amount,Invoice Discount,Deducted By Coupons,Pretax Amount,Deducted By Cash Coupons,Payment Amount,Currency",
        ),
        (
            "tencent",
            "Payer Account ID,Owner Account ID,Operator Account ID,Product Name,Subproduct Name,Billing Mode,Transaction Type,Transaction ID,Transaction Time,Usage Start Time,Usage End Time,Instance ID,Instance Name,Instance Type,Project Name,Region,Availability Zone,Component Type,Component Name,Component List Price,Component Contracted Price,Component Price Measurement Unit,Component Usage,Component Usage Unit,Usage Duration,Duration Unit,Original Cost,Discount,Total Amount After Discount,Voucher Deduction,Currency",
        ),
        (
            "tencent",
            "Payer Account ID,Customer Name,Owner Account ID,Operator Account ID,ProductName,BillingMode,ProjectName,Region,Availability Zone,InstanceID,InstanceName,SubproductName,TransactionType,TransactionID,TransactionTime,Usage Start Time,Usage End Time,ComponentType,ComponentName,Component List Price,Component Contracted Price,Component Price Measurement Unit,Component Usage,Component Usage Unit,Usage Duration,Duration Unit,Reserved Instances,OriginalCost,OriginalCost (After Coupon),DiscountRate,Currency,Total Amount After Discount (Excluding Tax),Voucher Deduction,Amount Before Tax,TaxRate,TaxAmount,Total Cost (Including Tax),Billable Month",
        ),
        (
            "huawei",
            "账期,企业项目,企业项目ID,账号,产品类型编码,产品类型,产品编码,产品ID,产品,计费模式,消费时间,使用开始时间,使用结束时间,订单号/交易号,交易时间,账单类型,资源ID,资源名称,区域,官网价,优惠金额,抹零金额,应付金额,现金支付,信用额度支付,代金券抵扣,现金券抵扣,储值卡抵扣,奖励金支付,欠费金额",
        ),
        (
            "azure-ea",
            "BillingAccountId,BillingAccountName,BillingPeriodStartDate,BillingPeriodEndDate,BillingProfileId,BillingProfileName,AccountOwnerId,AccountName,SubscriptionId,SubscriptionName,Date,Product,PartNumber,MeterId,ServiceFamily,MeterCategory,MeterSubCategory,MeterRegion,MeterName,Quantity,EffectivePrice,Cost,UnitPrice,BillingCurrency,ResourceLocation,AvailabilityZone,ConsumedService,ResourceId,ResourceName,ServiceInfo1,ServiceInfo2,AdditionalInfo,Tags,InvoiceSectionId,InvoiceSection,CostCenter,UnitOfMeasure,ResourceGroup,ReservationId,ReservationName,ProductOrderId,ProductOrderName,OfferId,IsAzureCreditEligible,Term,PublisherName,PlanName,ChargeType,Frequency,PublisherType,PayGPrice,PricingModel,CostAllocationRuleName,benefitId,benefitName",
        ),
        (
            "azure-ea",
            "InvoiceSectionName,AccountName,AccountOwnerId,SubscriptionId,SubscriptionName,ResourceGroup,ResourceLocation,Date,ProductName,MeterCategory,MeterSubCategory,MeterId,MeterName,MeterRegion,UnitOfMeasure,Quantity,EffectivePrice,CostInBillingCurrency,CostCenter,ConsumedService,ResourceId,Tags,OfferId,AdditionalInfo,ServiceInfo1,ServiceInfo2,ResourceName,ReservationId,ReservationName,UnitPrice,ProductOrderId,ProductOrderName,Term,PublisherType,PublisherName,ChargeType,Frequency,PricingModel,AvailabilityZone,BillingAccountId,BillingAccountName,BillingCurrencyCode,BillingPeriodStartDate,BillingPeriodEndDate,BillingProfileId,BillingProfileName,InvoiceSectionId,IsAzureCreditEligible,PartNumber,PayGPrice,PlanName,ServiceFamily,CostAllocationRuleName,benefitId,benefitName,AccountId,ResourceLocationNormalized",
        ),
        (
            "azure-mca",
            "invoiceId,previousInvoiceId,billingAccountId,billingAccountName,billingProfileId,billingProfileName,invoiceSectionId,invoiceSectionName,resellerName,resellerMpnId,costCenter,billingPeriodEndDate,billingPeriodStartDate,servicePeriodEndDate,servicePeriodStartDate,date,serviceFamily,productOrderId,productOrderName,consumedService,meterId,meterName,meterCategory,meterSubCategory,meterRegion,ProductId,ProductName,SubscriptionId,subscriptionName,publisherType,publisherId,publisherName,resourceGroupName,ResourceId,resourceLocation,location,effectivePrice,quantity,unitOfMeasure,chargeType,billingCurrency,pricingCurrency,costInBillingCurrency,costInPricingCurrency,costInUsd,paygCostInBillingCurrency,paygCostInUsd,exchangeRatePricingToBilling,exchangeRateDate,isAzureCreditEligible,serviceInfo1,serviceInfo2,additionalInfo,tags,PayGPrice,frequency,term,reservationId,reservationName,pricingModel,unitPrice,costAllocationRuleName,benefitId,benefitName,provider",
        ),
        (
            "focus",
            "AvailabilityZone,BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,ChargeClass,ChargeDescription,ChargeFrequency,ChargePeriodEnd,ChargePeriodStart,CommitmentDiscountCategory,CommitmentDiscountId,CommitmentDiscountName,CommitmentDiscountStatus,CommitmentDiscountType,ConsumedQuantity,ConsumedUnit,ContractedCost,ContractedUnitPrice,EffectiveCost,InvoiceIssuerName,ListCost,ListUnitPrice,PricingCategory,PricingQuantity,PricingUnit,ProviderName,PublisherName,RegionId,RegionName,ResourceId,ResourceName,ResourceType,ServiceCategory,Id,ServiceName,SkuId,SkuPriceId,SubAccountId,SubAccountName,Tags",
        ),
        (
            "generic",
            "account_id,billing_month,date,product,order_type,instance_id,list_amount,discount,voucher,net_amount,currency",
        ),
    ];

    #[test]
    fn every_real_export_header_matches_exactly_its_own_format() {
        let rulesets = Rulesets::load(None).unwrap();
        for (expected, header) in REAL_HEADERS {
            let headers: Vec<String> = header.split(',').map(String::from).collect();
            let matching: Vec<&str> = rulesets
                .billing_layouts()
                .filter(|ruleset| {
                    matches!(
                        ruleset.billing_format().unwrap().fit(&headers),
                        HeaderFit::Matches(_)
                    )
                })
                .map(|ruleset| ruleset.name.as_str())
                .collect();
            assert_eq!(matching, vec![*expected], "{header}");
        }
    }

    #[test]
    fn a_field_takes_the_most_preferred_name_wherever_it_stands() {
        let rulesets = Rulesets::load(None).unwrap();
        let aliyun = rulesets.get("aliyun").unwrap().billing_format().unwrap();
        // 账号 (the account's name) comes first in the row, but 账号ID is preferred.
        let headers: Vec<String> = ["账号", "账期", "产品Code", "应付金额", "账号ID"]
            .map(String::from)
            .to_vec();
        let HeaderFit::Matches(columns) = aliyun.fit(&headers) else {
            panic!("should match");
        };
        assert_eq!(columns[&BillingField::AccountId], vec![4]);
        let huawei = rulesets.get("huawei").unwrap().billing_format().unwrap();
        let headers: Vec<String> = [
            "账期",
            "账号",
            "产品类型编码",
            "应付金额",
            "现金券抵扣",
            "代金券抵扣",
        ]
        .map(String::from)
        .to_vec();
        let HeaderFit::Matches(columns) = huawei.fit(&headers) else {
            panic!("should match");
        };
        // The voucher is the sum of both coupon columns.
        assert_eq!(columns[&BillingField::Voucher], vec![5, 4]);
    }

    #[test]
    fn provider_rulesets_resolve_their_codes_and_fall_back_to_the_generic_aliases() {
        let rulesets = Rulesets::load(None).unwrap();
        let aliyun = rulesets.get("aliyun").unwrap();
        assert_eq!(aliyun.product("kvstore").name, "redis");
        assert_eq!(aliyun.product("Virtual Machines").name, "ecs");
        assert_eq!(aliyun.coefficient("marketplace"), Some(Decimal::ZERO));
        let huawei = rulesets.get("huawei").unwrap();
        assert_eq!(huawei.product("hws.service.type.ec2").name, "ecs");
        let azure = rulesets.get("azure-mca").unwrap();
        assert_eq!(azure.product("SQL Database").name, "rds");
        assert!(!azure.product("Quantum Annealer").known);
    }

    #[test]
    fn format_errors_name_the_file_and_key() {
        let error = Ruleset::parse(
            "x",
            "x.toml",
            "provider = \"x\"\n[billing]\naccount_id = [\"a\"]\nbilling_month = [\"m\"]\nproduct = [\"p\"]\nnet_amount = [\"n\"]\n",
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("x.toml: billing.currency: a billing format must map this field"),
            "{error}"
        );
        let error = Ruleset::parse(
            "x",
            "x.toml",
            "provider = \"x\"\n[billing]\nproduct = { sum = [\"a\", \"b\"] }\n",
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("billing.product: only amount fields"),
            "{error}"
        );
        let error = Ruleset::parse(
            "x",
            "x.toml",
            "provider = \"x\"\n[format]\ndate_order = \"sideways\"\n",
        )
        .unwrap_err();
        assert!(error.to_string().contains("date_order"), "{error}");
    }

    #[test]
    fn invalid_rulesets_name_the_key() {
        let error = Ruleset::parse(
            "x",
            "x.toml",
            "provider = \"x\"\n[billing]\nsku = [\"a\"]\n",
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("x.toml: billing.sku: unknown billing field"),
            "{error}"
        );
        let error = Ruleset::parse(
            "x",
            "x.toml",
            "provider = \"x\"\n[defaults]\ntolerance = \"-1\"\n",
        )
        .unwrap_err();
        assert!(error.to_string().contains("defaults.tolerance"), "{error}");
        let error =
            Ruleset::parse("x", "x.toml", "provider = \"x\"\nrounding = \"up\"\n").unwrap_err();
        assert!(error.to_string().contains("unknown field"), "{error}");
        let error = Ruleset::parse(
            "x",
            "x.toml",
            "provider = \"x\"\n[products.aliases]\nA = [\"z\"]\nB = [\"z\"]\n",
        )
        .unwrap_err();
        assert!(error.to_string().contains("alias `z`"), "{error}");
    }
}
