//! Currency codes as users and exports write them. One rule for every input — contract
//! workbook, billing exports, payout ledgers and the rulesets' default currency — so the
//! same word always names the same currency.

use std::borrow::Cow;

/// An ISO currency code from what a user typed (`cny`, `RMB`, `人民币`).
pub fn normalize_currency(text: &str) -> Option<Cow<'_, str>> {
    let text = text.trim();
    match text {
        "RMB" | "rmb" | "人民币" | "¥" | "￥" => return Some(Cow::Borrowed("CNY")),
        "美元" | "$" => return Some(Cow::Borrowed("USD")),
        _ => {}
    }
    if text.len() != 3 || !text.bytes().all(|byte| byte.is_ascii_alphabetic()) {
        return None;
    }
    // Already upper case (the usual `CNY`): no copy on the billing hot path.
    if text.bytes().all(|byte| byte.is_ascii_uppercase()) {
        Some(Cow::Borrowed(text))
    } else {
        Some(Cow::Owned(text.to_ascii_uppercase()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_local_words_become_iso_codes() {
        assert_eq!(normalize_currency(" cny ").as_deref(), Some("CNY"));
        assert_eq!(normalize_currency("RMB").as_deref(), Some("CNY"));
        assert_eq!(normalize_currency("人民币").as_deref(), Some("CNY"));
        assert_eq!(normalize_currency("$").as_deref(), Some("USD"));
        assert!(matches!(normalize_currency("USD"), Some(Cow::Borrowed(_))));
        for bad in ["", "CN", "CNYY", "C1Y", "元"] {
            assert_eq!(normalize_currency(bad), None, "{bad}");
        }
    }
}
