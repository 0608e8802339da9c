//! A large audit's contract trails written straight from the audit: each period's
//! computation, billing rows and installments, and each finding's own trail, field by
//! field in findings.json's order (`report/json.rs`, `report/json/trail.rs`), through the
//! table writers of [`super::cells`]. The page is the one the records' trees gave, byte
//! for byte (the tests below hold the two equal on records with every field); a field
//! added to findings.json's records needs a line here too, and those tests fail until it
//! has one.

use super::cells::{Object, Objects, Slice, Val, write_fields_but, write_value};
use super::period::Period;
use super::trail::{write_key_attribute, write_label};
use crate::domain::audit::Audit;
use crate::domain::clawback::ClawbackStep;
use crate::domain::computation::{
    BracketSlice, CatchUp, Computation, InstallmentSplit, ProductBase, TierBracket,
};
use crate::domain::contract::{Amendment, AmendmentNote};
use crate::domain::finding::{Allocation, Check, Finding, LikelyCause, SourceRows};
use crate::domain::installment::InstallmentRecord;
use crate::domain::lang::Lang;
use crate::domain::location::Location;
use crate::domain::money::format_rate;
use crate::report::html_parts::escape_to;
use crate::report::i18n::keys::TrailWord;
use crate::report::i18n::words::{check_expected, check_found};
use crate::report::i18n::{self, due_rule};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A field handed on.
type Field<'f> = &'f mut dyn FnMut(&'static str, Val<'_>);

/// A coefficient as findings.json writes it (`normalize`d).
fn coefficient(value: rust_decimal::Decimal) -> Val<'static> {
    Val::Owned(value.normalize().to_string())
}

/// An optional text field.
fn text(value: Option<&str>) -> Val<'_> {
    value.map_or(Val::Null, Val::Text)
}

impl Object for Location {
    fn fields(&self, field: Field<'_>) {
        field("file", Val::Text(&self.file));
        field("sheet", text(self.sheet.as_deref()));
        field(
            "row",
            self.row.map_or(Val::Null, |row| Val::Int(row as i64)),
        );
        field("column", text(self.column.as_deref()));
    }
}

impl Object for ProductBase {
    fn fields(&self, field: Field<'_>) {
        field("product", Val::Text(&self.product));
        field("base", Val::Money(self.base));
        field("coefficient", coefficient(self.coefficient));
        field("weighted_base", Val::Money(self.weighted_base));
        field("rows", Val::Int(self.rows as i64));
    }
}

impl Object for TierBracket {
    fn fields(&self, field: Field<'_>) {
        field("from", Val::Money(self.from));
        field("to", self.to.map_or(Val::Null, Val::Money));
        field("rate", Val::Owned(format_rate(self.rate)));
    }
}

impl Object for BracketSlice {
    fn fields(&self, field: Field<'_>) {
        self.bracket.fields(field);
        field("volume", Val::Money(self.volume));
        field("rebate", Val::Money(self.rebate));
    }
}

impl Object for CatchUp {
    fn fields(&self, field: Field<'_>) {
        field(
            "earlier_weighted_base",
            Val::Money(self.earlier_weighted_base),
        );
        field("rate_before", Val::Owned(format_rate(self.rate_before)));
        field("rate_after", Val::Owned(format_rate(self.rate_after)));
        field("amount", Val::Money(self.amount));
    }
}

impl Object for AmendmentNote {
    fn fields(&self, field: Field<'_>) {
        field("id", Val::Text(&self.id));
        field("effective_from", Val::Day(self.effective_from));
        field("applies_from", Val::Day(self.applies_from));
        field("retroactive", Val::Bool(self.retroactive));
        field("source", Val::Text(&self.source));
    }
}

impl Object for ClawbackStep {
    fn fields(&self, field: Field<'_>) {
        field("rule", Val::Text(self.rule.word()));
        field("period_rebate", Val::Money(self.period_rebate));
        field("carried_in", Val::Money(self.carried_in));
        field("deducted", Val::Money(self.deducted));
        field("payable", Val::Money(self.payable));
        field("carried_out", Val::Money(self.carried_out));
        field("lapsed", Val::Money(self.lapsed));
    }
}

impl Object for Amendment {
    fn fields(&self, field: Field<'_>) {
        let coefficient = self.coefficient();
        let account = self.account();
        field("id", Val::Text(&self.id));
        field("effective_from", Val::Day(self.effective_from));
        field(
            "change",
            Val::Text(match (coefficient, account) {
                (Some(_), _) => "coefficient",
                (_, Some((_, true))) => "account_add",
                _ => "account_remove",
            }),
        );
        if let Some((product, value)) = coefficient {
            field("product", Val::Text(product));
            field("coefficient", self::coefficient(value));
        }
        if let Some((account, _)) = account {
            field("account", Val::Text(account));
        }
        field("source", Val::Owned(self.source.to_string()));
    }
}

impl Object for SourceRows {
    fn fields(&self, field: Field<'_>) {
        field("file", Val::Text(&self.table.file));
        field("sheet", text(self.table.sheet.as_deref()));
        field("product", Val::Text(&self.product));
        field("coefficient", coefficient(self.coefficient));
        field("rows", Val::Int(self.rows as i64));
        field("row_ranges", Val::Text(&self.row_ranges));
        field("base", Val::Money(self.base));
        field("weighted_base", Val::Money(self.weighted_base));
    }
}

/// A period's computation as its trail shows it: what all its installments share (the
/// installment's own fields and the period's dates are in its installments table and
/// heading).
pub(super) struct PeriodComputation<'a>(pub(super) &'a Computation);

impl Object for PeriodComputation<'_> {
    fn fields(&self, field: Field<'_>) {
        let c = self.0;
        field("base", Val::Text(&c.base));
        field("tier_basis", Val::Text(&c.tier_basis));
        field("tier_mode", Val::Text(&c.tier_mode));
        field("period_weighted_base", Val::Money(c.period_weighted_base));
        field("scope_start", Val::Day(c.scope_start));
        field("scope_end", Val::Day(c.scope_end));
        field("scope_weighted_base", Val::Money(c.scope_weighted_base));
        field("bracket_rate", Val::Owned(format_rate(c.bracket_rate)));
        field("scope_rebate", Val::Money(c.scope_rebate));
        field("cap", c.cap.map_or(Val::Null, Val::Money));
        field("cap_applied", Val::Bool(c.cap_applied));
        field("earned_before", Val::Money(c.earned_before));
        field("earned_through", Val::Money(c.earned_through));
        field("period_expected", Val::Money(c.period_expected));
        field(
            "weighted_base_by_product",
            Val::List(&Slice(c.products.as_slice())),
        );
        field(
            "scope_weighted_base_before",
            Val::Money(c.scope_weighted_base_before),
        );
        field("scope_rebate_before", Val::Money(c.scope_rebate_before));
        field(
            "bracket",
            c.bracket.as_ref().map_or(Val::Null, |b| Val::Object(b)),
        );
        field("bracket_slices", Val::List(&Slice(c.slices.as_slice())));
        field(
            "catch_up",
            c.catch_up.as_ref().map_or(Val::Null, |up| Val::Object(up)),
        );
        field("cap_scope_start", Val::Day(c.cap_scope_start));
        field("cap_scope_end", Val::Day(c.cap_scope_end));
        field("rebate_before_cap", Val::Money(c.rebate_before_cap));
        field(
            "cap_cut",
            match c.cap {
                Some(cap) if c.cap_applied => c
                    .rebate_before_cap
                    .checked_sub(cap)
                    .map_or(Val::Null, Val::Money),
                _ => Val::Null,
            },
        );
        field("grace_days", Val::Int(c.grace_days));
        if let Some(note) = &c.amendment {
            field("amendment", Val::Object(note));
        }
        if let Some(step) = &c.clawback {
            field("clawback", Val::Object(step));
        }
        if !c.amended_terms.is_empty() {
            field(
                "amended_terms",
                Val::List(&Slice(c.amended_terms.as_slice())),
            );
        }
    }
}

/// A period's installments as its trail lists them: each record (the period's key and
/// weighted base aside) with its split's portion after the trigger and its due rule after
/// the due date.
struct Installments<'a> {
    records: &'a [InstallmentRecord],
    splits: &'a [InstallmentSplit],
    lang: Lang,
}

impl Objects for Installments<'_> {
    fn count(&self) -> usize {
        self.records.len()
    }

    fn fields_of(&self, at: usize, field: Field<'_>) {
        let Some(record) = self.records.get(at) else {
            return;
        };
        let split = self
            .splits
            .iter()
            .find(|split| split.installment == record.installment);
        field("installment", Val::Int(i64::from(record.installment)));
        field("trigger", Val::Text(record.trigger.word()));
        if let Some(split) = split {
            field("portion", Val::Text(&split.portion));
        }
        field("expected", Val::Money(record.expected));
        field("due_on", record.due_on.map_or(Val::Null, Val::Day));
        if let Some(split) = split {
            // findings.json states the rule in English; the Chinese trail in Chinese.
            field("due_rule", Val::Owned(due_rule(&split.due_rule, self.lang)));
        }
        field("paid", Val::Money(record.paid));
        field("status", Val::Text(record.status.word()));
    }
}

/// A period's computation (the installment's own fields aside), its billing rows and its
/// installments, each under its heading, as the tree writer wrote them.
pub(super) fn write_period_parts(out: &mut String, period: &Period<'_>, lang: Lang) {
    let computation = &period.records[0].trail.computation;
    let rows = Slice(period.source_rows);
    let installments = Installments {
        records: period.records,
        splits: &computation.installments,
        lang,
    };
    let heading = |out: &mut String, key: &str, text: &dyn Fn(&mut String)| {
        let _ = write!(out, "<h5 data-key=\"{key}\">");
        text(out);
        out.push_str("</h5>");
    };
    let parts: [(&str, Val<'_>); 3] = [
        ("computation", Val::Object(&PeriodComputation(computation))),
        ("source_rows", Val::List(&rows)),
        ("installments", Val::List(&installments)),
    ];
    for (key, value) in parts {
        if value.is_empty() {
            continue;
        }
        heading(out, key, &|out: &mut String| {
            if key == "installments" {
                escape_to(out, TrailWord::InstallmentsOfPeriod.of(lang));
            } else {
                write_label(out, key, lang);
            }
        });
        write_value(out, &value, lang);
    }
}

/// The finding fields its row (and its line in a contract's trail) already shows: left
/// out of its trail.
const ROW_KEYS: [&str; 9] = [
    "type",
    "severity",
    "contract_id",
    "period_start",
    "period_end",
    "installment",
    "payout_id",
    "detail",
    "evidence",
];

/// A finding's own fields, as findings.json writes them (its row's aside, and its
/// `detail`, which its line says).
struct FindingFields<'a> {
    finding: &'a Finding,
    change: Option<&'static str>,
}

impl Object for FindingFields<'_> {
    fn fields(&self, field: Field<'_>) {
        let finding = self.finding;
        let money = |amount: Option<rust_decimal::Decimal>| amount.map_or(Val::Null, Val::Money);
        let day = |day: Option<chrono::NaiveDate>| day.map_or(Val::Null, Val::Day);
        field("id", Val::Text(&finding.id));
        if let Some(change) = self.change {
            field("change", Val::Text(change));
        }
        field("reason", text(finding.reason.map(|reason| reason.word())));
        field("expected", money(finding.expected));
        field("paid", money(finding.paid));
        field("difference", money(finding.difference));
        field("due_on", day(finding.due_on));
        field("expires_on", day(finding.expires_on));
        field("paid_on", day(finding.paid_on));
        field("days_late", finding.days_late.map_or(Val::Null, Val::Int));
        field("interest", money(finding.interest));
        field("amount", money(finding.amount));
    }
}

impl Object for Allocation {
    fn fields(&self, field: Field<'_>) {
        field("payout_id", Val::Text(&self.payout_id));
        field("paid_on", Val::Day(self.paid_on));
        field("amount", Val::Money(self.amount));
        field("excess", Val::Bool(self.excess));
        field("source", Val::Object(&self.source));
    }
}

/// A finding's invoice checks; in Chinese each check's expected and found in Chinese.
struct Checks<'a> {
    checks: &'a [Check],
    lang: Lang,
}

impl Objects for Checks<'_> {
    fn count(&self) -> usize {
        self.checks.len()
    }

    fn fields_of(&self, at: usize, field: Field<'_>) {
        let Some(check) = self.checks.get(at) else {
            return;
        };
        field("field", Val::Text(&check.field));
        field("reason", Val::Text(check.reason.word()));
        if self.lang == Lang::Zh {
            field("expected", Val::Owned(check_expected(check, Lang::Zh)));
            field(
                "found",
                check_found(check, Lang::Zh).map_or(Val::Null, Val::Owned),
            );
        } else {
            field("expected", Val::Text(&check.expected));
            field("found", text(check.found.as_deref()));
        }
        field("ok", Val::Bool(check.ok));
    }
}

/// A finding's likely causes, each explained in the page's language.
struct Causes<'a> {
    causes: &'a [LikelyCause],
    lang: Lang,
}

impl Objects for Causes<'_> {
    fn count(&self) -> usize {
        self.causes.len()
    }

    fn fields_of(&self, at: usize, field: Field<'_>) {
        let Some(cause) = self.causes.get(at) else {
            return;
        };
        field("code", Val::Text(cause.code.word()));
        field(
            "expected_under_mistake",
            Val::Money(cause.expected_under_mistake),
        );
        field(
            "explanation",
            Val::Owned(i18n::explanation(cause, self.lang)),
        );
    }
}

/// The finding's trail, as `trail::write_trail` wrote it from the finding's tree without
/// its period: its summary naming each part of its evidence, its own fields, then each
/// part.
pub(super) fn write_finding_trail(out: &mut String, finding: &Finding, audit: &Audit, lang: Lang) {
    let evidence = &finding.evidence;
    let change = audit
        .changes
        .as_ref()
        .map(|changes| changes.change(finding).word());
    let mut facts: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, value) in &evidence.facts {
        facts.insert(name, value);
    }
    // The Chinese trail leaves out an invoice's expected and found facts, which repeat
    // its failed check (said in Chinese below).
    if lang == Lang::Zh && !evidence.checks.is_empty() {
        facts.remove("expected");
        facts.remove("found");
    }
    let facts: Vec<(&str, &str)> = facts.into_iter().collect();
    let period = evidence
        .period
        .as_ref()
        .map(|period| period.key().to_string());
    let allocations = Slice(evidence.allocations.as_slice());
    let checks = Checks {
        checks: &evidence.checks,
        lang,
    };
    let causes = Causes {
        causes: &evidence.likely_causes,
        lang,
    };
    let parts: [(&'static str, Val<'_>); 6] = [
        (
            "location",
            evidence
                .location
                .as_ref()
                .map_or(Val::Null, |place| Val::Object(place)),
        ),
        ("period", text(period.as_deref())),
        ("allocations", Val::List(&allocations)),
        ("facts", Val::Facts(&facts)),
        ("checks", Val::List(&checks)),
        ("likely_causes", Val::List(&causes)),
    ];
    out.push_str("<details><summary>");
    out.push_str(TrailWord::Trail.of(lang));
    let mut first = true;
    for (key, value) in &parts {
        if value.is_empty() {
            continue;
        }
        out.push_str(match (first, lang) {
            (false, _) => " · ",
            (true, Lang::En) => ": ",
            (true, Lang::Zh) => "：",
        });
        first = false;
        write_label(out, key, lang);
        if let Val::List(list) = value {
            let _ = write!(out, " ({})", list.count());
        }
    }
    out.push_str("</summary><div class=\"trail\">");
    let _ = write!(out, "<h4>{}</h4>", TrailWord::Finding.of(lang));
    write_fields_but(out, &FindingFields { finding, change }, &ROW_KEYS, lang);
    for (key, value) in &parts {
        if value.is_empty() {
            continue;
        }
        out.push_str("<h4");
        write_key_attribute(out, key, lang);
        out.push('>');
        write_label(out, key, lang);
        out.push_str("</h4>");
        write_value(out, value, lang);
    }
    out.push_str("</div></details>");
}
