//! Fuzz target `contract_loader`: up to four CSV sheets (contracts, tiers, products,
//! schedule, separated by a `====` line) loaded as a contract folder, then the rebate
//! arithmetic on every contract that loads, with ordinary and extreme bases.
//! The body is `rebate_audit_fuzz::contract_loader` (fuzz/src/lib.rs), which
//! tests/it/fuzz_regressions.rs also runs on stable.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // Every panic aborts, even one the reader would catch (see KNOWN_UPSTREAM_PANICS).
    rebate_audit_fuzz::install_panic_hook(true);
    rebate_audit_fuzz::contract_loader(data);
});
