//! GitHub Copilot CLI's OpenTelemetry file exporter: the JSON Lines file named by
//! `COPILOT_OTEL_FILE_EXPORTER_PATH` (or kept under `~/.copilot/otel/*.jsonl`).
//!
//! Not OTLP JSON: each line is one record as the OpenTelemetry JS SDK holds it, serialized whole
//! (microsoft/vscode-copilot-chat `src/platform/otel/node/fileExporters.ts`, the same exporter the
//! Copilot Chat extension writes with `github.copilot.chat.otel.outfile`). A span is
//! `{type?: "span", traceId, spanId, parentSpanId?, name, kind, startTime: [sec, nanos], endTime,
//! status: {code}, attributes: {<dotted key>: <plain value>}, resource: {attributes}}`; a log
//! record (`gen_ai.client.inference.operation.details` events) has `hrTime` and
//! `attributes["event.name"]`; a metric export is `{type: "metric", …}` or `{resource,
//! scopeMetrics}`. Attribute names are the GenAI semantic conventions
//! (`src/platform/otel/common/genAiAttributes.ts`: `gen_ai.usage.input_tokens`,
//! `cache_read.input_tokens`, `cache_creation.input_tokens`, the custom
//! `gen_ai.usage.reasoning_tokens`, `gen_ai.conversation.id`).
//!
//! The spans are read by the GenAI span reader of [`crate::ingest::otel`] (token buckets, model,
//! session = `gen_ai.conversation.id`, status, tags): only the flat record shape is this file's.
//! That reader is not used as a whole, and these files are not detected as `otel`, because
//! one model response appears here up to three times — as an `invoke_agent` span summing its
//! chats, as an inference-details log event, and as the `chat` span — sharing
//! `gen_ai.response.id`. Only `chat` spans are calls; a span read twice (the same
//! `traceId:spanId`, as when the exporter's file is also found under `~/.copilot/otel`) counts
//! once; other spans with usage are [`SkipReason::RollupSpan`]; log events and metrics are no
//! calls.

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::Path;

use crate::ingest::genai::genai_span;
use crate::ingest::otlp::{Attr, Span, Value};
use crate::ingest::wire::stable_hash;
use crate::ingest::{
    Agent, EnvRoot, Format, LineOutcome, LineParser, Lines, Os, Parsed, Root, SkipReason,
    json_error,
};

pub(crate) const FORMAT: Format = Format {
    name: "copilot-cli-otel",
    lines: Lines::InOrder,
    json: Some(looks_like),
    parser: |_| Box::new(CopilotOtelParser::default()),
    agent: Some(Agent {
        name: "copilot-cli",
        label: "GitHub Copilot CLI",
        // A file, not a folder.
        env: &[EnvRoot {
            var: "COPILOT_OTEL_FILE_EXPORTER_PATH",
            join: "",
        }],
        roots: &[Root {
            os: Os::Any,
            path: ".copilot/otel",
        }],
        accepts: |path: &Path| path.extension().is_some_and(|ext| ext == "jsonl"),
    }),
    ..Format::NEW
};

/// Reads one exporter file.
#[derive(Default)]
struct CopilotOtelParser {
    /// `traceId:spanId` of the spans already read.
    seen: HashSet<u64>,
}

impl LineParser for CopilotOtelParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        out.push(Parsed {
            line: line_no,
            outcome: self.outcome(line),
        });
    }
}

impl CopilotOtelParser {
    fn outcome(&mut self, line: &[u8]) -> LineOutcome {
        let value: serde_json::Value = match serde_json::from_slice(line) {
            Ok(value) => value,
            Err(err) => return json_error(err, line),
        };
        let Some(object) = value.as_object() else {
            return LineOutcome::Error("not a Copilot OTel record: not an object".into());
        };
        let kind = object.get("type").and_then(|t| t.as_str());
        let is_span = kind == Some("span") || object.contains_key("spanId");
        if !is_span {
            let known = matches!(kind, Some("metric" | "log"))
                || object.contains_key("hrTime")
                || object.contains_key("scopeMetrics");
            return if known {
                LineOutcome::Skip(SkipReason::NotAModelCall)
            } else {
                LineOutcome::Error(
                    "not a Copilot OTel record: no span ids, log time or metrics".into(),
                )
            };
        }
        let span = match flat_span(object) {
            Ok(span) => span,
            Err(message) => return LineOutcome::Error(message),
        };
        let key = stable_hash(&[span.trace_id.as_bytes(), span.span_id.as_bytes()]);
        if !self.seen.insert(key) {
            return LineOutcome::Skip(SkipReason::DuplicateContentBlock);
        }
        let resource = object
            .get("resource")
            .and_then(|r| r.get("attributes"))
            .map(plain_attrs)
            .unwrap_or_default();
        let result = genai_span(&span, &resource);
        if operation(&span) != Some("chat") {
            return if result.counts_tokens {
                LineOutcome::Skip(SkipReason::RollupSpan)
            } else {
                LineOutcome::Skip(SkipReason::NotAModelCall)
            };
        }
        match result.outcome {
            LineOutcome::Call(mut record) => {
                record.dedupe_key = Some(stable_hash(&[
                    b"copilot-otel",
                    span.trace_id.as_bytes(),
                    span.span_id.as_bytes(),
                ]));
                record.features.interactive = true;
                LineOutcome::Call(record)
            }
            other => other,
        }
    }
}

/// The span's `gen_ai.operation.name`, else the first word of its name (`chat gpt-5.1`).
fn operation<'s>(span: &'s Span<'_>) -> Option<&'s str> {
    span.attrs
        .iter()
        .find(|attr| attr.key == "gen_ai.operation.name")
        .and_then(|attr| attr.value.as_str())
        .or_else(|| span.name.split_whitespace().next())
}

/// A span record as the JS SDK serializes it, in the span reader's shape.
fn flat_span(object: &serde_json::Map<String, serde_json::Value>) -> Result<Span<'static>, String> {
    let text = |key: &str| -> Cow<'static, str> {
        Cow::Owned(
            object
                .get(key)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string(),
        )
    };
    let attrs = match object.get("attributes") {
        Some(attributes @ serde_json::Value::Object(_)) => plain_attrs(attributes),
        Some(serde_json::Value::Null) | None => Vec::new(),
        Some(_) => return Err("Copilot OTel span attributes must be a JSON object".into()),
    };
    // SpanStatusCode.ERROR is 2.
    let failed = object
        .get("status")
        .and_then(|s| s.get("code"))
        .and_then(|c| c.as_i64())
        == Some(2);
    Ok(Span {
        trace_id: text("traceId"),
        span_id: text("spanId"),
        parent_id: text("parentSpanId"),
        name: text("name"),
        start_ns: hr_time_nanos(object.get("startTime")),
        end_ns: hr_time_nanos(object.get("endTime")),
        failed,
        attrs,
    })
}

/// An `HrTime` (`[seconds, nanoseconds]`) in nanoseconds since the epoch.
fn hr_time_nanos(value: Option<&serde_json::Value>) -> Option<i64> {
    let pair = value?.as_array()?;
    let seconds = pair.first()?.as_i64()?;
    let nanos = pair.get(1).and_then(|n| n.as_i64()).unwrap_or(0);
    seconds
        .checked_mul(1_000_000_000)?
        .checked_add(nanos)
        .filter(|ns| *ns > 0)
}

/// Flat attributes (`{"gen_ai.usage.input_tokens": 1200}`) as the span reader's list.
fn plain_attrs(attributes: &serde_json::Value) -> Vec<Attr<'static>> {
    let Some(members) = attributes.as_object() else {
        return Vec::new();
    };
    members
        .iter()
        .map(|(key, value)| Attr {
            key: Cow::Owned(key.clone()),
            value: Value::from_plain(value),
        })
        .collect()
}

/// Whether a JSON value is a span of the JS SDK's file exporter carrying GenAI attributes.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    let ids = object.get("traceId").is_some_and(|v| v.is_string())
        && object.get("spanId").is_some_and(|v| v.is_string());
    let hr_time = object.get("startTime").is_some_and(|t| t.is_array())
        || object.get("type").and_then(|t| t.as_str()) == Some("span");
    let genai = object
        .get("attributes")
        .and_then(|a| a.as_object())
        .is_some_and(|a| a.keys().any(|k| k.starts_with("gen_ai.")));
    ids && hr_time && genai
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::test_support::{calls, cost, outcomes, parse_file, tokens};
    use crate::ingest::{InputFormat, parse_lines};

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/home/.copilot/otel/copilot-otel-2026-11-14.jsonl"
    );

    fn read() -> Vec<Parsed> {
        parse_file(InputFormat::CopilotCliOtel, Path::new(FIXTURE))
    }

    #[test]
    fn only_chat_spans_are_calls() {
        let parsed = read();
        assert_eq!(
            outcomes(&parsed),
            vec![
                "call claude-sonnet-4.5",
                "skip not a model call",
                "skip not a model call",
                "call claude-sonnet-4.5",
                "skip not a model call",
                "skip duplicate content block",
                "skip parent span rolling up its children",
                "call gpt-5.1",
                "failed rate_limit",
                "skip not a model call",
            ]
        );
    }

    #[test]
    fn chat_spans_split_input_into_exclusive_buckets() {
        let parsed = read();
        let calls = calls(&parsed);
        // input_tokens 24,310 include 20,480 cache reads and 3,102 cache writes.
        assert_eq!(calls[0].tokens, tokens(728, 20_480, 3_102, 0, 612, 0));
        // claude-sonnet-4.5: 728 × $3/M + 20,480 × $0.30/M + 3,102 × $3.75/M + 612 × $15/M
        //   = $0.002184 + $0.006144 + $0.0116325 + $0.00918 = $0.0291405
        assert_eq!(cost(calls[0]), "0.0291405");
        assert_eq!(
            calls[0].session_id.as_deref(),
            Some("6a0e2f7c-1d93-4b58-a2c4-90f3e71d5b06")
        );
        assert_eq!(calls[0].timestamp_ms, Some(1_794_660_062_125));
        assert_eq!(calls[0].latency_ms, Some(8_412.5));
        assert!(calls[0].features.interactive);
        assert_ne!(calls[0].dedupe_key, calls[1].dedupe_key);
        // gpt-5.1: 9,800 − 8,192 cached; 930 output including 512 of reasoning.
        assert_eq!(calls[2].tokens, tokens(1_608, 8_192, 0, 0, 930, 512));
    }

    #[test]
    fn detected_apart_from_otlp_and_openinference() {
        let text = std::fs::read_to_string(FIXTURE).unwrap();
        let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert!(looks_like(&first));
        assert!(!crate::ingest::otel::looks_like(&first));
        assert!(!crate::ingest::openinference::looks_like(&first));
        let otlp = serde_json::json!({"resourceSpans": []});
        assert!(!looks_like(&otlp));
    }

    #[test]
    fn malformed_records_are_errors() {
        let lines: [&[u8]; 3] = [
            br#"{"type":"span","traceId":"t","spanId":"s","attributes":"gen_ai secret"}"#,
            br#"{"hello":"world"}"#,
            br#"{"type":"span","traceId":"#,
        ];
        let seen = outcomes(&parse_lines(InputFormat::CopilotCliOtel, &lines));
        assert_eq!(
            seen[0],
            "error Copilot OTel span attributes must be a JSON object"
        );
        assert!(seen[1].starts_with("error not a Copilot OTel record"));
        assert!(seen[2].starts_with("error truncated JSON"));
    }
}
