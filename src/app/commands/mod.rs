//! One file per command (`run`, `explain`, `inspect`, `formats`, `init`), each composing the
//! stages it needs.

pub mod explain;
pub mod formats;
pub mod init;
pub mod inspect;
pub mod run;
