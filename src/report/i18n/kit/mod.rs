//! The sentences of the starter kit (`rebate-audit init`): the README sheet that explains
//! every column of the contract workbook and the payout ledger, the comments of the kit's
//! `audit.toml`, and what `init` prints. One table per language (`en.rs`, `zh.rs`)
//! implements [`KitSentences`]; the kit's layout (sheets, headers, dropdown words) is
//! built by `app::kit` from the readers' own lists, and only its words come from here.

mod en;
mod zh;

use crate::domain::lang::Lang;

/// What the README sheet says of one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnHelp {
    /// What the column means.
    pub meaning: &'static str,
    /// What it accepts and what a blank cell means (for a column of words, the words
    /// themselves are added from the reader's list).
    pub accepted: &'static str,
    /// An example value, as typed.
    pub example: &'static str,
}

/// Every sentence of the starter kit, in one language.
pub trait KitSentences: Sync {
    /// The README sheet's name (`README`, `说明`).
    fn readme_sheet(&self) -> &'static str;
    /// The README sheet's title line.
    fn readme_title(&self) -> &'static str;
    /// The README sheet's opening lines: what the files are and how to run the audit.
    fn readme_intro(&self) -> &'static [&'static str];
    /// What the example gives when audited with the sample bill, one line each.
    fn readme_example(&self) -> &'static [&'static str];
    /// The headings of the README sheet's table of columns: file or sheet, column,
    /// required, meaning, accepted values, example.
    fn readme_headings(&self) -> [&'static str; 6];
    /// `required` / `optional`.
    fn required(&self, required: bool) -> &'static str;
    /// The lead-in of a column's accepted words (`Words: `).
    fn words_label(&self) -> &'static str;
    /// The README's name for the payout ledger's rows (`payouts.xlsx`).
    fn ledger_label(&self) -> &'static str;
    /// The payout ledger's sheet name.
    fn ledger_sheet(&self) -> &'static str;
    /// The help of a column: `sheet` is the sheet's English name (`contracts`, `tiers`,
    /// `products`, `schedule`) or `payouts` for the ledger, `column` the column's
    /// English name. `None` for a column it does not know (a test checks there is none).
    fn column(&self, sheet: &str, column: &str) -> Option<ColumnHelp>;
    /// The example contract's customer and agent names.
    fn example_parties(&self) -> (&'static str, &'static str);
    /// The opening comment of `audit.toml`.
    fn toml_header(&self) -> &'static str;
    /// The comment above a key of `audit.toml` (`limits` and each `[limits]` key
    /// included); `None` for a key it does not know (a test checks there is none).
    fn toml_key(&self, key: &str) -> Option<&'static str>;
    /// `Wrote a starter kit in DIR:`.
    fn wrote(&self, dir: &str) -> String;
    /// What a file of the kit is, after its name in the list `init` prints.
    fn file(&self, name: &str) -> &'static str;
    /// The next command to run, and where the report will be.
    fn next(&self, command: &str, report: &str) -> String;
    /// What to do after the example.
    fn then(&self) -> &'static str;
    /// A file of the kit is there already: `init` writes nothing.
    fn exists(&self, path: &str) -> String;
}

/// The starter kit's sentences in `lang`.
pub fn kit(lang: Lang) -> &'static dyn KitSentences {
    match lang {
        Lang::En => &en::English,
        Lang::Zh => &zh::Chinese,
    }
}
