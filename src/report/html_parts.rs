//! What both HTML reports (`summary.html`, `report.html`) share: escaping, the table
//! styles and a table of text.

use super::table::Table;
use std::fmt::Write;

/// Escapes text for HTML element content and attribute values (always double-quoted).
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    escape_to(&mut escaped, text);
    escaped
}

/// [`escape`] written onto `out`: plain runs are copied whole, so a trail's thousands of
/// cells cost no allocation each. The text is scanned byte by byte: the five characters
/// to replace are ASCII, and only a character outside ASCII is decoded, to show a
/// bidirectional control (report.html escapes over a hundred megabytes of trail text at
/// 4,000 contracts; decoding and testing every character was most of the time).
pub fn escape_to(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut plain = 0;
    let mut at = 0;
    while at < bytes.len() {
        let replacement = match bytes[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            0x80.. => {
                // `at` starts a character: every byte before it was ASCII or a whole one.
                let character = text[at..].chars().next().unwrap_or_default();
                let width = character.len_utf8();
                // A right-to-left override would reorder the page around it: shown instead.
                if super::bidi::is_bidi_control(character) {
                    out.push_str(&text[plain..at]);
                    out.push_str(&super::bidi::shown(character));
                    plain = at + width;
                }
                at += width;
                continue;
            }
            _ => {
                at += 1;
                continue;
            }
        };
        out.push_str(&text[plain..at]);
        out.push_str(replacement);
        at += 1;
        plain = at;
    }
    out.push_str(&text[plain..]);
}

/// The styles both HTML reports use. The font stack names the usual Chinese system fonts
/// (macOS, Windows, Noto/Source Han on Linux, WenQuanYi) after the system font, so Chinese
/// names print wherever any of them is installed (docs/REPORTS.md, "Fonts").
pub(super) const BASE_CSS: &str = "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\",sans-serif;margin:2em;max-width:80em}\ntable{border-collapse:collapse;margin:1em 0}\nth,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}\nth{background:#f3f3f3}\ntd.number{text-align:right;white-space:nowrap}\ntd.word{white-space:nowrap}\n";

/// Numbers align right; short single words (ids, dates, types) do not wrap.
fn cell_class(text: &str) -> &'static str {
    let numeric = !text.is_empty()
        && text
            .chars()
            .all(|character| character.is_ascii_digit() || matches!(character, ',' | '.' | '-'))
        && text.chars().any(|character| character.is_ascii_digit());
    if numeric {
        " class=\"number\""
    } else if text.chars().count() <= 28 && !text.contains(' ') {
        " class=\"word\""
    } else {
        ""
    }
}

/// Writes a table of text: a header row, then one row per line, every cell escaped.
pub(super) fn write_table(out: &mut String, table: &Table) {
    out.push_str("<table>\n<tr>");
    for name in &table.header {
        let _ = write!(out, "<th>{}</th>", escape(name));
    }
    out.push_str("</tr>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td{}>{}</td>", cell_class(cell), escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        // Plain runs, several characters to replace, non-ASCII text and a bidi control.
        let mut out = String::from("x");
        escape_to(&mut out, "中文 a&&b \u{202e}c'");
        assert_eq!(out, "x中文 a&amp;&amp;b {U+202E}c&#39;");
        // Every bidirectional control, beside other characters of two, three and four
        // bytes, at the start and the end.
        let mut out = String::new();
        escape_to(
            &mut out,
            "\u{061c}é\u{200e}\u{200f}中\u{202a}\u{202b}\u{202c}\u{202d}<\u{2066}\u{2067}\u{2068}😀\u{2069}",
        );
        assert_eq!(
            out,
            "{U+061C}é{U+200E}{U+200F}中{U+202A}{U+202B}{U+202C}{U+202D}&lt;{U+2066}{U+2067}{U+2068}😀{U+2069}"
        );
        // The same text as a character-by-character escape gives, over many texts.
        for seed in 0..2000u32 {
            let text: String = (0..(seed % 17))
                .map(|at| {
                    let pick = (seed.wrapping_mul(2_654_435_761) >> (at % 24)) % 12;
                    [
                        'a', '&', '<', '>', '"', '\'', '中', '\u{202e}', '\u{061c}', 'é', '😀', ' ',
                    ][pick as usize]
                })
                .collect();
            let mut fast = String::new();
            escape_to(&mut fast, &text);
            let slow: String = text
                .chars()
                .map(|character| match character {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#39;".to_string(),
                    other if crate::report::bidi::is_bidi_control(other) => {
                        crate::report::bidi::shown(other)
                    }
                    other => other.to_string(),
                })
                .collect();
            assert_eq!(fast, slow, "{text:?}");
        }
    }
}
