//! Likely causes of a payment that is not what its installment expects — short (issue 5)
//! or too much (issue 13): the usual mistake that reproduces what was paid, as a code and
//! the numbers that argue it. The sentence is `report::i18n`'s.

use crate::domain::clawback::ClawbackRule;
use crate::domain::computation::CatchUp;
use crate::domain::contract::{AmendmentNote, Base, DateRange, Portion, TierMode};
use crate::domain::location::Location;
use chrono::NaiveDate;
use rust_decimal::Decimal;

crate::domain::contract::word_enum! {
    /// A usual mistake, in the priority order causes are listed in.
    CauseCode {
        /// (a) The bracket the volume reached, paid at the rate of the bracket below it.
        PreviousTierRate => "previous_tier_rate",
        /// (a) The bracket the volume reached, paid at the rate of the bracket above it: a
        /// higher tier applied before the volume reached it.
        NextTierRate => "next_tier_rate",
        /// (b) Only the period's own base at the reached rate: earlier periods of the
        /// tier scope not re-priced (retroactive tiers).
        NoRetroactiveCatchUp => "no_retroactive_catch_up",
        /// (b) The period's retroactive catch-up added again to a rebate that already
        /// holds it.
        CatchUpPaidTwice => "catch_up_paid_twice",
        /// (c) Marginal tiers where the contract says retroactive.
        MarginalInsteadOfRetroactive => "marginal_instead_of_retroactive",
        /// (c) Retroactive tiers where the contract says marginal.
        RetroactiveInsteadOfMarginal => "retroactive_instead_of_marginal",
        /// (c) The contract's cap ignored.
        CapIgnored => "cap_ignored",
        /// (d) List amounts on a net-base contract.
        ListInsteadOfNet => "list_instead_of_net",
        /// (d) Net amounts on a list-base contract.
        NetInsteadOfList => "net_instead_of_list",
        /// (d) Net amounts on a cash-base contract (vouchers not deducted).
        NetInsteadOfCash => "net_instead_of_cash",
        /// (d) Cash amounts (net − vouchers) on a net-base contract.
        CashInsteadOfNet => "cash_instead_of_net",
        /// (d) List amounts on a cash-base contract.
        ListInsteadOfCash => "list_instead_of_cash",
        /// (d) Cash amounts on a list-base contract.
        CashInsteadOfList => "cash_instead_of_list",
        /// (e) One product's coefficient ignored (weighted 1).
        CoefficientIgnored => "coefficient_ignored",
        /// (e) Every product coefficient ignored (all weighted 1).
        CoefficientsIgnored => "coefficients_ignored",
        /// (e) One product left out of the base (weighted 0).
        ProductExcluded => "product_excluded",
        /// (f) The previous period's installment paid.
        WrongPeriodPrevious => "wrong_period_previous",
        /// (f) The next period's installment paid.
        WrongPeriodNext => "wrong_period_next",
        /// (g) A negative period carried against this one, on a contract whose
        /// `clawback` cell is blank: the rule is missing (reckoned as `net`).
        ClawbackWithoutRule => "clawback_without_rule",
        /// (g) A negative period (owed back under `net`) deducted from this one: the
        /// clawback the contract allows, collected by offset.
        ClawbackDeducted => "clawback_deducted",
        /// (g) A negative period carried against this one though the contract's rule is
        /// `none`: a clawback the contract does not allow.
        ClawbackNotAllowed => "clawback_not_allowed",
        /// (g) The carry the contract's `carry_forward` rule deducts left out: the
        /// clawback not applied (in the customer's favour).
        ClawbackNotApplied => "clawback_not_applied",
        /// (g) Money taken back in cash — a negative row of the payout ledger — though
        /// the contract's rule is `none` (no clawback) or `carry_forward` (a negative
        /// period is deducted from later rebates, never owed in cash).
        ClawbackInCash => "clawback_in_cash",
        /// (h) A period priced under the tier table an amendment replaced: the agent
        /// kept paying the pre-amendment terms.
        AmendmentIgnored => "amendment_ignored",
    }
}

/// A usual mistake that reproduces what was paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LikelyCause {
    /// Which mistake.
    pub code: CauseCode,
    /// What the installment comes to under the mistake (= what was paid).
    pub expected_under_mistake: Decimal,
    /// The installment's number.
    pub installment: u32,
    /// What the installment expects without the mistake.
    pub expected: Decimal,
    /// The installment's portion when it is only part of its period's rebate (`40%`,
    /// `10pt`, or the `rest` after other installments); `None` when it is the whole of it.
    /// Every amount a cause's sentence states for the installment says which part it is.
    pub portion: Option<Portion>,
    /// The numbers that show how the mistake gives the amount paid.
    pub mistake: Mistake,
}

/// The numbers a mistake is argued with, beyond the installment's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mistake {
    /// The reached bracket paid at the previous bracket's rate.
    PreviousTierRate {
        /// The reached bracket's rate.
        reached: Decimal,
        /// The previous bracket's rate.
        lower: Decimal,
        /// The tier volume that reached it.
        volume: Decimal,
    },
    /// The reached bracket paid at the next bracket's rate, which the volume has not
    /// reached.
    NextTierRate {
        /// The reached bracket's rate.
        reached: Decimal,
        /// The next bracket's rate.
        higher: Decimal,
        /// Where the next bracket starts.
        threshold: Decimal,
        /// The tier volume, below `threshold`.
        volume: Decimal,
    },
    /// The period's own base at the reached rate, without the retroactive catch-up.
    NoRetroactiveCatchUp {
        /// The period's weighted base.
        period_base: Decimal,
        /// The reached rate.
        rate: Decimal,
        /// The tier scope.
        scope: DateRange,
        /// The scope's volume through the period's end.
        volume: Decimal,
    },
    /// The period's catch-up counted a second time.
    CatchUpPaidTwice {
        /// E_p, which already holds the catch-up once.
        period_rebate: Decimal,
        /// The catch-up: the scope's earlier volume re-priced at the new rate.
        catch_up: CatchUp,
    },
    /// The other tier mode than the contract's.
    TierMode {
        /// The mode the contract names (the mistake used the other one).
        contract: TierMode,
    },
    /// The contract's cap left out.
    CapIgnored {
        /// The cap.
        cap: Decimal,
        /// What it caps: the contract year of the period, or the whole term.
        scope: DateRange,
    },
    /// Another base than the contract's.
    Base {
        /// The base the mistake used.
        used: Base,
        /// The base the contract names.
        contract: Base,
        /// The period's weighted base on the mistaken base.
        mistaken_base: Decimal,
        /// The period's weighted base.
        period_base: Decimal,
    },
    /// One product weighted 1 instead of its coefficient.
    CoefficientIgnored {
        /// The product.
        product: String,
        /// Its coefficient.
        coefficient: Decimal,
        /// The period's weighted base with the product weighted 1.
        mistaken_base: Decimal,
        /// The period's weighted base.
        period_base: Decimal,
    },
    /// Every product weighted 1.
    CoefficientsIgnored {
        /// The products whose coefficient is not 1, with their coefficients.
        products: Vec<(String, Decimal)>,
        /// The period's weighted base with every product weighted 1.
        mistaken_base: Decimal,
        /// The period's weighted base.
        period_base: Decimal,
    },
    /// One product left out of the base.
    ProductExcluded {
        /// The product.
        product: String,
        /// Its coefficient.
        coefficient: Decimal,
        /// The period's weighted base without the product.
        mistaken_base: Decimal,
        /// The period's weighted base.
        period_base: Decimal,
    },
    /// The installment of a neighbouring period.
    WrongPeriod {
        /// Which neighbour.
        neighbour: Neighbour,
        /// That period.
        period: DateRange,
    },
    /// Another clawback rule than the contract's (the contract's `None`: no rule).
    Clawback {
        /// The contract's rule; `None` when its cell is blank.
        contract: Option<ClawbackRule>,
        /// The rule the payment follows.
        used: ClawbackRule,
        /// E_p, the period's rebate before any rule.
        period_rebate: Decimal,
        /// The carry from earlier negative periods that one rule deducts and the other
        /// does not.
        carried: Decimal,
        /// The negative periods it comes from, in order.
        from: Vec<DateRange>,
    },
    /// Money taken back in cash by negative ledger rows on a contract whose rule does not
    /// allow it.
    ClawbackInCash {
        /// The contract's rule (`none` or `carry_forward`).
        contract: ClawbackRule,
        /// The negative rows allocated to the installment (or left over on the contract).
        rows: Vec<CashRow>,
        /// What they took back, as a positive amount.
        taken: Decimal,
        /// What the installment received without them.
        received: Decimal,
    },
    /// The period priced under the tier tables before the contract's amendments.
    AmendmentIgnored {
        /// The amendment whose table prices the period (the latest one in force).
        amendment: AmendmentNote,
        /// The rate the scope's volume reaches under the table in force.
        rate_in_force: Decimal,
        /// The rate it reaches under the contract's own (pre-amendment) table.
        rate_before: Decimal,
    },
}

/// A settlement period next to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Neighbour {
    /// The period before.
    Previous,
    /// The period after.
    Next,
}

/// A negative row of the payout ledger: money the agent took back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashRow {
    /// The payout.
    pub payout_id: String,
    /// Its date.
    pub paid_on: NaiveDate,
    /// What of it the installment (or the contract) holds: negative.
    pub amount: Decimal,
    /// Its row in the ledger.
    pub source: Location,
}
