//! Codebuff chats (`~/.config/manicode/projects/<project>/chats/<chatId>/chat-messages.json`;
//! the `manicode-dev` and `manicode-staging` channels beside it; `CODEBUFF_DATA_DIR` moves
//! the channel folder).
//!
//! Layout (the facts `../shared/reference/formats/CODING_AGENTS_MORE.md` gathers from the
//! peers' loaders, CodeBurn's `src/providers/codebuff.ts` among them; facts only): one JSON
//! array of chat messages `{id, variant: "user"|"ai"|"agent"|"error" (older: role), content,
//! timestamp, credits?, blocks?, metadata?}`. An AI message's usage is in
//! `metadata.usage {inputTokens, outputTokens, cacheCreationInputTokens, cacheReadInputTokens}`
//! (Anthropic's convention: input EXCLUDES the cache) with `metadata.model`; messages of newer
//! versions have none there and keep the run's agent history instead:
//! `metadata.runState.sessionState.mainAgentState.messageHistory[]`, whose assistant entries
//! carry `providerOptions.codebuff {model, usage {prompt_tokens, completion_tokens,
//! prompt_tokens_details.cached_tokens}}` (OpenAI's convention: the prompt INCLUDES the cached
//! tokens, subtracted here).
//!
//! Calls: a message with `metadata.usage` is one call. Otherwise each assistant entry of the
//! history after its last user entry is one call (the steps of this message's run; the history
//! restates earlier turns before that entry, which were counted with their own messages); a
//! history without a user entry gives its last assistant entry only. Messages without usage (mode
//! dividers, errors) are skipped. Message ids repeat across chats (`msg-ai-1`), so a call's key
//! is the chat (`<channel>/<project>/<chatId>`, from the file's place), the message id and the
//! step. A model the message does not name is the placeholder `codebuff-<agent type>`, which
//! stays unpriced. `credits` are Codebuff's billing unit, not kept as a stated cost.

use crate::ingest::usage;
use crate::ingest::values::Text;
use std::borrow::Cow;
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::session_prompt::{SessionPrompt, written_size};
use crate::ingest::values::parse_timestamp;
use crate::ingest::wire::stable_hash;
use crate::ingest::{
    Agent, EnvRoot, Format, LineOutcome, LineParser, Parsed, Root, SkipReason, json_error,
};
use crate::record::{CallRecord, Provider, TokenBuckets};

pub(crate) const FORMAT: Format = Format::agent_log(
    Agent {
        name: "codebuff",
        label: "Codebuff",
        env: &[EnvRoot::new("CODEBUFF_DATA_DIR", "projects")],
        roots: &[
            Root::any(".config/manicode/projects"),
            Root::any(".config/manicode-dev/projects"),
            Root::any(".config/manicode-staging/projects"),
        ],
        accepts: |path| {
            path.file_name()
                .is_some_and(|name| name == "chat-messages.json")
        },
    },
    looks_like,
    |context| parser(context.path),
);

/// One chat message.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ChatMessage<'a> {
    id: Option<Text<'a>>,
    variant: Option<Text<'a>>,
    role: Option<Text<'a>>,
    content: Option<&'a RawValue>,
    timestamp: Option<&'a RawValue>,
    #[serde(default)]
    blocks: Vec<Block<'a>>,
    metadata: Option<Metadata<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct Block<'a> {
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    output: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct Metadata<'a> {
    model: Option<Text<'a>>,
    usage: Option<MessageUsage>,
    run_state: Option<RunState<'a>>,
}

/// `metadata.usage`, Anthropic's convention.
#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "camelCase")]
struct MessageUsage {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
}

impl MessageUsage {
    fn buckets(self) -> TokenBuckets {
        usage::anthropic_style(
            self.input_tokens.unwrap_or(0),
            self.cache_read_input_tokens.unwrap_or(0),
            self.cache_creation_input_tokens,
            (None, None),
            self.output_tokens.unwrap_or(0),
        )
    }
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct RunState<'a> {
    session_state: Option<SessionState<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct SessionState<'a> {
    main_agent_state: Option<AgentState<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct AgentState<'a> {
    agent_type: Option<Text<'a>>,
    #[serde(default)]
    message_history: Vec<HistoryEntry<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct HistoryEntry<'a> {
    role: Option<Text<'a>>,
    provider_options: Option<ProviderOptions<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ProviderOptions<'a> {
    codebuff: Option<StepUsage<'a>>,
}

/// `providerOptions.codebuff` of a history entry, OpenAI's convention.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct StepUsage<'a> {
    model: Option<Text<'a>>,
    usage: Option<OpenAiUsage>,
}

#[derive(Deserialize, Clone, Copy)]
struct OpenAiUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    prompt_tokens_details: Option<PromptDetails>,
}

#[derive(Deserialize, Clone, Copy)]
struct PromptDetails {
    cached_tokens: Option<u64>,
}

impl OpenAiUsage {
    fn buckets(self) -> TokenBuckets {
        let cached = self.prompt_tokens_details.and_then(|d| d.cached_tokens);
        usage::openai_style(
            self.prompt_tokens.unwrap_or(0),
            cached.unwrap_or(0),
            0,
            self.completion_tokens.unwrap_or(0),
            0,
        )
    }
}

/// Reads one chat's messages in order.
struct CodebuffParser {
    /// `<channel>/<project>/<chatId>`, from the file's place.
    chat: Option<String>,
    prompt: SessionPrompt,
}

/// A parser for the chat file at `path`.
pub(crate) fn parser(path: Option<&Path>) -> Box<dyn LineParser> {
    Box::new(CodebuffParser {
        chat: path.and_then(chat_of),
        prompt: SessionPrompt::default(),
    })
}

/// `<channel>/<project>/<chatId>` of `…/<channel>/projects/<project>/chats/<chatId>/chat-messages.json`.
fn chat_of(path: &Path) -> Option<String> {
    let names: Vec<String> = path
        .ancestors()
        .skip(1)
        .take(5)
        .map(|dir| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect::<Option<_>>()?;
    let [chat, chats, project, projects, channel] = names.as_slice() else {
        return None;
    };
    (chats == "chats" && projects == "projects").then(|| format!("{channel}/{project}/{chat}"))
}

impl LineParser for CodebuffParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        let message = match serde_json::from_slice::<ChatMessage<'_>>(line) {
            Ok(message) => message,
            Err(err) => {
                return out.push(Parsed {
                    line: line_no,
                    outcome: json_error(err, line),
                });
            }
        };
        let outcomes = self.message(&message);
        out.extend(outcomes.into_iter().map(|outcome| Parsed {
            line: line_no,
            outcome,
        }));
    }
}

impl CodebuffParser {
    fn message(&mut self, message: &ChatMessage<'_>) -> Vec<LineOutcome> {
        let variant = message.variant.as_deref().or(message.role.as_deref());
        match variant {
            Some("user") => {
                let text = message
                    .content
                    .and_then(|raw| serde_json::from_str::<Cow<'_, str>>(raw.get()).ok());
                self.prompt
                    .start_turn(&text.into_iter().collect::<Vec<_>>());
                vec![LineOutcome::Skip(SkipReason::UserMessage)]
            }
            Some("ai" | "agent" | "assistant") => {
                let calls = self.calls(message);
                if calls.is_empty() {
                    vec![LineOutcome::Skip(SkipReason::NoUsage)]
                } else {
                    calls
                }
            }
            _ => vec![LineOutcome::Skip(SkipReason::NotAModelCall)],
        }
    }

    /// The message's calls: its own usage, or the steps of its run.
    fn calls(&mut self, message: &ChatMessage<'_>) -> Vec<LineOutcome> {
        let Some(metadata) = &message.metadata else {
            return Vec::new();
        };
        let agent = metadata
            .run_state
            .as_ref()
            .and_then(|run| run.session_state.as_ref())
            .and_then(|session| session.main_agent_state.as_ref());
        let placeholder = format!(
            "codebuff-{}",
            agent
                .and_then(|a| a.agent_type.as_deref())
                .unwrap_or("agent")
        );
        let tool_results: Vec<u64> = message
            .blocks
            .iter()
            .filter(|b| b.kind.as_deref() == Some("tool"))
            .filter_map(|b| b.output)
            .map(written_size)
            .collect();
        let tool_calls = message
            .blocks
            .iter()
            .filter(|b| b.kind.as_deref() == Some("tool"))
            .count() as u32;
        let mut steps: Vec<(Option<&str>, TokenBuckets)> = Vec::new();
        if let Some(usage) = metadata.usage {
            steps.push((metadata.model.as_deref(), usage.buckets()));
        } else if let Some(agent) = agent {
            steps = run_steps(&agent.message_history);
        }
        let mut out = Vec::new();
        for (step, (model, tokens)) in steps.into_iter().enumerate() {
            if tokens.total() == 0 {
                continue;
            }
            let model = model
                .or(metadata.model.as_deref())
                .filter(|m| !m.is_empty())
                .unwrap_or(&placeholder);
            out.push(self.call(message, model, tokens, step, tool_calls));
        }
        // Tool results of this message go to the model with the next ones.
        for size in tool_results {
            self.prompt.add_tool_result(size);
        }
        out
    }

    fn call(
        &self,
        message: &ChatMessage<'_>,
        model: &str,
        tokens: TokenBuckets,
        step: usize,
        tool_calls: u32,
    ) -> LineOutcome {
        let chat = self.chat.as_deref().unwrap_or_default();
        let id = message.id.as_deref().unwrap_or_default();
        let mut record = Box::new(CallRecord {
            provider: Provider::from_model(model),
            model: model.to_string(),
            tokens,
            timestamp_ms: message.timestamp.and_then(parse_timestamp),
            request_id: message.id.as_deref().map(str::to_string),
            session_id: self.chat.clone(),
            dedupe_key: Some(stable_hash(&[
                b"codebuff",
                chat.as_bytes(),
                id.as_bytes(),
                step.to_string().as_bytes(),
            ])),
            ..CallRecord::default()
        });
        record.features.interactive = true;
        record.features.streamed = true;
        record.features.tool_calls = tool_calls;
        self.prompt.apply_to(&mut record);
        LineOutcome::Call(record)
    }
}

/// The model and tokens of each assistant step after the history's last user entry (or of its
/// last assistant entry when it has no user entry).
fn run_steps<'h>(history: &'h [HistoryEntry<'_>]) -> Vec<(Option<&'h str>, TokenBuckets)> {
    let step = |entry: &'h HistoryEntry<'_>| {
        let codebuff = entry.provider_options.as_ref()?.codebuff.as_ref()?;
        Some((codebuff.model.as_deref(), codebuff.usage?.buckets()))
    };
    let assistant = |entry: &&HistoryEntry<'_>| entry.role.as_deref() == Some("assistant");
    match history
        .iter()
        .rposition(|entry| entry.role.as_deref() == Some("user"))
    {
        Some(last_user) => history[last_user + 1..]
            .iter()
            .filter(assistant)
            .filter_map(step)
            .collect(),
        None => history
            .iter()
            .rev()
            .filter(assistant)
            .find_map(step)
            .into_iter()
            .collect(),
    }
}

/// Whether a parsed JSON value looks like a Codebuff chat message (used by detection): a
/// `variant` of Codebuff's with an `id`.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    let variant = value.get("variant").and_then(serde_json::Value::as_str);
    matches!(variant, Some("user" | "ai" | "agent" | "error"))
        && value.get("id").is_some_and(serde_json::Value::is_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::FileContext;
    use crate::ingest::InputFormat;
    use crate::ingest::test_support::{assert_priced, calls, cost, parse_items, skip, tokens};
    use std::path::PathBuf;

    fn chat_path(chat: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/home/.config/manicode/projects/settings-ui/chats")
            .join(chat)
            .join("chat-messages.json")
    }

    /// Reads a chat as the pipeline reads a JSON array: each message a record.
    fn parse(path: &Path) -> Vec<Parsed> {
        let document = std::fs::read(path).unwrap();
        parse_items(
            InputFormat::Codebuff,
            &FileContext { path: Some(path) },
            &document,
        )
    }

    #[test]
    fn message_usage_and_run_steps_are_calls() {
        let parsed = parse(&chat_path("2026-11-12T16-40-05.123Z"));
        let found = calls(&parsed);
        assert_eq!(found.len(), 3);
        let first = found[0];
        assert_eq!(first.model, "claude-sonnet-4-5-20250929");
        assert_eq!(first.tokens, tokens(12, 31_044, 9_210, 0, 655, 0));
        assert_eq!(first.features.tool_calls, 2);
        // claude-sonnet-4-5: 12 × $3/M + 31,044 × $0.30/M + 9,210 × $3.75/M + 655 × $15/M
        //   = $0.000036 + $0.0093132 + $0.0345375 + $0.009825 = $0.0537117
        assert_eq!(cost(first), "0.0537117");
        assert_eq!(
            first.session_id.as_deref(),
            Some("manicode/settings-ui/2026-11-12T16-40-05.123Z")
        );
        // msg-ai-2 has no usage of its own: the two steps of its run after the last user entry.
        let (step1, step2) = (found[1], found[2]);
        assert_eq!(step1.model, "openai/gpt-5.1");
        // prompt 19,010 includes the 16,384 cached.
        assert_eq!(step1.tokens, tokens(2_626, 16_384, 0, 0, 88, 0));
        // gpt-5.1: 2,560 × $1.25/M + 17,920 × $0.125/M + 390 × $10/M
        //   = $0.0032 + $0.00224 + $0.0039 = $0.00934
        assert_priced(step2, tokens(2_560, 17_920, 0, 0, 390, 0), "0.00934");
        assert_ne!(step1.dedupe_key, step2.dedupe_key);
        assert_eq!(
            step2.text.as_ref().map(|t| t.user.as_str()),
            Some("Also persist the choice in localStorage.")
        );
        // The first message's read_files output is no context of the next prompt's calls.
        assert_eq!(step1.features.tool_results, 0);
        let outcomes: Vec<_> = parsed.iter().map(|p| (p.line, &p.outcome)).collect();
        assert_eq!(skip(outcomes[0].1), SkipReason::UserMessage);
        // The mode divider carries no usage.
        assert_eq!(outcomes.last().unwrap().0, 5);
        assert_eq!(skip(outcomes.last().unwrap().1), SkipReason::NoUsage);
    }

    #[test]
    fn message_ids_repeat_across_chats_but_calls_do_not() {
        let first = parse(&chat_path("2026-11-12T16-40-05.123Z"));
        let second = parse(&chat_path("2026-11-13T09-02-44.870Z"));
        let (a, b) = (calls(&first)[0], calls(&second)[0]);
        assert_eq!(a.request_id, b.request_id);
        assert_ne!(a.dedupe_key, b.dedupe_key);
        // claude-haiku-4-5: 8 × $1/M + 5,400 × $0.10/M + 120 × $5/M
        //   = $0.000008 + $0.00054 + $0.0006 = $0.001148
        assert_priced(b, tokens(8, 5_400, 0, 0, 120, 0), "0.001148");
    }

    #[test]
    fn a_history_without_a_user_entry_gives_its_last_step() {
        let history: Vec<HistoryEntry<'_>> = serde_json::from_str(
            r#"[{"role":"assistant","providerOptions":{"codebuff":{"model":"m1","usage":{"prompt_tokens":10,"completion_tokens":1}}}},
                {"role":"assistant","providerOptions":{"codebuff":{"model":"m2","usage":{"prompt_tokens":20,"completion_tokens":2}}}}]"#,
        )
        .unwrap();
        let steps = run_steps(&history);
        assert_eq!(steps, vec![(Some("m2"), tokens(20, 0, 0, 0, 2, 0))]);
    }

    #[test]
    fn detection_and_discovery() {
        let text = std::fs::read_to_string(chat_path("2026-11-13T09-02-44.870Z")).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(value.as_array().unwrap().iter().all(looks_like));
        let accepts = FORMAT.agent.unwrap().accepts;
        assert!(accepts(&chat_path("2026-11-13T09-02-44.870Z")));
        assert!(!accepts(Path::new(
            "/home/dev/.config/manicode/projects/x/chats/c/run-state.json"
        )));
        assert_eq!(chat_of(Path::new("chat-messages.json")), None);
    }
}
