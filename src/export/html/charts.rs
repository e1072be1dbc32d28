//! The HTML report's charts, drawn as inline SVG in Rust so the page needs no script and no
//! network: spend per day stacked by model, horizontal spend bars, and the policies' savings
//! against their risk of degraded answers.

use std::collections::BTreeMap;
use std::fmt::{self, Write};

use super::escape;
use crate::export::{GroupReport, PolicyReport, SpendPoint};
use crate::human::usd;

/// Models drawn apart in the spend chart; the rest are stacked as one "other" series.
const TOP_MODELS: usize = 8;

/// One fill per drawn model, in order of spend; chosen to stay apart for common colour blindness
/// as far as eight hues can.
const SERIES_COLOURS: [&str; TOP_MODELS] = [
    "#3b6fb6", "#e07b39", "#3f9e6e", "#c9453f", "#8462b5", "#a0743c", "#d46aa8", "#5aa7b8",
];

/// The "other" series' fill: grey, so it reads as the remainder.
const OTHER_COLOUR: &str = "#9aa0a6";

/// Day labels under the spend chart at most; more days label every n-th day.
const MAX_DAY_LABELS: usize = 12;

/// One legend entry of a chart, drawn in HTML beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendEntry {
    pub label: String,
    pub colour: &'static str,
    pub cost_usd: f64,
}

/// A chart's drawing area inside its SVG view box.
struct Frame {
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl Frame {
    fn plot_width(&self) -> f64 {
        self.width - self.left - self.right
    }

    fn plot_height(&self) -> f64 {
        self.height - self.top - self.bottom
    }

    fn open(&self, out: &mut String, class: &str, label: &str) -> fmt::Result {
        writeln!(
            out,
            "<svg class=\"chart {class}\" viewBox=\"0 0 {:.0} {:.0}\" role=\"img\" aria-label=\"{}\">",
            self.width,
            self.height,
            escape(label)
        )
    }
}

/// A value fit to draw: NaN and infinities (never expected in a report) count as zero.
fn finite(value: f64) -> f64 {
    if value.is_finite() { value } else { 0.0 }
}

/// A round step (1, 2 or 5 times a power of ten) cutting `span` into about `ticks` parts.
fn nice_step(span: f64, ticks: f64) -> f64 {
    let raw = span / ticks;
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = match raw / magnitude {
        n if n <= 1.0 => 1.0,
        n if n <= 2.0 => 2.0,
        n if n <= 5.0 => 5.0,
        _ => 10.0,
    };
    step * magnitude
}

/// A tick value with as many decimals as its step needs (`0.05` → two, `20` → none).
fn tick_label(value: f64, step: f64, prefix: &str) -> String {
    let decimals = (-step.log10().floor()).clamp(0.0, 8.0) as usize;
    let value = if value.abs() < step / 2.0 { 0.0 } else { value };
    let sign = if value < 0.0 { "-" } else { "" };
    format!("{sign}{prefix}{:.*}", decimals, value.abs())
}

/// Ticks from `low` to `high`, both rounded out to whole steps.
fn ticks(low: f64, high: f64, count: f64) -> (f64, f64, f64) {
    let step = nice_step(high - low, count);
    let low = (low / step).floor() * step;
    let high = ((high / step).ceil() * step).max(low + step);
    (low, high, step)
}

/// Horizontal grid lines with labels on the left, from `low` to `high` by `step`.
fn y_axis(out: &mut String, frame: &Frame, (low, high, step): (f64, f64, f64)) -> fmt::Result {
    let steps = ((high - low) / step).round() as i64;
    for i in 0..=steps {
        let value = low + i as f64 * step;
        let y = frame.top + frame.plot_height() * (1.0 - (value - low) / (high - low));
        let class = if value.abs() < step / 2.0 {
            "axis"
        } else {
            "grid"
        };
        writeln!(
            out,
            "<line class=\"{class}\" x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            frame.left,
            frame.width - frame.right,
            frame.left - 8.0,
            y + 4.0,
            tick_label(value, step, "$"),
        )?;
    }
    Ok(())
}

/// Spend per day, stacked by model: the [`TOP_MODELS`] with most spend, the rest as "other".
/// Returns the SVG and its legend, or `None` when there is no spend to draw.
pub fn spend_over_time(
    points: &[SpendPoint],
) -> Result<Option<(String, Vec<LegendEntry>)>, fmt::Error> {
    let mut model_totals: BTreeMap<&str, f64> = BTreeMap::new();
    for point in points {
        *model_totals.entry(&point.model).or_default() += finite(point.cost_usd);
    }
    let mut models: Vec<(&str, f64)> = model_totals.into_iter().collect();
    models.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let others = models.len().saturating_sub(TOP_MODELS);
    let mut legend: Vec<LegendEntry> = models
        .iter()
        .zip(SERIES_COLOURS)
        .map(|(&(model, cost), colour)| LegendEntry {
            label: model.to_string(),
            colour,
            cost_usd: cost,
        })
        .collect();
    if others > 0 {
        legend.push(LegendEntry {
            label: format!("other ({others} models)"),
            colour: OTHER_COLOUR,
            cost_usd: models[TOP_MODELS..].iter().map(|m| m.1).sum(),
        });
    }
    let series_of = |model: &str| {
        models[..models.len().min(TOP_MODELS)]
            .iter()
            .position(|m| m.0 == model)
            .unwrap_or(TOP_MODELS)
    };

    // ISO days sort in time order.
    let mut days: BTreeMap<&str, [f64; TOP_MODELS + 1]> = BTreeMap::new();
    for point in points {
        days.entry(&point.day).or_insert([0.0; TOP_MODELS + 1])[series_of(&point.model)] +=
            finite(point.cost_usd);
    }
    let highest = days
        .values()
        .map(|series| series.iter().sum::<f64>())
        .fold(0.0, f64::max);
    if days.is_empty() || highest <= 0.0 {
        return Ok(None);
    }

    let frame = Frame {
        width: 960.0,
        height: 320.0,
        left: 72.0,
        right: 16.0,
        top: 14.0,
        bottom: 44.0,
    };
    let axis = ticks(0.0, highest, 5.0);
    let scale = frame.plot_height() / axis.1;
    let slot = frame.plot_width() / days.len() as f64;
    let bar = (slot * 0.8).max(1.0);
    let label_every = days.len().div_ceil(MAX_DAY_LABELS);

    let mut svg = String::new();
    frame.open(
        &mut svg,
        "spend-over-time",
        "Spend per day, stacked by model",
    )?;
    y_axis(&mut svg, &frame, axis)?;
    for (index, (day, series)) in days.iter().enumerate() {
        let x = frame.left + slot * index as f64 + (slot - bar) / 2.0;
        let mut base = frame.top + frame.plot_height();
        for (entry, &cost) in legend.iter().zip(series.iter()) {
            if cost <= 0.0 {
                continue;
            }
            let height = cost * scale;
            base -= height;
            writeln!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{base:.1}\" width=\"{bar:.1}\" height=\"{height:.1}\" \
                 fill=\"{}\"><title>{} · {}: {}</title></rect>",
                entry.colour,
                escape(day),
                escape(&entry.label),
                usd(cost)
            )?;
        }
        if index % label_every == 0 {
            writeln!(
                svg,
                "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x + bar / 2.0,
                frame.top + frame.plot_height() + 16.0,
                escape(day)
            )?;
        }
    }
    write!(
        svg,
        "<text class=\"axis-title\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">day ({} days with spend)</text></svg>",
        frame.left + frame.plot_width() / 2.0,
        frame.height - 6.0,
        days.len()
    )?;
    Ok(Some((svg, legend)))
}

/// Spend per group as horizontal bars, labelled with cost and share of the baseline.
/// `None` when there are no groups.
pub fn spend_bars(label: &str, groups: &[GroupReport]) -> Result<Option<String>, fmt::Error> {
    if groups.is_empty() {
        return Ok(None);
    }
    let row = 26.0;
    let frame = Frame {
        width: 460.0,
        height: row * groups.len() as f64 + 8.0,
        left: 118.0,
        right: 128.0,
        top: 4.0,
        bottom: 4.0,
    };
    let highest = groups
        .iter()
        .map(|g| finite(g.cost_usd))
        .fold(0.0, f64::max);
    let mut svg = String::new();
    frame.open(&mut svg, "bars", label)?;
    for (index, group) in groups.iter().enumerate() {
        let y = frame.top + row * index as f64;
        let cost = finite(group.cost_usd).max(0.0);
        let width = if highest > 0.0 {
            frame.plot_width() * cost / highest
        } else {
            0.0
        };
        let share = finite(group.spend_share_pct);
        writeln!(
            svg,
            "<text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"{:.1}\">\
             <title>{}: {} ({share:.1}% of spend; calls: {})</title></rect>\
             <text class=\"value\" x=\"{:.1}\" y=\"{:.1}\">{} · {share:.1}%</text>",
            frame.left - 8.0,
            y + row / 2.0 + 4.0,
            escape(&group.key),
            frame.left,
            y + 4.0,
            row - 8.0,
            escape(&group.key),
            usd(cost),
            group.calls,
            frame.left + width + 6.0,
            y + row / 2.0 + 4.0,
            usd(cost),
        )?;
    }
    svg.push_str("</svg>");
    Ok(Some(svg))
}

/// A label's box, to keep policy names from printing over each other.
struct LabelBox {
    x: f64,
    y: f64,
    width: f64,
}

impl LabelBox {
    /// Label text is 11px: about 6.2px a character, 13px a line.
    fn of(x: f64, y: f64, text: &str) -> LabelBox {
        LabelBox {
            x,
            y,
            width: 6.2 * text.chars().count() as f64,
        }
    }

    fn overlaps(&self, other: &LabelBox) -> bool {
        self.x < other.x + other.width
            && other.x < self.x + self.width
            && (self.y - other.y).abs() < 13.0
    }
}

/// Each policy's savings (y) against its expected degraded answers (x), with the 95% interval
/// as a horizontal whisker; the frontier (policies nothing dominates) drawn solid and joined.
/// `None` when there are no policies.
pub fn policy_scatter(policies: &[PolicyReport]) -> Result<Option<String>, fmt::Error> {
    if policies.is_empty() {
        return Ok(None);
    }
    let frame = Frame {
        width: 960.0,
        height: 380.0,
        left: 80.0,
        right: 150.0,
        top: 16.0,
        bottom: 46.0,
    };
    let widest = policies
        .iter()
        .map(|p| finite(p.risk.degraded_calls_high).max(finite(p.risk.expected_degraded_calls)))
        .fold(0.0, f64::max);
    let (_, x_high, x_step) = ticks(0.0, widest.max(1.0), 6.0);
    let savings = policies.iter().map(|p| finite(p.savings_usd));
    let y_low = savings.clone().fold(0.0, f64::min);
    let y_high = savings.fold(0.0, f64::max);
    let y_axis_range = if y_high - y_low > 0.0 {
        ticks(y_low, y_high, 5.0)
    } else {
        (0.0, 1.0, 0.2)
    };
    let (y_min, y_max, _) = y_axis_range;
    // Zero risk sits a little right of the axis, so points there clear the savings labels.
    let pad = 14.0;
    let x_of = |value: f64| {
        frame.left + pad + (frame.plot_width() - pad) * finite(value).max(0.0) / x_high
    };
    let y_of = |value: f64| {
        frame.top + frame.plot_height() * (1.0 - (finite(value) - y_min) / (y_max - y_min))
    };

    let mut svg = String::new();
    frame.open(
        &mut svg,
        "scatter",
        "Policies: savings against expected degraded answers",
    )?;
    y_axis(&mut svg, &frame, y_axis_range)?;
    let x_steps = (x_high / x_step).round() as i64;
    for i in 0..=x_steps {
        let value = i as f64 * x_step;
        let x = x_of(value);
        writeln!(
            svg,
            "<line class=\"{}\" x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\"/>\
             <text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            if i == 0 { "axis" } else { "grid" },
            frame.top,
            frame.top + frame.plot_height(),
            frame.top + frame.plot_height() + 16.0,
            tick_label(value, x_step, ""),
        )?;
    }

    let mut frontier: Vec<&PolicyReport> = policies
        .iter()
        .filter(|p| p.dominated_by.is_none())
        .collect();
    frontier.sort_by(|a, b| {
        a.risk
            .expected_degraded_calls
            .total_cmp(&b.risk.expected_degraded_calls)
            .then(a.savings_usd.total_cmp(&b.savings_usd))
    });
    if frontier.len() > 1 {
        svg.push_str("<polyline class=\"frontier\" points=\"");
        for (i, policy) in frontier.iter().enumerate() {
            let separator = if i == 0 { "" } else { " " };
            write!(
                svg,
                "{separator}{:.1},{:.1}",
                x_of(policy.risk.expected_degraded_calls),
                y_of(policy.savings_usd)
            )?;
        }
        svg.push_str("\"/>\n");
    }

    let mut placed: Vec<LabelBox> = Vec::new();
    for policy in policies {
        let risk = &policy.risk;
        let (x, y) = (x_of(risk.expected_degraded_calls), y_of(policy.savings_usd));
        let (low, high) = (
            x_of(risk.degraded_calls_low),
            x_of(risk.degraded_calls_high),
        );
        let class = if policy.dominated_by.is_none() {
            "point on-frontier"
        } else {
            "point dominated"
        };
        if high > low {
            write!(
                svg,
                "<path class=\"whisker\" d=\"M{low:.1} {y:.1}H{high:.1}M{low:.1} {:.1}V{:.1}M{high:.1} {:.1}V{:.1}\"/>",
                y - 5.0,
                y + 5.0,
                y - 5.0,
                y + 5.0
            )?;
        }
        write!(
            svg,
            "<circle class=\"{class}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"6\"><title>{}: saves {} \
             (risk-free {}, with risk {}); expected degraded answers {:.2} (95%: {:.2} to {:.2})</title></circle>",
            escape(&policy.name),
            usd(policy.savings_usd),
            usd(policy.risk_free_savings_usd),
            usd(policy.risky_savings_usd),
            risk.expected_degraded_calls,
            risk.degraded_calls_low,
            risk.degraded_calls_high,
        )?;
        let mut label = LabelBox::of(x + 9.0, y - 7.0, &policy.name);
        for shift in [13.0, -26.0, 39.0, -52.0, 65.0, -78.0] {
            if !placed.iter().any(|other| other.overlaps(&label)) {
                break;
            }
            label.y += shift;
        }
        writeln!(
            svg,
            "<text class=\"label\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            label.x,
            label.y + 4.0,
            escape(&policy.name)
        )?;
        placed.push(label);
    }
    write!(
        svg,
        "<text class=\"axis-title\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">expected degraded answers \
         (whisker: 95% interval)</text><text class=\"axis-title\" transform=\"translate(16 {:.1}) rotate(-90)\" \
         text-anchor=\"middle\">savings (USD)</text></svg>",
        frame.left + frame.plot_width() / 2.0,
        frame.height - 6.0,
        frame.top + frame.plot_height() / 2.0,
    )?;
    Ok(Some(svg))
}
