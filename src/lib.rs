//! rebate-audit: recomputes the rebates cloud-reseller contracts promise and reports
//! every payout that is unpaid, underpaid, overpaid, late or mis-invoiced.
//!
//! Data flows one way and imports follow it (docs/ARCHITECTURE.md): [`domain`] holds every
//! result type and imports nothing of the project; [`ruleset`] → [`ingest`] →
//! [`attribute`] → [`compute`] → [`reconcile`] (and [`baseline`]) import only what lies
//! below them; [`report`] (every sentence, both languages, every format) and [`store`]
//! (the output folders) import only [`domain`]; [`app`] composes the stages.

#![deny(missing_docs)]

pub mod app;
pub mod attribute;
pub mod baseline;
pub mod compute;
pub mod domain;
pub mod ingest;
pub mod reconcile;
pub mod report;
pub mod ruleset;
pub mod store;
