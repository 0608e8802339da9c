//! Input discovery: from the paths and patterns a run was given to the files it reads.
//! Patterns of the `--config` file are expanded in sorted order; folders are walked
//! recursively in sorted order (hidden files, Excel lock files, evidence packs and the
//! report folder itself skipped); duplicates are dropped — so the input order never
//! depends on the file system, and every problem names the option or the file, line and
//! key that gave the path.
//!
//! Billing takes every other file, whatever its name: the reader tells a file's type by
//! its bytes, so a bill subscription's object with no extension is read, and a file that
//! is no table is a finding, never skipped. Payouts take the files named as tables.

use crate::app::cancel::{Cancel, Interrupted};
use crate::app::config::{Config, InputSpec};
use crate::app::settings::{SettingsError, Written};
use crate::ingest::table::is_table_file;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// The files a run reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inputs {
    /// The contract workbook or folder.
    pub contracts: PathBuf,
    /// Billing files, in a fixed order.
    pub billing: Vec<PathBuf>,
    /// Payout ledger files, in a fixed order.
    pub payouts: Vec<PathBuf>,
    /// The agent's statement files, in a fixed order (none when not given).
    pub statements: Vec<PathBuf>,
    /// The user rulesets folder.
    pub rulesets: Option<PathBuf>,
}

/// Why the inputs cannot be found (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// A path from the `--config` file: named by file, line and key.
    #[error(transparent)]
    Written(#[from] SettingsError),
    /// A path does not exist.
    #[error("{option}: `{path}` does not exist")]
    Missing {
        /// The option.
        option: &'static str,
        /// The path.
        path: String,
    },
    /// A folder holds no readable file.
    #[error(
        "{option}: `{path}` holds no .csv, .tsv, .zip, .gz, .tar, .xlsx, .xls, .xlsb or .ods file"
    )]
    Empty {
        /// The option.
        option: &'static str,
        /// The path.
        path: String,
    },
    /// SIGTERM or SIGINT came while the folders were walked.
    #[error(transparent)]
    Interrupted(#[from] Interrupted),
    /// A folder cannot be listed.
    #[error("{option}: cannot read `{path}`: {source}")]
    Io {
        /// The option.
        option: &'static str,
        /// The path.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// Finds the files `config` names. `cancel` is checked at every folder entry and while a
/// `--config` pattern is expanded, so a signal stops even the walk of a huge or deep
/// folder, or a `**` over one, at once.
///
/// # Errors
/// When a path does not exist, a pattern matches nothing (or, for `contracts`, more than
/// one path), a folder holds no input file or cannot be listed, or the run is stopped.
pub fn discover(config: &Config, cancel: &Cancel) -> Result<Inputs, DiscoverError> {
    let span = tracing::info_span!(
        "stage",
        stage = "discover inputs",
        billing = tracing::field::Empty,
        payouts = tracing::field::Empty
    )
    .entered();
    let contracts = contracts(&config.contracts, cancel)?;
    if let Some(folder) = &config.aggregate
        && !folder.is_dir()
    {
        return Err(DiscoverError::Missing {
            option: "--aggregate",
            path: folder.display().to_string(),
        });
    }
    let rulesets = config.rulesets.as_ref().map(rulesets).transpose()?;
    let billing = files(
        "--billing",
        &config.billing,
        &config.out,
        Take::EveryFile,
        cancel,
    )?;
    let payouts = files(
        "--payouts",
        &config.payouts,
        &config.out,
        Take::Tables,
        cancel,
    )?;
    let statements = files(
        "--statements",
        &config.statements,
        &config.out,
        Take::Tables,
        cancel,
    )?;
    span.record("billing", billing.len());
    span.record("payouts", payouts.len());
    Ok(Inputs {
        contracts,
        billing,
        payouts,
        statements,
        rulesets,
    })
}

/// `expected …, found …` for a path the configuration file wrote.
fn wrong(written: &Written, expected: &str, found: String) -> DiscoverError {
    DiscoverError::Written(SettingsError::Value {
        file: written.origin.file.clone(),
        line: written.origin.line,
        key: written.origin.key.to_string(),
        message: format!("expected {expected}, found {found}"),
    })
}

fn contracts(spec: &InputSpec, cancel: &Cancel) -> Result<PathBuf, DiscoverError> {
    use crate::app::settings::CONTRACTS_EXPECTED as EXPECTED;
    match &spec.written {
        None if spec.path.exists() => Ok(named(spec.path.clone())),
        None => Err(DiscoverError::Missing {
            option: "--contracts",
            path: spec.path.display().to_string(),
        }),
        Some(written) => match &written.pattern {
            Some(pattern) => {
                let matches = matches(written, pattern, None, cancel)?;
                match matches.as_slice() {
                    [one] => Ok(named(one.clone())),
                    [] => Err(wrong(
                        written,
                        EXPECTED,
                        format!("`{}`, which matches nothing", written.text),
                    )),
                    more => Err(wrong(
                        written,
                        EXPECTED,
                        format!("`{}`, which matches {} paths", written.text, more.len()),
                    )),
                }
            }
            None if written.path.exists() => Ok(named(written.path.clone())),
            None => Err(wrong(
                written,
                EXPECTED,
                format!("`{}`, which does not exist", written.path.display()),
            )),
        },
    }
}

fn rulesets(spec: &InputSpec) -> Result<PathBuf, DiscoverError> {
    if spec.path.is_dir() {
        return Ok(spec.path.clone());
    }
    Err(match &spec.written {
        None => DiscoverError::Missing {
            option: "--rulesets",
            path: spec.path.display().to_string(),
        },
        Some(written) => wrong(
            written,
            crate::app::settings::FOLDER_EXPECTED,
            format!("`{}`, which is not a folder", written.path.display()),
        ),
    })
}

/// Which files of a folder or pattern are input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Take {
    /// Every file (billing: told by its bytes), but the `--config` file itself.
    EveryFile,
    /// Files named as tables (`is_table_file`).
    Tables,
}

impl Take {
    fn takes(self, path: &Path) -> bool {
        match self {
            // Not only regular files: a FIFO, device or socket is passed on, and the
            // reader refuses it as a finding without opening it.
            Take::EveryFile => !path.is_dir(),
            Take::Tables => is_table_file(path),
        }
    }
}

/// The paths a pattern of the configuration file matches, sorted; hidden files and Excel
/// lock files never match, and with `take` only input files (and folders, walked
/// later) count — never the configuration file itself.
fn matches(
    written: &Written,
    pattern: &str,
    take: Option<Take>,
    cancel: &Cancel,
) -> Result<Vec<PathBuf>, DiscoverError> {
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: true,
    };
    let entries = glob::glob_with(pattern, options).map_err(|error| {
        wrong(
            written,
            "a path or a valid glob pattern",
            format!("`{}` ({error})", written.text),
        )
    })?;
    // One line per pattern at `trace` level: which pattern a slow expansion is on.
    tracing::trace!(pattern = %written.text, "discovery: expanding");
    let mut paths = Vec::new();
    for entry in expand(written, entries, cancel)? {
        let path = entry.map_err(|error| {
            wrong(
                written,
                "a pattern over readable folders",
                format!("`{}`: {error}", written.text),
            )
        })?;
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with("~$") {
            continue;
        }
        if let Some(take) = take
            && !path.is_dir()
            && (!take.takes(&path) || same_file(&path, Path::new(&written.origin.file)))
        {
            continue;
        }
        paths.push(path);
    }
    paths.sort();
    Ok(paths)
}

/// How often a pattern's expansion looks at the run's token while no match comes.
const POLL: Duration = Duration::from_millis(20);

/// What a pattern matches, in the glob crate's order, stopped by a signal like a folder's
/// walk. The crate walks every folder between two matches without coming back (a `**` over
/// a huge tree can take minutes for a few matches), so it runs on a thread of its own and
/// hands each match over while this one checks `cancel`. Stopped, the thread is left to
/// end at its next match: the run is ending.
///
/// # Errors
/// When SIGTERM or SIGINT arrives before the pattern is expanded, or no thread can be
/// started.
fn expand(
    written: &Written,
    entries: glob::Paths,
    cancel: &Cancel,
) -> Result<Vec<glob::GlobResult>, DiscoverError> {
    let (send, receive) = mpsc::channel();
    std::thread::Builder::new()
        .name("glob".into())
        .spawn(move || {
            for entry in entries {
                if send.send(entry).is_err() {
                    break;
                }
            }
        })
        .map_err(|error| {
            wrong(
                written,
                "a pattern the system can expand",
                format!("`{}`: {error}", written.text),
            )
        })?;
    let mut matched = Vec::new();
    loop {
        cancel.check()?;
        match receive.recv_timeout(POLL) {
            Ok(entry) => matched.push(entry),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(matched),
        }
    }
}

/// The paths a list of inputs stands for before folders are walked: a pattern of the
/// configuration file by what it matches (at least one), a plain path as it is (it must
/// exist).
fn given(
    specs: &[InputSpec],
    take: Take,
    cancel: &Cancel,
) -> Result<Vec<(PathBuf, bool)>, DiscoverError> {
    use crate::app::settings::INPUTS_EXPECTED as EXPECTED;
    let mut paths = Vec::new();
    for spec in specs {
        match &spec.written {
            Some(written) => match &written.pattern {
                Some(pattern) => {
                    let matched = matches(written, pattern, Some(take), cancel)?;
                    if matched.is_empty() {
                        return Err(wrong(
                            written,
                            EXPECTED,
                            format!(
                                "`{}`, which matches no .csv, .tsv, .zip, .gz, .tar, .xlsx, .xls, .xlsb or .ods file or folder",
                                written.text
                            ),
                        ));
                    }
                    paths.extend(matched.into_iter().map(|path| (path, true)));
                }
                None if written.path.exists() => paths.push((written.path.clone(), true)),
                None => {
                    return Err(wrong(
                        written,
                        EXPECTED,
                        format!("`{}`, which does not exist", written.path.display()),
                    ));
                }
            },
            None => paths.push((spec.path.clone(), false)),
        }
    }
    Ok(paths)
}

/// Files as given, folders walked recursively (sorted, hidden and lock files skipped, and
/// the report folder skipped so last run's findings.csv is never read as input),
/// duplicates removed.
fn files(
    option: &'static str,
    specs: &[InputSpec],
    out: &Path,
    take: Take,
    cancel: &Cancel,
) -> Result<Vec<PathBuf>, DiscoverError> {
    let given = given(specs, take, cancel)?;
    let out = out.canonicalize().ok();
    let mut files = Vec::new();
    for (path, checked) in given {
        if path.is_dir() {
            let before = files.len();
            let root = Walk {
                option,
                root: path.canonicalize().unwrap_or_else(|_| path.clone()),
                out: out.as_deref().map(identity),
                take,
                cancel,
            };
            root.walk(&path, &mut std::collections::HashSet::new(), &mut files)?;
            if files.len() == before {
                return Err(DiscoverError::Empty {
                    option,
                    path: path.display().to_string(),
                });
            }
        } else if checked || path.exists() {
            files.push(named(path));
        } else {
            return Err(DiscoverError::Missing {
                option,
                path: path.display().to_string(),
            });
        }
    }
    // Each file once however many paths lead to it (links, hard links, a folder given
    // twice): the first path in walk order is kept.
    let mut seen = std::collections::HashSet::new();
    files.retain(|file| seen.insert(identity(file)));
    Ok(files)
}

/// A path the user named (or a `--config` pattern matched): a link is their choice, so it
/// is followed wherever it leads and read under its target's path — the reader follows a
/// link only inside its own folder, which is the rule for links found in a folder.
fn named(path: PathBuf) -> PathBuf {
    let link = std::fs::symlink_metadata(&path).is_ok_and(|metadata| metadata.is_symlink());
    match path.canonicalize() {
        Ok(target) if link => target,
        _ => path,
    }
}

/// What makes two paths the same file: its device and inode where the system has them
/// (following links), else the path itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Identity {
    Inode(u64, u64),
    Path(PathBuf),
}

fn identity(path: &Path) -> Identity {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(metadata) = std::fs::metadata(path) {
            return Identity::Inode(metadata.dev(), metadata.ino());
        }
    }
    Identity::Path(path.to_path_buf())
}

/// One folder given: where its walk may go.
struct Walk<'a> {
    option: &'static str,
    /// The folder given, resolved: a linked folder is entered only inside it.
    root: PathBuf,
    /// The output folder's identity: never walked.
    out: Option<Identity>,
    take: Take,
    cancel: &'a Cancel,
}

impl Walk<'_> {
    /// Walks `folder` in sorted order. `walked` holds every folder entered so far (by
    /// device and inode), so a link back to one of them — a loop — is never entered;
    /// a linked folder outside the folder given is passed on as a file, and the reader
    /// refuses it as a finding.
    fn walk(
        &self,
        folder: &Path,
        walked: &mut std::collections::HashSet<Identity>,
        files: &mut Vec<PathBuf>,
    ) -> Result<(), DiscoverError> {
        // Folders are told apart by device and inode, not by resolving their paths: a
        // path resolved component by component makes a deep tree's walk quadratic.
        let this = identity(folder);
        if self.out.as_ref() == Some(&this) {
            return Ok(());
        }
        if !walked.insert(this) {
            return Ok(());
        }
        // One line per folder at `trace` level: which folder a slow walk is in.
        tracing::trace!(folder = %folder.display(), "discovery: walking");
        let io = |source| DiscoverError::Io {
            option: self.option,
            path: folder.display().to_string(),
            source,
        };
        // Whether each entry is a link comes with the listing: only links need resolving.
        let mut entries: Vec<(PathBuf, bool)> = std::fs::read_dir(folder)
            .map_err(io)?
            .filter_map(Result::ok)
            .map(|entry| {
                let link = entry.file_type().is_ok_and(|kind| kind.is_symlink());
                (entry.path(), link)
            })
            .collect();
        entries.sort();
        for (entry, link) in entries {
            self.cancel.check()?;
            let name = entry
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            // Dot files and Excel's `~$book.xlsx` lock files are never data.
            if name.starts_with('.') || name.starts_with("~$") {
                continue;
            }
            if entry.is_dir() {
                // An evidence pack's CSVs (`--evidence` put inside an input folder) are never input.
                if crate::app::write::LAYOUT.is_pack(&entry) {
                    continue;
                }
                // A real subfolder of a folder inside the root is inside; a link is inside
                // only when its target is.
                let inside = !link
                    || entry
                        .canonicalize()
                        .is_ok_and(|target| target.starts_with(&self.root));
                if inside {
                    self.walk(&entry, walked, files)?;
                } else {
                    files.push(entry);
                }
            } else if self.take.takes(&entry) {
                files.push(entry);
            }
        }
        Ok(())
    }
}

/// True when `a` and `b` are the same file (both exist and resolve alike).
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::settings::parse;

    #[test]
    fn globs_match_input_files_in_sorted_order() {
        let folder = tempfile::tempdir().unwrap();
        for name in [
            "b-2.csv",
            "a-10.csv",
            "a-2.csv",
            "notes.txt",
            ".hidden.csv",
            "~$lock.csv",
        ] {
            std::fs::write(folder.path().join(name), "x").unwrap();
        }
        std::fs::create_dir_all(folder.path().join("sub/deep")).unwrap();
        std::fs::write(folder.path().join("sub/deep/c.xlsx"), "x").unwrap();
        let file = folder.path().join("audit.toml");
        let settings = parse(
            &file,
            "billing = [\"*.csv\", \"**/*.xlsx\"]\npayouts = \"*\"\n",
        )
        .unwrap();
        let billing = given(
            &settings
                .billing
                .iter()
                .cloned()
                .map(|written| InputSpec {
                    path: written.path.clone(),
                    written: Some(written),
                })
                .collect::<Vec<_>>(),
            Take::EveryFile,
            &Cancel::never(),
        )
        .unwrap();
        let names: Vec<String> = billing
            .iter()
            .map(|(path, _)| {
                path.strip_prefix(folder.path())
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(names, ["a-10.csv", "a-2.csv", "b-2.csv", "sub/deep/c.xlsx"]);
        // A bare `*` takes input files and folders, never notes or the file itself.
        let payouts = given(
            &[InputSpec {
                path: settings.payouts[0].path.clone(),
                written: Some(settings.payouts[0].clone()),
            }],
            Take::Tables,
            &Cancel::never(),
        )
        .unwrap();
        let names: Vec<String> = payouts
            .iter()
            .map(|(path, _)| path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a-10.csv", "a-2.csv", "b-2.csv", "sub"]);
        // Billing takes every file, told by its bytes — but never the configuration file.
        std::fs::write(&file, "billing = \"*\"\n").unwrap();
        let settings = parse(&file, "billing = \"*\"\n").unwrap();
        let written = settings.billing[0].clone();
        let billing = given(
            &[InputSpec {
                path: written.path.clone(),
                written: Some(written),
            }],
            Take::EveryFile,
            &Cancel::never(),
        )
        .unwrap();
        let names: Vec<String> = billing
            .iter()
            .map(|(path, _)| path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            ["a-10.csv", "a-2.csv", "b-2.csv", "notes.txt", "sub"]
        );
        let settings = parse(&file, "billing = \"*.ods\"\n").unwrap();
        let written = settings.billing[0].clone();
        let message = given(
            &[InputSpec {
                path: written.path.clone(),
                written: Some(written),
            }],
            Take::EveryFile,
            &Cancel::never(),
        )
        .unwrap_err()
        .to_string();
        assert!(message.contains("matches no .csv"), "{message}");
        assert!(
            message.contains("audit.toml:1: billing: expected a path or glob"),
            "{message}"
        );
    }

    #[test]
    fn a_signal_stops_a_pattern_before_its_matches_are_taken() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(folder.path().join("sub")).unwrap();
        std::fs::write(folder.path().join("sub/a.csv"), "x").unwrap();
        let settings = parse(
            &folder.path().join("audit.toml"),
            "billing = \"**/*.csv\"\n",
        )
        .unwrap();
        let written = settings.billing[0].clone();
        let specs = [InputSpec {
            path: written.path.clone(),
            written: Some(written),
        }];
        let found = given(&specs, Take::EveryFile, &Cancel::never()).unwrap();
        assert_eq!(found.len(), 1);
        let stopped = Cancel::never();
        stopped.set_for_test();
        let error = given(&specs, Take::EveryFile, &stopped).unwrap_err();
        assert!(matches!(error, DiscoverError::Interrupted(_)), "{error}");
        // The contract workbook's pattern too.
        let settings = parse(
            &folder.path().join("audit.toml"),
            "contracts = \"**/*.csv\"\n",
        )
        .unwrap();
        let written = settings.contracts.clone().expect("a contracts path");
        let spec = InputSpec {
            path: written.path.clone(),
            written: Some(written),
        };
        assert!(contracts(&spec, &Cancel::never()).is_ok());
        let error = contracts(&spec, &stopped).unwrap_err();
        assert!(matches!(error, DiscoverError::Interrupted(_)), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_walk_keeps_odd_entries_walks_no_loop_and_takes_each_file_once() {
        use std::os::unix::fs::symlink;
        let folder = tempfile::tempdir().unwrap();
        let root = folder.path().join("bills");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("a.csv"), "x").unwrap();
        symlink(".", root.join("again")).unwrap();
        symlink("..", root.join("sub/back")).unwrap();
        symlink(root.join("a.csv"), root.join("b.csv")).unwrap();
        symlink("/dev/null", root.join("null.csv")).unwrap();
        symlink(folder.path(), root.join("up")).unwrap();
        let spec = InputSpec {
            path: root.clone(),
            written: None,
        };
        let found = files(
            "--billing",
            &[spec],
            &folder.path().join("out"),
            Take::EveryFile,
            &Cancel::never(),
        )
        .unwrap();
        let names: Vec<String> = found
            .iter()
            .map(|path| path.strip_prefix(&root).unwrap().display().to_string())
            .collect();
        // `b.csv` is `a.csv`; `again` and `sub/back` are loops; `up` leaves the folder and
        // `null.csv` is a device: both kept, for the reader to refuse as findings.
        assert_eq!(names, ["a.csv", "null.csv", "up"]);
    }
}
