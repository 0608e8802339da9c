//! Numbers for the strings an attributor tallies by, so a tally looks up a number instead
//! of allocating a key.

use rustc_hash::FxHashMap as FastMap;

/// Numbers distinct strings in the order first seen.
#[derive(Default)]
pub(super) struct Interner {
    numbers: FastMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    pub(super) fn number(&mut self, name: &str) -> u32 {
        if let Some(number) = self.numbers.get(name) {
            return *number;
        }
        let number = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.numbers.insert(name.to_string(), number);
        self.names.push(name.to_string());
        number
    }

    pub(super) fn name(&self, number: u32) -> String {
        self.get(number).to_string()
    }

    /// The string numbered `number` (empty for a number never given).
    pub(super) fn get(&self, number: u32) -> &str {
        self.names.get(number as usize).map_or("", String::as_str)
    }
}
