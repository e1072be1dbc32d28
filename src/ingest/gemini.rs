//! Google Gemini `generateContent` / `streamGenerateContent` responses (Gemini API and Vertex
//! AI): bare response objects one per line, `{request, response}` pairs as body-pair loggers
//! write them (the `response` may also be the array of chunks of one streamed call), and the
//! chunks of a streamed response one per line or as a JSON array document.
//!
//! Token convention (`usageMetadata`, Gemini API reference "UsageMetadata"):
//! - `promptTokenCount` INCLUDES `cachedContentTokenCount` ("when cached_content is set, this is
//!   still the total effective prompt size meaning this includes the number of tokens in the
//!   cached content").
//! - `candidatesTokenCount` EXCLUDES `thoughtsTokenCount`; thinking is billed as output, so
//!   output = candidates + thoughts and reasoning = thoughts.
//! - `toolUsePromptTokenCount` (results of built-in tools such as Google Search or code
//!   execution fed back to the model) is OUTSIDE `promptTokenCount` and billed as input:
//!   `totalTokenCount` = prompt + candidates + thoughts + toolUsePrompt (a real gemini-2.5-flash
//!   response with code execution and search: 22 + 212 + 114 + 303 = 651), and
//!   pydantic/genai-prices `prices/providers/google.yml` maps it to input tokens.
//!
//! A streamed response repeats its usage in every chunk, growing: only the last chunk of a
//! response is a call, earlier chunks with usage are [`SkipReason::StreamChunkSuperseded`] and
//! chunks without usage [`SkipReason::StreamChunkWithoutUsage`]. Chunks belong to one response
//! when they share a `responseId`; chunks without one continue the previous response while it
//! has no finish reason yet and its prompt count is the same. Files are read in order by one
//! parser, so the last chunk seen is held until a different response starts or the file ends.
//! Long-context tiers (prompts above 200k tokens) are applied by the pricing layer.
//!
//! Enums (`finishReason`, `blockReason`, `trafficType`) come as names from the REST API and as
//! numbers from proto-plus `to_dict`/`to_json` (the `vertexai` SDK before 1.49, any raw proto
//! message); both are read, numbers by the Vertex AI protos (`google/cloud/aiplatform/v1/
//! content.proto`, `prediction_service.proto`), whose 1-5 agree with the Gemini API's.

use crate::ingest::values::Text;
use std::borrow::Cow;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

use crate::ingest::content::{PromptSummary, Role};
use crate::ingest::usage::gemini_style;
use crate::ingest::values::parse_timestamp;
use crate::ingest::wire::{Envelope, failure_of, is_present};
use crate::ingest::{LineOutcome, LineParser, Parsed, SkipReason, json_error};
use crate::record::{CallRecord, CallStatus, Provider, TokenBuckets};

use crate::ingest::{Format, Lines};

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format {
    name: "gemini",
    lines: Lines::InOrder,
    json: Some(looks_like),
    parser: |_| parser(),
    ..Format::NEW
};

/// `usageMetadata`, in the REST spelling (camelCase) or the Python SDK's (snake_case).
#[derive(Deserialize, Default, Clone)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct Usage<'a> {
    #[serde(alias = "prompt_token_count")]
    prompt_token_count: Option<u64>,
    #[serde(alias = "cached_content_token_count")]
    cached_content_token_count: Option<u64>,
    #[serde(alias = "candidates_token_count")]
    candidates_token_count: Option<u64>,
    #[serde(alias = "thoughts_token_count")]
    thoughts_token_count: Option<u64>,
    #[serde(alias = "tool_use_prompt_token_count")]
    tool_use_prompt_token_count: Option<u64>,
    /// Vertex AI's `ON_DEMAND`, `ON_DEMAND_PRIORITY`, `ON_DEMAND_FLEX` or
    /// `PROVISIONED_THROUGHPUT`: the service tier the call was billed at ([`service_tier`];
    /// provisioned throughput is not billed per token, and stays a tier of its own).
    #[serde(
        alias = "traffic_type",
        borrow,
        default,
        deserialize_with = "traffic_type"
    )]
    traffic_type: Option<Text<'a>>,
}

/// Vertex AI `Candidate.FinishReason`, by number.
const FINISH_REASONS: [&str; 11] = [
    "FINISH_REASON_UNSPECIFIED",
    "STOP",
    "MAX_TOKENS",
    "SAFETY",
    "RECITATION",
    "OTHER",
    "BLOCKLIST",
    "PROHIBITED_CONTENT",
    "SPII",
    "MALFORMED_FUNCTION_CALL",
    "MODEL_ARMOR",
];

/// Vertex AI `PromptFeedback.BlockedReason`, by number.
const BLOCKED_REASONS: [&str; 7] = [
    "BLOCKED_REASON_UNSPECIFIED",
    "SAFETY",
    "OTHER",
    "BLOCKLIST",
    "PROHIBITED_CONTENT",
    "MODEL_ARMOR",
    "JAILBREAK",
];

/// Vertex AI `UsageMetadata.TrafficType`, by number.
const TRAFFIC_TYPES: [&str; 5] = [
    "TRAFFIC_TYPE_UNSPECIFIED",
    "ON_DEMAND",
    "PROVISIONED_THROUGHPUT",
    "ON_DEMAND_PRIORITY",
    "ON_DEMAND_FLEX",
];

/// Reads a proto enum written as its name or its number (named by `names`; a number past the
/// list is kept as its digits).
fn proto_enum<'de, D: serde::Deserializer<'de>>(
    names: &'static [&'static str],
    deserializer: D,
) -> Result<Option<Text<'de>>, D::Error> {
    struct Visitor(&'static [&'static str]);
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Option<Text<'de>>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an enum name or number")
        }
        fn visit_borrowed_str<E>(self, name: &'de str) -> Result<Self::Value, E> {
            Ok(Some(Text(Cow::Borrowed(name))))
        }
        fn visit_str<E>(self, name: &str) -> Result<Self::Value, E> {
            Ok(Some(Text(Cow::Owned(name.to_string()))))
        }
        fn visit_u64<E>(self, number: u64) -> Result<Self::Value, E> {
            Ok(Some(Text(match self.0.get(number as usize) {
                Some(name) => Cow::Borrowed(name),
                None => Cow::Owned(number.to_string()),
            })))
        }
        fn visit_i64<E>(self, number: i64) -> Result<Self::Value, E> {
            Ok(Some(Text(Cow::Owned(number.to_string()))))
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    deserializer.deserialize_option(Visitor(names))
}

fn finish_reason<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Text<'de>>, D::Error> {
    proto_enum(&FINISH_REASONS, d)
}

fn block_reason<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Text<'de>>, D::Error> {
    proto_enum(&BLOCKED_REASONS, d)
}

fn traffic_type<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Text<'de>>, D::Error> {
    proto_enum(&TRAFFIC_TYPES, d)
}

/// The service tier a Vertex AI traffic type bills: pay-as-you-go priority and flex are those
/// tiers; on-demand (standard) and provisioned throughput keep their names.
fn service_tier(traffic_type: &str) -> Option<String> {
    Some(match traffic_type {
        "ON_DEMAND_PRIORITY" => "priority".to_string(),
        "ON_DEMAND_FLEX" => "flex".to_string(),
        other => other.to_string(),
    })
}

impl Usage<'_> {
    /// Exclusive buckets: cached tokens come out of the prompt, tool-use prompt tokens are added
    /// to the uncached input, thoughts are added to the candidates as output.
    fn buckets(&self) -> TokenBuckets {
        gemini_style(
            self.prompt_token_count.unwrap_or(0),
            self.cached_content_token_count.unwrap_or(0),
            self.candidates_token_count.unwrap_or(0),
            self.thoughts_token_count.unwrap_or(0),
            self.tool_use_prompt_token_count.unwrap_or(0),
        )
    }
}

/// One part of a response candidate; only function calls matter here.
#[derive(Deserialize)]
struct OutPart {
    #[serde(rename = "functionCall", alias = "function_call")]
    function_call: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct OutContent {
    parts: Option<Vec<OutPart>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Candidate<'a> {
    #[serde(
        rename = "finishReason",
        alias = "finish_reason",
        borrow,
        default,
        deserialize_with = "finish_reason"
    )]
    finish_reason: Option<Text<'a>>,
    content: Option<OutContent>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct PromptFeedback<'a> {
    #[serde(
        rename = "blockReason",
        alias = "block_reason",
        borrow,
        default,
        deserialize_with = "block_reason"
    )]
    block_reason: Option<Text<'a>>,
}

/// A `GenerateContentResponse` (or one chunk of a streamed one).
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct Response<'a> {
    #[serde(default)]
    candidates: Option<Vec<Candidate<'a>>>,
    #[serde(alias = "usage_metadata")]
    usage_metadata: Option<Usage<'a>>,
    #[serde(alias = "model_version")]
    model_version: Option<Text<'a>>,
    #[serde(alias = "response_id")]
    response_id: Option<Text<'a>>,
    #[serde(alias = "create_time")]
    create_time: Option<&'a RawValue>,
    #[serde(alias = "prompt_feedback")]
    prompt_feedback: Option<PromptFeedback<'a>>,
    error: Option<&'a RawValue>,
}

impl Response<'_> {
    /// Whether the object has any member of a Gemini response.
    fn is_gemini(&self) -> bool {
        self.candidates.is_some()
            || self.usage_metadata.is_some()
            || self.model_version.is_some()
            || self.response_id.is_some()
            || self.prompt_feedback.is_some()
    }

    fn finish_reason(&self) -> Option<&str> {
        self.candidates
            .iter()
            .flatten()
            .find_map(|c| c.finish_reason.as_deref())
    }

    fn tool_calls(&self) -> u32 {
        self.candidates
            .iter()
            .flatten()
            .filter_map(|c| c.content.as_ref()?.parts.as_ref())
            .flatten()
            .filter(|p| p.function_call.is_some())
            .count() as u32
    }
}

/// Members a logger may put beside the request/response pair that [`Envelope`] does not read.
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Extras<'a> {
    model: Option<Text<'a>>,
    method: Option<Text<'a>>,
    url: Option<Text<'a>>,
    stream: Option<bool>,
    error: Option<&'a RawValue>,
    status_code: Option<u16>,
}

impl Extras<'_> {
    /// Whether the logger says the call was streamed (`streamGenerateContent`,
    /// `generateContentStream`, `stream: true`).
    fn streamed(&self) -> bool {
        self.stream == Some(true)
            || [&self.method, &self.url]
                .into_iter()
                .flatten()
                .any(|text| text.to_ascii_lowercase().contains("stream"))
    }
}

#[derive(Deserialize)]
struct ReqPart {
    #[serde(rename = "inlineData", alias = "inline_data")]
    inline_data: Option<IgnoredAny>,
    #[serde(rename = "fileData", alias = "file_data")]
    file_data: Option<IgnoredAny>,
    #[serde(rename = "functionResponse", alias = "function_response")]
    function_response: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ReqContent<'a> {
    role: Option<Text<'a>>,
    parts: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Tool {
    #[serde(rename = "functionDeclarations", alias = "function_declarations")]
    function_declarations: Option<Vec<IgnoredAny>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct GenerationConfig<'a> {
    #[serde(rename = "responseMimeType", alias = "response_mime_type")]
    response_mime_type: Option<Text<'a>>,
    #[serde(rename = "responseSchema", alias = "response_schema")]
    response_schema: Option<&'a RawValue>,
    #[serde(rename = "responseJsonSchema", alias = "response_json_schema")]
    response_json_schema: Option<&'a RawValue>,
}

/// A `GenerateContentRequest` body.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Request<'a> {
    model: Option<Text<'a>>,
    contents: Option<&'a RawValue>,
    #[serde(rename = "systemInstruction", alias = "system_instruction")]
    system_instruction: Option<&'a RawValue>,
    tools: Option<&'a RawValue>,
    #[serde(
        rename = "generationConfig",
        alias = "generation_config",
        alias = "config",
        borrow
    )]
    generation_config: Option<GenerationConfig<'a>>,
    labels: Option<&'a RawValue>,
}

/// The response of the call currently being read, chunk by chunk.
#[derive(Default)]
struct Group {
    /// Whether any chunk has been read since the last flush.
    open: bool,
    response_id: Option<String>,
    /// Prompt count of the last chunk with usage, to tell id-less responses apart.
    prompt_tokens: Option<u64>,
    finish_reason: Option<String>,
    model: Option<String>,
    tool_calls: u32,
    chunks: u32,
    streamed: bool,
    /// The last chunk with usage and its line: the call, unless a later chunk supersedes it.
    held: Option<(u64, Box<CallRecord>)>,
}

/// Reads a Gemini log in order, holding the last chunk of the response being read.
#[derive(Default)]
struct GeminiParser {
    group: Group,
}

pub(crate) fn parser() -> Box<dyn LineParser> {
    Box::<GeminiParser>::default()
}

impl LineParser for GeminiParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        let envelope: Envelope<'_> = match serde_json::from_slice(line) {
            Ok(envelope) => envelope,
            Err(err) => return push(out, line_no, json_error(err, line)),
        };
        let extras: Extras<'_> = serde_json::from_slice(line).unwrap_or_default();
        if envelope.request.is_some() && envelope.response.is_none() {
            // A logged request whose call failed or was never answered.
            let failed = is_present(extras.error) || extras.status_code.is_some_and(|c| c >= 400);
            let failure = failed.then(|| failure_of(extras.status_code, extras.error));
            return push(out, line_no, LineOutcome::without_usage(failure));
        }
        let response_json = match envelope.response_json(line) {
            Ok(text) => text,
            Err(outcome) => return push(out, line_no, outcome),
        };
        let context = match LineContext::new(&envelope, &extras) {
            Ok(context) => context,
            Err(message) => return push(out, line_no, LineOutcome::Error(message)),
        };
        if response_json.trim_start().starts_with('[') {
            // A logger kept every chunk of one streamed call: one response, whatever the ids say.
            let chunks: Vec<&RawValue> = match serde_json::from_str(response_json) {
                Ok(chunks) => chunks,
                Err(err) => return push(out, line_no, json_error(err, response_json.as_bytes())),
            };
            if chunks.is_empty() {
                return push(out, line_no, LineOutcome::Skip(SkipReason::NoUsage));
            }
            for (index, chunk) in chunks.into_iter().enumerate() {
                self.chunk(line_no, chunk.get(), &context, index > 0, true, out);
            }
        } else {
            self.chunk(line_no, response_json, &context, false, false, out);
        }
    }

    fn finish(&mut self, out: &mut Vec<Parsed>) {
        self.flush(out);
    }
}

/// What the line around a response says: request features, envelope fields, streaming.
struct LineContext<'e, 'a> {
    envelope: &'e Envelope<'a>,
    request: Option<CallRecord>,
    request_model: Option<String>,
    streamed: bool,
}

impl<'e, 'a> LineContext<'e, 'a> {
    fn new(envelope: &'e Envelope<'a>, extras: &Extras<'_>) -> Result<Self, String> {
        let mut request_model = extras.model.as_deref().map(str::to_string);
        let request = match envelope.request {
            Some(raw) => {
                let mut features = CallRecord::default();
                if let Some(model) = apply_request(raw, &mut features)? {
                    request_model.get_or_insert(model);
                }
                Some(features)
            }
            None => None,
        };
        Ok(LineContext {
            envelope,
            request,
            request_model,
            streamed: extras.streamed(),
        })
    }
}

impl GeminiParser {
    /// Reads one response object. `continues` forces it into the current response (later
    /// elements of a chunk array); `in_array` says the line held a whole stream.
    fn chunk(
        &mut self,
        line_no: u64,
        json: &str,
        context: &LineContext<'_, '_>,
        continues: bool,
        in_array: bool,
        out: &mut Vec<Parsed>,
    ) {
        let response: Response<'_> = match serde_json::from_str(json) {
            Ok(response) => response,
            Err(err) => return push(out, line_no, json_error(err, json.as_bytes())),
        };
        if is_present(response.error) && response.usage_metadata.is_none() {
            let failure = failure_of(None, response.error);
            return push(out, line_no, LineOutcome::Failed(failure));
        }
        if !response.is_gemini() {
            return push(
                out,
                line_no,
                LineOutcome::Error(
                    "not a Gemini response: no candidates, usageMetadata, modelVersion or \
                     responseId"
                        .into(),
                ),
            );
        }
        let usage = response
            .usage_metadata
            .as_ref()
            .filter(|u| u.buckets().total() > 0);
        let response_id = response.response_id.as_deref();
        let same = continues
            || (self.group.open
                && match (self.group.response_id.as_deref(), response_id) {
                    (Some(held), Some(new)) => held == new,
                    (None, None) => {
                        self.group.finish_reason.is_none()
                            && match (self.group.prompt_tokens, usage) {
                                (Some(held), Some(new)) => new.prompt_token_count == Some(held),
                                _ => true,
                            }
                    }
                    _ => false,
                });
        if !same {
            self.flush(out);
        }
        let group = &mut self.group;
        group.open = true;
        group.chunks += 1;
        group.streamed |= in_array || context.streamed;
        if group.response_id.is_none() {
            group.response_id = response_id.map(str::to_string);
        }
        // A blocked prompt has no candidate; its block reason stands in for a finish reason.
        let blocked = response
            .prompt_feedback
            .as_ref()
            .and_then(|f| f.block_reason.as_deref());
        if let Some(reason) = response.finish_reason().or(blocked) {
            group.finish_reason = Some(reason.to_string());
        }
        group.tool_calls += response.tool_calls();
        if let Some(model) = response.model_version.as_deref().filter(|m| !m.is_empty()) {
            group.model = Some(model.to_string());
        } else if group.model.is_none() {
            group.model = context.request_model.clone();
        }
        let Some(usage) = usage else {
            // A chunk that does not finish its response is a stream chunk; a lone response
            // without usage is just that.
            let reason = if group.chunks > 1 || group.streamed || response.finish_reason().is_none()
            {
                SkipReason::StreamChunkWithoutUsage
            } else {
                SkipReason::NoUsage
            };
            return push(out, line_no, LineOutcome::Skip(reason));
        };
        group.prompt_tokens = usage.prompt_token_count;
        let mut record = Box::new(context.request.clone().unwrap_or_default());
        record.provider = Provider::Google;
        record.tokens = usage.buckets();
        record.response_id = response_id.map(str::to_string);
        record.timestamp_ms = response.create_time.and_then(parse_timestamp);
        record.service_tier = usage.traffic_type.as_deref().and_then(service_tier);
        context.envelope.apply_to(&mut record);
        if let Some((_, earlier)) = &group.held {
            // The call started with its first chunk.
            record.timestamp_ms = earlier.timestamp_ms.or(record.timestamp_ms);
        }
        if let Some((held_line, _)) = group.held.replace((line_no, record)) {
            push(
                out,
                held_line,
                LineOutcome::Skip(SkipReason::StreamChunkSuperseded),
            );
        }
    }

    /// Emits the held chunk of the current response as its call and starts afresh.
    fn flush(&mut self, out: &mut Vec<Parsed>) {
        let group = std::mem::take(&mut self.group);
        let Some((line, mut record)) = group.held else {
            return;
        };
        let Some(model) = group.model.filter(|m| !m.is_empty()) else {
            return push(
                out,
                line,
                LineOutcome::Error(
                    "Gemini response names no model (no modelVersion, and no model in the \
                     request)"
                        .into(),
                ),
            );
        };
        record.model = model;
        if record.response_id.is_none() {
            record.response_id = group.response_id;
        }
        record.features.streamed |= group.streamed || group.chunks > 1;
        record.features.tool_calls = group.tool_calls;
        record.status = match group.finish_reason.as_deref() {
            None | Some("STOP" | "FINISH_REASON_UNSPECIFIED") => CallStatus::Ok,
            Some(_) => CallStatus::Incomplete,
        };
        record.features.finish_reason = group.finish_reason;
        push(out, line, LineOutcome::Call(record));
    }
}

fn push(out: &mut Vec<Parsed>, line: u64, outcome: LineOutcome) {
    out.push(Parsed { line, outcome });
}

/// Reads the request side into `record`: prompt text, tools, schema, labels. Returns the
/// model the request names, if any.
fn apply_request(raw: &RawValue, record: &mut CallRecord) -> Result<Option<String>, String> {
    if raw.get().trim() == "null" {
        return Ok(None);
    }
    let request: Request<'_> =
        serde_json::from_str(raw.get()).map_err(|err| format!("invalid Gemini request: {err}"))?;
    let mut prompt = PromptSummary::default();
    if let Some(system) = request.system_instruction {
        add_system_instruction(system, &mut prompt);
    }
    let mut tools_defined = 0;
    if let Some(tools) = request.tools {
        prompt.add_tool_definitions(tools.get());
        if let Ok(tools) = serde_json::from_str::<Vec<Tool>>(tools.get()) {
            tools_defined = tools
                .iter()
                .map(|t| t.function_declarations.as_ref().map_or(1, Vec::len) as u32)
                .sum();
        }
    }
    if let Some(contents) = request.contents {
        add_contents(contents, &mut prompt);
    }
    prompt.apply_to(record);
    let features = &mut record.features;
    features.tools_defined = tools_defined;
    features.json_schema = request.generation_config.as_ref().is_some_and(|c| {
        c.response_mime_type.as_deref() == Some("application/json")
            || is_present(c.response_schema)
            || is_present(c.response_json_schema)
    });
    if let Some(labels) = request.labels {
        crate::ingest::wire::add_string_tags(labels, &mut record.tags);
    }
    Ok(request.model.as_deref().map(str::to_string))
}

/// `systemInstruction` is a `Content` (`{parts: [{text}]}`), or a plain string in SDK logs.
fn add_system_instruction(raw: &RawValue, prompt: &mut PromptSummary) {
    if raw.get().trim_start().starts_with('"') {
        prompt.add_system_raw(raw);
    } else if let Ok(content) = serde_json::from_str::<ReqContent<'_>>(raw.get())
        && let Some(parts) = content.parts
    {
        prompt.add_system_raw(parts);
    }
}

/// `contents`: a list of `{role, parts}` turns (or a bare string in SDK logs).
fn add_contents(raw: &RawValue, prompt: &mut PromptSummary) {
    if raw.get().trim_start().starts_with('"') {
        prompt.add_message(Role::User, Some(raw));
        return;
    }
    let Ok(turns) = serde_json::from_str::<Vec<ReqContent<'_>>>(raw.get()) else {
        return;
    };
    for turn in turns {
        let role = Role::from_name(turn.role.as_deref().unwrap_or("user"));
        prompt.add_message(role, turn.parts);
        let parts = turn
            .parts
            .and_then(|p| serde_json::from_str::<Vec<ReqPart>>(p.get()).ok())
            .unwrap_or_default();
        for part in &parts {
            if part.inline_data.is_some() || part.file_data.is_some() {
                prompt.images += 1;
            }
            if part.function_response.is_some() {
                prompt.tool_results += 1;
            }
        }
    }
}

/// Whether a parsed JSON value looks like a Gemini response, a pair around one, or a chunk
/// array (used by detection).
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    let inner = value.get("response").unwrap_or(value);
    let inner = match inner {
        serde_json::Value::Array(chunks) => match chunks.first() {
            Some(first) => first,
            None => return false,
        },
        other => other,
    };
    let Some(object) = inner.as_object() else {
        return false;
    };
    ["usageMetadata", "usage_metadata"]
        .iter()
        .any(|key| object.get(*key).is_some_and(|u| u.is_object()))
        || object.get("candidates").is_some_and(|c| c.is_array())
        || object.get("promptFeedback").is_some_and(|f| f.is_object())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ingest::test_support::{by_line, call_at, cost, parse_text, tokens};
    use crate::ingest::{InputFormat, detect_document, detect_format, parse_lines};

    const FIXTURE: &str = include_str!("../../fixtures/logs/gemini/generate_content.jsonl");

    /// The shared reference samples sit beside the project (`../shared`, or `../../shared` from
    /// a worktree); tests that read them do nothing where they are absent.
    pub(crate) fn reference_dir() -> Option<std::path::PathBuf> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        [
            "../shared/reference/formats",
            "../../shared/reference/formats",
        ]
        .iter()
        .map(|rel| root.join(rel))
        .find(|dir| dir.is_dir())
    }

    pub(crate) fn reference(name: &str) -> Option<String> {
        std::fs::read_to_string(reference_dir()?.join(name)).ok()
    }

    fn parse(text: &str) -> Vec<Parsed> {
        parse_text(InputFormat::Gemini, text)
    }

    #[test]
    fn fixture_accounts_for_every_record() {
        let parsed = parse(FIXTURE);
        let seen = by_line(&parsed);
        let expected: Vec<(u64, String)> = [
            (1, "call gemini-2.5-flash"),
            (2, "call gemini-2.5-flash"),
            (3, "skip stream chunk superseded by a later one"),
            (4, "skip stream chunk without usage"),
            (5, "call gemini-2.5-pro"),
            // HTTP 429, RESOURCE_EXHAUSTED: a rate limit.
            (6, "failed rate_limit"),
            (7, "call gemini-2.0-flash-001"),
            (8, "call gemini-3-flash-preview"),
            (8, "skip stream chunk superseded by a later one"),
            (9, "skip response without usage"),
        ]
        .into_iter()
        .map(|(line, what)| (line, what.to_string()))
        .collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn cached_prompt_and_thoughts_split_into_exclusive_buckets() {
        let parsed = parse(FIXTURE);
        let record = call_at(&parsed, 1);
        // promptTokenCount 12,779 includes the 12,204 cached; output = 24 candidates + 71 thoughts.
        assert_eq!(record.tokens, tokens(575, 12_204, 0, 0, 95, 71));
        assert_eq!(record.provider, Provider::Google);
        assert_eq!(
            record.response_id.as_deref(),
            Some("kM4Vaf2aBNqz1MkPp7CY4Ao")
        );
        assert_eq!(record.features.finish_reason.as_deref(), Some("STOP"));
        assert!(!record.features.streamed);
        // gemini-2.5-flash: 575 × $0.30/M + 12,204 × $0.03/M + 95 × $2.50/M
        //   = $0.0001725 + $0.00036612 + $0.0002375 = $0.00077612
        assert_eq!(cost(record), "0.00077612");
    }

    #[test]
    fn tool_use_prompt_tokens_are_billed_as_input() {
        let parsed = parse(FIXTURE);
        let record = call_at(&parsed, 2);
        // 22 prompt (16 cached) + 303 tool-use prompt = 309 uncached input; 212 + 114 output.
        assert_eq!(record.tokens, tokens(309, 16, 0, 0, 326, 114));
        // gemini-2.5-flash: 309 × $0.30/M + 16 × $0.03/M + 326 × $2.50/M
        //   = $0.0000927 + $0.00000048 + $0.000815 = $0.00090818
        assert_eq!(cost(record), "0.00090818");
        assert_eq!(record.features.tools_defined, 2);
        assert_eq!(record.features.message_count, 1);
        assert_eq!(record.latency_ms, Some(3848.0));
        assert_eq!(record.session_id.as_deref(), Some("sess-gem-1"));
        assert_eq!(
            record.tags,
            vec![("project".to_string(), "search-demo".to_string())]
        );
        assert_eq!(record.timestamp_ms, Some(1_790_932_500_000));
        assert!(
            record
                .text
                .as_ref()
                .is_some_and(|t| t.user.contains("factorial"))
        );
    }

    #[test]
    fn streamed_chunks_count_once_at_long_context_rates() {
        let parsed = parse(FIXTURE);
        let record = call_at(&parsed, 5);
        assert_eq!(record.tokens, tokens(60_000, 150_000, 0, 0, 1_600, 400));
        assert!(record.features.streamed);
        assert_eq!(record.features.tool_calls, 1);
        // The prompt (210,000 with cache) is above 200k: gemini-2.5-pro's long-context rates
        // apply to the whole request: 60,000 × $2.50/M + 150,000 × $0.25/M + 1,600 × $15/M
        //   = $0.15 + $0.0375 + $0.024 = $0.2115
        assert_eq!(cost(record), "0.2115");
    }

    #[test]
    fn vertex_response_keeps_create_time_traffic_type_and_cut_output() {
        let parsed = parse(FIXTURE);
        let record = call_at(&parsed, 7);
        assert_eq!(record.tokens, tokens(1_000, 0, 0, 0, 8_192, 0));
        assert_eq!(record.status, CallStatus::Incomplete);
        assert_eq!(record.features.finish_reason.as_deref(), Some("MAX_TOKENS"));
        assert_eq!(record.service_tier.as_deref(), Some("ON_DEMAND"));
        assert_eq!(record.timestamp_ms, Some(1_790_935_200_250));
        // gemini-2.0-flash-001 (alias of gemini-2.0-flash): 1,000 × $0.10/M + 8,192 × $0.40/M
        //   = $0.0001 + $0.0032768 = $0.0033768
        assert_eq!(cost(record), "0.0033768");
    }

    #[test]
    fn numeric_enums_of_the_vertex_sdk_read_as_their_names() {
        // proto-plus `to_json`: finishReason 2 is MAX_TOKENS, trafficType 4 ON_DEMAND_FLEX,
        // blockReason 1 SAFETY (google/cloud/aiplatform/v1 content.proto and
        // prediction_service.proto).
        let text = r#"{"candidates":[{"content":{"role":"model","parts":[{"text":"x"}]},"finishReason":2}],"usageMetadata":{"promptTokenCount":1000,"candidatesTokenCount":2000,"totalTokenCount":3000,"trafficType":4},"modelVersion":"gemini-2.5-flash","responseId":"num-1"}
{"promptFeedback":{"blockReason":1},"usageMetadata":{"promptTokenCount":10,"totalTokenCount":10,"trafficType":1},"modelVersion":"gemini-2.5-flash","responseId":"num-2"}
{"candidates":[{"finishReason":99}],"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":1,"trafficType":3},"modelVersion":"gemini-2.5-flash","responseId":"num-3"}"#;
        let parsed = parse(text);
        let first = call_at(&parsed, 1);
        assert_eq!(first.features.finish_reason.as_deref(), Some("MAX_TOKENS"));
        assert_eq!(first.status, CallStatus::Incomplete);
        assert_eq!(first.service_tier.as_deref(), Some("flex"));
        // gemini-2.5-flash under Flex ($0.15 in, $1.25 out):
        //   1,000 × $0.15/M + 2,000 × $1.25/M = $0.00015 + $0.0025 = $0.00265
        let catalog = crate::pricing::PriceCatalog::embedded().unwrap();
        let entry = catalog.entry(catalog.resolve(&first.model, None).unwrap());
        let mode = crate::pricing::BillingMode {
            tier: crate::record::ServiceTier::from_reported(first.service_tier.as_deref().unwrap()),
            ..crate::pricing::BillingMode::default()
        };
        let flex = crate::pricing::call_cost(entry, &first.tokens, mode);
        assert_eq!(flex.to_decimal_string(), "0.00265");
        let blocked = call_at(&parsed, 2);
        assert_eq!(blocked.features.finish_reason.as_deref(), Some("SAFETY"));
        assert_eq!(blocked.service_tier.as_deref(), Some("ON_DEMAND"));
        let unknown = call_at(&parsed, 3);
        assert_eq!(unknown.features.finish_reason.as_deref(), Some("99"));
        assert_eq!(unknown.service_tier.as_deref(), Some("priority"));
    }

    #[test]
    fn chunk_array_in_a_pair_is_one_streamed_call_named_by_the_request() {
        let parsed = parse(FIXTURE);
        let record = call_at(&parsed, 8);
        assert_eq!(record.tokens, tokens(575, 12_204, 0, 0, 95, 71));
        assert!(record.features.streamed);
        assert_eq!(record.features.tool_calls, 1);
        assert_eq!(record.features.tools_defined, 2);
        // gemini-3-flash-preview: 575 × $0.50/M + 12,204 × $0.05/M + 95 × $3.00/M
        //   = $0.0002875 + $0.0006102 + $0.000285 = $0.0011827
        assert_eq!(cost(record), "0.0011827");
    }

    #[test]
    fn chunks_without_response_id_group_until_a_finish_reason() {
        let text = r#"{"candidates":[{"content":{"parts":[{"text":"a"}]}}],"usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":1,"totalTokenCount":101},"modelVersion":"gemini-2.5-flash"}
{"candidates":[{"content":{"parts":[{"text":"b"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":7,"totalTokenCount":107},"modelVersion":"gemini-2.5-flash"}
{"candidates":[{"content":{"parts":[{"text":"c"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":5,"totalTokenCount":105},"modelVersion":"gemini-2.5-flash"}
{"candidates":[{"content":{"parts":[{"text":"d"}]}}],"usageMetadata":{"promptTokenCount":300,"candidatesTokenCount":2,"totalTokenCount":302},"modelVersion":"gemini-2.5-flash"}"#;
        let parsed = parse(text);
        let seen = by_line(&parsed);
        assert_eq!(seen[0].1, "skip stream chunk superseded by a later one");
        // Line 2 finished its response, so line 3 is a new one even with the same prompt;
        // line 4 has another prompt size, so it is not a chunk of line 3's response either.
        assert_eq!(
            seen[1..].iter().map(|s| s.0).collect::<Vec<_>>(),
            vec![2, 3, 4]
        );
        assert_eq!(call_at(&parsed, 2).tokens.output, 7);
        assert_eq!(call_at(&parsed, 3).tokens.output, 5);
        assert_eq!(call_at(&parsed, 4).tokens.input, 300);
    }

    #[test]
    fn a_streamed_call_starts_at_its_first_chunk() {
        let text = r#"{"timestamp":"2026-10-02T09:00:00Z","response":{"candidates":[{"content":{"parts":[{"text":"a"}]}}],"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":1},"modelVersion":"gemini-2.5-flash","responseId":"t-1"}}
{"timestamp":"2026-10-02T09:00:03Z","response":{"candidates":[{"content":{"parts":[{"text":"b"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":9},"modelVersion":"gemini-2.5-flash","responseId":"t-1"}}"#;
        let parsed = parse(text);
        let record = call_at(&parsed, 2);
        assert_eq!(record.timestamp_ms, Some(1_790_931_600_000));
        assert_eq!(record.tokens.output, 9);
    }

    #[test]
    fn a_json_array_document_of_chunks_reads_like_lines() {
        // The REST streamGenerateContent without `alt=sse` returns a JSON array of chunks; the
        // pipeline hands each element over as a line, all with one parser.
        let document = r#"[{"candidates":[{"content":{"parts":[{"text":"Hi"}]}}],"usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":1,"totalTokenCount":9},"modelVersion":"gemini-2.5-flash","responseId":"arr-1"},
{"candidates":[{"content":{"parts":[{"text":" there"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":8,"candidatesTokenCount":3,"totalTokenCount":11},"modelVersion":"gemini-2.5-flash","responseId":"arr-1"}]"#;
        let value: serde_json::Value = serde_json::from_str(document).unwrap();
        assert_eq!(detect_document(&value), Some(InputFormat::Gemini));
        let items: Vec<String> = value
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.to_string())
            .collect();
        let lines: Vec<&[u8]> = items.iter().map(|s| s.as_bytes()).collect();
        let parsed = parse_lines(InputFormat::Gemini, &lines);
        assert_eq!(parsed.len(), 2);
        let record = call_at(&parsed, 2);
        assert_eq!(record.tokens, tokens(8, 0, 0, 0, 3, 0));
        assert!(record.features.streamed);
    }

    #[test]
    fn snake_case_sdk_dumps_are_read() {
        let text = r#"{"candidates":[{"finish_reason":"STOP","content":{"parts":[{"text":"x"}]}}],"usage_metadata":{"prompt_token_count":40,"cached_content_token_count":10,"candidates_token_count":5,"thoughts_token_count":3,"total_token_count":48},"model_version":"gemini-2.5-flash","response_id":"snake-1"}"#;
        let parsed = parse(text);
        assert_eq!(call_at(&parsed, 1).tokens, tokens(30, 10, 0, 0, 8, 3));
        assert_eq!(detect_format(text.as_bytes()), Some(InputFormat::Gemini));
    }

    #[test]
    fn logged_requests_without_a_response_are_skipped() {
        let text = r#"{"request":{"contents":[{"role":"user","parts":[{"text":"hi"}]}]},"response":null,"error":{"code":503,"status":"UNAVAILABLE"}}
{"request":{"contents":[{"role":"user","parts":[{"text":"hi"}]}]},"response":null}"#;
        assert_eq!(
            by_line(&parse(text)),
            vec![
                // 503 UNAVAILABLE: the provider failed.
                (1, "failed server_error".to_string()),
                (2, "skip response without usage".to_string())
            ]
        );
    }

    #[test]
    fn missing_model_malformed_and_foreign_lines_are_errors() {
        let text = r#"{"candidates":[],"usageMetadata":{"promptTokenCount":5,"totalTokenCount":5}}
{"candidates":[{"content":
{"hello":"world"}
{"usageMetadata":{"promptTokenCount":"many"},"modelVersion":"gemini-2.5-flash"}"#;
        let seen = by_line(&parse(text));
        assert_eq!(seen.len(), 4);
        assert!(
            seen[0]
                .1
                .starts_with("error Gemini response names no model")
        );
        assert!(seen[1].1.starts_with("error truncated JSON"));
        assert!(seen[2].1.starts_with("error not a Gemini response"));
        assert!(seen[3].1.starts_with("error invalid JSON"));
    }

    #[test]
    fn reference_sample_reads_as_documented() {
        let Some(text) = reference("gemini_generate_content.jsonl") else {
            return;
        };
        let parsed = parse(&text);
        let seen = by_line(&parsed);
        // Line 1 (gemini-cli's recorded stream) names no model anywhere: its last chunk cannot
        // be priced and is reported as an error; its first chunk is superseded.
        assert_eq!(seen.len(), 3);
        assert!(
            seen[0]
                .1
                .starts_with("error Gemini response names no model")
        );
        assert_eq!(seen[1].1, "skip stream chunk superseded by a later one");
        let record = call_at(&parsed, 2);
        // 34 prompt; 418 candidates + 438 thoughts of output.
        assert_eq!(record.tokens, tokens(34, 0, 0, 0, 856, 438));
        assert_eq!(record.model, "gemini-3-flash-preview");
    }

    #[test]
    fn detects_the_fixture_and_no_other_reference_sample() {
        assert_eq!(detect_format(FIXTURE.as_bytes()), Some(InputFormat::Gemini));
        for line in FIXTURE.lines().filter(|l| !l.contains("\"error\"")) {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(looks_like(&value), "{line}");
        }
        let Some(dir) = reference_dir() else {
            return;
        };
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !name.ends_with(".jsonl") || name.starts_with("gemini_generate") {
                continue;
            }
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                if let Ok(value) = serde_json::from_str::<serde_json::Value>(line) {
                    assert!(!looks_like(&value), "{name}: {line}");
                }
            }
        }
    }
}
