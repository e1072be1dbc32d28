//! Reasoning tokens spent on calls that did not need them.

use crate::classify::Tier;
use crate::findings::{Finding, Tally, WasteKind, plural, usd};
use crate::pipeline::Rows;
use crate::pricing::PriceCatalog;

/// **reasoning_on_simple**: calls classified trivial or simple that spent reasoning tokens.
/// The tier is judged from the request alone (`classify::score`), so a call is flagged however
/// much the model thought: were reasoning to raise the tier, heavy thinking on an easy request
/// would hide itself. The impact per call is its cost minus the cost of the same call with its reasoning tokens
/// taken out of its output (and reasoning), priced the way the call was: for a model with a
/// thinking-mode output price, that also drops the output to the plain price. Tokens are the
/// reasoning tokens.
pub fn reasoning_on_simple(rows: &Rows, catalog: &PriceCatalog) -> Option<Finding> {
    let mut tally = Tally::default();
    for (index, row) in rows.iter().enumerate() {
        // A whole session's totals are no one request: its tier says nothing of any call.
        let simple =
            !row.flags.summed && matches!(row.classification.tier, Tier::Trivial | Tier::Simple);
        if simple && row.tokens.reasoning > 0 {
            tally.add(
                rows,
                index,
                row.tokens.reasoning,
                row.reasoning_cost(catalog),
            );
        }
    }
    if tally.calls == 0 {
        return None;
    }
    let sentence = format!(
        "{} whose request was trivial or simple (judged before the call ran) spent {} reasoning tokens, and the impact is each call's cost minus its cost without them, {}",
        plural(tally.calls, "call", "calls"),
        crate::human::count(tally.tokens),
        usd(tally.impact),
    );
    Some(tally.finding(WasteKind::ReasoningOnSimple, sentence))
}
