//! Lines read but not yet routed: the attributor's first window.
//!
//! With thousands of accounts in random order, routing a line reads the account's entry
//! in the account index, its candidate contracts, the contract's routing facts and its
//! segment days: four loads, each waiting for the one before, each a cache miss that a
//! few accounts never pay (docs/BENCHMARK.md, many contracts, fourth round). A line's own
//! work is too long for the processor to start the next line's loads meanwhile. So a line
//! is first copied here (its text into one buffer); when [`STAGED`] lines wait, or any
//! other event of the file comes (a rejected row, a new table, a totals row, the end),
//! [`Staged::prepare`] makes each of the four loads for every waiting line in its own
//! short pass — loads of one pass do not depend on each other, so their misses overlap —
//! and the attributor then takes the lines one by one, in order, exactly as it took them
//! as they came.
//!
//! Nothing changes but when the work is done: every other event of the file waits until
//! the lines before it are taken, so rejections, exclusions, groups and sums come in the
//! same order as before.

use super::accounts::Probe;
use super::plan::ContractIndex;
use crate::domain::billing::BillingLine;
use crate::domain::period::YearMonth;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::borrow::Cow;

/// Lines staged at most before they are routed: enough for the misses of one pass to
/// overlap many times over, few enough that what the passes read stays in the cache
/// until the lines are taken.
pub(super) const STAGED: usize = 128;

/// A line's text, as a place in [`Staged::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Text {
    start: u32,
    end: u32,
}

/// The text at `text` of the window's `all`.
#[inline]
fn slice(all: &str, text: Text) -> &str {
    &all[text.start as usize..text.end as usize]
}

/// One line as read, its text in [`Staged::text`]. Its order type and instance id are not
/// kept: attribution reads neither (they reach the reports through the source row, read
/// again for evidence), and copying them would cost every line.
#[derive(Debug, Clone)]
struct StagedLine {
    row: usize,
    /// Whether the account differs from the line before's (or this is the first line),
    /// so the line has its own place in [`Staged::probes`].
    new_account: bool,
    account_id: Text,
    billing_month: YearMonth,
    date: Option<NaiveDate>,
    product: Text,
    product_known: bool,
    product_number: Option<u32>,
    list_amount: Option<Decimal>,
    discount: Decimal,
    voucher: Decimal,
    net_amount: Decimal,
    currency: Text,
}

/// The lines waiting to be routed, in the order read, and once prepared the candidate
/// contracts of each.
#[derive(Debug, Default)]
pub(super) struct Staged<'i> {
    lines: Vec<StagedLine>,
    /// The lines' text, one after the other.
    text: String,
    /// Each line's candidate contracts ([`ContractIndex::candidates`]), by place in
    /// `lines`, once [`Staged::prepare`] found them.
    candidates: Vec<&'i [usize]>,
    /// The probe of each line whose account differs from the line before's, in order.
    probes: Vec<Probe>,
    /// Each line's first candidate (scratch of [`Staged::prepare`]).
    firsts: Vec<usize>,
    /// Where each line's first candidate's segments are in the index (scratch of
    /// [`Staged::prepare`]).
    segments: Vec<(u32, u32)>,
}

impl<'i> Staged<'i> {
    /// Copies `line`, read at `row`; whether the window is now full.
    #[inline]
    pub(super) fn push(&mut self, row: usize, line: &BillingLine<'_>) -> bool {
        let new_account = self
            .lines
            .last()
            .is_none_or(|last| slice(&self.text, last.account_id) != line.account_id);
        if new_account {
            self.probes.push(Probe::new(&line.account_id));
        }
        let staged = StagedLine {
            row,
            new_account,
            account_id: self.copy(&line.account_id),
            billing_month: line.billing_month,
            date: line.date,
            product: self.copy(line.product),
            product_known: line.product_known,
            product_number: line.product_number,
            list_amount: line.list_amount,
            discount: line.discount,
            voucher: line.voucher,
            net_amount: line.net_amount,
            currency: self.copy(&line.currency),
        };
        self.lines.push(staged);
        self.lines.len() >= STAGED
    }

    #[inline]
    fn copy(&mut self, text: &str) -> Text {
        let start = self.text.len();
        self.text.push_str(text);
        // The window's text stays far below 4 GiB: at most `STAGED` lines of one file.
        Text {
            start: start as u32,
            end: self.text.len() as u32,
        }
    }

    #[inline]
    fn text(&self, text: Text) -> &str {
        slice(&self.text, text)
    }

    /// How many lines wait.
    pub(super) fn len(&self) -> usize {
        self.lines.len()
    }

    /// Finds every waiting line's candidate contracts — first reading each one's entry
    /// of the account index, then looking them up — then reads each one's first
    /// candidate, its routing facts, then its segment days: six passes whose loads do not
    /// depend on each other within the pass. A line of the account of the line before
    /// (exports are sorted by account) takes its candidates without a lookup.
    pub(super) fn prepare(&mut self, index: &'i ContractIndex<'_>) {
        // A loop of a few instructions per line, so many of its loads are in flight at once.
        let mut touched = 0;
        for probe in &self.probes {
            touched ^= index.touch_account(probe);
        }
        std::hint::black_box(touched);
        self.candidates.clear();
        let mut probes = self.probes.iter();
        let mut last: &'i [usize] = &[];
        for line in &self.lines {
            if line.new_account {
                let account = slice(&self.text, line.account_id);
                last = match probes.next() {
                    Some(probe) => index.probed_candidates(account, probe),
                    None => index.candidates(account),
                };
            }
            self.candidates.push(last);
        }
        self.firsts.clear();
        self.firsts.extend(
            self.candidates
                .iter()
                .filter_map(|candidates| candidates.first()),
        );
        self.segments.clear();
        self.segments
            .extend(self.firsts.iter().map(|&first| index.segments_of(first)));
        touched = 0;
        for &segments in &self.segments {
            touched ^= index.touch_segment_days(segments);
        }
        std::hint::black_box(touched);
    }

    #[inline]
    /// Waiting line `place`: its row, the line as read and (once prepared) its candidate
    /// contracts.
    pub(super) fn get(&self, place: usize) -> (usize, BillingLine<'_>, &'i [usize]) {
        let staged = &self.lines[place];
        let text = |range: &Text| self.text(*range);
        let line = BillingLine {
            account_id: Cow::Borrowed(text(&staged.account_id)),
            billing_month: staged.billing_month,
            date: staged.date,
            product: text(&staged.product),
            product_known: staged.product_known,
            product_number: staged.product_number,
            order_type: None,
            instance_id: None,
            list_amount: staged.list_amount,
            discount: staged.discount,
            voucher: staged.voucher,
            net_amount: staged.net_amount,
            currency: Cow::Borrowed(text(&staged.currency)),
        };
        (staged.row, line, self.candidates[place])
    }

    /// Forgets the waiting lines (keeping the room they took).
    pub(super) fn clear(&mut self) {
        self.lines.clear();
        self.probes.clear();
        self.text.clear();
        self.candidates.clear();
    }
}
