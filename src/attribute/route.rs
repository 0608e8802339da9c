//! The attributor's route cache: where the last line went, so the next line of the same
//! account, date, currency and table skips the search.

use chrono::NaiveDate;

/// Where a line went: the key it was found by and the contract and segment it went to.
#[derive(Debug)]
pub(super) struct Route {
    pub(super) account: String,
    pub(super) date: NaiveDate,
    pub(super) currency: String,
    pub(super) table: usize,
    pub(super) contract: usize,
    pub(super) segment: usize,
    /// The segment's number across contracts ([`ContractIndex::segment_number`]).
    ///
    /// [`ContractIndex::segment_number`]: super::plan::ContractIndex::segment_number
    pub(super) segment_number: u32,
    /// The other contracts that cover the same account, date and currency
    /// (`overlapping_contracts`).
    pub(super) others: Vec<usize>,
}

impl Route {
    /// A route no line follows: no table has its number.
    pub(super) fn nowhere() -> Route {
        Route {
            account: String::new(),
            date: NaiveDate::MIN,
            currency: String::new(),
            table: usize::MAX,
            contract: 0,
            segment: 0,
            segment_number: 0,
            others: Vec::new(),
        }
    }

    /// Whether a line of `account`, `date`, `currency` in `table` goes where this route
    /// goes.
    #[inline]
    pub(super) fn leads(
        &self,
        account: &str,
        date: NaiveDate,
        currency: &str,
        table: usize,
    ) -> bool {
        self.date == date
            && self.table == table
            && self.account == account
            && self.currency == currency
    }
}
