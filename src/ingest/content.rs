//! Message content as OpenAI and Anthropic requests carry it (a string, or a list of typed
//! parts), folded into what classification needs: bounded prompt text, counts of images, tool
//! results and turns, and the repeated prefix a prompt cache could serve.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::ingest::wire::PrefixHasher;
use crate::record::{CallText, PromptPrefix, estimate_tokens};

/// Text kept per field for classification; longer text is cut (on a character boundary).
pub(crate) const MAX_TEXT_BYTES: usize = 8 * 1024;

/// Prompt caches only serve prefixes of at least this many tokens (OpenAI and Anthropic's
/// Sonnet/Opus minimum is 1,024 tokens).
pub const MIN_CACHEABLE_PREFIX_TOKENS: u64 = 1024;

/// One typed part of a message's content.
#[derive(Deserialize)]
pub(crate) struct Part<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    content: Option<&'a RawValue>,
}

/// A message's content deserialized where it stands in the line: a string (borrowed unless
/// it holds escapes), or a list of typed parts. Any other JSON (a number, an object, a part
/// that is no object) fails to deserialize; adapters reading a line in one pass then read it
/// again the general way, through [`PromptSummary::add_message`], which decides what such
/// content means. `null` is an absent content, as an `Option` of this type.
pub(crate) enum MessageContent<'a> {
    /// A plain string.
    Text(Cow<'a, str>),
    /// A list of typed parts (text, images, tool results).
    Parts(Vec<Part<'a>>),
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

/// What a request's messages add up to.
#[derive(Default)]
pub(crate) struct PromptSummary {
    system: String,
    last_user: String,
    prompt_chars: u64,
    /// The prefix (system prompt, tool definitions) in order, hashed as it comes.
    prefix: PrefixHasher,
    pub messages: u32,
    pub images: u32,
    pub tool_results: u32,
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
            self.collect_text(role, content, &mut text);
        }
        self.add_message_text(role, &text);
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
        self.messages += 1;
        if role == Role::Tool {
            self.tool_results += 1;
        }
    }

    /// Adds the text of one message.
    fn add_message_text(&mut self, role: Role, text: &str) {
        if role == Role::System {
            self.add_system(text);
            return;
        }
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
        self.collect_text(Role::System, raw, &mut text);
        self.add_system(&text);
    }

    /// Adds tool definitions: part of the repeated prefix, not of the prompt text.
    pub(crate) fn add_tool_definitions(&mut self, raw: &RawValue) {
        self.prefix.update(raw.get().as_bytes());
    }

    fn collect_text(&mut self, role: Role, content: &RawValue, text: &mut String) {
        let raw = content.get().trim_start();
        if raw.starts_with('"') {
            if let Ok(value) = serde_json::from_str::<Cow<'_, str>>(content.get()) {
                text.push_str(&value);
            }
            return;
        }
        let Ok(parts) = serde_json::from_str::<Vec<Part<'_>>>(content.get()) else {
            return;
        };
        self.collect_parts(role, &parts, text);
    }

    /// Counts the parts' images and tool results and appends their text to `text`.
    fn collect_parts(&mut self, role: Role, parts: &[Part<'_>], text: &mut String) {
        for part in parts {
            match part.kind.as_ref() {
                "image_url" | "image" | "input_image" | "document" | "input_file" | "file" => {
                    self.images += 1;
                }
                "tool_result" | "function_call_output" => {
                    if role != Role::Tool {
                        self.tool_results += 1;
                    }
                    if let Some(nested) = part.content {
                        self.collect_text(role, nested, text);
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

    /// The prompt text for classification, if the request held any.
    pub(crate) fn text(&self) -> Option<CallText> {
        (self.prompt_chars > 0).then(|| CallText {
            system: self.system.clone(),
            user: self.last_user.clone(),
            prompt_chars: self.prompt_chars,
        })
    }

    /// [`PromptSummary::text`], moving the text out rather than copying it; the summary's
    /// text is empty afterwards.
    pub(crate) fn take_text(&mut self) -> Option<CallText> {
        (self.prompt_chars > 0).then(|| CallText {
            system: std::mem::take(&mut self.system),
            user: std::mem::take(&mut self.last_user),
            prompt_chars: self.prompt_chars,
        })
    }

    /// The repeated prefix, when it is long enough for a prompt cache to serve. Caches are per
    /// model, so replay keys them by model and this hash together. The hash is
    /// `stable_hash(&[prefix])` of the prefix's bytes.
    pub(crate) fn prefix(&self) -> Option<PromptPrefix> {
        let tokens = estimate_tokens(self.prefix.len());
        (tokens >= MIN_CACHEABLE_PREFIX_TOKENS).then(|| {
            let mut hasher = self.prefix.clone();
            hasher.end_part();
            PromptPrefix {
                hash: hasher.digest(),
                tokens,
            }
        })
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

    #[test]
    fn short_prefixes_are_not_cacheable() {
        let mut summary = PromptSummary::default();
        summary.add_system("short");
        assert!(summary.prefix().is_none());
        summary.add_system(&"x".repeat(4096));
        let prefix = summary.prefix().unwrap();
        assert_eq!(prefix.tokens, (5 + 4096u64).div_ceil(4));
    }

    #[test]
    fn bounded_text_cuts_on_char_boundaries() {
        let mut summary = PromptSummary::default();
        let long = "é".repeat(MAX_TEXT_BYTES);
        summary.add_message(Role::User, Some(&raw(&format!("\"{long}\""))));
        assert!(summary.text().unwrap().user.len() <= MAX_TEXT_BYTES);
    }
}
