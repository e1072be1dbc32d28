//! Prompt-text features: one bounded, allocation-free pass over a text field.
//!
//! Only the start of a field (and the end of a long one) is read, so the
//! cost per call is bounded. The scanner splits bytes into words and lines,
//! lowercases each short word into a stack buffer and matches it against
//! small keyword tables (`keywords.rs`). Every keyword is ASCII, and ASCII bytes never occur inside a multi-byte UTF-8
//! sequence, so working on bytes is safe for any text and never slices a
//! `str` off a char boundary.

use std::cell::RefCell;

use super::keywords::{
    Cue, Lanes, Marker, PAD, Padded, cjk_cue, is_latex_command, is_question_word, known_word,
    lanes_hash, may_be_known, may_have_stem_cue, padded_word_cue,
};
use super::memo::{ASKED_SETS, FieldMemo, memoised};
use crate::record::CallText;

/// Bytes of each text field that are scanned. Task cues sit at the start of a
/// prompt (instructions, the question); past this the scan costs time on
/// millions of calls and adds little.
pub(super) const SCAN_LIMIT: usize = 8 * 1024;

/// Bytes scanned at the end of a field longer than [`SCAN_LIMIT`]: prompts
/// that paste a document put the question or "TL;DR" after it.
pub(super) const TAIL_LIMIT: usize = 2 * 1024;

/// Longest word compared against the keyword tables: room for exception
/// names ("IndexOutOfBoundsException"); plain keywords are much shorter. It is the size of
/// the buffer words are lowercased into, zero-padded, for the keyword table's hash.
pub(super) const MAX_WORD: usize = PAD;

/// Words at the start of a field in which a task word is the lead cue: instructions open
/// with their verb ("Translate the …", "You answer questions using only the context …"),
/// while data pasted after them mentions other tasks' words by chance.
pub(super) const LEAD_WORDS: u16 = 16;

/// The previous word, for the few two-word cues ("stack trace", "key points", "how many").
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    Other,
    Stack,
    Key,
    How,
    /// "not", "never", the "t" of "don't": negates a following write verb.
    Not,
}

/// Counts of cues found in one text field. Counts saturate at `u16::MAX`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct TextSignals {
    /// The field was too long to scan whole: its middle was skipped.
    pub truncated: bool,
    /// The first word is a question word ("what", "how", "can", …).
    pub starts_with_question: bool,
    pub translate: u16,
    pub summarize: u16,
    pub classify: u16,
    pub extract: u16,
    pub creative: u16,
    /// "write", "compose", "draft": strengthens creative nouns.
    pub write_verb: u16,
    pub code_words: u16,
    /// Named exceptions, "traceback", "stack trace".
    pub error_words: u16,
    pub math_words: u16,
    pub proof_words: u16,
    pub retrieval: u16,
    /// Greetings and chat-assistant framing.
    pub chatty: u16,
    /// "must", "should", "never", "always", "ensure", …
    pub constraint_words: u16,
    pub json_words: u16,
    /// "email", "essay", "blog", …: writing forms, creative with a write verb.
    pub prose: u16,
    /// Code fence markers (three backticks or tildes); a block has two.
    pub fences: u16,
    /// Lines ending in `;`, `{` or `}`.
    pub code_lines: u16,
    /// Two-byte code operators: `::`, `=>`, `->`, `==`, `!=`, `&&`, `||`.
    pub code_ops: u16,
    /// Arithmetic between digits, such as `3 + 4` or `x^2 = 9`.
    pub math_ops: u16,
    /// LaTeX commands (`\frac`, `\int`, …) and `$$` delimiters.
    pub latex: u16,
    /// Lines starting with `1.` / `2)` and the like.
    pub numbered_items: u16,
    /// Lines starting with `- ` or `* `.
    pub bullet_items: u16,
    /// Question marks, and "Question:" labels (RAG templates often drop the `?`).
    pub question_marks: u16,
    /// "how many", "how much": a quantity is asked for.
    pub quantity_questions: u16,
    /// Words starting with a digit ("3rd"; "84.50" counts twice, the dot splits words).
    pub numbers: u16,
    /// Percent signs after a digit ("15%").
    pub percents: u16,
    /// The first task word (translate, summarise, classify, extract, creative, a
    /// write verb or retrieval framing) among the first [`LEAD_WORDS`] words.
    pub lead: Option<Cue>,
    /// Index of the `lead` word among the field's words.
    pub lead_at: u16,
    /// Words scanned.
    pub words: u16,
    /// Words holding a non-ASCII byte (accented Latin, Cyrillic, CJK runs, …).
    pub non_ascii_words: u16,
}

impl TextSignals {
    /// Scans the first [`SCAN_LIMIT`] bytes of `text` and, when it is longer,
    /// its last [`TAIL_LIMIT`] bytes too.
    pub fn scan(text: &str) -> TextSignals {
        let all = text.as_bytes();
        let mut s = TextSignals {
            truncated: all.len() > SCAN_LIMIT + TAIL_LIMIT,
            ..TextSignals::default()
        };
        let head_cut = all.get(SCAN_LIMIT).is_some_and(|b| is_word_byte(*b));
        s.scan_part(&all[..all.len().min(SCAN_LIMIT)], true, head_cut);
        if all.len() > SCAN_LIMIT {
            let from = SCAN_LIMIT.max(all.len() - TAIL_LIMIT);
            let tail = &all[from..];
            // Start at a word boundary so a cut word ("un|classified") cannot match.
            let start = if is_word_byte(all[from - 1]) {
                tail.iter()
                    .position(|b| !is_word_byte(*b))
                    .unwrap_or(tail.len())
            } else {
                0
            };
            s.scan_part(&tail[start..], false, false);
        }
        s
    }

    /// Adds the cues of `bytes`. `at_start` marks the beginning of the text,
    /// where the first word decides `starts_with_question`; `cut_end` says the
    /// last word continues past `bytes`, so its fragment is not matched.
    ///
    /// The bytes are taken 64 at a time: two bitmasks ([`window_masks`]) say which are word
    /// bytes and which are neither word bytes nor spaces, and only word starts and those other
    /// bytes are visited, in order. A word's end comes from the mask; its lowercase lanes are
    /// looked up in the keyword table ([`TextSignals::count_text_word`]). Line and punctuation
    /// state (the last byte on a line, the previous non-space byte, a line's first non-blank
    /// byte) is found by looking at the few bytes around a newline or a punctuation mark
    /// rather than carried through every byte; it is the same state the byte-by-byte scan kept.
    fn scan_part(&mut self, bytes: &[u8], at_start: bool, cut_end: bool) {
        let mut words = WordState {
            prev: Prev::Other,
            seen_word: !at_start,
            at_start,
            cut_end,
        };
        // At the start of the text, its first non-blank byte opens a line.
        if at_start {
            self.line_marker_after(bytes, 0);
        }
        let n = bytes.len();
        // Where the next window starts. Never inside a word: a word is read to its end when
        // its first byte is met, and the next window starts after it at the latest.
        let mut at = 0;
        while at < n {
            let (word, other) = window_masks(bytes, at);
            let mut todo = (word & !(word << 1)) | other;
            let mut next = at + 64;
            while todo != 0 {
                let k = todo.trailing_zeros() as usize;
                let i = at + k;
                if (word >> k) & 1 != 0 {
                    let mut end = i + (!(word >> k)).trailing_zeros() as usize;
                    if end >= at + 64 {
                        // The word runs on past the window.
                        end = at + 64;
                        while end < n && is_word_byte(bytes[end]) {
                            end += 1;
                        }
                    }
                    self.count_text_word(bytes, i, end, &mut words);
                    if end >= at + 64 {
                        next = end;
                        break;
                    }
                    todo &= u64::MAX << (end - at);
                    continue;
                }
                todo &= todo - 1;
                let b = bytes[i];
                if b == b'\n' {
                    if matches!(last_on_line(bytes, i, at_start), b';' | b'{' | b'}') {
                        bump(&mut self.code_lines);
                    }
                    self.line_marker_after(bytes, i + 1);
                } else if CLASS[usize::from(b)] & PUNCT != 0 {
                    self.count_punct(bytes, i);
                }
            }
            at = next;
        }
        if matches!(last_on_line(bytes, n, at_start), b';' | b'{' | b'}') {
            bump(&mut self.code_lines);
        }
    }

    /// Counts the list marker, if any, at the first byte from `from` that is no blank, when
    /// that byte is on the same line (a newline further on counts it instead).
    fn line_marker_after(&mut self, bytes: &[u8], from: usize) {
        let rest = &bytes[from.min(bytes.len())..];
        let blanks = rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\r'))
            .count();
        if rest.get(blanks).is_some_and(|b| *b != b'\n') {
            self.count_line_marker(&rest[blanks..]);
        }
    }

    /// Counts the word `bytes[start..end]` (a maximal run of word bytes). Most words have no
    /// cue, no marker and no context that could make one, which the quick filters tell from
    /// the word's lanes; everything else goes to [`TextSignals::count_word_in_context`].
    #[inline(always)]
    fn count_text_word(&mut self, bytes: &[u8], start: usize, end: usize, state: &mut WordState) {
        let len = end - start;
        let index = self.words;
        bump(&mut self.words);
        if bytes[start].is_ascii_digit() {
            bump(&mut self.numbers);
        }
        if len > MAX_WORD {
            // Too long for a keyword; only its bytes count.
            if bytes[start..end].iter().any(|b| *b >= 0x80) {
                self.count_non_ascii(&bytes[start..end]);
            }
            state.prev = Prev::Other;
            state.seen_word = true;
            return;
        }
        let (lanes, high) = word_lanes(bytes, start, len);
        if high {
            self.count_non_ascii(&bytes[start..end]);
        }
        let plain = state.prev == Prev::Other
            && state.seen_word
            && !(state.cut_end && end == bytes.len())
            && !(start > 0 && bytes[start - 1] == b'\\')
            && !may_be_known(lanes_hash(&lanes))
            && (len < 6 || !may_have_stem_cue(lanes[0], bytes[end - 1].to_ascii_lowercase()));
        if plain {
            // Of all the checks, only the lead's position moves.
            if state.at_start && index < LEAD_WORDS && self.lead.is_none() {
                self.lead_at = index;
            }
        } else {
            self.count_word_in_context(bytes, start, end, &lanes, index, state);
        }
        state.seen_word = true;
    }

    /// A word of at most [`MAX_WORD`] bytes that may count: read its cue and marker, with
    /// the word before it, the backslash before it, its place at the start of the text, and
    /// what follows it ("Question:", "tl;dr").
    #[inline(never)]
    fn count_word_in_context(
        &mut self,
        bytes: &[u8],
        start: usize,
        end: usize,
        lanes: &Lanes,
        index: u16,
        state: &mut WordState,
    ) {
        let i = end;
        if state.cut_end && end == bytes.len() {
            // The last word goes on past the part: its fragment is not matched.
            state.prev = Prev::Other;
            return;
        }
        let len = end - start;
        let mut buf: Padded = [0; PAD];
        for (chunk, lane) in buf.chunks_exact_mut(8).zip(lanes) {
            chunk.copy_from_slice(&lane.to_le_bytes());
        }
        let w = &buf[..len];
        let after_backslash = start > 0 && bytes[start - 1] == b'\\';
        let known = known_word(&buf, len);
        let cue = padded_word_cue(known, w);
        if !state.seen_word {
            self.starts_with_question = is_question_word(w);
        }
        let cue = self.count_word(w, cue, after_backslash, state.prev);
        if state.at_start && index < LEAD_WORDS && self.lead.is_none() {
            self.lead = cue.filter(|c| {
                matches!(
                    c,
                    Cue::Translate
                        | Cue::Summarize
                        | Cue::Classify
                        | Cue::Extract
                        | Cue::Creative
                        | Cue::WriteVerb
                        | Cue::Retrieval
                )
            });
            self.lead_at = index;
        }
        let marker = known.and_then(|k| k.marker);
        // "Question:" labels the question in RAG and exam templates.
        if marker == Some(Marker::QuestionLabel) && bytes.get(i) == Some(&b':') {
            bump(&mut self.question_marks);
        }
        // "tl;dr" splits into two words; catch it at the first.
        if marker == Some(Marker::Tl)
            && bytes
                .get(i..i + 3)
                .is_some_and(|r| r.eq_ignore_ascii_case(b";dr"))
        {
            bump(&mut self.summarize);
        }
        state.prev = match marker {
            Some(Marker::Stack) => Prev::Stack,
            Some(Marker::Key) => Prev::Key,
            Some(Marker::How) => Prev::How,
            Some(Marker::Not) => Prev::Not,
            _ => Prev::Other,
        };
    }

    /// A word holding non-ASCII bytes: counted, and searched for Chinese and Japanese task
    /// words, which run on without spaces.
    #[cold]
    fn count_non_ascii(&mut self, raw: &[u8]) {
        bump(&mut self.non_ascii_words);
        if raw.iter().any(|b| (0xe3..=0xe9).contains(b)) {
            self.count_cjk(raw);
        }
    }

    /// Adds `other`'s counts to `self` (flags are or-ed).
    pub fn merge(&mut self, other: &TextSignals) {
        self.truncated |= other.truncated;
        self.starts_with_question |= other.starts_with_question;
        self.lead = self.lead.or(other.lead);
        let pairs = [
            (&mut self.translate, other.translate),
            (&mut self.summarize, other.summarize),
            (&mut self.classify, other.classify),
            (&mut self.extract, other.extract),
            (&mut self.creative, other.creative),
            (&mut self.write_verb, other.write_verb),
            (&mut self.code_words, other.code_words),
            (&mut self.error_words, other.error_words),
            (&mut self.math_words, other.math_words),
            (&mut self.proof_words, other.proof_words),
            (&mut self.retrieval, other.retrieval),
            (&mut self.chatty, other.chatty),
            (&mut self.constraint_words, other.constraint_words),
            (&mut self.json_words, other.json_words),
            (&mut self.prose, other.prose),
            (&mut self.fences, other.fences),
            (&mut self.code_lines, other.code_lines),
            (&mut self.code_ops, other.code_ops),
            (&mut self.math_ops, other.math_ops),
            (&mut self.latex, other.latex),
            (&mut self.numbered_items, other.numbered_items),
            (&mut self.bullet_items, other.bullet_items),
            (&mut self.question_marks, other.question_marks),
            (&mut self.quantity_questions, other.quantity_questions),
            (&mut self.numbers, other.numbers),
            (&mut self.percents, other.percents),
            (&mut self.words, other.words),
            (&mut self.non_ascii_words, other.non_ascii_words),
        ];
        for (mine, theirs) in pairs {
            *mine = mine.saturating_add(theirs);
        }
    }

    /// Whether the text is mostly not in English: at least a quarter of its words hold
    /// non-ASCII letters. Coarse on purpose (Spanish or German with few accents passes as
    /// English), but free on the hot path; CJK and Cyrillic text is caught.
    pub fn mostly_non_english(&self) -> bool {
        self.non_ascii_words > 0 && u32::from(self.non_ascii_words) * 4 >= u32::from(self.words)
    }

    /// Whether the text asks a question.
    pub fn asks_question(&self) -> bool {
        self.question_marks > 0 || self.starts_with_question
    }

    /// Counts one lowercase word, whose keyword cue (by [`padded_word_cue`]) is `cue`; returns
    /// the cue it counted as, if any.
    fn count_word(
        &mut self,
        w: &[u8],
        cue: Option<Cue>,
        after_backslash: bool,
        prev: Prev,
    ) -> Option<Cue> {
        if after_backslash && is_latex_command(w) {
            bump(&mut self.latex);
            return None;
        }
        match prev {
            Prev::Stack if w.starts_with(b"trace") => {
                bump(&mut self.error_words);
                return None;
            }
            Prev::Key if w == b"points" => {
                bump(&mut self.summarize);
                return Some(Cue::Summarize);
            }
            Prev::How if w == b"many" || w == b"much" => {
                bump(&mut self.quantity_questions);
                return None;
            }
            _ => {}
        }
        let cue = cue?;
        // "Don't write it for me": the one thing the prompt does not ask for.
        if prev == Prev::Not && cue == Cue::WriteVerb {
            return None;
        }
        self.bump_cue(cue);
        Some(cue)
    }

    fn bump_cue(&mut self, cue: Cue) {
        let counter = match cue {
            Cue::Translate => &mut self.translate,
            Cue::Summarize => &mut self.summarize,
            Cue::Classify => &mut self.classify,
            Cue::Extract => &mut self.extract,
            Cue::Creative => &mut self.creative,
            Cue::WriteVerb => &mut self.write_verb,
            Cue::Code => &mut self.code_words,
            Cue::Error => &mut self.error_words,
            Cue::Math => &mut self.math_words,
            Cue::Proof => &mut self.proof_words,
            Cue::Retrieval => &mut self.retrieval,
            Cue::Chatty => &mut self.chatty,
            Cue::Constraint => &mut self.constraint_words,
            Cue::Json => &mut self.json_words,
            Cue::Prose => &mut self.prose,
        };
        bump(counter);
    }

    /// Task words inside a run of Chinese or Japanese text: decodes the three-byte
    /// characters (the CJK blocks) in order and looks up each adjacent pair. No
    /// allocation; other characters reset the pair.
    fn count_cjk(&mut self, raw: &[u8]) {
        let mut prev = '\0';
        let mut i = 0;
        while i < raw.len() {
            let b0 = raw[i];
            let len = match b0 {
                0x00..=0x7f => 1,
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                0xf0..=0xff => 4,
                // A continuation byte where a character should start: resync.
                _ => 1,
            };
            let c = if len == 3 && i + 3 <= raw.len() {
                let cp = (u32::from(b0 & 0x0f) << 12)
                    | (u32::from(raw[i + 1] & 0x3f) << 6)
                    | u32::from(raw[i + 2] & 0x3f);
                char::from_u32(cp).unwrap_or('\0')
            } else {
                '\0'
            };
            if prev != '\0'
                && c != '\0'
                && let Some(cue) = cjk_cue(prev, c)
            {
                self.bump_cue(cue);
            }
            prev = c;
            i += len;
        }
    }

    /// Looks at the first non-blank bytes of a line for list markers.
    fn count_line_marker(&mut self, rest: &[u8]) {
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if (1..=3).contains(&digits)
            && matches!(rest.get(digits), Some(b'.' | b')'))
            && matches!(rest.get(digits + 1), Some(b' ' | b'\t'))
        {
            bump(&mut self.numbered_items);
        } else if matches!(rest.first(), Some(b'-' | b'*')) && rest.get(1) == Some(&b' ') {
            bump(&mut self.bullet_items);
        }
    }

    /// Punctuation cues at byte `i`: fences, operators, question marks.
    fn count_punct(&mut self, bytes: &[u8], i: usize) {
        let b = bytes[i];
        // The last byte before `i` that is not whitespace (a space if none), for the cues
        // that follow a digit.
        let prev_nonspace = || {
            bytes[..i]
                .iter()
                .rev()
                .find(|b| !b.is_ascii_whitespace())
                .copied()
                .unwrap_or(b' ')
        };
        let next = bytes.get(i + 1).copied().unwrap_or(b' ');
        match b {
            b'?' => bump(&mut self.question_marks),
            // Count only the first byte of a run, so "````" is one marker.
            b'`' | b'~'
                if next == b && bytes.get(i + 2) == Some(&b) && (i == 0 || bytes[i - 1] != b) =>
            {
                bump(&mut self.fences);
            }
            b'$' if next == b'$' => bump(&mut self.latex),
            b'%' if prev_nonspace().is_ascii_digit() => bump(&mut self.percents),
            _ => {}
        }
        if matches!(
            (b, next),
            (b':', b':')
                | (b'=', b'>')
                | (b'-', b'>')
                | (b'=', b'=')
                | (b'!', b'=')
                | (b'&', b'&')
                | (b'|', b'|')
        ) {
            bump(&mut self.code_ops);
        }
        if matches!(b, b'+' | b'*' | b'^' | b'=')
            && prev_nonspace().is_ascii_digit()
            && next_nonspace(bytes, i + 1).is_some_and(|n| n.is_ascii_digit() || n == b'(')
        {
            bump(&mut self.math_ops);
        }
    }
}

/// The cues of a call's prompt text, per field and merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PromptCues {
    pub system: TextSignals,
    pub user: TextSignals,
    /// `system` and `user` merged.
    pub all: TextSignals,
    /// The user turn is blank (system-only prompts, completions-style logs).
    pub user_empty: bool,
}

impl PromptCues {
    /// Scans both text fields, each through its per-thread memo ([`memoised`]).
    pub fn scan(text: &CallText) -> PromptCues {
        let system = memoised(&SYSTEM_MEMO, &text.system, TextSignals::scan);
        let user = memoised(&USER_MEMO, &text.user, TextSignals::scan);
        let mut all = system;
        all.merge(&user);
        PromptCues {
            system,
            user,
            all,
            user_empty: text.user.trim_start().is_empty(),
        }
    }

    /// The cues of what the call asks: the user turn, or the whole prompt when it is blank.
    pub fn asked(&self) -> &TextSignals {
        if self.user_empty {
            &self.all
        } else {
            &self.user
        }
    }
}

/// What the scan of a part carries from word to word.
struct WordState {
    /// The previous word's marker, for two-word cues.
    prev: Prev,
    /// A word was seen (the first decides `starts_with_question`).
    seen_word: bool,
    /// The part is the start of the text (its first words may be the lead).
    at_start: bool,
    /// The part's last word continues past it: its fragment is not matched.
    cut_end: bool,
}

/// The last byte before `i` that is no space, tab or CR: what ends the line so far when a
/// newline (or the end) is at `i`. At the start of a part, a newline for the text's start
/// and a space for a tail.
fn last_on_line(bytes: &[u8], i: usize, at_start: bool) -> u8 {
    bytes[..i]
        .iter()
        .rev()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\r'))
        .copied()
        .unwrap_or(if at_start { b'\n' } else { b' ' })
}

/// For the 64 bytes from `at` (fewer at the end; missing bytes are neither), bit `k` set when
/// byte `at + k` is a word byte, and in the second mask when it is neither a word byte nor a
/// space. The arithmetic agrees with [`CLASS`] on every byte (a test checks).
#[inline]
fn window_masks(bytes: &[u8], at: usize) -> (u64, u64) {
    match bytes.get(at..at + 64) {
        Some(window) => classify_window(window),
        None => {
            // The last, short window: padded with zeros, whose bits are then dropped.
            let rest = &bytes[at.min(bytes.len())..];
            let mut window = [0u8; 64];
            window[..rest.len()].copy_from_slice(rest);
            let (word, other) = classify_window(&window);
            let keep = (1u64 << rest.len()) - 1;
            (word & keep, other & keep)
        }
    }
}

/// [`window_masks`] of exactly 64 bytes, by arithmetic the compiler turns into vector code.
#[inline]
fn classify_window(window: &[u8]) -> (u64, u64) {
    let mut word = [0u8; 64];
    let mut other = [0u8; 64];
    for ((b, w), o) in window.iter().zip(&mut word).zip(&mut other) {
        let b = *b;
        let letter = (b | 0x20).wrapping_sub(b'a') < 26;
        let is_word = letter | (b.wrapping_sub(b'0') < 10) | (b == b'_') | (b >= 0x80);
        *w = u8::from(is_word);
        *o = u8::from(!is_word & (b != b' '));
    }
    (pack_flags(&word), pack_flags(&other))
}

/// For the 64 bytes from `at` (fewer at the end; missing bytes are none), bit `k` set when
/// byte `at + k` is an ASCII letter: the words of the difficulty model's vocabulary.
#[inline]
pub(super) fn letter_mask(bytes: &[u8], at: usize) -> u64 {
    let letters = |window: &[u8]| {
        let mut flags = [0u8; 64];
        for (b, flag) in window.iter().zip(&mut flags) {
            *flag = u8::from((*b | 0x20).wrapping_sub(b'a') < 26);
        }
        pack_flags(&flags)
    };
    match bytes.get(at..at + 64) {
        Some(window) => letters(window),
        // The last, short window: the missing bytes are no letters.
        None => letters(&bytes[at.min(bytes.len())..]),
    }
}

/// Packs 64 bytes that are each 0 or 1 into the bits of a number, byte `k` to bit `k`:
/// eight at a time, the multiplication gathering the low bit of each byte into the top
/// byte (no two products meet, so nothing carries).
#[inline]
fn pack_flags(flags: &[u8; 64]) -> u64 {
    let mut packed = 0u64;
    for (k, eight) in flags.chunks_exact(8).enumerate() {
        let mut lane = [0u8; 8];
        lane.copy_from_slice(eight);
        let gathered = u64::from_le_bytes(lane).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        packed |= gathered << (8 * k);
    }
    packed
}

/// Sets of the per-thread memo of system prompts: a service's few instructions and templates
/// (32 sets of 2, at most 1 MiB a thread).
const SYSTEM_SETS: usize = 32;

thread_local! {
    /// Each rayon worker's memos: no locks, and a worker sees the fields of many chunks. User
    /// turns have their own, so that unique turns do not push system prompts out.
    static SYSTEM_MEMO: RefCell<FieldMemo<TextSignals>> = RefCell::new(FieldMemo::new(SYSTEM_SETS));
    static USER_MEMO: RefCell<FieldMemo<TextSignals>> = RefCell::new(FieldMemo::new(ASKED_SETS));
}

/// Word bytes: ASCII letters, digits, `_`, and every non-ASCII byte, so words
/// holding non-ASCII letters stay whole and match no keyword.
fn is_word_byte(b: u8) -> bool {
    CLASS[usize::from(b)] & WORD != 0
}

/// [`CLASS`] bit: a word byte (ASCII letter or digit, `_`, any non-ASCII byte).
const WORD: u8 = 1;
/// [`CLASS`] bit: punctuation that [`TextSignals::count_punct`] may count; for any other
/// byte it does nothing.
const PUNCT: u8 = 2;
/// [`CLASS`] bit: an ASCII digit.
const DIGIT: u8 = 4;

/// The scanner's byte classes, one lookup a byte instead of a chain of comparisons.
static CLASS: [u8; 256] = {
    let mut class = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        let mut c = 0;
        if byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80 {
            c |= WORD;
        }
        if matches!(
            byte,
            b'?' | b'`'
                | b'~'
                | b'$'
                | b'%'
                | b':'
                | b'='
                | b'-'
                | b'!'
                | b'&'
                | b'|'
                | b'+'
                | b'*'
                | b'^'
        ) {
            c |= PUNCT;
        }
        if byte.is_ascii_digit() {
            c |= DIGIT;
        }
        class[b] = c;
        b += 1;
    }
    class
};

/// The word of `len` (at most [`PAD`]) bytes at `start` of `bytes` as [`Lanes`], its ASCII
/// letters lowercased, zero past its end; and whether it holds a non-ASCII byte. Reads eight
/// bytes at a time (past the word, never past `bytes`).
#[inline]
fn word_lanes(bytes: &[u8], start: usize, len: usize) -> (Lanes, bool) {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut lanes = [0u64; 4];
    // Most words fit one lane and most have eight bytes to read after their start: one load.
    if len <= 8
        && let Some(eight) = bytes.get(start..start + 8)
    {
        let mut word = [0u8; 8];
        word.copy_from_slice(eight);
        let lane = u64::from_le_bytes(word) & (u64::MAX >> (8 * (8 - len)));
        lanes[0] = lower_lane(lane);
        return (lanes, lane & HIGH != 0);
    }
    let mut high = 0u64;
    for (k, slot) in lanes.iter_mut().enumerate() {
        let at = 8 * k;
        if at >= len {
            break;
        }
        let take = (len - at).min(8);
        let mut word = [0u8; 8];
        word[..take].copy_from_slice(&bytes[start + at..start + at + take]);
        let lane = u64::from_le_bytes(word);
        high |= lane & HIGH;
        *slot = lower_lane(lane);
    }
    (lanes, high != 0)
}

/// ASCII-lowercases the eight bytes of `lane`; bytes from 0x80 up are left as they are.
#[inline]
fn lower_lane(lane: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low = lane & LOW7;
    // Per byte, with no carry between bytes (each sum stays below 0x100): the high bit is
    // set when the low seven bits are at least `A` (0x41), and when they are past `Z` (0x5a).
    let from_a = low + 0x3f3f_3f3f_3f3f_3f3f;
    let past_z = low + 0x2525_2525_2525_2525;
    let upper = from_a & !past_z & !lane & HIGH;
    // 0x80 >> 2 is 0x20, the case bit.
    lane | (upper >> 2)
}

fn bump(counter: &mut u16) {
    *counter = counter.saturating_add(1);
}

/// The first non-space byte at or after `from`, looking at most a few bytes ahead.
fn next_nonspace(bytes: &[u8], from: usize) -> Option<u8> {
    bytes
        .iter()
        .skip(from)
        .take(4)
        .copied()
        .find(|b| *b != b' ')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::keywords::word_cue;

    #[test]
    fn keywords_are_case_insensitive_and_stemmed() {
        let s = TextSignals::scan("Please SUMMARISE this. Translate it. Categorize: label it!");
        assert_eq!(s.summarize, 1);
        assert_eq!(s.translate, 1);
        assert_eq!(s.classify, 2);
        assert!(!s.asks_question());
    }

    #[test]
    fn tldr_and_questions() {
        let s = TextSignals::scan("How does this work? TL;DR please");
        assert_eq!(s.summarize, 1);
        assert!(s.starts_with_question);
        assert_eq!(s.question_marks, 1);
    }

    #[test]
    fn code_shapes() {
        let text = "Fix this:\n```rust\nfn main() {\n    let x = a::b();\n}\n```\nstack trace: thread panicked";
        let s = TextSignals::scan(text);
        assert_eq!(s.fences, 2);
        assert_eq!(s.code_lines, 3);
        assert!(s.code_ops >= 1);
        assert_eq!(s.error_words, 2);
        assert!(s.code_words >= 2);
    }

    #[test]
    fn math_shapes() {
        let s = TextSignals::scan(r"Prove that 2 + 2 = 4 and compute \frac{1}{2} + 3*(4); $$x^2$$");
        assert_eq!(s.proof_words, 1);
        assert!(s.math_ops >= 3, "{s:?}");
        assert!(s.latex >= 2, "{s:?}");
    }

    #[test]
    fn list_markers_and_constraints() {
        let s = TextSignals::scan(
            "Rules:\n1. You must be brief.\n  2) Never lie.\n- always cite\n* ok\n2024 was a year",
        );
        assert_eq!(s.numbered_items, 2);
        assert_eq!(s.bullet_items, 2);
        assert_eq!(s.constraint_words, 3);
    }

    #[test]
    fn non_ascii_and_long_text_do_not_panic() {
        let s = TextSignals::scan("¿Qué tal? Übersetze das: 日本語のテキスト 🚀 translate");
        // "Übersetze" is German for "translate": a task word since the multilingual tables.
        assert_eq!(s.translate, 2);
        assert_eq!(s.question_marks, 1);
        // A multi-byte char straddling the scan limit must not be split.
        let long = "é".repeat(SCAN_LIMIT);
        let s = TextSignals::scan(&long);
        assert!(s.truncated);
        let words = "summarize ".repeat(5000);
        assert!(TextSignals::scan(&words).truncated);
        assert_eq!(TextSignals::scan(""), TextSignals::default());
    }

    #[test]
    fn tail_of_a_long_field_is_scanned_from_a_word_boundary() {
        let text = format!("{}unclassified x\nWhat now?", "a".repeat(SCAN_LIMIT + 10));
        let s = TextSignals::scan(&text);
        assert_eq!(s.question_marks, 1);
        assert!(!s.starts_with_question);
        assert!(!s.truncated);
        // The tail starts inside "unclassified": the fragment must not count.
        let rest = format!("classified {}", "x".repeat(TAIL_LIMIT - 11));
        let cut = format!("{} un{rest}", "b".repeat(SCAN_LIMIT));
        assert_eq!(TextSignals::scan(&cut).classify, 0);
        let whole = format!("{} {rest}", "b".repeat(SCAN_LIMIT));
        assert_eq!(TextSignals::scan(&whole).classify, 1);
        // The head ends inside "code|c": the fragment "code" must not count.
        let head = format!("{}codec", "x ".repeat(SCAN_LIMIT / 2 - 2));
        assert_eq!(TextSignals::scan(&head).code_words, 0);
    }

    #[test]
    fn lead_words_phrases_and_numbers() {
        let s = TextSignals::scan("Translate the page below. Keep the labels as they are.");
        assert_eq!(s.lead, Some(Cue::Translate));
        assert_eq!(s.classify, 1);
        let late = format!("{} summarize", "word ".repeat(usize::from(LEAD_WORDS)));
        assert_eq!(TextSignals::scan(&late).lead, None);
        let s = TextSignals::scan("How many apples for 3 kids at 15% off 84.50? Key points:");
        assert_eq!(s.quantity_questions, 1);
        assert_eq!(s.percents, 1);
        assert_eq!(s.numbers, 4);
        assert_eq!(s.summarize, 1);
        let s = TextSignals::scan("Context: [1] ...\nQuestion: what time is checkout");
        assert!(s.asks_question());
        let s = TextSignals::scan("Please don't write it for me, never write essays.");
        assert_eq!(s.write_verb, 0);
        assert_eq!(s.prose, 1);
    }

    #[test]
    fn cjk_task_words_inside_runs() {
        let s = TextSignals::scan("次の文章を英語に翻訳してください。要約も。");
        assert_eq!(s.translate, 1);
        assert_eq!(s.summarize, 1);
        let s = TextSignals::scan("请把这段话分类，然后计算总数");
        assert_eq!(s.classify, 1);
        assert_eq!(s.math_words, 1);
        // A cut or odd byte sequence must not panic.
        let s = TextSignals::scan("翻\u{301}訳 é翻");
        assert_eq!(s.translate, 0);
    }

    #[test]
    fn merge_saturates() {
        let mut a = TextSignals {
            translate: u16::MAX,
            ..TextSignals::default()
        };
        let b = TextSignals {
            translate: 3,
            starts_with_question: true,
            ..TextSignals::default()
        };
        a.merge(&b);
        assert_eq!(a.translate, u16::MAX);
        assert!(a.starts_with_question);
    }

    fn reference_is_word_byte(b: u8) -> bool {
        b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
    }

    impl TextSignals {
        /// `scan` over [`TextSignals::reference_scan_part`].
        fn reference_scan(text: &str) -> TextSignals {
            let all = text.as_bytes();
            let mut s = TextSignals {
                truncated: all.len() > SCAN_LIMIT + TAIL_LIMIT,
                ..TextSignals::default()
            };
            let head_cut = all
                .get(SCAN_LIMIT)
                .is_some_and(|b| reference_is_word_byte(*b));
            s.reference_scan_part(&all[..all.len().min(SCAN_LIMIT)], true, head_cut);
            if all.len() > SCAN_LIMIT {
                let from = SCAN_LIMIT.max(all.len() - TAIL_LIMIT);
                let tail = &all[from..];
                let start = if reference_is_word_byte(all[from - 1]) {
                    tail.iter()
                        .position(|b| !reference_is_word_byte(*b))
                        .unwrap_or(tail.len())
                } else {
                    0
                };
                s.reference_scan_part(&tail[start..], false, false);
            }
            s
        }

        /// `count_punct` as it was, with the previous non-space byte carried by the caller.
        fn reference_count_punct(&mut self, bytes: &[u8], i: usize, prev_nonspace: u8) {
            let b = bytes[i];
            let next = bytes.get(i + 1).copied().unwrap_or(b' ');
            match b {
                b'?' => bump(&mut self.question_marks),
                // Count only the first byte of a run, so "````" is one marker.
                b'`' | b'~'
                    if next == b
                        && bytes.get(i + 2) == Some(&b)
                        && (i == 0 || bytes[i - 1] != b) =>
                {
                    bump(&mut self.fences);
                }
                b'$' if next == b'$' => bump(&mut self.latex),
                b'%' if prev_nonspace.is_ascii_digit() => bump(&mut self.percents),
                _ => {}
            }
            if matches!(
                (b, next),
                (b':', b':')
                    | (b'=', b'>')
                    | (b'-', b'>')
                    | (b'=', b'=')
                    | (b'!', b'=')
                    | (b'&', b'&')
                    | (b'|', b'|')
            ) {
                bump(&mut self.code_ops);
            }
            if matches!(b, b'+' | b'*' | b'^' | b'=')
                && prev_nonspace.is_ascii_digit()
                && next_nonspace(bytes, i + 1).is_some_and(|n| n.is_ascii_digit() || n == b'(')
            {
                bump(&mut self.math_ops);
            }
        }

        /// `scan_part` as it was before the byte-class table: the new one must count exactly
        /// as this did.
        fn reference_scan_part(&mut self, bytes: &[u8], at_start: bool, cut_end: bool) {
            let mut prev = Prev::Other;
            let mut seen_word = !at_start;
            // Line state: still in leading whitespace, and the last non-space byte.
            let mut line_start = at_start;
            let mut last_on_line = if at_start { b'\n' } else { b' ' };
            let mut prev_nonspace = b' ';
            let mut i = 0;
            while i < bytes.len() {
                let b = bytes[i];
                if line_start && !matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
                    line_start = false;
                    self.count_line_marker(&bytes[i..]);
                }
                if reference_is_word_byte(b) {
                    let start = i;
                    while i < bytes.len() && reference_is_word_byte(bytes[i]) {
                        i += 1;
                    }
                    let raw = &bytes[start..i];
                    let index = self.words;
                    bump(&mut self.words);
                    if raw[0].is_ascii_digit() {
                        bump(&mut self.numbers);
                    }
                    if raw.iter().any(|b| *b >= 0x80) {
                        bump(&mut self.non_ascii_words);
                        // Chinese and Japanese run on without spaces: look for task words inside.
                        if raw.iter().any(|b| (0xe3..=0xe9).contains(b)) {
                            self.count_cjk(raw);
                        }
                    }
                    let mut buf = [0u8; MAX_WORD];
                    let cut = cut_end && i == bytes.len();
                    if raw.len() <= MAX_WORD && !cut {
                        // Lowercase while copying: cheaper than a copy and a second pass.
                        for (d, s) in buf.iter_mut().zip(raw) {
                            *d = s.to_ascii_lowercase();
                        }
                        let w = &buf[..raw.len()];
                        if !seen_word {
                            self.starts_with_question = is_question_word(w);
                        }
                        let after_backslash = start > 0 && bytes[start - 1] == b'\\';
                        let cue = self.count_word(w, word_cue(w), after_backslash, prev);
                        if at_start && index < LEAD_WORDS && self.lead.is_none() {
                            self.lead = cue.filter(|c| {
                                matches!(
                                    c,
                                    Cue::Translate
                                        | Cue::Summarize
                                        | Cue::Classify
                                        | Cue::Extract
                                        | Cue::Creative
                                        | Cue::WriteVerb
                                        | Cue::Retrieval
                                )
                            });
                            self.lead_at = index;
                        }
                        // "Question:" labels the question in RAG and exam templates.
                        if w == b"question" && bytes.get(i) == Some(&b':') {
                            bump(&mut self.question_marks);
                        }
                        // "tl;dr" splits into two words; catch it at the first.
                        if w == b"tl"
                            && bytes
                                .get(i..i + 3)
                                .is_some_and(|r| r.eq_ignore_ascii_case(b";dr"))
                        {
                            bump(&mut self.summarize);
                        }
                        prev = match w {
                            b"stack" => Prev::Stack,
                            b"key" | b"main" => Prev::Key,
                            b"how" => Prev::How,
                            b"not" | b"never" | b"t" => Prev::Not,
                            _ => Prev::Other,
                        };
                    } else {
                        prev = Prev::Other;
                    }
                    seen_word = true;
                    // A word ends the line so far, and is the last non-space byte.
                    last_on_line = bytes[i - 1];
                    prev_nonspace = bytes[i - 1];
                    continue;
                }
                match b {
                    b'\n' => {
                        if matches!(last_on_line, b';' | b'{' | b'}') {
                            bump(&mut self.code_lines);
                        }
                        line_start = true;
                        last_on_line = b'\n';
                    }
                    b' ' | b'\t' | b'\r' => {}
                    _ => last_on_line = b,
                }
                self.reference_count_punct(bytes, i, prev_nonspace);
                if !b.is_ascii_whitespace() {
                    prev_nonspace = b;
                }
                i += 1;
            }
            if matches!(last_on_line, b';' | b'{' | b'}') {
                bump(&mut self.code_lines);
            }
        }
    }

    /// Text fields to compare the scanners on: every prompt field of the labelled calls and
    /// of the OpenAI and Anthropic log fixtures, and pseudo-random texts built from the
    /// pieces the scanner reacts to (keywords, list markers, operators, fences, LaTeX, CJK,
    /// cut words at the scan limits), with a fixed seed.
    fn corpus() -> Vec<String> {
        use crate::ingest::{InputFormat, LineOutcome, parse_lines};
        let mut texts = Vec::new();
        let root = env!("CARGO_MANIFEST_DIR");
        for (format, path) in [
            (InputFormat::Openai, "fixtures/classify/labelled_a.jsonl"),
            (InputFormat::Openai, "fixtures/classify/labelled_b.jsonl"),
            (
                InputFormat::Openai,
                "fixtures/logs/openai/chat_and_responses.jsonl",
            ),
            (
                InputFormat::Anthropic,
                "fixtures/logs/anthropic/messages.jsonl",
            ),
        ] {
            let bytes = std::fs::read(format!("{root}/{path}")).unwrap();
            let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
            for parsed in parse_lines(format, &lines) {
                if let LineOutcome::Call(record) = parsed.outcome
                    && let Some(text) = record.text
                {
                    texts.push(text.system);
                    texts.push(text.user);
                }
            }
        }
        assert!(texts.len() > 600);
        let pieces = [
            "Translate",
            "summarize",
            " ",
            " ",
            " ",
            "\n",
            "\n  ",
            "1. ",
            "2) ",
            "- ",
            "* ",
            "?",
            "```",
            "~~~",
            "$$",
            "\\frac",
            "\\int",
            "3 + 4",
            "x^2 = 9",
            "15%",
            "84.50",
            "::",
            "=>",
            "->",
            "==",
            "!=",
            "&&",
            "||",
            ";",
            "{",
            "}",
            "tl;dr",
            "TL;DR",
            "Question:",
            "stack trace",
            "key points",
            "how many",
            "How much",
            "don't write",
            "never write",
            "not",
            "email",
            "翻訳",
            "要約",
            "分类",
            "é",
            "Übersetze",
            "x",
            "ab_c",
            "TypeError",
            "NullPointerException",
            "terror",
            "categories",
            "\t",
            "\r\n",
            "\u{c}",
            "what",
            "Can",
            "a_very_long_identifier_that_is_longer_than_the_buffer_of_the_scanner",
            "0",
            "(",
            ")",
            "\\",
            "unclassified",
            "code",
            "json",
            "prove",
            "*",
            "+",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..3000 {
            // Mostly short texts; some long enough to cross the head and tail limits.
            let target = if round % 10 == 0 {
                SCAN_LIMIT + TAIL_LIMIT + (next() % 4096) as usize
            } else {
                (next() % 300) as usize
            };
            let mut text = String::new();
            while text.len() < target {
                text.push_str(pieces[(next() % pieces.len() as u64) as usize]);
            }
            texts.push(text);
        }
        // Character soup: every printable ASCII byte, the blanks and a few multi-byte
        // characters in random order, so every pair of bytes meets at every position of the
        // 64-byte windows.
        let mut alphabet: Vec<char> = (b' '..=b'~').map(char::from).collect();
        alphabet.extend([
            '\n', '\n', '\t', '\r', '\u{c}', 'é', '翻', '訳', ' ', ' ', ' ',
        ]);
        for _ in 0..2000 {
            let len = (next() % 400) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            texts.push(text);
        }
        texts
    }

    /// The window masks agree with the byte classes for every byte value at every position
    /// of a full window and of a short last one.
    #[test]
    fn window_masks_agree_with_the_byte_classes() {
        for len in [64, 100, 37] {
            for shift in 0..=255u8 {
                let bytes: Vec<u8> = (0..len)
                    .map(|k| (k as u8).wrapping_mul(7).wrapping_add(shift))
                    .collect();
                for at in [0, len - 37.min(len)] {
                    let (word, other) = window_masks(&bytes, at);
                    for k in 0..64 {
                        let expected = bytes.get(at + k).map(|b| (is_word_byte(*b), *b));
                        let (w, o) = ((word >> k) & 1 == 1, (other >> k) & 1 == 1);
                        match expected {
                            Some((is_word, b)) => {
                                assert_eq!(w, is_word, "{b:#x}");
                                assert_eq!(o, !is_word && b != b' ', "{b:#x}");
                            }
                            None => assert!(!w && !o),
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn scan_counts_exactly_as_the_former_scanner() {
        for text in corpus() {
            assert_eq!(
                TextSignals::scan(&text),
                TextSignals::reference_scan(&text),
                "{text:?}"
            );
        }
    }

    /// The memos answer what a scan answers: on first sight and on every repeat, for fields
    /// below, inside and above their size range, and after their sets have been cycled
    /// through, as system prompts and as user turns.
    #[test]
    fn memos_answer_as_the_scan() {
        use super::super::memo::{MEMO_MAX_BYTES, MEMO_MIN_BYTES};
        let base = corpus();
        let mut fields: Vec<String> = base.iter().take(400).cloned().collect();
        fields.push("x".repeat(MEMO_MIN_BYTES - 1));
        fields.push(format!("Summarize: {}", "y ".repeat(MEMO_MAX_BYTES)));
        for _ in 0..3 {
            for field in &fields {
                let scanned = TextSignals::scan(field);
                for memo in [&SYSTEM_MEMO, &USER_MEMO] {
                    assert_eq!(
                        memoised(memo, field, TextSignals::scan),
                        scanned,
                        "{field:?}"
                    );
                }
            }
        }
    }

    /// The eight-at-a-time lowercasing agrees with `to_ascii_lowercase` on every byte value
    /// in every position, and the padded copy on words at the very end of a buffer.
    #[test]
    fn lane_lowercasing_matches_bytewise() {
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut bytes = [b'a'; 8];
                bytes[at] = b;
                let lowered = lower_lane(u64::from_le_bytes(bytes)).to_le_bytes();
                let expected = bytes.map(|x| x.to_ascii_lowercase());
                assert_eq!(lowered, expected, "{b:#x} at {at}");
            }
        }
        let text = b"xx HeLLo\xc3\x89T\xc3\xa9";
        let (lanes, high) = word_lanes(text, 3, 9);
        assert!(high);
        assert_eq!(lanes[0].to_le_bytes(), *b"hello\xc3\x89t");
        assert_eq!(lanes[1], 0xc3);
        assert_eq!(lanes[2], 0);
        let (lanes, high) = word_lanes(b"ABCDEFGHIJKLMNOPQ", 0, 17);
        assert!(!high);
        assert_eq!(lanes[1].to_le_bytes(), *b"ijklmnop");
        assert_eq!(lanes[2], u64::from(b'q'));
    }
}
