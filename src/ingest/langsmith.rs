//! LangSmith runs export: runs as the API returns them (`GET /runs/{id}`, `POST /runs/query`,
//! one run per JSON line, a JSON array, or a whole `{runs: [...]}` page).
//!
//! Only `run_type: "llm"` runs are model calls. Chains, tools, retrievers, prompts, parsers and
//! embeddings are counted as not a model call; LangSmith rolls its children's tokens and cost up
//! into chain runs (the reference root chain repeats its LLM child's 570/54 tokens), so counting
//! them would count the call twice.
//!
//! # Token convention
//!
//! LangChain's `usage_metadata.input_tokens` is the "sum of all input token types" and
//! `output_tokens` the "sum of all output token types"; `input_token_details` (`cache_read`,
//! `cache_creation`, Anthropic's `ephemeral_5m_input_tokens` / `ephemeral_1h_input_tokens`) and
//! `output_token_details` (`reasoning`) are subsets ("does not need to sum to full input token
//! count"): langchain-core `messages/ai.py` `UsageMetadata`, `InputTokenDetails`
//! (<https://reference.langchain.com/python/langchain-core/messages/ai/UsageMetadata>).
//! langchain-anthropic builds `input_tokens` as Anthropic's `input_tokens + cache_read +
//! cache_creation` (`_create_usage_metadata`). The run's own `prompt_tokens` /
//! `completion_tokens` / `prompt_token_details` / `completion_token_details` are LangSmith's copy
//! of the same numbers (langsmith-sdk `python/langsmith/schemas.py`, `Run`), so both read the
//! same way: cache reads and writes come out of the prompt, reasoning stays inside the output.
//!
//! Older runs carry the provider's raw usage in `outputs.llm_output`: OpenAI's `token_usage`
//! (cached tokens inside `prompt_tokens`) or Anthropic's `usage` (cache outside `input_tokens`),
//! read by their own conventions. `usage_metadata` wins, then the provider's raw usage, then the
//! run's top-level counts (which LangSmith may have estimated with a tokenizer when the model
//! reported none).

use crate::ingest::values::Text;
use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::content::{PromptSummary, Role};
use crate::ingest::observability::{
    add_list_tags, add_short_string_tags, apply_span_times, is_provider_response_id, member_count,
    provider_from_name, push_page_items, push_tag,
};
use crate::ingest::usage::{WireUsage, cache_writes, split_buckets, uncached_input};
use crate::ingest::values::{count, json_text, number, parse_timestamp};
use crate::ingest::wire::{failure_of, is_present};
use crate::ingest::{LineOutcome, LineParser, Parsed, SkipReason, json_error};
use crate::record::{CallRecord, CallStatus, Provider, TokenBuckets};

use crate::ingest::Format;

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format {
    name: "langsmith",
    json: Some(looks_like),
    parser: |_| parser(),
    ..Format::NEW
};

/// One run, with the fields a model call needs.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Run<'a> {
    id: Option<Text<'a>>,
    name: Option<Text<'a>>,
    run_type: Option<Text<'a>>,
    start_time: Option<&'a RawValue>,
    end_time: Option<&'a RawValue>,
    first_token_time: Option<&'a RawValue>,
    status: Option<Text<'a>>,
    error: Option<&'a RawValue>,
    inputs: Option<&'a RawValue>,
    outputs: Option<&'a RawValue>,
    extra: Option<&'a RawValue>,
    tags: Option<&'a RawValue>,
    trace_id: Option<Text<'a>>,
    /// The tracing project's id (LangSmith calls projects "sessions").
    session_id: Option<Text<'a>>,
    thread_id: Option<Text<'a>>,
    prompt_tokens: Option<&'a RawValue>,
    completion_tokens: Option<&'a RawValue>,
    prompt_token_details: Option<&'a RawValue>,
    completion_token_details: Option<&'a RawValue>,
    prompt_cost: Option<&'a RawValue>,
    completion_cost: Option<&'a RawValue>,
    total_cost: Option<&'a RawValue>,
    /// The runs of a query page (`{"runs": [...], "cursors": {...}}`).
    runs: Option<&'a RawValue>,
}

/// `extra`: the chat model's invocation parameters and the run's metadata.
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Extra<'a> {
    invocation_params: Option<InvocationParams<'a>>,
    metadata: Option<&'a RawValue>,
}

/// The parameters LangChain called the model with.
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
struct InvocationParams<'a> {
    model: Option<Text<'a>>,
    model_name: Option<Text<'a>>,
    model_id: Option<Text<'a>>,
    #[serde(rename = "_type")]
    kind: Option<Text<'a>>,
    stream: Option<&'a RawValue>,
    tools: Option<&'a RawValue>,
    functions: Option<&'a RawValue>,
    response_format: Option<&'a RawValue>,
}

/// LangChain's `ls_*` model metadata, and usage logged by `@traceable` code.
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Metadata<'a> {
    ls_provider: Option<Text<'a>>,
    ls_model_name: Option<Text<'a>>,
    ls_structured_output_format: Option<&'a RawValue>,
    usage_metadata: Option<&'a RawValue>,
}

/// A chat model run's outputs (an `LLMResult`), or a wrapped provider response.
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Outputs<'a> {
    generations: Option<&'a RawValue>,
    llm_output: Option<LlmOutput<'a>>,
    usage_metadata: Option<&'a RawValue>,
    /// A wrapped provider response (`wrap_openai`, `wrap_anthropic`) keeps its raw usage.
    usage: Option<&'a RawValue>,
    id: Option<&'a RawValue>,
    model: Option<Text<'a>>,
    service_tier: Option<Text<'a>>,
}

/// `llm_output`: the provider's raw usage and model, as older LangChain versions kept them.
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
struct LlmOutput<'a> {
    token_usage: Option<&'a RawValue>,
    usage: Option<&'a RawValue>,
    model_name: Option<Text<'a>>,
    model: Option<Text<'a>>,
    id: Option<&'a RawValue>,
}

/// One generation of an `LLMResult`.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Generation<'a> {
    generation_info: Option<GenerationInfo<'a>>,
    message: Option<&'a RawValue>,
}

/// `generation_info`: the provider's finish reason.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct GenerationInfo<'a> {
    finish_reason: Option<Text<'a>>,
}

/// An AI message, serialized (`{lc, type, id: [...], kwargs: {...}}`) or plain.
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Message<'a> {
    #[serde(alias = "data")]
    kwargs: Option<&'a RawValue>,
    usage_metadata: Option<&'a RawValue>,
    response_metadata: Option<ResponseMetadata<'a>>,
    tool_calls: Option<&'a RawValue>,
    id: Option<&'a RawValue>,
}

/// `response_metadata` of an AI message: the provider's response id, model and stop reason.
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ResponseMetadata<'a> {
    id: Option<&'a RawValue>,
    model_name: Option<Text<'a>>,
    model: Option<Text<'a>>,
    finish_reason: Option<Text<'a>>,
    stop_reason: Option<Text<'a>>,
    service_tier: Option<Text<'a>>,
}

/// Whether a parsed JSON value is a LangSmith run, or a query page of runs.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    if let Some(runs) = value.get("runs").and_then(|r| r.as_array()) {
        return runs.iter().take(8).any(is_run);
    }
    is_run(value)
}

/// Whether one JSON object has a run's type and its start time or trace position.
fn is_run(value: &serde_json::Value) -> bool {
    value.get("run_type").is_some_and(|t| t.is_string())
        && ["start_time", "trace_id", "dotted_order"]
            .iter()
            .any(|key| value.get(key).is_some())
}

/// A stateless parser: one outcome per run, several for a query page.
pub(crate) fn parser() -> Box<dyn LineParser> {
    Box::new(RunParser)
}

/// Reads runs; holds no state, so chunks of one file may be read in parallel.
struct RunParser;

impl LineParser for RunParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        let outcome =
            match serde_json::from_slice::<Run<'_>>(line) {
                Ok(Run {
                    run_type: None,
                    runs: Some(runs),
                    ..
                }) => {
                    let what = "LangSmith page `runs`";
                    return push_page_items(out, line_no, runs, what, |item| {
                        match serde_json::from_slice::<Run<'_>>(item) {
                            Ok(inner) => parse_run(&inner),
                            Err(err) => json_error(err, item),
                        }
                    });
                }
                Ok(run) => parse_run(&run),
                Err(err) => json_error(err, line),
            };
        out.push(Parsed {
            line: line_no,
            outcome,
        });
    }
}

/// What the run's outputs say about the call.
#[derive(Default)]
struct Found {
    tokens: Option<TokenBuckets>,
    usage_cost: Option<f64>,
    model: Option<String>,
    response_id: Option<String>,
    finish_reason: Option<String>,
    service_tier: Option<String>,
    tool_calls: u32,
}

/// Turns one run into a call or a skip.
fn parse_run(run: &Run<'_>) -> LineOutcome {
    let Some(run_type) = run.run_type.as_deref() else {
        return LineOutcome::Error("not a LangSmith run: no `run_type`".into());
    };
    if !run_type.eq_ignore_ascii_case("llm") {
        return LineOutcome::Skip(SkipReason::NotAModelCall);
    }
    let failed = run
        .status
        .as_deref()
        .is_some_and(|s| s.eq_ignore_ascii_case("error"))
        || is_present(run.error);
    let failure = failed.then(|| failure_of(None, run.error));
    let extra: Extra<'_> = match run.extra {
        Some(raw) => match serde_json::from_str(raw.get()) {
            Ok(extra) => extra,
            Err(err) => return LineOutcome::Error(format!("invalid LangSmith `extra`: {err}")),
        },
        None => Extra::default(),
    };
    let metadata: Metadata<'_> = extra
        .metadata
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or_default();
    let mut found = match run.outputs {
        Some(raw) => read_outputs(raw),
        None => Found::default(),
    };
    if found.tokens.is_none() {
        found.tokens = metadata.usage_metadata.and_then(|raw| {
            let usage: LcUsage<'_> = serde_json::from_str(raw.get()).ok()?;
            found.usage_cost = usage.total_cost.and_then(number);
            usage.buckets()
        });
    }
    let tokens = found
        .tokens
        .or_else(|| {
            lc_buckets(
                run.prompt_tokens,
                run.completion_tokens,
                run.prompt_token_details,
                run.completion_token_details,
            )
        })
        .filter(|t| t.total() > 0);
    let Some(tokens) = tokens else {
        return LineOutcome::without_usage(failure);
    };
    let params = extra.invocation_params.unwrap_or_default();
    let model = found.model.or_else(|| {
        [
            &params.model,
            &params.model_name,
            &params.model_id,
            &metadata.ls_model_name,
        ]
        .into_iter()
        .flatten()
        .find(|m| !m.trim().is_empty())
        .map(|m| m.to_string())
    });
    let Some(model) = model else {
        return LineOutcome::Error("LangSmith llm run has usage but names no model".into());
    };
    let provider = metadata
        .ls_provider
        .as_deref()
        .or(params.kind.as_deref())
        .map_or(Provider::Unknown, |name| provider_from_name(name, &model));
    let mut record = CallRecord {
        provider: if provider == Provider::Unknown {
            Provider::from_model(&model)
        } else {
            provider
        },
        model,
        tokens,
        failure,
        status: if failed {
            CallStatus::Error
        } else if matches!(
            found.finish_reason.as_deref(),
            Some("length" | "max_tokens")
        ) {
            CallStatus::Incomplete
        } else {
            CallStatus::Ok
        },
        response_id: found.response_id,
        request_id: run.id.as_deref().map(str::to_string),
        session_id: run.trace_id.as_deref().map(str::to_string),
        service_tier: found.service_tier,
        stated_cost_usd: stated_cost(run).or(found.usage_cost),
        ..CallRecord::default()
    };
    let start = run.start_time.and_then(parse_timestamp);
    let end = run.end_time.and_then(parse_timestamp);
    let first = run.first_token_time.and_then(parse_timestamp);
    apply_span_times(&mut record, start, end, first);
    let features = &mut record.features;
    features.finish_reason = found.finish_reason;
    features.tool_calls = found.tool_calls;
    // LangChain records a first-token time only from streamed tokens.
    features.streamed = first.is_some()
        || params
            .stream
            .is_some_and(|s| s.get() == "true" || s.get() == "\"true\"");
    let tools = params.tools.or(params.functions);
    features.tools_defined = member_count(tools);
    features.json_schema = params
        .response_format
        .is_some_and(|f| f.get().contains("json"))
        || is_present(metadata.ls_structured_output_format);
    if let Some(inputs) = run.inputs {
        let mut prompt = PromptSummary::default();
        if let Some(tools) = tools {
            prompt.add_tool_definitions(tools.get());
        }
        summarize_inputs(inputs, &mut prompt);
        prompt.apply_to(&mut record);
    }
    add_tags(run, extra.metadata, &mut record.tags);
    LineOutcome::Call(Box::new(record))
}

/// Usage, model, response id and finish reason from a run's outputs.
fn read_outputs(raw: &RawValue) -> Found {
    let mut found = Found::default();
    let Ok(outputs) = serde_json::from_str::<Outputs<'_>>(raw.get()) else {
        return found;
    };
    if let Some(usage) = outputs
        .usage_metadata
        .and_then(|raw| serde_json::from_str::<LcUsage<'_>>(raw.get()).ok())
    {
        found.usage_cost = usage.total_cost.and_then(number);
        found.tokens = usage.buckets();
    }
    let mut response_model = None;
    if let Some(message) = outputs.generations.and_then(first_message) {
        if found.tokens.is_none()
            && let Some(usage) = message
                .usage_metadata
                .and_then(|raw| serde_json::from_str::<LcUsage<'_>>(raw.get()).ok())
        {
            found.usage_cost = usage.total_cost.and_then(number);
            found.tokens = usage.buckets();
        }
        found.tool_calls = member_count(message.tool_calls);
        if let Some(meta) = &message.response_metadata {
            response_model = meta
                .model_name
                .as_deref()
                .or(meta.model.as_deref())
                .map(str::to_string);
            found.response_id = meta.id.and_then(provider_id);
            found.service_tier = meta.service_tier.as_deref().map(str::to_string);
            found.finish_reason = meta
                .finish_reason
                .as_deref()
                .or(meta.stop_reason.as_deref())
                .map(str::to_string);
        }
        if found.response_id.is_none() {
            found.response_id = message.id.and_then(provider_id);
        }
    }
    if let Some(info) = outputs.generations.and_then(first_generation_info) {
        found.finish_reason = found.finish_reason.or(info);
    }
    let llm_output = outputs.llm_output.unwrap_or_default();
    if found.tokens.is_none() {
        found.tokens = [llm_output.token_usage, llm_output.usage, outputs.usage]
            .into_iter()
            .flatten()
            .find_map(|raw| {
                serde_json::from_str::<WireUsage<'_>>(raw.get())
                    .ok()?
                    .buckets()
            });
    }
    found.model = llm_output
        .model_name
        .as_deref()
        .or(llm_output.model.as_deref())
        .map(str::to_string)
        .or(response_model)
        .or_else(|| outputs.model.as_deref().map(str::to_string))
        .filter(|m| !m.trim().is_empty());
    found.response_id = found.response_id.or_else(|| {
        [llm_output.id, outputs.id]
            .into_iter()
            .flatten()
            .find_map(provider_id)
    });
    found.service_tier = found
        .service_tier
        .or_else(|| outputs.service_tier.as_deref().map(str::to_string));
    found
}

/// The first generation's message (generations are a list per prompt, or a flat list).
fn first_message(raw: &RawValue) -> Option<Message<'_>> {
    let first = first_generation(raw)?;
    let message = first.message?;
    let outer: Message<'_> = serde_json::from_str(message.get()).ok()?;
    match outer.kwargs {
        Some(kwargs) => serde_json::from_str(kwargs.get()).ok(),
        None => Some(outer),
    }
}

/// The first generation of the first prompt.
fn first_generation(raw: &RawValue) -> Option<Generation<'_>> {
    if let Ok(nested) = serde_json::from_str::<Vec<Vec<Generation<'_>>>>(raw.get()) {
        return nested.into_iter().flatten().next();
    }
    serde_json::from_str::<Vec<Generation<'_>>>(raw.get())
        .ok()?
        .into_iter()
        .next()
}

/// The first generation's finish reason, when it has generation info.
fn first_generation_info(raw: &RawValue) -> Option<Option<String>> {
    let info = first_generation(raw)?.generation_info?;
    Some(info.finish_reason.map(Text::into_owned))
}

/// A provider response id held in a JSON string.
fn provider_id(raw: &RawValue) -> Option<String> {
    json_text(raw)
        .filter(|id| is_provider_response_id(id))
        .map(Cow::into_owned)
}

/// LangChain `usage_metadata`.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct LcUsage<'a> {
    input_tokens: Option<&'a RawValue>,
    output_tokens: Option<&'a RawValue>,
    input_token_details: Option<&'a RawValue>,
    output_token_details: Option<&'a RawValue>,
    total_cost: Option<&'a RawValue>,
}

impl LcUsage<'_> {
    fn buckets(&self) -> Option<TokenBuckets> {
        lc_buckets(
            self.input_tokens,
            self.output_tokens,
            self.input_token_details,
            self.output_token_details,
        )
    }
}

/// Buckets from LangChain-convention counts: every detail is a subset of its total.
fn lc_buckets(
    input: Option<&RawValue>,
    output: Option<&RawValue>,
    input_details: Option<&RawValue>,
    output_details: Option<&RawValue>,
) -> Option<TokenBuckets> {
    let prompt = input.and_then(count);
    let completion = output.and_then(count);
    if prompt.is_none() && completion.is_none() {
        return None;
    }
    let prompt = prompt.unwrap_or(0);
    let output = completion.unwrap_or(0);
    let details = |raw: Option<&RawValue>| -> BTreeMap<String, u64> {
        raw.and_then(|r| serde_json::from_str::<BTreeMap<Cow<'_, str>, &RawValue>>(r.get()).ok())
            .map(|map| {
                map.into_iter()
                    .filter_map(|(k, v)| Some((k.into_owned(), count(v)?)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let input_details = details(input_details);
    let output_details = details(output_details);
    let get = |map: &BTreeMap<String, u64>, key: &str| map.get(key).copied().unwrap_or(0);
    let cache_read = get(&input_details, "cache_read");
    let (write_5m, write_1h) = cache_writes(
        input_details.get("cache_creation").copied(),
        input_details.get("ephemeral_5m_input_tokens").copied(),
        input_details.get("ephemeral_1h_input_tokens").copied(),
    );
    // LangChain's input count includes cache reads and writes.
    let input = uncached_input(prompt, cache_read, write_5m + write_1h);
    let reasoning = get(&output_details, "reasoning");
    Some(split_buckets(
        input,
        cache_read,
        (write_5m, write_1h),
        output,
        reasoning,
    ))
}

/// The cost LangSmith states for the run: `total_cost`, else prompt plus completion cost.
fn stated_cost(run: &Run<'_>) -> Option<f64> {
    run.total_cost
        .and_then(number)
        .or_else(|| {
            let prompt = run.prompt_cost.and_then(number);
            let completion = run.completion_cost.and_then(number);
            (prompt.is_some() || completion.is_some())
                .then(|| prompt.unwrap_or(0.0) + completion.unwrap_or(0.0))
        })
        .filter(|cost| *cost >= 0.0)
}

/// A chat model's `messages` or a completion model's `prompts`.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Inputs<'a> {
    messages: Option<&'a RawValue>,
    prompts: Option<Vec<Text<'a>>>,
}

/// A LangChain message, serialized (`{lc, id: [..., "HumanMessage"], kwargs: {...}}`) or plain
/// (`{type: "human", content}`, `{role, content}`).
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct LcMessage<'a> {
    id: Option<&'a RawValue>,
    kwargs: Option<Box<LcMessage<'a>>>,
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    role: Option<Text<'a>>,
    content: Option<&'a RawValue>,
}

/// The role of a LangChain message type or class name.
fn lc_role(name: &str) -> Role {
    match name {
        "human" | "HumanMessage" | "HumanMessageChunk" => Role::User,
        "ai" | "AIMessage" | "AIMessageChunk" => Role::Assistant,
        "system" | "SystemMessage" => Role::System,
        "tool" | "ToolMessage" | "function" | "FunctionMessage" => Role::Tool,
        other => Role::from_name(other),
    }
}

/// Folds a chat model's inputs (`messages`: one list per prompt, or one list) or an LLM's
/// `prompts` into `prompt`.
fn summarize_inputs(raw: &RawValue, prompt: &mut PromptSummary) {
    let Ok(inputs) = serde_json::from_str::<Inputs<'_>>(raw.get()) else {
        return;
    };
    if let Some(text) = inputs.prompts.as_ref().and_then(|prompts| prompts.first())
        && let Ok(raw) = serde_json::value::to_raw_value(text)
    {
        prompt.add_message(Role::User, Some(&raw));
    }
    let Some(messages) = inputs.messages else {
        return;
    };
    let list: Vec<LcMessage<'_>> =
        match serde_json::from_str::<Vec<Vec<LcMessage<'_>>>>(messages.get()) {
            Ok(nested) => nested.into_iter().next().unwrap_or_default(),
            Err(_) => serde_json::from_str(messages.get()).unwrap_or_default(),
        };
    for message in list {
        let class = message
            .id
            .and_then(|id| serde_json::from_str::<Vec<Cow<'_, str>>>(id.get()).ok())
            .and_then(|path| path.last().map(|c| c.to_string()));
        let (kind, role, content) = match &message.kwargs {
            Some(inner) => (inner.kind.as_deref(), inner.role.as_deref(), inner.content),
            None => (
                message.kind.as_deref(),
                message.role.as_deref(),
                message.content,
            ),
        };
        let role = role
            .map(Role::from_name)
            .or_else(|| kind.map(lc_role))
            .or_else(|| class.as_deref().map(lc_role))
            .unwrap_or(Role::User);
        prompt.add_message(role, content);
    }
}

/// Tags: the run's name and project, its tags, and short string metadata (LangChain's own
/// `ls_*` model fields are left out: they are the model and provider already recorded).
fn add_tags(run: &Run<'_>, metadata: Option<&RawValue>, tags: &mut Vec<(String, String)>) {
    push_tag(tags, "run_name", run.name.as_deref());
    push_tag(tags, "project_id", run.session_id.as_deref());
    push_tag(tags, "thread_id", run.thread_id.as_deref());
    add_list_tags(run.tags, tags);
    if let Some(metadata) = metadata {
        let mut found = Vec::new();
        add_short_string_tags(metadata, &mut found);
        for (key, value) in found {
            let duplicate = tags.iter().any(|(k, v)| *k == key && *v == value);
            if !key.starts_with("ls_") && !duplicate {
                tags.push((key, value));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::test_support::{
        assert_each_is_error, call, calls, cost, parse_text, skip_reasons, tag, tokens,
    };
    use crate::ingest::{InputFormat, detect_document, detect_format, parse_lines};
    use crate::record::FailureCause;

    const FIXTURE: &str = include_str!("../../fixtures/logs/langsmith/runs.jsonl");

    fn outcomes() -> Vec<Parsed> {
        parse_text(InputFormat::Langsmith, FIXTURE)
    }

    #[test]
    fn fixture_is_detected_as_langsmith() {
        assert_eq!(
            detect_format(FIXTURE.as_bytes()),
            Some(InputFormat::Langsmith)
        );
        let first: serde_json::Value =
            serde_json::from_str(FIXTURE.lines().next().unwrap()).unwrap();
        let page = serde_json::json!({ "runs": [first], "cursors": {} });
        assert_eq!(detect_document(&page), Some(InputFormat::Langsmith));
    }

    #[test]
    fn every_fixture_line_is_accounted_for() {
        let out = outcomes();
        assert_eq!(out.len(), FIXTURE.lines().count());
        assert_eq!(calls(&out).len(), 5);
        let skips = skip_reasons(&out);
        assert_eq!(
            skips,
            [
                SkipReason::NotAModelCall,
                SkipReason::NotAModelCall,
                SkipReason::NotAModelCall,
                SkipReason::ProviderError,
            ]
        );
    }

    #[test]
    fn usage_metadata_cache_and_reasoning_come_out_of_inclusive_totals() {
        let out = outcomes();
        let record = call(&out[0].outcome);
        // input_tokens 5,200 include 4,096 cache reads; output 1,530 includes 1,216 reasoning.
        assert_eq!(record.tokens, tokens(1104, 4096, 0, 0, 1530, 1216));
        assert_eq!(record.model, "o4-mini-2025-04-16");
        assert_eq!(record.provider, Provider::OpenAi);
        // o4-mini: 1,104 × $1.10/M + 4,096 × $0.275/M + 1,530 × $4.40/M
        //        = $0.0012144 + $0.0011264 + $0.006732 = $0.009072800
        assert_eq!(cost(record), "0.0090728");
        assert_eq!(record.stated_cost_usd, Some(0.0090728));
        assert_eq!(record.response_id.as_deref(), Some("chatcmpl-ls01"));
        assert_eq!(
            record.request_id.as_deref(),
            Some("019b8f0d-2a11-7c33-8f10-0d2b6a1f4e21")
        );
        assert_eq!(
            record.session_id.as_deref(),
            Some("019b8f0d-1d28-7930-948b-0957cb05c186")
        );
        assert_eq!(record.timestamp_ms, Some(1_767_631_562_101));
        assert_eq!(record.latency_ms, Some(1897.0));
        assert_eq!(record.time_to_first_token_ms, Some(642.0));
        assert!(record.features.streamed);
        assert_eq!(record.features.tools_defined, 1);
        assert_eq!(record.features.finish_reason.as_deref(), Some("stop"));
        assert_eq!(record.service_tier.as_deref(), Some("default"));
        assert_eq!(
            tag(record, "thread_id"),
            Some("eca339f1-81f7-401f-a1bd-99e725f94c10")
        );
        assert_eq!(tag(record, "tag"), Some("seq:step:1"));
        assert_eq!(tag(record, "ls_provider"), None);
        let text = record.text.as_ref().unwrap();
        assert_eq!(text.user, "Can you do a deep search about human evolution?");
        assert_eq!(text.system, "You are a research assistant.");
    }

    #[test]
    fn anthropic_cache_writes_split_by_ttl() {
        let out = outcomes();
        let record = call(&out[1].outcome);
        // 14,530 input = 30 uncached + 12,000 read + 2,500 written (2,000 at 5m, 500 at 1h).
        assert_eq!(record.tokens, tokens(30, 12000, 2000, 500, 640, 0));
        assert_eq!(record.provider, Provider::Anthropic);
        // claude-sonnet-4-5: 30 × $3/M + 12,000 × $0.30/M + 2,000 × $3.75/M + 500 × $6/M
        //   + 640 × $15/M = $0.00009 + $0.0036 + $0.0075 + $0.003 + $0.0096 = $0.02379
        assert_eq!(cost(record), "0.02379");
        assert_eq!(
            record.response_id.as_deref(),
            Some("msg_01LangSmithFixture")
        );
        assert_eq!(record.features.tool_calls, 1);
        assert_eq!(record.features.finish_reason.as_deref(), Some("tool_use"));
    }

    #[test]
    fn raw_openai_token_usage_of_older_runs() {
        let out = outcomes();
        let record = call(&out[2].outcome);
        // llm_output.token_usage: prompt_tokens 2,000 include 1,024 cached.
        assert_eq!(record.tokens, tokens(976, 1024, 0, 0, 150, 0));
        // gpt-4o-mini: 976 × $0.15/M + 1,024 × $0.075/M + 150 × $0.60/M
        //            = $0.0001464 + $0.0000768 + $0.00009 = $0.0003132
        assert_eq!(cost(record), "0.0003132");
        assert_eq!(record.model, "gpt-4o-mini-2024-07-18");
        assert!(!record.features.streamed);
        assert!(record.features.json_schema);
    }

    #[test]
    fn gemini_reasoning_inside_output_and_top_level_counts() {
        let out = outcomes();
        let record = call(&out[3].outcome);
        assert_eq!(record.tokens, tokens(800, 0, 0, 0, 1400, 1100));
        assert_eq!(record.provider, Provider::Google);
        // gemini-2.5-flash: 800 × $0.30/M + 1,400 × $2.50/M = $0.00024 + $0.0035 = $0.00374
        assert_eq!(cost(record), "0.00374");
        // Only the run's top-level counts (as LangSmith's list export keeps them).
        let record = call(&out[4].outcome);
        assert_eq!(record.tokens, tokens(570, 0, 0, 0, 54, 0));
        // gpt-4.1: 570 × $2/M + 54 × $8/M = $0.00114 + $0.000432 = $0.001572
        assert_eq!(cost(record), "0.001572");
        assert_eq!(record.stated_cost_usd, Some(0.001572));
        assert_eq!(record.model, "gpt-4.1");
    }

    #[test]
    fn failed_runs() {
        let out = outcomes();
        // error "RateLimitError('Error code: 429 - …')" and no usage: a rate limit, skipped.
        assert!(matches!(
            out[8].outcome,
            LineOutcome::Failed(FailureCause::RateLimit)
        ));
        let line = br#"{"id":"r","run_type":"llm","start_time":"2026-01-05T16:46:02","error":"rate limited","extra":{"invocation_params":{"model":"gpt-4.1"}},"outputs":{"llm_output":{"token_usage":{"prompt_tokens":10,"completion_tokens":0}}}}"#;
        let out = parse_lines(InputFormat::Langsmith, &[line]);
        let record = call(&out[0].outcome);
        assert_eq!(record.status, CallStatus::Error);
        assert_eq!(record.tokens.input, 10);
    }

    #[test]
    fn query_pages_hold_several_runs() {
        let lines: Vec<&str> = FIXTURE.lines().take(2).collect();
        let page = format!("{{\"runs\": [{}], \"cursors\": {{}}}}", lines.join(","));
        let out = parse_lines(InputFormat::Langsmith, &[page.as_bytes()]);
        assert_eq!(out.len(), 2);
        assert_eq!(call(&out[1].outcome).tokens.cache_write_1h, 500);
    }

    #[test]
    fn messages_serialized_as_type_and_data() {
        let line = br#"{"id":"r","run_type":"llm","start_time":"2026-01-05T16:46:02Z","outputs":{"generations":[[{"message":{"type":"ai","data":{"content":"ok","id":"msg_01Data","usage_metadata":{"input_tokens":1300,"output_tokens":20,"input_token_details":{"cache_read":1200}},"response_metadata":{"id":"msg_01Data","model":"claude-haiku-4-5-20251001","stop_reason":"end_turn"}}}}]]},"extra":{"metadata":{"ls_provider":"anthropic"}}}"#;
        let out = parse_lines(InputFormat::Langsmith, &[line]);
        let record = call(&out[0].outcome);
        assert_eq!(record.tokens, tokens(100, 1200, 0, 0, 20, 0));
        assert_eq!(record.model, "claude-haiku-4-5-20251001");
        assert_eq!(record.response_id.as_deref(), Some("msg_01Data"));
        // claude-haiku-4-5: 100 × $1/M + 1,200 × $0.10/M + 20 × $5/M
        //                 = $0.0001 + $0.00012 + $0.0001 = $0.00032
        assert_eq!(cost(record), "0.00032");
    }

    #[test]
    fn malformed_runs_are_errors() {
        assert_each_is_error(
            InputFormat::Langsmith,
            &[
                b"{\"run_type\":\"llm\",",
                b"{\"id\":\"x\",\"trace_id\":\"t\"}",
                b"{\"run_type\":\"llm\",\"start_time\":\"x\",\"prompt_tokens\":5}",
                b"{\"run_type\":\"llm\",\"extra\":[1,2],\"prompt_tokens\":5}",
                b"{\"runs\":7}",
            ],
        );
    }

    #[test]
    fn inconsistent_details_never_underflow() {
        let line = br#"{"run_type":"llm","start_time":"2026-01-05T16:46:02","extra":{"invocation_params":{"model":"gpt-4.1"}},"prompt_tokens":10,"completion_tokens":3,"prompt_token_details":{"cache_read":50},"completion_token_details":{"reasoning":9}}"#;
        let out = parse_lines(InputFormat::Langsmith, &[line]);
        let record = call(&out[0].outcome);
        // Cache reads above the prompt were counted beside it; reasoning above the completion
        // was left out of it and is added (usage::output_with_reasoning's one rule): 3 + 9.
        assert_eq!(record.tokens, tokens(10, 50, 0, 0, 12, 9));
    }
}
