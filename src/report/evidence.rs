//! Per-contract evidence for disputes: `evidence/<contract>.md` walks from the contract's
//! terms through every period's weighted base (file, sheet, product and rows) and tier
//! computation to each installment, the payouts matched to it and the findings.

use crate::domain::finding::Finding;
use crate::domain::money::{format_money_grouped as format_money, format_rate};
use crate::pipeline::{Audit, ContractResult};
use std::fmt::Write;

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// A file name for a contract id: letters, digits, `-`, `_` and `.` kept, the rest `_`.
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
        "contract".into()
    } else {
        safe
    }
}

/// The evidence file of one contract.
pub fn render(audit: &Audit, result: &ContractResult) -> String {
    let contract = &result.contract;
    let mut out = String::new();
    let _ = writeln!(out, "# Evidence: contract {}\n", cell(&contract.id));
    let _ = writeln!(
        out,
        "Audit as of {}. Source: {}.\n",
        audit.as_of, contract.source
    );
    let _ = writeln!(out, "## Terms\n");
    let terms = [
        ("customer", contract.customer.clone()),
        ("agent", contract.agent.clone()),
        (
            "agent tax id",
            contract.agent_tax_id.clone().unwrap_or_default(),
        ),
        (
            "provider / ruleset",
            format!("{} / {}", contract.provider, result.ruleset),
        ),
        ("accounts", contract.accounts.join(", ")),
        ("term", format!("{} to {}", contract.start, contract.end)),
        ("currency", contract.currency.clone()),
        ("base", contract.base.to_string()),
        (
            "tiers",
            format!("{} basis, {}", contract.tier_basis, contract.tier_mode),
        ),
        ("cap", contract.cap.map_or("none".into(), format_money)),
        (
            "settlement",
            format!(
                "{}, due {} days after the trigger, {} grace days",
                contract.settlement, contract.due_days, contract.grace_days
            ),
        ),
        (
            "renewed on",
            contract
                .renewed_on
                .map_or("not renewed".into(), |date| date.to_string()),
        ),
        (
            "invoice",
            format!(
                "{}{}",
                contract.invoice,
                contract
                    .tax_rate
                    .map_or(String::new(), |rate| format!(" at {}", format_rate(rate)))
            ),
        ),
        (
            "late interest",
            format!("{} per day", format_rate(contract.late_interest)),
        ),
        ("payout kind", contract.payout_kind.to_string()),
    ];
    let _ = writeln!(out, "| term | value |\n|---|---|");
    for (name, value) in terms {
        let _ = writeln!(out, "| {name} | {} |", cell(&value));
    }
    let _ = writeln!(out, "\n| from | to | rate |\n|---|---|---|");
    for bracket in contract.tiers.brackets() {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            format_money(bracket.from),
            bracket.to.map_or("no limit".into(), format_money),
            format_rate(bracket.rate)
        );
    }
    if !contract.products.is_empty() {
        let _ = writeln!(out, "\n| product | coefficient |\n|---|---|");
        for (product, coefficient) in &contract.products {
            let _ = writeln!(out, "| {} | {} |", cell(product), coefficient.normalize());
        }
    }
    let _ = writeln!(out, "\n| installment | trigger | portion |\n|---|---|---|");
    for rule in &contract.schedule {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            rule.number, rule.trigger, rule.portion
        );
    }

    let _ = writeln!(out, "\n## Settlement periods\n");
    let _ = writeln!(
        out,
        "| period | weighted base | tier scope | scope base | rate | scope rebate | cap applied | Earned before | Earned through | period rebate |\n|---|---|---|---|---|---|---|---|---|---|"
    );
    let computation = &result.computation;
    for (period, rebate) in computation.periods.iter().zip(&computation.rebates) {
        let _ = writeln!(
            out,
            "| {} to {} | {} | {} to {} | {} | {} | {} | {} | {} | {} | {} |",
            period.range.first,
            period.range.last,
            format_money(rebate.weighted_base),
            rebate.scope.first,
            rebate.scope.last,
            format_money(rebate.scope_volume),
            format_rate(rebate.bracket_rate),
            format_money(rebate.scope_rebate),
            if rebate.cap_applied { "yes" } else { "no" },
            format_money(rebate.earned_before),
            format_money(rebate.earned_through),
            format_money(rebate.expected),
        );
    }

    let _ = writeln!(out, "\n## Installments\n");
    let _ = writeln!(
        out,
        "| period | installment | trigger | expected | due on | paid | status |\n|---|---|---|---|---|---|---|"
    );
    for record in audit
        .installments
        .iter()
        .filter(|record| record.contract_id == contract.id)
    {
        let _ = writeln!(
            out,
            "| {} to {} | {} | {} | {} | {} | {} | {} |",
            record.period_start,
            record.period_end,
            record.installment,
            record.trigger,
            format_money(record.expected),
            record
                .due_on
                .map_or("not due".into(), |date| date.to_string()),
            format_money(record.paid),
            record.status.word()
        );
    }

    let _ = writeln!(out, "\n## Billing rows behind each period\n");
    let mut any = false;
    for (period, sources) in computation.periods.iter().zip(&result.source_rows) {
        if sources.is_empty() {
            continue;
        }
        any = true;
        let _ = writeln!(out, "### {} to {}\n", period.range.first, period.range.last);
        let _ = writeln!(
            out,
            "| file | sheet | product | coefficient | rows | row numbers | base | weighted base |\n|---|---|---|---|---|---|---|---|"
        );
        for source in sources {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                cell(&source.table.file),
                cell(source.table.sheet.as_deref().unwrap_or("")),
                cell(&source.product),
                source.coefficient.normalize(),
                source.rows,
                source.row_ranges,
                format_money(source.base),
                format_money(source.weighted_base)
            );
        }
        out.push('\n');
    }
    if !any {
        let _ = writeln!(out, "No billing line was attributed to this contract.\n");
    }

    let findings: Vec<&Finding> = audit
        .findings
        .iter()
        .filter(|finding| finding.contract_id.as_deref() == Some(contract.id.as_str()))
        .collect();
    let _ = writeln!(out, "## Findings\n");
    if findings.is_empty() {
        let _ = writeln!(out, "None.");
    }
    for finding in findings {
        let _ = writeln!(
            out,
            "### {} ({}, {})\n",
            finding.id, finding.finding_type, finding.severity
        );
        let _ = writeln!(out, "{}\n", finding.detail);
        if let Some(computation) = &finding.evidence.computation {
            let _ = writeln!(
                out,
                "- computation: {}",
                crate::reconcile::explain(computation)
            );
            let _ = writeln!(out, "- due date: {}", computation.due_rule);
        }
        for allocation in &finding.evidence.allocations {
            let _ = writeln!(
                out,
                "- payout {} on {}: {}{} ({})",
                allocation.payout_id,
                allocation.paid_on,
                format_money(allocation.amount),
                if allocation.excess { " (excess)" } else { "" },
                allocation.source
            );
        }
        if let Some(location) = &finding.evidence.location {
            let _ = writeln!(out, "- source: {location}");
        }
        for (name, value) in &finding.evidence.facts {
            let _ = writeln!(out, "- {name}: {}", cell(value));
        }
        out.push('\n');
    }
    out
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
    }
}
