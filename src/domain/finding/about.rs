//! What a finding says, as facts: one variant per kind of sentence, carrying the values
//! that sentence needs and the finding's own fields do not hold (the contract's currency,
//! the audit date, the period a payout names, a reader's message, a tally's rows…).
//! Neither a sentence nor a language lives here: `report::i18n` writes the sentence, in
//! either language, from these facts and the finding's fields.

use crate::domain::contract::{DateRange, InvoiceKind, PayoutKind};
use crate::domain::payout::PayoutField;
use crate::domain::period::{PeriodRef, YearMonth};
use crate::domain::statement::{StatedFigure, StatementCause};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Why a member of a tar archive is not read: extracting such a member writes outside
/// the folder or through a link, so archive tools refuse it, and the auditor does too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberRefusal {
    /// Its path is absolute or climbs out with `..`.
    LeavesArchive,
    /// A symbolic link.
    Symlink,
    /// A hard link to another member.
    HardLink,
    /// A character or block device, or a named pipe.
    Device,
    /// A type no archive of bills holds (a sparse file, a vendor-specific type).
    OtherType,
}

/// What a finding is about, for its sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum About {
    /// An installment paid late, short, not at all or too much, or negative (a clawback).
    /// The finding's contract, period, installment, expected, paid, difference, due date,
    /// paid date, days late and interest say the rest.
    Installment {
        /// The contract's currency.
        currency: String,
        /// The audit date.
        as_of: NaiveDate,
        /// Whether the contract has a late-interest rate: without one the sentence does
        /// not speak of interest (the finding's `interest` stays 0.00, as docs/USAGE.md asks).
        charges_interest: bool,
    },
    /// A payout whose period reference is no settlement period of its contract.
    UnknownPeriod {
        /// The contract's currency.
        currency: String,
        /// The period the payout names.
        reference: PeriodRef,
        /// The contract's term.
        term: DateRange,
    },
    /// A payout naming an installment its period does not have.
    UnknownInstallment {
        /// The contract's currency.
        currency: String,
        /// The installment the payout names.
        number: u32,
        /// How many installments the contract's schedule has.
        installments: usize,
    },
    /// A payout that found nothing open on its contract; the finding's `difference` is
    /// the excess.
    Excess {
        /// The contract's currency.
        currency: String,
        /// The whole payout (the finding's `paid` is the excess).
        payout_amount: Decimal,
    },
    /// A cash payout's invoice that is missing or wrong, for one reason.
    Invoice {
        /// The contract's currency.
        currency: String,
        /// What is wrong.
        issue: InvoiceIssue,
    },
    /// A payout naming a contract the workbook does not have.
    UnknownContract {
        /// The payout's own currency (`""` when the ledger gives none).
        currency: String,
        /// The contract id the payout names.
        named: String,
    },
    /// A payout in another currency than its contract.
    PayoutCurrency {
        /// The payout's currency.
        found: String,
        /// The contract's currency.
        expected: String,
    },
    /// A totals row that disagrees with the rows above it; the finding's `amount` is the
    /// difference, its location the totals row.
    TotalsMismatch {
        /// The net amount the totals row states.
        stated: Decimal,
        /// The data rows above it.
        rows: u64,
        /// Their net amounts added up.
        above: Decimal,
    },
    /// An input file that could not be read.
    UnreadableFile {
        /// Why, as the reader said it.
        error: String,
    },
    /// A hidden sheet, which is not read; the finding's location names it.
    HiddenSheet,
    /// A file with no table; the finding's location names it.
    EmptyFile,
    /// A member of a tar archive that is not read because it is no plain file inside the
    /// archive; the finding's location names the archive and the member.
    RefusedMember {
        /// What the member is.
        why: MemberRefusal,
    },
    /// An input row that could not be read; the finding's location names it.
    RejectedRow {
        /// Why, as the reader said it: what the cell should hold and what it holds, or a
        /// sentence.
        message: crate::domain::expected::RowReason,
    },
    /// An optional cell of a payout's row that could not be read, whose payout is kept
    /// without it; the finding's location names the cell, its payout the payout.
    UnreadCell {
        /// Which field.
        field: PayoutField,
        /// The reader's message: what was expected, what was found.
        problem: crate::domain::expected::RowReason,
        /// What the payout was taken as without the cell.
        outcome: Unread,
    },
    /// Rejected rows of a file beyond those listed one by one.
    MoreRejections {
        /// The file.
        file: String,
        /// How many more rows were rejected.
        count: u64,
        /// How many rejected rows of a file are listed one by one.
        listed: usize,
    },
    /// A billing file whose bytes are those of an earlier one; the finding's location
    /// names the copy.
    DuplicateFile {
        /// The file it copies, as reports show paths.
        first: String,
    },
    /// Spend no contract covers; the finding's `amount` is its net amount.
    Uncovered {
        /// The account.
        account: String,
        /// The billing month.
        month: YearMonth,
        /// The lines' currency.
        currency: String,
        /// How many lines.
        rows: u64,
    },
    /// Billing lines in another currency than their contract; the finding's `amount` is
    /// their net amount.
    BillingCurrency {
        /// The account.
        account: String,
        /// The billing month.
        month: YearMonth,
        /// The lines' currency.
        found: String,
        /// The contract's currency.
        expected: String,
        /// How many lines.
        rows: u64,
    },
    /// An account two contracts cover on the same dates; the finding's contract is the
    /// one the lines went to, its `amount` their net amount.
    Overlap {
        /// The account.
        account: String,
        /// The other contract covering it.
        other: String,
        /// The first and last day of the lines covered twice.
        dates: DateRange,
        /// How many lines.
        rows: u64,
        /// The chosen contract's currency.
        currency: String,
    },
    /// A product no alias matched; the finding's `amount` is its lines' net amount. It
    /// took coefficient 1; when the contract weights other products otherwise
    /// (`weighted` not empty), that 1 may be a wrong base and the finding is a warning.
    UnknownProduct {
        /// The product as billed.
        product: String,
        /// How many lines.
        rows: u64,
        /// The contract's currency.
        currency: String,
        /// The contract's ruleset.
        ruleset: String,
        /// The contract's `products` rows whose coefficient is not 1, by product.
        weighted: Vec<(String, Decimal)>,
    },
    /// The agent's statement for a settlement period differs from the recomputation;
    /// the finding's `expected` is the recomputed payable, `paid` the stated one,
    /// `difference` stated − recomputed, `amount` its size.
    StatementMismatch {
        /// The contract's currency.
        currency: String,
        /// Every compared field: the agent's number beside the recomputed one.
        figures: Vec<StatedFigure>,
        /// The likely reasons, most telling first.
        causes: Vec<StatementCause>,
        /// How many statement rows were rolled up into the period.
        rows: u64,
        /// The statement numbers of those rows.
        statements: Vec<String>,
    },
    /// A statement's payable total that no payout of its contract matches; the
    /// finding's `amount` is the total.
    StatementUnpaid {
        /// The contract's currency.
        currency: String,
        /// The statement number (empty when the rows have none: the total is then the
        /// settlement period's).
        statement: String,
        /// How many rows make the total.
        rows: u64,
    },
    /// A payout that books money again; the finding's payout is the second booking, its
    /// `paid` its amount, its reason what makes it a duplicate, its location its row.
    DuplicatePayout {
        /// The contract's currency.
        currency: String,
        /// The payout it repeats (the first booking).
        first: String,
        /// The first booking's row.
        first_place: String,
        /// What the audit would say without the second booking.
        effect: DuplicateEffect,
    },
    /// An unpaid or short installment's claim and when it expires; the finding's
    /// `expected`, `paid`, `difference` and `due_on` are the installment's.
    Limitation {
        /// The contract's currency.
        currency: String,
        /// The audit date.
        as_of: NaiveDate,
        /// The day the limitation period starts from (the installment's due date).
        known_on: NaiveDate,
        /// The last day the claim can be brought.
        expires_on: NaiveDate,
        /// The limitation period in years.
        years: u32,
        /// The rule's name in the ruleset (`prc_civil_code_188`).
        rule: String,
    },
}

/// How the audit changes when a duplicate payout is taken out: the matching is run again
/// without it (docs/ARITHMETIC.md, "Duplicate payouts").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateEffect {
    /// The overpayment that goes away (the duplicate shows as this much overpaid).
    pub overpayment: Decimal,
    /// The shortfall that appears (the duplicate hides this much unpaid).
    pub shortfall: Decimal,
    /// The installment it landed on first (period start, number), if any.
    pub installment: Option<(NaiveDate, u32)>,
    /// That installment's status with the duplicate, as its word (`overpaid`, `paid`, …;
    /// `nothing_due` when it reached none). A word, not the status type: installments
    /// already refer to findings, and the two modules must not import each other.
    pub status_with: &'static str,
    /// Its status without it, as its word.
    pub status_without: &'static str,
}

/// Why an unread payout cell needed no invoice check, or what stood in for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unread {
    /// The `kind` cell: the contract's payout kind was used.
    ContractKind {
        /// The contract.
        contract: String,
        /// Its `payout_kind`.
        kind: PayoutKind,
    },
    /// An invoice cell of a payout on a contract that requires no invoice.
    NoInvoiceRequired {
        /// The contract.
        contract: String,
    },
    /// An invoice cell of a payout that is not cash, whose invoice is not checked.
    NotCash {
        /// The payout's kind.
        kind: PayoutKind,
    },
    /// An invoice cell of a payout without an invoice number: it is reported `missing`
    /// and checked no further.
    NoInvoiceNumber,
    /// An invoice cell the contract gives nothing to check against (no `tax_rate`, no
    /// `agent_tax_id`).
    NothingToCheck {
        /// The contract.
        contract: String,
    },
    /// A payout matched to no contract (unknown contract, another currency).
    NoContract,
    /// An invoice number whose last digits a spreadsheet lost: the invoice is checked,
    /// but not whether another payout carries it too.
    NumberNotMatched,
}

/// What is wrong with a cash payout's invoice: one variant per reason, with what the
/// invoice shows and what the contract calls for. The payout's amount and date are the
/// finding's `paid` and `paid_on`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvoiceIssue {
    /// No invoice number at all.
    Missing {
        /// The invoice type the contract requires.
        required: InvoiceKind,
    },
    /// The invoice amount is not the payout's.
    Amount {
        /// The invoice number.
        number: String,
        /// The amount on the invoice, when it has one.
        found: Option<Decimal>,
    },
    /// Another VAT rate than the contract's.
    TaxRate {
        /// The invoice number.
        number: String,
        /// The rate on the invoice, when it has one.
        found: Option<Decimal>,
        /// The contract's rate.
        expected: Decimal,
    },
    /// Another invoice type than the contract's.
    Type {
        /// The invoice number.
        number: String,
        /// The type on the invoice, when it states one.
        found: Option<InvoiceKind>,
        /// The type the contract requires.
        required: InvoiceKind,
    },
    /// Issued by someone other than the agent.
    Issuer {
        /// The invoice number.
        number: String,
        /// The issuer's tax id on the invoice.
        issuer: String,
        /// The agent's name.
        agent: String,
        /// The agent's tax id.
        agent_tax_id: String,
    },
    /// Dated after the invoice window, or not dated.
    LateInvoice {
        /// The invoice number.
        number: String,
        /// The invoice date, when it has one.
        dated: Option<NaiveDate>,
        /// How many days after the payout an invoice may be dated.
        window_days: i64,
    },
    /// The invoice number is on other payouts too.
    Duplicate {
        /// The invoice number.
        number: String,
        /// The other payouts that carry it.
        others: Vec<String>,
    },
    /// A cell the check of this reason needs could not be read, so the check could not
    /// be made; the finding's location names the cell.
    Unreadable {
        /// The invoice number.
        number: String,
        /// The field whose cell could not be read.
        field: PayoutField,
        /// The reader's message: what was expected, what was found.
        problem: crate::domain::expected::RowReason,
    },
}
