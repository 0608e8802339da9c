//! A contract's clawback rule (column `clawback` / `返点追回`) and what it did to one
//! settlement period: whether a negative period rebate is owed back, carried against
//! later periods, or given up (docs/ARITHMETIC.md, "Clawbacks"). Plain data.

use rust_decimal::Decimal;

pub use super::contract::ClawbackRule;

/// What a contract's clawback rule made of one settlement period's rebate.
///
/// Under `carry_forward`: payable = max(0, E_p − carried_in) and carried_out =
/// max(0, carried_in − E_p); under `none`: payable = max(0, E_p), nothing carried; under
/// `net`: payable = E_p.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClawbackStep {
    /// The contract's rule.
    pub rule: ClawbackRule,
    /// E_p, the period's rebate before the rule.
    pub period_rebate: Decimal,
    /// What earlier negative periods left to deduct when the period began.
    pub carried_in: Decimal,
    /// What a positive E_p lost to what was carried in (`carry_forward`): E_p − payable,
    /// at least 0.
    pub deducted: Decimal,
    /// What the period's installments share: E_p after the rule.
    pub payable: Decimal,
    /// What is left to deduct from later periods.
    pub carried_out: Decimal,
    /// What lapses at the term's end (the last period's `carried_out`); 0 elsewhere.
    pub lapsed: Decimal,
}

impl ClawbackStep {
    /// Whether the rule changed nothing in the period: nothing carried in or out and the
    /// payable is E_p.
    pub fn is_plain(&self) -> bool {
        self.carried_in.is_zero()
            && self.carried_out.is_zero()
            && self.payable == self.period_rebate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_words_in_english_and_chinese() {
        assert_eq!(
            ClawbackRule::from_word("Carry Forward"),
            Some(ClawbackRule::CarryForward)
        );
        assert_eq!(
            ClawbackRule::from_word("结转"),
            Some(ClawbackRule::CarryForward)
        );
        assert_eq!(ClawbackRule::from_word("不追回"), Some(ClawbackRule::None));
        assert_eq!(ClawbackRule::from_word("冲减"), Some(ClawbackRule::Net));
        assert_eq!(ClawbackRule::from_word("sometimes"), None);
        assert_eq!(ClawbackRule::closest("carry_froward"), ["carry_forward"]);
        assert_eq!(ClawbackRule::CarryForward.chinese(), "结转");
        for (index, (spelling, value)) in ClawbackRule::SPELLINGS.iter().enumerate() {
            for (other, other_value) in &ClawbackRule::SPELLINGS[index + 1..] {
                assert!(
                    !crate::domain::words::same_word(spelling, other) || value == other_value,
                    "`{spelling}` and `{other}`"
                );
            }
        }
    }
}
