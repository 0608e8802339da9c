//! A small deterministic random source (SplitMix64), so the same arguments always write
//! the same bytes on every machine.

/// SplitMix64: fast, statistically good enough for synthetic data, and portable.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(mix(seed, 0x5EED))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        finish(self.0)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `low..=high`.
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    /// True `per_mille` times in a thousand.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// One of `items`, uniformly.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A stable hash of two numbers, for identifiers derived from their owner (instance ids,
/// order numbers) without consuming the random stream.
pub fn mix(a: u64, b: u64) -> u64 {
    finish(a.wrapping_mul(0xD6E8_FEB8_6659_FD93) ^ finish(b.wrapping_add(0x9E37_79B9_7F4A_7C15)))
}

fn finish(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `count` characters of lower-case base 36 taken from `value` (and more hashing when
/// `value` runs out).
pub fn base36(mut value: u64, count: usize, out: &mut String) {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    for index in 0..count {
        if index % 12 == 11 {
            value = finish(value);
        }
        out.push(DIGITS[(value % 36) as usize] as char);
        value /= 36;
    }
}
