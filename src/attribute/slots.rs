//! A hash index from three `u32`s to a `u32` whose slot for a key can be read ahead of the
//! lookup ([`Slots::touch`]): the attributor's window asks for the slots of all its lines
//! first, so their cache misses overlap, then looks them up (see `window`). A standard
//! map hides where a key's slot is; this one is open addressing with linear probing over
//! 16-byte entries, four to a cache line, kept at most half full, so a lookup nearly
//! always reads the one line [`Slots::touch`] read.

/// The value of an empty entry; never stored.
pub(super) const EMPTY: u32 = u32::MAX;

/// Entries of a new index: small, since an attributor may see a single line.
const FIRST_CAPACITY: usize = 16;

/// One slot: a key and its value, or [`EMPTY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(align(16))]
struct Entry {
    key: [u32; 3],
    value: u32,
}

const VACANT: Entry = Entry {
    key: [0; 3],
    value: EMPTY,
};

/// Keys of three `u32`s and their values, none of them [`EMPTY`].
#[derive(Debug, Default)]
pub(super) struct Slots {
    /// A power of two many entries (or none), at most half of them taken.
    entries: Vec<Entry>,
    len: usize,
}

impl Slots {
    /// Where `key`'s probe starts: a multiplicative hash of the key, its top bits.
    #[inline]
    fn home(&self, key: [u32; 3]) -> usize {
        let mixed = (u64::from(key[0]) | u64::from(key[1]) << 32)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29)
            ^ u64::from(key[2]);
        let hash = mixed.wrapping_mul(0xD6E8_FEB8_6659_FD93);
        // The top bits are the best mixed; the mask keeps an empty index at slot 0.
        (hash >> 32) as usize & self.entries.len().wrapping_sub(1)
    }

    /// Reads the entry `key`'s lookup starts at, so it is in the cache by the time
    /// [`Slots::get`] or [`Slots::insert`] needs it; returns what it read, to be passed to
    /// `std::hint::black_box` so the read is kept.
    #[inline]
    pub(super) fn touch(&self, key: [u32; 3]) -> u32 {
        self.entries
            .get(self.home(key))
            .map_or(EMPTY, |entry| entry.value)
    }

    /// The value of `key`, if it has one.
    #[inline]
    pub(super) fn get(&self, key: [u32; 3]) -> Option<u32> {
        let mask = self.entries.len().wrapping_sub(1);
        let mut slot = self.home(key);
        loop {
            let entry = self.entries.get(slot)?;
            if entry.value == EMPTY {
                return None;
            }
            if entry.key == key {
                return Some(entry.value);
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Gives `key`, which has no value yet, the value `value` (not [`EMPTY`]).
    pub(super) fn insert(&mut self, key: [u32; 3], value: u32) {
        debug_assert_ne!(value, EMPTY);
        if (self.len + 1) * 2 > self.entries.len() {
            self.grow();
        }
        let mask = self.entries.len() - 1;
        let mut slot = self.home(key);
        while self.entries[slot].value != EMPTY {
            slot = (slot + 1) & mask;
        }
        self.entries[slot] = Entry { key, value };
        self.len += 1;
    }

    /// Twice the entries (or the first ones), every key placed again.
    fn grow(&mut self) {
        let capacity = (self.entries.len() * 2).max(FIRST_CAPACITY);
        let old = std::mem::replace(&mut self.entries, vec![VACANT; capacity]);
        self.len = 0;
        for entry in old {
            if entry.value != EMPTY {
                self.insert(entry.key, entry.value);
            }
        }
    }

    /// How many keys have a value.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// How many entries there are room for.
    #[cfg(test)]
    pub(super) fn capacity(&self) -> usize {
        self.entries.len()
    }
}
