//! `rebate-audit formats`: the billing formats in force, and the columns that identify
//! each.

use crate::app::cli::FormatsArgs;
use crate::app::{Outcome, RunError, stages};

/// Prints the formats; exit status 0.
///
/// # Errors
/// When a ruleset is invalid.
pub fn formats(args: &FormatsArgs) -> Result<Outcome, RunError> {
    let rulesets = stages::load_rulesets(args.rulesets.as_deref())?;
    crate::app::stdout::print(&crate::report::inspect::formats(
        &crate::app::commands::inspect::formats_of(&rulesets),
    ))?;
    Ok(Outcome::Clean)
}
