//! What a (contract, segment) gathers: its weighted base and its source groups, one per
//! table and product, each with the sums of its line amounts on every base. A group is
//! an [`OpenGroup`] of running sums while its file streams, closed into a [`SourceGroup`]
//! when the file ends.

use super::rows::{OpenRows, RowRanges};
use crate::domain::contract::Base;
use crate::domain::controls::Tally;
use crate::domain::money::{self, Overflow, RunningSum};
use rust_decimal::Decimal;
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
    pub sources: Sources,
}

impl Bucket {
    /// Adds another bucket's sums and sources; its table numbers are shifted by
    /// `table_offset` (ledgers number tables per file).
    ///
    /// # Errors
    /// On overflow.
    pub fn absorb(&mut self, other: Bucket, table_offset: usize) -> Result<(), Overflow> {
        self.weighted_base = money::add(self.weighted_base, other.weighted_base)?;
        self.sources.absorb(other.sources, table_offset)
    }
}

impl SourceGroup {
    /// Adds the same table and product's group from another part of the bills.
    ///
    /// # Errors
    /// On overflow.
    fn merge(&mut self, other: &SourceGroup) -> Result<(), Overflow> {
        self.base.merge(&other.base)?;
        self.weighted_base = money::add(self.weighted_base, other.weighted_base)?;
        self.rows.merge(&other.rows);
        self.amounts.merge(&other.amounts)
    }
}

/// One source group with the table and product it gathers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The table's number (`BillingTotals::tables`).
    pub table: usize,
    /// The product's name, as the billing file spelt it.
    pub product: ProductName,
    /// The sums of its lines.
    pub group: SourceGroup,
}

impl Source {
    fn key(&self) -> (usize, &str) {
        (self.table, &self.product)
    }
}

/// A bucket's source groups, one per (table, product), in table order, then product
/// order: one list sized to its groups. With thousands of accounts a file's bucket holds
/// about eight, and a map per bucket and table took a node of 2 KB and one of 400 bytes
/// for them (docs/BENCHMARK.md, seventh round).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources(Vec<Source>);

impl Sources {
    /// The groups of one bucket in any order, each (table, product) once; put in order.
    pub(super) fn from_unordered(mut sources: Vec<Source>) -> Sources {
        sources.sort_unstable_by(|one, other| one.key().cmp(&other.key()));
        Sources(sources)
    }

    /// The groups in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Source> {
        self.0.iter()
    }

    /// The source groups in order, without their keys.
    pub fn groups(&self) -> impl Iterator<Item = &SourceGroup> {
        self.0.iter().map(|source| &source.group)
    }

    /// How many groups.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no group.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The group of `product` in table `table`.
    pub fn get(&self, table: usize, product: &str) -> Option<&SourceGroup> {
        let at = self.position((table, product)).ok()?;
        Some(&self.0[at].group)
    }

    /// Puts a group in its place; the group it replaces, if the table and product had one.
    pub fn insert(
        &mut self,
        table: usize,
        product: ProductName,
        group: SourceGroup,
    ) -> Option<SourceGroup> {
        match self.position((table, &product)) {
            Ok(at) => Some(std::mem::replace(&mut self.0[at].group, group)),
            Err(at) => {
                self.0.insert(
                    at,
                    Source {
                        table,
                        product,
                        group,
                    },
                );
                None
            }
        }
    }

    fn position(&self, key: (usize, &str)) -> Result<usize, usize> {
        self.0.binary_search_by(|source| source.key().cmp(&key))
    }

    /// Adds another bucket's groups, their table numbers shifted by `table_offset`: a
    /// group of the same table and product merges into the one here, the others take
    /// their places. Files number their tables apart, so a later file's groups all come
    /// after these and are appended as they are.
    fn absorb(&mut self, other: Sources, table_offset: usize) -> Result<(), Overflow> {
        let mut other = other.0;
        for source in &mut other {
            source.table += table_offset;
        }
        match (self.0.last(), other.first()) {
            // Taken whole: the first file's groups are not copied.
            (None, _) => {
                self.0 = other;
                return Ok(());
            }
            // Some key absorbed comes before or at the last held: merged below.
            (Some(last), Some(first)) if first.key() <= last.key() => {}
            _ => {
                self.0.append(&mut other);
                return Ok(());
            }
        }
        let mut merged = Vec::with_capacity(self.0.len() + other.len());
        let mut other = other.into_iter().peekable();
        for mut source in std::mem::take(&mut self.0) {
            while let Some(next) = other.next_if(|next| next.key() < source.key()) {
                merged.push(next);
            }
            if let Some(same) = other.next_if(|next| next.key() == source.key()) {
                source.group.merge(&same.group)?;
            }
            merged.push(source);
        }
        merged.extend(other);
        self.0 = merged;
        Ok(())
    }
}

impl<'s> IntoIterator for &'s Sources {
    type Item = &'s Source;
    type IntoIter = std::slice::Iter<'s, Source>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl IntoIterator for Sources {
    type Item = Source;
    type IntoIter = std::vec::IntoIter<Source>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// The group of a (table, product) that is there; panics if there is none (as a map's
/// index does): for the tests.
#[cfg(test)]
impl std::ops::Index<(usize, &str)> for Sources {
    type Output = SourceGroup;

    fn index(&self, (table, product): (usize, &str)) -> &SourceGroup {
        self.get(table, product)
            .unwrap_or_else(|| panic!("no source group of {product} in table {table}"))
    }
}
