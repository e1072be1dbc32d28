//! Provider-neutral model calls as production applications make them: a handful of apps, each
//! with a system prompt reused on every call, tools or a JSON schema where the app needs them,
//! and conversations whose user turns are new text every time. Each format's writer renders
//! these calls in its own wire shape.

use crate::genlogs::clock;
use crate::genlogs::rng::Rng;
use crate::genlogs::text::{self, Code, Lang};

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

const SUPPORT_TOOLS: &[Tool] = &[
    Tool {
        name: "lookup_order",
        description: "Look up an order by its id and return its status, items and tracking.",
        parameters: r#"{"type":"object","properties":{"order_id":{"type":"string","description":"The order id, e.g. ORD-12345-AB"}},"required":["order_id"]}"#,
    },
    Tool {
        name: "create_ticket",
        description: "Open a ticket for the billing or logistics team when the assistant cannot solve the problem.",
        parameters: r#"{"type":"object","properties":{"queue":{"type":"string","enum":["billing","logistics","technical"]},"summary":{"type":"string"},"priority":{"type":"string","enum":["low","normal","high"]}},"required":["queue","summary"]}"#,
    },
];

const SQL_TOOLS: &[Tool] = &[Tool {
    name: "run_query",
    description: "Run a read-only SQL query on the analytics warehouse and return at most 200 rows.",
    parameters: r#"{"type":"object","properties":{"sql":{"type":"string","description":"One SELECT statement"}},"required":["sql"]}"#,
}];

const INVOICE_SCHEMA: &str = r#"{"type":"object","properties":{"vendor":{"type":"string"},"invoice_number":{"type":"string"},"date":{"type":"string"},"currency":{"type":"string"},"total":{"type":"number"},"lines":{"type":"array","items":{"type":"object","properties":{"description":{"type":"string"},"quantity":{"type":"number"},"amount":{"type":"number"}}}}},"required":["vendor","total"],"additionalProperties":false}"#;

const CLASSIFY_SCHEMA: &str = r#"{"type":"object","properties":{"label":{"type":"string","enum":["billing","shipping","account","technical","sales","other"]},"urgent":{"type":"boolean"}},"required":["label","urgent"],"additionalProperties":false}"#;

/// Builds the apps and their system prompts (the reused templates) from `rng`.
pub fn apps(rng: &mut Rng) -> Vec<App> {
    let company = text::company(rng);
    let mut support = format!(
        "You are the support assistant of {company}. Answer in the customer's language. Be brief and \
         friendly, never invent order data, and use the tools to look orders up. Follow the policy below \
         exactly and cite the clause number when you refuse something.\n"
    );
    for clause in 1..=rng.range(24, 40) {
        support.push_str(&format!("{clause}. "));
        text::sentence(rng, &mut support);
        support.push('\n');
    }
    let mut invoice = String::from(
        "You extract structured data from invoices. Return only JSON that matches the schema. Amounts \
         are numbers without currency symbols; dates are ISO 8601. If a field is missing, leave it out.\n",
    );
    text::prose(rng, &mut invoice, 400);
    let mut review = String::from(
        "You are a senior engineer reviewing a pull request. Point out bugs first, then risky changes, \
         then style. Quote the lines you comment on. Suggest a fix as a code block when one is short.\n\nHouse rules:\n",
    );
    for rule in 1..=rng.range(40, 60) {
        review.push_str(&format!("- R{rule}: "));
        text::sentence(rng, &mut review);
        review.push('\n');
    }
    let summarize = String::from(
        "Summarize the text for a busy manager: five bullet points at most, then one line of next steps. \
         Keep names, numbers and dates exactly as written.",
    );
    let mut classify = String::from(
        "Classify the customer message into one label. Labels:\n- billing: invoices, charges, refunds\n\
         - shipping: deliveries, tracking, returns\n- account: login, password, profile\n\
         - technical: errors, outages, integrations\n- sales: pricing, upgrades, quotes\n- other\n\
         Set urgent when the customer is blocked or threatens to cancel. Examples:\n",
    );
    for _ in 0..rng.range(8, 14) {
        classify.push_str("Message: ");
        text::sentence(rng, &mut classify);
        classify.push_str(&format!(
            "\nLabel: {}\n",
            rng.pick(&["billing", "shipping", "account", "technical", "sales", "other"])
        ));
    }
    let translate = String::from(
        "Translate the user's text into clear, natural English. Keep product names, ids and numbers \
         unchanged. Output only the translation.",
    );
    let mut sql = String::from(
        "You write SQL for the analytics warehouse (PostgreSQL 16). Use the run_query tool to check \
         your query before answering, then explain the result in two sentences. Schema:\n",
    );
    for _ in 0..rng.range(14, 22) {
        sql.push_str("CREATE TABLE ");
        text::ident(rng, &mut sql, false);
        sql.push_str("s (\n  id bigint PRIMARY KEY,\n");
        for _ in 0..rng.range(4, 10) {
            sql.push_str("  ");
            text::ident(rng, &mut sql, false);
            sql.push_str(rng.pick(&[" text,\n", " bigint,\n", " numeric(12,2),\n", " timestamptz,\n"]));
        }
        sql.push_str("  created_at timestamptz NOT NULL\n);\n");
    }
    let mut rag = String::from(
        "Answer the question using only the numbered context passages. Cite passages as [n]. If the \
         context does not answer the question, say so. Product background:\n",
    );
    text::prose(rng, &mut rag, 900);
    vec![
        App { kind: AppKind::Support, feature: "support-chat", system: support, tools: SUPPORT_TOOLS, schema: None, tiers: [0.2, 0.4, 0.4], stream_share: 0.8, weight: 0.24, long_cache: false },
        App { kind: AppKind::InvoiceExtract, feature: "invoice-extract", system: invoice, tools: &[], schema: Some(("invoice", INVOICE_SCHEMA)), tiers: [0.3, 0.3, 0.4], stream_share: 0.0, weight: 0.12, long_cache: false },
        App { kind: AppKind::CodeReview, feature: "code-review", system: review, tools: &[], schema: None, tiers: [0.0, 0.3, 0.7], stream_share: 0.3, weight: 0.12, long_cache: true },
        App { kind: AppKind::Summarize, feature: "summarize", system: summarize, tools: &[], schema: None, tiers: [0.3, 0.4, 0.3], stream_share: 0.2, weight: 0.14, long_cache: false },
        App { kind: AppKind::Classify, feature: "ticket-triage", system: classify, tools: &[], schema: Some(("triage", CLASSIFY_SCHEMA)), tiers: [0.6, 0.3, 0.1], stream_share: 0.0, weight: 0.14, long_cache: false },
        App { kind: AppKind::Translate, feature: "translate", system: translate, tools: &[], schema: None, tiers: [0.3, 0.5, 0.2], stream_share: 0.1, weight: 0.06, long_cache: false },
        App { kind: AppKind::SqlAssistant, feature: "sql-assistant", system: sql, tools: SQL_TOOLS, schema: None, tiers: [0.1, 0.4, 0.5], stream_share: 0.5, weight: 0.08, long_cache: true },
        App { kind: AppKind::RagQa, feature: "docs-qa", system: rag, tools: &[], schema: None, tiers: [0.2, 0.5, 0.3], stream_share: 0.6, weight: 0.10, long_cache: false },
    ]
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
            let message = user_message(rng, app.kind);
            session.history.push(Turn::user(message));
            session.answer(rng);
            // The user reads the answer and types the next message.
            session.clock_ms += rng.range(8_000, 180_000) as i64;
        }
        session.calls
    }

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
            let call = tool_call(rng, self.app);
            let reply = Turn {
                role: Role::Assistant,
                text: String::new(),
                tool_calls: vec![call.clone()],
                tool_call_id: None,
            };
            self.call(rng, reply, Finish::ToolCalls);
            let result = Turn {
                role: Role::Tool,
                text: tool_result(rng, call.name),
                tool_calls: Vec::new(),
                tool_call_id: Some(call.id),
            };
            self.history.push(result);
            self.clock_ms += rng.range(50, 2_500) as i64;
        }
        let reply = Turn {
            role: Role::Assistant,
            text: assistant_text(rng, self.app.kind),
            tool_calls: Vec::new(),
            tool_call_id: None,
        };
        let truncated = rng.chance(0.02);
        self.call(rng, reply, if truncated { Finish::Length } else { Finish::Stop });
        if truncated {
            // Re-asked at once with the same messages and a larger output budget.
            self.clock_ms += rng.range(500, 5_000) as i64;
            let reply = Turn {
                role: Role::Assistant,
                text: assistant_text(rng, self.app.kind),
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
            let failure = rng.pick(&[Failure::RateLimited, Failure::RateLimited, Failure::Overloaded, Failure::ServerError]);
            let latency = rng.range(40, 900);
            self.calls.push(Call {
                app: self.app,
                model: self.model,
                turns: self.history.clone(),
                reply: Turn { role: Role::Assistant, text: String::new(), tool_calls: Vec::new(), tool_call_id: None },
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
        let max_tokens = if finish == Finish::Length { usage.output } else { rng.pick(&[1024, 2048, 4096, 8192, 16384]) };
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
        let tools: u64 = self.app.tools.iter().map(|t| tokens(t.parameters) + tokens(t.description) + 8).sum();
        let schema = self.app.schema.map_or(0, |(_, s)| tokens(s));
        let prefix = tokens(&self.app.system) + tools + schema + 4;
        let history: u64 = self.history.iter().map(|t| tokens(&t.text) + t.tool_calls.iter().map(|c| tokens(&c.arguments) + 6).sum::<u64>() + 4).sum();
        let last = self.history.last().map_or(0, |t| tokens(&t.text) + 4);
        let prompt = prefix + history;
        let mut output = tokens(&reply.text) + reply.tool_calls.iter().map(|c| tokens(&c.arguments) + 12).sum::<u64>() + 1;
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
        let mut usage = Usage { input: prompt, output, reasoning: reasoning.min(output), ..Usage::default() };
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

/// A tool call the app's model makes, with arguments drawn fresh.
fn tool_call(rng: &mut Rng, app: &App) -> ToolCall {
    let mut id = String::from("call_");
    rng.base62(&mut id, 24);
    let tool = if app.tools.len() > 1 && rng.chance(0.25) { &app.tools[1] } else { &app.tools[0] };
    let mut arguments = crate::genlogs::json::Json::new();
    arguments.obj();
    match tool.name {
        "lookup_order" => {
            let mut order = String::new();
            text::ticket_id(rng, &mut order, "ORD");
            arguments.kstr("order_id", &order);
        }
        "create_ticket" => {
            let mut summary = String::new();
            text::sentence(rng, &mut summary);
            arguments.kstr("queue", rng.pick(&["billing", "logistics", "technical"])).kstr("summary", &summary).kstr("priority", rng.pick(&["low", "normal", "high"]));
        }
        _ => {
            let mut sql = String::new();
            text::code(rng, &mut sql, Code::Sql, 1);
            arguments.kstr("sql", sql.trim_end());
        }
    }
    arguments.end();
    ToolCall { id, name: tool.name, arguments: arguments.buf }
}

/// What a tool returned.
fn tool_result(rng: &mut Rng, tool: &str) -> String {
    let mut json = crate::genlogs::json::Json::new();
    match tool {
        "lookup_order" => {
            json.obj().kstr("status", rng.pick(&["shipped", "delayed", "delivered", "processing", "cancelled"]));
            json.key("items").arr();
            for _ in 0..rng.range(1, 6) {
                let mut amount = String::new();
                text::amount(rng, &mut amount);
                json.obj().kstr("sku", &format!("SKU-{}", rng.range(1000, 99_999))).knum("quantity", rng.range(1, 5)).kstr("price", &amount).end();
            }
            json.end();
            let mut tracking = String::from("1Z");
            rng.base62(&mut tracking, 16);
            json.kstr("tracking", &tracking).kstr("carrier_city", text::city(rng)).end();
        }
        "create_ticket" => {
            json.obj().kstr("ticket", &format!("TCK-{}", rng.range(100_000, 999_999))).kstr("status", "open").end();
        }
        _ => {
            json.obj().key("columns").arr();
            let columns = rng.range(2, 6);
            for _ in 0..columns {
                let mut name = String::new();
                text::ident(rng, &mut name, false);
                json.str(&name);
            }
            json.end().key("rows").arr();
            for _ in 0..rng.log_normal(12.0, 1.0).clamp(1.0, 200.0) as u64 {
                json.arr();
                for _ in 0..columns {
                    if rng.chance(0.5) {
                        json.num(rng.range(0, 1_000_000));
                    } else {
                        json.str(text::word(rng));
                    }
                }
                json.end();
            }
            json.end().end();
        }
    }
    json.buf
}

/// A message length in bytes: log-normal around `median`, between `low` and `high`.
fn length(rng: &mut Rng, median: f64, low: f64, high: f64) -> usize {
    rng.log_normal(median, 1.0).clamp(low, high) as usize
}

/// A user message for an app: always new text (names, numbers, ids), from a few words to
/// several kilobytes, some in other languages, some with code.
pub fn user_message(rng: &mut Rng, kind: AppKind) -> String {
    let mut out = String::new();
    match kind {
        AppKind::Support => {
            if rng.chance(0.3) {
                let lang = rng.pick(&Lang::ALL);
                let size = length(rng, 160.0, 20.0, 2_000.0);
                text::foreign(rng, &mut out, lang, size);
                out.push(' ');
                text::ticket_id(rng, &mut out, "ORD");
            } else if rng.chance(0.15) {
                // A few words, as people type into a chat box.
                for index in 0..rng.range(2, 6) {
                    if index > 0 {
                        out.push(' ');
                    }
                    out.push_str(text::word(rng));
                }
                out.push('?');
            } else {
                let size = length(rng, 300.0, 30.0, 4_000.0);
                text::prose(rng, &mut out, size);
                out.push_str(" My order is ");
                text::ticket_id(rng, &mut out, "ORD");
                out.push('.');
            }
        }
        AppKind::InvoiceExtract => {
            out.push_str("Extract the fields from this invoice.\n\nINVOICE ");
            text::ticket_id(rng, &mut out, "INV");
            out.push_str("\nFrom: ");
            out.push_str(text::company(rng));
            out.push_str(", ");
            out.push_str(text::city(rng));
            out.push_str("\nBill to: ");
            text::person(rng, &mut out);
            out.push_str(&format!("\nDate: 2026-{:02}-{:02}\n\n", rng.range(1, 12), rng.range(1, 28)));
            for line in 1..=rng.log_normal(6.0, 0.8).clamp(1.0, 80.0) as u64 {
                out.push_str(&format!("{line}. "));
                let words = rng.range(2, 6);
                for index in 0..words {
                    if index > 0 {
                        out.push(' ');
                    }
                    out.push_str(text::word(rng));
                }
                out.push_str(&format!("  x{}  ", rng.range(1, 40)));
                text::amount(rng, &mut out);
                out.push('\n');
            }
            out.push_str("\nTotal due: ");
            text::amount(rng, &mut out);
            out.push_str(rng.pick(&[" EUR", " USD", " GBP", " JPY"]));
            if rng.chance(0.3) {
                out.push_str("\n\nNotes: ");
                let size = length(rng, 200.0, 40.0, 1_500.0);
                text::prose(rng, &mut out, size);
            }
        }
        AppKind::CodeReview => {
            out.push_str("Please review this change");
            if rng.chance(0.5) {
                out.push_str(": ");
                text::sentence(rng, &mut out);
            }
            let lang = rng.pick(&Code::ALL);
            out.push_str(&format!("\n\n```{}\n", lang.tag().0));
            let size = length(rng, 60.0, 6.0, 400.0);
            text::code(rng, &mut out, lang, size);
            out.push_str("```\n");
        }
        AppKind::Summarize => {
            out.push_str(rng.pick(&["Summarize these meeting notes:\n\n", "Summarize this customer email thread:\n\n", "TL;DR of this incident report please:\n\n", "Summarize:\n\n"]));
            let size = length(rng, 3_000.0, 200.0, 14_000.0);
            text::prose(rng, &mut out, size);
        }
        AppKind::Classify => {
            if rng.chance(0.25) {
                let lang = rng.pick(&Lang::ALL);
                let size = length(rng, 60.0, 8.0, 600.0);
                text::foreign(rng, &mut out, lang, size);
            } else if rng.chance(0.3) {
                for index in 0..rng.range(2, 7) {
                    if index > 0 {
                        out.push(' ');
                    }
                    out.push_str(text::word(rng));
                }
            } else {
                let size = length(rng, 120.0, 20.0, 1_200.0);
                text::prose(rng, &mut out, size);
            }
        }
        AppKind::Translate => {
            let lang = rng.pick(&Lang::ALL);
            let size = length(rng, 250.0, 20.0, 4_000.0);
            text::foreign(rng, &mut out, lang, size);
        }
        AppKind::SqlAssistant => {
            out.push_str(rng.pick(&["How many ", "Show me the ", "Which ", "What was the total of ", "List the top 10 "]));
            let words = rng.range(4, 14);
            for index in 0..words {
                if index > 0 {
                    out.push(' ');
                }
                out.push_str(text::word(rng));
            }
            out.push_str(&format!(" in {} 2026", rng.pick(&["Q1", "Q2", "Q3", "September", "October"])));
            out.push('?');
            if rng.chance(0.3) {
                out.push_str("\nThis query I tried is too slow:\n");
                text::code(rng, &mut out, Code::Sql, 7);
            }
        }
        AppKind::RagQa => {
            out.push_str("Context:\n");
            for passage in 1..=rng.range(3, 8) {
                out.push_str(&format!("[{passage}] "));
                let size = length(rng, 700.0, 150.0, 2_500.0);
                text::prose(rng, &mut out, size);
                out.push('\n');
            }
            out.push_str("\nQuestion: ");
            text::sentence(rng, &mut out);
        }
    }
    out
}

/// The model's answer for an app.
fn assistant_text(rng: &mut Rng, kind: AppKind) -> String {
    let mut out = String::new();
    match kind {
        AppKind::InvoiceExtract => {
            let mut json = crate::genlogs::json::Json::new();
            json.obj().kstr("vendor", text::company(rng));
            let mut number = String::new();
            text::ticket_id(rng, &mut number, "INV");
            json.kstr("invoice_number", &number).kstr("currency", rng.pick(&["EUR", "USD", "GBP"]));
            json.key("total").float(rng.log_normal(800.0, 1.2), 2).end();
            out = json.buf;
        }
        AppKind::Classify => {
            out = format!(
                "{{\"label\":\"{}\",\"urgent\":{}}}",
                rng.pick(&["billing", "shipping", "account", "technical", "sales", "other"]),
                rng.chance(0.2)
            );
        }
        AppKind::CodeReview => {
            let size = length(rng, 700.0, 120.0, 5_000.0);
            text::prose(rng, &mut out, size);
            if rng.chance(0.6) {
                let lang = rng.pick(&Code::ALL);
                out.push_str(&format!("\n\n```{}\n", lang.tag().0));
                let size = length(rng, 12.0, 3.0, 80.0);
                text::code(rng, &mut out, lang, size);
                out.push_str("```");
            }
        }
        AppKind::SqlAssistant => {
            text::code(rng, &mut out, Code::Sql, 7);
            let size = length(rng, 200.0, 60.0, 800.0);
            text::prose(rng, &mut out, size);
        }
        AppKind::Summarize => {
            for _ in 0..rng.range(2, 5) {
                out.push_str("- ");
                text::sentence(rng, &mut out);
                out.push('\n');
            }
            out.push_str("Next steps: ");
            text::sentence(rng, &mut out);
        }
        AppKind::Translate => {
            let size = length(rng, 250.0, 20.0, 4_000.0);
            text::prose(rng, &mut out, size);
        }
        AppKind::Support | AppKind::RagQa => {
            let size = length(rng, 400.0, 40.0, 3_000.0);
            text::prose(rng, &mut out, size);
        }
    }
    out
}

/// The start time of the next conversation, from how far the output has come.
pub fn start_time(rng: &mut Rng, written: u64, target: u64) -> i64 {
    let progress = written as f64 / target.max(1) as f64;
    clock::at_progress(progress) + rng.below(60_000) as i64
}
