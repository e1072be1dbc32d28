//! OpenAI Batch API files. Output lines (`{id, custom_id, response: {status_code, request_id,
//! body}, error}`) are calls billed at batch prices; input lines (`{custom_id, method, url,
//! body}`) hold no usage and are counted as skipped.

use crate::ingest::values::Text;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::wire::is_present;
use crate::ingest::{LineOutcome, SkipReason, json_error, openai};

use crate::ingest::{Format, OneEach};

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format {
    name: "openai-batch",
    json: Some(looks_like_line),
    parser: |_| Box::new(OneEach(parse_line)),
    ..Format::NEW
};

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct BatchResponse<'a> {
    status_code: Option<u16>,
    request_id: Option<Text<'a>>,
    body: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Line<'a> {
    custom_id: Option<Text<'a>>,
    response: Option<BatchResponse<'a>>,
    error: Option<&'a RawValue>,
    method: Option<Text<'a>>,
}

/// Parses one line of a Batch input or output file.
pub(crate) fn parse_line(line: &[u8]) -> LineOutcome {
    let parsed: Line<'_> = match serde_json::from_slice(line) {
        Ok(parsed) => parsed,
        Err(err) => return json_error(err, line),
    };
    if parsed.custom_id.is_none() {
        return LineOutcome::Error("not an OpenAI Batch line: no custom_id".into());
    }
    if parsed.method.is_some() && parsed.response.is_none() {
        return LineOutcome::Skip(SkipReason::BatchInputLine);
    }
    let Some(response) = parsed.response else {
        return LineOutcome::Skip(SkipReason::BatchRequestFailed);
    };
    let failed = is_present(parsed.error) || response.status_code.is_some_and(|code| code >= 400);
    let Some(body) = response.body.filter(|_| !failed) else {
        return LineOutcome::Skip(SkipReason::BatchRequestFailed);
    };
    let mut outcome = openai::parse_response(body.get(), None);
    if let LineOutcome::Call(record) = &mut outcome {
        record.features.batch = true;
        record.request_id = response
            .request_id
            .as_deref()
            .or(parsed.custom_id.as_deref())
            .map(str::to_string);
    }
    outcome
}

/// Whether a parsed JSON value looks like a Batch line (used by detection).
pub(crate) fn looks_like_line(value: &serde_json::Value) -> bool {
    value.get("custom_id").is_some()
        && (value.get("response").is_some()
            || value.get("error").is_some()
            || value.get("method").is_some())
}
