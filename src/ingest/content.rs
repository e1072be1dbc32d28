//! Message content as OpenAI and Anthropic requests carry it (a string, or a list of typed
//! parts), folded into what classification needs: bounded prompt text, counts of images, tool
//! results and turns, and the repeated prefix a prompt cache could serve.

use crate::ingest::scan::{Cursor, scan_fields};
use crate::ingest::values::{Raw, Text};
use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::ingest::wire::{PrefixHasher, stable_hash as wire_hash};
use crate::record::{CallRecord, CallText, PromptPrefix, PromptPrefixes, estimate_tokens};

/// Text kept per field for classification; longer text is cut (on a character boundary).
pub(crate) const MAX_TEXT_BYTES: usize = 8 * 1024;

/// Prompt caches only serve prefixes of at least this many tokens (OpenAI and Anthropic's
/// Sonnet/Opus minimum is 1,024 tokens; some models need more, see
/// [`crate::policy::CacheRule`]).
pub const MIN_CACHEABLE_PREFIX_TOKENS: u64 = 1024;

/// Points before assistant turns kept per request (see [`PromptPrefixes`]).
const TURN_POINTS: usize = 3;

/// Whether a message's text is a redaction placeholder rather than what was sent: a few words
/// at most, one of them saying the text was taken out (LiteLLM's `turn_off_message_logging`
/// writes `redacted-by-litellm`; other loggers write `[REDACTED]`, `<hidden>`, `***`).
pub(crate) fn is_placeholder(text: &str) -> bool {
    const MARKS: [&str; 10] = [
        "redacted",
        "removed",
        "hidden",
        "masked",
        "scrubbed",
        "omitted",
        "filtered",
        "anonymized",
        "anonymised",
        "censored",
    ];
    let text = text.trim();
    if text.is_empty() || text.len() > 48 {
        return false;
    }
    if text.chars().all(|c| matches!(c, '*' | '#' | '█' | '•')) {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    lower.split_whitespace().count() <= 3 && MARKS.iter().any(|mark| lower.contains(mark))
}

/// One typed part of a message's content.
#[derive(Deserialize, Default, Debug)]
#[serde(bound(deserialize = "'de: 'a"))]
pub(crate) struct Part<'a> {
    #[serde(rename = "type", default)]
    kind: Text<'a>,
    #[serde(default)]
    text: Option<Text<'a>>,
    #[serde(default)]
    content: Option<Raw<'a>>,
    /// What identifies an image, a document or a tool call, hashed with the turn so that two
    /// requests that differ only there are told apart (never kept).
    #[serde(default)]
    image_url: Option<Raw<'a>>,
    #[serde(default)]
    source: Option<Raw<'a>>,
    #[serde(default)]
    file: Option<Raw<'a>>,
    #[serde(default)]
    id: Option<Raw<'a>>,
    #[serde(default)]
    input: Option<Raw<'a>>,
}

impl<'a> Part<'a> {
    /// The fields that identify a part without text, raw.
    fn identity(&self) -> impl Iterator<Item = &'a str> {
        [self.image_url, self.source, self.file, self.id, self.input]
            .into_iter()
            .flatten()
            .map(|raw| raw.0)
    }

    /// Reads a part as its serde reader does, or gives up ([`Cursor`]).
    fn scan(cursor: &mut Cursor<'a>) -> Option<Part<'a>> {
        let mut part = Part::default();
        scan_fields!(cursor, {
            "type" => part.kind = cursor.text()?,
            "text" => part.text = cursor.nullable(Cursor::text)?,
            "content" => part.content = cursor.nullable(Cursor::raw)?,
            "image_url" => part.image_url = cursor.nullable(Cursor::raw)?,
            "source" => part.source = cursor.nullable(Cursor::raw)?,
            "file" => part.file = cursor.nullable(Cursor::raw)?,
            "id" => part.id = cursor.nullable(Cursor::raw)?,
            "input" => part.input = cursor.nullable(Cursor::raw)?,
        })?;
        Some(part)
    }
}

/// A message's content deserialized where it stands in the line: a string (borrowed unless
/// it holds escapes), or a list of typed parts. Any other JSON (a number, an object, a part
/// that is no object) fails to deserialize; adapters reading a line in one pass then read it
/// again the general way, through [`PromptSummary::add_message`], which decides what such
/// content means. `null` is an absent content, as an `Option` of this type.
#[derive(Debug)]
pub(crate) enum MessageContent<'a> {
    /// A plain string.
    Text(Cow<'a, str>),
    /// A list of typed parts (text, images, tool results).
    Parts(Vec<Part<'a>>),
}

impl<'a> MessageContent<'a> {
    /// Reads content as its serde reader does, or gives up ([`Cursor`]).
    pub(crate) fn scan(cursor: &mut Cursor<'a>) -> Option<MessageContent<'a>> {
        match cursor.peek()? {
            b'"' => Some(MessageContent::Text(cursor.text()?.0)),
            b'[' => Some(MessageContent::Parts(scan_list(cursor, Part::scan)?)),
            _ => None,
        }
    }
}

/// A JSON list of what `item` reads, as serde reads a `Vec`.
pub(crate) fn scan_list<'a, T>(
    cursor: &mut Cursor<'a>,
    mut item: impl FnMut(&mut Cursor<'a>) -> Option<T>,
) -> Option<Vec<T>> {
    let mut items = Vec::new();
    cursor.array(|cursor| {
        items.push(item(cursor)?);
        Some(())
    })?;
    Some(items)
}

impl<'de: 'a, 'a> Deserialize<'de> for MessageContent<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ContentVisitor;

        impl<'de> Visitor<'de> for ContentVisitor {
            type Value = MessageContent<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of content parts")
            }

            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(MessageContent::Text(Cow::Borrowed(text)))
            }

            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(MessageContent::Text(Cow::Owned(text.to_string())))
            }

            fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
                Ok(MessageContent::Text(Cow::Owned(text)))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut parts = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(16));
                while let Some(part) = seq.next_element()? {
                    parts.push(part);
                }
                Ok(MessageContent::Parts(parts))
            }
        }

        deserializer.deserialize_any(ContentVisitor)
    }
}

/// Message content in either form an adapter holds it: raw JSON (read by
/// [`PromptSummary::add_message`]) or already deserialized ([`MessageContent`]).
pub(crate) trait ContentField {
    /// Adds a message with this content to `prompt`.
    fn add_to(&self, prompt: &mut PromptSummary, role: Role);
    /// Adds this content as system text (a string or a list of text blocks).
    fn add_as_system(&self, prompt: &mut PromptSummary);
}

impl ContentField for &RawValue {
    fn add_to(&self, prompt: &mut PromptSummary, role: Role) {
        prompt.add_message(role, Some(self));
    }

    fn add_as_system(&self, prompt: &mut PromptSummary) {
        prompt.add_system_raw(self);
    }
}

impl ContentField for MessageContent<'_> {
    fn add_to(&self, prompt: &mut PromptSummary, role: Role) {
        prompt.add_content(role, Some(self));
    }

    fn add_as_system(&self, prompt: &mut PromptSummary) {
        match self {
            MessageContent::Text(text) => prompt.add_system(text),
            MessageContent::Parts(parts) => {
                let mut text = String::new();
                prompt.collect_parts(Role::System, parts, &mut text);
                prompt.add_system(&text);
            }
        }
    }
}

/// A request message as the OpenAI and Anthropic APIs write it: a role and content, the content
/// raw (`C = &RawValue`) or deserialized in place ([`MessageContent`]).
#[derive(Deserialize, Debug)]
#[serde(bound(deserialize = "'de: 'a, C: Deserialize<'de>"))]
pub(crate) struct RequestMessage<'a, C> {
    #[serde(default)]
    role: Text<'a>,
    content: Option<C>,
}

impl<'a> RequestMessage<'a, MessageContent<'a>> {
    /// Reads a message as its serde reader does, or gives up ([`Cursor`]).
    pub(crate) fn scan(cursor: &mut Cursor<'a>) -> Option<Self> {
        let (mut role, mut content) = (Text::default(), None);
        scan_fields!(cursor, {
            "role" => role = cursor.text()?,
            "content" => content = cursor.nullable(MessageContent::scan)?,
        })?;
        Some(RequestMessage { role, content })
    }
}

impl<C: ContentField> RequestMessage<'_, C> {
    /// Adds the message to `prompt`, in the role it names (a message without content counts).
    pub(crate) fn add_to(&self, prompt: &mut PromptSummary) {
        prompt.add_content_field(Role::from_name(&self.role), self.content.as_ref());
    }
}

/// An item of a Responses API `input` list, or a chat message: a tool call's output, a call or
/// a reasoning step (no prompt text), or a message in its role. Its content raw
/// (`C = &RawValue`) or deserialized in place ([`MessageContent`]), as [`RequestMessage`]'s.
#[derive(Deserialize, Debug)]
#[serde(bound(deserialize = "'de: 'a, C: Deserialize<'de>"))]
pub(crate) struct InputItem<'a, C> {
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    role: Option<Text<'a>>,
    content: Option<C>,
    output: Option<C>,
}

impl<'a> InputItem<'a, MessageContent<'a>> {
    /// Reads an item as its serde reader does, or gives up ([`Cursor`]).
    pub(crate) fn scan(cursor: &mut Cursor<'a>) -> Option<Self> {
        let mut item = InputItem {
            kind: None,
            role: None,
            content: None,
            output: None,
        };
        scan_fields!(cursor, {
            "type" => item.kind = cursor.nullable(Cursor::text)?,
            "role" => item.role = cursor.nullable(Cursor::text)?,
            "content" => item.content = cursor.nullable(MessageContent::scan)?,
            "output" => item.output = cursor.nullable(MessageContent::scan)?,
        })?;
        Some(item)
    }
}

/// What a request's messages add up to.
#[derive(Default)]
pub(crate) struct PromptSummary {
    system: String,
    last_user: String,
    prompt_chars: u64,
    /// The prefix (system prompt, tool definitions) in order, hashed as it comes.
    prefix: PrefixHasher,
    /// The other messages in order, hashed as they come, a part a message.
    turns: PrefixHasher,
    /// The turns' hash and length just before each of the last [`TURN_POINTS`] assistant
    /// turns that had turns before them, oldest first.
    turn_points: Vec<(u64, u64)>,
    pub messages: u32,
    pub images: u32,
    pub tool_results: u32,
    /// A message held a redaction placeholder ([`is_placeholder`]): the text is not the
    /// request's, so neither it nor its hashes are kept.
    pub redacted: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    System,
    User,
    Assistant,
    Tool,
}

impl Role {
    pub(crate) fn from_name(name: &str) -> Role {
        match name {
            "system" | "developer" => Role::System,
            "assistant" | "model" => Role::Assistant,
            "tool" | "function" => Role::Tool,
            _ => Role::User,
        }
    }
}

/// Appends `text` to `target` on a new line, keeping `target` within [`MAX_TEXT_BYTES`] (cut on a
/// character boundary).
pub(crate) fn push_bounded(target: &mut String, text: &str) {
    if target.len() >= MAX_TEXT_BYTES {
        return;
    }
    if !target.is_empty() {
        target.push('\n');
    }
    let room = MAX_TEXT_BYTES.saturating_sub(target.len());
    let mut end = text.len().min(room);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    target.push_str(&text[..end]);
}

impl PromptSummary {
    /// Adds one message whose content is a string, a list of parts, or null.
    pub(crate) fn add_message(&mut self, role: Role, content: Option<&RawValue>) {
        self.count_message(role);
        let mut text = String::new();
        if let Some(content) = content {
            self.collect_text(role, content.get(), &mut text);
        }
        self.add_message_text(role, &text);
    }

    /// Adds a list of Responses API input items or chat messages (see [`InputItem`]); a
    /// message without a role is the user's. Anything but such a list adds nothing.
    pub(crate) fn add_items(&mut self, raw: &RawValue) {
        if let Ok(items) = serde_json::from_str::<Vec<InputItem<'_, &RawValue>>>(raw.get()) {
            self.add_input_items(&items);
        }
    }

    /// [`PromptSummary::add_items`] for items already deserialized.
    pub(crate) fn add_input_items<C: ContentField>(&mut self, items: &[InputItem<'_, C>]) {
        for item in items {
            let (role, content) = match item.kind.as_deref() {
                Some("function_call_output") => (Role::Tool, &item.output),
                Some("function_call") | Some("reasoning") => continue,
                _ => (
                    Role::from_name(item.role.as_deref().unwrap_or("user")),
                    &item.content,
                ),
            };
            self.add_content_field(role, content.as_ref());
        }
    }

    /// Adds a message with `content` in either form ([`ContentField`]); a message without
    /// content counts too.
    fn add_content_field<C: ContentField>(&mut self, role: Role, content: Option<&C>) {
        match content {
            Some(content) => content.add_to(self, role),
            None => self.add_message(role, None),
        }
    }

    /// [`PromptSummary::add_message`] for content already deserialized: the same counts and
    /// text, and a string is read where it stands (no copy).
    pub(crate) fn add_content(&mut self, role: Role, content: Option<&MessageContent<'_>>) {
        self.count_message(role);
        match content {
            None => self.add_message_text(role, ""),
            Some(MessageContent::Text(text)) => self.add_message_text(role, text),
            Some(MessageContent::Parts(parts)) => {
                let mut text = String::new();
                self.collect_parts(role, parts, &mut text);
                self.add_message_text(role, &text);
            }
        }
    }

    fn count_message(&mut self, role: Role) {
        if role == Role::Assistant && self.turns.len() > 0 {
            if self.turn_points.len() == TURN_POINTS {
                self.turn_points.remove(0);
            }
            self.turn_points
                .push((self.turns.digest(), self.turns.len()));
        }
        self.messages += 1;
        if role == Role::Tool {
            self.tool_results += 1;
        }
    }

    /// Adds the text of one message.
    fn add_message_text(&mut self, role: Role, text: &str) {
        self.redacted |= is_placeholder(text);
        if role == Role::System {
            self.add_system(text);
            return;
        }
        // The role is hashed as a byte of its own (not counted in the length).
        self.turns.mark(role as u8 + 1);
        self.turns.update(text.as_bytes());
        self.turns.end_part();
        self.prompt_chars += text.chars().count() as u64;
        if role == Role::User && !text.is_empty() {
            self.last_user.clear();
            push_bounded(&mut self.last_user, text);
        }
    }

    /// Adds system or instruction text that sits outside the message list.
    pub(crate) fn add_system(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.prompt_chars += text.chars().count() as u64;
        push_bounded(&mut self.system, text);
        self.prefix.update(text.as_bytes());
    }

    /// Adds a system field that may be a string or a list of text blocks (Anthropic).
    pub(crate) fn add_system_raw(&mut self, raw: &RawValue) {
        let mut text = String::new();
        self.collect_text(Role::System, raw.get(), &mut text);
        self.add_system(&text);
    }

    /// Adds tool definitions: part of the repeated prefix, not of the prompt text.
    pub(crate) fn add_tool_definitions(&mut self, json: &str) {
        self.prefix.update(json.as_bytes());
    }

    fn collect_text(&mut self, role: Role, content: &str, text: &mut String) {
        if content.trim_start().starts_with('"') {
            if let Ok(value) = serde_json::from_str::<Cow<'_, str>>(content) {
                text.push_str(&value);
            }
            return;
        }
        let Ok(parts) = serde_json::from_str::<Vec<Part<'_>>>(content) else {
            return;
        };
        self.collect_parts(role, &parts, text);
    }

    /// Counts the parts' images and tool results and appends their text to `text`.
    fn collect_parts(&mut self, role: Role, parts: &[Part<'_>], text: &mut String) {
        for part in parts {
            for raw in part.identity() {
                self.turns.update(raw.as_bytes());
            }
            match part.kind.as_ref() {
                "image_url" | "image" | "input_image" | "document" | "input_file" | "file" => {
                    self.images += 1;
                }
                "tool_result" | "function_call_output" => {
                    if role != Role::Tool {
                        self.tool_results += 1;
                    }
                    if let Some(nested) = part.content {
                        self.collect_text(role, nested.0, text);
                    }
                }
                _ => {
                    if let Some(part_text) = &part.text {
                        if !text.is_empty() {
                            text.push('\n');
                        }
                        text.push_str(part_text);
                    }
                }
            }
        }
    }

    /// The prompt text for classification, if the request held any (a redacted request holds
    /// none).
    pub(crate) fn text(&self) -> Option<CallText> {
        (self.prompt_chars > 0 && !self.redacted).then(|| CallText {
            system: self.system.clone(),
            user: self.last_user.clone(),
            prompt_chars: self.prompt_chars,
        })
    }

    /// [`PromptSummary::text`], moving the text out rather than copying it; the summary's
    /// text is empty afterwards.
    pub(crate) fn take_text(&mut self) -> Option<CallText> {
        (self.prompt_chars > 0 && !self.redacted).then(|| CallText {
            system: std::mem::take(&mut self.system),
            user: std::mem::take(&mut self.last_user),
            prompt_chars: self.prompt_chars,
        })
    }

    /// The request's prefixes ([`PromptPrefixes`]): the system prompt and tool definitions,
    /// the conversation before each of its last few assistant turns, and the whole request,
    /// each hashed (`wire_hash` of the prefix's hash and the turns' hash at that point) with
    /// its estimated tokens. `None` for a redacted request or one with nothing in it.
    pub(crate) fn prefix(&self) -> Option<PromptPrefixes> {
        if self.redacted || (self.prefix.len() == 0 && self.turns.len() == 0) {
            return None;
        }
        let mut prefix = self.prefix.clone();
        prefix.end_part();
        let system = prefix.digest().to_le_bytes();
        let at = |turns: u64, length: u64| PromptPrefix {
            hash: wire_hash(&[b"prompt", &system, &turns.to_le_bytes()]),
            tokens: estimate_tokens(self.prefix.len() + length),
        };
        let mut items = Vec::with_capacity(TURN_POINTS + 2);
        let system_first = self.prefix.len() > 0;
        if system_first {
            items.push(at(PrefixHasher::default().digest(), 0));
        }
        items.extend(
            self.turn_points
                .iter()
                .map(|&(turns, length)| at(turns, length)),
        );
        items.push(at(self.turns.digest(), self.turns.len()));
        PromptPrefixes::new(system_first, &items)
    }

    /// Copies what the request adds up to into the call: its counts of messages, images and
    /// tool results, its prefixes, whether it was redacted, and its text (moved out).
    pub(crate) fn apply_to(mut self, record: &mut CallRecord) {
        let features = &mut record.features;
        features.message_count = self.messages;
        features.images = self.images;
        features.tool_results = self.tool_results;
        features.redacted |= self.redacted;
        record.prefix = self.prefix();
        record.text = self.take_text();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> Box<RawValue> {
        RawValue::from_string(json.to_string()).unwrap()
    }

    #[test]
    fn folds_strings_parts_images_and_tool_results() {
        let mut summary = PromptSummary::default();
        summary.add_message(Role::System, Some(&raw(r#""You extract fields.""#)));
        summary.add_message(
            Role::User,
            Some(&raw(
                r#"[{"type":"text","text":"Total?"},{"type":"image_url","image_url":{"url":"x"}}]"#,
            )),
        );
        summary.add_message(
            Role::User,
            Some(&raw(
                r#"[{"type":"tool_result","tool_use_id":"t","content":"42"}]"#,
            )),
        );
        assert_eq!(summary.messages, 3);
        assert_eq!(summary.images, 1);
        assert_eq!(summary.tool_results, 1);
        let text = summary.text().unwrap();
        assert_eq!(text.system, "You extract fields.");
        assert_eq!(text.user, "42");
        assert_eq!(text.prompt_chars, 19 + 6 + 2);
    }

    /// A conversation's steps: the second re-sends the first and adds the answer and a tool
    /// result, so its point before the assistant turn is the first step's whole request.
    fn step(turns: &[(Role, &str)]) -> PromptSummary {
        let mut summary = PromptSummary::default();
        summary.add_system(&"s".repeat(4_000));
        summary.add_tool_definitions(r#"[{"name":"read_file"}]"#);
        for (role, text) in turns {
            summary.add_message(*role, Some(&raw(&serde_json::to_string(text).unwrap())));
        }
        summary
    }

    #[test]
    fn a_conversation_is_hashed_where_each_earlier_step_ended() {
        let first = step(&[(Role::User, "Fix the failing test.")])
            .prefix()
            .unwrap();
        let second = step(&[
            (Role::User, "Fix the failing test."),
            (Role::Assistant, "Reading the test."),
            (Role::Tool, "fn main() {}"),
        ])
        .prefix()
        .unwrap();
        // System and tools: 4,000 + 21 bytes, about 1,006 tokens; the whole first step adds
        // the user turn's 21 bytes.
        let system = first.system().unwrap();
        assert_eq!(system.tokens, (4_000u64 + 21).div_ceil(4));
        assert_eq!(first.whole().tokens, (4_000u64 + 21 + 21).div_ceil(4));
        assert_eq!(second.system(), Some(system));
        assert_eq!(second.as_slice()[1], first.whole());
        assert_eq!(second.as_slice().len(), 3);
        assert_ne!(second.whole(), first.whole());
        // Another first turn shares only the system prompt and tools.
        let other = step(&[(Role::User, "Write a haiku.")]).prefix().unwrap();
        assert_eq!(other.system(), Some(system));
        assert_ne!(other.whole(), first.whole());
    }

    #[test]
    fn a_redaction_placeholder_keeps_neither_text_nor_hashes() {
        for placeholder in ["redacted-by-litellm", "[REDACTED]", "<hidden>", "*****"] {
            let summary = step(&[(Role::User, placeholder)]);
            assert!(summary.redacted, "{placeholder}");
            assert!(summary.prefix().is_none() && summary.text().is_none());
        }
        for real in [
            "Is 17 prime?",
            "Why was my order removed from the cart page?",
        ] {
            assert!(!step(&[(Role::User, real)]).redacted, "{real}");
        }
    }

    #[test]
    fn bounded_text_cuts_on_char_boundaries() {
        let mut summary = PromptSummary::default();
        let long = "é".repeat(MAX_TEXT_BYTES);
        summary.add_message(Role::User, Some(&raw(&format!("\"{long}\""))));
        assert!(summary.text().unwrap().user.len() <= MAX_TEXT_BYTES);
    }
}
