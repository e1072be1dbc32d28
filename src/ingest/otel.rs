//! OpenTelemetry GenAI spans as OTLP JSON: the collector's file exporter writes one
//! `ExportTraceServiceRequest` (`{"resourceSpans": [...]}`) per line; one request saved as a
//! (pretty-printed) JSON document reads the same way. Attribute values are typed
//! (`{"stringValue": …}`, `{"intValue": "1024"}` — a *string* in OTLP JSON — `doubleValue`,
//! `boolValue`, `arrayValue`, `kvlistValue`); times are `startTimeUnixNano` strings. Snake-case
//! field names (`resource_spans`, `string_value`, as Phoenix's `/spans/otlpv1` API writes them)
//! are accepted too.
//!
//! Attribute names follow the GenAI semantic conventions from v1.28 onwards
//! (open-telemetry/semantic-conventions `model/gen-ai/registry.yaml` at tags v1.28.0–v1.41.0,
//! then open-telemetry/semantic-conventions-genai `model/gen-ai/registry.yaml`), old and new
//! names alike: `gen_ai.provider.name` (v1.37+) or `gen_ai.system` (before);
//! `gen_ai.usage.input_tokens`/`output_tokens` or the older `prompt_tokens`/`completion_tokens`;
//! `gen_ai.usage.cache_read.input_tokens` and `gen_ai.usage.cache_creation.input_tokens` (v1.40;
//! the latter renamed `gen_ai.usage.cache_write.input_tokens` in semantic-conventions-genai
//! #440), `gen_ai.usage.reasoning.output_tokens` and `gen_ai.response.time_to_first_chunk`
//! (seconds, v1.41); OpenLLMetry's `gen_ai.usage.cache_read_input_tokens`,
//! `cache_creation_input_tokens` and `reasoning_tokens` spellings are read as well.
//!
//! Token convention (registry notes since v1.40): `input_tokens` SHOULD include cache reads and
//! cache writes, and `output_tokens` SHOULD include reasoning. Both are split into exclusive
//! buckets here. Two departures from the spec are recognised because they cannot be anything
//! else: an `input_tokens` smaller than the cache counts it should contain is Anthropic's raw
//! cache-exclusive count (older instrumentations copied it through), so it is taken as the
//! uncached input; reasoning larger than `output_tokens` means output excluded it (Gemini's
//! `candidatesTokenCount` copied through), so it is added. Cache writes carry no TTL in OTel and
//! are counted as 5-minute writes (Anthropic's default).
//!
//! Which spans are calls: a span with token usage is a call — whatever its operation, because an
//! `invoke_agent` span of a remote agent (OpenAI Assistants, Bedrock Agents, Azure AI agents) is
//! the only record of tokens billed server-side — unless it rolls up other usage (below).
//! Embeddings spans with usage are calls: the provider bills their input tokens (the catalog
//! lists them as unpriced until it holds embedding prices). Without usage, a model operation
//! (`chat`, `text_completion`, `generate_content`, `embeddings`) is a provider error (span status
//! ERROR or `error.type`) or a response without usage; agent, tool, workflow, retrieval and
//! memory operations are not model calls, and spans without any `gen_ai.*` attribute (HTTP,
//! database, framework spans) are not model calls.
//!
//! Rollups: a span whose descendants (same `traceId`, linked by `parentSpanId`) include a span
//! reporting tokens is skipped as [`SkipReason::RollupSpan`], so an agent span that sums its
//! chats, or a framework chat span wrapping the SDK's chat span of the same call, is not counted
//! twice; only the innermost spans with usage count. Children usually end (and are exported)
//! before their parents, but batches can arrive in any order, so spans with usage are held per
//! trace. A trace is decided [`GRACE_LINES`] lines after its root span (no `parentSpanId`) was
//! read, or when the file ends. Memory stays bounded: past [`MAX_PENDING_SPANS`] held spans or
//! [`MAX_LINKS`] parent links, the oldest traces are decided with what has been read so far.
//! Spans of a trace arriving after it was decided are judged on their own.

use std::collections::{HashMap, VecDeque};

use crate::ingest::otlp::{
    GRACE_LINES, Held, MAX_LINKS, MAX_PENDING_SPANS, Span, SpanResult, link, read_export, settle,
};
use crate::ingest::wire::stable_hash;
use crate::ingest::{Format, Lines};
use crate::ingest::{LineParser, Parsed, openinference};

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format {
    name: "otel",
    lines: Lines::InOrder,
    json: Some(looks_like),
    parser: |_| parser(),
    ..Format::NEW
};

// ------------------------------------------------------------------------------------------
// The parser: spans held per trace until their descendants are known
// ------------------------------------------------------------------------------------------

/// Spans of one undecided trace.
struct TraceBuffer {
    /// Which buffer of this trace id this is (see [`OtelParser::generation`]).
    generation: u64,
    /// Child → parent links of every span read in this trace.
    parents: HashMap<u64, u64>,
    /// Spans waiting for the decision, in the order read.
    pending: Vec<Held>,
}

/// Reads an OTLP file in order, holding spans with usage until their trace is decided.
#[derive(Default)]
struct OtelParser {
    /// Undecided traces by key of their trace id.
    traces: HashMap<u64, TraceBuffer>,
    /// Undecided traces, oldest first (entries of decided traces are dropped lazily).
    arrival: VecDeque<(u64, u64)>,
    /// Traces whose root span was read: (line of the root, trace key, generation).
    ready: VecDeque<(u64, u64, u64)>,
    /// Counter that tells a trace decided and read again apart from its first buffer.
    generation: u64,
    /// Links held across all traces.
    links: usize,
    /// Spans held across all traces.
    pending: usize,
}

impl OtelParser {
    /// Files a span under its trace: its link, and its outcome (now, or held).
    fn take(&mut self, line_no: u64, span: &Span<'_>, result: SpanResult, out: &mut Vec<Parsed>) {
        let held = Held::new(line_no, span, result);
        let trace = span.trace_id.trim();
        if trace.is_empty() {
            // No trace to link within: the span stands alone.
            out.push(Parsed {
                line: line_no,
                outcome: held.outcome,
            });
            return;
        }
        let key = stable_hash(&[trace.as_bytes()]);
        let buffer = match self.traces.entry(key) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => {
                self.generation += 1;
                self.arrival.push_back((key, self.generation));
                entry.insert(TraceBuffer {
                    generation: self.generation,
                    parents: HashMap::new(),
                    pending: Vec::new(),
                })
            }
        };
        if link(&mut buffer.parents, span) {
            self.links += 1;
        }
        if held.waits() {
            buffer.pending.push(held);
            self.pending += 1;
        } else {
            out.push(Parsed {
                line: held.line,
                outcome: held.outcome,
            });
        }
        if span.parent_key().is_none() {
            self.ready.push_back((line_no, key, buffer.generation));
        }
    }

    /// Decides one trace and forgets it.
    fn decide(&mut self, key: u64, generation: u64, out: &mut Vec<Parsed>) {
        if self
            .traces
            .get(&key)
            .is_none_or(|buffer| buffer.generation != generation)
        {
            return;
        }
        let Some(buffer) = self.traces.remove(&key) else {
            return;
        };
        self.links -= buffer.parents.len();
        self.pending -= buffer.pending.len();
        settle(buffer.pending, &buffer.parents, out);
    }

    /// Decides the traces whose root was read long enough ago, then the oldest traces while
    /// the buffers are over their caps.
    fn decide_due(&mut self, line_no: u64, out: &mut Vec<Parsed>) {
        while let Some(&(root_line, key, generation)) = self.ready.front() {
            if root_line.saturating_add(GRACE_LINES) > line_no {
                break;
            }
            self.ready.pop_front();
            self.decide(key, generation, out);
        }
        while self.pending > MAX_PENDING_SPANS || self.links > MAX_LINKS {
            let Some((key, generation)) = self.arrival.pop_front() else {
                break;
            };
            self.decide(key, generation, out);
        }
        if self.arrival.len() > 2 * self.traces.len() + 1024 {
            let traces = &self.traces;
            self.arrival.retain(|(key, generation)| {
                traces.get(key).is_some_and(|b| b.generation == *generation)
            });
        }
    }
}

impl LineParser for OtelParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        match read_export(line) {
            Ok(batches) => {
                for batch in &batches {
                    for span in &batch.spans {
                        let result = openinference::span_result(span, &batch.resource);
                        self.take(line_no, span, result, out);
                    }
                }
            }
            Err(outcome) => out.push(Parsed {
                line: line_no,
                outcome,
            }),
        }
        self.decide_due(line_no, out);
    }

    fn finish(&mut self, out: &mut Vec<Parsed>) {
        while let Some((key, generation)) = self.arrival.pop_front() {
            self.decide(key, generation, out);
        }
        // Every buffer has an arrival entry; this only guards the accounting promise.
        let rest: Vec<(u64, u64)> = self
            .traces
            .iter()
            .map(|(key, buffer)| (*key, buffer.generation))
            .collect();
        for (key, generation) in rest {
            self.decide(key, generation, out);
        }
        self.ready.clear();
    }
}

/// Whether a parsed JSON value is an OTLP trace export of GenAI (not OpenInference) spans.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    let Some(resource_spans) = value
        .get("resourceSpans")
        .or_else(|| value.get("resource_spans"))
        .and_then(|r| r.as_array())
    else {
        return false;
    };
    !openinference::otlp_has_openinference(resource_spans)
}

/// A fresh parser for one OTLP file.
pub(crate) fn parser() -> Box<dyn LineParser> {
    Box::new(OtelParser::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::otlp::provider_for;
    use crate::ingest::test_support::{
        assert_priced, assert_tags, call_at, call_of, calls, error_of, has_tag, parse_text, skips,
        tokens,
    };
    use crate::ingest::{
        InputFormat, LineOutcome, SkipReason, detect_document, detect_format, parse_lines,
    };
    use crate::record::{CallRecord, CallStatus, FailureCause, Provider};

    const SPANS: &str = include_str!("../../fixtures/logs/otel/genai_spans.jsonl");
    const DOCUMENT: &str = include_str!("../../fixtures/logs/otel/otlp_export.json");

    fn parse(text: &str) -> Vec<Parsed> {
        parse_text(InputFormat::Otel, text)
    }

    fn call_with<'p>(parsed: &'p [Parsed], response_id: &str) -> &'p CallRecord {
        calls(parsed)
            .into_iter()
            .find(|r| r.response_id.as_deref() == Some(response_id))
            .unwrap_or_else(|| panic!("no call with response id {response_id}"))
    }

    #[test]
    fn every_span_of_the_fixture_is_accounted_for() {
        let parsed = parse(SPANS);
        // 2 + 3 + 2 + 7 + 1 + 1 spans on six lines.
        assert_eq!(parsed.len(), 16);
        assert!(
            parsed
                .iter()
                .all(|p| !matches!(p.outcome, LineOutcome::Error(_)))
        );
        assert_eq!(calls(&parsed).len(), 8);
        assert_eq!(
            skips(&parsed),
            vec![
                (1, SkipReason::NotAModelCall), // the HTTP server span
                (2, SkipReason::NotAModelCall), // execute_tool
                (3, SkipReason::RollupSpan),    // invoke_agent summing its two chats
                (4, SkipReason::NotAModelCall), // create_agent
                (4, SkipReason::NotAModelCall), // the job's root span, no gen_ai attributes
                (4, SkipReason::NoUsage),       // chat without usage
                (4, SkipReason::ProviderError), // status ERROR, error.type 429, no usage
                (5, SkipReason::RollupSpan),    // framework span wrapping the SDK's span
            ]
        );
        // The failed chat is a rate limit (error.type 429), counted without usage.
        let causes: Vec<FailureCause> = parsed
            .iter()
            .filter_map(|p| match p.outcome {
                LineOutcome::Failed(cause) => Some(cause),
                _ => None,
            })
            .collect();
        assert_eq!(causes, [FailureCause::RateLimit]);
    }

    #[test]
    fn anthropic_chat_with_cache_reads_and_writes() {
        let parsed = parse(SPANS);
        let call = call_with(&parsed, "msg_01FixtureOtelCheckout0001");
        // input_tokens 2,406 includes 1,800 cache reads and 200 cache writes (spec v1.40+).
        // claude-sonnet-4-5: 406 × $3/M + 1,800 × $0.30/M + 200 × $3.75/M + 50 × $15/M
        // = 0.001218 + 0.00054 + 0.00075 + 0.00075 = $0.003258
        assert_priced(call, tokens(406, 1800, 200, 0, 50, 0), "0.003258");
        assert_eq!(call.provider, Provider::Anthropic);
        assert_eq!(call.model, "claude-sonnet-4-5-20250929");
        assert_eq!(call.timestamp_ms, Some(1_761_766_343_238));
        assert_eq!(call.latency_ms, Some(1773.0));
        // time_to_first_chunk is in seconds.
        assert_eq!(call.time_to_first_token_ms, Some(412.0));
        assert_eq!(call.session_id.as_deref(), Some("conv_fixture_checkout_1"));
        assert_eq!(call.request_id.as_deref(), Some("eee19b7ec3c1b174"));
        assert!(call.features.streamed && call.features.json_schema);
        assert_eq!(call.features.finish_reason.as_deref(), Some("end_turn"));
        assert_eq!(call.features.message_count, 1);
        let text = call.text.as_ref().unwrap();
        assert_eq!(text.system, "Extract the order as JSON.");
        assert_eq!(text.user, "2 green teas at $5.50 and 1 coffee at $3.00");
        assert_tags(
            call,
            &[
                ("service", "checkout-api"),
                ("environment", "prod"),
                ("user", "user-42"),
                ("feature", "order-extract"),
                ("trace_id", "5b8efff798038103d269b633813fc60c"),
            ],
        );
    }

    #[test]
    fn agent_chats_count_and_the_agent_span_is_a_rollup() {
        let parsed = parse(SPANS);
        let first = call_with(&parsed, "chatcmpl-FixtureAgentTurn1");
        // 3,200 input including 2,048 cached; 900 output including 640 reasoning.
        // gpt-5-mini: 1,152 × $0.25/M + 2,048 × $0.025/M + 900 × $2/M
        // = 0.000288 + 0.0000512 + 0.0018 = $0.0021392
        assert_priced(first, tokens(1152, 2048, 0, 0, 900, 640), "0.0021392");
        assert_eq!(first.features.tool_calls, 1);
        assert_eq!(first.features.tools_defined, 1);
        assert_eq!(first.service_tier.as_deref(), Some("default"));
        assert!(has_tag(first, "environment", "staging"));
        let second = call_with(&parsed, "chatcmpl-FixtureAgentTurn2");
        // 328 × $0.25/M + 3,072 × $0.025/M + 120 × $2/M = 0.000082 + 0.0000768 + 0.00024
        assert_priced(second, tokens(328, 3072, 0, 0, 120, 64), "0.0003988");
        // The invoke_agent span (line 3) reports 6,600 / 1,020 tokens: the two chats' sum.
        assert!(
            calls(&parsed)
                .iter()
                .all(|r| r.model != "gpt-5-mini" || r.tokens.output != 1020)
        );
    }

    #[test]
    fn pre_1_37_names_and_openllmetry_spellings() {
        let parsed = parse(SPANS);
        let call = call_at(&parsed, 3);
        // gen_ai.system, gen_ai.usage.prompt_tokens / completion_tokens and
        // gen_ai.usage.cache_read_input_tokens: 1,500 prompt tokens including 1,024 cached.
        assert_eq!(call.provider, Provider::OpenAi);
        assert_eq!(call.model, "gpt-4o-mini-2024-07-18");
        // gpt-4o-mini: 476 × $0.15/M + 1,024 × $0.075/M + 200 × $0.60/M
        // = 0.0000714 + 0.0000768 + 0.00012 = $0.0002682
        assert_priced(call, tokens(476, 1024, 0, 0, 200, 0), "0.0002682");
        // gen_ai.prompt.<n>.role / .content
        assert_eq!(call.features.message_count, 2);
        assert_eq!(
            call.text.as_ref().unwrap().system,
            "You classify support tickets."
        );
        assert!(has_tag(call, "team", "support"));
        // No conversation id: the trace is the session.
        assert_eq!(
            call.session_id.as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
    }

    #[test]
    fn reasoning_outside_output_is_added_to_output() {
        let parsed = parse(SPANS);
        let call = call_of(&parsed, "gemini-2.5-flash");
        // output_tokens 300 < reasoning 700: the instrumentation copied Gemini's
        // candidatesTokenCount, which leaves thoughts out. Billed output is 1,000.
        // gemini-2.5-flash: 1,000 × $0.30/M + 4,000 × $0.03/M + 1,000 × $2.50/M
        // = 0.0003 + 0.00012 + 0.0025 = $0.00292
        assert_priced(call, tokens(1000, 4000, 0, 0, 1000, 700), "0.00292");
        assert_eq!(call.provider, Provider::Google);
    }

    #[test]
    fn anthropic_count_that_excludes_the_cache_is_taken_as_uncached_input() {
        let parsed = parse(SPANS);
        let call = call_with(&parsed, "msg_01FixtureRawAnthropicCount");
        // input_tokens 12 is smaller than 3,000 + 500 cached: Anthropic's own exclusive count.
        // claude-haiku-4-5: 12 × $1/M + 3,000 × $0.10/M + 500 × $1.25/M + 80 × $5/M
        // = 0.000012 + 0.0003 + 0.000625 + 0.0004 = $0.001337
        assert_priced(call, tokens(12, 3000, 500, 0, 80, 0), "0.001337");
    }

    #[test]
    fn embeddings_with_usage_are_calls_priced_at_the_embedding_price() {
        let parsed = parse(SPANS);
        let call = call_of(&parsed, "text-embedding-3-small");
        // text-embedding-3-small, $0.02 per million input tokens: 512 × 0.02/M.
        assert_priced(call, tokens(512, 0, 0, 0, 0, 0), "0.00001024");
        assert_eq!(call.provider, Provider::OpenAi);
    }

    #[test]
    fn wrapped_sdk_span_counts_once_even_when_its_parent_came_first() {
        let parsed = parse(SPANS);
        let call = call_with(&parsed, "chatcmpl-FixtureWrapped");
        // gpt-4o-mini: 800 × $0.15/M + 40 × $0.60/M = 0.00012 + 0.000024 = $0.000144
        assert_priced(call, tokens(800, 0, 0, 0, 40, 0), "0.000144");
        assert_eq!(call.status, CallStatus::Incomplete);
        let framework = calls(&parsed)
            .iter()
            .filter(|r| r.tokens == tokens(800, 0, 0, 0, 40, 0))
            .count();
        assert_eq!(framework, 1);
    }

    #[test]
    fn one_export_request_as_a_document() {
        let value: serde_json::Value = serde_json::from_str(DOCUMENT).unwrap();
        assert_eq!(detect_document(&value), Some(InputFormat::Otel));
        let parsed = parse_lines(InputFormat::Otel, &[DOCUMENT.as_bytes()]);
        assert_eq!(parsed.len(), 1);
        let call = call_with(&parsed, "chatcmpl-FixtureAzureDoc");
        assert_eq!(call.provider, Provider::OpenAi);
        // gpt-4.1-mini: 416 × $0.40/M + 3,584 × $0.10/M + 250 × $1.60/M
        // = 0.0001664 + 0.0003584 + 0.0004 = $0.0009248
        assert_priced(call, tokens(416, 3584, 0, 0, 250, 0), "0.0009248");
        // The served tier, not the requested `auto`.
        assert_eq!(call.service_tier.as_deref(), Some("default"));
    }

    #[test]
    fn detects_the_fixture_and_leaves_openinference_alone() {
        assert_eq!(detect_format(SPANS.as_bytes()), Some(InputFormat::Otel));
        for line in SPANS.lines() {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(looks_like(&value));
        }
        let openinference = include_str!("../../fixtures/logs/openinference/otlp_spans.jsonl");
        for line in openinference.lines() {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(!looks_like(&value));
        }
        assert!(!looks_like(
            &serde_json::json!({"object": "chat.completion"})
        ));
    }

    /// One span as an OTLP line.
    fn export_line(trace: &str, span: &str, parent: &str, attrs: &str) -> String {
        format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"{trace}","spanId":"{span}","parentSpanId":"{parent}","name":"s","startTimeUnixNano":"1761766343000000000","endTimeUnixNano":"1761766344000000000","attributes":[{attrs}]}}]}}]}}]}}"#
        )
    }

    fn usage_attrs(input: u64, output: u64) -> String {
        format!(
            r#"{{"key":"gen_ai.request.model","value":{{"stringValue":"gpt-4o-mini"}}}},{{"key":"gen_ai.usage.input_tokens","value":{{"intValue":"{input}"}}}},{{"key":"gen_ai.usage.output_tokens","value":{{"intValue":{output}}}}}"#
        )
    }

    #[test]
    fn renamed_cache_write_and_numeric_int_values() {
        let attrs = format!(
            r#"{},{{"key":"gen_ai.usage.cache_write.input_tokens","value":{{"intValue":"300"}}}}"#,
            usage_attrs(1000, 7)
        );
        let line = export_line("t1", "s1", "", &attrs);
        let parsed = parse_lines(InputFormat::Otel, &[line.as_bytes()]);
        let call = calls(&parsed)[0];
        // intValue as a string ("1000") or as a number (7) alike.
        assert_eq!(call.tokens, tokens(700, 0, 300, 0, 7, 0));
    }

    #[test]
    fn a_parent_arriving_after_its_child_is_a_rollup() {
        let child = export_line("t1", "c1", "p1", &usage_attrs(100, 10));
        let parent = export_line("t1", "p1", "", &usage_attrs(100, 10));
        let parsed = parse_lines(InputFormat::Otel, &[child.as_bytes(), parent.as_bytes()]);
        assert_eq!(calls(&parsed).len(), 1);
        call_at(&parsed, 1);
        assert_eq!(skips(&parsed), vec![(2, SkipReason::RollupSpan)]);
    }

    #[test]
    fn a_rollup_is_seen_through_spans_without_gen_ai_attributes() {
        let chat = export_line("t1", "c1", "m1", &usage_attrs(100, 10));
        let middle = export_line("t1", "m1", "a1", "");
        let agent = export_line("t1", "a1", "", &usage_attrs(100, 10));
        let parsed = parse_lines(
            InputFormat::Otel,
            &[chat.as_bytes(), middle.as_bytes(), agent.as_bytes()],
        );
        assert_eq!(calls(&parsed).len(), 1);
        assert_eq!(
            skips(&parsed),
            vec![(2, SkipReason::NotAModelCall), (3, SkipReason::RollupSpan)]
        );
    }

    #[test]
    fn zero_usage_children_do_not_make_their_parent_a_rollup() {
        let child = export_line("t1", "c1", "p1", &usage_attrs(0, 0));
        let parent = export_line("t1", "p1", "", &usage_attrs(100, 10));
        let parsed = parse_lines(InputFormat::Otel, &[child.as_bytes(), parent.as_bytes()]);
        assert_eq!(calls(&parsed).len(), 2);
    }

    #[test]
    fn a_trace_is_decided_grace_lines_after_its_root() {
        let mut parser = parser();
        let mut out = Vec::new();
        let root = export_line("t1", "p1", "", &usage_attrs(100, 10));
        parser.line(1, root.as_bytes(), &mut out);
        assert!(out.is_empty(), "the root call waits for late children");
        let filler = export_line("t2", "x", "y", "");
        for line_no in 2..=GRACE_LINES {
            parser.line(line_no, filler.as_bytes(), &mut out);
        }
        assert!(calls(&out).is_empty());
        parser.line(GRACE_LINES + 1, filler.as_bytes(), &mut out);
        assert_eq!(
            calls(&out).len(),
            1,
            "decided {GRACE_LINES} lines after the root"
        );
        // A child arriving later is judged alone: the documented limit of the window.
        let late = export_line("t1", "c1", "p1", &usage_attrs(100, 10));
        parser.line(GRACE_LINES + 2, late.as_bytes(), &mut out);
        parser.finish(&mut out);
        assert_eq!(calls(&out).len(), 2);
        assert_eq!(out.len() as u64, GRACE_LINES + 2);
    }

    #[test]
    fn held_spans_stay_bounded() {
        let mut parser = parser();
        let mut out = Vec::new();
        // Non-root spans of distinct traces: none of them is ever ready on its own.
        for n in 0..=MAX_PENDING_SPANS as u64 {
            let line = export_line(&format!("t{n}"), "c", "p", &usage_attrs(10, 1));
            parser.line(n + 1, line.as_bytes(), &mut out);
        }
        assert_eq!(calls(&out).len(), 1, "the oldest trace was decided early");
        assert_eq!(out[0].line, 1);
        parser.finish(&mut out);
        assert_eq!(out.len(), MAX_PENDING_SPANS + 1);
    }

    #[test]
    fn cyclic_parent_ids_end() {
        let a = export_line("t1", "a", "b", &usage_attrs(10, 1));
        let b = export_line("t1", "b", "a", &usage_attrs(10, 1));
        let parsed = parse_lines(InputFormat::Otel, &[a.as_bytes(), b.as_bytes()]);
        assert_eq!(parsed.len(), 2);
    }

    #[test]
    fn malformed_records_are_errors() {
        let cases: [(&str, &str); 5] = [
            (
                r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"#,
                "truncated",
            ),
            (r#"{"hello":"world"}"#, "no resourceSpans"),
            (r#"{"resourceSpans":5}"#, "unexpected shape"),
            (
                r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":7}]}]}]}]}"#,
                "unexpected shape",
            ),
            (
                &export_line(
                    "t",
                    "s",
                    "",
                    r#"{"key":"gen_ai.usage.input_tokens","value":{"intValue":"5"}}"#,
                ),
                "no gen_ai.request.model",
            ),
        ];
        for (line, expected) in cases {
            let message = error_of(InputFormat::Otel, line);
            assert!(message.contains(expected), "{message} for {line}");
        }
    }

    #[test]
    fn odd_values_do_not_panic() {
        let attrs = r#"{"key":"gen_ai.usage.input_tokens","value":{"intValue":"lots"}},
            {"key":"gen_ai.usage.output_tokens","value":{"intValue":"-4"}},
            {"key":"gen_ai.request.model","value":{"arrayValue":{"values":[{"kvlistValue":{"values":[]}}]}}},
            {"key":"gen_ai.response.time_to_first_chunk","value":{"doubleValue":"NaN"}},
            {"key":"gen_ai.input.messages","value":{"stringValue":"[{\"role\":5,\"parts\":7}]"}},
            {"key":"gen_ai.output.messages","value":{"stringValue":"[not json"}},
            {"key":"gen_ai.operation.name","value":{}},
            {"key":"gen_ai.provider.name"}"#;
        let line = export_line("t", "s", "", attrs);
        let parsed = parse_lines(InputFormat::Otel, &[line.as_bytes()]);
        assert_eq!(parsed.len(), 1);
        let nested = format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"attributes":[{{"key":"k","value":{}1{}}}]}}]}}]}}]}}"#,
            r#"{"arrayValue":{"values":["#.repeat(200),
            "]}}".repeat(200)
        );
        let parsed = parse_lines(InputFormat::Otel, &[nested.as_bytes()]);
        assert!(matches!(parsed[0].outcome, LineOutcome::Error(_)));
    }

    #[test]
    fn provider_names_and_model_makers() {
        let cases = [
            (Some("azure.ai.openai"), "my-deployment", Provider::OpenAi),
            (
                Some("gcp.vertex_ai"),
                "claude-sonnet-4-5@20250929",
                Provider::Anthropic,
            ),
            (Some("gcp.vertex_ai"), "gemini-2.5-pro", Provider::Google),
            (
                Some("aws.bedrock"),
                "us.anthropic.claude-3-5-sonnet-20240620-v1:0",
                Provider::Anthropic,
            ),
            (Some("aws.bedrock"), "deepseek.r1-v1:0", Provider::DeepSeek),
            // This reader once left Nova unknown while the Bedrock and billing readers named
            // Amazon; one table now decides: Amazon makes Nova.
            (
                Some("aws.bedrock"),
                "amazon.nova-pro-v1:0",
                Provider::Amazon,
            ),
            (Some("deepseek"), "deepseek-chat", Provider::DeepSeek),
            (Some("openai"), "o4-mini", Provider::OpenAi),
            (None, "o3", Provider::OpenAi),
            (Some("az.ai.openai"), "prod-deployment", Provider::OpenAi),
            (Some("mistral_ai"), "mistral-large", Provider::Unknown),
        ];
        for (name, model, expected) in cases {
            assert_eq!(provider_for(name, model), expected, "{name:?} {model}");
        }
    }
}
