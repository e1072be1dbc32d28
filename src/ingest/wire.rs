//! Wire shapes shared by the adapters: the envelope that body-pair loggers wrap around a
//! request and its response, timestamps in their several spellings, and stable hashes.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;
use xxhash_rust::xxh3::xxh3_64;

use crate::ingest::LineOutcome;
use crate::record::CallRecord;

/// Fields a logger may put around a request/response pair (or beside a bare response).
/// Every field is optional; unknown fields are ignored.
#[derive(Deserialize, Default)]
pub(crate) struct Envelope<'a> {
    #[serde(borrow)]
    pub request: Option<&'a RawValue>,
    #[serde(borrow)]
    pub response: Option<&'a RawValue>,
    #[serde(borrow)]
    pub timestamp: Option<&'a RawValue>,
    #[serde(borrow)]
    pub start_time: Option<&'a RawValue>,
    #[serde(borrow)]
    pub created_at: Option<&'a RawValue>,
    pub latency_ms: Option<f64>,
    pub duration_ms: Option<f64>,
    pub time_to_first_token_ms: Option<f64>,
    pub ttft_ms: Option<f64>,
    #[serde(borrow)]
    pub session_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub trace_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub tags: Option<&'a RawValue>,
    pub cost_usd: Option<f64>,
}

impl<'a> Envelope<'a> {
    /// The response's JSON: the `response` member of a pair, or the whole line when it is a
    /// bare response object.
    pub fn response_json(&self, line: &'a [u8]) -> Result<&'a str, LineOutcome> {
        match self.response {
            Some(raw) => Ok(raw.get()),
            None => std::str::from_utf8(line)
                .map_err(|_| LineOutcome::Error("line is not UTF-8".to_string())),
        }
    }

    /// Copies what the envelope says about timing, session, tags and stated cost into a record
    /// the adapter built from the request and response.
    pub fn apply_to(&self, record: &mut CallRecord) {
        let stamp = [self.timestamp, self.start_time, self.created_at]
            .into_iter()
            .flatten()
            .find_map(parse_timestamp);
        if stamp.is_some() {
            record.timestamp_ms = stamp;
        }
        if let Some(latency) = self.latency_ms.or(self.duration_ms).filter(|v| *v >= 0.0) {
            record.latency_ms = Some(latency);
        }
        if let Some(ttft) = self
            .time_to_first_token_ms
            .or(self.ttft_ms)
            .filter(|v| *v >= 0.0)
        {
            record.time_to_first_token_ms = Some(ttft);
        }
        if let Some(session) = self.session_id.as_ref().or(self.trace_id.as_ref()) {
            record.session_id = Some(session.to_string());
        }
        if let Some(tags) = self.tags {
            add_string_tags(tags, &mut record.tags);
        }
        if self.cost_usd.is_some() {
            record.stated_cost_usd = self.cost_usd;
        }
    }
}

/// Parses a timestamp as loggers write it: RFC 3339 text, or Unix seconds or milliseconds as a
/// number or a numeric string. Returns milliseconds since the epoch.
pub(crate) fn parse_timestamp(raw: &RawValue) -> Option<i64> {
    let text = raw.get().trim();
    if let Some(quoted) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        if let Ok(parsed) = chrono::DateTime::parse_from_rfc3339(quoted) {
            return Some(parsed.timestamp_millis());
        }
        return quoted.parse::<f64>().ok().and_then(unix_to_ms);
    }
    text.parse::<f64>().ok().and_then(unix_to_ms)
}

/// Unix time in seconds or milliseconds (told apart by size) to milliseconds.
pub(crate) fn unix_to_ms(value: f64) -> Option<i64> {
    if !value.is_finite() || value <= 0.0 {
        return None;
    }
    // Seconds stay below 1e11 until the year 5138; milliseconds are above it since 1973.
    let ms = if value < 1e11 { value * 1000.0 } else { value };
    Some(ms.round() as i64)
}

/// Adds the string-valued members of a JSON object as tags; other values are ignored.
pub(crate) fn add_string_tags(raw: &RawValue, tags: &mut Vec<(String, String)>) {
    type Members<'r> = std::collections::BTreeMap<Cow<'r, str>, &'r RawValue>;
    if let Ok(map) = serde_json::from_str::<Members<'_>>(raw.get()) {
        for (key, value) in map {
            if let Ok(text) = serde_json::from_str::<Cow<'_, str>>(value.get()) {
                tags.push((key.into_owned(), text.into_owned()));
            }
        }
    }
}

/// A hash that is the same on every run, machine and thread count.
pub(crate) fn stable_hash(parts: &[&[u8]]) -> u64 {
    let mut joined = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for part in parts {
        joined.extend_from_slice(part);
        joined.push(0);
    }
    xxh3_64(&joined)
}

/// Counts the items of a JSON array (0 for anything else).
pub(crate) fn array_len(raw: Option<&RawValue>) -> u32 {
    raw.and_then(|r| serde_json::from_str::<Vec<serde::de::IgnoredAny>>(r.get()).ok())
        .map_or(0, |items| items.len() as u32)
}

/// Whether a JSON value is present and not `null`.
pub(crate) fn is_present(raw: Option<&RawValue>) -> bool {
    raw.is_some_and(|r| r.get().trim() != "null")
}
