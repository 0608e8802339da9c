//! Fuzz target `csv_reader`: the bytes as a CSV file (`.csv`, `.tsv`, and as the member of
//! a `.zip`) through `table::read_file` with a recording visitor, and through the billing
//! reader with and without its CSV fast path, which must agree line for line.
//! The body is `rebate_audit_fuzz::csv_reader` (fuzz/src/lib.rs), which
//! tests/it/fuzz_regressions.rs also runs on stable.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // Every panic aborts, even one the reader would catch (see KNOWN_UPSTREAM_PANICS).
    rebate_audit_fuzz::install_panic_hook(true);
    rebate_audit_fuzz::csv_reader(data);
});
