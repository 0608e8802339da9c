//! Numbers for the strings an attributor tallies by, so a tally looks up a number instead
//! of allocating a key.

use rustc_hash::FxHashMap as FastMap;
use std::sync::Arc;

/// Numbers distinct strings in the order first seen. Each name is allocated once and
/// shared ([`Interner::shared`]): a file's source groups all name their product with the
/// same `Arc<str>` instead of a `String` each.
#[derive(Default)]
pub(super) struct Interner {
    numbers: FastMap<Arc<str>, u32>,
    names: Vec<Arc<str>>,
}

impl Interner {
    pub(super) fn number(&mut self, name: &str) -> u32 {
        if let Some(number) = self.numbers.get(name) {
            return *number;
        }
        let number = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        let shared: Arc<str> = Arc::from(name);
        self.numbers.insert(Arc::clone(&shared), number);
        self.names.push(shared);
        number
    }

    pub(super) fn name(&self, number: u32) -> String {
        self.get(number).to_string()
    }

    /// The string numbered `number`, shared (empty for a number never given).
    pub(super) fn shared(&self, number: u32) -> Arc<str> {
        self.names
            .get(number as usize)
            .map_or_else(|| Arc::from(""), Arc::clone)
    }

    /// The string numbered `number` (empty for a number never given).
    pub(super) fn get(&self, number: u32) -> &str {
        self.names.get(number as usize).map_or("", |name| &**name)
    }
}
