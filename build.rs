//! Decides whether the `report.html` browser tests (`tests/it/html.rs`) run. libtest can
//! only ignore a test by an attribute fixed at compile time, so the probe runs here: with
//! a headless browser found (`tests/it/browser.rs`), or one required
//! (`REBATE_AUDIT_REQUIRE_BROWSER=1`, or `CI=true`), it sets `cfg(browser)` and the tests
//! run; without, libtest lists them as ignored with the reason. Nothing else of the crate
//! reads the cfg.

#[path = "tests/it/browser.rs"]
#[allow(dead_code)]
mod browser;

fn main() {
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
