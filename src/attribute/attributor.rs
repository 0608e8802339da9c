//! The per-file hot path: [`Attributor`] takes each billing line of one file as it
//! streams, finds its contract and segment (through the [`Route`] cache most of the
//! time), and adds it to running sums; [`Attributor::finish`] turns them into the file's
//! [`FileLedger`].

use super::bucket::{Bucket, Source, Sources};
use super::coefficients::{Coefficient, Coefficients};
use super::groups::{Groups, LineUnits};
use super::interner::Interner;
use super::ledger::{FileLedger, MAX_REJECTIONS_PER_FILE, Rejection};
use super::plan::ContractIndex;
use super::route::Route;
use super::slots::Slots;
use super::window::{Pending, WINDOW, Window};
use crate::domain::billing::BillingLine;
use crate::domain::contract::Base;
use crate::domain::controls::{Exclusion, TableControl, Tally, TotalsRow};
use crate::domain::expected::RowReason;
use crate::domain::location::Location;
use crate::domain::money::{self, Overflow, RunningSum};
use crate::domain::period::YearMonth;
use crate::domain::words::fold;
use crate::ingest::billing::{BillingSink, Recognised};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as FastMap;
use std::collections::BTreeMap;

/// The bit of a `group_index` value saying that someone named the group's product.
const KNOWN: u32 = 1 << 31;

/// Group numbers stay below this, so a `group_index` value is never `slots::EMPTY`.
const MAX_GROUPS: usize = (KNOWN - 1) as usize;

/// What a product is under one ruleset (`Attributor::coefficient`).
#[derive(Debug)]
struct RulesetProduct {
    /// Its canonical name (after the ruleset's aliases), folded.
    folded: Box<str>,
    /// Whether the ruleset's aliases know it.
    known: bool,
    /// The ruleset's default coefficient for it.
    coefficient: Option<Decimal>,
}

/// Fills a [`FileLedger`] from one file's lines.
pub struct Attributor<'i, 'a> {
    index: &'i ContractIndex<'a>,
    ledger: FileLedger,
    /// (contract, product number) → coefficient, known, amended.
    coefficients: Coefficients,
    /// (ruleset number, product number) → what the product is under that ruleset.
    ruleset_products: FastMap<(Option<u32>, u32), RulesetProduct>,
    /// The source groups' running sums, by group number, in a compact form (see
    /// `groups`); named, weighted and nested into [`Bucket`]s when the file ends.
    groups: Groups,
    /// Each group's (contract, segment, table, product number), by group number: read
    /// only when the file ends, so kept apart from the sums.
    group_keys: Vec<(usize, usize, usize, u32)>,
    /// (segment number across contracts, table, product number) → the group's number,
    /// with [`KNOWN`] set when anyone named its product: a line finds its group with this
    /// one lookup into 16-byte entries, read ahead for a window of lines at a time
    /// ([`Slots::touch`]); the coefficient is looked up only for a new group.
    group_index: Slots,
    /// The last place a group was looked up for, (segment number, table), and the
    /// `group_index` values found there by product number, in the order met: lines of
    /// one account and day (exports are sorted that way) find their group here.
    memo_place: (u32, u32),
    memo: Vec<(u32, u32)>,
    /// Routed lines waiting to be summed (see `window`).
    window: Window,
    /// Set when summing a window overflowed, which no line of a file can make happen
    /// (see [`Attributor::flush`]); [`Attributor::finish`] then fails.
    window_overflow: bool,
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

impl<'i, 'a> Attributor<'i, 'a> {
    /// An empty ledger for one file.
    pub fn new(index: &'i ContractIndex<'a>) -> Self {
        Attributor {
            index,
            ledger: FileLedger::default(),
            coefficients: Coefficients::new(index.plans.len()),
            ruleset_products: FastMap::default(),
            groups: Groups::default(),
            group_keys: Vec::new(),
            group_index: Slots::default(),
            memo_place: (u32::MAX, u32::MAX),
            memo: Vec::new(),
            window: Window::default(),
            window_overflow: false,
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
        self.flush();
        if self.window_overflow {
            return Err(Overflow);
        }
        self.settle_table();
        let Attributor {
            mut ledger,
            names,
            groups,
            group_keys,
            uncovered,
            currency_mismatches,
            overlaps,
            unknown_products,
            ..
        } = self;
        // Bucket by bucket, each bucket's groups in the order they were opened (the order
        // the weighted base was always summed in): a bucket is built whole, then stored.
        // Each group's table and product ride along, so moving the groups reads no
        // other scattered place.
        let mut order: Vec<_> = group_keys
            .into_iter()
            .enumerate()
            .map(|(group, (contract, segment, table, product))| {
                ((contract, segment, group), (table, product))
            })
            .collect();
        order.sort_unstable_by_key(|&(key, _)| key);
        // The bucket being filled: its key, sums and groups (in the order opened, put in
        // (table, product) order when the bucket is stored).
        let mut open: Option<((usize, usize), Decimal, Vec<Source>)> = None;
        let mut store = |open: Option<((usize, usize), Decimal, Vec<Source>)>| {
            if let Some((key, weighted_base, sources)) = open {
                let sources = Sources::from_unordered(sources);
                let bucket = Bucket {
                    weighted_base,
                    sources,
                };
                ledger.buckets.insert(key, bucket);
            }
        };
        // Closing reads each group's sums and its closed rows, in an order unrelated to
        // where they lie: asked for a chunk of groups at a time, their misses overlap.
        let mut groups = groups.closing();
        for (chunk_number, chunk) in order.chunks(WINDOW).enumerate() {
            let mut touched = 0;
            for &((_, _, group), _) in chunk {
                touched ^= groups.touch(group);
            }
            for &((_, _, group), _) in chunk {
                touched ^= groups.touch_ranges(group);
            }
            std::hint::black_box(touched);
            for (place, &((contract, segment, group), (table, product))) in chunk.iter().enumerate()
            {
                let closed = groups.close(group)?;
                let (_, weighted_base, sources) = match &mut open {
                    Some(bucket) if bucket.0 == (contract, segment) => bucket,
                    _ => {
                        store(open.take());
                        // Sized to the bucket's groups, which follow one another in `order`.
                        let first = chunk_number * WINDOW + place;
                        let count = order[first..]
                            .iter()
                            .take_while(|((other, at, _), _)| (*other, *at) == (contract, segment))
                            .count();
                        open.insert((
                            (contract, segment),
                            Decimal::ZERO,
                            Vec::with_capacity(count),
                        ))
                    }
                };
                // W_p = Σ base × coefficient = Σ over groups of coefficient × Σ base: exact
                // either way, so the multiplication happens once per group, not per line.
                *weighted_base = money::add(*weighted_base, closed.weighted_base)?;
                sources.push(Source {
                    table,
                    product: names.shared(product),
                    group: closed,
                });
            }
        }
        store(open);
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

    /// The coefficient for a product under a contract, whether anyone named the product
    /// (contract sheet, ruleset coefficients or aliases), and whether an amendment of the
    /// contract re-weights products. Cached per contract and product number, so the
    /// lookup allocates only the first time.
    fn coefficient(&mut self, contract: usize, product: u32, product_known: bool) -> Coefficient {
        if let Some(known) = self.coefficients.get(contract, product) {
            return known;
        }
        let index = self.index;
        let ruleset_number = index.ruleset_number(contract);
        let names = &self.names;
        // What the product is under the contract's ruleset, the same for every contract of
        // that ruleset: worked out once per file.
        let under_ruleset = self
            .ruleset_products
            .entry((ruleset_number, product))
            .or_insert_with(|| {
                let ruleset = ruleset_number.map(|number| index.ruleset(number));
                let name = names.get(product);
                // Aliases of the contract's ruleset may know a name the file's ruleset did not.
                let resolved = ruleset.map(|ruleset| ruleset.product(name));
                let canonical = resolved
                    .as_ref()
                    .map_or(name, |product| product.name.as_str());
                RulesetProduct {
                    folded: fold(canonical).into(),
                    known: resolved.as_ref().is_some_and(|product| product.known),
                    coefficient: ruleset.and_then(|ruleset| ruleset.coefficient(canonical)),
                }
            });
        let from_contract = index.listed_coefficient(contract, &under_ruleset.folded);
        let from_ruleset = under_ruleset.coefficient;
        let known = product_known
            || under_ruleset.known
            || from_contract.is_some()
            || from_ruleset.is_some();
        let result = Coefficient {
            value: from_contract.or(from_ruleset).unwrap_or(Decimal::ONE),
            known,
            amended: index.coefficient_amended(contract),
        };
        self.coefficients.insert(contract, product, result);
        result
    }

    /// The coefficient an amendment gives the product in `contract`'s segment `segment`
    /// (docs/ARITHMETIC.md, "Amendments"); `None` if none does. Asked only when a group
    /// opens, and only for contracts an amendment re-weights ([`Coefficient::amended`]):
    /// a group is one segment's, and a new coefficient starts a segment.
    fn amended_coefficient(
        &self,
        contract: usize,
        segment: usize,
        product: u32,
    ) -> Option<Decimal> {
        let plan = &self.index.plans[contract];
        let name = self.names.get(product);
        let canonical = self
            .index
            .ruleset_of(contract)
            .map_or_else(|| name.to_string(), |ruleset| ruleset.product(name).name);
        let first = plan.segments.get(segment)?.range.first;
        plan.contract
            .amended_coefficient(&canonical, first)
            .map(|(coefficient, _)| coefficient)
    }

    fn reject_row(&mut self, location: Location, reason: RowReason, amount: Option<Decimal>) {
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
        let line_base = match self.index.facts[chosen].base {
            Base::Net => line.net_amount,
            Base::Cash => money::sub(line.net_amount, line.voucher)?,
            Base::List => match line.list_amount {
                Some(list) => list,
                None => {
                    return Ok(Some(format!(
                        "contract {} computes its rebate on list amounts (base `list`), but this row has no list_amount",
                        self.index.plans[chosen].contract.id
                    )));
                }
            },
        };
        self.tally_overlaps(line, date)?;
        let product = self.product_number(line);
        let key = [
            self.route.segment_number,
            u32::try_from(table_number).unwrap_or(u32::MAX),
            product,
        ];
        // A line waits in the window when summing it later cannot fail (see `flush`):
        // its amounts fit the small form and its group, if new, gets a number.
        let waits = LineUnits::of(line_base, line)
            .filter(|_| self.groups.len() + self.window.len() < MAX_GROUPS);
        match waits {
            Some(units) => {
                let pending = Pending {
                    key,
                    contract: chosen,
                    segment: self.route.segment,
                    row,
                    product_known: line.product_known,
                    net: line.net_amount,
                    units,
                };
                if self.window.push(pending) {
                    self.flush();
                }
            }
            None => {
                // After the lines before it, so each group takes its rows in order.
                self.flush();
                let found = self.group(key, chosen, self.route.segment, line.product_known)?;
                if found & KNOWN == 0 {
                    self.unknown_products
                        .entry((chosen, product))
                        .or_default()
                        .add(line.net_amount)?;
                }
                self.groups
                    .add((found & !KNOWN) as usize, row, line_base, line)?;
            }
        }
        self.attributed.add(line.net_amount)?;
        self.table().attributed.rows += 1;
        Ok(None)
    }

    /// The `group_index` value of `key` (group number, with [`KNOWN`] when anyone named
    /// the product), opening the group in `contract`'s segment `segment` when new.
    ///
    /// # Errors
    /// When there are 2^31 groups already.
    #[inline]
    fn group(
        &mut self,
        key: [u32; 3],
        contract: usize,
        segment: usize,
        product_known: bool,
    ) -> Result<u32, Overflow> {
        let [segment_number, table, product] = key;
        if self.memo_place != (segment_number, table) {
            self.memo_place = (segment_number, table);
            self.memo.clear();
        } else if let Some(&(_, found)) = self.memo.iter().find(|(known, _)| *known == product) {
            return Ok(found);
        }
        let found = match self.group_index.get(key) {
            Some(found) => found,
            None => {
                let Coefficient {
                    value,
                    known,
                    amended,
                } = self.coefficient(contract, product, product_known);
                let coefficient = if amended {
                    self.amended_coefficient(contract, segment, product)
                        .unwrap_or(value)
                } else {
                    value
                };
                let group = Some(self.groups.open(coefficient))
                    .filter(|&group| group < MAX_GROUPS)
                    .ok_or(Overflow)? as u32;
                self.group_keys
                    .push((contract, segment, table as usize, product));
                let found = if known { group | KNOWN } else { group };
                self.group_index.insert(key, found);
                found
            }
        };
        self.memo.push((product, found));
        Ok(found)
    }

    /// Sums the lines waiting in the window, in line order (see `window`): first every
    /// line's group is found (opening new groups in the order their first line came),
    /// then every group's cache line is read, then every line is added — three short
    /// loops whose cache misses overlap, instead of one long loop that waits for each.
    ///
    /// Nothing here fails for a line that waits: it has a group number (at most
    /// [`MAX_GROUPS`] groups), its amounts fit an `i64` in units of 10^-8, so a group's
    /// sums (`i128` once they leave the small form) and the unknown-product tally stay
    /// inside the `Decimal` range for fewer than 2^33 lines. Should one fail all the
    /// same, the file's ledger is refused ([`Attributor::finish`]), never short of a line.
    fn flush(&mut self) {
        if self.window.len() == 0 {
            return;
        }
        let mut window = std::mem::take(&mut self.window);
        window.found.clear();
        let mut touched = 0;
        for pending in &window.lines {
            touched ^= self.group_index.touch(pending.key);
        }
        std::hint::black_box(touched);
        for pending in &window.lines {
            match self.group(
                pending.key,
                pending.contract,
                pending.segment,
                pending.product_known,
            ) {
                Ok(found) => window.found.push(Some(found)),
                Err(Overflow) => {
                    self.window_overflow = true;
                    window.found.push(None);
                }
            }
        }
        // Ask for every group's cache line before adding to any: the loads are
        // independent, so their misses overlap.
        touched = 0;
        for &found in window.found.iter().flatten() {
            touched ^= self.groups.touch((found & !KNOWN) as usize);
        }
        std::hint::black_box(touched);
        for (pending, &found) in window.lines.iter().zip(&window.found) {
            let Some(found) = found else { continue };
            let product = pending.key[2];
            let summed = if found & KNOWN == 0 {
                self.unknown_products
                    .entry((pending.contract, product))
                    .or_default()
                    .add(pending.net)
            } else {
                Ok(())
            }
            .and_then(|()| {
                self.groups
                    .add_units((found & !KNOWN) as usize, pending.row, &pending.units)
            });
            if summed.is_err() {
                self.window_overflow = true;
            }
        }
        window.lines.clear();
        self.window = window;
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
        let candidates = self.index.candidates(account);
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
        let index = self.index;
        let plans = index.plans;
        let candidates = self.candidates(&line.account_id);
        let currency = index.currency_number(&line.currency);
        let covers = |candidate: &usize| {
            index.facts[*candidate].term.contains(date)
                && index.member(*candidate, &line.account_id, date)
        };
        let in_currency = |candidate: &usize| {
            covers(candidate) && Some(index.facts[*candidate].currency) == currency
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
        let Some(segment) = index.segment(chosen, date) else {
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
        route.segment_number = index.segment_number(chosen, segment);
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
                self.reject_row(location, reason.into(), Some(line.net_amount));
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

    fn reject(&mut self, location: Location, reason: RowReason, net_amount: Option<Decimal>) {
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
