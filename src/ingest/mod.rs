//! Ingest: finding inputs, reading them as line streams, recognising their format, and turning
//! each line into a canonical [`CallRecord`] — or a counted skip, or a counted error.

mod anthropic;
mod bedrock;
mod billing;
mod claude_code;
mod codex;
mod content;
mod csv_row;
mod detect;
mod gemini;
mod gemini_cli;
mod helicone;
mod inputs;
mod langfuse;
mod langsmith;
mod litellm;
mod openai;
mod openai_batch;
mod opencode;
mod openinference;
mod otel;
mod redact;
mod remote;
mod session_prompt;
mod source;
pub mod sqlite;
#[cfg(test)]
pub(crate) mod test_support;
mod wire;

use std::fmt;

pub use csv_row::{CsvHeaders, CsvRow};
pub use detect::{
    Container, detect_csv, detect_document, detect_format, detect_value, sniff_container,
};
pub use inputs::{note_input, read_input_text, refuse_input};
pub use redact::redact_values;
pub use remote::{RemoteObject, RemoteReader, is_object_url};
pub use source::{InputSource, SourceError, discover_sources, open_source};

use crate::record::{CallRecord, FailureCause, UsageBucket};

/// The formats `analyze` reads: per-call traces and logs, and billing exports.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum InputFormat {
    /// OpenAI Chat Completions and Responses API: request/response pairs or bare responses.
    Openai,
    /// Anthropic Messages API: request/response pairs or bare responses.
    Anthropic,
    /// Claude Code session transcripts (`~/.claude/projects/**/*.jsonl`).
    ClaudeCode,
    /// OpenAI Batch API output files (and input files, which hold no usage).
    OpenaiBatch,
    /// OpenTelemetry GenAI spans as OTLP JSON (the collector's file exporter).
    Otel,
    /// OpenInference (Arize Phoenix) LLM spans.
    Openinference,
    /// Langfuse observations export.
    Langfuse,
    /// Helicone request export (JSONL or CSV).
    Helicone,
    /// LangSmith runs export.
    Langsmith,
    /// LiteLLM proxy spend logs (JSONL or CSV of the SpendLogs table).
    Litellm,
    /// LiteLLM StandardLoggingPayload, as its logging callbacks write it.
    LitellmPayload,
    /// Google Gemini generateContent responses (streamed chunks included).
    Gemini,
    /// Gemini CLI session files.
    GeminiCli,
    /// AWS Bedrock model invocation logs.
    Bedrock,
    /// Codex CLI rollout files (`~/.codex/sessions/**/rollout-*.jsonl`).
    Codex,
    /// OpenAI Usage API (completions) JSON or the dashboard usage CSV.
    OpenaiUsage,
    /// OpenAI Costs API JSON.
    OpenaiCosts,
    /// Anthropic Admin API usage_report (messages) JSON.
    AnthropicUsage,
    /// Anthropic Admin API cost_report JSON.
    AnthropicCost,
    /// AWS Cost and Usage Report 2.0 line items (Bedrock), CSV.
    AwsCur,
    /// Google Cloud billing export (BigQuery table as CSV or JSONL).
    GcpBilling,
    /// Azure Cost Management cost and usage details export, CSV.
    AzureCost,
    /// OpenRouter activity export, CSV.
    Openrouter,
}

impl InputFormat {
    /// Every format, in the order detection tries them: the specific shapes first, the bare
    /// provider responses (which other loggers embed) last.
    pub const ALL: [InputFormat; 23] = [
        InputFormat::OpenaiBatch,
        InputFormat::ClaudeCode,
        InputFormat::Codex,
        InputFormat::GeminiCli,
        InputFormat::Otel,
        InputFormat::Openinference,
        InputFormat::Langfuse,
        InputFormat::Langsmith,
        InputFormat::Helicone,
        InputFormat::LitellmPayload,
        InputFormat::Litellm,
        InputFormat::Bedrock,
        InputFormat::OpenaiUsage,
        InputFormat::OpenaiCosts,
        InputFormat::AnthropicUsage,
        InputFormat::AnthropicCost,
        InputFormat::AwsCur,
        InputFormat::GcpBilling,
        InputFormat::AzureCost,
        InputFormat::Openrouter,
        InputFormat::Gemini,
        InputFormat::Openai,
        InputFormat::Anthropic,
    ];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Openai => "openai",
            InputFormat::Anthropic => "anthropic",
            InputFormat::ClaudeCode => "claude-code",
            InputFormat::OpenaiBatch => "openai-batch",
            InputFormat::Otel => "otel",
            InputFormat::Openinference => "openinference",
            InputFormat::Langfuse => "langfuse",
            InputFormat::Helicone => "helicone",
            InputFormat::Langsmith => "langsmith",
            InputFormat::Litellm => "litellm",
            InputFormat::LitellmPayload => "litellm-payload",
            InputFormat::Gemini => "gemini",
            InputFormat::GeminiCli => "gemini-cli",
            InputFormat::Bedrock => "bedrock",
            InputFormat::Codex => "codex",
            InputFormat::OpenaiUsage => "openai-usage",
            InputFormat::OpenaiCosts => "openai-costs",
            InputFormat::AnthropicUsage => "anthropic-usage",
            InputFormat::AnthropicCost => "anthropic-cost",
            InputFormat::AwsCur => "aws-cur",
            InputFormat::GcpBilling => "gcp-billing",
            InputFormat::AzureCost => "azure-cost",
            InputFormat::Openrouter => "openrouter",
        }
    }

    /// Billing exports hold aggregates (usage buckets), not calls.
    pub fn is_billing(self) -> bool {
        matches!(
            self,
            InputFormat::OpenaiUsage
                | InputFormat::OpenaiCosts
                | InputFormat::AnthropicUsage
                | InputFormat::AnthropicCost
                | InputFormat::AwsCur
                | InputFormat::GcpBilling
                | InputFormat::AzureCost
                | InputFormat::Openrouter
        )
    }

    /// Whether files of this format may be CSV.
    pub fn reads_csv(self) -> bool {
        matches!(
            self,
            InputFormat::Helicone
                | InputFormat::Litellm
                | InputFormat::OpenaiUsage
                | InputFormat::AwsCur
                | InputFormat::GcpBilling
                | InputFormat::AzureCost
                | InputFormat::Openrouter
        )
    }

    /// Whether each line stands alone, so one file's chunks may be parsed on several cores.
    /// Formats whose lines depend on earlier ones (cumulative counters, stream chunks, parent
    /// spans, a coding agent's calls on the prompt before them) are read one file per core, in
    /// order.
    pub fn line_independent(self) -> bool {
        !matches!(
            self,
            InputFormat::Otel
                | InputFormat::Gemini
                | InputFormat::GeminiCli
                | InputFormat::Codex
                | InputFormat::ClaudeCode
        ) && !self.is_billing()
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a record that parsed fine is not a billable call. Each is a stable report key.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum SkipReason {
    UserMessage,
    DuplicateContentBlock,
    SyntheticMessage,
    NotAModelCall,
    NoUsage,
    ProviderError,
    BatchRequestFailed,
    BatchInputLine,
    StreamChunkWithoutUsage,
    /// A later chunk of the same streamed response repeats (and grows) this chunk's usage.
    StreamChunkSuperseded,
    /// A parent span whose usage is the sum of child model-call spans already counted.
    RollupSpan,
    /// A cumulative usage counter that did not move since the last one.
    RepeatedCounter,
    /// Session or turn metadata (model, settings) that carries no usage.
    SessionMetadata,
    /// A gateway served the response from its own cache; the provider was not called.
    GatewayCacheHit,
    /// The same call, already read from another source (matching response or request id).
    DuplicateAcrossSources,
    /// History a forked or spawned agent session replays from its parent; counted in the
    /// parent's file.
    ReplayedHistory,
    /// A billing line for something other than model tokens (storage, seats, fine-tuning…).
    NotTokenUsage,
    /// A billing line with neither usage nor cost.
    EmptyBucket,
    /// A call outside the report's `--since`/`--until` or model, provider or tag filters.
    Filtered,
}

impl SkipReason {
    /// The reason as the report states it.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::UserMessage => "user message, no usage",
            SkipReason::DuplicateContentBlock => "duplicate content block",
            SkipReason::SyntheticMessage => "synthetic message, not billed",
            SkipReason::NotAModelCall => "not a model call",
            SkipReason::NoUsage => "response without usage",
            SkipReason::ProviderError => "provider error, no usage",
            SkipReason::BatchRequestFailed => "batch request failed, no usage",
            SkipReason::BatchInputLine => "batch input line, no usage",
            SkipReason::StreamChunkWithoutUsage => "stream chunk without usage",
            SkipReason::StreamChunkSuperseded => "stream chunk superseded by a later one",
            SkipReason::RollupSpan => "parent span rolling up its children",
            SkipReason::RepeatedCounter => "repeated cumulative usage counter",
            SkipReason::SessionMetadata => "session metadata, no usage",
            SkipReason::GatewayCacheHit => "gateway cache hit, provider not called",
            SkipReason::DuplicateAcrossSources => "same call in another source",
            SkipReason::ReplayedHistory => "history replayed from a parent session",
            SkipReason::NotTokenUsage => "billing line not for model tokens",
            SkipReason::EmptyBucket => "billing line without usage or cost",
            SkipReason::Filtered => "left out by a filter",
        }
    }
}

/// What one input record (a line, a CSV row, a span, a billing line) turned out to be.
#[derive(Debug)]
pub enum LineOutcome {
    Call(Box<CallRecord>),
    /// A billing-export line: aggregate usage and cost, never a call.
    Bucket(Box<UsageBucket>),
    Skip(SkipReason),
    /// A failed call the log gives no usage for: skipped as [`SkipReason::ProviderError`] (it is
    /// no billed call), and counted among the failures by its cause.
    Failed(FailureCause),
    /// The record is malformed or not of the file's format; the message says how.
    Error(String),
}

impl LineOutcome {
    /// A record without usage: a failure of its cause if the call failed, else a response
    /// without usage.
    pub(crate) fn without_usage(failure: Option<FailureCause>) -> LineOutcome {
        match failure {
            Some(cause) => LineOutcome::Failed(cause),
            None => LineOutcome::Skip(SkipReason::NoUsage),
        }
    }

    /// Why the record is skipped, if it is.
    pub fn skip_reason(&self) -> Option<SkipReason> {
        match self {
            LineOutcome::Skip(reason) => Some(*reason),
            LineOutcome::Failed(_) => Some(SkipReason::ProviderError),
            _ => None,
        }
    }
}

/// An outcome with the 1-based line of the file it came from.
#[derive(Debug)]
pub struct Parsed {
    pub line: u64,
    pub outcome: LineOutcome,
}

/// Reads the JSON records of one file. A line may hold several records (an OTLP batch of
/// spans, a billing page of buckets); a whole pretty-printed JSON document is handed over as
/// one "line" whose number is the line it starts on.
pub trait LineParser: Send {
    /// Parses one line (already known to start with `{`) and pushes its outcomes.
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>);

    /// Called after the file's last line, for parsers that hold records back (stream chunks
    /// that a later chunk may supersede, spans waiting for their children).
    fn finish(&mut self, _out: &mut Vec<Parsed>) {}
}

/// A stateless parser that turns every line into exactly one outcome.
pub(crate) struct OneEach(pub(crate) fn(&[u8]) -> LineOutcome);

impl LineParser for OneEach {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        out.push(Parsed {
            line: line_no,
            outcome: (self.0)(line),
        });
    }
}

/// A fresh parser for the JSON records of a file in `format`.
pub fn line_parser(format: InputFormat) -> Box<dyn LineParser> {
    match format {
        InputFormat::Openai => Box::new(OneEach(openai::parse_line)),
        InputFormat::Anthropic => Box::new(OneEach(anthropic::parse_line)),
        InputFormat::ClaudeCode => Box::<claude_code::Transcript>::default(),
        InputFormat::OpenaiBatch => Box::new(OneEach(openai_batch::parse_line)),
        InputFormat::Otel => otel::parser(),
        InputFormat::Openinference => openinference::parser(),
        InputFormat::Langfuse => langfuse::parser(),
        InputFormat::Helicone => helicone::parser(),
        InputFormat::Langsmith => langsmith::parser(),
        InputFormat::Litellm => litellm::spend_log_parser(),
        InputFormat::LitellmPayload => litellm::payload_parser(),
        InputFormat::Gemini => gemini::parser(),
        InputFormat::GeminiCli => gemini_cli::parser(),
        InputFormat::Bedrock => bedrock::parser(),
        InputFormat::Codex => codex::parser(),
        InputFormat::OpenaiUsage => billing::openai_usage::parser(),
        InputFormat::OpenaiCosts => billing::openai_costs::parser(),
        InputFormat::AnthropicUsage => billing::anthropic::usage_parser(),
        InputFormat::AnthropicCost => billing::anthropic::cost_parser(),
        InputFormat::GcpBilling => billing::gcp::parser(),
        InputFormat::AwsCur | InputFormat::AzureCost | InputFormat::Openrouter => {
            Box::new(OneEach(|_| {
                LineOutcome::Error("this format is read as CSV, not JSON".into())
            }))
        }
    }
}

/// Parses one data row of a CSV file in `format`.
pub fn parse_csv_row(format: InputFormat, row: &CsvRow<'_>) -> LineOutcome {
    match format {
        InputFormat::Helicone => helicone::parse_row(row),
        InputFormat::Litellm => litellm::parse_row(row),
        InputFormat::OpenaiUsage => billing::openai_usage::parse_row(row),
        InputFormat::AwsCur => billing::aws_cur::parse_row(row),
        InputFormat::GcpBilling => billing::gcp::parse_row(row),
        InputFormat::AzureCost => billing::azure::parse_row(row),
        InputFormat::Openrouter => billing::openrouter::parse_row(row),
        other => LineOutcome::Error(format!("{other} is not read from CSV")),
    }
}

/// Reads `lines` (numbered from 1) of a file in `format` with one parser, as the pipeline
/// does for a whole file, `finish` included. For tests and small inputs.
pub fn parse_lines(format: InputFormat, lines: &[&[u8]]) -> Vec<Parsed> {
    let mut parser = line_parser(format);
    let mut out = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        parser.line(index as u64 + 1, line, &mut out);
    }
    parser.finish(&mut out);
    out
}

/// Turns a serde_json error met reading `input` into a line error: what was expected and the
/// field it was met in, never the value ([`redact_values`] takes the value out of serde's
/// words).
fn json_error(err: serde_json::Error, input: &[u8]) -> LineOutcome {
    let field = redact::field_at(input, err.line(), err.column())
        .map(|path| format!("field `{path}`: "))
        .unwrap_or_default();
    if err.is_eof() {
        LineOutcome::Error(format!("truncated JSON: {field}{err}"))
    } else {
        LineOutcome::Error(format!("invalid JSON: {field}{err}"))
    }
}

/// The stable hash adapters use, for ids the pipeline derives.
pub fn wire_hash(parts: &[&[u8]]) -> u64 {
    wire::stable_hash(parts)
}
pub use content::MIN_CACHEABLE_PREFIX_TOKENS;
