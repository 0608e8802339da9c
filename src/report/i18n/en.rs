//! English: every sentence of the reports (the default language).

use super::format::grouped;
use super::table::{Bases, CauseFacts, InstallmentFacts, PayoutFacts, Sentences, Spend, Tally};
use crate::domain::computation::CatchUp;
use crate::domain::contract::{Base, DateRange, InvoiceKind, Portion, TierMode};
use crate::domain::expected::RowReason;
use crate::domain::finding::{MemberRefusal, Neighbour, Unread};
use crate::domain::money::format_rate;
use crate::domain::payout::PayoutField;
use crate::domain::period::PeriodRef;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The English table.
pub struct English;

/// A count with its noun, singular for one: `1 contract`, `0 contracts`, `2 contracts`.
pub fn count(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

impl English {
    /// `, late interest 2,100.00`; nothing when the contract has no late-interest rate.
    fn interest_clause(&self, facts: &InstallmentFacts<'_>) -> String {
        facts.interest.map_or(String::new(), |interest| {
            format!(", late interest {}", self.money(interest, facts.currency))
        })
    }
}

/// `Installment 1 of contract C1 for 2025-04-01 to 2025-06-30`.
fn installment(facts: &InstallmentFacts<'_>) -> String {
    format!(
        "Installment {} of contract {} for {} to {}",
        facts.number, facts.contract, facts.period.first, facts.period.last
    )
}

/// `due 2025-07-30`, `not yet due`.
fn due(due_on: Option<NaiveDate>) -> String {
    due_on.map_or_else(|| "not yet due".to_string(), |day| format!("due {day}"))
}

/// `installment 1`, and which part of the period's rebate it is when it is not the whole:
/// `installment 1 (40% of the period's rebate)`.
pub(super) fn cause_installment(cause: &CauseFacts) -> String {
    match cause.portion {
        None => format!("installment {}", cause.installment),
        Some(portion) => format!(
            "installment {} ({})",
            cause.installment,
            portion_words(portion)
        ),
    }
}

/// Which part of its period's rebate an installment is.
fn portion_words(portion: Portion) -> String {
    match portion {
        Portion::Percent(fraction) => format!("{} of the period's rebate", format_rate(fraction)),
        Portion::Points(_) => {
            format!("{portion} of the period's weighted base, at most what is left of its rebate")
        }
        Portion::Rest => "the rest of the period's rebate after the installments before it".into(),
    }
}

/// The installment's share of a rebate, before `the rebate …`: `40% of`.
fn share_of(number: u32, portion: Portion) -> String {
    match portion {
        Portion::Percent(fraction) => format!("{} of", format_rate(fraction)),
        Portion::Points(_) => format!(
            "what is left for installment {number} ({portion} of the period's weighted base at most) of"
        ),
        Portion::Rest => "the rest, after the installments before it, of".into(),
    }
}

/// A base in words.
fn base_words(base: Base) -> &'static str {
    match base {
        Base::Net => "net amounts (payable after discounts)",
        Base::List => "list amounts (原价)",
        Base::Cash => "cash amounts (net minus vouchers)",
    }
}

impl Sentences for English {
    fn duplicate_payout(&self, facts: &super::table::DuplicateFacts<'_>) -> String {
        super::claims::duplicate_en(self, facts)
    }

    fn limitation(&self, facts: &super::table::LimitationFacts<'_>) -> String {
        super::claims::limitation_en(self, facts)
    }

    /// English shows the amount alone, as every report always has.
    fn money(&self, amount: Decimal, _currency: &str) -> String {
        grouped(amount)
    }

    fn range(&self, range: DateRange) -> String {
        format!("{} to {}", range.first, range.last)
    }

    fn lines(&self, rows: u64) -> String {
        match rows {
            1 => "1 line".to_string(),
            _ => format!("{rows} lines"),
        }
    }

    /// The contract word (`vat_special`).
    fn invoice_kind(&self, kind: InvoiceKind) -> String {
        kind.to_string()
    }

    fn overpaid(&self, facts: &InstallmentFacts<'_>) -> String {
        let money = |amount| self.money(amount, facts.currency);
        format!(
            "{} received {}, {} more than the {} expected.",
            installment(facts),
            money(facts.paid),
            money(facts.difference),
            money(facts.expected)
        )
    }

    fn unpaid(&self, facts: &InstallmentFacts<'_>) -> String {
        let money = |amount| self.money(amount, facts.currency);
        format!(
            "{} expected {} ({}) and received nothing as of {}: {} days past due{}.",
            installment(facts),
            money(facts.expected),
            due(facts.due_on),
            facts.as_of,
            facts.days_late,
            self.interest_clause(facts)
        )
    }

    fn underpaid(&self, facts: &InstallmentFacts<'_>) -> String {
        let money = |amount| self.money(amount, facts.currency);
        format!(
            "{} expected {} ({}) but received {}, short {} as of {}: {} days past due{}.",
            installment(facts),
            money(facts.expected),
            due(facts.due_on),
            money(facts.paid),
            money(-facts.difference),
            facts.as_of,
            facts.days_late,
            self.interest_clause(facts)
        )
    }

    fn late(&self, facts: &InstallmentFacts<'_>) -> String {
        let money = |amount| self.money(amount, facts.currency);
        format!(
            "{} ({} expected, {}) was completed only on {}, {} days late{}.",
            installment(facts),
            money(facts.expected),
            due(facts.due_on),
            facts.completed_on.map_or("?".into(), |day| day.to_string()),
            facts.days_late,
            facts.interest.map_or(String::new(), |interest| format!(
                "; late interest {}",
                money(interest)
            ))
        )
    }

    fn clawback(&self, facts: &InstallmentFacts<'_>) -> String {
        let money = |amount| self.money(amount, facts.currency);
        format!(
            "{} is negative ({}): refunds brought the rebate earned below what earlier periods earned, so {} may be owed back to the agent.",
            installment(facts),
            money(facts.expected),
            money(-facts.expected)
        )
    }

    fn with_likely_cause(&self, sentence: String, cause: &str) -> String {
        format!("{sentence} Likely cause: {cause}")
    }

    fn unknown_period(
        &self,
        payout: &PayoutFacts<'_>,
        named: PeriodRef,
        term: DateRange,
    ) -> String {
        format!(
            "Payout {} of {} names period {named}, which is not a settlement period of contract {} ({} to {}).",
            payout.id,
            self.money(payout.amount, payout.currency),
            payout.contract,
            term.first,
            term.last
        )
    }

    fn unknown_installment(
        &self,
        payout: &PayoutFacts<'_>,
        named: u32,
        installments: usize,
    ) -> String {
        format!(
            "Payout {} of {} names installment {named}, which the period it pays does not have (contract {} has installments 1 to {installments}).",
            payout.id,
            self.money(payout.amount, payout.currency),
            payout.contract
        )
    }

    fn excess(&self, payout: &PayoutFacts<'_>, excess: Decimal) -> String {
        format!(
            "Payout {} of {} on {} found no open installment on contract {}: {} is more than the contract has earned so far.",
            payout.id,
            self.money(payout.amount, payout.currency),
            payout.paid_on,
            payout.contract,
            self.money(excess, payout.currency)
        )
    }

    fn unknown_contract(&self, payout: &PayoutFacts<'_>, named: &str) -> String {
        format!(
            "Payout {} of {} on {} names contract {named}, which is not in the contract workbook.",
            payout.id,
            self.money(payout.amount, payout.currency),
            payout.paid_on
        )
    }

    fn payout_currency(&self, payout: &PayoutFacts<'_>, found: &str, expected: &str) -> String {
        format!(
            "Payout {} of {} {found} is not in contract {}'s currency {expected}; it was not matched to any installment.",
            payout.id,
            grouped(payout.amount),
            payout.contract
        )
    }

    fn invoice_missing(&self, payout: &PayoutFacts<'_>, required: InvoiceKind) -> String {
        format!(
            "Payout {} of {} has no invoice; contract {} requires a {required} invoice for every cash payout.",
            payout.id,
            self.money(payout.amount, payout.currency),
            payout.contract
        )
    }

    fn invoice_amount(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        found: Option<Decimal>,
    ) -> String {
        format!(
            "Invoice {number} on payout {} shows {} but the payout is {}.",
            payout.id,
            found.map_or("no amount".into(), |amount| self
                .money(amount, payout.currency)),
            self.money(payout.amount, payout.currency)
        )
    }

    fn invoice_tax_rate(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        found: Option<Decimal>,
        expected: Decimal,
    ) -> String {
        format!(
            "Invoice {number} on payout {} carries VAT {} but contract {} calls for {}.",
            payout.id,
            found.map_or("no rate".into(), format_rate),
            payout.contract,
            format_rate(expected)
        )
    }

    fn invoice_type(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        found: Option<InvoiceKind>,
        required: InvoiceKind,
    ) -> String {
        format!(
            "Invoice {number} on payout {} is {} but contract {} requires {required}.",
            payout.id,
            found.map_or("of no stated type".into(), |kind| kind.to_string()),
            payout.contract
        )
    }

    fn invoice_issuer(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        issuer: &str,
        agent: &str,
        agent_tax_id: &str,
    ) -> String {
        format!(
            "Invoice {number} on payout {} was issued by {issuer}, not by the agent {agent} ({agent_tax_id}).",
            payout.id
        )
    }

    fn invoice_late(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        dated: NaiveDate,
        days: i64,
        window_days: i64,
    ) -> String {
        format!(
            "Invoice {number} on payout {} is dated {dated}, {days} days after the payout on {} (window {window_days} days).",
            payout.id, payout.paid_on
        )
    }

    fn invoice_undated(&self, payout: &PayoutFacts<'_>, number: &str) -> String {
        format!(
            "Invoice {number} on payout {} has no invoice date.",
            payout.id
        )
    }

    fn invoice_duplicate(&self, payout: &PayoutFacts<'_>, number: &str, others: &str) -> String {
        format!(
            "Invoice {number} on payout {} is also given for payout {others}.",
            payout.id
        )
    }

    fn payout_field(&self, field: PayoutField) -> String {
        match field {
            PayoutField::Kind => "payout kind",
            PayoutField::InvoiceDate => "date",
            PayoutField::InvoiceAmount => "amount",
            PayoutField::InvoiceTaxRate => "VAT rate",
            PayoutField::InvoiceType => "type",
            PayoutField::InvoiceIssuer => "issuer",
            PayoutField::InvoiceNumber => "number",
        }
        .to_string()
    }

    fn invoice_unreadable(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        field: PayoutField,
        problem: &RowReason,
    ) -> String {
        format!(
            "Invoice {number} on payout {}: its {} could not be checked against contract {}, because its cell could not be read ({problem}).",
            payout.id,
            self.payout_field(field),
            payout.contract
        )
    }

    fn unread_cell(
        &self,
        place: &str,
        payout: &str,
        problem: &RowReason,
        outcome: &Unread,
    ) -> String {
        let tail = match outcome {
            Unread::ContractKind { contract, kind } => {
                format!(", taken as contract {contract}'s payout kind, {kind}.")
            }
            Unread::NoInvoiceRequired { contract } => {
                format!("; contract {contract} requires no invoice, so no check needed the cell.")
            }
            Unread::NotCash { kind } => {
                format!("; it is paid as {kind}, not cash, so its invoice is not checked.")
            }
            Unread::NoInvoiceNumber => "; it has no invoice number, so its invoice is reported as missing and not checked further.".to_string(),
            Unread::NothingToCheck { contract } => {
                format!("; contract {contract} states nothing to check the cell against.")
            }
            Unread::NoContract => {
                "; it was matched to no contract, so no check needed the cell.".to_string()
            }
            Unread::NumberNotMatched => "; its invoice is checked as usual, but not whether another payout carries the same invoice.".to_string(),
        };
        format!(
            "{place}: the cell was not read ({problem}); payout {payout} is kept and its amount counts{tail}"
        )
    }

    fn unreadable_file(&self, error: &str) -> String {
        format!("The file could not be read: {error}")
    }

    fn hidden_sheet(&self, place: &str) -> String {
        format!(
            "{place}: the sheet is hidden, so its rows were not read; unhide it if it holds data for the audit."
        )
    }

    fn empty_file(&self, place: &str) -> String {
        format!(
            "{place}: the file holds no table (it is empty or every sheet is blank); an export with no header row is not what was asked for."
        )
    }

    fn refused_member(&self, place: &str, why: MemberRefusal) -> String {
        let what = match why {
            MemberRefusal::LeavesArchive => {
                "its path leads outside the archive (absolute, or climbing out with `..`)"
            }
            MemberRefusal::Symlink => "a symbolic link",
            MemberRefusal::HardLink => "a hard link to another member",
            MemberRefusal::Device => "a device or named pipe",
            MemberRefusal::OtherType => "of a type that holds no plain file",
        };
        format!(
            "{place}: the member is not read: {what}; only plain files inside an archive are read, so extract the bills and pass them on their own if it holds data for the audit."
        )
    }

    fn rejected_row(&self, place: &str, message: &RowReason) -> String {
        format!("{place}: {message}")
    }

    fn more_rejections(&self, file: &str, count: u64, listed: usize) -> String {
        format!(
            "{file}: {count} more rows were rejected; only the first {listed} are listed one by one (the control totals count them all)."
        )
    }

    fn duplicate_file(&self, place: &str, first: &str) -> String {
        format!(
            "{place}: the file is byte for byte the same as {first} (same SHA-256); its rows were counted once, not twice"
        )
    }

    fn totals_mismatch(
        &self,
        place: &str,
        stated: Decimal,
        rows: u64,
        above: Decimal,
        difference: Decimal,
    ) -> String {
        format!(
            "{place}: the totals row states a net amount of {}, but the {rows} rows above it add up to {} (difference {}); rows may be missing, duplicated or edited.",
            grouped(stated),
            grouped(above),
            grouped(difference)
        )
    }

    fn uncovered(&self, spend: &Spend<'_>) -> String {
        let lines = &spend.lines;
        format!(
            "Account {} spent {} {} in {} ({}) but no contract covers it then; no rebate is claimed on it.",
            spend.account,
            grouped(lines.amount),
            lines.currency,
            spend.month,
            self.lines(lines.rows)
        )
    }

    fn billing_currency(&self, spend: &Spend<'_>, contract: &str, expected: &str) -> String {
        let lines = &spend.lines;
        format!(
            "Account {} billed {} {} in {} ({}), but contract {contract} is in {expected}; these lines were left out of the rebate base.",
            spend.account,
            grouped(lines.amount),
            lines.currency,
            spend.month,
            self.lines(lines.rows)
        )
    }

    fn overlap(
        &self,
        account: &str,
        chosen: &str,
        other: &str,
        dates: DateRange,
        lines: &Tally<'_>,
    ) -> String {
        format!(
            "Account {account} is covered by both {chosen} and {other} from {} to {} ({}, {}); the lines went to {chosen} (earliest start, then lowest id).",
            dates.first,
            dates.last,
            self.lines(lines.rows),
            self.money(lines.amount, lines.currency)
        )
    }

    fn unknown_product(
        &self,
        product: &str,
        lines: &Tally<'_>,
        ruleset: &str,
        contract: &str,
        weighted: &[(String, Decimal)],
    ) -> String {
        let said = format!(
            "Product `{product}` ({}, {}) matched no product alias of ruleset {ruleset} and is not in contract {contract}'s products sheet; it was weighted at coefficient 1",
            self.lines(lines.rows),
            self.money(lines.amount, lines.currency)
        );
        if weighted.is_empty() {
            return format!("{said}.");
        }
        let weights: Vec<String> = weighted
            .iter()
            .map(|(listed, coefficient)| format!("{listed} at {}", coefficient.normalize()))
            .collect();
        format!(
            "{said}, but {contract} weights {}: if it is one of those, its weighted base is wrong — add it to the products sheet or to the ruleset's aliases.",
            weights.join(", ")
        )
    }

    fn previous_tier_rate(
        &self,
        cause: &CauseFacts,
        reached: Decimal,
        lower: Decimal,
        volume: Decimal,
    ) -> String {
        let (reached, lower) = (format_rate(reached), format_rate(lower));
        format!(
            "{} is what {} comes to when the {reached} bracket that the tier volume {} reached is paid at the previous bracket's rate {lower}; at {reached} it expects {}.",
            grouped(cause.amount),
            cause_installment(cause),
            grouped(volume),
            grouped(cause.expected)
        )
    }

    fn no_retroactive_catch_up(
        &self,
        cause: &CauseFacts,
        period_base: Decimal,
        rate: Decimal,
        scope: DateRange,
        volume: Decimal,
    ) -> String {
        let rate = format_rate(rate);
        // The amount is the installment's share of that rebate when it is not the whole.
        let what = match cause.portion {
            None => format!(
                "the period's own weighted base {} at the reached rate {rate}",
                grouped(period_base)
            ),
            Some(portion) => format!(
                "{} the rebate at the reached rate {rate} of the period's own weighted base {}",
                share_of(cause.installment, portion),
                grouped(period_base)
            ),
        };
        format!(
            "{} is {what}, without the retroactive catch-up: the tier re-prices the whole {} to {} volume {} at {rate}, so installment {} expects {}.",
            grouped(cause.amount),
            scope.first,
            scope.last,
            grouped(volume),
            cause.installment,
            grouped(cause.expected)
        )
    }

    fn tier_mode_swapped(&self, cause: &CauseFacts, contract: TierMode) -> String {
        let (used, right) = match contract {
            TierMode::Retroactive => (
                "marginal tiers (each bracket at its own rate)",
                "retroactive (the whole volume at the reached rate)",
            ),
            TierMode::Marginal => (
                "retroactive tiers (the whole volume at the reached rate)",
                "marginal (each bracket at its own rate)",
            ),
        };
        format!(
            "{} is what {} comes to with {used}; the contract's tiers are {right}, which gives {}.",
            grouped(cause.amount),
            cause_installment(cause),
            grouped(cause.expected)
        )
    }

    fn other_base(&self, cause: &CauseFacts, used: Base, contract: Base, bases: Bases) -> String {
        format!(
            "{} is what {} comes to on {} (period weighted base {}) instead of the {} the contract names (weighted base {}), which give {}.",
            grouped(cause.amount),
            cause_installment(cause),
            base_words(used),
            grouped(bases.mistaken),
            base_words(contract),
            grouped(bases.period),
            grouped(cause.expected)
        )
    }

    fn coefficient_ignored(
        &self,
        cause: &CauseFacts,
        product: &str,
        coefficient: Decimal,
        bases: Bases,
    ) -> String {
        format!(
            "{} is what {} comes to with product {product} weighted 1 instead of its coefficient {} (period weighted base {} instead of {}); with the coefficient it expects {}.",
            grouped(cause.amount),
            cause_installment(cause),
            coefficient.normalize(),
            grouped(bases.mistaken),
            grouped(bases.period),
            grouped(cause.expected)
        )
    }

    fn coefficients_ignored(&self, cause: &CauseFacts, products: &str, bases: Bases) -> String {
        format!(
            "{} is what {} comes to with every product weighted 1, the coefficients ({products}) ignored (period weighted base {} instead of {}); with them it expects {}.",
            grouped(cause.amount),
            cause_installment(cause),
            grouped(bases.mistaken),
            grouped(bases.period),
            grouped(cause.expected)
        )
    }

    fn product_excluded(
        &self,
        cause: &CauseFacts,
        product: &str,
        coefficient: Decimal,
        bases: Bases,
    ) -> String {
        format!(
            "{} is what {} comes to with product {product} left out of the base (its coefficient {} taken as 0; period weighted base {} instead of {}); with it, it expects {}.",
            grouped(cause.amount),
            cause_installment(cause),
            coefficient.normalize(),
            grouped(bases.mistaken),
            grouped(bases.period),
            grouped(cause.expected)
        )
    }

    fn wrong_period(&self, cause: &CauseFacts, neighbour: Neighbour, period: DateRange) -> String {
        let which = match neighbour {
            Neighbour::Previous => "previous",
            Neighbour::Next => "next",
        };
        format!(
            "{} is what {} of the {which} period ({} to {}) expects: the payout was computed for, or booked against, the wrong period; this period's installment {} expects {}.",
            grouped(cause.amount),
            cause_installment(cause),
            period.first,
            period.last,
            cause.installment,
            grouped(cause.expected)
        )
    }

    fn next_tier_rate(
        &self,
        cause: &CauseFacts,
        reached: Decimal,
        higher: Decimal,
        threshold: Decimal,
        volume: Decimal,
    ) -> String {
        let (reached, higher) = (format_rate(reached), format_rate(higher));
        format!(
            "{} is what {} comes to when the tier volume {} is paid at the next bracket's rate {higher} before it reaches that bracket at {}; in the {reached} bracket it reached, it expects {}.",
            grouped(cause.amount),
            cause_installment(cause),
            grouped(volume),
            grouped(threshold),
            grouped(cause.expected)
        )
    }

    fn catch_up_paid_twice(
        &self,
        cause: &CauseFacts,
        period_rebate: Decimal,
        catch_up: &CatchUp,
    ) -> String {
        format!(
            "{} is what {} comes to when the period's retroactive catch-up {} (the earlier volume {} re-priced from {} to {}) is added again to the period's rebate {}, which already holds it; installment {} expects {}.",
            grouped(cause.amount),
            cause_installment(cause),
            grouped(catch_up.amount),
            grouped(catch_up.earlier_weighted_base),
            format_rate(catch_up.rate_before),
            format_rate(catch_up.rate_after),
            grouped(period_rebate),
            cause.installment,
            grouped(cause.expected)
        )
    }

    fn cap_ignored(&self, cause: &CauseFacts, cap: Decimal, scope: DateRange) -> String {
        format!(
            "{} is what {} comes to without the cap of {} on the rebate of {} to {}; with the cap it expects {}.",
            grouped(cause.amount),
            cause_installment(cause),
            grouped(cap),
            scope.first,
            scope.last,
            grouped(cause.expected)
        )
    }

    fn due_month_after(&self, period_end: NaiveDate) -> String {
        format!(
            "transparent settlement: the last day of the month after the period end {period_end}"
        )
    }

    fn due_after_period_end(&self, period_end: NaiveDate, due_days: i64) -> String {
        format!("period end {period_end} + {due_days} due days")
    }

    fn due_after_renewal(
        &self,
        period_end: NaiveDate,
        renewed_on: NaiveDate,
        due_days: i64,
    ) -> String {
        format!("max(period end {period_end}, renewed on {renewed_on}) + {due_days} due days")
    }

    fn not_renewed(&self) -> String {
        "not due: the contract has not been renewed".to_string()
    }
}
