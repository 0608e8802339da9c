//! The language people read: every finding's sentence and the computation trail that
//! `explain` and the evidence files print, in English (the default) or Chinese
//! (`--lang zh`). Machine fields — types, reasons, ids, JSON keys, status words — stay
//! English whatever the language, so scripts and finding ids never depend on it.
//!
//! Only the choice lives here: the sentences themselves are `report::i18n`'s, one table
//! per language, written when a report is rendered.

/// The language of the sentences in the reports and of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese (简体中文).
    Zh,
}

impl Lang {
    /// `en` or `zh`.
    pub fn word(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}
