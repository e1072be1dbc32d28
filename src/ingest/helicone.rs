//! Helicone request export: the JSONL/JSON of `POST /v1/request/query-clickhouse` (one
//! `HeliconeRequest` per record: Helicone/helicone `packages/llm-mapper/types.ts`) and the CSV of
//! Helicone's export tool (`examples/export/typescript/index.ts`: request/response times,
//! status, JSON-in-cell request body and properties, model, prompt and completion tokens,
//! latency, cost).
//!
//! # Token convention
//!
//! Helicone's token columns are already split: `prompt_tokens` is the prompt *without* cache
//! reads and writes, which have their own columns, for every provider.
//!
//! - Current rows come from Helicone's normalised usage: `prompt_tokens = ModelUsage.input`
//!   ("Excluding cached or audio tokens"), `completion_tokens = ModelUsage.output` ("Excluding
//!   reasoning"; "reasoning/thinking tokens are now tracked separately and NOT included in
//!   completion tokens"), `reasoning_tokens = ModelUsage.thinking`, and the query's
//!   `total_tokens = prompt + completion + reasoning` (valhalla/jawn
//!   `src/lib/handlers/HandlerContext.ts` `toHeliconeRequest`, `getPromptTokens`;
//!   `packages/cost/usage/types.ts`; `packages/cost/usage/openAIUsageProcessor.ts` subtracts
//!   `cached_tokens` from OpenAI's `prompt_tokens`; `src/lib/stores/request/request.ts`).
//! - Older rows: Anthropic's `input_tokens` (cache excluded) went to `prompt_tokens` with the
//!   cache counts beside it (`bodyProcessors/anthropicBodyProcessor.ts`); OpenAI's raw
//!   `prompt_tokens` went unchanged only by processors that recorded no cache reads
//!   (`genericBodyProcessor.ts`, `openAIStreamProcessor.ts`), and the one that recorded them
//!   subtracted them (`openaiBodyProcessor.ts`). Helicone's own price formula adds
//!   `prompt_tokens` (its "fresh, uncached tokens") and the cache columns
//!   (`packages/cost/index.ts` `costOfPrompt`).
//!
//! So the columns are read as exclusive. A record whose logged response body shows OpenAI's
//! cache-inclusive `prompt_tokens` equal to the `prompt_tokens` column (an export written by
//! other tooling) is read as inclusive instead, and reasoning that the response body shows to be
//! inside `completion_tokens` is not added twice. Cache writes have no TTL column; they are
//! 5-minute writes unless the logged Anthropic body splits them. Audio tokens are part of the
//! prompt and completion counts in the current schema and are not added again.
//!
//! A request Helicone answered from its own response cache (`cache_reference_id` naming the
//! cached request, or an explicit `cache_hit`) did not reach the provider: a gateway cache hit.
//! Helicone custom events (tools, vector databases, data) are not model calls.

use crate::ingest::values::Text;
use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::content::PromptSummary;
use crate::ingest::observability::{
    is_provider_response_id, member_count, provider_from_name, push_tag, summarize_messages,
};
use crate::ingest::usage::{WireUsage, cache_writes, split_buckets};
use crate::ingest::values::{count, elapsed_ms, json_text, number, parse_time, parse_timestamp};
use crate::ingest::wire::failure_of;
use crate::ingest::{CsvHeaders, CsvRow, LineOutcome, LineParser, OneEach, SkipReason, json_error};
use crate::record::{CallRecord, CallStatus, Provider, TokenBuckets};

use crate::ingest::{CsvFormat, Format};

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format {
    name: "helicone",
    json: Some(looks_like),
    csv: Some(CsvFormat {
        looks_like: looks_like_header,
        row: parse_row,
    }),
    parser: |_| parser(),
    ..Format::NEW
};

/// Helicone's "no cache reference" value (`DEFAULT_UUID` in `packages/llm-mapper/types.ts`).
const DEFAULT_UUID: &str = "00000000-0000-0000-0000-000000000000";

/// One `HeliconeRequest` record. Numbers may be strings (ClickHouse writes 64-bit integers so).
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Row<'a> {
    request_id: Option<Text<'a>>,
    response_id: Option<Text<'a>>,
    request_created_at: Option<&'a RawValue>,
    response_created_at: Option<&'a RawValue>,
    response_status: Option<&'a RawValue>,
    provider: Option<Text<'a>>,
    model: Option<Text<'a>>,
    request_model: Option<Text<'a>>,
    response_model: Option<Text<'a>>,
    request_path: Option<Text<'a>>,
    request_user_id: Option<Text<'a>>,
    request_properties: Option<&'a RawValue>,
    properties: Option<&'a RawValue>,
    delay_ms: Option<&'a RawValue>,
    latency: Option<&'a RawValue>,
    time_to_first_token: Option<&'a RawValue>,
    prompt_tokens: Option<&'a RawValue>,
    completion_tokens: Option<&'a RawValue>,
    prompt_cache_read_tokens: Option<&'a RawValue>,
    prompt_cache_write_tokens: Option<&'a RawValue>,
    reasoning_tokens: Option<&'a RawValue>,
    #[serde(rename = "costUSD")]
    cost_usd_camel: Option<&'a RawValue>,
    cost_usd: Option<&'a RawValue>,
    cost: Option<&'a RawValue>,
    cache_hit: Option<&'a RawValue>,
    cache_reference_id: Option<Text<'a>>,
    prompt_id: Option<Text<'a>>,
    request_body: Option<&'a RawValue>,
    response_body: Option<&'a RawValue>,
}

/// What a JSON record or a CSV row says, in one shape.
#[derive(Default)]
struct Fields<'a> {
    request_id: Option<Text<'a>>,
    /// Helicone's own response id (not the provider's).
    helicone_response_id: Option<Text<'a>>,
    created_ms: Option<i64>,
    responded_ms: Option<i64>,
    status: Option<f64>,
    provider: Option<Text<'a>>,
    model: Option<Text<'a>>,
    path: Option<Text<'a>>,
    user: Option<Text<'a>>,
    prompt_id: Option<Text<'a>>,
    properties: Vec<(String, String)>,
    delay_ms: Option<f64>,
    ttft_ms: Option<f64>,
    prompt: Option<u64>,
    completion: Option<u64>,
    cache_read: Option<u64>,
    cache_write: Option<u64>,
    reasoning: Option<u64>,
    cost: Option<f64>,
    cache_hit: bool,
    request_body: Option<Cow<'a, RawValue>>,
    response_body: Option<Cow<'a, RawValue>>,
}

/// Whether a parsed JSON value is a Helicone request record.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    value.get("request_created_at").is_some()
        && [
            "request_id",
            "request_path",
            "delay_ms",
            "response_created_at",
        ]
        .iter()
        .any(|key| value.get(key).is_some())
}

/// A stateless parser: one outcome per record.
pub(crate) fn parser() -> Box<dyn LineParser> {
    Box::new(OneEach(parse_line))
}

/// Whether a CSV header is Helicone's export header.
pub(crate) fn looks_like_header(headers: &CsvHeaders) -> bool {
    headers.has("request_created_at")
        && (headers.has("response_created_at") || headers.has("request_id"))
        && (headers.has("prompt_tokens") || headers.has("model"))
}

/// Parses one JSON record.
fn parse_line(line: &[u8]) -> LineOutcome {
    let row: Row<'_> = match serde_json::from_slice(line) {
        Ok(row) => row,
        Err(err) => return json_error(err, line),
    };
    if row.request_created_at.is_none() && row.request_id.is_none() {
        return LineOutcome::Error(
            "not a Helicone request: no request_id or request_created_at".into(),
        );
    }
    let mut properties = Vec::new();
    for raw in [row.properties, row.request_properties]
        .into_iter()
        .flatten()
    {
        add_properties(raw, &mut properties);
    }
    let cache_hit = row
        .cache_hit
        .is_some_and(|raw| matches!(raw.get().trim(), "true" | "\"true\"" | "1"))
        || row
            .cache_reference_id
            .as_deref()
            .is_some_and(is_cache_reference);
    let fields = Fields {
        request_id: row.request_id,
        helicone_response_id: row.response_id,
        created_ms: row.request_created_at.and_then(parse_timestamp),
        responded_ms: row.response_created_at.and_then(parse_timestamp),
        status: row.response_status.and_then(number),
        provider: row.provider,
        model: [row.response_model, row.model, row.request_model]
            .into_iter()
            .flatten()
            .find(|m| !m.trim().is_empty()),
        path: row.request_path,
        user: row.request_user_id,
        prompt_id: row.prompt_id,
        properties,
        delay_ms: row.delay_ms.or(row.latency).and_then(number),
        ttft_ms: row.time_to_first_token.and_then(number),
        prompt: row.prompt_tokens.and_then(count),
        completion: row.completion_tokens.and_then(count),
        cache_read: row.prompt_cache_read_tokens.and_then(count),
        cache_write: row.prompt_cache_write_tokens.and_then(count),
        reasoning: row.reasoning_tokens.and_then(count),
        cost: [row.cost_usd_camel, row.cost_usd, row.cost]
            .into_iter()
            .flatten()
            .find_map(number),
        cache_hit,
        request_body: row.request_body.and_then(body_json),
        response_body: row.response_body.and_then(body_json),
    };
    build(fields)
}

/// Parses one data row of a Helicone CSV export.
pub(crate) fn parse_row(row: &CsvRow<'_>) -> LineOutcome {
    let created = row.get(&["request_created_at"]);
    if created.is_none() && row.get(&["request_id", "response_id"]).is_none() {
        return LineOutcome::Error("Helicone CSV row has no request id or request time".into());
    }
    let mut properties = Vec::new();
    for cell in [row.get(&["properties"]), row.get(&["request_properties"])]
        .into_iter()
        .flatten()
    {
        if let Ok(raw) = serde_json::from_str::<&RawValue>(cell) {
            add_properties(raw, &mut properties);
        }
    }
    let cell_json = |names: &[&str]| -> Option<Cow<'_, RawValue>> {
        let cell = row.get(names)?;
        serde_json::from_str::<&RawValue>(cell)
            .ok()
            .and_then(body_json)
    };
    let cache_hit = row
        .get(&["cache_hit"])
        .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
        || row
            .get(&["cache_reference_id"])
            .is_some_and(is_cache_reference);
    let fields = Fields {
        request_id: row.get(&["request_id"]).map(Text::from),
        helicone_response_id: row.get(&["response_id"]).map(Text::from),
        created_ms: created.and_then(parse_time),
        responded_ms: row.get(&["response_created_at"]).and_then(parse_time),
        status: row.f64(&["response_status", "status"]),
        provider: row.get(&["provider"]).map(Text::from),
        model: row
            .get(&["response_model", "model", "request_model"])
            .map(Text::from),
        path: row.get(&["request_path"]).map(Text::from),
        user: row.get(&["request_user_id", "user_id"]).map(Text::from),
        prompt_id: row.get(&["prompt_id"]).map(Text::from),
        properties,
        delay_ms: row.f64(&["delay_ms", "latency"]),
        ttft_ms: row.f64(&["time_to_first_token"]),
        prompt: row.u64(&["prompt_tokens"]),
        completion: row.u64(&["completion_tokens"]),
        cache_read: row.u64(&["prompt_cache_read_tokens"]),
        cache_write: row.u64(&["prompt_cache_write_tokens"]),
        reasoning: row.u64(&["reasoning_tokens"]),
        cost: row.f64(&["cost_usd", "costusd", "cost"]),
        cache_hit,
        request_body: cell_json(&["request_body"]),
        response_body: cell_json(&["response_body"]),
    };
    build(fields)
}

/// A body as logged: a JSON object, or a JSON string holding one.
fn body_json(raw: &RawValue) -> Option<Cow<'_, RawValue>> {
    let text = raw.get().trim_start();
    if text.starts_with('{') || text.starts_with('[') {
        return Some(Cow::Borrowed(raw));
    }
    let inner = json_text(raw)?;
    let parsed: Box<RawValue> = serde_json::from_str(&inner).ok()?;
    Some(Cow::Owned(parsed))
}

/// Whether a `cache_reference_id` names the request a cached response was served from.
fn is_cache_reference(id: &str) -> bool {
    let id = id.trim();
    !id.is_empty() && id != DEFAULT_UUID && !id.eq_ignore_ascii_case("null")
}

/// Custom properties as tags (`Helicone-Property-Feature` → `Feature`); the session id header
/// becomes the session.
fn add_properties(raw: &RawValue, out: &mut Vec<(String, String)>) {
    let Ok(map) = serde_json::from_str::<BTreeMap<Cow<'_, str>, &RawValue>>(raw.get()) else {
        return;
    };
    for (key, value) in map {
        let Some(value) = json_text(value) else {
            continue;
        };
        let key = key
            .strip_prefix("Helicone-Property-")
            .or_else(|| key.strip_prefix("helicone-property-"))
            .unwrap_or(&key);
        let pair = (key.to_string(), value.into_owned());
        if !out.contains(&pair) {
            out.push(pair);
        }
    }
}

/// A Chat Completions choice, for its finish reason.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Choice<'a> {
    finish_reason: Option<Text<'a>>,
}

/// A logged provider response (OpenAI or Anthropic shape).
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ResponseBody<'a> {
    id: Option<&'a RawValue>,
    model: Option<Text<'a>>,
    usage: Option<WireUsage<'a>>,
    choices: Option<Vec<Choice<'a>>>,
    stop_reason: Option<Text<'a>>,
    service_tier: Option<Text<'a>>,
    /// Read only to name a failure's cause, never kept.
    error: Option<&'a RawValue>,
}

/// The Responses API `text` option, for its output format.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct TextSpec<'a> {
    format: Option<&'a RawValue>,
}

/// A logged request body, or a Helicone custom event (`_type`: tool, vector_db, data).
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
struct RequestBody<'a> {
    #[serde(rename = "_type")]
    event_type: Option<Text<'a>>,
    model: Option<Text<'a>>,
    input: Option<&'a RawValue>,
    instructions: Option<Text<'a>>,
    tools: Option<&'a RawValue>,
    stream: Option<&'a RawValue>,
    response_format: Option<&'a RawValue>,
    text: Option<TextSpec<'a>>,
}

/// Turns a record's fields into a call or a skip.
fn build(fields: Fields<'_>) -> LineOutcome {
    let request: RequestBody<'_> = fields
        .request_body
        .as_deref()
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or_default();
    let model_name = fields.model.as_deref().unwrap_or_default();
    let custom_event = request
        .event_type
        .as_deref()
        .is_some_and(|t| matches!(t, "tool" | "vector_db" | "data"))
        || model_name.starts_with("tool:")
        || matches!(
            model_name,
            "vector_db" | "assistant-polling" | "assistant-call"
        );
    if custom_event {
        return LineOutcome::Skip(SkipReason::NotAModelCall);
    }
    if fields.cache_hit {
        return LineOutcome::Skip(SkipReason::GatewayCacheHit);
    }
    let status = fields.status;
    let failed = status.is_some_and(|code| code >= 400.0);
    let response: ResponseBody<'_> = fields
        .response_body
        .as_deref()
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or_default();
    let failure = failed.then(|| {
        let code = status.and_then(|code| u16::try_from(code as i64).ok());
        failure_of(code, response.error)
    });
    let tokens = buckets(&fields, response.usage.as_ref()).filter(|t| t.total() > 0);
    let Some(tokens) = tokens else {
        return LineOutcome::without_usage(failure);
    };
    let model = fields
        .model
        .as_deref()
        .filter(|m| !m.trim().is_empty() && *m != "unknown")
        .or(response.model.as_deref())
        .or(request.model.as_deref());
    let Some(model) = model else {
        return LineOutcome::Error("Helicone request has usage but names no model".into());
    };
    let provider = fields
        .provider
        .as_deref()
        .map_or(Provider::Unknown, |name| provider_from_name(name, model));
    let finish_reason = response
        .choices
        .as_ref()
        .and_then(|c| c.first())
        .and_then(|c| c.finish_reason.as_deref())
        .or(response.stop_reason.as_deref())
        .map(str::to_string);
    let mut record = CallRecord {
        provider: if provider == Provider::Unknown {
            Provider::from_model(model)
        } else {
            provider
        },
        model: model.to_string(),
        tokens,
        timestamp_ms: fields.created_ms,
        failure,
        status: match status {
            Some(code) if code >= 400.0 => CallStatus::Error,
            // Helicone logs cancelled streams with a negative status.
            Some(code) if code < 0.0 => CallStatus::Incomplete,
            _ if matches!(finish_reason.as_deref(), Some("length" | "max_tokens")) => {
                CallStatus::Incomplete
            }
            _ => CallStatus::Ok,
        },
        response_id: response
            .id
            .and_then(json_text)
            .filter(|id| is_provider_response_id(id))
            .map(Cow::into_owned),
        request_id: fields
            .request_id
            .as_deref()
            .or(fields.helicone_response_id.as_deref())
            .map(str::to_string),
        service_tier: response.service_tier.as_deref().map(str::to_string),
        stated_cost_usd: fields.cost.filter(|c| *c >= 0.0),
        ..CallRecord::default()
    };
    record.latency_ms = fields.delay_ms.filter(|d| *d >= 0.0).or_else(|| {
        let (start, end) = (fields.created_ms?, fields.responded_ms?);
        elapsed_ms(start, end)
    });
    record.time_to_first_token_ms = fields.ttft_ms.filter(|t| *t > 0.0);
    let features = &mut record.features;
    features.finish_reason = finish_reason;
    features.streamed = request.stream.is_some_and(|s| s.get() == "true")
        || match (record.time_to_first_token_ms, record.latency_ms) {
            (Some(ttft), Some(latency)) => ttft < latency,
            _ => false,
        };
    features.tools_defined = member_count(request.tools);
    let format = request
        .response_format
        .or(request.text.as_ref().and_then(|t| t.format));
    features.json_schema = format.is_some_and(|f| f.get().contains("json"));
    if let Some(body) = fields.request_body.as_deref() {
        let mut prompt = PromptSummary::default();
        if let Some(instructions) = &request.instructions {
            prompt.add_system(instructions);
        }
        if let Some(tools) = request.tools {
            prompt.add_tool_definitions(tools.get());
        }
        summarize_messages(body, &mut prompt);
        if let Some(input) = request.input {
            summarize_messages(input, &mut prompt);
        }
        prompt.apply_to(&mut record);
    }
    for (key, value) in fields.properties {
        if key.eq_ignore_ascii_case("Helicone-Session-Id") {
            record.session_id = Some(value);
        } else {
            record.tags.push((key, value));
        }
    }
    let tags = &mut record.tags;
    push_tag(tags, "user", fields.user.as_deref());
    push_tag(tags, "prompt_id", fields.prompt_id.as_deref());
    // The query string may carry an API key (Gemini's `?key=`): only the path is kept.
    let path = fields.path.as_deref();
    push_tag(tags, "path", path.and_then(|p| p.split(['?', '#']).next()));
    LineOutcome::Call(Box::new(record))
}

/// Exclusive buckets from Helicone's columns (see the module documentation), with the logged
/// response body as a witness of which convention an older row followed.
fn buckets(fields: &Fields<'_>, body: Option<&WireUsage<'_>>) -> Option<TokenBuckets> {
    if fields.prompt.is_none() && fields.completion.is_none() {
        return None;
    }
    let prompt = fields.prompt.unwrap_or(0);
    let completion = fields.completion.unwrap_or(0);
    let cache_read = fields.cache_read.unwrap_or(0);
    let cache_write = fields.cache_write.unwrap_or(0);
    let reasoning = fields.reasoning.unwrap_or(0);
    let body = body.filter(|u| u.cache_read_input_tokens.is_none());
    let body_prompt = body.and_then(WireUsage::prompt);
    let body_completion = body.and_then(WireUsage::completion);
    let body_reasoning = body.map_or(0, WireUsage::reasoning);
    let body_cached = body.map_or(0, WireUsage::cached);
    // OpenAI's prompt_tokens include cached tokens: when the column holds that very number, so
    // does the column.
    let cached = cache_read.saturating_add(cache_write);
    let prompt_includes_cache =
        cached > 0 && cached <= prompt && body_cached > 0 && body_prompt == Some(prompt);
    let input = if prompt_includes_cache {
        prompt - cached
    } else {
        prompt
    };
    // Current rows count reasoning beside completion_tokens; a body whose completion count
    // equals the column shows it inside.
    let completion_includes_reasoning =
        body_completion == Some(completion) && (reasoning == 0 || body_reasoning == reasoning);
    let (output, reasoning) = if completion_includes_reasoning {
        (completion, reasoning.max(body_reasoning))
    } else {
        (completion.saturating_add(reasoning), reasoning)
    };
    let writes = cache_write_split(cache_write, fields);
    Some(split_buckets(input, cache_read, writes, output, reasoning))
}

/// Splits cache writes by TTL when a logged Anthropic body does so and agrees with the column.
fn cache_write_split(written: u64, fields: &Fields<'_>) -> (u64, u64) {
    let split = fields
        .response_body
        .as_deref()
        .and_then(|raw| serde_json::from_str::<ResponseBody<'_>>(raw.get()).ok())
        .and_then(|body| {
            let (five, hour) = body.usage?.cache_creation?.split();
            let (five, hour) = (five.unwrap_or(0), hour.unwrap_or(0));
            (five.saturating_add(hour) == written).then_some((five, hour))
        });
    let (five, hour) = split.unzip();
    cache_writes(Some(written), five, hour)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::test_support::{
        assert_each_is_error, call, cost, parse_csv, parse_text, skip, tag, tokens,
    };
    use crate::ingest::{InputFormat, detect_csv, detect_format, parse_lines};
    use crate::record::FailureCause;

    const JSONL: &str = include_str!("../../fixtures/logs/helicone/requests.jsonl");
    const CSV: &str = include_str!("../../fixtures/logs/helicone/export.csv");
    const BAD_CSV: &str = include_str!("../../fixtures/malformed/helicone_row_without_id.csv");

    fn outcomes() -> Vec<LineOutcome> {
        parse_text(InputFormat::Helicone, JSONL)
            .into_iter()
            .map(|p| p.outcome)
            .collect()
    }

    #[test]
    fn fixtures_are_detected_as_helicone() {
        assert_eq!(detect_format(JSONL.as_bytes()), Some(InputFormat::Helicone));
        let (headers, _) = parse_csv(InputFormat::Helicone, CSV);
        assert_eq!(detect_csv(&headers), Some(InputFormat::Helicone));
    }

    #[test]
    fn current_rows_hold_cache_and_reasoning_beside_prompt_and_completion() {
        let out = outcomes();
        assert_eq!(out.len(), JSONL.lines().count());
        let record = call(&out[0]);
        // prompt_tokens 310 are the uncached part; 2,048 cache reads are beside them.
        assert_eq!(record.tokens, tokens(310, 2048, 0, 0, 95, 0));
        // gpt-4.1-mini: 310 × $0.40/M + 2,048 × $0.10/M + 95 × $1.60/M
        //             = $0.000124 + $0.0002048 + $0.000152 = $0.0004808
        assert_eq!(cost(record), "0.0004808");
        assert_eq!(record.stated_cost_usd, Some(0.0004808));
        assert_eq!(record.provider, Provider::OpenAi);
        assert_eq!(
            record.request_id.as_deref(),
            Some("9d1c2a9e-4b7d-4c21-9a1e-2f3b4c5d6e01")
        );
        assert_eq!(record.session_id.as_deref(), Some("sess-991"));
        assert_eq!(tag(record, "Feature"), Some("invoice-extract"));
        assert_eq!(tag(record, "user"), Some("user-42"));
        assert_eq!(record.latency_ms, Some(1419.0));
        assert_eq!(record.time_to_first_token_ms, Some(388.0));
        assert!(record.features.streamed);
        assert_eq!(record.timestamp_ms, Some(1_759_413_791_482));
        // Reasoning counted beside completion_tokens (ModelUsage.thinking).
        let record = call(&out[3]);
        assert_eq!(record.tokens, tokens(900, 0, 0, 0, 800, 640));
        // o4-mini: 900 × $1.10/M + 800 × $4.40/M = $0.00099 + $0.00352 = $0.00451
        assert_eq!(cost(record), "0.00451");
    }

    #[test]
    fn a_body_with_openai_inclusive_prompt_tokens_marks_an_inclusive_row() {
        let out = outcomes();
        let record = call(&out[1]);
        // The response body's prompt_tokens (1,117, cached 1,024 inside) equal the column.
        assert_eq!(record.tokens, tokens(93, 1024, 0, 0, 12, 0));
        // gpt-4o-mini: 93 × $0.15/M + 1,024 × $0.075/M + 12 × $0.60/M
        //            = $0.00001395 + $0.0000768 + $0.0000072 = $0.00009795
        assert_eq!(cost(record), "0.00009795");
        assert_eq!(record.stated_cost_usd, Some(9.795e-05));
        assert_eq!(record.response_id.as_deref(), Some("chatcmpl-xyz"));
        assert_eq!(record.features.finish_reason.as_deref(), Some("stop"));
        assert_eq!(record.text.as_ref().unwrap().user, "Extract the total...");
        // Prompt text never becomes a tag.
        assert!(
            record
                .tags
                .iter()
                .all(|(_, v)| !v.contains("Extract the total"))
        );
    }

    #[test]
    fn anthropic_rows_and_cache_write_ttl_from_the_body() {
        let out = outcomes();
        let record = call(&out[2]);
        assert_eq!(record.tokens, tokens(45, 8000, 900, 300, 300, 0));
        assert_eq!(record.provider, Provider::Anthropic);
        // claude-haiku-4-5: 45 × $1/M + 8,000 × $0.10/M + 900 × $1.25/M + 300 × $2/M
        //   + 300 × $5/M = $0.000045 + $0.0008 + $0.001125 + $0.0006 + $0.0015 = $0.00407
        assert_eq!(cost(record), "0.00407");
        assert_eq!(record.response_id.as_deref(), Some("msg_01HeliconeFixture"));
        assert_eq!(record.features.finish_reason.as_deref(), Some("end_turn"));
        assert_eq!(record.features.tools_defined, 1);
        assert_eq!(
            tag(record, "path"),
            Some("https://api.anthropic.com/v1/messages")
        );
        let line = br#"{"request_id":"r","request_created_at":"2025-10-02T14:03:11Z","request_path":"https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent?key=SECRET","provider":"GOOGLE","model":"gemini-2.5-flash","prompt_tokens":5,"completion_tokens":1}"#;
        let out = parse_lines(InputFormat::Helicone, &[line]);
        let record = call(&out[0].outcome);
        assert!(record.tags.iter().all(|(_, v)| !v.contains("SECRET")));
        assert_eq!(record.provider, Provider::Google);
    }

    #[test]
    fn gateway_cache_hits_errors_and_custom_events_are_skipped() {
        let out = outcomes();
        assert_eq!(skip(&out[4]), SkipReason::GatewayCacheHit);
        assert_eq!(skip(&out[5]), SkipReason::ProviderError);
        // response_status 429 without token counts: a rate limit without usage.
        assert!(matches!(
            out[5],
            LineOutcome::Failed(FailureCause::RateLimit)
        ));
        assert_eq!(skip(&out[6]), SkipReason::NotAModelCall);
        assert_eq!(skip(&out[7]), SkipReason::GatewayCacheHit);
        assert_eq!(out.len(), 8);
    }

    #[test]
    fn csv_export_rows() {
        let (_, out) = parse_csv(InputFormat::Helicone, CSV);
        assert_eq!(out.len(), 3);
        let record = call(&out[0]);
        // No cache columns in this export: every prompt token is billed as input.
        assert_eq!(record.tokens, tokens(1117, 0, 0, 0, 12, 0));
        // gpt-4o-mini: 1,117 × $0.15/M + 12 × $0.60/M = $0.00016755 + $0.0000072 = $0.00017475
        assert_eq!(cost(record), "0.00017475");
        assert_eq!(
            record.request_id.as_deref(),
            Some("b1c2d3e4-0000-4000-8000-aaaaaaaaaaaa")
        );
        assert_eq!(record.session_id.as_deref(), Some("sess-991"));
        assert_eq!(tag(record, "Feature"), Some("invoice-extract"));
        assert_eq!(record.latency_ms, Some(1419.0));
        assert_eq!(record.features.message_count, 1);
        let record = call(&out[1]);
        assert_eq!(record.tokens, tokens(2400, 0, 0, 0, 350, 0));
        assert_eq!(record.provider, Provider::Anthropic);
        // claude-sonnet-4-5: 2,400 × $3/M + 350 × $15/M = $0.0072 + $0.00525 = $0.01245
        assert_eq!(cost(record), "0.01245");
        assert_eq!(record.stated_cost_usd, Some(0.01245));
        assert_eq!(record.latency_ms, Some(5100.0));
        assert_eq!(skip(&out[2]), SkipReason::ProviderError);
        // response_status 500, no token counts.
        assert!(matches!(
            out[2],
            LineOutcome::Failed(FailureCause::ServerError)
        ));
        let (_, bad) = parse_csv(InputFormat::Helicone, BAD_CSV);
        assert!(matches!(bad.as_slice(), [LineOutcome::Error(_)]));
    }

    #[test]
    fn other_loggers_records_are_not_claimed() {
        // Top-level shapes of the other formats' samples (LiteLLM spend log and payload,
        // Bedrock invocation log, Codex rollout, Gemini CLI session, an OpenAI response).
        let others = [
            r#"{"request_id":"r","call_type":"acompletion","startTime":"2025-01-01T00:00:00Z","endTime":"2025-01-01T00:00:01Z","model":"gpt-4o","spend":0.1,"prompt_tokens":5,"completion_tokens":1,"cache_hit":"False","session_id":"s"}"#,
            r#"{"id":"x","trace_id":"t","call_type":"completion","startTime":1.0,"endTime":2.0,"model":"gpt-4o","status":"success","response_cost":0.1,"prompt_tokens":5}"#,
            r#"{"schemaType":"ModelInvocationLog","timestamp":"2025-01-01T00:00:00Z","requestId":"r","modelId":"anthropic.claude","input":{},"output":{}}"#,
            r#"{"timestamp":"2025-01-01T00:00:00Z","type":"event_msg","payload":{}}"#,
            r#"{"sessionId":"s","projectHash":"h","startTime":"2025-01-01T00:00:00Z","lastUpdated":"x","kind":"main"}"#,
            r#"{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o","usage":{"prompt_tokens":5}}"#,
        ];
        for line in others {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(!looks_like(&value), "helicone claimed {line}");
            assert!(
                !crate::ingest::langfuse::looks_like(&value),
                "langfuse claimed {line}"
            );
            assert!(
                !crate::ingest::langsmith::looks_like(&value),
                "langsmith claimed {line}"
            );
        }
    }

    #[test]
    fn malformed_records_are_errors() {
        assert_each_is_error(
            InputFormat::Helicone,
            &[
                b"{\"request_id\":\"r\",\"request_created_at\":",
                b"{\"model\":\"gpt-4o\"}",
                b"{\"request_id\":\"r\",\"request_created_at\":\"2025-10-02T14:03:11Z\",\"prompt_tokens\":5}",
                b"{\"request_id\":7}",
            ],
        );
    }

    #[test]
    fn clickhouse_strings_and_odd_values() {
        let line = br#"{"request_id":"r","request_created_at":"2025-10-02 14:03:11.482","model":"gpt-4.1","prompt_tokens":"100","completion_tokens":"20","prompt_cache_read_tokens":"500","reasoning_tokens":null,"response_status":"200","delay_ms":"-1","cache_reference_id":"00000000-0000-0000-0000-000000000000","request_body":"{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"}"#;
        let out = parse_lines(InputFormat::Helicone, &[line]);
        let record = call(&out[0].outcome);
        assert_eq!(record.tokens, tokens(100, 500, 0, 0, 20, 0));
        assert_eq!(record.timestamp_ms, Some(1_759_413_791_482));
        assert_eq!(record.latency_ms, None);
        assert!(record.features.streamed);
        assert_eq!(record.features.message_count, 1);
    }
}
