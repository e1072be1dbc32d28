//! AWS Bedrock model invocation logs (`fixtures/logs/bedrock/`): one `ModelInvocationLog`
//! record per call with its token counters, the request body and the response body. Claude
//! models go through Converse, ConverseStream, InvokeModel and InvokeModelWithResponseStream
//! (Anthropic bodies, streamed as event chunks); Llama models through Converse without
//! prompt caching. Throttled and failed calls carry an `errorCode` and no counters.

use std::io;
use std::path::Path;

use crate::genlogs::anthropic;
use crate::genlogs::apps;
use crate::genlogs::json::Json;
use crate::genlogs::rng::Rng;
use crate::genlogs::scenario::{self, Caching, Call, Failure, Finish, Model, Role, Tier, Traffic};
use crate::genlogs::{Sink, Stats, clock};

/// Claude on Bedrock: inference-profile model ids, and the model the Anthropic body names.
pub const CLAUDE: &[Model] = &[
    Model {
        request: "global.anthropic.claude-opus-4-5-20251101-v1:0",
        response: "claude-opus-4-5-20251101",
        tier: Tier::Flagship,
        reasoning: false,
        ms_per_token: 20,
    },
    Model {
        request: "us.anthropic.claude-opus-4-1-20250805-v1:0",
        response: "claude-opus-4-1-20250805",
        tier: Tier::Flagship,
        reasoning: false,
        ms_per_token: 24,
    },
    Model {
        request: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        response: "claude-sonnet-4-5-20250929",
        tier: Tier::Mid,
        reasoning: false,
        ms_per_token: 14,
    },
    Model {
        request: "eu.anthropic.claude-sonnet-4-20250514-v1:0",
        response: "claude-sonnet-4-20250514",
        tier: Tier::Mid,
        reasoning: false,
        ms_per_token: 14,
    },
    Model {
        request: "us.anthropic.claude-haiku-4-5-20251001-v1:0",
        response: "claude-haiku-4-5-20251001",
        tier: Tier::Small,
        reasoning: false,
        ms_per_token: 6,
    },
    Model {
        request: "anthropic.claude-3-5-haiku-20241022-v1:0",
        response: "claude-3-5-haiku-20241022",
        tier: Tier::Small,
        reasoning: false,
        ms_per_token: 7,
    },
];

/// Llama on Bedrock (no prompt caching).
pub const LLAMA: &[Model] = &[
    Model {
        request: "us.meta.llama3-1-405b-instruct-v1:0",
        response: "llama3-1-405b",
        tier: Tier::Flagship,
        reasoning: false,
        ms_per_token: 25,
    },
    Model {
        request: "us.meta.llama3-3-70b-instruct-v1:0",
        response: "llama3-3-70b",
        tier: Tier::Mid,
        reasoning: false,
        ms_per_token: 12,
    },
    Model {
        request: "meta.llama3-1-8b-instruct-v1:0",
        response: "llama3-1-8b",
        tier: Tier::Small,
        reasoning: false,
        ms_per_token: 5,
    },
];

/// The API a call went through.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Operation {
    Converse,
    ConverseStream,
    InvokeModel,
    InvokeModelWithResponseStream,
}

/// Writes Bedrock invocation logs to the file `out`.
pub fn write(rng: &mut Rng, target: u64, out: &Path) -> io::Result<Stats> {
    let apps = apps::apps(&mut rng.fork());
    let claude = Traffic {
        apps: &apps,
        models: CLAUDE,
        caching: Caching::Explicit,
        failure_share: 0.03,
    };
    let llama = Traffic {
        apps: &apps,
        models: LLAMA,
        caching: Caching::None,
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
        let is_llama = rng.chance(0.15);
        let traffic = if is_llama { &llama } else { &claude };
        let calls = traffic.conversation(rng, start);
        let streamed = calls.first().is_some_and(|c| c.stream);
        let operation = match (is_llama, streamed, rng.chance(0.6)) {
            (true, false, _) | (false, false, true) => Operation::Converse,
            (true, true, _) | (false, true, true) => Operation::ConverseStream,
            (false, false, false) => Operation::InvokeModel,
            (false, true, false) => Operation::InvokeModelWithResponseStream,
        };
        for call in calls {
            json.clear();
            stats.api_call(&call);
            record(rng, &mut json, &call, operation);
            sink.line(&json.buf)?;
        }
    }
    stats.bytes = sink.finish()?;
    Ok(stats)
}

/// One invocation log record.
fn record(rng: &mut Rng, json: &mut Json, call: &Call<'_>, operation: Operation) {
    let region = if call.model.request.starts_with("eu.") {
        "eu-central-1"
    } else {
        "us-east-1"
    };
    json.obj()
        .kstr("schemaType", "ModelInvocationLog")
        .kstr("schemaVersion", "1.0");
    json.key("timestamp")
        .str(&clock::rfc3339(call.start_ms, false));
    json.kstr("accountId", "123456789012").key("identity").obj();
    json.kstr(
        "arn",
        &format!(
            "arn:aws:sts::123456789012:assumed-role/{}/session-{}",
            call.app.feature,
            &call.user[5..]
        ),
    )
    .end();
    json.kstr("region", region).kstr("requestId", &rng.uuid());
    json.kstr(
        "operation",
        match operation {
            Operation::Converse => "Converse",
            Operation::ConverseStream => "ConverseStream",
            Operation::InvokeModel => "InvokeModel",
            Operation::InvokeModelWithResponseStream => "InvokeModelWithResponseStream",
        },
    );
    json.kstr("modelId", call.model.request);
    if let Some(failure) = call.failure {
        json.kstr(
            "errorCode",
            match failure {
                Failure::RateLimited => "ThrottlingException",
                Failure::Overloaded => "ServiceUnavailableException",
                Failure::ServerError => "InternalServerException",
            },
        );
    }
    json.key("input")
        .obj()
        .kstr("inputContentType", "application/json")
        .key("inputBodyJson");
    let anthropic_body = matches!(
        operation,
        Operation::InvokeModel | Operation::InvokeModelWithResponseStream
    );
    if anthropic_body {
        invoke_request(json, call);
    } else {
        converse_request(json, call);
    }
    let usage = &call.usage;
    if call.failure.is_none() {
        json.knum("inputTokenCount", usage.input)
            .knum("cacheReadInputTokenCount", usage.cache_read)
            .knum("cacheWriteInputTokenCount", usage.cache_write());
    }
    json.end();
    if call.failure.is_none() {
        json.key("output")
            .obj()
            .kstr("outputContentType", "application/json")
            .key("outputBodyJson");
        match operation {
            Operation::Converse | Operation::ConverseStream => converse_response(json, call),
            Operation::InvokeModel => invoke_response(rng, json, call),
            Operation::InvokeModelWithResponseStream => invoke_stream(rng, json, call),
        }
        json.knum("outputTokenCount", usage.output).end();
    }
    json.key("requestMetadata")
        .obj()
        .kstr("team", call.app.feature)
        .kstr("sessionId", &call.conversation)
        .end();
    json.end();
}

/// A Converse request body.
fn converse_request(json: &mut Json, call: &Call<'_>) {
    json.obj()
        .key("system")
        .arr()
        .obj()
        .kstr("text", &call.app.system)
        .end();
    if call.model.request.contains("anthropic") {
        json.obj()
            .key("cachePoint")
            .obj()
            .kstr("type", "default")
            .end()
            .end();
    }
    json.end().key("messages").arr();
    for turn in &call.turns {
        match turn.role {
            Role::User => {
                json.obj()
                    .kstr("role", "user")
                    .key("content")
                    .arr()
                    .obj()
                    .kstr("text", &turn.text)
                    .end()
                    .end()
                    .end();
            }
            Role::Assistant => {
                json.obj().kstr("role", "assistant").key("content").arr();
                if !turn.text.is_empty() {
                    json.obj().kstr("text", &turn.text).end();
                }
                for tool_call in &turn.tool_calls {
                    json.obj()
                        .key("toolUse")
                        .obj()
                        .kstr("toolUseId", &anthropic::tool_use_id(&tool_call.id));
                    json.kstr("name", tool_call.name)
                        .key("input")
                        .raw(&tool_call.arguments)
                        .end()
                        .end();
                }
                json.end().end();
            }
            Role::Tool => {
                json.obj()
                    .kstr("role", "user")
                    .key("content")
                    .arr()
                    .obj()
                    .key("toolResult")
                    .obj();
                json.kstr(
                    "toolUseId",
                    &anthropic::tool_use_id(turn.tool_call_id.as_deref().unwrap_or_default()),
                );
                json.key("content")
                    .arr()
                    .obj()
                    .kstr("text", &turn.text)
                    .end()
                    .end()
                    .end()
                    .end()
                    .end()
                    .end();
            }
        }
    }
    json.end()
        .key("inferenceConfig")
        .obj()
        .knum("maxTokens", call.max_tokens)
        .key("temperature")
        .float(0.2, 1)
        .end();
    if !call.app.tools.is_empty() {
        json.key("toolConfig").obj().key("tools").arr();
        for tool in call.app.tools {
            json.obj()
                .key("toolSpec")
                .obj()
                .kstr("name", tool.name)
                .kstr("description", tool.description);
            json.key("inputSchema")
                .obj()
                .key("json")
                .raw(tool.parameters)
                .end()
                .end()
                .end();
        }
        json.end().end();
    }
    json.end();
}

/// A Converse response body (ConverseStream logs carry the same assembled object).
fn converse_response(json: &mut Json, call: &Call<'_>) {
    json.obj()
        .key("output")
        .obj()
        .key("message")
        .obj()
        .kstr("role", "assistant")
        .key("content")
        .arr();
    if !call.reply.text.is_empty() {
        json.obj().kstr("text", &call.reply.text).end();
    }
    for tool_call in &call.reply.tool_calls {
        json.obj()
            .key("toolUse")
            .obj()
            .kstr("toolUseId", &anthropic::tool_use_id(&tool_call.id));
        json.kstr("name", tool_call.name)
            .key("input")
            .raw(&tool_call.arguments)
            .end()
            .end();
    }
    json.end().end().end();
    json.kstr("stopReason", stop_reason(call.finish));
    json.key("metrics")
        .obj()
        .knum("latencyMs", call.latency_ms)
        .end();
    let usage = &call.usage;
    json.key("usage")
        .obj()
        .knum("inputTokens", usage.input)
        .knum("outputTokens", usage.output);
    json.knum("totalTokens", usage.prompt() + usage.output);
    if usage.cache_read + usage.cache_write() > 0 {
        json.knum("cacheReadInputTokens", usage.cache_read)
            .knum("cacheWriteInputTokens", usage.cache_write());
        if usage.cache_write() > 0 {
            json.key("cacheDetails")
                .arr()
                .obj()
                .knum("inputTokens", usage.cache_write());
            json.kstr("ttl", if usage.cache_write_1h > 0 { "1h" } else { "5m" })
                .end()
                .end();
        }
    }
    json.end().end();
}

/// Bedrock's (Anthropic's) spelling of why the model stopped.
fn stop_reason(finish: Finish) -> &'static str {
    match finish {
        Finish::Stop => "end_turn",
        Finish::ToolCalls => "tool_use",
        Finish::Length => "max_tokens",
    }
}

/// An InvokeModel request: the Anthropic Messages body with Bedrock's version field.
fn invoke_request(json: &mut Json, call: &Call<'_>) {
    json.obj()
        .kstr("anthropic_version", "bedrock-2023-05-31")
        .knum("max_tokens", call.max_tokens);
    anthropic::system_messages_tools(json, call);
    json.end();
}

/// An InvokeModel response: an Anthropic Message.
fn invoke_response(rng: &mut Rng, json: &mut Json, call: &Call<'_>) {
    let mut id = String::from("msg_bdrk_01");
    rng.base62(&mut id, 22);
    json.obj()
        .kstr("id", &id)
        .kstr("type", "message")
        .kstr("role", "assistant")
        .kstr("model", call.model.response);
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
            .kstr("id", &anthropic::tool_use_id(&tool_call.id))
            .kstr("name", tool_call.name);
        json.key("input").raw(&tool_call.arguments).end();
    }
    json.end()
        .kstr("stop_reason", stop_reason(call.finish))
        .key("stop_sequence")
        .null();
    anthropic::usage(json, &call.usage);
    json.end();
}

/// An InvokeModelWithResponseStream response: the Anthropic stream events, the last one with
/// Bedrock's invocation metrics.
fn invoke_stream(rng: &mut Rng, json: &mut Json, call: &Call<'_>) {
    let usage = &call.usage;
    let mut id = String::from("msg_bdrk_01");
    rng.base62(&mut id, 22);
    json.arr();
    json.obj()
        .kstr("type", "message_start")
        .key("message")
        .obj()
        .kstr("id", &id)
        .kstr("type", "message");
    json.kstr("role", "assistant")
        .kstr("model", call.model.response)
        .key("content")
        .arr()
        .end();
    json.key("usage")
        .obj()
        .knum("input_tokens", usage.input)
        .knum("cache_read_input_tokens", usage.cache_read);
    json.knum("cache_creation_input_tokens", usage.cache_write());
    json.key("cache_creation")
        .obj()
        .knum("ephemeral_5m_input_tokens", usage.cache_write_5m)
        .knum("ephemeral_1h_input_tokens", usage.cache_write_1h)
        .end();
    json.knum("output_tokens", 1).end().end().end();
    // The text arrives in a few deltas.
    let text = &call.reply.text;
    let mut cut = 0;
    while cut < text.len() {
        let mut end = (cut + 400 + rng.below(400) as usize).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        json.obj()
            .kstr("type", "content_block_delta")
            .knum("index", 0)
            .key("delta")
            .obj();
        json.kstr("type", "text_delta")
            .kstr("text", &text[cut..end])
            .end()
            .end();
        cut = end;
    }
    for (index, tool_call) in call.reply.tool_calls.iter().enumerate() {
        json.obj()
            .kstr("type", "content_block_start")
            .knum("index", index as u64 + 1)
            .key("content_block")
            .obj();
        json.kstr("type", "tool_use")
            .kstr("id", &anthropic::tool_use_id(&tool_call.id))
            .kstr("name", tool_call.name)
            .key("input")
            .obj()
            .end()
            .end()
            .end();
        json.obj()
            .kstr("type", "content_block_delta")
            .knum("index", index as u64 + 1)
            .key("delta")
            .obj();
        json.kstr("type", "input_json_delta")
            .kstr("partial_json", &tool_call.arguments)
            .end()
            .end();
    }
    json.obj()
        .kstr("type", "message_delta")
        .key("delta")
        .obj()
        .kstr("stop_reason", stop_reason(call.finish))
        .end();
    json.key("usage")
        .obj()
        .knum("output_tokens", usage.output)
        .end()
        .end();
    json.obj()
        .kstr("type", "message_stop")
        .key("amazon-bedrock-invocationMetrics")
        .obj();
    json.knum("inputTokenCount", usage.input)
        .knum("outputTokenCount", usage.output)
        .knum("invocationLatency", call.latency_ms);
    json.knum("firstByteLatency", call.ttft_ms)
        .knum("cacheReadInputTokenCount", usage.cache_read)
        .knum("cacheWriteInputTokenCount", usage.cache_write());
    json.end().end().end();
}
