//! Bidirectional control characters from the inputs, shown rather than obeyed (issue 15).
//! A U+202E (right-to-left override) in a product or payout id would make a renderer, a
//! terminal or a spreadsheet show the text after it reversed — `TX-1`, U+202E, `001` reads as another
//! id. Every report writes these characters as their code point in braces, `{U+202E}`:
//! visible, unambiguous, and inert in Markdown, HTML, CSV and Excel alike.

use std::borrow::Cow;

/// Whether `character` changes the display order of the text around it: the embeddings
/// and overrides U+202A–U+202E, the isolates U+2066–U+2069, and the marks U+200E, U+200F
/// and U+061C.
pub fn is_bidi_control(character: char) -> bool {
    matches!(
        character,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
    )
}

/// `character` as report text: `{U+202E}` for a bidirectional control.
pub fn shown(character: char) -> String {
    format!("{{U+{:04X}}}", u32::from(character))
}

/// `text` with every bidirectional control written as `{U+XXXX}`; borrowed when it has
/// none (nearly always).
pub fn visible(text: &str) -> Cow<'_, str> {
    // Every control is outside ASCII; checking for ASCII first is much faster.
    if text.is_ascii() || !text.chars().any(is_bidi_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for character in text.chars() {
        if is_bidi_control(character) {
            out.push_str(&shown(character));
        } else {
            out.push(character);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::visible;

    #[test]
    fn bidi_controls_are_written_as_code_points() {
        for (text, shown) in [
            ("TX-1\u{202e}001", "TX-1{U+202E}001"),
            ("\u{202a}a\u{202c}", "{U+202A}a{U+202C}"),
            ("\u{2066}b\u{2069}", "{U+2066}b{U+2069}"),
            ("c\u{200e}\u{200f}\u{061c}", "c{U+200E}{U+200F}{U+061C}"),
            ("合同 ALI-2024-001", "合同 ALI-2024-001"),
        ] {
            assert_eq!(visible(text), shown, "{text:?}");
        }
    }
}
