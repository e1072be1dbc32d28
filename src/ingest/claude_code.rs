//! Claude Code session transcripts (`~/.claude/projects/<project>/<session>.jsonl`).
//!
//! Claude Code writes one line per content block of a response, each repeating the message id,
//! request id and usage; the lines collapse into one call by a dedupe key, keeping the largest
//! usage (the last block carries the final output count). Subagent messages also appear nested
//! in `progress` lines of the parent session; the same key merges them with the subagent's own
//! transcript. `<synthetic>` messages are local error notices, never billed.
//!
//! Each call is classified with the latest prompt of its thread (the main conversation, or a
//! subagent's sidechain, per session) and the tool results sent since it ([`SessionPrompt`]).
//! A prompt is a `user` line whose content is a string or text blocks, not one of tool results
//! (tool output), nor a meta line, a compaction summary or the echo of something run locally
//! (`<local-command-stdout>`, `<bash-input>`…); a slash command is the prompt it records
//! (`/review the retry change`). A subagent's calls before any prompt of their own are read
//! with the main conversation's. Since calls depend on the prompts before them, a transcript is
//! read in order by one core (transcripts are many: the cores share them), so every call has
//! the prompt before it, however long the file.

use crate::ingest::values::Text;
use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;

use foldhash::fast::FixedState;
use serde::Deserialize;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::ingest::anthropic::Usage;
use crate::ingest::scan::{Cursor, scan_fields};
use crate::ingest::session_prompt::{SessionPrompt, written_len};
use crate::ingest::values::{Raw, timestamp_text};
use crate::ingest::wire::stable_hash;
use crate::ingest::{LineOutcome, LineParser, Parsed, SkipReason, json_error};
use crate::record::{CallRecord, Provider};

use crate::ingest::{Agent, EnvRoot, Format, Root, file_named};

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format::agent_log(
    Agent {
        name: "claude-code",
        label: "Claude Code",
        // Claude Code reads one folder; ccusage also takes a comma-separated list
        // (ccusage docs, guide/environment-variables.md).
        env: &[EnvRoot::new("CLAUDE_CONFIG_DIR", "projects")],
        // `~/.claude` (`%USERPROFILE%\.claude` on Windows); ccusage also reads
        // `~/.config/claude`, the XDG folder (ccusage docs, configuration/custom-paths).
        roots: &[
            Root::any(".config/claude/projects"),
            Root::any(".claude/projects"),
        ],
        // Sessions and their subagents' transcripts (`<session>/subagents/agent-*.jsonl`).
        accepts: |path| file_named(path, "", &[".jsonl"]),
    },
    looks_like_line,
    |_| Box::<Transcript>::default(),
);

#[derive(Deserialize, Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
#[serde(bound(deserialize = "'de: 'a, L: Deserialize<'de> + Default"))]
struct Message<'a, L> {
    id: Option<Text<'a>>,
    model: Option<Text<'a>>,
    role: Option<Text<'a>>,
    usage: Option<Usage>,
    stop_reason: Option<Text<'a>>,
    #[serde(default)]
    content: L,
}

/// One content block. Its text and nested content are kept raw: they are decoded only for a
/// user's prompt, and tool results are measured as written.
#[derive(Deserialize, Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
#[serde(bound(deserialize = "'de: 'a"))]
struct ContentBlock<'a> {
    #[serde(rename = "type", default)]
    kind: Text<'a>,
    #[serde(default)]
    text: Option<Raw<'a>>,
    #[serde(default)]
    content: Option<Raw<'a>>,
}

/// Content is a list of blocks on assistant lines and often a plain string on user lines.
/// A string is kept; anything else but a list of blocks (a list with an odd item) counts as
/// no blocks.
#[derive(Default)]
struct ContentList<'a> {
    blocks: Vec<ContentBlock<'a>>,
    text: Option<Cow<'a, str>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for ContentList<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw: &'de RawValue = Deserialize::deserialize(deserializer)?;
        if raw.get().starts_with('"') {
            return Ok(ContentList {
                blocks: Vec::new(),
                text: serde_json::from_str(raw.get()).ok(),
            });
        }
        Ok(ContentList {
            blocks: serde_json::from_str(raw.get()).unwrap_or_default(),
            text: None,
        })
    }
}

/// [`ContentList`] read where it stands, in the same pass as the line: a list of blocks is
/// deserialized in place, a string kept, any other value is skipped as no blocks. A list
/// holding an item that is no block fails the line's deserialization instead, and the line is
/// read again with [`ContentList`], which makes that no blocks.
#[derive(Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
struct InPlaceContent<'a> {
    blocks: Vec<ContentBlock<'a>>,
    text: Option<Cow<'a, str>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for InPlaceContent<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BlocksVisitor;

        impl<'de> Visitor<'de> for BlocksVisitor {
            type Value = InPlaceContent<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("message content")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut blocks = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(16));
                while let Some(block) = seq.next_element()? {
                    blocks.push(block);
                }
                Ok(InPlaceContent { blocks, text: None })
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(InPlaceContent::default())
            }

            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(InPlaceContent {
                    blocks: Vec::new(),
                    text: Some(Cow::Borrowed(text)),
                })
            }

            // A string with escapes: only user prompts are strings, so the copy is rare.
            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(InPlaceContent {
                    blocks: Vec::new(),
                    text: Some(Cow::Owned(text.to_string())),
                })
            }

            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(InPlaceContent::default())
            }

            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(InPlaceContent::default())
            }

            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(InPlaceContent::default())
            }

            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(InPlaceContent::default())
            }

            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(InPlaceContent::default())
            }
        }

        deserializer.deserialize_any(BlocksVisitor)
    }
}

/// The content of a message, whichever way it was read.
trait Blocks {
    /// The blocks, in order (none when the content was not a list of blocks).
    fn blocks(&self) -> &[ContentBlock<'_>];
    /// The content when it is a plain string.
    fn text(&self) -> Option<&str>;
}

impl Blocks for ContentList<'_> {
    fn blocks(&self) -> &[ContentBlock<'_>] {
        &self.blocks
    }

    fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }
}

impl Blocks for InPlaceContent<'_> {
    fn blocks(&self) -> &[ContentBlock<'_>] {
        &self.blocks
    }

    fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }
}

/// One transcript line; its message content read through a [`ContentList`] (the general way)
/// or in place ([`InPlaceContent`]). The strict reader ([`scan_line`]) reads the same fields:
/// a field added here (or to [`Message`], [`ProgressData`], [`ContentBlock`]) is added there
/// too, and to a fixture line, where the tests compare both readers.
#[derive(Deserialize, Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
#[serde(bound(deserialize = "'de: 'a, L: Deserialize<'de> + Default"))]
struct Line<'a, L = ContentList<'a>> {
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    message: Option<Message<'a, L>>,
    #[serde(rename = "requestId")]
    request_id: Option<Text<'a>>,
    #[serde(rename = "sessionId")]
    session_id: Option<Text<'a>>,
    timestamp: Option<Raw<'a>>,
    cwd: Option<Text<'a>>,
    #[serde(rename = "gitBranch")]
    git_branch: Option<Text<'a>>,
    #[serde(rename = "isSidechain")]
    is_sidechain: Option<bool>,
    #[serde(rename = "agentId")]
    agent_id: Option<Text<'a>>,
    /// Lines Claude Code adds for the model, not typed by the user (command prompts, caveats).
    #[serde(rename = "isMeta")]
    is_meta: Option<bool>,
    /// The summary that continues a compacted conversation.
    #[serde(rename = "isCompactSummary")]
    is_compact_summary: Option<bool>,
    #[serde(rename = "costUSD")]
    cost_usd: Option<f64>,
    data: Option<ProgressData<'a, L>>,
}

/// `progress` lines nest a subagent's line under `data.message`.
#[derive(Deserialize, Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
#[serde(bound(deserialize = "'de: 'a, 'de: 'a, L: Deserialize<'de> + Default"))]
struct ProgressData<'a, L> {
    message: Option<Box<Line<'a, L>>>,
    #[serde(rename = "agentId")]
    agent_id: Option<Text<'a>>,
}

/// Message keys of a piece of a transcript, each with the most tokens of a call passed on
/// under it (see [`Transcript`]).
type Passed = HashMap<u64, u64, FixedState>;

/// The parser of a transcript, read in order as one piece of work. Claude Code writes one line
/// per content block of a message, and the piece's merge of duplicates keeps, of the calls that
/// share a key, the first with the most tokens (`merge_piece_duplicates` in the pipeline). A
/// line whose key an earlier call of the piece passed on with at least as many tokens can never
/// be kept: it is counted as a duplicate content block at once, and its record is not built.
/// The merge still decides among the calls passed on (a later block with more tokens replaces
/// an earlier one), so the piece keeps the same calls either way, and with them the costs they
/// state (a message's lines that repeat a `costUSD` state it once).
///
/// The parser also keeps the latest prompt of each thread ([`Threads`]).
#[derive(Default)]
pub(crate) struct Transcript {
    passed: Passed,
    threads: Threads,
}

impl LineParser for Transcript {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        out.push(Parsed {
            line: line_no,
            outcome: parse(line, Some(self)),
        });
    }
}

/// Threads a parser keeps the prompt of at most; beyond, the least recently used is forgotten
/// (a session's main conversation and its subagents, rarely more than a few per file).
const MAX_THREADS: usize = 16;

/// The latest prompt of each thread of a transcript: a session's main conversation, or one of its
/// subagents (sidechain lines, and those nested in `progress` lines), by agent id.
#[derive(Default, Debug, PartialEq)]
struct Threads {
    /// Thread key, last use, state.
    threads: Vec<(u64, u64, SessionPrompt)>,
    clock: u64,
}

/// Which thread a line belongs to.
#[derive(Clone, Copy)]
struct ThreadOf<'l> {
    session: &'l str,
    sidechain: bool,
    agent: &'l str,
}

impl ThreadOf<'_> {
    fn key(self) -> u64 {
        stable_hash(&[
            self.session.as_bytes(),
            &[u8::from(self.sidechain)],
            self.agent.as_bytes(),
        ])
    }

    /// The main conversation of the same session.
    fn main(self) -> Self {
        ThreadOf {
            sidechain: false,
            agent: "",
            ..self
        }
    }
}

impl Threads {
    /// The state of `thread`, made (and the least recently used forgotten) if need be.
    fn get_mut(&mut self, thread: ThreadOf<'_>) -> &mut SessionPrompt {
        let key = thread.key();
        self.clock += 1;
        let at = match self.threads.iter().position(|(k, _, _)| *k == key) {
            Some(at) => at,
            None => {
                if self.threads.len() >= MAX_THREADS
                    && let Some(oldest) = (0..self.threads.len()).min_by_key(|&i| self.threads[i].1)
                {
                    self.threads.swap_remove(oldest);
                }
                self.threads.push((key, 0, SessionPrompt::default()));
                self.threads.len() - 1
            }
        };
        self.threads[at].1 = self.clock;
        &mut self.threads[at].2
    }

    fn get(&self, thread: ThreadOf<'_>) -> Option<&SessionPrompt> {
        let key = thread.key();
        self.threads
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, _, state)| state)
    }

    /// Reads a user line of `thread`: a prompt starts a turn, tool results add to it.
    fn user_line<L: Blocks>(&mut self, line: &Line<'_, L>, thread: ThreadOf<'_>) {
        let Some(message) = line.message.as_ref() else {
            return;
        };
        if message.role.as_deref().is_some_and(|role| role != "user")
            || line.is_meta == Some(true)
            || line.is_compact_summary == Some(true)
        {
            return;
        }
        let results: Vec<u64> = message
            .content
            .blocks()
            .iter()
            .filter(|block| block.kind == "tool_result")
            .map(|block| block.content.map_or(0, |raw| written_len(raw.0)))
            .collect();
        if !results.is_empty() {
            let state = self.get_mut(thread);
            for chars in results {
                state.add_tool_result(chars);
            }
            return;
        }
        let parts: Vec<Cow<'_, str>> = match message.content.text() {
            Some(text) => vec![Cow::Borrowed(text)],
            None => message
                .content
                .blocks()
                .iter()
                .filter(|block| block.kind == "text")
                .filter_map(|block| serde_json::from_str::<Cow<'_, str>>(block.text?.0).ok())
                .collect(),
        };
        if let Some(command) = parts.iter().find_map(|part| slash_command(part)) {
            // The command is what the user asked for; the calls it starts (a custom command's
            // prompt, /compact's summary) follow it, not the prompt before.
            self.get_mut(thread).start_turn(&[command]);
            return;
        }
        if parts.iter().any(|part| is_local_command(part)) {
            return;
        }
        if parts.iter().any(|part| !part.trim().is_empty()) {
            self.get_mut(thread).start_turn(&parts);
        }
    }

    /// Gives a call of `thread` its context. A subagent without a prompt of its own (its
    /// transcript in another file, or a piece read alone) works on the main conversation's:
    /// it gets that prompt, and keeps its own count of tool results.
    fn apply_to(&self, record: &mut CallRecord, thread: ThreadOf<'_>) {
        let own = self.get(thread);
        if let Some(own) = own {
            own.apply_to(record);
        }
        if !thread.sidechain || own.is_some_and(SessionPrompt::has_prompt) {
            return;
        }
        if let Some(main) = self.get(thread.main()).filter(|main| main.has_prompt()) {
            let tool_results = record.features.tool_results;
            main.apply_to(record);
            record.features.tool_results = tool_results;
        }
    }
}

/// The slash command a user line records (`<command-name>/review</command-name>` with its
/// `<command-args>`), as the user typed it: `/review the retry change`.
fn slash_command(text: &str) -> Option<String> {
    let tagged = |tag: &str| {
        let open = format!("<{tag}>");
        let start = text.find(&open)? + open.len();
        let end = start + text[start..].find(&format!("</{tag}>"))?;
        Some(text[start..end].trim())
    };
    let name = tagged("command-name").filter(|name| !name.is_empty())?;
    let args = tagged("command-args").unwrap_or_default();
    Some(if args.is_empty() {
        name.to_string()
    } else {
        format!("{name} {args}")
    })
}

/// Whether a user line's text is Claude Code's echo of something run locally (a slash
/// command, its output, a shell command typed with `!`), or its note of an interruption:
/// not a prompt to the model.
fn is_local_command(text: &str) -> bool {
    let text = text.trim_start();
    [
        "<command-name>",
        "<command-message>",
        "<command-args>",
        "<local-command-",
        "<bash-input>",
        "<bash-stdout>",
        "<bash-stderr>",
        "[Request interrupted by user",
    ]
    .iter()
    .any(|marker| text.starts_with(marker))
}

/// Parses one line of a Claude Code transcript: in one pass, message content in place, when
/// the line is UTF-8 and its content of the usual shapes (by the strict reader,
/// [`scan_line`], else by serde_json); else the general way, which keeps the content raw and
/// reads it again. All give the same outcome for any line. With a `transcript`, a call that
/// cannot outweigh one passed on before under its key is a duplicate, user lines update its
/// threads, and calls get their thread's prompt.
fn parse(line: &[u8], transcript: Option<&mut Transcript>) -> LineOutcome {
    // The general way validates the UTF-8 of the content it keeps raw; check the whole line so
    // that no invalid byte is skipped unseen in place.
    let Some(text) = super::wire::utf8(line) else {
        return parse_general(line, transcript);
    };
    // Read into one place: a line's fields are large to move around.
    let mut parsed = Line::default();
    if scan_line(text, &mut parsed).is_none() {
        match serde_json::from_str(text) {
            Ok(read) => parsed = read,
            Err(_) => return parse_general(line, transcript),
        }
    }
    line_outcome(&parsed, transcript)
}

/// Reads a transcript line as serde_json reads a `Line<InPlaceContent>`, with the strict
/// reader ([`Cursor`]): `None` where that reader gives up or the line is not of the usual
/// shapes (a struct written as an array, a block that is no object, a value of the wrong
/// type), and serde_json reads the line instead. `costUSD` reads as serde_json reads a float
/// ([`Cursor::float`]). The fields are read into `line`, which is left part read when it
/// gives up.
fn scan_line<'a>(text: &'a str, line: &mut Line<'a, InPlaceContent<'a>>) -> Option<()> {
    let mut cursor = Cursor::new(text);
    scan_line_at(&mut cursor, line)?;
    cursor.end()
}

/// Reads the transcript line (or the line nested in a `progress` line) at the cursor into
/// `line`, which holds no field yet.
fn scan_line_at<'a>(
    cursor: &mut Cursor<'a>,
    line: &mut Line<'a, InPlaceContent<'a>>,
) -> Option<()> {
    scan_fields!(cursor, {
        "type" => line.kind = cursor.nullable(Cursor::text)?,
        "message" => {
            cursor.nullable(|cursor| scan_message(cursor, line.message.insert(Message::default())))?;
        },
        "requestId" => line.request_id = cursor.nullable(Cursor::text)?,
        "sessionId" => line.session_id = cursor.nullable(Cursor::text)?,
        "timestamp" => line.timestamp = cursor.nullable(Cursor::raw)?,
        "cwd" => line.cwd = cursor.nullable(Cursor::text)?,
        "gitBranch" => line.git_branch = cursor.nullable(Cursor::text)?,
        "isSidechain" => line.is_sidechain = cursor.nullable(Cursor::bool)?,
        "agentId" => line.agent_id = cursor.nullable(Cursor::text)?,
        "isMeta" => line.is_meta = cursor.nullable(Cursor::bool)?,
        "isCompactSummary" => line.is_compact_summary = cursor.nullable(Cursor::bool)?,
        "costUSD" => line.cost_usd = cursor.nullable(Cursor::float)?,
        "data" => line.data = cursor.nullable(|cursor| {
            let mut data = ProgressData::default();
            scan_fields!(cursor, {
                "message" => {
                    data.message = cursor.nullable(|cursor| {
                        let mut nested = Box::<Line<'a, InPlaceContent<'a>>>::default();
                        scan_line_at(cursor, &mut nested)?;
                        Some(nested)
                    })?
                },
                "agentId" => data.agent_id = cursor.nullable(Cursor::text)?,
            })?;
            Some(data)
        })?,
    })
}

/// Reads a line's `message` object into `message`, which holds no field yet.
fn scan_message<'a>(
    cursor: &mut Cursor<'a>,
    message: &mut Message<'a, InPlaceContent<'a>>,
) -> Option<()> {
    scan_fields!(cursor, {
        "id" => message.id = cursor.nullable(Cursor::text)?,
        "model" => message.model = cursor.nullable(Cursor::text)?,
        "role" => message.role = cursor.nullable(Cursor::text)?,
        "usage" => message.usage = cursor.nullable(Usage::scan)?,
        "stop_reason" => message.stop_reason = cursor.nullable(Cursor::text)?,
        "content" => message.content = scan_content(cursor)?,
    })
}

/// Message content as [`InPlaceContent`] reads it: a string kept, a list of block objects
/// read, any other value no blocks.
fn scan_content<'a>(cursor: &mut Cursor<'a>) -> Option<InPlaceContent<'a>> {
    match cursor.peek()? {
        b'"' => Some(InPlaceContent {
            blocks: Vec::new(),
            text: Some(cursor.text()?.0),
        }),
        b'[' => {
            let mut blocks = Vec::new();
            cursor.array(|cursor| {
                let mut block = ContentBlock::default();
                scan_fields!(cursor, {
                    "type" => block.kind = cursor.text()?,
                    "text" => block.text = cursor.nullable(Cursor::raw)?,
                    "content" => block.content = cursor.nullable(Cursor::raw)?,
                })?;
                blocks.push(block);
                Some(())
            })?;
            Some(InPlaceContent { blocks, text: None })
        }
        _ => {
            cursor.raw()?;
            Some(InPlaceContent::default())
        }
    }
}

/// Parses one line the general way: content kept raw, then read as blocks if it is a list.
fn parse_general(line: &[u8], transcript: Option<&mut Transcript>) -> LineOutcome {
    let parsed: Line<'_> = match serde_json::from_slice(line) {
        Ok(parsed) => parsed,
        Err(err) => return json_error(err, line),
    };
    line_outcome(&parsed, transcript)
}

/// The thread of `line`, which came nested in `outer` if that is given.
fn thread_of<'l, L>(line: &'l Line<'_, L>, outer: Option<&'l Line<'_, L>>) -> ThreadOf<'l> {
    let session_line = outer.unwrap_or(line);
    let nested_agent = outer
        .and_then(|o| o.data.as_ref())
        .and_then(|d| d.agent_id.as_deref());
    ThreadOf {
        session: session_line.session_id.as_deref().unwrap_or_default(),
        sidechain: line.is_sidechain == Some(true) || outer.is_some(),
        agent: line
            .agent_id
            .as_deref()
            .or(nested_agent)
            .unwrap_or_default(),
    }
}

/// What a parsed line is: a call, or a skip.
fn line_outcome<L: Blocks>(
    parsed: &Line<'_, L>,
    mut transcript: Option<&mut Transcript>,
) -> LineOutcome {
    match parsed.kind.as_deref() {
        Some("assistant") => assistant_call(parsed, None, transcript),
        Some("user") => {
            if let Some(transcript) = transcript {
                transcript
                    .threads
                    .user_line(parsed, thread_of(parsed, None));
            }
            LineOutcome::Skip(SkipReason::UserMessage)
        }
        Some("progress") => match parsed.data.as_ref().and_then(|d| d.message.as_deref()) {
            Some(nested) if nested.message.as_ref().is_some_and(|m| m.usage.is_some()) => {
                assistant_call(nested, Some(parsed), transcript)
            }
            Some(nested) => {
                if nested.kind.as_deref() == Some("user")
                    && let Some(transcript) = transcript.as_deref_mut()
                {
                    let thread = thread_of(nested, Some(parsed));
                    transcript.threads.user_line(nested, thread);
                }
                LineOutcome::Skip(SkipReason::NotAModelCall)
            }
            None => LineOutcome::Skip(SkipReason::NotAModelCall),
        },
        Some(_) => LineOutcome::Skip(SkipReason::NotAModelCall),
        // Minimal transcripts (older versions, test fixtures) omit `type` on assistant lines.
        None if parsed.message.as_ref().is_some_and(|m| m.usage.is_some()) => {
            assistant_call(parsed, None, transcript)
        }
        None if parsed.message.is_some() => LineOutcome::Skip(SkipReason::UserMessage),
        None => LineOutcome::Error("not a Claude Code transcript line: no type or message".into()),
    }
}

/// Builds the call of an assistant line; `outer` is the progress line a nested one came in.
/// With a `transcript`, a call is a duplicate when its key was passed on with as many tokens,
/// and a call passed on gets its thread's prompt.
fn assistant_call<L: Blocks>(
    line: &Line<'_, L>,
    outer: Option<&Line<'_, L>>,
    mut transcript: Option<&mut Transcript>,
) -> LineOutcome {
    let Some(message) = line.message.as_ref() else {
        return LineOutcome::Skip(SkipReason::NoUsage);
    };
    let Some(usage) = message.usage.as_ref() else {
        return LineOutcome::Skip(SkipReason::NoUsage);
    };
    let model = message.model.as_deref().unwrap_or_default();
    if model == "<synthetic>" {
        return LineOutcome::Skip(SkipReason::SyntheticMessage);
    }
    if model.is_empty() {
        return LineOutcome::Error("assistant message names no model".into());
    }
    if message
        .role
        .as_deref()
        .is_some_and(|role| role != "assistant")
    {
        return LineOutcome::Skip(SkipReason::UserMessage);
    }
    let dedupe_key = match (message.id.as_deref(), line.request_id.as_deref()) {
        (None, None) => None,
        (id, request) => Some(stable_hash(&[
            id.unwrap_or_default().as_bytes(),
            request.unwrap_or_default().as_bytes(),
        ])),
    };
    let tokens = usage.buckets();
    if let (Some(transcript), Some(key)) = (transcript.as_deref_mut(), dedupe_key) {
        match transcript.passed.entry(key) {
            Entry::Occupied(most) if *most.get() >= tokens.total() => {
                return LineOutcome::Skip(SkipReason::DuplicateContentBlock);
            }
            Entry::Occupied(mut most) => *most.get_mut() = tokens.total(),
            Entry::Vacant(first) => {
                first.insert(tokens.total());
            }
        }
    }
    let session_line = outer.unwrap_or(line);
    let mut record = CallRecord {
        provider: Provider::Anthropic,
        model: model.to_string(),
        tokens,
        response_id: message.id.as_deref().map(str::to_string),
        request_id: line.request_id.as_deref().map(str::to_string),
        session_id: session_line.session_id.as_deref().map(str::to_string),
        timestamp_ms: line
            .timestamp
            .or(session_line.timestamp)
            .and_then(|raw| timestamp_text(raw.0)),
        stated_cost_usd: line.cost_usd,
        ..CallRecord::default()
    };
    usage.apply_billing(&mut record);
    record.dedupe_key = dedupe_key;
    record.features.interactive = true;
    record.features.tool_calls = message
        .content
        .blocks()
        .iter()
        .filter(|b| b.kind == "tool_use")
        .count() as u32;
    record.features.finish_reason = message.stop_reason.as_deref().map(str::to_string);
    if let Some(cwd) = session_line.cwd.as_deref() {
        // The project's folder name, not its full path: reports need a label, not the layout
        // of someone's disk.
        let project = cwd.trim_end_matches('/').rsplit('/').next().unwrap_or(cwd);
        record
            .tags
            .push(("project".to_string(), project.to_string()));
    }
    if let Some(branch) = session_line.git_branch.as_deref() {
        record.tags.push(("branch".to_string(), branch.to_string()));
    }
    if line.is_sidechain == Some(true) || outer.is_some() {
        record
            .tags
            .push(("agent".to_string(), "subagent".to_string()));
    }
    if let Some(transcript) = transcript {
        transcript
            .threads
            .apply_to(&mut record, thread_of(line, outer));
    }
    LineOutcome::Call(Box::new(record))
}

/// Whether a parsed JSON value looks like a Claude Code transcript line (used by detection).
/// Gemini CLI's `logs.json` entries also carry `sessionId`, `type` and `message`, but number
/// their messages (`messageId` is a number; a transcript's ids are strings).
pub(crate) fn looks_like_line(value: &serde_json::Value) -> bool {
    value.get("sessionId").is_some()
        && (value.get("message").is_some() || value.get("type").is_some())
        && !value
            .get("messageId")
            .is_some_and(serde_json::Value::is_number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::{Reason, Task, classify};
    use crate::ingest::test_support::{
        FIX_TEST_PROMPT as FIX_PROMPT, TRANSLATE_PROMPT, assert_prompt_task,
    };
    use serde_json::{Value, json};

    /// Every line of the Claude Code fixtures.
    fn fixture_lines() -> Vec<Vec<u8>> {
        let root = format!(
            "{}/fixtures/logs/claude-code/projects",
            env!("CARGO_MANIFEST_DIR")
        );
        let mut lines = Vec::new();
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "jsonl") {
                let bytes = std::fs::read(entry.path()).unwrap();
                lines.extend(
                    bytes
                        .split(|b| *b == b'\n')
                        .filter(|l| !l.is_empty())
                        .map(<[u8]>::to_vec),
                );
            }
        }
        assert!(lines.len() >= 10);
        lines
    }

    /// Each of `lines`, and variants of each with the message content (also of a nested
    /// progress message) of every JSON shape, invalid UTF-8 inside the content, and the line
    /// cut short.
    fn content_variants(lines: &[Vec<u8>]) -> Vec<Vec<u8>> {
        let contents = [
            json!("a string"),
            json!("an \"escaped\"\nstring"),
            Value::Null,
            json!(3),
            json!({"type": "tool_use"}),
            json!(["text"]),
            json!([{"type": 5}]),
            json!([{"text": "no type"}, {"type": "tool_use", "id": "t"}]),
            json!([["tool_use"]]),
            json!([{"type": "tool_use"}, {"type": "tool_use", "type": "x"}]),
            json!([{"type": "text", "text": "@@BAD@@"}]),
            json!([{"type": null}]),
            json!([{"type": "tool_result", "content": null, "text": [1, {"a": null}]}]),
        ];
        let mut variants = Vec::new();
        for line in lines {
            variants.push(line.clone());
            let value: Value = serde_json::from_slice(line).unwrap();
            for content in &contents {
                let mut copy = value.clone();
                for pointer in ["/message", "/data/message/message"] {
                    if let Some(Value::Object(message)) = copy.pointer_mut(pointer) {
                        message.insert("content".into(), content.clone());
                    }
                }
                let bytes = serde_json::to_vec(&copy).unwrap();
                let bytes = match bytes.windows(7).position(|w| w == b"@@BAD@@") {
                    Some(at) => [&bytes[..at], b"\xff\xfe", &bytes[at + 7..]].concat(),
                    None => bytes,
                };
                variants.push(bytes);
            }
            variants.push(line[..line.len() / 2].to_vec());
        }
        variants
    }

    /// Every line of the Claude Code fixtures, and its [`content_variants`], comes out of the
    /// one-pass reader as out of the general one.
    #[test]
    fn in_place_content_reads_as_the_general_path() {
        let variants = content_variants(&fixture_lines());
        let mut in_place = 0;
        for variant in &variants {
            in_place += usize::from(
                std::str::from_utf8(variant)
                    .ok()
                    .and_then(|t| serde_json::from_str::<Line<'_, InPlaceContent<'_>>>(t).ok())
                    .is_some(),
            );
            assert_eq!(
                format!("{:?}", parse(variant, None)),
                format!("{:?}", parse_general(variant, None)),
                "{}",
                String::from_utf8_lossy(variant)
            );
            // Read with a transcript, the line leaves the same prompt state either way.
            let (mut one_pass, mut general) = (Transcript::default(), Transcript::default());
            assert_eq!(
                format!("{:?}", parse(variant, Some(&mut one_pass))),
                format!("{:?}", parse_general(variant, Some(&mut general))),
            );
            assert_eq!(one_pass.threads, general.threads);
        }
        // The fixture lines themselves and most variants are read in one pass.
        assert!(
            in_place * 2 > variants.len(),
            "{in_place} of {}",
            variants.len()
        );
    }

    /// What the strict reader reads of `text`, where it does not give up.
    fn scanned(text: &str) -> Option<Line<'_, InPlaceContent<'_>>> {
        let mut line = Line::default();
        scan_line(text, &mut line).map(|()| line)
    }

    /// The strict reader reads a line exactly as serde_json reads it in place, or gives up
    /// (and serde_json reads it): on every fixture line, where it must not give up, on each
    /// [`content_variants`], and on each fixture line cut, or with a character taken out or
    /// one of JSON's syntax put in, at every third position.
    #[test]
    fn the_strict_reader_reads_as_serde_json_or_gives_up() {
        fn serde(text: &str) -> Option<Line<'_, InPlaceContent<'_>>> {
            serde_json::from_str(text).ok()
        }
        let lines = fixture_lines();
        let mut texts: Vec<String> = Vec::new();
        for line in &lines {
            let text = std::str::from_utf8(line).unwrap();
            assert!(scanned(text).is_some(), "gives up on {text}");
            texts.extend(crate::ingest::scan::edits(text, 3));
        }
        // Usage of every shape its reader meets: counts of each JSON spelling, fields it
        // reads and does not, the iterations it leaves to serde_json, duplicate fields.
        for line in &lines {
            let text = std::str::from_utf8(line).unwrap();
            let Some(at) = text.find(r#""usage":{"#) else {
                continue;
            };
            let at = at + r#""usage":{"#.len();
            for put in [
                r#""input_tokens":-1,"#,
                r#""input_tokens":1.0,"#,
                r#""output_tokens":1e2,"#,
                r#""input_tokens":"5","#,
                r#""iterations":[{"type":"message","input_tokens":3}],"#,
                r#""iterations":null,"#,
                r#""cache_creation":null,"#,
                r#""cache_creation":{"ephemeral_1h_input_tokens":7,"x":{}},"#,
                r#""server_tool_use":{"web_search_requests":2,"x":[1]},"#,
                r#""speed":"fast","inference_geo":"u\u0073","service_tier":null,"#,
                r#""cache_read_input_tokens":18446744073709551616,"#,
                r#""unknown":[{"a":null}],"#,
            ] {
                texts.push(format!("{}{put}{}", &text[..at], &text[at..]));
            }
        }
        let variants = content_variants(&lines);
        texts.extend(
            variants
                .iter()
                .filter_map(|v| std::str::from_utf8(v).ok())
                .map(str::to_string),
        );
        let mut read = 0;
        for text in &texts {
            if let Some(scanned) = scanned(text) {
                assert_eq!(Some(scanned), serde(text), "{text}");
                read += 1;
            }
        }
        // Most mutations break the line; many (inside strings, whitespace) do not.
        assert!(read * 10 > texts.len(), "{read} of {}", texts.len());
    }

    /// The calls a piece keeps, as its merge of duplicates keeps them: of the calls that share
    /// a key, the first with the most tokens; every call without a key. Line numbers.
    fn kept(outcomes: &[(usize, LineOutcome)]) -> Vec<usize> {
        let mut keeper: HashMap<u64, (usize, u64)> = HashMap::new();
        let mut kept = Vec::new();
        for (line, outcome) in outcomes {
            let LineOutcome::Call(record) = outcome else {
                continue;
            };
            let tokens = record.tokens.total();
            match record.dedupe_key {
                None => kept.push(*line),
                Some(key) => match keeper.get(&key) {
                    Some(&(_, most)) if most >= tokens => {}
                    _ => {
                        keeper.insert(key, (*line, tokens));
                    }
                },
            }
        }
        kept.extend(keeper.values().map(|&(line, _)| line));
        kept.sort_unstable();
        kept
    }

    /// A piece of content-block lines on a few messages, with token totals that tie, grow,
    /// shrink and are zero, some nested in progress lines, some stating a cost, some without
    /// ids: the transcript parser drops lines early, yet the piece keeps the same calls, and
    /// every line it passes on reads as it does alone (so the kept calls state the same
    /// costs).
    #[test]
    fn early_duplicates_keep_the_calls_the_merge_keeps() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |below: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % below
        };
        let mut lines = Vec::new();
        for _ in 0..2_000 {
            let message = next(12);
            let usage = json!({"input_tokens": next(3), "output_tokens": next(4) * 10});
            let mut inner = json!({
                "type": "assistant",
                "sessionId": "s",
                "message": {"id": format!("msg_{message}"), "model": "claude-sonnet-4-5",
                            "role": "assistant", "usage": usage, "content": []},
            });
            match next(10) {
                0 => inner["message"]
                    .as_object_mut()
                    .unwrap()
                    .remove("id")
                    .map(drop)
                    .unwrap(),
                1 => inner["costUSD"] = json!(0.01),
                _ => {}
            }
            if message % 3 == 0 {
                inner["requestId"] = json!(format!("req_{message}"));
            }
            let line = if next(4) == 0 {
                json!({"type": "progress", "sessionId": "s", "data": {"message": inner}})
            } else {
                inner
            };
            lines.push(serde_json::to_vec(&line).unwrap());
        }
        let alone: Vec<(usize, LineOutcome)> = lines
            .iter()
            .enumerate()
            .map(|(n, line)| (n, parse(line, None)))
            .collect();
        let mut transcript = Transcript::default();
        let mut early = Vec::new();
        for (n, line) in lines.iter().enumerate() {
            let mut out = Vec::new();
            transcript.line(n as u64, line, &mut out);
            early.extend(out.into_iter().map(|p| (p.line as usize, p.outcome)));
        }
        let dropped = early
            .iter()
            .filter(|(_, o)| matches!(o, LineOutcome::Skip(SkipReason::DuplicateContentBlock)))
            .count();
        assert!(dropped > 1_000, "{dropped} dropped early");
        assert_eq!(kept(&early), kept(&alone));
        for ((n, early), (_, alone)) in early.iter().zip(&alone) {
            if !matches!(early, LineOutcome::Skip(SkipReason::DuplicateContentBlock)) {
                assert_eq!(format!("{early:?}"), format!("{alone:?}"), "line {n}");
            }
        }
    }

    /// The calls of `lines` read in order by one transcript parser, by line number.
    fn read_calls(lines: &[Value]) -> Vec<(usize, CallRecord)> {
        let mut transcript = Transcript::default();
        let mut calls = Vec::new();
        for (n, line) in lines.iter().enumerate() {
            let mut out = Vec::new();
            transcript.line(n as u64 + 1, &serde_json::to_vec(line).unwrap(), &mut out);
            for parsed in out {
                if let LineOutcome::Call(record) = parsed.outcome {
                    calls.push((parsed.line as usize, *record));
                }
            }
        }
        calls
    }

    fn user(content: Value) -> Value {
        json!({"type": "user", "sessionId": "s1", "cwd": "/home/dev/router",
               "message": {"role": "user", "content": content}})
    }

    fn assistant(id: &str, tool_uses: usize) -> Value {
        let content: Vec<Value> = (0..tool_uses)
            .map(
                |i| json!({"type": "tool_use", "id": format!("t{i}"), "name": "Bash", "input": {}}),
            )
            .collect();
        json!({"type": "assistant", "sessionId": "s1", "requestId": format!("req_{id}"),
               "message": {"id": id, "role": "assistant", "model": "claude-sonnet-4-5",
                           "content": content,
                           "usage": {"input_tokens": 3, "cache_read_input_tokens": 20_000,
                                     "output_tokens": 200}}})
    }

    /// Each call of a transcript is read with the latest prompt of its thread and the tool
    /// results since it: tool output, meta lines and local commands are no prompts, a new
    /// prompt replaces the old one, and a subagent has its own.
    #[test]
    fn calls_carry_the_latest_prompt_of_their_thread() {
        let tool_output = "x".repeat(1_000);
        let mut sidechain_prompt = user(json!("Summarize the failures in the CI log."));
        sidechain_prompt["isSidechain"] = json!(true);
        sidechain_prompt["agentId"] = json!("a1");
        let mut sidechain_call = assistant("msg_d", 0);
        sidechain_call["isSidechain"] = json!(true);
        sidechain_call["agentId"] = json!("a1");
        let mut meta = user(json!(
            "Caveat: the messages below were generated by the user."
        ));
        meta["isMeta"] = json!(true);
        let lines = [
            assistant("msg_0", 0),
            user(json!(FIX_PROMPT)),
            assistant("msg_a", 1),
            user(json!([{"type": "tool_result", "tool_use_id": "t0", "content": tool_output}])),
            assistant("msg_b", 1),
            meta,
            user(json!("<command-name>/clear</command-name>")),
            user(json!([{"type": "text", "text": TRANSLATE_PROMPT}])),
            assistant("msg_c", 0),
            sidechain_prompt,
            sidechain_call,
            assistant("msg_e", 0),
        ];
        let calls = read_calls(&lines);
        let lines_read: Vec<usize> = calls.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines_read, [1, 3, 5, 9, 11, 12]);
        let text = |i: usize| calls[i].1.text.as_ref().map(|t| t.user.as_str());
        assert_eq!(text(0), None, "no prompt before the first");
        assert_eq!(text(1), Some(FIX_PROMPT));
        assert_eq!(calls[1].1.features.tool_results, 0);
        assert_prompt_task(&calls[1].1, Task::Code);
        // The second step of the turn carries the tool output.
        assert_eq!(text(2), Some(FIX_PROMPT));
        assert_eq!(calls[2].1.features.tool_results, 1);
        let prompt_chars = FIX_PROMPT.chars().count() as u64;
        assert_eq!(
            calls[2].1.text.as_ref().unwrap().prompt_chars,
            prompt_chars + 1_000
        );
        assert!(!classify(&calls[2].1).reasons.contains(Reason::NoPromptText));
        // Meta lines and the echo of /clear are not prompts; the next text is.
        assert_eq!(text(3), Some(TRANSLATE_PROMPT));
        assert_eq!(calls[3].1.features.tool_results, 0);
        assert_prompt_task(&calls[3].1, Task::Translation);
        assert_eq!(text(4), Some("Summarize the failures in the CI log."));
        assert_eq!(text(5), Some(TRANSLATE_PROMPT));
        for (_, call) in &calls {
            assert_eq!(call.text.as_ref().map_or("", |t| t.system.as_str()), "");
        }
    }

    /// A slash command is the prompt of the calls after it; its output, a shell command and
    /// an interruption are no prompts.
    #[test]
    fn a_slash_command_is_a_prompt_and_local_output_is_not() {
        let lines = [
            user(json!(FIX_PROMPT)),
            user(json!(
                "<command-message>review is running…</command-message>\n\
                 <command-name>/review</command-name>\n\
                 <command-args>the retry change</command-args>"
            )),
            assistant("msg_r", 0),
            user(json!("<command-name>/cost</command-name>")),
            user(json!(
                "<local-command-stdout>Total cost: $0.06</local-command-stdout>"
            )),
            user(json!("<bash-input>ls</bash-input>")),
            user(json!([{"type": "text", "text": "[Request interrupted by user]"}])),
            assistant("msg_s", 0),
        ];
        let calls = read_calls(&lines);
        let text = |i: usize| calls[i].1.text.as_ref().unwrap().user.as_str();
        assert_eq!(text(0), "/review the retry change");
        assert_eq!(text(1), "/cost");
        assert_eq!(slash_command("<command-name></command-name>"), None);
        assert_eq!(slash_command("no command"), None);
    }

    /// A subagent whose prompt is not in the file works on the main conversation's; nested
    /// progress lines are a subagent's thread.
    #[test]
    fn a_subagent_without_its_own_prompt_reads_the_main_one() {
        let mut nested = assistant("msg_n", 0);
        nested["sessionId"] = Value::Null;
        let progress = json!({"type": "progress", "sessionId": "s1",
                              "data": {"message": nested, "agentId": "a2"}});
        let nested_prompt = json!({"type": "progress", "sessionId": "s1", "data": {
            "agentId": "a3", "message": {"type": "user",
                "message": {"role": "user", "content": "Find every caller of retry()."}}}});
        let mut nested_call = assistant("msg_m", 0);
        nested_call["sessionId"] = Value::Null;
        let progress_own = json!({"type": "progress", "sessionId": "s1",
                                  "data": {"message": nested_call, "agentId": "a3"}});
        let calls = read_calls(&[
            user(json!(FIX_PROMPT)),
            progress,
            nested_prompt,
            progress_own,
        ]);
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].1.text.as_ref().unwrap().user, FIX_PROMPT);
        assert_eq!(
            calls[1].1.text.as_ref().unwrap().user,
            "Find every caller of retry()."
        );
    }

    /// A parser keeps at most [`MAX_THREADS`] threads, forgetting the least recently used.
    #[test]
    fn threads_are_bounded() {
        let mut lines = Vec::new();
        for agent in 0..3 * MAX_THREADS {
            let mut prompt = user(json!(format!("Prompt of agent {agent}.")));
            prompt["isSidechain"] = json!(true);
            prompt["agentId"] = json!(format!("a{agent}"));
            lines.push(prompt);
        }
        let mut transcript = Transcript::default();
        for line in &lines {
            transcript.line(1, &serde_json::to_vec(line).unwrap(), &mut Vec::new());
        }
        assert_eq!(transcript.threads.threads.len(), MAX_THREADS);
    }
}
