//! Anthropic Messages API logs: `{request, response}` pairs (bodies bare or under `body`) and
//! bare Message objects.
//!
//! Anthropic's `input_tokens` *excludes* cache reads and writes, so its buckets are already
//! exclusive. Cache writes are split by TTL from `cache_creation`; older logs without that object
//! wrote every cached token with the default 5-minute TTL.
//!
//! `usage.iterations` (beta: the advisor tool, compaction, fallback) is what is billed when
//! present: "to calculate total tokens consumed and billed for a request, sum across all entries
//! in the `usage.iterations` array" (docs, compaction), and "advisor calls run as a separate
//! sub-inference billed at the advisor model's rates" while "top-level `usage` fields reflect
//! executor tokens only" (docs, advisor tool). Each iteration is a sampling step of its own, so
//! each is priced on its own (a long-context threshold applies per step, not to their sum):
//! the call is the step that answered (the last `message` or `fallback_message`), and every
//! other step is a call of its own ([`CallRecord::sub_calls`]) at its model, the request's
//! model when it names none.

use crate::ingest::scan::{Cursor, scan_fields};
use crate::ingest::values::{RawList, Text};

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::content::{ContentField, MessageContent, PromptSummary, RequestMessage};
use crate::ingest::usage::anthropic_style;
use crate::ingest::wire::{
    self, Envelope, FormatSpec, add_string_tags, is_present, model_of, read_wrapped,
};
use crate::ingest::{LineOutcome, SkipReason};
use crate::record::{CallRecord, CallStatus, Provider, Residency, TokenBuckets};

use crate::ingest::{Format, OneEach};

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format {
    name: "anthropic",
    json: Some(|value| looks_like_message(value.get("response").unwrap_or(value))),
    parser: |_| Box::new(OneEach(parse_line)),
    ..Format::NEW
};

#[derive(Deserialize, Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
struct CacheCreation {
    ephemeral_5m_input_tokens: Option<u64>,
    ephemeral_1h_input_tokens: Option<u64>,
}

/// Server tools the request used, billed per use.
#[derive(Deserialize, Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
struct ServerToolUse {
    web_search_requests: Option<u64>,
}

/// Anthropic usage, as the Messages API and Claude Code write it. [`Usage::scan`] reads the same
/// fields for the strict reader: a field added here is added there too.
#[derive(Deserialize, Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
pub(crate) struct Usage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
    cache_creation: Option<CacheCreation>,
    /// `standard`, `priority` or `batch`.
    service_tier: Option<String>,
    /// `fast` when fast mode served the request.
    speed: Option<String>,
    /// Where inference ran: `us` for US-only inference, `global`, or `not_available`.
    inference_geo: Option<String>,
    server_tool_use: Option<ServerToolUse>,
    iterations: Option<Vec<Iteration>>,
}

/// One entry of `usage.iterations`: a sampling step of the request (`message`,
/// `compaction`, `fallback_message`) or an advisor sub-inference (`advisor_message`).
#[derive(Deserialize, Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
struct Iteration {
    #[serde(rename = "type")]
    kind: Option<String>,
    model: Option<String>,
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
    cache_creation: Option<CacheCreation>,
}

impl Usage {
    /// Reads usage as its serde reader does, with the strict reader (`None` where that gives
    /// up, and serde_json reads it): Claude Code repeats it on every line of a message. Usage
    /// with `iterations` (rare) is left to serde_json.
    pub(crate) fn scan(cursor: &mut Cursor<'_>) -> Option<Usage> {
        let mut usage = Usage::default();
        let count = |cursor: &mut Cursor<'_>| cursor.nullable(Cursor::count);
        let text =
            |cursor: &mut Cursor<'_>| cursor.nullable(|cursor| cursor.text().map(Text::into_owned));
        scan_fields!(cursor, {
            "input_tokens" => usage.input_tokens = count(cursor)?,
            "output_tokens" => usage.output_tokens = count(cursor)?,
            "cache_creation_input_tokens" => usage.cache_creation_input_tokens = count(cursor)?,
            "cache_read_input_tokens" => usage.cache_read_input_tokens = count(cursor)?,
            "cache_creation" => usage.cache_creation = cursor.nullable(|cursor| {
                let mut split = CacheCreation::default();
                scan_fields!(cursor, {
                    "ephemeral_5m_input_tokens" => split.ephemeral_5m_input_tokens = count(cursor)?,
                    "ephemeral_1h_input_tokens" => split.ephemeral_1h_input_tokens = count(cursor)?,
                })?;
                Some(split)
            })?,
            "service_tier" => usage.service_tier = text(cursor)?,
            "speed" => usage.speed = text(cursor)?,
            "inference_geo" => usage.inference_geo = text(cursor)?,
            "server_tool_use" => usage.server_tool_use = cursor.nullable(|cursor| {
                let mut tools = ServerToolUse::default();
                scan_fields!(cursor, {
                    "web_search_requests" => tools.web_search_requests = count(cursor)?,
                })?;
                Some(tools)
            })?,
            // Left to serde_json unless null.
            "iterations" => cursor.nullable(|_| None::<()>)?,
        })?;
        Some(usage)
    }
}

impl Iteration {
    /// A step that can have produced the response.
    fn answers(&self) -> bool {
        matches!(
            self.kind.as_deref(),
            None | Some("message" | "fallback_message")
        )
    }

    fn buckets(&self) -> TokenBuckets {
        split_buckets(
            self.input_tokens,
            self.cache_read_input_tokens,
            self.cache_creation_input_tokens,
            self.cache_creation.as_ref(),
            self.output_tokens,
        )
    }
}

/// Exclusive buckets from Anthropic's counters, cache writes split by TTL.
fn split_buckets(
    input: Option<u64>,
    cache_read: Option<u64>,
    written: Option<u64>,
    split: Option<&CacheCreation>,
    output: Option<u64>,
) -> TokenBuckets {
    let split = split.map_or((None, None), |split| {
        (
            split.ephemeral_5m_input_tokens,
            split.ephemeral_1h_input_tokens,
        )
    });
    anthropic_style(
        input.unwrap_or(0),
        cache_read.unwrap_or(0),
        written,
        split,
        output.unwrap_or(0),
    )
}

impl Usage {
    /// The iteration the call is (the last that can have answered), when iterations are listed.
    fn answering_step(&self) -> Option<usize> {
        let items = self.iterations.as_ref()?;
        items
            .iter()
            .rposition(Iteration::answers)
            .or_else(|| items.len().checked_sub(1))
    }

    /// The other iterations, each a call of its own: its model (if it names one) and tokens.
    fn other_steps(&self) -> Vec<(Option<&str>, TokenBuckets)> {
        let answering = self.answering_step();
        self.iterations
            .iter()
            .flatten()
            .enumerate()
            .filter(|(index, _)| Some(*index) != answering)
            .map(|(_, item)| (item.model.as_deref(), item.buckets()))
            .collect()
    }

    /// Copies what decides the price beyond tokens into the record: the tier served (fast mode
    /// is billed as its own tier), US-only inference, and web searches.
    pub(crate) fn apply_billing(&self, record: &mut CallRecord) {
        record.service_tier = if self.speed.as_deref() == Some("fast") {
            Some("fast".to_string())
        } else {
            self.service_tier.clone()
        };
        if self.inference_geo.as_deref() == Some("us") {
            record.residency = Some(Residency::InferenceGeoUs);
        }
        record.web_search_requests = self
            .server_tool_use
            .as_ref()
            .and_then(|tools| tools.web_search_requests)
            .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX));
    }

    /// The call's own tokens: those of the step that answered when the usage lists its
    /// iterations (the others are calls of their own), else the top-level counts.
    pub(crate) fn buckets(&self) -> TokenBuckets {
        if let (Some(items), Some(index)) = (&self.iterations, self.answering_step()) {
            return items[index].buckets();
        }
        split_buckets(
            self.input_tokens,
            self.cache_read_input_tokens,
            self.cache_creation_input_tokens,
            self.cache_creation.as_ref(),
            self.output_tokens,
        )
    }
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub(crate) struct ContentBlock<'a> {
    #[serde(rename = "type", default)]
    pub kind: Text<'a>,
}

/// A Message object, or a logger's `{status_code, body}` wrapper around one: the wrapped
/// object raw (`B = &RawValue`, the general path) or deserialized in place (`Box<Response>`).
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a, B: Deserialize<'de>"))]
struct Response<'a, B = &'a RawValue> {
    id: Option<Text<'a>>,
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    model: Option<Text<'a>>,
    usage: Option<Usage>,
    stop_reason: Option<Text<'a>>,
    #[serde(default)]
    content: Vec<ContentBlock<'a>>,
    status_code: Option<u16>,
    body: Option<B>,
    error: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct OutputConfig<'a> {
    format: Option<FormatSpec<'a>>,
}

/// A Messages API request, its message content and system prompt raw (the general path) or
/// deserialized in place (the one-pass path of [`parse_pair`]).
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a, C: Deserialize<'de>, B: Deserialize<'de>"))]
struct Request<'a, C = &'a RawValue, B = &'a RawValue> {
    model: Option<Text<'a>>,
    #[serde(default = "Vec::new")]
    messages: Vec<RequestMessage<'a, C>>,
    system: Option<C>,
    tools: Option<RawList<'a>>,
    output_config: Option<OutputConfig<'a>>,
    output_format: Option<FormatSpec<'a>>,
    stream: Option<bool>,
    metadata: Option<&'a RawValue>,
    /// A logger's wrapper: the request is this body, raw or deserialized in place.
    body: Option<B>,
}

/// Parses one line of an Anthropic Messages log: in one pass when it is a plain
/// `{request, response}` pair ([`parse_pair`]), else the general way
/// ([`parse_line_general`]). Both give the same outcome for any line.
pub(crate) fn parse_line(line: &[u8]) -> LineOutcome {
    parse_pair(line).unwrap_or_else(|| parse_line_general(line))
}

/// A `{request, response}` line with both sides deserialized in the same pass as the
/// envelope, message content and system prompt in place.
/// A `body` wrapper on either side is deserialized in place too (one level, as the general
/// path unwraps one level).
type Pair<'a> = Envelope<'a, FastRequest<'a>, Response<'a, Box<Response<'a>>>>;

/// A request with its content deserialized in place, and so is the body it may wrap.
type FastRequest<'a> = Request<'a, MessageContent<'a>, Box<Request<'a, MessageContent<'a>>>>;

/// Reads a `{request, response}` pair in one pass (see `openai::parse_pair`, which this
/// mirrors). Returns `None` for [`parse_line_general`] to read the line when it is not
/// UTF-8, not valid JSON, holds a field or content of an unexpected shape, or is a bare
/// response; otherwise the outcome the general path gives. A `body` wrapper on either side is
/// read in place, one level deep, as the general path unwraps it.
fn parse_pair(line: &[u8]) -> Option<LineOutcome> {
    let text = wire::utf8(line)?;
    let envelope: Pair<'_> = serde_json::from_str(text).ok()?;
    let outer = envelope.response.as_ref()?;
    // As the general path: the request a wrapper holds, if it is one.
    let apply = |record: &mut CallRecord| {
        Ok(match &envelope.request {
            None => None,
            Some(request) => match request.body.as_deref() {
                Some(inner) => apply_parsed_request(inner, record),
                None => apply_parsed_request(request, record),
            },
        })
    };
    // As the general path: a wrapper's status code, and the response it wraps.
    Some(match outer.body.as_deref() {
        Some(inner) => call_from_response(&envelope, inner, outer.status_code, apply),
        None => call_from_response(&envelope, outer, outer.status_code, apply),
    })
}

/// Parses one line of an Anthropic Messages log, whatever its shape: the envelope first,
/// keeping both sides raw, then each side.
fn parse_line_general(line: &[u8]) -> LineOutcome {
    let (envelope, response_json) = match Envelope::read(line) {
        Ok(read) => read,
        Err(outcome) => return outcome,
    };
    let (response, status_code) =
        match read_wrapped(response_json, |r: &Response| (r.body, r.status_code)) {
            Ok(read) => read,
            Err(err) => return err.outcome(),
        };
    call_from_response(&envelope, &response, status_code, |record| {
        match envelope.request {
            Some(raw) => apply_request(raw, record),
            None => Ok(None),
        }
    })
}

/// Builds the call of a response (`status_code` from the wrapper it came in, if any) and
/// copies the envelope's fields into it; `apply_request` reads the request side into the
/// record and returns the model it names.
fn call_from_response<Q, S, B>(
    envelope: &Envelope<'_, Q, S>,
    response: &Response<'_, B>,
    status_code: Option<u16>,
    apply_request: impl FnOnce(&mut CallRecord) -> Result<Option<String>, String>,
) -> LineOutcome {
    let Some(usage) = response.usage.as_ref() else {
        if response.kind.as_deref() == Some("error")
            || is_present(response.error)
            || status_code.is_some_and(|code| code >= 400)
        {
            return LineOutcome::Failed(wire::failure_of(status_code, response.error));
        }
        if response.kind.is_none() && response.model.is_none() {
            return LineOutcome::Error("not an Anthropic message: no type, model or usage".into());
        }
        return LineOutcome::Skip(SkipReason::NoUsage);
    };
    let mut record = CallRecord {
        provider: Provider::Anthropic,
        tokens: usage.buckets(),
        response_id: response.id.as_deref().map(str::to_string),
        ..CallRecord::default()
    };
    usage.apply_billing(&mut record);
    record.features.tool_calls = response
        .content
        .iter()
        .filter(|b| b.kind == "tool_use")
        .count() as u32;
    record.features.finish_reason = response.stop_reason.as_deref().map(str::to_string);
    record.status = match response.stop_reason.as_deref() {
        Some("max_tokens" | "refusal") => CallStatus::Incomplete,
        _ => CallStatus::Ok,
    };
    let request_model = match apply_request(&mut record) {
        Ok(model) => model,
        Err(message) => return LineOutcome::Error(message),
    };
    let Some(model) = model_of(response.model.as_deref(), request_model) else {
        return LineOutcome::Error("Anthropic message names no model".into());
    };
    record.model = model;
    envelope.apply_to(&mut record);
    record.sub_calls = usage
        .other_steps()
        .into_iter()
        .enumerate()
        .map(|(n, (model, tokens))| CallRecord {
            model: model.unwrap_or(&record.model).to_string(),
            tokens,
            response_id: record
                .response_id
                .as_ref()
                .map(|id| format!("{id}/step/{n}")),
            provider: Provider::Anthropic,
            timestamp_ms: record.timestamp_ms,
            session_id: record.session_id.clone(),
            tags: record.tags.clone(),
            service_tier: record.service_tier.clone(),
            residency: record.residency,
            ..CallRecord::default()
        })
        .collect();
    LineOutcome::Call(Box::new(record))
}

fn apply_request(raw: &RawValue, record: &mut CallRecord) -> Result<Option<String>, String> {
    let (request, _) = read_wrapped(raw.get(), |r: &Request| (r.body, None))
        .map_err(|err| err.message("Anthropic request"))?;
    Ok(apply_parsed_request(&request, record))
}

/// Reads a request (already deserialized, its `body` wrapper unwrapped) into the record;
/// returns the requested model name.
fn apply_parsed_request<C: ContentField, B>(
    request: &Request<'_, C, B>,
    record: &mut CallRecord,
) -> Option<String> {
    let mut prompt = PromptSummary::default();
    if let Some(system) = &request.system {
        system.add_as_system(&mut prompt);
    }
    if let Some(tools) = request.tools {
        prompt.add_tool_definitions(tools.raw.0);
    }
    for message in &request.messages {
        message.add_to(&mut prompt);
    }
    prompt.apply_to(record);
    let features = &mut record.features;
    features.tools_defined = request.tools.map_or(0, |tools| tools.items);
    features.streamed = request.stream.unwrap_or(false);
    let format = request
        .output_config
        .as_ref()
        .and_then(|c| c.format.as_ref())
        .or(request.output_format.as_ref());
    features.json_schema = format.is_some_and(|f| f.kind == "json_schema");
    if let Some(metadata) = request.metadata {
        add_string_tags(metadata, &mut record.tags);
    }
    request.model.as_deref().map(str::to_string)
}

/// Whether a parsed JSON value looks like an Anthropic Message (used by detection).
pub(crate) fn looks_like_message(value: &serde_json::Value) -> bool {
    let value = value.get("body").unwrap_or(value);
    let kind = value.get("type").and_then(|t| t.as_str());
    let usage = value.get("usage");
    kind == Some("message")
        || (kind == Some("error") && value.get("error").is_some())
        || usage.is_some_and(|u| {
            u.get("cache_read_input_tokens").is_some() && u.get("input_tokens").is_some()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::test_support::call;
    use crate::record::FailureCause;

    #[test]
    fn an_error_without_usage_is_a_failure_of_its_cause() {
        // fixtures/logs/anthropic/messages.jsonl, line 5: overloaded, no usage.
        let line = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        assert!(matches!(
            parse_line(line.as_bytes()),
            LineOutcome::Failed(FailureCause::ServerError)
        ));
    }

    fn message(usage: &str) -> String {
        format!(
            r#"{{"id":"msg_1","type":"message","model":"claude-opus-4-6","stop_reason":"end_turn","content":[],"usage":{usage}}}"#
        )
    }

    #[test]
    fn usage_says_how_the_call_was_billed_beyond_tokens() {
        // Fast mode, US-only inference and two web searches, as the Messages API reports them.
        let line = message(
            r#"{"input_tokens":10,"output_tokens":5,"service_tier":"standard","speed":"fast",
                "inference_geo":"us","server_tool_use":{"web_search_requests":2}}"#,
        );
        let outcome = parse_line(line.as_bytes());
        let record = call(&outcome);
        assert_eq!(record.service_tier.as_deref(), Some("fast"));
        assert_eq!(record.residency, Some(Residency::InferenceGeoUs));
        assert_eq!(record.web_search_requests, 2);
    }

    #[test]
    fn global_and_unreported_geography_carry_no_uplift() {
        for geo in ["global", "not_available"] {
            let line = message(&format!(
                r#"{{"input_tokens":10,"output_tokens":5,"service_tier":"standard","inference_geo":"{geo}"}}"#
            ));
            let outcome = parse_line(line.as_bytes());
            let record = call(&outcome);
            assert_eq!(record.residency, None);
            assert_eq!(record.service_tier.as_deref(), Some("standard"));
            assert_eq!(record.web_search_requests, 0);
        }
    }
}

#[cfg(test)]
mod pair_tests {
    use super::*;
    use crate::ingest::wire::{assert_one_pass_matches_general, fixture_lines};

    #[test]
    fn one_pass_reads_as_the_general_path() {
        let lines = fixture_lines(&["fixtures/logs/anthropic/messages.jsonl"]);
        assert_one_pass_matches_general(
            &lines,
            |line| parse_pair(line).is_some(),
            parse_line,
            parse_line_general,
        );
    }
}
