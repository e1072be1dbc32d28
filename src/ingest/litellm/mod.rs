//! LiteLLM: the proxy's spend logs (the `LiteLLM_SpendLogs` table, exported as JSON Lines or
//! CSV) and the StandardLoggingPayload its logging callbacks write (S3, GCS, generic API…).
//!
//! Both carry LiteLLM's OpenAI-shaped usage (see [`usage`] for the cache conventions), the cost
//! LiteLLM computed (`spend` / `response_cost`), the routing (`model`, `model_group`,
//! `custom_llm_provider`, `api_base`) and the proxy's identities (key alias, team, user, end
//! user, request tags). A `cache_hit` record is an answer from LiteLLM's own response cache: the
//! provider was not called, so it is skipped as [`SkipReason::GatewayCacheHit`].
//!
//! Sources: `schema.prisma` (`model LiteLLM_SpendLogs`), `litellm/proxy/_types.py`
//! (`SpendLogsMetadata`, `SpendLogsPayload`), `litellm/proxy/spend_tracking/spend_tracking_utils.py`
//! (`get_logging_payload`), `litellm/types/utils.py` (`StandardLoggingPayload`,
//! `StandardLoggingMetadata`, `StandardLoggingHiddenParams`), all in BerriAI/litellm.

mod payload;
mod spend_log;
mod usage;

#[cfg(test)]
mod tests;

use crate::ingest::values::Text;
use std::borrow::Cow;

use serde_json::value::RawValue;

use crate::ingest::bedrock;
use crate::ingest::content::{PromptSummary, Role};
use crate::ingest::values::{elapsed_ms, unix_to_ms};
use crate::ingest::wire::{add_string_tags, array_len};
use crate::ingest::{CsvFormat, Format, LineOutcome, OneEach, SkipReason};
use crate::pricing::name_residency;
use crate::record::{CallRecord, CallStatus, FailureCause, Provider, Residency};

/// The spend logs' facts, for the registry: JSON Lines or CSV, every record alone.
pub(crate) const SPEND_LOG_FORMAT: Format = Format {
    name: "litellm",
    json: Some(spend_log::looks_like),
    csv: Some(CsvFormat {
        looks_like: spend_log::looks_like_header,
        row: spend_log::parse_row,
    }),
    parser: |_| Box::new(OneEach(spend_log::parse_line)),
    ..Format::NEW
};

/// The StandardLoggingPayload's facts, for the registry: every record stands alone.
pub(crate) const PAYLOAD_FORMAT: Format = Format {
    name: "litellm-payload",
    json: Some(payload::looks_like),
    parser: |_| Box::new(OneEach(payload::parse_line)),
    ..Format::NEW
};

/// JSON that LiteLLM may store either as a nested value or as a string holding JSON text (the
/// spend-log payload serialises `metadata`, `request_tags`, `response` with `json.dumps`; a CSV
/// cell is always text). Returns the JSON text, or `None` for null and empty strings.
fn json_text(raw: &RawValue) -> Option<Cow<'_, str>> {
    let text = raw.get().trim();
    if text == "null" {
        return None;
    }
    if text.starts_with('"') {
        let inner: String = serde_json::from_str(text).ok()?;
        return (!inner.trim().is_empty()).then_some(Cow::Owned(inner));
    }
    Some(Cow::Borrowed(text))
}

/// Whether JSON text is an object with at least one member.
fn is_nonempty_object(text: &str) -> bool {
    let text = text.trim();
    text.starts_with('{') && text.trim_start_matches('{').trim() != "}"
}

/// A timestamp as LiteLLM's exports write it: RFC 3339, ISO 8601 without a zone (Python's
/// `isoformat()` of a UTC datetime), PostgreSQL's `2025-10-02 14:03:11.482` or
/// `…+00` text, or Unix seconds. Zone-less times are UTC (LiteLLM stores UTC). Milliseconds.
fn parse_time_text(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(stamp) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(stamp.timestamp_millis());
    }
    let iso = text.replacen(' ', "T", 1);
    if let Ok(stamp) = chrono::DateTime::parse_from_rfc3339(&iso) {
        return Some(stamp.timestamp_millis());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M:%S%#z"] {
        if let Ok(stamp) = chrono::DateTime::parse_from_str(&iso, format) {
            return Some(stamp.timestamp_millis());
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(&iso, format) {
            return Some(naive.and_utc().timestamp_millis());
        }
    }
    text.parse::<f64>().ok().and_then(unix_to_ms)
}

/// A timestamp from a JSON value: text in any of [`parse_time_text`]'s spellings, or a number
/// of Unix seconds (the StandardLoggingPayload's `startTime`) or milliseconds.
fn raw_time(raw: &RawValue) -> Option<i64> {
    let text = raw.get().trim();
    if text.starts_with('"') {
        let inner: Cow<'_, str> = serde_json::from_str(text).ok()?;
        return parse_time_text(&inner);
    }
    text.parse::<f64>().ok().and_then(unix_to_ms)
}

/// A yes/no flag as LiteLLM and PostgreSQL spell it (`"True"`, `true`, `t`, `1`…). `None` when
/// absent or unreadable.
fn parse_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "1" | "yes" => Some(true),
        "false" | "f" | "0" | "no" | "none" | "null" => Some(false),
        _ => None,
    }
}

/// [`parse_flag`] for a JSON value (a bool, a string or a number).
fn raw_flag(raw: &RawValue) -> Option<bool> {
    let text = raw.get().trim();
    match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(inner) => parse_flag(inner),
        None => parse_flag(text),
    }
}

/// Request tags: a JSON list (possibly as JSON text) or a PostgreSQL array literal
/// (`{prod,"team a"}`) from an older `String[]` column.
fn parse_tags(text: &str) -> Vec<String> {
    let text = text.trim();
    if text.starts_with('[') {
        let values: Vec<serde_json::Value> = serde_json::from_str(text).unwrap_or_default();
        return values
            .into_iter()
            .filter_map(|v| match v {
                serde_json::Value::String(s) => Some(s),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .filter(|s| !s.is_empty())
            .collect();
    }
    if text.starts_with('"') {
        return serde_json::from_str::<String>(text)
            .map(|inner| parse_tags(&inner))
            .unwrap_or_default();
    }
    if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        return inner
            .split(',')
            .map(|tag| tag.trim().trim_matches('"').to_string())
            .filter(|tag| !tag.is_empty() && tag != "NULL")
            .collect();
    }
    Vec::new()
}

/// LiteLLM provider routes that may prefix a model name (`bedrock/…`, `azure/…`,
/// `vertex_ai/…`) and that the price catalog does not strip itself.
const ROUTE_PREFIXES: [&str; 22] = [
    "bedrock",
    "converse",
    "invoke",
    "azure",
    "azure_ai",
    "azure_text",
    "vertex_ai",
    "vertex_ai_beta",
    "openrouter",
    "litellm_proxy",
    "text-completion-openai",
    "openai_like",
    "custom_openai",
    "hosted_vllm",
    "groq",
    "together_ai",
    "fireworks_ai",
    "databricks",
    "sagemaker",
    "mistral",
    "xai",
    "ollama",
];

/// The model name a LiteLLM record means, in the spelling the price catalog resolves: gateway
/// route prefixes stripped (`bedrock/converse/us.anthropic.claude-…` → the Bedrock id, itself
/// normalised like Bedrock's own logs), Vertex's `@date` snapshot suffix turned into `-date`.
/// The `openai/`, `anthropic/`, `gemini/` prefixes are left to the catalog.
fn normalize_model(name: &str) -> String {
    let mut rest = name.trim();
    while let Some((route, tail)) = rest.split_once('/') {
        if ROUTE_PREFIXES.contains(&route.to_ascii_lowercase().as_str()) && !tail.is_empty() {
            rest = tail;
        } else {
            break;
        }
    }
    if let Some((base, date)) = rest.rsplit_once('@')
        && date.len() == 8
        && date.bytes().all(|b| b.is_ascii_digit())
    {
        return format!("{base}-{date}");
    }
    if looks_like_bedrock_id(rest) {
        return bedrock::normalize_model_id(rest);
    }
    rest.to_string()
}

/// Whether a name is a Bedrock model id or ARN (`anthropic.claude-…`, `us.meta.llama…`).
fn looks_like_bedrock_id(name: &str) -> bool {
    if name.starts_with("arn:aws") {
        return true;
    }
    const MAKERS: [&str; 11] = [
        "anthropic",
        "amazon",
        "meta",
        "mistral",
        "cohere",
        "ai21",
        "deepseek",
        "openai",
        "qwen",
        "writer",
        "stability",
    ];
    let mut parts = name.split('.');
    let first = parts.next().unwrap_or_default();
    let maker = if ["us", "eu", "apac", "jp", "au", "ca", "global", "us-gov"].contains(&first) {
        parts.next().unwrap_or_default()
    } else {
        first
    };
    MAKERS.contains(&maker) && name.len() > maker.len() + 1
}

/// The provider that served a call: the model's maker when the name says it (a Claude model on
/// Bedrock or Vertex is Anthropic's), else LiteLLM's `custom_llm_provider`.
fn provider_of(model: &str, custom_llm_provider: Option<&str>) -> Provider {
    match Provider::from_model(model) {
        Provider::Unknown => custom_llm_provider.map_or(Provider::Unknown, Provider::from_name),
        maker => maker,
    }
}

/// LiteLLM call types that are not model calls (file and batch management, MCP tools, vector
/// stores, search tools). Batch *retrieval* rows do carry a batch's usage and are kept.
fn is_not_a_model_call(call_type: &str) -> bool {
    let lower = call_type.to_ascii_lowercase();
    lower.contains("file")
        || lower.contains("mcp")
        || lower.contains("vector_store")
        || lower.contains("search")
        || lower.contains("health")
        || lower.contains("guardrail")
        || lower.contains("cancel")
        || lower.contains("list_")
        || lower.contains("create_batch")
}

/// Whether an id is LiteLLM's own call id (a bare UUID) rather than a response id.
fn is_bare_uuid(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(at, b)| match at {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Adds a tag when the value is present and not empty.
fn push_tag(tags: &mut Vec<(String, String)>, key: &str, value: Option<&str>) {
    if let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) {
        tags.push((key.to_string(), value.to_string()));
    }
}

/// Adds the string members of a JSON object (given as JSON or JSON text) as tags.
fn push_object_tags(tags: &mut Vec<(String, String)>, raw: Option<&RawValue>) {
    let Some(text) = raw.and_then(json_text) else {
        return;
    };
    if let Ok(object) = serde_json::from_str::<&RawValue>(&text) {
        add_string_tags(object, tags);
    }
}

/// The parts of an OpenAI-shaped response that LiteLLM logs (`response` of both formats).
#[derive(Default)]
struct ResponseFacts {
    pub id: Option<String>,
    pub model: Option<String>,
    pub service_tier: Option<String>,
    pub finish_reason: Option<String>,
    pub tool_calls: u32,
    /// The response's `usage`, as JSON text.
    pub usage: Option<String>,
}

impl ResponseFacts {
    /// Reads an OpenAI chat completion (or Responses API object) held as JSON text. Anything
    /// else (an error string, `{}`) gives empty facts.
    fn parse(text: Option<&str>) -> ResponseFacts {
        #[derive(serde::Deserialize)]
        #[serde(bound(deserialize = "'de: 'a"))]
        struct Message<'a> {
            tool_calls: Option<Vec<&'a RawValue>>,
        }
        #[derive(serde::Deserialize)]
        #[serde(bound(deserialize = "'de: 'a"))]
        struct Choice<'a> {
            finish_reason: Option<Text<'a>>,
            message: Option<Message<'a>>,
        }
        #[derive(serde::Deserialize)]
        #[serde(bound(deserialize = "'de: 'a"))]
        struct Response<'a> {
            id: Option<Text<'a>>,
            model: Option<Text<'a>>,
            service_tier: Option<Text<'a>>,
            choices: Option<Vec<Choice<'a>>>,
            /// An Anthropic Messages response (the `/v1/messages` pass-through).
            stop_reason: Option<Text<'a>>,
            usage: Option<&'a RawValue>,
        }
        let Some(text) = text.filter(|t| is_nonempty_object(t)) else {
            return ResponseFacts::default();
        };
        let Ok(response) = serde_json::from_str::<Response<'_>>(text) else {
            return ResponseFacts::default();
        };
        let choices = response.choices.unwrap_or_default();
        ResponseFacts {
            id: response.id.map(Text::into_owned),
            model: response.model.map(Text::into_owned),
            service_tier: response.service_tier.map(Text::into_owned),
            finish_reason: choices
                .first()
                .and_then(|c| c.finish_reason.as_deref())
                .or(response.stop_reason.as_deref())
                .map(str::to_string),
            tool_calls: choices
                .iter()
                .filter_map(|c| c.message.as_ref()?.tool_calls.as_ref())
                .map(|calls| calls.len() as u32)
                .sum(),
            usage: response.usage.map(|u| u.get().to_string()),
        }
    }
}

/// An OpenAI-style request body (LiteLLM's `messages`, `model_parameters`, the proxy request):
/// what classification and the feature flags need.
#[derive(Default)]
struct RequestFacts {
    pub prompt: PromptSummary,
    pub tools_defined: u32,
    pub json_schema: bool,
    pub stream: Option<bool>,
}

impl RequestFacts {
    /// Adds a message list (or a bare prompt string, for text completions).
    fn add_messages(&mut self, raw: Option<&RawValue>) {
        #[derive(serde::Deserialize)]
        #[serde(bound(deserialize = "'de: 'a"))]
        struct Message<'a> {
            #[serde(default)]
            role: Text<'a>,
            content: Option<&'a RawValue>,
        }
        let Some(raw) = raw else {
            return;
        };
        let text = raw.get().trim_start();
        if text.starts_with('"') {
            if let Some(inner) = json_text(raw)
                && inner.trim_start().starts_with('[')
            {
                if let Ok(list) = serde_json::from_str::<&RawValue>(&inner) {
                    self.add_messages(Some(list));
                }
                return;
            }
            self.prompt.add_message(Role::User, Some(raw));
        } else if text.starts_with('[')
            && let Ok(messages) = serde_json::from_str::<Vec<Message<'_>>>(raw.get())
        {
            for message in messages {
                self.prompt
                    .add_message(Role::from_name(&message.role), message.content);
            }
        }
    }

    /// Adds request parameters: `tools`, `response_format`, `stream`.
    fn add_parameters(&mut self, raw: Option<&RawValue>) {
        #[derive(serde::Deserialize)]
        #[serde(bound(deserialize = "'de: 'a"))]
        struct Format<'a> {
            #[serde(rename = "type", default)]
            kind: Text<'a>,
        }
        #[derive(serde::Deserialize)]
        #[serde(bound(deserialize = "'de: 'a"))]
        struct Parameters<'a> {
            tools: Option<&'a RawValue>,
            response_format: Option<Format<'a>>,
            stream: Option<&'a RawValue>,
            messages: Option<&'a RawValue>,
        }
        let Some(text) = raw.and_then(json_text) else {
            return;
        };
        let Ok(parameters) = serde_json::from_str::<Parameters<'_>>(&text) else {
            return;
        };
        if let Some(tools) = parameters.tools {
            self.tools_defined = self.tools_defined.max(array_len(Some(tools.get())));
            self.prompt.add_tool_definitions(tools.get());
        }
        if let Some(format) = &parameters.response_format {
            self.json_schema |= format.kind == "json_schema" || format.kind == "json_object";
        }
        if let Some(stream) = parameters.stream.and_then(raw_flag) {
            self.stream = Some(stream);
        }
        if self.prompt.messages == 0 {
            self.add_messages(parameters.messages);
        }
    }

    /// Copies the request facts into a call.
    fn apply(self, record: &mut CallRecord) {
        record.features.message_count = self.prompt.messages;
        record.features.images = self.prompt.images;
        record.features.tool_results = self.prompt.tool_results;
        record.features.tools_defined = self.tools_defined;
        record.features.json_schema = self.json_schema;
        record.features.streamed |= self.stream.unwrap_or(false);
        record.text = self.prompt.text();
        record.prefix = self.prompt.prefix();
        record.features.redacted |= self.prompt.redacted;
    }
}

/// Why a failed call failed, from the error class and code of the `error_information` LiteLLM
/// logged (the metadata's, then the record's own); LiteLLM's error message is never read.
fn failure_of(errors: [Option<&ErrorInformation<'_>>; 2]) -> FailureCause {
    let texts: Vec<&str> = errors
        .into_iter()
        .flatten()
        .flat_map(|error| [error.error_class.get(), error.error_code.get()])
        .flatten()
        .collect();
    FailureCause::derive(None, &texts)
}

/// How a finish reason bears on the call's status.
fn status_of(failed: bool, finish_reason: Option<&str>) -> CallStatus {
    if failed {
        CallStatus::Error
    } else if matches!(
        finish_reason,
        Some("length" | "content_filter" | "max_tokens")
    ) {
        CallStatus::Incomplete
    } else {
        CallStatus::Ok
    }
}

/// A scalar LiteLLM usually writes as a string but sometimes as a number or a bool. Null,
/// empty strings, objects and lists read as absent, so one odd value never fails a record.
/// A record struct holding them says `#[serde(default)]` once, so that a missing member reads
/// as absent too.
#[derive(Default)]
struct Scalar<'a>(Option<Cow<'a, str>>);

impl<'a> Scalar<'a> {
    /// The text, if any.
    fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// The text, if any, keeping its borrow.
    fn into_inner(self) -> Option<Cow<'a, str>> {
        self.0
    }
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw: &'de RawValue = serde::Deserialize::deserialize(deserializer)?;
        Ok(Scalar(scalar_text(raw)))
    }
}

/// The text of a JSON scalar (a string's contents, a number or bool as written).
fn scalar_text(raw: &RawValue) -> Option<Cow<'_, str>> {
    let text = raw.get().trim();
    let value = if text.starts_with('"') {
        serde_json::from_str::<&str>(text)
            .map(Cow::Borrowed)
            .or_else(|_| serde_json::from_str::<String>(text).map(Cow::Owned))
            .ok()?
    } else if text.starts_with(['{', '[']) || text == "null" {
        return None;
    } else {
        Cow::Borrowed(text)
    };
    (!value.trim().is_empty()).then_some(value)
}

/// A number from a JSON number or numeric string; non-finite values are refused.
fn number_of(raw: &RawValue) -> Option<f64> {
    scalar_text(raw)?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// `error_information` of either format.
#[derive(serde::Deserialize, Default)]
#[serde(default, bound(deserialize = "'de: 'a"))]
struct ErrorInformation<'a> {
    pub error_class: Scalar<'a>,
    pub error_code: Scalar<'a>,
}

/// `model_map_information`: the key LiteLLM priced the call under.
#[derive(serde::Deserialize, Default)]
#[serde(default, bound(deserialize = "'de: 'a"))]
struct ModelMap<'a> {
    pub model_map_key: Scalar<'a>,
}

/// The members of LiteLLM's `metadata` both formats use (`SpendLogsMetadata`,
/// `StandardLoggingMetadata`).
#[derive(serde::Deserialize, Default)]
#[serde(default, bound(deserialize = "'de: 'a"))]
struct Metadata<'a> {
    pub usage_object: Option<&'a RawValue>,
    pub additional_usage_values: Option<&'a RawValue>,
    pub user_api_key_alias: Scalar<'a>,
    pub user_api_key_team_id: Scalar<'a>,
    pub user_api_key_team_alias: Scalar<'a>,
    pub user_api_key_user_id: Scalar<'a>,
    pub user_api_key_org_id: Scalar<'a>,
    pub user_api_key_end_user_id: Scalar<'a>,
    pub status: Scalar<'a>,
    pub spend_logs_metadata: Option<&'a RawValue>,
    pub requester_metadata: Option<&'a RawValue>,
    pub error_information: Option<ErrorInformation<'a>>,
    pub model_map_information: Option<ModelMap<'a>>,
    pub attempted_retries: Scalar<'a>,
    pub max_retries: Scalar<'a>,
    pub session_id: Scalar<'a>,
    pub litellm_session_id: Scalar<'a>,
}

impl<'a> Metadata<'a> {
    /// Reads metadata held as JSON or JSON text; an empty cell or `{}` is empty metadata.
    fn parse(text: Option<&'a str>) -> Result<Metadata<'a>, String> {
        match text.filter(|t| !t.trim().is_empty()) {
            Some(text) => serde_json::from_str(text)
                .map_err(|err| format!("LiteLLM metadata is not a JSON object: {err}")),
            None => Ok(Metadata::default()),
        }
    }

    /// Adds the usage objects this metadata holds, best first.
    fn add_usage(&self, parts: &mut usage::UsageParts) {
        for raw in [self.usage_object, self.additional_usage_values]
            .into_iter()
            .flatten()
        {
            if let Some(usage) = json_text(raw).and_then(|text| usage::Usage::parse(&text)) {
                parts.add(&usage);
            }
        }
    }

    /// Adds the proxy identities and the caller's own metadata as tags.
    fn add_tags(&self, tags: &mut Vec<(String, String)>) {
        push_tag(tags, "key_alias", self.user_api_key_alias.get());
        push_tag(tags, "team_alias", self.user_api_key_team_alias.get());
        push_object_tags(tags, self.spend_logs_metadata);
        push_object_tags(tags, self.requester_metadata);
        if let Some(error) = &self.error_information {
            push_tag(tags, "error_class", error.error_class.get());
            push_tag(tags, "error_code", error.error_code.get());
        }
    }
}

/// What a LiteLLM record that parsed fine is when it is no billable call (`failure`: why it
/// failed, if it did).
fn no_call(
    call_type: Option<&str>,
    cache_hit: bool,
    failure: Option<FailureCause>,
    usage: &usage::UsageParts,
    cost: Option<f64>,
) -> Option<LineOutcome> {
    if cache_hit {
        return Some(LineOutcome::Skip(SkipReason::GatewayCacheHit));
    }
    if call_type.is_some_and(is_not_a_model_call) {
        return Some(LineOutcome::Skip(SkipReason::NotAModelCall));
    }
    let has_usage = usage.buckets().total() > 0 || cost.is_some_and(|c| c > 0.0);
    (!has_usage).then(|| LineOutcome::without_usage(failure))
}

/// Latency, time to first token and whether a first-token time shows a streamed response,
/// from LiteLLM's start, end and completion-start times. LiteLLM sets the completion start to
/// the end time when no stream chunk marked it, so only an earlier one is a real first token.
fn timing(
    start_ms: Option<i64>,
    end_ms: Option<i64>,
    first_token_ms: Option<i64>,
    duration_ms: Option<f64>,
) -> (Option<f64>, Option<f64>, bool) {
    let latency = duration_ms
        .filter(|d| *d >= 0.0)
        .or_else(|| elapsed_ms(start_ms?, end_ms?));
    match (start_ms, first_token_ms, end_ms) {
        (Some(start), Some(first), Some(end)) if start <= first && first < end => {
            (latency, Some((first - start) as f64), true)
        }
        _ => (latency, None, false),
    }
}

/// The model a LiteLLM record names: the first of its names, normalised.
struct PickedModel<'m> {
    /// The name as logged.
    raw: &'m str,
    /// The name the catalog is asked for.
    name: String,
    /// Where the request ran, as any of the names says (the provider's response echoes a bare
    /// name where LiteLLM's route says `bedrock/us.anthropic.…`).
    residency: Option<Residency>,
}

/// Picks the first named model and normalises it.
fn pick_model<'m>(candidates: &[Option<&'m str>]) -> Option<PickedModel<'m>> {
    let names = || candidates.iter().flatten().map(|name| name.trim());
    let raw = names().find(|name| !name.is_empty())?;
    Some(PickedModel {
        raw,
        name: normalize_model(raw),
        residency: names().find_map(name_residency),
    })
}
