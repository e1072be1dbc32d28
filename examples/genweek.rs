//! Writes one seeded, realistic week of LLM gateway logs: the StandardLoggingPayload records a
//! LiteLLM proxy's bucket and HTTP loggers write (`litellm-payload`), one JSON object a line.
//!
//! ```sh
//! cargo run --release --example genweek -- --out /tmp/week.jsonl [--seed N] [--calls N] [--redact]
//! ```
//!
//! It is the test input of `llm-audit analyze`'s first screen ("what you spent, what to change"):
//! the issue's "a generated week of realistic gateway logs: flagship model for routine work, a
//! reasoning model on yes/no questions, an agent loop, retries". The week of an online furniture
//! shop's gateway, Monday 2026-11-02 to Sunday 2026-11-08 UTC, mostly in business hours, about
//! `--calls` calls (default 3,000, on the order of $100 at list prices):
//!
//! - routine work on flagship models, not streamed, small outputs: `support-triage` (Claude
//!   Sonnet 4.5, never cached), `ticket-summary` and `extract-invoice` (GPT-5, OpenAI's automatic
//!   prompt cache hitting on some calls), each with its own fixed system prompt of 4.4 to 5.4k
//!   characters (over 1,024 tokens) before a short new user turn; `ticket-language` on
//!   gpt-4o-mini;
//! - `fraud-check`: yes/no questions about one order sent to o3, which thinks for 800 to 3,000
//!   reasoning tokens to answer "yes" or "no";
//! - `code-agent`: streamed tool loops of 10 to 60 calls on Claude Sonnet 4.5, one session id per
//!   loop (`metadata.session_id`), every call re-sending the growing conversation; sessions from
//!   Thursday on cache the system prompt and tools; two sessions run away (a patch-and-test loop
//!   left running at the end of the day, 130 to 170 calls) and cost far more than the rest;
//! - retries: rate limits and 5xx answers before any token (failures without usage, which
//!   llm-audit skips as provider errors), retried by the router with the identical request a few
//!   seconds later (the success says how many attempts it took), a few agent streams cut off after
//!   their tokens were billed (failed calls with usage) and retried, invoices cut off at the
//!   output limit and asked again, and exact repeats of a request minutes later (a double click,
//!   a webhook delivered twice) that a response cache would serve.
//!
//! Tags: `requester_metadata` (the caller's own metadata) carries `feature`, `project` and
//! `env`; the key alias, team and service user are LiteLLM's. `trace_id` stays null: llm-audit
//! reads a trace id as an attempt group and as a session, which would hide the repeats and split
//! the sessions. Token counts follow the text (about four characters a token), except the agents'
//! tool results, which the log keeps as their first line or two and a `…[truncated N chars]` mark
//! so the file stays small (about 31 MB at the default size); their token counts are those of
//! the whole results.
//!
//! `--redact` writes the week as a proxy with `turn_off_message_logging` logs it (messages and
//! answers replaced by `redacted-by-litellm`), to check that redacted logs prove no repeats.
//! The summary line ends with what caching each agent step's history would have saved, worked
//! out from what the generator knows (`Stats::history_cache_saving`), the figure the
//! prompt-cache replay is checked against.
//!
//! The same seed and call count give byte-identical output.

#![allow(clippy::disallowed_macros, clippy::disallowed_methods)] // Not a report: prints its own text.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use serde_json::{Value, json};

/// The help text.
const USAGE: &str = "usage: genweek --out PATH [--seed N] [--calls N] [--redact]\n\
    writes one week (2026-11-02 to 2026-11-08 UTC) of LiteLLM StandardLoggingPayload records\n\
    --seed N   the random seed (default 1); the same seed gives the same bytes\n\
    --calls N  about how many calls to write (default 3000, at least 200)\n\
    --redact   write the messages and answers as LiteLLM's turn_off_message_logging does\n\
    below about 1000 calls there are fewer agent sessions than the 8 llm-audit needs to call one a runaway";

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

/// splitmix64 (Steele, Lea and Flood, 2014; public domain): small, seedable, and the same
/// stream on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5851_f42d_4c95_7f2d)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// An independent stream for one part of the week, so that what one part draws never
    /// shifts another.
    fn fork(&mut self) -> Rng {
        Rng(self.next_u64())
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `low..=high`.
    fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high.saturating_sub(low) + 1)
    }

    /// A float in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// An index into a list of `len` items.
    fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// A number between `low` and `high`, uniform on a log scale (sizes, durations).
    fn log_uniform(&mut self, low: u64, high: u64) -> u64 {
        let (a, b) = ((low.max(1) as f64).ln(), (high.max(1) as f64).ln());
        (a + self.unit() * (b - a)).exp().round() as u64
    }

    /// An index drawn in proportion to `weights`.
    fn weighted(&mut self, weights: &[f64]) -> usize {
        let mut left = self.unit() * weights.iter().sum::<f64>();
        for (index, weight) in weights.iter().enumerate() {
            if left < *weight {
                return index;
            }
            left -= weight;
        }
        weights.len() - 1
    }

    fn hex(&mut self, digits: usize) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        (0..digits)
            .map(|_| HEX[self.below(16) as usize] as char)
            .collect()
    }

    fn alnum(&mut self, len: usize) -> String {
        const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..len)
            .map(|_| CHARS[self.below(CHARS.len() as u64) as usize] as char)
            .collect()
    }

    /// A version-4 UUID.
    fn uuid(&mut self) -> String {
        let variant = ["8", "9", "a", "b"][self.below(4) as usize];
        format!(
            "{}-{}-4{}-{}{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            variant,
            self.hex(3),
            self.hex(12)
        )
    }
}

// ---------------------------------------------------------------------------------------------
// The week
// ---------------------------------------------------------------------------------------------

/// 2026-11-02T00:00:00Z, a Monday, in milliseconds.
const WEEK_START_MS: i64 = 1_793_577_600_000;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// Traffic by day, Monday first.
const DAY_WEIGHTS: [f64; 7] = [1.0, 1.08, 1.03, 0.97, 0.86, 0.14, 0.09];

/// Traffic by hour of the day (UTC; the company works 08:00 to 18:00).
const HOUR_WEIGHTS: [f64; 24] = [
    0.04, 0.03, 0.03, 0.03, 0.04, 0.08, 0.18, 0.45, 0.85, 1.0, 1.0, 0.95, 0.7, 0.9, 1.0, 1.0, 0.9,
    0.65, 0.35, 0.22, 0.16, 0.12, 0.08, 0.05,
];

/// A moment of the week, business hours heavy.
fn busy_time(rng: &mut Rng) -> i64 {
    let day = rng.weighted(&DAY_WEIGHTS) as i64;
    let hour = rng.weighted(&HOUR_WEIGHTS) as i64;
    WEEK_START_MS + day * DAY_MS + hour * HOUR_MS + rng.below(HOUR_MS as u64) as i64
}

/// Weekday peak hours, when the providers' rate limits bite.
fn is_peak(ms: i64) -> bool {
    let offset = ms - WEEK_START_MS;
    let (day, hour) = (offset / DAY_MS, (offset % DAY_MS) / HOUR_MS);
    day < 5 && (9..=16).contains(&hour)
}

fn date_text(rng: &mut Rng) -> String {
    format!("2026-10-{:02}", rng.range(5, 30))
}

// ---------------------------------------------------------------------------------------------
// The gateway: keys, features, deployments
// ---------------------------------------------------------------------------------------------

/// A LiteLLM virtual key.
struct Key {
    alias: &'static str,
    hash: &'static str,
    team_id: &'static str,
    team_alias: &'static str,
    user_id: &'static str,
    ip: &'static str,
}

const HELPDESK_KEY: Key = Key {
    alias: "helpdesk-prod",
    hash: "3f9a1c0e7b5d4a2f8e6c1b0a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e",
    team_id: "team-support",
    team_alias: "Customer Support",
    user_id: "svc-helpdesk",
    ip: "10.20.3.14",
};

const PAYMENTS_KEY: Key = Key {
    alias: "payments-prod",
    hash: "b71e0c2d9a8f4e6b1c3d5f7a9e0b2c4d6f8a1e3b5c7d9f0a2b4c6e8d1f3a5c7e",
    team_id: "team-payments",
    team_alias: "Payments",
    user_id: "svc-accounts-payable",
    ip: "10.20.7.41",
};

const DEVTOOLS_KEY: Key = Key {
    alias: "devtools-agent",
    hash: "0c4e8a2f6b1d5c9e3a7f0b4d8c2e6a1f5b9d3c7e0a4f8b2d6c1e5a9f3b7d0c4e",
    team_id: "team-platform",
    team_alias: "Developer Platform",
    user_id: "svc-code-agent",
    ip: "10.20.9.77",
};

/// What the caller tagged its requests with.
struct Feature {
    name: &'static str,
    project: &'static str,
    key: &'static Key,
}

const TRIAGE: Feature = Feature {
    name: "support-triage",
    project: "helpdesk",
    key: &HELPDESK_KEY,
};
const SUMMARY: Feature = Feature {
    name: "ticket-summary",
    project: "helpdesk",
    key: &HELPDESK_KEY,
};
const LANGUAGE: Feature = Feature {
    name: "ticket-language",
    project: "helpdesk",
    key: &HELPDESK_KEY,
};
const INVOICE: Feature = Feature {
    name: "extract-invoice",
    project: "payments",
    key: &PAYMENTS_KEY,
};
const FRAUD: Feature = Feature {
    name: "fraud-check",
    project: "payments",
    key: &PAYMENTS_KEY,
};
const AGENT: Feature = Feature {
    name: "code-agent",
    project: "devtools",
    key: &DEVTOOLS_KEY,
};

/// One model deployment in the proxy's `model_list`.
struct Deployment {
    /// The public model name clients ask for (`model_group`).
    group: &'static str,
    /// The provider's model name, as LiteLLM sends it and keys its cost map.
    model: &'static str,
    /// The name the provider's response echoes.
    response_model: &'static str,
    provider: &'static str,
    api_base: &'static str,
    model_id: &'static str,
    /// Anthropic usage conventions (cache writes, `toolu_` ids).
    anthropic: bool,
    /// List prices, USD per million tokens: input, cache read, 5-minute cache write, output.
    price: [f64; 4],
    /// Decode speed, output tokens a second.
    tokens_per_second: f64,
}

const SONNET: Deployment = Deployment {
    group: "claude-sonnet",
    model: "claude-sonnet-4-5-20250929",
    response_model: "claude-sonnet-4-5-20250929",
    provider: "anthropic",
    api_base: "https://api.anthropic.com/v1/messages",
    model_id: "7d2f0b9c41e85a6d3f1c9e0b7a2d4f6c8e1a3b5d7f9c0e2a4b6d8f1c3e5a7b9d",
    anthropic: true,
    price: [3.0, 0.3, 3.75, 15.0],
    tokens_per_second: 68.0,
};

const GPT5: Deployment = Deployment {
    group: "gpt-5",
    model: "gpt-5",
    response_model: "gpt-5-2025-08-07",
    provider: "openai",
    api_base: "https://api.openai.com/v1",
    model_id: "b68d56d76b0c24ac9462ab69541e90886342508212210116e300441155f37865",
    anthropic: false,
    price: [1.25, 0.125, 0.0, 10.0],
    tokens_per_second: 95.0,
};

const O3: Deployment = Deployment {
    group: "o3",
    model: "o3",
    response_model: "o3-2025-04-16",
    provider: "openai",
    api_base: "https://api.openai.com/v1",
    model_id: "4e1a8c3f6b9d2e5a7c0f3b6d9e2a5c8f1b4d7e0a3c6f9b2e5d8a1c4f7b0e3d6a",
    anthropic: false,
    price: [2.0, 0.5, 0.0, 8.0],
    tokens_per_second: 110.0,
};

const MINI: Deployment = Deployment {
    group: "gpt-4o-mini",
    model: "gpt-4o-mini",
    response_model: "gpt-4o-mini-2024-07-18",
    provider: "openai",
    api_base: "https://api.openai.com/v1",
    model_id: "c9f2e5a8b1d4c7f0a3e6b9d2c5f8a1e4b7d0c3f6a9e2b5d8c1f4a7e0b3d6c9f2",
    anthropic: false,
    price: [0.15, 0.075, 0.0, 0.6],
    tokens_per_second: 120.0,
};

// ---------------------------------------------------------------------------------------------
// Calls and records
// ---------------------------------------------------------------------------------------------

/// Tokens the way the provider bills them: `input` is the uncached rest of the prompt, and
/// `output` includes `reasoning`.
#[derive(Clone, Copy, Default)]
struct Usage {
    input: u64,
    cache_read: u64,
    cache_write: u64,
    output: u64,
    reasoning: u64,
}

impl Usage {
    fn prompt(&self) -> u64 {
        self.input + self.cache_read + self.cache_write
    }

    /// The list-price cost, as LiteLLM's `response_cost` states it.
    fn cost(&self, price: &[f64; 4]) -> f64 {
        let micro = self.input as f64 * price[0]
            + self.cache_read as f64 * price[1]
            + self.cache_write as f64 * price[2]
            + self.output as f64 * price[3];
        (micro / 1e6 * 1e12).round() / 1e12
    }

    /// The OpenAI-shaped usage object LiteLLM writes (the prompt includes the cache).
    fn json(&self, anthropic: bool) -> Value {
        let mut usage = json!({
            "prompt_tokens": self.prompt(),
            "completion_tokens": self.output,
            "total_tokens": self.prompt() + self.output,
            "prompt_tokens_details": {"cached_tokens": self.cache_read, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": self.reasoning, "audio_tokens": 0},
        });
        if anthropic {
            usage["prompt_tokens_details"]["cache_creation_tokens"] = json!(self.cache_write);
            usage["cache_creation_input_tokens"] = json!(self.cache_write);
            usage["cache_read_input_tokens"] = json!(self.cache_read);
        }
        usage
    }
}

/// A tool call in an answer.
struct ToolCall {
    id: String,
    name: &'static str,
    arguments: String,
}

/// What a successful call answered.
struct Answer {
    usage: Usage,
    content: Option<String>,
    tool_calls: Vec<ToolCall>,
    finish_reason: &'static str,
}

/// A failed attempt: the error LiteLLM logged, and the usage if tokens were billed anyway.
struct Failure {
    class: &'static str,
    code: &'static str,
    message: String,
    usage: Option<Usage>,
}

/// What was sent.
struct Request<'a> {
    feature: &'a Feature,
    deployment: &'a Deployment,
    messages: &'a Value,
    parameters: &'a Value,
    stream: bool,
    session: Option<&'a str>,
}

/// When an attempt ran, in milliseconds.
#[derive(Clone, Copy)]
struct Timing {
    start: i64,
    first_token: Option<i64>,
    end: i64,
}

/// Counts for the closing line.
#[derive(Default)]
pub struct Stats {
    records: u64,
    calls: u64,
    /// Failed attempts logged without usage (rate limits, 5xx before any token).
    pub failed_without_usage: u64,
    /// Failed attempts billed for the tokens they used.
    pub failed_with_usage: u64,
    duplicates: u64,
    reasks: u64,
    sessions: u64,
    cost: f64,
    /// What caching each agent step's history would have saved, worked out here from what
    /// the generator knows (not from the log): every billed attempt reads the previous billed
    /// attempt's whole prompt when it grew from it (no compaction in between) within 5
    /// minutes, and writes the rest of its prompt at the 5-minute write price (a breakpoint at
    /// the end of each request). USD at list prices.
    pub history_cache_saving: f64,
}

/// The records, kept with their start time and then written in time order.
#[derive(Default)]
pub struct Log {
    lines: Vec<(i64, u64, String)>,
    pub stats: Stats,
}

/// The agent's attempts as the history-caching figure follows them.
#[derive(Default)]
struct HistoryCache {
    /// The last billed attempt: its prompt, its start, and whether a compaction came after it.
    last: Option<(u64, i64)>,
}

impl HistoryCache {
    /// Adds a billed attempt at `start` with `usage` on Sonnet; returns what caching the
    /// history would have saved on it (negative when the write premium outweighs).
    fn attempt(&mut self, start: i64, usage: &Usage, compacted: bool, head: u64) -> f64 {
        let prompt = usage.prompt();
        // After a compaction only the head (system prompt, tools and task) is the same.
        let read = match self.last {
            Some((before, at)) if before <= prompt && start - at <= 5 * 60_000 => {
                if compacted {
                    head
                } else {
                    before
                }
            }
            _ => 0,
        };
        self.last = Some((prompt, start));
        let cached = Usage {
            input: 0,
            cache_read: read,
            cache_write: prompt - read,
            ..*usage
        };
        usage.cost(&SONNET.price) - cached.cost(&SONNET.price)
    }
}

fn seconds(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

impl Log {
    fn push(&mut self, start: i64, record: &Value) {
        let order = self.lines.len() as u64;
        let line = serde_json::to_string(record).expect("a JSON value serialises");
        self.lines.push((start, order, line));
        self.stats.records += 1;
    }

    /// Logs one attempt; `Err` is a failed attempt.
    fn attempt(
        &mut self,
        rng: &mut Rng,
        request: &Request<'_>,
        timing: Timing,
        result: Result<&Answer, &Failure>,
        retries: u32,
    ) {
        let deployment = request.deployment;
        let key = request.feature.key;
        let call_id = rng.uuid();
        let created = timing.start / 1000;
        let mut metadata = json!({
            "user_api_key_hash": key.hash,
            "user_api_key_alias": key.alias,
            "user_api_key_team_id": key.team_id,
            "user_api_key_team_alias": key.team_alias,
            "user_api_key_user_id": key.user_id,
            "user_api_key_org_id": null,
            "user_api_key_end_user_id": null,
            "requester_ip_address": key.ip,
            "requester_metadata": {
                "feature": request.feature.name,
                "project": request.feature.project,
                "env": "prod",
            },
            "spend_logs_metadata": null,
            "prompt_management_metadata": null,
            "applied_guardrails": [],
        });
        if let Some(session) = request.session {
            metadata["session_id"] = json!(session);
        }
        let mut hidden = json!({
            "model_id": deployment.model_id,
            "cache_key": null,
            "api_base": deployment.api_base,
            "litellm_call_id": call_id,
            "litellm_model_name": deployment.model,
            "additional_headers": {},
            "litellm_overhead_time_ms": rng.range(1_000, 9_999) as f64 / 1000.0,
        });
        let (id, status, usage, cost, response, error) = match result {
            Ok(answer) => {
                let response_id = if deployment.anthropic {
                    format!("chatcmpl-{}", rng.uuid())
                } else {
                    format!("chatcmpl-{}", rng.alnum(29))
                };
                let tool_calls: Vec<Value> = answer
                    .tool_calls
                    .iter()
                    .map(|call| {
                        json!({
                            "id": call.id,
                            "type": "function",
                            "function": {"name": call.name, "arguments": call.arguments},
                        })
                    })
                    .collect();
                let message = json!({
                    "role": "assistant",
                    "content": answer.content,
                    "tool_calls": if tool_calls.is_empty() { Value::Null } else { Value::Array(tool_calls) },
                    "function_call": null,
                });
                let cost = answer.usage.cost(&deployment.price);
                let response = json!({
                    "id": response_id,
                    "created": created,
                    "model": deployment.response_model,
                    "object": "chat.completion",
                    "system_fingerprint": if deployment.anthropic { Value::Null } else { json!("fp_f2b3c1a9d4") },
                    "choices": [{"finish_reason": answer.finish_reason, "index": 0, "message": message}],
                    "usage": answer.usage.json(deployment.anthropic),
                    "service_tier": if deployment.anthropic { Value::Null } else { json!("default") },
                });
                hidden["response_cost"] = json!(cost);
                if retries > 0 {
                    hidden["additional_headers"] = json!({
                        "x-litellm-attempted-retries": retries,
                        "x-litellm-max-retries": 3,
                    });
                }
                self.stats.calls += 1;
                self.stats.cost += cost;
                (
                    response_id,
                    "success",
                    answer.usage,
                    cost,
                    response,
                    json!({"error_code": "", "error_class": "", "llm_provider": ""}),
                )
            }
            Err(failure) => {
                let usage = failure.usage.unwrap_or_default();
                if let Some(billed) = &failure.usage {
                    // A stream cut off after the provider billed its tokens.
                    metadata["usage_object"] = billed.json(deployment.anthropic);
                    self.stats.calls += 1;
                    self.stats.failed_with_usage += 1;
                    self.stats.cost += billed.cost(&deployment.price);
                } else {
                    self.stats.failed_without_usage += 1;
                }
                metadata["error_information"] = json!({
                    "error_code": failure.code,
                    "error_class": failure.class,
                    "llm_provider": deployment.provider,
                });
                (
                    call_id.clone(),
                    "failure",
                    usage,
                    0.0,
                    Value::Null,
                    json!({
                        "error_code": failure.code,
                        "error_class": failure.class,
                        "llm_provider": deployment.provider,
                    }),
                )
            }
        };
        let record = json!({
            "id": id,
            "trace_id": null,
            "call_type": "acompletion",
            "cache_hit": null,
            "stream": request.stream,
            "status": status,
            "custom_llm_provider": deployment.provider,
            "saved_cache_cost": 0.0,
            "startTime": seconds(timing.start),
            "endTime": seconds(timing.end),
            "completionStartTime": seconds(timing.first_token.unwrap_or(timing.end)),
            "response_time": seconds(timing.end - timing.start),
            "model": deployment.model,
            "metadata": metadata,
            "cache_key": null,
            "response_cost": cost,
            "total_tokens": usage.prompt() + usage.output,
            "prompt_tokens": usage.prompt(),
            "completion_tokens": usage.output,
            "request_tags": ["prod", request.feature.project],
            "end_user": "",
            "api_base": deployment.api_base,
            "model_group": deployment.group,
            "model_id": deployment.model_id,
            "requester_ip_address": key.ip,
            "messages": request.messages,
            "response": response,
            "model_parameters": request.parameters,
            "hidden_params": hidden,
            "model_map_information": {"model_map_key": deployment.model, "model_map_value": null},
            "error_str": result.err().map(|f| f.message.as_str()),
            "error_information": error,
            "response_cost_failure_debug_info": null,
            "guardrail_information": null,
        });
        self.push(timing.start, &record);
    }

    /// Sends one request through the router: at peak hours a rate limit or a 5xx answer may
    /// come first (no tokens billed), retried with the identical request a few seconds later.
    /// Returns when the successful attempt ran.
    fn routed(
        &mut self,
        rng: &mut Rng,
        request: &Request<'_>,
        start: i64,
        answer: &Answer,
    ) -> Timing {
        let failure_rate = if is_peak(start) { 0.035 } else { 0.006 };
        let mut failures = 0;
        while failures < 3 && rng.chance(if failures == 0 { failure_rate } else { 0.25 }) {
            failures += 1;
        }
        let mut at = start;
        for _ in 0..failures {
            let failure = provider_error(rng, request.deployment);
            let took = if failure.code == "429" {
                rng.range(120, 900)
            } else {
                rng.range(800, 9000)
            } as i64;
            let timing = Timing {
                start: at,
                first_token: None,
                end: at + took,
            };
            self.attempt(rng, request, timing, Err(&failure), 0);
            // LiteLLM's router backs off before the next attempt.
            at += took + rng.range(900, 6500) as i64;
        }
        let timing = answer_timing(rng, request, at, answer);
        self.attempt(rng, request, timing, Ok(answer), failures);
        timing
    }
}

/// How long an answer took: a first token after the prompt is read, then the decode.
fn answer_timing(rng: &mut Rng, request: &Request<'_>, start: i64, answer: &Answer) -> Timing {
    let prompt = answer.usage.prompt() as f64;
    let first = 350.0 + rng.unit() * 700.0 + prompt / 100.0;
    let speed = request.deployment.tokens_per_second * (0.75 + rng.unit() * 0.5);
    let decode = answer.usage.output as f64 / speed * 1000.0;
    let first_token = start + first.round() as i64;
    Timing {
        start,
        first_token: request.stream.then_some(first_token),
        end: first_token + decode.round() as i64 + rng.range(5, 60) as i64,
    }
}

/// A provider error before any token: mostly rate limits, some 5xx.
fn provider_error(rng: &mut Rng, deployment: &Deployment) -> Failure {
    let roll = rng.unit();
    let (class, code, message) = match (deployment.anthropic, roll < 0.78) {
        (true, true) => (
            "RateLimitError",
            "429",
            "litellm.RateLimitError: AnthropicException - {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"This request would exceed the rate limit for your organization of 800,000 input tokens per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.\"}}".to_string(),
        ),
        (true, false) => (
            "InternalServerError",
            "529",
            "litellm.InternalServerError: AnthropicException - {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}".to_string(),
        ),
        (false, true) => (
            "RateLimitError",
            "429",
            format!(
                "litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit reached for {} in organization org-Nw7cK2pLq9xZ on tokens per min (TPM): Limit 2000000, Used {}, Requested {}. Please try again in {}ms. Visit https://platform.openai.com/account/rate-limits to learn more.",
                deployment.model,
                rng.range(1_990_000, 1_999_990),
                rng.range(900, 9000),
                rng.range(20, 900)
            ),
        ),
        (false, false) => (
            "InternalServerError",
            "500",
            "litellm.InternalServerError: InternalServerError: OpenAIException - The server had an error while processing your request. Sorry about that!".to_string(),
        ),
    };
    Failure {
        class,
        code,
        message,
        usage: None,
    }
}

/// Tokens of a piece of text: about four characters a token.
fn tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

/// Tokens of a system prompt and one user turn, with the chat format's few tokens a message.
fn chat_tokens(system: &str, user: &str) -> u64 {
    tokens(system) + tokens(user) + 7
}

fn chat(system: &str, user: &str) -> Value {
    json!([
        {"role": "system", "content": system},
        {"role": "user", "content": user},
    ])
}

/// OpenAI's automatic prompt cache: it serves the longest cached prefix, in steps of 128
/// tokens from 1,024, when the same prefix was seen a few minutes before (and the request
/// reached a server that had it).
fn openai_cached(rng: &mut Rng, prefix_tokens: u64, gap_ms: Option<i64>) -> u64 {
    let warm = gap_ms.is_some_and(|gap| gap < 6 * 60_000) && rng.chance(0.8);
    if warm && prefix_tokens >= 1024 {
        prefix_tokens / 128 * 128
    } else {
        0
    }
}

// ---------------------------------------------------------------------------------------------
// Text banks
// ---------------------------------------------------------------------------------------------

const FIRST_NAMES: [&str; 20] = [
    "Anna", "Jonas", "Maria", "Liam", "Sofia", "Lukas", "Emma", "Noah", "Chloe", "Mateo", "Hannah",
    "Ravi", "Yuki", "Olivia", "Tomasz", "Fatima", "Daniel", "Ines", "Pieter", "Grace",
];

const LAST_NAMES: [&str; 20] = [
    "Schmidt",
    "Garcia",
    "Novak",
    "Jensen",
    "Okafor",
    "Rossi",
    "Dubois",
    "Müller",
    "Kowalski",
    "Tanaka",
    "Silva",
    "Brennan",
    "de Vries",
    "Haddad",
    "Lindqvist",
    "Moreau",
    "Patel",
    "Walsh",
    "Fischer",
    "Costa",
];

/// Businesses that buy through the trade desk.
const COMPANIES: [&str; 10] = [
    "Hotel Lindenhof",
    "Kessler & Partner Architects",
    "Seaview Holiday Homes",
    "Brightline Offices",
    "Pension Alpenblick",
    "Meridian Coworking",
    "Casa Mar Apartments",
    "Atlas Serviced Flats",
    "Lumen Dental Clinics",
    "Riverside Student Living",
];

const CHANNELS: [&str; 5] = ["contact form", "mail", "chat", "mail", "app"];

/// Where the shop's customers live.
const CUSTOMER_COUNTRIES: [&str; 7] = [
    "Germany",
    "Austria",
    "Netherlands",
    "Belgium",
    "France",
    "Spain",
    "United Kingdom",
];

/// Where cards are issued and IP addresses located: the shop's countries first.
const COUNTRIES: [&str; 12] = [
    "Germany",
    "Netherlands",
    "France",
    "Spain",
    "United Kingdom",
    "Austria",
    "Brazil",
    "Nigeria",
    "Vietnam",
    "Romania",
    "United States",
    "Indonesia",
];

const PRODUCTS: [&str; 14] = [
    "Oslo 3-seater sofa",
    "Linnea oak dining table",
    "Aster bed frame 160x200",
    "Nimbus pocket-spring mattress 160x200",
    "Halden bookshelf",
    "Mira floor lamp",
    "Fjord wool rug 200x300",
    "Tove dining chairs (set of 4)",
    "Kasa stoneware dinner set",
    "Ebba linen duvet cover",
    "Sora writing desk",
    "Vega wardrobe",
    "Lune pendant lamp",
    "Brisa outdoor lounge chair",
];

/// A customer writing in.
struct Person {
    first: &'static str,
    last: &'static str,
    customer: u64,
    country: &'static str,
}

impl Person {
    fn draw(rng: &mut Rng) -> Person {
        Person {
            first: rng.pick(&FIRST_NAMES),
            last: rng.pick(&LAST_NAMES),
            customer: rng.range(3_100_000, 4_899_999),
            country: rng.pick(&CUSTOMER_COUNTRIES),
        }
    }
}

/// One kind of customer message: its queue, how it reads, and what triage answers.
struct TicketKind {
    queue: &'static str,
    priority: &'static str,
    sentiment: &'static str,
    needs_human: bool,
    subject: &'static str,
    body: &'static str,
    reason: &'static str,
    /// What the message is about, for summaries.
    gist: &'static str,
    /// The ISO 639-1 code of the language it is written in.
    language: &'static str,
}

/// A [`TicketKind`] in English.
#[allow(clippy::too_many_arguments)] // One per field: the table below reads like a table.
const fn en(
    queue: &'static str,
    priority: &'static str,
    sentiment: &'static str,
    needs_human: bool,
    subject: &'static str,
    body: &'static str,
    reason: &'static str,
    gist: &'static str,
) -> TicketKind {
    TicketKind {
        queue,
        priority,
        sentiment,
        needs_human,
        subject,
        body,
        reason,
        gist,
        language: "en",
    }
}

const TICKETS: [TicketKind; 24] = [
    en(
        "order-status",
        "P3",
        "neutral",
        false,
        "Where is my order?",
        "I ordered the {product} on {date} (order {order}) and the order page still says 'in production'. Can you tell me when it will be delivered?",
        "Asks for the delivery date of a {product} still in production.",
        "order {order}, a {product} still shown as in production",
    ),
    en(
        "delivery",
        "P2",
        "negative",
        false,
        "Nobody came in our delivery slot",
        "The {product} (order {order}) was supposed to be delivered today between 8:00 and 12:00. I took the morning off and nobody came, and nobody called either. What happens now?",
        "Two-person delivery of a {product} missed its booked slot today.",
        "a missed delivery slot for the {product} of order {order}",
    ),
    en(
        "delivery",
        "P3",
        "neutral",
        false,
        "Change of delivery date",
        "Can the delivery of order {order} be moved to a later date? We're moving house on {date} and won't be at the old address any more.",
        "Wants to move the delivery of order {order} because of a house move.",
        "moving the delivery of order {order} to after a house move on {date}",
    ),
    en(
        "delivery",
        "P2",
        "negative",
        false,
        "Wrong item delivered",
        "I received a {product2} instead of the {product} I ordered (order {order}). What should I do with it, and when do I get the right one?",
        "Received a {product2} instead of the ordered {product}.",
        "a {product2} delivered instead of the {product} of order {order}",
    ),
    en(
        "damaged-item",
        "P3",
        "negative",
        false,
        "Arrived damaged",
        "The {product} from order {order} arrived today with a deep scratch on the top and a broken corner. Photos attached. I'd like a replacement, not a refund.",
        "{product} arrived scratched and broken; replacement wanted.",
        "a {product} from order {order} that arrived scratched and broken",
    ),
    en(
        "damaged-item",
        "P1",
        "negative",
        true,
        "Lamp crackles and sparks",
        "The Mira floor lamp we bought last month flickers, and yesterday it made a crackling sound and a spark came out of the switch. We've unplugged it. What should we do? Order {order}.",
        "Mira floor lamp sparks at the switch; possible safety risk.",
        "a Mira floor lamp from order {order} that sparks at the switch",
    ),
    en(
        "missing-parts",
        "P3",
        "negative",
        false,
        "Screws missing",
        "The assembly kit for the {product} (order {order}) is missing the bag with the screws marked C and D. Can you send them? We can't finish putting it together.",
        "Fittings bag C/D missing from the {product} assembly kit.",
        "missing fittings for the {product} of order {order}",
    ),
    en(
        "returns",
        "P3",
        "neutral",
        false,
        "Return request",
        "I'd like to return the {product} from order {order}; the colour doesn't go with our living room. It's unused and still in the box. How do I get a return label?",
        "Wants to return an unused {product}; asks for a label.",
        "returning an unused {product} from order {order}",
    ),
    en(
        "refunds",
        "P2",
        "negative",
        false,
        "Refund not received",
        "I returned the {product} on {date} and the tracking shows you received it, but I still haven't got my refund of {amount}. It's been three weeks.",
        "Refund of {amount} for a returned {product} not received after three weeks.",
        "a refund of {amount} for a returned {product} that has not arrived",
    ),
    en(
        "refunds",
        "P3",
        "neutral",
        false,
        "Delivery charge not refunded",
        "You refunded {amount} for order {order}, but the delivery charge of 49 euros wasn't refunded even though the item was faulty. Could you check?",
        "Delivery charge missing from the refund for faulty order {order}.",
        "a refund for order {order} without the delivery charge",
    ),
    en(
        "payment",
        "P2",
        "negative",
        false,
        "Charged twice",
        "My card was charged {amount} twice for order {order} on {date}. Please refund the second charge.",
        "Card charged {amount} twice for order {order}.",
        "a double charge of {amount} for order {order}",
    ),
    en(
        "payment",
        "P3",
        "neutral",
        false,
        "Invoice with our company name",
        "Could you send an invoice for order {order} with our company name and VAT number? The confirmation only shows my own name.",
        "Needs an invoice with company details for order {order}.",
        "an invoice with company details for order {order}",
    ),
    en(
        "cancellation",
        "P2",
        "neutral",
        false,
        "Please cancel my order",
        "Please cancel order {order}. I ordered the {product} in the wrong size. As far as I can see it hasn't shipped yet.",
        "Wants to cancel order {order} for a {product} before it ships.",
        "cancelling order {order} for a {product} ordered in the wrong size",
    ),
    en(
        "product-question",
        "P4",
        "neutral",
        false,
        "Height of the bed frame",
        "What is the exact height of the Aster bed frame including the headboard? And does it take a mattress of 160 by 200 that is 25 cm high?",
        "Asks for the Aster bed frame's height and mattress fit.",
        "the Aster bed frame's height and mattress fit",
    ),
    en(
        "product-question",
        "P4",
        "positive",
        false,
        "Back in stock?",
        "Love your shop! Will the {product} in sage green be back in stock before Christmas?",
        "Asks when the {product} in sage green is back in stock.",
        "when the {product} in sage green is back in stock",
    ),
    en(
        "account",
        "P3",
        "neutral",
        false,
        "Can't log in",
        "I can't log into my account: the reset link says it has expired every time I click it, even straight away.",
        "Password reset link reported as expired on every try.",
        "password reset links that are reported as expired",
    ),
    en(
        "privacy",
        "P3",
        "neutral",
        true,
        "Delete my data",
        "Please delete my customer account and all personal data you hold about me, under the GDPR. I no longer wish to receive anything from you.",
        "Requests deletion of the account and personal data under the GDPR.",
        "a request to delete the account and all personal data",
    ),
    en(
        "complaint",
        "P2",
        "angry",
        true,
        "THIRD TIME ASKING",
        "This is the THIRD time I'm writing about order {order}. Nobody answers, the chat sends me in circles and my money is gone. I will go to the consumer protection office if I don't hear from you today.",
        "Third unanswered message about order {order}; threatens to go to consumer protection.",
        "unanswered messages about order {order} and a threat to go to consumer protection",
    ),
    en(
        "trade",
        "P3",
        "positive",
        true,
        "Quote for our rooms",
        "We're furnishing {company} with {n} rooms and would like a quote for {n} bed frames, mattresses and bedside lamps. Do you offer trade prices and delivery in one go?",
        "Trade quote for {n} rooms of bedroom furniture for {company}.",
        "a trade quote for furnishing {n} rooms at {company}",
    ),
    en(
        "spam",
        "P4",
        "neutral",
        false,
        "Grow your sales in 30 days",
        "Dear shop owner, we are a leading marketing agency and can bring your shop to the first page of search results within 30 days. Reply for a free review of your online presence.",
        "Unsolicited marketing offer with no customer request.",
        "an unsolicited marketing offer",
    ),
    TicketKind {
        queue: "payment",
        priority: "P2",
        sentiment: "negative",
        needs_human: false,
        subject: "Doppelte Abbuchung",
        body: "Hallo, mir wurde am {date} der Betrag von {amount} zweimal abgebucht (Bestellung {order}). Bitte erstatten Sie die doppelte Zahlung. Vielen Dank!",
        reason: "Double charge of {amount} for order {order}, written in German.",
        gist: "a double charge of {amount} for order {order} (written in German)",
        language: "de",
    },
    TicketKind {
        queue: "delivery",
        priority: "P2",
        sentiment: "negative",
        needs_human: false,
        subject: "Mi pedido no ha llegado",
        body: "Hola, hice el pedido {order} hace dos semanas y todavía no ha llegado. ¿Pueden decirme dónde está? Gracias.",
        reason: "Order {order} not arrived after two weeks, written in Spanish.",
        gist: "order {order} not arrived after two weeks (written in Spanish)",
        language: "es",
    },
    TicketKind {
        queue: "damaged-item",
        priority: "P3",
        sentiment: "negative",
        needs_human: false,
        subject: "Lampe arrivée cassée",
        body: "Bonjour, la lampe de la commande {order} est arrivée cassée. Je joins des photos. Pouvez-vous m'en envoyer une autre ? Merci.",
        reason: "Lamp from order {order} arrived broken, written in French.",
        gist: "a lamp from order {order} that arrived broken (written in French)",
        language: "fr",
    },
    TicketKind {
        queue: "returns",
        priority: "P3",
        sentiment: "neutral",
        needs_human: false,
        subject: "Retour aanvragen",
        body: "Hallo, ik wil de {product} van bestelling {order} terugsturen. Hoe krijg ik een retourlabel?",
        reason: "Return request for a {product}, written in Dutch.",
        gist: "returning a {product} from order {order} (written in Dutch)",
        language: "nl",
    },
];

/// Sentences customers add around their request.
const TICKET_CONTEXT: [&str; 12] = [
    "We have guests coming on Saturday, so this is quite urgent.",
    "I already called the hotline but the waiting time was over 40 minutes.",
    "This is the second order from you with this problem.",
    "Photos attached.",
    "Could you please get back to me today?",
    "We've ordered from you for years and were happy until now.",
    "My partner placed the order, but I'm the one dealing with it.",
    "I'm at work during the day, so a message is better than a call.",
    "The delivery driver told me to contact you.",
    "I checked the help pages but couldn't find the answer.",
    "We paid with Klarna, if that matters.",
    "My customer number is in the header.",
];

/// The values one message's placeholders take.
struct TicketValues {
    amount: String,
    date: String,
    order: String,
    product: &'static str,
    product2: &'static str,
    n: String,
    company: &'static str,
    tracking: String,
    case: String,
}

impl TicketValues {
    fn draw(rng: &mut Rng) -> TicketValues {
        let product = rng.pick(&PRODUCTS);
        let mut product2 = rng.pick(&PRODUCTS);
        if product2 == product {
            product2 = PRODUCTS
                [(PRODUCTS.iter().position(|p| *p == product).unwrap_or(0) + 1) % PRODUCTS.len()];
        }
        TicketValues {
            amount: format!("€{}.{:02}", rng.range(19, 2_400), rng.below(100)),
            date: date_text(rng),
            order: format!("NH-{}", rng.range(2_100_000, 2_399_999)),
            product,
            product2,
            n: rng.range(8, 60).to_string(),
            company: rng.pick(&COMPANIES),
            tracking: format!("JJD00{}", rng.range(1_000_000_000, 9_999_999_999)),
            case: format!("C-{}", rng.range(10_000, 99_999)),
        }
    }
}

/// Replaces the placeholders of a message text.
fn fill(text: &str, values: &TicketValues) -> String {
    let mut out = text.to_string();
    for (name, value) in [
        ("{amount}", values.amount.as_str()),
        ("{date}", values.date.as_str()),
        ("{order}", values.order.as_str()),
        ("{product}", values.product),
        ("{product2}", values.product2),
        ("{n}", values.n.as_str()),
        ("{company}", values.company),
        ("{tracking}", values.tracking.as_str()),
        ("{case}", values.case.as_str()),
    ] {
        if out.contains(name) {
            out = out.replace(name, value);
        }
    }
    out
}

/// A new customer message as the service tool forwards it.
struct Ticket {
    kind: &'static TicketKind,
    person: Person,
    values: TicketValues,
    number: u64,
    subject: String,
    body: String,
}

impl Ticket {
    fn draw(rng: &mut Rng, number: u64) -> Ticket {
        let kind = &TICKETS[rng.index(TICKETS.len())];
        let person = Person::draw(rng);
        let values = TicketValues::draw(rng);
        let mut body = fill(kind.body, &values);
        if kind.language == "en" && kind.queue != "spam" {
            let first = rng.index(TICKET_CONTEXT.len());
            for extra in 0..rng.index(4) {
                body.push(' ');
                body.push_str(TICKET_CONTEXT[(first + extra * 5) % TICKET_CONTEXT.len()]);
            }
            if rng.chance(0.5) {
                body.push_str(&format!("\n\nThanks,\n{} {}", person.first, person.last));
            } else {
                body.push_str(&format!("\n\nBest regards,\n{}", person.first));
            }
        }
        let subject = fill(kind.subject, &values);
        Ticket {
            kind,
            person,
            values,
            number,
            subject,
            body,
        }
    }

    /// The message as the triage call receives it.
    fn text(&self, rng: &mut Rng) -> String {
        format!(
            "Message #{} via {}\nFrom: {} {} (customer {}, {})\nSubject: {}\n\n{}",
            self.number,
            rng.pick(&CHANNELS),
            self.person.first,
            self.person.last,
            self.person.customer,
            self.person.country,
            self.subject,
            self.body
        )
    }

    fn gist(&self) -> String {
        fill(self.kind.gist, &self.values)
    }
}

// ---------------------------------------------------------------------------------------------
// System prompts (fixed, reused verbatim by every call of a feature)
// ---------------------------------------------------------------------------------------------

const TRIAGE_SYSTEM: &str = "You are the triage assistant for the customer service team of Northwind Home, an online shop for furniture, lighting, textiles and tableware. Each message you receive is one new customer message as it arrived, with the channel it came through, the customer's name, customer number and country, and the subject line. You decide which queue it belongs to, how urgent it is, the customer's mood, and whether a person reads it before the automatic acknowledgement goes out. You answer with one JSON object and nothing else.

About Northwind Home. The shop sells to private customers in Germany, Austria, the Netherlands, Belgium, France, Spain and the United Kingdom, and to hotels, offices and holiday-home owners through its trade desk. Small items (lamps, textiles, tableware, decoration) go out by parcel within two working days. Large items (sofas, beds, mattresses, wardrobes, dining tables) are made to order or shipped from the central warehouse in Duisburg and delivered by a two-person team in a booked time slot, usually within three to six weeks. Customers can return unused items within 30 days; large items are picked up by the carrier, small items go back by parcel with a prepaid label. Refunds go back to the card or account the customer paid with, within ten working days after the return arrives at the warehouse. Most messages are in English; about one in five arrives in German, Dutch, French or Spanish, and those are triaged in the same way, with the reason written in English.

The queues. The order-status queue takes questions about orders that have not shipped yet: production times, whether an order went through, and changes to the delivery address before dispatch. The delivery queue takes everything about a shipment on its way or a delivery that went wrong: late parcels, missed or rebooked time slots, a driver who did not come, a wrong item delivered and parcels marked as delivered that did not arrive. The damaged-item queue takes items that arrived broken, scratched, stained or faulty, and items that broke in normal use within the two-year guarantee; these need photos, and the agent decides between a spare part, a new item and a partial refund. The missing-parts queue takes assembly kits with screws, fittings or panels missing, and lost assembly instructions. The returns queue takes requests to send something back, return labels, pickup appointments for large items and questions about the return policy. The refunds queue takes refunds that have not arrived, refunds for the wrong amount and delivery charges the customer expects back. The payment queue takes double charges, declined cards, Klarna and PayPal questions, and requests for an invoice with a company name and tax number. The cancellation queue takes requests to cancel an order before it ships; made-to-order items can be cancelled only until production starts, so these are urgent. The product-question queue takes questions before a purchase: sizes, materials, colours, care, stock and delivery times for an item. The account queue takes log-in problems, password reset links, newsletter settings and changes to the customer's details. The privacy queue takes requests to see, correct or delete personal data, and questions about how data is used. The trade queue takes enquiries from businesses: hotels, offices, architects and holiday-home owners asking for quotes, trade prices or large quantities. The complaint queue takes complaints about the service itself: unanswered messages, rude staff, broken promises and threats to go to a consumer protection office or to post a bad review. The spam queue takes advertising, offers to the shop, automatic replies and messages with no request in them.

Priority. P1 is for a risk to someone's safety, such as a lamp that sparks or a shelf that came off the wall, and for a whole delivery day gone wrong for a trade customer. P2 is for money that is wrong or missing, a delivery slot missed today or tomorrow, a cancellation of a made-to-order item, and any complaint. P3 is for damaged or missing parts, returns, account problems and most order questions. P4 is for product questions, newsletter settings and spam.

Sentiment is one of positive, neutral, negative or angry. Angry is for capital letters, threats, or a third message about the same problem; plain disappointment is negative.

A person reads the message first (needs_human is true) for every privacy, trade and complaint message, for angry customers, for safety risks, and for anything that mentions a lawyer, the press, a chargeback or a consumer protection office. Everything else gets the automatic acknowledgement with the help pages of its queue, and a person picks it up from the queue in order of priority.

The reason is one short sentence in English for the agent who opens the message, naming the product and, for money, the amount. It does not repeat the customer's name and does not guess at causes.

Answer with one JSON object with the keys queue, priority, sentiment, needs_human and reason, in that order, with no text before or after it. For example: {\"queue\":\"refunds\",\"priority\":\"P2\",\"sentiment\":\"negative\",\"needs_human\":false,\"reason\":\"Refund of 349 euros for a returned Oslo sofa not received after three weeks.\"}";

const SUMMARY_SYSTEM: &str = "You prepare the handover summary that Northwind Home's customer service tool shows at the top of a conversation. The agent who opens the conversation next reads your summary instead of the whole thread, so it carries what they need to continue: who the customer is, what they asked for, what has been done or promised so far, and what is still open.

You receive the conversation number, its subject and the messages in order, oldest first. Each message starts with a line that says who sent it (the customer or a named agent). Messages can quote earlier messages; ignore the quoted parts. Internal notes from agents are marked as such and can contain facts the customer has not seen, such as refund approvals, carrier case numbers or the result of a check at the warehouse. Use them, but do not phrase the summary as if the customer knew them.

About the shop, so that you use the right names. Northwind Home sells furniture, lighting, textiles and tableware online to private customers in seven countries and to businesses through its trade desk. Small items go out by parcel; large items are delivered by a two-person team in a booked time slot. Returns are free within 30 days, and large items are picked up by the carrier. Refunds go back to the card or account the customer paid with, within ten working days after the return reaches the warehouse. Damaged items are replaced, repaired with a spare part or partly refunded, depending on the damage and the customer's wish.

What goes in. Two to four sentences of plain prose in English, whatever language the thread is in. The first sentence names the customer and their customer number, and the problem or request in concrete terms: the product, the order number, amounts and dates as the thread gives them. The next sentences say what the agents did and what the customer answered: what was checked, which solution was offered, whether a refund was issued, a replacement sent or a carrier case opened, and what the customer confirmed. The last sentence starts with Next step and says who has to do what: the customer has to send photos, the agent has to follow up by a date, or the conversation waits for the warehouse or the carrier. If the thread shows the matter is settled, say so and say that the conversation can be closed.

Tone. Neutral and factual. Report what the customer said without judging it, and leave out greetings, apologies, signatures and thanks. Do not add facts the thread does not contain; if the thread does not say whether something happened, leave it out rather than guessing. Leave out phone numbers, card details, bank details and addresses, even when the customer wrote them in the thread; say that the customer provided them instead.

Names and roles. Agents sign with their first name; use it as written. The trade desk, the warehouse team and the carrier's customer service also write in some threads: name them by role (the warehouse, the carrier) rather than by the person. When the customer writes on behalf of someone else, such as a partner, a landlord or a company, say so in the first sentence. When several orders come up in one thread, name each order number once and say which problem belongs to which order. Vouchers, goodwill credits and free delivery offered by an agent count as promises: include their value and whether the customer accepted them.

Length. Stay under 90 words. Long threads do not need longer summaries: what was tried and did not work matters only when it changes what the next agent does.

Form. Plain text, no headings, no lists, no markdown, no quotation marks around the summary. Start with the customer's name, not with the words This conversation or The customer. Amounts keep their currency as written in the thread. Dates are written as in the thread.

A good summary: Pieter de Vries (customer 4410087) was charged 349 euros twice on 2026-10-14 for order NH-2210458, an Oslo 3-seater sofa, and asked for the second charge to be refunded. Agent Marta confirmed the double charge and refunded 349 euros on 2026-10-15; the customer asked for a corrected invoice. Next step: send the corrected invoice and close the conversation once the customer confirms the refund arrived.

Another good summary: Yuki Tanaka (customer 3902211) received an Aster bed frame with a cracked side rail (order NH-2230917). Agent Sam asked for photos, which the customer sent, and ordered a new rail from the warehouse; it ships within five working days and the customer is using the bed meanwhile. Next step: send the tracking number when the rail leaves the warehouse and check that it fits.";

const INVOICE_SYSTEM: &str = "You extract structured data from supplier invoices for the accounts payable team of Northwind Home, an online furniture and homeware shop. Suppliers (furniture workshops, textile mills, potteries, carriers, packaging and service companies) send their invoices by mail or upload them to the supplier portal; the text you get is the OCR output of the PDF or image, with the original line breaks, so columns may be out of line and some characters may be misread. You return one JSON object that matches the invoice schema you are given. The accounts payable tool uses it to pre-fill a payable that a clerk then approves, so a missing field is much better than a wrong one: when a value is not on the invoice or you cannot read it with confidence, return null for it.

The fields. vendor_name is the legal name of the company that issued the invoice, as printed in the header or footer, without the legal form moved or abbreviated. vendor_vat_id is the supplier's VAT or tax identification number, with its country prefix, without spaces. invoice_number is the supplier's own number for this invoice, exactly as printed, including prefixes and leading zeros; it is not the order number, the customer number or the delivery note number. issue_date and due_date are dates in ISO format, year first. When the invoice gives payment terms such as net 30 instead of a due date, compute the due date from the issue date. currency is the ISO 4217 code of the amounts; a euro sign means EUR, a pound sign GBP and a dollar sign USD unless the invoice names another dollar. po_number is Northwind Home's purchase order number when the invoice quotes one.

Amounts. subtotal is the total before tax, tax_total the sum of all tax lines and total the amount payable, all as numbers with a dot as the decimal separator and no thousands separators. Invoices from continental Europe write 1.234,56 for one thousand two hundred and thirty-four point five six; convert it. When the printed total and the sum of subtotal and tax differ by more than one cent, keep the printed figures and set totals_consistent to false so that a clerk checks the payable.

Line items. line_items is a list with one entry per billed line, in the order printed. Each entry has description (the text of the line, without the article number), quantity (a number, 1 when the line has none), unit_price (the price of one unit before tax), amount (the line total before tax) and tax_rate (a percentage such as 19 or 7, or null when the invoice gives one rate for everything). Lines for freight, discounts and deposits are line items too; discounts have negative amounts. Do not invent line items from the totals, and do not merge lines that the invoice prints separately.

Payment details. iban and bic are the supplier's bank details as printed, without spaces. payment_reference is the text the supplier asks to put on the transfer, if any. Northwind Home never pays an invoice automatically from these fields; a clerk confirms the bank details on first use of every supplier.

Multiple documents. When the text contains more than one invoice, extract the first one and set multiple_documents to true. When the document is not an invoice at all, for example a quote, a delivery note, a reminder without an invoice or a receipt for a payment already made, set document_type accordingly and return null for the fields that do not apply.

Credit notes. A credit note reduces an earlier invoice: set document_type to credit_note, keep the amounts positive as printed, and put the number of the invoice it corrects into payment_reference when the credit note names it. Freight invoices from carriers often list one line per pallet or shipment with a route and a date in the description; keep each line as printed, route and date included, because the clerk matches them against the delivery notes.

Languages. Invoices arrive in English, German, French, Spanish, Dutch, Italian, Danish and Polish. Field names in the schema are English; values keep the language of the invoice, except dates and numbers, which you normalise as described above.

Output. Return only the JSON object, without a code fence and without comments. Every key of the schema is present; use null for what you cannot find. Numbers are numbers, not strings. Keep descriptions as printed, including product codes that are part of the description, but remove line breaks inside a description.";

const LANGUAGE_SYSTEM: &str = "You detect the language of customer messages. Reply with the ISO 639-1 code of the language the customer wrote in, in lower case, and nothing else. If the message mixes languages, reply with the language of the first full sentence.";

const FRAUD_SYSTEM: &str = "You are a payment risk reviewer for Northwind Home's online shop. You receive the facts the risk engine gathered about one order and a question about it. Weigh the signals the way an experienced fraud analyst would: a card issued in another country than the IP address and the shipping address, a customer account created minutes before the order, several orders from the same card in a short time, a basket far above the usual order value, express delivery to a parcel locker and failed verification checks all raise the risk; a long order history without disputes lowers it. Answer the question with a single word, yes or no, in lower case.";

const AGENT_SYSTEM: &str = "You are Northwind's internal coding agent. You work in a checked-out Git repository inside a sandbox on behalf of one engineer, who gives you a task in their first message and reviews your changes as a pull request afterwards. You can read and search files, list directories, apply patches and run the repository's test and lint commands through the tools you are given. You cannot reach the internet, push branches or read secrets.

How to work. Start by understanding the code before changing it: read the files the task names, search for the functions and types involved, and look at the tests that cover them. Make the smallest change that solves the task, in the style of the surrounding code. Keep public interfaces unchanged unless the task asks otherwise. When you fix a bug, add or extend a test that fails without your fix. Run the relevant tests after every change and read their output; when a test fails, find out why before changing anything else. Do not disable, skip or loosen tests to make them pass, and do not change expected values in a test unless the task says the expectation is wrong.

Tools. read_file returns a file's contents, optionally a range of lines. search runs a regular-expression search over the repository and returns matching lines with their paths and line numbers. list_dir lists a directory. apply_patch applies a patch in the unified format to one or more files; it fails if the context does not match, in which case read the file again before retrying. run_command runs a command from the repository's allow list (the test runners, linters and formatters of the languages the repository uses) and returns its output and exit code; long outputs are cut to their first and last lines. finish ends the task with a summary for the engineer.

Repositories. orders-core is a Rust workspace: run cargo test -p followed by the crate name, and cargo clippy before you finish. api is a Go service: run go test ./... from the service directory. web is a TypeScript React app: run npm test -- followed by a path, and npm run lint. ops holds Python deployment scripts: run pytest with a path. Each repository has a CONTRIBUTING.md that you read when you are unsure about conventions.

Finishing. When the task is done, call finish with a short summary: what was wrong, what you changed and why, which tests you ran and their result, and anything the reviewer should check by hand. If you cannot complete the task, call finish anyway and explain what you found, what you tried and where you are stuck, rather than continuing to try variations. Stay within the task: mention other problems you notice in the summary instead of fixing them.";

/// The agent's tool definitions, as the request's `tools`.
fn agent_tools() -> Value {
    let tool = |name: &str, description: &str, parameters: Value| json!({"type": "function", "function": {"name": name, "description": description, "parameters": parameters}});
    json!([
        tool(
            "read_file",
            "Read a file of the repository. Returns the contents with line numbers. Use start_line and end_line for large files.",
            json!({"type": "object", "properties": {
                "path": {"type": "string", "description": "Path relative to the repository root."},
                "start_line": {"type": "integer", "description": "First line to return, 1-based."},
                "end_line": {"type": "integer", "description": "Last line to return, inclusive."}
            }, "required": ["path"]})
        ),
        tool(
            "search",
            "Search the repository with a regular expression (ripgrep syntax). Returns matching lines as path:line:text, at most 200 matches.",
            json!({"type": "object", "properties": {
                "pattern": {"type": "string", "description": "Regular expression to search for."},
                "path": {"type": "string", "description": "Directory or file to search in; the whole repository if omitted."},
                "glob": {"type": "string", "description": "Only search files matching this glob, e.g. *.rs."}
            }, "required": ["pattern"]})
        ),
        tool(
            "list_dir",
            "List the entries of a directory, directories first, with file sizes.",
            json!({"type": "object", "properties": {
                "path": {"type": "string", "description": "Directory relative to the repository root."},
                "depth": {"type": "integer", "description": "How many levels to list, 1 to 3."}
            }, "required": ["path"]})
        ),
        tool(
            "apply_patch",
            "Apply a patch in unified diff format. Fails without changing anything if a hunk does not apply.",
            json!({"type": "object", "properties": {
                "patch": {"type": "string", "description": "The patch, with --- and +++ headers and @@ hunks."}
            }, "required": ["patch"]})
        ),
        tool(
            "run_command",
            "Run an allowed command (tests, linters, formatters) in the repository and return its exit code and output.",
            json!({"type": "object", "properties": {
                "command": {"type": "string", "description": "The command line, e.g. cargo test -p orders-core."},
                "timeout_seconds": {"type": "integer", "description": "Kill the command after this many seconds; default 600."}
            }, "required": ["command"]})
        ),
        tool(
            "finish",
            "End the task and hand the result to the engineer.",
            json!({"type": "object", "properties": {
                "summary": {"type": "string", "description": "What was done, how it was tested, and what to review."}
            }, "required": ["summary"]})
        )
    ])
}

// ---------------------------------------------------------------------------------------------
// Routine features
// ---------------------------------------------------------------------------------------------

/// An exact repeat of a request some minutes later (a double click, a re-opened ticket, a
/// webhook delivered twice).
struct Repeat {
    chance: f64,
    min_ms: i64,
    max_ms: i64,
}

/// Writes one routine call (and its repeat, if one comes). `answer` draws a fresh answer for
/// each successful attempt.
fn routine_call(
    log: &mut Log,
    rng: &mut Rng,
    request: &Request<'_>,
    start: i64,
    repeat: &Repeat,
    answer: &mut dyn FnMut(&mut Rng) -> Answer,
) {
    let first = answer(rng);
    log.routed(rng, request, start, &first);
    if rng.chance(repeat.chance) {
        let later = start + rng.range(repeat.min_ms as u64, repeat.max_ms as u64) as i64;
        let again = answer(rng);
        log.routed(rng, request, later, &again);
        log.stats.duplicates += 1;
    }
}

/// Start times for one feature's calls, in order.
fn sorted_times(rng: &mut Rng, count: usize) -> Vec<i64> {
    let mut times: Vec<i64> = (0..count).map(|_| busy_time(rng)).collect();
    times.sort_unstable();
    times
}

fn support_triage(log: &mut Log, rng: &mut Rng, count: usize) {
    let parameters = json!({"max_tokens": 300, "temperature": 0, "stream": false});
    let repeat = Repeat {
        chance: 0.015,
        min_ms: 60_000,
        max_ms: 25 * 60_000,
    };
    for (index, start) in sorted_times(rng, count).into_iter().enumerate() {
        let number = 480_000 + index as u64 * 3 + rng.below(3);
        let ticket = Ticket::draw(rng, number);
        let user = ticket.text(rng);
        let messages = chat(TRIAGE_SYSTEM, &user);
        let prompt = chat_tokens(TRIAGE_SYSTEM, &user);
        let request = Request {
            feature: &TRIAGE,
            deployment: &SONNET,
            messages: &messages,
            parameters: &parameters,
            stream: false,
            session: None,
        };
        let kind = ticket.kind;
        let reason = fill(kind.reason, &ticket.values);
        let mut answer = |_: &mut Rng| {
            // The keys in the order the prompt asks for.
            let reply = format!(
                "{{\"queue\":{},\"priority\":{},\"sentiment\":{},\"needs_human\":{},\"reason\":{}}}",
                json!(kind.queue),
                json!(kind.priority),
                json!(kind.sentiment),
                kind.needs_human,
                json!(reason)
            );
            Answer {
                usage: Usage {
                    input: prompt,
                    output: tokens(&reply) + 3,
                    ..Usage::default()
                },
                content: Some(reply),
                tool_calls: Vec::new(),
                finish_reason: "stop",
            }
        };
        routine_call(log, rng, &request, start, &repeat, &mut answer);
    }
}

const AGENT_NAMES: [&str; 8] = [
    "Marta", "Sam", "Oskar", "Leila", "Ben", "Aiko", "Carlos", "Nina",
];

const AGENT_REPLIES: [&str; 8] = [
    "Thanks for getting in touch, {first}. I checked order {order} and can see {gist}. Could you send a photo of the label on the box so I can go ahead?",
    "I've passed this to our carrier with the details you sent (case {case}). They usually answer within one working day and I'll update you here.",
    "Sorry for the trouble. I've booked a new delivery slot for {date}, between 12:00 and 16:00.",
    "I've issued a refund of {amount}. It should show on your statement within 5 to 10 working days.",
    "Internal note: customer verified by order number and postcode; OK to refund.",
    "Could you send a photo of the damage and of the box it came in?",
    "I've escalated this to the team lead because it's the second report about this product this week.",
    "Good news: the replacement left our warehouse today, tracking number {tracking}.",
];

const CUSTOMER_REPLIES: [&str; 7] = [
    "Photos attached, the label is on the second one.",
    "Thanks, that slot works for us.",
    "Still nothing this morning, and the tracking page hasn't changed.",
    "Thank you, I can see the refund as pending on my statement.",
    "I sent the photos yesterday, did you get them?",
    "The new part arrived and fits. You can close this.",
    "Any news? It's been a week.",
];

const PROGRESS: [&str; 4] = [
    "An agent confirmed the problem and asked for photos.",
    "The agent booked a new delivery slot, which the customer accepted.",
    "The agent opened a case with the carrier.",
    "The agent issued a refund and the customer confirmed it is pending.",
];

const NEXT_STEPS: [&str; 6] = [
    "Next step: wait for the carrier's answer and update the customer.",
    "Next step: the customer has to send photos of the damage.",
    "Next step: confirm the refund arrived and close the conversation.",
    "Next step: the conversation can be closed; the customer confirmed the matter is settled.",
    "Next step: the agent follows up by Friday if the warehouse has not answered.",
    "Next step: the team lead decides on a goodwill voucher.",
];

fn ticket_summary(log: &mut Log, rng: &mut Rng, count: usize) {
    let parameters =
        json!({"reasoning_effort": "minimal", "max_completion_tokens": 600, "stream": false});
    let repeat = Repeat {
        chance: 0.05,
        min_ms: 2 * 60_000,
        max_ms: 40 * 60_000,
    };
    let prefix = tokens(SUMMARY_SYSTEM) + 4;
    let mut last: Option<i64> = None;
    for (index, start) in sorted_times(rng, count).into_iter().enumerate() {
        let number = 470_000 + index as u64 * 5 + rng.below(5);
        let ticket = Ticket::draw(rng, number);
        let mut thread = format!(
            "--- {} {} (customer), {} {:02}:{:02}:\n{}",
            ticket.person.first,
            ticket.person.last,
            ticket.values.date,
            rng.range(7, 18),
            rng.below(60),
            ticket.body
        );
        for turn in 0..rng.range(1, 5) {
            let text = if turn % 2 == 0 {
                let reply = rng.pick(&AGENT_REPLIES);
                let gist = ticket.gist();
                let name = rng.pick(&AGENT_NAMES);
                let filled = fill(reply, &ticket.values)
                    .replace("{first}", ticket.person.first)
                    .replace("{gist}", &gist);
                format!("--- {name} (agent):\n{filled}")
            } else {
                format!(
                    "--- {} {} (customer):\n{}",
                    ticket.person.first,
                    ticket.person.last,
                    rng.pick(&CUSTOMER_REPLIES)
                )
            };
            thread.push_str("\n\n");
            thread.push_str(&text);
        }
        let user = format!(
            "Summarise conversation #{} for the next agent.\nSubject: {}\n\n{}",
            ticket.number, ticket.subject, thread
        );
        let messages = chat(SUMMARY_SYSTEM, &user);
        let prompt = chat_tokens(SUMMARY_SYSTEM, &user);
        let request = Request {
            feature: &SUMMARY,
            deployment: &GPT5,
            messages: &messages,
            parameters: &parameters,
            stream: false,
            session: None,
        };
        let gist = ticket.gist();
        let person = &ticket.person;
        let mut gap = last.map(|at| start - at);
        let mut answer = |rng: &mut Rng| {
            let summary = format!(
                "{} {} (customer {}) wrote about {}. {} {}",
                person.first,
                person.last,
                person.customer,
                gist,
                rng.pick(&PROGRESS),
                rng.pick(&NEXT_STEPS)
            );
            let cached = openai_cached(rng, prefix, gap.take());
            Answer {
                usage: Usage {
                    input: prompt - cached,
                    cache_read: cached,
                    output: tokens(&summary) + 2,
                    ..Usage::default()
                },
                content: Some(summary),
                tool_calls: Vec::new(),
                finish_reason: "stop",
            }
        };
        routine_call(log, rng, &request, start, &repeat, &mut answer);
        last = Some(start);
    }
}

fn ticket_language(log: &mut Log, rng: &mut Rng, count: usize) {
    let parameters = json!({"max_tokens": 5, "temperature": 0, "stream": false});
    let repeat = Repeat {
        chance: 0.01,
        min_ms: 30_000,
        max_ms: 10 * 60_000,
    };
    for (index, start) in sorted_times(rng, count).into_iter().enumerate() {
        let ticket = Ticket::draw(rng, 490_000 + index as u64 * 7);
        let user = format!("Message #{}\n\n{}", ticket.number, ticket.body);
        let messages = chat(LANGUAGE_SYSTEM, &user);
        let prompt = chat_tokens(LANGUAGE_SYSTEM, &user);
        let code = ticket.kind.language;
        let request = Request {
            feature: &LANGUAGE,
            deployment: &MINI,
            messages: &messages,
            parameters: &parameters,
            stream: false,
            session: None,
        };
        let mut answer = |_: &mut Rng| Answer {
            usage: Usage {
                input: prompt,
                output: 2,
                ..Usage::default()
            },
            content: Some(code.to_string()),
            tool_calls: Vec::new(),
            finish_reason: "stop",
        };
        routine_call(log, rng, &request, start, &repeat, &mut answer);
    }
}

/// Supplier invoice lines: description and unit price range in cents.
const INVOICE_LINES: [(&str, u64, u64); 16] = [
    ("Oak veneer panel 2400x1200x19", 6_400, 9_800),
    ("Carton box double wall 120x80x60", 310, 690),
    ("Pallet transport Poznan - Duisburg", 38_000, 96_000),
    ("Foam cushion insert 60x60", 850, 1_900),
    ("Linen fabric natural, per metre", 1_150, 2_400),
    ("Stoneware dinner plate 27 cm", 390, 880),
    ("Warehouse storage, pallet per week", 450, 900),
    ("Packaging tape 50 mm, carton of 36 rolls", 2_900, 4_900),
    ("Product photography, per day", 65_000, 120_000),
    ("LED bulb E27 warm white, pack of 10", 1_900, 3_600),
    ("Wool yarn undyed, per kg", 1_400, 2_600),
    ("Assembly hardware kit AK-12", 180, 460),
    ("Customs clearance fee", 4_500, 12_000),
    ("Two-person delivery, large item", 5_900, 9_900),
    ("Pocket-spring unit 160x200", 9_800, 16_500),
    ("Brass lamp fitting E27 with switch", 640, 1_350),
];

/// Suppliers: name, address, country code.
const VENDORS: [(&str, &str, &str); 8] = [
    (
        "Möbelwerkstatt Krüger GmbH",
        "Lindenstraße 14, 32052 Herford",
        "DE",
    ),
    (
        "Tissages Martin SARL",
        "12 rue des Lilas, 59100 Roubaix",
        "FR",
    ),
    (
        "Cerámicas Ortega S.L.",
        "Calle Mayor 8, 12001 Castellón",
        "ES",
    ),
    (
        "Van Dijk Logistiek B.V.",
        "Havenweg 31, 3011 Rotterdam",
        "NL",
    ),
    (
        "Northgate Packaging Ltd",
        "4 Mill Lane, Leeds LS1 4AB",
        "GB",
    ),
    ("Luce Bianchi S.r.l.", "Via Roma 27, 20121 Milano", "IT"),
    ("Hansen Uld ApS", "Kajgade 5, 8000 Aarhus", "DK"),
    (
        "Kowalski Meble Sp. z o.o.",
        "ul. Długa 19, 61-001 Poznań",
        "PL",
    ),
];

fn money(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// The invoice JSON schema the extraction requests (`response_format`).
fn invoice_schema() -> Value {
    let nullable = |kind: &str| json!({"type": [kind, "null"]});
    json!({
        "type": "json_schema",
        "json_schema": {"name": "invoice", "strict": true, "schema": {
            "type": "object",
            "additionalProperties": false,
            "required": ["document_type", "vendor_name", "vendor_vat_id", "invoice_number", "issue_date", "due_date", "currency", "po_number", "subtotal", "tax_total", "total", "totals_consistent", "line_items", "iban", "bic", "payment_reference", "multiple_documents"],
            "properties": {
                "document_type": {"type": "string", "enum": ["invoice", "credit_note", "quote", "delivery_note", "reminder", "receipt"]},
                "vendor_name": nullable("string"),
                "vendor_vat_id": nullable("string"),
                "invoice_number": nullable("string"),
                "issue_date": nullable("string"),
                "due_date": nullable("string"),
                "currency": nullable("string"),
                "po_number": nullable("string"),
                "subtotal": nullable("number"),
                "tax_total": nullable("number"),
                "total": nullable("number"),
                "totals_consistent": {"type": "boolean"},
                "line_items": {"type": "array", "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["description", "quantity", "unit_price", "amount", "tax_rate"],
                    "properties": {
                        "description": {"type": "string"},
                        "quantity": {"type": "number"},
                        "unit_price": {"type": "number"},
                        "amount": {"type": "number"},
                        "tax_rate": nullable("number")
                    }
                }},
                "iban": nullable("string"),
                "bic": nullable("string"),
                "payment_reference": nullable("string"),
                "multiple_documents": {"type": "boolean"}
            }
        }}
    })
}

fn extract_invoice(log: &mut Log, rng: &mut Rng, count: usize) {
    let schema = invoice_schema();
    let parameters = json!({"response_format": schema, "reasoning_effort": "low", "max_completion_tokens": 1000, "stream": false});
    let retry_parameters = json!({"response_format": schema, "reasoning_effort": "low", "max_completion_tokens": 4000, "stream": false});
    let repeat = Repeat {
        chance: 0.03,
        min_ms: 2 * 60_000,
        max_ms: 30 * 60_000,
    };
    let prefix = tokens(INVOICE_SYSTEM) + tokens(&schema.to_string()) + 4;
    let mut last: Option<i64> = None;
    for start in sorted_times(rng, count) {
        let (vendor, address, country) = rng.pick(&VENDORS);
        let customer = "Northwind Home GmbH, Hafenstraße 2, 47119 Duisburg";
        let items = if rng.chance(0.04) {
            rng.range(22, 40)
        } else {
            rng.log_uniform(1, 9)
        };
        let rate: u64 = match country {
            "DE" => 19,
            "FR" | "GB" => 20,
            "ES" | "NL" => 21,
            "IT" => 22,
            "DK" => 25,
            _ => 23,
        };
        let (symbol, currency) = if country == "GB" {
            ("£", "GBP")
        } else {
            ("€", "EUR")
        };
        let number = format!(
            "{}-{}-{:05}",
            country,
            rng.range(2025, 2026),
            rng.below(100_000)
        );
        let day = rng.range(1, 28);
        let terms = rng.pick(&[14u64, 30, 30, 45]);
        let vat_id = format!("{country}{}", rng.range(100_000_000, 999_999_999));
        let po = rng
            .chance(0.4)
            .then(|| format!("PO-{}", rng.range(10_000, 99_999)));
        let mut lines = String::new();
        let mut line_items = Vec::new();
        let mut subtotal = 0;
        for _ in 0..items {
            let (description, low, high) = rng.pick(&INVOICE_LINES);
            let quantity = rng.log_uniform(1, 40);
            let unit = rng.range(low, high);
            let amount = unit * quantity;
            subtotal += amount;
            lines.push_str(&format!(
                "{quantity:>4}  {description:<44} {symbol}{:>10} {symbol}{:>11}\n",
                money(unit),
                money(amount)
            ));
            line_items.push(json!({
                "description": description,
                "quantity": quantity,
                "unit_price": unit as f64 / 100.0,
                "amount": amount as f64 / 100.0,
                "tax_rate": rate,
            }));
        }
        let tax = (subtotal * rate).div_ceil(100);
        let iban = format!(
            "{country}{:02}{}",
            rng.range(10, 99),
            rng.range(10u64.pow(15), 10u64.pow(16) - 1)
        );
        let text = format!(
            "{vendor}\n{address}\nVAT ID: {vat_id}\n\nINVOICE\nInvoice no.: {number}          Date: 2026-10-{day:02}\nCustomer: {customer}{}\nPayment terms: net {terms} days\n\n Qty  Description                                   Unit price        Amount\n{lines}\nSubtotal {symbol}{}\nVAT {rate}% {symbol}{}\nTotal due {symbol}{}\n\nIBAN: {iban}   BIC: {}\nPlease quote {number} with your payment.",
            po.as_ref()
                .map(|p| format!("          Your order: {p}"))
                .unwrap_or_default(),
            money(subtotal),
            money(tax),
            money(subtotal + tax),
            rng.alnum(8).to_uppercase(),
        );
        let user = format!(
            "Extract the invoice fields. Received through the supplier portal as {}_{}.pdf; OCR text follows.\n\n{text}",
            country.to_lowercase(),
            rng.range(10_000, 99_999)
        );
        let messages = chat(INVOICE_SYSTEM, &user);
        let prompt = chat_tokens(INVOICE_SYSTEM, &user) + tokens(&schema.to_string());
        let extracted = json!({
            "document_type": "invoice",
            "vendor_name": vendor,
            "vendor_vat_id": vat_id,
            "invoice_number": number,
            "issue_date": format!("2026-10-{day:02}"),
            "due_date": format!("2026-{}", if day + terms > 31 { format!("11-{:02}", (day + terms - 31).min(30)) } else { format!("10-{:02}", day + terms) }),
            "currency": currency,
            "po_number": po,
            "subtotal": subtotal as f64 / 100.0,
            "tax_total": tax as f64 / 100.0,
            "total": (subtotal + tax) as f64 / 100.0,
            "totals_consistent": true,
            "line_items": line_items,
            "iban": iban,
            "bic": null,
            "payment_reference": number,
            "multiple_documents": false,
        })
        .to_string();
        let output = tokens(&extracted) + 2;
        let mut gap = last.map(|at| start - at);
        let mut draw = |rng: &mut Rng, limit: u64| {
            // GPT-5 thinks a little before it extracts, even at low effort.
            let reasoning = rng.log_uniform(64, 448) / 64 * 64;
            let cached = openai_cached(rng, prefix, gap.take());
            let cut = reasoning + output > limit;
            Answer {
                usage: Usage {
                    input: prompt - cached,
                    cache_read: cached,
                    output: if cut { limit } else { reasoning + output },
                    reasoning,
                    ..Usage::default()
                },
                content: Some(if cut {
                    extracted
                        .chars()
                        .take(((limit - reasoning) * 4) as usize)
                        .collect()
                } else {
                    extracted.clone()
                }),
                tool_calls: Vec::new(),
                finish_reason: if cut { "length" } else { "stop" },
            }
        };
        let request = Request {
            feature: &INVOICE,
            deployment: &GPT5,
            messages: &messages,
            parameters: &parameters,
            stream: false,
            session: None,
        };
        let first = draw(rng, 1000);
        let took = log.routed(rng, &request, start, &first);
        if first.finish_reason == "length" {
            // The app sees invalid JSON and asks again at once with a higher limit.
            let retry = Request {
                parameters: &retry_parameters,
                ..request
            };
            let again = draw(rng, 4000);
            let at = took.end + rng.range(150, 900) as i64;
            log.routed(rng, &retry, at, &again);
            log.stats.reasks += 1;
        } else if rng.chance(repeat.chance) {
            // The same scan uploaded again.
            let later = start + rng.range(repeat.min_ms as u64, repeat.max_ms as u64) as i64;
            let again = draw(rng, 1000);
            log.routed(rng, &request, later, &again);
            log.stats.duplicates += 1;
        }
        last = Some(start);
    }
}

fn fraud_check(log: &mut Log, rng: &mut Rng, count: usize) {
    let parameters = json!({"max_completion_tokens": 8000, "stream": false});
    let repeat = Repeat {
        chance: 0.05,
        min_ms: 20_000,
        max_ms: 6 * 60_000,
    };
    for start in sorted_times(rng, count) {
        let risky = rng.chance(0.08);
        let items = if risky {
            rng.range(2, 6)
        } else {
            rng.log_uniform(1, 4)
        };
        let mut basket: Vec<&str> = (0..items).map(|_| rng.pick(&PRODUCTS)).collect();
        basket.dedup();
        let amount = if risky {
            rng.range(1_800, 6_500)
        } else {
            rng.log_uniform(35, 2_400)
        };
        let card_country = rng.pick(&COUNTRIES[..6]);
        let ip_country = if risky && rng.chance(0.7) {
            rng.pick(&COUNTRIES[6..])
        } else {
            card_country
        };
        let ship_country = if risky && rng.chance(0.4) {
            rng.pick(&CUSTOMER_COUNTRIES)
        } else {
            card_country
        };
        let user = format!(
            "Order NH-{}: {}.{:02} EUR for {} ({}). Paid by {} card ending {:04}, issued in {}; 3-D Secure {}. Shipping to {} ({}, {} delivery); billing address {}. IP address in {}. Customer account created {} ago; {} orders from this card in the last 24 hours; {} earlier orders without disputes.\n\nIs this order likely fraudulent? Answer yes or no.",
            rng.range(2_100_000, 2_399_999),
            amount,
            rng.below(100),
            if items == 1 {
                "1 item".to_string()
            } else {
                format!("{items} items")
            },
            basket.join(", "),
            rng.pick(&["Visa", "Mastercard", "Amex"]),
            rng.below(10_000),
            card_country,
            if risky && rng.chance(0.5) {
                "not attempted"
            } else {
                "passed"
            },
            ship_country,
            if risky && rng.chance(0.5) {
                "parcel locker"
            } else {
                "home address"
            },
            if risky && rng.chance(0.6) {
                "express"
            } else {
                "standard"
            },
            if risky && rng.chance(0.6) {
                "differs"
            } else {
                "matches"
            },
            ip_country,
            if risky {
                format!("{} minutes", rng.range(2, 50))
            } else {
                format!("{} days", rng.range(3, 2_400))
            },
            if risky {
                rng.range(3, 9)
            } else {
                rng.range(1, 2)
            },
            if risky { 0 } else { rng.range(0, 25) },
        );
        let messages = chat(FRAUD_SYSTEM, &user);
        let prompt = chat_tokens(FRAUD_SYSTEM, &user);
        let verdict = if risky && rng.chance(0.8) {
            "yes"
        } else {
            "no"
        };
        let request = Request {
            feature: &FRAUD,
            deployment: &O3,
            messages: &messages,
            parameters: &parameters,
            stream: false,
            session: None,
        };
        let mut answer = |rng: &mut Rng| {
            // o3 thinks for a page or two before it says one word.
            let reasoning = rng.log_uniform(800, 3000) / 64 * 64;
            Answer {
                usage: Usage {
                    input: prompt,
                    output: reasoning + 1,
                    reasoning,
                    ..Usage::default()
                },
                content: Some(verdict.to_string()),
                tool_calls: Vec::new(),
                finish_reason: "stop",
            }
        };
        routine_call(log, rng, &request, start, &repeat, &mut answer);
    }
}

// ---------------------------------------------------------------------------------------------
// The code agent
// ---------------------------------------------------------------------------------------------

/// A task an engineer gives the agent, in one of the repositories.
struct Task {
    text: &'static str,
    test: &'static str,
    files: [&'static str; 4],
    language: usize,
}

const TASKS: [Task; 8] = [
    Task {
        text: "CI is red on main: `cargo test -p orders-core` fails in `pricing::tests::rounds_half_even` since #{pr} was merged. Find the cause and fix it without changing what the test expects.",
        test: "cargo test -p orders-core",
        files: [
            "crates/orders-core/src/pricing.rs",
            "crates/orders-core/src/money.rs",
            "crates/orders-core/src/lib.rs",
            "crates/orders-core/tests/pricing.rs",
        ],
        language: 0,
    },
    Task {
        text: "Add a `--dry-run` flag to `ops/deploy.py` that prints the plan (services, image tags, migrations) without applying anything, and add a test for it in `ops/tests/test_deploy.py`.",
        test: "pytest ops/tests",
        files: [
            "ops/deploy.py",
            "ops/plan.py",
            "ops/tests/test_deploy.py",
            "ops/k8s.py",
        ],
        language: 1,
    },
    Task {
        text: "POST /v2/returns answers 500 when `pickup_date` is missing from the body. Make it answer 422 with a validation error like the other endpoints do, and add a regression test. Ticket {pr}.",
        test: "go test ./...",
        files: [
            "services/api/returns/handler.go",
            "services/api/returns/validate.go",
            "services/api/returns/handler_test.go",
            "services/api/httpx/errors.go",
        ],
        language: 2,
    },
    Task {
        text: "Flaky test: `test_webhook_retry_backoff` in `ops/tests/test_webhooks.py` fails about one run in ten on CI. Find out why and make it deterministic.",
        test: "pytest ops/tests/test_webhooks.py",
        files: [
            "ops/webhooks.py",
            "ops/tests/test_webhooks.py",
            "ops/clock.py",
            "ops/tests/conftest.py",
        ],
        language: 1,
    },
    Task {
        text: "`web/src/cart/CartView.tsx` re-renders the whole basket on every quantity change, which makes large trade baskets unusable (see issue #{pr}). Memoise the rows so that only the changed line re-renders, and keep the existing tests passing.",
        test: "npm test -- src/cart",
        files: [
            "web/src/cart/CartView.tsx",
            "web/src/cart/CartRow.tsx",
            "web/src/cart/useQuantity.ts",
            "web/src/cart/CartView.test.tsx",
        ],
        language: 3,
    },
    Task {
        text: "The partner rate limiter answers 429 too early for marketplace keys: the limit is 600 requests a minute but we cut them off near 400. Check `services/api/middleware/ratelimit.go` and fix it, with a test.",
        test: "go test ./...",
        files: [
            "services/api/middleware/ratelimit.go",
            "services/api/middleware/ratelimit_test.go",
            "services/api/partners/limits.go",
            "services/api/middleware/bucket.go",
        ],
        language: 2,
    },
    Task {
        text: "Upgrade `reqwest` from 0.11 to 0.12 in `crates/carrier-sync` and fix whatever breaks. Keep the retry behaviour of the carrier client as it is.",
        test: "cargo test -p carrier-sync",
        files: [
            "crates/carrier-sync/Cargo.toml",
            "crates/carrier-sync/src/client.rs",
            "crates/carrier-sync/src/retry.rs",
            "crates/carrier-sync/tests/client.rs",
        ],
        language: 0,
    },
    Task {
        text: "Write a migration that adds a nullable `discontinued_at` column to `products` and backfills it from rows with `discontinued = true`, then a second migration that drops the boolean column. Update the Go model and its tests.",
        test: "go test ./...",
        files: [
            "services/api/migrations/0142_products_discontinued_at.sql",
            "services/api/products/model.go",
            "services/api/products/model_test.go",
            "services/api/migrations/0141_product_bundles.sql",
        ],
        language: 2,
    },
];

/// The start of a file as `read_file` returns it, per language: Rust, Python, Go, TypeScript.
const FILE_HEADS: [&str; 4] = [
    "1\t//! Pricing: basket totals, discounts and VAT.\n2\t\n3\tuse rust_decimal::Decimal;\n4\tuse crate::money::Money;\n",
    "1\t\"\"\"Builds a deployment plan from the manifest.\"\"\"\n2\t\n3\timport argparse\n4\tfrom pathlib import Path\n",
    "1\tpackage returns\n2\t\n3\timport (\n4\t\t\"encoding/json\"\n5\t\t\"net/http\"\n6\t)\n",
    "1\timport { memo, useCallback } from 'react';\n2\timport { CartRow } from './CartRow';\n",
];

/// The start of a failing test run, per language.
const TEST_HEADS: [&str; 4] = [
    "exit code 101\nrunning 214 tests\ntest pricing::tests::rounds_half_even ... FAILED\n",
    "exit code 1\ncollected 388 items\n\nops/tests/test_deploy.py ........F..\n",
    "exit code 1\n--- FAIL: TestCreateReturn_MissingPickupDate (0.01s)\n    handler_test.go:88: status = 500, want 422\n",
    "exit code 1\n FAIL  src/cart/CartView.test.tsx\n  CartView > re-renders only the changed row\n",
];

const PASSING_TESTS: [&str; 4] = [
    "exit code 0\ntest result: ok. 214 passed; 0 failed; 0 ignored\n",
    "exit code 0\n388 passed in 21.44s\n",
    "exit code 0\nok  \tnorthwind/api/returns\t0.388s\n",
    "exit code 0\nTests: 143 passed, 143 total\n",
];

/// What Claude says before a tool call, per tool.
fn thought(rng: &mut Rng, tool: &str) -> &'static str {
    match tool {
        "list_dir" => "Let me look at the layout first.",
        "search" => rng.pick(&[
            "I'll search for where this is handled.",
            "Let me check how the other places do this.",
        ]),
        "read_file" => rng.pick(&[
            "Let me read the code involved.",
            "Reading the test to see what it expects.",
            "That test still fails; reading the file again.",
        ]),
        "apply_patch" => rng.pick(&[
            "The cause is clear now; applying a fix.",
            "Adding a regression test.",
            "Trying a different fix.",
        ]),
        "run_command" => rng.pick(&["Running the tests.", "Running the tests again."]),
        _ => "Done.",
    }
}

/// One step of the loop as it stands in the conversation.
struct Step {
    assistant: Value,
    tool: Value,
    /// Tokens the two messages add to every later prompt.
    tokens: u64,
}

/// What a session does.
struct SessionPlan {
    calls: usize,
    start: i64,
    /// The prompt cache is set on the system prompt and tools (the agent's second version).
    cached: bool,
    /// Stuck in a patch-and-test loop with long test outputs.
    runaway: bool,
}

/// Tokens Anthropic adds for tool use (the tool-use system prompt), billed as input.
const TOOL_USE_OVERHEAD: u64 = 346;

/// The context at which the agent summarises the conversation so far and drops the steps.
const COMPACT_AT: u64 = 150_000;

/// A tool call and its result for one step.
fn agent_step(
    rng: &mut Rng,
    task: &Task,
    index: usize,
    last: bool,
    runaway: bool,
) -> (Step, u64, &'static str) {
    let call_id = format!("toolu_01{}", rng.alnum(22));
    let phase = if index < 3 {
        index
    } else {
        3 + rng.below(4) as usize
    };
    let file = rng.pick(&task.files);
    let (name, arguments, result_tokens, head): (&'static str, String, u64, String) = if last {
        let summary = "Done. The cause and the fix are described in the pull request; all tests pass and the linter is clean.".to_string();
        (
            "finish",
            json!({"summary": summary}).to_string(),
            8,
            "Task finished.".to_string(),
        )
    } else if runaway && index >= 4 {
        // Patch, run the whole suite (a long failing log), re-read the file, patch again.
        match index % 3 {
            0 => (
                "run_command",
                json!({"command": task.test}).to_string(),
                rng.range(6_000, 14_000),
                TEST_HEADS[task.language].to_string(),
            ),
            1 => (
                "read_file",
                json!({"path": file}).to_string(),
                rng.range(2_000, 8_000),
                FILE_HEADS[task.language].to_string(),
            ),
            _ => patch_step(rng, file),
        }
    } else {
        match phase {
            0 => (
                "list_dir",
                json!({"path": file.rsplit_once('/').map_or(".", |(dir, _)| dir), "depth": 2})
                    .to_string(),
                rng.range(60, 400),
                format!("{}\n", task.files.join("\n")),
            ),
            1 | 4 => (
                "read_file",
                json!({"path": file}).to_string(),
                rng.log_uniform(400, 5_000),
                FILE_HEADS[task.language].to_string(),
            ),
            2 => (
                "search",
                json!({"pattern": "fn |func |def |const ", "path": file.rsplit_once('/').map_or(".", |(dir, _)| dir)})
                    .to_string(),
                rng.log_uniform(80, 1_500),
                format!("{file}:{}: ", rng.range(10, 400)),
            ),
            5 => patch_step(rng, file),
            _ => {
                let passing = rng.chance(0.5);
                (
                    "run_command",
                    json!({"command": task.test}).to_string(),
                    rng.log_uniform(150, 3_000),
                    if passing {
                        PASSING_TESTS[task.language]
                    } else {
                        TEST_HEADS[task.language]
                    }
                    .to_string(),
                )
            }
        }
    };
    // Claude says what it is about to do before about half of its tool calls.
    let thought = rng.chance(0.5).then(|| thought(rng, name));
    let head_tokens = tokens(&head);
    let content = if result_tokens > head_tokens + 8 {
        let hidden = (result_tokens - head_tokens) * 4;
        format!("{head}…[truncated {hidden} chars]")
    } else {
        head
    };
    let result_tokens = result_tokens.max(tokens(&content));
    let assistant = json!({
        "role": "assistant",
        "content": thought,
        "tool_calls": [{"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}],
    });
    let tool = json!({"role": "tool", "tool_call_id": call_id, "content": content});
    let output = tokens(thought.unwrap_or_default()) + tokens(&arguments) + 12 + rng.range(0, 30);
    let step = Step {
        assistant,
        tool,
        tokens: output + result_tokens + 8,
    };
    (step, output, name)
}

/// An `apply_patch` call: the whole patch is in the arguments (and in every later prompt).
fn patch_step(rng: &mut Rng, file: &str) -> (&'static str, String, u64, String) {
    let line = rng.range(20, 400);
    let mut patch = format!("--- a/{file}\n+++ b/{file}\n@@ -{line},4 +{line},4 @@\n");
    for n in 0..rng.range(3, 5) {
        let mark = match n % 4 {
            1 => '-',
            2 => '+',
            _ => ' ',
        };
        patch.push_str(&format!(
            "{mark}  let v{n} = {}(x.{}, {});\n",
            rng.pick(&["round_half_even", "validate", "normalize", "clamp"]),
            rng.pick(&["amount", "pickup_date", "limit", "rows"]),
            rng.range(1, 600)
        ));
    }
    (
        "apply_patch",
        json!({"patch": patch}).to_string(),
        rng.range(20, 40),
        format!(
            "Patch applied: 1 file changed, {} insertions(+), {} deletions(-)",
            rng.range(1, 9),
            rng.range(0, 6)
        ),
    )
}

/// Writes one agent session: every call re-sends the system prompt, the tools, the task and
/// every step so far.
fn agent_session(log: &mut Log, rng: &mut Rng, plan: &SessionPlan) {
    let task = &TASKS[rng.index(TASKS.len())];
    let session = format!("sess_{}", rng.hex(24));
    let task_text = task
        .text
        .replace("{pr}", &rng.range(3_000, 9_999).to_string());
    let user = format!(
        "{task_text}\n\nRepository: northwind/{}. Branch: agent/{}. Ask me only if something is ambiguous.",
        ["orders-core", "ops", "api", "web"][task.language],
        rng.hex(8)
    );
    let tools = agent_tools();
    let system = if plan.cached {
        json!({"role": "system", "content": [{"type": "text", "text": AGENT_SYSTEM, "cache_control": {"type": "ephemeral"}}]})
    } else {
        json!({"role": "system", "content": AGENT_SYSTEM})
    };
    let parameters = json!({
        "stream": true,
        "stream_options": {"include_usage": true},
        "max_tokens": 8192,
        "temperature": 0.2,
        "tools": tools,
        "tool_choice": "auto",
    });
    let prefix = tokens(AGENT_SYSTEM) + tokens(&tools.to_string()) + TOOL_USE_OVERHEAD;
    let base = prefix + tokens(&user) + 8;
    let mut steps: Vec<Step> = Vec::new();
    let mut summary: Option<(Value, u64)> = None;
    let mut at = plan.start;
    let mut cache_written: Option<i64> = None;
    let mut history = HistoryCache::default();
    for index in 0..plan.calls {
        let mut compacted = false;
        let last = index + 1 == plan.calls;
        let context: u64 =
            steps.iter().map(|s| s.tokens).sum::<u64>() + summary.as_ref().map_or(0, |s| s.1);
        if base + context > COMPACT_AT {
            // The agent summarises the conversation and keeps the last two steps.
            let kept = steps.split_off(steps.len().saturating_sub(2));
            let note = format!(
                "Summary of the work so far (steps 1 to {index}): read {} and the failing test, applied {} patches to the rounding and validation code, ran `{}` {} times; the same test still fails with a different value each time. Remaining idea: compare with the behaviour before #{}.",
                task.files[0],
                index / 3,
                task.test,
                index / 3,
                rng.range(3_000, 9_999)
            );
            // The summary runs to a page or two; the log keeps its start, like a tool result.
            let more = rng.range(1_200, 2_400);
            let note = format!("{note}\n…[truncated {} chars]", more * 4);
            let note_tokens = tokens(&note) + more;
            summary = Some((json!({"role": "user", "content": note}), note_tokens));
            steps = kept;
            compacted = true;
        }
        let context: u64 =
            steps.iter().map(|s| s.tokens).sum::<u64>() + summary.as_ref().map_or(0, |s| s.1);
        let prompt = base + context;
        let mut messages = vec![system.clone(), json!({"role": "user", "content": user})];
        if let Some((note, _)) = &summary {
            messages.push(note.clone());
        }
        for step in &steps {
            messages.push(step.assistant.clone());
            messages.push(step.tool.clone());
        }
        let messages = Value::Array(messages);
        let (step, output, name) = agent_step(rng, task, index, last, plan.runaway);
        let (cache_read, cache_write) = if !plan.cached {
            (0, 0)
        } else if cache_written.is_some_and(|when| at - when < 5 * 60_000) {
            (prefix, 0)
        } else {
            (0, prefix)
        };
        if plan.cached {
            cache_written = Some(at);
        }
        let usage = Usage {
            input: prompt - cache_read - cache_write,
            cache_read,
            cache_write,
            output,
            reasoning: 0,
        };
        let answer = Answer {
            usage,
            content: step.assistant["content"].as_str().map(str::to_string),
            tool_calls: vec![ToolCall {
                id: step.tool["tool_call_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                name,
                arguments: step.assistant["tool_calls"][0]["function"]["arguments"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            }],
            finish_reason: "tool_calls",
        };
        let request = Request {
            feature: &AGENT,
            deployment: &SONNET,
            messages: &messages,
            parameters: &parameters,
            stream: true,
            session: Some(&session),
        };
        // A rate limit or an overloaded answer before the stream starts (no tokens), or a
        // stream cut off after the prompt was billed: the agent retries the identical request.
        if rng.chance(0.012) {
            let failure = provider_error(rng, &SONNET);
            let took = rng.range(200, 2_500) as i64;
            let timing = Timing {
                start: at,
                first_token: None,
                end: at + took,
            };
            log.attempt(rng, &request, timing, Err(&failure), 0);
            at += took + rng.range(1_000, 8_000) as i64;
        } else if rng.chance(0.008) {
            let partial = rng.range(10, output.max(11));
            let failure = Failure {
                class: "InternalServerError",
                code: "500",
                message: "litellm.InternalServerError: AnthropicException - {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}} (stream ended after the first content block)".to_string(),
                usage: Some(Usage {
                    output: partial,
                    ..usage
                }),
            };
            let timing = answer_timing(rng, &request, at, &answer);
            let cut = Timing {
                end: timing.first_token.unwrap_or(timing.end) + rng.range(300, 3_000) as i64,
                ..timing
            };
            if let Some(billed) = &failure.usage {
                log.stats.history_cache_saving += history.attempt(at, billed, compacted, base);
                compacted = false;
            }
            log.attempt(rng, &request, cut, Err(&failure), 0);
            at = cut.end + rng.range(1_000, 5_000) as i64;
        }
        let timing = answer_timing(rng, &request, at, &answer);
        log.stats.history_cache_saving += history.attempt(at, &answer.usage, compacted, base);
        log.attempt(rng, &request, timing, Ok(&answer), 0);
        // The tool runs, then the next call goes out.
        let tool_ms = match name {
            "run_command" if plan.runaway => rng.range(40_000, 150_000),
            "run_command" => rng.range(6_000, 95_000),
            "search" => rng.range(200, 2_500),
            "apply_patch" => rng.range(100, 700),
            _ => rng.range(40, 400),
        };
        at = timing.end + tool_ms as i64 + rng.range(80, 600) as i64;
        steps.push(step);
    }
    log.stats.sessions += 1;
}

/// A session start on a weekday during working hours (some on the weekend).
fn session_start(rng: &mut Rng) -> i64 {
    let day = if rng.chance(0.04) {
        rng.range(5, 6)
    } else {
        rng.below(5)
    } as i64;
    let minute = rng.range(8 * 60, 17 * 60 + 30) as i64;
    WEEK_START_MS + day * DAY_MS + minute * 60_000 + rng.below(60_000) as i64
}

fn code_agent(log: &mut Log, rng: &mut Rng, count: usize) {
    // Two runaways: a test-fix loop started late on Wednesday, another on Friday evening.
    let runaways = [
        SessionPlan {
            calls: (count as f64 * 0.14).round() as usize,
            start: WEEK_START_MS + 2 * DAY_MS + 16 * HOUR_MS + 41 * 60_000 + 12_345,
            cached: false,
            runaway: true,
        },
        SessionPlan {
            calls: (count as f64 * 0.18).round() as usize,
            start: WEEK_START_MS + 4 * DAY_MS + 17 * HOUR_MS + 52 * 60_000 + 4_321,
            cached: true,
            runaway: true,
        },
    ];
    let mut left = count.saturating_sub(runaways.iter().map(|r| r.calls).sum());
    for plan in &runaways {
        agent_session(log, &mut rng.fork(), plan);
    }
    // Agent v2, which caches its system prompt and tools, ships on Thursday.
    let v2 = WEEK_START_MS + 3 * DAY_MS;
    while left >= 10 {
        let calls = ((10.0 + 50.0 * rng.unit().powf(1.7)).round() as usize).min(left);
        left -= calls;
        let start = session_start(rng);
        let plan = SessionPlan {
            calls,
            start,
            cached: start >= v2,
            runaway: false,
        };
        agent_session(log, &mut rng.fork(), &plan);
    }
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

struct Args {
    out: PathBuf,
    seed: u64,
    calls: usize,
    redact: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut out = None;
    let mut seed = 1;
    let mut calls = 3_000;
    let mut redact = false;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seed" => {
                seed = value()?
                    .parse()
                    .map_err(|_| "--seed takes a whole number".to_string())?;
            }
            "--calls" => {
                calls = value()?
                    .parse()
                    .map_err(|_| "--calls takes a whole number".to_string())?;
                if calls < 200 {
                    return Err("--calls must be at least 200".to_string());
                }
            }
            "--redact" => redact = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Args {
        out: out.ok_or("--out is required")?,
        seed,
        calls,
        redact,
    })
}

/// Generates the week in memory, sorted by start time.
pub fn generate(seed: u64, calls: usize) -> Log {
    let mut root = Rng::new(seed);
    let share = |part: f64| (calls as f64 * part).round() as usize;
    let mut log = Log::default();
    support_triage(&mut log, &mut root.fork(), share(0.26));
    ticket_summary(&mut log, &mut root.fork(), share(0.15));
    ticket_language(&mut log, &mut root.fork(), share(0.05));
    extract_invoice(&mut log, &mut root.fork(), share(0.13));
    fraud_check(&mut log, &mut root.fork(), share(0.11));
    code_agent(&mut log, &mut root.fork(), share(0.30));
    log.lines
        .sort_unstable_by_key(|(start, order, _)| (*start, *order));
    log
}

/// The week as a LiteLLM proxy with `turn_off_message_logging` logs it: every request's
/// messages replaced by one user message `redacted-by-litellm`, and every answer's text by the
/// same (LiteLLM's `redact_message_input_output_from_logging`); the usage, costs, ids and
/// metadata stay.
pub fn redact(log: &mut Log) {
    const MARK: &str = "redacted-by-litellm";
    for (_, _, line) in &mut log.lines {
        let mut record: Value = serde_json::from_str(line).expect("the generator writes JSON");
        record["messages"] = json!([{"role": "user", "content": MARK}]);
        if let Some(choices) = record["response"]["choices"].as_array_mut() {
            for choice in choices {
                if choice["message"].is_object() {
                    choice["message"]["content"] = json!(MARK);
                }
            }
        }
        *line = serde_json::to_string(&record).expect("a JSON value serialises");
    }
}

/// Writes the week's records to `path`, one JSON object a line; returns the bytes written.
pub fn write(log: &Log, path: &PathBuf) -> std::io::Result<u64> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    let mut bytes = 0;
    for (_, _, line) in &log.lines {
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
        bytes += line.len() as u64 + 1;
    }
    out.flush()?;
    Ok(bytes)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("genweek: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let began = Instant::now();
    let mut log = generate(args.seed, args.calls);
    if args.redact {
        redact(&mut log);
    }
    let bytes = match write(&log, &args.out) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("genweek: writing {}: {err}", args.out.display());
            return ExitCode::from(2);
        }
    };
    let s = &log.stats;
    eprintln!(
        "genweek: wrote {:.1} MB to {} in {:.2} s: {} records, {} calls (failed after billing: {}), failed attempts without usage: {}, repeated requests: {}, re-asked after a cut-off answer: {}, agent sessions: {}, ${:.2} at list prices, ${:.2} of it saved by caching each agent step's history",
        bytes as f64 / 1e6,
        args.out.display(),
        began.elapsed().as_secs_f64(),
        s.records,
        s.calls,
        s.failed_with_usage,
        s.failed_without_usage,
        s.duplicates,
        s.reasks,
        s.sessions,
        s.cost,
        s.history_cache_saving,
    );
    ExitCode::SUCCESS
}
