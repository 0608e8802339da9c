//! Finding a headless browser for the `report.html` tests (`tests/it/html.rs`). One file
//! for two readers: `build.rs` includes it to decide at build time whether those tests run
//! or are reported as ignored (libtest cannot ignore a test once it has started), and the
//! tests include it to find the same browser when they run. Standard library only.

use std::path::{Path, PathBuf};

/// A path (or a name looked up on `PATH`) of the browser to use, ahead of the usual names.
pub const BROWSER_VARIABLE: &str = "REBATE_AUDIT_BROWSER";

/// `1`: a missing browser fails the browser tests instead of ignoring them (`.ci/run` sets
/// it); `0`: never. Unset, `CI=true` counts as `1`, so a CI job cannot skip them silently.
pub const REQUIRE_VARIABLE: &str = "REBATE_AUDIT_REQUIRE_BROWSER";

/// The names looked up on `PATH`, in this order: Debian's, Ubuntu's and Fedora's Chromium,
/// then Google Chrome.
pub const NAMES: [&str; 5] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

/// What a browser test says when it must run and finds no browser.
pub const INSTALL: &str = "report.html is checked in headless Chromium or Chrome. Install \
one (Debian/Ubuntu: `apt-get install -y --no-install-recommends chromium`; .ci/run does \
this) or set REBATE_AUDIT_BROWSER to its path. Without one these tests are ignored, unless \
REBATE_AUDIT_REQUIRE_BROWSER=1 or CI=true (docs/USAGE.md, \"The test suite\").";

/// The browser to run: `REBATE_AUDIT_BROWSER` when set (a path, or a name on `PATH`),
/// else the first of [`NAMES`] on `PATH`. `Err` says what was looked for.
pub fn find(browser: Option<&str>, path: Option<&std::ffi::OsStr>) -> Result<PathBuf, String> {
    let directories: Vec<PathBuf> = path
        .map(std::env::split_paths)
        .into_iter()
        .flatten()
        .collect();
    let on_path = |name: &str| {
        directories
            .iter()
            .map(|directory| directory.join(name))
            .find(|candidate| candidate.is_file())
    };
    if let Some(browser) = browser.filter(|browser| !browser.is_empty()) {
        let found = if browser.contains('/') {
            Some(PathBuf::from(browser)).filter(|path| path.is_file())
        } else {
            on_path(browser)
        };
        return found.ok_or_else(|| format!("{BROWSER_VARIABLE}={browser} is not a file"));
    }
    NAMES
        .iter()
        .find_map(|name| on_path(name))
        .ok_or_else(|| "none of chromium, chromium-browser, google-chrome, google-chrome-stable, chrome is on PATH".to_string())
}

/// Whether a missing browser is a failure, from `REBATE_AUDIT_REQUIRE_BROWSER` and `CI`.
pub fn required(require: Option<&str>, ci: Option<&str>) -> bool {
    match require {
        Some("1") => true,
        Some("0") => false,
        _ => ci == Some("true"),
    }
}

/// The browser for this process's environment.
pub fn from_environment() -> Result<PathBuf, String> {
    find(
        std::env::var(BROWSER_VARIABLE).ok().as_deref(),
        std::env::var_os("PATH").as_deref(),
    )
}

/// Whether this process's environment requires the browser.
pub fn required_by_environment() -> bool {
    required(
        std::env::var(REQUIRE_VARIABLE).ok().as_deref(),
        std::env::var("CI").ok().as_deref(),
    )
}

/// The `bin` directories of `PATH` that exist (`/usr/bin`, `/snap/bin`, `~/.cargo/bin`…):
/// where an installed browser appears. Only those, because Cargo scans a watched directory
/// whole at every build, and a `PATH` may hold a home or project folder.
pub fn bin_directories() -> Vec<PathBuf> {
    let mut directories: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|directory| {
            directory.is_absolute()
                && directory
                    .file_name()
                    .is_some_and(|name| name.to_string_lossy().ends_with("bin"))
                && Path::new(directory).is_dir()
        })
        .collect();
    directories.sort();
    directories.dedup();
    directories
}

// ---------------------------------------------------------------------------------------
// Running it (the tests only: `build.rs` compiles this file without `cfg(test)`)
// ---------------------------------------------------------------------------------------

#[cfg(test)]
pub use run::{browser, chromium, chromium_with};

#[cfg(test)]
mod run {
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    /// The headless browser, or a failure saying how to install one: `cfg(browser)` is set
    /// when the build found one or a browser is required.
    pub fn browser() -> PathBuf {
        super::from_environment().unwrap_or_else(|missing| {
            panic!("no headless browser found ({missing}). {}", super::INSTALL)
        })
    }

    /// The browser's command, sandbox-safe and leaving nothing behind: `--no-sandbox` because
    /// Chromium's sandbox cannot start as root or in a container without user namespaces, and
    /// the pages it loads are the reports this suite just wrote; a profile (`--user-data-dir`),
    /// configuration and cache (`XDG_CONFIG_HOME`, `XDG_CACHE_HOME`, where it writes its crash
    /// reports and dconf cache whatever the profile) in `scratch`, which the caller deletes.
    fn browser_command(browser: &Path, scratch: &Path) -> Command {
        let mut command = Command::new(browser);
        command
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-extensions",
                "--disable-breakpad",
                "--no-first-run",
                "--no-default-browser-check",
            ])
            .arg(format!(
                "--user-data-dir={}",
                scratch.join("profile").display()
            ))
            .env("XDG_CONFIG_HOME", scratch.join("config"))
            .env("XDG_CACHE_HOME", scratch.join("cache"))
            .env("XDG_DATA_HOME", scratch.join("data"));
        command
    }

    /// Runs the headless browser on `report.html` (with `fragment` after `#`, if any) plus
    /// the `action` flags; returns its standard output. Fails after two minutes or on a
    /// non-zero exit.
    pub fn chromium(browser: &Path, report: &Path, fragment: &str, action: &[String]) -> String {
        chromium_with(browser, report, fragment, action, |_| {})
    }

    /// [`chromium`], with `adjust` applied to the command before it starts.
    pub fn chromium_with(
        browser: &Path,
        report: &Path,
        fragment: &str,
        action: &[String],
        adjust: impl FnOnce(&mut Command),
    ) -> String {
        let scratch = tempfile::tempdir().unwrap();
        let stdout = scratch.path().join("stdout");
        let stderr = scratch.path().join("stderr");
        let mut address = format!("file://{}", report.display()).replace(' ', "%20");
        if !fragment.is_empty() {
            address = format!("{address}#{fragment}");
        }
        let mut command = browser_command(browser, scratch.path());
        adjust(&mut command);
        let mut child = command
            .args(action)
            .arg(&address)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", browser.display()));
        let deadline = Instant::now() + Duration::from_secs(120);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "the browser did not finish within 2 minutes on {address}; stderr:\n{}",
                    std::fs::read_to_string(&stderr).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(
            status.success(),
            "the browser failed ({status}) on {address}; stderr:\n{}",
            std::fs::read_to_string(&stderr).unwrap_or_default()
        );
        std::fs::read_to_string(&stdout).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::{find, required};

    #[test]
    fn the_browser_is_looked_up_by_its_usual_names_or_the_variable() {
        let bin = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        let path = std::env::join_paths([other.path(), bin.path()]).unwrap();
        assert!(find(None, Some(&path)).is_err(), "an empty PATH has none");
        assert!(find(None, None).is_err());
        for name in ["chrome", "google-chrome", "chromium-browser", "chromium"] {
            std::fs::write(bin.path().join(name), "").unwrap();
            assert_eq!(find(None, Some(&path)).unwrap(), bin.path().join(name));
        }
        // The variable comes first: a path, or a name on PATH; a wrong one is not skipped.
        let custom = other.path().join("my-browser");
        std::fs::write(&custom, "").unwrap();
        let custom_text = custom.to_str().unwrap();
        assert_eq!(find(Some(custom_text), Some(&path)).unwrap(), custom);
        assert_eq!(find(Some("my-browser"), Some(&path)).unwrap(), custom);
        let missing = find(Some("/nowhere/chromium"), Some(&path)).unwrap_err();
        assert!(
            missing.contains("REBATE_AUDIT_BROWSER=/nowhere/chromium"),
            "{missing}"
        );
        // A missing browser fails under CI unless the variable says 0.
        assert!(!required(None, None));
        assert!(required(Some("1"), None));
        assert!(required(None, Some("true")));
        assert!(!required(Some("0"), Some("true")));
        assert!(!required(None, Some("false")));
    }
}
