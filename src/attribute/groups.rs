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

use super::bucket::{OpenGroup, SourceGroup};
use super::rows::{MAX_RANGES, OpenRows, RowRanges};
use crate::domain::billing::BillingLine;
use crate::domain::money::{Overflow, RunningSum};
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
    /// The newest closed range in [`Groups::closed`], or [`NONE`].
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

/// The source groups of one file, numbered in the order they were opened.
#[derive(Debug, Default)]
pub(super) struct Groups {
    hot: Vec<Hot>,
    coefficients: Vec<Decimal>,
    /// Closed row ranges of every group: (first, last, the group's previous closed range).
    closed: Vec<(u32, u32, u32)>,
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
    #[inline]
    pub(super) fn add(
        &mut self,
        group: usize,
        row: usize,
        line_base: Decimal,
        line: &BillingLine<'_>,
    ) -> Result<(), Overflow> {
        let hot = &mut self.hot[group];
        if hot.spilled == NONE {
            if add_hot(hot, &mut self.closed, row, line_base, line).is_some() {
                return Ok(());
            }
            let whole = self.open_group(group)?;
            let place = u32::try_from(self.spilled.len()).map_err(|_| Overflow)?;
            self.spilled.push(Some(whole));
            self.hot[group].spilled = place;
        }
        let place = self.hot[group].spilled as usize;
        match &mut self.spilled[place] {
            Some(whole) => whole.add(row, line_base, line),
            None => Err(Overflow),
        }
    }

    /// How many groups left the small form.
    #[cfg(test)]
    pub(super) fn spilled(&self) -> usize {
        self.spilled.len()
    }

    /// Closes group `group` (once, when the file ends).
    ///
    /// # Errors
    /// When a sum does not fit a `Decimal`.
    pub(super) fn close(&mut self, group: usize) -> Result<SourceGroup, Overflow> {
        let place = self.hot[group].spilled;
        let whole = if place == NONE {
            self.open_group(group)?
        } else {
            self.spilled[place as usize].take().ok_or(Overflow)?
        };
        whole.close()
    }

    /// The group in its full form, as summing its lines into an [`OpenGroup`] leaves it.
    fn open_group(&self, group: usize) -> Result<OpenGroup, Overflow> {
        let hot = &self.hot[group];
        let mut ranges = Vec::with_capacity(usize::from(hot.closed_count));
        let mut next = hot.closed;
        while next != NONE {
            let (first, last, previous) = self.closed[next as usize];
            ranges.push((first, last));
            next = previous;
        }
        ranges.reverse();
        let closed = RowRanges::from_parts(ranges, hot.truncated);
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

/// Adds a line to a group in its small form, as [`OpenGroup::add`] would; `None` (and the
/// group unchanged) when an amount or a sum does not fit it.
#[inline]
fn add_hot(
    hot: &mut Hot,
    closed: &mut Vec<(u32, u32, u32)>,
    row: usize,
    line_base: Decimal,
    line: &BillingLine<'_>,
) -> Option<()> {
    let (base, base_decimals) = units(line_base)?;
    let (net, net_decimals) = units(line.net_amount)?;
    let mut sums = hot.units;
    let mut decimals = hot.decimals;
    let mut without_list = hot.without_list;
    sums[BASE] = sums[BASE].checked_add(base)?;
    decimals[BASE] = decimals[BASE].max(base_decimals);
    sums[NET] = sums[NET].checked_add(net)?;
    decimals[NET] = decimals[NET].max(net_decimals);
    match line.list_amount {
        Some(list) => {
            let (list, list_decimals) = units(list)?;
            sums[LIST] = sums[LIST].checked_add(list)?;
            decimals[LIST] = decimals[LIST].max(list_decimals);
        }
        None => without_list = without_list.checked_add(1)?,
    }
    // A zero voucher is not added, as in `OpenGroup::add` (its decimals do not count).
    if !line.voucher.is_zero() {
        let (voucher, voucher_decimals) = units(line.voucher)?;
        sums[VOUCHER] = sums[VOUCHER].checked_add(voucher)?;
        decimals[VOUCHER] = decimals[VOUCHER].max(voucher_decimals);
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
        closed.push((hot.open.0, hot.open.1, hot.closed));
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
