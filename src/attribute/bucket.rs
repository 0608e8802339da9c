//! What a (contract, segment) gathers: its weighted base and its source groups, one per
//! table and product, each with the sums of its line amounts on every base. A group is
//! an [`OpenGroup`] of running sums while its file streams, closed into a [`SourceGroup`]
//! when the file ends.

use super::rows::{OpenRows, RowRanges};
use crate::domain::contract::Base;
use crate::domain::controls::Tally;
use crate::domain::money::{self, Overflow, RunningSum};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A product's name as the source groups are keyed by: one allocation per name and
/// file, shared by every group of the product (a `String` per group cost 250,000
/// allocations per file with thousands of accounts; docs/BENCHMARK.md, sixth round). It
/// orders, compares and borrows as the `str` it holds.
pub type ProductName = Arc<str>;

/// One source group inside a (contract, period) bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceGroup {
    /// Coefficient applied.
    pub coefficient: Decimal,
    /// Row count and line-base sum.
    pub base: Tally,
    /// Weighted base sum.
    pub weighted_base: Decimal,
    /// Which rows.
    pub rows: RowRanges,
    /// The rows' net, list and voucher amounts, whatever base the contract names, so a
    /// payout computed on another base can be recognised (`reconcile::cause`).
    pub amounts: LineAmounts,
}

/// The sums of a group's line amounts on every base a contract could name (docs/ARITHMETIC.md:
/// `net`, `list`, `cash` = net − voucher). Summed exactly beside the contract's own base.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineAmounts {
    /// Σ net_amount.
    pub net: Decimal,
    /// Σ list_amount over the rows that have one.
    pub list: Decimal,
    /// Rows without a list amount (then `list` is not the group's list base).
    pub without_list: u64,
    /// Σ voucher.
    pub voucher: Decimal,
}

impl LineAmounts {
    /// Adds another group's sums.
    ///
    /// # Errors
    /// On overflow.
    pub fn merge(&mut self, other: &LineAmounts) -> Result<(), Overflow> {
        self.net = money::add(self.net, other.net)?;
        self.list = money::add(self.list, other.list)?;
        self.without_list += other.without_list;
        self.voucher = money::add(self.voucher, other.voucher)?;
        Ok(())
    }

    /// The group's summed line base under `base` (docs/ARITHMETIC.md); `None` for `list` when a row
    /// has no list amount.
    ///
    /// # Errors
    /// On overflow.
    pub fn base(&self, base: Base) -> Result<Option<Decimal>, Overflow> {
        Ok(match base {
            Base::Net => Some(self.net),
            Base::Cash => Some(money::sub(self.net, self.voucher)?),
            Base::List => (self.without_list == 0).then_some(self.list),
        })
    }
}

/// A source group while its file streams: the same sums as a [`SourceGroup`], kept as
/// [`RunningSum`]s so a line costs integer additions; the weighted base is worked out
/// once when the file ends ([`OpenGroup::close`]). Groups start in the smaller form of
/// `groups::Groups` and become one of these only when an amount does not fit it.
#[derive(Debug, Clone)]
pub(super) struct OpenGroup {
    pub(super) coefficient: Decimal,
    pub(super) rows: u64,
    pub(super) base: RunningSum,
    pub(super) ranges: OpenRows,
    pub(super) net: RunningSum,
    pub(super) list: RunningSum,
    pub(super) without_list: u64,
    pub(super) voucher: RunningSum,
}

impl OpenGroup {
    /// Adds a line's base, net, list and voucher amounts (`list` is `None` when the line
    /// has no list amount).
    #[inline]
    pub(super) fn add(
        &mut self,
        row: usize,
        line_base: Decimal,
        net: Decimal,
        list: Option<Decimal>,
        voucher: Decimal,
    ) -> Result<(), Overflow> {
        self.base.add(line_base)?;
        self.net.add(net)?;
        match list {
            Some(list) => self.list.add(list)?,
            None => self.without_list += 1,
        }
        if !voucher.is_zero() {
            self.voucher.add(voucher)?;
        }
        self.rows += 1;
        self.ranges.push(row);
        Ok(())
    }

    pub(super) fn close(self) -> Result<SourceGroup, Overflow> {
        let base = self.base.total()?;
        Ok(SourceGroup {
            coefficient: self.coefficient,
            base: Tally {
                rows: self.rows,
                amount: base,
            },
            weighted_base: money::mul(base, self.coefficient)?,
            rows: self.ranges.close(),
            amounts: LineAmounts {
                net: self.net.total()?,
                list: self.list.total()?,
                without_list: self.without_list,
                voucher: self.voucher.total()?,
            },
        })
    }
}

/// What one segment (or, merged, one settlement period) of one contract has gathered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bucket {
    /// W_p so far.
    pub weighted_base: Decimal,
    /// By table number, then product.
    pub sources: BTreeMap<usize, BTreeMap<ProductName, SourceGroup>>,
}

impl Bucket {
    /// Adds another bucket's sums and sources; its table numbers are shifted by
    /// `table_offset` (ledgers number tables per file).
    ///
    /// # Errors
    /// On overflow.
    pub fn absorb(&mut self, other: Bucket, table_offset: usize) -> Result<(), Overflow> {
        self.weighted_base = money::add(self.weighted_base, other.weighted_base)?;
        for (table, products) in other.sources {
            let into = self.sources.entry(table + table_offset).or_default();
            // Files number their tables apart (`table_offset`), so a file's table is new
            // here: take its groups whole instead of re-inserting one by one (the same map).
            if into.is_empty() {
                *into = products;
                continue;
            }
            for (product, group) in products {
                match into.get_mut(&product) {
                    Some(existing) => {
                        existing.base.merge(&group.base)?;
                        existing.weighted_base =
                            money::add(existing.weighted_base, group.weighted_base)?;
                        existing.rows.merge(&group.rows);
                        existing.amounts.merge(&group.amounts)?;
                    }
                    None => {
                        into.insert(product, group);
                    }
                }
            }
        }
        Ok(())
    }
}
