//! Lines routed but not yet summed: the attributor's window.
//!
//! With thousands of accounts in random order, a line's group is one of some 250,000 and
//! no recent line touched it: finding it in the group index and adding to its sums cost
//! two or three cache misses, one waiting for the other, and a line's own work (parsing,
//! hashing, routing) is too long for the processor to start the next line's misses
//! meanwhile (docs/BENCHMARK.md, many contracts). So a routed line waits here, reduced
//! to its group key, row and amounts; when [`WINDOW`] lines wait (or the file ends, or a
//! line must be summed at once), the window is summed in short passes over all of them —
//! every line's group found, then every group's cache line read, then every line added —
//! so the misses of one pass are independent and overlap.
//!
//! Nothing changes but when the work is done: the window is summed in line order, so
//! groups open in the order their first line came, each group takes its lines in row
//! order, and a line that cannot wait (an amount with more than eight decimals or out of
//! the `i64` range) is summed only after the window before it.

use super::groups::LineUnits;
use rust_decimal::Decimal;

/// Lines a window holds (about 20 KB, so it stays in the first-level cache): enough for
/// the misses of one pass to overlap many times over, small enough that its passes stay
/// in the cache.
pub(super) const WINDOW: usize = 256;

/// A routed line waiting to be summed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Pending {
    /// The group index's key: (segment number across contracts, table, product number).
    pub(super) key: [u32; 3],
    /// The contract and segment the line went to.
    pub(super) contract: usize,
    pub(super) segment: usize,
    /// The line's row.
    pub(super) row: usize,
    /// Whether the billing reader knew the line's product (`BillingLine::product_known`).
    pub(super) product_known: bool,
    /// The net amount as read, for the unknown-product tally (a `Decimal` sum keeps the
    /// sign of a zero; units do not).
    pub(super) net: Decimal,
    /// The amounts summed into the group.
    pub(super) units: LineUnits,
}

/// The lines waiting, in line order, and their groups once found.
#[derive(Debug, Default)]
pub(super) struct Window {
    pub(super) lines: Vec<Pending>,
    /// Each line's group index value (group number, with the "product known" bit), by
    /// place in `lines`, while the window is summed; `None` if it could not be opened.
    pub(super) found: Vec<Option<u32>>,
}

impl Window {
    /// Adds a line; whether the window is now full.
    #[inline]
    pub(super) fn push(&mut self, pending: Pending) -> bool {
        if self.lines.capacity() == 0 {
            // Once, at the first line: an attributor that never sees a line (packs make
            // one per line) allocates nothing.
            self.lines.reserve_exact(WINDOW);
        }
        self.lines.push(pending);
        self.lines.len() >= WINDOW
    }

    /// How many lines wait.
    pub(super) fn len(&self) -> usize {
        self.lines.len()
    }
}
