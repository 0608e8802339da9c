//! Digests as the reports print them: lower-case hex. Every input file and every ruleset
//! is named by the SHA-256 of its exact bytes (docs/USAGE.md, chains of custody).

use sha2::{Digest, Sha256};
use std::fmt::Write;

/// `digest` as lower-case hex, two digits a byte.
pub fn hex(digest: &[u8]) -> String {
    digest
        .iter()
        .fold(String::with_capacity(64), |mut text, byte| {
            let _ = write!(text, "{byte:02x}");
            text
        })
}

/// The SHA-256 of `bytes`, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_print_as_lower_case_hex() {
        assert_eq!(hex(&[0x00, 0x0f, 0xab]), "000fab");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
