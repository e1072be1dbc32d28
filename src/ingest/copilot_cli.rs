//! GitHub Copilot CLI session-state event logs: `~/.copilot/session-state/<sessionId>/events.jsonl`
//! (older versions: `~/.copilot/history-session-state/<sessionId>.jsonl`; `COPILOT_HOME` moves
//! `~/.copilot`, docs.github.com "Copilot CLI configuration directory").
//!
//! Each line is an event `{type, timestamp, data, id?, parentId?}`: `session.start` (`data.sessionId`,
//! `data.context.cwd`, the model), `user.message`, `assistant.message` (`data.outputTokens` of the
//! turn and nothing else of its usage), `tool.execution_*`, `session.model_change`,
//! `session.compaction_*`, and `session.shutdown`, written when the CLI exits cleanly, with
//! `data.modelMetrics: {<model>: {requests: {count, cost}, usage: {inputTokens, outputTokens,
//! cacheReadTokens, cacheWriteTokens, reasoningTokens?}}}` (model names without a provider
//! prefix). The CLI is not open source: the layout is as GitHub's docs and issues describe it
//! and as peers read it (getagentseal/codeburn `src/providers/copilot.ts`, Piebald-AI/splitrail
//! `src/analyzers/copilot_cli.rs`).
//!
//! So the input and cache of a session are known only as totals, per model, in its shutdown
//! event: this format's records are sessions, not calls ([`Granularity::Session`]). The totals
//! follow the Chat Completions convention: `inputTokens` INCLUDES the cache reads and writes
//! (codeburn; in a real shutdown the cache reads come to most of `inputTokens`), and
//! `outputTokens` includes reasoning, which `reasoningTokens` counts apart.
//!
//! **Several shutdown events in one file** (a session resumed with `--resume`, exited, resumed
//! again): each is read as the totals of its own segment, the turns since the previous
//! shutdown, and they add up. The CLI resets its counters each time it enters a session
//! (github/copilot-cli issues #524, #1628 and #3994: `/usage` after a resume shows only the
//! new invocation), as splitrail reads it (PR #157); codeburn reads each shutdown as
//! cumulative and subtracts the previous one, which would drop a second segment's usage up to
//! the first one's size. A segment's record is timed at the segment's first event.
//!
//! **Turns without totals.** A segment that ends without a shutdown (the CLI crashed or was
//! killed, `/new` left it: issue #3994, or it is still running) has only its turns' output
//! counts. Its `assistant.message` lines are skipped as [`SkipReason::NoSessionTotals`], so
//! the report counts them, rather than emitted as output-only calls: output is a small part
//! of an agent's cost, and a partial record would pass for an exact one. A successful
//! compaction (`session.compaction_complete` with `success: true`) also resets the counters
//! (codeburn, CLI 1.0.78): the turns before it in the segment are skipped the same way. Turns
//! a shutdown covers are skipped as [`SkipReason::CountedInSessionTotals`].

use crate::ingest::usage::openai_style;
use crate::ingest::values::Text;
use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::values::parse_timestamp;
use crate::ingest::wire::stable_hash;
use crate::ingest::{
    Agent, EnvRoot, Format, Granularity, LineOutcome, LineParser, Parsed, Root, SkipReason,
    json_error,
};
use crate::record::{CallRecord, Provider, TokenBuckets};

pub(crate) const FORMAT: Format = Format {
    granularity: Granularity::Session,
    ..Format::agent_log(
        Agent {
            name: "copilot-cli",
            label: "GitHub Copilot CLI",
            env: &[EnvRoot::new("COPILOT_HOME", "")],
            roots: &[Root::any(".copilot")],
            accepts: is_session_events,
        },
        looks_like,
        |file| parser(file.path),
    )
};

/// Whether a file under `~/.copilot` is a session's event log.
fn is_session_events(path: &Path) -> bool {
    let parent = |levels: usize| {
        path.ancestors()
            .nth(levels)
            .and_then(Path::file_name)
            .and_then(|name| name.to_str())
    };
    let name = path.file_name().and_then(|name| name.to_str());
    match name {
        Some("events.jsonl") => parent(2) == Some("session-state"),
        Some(name) => name.ends_with(".jsonl") && parent(1) == Some("history-session-state"),
        None => false,
    }
}

/// Any event line.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Event<'a> {
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    timestamp: Option<&'a RawValue>,
    data: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct StartData<'a> {
    #[serde(rename = "sessionId")]
    session_id: Option<Text<'a>>,
    context: Option<Context<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Context<'a> {
    cwd: Option<Text<'a>>,
    branch: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct AssistantData {
    #[serde(rename = "outputTokens")]
    output_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct CompactionData {
    success: Option<bool>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ShutdownData<'a> {
    #[serde(rename = "modelMetrics")]
    model_metrics: Option<BTreeMap<Text<'a>, ModelMetrics>>,
    #[serde(rename = "sessionStartTime")]
    session_start_time: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct ModelMetrics {
    usage: Option<Usage>,
}

/// `modelMetrics.<model>.usage`.
#[derive(Deserialize, Default, Clone, Copy)]
struct Usage {
    #[serde(rename = "inputTokens")]
    input: Option<u64>,
    #[serde(rename = "outputTokens")]
    output: Option<u64>,
    #[serde(rename = "cacheReadTokens")]
    cache_read: Option<u64>,
    #[serde(rename = "cacheWriteTokens")]
    cache_write: Option<u64>,
    #[serde(rename = "reasoningTokens")]
    reasoning: Option<u64>,
}

impl Usage {
    /// Exclusive buckets: the cache comes out of `inputTokens`; reasoning stays in output.
    fn buckets(&self) -> TokenBuckets {
        openai_style(
            self.input.unwrap_or(0),
            self.cache_read.unwrap_or(0),
            self.cache_write.unwrap_or(0),
            self.output.unwrap_or(0),
            self.reasoning.unwrap_or(0),
        )
    }
}

/// Reads one session's event log in order.
struct CopilotCliParser {
    session_id: Option<String>,
    /// The project folder's name and the branch, from `session.start`.
    tags: Vec<(String, String)>,
    /// When the current segment began (its first event).
    segment_start_ms: Option<i64>,
    /// Lines of the current segment's turns that have an output count, waiting for the
    /// shutdown that covers them.
    pending_turns: Vec<u64>,
}

/// A parser for the event log at `path` (its folder or name is the session id when no
/// `session.start` says it).
pub(crate) fn parser(path: Option<&Path>) -> Box<dyn LineParser> {
    let session_id = path.and_then(|path| {
        let from = if path.file_name().is_some_and(|name| name == "events.jsonl") {
            path.parent()?.file_name()?
        } else {
            path.file_stem()?
        };
        Some(from.to_string_lossy().into_owned())
    });
    Box::new(CopilotCliParser {
        session_id,
        tags: Vec::new(),
        segment_start_ms: None,
        pending_turns: Vec::new(),
    })
}

impl LineParser for CopilotCliParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        let event: Event<'_> = match serde_json::from_slice(line) {
            Ok(event) => event,
            Err(err) => return push(out, line_no, json_error(err, line)),
        };
        let timestamp = event.timestamp.and_then(parse_timestamp);
        let Some(kind) = event.kind.as_deref() else {
            return push(
                out,
                line_no,
                LineOutcome::Error("not a Copilot CLI event: no type".into()),
            );
        };
        if self.segment_start_ms.is_none() {
            self.segment_start_ms = timestamp;
        }
        let data = event.data.map_or("{}", RawValue::get);
        let outcome = match kind {
            "session.start" => self.start(data),
            "session.shutdown" => return self.shutdown(line_no, data, timestamp, out),
            "session.compaction_complete" => {
                let success = serde_json::from_str::<CompactionData>(data)
                    .ok()
                    .and_then(|d| d.success);
                if success == Some(true) {
                    self.drop_pending(out, SkipReason::NoSessionTotals);
                }
                LineOutcome::Skip(SkipReason::SessionMetadata)
            }
            "assistant.message" => match serde_json::from_str::<AssistantData>(data) {
                Ok(AssistantData {
                    output_tokens: Some(1..),
                }) => {
                    self.pending_turns.push(line_no);
                    return;
                }
                Ok(_) => LineOutcome::Skip(SkipReason::NoUsage),
                Err(err) => prefixed(json_error(err, data.as_bytes())),
            },
            "user.message" => LineOutcome::Skip(SkipReason::UserMessage),
            kind if kind.starts_with("session.") => LineOutcome::Skip(SkipReason::SessionMetadata),
            _ => LineOutcome::Skip(SkipReason::NotAModelCall),
        };
        push(out, line_no, outcome);
    }

    fn finish(&mut self, out: &mut Vec<Parsed>) {
        self.drop_pending(out, SkipReason::NoSessionTotals);
    }
}

impl CopilotCliParser {
    fn start(&mut self, data: &str) -> LineOutcome {
        let start: StartData<'_> = match serde_json::from_str(data) {
            Ok(start) => start,
            Err(err) => return prefixed(json_error(err, data.as_bytes())),
        };
        if let Some(id) = start.session_id.filter(|id| !id.is_empty()) {
            self.session_id = Some(id.into_owned());
        }
        if let Some(context) = start.context {
            let project = context.cwd.as_deref().and_then(|cwd| {
                Path::new(cwd)
                    .file_name()
                    .map(|name| name.to_string_lossy().into_owned())
            });
            self.tags.clear();
            self.tags
                .extend(project.map(|p| ("project".to_string(), p)));
            self.tags.extend(
                context
                    .branch
                    .map(|b| ("branch".to_string(), b.into_owned())),
            );
        }
        LineOutcome::Skip(SkipReason::SessionMetadata)
    }

    /// A shutdown: one record per model of its totals; the segment's turns are covered.
    fn shutdown(
        &mut self,
        line_no: u64,
        data: &str,
        timestamp: Option<i64>,
        out: &mut Vec<Parsed>,
    ) {
        let shutdown: ShutdownData<'_> = match serde_json::from_str(data) {
            Ok(shutdown) => shutdown,
            Err(err) => return push(out, line_no, prefixed(json_error(err, data.as_bytes()))),
        };
        let started = self
            .segment_start_ms
            .or_else(|| shutdown.session_start_time.and_then(parse_timestamp))
            .or(timestamp);
        let before = out.len();
        for (model, metrics) in shutdown.model_metrics.iter().flatten() {
            let tokens = metrics.usage.unwrap_or_default().buckets();
            if tokens.total() == 0 || model.is_empty() {
                continue;
            }
            push(
                out,
                line_no,
                LineOutcome::Call(self.record(model, tokens, started, timestamp)),
            );
        }
        if out.len() == before {
            // A shutdown with no usage: the segment's turns have no totals either.
            self.drop_pending(out, SkipReason::NoSessionTotals);
            push(out, line_no, LineOutcome::Skip(SkipReason::NoUsage));
        } else {
            self.drop_pending(out, SkipReason::CountedInSessionTotals);
        }
        self.segment_start_ms = None;
    }

    fn record(
        &self,
        model: &str,
        tokens: TokenBuckets,
        started: Option<i64>,
        ended: Option<i64>,
    ) -> Box<CallRecord> {
        let session = self.session_id.as_deref().unwrap_or_default();
        let ended_text = ended.map(|ms| ms.to_string()).unwrap_or_default();
        let mut record = Box::new(CallRecord {
            provider: Provider::from_model(model),
            model: model.to_string(),
            timestamp_ms: started,
            session_id: self.session_id.clone(),
            tokens,
            tags: self.tags.clone(),
            // The same shutdown read from the session-state and the older history file
            // collapses to one.
            dedupe_key: Some(stable_hash(&[
                b"copilot-cli",
                session.as_bytes(),
                ended_text.as_bytes(),
                model.as_bytes(),
            ])),
            ..CallRecord::default()
        });
        record.features.interactive = true;
        record.features.streamed = true;
        record
    }

    /// Settles the held turns of the segment with `reason`.
    fn drop_pending(&mut self, out: &mut Vec<Parsed>, reason: SkipReason) {
        for line in self.pending_turns.drain(..) {
            out.push(Parsed {
                line,
                outcome: LineOutcome::Skip(reason),
            });
        }
    }
}

fn push(out: &mut Vec<Parsed>, line: u64, outcome: LineOutcome) {
    out.push(Parsed { line, outcome });
}

/// A JSON error in an event's `data`, said to be one.
fn prefixed(outcome: LineOutcome) -> LineOutcome {
    match outcome {
        LineOutcome::Error(why) => LineOutcome::Error(format!("Copilot CLI event data: {why}")),
        other => other,
    }
}

/// Whether a JSON value is a Copilot CLI session event: a `type` from its vocabulary and a
/// `data` object.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    let known = object
        .get("type")
        .and_then(|t| t.as_str())
        .is_some_and(|t| {
            matches!(
                t,
                "session.start"
                    | "session.resume"
                    | "session.shutdown"
                    | "session.model_change"
                    | "assistant.message"
                    | "assistant.turn_start"
                    | "assistant.turn_end"
                    | "user.message"
                    | "tool.execution_start"
                    | "tool.execution_complete"
            )
        });
    known && object.get("data").is_some_and(|d| d.is_object())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::InputFormat;
    use crate::ingest::test_support::{
        assert_priced, by_line, calls, cost, parse_file, tag, tokens,
    };

    const HOME: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/home");
    const RESUMED: &str =
        ".copilot/session-state/5f2c9e14-8a37-4d0b-b6e1-3c7a90d4e812/events.jsonl";
    const CRASHED: &str =
        ".copilot/session-state/c81d0a6e-2f45-4b9c-a7d3-6e10b58f9c27/events.jsonl";
    const HISTORY: &str =
        ".copilot/history-session-state/3b7e5d21-94c6-4f08-8e2a-d15f60a7b938.jsonl";

    fn read(relative: &str) -> Vec<Parsed> {
        let path = std::path::PathBuf::from(format!("{HOME}/{relative}"));
        let mut out = parse_file(InputFormat::CopilotCli, &path);
        out.sort_by_key(|p| p.line);
        out
    }

    #[test]
    fn a_resumed_session_adds_its_segments() {
        let parsed = read(RESUMED);
        let seen = by_line(&parsed);
        let counted = "skip turn counted in its session's totals";
        let expected: Vec<(u64, &str)> = vec![
            (1, "skip session metadata, no usage"),
            (2, "skip user message, no usage"),
            (3, "skip not a model call"),
            (4, counted),
            (5, "skip not a model call"),
            (6, "skip not a model call"),
            (7, counted),
            (8, "call claude-sonnet-4.5"),
            (8, "call gpt-5-mini"),
            (9, "skip session metadata, no usage"),
            (10, "skip user message, no usage"),
            (11, counted),
            (12, "skip response without usage"),
            (13, "call claude-sonnet-4.5"),
        ];
        let expected: Vec<(u64, String)> = expected
            .into_iter()
            .map(|(l, w)| (l, w.to_string()))
            .collect();
        assert_eq!(seen, expected);
        let calls = calls(&parsed);
        // inputTokens 412,380 hold the 371,904 cache reads and 27,310 cache writes.
        assert_eq!(
            calls[0].tokens,
            tokens(13_166, 371_904, 27_310, 0, 6_905, 0)
        );
        // No cost is asserted for this record: its 412,380 prompt tokens are fourteen
        // requests', and the catalog would price them at the over-200k rates a single request
        // of that size pays (a pricing question for session-total formats, left to the lead).
        // The first segment is timed at its first event, 2026-11-10T15:02:11.204Z.
        assert_eq!(calls[0].timestamp_ms, Some(1_794_322_931_204));
        assert_eq!(
            calls[0].session_id.as_deref(),
            Some("5f2c9e14-8a37-4d0b-b6e1-3c7a90d4e812")
        );
        assert_eq!(tag(calls[0], "project"), Some("billing-api"));
        assert_eq!(tag(calls[0], "branch"), Some("fix/invoice-rounding"));
        // gpt-5-mini: 9,020 − 6,144 cached; 1,310 output of which 896 reasoning.
        assert_eq!(calls[1].tokens, tokens(2_876, 6_144, 0, 0, 1_310, 896));
        // The resumed segment's own totals, timed at its first event (16:40:03.551Z).
        assert_eq!(calls[2].tokens, tokens(4_102, 96_512, 2_044, 0, 1_187, 0));
        assert_eq!(calls[2].timestamp_ms, Some(1_794_328_803_551));
        // claude-sonnet-4.5: 4,102 × $3/M + 96,512 × $0.30/M + 2,044 × $3.75/M + 1,187 × $15/M
        //   = $0.012306 + $0.0289536 + $0.007665 + $0.017805 = $0.0667296
        assert_eq!(cost(calls[2]), "0.0667296");
        assert_ne!(calls[0].dedupe_key, calls[2].dedupe_key);
    }

    #[test]
    fn a_session_that_never_shut_down_has_only_output_and_no_record() {
        let parsed = read(CRASHED);
        assert!(calls(&parsed).is_empty());
        let without = by_line(&parsed)
            .into_iter()
            .filter(|(_, what)| what.contains("wrote no totals"))
            .count();
        assert_eq!(without, 2);
    }

    #[test]
    fn the_older_history_file_and_a_compaction() {
        let parsed = read(HISTORY);
        let seen = by_line(&parsed);
        // The turn before the compaction is not in the shutdown's totals.
        assert_eq!(
            seen[2].1,
            "skip turn of a session that wrote no totals, output only"
        );
        assert_eq!(seen[5].1, "skip turn counted in its session's totals");
        let calls = calls(&parsed);
        assert_eq!(calls.len(), 1);
        assert_eq!(
            calls[0].session_id.as_deref(),
            Some("3b7e5d21-94c6-4f08-8e2a-d15f60a7b938")
        );
        // gpt-5.1: 5,310 × $1.25/M + 40,960 × $0.125/M + 2,204 × $10/M
        //   = $0.0066375 + $0.00512 + $0.02204 = $0.0337975
        assert_priced(
            calls[0],
            tokens(5_310, 40_960, 0, 0, 2_204, 1_536),
            "0.0337975",
        );
    }

    #[test]
    fn malformed_events_name_the_field_not_the_value() {
        let text = [
            r#"{"type":"session.shutdown","timestamp":"2026-11-10T15:00:00Z","data":{"modelMetrics":{"gpt-5.1":{"usage":{"inputTokens":"many secret words"}}}}}"#,
            r#"{"timestamp":"2026-11-10T15:00:00Z","data":{}}"#,
            r#"{"type":"assistant.message","data":{"outputTokens":"#,
        ];
        let mut parser = parser(None);
        let mut out = Vec::new();
        for (index, line) in text.iter().enumerate() {
            parser.line(index as u64 + 1, line.as_bytes(), &mut out);
        }
        parser.finish(&mut out);
        let seen = by_line(&out);
        assert!(
            seen[0]
                .1
                .starts_with("error Copilot CLI event data: invalid JSON")
        );
        assert!(!crate::ingest::redact_values(&seen[0].1).contains("secret"));
        assert!(seen[1].1.starts_with("error not a Copilot CLI event"));
        assert!(seen[2].1.starts_with("error truncated JSON"));
    }

    #[test]
    fn discovery_accepts_event_logs_only() {
        assert!(is_session_events(Path::new(
            "/h/.copilot/session-state/abc/events.jsonl"
        )));
        assert!(is_session_events(Path::new(
            "/h/.copilot/history-session-state/abc.jsonl"
        )));
        assert!(!is_session_events(Path::new(
            "/h/.copilot/session-state/abc/workspace.yaml"
        )));
        assert!(!is_session_events(Path::new("/h/.copilot/otel/x.jsonl")));
    }
}
