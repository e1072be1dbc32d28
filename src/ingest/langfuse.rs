//! Langfuse observations export: the public API (`GET /api/public/observations`, v1 and v2, one
//! observation per JSON line, a JSON array, or a whole `{data, meta}` page), the UI export, and
//! the blob-storage export (the same fields in snake_case).
//!
//! Only `GENERATION` observations are model calls; spans, events, agents, tools, chains,
//! retrievers, evaluators, embeddings and guardrails are counted as not a model call (agent and
//! chain observations may carry their children's usage, which would count it twice).
//!
//! # Usage keys
//!
//! Langfuse stores usage as a map of usage types (`usageDetails`) and prices a generation as the
//! sum of each type times its price ("Usage types must match exactly with the keys in the
//! `usage_details` object"; "if not set, [total] is derived from input + cache_read_input_tokens +
//! output": langfuse-docs `pages/docs/observability/features/token-and-cost-tracking.mdx`). So
//! the keys Langfuse itself writes are *exclusive* buckets:
//!
//! - the server turns an OpenAI usage object into `input = prompt_tokens − every
//!   prompt_tokens_details entry` (`input_cached_tokens`, `input_audio_tokens`, …) and `output =
//!   completion_tokens − every completion_tokens_details entry` (`output_reasoning_tokens`, …):
//!   langfuse/langfuse `packages/shared/src/server/ingestion/types.ts`, `OpenAICompletionUsageSchema`
//!   and `OpenAIResponseUsageSchema`;
//! - the Python SDK's LangChain handler subtracts every `input_token_details` and
//!   `output_token_details` entry from `input`/`output` and stores them as `input_<key>` /
//!   `output_<key>` (langfuse/langfuse-python `langfuse/langchain/CallbackHandler.py`,
//!   `_parse_usage_model`), because LangChain's `input_tokens` is the sum of all input types;
//! - the OTel ingestion normalises `gen_ai.usage.*` / `llm.token_count.*` into `input` minus
//!   cache reads and writes, `input_cached_tokens`, `input_cache_creation`, and (since
//!   2026-08-10) `output` minus `output_reasoning_tokens` (`OtelIngestionProcessor.ts`,
//!   `extractGenericGenAiUsageDetails`);
//! - Anthropic's own keys (`input_tokens`, `cache_read_input_tokens`,
//!   `cache_creation_input_tokens`) are exclusive already, which is why the docs' example sends
//!   them unchanged.
//!
//! Older Langfuse servers stored the OTel attributes they did not recognise verbatim, *inside*
//! the total they came with: `prompt_details.cache_read` / `prompt_details.cache_write`
//! (OpenInference, normalised only since langfuse/langfuse c048498, 2026-05-14), and
//! `completion_details.reasoning` / `reasoning.output_tokens` (normalised only since 07b2814,
//! 2026-08-10); their `input` and `output` include those subsets. The reference export's Gemini
//! generation shows it: `input 6 + output 2055 = total 2061` with `completion_details.reasoning
//! 1104` inside `output`. Gemini's own `cached_content_token_count` is likewise inside
//! `promptTokenCount`.
//!
//! So each cache or reasoning key is read by its style — Langfuse-canonical keys as separate
//! buckets, raw OTel subset keys as parts of `input`/`output` — and when the record states a
//! `total` that only the other reading adds up to, that reading wins (an OTel generic attribute
//! such as `cache_read_input_tokens` stored verbatim before 2026-04-13 was inside `input`).
//! Other `input_*` / `output_*` keys (audio, modalities, predictions) are further exclusive parts
//! of the prompt and the output.

use crate::ingest::values::Text;
use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::content::PromptSummary;
use crate::ingest::observability::{
    add_list_tags, add_short_string_tags, apply_span_times, is_provider_response_id, member_count,
    push_page_items, push_tag, summarize_messages,
};
use crate::ingest::usage::{WireDetails, split_buckets};
use crate::ingest::values::{count, json_text, number, parse_timestamp, scalar_text};
use crate::ingest::{LineOutcome, LineParser, Parsed, SkipReason, json_error};
use crate::record::{CallRecord, CallStatus, FailureCause, Provider, TokenBuckets};

use crate::ingest::Format;

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format {
    name: "langfuse",
    json: Some(looks_like),
    parser: |_| parser(),
    ..Format::NEW
};

/// One observation, in the camelCase of the API and the snake_case of the blob export.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Observation<'a> {
    id: Option<Text<'a>>,
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    #[serde(rename = "traceId", alias = "trace_id")]
    trace_id: Option<Text<'a>>,
    #[serde(rename = "sessionId", alias = "session_id")]
    session_id: Option<Text<'a>>,
    #[serde(rename = "userId", alias = "user_id")]
    user_id: Option<Text<'a>>,
    /// A trace's observations (a trace object or a UI download holds them).
    observations: Option<&'a RawValue>,
    /// The trace of a `{trace, observations}` download.
    trace: Option<&'a RawValue>,
    #[serde(rename = "projectId", alias = "project_id")]
    project_id: Option<Text<'a>>,
    environment: Option<Text<'a>>,
    name: Option<Text<'a>>,
    level: Option<Text<'a>>,
    /// Read only to name a failure's cause ([`FailureCause::derive`]), never kept.
    #[serde(rename = "statusMessage", alias = "status_message")]
    status_message: Option<Text<'a>>,
    #[serde(rename = "startTime", alias = "start_time")]
    start_time: Option<&'a RawValue>,
    #[serde(rename = "endTime", alias = "end_time")]
    end_time: Option<&'a RawValue>,
    #[serde(rename = "completionStartTime", alias = "completion_start_time")]
    completion_start_time: Option<&'a RawValue>,
    model: Option<Text<'a>>,
    #[serde(rename = "providedModelName", alias = "provided_model_name")]
    provided_model_name: Option<Text<'a>>,
    #[serde(rename = "modelParameters", alias = "model_parameters")]
    model_parameters: Option<&'a RawValue>,
    #[serde(rename = "usageDetails", alias = "usage_details")]
    usage_details: Option<&'a RawValue>,
    /// The v1 API's deprecated usage object (`input`, `output`, `total`, `unit`, costs).
    usage: Option<&'a RawValue>,
    #[serde(rename = "promptTokens", alias = "prompt_tokens")]
    prompt_tokens: Option<&'a RawValue>,
    #[serde(rename = "completionTokens", alias = "completion_tokens")]
    completion_tokens: Option<&'a RawValue>,
    #[serde(rename = "inputUsage", alias = "input_usage")]
    input_usage: Option<&'a RawValue>,
    #[serde(rename = "outputUsage", alias = "output_usage")]
    output_usage: Option<&'a RawValue>,
    #[serde(rename = "costDetails", alias = "cost_details")]
    cost_details: Option<&'a RawValue>,
    #[serde(rename = "totalCost", alias = "total_cost")]
    total_cost: Option<&'a RawValue>,
    #[serde(rename = "calculatedTotalCost", alias = "calculated_total_cost")]
    calculated_total_cost: Option<&'a RawValue>,
    metadata: Option<&'a RawValue>,
    tags: Option<&'a RawValue>,
    #[serde(rename = "promptName", alias = "prompt_name")]
    prompt_name: Option<Text<'a>>,
    #[serde(rename = "promptVersion", alias = "prompt_version")]
    prompt_version: Option<&'a RawValue>,
    input: Option<&'a RawValue>,
    output: Option<&'a RawValue>,
    #[serde(rename = "toolDefinitions", alias = "tool_definitions")]
    tool_definitions: Option<&'a RawValue>,
    #[serde(rename = "toolCalls", alias = "tool_calls")]
    tool_calls: Option<&'a RawValue>,
    /// The records of an API page (`{"data": [...], "meta": {...}}`).
    data: Option<&'a RawValue>,
}

/// Observation types Langfuse defines (langfuse/langfuse `packages/shared/src/domain/observations.ts`).
const OBSERVATION_TYPES: [&str; 10] = [
    "GENERATION",
    "SPAN",
    "EVENT",
    "AGENT",
    "TOOL",
    "CHAIN",
    "RETRIEVER",
    "EVALUATOR",
    "EMBEDDING",
    "GUARDRAIL",
];

/// Whether a parsed JSON value is a Langfuse observation, an API page of them (`data`), or a
/// trace with its observations: the public API's trace (`GET /api/public/traces/{id}`), and
/// the UI's downloads, `{trace, observations}` and `{observations, scores}`.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    for list in ["data", "observations"] {
        if let Some(items) = value.get(list).and_then(|d| d.as_array()) {
            return items.iter().take(8).any(is_observation);
        }
    }
    is_observation(value)
}

/// What a trace says of all its observations: the session and user they belong to.
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
struct TraceFacts<'a> {
    #[serde(rename = "sessionId", alias = "session_id")]
    session_id: Option<Text<'a>>,
    #[serde(rename = "userId", alias = "user_id")]
    user_id: Option<Text<'a>>,
}

/// Whether one JSON object has an observation's type, trace id and start time.
fn is_observation(value: &serde_json::Value) -> bool {
    let field = |camel: &str, snake: &str| value.get(camel).or_else(|| value.get(snake));
    let kind = value.get("type").and_then(|t| t.as_str());
    kind.is_some_and(|k| OBSERVATION_TYPES.contains(&k))
        && field("traceId", "trace_id").is_some()
        && field("startTime", "start_time").is_some()
}

/// A stateless parser: one outcome per observation, several for an API page.
pub(crate) fn parser() -> Box<dyn LineParser> {
    Box::new(ObservationParser)
}

/// Reads observations; holds no state, so chunks of one file may be read in parallel.
struct ObservationParser;

impl LineParser for ObservationParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        let outcome = match serde_json::from_slice::<Observation<'_>>(line) {
            Ok(observation) => {
                let list = observation.data.or(observation.observations);
                if let (None, Some(list)) = (&observation.kind, list) {
                    return push_trace_items(&observation, list, line_no, out);
                }
                parse_observation(&observation)
            }
            Err(err) => json_error(err, line),
        };
        out.push(Parsed {
            line: line_no,
            outcome,
        });
    }
}

/// Pushes the observations of an API page or a trace: a trace's session and user hold for
/// observations that do not repeat them, the trace being the record itself (the public API) or
/// its `trace` member (a download).
fn push_trace_items(page: &Observation<'_>, list: &RawValue, line: u64, out: &mut Vec<Parsed>) {
    let trace: TraceFacts<'_> = match page.trace {
        Some(trace) => serde_json::from_str(trace.get()).unwrap_or_default(),
        None => TraceFacts {
            session_id: page.session_id.clone(),
            user_id: page.user_id.clone(),
        },
    };
    let what = "Langfuse `data` or `observations`";
    push_page_items(out, line, list, what, |item| {
        match serde_json::from_slice::<Observation<'_>>(item) {
            Ok(mut inner) => {
                if inner.session_id.is_none() {
                    inner.session_id = trace.session_id.clone();
                }
                if inner.user_id.is_none() {
                    inner.user_id = trace.user_id.clone();
                }
                parse_observation(&inner)
            }
            Err(err) => json_error(err, item),
        }
    });
}

/// Turns one observation into a call or a skip.
fn parse_observation(obs: &Observation<'_>) -> LineOutcome {
    let Some(kind) = obs.kind.as_deref() else {
        return LineOutcome::Error("not a Langfuse observation: no `type`".into());
    };
    if !kind.eq_ignore_ascii_case("GENERATION") {
        return LineOutcome::Skip(SkipReason::NotAModelCall);
    }
    let failed = obs
        .level
        .as_deref()
        .is_some_and(|level| level.eq_ignore_ascii_case("ERROR"));
    let failure = failed
        .then(|| FailureCause::derive(None, &[obs.status_message.as_deref().unwrap_or_default()]));
    let tokens = observation_tokens(obs);
    let Some(tokens) = tokens.filter(|t| t.total() > 0) else {
        return LineOutcome::without_usage(failure);
    };
    let model = obs
        .model
        .as_deref()
        .or(obs.provided_model_name.as_deref())
        .filter(|m| !m.trim().is_empty());
    let Some(model) = model else {
        return LineOutcome::Error("Langfuse generation has usage but names no model".into());
    };
    let mut record = CallRecord {
        provider: Provider::from_model(model),
        model: model.to_string(),
        tokens,
        status: if failed {
            CallStatus::Error
        } else {
            CallStatus::Ok
        },
        request_id: obs.id.as_deref().map(str::to_string),
        session_id: obs
            .session_id
            .as_deref()
            .or(obs.trace_id.as_deref())
            .map(str::to_string),
        stated_cost_usd: stated_cost(obs),
        failure,
        ..CallRecord::default()
    };
    let start = obs.start_time.and_then(parse_timestamp);
    let end = obs.end_time.and_then(parse_timestamp);
    let first_token = obs.completion_start_time.and_then(parse_timestamp);
    apply_span_times(&mut record, start, end, first_token);
    if let (Some(_), Some(first)) = (start, first_token) {
        // Integrations set the completion start time from the first streamed chunk.
        record.features.streamed = end.is_none_or(|end| first < end);
    }
    record.response_id = [obs.output, obs.model_parameters]
        .into_iter()
        .flatten()
        .find_map(response_id_of);
    if let Some(params) = obs.model_parameters {
        apply_model_parameters(params, &mut record);
    }
    record.features.tools_defined = member_count(obs.tool_definitions);
    record.features.tool_calls = member_count(obs.tool_calls);
    if let Some(input) = obs.input {
        // The v2 API may return the input as JSON text rather than JSON.
        let decoded = json_text(input)
            .filter(|text| text.trim_start().starts_with(['[', '{']))
            .and_then(|text| serde_json::from_str::<Box<RawValue>>(&text).ok());
        let mut prompt = PromptSummary::default();
        summarize_messages(decoded.as_deref().unwrap_or(input), &mut prompt);
        prompt.apply_to(&mut record);
    }
    add_tags(obs, &mut record.tags);
    LineOutcome::Call(Box::new(record))
}

/// The usage of an observation: `usageDetails`, else the v1 `usage` object, else the flat
/// token fields of the v1 (`promptTokens`) and v2 (`inputUsage`) APIs.
fn observation_tokens(obs: &Observation<'_>) -> Option<TokenBuckets> {
    if let Some(tokens) = obs.usage_details.and_then(usage_from_map) {
        return Some(tokens);
    }
    if let Some(tokens) = obs.usage.and_then(usage_from_v1_object) {
        return Some(tokens);
    }
    let flat = |input: Option<&RawValue>, output: Option<&RawValue>| {
        let input = input.and_then(count);
        let output = output.and_then(count);
        (input.is_some() || output.is_some()).then(|| TokenBuckets {
            input: input.unwrap_or(0),
            output: output.unwrap_or(0),
            ..TokenBuckets::default()
        })
    };
    flat(obs.prompt_tokens, obs.completion_tokens)
        .or_else(|| flat(obs.input_usage, obs.output_usage))
}

/// The v1 usage object; its `unit` may say the counts are characters, seconds or images, which
/// are not tokens.
fn usage_from_v1_object(raw: &RawValue) -> Option<TokenBuckets> {
    #[derive(Deserialize)]
    #[serde(bound(deserialize = "'de: 'a"))]
    struct Unit<'a> {
        unit: Option<Text<'a>>,
    }
    let unit: Unit<'_> = serde_json::from_str(raw.get()).ok()?;
    if unit
        .unit
        .as_deref()
        .is_some_and(|u| !u.eq_ignore_ascii_case("TOKENS"))
    {
        return None;
    }
    usage_from_map(raw)
}

/// Where a usage key belongs. `Subset` keys are already counted inside `input` or `output`;
/// `Separate` keys are counted beside them (see the module documentation).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Input,
    Output,
    Total,
    CacheRead(Style),
    CacheWrite(Style),
    CacheWrite5m,
    CacheWrite1h,
    Reasoning(Style),
    OtherInput,
    OtherOutput,
    Ignored,
}

/// Whether a cache or reasoning key counts beside `input`/`output` or inside them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Separate,
    Subset,
}

/// Where a usage key belongs, by its spelling.
fn classify(key: &str) -> Key {
    use Style::{Separate, Subset};
    match key {
        "input" | "input_tokens" | "prompt_tokens" | "promptTokens" | "prompt" | "inputTokens"
        | "promptTokenCount" | "prompt_token_count" => Key::Input,
        "output"
        | "output_tokens"
        | "completion_tokens"
        | "completionTokens"
        | "completion"
        | "outputTokens"
        | "candidatesTokenCount"
        | "candidates_token_count" => Key::Output,
        "total" | "total_tokens" | "totalTokens" | "totalTokenCount" | "total_token_count" => {
            Key::Total
        }
        "input_cached_tokens" | "input_cache_read" | "cache_read_input_tokens" => {
            Key::CacheRead(Separate)
        }
        "prompt_details.cache_read"
        | "cache_read.input_tokens"
        | "cache_read_tokens"
        | "details.cache_read_tokens"
        | "details.cache_read_input_tokens"
        | "cached_content_token_count"
        | "cachedContentTokenCount" => Key::CacheRead(Subset),
        "input_cache_creation_5m"
        | "cache_creation_ephemeral_5m_input_tokens"
        | "input_ephemeral_5m_input_tokens" => Key::CacheWrite5m,
        "input_cache_creation_1h"
        | "cache_creation_ephemeral_1h_input_tokens"
        | "input_ephemeral_1h_input_tokens" => Key::CacheWrite1h,
        "input_cache_creation"
        | "cache_creation_input_tokens"
        | "input_cache_write"
        | "cache_write_input_tokens" => Key::CacheWrite(Separate),
        "prompt_details.cache_write"
        | "cache_creation.input_tokens"
        | "cache_write_tokens"
        | "details.cache_write_tokens"
        | "details.cache_creation_input_tokens" => Key::CacheWrite(Subset),
        "output_reasoning_tokens"
        | "output_reasoning"
        | "reasoning_tokens"
        | "thoughtsTokenCount"
        | "thoughts_token_count" => Key::Reasoning(Separate),
        "completion_details.reasoning" | "reasoning.output_tokens" | "details.reasoning_tokens" => {
            Key::Reasoning(Subset)
        }
        _ if key.starts_with("input_cached") || key.starts_with("cached_modality_") => {
            Key::CacheRead(Separate)
        }
        _ if key.starts_with("input_") => Key::OtherInput,
        _ if key.starts_with("output_") => Key::OtherOutput,
        _ => Key::Ignored,
    }
}

/// Usage keys summed by where they belong.
#[derive(Default)]
struct UsageSums {
    input: Option<u64>,
    output: Option<u64>,
    total: Option<u64>,
    other_input: u64,
    other_output: u64,
    cache_read: u64,
    cache_read_subset: u64,
    write: u64,
    write_subset: u64,
    write_5m: u64,
    write_1h: u64,
    reasoning: u64,
    reasoning_subset: u64,
    /// An OpenAI usage object left unflattened (`prompt_tokens_details`, …): its details are
    /// subsets of `prompt_tokens` / `completion_tokens`.
    openai_cached: u64,
    openai_reasoning: u64,
}

impl UsageSums {
    fn add(&mut self, key: &str, value: &RawValue) {
        if matches!(
            key,
            "prompt_tokens_details"
                | "input_tokens_details"
                | "completion_tokens_details"
                | "output_tokens_details"
        ) {
            if let Ok(details) = serde_json::from_str::<WireDetails<'_>>(value.get()) {
                self.openai_cached += details.cached_tokens.and_then(count).unwrap_or(0);
                self.openai_reasoning += details.reasoning_tokens.and_then(count).unwrap_or(0);
            }
            return;
        }
        let Some(n) = count(value) else {
            return;
        };
        let add = |slot: &mut u64| *slot = slot.saturating_add(n);
        match classify(key) {
            Key::Input => self.input = Some(self.input.unwrap_or(0).saturating_add(n)),
            Key::Output => self.output = Some(self.output.unwrap_or(0).saturating_add(n)),
            Key::Total => self.total = Some(n),
            Key::CacheRead(Style::Separate) => add(&mut self.cache_read),
            Key::CacheRead(Style::Subset) => add(&mut self.cache_read_subset),
            Key::CacheWrite(Style::Separate) => add(&mut self.write),
            Key::CacheWrite(Style::Subset) => add(&mut self.write_subset),
            Key::CacheWrite5m => add(&mut self.write_5m),
            Key::CacheWrite1h => add(&mut self.write_1h),
            Key::Reasoning(Style::Separate) => add(&mut self.reasoning),
            Key::Reasoning(Style::Subset) => add(&mut self.reasoning_subset),
            Key::OtherInput => add(&mut self.other_input),
            Key::OtherOutput => add(&mut self.other_output),
            Key::Ignored => {}
        }
    }

    /// Exclusive buckets, reading each key by its style unless the stated total says otherwise.
    fn buckets(&self) -> Option<TokenBuckets> {
        if self.input.is_none()
            && self.output.is_none()
            && self.other_input == 0
            && self.other_output == 0
        {
            return None;
        }
        let base_in = self.input.unwrap_or(0).saturating_add(self.other_input);
        let base_out = self.output.unwrap_or(0).saturating_add(self.other_output);
        let cache_read = self
            .cache_read
            .saturating_add(self.cache_read_subset)
            .saturating_add(self.openai_cached);
        // Split writes; an unsplit count beyond the split was written with the default 5m TTL.
        let unsplit = self.write.saturating_add(self.write_subset);
        let split = self.write_5m.saturating_add(self.write_1h);
        let write_5m = self.write_5m.saturating_add(unsplit.saturating_sub(split));
        let write_1h = self.write_1h;
        let writes = write_5m.saturating_add(write_1h);
        let cached = cache_read.saturating_add(writes);
        let reasoning = self
            .reasoning
            .saturating_add(self.reasoning_subset)
            .saturating_add(self.openai_reasoning);
        let subset_cache = self
            .cache_read_subset
            .saturating_add(self.write_subset)
            .saturating_add(self.openai_cached);
        let separate_cache = self.cache_read.saturating_add(self.write.max(split));
        let mut cache_inside = subset_cache > separate_cache;
        let mut reasoning_inside =
            self.reasoning_subset.saturating_add(self.openai_reasoning) > self.reasoning;
        if let Some(total) = self.total {
            let sum = |cache_in: bool, reasoning_in: bool| {
                base_in
                    .saturating_add(if cache_in { 0 } else { cached })
                    .saturating_add(base_out)
                    .saturating_add(if reasoning_in { 0 } else { reasoning })
            };
            if sum(cache_inside, reasoning_inside) != total {
                // Only readings that differ: an empty group reads the same either way.
                let flip_cache = cached > 0;
                let flip_reasoning = reasoning > 0;
                let others = [
                    (flip_cache, (!cache_inside, reasoning_inside)),
                    (flip_reasoning, (cache_inside, !reasoning_inside)),
                    (
                        flip_cache && flip_reasoning,
                        (!cache_inside, !reasoning_inside),
                    ),
                ];
                let matching: Vec<(bool, bool)> = others
                    .into_iter()
                    .filter(|&(differs, (c, r))| differs && sum(c, r) == total)
                    .map(|(_, reading)| reading)
                    .collect();
                if let [(c, r)] = matching[..] {
                    cache_inside = c;
                    reasoning_inside = r;
                }
            }
        }
        // Cached tokens cannot be part of a smaller prompt count: they were counted beside it.
        if cache_inside && cached > base_in {
            cache_inside = false;
        }
        let input = if cache_inside {
            base_in - cached
        } else {
            base_in
        };
        let output = if reasoning_inside {
            base_out
        } else {
            base_out.saturating_add(reasoning)
        };
        Some(split_buckets(
            input,
            cache_read,
            (write_5m, write_1h),
            output,
            reasoning,
        ))
    }
}

/// Reads a usage map (`usageDetails`, the v1 `usage` object) into exclusive buckets.
fn usage_from_map(raw: &RawValue) -> Option<TokenBuckets> {
    let map: BTreeMap<Cow<'_, str>, &RawValue> = serde_json::from_str(raw.get()).ok()?;
    let mut sums = UsageSums::default();
    for (key, value) in &map {
        sums.add(key, value);
    }
    sums.buckets()
}

/// The cost Langfuse states: `costDetails.total`, else the sum of the cost details, else the
/// flat total of the v2 (`totalCost`) or v1 (`calculatedTotalCost`) API.
fn stated_cost(obs: &Observation<'_>) -> Option<f64> {
    if let Some(details) = obs.cost_details
        && let Ok(map) = serde_json::from_str::<BTreeMap<Cow<'_, str>, &RawValue>>(details.get())
    {
        if let Some(total) = map.get("total").and_then(|v| number(v)) {
            return Some(total);
        }
        let parts: Vec<f64> = map.values().filter_map(|v| number(v)).collect();
        if !parts.is_empty() {
            return Some(parts.iter().sum());
        }
    }
    [obs.total_cost, obs.calculated_total_cost]
        .into_iter()
        .flatten()
        .find_map(number)
        .or_else(|| {
            #[derive(Deserialize)]
            #[serde(bound(deserialize = "'de: 'a"))]
            struct V1Cost<'a> {
                #[serde(rename = "totalCost")]
                total_cost: Option<&'a RawValue>,
            }
            let usage = obs.usage?;
            let cost: V1Cost<'_> = serde_json::from_str(usage.get()).ok()?;
            cost.total_cost.and_then(number)
        })
        .filter(|cost| cost.is_finite() && *cost >= 0.0)
}

/// Service tier and structured-output hints from the model parameters (values are often strings).
fn apply_model_parameters(raw: &RawValue, record: &mut CallRecord) {
    #[derive(Deserialize)]
    #[serde(bound(deserialize = "'de: 'a"))]
    struct Params<'a> {
        service_tier: Option<&'a RawValue>,
        response_format: Option<&'a RawValue>,
        stream: Option<&'a RawValue>,
    }
    let Ok(params) = serde_json::from_str::<Params<'_>>(raw.get()) else {
        return;
    };
    if let Some(tier) = params.service_tier.and_then(json_text)
        && !tier.is_empty()
        && tier != "auto"
    {
        record.service_tier = Some(tier.into_owned());
    }
    if let Some(format) = params.response_format {
        let text = format.get();
        record.features.json_schema = text.contains("json_schema") || text.contains("json_object");
    }
    if params
        .stream
        .is_some_and(|s| s.get() == "true" || s.get() == "\"true\"")
    {
        record.features.streamed = true;
    }
}

/// Tags: where the observation ran, for whom, with which prompt, and its string metadata.
fn add_tags(obs: &Observation<'_>, tags: &mut Vec<(String, String)>) {
    push_tag(tags, "project", obs.project_id.as_deref());
    push_tag(tags, "environment", obs.environment.as_deref());
    push_tag(tags, "name", obs.name.as_deref());
    push_tag(tags, "user", obs.user_id.as_deref());
    if obs.session_id.is_some() {
        push_tag(tags, "trace_id", obs.trace_id.as_deref());
    }
    push_tag(tags, "prompt_name", obs.prompt_name.as_deref());
    let version = obs.prompt_version.and_then(scalar_text);
    push_tag(tags, "prompt_version", version.as_deref());
    add_list_tags(obs.tags, tags);
    if let Some(metadata) = obs.metadata {
        add_short_string_tags(metadata, tags);
    }
}

/// The provider's response id, when a logged object carries one (`resp_…`, `chatcmpl-…`, `msg_…`).
fn response_id_of(raw: &RawValue) -> Option<String> {
    #[derive(Deserialize)]
    #[serde(bound(deserialize = "'de: 'a"))]
    struct WithId<'a> {
        id: Option<Text<'a>>,
    }
    if !raw.get().trim_start().starts_with('{') {
        return None;
    }
    let parsed: WithId<'_> = serde_json::from_str(raw.get()).ok()?;
    parsed
        .id
        .filter(|id| is_provider_response_id(id))
        .map(Text::into_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::test_support::{
        assert_each_is_error, call, calls, cost, parse_text, skip_reasons, tag, tokens,
    };
    use crate::ingest::{InputFormat, detect_document, detect_format, parse_lines};

    const FIXTURE: &str = include_str!("../../fixtures/logs/langfuse/observations.jsonl");
    const ARRAY_FIXTURE: &str =
        include_str!("../../fixtures/logs/langfuse/observations_export.json");

    fn outcomes(text: &str) -> Vec<Parsed> {
        parse_text(InputFormat::Langfuse, text)
    }

    #[test]
    fn fixtures_are_detected_as_langfuse() {
        assert_eq!(
            detect_format(FIXTURE.as_bytes()),
            Some(InputFormat::Langfuse)
        );
        let array: serde_json::Value = serde_json::from_str(ARRAY_FIXTURE).unwrap();
        assert_eq!(detect_document(&array), Some(InputFormat::Langfuse));
        let page = serde_json::json!({ "data": array, "meta": { "page": 1 } });
        assert_eq!(detect_document(&page), Some(InputFormat::Langfuse));
    }

    #[test]
    fn every_fixture_line_is_accounted_for() {
        let out = outcomes(FIXTURE);
        assert_eq!(out.len(), FIXTURE.lines().count());
        assert_eq!(calls(&out).len(), 7);
        let skips = skip_reasons(&out);
        // The ERROR generation without usage, statusMessage "429 Too Many Requests".
        let failures: Vec<&LineOutcome> = out
            .iter()
            .map(|p| &p.outcome)
            .filter(|outcome| matches!(outcome, LineOutcome::Failed(_)))
            .collect();
        assert!(matches!(
            failures[..],
            [LineOutcome::Failed(FailureCause::RateLimit)]
        ));
        assert_eq!(
            skips,
            [
                SkipReason::NotAModelCall,
                SkipReason::NotAModelCall,
                SkipReason::NotAModelCall,
                SkipReason::ProviderError,
                SkipReason::NoUsage,
            ]
        );
    }

    #[test]
    fn sdk_keys_are_separate_buckets_openai_cache_and_reasoning() {
        let out = outcomes(FIXTURE);
        let record = call(&out[0].outcome);
        // usageDetails as the server stores an OpenAI usage object: input = prompt − cached,
        // output = completion − reasoning. 1,200 + 3,072 = 4,272 prompt; 350 + 896 = 1,246 out.
        assert_eq!(record.tokens, tokens(1200, 3072, 0, 0, 1246, 896));
        assert_eq!(record.model, "o4-mini-2025-04-16");
        assert_eq!(record.provider, Provider::OpenAi);
        // o4-mini: 1,200 × $1.10/M + 3,072 × $0.275/M + 1,246 × $4.40/M
        //        = $0.00132 + $0.0008448 + $0.0054824 = $0.0076472
        assert_eq!(cost(record), "0.0076472");
        assert_eq!(record.stated_cost_usd, Some(0.0076472));
        assert_eq!(record.request_id.as_deref(), Some("obs-o4mini-01"));
        assert_eq!(record.session_id.as_deref(), Some("trace-7c1e"));
        assert_eq!(record.response_id.as_deref(), Some("chatcmpl-lf01"));
        assert_eq!(record.latency_ms, Some(4200.0));
        assert_eq!(record.time_to_first_token_ms, Some(1850.0));
        assert!(record.features.streamed);
        assert_eq!(record.timestamp_ms, Some(1_759_223_041_000));
        assert_eq!(tag(record, "environment"), Some("production"));
        assert_eq!(tag(record, "feature"), Some("invoice-extract"));
        assert_eq!(tag(record, "tag"), Some("billing"));
        // The prompt is classified, never copied into tags.
        assert!(
            record
                .tags
                .iter()
                .all(|(_, v)| !v.contains("Extract the invoice"))
        );
        assert_eq!(
            record.text.as_ref().unwrap().user,
            "Extract the invoice total."
        );
    }

    #[test]
    fn anthropic_cache_writes_split_by_ttl() {
        let out = outcomes(FIXTURE);
        let record = call(&out[1].outcome);
        assert_eq!(record.tokens, tokens(12, 20480, 1500, 300, 410, 0));
        // claude-sonnet-4-5: 12 × $3/M + 20,480 × $0.30/M + 1,500 × $3.75/M + 300 × $6/M
        //   + 410 × $15/M = $0.000036 + $0.006144 + $0.005625 + $0.0018 + $0.00615 = $0.019755
        assert_eq!(cost(record), "0.019755");
        assert_eq!(record.provider, Provider::Anthropic);
        assert_eq!(record.response_id.as_deref(), Some("msg_01LangfuseFixture"));
    }

    #[test]
    fn raw_otel_keys_are_inside_input_and_output() {
        let out = outcomes(FIXTURE);
        // Gemini through an old OTel ingestion: reasoning inside output (6 + 2,055 = 2,061).
        let gemini = call(&out[2].outcome);
        assert_eq!(gemini.tokens, tokens(6, 0, 0, 0, 2055, 1104));
        // gemini-2.5-flash: 6 × $0.30/M + 2,055 × $2.50/M = $0.0000018 + $0.0051375 = $0.0051393
        assert_eq!(cost(gemini), "0.0051393");
        assert_eq!(gemini.latency_ms, Some(12032.0));
        // OpenInference `prompt_details.cache_read` is part of `input` (2,150 = 102 + 2,048).
        let openai = call(&out[3].outcome);
        assert_eq!(openai.tokens, tokens(102, 2048, 0, 0, 29, 0));
        // gpt-4.1: 102 × $2/M + 2,048 × $0.50/M + 29 × $8/M = $0.000204 + $0.001024 + $0.000232
        assert_eq!(cost(openai), "0.00146");
        assert_eq!(openai.service_tier.as_deref(), Some("default"));
        assert_eq!(
            openai.response_id.as_deref(),
            Some("resp_0f00ca5b7e22bb4c0068db9d0110d8819d")
        );
    }

    #[test]
    fn stated_total_decides_an_ambiguous_cache_key() {
        let out = outcomes(FIXTURE);
        // `cache_read_input_tokens` is separate in the SDK docs, but 5,000 + 100 = total 5,100
        // says this (verbatim OTel attribute) count is inside `input`.
        let record = call(&out[4].outcome);
        assert_eq!(record.tokens, tokens(904, 4096, 0, 0, 100, 0));
        // gpt-4.1-mini: 904 × $0.40/M + 4,096 × $0.10/M + 100 × $1.60/M
        //             = $0.0003616 + $0.0004096 + $0.00016 = $0.0009312
        assert_eq!(cost(record), "0.0009312");
    }

    /// The fixture's failed generation (`429 Too Many Requests`, no usage) is skipped; with
    /// tokens billed it is a failed call whose cause is read from its status message.
    #[test]
    fn a_failed_generation_is_rate_limited_by_its_status_message() {
        let line = FIXTURE.lines().find(|l| l.contains("obs-err-10")).unwrap();
        let billed = line.replace("\"usageDetails\":{}", "\"usageDetails\":{\"input\":100}");
        let out = outcomes(&billed);
        let record = call(&out[0].outcome);
        assert_eq!(record.status, CallStatus::Error);
        assert_eq!(record.failure_cause(), Some(FailureCause::RateLimit));
    }

    #[test]
    fn v1_usage_object_and_costs() {
        let out = outcomes(FIXTURE);
        let record = call(&out[5].outcome);
        assert_eq!(record.tokens, tokens(1000, 0, 0, 0, 200, 0));
        // gpt-4o-mini: 1,000 × $0.15/M + 200 × $0.60/M = $0.00015 + $0.00012 = $0.00027
        assert_eq!(cost(record), "0.00027");
        assert_eq!(record.stated_cost_usd, Some(0.00027));
        assert_eq!(record.session_id.as_deref(), Some("session-42"));
        assert_eq!(tag(record, "trace_id"), Some("trace-v1"));
        assert_eq!(tag(record, "user"), Some("user-7"));
    }

    #[test]
    fn blob_export_snake_case_with_clickhouse_times() {
        let out = outcomes(FIXTURE);
        let record = call(&out[6].outcome);
        // output_reasoning_tokens is separate: 120 + 384 = 504 output.
        assert_eq!(record.tokens, tokens(500, 0, 0, 0, 504, 384));
        // gpt-5-mini: 500 × $0.25/M + 504 × $2/M = $0.000125 + $0.001008 = $0.001133
        assert_eq!(cost(record), "0.001133");
        assert_eq!(record.timestamp_ms, Some(1_760_000_000_000));
        assert_eq!(record.latency_ms, Some(2500.0));
        assert_eq!(record.stated_cost_usd, Some(0.001133));
        assert_eq!(record.features.tools_defined, 2);
        assert_eq!(record.features.tool_calls, 1);
    }

    #[test]
    fn json_array_elements_and_api_pages() {
        let items: Vec<&RawValue> = serde_json::from_str(ARRAY_FIXTURE).unwrap();
        // The pipeline hands a JSON array's elements over one by one.
        let elements: Vec<&[u8]> = items.iter().map(|item| item.get().as_bytes()).collect();
        let out = parse_lines(InputFormat::Langfuse, &elements);
        let record = call(&out[0].outcome);
        assert_eq!(record.tokens, tokens(85, 0, 0, 0, 29, 0));
        // gpt-4.1: 85 × $2/M + 29 × $8/M = $0.00017 + $0.000232 = $0.000402
        assert_eq!(cost(record), "0.000402");
        assert!(matches!(
            out[1].outcome,
            LineOutcome::Skip(SkipReason::NotAModelCall)
        ));
        // A whole API page is one record holding several observations.
        let page = format!("{{\"data\": {ARRAY_FIXTURE}, \"meta\": {{\"page\": 1}}}}");
        let out = parse_lines(InputFormat::Langfuse, &[page.as_bytes()]);
        assert_eq!(out.len(), 2);
        assert_eq!(call(&out[0].outcome).tokens, record.tokens);
        assert!(out.iter().all(|p| p.line == 1));
    }

    #[test]
    fn malformed_records_are_errors() {
        assert_each_is_error(
            InputFormat::Langfuse,
            &[
                b"{\"type\":\"GENERATION\",\"traceId\":\"t\"",
                b"{\"id\":\"x\",\"traceId\":\"t\"}",
                b"{\"type\":\"GENERATION\",\"traceId\":\"t\",\"startTime\":\"2025-01-01T00:00:00Z\",\"usageDetails\":{\"input\":5}}",
                b"{\"type\":7}",
                b"{\"data\":{\"not\":\"a list\"}}",
            ],
        );
    }

    #[test]
    fn odd_usage_values_never_panic() {
        let line = br#"{"type":"GENERATION","traceId":"t","startTime":"x","model":"gpt-4o","usageDetails":{"input":-5,"output":"7","total":1e300,"input_cached_tokens":99999999999999999999,"output_reasoning_tokens":"lots"}}"#;
        let out = parse_lines(InputFormat::Langfuse, &[line]);
        let record = call(&out[0].outcome);
        assert_eq!(record.tokens, tokens(0, 0, 0, 0, 7, 0));
        assert_eq!(record.timestamp_ms, None);
    }

    #[test]
    fn huge_counts_saturate_instead_of_overflowing() {
        let mut keys: Vec<String> = (0..3000)
            .map(|i| format!("\"prompt_details.cache_read_{i}\":8000000000000000"))
            .collect();
        keys.extend((0..3000).map(|i| format!("\"input_cached_tokens{i}\":8000000000000000")));
        keys.extend((0..3000).map(|i| format!("\"output_x{i}\":8000000000000000")));
        let line = format!(
            "{{\"type\":\"GENERATION\",\"traceId\":\"t\",\"startTime\":\"2025-01-01T00:00:00Z\",\"model\":\"gpt-4o\",\"usageDetails\":{{\"input\":1,\"input_cache_creation\":5,\"prompt_details.cache_read\":8000000000000000,\"total\":5,{}}}}}",
            keys.join(",")
        );
        let out = parse_lines(InputFormat::Langfuse, &[line.as_bytes()]);
        let record = call(&out[0].outcome);
        assert_eq!(record.tokens.cache_read, u64::MAX);
        assert_eq!(record.tokens.output, u64::MAX);
    }

    #[test]
    fn absurd_times_give_no_latency() {
        let line = br#"{"type":"GENERATION","traceId":"t","startTime":"0001-01-01T00:00:00Z","endTime":1e300,"completionStartTime":"1969-01-01T00:00:00Z","model":"gpt-4o","usageDetails":{"input":1}}"#;
        let out = parse_lines(InputFormat::Langfuse, &[line]);
        let record = call(&out[0].outcome);
        assert_eq!(record.latency_ms, None);
        assert_eq!(record.time_to_first_token_ms, Some(62_104_060_800_000.0));
    }

    #[test]
    fn input_logged_as_json_text() {
        let line = br#"{"type":"GENERATION","traceId":"t","startTime":"2025-01-01T00:00:00Z","model":"gpt-4o","usageDetails":{"input":1},"input":"[{\"role\":\"user\",\"content\":\"Hello there\"}]"}"#;
        let out = parse_lines(InputFormat::Langfuse, &[line]);
        let record = call(&out[0].outcome);
        assert_eq!(record.text.as_ref().unwrap().user, "Hello there");
        assert_eq!(record.features.message_count, 1);
    }

    #[test]
    fn lenient_timestamps() {
        let raw = |s: &str| RawValue::from_string(s.to_string()).unwrap();
        assert_eq!(
            parse_timestamp(&raw("\"2026-01-05T16:46:02.101000\"")),
            Some(1_767_631_562_101)
        );
        assert_eq!(
            parse_timestamp(&raw("\"2026-01-05 16:46:02.101\"")),
            Some(1_767_631_562_101)
        );
        assert_eq!(
            parse_timestamp(&raw("\"2026-01-05T16:46:02.101Z\"")),
            Some(1_767_631_562_101)
        );
        assert_eq!(
            parse_timestamp(&raw("1767631562.101")),
            Some(1_767_631_562_101)
        );
        assert_eq!(parse_timestamp(&raw("\"soon\"")), None);
    }

    #[test]
    fn trace_downloads_and_api_traces_are_read() {
        // The public API's trace (`GET /api/public/traces/{id}`: a trace with `observations`),
        // the UI's legacy download (`{trace, observations}`) and its server download
        // (`{observations, scores}`, trace fields copied onto each observation).
        let generation = FIXTURE.lines().next().unwrap();
        let span = r#"{"id":"span-1","traceId":"trace-7c1e","type":"SPAN","startTime":"2025-09-30T09:04:00.000Z"}"#;
        let shapes = [
            (
                format!(
                    r#"{{"trace":{{"id":"trace-7c1e","sessionId":"sess-9","userId":"u-1"}},"observations":[{generation},{span}]}}"#
                ),
                "sess-9",
            ),
            (
                format!(r#"{{"observations":[{generation},{span}],"scores":[]}}"#),
                "trace-7c1e",
            ),
            (
                format!(
                    r#"{{"id":"trace-7c1e","timestamp":"2025-09-30T09:04:00.000Z","sessionId":"sess-9","totalCost":0.0076472,"observations":[{generation},{span}],"scores":[]}}"#
                ),
                "sess-9",
            ),
        ];
        for (document, session) in shapes {
            let value: serde_json::Value = serde_json::from_str(&document).unwrap();
            assert_eq!(
                detect_document(&value),
                Some(InputFormat::Langfuse),
                "{document}"
            );
            let parsed = parse_lines(InputFormat::Langfuse, &[document.as_bytes()]);
            assert_eq!(parsed.len(), 2, "{document}");
            let record = call(&parsed[0].outcome);
            assert_eq!(record.model, "o4-mini-2025-04-16");
            assert_eq!(record.session_id.as_deref(), Some(session));
            assert_eq!(record.stated_cost_usd, Some(0.0076472));
            assert!(matches!(parsed[1].outcome, LineOutcome::Skip(_)));
        }
    }
}
