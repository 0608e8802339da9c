//! Attribution: which contract and settlement period each billing line belongs to, and
//! the running aggregates that replace the lines themselves (docs/ARITHMETIC.md, first rules; §4,
//! data quality). One [`FileLedger`] per billing file is filled while the file streams;
//! ledgers are merged in file order, so totals never depend on thread scheduling.
//!
//! `plan` indexes the contracts by account; `attributor` is the per-file hot path, with its
//! `route` cache and `interner`, `groups`, its compact running sums, and `window`, the
//! routed lines waiting to be summed; `bucket` and `rows` are what a contract's segment
//! gathers; `ledger` is one file's part and `totals` all files merged; `listed_products`
//! checks the contracts' listed products against the products billed to them.

pub mod aggregate;
mod attributor;
mod bucket;
mod coefficients;
mod groups;
mod interner;
mod ledger;
mod listed_products;
mod plan;
mod route;
mod rows;
mod slots;
mod totals;
mod window;

#[cfg(test)]
mod tests;

pub use attributor::Attributor;
pub use bucket::{Bucket, LineAmounts, ProductName, Source, SourceGroup, Sources};
pub use ledger::{FileLedger, MAX_REJECTIONS_PER_FILE, Rejection};
pub use listed_products::{billed_products, check_listed_products};
pub use plan::{ContractIndex, ContractPlan};
pub use rows::RowRanges;
pub use totals::{BillingTotals, TalliedTables};
