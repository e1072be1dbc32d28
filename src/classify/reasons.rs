//! Named reasons behind a classification, stored per call as a compact bit set.

/// One named cue that contributed to a call's task, tier or confidence.
///
/// The discriminant is the bit position in [`Reasons`], so the order of
/// variants is part of the stored format: append new reasons at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Reason {
    /// Prompt under 200 tokens.
    ShortPrompt,
    /// Prompt at or over 10k tokens.
    LongPrompt,
    /// Output at or over 2k tokens.
    LongOutput,
    /// The model spent reasoning ("thinking") tokens.
    ReasoningUsed,
    /// Reasoning at or over 4k tokens.
    HeavyReasoning,
    /// 10 or more messages in the request (a long conversation or agent transcript).
    ManyTurns,
    /// Tool definitions were sent.
    ToolsDefined,
    /// The response called tools.
    ToolCalls,
    /// Tool results sit in the request context: an agent loop.
    ToolResultsInContext,
    /// Structured output (JSON schema or JSON mode) was requested.
    JsonSchema,
    /// Images or documents were attached.
    Images,
    /// The output hit its length limit.
    TruncatedOutput,
    /// The call came from an interactive tool.
    Interactive,
    /// The log holds no prompt text: the task is inferred from request features.
    NoPromptText,
    /// Only the first part of a long prompt field was scanned.
    TextScanTruncated,
    /// Code fences, code syntax or programming vocabulary in the prompt.
    CodeInPrompt,
    /// A stack trace or named exception in the prompt.
    StackTrace,
    /// Equations, LaTeX, arithmetic or math vocabulary in the prompt.
    MathInPrompt,
    /// "Prove", "theorem", "lemma": a proof was asked for.
    ProofKeyword,
    /// Several instructions or constraints (numbered lists, "must", "never").
    MultiConstraint,
    /// The user turn asks a question.
    QuestionAsked,
    /// A long context followed by a question.
    LongContextQuestion,
    /// Retrieval vocabulary ("context", "passage", "sources").
    RetrievalCue,
    /// Greetings or chat-assistant framing.
    Conversational,
    TranslateKeyword,
    SummarizeKeyword,
    ClassifyKeyword,
    ExtractKeyword,
    /// "Story", "poem", "haiku", or a write verb with "email", "essay" and other writing forms.
    CreativeKeyword,
    /// No cue was strong enough: the task is a fallback.
    WeakCues,
    /// The user turn is mostly not in English (small models lose more there).
    NonEnglish,
    /// The output can be checked mechanically (schema, tool arguments, code), so a cheaper
    /// model's failure can be caught and escalated.
    Verifiable,
    /// A user rule (`--rules`) set the task or tier.
    UserRule,
    /// A step of an agent or tool loop: scored from the user's request and the step's place in
    /// its turn, not from the context the loop has accumulated.
    AgentStep,
    /// The first step of an agent's turn (no tool result since the user's request): the model
    /// reads the request and plans, where later steps read, search and edit.
    PlanningStep,
}

impl Reason {
    /// Every reason, in bit order.
    pub const ALL: [Reason; 35] = [
        Reason::ShortPrompt,
        Reason::LongPrompt,
        Reason::LongOutput,
        Reason::ReasoningUsed,
        Reason::HeavyReasoning,
        Reason::ManyTurns,
        Reason::ToolsDefined,
        Reason::ToolCalls,
        Reason::ToolResultsInContext,
        Reason::JsonSchema,
        Reason::Images,
        Reason::TruncatedOutput,
        Reason::Interactive,
        Reason::NoPromptText,
        Reason::TextScanTruncated,
        Reason::CodeInPrompt,
        Reason::StackTrace,
        Reason::MathInPrompt,
        Reason::ProofKeyword,
        Reason::MultiConstraint,
        Reason::QuestionAsked,
        Reason::LongContextQuestion,
        Reason::RetrievalCue,
        Reason::Conversational,
        Reason::TranslateKeyword,
        Reason::SummarizeKeyword,
        Reason::ClassifyKeyword,
        Reason::ExtractKeyword,
        Reason::CreativeKeyword,
        Reason::WeakCues,
        Reason::NonEnglish,
        Reason::Verifiable,
        Reason::UserRule,
        Reason::AgentStep,
        Reason::PlanningStep,
    ];

    /// The snake_case name used in reports and exports.
    pub fn name(self) -> &'static str {
        match self {
            Reason::ShortPrompt => "short_prompt",
            Reason::LongPrompt => "long_prompt",
            Reason::LongOutput => "long_output",
            Reason::ReasoningUsed => "reasoning_used",
            Reason::HeavyReasoning => "heavy_reasoning",
            Reason::ManyTurns => "many_turns",
            Reason::ToolsDefined => "tools_defined",
            Reason::ToolCalls => "tool_calls",
            Reason::ToolResultsInContext => "tool_results_in_context",
            Reason::JsonSchema => "json_schema",
            Reason::Images => "images",
            Reason::TruncatedOutput => "truncated_output",
            Reason::Interactive => "interactive",
            Reason::NoPromptText => "no_prompt_text",
            Reason::TextScanTruncated => "text_scan_truncated",
            Reason::CodeInPrompt => "code_in_prompt",
            Reason::StackTrace => "stack_trace",
            Reason::MathInPrompt => "math_in_prompt",
            Reason::ProofKeyword => "proof_keyword",
            Reason::MultiConstraint => "multi_constraint",
            Reason::QuestionAsked => "question_asked",
            Reason::LongContextQuestion => "long_context_question",
            Reason::RetrievalCue => "retrieval_cue",
            Reason::Conversational => "conversational",
            Reason::TranslateKeyword => "translate_keyword",
            Reason::SummarizeKeyword => "summarize_keyword",
            Reason::ClassifyKeyword => "classify_keyword",
            Reason::ExtractKeyword => "extract_keyword",
            Reason::CreativeKeyword => "creative_keyword",
            Reason::WeakCues => "weak_cues",
            Reason::NonEnglish => "non_english",
            Reason::Verifiable => "verifiable",
            Reason::UserRule => "user_rule",
            Reason::AgentStep => "agent_step",
            Reason::PlanningStep => "planning_step",
        }
    }

    /// Parses a name written by [`Reason::name`].
    pub fn from_name(name: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.name() == name)
    }

    fn bit(self) -> u64 {
        1u64 << (self as u8)
    }
}

/// A set of [`Reason`]s packed into one word, cheap to keep for every call.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Reasons(u64);

impl Reasons {
    /// Rebuilds a set from [`Reasons::bits`]; bits with no reason are dropped.
    pub fn from_bits(bits: u64) -> Reasons {
        const KNOWN: u64 = {
            let mut known = 0;
            let mut at = 0;
            while at < Reason::ALL.len() {
                known |= 1u64 << (Reason::ALL[at] as u8);
                at += 1;
            }
            known
        };
        Reasons(bits & KNOWN)
    }

    /// The raw bits, for compact storage.
    pub fn bits(self) -> u64 {
        self.0
    }

    /// Whether `r` is in the set.
    pub fn contains(self, r: Reason) -> bool {
        self.0 & r.bit() != 0
    }

    /// Adds `r` to the set.
    pub fn insert(&mut self, r: Reason) {
        self.0 |= r.bit();
    }

    /// Adds `r` when `cond` holds; keeps the classifier's rule lists flat.
    pub(super) fn insert_if(&mut self, cond: bool, r: Reason) {
        if cond {
            self.insert(r);
        }
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Names of the reasons in the set, in bit order (deterministic).
    pub fn names(self) -> Vec<&'static str> {
        Reason::ALL
            .into_iter()
            .filter(|r| self.contains(*r))
            .map(Reason::name)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_reason_in_bit_order() {
        for (i, r) in Reason::ALL.into_iter().enumerate() {
            assert_eq!(r as usize, i, "{r:?} out of order");
        }
        assert!(Reason::ALL.len() <= 64);
    }

    #[test]
    fn names_are_unique_snake_case_and_round_trip() {
        for r in Reason::ALL {
            let name = r.name();
            assert!(
                name.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{name}"
            );
            assert_eq!(Reason::from_name(name), Some(r));
        }
        assert_eq!(Reason::from_name("nope"), None);
    }

    #[test]
    fn set_operations() {
        let mut set = Reasons::default();
        assert!(set.is_empty());
        set.insert(Reason::WeakCues);
        set.insert(Reason::ShortPrompt);
        set.insert(Reason::ShortPrompt);
        set.insert_if(false, Reason::Images);
        assert!(set.contains(Reason::ShortPrompt));
        assert!(!set.contains(Reason::Images));
        assert_eq!(set.names(), vec!["short_prompt", "weak_cues"]);
        assert_eq!(Reasons::from_bits(set.bits()), set);
        assert_eq!(
            Reasons::from_bits(u64::MAX).names().len(),
            Reason::ALL.len()
        );
    }
}
