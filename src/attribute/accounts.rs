//! The account index's table: account id → where its candidate contracts are, with the
//! slot of an account readable ahead of the lookup ([`Accounts::touch`]).
//!
//! With thousands of accounts in random order, finding a line's account is a cache miss
//! (docs/BENCHMARK.md, many contracts, fourth round); the attributor's staged lines
//! (see `staged`) ask for the slots of all of them first, so the misses overlap, then look
//! them up. A standard map hides where a key's slot is; this one is open addressing with
//! linear probing over 32-byte entries, two to a cache line, at most half full, each
//! holding the id itself (up to [`INLINE`] bytes, zero-padded) so a lookup compares the
//! entry it reads and follows no pointer. Longer ids (account ids have 10–20 characters)
//! live in an ordinary map beside it.

use rustc_hash::{FxHashMap as FastMap, FxHasher};
use std::hash::Hasher;

/// The longest account id kept inside an entry.
pub(super) const INLINE: usize = 22;

/// The `length` of an empty entry (never an id's length: those are at most [`INLINE`]).
const EMPTY: u8 = u8::MAX;

/// One slot: an id of at most [`INLINE`] bytes, zero-padded, and its candidates' place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(align(32))]
struct Entry {
    bytes: [u8; INLINE],
    length: u8,
    /// Where the account's candidates start and how many there are.
    start: u32,
    count: u32,
}

const VACANT: Entry = Entry {
    bytes: [0; INLINE],
    length: EMPTY,
    start: 0,
    count: 0,
};

/// An account id prepared for the table: its bytes zero-padded and its hash, worked out
/// once for [`Accounts::touch`] and [`Accounts::get`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Probe {
    bytes: [u8; INLINE],
    /// The id's length, or [`EMPTY`] for an id longer than [`INLINE`] bytes.
    length: u8,
    hash: u64,
}

impl Probe {
    /// `account` prepared for a lookup.
    #[inline]
    pub(super) fn new(account: &str) -> Probe {
        let account = account.as_bytes();
        let mut bytes = [0; INLINE];
        match bytes.get_mut(..account.len()) {
            Some(inline) => {
                inline.copy_from_slice(account);
                let mut hasher = FxHasher::default();
                hasher.write(&bytes);
                Probe {
                    bytes,
                    length: account.len() as u8,
                    hash: hasher.finish(),
                }
            }
            None => Probe {
                bytes,
                length: EMPTY,
                hash: 0,
            },
        }
    }
}

/// Account ids and where their candidate contracts are.
#[derive(Debug, Default)]
pub(super) struct Accounts {
    /// A power of two many entries (or none), at most half of them taken.
    entries: Vec<Entry>,
    len: usize,
    /// Ids longer than [`INLINE`] bytes.
    long: FastMap<Box<str>, (u32, u32)>,
}

impl Accounts {
    /// Where `probe`'s search starts: the top bits of its hash, mixed once more.
    #[inline]
    fn home(&self, probe: &Probe) -> usize {
        let hash = probe.hash.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (hash >> 32) as usize & self.entries.len().wrapping_sub(1)
    }

    /// Reads the entry `probe`'s lookup starts at, so it is in the cache by the time
    /// [`Accounts::get`] needs it; returns what it read, to be passed to
    /// `std::hint::black_box` so the read is kept.
    #[inline]
    pub(super) fn touch(&self, probe: &Probe) -> u32 {
        self.entries
            .get(self.home(probe))
            .map_or(0, |entry| entry.start)
    }

    /// Where `account`'s candidates are (start, count), if it has any.
    #[inline]
    pub(super) fn get(&self, account: &str, probe: &Probe) -> Option<(u32, u32)> {
        if probe.length == EMPTY {
            return self.long.get(account).copied();
        }
        let mask = self.entries.len().wrapping_sub(1);
        let mut slot = self.home(probe);
        loop {
            let entry = self.entries.get(slot)?;
            if entry.length == EMPTY {
                return None;
            }
            if entry.length == probe.length && entry.bytes == probe.bytes {
                return Some((entry.start, entry.count));
            }
            slot = (slot + 1) & mask;
        }
    }

    /// How many ids the table holds.
    pub(super) fn len(&self) -> usize {
        self.len + self.long.len()
    }

    /// Gives `account`, not yet in the table, its candidates' place.
    pub(super) fn insert(&mut self, account: &str, place: (u32, u32)) {
        let probe = Probe::new(account);
        if probe.length == EMPTY {
            self.long.insert(account.into(), place);
            return;
        }
        if (self.len + 1) * 2 > self.entries.len() {
            self.grow();
        }
        self.place(Entry {
            bytes: probe.bytes,
            length: probe.length,
            start: place.0,
            count: place.1,
        });
    }

    fn place(&mut self, entry: Entry) {
        let probe = Probe {
            bytes: entry.bytes,
            length: entry.length,
            hash: {
                let mut hasher = FxHasher::default();
                hasher.write(&entry.bytes);
                hasher.finish()
            },
        };
        let mask = self.entries.len() - 1;
        let mut slot = self.home(&probe);
        while self.entries[slot].length != EMPTY {
            slot = (slot + 1) & mask;
        }
        self.entries[slot] = entry;
        self.len += 1;
    }

    /// Twice the entries (or the first ones), every id placed again.
    fn grow(&mut self) {
        let capacity = (self.entries.len() * 2).max(16);
        let old = std::mem::replace(&mut self.entries, vec![VACANT; capacity]);
        self.len = 0;
        for entry in old {
            if entry.length != EMPTY {
                self.place(entry);
            }
        }
    }
}
