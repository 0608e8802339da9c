//! The payout ledger: most installments paid exactly and on time, some late, short, over or not at all; some invoices missing or late.

use super::*;

/// Writes the payout ledger from what each contract's installments expect, and returns
/// (installments expecting money, payout rows).
pub(super) fn write_payouts(
    path: &Path,
    spec: &Spec,
    world: &World,
    weighted: &[Vec<i128>],
) -> io::Result<(usize, usize)> {
    let as_of = NaiveDate::from_ymd_opt(AS_OF.0, AS_OF.1, AS_OF.2).expect("a date");
    let mut random = Rng::new(spec.seed ^ 0xFA1D);
    struct Row {
        paid_on: NaiveDate,
        contract: usize,
        amount: Decimal,
        period: Option<String>,
        installment: Option<usize>,
        invoice: Option<(String, NaiveDate)>,
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut installments = 0;
    for (index, contract) in world.contracts.iter().enumerate() {
        let base: Vec<Decimal> = weighted[index]
            .iter()
            .map(|&units| Decimal::from_i128_with_scale(units, 4))
            .collect();
        let terms = Terms {
            start_month: contract.start_month,
            months: contract.months,
            basis: contract.basis,
            mode: contract.mode,
            settlement: contract.settlement,
            tiers: &contract.tiers,
            cap: contract.cap,
            schedule: &contract.schedule,
            due_days: contract.due_days,
        };
        for period in rebate::expected(&terms, &base) {
            let months = period.last_month - period.first_month + 1;
            let label = if months == 3 && period.first_month % 3 == 0 {
                format!(
                    "{}-Q{}",
                    2024 + period.first_month / 12,
                    period.first_month % 12 / 3 + 1
                )
            } else if months == 12 && period.first_month % 12 == 0 {
                format!("{}", 2024 + period.first_month / 12)
            } else {
                format!(
                    "{}-{:02}",
                    2024 + period.first_month / 12,
                    period.first_month % 12 + 1
                )
            };
            let split = period.installments.len() > 1;
            for (number, &expected) in period.installments.iter().enumerate() {
                if expected < Decimal::new(1, 2) && !spec.group {
                    continue;
                }
                installments += 1;
                // A group-wide audit pays each contract-quarter once, a random amount
                // (most of them wrong), on time.
                let fate = if spec.group { 1000 } else { random.below(1000) };
                let mut amount = expected;
                let mut paid_on = period
                    .due
                    .checked_sub_days(Days::new(random.below(10)))
                    .expect("a date")
                    .max(period.end + Days::new(1));
                match fate {
                    0..30 => continue, // never paid
                    30..70 => amount = (expected * Decimal::new(9, 1)).round_dp(2),
                    70..100 => {
                        amount = expected
                            + (expected * Decimal::new(2, 2))
                                .round_dp(2)
                                .max(Decimal::ONE)
                    }
                    100..140 => paid_on = period.due + Days::new(random.between(5, 60)),
                    _ if spec.group => {
                        amount = Decimal::new(random.between(100, 10_000_000) as i64, 2);
                    }
                    _ => {}
                }
                if paid_on > as_of {
                    continue;
                }
                let invoice = (contract.invoice != Invoice::None
                    && contract.payout_kind == "cash"
                    && !random.chance(20))
                .then(|| {
                    let late = if random.chance(10) {
                        45
                    } else {
                        random.below(12)
                    };
                    (
                        format!(
                            "{}{:018}",
                            paid_on.format("%y"),
                            mix(spec.seed, rows.len() as u64) % 1_000_000_000_000_000_000
                        ),
                        paid_on + Days::new(late),
                    )
                });
                rows.push(Row {
                    paid_on,
                    contract: index,
                    amount,
                    period: (split || spec.group || !random.chance(100)).then(|| label.clone()),
                    installment: split.then_some(number + 1),
                    invoice,
                });
            }
        }
    }
    rows.sort_by_key(|row| (row.paid_on, row.contract));
    let temporary = path.with_extension("csv.partial");
    let mut writer = csv::Writer::from_writer(BufWriter::new(File::create(&temporary)?));
    writer.write_record([
        "payout_id",
        "contract_id",
        "paid_on",
        "amount",
        "currency",
        "kind",
        "period",
        "installment",
        "invoice_no",
        "invoice_date",
        "invoice_amount",
        "invoice_tax_rate",
        "invoice_type",
        "invoice_issuer",
    ])?;
    for (number, row) in rows.iter().enumerate() {
        let contract = &world.contracts[row.contract];
        let (invoice_no, invoice_date, invoice_amount, rate, kind, issuer) = match &row.invoice {
            Some((no, date)) => (
                no.clone(),
                date.to_string(),
                format!("{:.2}", row.amount),
                "6%",
                if contract.invoice == Invoice::Special {
                    "专票"
                } else {
                    "普票"
                },
                tax_id(contract.agent),
            ),
            None => Default::default(),
        };
        writer.write_record([
            format!("LS{}{:06}", row.paid_on.format("%Y%m%d"), number),
            contract.id.clone(),
            row.paid_on.to_string(),
            format!("{:.2}", row.amount),
            "CNY".to_string(),
            contract.payout_kind.to_string(),
            row.period.clone().unwrap_or_default(),
            row.installment
                .map(|number| number.to_string())
                .unwrap_or_default(),
            invoice_no,
            invoice_date,
            invoice_amount,
            rate.to_string(),
            kind.to_string(),
            issuer,
        ])?;
    }
    writer.flush()?;
    drop(writer);
    std::fs::rename(&temporary, path)?;
    Ok((installments, rows.len()))
}
