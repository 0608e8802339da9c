//! Aggregate files read cell by cell.
