//! Per-contract evidence for disputes: `evidence/<contract>.md` walks from the contract's
//! terms through every period's computation trail — weighted base per product and the
//! billing rows (file, sheet, product and rows) behind it, tier scope, bracket(s),
//! catch-up, cap, Earned, the split into installments — to the payouts matched and the
//! findings, each with its evidence. The trail is [`crate::report::explain`]'s, the one
//! `rebate-audit explain` prints; the sentences follow `--lang`.

use super::markdown::escaped as escape;
use crate::domain::audit::{Audit, ContractResult};
use crate::domain::finding::Finding;
use crate::domain::lang::Lang;
use crate::domain::money::format_rate;
use crate::domain::money_text::grouped as format_money;
use crate::report::explain;
use crate::report::i18n::{self, Pick};
use sha2::{Digest, Sha256};
use std::fmt::Write;

/// The longest file name (in bytes, before `.md` or a `-2` suffix) a contract id becomes:
/// far under the 255 bytes file systems allow, so a long id never fails a run.
const NAME_CAP: usize = 100;

/// A file name for a contract id: letters, digits, `-`, `_` and `.` kept, the rest `_`.
/// A name longer than [`NAME_CAP`] bytes is cut (at a character) and ends in `-` and the
/// first 12 hex digits of the SHA-256 of the full id, so two long ids sharing a start
/// still get two names; the reports name the id in full.
pub fn file_name(contract_id: &str) -> String {
    let safe: String = contract_id
        .chars()
        .map(|character| {
            if character.is_alphanumeric() || matches!(character, '-' | '_' | '.') {
                character
            } else {
                '_'
            }
        })
        .collect();
    let safe = safe.trim_start_matches('.').to_string();
    if safe.is_empty() {
        return "contract".into();
    }
    if safe.len() <= NAME_CAP {
        return safe;
    }
    let digest: String = Sha256::digest(contract_id.as_bytes())
        .iter()
        .take(6)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let mut cut = NAME_CAP - digest.len() - 1;
    while !safe.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}-{digest}", &safe[..cut])
}

/// The evidence file of one contract, its sentences in `lang`.
pub fn render(audit: &Audit, result: &ContractResult, lang: Lang) -> String {
    let colon = lang.pick(": ", "：");
    let contract = &result.contract;
    // A contract's file is about 26 KB at 8 periods: room for it at once rather than
    // doubling up to it.
    let mut out = String::with_capacity(32 * 1024);
    let _ = writeln!(
        out,
        "# {} {}\n",
        lang.pick("Evidence: contract", "证据：合同"),
        escape(&contract.id)
    );
    let _ = match lang {
        Lang::En => writeln!(
            out,
            "Audit as of {}. Source: {}.\n",
            audit.as_of,
            escape(&contract.source.to_string())
        ),
        Lang::Zh => writeln!(
            out,
            "审计基准日 {}。合同来源：{}。\n",
            audit.as_of,
            escape(&contract.source.to_string())
        ),
    };
    let _ = writeln!(out, "## {}\n", lang.pick("Terms", "合同条款"));
    let terms = evidence_terms(result, lang);
    let _ = writeln!(
        out,
        "| {} |\n|---|---|",
        lang.pick("term | value", "条款 | 内容")
    );
    for (name, value) in terms {
        let _ = writeln!(out, "| {} | {} |", name.of(lang), escape(&value));
    }
    let _ = writeln!(
        out,
        "\n| {} |\n|---|---|---|",
        lang.pick("from | to | rate", "下限 | 上限 | 返点比例")
    );
    for bracket in contract.tiers.brackets() {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            format_money(bracket.from),
            bracket
                .to
                .map_or(lang.pick("no limit", "无上限").into(), |to| {
                    format_money(to).to_string()
                }),
            format_rate(bracket.rate)
        );
    }
    if !contract.products.is_empty() {
        let _ = writeln!(
            out,
            "\n| {} |\n|---|---|",
            lang.pick("product | coefficient", "产品 | 系数")
        );
        for (product, coefficient) in &contract.products {
            let _ = writeln!(out, "| {} | {} |", escape(product), coefficient.normalize());
        }
    }
    let _ = writeln!(
        out,
        "\n| {} |\n|---|---|---|",
        lang.pick("installment | trigger | portion", "期次 | 触发 | 比例")
    );
    for rule in &contract.schedule {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            rule.number,
            lang.pick(rule.trigger.word(), rule.trigger.chinese()),
            i18n::words::portion(rule.portion, lang)
        );
    }

    let _ = writeln!(out, "\n## {}\n", lang.pick("Settlement periods", "结算期"));
    let _ = writeln!(
        out,
        "| {} |\n|---|---|---|---|---|---|---|---|---|---|",
        lang.pick(
            "period | weighted base | tier scope | scope base | rate | scope rebate | cap applied | Earned before | Earned through | period rebate",
            "结算期 | 加权基数 | 阶梯范围 | 范围基数 | 比例 | 范围返点 | 封顶 | 期初累计 | 期末累计 | 本期返点"
        )
    );
    let computation = &result.computation;
    for (period, rebate) in computation.periods.iter().zip(&computation.rebates) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            i18n::range(period.range.first, period.range.last, lang),
            format_money(rebate.weighted_base),
            i18n::range(rebate.scope.first, rebate.scope.last, lang),
            format_money(rebate.scope_volume),
            format_rate(rebate.bracket_rate),
            format_money(rebate.scope_rebate),
            if rebate.cap_applied {
                lang.pick("yes", "是")
            } else {
                lang.pick("no", "否")
            },
            format_money(rebate.earned_before),
            format_money(rebate.earned_through),
            format_money(rebate.expected),
        );
    }

    let _ = writeln!(out, "\n## {}\n", lang.pick("Installments", "分期"));
    let _ = writeln!(
        out,
        "| {} |\n|---|---|---|---|---|---|---|",
        lang.pick(
            "period | installment | trigger | expected | due on | paid | status",
            "结算期 | 期次 | 触发 | 应付 | 到期日 | 已收 | 状态"
        )
    );
    for record in audit.installments_of(result) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            i18n::range(record.period_start, record.period_end, lang),
            record.installment,
            lang.pick(record.trigger.word(), record.trigger.chinese()),
            format_money(record.expected),
            explain::DayOr(record.due_on, lang.pick("not due", "未到期")),
            format_money(record.paid),
            i18n::words::status(record.status, lang)
        );
    }

    let _ = writeln!(
        out,
        "\n## {}\n",
        lang.pick("Computation trail of each period", "各结算期的计算过程")
    );
    for index in 0..computation.periods.len() {
        explain::period_trail(&mut out, audit, result, index, 3, lang);
    }

    let findings: Vec<&Finding> = audit.findings_of(&contract.id).iter().collect();
    let _ = writeln!(out, "## {}\n", lang.pick("Findings", "发现"));
    if findings.is_empty() {
        let _ = writeln!(out, "{}", lang.pick("None.", "无。"));
    }
    for finding in findings {
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "### {} ({}, {})\n",
                finding.id, finding.finding_type, finding.severity
            ),
            Lang::Zh => writeln!(
                out,
                "### {}（{}，{}）\n",
                finding.id,
                i18n::words::finding_type(finding.finding_type, lang),
                i18n::words::severity(finding.severity, lang)
            ),
        };
        let _ = writeln!(out, "{}\n", escape(&i18n::detail(finding, lang)));
        if let Some(share) = finding.evidence.share() {
            let computation = share.computation;
            // The one-line formula is findings.json's, in English; the Chinese file
            // points to the period's trail above, which says the same in Chinese.
            if lang == Lang::En {
                let _ = writeln!(out, "- computation{colon}{}", i18n::formula_of(share));
            }
            let _ = match lang {
                Lang::En => writeln!(
                    out,
                    "- trail: see period {} to {} above",
                    computation.period_start, computation.period_end
                ),
                Lang::Zh => writeln!(
                    out,
                    "- 计算过程：见上文结算期 {} 至 {}",
                    computation.period_start, computation.period_end
                ),
            };
            let _ = writeln!(
                out,
                "- {}{colon}{}",
                lang.pick("due date", "到期规则"),
                share
                    .due_rule
                    .map_or_else(String::new, |rule| i18n::due_rule(&rule, lang))
            );
        }
        if let Some(line) = i18n::claim_expiry_line(finding, lang) {
            let _ = writeln!(out, "- {line}");
        }
        for allocation in &finding.evidence.allocations {
            let _ = writeln!(
                out,
                "- {} {} {} {}{colon}{}{} ({})",
                lang.pick("payout", "付款"),
                escape(&allocation.payout_id),
                lang.pick("on", "到账日"),
                allocation.paid_on,
                format_money(allocation.amount),
                if allocation.excess {
                    lang.pick(" (excess)", "（超额部分）")
                } else {
                    ""
                },
                escape(&allocation.source.to_string())
            );
        }
        if let Some(location) = &finding.evidence.location {
            let _ = writeln!(
                out,
                "- {}{colon}{}",
                lang.pick("source", "来源"),
                escape(&location.to_string())
            );
        }
        for (name, value) in &finding.evidence.facts {
            // An invoice's expected and found facts repeat its failed check, which the
            // table below says in the reader's language.
            let repeated = !finding.evidence.checks.is_empty()
                && matches!(name.as_str(), "expected" | "found");
            if lang == Lang::Zh && repeated {
                continue;
            }
            let _ = writeln!(
                out,
                "- {}{colon}{}",
                escape(i18n::words::fact_name(name, lang)),
                escape(value)
            );
        }
        if !finding.evidence.checks.is_empty() {
            let _ = writeln!(
                out,
                "\n| {} |\n|---|---|---|---|",
                lang.pick(
                    "field checked | expected | found | ok",
                    "核对字段 | 应为 | 实际 | 结果"
                )
            );
            for check in &finding.evidence.checks {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    escape(&i18n::words::check_field(&check.field, lang)),
                    escape(&i18n::words::check_expected(check, lang)),
                    escape(&i18n::words::check_found(check, lang).unwrap_or_default()),
                    if check.ok {
                        lang.pick("yes", "通过")
                    } else {
                        lang.pick("**no**", "**不符**")
                    }
                );
            }
        }
        out.push('\n');
    }
    out
}

/// The contract's terms, named and in words of `lang`.
fn evidence_terms(result: &ContractResult, lang: Lang) -> Vec<(i18n::words::Term, String)> {
    use i18n::words::Term;
    let contract = &result.contract;
    let word = |en: &'static str, zh: &'static str| lang.pick(en, zh).to_string();
    let mut terms = vec![
        (Term::Customer, contract.customer.clone()),
        (Term::Agent, contract.agent.clone()),
        (
            Term::AgentTaxId,
            contract.agent_tax_id.clone().unwrap_or_default(),
        ),
        (
            Term::ProviderRuleset,
            format!("{} / {}", contract.provider, result.ruleset),
        ),
        (Term::Accounts, contract.accounts.join(", ")),
        (Term::Term, i18n::range(contract.start, contract.end, lang)),
        (Term::Currency, contract.currency.clone()),
        (
            Term::Base,
            word(contract.base.word(), i18n::words::base_zh(contract.base)),
        ),
        (
            Term::Tiers,
            match lang {
                Lang::En => format!("{} basis, {}", contract.tier_basis, contract.tier_mode),
                Lang::Zh => format!(
                    "按{}累计，{}",
                    contract.tier_basis.chinese(),
                    i18n::words::tier_mode_zh(contract.tier_mode)
                ),
            },
        ),
        (
            Term::Cap,
            contract
                .cap
                .map_or(word("none", "无"), |cap| format_money(cap).to_string()),
        ),
        (
            Term::Settlement,
            match lang {
                Lang::En => format!(
                    "{}, due {} days after the trigger, {} grace days",
                    contract.settlement, contract.due_days, contract.grace_days
                ),
                Lang::Zh => format!(
                    "{}，触发日后 {} 天到期，宽限 {} 天",
                    contract.settlement.chinese(),
                    contract.due_days,
                    contract.grace_days
                ),
            },
        ),
        (
            Term::RenewedOn,
            contract
                .renewed_on
                .map_or(word("not renewed", "未续约"), |date| date.to_string()),
        ),
        (
            Term::Invoice,
            format!(
                "{}{}",
                lang.pick(
                    contract.invoice.word(),
                    i18n::words::invoice_zh(contract.invoice)
                ),
                contract.tax_rate.map_or(String::new(), |rate| match lang {
                    Lang::En => format!(" at {}", format_rate(rate)),
                    Lang::Zh => format!("，税率 {}", format_rate(rate)),
                })
            ),
        ),
        (
            Term::LateInterest,
            match lang {
                Lang::En => format!("{} per day", format_rate(contract.late_interest)),
                Lang::Zh => format!("每日 {}", format_rate(contract.late_interest)),
            },
        ),
        (
            Term::PayoutKind,
            word(contract.payout_kind.word(), contract.payout_kind.chinese()),
        ),
    ];
    if !contract.amendments.is_empty() {
        let (_, items) = i18n::amendment_items(&contract.amendments, lang);
        terms.push((Term::Amendments, items.join(lang.pick("; ", "；"))));
    }
    // Only a contract that names a clawback rule shows it (issue 19).
    if let Some(rule) = contract.clawback {
        terms.push((Term::Clawback, word(rule.word(), rule.chinese())));
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_ids_become_safe_file_names() {
        assert_eq!(file_name("ALI-2024-001"), "ALI-2024-001");
        assert_eq!(file_name("../etc/passwd"), "_etc_passwd");
        assert_eq!(file_name("合同/1"), "合同_1");
        assert_eq!(file_name(".."), "contract");
        // Long ids are cut to 100 bytes with a hash of the full id: two ids sharing their
        // first 100 bytes get two names, and a cut never splits a character.
        let long = "C".repeat(1000);
        let other = format!("{}D", "C".repeat(999));
        assert_eq!(file_name(&long).len(), 100);
        assert!(file_name(&long).starts_with(&"C".repeat(87)));
        assert_ne!(file_name(&long), file_name(&other));
        let chinese = "合".repeat(400);
        let name = file_name(&chinese);
        assert!(name.len() <= 100 && name.starts_with("合合"), "{name}");
        assert_eq!(file_name(&"x".repeat(100)), "x".repeat(100));
        assert_eq!(file_name(&"x".repeat(101)).len(), 100);
    }
}
