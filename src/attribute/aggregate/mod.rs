//! The billing aggregate's side of attribution (docs/AGGREGATE.md): the plan an engine
//! needs to sum billing lines exactly as the line route attributes them ([`plan_tables`]:
//! coverage, slices, products), and the aggregate's rows turned back into the ledger the
//! line route would have filled ([`AggregateAttributor`]).

mod ledger;
mod tables;
#[cfg(test)]
mod tests;

pub use ledger::{AggregateAttributor, AggregateProblem};
pub use tables::{plan_tables, products};
