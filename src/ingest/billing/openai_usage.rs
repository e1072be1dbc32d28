//! OpenAI Usage API (completions) JSON and the dashboard usage CSV.
//!
//! Not implemented yet: detection says no and every record is an error.

use crate::ingest::{CsvHeaders, CsvRow, LineOutcome, LineParser, OneEach};

pub(crate) fn looks_like(_value: &serde_json::Value) -> bool {
    false
}

pub(crate) fn parser() -> Box<dyn LineParser> {
    Box::new(OneEach(|_| {
        LineOutcome::Error("openai_usage: not implemented yet".into())
    }))
}

pub(crate) fn looks_like_header(_headers: &CsvHeaders) -> bool {
    false
}

pub(crate) fn parse_row(_row: &CsvRow<'_>) -> LineOutcome {
    LineOutcome::Error("openai_usage: not implemented yet".into())
}
