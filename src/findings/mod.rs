//! Waste findings, the audit half of the report: patterns in the logged calls that cost money
//! for nothing — retry storms, duplicate requests, reasoning spent on simple calls, long prompt
//! prefixes sent uncached, runaway sessions, and answers cut off by the output limit and asked
//! again. Each finding states its dollar impact, its calls and a few call ids, never prompt text.

use crate::money::Money;
use crate::pipeline::RunOutput;
use crate::pricing::PriceCatalog;

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
    /// A session or trace whose cost is far above its peers'.
    RunawaySession,
    /// A call cut off by the output limit, then asked again.
    TruncatedReask,
}

impl WasteKind {
    pub const ALL: [WasteKind; 6] = [
        WasteKind::RetryStorm,
        WasteKind::DuplicateRequest,
        WasteKind::ReasoningOnSimple,
        WasteKind::UncachedPrefix,
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
    let _ = (run, catalog);
    Vec::new()
}
