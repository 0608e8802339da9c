//! `rebate-audit run`: the audit, its reports and evidence packs, committed whole.

use crate::app::as_of;
use crate::app::cancel::Cancel;
use crate::app::cli::RunArgs;
use crate::app::config::Config;
use crate::app::discover::discover;
use crate::app::progress::Progress;
use crate::app::services::Services;
use crate::app::settings::Settings;
use crate::app::write::LAYOUT;
use crate::app::{Outcome, RunError, stages, thread_pool, write};
use crate::domain::audit::Audit;
use crate::store::{Cleanup, Output};
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

/// Runs the audit of `args` (over its `--config` file's `settings`) and writes its
/// reports; prints one summary line on standard output unless `--quiet`.
///
/// # Errors
/// When the audit cannot run; see [`RunError`].
pub fn run(args: &RunArgs, settings: Option<&Settings>) -> Result<Outcome, RunError> {
    let config = Config::new(args, settings, as_of::today()?)?;
    // Signals first: a run stopped at any stage, discovery included, ends with status 3.
    let cleanup = Cleanup::default();
    let cancel =
        Cancel::on_signals(cleanup.clone()).map_err(|source| crate::store::OutputError::Io {
            path: "signal handlers".into(),
            source,
        })?;
    let result =
        thread_pool(config.threads)?.install(|| audit_and_write(&config, &cleanup, &cancel));
    match result {
        // Whatever stopped the run once SIGTERM or SIGINT came is the signal's doing.
        Err(_) if cancel.is_set() => {
            let _ = writeln!(
                std::io::stderr(),
                "{}",
                crate::app::cancel::stopped_line(cancel.signal_name())
            );
            Ok(Outcome::Interrupted)
        }
        result => result,
    }
}

fn audit_and_write(
    config: &Config,
    cleanup: &Cleanup,
    cancel: &Cancel,
) -> Result<Outcome, RunError> {
    let inputs = discover(config, cancel)?;
    // Read before anything is written: the baseline may be last night's findings.json in
    // this very output folder.
    let baseline = config
        .baseline
        .as_deref()
        .map(stages::load_baseline)
        .transpose()?;
    // Its accruals too: the accruals.csv beside it (docs/NIGHTLY.md).
    let accrual_baseline = config
        .baseline
        .as_deref()
        .map(crate::app::accrual_baseline::load)
        .transpose()?
        .unwrap_or(crate::domain::accrual::BaselineAccruals::None);
    // Locks --out (and --evidence DIR) and stages the reports beside it: the folders are
    // swapped in whole at the end, or left untouched.
    let packs = config.packs.then(|| packs_folder(config));
    let output = Output::begin(&config.out, packs.as_deref(), LAYOUT, cleanup)?;
    let progress = Progress::on_stderr(config.quiet);
    let services = Services {
        cancel,
        progress: &progress,
        limits: &config.limits,
    };
    let audit = stages::audit(config, &inputs, services)?;
    let changes = baseline
        .as_ref()
        .map(|baseline| stages::compare_baseline(baseline, &audit.findings));
    let mut audit = Audit { changes, ..audit };
    audit.accruals = crate::reconcile::accruals::with_baseline(
        std::mem::take(&mut audit.accruals),
        accrual_baseline,
    );
    write::write_reports(&audit, config.lang, output.reports(), cancel)?;
    if let Some(folder) = output.packs() {
        crate::app::packs::stage(&audit, config, &inputs, folder, cancel)?;
    }
    write::commit(output, cancel)?;
    if !config.quiet {
        // After the commit: a closed pipe here leaves the reports in place.
        crate::app::stdout::print(&format!(
            "{}\n",
            crate::report::run_line(&audit, &shown_path(&config.out), config.lang)
        ))?;
    }
    let outcome = if audit.fails(config.fail_on, config.fail_on_new) {
        Outcome::Findings
    } else {
        Outcome::Clean
    };
    free_in_background(audit);
    Ok(outcome)
}

/// Frees the audit on a thread of its own: with tens of thousands of findings and their
/// trails, freeing them takes a sixth of a second that nothing waits for — the process
/// may exit meanwhile (docs/DECISIONS.md, "The audit freed beside the exit").
fn free_in_background(audit: Audit) {
    let spawned = std::thread::Builder::new()
        .name("free-audit".into())
        .spawn(move || drop(audit));
    // Without a thread the audit is freed here, as before.
    drop(spawned);
}

/// Where the packs go: `--evidence DIR`, else `packs/` inside `--out`.
fn packs_folder(config: &Config) -> PathBuf {
    config
        .evidence
        .clone()
        .unwrap_or_else(|| config.out.join("packs"))
}

/// The report folder as the summary line names it: as given, unless it holds a `..`
/// (`samples/../audit-out`, from an `audit.toml` in `samples/`), which hides where it is.
/// Then the path with each `..` taken against the component before it (`audit-out`) when
/// that names the same folder, else (a symlink before the `..`) the real absolute path.
fn shown_path(out: &Path) -> PathBuf {
    if !out.components().any(|part| part == Component::ParentDir) {
        return out.to_path_buf();
    }
    let lexical = lexically_normal(out);
    let real = |path: &Path| std::fs::canonicalize(path).ok();
    match real(out) {
        Some(real_out) if real(&lexical).as_ref() != Some(&real_out) => real_out,
        _ => lexical,
    }
}

/// `out` with `.` dropped and each `..` removing the normal component before it (a `..`
/// at the start of a relative path stays; at the root it goes). An empty result is `.`.
fn lexically_normal(out: &Path) -> PathBuf {
    let mut parts: Vec<Component> = Vec::new();
    for part in out.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(part),
            },
            _ => parts.push(part),
        }
    }
    if parts.is_empty() {
        return PathBuf::from(".");
    }
    parts.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::lexically_normal;
    use std::path::Path;

    #[test]
    fn a_dot_dot_is_taken_against_the_folder_before_it() {
        for (given, shown) in [
            ("samples/../audit-out", "audit-out"),
            ("a/b/../../c/./d", "c/d"),
            ("../x/../y", "../y"),
            ("../../z", "../../z"),
            ("/../srv/out", "/srv/out"),
            ("a/..", "."),
        ] {
            assert_eq!(
                lexically_normal(Path::new(given)),
                Path::new(shown),
                "{given}"
            );
        }
    }
}
