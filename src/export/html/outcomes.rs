//! The HTML report's section on what the calls came to: the cost per answer (in all and by
//! `--group-by` group), failed calls by cause and the costliest sessions.

use std::fmt::{self, Write as _};

use super::{escape, head, row};
use crate::export::Report;
use crate::human::{count, usd};

/// The cost per answer, failures by cause and the costliest sessions; left out without calls.
pub(super) fn write_outcomes(out: &mut String, report: &Report) -> fmt::Result {
    let responses = &report.meaningful_responses;
    if responses.all.attempts == 0 {
        return Ok(());
    }
    write!(
        out,
        "<section id=\"cost-per-answer\"><h2>Cost per answer</h2><p class=\"note\">{}</p>",
        escape(&responses.all.sentence())
    )?;
    if let Some(failures) = report.failures.sentence() {
        write!(out, "<p class=\"note\">{}</p>", escape(&failures))?;
    }
    for grouping in &responses.by_group {
        write!(out, "<h3>By {}</h3>", escape(&grouping.by))?;
        head(
            out,
            &[
                "group",
                "attempts",
                "answers",
                "failed",
                "failed cost",
                "repeats",
                "per answer",
            ],
        )?;
        for group in &grouping.groups {
            let r = &group.responses;
            row(
                out,
                &[escape(&group.key)]
                    .into_iter()
                    .chain(r.cells())
                    .collect::<Vec<_>>(),
            )?;
        }
        out.push_str("</tbody></table>");
    }
    let sessions = &report.sessions;
    if !sessions.top.is_empty() {
        write!(
            out,
            "<h3>Costliest sessions</h3><p class=\"note\">Of {} sessions ({} of one call); peak \
             prompt: the most prompt tokens one call sent.</p>",
            count(sessions.sessions),
            count(sessions.single_call_sessions)
        )?;
        head(out, &["session", "calls", "peak prompt tokens", "cost"])?;
        for session in &sessions.top {
            row(
                out,
                &[
                    format!("<code>{}</code>", escape(&session.session)),
                    count(session.calls),
                    count(session.peak_prompt_tokens),
                    usd(session.cost_usd),
                ],
            )?;
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>\n");
    Ok(())
}
