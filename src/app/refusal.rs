//! The error that stops a command, as facts (`domain::expected::Refusal`) for the
//! reports' languages: the common ones typed, the rest with their English sentence.

use crate::app::RunError;
use crate::app::config::ConfigError;
use crate::app::discover::DiscoverError;
use crate::app::services::StageError;
use crate::domain::expected::Refusal;
use crate::report::explain::ExplainError;
use crate::store::OutputError;

/// `error` as facts.
pub fn refusal(error: &RunError) -> Refusal {
    match error {
        RunError::Config(ConfigError::Required(missing)) => Refusal::Required {
            missing: missing.clone(),
        },
        RunError::Config(ConfigError::AsOf(found)) => Refusal::AsOf {
            found: found.clone(),
        },
        RunError::Config(ConfigError::FailOnNewWithoutBaseline) => {
            Refusal::FailOnNewWithoutBaseline
        }
        RunError::Config(ConfigError::Threads) => Refusal::Threads,
        RunError::Discover(DiscoverError::Missing { option, path }) => Refusal::Missing {
            option,
            path: path.clone(),
        },
        RunError::Discover(DiscoverError::Empty { option, path }) => Refusal::Empty {
            option,
            path: path.clone(),
        },
        RunError::Stage(StageError::Contracts(errors)) => Refusal::Contracts(
            errors
                .0
                .iter()
                .map(|error| (error.location.to_string(), error.message.clone()))
                .collect(),
        ),
        RunError::Stage(StageError::Tables(tables)) => Refusal::Tables {
            ledgers: tables.what == "payout ledgers",
            problems: tables
                .problems
                .iter()
                .map(|problem| (problem.location.to_string(), problem.message.clone()))
                .collect(),
        },
        RunError::Output(OutputError::Locked {
            lock,
            folder,
            holder,
        }) => Refusal::Locked {
            lock: lock.clone(),
            folder: folder.clone(),
            holder: holder.clone(),
        },
        RunError::Explain(ExplainError::UnknownContract { id, known }) => {
            Refusal::UnknownContract {
                id: id.clone(),
                known: known.clone(),
            }
        }
        RunError::Explain(ExplainError::Period(found)) => Refusal::Period {
            found: found.clone(),
        },
        RunError::Explain(ExplainError::NoPeriod {
            id,
            period,
            first,
            last,
        }) => Refusal::NoPeriod {
            id: id.clone(),
            period: period.clone(),
            term: (*first, *last),
        },
        other => Refusal::Other(other.to_string()),
    }
}
