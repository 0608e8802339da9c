//! The kit's worked example: one contract (quarterly, two retroactive brackets, RDS
//! weighted 0.5) and a bill of its first two quarters, which the README sheet audits by
//! hand — 4,050.00 due for 2026-Q1, 1,680.00 for 2026-Q2 — and `tests/it/init.rs` checks.

use super::{Column, Kind, Value};
use crate::domain::lang::Lang;
use crate::report::i18n::kit::kit;
use chrono::NaiveDate;

/// The example contract's id.
pub const CONTRACT: &str = "DEMO-2026-001";

/// Its billing account.
const ACCOUNT: &str = "1002003001";

/// A small bill in the generic template for the example contract's account: 2026-Q1 weighs
/// 135,000.00 (ECS 125,000 + RDS 20,000 × 0.5), 2026-Q2 84,000.00.
pub const SAMPLE_BILL: &str = "account_id,billing_month,product,net_amount,currency
1002003001,2026-01,ECS,40000.00,CNY
1002003001,2026-01,RDS,10000.00,CNY
1002003001,2026-02,ECS,45000.00,CNY
1002003001,2026-03,ECS,40000.00,CNY
1002003001,2026-03,RDS,10000.00,CNY
1002003001,2026-04,ECS,30000.00,CNY
1002003001,2026-05,ECS,30000.00,CNY
1002003001,2026-05,RDS,8000.00,CNY
1002003001,2026-06,ECS,20000.00,CNY
";

fn date(year: i32, month: u32, day: u32) -> Value {
    NaiveDate::from_ymd_opt(year, month, day).map_or(Value::Empty, Value::Date)
}

fn text(text: &str) -> Value {
    Value::Text(text.to_string())
}

/// The dropdown word, in the kit's language, of the value whose canonical word is
/// `canonical`.
fn word(columns: &[Column], name: &str, canonical: &str) -> Value {
    columns
        .iter()
        .find(|column| column.spec.name == name)
        .and_then(|column| match &column.kind {
            Kind::Words(words) => words
                .spellings
                .iter()
                .position(|group| group[0] == canonical)
                .map(|index| text(&words.choices[index])),
            _ => None,
        })
        .unwrap_or_else(|| text(canonical))
}

/// The example's rows of a sheet, a value per column (by the column's English name).
pub(super) fn rows(sheet: &str, columns: &[Column], lang: Lang) -> Vec<Vec<Value>> {
    let (customer, agent) = kit(lang).example_parties();
    let contract = |name: &str| -> Value {
        match name {
            "contract_id" => text(CONTRACT),
            "customer" => text(customer),
            "agent" => text(agent),
            "agent_tax_id" => text("91310000MA1K000000"),
            "provider" => text("generic"),
            "accounts" => text(ACCOUNT),
            "start" => date(2026, 1, 1),
            "end" => date(2026, 12, 31),
            "currency" => text("CNY"),
            "base" => word(columns, name, "net"),
            "tier_basis" => word(columns, name, "period"),
            "tier_mode" => word(columns, name, "retroactive"),
            "cap" => Value::Number(50_000.0),
            "settlement" => word(columns, name, "quarterly"),
            "due_days" => Value::Number(30.0),
            "invoice" => word(columns, name, "vat_special"),
            "tax_rate" => Value::Number(0.06),
            "payout_kind" => word(columns, name, "cash"),
            _ => Value::Empty,
        }
    };
    let table: Vec<Vec<(&str, Value)>> = match sheet {
        "contracts" => vec![
            columns
                .iter()
                .map(|column| (column.spec.name, contract(column.spec.name)))
                .collect(),
        ],
        "tiers" => vec![
            vec![
                ("contract_id", text(CONTRACT)),
                ("from", Value::Number(0.0)),
                ("to", Value::Number(100_000.0)),
                ("rate", Value::Number(0.02)),
            ],
            vec![
                ("contract_id", text(CONTRACT)),
                ("from", Value::Number(100_000.0)),
                ("rate", Value::Number(0.03)),
            ],
        ],
        "products" => vec![vec![
            ("contract_id", text(CONTRACT)),
            ("product", text("rds")),
            ("coefficient", Value::Number(0.5)),
        ]],
        _ => Vec::new(),
    };
    table
        .into_iter()
        .map(|row| {
            columns
                .iter()
                .map(|column| {
                    row.iter()
                        .find(|(name, _)| *name == column.spec.name)
                        .map_or(Value::Empty, |(_, value)| value.clone())
                })
                .collect()
        })
        .collect()
}
