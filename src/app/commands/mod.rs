//! One file per command (`run`, `explain`, `inspect`, `formats`, `init`, `plan`), each composing the
//! stages it needs.

pub mod explain;
pub mod formats;
pub mod init;
pub mod inspect;
pub mod plan;
pub mod run;
