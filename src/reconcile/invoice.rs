//! Invoice checks on cash payouts (SPEC §4): one problem per reason — `missing`, `amount`,
//! `tax_rate`, `type`, `issuer`, `late_invoice`, `duplicate`.

use crate::domain::calendar::days_between;
use crate::domain::contract::{Contract, InvoiceKind};
use crate::domain::money::{format_money, format_money_grouped, format_rate};
use crate::domain::payout::Payout;
use rust_decimal::Decimal;

/// What is wrong with one payout's invoice, for one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceProblem {
    /// `missing`, `amount`, `tax_rate`, `type`, `issuer`, `late_invoice` or `duplicate`.
    pub reason: &'static str,
    /// What the contract or payout calls for.
    pub expected: String,
    /// What the invoice shows.
    pub found: String,
    /// One sentence.
    pub detail: String,
}

fn problem(
    reason: &'static str,
    expected: String,
    found: String,
    detail: String,
) -> InvoiceProblem {
    InvoiceProblem {
        reason,
        expected,
        found,
        detail,
    }
}

/// Checks a cash payout's invoice against its contract. `others_with_same_number` lists
/// the other payouts that carry the same invoice number.
pub fn check(
    payout: &Payout,
    contract: &Contract,
    tolerance: Decimal,
    window_days: i64,
    others_with_same_number: &[&str],
) -> Vec<InvoiceProblem> {
    if contract.invoice == InvoiceKind::None {
        return Vec::new();
    }
    let invoice = &payout.invoice;
    let Some(number) = &invoice.number else {
        return vec![problem(
            "missing",
            format!("a {} invoice", contract.invoice),
            "no invoice number".into(),
            format!(
                "Payout {} of {} has no invoice; contract {} requires a {} invoice for every cash payout.",
                payout.id,
                format_money_grouped(payout.amount),
                contract.id,
                contract.invoice
            ),
        )];
    };
    let mut problems = Vec::new();
    match invoice.amount {
        Some(amount)
            if amount
                .checked_sub(payout.amount)
                .is_some_and(|gap| gap.abs() <= tolerance) => {}
        found => problems.push(problem(
            "amount",
            format_money(payout.amount),
            found.map_or("no invoice amount".into(), format_money),
            format!(
                "Invoice {number} on payout {} shows {} but the payout is {}.",
                payout.id,
                found.map_or("no amount".into(), format_money_grouped),
                format_money_grouped(payout.amount)
            ),
        )),
    }
    if let Some(expected_rate) = contract.tax_rate {
        match invoice.tax_rate {
            Some(rate) if rate == expected_rate => {}
            found => problems.push(problem(
                "tax_rate",
                format_rate(expected_rate),
                found.map_or("no tax rate".into(), format_rate),
                format!(
                    "Invoice {number} on payout {} carries VAT {} but contract {} calls for {}.",
                    payout.id,
                    found.map_or("no rate".into(), format_rate),
                    contract.id,
                    format_rate(expected_rate)
                ),
            )),
        }
    }
    match invoice.kind {
        Some(kind) if kind == contract.invoice => {}
        found => problems.push(problem(
            "type",
            contract.invoice.to_string(),
            found.map_or("no invoice type".into(), |kind| kind.to_string()),
            format!(
                "Invoice {number} on payout {} is {} but contract {} requires {}.",
                payout.id,
                found.map_or("of no stated type".into(), |kind| kind.to_string()),
                contract.id,
                contract.invoice
            ),
        )),
    }
    if let (Some(issuer), Some(agent_tax_id)) = (&invoice.issuer, &contract.agent_tax_id)
        && !issuer.eq_ignore_ascii_case(agent_tax_id)
    {
        problems.push(problem(
            "issuer",
            agent_tax_id.clone(),
            issuer.clone(),
            format!(
                "Invoice {number} on payout {} was issued by {issuer}, not by the agent {} ({agent_tax_id}).",
                payout.id, contract.agent
            ),
        ));
    }
    match invoice.date {
        Some(date) if days_between(payout.paid_on, date) <= window_days => {}
        found => problems.push(problem(
            "late_invoice",
            format!("invoiced within {window_days} days of {}", payout.paid_on),
            found.map_or("no invoice date".into(), |date| date.to_string()),
            match found {
                Some(date) => format!(
                    "Invoice {number} on payout {} is dated {date}, {} days after the payout on {} (window {window_days} days).",
                    payout.id,
                    days_between(payout.paid_on, date),
                    payout.paid_on
                ),
                None => format!("Invoice {number} on payout {} has no invoice date.", payout.id),
            },
        )),
    }
    if !others_with_same_number.is_empty() {
        problems.push(problem(
            "duplicate",
            "an invoice number used once".into(),
            format!("also on payout {}", others_with_same_number.join(", ")),
            format!(
                "Invoice {number} on payout {} is also given for payout {}.",
                payout.id,
                others_with_same_number.join(", ")
            ),
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::periods::tests::contract;
    use crate::domain::contract::Settlement;
    use crate::domain::location::Location;
    use crate::domain::payout::Invoice;
    use crate::test_support::{d, day};

    fn reasons(problems: &[InvoiceProblem]) -> Vec<&str> {
        problems.iter().map(|problem| problem.reason).collect()
    }

    fn payout(invoice: Invoice) -> Payout {
        Payout {
            id: "P1".into(),
            contract_id: "C1".into(),
            paid_on: day("2025-05-10"),
            amount: d("10600.00"),
            currency: None,
            kind: None,
            period: None,
            installment: None,
            invoice,
            source: Location::file("payouts.csv".into()),
        }
    }

    fn good_invoice() -> Invoice {
        Invoice {
            number: Some("0451".into()),
            date: Some(day("2025-05-20")),
            amount: Some(d("10600")),
            tax_rate: Some(d("0.06")),
            kind: Some(InvoiceKind::VatSpecial),
            issuer: Some("91310000MA1FL0001X".into()),
        }
    }

    fn strict_contract() -> Contract {
        let mut strict = contract("2025-01-01", "2025-12-31", Settlement::Quarterly);
        strict.invoice = InvoiceKind::VatSpecial;
        strict.tax_rate = Some(d("0.06"));
        strict.agent_tax_id = Some("91310000MA1FL0001X".into());
        strict
    }

    #[test]
    fn a_correct_invoice_has_no_problem() {
        assert!(
            check(
                &payout(good_invoice()),
                &strict_contract(),
                d("0.01"),
                30,
                &[]
            )
            .is_empty()
        );
    }

    #[test]
    fn a_missing_invoice_is_the_only_problem_reported() {
        let problems = check(
            &payout(Invoice::default()),
            &strict_contract(),
            d("0.01"),
            30,
            &[],
        );
        assert_eq!(reasons(&problems), ["missing"]);
    }

    #[test]
    fn each_wrong_field_is_its_own_reason() {
        let invoice = Invoice {
            amount: Some(d("10000")),
            tax_rate: Some(d("0.13")),
            kind: Some(InvoiceKind::VatGeneral),
            issuer: Some("91440300MA5XXXXXXX".into()),
            date: Some(day("2025-07-01")),
            ..good_invoice()
        };
        let problems = check(&payout(invoice), &strict_contract(), d("0.01"), 30, &["P9"]);
        assert_eq!(
            reasons(&problems),
            [
                "amount",
                "tax_rate",
                "type",
                "issuer",
                "late_invoice",
                "duplicate"
            ]
        );
        assert!(
            problems[4].detail.contains("52 days after"),
            "{}",
            problems[4].detail
        );
    }

    #[test]
    fn contracts_without_an_invoice_requirement_are_not_checked() {
        let mut relaxed = strict_contract();
        relaxed.invoice = InvoiceKind::None;
        assert!(check(&payout(Invoice::default()), &relaxed, d("0.01"), 30, &[]).is_empty());
    }
}
