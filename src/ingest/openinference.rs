//! OpenInference (Arize Phoenix) spans, in the three shapes they are exported in:
//!
//! - OTLP JSON export requests (`{"resourceSpans": [...]}`), one per line, as an OpenTelemetry
//!   collector's file exporter writes them for OpenInference-instrumented apps (typed attribute
//!   values, flat dotted keys such as `llm.token_count.prompt`);
//! - Phoenix span JSON (`{name, context: {trace_id, span_id}, span_kind, parent_id, start_time,
//!   end_time, status_code, attributes, events}`), one per line, as Phoenix's `span_to_json` and
//!   its REST API write them; `attributes` may hold flat dotted keys or nested objects
//!   (`{"llm": {"token_count": {"prompt": 10}}}`) — both are read;
//! - a page of Phoenix's REST API (`{"data": [span, …], "next_cursor": …}`), spans in either the
//!   Phoenix shape or the snake-case OTLP shape of `/v1/projects/{id}/spans/otlpv1`.
//!
//! Attributes follow Arize-ai/openinference `spec/semantic_conventions.md` and
//! `spec/llm_spans.md`. Only spans with `openinference.span.kind` = `LLM` are calls; CHAIN,
//! AGENT, TOOL, RETRIEVER, RERANKER, EMBEDDING, GUARDRAIL, EVALUATOR and PROMPT spans are not
//! model calls. Spans in an OTLP record that carry GenAI (`gen_ai.*`) attributes instead are
//! read by the OTel adapter's rules.
//!
//! Token convention: `llm.token_count.prompt` includes cache reads and writes. The spec only
//! says `prompt_details.cache_read` "maps to `cached_tokens` in OpenAI responses" (OpenAI's
//! `prompt_tokens` includes them); the Anthropic instrumentation sums `input_tokens +
//! cache_creation_input_tokens + cache_read_input_tokens` into it since openinference
//! commit abd36c45 (2025-03-25, "include cache tokens in prompt tokens for anthropic"). A prompt
//! count smaller than its cache counts predates that fix and is taken as the uncached input.
//! `llm.token_count.completion` includes `completion_details.reasoning` (OpenAI's
//! `completion_tokens`; the google-genai instrumentation adds `thoughts_token_count` to it);
//! reasoning larger than completion is added to it. `prompt_details.cache_write` carries no TTL
//! and is counted as 5-minute cache writes.
//!
//! Rollups: an LLM span wrapping another LLM span with tokens in the same record (a framework's
//! span around the SDK's span of the same call, both instrumented) is skipped as
//! [`SkipReason::RollupSpan`]. This format's lines are read independently (on several cores),
//! so nesting across lines is not seen.

use crate::ingest::values::Text;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::content::{PromptSummary, Role};
use crate::ingest::genai;
use crate::ingest::otlp::{
    Attr, Held, Span, SpanResult, Value, WireSpan, add_tags, is_cut_short, link, nonempty,
    provider_for, read_export, settle, shape_error,
};
use crate::ingest::usage::openai_style;
use crate::ingest::values::unix_to_ms;
use crate::ingest::wire::add_string_tags;
use crate::ingest::{LineOutcome, LineParser, Parsed, SkipReason, json_error};
use crate::record::{CallRecord, CallStatus, FailureCause, TokenBuckets};

use crate::ingest::Format;

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format {
    name: "openinference",
    json: Some(looks_like),
    parser: |_| parser(),
    ..Format::NEW
};

/// The attribute that marks an OpenInference span.
const KIND_KEY: &str = "openinference.span.kind";

/// The span kinds of the OpenInference spec.
const SPAN_KINDS: [&str; 10] = [
    "LLM",
    "EMBEDDING",
    "CHAIN",
    "RETRIEVER",
    "RERANKER",
    "TOOL",
    "AGENT",
    "GUARDRAIL",
    "EVALUATOR",
    "PROMPT",
];

/// Whether a span's attributes say it is an OpenInference span.
pub(crate) fn is_openinference(attrs: &[Attr<'_>]) -> bool {
    attrs.iter().any(|attr| attr.key == KIND_KEY)
}

/// One message of `llm.input_messages`, from its flattened attributes.
#[derive(Default)]
struct Message<'s> {
    role: Option<&'s str>,
    content: Option<&'s str>,
    /// `message.contents.<n>.message_content.{type, text}`.
    parts: BTreeMap<usize, (Option<&'s str>, Option<&'s str>)>,
}

/// The attributes of one span this adapter reads, gathered in one pass.
#[derive(Default)]
struct Oi<'s> {
    kind: Option<&'s str>,
    system: Option<&'s str>,
    provider: Option<&'s str>,
    model_name: Option<&'s str>,
    request_model: Option<&'s str>,
    response_model: Option<&'s str>,
    invocation_parameters: Option<&'s str>,
    prompt: Option<u64>,
    completion: Option<u64>,
    total: Option<u64>,
    cache_read: Option<u64>,
    cache_write: Option<u64>,
    reasoning: Option<u64>,
    cost_total: Option<f64>,
    session: Option<&'s str>,
    metadata: Option<&'s str>,
    /// `metadata.<key>` entries, when Phoenix JSON held metadata as an object.
    metadata_members: Vec<(&'s str, &'s str)>,
    tags: Option<&'s Value<'s>>,
    finish_reason: Option<&'s str>,
    output_value: Option<&'s str>,
    output_mime: Option<&'s str>,
    input_messages: BTreeMap<usize, Message<'s>>,
    /// (message, call) indexes of `llm.output_messages.<m>.message.tool_calls.<c>.*`.
    output_tool_calls: BTreeSet<(usize, usize)>,
    /// Indexes of `llm.tools.<n>.*`.
    tools: BTreeSet<usize>,
    /// `llm.tools.<n>.tool.json_schema`: part of the prefix a prompt cache could serve.
    tool_schemas: Vec<&'s str>,
}

/// Splits `<index>.<rest>`.
fn indexed(text: &str) -> Option<(usize, &str)> {
    let (index, rest) = text.split_once('.')?;
    Some((index.parse().ok()?, rest))
}

impl<'s> Oi<'s> {
    /// Gathers the attributes of one span (flat dotted keys).
    fn read(attrs: &'s [Attr<'s>]) -> Oi<'s> {
        let mut oi = Oi::default();
        for attr in attrs {
            let value = &attr.value;
            let key = attr.key.as_ref();
            match key {
                KIND_KEY => oi.kind = value.as_str(),
                "llm.system" => oi.system = value.as_str(),
                "llm.provider" => oi.provider = value.as_str(),
                "llm.model_name" => oi.model_name = value.as_str(),
                "llm.request.model_name" => oi.request_model = value.as_str(),
                "llm.response.model_name" => oi.response_model = value.as_str(),
                "llm.invocation_parameters" => oi.invocation_parameters = value.as_str(),
                "llm.token_count.prompt" => oi.prompt = value.as_u64(),
                "llm.token_count.completion" => oi.completion = value.as_u64(),
                "llm.token_count.total" => oi.total = value.as_u64(),
                "llm.token_count.prompt_details.cache_read" => oi.cache_read = value.as_u64(),
                "llm.token_count.prompt_details.cache_write" => oi.cache_write = value.as_u64(),
                "llm.token_count.completion_details.reasoning" => oi.reasoning = value.as_u64(),
                "llm.cost.total" => oi.cost_total = value.as_f64().filter(|c| *c >= 0.0),
                "session.id" => oi.session = value.as_str(),
                "metadata" => oi.metadata = value.as_str(),
                "tag.tags" => oi.tags = Some(value),
                "llm.finish_reason" => oi.finish_reason = value.as_str(),
                "output.value" => oi.output_value = value.as_str(),
                "output.mime_type" => oi.output_mime = value.as_str(),
                _ => oi.read_indexed(key, value),
            }
        }
        oi
    }

    /// Flattened list attributes: messages, tool calls, tools, metadata members.
    fn read_indexed(&mut self, key: &'s str, value: &'s Value<'s>) {
        if let Some((index, rest)) = key.strip_prefix("llm.input_messages.").and_then(indexed) {
            let message = self.input_messages.entry(index).or_default();
            match rest {
                "message.role" => message.role = value.as_str(),
                "message.content" => message.content = value.as_str(),
                _ => {
                    if let Some((part, field)) =
                        rest.strip_prefix("message.contents.").and_then(indexed)
                    {
                        let slot = message.parts.entry(part).or_default();
                        match field {
                            "message_content.type" => slot.0 = value.as_str(),
                            "message_content.text" => slot.1 = value.as_str(),
                            _ => {}
                        }
                    }
                }
            }
        } else if let Some((index, rest)) =
            key.strip_prefix("llm.output_messages.").and_then(indexed)
        {
            if let Some((call, _)) = rest.strip_prefix("message.tool_calls.").and_then(indexed) {
                self.output_tool_calls.insert((index, call));
            }
        } else if let Some((index, field)) = key.strip_prefix("llm.tools.").and_then(indexed) {
            self.tools.insert(index);
            if field == "tool.json_schema"
                && let Some(schema) = value.as_str()
            {
                self.tool_schemas.push(schema);
            }
        } else if let Some(member) = key.strip_prefix("metadata.")
            && let Some(text) = value.as_str()
        {
            self.metadata_members.push((member, text));
        }
    }

    /// Whether the span states a prompt, completion or cache count (zero included).
    fn has_usage(&self) -> bool {
        self.prompt.is_some()
            || self.completion.is_some()
            || self.cache_read.is_some()
            || self.cache_write.is_some()
    }

    /// Exclusive buckets from the inclusive counts (see the module notes).
    fn buckets(&self) -> TokenBuckets {
        openai_style(
            self.prompt.unwrap_or(0),
            self.cache_read.unwrap_or(0),
            self.cache_write.unwrap_or(0),
            self.completion.unwrap_or(0),
            self.reasoning.unwrap_or(0),
        )
    }
}

/// `llm.invocation_parameters`: the request's parameters as a JSON string.
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Invocation<'a> {
    /// The requested model: a fallback when the span names none.
    model: Option<Text<'a>>,
    model_name: Option<Text<'a>>,
    stream: Option<bool>,
    /// `{"type": "json_schema" | "json_object" | "text", …}`.
    response_format: Option<&'a RawValue>,
    /// The requested tier: used when the response does not say which one served.
    service_tier: Option<Text<'a>>,
}

/// The provider's response when `output.value` holds it as JSON (OpenAI and Anthropic
/// instrumentations record the response object).
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ResponseBody<'a> {
    id: Option<Text<'a>>,
    object: Option<Text<'a>>,
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    service_tier: Option<Text<'a>>,
}

/// Reads one span of either convention: OpenInference when it says its kind, GenAI otherwise.
pub(crate) fn span_result(span: &Span<'_>, resource: &[Attr<'_>]) -> SpanResult {
    if is_openinference(&span.attrs) {
        openinference_span(span, resource)
    } else {
        genai::genai_span(span, resource)
    }
}

/// Reads one OpenInference span.
pub(crate) fn openinference_span(span: &Span<'_>, resource: &[Attr<'_>]) -> SpanResult {
    let oi = Oi::read(&span.attrs);
    let skip = |reason| SpanResult::no_call(LineOutcome::Skip(reason));
    if !oi
        .kind
        .is_some_and(|kind| kind.trim().eq_ignore_ascii_case("LLM"))
    {
        return skip(SkipReason::NotAModelCall);
    }
    if !oi.has_usage() {
        if oi.total.is_some_and(|total| total > 0) {
            return SpanResult {
                outcome: LineOutcome::Error(format!(
                    "LLM span `{}` reports only llm.token_count.total; prompt and completion \
                     counts are needed to price it",
                    span.name
                )),
                counts_tokens: true,
            };
        }
        // OpenInference names no error type: a failed call's cause is the one a call with
        // usage gets from its status alone.
        let failure = span.failed.then_some(FailureCause::Other);
        return SpanResult::no_call(LineOutcome::without_usage(failure));
    }
    let invocation: Invocation<'_> = oi
        .invocation_parameters
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default();
    let tokens = oi.buckets();
    let counts_tokens = tokens.total() > 0;
    let model = [
        oi.response_model,
        oi.model_name,
        oi.request_model,
        invocation.model.as_deref(),
        invocation.model_name.as_deref(),
    ]
    .into_iter()
    .flatten()
    .map(str::trim)
    .find(|m| !m.is_empty());
    let Some(model) = model else {
        return SpanResult {
            outcome: LineOutcome::Error(format!(
                "LLM span `{}` reports token usage but no llm.model_name",
                span.name
            )),
            counts_tokens,
        };
    };
    let response = response_body(&oi);
    let mut record = CallRecord {
        provider: provider_for(oi.system.or(oi.provider), model),
        model: model.to_string(),
        timestamp_ms: span.timestamp_ms(),
        latency_ms: span.latency_ms(),
        tokens,
        response_id: response.as_ref().and_then(|r| nonempty(r.id.as_deref())),
        request_id: nonempty(Some(&span.span_id)),
        session_id: nonempty(oi.session).or_else(|| nonempty(Some(&span.trace_id))),
        stated_cost_usd: oi.cost_total,
        service_tier: response
            .as_ref()
            .and_then(|r| nonempty(r.service_tier.as_deref()))
            .or_else(|| {
                nonempty(invocation.service_tier.as_deref())
                    .filter(|tier| !tier.eq_ignore_ascii_case("auto"))
            }),
        ..CallRecord::default()
    };
    apply_features(&oi, &invocation, &mut record);
    record.status = if span.failed {
        CallStatus::Error
    } else if is_cut_short(record.features.finish_reason.as_deref()) {
        CallStatus::Incomplete
    } else {
        CallStatus::Ok
    };
    add_oi_tags(&oi, span, resource, &mut record.tags);
    SpanResult {
        outcome: LineOutcome::Call(Box::new(record)),
        counts_tokens,
    }
}

/// The response object in `output.value`, when it is a provider response as JSON.
fn response_body<'s>(oi: &Oi<'s>) -> Option<ResponseBody<'s>> {
    if !oi.output_mime.is_some_and(|mime| mime.contains("json")) {
        return None;
    }
    let body: ResponseBody<'s> = serde_json::from_str(oi.output_value?).ok()?;
    let is_response = matches!(
        body.object.as_deref(),
        Some("chat.completion" | "response" | "text_completion")
    ) || body.kind.as_deref() == Some("message");
    is_response.then_some(body)
}

/// Messages, tools, streaming, structured output, finish reason and prompt text.
fn apply_features(oi: &Oi<'_>, invocation: &Invocation<'_>, record: &mut CallRecord) {
    let mut prompt = PromptSummary::default();
    for schema in &oi.tool_schemas {
        if let Ok(raw) = RawValue::from_string(schema.to_string()) {
            prompt.add_tool_definitions(raw.get());
        }
    }
    for message in oi.input_messages.values() {
        let role = Role::from_name(message.role.unwrap_or("user"));
        let content = if message.parts.is_empty() {
            message
                .content
                .and_then(|text| serde_json::value::to_raw_value(text).ok())
        } else {
            let parts: Vec<serde_json::Value> = message
                .parts
                .values()
                .map(|(kind, text)| match kind.unwrap_or("text") {
                    "image" | "file" | "document" | "audio" => serde_json::json!({"type": "image"}),
                    _ => serde_json::json!({"type": "text", "text": text.unwrap_or("")}),
                })
                .collect();
            serde_json::value::to_raw_value(&parts).ok()
        };
        prompt.add_message(role, content.as_deref());
    }
    prompt.apply_to(record);
    let features = &mut record.features;
    features.tools_defined = oi.tools.len() as u32;
    features.tool_calls = oi.output_tool_calls.len() as u32;
    features.finish_reason = nonempty(oi.finish_reason);
    features.streamed = invocation.stream.unwrap_or(false);
    features.json_schema = invocation.response_format.is_some_and(|format| {
        let text = format.get();
        text.contains("json_schema") || text.contains("json_object")
    });
}

/// Tags: service, environment and user (shared rules), the Phoenix project, `metadata`
/// members, `tag.tags` and the trace id.
fn add_oi_tags(
    oi: &Oi<'_>,
    span: &Span<'_>,
    resource: &[Attr<'_>],
    tags: &mut Vec<(String, String)>,
) {
    add_tags(resource, tags);
    add_tags(&span.attrs, tags);
    if let Some(project) = resource
        .iter()
        .find(|a| a.key == "openinference.project.name")
        .and_then(|a| nonempty(a.value.as_str()))
    {
        tags.push(("project".into(), project));
    }
    if let Some(metadata) = oi.metadata
        && let Ok(raw) = RawValue::from_string(metadata.to_string())
    {
        add_string_tags(&raw, tags);
    }
    for (key, value) in &oi.metadata_members {
        tags.push((key.to_string(), value.to_string()));
    }
    if let Some(Value::Array(items)) = oi.tags {
        for item in items.iter().filter_map(|i| nonempty(i.as_str())) {
            tags.push(("tag".into(), item));
        }
    }
    if let Some(trace) = nonempty(Some(&span.trace_id)) {
        tags.push(("trace_id".into(), trace));
    }
}

// ------------------------------------------------------------------------------------------
// Phoenix span JSON
// ------------------------------------------------------------------------------------------

/// Flattens JSON attributes into dotted keys: objects join their keys with `.`, lists of
/// objects are indexed (`llm.input_messages.0.message.role`), lists of plain values stay lists.
fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<Attr<'static>>) {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        serde_json::Value::Object(members) => {
            for (key, member) in members {
                flatten(&join(key), member, out);
            }
        }
        serde_json::Value::Array(items) if items.iter().any(|i| i.is_object()) => {
            for (index, item) in items.iter().enumerate() {
                flatten(&join(&index.to_string()), item, out);
            }
        }
        serde_json::Value::Null => {}
        other if !prefix.is_empty() => out.push(Attr {
            key: Cow::Owned(prefix.to_string()),
            value: Value::from_plain(other),
        }),
        _ => {}
    }
}

/// A Phoenix timestamp (ISO 8601, with or without offset — naive times are UTC) in ns.
fn timestamp_nanos(value: Option<&serde_json::Value>) -> Option<i64> {
    match value? {
        serde_json::Value::String(text) => {
            let text = text.trim();
            if let Ok(parsed) = chrono::DateTime::parse_from_rfc3339(text) {
                return parsed.timestamp_nanos_opt();
            }
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f"))
                .ok()?
                .and_utc()
                .timestamp_nanos_opt()
        }
        serde_json::Value::Number(number) => unix_to_ms(number.as_f64()?)?.checked_mul(1_000_000),
        _ => None,
    }
}

/// Converts a Phoenix span JSON object.
fn phoenix_span(value: &serde_json::Value) -> Result<Span<'static>, String> {
    let object = value
        .as_object()
        .ok_or_else(|| "a Phoenix span must be a JSON object".to_string())?;
    let text = |v: Option<&serde_json::Value>| -> Cow<'static, str> {
        Cow::Owned(v.and_then(|v| v.as_str()).unwrap_or_default().to_string())
    };
    let context = object.get("context");
    let mut attrs = Vec::new();
    match object.get("attributes") {
        Some(attributes @ serde_json::Value::Object(_)) => flatten("", attributes, &mut attrs),
        Some(serde_json::Value::Null) | None => {}
        Some(_) => return Err("Phoenix span attributes must be a JSON object".into()),
    }
    if !is_openinference(&attrs)
        && let Some(kind) = object
            .get("span_kind")
            .and_then(|k| k.as_str())
            .filter(|k| SPAN_KINDS.contains(&k.to_ascii_uppercase().as_str()))
    {
        attrs.push(Attr {
            key: Cow::Borrowed(KIND_KEY),
            value: Value::Str(Cow::Owned(kind.to_string())),
        });
    }
    Ok(Span {
        trace_id: text(context.and_then(|c| c.get("trace_id"))),
        span_id: text(context.and_then(|c| c.get("span_id"))),
        parent_id: text(object.get("parent_id")),
        name: text(object.get("name")),
        start_ns: timestamp_nanos(object.get("start_time")),
        end_ns: timestamp_nanos(object.get("end_time")),
        failed: object
            .get("status_code")
            .and_then(|s| s.as_str())
            .is_some_and(|s| s.eq_ignore_ascii_case("ERROR")),
        attrs,
    })
}

// ------------------------------------------------------------------------------------------
// Records
// ------------------------------------------------------------------------------------------

/// Which shape a record has, without reading it all.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Probe<'a> {
    #[serde(rename = "resourceSpans", alias = "resource_spans")]
    resource_spans: Option<&'a RawValue>,
    context: Option<&'a RawValue>,
    data: Option<&'a RawValue>,
}

/// Spans of one record and their links, decided together.
#[derive(Default)]
struct Record {
    held: Vec<Held>,
    parents: HashMap<u64, u64>,
}

impl Record {
    /// Reads `span` and keeps its outcome and link.
    fn add(&mut self, line_no: u64, span: &Span<'_>, resource: &[Attr<'_>]) {
        link(&mut self.parents, span);
        let result = span_result(span, resource);
        self.held.push(Held::new(line_no, span, result));
    }

    /// Keeps an error for a span that could not be read.
    fn error(&mut self, line_no: u64, message: String) {
        self.held.push(Held {
            line: line_no,
            span: None,
            parent: None,
            counts_tokens: false,
            outcome: LineOutcome::Error(message),
        });
    }
}

/// Reads one record (an OTLP export, a Phoenix span, or a page of spans).
fn parse_record(line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
    let probe: Probe<'_> = match serde_json::from_slice(line) {
        Ok(probe) => probe,
        Err(err) => {
            out.push(Parsed {
                line: line_no,
                outcome: json_error(err, line),
            });
            return;
        }
    };
    let mut record = Record::default();
    if probe.resource_spans.is_some() {
        match read_export(line) {
            Ok(batches) => {
                for batch in &batches {
                    for span in &batch.spans {
                        record.add(line_no, span, &batch.resource);
                    }
                }
            }
            Err(outcome) => out.push(Parsed {
                line: line_no,
                outcome,
            }),
        }
    } else if probe.context.is_some() {
        match serde_json::from_slice::<serde_json::Value>(line) {
            Ok(value) => add_phoenix(&mut record, line_no, &value),
            Err(err) => out.push(Parsed {
                line: line_no,
                outcome: json_error(err, line),
            }),
        }
    } else if let Some(data) = probe.data {
        match serde_json::from_str::<Vec<&RawValue>>(data.get()) {
            Ok(items) => {
                for item in items {
                    add_page_item(&mut record, line_no, item);
                }
            }
            Err(err) => out.push(Parsed {
                line: line_no,
                outcome: shape_error(err, data.get().as_bytes()),
            }),
        }
    } else {
        out.push(Parsed {
            line: line_no,
            outcome: LineOutcome::Error(
                "not an OpenInference span: expected an OTLP export (resourceSpans), a Phoenix \
                 span (context, attributes) or a page of spans (data)"
                    .into(),
            ),
        });
        return;
    }
    settle(record.held, &record.parents, out);
}

/// Reads one Phoenix span JSON object into the record.
fn add_phoenix(record: &mut Record, line_no: u64, value: &serde_json::Value) {
    match phoenix_span(value) {
        Ok(span) => record.add(line_no, &span, &[]),
        Err(message) => record.error(line_no, message),
    }
}

/// One span of a REST page: Phoenix shape (`context`) or snake-case OTLP shape.
fn add_page_item(record: &mut Record, line_no: u64, item: &RawValue) {
    let text = item.get();
    if text.trim_start().starts_with('{') {
        if let Ok(probe) = serde_json::from_str::<Probe<'_>>(text)
            && probe.context.is_some()
        {
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(value) => add_phoenix(record, line_no, &value),
                Err(err) => record.error(line_no, format!("invalid span in page: {err}")),
            }
            return;
        }
        match serde_json::from_str::<WireSpan<'_>>(text) {
            Ok(wire) => record.add(line_no, &Span::from_wire(wire), &[]),
            Err(err) => record.error(line_no, format!("span of an unexpected shape: {err}")),
        }
    } else {
        record.error(line_no, "a page's data must hold span objects".into());
    }
}

/// Reads OpenInference records; each line stands alone.
struct OpenInferenceParser;

impl LineParser for OpenInferenceParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        parse_record(line_no, line, out);
    }
}

// ------------------------------------------------------------------------------------------
// Detection
// ------------------------------------------------------------------------------------------

/// Whether an OTLP span (as plain JSON) carries `openinference.span.kind`.
fn otlp_span_is_openinference(span: &serde_json::Value) -> bool {
    span.get("attributes")
        .and_then(|a| a.as_array())
        .is_some_and(|attrs| {
            attrs
                .iter()
                .any(|kv| kv.get("key").and_then(|k| k.as_str()) == Some(KIND_KEY))
        })
}

/// Whether any span of an OTLP `resourceSpans` list is an OpenInference span.
pub(crate) fn otlp_has_openinference(resource_spans: &[serde_json::Value]) -> bool {
    resource_spans
        .iter()
        .filter_map(|r| {
            r.get("scopeSpans")
                .or_else(|| r.get("scope_spans"))
                .or_else(|| r.get("instrumentationLibrarySpans"))
                .and_then(|s| s.as_array())
        })
        .flatten()
        .filter_map(|scope| scope.get("spans").and_then(|s| s.as_array()))
        .flatten()
        .any(otlp_span_is_openinference)
}

/// Whether a JSON object is a Phoenix span: a span context and a span kind.
fn is_phoenix_span(value: &serde_json::Value) -> bool {
    let has_context = value
        .get("context")
        .is_some_and(|c| c.get("span_id").is_some() && c.get("trace_id").is_some());
    let attributes = value.get("attributes");
    let has_kind = value.get("span_kind").is_some_and(|k| k.is_string())
        || attributes.is_some_and(|a| {
            a.get(KIND_KEY).is_some()
                || a.get("openinference")
                    .and_then(|o| o.get("span"))
                    .and_then(|s| s.get("kind"))
                    .is_some()
        });
    has_context && has_kind
}

/// Whether a parsed JSON value is an OpenInference record (used by detection).
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    if let Some(resource_spans) = value
        .get("resourceSpans")
        .or_else(|| value.get("resource_spans"))
        .and_then(|r| r.as_array())
    {
        return otlp_has_openinference(resource_spans);
    }
    if is_phoenix_span(value) {
        return true;
    }
    value
        .get("data")
        .and_then(|d| d.as_array())
        .is_some_and(|items| {
            items
                .iter()
                .take(8)
                .any(|item| is_phoenix_span(item) || otlp_span_is_openinference(item))
        })
}

/// A fresh parser for OpenInference records.
pub(crate) fn parser() -> Box<dyn LineParser> {
    Box::new(OpenInferenceParser)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::test_support::{
        self, assert_priced, assert_tags, call_of, calls, has_tag, parse_text, skips, tokens,
    };
    use crate::ingest::{InputFormat, detect_document, detect_format, parse_lines};
    use crate::record::Provider;

    const OTLP: &str = include_str!("../../fixtures/logs/openinference/otlp_spans.jsonl");
    const PHOENIX: &str = include_str!("../../fixtures/logs/openinference/phoenix_spans.jsonl");
    const PAGE: &str = include_str!("../../fixtures/logs/openinference/phoenix_rest_page.json");

    fn parse(text: &str) -> Vec<Parsed> {
        parse_text(InputFormat::Openinference, text)
    }

    fn error_of(line: &str) -> String {
        test_support::error_of(InputFormat::Openinference, line)
    }

    #[test]
    fn otlp_lines_only_llm_spans_are_calls() {
        let parsed = parse(OTLP);
        assert_eq!(parsed.len(), 10);
        assert_eq!(calls(&parsed).len(), 3);
        assert_eq!(
            skips(&parsed),
            vec![
                (1, SkipReason::NotAModelCall), // AGENT
                (1, SkipReason::NotAModelCall), // TOOL
                (2, SkipReason::NotAModelCall), // CHAIN
                (2, SkipReason::NotAModelCall), // EMBEDDING (token counts, not an LLM span)
                (2, SkipReason::NotAModelCall), // RETRIEVER
                (2, SkipReason::RollupSpan),    // LangChain's LLM span around the SDK's
                (3, SkipReason::ProviderError), // LLM span with status ERROR, no counts
            ]
        );
        // OpenInference names no error type: its cause is `other`.
        let causes: Vec<(u64, FailureCause)> = parsed
            .iter()
            .filter_map(|p| match p.outcome {
                LineOutcome::Failed(cause) => Some((p.line, cause)),
                _ => None,
            })
            .collect();
        assert_eq!(causes, [(3, FailureCause::Other)]);
    }

    #[test]
    fn anthropic_llm_span_with_cache_reads_and_writes() {
        let parsed = parse(OTLP);
        let call = call_of(&parsed, "claude-sonnet-4-5-20250929");
        // llm.token_count.prompt 2,406 includes 1,800 cache reads and 200 cache writes.
        // claude-sonnet-4-5: 406 × $3/M + 1,800 × $0.30/M + 200 × $3.75/M + 50 × $15/M
        // = 0.001218 + 0.00054 + 0.00075 + 0.00075 = $0.003258
        assert_priced(call, tokens(406, 1800, 200, 0, 50, 0), "0.003258");
        assert_eq!(call.provider, Provider::Anthropic);
        assert_eq!(
            call.response_id.as_deref(),
            Some("msg_01FixtureOpenInference01")
        );
        assert_eq!(call.request_id.as_deref(), Some("01fa961201b84358"));
        assert_eq!(
            call.session_id.as_deref(),
            Some("26bcd3d2-0000-4000-8000-fixture00001")
        );
        assert_eq!(call.timestamp_ms, Some(1_761_766_343_238));
        assert_eq!(call.latency_ms, Some(535.0));
        assert_eq!(call.features.message_count, 2);
        assert_eq!(call.features.tools_defined, 1);
        assert_eq!(
            call.text.as_ref().unwrap().system,
            "Extract the order as JSON."
        );
        assert_tags(
            call,
            &[
                ("service", "checkout-api"),
                ("environment", "prod"),
                ("project", "checkout"),
                ("user", "user-42"),
                ("feature", "order-extract"),
                ("tag", "checkout"),
                ("tag", "prod"),
            ],
        );
    }

    #[test]
    fn openai_llm_span_with_cache_and_reasoning() {
        let parsed = parse(OTLP);
        let call = call_of(&parsed, "gpt-5-mini-2025-08-07");
        // 1,500 prompt including 1,024 cached; 400 completion including 256 reasoning.
        // gpt-5-mini: 476 × $0.25/M + 1,024 × $0.025/M + 400 × $2/M
        // = 0.000119 + 0.0000256 + 0.0008 = $0.0009446
        assert_priced(call, tokens(476, 1024, 0, 0, 400, 256), "0.0009446");
        assert_eq!(
            call.response_id.as_deref(),
            Some("chatcmpl-FixtureOpenInference02")
        );
        assert_eq!(call.service_tier.as_deref(), Some("default"));
        let features = &call.features;
        assert!(features.streamed && features.json_schema);
        assert_eq!((features.images, features.tool_calls), (1, 1));
        assert_eq!(call.text.as_ref().unwrap().user, "Is this receipt valid?");
        assert!(has_tag(call, "project", "support"));
    }

    #[test]
    fn prompt_count_that_excludes_the_cache_is_taken_as_uncached_input() {
        let parsed = parse(OTLP);
        let call = call_of(&parsed, "claude-haiku-4-5");
        // Before openinference abd36c45 the Anthropic prompt count was input_tokens alone.
        // claude-haiku-4-5: 12 × $1/M + 3,000 × $0.10/M + 500 × $1.25/M + 80 × $5/M
        // = 0.000012 + 0.0003 + 0.000625 + 0.0004 = $0.001337
        assert_priced(call, tokens(12, 3000, 500, 0, 80, 0), "0.001337");
        assert_eq!(call.status, CallStatus::Incomplete);
    }

    #[test]
    fn phoenix_span_json_nested_and_flat() {
        let parsed = parse(PHOENIX);
        assert_eq!(parsed.len(), 3);
        assert_eq!(skips(&parsed), vec![(2, SkipReason::NotAModelCall)]);
        // Nested attributes: {"llm": {"token_count": {...}}}.
        let gemini = call_of(&parsed, "gemini-2.5-flash");
        // gemini-2.5-flash: 1,000 × $0.30/M + 1,200 × $0.03/M + 500 × $2.50/M
        // = 0.0003 + 0.000036 + 0.00125 = $0.001586
        assert_priced(gemini, tokens(1000, 1200, 0, 0, 500, 350), "0.001586");
        assert_eq!(gemini.provider, Provider::Google);
        // 2025-10-29T19:40:00.125Z
        assert_eq!(gemini.timestamp_ms, Some(1_761_766_800_125));
        assert_eq!(gemini.latency_ms, Some(2500.0));
        assert_eq!(gemini.session_id.as_deref(), Some("phoenix-session-1"));
        assert!(has_tag(gemini, "feature", "summarize"));
        assert_eq!(gemini.text.as_ref().unwrap().user, "Summarise this thread.");
        // The spec's example shape: dotted keys, lists of message objects, an OTel span kind.
        let openai = call_of(&parsed, "gpt-4o-mini-2024-07-18");
        // gpt-4o-mini: 229 × $0.15/M + 21 × $0.60/M = 0.00003435 + 0.0000126 = $0.00004695
        assert_priced(openai, tokens(229, 0, 0, 0, 21, 0), "0.00004695");
        assert_eq!(openai.features.message_count, 2);
        assert_eq!(openai.features.tool_calls, 1);
        assert_eq!(openai.latency_ms, Some(534.781));
        assert_eq!(openai.provider, Provider::OpenAi);
    }

    #[test]
    fn phoenix_rest_page_of_both_span_shapes() {
        let value: serde_json::Value = serde_json::from_str(PAGE).unwrap();
        assert_eq!(detect_document(&value), Some(InputFormat::Openinference));
        let parsed = parse_lines(InputFormat::Openinference, &[PAGE.as_bytes()]);
        assert_eq!(parsed.len(), 2);
        let deepseek = call_of(&parsed, "deepseek-chat");
        // deepseek-chat from 2025-09-29: 440 × $0.28/M + 2,560 × $0.028/M + 300 × $0.42/M
        // = 0.0001232 + 0.00007168 + 0.000126 = $0.00032088
        assert_priced(deepseek, tokens(440, 2560, 0, 0, 300, 0), "0.00032088");
        assert_eq!(deepseek.stated_cost_usd, Some(0.00032088));
        assert_eq!(deepseek.provider, Provider::DeepSeek);
        assert!(has_tag(deepseek, "user", "user-7"));
        // Snake-case OTLP span of /spans/otlpv1, integers as JSON numbers.
        let haiku = call_of(&parsed, "claude-haiku-4-5-20251001");
        // claude-haiku-4-5: 1,000 × $1/M + 100 × $5/M = $0.0015
        assert_priced(haiku, tokens(1000, 0, 0, 0, 100, 0), "0.0015");
        assert_eq!(haiku.latency_ms, Some(1200.0));
    }

    #[test]
    fn detects_the_fixtures_and_not_genai_spans() {
        assert_eq!(
            detect_format(OTLP.as_bytes()),
            Some(InputFormat::Openinference)
        );
        assert_eq!(
            detect_format(PHOENIX.as_bytes()),
            Some(InputFormat::Openinference)
        );
        let genai = include_str!("../../fixtures/logs/otel/genai_spans.jsonl");
        for line in genai.lines() {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(!looks_like(&value));
        }
        assert!(!looks_like(
            &serde_json::json!({"data": [{"id": "x", "object": "bucket"}]})
        ));
        assert!(!looks_like(
            &serde_json::json!({"context": {"span_id": "a"}})
        ));
    }

    #[test]
    fn nested_and_flat_attributes_read_alike() {
        let nested = r#"{"name":"n","context":{"trace_id":"t","span_id":"s"},"span_kind":"LLM","attributes":{"llm":{"model_name":"gpt-4o-mini","token_count":{"prompt":100,"completion":10,"prompt_details":{"cache_read":40}}}}}"#;
        let flat = r#"{"name":"n","context":{"trace_id":"t","span_id":"s"},"span_kind":"LLM","attributes":{"llm.model_name":"gpt-4o-mini","llm.token_count.prompt":100,"llm.token_count.completion":10,"llm.token_count.prompt_details.cache_read":40}}"#;
        let mixed = r#"{"name":"n","context":{"trace_id":"t","span_id":"s"},"span_kind":"LLM","attributes":{"llm":{"model_name":"gpt-4o-mini","token_count.prompt":"100","token_count":{"completion":10.0,"prompt_details.cache_read":40}}}}"#;
        for line in [nested, flat, mixed] {
            let parsed = parse_lines(InputFormat::Openinference, &[line.as_bytes()]);
            assert_eq!(
                calls(&parsed)[0].tokens,
                tokens(60, 40, 0, 0, 10, 0),
                "{line}"
            );
        }
    }

    #[test]
    fn llm_span_nested_in_llm_span_of_the_same_page() {
        let page = r#"{"data":[
            {"name":"outer","context":{"trace_id":"t","span_id":"p"},"span_kind":"LLM","attributes":{"llm.model_name":"gpt-4o-mini","llm.token_count.prompt":100,"llm.token_count.completion":10}},
            {"name":"inner","context":{"trace_id":"t","span_id":"c"},"parent_id":"p","span_kind":"LLM","attributes":{"llm.model_name":"gpt-4o-mini","llm.token_count.prompt":100,"llm.token_count.completion":10}}]}"#;
        let parsed = parse_lines(InputFormat::Openinference, &[page.as_bytes()]);
        assert_eq!(calls(&parsed).len(), 1);
        assert_eq!(skips(&parsed), vec![(1, SkipReason::RollupSpan)]);
    }

    #[test]
    fn malformed_records_are_errors() {
        assert!(error_of(r#"{"hello":1}"#).contains("not an OpenInference span"));
        assert!(error_of(r#"{"context":{"span_id":"s"},"attributes":"#).contains("truncated"));
        assert!(error_of(r#"{"context":{},"attributes":[1,2]}"#).contains("must be a JSON object"));
        assert!(error_of(r#"{"data":5}"#).contains("unexpected shape"));
        assert!(error_of(r#"{"data":[7]}"#).contains("span objects"));
        let total_only = r#"{"name":"n","context":{"trace_id":"t","span_id":"s"},"span_kind":"LLM","attributes":{"llm.model_name":"gpt-4o-mini","llm.token_count.total":50}}"#;
        assert!(error_of(total_only).contains("only llm.token_count.total"));
        let no_model = r#"{"name":"n","context":{"trace_id":"t","span_id":"s"},"span_kind":"LLM","attributes":{"llm.token_count.prompt":5}}"#;
        assert!(error_of(no_model).contains("no llm.model_name"));
        let odd = r#"{"name":5,"context":{"trace_id":[],"span_id":{}},"span_kind":"LLM","start_time":"yesterday","attributes":{"llm.model_name":"gpt-4o-mini","llm.token_count.prompt":-3,"llm.token_count.completion":1e300,"llm.invocation_parameters":"{not json","output.mime_type":"application/json","output.value":"[","metadata":"{\"a\":"}}"#;
        let parsed = parse_lines(InputFormat::Openinference, &[odd.as_bytes()]);
        assert_eq!(parsed.len(), 1);
    }

    #[test]
    fn model_from_invocation_parameters_when_the_span_names_none() {
        let line = r#"{"name":"n","context":{"trace_id":"t","span_id":"s"},"span_kind":"LLM","status_code":"ERROR","attributes":{"llm.invocation_parameters":"{\"model\": \"gpt-4o-mini\"}","llm.token_count.prompt":5,"llm.token_count.completion":1}}"#;
        let parsed = parse_lines(InputFormat::Openinference, &[line.as_bytes()]);
        let call = calls(&parsed)[0];
        assert_eq!(call.model, "gpt-4o-mini");
        assert_eq!(call.status, CallStatus::Error);
    }
}
