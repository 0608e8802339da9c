//! The sentences about projections (docs/ARITHMETIC.md, "Projections"), one table per
//! language (`en_projections.rs`, `zh_projections.rs`) behind [`ProjectionSentences`],
//! and the Chinese names of the projection columns report.xlsx shows beside their keys.

use crate::domain::lang::Lang;
use crate::domain::projection::Projection;

/// One method per sentence or label of the projection sections.
pub trait ProjectionSentences: Sync {
    /// The section's heading (summaries, report.html, explain).
    fn heading(&self) -> &'static str;
    /// What the section shows and how the year end is projected, in a sentence or two.
    fn note(&self) -> &'static str;
    /// The column names of the table; `currencies`: with a currency column (the
    /// projections are in more than one currency).
    fn header(&self, currencies: bool) -> Vec<&'static str>;
    /// The tier scope the next tier is about: the contract year, an open settlement
    /// period, the term.
    fn scope(&self, projection: &Projection) -> String;
    /// The next tier: its threshold and rate, or that none lies above.
    fn next_tier(&self, projection: &Projection) -> String;
    /// The spend that reaches the next tier (empty without one).
    fn spend_needed(&self, projection: &Projection) -> String;
    /// What reaching it would unlock: the amount, its catch-up, the cap.
    fn unlock(&self, projection: &Projection) -> String;
    /// The year-end rebate at the run rate, and whether it reaches the next tier.
    fn year_end(&self, projection: &Projection) -> String;
    /// Below a cut list: how many more open contract years, how many of them with a
    /// next tier.
    fn more(&self, more: usize, with_next: usize) -> String;
    /// The lines `explain` prints for the contract's projection.
    fn explain(&self, projection: &Projection) -> Vec<String>;
}

/// The table of `lang`.
pub fn projection_sentences(lang: Lang) -> &'static dyn ProjectionSentences {
    match lang {
        Lang::En => &super::en::English,
        Lang::Zh => &super::zh::Chinese,
    }
}

/// The projection columns of report.xlsx (and keys of findings.json's `projections`)
/// in Chinese; `None` for any other key.
pub fn key_zh(key: &str) -> Option<&'static str> {
    Some(match key {
        "tier_basis" => "阶梯基准",
        "tier_mode" => "阶梯方式",
        "year_start" => "合同年度开始",
        "year_end" => "合同年度结束",
        "as_of" => "审计基准日",
        "days_elapsed" => "已过天数",
        "days_in_year" => "年度天数",
        "scope_start" => "阶梯范围开始",
        "scope_end" => "阶梯范围结束",
        "spend_so_far" => "迄今加权消费",
        "year_spend_so_far" => "年度迄今加权消费",
        "earned_so_far" => "年度迄今返点",
        "cap_reached" => "已达封顶",
        "next_threshold" => "下一档门槛",
        "next_rate" => "下一档返点率",
        "spend_needed" => "距下一档所需消费",
        "unlock" => "达档可增返点",
        "catch_up" => "其中追溯补差",
        "cap_limited" => "受封顶限制",
        "projected_year_spend" => "年末预计加权消费",
        "projected_rebate" => "年末预计返点",
        "projected_cap_applied" => "预计触及封顶",
        "reaches_next_tier" => "预计达到下一档",
        "as_words" => "说明",
        _ => return None,
    })
}
