//! Fuzz target `value_parsers`: every parser of `ingest::value` (money, dates with every
//! `DateOrder`, months, period starts, period references, rates, portions, whole numbers)
//! on the bytes as text and as numbers, plus the money helpers.
//! The body is `rebate_audit_fuzz::value_parsers` (fuzz/src/lib.rs), which
//! tests/it/fuzz_regressions.rs also runs on stable.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // Every panic aborts, even one the reader would catch (see KNOWN_UPSTREAM_PANICS).
    rebate_audit_fuzz::install_panic_hook(true);
    rebate_audit_fuzz::value_parsers(data);
});
