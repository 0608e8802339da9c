//! Steps 3 to 5 of a period's trail: the bracket (or each bracket's slice), the
//! retroactive catch-up and the cap — how the tier scope's volume becomes its rebate.

use crate::domain::computation::{Computation, TierBracket};
use crate::domain::lang::Lang;
use crate::domain::money::{format_money_grouped as money, format_rate as rate};
use crate::report::i18n::{self, Pick};
use rust_decimal::Decimal;
use std::fmt::Write;

/// `[1,000,000.00, 2,000,000.00)`, `[2,000,000.00, ∞)`.
pub fn range_text(bracket: &TierBracket) -> String {
    format!(
        "[{}, {})",
        money(bracket.from),
        bracket.to.map_or_else(|| "∞".to_string(), money)
    )
}

/// Step 3: the bracket the scope's volume reached, or each bracket's slice.
pub fn tier_lines(out: &mut String, computation: &Computation, lang: Lang) {
    let volume = money(computation.scope_weighted_base);
    let _ = match lang {
        Lang::En => write!(out, "**3. Tier ({}):** ", computation.tier_mode),
        Lang::Zh => write!(
            out,
            "**3. 阶梯（{}）：**",
            crate::report::i18n::words::tier_mode_code(&computation.tier_mode, lang)
        ),
    };
    if computation.slices.is_empty() {
        let _ = match lang {
            Lang::En
                if computation.bracket.is_none()
                    && computation.scope_weighted_base > Decimal::ZERO =>
            {
                writeln!(
                    out,
                    "{volume} lies above the last bracket, so no rate applies: R = {}.",
                    money(computation.scope_rebate)
                )
            }
            Lang::Zh
                if computation.bracket.is_none()
                    && computation.scope_weighted_base > Decimal::ZERO =>
            {
                writeln!(
                    out,
                    "{volume} 超出最后一档，不适用任何比例：R = {}。",
                    money(computation.scope_rebate)
                )
            }
            Lang::En => writeln!(
                out,
                "The scope's weighted base {volume} is not above 0: R = {}.",
                money(computation.scope_rebate)
            ),
            Lang::Zh => writeln!(
                out,
                "阶梯范围的加权基数 {volume} 不大于 0：R = {}。",
                money(computation.scope_rebate)
            ),
        };
    } else if computation.tier_mode == "marginal" {
        let _ = writeln!(
            out,
            "{}",
            lang.pick("Each bracket at its own rate:", "各档按各自比例：")
        );
        out.push('\n');
        for slice in &computation.slices {
            let _ = writeln!(
                out,
                "- {} {}{}{} × {} = {}",
                range_text(&slice.bracket),
                rate(slice.bracket.rate),
                lang.pick(": ", "："),
                money(slice.volume),
                rate(slice.bracket.rate),
                money(slice.rebate)
            );
        }
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "- R({volume}) = **{}** (rounded); before this period R = {}.",
                money(computation.scope_rebate),
                money(computation.scope_rebate_before)
            ),
            Lang::Zh => writeln!(
                out,
                "- R({volume}) = **{}**（四舍五入到分）；本期之前 R = {}。",
                money(computation.scope_rebate),
                money(computation.scope_rebate_before)
            ),
        };
    } else {
        let slice = &computation.slices[0];
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "{volume} is in bracket {} at {}; the whole volume takes that rate: {volume} × {} = **{}**; before this period R = {}.",
                range_text(&slice.bracket),
                rate(slice.bracket.rate),
                rate(slice.bracket.rate),
                money(computation.scope_rebate),
                money(computation.scope_rebate_before)
            ),
            Lang::Zh => writeln!(
                out,
                "{volume} 落在 {} 档，比例 {}；全额按该比例计算：{volume} × {} = **{}**；本期之前 R = {}。",
                range_text(&slice.bracket),
                rate(slice.bracket.rate),
                rate(slice.bracket.rate),
                money(computation.scope_rebate),
                money(computation.scope_rebate_before)
            ),
        };
    }
    out.push('\n');
}

/// Step 4: the retroactive catch-up, or why there is none.
pub fn catch_up_line(out: &mut String, computation: &Computation, lang: Lang) {
    out.push_str(lang.pick("**4. Catch-up:** ", "**4. 追溯补差：**"));
    let Some(catch_up) = &computation.catch_up else {
        let why = match (computation.tier_mode.as_str(), lang) {
            ("marginal", Lang::En) => "None: marginal tiers never re-price earlier volume.",
            ("marginal", Lang::Zh) => "无：超额累进不会重新计价之前的量。",
            (_, Lang::En) if computation.scope_weighted_base_before <= Decimal::ZERO => {
                "None: no earlier volume in the scope to re-price."
            }
            (_, Lang::Zh) if computation.scope_weighted_base_before <= Decimal::ZERO => {
                "无：阶梯范围内本期之前没有可重新计价的量。"
            }
            (_, Lang::En) => "None: the rate did not change in this period.",
            (_, Lang::Zh) => "无：本期比例没有变化。",
        };
        let _ = writeln!(out, "{why}\n");
        return;
    };
    let earlier = money(catch_up.earlier_weighted_base);
    let own = computation
        .period_expected
        .checked_sub(catch_up.amount)
        .unwrap_or_default();
    let _ = match lang {
        Lang::En => writeln!(
            out,
            "The scope's rate moved from {} to {} in this period, so its earlier {earlier} is re-priced: {earlier} × {} − {} = **{}** (= ({} − {}) × {earlier}).{}\n",
            rate(catch_up.rate_before),
            rate(catch_up.rate_after),
            rate(catch_up.rate_after),
            money(computation.scope_rebate_before),
            money(catch_up.amount),
            rate(catch_up.rate_after),
            rate(catch_up.rate_before),
            if computation.cap_applied {
                " The cap then applies (5).".to_string()
            } else {
                format!(
                    " Of E_p {}, {} is this catch-up and {} is this period's own volume.",
                    money(computation.period_expected),
                    money(catch_up.amount),
                    money(own)
                )
            }
        ),
        Lang::Zh => writeln!(
            out,
            "本期阶梯比例由 {} 变为 {}，阶梯范围内之前的 {earlier} 按新比例重新计价：{earlier} × {} − {} = **{}**（=（{} − {}）× {earlier}）。{}\n",
            rate(catch_up.rate_before),
            rate(catch_up.rate_after),
            rate(catch_up.rate_after),
            money(computation.scope_rebate_before),
            money(catch_up.amount),
            rate(catch_up.rate_after),
            rate(catch_up.rate_before),
            if computation.cap_applied {
                "随后适用封顶（第 5 步）。".to_string()
            } else {
                format!(
                    "E_p {} 中，{} 是追溯补差，{} 是本期自身的量。",
                    money(computation.period_expected),
                    money(catch_up.amount),
                    money(own)
                )
            }
        ),
    };
}

/// Step 5: the cap, and whether it cut the rebate.
pub fn cap_line(out: &mut String, computation: &Computation, lang: Lang) {
    out.push_str(lang.pick("**5. Cap:** ", "**5. 封顶：**"));
    let window = i18n::range(computation.cap_scope_start, computation.cap_scope_end, lang);
    let before_cap = money(computation.rebate_before_cap);
    let _ = match (computation.cap, computation.cap_applied, lang) {
        (None, _, Lang::En) => writeln!(out, "None."),
        (None, _, Lang::Zh) => writeln!(out, "无。"),
        (Some(cap), true, Lang::En) => writeln!(
            out,
            "{} for {window}: the rebate earned in it through this period is {before_cap}, above the cap, so it counts as {} (cut {}).",
            money(cap),
            money(cap),
            money(
                computation
                    .rebate_before_cap
                    .checked_sub(cap)
                    .unwrap_or_default()
            )
        ),
        (Some(cap), true, Lang::Zh) => writeln!(
            out,
            "{window} 封顶 {}：截至本期末该期间的返点为 {before_cap}，超过封顶，按 {} 计（削减 {}）。",
            money(cap),
            money(cap),
            money(
                computation
                    .rebate_before_cap
                    .checked_sub(cap)
                    .unwrap_or_default()
            )
        ),
        (Some(cap), false, Lang::En) => writeln!(
            out,
            "{} for {window}: not reached (the rebate earned in it through this period is {before_cap}).",
            money(cap)
        ),
        (Some(cap), false, Lang::Zh) => writeln!(
            out,
            "{window} 封顶 {}：未达到（截至本期末该期间的返点为 {before_cap}）。",
            money(cap)
        ),
    };
    out.push('\n');
}
