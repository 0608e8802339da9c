//! `rebate-audit explain`: the audit in memory (nothing written), and the computation
//! trail of one contract on standard output.

use crate::app::as_of;
use crate::app::cancel::Cancel;
use crate::app::cli::ExplainArgs;
use crate::app::config::Config;
use crate::app::discover::discover;
use crate::app::progress::Progress;
use crate::app::services::Services;
use crate::app::settings::Settings;
use crate::app::{Outcome, RunError, stages, thread_pool};

/// Prints the trail; exit status 0. `settings`: its `--config` file, read as `run` reads
/// it.
///
/// # Errors
/// When the audit cannot run, or has no such contract or period.
pub fn explain(args: &ExplainArgs, settings: Option<&Settings>) -> Result<Outcome, RunError> {
    let today = as_of::today()?;
    let period = args
        .period
        .as_deref()
        .map(crate::app::period_arg::parse_period)
        .transpose()?;
    let config = Config::new(&args.run_args(), settings, today)?;
    let audit = thread_pool(config.threads)?.install(|| -> Result<_, RunError> {
        let inputs = discover(&config, &Cancel::never())?;
        let services = Services {
            cancel: &Cancel::never(),
            progress: &Progress::hidden(),
            limits: &config.limits,
        };
        Ok(stages::audit(&config, &inputs, services)?)
    })?;
    crate::app::stdout::print(&crate::report::explain::render(
        &audit,
        &args.contract,
        period,
        config.lang,
    )?)?;
    Ok(Outcome::Clean)
}
