//! One file per command (`run`, `explain`, `inspect`, `formats`), each composing the
//! stages it needs.

pub mod explain;
pub mod formats;
pub mod inspect;
pub mod run;
