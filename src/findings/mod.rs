//! Waste findings, the audit half of the report: patterns in the logged calls that cost money
//! for nothing — retry storms, duplicate requests, reasoning spent on simple calls, long prompt
//! prefixes sent uncached, runaway sessions, and answers cut off by the output limit and asked
//! again. Each finding states its dollar impact, its calls and a few call ids, never prompt text.
//!
//! Every impact is exact [`Money`]: a call's own cost, or its cost minus what
//! [`crate::pricing::call_cost`] gives for the same call with some tokens moved or removed,
//! priced the way the row was (same catalog entry, same billing mode). Unpriced calls (a model
//! the catalog does not know) are never counted as $0: they stay in a finding's calls and
//! tokens, are left out of its impact, and its `detail` says how many were left out.

mod history;
mod prefix;
mod requests;
mod sessions;
mod simple;
#[cfg(test)]
mod tests;

use rayon::prelude::*;

use crate::human::plural;
use crate::money::Money;
use crate::pipeline::{CallRow, RowSet, Rows, RunOutput};
use crate::pricing::PriceCatalog;

pub use history::uncached_history;
pub use prefix::{MAX_PREFIX_FINDINGS, uncached_prefixes};
pub use requests::{
    REASK_WINDOW_MS, RESPONSE_CACHE_WINDOW_MS, duplicate_requests, repeated_requests, retry_storms,
    truncated_reasks,
};
pub use sessions::{MAX_SESSION_FINDINGS, MIN_SESSIONS, TUKEY_FAR_OUT, runaway_sessions};
pub use simple::reasoning_on_simple;

/// How many call ids a finding lists.
pub const SAMPLE_IDS: usize = 5;

/// The kinds of waste the audit looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WasteKind {
    /// Failed calls followed by repeats of the same request.
    RetryStorm,
    /// The same request sent again, which a response cache would have served.
    DuplicateRequest,
    /// Reasoning tokens spent on calls classified simple.
    ReasoningOnSimple,
    /// A long prompt prefix (system prompt, tool definitions) sent again and again uncached.
    UncachedPrefix,
    /// A conversation (an agent's or a chat's history) re-sent at every step uncached.
    UncachedHistory,
    /// A session or trace whose cost is far above its peers'.
    RunawaySession,
    /// A call cut off by the output limit, then asked again.
    TruncatedReask,
}

impl WasteKind {
    pub const ALL: [WasteKind; 7] = [
        WasteKind::RetryStorm,
        WasteKind::DuplicateRequest,
        WasteKind::ReasoningOnSimple,
        WasteKind::UncachedPrefix,
        WasteKind::UncachedHistory,
        WasteKind::RunawaySession,
        WasteKind::TruncatedReask,
    ];

    /// The kind's name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            WasteKind::RetryStorm => "retry_storm",
            WasteKind::DuplicateRequest => "duplicate_request",
            WasteKind::ReasoningOnSimple => "reasoning_on_simple",
            WasteKind::UncachedPrefix => "uncached_prefix",
            WasteKind::UncachedHistory => "uncached_history",
            WasteKind::RunawaySession => "runaway_session",
            WasteKind::TruncatedReask => "truncated_reask",
        }
    }

    /// A short title for tables.
    pub fn title(self) -> &'static str {
        match self {
            WasteKind::RetryStorm => "Retry storms",
            WasteKind::DuplicateRequest => "Duplicate requests",
            WasteKind::ReasoningOnSimple => "Reasoning on simple calls",
            WasteKind::UncachedPrefix => "Uncached repeated prefixes",
            WasteKind::UncachedHistory => "Conversation history re-sent without cache",
            WasteKind::RunawaySession => "Runaway sessions",
            WasteKind::TruncatedReask => "Truncated and re-asked",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub kind: WasteKind,
    /// What the waste cost, by the rule `detail` states.
    pub impact: Money,
    /// Calls in the finding.
    pub calls: u64,
    /// Tokens the finding is about (burned by retries, reasoning, the repeated prefix…).
    pub tokens: u64,
    /// Up to [`SAMPLE_IDS`] call ids.
    pub call_ids: Vec<String>,
    /// What the finding is about, when it is one thing: a session id, a prefix fingerprint.
    pub subject: Option<String>,
    /// One sentence: what was seen, and how the impact was computed.
    pub detail: String,
    /// Uncached prefixes: the share of all input tokens they take, in percent.
    pub share_of_input_pct: Option<f64>,
    /// Runaway sessions: the budget (from their peers) they broke.
    pub budget: Option<Money>,
}

/// Every finding in a run, largest impact first within each kind, kinds in declared order.
pub fn find(run: &RunOutput, catalog: &PriceCatalog) -> Vec<Finding> {
    let rows = &run.rows;
    // Each kind is its own pass over the rows; they run side by side and keep this order.
    let kinds: [&(dyn Fn() -> Vec<Finding> + Sync); 6] = [
        &|| retry_storms(rows).into_iter().collect(),
        &|| duplicate_requests(rows).into_iter().collect(),
        &|| reasoning_on_simple(rows, catalog).into_iter().collect(),
        // The history's calls are left out of the prefixes' (each call counts once).
        &|| {
            let (history, in_history) = uncached_history(rows, catalog);
            let mut findings = uncached_prefixes(rows, catalog, &in_history);
            findings.extend(history);
            findings
        },
        &|| runaway_sessions(rows, &run.sessions),
        &|| truncated_reasks(rows).into_iter().collect(),
    ];
    kinds.par_iter().flat_map_iter(|kind| kind()).collect()
}

/// The calls of one finding, added in input order: counts, impact and the first call ids.
#[derive(Debug, Default)]
struct Tally {
    calls: u64,
    tokens: u64,
    impact: Money,
    /// Calls whose impact could not be priced (left out of `impact`).
    unpriced: u64,
    call_ids: Vec<String>,
}

impl Tally {
    /// Adds the call at `index` of `rows`, its tokens for the finding and its impact (`None`:
    /// unpriced).
    fn add(&mut self, rows: &Rows, index: usize, tokens: u64, impact: Option<Money>) {
        self.calls += 1;
        self.tokens = self.tokens.saturating_add(tokens);
        match impact {
            Some(impact) => self.impact += impact,
            None => self.unpriced += 1,
        }
        if self.call_ids.len() < SAMPLE_IDS {
            self.call_ids.push(rows.call_id(index).to_string());
        }
    }

    /// Adds every call marked in `marked` (one flag per row), its tokens and its cost as the
    /// impact.
    fn add_marked(&mut self, rows: &Rows, marked: &RowSet) {
        for index in marked.iter() {
            let row = rows.get(index);
            self.add(rows, index, row.tokens.total(), row.cost);
        }
    }

    /// The finding, with the rule's sentence (without its final period) and the unpriced note.
    fn finding(self, kind: WasteKind, sentence: String) -> Finding {
        Finding {
            kind,
            impact: self.impact,
            calls: self.calls,
            tokens: self.tokens,
            detail: format!("{sentence}{}.", unpriced_note(self.unpriced)),
            call_ids: self.call_ids,
            subject: None,
            share_of_input_pct: None,
            budget: None,
        }
    }
}

/// `" (N unpriced calls left out of the impact)"`, or nothing when every call was priced.
fn unpriced_note(unpriced: u64) -> String {
    match unpriced {
        0 => String::new(),
        1 => " (1 unpriced call left out of the impact)".to_string(),
        n => format!(" ({n} unpriced calls left out of the impact)"),
    }
}

/// An amount as a report writes it in a sentence: `$0.0132`.
fn usd(amount: Money) -> String {
    crate::human::usd(amount.usd())
}

/// Whether `b` (row index `bi`) comes after `a` (row index `ai`): later in time when both carry
/// distinct timestamps, else later in input order.
fn later(a: &CallRow, ai: usize, b: &CallRow, bi: usize) -> bool {
    match (a.timestamp_ms, b.timestamp_ms) {
        (Some(x), Some(y)) if x != y => y > x,
        _ => bi > ai,
    }
}

/// Indices of rows that have a timestamp, in time order (input order on ties):
/// [`Rows::time_order`].
fn in_time_order(rows: &Rows) -> impl Iterator<Item = usize> + use<> {
    rows.time_order().map(|(_, i)| i)
}
