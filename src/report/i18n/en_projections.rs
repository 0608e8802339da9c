//! English: the sentences about projections (kept beside `en.rs`, which holds every
//! other sentence of the language).

use super::en::English;
use super::format::grouped;
use super::projections::ProjectionSentences;
use super::table::Sentences;
use crate::domain::calendar::days_between;
use crate::domain::money::format_rate;
use crate::domain::projection::{Projection, ScopeKind};
use rust_decimal::Decimal;

/// `1 more open contract year`, `3 more open contract years`.
fn years(count: usize) -> String {
    if count == 1 {
        "1 more open contract year".into()
    } else {
        format!("{count} more open contract years")
    }
}

impl ProjectionSentences for English {
    fn heading(&self) -> &'static str {
        "Projections: the open contract years"
    }

    fn note(&self) -> &'static str {
        "Where each contract stands in the contract year that holds the audit date: no finding, and no installment depends on it. Spend so far is the weighted base of the tier scope billed through the audit date; the year end continues the year's daily run rate (its weighted base so far ÷ days elapsed) to its last day, priced by the tiers and capped."
    }

    fn header(&self, currencies: bool) -> Vec<&'static str> {
        let mut header = vec![
            "Contract",
            "Tier scope",
            "Spend so far",
            "Next tier",
            "Spend needed",
            "Reaching it unlocks",
            "Year end at the run rate",
        ];
        if currencies {
            header.insert(1, "Currency");
        }
        header
    }

    fn scope(&self, projection: &Projection) -> String {
        match projection.scope_kind {
            ScopeKind::Period => format!("period {}", self.period(projection.scope)),
            ScopeKind::ContractYear => format!("contract year {}", self.range(projection.scope)),
            ScopeKind::Term => format!("term {}", self.range(projection.scope)),
        }
    }

    fn next_tier(&self, projection: &Projection) -> String {
        match &projection.next {
            Some(next) => format!("{} at {}", grouped(next.threshold), format_rate(next.rate)),
            None => "none above (top tier)".into(),
        }
    }

    fn spend_needed(&self, projection: &Projection) -> String {
        projection
            .next
            .as_ref()
            .map_or_else(String::new, |next| grouped(next.spend_needed))
    }

    fn unlock(&self, projection: &Projection) -> String {
        let Some(next) = &projection.next else {
            return String::new();
        };
        let mut notes = Vec::new();
        if next.catch_up > Decimal::ZERO {
            notes.push(format!("incl. catch-up {}", grouped(next.catch_up)));
        }
        if projection.cap_reached {
            notes.push("cap reached".into());
        } else if next.cap_limited {
            notes.push("held by the cap".into());
        }
        with_notes(grouped(next.unlock), &notes)
    }

    fn year_end(&self, projection: &Projection) -> String {
        let mut notes = Vec::new();
        if projection.year_end.reaches_next {
            notes.push("reaches the next tier".to_string());
        }
        if projection.year_end.cap_applied {
            notes.push("capped".into());
        }
        with_notes(grouped(projection.year_end.rebate), &notes)
    }

    fn more(&self, more: usize, with_next: usize) -> String {
        format!(
            "{} ({with_next} with a next tier) in report.html and report.xlsx.",
            years(more)
        )
    }

    fn explain(&self, projection: &Projection) -> Vec<String> {
        let money = |amount: Decimal| self.money(amount, &projection.currency);
        let mut lines = vec![
            format!(
                "Open contract year {}, as of {}: day {} of {}.",
                self.range(projection.year),
                projection.as_of,
                projection.days_elapsed,
                projection.days_in_year
            ),
            format!(
                "Tier scope: {}{}; spend so far (weighted base) {}; the contract year's {}.",
                self.scope(projection),
                match projection.scope_kind {
                    ScopeKind::Period =>
                        " (the open settlement period; the year's other periods are priced on their own)",
                    _ => "",
                },
                money(projection.scope_base),
                money(projection.year_base)
            ),
        ];
        let cap = match (projection.cap, projection.cap_reached) {
            (Some(cap), true) => format!(" (cap {}, reached)", money(cap)),
            (Some(cap), false) => format!(" (cap {})", money(cap)),
            (None, _) => String::new(),
        };
        lines.push(format!(
            "Rate now {}; earned in the contract year so far {}{cap}.",
            format_rate(projection.rate),
            money(projection.earned)
        ));
        lines.push(match &projection.next {
            Some(next) => {
                let catch_up = if next.catch_up > Decimal::ZERO {
                    format!(
                        ", of which {} is the catch-up: the spend so far priced again at {}",
                        money(next.catch_up),
                        format_rate(next.rate)
                    )
                } else {
                    String::new()
                };
                let cap = if next.cap_limited {
                    "; the cap holds it below what the tiers alone give"
                } else {
                    ""
                };
                format!(
                    "Next tier: {} at {}. {} more spend reaches it and unlocks {}{catch_up}{cap}.",
                    money(next.threshold),
                    format_rate(next.rate),
                    money(next.spend_needed),
                    money(next.unlock)
                )
            }
            None => "Next tier: none; no bracket above the spend so far has a higher rate.".into(),
        });
        let remaining = days_between(projection.as_of, projection.year.last);
        let mut year_end = format!(
            "Year end at the run rate: {} so far + {remaining} more days at {} ÷ {} days a day = {} weighted base; rebate of the year {}",
            money(projection.year_base),
            money(projection.year_base),
            projection.days_elapsed,
            money(projection.year_end.weighted_base),
            money(projection.year_end.rebate)
        );
        let mut notes = Vec::new();
        if projection.year_end.reaches_next {
            notes.push("reaches the next tier");
        }
        if projection.year_end.cap_applied {
            notes.push("capped");
        }
        if !notes.is_empty() {
            year_end.push_str(&format!(" ({})", notes.join("; ")));
        }
        year_end.push('.');
        lines.push(year_end);
        lines
    }
}

/// `30,000.00 (incl. catch-up 18,000.00; held by the cap)`.
fn with_notes(amount: String, notes: &[String]) -> String {
    if notes.is_empty() {
        amount
    } else {
        format!("{amount} ({})", notes.join("; "))
    }
}
