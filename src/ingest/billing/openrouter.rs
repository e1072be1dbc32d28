//! OpenRouter activity export.
//!
//! Not implemented yet: detection says no and every record is an error.

use crate::ingest::{CsvHeaders, CsvRow, LineOutcome};

pub(crate) fn looks_like_header(_headers: &CsvHeaders) -> bool {
    false
}

pub(crate) fn parse_row(_row: &CsvRow<'_>) -> LineOutcome {
    LineOutcome::Error("openrouter: not implemented yet".into())
}
