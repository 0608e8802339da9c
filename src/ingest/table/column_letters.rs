//! Column letters, as a spreadsheet user reads a cell's place.

/// The column letters of a 0-based column (`0` → `A`, `16383` → `XFD`).
pub fn column_name(column: u64) -> String {
    let mut letters = Vec::new();
    let mut rest = column + 1;
    while rest > 0 {
        let digit = (rest - 1) % 26;
        letters.push(b'A' + digit as u8);
        rest = (rest - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}
