//! Worked tables for the plan and the aggregate ledger.
