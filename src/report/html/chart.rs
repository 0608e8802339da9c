//! The per-contract chart of report.html: inline SVG, four bars per contract (expected,
//! due by now, paid, short) at one scale.

use crate::domain::money::{format_money_grouped, group_thousands};
use crate::report::html_parts::escape;
use crate::report::i18n::Labels;
use crate::report::totals::ContractTotal;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::fmt::Write;
use std::str::FromStr;

/// Contracts per SVG: one chart of this many fits an A4 page.
const CHART_ROWS: usize = 16;
/// Geometry of a chart, in SVG units.
const WIDTH: u32 = 760;
const PLOT_LEFT: f64 = 190.0;
const PLOT_RIGHT: f64 = 640.0;
const TOP: u32 = 30;
const ROW: u32 = 50;
const BAR: u32 = 9;
const GAP: u32 = 2;
/// Room for each entry of the legend.
const LEGEND_STEP: f64 = 112.0;
const EXPECTED_COLOUR: &str = "#9db4d3";
const DUE_COLOUR: &str = "#3f6fa8";
const PAID_COLOUR: &str = "#2e6b3a";
const SHORT_COLOUR: &str = "#b3261e";

/// A money string as a number; what is not a number counts as zero.
fn amount(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_default()
}

/// The axis: a round step (1, 2 or 5 × a power of ten, at least 0.01) giving about five
/// intervals, and the domain widened to whole steps around `low..=high`.
fn axis(low: Decimal, high: Decimal) -> (Decimal, Decimal, Decimal) {
    let range = high.checked_sub(low).unwrap_or(Decimal::MAX);
    if range.is_zero() {
        return (low, low.saturating_add(Decimal::ONE), Decimal::ONE);
    }
    let target = range.checked_div(Decimal::from(5)).unwrap_or(range);
    let mut magnitude = Decimal::new(1, 2);
    let step = 'search: loop {
        for multiple in [1, 2, 5] {
            let step = magnitude.saturating_mul(Decimal::from(multiple));
            if step >= target {
                break 'search step;
            }
        }
        match magnitude.checked_mul(Decimal::TEN) {
            Some(next) => magnitude = next,
            None => break range,
        }
    };
    let whole_steps = |value: Decimal, round: fn(&Decimal) -> Decimal| {
        value
            .checked_div(step)
            .map_or(value, |steps| round(&steps).saturating_mul(step))
    };
    let start = whole_steps(low, Decimal::floor);
    let end = whole_steps(high, Decimal::ceil);
    (start, end, step)
}

/// Where an amount falls on the x axis of `start..end`, to a tenth of a unit.
fn x_of(value: Decimal, start: Decimal, end: Decimal) -> f64 {
    let share = value
        .checked_sub(start)
        .zip(end.checked_sub(start))
        .and_then(|(offset, range)| offset.checked_div(range))
        .and_then(|share| share.to_f64())
        .unwrap_or(0.0)
        .clamp(0.0, 1.0);
    ((PLOT_LEFT + share * (PLOT_RIGHT - PLOT_LEFT)) * 10.0).round() / 10.0
}

/// An axis label: whole numbers when the step is whole, else cents.
fn tick_label(value: Decimal, step: Decimal) -> String {
    if step.fract().is_zero() {
        group_thousands(&value.trunc().to_string())
    } else {
        format_money_grouped(value)
    }
}

/// At most 28 characters of a contract id, ellipsis if cut (the whole id is in the title).
fn short_label(text: &str) -> String {
    if text.chars().count() <= 28 {
        text.to_string()
    } else {
        text.chars().take(27).chain(['…']).collect()
    }
}

/// The four marks of a contract, top to bottom: class, colour, and which of the amounts.
const MARKS: [(&str, &str); 4] = [
    ("expected", EXPECTED_COLOUR),
    ("due", DUE_COLOUR),
    ("paid", PAID_COLOUR),
    ("short", SHORT_COLOUR),
];

/// Horizontal bars, four per contract from the zero line: expected (every installment),
/// due by now, paid, and the shortfall — each its own mark at the one scale all charts
/// share, so a small shortfall shows at its size beside a large payment and bars compare
/// across pages. A contract short of nothing has no shortfall mark. Each contract's group
/// has a title naming its amounts (what a screen reader says); coordinates are rounded to
/// a tenth of a unit.
pub(super) fn write_chart(out: &mut String, per_contract: &[ContractTotal], words: &Labels) {
    let amounts: Vec<[Decimal; 4]> = per_contract
        .iter()
        .map(|total| {
            [
                amount(&total.expected),
                amount(&total.due),
                amount(&total.paid),
                amount(&total.shortfall),
            ]
        })
        .collect();
    let shown = || amounts.iter().flatten().copied();
    let low = shown().fold(Decimal::ZERO, Decimal::min);
    let high = shown().fold(Decimal::ZERO, Decimal::max);
    let (start, end, step) = axis(low, high);
    let zero = x_of(Decimal::ZERO, start, end);
    let count = per_contract.len();
    for (chunk, contracts) in per_contract.chunks(CHART_ROWS).enumerate() {
        let first = chunk * CHART_ROWS;
        let bottom = TOP + ROW * contracts.len() as u32;
        let height = bottom + 24;
        let _ = writeln!(
            out,
            "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
            escape(&words.chart_label(first + 1, first + contracts.len(), count))
        );
        out.push_str("<g class=\"legend\">");
        let legend = [
            words.legend_expected,
            words.legend_due,
            words.legend_paid,
            words.legend_short,
        ];
        for (index, ((class, colour), label)) in MARKS.iter().zip(legend).enumerate() {
            let x = PLOT_LEFT + LEGEND_STEP * index as f64;
            let _ = write!(
                out,
                "<rect class=\"key {class}\" x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{colour}\"/><text x=\"{}\" y=\"16\">{}</text>",
                x + 16.0,
                escape(label)
            );
        }
        out.push_str("</g>\n<g class=\"axis\">");
        let mut tick = start;
        while tick <= end {
            let x = x_of(tick, start, end);
            let colour = if tick.is_zero() { "#555" } else { "#ddd" };
            let _ = write!(
                out,
                "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{bottom}\" stroke=\"{colour}\" stroke-width=\"1\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                TOP - 4,
                bottom + 15,
                escape(&tick_label(tick, step))
            );
            match tick.checked_add(step) {
                Some(next) => tick = next,
                None => break,
            }
        }
        out.push_str("</g>\n");
        for (index, (total, values)) in contracts
            .iter()
            .zip(&amounts[first..first + contracts.len()])
            .enumerate()
        {
            let top = TOP + ROW * index as u32 + 3;
            let texts = [&total.expected, &total.due, &total.paid, &total.shortfall];
            let shown: [String; 4] = texts.map(|text| group_thousands(text));
            let _ = write!(
                out,
                "<g class=\"contract\"><title>{}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                escape(&words.chart_contract(
                    &total.contract_id,
                    [&shown[0], &shown[1], &shown[2], &shown[3]]
                )),
                PLOT_LEFT - 8.0,
                top + 2 * (BAR + GAP) + 2,
                escape(&short_label(&total.contract_id))
            );
            for (mark, ((class, colour), (value, text))) in
                MARKS.iter().zip(values.iter().zip(&shown)).enumerate()
            {
                if *class == "short" && *value <= Decimal::ZERO {
                    continue;
                }
                let x = x_of(*value, start, end);
                let (left, right) = if x < zero { (x, zero) } else { (zero, x) };
                let y = top + (BAR + GAP) * mark as u32;
                let _ = write!(
                    out,
                    "<rect class=\"{class}\" x=\"{left}\" y=\"{y}\" width=\"{:.1}\" height=\"{BAR}\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{}\">{}</text>",
                    right - left,
                    right + 4.0,
                    y + BAR - 1,
                    escape(text)
                );
            }
            out.push_str("</g>\n");
        }
        out.push_str("</svg>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lang::Lang;
    use crate::report::i18n::labels;
    use crate::report::totals::{Headline, Totals};

    /// Totals of contracts given as (id, expected, due by now, paid, short).
    fn totals(contracts: &[(&str, &str, &str, &str, &str)]) -> Totals {
        Totals {
            contracts: contracts.len(),
            installments: 0,
            expected: String::new(),
            paid: String::new(),
            headline: Headline::default(),
            by_currency: Default::default(),
            findings: 0,
            by_severity: Default::default(),
            by_type: Default::default(),
            per_contract: contracts
                .iter()
                .map(|(id, expected, due, paid, short)| ContractTotal {
                    contract_id: (*id).into(),
                    customer: String::new(),
                    agent: String::new(),
                    weighted_base: String::new(),
                    expected: (*expected).into(),
                    due: (*due).into(),
                    paid: (*paid).into(),
                    shortfall: (*short).into(),
                    paid_against_due: (*paid).into(),
                    not_yet_due: "0.00".into(),
                    conditional: "0.00".into(),
                    excess: "0.00".into(),
                    currency: "CNY".into(),
                    findings: 0,
                })
                .collect(),
            stakes: Vec::new(),
        }
    }

    /// The marks of `class` in an SVG: (x, width), in order.
    fn marks(svg: &str, class: &str) -> Vec<(f64, f64)> {
        svg.split(&format!("<rect class=\"{class}\" "))
            .skip(1)
            .map(|rest| {
                let value = |name: &str| -> f64 {
                    let at = rest.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                    rest[at..at + rest[at..].find('"').unwrap()]
                        .parse()
                        .unwrap()
                };
                (value("x"), value("width"))
            })
            .collect()
    }

    #[test]
    fn a_small_shortfall_is_its_own_mark_at_the_scale_of_the_others() {
        // Short by 3,600 of 100,000: the axis runs 0 to 100,000 over 450 units, so the
        // shortfall is 16.2 units wide beside a paid bar of 433.8.
        let totals = totals(&[
            ("C1", "100000.00", "100000.00", "96400.00", "3600.00"),
            ("C2", "50000.00", "20000.00", "20000.00", "0.00"),
        ]);
        let mut svg = String::new();
        write_chart(&mut svg, &totals.per_contract, labels(Lang::En));
        assert_eq!(marks(&svg, "expected"), [(190.0, 450.0), (190.0, 225.0)]);
        assert_eq!(marks(&svg, "due"), [(190.0, 450.0), (190.0, 90.0)]);
        assert_eq!(marks(&svg, "paid"), [(190.0, 433.8), (190.0, 90.0)]);
        // C2 is short of nothing: no shortfall mark.
        assert_eq!(marks(&svg, "short"), [(190.0, 16.2)]);
        assert!(svg.contains(">3,600.00</text>"), "{svg}");
        // A legend naming the four marks, and names a screen reader reads.
        for (key, label) in [
            ("expected", "expected"),
            ("due", "due by now"),
            ("paid", "paid"),
            ("short", "short"),
        ] {
            let at = svg.find(&format!("<rect class=\"key {key}\"")).unwrap();
            assert!(svg[at..].contains(&format!(">{label}</text>")), "{key}");
        }
        assert!(svg.contains("role=\"img\" aria-label=\"Expected, due by now, paid and short per contract, at one scale; contracts 1 to 2 of 2\""));
        assert!(svg.contains(
            "<title>C1: expected 100,000.00, due by now 100,000.00, paid 96,400.00, short 3,600.00</title>"
        ));
        let mut chinese = String::new();
        write_chart(&mut chinese, &totals.per_contract, labels(Lang::Zh));
        assert!(chinese.contains(">少付</text>") && chinese.contains("<title>C1：应付 100,000.00"));
    }

    #[test]
    fn the_axis_steps_by_round_amounts() {
        let d = |text: &str| Decimal::from_str(text).unwrap();
        assert_eq!(
            axis(d("0"), d("704400")),
            (d("0"), d("800000"), d("200000"))
        );
        assert_eq!(
            axis(d("-1500"), d("9000")),
            (d("-5000"), d("10000"), d("5000"))
        );
        assert_eq!(axis(d("0"), d("0.03")), (d("0"), d("0.03"), d("0.01")));
        assert_eq!(axis(d("0"), d("0")), (d("0"), d("1"), d("1")));
        let (start, end, _) = axis(d("0"), d("704400"));
        assert_eq!(x_of(d("0"), start, end), PLOT_LEFT);
        assert_eq!(x_of(d("800000"), start, end), PLOT_RIGHT);
        assert_eq!(x_of(d("704400"), start, end), 586.2);
        assert_eq!(tick_label(d("200000"), d("200000")), "200,000");
        assert_eq!(tick_label(d("0.02"), d("0.01")), "0.02");
    }
}
