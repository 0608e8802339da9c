//! Billed product names resolved through a ruleset's aliases, once per name, and
//! numbered for attribution.

use super::fast_row::NO_WORD;
use crate::ruleset::Ruleset;
use rustc_hash::FxHashMap as FastMap;

/// Billed product names resolved to their canonical names, per layout — resolving an
/// alias lower-cases the name, which is worth doing once per name, not once per line —
/// and the canonical names numbered in the order met
/// ([`BillingLine::product_number`](crate::domain::billing::BillingLine::product_number)).
pub(super) struct Products {
    /// Per layout: billed name → (number, known).
    by_layout: Vec<FastMap<String, (u32, bool)>>,
    /// Canonical names by number, and their numbers.
    names: Vec<String>,
    numbers: FastMap<String, u32>,
    /// The last lookup: layout, billed name, number, known. Exports list an account's
    /// lines by product, so lines often repeat it.
    last: (usize, String, u32, bool),
    /// Recent lookups by the billed name's word
    /// ([`Fields::word`](crate::ingest::table::Fields::word)): (word, layout, number,
    /// known), placed by a hash of the word. A day of an account lists a handful of
    /// products in turn; comparing a word beats hashing and comparing the name.
    recent: Box<[RecentProduct; RECENT_PRODUCTS]>,
}

/// A slot of [`Products::recent`]: the billed name's word, the layout, the number and
/// whether the ruleset knows the product.
type RecentProduct = ((u128, usize), usize, u32, bool);

/// Slots of [`Products::recent`] (a power of two).
const RECENT_PRODUCTS: usize = 64;

impl Products {
    pub(super) fn new(layouts: usize) -> Self {
        Products {
            by_layout: vec![FastMap::default(); layouts],
            names: Vec::new(),
            numbers: FastMap::default(),
            last: (usize::MAX, String::new(), 0, false),
            recent: Box::new([(NO_WORD, usize::MAX, 0, false); RECENT_PRODUCTS]),
        }
    }

    /// [`Products::resolve`] for a billed name whose word is `word` (`NO_WORD` when it
    /// has none).
    #[inline]
    pub(super) fn resolve_word(
        &mut self,
        layout: usize,
        ruleset: &Ruleset,
        billed: &str,
        word: (u128, usize),
    ) -> (u32, bool) {
        let mixed = (word.0 as u64) ^ ((word.0 >> 64) as u64).rotate_left(29) ^ word.1 as u64;
        let slot = (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize % RECENT_PRODUCTS;
        let entry = self.recent[slot];
        if entry.0 == word && entry.1 == layout && word != NO_WORD {
            return (entry.2, entry.3);
        }
        let (number, known) = self.resolve(layout, ruleset, billed);
        if word != NO_WORD {
            self.recent[slot] = (word, layout, number, known);
        }
        (number, known)
    }

    /// The number of the canonical name of `billed` under `ruleset` (the table's layout
    /// `layout`), and whether the ruleset knows it.
    #[inline]
    pub(super) fn resolve(
        &mut self,
        layout: usize,
        ruleset: &Ruleset,
        billed: &str,
    ) -> (u32, bool) {
        if self.last.0 == layout && self.last.1 == billed {
            return (self.last.2, self.last.3);
        }
        let (number, known) = match self.by_layout[layout].get(billed) {
            Some(found) => *found,
            None => {
                let product = ruleset.product(billed);
                let number = match self.numbers.get(&product.name) {
                    Some(number) => *number,
                    None => {
                        let number = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
                        self.numbers.insert(product.name.clone(), number);
                        self.names.push(product.name);
                        number
                    }
                };
                self.by_layout[layout].insert(billed.to_string(), (number, product.known));
                (number, product.known)
            }
        };
        self.last.0 = layout;
        self.last.1.clear();
        self.last.1.push_str(billed);
        self.last.2 = number;
        self.last.3 = known;
        (number, known)
    }

    /// The canonical name numbered `number`.
    pub(super) fn name(&self, number: u32) -> &str {
        self.names.get(number as usize).map_or("", String::as_str)
    }
}
