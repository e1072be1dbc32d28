//! Ingest: finding inputs, reading them as line streams, recognising their format, and turning
//! each line into a canonical [`CallRecord`] — or a counted skip, or a counted error.

mod amp;
mod anthropic;
mod antigravity;
mod bedrock;
mod billing;
mod claude_code;
mod cline;
mod codebuff;
mod codex;
pub mod container;
mod content;
mod copilot_cli;
mod copilot_otel;
mod csv_row;
mod detect;
mod discover;
mod droid;
mod gemini;
mod gemini_cli;
mod genai;
mod goose;
mod grok;
mod helicone;
mod hermes;
mod inputs;
mod kimi;
mod langfuse;
mod langsmith;
mod litellm;
mod log_file;
mod observability;
mod openai;
mod openai_batch;
mod openclaw;
mod opencode;
mod openinference;
mod otel;
mod otlp;
mod pi;
mod qwen_code;
mod redact;
mod registry;
pub(crate) mod remote;
mod scan;
mod session_prompt;
mod source;
pub mod sqlite;
#[cfg(test)]
pub(crate) mod test_support;
mod usage;
mod values;
mod wire;
mod zcode;

use std::fmt;

pub use csv_row::{CsvHeaders, CsvRow};
pub use detect::{
    Container, detect_csv, detect_document, detect_format, detect_value, sniff_container,
};
pub use discover::{AgentData, Environment, Location, agent_names, discover_agents};
pub(crate) use discover::{file_named, folder_named};
pub use inputs::{note_input, read_input_text, refuse_input};
pub use redact::redact_values;
pub use registry::{
    Agent, CsvFormat, EnvRoot, FileContext, Format, Granularity, Kind, Lines, Os, Root,
};
pub use remote::{RemoteObject, RemoteReader, is_object_url};
pub use source::{InputSource, SourceError, discover_sources, open_source};

use crate::record::{CallRecord, FailureCause, UsageBucket};

/// Declares the registry: one line per format, in the order detection tries them (the
/// specific shapes first, the bare provider responses that other loggers embed last). Each
/// line names the variant and the adapter's [`Format`]; the doc comment is the format's help.
macro_rules! formats {
    ($($(#[$doc:meta])* $variant:ident => $spec:path,)*) => {
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
            $($(#[$doc])* $variant,)*
        }

        impl InputFormat {
            /// Every format, in the order detection tries them.
            pub const ALL: &'static [InputFormat] = &[$(InputFormat::$variant,)*];

            /// Everything ingest knows of the format.
            pub fn spec(self) -> &'static Format {
                match self {
                    $(InputFormat::$variant => &$spec,)*
                }
            }
        }
    };
}

formats! {
    /// OpenAI Batch API output files (and input files, which hold no usage).
    OpenaiBatch => openai_batch::FORMAT,
    /// Qwen Code chat records (`~/.qwen/projects/*/chats/*.jsonl`); before Claude Code, whose
    /// detector also takes their envelope.
    QwenCode => qwen_code::FORMAT,
    /// Claude Code session transcripts (`~/.claude/projects/**/*.jsonl`).
    ClaudeCode => claude_code::FORMAT,
    /// Codex CLI rollout files (`~/.codex/sessions/**/rollout-*.jsonl`).
    Codex => codex::FORMAT,
    /// Gemini CLI session files.
    GeminiCli => gemini_cli::FORMAT,
    /// pi and Oh My Pi session files (`~/.pi/agent/sessions/**/*.jsonl`, `~/.omp/…`).
    Pi => pi::FORMAT,
    /// OpenClaw transcripts (`~/.openclaw/agents/*/sessions/*.jsonl`, archives included): pi's
    /// format, told apart by place.
    Openclaw => openclaw::FORMAT,
    /// Kimi CLI wire logs (`~/.kimi/sessions/*/*/wire.jsonl`).
    Kimi => kimi::FORMAT,
    /// Amp threads (`~/.local/share/amp/threads/T-*.json`).
    Amp => amp::FORMAT,
    /// Codebuff chats (`~/.config/manicode/projects/*/chats/*/chat-messages.json`).
    Codebuff => codebuff::FORMAT,
    /// Roo Code task folders (`…/globalStorage/rooveterinaryinc.roo-cline/tasks/*/ui_messages.json`).
    RooCode => cline::ROO_FORMAT,
    /// GitHub Copilot CLI session-state event logs (`~/.copilot/session-state/*/events.jsonl`).
    CopilotCli => copilot_cli::FORMAT,
    /// GitHub Copilot CLI OpenTelemetry file exporter (`$COPILOT_OTEL_FILE_EXPORTER_PATH`, `~/.copilot/otel/*.jsonl`).
    CopilotCliOtel => copilot_otel::FORMAT,
    /// Grok Build CLI session updates (`~/.grok/sessions/*/*/updates.jsonl`).
    Grok => grok::FORMAT,
    /// Droid (Factory) session settings, one cumulative total per session (`~/.factory/sessions/*/*.settings.json`).
    Droid => droid::FORMAT,
    /// Cline task folders (`…/globalStorage/saoudrizwan.claude-dev/tasks/*/ui_messages.json`, `~/.cline/data/tasks/`).
    Cline => cline::CLINE_FORMAT,
    /// ZCode CLI's database (`~/.zcode/cli/db/db.sqlite`); before OpenCode, whose tables it also has.
    Zcode => zcode::FORMAT,
    /// OpenCode's database (`~/.local/share/opencode/opencode*.db`) and legacy message files.
    Opencode => opencode::FORMAT,
    /// Kilo's database (`~/.local/share/kilo/kilo*.db`), OpenCode's schema.
    Kilo => opencode::KILO_FORMAT,
    /// Hermes Agent's state database (`~/.hermes/state.db`): per-session totals.
    Hermes => hermes::FORMAT,
    /// Goose's session database (`~/.local/share/goose/sessions/sessions.db`): per-session totals.
    Goose => goose::FORMAT,
    /// Antigravity conversation databases (`~/.gemini/antigravity-cli/conversations/*.db`).
    Antigravity => antigravity::FORMAT,
    /// OpenTelemetry GenAI spans as OTLP JSON (the collector's file exporter).
    Otel => otel::FORMAT,
    /// OpenInference (Arize Phoenix) LLM spans.
    Openinference => openinference::FORMAT,
    /// Langfuse observations export.
    Langfuse => langfuse::FORMAT,
    /// LangSmith runs export.
    Langsmith => langsmith::FORMAT,
    /// Helicone request export (JSONL or CSV).
    Helicone => helicone::FORMAT,
    /// LiteLLM StandardLoggingPayload, as its logging callbacks write it.
    LitellmPayload => litellm::PAYLOAD_FORMAT,
    /// LiteLLM proxy spend logs (JSONL or CSV of the SpendLogs table).
    Litellm => litellm::SPEND_LOG_FORMAT,
    /// AWS Bedrock model invocation logs.
    Bedrock => bedrock::FORMAT,
    /// OpenAI Usage API (completions) JSON or the dashboard usage CSV.
    OpenaiUsage => billing::openai_usage::FORMAT,
    /// OpenAI Costs API JSON.
    OpenaiCosts => billing::openai_costs::FORMAT,
    /// Anthropic Admin API usage_report (messages) JSON.
    AnthropicUsage => billing::anthropic::USAGE_FORMAT,
    /// Anthropic Admin API cost_report JSON.
    AnthropicCost => billing::anthropic::COST_FORMAT,
    /// AWS Cost and Usage Report 2.0 line items (Bedrock), CSV.
    AwsCur => billing::aws_cur::FORMAT,
    /// Google Cloud billing export (BigQuery table as CSV or JSONL).
    GcpBilling => billing::gcp::FORMAT,
    /// Azure Cost Management cost and usage details export, CSV.
    AzureCost => billing::azure::FORMAT,
    /// OpenRouter activity export, CSV.
    Openrouter => billing::openrouter::FORMAT,
    /// Google Gemini generateContent responses (streamed chunks included).
    Gemini => gemini::FORMAT,
    /// OpenAI Chat Completions and Responses API: request/response pairs or bare responses.
    Openai => openai::FORMAT,
    /// Anthropic Messages API: request/response pairs or bare responses.
    Anthropic => anthropic::FORMAT,
}

impl InputFormat {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The coding agent that writes this format, if one does (`--group-by agent`, the calls'
    /// `agent` column).
    pub fn agent_name(self) -> Option<&'static str> {
        self.spec().agent.map(|agent| agent.name)
    }

    /// Billing exports hold aggregates (usage buckets), not calls.
    pub fn is_billing(self) -> bool {
        self.spec().kind == Kind::Billing
    }

    /// Whether files of this format may be CSV.
    pub fn reads_csv(self) -> bool {
        self.spec().csv.is_some()
    }

    /// Whether each line stands alone, so one file's chunks may be parsed on several cores.
    /// Billing exports are read in order: their pages are few and their buckets merge.
    pub fn line_independent(self) -> bool {
        self.spec().lines == Lines::Independent && !self.is_billing()
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
    /// A turn of an agent that records usage per session: its tokens are in the session's
    /// totals, read as one record.
    CountedInSessionTotals,
    /// A turn of a session that never wrote its totals (it crashed, or was left with `/new`):
    /// only its output is known, and a record of output alone would price a fraction of it.
    NoSessionTotals,
    /// A session's totals, where another source logs the same session's calls one by one.
    SessionReadPerCall,
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
            SkipReason::CountedInSessionTotals => "turn counted in its session's totals",
            SkipReason::NoSessionTotals => "turn of a session that wrote no totals, output only",
            SkipReason::SessionReadPerCall => "session totals, its calls read from another source",
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
pub fn line_parser(format: InputFormat, file: &FileContext<'_>) -> Box<dyn LineParser> {
    let parser = (format.spec().parser)(file);
    match format.spec().granularity {
        Granularity::Call => parser,
        Granularity::Session => Box::new(SessionTotals(parser)),
    }
}

/// Marks a call of a format that keeps only per-session totals as a sum of requests
/// ([`crate::record::Features::summed`]).
pub(crate) fn mark_summed(parsed: &mut Parsed) {
    if let LineOutcome::Call(record) = &mut parsed.outcome {
        record.features.summed = true;
    }
}

/// The parser of a per-session-totals format, its calls marked as sums.
struct SessionTotals(Box<dyn LineParser>);

impl SessionTotals {
    fn mark(out: &mut [Parsed]) {
        out.iter_mut().for_each(mark_summed);
    }
}

impl LineParser for SessionTotals {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        let start = out.len();
        self.0.line(line_no, line, out);
        SessionTotals::mark(&mut out[start..]);
    }

    fn finish(&mut self, out: &mut Vec<Parsed>) {
        let start = out.len();
        self.0.finish(out);
        SessionTotals::mark(&mut out[start..]);
    }
}

/// Parses one data row of a CSV file in `format`.
pub fn parse_csv_row(format: InputFormat, row: &CsvRow<'_>) -> LineOutcome {
    match format.spec().csv {
        Some(csv) => (csv.row)(row),
        None => LineOutcome::Error(format!("{format} is not read from CSV")),
    }
}

/// Reads `lines` (numbered from 1) of a file in `format` with one parser, as the pipeline
/// does for a whole file, `finish` included. For tests and small inputs.
pub fn parse_lines(format: InputFormat, lines: &[&[u8]]) -> Vec<Parsed> {
    parse_lines_in(format, &FileContext::default(), lines)
}

/// [`parse_lines`] of the file `file` names, so its parser may read a sibling file.
pub fn parse_lines_in(format: InputFormat, file: &FileContext<'_>, lines: &[&[u8]]) -> Vec<Parsed> {
    let mut parser = line_parser(format, file);
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
