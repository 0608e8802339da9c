//! One file's source groups while it streams, kept small for the hot path: with thousands
//! of accounts in random order every line lands on a group no recent line touched, so
//! what a line costs is the cache lines it reads (docs/BENCHMARK.md, many contracts).
//!
//! A group's sums live in one 64-byte cache line ([`Hot`]) as long as every amount has at
//! most eight decimals and the sums fit an `i64` in units of 10^-8 (92 billion yuan per
//! group and file): the same integers an [`OpenGroup`]'s `RunningSum`s hold, narrower.
//! Its closed row ranges go to one shared list, appended in order, instead of a heap
//! list per group. The first line that does not fit moves the group, exactly as it
//! stands, into a full [`OpenGroup`], which takes that line and every later one; so the
//! result is the one summing every line into an `OpenGroup` gives, by construction.

use super::bucket::{LineAmounts, OpenGroup, SourceGroup};
use super::rows::{MAX_RANGES, OpenRows, RowRanges};
use crate::domain::billing::BillingLine;
use crate::domain::controls::Tally;
use crate::domain::money::{self, Overflow, RunningSum};
use rust_decimal::Decimal;

/// No closed range yet, or not moved into an [`OpenGroup`].
const NONE: u32 = u32::MAX;

/// The decimals of a unit, as `RunningSum` counts them: 10^-8.
const UNIT_DECIMALS: u32 = 8;

/// 10^0 … 10^8.
const POWERS_OF_TEN: [i128; UNIT_DECIMALS as usize + 1] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// Which of a group's four sums.
const BASE: usize = 0;
const NET: usize = 1;
const LIST: usize = 2;
const VOUCHER: usize = 3;

/// A group's running sums in one cache line.
#[derive(Debug, Clone, Copy)]
#[repr(align(64))]
struct Hot {
    /// Σ line base, net, list and voucher, in units of 10^-8.
    units: [i64; 4],
    /// The most decimals an amount added to each sum had (`RunningSum`'s `decimals`).
    decimals: [u8; 4],
    rows: u32,
    without_list: u32,
    /// The row range still growing; meaningful once `rows > 0`.
    open: (u32, u32),
    /// The newest closed range in [`Groups::closed`], or [`NONE`]: the head of the chain
    /// a group that leaves the small form is moved along ([`Groups::open_group`]).
    closed: u32,
    closed_count: u8,
    truncated: bool,
    /// Where the group went in [`Groups::spilled`] once a line did not fit, or [`NONE`].
    spilled: u32,
}

impl Hot {
    const EMPTY: Hot = Hot {
        units: [0; 4],
        decimals: [0; 4],
        rows: 0,
        without_list: 0,
        open: (0, 0),
        closed: NONE,
        closed_count: 0,
        truncated: false,
        spilled: NONE,
    };
}

/// An amount in units of 10^-8 with its decimals, when it has at most eight decimals and
/// fits an `i64` there.
#[inline]
fn units(amount: Decimal) -> Option<(i64, u8)> {
    let decimals = amount.scale();
    if decimals > UNIT_DECIMALS {
        return None;
    }
    // A mantissa below 2^96 times 10^8 stays below 2^123: no overflow in i128.
    let units = amount.mantissa() * POWERS_OF_TEN[(UNIT_DECIMALS - decimals) as usize];
    Some((i64::try_from(units).ok()?, decimals as u8))
}

/// The amount `units` stands for, with its decimals: the mantissa and scale it was made
/// from, so a `RunningSum` adds it exactly as it added the original. For a group's sum
/// it is also what `RunningSum::total` gives for the same amounts (every amount had at
/// most `decimals` decimals, so the division is exact); the division stays in `i64`,
/// which closing 250,000 groups a file notices (docs/BENCHMARK.md, seventh round).
fn amount(units: i64, decimals: u8) -> Decimal {
    // At most 10^8: the power fits an `i64` as it is.
    let power = POWERS_OF_TEN[(UNIT_DECIMALS - u32::from(decimals)) as usize] as i64;
    let mantissa = units / power;
    Decimal::new(mantissa, u32::from(decimals))
}

/// A line's base, net, list and voucher amounts in units of 10^-8, worked out when the
/// line is read so it can wait in the attributor's window (see `window`) without the
/// line: only for lines whose every amount has at most eight decimals and fits an `i64`
/// there — the lines a group's small form takes, as long as its sums fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LineUnits {
    units: [i64; 4],
    decimals: [u8; 4],
    /// Whether the line has a list amount (one without counts in `without_list`).
    list: bool,
    /// Whether the voucher is not zero (a zero voucher is not added, as in
    /// [`OpenGroup::add`]).
    voucher: bool,
}

impl LineUnits {
    /// The line's amounts with `line_base`; `None` when one has more than eight decimals
    /// or does not fit an `i64` in units of 10^-8.
    #[inline]
    pub(super) fn of(line_base: Decimal, line: &BillingLine<'_>) -> Option<LineUnits> {
        let (base, base_decimals) = units(line_base)?;
        let (net, net_decimals) = units(line.net_amount)?;
        let (list, list_decimals) = match line.list_amount {
            Some(list) => units(list)?,
            None => (0, 0),
        };
        let voucher = !line.voucher.is_zero();
        let (voucher_units, voucher_decimals) = if voucher {
            units(line.voucher)?
        } else {
            (0, 0)
        };
        Some(LineUnits {
            units: [base, net, list, voucher_units],
            decimals: [base_decimals, net_decimals, list_decimals, voucher_decimals],
            list: line.list_amount.is_some(),
            voucher,
        })
    }

    /// Adds the line to `group`, in its full form.
    fn add_to(&self, group: &mut OpenGroup, row: usize) -> Result<(), Overflow> {
        let at = |which: usize| amount(self.units[which], self.decimals[which]);
        let list = self.list.then(|| at(LIST));
        // A zero voucher is not added: any zero stands for it.
        group.add(row, at(BASE), at(NET), list, at(VOUCHER))
    }
}

/// The `RunningSum` holding `units` with `decimals`: what adding the same amounts one by
/// one to a `RunningSum` gives (every amount had at most `decimals` decimals, so the
/// units are a whole number of 10^-`decimals`).
fn running(units: i64, decimals: u8) -> Result<RunningSum, Overflow> {
    let decimals = u32::from(decimals);
    let scaled = i128::from(units) / POWERS_OF_TEN[(UNIT_DECIMALS - decimals) as usize];
    let total = Decimal::try_from_i128_with_scale(scaled, decimals).map_err(|_| Overflow)?;
    let mut sum = RunningSum::default();
    sum.add(total)?;
    Ok(sum)
}

/// A closed row range in the shared list.
#[derive(Debug, Clone, Copy)]
struct Closed {
    first: u32,
    last: u32,
    /// The group's previous closed range, or [`NONE`].
    previous: u32,
    /// The group's number, so the file's end can gather every group's ranges in one pass
    /// over the list ([`Groups::close_all`]) instead of walking each group's chain.
    group: u32,
}

/// The source groups of one file, numbered in the order they were opened.
#[derive(Debug, Default, Clone)]
pub(super) struct Groups {
    hot: Vec<Hot>,
    coefficients: Vec<Decimal>,
    /// Closed row ranges of every group, in the order they closed.
    closed: Vec<Closed>,
    /// Groups a line did not fit, whole.
    spilled: Vec<Option<OpenGroup>>,
}

impl Groups {
    /// Opens a group weighted by `coefficient`; its number.
    pub(super) fn open(&mut self, coefficient: Decimal) -> usize {
        self.hot.push(Hot::EMPTY);
        self.coefficients.push(coefficient);
        self.hot.len() - 1
    }

    /// Adds a line to group `group`, as [`OpenGroup::add`] does.
    ///
    /// # Errors
    /// When a sum leaves the `Decimal` range (as [`OpenGroup::add`]).
    pub(super) fn add(
        &mut self,
        group: usize,
        row: usize,
        line_base: Decimal,
        line: &BillingLine<'_>,
    ) -> Result<(), Overflow> {
        match LineUnits::of(line_base, line) {
            Some(units) => self.add_units(group, row, &units),
            None => self.whole(group)?.add(
                row,
                line_base,
                line.net_amount,
                line.list_amount,
                line.voucher,
            ),
        }
    }

    /// Adds a line's amounts, worked out beforehand, to group `group`, as
    /// [`Groups::add`] does with the line.
    ///
    /// # Errors
    /// When a sum leaves the `Decimal` range (as [`OpenGroup::add`]).
    #[inline]
    pub(super) fn add_units(
        &mut self,
        group: usize,
        row: usize,
        units: &LineUnits,
    ) -> Result<(), Overflow> {
        let hot = &mut self.hot[group];
        if hot.spilled == NONE && add_hot(hot, &mut self.closed, group, row, units).is_some() {
            return Ok(());
        }
        units.add_to(self.whole(group)?, row)
    }

    /// Group `group` in its full form, moved there (as it stands) if it was small.
    fn whole(&mut self, group: usize) -> Result<&mut OpenGroup, Overflow> {
        if self.hot[group].spilled == NONE {
            let whole = self.open_group(group)?;
            let place = u32::try_from(self.spilled.len())
                .ok()
                .filter(|&place| place != NONE)
                .ok_or(Overflow)?;
            self.spilled.push(Some(whole));
            self.hot[group].spilled = place;
        }
        let place = self.hot[group].spilled as usize;
        self.spilled[place].as_mut().ok_or(Overflow)
    }

    /// How many groups are open.
    pub(super) fn len(&self) -> usize {
        self.hot.len()
    }

    /// Reads group `group`'s cache line, so the line is on its way into the cache before
    /// [`Groups::add_units`] or [`Groups::close`] needs it (see `window`).
    #[inline]
    pub(super) fn touch(&self, group: usize) -> u32 {
        self.hot[group].rows
    }

    /// How many groups left the small form.
    #[cfg(test)]
    pub(super) fn spilled(&self) -> usize {
        self.spilled.len()
    }

    /// Closes group `group` alone, walking its chain of closed ranges: the reference
    /// [`Closing::close`] is checked against.
    #[cfg(test)]
    pub(super) fn close(&mut self, group: usize) -> Result<SourceGroup, Overflow> {
        let place = self.hot[group].spilled;
        let whole = if place == NONE {
            self.open_group(group)?
        } else {
            self.spilled[place as usize].take().ok_or(Overflow)?
        };
        whole.close()
    }

    /// The groups once the file has ended, each group's closed ranges gathered beside
    /// the others' ([`Closing`]).
    pub(super) fn closing(self) -> Closing {
        let mut starts = Vec::with_capacity(self.hot.len() + 1);
        let mut total = 0u32;
        starts.push(0);
        for hot in &self.hot {
            // Fewer than 2^32 ranges: each took a number in the list below `NONE`.
            total += u32::from(hot.closed_count);
            starts.push(total);
        }
        let mut next = starts.clone();
        let mut ranges = vec![(0, 0); self.closed.len()];
        for closed in &self.closed {
            let at = &mut next[closed.group as usize];
            ranges[*at as usize] = (closed.first, closed.last);
            *at += 1;
        }
        Closing {
            groups: self,
            starts,
            ranges,
        }
    }

    /// The group in its full form, as summing its lines into an [`OpenGroup`] leaves it,
    /// its closed ranges found by walking their chain (for a group leaving the small form
    /// while the file streams, and the tests).
    fn open_group(&self, group: usize) -> Result<OpenGroup, Overflow> {
        let hot = &self.hot[group];
        let mut ranges = Vec::with_capacity(usize::from(hot.closed_count));
        let mut next = hot.closed;
        while next != NONE {
            let closed = self.closed[next as usize];
            ranges.push((closed.first, closed.last));
            next = closed.previous;
        }
        ranges.reverse();
        self.open_with(group, &ranges)
    }

    /// The group in its full form, given its closed ranges in order.
    fn open_with(&self, group: usize, closed: &[(u32, u32)]) -> Result<OpenGroup, Overflow> {
        let hot = &self.hot[group];
        let closed = RowRanges::from_parts(closed, hot.truncated);
        Ok(OpenGroup {
            coefficient: self.coefficients[group],
            rows: u64::from(hot.rows),
            base: running(hot.units[BASE], hot.decimals[BASE])?,
            ranges: OpenRows::from_parts((hot.rows > 0).then_some(hot.open), closed),
            net: running(hot.units[NET], hot.decimals[NET])?,
            list: running(hot.units[LIST], hot.decimals[LIST])?,
            without_list: u64::from(hot.without_list),
            voucher: running(hot.units[VOUCHER], hot.decimals[VOUCHER])?,
        })
    }
}

/// A file's groups once the file has ended, to be closed one by one in any order.
///
/// A group's closed ranges lie scattered through the shared list (they closed in line
/// order, and with accounts in random order a group's lines are far apart), so walking
/// each group's chain jumps from miss to miss. Instead one pass over the list sorts them
/// by group — a counting sort: each group's count is known, and the pass keeps each
/// group's ranges in the order they closed — and a group's ranges are then one slice.
#[derive(Debug)]
pub(super) struct Closing {
    groups: Groups,
    /// Group `g`'s closed ranges are `ranges[starts[g]..starts[g + 1]]`.
    starts: Vec<u32>,
    ranges: Vec<(u32, u32)>,
}

impl Closing {
    /// Reads what closing group `group` reads first (its sums, coefficient and where its
    /// ranges start), so it is on its way into the cache before [`Closing::close`]
    /// needs it; returns what it read, for `std::hint::black_box`.
    #[inline]
    pub(super) fn touch(&self, group: usize) -> u32 {
        self.groups.hot[group].rows ^ self.groups.coefficients[group].scale() ^ self.starts[group]
    }

    /// Reads group `group`'s first closed range (after [`Closing::touch`]).
    #[inline]
    pub(super) fn touch_ranges(&self, group: usize) -> u32 {
        self.ranges
            .get(self.starts[group] as usize)
            .map_or(0, |&(first, _)| first)
    }

    /// Closes group `group` (once): what [`Groups::close`] gives.
    ///
    /// # Errors
    /// When a sum does not fit a `Decimal`.
    pub(super) fn close(&mut self, group: usize) -> Result<SourceGroup, Overflow> {
        let hot = &self.groups.hot[group];
        if hot.spilled != NONE {
            let whole = self.groups.spilled[hot.spilled as usize].take();
            return whole.ok_or(Overflow)?.close();
        }
        // Straight from the small form, without the `OpenGroup` it stands for: the same
        // sums (`amount` is what `RunningSum::total` gives) and ranges, field for field.
        let closed = &self.ranges[self.starts[group] as usize..self.starts[group + 1] as usize];
        let coefficient = self.groups.coefficients[group];
        let base = amount(hot.units[BASE], hot.decimals[BASE]);
        Ok(SourceGroup {
            coefficient,
            base: Tally {
                rows: u64::from(hot.rows),
                amount: base,
            },
            weighted_base: money::mul(base, coefficient)?,
            rows: RowRanges::closing(closed, (hot.rows > 0).then_some(hot.open), hot.truncated),
            amounts: LineAmounts {
                net: amount(hot.units[NET], hot.decimals[NET]),
                list: amount(hot.units[LIST], hot.decimals[LIST]),
                without_list: u64::from(hot.without_list),
                voucher: amount(hot.units[VOUCHER], hot.decimals[VOUCHER]),
            },
        })
    }
}

/// Adds a line to a group in its small form, as [`OpenGroup::add`] would; `None` (and the
/// group unchanged) when a sum or a count does not fit it.
#[inline]
fn add_hot(
    hot: &mut Hot,
    closed: &mut Vec<Closed>,
    group: usize,
    row: usize,
    line: &LineUnits,
) -> Option<()> {
    let mut sums = hot.units;
    let mut decimals = hot.decimals;
    let mut without_list = hot.without_list;
    sums[BASE] = sums[BASE].checked_add(line.units[BASE])?;
    decimals[BASE] = decimals[BASE].max(line.decimals[BASE]);
    sums[NET] = sums[NET].checked_add(line.units[NET])?;
    decimals[NET] = decimals[NET].max(line.decimals[NET]);
    if line.list {
        sums[LIST] = sums[LIST].checked_add(line.units[LIST])?;
        decimals[LIST] = decimals[LIST].max(line.decimals[LIST]);
    } else {
        without_list = without_list.checked_add(1)?;
    }
    // A zero voucher is not added, as in `OpenGroup::add` (its decimals do not count).
    if line.voucher {
        sums[VOUCHER] = sums[VOUCHER].checked_add(line.units[VOUCHER])?;
        decimals[VOUCHER] = decimals[VOUCHER].max(line.decimals[VOUCHER]);
    }
    let rows = hot.rows.checked_add(1)?;
    // The row, as `OpenRows::push` takes it.
    let row = u32::try_from(row).unwrap_or(u32::MAX);
    if hot.rows == 0 {
        hot.open = (row, row);
    } else if hot.open.1 == row || hot.open.1.checked_add(1) == Some(row) {
        hot.open.1 = row;
    } else if usize::from(hot.closed_count) + 1 < MAX_RANGES {
        let place = u32::try_from(closed.len())
            .ok()
            .filter(|&place| place != NONE)?;
        let group = u32::try_from(group).ok()?;
        closed.push(Closed {
            first: hot.open.0,
            last: hot.open.1,
            previous: hot.closed,
            group,
        });
        hot.closed = place;
        hot.closed_count += 1;
        hot.open = (row, row);
    } else {
        hot.truncated = true;
    }
    hot.units = sums;
    hot.decimals = decimals;
    hot.without_list = without_list;
    hot.rows = rows;
    Some(())
}
