//! LiteLLM proxy spend logs (JSONL and CSV) and StandardLoggingPayload.
//!
//! Not implemented yet: detection says no and every record is an error.

use crate::ingest::{CsvHeaders, CsvRow, LineOutcome, LineParser, OneEach};

pub(crate) fn looks_like_spend_log(_value: &serde_json::Value) -> bool {
    false
}

pub(crate) fn looks_like_payload(_value: &serde_json::Value) -> bool {
    false
}

pub(crate) fn spend_log_parser() -> Box<dyn LineParser> {
    Box::new(OneEach(|_| {
        LineOutcome::Error("litellm: not implemented yet".into())
    }))
}

pub(crate) fn payload_parser() -> Box<dyn LineParser> {
    Box::new(OneEach(|_| {
        LineOutcome::Error("litellm: not implemented yet".into())
    }))
}

pub(crate) fn looks_like_header(_headers: &CsvHeaders) -> bool {
    false
}

pub(crate) fn parse_row(_row: &CsvRow<'_>) -> LineOutcome {
    LineOutcome::Error("litellm: not implemented yet".into())
}
