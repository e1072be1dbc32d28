//! OpenAI Chat Completions and Responses API logs: `{request, response}` pairs as body-pair
//! loggers store them, bare response objects, and streamed chunks that carry usage.
//!
//! OpenAI's `prompt_tokens` / `input_tokens` *include* cached tokens and `completion_tokens`
//! includes reasoning tokens; both are split into exclusive buckets here.

use crate::ingest::values::Text;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

use std::borrow::Cow;

use crate::ingest::content::{
    ContentField, InputItem, MessageContent, PromptSummary, RequestMessage, Role, scan_list,
};
use crate::ingest::scan::{Cursor, scan_fields};
use crate::ingest::usage::openai_style;
use crate::ingest::values::{RawList, unix_to_ms};
use crate::ingest::wire::{
    self, Envelope, FormatSpec, add_string_tags, failure_of, is_present, model_of, read_wrapped,
};
use crate::ingest::{LineOutcome, SkipReason};
use crate::record::{CallRecord, CallStatus, Provider, TokenBuckets};

use crate::ingest::{Format, OneEach};

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format {
    name: "openai",
    json: Some(|value| looks_like_response(value.get("response").unwrap_or(value))),
    parser: |_| Box::new(OneEach(parse_line)),
    ..Format::NEW
};

#[derive(Deserialize, Default, Debug)]
struct Details {
    cached_tokens: Option<u64>,
    reasoning_tokens: Option<u64>,
}

/// Usage in both the Chat Completions and the Responses spelling.
#[derive(Deserialize, Default, Debug)]
struct Usage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    prompt_tokens_details: Option<Details>,
    completion_tokens_details: Option<Details>,
    input_tokens_details: Option<Details>,
    output_tokens_details: Option<Details>,
    /// DeepSeek's OpenAI-compatible API reports cache hits under its own name.
    prompt_cache_hit_tokens: Option<u64>,
    /// OpenRouter's usage accounting: "the total amount charged to your account" for the
    /// request, in credits (USD), plugin and server-tool fees included
    /// (openrouter.ai/docs/use-cases/usage-accounting).
    /// Read leniently (a number or a numeric string; anything else is no stated cost): other
    /// gateways use the same names.
    cost: Option<serde_json::Value>,
    /// With a key of one's own (`is_byok`), `cost` is OpenRouter's fee only and the provider
    /// bills `cost_details.upstream_inference_cost` apart.
    is_byok: Option<serde_json::Value>,
    cost_details: Option<serde_json::Value>,
}

/// A number, or a string holding one.
fn lenient_number(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl Usage {
    /// What the usage says the call cost, in USD: OpenRouter's `cost`, plus the upstream
    /// provider's bill when the key was the user's own.
    fn stated_cost(&self) -> Option<f64> {
        let cost = lenient_number(self.cost.as_ref()?)?;
        let upstream = match self.is_byok {
            Some(serde_json::Value::Bool(true)) => self
                .cost_details
                .as_ref()
                .and_then(|d| d.get("upstream_inference_cost"))
                .and_then(lenient_number)
                .unwrap_or(0.0),
            _ => 0.0,
        };
        Some(cost + upstream)
    }

    /// Exclusive buckets: cached tokens come out of the prompt, reasoning stays inside output.
    /// OpenAI does not bill cache writes separately, so they are not split out.
    pub(crate) fn buckets(&self) -> TokenBuckets {
        let prompt = self.prompt_tokens.or(self.input_tokens).unwrap_or(0);
        let cached = [&self.prompt_tokens_details, &self.input_tokens_details]
            .into_iter()
            .flatten()
            .find_map(|d| d.cached_tokens)
            .or(self.prompt_cache_hit_tokens)
            .unwrap_or(0);
        let output = self.completion_tokens.or(self.output_tokens).unwrap_or(0);
        let reasoning = [&self.completion_tokens_details, &self.output_tokens_details]
            .into_iter()
            .flatten()
            .find_map(|d| d.reasoning_tokens)
            .unwrap_or(0);
        openai_style(prompt, cached, 0, output, reasoning)
    }
}

#[derive(Deserialize, Debug)]
struct ChoiceMessage {
    tool_calls: Option<Vec<IgnoredAny>>,
}

#[derive(Deserialize, Debug)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Choice<'a> {
    finish_reason: Option<Text<'a>>,
    message: Option<ChoiceMessage>,
}

#[derive(Deserialize, Debug)]
#[serde(bound(deserialize = "'de: 'a"))]
struct OutputItem<'a> {
    #[serde(rename = "type")]
    kind: Text<'a>,
}

/// A response object, or a logger's `{status_code, body}` wrapper around one: the wrapped
/// object raw (`B = &RawValue`, the general path) or deserialized in place (`Box<Response>`).
#[derive(Deserialize, Debug)]
#[serde(bound(deserialize = "'de: 'a, B: Deserialize<'de>"))]
struct Response<'a, B = &'a RawValue> {
    id: Option<Text<'a>>,
    object: Option<Text<'a>>,
    created: Option<f64>,
    created_at: Option<f64>,
    model: Option<Text<'a>>,
    service_tier: Option<Text<'a>>,
    usage: Option<Usage>,
    choices: Option<Vec<Choice<'a>>>,
    output: Option<Vec<OutputItem<'a>>>,
    status: Option<Text<'a>>,
    error: Option<&'a RawValue>,
    status_code: Option<u16>,
    body: Option<B>,
    request_id: Option<Text<'a>>,
}

#[derive(Deserialize, Debug)]
#[serde(bound(deserialize = "'de: 'a"))]
struct TextSpec<'a> {
    format: Option<FormatSpec<'a>>,
}

/// A Chat Completions or Responses request body, its message content and Responses input raw
/// (the general path) or deserialized in place (the one-pass path of [`parse_pair`]).
#[derive(Deserialize, Debug)]
#[serde(bound(
    deserialize = "'de: 'a, C: Deserialize<'de>, B: Deserialize<'de>, I: Deserialize<'de>"
))]
struct Request<'a, C = &'a RawValue, B = &'a RawValue, I = &'a RawValue> {
    model: Option<Text<'a>>,
    messages: Option<Vec<RequestMessage<'a, C>>>,
    input: Option<I>,
    instructions: Option<Text<'a>>,
    tools: Option<RawList<'a>>,
    response_format: Option<FormatSpec<'a>>,
    text: Option<TextSpec<'a>>,
    stream: Option<bool>,
    user: Option<Text<'a>>,
    metadata: Option<&'a RawValue>,
    /// A logger's wrapper: the request is this body, raw or deserialized in place.
    body: Option<B>,
}

/// Parses one line of an OpenAI log: in one pass when it is a plain `{request, response}`
/// pair ([`parse_pair`]), else the general way ([`parse_line_general`]). Both give the same
/// outcome for any line; the first only reads the line once.
pub(crate) fn parse_line(line: &[u8]) -> LineOutcome {
    parse_pair(line).unwrap_or_else(|| parse_line_general(line))
}

/// A `{request, response}` line with both sides deserialized in the same pass as the
/// envelope, message content in place.
/// A `body` wrapper on either side is deserialized in place too (one level, as the general
/// path unwraps one level).
type Pair<'a> = Envelope<'a, FastRequest<'a>, Response<'a, Box<Response<'a>>>>;

/// A request with its content and input deserialized in place, and so is the body it may wrap.
type FastRequest<'a> = Request<
    'a,
    MessageContent<'a>,
    Box<Request<'a, MessageContent<'a>, &'a RawValue, ResponsesInput<'a>>>,
    ResponsesInput<'a>,
>;

/// Reads a `{request, response}` pair in one pass: the envelope, the request (message content
/// included) and the response are read together, by the strict reader ([`scan_pair`]) or,
/// where it gives up, by serde_json, so no byte of the line is read twice and no text is
/// copied but the prompt kept for classification.
///
/// Returns `None`, for [`parse_line_general`] to read the line, whenever anything differs from
/// the plain shape: a line that is not UTF-8 or not valid JSON, a field of an unexpected type,
/// content that is neither a string nor a list of parts, a bare response. A `body` wrapper
/// on either side is read in place, one level deep, as the general path unwraps it. Where it
/// returns an outcome, it is the one the general path gives: the same types read the same
/// bytes, and the request is applied by the same code.
fn parse_pair(line: &[u8]) -> Option<LineOutcome> {
    // The general path validates the UTF-8 of the request and response it keeps raw; check
    // the whole line so that no invalid byte is skipped unseen here.
    let text = wire::utf8(line)?;
    let envelope: Pair<'_> = scan_pair(text).or_else(|| serde_json::from_str(text).ok())?;
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
    let mut outcome = match outer.body.as_deref() {
        Some(inner) => call_from_response(inner, outer.status_code, apply),
        None => call_from_response(outer, outer.status_code, apply),
    };
    if let LineOutcome::Call(record) = &mut outcome {
        envelope.apply_to(record);
    }
    Some(outcome)
}

/// Reads a line as serde_json reads a [`Pair`], with the strict reader ([`Cursor`]): `None`
/// where that reader gives up or the line is not of the usual shapes, and serde_json reads the
/// line instead.
fn scan_pair(text: &str) -> Option<Pair<'_>> {
    let mut cursor = Cursor::new(text);
    let pair = Envelope::scan(
        &mut cursor,
        |cursor| {
            Request::scan(cursor, |c| {
                Request::scan(c, Cursor::raw_value).map(Box::new)
            })
        },
        |cursor| {
            Response::scan(cursor, |c| {
                Response::scan(c, Cursor::raw_value).map(Box::new)
            })
        },
    )?;
    cursor.end()?;
    Some(pair)
}

impl<'a, B> Request<'a, MessageContent<'a>, B, ResponsesInput<'a>> {
    /// Reads a request as its serde reader does, its wrapped body by `body`, or gives up.
    fn scan(
        cursor: &mut Cursor<'a>,
        body: impl FnOnce(&mut Cursor<'a>) -> Option<B>,
    ) -> Option<Self> {
        let mut body = Some(body);
        let mut r = Request {
            model: None,
            messages: None,
            input: None,
            instructions: None,
            tools: None,
            response_format: None,
            text: None,
            stream: None,
            user: None,
            metadata: None,
            body: None,
        };
        scan_fields!(cursor, {
            "model" => r.model = cursor.nullable(Cursor::text)?,
            "messages" => {
                r.messages = cursor.nullable(|c| scan_list(c, RequestMessage::scan))?
            },
            "input" => r.input = cursor.nullable(ResponsesInput::scan)?,
            "instructions" => r.instructions = cursor.nullable(Cursor::text)?,
            "tools" => r.tools = cursor.nullable(Cursor::raw_list)?,
            "response_format" => r.response_format = cursor.nullable(FormatSpec::scan)?,
            "text" => {
                r.text = cursor.nullable(|cursor| {
                    let mut format = None;
                    scan_fields!(cursor, {
                        "format" => format = cursor.nullable(FormatSpec::scan)?,
                    })?;
                    Some(TextSpec { format })
                })?
            },
            "stream" => r.stream = cursor.nullable(Cursor::bool)?,
            "user" => r.user = cursor.nullable(Cursor::text)?,
            "metadata" => r.metadata = cursor.nullable(Cursor::raw_value)?,
            "body" => r.body = cursor.nullable(body.take()?)?,
        })?;
        Some(r)
    }
}

impl<'a, B> Response<'a, B> {
    /// Reads a response as its serde reader does, its wrapped body by `body`, or gives up.
    fn scan(
        cursor: &mut Cursor<'a>,
        body: impl FnOnce(&mut Cursor<'a>) -> Option<B>,
    ) -> Option<Self> {
        let mut body = Some(body);
        let mut r = Response {
            id: None,
            object: None,
            created: None,
            created_at: None,
            model: None,
            service_tier: None,
            usage: None,
            choices: None,
            output: None,
            status: None,
            error: None,
            status_code: None,
            body: None,
            request_id: None,
        };
        scan_fields!(cursor, {
            "id" => r.id = cursor.nullable(Cursor::text)?,
            "object" => r.object = cursor.nullable(Cursor::text)?,
            "created" => r.created = cursor.nullable(Cursor::float)?,
            "created_at" => r.created_at = cursor.nullable(Cursor::float)?,
            "model" => r.model = cursor.nullable(Cursor::text)?,
            "service_tier" => r.service_tier = cursor.nullable(Cursor::text)?,
            "usage" => r.usage = cursor.nullable(Usage::scan)?,
            "choices" => r.choices = cursor.nullable(|c| scan_list(c, Choice::scan))?,
            "output" => r.output = cursor.nullable(|c| scan_list(c, OutputItem::scan))?,
            "status" => r.status = cursor.nullable(Cursor::text)?,
            "error" => r.error = cursor.nullable(Cursor::raw_value)?,
            "status_code" => {
                r.status_code = cursor.nullable(|c| u16::try_from(c.count()?).ok())?
            },
            "body" => r.body = cursor.nullable(body.take()?)?,
            "request_id" => r.request_id = cursor.nullable(Cursor::text)?,
        })?;
        Some(r)
    }
}

impl Usage {
    /// Reads usage as its serde reader does, or gives up ([`Cursor`]). The lenient cost fields
    /// are handed to serde_json as written.
    fn scan(cursor: &mut Cursor<'_>) -> Option<Usage> {
        let value = |cursor: &mut Cursor<'_>| serde_json::from_str(cursor.raw()?.0).ok();
        let mut u = Usage::default();
        scan_fields!(cursor, {
            "prompt_tokens" => u.prompt_tokens = cursor.nullable(Cursor::count)?,
            "completion_tokens" => u.completion_tokens = cursor.nullable(Cursor::count)?,
            "input_tokens" => u.input_tokens = cursor.nullable(Cursor::count)?,
            "output_tokens" => u.output_tokens = cursor.nullable(Cursor::count)?,
            "prompt_tokens_details" => u.prompt_tokens_details = cursor.nullable(Details::scan)?,
            "completion_tokens_details" => {
                u.completion_tokens_details = cursor.nullable(Details::scan)?
            },
            "input_tokens_details" => u.input_tokens_details = cursor.nullable(Details::scan)?,
            "output_tokens_details" => u.output_tokens_details = cursor.nullable(Details::scan)?,
            "prompt_cache_hit_tokens" => {
                u.prompt_cache_hit_tokens = cursor.nullable(Cursor::count)?
            },
            "cost" => u.cost = cursor.nullable(value)?,
            "is_byok" => u.is_byok = cursor.nullable(value)?,
            "cost_details" => u.cost_details = cursor.nullable(value)?,
        })?;
        Some(u)
    }
}

impl Details {
    fn scan(cursor: &mut Cursor<'_>) -> Option<Details> {
        let mut d = Details::default();
        scan_fields!(cursor, {
            "cached_tokens" => d.cached_tokens = cursor.nullable(Cursor::count)?,
            "reasoning_tokens" => d.reasoning_tokens = cursor.nullable(Cursor::count)?,
        })?;
        Some(d)
    }
}

impl<'a> Choice<'a> {
    fn scan(cursor: &mut Cursor<'a>) -> Option<Choice<'a>> {
        let (mut finish_reason, mut message) = (None, None);
        scan_fields!(cursor, {
            "finish_reason" => finish_reason = cursor.nullable(Cursor::text)?,
            "message" => {
                message = cursor.nullable(|cursor| {
                    let mut tool_calls = None;
                    scan_fields!(cursor, {
                        "tool_calls" => {
                            tool_calls = cursor.nullable(|c| scan_list(c, |c| {
                                c.raw().map(|_| IgnoredAny)
                            }))?
                        },
                    })?;
                    Some(ChoiceMessage { tool_calls })
                })?
            },
        })?;
        Some(Choice {
            finish_reason,
            message,
        })
    }
}

impl<'a> OutputItem<'a> {
    /// Reads an output item as its serde reader does: its type must be there.
    fn scan(cursor: &mut Cursor<'a>) -> Option<OutputItem<'a>> {
        let mut kind = None;
        scan_fields!(cursor, { "type" => kind = Some(cursor.text()?) })?;
        Some(OutputItem { kind: kind? })
    }
}

impl<'a> ResponsesInput<'a> {
    /// Reads an input as its serde reader does, or gives up ([`Cursor`]).
    fn scan(cursor: &mut Cursor<'a>) -> Option<ResponsesInput<'a>> {
        match cursor.peek()? {
            b'"' => Some(ResponsesInput::Text(cursor.text()?.0)),
            b'[' => Some(ResponsesInput::Items(scan_list(cursor, InputItem::scan)?)),
            _ => None,
        }
    }
}

/// Parses one line of an OpenAI log, whatever its shape: the envelope first, keeping both
/// sides raw, then each side.
fn parse_line_general(line: &[u8]) -> LineOutcome {
    let (envelope, response_json) = match Envelope::read(line) {
        Ok(read) => read,
        Err(outcome) => return outcome,
    };
    let mut outcome = parse_response(response_json, envelope.request);
    if let LineOutcome::Call(record) = &mut outcome {
        envelope.apply_to(record);
    }
    outcome
}

/// Turns a response (and the request that produced it, when logged) into a call.
pub(crate) fn parse_response(response_json: &str, request: Option<&RawValue>) -> LineOutcome {
    let (response, status_code) =
        match read_wrapped(response_json, |r: &Response| (r.body, r.status_code)) {
            Ok(read) => read,
            Err(err) => return err.outcome(),
        };
    call_from_response(&response, status_code, |record| match request {
        Some(raw) => apply_request(raw, record),
        None => Ok(None),
    })
}

/// Builds the call of a response (`status_code` from the wrapper it came in, if any);
/// `apply_request` reads the request side into the record and returns the model it names.
fn call_from_response<B>(
    response: &Response<'_, B>,
    status_code: Option<u16>,
    apply_request: impl FnOnce(&mut CallRecord) -> Result<Option<String>, String>,
) -> LineOutcome {
    let is_chunk = response.object.as_deref() == Some("chat.completion.chunk");
    let Some(usage) = response.usage.as_ref() else {
        if is_chunk {
            return LineOutcome::Skip(SkipReason::StreamChunkWithoutUsage);
        }
        if is_present(response.error) || status_code.is_some_and(|code| code >= 400) {
            return LineOutcome::Failed(failure_of(status_code, response.error));
        }
        if response.object.is_none() && response.model.is_none() && response.id.is_none() {
            return LineOutcome::Error("not an OpenAI response: no object, model or usage".into());
        }
        return LineOutcome::Skip(SkipReason::NoUsage);
    };
    let mut record = CallRecord {
        provider: Provider::OpenAi,
        tokens: usage.buckets(),
        response_id: response.id.as_deref().map(str::to_string),
        request_id: response.request_id.as_deref().map(str::to_string),
        service_tier: response.service_tier.as_deref().map(str::to_string),
        stated_cost_usd: usage.stated_cost(),
        timestamp_ms: response
            .created
            .or(response.created_at)
            .and_then(unix_to_ms),
        ..CallRecord::default()
    };
    record.features.streamed = is_chunk;
    if let Some(choices) = &response.choices {
        record.features.tool_calls = choices
            .iter()
            .filter_map(|c| c.message.as_ref()?.tool_calls.as_ref())
            .map(|calls| calls.len() as u32)
            .sum();
        record.features.finish_reason = choices
            .first()
            .and_then(|c| c.finish_reason.as_deref())
            .map(str::to_string);
    }
    if let Some(output) = &response.output {
        let count = |kind: &str| output.iter().filter(|item| item.kind == kind).count() as u32;
        record.features.tool_calls = count("function_call");
        // Each built-in web search the Responses API ran is billed per call.
        record.web_search_requests = count("web_search_call");
    }
    record.status = match (
        response.status.as_deref(),
        record.features.finish_reason.as_deref(),
    ) {
        (Some("failed"), _) => CallStatus::Error,
        (Some("incomplete"), _) | (_, Some("length" | "content_filter")) => CallStatus::Incomplete,
        _ if is_present(response.error) => CallStatus::Error,
        _ => CallStatus::Ok,
    };
    if record.status == CallStatus::Error {
        record.failure = Some(failure_of(status_code, response.error));
    }
    let request_model = match apply_request(&mut record) {
        Ok(model) => model,
        Err(message) => return LineOutcome::Error(message),
    };
    let compaction = response.object.as_deref() == Some("response.compaction");
    let Some(model) = model_of(response.model.as_deref(), request_model)
        .or_else(|| compaction.then(|| COMPACTION_MODEL_NOT_LOGGED.to_string()))
    else {
        return LineOutcome::Error("OpenAI response names no model".into());
    };
    record.model = model;
    LineOutcome::Call(Box::new(record))
}

/// Reads the request side: prompt text, tools, schema, streaming, tags. Returns the requested
/// model name.
fn apply_request(raw: &RawValue, record: &mut CallRecord) -> Result<Option<String>, String> {
    let (request, _) = read_wrapped(raw.get(), |r: &Request| (r.body, None))
        .map_err(|err| err.message("OpenAI request"))?;
    Ok(apply_parsed_request(&request, record))
}

/// Reads a request (already deserialized, its `body` wrapper unwrapped) into the record;
/// returns the requested model name.
fn apply_parsed_request<C: ContentField, B, I: InputField>(
    request: &Request<'_, C, B, I>,
    record: &mut CallRecord,
) -> Option<String> {
    let mut prompt = PromptSummary::default();
    if let Some(instructions) = &request.instructions {
        prompt.add_system(instructions);
    }
    if let Some(tools) = request.tools {
        prompt.add_tool_definitions(tools.raw.0);
    }
    for message in request.messages.iter().flatten() {
        message.add_to(&mut prompt);
    }
    if let Some(input) = &request.input {
        input.add_to(&mut prompt);
    }
    prompt.apply_to(record);
    let features = &mut record.features;
    features.tools_defined = request.tools.map_or(0, |tools| tools.items);
    features.streamed |= request.stream.unwrap_or(false);
    let format = request
        .response_format
        .as_ref()
        .or(request.text.as_ref().and_then(|t| t.format.as_ref()));
    features.json_schema =
        format.is_some_and(|f| f.kind == "json_schema" || f.kind == "json_object");
    if let Some(user) = &request.user {
        record.tags.push(("user".to_string(), user.to_string()));
    }
    if let Some(metadata) = request.metadata {
        add_string_tags(metadata, &mut record.tags);
    }
    request.model.as_deref().map(str::to_string)
}

/// The Responses API `input` in either form a request holds it: raw JSON (the general path)
/// or already deserialized ([`ResponsesInput`]).
trait InputField {
    /// Adds the input to `prompt`: a string is the user's message; a list holds messages and
    /// tool outputs; anything else adds nothing.
    fn add_to(&self, prompt: &mut PromptSummary);
}

impl InputField for &RawValue {
    fn add_to(&self, prompt: &mut PromptSummary) {
        if self.get().trim_start().starts_with('"') {
            prompt.add_message(Role::User, Some(self));
            return;
        }
        prompt.add_items(self);
    }
}

/// A Responses API `input` deserialized where it stands in the line: a string (borrowed unless
/// it holds escapes) or a list of items, their content in place. Any other JSON fails to
/// deserialize, and the line is then read the general way, which decides what it means.
#[derive(Debug)]
enum ResponsesInput<'a> {
    Text(Cow<'a, str>),
    Items(Vec<InputItem<'a, MessageContent<'a>>>),
}

impl InputField for ResponsesInput<'_> {
    fn add_to(&self, prompt: &mut PromptSummary) {
        match self {
            ResponsesInput::Text(text) => {
                let content = MessageContent::Text(Cow::Borrowed(text));
                prompt.add_content(Role::User, Some(&content));
            }
            ResponsesInput::Items(items) => prompt.add_input_items(items),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for ResponsesInput<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct InputVisitor;

        impl<'de> serde::de::Visitor<'de> for InputVisitor {
            type Value = ResponsesInput<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or a list of input items")
            }

            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(ResponsesInput::Text(Cow::Borrowed(text)))
            }

            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(ResponsesInput::Text(Cow::Owned(text.to_string())))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(16));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(ResponsesInput::Items(items))
            }
        }

        deserializer.deserialize_any(InputVisitor)
    }
}

/// Whether a parsed JSON value looks like an OpenAI response (used by detection).
pub(crate) fn looks_like_response(value: &serde_json::Value) -> bool {
    let value = value.get("body").unwrap_or(value);
    match value.get("object").and_then(|o| o.as_str()) {
        Some("chat.completion" | "chat.completion.chunk" | "response" | "response.compaction") => {
            true
        }
        // An embeddings response: `{"object": "list", "data": [{"object": "embedding", …}]}`.
        Some("list") => value
            .get("data")
            .and_then(|data| data.get(0))
            .and_then(|first| first.get("object"))
            .is_some_and(|object| object == "embedding"),
        _ => false,
    }
}

/// The model of a `/v1/responses/compact` result logged without its request: the compaction
/// object names none (openai-python `CompactedResponse`). Reported as an unpriced model of its
/// own, never priced at $0.
const COMPACTION_MODEL_NOT_LOGGED: &str = "openai-compaction (model not logged)";

#[cfg(test)]
mod pair_tests {
    use super::*;
    use crate::ingest::wire::{assert_one_pass_matches_general, fixture_lines, pair_mutants};

    /// Lines of `{request, response}` pairs: the fixtures', and Responses requests whose input
    /// is a list.
    fn pair_lines() -> Vec<Vec<u8>> {
        let mut lines = fixture_lines(&[
            "fixtures/logs/openai/chat_and_responses.jsonl",
            "fixtures/classify/labelled_a.jsonl",
            "fixtures/classify/labelled_b.jsonl",
        ]);
        // Responses requests whose input is a list: a message of parts, a message without a
        // role, a call, its output and a reasoning step, beside instructions and tools.
        let response = r#"{"object":"response","model":"gpt-5","usage":{"input_tokens":900,"output_tokens":40}}"#;
        for input in [
            r#"[{"role":"user","content":[{"type":"input_text","text":"Fix the \"build\"\n"},{"type":"input_image","image_url":"data:x"}]}]"#,
            r#"[{"content":"no role"},{"type":"function_call","name":"f","arguments":"{}"},{"type":"function_call_output","call_id":"c","output":"42 \u00e9"},{"type":"reasoning","summary":[]},{"role":"assistant","content":"ok"},{"role":"user","content":"and now?"}]"#,
            r#"[{"role":"developer","content":"Be brief."},{"role":"user","content":null}]"#,
        ] {
            let line = format!(
                r#"{{"request":{{"model":"gpt-5","instructions":"You review code.","tools":[{{"type":"function","name":"f"}}],"input":{input}}},"response":{response}}}"#
            );
            lines.push(line.into_bytes());
        }
        lines
    }

    #[test]
    fn one_pass_reads_as_the_general_path() {
        let lines = pair_lines();
        assert_one_pass_matches_general(
            &lines,
            |line| parse_pair(line).is_some(),
            parse_line,
            parse_line_general,
        );
    }

    /// The strict reader reads a line exactly as serde_json reads a [`Pair`], or gives up (and
    /// serde_json reads it): on every pair line, where it must not give up; on each of
    /// [`pair_mutants`] (wrappers, content and input of every JSON type, sides of the wrong
    /// type, a duplicate key); on usage of every shape; and on each line cut, or with a
    /// character taken out or one of JSON's syntax put in, at every fifth position (of the
    /// log fixture's lines, the Responses lines and every 40th classification line).
    #[test]
    fn the_strict_reader_reads_as_serde_json_or_gives_up() {
        let lines = pair_lines();
        let mut texts: Vec<String> = Vec::new();
        for (index, line) in lines.iter().enumerate() {
            let text = std::str::from_utf8(line).unwrap();
            assert!(scan_pair(text).is_some(), "gives up on {text}");
            texts.extend(
                pair_mutants(line)
                    .into_iter()
                    .filter_map(|variant| String::from_utf8(variant).ok()),
            );
            if index < 9 || index + 3 >= lines.len() || index % 40 == 0 {
                texts.extend(crate::ingest::scan::edits(text, 5));
            }
            let Some(at) = text.find(r#""usage":{"#) else {
                continue;
            };
            let at = at + r#""usage":{"#.len();
            for put in [
                r#""prompt_tokens":-1,"#,
                r#""completion_tokens":1.0,"#,
                r#""input_tokens":"5","#,
                r#""output_tokens":null,"#,
                r#""prompt_tokens_details":{"cached_tokens":7,"audio_tokens":1},"#,
                r#""output_tokens_details":null,"#,
                r#""prompt_cache_hit_tokens":18446744073709551616,"#,
                r#""cost":0.0051,"is_byok":true,"cost_details":{"upstream_inference_cost":"0.1"},"#,
                r#""cost":"1e-3","#,
                r#""cost":{"total":1},"#,
            ] {
                texts.push(format!("{}{put}{}", &text[..at], &text[at..]));
            }
        }
        let mut read = 0;
        for text in &texts {
            if let Some(scanned) = scan_pair(text) {
                let serde = serde_json::from_str::<Pair<'_>>(text).ok();
                assert_eq!(
                    format!("{:?}", Some(scanned)),
                    format!("{serde:?}"),
                    "{text}"
                );
                read += 1;
            }
        }
        // Most mutations break the line; many (inside strings, whitespace) do not.
        assert!(read * 10 > texts.len(), "{read} of {}", texts.len());
    }

    #[test]
    fn openrouter_usage_cost_is_the_stated_cost() {
        // OpenRouter's usage accounting: `cost` is what the account was charged; with one's own
        // key (`is_byok`) the provider's bill, `cost_details.upstream_inference_cost`, is apart.
        let charged = br#"{"id":"gen-1","object":"chat.completion","model":"anthropic/claude-4.5-sonnet-20250929","usage":{"prompt_tokens":1000,"completion_tokens":100,"total_tokens":1100,"prompt_tokens_details":{"cached_tokens":200},"cost":0.0051,"is_byok":false,"cost_details":{"upstream_inference_cost":0.0051}}}"#;
        let byok = br#"{"id":"gen-2","object":"chat.completion","model":"openai/gpt-4o","usage":{"prompt_tokens":10,"completion_tokens":1,"cost":"0.0002","is_byok":true,"cost_details":{"upstream_inference_cost":0.004}}}"#;
        let odd = br#"{"id":"gen-3","object":"chat.completion","model":"gpt-4o","usage":{"prompt_tokens":10,"completion_tokens":1,"cost":{"total":1}}}"#;
        let record = |line: &[u8]| match parse_line(line) {
            LineOutcome::Call(record) => record,
            other => panic!("{other:?}"),
        };
        let first = record(charged);
        assert_eq!(first.stated_cost_usd, Some(0.0051));
        assert_eq!(first.tokens.cache_read, 200);
        assert_eq!(record(byok).stated_cost_usd, Some(0.0042));
        // A gateway's `cost` of another shape is no stated cost, and the call still counts.
        assert_eq!(record(odd).stated_cost_usd, None);
    }

    #[test]
    fn compaction_and_embeddings_responses_are_calls() {
        let record = |line: &[u8]| match parse_line(line) {
            LineOutcome::Call(record) => record,
            other => panic!("{other:?}"),
        };
        let detect =
            |line: &[u8]| crate::ingest::detect_value(&serde_json::from_slice(line).unwrap());
        // `/v1/responses/compact` (openai-python CompactedResponse): Responses usage, no model.
        let compaction = br#"{"id":"resp_001","object":"response.compaction","created_at":1764967971,"output":[{"id":"cmp_001","type":"compaction","encrypted_content":"x"}],"usage":{"input_tokens":139,"input_tokens_details":{"cached_tokens":0},"output_tokens":438,"output_tokens_details":{"reasoning_tokens":64},"total_tokens":577}}"#;
        assert_eq!(detect(compaction), Some(crate::ingest::InputFormat::Openai));
        let call = record(compaction);
        assert_eq!(call.model, COMPACTION_MODEL_NOT_LOGGED);
        assert_eq!(
            (call.tokens.input, call.tokens.output, call.tokens.reasoning),
            (139, 438, 64)
        );
        // With its request, the request's model prices it: gpt-5, $1.25 in, $10 out:
        // 139 × 1.25 + 438 × 10 = $0.00455375.
        let pair = format!(
            r#"{{"request":{{"model":"gpt-5","input":[]}},"response":{}}}"#,
            std::str::from_utf8(compaction).unwrap()
        );
        let call = record(pair.as_bytes());
        assert_eq!(call.model, "gpt-5");
        assert_eq!(crate::ingest::test_support::cost(&call), "0.00455375");
        // An embeddings response: prompt tokens only, at the model's embedding price
        // (text-embedding-3-small, $0.02 per million): 8,000 × 0.02/M = $0.00016.
        let embedding = br#"{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,-0.2]}],"model":"text-embedding-3-small","usage":{"prompt_tokens":8000,"total_tokens":8000}}"#;
        assert_eq!(detect(embedding), Some(crate::ingest::InputFormat::Openai));
        let call = record(embedding);
        assert_eq!((call.tokens.input, call.tokens.output), (8000, 0));
        assert_eq!(crate::ingest::test_support::cost(&call), "0.00016");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::FailureCause;

    #[test]
    fn an_error_without_usage_is_a_failure_of_its_cause() {
        // fixtures/logs/openai/chat_and_responses.jsonl, line 6: HTTP 429, no usage.
        let line = r#"{"request":{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]},"response":{"status_code":429,"body":{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}}}"#;
        assert!(matches!(
            parse_line(line.as_bytes()),
            LineOutcome::Failed(FailureCause::RateLimit)
        ));
    }
}
