//! From facts to sentences: gathers what each sentence needs from a finding's fields and
//! its [`About`], and asks a language's [`Sentences`] for the words. The one place that
//! knows which field holds which number; the languages only word them.

use super::table::{
    Bases, CauseFacts, InstallmentFacts, PayoutFacts, Sentences, Spend, StatementFacts, Tally,
};
use crate::domain::calendar::days_between;
use crate::domain::computation::DueRule;
use crate::domain::contract::DateRange;
use crate::domain::finding::{About, Finding, FindingType, InvoiceIssue, LikelyCause, Mistake};
use rust_decimal::Decimal;

/// A finding's sentence: its facts, worded by `words`; for a payment with likely causes,
/// followed by the most likely one, so the sentence alone argues it.
pub fn detail(words: &dyn Sentences, finding: &Finding) -> String {
    let sentence = sentence(words, finding);
    match finding.evidence.likely_causes.first() {
        Some(cause) => words.with_likely_cause(sentence, &explanation(words, cause)),
        None => sentence,
    }
}

fn sentence(words: &dyn Sentences, finding: &Finding) -> String {
    let contract = finding.contract_id.as_deref().unwrap_or("");
    let place = finding
        .evidence
        .location
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let amount = finding.amount.unwrap_or_default();
    let payout_of = |currency, amount| payout(finding, currency, amount);
    let paid = finding.paid.unwrap_or_default();
    match &finding.about {
        About::Installment {
            currency,
            as_of,
            charges_interest,
        } => {
            let facts = InstallmentFacts {
                contract,
                period: DateRange {
                    first: finding.period_start.unwrap_or_default(),
                    last: finding.period_end.unwrap_or_default(),
                },
                number: finding.installment.unwrap_or_default(),
                currency,
                expected: finding.expected.unwrap_or_default(),
                paid,
                difference: finding.difference.unwrap_or_default(),
                due_on: finding.due_on,
                as_of: *as_of,
                days_late: finding.days_late.unwrap_or_default(),
                interest: charges_interest.then(|| finding.interest.unwrap_or_default()),
                completed_on: finding.paid_on,
            };
            match finding.finding_type {
                FindingType::Overpaid => words.overpaid(&facts),
                FindingType::Unpaid => words.unpaid(&facts),
                FindingType::Underpaid => words.underpaid(&facts),
                FindingType::Clawback => words.clawback(&facts),
                // `late`: the only other type an installment's payment gives.
                _ => words.late(&facts),
            }
        }
        About::UnknownPeriod {
            currency,
            reference,
            term,
        } => words.unknown_period(&payout_of(currency, paid), *reference, *term),
        About::UnknownInstallment {
            currency,
            number,
            installments,
        } => words.unknown_installment(&payout_of(currency, paid), *number, *installments),
        About::Excess {
            currency,
            payout_amount,
        } => words.excess(
            &payout_of(currency, *payout_amount),
            finding.difference.unwrap_or_default(),
        ),
        About::Invoice { currency, issue } => invoice(words, &payout_of(currency, paid), issue),
        About::UnknownContract { currency, named } => {
            words.unknown_contract(&payout_of(currency, paid), named)
        }
        About::PayoutCurrency { found, expected } => {
            words.payout_currency(&payout_of("", paid), found, expected)
        }
        About::TotalsMismatch {
            stated,
            rows,
            above,
        } => words.totals_mismatch(&place, *stated, *rows, *above, amount),
        About::UnreadableFile { error } => words.unreadable_file(error),
        About::HiddenSheet => words.hidden_sheet(&place),
        About::EmptyFile => words.empty_file(&place),
        About::RefusedMember { why } => words.refused_member(&place, *why),
        About::RejectedRow { message } => words.rejected_row(&place, message),
        About::UnreadCell {
            field: _,
            problem,
            outcome,
        } => words.unread_cell(
            &place,
            finding.payout_id.as_deref().unwrap_or(""),
            problem,
            outcome,
        ),
        About::MoreRejections {
            file,
            count,
            listed,
        } => words.more_rejections(file, *count, *listed),
        About::DuplicateFile { first } => words.duplicate_file(&place, first),
        About::DuplicatePayout {
            currency,
            first,
            first_place,
            effect,
        } => words.duplicate_payout(&super::table::DuplicateFacts {
            payout: payout_of(currency, paid),
            place: &place,
            reason: finding.reason,
            first,
            first_place,
            installment: effect.installment.map(|(first, number)| {
                let last = finding.period_end.unwrap_or(first);
                (DateRange { first, last }, number)
            }),
            effect,
        }),
        About::Limitation {
            currency,
            as_of,
            known_on,
            expires_on,
            years,
            rule,
        } => words.limitation(&super::table::LimitationFacts {
            contract,
            period: DateRange {
                first: finding.period_start.unwrap_or_default(),
                last: finding.period_end.unwrap_or_default(),
            },
            number: finding.installment.unwrap_or_default(),
            currency,
            expected: finding.expected.unwrap_or_default(),
            owed: -finding.difference.unwrap_or_default(),
            known_on: *known_on,
            expires_on: *expires_on,
            as_of: *as_of,
            years: *years,
            rule,
            state: finding.reason,
        }),
        About::Uncovered {
            account,
            month,
            currency,
            rows,
        } => words.uncovered(&Spend {
            account,
            month: *month,
            lines: Tally {
                rows: *rows,
                amount,
                currency,
            },
        }),
        About::BillingCurrency {
            account,
            month,
            found,
            expected,
            rows,
        } => words.billing_currency(
            &Spend {
                account,
                month: *month,
                lines: Tally {
                    rows: *rows,
                    amount,
                    currency: found,
                },
            },
            contract,
            expected,
        ),
        About::Overlap {
            account,
            other,
            dates,
            rows,
            currency,
        } => words.overlap(
            account,
            contract,
            other,
            *dates,
            &Tally {
                rows: *rows,
                amount,
                currency,
            },
        ),
        About::UnknownProduct {
            product,
            rows,
            currency,
            ruleset,
            weighted,
        } => words.unknown_product(
            product,
            &Tally {
                rows: *rows,
                amount,
                currency,
            },
            ruleset,
            contract,
            weighted,
        ),
        About::StatementMismatch {
            currency,
            figures,
            causes,
            rows,
            statements,
        } => {
            let figures: Vec<String> = figures
                .iter()
                .filter(|figure| figure.differs)
                .map(|figure| {
                    words.statement_figure(figure.field, figure.stated, figure.recomputed, currency)
                })
                .collect();
            let causes: Vec<String> = causes
                .iter()
                .map(|cause| words.statement_cause(cause, currency))
                .collect();
            words.statement_mismatch(
                &statement_facts(finding, currency, *rows, &statements.join(", ")),
                &figures,
                &causes,
            )
        }
        About::StatementUnpaid {
            currency,
            statement,
            rows,
        } => words.statement_unpaid(
            &statement_facts(finding, currency, *rows, statement),
            amount,
        ),
    }
}

/// The statement rows a statement finding is about.
fn statement_facts<'a>(
    finding: &'a Finding,
    currency: &'a str,
    rows: u64,
    statements: &'a str,
) -> StatementFacts<'a> {
    StatementFacts {
        contract: finding.contract_id.as_deref().unwrap_or(""),
        period: DateRange {
            first: finding.period_start.unwrap_or_default(),
            last: finding.period_end.unwrap_or_default(),
        },
        currency,
        rows,
        statements,
    }
}

/// The payout a payout finding is about, its amount shown in `currency`.
fn payout<'a>(finding: &'a Finding, currency: &'a str, amount: Decimal) -> PayoutFacts<'a> {
    PayoutFacts {
        id: finding.payout_id.as_deref().unwrap_or(""),
        amount,
        currency,
        paid_on: finding.paid_on.unwrap_or_default(),
        contract: finding.contract_id.as_deref().unwrap_or(""),
    }
}

fn invoice(words: &dyn Sentences, payout: &PayoutFacts<'_>, issue: &InvoiceIssue) -> String {
    match issue {
        InvoiceIssue::Missing { required } => words.invoice_missing(payout, *required),
        InvoiceIssue::Amount { number, found } => words.invoice_amount(payout, number, *found),
        InvoiceIssue::TaxRate {
            number,
            found,
            expected,
        } => words.invoice_tax_rate(payout, number, *found, *expected),
        InvoiceIssue::Type {
            number,
            found,
            required,
        } => words.invoice_type(payout, number, *found, *required),
        InvoiceIssue::Issuer {
            number,
            issuer,
            agent,
            agent_tax_id,
        } => words.invoice_issuer(payout, number, issuer, agent, agent_tax_id),
        InvoiceIssue::LateInvoice {
            number,
            dated: Some(dated),
            window_days,
        } => words.invoice_late(
            payout,
            number,
            *dated,
            days_between(payout.paid_on, *dated),
            *window_days,
        ),
        InvoiceIssue::LateInvoice {
            number,
            dated: None,
            ..
        } => words.invoice_undated(payout, number),
        InvoiceIssue::Duplicate { number, others } => {
            words.invoice_duplicate(payout, number, &others.join(", "))
        }
        InvoiceIssue::Unreadable {
            number,
            field,
            problem,
        } => words.invoice_unreadable(payout, number, *field, problem),
    }
}

/// A likely cause's explanation: the mistake and the numbers that show it.
pub fn explanation(words: &dyn Sentences, cause: &LikelyCause) -> String {
    let facts = CauseFacts {
        installment: cause.installment,
        portion: cause.portion,
        amount: cause.expected_under_mistake,
        expected: cause.expected,
    };
    match &cause.mistake {
        Mistake::PreviousTierRate {
            reached,
            lower,
            volume,
        } => words.previous_tier_rate(&facts, *reached, *lower, *volume),
        Mistake::NoRetroactiveCatchUp {
            period_base,
            rate,
            scope,
            volume,
        } => words.no_retroactive_catch_up(&facts, *period_base, *rate, *scope, *volume),
        Mistake::TierMode { contract } => words.tier_mode_swapped(&facts, *contract),
        Mistake::Base {
            used,
            contract,
            mistaken_base,
            period_base,
        } => words.other_base(
            &facts,
            *used,
            *contract,
            Bases {
                mistaken: *mistaken_base,
                period: *period_base,
            },
        ),
        Mistake::CoefficientIgnored {
            product,
            coefficient,
            mistaken_base,
            period_base,
        } => words.coefficient_ignored(
            &facts,
            product,
            *coefficient,
            Bases {
                mistaken: *mistaken_base,
                period: *period_base,
            },
        ),
        Mistake::CoefficientsIgnored {
            products,
            mistaken_base,
            period_base,
        } => {
            let listed = products
                .iter()
                .map(|(product, coefficient)| format!("{product} {}", coefficient.normalize()))
                .collect::<Vec<_>>()
                .join(", ");
            words.coefficients_ignored(
                &facts,
                &listed,
                Bases {
                    mistaken: *mistaken_base,
                    period: *period_base,
                },
            )
        }
        Mistake::ProductExcluded {
            product,
            coefficient,
            mistaken_base,
            period_base,
        } => words.product_excluded(
            &facts,
            product,
            *coefficient,
            Bases {
                mistaken: *mistaken_base,
                period: *period_base,
            },
        ),
        Mistake::WrongPeriod { neighbour, period } => {
            words.wrong_period(&facts, *neighbour, *period)
        }
        Mistake::NextTierRate {
            reached,
            higher,
            threshold,
            volume,
        } => words.next_tier_rate(&facts, *reached, *higher, *threshold, *volume),
        Mistake::CatchUpPaidTwice {
            period_rebate,
            catch_up,
        } => words.catch_up_paid_twice(&facts, *period_rebate, catch_up),
        Mistake::CapIgnored { cap, scope } => words.cap_ignored(&facts, *cap, *scope),
        Mistake::Clawback {
            contract,
            used,
            period_rebate,
            carried,
            from,
        } => words.clawback_cause(&facts, *contract, *used, *period_rebate, *carried, from),
        Mistake::ClawbackInCash {
            contract,
            rows,
            taken,
            received,
        } => words.clawback_in_cash(&facts, *contract, rows, *taken, *received),
        Mistake::AmendmentIgnored {
            amendment,
            rate_in_force,
            rate_before,
        } => words.amendment_ignored(&facts, amendment, *rate_in_force, *rate_before),
    }
}

/// A due-date rule in words.
pub fn due_rule(words: &dyn Sentences, rule: &DueRule) -> String {
    match *rule {
        DueRule::MonthAfterPeriodEnd { period_end } => words.due_month_after(period_end),
        DueRule::AfterPeriodEnd {
            period_end,
            due_days,
        } => words.due_after_period_end(period_end, due_days),
        DueRule::AfterRenewal {
            period_end,
            renewed_on,
            due_days,
        } => words.due_after_renewal(period_end, renewed_on, due_days),
        DueRule::NotRenewed => words.not_renewed(),
    }
}
