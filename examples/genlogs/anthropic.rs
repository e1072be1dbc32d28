//! Anthropic Messages logs as body-pair loggers store them (`fixtures/logs/anthropic/`):
//! `{timestamp, latency_ms, request, response}` lines, some with the HTTP wrapper
//! (`request.body`, `response.status_code` + `body`), failed attempts as error bodies.

use std::io;
use std::path::Path;

use crate::genlogs::apps;
use crate::genlogs::json::Json;
use crate::genlogs::rng::Rng;
use crate::genlogs::scenario::{self, Caching, Call, Failure, Finish, Model, Role, Tier, Traffic};
use crate::genlogs::{Sink, Stats, clock};

/// Claude models as requested (aliases) and as the response names them (snapshots).
pub const MODELS: &[Model] = &[
    Model {
        request: "claude-opus-4-5",
        response: "claude-opus-4-5-20251101",
        tier: Tier::Flagship,
        reasoning: false,
        ms_per_token: 20,
    },
    Model {
        request: "claude-opus-4-1",
        response: "claude-opus-4-1-20250805",
        tier: Tier::Flagship,
        reasoning: false,
        ms_per_token: 24,
    },
    Model {
        request: "claude-sonnet-4-5",
        response: "claude-sonnet-4-5-20250929",
        tier: Tier::Mid,
        reasoning: false,
        ms_per_token: 14,
    },
    Model {
        request: "claude-sonnet-4-0",
        response: "claude-sonnet-4-20250514",
        tier: Tier::Mid,
        reasoning: false,
        ms_per_token: 14,
    },
    Model {
        request: "claude-haiku-4-5",
        response: "claude-haiku-4-5-20251001",
        tier: Tier::Small,
        reasoning: false,
        ms_per_token: 6,
    },
    Model {
        request: "claude-3-5-haiku-latest",
        response: "claude-3-5-haiku-20241022",
        tier: Tier::Small,
        reasoning: false,
        ms_per_token: 7,
    },
];

/// Writes Anthropic Messages logs to the file `out`.
pub fn write(rng: &mut Rng, target: u64, out: &Path) -> io::Result<Stats> {
    let apps = apps::apps(&mut rng.fork());
    let traffic = Traffic {
        apps: &apps,
        models: MODELS,
        caching: Caching::Explicit,
        failure_share: 0.04,
    };
    let mut sink = Sink::create(out)?;
    let mut stats = Stats {
        files: 1,
        ..Stats::default()
    };
    let mut json = Json::new();
    while sink.bytes < target {
        let start = scenario::start_time(rng, sink.bytes, target);
        // Each service logs with one logger, so the wrapper style holds for a conversation.
        let wrapped = rng.chance(0.3);
        for call in traffic.conversation(rng, start) {
            json.clear();
            stats.api_call(&call);
            record(rng, &mut json, &call, wrapped);
            sink.line(&json.buf)?;
        }
    }
    stats.bytes = sink.finish()?;
    Ok(stats)
}

/// A tool-use id in Anthropic's spelling for a scenario's call id.
pub fn tool_use_id(id: &str) -> String {
    format!("toolu_01{}", id.trim_start_matches("call_"))
}

/// One log line for a call.
fn record(rng: &mut Rng, json: &mut Json, call: &Call<'_>, wrapped: bool) {
    json.obj();
    json.key("timestamp")
        .str(&clock::rfc3339(call.start_ms, true));
    json.knum("latency_ms", call.latency_ms);
    json.key("request");
    if wrapped {
        json.obj()
            .kstr("method", "POST")
            .kstr("url", "https://api.anthropic.com/v1/messages")
            .key("body");
        request_body(json, call);
        json.end();
    } else {
        request_body(json, call);
    }
    json.key("response");
    if let Some(failure) = call.failure {
        let (kind, message) = match failure {
            Failure::RateLimited => (
                "rate_limit_error",
                "This request would exceed the rate limit for your organization of 400,000 input tokens per minute.",
            ),
            Failure::Overloaded => ("overloaded_error", "Overloaded"),
            Failure::ServerError => ("api_error", "Internal server error"),
        };
        json.obj()
            .knum("status_code", u64::from(failure.status()))
            .key("body")
            .obj();
        json.kstr("type", "error")
            .key("error")
            .obj()
            .kstr("type", kind)
            .kstr("message", message)
            .end();
        let mut request_id = String::from("req_011C");
        rng.base62(&mut request_id, 20);
        json.kstr("request_id", &request_id).end().end().end();
        return;
    }
    if wrapped {
        json.obj().knum("status_code", 200).key("body");
        message(rng, json, call);
        json.end();
    } else {
        message(rng, json, call);
    }
    json.end();
}

/// The Messages request body.
fn request_body(json: &mut Json, call: &Call<'_>) {
    json.obj()
        .kstr("model", call.model.request)
        .knum("max_tokens", call.max_tokens);
    system_messages_tools(json, call);
    if let Some((_, schema)) = call.app.schema {
        json.key("output_config")
            .obj()
            .key("format")
            .obj()
            .kstr("type", "json_schema")
            .key("schema")
            .raw(schema)
            .end()
            .end();
    }
    if call.stream {
        json.key("stream").bool(true);
    }
    json.key("metadata").obj().kstr("user_id", &call.user).end();
    json.end();
}

/// The `system` prompt (cached), `messages` and `tools` of a Messages request body: what the
/// Anthropic API and Bedrock's InvokeModel body for Claude share.
pub fn system_messages_tools(json: &mut Json, call: &Call<'_>) {
    json.key("system")
        .arr()
        .obj()
        .kstr("type", "text")
        .kstr("text", &call.app.system);
    json.key("cache_control").obj().kstr("type", "ephemeral");
    if call.app.long_cache {
        json.kstr("ttl", "1h");
    }
    json.end().end().end();
    json.key("messages").arr();
    for turn in &call.turns {
        match turn.role {
            Role::User => {
                json.obj()
                    .kstr("role", "user")
                    .kstr("content", &turn.text)
                    .end();
            }
            Role::Assistant => {
                json.obj().kstr("role", "assistant").key("content").arr();
                if !turn.text.is_empty() {
                    json.obj()
                        .kstr("type", "text")
                        .kstr("text", &turn.text)
                        .end();
                }
                for tool_call in &turn.tool_calls {
                    json.obj()
                        .kstr("type", "tool_use")
                        .kstr("id", &tool_use_id(&tool_call.id))
                        .kstr("name", tool_call.name);
                    json.key("input").raw(&tool_call.arguments).end();
                }
                json.end().end();
            }
            Role::Tool => {
                json.obj()
                    .kstr("role", "user")
                    .key("content")
                    .arr()
                    .obj()
                    .kstr("type", "tool_result");
                json.kstr(
                    "tool_use_id",
                    &tool_use_id(turn.tool_call_id.as_deref().unwrap_or_default()),
                );
                json.kstr("content", &turn.text).end().end().end();
            }
        }
    }
    json.end();
    if !call.app.tools.is_empty() {
        json.key("tools").arr();
        for tool in call.app.tools {
            json.obj()
                .kstr("name", tool.name)
                .kstr("description", tool.description)
                .key("input_schema")
                .raw(tool.parameters)
                .end();
        }
        json.end();
    }
}

/// The Message object the API returned (or a logger reassembled from the stream).
fn message(rng: &mut Rng, json: &mut Json, call: &Call<'_>) {
    let mut id = String::from("msg_01");
    rng.base62(&mut id, 22);
    json.obj()
        .kstr("model", call.model.response)
        .kstr("id", &id)
        .kstr("type", "message")
        .kstr("role", "assistant");
    json.key("content").arr();
    if !call.reply.text.is_empty() {
        json.obj()
            .kstr("type", "text")
            .kstr("text", &call.reply.text)
            .end();
    }
    for tool_call in &call.reply.tool_calls {
        json.obj()
            .kstr("type", "tool_use")
            .kstr("id", &tool_use_id(&tool_call.id))
            .kstr("name", tool_call.name);
        json.key("input").raw(&tool_call.arguments).end();
    }
    json.end();
    json.kstr(
        "stop_reason",
        match call.finish {
            Finish::Stop => "end_turn",
            Finish::ToolCalls => "tool_use",
            Finish::Length => "max_tokens",
        },
    );
    json.key("stop_sequence").null();
    usage(json, &call.usage);
    json.end();
}

/// Anthropic usage: `input_tokens` excludes cache reads and writes.
pub fn usage(json: &mut Json, usage: &scenario::Usage) {
    json.key("usage").obj().knum("input_tokens", usage.input);
    json.knum("cache_creation_input_tokens", usage.cache_write())
        .knum("cache_read_input_tokens", usage.cache_read);
    json.key("cache_creation")
        .obj()
        .knum("ephemeral_5m_input_tokens", usage.cache_write_5m)
        .knum("ephemeral_1h_input_tokens", usage.cache_write_1h)
        .end();
    json.knum("output_tokens", usage.output)
        .kstr("service_tier", "standard")
        .end();
}
