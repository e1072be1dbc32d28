//! OpenTelemetry GenAI spans as OTLP JSON.
//!
//! Not implemented yet: detection says no and every record is an error.

use crate::ingest::{LineOutcome, LineParser, OneEach};

pub(crate) fn looks_like(_value: &serde_json::Value) -> bool {
    false
}

pub(crate) fn parser() -> Box<dyn LineParser> {
    Box::new(OneEach(|_| {
        LineOutcome::Error("otel: not implemented yet".into())
    }))
}
