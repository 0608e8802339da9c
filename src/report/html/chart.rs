//! The expected-against-paid chart of report.html: inline SVG, one bar pair per contract.

use crate::domain::money::{format_money_grouped, group_thousands};
use crate::report::html_parts::escape;
use crate::report::totals::Totals;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::fmt::Write;
use std::str::FromStr;

/// Contracts per SVG: one chart of this many fits an A4 page.
const CHART_ROWS: usize = 24;
/// Geometry of a chart, in SVG units.
const WIDTH: u32 = 760;
const PLOT_LEFT: f64 = 190.0;
const PLOT_RIGHT: f64 = 640.0;
const TOP: u32 = 30;
const ROW: u32 = 36;
const BAR: u32 = 13;
const EXPECTED_COLOUR: &str = "#9db4d3";
const PAID_COLOUR: &str = "#2e6b3a";
const SHORT_COLOUR: &str = "#b3261e";
const DUE_COLOUR: &str = "#1b1b1b";

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

/// Horizontal bars, expected above paid, one pair per contract, with a mark where the
/// expected amount due by now ends; every chart shares one scale so bars compare across
/// pages. Coordinates are rounded to a tenth of a unit.
pub(super) fn write_chart(out: &mut String, totals: &Totals) {
    let amounts: Vec<[Decimal; 4]> = totals
        .per_contract
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
    let shown = || {
        amounts
            .iter()
            .flat_map(|[expected, due, paid, _]| [*expected, *due, *paid])
    };
    let low = shown().fold(Decimal::ZERO, Decimal::min);
    let high = shown().fold(Decimal::ZERO, Decimal::max);
    let (start, end, step) = axis(low, high);
    let zero = x_of(Decimal::ZERO, start, end);
    let count = totals.per_contract.len();
    for (chunk, contracts) in totals.per_contract.chunks(CHART_ROWS).enumerate() {
        let first = chunk * CHART_ROWS;
        let bottom = TOP + ROW * contracts.len() as u32;
        let height = bottom + 24;
        let _ = writeln!(
            out,
            "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"Expected and paid per contract, contracts {} to {} of {count}\">",
            first + 1,
            first + contracts.len()
        );
        let legend = PLOT_LEFT;
        let _ = writeln!(
            out,
            "<g class=\"legend\"><rect x=\"{legend}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{EXPECTED_COLOUR}\"/><text x=\"{}\" y=\"16\">expected</text><rect x=\"{}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{PAID_COLOUR}\"/><text x=\"{}\" y=\"16\">paid</text><rect x=\"{}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{SHORT_COLOUR}\"/><text x=\"{}\" y=\"16\">paid, contract short</text><line x1=\"{}\" y1=\"4\" x2=\"{}\" y2=\"20\" stroke=\"{DUE_COLOUR}\" stroke-width=\"2\"/><text x=\"{}\" y=\"16\">due by now</text></g>",
            legend + 16.0,
            legend + 80.0,
            legend + 96.0,
            legend + 140.0,
            legend + 156.0,
            legend + 286.0,
            legend + 286.0,
            legend + 292.0
        );
        out.push_str("<g class=\"axis\">");
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
        for (index, (total, [expected, due, paid, shortfall])) in contracts
            .iter()
            .zip(&amounts[first..first + contracts.len()])
            .enumerate()
        {
            let top = TOP + ROW * index as u32 + 4;
            let short = *shortfall > Decimal::ZERO;
            let _ = write!(
                out,
                "<g class=\"contract\"><title>{}: expected {}, due by now {}, paid {}, short {}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                escape(&total.contract_id),
                escape(&group_thousands(&total.expected)),
                escape(&group_thousands(&total.due)),
                escape(&group_thousands(&total.paid)),
                escape(&group_thousands(&total.shortfall)),
                PLOT_LEFT - 8.0,
                top + BAR + 5,
                escape(&short_label(&total.contract_id))
            );
            for (offset, value, colour, text) in [
                (0, *expected, EXPECTED_COLOUR, &total.expected),
                (
                    BAR + 2,
                    *paid,
                    if short { SHORT_COLOUR } else { PAID_COLOUR },
                    &total.paid,
                ),
            ] {
                let x = x_of(value, start, end);
                let (left, right) = if x < zero { (x, zero) } else { (zero, x) };
                let y = top + offset;
                let _ = write!(
                    out,
                    "<rect x=\"{left}\" y=\"{y}\" width=\"{:.1}\" height=\"{BAR}\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{}\">{}</text>",
                    right - left,
                    right + 4.0,
                    y + BAR - 3,
                    escape(&group_thousands(text))
                );
            }
            if due != expected {
                let x = x_of(*due, start, end);
                let _ = write!(
                    out,
                    "<line class=\"due\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{DUE_COLOUR}\" stroke-width=\"2\"/>",
                    top - 2,
                    top + BAR + 1
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
