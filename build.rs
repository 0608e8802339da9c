//! Decides whether the `report.html` browser tests (`tests/it/html.rs`) and the SQL engine
//! tests (`tests/it/engines/`) run. libtest can only ignore a test by an attribute fixed at
//! compile time, so the probes run here: with a headless browser found
//! (`tests/it/browser.rs`), or one required (`REBATE_AUDIT_REQUIRE_BROWSER=1`, or
//! `CI=true`), it sets `cfg(browser)` and the tests run; without, libtest lists them as
//! ignored with the reason. Each engine (`tests/it/engines/probe.rs`) likewise sets
//! `cfg(engine_duckdb)`, `cfg(engine_spark)`, `cfg(engine_datafusion)`. Nothing else of the
//! crate reads these cfgs.

#[path = "tests/it/browser.rs"]
#[allow(dead_code)]
mod browser;

#[path = "tests/it/engines/probe.rs"]
#[allow(dead_code)]
mod engines;

fn main() {
    probe_browser();
    probe_engines();
}

/// `cfg(engine_<name>)` for each engine found or required; a missing engine's
/// site-packages folders are watched, so installing it makes the next build probe again.
fn probe_engines() {
    println!("cargo::rerun-if-changed=tests/it/engines/probe.rs");
    for variable in [
        engines::PYTHON_VARIABLE,
        engines::REQUIRE_VARIABLE,
        "JAVA_HOME",
    ] {
        println!("cargo::rerun-if-env-changed={variable}");
    }
    let python = engines::python();
    let required = engines::required_by_environment();
    let mut watch = false;
    for engine in engines::ENGINES {
        println!("cargo::rustc-check-cfg=cfg(engine_{})", engine.name);
        let found = engines::missing(&python, &engine).is_none();
        watch |= !found;
        if found || required {
            println!("cargo::rustc-cfg=engine_{}", engine.name);
        }
    }
    if watch {
        for directory in engines::package_directories(&python) {
            println!("cargo::rerun-if-changed={}", directory.display());
        }
    }
}

fn probe_browser() {
    println!("cargo::rustc-check-cfg=cfg(browser)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=tests/it/browser.rs");
    for variable in [
        "PATH",
        browser::BROWSER_VARIABLE,
        browser::REQUIRE_VARIABLE,
        "CI",
    ] {
        println!("cargo::rerun-if-env-changed={variable}");
    }
    match browser::from_environment() {
        Ok(found) => {
            // Probe again when it is removed or replaced.
            println!("cargo::rerun-if-changed={}", found.display());
            println!("cargo::rustc-cfg=browser");
        }
        Err(_) => {
            // A browser installed later appears in one of these directories (its
            // modification time changes), so the next build probes again.
            for directory in browser::bin_directories() {
                println!("cargo::rerun-if-changed={}", directory.display());
            }
            if browser::required_by_environment() {
                println!("cargo::rustc-cfg=browser");
            }
        }
    }
}
