//! AWS Bedrock model invocation logs (`schemaType: ModelInvocationLog`), as Bedrock delivers
//! them to CloudWatch Logs or S3: one JSON record per invocation.
//!
//! Token counts come from the record's own counters (`input.inputTokenCount`,
//! `input.cacheReadInputTokenCount`, `input.cacheWriteInputTokenCount`,
//! `output.outputTokenCount`), with the logged response body (`output.outputBodyJson`: a Converse
//! response, an Anthropic Messages response, or the chunks of a streamed one) as fallback and for
//! the cache-write TTL split. Bedrock reports input tokens *excluding* cache reads and writes, as
//! Anthropic does: the Converse `TokenUsage` keeps `cacheReadInputTokens` and
//! `cacheWriteInputTokens` beside `inputTokens`, and `totalTokens` is the sum of all four
//! (AWS Bedrock API reference, `TokenUsage` and `CacheDetail`; user guide "Prompt caching for
//! faster model inference"). So the counters map to exclusive buckets as they are.
//!
//! Model ids carry routing that is not part of the model: cross-region inference-profile
//! prefixes (`us.`, `eu.`, `apac.`, `global.`…), the maker prefix (`anthropic.`) and the Bedrock
//! version suffix (`-v1:0`), or a whole ARN. [`normalize_model_id`] turns them into the name the
//! price catalog knows; ARNs that do not name a model (application inference profiles,
//! provisioned throughput) are kept whole and stay unpriced.

use crate::ingest::values::Text;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::content::{PromptSummary, Role};
use crate::ingest::observability::push_tag;
use crate::ingest::values::parse_timestamp;
use crate::ingest::wire::{add_string_tags, array_len};
use crate::ingest::{LineOutcome, LineParser, OneEach, json_error};
use crate::pricing::name_residency;
use crate::record::{CallRecord, CallStatus, FailureCause, Provider, TokenBuckets};

use crate::ingest::Format;

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format {
    name: "bedrock",
    json: Some(looks_like),
    parser: |_| parser(),
    ..Format::NEW
};

/// The cross-region inference-profile prefixes Bedrock puts before a model id.
const GEO_PREFIXES: [&str; 9] = [
    "us", "us-gov", "eu", "apac", "ap", "jp", "au", "ca", "global",
];

/// Whether one JSON record is a Bedrock model invocation log record.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    if value.get("schemaType").and_then(|s| s.as_str()) == Some("ModelInvocationLog") {
        return true;
    }
    // Records reshaped by a log pipeline may lose the schema marker; the model id, operation and
    // the input token counter together are specific enough.
    let reshaped = value.get("modelId").is_some_and(|m| m.is_string())
        && value.get("operation").is_some_and(|o| o.is_string())
        && value
            .get("input")
            .is_some_and(|input| input.get("inputTokenCount").is_some());
    reshaped || is_converse_response(value)
}

/// A Converse API response as a client logs it (`output.message`, `usage.inputTokens`,
/// `stopReason`, `metrics.latencyMs`; botocore `bedrock-runtime` `ConverseResponse`), with or
/// without the request's `modelId` beside it: the response itself does not name the model.
fn is_converse_response(value: &serde_json::Value) -> bool {
    value
        .get("output")
        .is_some_and(|output| output.get("message").is_some())
        && value
            .get("usage")
            .is_some_and(|usage| usage.get("inputTokens").is_some())
}

/// The model of a Converse response logged without its request's `modelId`: reported as an
/// unpriced model of its own, never priced at $0.
const CONVERSE_MODEL_NOT_LOGGED: &str = "bedrock-converse (modelId not logged)";

/// A parser for Bedrock invocation logs: every record stands alone.
pub(crate) fn parser() -> Box<dyn LineParser> {
    Box::new(OneEach(parse_line))
}

/// The caller identity Bedrock records.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Identity<'a> {
    arn: Option<Text<'a>>,
}

/// The request half of a record.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct Input<'a> {
    input_body_json: Option<&'a RawValue>,
    input_token_count: Option<u64>,
    cache_read_input_token_count: Option<u64>,
    cache_write_input_token_count: Option<u64>,
}

/// The response half of a record.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct Output<'a> {
    output_body_json: Option<&'a RawValue>,
    output_token_count: Option<u64>,
}

/// One model invocation log record; unknown fields are ignored.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct Record<'a> {
    schema_type: Option<Text<'a>>,
    timestamp: Option<&'a RawValue>,
    account_id: Option<Text<'a>>,
    identity: Option<Identity<'a>>,
    region: Option<Text<'a>>,
    inference_region: Option<Text<'a>>,
    request_id: Option<Text<'a>>,
    operation: Option<Text<'a>>,
    model_id: Option<Text<'a>>,
    input: Option<Input<'a>>,
    output: Option<Output<'a>>,
    request_metadata: Option<&'a RawValue>,
    error_code: Option<Text<'a>>,
    /// A bare Converse response's own members (see [`is_converse_response`]).
    usage: Option<&'a RawValue>,
    stop_reason: Option<&'a RawValue>,
}

/// A cache-write count for one TTL (Converse `cacheDetails`).
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct CacheDetail<'a> {
    input_tokens: Option<u64>,
    ttl: Option<Text<'a>>,
}

/// Anthropic's split of cache writes by TTL.
#[derive(Deserialize)]
struct CacheCreation {
    ephemeral_5m_input_tokens: Option<u64>,
    ephemeral_1h_input_tokens: Option<u64>,
}

/// Usage in a logged response body: Converse (camelCase) or Anthropic Messages (snake_case).
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
struct BodyUsage<'a> {
    #[serde(rename = "inputTokens", alias = "input_tokens")]
    input: Option<u64>,
    #[serde(rename = "outputTokens", alias = "output_tokens")]
    output: Option<u64>,
    #[serde(rename = "cacheReadInputTokens", alias = "cache_read_input_tokens")]
    cache_read: Option<u64>,
    #[serde(
        rename = "cacheWriteInputTokens",
        alias = "cache_creation_input_tokens"
    )]
    cache_write: Option<u64>,
    #[serde(rename = "cacheDetails")]
    cache_details: Option<Vec<CacheDetail<'a>>>,
    cache_creation: Option<CacheCreation>,
}

/// `amazon-bedrock-invocationMetrics`, the last chunk of an InvokeModel stream.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InvocationMetrics {
    input_token_count: Option<u64>,
    output_token_count: Option<u64>,
    cache_read_input_token_count: Option<u64>,
    cache_write_input_token_count: Option<u64>,
    invocation_latency: Option<f64>,
    first_byte_latency: Option<f64>,
}

/// Converse `metrics`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metrics {
    latency_ms: Option<f64>,
}

/// A content block of either API: Anthropic blocks have a `type`, Converse blocks are keyed by
/// kind (`toolUse`, `text`, …).
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Block<'a> {
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    #[serde(rename = "toolUse")]
    tool_use: Option<&'a RawValue>,
}

/// The assistant message of a Converse response.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ConverseMessage<'a> {
    #[serde(default)]
    content: Vec<Block<'a>>,
}

/// `output` of a Converse response.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ConverseOutput<'a> {
    message: Option<ConverseMessage<'a>>,
}

/// The message inside an Anthropic `message_start` stream event.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct StartMessage<'a> {
    id: Option<Text<'a>>,
    usage: Option<BodyUsage<'a>>,
}

/// `delta` of an Anthropic `message_delta` event.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Delta<'a> {
    stop_reason: Option<Text<'a>>,
}

/// `messageStop` of a ConverseStream.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct MessageStop<'a> {
    stop_reason: Option<Text<'a>>,
}

/// `metadata` of a ConverseStream.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct StreamMetadata<'a> {
    usage: Option<BodyUsage<'a>>,
    metrics: Option<Metrics>,
}

/// A logged response body, or one chunk of a streamed one. Every field is optional so that
/// one shape reads Converse, InvokeModel (Anthropic) and their stream events.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Body<'a> {
    id: Option<Text<'a>>,
    usage: Option<BodyUsage<'a>>,
    metrics: Option<Metrics>,
    #[serde(rename = "stopReason", alias = "stop_reason")]
    stop_reason: Option<Text<'a>>,
    output: Option<ConverseOutput<'a>>,
    content: Option<Vec<Block<'a>>>,
    message: Option<StartMessage<'a>>,
    delta: Option<Delta<'a>>,
    content_block: Option<Block<'a>>,
    #[serde(rename = "messageStop")]
    message_stop: Option<MessageStop<'a>>,
    metadata: Option<StreamMetadata<'a>>,
    #[serde(rename = "contentBlockStart")]
    content_block_start: Option<&'a RawValue>,
    #[serde(rename = "amazon-bedrock-invocationMetrics")]
    invocation_metrics: Option<InvocationMetrics>,
}

/// What the response body adds to the record's own counters.
#[derive(Default)]
struct BodyFacts {
    response_id: Option<String>,
    input: Option<u64>,
    output: Option<u64>,
    cache_read: Option<u64>,
    cache_write: Option<u64>,
    /// Cache writes with the 1-hour TTL, when the body splits them.
    cache_write_1h: Option<u64>,
    latency_ms: Option<f64>,
    first_byte_ms: Option<f64>,
    stop_reason: Option<String>,
    tool_calls: u32,
}

impl BodyFacts {
    /// Folds one body (or stream chunk) in; earlier values win, except counts that streams
    /// report as they grow (output), where a later chunk's larger count wins.
    fn add(&mut self, body: Body<'_>) {
        if self.response_id.is_none() {
            self.response_id = body
                .id
                .as_deref()
                .or(body.message.as_ref().and_then(|m| m.id.as_deref()))
                .map(str::to_string);
        }
        for usage in [
            body.usage.as_ref(),
            body.message.as_ref().and_then(|m| m.usage.as_ref()),
            body.metadata.as_ref().and_then(|m| m.usage.as_ref()),
        ]
        .into_iter()
        .flatten()
        {
            self.add_usage(usage);
        }
        if let Some(metrics) = &body.invocation_metrics {
            self.input = self.input.or(metrics.input_token_count);
            self.output = self.output.max(metrics.output_token_count);
            self.cache_read = self.cache_read.or(metrics.cache_read_input_token_count);
            self.cache_write = self.cache_write.or(metrics.cache_write_input_token_count);
            self.latency_ms = self.latency_ms.or(metrics.invocation_latency);
            self.first_byte_ms = self.first_byte_ms.or(metrics.first_byte_latency);
        }
        let latency = body
            .metrics
            .as_ref()
            .or(body.metadata.as_ref().and_then(|m| m.metrics.as_ref()))
            .and_then(|m| m.latency_ms);
        self.latency_ms = self.latency_ms.or(latency);
        let stop = body
            .stop_reason
            .as_deref()
            .or(body.delta.as_ref().and_then(|d| d.stop_reason.as_deref()))
            .or(body
                .message_stop
                .as_ref()
                .and_then(|m| m.stop_reason.as_deref()));
        if let Some(stop) = stop {
            self.stop_reason = Some(stop.to_string());
        }
        let converse_blocks = body
            .output
            .as_ref()
            .and_then(|o| o.message.as_ref())
            .map(|m| m.content.as_slice())
            .unwrap_or_default();
        let anthropic_blocks = body.content.as_deref().unwrap_or_default();
        self.tool_calls += converse_blocks
            .iter()
            .chain(anthropic_blocks)
            .chain(body.content_block.as_ref())
            .filter(|b| b.tool_use.is_some() || b.kind.as_deref() == Some("tool_use"))
            .count() as u32;
        if body
            .content_block_start
            .is_some_and(|start| start.get().contains("\"toolUse\""))
        {
            self.tool_calls += 1;
        }
    }

    /// Folds one usage object in, with its cache-write TTL split when it has one.
    fn add_usage(&mut self, usage: &BodyUsage<'_>) {
        self.input = self.input.or(usage.input);
        self.output = self.output.max(usage.output);
        self.cache_read = self.cache_read.or(usage.cache_read);
        self.cache_write = self.cache_write.or(usage.cache_write);
        let one_hour = match (&usage.cache_details, &usage.cache_creation) {
            (Some(details), _) => Some(
                details
                    .iter()
                    .filter(|d| d.ttl.as_deref() == Some("1h"))
                    .filter_map(|d| d.input_tokens)
                    .sum(),
            ),
            (None, Some(split)) => split.ephemeral_1h_input_tokens.or_else(|| {
                // A split that names only 5-minute writes says there were no 1-hour ones.
                split.ephemeral_5m_input_tokens.map(|_| 0)
            }),
            (None, None) => None,
        };
        self.cache_write_1h = self.cache_write_1h.or(one_hour);
    }
}

/// Reads the logged response body: one object, or a list of stream chunks.
fn body_facts(raw: Option<&RawValue>) -> BodyFacts {
    let mut facts = BodyFacts::default();
    let Some(raw) = raw else {
        return facts;
    };
    let text = raw.get().trim_start();
    if text.starts_with('[') {
        if let Ok(chunks) = serde_json::from_str::<Vec<&RawValue>>(raw.get()) {
            for chunk in chunks {
                if let Ok(body) = serde_json::from_str::<Body<'_>>(chunk.get()) {
                    facts.add(body);
                }
            }
        }
    } else if let Ok(body) = serde_json::from_str::<Body<'_>>(raw.get()) {
        facts.add(body);
    }
    facts
}

/// The request body: Converse (`messages`, `system`, `toolConfig.tools`) or Anthropic Messages
/// (`messages`, `system`, `tools`).
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct RequestBody<'a> {
    #[serde(default)]
    messages: Vec<RequestMessage<'a>>,
    system: Option<&'a RawValue>,
    tools: Option<&'a RawValue>,
    tool_config: Option<ToolConfig<'a>>,
}

/// Converse `toolConfig`.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ToolConfig<'a> {
    tools: Option<&'a RawValue>,
}

/// One request message of either API.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct RequestMessage<'a> {
    #[serde(default)]
    role: Text<'a>,
    content: Option<&'a RawValue>,
}

/// Adds what the request body says (prompt text, tools) to the record. A body that does not
/// parse is ignored: it is optional detail, the counters carry the usage.
fn apply_request(raw: &RawValue, record: &mut CallRecord) {
    let Ok(request) = serde_json::from_str::<RequestBody<'_>>(raw.get()) else {
        return;
    };
    let tools = request
        .tools
        .or(request.tool_config.as_ref().and_then(|c| c.tools));
    let mut prompt = PromptSummary::default();
    if let Some(system) = request.system {
        prompt.add_system_raw(system);
    }
    if let Some(tools) = tools {
        prompt.add_tool_definitions(tools.get());
    }
    for message in &request.messages {
        prompt.add_message(Role::from_name(&message.role), message.content);
    }
    prompt.apply_to(record);
    record.features.tools_defined = array_len(tools.map(RawValue::get));
}

/// Metadata keys that name the caller's session or trace.
const SESSION_KEYS: [&str; 4] = ["sessionId", "session_id", "traceId", "trace_id"];

/// Parses one Bedrock invocation log record.
pub(crate) fn parse_line(line: &[u8]) -> LineOutcome {
    let record: Record<'_> = match serde_json::from_slice(line) {
        Ok(record) => record,
        Err(err) => return json_error(err, line),
    };
    if let Some(kind) = record.schema_type.as_deref()
        && kind != "ModelInvocationLog"
    {
        return LineOutcome::Error(format!(
            "not a Bedrock model invocation log record (schemaType `{kind}`)"
        ));
    }
    // A bare Converse response: the line is the response body.
    let converse = record.schema_type.is_none()
        && record.input.is_none()
        && record.operation.is_none()
        && (record.usage.is_some() || record.stop_reason.is_some());
    let model_id = record.model_id.as_deref().filter(|m| !m.trim().is_empty());
    let model_id = match (model_id, converse) {
        (Some(id), _) => id,
        (None, true) => CONVERSE_MODEL_NOT_LOGGED,
        (None, false) => {
            return LineOutcome::Error("Bedrock invocation log names no modelId".into());
        }
    };
    let input = record.input.as_ref();
    let output = record.output.as_ref().filter(|_| !converse);
    let facts = if converse {
        body_facts(serde_json::from_slice::<&RawValue>(line).ok())
    } else {
        body_facts(output.and_then(|o| o.output_body_json))
    };

    let input_tokens = input.and_then(|i| i.input_token_count).or(facts.input);
    let output_tokens = output.and_then(|o| o.output_token_count).or(facts.output);
    let cache_read = input
        .and_then(|i| i.cache_read_input_token_count)
        .or(facts.cache_read);
    let cache_write = input
        .and_then(|i| i.cache_write_input_token_count)
        .or(facts.cache_write);
    let failed = record.error_code.as_deref().is_some_and(|c| !c.is_empty());
    let failure = failed
        .then(|| FailureCause::derive(None, &[record.error_code.as_deref().unwrap_or_default()]));
    if [input_tokens, output_tokens, cache_read, cache_write]
        .iter()
        .all(Option::is_none)
    {
        return LineOutcome::without_usage(failure);
    }
    let cache_write = cache_write.unwrap_or(0);
    let write_1h = facts.cache_write_1h.unwrap_or(0).min(cache_write);
    let tokens = TokenBuckets {
        input: input_tokens.unwrap_or(0),
        cache_read: cache_read.unwrap_or(0),
        cache_write_5m: cache_write - write_1h,
        cache_write_1h: write_1h,
        output: output_tokens.unwrap_or(0),
        // Bedrock does not report thinking apart from output for any model.
        reasoning: 0,
    };

    let model = normalize_model_id(model_id);
    let residency = name_residency(model_id);
    let operation = match record.operation.as_deref() {
        Some(operation) => operation,
        None if converse => "Converse",
        None => "",
    };
    let mut call = CallRecord {
        provider: Provider::from_model(&model),
        residency,
        timestamp_ms: record.timestamp.and_then(parse_timestamp),
        latency_ms: facts.latency_ms.filter(|v| *v >= 0.0),
        time_to_first_token_ms: facts.first_byte_ms.filter(|v| *v >= 0.0),
        response_id: facts.response_id.clone(),
        request_id: record.request_id.as_deref().map(str::to_string),
        tokens,
        ..CallRecord::default()
    };
    call.features.streamed = operation.ends_with("Stream");
    call.features.tool_calls = facts.tool_calls;
    call.features.finish_reason = facts.stop_reason.clone();
    call.status = if failed {
        call.failure = failure;
        CallStatus::Error
    } else {
        match facts.stop_reason.as_deref() {
            Some(
                "max_tokens"
                | "model_context_window_exceeded"
                | "guardrail_intervened"
                | "content_filtered"
                | "refusal",
            ) => CallStatus::Incomplete,
            _ => CallStatus::Ok,
        }
    };
    if let Some(body) = input.and_then(|i| i.input_body_json) {
        apply_request(body, &mut call);
    }
    let tags = &mut call.tags;
    push_tag(tags, "aws_account", record.account_id.as_deref());
    push_tag(tags, "aws_region", record.region.as_deref());
    push_tag(tags, "inference_region", record.inference_region.as_deref());
    push_tag(
        tags,
        "identity_arn",
        record.identity.as_ref().and_then(|i| i.arn.as_deref()),
    );
    push_tag(tags, "operation", Some(operation));
    if model != model_id {
        push_tag(tags, "bedrock_model_id", Some(model_id));
    }
    push_tag(tags, "error_code", record.error_code.as_deref());
    if let Some(metadata) = record.request_metadata {
        let start = call.tags.len();
        add_string_tags(metadata, &mut call.tags);
        call.session_id = SESSION_KEYS.iter().find_map(|key| {
            call.tags[start..]
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value.clone())
        });
    }
    call.model = model;
    LineOutcome::Call(Box::new(call))
}

/// Turns a Bedrock model id or ARN into the model name the price catalog knows:
/// `arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0` and
/// `us.anthropic.claude-3-5-sonnet-20240620-v1:0` both become `claude-3-5-sonnet-20240620`.
/// Other makers keep their Bedrock name without the region prefix (`meta.llama3-1-70b-…`);
/// ARNs that do not name a model (application inference profiles, provisioned or custom
/// models) are returned whole.
pub(crate) fn normalize_model_id(id: &str) -> String {
    let id = id.trim();
    let mut name = id;
    if id.starts_with("arn:") {
        // arn:partition:bedrock:region:account:resource-type/resource-id
        let resource = id.splitn(6, ':').nth(5).unwrap_or_default();
        match resource.split_once('/') {
            Some(("foundation-model" | "inference-profile", model)) if !model.is_empty() => {
                name = model;
            }
            _ => return id.to_string(),
        }
    }
    let name = strip_geo_prefix(name);
    match name.split_once('.') {
        Some(("anthropic", model)) => strip_version_suffix(model).to_string(),
        _ => name.to_string(),
    }
}

/// Drops a cross-region inference-profile prefix (`us.`, `eu.`, `global.`…) when a
/// `maker.model` follows it.
fn strip_geo_prefix(name: &str) -> &str {
    match name.split_once('.') {
        Some((geo, rest)) if GEO_PREFIXES.contains(&geo) && rest.contains('.') => rest,
        _ => name,
    }
}

/// Drops Bedrock's `-v1:0` (and `:200k`-style) version suffix from an Anthropic model name,
/// unless that would leave a name without a version number (`claude-v2:1`, `claude-instant-v1`
/// stay as they are: they name no model the catalog could price anyway).
fn strip_version_suffix(model: &str) -> &str {
    let Some(at) = model.rfind("-v") else {
        return model;
    };
    let (base, suffix) = model.split_at(at);
    let mut parts = suffix[2..].split(':');
    let version_ok = parts
        .next()
        .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
    let rest_ok = parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if version_ok && rest_ok && base.bytes().any(|b| b.is_ascii_digit()) {
        base
    } else {
        model
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::test_support::{
        assert_each_is_error, call_at, cost, parse_text, reference, reference_samples, tag,
    };
    use crate::ingest::{InputFormat, Parsed, SkipReason, detect_format};
    use crate::pricing::PriceCatalog;

    const FIXTURE: &str = include_str!("../../fixtures/logs/bedrock/invocations.jsonl");

    fn parse_fixture() -> Vec<Parsed> {
        parse_text(InputFormat::Bedrock, FIXTURE)
    }

    /// Bedrock reports no reasoning apart from output.
    fn buckets(input: u64, read: u64, w5m: u64, w1h: u64, output: u64) -> TokenBuckets {
        crate::ingest::test_support::tokens(input, read, w5m, w1h, output, 0)
    }

    #[test]
    fn every_fixture_line_is_accounted_for() {
        let parsed = parse_fixture();
        assert_eq!(parsed.len(), 8);
        let skips: Vec<_> = parsed
            .iter()
            .filter_map(|p| Some((p.line, p.outcome.skip_reason()?)))
            .collect();
        assert_eq!(skips, vec![(8, SkipReason::ProviderError)]);
        // errorCode ThrottlingException, no token counts: a rate limit without usage.
        assert!(matches!(
            parsed[7].outcome,
            LineOutcome::Failed(FailureCause::RateLimit)
        ));
        assert!(
            parsed
                .iter()
                .all(|p| !matches!(p.outcome, LineOutcome::Error(_)))
        );
    }

    #[test]
    fn converse_with_cache_reads_and_both_write_ttls() {
        let parsed = parse_fixture();
        let record = call_at(&parsed, 1);
        assert_eq!(record.model, "claude-sonnet-4-5-20250929");
        assert_eq!(record.provider, Provider::Anthropic);
        // inputTokenCount excludes the cache: 1,500 plain + 20,000 read + 3,000 written, the
        // writes split by cacheDetails into 1,000 (1h) and 2,000 (5m).
        assert_eq!(record.tokens, buckets(1500, 20_000, 2000, 1000, 500));
        // Sonnet 4.5: 1,500 × $3/M + 20,000 × $0.30/M + 2,000 × $3.75/M + 1,000 × $6/M
        // + 500 × $15/M = 0.0045 + 0.006 + 0.0075 + 0.006 + 0.0075 = $0.0315.
        assert_eq!(cost(record), "0.0315");
        assert_eq!(record.timestamp_ms, Some(1_762_164_902_000));
        assert_eq!(record.latency_ms, Some(4210.0));
        assert_eq!(
            record.request_id.as_deref(),
            Some("7b0f3c1e-1111-4a6b-9c2d-000000000001")
        );
        assert_eq!(record.response_id, None);
        assert_eq!(record.session_id.as_deref(), Some("sess-7"));
        assert!(!record.features.streamed);
        assert_eq!(record.features.finish_reason.as_deref(), Some("end_turn"));
        assert_eq!(record.status, CallStatus::Ok);
        assert_eq!(tag(record, "team"), Some("search"));
        assert_eq!(tag(record, "aws_account"), Some("123456789012"));
        assert_eq!(tag(record, "inference_region"), Some("us-west-2"));
        assert_eq!(
            tag(record, "bedrock_model_id"),
            Some("us.anthropic.claude-sonnet-4-5-20250929-v1:0")
        );
        assert_eq!(
            tag(record, "identity_arn"),
            Some("arn:aws:sts::123456789012:assumed-role/search-api/session-1")
        );
        let text = record.text.as_ref().unwrap();
        assert_eq!(text.user, "Which plans include SSO?");
        assert_eq!(
            text.system,
            "You answer questions about the product catalog."
        );
    }

    #[test]
    fn invoke_model_with_a_foundation_model_arn_and_one_hour_writes() {
        let parsed = parse_fixture();
        let record = call_at(&parsed, 2);
        assert_eq!(record.model, "claude-3-5-haiku-20241022");
        assert_eq!(record.tokens, buckets(2048, 0, 0, 4096, 310));
        // Haiku 3.5: 2,048 × $0.80/M + 4,096 × $1.60/M (1h write) + 310 × $4/M
        // = 0.0016384 + 0.0065536 + 0.00124 = $0.009432.
        assert_eq!(cost(record), "0.009432");
        assert_eq!(record.response_id.as_deref(), Some("msg_bdrk_01AbCdEfGh"));
        assert_eq!(record.features.tools_defined, 1);
        assert_eq!(record.features.tool_calls, 1);
        assert_eq!(record.features.finish_reason.as_deref(), Some("tool_use"));
        assert_eq!(record.session_id, None);
    }

    #[test]
    fn converse_stream_with_an_inference_profile_arn_cut_at_max_tokens() {
        let parsed = parse_fixture();
        let record = call_at(&parsed, 3);
        assert_eq!(record.model, "claude-haiku-4-5-20251001");
        assert_eq!(record.tokens, buckets(900, 0, 0, 0, 120));
        // Haiku 4.5: 900 × $1/M + 120 × $5/M = 0.0009 + 0.0006 = $0.0015.
        assert_eq!(cost(record), "0.0015");
        assert!(record.features.streamed);
        assert_eq!(record.status, CallStatus::Incomplete);
        assert_eq!(tag(record, "aws_region"), Some("eu-central-1"));
    }

    #[test]
    fn response_stream_chunks_fill_in_missing_counters() {
        let parsed = parse_fixture();
        let record = call_at(&parsed, 4);
        assert_eq!(record.model, "claude-opus-4-5-20251101");
        // No log-level counters: the message_start usage, the growing message_delta output and
        // the invocation metrics supply them.
        assert_eq!(record.tokens, buckets(12, 30_000, 0, 0, 640));
        // Opus 4.5: 12 × $5/M + 30,000 × $0.50/M + 640 × $25/M = 0.00006 + 0.015 + 0.016
        // = $0.03106.
        assert_eq!(cost(record), "0.03106");
        assert_eq!(record.response_id.as_deref(), Some("msg_bdrk_stream01"));
        assert_eq!(record.latency_ms, Some(9100.0));
        assert_eq!(record.time_to_first_token_ms, Some(850.0));
        assert_eq!(record.features.finish_reason.as_deref(), Some("end_turn"));
        assert!(record.features.streamed);
    }

    #[test]
    fn bare_converse_responses_are_calls() {
        // botocore bedrock-runtime ConverseResponse: usage.inputTokens excludes cache reads and
        // writes; cacheDetails split the writes by TTL.
        let bare = br#"{"output":{"message":{"role":"assistant","content":[{"text":"Hi"}]}},"stopReason":"max_tokens","usage":{"inputTokens":30,"outputTokens":4,"totalTokens":1534,"cacheReadInputTokens":1000,"cacheWriteInputTokens":500,"cacheDetails":[{"ttl":"1h","inputTokens":100},{"ttl":"5m","inputTokens":400}]},"metrics":{"latencyMs":412}}"#;
        let value: serde_json::Value = serde_json::from_slice(bare).unwrap();
        assert!(looks_like(&value));
        let LineOutcome::Call(call) = parse_line(bare) else {
            panic!("a call")
        };
        assert_eq!(call.tokens, buckets(30, 1000, 400, 100, 4));
        assert_eq!(call.latency_ms, Some(412.0));
        assert_eq!(call.status, CallStatus::Incomplete);
        // The response does not name its model: loudly unpriced, never $0.
        assert_eq!(call.model, CONVERSE_MODEL_NOT_LOGGED);
        assert!(crate::ingest::test_support::priced(&call).is_none());
        // With the request's modelId beside it, it is priced: Claude Sonnet 4.5 on a `us.`
        // profile, $3 in, $0.30 hits, $3.75 5m writes, $6 1h writes, $15 out:
        // 30 × 3 + 1,000 × 0.30 + 400 × 3.75 + 100 × 6 + 4 × 15 = $0.00255 (global rates; the
        // 10% regional premium is applied with the call's residency, set here).
        let named = format!(
            r#"{{"modelId":"us.anthropic.claude-sonnet-4-5-20250929-v1:0",{}"#,
            &std::str::from_utf8(bare).unwrap()[1..]
        );
        let LineOutcome::Call(call) = parse_line(named.as_bytes()) else {
            panic!("a call")
        };
        assert_eq!(call.model, "claude-sonnet-4-5-20250929");
        assert_eq!(call.residency, Some(crate::record::Residency::BedrockGeo));
        assert_eq!(crate::ingest::test_support::cost(&call), "0.00255");
    }

    #[test]
    fn models_the_catalog_cannot_price_keep_their_names() {
        let parsed = parse_fixture();
        let catalog = PriceCatalog::embedded().unwrap();
        let expected = [(
            5,
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6",
            buckets(300, 0, 0, 0, 80),
        )];
        for (line, model, tokens) in expected {
            let record = call_at(&parsed, line);
            assert_eq!(record.model, model);
            assert_eq!(record.tokens, tokens);
            assert_eq!(record.provider, Provider::Unknown);
            assert!(
                catalog
                    .resolve(&record.model, record.timestamp_ms)
                    .is_none()
            );
        }
        // Amazon's own Nova Pro keeps its Bedrock name and is priced (on-demand, us-east-1:
        // $0.80 in, $0.20 cache hits, $3.20 out): 40 × 0.8 + 2,100 × 0.2 + 55 × 3.2 = $0.000628.
        let nova = call_at(&parsed, 7);
        assert_eq!(nova.model, "amazon.nova-pro-v1:0");
        assert_eq!(nova.provider, Provider::Amazon);
        assert_eq!(nova.tokens, buckets(40, 2100, 0, 0, 55));
        assert_eq!(cost(nova), "0.000628");
    }

    #[test]
    fn llama_on_bedrock_is_priced_at_the_bedrock_price() {
        let parsed = parse_fixture();
        let record = call_at(&parsed, 6);
        assert_eq!(record.model, "meta.llama3-1-70b-instruct-v1:0");
        assert_eq!(record.tokens, buckets(640, 0, 0, 0, 90));
        // Bedrock Llama 3.1 70B Instruct: $0.72/M in and out (data/prices/meta.toml).
        // 640 × $0.72/M + 90 × $0.72/M = $0.0005256.
        assert_eq!(cost(record), "0.0005256");
    }

    #[test]
    fn normalises_bedrock_model_ids() {
        let cases = [
            (
                "anthropic.claude-sonnet-4-5-20250929-v1:0",
                "claude-sonnet-4-5-20250929",
            ),
            (
                "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
                "claude-3-7-sonnet-20250219",
            ),
            (
                "apac.anthropic.claude-3-5-sonnet-20241022-v2:0",
                "claude-3-5-sonnet-20241022",
            ),
            (
                "anthropic.claude-3-sonnet-20240229-v1:0:200k",
                "claude-3-sonnet-20240229",
            ),
            ("anthropic.claude-opus-4-6-v1", "claude-opus-4-6"),
            ("anthropic.claude-v2:1", "claude-v2:1"),
            ("anthropic.claude-instant-v1", "claude-instant-v1"),
            (
                "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0",
                "claude-3-5-sonnet-20240620",
            ),
            (
                "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-1-20250805-v1:0",
                "claude-opus-4-1-20250805",
            ),
            (
                "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123",
                "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123",
            ),
            (
                "us.meta.llama3-2-90b-instruct-v1:0",
                "meta.llama3-2-90b-instruct-v1:0",
            ),
            (
                "mistral.mistral-large-2407-v1:0",
                "mistral.mistral-large-2407-v1:0",
            ),
            ("cohere.command-r-plus-v1:0", "cohere.command-r-plus-v1:0"),
            ("us.deepseek.r1-v1:0", "deepseek.r1-v1:0"),
            ("openai.gpt-oss-120b-1:0", "openai.gpt-oss-120b-1:0"),
            ("arn:aws:bedrock", "arn:aws:bedrock"),
            ("", ""),
        ];
        for (id, expected) in cases {
            assert_eq!(normalize_model_id(id), expected, "{id}");
        }
        assert_eq!(Provider::from_model("deepseek.r1-v1:0"), Provider::DeepSeek);
        assert_eq!(
            Provider::from_model("openai.gpt-oss-120b-1:0"),
            Provider::OpenAi
        );
        assert_eq!(Provider::from_model("claude-opus-4-6"), Provider::Anthropic);
        assert_eq!(
            Provider::from_model("mistral.mistral-large-2407-v1:0"),
            Provider::Unknown
        );
    }

    #[test]
    fn detects_the_fixture_and_the_reference_samples() {
        assert_eq!(
            detect_format(FIXTURE.as_bytes()),
            Some(InputFormat::Bedrock)
        );
        for path in [
            "formats/bedrock_invocation_log.jsonl",
            "billing/bedrock_invocation_log.jsonl",
        ] {
            if let Some(text) = reference(path) {
                assert_eq!(
                    detect_format(text.as_bytes()),
                    Some(InputFormat::Bedrock),
                    "{path}"
                );
                for parsed in parse_text(InputFormat::Bedrock, &text) {
                    assert!(matches!(parsed.outcome, LineOutcome::Call(_)), "{path}");
                }
            }
        }
    }

    #[test]
    fn claims_no_other_reference_sample() {
        for (name, text) in reference_samples() {
            if name.starts_with("bedrock") || !name.ends_with(".jsonl") {
                continue;
            }
            for line in text.lines() {
                if let Ok(value) = serde_json::from_str::<serde_json::Value>(line) {
                    assert!(!looks_like(&value), "{name}: {line}");
                }
            }
        }
    }

    #[test]
    fn malformed_records_are_errors_not_panics() {
        assert_each_is_error(
            InputFormat::Bedrock,
            &[
                b"{\"schemaType\":\"ModelInvocationLog\",\"modelId\":\"anthropic.cla",
                b"{\"schemaType\":\"ModelInvocationLog\",\"operation\":\"Converse\"}",
                b"{\"schemaType\":\"SomethingElse\",\"modelId\":\"x\"}",
                b"{\"schemaType\":\"ModelInvocationLog\",\"modelId\":\"m\",\"input\":{\"inputTokenCount\":\"many\"}}",
                b"{\"schemaType\":\"ModelInvocationLog\",\"modelId\":\"m\",\"input\":{\"inputTokenCount\":-3}}",
                b"[1,2,3]",
            ],
        );
        // A record without counters and without an error is a response without usage.
        let outcome = parse_line(br#"{"schemaType":"ModelInvocationLog","modelId":"amazon.titan-embed-text-v2:0","operation":"InvokeModel"}"#);
        assert!(matches!(outcome, LineOutcome::Skip(SkipReason::NoUsage)));
        // A body that is not what it should be is ignored; the counters still make the call.
        let outcome = parse_line(br#"{"schemaType":"ModelInvocationLog","modelId":"anthropic.claude-3-haiku-20240307-v1:0","operation":"InvokeModel","input":{"inputTokenCount":10,"inputBodyJson":"oops"},"output":{"outputTokenCount":2,"outputBodyJson":[1,{"usage":7}]}}"#);
        let LineOutcome::Call(record) = outcome else {
            panic!("expected a call: {outcome:?}");
        };
        assert_eq!(record.tokens, buckets(10, 0, 0, 0, 2));
        assert_eq!(record.model, "claude-3-haiku-20240307");
    }
}
