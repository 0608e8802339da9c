//! Contract amendments (变更): a change of terms from an effective date — a new tier
//! table, a new end of term, a product's new coefficient, an account added or removed —
//! and which terms are in force on a day, as known at the end of a settlement period
//! (docs/ARITHMETIC.md, "Amendments"). Plain data, no I/O.

use super::contract::Contract;
#[cfg(test)]
use super::contract::TierTable;
pub use super::contract::{
    AmendedTerms, Amendment, AmendmentNote, Change, Retroactive, applies_from, contract_year_start,
};
#[cfg(test)]
use super::location::Location;
use chrono::NaiveDate;
use rust_decimal::Decimal;

impl Amendment {
    /// The product whose coefficient it changes, and the new coefficient.
    pub fn coefficient(&self) -> Option<(&str, Decimal)> {
        match &self.terms {
            AmendedTerms::Coefficient {
                product,
                coefficient,
            } => Some((product, *coefficient)),
            _ => None,
        }
    }

    /// The account it adds (`true`) or removes (`false`).
    pub fn account(&self) -> Option<(&str, bool)> {
        match &self.terms {
            AmendedTerms::AccountAdd(account) => Some((account, true)),
            AmendedTerms::AccountRemove(account) => Some((account, false)),
            _ => None,
        }
    }
}

impl Contract {
    /// Whether an amendment changes a product's coefficient.
    pub fn has_coefficient_amendments(&self) -> bool {
        self.amendments
            .iter()
            .any(|amendment| amendment.coefficient().is_some())
    }

    /// Whether an amendment adds or removes an account.
    pub fn has_account_amendments(&self) -> bool {
        self.amendments
            .iter()
            .any(|amendment| amendment.account().is_some())
    }

    /// The coefficient amendments give `product` (its canonical name; names compare as
    /// people type them) for the volume of `day`: the last coefficient amendment of the
    /// product effective on or before `day`, with its place in `amendments`; `None`
    /// when none is, and the contract's `products` sheet or the ruleset decide.
    pub fn amended_coefficient(&self, product: &str, day: NaiveDate) -> Option<(Decimal, usize)> {
        let product = super::words::fold(product);
        let mut found = None;
        for (index, amendment) in self.amendments.iter().enumerate() {
            if let Some((named, coefficient)) = amendment.coefficient()
                && amendment.effective_from <= day
                && super::words::fold(named) == product
            {
                found = Some((coefficient, index));
            }
        }
        found
    }

    /// Whether the lines `account` bills on `day` belong to the contract: a listed
    /// account from the start, an added one from its amendment's date, each until an
    /// amendment removes it (the term is checked apart).
    pub fn account_member(&self, account: &str, day: NaiveDate) -> bool {
        let mut member = self.accounts.iter().any(|listed| listed == account);
        // Amendments are in date order: the last one effective by `day` decides.
        for amendment in &self.amendments {
            if amendment.effective_from > day {
                break;
            }
            if let Some((named, added)) = amendment.account()
                && named == account
            {
                member = added;
            }
        }
        member
    }

    /// Every account that belongs to the contract on some day: the listed ones, then
    /// those amendments add, each once.
    pub fn accounts_ever(&self) -> Vec<&str> {
        let mut accounts: Vec<&str> = self.accounts.iter().map(String::as_str).collect();
        for amendment in &self.amendments {
            if let Some((account, true)) = amendment.account()
                && !accounts.contains(&account)
            {
                accounts.push(account);
            }
        }
        accounts
    }

    /// The coefficient and account amendments a period ending on `last` was computed
    /// under: for each product and each account, the last one effective on or before
    /// `last`, in the contract's order.
    pub fn amendments_in_force(&self, last: NaiveDate) -> Vec<&Amendment> {
        let mut in_force: Vec<&Amendment> = Vec::new();
        for amendment in &self.amendments {
            if amendment.effective_from > last {
                continue;
            }
            let same = |other: &&Amendment| match (amendment.coefficient(), other.coefficient()) {
                (Some((product, _)), Some((known, _))) => {
                    super::words::fold(product) == super::words::fold(known)
                }
                _ => matches!(
                    (amendment.account(), other.account()),
                    (Some((account, _)), Some((known, _))) if account == known
                ),
            };
            if amendment.coefficient().is_none() && amendment.account().is_none() {
                continue;
            }
            in_force.retain(|other| !same(other));
            in_force.push(amendment);
        }
        in_force
    }
}

#[cfg(test)]
mod tests;
