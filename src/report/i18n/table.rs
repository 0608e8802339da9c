//! The table every language fills: one method per sentence a finding, a likely cause or a
//! due-date rule is said in, and the pieces those sentences share (money, periods, counts,
//! invoice types). A language that leaves a sentence out does not compile.
//!
//! The sentences take plain values, gathered from a finding's fields and its facts by
//! `super::finding`; the structs below bundle the values several sentences share.

use super::format::period_label;
use crate::domain::clawback::{ClawbackRule, ClawbackStep};
use crate::domain::computation::CatchUp;
use crate::domain::contract::{Base, DateRange, InvoiceKind, Portion, TierMode};
use crate::domain::expected::RowReason;
use crate::domain::finding::{MemberRefusal, Neighbour, Unread};
use crate::domain::payout::PayoutField;
use crate::domain::period::{PeriodRef, YearMonth};
use crate::domain::statement::{StatementCause, StatementField};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// An installment a payment sentence is about, with its payment.
#[derive(Debug, Clone, Copy)]
pub struct InstallmentFacts<'a> {
    /// The contract.
    pub contract: &'a str,
    /// Its settlement period.
    pub period: DateRange,
    /// The installment's number.
    pub number: u32,
    /// The contract's currency.
    pub currency: &'a str,
    /// What it expects.
    pub expected: Decimal,
    /// What it received.
    pub paid: Decimal,
    /// paid − expected.
    pub difference: Decimal,
    /// When it is due; `None` when not yet due.
    pub due_on: Option<NaiveDate>,
    /// The audit date.
    pub as_of: NaiveDate,
    /// Days past the deadline (0 when none).
    pub days_late: i64,
    /// Late-payment interest; `None` when the contract has no late-interest rate (the
    /// sentence then does not speak of interest).
    pub interest: Option<Decimal>,
    /// When it was paid in full, for a late installment.
    pub completed_on: Option<NaiveDate>,
}

/// A payout a sentence is about.
#[derive(Debug, Clone, Copy)]
pub struct PayoutFacts<'a> {
    /// The payout.
    pub id: &'a str,
    /// Its amount.
    pub amount: Decimal,
    /// The currency its amount is shown in (`""` when unknown).
    pub currency: &'a str,
    /// When it was received.
    pub paid_on: NaiveDate,
    /// The contract it was matched to (`""` when none).
    pub contract: &'a str,
}

/// Billing lines a sentence counts: how many, their net amount and its currency.
#[derive(Debug, Clone, Copy)]
pub struct Tally<'a> {
    /// How many lines.
    pub rows: u64,
    /// Their net amount.
    pub amount: Decimal,
    /// The currency of the amount.
    pub currency: &'a str,
}

/// An account's spend in a month.
#[derive(Debug, Clone, Copy)]
pub struct Spend<'a> {
    /// The account.
    pub account: &'a str,
    /// The billing month.
    pub month: YearMonth,
    /// The lines.
    pub lines: Tally<'a>,
}

/// The numbers every likely cause states: the installment (and which part of its
/// period's rebate it is), what was paid (what it comes to under the mistake) and what it
/// expects.
#[derive(Debug, Clone, Copy)]
pub struct CauseFacts {
    /// The installment's number.
    pub installment: u32,
    /// Its portion when it is only part of the period's rebate; `None` for the whole.
    pub portion: Option<Portion>,
    /// What the installment comes to under the mistake.
    pub amount: Decimal,
    /// What it expects.
    pub expected: Decimal,
}

/// A weighted base under a mistake, beside the true one.
#[derive(Debug, Clone, Copy)]
pub struct Bases {
    /// The period's weighted base under the mistake.
    pub mistaken: Decimal,
    /// The period's true weighted base.
    pub period: Decimal,
}

/// The statement rows a statement sentence is about.
#[derive(Debug, Clone, Copy)]
pub struct StatementFacts<'a> {
    /// The contract.
    pub contract: &'a str,
    /// Its settlement period.
    pub period: DateRange,
    /// The contract's currency.
    pub currency: &'a str,
    /// How many statement rows.
    pub rows: u64,
    /// Their statement numbers, joined (empty when they have none).
    pub statements: &'a str,
}

/// The sentences about the agent's statements, in one language (a part of
/// [`Sentences`], kept in `en_statements.rs` and `zh_statements.rs`).
pub trait StatementSentences {
    /// The agent's statement for a period differs from the recomputation: `figures` are
    /// the differing fields ([`Sentences::statement_figure`]), `causes` the likely
    /// reasons ([`Sentences::statement_cause`]).
    fn statement_mismatch(
        &self,
        statement: &StatementFacts<'_>,
        figures: &[String],
        causes: &[String],
    ) -> String;
    /// One field of a statement beside the recomputation; `currency` empty for a rate.
    fn statement_figure(
        &self,
        field: StatementField,
        stated: Decimal,
        recomputed: Decimal,
        currency: &str,
    ) -> String;
    /// A likely reason a statement differs.
    fn statement_cause(&self, cause: &StatementCause, currency: &str) -> String;
    /// A statement total no payout matches; `amount` is the total.
    fn statement_unpaid(&self, statement: &StatementFacts<'_>, amount: Decimal) -> String;
}

/// A payout that books money again, for its sentence.
#[derive(Debug, Clone, Copy)]
pub struct DuplicateFacts<'a> {
    /// The duplicate (the second booking).
    pub payout: PayoutFacts<'a>,
    /// Its row.
    pub place: &'a str,
    /// `same_booking`, `credit_and_cash` or `offset_and_cash`.
    pub reason: Option<crate::domain::finding::Reason>,
    /// The payout it repeats.
    pub first: &'a str,
    /// That payout's row.
    pub first_place: &'a str,
    /// The installment it reached first (its period and number), if any.
    pub installment: Option<(DateRange, u32)>,
    /// How the audit changes without it.
    pub effect: &'a crate::domain::finding::DuplicateEffect,
}

/// An unpaid or short installment's claim and when it expires, for its sentence.
#[derive(Debug, Clone, Copy)]
pub struct LimitationFacts<'a> {
    /// The contract.
    pub contract: &'a str,
    /// The settlement period.
    pub period: DateRange,
    /// The installment's number.
    pub number: u32,
    /// The contract's currency.
    pub currency: &'a str,
    /// What it expects.
    pub expected: Decimal,
    /// What is still owed (expected − paid).
    pub owed: Decimal,
    /// Its due date: the day the limitation period runs from.
    pub known_on: NaiveDate,
    /// The claim's last day.
    pub expires_on: NaiveDate,
    /// The audit date.
    pub as_of: NaiveDate,
    /// The limitation period in years.
    pub years: u32,
    /// The rule's name in the ruleset.
    pub rule: &'a str,
    /// `expired`, `expiring` or `running`.
    pub state: Option<crate::domain::finding::Reason>,
}

/// Every sentence, in one language.
pub trait Sentences: StatementSentences + ClawbackSentences + GapCauseSentences {
    // The pieces sentences share.

    /// Money in a sentence, grouped in thousands, with its unit where the language shows one.
    fn money(&self, amount: Decimal, currency: &str) -> String;
    /// A date range: `2025-05-01 to 2025-06-30`.
    fn range(&self, range: DateRange) -> String;
    /// A settlement period as a person names it: its calendar label (`2025-06`,
    /// `2025-Q2`, `2025`), else its [`Sentences::range`].
    fn period(&self, range: DateRange) -> String {
        period_label(range).unwrap_or_else(|| self.range(range))
    }
    /// `1 line`, `2 lines`.
    fn lines(&self, rows: u64) -> String;
    /// The name of an invoice type.
    fn invoice_kind(&self, kind: InvoiceKind) -> String;

    // Installments.

    /// More received than the installment expects.
    fn overpaid(&self, installment: &InstallmentFacts<'_>) -> String;
    /// Past due and nothing received.
    fn unpaid(&self, installment: &InstallmentFacts<'_>) -> String;
    /// Past due and less received than expected.
    fn underpaid(&self, installment: &InstallmentFacts<'_>) -> String;
    /// Paid in full after the deadline.
    fn late(&self, installment: &InstallmentFacts<'_>) -> String;
    /// A negative installment: money owed back.
    fn clawback(&self, installment: &InstallmentFacts<'_>) -> String;
    /// A sentence followed by the most likely cause's explanation.
    fn with_likely_cause(&self, sentence: String, cause: &str) -> String;

    // Payouts.

    /// A payout naming a period that is no settlement period of its contract.
    fn unknown_period(&self, payout: &PayoutFacts<'_>, named: PeriodRef, term: DateRange)
    -> String;
    /// A payout naming an installment its period does not have.
    fn unknown_installment(
        &self,
        payout: &PayoutFacts<'_>,
        named: u32,
        installments: usize,
    ) -> String;
    /// A payout that found nothing open on its contract.
    fn excess(&self, payout: &PayoutFacts<'_>, excess: Decimal) -> String;
    /// A payout naming a contract the workbook does not have.
    fn unknown_contract(&self, payout: &PayoutFacts<'_>, named: &str) -> String;
    /// A payout in another currency than its contract (the amount shown without a unit).
    fn payout_currency(&self, payout: &PayoutFacts<'_>, found: &str, expected: &str) -> String;

    // A cash payout's invoice.

    /// No invoice.
    fn invoice_missing(&self, payout: &PayoutFacts<'_>, required: InvoiceKind) -> String;
    /// The invoice amount is not the payout's.
    fn invoice_amount(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        found: Option<Decimal>,
    ) -> String;
    /// Another VAT rate than the contract's.
    fn invoice_tax_rate(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        found: Option<Decimal>,
        expected: Decimal,
    ) -> String;
    /// Another invoice type than the contract's.
    fn invoice_type(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        found: Option<InvoiceKind>,
        required: InvoiceKind,
    ) -> String;
    /// Issued by someone other than the agent.
    fn invoice_issuer(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        issuer: &str,
        agent: &str,
        agent_tax_id: &str,
    ) -> String;
    /// Dated `days` after the payout, beyond the window.
    fn invoice_late(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        dated: NaiveDate,
        days: i64,
        window_days: i64,
    ) -> String;
    /// Not dated.
    fn invoice_undated(&self, payout: &PayoutFacts<'_>, number: &str) -> String;
    /// The invoice number is on other payouts too (`others`, comma-separated).
    fn invoice_duplicate(&self, payout: &PayoutFacts<'_>, number: &str, others: &str) -> String;
    /// What an invoice field is, for [`Sentences::invoice_unreadable`]: `invoice type`.
    fn payout_field(&self, field: PayoutField) -> String;
    /// The check of `field` could not be made: its cell could not be read (`problem`,
    /// the reader's message).
    fn invoice_unreadable(
        &self,
        payout: &PayoutFacts<'_>,
        number: &str,
        field: PayoutField,
        problem: &RowReason,
    ) -> String;
    /// An optional cell of payout `payout` at `place` could not be read (`problem`); the
    /// payout is kept, and `outcome` says why nothing else depended on the cell.
    fn unread_cell(
        &self,
        place: &str,
        payout: &str,
        problem: &RowReason,
        outcome: &Unread,
    ) -> String;

    // Input files and rows; `place` is where in the input (file, sheet, row, column).

    /// A file that could not be read.
    fn unreadable_file(&self, error: &str) -> String;
    /// A hidden sheet, not read.
    fn hidden_sheet(&self, place: &str) -> String;
    /// A file with no table.
    fn empty_file(&self, place: &str) -> String;
    /// A member of a tar archive not read, and what it is.
    fn refused_member(&self, place: &str, why: MemberRefusal) -> String;
    /// A row that could not be read, and the reader's message.
    fn rejected_row(&self, place: &str, message: &RowReason) -> String;
    /// More rejected rows of a file than are listed one by one.
    fn more_rejections(&self, file: &str, count: u64, listed: usize) -> String;
    /// A billing file that copies an earlier one.
    fn duplicate_file(&self, place: &str, first: &str) -> String;
    /// A totals row that disagrees with the `rows` rows above it.
    fn totals_mismatch(
        &self,
        place: &str,
        stated: Decimal,
        rows: u64,
        above: Decimal,
        difference: Decimal,
    ) -> String;

    // Billing.

    /// Spend no contract covers.
    fn uncovered(&self, spend: &Spend<'_>) -> String;
    /// Billing lines in another currency than their contract.
    fn billing_currency(&self, spend: &Spend<'_>, contract: &str, expected: &str) -> String;
    /// An account two contracts cover; the lines went to `chosen`.
    fn overlap(
        &self,
        account: &str,
        chosen: &str,
        other: &str,
        dates: DateRange,
        lines: &Tally<'_>,
    ) -> String;
    /// A product no alias matched, weighted 1; `weighted` the contract's products rows
    /// whose coefficient is not 1 (when there are any, the 1 may be a wrong base).
    fn unknown_product(
        &self,
        product: &str,
        lines: &Tally<'_>,
        ruleset: &str,
        contract: &str,
        weighted: &[(String, Decimal)],
    ) -> String;

    // Duplicate payouts and limitation periods (worded in `claims.rs`).

    /// A payout that books money again, and how the audit changes without it.
    fn duplicate_payout(&self, facts: &DuplicateFacts<'_>) -> String;
    /// An unpaid or short installment's claim and its expiry date.
    fn limitation(&self, facts: &LimitationFacts<'_>) -> String;

    // Likely causes of a short payment.

    /// The reached bracket paid at the previous bracket's rate.
    fn previous_tier_rate(
        &self,
        cause: &CauseFacts,
        reached: Decimal,
        lower: Decimal,
        volume: Decimal,
    ) -> String;
    /// The period's own base at the reached rate, without the retroactive catch-up.
    fn no_retroactive_catch_up(
        &self,
        cause: &CauseFacts,
        period_base: Decimal,
        rate: Decimal,
        scope: DateRange,
        volume: Decimal,
    ) -> String;
    /// The other tier mode than `contract`'s.
    fn tier_mode_swapped(&self, cause: &CauseFacts, contract: TierMode) -> String;
    /// Another base than the contract's.
    fn other_base(&self, cause: &CauseFacts, used: Base, contract: Base, bases: Bases) -> String;
    /// One product weighted 1 instead of its coefficient.
    fn coefficient_ignored(
        &self,
        cause: &CauseFacts,
        product: &str,
        coefficient: Decimal,
        bases: Bases,
    ) -> String;
    /// Every product weighted 1; `products` lists each with its coefficient.
    fn coefficients_ignored(&self, cause: &CauseFacts, products: &str, bases: Bases) -> String;
    /// One product left out of the base.
    fn product_excluded(
        &self,
        cause: &CauseFacts,
        product: &str,
        coefficient: Decimal,
        bases: Bases,
    ) -> String;
    /// A neighbouring period's installment.
    fn wrong_period(&self, cause: &CauseFacts, neighbour: Neighbour, period: DateRange) -> String;

    // Likely causes of an overpayment (issue 13).

    /// The reached bracket paid at the next bracket's rate, which starts at `threshold`.
    fn next_tier_rate(
        &self,
        cause: &CauseFacts,
        reached: Decimal,
        higher: Decimal,
        threshold: Decimal,
        volume: Decimal,
    ) -> String;
    /// The period's retroactive catch-up added again to its rebate `period_rebate`.
    fn catch_up_paid_twice(
        &self,
        cause: &CauseFacts,
        period_rebate: Decimal,
        catch_up: &CatchUp,
    ) -> String;
    /// The cap left out.
    fn cap_ignored(&self, cause: &CauseFacts, cap: Decimal, scope: DateRange) -> String;

    // Due-date rules.

    /// Transparent settlement: the last day of the month after the period's end.
    fn due_month_after(&self, period_end: NaiveDate) -> String;
    /// The period's end plus the due days.
    fn due_after_period_end(&self, period_end: NaiveDate, due_days: i64) -> String;
    /// The later of the period's end and the renewal, plus the due days.
    fn due_after_renewal(
        &self,
        period_end: NaiveDate,
        renewed_on: NaiveDate,
        due_days: i64,
    ) -> String;
    /// A renewal installment of a contract not renewed.
    fn not_renewed(&self) -> String;
}

/// The sentences about a contract's clawback rule, in one language (a part of
/// [`Sentences`], kept in `en_clawbacks.rs` and `zh_clawbacks.rs`).
pub trait ClawbackSentences {
    /// A likely cause: the payment follows the rule `used`, not the contract's (`None`:
    /// the contract names none); E_p is `period_rebate`, `carried` the carry one rule
    /// deducts and the other does not, from the negative periods `from`.
    fn clawback_cause(
        &self,
        cause: &CauseFacts,
        contract: Option<ClawbackRule>,
        used: ClawbackRule,
        period_rebate: Decimal,
        carried: Decimal,
        from: &[DateRange],
    ) -> String;
    /// What the contract's clawback rule made of a period's rebate, for the trails.
    fn clawback_step(&self, step: &ClawbackStep) -> String;
}

/// The likely causes added for issue 19's gaps, in one language (a part of
/// [`Sentences`], kept in `en_gap_causes.rs` and `zh_gap_causes.rs`).
pub trait GapCauseSentences {
    /// A likely cause: negative ledger rows took `taken` back in cash though the
    /// contract's rule (`none` or `carry_forward`) does not allow it; without them the
    /// installment received `received` (installment 0: a payout left over on the contract).
    fn clawback_in_cash(
        &self,
        cause: &CauseFacts,
        contract: crate::domain::clawback::ClawbackRule,
        rows: &[crate::domain::finding::CashRow],
        taken: Decimal,
        received: Decimal,
    ) -> String;
    /// A likely cause: the period priced under the tier table before `amendment`, whose
    /// table prices it; the scope's volume reaches `rate_before` there, `rate_in_force`
    /// under the amendment.
    fn amendment_ignored(
        &self,
        cause: &CauseFacts,
        amendment: &crate::domain::contract::AmendmentNote,
        rate_in_force: Decimal,
        rate_before: Decimal,
    ) -> String;
}
