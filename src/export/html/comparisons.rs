//! The HTML report's closing sections: `--group-by` tables, the diff against a previous
//! report and the `--fail-*` gates. Each is left out when the run has none.

use std::fmt::{self, Write as _};

use super::{escape, head, row};
use crate::export::{BaselineDiff, GateReport, GroupReport, GroupingReport};
use crate::human::{count, usd};

/// Section 6a: one table per `--group-by` key, each row with a bar of its share.
pub(super) fn write_groups(out: &mut String, groupings: &[GroupingReport]) -> fmt::Result {
    if groupings.is_empty() {
        return Ok(());
    }
    out.push_str("<section id=\"groups\"><h2>Groupings</h2>");
    for grouping in groupings {
        write!(out, "<h3>By {}</h3>", escape(&grouping.by))?;
        head(
            out,
            &[
                "group",
                "calls",
                "unpriced",
                "input",
                "cache read",
                "output",
                "cost",
                "share",
            ],
        )?;
        for group in &grouping.groups {
            write_group_row(out, group)?;
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</section>\n");
    Ok(())
}

fn write_group_row(out: &mut String, group: &GroupReport) -> fmt::Result {
    let share = if group.spend_share_pct.is_finite() {
        group.spend_share_pct.clamp(0.0, 100.0)
    } else {
        0.0
    };
    row(
        out,
        &[
            escape(&group.key),
            count(group.calls),
            count(group.unpriced_calls),
            count(group.input_tokens),
            count(group.cache_read_tokens),
            count(group.output_tokens),
            usd(group.cost_usd),
            format!(
                "<span class=\"share\"><span style=\"width:{share:.1}%\"></span></span>{:.1}%",
                group.spend_share_pct
            ),
        ],
    )
}

/// Section 6b: this run against a previous report.
pub(super) fn write_baseline_diff(out: &mut String, diff: &BaselineDiff) -> fmt::Result {
    let change_pct = diff
        .change_pct
        .map(|p| format!(" ({p:+.1}%)"))
        .unwrap_or_default();
    let sign = if diff.change_usd >= 0.0 { "+" } else { "-" };
    write!(
        out,
        "<section id=\"baseline-diff\"><h2>Against the previous report</h2><p>Previous report \
         <code>{}</code>: {} then, {} now, <strong>{sign}{}{change_pct}</strong>.</p>",
        escape(&diff.previous),
        usd(diff.previous_cost_usd),
        usd(diff.cost_usd),
        usd(diff.change_usd.abs()),
    )?;
    for (title, models, warn) in [
        ("New models", &diff.new_models, false),
        ("Models gone", &diff.gone_models, false),
        ("New unpriced models", &diff.new_unpriced_models, true),
    ] {
        if models.is_empty() {
            continue;
        }
        let names: Vec<String> = models
            .iter()
            .map(|m| format!("<code>{}</code>", escape(m)))
            .collect();
        let class = if warn { "alert" } else { "note" };
        write!(
            out,
            "<p class=\"{class}\">{title}: {}</p>",
            names.join(", ")
        )?;
    }
    if !diff.by_model.is_empty() {
        head(
            out,
            &[
                "model",
                "calls before",
                "calls now",
                "cost before",
                "cost now",
                "change",
            ],
        )?;
        for model in &diff.by_model {
            let sign = if model.change_usd >= 0.0 { "+" } else { "-" };
            row(
                out,
                &[
                    escape(&model.model),
                    count(model.previous_calls),
                    count(model.calls),
                    usd(model.previous_cost_usd),
                    usd(model.cost_usd),
                    format!("{sign}{}", usd(model.change_usd.abs())),
                ],
            )?;
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</section>\n");
    Ok(())
}

/// Section 6c: the `--fail-*` gates, tripped ones first in the reader's eye (red).
pub(super) fn write_gates(out: &mut String, gates: &[GateReport]) -> fmt::Result {
    if gates.is_empty() {
        return Ok(());
    }
    let tripped = gates.iter().filter(|g| g.tripped).count();
    write!(
        out,
        "<section id=\"gates\"><h2>Gates</h2><p class=\"{}\">{tripped} of {} gates tripped.</p>",
        if tripped > 0 { "alert" } else { "ok" },
        gates.len()
    )?;
    head(
        out,
        &["gate", "threshold", "value", "policy", "status", "why"],
    )?;
    for gate in gates {
        let status = if gate.tripped {
            "<span class=\"badge tripped\">tripped</span>"
        } else {
            "<span class=\"badge held\">held</span>"
        };
        writeln!(
            out,
            "<tr><td><code>--{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td>{}</td><td>{status}</td><td>{}</td></tr>",
            escape(&gate.gate),
            gate.threshold,
            gate.value,
            escape(gate.policy.as_deref().unwrap_or("-")),
            escape(&gate.message)
        )?;
    }
    out.push_str("</tbody></table></section>\n");
    Ok(())
}
