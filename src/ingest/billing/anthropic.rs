//! Anthropic Admin API usage_report and cost_report.
//!
//! Not implemented yet: detection says no and every record is an error.

use crate::ingest::{LineOutcome, LineParser, OneEach};

pub(crate) fn looks_like_usage(_value: &serde_json::Value) -> bool {
    false
}

pub(crate) fn looks_like_cost(_value: &serde_json::Value) -> bool {
    false
}

pub(crate) fn usage_parser() -> Box<dyn LineParser> {
    Box::new(OneEach(|_| {
        LineOutcome::Error("anthropic: not implemented yet".into())
    }))
}

pub(crate) fn cost_parser() -> Box<dyn LineParser> {
    Box::new(OneEach(|_| {
        LineOutcome::Error("anthropic: not implemented yet".into())
    }))
}
