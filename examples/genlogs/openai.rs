//! OpenAI logs as body-pair loggers store them (`fixtures/logs/openai/`): `{timestamp,
//! latency_ms, request, response}` lines for Chat Completions and the Responses API, streamed
//! calls logged as the final usage chunk, and failed attempts logged as `{status_code, body}`.

use std::io;
use std::path::Path;

use crate::genlogs::apps;
use crate::genlogs::json::Json;
use crate::genlogs::rng::Rng;
use crate::genlogs::scenario::{self, Caching, Call, Finish, Model, Role, Tier, Traffic};
use crate::genlogs::{Sink, Stats, clock};

/// OpenAI models as requested and as the response names them, all in llm-audit's catalog.
pub const MODELS: &[Model] = &[
    Model {
        request: "gpt-4o",
        response: "gpt-4o-2024-08-06",
        tier: Tier::Flagship,
        reasoning: false,
        ms_per_token: 12,
    },
    Model {
        request: "gpt-4.1",
        response: "gpt-4.1-2025-04-14",
        tier: Tier::Flagship,
        reasoning: false,
        ms_per_token: 14,
    },
    Model {
        request: "gpt-5",
        response: "gpt-5-2025-08-07",
        tier: Tier::Flagship,
        reasoning: true,
        ms_per_token: 18,
    },
    Model {
        request: "o3",
        response: "o3-2025-04-16",
        tier: Tier::Flagship,
        reasoning: true,
        ms_per_token: 16,
    },
    Model {
        request: "gpt-4.1-mini",
        response: "gpt-4.1-mini-2025-04-14",
        tier: Tier::Mid,
        reasoning: false,
        ms_per_token: 9,
    },
    Model {
        request: "o4-mini",
        response: "o4-mini-2025-04-16",
        tier: Tier::Mid,
        reasoning: true,
        ms_per_token: 10,
    },
    Model {
        request: "gpt-5-mini",
        response: "gpt-5-mini-2025-08-07",
        tier: Tier::Mid,
        reasoning: true,
        ms_per_token: 9,
    },
    Model {
        request: "gpt-4o-mini",
        response: "gpt-4o-mini-2024-07-18",
        tier: Tier::Small,
        reasoning: false,
        ms_per_token: 7,
    },
    Model {
        request: "gpt-4.1-nano",
        response: "gpt-4.1-nano-2025-04-14",
        tier: Tier::Small,
        reasoning: false,
        ms_per_token: 5,
    },
    Model {
        request: "gpt-5-nano",
        response: "gpt-5-nano-2025-08-07",
        tier: Tier::Small,
        reasoning: true,
        ms_per_token: 6,
    },
];

/// Writes OpenAI logs to the file `out`.
pub fn write(rng: &mut Rng, target: u64, out: &Path) -> io::Result<Stats> {
    let apps = apps::apps(&mut rng.fork());
    let traffic = Traffic {
        apps: &apps,
        models: MODELS,
        caching: Caching::Automatic,
        failure_share: 0.03,
    };
    let mut sink = Sink::create(out)?;
    let mut stats = Stats {
        files: 1,
        ..Stats::default()
    };
    let mut json = Json::new();
    while sink.bytes < target {
        let start = scenario::start_time(rng, sink.bytes, target);
        let responses_api = rng.chance(0.3);
        for call in traffic.conversation(rng, start) {
            json.clear();
            stats.api_call(&call);
            let final_chunk = call.stream && !responses_api && rng.chance(0.25);
            record(rng, &mut json, &call, responses_api, final_chunk);
            sink.line(&json.buf)?;
        }
    }
    stats.bytes = sink.finish()?;
    Ok(stats)
}

/// One log line for a call.
fn record(rng: &mut Rng, json: &mut Json, call: &Call<'_>, responses_api: bool, final_chunk: bool) {
    json.obj();
    json.key("timestamp");
    json.str(&clock::rfc3339(call.start_ms, true));
    json.knum("latency_ms", call.latency_ms);
    if call.stream && call.failure.is_none() {
        json.knum("time_to_first_token_ms", call.ttft_ms);
    }
    json.key("request");
    if responses_api {
        responses_request(json, call);
    } else {
        chat_request(json, call);
    }
    json.key("response");
    let created = (call.start_ms / 1000) as u64;
    if let Some(failure) = call.failure {
        let (status, message, kind, code) = match failure.status() {
            429 => (
                429,
                format!(
                    "Rate limit reached for {} in organization org-{} on tokens per min (TPM): Limit 800000, Used 799{}, Requested {}. Please try again in {}ms.",
                    call.model.request,
                    "k3PqY2f",
                    rng.range(100, 999),
                    rng.range(500, 30_000),
                    rng.range(20, 900)
                ),
                "tokens",
                "\"rate_limit_exceeded\"",
            ),
            500 => (
                500,
                "The server had an error while processing your request. Sorry about that!"
                    .to_string(),
                "server_error",
                "null",
            ),
            _ => (
                503,
                "The engine is currently overloaded, please try again later.".to_string(),
                "server_error",
                "null",
            ),
        };
        json.obj()
            .knum("status_code", status)
            .key("body")
            .obj()
            .key("error")
            .obj();
        json.kstr("message", &message)
            .kstr("type", kind)
            .key("param")
            .null()
            .key("code")
            .raw(code);
        json.end().end().end().end();
        return;
    }
    let mut id = String::new();
    if responses_api {
        id.push_str("resp_");
        rng.hex(&mut id, 48);
        responses_response(rng, json, call, &id, created);
    } else if final_chunk {
        id.push_str("chatcmpl-");
        rng.base62(&mut id, 29);
        json.obj()
            .kstr("id", &id)
            .kstr("object", "chat.completion.chunk")
            .knum("created", created);
        json.kstr("model", call.model.response)
            .kstr("service_tier", "default");
        json.key("system_fingerprint").str(&fingerprint(rng));
        json.key("choices").arr().end();
        chat_usage(json, call);
        json.end();
    } else {
        id.push_str("chatcmpl-");
        rng.base62(&mut id, 29);
        chat_response(rng, json, call, &id, created);
    }
    json.end();
}

/// A `system_fingerprint` such as `fp_07871e2ad8`.
fn fingerprint(rng: &mut Rng) -> String {
    let mut out = String::from("fp_");
    rng.hex(&mut out, 10);
    out
}

/// The Chat Completions request body.
fn chat_request(json: &mut Json, call: &Call<'_>) {
    json.obj().kstr("model", call.model.request);
    json.key("messages").arr();
    json.obj()
        .kstr(
            "role",
            if call.model.reasoning {
                "developer"
            } else {
                "system"
            },
        )
        .kstr("content", &call.app.system)
        .end();
    for turn in &call.turns {
        json.obj();
        match turn.role {
            Role::User => {
                json.kstr("role", "user").kstr("content", &turn.text);
            }
            Role::Assistant => {
                json.kstr("role", "assistant");
                if turn.tool_calls.is_empty() {
                    json.kstr("content", &turn.text);
                } else {
                    json.key("content").null();
                    chat_tool_calls(json, &turn.tool_calls);
                }
            }
            Role::Tool => {
                json.kstr("role", "tool")
                    .kstr(
                        "tool_call_id",
                        turn.tool_call_id.as_deref().unwrap_or_default(),
                    )
                    .kstr("content", &turn.text);
            }
        }
        json.end();
    }
    json.end();
    if !call.app.tools.is_empty() {
        json.key("tools").arr();
        for tool in call.app.tools {
            json.obj().kstr("type", "function").key("function").obj();
            json.kstr("name", tool.name)
                .kstr("description", tool.description)
                .key("parameters")
                .raw(tool.parameters);
            json.end().end();
        }
        json.end().kstr("tool_choice", "auto");
    }
    if let Some((name, schema)) = call.app.schema {
        json.key("response_format")
            .obj()
            .kstr("type", "json_schema")
            .key("json_schema")
            .obj();
        json.kstr("name", name)
            .key("strict")
            .bool(true)
            .key("schema")
            .raw(schema)
            .end()
            .end();
    }
    if call.stream {
        json.key("stream")
            .bool(true)
            .key("stream_options")
            .obj()
            .key("include_usage")
            .bool(true)
            .end();
    }
    if call.model.reasoning {
        json.knum("max_completion_tokens", call.max_tokens);
    } else {
        json.knum("max_tokens", call.max_tokens)
            .key("temperature")
            .float(0.2, 1);
    }
    json.kstr("user", &call.user);
    json.key("metadata")
        .obj()
        .kstr("feature", call.app.feature)
        .kstr("conversation", &call.conversation)
        .end();
    json.end();
}

/// The `tool_calls` of a Chat Completions assistant message.
fn chat_tool_calls(json: &mut Json, calls: &[scenario::ToolCall]) {
    json.key("tool_calls").arr();
    for tool_call in calls {
        json.obj()
            .kstr("id", &tool_call.id)
            .kstr("type", "function")
            .key("function")
            .obj();
        json.kstr("name", tool_call.name)
            .kstr("arguments", &tool_call.arguments)
            .end()
            .end();
    }
    json.end();
}

/// The Chat Completions response object.
fn chat_response(rng: &mut Rng, json: &mut Json, call: &Call<'_>, id: &str, created: u64) {
    json.obj()
        .kstr("id", id)
        .kstr("object", "chat.completion")
        .knum("created", created);
    json.kstr("model", call.model.response);
    json.key("choices")
        .arr()
        .obj()
        .knum("index", 0)
        .key("message")
        .obj()
        .kstr("role", "assistant");
    if call.reply.tool_calls.is_empty() {
        json.kstr("content", &call.reply.text);
    } else {
        json.key("content").null();
    }
    json.key("refusal").null().key("annotations").arr().end();
    if !call.reply.tool_calls.is_empty() {
        chat_tool_calls(json, &call.reply.tool_calls);
    }
    json.end().key("logprobs").null();
    json.kstr(
        "finish_reason",
        match call.finish {
            Finish::Stop => "stop",
            Finish::ToolCalls => "tool_calls",
            Finish::Length => "length",
        },
    );
    json.end().end();
    chat_usage(json, call);
    json.kstr("service_tier", "default")
        .key("system_fingerprint")
        .str(&fingerprint(rng));
    json.end();
}

/// Chat Completions usage: prompt tokens include the cached ones, completion tokens the
/// reasoning ones.
fn chat_usage(json: &mut Json, call: &Call<'_>) {
    let usage = &call.usage;
    json.key("usage").obj();
    json.knum("prompt_tokens", usage.prompt())
        .knum("completion_tokens", usage.output)
        .knum("total_tokens", usage.prompt() + usage.output);
    json.key("prompt_tokens_details")
        .obj()
        .knum("cached_tokens", usage.cache_read)
        .knum("audio_tokens", 0)
        .end();
    json.key("completion_tokens_details")
        .obj()
        .knum("reasoning_tokens", usage.reasoning)
        .knum("audio_tokens", 0);
    json.knum("accepted_prediction_tokens", 0)
        .knum("rejected_prediction_tokens", 0)
        .end();
    json.end();
}

/// The Responses API request body.
fn responses_request(json: &mut Json, call: &Call<'_>) {
    json.obj()
        .kstr("model", call.model.request)
        .kstr("instructions", &call.app.system);
    json.key("input").arr();
    for turn in &call.turns {
        match turn.role {
            Role::User => {
                json.obj().kstr("role", "user").key("content").arr();
                json.obj()
                    .kstr("type", "input_text")
                    .kstr("text", &turn.text)
                    .end();
                json.end().end();
            }
            Role::Assistant if turn.tool_calls.is_empty() => {
                json.obj()
                    .kstr("role", "assistant")
                    .kstr("content", &turn.text)
                    .end();
            }
            Role::Assistant => {
                for tool_call in &turn.tool_calls {
                    json.obj()
                        .kstr("type", "function_call")
                        .kstr("call_id", &tool_call.id);
                    json.kstr("name", tool_call.name)
                        .kstr("arguments", &tool_call.arguments)
                        .end();
                }
            }
            Role::Tool => {
                json.obj()
                    .kstr("type", "function_call_output")
                    .kstr("call_id", turn.tool_call_id.as_deref().unwrap_or_default());
                json.kstr("output", &turn.text).end();
            }
        }
    }
    json.end();
    if !call.app.tools.is_empty() {
        json.key("tools").arr();
        for tool in call.app.tools {
            json.obj()
                .kstr("type", "function")
                .kstr("name", tool.name)
                .kstr("description", tool.description);
            json.key("parameters")
                .raw(tool.parameters)
                .key("strict")
                .bool(false)
                .end();
        }
        json.end();
    }
    if let Some((name, schema)) = call.app.schema {
        json.key("text")
            .obj()
            .key("format")
            .obj()
            .kstr("type", "json_schema")
            .kstr("name", name);
        json.key("schema")
            .raw(schema)
            .key("strict")
            .bool(true)
            .end()
            .end();
    }
    if call.model.reasoning {
        json.key("reasoning").obj().kstr("effort", "medium").end();
    }
    json.key("stream")
        .bool(call.stream)
        .key("store")
        .bool(true)
        .knum("max_output_tokens", call.max_tokens);
    json.kstr("user", &call.user);
    json.key("metadata")
        .obj()
        .kstr("feature", call.app.feature)
        .kstr("conversation", &call.conversation)
        .end();
    json.end();
}

/// The Responses API response object.
fn responses_response(rng: &mut Rng, json: &mut Json, call: &Call<'_>, id: &str, created: u64) {
    let incomplete = call.finish == Finish::Length;
    json.obj()
        .kstr("id", id)
        .kstr("object", "response")
        .knum("created_at", created);
    json.kstr(
        "status",
        if incomplete {
            "incomplete"
        } else {
            "completed"
        },
    );
    if incomplete {
        json.key("incomplete_details")
            .obj()
            .kstr("reason", "max_output_tokens")
            .end();
    } else {
        json.key("incomplete_details").null();
    }
    json.kstr("model", call.model.response).key("output").arr();
    if call.model.reasoning {
        let mut item = String::from("rs_");
        rng.hex(&mut item, 48);
        json.obj()
            .kstr("id", &item)
            .kstr("type", "reasoning")
            .key("summary")
            .arr()
            .end()
            .end();
    }
    for tool_call in &call.reply.tool_calls {
        let mut item = String::from("fc_");
        rng.hex(&mut item, 48);
        json.obj()
            .kstr("id", &item)
            .kstr("type", "function_call")
            .kstr("status", "completed");
        json.kstr("arguments", &tool_call.arguments)
            .kstr("call_id", &tool_call.id)
            .kstr("name", tool_call.name)
            .end();
    }
    if call.reply.tool_calls.is_empty() {
        let mut item = String::from("msg_");
        rng.hex(&mut item, 48);
        json.obj().kstr("id", &item).kstr("type", "message").kstr(
            "status",
            if incomplete {
                "incomplete"
            } else {
                "completed"
            },
        );
        json.key("content")
            .arr()
            .obj()
            .kstr("type", "output_text")
            .key("annotations")
            .arr()
            .end();
        json.kstr("text", &call.reply.text)
            .end()
            .end()
            .kstr("role", "assistant")
            .end();
    }
    json.end();
    let usage = &call.usage;
    json.key("usage").obj().knum("input_tokens", usage.prompt());
    json.key("input_tokens_details")
        .obj()
        .knum("cached_tokens", usage.cache_read)
        .end();
    json.knum("output_tokens", usage.output)
        .key("output_tokens_details")
        .obj()
        .knum("reasoning_tokens", usage.reasoning)
        .end();
    json.knum("total_tokens", usage.prompt() + usage.output)
        .end();
    json.end();
}
