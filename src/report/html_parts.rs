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
/// cells cost no allocation each.
pub fn escape_to(out: &mut String, text: &str) {
    let mut plain = 0;
    for (at, character) in text.char_indices() {
        let replacement = match character {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            // A right-to-left override would reorder the page around it: shown instead.
            other if super::bidi::is_bidi_control(other) => {
                out.push_str(&text[plain..at]);
                out.push_str(&super::bidi::shown(other));
                plain = at + other.len_utf8();
                continue;
            }
            _ => continue,
        };
        out.push_str(&text[plain..at]);
        out.push_str(replacement);
        plain = at + 1;
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
    }
}
