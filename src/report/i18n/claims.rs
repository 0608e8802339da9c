//! The sentences of duplicate payouts and limitation periods, in both languages: kept
//! beside the tables (`en.rs`, `zh.rs`), whose `Sentences` methods call these.

use super::table::{DuplicateFacts, LimitationFacts, Sentences};
use super::words::status_zh;
use crate::domain::finding::Reason;
use crate::domain::installment::Status;

/// The summary's heading over the claims that expire within the ruleset's window or have
/// expired, listed before everything else a claim needs.
pub fn claims_heading(lang: crate::domain::lang::Lang) -> &'static str {
    match lang {
        crate::domain::lang::Lang::En => "Claims expiring soon or expired (limitation periods)",
        crate::domain::lang::Lang::Zh => "即将或已经届满诉讼时效的请求",
    }
}

/// An installment status named by its word, in Chinese; an unknown word as it is.
fn status_word_zh(word: &'static str) -> &'static str {
    use Status::*;
    [
        Paid,
        Late,
        Overpaid,
        Unpaid,
        Underpaid,
        Open,
        Conditional,
        Clawback,
        NothingDue,
    ]
    .into_iter()
    .find(|status| status.word() == word)
    .map_or(word, status_zh)
}

/// A limitation rule as a reader names it; a rule the project does not know, as written.
fn rule_name(rule: &str, chinese: bool) -> String {
    match (rule, chinese) {
        ("prc_civil_code_188", false) => "PRC Civil Code art. 188".into(),
        ("prc_civil_code_188", true) => "《民法典》第一百八十八条".into(),
        (other, _) => other.to_string(),
    }
}

/// English: a duplicate payout.
pub fn duplicate_en(words: &dyn Sentences, facts: &DuplicateFacts<'_>) -> String {
    let payout = &facts.payout;
    let money = |amount| words.money(amount, payout.currency);
    let installment = facts
        .installment
        .map(|(period, number)| format!("installment {number} for {}", words.period(period)));
    let head = format!(
        "Payout {} of {} on {} ({})",
        payout.id,
        money(payout.amount),
        payout.paid_on,
        facts.place
    );
    let what = match facts.reason {
        Some(Reason::SameBooking) => format!(
            "{head} repeats payout {} ({}): the same amount, date and reference booked twice.",
            facts.first, facts.first_place
        ),
        reason => format!(
            "{head} pays {} again, which payout {} ({}) already paid: once in cash and once {}.",
            installment.as_deref().unwrap_or("the same installment"),
            facts.first,
            facts.first_place,
            if reason == Some(Reason::OffsetAndCash) {
                "as an offset on the bill"
            } else {
                "as a credit or credit note"
            }
        ),
    };
    let effect = facts.effect;
    let counted = match (effect.overpayment.is_zero(), effect.shortfall.is_zero()) {
        (false, true) => format!(
            "Counted as received, it shows as an overpayment of {}",
            money(effect.overpayment)
        ),
        (true, false) => format!(
            "Counted as received, it hides a shortfall of {}",
            money(effect.shortfall)
        ),
        (false, false) => format!(
            "Counted as received, it shows as an overpayment of {} and hides a shortfall of {}",
            money(effect.overpayment),
            money(effect.shortfall)
        ),
        (true, true) => return format!("{what} Without it no amount of the audit changes."),
    };
    match installment {
        Some(installment) => format!(
            "{what} {counted}; without it {installment} is {} instead of {}.",
            effect.status_without, effect.status_with
        ),
        None => format!("{what} {counted}."),
    }
}

/// Chinese: a duplicate payout.
pub fn duplicate_zh(words: &dyn Sentences, facts: &DuplicateFacts<'_>) -> String {
    let payout = &facts.payout;
    let money = |amount| words.money(amount, payout.currency);
    let installment = facts
        .installment
        .map(|(period, number)| format!("{} 期第 {number} 期返点", words.period(period)));
    let head = format!(
        "付款 {}（{}，{} 到账，{}）",
        payout.id,
        money(payout.amount),
        payout.paid_on,
        facts.place
    );
    let what = match facts.reason {
        Some(Reason::SameBooking) => format!(
            "{head}与付款 {}（{}）金额、日期和参考号相同：同一笔款项记了两次。",
            facts.first, facts.first_place
        ),
        reason => format!(
            "{head}再次支付了{}，付款 {}（{}）已付过：一次为现金，一次{}。",
            installment.as_deref().unwrap_or("同一期返点"),
            facts.first,
            facts.first_place,
            if reason == Some(Reason::OffsetAndCash) {
                "为账单抵扣"
            } else {
                "为代金券或红字发票"
            }
        ),
    };
    let effect = facts.effect;
    let counted = match (effect.overpayment.is_zero(), effect.shortfall.is_zero()) {
        (false, true) => format!("按已收计，它表现为多付 {}", money(effect.overpayment)),
        (true, false) => format!("按已收计，它掩盖了 {} 的少付", money(effect.shortfall)),
        (false, false) => format!(
            "按已收计，它表现为多付 {}，并掩盖了 {} 的少付",
            money(effect.overpayment),
            money(effect.shortfall)
        ),
        (true, true) => return format!("{what}去掉它，审计的金额都不变。"),
    };
    match installment {
        Some(installment) => format!(
            "{what}{counted}；去掉它，{installment}为“{}”而非“{}”。",
            status_word_zh(effect.status_without),
            status_word_zh(effect.status_with)
        ),
        None => format!("{what}{counted}。"),
    }
}

/// English: a claim's limitation period.
pub fn limitation_en(words: &dyn Sentences, facts: &LimitationFacts<'_>) -> String {
    let money = |amount| words.money(amount, facts.currency);
    let claim = format!(
        "The claim for installment {} of contract {} for {} ({} of {} unpaid, due {})",
        facts.number,
        facts.contract,
        words.period(facts.period),
        money(facts.owed),
        money(facts.expected),
        facts.known_on
    );
    let rule = format!(
        "{} ({} years from the due date)",
        rule_name(facts.rule, false),
        facts.years
    );
    let days = (facts.expires_on - facts.as_of).num_days();
    match facts.state {
        Some(Reason::Expired) => format!(
            "{claim} expired on {} under {rule}, {} days before the audit date {}.",
            facts.expires_on, -days, facts.as_of
        ),
        Some(Reason::Expiring) => format!(
            "{claim} expires on {} under {rule}, {days} days after the audit date {}: bring it before then.",
            facts.expires_on, facts.as_of
        ),
        _ => format!(
            "{claim} can be brought until {} under {rule}.",
            facts.expires_on
        ),
    }
}

/// Chinese: a claim's limitation period.
pub fn limitation_zh(words: &dyn Sentences, facts: &LimitationFacts<'_>) -> String {
    let money = |amount| words.money(amount, facts.currency);
    let claim = format!(
        "合同 {} {} 期第 {} 期返点的请求权（应付 {}，未收 {}，{} 到期）",
        facts.contract,
        words.period(facts.period),
        facts.number,
        money(facts.expected),
        money(facts.owed),
        facts.known_on
    );
    let rule = format!(
        "{}，自到期日起 {} 年",
        rule_name(facts.rule, true),
        facts.years
    );
    let days = (facts.expires_on - facts.as_of).num_days();
    match facts.state {
        Some(Reason::Expired) => format!(
            "{claim}的诉讼时效已于 {} 届满（{rule}），早于审计日 {} {} 天。",
            facts.expires_on, facts.as_of, -days
        ),
        Some(Reason::Expiring) => format!(
            "{claim}的诉讼时效将于 {} 届满（{rule}），距审计日 {} 仅 {days} 天：请在此之前主张。",
            facts.expires_on, facts.as_of
        ),
        _ => format!("{claim}的诉讼时效至 {} 届满（{rule}）。", facts.expires_on),
    }
}

/// The line an unpaid or underpaid installment's finding gets in `explain` and the
/// evidence file: the last day its claim can be brought (issue 19). `None` for a finding
/// without one, and for the `limitation` finding, whose sentence says it already.
pub fn claim_expiry_line(
    finding: &crate::domain::finding::Finding,
    lang: crate::domain::lang::Lang,
) -> Option<String> {
    if finding.finding_type == crate::domain::finding::FindingType::Limitation {
        return None;
    }
    let day = finding.expires_on?;
    Some(match lang {
        crate::domain::lang::Lang::En => {
            format!("claim expires on {day} (limitation period counted from the due date)")
        }
        crate::domain::lang::Lang::Zh => format!("诉讼时效届满日：{day}（自到期日起算）"),
    })
}
