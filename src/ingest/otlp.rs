//! OTLP JSON, once: the wire of an `ExportTraceServiceRequest` (`{"resourceSpans": [...]}`),
//! typed attribute values, spans with their parent links, and the bookkeeping that holds spans
//! until their descendants are known (rollups). The conventions read on top of it are in
//! [`super::genai`] (OpenTelemetry GenAI) and [`super::openinference`] (OpenInference); the
//! formats are [`super::otel`] and [`super::openinference`].
//!
//! Attribute values are typed (`{"stringValue": …}`, `{"intValue": "1024"}` — a *string* in
//! OTLP JSON — `doubleValue`, `boolValue`, `arrayValue`, `kvlistValue`); times are
//! `startTimeUnixNano` strings. Snake-case field names (`resource_spans`, `string_value`, as
//! Phoenix's `/spans/otlpv1` API writes them) are accepted too.

use crate::ingest::values::Text;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::wire::stable_hash;
use crate::ingest::{LineOutcome, Parsed, SkipReason, json_error};
use crate::record::Provider;

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
#[serde(bound(deserialize = "'de: 'a"))]
struct ExportRequest<'a> {
    #[serde(rename = "resourceSpans", alias = "resource_spans")]
    resource_spans: Option<Vec<ResourceSpans<'a>>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ResourceSpans<'a> {
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
#[serde(bound(deserialize = "'de: 'a"))]
struct Resource<'a> {
    attributes: Option<Vec<KeyValue<'a>>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ScopeSpans<'a> {
    spans: Option<Vec<WireSpan<'a>>>,
}

/// One OTLP span as JSON.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
pub(crate) struct WireSpan<'a> {
    #[serde(rename = "traceId", alias = "trace_id")]
    trace_id: Option<Text<'a>>,
    #[serde(rename = "spanId", alias = "span_id")]
    span_id: Option<Text<'a>>,
    #[serde(rename = "parentSpanId", alias = "parent_span_id")]
    parent_span_id: Option<Text<'a>>,
    name: Option<Text<'a>>,
    #[serde(rename = "startTimeUnixNano", alias = "start_time_unix_nano")]
    start: Option<&'a RawValue>,
    #[serde(rename = "endTimeUnixNano", alias = "end_time_unix_nano")]
    end: Option<&'a RawValue>,
    attributes: Option<Vec<KeyValue<'a>>>,
    status: Option<WireStatus<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct WireStatus<'a> {
    /// `2`, `"2"` or `"STATUS_CODE_ERROR"` for an error.
    code: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct KeyValue<'a> {
    key: Text<'a>,
    value: Option<AnyValue<'a>>,
}

/// An OTLP `AnyValue`: exactly one member is set.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct AnyValue<'a> {
    #[serde(rename = "stringValue", alias = "string_value")]
    string: Option<Text<'a>>,
    /// A decimal string in OTLP JSON (64-bit integers), a number from lenient writers.
    #[serde(rename = "intValue", alias = "int_value")]
    int: Option<&'a RawValue>,
    /// A number, or `"NaN"`/`"Infinity"` as a string.
    #[serde(rename = "doubleValue", alias = "double_value")]
    double: Option<&'a RawValue>,
    #[serde(rename = "boolValue", alias = "bool_value")]
    boolean: Option<bool>,
    #[serde(rename = "arrayValue", alias = "array_value")]
    array: Option<ValueList<'a>>,
    #[serde(rename = "kvlistValue", alias = "kvlist_value")]
    kvlist: Option<KeyValueList<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ValueList<'a> {
    values: Option<Vec<AnyValue<'a>>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct KeyValueList<'a> {
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

impl Value<'static> {
    /// A plain JSON value (not an object) as an attribute value: how span readers that get
    /// attributes as JSON members, not OTLP's typed values, read each one.
    pub(crate) fn from_plain(value: &serde_json::Value) -> Value<'static> {
        match value {
            serde_json::Value::String(text) => Value::Str(Cow::Owned(text.clone())),
            serde_json::Value::Bool(flag) => Value::Bool(*flag),
            serde_json::Value::Number(number) => match number.as_i64() {
                Some(n) => Value::Int(n),
                None => number.as_f64().map_or(Value::Empty, Value::Double),
            },
            serde_json::Value::Array(items) => {
                Value::Array(items.iter().map(Value::from_plain).collect())
            }
            _ => Value::Empty,
        }
    }
}

impl<'a> Value<'a> {
    fn from_wire(value: AnyValue<'a>) -> Value<'a> {
        if let Some(text) = value.string {
            return Value::Str(text.into());
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
            key: kv.key.into(),
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
            trace_id: wire.trace_id.unwrap_or_default().into(),
            span_id: wire.span_id.unwrap_or_default().into(),
            parent_id: wire.parent_span_id.unwrap_or_default().into(),
            name: wire.name.unwrap_or_default().into(),
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
    pub(crate) fn parent_key(&self) -> Option<u64> {
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
    pub(crate) fn skip(reason: SkipReason) -> SpanResult {
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
    pub(crate) fn waits(&self) -> bool {
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

/// Finish reasons that mean the answer was cut short.
pub(crate) fn is_cut_short(reason: Option<&str>) -> bool {
    matches!(
        reason,
        Some("length" | "max_tokens" | "content_filter" | "MAX_TOKENS" | "SAFETY" | "refusal")
    )
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
