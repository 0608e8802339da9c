//! The trail's tables written straight from the audit's data, without a tree of values:
//! a record is an [`Object`] that hands its fields, in findings.json's order, to a
//! callback as borrowed [`Val`]s, and the writers here apply exactly the rules of
//! [`super::trail`]'s tree writer (empty fields left out, money grouped, places as
//! `file:sheet:row:column`, a grid's columns and number classes, Chinese names of codes),
//! so both give the same bytes (the tests of `direct.rs` hold them equal).
//!
//! A large audit's page writes every period and finding of the audit this way, without a
//! record and a tree made and dropped for each (docs/BENCHMARK.md, "report.html at 4,000
//! contracts, second round").

use super::node::is_money;
use super::trail::{CLASSED_COLUMNS, write_key_attribute, write_label};
use crate::domain::lang::Lang;
use crate::domain::money_text::{self, Shown};
use crate::report::html_parts::escape_to;
use crate::report::i18n::Word;
use crate::report::i18n::keys::value_zh;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::fmt::Write;

/// One value of a record, borrowed or made on the stack: what its findings.json field
/// holds (money and days as their text, numbers as numbers).
pub(super) enum Val<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// Text from the audit (an amount-shaped text is grouped as money, as findings.json's
    /// text would be).
    Text(&'a str),
    /// Text made for the record (a rate, a coefficient, a sentence).
    Owned(String),
    /// Money, as findings.json writes it (two decimals).
    Money(Decimal),
    /// A day.
    Day(NaiveDate),
    /// An object.
    Object(&'a dyn Object),
    /// A list of objects.
    List(&'a dyn Objects),
    /// Facts by name (a map whose keys are the audit's, not a record's), sorted.
    Facts(&'a [(&'a str, &'a str)]),
}

/// A record's fields, in order.
pub(super) trait Object {
    /// Hands each field, key and value, to `field`.
    fn fields(&self, field: &mut dyn FnMut(&'static str, Val<'_>));
}

/// A list of records.
pub(super) trait Objects {
    /// How many.
    fn count(&self) -> usize;
    /// Hands record `at`'s fields to `field`.
    fn fields_of(&self, at: usize, field: &mut dyn FnMut(&'static str, Val<'_>));
}

/// A list of records as a slice of values that are [`Object`]s.
pub(super) struct Slice<'a, T>(pub(super) &'a [T]);

impl<T: Object> Objects for Slice<'_, T> {
    fn count(&self) -> usize {
        self.0.len()
    }
    fn fields_of(&self, at: usize, field: &mut dyn FnMut(&'static str, Val<'_>)) {
        if let Some(item) = self.0.get(at) {
            item.fields(field);
        }
    }
}

impl Val<'_> {
    /// Whether there is nothing to show: null, or an empty text, list or object.
    pub(super) fn is_empty(&self) -> bool {
        match self {
            Val::Null => true,
            Val::Text(text) => text.is_empty(),
            Val::Owned(text) => text.is_empty(),
            Val::List(list) => list.count() == 0,
            Val::Object(object) => object_is_empty(*object),
            Val::Facts(facts) => facts.iter().all(|(_, value)| value.is_empty()),
            Val::Bool(_) | Val::Int(_) | Val::Money(_) | Val::Day(_) => false,
        }
    }

    /// Whether the value has a line of text (everything but an object that is not a
    /// place, or a list holding one).
    fn is_inline(&self) -> bool {
        match self {
            Val::Object(object) => place_is_inline(*object),
            Val::List(list) => (0..list.count()).all(|at| {
                let row = Row(*list, at);
                place_is_inline(&row)
            }),
            Val::Facts(facts) => facts_are_a_place(facts),
            _ => true,
        }
    }
}

fn object_is_empty(object: &dyn Object) -> bool {
    let mut empty = true;
    object.fields(&mut |_, value| empty &= value.is_empty());
    empty
}

/// One record of a list, as an [`Object`].
struct Row<'a>(&'a dyn Objects, usize);

impl Object for Row<'_> {
    fn fields(&self, field: &mut dyn FnMut(&'static str, Val<'_>)) {
        self.0.fields_of(self.1, field);
    }
}

/// Whether an object is a place in the input: a `file` and at most its `sheet`, `row` and
/// `column`.
fn is_place(object: &dyn Object) -> bool {
    let (mut file, mut only) = (false, true);
    object.fields(&mut |key, _| {
        file |= key == "file";
        only &= matches!(key, "file" | "sheet" | "row" | "column");
    });
    file && only
}

/// Whether an object is a place whose parts all have a line.
fn place_is_inline(object: &dyn Object) -> bool {
    if !is_place(object) {
        return false;
    }
    let mut inline = true;
    object.fields(&mut |_, value| inline &= value.is_empty() || value.is_inline());
    inline
}

/// Whether facts name a place: a `file` and at most its `sheet`, `row` and `column`.
fn facts_are_a_place(facts: &[(&str, &str)]) -> bool {
    facts.iter().any(|(name, _)| *name == "file")
        && facts
            .iter()
            .all(|(name, _)| matches!(*name, "file" | "sheet" | "row" | "column"))
}

/// A value's line as the tree writer makes it: text and whether it is a number.
enum Line<'a> {
    Str(&'a str, bool),
    Shown(Shown, bool),
    Owned(String, bool),
    Int(i64),
}

impl Line<'_> {
    fn number(&self) -> bool {
        match self {
            Line::Str(_, number) | Line::Shown(_, number) | Line::Owned(_, number) => *number,
            Line::Int(_) => true,
        }
    }

    /// Writes the text escaped.
    fn write(&self, out: &mut String) {
        match self {
            Line::Str(text, _) => escape_to(out, text),
            Line::Shown(text, _) => escape_to(out, text),
            Line::Owned(text, _) => escape_to(out, text),
            Line::Int(number) => {
                let _ = write!(out, "{number}");
            }
        }
    }

    /// Whether a text cell is marked `long`: longer than 28 bytes with a word longer than
    /// 28 characters.
    fn long(&self) -> bool {
        let text: &str = match self {
            Line::Str(text, _) => text,
            Line::Shown(text, _) => text,
            Line::Owned(text, _) => text,
            Line::Int(_) => return false,
        };
        text.len() > 28
            && text
                .split_whitespace()
                .any(|word| word.chars().count() > 28)
    }
}

/// A text as the tree's line shows it: grouped and a number when it is money.
fn text_line(text: &str) -> Line<'_> {
    if is_money(text) {
        Line::Owned(money_text::group_thousands(text), true)
    } else {
        Line::Str(text, false)
    }
}

/// A value on one line (`None`: it needs a table), as `Node::line` gives it.
fn line<'v>(value: &'v Val<'_>) -> Option<Line<'v>> {
    Some(match value {
        Val::Null => Line::Str("", false),
        Val::Bool(yes) => Line::Str(if *yes { "yes" } else { "no" }, false),
        Val::Int(number) => Line::Int(*number),
        Val::Text(text) => text_line(text),
        Val::Owned(text) => text_line(text),
        Val::Money(amount) => match money_text::grouped(*amount) {
            // Formatted inline it has two decimals: findings.json's money, grouped.
            grouped @ Shown::Inline(_) => Line::Shown(grouped, true),
            // Too large for two decimals: findings.json's text is no money to group.
            Shown::Heap(_) => match money_text::plain(*amount) {
                plain if is_money(&plain) => Line::Owned(money_text::group_thousands(&plain), true),
                plain => Line::Shown(plain, false),
            },
        },
        Val::Day(day) => Line::Shown(money_text::day(*day), false),
        Val::Object(object) => return place_line(*object),
        Val::Facts(facts) => {
            if !facts_are_a_place(facts) {
                return None;
            }
            let mut text = String::new();
            for (_, value) in facts.iter().filter(|(_, value)| !value.is_empty()) {
                if !text.is_empty() {
                    text.push(':');
                }
                text_line(value).write_raw(&mut text);
            }
            Line::Owned(text, false)
        }
        Val::List(list) => {
            let mut texts = Vec::with_capacity(list.count());
            for at in 0..list.count() {
                let mut text = String::new();
                place_line(&Row(*list, at))?.write_raw(&mut text);
                texts.push(text);
            }
            Line::Owned(texts.join(", "), false)
        }
    })
}

impl Line<'_> {
    /// The text as it is, unescaped.
    fn write_raw(&self, out: &mut String) {
        match self {
            Line::Str(text, _) => out.push_str(text),
            Line::Shown(text, _) => out.push_str(text),
            Line::Owned(text, _) => out.push_str(text),
            Line::Int(number) => {
                let _ = write!(out, "{number}");
            }
        }
    }
}

/// A place as `file:sheet:row:column`, its empty parts left out; `None` for an object
/// that is not a place.
fn place_line(object: &dyn Object) -> Option<Line<'static>> {
    if !place_is_inline(object) {
        return None;
    }
    let mut text = String::new();
    let mut first = true;
    object.fields(&mut |_, value| {
        if value.is_empty() {
            return;
        }
        if !first {
            text.push(':');
        }
        first = false;
        if let Some(line) = line(&value) {
            line.write_raw(&mut text);
        }
    });
    Some(Line::Owned(text, false))
}

/// A value on one line as a reader sees it, under `key`: in Chinese yes and no are 是 and
/// 否 and a code under a key that holds codes is its Chinese name with the code beside it.
fn shown<'v>(value: &'v Val<'_>, key: &str, lang: Lang) -> Option<Line<'v>> {
    if lang == Lang::Zh {
        let named = |code: &str| value_zh(key, code).map(|named| Line::Owned(named, false));
        match value {
            Val::Bool(yes) => {
                return Some(Line::Str(
                    if *yes { Word::Yes } else { Word::No }.of(lang),
                    false,
                ));
            }
            Val::Text(code) => {
                if let Some(named) = named(code) {
                    return Some(named);
                }
            }
            Val::Owned(code) => {
                if let Some(named) = named(code) {
                    return Some(named);
                }
            }
            Val::Money(amount) => {
                if let Some(named) = named(&money_text::plain(*amount)) {
                    return Some(named);
                }
            }
            Val::Day(day) => {
                if let Some(named) = named(&money_text::day(*day)) {
                    return Some(named);
                }
            }
            _ => {}
        }
    }
    line(value)
}

/// A value as block markup, as `trail::write_node` writes its tree: an object as a
/// two-column table, a list of objects as a grid, anything else as one line.
pub(super) fn write_value(out: &mut String, value: &Val<'_>, lang: Lang) {
    match value {
        Val::Object(object) if !value.is_inline() => write_fields(out, *object, lang),
        Val::List(list) if !value.is_inline() => write_grid(out, *list, &|_| false, lang),
        Val::Facts(facts) if !value.is_inline() => {
            out.push_str("<table class=fields>");
            for (key, text) in facts.iter().filter(|(_, text)| !text.is_empty()) {
                let value = Val::Text(text);
                write_field(out, key, &value, lang);
            }
            out.push_str("</table>");
        }
        _ => {
            out.push_str("<p>");
            if let Some(line) = shown(value, "", lang) {
                line.write(out);
            }
            out.push_str("</p>");
        }
    }
}

/// An object's fields as a two-column table, empty ones left out (`skip`: keys left out
/// too).
pub(super) fn write_fields(out: &mut String, object: &dyn Object, lang: Lang) {
    write_fields_but(out, object, &[], lang);
}

/// [`write_fields`] without the fields named in `skip`.
pub(super) fn write_fields_but(out: &mut String, object: &dyn Object, skip: &[&str], lang: Lang) {
    out.push_str("<table class=fields>");
    object.fields(&mut |key, value| {
        if !value.is_empty() && !skip.contains(&key) {
            write_field(out, key, &value, lang);
        }
    });
    out.push_str("</table>");
}

/// One row of a field table: the key's label and the value.
fn write_field(out: &mut String, key: &str, value: &Val<'_>, lang: Lang) {
    out.push_str("<tr><th");
    write_key_attribute(out, key, lang);
    out.push('>');
    write_label(out, key, lang);
    write_cell(out, shown(value, key, lang), value, false, lang);
}

/// A value as a table cell, as `trail::write_cell` writes it.
fn write_cell(
    out: &mut String,
    line: Option<Line<'_>>,
    value: &Val<'_>,
    number_class: bool,
    lang: Lang,
) {
    match line {
        Some(line) => {
            out.push_str(if line.number() {
                if number_class {
                    "<td class=number>"
                } else {
                    "<td>"
                }
            } else if line.long() {
                "<td class=long>"
            } else {
                "<td>"
            });
            line.write(out);
        }
        None => {
            out.push_str("<td>");
            write_value(out, value, lang);
        }
    }
}

/// Grids wider than this are rare: their columns are gathered on the heap.
const COLUMNS: usize = 24;

/// A list of objects as a table, as `trail::write_grid` writes it: a column per key (in
/// the order keys first appear, columns empty in every row left out), a row per object,
/// rows `marked` highlighted, columns of numbers named in the table's class.
pub(super) fn write_grid(
    out: &mut String,
    rows: &dyn Objects,
    marked: &dyn Fn(usize) -> bool,
    lang: Lang,
) {
    // One pass gathers the columns (in the order keys first appear, a key empty in every
    // row left out) and whether each holds numbers: every cell a number or empty.
    let mut columns: Vec<&'static str> = Vec::with_capacity(COLUMNS);
    let mut numeric: Vec<bool> = Vec::with_capacity(COLUMNS);
    for at in 0..rows.count() {
        rows.fields_of(at, &mut |key, value| {
            if value.is_empty() {
                return;
            }
            let column = columns.iter().position(|known| *known == key);
            let column = column.unwrap_or_else(|| {
                columns.push(key);
                numeric.push(columns.len() <= CLASSED_COLUMNS);
                columns.len() - 1
            });
            numeric[column] &= line(&value).is_some_and(|line| line.number());
        });
    }
    if numeric.contains(&true) {
        out.push_str("<table class=\"grid");
        for (at, _) in numeric.iter().enumerate().filter(|(_, number)| **number) {
            let _ = write!(out, " n{}", at + 1);
        }
        out.push_str("\">");
    } else {
        out.push_str("<table class=grid>");
    }
    out.push_str("<tr>");
    for column in &columns {
        out.push_str("<th");
        write_key_attribute(out, column, lang);
        out.push('>');
        write_label(out, column, lang);
    }
    // Each row's cells are written as its fields come, each into its column's buffer,
    // then joined in the columns' order (a row's fields need not come in that order):
    // a row's fields are made once.
    let mut cells: Vec<String> = vec![String::new(); columns.len()];
    let mut filled: Vec<bool> = vec![false; columns.len()];
    for at in 0..rows.count() {
        out.push_str(if marked(at) {
            "<tr class=this>"
        } else {
            "<tr>"
        });
        filled.fill(false);
        rows.fields_of(at, &mut |key, value| {
            if let Some(column) = columns.iter().position(|known| *known == key) {
                let cell = &mut cells[column];
                cell.clear();
                write_cell(
                    cell,
                    shown(&value, key, lang),
                    &value,
                    !numeric[column],
                    lang,
                );
                filled[column] = true;
            }
        });
        for ((cell, filled), number) in cells.iter().zip(&filled).zip(&numeric) {
            if *filled {
                out.push_str(cell);
            } else {
                write_cell(out, line(&Val::Null), &Val::Null, !number, lang);
            }
        }
    }
    out.push_str("</table>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::{d, day};

    /// A payout row: its id, amount, an optional sheet that comes last, a flag.
    struct Paid(&'static str, &'static str, Option<&'static str>, bool);

    impl Object for Paid {
        fn fields(&self, field: &mut dyn FnMut(&'static str, Val<'_>)) {
            // A row without a sheet gives its fields in another order: the sheet first.
            if self.2.is_none() {
                field("sheet", Val::Null);
            }
            field("payout_id", Val::Text(self.0));
            field("amount", Val::Money(d(self.1)));
            if let Some(sheet) = self.2 {
                field("sheet", Val::Text(sheet));
            }
            field("excess", Val::Bool(self.3));
        }
    }

    /// A grid: the columns in the order keys first appear (the sheet, empty in the first
    /// row, last), a row's cells in the columns' order whatever the order of its fields,
    /// the amount column named once in the class, the flag in words.
    #[test]
    fn a_grid_puts_each_cell_under_its_column() {
        let rows = [
            Paid("P1", "1234.5", None, false),
            Paid("P2", "-7", Some("2024"), true),
        ];
        let mut out = String::new();
        write_grid(&mut out, &Slice(&rows), &|at| at == 1, Lang::En);
        assert_eq!(
            out,
            "<table class=\"grid n2\"><tr><th>payout id<th>amount<th>excess<th>sheet\
             <tr><td>P1<td>1,234.50<td>no<td>\
             <tr class=this><td>P2<td>-7.00<td>yes<td>2024</table>"
        );
        let mut chinese = String::new();
        write_grid(&mut chinese, &Slice(&rows), &|_| false, Lang::Zh);
        assert!(
            chinese.contains("<th data-key=\"excess\" title=\"excess\">")
                && chinese.contains("<td>否<td>"),
            "{chinese}"
        );
    }

    /// A period's dates and a code under `status`.
    struct Record;

    impl Object for Record {
        fn fields(&self, field: &mut dyn FnMut(&'static str, Val<'_>)) {
            field("status", Val::Text("underpaid"));
            field("due_on", Val::Day(day("2026-01-31")));
            field("note", Val::Text(""));
            field("cap", Val::Null);
            field("rows", Val::Int(12));
            field("path", Val::Text("/a/very/long/path/to/a/billing/file.csv"));
            field("source", Val::Object(&Place));
        }
    }

    /// A place without a sheet or column.
    struct Place;

    impl Object for Place {
        fn fields(&self, field: &mut dyn FnMut(&'static str, Val<'_>)) {
            field("file", Val::Text("p.csv"));
            field("sheet", Val::Null);
            field("row", Val::Int(3));
            field("column", Val::Null);
        }
    }

    /// A field table leaves out empty fields, writes a place on one line and marks a
    /// long word; in Chinese a code is named with the code beside it.
    #[test]
    fn a_field_table_leaves_out_what_is_empty() {
        let mut out = String::new();
        write_fields(&mut out, &Record, Lang::En);
        assert_eq!(
            out,
            "<table class=fields><tr><th>status<td>underpaid<tr><th>due on<td>2026-01-31\
             <tr><th>rows<td>12<tr><th>path<td class=long>/a/very/long/path/to/a/billing/file.csv\
             <tr><th>source<td>p.csv:3</table>"
        );
        let mut out = String::new();
        write_fields_but(&mut out, &Record, &["path", "source"], Lang::Zh);
        assert!(out.contains("<td>少付（underpaid）<tr>"), "{out}");
        assert!(!out.contains("path") && !out.contains("p.csv"), "{out}");
        // A place alone is a line.
        let mut out = String::new();
        write_value(&mut out, &Val::Object(&Place), Lang::En);
        assert_eq!(out, "<p>p.csv:3</p>");
    }
}
