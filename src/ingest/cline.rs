//! Cline and Roo Code task folders: `ui_messages.json`, the messages the extension shows, one
//! JSON array per task.
//!
//! Where: `<VS Code user dir>/globalStorage/saoudrizwan.claude-dev/tasks/<taskId>/` (Cline) and
//! `…/rooveterinaryinc.roo-cline/tasks/<taskId>/` (Roo Code, a Cline fork), for Code, Code -
//! Insiders and VSCodium (`~/.config/…` on Linux, `~/Library/Application Support/…` on macOS,
//! `%APPDATA%\…` on Windows); Cline also keeps tasks in `~/.cline/data/tasks/<taskId>/`
//! (`CLINE_DATA_DIR`, else `CLINE_DIR`/data; cline/cline
//! `apps/vscode/src/shared/storage/storage-context.ts`, `apps/vscode/src/sdk/legacy-state-reader.ts`).
//!
//! Layout (cline/cline `apps/vscode/src/shared/ExtensionMessage.ts`; RooCodeInc/Roo-Code
//! `packages/types/src/message.ts`): an array of `{ts (ms), type: "say"|"ask", say|ask, text,
//! modelInfo?, partial?}`. A `say: "api_req_started"` message is one API request: its `text` is
//! a JSON string `{request?, tokensIn, tokensOut, cacheWrites?, cacheReads?, cost?,
//! cancelReason?, streamingFailedMessage?, apiProtocol?}`, filled in with the usage when the
//! stream ends. The oldest Cline versions wrote the usage on a separate `api_req_finished`
//! message instead, which is read the same way. A request whose counts are all zero (a
//! placeholder written before the stream, or one cancelled before any usage came) is no call;
//! one that failed without usage is counted among the failures by the cause its error names
//! (the error's text is matched and dropped). `request` holds the prompt and is never read.
//! One call per task id and `ts`: a message written twice under the same `ts` counts once.
//!
//! Token convention (money-deciding, and different between the two agents):
//! - **Cline** keeps `tokensIn`, `cacheReads` and `cacheWrites` disjoint (the SDK's
//!   `normalizeUsageEvent` in `apps/vscode/src/sdk/message-translator.ts` says so, and the
//!   classic providers subtract the cached part), except its generic "OpenAI Compatible"
//!   provider (`providerId: "openai"`), which passes `prompt_tokens` through with the cache
//!   read and miss counts inside it: there they are subtracted.
//! - **Roo Code** from 3.29.5 (2025-11-01, PR #8954, `src/core/task/Task.ts` with
//!   `src/shared/cost.ts`) writes `tokensIn` as the WHOLE prompt, cache reads and writes
//!   included, for both API protocols; before that it wrote the provider's own count, which
//!   includes the cached tokens only for `apiProtocol: "openai"`. The file carries no version,
//!   so the call's time decides (an extension updates itself within days of a release).
//!
//! Cache writes are priced as 5-minute writes (the only TTL either agent requests). Neither
//! records reasoning tokens apart: they are inside `tokensOut`, and `reasoning` stays 0.
//!
//! The model is not in the usage. In order: the message's own `modelInfo.modelId` (Cline since
//! late 2025); the `model_usage` timeline of the sibling `task_metadata.json` (Cline's
//! `ModelContextTracker`, one entry per switch: the entry in effect at the call); the `<model>`
//! tag of the environment details in the sibling `api_conversation_history.json` (Roo Code
//! writes it into every user turn, just after the request's `api_req_started`: the first at or
//! after the call). Only the tag's contents are kept from that file. A call no source names a
//! model for is an error, not a call at a guessed price.

use crate::ingest::values::Text;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::values::parse_timestamp;
use crate::ingest::wire::stable_hash;
use crate::ingest::{
    Agent, EnvRoot, Format, LineOutcome, LineParser, Os, Parsed, Root, SkipReason, json_error,
};
use crate::record::{CallRecord, CallStatus, FailureCause, Provider, TokenBuckets};

/// The `globalStorage` folders of a VS Code extension in Code, Code - Insiders and VSCodium,
/// on each system, then any further roots.
macro_rules! vscode_roots {
    ($extension:literal $(, $extra:expr)*) => {
        [
            Root { os: Os::Linux, path: concat!(".config/Code/User/globalStorage/", $extension) },
            Root { os: Os::Linux, path: concat!(".config/Code - Insiders/User/globalStorage/", $extension) },
            Root { os: Os::Linux, path: concat!(".config/VSCodium/User/globalStorage/", $extension) },
            Root { os: Os::Macos, path: concat!("Library/Application Support/Code/User/globalStorage/", $extension) },
            Root { os: Os::Macos, path: concat!("Library/Application Support/Code - Insiders/User/globalStorage/", $extension) },
            Root { os: Os::Macos, path: concat!("Library/Application Support/VSCodium/User/globalStorage/", $extension) },
            Root { os: Os::Windows, path: concat!("AppData/Roaming/Code/User/globalStorage/", $extension) },
            Root { os: Os::Windows, path: concat!("AppData/Roaming/Code - Insiders/User/globalStorage/", $extension) },
            Root { os: Os::Windows, path: concat!("AppData/Roaming/VSCodium/User/globalStorage/", $extension) },
            $($extra,)*
        ]
    };
}

/// Cline's task folders (the VS Code extension and the Cline CLI).
pub(crate) const CLINE_FORMAT: Format = Format::agent_log(
    Agent {
        name: "cline",
        label: "Cline",
        // The Cline CLI's (and, since its SDK, the extension's) data folder.
        env: &[
            EnvRoot::new("CLINE_DATA_DIR", ""),
            EnvRoot::new("CLINE_DIR", "data"),
        ],
        roots: &vscode_roots!("saoudrizwan.claude-dev", Root::any(".cline/data")),
        accepts: is_task_ui_messages,
    },
    looks_like_cline,
    |file| parser(Flavor::Cline, file.path),
);

/// Roo Code's task folders.
pub(crate) const ROO_FORMAT: Format = Format::agent_log(
    Agent {
        name: "roo-code",
        label: "Roo Code",
        env: &[],
        roots: &vscode_roots!("rooveterinaryinc.roo-cline"),
        accepts: is_task_ui_messages,
    },
    looks_like_roo,
    |file| parser(Flavor::RooCode, file.path),
);

/// Whether a file is a task's `tasks/<taskId>/ui_messages.json`.
fn is_task_ui_messages(path: &Path) -> bool {
    let in_tasks = path
        .parent()
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .is_some_and(|name| name == "tasks");
    in_tasks
        && path
            .file_name()
            .is_some_and(|name| name == "ui_messages.json")
}

/// Which of the two agents wrote the task folder: their files are alike, their input counts
/// are not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    Cline,
    RooCode,
}

impl Flavor {
    fn name(self) -> &'static str {
        match self {
            Flavor::Cline => "Cline",
            Flavor::RooCode => "Roo Code",
        }
    }

    /// Whether `tokensIn` of this call includes its cache reads and writes.
    fn input_includes_cache(
        self,
        request: &ApiRequest<'_>,
        model: &ModelInfo<'_>,
        ts: i64,
    ) -> bool {
        match self {
            Flavor::Cline => model.provider_id.as_deref() == Some("openai"),
            Flavor::RooCode => {
                ts >= ROO_WHOLE_PROMPT_FROM_MS || request.api_protocol.as_deref() == Some("openai")
            }
        }
    }
}

/// 2025-11-01T00:00:00Z, the day Roo Code 3.29.5 started writing the whole prompt as
/// `tokensIn` (CHANGELOG.md: "Fix cost and token tracking between provider styles").
const ROO_WHOLE_PROMPT_FROM_MS: i64 = 1_761_955_200_000;

/// One message of `ui_messages.json`.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Message<'a> {
    ts: Option<&'a RawValue>,
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    say: Option<Text<'a>>,
    text: Option<Text<'a>>,
    #[serde(rename = "modelInfo")]
    model_info: Option<ModelInfo<'a>>,
}

/// `ClineMessageModelInfo`: the model a message was made with.
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ModelInfo<'a> {
    #[serde(rename = "modelId")]
    model_id: Option<Text<'a>>,
    #[serde(rename = "providerId")]
    provider_id: Option<Text<'a>>,
    mode: Option<Text<'a>>,
}

/// `ClineApiReqInfo`, the JSON inside an `api_req_started` message's text. `request` (the
/// prompt) is deliberately not a field.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ApiRequest<'a> {
    #[serde(rename = "tokensIn")]
    tokens_in: Option<u64>,
    #[serde(rename = "tokensOut")]
    tokens_out: Option<u64>,
    #[serde(rename = "cacheWrites")]
    cache_writes: Option<u64>,
    #[serde(rename = "cacheReads")]
    cache_reads: Option<u64>,
    cost: Option<f64>,
    #[serde(rename = "cancelReason")]
    cancel_reason: Option<Text<'a>>,
    #[serde(rename = "streamingFailedMessage")]
    streaming_failed: Option<Text<'a>>,
    #[serde(rename = "apiProtocol")]
    api_protocol: Option<Text<'a>>,
}

impl ApiRequest<'_> {
    /// Exclusive buckets: when `tokensIn` holds the whole prompt, the cached part comes out.
    fn buckets(&self, input_includes_cache: bool) -> TokenBuckets {
        let reads = self.cache_reads.unwrap_or(0);
        let writes = self.cache_writes.unwrap_or(0);
        let mut input = self.tokens_in.unwrap_or(0);
        if input_includes_cache {
            input = input.saturating_sub(reads).saturating_sub(writes);
        }
        TokenBuckets {
            input,
            cache_read: reads,
            cache_write_5m: writes,
            output: self.tokens_out.unwrap_or(0),
            ..TokenBuckets::default()
        }
    }

    fn failure(&self) -> Option<FailureCause> {
        let failed = self.cancel_reason.as_deref() == Some("streaming_failed")
            || self.streaming_failed.is_some();
        failed.then(|| {
            let text = self.streaming_failed.as_deref().unwrap_or_default();
            FailureCause::derive(None, &[text])
        })
    }
}

/// The models a task used over time, from a sibling file.
#[derive(Debug, Default, PartialEq)]
struct ModelTimeline {
    /// `(ts, model)` in file order.
    entries: Vec<(Option<i64>, String)>,
    /// Whether an entry names the model of the calls after it (a switch) rather than of the
    /// call just before it (the user turn a request sent).
    entries_precede_calls: bool,
}

impl ModelTimeline {
    /// The model of a call made at `ts`.
    fn model_at(&self, ts: Option<i64>) -> Option<&str> {
        let first = self.entries.first().map(|(_, model)| model.as_str());
        let Some(ts) = ts else {
            return first;
        };
        let found = if self.entries_precede_calls {
            self.entries
                .iter()
                .rev()
                .find(|(at, _)| at.is_some_and(|at| at <= ts))
        } else {
            self.entries
                .iter()
                .find(|(at, _)| at.is_some_and(|at| at >= ts))
                .or(self.entries.last())
        };
        found.map(|(_, model)| model.as_str()).or(first)
    }

    /// Cline's `task_metadata.json`: `model_usage: [{ts, model_id, model_provider_id, mode}]`.
    fn from_task_metadata(bytes: &[u8]) -> ModelTimeline {
        #[derive(Deserialize)]
        struct Entry {
            ts: Option<i64>,
            model_id: Option<String>,
        }
        #[derive(Deserialize)]
        struct Metadata {
            model_usage: Option<Vec<Entry>>,
        }
        let entries = serde_json::from_slice::<Metadata>(bytes)
            .ok()
            .and_then(|m| m.model_usage)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|e| Some((e.ts, e.model_id.filter(|m| !m.is_empty())?)))
            .collect();
        ModelTimeline {
            entries,
            entries_precede_calls: true,
        }
    }

    /// `api_conversation_history.json`: the `<model>` tag of each user turn's environment
    /// details, with the turn's `ts` (Roo Code stamps its history messages). The turns are
    /// kept raw and only searched for the tag: no prompt text is decoded or kept.
    fn from_history(bytes: &[u8]) -> ModelTimeline {
        #[derive(Deserialize)]
        #[serde(bound(deserialize = "'de: 'a"))]
        struct Turn<'a> {
            role: Option<Text<'a>>,
            content: Option<&'a RawValue>,
            ts: Option<i64>,
        }
        let turns: Vec<Turn<'_>> = serde_json::from_slice(bytes).unwrap_or_default();
        let entries = turns
            .iter()
            .filter(|turn| turn.role.as_deref() == Some("user"))
            .filter_map(|turn| Some((turn.ts, model_tag(turn.content?.get())?)))
            .collect();
        ModelTimeline {
            entries,
            entries_precede_calls: false,
        }
    }
}

/// The last `<model>…</model>` tag in raw JSON text (the environment details come after the
/// user's words, so the last tag is the extension's, not one the user typed). Tags holding
/// JSON escapes or spaces are not model ids.
fn model_tag(raw: &str) -> Option<String> {
    const OPEN: &str = "<model>";
    let start = raw.rfind(OPEN)? + OPEN.len();
    let len = raw[start..].find("</model>")?;
    let model = raw[start..start + len].trim();
    let plain =
        !model.is_empty() && model.len() <= 200 && !model.contains(['\\', '"', ' ', '<', '>']);
    plain.then(|| model.to_string())
}

/// The sibling files a task folder may name its models in, read once, when a call first
/// needs them.
#[derive(Default)]
struct Siblings {
    task_dir: Option<PathBuf>,
    loaded: Option<Vec<ModelTimeline>>,
}

impl Siblings {
    fn timelines(&mut self) -> &[ModelTimeline] {
        let task_dir = self.task_dir.as_deref();
        self.loaded.get_or_insert_with(|| {
            let Some(dir) = task_dir else {
                return Vec::new();
            };
            let read = |name: &str| std::fs::read(dir.join(name)).ok();
            // The history can be megabytes: it is read only when the metadata names nothing.
            let metadata = read("task_metadata.json")
                .map(|bytes| ModelTimeline::from_task_metadata(&bytes))
                .filter(|timeline| !timeline.entries.is_empty());
            let timeline = metadata.or_else(|| {
                read("api_conversation_history.json")
                    .map(|bytes| ModelTimeline::from_history(&bytes))
                    .filter(|timeline| !timeline.entries.is_empty())
            });
            timeline.into_iter().collect()
        })
    }
}

/// Reads one task's `ui_messages.json`.
struct ClineParser {
    flavor: Flavor,
    /// The task id: the folder's name.
    task_id: String,
    siblings: Siblings,
    /// `ts` of the requests already counted.
    seen: HashSet<i64>,
}

/// A parser for the `ui_messages.json` at `path` (its folder holds the sibling files).
pub(crate) fn parser(flavor: Flavor, path: Option<&Path>) -> Box<dyn LineParser> {
    let task_dir = path.and_then(Path::parent).map(Path::to_path_buf);
    let task_id = task_dir
        .as_deref()
        .and_then(Path::file_name)
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    Box::new(ClineParser {
        flavor,
        task_id,
        siblings: Siblings {
            task_dir,
            loaded: None,
        },
        seen: HashSet::new(),
    })
}

impl LineParser for ClineParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        out.push(Parsed {
            line: line_no,
            outcome: self.outcome(line),
        });
    }
}

impl ClineParser {
    fn outcome(&mut self, line: &[u8]) -> LineOutcome {
        let message: Message<'_> = match serde_json::from_slice(line) {
            Ok(message) => message,
            Err(err) => return json_error(err, line),
        };
        match (message.kind.as_deref(), message.say.as_deref()) {
            (Some("say"), Some("api_req_started" | "api_req_finished")) => self.request(&message),
            (Some("say"), Some("user_feedback" | "user_feedback_diff")) => {
                LineOutcome::Skip(SkipReason::UserMessage)
            }
            (Some("say" | "ask"), _) => LineOutcome::Skip(SkipReason::NotAModelCall),
            _ => LineOutcome::Error(format!(
                "not a {} UI message: no type \"say\" or \"ask\"",
                self.flavor.name()
            )),
        }
    }

    fn request(&mut self, message: &Message<'_>) -> LineOutcome {
        let Some(text) = message.text.as_deref().filter(|t| !t.trim().is_empty()) else {
            return LineOutcome::Skip(SkipReason::NoUsage);
        };
        let request: ApiRequest<'_> = match serde_json::from_str(text) {
            Ok(request) => request,
            Err(err) => {
                return match json_error(err, text.as_bytes()) {
                    LineOutcome::Error(why) => LineOutcome::Error(format!(
                        "{} api_req_started text: {why}",
                        self.flavor.name()
                    )),
                    other => other,
                };
            }
        };
        let ts = message.ts.and_then(parse_timestamp);
        let model_info = message.model_info.as_ref();
        let includes_cache = self.flavor.input_includes_cache(
            &request,
            model_info.unwrap_or(&ModelInfo::default()),
            ts.unwrap_or(0),
        );
        let tokens = request.buckets(includes_cache);
        if tokens.total() == 0 {
            return LineOutcome::without_usage(request.failure());
        }
        if let Some(ts) = ts
            && !self.seen.insert(ts)
        {
            return LineOutcome::Skip(SkipReason::DuplicateContentBlock);
        }
        let named = model_info
            .and_then(|info| info.model_id.as_deref())
            .filter(|m| !m.is_empty());
        let model = match named {
            Some(model) => model.to_string(),
            None => match self
                .siblings
                .timelines()
                .iter()
                .find_map(|timeline| timeline.model_at(ts))
            {
                Some(model) => model.to_string(),
                None => {
                    return LineOutcome::Error(format!(
                        "{} API request names no model: no modelInfo, no model_usage in \
                         task_metadata.json, no <model> tag in api_conversation_history.json",
                        self.flavor.name()
                    ));
                }
            },
        };
        LineOutcome::Call(self.record(&request, model_info, model, tokens, ts))
    }

    fn record(
        &self,
        request: &ApiRequest<'_>,
        model_info: Option<&ModelInfo<'_>>,
        model: String,
        tokens: TokenBuckets,
        ts: Option<i64>,
    ) -> Box<CallRecord> {
        let failure = request.failure();
        let status = match (&failure, request.cancel_reason.as_deref()) {
            (Some(_), _) => CallStatus::Error,
            (None, Some(_)) => CallStatus::Incomplete,
            (None, None) => CallStatus::Ok,
        };
        let session = (!self.task_id.is_empty()).then(|| self.task_id.clone());
        let ts_text = ts.map(|ts| ts.to_string()).unwrap_or_default();
        let mut record = Box::new(CallRecord {
            provider: Provider::from_model(&model),
            model,
            timestamp_ms: ts,
            status,
            failure,
            session_id: session,
            tokens,
            stated_cost_usd: request.cost.filter(|c| c.is_finite() && *c >= 0.0),
            dedupe_key: Some(stable_hash(&[
                self.flavor.name().as_bytes(),
                self.task_id.as_bytes(),
                ts_text.as_bytes(),
            ])),
            ..CallRecord::default()
        });
        record.features.interactive = true;
        record.features.streamed = true;
        if let Some(mode) = model_info.and_then(|info| info.mode.as_deref()) {
            record.tags.push(("mode".to_string(), mode.to_string()));
        }
        record
    }
}

/// Whether a JSON value is an `api_req_started` message of Roo Code: its text names the API
/// protocol (Roo Code since July 2025; Cline never wrote it).
pub(crate) fn looks_like_roo(value: &serde_json::Value) -> bool {
    api_request_text(value).is_some_and(|text| text.contains("\"apiProtocol\""))
}

/// Whether a JSON value is an `api_req_started` (or `api_req_finished`) message of Cline (or of
/// a Roo Code older than the API protocol field, which counted input as Cline does).
pub(crate) fn looks_like_cline(value: &serde_json::Value) -> bool {
    api_request_text(value).is_some_and(|text| !text.contains("\"apiProtocol\""))
}

/// The text of a `{ts, type: "say", say: "api_req_started"|"api_req_finished", text}` message.
fn api_request_text(value: &serde_json::Value) -> Option<&str> {
    let object = value.as_object()?;
    let request = object.get("type")?.as_str()? == "say"
        && matches!(
            object.get("say")?.as_str()?,
            "api_req_started" | "api_req_finished"
        )
        && object.get("ts")?.is_number();
    request.then(|| object.get("text")?.as_str())?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::test_support::{
        assert_priced, calls, outcomes, parse_items, skip, tag, tokens,
    };
    use crate::ingest::{FileContext, InputFormat};

    const HOME: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/home");
    const CLINE_TASKS: &str = ".config/Code/User/globalStorage/saoudrizwan.claude-dev/tasks";
    const ROO_TASKS: &str = ".config/Code/User/globalStorage/rooveterinaryinc.roo-cline/tasks";

    /// Reads a fixture task's `ui_messages.json` as the pipeline reads a JSON array: each
    /// message is one record, numbered from 1.
    fn read_task(flavor: Flavor, tasks: &str, task: &str) -> Vec<Parsed> {
        let path = PathBuf::from(format!("{HOME}/{tasks}/{task}/ui_messages.json"));
        let bytes = std::fs::read(&path).unwrap();
        read_messages(flavor, Some(&path), &bytes)
    }

    fn read_messages(flavor: Flavor, path: Option<&Path>, bytes: &[u8]) -> Vec<Parsed> {
        let format = match flavor {
            Flavor::Cline => InputFormat::Cline,
            Flavor::RooCode => InputFormat::RooCode,
        };
        parse_items(format, &FileContext { path }, bytes)
    }

    #[test]
    fn cline_task_accounts_for_every_message() {
        let parsed = read_task(Flavor::Cline, CLINE_TASKS, "1793700243120");
        assert_eq!(
            outcomes(&parsed),
            vec![
                "skip not a model call",
                "skip response without usage",
                "call claude-sonnet-4-5-20250929",
                "skip not a model call",
                "skip not a model call",
                "call claude-sonnet-4-5-20250929",
                "skip duplicate content block",
                "skip response without usage",
                "failed rate_limit",
                "call gpt-4.1",
                "skip user message, no usage",
                "call claude-sonnet-4-5-20250929",
                "skip not a model call",
            ]
        );
    }

    #[test]
    fn cline_buckets_are_disjoint_and_cache_writes_are_five_minute_writes() {
        let parsed = read_task(Flavor::Cline, CLINE_TASKS, "1793700243120");
        let calls = calls(&parsed);
        // tokensIn 3, cacheWrites 14,210, tokensOut 412.
        // claude-sonnet-4-5: 3 × $3/M + 14,210 × $3.75/M + 412 × $15/M
        //   = $0.000009 + $0.0532875 + $0.00618 = $0.0594765
        assert_priced(calls[0], tokens(3, 0, 14_210, 0, 412, 0), "0.0594765");
        assert_eq!(calls[0].stated_cost_usd, Some(0.0594765));
        assert_eq!(calls[0].session_id.as_deref(), Some("1793700243120"));
        assert_eq!(calls[0].timestamp_ms, Some(1_793_700_245_410));
        assert_eq!(tag(calls[0], "mode"), Some("act"));
        assert!(calls[0].features.interactive);
        // tokensIn 5, cacheReads 14,210, cacheWrites 1,180, tokensOut 230.
        // claude-sonnet-4-5: 5 × $3/M + 14,210 × $0.30/M + 1,180 × $3.75/M + 230 × $15/M
        //   = $0.000015 + $0.004263 + $0.004425 + $0.00345 = $0.012153
        assert_priced(calls[1], tokens(5, 14_210, 1_180, 0, 230, 0), "0.012153");
        assert_ne!(calls[0].dedupe_key, calls[1].dedupe_key);
        // The plan-mode call after the cancelled one, interrupted by the user with its usage.
        assert_eq!(calls[3].tokens, tokens(2, 15_390, 640, 0, 96, 0));
        assert_eq!(calls[3].status, CallStatus::Incomplete);
        assert_eq!(tag(calls[3], "mode"), Some("plan"));
    }

    #[test]
    fn cline_openai_compatible_input_includes_the_cache() {
        let parsed = read_task(Flavor::Cline, CLINE_TASKS, "1793700243120");
        let record = calls(&parsed)[2];
        // providerId "openai": tokensIn 12,400 holds the 8,192 cache reads.
        // gpt-4.1: 4,208 × $2/M + 8,192 × $0.50/M + 350 × $8/M
        //   = $0.008416 + $0.004096 + $0.0028 = $0.015312
        assert_priced(record, tokens(4_208, 8_192, 0, 0, 350, 0), "0.015312");
    }

    #[test]
    fn an_older_cline_task_takes_its_models_from_task_metadata() {
        let parsed = read_task(Flavor::Cline, CLINE_TASKS, "1793525410007");
        assert_eq!(
            outcomes(&parsed),
            vec![
                "skip not a model call",
                "call claude-sonnet-4-20250514",
                "skip not a model call",
                "call claude-sonnet-4-20250514",
                "call gemini-2.5-pro",
                "skip not a model call",
            ]
        );
        let calls = calls(&parsed);
        assert_eq!(calls[0].tokens, tokens(4, 0, 11_020, 0, 388, 0));
        assert_eq!(calls[1].tokens, tokens(7, 11_020, 2_410, 0, 1_210, 0));
        // After the switch to Gemini at 09:40:10 (Cline's Gemini provider subtracts the cached
        // part itself).
        // gemini-2.5-pro (prompt under 200k): 14,180 × $1.25/M + 2,046 × $10/M
        //   = $0.017725 + $0.02046 = $0.038185
        assert_priced(calls[2], tokens(14_180, 0, 0, 0, 2_046, 0), "0.038185");
    }

    #[test]
    fn the_cline_cli_keeps_the_same_task_files() {
        let path = PathBuf::from(format!(
            "{HOME}/.cline/data/tasks/1794040112554/ui_messages.json"
        ));
        let parsed = read_messages(Flavor::Cline, Some(&path), &std::fs::read(&path).unwrap());
        let calls = calls(&parsed);
        assert_eq!(calls.len(), 2);
        // claude-haiku-4-5: 12 × $1/M + 9,800 × $1.25/M + 640 × $5/M
        //   = $0.000012 + $0.01225 + $0.0032 = $0.015462
        assert_priced(calls[0], tokens(12, 0, 9_800, 0, 640, 0), "0.015462");
        assert_eq!(calls[1].tokens, tokens(41, 9_812, 0, 0, 212, 0));
    }

    #[test]
    fn roo_code_input_holds_the_whole_prompt() {
        let parsed = read_task(
            Flavor::RooCode,
            ROO_TASKS,
            "0f6c2e8a-4b1d-4c7e-9a35-2d8e61b7c904",
        );
        assert_eq!(
            outcomes(&parsed),
            vec![
                "skip not a model call",
                "call claude-sonnet-4-5",
                "skip not a model call",
                "call claude-sonnet-4-5",
                "skip not a model call",
                "call openai/gpt-5",
                "skip response without usage",
                "skip not a model call",
            ]
        );
        let calls = calls(&parsed);
        // tokensIn 18,240 = 6 uncached + 18,234 cache writes.
        // claude-sonnet-4-5: 6 × $3/M + 18,234 × $3.75/M + 505 × $15/M
        //   = $0.000018 + $0.0683775 + $0.007575 = $0.0759705
        assert_priced(calls[0], tokens(6, 0, 18_234, 0, 505, 0), "0.0759705");
        // tokensIn 19,020 = 6 + 780 written + 18,234 read.
        assert_eq!(calls[1].tokens, tokens(6, 18_234, 780, 0, 1_311, 0));
        // OpenRouter (apiProtocol "openai"): 25,600 = 6,104 + 19,496 read.
        // gpt-5: 6,104 × $1.25/M + 19,496 × $0.125/M + 2,870 × $10/M
        //   = $0.00763 + $0.002437 + $0.0287 = $0.038767
        assert_priced(calls[2], tokens(6_104, 19_496, 0, 0, 2_870, 0), "0.038767");
        assert_eq!(
            calls[2].session_id.as_deref(),
            Some("0f6c2e8a-4b1d-4c7e-9a35-2d8e61b7c904")
        );
    }

    #[test]
    fn roo_code_before_3_29_5_counted_anthropic_input_without_the_cache() {
        let text = r#"[{"ts":1759300000000,"type":"say","say":"api_req_started","text":"{\"apiProtocol\":\"anthropic\",\"tokensIn\":6,\"tokensOut\":50,\"cacheWrites\":700,\"cacheReads\":9000}","modelInfo":{"modelId":"claude-sonnet-4-5"}},
{"ts":1759300009000,"type":"say","say":"api_req_started","text":"{\"apiProtocol\":\"openai\",\"tokensIn\":9000,\"tokensOut\":50,\"cacheReads\":8000}","modelInfo":{"modelId":"gpt-5"}}]"#;
        let parsed = read_messages(Flavor::RooCode, None, text.as_bytes());
        let calls = calls(&parsed);
        assert_eq!(calls[0].tokens, tokens(6, 9_000, 700, 0, 50, 0));
        assert_eq!(calls[1].tokens, tokens(1_000, 8_000, 0, 0, 50, 0));
    }

    #[test]
    fn old_finished_messages_failures_and_malformed_text() {
        let text = r#"[{"ts":1730000000000,"type":"say","say":"api_req_started","text":"{\"request\":\"<task>fix the flaky test</task>\"}"},
{"ts":1730000004000,"type":"say","say":"api_req_finished","text":"{\"tokensIn\":1200,\"tokensOut\":80,\"cacheWrites\":0,\"cacheReads\":0,\"cost\":0.0048}","modelInfo":{"modelId":"claude-3-5-sonnet-20241022"}},
{"ts":1730000009000,"type":"say","say":"api_req_started","text":"{\"cancelReason\":\"streaming_failed\",\"streamingFailedMessage\":\"529 overloaded_error: Overloaded\"}"},
{"ts":1730000012000,"type":"say","say":"api_req_started","text":"{\"tokensIn\":\"lots of secret\",\"tokensOut\":1}"},
{"ts":1730000013000,"type":"say","say":"api_req_started","text":"{\"tokensIn\":12,\"tokensOut\":1}"},
{"ts":1730000014000,"say":"text"}]"#;
        let parsed = read_messages(Flavor::Cline, None, text.as_bytes());
        let seen = outcomes(&parsed);
        assert_eq!(seen[0], "skip response without usage");
        assert_eq!(seen[1], "call claude-3-5-sonnet-20241022");
        assert_eq!(seen[2], "failed server_error");
        assert!(
            seen[3].starts_with("error Cline api_req_started text: invalid JSON: field `tokensIn`")
        );
        // Every line error is redacted on its way into the accounting.
        assert!(!crate::ingest::redact_values(&seen[3]).contains("secret"));
        assert!(seen[4].starts_with("error Cline API request names no model"));
        assert!(seen[5].starts_with("error not a Cline UI message"));
        assert_eq!(skip(&parsed[0].outcome), SkipReason::NoUsage);
    }

    #[test]
    fn model_timelines_from_the_sibling_files() {
        let metadata = br#"{"files_in_context":[],"model_usage":[{"ts":100,"model_id":"a","model_provider_id":"anthropic","mode":"act"},{"ts":200,"model_id":"b","model_provider_id":"gemini","mode":"act"}],"environment_history":[]}"#;
        let timeline = ModelTimeline::from_task_metadata(metadata);
        assert_eq!(timeline.model_at(Some(50)), Some("a"));
        assert_eq!(timeline.model_at(Some(150)), Some("a"));
        assert_eq!(timeline.model_at(Some(200)), Some("b"));
        assert_eq!(timeline.model_at(None), Some("a"));
        let history = br#"[{"role":"user","content":[{"type":"text","text":"<task>use <model>x</model> here</task>"},{"type":"text","text":"<environment_details>\n# Current Mode\n<slug>code</slug>\n<name>Code</name>\n<model>claude-sonnet-4-5</model>\n</environment_details>"}],"ts":110},
{"role":"assistant","content":[{"type":"text","text":"<model>nope</model>"}],"ts":120},
{"role":"user","content":[{"type":"text","text":"<environment_details><model>openai/gpt-5</model></environment_details>"}],"ts":210}]"#;
        let timeline = ModelTimeline::from_history(history);
        assert_eq!(
            timeline.entries,
            vec![
                (Some(110), "claude-sonnet-4-5".to_string()),
                (Some(210), "openai/gpt-5".to_string())
            ]
        );
        // The request's api_req_started comes just before the turn it sends.
        assert_eq!(timeline.model_at(Some(105)), Some("claude-sonnet-4-5"));
        assert_eq!(timeline.model_at(Some(205)), Some("openai/gpt-5"));
        assert_eq!(timeline.model_at(Some(999)), Some("openai/gpt-5"));
        assert_eq!(model_tag(r#"<model>a b</model>"#), None);
    }

    #[test]
    fn detectors_tell_the_two_agents_apart_by_the_protocol_field() {
        let roo: serde_json::Value = serde_json::json!({"ts": 1, "type": "say",
            "say": "api_req_started", "text": "{\"apiProtocol\":\"anthropic\"}"});
        let cline: serde_json::Value = serde_json::json!({"ts": 1, "type": "say",
            "say": "api_req_started", "text": "{\"tokensIn\":1}"});
        let other: serde_json::Value =
            serde_json::json!({"ts": 1, "type": "say", "say": "text", "text": "hi"});
        assert!(looks_like_roo(&roo) && !looks_like_cline(&roo));
        assert!(looks_like_cline(&cline) && !looks_like_roo(&cline));
        assert!(!looks_like_cline(&other) && !looks_like_roo(&other));
    }
}
