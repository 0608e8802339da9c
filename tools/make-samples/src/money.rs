//! Money helpers.

use super::*;

pub(crate) fn dec(s: &str) -> Decimal {
    Decimal::from_str_exact(s).expect("decimal literal")
}

pub(crate) fn k(thousands: i64) -> Decimal {
    Decimal::from(thousands * 1000)
}

/// docs/ARITHMETIC.md: half away from zero to 0.01.
pub(crate) fn r2(x: Decimal) -> Decimal {
    x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Plain money text with exactly two decimals, e.g. `-1234.50`.
pub(crate) fn m2(x: Decimal) -> String {
    let mut y = r2(x);
    if y.is_zero() {
        y = Decimal::ZERO;
    }
    y.rescale(2);
    y.to_string()
}

/// Money with thousands separators, e.g. `1,234.50`.
pub(crate) fn grp(x: Decimal) -> String {
    let s = m2(x);
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, s),
    };
    let (int, frac) = s.split_once('.').expect("two decimals");
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{}{out}.{frac}", if neg { "-" } else { "" })
}

pub(crate) fn pct(x: Decimal) -> String {
    format!("{}%", (x * Decimal::from(100)).normalize())
}

pub(crate) fn f64_of(x: Decimal) -> f64 {
    x.to_f64().expect("finite")
}

/// Tiny deterministic generator (PCG-style LCG); no `rand`.
pub(crate) struct Lcg(pub(crate) u64);

impl Lcg {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub(crate) fn alnum(&mut self, len: usize) -> String {
        const CH: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        (0..len)
            .map(|_| CH[self.below(CH.len() as u64) as usize] as char)
            .collect()
    }
}
