//! Seeded generator of realistic LLM call logs in the formats llm-audit reads, for the
//! end-to-end benchmark (`scripts/bench_e2e.sh`) and the generator test (`tests/generator.rs`).
//!
//! Realism is what makes the benchmark honest: each format's writer starts from the fixture
//! records of that format, a few system prompts are reused as production apps reuse them, user
//! turns are new text on every call, models, streaming, tools, JSON schemas, failures with
//! retries and cached tokens are mixed, and timestamps cover 30 days. The same seed and size
//! give the same bytes.
//!
//! Every writer also counts what llm-audit should find in its output ([`Stats`]): records,
//! calls, skips by the reason llm-audit gives, and the tokens of the calls in exclusive
//! buckets.

// One module per output format, plus the shared parts they are built from.
pub mod anthropic;
pub mod apps;
pub mod bedrock;
pub mod claude_code;
pub mod clock;
pub mod json;
pub mod langfuse;
pub mod openai;
pub mod otel;
pub mod rng;
pub mod scenario;
pub mod text;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use rng::Rng;
use scenario::Usage;

/// llm-audit's skip reasons for records that are not calls, as its report spells them.
pub mod skip {
    /// A provider error response: no usage, nothing billed.
    pub const PROVIDER_ERROR: &str = "provider error, no usage";
    /// A Claude Code user line (prompt or tool result).
    pub const USER_MESSAGE: &str = "user message, no usage";
    /// A further line of a Claude Code response already counted.
    pub const DUPLICATE_BLOCK: &str = "duplicate content block";
    /// A Claude Code `<synthetic>` notice.
    pub const SYNTHETIC: &str = "synthetic message, not billed";
    /// Spans, events, summaries and snapshots that are no model call.
    pub const NOT_A_CALL: &str = "not a model call";
    /// A parent span whose usage sums its child calls.
    pub const ROLLUP: &str = "parent span rolling up its children";
}

/// The formats the generator writes; the names are llm-audit's `--input-format` names.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Format {
    /// OpenAI Chat Completions and Responses request/response pairs, one JSONL file.
    Openai,
    /// Claude Code session transcripts: a `CLAUDE_CONFIG_DIR` tree of `projects/*/*.jsonl`.
    ClaudeCode,
    /// Anthropic Messages request/response pairs, one JSONL file.
    Anthropic,
    /// AWS Bedrock model invocation logs, one JSONL file.
    Bedrock,
    /// Langfuse observations (generations, spans, events), one JSONL file.
    Langfuse,
    /// OpenTelemetry GenAI spans as OTLP JSON lines, one file.
    Otel,
}

impl Format {
    /// Every format, in the order the test runs them.
    pub const ALL: [Format; 6] = [
        Format::Openai,
        Format::ClaudeCode,
        Format::Anthropic,
        Format::Bedrock,
        Format::Langfuse,
        Format::Otel,
    ];

    /// The format's name, as llm-audit reports it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Openai => "openai",
            Format::ClaudeCode => "claude-code",
            Format::Anthropic => "anthropic",
            Format::Bedrock => "bedrock",
            Format::Langfuse => "langfuse",
            Format::Otel => "otel",
        }
    }

    /// The format of a name, if it is one.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether the output is a directory tree rather than one file.
    pub fn is_tree(self) -> bool {
        self == Format::ClaudeCode
    }
}

/// How Claude Code sessions are shaped. Only Claude Code has more than one mix; the other
/// formats are always `Standard`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Mix {
    /// Today's transcripts: long tool results (whole files, long test output), lines of about
    /// 4 KB on average. The same seed and size give the same bytes as before mixes existed.
    #[default]
    Standard,
    /// Many more, smaller records per byte: short tool results (a few hundred bytes, now and
    /// then a larger one), longer agentic loops with more content blocks per response, lines
    /// of about 1 KB on average. This is the shape of the logs issue 8 measures ccusage on.
    Dense,
}

impl Mix {
    /// Every mix.
    pub const ALL: [Mix; 2] = [Mix::Standard, Mix::Dense];

    /// The mix's name, as `genlogs --mix` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Mix::Standard => "standard",
            Mix::Dense => "dense",
        }
    }

    /// The mix of a name, if it is one.
    pub fn from_name(name: &str) -> Option<Mix> {
        Mix::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Whether `format` can be written in this mix: every format in the standard mix, only
    /// Claude Code in the others.
    pub fn fits(self, format: Format) -> bool {
        self == Mix::Standard || format == Format::ClaudeCode
    }
}

/// What a generated output holds, as llm-audit should count it.
#[derive(Default, Debug)]
pub struct Stats {
    /// The mix the output was written in.
    pub mix: Mix,
    /// Files written.
    pub files: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Records llm-audit reads: lines, or spans of an OTLP line.
    pub records: u64,
    /// Records that are billed calls.
    pub calls: u64,
    /// The other records, by llm-audit's skip reason.
    pub skipped: BTreeMap<&'static str, u64>,
    /// The calls' tokens in exclusive buckets.
    pub tokens: Usage,
    /// Claude Code only: output tokens when each response counts the usage of its first line
    /// rather than its last (first-wins deduplication). Equal to `tokens.output` elsewhere.
    pub output_first_line: u64,
}

impl Stats {
    /// Counts one billed call.
    pub fn call(&mut self, usage: &Usage) {
        self.records += 1;
        self.calls += 1;
        self.tokens.add(usage);
        self.output_first_line += usage.output;
    }

    /// Counts one logged API call: billed, or skipped as a provider error when it failed.
    /// Returns whether it was billed.
    pub fn api_call(&mut self, call: &scenario::Call<'_>) -> bool {
        if call.failure.is_some() {
            self.skip(skip::PROVIDER_ERROR);
            return false;
        }
        self.call(&call.usage);
        true
    }

    /// Counts one record that is not a call.
    pub fn skip(&mut self, reason: &'static str) {
        self.records += 1;
        *self.skipped.entry(reason).or_insert(0) += 1;
    }

    /// The counts as one JSON object (what `genlogs --stats` writes).
    pub fn to_json(&self, format: Format, seed: u64, target_bytes: u64) -> String {
        let mut json = json::Json::new();
        json.obj()
            .kstr("format", format.name())
            .knum("seed", seed)
            .knum("target_bytes", target_bytes);
        if self.mix != Mix::Standard {
            // Only named when not the default, so a standard mix's stats stay as they were.
            json.kstr("mix", self.mix.name());
        }
        json.knum("files", self.files)
            .knum("bytes", self.bytes)
            .knum("records", self.records)
            .knum("calls", self.calls);
        json.key("skipped").obj();
        for (reason, count) in &self.skipped {
            json.knum(reason, *count);
        }
        json.end();
        let t = &self.tokens;
        json.key("tokens")
            .obj()
            .knum("input", t.input)
            .knum("cache_read", t.cache_read)
            .knum("cache_write_5m", t.cache_write_5m)
            .knum("cache_write_1h", t.cache_write_1h)
            .knum("output", t.output)
            .knum("reasoning", t.reasoning)
            .end();
        json.knum("output_first_line", self.output_first_line).end();
        json.buf
    }
}

/// A buffered output file that counts what it was given.
pub struct Sink {
    /// `None` for a placeholder that owns no file.
    writer: Option<BufWriter<File>>,
    /// Bytes written so far.
    pub bytes: u64,
}

impl Sink {
    /// Creates (or truncates) the file, and its folder.
    pub fn create(path: &Path) -> io::Result<Sink> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        Ok(Sink {
            writer: Some(BufWriter::with_capacity(1 << 20, File::create(path)?)),
            bytes: 0,
        })
    }

    /// A placeholder that holds a sink's place while the real one is lent out; writing to it
    /// is an error.
    pub fn placeholder() -> Sink {
        Sink {
            writer: None,
            bytes: 0,
        }
    }

    /// Writes one JSONL record and its newline.
    pub fn line(&mut self, record: &str) -> io::Result<()> {
        let writer = self
            .writer
            .as_mut()
            .ok_or_else(|| io::Error::other("write to a placeholder sink"))?;
        writer.write_all(record.as_bytes())?;
        writer.write_all(b"\n")?;
        self.bytes += record.len() as u64 + 1;
        Ok(())
    }

    /// Flushes the file; returns the bytes written.
    pub fn finish(self) -> io::Result<u64> {
        if let Some(mut writer) = self.writer {
            writer.flush()?;
        }
        Ok(self.bytes)
    }
}

/// Writes about `target_bytes` of `format` logs in `mix` to `out` (a file, or a directory for
/// Claude Code), drawn from `seed`. The last record or session may run past the target. An
/// `InvalidInput` error when the format has no such mix (see [`Mix::fits`]).
pub fn generate(
    format: Format,
    mix: Mix,
    target_bytes: u64,
    seed: u64,
    out: &Path,
) -> io::Result<Stats> {
    if !mix.fits(format) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "the {} mix is only for claude-code, not {}",
                mix.name(),
                format.name()
            ),
        ));
    }
    // Each format draws its own stream, so one seed gives unrelated data across formats.
    let salt = format
        .name()
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let mut rng = Rng::new(seed ^ salt.rotate_left(17));
    let mut stats = match format {
        Format::Openai => openai::write(&mut rng, target_bytes, out),
        Format::ClaudeCode => claude_code::write(&mut rng, target_bytes, out, mix),
        Format::Anthropic => anthropic::write(&mut rng, target_bytes, out),
        Format::Bedrock => bedrock::write(&mut rng, target_bytes, out),
        Format::Langfuse => langfuse::write(&mut rng, target_bytes, out),
        Format::Otel => otel::write(&mut rng, target_bytes, out),
    }?;
    stats.mix = mix;
    Ok(stats)
}

/// Parses a size such as `500M`, `5G`, `200K`, `64KiB` or `1234`: K, M and G are powers of
/// 1000 (so `500M` is the 500 MB the benchmark reports), Ki, Mi and Gi powers of 1024.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, ""),
    };
    let number: u64 = digits
        .parse()
        .map_err(|_| format!("not a size: `{text}`"))?;
    let multiple: u64 = match unit.to_ascii_uppercase().trim_end_matches('B') {
        "" => 1,
        "K" => 1_000,
        "M" => 1_000_000,
        "G" => 1_000_000_000,
        "KI" => 1 << 10,
        "MI" => 1 << 20,
        "GI" => 1 << 30,
        _ => {
            return Err(format!(
                "unknown size unit in `{text}` (use K, M, G, Ki, Mi or Gi)"
            ));
        }
    };
    number
        .checked_mul(multiple)
        .ok_or_else(|| format!("size too large: `{text}`"))
}
