//! Audit of the billing lines (coverage, exclusions, control totals).

use super::*;

#[derive(Default, Clone)]
pub(crate) struct FileTotals {
    pub(crate) rows: usize,
    pub(crate) amount_read: Decimal,
    pub(crate) attributed_rows: usize,
    pub(crate) attributed_amount: Decimal,
    pub(crate) uncovered_rows: usize,
    pub(crate) uncovered_amount: Decimal,
    pub(crate) currency_rows: usize,
    pub(crate) currency_amount: Decimal,
    pub(crate) rejected_rows: usize,
}

pub(crate) struct BillingAudit {
    /// per contract: covered lines (date, weighted base)
    pub(crate) weighted: Vec<Vec<Weighted>>,
    /// per contract and month: (net, weighted)
    pub(crate) monthly: Vec<BTreeMap<(i64, i64), (Decimal, Decimal)>>,
    /// per table: (file, zip part)
    pub(crate) per_table: BTreeMap<(usize, usize), FileTotals>,
    pub(crate) uncovered: BTreeMap<(String, (i64, i64)), (usize, Decimal)>,
    /// (file, part, row, raw text)
    pub(crate) rejected: Vec<(usize, usize, usize, &'static str)>,
    /// (file, part, row, currency, net)
    pub(crate) mismatched: Vec<(usize, usize, usize, String, Decimal)>,
}

pub(crate) fn audit_billing(cs: &[Contract], files: &[BFile], lines: &[Line]) -> BillingAudit {
    let mut a = BillingAudit {
        weighted: vec![Vec::new(); cs.len()],
        monthly: vec![BTreeMap::new(); cs.len()],
        per_table: BTreeMap::new(),
        uncovered: BTreeMap::new(),
        rejected: Vec::new(),
        mismatched: Vec::new(),
    };
    for (fi, f) in files.iter().enumerate() {
        for part in 0..f.parts {
            a.per_table.insert((fi, part), FileTotals::default());
        }
    }
    for l in lines {
        let ft = a.per_table.get_mut(&(l.file, l.part)).expect("table");
        ft.rows += 1;
        if let Some(raw) = l.bad_net {
            ft.rejected_rows += 1;
            a.rejected.push((l.file, l.part, l.row, raw));
            continue;
        }
        ft.amount_read += l.net;
        // every layout dates its lines (docs/ARITHMETIC.md: the charge date, else the billing month's
        // first day)
        let date = l.charge_date;
        let covering: Vec<usize> = (0..cs.len())
            .filter(|&ci| {
                cs[ci].accounts.contains(&l.account.as_str())
                    && date >= cs[ci].start
                    && date <= cs[ci].end
            })
            .collect();
        assert!(covering.len() <= 1, "no overlapping contracts in the demo");
        match covering.first() {
            None => {
                assert!(
                    !cs.iter().any(|c| c.accounts.contains(&l.account.as_str())),
                    "every covered account's lines fall inside its term"
                );
                ft.uncovered_rows += 1;
                ft.uncovered_amount += l.net;
                let e = a.uncovered.entry((l.account.clone(), l.month)).or_default();
                e.0 += 1;
                e.1 += l.net;
            }
            Some(_) if l.currency != "CNY" => {
                ft.currency_rows += 1;
                ft.currency_amount += l.net;
                a.mismatched
                    .push((l.file, l.part, l.row, l.currency.to_string(), l.net));
            }
            Some(&ci) => {
                ft.attributed_rows += 1;
                ft.attributed_amount += l.net;
                let w = l.net * cs[ci].coeff(l.product);
                a.weighted[ci].push((date, w));
                let m = a.monthly[ci].entry(l.month).or_default();
                m.0 += l.net;
                m.1 += w;
            }
        }
    }
    a
}
