//! Fuzz target `spreadsheet_reader` (structure-aware): a valid XLSX container built with the
//! `zip` crate from fuzzer-chosen XML fragments (sheet, shared strings, workbook, styles;
//! see `rebate_audit_fuzz::xlsx_from_fragments`), read through `table::read_file`.
//! The body is `rebate_audit_fuzz::spreadsheet_reader` (fuzz/src/lib.rs), which
//! tests/it/fuzz_regressions.rs also runs on stable.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // Every panic aborts, even one the reader would catch (see KNOWN_UPSTREAM_PANICS).
    rebate_audit_fuzz::install_panic_hook(true);
    rebate_audit_fuzz::spreadsheet_reader(data);
});
