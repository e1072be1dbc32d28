//! OpenTelemetry GenAI spans as the collector's file exporter writes them
//! (`fixtures/logs/otel/genai_spans.jsonl`): one OTLP `ExportTraceServiceRequest` per line,
//! here one per handled request: the HTTP server span, an `invoke_agent` span summing its
//! chats for tool-using apps, a `chat` client span per model call (semantic conventions v1.40+:
//! `input_tokens` includes cache reads and writes, `output_tokens` includes reasoning), and an
//! `execute_tool` span per tool run. Failed calls are chat spans with status ERROR and
//! `error.type`, without usage.

use std::io;
use std::path::Path;

use crate::genlogs::apps;
use crate::genlogs::json::Json;
use crate::genlogs::rng::Rng;
use crate::genlogs::scenario::{self, Caching, Call, Finish, Role, Traffic, Usage};
use crate::genlogs::{Sink, Stats, anthropic, langfuse, openai, skip};

/// A provider family: its models, caching, `gen_ai.provider.name` and instrumentation scope.
struct Family<'a> {
    traffic: Traffic<'a>,
    provider: &'static str,
    scope: &'static str,
    server: &'static str,
}

/// Writes OTLP JSON lines to the file `out`.
pub fn write(rng: &mut Rng, target: u64, out: &Path) -> io::Result<Stats> {
    let apps = apps::apps(&mut rng.fork());
    let families = [
        Family {
            traffic: Traffic {
                apps: &apps,
                models: openai::MODELS,
                caching: Caching::Automatic,
                failure_share: 0.03,
            },
            provider: "openai",
            scope: "opentelemetry.instrumentation.openai_v2",
            server: "api.openai.com",
        },
        Family {
            traffic: Traffic {
                apps: &apps,
                models: anthropic::MODELS,
                caching: Caching::Explicit,
                failure_share: 0.03,
            },
            provider: "anthropic",
            scope: "opentelemetry.instrumentation.anthropic",
            server: "api.anthropic.com",
        },
        Family {
            traffic: Traffic {
                apps: &apps,
                models: langfuse::GEMINI,
                caching: Caching::Automatic,
                failure_share: 0.03,
            },
            provider: "gcp.gemini",
            scope: "opentelemetry.instrumentation.google_genai",
            server: "generativelanguage.googleapis.com",
        },
    ];
    let mut sink = Sink::create(out)?;
    let mut stats = Stats {
        files: 1,
        ..Stats::default()
    };
    let mut json = Json::new();
    let mut scratch = Json::new();
    while sink.bytes < target {
        let start = scenario::start_time(rng, sink.bytes, target);
        let family = &families[rng.weighted(&[0.45, 0.35, 0.2])];
        let calls = family.traffic.conversation(rng, start);
        let Some(last) = calls.last() else { continue };
        let app = calls[0].app;
        let mut trace = String::new();
        rng.hex(&mut trace, 32);
        let root = span_id(rng);
        let end = last.start_ms + last.latency_ms as i64 + 30;
        json.clear();
        json.obj()
            .key("resourceSpans")
            .arr()
            .obj()
            .key("resource")
            .obj()
            .key("attributes")
            .arr();
        attr_str(&mut json, "service.name", app.feature);
        attr_str(&mut json, "deployment.environment.name", "prod");
        json.end().end().key("scopeSpans").arr();
        // The server span, from the web framework's instrumentation.
        json.obj()
            .key("scope")
            .obj()
            .kstr("name", "opentelemetry.instrumentation.asgi")
            .end()
            .key("spans")
            .arr();
        span_head(
            &mut json,
            &trace,
            &root,
            None,
            &format!("POST /api/{}", app.feature),
            2,
            start - 20,
            end,
        );
        attr_str(&mut json, "http.request.method", "POST");
        attr_str(&mut json, "http.route", &format!("/api/{}", app.feature));
        attr_int(&mut json, "http.response.status_code", 200);
        span_tail(&mut json, false);
        json.end().end();
        stats.skip(skip::NOT_A_CALL);
        json.obj()
            .key("scope")
            .obj()
            .kstr("name", family.scope)
            .end()
            .key("spans")
            .arr();
        let mut parent = root.clone();
        let billed: Vec<&Call<'_>> = calls.iter().filter(|c| c.failure.is_none()).collect();
        if !app.tools.is_empty() {
            // The agent span sums its chats: llm-audit counts the chats, not this roll-up.
            let agent = span_id(rng);
            span_head(
                &mut json,
                &trace,
                &agent,
                Some(&root),
                &format!("invoke_agent {}", app.feature),
                1,
                start - 5,
                end - 5,
            );
            attr_str(&mut json, "gen_ai.operation.name", "invoke_agent");
            attr_str(&mut json, "gen_ai.provider.name", family.provider);
            attr_str(&mut json, "gen_ai.agent.name", app.feature);
            attr_str(&mut json, "gen_ai.request.model", calls[0].model.request);
            let mut sum = Usage::default();
            for call in &billed {
                sum.add(&call.usage);
            }
            if !billed.is_empty() {
                usage_attrs(&mut json, &sum, family.provider);
                stats.skip(skip::ROLLUP);
            } else {
                stats.skip(skip::NOT_A_CALL);
            }
            attr_str(&mut json, "gen_ai.conversation.id", &calls[0].conversation);
            span_tail(&mut json, false);
            parent = agent;
        }
        for call in &calls {
            chat_span(rng, &mut json, &mut scratch, call, family, &trace, &parent);
            match call.failure {
                Some(_) => stats.skip(skip::PROVIDER_ERROR),
                None => {
                    // OTel carries no cache TTL: every write reads as a 5-minute one.
                    let usage = Usage {
                        cache_write_5m: call.usage.cache_write(),
                        cache_write_1h: 0,
                        ..call.usage
                    };
                    stats.call(&usage);
                }
            }
            for tool_call in &call.reply.tool_calls {
                let begin = call.start_ms + call.latency_ms as i64 + 3;
                span_head(
                    &mut json,
                    &trace,
                    &span_id(rng),
                    Some(&parent),
                    &format!("execute_tool {}", tool_call.name),
                    1,
                    begin,
                    begin + rng.range(20, 2_000) as i64,
                );
                attr_str(&mut json, "gen_ai.operation.name", "execute_tool");
                attr_str(&mut json, "gen_ai.tool.name", tool_call.name);
                attr_str(&mut json, "gen_ai.tool.call.id", &tool_call.id);
                span_tail(&mut json, false);
                stats.skip(skip::NOT_A_CALL);
            }
        }
        json.end().end().end().end().end().end();
        sink.line(&json.buf)?;
    }
    stats.bytes = sink.finish()?;
    Ok(stats)
}

/// A fresh span id (16 hex digits).
fn span_id(rng: &mut Rng) -> String {
    let mut id = String::new();
    rng.hex(&mut id, 16);
    id
}

/// Opens a span and its attribute list.
#[allow(clippy::too_many_arguments)]
fn span_head(
    json: &mut Json,
    trace: &str,
    span: &str,
    parent: Option<&str>,
    name: &str,
    kind: u64,
    start_ms: i64,
    end_ms: i64,
) {
    json.obj().kstr("traceId", trace).kstr("spanId", span);
    if let Some(parent) = parent {
        json.kstr("parentSpanId", parent);
    }
    json.kstr("name", name).knum("kind", kind);
    json.kstr("startTimeUnixNano", &format!("{}000000", start_ms))
        .kstr("endTimeUnixNano", &format!("{}000000", end_ms));
    json.key("attributes").arr();
}

/// Closes the attribute list with the span status.
fn span_tail(json: &mut Json, error: bool) {
    json.end()
        .key("status")
        .obj()
        .knum("code", if error { 2 } else { 1 })
        .end()
        .end();
}

/// A string attribute.
fn attr_str(json: &mut Json, key: &str, value: &str) {
    json.obj()
        .kstr("key", key)
        .key("value")
        .obj()
        .kstr("stringValue", value)
        .end()
        .end();
}

/// OTLP JSON writes 64-bit integers as strings.
fn attr_int(json: &mut Json, key: &str, value: u64) {
    json.obj()
        .kstr("key", key)
        .key("value")
        .obj()
        .kstr("intValue", &value.to_string())
        .end()
        .end();
}

/// The usage attributes: input including cache reads and writes, output including reasoning.
fn usage_attrs(json: &mut Json, usage: &Usage, provider: &str) {
    attr_int(json, "gen_ai.usage.input_tokens", usage.prompt());
    attr_int(
        json,
        "gen_ai.usage.cache_read.input_tokens",
        usage.cache_read,
    );
    if provider == "anthropic" {
        attr_int(
            json,
            "gen_ai.usage.cache_creation.input_tokens",
            usage.cache_write(),
        );
    }
    attr_int(json, "gen_ai.usage.output_tokens", usage.output);
    attr_int(
        json,
        "gen_ai.usage.reasoning.output_tokens",
        usage.reasoning,
    );
}

/// One `chat` client span.
fn chat_span(
    rng: &mut Rng,
    json: &mut Json,
    scratch: &mut Json,
    call: &Call<'_>,
    family: &Family<'_>,
    trace: &str,
    parent: &str,
) {
    let name = format!("chat {}", call.model.request);
    span_head(
        json,
        trace,
        &span_id(rng),
        Some(parent),
        &name,
        3,
        call.start_ms,
        call.start_ms + call.latency_ms as i64,
    );
    attr_str(json, "gen_ai.operation.name", "chat");
    attr_str(json, "gen_ai.provider.name", family.provider);
    attr_str(json, "gen_ai.request.model", call.model.request);
    attr_int(json, "gen_ai.request.max_tokens", call.max_tokens);
    if call.stream {
        json.obj()
            .kstr("key", "gen_ai.request.stream")
            .key("value")
            .obj()
            .key("boolValue")
            .bool(true)
            .end()
            .end();
    }
    attr_str(json, "gen_ai.conversation.id", &call.conversation);
    attr_str(json, "server.address", family.server);
    scratch.clear();
    scratch
        .arr()
        .obj()
        .kstr("type", "text")
        .kstr("content", &call.app.system)
        .end()
        .end();
    attr_str(json, "gen_ai.system_instructions", &scratch.buf);
    scratch.clear();
    scratch.arr();
    for turn in &call.turns {
        scratch.obj().kstr(
            "role",
            match turn.role {
                Role::User => "user",
                Role::Assistant => "assistant",
                Role::Tool => "tool",
            },
        );
        scratch.key("parts").arr();
        if !turn.text.is_empty() {
            match &turn.tool_call_id {
                Some(id) => scratch
                    .obj()
                    .kstr("type", "tool_call_response")
                    .kstr("id", id)
                    .kstr("response", &turn.text)
                    .end(),
                None => scratch
                    .obj()
                    .kstr("type", "text")
                    .kstr("content", &turn.text)
                    .end(),
            };
        }
        for tool_call in &turn.tool_calls {
            scratch
                .obj()
                .kstr("type", "tool_call")
                .kstr("id", &tool_call.id)
                .kstr("name", tool_call.name)
                .key("arguments")
                .raw(&tool_call.arguments)
                .end();
        }
        scratch.end().end();
    }
    scratch.end();
    attr_str(json, "gen_ai.input.messages", &scratch.buf);
    if !call.app.tools.is_empty() {
        scratch.clear();
        scratch.arr();
        for tool in call.app.tools {
            scratch
                .obj()
                .kstr("type", "function")
                .kstr("name", tool.name)
                .kstr("description", tool.description)
                .key("parameters")
                .raw(tool.parameters)
                .end();
        }
        scratch.end();
        attr_str(json, "gen_ai.tool.definitions", &scratch.buf);
    }
    if call.app.schema.is_some() {
        attr_str(json, "gen_ai.output.type", "json");
    }
    if let Some(failure) = call.failure {
        attr_str(json, "error.type", &failure.status().to_string());
        span_tail(json, true);
        return;
    }
    attr_str(json, "gen_ai.response.model", call.model.response);
    let mut id = String::from(match family.provider {
        "anthropic" => "msg_01",
        "openai" => "chatcmpl-",
        _ => "",
    });
    rng.base62(&mut id, 24);
    attr_str(json, "gen_ai.response.id", &id);
    let finish = match (call.finish, family.provider) {
        (Finish::Stop, "anthropic") => "end_turn",
        (Finish::ToolCalls, "anthropic") => "tool_use",
        (Finish::Length, "anthropic") => "max_tokens",
        (Finish::Stop, _) => "stop",
        (Finish::ToolCalls, _) => "tool_calls",
        (Finish::Length, _) => "length",
    };
    json.obj()
        .kstr("key", "gen_ai.response.finish_reasons")
        .key("value")
        .obj()
        .key("arrayValue")
        .obj();
    json.key("values")
        .arr()
        .obj()
        .kstr("stringValue", finish)
        .end()
        .end()
        .end()
        .end()
        .end();
    if call.stream {
        json.obj()
            .kstr("key", "gen_ai.response.time_to_first_chunk")
            .key("value")
            .obj()
            .key("doubleValue")
            .float(call.ttft_ms as f64 / 1000.0, 3)
            .end()
            .end();
    }
    usage_attrs(json, &call.usage, family.provider);
    scratch.clear();
    scratch
        .arr()
        .obj()
        .kstr("role", "assistant")
        .key("parts")
        .arr();
    if !call.reply.text.is_empty() {
        scratch
            .obj()
            .kstr("type", "text")
            .kstr("content", &call.reply.text)
            .end();
    }
    for tool_call in &call.reply.tool_calls {
        scratch
            .obj()
            .kstr("type", "tool_call")
            .kstr("id", &tool_call.id)
            .kstr("name", tool_call.name)
            .key("arguments")
            .raw(&tool_call.arguments)
            .end();
    }
    scratch.end().kstr("finish_reason", finish).end().end();
    attr_str(json, "gen_ai.output.messages", &scratch.buf);
    span_tail(json, false);
}
