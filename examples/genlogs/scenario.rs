//! Provider-neutral model calls as production applications make them: a handful of apps, each
//! with a system prompt reused on every call, tools or a JSON schema where the app needs them,
//! and conversations whose user turns are new text every time. Each format's writer renders
//! these calls in its own wire shape.

use crate::genlogs::apps;
use crate::genlogs::clock;
use crate::genlogs::rng::Rng;

/// How expensive a model is, which decides which apps use it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Small,
    Mid,
    Flagship,
}

/// How a provider reuses prompt prefixes, which decides the cached-token buckets.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// Automatic prefix caching of prompts from 1,024 tokens, in 128-token steps, read only
    /// (OpenAI, Gemini implicit caching).
    Automatic,
    /// `cache_control` breakpoints: the prefix is written on a miss and read on a hit
    /// (Anthropic, Bedrock prompt caching).
    Explicit,
    /// No prompt caching.
    None,
}

/// A model as logs name it.
pub struct Model {
    /// The name the request asks for.
    pub request: &'static str,
    /// The (often dated) name the response reports.
    pub response: &'static str,
    pub tier: Tier,
    /// Whether the model spends reasoning tokens inside its output.
    pub reasoning: bool,
    /// Generation speed, milliseconds per output token.
    pub ms_per_token: u64,
}

/// A tool an app declares.
pub struct Tool {
    pub name: &'static str,
    pub description: &'static str,
    /// The JSON schema of the arguments, as JSON text.
    pub parameters: &'static str,
}

/// What kind of work an app asks for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum AppKind {
    Support,
    InvoiceExtract,
    CodeReview,
    Summarize,
    Classify,
    Translate,
    SqlAssistant,
    RagQa,
}

/// One production application: its system prompt is the reused template.
pub struct App {
    pub kind: AppKind,
    /// The feature tag the app's calls carry.
    pub feature: &'static str,
    pub system: String,
    pub tools: &'static [Tool],
    /// JSON schema response format: its name and schema text.
    pub schema: Option<(&'static str, &'static str)>,
    /// How the app picks a model tier: weights of small, mid, flagship.
    pub tiers: [f64; 3],
    /// Share of calls streamed.
    pub stream_share: f64,
    /// Share of traffic.
    pub weight: f64,
    /// Writes with a one-hour cache TTL instead of five minutes (explicit caching only).
    pub long_cache: bool,
}

/// Who said a turn.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
    Tool,
}

/// A tool call the model made.
#[derive(Clone)]
pub struct ToolCall {
    pub id: String,
    pub name: &'static str,
    /// The arguments as JSON text.
    pub arguments: String,
}

/// One message of a conversation.
#[derive(Clone)]
pub struct Turn {
    pub role: Role,
    pub text: String,
    pub tool_calls: Vec<ToolCall>,
    /// For a tool result: the call it answers.
    pub tool_call_id: Option<String>,
}

impl Turn {
    /// A user turn of text.
    fn user(text: String) -> Turn {
        Turn {
            role: Role::User,
            text,
            tool_calls: Vec::new(),
            tool_call_id: None,
        }
    }
}

/// Why the model stopped.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    Stop,
    ToolCalls,
    Length,
}

/// A call that failed before the model produced anything.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    RateLimited,
    Overloaded,
    ServerError,
}

impl Failure {
    /// The HTTP status the provider answered with.
    pub fn status(self) -> u16 {
        match self {
            Failure::RateLimited => 429,
            Failure::Overloaded => 529,
            Failure::ServerError => 500,
        }
    }
}

/// Tokens in exclusive buckets: `input` is uncached input, reasoning is part of `output`.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
pub struct Usage {
    pub input: u64,
    pub cache_read: u64,
    pub cache_write_5m: u64,
    pub cache_write_1h: u64,
    pub output: u64,
    pub reasoning: u64,
}

impl Usage {
    /// Every prompt token: uncached, read and written.
    pub fn prompt(&self) -> u64 {
        self.input + self.cache_read + self.cache_write_5m + self.cache_write_1h
    }

    /// Cache writes of both TTLs.
    pub fn cache_write(&self) -> u64 {
        self.cache_write_5m + self.cache_write_1h
    }

    /// Adds another call's tokens.
    pub fn add(&mut self, other: &Usage) {
        self.input += other.input;
        self.cache_read += other.cache_read;
        self.cache_write_5m += other.cache_write_5m;
        self.cache_write_1h += other.cache_write_1h;
        self.output += other.output;
        self.reasoning += other.reasoning;
    }
}

/// One model call, ready to be rendered by a writer.
pub struct Call<'a> {
    pub app: &'a App,
    pub model: &'a Model,
    /// The request's messages after the system prompt: history, then this turn.
    pub turns: Vec<Turn>,
    /// The model's answer (empty for a failed call).
    pub reply: Turn,
    pub finish: Finish,
    pub stream: bool,
    pub max_tokens: u64,
    pub usage: Usage,
    pub start_ms: i64,
    pub latency_ms: u64,
    pub ttft_ms: u64,
    pub failure: Option<Failure>,
    /// The end user the app serves.
    pub user: String,
    /// Groups the calls of one conversation or agent run.
    pub conversation: String,
}

/// Approximate tokens of a text: four bytes a token for ASCII, one a character otherwise
/// (CJK and Cyrillic words split into many tokens).
pub fn tokens(text: &str) -> u64 {
    let ascii = text.bytes().filter(u8::is_ascii).count() as u64;
    let other = text.chars().filter(|c| !c.is_ascii()).count() as u64;
    ascii.div_ceil(4) + other
}

/// Draws calls for one provider family: its models and how it caches.
pub struct Traffic<'a> {
    pub apps: &'a [App],
    pub models: &'a [Model],
    pub caching: Caching,
    /// Share of calls that fail once (rate limit, overload, server error) and are retried.
    pub failure_share: f64,
}

impl<'a> Traffic<'a> {
    /// One conversation or agent run: the calls it made, in time order, starting at `start_ms`.
    pub fn conversation(&self, rng: &mut Rng, start_ms: i64) -> Vec<Call<'a>> {
        let weights: Vec<f64> = self.apps.iter().map(|a| a.weight).collect();
        let app = &self.apps[rng.weighted(&weights)];
        let model = self.pick_model(rng, app);
        let stream = rng.chance(app.stream_share);
        let mut user = String::from("user-");
        user.push_str(&rng.range(1, 4000).to_string());
        let mut conversation = String::from("conv_");
        rng.hex(&mut conversation, 16);
        let mut session = Session {
            traffic: self,
            app,
            model,
            stream,
            user,
            conversation,
            history: Vec::new(),
            clock_ms: start_ms,
            calls: Vec::new(),
        };
        let user_turns = match app.kind {
            AppKind::Support => rng.range(1, 5),
            AppKind::CodeReview | AppKind::RagQa => rng.range(1, 3),
            _ => 1,
        };
        for _ in 0..user_turns {
            let message = apps::user_message(rng, app.kind);
            session.history.push(Turn::user(message));
            session.answer(rng);
            // The user reads the answer and types the next message.
            session.clock_ms += rng.range(8_000, 180_000) as i64;
        }
        session.calls
    }

    /// A model of the tier the app wants, drawn by the app's tier weights.
    fn pick_model(&self, rng: &mut Rng, app: &App) -> &'a Model {
        let tiers = [Tier::Small, Tier::Mid, Tier::Flagship];
        for _ in 0..8 {
            let tier = tiers[rng.weighted(&app.tiers)];
            let candidates: Vec<&Model> = self.models.iter().filter(|m| m.tier == tier).collect();
            if !candidates.is_empty() {
                return candidates[rng.below(candidates.len() as u64) as usize];
            }
        }
        &self.models[rng.below(self.models.len() as u64) as usize]
    }
}

/// A conversation being played out.
struct Session<'t, 'a> {
    traffic: &'t Traffic<'a>,
    app: &'a App,
    model: &'a Model,
    stream: bool,
    user: String,
    conversation: String,
    history: Vec<Turn>,
    clock_ms: i64,
    calls: Vec<Call<'a>>,
}

impl<'a> Session<'_, 'a> {
    /// Makes the calls that answer the last user turn: tool calls first when the app uses
    /// tools, a failed attempt and its retry now and then, a truncated answer re-asked now and
    /// then.
    fn answer(&mut self, rng: &mut Rng) {
        let wants_tool = match self.app.kind {
            AppKind::SqlAssistant => true,
            AppKind::Support => rng.chance(0.35),
            _ => false,
        };
        if wants_tool {
            let call = apps::tool_call(rng, self.app);
            let reply = Turn {
                role: Role::Assistant,
                text: String::new(),
                tool_calls: vec![call.clone()],
                tool_call_id: None,
            };
            self.call(rng, reply, Finish::ToolCalls);
            let result = Turn {
                role: Role::Tool,
                text: apps::tool_result(rng, call.name),
                tool_calls: Vec::new(),
                tool_call_id: Some(call.id),
            };
            self.history.push(result);
            self.clock_ms += rng.range(50, 2_500) as i64;
        }
        let reply = Turn {
            role: Role::Assistant,
            text: apps::assistant_text(rng, self.app.kind),
            tool_calls: Vec::new(),
            tool_call_id: None,
        };
        let truncated = rng.chance(0.02);
        self.call(
            rng,
            reply,
            if truncated {
                Finish::Length
            } else {
                Finish::Stop
            },
        );
        if truncated {
            // Re-asked at once with the same messages and a larger output budget.
            self.clock_ms += rng.range(500, 5_000) as i64;
            let reply = Turn {
                role: Role::Assistant,
                text: apps::assistant_text(rng, self.app.kind),
                tool_calls: Vec::new(),
                tool_call_id: None,
            };
            self.call(rng, reply, Finish::Stop);
        }
    }

    /// Records one call (and a failed attempt before it, sometimes), then appends the reply to
    /// the history.
    fn call(&mut self, rng: &mut Rng, reply: Turn, finish: Finish) {
        if rng.chance(self.traffic.failure_share) {
            let failure = rng.pick(&[
                Failure::RateLimited,
                Failure::RateLimited,
                Failure::Overloaded,
                Failure::ServerError,
            ]);
            let latency = rng.range(40, 900);
            self.calls.push(Call {
                app: self.app,
                model: self.model,
                turns: self.history.clone(),
                reply: Turn {
                    role: Role::Assistant,
                    text: String::new(),
                    tool_calls: Vec::new(),
                    tool_call_id: None,
                },
                finish: Finish::Stop,
                stream: self.stream,
                max_tokens: 0,
                usage: Usage::default(),
                start_ms: self.clock_ms,
                latency_ms: latency,
                ttft_ms: 0,
                failure: Some(failure),
                user: self.user.clone(),
                conversation: self.conversation.clone(),
            });
            // Client back-off before the retry.
            self.clock_ms += latency as i64 + rng.range(1_000, 20_000) as i64;
        }
        let usage = self.usage(rng, &reply, finish);
        let ttft = rng.range(250, 1_400);
        let latency = ttft + usage.output * self.model.ms_per_token;
        let max_tokens = if finish == Finish::Length {
            usage.output
        } else {
            rng.pick(&[1024, 2048, 4096, 8192, 16384])
        };
        self.calls.push(Call {
            app: self.app,
            model: self.model,
            turns: self.history.clone(),
            reply: reply.clone(),
            finish,
            stream: self.stream,
            max_tokens: max_tokens.max(usage.output),
            usage,
            start_ms: self.clock_ms,
            latency_ms: latency,
            ttft_ms: ttft,
            failure: None,
            user: self.user.clone(),
            conversation: self.conversation.clone(),
        });
        self.clock_ms += latency as i64;
        if finish != Finish::Length {
            self.history.push(reply);
        }
    }

    /// The tokens of a call: the prompt is the system prompt, tool definitions and messages;
    /// the cached part is the reused prefix (and earlier turns) on a warm cache.
    fn usage(&self, rng: &mut Rng, reply: &Turn, finish: Finish) -> Usage {
        let tools: u64 = self
            .app
            .tools
            .iter()
            .map(|t| tokens(t.parameters) + tokens(t.description) + 8)
            .sum();
        let schema = self.app.schema.map_or(0, |(_, s)| tokens(s));
        let prefix = tokens(&self.app.system) + tools + schema + 4;
        let history: u64 = self
            .history
            .iter()
            .map(|t| {
                tokens(&t.text)
                    + t.tool_calls
                        .iter()
                        .map(|c| tokens(&c.arguments) + 6)
                        .sum::<u64>()
                    + 4
            })
            .sum();
        let last = self.history.last().map_or(0, |t| tokens(&t.text) + 4);
        let prompt = prefix + history;
        let mut output = tokens(&reply.text)
            + reply
                .tool_calls
                .iter()
                .map(|c| tokens(&c.arguments) + 12)
                .sum::<u64>()
            + 1;
        let reasoning = if self.model.reasoning {
            (rng.log_normal(600.0, 1.0) as u64).clamp(64, 30_000)
        } else {
            0
        };
        output += reasoning;
        if finish == Finish::Length {
            output = output.min(rng.pick(&[256, 512, 1024]));
        }
        // What a warm cache covers: the prefix, plus earlier turns of the conversation.
        let reusable = prefix + history - last;
        let mut usage = Usage {
            input: prompt,
            output,
            reasoning: reasoning.min(output),
            ..Usage::default()
        };
        match self.traffic.caching {
            Caching::Automatic if reusable >= 1024 && rng.chance(0.6) => {
                let cached = (reusable.min(prompt) / 128) * 128;
                usage.cache_read = cached;
                usage.input = prompt - cached;
            }
            Caching::Explicit if prefix >= 1024 => {
                if rng.chance(0.7) {
                    usage.cache_read = reusable;
                    usage.input = prompt - reusable;
                } else {
                    if self.app.long_cache {
                        usage.cache_write_1h = reusable;
                    } else {
                        usage.cache_write_5m = reusable;
                    }
                    usage.input = prompt - reusable;
                }
            }
            _ => {}
        }
        usage
    }
}

/// The start time of the next conversation, from how far the output has come.
pub fn start_time(rng: &mut Rng, written: u64, target: u64) -> i64 {
    let progress = written as f64 / target.max(1) as f64;
    clock::at_progress(progress) + rng.below(60_000) as i64
}
