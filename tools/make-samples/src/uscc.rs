//! Unified social credit codes (GB 32100-2015) with valid check characters.

pub(crate) const USCC_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
pub(crate) const USCC_W: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// `head` = registration authority + type + 6-digit region (8 chars), `org8` = the first
/// eight characters of the organisation code; both check characters are computed.
pub(crate) fn uscc(head: &str, org8: &str) -> String {
    const ORG_W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let org_sum: u32 = org8
        .chars()
        .zip(ORG_W)
        .map(|(c, w)| c.to_digit(36).expect("org char") * w)
        .sum();
    let org_check = match 11 - org_sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10).expect("digit"),
    };
    let body = format!("{head}{org8}{org_check}");
    assert_eq!(body.len(), 17);
    let sum: u32 = body
        .chars()
        .zip(USCC_W)
        .map(|(c, w)| USCC_CHARS.find(c).expect("uscc char") as u32 * w)
        .sum();
    let check = (31 - sum % 31) % 31;
    format!("{body}{}", USCC_CHARS.as_bytes()[check as usize] as char)
}
