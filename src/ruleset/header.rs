//! How header names compare, in rulesets and in every table the auditor reads.

/// How headers are compared: case, white space and underscores do not matter.
pub fn normalize_header(header: &str) -> String {
    header
        .chars()
        .filter(|character| !character.is_whitespace() && *character != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Bracket pairs a unit suffix may be written in: ASCII and full-width.
const BRACKETS: [(char, char); 4] = [('(', ')'), ('（', '）'), ('[', ']'), ('［', '］')];

/// ISO codes read as a header's currency unit when written in upper case (`Cost (USD)`):
/// a closed list, so that a word such as `(TAX)` or `(VAT)` is never taken for one.
const CURRENCY_CODES: [&str; 30] = [
    "CNY", "USD", "EUR", "GBP", "JPY", "HKD", "SGD", "AUD", "CAD", "CHF", "KRW", "INR", "IDR",
    "MYR", "THB", "BRL", "MXN", "NZD", "SEK", "NOK", "DKK", "TWD", "RUB", "ZAR", "AED", "SAR",
    "PHP", "VND", "PLN", "TRY",
];

/// The currency a header's unit names: `¥`, `￥`, `元`, `人民币`, `RMB` and `CNY` are CNY,
/// `$` and `美元` USD, and the upper-case codes of [`CURRENCY_CODES`]. Anything else
/// (`万元`, `%`, `含税`) is no currency unit: such a suffix is part of the column's name.
fn unit_currency(unit: &str) -> Option<&'static str> {
    match unit.trim() {
        "¥" | "￥" | "元" | "人民币" | "RMB" => Some("CNY"),
        "$" | "美元" | "US$" => Some("USD"),
        code => CURRENCY_CODES.iter().copied().find(|known| *known == code),
    }
}

/// A header split into its name and the currency of a trailing unit suffix:
/// `应付金额(¥)` → (`应付金额`, CNY), `Cost (USD)` → (`Cost`, USD), `金额（元）` → (`金额`,
/// CNY). A header without such a suffix is its own name, with no unit.
pub fn split_unit(header: &str) -> (&str, Option<&'static str>) {
    let trimmed = header.trim_end();
    for (open, close) in BRACKETS {
        let Some(inner) = trimmed.strip_suffix(close) else {
            continue;
        };
        let Some(start) = inner.rfind(open) else {
            continue;
        };
        let name = inner[..start].trim_end();
        if name.is_empty() {
            continue;
        }
        if let Some(currency) = unit_currency(&inner[start + open.len_utf8()..]) {
            return (name, Some(currency));
        }
    }
    (header, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_currency_suffix_in_any_bracket_is_split_off() {
        for (header, name, unit) in [
            ("应付金额(¥)", "应付金额", "CNY"),
            ("官网价(￥)", "官网价", "CNY"),
            ("优惠后总价(元)", "优惠后总价", "CNY"),
            ("金额（元）", "金额", "CNY"),
            ("Cost (USD)", "Cost", "USD"),
            ("Cost(USD) ", "Cost", "USD"),
            ("net_amount [CNY]", "net_amount", "CNY"),
            ("net_amount［EUR］", "net_amount", "EUR"),
            ("Amount (CNY)", "Amount", "CNY"),
            ("金额(人民币)", "金额", "CNY"),
            ("Amount ($)", "Amount", "USD"),
        ] {
            assert_eq!(split_unit(header), (name, Some(unit)), "{header}");
        }
    }

    #[test]
    fn other_suffixes_are_part_of_the_name() {
        for header in [
            "Total Amount After Discount (Excluding Tax)",
            "OriginalCost (After Coupon)",
            "金额(万元)",
            "Amount (VAT)",
            "Amount (usd)",
            "(USD)",
            "Cost (USD",
            "Cost (USD]",
            "应付金额",
        ] {
            assert_eq!(split_unit(header), (header, None), "{header}");
        }
    }
}
