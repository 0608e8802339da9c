//! A billing-export layout (a ruleset's `[billing]` and `[format]` tables) and how well a
//! header row fits it.

use super::dates::{DateOrder, MonthSource};
use super::field::BillingField;
use super::header::{normalize_header, split_unit};
use std::collections::BTreeMap;

/// One normalised field's columns: the amounts of every summand are added; each summand
/// lists the header names that mean it, most preferred first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldColumns {
    /// Header names as written in the ruleset, per summand.
    pub names: Vec<Vec<String>>,
    /// The same, normalised for matching.
    pub(super) normalized: Vec<Vec<String>>,
    /// Whether the amount is the product of its columns (a price times a quantity: Azure
    /// EA's list cost is PayGPrice × Quantity) rather than their sum.
    pub product: bool,
}

impl FieldColumns {
    /// The names of one summand, joined for messages: `应付金额 / Pretax Amount`.
    pub fn describe(&self) -> String {
        self.names
            .iter()
            .map(|alternatives| alternatives.join(" / "))
            .collect::<Vec<_>>()
            .join(if self.product { " × " } else { " + " })
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
    pub(super) signature_normalized: Vec<Vec<String>>,
    /// Columns whose presence means the file is another format.
    pub excludes: Vec<String>,
    pub(super) excludes_normalized: Vec<String>,
    /// How slash dates with the year last are read.
    pub date_order: DateOrder,
    /// What the billing-month column holds.
    pub billing_month: MonthSource,
    /// Whether the billing month may be taken from the charge date when the export has no
    /// billing-month column.
    pub month_from_date: bool,
    /// Whether a row whose billing-month cell is blank takes its charge date's month (Azure
    /// MCA cost details leave the period blank on rows of a month not yet invoiced).
    pub open_months: bool,
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
    /// the signature columns, each condition once. A signature group whose names are all
    /// names of a required field (Alibaba's `产品Code` among the product's names, Tencent's
    /// payer account) is the narrower condition and implies the field's: it is shown in
    /// the field's place, not as a second line that reads as a duplicate.
    pub fn signature_columns(&self) -> Vec<String> {
        let mut groups: Vec<Option<(&Vec<String>, &Vec<String>)>> = self
            .signature
            .iter()
            .zip(&self.signature_normalized)
            .map(Some)
            .collect();
        let mut shown: Vec<String> = Vec::new();
        for field in BillingField::ALL
            .iter()
            .filter(|field| self.requires(**field))
        {
            let Some(columns) = self.columns.get(field) else {
                continue;
            };
            let narrower = match columns.normalized.as_slice() {
                [names] => groups.iter_mut().find(|group| {
                    group.is_some_and(|(_, normalized)| {
                        normalized.iter().all(|name| names.contains(name))
                    })
                }),
                _ => None,
            };
            let line = match narrower.and_then(Option::take) {
                Some((group, _)) => group.join(" / "),
                None => columns.describe(),
            };
            if !shown.contains(&line) {
                shown.push(line);
            }
        }
        for (group, _) in groups.into_iter().flatten() {
            let line = group.join(" / ");
            if !shown.contains(&line) {
                shown.push(line);
            }
        }
        shown
    }

    /// Matches a header row. A field's summand takes the first of its names found (in the
    /// ruleset's order of preference), wherever it is in the row.
    ///
    /// A header that differs from a name only by a currency unit in brackets (`应付金额(¥)`,
    /// `Cost (USD)`, `金额（元）`) is that name, when no header is the name itself.
    pub fn fit(&self, headers: &[String]) -> HeaderFit {
        let normalized: Vec<String> = headers
            .iter()
            .map(|header| normalize_header(header))
            .collect();
        let unit_free = unit_free_names(headers);
        let position = |names: &[String]| {
            names.iter().find_map(|name| {
                normalized
                    .iter()
                    .position(|header| header == name)
                    .or_else(|| {
                        unit_free
                            .iter()
                            .position(|header| header.as_ref() == Some(name))
                    })
            })
        };
        let mut columns = ColumnIndex::new();
        for (field, field_columns) in &self.columns {
            let found: Vec<usize> = field_columns
                .normalized
                .iter()
                .filter_map(|names| position(names))
                .collect();
            // A product needs every factor; a sum any of its summands.
            let complete = !field_columns.product || found.len() == field_columns.normalized.len();
            if !found.is_empty() && complete {
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
            if normalized.contains(name) || unit_free.contains(&Some(name.clone())) {
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

/// Each header's normalised name without its currency unit suffix; `None` for a header
/// that has none (its name is its normalised self).
pub fn unit_free_names(headers: &[String]) -> Vec<Option<String>> {
    headers
        .iter()
        .map(|header| match split_unit(header) {
            (name, Some(_)) => Some(normalize_header(name)),
            (_, None) => None,
        })
        .collect()
}
