//! Finding the SQL engines for the engine tests (`tests/it/engines/mod.rs`): DuckDB, Apache
//! Spark in local mode and DataFusion, each through its Python package. One file for two
//! readers, as `browser.rs`: `build.rs` includes it to decide at build time whether each
//! engine's tests run or are reported as ignored with the reason, and the tests include it
//! to find the same Python. Standard library only.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The Python interpreter to run the engines with; default `python3` on `PATH`.
pub const PYTHON_VARIABLE: &str = "REBATE_AUDIT_PYTHON";

/// `1`: a missing engine fails its tests instead of ignoring them (`.ci/run` sets it);
/// `0`: never. Unset, `CI=true` counts as `1`, so a CI job cannot skip them silently.
pub const REQUIRE_VARIABLE: &str = "REBATE_AUDIT_REQUIRE_ENGINES";

/// One engine the tests run the shipped SQL on.
#[derive(Debug, Clone, Copy)]
pub struct Engine {
    /// The name `tests/engines/aggregate.py` takes, and the cfg's suffix (`engine_duckdb`).
    pub name: &'static str,
    /// The Python package to import.
    pub module: &'static str,
    /// Whether it needs a Java runtime (Spark).
    pub needs_java: bool,
}

/// The engines, in the order the tests name them.
pub const ENGINES: [Engine; 3] = [
    Engine {
        name: "duckdb",
        module: "duckdb",
        needs_java: false,
    },
    Engine {
        name: "spark",
        module: "pyspark",
        needs_java: true,
    },
    Engine {
        name: "datafusion",
        module: "datafusion",
        needs_java: false,
    },
];

/// What an engine test says when it must run and finds no engine.
pub const INSTALL: &str = "The shipped SQL is tested on DuckDB, Apache Spark (local mode, \
needs Java 17 or newer) and DataFusion through their Python packages: `python3 -m pip install \
duckdb pyspark datafusion pyarrow` (.ci/run does this, at the versions it pins), or set \
REBATE_AUDIT_PYTHON to an interpreter that has them. Without one its tests are ignored, \
unless REBATE_AUDIT_REQUIRE_ENGINES=1 or CI=true (docs/ENGINES.md, \"Tests\").";

/// The Python interpreter for this process's environment.
pub fn python() -> String {
    std::env::var(PYTHON_VARIABLE)
        .ok()
        .filter(|python| !python.is_empty())
        .unwrap_or_else(|| "python3".to_string())
}

/// `None` when `engine` can run here, else why not, in one line (the ignore reason says
/// the same: "duckdb python package not found: pip install duckdb").
pub fn missing(python: &str, engine: &Engine) -> Option<String> {
    let probe = format!(
        "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('{}') and importlib.util.find_spec('pyarrow') else 1)",
        engine.module
    );
    let found = Command::new(python)
        .args(["-c", &probe])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match found {
        Err(error) => return Some(format!("cannot run {python}: {error}")),
        Ok(status) if !status.success() => {
            return Some(format!(
                "{} (and pyarrow) python package not found for {python}: pip install {} pyarrow",
                engine.module, engine.module
            ));
        }
        Ok(_) => {}
    }
    if engine.needs_java && java().is_none() {
        return Some("no java on PATH or in JAVA_HOME (Spark needs Java 17 or newer)".into());
    }
    None
}

/// The Java runtime Spark would start: `$JAVA_HOME/bin/java`, else `java` on `PATH`.
pub fn java() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("JAVA_HOME") {
        let java = Path::new(&home).join("bin").join("java");
        if java.is_file() {
            return Some(java);
        }
    }
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|directory| directory.join("java"))
            .find(|candidate| candidate.is_file())
    })
}

/// Whether a missing engine is a failure, from `REBATE_AUDIT_REQUIRE_ENGINES` and `CI`.
pub fn required(require: Option<&str>, ci: Option<&str>) -> bool {
    match require {
        Some("1") => true,
        Some("0") => false,
        _ => ci == Some("true"),
    }
}

/// Whether this process's environment requires the engines.
pub fn required_by_environment() -> bool {
    required(
        std::env::var(REQUIRE_VARIABLE).ok().as_deref(),
        std::env::var("CI").ok().as_deref(),
    )
}

/// Where a Python package installed later appears (the interpreter's site-packages
/// folders that exist), so the build probes again after `pip install`.
pub fn package_directories(python: &str) -> Vec<PathBuf> {
    let listing = Command::new(python)
        .args([
            "-c",
            "import site, sys; print('\\n'.join(site.getsitepackages() + [site.getusersitepackages()]))",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    let Ok(listing) = listing else {
        return Vec::new();
    };
    let mut directories: Vec<PathBuf> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .map(PathBuf::from)
        .filter(|directory| directory.is_absolute() && directory.is_dir())
        .collect();
    directories.sort();
    directories.dedup();
    directories
}

#[cfg(test)]
mod tests {
    use super::{ENGINES, missing, required};

    #[test]
    fn a_missing_interpreter_or_package_is_named() {
        let reason = missing("/nonexistent/python3", &ENGINES[0]).unwrap();
        assert!(
            reason.starts_with("cannot run /nonexistent/python3"),
            "{reason}"
        );
        // `false` runs and exits 1: the package is "not found", with the install line.
        let reason = missing("false", &ENGINES[0]).unwrap();
        assert!(
            reason.contains("duckdb (and pyarrow) python package not found")
                && reason.contains("pip install duckdb pyarrow"),
            "{reason}"
        );
    }

    #[test]
    fn ci_requires_the_engines_unless_told_otherwise() {
        assert!(required(Some("1"), None));
        assert!(!required(Some("0"), Some("true")));
        assert!(required(None, Some("true")));
        assert!(!required(None, None));
        assert!(!required(Some("yes"), Some("false")));
    }
}
