//! The coefficient each (contract, product) pair's groups open with, worked out once per
//! file and kept in a dense table.
//!
//! With thousands of accounts in random order a file opens some 250,000 groups, and each
//! asked a hash map for its (contract, product) pair: a probe of a map of tens of
//! thousands of entries that missed the cache, then a read of the contract to see whether
//! an amendment re-weights it, another miss (docs/BENCHMARK.md, sixth round). Here a pair
//! is one `u32` in a table of contracts × product slots (4,000 contracts × 16 products
//! is 256 KB), naming one of the few distinct coefficients met, which carries the
//! amendment flag with it.

use rust_decimal::Decimal;
use rustc_hash::FxHashMap as FastMap;

/// The most product slots per contract the table holds; products met after these many
/// (an input with hundreds of products) go to a map beside it, so the table stays at
/// most contracts × 64 × 4 bytes.
const MAX_STRIDE: usize = 64;

/// Not worked out yet, in the table and the slots.
const NONE: u32 = 0;

/// What a group of a (contract, product) pair opens with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Coefficient {
    /// The coefficient from the contract's products, its ruleset, or 1.
    pub(super) value: Decimal,
    /// Whether anyone named the product.
    pub(super) known: bool,
    /// Whether an amendment of the contract re-weights products (then a group asks for
    /// its segment's coefficient).
    pub(super) amended: bool,
}

/// (contract, product) → [`Coefficient`], for one file.
#[derive(Debug, Default)]
pub(super) struct Coefficients {
    contracts: usize,
    /// 1 + the product's slot, by product number ([`NONE`]: no slot yet).
    slots: Vec<u32>,
    /// Slots given so far.
    slots_taken: u32,
    /// Product slots per contract in `table` (0 until the first pair is kept).
    stride: usize,
    /// `table[contract * stride + slot]`: 1 + the pair's place in `values`, or [`NONE`].
    table: Vec<u32>,
    /// The distinct coefficients met, exactly as found (`0.5` and `0.50` apart).
    values: Vec<Coefficient>,
    /// 1 + each distinct coefficient's place in `values`, by its stored bytes and flags,
    /// so a workbook of thousands of different coefficients costs no scan per pair.
    numbers: FastMap<([u8; 16], bool, bool), u32>,
    /// Pairs whose product's slot is past [`MAX_STRIDE`].
    more: FastMap<(usize, u32), u32>,
}

impl Coefficients {
    /// An empty table for `contracts` contracts; it allocates at the first pair kept.
    pub(super) fn new(contracts: usize) -> Self {
        Coefficients {
            contracts,
            ..Coefficients::default()
        }
    }

    /// The coefficient kept for `contract` and product number `product`, if any.
    #[inline]
    pub(super) fn get(&self, contract: usize, product: u32) -> Option<Coefficient> {
        let slot = *self.slots.get(product as usize)?;
        if slot == NONE {
            return None;
        }
        let slot = (slot - 1) as usize;
        let value = if slot < self.stride {
            *self.table.get(contract * self.stride + slot)?
        } else {
            *self.more.get(&(contract, product))?
        };
        if value == NONE {
            return None;
        }
        self.values.get((value - 1) as usize).copied()
    }

    /// Keeps `coefficient` for `contract` (below the count given to [`Coefficients::new`])
    /// and product number `product`.
    pub(super) fn insert(&mut self, contract: usize, product: u32, coefficient: Coefficient) {
        let value = self.value_number(coefficient);
        let slot = self.slot(product);
        if slot >= self.stride && !self.widen(slot) {
            self.more.insert((contract, product), value);
            return;
        }
        if let Some(entry) = self.table.get_mut(contract * self.stride + slot) {
            *entry = value;
        }
    }

    /// 1 + the place of `coefficient` among the distinct values, added if new.
    fn value_number(&mut self, coefficient: Coefficient) -> u32 {
        // Keyed as stored, so a coefficient keeps its scale (`0.50` is not `0.5`).
        let key = (
            coefficient.value.serialize(),
            coefficient.known,
            coefficient.amended,
        );
        let values = &mut self.values;
        *self.numbers.entry(key).or_insert_with(|| {
            values.push(coefficient);
            u32::try_from(values.len()).unwrap_or(u32::MAX)
        })
    }

    /// The product's slot, given the next one if it has none.
    fn slot(&mut self, product: u32) -> usize {
        let at = product as usize;
        if self.slots.len() <= at {
            self.slots.resize(at + 1, NONE);
        }
        if self.slots[at] == NONE {
            self.slots_taken = self.slots_taken.saturating_add(1);
            self.slots[at] = self.slots_taken;
        }
        (self.slots[at] - 1) as usize
    }

    /// Makes room for slot `slot` in every contract's row, each row's entries kept at
    /// their slots; `false` when that would pass [`MAX_STRIDE`].
    fn widen(&mut self, slot: usize) -> bool {
        let stride = (slot + 1).next_power_of_two().max(4);
        if stride > MAX_STRIDE {
            return false;
        }
        let mut table = vec![NONE; self.contracts * stride];
        if self.stride > 0 {
            for (old, new) in self
                .table
                .chunks_exact(self.stride)
                .zip(table.chunks_exact_mut(stride))
            {
                new[..self.stride].copy_from_slice(old);
            }
        }
        self.table = table;
        self.stride = stride;
        true
    }
}
