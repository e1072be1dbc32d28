//! The canonical call record: the one shape every input adapter produces.
//!
//! Token counts live in exclusive buckets so that no adapter's counting
//! convention (OpenAI's cached-inclusive `prompt_tokens`, Anthropic's
//! cache-exclusive `input_tokens`) leaks into pricing.

use std::fmt;

/// Exclusive token buckets of one call. Reasoning is a subset of `output`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TokenBuckets {
    /// Input tokens billed at the plain input rate (not read from or written to a cache).
    pub input: u64,
    /// Input tokens read from a prompt cache.
    pub cache_read: u64,
    /// Input tokens written to a 5-minute prompt cache.
    pub cache_write_5m: u64,
    /// Input tokens written to a 1-hour prompt cache.
    pub cache_write_1h: u64,
    /// Output tokens, reasoning included.
    pub output: u64,
    /// Reasoning ("thinking") tokens, already counted in `output`.
    pub reasoning: u64,
}

impl TokenBuckets {
    /// Adds another call's buckets, saturating on absurd counts.
    pub fn add(&mut self, other: &TokenBuckets) {
        self.input = self.input.saturating_add(other.input);
        self.cache_read = self.cache_read.saturating_add(other.cache_read);
        self.cache_write_5m = self.cache_write_5m.saturating_add(other.cache_write_5m);
        self.cache_write_1h = self.cache_write_1h.saturating_add(other.cache_write_1h);
        self.output = self.output.saturating_add(other.output);
        self.reasoning = self.reasoning.saturating_add(other.reasoning);
    }

    /// Every prompt token, cached or not: what long-context thresholds compare against.
    /// Saturates rather than overflowing on absurd counts from a corrupt log.
    pub fn prompt_total(&self) -> u64 {
        self.input
            .saturating_add(self.cache_read)
            .saturating_add(self.cache_write_5m)
            .saturating_add(self.cache_write_1h)
    }

    /// Prompt plus output tokens.
    pub fn total(&self) -> u64 {
        self.prompt_total().saturating_add(self.output)
    }

    /// Each bucket with its name, for messages.
    pub fn named(&self) -> [(&'static str, u64); 6] {
        [
            ("input tokens", self.input),
            ("cache read tokens", self.cache_read),
            ("cache write tokens (5m)", self.cache_write_5m),
            ("cache write tokens (1h)", self.cache_write_1h),
            ("output tokens", self.output),
            ("reasoning tokens", self.reasoning),
        ]
    }
}

/// The provider that served (or would serve) a call.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum Provider {
    OpenAi,
    Anthropic,
    Google,
    DeepSeek,
    Mistral,
    XAi,
    Meta,
    Qwen,
    /// Amazon's own models (Nova), on Bedrock.
    Amazon,
    /// Moonshot AI (Kimi).
    Moonshot,
    /// Zhipu AI / Z.ai (GLM models).
    Zhipu,
    #[default]
    Unknown,
}

impl Provider {
    /// Every provider, in declaration order.
    pub const ALL: [Provider; 12] = [
        Provider::OpenAi,
        Provider::Anthropic,
        Provider::Google,
        Provider::DeepSeek,
        Provider::Mistral,
        Provider::XAi,
        Provider::Meta,
        Provider::Qwen,
        Provider::Amazon,
        Provider::Moonshot,
        Provider::Zhipu,
        Provider::Unknown,
    ];

    /// The lowercase name used in catalogs and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::OpenAi => "openai",
            Provider::Anthropic => "anthropic",
            Provider::Google => "google",
            Provider::DeepSeek => "deepseek",
            Provider::Mistral => "mistral",
            Provider::XAi => "xai",
            Provider::Meta => "meta",
            Provider::Qwen => "qwen",
            Provider::Amazon => "amazon",
            Provider::Moonshot => "moonshot",
            Provider::Zhipu => "zhipu",
            Provider::Unknown => "unknown",
        }
    }

    /// Parses a catalog provider name.
    pub fn from_name(name: &str) -> Provider {
        match name.to_ascii_lowercase().as_str() {
            "openai" | "azure" | "azure_openai" => Provider::OpenAi,
            "anthropic" => Provider::Anthropic,
            "google" | "gemini" | "vertex_ai" => Provider::Google,
            "deepseek" => Provider::DeepSeek,
            "mistral" | "mistralai" => Provider::Mistral,
            "xai" | "x-ai" | "grok" => Provider::XAi,
            "meta" | "meta-llama" | "llama" => Provider::Meta,
            "qwen" | "alibaba" | "dashscope" => Provider::Qwen,
            "amazon" | "amazon-nova" | "nova" => Provider::Amazon,
            "moonshot" | "moonshotai" | "kimi" => Provider::Moonshot,
            "zhipu" | "zhipuai" | "zai" | "z-ai" | "zai-coding-plan" | "bigmodel" => {
                Provider::Zhipu
            }
            _ => Provider::Unknown,
        }
    }
}

/// How a word of [`MODEL_MAKERS`] must stand in a model name.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stands {
    /// Anywhere (`my-claude-finetune`, `models/gemini-pro`).
    Anywhere,
    /// At the start (`gpt-4o`, `gpt4`, `text-embedding-3-small`).
    First,
    /// At the start, as a whole word (`o3`, `o3-mini`, not `o3x`).
    FirstWord,
}

/// Words of model names and the maker they name: the one table ingest reads a provider from
/// when a log names only the model.
const MODEL_MAKERS: [(&str, Stands, Provider); 23] = [
    ("claude", Stands::Anywhere, Provider::Anthropic),
    ("gemini", Stands::Anywhere, Provider::Google),
    ("deepseek", Stands::Anywhere, Provider::DeepSeek),
    ("glm", Stands::First, Provider::Zhipu),
    ("gemma", Stands::First, Provider::Google),
    ("imagen", Stands::First, Provider::Google),
    ("veo", Stands::First, Provider::Google),
    ("gpt", Stands::First, Provider::OpenAi),
    ("chatgpt", Stands::First, Provider::OpenAi),
    ("codex", Stands::First, Provider::OpenAi),
    ("text-embedding", Stands::First, Provider::OpenAi),
    ("davinci", Stands::First, Provider::OpenAi),
    ("babbage", Stands::First, Provider::OpenAi),
    ("whisper", Stands::First, Provider::OpenAi),
    ("tts", Stands::First, Provider::OpenAi),
    ("dall-e", Stands::First, Provider::OpenAi),
    ("omni-moderation", Stands::First, Provider::OpenAi),
    ("o1", Stands::FirstWord, Provider::OpenAi),
    ("o3", Stands::FirstWord, Provider::OpenAi),
    ("o4", Stands::FirstWord, Provider::OpenAi),
    ("kimi", Stands::First, Provider::Moonshot),
    ("moonshot", Stands::First, Provider::Moonshot),
    ("grok", Stands::First, Provider::XAi),
];

/// Bedrock's maker prefixes (`anthropic.claude-…`, `amazon.nova-…`).
const BEDROCK_MAKERS: [(&str, Provider); 4] = [
    ("anthropic.", Provider::Anthropic),
    ("openai.", Provider::OpenAi),
    ("deepseek.", Provider::DeepSeek),
    ("amazon.", Provider::Amazon),
];

impl Provider {
    /// The maker a model name reveals, cloud spellings included (`us.anthropic.claude-…`,
    /// `publishers/google/models/gemini-…`, `azure/gpt-4o`, `openai/gpt-5`); `Unknown` when the
    /// name does not say (the catalog may still know the model).
    pub fn from_model(model: &str) -> Provider {
        let lower = model.trim().to_ascii_lowercase();
        if lower.starts_with("arn:") {
            return Provider::Unknown;
        }
        let name = lower.rsplit('/').next().unwrap_or(&lower);
        let name = ["us.", "eu.", "apac.", "global."]
            .iter()
            .find_map(|region| name.strip_prefix(region))
            .unwrap_or(name);
        if let Some((_, provider)) = BEDROCK_MAKERS
            .iter()
            .find(|(maker, _)| name.starts_with(maker))
        {
            return *provider;
        }
        let stands = |word: &str, how: Stands| match how {
            Stands::Anywhere => name.contains(word),
            Stands::First => name.starts_with(word),
            Stands::FirstWord => name
                .strip_prefix(word)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('-')),
        };
        MODEL_MAKERS
            .iter()
            .find(|(word, how, _)| stands(word, *how))
            .map_or(Provider::Unknown, |(_, _, provider)| *provider)
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A service tier the provider bills apart from standard, by the name it reports as served.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
pub enum ServiceTier {
    #[default]
    Standard,
    /// Slower, cheaper processing (OpenAI Flex, Bedrock Flex).
    Flex,
    /// Faster, dearer processing (OpenAI and Bedrock Priority).
    Priority,
    /// Anthropic fast mode (`speed: "fast"`).
    Fast,
    /// OpenAI Ultrafast processing.
    Ultrafast,
    /// A tier the log names that llm-audit has no price rule for (OpenAI `scale`, …): billed at
    /// standard rates and counted in the report.
    Other,
}

impl ServiceTier {
    /// Every tier, in declaration order.
    pub const ALL: [ServiceTier; 6] = [
        ServiceTier::Standard,
        ServiceTier::Flex,
        ServiceTier::Priority,
        ServiceTier::Fast,
        ServiceTier::Ultrafast,
        ServiceTier::Other,
    ];

    /// The tier a log reports as served. Standard's spellings and batch (priced by the batch
    /// flag) are `Standard`.
    pub fn from_reported(name: &str) -> ServiceTier {
        match name.trim().to_ascii_lowercase().as_str() {
            "" | "default" | "standard" | "auto" | "on_demand" | "on-demand" | "batch" => {
                ServiceTier::Standard
            }
            "flex" => ServiceTier::Flex,
            "priority" => ServiceTier::Priority,
            "fast" => ServiceTier::Fast,
            "ultrafast" => ServiceTier::Ultrafast,
            _ => ServiceTier::Other,
        }
    }

    /// The catalog key of a priced tier.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceTier::Standard => "standard",
            ServiceTier::Flex => "flex",
            ServiceTier::Priority => "priority",
            ServiceTier::Fast => "fast",
            ServiceTier::Ultrafast => "ultrafast",
            ServiceTier::Other => "other",
        }
    }
}

/// Where a request ran, when the provider charges more for it than for global processing.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Residency {
    /// Anthropic API `inference_geo: "us"`.
    InferenceGeoUs,
    /// A Bedrock geographic cross-region inference profile (`us.`, `eu.`, …), not `global.`.
    BedrockGeo,
    /// A Vertex AI regional endpoint rather than `global`.
    VertexRegional,
    /// An OpenAI data-residency (regional processing) project.
    DataResidency,
}

impl Residency {
    /// Every residency, in declaration order.
    pub const ALL: [Residency; 4] = [
        Residency::InferenceGeoUs,
        Residency::BedrockGeo,
        Residency::VertexRegional,
        Residency::DataResidency,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Residency::InferenceGeoUs => "inference_geo_us",
            Residency::BedrockGeo => "bedrock_geo",
            Residency::VertexRegional => "vertex_regional",
            Residency::DataResidency => "data_residency",
        }
    }
}

/// How the call ended, as far as the log says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CallStatus {
    #[default]
    Ok,
    /// The provider returned an error (the call may still carry usage).
    Error,
    /// The response was cut short (output limit, content filter, cancelled).
    Incomplete,
}

impl CallStatus {
    /// `Error` for a call the log names a failure of, else `Ok`.
    pub fn of(failure: Option<FailureCause>) -> CallStatus {
        if failure.is_some() {
            CallStatus::Error
        } else {
            CallStatus::Ok
        }
    }
}

/// Why a call failed, as far as the log says. Derived by [`FailureCause::derive`] from the status
/// code and error type a log gives; the error's text itself is never kept (it can quote the
/// prompt).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum FailureCause {
    /// Throttled: HTTP 429, `rate_limit_error`, `RESOURCE_EXHAUSTED`, `ThrottlingException`.
    RateLimit,
    /// The request timed out: HTTP 408 or 504, `timeout`, `timed out`.
    Timeout,
    /// The provider failed: any other 5xx, `overloaded`, `internal` errors.
    ServerError,
    /// The prompt did not fit the model's context window.
    ContextLength,
    /// A content filter, safety system or guardrail withheld the answer.
    ContentFilter,
    /// Any other failure (a bad request, authentication, an error the log does not name).
    Other,
}

impl FailureCause {
    /// Every cause, in declaration order.
    pub const ALL: [FailureCause; 6] = [
        FailureCause::RateLimit,
        FailureCause::Timeout,
        FailureCause::ServerError,
        FailureCause::ContextLength,
        FailureCause::ContentFilter,
        FailureCause::Other,
    ];

    /// The cause's name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureCause::RateLimit => "rate_limit",
            FailureCause::Timeout => "timeout",
            FailureCause::ServerError => "server_error",
            FailureCause::ContextLength => "context_length",
            FailureCause::ContentFilter => "content_filter",
            FailureCause::Other => "other",
        }
    }

    /// The one rule that names a failure's cause from what a log holds: an HTTP status code
    /// and any error types, codes, messages or finish reasons (a numeric text is read as a
    /// status code). The words of the texts decide first, since they are the more specific
    /// (a 400 that says `context_length_exceeded`); then the status code. The texts are only
    /// matched here, never kept.
    pub fn derive(status_code: Option<u16>, texts: &[&str]) -> FailureCause {
        let mut code = status_code;
        let mut words = String::new();
        for text in texts {
            match text.trim().parse::<u16>() {
                Ok(number) if (100..600).contains(&number) => code = code.or(Some(number)),
                _ => words.extend(
                    text.chars()
                        .filter(|c| c.is_alphanumeric())
                        .flat_map(char::to_lowercase),
                ),
            }
        }
        let says = |needles: &[&str]| needles.iter().any(|n| words.contains(n));
        if says(&[
            "contextlength",
            "contextwindow",
            "maximumcontext",
            "promptistoolong",
            "inputistoolong",
            "toomanytokens",
        ]) {
            FailureCause::ContextLength
        } else if says(&[
            "contentfilter",
            "contentpolicy",
            "contentmanagement",
            "safety",
            "guardrail",
            "refusal",
            "recitation",
            "prohibitedcontent",
            "blocklist",
        ]) {
            FailureCause::ContentFilter
        } else if code == Some(429)
            || says(&[
                "ratelimit",
                "toomanyrequests",
                "throttl",
                "resourceexhausted",
            ])
        {
            FailureCause::RateLimit
        } else if matches!(code, Some(408 | 504)) || says(&["timeout", "timedout", "deadline"]) {
            FailureCause::Timeout
        } else if code.is_some_and(|c| c >= 500)
            || says(&[
                "overloaded",
                "internal",
                "servererror",
                "serviceunavailable",
                "badgateway",
                "unavailable",
            ])
        {
            FailureCause::ServerError
        } else {
            FailureCause::Other
        }
    }
}

impl fmt::Display for FailureCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Request features that classification and feasibility checks look at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    /// Messages in the request (conversation turns sent).
    pub message_count: u32,
    /// Tool (function) definitions sent with the request.
    pub tools_defined: u32,
    /// Tool calls made in the response.
    pub tool_calls: u32,
    /// Tool results present in the request context (a sign of an agent loop).
    pub tool_results: u32,
    /// Structured output: a JSON schema or JSON mode was requested.
    pub json_schema: bool,
    /// Images or documents attached to the request.
    pub images: u32,
    /// The response was streamed (a person or a live system was waiting).
    pub streamed: bool,
    /// The call came from an interactive tool (a coding agent session, a chat UI).
    pub interactive: bool,
    /// Already sent through a Batch API.
    pub batch: bool,
    /// Finish reason as the provider wrote it (`stop`, `length`, `tool_use`, …).
    pub finish_reason: Option<String>,
    /// The log holds a redaction placeholder, or text that cannot be the request's, where the
    /// prompt was: the call is classified and compared as if the log held no text.
    pub redacted: bool,
    /// The record sums many requests (a session's totals, where the agent keeps no per-call
    /// usage): its prompt total is no one request's size, so no long-context tier applies.
    pub summed: bool,
}

/// Prompt text kept just long enough to classify the call; never stored in rows or reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallText {
    /// System prompt or instructions.
    pub system: String,
    /// The last user turn.
    pub user: String,
    /// Characters of every message in the request, system included.
    pub prompt_chars: u64,
}

/// A prefix of a request's prompt that a prompt cache could serve.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PromptPrefix {
    /// Stable hash of the prefix content.
    pub hash: u64,
    /// Tokens of the prompt up to the end of the prefix: estimated from its characters by the
    /// adapter, then scaled to the call's billed prompt tokens ([`PromptPrefixes::fitted_to`]).
    pub tokens: u64,
}

/// The most prefixes kept per request: the system prompt and tools, the conversation before
/// each of its last three assistant turns, and the whole request.
pub const MAX_PROMPT_PREFIXES: usize = 5;

/// A request's prompt hashed at the points where a prompt cache could have stored it, shortest
/// first, the whole request last: what conversation caching and exact repeats are judged on.
///
/// An agent or a chat re-sends its conversation each step: step n's prompt is step n − 1's
/// prompt, the answer, and what came back (tool results, a new user turn). So the points that
/// matter are where an earlier step's prompt ended, which is just before an assistant turn;
/// only the last few are kept, because a cache only serves what it saw minutes ago and
/// Anthropic looks for hits at most 20 blocks back from a breakpoint
/// (<https://docs.claude.com/en/docs/build-with-claude/prompt-caching>).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PromptPrefixes {
    items: [PromptPrefix; MAX_PROMPT_PREFIXES],
    len: u8,
    /// The first prefix is the system prompt and tool definitions alone.
    system_first: bool,
}

impl PromptPrefixes {
    /// Prefixes from `items`, shortest first, the whole request last; the first is the system
    /// prompt and tools when `system_first`. Longer lists keep the first and the last
    /// [`MAX_PROMPT_PREFIXES`] − 1; prefixes that repeat the one before them are dropped.
    pub fn new(system_first: bool, items: &[PromptPrefix]) -> Option<PromptPrefixes> {
        // Without allocating: rows are decoded many times a run, each time through here.
        let distinct = || {
            items
                .iter()
                .enumerate()
                .filter(|&(at, item)| at == 0 || items[at - 1].hash != item.hash)
                .map(|(_, item)| *item)
        };
        let count = distinct().count();
        // Kept: the first, and from `tail` on.
        let tail = count.saturating_sub(MAX_PROMPT_PREFIXES - 1).max(1);
        let kept = distinct()
            .enumerate()
            .filter(|&(at, _)| at == 0 || at >= tail)
            .map(|(_, item)| item);
        let mut prefixes = PromptPrefixes {
            system_first: system_first && count > 1,
            ..PromptPrefixes::default()
        };
        for (slot, item) in prefixes.items.iter_mut().zip(kept) {
            *slot = item;
        }
        prefixes.len = count.min(MAX_PROMPT_PREFIXES) as u8;
        (prefixes.len > 0).then_some(prefixes)
    }

    /// The prefixes of an earlier [`PromptPrefixes::as_slice`] and
    /// [`PromptPrefixes::system_first`], taken as they are: rows are decoded many times a run.
    /// `None` unless they are a list [`PromptPrefixes::new`] keeps as it is (one to
    /// [`MAX_PROMPT_PREFIXES`], none repeating the one before, the system prompt marked first
    /// only when more follow), and then what `new` gives.
    pub fn from_kept(system_first: bool, items: &[PromptPrefix]) -> Option<PromptPrefixes> {
        let repeats = items.windows(2).any(|pair| pair[0].hash == pair[1].hash);
        if items.is_empty() || items.len() > MAX_PROMPT_PREFIXES || repeats {
            return None;
        }
        if system_first && items.len() == 1 {
            return None;
        }
        let mut prefixes = PromptPrefixes {
            system_first,
            len: items.len() as u8,
            ..PromptPrefixes::default()
        };
        prefixes.items[..items.len()].copy_from_slice(items);
        Some(prefixes)
    }

    /// Every prefix, shortest first.
    pub fn as_slice(&self) -> &[PromptPrefix] {
        &self.items[..usize::from(self.len)]
    }

    /// The whole request.
    pub fn whole(&self) -> PromptPrefix {
        self.as_slice().last().copied().unwrap_or_default()
    }

    /// The system prompt and tool definitions, when the request has them and more.
    pub fn system(&self) -> Option<PromptPrefix> {
        self.system_first.then(|| self.items[0])
    }

    /// Whether the first prefix is the system prompt and tools alone.
    pub fn system_first(&self) -> bool {
        self.system_first
    }

    /// The prefixes with their tokens scaled so the whole request has `prompt_tokens` (the
    /// billed count): the characters say where each prefix ends, the bill how many tokens the
    /// request had. Without a billed count the estimates stay.
    pub fn fitted_to(self, prompt_tokens: u64) -> PromptPrefixes {
        let estimated = self.whole().tokens.max(1);
        if prompt_tokens == 0 || self.len == 0 {
            return self;
        }
        let mut fitted = self.rescaled(estimated, prompt_tokens);
        let len = usize::from(self.len);
        for item in &mut fitted.items[..len] {
            item.tokens = item.tokens.min(prompt_tokens);
        }
        fitted.items[len - 1].tokens = prompt_tokens;
        fitted
    }

    /// The same prefixes with every token count scaled by `to / from` (a call moved to a model
    /// that counts its prompt in another tokenizer).
    pub fn rescaled(self, from: u64, to: u64) -> PromptPrefixes {
        if from == to || from == 0 {
            return self;
        }
        let mut scaled = self;
        for item in &mut scaled.items[..usize::from(self.len)] {
            let tokens = u128::from(item.tokens) * u128::from(to) / u128::from(from);
            item.tokens = u64::try_from(tokens).unwrap_or(u64::MAX);
        }
        scaled
    }
}

/// One LLM call as every adapter reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallRecord {
    /// Provider that served the call.
    pub provider: Provider,
    /// Model name as the log states it (the response's model where present).
    pub model: String,
    /// Start time, milliseconds since the Unix epoch (UTC).
    pub timestamp_ms: Option<i64>,
    /// End-to-end latency in milliseconds.
    pub latency_ms: Option<f64>,
    /// Time to first token in milliseconds.
    pub time_to_first_token_ms: Option<f64>,
    pub status: CallStatus,
    /// Why the call failed, when the adapter could tell from the log's status code or error
    /// type ([`FailureCause::derive`]); read through [`CallRecord::failure_cause`].
    pub failure: Option<FailureCause>,
    /// The provider's response or message id.
    pub response_id: Option<String>,
    /// The provider's request id (or a batch custom id).
    pub request_id: Option<String>,
    /// Session, conversation or trace id.
    pub session_id: Option<String>,
    pub tokens: TokenBuckets,
    /// Tags from the log: project, user, feature and other metadata keys.
    pub tags: Vec<(String, String)>,
    pub features: Features,
    /// Cost the log itself states, in USD, if any.
    pub stated_cost_usd: Option<f64>,
    /// Service tier the provider reports having served (`default`, `flex`, `priority`, …;
    /// `fast` for Anthropic fast mode).
    pub service_tier: Option<String>,
    /// Where the request ran, when the log says and it is billed apart from global processing
    /// (Anthropic `inference_geo: "us"`, a Bedrock geographic profile).
    pub residency: Option<Residency>,
    /// Server-side web-search requests the call made, billed per request.
    pub web_search_requests: u32,
    /// Prompt text for classification, when the log holds it.
    pub text: Option<CallText>,
    /// The prompt's prefixes, for prompt-cache replay and exact repeats, when the log holds the
    /// whole request.
    pub prefix: Option<PromptPrefixes>,
    /// Key under which duplicate lines of one call collapse (Claude Code content blocks).
    pub dedupe_key: Option<u64>,
    /// Inferences the provider ran and billed apart within this request, at their own model
    /// (Anthropic's advisor iterations): each becomes a call of its own, counted as a record of
    /// its line.
    pub sub_calls: Vec<CallRecord>,
}

impl CallRecord {
    /// Why the call failed, if it did: an error, for the cause its adapter found (else what
    /// its finish reason says, else [`FailureCause::Other`]); or an answer a content filter
    /// withheld (finish reason `content_filter`, `SAFETY`, `refusal`, …), whatever the status.
    pub fn failure_cause(&self) -> Option<FailureCause> {
        let finish = || {
            let reason = self.features.finish_reason.as_deref()?;
            Some(FailureCause::derive(None, &[reason])).filter(|c| *c != FailureCause::Other)
        };
        match self.status {
            CallStatus::Error => Some(self.failure.or_else(finish).unwrap_or(FailureCause::Other)),
            CallStatus::Ok | CallStatus::Incomplete => self
                .failure
                .or_else(finish)
                .filter(|cause| *cause == FailureCause::ContentFilter),
        }
    }

    /// Checks every number the log gave against its range ([`crate::limits`]); the first one
    /// out of range names its field.
    pub fn check_numbers(&self) -> Result<(), String> {
        use crate::limits;
        for (field, tokens) in self.tokens.named() {
            limits::call_tokens(field, tokens)?;
        }
        if let Some(ms) = self.latency_ms {
            limits::latency("latency", ms)?;
        }
        if let Some(ms) = self.time_to_first_token_ms {
            limits::latency("time to first token", ms)?;
        }
        if let Some(usd) = self.stated_cost_usd {
            limits::non_negative("stated cost", usd, limits::CALL_COST_MAX)?;
        }
        Ok(())
    }
}

/// One line of a billing export: usage and/or billed cost of a model over a period. Buckets are
/// aggregates, kept apart from per-call records and never counted as calls.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UsageBucket {
    /// Provider the bill is for (the model's maker when the export is a cloud's, e.g. Bedrock).
    pub provider: Provider,
    /// Model as the export names it; `None` when the export does not break usage down by model.
    pub model: Option<String>,
    /// Start of the period, milliseconds since the Unix epoch (UTC).
    pub start_ms: i64,
    /// End of the period (exclusive), when the export states it.
    pub end_ms: Option<i64>,
    /// Tokens used in the period, by exclusive bucket (zero where the export does not say).
    pub tokens: TokenBuckets,
    /// Requests in the period, when the export counts them.
    pub requests: Option<u64>,
    /// What the provider billed for this line, in `currency` (USD unless stated).
    pub billed: Option<crate::money::Money>,
    /// ISO currency code of `billed` when it is not USD (Azure exports bill in local currency).
    pub currency: Option<String>,
    /// Billed through a Batch API (half price).
    pub batch: bool,
    /// Billed at the long-context tier (the export says so, e.g. Anthropic's `200k-1M`).
    pub long_context: bool,
    /// Project, workspace, account or API key the export groups by.
    pub project: Option<String>,
    /// The export's own name for the line (SKU, usage type, line item, token type).
    pub line_item: Option<String>,
}

impl UsageBucket {
    /// Checks every number the export gave against its range ([`crate::limits`]).
    pub fn check_numbers(&self) -> Result<(), String> {
        use crate::limits;
        for (field, tokens) in self.tokens.named() {
            limits::billed_tokens(field, tokens)?;
        }
        if let Some(requests) = self.requests {
            limits::billed_tokens("requests", requests)?;
        }
        if let Some(billed) = self.billed {
            limits::signed("billed amount", billed.usd(), limits::BILLED_MAX)?;
        }
        Ok(())
    }
}

/// Roughly four characters per token for English text and code (OpenAI's published rule of thumb).
pub fn estimate_tokens(chars: u64) -> u64 {
    chars.div_ceil(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Prefix lists of every length up to 9 over hashes from a small alphabet (so that
    /// neighbours often repeat) keep what the rule says: repeats of the prefix before dropped,
    /// then the first and the last four, in order; the system prompt is first only when more
    /// than one prefix remains.
    #[test]
    fn prefixes_keep_the_first_and_the_last_distinct_ones() {
        for len in 0..=9usize {
            for seed in 0..3u64.pow(len as u32) {
                let items: Vec<PromptPrefix> = (0..len)
                    .map(|at| PromptPrefix {
                        hash: seed / 3u64.pow(at as u32) % 3,
                        tokens: at as u64 * 10,
                    })
                    .collect();
                let mut distinct: Vec<PromptPrefix> = Vec::new();
                for item in &items {
                    if distinct.last().is_none_or(|last| last.hash != item.hash) {
                        distinct.push(*item);
                    }
                }
                let expected: Vec<PromptPrefix> = if distinct.len() > MAX_PROMPT_PREFIXES {
                    let tail = distinct.len() - (MAX_PROMPT_PREFIXES - 1);
                    [&distinct[..1], &distinct[tail..]].concat()
                } else {
                    distinct.clone()
                };
                for system_first in [false, true] {
                    let got = PromptPrefixes::new(system_first, &items);
                    match got {
                        None => assert!(expected.is_empty(), "{items:?}"),
                        Some(got) => {
                            assert_eq!(got.as_slice(), &expected[..], "{items:?}");
                            assert_eq!(got.system_first(), system_first && distinct.len() > 1);
                        }
                    }
                    // Taken as they are: exactly the lists `new` gives back unchanged.
                    let unchanged = got.filter(|got| {
                        got.as_slice() == &items[..] && got.system_first() == system_first
                    });
                    assert_eq!(
                        PromptPrefixes::from_kept(system_first, &items),
                        unchanged,
                        "{items:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_model_name_tells_its_maker_in_every_cloud_spelling() {
        for (model, maker) in [
            ("gpt-4o-mini", Provider::OpenAi),
            ("azure/gpt-4o", Provider::OpenAi),
            ("openai.gpt-oss-120b-1:0", Provider::OpenAi),
            ("o3", Provider::OpenAi),
            ("o4-mini", Provider::OpenAi),
            ("claude-sonnet-4-6", Provider::Anthropic),
            ("us.anthropic.claude-opus-4-6-v1:0", Provider::Anthropic),
            (
                "publishers/google/models/gemini-2.5-flash",
                Provider::Google,
            ),
            ("gemma-3-27b", Provider::Google),
            ("deepseek/deepseek-v3.2", Provider::DeepSeek),
            ("deepseek.r1-v1:0", Provider::DeepSeek),
            ("amazon.nova-pro-v1:0", Provider::Amazon),
            // Names that do not say are left to the catalog.
            ("o3x", Provider::Unknown),
            ("NovaPro", Provider::Unknown),
            ("mistral.mistral-large-2407-v1:0", Provider::Unknown),
            (
                "arn:aws:bedrock:us-east-1:1:inference-profile/x",
                Provider::Unknown,
            ),
        ] {
            assert_eq!(Provider::from_model(model), maker, "{model}");
        }
    }

    #[test]
    fn failure_causes_come_from_codes_and_error_words() {
        let cause = FailureCause::derive;
        assert_eq!(cause(Some(429), &[]), FailureCause::RateLimit);
        assert_eq!(
            cause(None, &["RateLimitError", "429"]),
            FailureCause::RateLimit
        );
        assert_eq!(
            cause(None, &["ThrottlingException"]),
            FailureCause::RateLimit
        );
        assert_eq!(cause(Some(504), &[]), FailureCause::Timeout);
        assert_eq!(cause(None, &["Request timed out."]), FailureCause::Timeout);
        assert_eq!(cause(Some(503), &[]), FailureCause::ServerError);
        assert_eq!(
            cause(Some(529), &["overloaded_error"]),
            FailureCause::ServerError
        );
        assert_eq!(
            cause(Some(400), &["context_length_exceeded"]),
            FailureCause::ContextLength
        );
        assert_eq!(
            cause(
                None,
                &["This model's maximum context length is 128000 tokens"]
            ),
            FailureCause::ContextLength
        );
        assert_eq!(
            cause(None, &["prompt is too long"]),
            FailureCause::ContextLength
        );
        assert_eq!(
            cause(None, &["content_filter"]),
            FailureCause::ContentFilter
        );
        assert_eq!(cause(None, &["SAFETY"]), FailureCause::ContentFilter);
        assert_eq!(cause(Some(401), &["invalid_api_key"]), FailureCause::Other);
        assert_eq!(cause(None, &[]), FailureCause::Other);
    }

    #[test]
    fn only_errors_and_filtered_answers_have_a_failure_cause() {
        let with = |status, failure, finish: Option<&str>| CallRecord {
            status,
            failure,
            features: Features {
                finish_reason: finish.map(str::to_string),
                ..Features::default()
            },
            ..CallRecord::default()
        };
        assert_eq!(
            with(CallStatus::Ok, None, Some("stop")).failure_cause(),
            None
        );
        assert_eq!(
            with(CallStatus::Incomplete, None, Some("length")).failure_cause(),
            None
        );
        assert_eq!(
            with(CallStatus::Incomplete, None, Some("content_filter")).failure_cause(),
            Some(FailureCause::ContentFilter)
        );
        assert_eq!(
            with(CallStatus::Error, None, None).failure_cause(),
            Some(FailureCause::Other)
        );
        assert_eq!(
            with(CallStatus::Error, Some(FailureCause::RateLimit), None).failure_cause(),
            Some(FailureCause::RateLimit)
        );
    }

    #[test]
    fn totals_saturate_on_corrupt_counts() {
        let tokens = TokenBuckets {
            input: u64::MAX,
            cache_read: 5,
            output: 7,
            ..TokenBuckets::default()
        };
        assert_eq!(tokens.prompt_total(), u64::MAX);
        assert_eq!(tokens.total(), u64::MAX);
        let mut sum = tokens;
        sum.add(&tokens);
        assert_eq!((sum.input, sum.cache_read, sum.output), (u64::MAX, 10, 14));
    }
}
