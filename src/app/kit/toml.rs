//! The kit's `audit.toml`: every key `run` accepts (the settings' [`KEYS`] and the
//! `[limits]` table's [`LIMIT_KEYS`]), each with its comment; those the example needs are
//! set, the others shown commented out with a value that parses (the limits with their
//! defaults), so removing a `#` never makes the file invalid.

use crate::app::settings::KEYS;
use crate::domain::lang::Lang;
use crate::ingest::table::{LIMIT_KEYS, LimitKind, Limits, format_size};
use crate::report::i18n::kit::kit;

/// A key's value in the kit, and whether it is set (`true`) or shown commented out.
fn value(key: &str, lang: Lang) -> Option<(bool, String)> {
    Some(match key {
        "contracts" => (true, "\"contracts.xlsx\"".into()),
        "billing" => (true, "[\"billing\"]".into()),
        "payouts" => (true, "\"payouts.xlsx\"".into()),
        "statements" => (false, "\"statements\"".into()),
        "as_of" => (true, "\"2026-08-31\"".into()),
        "out" => (true, "\"audit-out\"".into()),
        "rulesets" => (false, "\"rulesets\"".into()),
        "format" => (false, "\"generic\"".into()),
        "fail_on" => (true, "\"warning\"".into()),
        "fail_on_new" => (false, "true".into()),
        "baseline" => (false, "\"audit-out/findings.json\"".into()),
        "lang" => (true, format!("\"{}\"", lang.word())),
        "threads" => (false, "2".into()),
        "evidence" => (true, "false".into()),
        "quiet" => (true, "false".into()),
        "log_format" => (false, "\"json\"".into()),
        _ => return None,
    })
}

fn comment(text: &str, out: &mut String) {
    for line in text.lines() {
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
    }
}

/// The kit's `audit.toml` in `lang`.
pub fn audit_toml(lang: Lang) -> String {
    let sentences = kit(lang);
    let mut out = String::new();
    comment(sentences.toml_header(), &mut out);
    for key in KEYS.iter().filter(|key| **key != "limits") {
        out.push('\n');
        comment(sentences.toml_key(key).unwrap_or_default(), &mut out);
        let (set, value) = value(key, lang).unwrap_or((false, "\"\"".into()));
        if !set {
            out.push_str("# ");
        }
        out.push_str(&format!("{key} = {value}\n"));
    }
    out.push('\n');
    comment(sentences.toml_key("limits").unwrap_or_default(), &mut out);
    out.push_str("[limits]\n");
    let defaults = Limits::DEFAULT;
    for key in LIMIT_KEYS {
        let default = defaults.get(key.name).unwrap_or(1);
        let value = match key.kind {
            LimitKind::Bytes => format!("\"{}\"", format_size(default)),
            LimitKind::Cells | LimitKind::Columns | LimitKind::Multiple => default.to_string(),
        };
        let line = format!("# {} = {value}", key.name);
        out.push_str(&format!(
            "{line:<42}# {}\n",
            sentences.toml_key(key.name).unwrap_or_default()
        ));
    }
    out
}
