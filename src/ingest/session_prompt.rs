//! The latest user prompt of a coding-agent session, and the tool results sent since it.
//!
//! Claude Code, Codex and Gemini CLI log each model call apart from the prompt that started
//! its turn: the prompt is on an earlier line of the same session, and the calls after it
//! carry it, with the tool results the agent gathered since, in their context. Their adapters
//! keep one [`SessionPrompt`] per session (or agent thread) as they read it in order, and give
//! every call they build what it holds, so the call is classified by what was asked.
//!
//! The state is bounded: the prompt is cut to the text classification reads (8 KiB, as
//! `content::push_bounded` cuts request text), the rest are saturating counters. The text goes
//! no further than classification: rows keep none of it (`pipeline::build_row`).

use crate::ingest::content::push_bounded;
use crate::record::{CallRecord, CallText};

/// The latest prompt of one session or agent thread and the tool results since it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct SessionPrompt {
    /// The prompt, cut to 8 KiB on a character boundary (`push_bounded`).
    prompt: String,
    /// Characters of the whole prompt, before the cut.
    prompt_chars: u64,
    /// Tool results sent to the model since the prompt.
    tool_results: u32,
    /// Their size as the log writes them ([`written_size`]).
    tool_result_chars: u64,
}

impl SessionPrompt {
    /// Starts a turn with the prompt made of `parts` (text blocks, joined by newlines); the
    /// tool results of the turn before are no longer counted. Blank parts are left out; when
    /// every part is blank there is no prompt to read, nothing changes and this returns false.
    pub(crate) fn start_turn<S: AsRef<str>>(&mut self, parts: &[S]) -> bool {
        let mut parts = parts
            .iter()
            .map(AsRef::as_ref)
            .filter(|part| !part.trim().is_empty())
            .peekable();
        if parts.peek().is_none() {
            return false;
        }
        self.prompt.clear();
        self.prompt_chars = 0;
        self.tool_results = 0;
        self.tool_result_chars = 0;
        for part in parts {
            push_bounded(&mut self.prompt, part);
            self.prompt_chars = self
                .prompt_chars
                .saturating_add(part.chars().count() as u64);
        }
        true
    }

    /// Counts one tool result of `size` characters (or [`written_size`]) sent since the prompt.
    pub(crate) fn add_tool_result(&mut self, size: u64) {
        self.tool_results = self.tool_results.saturating_add(1);
        self.tool_result_chars = self.tool_result_chars.saturating_add(size);
    }

    /// Whether a prompt has been read.
    pub(crate) fn has_prompt(&self) -> bool {
        !self.prompt.is_empty()
    }

    /// Gives a call of this session what is known of its context: the prompt as its user
    /// turn (no system text: the agents' system prompts are not logged), the prompt's and
    /// the tool results' characters as its prompt size, and the number of tool results, when
    /// the adapter did not count them itself. A call before any prompt gets no text.
    pub(crate) fn apply_to(&self, record: &mut CallRecord) {
        if record.features.tool_results == 0 {
            record.features.tool_results = self.tool_results;
        }
        if self.has_prompt() {
            record.text = Some(CallText {
                system: String::new(),
                user: self.prompt.clone(),
                prompt_chars: self.prompt_chars.saturating_add(self.tool_result_chars),
            });
        }
    }
}

/// The size of a JSON value as written, in bytes (a string's without its quotes): how tool
/// results are measured without decoding or scanning them. An estimate of their characters:
/// escapes and non-ASCII text count a little more than a model reading the text would see.
pub(crate) fn written_size(raw: &serde_json::value::RawValue) -> u64 {
    written_len(raw.get())
}

/// [`written_size`] of a JSON value's text as written.
pub(crate) fn written_len(text: &str) -> u64 {
    let quoted = text.len() >= 2 && text.starts_with('"') && text.ends_with('"');
    (text.len() - if quoted { 2 } else { 0 }) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::content::MAX_TEXT_BYTES;

    #[test]
    fn a_prompt_starts_a_turn_and_tool_results_add_to_it() {
        let mut state = SessionPrompt::default();
        let mut record = CallRecord::default();
        state.apply_to(&mut record);
        assert!(record.text.is_none(), "no prompt yet, no text");
        state.add_tool_result(10);
        assert!(
            !state.start_turn(&["", "  \n"]),
            "blank parts are no prompt"
        );
        assert!(state.start_turn(&["Fix the test.", "", "It fails on CI."]));
        state.add_tool_result(1_000);
        state.add_tool_result(u64::MAX);
        let mut record = CallRecord::default();
        state.apply_to(&mut record);
        let text = record.text.unwrap();
        assert_eq!(text.user, "Fix the test.\nIt fails on CI.");
        assert_eq!(text.system, "");
        assert_eq!(text.prompt_chars, u64::MAX, "saturates");
        assert_eq!(
            record.features.tool_results, 2,
            "only those since the prompt"
        );
        // A later prompt replaces the text and the count.
        assert!(state.start_turn(&["Translate the README to French."]));
        let mut record = CallRecord::default();
        record.features.tool_results = 7;
        state.apply_to(&mut record);
        assert_eq!(
            record.features.tool_results, 7,
            "an adapter's own count stays"
        );
        let text = record.text.unwrap();
        assert_eq!(text.user, "Translate the README to French.");
        assert_eq!(text.prompt_chars, 31);
    }

    #[test]
    fn a_long_prompt_is_cut_on_a_char_boundary_and_counted_whole() {
        let mut state = SessionPrompt::default();
        let long = "é".repeat(MAX_TEXT_BYTES);
        assert!(state.start_turn(&[long.as_str()]));
        let mut record = CallRecord::default();
        state.apply_to(&mut record);
        let text = record.text.unwrap();
        assert!(text.user.len() <= MAX_TEXT_BYTES);
        assert!(text.user.chars().all(|c| c == 'é'));
        assert_eq!(text.prompt_chars, MAX_TEXT_BYTES as u64);
    }

    #[test]
    fn written_sizes_leave_out_the_quotes_of_a_string() {
        let raw = |json: &str| serde_json::value::RawValue::from_string(json.into()).unwrap();
        assert_eq!(written_size(&raw(r#""hello""#)), 5);
        assert_eq!(written_size(&raw(r#""""#)), 0);
        assert_eq!(written_size(&raw(r#"[{"text":"a"}]"#)), 14);
    }
}
