//! Contracts: tier tables, date ranges, amendments in force, worked by hand.

use super::*;
use crate::domain::test_support::d;

fn bracket(from: &str, to: Option<&str>, rate: &str) -> Bracket {
    Bracket {
        from: d(from),
        to: to.map(d),
        rate: d(rate),
    }
}

/// The research note's schedule T: 15% / 20% / 25% / 30% at 1M, 3M, 5M.
fn table_t() -> TierTable {
    TierTable::new(vec![
        bracket("0", Some("1000000"), "0.15"),
        bracket("1000000", Some("3000000"), "0.20"),
        bracket("3000000", Some("5000000"), "0.25"),
        bracket("5000000", None, "0.30"),
    ])
    .unwrap()
}

#[test]
fn retroactive_pays_the_whole_volume_at_the_reached_rate() {
    let table = table_t();
    assert_eq!(
        table.rebate(TierMode::Retroactive, d("3200000")).unwrap(),
        d("800000")
    );
    // Exactly on a boundary belongs to the upper bracket: [from, to).
    assert_eq!(
        table.rebate(TierMode::Retroactive, d("3000000")).unwrap(),
        d("750000")
    );
    assert_eq!(
        table.rebate(TierMode::Retroactive, d("2999000")).unwrap(),
        d("599800")
    );
}

#[test]
fn marginal_pays_each_bracket_at_its_own_rate() {
    let table = table_t();
    // 1M × 15% + 2M × 20% + 0.2M × 25% = 150,000 + 400,000 + 50,000.
    assert_eq!(
        table.rebate(TierMode::Marginal, d("3200000")).unwrap(),
        d("600000")
    );
    assert_eq!(table.rebate(TierMode::Marginal, d("500")).unwrap(), d("75"));
}

#[test]
fn no_rebate_on_zero_or_negative_volume() {
    let table = table_t();
    assert_eq!(
        table.rebate(TierMode::Retroactive, d("-10")).unwrap(),
        Decimal::ZERO
    );
    assert_eq!(
        table.rebate(TierMode::Marginal, Decimal::ZERO).unwrap(),
        Decimal::ZERO
    );
}

#[test]
fn a_zero_first_bracket_is_a_minimum_spend() {
    let table = TierTable::new(vec![
        bracket("0", Some("100000"), "0"),
        bracket("100000", None, "0.2"),
    ])
    .unwrap();
    assert_eq!(
        table.rebate(TierMode::Retroactive, d("99999.99")).unwrap(),
        Decimal::ZERO
    );
    assert_eq!(
        table.rebate(TierMode::Retroactive, d("100000")).unwrap(),
        d("20000")
    );
    assert_eq!(
        table.rebate(TierMode::Marginal, d("150000")).unwrap(),
        d("10000")
    );
}

#[test]
fn invalid_tables_are_rejected() {
    assert_eq!(TierTable::new(vec![]), Err(TierTableError::Empty));
    assert!(matches!(
        TierTable::new(vec![bracket("10", None, "0.1")]),
        Err(TierTableError::DoesNotStartAtZero(_))
    ));
    assert!(matches!(
        TierTable::new(vec![
            bracket("0", Some("100"), "0.1"),
            bracket("90", None, "0.2")
        ]),
        Err(TierTableError::NotContiguous { index: 2, .. })
    ));
    assert!(matches!(
        TierTable::new(vec![bracket("0", None, "0.1"), bracket("100", None, "0.2")]),
        Err(TierTableError::OpenBeforeLast(1))
    ));
}

#[test]
fn words_are_read_in_english_and_chinese() {
    assert_eq!(
        Settlement::from_word(" Quarterly "),
        Some(Settlement::Quarterly)
    );
    assert_eq!(TierMode::from_word("超额累进"), Some(TierMode::Marginal));
    assert_eq!(
        InvoiceKind::from_word("专票"),
        Some(InvoiceKind::VatSpecial)
    );
    assert_eq!(Base::from_word("gross"), None);
}

#[test]
fn words_ignore_case_width_and_spaces_and_take_the_chinese_finance_words() {
    for (word, expected) in [
        (" quarterly ", Settlement::Quarterly),
        ("Quarterly", Settlement::Quarterly),
        ("ＱＵＡＲＴＥＲＬＹ", Settlement::Quarterly),
        ("季度", Settlement::Quarterly),
        ("按季", Settlement::Quarterly),
        ("季结", Settlement::Quarterly),
        ("月度", Settlement::Monthly),
        ("按月", Settlement::Monthly),
        ("月结", Settlement::Monthly),
        ("年度", Settlement::Annual),
        ("按年", Settlement::Annual),
        ("年结", Settlement::Annual),
        ("合同期", Settlement::Term),
        ("全期", Settlement::Term),
    ] {
        assert_eq!(Settlement::from_word(word), Some(expected), "{word}");
    }
    assert_eq!(TierMode::from_word("累进"), Some(TierMode::Marginal));
    assert_eq!(TierMode::from_word("超额累进"), Some(TierMode::Marginal));
    assert_eq!(TierMode::from_word("全额"), Some(TierMode::Retroactive));
    assert_eq!(TierMode::from_word("全额累进"), Some(TierMode::Retroactive));
    assert_eq!(TierBasis::from_word("结算期"), Some(TierBasis::Period));
    assert_eq!(
        TierBasis::from_word("合同年度"),
        Some(TierBasis::ContractYear)
    );
    assert_eq!(
        TierBasis::from_word("Contract Year"),
        Some(TierBasis::ContractYear)
    );
    assert_eq!(TierBasis::from_word("合同期"), Some(TierBasis::Term));
    assert_eq!(Base::from_word("净额"), Some(Base::Net));
    assert_eq!(Base::from_word("应付"), Some(Base::Net));
    assert_eq!(Base::from_word("原价"), Some(Base::List));
    assert_eq!(Base::from_word("现金"), Some(Base::Cash));
    assert_eq!(
        InvoiceKind::from_word("VAT special"),
        Some(InvoiceKind::VatSpecial)
    );
    assert_eq!(
        InvoiceKind::from_word("普票"),
        Some(InvoiceKind::VatGeneral)
    );
    assert_eq!(
        InvoiceKind::from_word("红字"),
        Some(InvoiceKind::CreditNote)
    );
    for (word, expected) in [
        ("现金", PayoutKind::Cash),
        ("返还", PayoutKind::Cash),
        ("抵扣", PayoutKind::Offset),
        ("代金券", PayoutKind::Credit),
        ("信用额度", PayoutKind::Credit),
    ] {
        assert_eq!(PayoutKind::from_word(word), Some(expected), "{word}");
    }
    assert_eq!(Trigger::from_word("结算"), Some(Trigger::Settlement));
    assert_eq!(Trigger::from_word("续约"), Some(Trigger::Renewal));
}

#[test]
fn an_unknown_word_gets_the_closest_spellings() {
    assert_eq!(Settlement::closest("quartely"), ["quarterly"]);
    assert_eq!(TierMode::closest("retroactiv"), ["retroactive"]);
    assert!(Settlement::closest("fortnightly").is_empty());
}

/// No spelling of one enum may mean two of its values.
fn assert_unambiguous<T: PartialEq + std::fmt::Debug + Copy>(spellings: &[(&str, T)]) {
    for (index, (spelling, value)) in spellings.iter().enumerate() {
        for (other, other_value) in &spellings[index + 1..] {
            assert!(
                !crate::domain::words::same_word(spelling, other) || value == other_value,
                "`{spelling}` ({value:?}) and `{other}` ({other_value:?})"
            );
        }
    }
}

#[test]
fn no_spelling_is_ambiguous() {
    assert_unambiguous(Base::SPELLINGS);
    assert_unambiguous(TierBasis::SPELLINGS);
    assert_unambiguous(TierMode::SPELLINGS);
    assert_unambiguous(Settlement::SPELLINGS);
    assert_unambiguous(InvoiceKind::SPELLINGS);
    assert_unambiguous(PayoutKind::SPELLINGS);
    assert_unambiguous(Trigger::SPELLINGS);
}
