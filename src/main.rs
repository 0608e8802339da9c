//! The `rebate-audit` binary: parse the arguments and hand them to the application
//! (`rebate_audit::app::main`), which sets up logging, runs the command and maps the
//! result to an exit status (0 clean, 1 findings, 2 the audit could not run, 3 stopped by
//! a signal).

use clap::Parser;
use std::process::ExitCode;

// mimalloc: the reports allocate and free many small strings, cheaper with it (docs/
// BENCHMARK.md, "The other reports at 4,000 contracts"). Its `no_thp` build keeps the
// kernel from backing its pages with 2 MiB huge pages, whose zeroing cost more system
// time than the allocator saved.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match rebate_audit::app::cli::Args::try_parse() {
        Ok(args) => rebate_audit::app::main(args),
        Err(error) => {
            let _ = error.print();
            // Help and version are not failures; every other argument error is status 2.
            match error.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            }
        }
    }
}
