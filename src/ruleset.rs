//! Rulesets: one TOML file per provider program, holding the billing-export column map,
//! product aliases, default coefficients, tolerance, grace days, invoice window and
//! rounding. Loaded and validated once at start; the rest of the audit only reads them.
//!
//! The repository's `rulesets/` folder is compiled into the binary so the tool works from
//! any directory; `--rulesets DIR` adds a user's own files, which replace built-in ones of
//! the same name.

use crate::domain::money::Rounding;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The rulesets shipped with the tool, as `(name, TOML text)`.
const BUILT_IN: &[(&str, &str)] = &[("generic", include_str!("../rulesets/generic.toml"))];

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

    fn from_name(name: &str) -> Option<BillingField> {
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
    /// Header names (normalised) for each billing field.
    pub billing_columns: BTreeMap<BillingField, Vec<String>>,
    /// Lower-case alias (and canonical name) → canonical product name.
    product_aliases: HashMap<String, String>,
    /// Lower-case canonical product name → default coefficient.
    coefficients: BTreeMap<String, Decimal>,
    /// Where it was loaded from (`built-in` or a path).
    pub origin: String,
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

    /// Maps a header row to billing fields: for each field, the index of its column.
    /// `None` when a required field has no column (the file is not in this layout).
    pub fn match_billing_header(
        &self,
        headers: &[String],
    ) -> Option<BTreeMap<BillingField, usize>> {
        let normalized: Vec<String> = headers
            .iter()
            .map(|header| normalize_header(header))
            .collect();
        let mut columns = BTreeMap::new();
        for (field, names) in &self.billing_columns {
            if let Some(index) = normalized.iter().position(|header| names.contains(header)) {
                columns.insert(*field, index);
            }
        }
        BillingField::ALL
            .iter()
            .filter(|field| field.required())
            .all(|field| columns.contains_key(field))
            .then_some(columns)
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
    billing: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    products: ProductsFile,
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
        let mut billing_columns = BTreeMap::new();
        for (key, headers) in &file.billing {
            let field = BillingField::from_name(key).ok_or_else(|| {
                let known: Vec<&str> = BillingField::ALL.iter().map(|field| field.name()).collect();
                invalid(
                    &format!("billing.{key}"),
                    format!(
                        "unknown billing field; expected one of {}",
                        known.join(", ")
                    ),
                )
            })?;
            if headers.is_empty() {
                return Err(invalid(
                    &format!("billing.{key}"),
                    "expected at least one header name".into(),
                ));
            }
            billing_columns.insert(
                field,
                headers
                    .iter()
                    .map(|header| normalize_header(header))
                    .collect(),
            );
        }
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
            billing_columns,
            product_aliases,
            coefficients,
            origin: origin.to_string(),
        })
    }
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
            .filter(|ruleset| ruleset.name != GENERIC && !ruleset.billing_columns.is_empty())
            .chain(self.by_name.get(GENERIC))
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
        assert_eq!(generic.product("云服务器ECS").name, "ECS");
        assert!(!generic.product("Quantum Annealer").known);
        assert_eq!(rulesets.default_for_provider("aliyun").name, GENERIC);
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
        let columns = generic.match_billing_header(&headers).unwrap();
        assert_eq!(columns[&BillingField::NetAmount], 3);
        assert!(!columns.contains_key(&BillingField::Voucher));
        assert!(generic.match_billing_header(&headers[..3]).is_none());
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
