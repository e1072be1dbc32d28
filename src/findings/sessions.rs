//! Sessions (conversations, traces) that cost far more than their peers.

use std::collections::HashMap;

use crate::aggregate::SessionStats;
use crate::findings::{Finding, Tally, WasteKind, plural, usd};
use crate::money::Money;
use crate::pipeline::Rows;

/// Fewer sessions with priced calls than this give no budget: quartiles of a handful of
/// sessions say nothing about what a session normally costs.
pub const MIN_SESSIONS: usize = 8;

/// Tukey's "far out" fence: this many interquartile ranges above the third quartile (Tukey,
/// Exploratory Data Analysis, 1977; https://www.itl.nist.gov/div898/handbook/prc/section1/prc16.htm
/// calls values past Q3 + 3 IQR extreme outliers).
pub const TUKEY_FAR_OUT: i128 = 3;

/// At most this many sessions are reported, largest impact first.
pub const MAX_SESSION_FINDINGS: usize = 10;

/// **runaway_session**: the cost of each session (calls sharing a session, conversation or
/// trace id; calls without one are left out) is the sum of its priced calls. With at least
/// [`MIN_SESSIONS`] sessions that have a priced call, the budget is Tukey's far-out fence over
/// their costs, Q3 + 3 × (Q3 − Q1), the quartiles by linear interpolation between order
/// statistics (Hyndman and Fan's type 7, the default of R and NumPy), rounded to the
/// pico-dollar. A session above the budget that made at least two calls (one call is a request,
/// not a session that ran away) is one finding: impact = its cost − the budget,
/// calls and tokens are all of its calls', subject is its id. At most
/// [`MAX_SESSION_FINDINGS`] are reported, largest impact first.
pub fn runaway_sessions(rows: &Rows, sessions: &[String]) -> Vec<Finding> {
    let stats = SessionStats::of(rows);
    let costs: HashMap<u32, Money> = stats
        .iter()
        .filter(|(_, session)| session.calls > session.unpriced_calls)
        .map(|(&index, session)| (index, session.cost))
        .collect();
    if costs.len() < MIN_SESSIONS {
        return Vec::new();
    }
    let mut sorted: Vec<Money> = costs.values().copied().collect();
    sorted.sort_unstable();
    let budget = far_out_fence(&sorted);
    let (q1, q3) = (quartile(&sorted, 1), quartile(&sorted, 3));
    let mut runaway: HashMap<u32, Tally> = costs
        .iter()
        .filter(|(session, cost)| **cost > budget && stats[*session].is_conversation())
        .map(|(&session, _)| (session, Tally::default()))
        .collect();
    for index in 0..rows.len() {
        if let Some(tally) = runaway.get_mut(&rows.session(index)) {
            let row = rows.get(index);
            // The session's whole cost is known; the impact is set below, not per call.
            tally.add(
                rows,
                index,
                row.tokens.total(),
                row.cost.map(|_| Money::ZERO),
            );
        }
    }
    let mut findings: Vec<Finding> = runaway
        .into_iter()
        .map(|(session, mut tally)| {
            let cost = costs.get(&session).copied().unwrap_or_default();
            tally.impact = cost - budget;
            let sentence = format!(
                "This session cost {} over {} (its largest prompt {} tokens), far above the other sessions: of all {}, a quarter cost more than {} and the middle half spread over {}, so a session is out of line above {} (the first amount plus three times the second), and the impact is the {} it spent above that line",
                usd(cost),
                plural(tally.calls, "call", "calls"),
                crate::human::count(stats[&session].peak_prompt_tokens),
                costs.len(),
                usd(q3),
                usd(q3 - q1),
                usd(budget),
                usd(tally.impact),
            );
            let mut finding = tally.finding(WasteKind::RunawaySession, sentence);
            finding.subject = sessions.get(session as usize).cloned();
            finding.budget = Some(budget);
            finding
        })
        .collect();
    findings.sort_by(|a, b| b.impact.cmp(&a.impact).then(a.subject.cmp(&b.subject)));
    findings.truncate(MAX_SESSION_FINDINGS);
    findings
}

/// Q3 + 3 × IQR of amounts sorted ascending (at least one).
pub(crate) fn far_out_fence(sorted: &[Money]) -> Money {
    let q1 = quartile(sorted, 1);
    let q3 = quartile(sorted, 3);
    Money::from_pico(q3.pico() + TUKEY_FAR_OUT * (q3.pico() - q1.pico()))
}

/// The `k`-th quartile (1 or 3) of amounts sorted ascending, type 7: at position
/// h = (n − 1) × k / 4, x[⌊h⌋] + (h − ⌊h⌋) × (x[⌊h⌋ + 1] − x[⌊h⌋]), worked in quarters so it is
/// exact but for rounding the last quarter pico-dollar (half up).
pub(crate) fn quartile(sorted: &[Money], k: usize) -> Money {
    let Some(last) = sorted.len().checked_sub(1) else {
        return Money::ZERO;
    };
    let quarters = last * k;
    let (low, rest) = (quarters / 4, (quarters % 4) as i128);
    let base = sorted[low].pico();
    if rest == 0 {
        return Money::from_pico(base);
    }
    let step = sorted[low + 1].pico() - base;
    Money::from_pico(base + (step * rest + 2).div_euclid(4))
}
