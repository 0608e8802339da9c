//! Fuzz target `spreadsheet_raw`: the raw bytes read as `.xlsx`, `.xlsb`, `.xls` and `.ods`
//! through `table::read_file` (zip checks, then calamine).
//! The body is `rebate_audit_fuzz::spreadsheet_raw` (fuzz/src/lib.rs), which
//! tests/it/fuzz_regressions.rs also runs on stable.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // Every panic aborts, even one the reader would catch (see KNOWN_UPSTREAM_PANICS).
    rebate_audit_fuzz::install_panic_hook(true);
    rebate_audit_fuzz::spreadsheet_raw(data);
});
