//! 中文: the sentences about projections (kept beside `zh.rs`, which holds every other
//! sentence of the language).

use super::format::grouped;
use super::projections::ProjectionSentences;
use super::table::Sentences;
use super::zh::Chinese;
use crate::domain::calendar::days_between;
use crate::domain::money::format_rate;
use crate::domain::projection::{Projection, ScopeKind};
use rust_decimal::Decimal;

impl ProjectionSentences for Chinese {
    fn heading(&self) -> &'static str {
        "预测：进行中的合同年度"
    }

    fn note(&self) -> &'static str {
        "各合同在审计基准日所在合同年度中的位置：不是发现，任何分期都不依赖于它。迄今消费是阶梯范围内截至审计基准日已出账的加权基数；年末预测按本年度的日均消费（迄今加权基数 ÷ 已过天数）延续到年度最后一天，再按阶梯计算并封顶。"
    }

    fn header(&self, currencies: bool) -> Vec<&'static str> {
        let mut header = vec![
            "合同",
            "阶梯范围",
            "迄今消费",
            "下一档",
            "所需消费",
            "达档可增返点",
            "按日均消费的年末返点",
        ];
        if currencies {
            header.insert(1, "币种");
        }
        header
    }

    fn scope(&self, projection: &Projection) -> String {
        match projection.scope_kind {
            ScopeKind::Period => format!("结算期 {}", self.period(projection.scope)),
            ScopeKind::ContractYear => format!("合同年度 {}", self.range(projection.scope)),
            ScopeKind::Term => format!("合同期 {}", self.range(projection.scope)),
        }
    }

    fn next_tier(&self, projection: &Projection) -> String {
        match &projection.next {
            Some(next) => format!(
                "{}，返点率 {}",
                grouped(next.threshold),
                format_rate(next.rate)
            ),
            None => "无（已是最高档）".into(),
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
            notes.push(format!("含追溯补差 {}", grouped(next.catch_up)));
        }
        if projection.cap_reached {
            notes.push("已达封顶".into());
        } else if next.cap_limited {
            notes.push("受封顶限制".into());
        }
        with_notes(grouped(next.unlock), &notes)
    }

    fn year_end(&self, projection: &Projection) -> String {
        let mut notes = Vec::new();
        if projection.year_end.reaches_next {
            notes.push("达到下一档".to_string());
        }
        if projection.year_end.cap_applied {
            notes.push("已封顶".into());
        }
        with_notes(grouped(projection.year_end.rebate), &notes)
    }

    fn more(&self, more: usize, with_next: usize) -> String {
        format!(
            "另有 {more} 个进行中的合同年度（其中 {with_next} 个有下一档），见 report.html 和 report.xlsx。"
        )
    }

    fn explain(&self, projection: &Projection) -> Vec<String> {
        let money = |amount: Decimal| self.money(amount, &projection.currency);
        let mut lines = vec![
            format!(
                "进行中的合同年度 {}，审计基准日 {}：第 {} 天，共 {} 天。",
                self.range(projection.year),
                projection.as_of,
                projection.days_elapsed,
                projection.days_in_year
            ),
            format!(
                "阶梯范围：{}{}；迄今消费（加权基数）{}；合同年度迄今 {}。",
                self.scope(projection),
                match projection.scope_kind {
                    ScopeKind::Period => "（进行中的结算期；本年度其他结算期各自计算）",
                    _ => "",
                },
                money(projection.scope_base),
                money(projection.year_base)
            ),
        ];
        let cap = match (projection.cap, projection.cap_reached) {
            (Some(cap), true) => format!("（封顶 {}，已达到）", money(cap)),
            (Some(cap), false) => format!("（封顶 {}）", money(cap)),
            (None, _) => String::new(),
        };
        lines.push(format!(
            "当前返点率 {}；合同年度迄今返点 {}{cap}。",
            format_rate(projection.rate),
            money(projection.earned)
        ));
        lines.push(match &projection.next {
            Some(next) => {
                let catch_up = if next.catch_up > Decimal::ZERO {
                    format!(
                        "，其中 {} 为追溯补差：迄今消费按 {} 重新计算",
                        money(next.catch_up),
                        format_rate(next.rate)
                    )
                } else {
                    String::new()
                };
                let cap = if next.cap_limited {
                    "；封顶使其低于仅按阶梯计算的金额"
                } else {
                    ""
                };
                format!(
                    "下一档：{}，返点率 {}。再消费 {} 即可达到，可增返点 {}{catch_up}{cap}。",
                    money(next.threshold),
                    format_rate(next.rate),
                    money(next.spend_needed),
                    money(next.unlock)
                )
            }
            None => "下一档：无；迄今消费之上没有返点率更高的档位。".into(),
        });
        let remaining = days_between(projection.as_of, projection.year.last);
        let mut year_end = format!(
            "按日均消费预测年末：迄今 {} + 剩余 {remaining} 天 × 每天 {} ÷ {} 天 = 加权基数 {}；本年度返点 {}",
            money(projection.year_base),
            money(projection.year_base),
            projection.days_elapsed,
            money(projection.year_end.weighted_base),
            money(projection.year_end.rebate)
        );
        let mut notes = Vec::new();
        if projection.year_end.reaches_next {
            notes.push("达到下一档");
        }
        if projection.year_end.cap_applied {
            notes.push("已封顶");
        }
        if !notes.is_empty() {
            year_end.push_str(&format!("（{}）", notes.join("；")));
        }
        year_end.push('。');
        lines.push(year_end);
        lines
    }
}

/// `30,000.00（含追溯补差 18,000.00；受封顶限制）`.
fn with_notes(amount: String, notes: &[String]) -> String {
    if notes.is_empty() {
        amount
    } else {
        format!("{amount}（{}）", notes.join("；"))
    }
}
