//! Row numbers of a source group, kept as bounded ranges.

/// Row numbers kept as ranges (`2-40, 57`), up to a limit so memory stays bounded.
#[derive(Debug, Clone, Default)]
pub struct RowRanges {
    ranges: Ranges,
    truncated: bool,
}

/// Enough to point a reader at the rows; a billing export sorted by account and date
/// (as providers write them) needs one or two ranges per file and product.
pub(super) const MAX_RANGES: usize = 12;

/// Ranges a [`RowRanges`] holds in place before it allocates: with accounts in random
/// order a file's group has about two lines, so one or two ranges; held in place, the
/// 250,000 groups of such a file allocate no list each (docs/BENCHMARK.md, sixth round).
const INLINE: usize = 2;

/// The ranges: in place while there are at most [`INLINE`], else in a list.
#[derive(Debug, Clone)]
enum Ranges {
    Few(u8, [(u32, u32); INLINE]),
    Many(Vec<(u32, u32)>),
}

impl Default for Ranges {
    fn default() -> Self {
        Ranges::Few(0, [(0, 0); INLINE])
    }
}

impl Ranges {
    fn from_slice(ranges: &[(u32, u32)]) -> Ranges {
        if ranges.len() <= INLINE {
            let mut few = [(0, 0); INLINE];
            few[..ranges.len()].copy_from_slice(ranges);
            Ranges::Few(ranges.len() as u8, few)
        } else {
            Ranges::Many(ranges.to_vec())
        }
    }

    fn as_slice(&self) -> &[(u32, u32)] {
        match self {
            Ranges::Few(len, few) => &few[..usize::from(*len)],
            Ranges::Many(many) => many,
        }
    }

    fn len(&self) -> usize {
        self.as_slice().len()
    }

    fn last_mut(&mut self) -> Option<&mut (u32, u32)> {
        match self {
            Ranges::Few(len, few) => few[..usize::from(*len)].last_mut(),
            Ranges::Many(many) => many.last_mut(),
        }
    }

    fn push(&mut self, range: (u32, u32)) {
        match self {
            Ranges::Few(len, few) if usize::from(*len) < INLINE => {
                few[usize::from(*len)] = range;
                *len += 1;
            }
            Ranges::Few(_, few) => {
                let mut many = Vec::with_capacity(INLINE * 2);
                many.extend_from_slice(few);
                many.push(range);
                *self = Ranges::Many(many);
            }
            Ranges::Many(many) => many.push(range),
        }
    }
}

/// Equal when they hold the same ranges, whether in place or in a list.
impl PartialEq for RowRanges {
    fn eq(&self, other: &Self) -> bool {
        self.ranges.as_slice() == other.ranges.as_slice() && self.truncated == other.truncated
    }
}

impl Eq for RowRanges {}

impl RowRanges {
    /// Adds a row number: the reference [`OpenRows::push`] is checked against.
    #[cfg(test)]
    pub(super) fn push(&mut self, row: usize) {
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        if let Some(last) = self.ranges.last_mut()
            && (last.1 == row || last.1 + 1 == row)
        {
            last.1 = row;
            return;
        }
        if self.ranges.len() < MAX_RANGES {
            self.ranges.push((row, row));
        } else {
            self.truncated = true;
        }
    }

    /// Ranges as [`RowRanges::push`] would have left them: at most [`MAX_RANGES`].
    pub(super) fn from_parts(ranges: &[(u32, u32)], truncated: bool) -> RowRanges {
        RowRanges {
            ranges: Ranges::from_slice(ranges),
            truncated,
        }
    }

    /// The ranges a group closes with: its `closed` ranges, then the one still growing
    /// (`open`), as [`OpenRows::close`] leaves them, built at once.
    pub(super) fn closing(
        closed: &[(u32, u32)],
        open: Option<(u32, u32)>,
        truncated: bool,
    ) -> RowRanges {
        let ranges = match open {
            Some(open) if closed.len() < INLINE => {
                let mut few = [(0, 0); INLINE];
                few[..closed.len()].copy_from_slice(closed);
                few[closed.len()] = open;
                Ranges::Few(closed.len() as u8 + 1, few)
            }
            Some(open) => {
                let mut many = Vec::with_capacity(closed.len() + 1);
                many.extend_from_slice(closed);
                many.push(open);
                Ranges::Many(many)
            }
            None => Ranges::from_slice(closed),
        };
        RowRanges { ranges, truncated }
    }

    pub(crate) fn merge(&mut self, other: &RowRanges) {
        for &(first, last) in other.ranges.as_slice() {
            // Rows that continue the last range (the next part of the same file) extend it,
            // exactly as pushing them one by one would.
            if let Some(previous) = self.ranges.last_mut()
                && (previous.1 == first || previous.1.saturating_add(1) == first)
            {
                previous.1 = previous.1.max(last);
                continue;
            }
            if self.ranges.len() < MAX_RANGES {
                self.ranges.push((first, last));
            } else {
                self.truncated = true;
            }
        }
        self.truncated |= other.truncated;
    }
}

/// A streaming group's rows: the range still growing is kept inline, so a line of a
/// group that has gone cold (accounts in random order) costs a store into the ranges list
/// at most, not a load from it. [`OpenRows::close`] gives exactly the [`RowRanges`] that
/// pushing each row into one would.
#[derive(Debug, Clone, Default)]
pub(super) struct OpenRows {
    open: Option<(u32, u32)>,
    closed: RowRanges,
}

impl OpenRows {
    /// Adds a row number, as [`RowRanges::push`] does.
    #[inline]
    pub(super) fn push(&mut self, row: usize) {
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        match &mut self.open {
            Some(open) if open.1 == row || open.1.checked_add(1) == Some(row) => open.1 = row,
            Some(open) => {
                if self.closed.ranges.len() + 1 < MAX_RANGES {
                    self.closed.ranges.push(*open);
                    *open = (row, row);
                } else {
                    self.closed.truncated = true;
                }
            }
            None => self.open = Some((row, row)),
        }
    }

    /// The state pushing rows leaves: the range still growing and those closed before it.
    pub(super) fn from_parts(open: Option<(u32, u32)>, closed: RowRanges) -> OpenRows {
        OpenRows { open, closed }
    }

    /// The rows as ranges.
    pub(super) fn close(mut self) -> RowRanges {
        if let Some(open) = self.open {
            self.closed.ranges.push(open);
        }
        self.closed
    }
}

impl std::fmt::Display for RowRanges {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (index, (first, last)) in self.ranges.as_slice().iter().enumerate() {
            if index > 0 {
                formatter.write_str(", ")?;
            }
            if first == last {
                write!(formatter, "{first}")?;
            } else {
                write!(formatter, "{first}-{last}")?;
            }
        }
        if self.truncated {
            formatter.write_str(", …")?;
        }
        Ok(())
    }
}
