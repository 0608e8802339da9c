//! Validation of a ruleset file: every value in range, every billing field known, every
//! alias pointing at one product. Each error names the file and the key.

use super::error::RulesetError;
use super::field::BillingField;
use super::format::{BillingFormat, FieldColumns};
use super::header::normalize_header;
use super::rules::Ruleset;
use super::statement::StatementLayout;
use super::toml_file::{Alternatives, ColumnsFile, LimitationFile, RulesetFile};
use crate::domain::currency::normalize_currency;
use crate::domain::digest::sha256_hex;
use crate::domain::finding::Severity;
use crate::domain::limitation::{LimitationRule, RULES};
use crate::domain::words::fold;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

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
        let limitation = file
            .limitation
            .as_ref()
            .map(|table| parse_limitation(table, &invalid))
            .transpose()?;
        let format = if file.billing.is_empty() {
            None
        } else {
            Some(parse_format(&file, &invalid)?)
        };
        // Two aliases that fold to one word would make a billed name's product depend on
        // how it was spaced, so they must name the same product.
        let mut product_aliases = HashMap::new();
        let mut folded_aliases: HashMap<String, (String, String)> = HashMap::new();
        for (canonical, aliases) in &file.products.aliases {
            for alias in std::iter::once(canonical).chain(aliases) {
                product_aliases.insert(alias.trim().to_lowercase(), canonical.clone());
                let folded = fold(alias);
                if let Some((previous, spelled)) = folded_aliases.get(&folded)
                    && previous != canonical
                {
                    return Err(invalid(
                        &format!("products.aliases.{canonical}"),
                        format!(
                            "alias `{alias}` is also an alias of `{previous}` (as `{spelled}`)"
                        ),
                    ));
                }
                folded_aliases.insert(folded, (canonical.clone(), alias.clone()));
            }
        }
        let folded_aliases = folded_aliases
            .into_iter()
            .map(|(folded, (canonical, _))| (folded, canonical))
            .collect();
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
        let statement = file
            .statement
            .as_ref()
            .map(StatementLayout::parse)
            .transpose()
            .map_err(|(key, message)| invalid(&key, message))?;
        Ok(Ruleset {
            name: name.to_string(),
            provider: file.provider.trim().to_lowercase(),
            description: file.description,
            tolerance,
            grace_days,
            invoice_window_days,
            rounding: file.defaults.rounding.unwrap_or_default(),
            limitation,
            format,
            product_aliases,
            folded_aliases,
            coefficients,
            statement,
            origin: origin.to_string(),
            sha256: sha256_hex(text.as_bytes()),
        })
    }
}

/// Validates `[limitation]`: a rule the auditor knows by name, a whole number of years
/// from 1 to 30 (the rule's own when not given), a window of 0 or more days (180 when not
/// given), a severity word for expired claims (`error` when not given), and whether
/// running claims are reported too (not when not given).
fn parse_limitation(
    table: &LimitationFile,
    invalid: &dyn Fn(&str, String) -> RulesetError,
) -> Result<LimitationRule, RulesetError> {
    let rule = table.rule.as_deref().unwrap_or("prc_civil_code_188").trim();
    let Some(&(rule, rule_years)) = RULES.iter().find(|(name, _)| *name == rule) else {
        let known: Vec<String> = RULES.iter().map(|(name, _)| format!("`{name}`")).collect();
        return Err(invalid(
            "limitation.rule",
            format!(
                "unknown rule `{rule}`; expected one of {}",
                known.join(", ")
            ),
        ));
    };
    let years = match table.years {
        None => rule_years,
        Some(years) => u32::try_from(years)
            .ok()
            .filter(|years| (1..=30).contains(years))
            .ok_or_else(|| {
                invalid(
                    "limitation.years",
                    format!("expected a whole number of years from 1 to 30, found {years}"),
                )
            })?,
    };
    let window_days = table.window_days.unwrap_or(180);
    if !(0..=3660).contains(&window_days) {
        return Err(invalid(
            "limitation.window_days",
            format!("expected 0 to 3660 days, found {window_days}"),
        ));
    }
    let expired_severity = match table.expired_severity.as_deref() {
        None => Severity::Error,
        Some(word) => Severity::from_word(word).ok_or_else(|| {
            invalid(
                "limitation.expired_severity",
                format!("expected `info`, `warning` or `error`, found `{word}`"),
            )
        })?,
    };
    Ok(LimitationRule {
        rule: rule.to_string(),
        years,
        window_days,
        expired_severity,
        all_claims: table.all_claims.unwrap_or(false),
    })
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
            ColumnsFile::Product { product } => {
                if field != BillingField::ListAmount || product.len() != 2 {
                    return Err(invalid(
                        &key_path,
                        "only list_amount can be a product of columns, of two: a price and a quantity".into(),
                    ));
                }
                product.iter().map(Alternatives::names).collect()
            }
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
        let product = matches!(spec, ColumnsFile::Product { .. });
        columns.insert(
            field,
            FieldColumns {
                names,
                normalized,
                product,
            },
        );
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
            normalize_currency(code)
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
        open_months: format.open_months,
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
    if parsed.open_months && !parsed.columns.contains_key(&BillingField::Date) {
        return Err(invalid(
            "format.open_months",
            "a blank billing month can be taken from the charge date only when billing.date is mapped".to_string(),
        ));
    }
    Ok(parsed)
}
