//! Numbers as a spreadsheet user sees them. A number cell holds a binary float; what the
//! user typed and sees is its shortest round-trip text, so that text is what every exact
//! value is read from (0.1 → 0.1, never 0.1000000000000000055…).

use rust_decimal::Decimal;

/// Shortest round-trip text of a float, the way a spreadsheet user sees it.
/// Rust's `Display` for `f64` is the shortest text that parses back to the same float
/// and never uses an exponent, which is exactly what exact-cent conversion needs.
pub fn format_number(number: f64) -> String {
    if number == 0.0 {
        // Prints `-0` otherwise.
        return "0".to_string();
    }
    format!("{number}")
}

/// The exact decimal a spreadsheet user sees for a float: its shortest round-trip text,
/// read with `Decimal::from_str_exact` (0.1 → 0.1, never 0.1000000000000000055…).
/// `None` for NaN, infinities and values a `Decimal` cannot hold exactly.
pub fn decimal_from_f64(number: f64) -> Option<Decimal> {
    if !number.is_finite() {
        return None;
    }
    Decimal::from_str_exact(&format_number(number)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(value: &str) -> Decimal {
        Decimal::from_str_exact(value).unwrap()
    }

    #[test]
    fn decimal_from_f64_uses_shortest_text() {
        assert_eq!(decimal_from_f64(0.1), Some(dec("0.1")));
        assert_eq!(decimal_from_f64(19.99), Some(dec("19.99")));
        assert_eq!(decimal_from_f64(1234.56), Some(dec("1234.56")));
        assert_eq!(decimal_from_f64(-0.0).unwrap().to_string(), "0");
        for number in [f64::NAN, f64::INFINITY, 1e300, 1e-300] {
            assert_eq!(decimal_from_f64(number), None, "{number}");
        }
    }

    #[test]
    fn whole_numbers_print_without_a_fraction_and_zero_without_a_sign() {
        assert_eq!(format_number(2025.0), "2025");
        assert_eq!(format_number(-0.0), "0");
        assert_eq!(format_number(0.30000000000000004), "0.30000000000000004");
    }
}
