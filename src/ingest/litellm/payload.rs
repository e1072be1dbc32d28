//! LiteLLM's StandardLoggingPayload: the record every LiteLLM logging callback receives and the
//! bucket, file and HTTP loggers (S3, GCS, generic API…) write out, one per call attempt.
//!
//! Field mapping: `response_cost` (or `hidden_params.response_cost`) → stated cost;
//! `prompt_tokens`/`completion_tokens`/`total_tokens` with `metadata.usage_object`,
//! `hidden_params.usage_object` and `response.usage` → buckets (see [`super::usage`]);
//! `startTime`/`endTime`/`completionStartTime` (Unix seconds as floats) → time, latency, time to
//! first token; `response.id` (the provider's response id for OpenAI) → response id;
//! `hidden_params.litellm_call_id` (else `id`) → request id; `trace_id`, which LiteLLM shares
//! between the attempts of one request (retries, fallbacks), → session and the
//! `litellm_trace_id` tag, with the attempt count (`metadata.attempted_retries`, the
//! `x-litellm-attempted-retries` header) as `retries`; `status: failure` → error;
//! `cache_hit: true` → [`SkipReason::GatewayCacheHit`].

use serde::Deserialize;
use serde_json::value::RawValue;

use super::usage::{Usage, UsageParts};
use super::{
    ErrorInformation, Metadata, ModelMap, RequestFacts, ResponseFacts, Scalar, failure_of,
    is_bare_uuid, json_text, no_call, number_of, parse_tags, pick_model, provider_of, push_tag,
    raw_flag, raw_time, scalar_text, status_of, timing,
};
use crate::ingest::values::count;
use crate::ingest::{LineOutcome, json_error};
use crate::record::CallRecord;

/// Whether one JSON record is a StandardLoggingPayload: a call type and a response cost, with
/// one of the payload's own members (a spend-log row has `spend` instead).
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    let has = |key: &str| value.get(key).is_some();
    has("call_type")
        && has("response_cost")
        && (has("hidden_params")
            || has("model_parameters")
            || has("model_map_information")
            || has("saved_cache_cost"))
}

/// `hidden_params` members used here.
#[derive(Deserialize, Default)]
#[serde(default, bound(deserialize = "'de: 'a"))]
struct HiddenParams<'a> {
    response_cost: Option<&'a RawValue>,
    litellm_model_name: Scalar<'a>,
    litellm_call_id: Scalar<'a>,
    additional_headers: Option<&'a RawValue>,
    usage_object: Option<&'a RawValue>,
}

/// A StandardLoggingPayload; unknown members are ignored.
#[derive(Deserialize, Default)]
#[serde(default, bound(deserialize = "'de: 'a"))]
struct Payload<'a> {
    id: Scalar<'a>,
    trace_id: Scalar<'a>,
    call_id: Scalar<'a>,
    call_type: Scalar<'a>,
    stream: Option<&'a RawValue>,
    response_cost: Option<&'a RawValue>,
    status: Scalar<'a>,
    custom_llm_provider: Scalar<'a>,
    prompt_tokens: Option<&'a RawValue>,
    completion_tokens: Option<&'a RawValue>,
    total_tokens: Option<&'a RawValue>,
    #[serde(rename = "startTime")]
    start_time: Option<&'a RawValue>,
    #[serde(rename = "endTime")]
    end_time: Option<&'a RawValue>,
    #[serde(rename = "completionStartTime")]
    completion_start_time: Option<&'a RawValue>,
    response_time: Option<&'a RawValue>,
    model_map_information: Option<ModelMap<'a>>,
    model: Scalar<'a>,
    model_group: Scalar<'a>,
    api_base: Scalar<'a>,
    metadata: Option<&'a RawValue>,
    cache_hit: Option<&'a RawValue>,
    request_tags: Option<&'a RawValue>,
    end_user: Scalar<'a>,
    messages: Option<&'a RawValue>,
    response: Option<&'a RawValue>,
    error_information: Option<ErrorInformation<'a>>,
    model_parameters: Option<&'a RawValue>,
    hidden_params: Option<HiddenParams<'a>>,
}

/// A header LiteLLM added to the response (`x-litellm-attempted-retries`…), by name in either
/// spelling (`-` or `_`) and any case.
fn header(headers: Option<&RawValue>, name: &str) -> Option<String> {
    let text = json_text(headers?)?;
    let map: std::collections::BTreeMap<String, &RawValue> = serde_json::from_str(&text).ok()?;
    map.iter()
        .find(|(key, _)| key.replace('_', "-").eq_ignore_ascii_case(name))
        .and_then(|(_, value)| scalar_text(value))
        .map(|value| value.into_owned())
}

/// Parses one StandardLoggingPayload record.
pub(super) fn parse_line(line: &[u8]) -> LineOutcome {
    let payload: Payload<'_> = match serde_json::from_slice(line) {
        Ok(payload) => payload,
        Err(err) => return json_error(err, line),
    };
    if payload.call_type.get().is_none() && payload.model.get().is_none() {
        return LineOutcome::Error(
            "not a LiteLLM StandardLoggingPayload: no call_type or model".into(),
        );
    }
    let metadata_text = payload.metadata.and_then(json_text);
    let metadata = match Metadata::parse(metadata_text.as_deref()) {
        Ok(metadata) => metadata,
        Err(message) => return LineOutcome::Error(message),
    };
    let hidden = payload.hidden_params.unwrap_or_default();
    let response_text = payload.response.and_then(json_text);
    let response = ResponseFacts::parse(response_text.as_deref());

    let mut usage = UsageParts {
        prompt: payload.prompt_tokens.and_then(count),
        completion: payload.completion_tokens.and_then(count),
        total: payload.total_tokens.and_then(count),
        ..UsageParts::default()
    };
    metadata.add_usage(&mut usage);
    let hidden_usage = hidden.usage_object.and_then(json_text);
    let response_usage = response.usage.as_deref();
    for text in [hidden_usage.as_deref(), response_usage]
        .into_iter()
        .flatten()
    {
        if let Some(parsed) = Usage::parse(text) {
            usage.add(&parsed);
        }
    }

    let cache_hit = payload.cache_hit.and_then(raw_flag) == Some(true);
    let failed = payload
        .status
        .get()
        .is_some_and(|status| status.eq_ignore_ascii_case("failure"));
    let cost = payload
        .response_cost
        .and_then(number_of)
        .or(hidden.response_cost.and_then(number_of));
    let call_type = payload.call_type.get();
    let failure = failed.then(|| {
        failure_of([
            metadata.error_information.as_ref(),
            payload.error_information.as_ref(),
        ])
    });
    if let Some(outcome) = no_call(call_type, cache_hit, failure, &usage, cost) {
        return outcome;
    }
    let map_key = payload
        .model_map_information
        .as_ref()
        .and_then(|m| m.model_map_key.get());
    let Some(picked) = pick_model(&[
        response.model.as_deref(),
        map_key,
        hidden.litellm_model_name.get(),
        payload.model.get(),
        payload.model_group.get(),
    ]) else {
        return LineOutcome::Error("LiteLLM payload names no model".into());
    };
    let (raw_model, model) = (picked.raw, picked.name);

    let start_ms = payload.start_time.and_then(raw_time);
    let duration_ms = payload
        .response_time
        .and_then(number_of)
        .filter(|seconds| *seconds >= 0.0)
        .map(|seconds| seconds * 1000.0);
    let (latency, ttft, first_token_seen) = timing(
        start_ms,
        payload.end_time.and_then(raw_time),
        payload.completion_start_time.and_then(raw_time),
        duration_ms,
    );
    let payload_id = payload.id.get().map(str::trim).filter(|id| !id.is_empty());
    let trace_id = payload.trace_id.get();
    let provider_route = payload.custom_llm_provider.get();
    let mut record = CallRecord {
        provider: provider_of(&model, provider_route),
        residency: picked.residency,
        timestamp_ms: start_ms,
        latency_ms: latency,
        time_to_first_token_ms: ttft,
        status: status_of(failed, response.finish_reason.as_deref()),
        response_id: response.id.clone().or_else(|| {
            payload_id
                .filter(|id| !is_bare_uuid(id))
                .map(str::to_string)
        }),
        request_id: hidden
            .litellm_call_id
            .get()
            .or(payload.call_id.get())
            .or(payload_id)
            .map(str::to_string),
        session_id: metadata
            .session_id
            .get()
            .or(metadata.litellm_session_id.get())
            .or(trace_id)
            .map(str::to_string),
        tokens: usage.buckets(),
        stated_cost_usd: cost,
        service_tier: response.service_tier.clone(),
        ..CallRecord::default()
    };
    record.features.streamed =
        first_token_seen || payload.stream.and_then(raw_flag).unwrap_or(false);
    record.features.finish_reason = response.finish_reason.clone();
    record.features.tool_calls = response.tool_calls;
    record.features.batch = call_type.is_some_and(|t| t.to_ascii_lowercase().contains("batch"));
    let mut request = RequestFacts::default();
    request.add_messages(payload.messages);
    request.add_parameters(payload.model_parameters);
    request.apply(&mut record);

    let retries = metadata
        .attempted_retries
        .get()
        .map(str::to_string)
        .or_else(|| header(hidden.additional_headers, "x-litellm-attempted-retries"));
    let max_retries = metadata
        .max_retries
        .get()
        .map(str::to_string)
        .or_else(|| header(hidden.additional_headers, "x-litellm-max-retries"));
    let tags = &mut record.tags;
    push_tag(tags, "litellm_trace_id", trace_id);
    push_tag(tags, "retries", retries.as_deref());
    push_tag(tags, "max_retries", max_retries.as_deref());
    push_tag(tags, "provider", provider_route);
    push_tag(tags, "model_group", payload.model_group.get());
    if raw_model != model {
        push_tag(tags, "litellm_model", Some(raw_model));
    }
    push_tag(tags, "api_base", payload.api_base.get());
    push_tag(tags, "call_type", call_type);
    push_tag(tags, "user", metadata.user_api_key_user_id.get());
    push_tag(tags, "team_id", metadata.user_api_key_team_id.get());
    push_tag(tags, "org_id", metadata.user_api_key_org_id.get());
    push_tag(
        tags,
        "end_user",
        payload
            .end_user
            .get()
            .or(metadata.user_api_key_end_user_id.get()),
    );
    if let Some(text) = payload.request_tags.and_then(json_text) {
        for tag in parse_tags(&text) {
            push_tag(tags, "request_tag", Some(&tag));
        }
    }
    metadata.add_tags(tags);
    if let Some(error) = &payload.error_information {
        push_tag(tags, "error_class", error.error_class.get());
        push_tag(tags, "error_code", error.error_code.get());
    }
    record.failure = failure;
    record.model = model;
    LineOutcome::Call(Box::new(record))
}
