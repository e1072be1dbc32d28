//! Langfuse observations as the public API exports them, one per line
//! (`fixtures/logs/langfuse/observations.jsonl`): a `SPAN` for each request the app handled,
//! a `GENERATION` for each model call under it, `TOOL` observations for tool runs and now and
//! then an `EVENT`. Usage is in Langfuse's own exclusive keys (`input`, `input_cached_tokens`,
//! `input_cache_creation_5m`/`_1h`, `output`, `output_reasoning_tokens`, `total`); failed calls
//! are `ERROR`-level generations without usage. Calls go to OpenAI, Anthropic and Gemini models.

use std::io;
use std::path::Path;

use crate::genlogs::apps;
use crate::genlogs::json::Json;
use crate::genlogs::rng::Rng;
use crate::genlogs::scenario::{self, Caching, Call, Failure, Model, Role, Tier, Traffic};
use crate::genlogs::{Sink, Stats, anthropic, clock, openai, skip};

/// Gemini models (the same name in request and response).
pub const GEMINI: &[Model] = &[
    Model {
        request: "gemini-2.5-pro",
        response: "gemini-2.5-pro",
        tier: Tier::Flagship,
        reasoning: true,
        ms_per_token: 12,
    },
    Model {
        request: "gemini-2.5-flash",
        response: "gemini-2.5-flash",
        tier: Tier::Mid,
        reasoning: true,
        ms_per_token: 5,
    },
    Model {
        request: "gemini-2.0-flash",
        response: "gemini-2.0-flash",
        tier: Tier::Mid,
        reasoning: false,
        ms_per_token: 5,
    },
    Model {
        request: "gemini-2.5-flash-lite",
        response: "gemini-2.5-flash-lite",
        tier: Tier::Small,
        reasoning: false,
        ms_per_token: 4,
    },
];

/// Writes Langfuse observations to the file `out`.
pub fn write(rng: &mut Rng, target: u64, out: &Path) -> io::Result<Stats> {
    let apps = apps::apps(&mut rng.fork());
    let families = [
        Traffic {
            apps: &apps,
            models: openai::MODELS,
            caching: Caching::Automatic,
            failure_share: 0.03,
        },
        Traffic {
            apps: &apps,
            models: anthropic::MODELS,
            caching: Caching::Explicit,
            failure_share: 0.03,
        },
        Traffic {
            apps: &apps,
            models: GEMINI,
            caching: Caching::Automatic,
            failure_share: 0.03,
        },
    ];
    let mut sink = Sink::create(out)?;
    let mut stats = Stats {
        files: 1,
        ..Stats::default()
    };
    let mut json = Json::new();
    while sink.bytes < target {
        let start = scenario::start_time(rng, sink.bytes, target);
        let traffic = &families[rng.weighted(&[0.5, 0.3, 0.2])];
        let calls = traffic.conversation(rng, start);
        let Some(last) = calls.last() else { continue };
        let mut trace = String::new();
        rng.hex(&mut trace, 32);
        let root = observation_id(rng);
        let end = last.start_ms + last.latency_ms as i64 + 40;
        json.clear();
        json.obj()
            .kstr("id", &root)
            .kstr("traceId", &trace)
            .kstr("projectId", "cm1prod0000app")
            .kstr("type", "SPAN");
        json.kstr("environment", "production")
            .key("parentObservationId")
            .null();
        json.kstr("startTime", &clock::rfc3339(start - 15, true))
            .kstr("endTime", &clock::rfc3339(end, true));
        json.kstr("name", &format!("POST /api/{}", calls[0].app.feature))
            .kstr("level", "DEFAULT")
            .key("statusMessage")
            .null();
        json.key("metadata")
            .obj()
            .kstr("user", &calls[0].user)
            .end()
            .key("input")
            .null()
            .key("output")
            .null()
            .end();
        sink.line(&json.buf)?;
        stats.skip(skip::NOT_A_CALL);
        for call in &calls {
            json.clear();
            generation(rng, &mut json, call, &trace, &root);
            sink.line(&json.buf)?;
            if !stats.api_call(call) {
                continue;
            }
            for tool_call in &call.reply.tool_calls {
                json.clear();
                let begin = call.start_ms + call.latency_ms as i64 + 5;
                json.obj()
                    .kstr("id", &observation_id(rng))
                    .kstr("traceId", &trace)
                    .kstr("projectId", "cm1prod0000app")
                    .kstr("type", "TOOL");
                json.kstr("environment", "production")
                    .kstr("parentObservationId", &root);
                json.kstr("startTime", &clock::rfc3339(begin, true)).kstr(
                    "endTime",
                    &clock::rfc3339(begin + rng.range(20, 2_000) as i64, true),
                );
                json.kstr("name", tool_call.name)
                    .kstr("level", "DEFAULT")
                    .key("input")
                    .raw(&tool_call.arguments)
                    .key("output")
                    .null()
                    .end();
                sink.line(&json.buf)?;
                stats.skip(skip::NOT_A_CALL);
            }
        }
        if rng.chance(0.1) {
            json.clear();
            json.obj()
                .kstr("id", &observation_id(rng))
                .kstr("traceId", &trace)
                .kstr("type", "EVENT")
                .kstr("startTime", &clock::rfc3339(end + 30_000, true));
            json.kstr("name", "user-feedback")
                .key("metadata")
                .obj()
                .kstr("rating", rng.pick(&["up", "down"]))
                .end()
                .end();
            sink.line(&json.buf)?;
            stats.skip(skip::NOT_A_CALL);
        }
    }
    stats.bytes = sink.finish()?;
    Ok(stats)
}

/// A fresh observation id (16 hex digits, as OTel-ingested observations have).
fn observation_id(rng: &mut Rng) -> String {
    let mut id = String::new();
    rng.hex(&mut id, 16);
    id
}

/// One `GENERATION` observation.
fn generation(rng: &mut Rng, json: &mut Json, call: &Call<'_>, trace: &str, parent: &str) {
    json.obj()
        .kstr("id", &observation_id(rng))
        .kstr("traceId", trace)
        .kstr("projectId", "cm1prod0000app")
        .kstr("type", "GENERATION");
    json.kstr("environment", "production")
        .kstr("parentObservationId", parent);
    json.kstr("startTime", &clock::rfc3339(call.start_ms, true))
        .kstr(
            "endTime",
            &clock::rfc3339(call.start_ms + call.latency_ms as i64, true),
        );
    if call.stream && call.failure.is_none() {
        json.kstr(
            "completionStartTime",
            &clock::rfc3339(call.start_ms + call.ttft_ms as i64, true),
        );
    } else {
        json.key("completionStartTime").null();
    }
    json.kstr("name", &format!("{}-llm", call.app.feature));
    match call.failure {
        Some(failure) => {
            json.kstr("level", "ERROR").kstr(
                "statusMessage",
                match failure {
                    Failure::RateLimited => "429 Too Many Requests",
                    Failure::Overloaded => "529 Overloaded",
                    Failure::ServerError => "500 Internal Server Error",
                },
            );
        }
        None => {
            json.kstr("level", "DEFAULT").key("statusMessage").null();
        }
    }
    json.key("version")
        .null()
        .kstr("model", call.model.response);
    json.key("modelParameters")
        .obj()
        .kstr("temperature", "0.2")
        .kstr("max_tokens", &call.max_tokens.to_string());
    if call.stream {
        json.kstr("stream", "true");
    }
    json.end();
    let usage = &call.usage;
    json.key("usageDetails").obj();
    if call.failure.is_none() {
        json.knum("input", usage.input);
        if usage.cache_read > 0 {
            json.knum("input_cached_tokens", usage.cache_read);
        }
        if usage.cache_write_5m > 0 {
            json.knum("input_cache_creation_5m", usage.cache_write_5m);
        }
        if usage.cache_write_1h > 0 {
            json.knum("input_cache_creation_1h", usage.cache_write_1h);
        }
        json.knum("output", usage.output - usage.reasoning);
        if usage.reasoning > 0 {
            json.knum("output_reasoning_tokens", usage.reasoning);
        }
        json.knum("total", usage.prompt() + usage.output);
    }
    json.end();
    json.key("metadata")
        .obj()
        .kstr("feature", call.app.feature)
        .kstr("conversation", &call.conversation)
        .end();
    json.key("tags").arr().str(call.app.feature).end();
    json.kstr("userId", &call.user);
    json.key("input")
        .arr()
        .obj()
        .kstr("role", "system")
        .kstr("content", &call.app.system)
        .end();
    for turn in &call.turns {
        json.obj();
        match turn.role {
            Role::User => {
                json.kstr("role", "user").kstr("content", &turn.text);
            }
            Role::Assistant => {
                json.kstr("role", "assistant").kstr("content", &turn.text);
                tool_calls(json, turn);
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
    json.end().key("output");
    if call.failure.is_some() {
        json.null();
    } else {
        json.obj()
            .kstr("role", "assistant")
            .kstr("content", &call.reply.text);
        tool_calls(json, &call.reply);
        json.end();
    }
    json.end();
}

/// The OpenAI-style `tool_calls` of an assistant message, when it made any.
fn tool_calls(json: &mut Json, turn: &scenario::Turn) {
    if turn.tool_calls.is_empty() {
        return;
    }
    json.key("tool_calls").arr();
    for tool_call in &turn.tool_calls {
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
