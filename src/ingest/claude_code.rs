//! Claude Code session transcripts (`~/.claude/projects/<project>/<session>.jsonl`).
//!
//! Claude Code writes one line per content block of a response, each repeating the message id,
//! request id and usage; the lines collapse into one call by a dedupe key, keeping the largest
//! usage (the last block carries the final output count). Subagent messages also appear nested
//! in `progress` lines of the parent session; the same key merges them with the subagent's own
//! transcript. `<synthetic>` messages are local error notices, never billed.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;

use foldhash::fast::FixedState;
use serde::Deserialize;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::ingest::anthropic::{ContentBlock, Usage};
use crate::ingest::wire::{parse_timestamp, stable_hash};
use crate::ingest::{LineOutcome, LineParser, Parsed, SkipReason, json_error};
use crate::record::{CallRecord, Provider};

#[derive(Deserialize)]
#[serde(bound(deserialize = "L: Deserialize<'de> + Default"))]
struct Message<'a, L> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow)]
    role: Option<Cow<'a, str>>,
    usage: Option<Usage>,
    #[serde(borrow)]
    stop_reason: Option<Cow<'a, str>>,
    #[serde(default)]
    content: L,
}

/// Content is a list of blocks on assistant lines and often a plain string on user lines.
/// Anything but a list of blocks (a string, a list with an odd item) counts as no blocks.
#[derive(Default)]
struct ContentList<'a>(Vec<ContentBlock<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for ContentList<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw: &'de RawValue = Deserialize::deserialize(deserializer)?;
        Ok(ContentList(
            serde_json::from_str(raw.get()).unwrap_or_default(),
        ))
    }
}

/// [`ContentList`] read where it stands, in the same pass as the line: a list of blocks is
/// deserialized in place, any other value is skipped as no blocks. A list holding an item
/// that is no block fails the line's deserialization instead, and the line is read again with
/// [`ContentList`], which makes that no blocks.
#[derive(Default)]
struct InPlaceContent<'a>(Vec<ContentBlock<'a>>);

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
                Ok(InPlaceContent(blocks))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(InPlaceContent::default())
            }

            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(InPlaceContent::default())
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

/// The content blocks of a message, whichever way they were read.
trait Blocks {
    /// The blocks, in order (none when the content was not a list of blocks).
    fn blocks(&self) -> &[ContentBlock<'_>];
}

impl Blocks for ContentList<'_> {
    fn blocks(&self) -> &[ContentBlock<'_>] {
        &self.0
    }
}

impl Blocks for InPlaceContent<'_> {
    fn blocks(&self) -> &[ContentBlock<'_>] {
        &self.0
    }
}

/// One transcript line; its message content read through a [`ContentList`] (the general way)
/// or in place ([`InPlaceContent`]).
#[derive(Deserialize)]
#[serde(bound(deserialize = "L: Deserialize<'de> + Default"))]
struct Line<'a, L = ContentList<'a>> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    message: Option<Message<'a, L>>,
    #[serde(rename = "requestId", borrow)]
    request_id: Option<Cow<'a, str>>,
    #[serde(rename = "sessionId", borrow)]
    session_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    timestamp: Option<&'a RawValue>,
    #[serde(borrow)]
    cwd: Option<Cow<'a, str>>,
    #[serde(rename = "gitBranch", borrow)]
    git_branch: Option<Cow<'a, str>>,
    #[serde(rename = "isSidechain")]
    is_sidechain: Option<bool>,
    #[serde(rename = "costUSD")]
    cost_usd: Option<f64>,
    data: Option<ProgressData<'a, L>>,
}

/// `progress` lines nest a subagent's line under `data.message`.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a, L: Deserialize<'de> + Default"))]
struct ProgressData<'a, L> {
    message: Option<Box<Line<'a, L>>>,
}

/// Message keys of a piece of a transcript, each with the most tokens of a call passed on
/// under it (see [`Transcript`]).
type Passed = HashMap<u64, u64, FixedState>;

/// The parser of one piece of a transcript. Claude Code writes one line per content block of
/// a message, and the piece's merge of duplicates keeps, of the calls that share a key, the
/// first with the most tokens (`merge_piece_duplicates` in the pipeline). A line whose key an
/// earlier call of the piece passed on with at least as many tokens can never be kept: it is
/// counted as a duplicate content block at once, and its record is not built. The merge
/// still decides among the calls passed on (a later block with more tokens replaces an
/// earlier one), so the piece keeps the same calls either way, and with them the costs they
/// state (a message's lines that repeat a `costUSD` state it once).
#[derive(Default)]
pub(crate) struct Transcript {
    passed: Passed,
}

impl LineParser for Transcript {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        out.push(Parsed {
            line: line_no,
            outcome: parse(line, Some(&mut self.passed)),
        });
    }
}

/// Parses one line of a Claude Code transcript: in one pass, message content in place, when
/// the line is UTF-8 and its content of the usual shapes; else the general way, which keeps
/// the content raw and reads it again. Both give the same outcome for any line. With
/// `passed`, a call that cannot outweigh one passed on before under its key is a duplicate.
fn parse(line: &[u8], passed: Option<&mut Passed>) -> LineOutcome {
    // The general way validates the UTF-8 of the content it keeps raw; check the whole line so
    // that no invalid byte is skipped unseen in place.
    let in_place = super::wire::utf8(line)
        .and_then(|text| serde_json::from_str::<Line<'_, InPlaceContent<'_>>>(text).ok());
    match in_place {
        Some(parsed) => line_outcome(&parsed, passed),
        None => parse_general(line, passed),
    }
}

/// Parses one line the general way: content kept raw, then read as blocks if it is a list.
fn parse_general(line: &[u8], passed: Option<&mut Passed>) -> LineOutcome {
    let parsed: Line<'_> = match serde_json::from_slice(line) {
        Ok(parsed) => parsed,
        Err(err) => return json_error(err, line),
    };
    line_outcome(&parsed, passed)
}

/// What a parsed line is: a call, or a skip.
fn line_outcome<L: Blocks>(parsed: &Line<'_, L>, passed: Option<&mut Passed>) -> LineOutcome {
    match parsed.kind.as_deref() {
        Some("assistant") => assistant_call(parsed, None, passed),
        Some("user") => LineOutcome::Skip(SkipReason::UserMessage),
        Some("progress") => match parsed.data.as_ref().and_then(|d| d.message.as_deref()) {
            Some(nested) if nested.message.as_ref().is_some_and(|m| m.usage.is_some()) => {
                assistant_call(nested, Some(parsed), passed)
            }
            _ => LineOutcome::Skip(SkipReason::NotAModelCall),
        },
        Some(_) => LineOutcome::Skip(SkipReason::NotAModelCall),
        // Minimal transcripts (older versions, test fixtures) omit `type` on assistant lines.
        None if parsed.message.as_ref().is_some_and(|m| m.usage.is_some()) => {
            assistant_call(parsed, None, passed)
        }
        None if parsed.message.is_some() => LineOutcome::Skip(SkipReason::UserMessage),
        None => LineOutcome::Error("not a Claude Code transcript line: no type or message".into()),
    }
}

/// Builds the call of an assistant line; `outer` is the progress line a nested one came in.
/// With `passed`, a call is a duplicate when its key was passed on with as many tokens.
fn assistant_call<L: Blocks>(
    line: &Line<'_, L>,
    outer: Option<&Line<'_, L>>,
    passed: Option<&mut Passed>,
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
    if let (Some(passed), Some(key)) = (passed, dedupe_key) {
        match passed.entry(key) {
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
            .and_then(parse_timestamp),
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
    LineOutcome::Call(Box::new(record))
}

/// Whether a parsed JSON value looks like a Claude Code transcript line (used by detection).
pub(crate) fn looks_like_line(value: &serde_json::Value) -> bool {
    value.get("sessionId").is_some()
        && (value.get("message").is_some() || value.get("type").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// Every line of the Claude Code fixtures, and variants of each with the message content
    /// (also of a nested progress message) of every JSON shape, invalid UTF-8 inside the
    /// content, and the line cut short, comes out of the one-pass reader as out of the
    /// general one.
    #[test]
    fn in_place_content_reads_as_the_general_path() {
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
        let contents = [
            json!("a string"),
            Value::Null,
            json!(3),
            json!({"type": "tool_use"}),
            json!(["text"]),
            json!([{"type": 5}]),
            json!([{"text": "no type"}, {"type": "tool_use", "id": "t"}]),
            json!([["tool_use"]]),
            json!([{"type": "tool_use"}, {"type": "tool_use", "type": "x"}]),
            json!([{"type": "text", "text": "@@BAD@@"}]),
        ];
        let mut variants = Vec::new();
        for line in &lines {
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
        }
        // The fixture lines themselves and most variants are read in one pass.
        assert!(
            in_place * 2 > variants.len(),
            "{in_place} of {}",
            variants.len()
        );
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
}
