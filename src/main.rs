//! The `rebate-audit` binary: parse arguments, set up logging, run, map the result to
//! an exit status (0 clean, 1 findings, 2 the audit could not run).

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = match rebate_audit::cli::Args::try_parse() {
        Ok(args) => args,
        Err(error) => {
            let _ = error.print();
            // Help and version are not failures; every other argument error is status 2.
            return match error.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("REBATE_AUDIT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_target(false)
        .without_time()
        .init();
    match rebate_audit::run(args) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(error) => {
            eprintln!("rebate-audit: error: {error}");
            ExitCode::from(2)
        }
    }
}
