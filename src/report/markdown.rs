//! Markdown that quotes input safely (research R3). The reports that are Markdown —
//! `summary.md`, `evidence/<contract>.md`, an evidence pack's `trail.md` and what
//! `rebate-audit explain` prints — put text read from the inputs (contract ids, customer
//! and agent names, account, payout and invoice ids, products, file paths, cells quoted in a
//! finding's sentence) beside their own headings, tables and sentences. [`escape`] is the one
//! function every such piece of text goes through, so that it renders as the characters it
//! holds and as nothing else: no HTML, no link or image, no emphasis or code, no new
//! table cell, block or line. Text we write ourselves is left alone, so it stays readable
//! both rendered and as plain text in a terminal.

/// `text` made inert for any place inside a line of Markdown (a table cell, a list item,
/// a sentence, a heading), read as CommonMark/GFM and by older renderers alike:
///
/// - `<`, `>` become `&lt;`, `&gt;` (no raw HTML, autolink or block quote), and `&` becomes
///   `&amp;` where it could start an entity (before a letter, digit or `#`; `R&D`, not
///   `A & B`);
/// - `[`, `]` (links, images, footnotes), `` ` `` (code), `*`, `~` (emphasis,
///   strikethrough), `$` (math), `|` (table cells) get a backslash, and so does `_` unless it
///   sits between two letters or digits (`aliyun_bill_2024.csv` keeps its underscores:
///   they cannot emphasise there);
/// - `\` is doubled where it would escape what follows (before ASCII punctuation or at
///   the end), so a backslash in the input never undoes one of ours; elsewhere it stays
///   (`C:\data\bill.csv`);
/// - what would start a block at the beginning of a line — `#` headings, `-`, `+` and
///   `=` list items, rules or underlines, `1.` and `1)` list items — is escaped at the
///   start of the text;
/// - line breaks (CR, LF, U+2028, U+2029) and tabs become spaces, so the text stays on
///   its line and in its cell; other control characters (which could drive a terminal
///   reading `explain`) become their visible Unicode pictures (`␛` for ESC) or spaces;
///   leading and trailing white space is dropped (a renderer would not show it, and four
///   leading spaces would start a code block);
/// - bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) are
///   written as `{U+202E}` ([`super::bidi`]), so no renderer reorders the text;
/// - nothing can become an autolink: the `:` of `://` becomes `&#58;` (`https&#58;//x`),
///   the `.` of a `www.` starting a word becomes `&#46;`, the `@` of an e-mail address
///   (`user@example.com`) becomes `&#64;` and the `:` of `mailto:` and `xmpp:` becomes
///   `&#58;`, which render as the same characters but no longer match GFM's extended
///   autolinks (`<…>` and `[x](y)` are already broken by the escapes above).
///
/// The raw text stays in `findings.json` and the CSVs; this is only how Markdown shows it.
pub fn escape(text: &str) -> String {
    escaped(text).into_owned()
}

/// [`escape`], borrowing a text that needs nothing escaped (nearly every id, name and
/// number): the evidence files write tens of thousands of them.
pub fn escaped(text: &str) -> std::borrow::Cow<'_, str> {
    if is_plain(text) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(escape_characters(text))
}

/// [`escape`], character by character.
fn escape_characters(text: &str) -> String {
    let characters: Vec<char> = text.chars().map(visible).collect();
    let first = characters
        .iter()
        .position(|character| !character.is_whitespace())
        .unwrap_or(characters.len());
    let last = characters
        .iter()
        .rposition(|character| !character.is_whitespace())
        .map_or(first, |index| index + 1);
    let characters = &characters[first..last];
    let at_start = block_marker(characters);
    let mut out = String::with_capacity(text.len() + 8);
    for (index, &character) in characters.iter().enumerate() {
        let previous = index.checked_sub(1).map(|before| characters[before]);
        let next = characters.get(index + 1).copied();
        match character {
            _ if super::bidi::is_bidi_control(character) => {
                out.push_str(&super::bidi::shown(character));
            }
            ':' if characters[index + 1..].starts_with(&['/', '/']) => out.push_str("&#58;"),
            '.' if starts_www(&characters[..index]) => out.push_str("&#46;"),
            '@' if previous.is_some_and(|previous| {
                previous.is_ascii_alphanumeric() || matches!(previous, '.' | '-' | '_' | '+')
            }) && next
                .is_some_and(|next| next.is_ascii_alphanumeric() || matches!(next, '-' | '_')) =>
            {
                out.push_str("&#64;");
            }
            ':' if ends_word(&characters[..index], "mailto")
                || ends_word(&characters[..index], "xmpp") =>
            {
                out.push_str("&#58;");
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' if next.is_some_and(|next| next.is_ascii_alphanumeric() || next == '#') => {
                out.push_str("&amp;");
            }
            '\\' if next.is_none_or(|next| next.is_ascii_punctuation()) => out.push_str("\\\\"),
            '[' | ']' | '`' | '*' | '~' | '$' | '|' => {
                out.push('\\');
                out.push(character);
            }
            '_' if !(previous.is_some_and(char::is_alphanumeric)
                && next.is_some_and(char::is_alphanumeric)) =>
            {
                out.push_str("\\_");
            }
            _ if at_start == Some(index) => {
                out.push('\\');
                out.push(character);
            }
            _ => out.push(character),
        }
    }
    out
}

/// Whether `before` ends in a word `www` (any case) that a `.` would make a GFM `www.`
/// autolink of.
fn starts_www(before: &[char]) -> bool {
    let Some(start) = before.len().checked_sub(3) else {
        return false;
    };
    before[start..]
        .iter()
        .all(|character| character.eq_ignore_ascii_case(&'w'))
        && start
            .checked_sub(1)
            .is_none_or(|previous| !before[previous].is_alphanumeric())
}

/// Whether `before` ends in the word `word` (any case): `mailto` before its `:`.
fn ends_word(before: &[char], word: &str) -> bool {
    let length = word.chars().count();
    let Some(start) = before.len().checked_sub(length) else {
        return false;
    };
    before[start..]
        .iter()
        .zip(word.chars())
        .all(|(character, letter)| character.eq_ignore_ascii_case(&letter))
        && start
            .checked_sub(1)
            .is_none_or(|previous| !before[previous].is_alphanumeric())
}

/// Whether `text` reads the same escaped: printable ASCII without any character
/// [`escape`] rewrites, not starting with one that could open a block (`#`, `-`, `+`, `=`,
/// a digit) and without white space at either end. Most ids, paths and product names are;
/// they are copied as they are, without the character-by-character pass.
fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return true;
    };
    let lower = text.to_ascii_lowercase();
    if lower.contains("://")
        || lower.contains("www.")
        || lower.contains("mailto:")
        || lower.contains("xmpp:")
    {
        return false;
    }
    !(first.is_ascii_whitespace()
        || last.is_ascii_whitespace()
        || matches!(first, b'#' | b'-' | b'+' | b'=' | b'0'..=b'9'))
        && bytes.iter().all(|&byte| {
            (b' '..=b'~').contains(&byte)
                && !matches!(
                    byte,
                    b'<' | b'>'
                        | b'&'
                        | b'\\'
                        | b'['
                        | b']'
                        | b'`'
                        | b'*'
                        | b'~'
                        | b'$'
                        | b'|'
                        | b'_'
                        | b'@'
                )
        })
}

/// A character as it may appear on one line: line breaks and tabs as spaces, other
/// control characters as their Unicode control pictures (C0 and DEL) or spaces (C1).
fn visible(character: char) -> char {
    match character {
        '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => ' ',
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + u32::from(character)).unwrap_or(' '),
        '\u{7f}' => '\u{2421}',
        _ if character.is_control() => ' ',
        _ => character,
    }
}

/// Where a character at the start of a line would make a block of the line: the index of
/// the character to escape, if any. `characters` has no leading white space.
fn block_marker(characters: &[char]) -> Option<usize> {
    let first = *characters.first()?;
    let next = characters.get(1).copied();
    let ends_marker = |character: Option<char>| character.is_none_or(char::is_whitespace);
    match first {
        // `# Heading` … `###### Heading`; `#1` is text.
        '#' => {
            let hashes = characters.iter().take_while(|&&c| c == '#').count();
            (hashes <= 6 && ends_marker(characters.get(hashes).copied())).then_some(0)
        }
        // `- item`, `+ item`, `---`, `===`, `- - -`; `-2+3` is text.
        '-' | '+' | '=' if ends_marker(next) || next == Some(first) => Some(0),
        // `1. item`, `12) item`; `2025.01` is text.
        '0'..='9' => {
            let digits = characters.iter().take_while(|c| c.is_ascii_digit()).count();
            let after = characters.get(digits).copied();
            (digits <= 9
                && matches!(after, Some('.' | ')'))
                && ends_marker(characters.get(digits + 1).copied()))
            .then_some(digits)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn html_becomes_entities() {
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            escape("\"><img src=x onerror=alert(1)>"),
            "\"&gt;&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(escape("<!-- x -->"), "&lt;!-- x --&gt;");
        assert_eq!(
            escape("<http://evil.example>"),
            "&lt;http&#58;//evil.example&gt;"
        );
        // An entity in the input shows as typed, never as the character it names.
        assert_eq!(
            escape("&lt;b&gt; &#60; R&D"),
            "&amp;lt;b&amp;gt; &amp;#60; R&amp;D"
        );
        assert_eq!(escape("A & B"), "A & B");
    }

    #[test]
    fn links_images_code_and_emphasis_are_literal() {
        assert_eq!(
            escape("![x](http://evil.example/x.png)"),
            "!\\[x\\](http&#58;//evil.example/x.png)"
        );
        assert_eq!(
            escape("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
        assert_eq!(escape("[x]: http://evil"), "\\[x\\]: http&#58;//evil");
        assert_eq!(escape("`code`"), "\\`code\\`");
        assert_eq!(escape("**bold** *em*"), "\\*\\*bold\\*\\* \\*em\\*");
        assert_eq!(escape("_em_ __strong__"), "\\_em\\_ \\_\\_strong\\_\\_");
        assert_eq!(escape("~~gone~~ $x$"), "\\~\\~gone\\~\\~ \\$x\\$");
        // Underscores inside a word cannot emphasise, and stay readable.
        assert_eq!(
            escape("samples/aliyun_bill_2024.csv"),
            "samples/aliyun_bill_2024.csv"
        );
        assert_eq!(escape("合同_一"), "合同_一");
        assert_eq!(escape("a_ b"), "a\\_ b");
    }

    #[test]
    fn a_table_cell_stays_one_cell_on_one_line() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("a\n# b\r\n| c |"), "a # b  \\| c \\|");
        assert_eq!(escape("a\u{2028}b\tc"), "a b c");
        assert_eq!(escape("  padded \n"), "padded");
    }

    #[test]
    fn backslashes_never_undo_an_escape() {
        assert_eq!(escape("\\|"), "\\\\\\|");
        assert_eq!(escape("\\<b>"), "\\\\&lt;b&gt;");
        assert_eq!(escape("ends\\"), "ends\\\\");
        assert_eq!(escape("C:\\data\\bill.csv"), "C:\\data\\bill.csv");
    }

    #[test]
    fn a_block_marker_at_the_start_is_escaped_and_only_there() {
        assert_eq!(escape("# Heading"), "\\# Heading");
        assert_eq!(escape("###"), "\\###");
        assert_eq!(escape("#1 and # 2"), "#1 and # 2");
        assert_eq!(escape("- item"), "\\- item");
        assert_eq!(escape("+ item"), "\\+ item");
        assert_eq!(escape("---"), "\\---");
        assert_eq!(escape("==="), "\\===");
        assert_eq!(escape("1. item"), "1\\. item");
        assert_eq!(escape("12) item"), "12\\) item");
        assert_eq!(escape("> quote"), "&gt; quote");
        // Not blocks: left as they are.
        assert_eq!(escape("-2+3"), "-2+3");
        assert_eq!(escape("-1,234.00"), "-1,234.00");
        assert_eq!(escape("=1+1"), "=1+1");
        assert_eq!(escape("2025.01"), "2025.01");
        assert_eq!(escape("a - b"), "a - b");
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(escape("a\u{1b}[31mred"), "a\u{241b}\\[31mred");
        assert_eq!(escape("a\u{0}b\u{7f}c\u{9b}d"), "a\u{2400}b\u{2421}c d");
    }

    #[test]
    fn bidi_controls_and_bare_urls_render_as_text() {
        for (text, shown) in [
            ("TX-1\u{202e}001", "TX-1{U+202E}001"),
            ("\u{2066}ECS\u{2069}\u{200f}", "{U+2066}ECS{U+2069}{U+200F}"),
            (
                "see https://evil.example/x",
                "see https&#58;//evil.example/x",
            ),
            ("WWW.evil.example", "WWW&#46;evil.example"),
            ("ftp://a and www.b", "ftp&#58;//a and www&#46;b"),
        ] {
            assert_eq!(escape(text), shown, "{text:?}");
        }
        // Not autolinks: left alone.
        assert_eq!(escape("awww.x C:/data"), "awww.x C:/data");
    }

    #[test]
    fn e_mail_addresses_never_become_links() {
        for (text, shown) in [
            ("user@example.com", "user&#64;example.com"),
            ("<user@example.com>", "&lt;user&#64;example.com&gt;"),
            ("mailto:user@example.com", "mailto&#58;user&#64;example.com"),
            ("MAILTO:a.b+c@x-y.cn", "MAILTO&#58;a.b+c&#64;x-y.cn"),
            (
                "xmpp:me@chat.example/home",
                "xmpp&#58;me&#64;chat.example/home",
            ),
            (
                "pay to ops_team@corp.example.",
                "pay to ops_team&#64;corp.example.",
            ),
        ] {
            assert_eq!(escape(text), shown, "{text:?}");
        }
        // An `@` no address can hold, and a `mailto` inside a word: left alone.
        assert_eq!(escape("a @ b"), "a @ b");
        assert_eq!(escape("@home"), "@home");
        assert_eq!(escape("notmailto:x"), "notmailto:x");
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        for text in [
            "ALI-2024-001",
            "杭州西溪智造科技有限公司",
            "samples/billing/aliyun/aliyun-bill-2024.csv:219",
            "Acme Ltd (Shanghai)",
            "RB-0043",
            "12,000.00",
            "-185.18",
            "2026-04-01 to 2026-04-30",
            "Installment 1 of contract C1 expected 2,000.00 (due 2025-03-02).",
            "mis_invoiced",
        ] {
            assert_eq!(escape(text), text);
        }
    }
    #[test]
    fn plain_text_is_copied_exactly_as_the_full_pass_would_write_it() {
        let mut samples: Vec<String> = [
            "C-2024-001",
            "bill-00.csv:Sheet1",
            "target/bench-data/generic/billing/bill-00.csv",
            "ecs",
            "a b",
            "",
            "x",
            "2025-01",
            "-2+3",
            "#1",
            " padded",
            "tail ",
            "a_b",
            "_a",
            "a&b",
            "1. item",
        ]
        .iter()
        .map(|text| text.to_string())
        .collect();
        // Every printable ASCII character at the start, middle and end of a word.
        for byte in b' '..=b'~' {
            let character = char::from(byte);
            samples.push(format!("{character}ab"));
            samples.push(format!("a{character}b"));
            samples.push(format!("ab{character}"));
        }
        for text in &samples {
            if super::is_plain(text) {
                assert_eq!(escape(text), super::escape_characters(text), "{text:?}");
                assert_eq!(&escape(text), text, "{text:?}");
            }
        }
        assert!(super::is_plain("C-2024-001") && !super::is_plain("a_b") && !super::is_plain("-x"));
    }
}
