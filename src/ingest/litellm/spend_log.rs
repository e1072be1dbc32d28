//! LiteLLM proxy spend logs: rows of the `LiteLLM_SpendLogs` table, as JSON Lines (the
//! `/spend/logs` API, a database dump) or CSV (a `COPY … TO … CSV HEADER` export), where the
//! JSON columns (`metadata`, `request_tags`, `response`…) are JSON text.
//!
//! Column mapping: `spend` → stated cost; `prompt_tokens`/`completion_tokens`/`total_tokens`
//! plus `metadata.usage_object` / `metadata.additional_usage_values` → buckets (see
//! [`super::usage`]); `startTime`, `endTime`, `completionStartTime`, `request_duration_ms` →
//! time, latency, time to first token; `request_id` (the provider's response id, e.g.
//! `chatcmpl-…`, else LiteLLM's call UUID) → response and request ids; `session_id` (LiteLLM's
//! trace id) → session; `status` / `metadata.status` = `failure` → error; `cache_hit` →
//! [`SkipReason::GatewayCacheHit`]; identities and `request_tags` → tags.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::usage::UsageParts;
use super::{
    Metadata, RequestFacts, ResponseFacts, Scalar, failure_of, is_bare_uuid, is_nonempty_object,
    json_text, no_call, number_of, parse_flag, parse_tags, parse_time_text, pick_model,
    provider_of, push_tag, raw_flag, raw_time, status_of, timing,
};
use crate::ingest::values::count;
use crate::ingest::{CsvHeaders, CsvRow, LineOutcome, json_error};
use crate::record::CallRecord;

/// Whether one JSON record is a spend-log row: the table's key columns together.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    let has = |key: &str| value.get(key).is_some();
    has("request_id")
        && has("call_type")
        && has("spend")
        && (has("startTime") || has("start_time"))
        && (has("api_key") || has("prompt_tokens") || has("total_tokens"))
}

/// Whether a CSV header is a spend-log export.
pub(crate) fn looks_like_header(headers: &CsvHeaders) -> bool {
    headers.has_all(&["request_id", "call_type", "spend", "model"])
        && (headers.has("startTime") || headers.has("start_time"))
}

/// A spend-log row as JSON; unknown columns are ignored.
#[derive(Deserialize, Default)]
#[serde(default, bound(deserialize = "'de: 'a"))]
struct Json<'a> {
    request_id: Scalar<'a>,
    call_type: Scalar<'a>,
    spend: Option<&'a RawValue>,
    prompt_tokens: Option<&'a RawValue>,
    completion_tokens: Option<&'a RawValue>,
    total_tokens: Option<&'a RawValue>,
    #[serde(rename = "startTime", alias = "start_time")]
    start_time: Option<&'a RawValue>,
    #[serde(rename = "endTime", alias = "end_time")]
    end_time: Option<&'a RawValue>,
    #[serde(rename = "completionStartTime", alias = "completion_start_time")]
    completion_start_time: Option<&'a RawValue>,
    request_duration_ms: Option<&'a RawValue>,
    model: Scalar<'a>,
    model_group: Scalar<'a>,
    custom_llm_provider: Scalar<'a>,
    api_base: Scalar<'a>,
    user: Scalar<'a>,
    team_id: Scalar<'a>,
    organization_id: Scalar<'a>,
    end_user: Scalar<'a>,
    session_id: Scalar<'a>,
    status: Scalar<'a>,
    agent_id: Scalar<'a>,
    mcp_namespaced_tool_name: Scalar<'a>,
    cache_hit: Option<&'a RawValue>,
    request_tags: Option<&'a RawValue>,
    metadata: Option<&'a RawValue>,
    messages: Option<&'a RawValue>,
    response: Option<&'a RawValue>,
    proxy_server_request: Option<&'a RawValue>,
}

/// One spend-log row, whichever container it came from. JSON columns are JSON text.
#[derive(Default)]
struct Row<'a> {
    request_id: Option<Cow<'a, str>>,
    call_type: Option<Cow<'a, str>>,
    spend: Option<f64>,
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    total_tokens: Option<u64>,
    start_ms: Option<i64>,
    end_ms: Option<i64>,
    completion_start_ms: Option<i64>,
    duration_ms: Option<f64>,
    model: Option<Cow<'a, str>>,
    model_group: Option<Cow<'a, str>>,
    custom_llm_provider: Option<Cow<'a, str>>,
    api_base: Option<Cow<'a, str>>,
    user: Option<Cow<'a, str>>,
    team_id: Option<Cow<'a, str>>,
    organization_id: Option<Cow<'a, str>>,
    end_user: Option<Cow<'a, str>>,
    session_id: Option<Cow<'a, str>>,
    status: Option<Cow<'a, str>>,
    agent_id: Option<Cow<'a, str>>,
    mcp_tool: Option<Cow<'a, str>>,
    cache_hit: Option<bool>,
    request_tags: Vec<String>,
    metadata: Option<Cow<'a, str>>,
    messages: Option<Cow<'a, str>>,
    response: Option<Cow<'a, str>>,
    proxy_server_request: Option<Cow<'a, str>>,
}

/// Parses one spend-log JSON record.
pub(super) fn parse_line(line: &[u8]) -> LineOutcome {
    let json: Json<'_> = match serde_json::from_slice(line) {
        Ok(json) => json,
        Err(err) => return json_error(err, line),
    };
    let text = Scalar::into_inner;
    let row = Row {
        request_id: text(json.request_id),
        call_type: text(json.call_type),
        spend: json.spend.and_then(number_of),
        prompt_tokens: json.prompt_tokens.and_then(count),
        completion_tokens: json.completion_tokens.and_then(count),
        total_tokens: json.total_tokens.and_then(count),
        start_ms: json.start_time.and_then(raw_time),
        end_ms: json.end_time.and_then(raw_time),
        completion_start_ms: json.completion_start_time.and_then(raw_time),
        duration_ms: json.request_duration_ms.and_then(number_of),
        model: text(json.model),
        model_group: text(json.model_group),
        custom_llm_provider: text(json.custom_llm_provider),
        api_base: text(json.api_base),
        user: text(json.user),
        team_id: text(json.team_id),
        organization_id: text(json.organization_id),
        end_user: text(json.end_user),
        session_id: text(json.session_id),
        status: text(json.status),
        agent_id: text(json.agent_id),
        mcp_tool: text(json.mcp_namespaced_tool_name),
        cache_hit: json.cache_hit.and_then(raw_flag),
        request_tags: json
            .request_tags
            .and_then(json_text)
            .map(|t| parse_tags(&t))
            .unwrap_or_default(),
        metadata: json.metadata.and_then(json_text),
        messages: json.messages.and_then(json_text),
        response: json.response.and_then(json_text),
        proxy_server_request: json.proxy_server_request.and_then(json_text),
    };
    if row.request_id.is_none() && row.call_type.is_none() && row.model.is_none() {
        return LineOutcome::Error(
            "not a LiteLLM spend log: no request_id, call_type or model".into(),
        );
    }
    build(row)
}

/// Parses one data row of a spend-log CSV export.
pub(crate) fn parse_row(csv: &CsvRow<'_>) -> LineOutcome {
    let text = |names: &[&str]| csv.get(names).map(Cow::Borrowed);
    let time = |names: &[&str]| csv.get(names).and_then(parse_time_text);
    let tokens = |name: &str| {
        csv.get(&[name]).map(|cell| {
            csv.u64(&[name])
                .ok_or_else(|| format!("LiteLLM spend log: `{name}` is not a token count: {cell}"))
        })
    };
    let (prompt_tokens, completion_tokens, total_tokens) = match (
        tokens("prompt_tokens").transpose(),
        tokens("completion_tokens").transpose(),
        tokens("total_tokens").transpose(),
    ) {
        (Ok(p), Ok(c), Ok(t)) => (p, c, t),
        (Err(message), _, _) | (_, Err(message), _) | (_, _, Err(message)) => {
            return LineOutcome::Error(message);
        }
    };
    let spend = match csv.get(&["spend"]) {
        Some(cell) => match csv.f64(&["spend"]).filter(|v| v.is_finite()) {
            Some(spend) => Some(spend),
            None => {
                return LineOutcome::Error(format!(
                    "LiteLLM spend log: `spend` is not a number: {cell}"
                ));
            }
        },
        None => None,
    };
    let row = Row {
        request_id: text(&["request_id"]),
        call_type: text(&["call_type"]),
        spend,
        prompt_tokens,
        completion_tokens,
        total_tokens,
        start_ms: time(&["startTime", "start_time"]),
        end_ms: time(&["endTime", "end_time"]),
        completion_start_ms: time(&["completionStartTime", "completion_start_time"]),
        duration_ms: csv.f64(&["request_duration_ms"]),
        model: text(&["model"]),
        model_group: text(&["model_group"]),
        custom_llm_provider: text(&["custom_llm_provider"]),
        api_base: text(&["api_base"]),
        user: text(&["user"]),
        team_id: text(&["team_id"]),
        organization_id: text(&["organization_id"]),
        end_user: text(&["end_user"]),
        session_id: text(&["session_id"]),
        status: text(&["status"]),
        agent_id: text(&["agent_id"]),
        mcp_tool: text(&["mcp_namespaced_tool_name"]),
        cache_hit: csv.get(&["cache_hit"]).and_then(parse_flag),
        request_tags: csv
            .get(&["request_tags"])
            .map(parse_tags)
            .unwrap_or_default(),
        metadata: text(&["metadata"]),
        messages: text(&["messages"]),
        response: text(&["response"]),
        proxy_server_request: text(&["proxy_server_request"]),
    };
    build(row)
}

/// Turns a spend-log row into a call or a skip.
fn build(row: Row<'_>) -> LineOutcome {
    let metadata = match Metadata::parse(row.metadata.as_deref()) {
        Ok(metadata) => metadata,
        Err(message) => return LineOutcome::Error(message),
    };
    let response = ResponseFacts::parse(row.response.as_deref());
    let mut usage = UsageParts {
        prompt: row.prompt_tokens,
        completion: row.completion_tokens,
        total: row.total_tokens,
        ..UsageParts::default()
    };
    metadata.add_usage(&mut usage);
    if let Some(parsed) = response
        .usage
        .as_deref()
        .and_then(super::usage::Usage::parse)
    {
        usage.add(&parsed);
    }
    let request_id = row.request_id.as_deref().map(str::trim);
    // LiteLLM suffixes the id of a cached answer with `_cache_hit<time>`, since the table's key
    // must stay unique; older rows may leave `cache_hit` itself empty.
    let cache_hit =
        row.cache_hit == Some(true) || request_id.is_some_and(|id| id.contains("_cache_hit"));
    let failed = [row.status.as_deref(), metadata.status.get()]
        .into_iter()
        .flatten()
        .any(|status| status.eq_ignore_ascii_case("failure"));
    let call_type = row.call_type.as_deref();
    let failure = failed.then(|| failure_of([metadata.error_information.as_ref(), None]));
    if let Some(outcome) = no_call(call_type, cache_hit, failure, &usage, row.spend) {
        return outcome;
    }
    let map_key = metadata
        .model_map_information
        .as_ref()
        .and_then(|m| m.model_map_key.get());
    let Some(picked) = pick_model(&[
        response.model.as_deref(),
        map_key,
        row.model.as_deref(),
        row.model_group.as_deref(),
    ]) else {
        return LineOutcome::Error("LiteLLM spend log names no model".into());
    };
    let (raw_model, model) = (picked.raw, picked.name);
    let provider_route = row.custom_llm_provider.as_deref();
    let (latency, ttft, first_token_seen) = timing(
        row.start_ms,
        row.end_ms,
        row.completion_start_ms,
        row.duration_ms,
    );
    let mut record = CallRecord {
        provider: provider_of(&model, provider_route),
        residency: picked.residency,
        timestamp_ms: row.start_ms,
        latency_ms: latency,
        time_to_first_token_ms: ttft,
        status: status_of(failed, response.finish_reason.as_deref()),
        response_id: response.id.clone().or_else(|| {
            request_id
                .filter(|id| !id.is_empty() && !is_bare_uuid(id))
                .map(str::to_string)
        }),
        request_id: request_id.filter(|id| !id.is_empty()).map(str::to_string),
        session_id: row.session_id.as_deref().map(str::to_string),
        tokens: usage.buckets(),
        stated_cost_usd: row.spend,
        service_tier: response.service_tier.clone(),
        ..CallRecord::default()
    };
    record.features.streamed = first_token_seen;
    record.features.finish_reason = response.finish_reason.clone();
    record.features.tool_calls = response.tool_calls;
    record.features.batch = call_type.is_some_and(|t| t.to_ascii_lowercase().contains("batch"));
    let mut request = RequestFacts::default();
    if let Some(body) = row
        .proxy_server_request
        .as_deref()
        .filter(|t| is_nonempty_object(t))
    {
        request.add_parameters(serde_json::from_str::<&RawValue>(body).ok());
    }
    if request.prompt.messages == 0
        && let Some(messages) = row.messages.as_deref()
    {
        request.add_messages(serde_json::from_str::<&RawValue>(messages).ok());
    }
    request.apply(&mut record);

    let tags = &mut record.tags;
    push_tag(tags, "litellm_trace_id", row.session_id.as_deref());
    push_tag(tags, "provider", provider_route);
    push_tag(tags, "model_group", row.model_group.as_deref());
    if raw_model != model {
        push_tag(tags, "litellm_model", Some(raw_model));
    }
    push_tag(tags, "api_base", row.api_base.as_deref());
    push_tag(tags, "call_type", call_type);
    push_tag(tags, "user", row.user.as_deref());
    push_tag(tags, "team_id", row.team_id.as_deref());
    push_tag(tags, "org_id", row.organization_id.as_deref());
    push_tag(tags, "end_user", row.end_user.as_deref());
    push_tag(tags, "agent_id", row.agent_id.as_deref());
    push_tag(tags, "mcp_tool", row.mcp_tool.as_deref());
    push_tag(tags, "retries", metadata.attempted_retries.get());
    push_tag(tags, "max_retries", metadata.max_retries.get());
    for tag in &row.request_tags {
        push_tag(tags, "request_tag", Some(tag));
    }
    metadata.add_tags(tags);
    record.failure = failure;
    record.model = model;
    LineOutcome::Call(Box::new(record))
}
