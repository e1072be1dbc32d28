//! OpenTelemetry GenAI spans as OTLP JSON: the collector's file exporter writes one
//! `ExportTraceServiceRequest` (`{"resourceSpans": [...]}`) per line; one request saved as a
//! (pretty-printed) JSON document reads the same way. Attribute values are typed
//! (`{"stringValue": …}`, `{"intValue": "1024"}` — a *string* in OTLP JSON — `doubleValue`,
//! `boolValue`, `arrayValue`, `kvlistValue`); times are `startTimeUnixNano` strings. Snake-case
//! field names (`resource_spans`, `string_value`, as Phoenix's `/spans/otlpv1` API writes them)
//! are accepted too.
//!
//! Attribute names follow the GenAI semantic conventions from v1.28 onwards
//! (open-telemetry/semantic-conventions `model/gen-ai/registry.yaml` at tags v1.28.0–v1.41.0,
//! then open-telemetry/semantic-conventions-genai `model/gen-ai/registry.yaml`), old and new
//! names alike: `gen_ai.provider.name` (v1.37+) or `gen_ai.system` (before);
//! `gen_ai.usage.input_tokens`/`output_tokens` or the older `prompt_tokens`/`completion_tokens`;
//! `gen_ai.usage.cache_read.input_tokens` and `gen_ai.usage.cache_creation.input_tokens` (v1.40;
//! the latter renamed `gen_ai.usage.cache_write.input_tokens` in semantic-conventions-genai
//! #440), `gen_ai.usage.reasoning.output_tokens` and `gen_ai.response.time_to_first_chunk`
//! (seconds, v1.41); OpenLLMetry's `gen_ai.usage.cache_read_input_tokens`,
//! `cache_creation_input_tokens` and `reasoning_tokens` spellings are read as well.
//!
//! Token convention (registry notes since v1.40): `input_tokens` SHOULD include cache reads and
//! cache writes, and `output_tokens` SHOULD include reasoning. Both are split into exclusive
//! buckets here. Two departures from the spec are recognised because they cannot be anything
//! else: an `input_tokens` smaller than the cache counts it should contain is Anthropic's raw
//! cache-exclusive count (older instrumentations copied it through), so it is taken as the
//! uncached input; reasoning larger than `output_tokens` means output excluded it (Gemini's
//! `candidatesTokenCount` copied through), so it is added. Cache writes carry no TTL in OTel and
//! are counted as 5-minute writes (Anthropic's default).
//!
//! Which spans are calls: a span with token usage is a call — whatever its operation, because an
//! `invoke_agent` span of a remote agent (OpenAI Assistants, Bedrock Agents, Azure AI agents) is
//! the only record of tokens billed server-side — unless it rolls up other usage (below).
//! Embeddings spans with usage are calls: the provider bills their input tokens (the catalog
//! lists them as unpriced until it holds embedding prices). Without usage, a model operation
//! (`chat`, `text_completion`, `generate_content`, `embeddings`) is a provider error (span status
//! ERROR or `error.type`) or a response without usage; agent, tool, workflow, retrieval and
//! memory operations are not model calls, and spans without any `gen_ai.*` attribute (HTTP,
//! database, framework spans) are not model calls.
//!
//! Rollups: a span whose descendants (same `traceId`, linked by `parentSpanId`) include a span
//! reporting tokens is skipped as [`SkipReason::RollupSpan`], so an agent span that sums its
//! chats, or a framework chat span wrapping the SDK's chat span of the same call, is not counted
//! twice; only the innermost spans with usage count. Children usually end (and are exported)
//! before their parents, but batches can arrive in any order, so spans with usage are held per
//! trace. A trace is decided [`GRACE_LINES`] lines after its root span (no `parentSpanId`) was
//! read, or when the file ends. Memory stays bounded: past [`MAX_PENDING_SPANS`] held spans or
//! [`MAX_LINKS`] parent links, the oldest traces are decided with what has been read so far.
//! Spans of a trace arriving after it was decided are judged on their own.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::content::{PromptSummary, Role};
use crate::ingest::usage::openai_style;
use crate::ingest::wire::stable_hash;
use crate::ingest::{LineOutcome, LineParser, Parsed, SkipReason, json_error, openinference};
use crate::record::{CallRecord, CallStatus, FailureCause, Provider, TokenBuckets};

use crate::ingest::{Format, Lines};

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format {
    name: "otel",
    lines: Lines::InOrder,
    json: Some(looks_like),
    parser: |_| parser(),
    ..Format::NEW
};

/// Lines read after a trace's root span before the trace is decided: room for batches of the
/// same trace that another process exported a little later.
pub(crate) const GRACE_LINES: u64 = 32;

/// Spans held back (calls waiting for their descendants) across all undecided traces.
pub(crate) const MAX_PENDING_SPANS: usize = 4096;

/// Child-to-parent links kept across all undecided traces.
pub(crate) const MAX_LINKS: usize = 262_144;

/// Longest parent chain walked up from one span (guards against cyclic ids in corrupt input).
const MAX_ANCESTOR_STEPS: usize = 4096;

// ------------------------------------------------------------------------------------------
// OTLP JSON wire shapes
// ------------------------------------------------------------------------------------------

/// An `ExportTraceServiceRequest`.
#[derive(Deserialize)]
struct ExportRequest<'a> {
    #[serde(borrow, rename = "resourceSpans", alias = "resource_spans")]
    resource_spans: Option<Vec<ResourceSpans<'a>>>,
}

#[derive(Deserialize)]
struct ResourceSpans<'a> {
    #[serde(borrow)]
    resource: Option<Resource<'a>>,
    /// `instrumentationLibrarySpans` is the pre-1.0 OTLP name of `scopeSpans`.
    #[serde(
        borrow,
        rename = "scopeSpans",
        alias = "scope_spans",
        alias = "instrumentationLibrarySpans"
    )]
    scope_spans: Option<Vec<ScopeSpans<'a>>>,
}

#[derive(Deserialize)]
struct Resource<'a> {
    #[serde(borrow)]
    attributes: Option<Vec<KeyValue<'a>>>,
}

#[derive(Deserialize)]
struct ScopeSpans<'a> {
    #[serde(borrow)]
    spans: Option<Vec<WireSpan<'a>>>,
}

/// One OTLP span as JSON.
#[derive(Deserialize)]
pub(crate) struct WireSpan<'a> {
    #[serde(borrow, rename = "traceId", alias = "trace_id")]
    trace_id: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "spanId", alias = "span_id")]
    span_id: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "parentSpanId", alias = "parent_span_id")]
    parent_span_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, rename = "startTimeUnixNano", alias = "start_time_unix_nano")]
    start: Option<&'a RawValue>,
    #[serde(borrow, rename = "endTimeUnixNano", alias = "end_time_unix_nano")]
    end: Option<&'a RawValue>,
    #[serde(borrow)]
    attributes: Option<Vec<KeyValue<'a>>>,
    #[serde(borrow)]
    status: Option<WireStatus<'a>>,
}

#[derive(Deserialize)]
struct WireStatus<'a> {
    /// `2`, `"2"` or `"STATUS_CODE_ERROR"` for an error.
    #[serde(borrow)]
    code: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct KeyValue<'a> {
    #[serde(borrow)]
    key: Cow<'a, str>,
    #[serde(borrow)]
    value: Option<AnyValue<'a>>,
}

/// An OTLP `AnyValue`: exactly one member is set.
#[derive(Deserialize)]
struct AnyValue<'a> {
    #[serde(borrow, rename = "stringValue", alias = "string_value")]
    string: Option<Cow<'a, str>>,
    /// A decimal string in OTLP JSON (64-bit integers), a number from lenient writers.
    #[serde(borrow, rename = "intValue", alias = "int_value")]
    int: Option<&'a RawValue>,
    /// A number, or `"NaN"`/`"Infinity"` as a string.
    #[serde(borrow, rename = "doubleValue", alias = "double_value")]
    double: Option<&'a RawValue>,
    #[serde(rename = "boolValue", alias = "bool_value")]
    boolean: Option<bool>,
    #[serde(borrow, rename = "arrayValue", alias = "array_value")]
    array: Option<ValueList<'a>>,
    #[serde(borrow, rename = "kvlistValue", alias = "kvlist_value")]
    kvlist: Option<KeyValueList<'a>>,
}

#[derive(Deserialize)]
struct ValueList<'a> {
    #[serde(borrow)]
    values: Option<Vec<AnyValue<'a>>>,
}

#[derive(Deserialize)]
struct KeyValueList<'a> {
    #[serde(borrow)]
    values: Option<Vec<KeyValue<'a>>>,
}

// ------------------------------------------------------------------------------------------
// Normalised spans, shared with the OpenInference adapter
// ------------------------------------------------------------------------------------------

/// An attribute value, whatever spelling it came in (OTLP typed values or plain JSON).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Str(Cow<'a, str>),
    Int(i64),
    Double(f64),
    Bool(bool),
    Array(Vec<Value<'a>>),
    Map(Vec<Attr<'a>>),
    /// An empty `AnyValue`, a `null`, bytes, or an integer that does not parse.
    Empty,
}

/// One attribute: a dotted key and its value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Attr<'a> {
    pub key: Cow<'a, str>,
    pub value: Value<'a>,
}

impl<'a> Value<'a> {
    fn from_wire(value: AnyValue<'a>) -> Value<'a> {
        if let Some(text) = value.string {
            return Value::Str(text);
        }
        if let Some(raw) = value.int {
            return unquote(raw)
                .trim()
                .parse::<i64>()
                .map_or(Value::Empty, Value::Int);
        }
        if let Some(raw) = value.double {
            return unquote(raw)
                .trim()
                .parse::<f64>()
                .map_or(Value::Empty, Value::Double);
        }
        if let Some(flag) = value.boolean {
            return Value::Bool(flag);
        }
        if let Some(list) = value.array {
            let items = list.values.unwrap_or_default();
            return Value::Array(items.into_iter().map(Value::from_wire).collect());
        }
        if let Some(list) = value.kvlist {
            return Value::Map(attrs_from_wire(list.values.unwrap_or_default()));
        }
        Value::Empty
    }

    /// The value as text, when it is a string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(text) => Some(text),
            _ => None,
        }
    }

    /// The value as a count: a non-negative integer, an integral double, or a numeric string.
    pub(crate) fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Int(n) => u64::try_from(*n).ok(),
            Value::Double(d) if d.is_finite() && *d >= 0.0 && d.fract() == 0.0 && *d < 1.8e19 => {
                Some(*d as u64)
            }
            Value::Str(text) => text.trim().parse::<u64>().ok(),
            _ => None,
        }
    }

    /// The value as a finite number.
    pub(crate) fn as_f64(&self) -> Option<f64> {
        let number = match self {
            Value::Int(n) => *n as f64,
            Value::Double(d) => *d,
            Value::Str(text) => text.trim().parse::<f64>().ok()?,
            _ => return None,
        };
        number.is_finite().then_some(number)
    }

    /// The value as a flag: a boolean, or `"true"`/`"false"`.
    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(flag) => Some(*flag),
            Value::Str(text) => match text.trim() {
                "true" | "True" => Some(true),
                "false" | "False" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// The value as plain JSON: structured values as they are, strings parsed when they hold a
    /// JSON array or object (conventions allow either spelling for structured attributes).
    pub(crate) fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Str(text) => {
                let trimmed = text.trim_start();
                if trimmed.starts_with('[') || trimmed.starts_with('{') {
                    serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
                } else {
                    serde_json::Value::String(text.to_string())
                }
            }
            Value::Int(n) => serde_json::Value::from(*n),
            Value::Double(d) => serde_json::Value::from(*d),
            Value::Bool(flag) => serde_json::Value::Bool(*flag),
            Value::Array(items) => items.iter().map(Value::to_json).collect(),
            Value::Map(members) => serde_json::Value::Object(
                members
                    .iter()
                    .map(|a| (a.key.to_string(), a.value.to_json()))
                    .collect(),
            ),
            Value::Empty => serde_json::Value::Null,
        }
    }
}

/// The text inside a JSON string literal, or the raw text of any other value.
fn unquote(raw: &RawValue) -> &str {
    let text = raw.get().trim();
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
}

/// Converts OTLP key/value pairs (a missing value becomes [`Value::Empty`]).
fn attrs_from_wire(list: Vec<KeyValue<'_>>) -> Vec<Attr<'_>> {
    list.into_iter()
        .map(|kv| Attr {
            key: kv.key,
            value: kv.value.map_or(Value::Empty, Value::from_wire),
        })
        .collect()
}

/// A span in the shape both span adapters read: ids, times, status and flat dotted attributes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Span<'a> {
    pub trace_id: Cow<'a, str>,
    pub span_id: Cow<'a, str>,
    /// Empty for a root span.
    pub parent_id: Cow<'a, str>,
    pub name: Cow<'a, str>,
    pub start_ns: Option<i64>,
    pub end_ns: Option<i64>,
    /// The span's status is ERROR.
    pub failed: bool,
    pub attrs: Vec<Attr<'a>>,
}

impl<'a> Span<'a> {
    /// Converts an OTLP JSON span.
    pub(crate) fn from_wire(wire: WireSpan<'a>) -> Span<'a> {
        let failed = wire
            .status
            .and_then(|s| s.code)
            .is_some_and(|code| matches!(unquote(code).trim(), "2" | "STATUS_CODE_ERROR"));
        Span {
            trace_id: wire.trace_id.unwrap_or_default(),
            span_id: wire.span_id.unwrap_or_default(),
            parent_id: wire.parent_span_id.unwrap_or_default(),
            name: wire.name.unwrap_or_default(),
            start_ns: wire.start.and_then(parse_nanos),
            end_ns: wire.end.and_then(parse_nanos),
            failed,
            attrs: attrs_from_wire(wire.attributes.unwrap_or_default()),
        }
    }

    /// Start time in milliseconds since the epoch.
    pub(crate) fn timestamp_ms(&self) -> Option<i64> {
        self.start_ns.map(|ns| ns.div_euclid(1_000_000))
    }

    /// Duration in milliseconds, when both ends are known and in order.
    pub(crate) fn latency_ms(&self) -> Option<f64> {
        match (self.start_ns, self.end_ns) {
            (Some(start), Some(end)) if end >= start => Some((end - start) as f64 / 1e6),
            _ => None,
        }
    }

    /// The span's own id, or for spans without one, nothing a child could point to.
    fn key(&self) -> Option<u64> {
        id_key(&self.span_id)
    }

    /// The parent's key; `None` for a root span.
    fn parent_key(&self) -> Option<u64> {
        id_key(&self.parent_id)
    }
}

/// Parses a Unix time in nanoseconds written as a string or a number.
fn parse_nanos(raw: &RawValue) -> Option<i64> {
    let text = unquote(raw).trim();
    let nanos = match text.parse::<i64>() {
        Ok(n) => n,
        Err(_) => {
            let float = text.parse::<f64>().ok().filter(|f| f.is_finite())?;
            if float.abs() >= 9.2e18 {
                return None;
            }
            float as i64
        }
    };
    (nanos > 0).then_some(nanos)
}

/// The key of a span id (ids are hex text; hashing keeps the maps small).
fn id_key(id: &str) -> Option<u64> {
    let id = id.trim();
    (!id.is_empty() && id.bytes().any(|b| b != b'0')).then(|| stable_hash(&[id.as_bytes()]))
}

/// One `resourceSpans` entry: the resource's attributes and its spans.
pub(crate) struct Batch<'a> {
    /// Attributes of the process that emitted the spans (`service.name`, …).
    pub resource: Vec<Attr<'a>>,
    pub spans: Vec<Span<'a>>,
}

/// Reads an OTLP JSON export request. The error is the outcome to report for the line.
pub(crate) fn read_export(line: &[u8]) -> Result<Vec<Batch<'_>>, LineOutcome> {
    let request: ExportRequest<'_> =
        serde_json::from_slice(line).map_err(|err| shape_error(err, line))?;
    let Some(resource_spans) = request.resource_spans else {
        return Err(LineOutcome::Error(
            "not an OTLP trace export: no resourceSpans".into(),
        ));
    };
    let mut batches = Vec::with_capacity(resource_spans.len());
    for entry in resource_spans {
        let resource = entry
            .resource
            .and_then(|r| r.attributes)
            .map(attrs_from_wire)
            .unwrap_or_default();
        let spans = entry
            .scope_spans
            .unwrap_or_default()
            .into_iter()
            .flat_map(|scope| scope.spans.unwrap_or_default())
            .map(Span::from_wire)
            .collect();
        batches.push(Batch { resource, spans });
    }
    Ok(batches)
}

/// A JSON error as a line outcome: broken JSON, or JSON of a shape OTLP does not have.
pub(crate) fn shape_error(err: serde_json::Error, input: &[u8]) -> LineOutcome {
    if err.is_syntax() || err.is_eof() {
        json_error(err, input)
    } else {
        let field = crate::ingest::redact::field_at(input, err.line(), err.column())
            .map(|path| format!("field `{path}`: "))
            .unwrap_or_default();
        LineOutcome::Error(format!(
            "OTLP span data of an unexpected shape: {field}{err}"
        ))
    }
}

/// What one span turned out to be, before its descendants are known.
pub(crate) struct SpanResult {
    pub outcome: LineOutcome,
    /// The span reports a non-zero token count, so spans above it with usage are rollups.
    pub counts_tokens: bool,
}

impl SpanResult {
    /// A span that is no call, and reports no tokens.
    fn skip(reason: SkipReason) -> SpanResult {
        SpanResult::no_call(LineOutcome::Skip(reason))
    }

    /// A span that is no call (a skip or a failure without usage), and reports no tokens.
    pub(crate) fn no_call(outcome: LineOutcome) -> SpanResult {
        SpanResult {
            outcome,
            counts_tokens: false,
        }
    }
}

/// Reads one span of either convention: OpenInference when it says its kind, GenAI otherwise.
pub(crate) fn span_result(span: &Span<'_>, resource: &[Attr<'_>]) -> SpanResult {
    if openinference::is_openinference(&span.attrs) {
        openinference::span_result(span, resource)
    } else {
        genai_span(span, resource)
    }
}

/// The spans among `usage` (children with tokens, as parent keys) and `parents` (child → parent
/// links) that have a token-reporting descendant: every ancestor of a span with tokens.
pub(crate) fn rolled_up(
    parents: &HashMap<u64, u64>,
    usage_parents: impl Iterator<Item = u64>,
) -> HashSet<u64> {
    let mut rolled = HashSet::new();
    for start in usage_parents {
        let mut current = Some(start);
        let mut steps = 0;
        while let Some(span) = current {
            // Once a span is marked, its ancestors are too (or are being walked).
            if !rolled.insert(span) || steps >= MAX_ANCESTOR_STEPS {
                break;
            }
            steps += 1;
            current = parents.get(&span).copied();
        }
    }
    rolled
}

/// Decides the spans of one record (or trace) whose parent links are all known: calls with a
/// token-reporting descendant become rollups.
pub(crate) fn settle(pending: Vec<Held>, parents: &HashMap<u64, u64>, out: &mut Vec<Parsed>) {
    let rolled = rolled_up(
        parents,
        pending
            .iter()
            .filter(|held| held.counts_tokens)
            .filter_map(|held| held.parent),
    );
    for held in pending {
        let outcome = match held.outcome {
            LineOutcome::Call(_) if held.span.is_some_and(|key| rolled.contains(&key)) => {
                LineOutcome::Skip(SkipReason::RollupSpan)
            }
            other => other,
        };
        out.push(Parsed {
            line: held.line,
            outcome,
        });
    }
}

/// A span whose outcome waits on its descendants.
pub(crate) struct Held {
    /// The line the span was read on.
    pub line: u64,
    /// Key of the span's id (`None` when it has none).
    pub span: Option<u64>,
    /// Key of the parent's id (`None` for a root span).
    pub parent: Option<u64>,
    /// See [`SpanResult::counts_tokens`].
    pub counts_tokens: bool,
    pub outcome: LineOutcome,
}

impl Held {
    /// Holds `result` of `span`, read on `line`, with the span's links.
    pub(crate) fn new(line: u64, span: &Span<'_>, result: SpanResult) -> Held {
        Held {
            line,
            span: span.key(),
            parent: span.parent_key(),
            counts_tokens: result.counts_tokens,
            outcome: result.outcome,
        }
    }

    /// Whether the span has to wait: a call (it may be a rollup) or a span with tokens (it
    /// makes its ancestors rollups).
    fn waits(&self) -> bool {
        self.counts_tokens || matches!(self.outcome, LineOutcome::Call(_))
    }
}

/// Records the link of `span` to its parent, if it has both ids.
pub(crate) fn link(parents: &mut HashMap<u64, u64>, span: &Span<'_>) -> bool {
    match (span.key(), span.parent_key()) {
        (Some(child), Some(parent)) => parents.insert(child, parent).is_none(),
        _ => false,
    }
}

// ------------------------------------------------------------------------------------------
// GenAI semantic conventions
// ------------------------------------------------------------------------------------------

/// The attributes of one span this adapter reads, gathered in one pass.
#[derive(Default)]
struct GenAi<'s> {
    any: bool,
    operation: Option<&'s str>,
    /// OpenLLMetry's `llm.request.type` (`chat`, `completion`, `embedding`), before
    /// `gen_ai.operation.name` existed.
    request_type: Option<&'s str>,
    provider: Option<&'s str>,
    system: Option<&'s str>,
    request_model: Option<&'s str>,
    response_model: Option<&'s str>,
    response_id: Option<&'s str>,
    finish_reasons: Option<&'s Value<'s>>,
    input: Option<u64>,
    prompt_legacy: Option<u64>,
    output: Option<u64>,
    completion_legacy: Option<u64>,
    cache_read: Option<u64>,
    cache_write: Option<u64>,
    reasoning: Option<u64>,
    time_to_first_chunk_s: Option<f64>,
    stream: Option<bool>,
    conversation: Option<&'s str>,
    session: Option<&'s str>,
    output_type: Option<&'s str>,
    response_format: Option<&'s str>,
    tier_served: Option<&'s str>,
    tier_requested: Option<&'s str>,
    error_type: Option<&'s str>,
    aws_request_id: Option<&'s str>,
    agent_name: Option<&'s str>,
    /// `gen_ai.usage.cost`: USD the instrumentation computed itself (OpenLIT writes it).
    stated_cost: Option<f64>,
    input_messages: Option<&'s Value<'s>>,
    output_messages: Option<&'s Value<'s>>,
    system_instructions: Option<&'s Value<'s>>,
    tool_definitions: Option<&'s Value<'s>>,
    /// OpenLLMetry's flattened `gen_ai.prompt.<n>.role` / `.content`.
    legacy_prompt: BTreeMap<usize, (Option<&'s str>, Option<&'s str>)>,
}

impl<'s> GenAi<'s> {
    /// Gathers the attributes of one span. Old and new names of the same count are kept
    /// apart and combined new-first; of the cache and reasoning spellings, the first present
    /// is read.
    fn read(attrs: &'s [Attr<'s>]) -> GenAi<'s> {
        let mut g = GenAi::default();
        for attr in attrs {
            let value = &attr.value;
            let Some(name) = attr.key.strip_prefix("gen_ai.") else {
                match attr.key.as_ref() {
                    "llm.request.type" => g.request_type = value.as_str(),
                    "session.id" => g.session = value.as_str(),
                    "error.type" => g.error_type = value.as_str(),
                    "aws.request_id" => g.aws_request_id = value.as_str(),
                    "openai.response.service_tier" => g.tier_served = value.as_str(),
                    "openai.request.service_tier" => g.tier_requested = value.as_str(),
                    "openai.request.response_format" => g.response_format = value.as_str(),
                    _ => {}
                }
                continue;
            };
            g.any = true;
            match name {
                "operation.name" => g.operation = value.as_str(),
                "provider.name" => g.provider = value.as_str(),
                "system" => g.system = value.as_str(),
                "request.model" => g.request_model = value.as_str(),
                "response.model" => g.response_model = value.as_str(),
                "response.id" => g.response_id = value.as_str(),
                "response.finish_reasons" => g.finish_reasons = Some(value),
                "response.time_to_first_chunk" => g.time_to_first_chunk_s = value.as_f64(),
                "usage.input_tokens" => g.input = value.as_u64(),
                "usage.prompt_tokens" => g.prompt_legacy = value.as_u64(),
                "usage.output_tokens" => g.output = value.as_u64(),
                "usage.completion_tokens" => g.completion_legacy = value.as_u64(),
                "usage.cache_read.input_tokens" | "usage.cache_read_input_tokens" => {
                    g.cache_read = g.cache_read.or(value.as_u64());
                }
                "usage.cache_creation.input_tokens"
                | "usage.cache_write.input_tokens"
                | "usage.cache_creation_input_tokens" => {
                    g.cache_write = g.cache_write.or(value.as_u64());
                }
                "usage.reasoning.output_tokens" | "usage.reasoning_tokens" => {
                    g.reasoning = g.reasoning.or(value.as_u64());
                }
                "usage.cost" => g.stated_cost = value.as_f64().filter(|c| *c >= 0.0),
                "request.stream" => g.stream = value.as_bool(),
                "conversation.id" => g.conversation = value.as_str(),
                "output.type" => g.output_type = value.as_str(),
                "openai.request.response_format" => g.response_format = value.as_str(),
                "openai.response.service_tier" => g.tier_served = value.as_str(),
                "openai.request.service_tier" => g.tier_requested = value.as_str(),
                "agent.name" => g.agent_name = value.as_str(),
                "input.messages" => g.input_messages = Some(value),
                "output.messages" => g.output_messages = Some(value),
                "system_instructions" => g.system_instructions = Some(value),
                "tool.definitions" => g.tool_definitions = Some(value),
                other => {
                    if let Some((index, field)) = other
                        .strip_prefix("prompt.")
                        .and_then(|rest| rest.split_once('.'))
                        && let Ok(index) = index.parse::<usize>()
                    {
                        let slot = g.legacy_prompt.entry(index).or_default();
                        match field {
                            "role" => slot.0 = value.as_str(),
                            "content" => slot.1 = value.as_str(),
                            _ => {}
                        }
                    }
                }
            }
        }
        g
    }

    /// Whether the span states any token count at all (zero included).
    fn has_usage(&self) -> bool {
        self.input.is_some()
            || self.prompt_legacy.is_some()
            || self.output.is_some()
            || self.completion_legacy.is_some()
            || self.cache_read.is_some()
            || self.cache_write.is_some()
    }

    /// The operation, from the current attribute or OpenLLMetry's request type.
    fn operation(&self) -> Option<&'s str> {
        self.operation.or(self.request_type)
    }

    /// Exclusive buckets from the spec's inclusive counts (see the module notes).
    fn buckets(&self) -> TokenBuckets {
        openai_style(
            self.input.or(self.prompt_legacy).unwrap_or(0),
            self.cache_read.unwrap_or(0),
            self.cache_write.unwrap_or(0),
            self.output.or(self.completion_legacy).unwrap_or(0),
            self.reasoning.unwrap_or(0),
        )
    }
}

/// Operations that call a model (registry `gen_ai.operation.name` members, plus OpenLLMetry's
/// `llm.request.type` values).
fn is_model_operation(operation: &str) -> bool {
    matches!(
        operation,
        "chat" | "text_completion" | "generate_content" | "embeddings" | "completion" | "embedding"
    )
}

/// Reads one span under the GenAI semantic conventions.
pub(crate) fn genai_span(span: &Span<'_>, resource: &[Attr<'_>]) -> SpanResult {
    let g = GenAi::read(&span.attrs);
    if !g.any {
        return SpanResult::skip(SkipReason::NotAModelCall);
    }
    let model = g
        .response_model
        .or(g.request_model)
        .map(str::trim)
        .filter(|m| !m.is_empty());
    let failure = (span.failed || g.error_type.is_some())
        .then(|| FailureCause::derive(None, &[g.error_type.unwrap_or_default()]));
    if !g.has_usage() {
        let model_call = match g.operation() {
            Some(operation) => is_model_operation(operation),
            None => model.is_some(),
        };
        return if model_call {
            SpanResult::no_call(LineOutcome::without_usage(failure))
        } else {
            SpanResult::skip(SkipReason::NotAModelCall)
        };
    }
    let tokens = g.buckets();
    let counts_tokens = tokens.total() > 0;
    let Some(model) = model else {
        return SpanResult {
            outcome: LineOutcome::Error(format!(
                "span `{}` reports token usage but no gen_ai.request.model or \
                 gen_ai.response.model",
                span.name
            )),
            counts_tokens,
        };
    };
    let mut record = CallRecord {
        provider: provider_for(g.provider.or(g.system), model),
        model: model.to_string(),
        timestamp_ms: span.timestamp_ms(),
        latency_ms: span.latency_ms(),
        time_to_first_token_ms: g
            .time_to_first_chunk_s
            .filter(|s| *s >= 0.0)
            .map(|s| s * 1000.0),
        tokens,
        response_id: nonempty(g.response_id),
        request_id: nonempty(g.aws_request_id).or_else(|| nonempty(Some(&span.span_id))),
        session_id: nonempty(g.conversation)
            .or_else(|| nonempty(g.session))
            .or_else(|| nonempty(Some(&span.trace_id))),
        stated_cost_usd: g.stated_cost,
        service_tier: nonempty(g.tier_served).or_else(|| {
            nonempty(g.tier_requested).filter(|tier| !tier.eq_ignore_ascii_case("auto"))
        }),
        ..CallRecord::default()
    };
    apply_features(&g, &mut record);
    record.failure = failure;
    record.status = if failure.is_some() {
        CallStatus::Error
    } else if is_cut_short(record.features.finish_reason.as_deref()) {
        CallStatus::Incomplete
    } else {
        CallStatus::Ok
    };
    add_tags(resource, &mut record.tags);
    add_tags(&span.attrs, &mut record.tags);
    if let Some(agent) = nonempty(g.agent_name) {
        record.tags.push(("agent".into(), agent));
    }
    if let Some(trace) = nonempty(Some(&span.trace_id)) {
        record.tags.push(("trace_id".into(), trace));
    }
    SpanResult {
        outcome: LineOutcome::Call(Box::new(record)),
        counts_tokens,
    }
}

/// Streaming, structured output, tools, finish reason and prompt text.
fn apply_features(g: &GenAi<'_>, record: &mut CallRecord) {
    let features = &mut record.features;
    let reasons: Vec<&str> = match g.finish_reasons {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(Value::Str(text)) => vec![text.as_ref()],
        _ => Vec::new(),
    };
    features.finish_reason = reasons.first().map(|r| r.to_string());
    features.streamed = g.stream.unwrap_or(false) || g.time_to_first_chunk_s.is_some();
    features.json_schema = g.output_type == Some("json")
        || matches!(g.response_format, Some("json_schema" | "json_object"));
    features.tools_defined = g.tool_definitions.map_or(0, |v| list_len(&v.to_json()));
    let (tool_calls, output_finish) = g.output_messages.map_or((0, None), read_output_messages);
    features.tool_calls = if tool_calls > 0 {
        tool_calls
    } else {
        reasons
            .iter()
            .filter(|r| matches!(**r, "tool_calls" | "tool_use" | "function_call"))
            .count() as u32
    };
    if features.finish_reason.is_none() {
        features.finish_reason = output_finish;
    }
    let mut prompt = PromptSummary::default();
    if let Some(system) = g.system_instructions {
        prompt.add_system(&parts_text(&system.to_json()));
    }
    if let Some(definitions) = g.tool_definitions {
        add_tool_definitions(definitions, &mut prompt);
    }
    if let Some(messages) = g.input_messages {
        add_genai_messages(&messages.to_json(), &mut prompt);
    } else {
        for (role, content) in g.legacy_prompt.values() {
            let role = Role::from_name(role.unwrap_or("user"));
            let content = content.and_then(|text| serde_json::value::to_raw_value(text).ok());
            prompt.add_message(role, content.as_deref());
        }
    }
    let features = &mut record.features;
    features.message_count = prompt.messages;
    features.images = prompt.images;
    features.tool_results = prompt.tool_results;
    record.text = prompt.text();
    record.prefix = prompt.prefix();
    record.features.redacted |= prompt.redacted;
}

/// Finish reasons that mean the answer was cut short.
pub(crate) fn is_cut_short(reason: Option<&str>) -> bool {
    matches!(
        reason,
        Some("length" | "max_tokens" | "content_filter" | "MAX_TOKENS" | "SAFETY" | "refusal")
    )
}

/// Adds `gen_ai.tool.definitions` (a JSON string or a structured value) to the repeated
/// prefix a prompt cache could serve.
fn add_tool_definitions(definitions: &Value<'_>, prompt: &mut PromptSummary) {
    let text = match definitions {
        Value::Str(text) => text.to_string(),
        other => other.to_json().to_string(),
    };
    if let Ok(raw) = RawValue::from_string(text) {
        prompt.add_tool_definitions(&raw);
    }
}

/// Items in a JSON array (0 for anything else).
fn list_len(value: &serde_json::Value) -> u32 {
    value.as_array().map_or(0, |items| items.len() as u32)
}

/// The text of a list of `{type: "text", content}` parts (or a plain string).
fn parts_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Array(parts) => {
            let texts: Vec<&str> = parts
                .iter()
                .filter(|p| p.get("type").and_then(|t| t.as_str()).unwrap_or("text") == "text")
                .filter_map(|p| p.get("content").and_then(|c| c.as_str()))
                .collect();
            texts.join("\n")
        }
        _ => String::new(),
    }
}

/// Adds `gen_ai.input.messages` (`[{role, parts: [{type, content, …}]}]`) to the prompt. Parts
/// are rewritten into the shapes [`PromptSummary`] reads: text, attachments, tool results.
fn add_genai_messages(messages: &serde_json::Value, prompt: &mut PromptSummary) {
    let Some(messages) = messages.as_array() else {
        return;
    };
    for message in messages {
        let role_name = message
            .get("role")
            .and_then(|r| r.as_str())
            .unwrap_or("user");
        let role = Role::from_name(role_name);
        let mut parts = Vec::new();
        for part in message
            .get("parts")
            .and_then(|p| p.as_array())
            .into_iter()
            .flatten()
        {
            let kind = part.get("type").and_then(|t| t.as_str()).unwrap_or("");
            match kind {
                "text" => parts.push(serde_json::json!({
                    "type": "text",
                    "text": part.get("content").and_then(|c| c.as_str()).unwrap_or(""),
                })),
                "blob" | "uri" | "file" | "image" => {
                    parts.push(serde_json::json!({"type": "image"}));
                }
                "tool_call_response" => {
                    let result = match part.get("response").or_else(|| part.get("result")) {
                        Some(serde_json::Value::String(text)) => text.clone(),
                        Some(other) => other.to_string(),
                        None => String::new(),
                    };
                    if role == Role::Tool {
                        parts.push(serde_json::json!({"type": "text", "text": result}));
                    } else {
                        parts.push(serde_json::json!({"type": "tool_result", "content": result}));
                    }
                }
                _ => {}
            }
        }
        let content = serde_json::value::to_raw_value(&parts).ok();
        prompt.add_message(role, content.as_deref());
    }
}

/// Tool calls in `gen_ai.output.messages`, and the first message's finish reason.
fn read_output_messages(value: &Value<'_>) -> (u32, Option<String>) {
    let json = value.to_json();
    let Some(messages) = json.as_array() else {
        return (0, None);
    };
    let calls = messages
        .iter()
        .filter_map(|m| m.get("parts").and_then(|p| p.as_array()))
        .flatten()
        .filter(|p| p.get("type").and_then(|t| t.as_str()) == Some("tool_call"))
        .count() as u32;
    let finish = messages
        .first()
        .and_then(|m| m.get("finish_reason"))
        .and_then(|f| f.as_str())
        .map(str::to_string);
    (calls, finish)
}

/// Tags every span convention shares: service and environment (resource), user, the
/// application's own `app.*` attributes (the namespace OTel vendors recommend for custom
/// attributes) and OpenLLMetry association properties.
pub(crate) fn add_tags(attrs: &[Attr<'_>], tags: &mut Vec<(String, String)>) {
    for attr in attrs {
        let Some(value) = attr.value.as_str().map(str::trim).filter(|v| !v.is_empty()) else {
            continue;
        };
        let key = attr.key.as_ref();
        let tag = match key {
            "service.name" => "service",
            "deployment.environment.name" | "deployment.environment" => "environment",
            "user.id" | "enduser.id" => "user",
            _ => match key
                .strip_prefix("app.")
                .or_else(|| key.strip_prefix("traceloop.association.properties."))
            {
                Some(name) if !name.is_empty() => name,
                _ => continue,
            },
        };
        if !tags.iter().any(|(k, v)| k == tag && v == value) {
            tags.push((tag.to_string(), value.to_string()));
        }
    }
}

/// Owned text of a non-empty value.
pub(crate) fn nonempty(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// The provider of a call: the model's maker when the name says it (a Claude model on Vertex
/// AI or Bedrock is priced as Anthropic's), else the provider the span names (GenAI
/// `gen_ai.provider.name` / `gen_ai.system` values, OpenInference `llm.provider` /
/// `llm.system` values).
pub(crate) fn provider_for(name: Option<&str>, model: &str) -> Provider {
    let by_model = Provider::from_model(model);
    if by_model != Provider::Unknown {
        return by_model;
    }
    match name.map(|n| n.trim().to_ascii_lowercase()).as_deref() {
        Some("openai" | "azure.ai.openai" | "az.ai.openai" | "azure" | "azure_openai") => {
            Provider::OpenAi
        }
        Some("anthropic") => Provider::Anthropic,
        Some(
            "gcp.gemini" | "gcp.vertex_ai" | "gcp.gen_ai" | "gemini" | "vertex_ai" | "vertexai"
            | "google",
        ) => Provider::Google,
        Some("deepseek") => Provider::DeepSeek,
        _ => Provider::Unknown,
    }
}

// ------------------------------------------------------------------------------------------
// The parser: spans held per trace until their descendants are known
// ------------------------------------------------------------------------------------------

/// Spans of one undecided trace.
struct TraceBuffer {
    /// Which buffer of this trace id this is (see [`OtelParser::generation`]).
    generation: u64,
    /// Child → parent links of every span read in this trace.
    parents: HashMap<u64, u64>,
    /// Spans waiting for the decision, in the order read.
    pending: Vec<Held>,
}

/// Reads an OTLP file in order, holding spans with usage until their trace is decided.
#[derive(Default)]
struct OtelParser {
    /// Undecided traces by key of their trace id.
    traces: HashMap<u64, TraceBuffer>,
    /// Undecided traces, oldest first (entries of decided traces are dropped lazily).
    arrival: VecDeque<(u64, u64)>,
    /// Traces whose root span was read: (line of the root, trace key, generation).
    ready: VecDeque<(u64, u64, u64)>,
    /// Counter that tells a trace decided and read again apart from its first buffer.
    generation: u64,
    /// Links held across all traces.
    links: usize,
    /// Spans held across all traces.
    pending: usize,
}

impl OtelParser {
    /// Files a span under its trace: its link, and its outcome (now, or held).
    fn take(&mut self, line_no: u64, span: &Span<'_>, result: SpanResult, out: &mut Vec<Parsed>) {
        let held = Held::new(line_no, span, result);
        let trace = span.trace_id.trim();
        if trace.is_empty() {
            // No trace to link within: the span stands alone.
            out.push(Parsed {
                line: line_no,
                outcome: held.outcome,
            });
            return;
        }
        let key = stable_hash(&[trace.as_bytes()]);
        let buffer = match self.traces.entry(key) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => {
                self.generation += 1;
                self.arrival.push_back((key, self.generation));
                entry.insert(TraceBuffer {
                    generation: self.generation,
                    parents: HashMap::new(),
                    pending: Vec::new(),
                })
            }
        };
        if link(&mut buffer.parents, span) {
            self.links += 1;
        }
        if held.waits() {
            buffer.pending.push(held);
            self.pending += 1;
        } else {
            out.push(Parsed {
                line: held.line,
                outcome: held.outcome,
            });
        }
        if span.parent_key().is_none() {
            self.ready.push_back((line_no, key, buffer.generation));
        }
    }

    /// Decides one trace and forgets it.
    fn decide(&mut self, key: u64, generation: u64, out: &mut Vec<Parsed>) {
        if self
            .traces
            .get(&key)
            .is_none_or(|buffer| buffer.generation != generation)
        {
            return;
        }
        let Some(buffer) = self.traces.remove(&key) else {
            return;
        };
        self.links -= buffer.parents.len();
        self.pending -= buffer.pending.len();
        settle(buffer.pending, &buffer.parents, out);
    }

    /// Decides the traces whose root was read long enough ago, then the oldest traces while
    /// the buffers are over their caps.
    fn decide_due(&mut self, line_no: u64, out: &mut Vec<Parsed>) {
        while let Some(&(root_line, key, generation)) = self.ready.front() {
            if root_line.saturating_add(GRACE_LINES) > line_no {
                break;
            }
            self.ready.pop_front();
            self.decide(key, generation, out);
        }
        while self.pending > MAX_PENDING_SPANS || self.links > MAX_LINKS {
            let Some((key, generation)) = self.arrival.pop_front() else {
                break;
            };
            self.decide(key, generation, out);
        }
        if self.arrival.len() > 2 * self.traces.len() + 1024 {
            let traces = &self.traces;
            self.arrival.retain(|(key, generation)| {
                traces.get(key).is_some_and(|b| b.generation == *generation)
            });
        }
    }
}

impl LineParser for OtelParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        match read_export(line) {
            Ok(batches) => {
                for batch in &batches {
                    for span in &batch.spans {
                        let result = span_result(span, &batch.resource);
                        self.take(line_no, span, result, out);
                    }
                }
            }
            Err(outcome) => out.push(Parsed {
                line: line_no,
                outcome,
            }),
        }
        self.decide_due(line_no, out);
    }

    fn finish(&mut self, out: &mut Vec<Parsed>) {
        while let Some((key, generation)) = self.arrival.pop_front() {
            self.decide(key, generation, out);
        }
        // Every buffer has an arrival entry; this only guards the accounting promise.
        let rest: Vec<(u64, u64)> = self
            .traces
            .iter()
            .map(|(key, buffer)| (*key, buffer.generation))
            .collect();
        for (key, generation) in rest {
            self.decide(key, generation, out);
        }
        self.ready.clear();
    }
}

/// Whether a parsed JSON value is an OTLP trace export of GenAI (not OpenInference) spans.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    let Some(resource_spans) = value
        .get("resourceSpans")
        .or_else(|| value.get("resource_spans"))
        .and_then(|r| r.as_array())
    else {
        return false;
    };
    !openinference::otlp_has_openinference(resource_spans)
}

/// A fresh parser for one OTLP file.
pub(crate) fn parser() -> Box<dyn LineParser> {
    Box::new(OtelParser::default())
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::ingest::test_support::priced as cost;
    use crate::ingest::{InputFormat, detect_document, detect_format, parse_lines};
    use crate::money::Money;

    const SPANS: &str = include_str!("../../fixtures/logs/otel/genai_spans.jsonl");
    const DOCUMENT: &str = include_str!("../../fixtures/logs/otel/otlp_export.json");

    fn usd(text: &str) -> Money {
        Money::parse_usd(text).unwrap()
    }

    fn parse(text: &str) -> Vec<Parsed> {
        let lines: Vec<&[u8]> = text.lines().map(str::as_bytes).collect();
        parse_lines(InputFormat::Otel, &lines)
    }

    fn calls(parsed: &[Parsed]) -> Vec<(u64, &CallRecord)> {
        parsed
            .iter()
            .filter_map(|p| match &p.outcome {
                LineOutcome::Call(record) => Some((p.line, record.as_ref())),
                _ => None,
            })
            .collect()
    }

    fn call_with<'p>(parsed: &'p [Parsed], response_id: &str) -> &'p CallRecord {
        calls(parsed)
            .into_iter()
            .find(|(_, r)| r.response_id.as_deref() == Some(response_id))
            .map(|(_, r)| r)
            .unwrap_or_else(|| panic!("no call with response id {response_id}"))
    }

    fn skips(parsed: &[Parsed]) -> Vec<(u64, SkipReason)> {
        let mut skips: Vec<(u64, SkipReason)> = parsed
            .iter()
            .filter_map(|p| Some((p.line, p.outcome.skip_reason()?)))
            .collect();
        skips.sort();
        skips
    }

    fn tokens(input: u64, read: u64, write: u64, output: u64, reasoning: u64) -> TokenBuckets {
        TokenBuckets {
            input,
            cache_read: read,
            cache_write_5m: write,
            cache_write_1h: 0,
            output,
            reasoning,
        }
    }

    fn has_tag(record: &CallRecord, key: &str, value: &str) -> bool {
        record.tags.iter().any(|(k, v)| k == key && v == value)
    }

    #[test]
    fn every_span_of_the_fixture_is_accounted_for() {
        let parsed = parse(SPANS);
        // 2 + 3 + 2 + 7 + 1 + 1 spans on six lines.
        assert_eq!(parsed.len(), 16);
        assert!(
            parsed
                .iter()
                .all(|p| !matches!(p.outcome, LineOutcome::Error(_)))
        );
        assert_eq!(calls(&parsed).len(), 8);
        assert_eq!(
            skips(&parsed),
            vec![
                (1, SkipReason::NotAModelCall), // the HTTP server span
                (2, SkipReason::NotAModelCall), // execute_tool
                (3, SkipReason::RollupSpan),    // invoke_agent summing its two chats
                (4, SkipReason::NotAModelCall), // create_agent
                (4, SkipReason::NotAModelCall), // the job's root span, no gen_ai attributes
                (4, SkipReason::NoUsage),       // chat without usage
                (4, SkipReason::ProviderError), // status ERROR, error.type 429, no usage
                (5, SkipReason::RollupSpan),    // framework span wrapping the SDK's span
            ]
        );
        // The failed chat is a rate limit (error.type 429), counted without usage.
        let causes: Vec<FailureCause> = parsed
            .iter()
            .filter_map(|p| match p.outcome {
                LineOutcome::Failed(cause) => Some(cause),
                _ => None,
            })
            .collect();
        assert_eq!(causes, [FailureCause::RateLimit]);
    }

    #[test]
    fn anthropic_chat_with_cache_reads_and_writes() {
        let parsed = parse(SPANS);
        let call = call_with(&parsed, "msg_01FixtureOtelCheckout0001");
        // input_tokens 2,406 includes 1,800 cache reads and 200 cache writes (spec v1.40+).
        assert_eq!(call.tokens, tokens(406, 1800, 200, 50, 0));
        // claude-sonnet-4-5: 406 × $3/M + 1,800 × $0.30/M + 200 × $3.75/M + 50 × $15/M
        // = 0.001218 + 0.00054 + 0.00075 + 0.00075 = $0.003258
        assert_eq!(cost(call), Some(usd("0.003258")));
        assert_eq!(call.provider, Provider::Anthropic);
        assert_eq!(call.model, "claude-sonnet-4-5-20250929");
        assert_eq!(call.timestamp_ms, Some(1_761_766_343_238));
        assert_eq!(call.latency_ms, Some(1773.0));
        // time_to_first_chunk is in seconds.
        assert_eq!(call.time_to_first_token_ms, Some(412.0));
        assert_eq!(call.session_id.as_deref(), Some("conv_fixture_checkout_1"));
        assert_eq!(call.request_id.as_deref(), Some("eee19b7ec3c1b174"));
        assert!(call.features.streamed && call.features.json_schema);
        assert_eq!(call.features.finish_reason.as_deref(), Some("end_turn"));
        assert_eq!(call.features.message_count, 1);
        let text = call.text.as_ref().unwrap();
        assert_eq!(text.system, "Extract the order as JSON.");
        assert_eq!(text.user, "2 green teas at $5.50 and 1 coffee at $3.00");
        for (key, value) in [
            ("service", "checkout-api"),
            ("environment", "prod"),
            ("user", "user-42"),
            ("feature", "order-extract"),
            ("trace_id", "5b8efff798038103d269b633813fc60c"),
        ] {
            assert!(
                has_tag(call, key, value),
                "{key}={value} in {:?}",
                call.tags
            );
        }
    }

    #[test]
    fn agent_chats_count_and_the_agent_span_is_a_rollup() {
        let parsed = parse(SPANS);
        let first = call_with(&parsed, "chatcmpl-FixtureAgentTurn1");
        // 3,200 input including 2,048 cached; 900 output including 640 reasoning.
        assert_eq!(first.tokens, tokens(1152, 2048, 0, 900, 640));
        // gpt-5-mini: 1,152 × $0.25/M + 2,048 × $0.025/M + 900 × $2/M
        // = 0.000288 + 0.0000512 + 0.0018 = $0.0021392
        assert_eq!(cost(first), Some(usd("0.0021392")));
        assert_eq!(first.features.tool_calls, 1);
        assert_eq!(first.features.tools_defined, 1);
        assert_eq!(first.service_tier.as_deref(), Some("default"));
        assert!(has_tag(first, "environment", "staging"));
        let second = call_with(&parsed, "chatcmpl-FixtureAgentTurn2");
        assert_eq!(second.tokens, tokens(328, 3072, 0, 120, 64));
        // 328 × $0.25/M + 3,072 × $0.025/M + 120 × $2/M = 0.000082 + 0.0000768 + 0.00024
        assert_eq!(cost(second), Some(usd("0.0003988")));
        // The invoke_agent span (line 3) reports 6,600 / 1,020 tokens: the two chats' sum.
        assert!(
            calls(&parsed)
                .iter()
                .all(|(_, r)| r.model != "gpt-5-mini" || r.tokens.output != 1020)
        );
    }

    #[test]
    fn pre_1_37_names_and_openllmetry_spellings() {
        let parsed = parse(SPANS);
        let call = calls(&parsed)
            .into_iter()
            .find(|(line, _)| *line == 3)
            .map(|(_, r)| r)
            .unwrap();
        // gen_ai.system, gen_ai.usage.prompt_tokens / completion_tokens and
        // gen_ai.usage.cache_read_input_tokens: 1,500 prompt tokens including 1,024 cached.
        assert_eq!(call.provider, Provider::OpenAi);
        assert_eq!(call.model, "gpt-4o-mini-2024-07-18");
        assert_eq!(call.tokens, tokens(476, 1024, 0, 200, 0));
        // gpt-4o-mini: 476 × $0.15/M + 1,024 × $0.075/M + 200 × $0.60/M
        // = 0.0000714 + 0.0000768 + 0.00012 = $0.0002682
        assert_eq!(cost(call), Some(usd("0.0002682")));
        // gen_ai.prompt.<n>.role / .content
        assert_eq!(call.features.message_count, 2);
        assert_eq!(
            call.text.as_ref().unwrap().system,
            "You classify support tickets."
        );
        assert!(has_tag(call, "team", "support"));
        // No conversation id: the trace is the session.
        assert_eq!(
            call.session_id.as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
    }

    #[test]
    fn reasoning_outside_output_is_added_to_output() {
        let parsed = parse(SPANS);
        let call = calls(&parsed)
            .into_iter()
            .find(|(_, r)| r.model == "gemini-2.5-flash")
            .map(|(_, r)| r)
            .unwrap();
        // output_tokens 300 < reasoning 700: the instrumentation copied Gemini's
        // candidatesTokenCount, which leaves thoughts out. Billed output is 1,000.
        assert_eq!(call.tokens, tokens(1000, 4000, 0, 1000, 700));
        assert_eq!(call.provider, Provider::Google);
        // gemini-2.5-flash: 1,000 × $0.30/M + 4,000 × $0.03/M + 1,000 × $2.50/M
        // = 0.0003 + 0.00012 + 0.0025 = $0.00292
        assert_eq!(cost(call), Some(usd("0.00292")));
    }

    #[test]
    fn anthropic_count_that_excludes_the_cache_is_taken_as_uncached_input() {
        let parsed = parse(SPANS);
        let call = call_with(&parsed, "msg_01FixtureRawAnthropicCount");
        // input_tokens 12 is smaller than 3,000 + 500 cached: Anthropic's own exclusive count.
        assert_eq!(call.tokens, tokens(12, 3000, 500, 80, 0));
        // claude-haiku-4-5: 12 × $1/M + 3,000 × $0.10/M + 500 × $1.25/M + 80 × $5/M
        // = 0.000012 + 0.0003 + 0.000625 + 0.0004 = $0.001337
        assert_eq!(cost(call), Some(usd("0.001337")));
    }

    #[test]
    fn embeddings_with_usage_are_calls_priced_at_the_embedding_price() {
        let parsed = parse(SPANS);
        let call = calls(&parsed)
            .into_iter()
            .find(|(_, r)| r.model == "text-embedding-3-small")
            .map(|(_, r)| r)
            .unwrap();
        assert_eq!(call.tokens, tokens(512, 0, 0, 0, 0));
        assert_eq!(call.provider, Provider::OpenAi);
        // text-embedding-3-small, $0.02 per million input tokens: 512 × 0.02/M.
        assert_eq!(cost(call), Some(usd("0.00001024")));
    }

    #[test]
    fn wrapped_sdk_span_counts_once_even_when_its_parent_came_first() {
        let parsed = parse(SPANS);
        let call = call_with(&parsed, "chatcmpl-FixtureWrapped");
        assert_eq!(call.tokens, tokens(800, 0, 0, 40, 0));
        // gpt-4o-mini: 800 × $0.15/M + 40 × $0.60/M = 0.00012 + 0.000024 = $0.000144
        assert_eq!(cost(call), Some(usd("0.000144")));
        assert_eq!(call.status, CallStatus::Incomplete);
        let framework = calls(&parsed)
            .iter()
            .filter(|(_, r)| r.tokens == tokens(800, 0, 0, 40, 0))
            .count();
        assert_eq!(framework, 1);
    }

    #[test]
    fn one_export_request_as_a_document() {
        let value: serde_json::Value = serde_json::from_str(DOCUMENT).unwrap();
        assert_eq!(detect_document(&value), Some(InputFormat::Otel));
        let parsed = parse_lines(InputFormat::Otel, &[DOCUMENT.as_bytes()]);
        assert_eq!(parsed.len(), 1);
        let call = call_with(&parsed, "chatcmpl-FixtureAzureDoc");
        assert_eq!(call.provider, Provider::OpenAi);
        assert_eq!(call.tokens, tokens(416, 3584, 0, 250, 0));
        // gpt-4.1-mini: 416 × $0.40/M + 3,584 × $0.10/M + 250 × $1.60/M
        // = 0.0001664 + 0.0003584 + 0.0004 = $0.0009248
        assert_eq!(cost(call), Some(usd("0.0009248")));
        // The served tier, not the requested `auto`.
        assert_eq!(call.service_tier.as_deref(), Some("default"));
    }

    #[test]
    fn detects_the_fixture_and_leaves_openinference_alone() {
        assert_eq!(detect_format(SPANS.as_bytes()), Some(InputFormat::Otel));
        for line in SPANS.lines() {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(looks_like(&value));
        }
        let openinference = include_str!("../../fixtures/logs/openinference/otlp_spans.jsonl");
        for line in openinference.lines() {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(!looks_like(&value));
        }
        assert!(!looks_like(
            &serde_json::json!({"object": "chat.completion"})
        ));
    }

    /// One span as an OTLP line.
    fn export_line(trace: &str, span: &str, parent: &str, attrs: &str) -> String {
        format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"{trace}","spanId":"{span}","parentSpanId":"{parent}","name":"s","startTimeUnixNano":"1761766343000000000","endTimeUnixNano":"1761766344000000000","attributes":[{attrs}]}}]}}]}}]}}"#
        )
    }

    fn usage_attrs(input: u64, output: u64) -> String {
        format!(
            r#"{{"key":"gen_ai.request.model","value":{{"stringValue":"gpt-4o-mini"}}}},{{"key":"gen_ai.usage.input_tokens","value":{{"intValue":"{input}"}}}},{{"key":"gen_ai.usage.output_tokens","value":{{"intValue":{output}}}}}"#
        )
    }

    #[test]
    fn renamed_cache_write_and_numeric_int_values() {
        let attrs = format!(
            r#"{},{{"key":"gen_ai.usage.cache_write.input_tokens","value":{{"intValue":"300"}}}}"#,
            usage_attrs(1000, 7)
        );
        let line = export_line("t1", "s1", "", &attrs);
        let parsed = parse_lines(InputFormat::Otel, &[line.as_bytes()]);
        let (_, call) = calls(&parsed)[0];
        // intValue as a string ("1000") or as a number (7) alike.
        assert_eq!(call.tokens, tokens(700, 0, 300, 7, 0));
    }

    #[test]
    fn a_parent_arriving_after_its_child_is_a_rollup() {
        let child = export_line("t1", "c1", "p1", &usage_attrs(100, 10));
        let parent = export_line("t1", "p1", "", &usage_attrs(100, 10));
        let parsed = parse_lines(InputFormat::Otel, &[child.as_bytes(), parent.as_bytes()]);
        assert_eq!(calls(&parsed).len(), 1);
        assert_eq!(calls(&parsed)[0].0, 1);
        assert_eq!(skips(&parsed), vec![(2, SkipReason::RollupSpan)]);
    }

    #[test]
    fn a_rollup_is_seen_through_spans_without_gen_ai_attributes() {
        let chat = export_line("t1", "c1", "m1", &usage_attrs(100, 10));
        let middle = export_line("t1", "m1", "a1", "");
        let agent = export_line("t1", "a1", "", &usage_attrs(100, 10));
        let parsed = parse_lines(
            InputFormat::Otel,
            &[chat.as_bytes(), middle.as_bytes(), agent.as_bytes()],
        );
        assert_eq!(calls(&parsed).len(), 1);
        assert_eq!(
            skips(&parsed),
            vec![(2, SkipReason::NotAModelCall), (3, SkipReason::RollupSpan)]
        );
    }

    #[test]
    fn zero_usage_children_do_not_make_their_parent_a_rollup() {
        let child = export_line("t1", "c1", "p1", &usage_attrs(0, 0));
        let parent = export_line("t1", "p1", "", &usage_attrs(100, 10));
        let parsed = parse_lines(InputFormat::Otel, &[child.as_bytes(), parent.as_bytes()]);
        assert_eq!(calls(&parsed).len(), 2);
    }

    #[test]
    fn a_trace_is_decided_grace_lines_after_its_root() {
        let mut parser = parser();
        let mut out = Vec::new();
        let root = export_line("t1", "p1", "", &usage_attrs(100, 10));
        parser.line(1, root.as_bytes(), &mut out);
        assert!(out.is_empty(), "the root call waits for late children");
        let filler = export_line("t2", "x", "y", "");
        for line_no in 2..=GRACE_LINES {
            parser.line(line_no, filler.as_bytes(), &mut out);
        }
        assert!(calls(&out).is_empty());
        parser.line(GRACE_LINES + 1, filler.as_bytes(), &mut out);
        assert_eq!(
            calls(&out).len(),
            1,
            "decided {GRACE_LINES} lines after the root"
        );
        // A child arriving later is judged alone: the documented limit of the window.
        let late = export_line("t1", "c1", "p1", &usage_attrs(100, 10));
        parser.line(GRACE_LINES + 2, late.as_bytes(), &mut out);
        parser.finish(&mut out);
        assert_eq!(calls(&out).len(), 2);
        assert_eq!(out.len() as u64, GRACE_LINES + 2);
    }

    #[test]
    fn held_spans_stay_bounded() {
        let mut parser = parser();
        let mut out = Vec::new();
        // Non-root spans of distinct traces: none of them is ever ready on its own.
        for n in 0..=MAX_PENDING_SPANS as u64 {
            let line = export_line(&format!("t{n}"), "c", "p", &usage_attrs(10, 1));
            parser.line(n + 1, line.as_bytes(), &mut out);
        }
        assert_eq!(calls(&out).len(), 1, "the oldest trace was decided early");
        assert_eq!(out[0].line, 1);
        parser.finish(&mut out);
        assert_eq!(out.len(), MAX_PENDING_SPANS + 1);
    }

    #[test]
    fn cyclic_parent_ids_end() {
        let a = export_line("t1", "a", "b", &usage_attrs(10, 1));
        let b = export_line("t1", "b", "a", &usage_attrs(10, 1));
        let parsed = parse_lines(InputFormat::Otel, &[a.as_bytes(), b.as_bytes()]);
        assert_eq!(parsed.len(), 2);
    }

    #[test]
    fn malformed_records_are_errors() {
        let cases: [(&str, &str); 5] = [
            (
                r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"#,
                "truncated",
            ),
            (r#"{"hello":"world"}"#, "no resourceSpans"),
            (r#"{"resourceSpans":5}"#, "unexpected shape"),
            (
                r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":7}]}]}]}]}"#,
                "unexpected shape",
            ),
            (
                &export_line(
                    "t",
                    "s",
                    "",
                    r#"{"key":"gen_ai.usage.input_tokens","value":{"intValue":"5"}}"#,
                ),
                "no gen_ai.request.model",
            ),
        ];
        for (line, expected) in cases {
            let parsed = parse_lines(InputFormat::Otel, &[line.as_bytes()]);
            assert_eq!(parsed.len(), 1, "{line}");
            match &parsed[0].outcome {
                LineOutcome::Error(message) => {
                    assert!(message.contains(expected), "{message} for {line}");
                }
                other => panic!("{other:?} for {line}"),
            }
        }
    }

    #[test]
    fn odd_values_do_not_panic() {
        let attrs = r#"{"key":"gen_ai.usage.input_tokens","value":{"intValue":"lots"}},
            {"key":"gen_ai.usage.output_tokens","value":{"intValue":"-4"}},
            {"key":"gen_ai.request.model","value":{"arrayValue":{"values":[{"kvlistValue":{"values":[]}}]}}},
            {"key":"gen_ai.response.time_to_first_chunk","value":{"doubleValue":"NaN"}},
            {"key":"gen_ai.input.messages","value":{"stringValue":"[{\"role\":5,\"parts\":7}]"}},
            {"key":"gen_ai.output.messages","value":{"stringValue":"[not json"}},
            {"key":"gen_ai.operation.name","value":{}},
            {"key":"gen_ai.provider.name"}"#;
        let line = export_line("t", "s", "", attrs);
        let parsed = parse_lines(InputFormat::Otel, &[line.as_bytes()]);
        assert_eq!(parsed.len(), 1);
        let nested = format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"attributes":[{{"key":"k","value":{}1{}}}]}}]}}]}}]}}"#,
            r#"{"arrayValue":{"values":["#.repeat(200),
            "]}}".repeat(200)
        );
        let parsed = parse_lines(InputFormat::Otel, &[nested.as_bytes()]);
        assert!(matches!(parsed[0].outcome, LineOutcome::Error(_)));
    }

    #[test]
    fn provider_names_and_model_makers() {
        let cases = [
            (Some("azure.ai.openai"), "my-deployment", Provider::OpenAi),
            (
                Some("gcp.vertex_ai"),
                "claude-sonnet-4-5@20250929",
                Provider::Anthropic,
            ),
            (Some("gcp.vertex_ai"), "gemini-2.5-pro", Provider::Google),
            (
                Some("aws.bedrock"),
                "us.anthropic.claude-3-5-sonnet-20240620-v1:0",
                Provider::Anthropic,
            ),
            (Some("aws.bedrock"), "deepseek.r1-v1:0", Provider::DeepSeek),
            // This reader once left Nova unknown while the Bedrock and billing readers named
            // Amazon; one table now decides: Amazon makes Nova.
            (
                Some("aws.bedrock"),
                "amazon.nova-pro-v1:0",
                Provider::Amazon,
            ),
            (Some("deepseek"), "deepseek-chat", Provider::DeepSeek),
            (Some("openai"), "o4-mini", Provider::OpenAi),
            (None, "o3", Provider::OpenAi),
            (Some("az.ai.openai"), "prod-deployment", Provider::OpenAi),
            (Some("mistral_ai"), "mistral-large", Provider::Unknown),
        ];
        for (name, model, expected) in cases {
            assert_eq!(provider_for(name, model), expected, "{name:?} {model}");
        }
    }
}
