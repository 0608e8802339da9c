//! The kinds of finding and how much each matters (docs/ARITHMETIC.md).

crate::domain::contract::word_enum! {
    /// The kinds of finding (docs/ARITHMETIC.md).
    FindingType {
        /// An installment that is due and received nothing.
        Unpaid => "unpaid",
        /// An installment that is due and received less than expected.
        Underpaid => "underpaid",
        /// More received than expected (an installment, or a contract with nothing open).
        Overpaid => "overpaid",
        /// Fully paid, but after the deadline.
        Late => "late",
        /// A cash payout whose invoice is missing or wrong.
        MisInvoiced => "mis_invoiced",
        /// A payout that names an unknown contract, period or installment.
        UnmatchedPayout => "unmatched_payout",
        /// An installment whose expectation is negative: money owed back.
        Clawback => "clawback",
        /// An input row that could not be read.
        RejectedRow => "rejected_row",
        /// A billing line or payout in another currency than its contract.
        CurrencyMismatch => "currency_mismatch",
        /// An account covered by two contracts on the same dates.
        OverlappingContracts => "overlapping_contracts",
        /// Spend on accounts no contract covers.
        UncoveredBilling => "uncovered_billing",
        /// A product no alias matched; its coefficient fell back.
        UnknownProduct => "unknown_product",
        /// The agent's statement differs from the recomputation (base, rate, rebate or
        /// payable).
        StatementMismatch => "statement_mismatch",
        /// A statement's payable total that no payout matches.
        StatementUnpaid => "statement_unpaid",
        /// A payout that books again money another payout already booked (the same
        /// transfer twice, or cash and a credit for the same installment).
        DuplicatePayout => "duplicate_payout",
        /// When the claim for an unpaid or short installment expires (or has expired)
        /// under the ruleset's limitation period.
        Limitation => "limitation",
    }
}

crate::domain::contract::word_enum! {
    /// How much a finding matters; `--fail-on` compares against it.
    Severity {
        /// Worth knowing; no money at stake by itself.
        Info => "info",
        /// Needs a look: money or evidence may be at stake.
        Warning => "warning",
        /// Money is missing or the audit is incomplete.
        Error => "error",
    }
}

impl FindingType {
    /// The severity every finding of this type carries.
    pub fn severity(self) -> Severity {
        match self {
            FindingType::Unpaid | FindingType::Underpaid | FindingType::RejectedRow => {
                Severity::Error
            }
            FindingType::Overpaid
            | FindingType::Late
            | FindingType::MisInvoiced
            | FindingType::UnmatchedPayout
            | FindingType::CurrencyMismatch
            | FindingType::OverlappingContracts
            | FindingType::StatementMismatch
            | FindingType::StatementUnpaid
            | FindingType::DuplicatePayout => Severity::Warning,
            FindingType::Clawback
            | FindingType::UncoveredBilling
            | FindingType::UnknownProduct
            | FindingType::Limitation => Severity::Info,
        }
    }
}
