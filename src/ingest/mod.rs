//! Ingest: finding inputs, reading them as line streams, recognising their format, and turning
//! each line into a canonical [`CallRecord`] — or a counted skip, or a counted error.

mod anthropic;
mod claude_code;
mod content;
mod detect;
mod openai;
mod openai_batch;
mod source;
mod wire;

use std::fmt;

pub use detect::detect_format;
pub use source::{InputSource, SourceError, discover_sources, open_source};

use crate::record::CallRecord;

/// The log formats `analyze` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum InputFormat {
    /// OpenAI Chat Completions and Responses API: request/response pairs or bare responses.
    Openai,
    /// Anthropic Messages API: request/response pairs or bare responses.
    Anthropic,
    /// Claude Code session transcripts (`~/.claude/projects/**/*.jsonl`).
    ClaudeCode,
    /// OpenAI Batch API output files (and input files, which hold no usage).
    OpenaiBatch,
}

impl InputFormat {
    /// Every format, in the order detection tries them.
    pub const ALL: [InputFormat; 4] = [
        InputFormat::OpenaiBatch,
        InputFormat::ClaudeCode,
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
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a line that parsed fine is not a billable call. Each is a stable report key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
        }
    }
}

/// What one input line turned out to be.
#[derive(Debug)]
pub enum LineOutcome {
    Call(Box<CallRecord>),
    Skip(SkipReason),
    /// The line is malformed or not of the file's format; the message says how.
    Error(String),
}

/// Parses one line (without its newline) of a file in `format`.
pub fn parse_line(format: InputFormat, line: &[u8]) -> LineOutcome {
    match format {
        InputFormat::Openai => openai::parse_line(line),
        InputFormat::Anthropic => anthropic::parse_line(line),
        InputFormat::ClaudeCode => claude_code::parse_line(line),
        InputFormat::OpenaiBatch => openai_batch::parse_line(line),
    }
}

/// Turns a serde_json error into a line error message.
fn json_error(err: serde_json::Error) -> LineOutcome {
    if err.is_eof() {
        LineOutcome::Error(format!("truncated JSON: {err}"))
    } else {
        LineOutcome::Error(format!("invalid JSON: {err}"))
    }
}

/// The stable hash adapters use, for ids the pipeline derives.
pub fn wire_hash(parts: &[&[u8]]) -> u64 {
    wire::stable_hash(parts)
}
pub use content::MIN_CACHEABLE_PREFIX_TOKENS;
