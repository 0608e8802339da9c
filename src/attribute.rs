//! Attribution: which contract and settlement period each billing line belongs to, and
//! the running aggregates that replace the lines themselves (SPEC §3, first rules; §4,
//! data quality). One [`FileLedger`] per billing file is filled while the file streams;
//! ledgers are merged in file order, so totals never depend on thread scheduling.

use crate::domain::billing::BillingLine;
use crate::domain::contract::{Base, Contract};
use crate::domain::controls::{Exclusion, TableControl, Tally, TotalsRow};
use crate::domain::finding::SourceRows;
use crate::domain::location::Location;
use crate::domain::money::{self, Overflow, RunningSum};
use crate::domain::period::YearMonth;
use crate::domain::settlement::{Segment, SettlementPeriod, segment_index, segments};
use crate::ingest::billing::{BillingSink, Recognised};
use crate::ruleset::{Ruleset, Rulesets};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as FastMap;
use std::collections::BTreeMap;

/// A contract with the settlement periods billing lines are sorted into.
#[derive(Debug, Clone)]
pub struct ContractPlan {
    /// The contract.
    pub contract: Contract,
    /// Its settlement periods.
    pub periods: Vec<SettlementPeriod>,
    /// The periods cut at contract-year boundaries: what billing is summed per.
    pub segments: Vec<Segment>,
}

impl ContractPlan {
    /// The contract with its periods and segments worked out.
    pub fn new(contract: Contract) -> ContractPlan {
        let periods = crate::domain::settlement::settlement_periods(&contract);
        let segments = segments(&contract, &periods);
        ContractPlan {
            contract,
            periods,
            segments,
        }
    }
}

/// Finds the contract covering a billing line.
pub struct ContractIndex<'a> {
    plans: &'a [ContractPlan],
    rulesets: &'a Rulesets,
    /// Account → contracts covering it, earliest start first, then lowest id.
    by_account: FastMap<&'a str, Vec<usize>>,
}

impl<'a> ContractIndex<'a> {
    /// Indexes contracts by account.
    pub fn new(plans: &'a [ContractPlan], rulesets: &'a Rulesets) -> Self {
        let mut by_account: FastMap<&str, Vec<usize>> = FastMap::default();
        for (index, plan) in plans.iter().enumerate() {
            for account in &plan.contract.accounts {
                by_account.entry(account.as_str()).or_default().push(index);
            }
        }
        for candidates in by_account.values_mut() {
            candidates.sort_by(|&a, &b| {
                let (a, b) = (&plans[a].contract, &plans[b].contract);
                (a.start, &a.id).cmp(&(b.start, &b.id))
            });
        }
        ContractIndex {
            plans,
            rulesets,
            by_account,
        }
    }

    /// The contracts, in index order.
    pub fn plans(&self) -> &'a [ContractPlan] {
        self.plans
    }

    fn ruleset_of(&self, contract: usize) -> Option<&'a Ruleset> {
        self.rulesets.get(&self.plans[contract].contract.ruleset)
    }
}

/// Row numbers kept as ranges (`2-40, 57`), up to a limit so memory stays bounded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowRanges {
    ranges: Vec<(u32, u32)>,
    truncated: bool,
}

/// Enough to point a reader at the rows; a billing export sorted by account and date
/// (as providers write them) needs one or two ranges per file and product.
const MAX_RANGES: usize = 12;

impl RowRanges {
    fn push(&mut self, row: usize) {
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

    pub(crate) fn merge(&mut self, other: &RowRanges) {
        for &(first, last) in &other.ranges {
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

impl std::fmt::Display for RowRanges {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (index, (first, last)) in self.ranges.iter().enumerate() {
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

/// The sums of a group's line amounts on every base a contract could name (SPEC §3:
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

    /// The group's summed line base under `base` (SPEC §3); `None` for `list` when a row
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
/// once when the file ends ([`OpenGroup::close`]).
#[derive(Debug, Clone)]
struct OpenGroup {
    coefficient: Decimal,
    rows: u64,
    base: RunningSum,
    ranges: RowRanges,
    net: RunningSum,
    list: RunningSum,
    without_list: u64,
    voucher: RunningSum,
}

impl OpenGroup {
    fn new(coefficient: Decimal) -> OpenGroup {
        OpenGroup {
            coefficient,
            rows: 0,
            base: RunningSum::default(),
            ranges: RowRanges::default(),
            net: RunningSum::default(),
            list: RunningSum::default(),
            without_list: 0,
            voucher: RunningSum::default(),
        }
    }

    #[inline]
    fn add(
        &mut self,
        row: usize,
        line_base: Decimal,
        line: &BillingLine<'_>,
    ) -> Result<(), Overflow> {
        self.base.add(line_base)?;
        self.net.add(line.net_amount)?;
        match line.list_amount {
            Some(list) => self.list.add(list)?,
            None => self.without_list += 1,
        }
        if !line.voucher.is_zero() {
            self.voucher.add(line.voucher)?;
        }
        self.rows += 1;
        self.ranges.push(row);
        Ok(())
    }

    fn close(self) -> Result<SourceGroup, Overflow> {
        let base = self.base.total()?;
        Ok(SourceGroup {
            coefficient: self.coefficient,
            base: Tally {
                rows: self.rows,
                amount: base,
            },
            weighted_base: money::mul(base, self.coefficient)?,
            rows: self.ranges,
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
    pub sources: BTreeMap<usize, BTreeMap<String, SourceGroup>>,
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

/// A rejected input row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Where.
    pub location: Location,
    /// Why.
    pub reason: String,
    /// Net amount, when readable.
    pub amount: Option<Decimal>,
}

/// Rejected rows kept individually per file; beyond this they are only counted, so a
/// hostile file cannot flood memory or the report.
pub const MAX_REJECTIONS_PER_FILE: usize = 1000;

/// Everything one billing file contributed. Tables are numbered within the file.
#[derive(Debug, Default)]
pub struct FileLedger {
    /// Control totals per table.
    pub tables: Vec<TableControl>,
    /// Per (contract, segment).
    pub buckets: FastMap<(usize, usize), Bucket>,
    /// Uncovered spend per (account, month, currency).
    pub uncovered: BTreeMap<(String, YearMonth, String), Tally>,
    /// Currency mismatches per (contract, account, month, currency).
    pub currency_mismatches: BTreeMap<(usize, String, YearMonth, String), Tally>,
    /// Lines covered by more than one contract: (account, chosen, other) → tally and dates.
    pub overlaps: BTreeMap<(String, usize, usize), (Tally, NaiveDate, NaiveDate)>,
    /// Unknown products per (contract, product).
    pub unknown_products: BTreeMap<(usize, String), Tally>,
    /// Rejected rows (first [`MAX_REJECTIONS_PER_FILE`]).
    pub rejections: Vec<Rejection>,
    /// Rejected rows beyond the kept ones.
    pub rejections_not_kept: u64,
}

impl FileLedger {
    /// Adds the ledger of the next part of the same file (a large CSV read in parts), so
    /// the result is what reading the whole file in one go gives.
    ///
    /// # Errors
    /// When amounts overflow.
    pub fn append(&mut self, later: FileLedger) -> Result<(), Overflow> {
        let mut tables = later.tables.into_iter();
        match (self.tables.last_mut(), tables.next()) {
            (Some(current), Some(continued)) => current.append(continued)?,
            (None, Some(first)) => self.tables.push(first),
            (_, None) => {}
        }
        self.tables.extend(tables);
        let mut buckets: Vec<_> = later.buckets.into_iter().collect();
        buckets.sort_by_key(|(key, _)| *key);
        for (key, bucket) in buckets {
            self.buckets.entry(key).or_default().absorb(bucket, 0)?;
        }
        for (key, tally) in later.uncovered {
            self.uncovered.entry(key).or_default().merge(&tally)?;
        }
        for (key, tally) in later.currency_mismatches {
            self.currency_mismatches
                .entry(key)
                .or_default()
                .merge(&tally)?;
        }
        for (key, (tally, first, last)) in later.overlaps {
            let entry = self
                .overlaps
                .entry(key)
                .or_insert((Tally::default(), first, last));
            entry.0.merge(&tally)?;
            entry.1 = entry.1.min(first);
            entry.2 = entry.2.max(last);
        }
        for (key, tally) in later.unknown_products {
            self.unknown_products
                .entry(key)
                .or_default()
                .merge(&tally)?;
        }
        for rejection in later.rejections {
            if self.rejections_not_kept == 0 && self.rejections.len() < MAX_REJECTIONS_PER_FILE {
                self.rejections.push(rejection);
            } else {
                self.rejections_not_kept += 1;
            }
        }
        self.rejections_not_kept += later.rejections_not_kept;
        Ok(())
    }
}

/// Fills a [`FileLedger`] from one file's lines.
pub struct Attributor<'i, 'a> {
    index: &'i ContractIndex<'a>,
    ledger: FileLedger,
    /// (contract, product number) → (coefficient, known).
    coefficients: FastMap<(usize, u32), (Decimal, bool)>,
    /// The source groups, each with its (contract, segment, table, product number). Kept
    /// flat by numbers on the hot path; named, weighted and nested into [`Bucket`]s when
    /// the file ends.
    groups: Vec<((usize, usize, usize, u32), OpenGroup)>,
    /// Where each group's key is in `groups`.
    group_index: FastMap<(usize, usize, usize, u32), usize>,
    /// The reader's product numbers ([`BillingLine::product_number`]) → `names` numbers.
    product_numbers: Vec<u32>,
    /// Where the last attributed line went, to skip the search for the next line of the
    /// same account, date, currency and table (exports are sorted that way). Before the
    /// first line it leads nowhere ([`Route::nowhere`]).
    route: Route,
    /// The current table's read and attributed net amounts not yet added to its
    /// [`TableControl`] (see [`Attributor::settle_table`]).
    read: RunningSum,
    attributed: RunningSum,
    /// The last line's account and its candidate contracts.
    last_account: Option<(String, &'i [usize])>,
    /// Account ids, currencies and product names seen outside the common path, numbered
    /// once, so tallying an excluded line looks up numbers instead of allocating keys.
    names: Interner,
    uncovered: FastMap<(u32, YearMonth, u32), Tally>,
    currency_mismatches: FastMap<(usize, u32, YearMonth, u32), Tally>,
    overlaps: FastMap<(u32, usize, usize), (Tally, NaiveDate, NaiveDate)>,
    unknown_products: FastMap<(usize, u32), Tally>,
}

/// Where a line went: the key it was found by, the contract and segment it went to, and
/// the groups of that place by product, in the order met (a day of an account has a
/// handful of products).
#[derive(Debug)]
struct Route {
    account: String,
    date: NaiveDate,
    currency: String,
    table: usize,
    contract: usize,
    segment: usize,
    /// The other contracts that cover the same account, date and currency
    /// (`overlapping_contracts`).
    others: Vec<usize>,
    /// (product number, index in `groups`, whether anyone named the product).
    groups: Vec<(u32, usize, bool)>,
}

impl Route {
    /// A route no line follows: no table has its number.
    fn nowhere() -> Route {
        Route {
            account: String::new(),
            date: NaiveDate::MIN,
            currency: String::new(),
            table: usize::MAX,
            contract: 0,
            segment: 0,
            others: Vec::new(),
            groups: Vec::new(),
        }
    }

    /// Whether a line of `account`, `date`, `currency` in `table` goes where this route
    /// goes.
    #[inline]
    fn leads(&self, account: &str, date: NaiveDate, currency: &str, table: usize) -> bool {
        self.date == date
            && self.table == table
            && self.account == account
            && self.currency == currency
    }
}

/// Numbers distinct strings in the order first seen.
#[derive(Default)]
struct Interner {
    numbers: FastMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn number(&mut self, name: &str) -> u32 {
        if let Some(number) = self.numbers.get(name) {
            return *number;
        }
        let number = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.numbers.insert(name.to_string(), number);
        self.names.push(name.to_string());
        number
    }

    fn name(&self, number: u32) -> String {
        self.names.get(number as usize).cloned().unwrap_or_default()
    }
}

impl<'i, 'a> Attributor<'i, 'a> {
    /// An empty ledger for one file.
    pub fn new(index: &'i ContractIndex<'a>) -> Self {
        Attributor {
            index,
            ledger: FileLedger::default(),
            coefficients: FastMap::default(),
            groups: Vec::new(),
            group_index: FastMap::default(),
            product_numbers: Vec::new(),
            route: Route::nowhere(),
            read: RunningSum::default(),
            attributed: RunningSum::default(),
            names: Interner::default(),
            last_account: None,
            uncovered: FastMap::default(),
            currency_mismatches: FastMap::default(),
            overlaps: FastMap::default(),
            unknown_products: FastMap::default(),
        }
    }

    /// The ledger once the file is read.
    ///
    /// # Errors
    /// When a group's sums leave the `Decimal` range.
    pub fn finish(mut self) -> Result<FileLedger, Overflow> {
        self.settle_table();
        let Attributor {
            mut ledger,
            names,
            groups,
            uncovered,
            currency_mismatches,
            overlaps,
            unknown_products,
            ..
        } = self;
        for ((contract, segment, table, product), group) in groups {
            let group = group.close()?;
            let bucket = ledger.buckets.entry((contract, segment)).or_default();
            // W_p = Σ base × coefficient = Σ over groups of coefficient × Σ base: exact
            // either way, so the multiplication happens once per group, not per line.
            bucket.weighted_base = money::add(bucket.weighted_base, group.weighted_base)?;
            bucket
                .sources
                .entry(table)
                .or_default()
                .insert(names.name(product), group);
        }
        ledger.uncovered = uncovered
            .into_iter()
            .map(|((account, month, currency), tally)| {
                ((names.name(account), month, names.name(currency)), tally)
            })
            .collect();
        ledger.currency_mismatches = currency_mismatches
            .into_iter()
            .map(|((contract, account, month, currency), tally)| {
                (
                    (contract, names.name(account), month, names.name(currency)),
                    tally,
                )
            })
            .collect();
        ledger.overlaps = overlaps
            .into_iter()
            .map(|((account, chosen, other), value)| ((names.name(account), chosen, other), value))
            .collect();
        ledger.unknown_products = unknown_products
            .into_iter()
            .map(|((contract, product), tally)| ((contract, names.name(product)), tally))
            .collect();
        Ok(ledger)
    }

    /// Adds the current table's pending read and attributed amounts to its control
    /// totals: before another table starts, before a totals row is checked against the
    /// rows above it, and at the end. (An amount out of range stays out of the read
    /// total, as a rejected row's does.)
    fn settle_table(&mut self) {
        let read = std::mem::take(&mut self.read);
        let attributed = std::mem::take(&mut self.attributed);
        if read == RunningSum::default() && attributed == RunningSum::default() {
            return;
        }
        let table = self.table();
        if let Ok(read) = read.total() {
            table.read.amount = table
                .read
                .amount
                .checked_add(read)
                .unwrap_or(table.read.amount);
        }
        if let Ok(attributed) = attributed.total() {
            table.attributed.amount = table
                .attributed
                .amount
                .checked_add(attributed)
                .unwrap_or(table.attributed.amount);
        }
    }

    fn table(&mut self) -> &mut TableControl {
        if self.ledger.tables.is_empty() {
            self.ledger.tables.push(TableControl {
                table: Location::file("?".into()),
                layout: None,
                read: Tally::default(),
                attributed: Tally::default(),
                excluded: BTreeMap::new(),
                rejected: Tally::default(),
                blank_rows: 0,
                rows_above_header: 0,
                totals_rows: Vec::new(),
            });
        }
        self.ledger.tables.last_mut().expect("one table at least")
    }

    /// The coefficient for a product under a contract, and whether anyone named the
    /// product (contract sheet, ruleset coefficients or aliases). Cached per contract and
    /// product name, so the lookup allocates only the first time.
    fn coefficient(
        &mut self,
        contract: usize,
        product: u32,
        line: &BillingLine<'_>,
    ) -> (Decimal, bool) {
        if let Some(known) = self.coefficients.get(&(contract, product)) {
            return *known;
        }
        let plan = &self.index.plans[contract];
        let ruleset = self.index.ruleset_of(contract);
        // Aliases of the contract's ruleset may know a name the file's ruleset did not.
        let resolved = ruleset.map(|ruleset| ruleset.product(line.product));
        let canonical = resolved
            .as_ref()
            .map_or(line.product, |product| product.name.as_str());
        let from_contract = plan.contract.product_coefficient(canonical);
        let from_ruleset = ruleset.and_then(|ruleset| ruleset.coefficient(canonical));
        let known = line.product_known
            || resolved.as_ref().is_some_and(|product| product.known)
            || from_contract.is_some()
            || from_ruleset.is_some();
        let result = (
            from_contract.or(from_ruleset).unwrap_or(Decimal::ONE),
            known,
        );
        self.coefficients.insert((contract, product), result);
        result
    }

    fn reject_row(&mut self, location: Location, reason: String, amount: Option<Decimal>) {
        let table = self.table();
        table.read.rows += 1;
        table.rejected.rows += 1;
        if let Some(amount) = amount {
            table.read.amount = table
                .read
                .amount
                .checked_add(amount)
                .unwrap_or(table.read.amount);
            table.rejected.amount = table
                .rejected
                .amount
                .checked_add(amount)
                .unwrap_or(table.rejected.amount);
        }
        if self.ledger.rejections.len() < MAX_REJECTIONS_PER_FILE {
            self.ledger.rejections.push(Rejection {
                location,
                reason,
                amount,
            });
        } else {
            self.ledger.rejections_not_kept += 1;
        }
    }

    fn attribute(
        &mut self,
        row: usize,
        line: &BillingLine<'_>,
    ) -> Result<Option<String>, Overflow> {
        let date = line.effective_date();
        let table_number = self.ledger.tables.len().saturating_sub(1);
        // Exports are sorted by account and date: most lines go where the last one went.
        if !self
            .route
            .leads(&line.account_id, date, &line.currency, table_number)
        {
            // A line that is excluded or rejected leaves the last route as it was: it still
            // leads where it led, for lines of its own account, date, currency and table.
            if let Some(outcome) = self.find_route(line, date, table_number)? {
                return Ok(outcome);
            }
        }
        let chosen = self.route.contract;
        let plan = &self.index.plans[chosen];
        let line_base = match plan.contract.base {
            Base::Net => line.net_amount,
            Base::Cash => money::sub(line.net_amount, line.voucher)?,
            Base::List => match line.list_amount {
                Some(list) => list,
                None => {
                    return Ok(Some(format!(
                        "contract {} computes its rebate on list amounts (base `list`), but this row has no list_amount",
                        plan.contract.id
                    )));
                }
            },
        };
        self.tally_overlaps(line, date)?;
        let product = self.product_number(line);
        let (group, known) = match self
            .route
            .groups
            .iter()
            .find(|(number, _, _)| *number == product)
        {
            Some(&(_, group, known)) => (group, known),
            None => {
                let segment = self.route.segment;
                let (coefficient, known) = self.coefficient(chosen, product, line);
                let key = (chosen, segment, table_number, product);
                let group = match self.group_index.get(&key) {
                    Some(&group) => group,
                    None => {
                        self.groups.push((key, OpenGroup::new(coefficient)));
                        self.group_index.insert(key, self.groups.len() - 1);
                        self.groups.len() - 1
                    }
                };
                self.route.groups.push((product, group, known));
                (group, known)
            }
        };
        if !known {
            self.unknown_products
                .entry((chosen, product))
                .or_default()
                .add(line.net_amount)?;
        }
        self.groups[group].1.add(row, line_base, line)?;
        self.attributed.add(line.net_amount)?;
        self.table().attributed.rows += 1;
        Ok(None)
    }

    /// The `names` number of the line's product: through the reader's number when it
    /// gave one (an index, no hashing), else by name.
    #[inline]
    fn product_number(&mut self, line: &BillingLine<'_>) -> u32 {
        let Some(reader_number) = line.product_number else {
            return self.names.number(line.product);
        };
        let slot = reader_number as usize;
        if let Some(&number) = self.product_numbers.get(slot)
            && number != u32::MAX
        {
            return number;
        }
        let number = self.names.number(line.product);
        if self.product_numbers.len() <= slot {
            self.product_numbers.resize(slot + 1, u32::MAX);
        }
        self.product_numbers[slot] = number;
        number
    }

    /// Tallies the line against every other contract that also covers it in its currency
    /// (`overlapping_contracts`); the route's contract took it.
    fn tally_overlaps(&mut self, line: &BillingLine<'_>, date: NaiveDate) -> Result<(), Overflow> {
        let route = &self.route;
        if route.others.is_empty() {
            return Ok(());
        }
        let account = self.names.number(&line.account_id);
        for &other in &route.others {
            let entry = self
                .overlaps
                .entry((account, route.contract, other))
                .or_insert((Tally::default(), date, date));
            entry.0.add(line.net_amount)?;
            entry.1 = entry.1.min(date);
            entry.2 = entry.2.max(date);
        }
        Ok(())
    }

    /// The contracts that name `account`, in the index's order (earliest start, then
    /// lowest id).
    #[inline]
    fn candidates(&mut self, account: &str) -> &'i [usize] {
        // Exports are sorted by account: the last line's account is usually this one's.
        if let Some((last, candidates)) = &self.last_account
            && last.as_str() == account
        {
            return candidates;
        }
        let candidates = self
            .index
            .by_account
            .get(account)
            .map_or(&[][..], Vec::as_slice);
        match &mut self.last_account {
            Some((last, cached)) => {
                last.clear();
                last.push_str(account);
                *cached = candidates;
            }
            None => self.last_account = Some((account.to_string(), candidates)),
        }
        candidates
    }

    /// Finds where a line goes when it does not follow the last route: sets the route
    /// (`Ok(None)`), or tallies the line as excluded (`Ok(Some(None))`), or rejects it
    /// (`Ok(Some(Some(reason)))`).
    fn find_route(
        &mut self,
        line: &BillingLine<'_>,
        date: NaiveDate,
        table_number: usize,
    ) -> Result<Option<Option<String>>, Overflow> {
        let plans = self.index.plans;
        let candidates = self.candidates(&line.account_id);
        let covers = |candidate: &usize| plans[*candidate].contract.term().contains(date);
        let in_currency = |candidate: &usize| {
            covers(candidate) && plans[*candidate].contract.currency == line.currency
        };
        let Some(&chosen) = candidates.iter().find(|candidate| in_currency(candidate)) else {
            let exclusion = match candidates.iter().find(|candidate| covers(candidate)) {
                Some(&contract) => {
                    let account = self.names.number(&line.account_id);
                    let currency = self.names.number(&line.currency);
                    self.currency_mismatches
                        .entry((contract, account, line.billing_month, currency))
                        .or_default()
                        .add(line.net_amount)?;
                    Exclusion::CurrencyMismatch
                }
                None => {
                    let account = self.names.number(&line.account_id);
                    let currency = self.names.number(&line.currency);
                    self.uncovered
                        .entry((account, line.billing_month, currency))
                        .or_default()
                        .add(line.net_amount)?;
                    Exclusion::Uncovered
                }
            };
            let table = self.table();
            table
                .excluded
                .entry(exclusion)
                .or_default()
                .add(line.net_amount)?;
            return Ok(Some(None));
        };
        let plan = &plans[chosen];
        let Some(segment) = segment_index(&plan.segments, date) else {
            // The base is checked first, as for a routed line.
            if plan.contract.base == Base::Cash {
                money::sub(line.net_amount, line.voucher)?;
            }
            if plan.contract.base == Base::List && line.list_amount.is_none() {
                return Ok(Some(Some(format!(
                    "contract {} computes its rebate on list amounts (base `list`), but this row has no list_amount",
                    plan.contract.id
                ))));
            }
            return Ok(Some(Some(format!(
                "date {date} is in no settlement period of contract {}",
                plan.contract.id
            ))));
        };
        let others = candidates.iter().copied().filter(in_currency).skip(1);
        // The route is set again in place (a new day of an account is a new route, and days
        // come by the thousand): its groups stay while they are the same place's.
        let route = &mut self.route;
        if (route.contract, route.segment, route.table) != (chosen, segment, table_number) {
            route.groups.clear();
        }
        route.account.clear();
        route.account.push_str(&line.account_id);
        route.currency.clear();
        route.currency.push_str(&line.currency);
        route.others.clear();
        route.others.extend(others);
        route.date = date;
        route.table = table_number;
        route.contract = chosen;
        route.segment = segment;
        Ok(None)
    }
}

impl BillingSink for Attributor<'_, '_> {
    fn begin_table(&mut self, table: &Location, recognised: Option<&Recognised<'_>>) {
        self.settle_table();
        self.ledger.tables.push(TableControl {
            table: table.clone(),
            layout: recognised.map(|recognised| recognised.ruleset.name.clone()),
            read: Tally::default(),
            attributed: Tally::default(),
            excluded: BTreeMap::new(),
            rejected: Tally::default(),
            blank_rows: 0,
            rows_above_header: 0,
            totals_rows: Vec::new(),
        });
    }

    fn line(&mut self, row: usize, line: BillingLine<'_>) {
        match self.attribute(row, &line) {
            Ok(None) => {
                self.table().read.rows += 1;
                // Out of range, it stays out of the read total, as before it was settled.
                let _ = self.read.add(line.net_amount);
            }
            Ok(Some(reason)) => {
                let location = self.table().table.at_row(row);
                self.reject_row(location, reason, Some(line.net_amount));
            }
            Err(Overflow) => {
                let location = self.table().table.at_row(row).at_column("net_amount");
                self.reject_row(
                    location,
                    "the amounts are out of range (more than 28 significant digits)".into(),
                    None,
                );
            }
        }
    }

    fn reject(&mut self, location: Location, reason: String, net_amount: Option<Decimal>) {
        self.reject_row(location, reason, net_amount);
    }

    fn blank(&mut self, _row: usize) {
        self.table().blank_rows += 1;
    }

    fn above_header(&mut self, _row: usize) {
        self.table().rows_above_header += 1;
    }

    fn totals(&mut self, row: usize, net_amount: Option<Decimal>) {
        self.settle_table();
        let table = self.table();
        let above = table.read;
        table.totals_rows.push(TotalsRow {
            row,
            stated: net_amount,
            above,
        });
    }
}

/// Lines of one kind with the tables they came from (global table numbers).
pub type TalliedTables = (Tally, Vec<usize>);

/// The billing ledgers of all files merged in file order, tables numbered globally.
#[derive(Debug)]
pub struct BillingTotals {
    /// Control totals per table, in file order.
    pub tables: Vec<TableControl>,
    /// Per contract, per segment.
    pub buckets: Vec<Vec<Bucket>>,
    /// Per (account, month, currency).
    pub uncovered: BTreeMap<(String, YearMonth, String), TalliedTables>,
    /// Per (contract, account, month, currency).
    pub currency_mismatches: BTreeMap<(usize, String, YearMonth, String), TalliedTables>,
    /// Lines covered twice: (account, chosen, other) → tally and first/last date.
    pub overlaps: BTreeMap<(String, usize, usize), (Tally, NaiveDate, NaiveDate)>,
    /// Unknown products per (contract, product).
    pub unknown_products: BTreeMap<(usize, String), Tally>,
    /// Rejected rows kept one by one.
    pub rejections: Vec<Rejection>,
    /// Per file, rejected rows beyond those kept.
    pub rejections_not_kept: Vec<(String, u64)>,
}

impl BillingTotals {
    /// Empty totals with one bucket per contract segment.
    pub fn new(plans: &[ContractPlan]) -> Self {
        BillingTotals {
            tables: Vec::new(),
            buckets: plans
                .iter()
                .map(|plan| vec![Bucket::default(); plan.segments.len()])
                .collect(),
            uncovered: BTreeMap::new(),
            currency_mismatches: BTreeMap::new(),
            overlaps: BTreeMap::new(),
            unknown_products: BTreeMap::new(),
            rejections: Vec::new(),
            rejections_not_kept: Vec::new(),
        }
    }

    /// Adds one file's ledger; call in file order.
    ///
    /// # Errors
    /// On overflow.
    pub fn absorb(&mut self, ledger: FileLedger) -> Result<(), Overflow> {
        let offset = self.tables.len();
        let file = ledger
            .tables
            .first()
            .map(|table| table.table.file.to_string())
            .unwrap_or_default();
        // Sorted so the merge order (and with it every row-range list) is fixed.
        let mut buckets: Vec<_> = ledger.buckets.into_iter().collect();
        buckets.sort_by_key(|(key, _)| *key);
        for ((contract, period), bucket) in buckets {
            self.buckets[contract][period].absorb(bucket, offset)?;
        }
        let first_table = offset;
        for (key, tally) in ledger.uncovered {
            let entry = self.uncovered.entry(key).or_default();
            entry.0.merge(&tally)?;
            entry.1.push(first_table);
        }
        for (key, tally) in ledger.currency_mismatches {
            let entry = self.currency_mismatches.entry(key).or_default();
            entry.0.merge(&tally)?;
            entry.1.push(first_table);
        }
        for (key, (tally, first, last)) in ledger.overlaps {
            let entry = self
                .overlaps
                .entry(key)
                .or_insert((Tally::default(), first, last));
            entry.0.merge(&tally)?;
            entry.1 = entry.1.min(first);
            entry.2 = entry.2.max(last);
        }
        for (key, tally) in ledger.unknown_products {
            self.unknown_products
                .entry(key)
                .or_default()
                .merge(&tally)?;
        }
        self.rejections.extend(ledger.rejections);
        if ledger.rejections_not_kept > 0 {
            self.rejections_not_kept
                .push((file, ledger.rejections_not_kept));
        }
        self.tables.extend(ledger.tables);
        Ok(())
    }

    /// A bucket's sources as evidence rows, naming their tables.
    pub fn source_rows(&self, bucket: &Bucket) -> Vec<SourceRows> {
        bucket
            .sources
            .iter()
            .flat_map(|(table, products)| {
                products
                    .iter()
                    .map(move |(product, group)| (table, product, group))
            })
            .map(|(table, product, group)| SourceRows {
                table: self.tables.get(*table).map_or_else(
                    || Location::file("?".into()),
                    |control| control.table.clone(),
                ),
                product: product.clone(),
                coefficient: group.coefficient,
                rows: group.base.rows,
                row_ranges: group.rows.to_string(),
                base: group.base.amount,
                weighted_base: group.weighted_base,
            })
            .collect()
    }

    /// The distinct files of some tables, comma-separated.
    pub fn files_of(&self, tables: &[usize]) -> String {
        let mut files: Vec<String> = tables
            .iter()
            .filter_map(|table| self.tables.get(*table))
            .map(|control| control.table.file.to_string())
            .collect();
        files.dedup();
        files.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contract::Settlement;
    use crate::domain::settlement::tests::contract;
    use crate::domain::test_support::{d, day};

    fn line<'a>(
        account: &'a str,
        date: &str,
        product: &'a str,
        net: &str,
        currency: &'a str,
    ) -> BillingLine<'a> {
        let date = day(date);
        BillingLine {
            account_id: account.into(),
            billing_month: YearMonth::of(date),
            date: Some(date),
            product,
            product_known: product == "ECS",
            product_number: None,
            order_type: None,
            instance_id: None,
            list_amount: None,
            discount: Decimal::ZERO,
            voucher: d("5"),
            net_amount: d(net),
            currency: currency.into(),
        }
    }

    fn plans() -> Vec<ContractPlan> {
        let mut first = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
        first.products.insert("RDS".into(), d("0.5"));
        let mut second = contract("2025-06-01", "2026-05-31", Settlement::Monthly);
        second.id = "C2".into();
        second.base = Base::Cash;
        [first, second].into_iter().map(ContractPlan::new).collect()
    }

    #[test]
    fn lines_go_to_the_covering_contract_and_period_with_their_coefficient() {
        let plans = plans();
        let rulesets = Rulesets::load(None).unwrap();
        let index = ContractIndex::new(&plans, &rulesets);
        let mut attributor = Attributor::new(&index);
        attributor.begin_table(&Location::file("bill.csv".into()), None);
        attributor.line(2, line("A1", "2025-02-10", "ECS", "100", "CNY"));
        attributor.line(3, line("A1", "2025-02-11", "RDS", "100", "CNY"));
        attributor.line(4, line("A1", "2025-03-01", "ECS", "-20", "CNY"));
        attributor.line(5, line("ZZ", "2025-03-01", "ECS", "7", "CNY"));
        attributor.line(6, line("A1", "2025-03-01", "ECS", "9", "USD"));
        attributor.line(7, line("A1", "2026-03-01", "ECS", "40", "CNY"));
        let ledger = attributor.finish().unwrap();
        let q1 = &ledger.buckets[&(0, 0)];
        // 100 + 100 × 0.5 − 20 = 130.
        assert_eq!(q1.weighted_base, d("130.0"));
        assert_eq!(q1.sources[&0]["ECS"].rows.to_string(), "2, 4");
        // C2 (base cash: net − voucher 5) takes the 2026 line.
        assert_eq!(ledger.buckets[&(1, 9)].weighted_base, d("35"));
        let control = &ledger.tables[0];
        assert_eq!(
            control.read,
            Tally {
                rows: 6,
                amount: d("236")
            }
        );
        assert_eq!(control.attributed.rows, 4);
        assert_eq!(control.excluded[&Exclusion::Uncovered].amount, d("7"));
        assert_eq!(
            control.excluded[&Exclusion::CurrencyMismatch].amount,
            d("9")
        );
        // RDS matched no alias (the test line says so) but the contract names it.
        assert!(ledger.unknown_products.is_empty());
    }

    #[test]
    fn a_line_without_a_date_counts_on_the_first_of_its_billing_month() {
        // Billed in 2025-04 with no charge date: dated 2025-04-01, so Q2 of C1.
        let plans = plans();
        let rulesets = Rulesets::load(None).unwrap();
        let index = ContractIndex::new(&plans, &rulesets);
        let mut attributor = Attributor::new(&index);
        attributor.begin_table(&Location::file("bill.csv".into()), None);
        let mut undated = line("A1", "2025-04-30", "ECS", "10", "CNY");
        undated.date = None;
        assert_eq!(undated.effective_date(), day("2025-04-01"));
        attributor.line(2, undated);
        assert_eq!(
            attributor.finish().unwrap().buckets[&(0, 1)].weighted_base,
            d("10")
        );
    }

    #[test]
    fn a_list_base_takes_the_list_amount_and_rejects_lines_without_one() {
        let mut plans = plans();
        plans[0].contract.base = Base::List;
        let rulesets = Rulesets::load(None).unwrap();
        let index = ContractIndex::new(&plans, &rulesets);
        let mut attributor = Attributor::new(&index);
        attributor.begin_table(&Location::file("bill.csv".into()), None);
        let mut listed = line("A1", "2025-01-10", "ECS", "80", "CNY");
        listed.list_amount = Some(d("100"));
        attributor.line(2, listed);
        attributor.line(3, line("A1", "2025-01-11", "ECS", "80", "CNY"));
        let ledger = attributor.finish().unwrap();
        assert_eq!(ledger.buckets[&(0, 0)].weighted_base, d("100"));
        assert_eq!(ledger.rejections.len(), 1);
        assert!(ledger.rejections[0].reason.contains("no list_amount"));
        assert_eq!(
            ledger.tables[0].rejected,
            Tally {
                rows: 1,
                amount: d("80")
            }
        );
    }

    #[test]
    fn overlapping_contracts_give_the_line_to_the_earliest_start() {
        let plans = plans();
        let rulesets = Rulesets::load(None).unwrap();
        let index = ContractIndex::new(&plans, &rulesets);
        let mut attributor = Attributor::new(&index);
        attributor.begin_table(&Location::file("bill.csv".into()), None);
        attributor.line(2, line("A1", "2025-07-15", "Quantum", "10", "CNY"));
        let ledger = attributor.finish().unwrap();
        assert!(ledger.buckets.contains_key(&(0, 2)));
        let ((account, chosen, other), (tally, _, _)) = ledger.overlaps.iter().next().unwrap();
        assert_eq!(
            (account.as_str(), *chosen, *other, tally.rows),
            ("A1", 0, 1, 1)
        );
        assert_eq!(
            ledger.unknown_products.keys().next(),
            Some(&(0, "Quantum".to_string()))
        );
    }

    #[test]
    fn every_base_is_summed_and_parts_merge_to_the_whole() {
        // C1 (base net, RDS at 0.5), Q1: two ECS rows and an RDS row, one without list.
        let plans = plans();
        let rulesets = Rulesets::load(None).unwrap();
        let index = ContractIndex::new(&plans, &rulesets);
        let rows = |attributor: &mut Attributor<'_, '_>, rows: std::ops::Range<usize>| {
            for row in rows {
                let (product, net, list) = [
                    ("ECS", "100", Some("120")),
                    ("RDS", "60", Some("80")),
                    ("ECS", "-20", None),
                    ("ECS", "0.005", Some("0.01")),
                ][row];
                let mut billed = line("A1", "2025-02-10", product, net, "CNY");
                billed.list_amount = list.map(d);
                attributor.line(row + 2, billed);
            }
        };
        let mut whole = Attributor::new(&index);
        whole.begin_table(&Location::file("bill.csv".into()), None);
        rows(&mut whole, 0..4);
        let whole = whole.finish().unwrap();
        let q1 = &whole.buckets[&(0, 0)];
        let ecs = &q1.sources[&0]["ECS"];
        assert_eq!(
            ecs.amounts,
            LineAmounts {
                net: d("80.005"),
                list: d("120.01"),
                without_list: 1,
                voucher: d("15"),
            }
        );
        assert_eq!(ecs.amounts.base(Base::Net), Ok(Some(d("80.005"))));
        assert_eq!(ecs.amounts.base(Base::Cash), Ok(Some(d("65.005"))));
        assert_eq!(ecs.amounts.base(Base::List), Ok(None));
        let rds = &q1.sources[&0]["RDS"];
        assert_eq!(rds.amounts.base(Base::List), Ok(Some(d("80"))));
        assert_eq!(rds.weighted_base, d("30"));
        // The same rows read in two parts and appended give the same buckets.
        let mut first = Attributor::new(&index);
        first.begin_table(&Location::file("bill.csv".into()), None);
        rows(&mut first, 0..2);
        let mut later = Attributor::new(&index);
        later.begin_table(&Location::file("bill.csv".into()), None);
        rows(&mut later, 2..4);
        let mut parts = first.finish().unwrap();
        parts.append(later.finish().unwrap()).unwrap();
        assert_eq!(parts.buckets, whole.buckets);
    }

    #[test]
    fn row_ranges_compress_and_stay_bounded() {
        let mut ranges = RowRanges::default();
        for row in [2, 3, 4, 7, 9, 10] {
            ranges.push(row);
        }
        assert_eq!(ranges.to_string(), "2-4, 7, 9-10");
        let mut many = RowRanges::default();
        for row in (0..200).map(|row| row * 2) {
            many.push(row);
        }
        assert!(many.to_string().ends_with(", …"));
    }
}
