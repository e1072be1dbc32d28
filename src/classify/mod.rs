//! Call classification: task type, complexity score and tier, with the reasons behind them.
//!
//! [`classify`] is pure and deterministic and allocates nothing: it runs once
//! per call on rayon workers over millions of records. Prompt text is read
//! through a bounded byte scan (`text.rs`, word lists in `keywords.rs`), the
//! complexity score is a documented weighted sum (`score.rs`) and the task is
//! the best of a set of cue scores (`task.rs`).
//!
//! The tier is decided before execution: from the request alone (prompt, turns, tools and
//! their results in context, schema, images, what the text asks for). Output length,
//! reasoning tokens, tool calls in the response and the finish reason are reasons in the
//! report; if they moved the tier, a model that thinks hard about an easy question would make
//! the question look hard, and reasoning spent on easy calls could never be found.

pub mod difficulty;
mod keywords;
mod memo;
mod reasons;
pub(crate) mod rules;
mod score;
mod task;
mod text;

#[cfg(test)]
mod accuracy;

use std::cell::RefCell;
use std::fmt;

use crate::record::{CallRecord, CallText, estimate_tokens};

pub use reasons::{Reason, Reasons};
pub use rules::{ClassifyRules, Rule};
use score::{
    HEAVY_REASONING_TOKENS, LONG_OUTPUT_TOKENS, LONG_PROMPT_TOKENS, MANY_TURNS, MULTI_CONSTRAINT,
    SHORT_PROMPT_TOKENS, ScoreInputs,
};
use task::CONTENT_MAX;
use text::PromptCues;

// The thresholds sit where the weighted sum actually falls for labelled calls (the
// labelled set's dev half): an ordinary request of a few hundred tokens scores about
// 0.1–0.25, so the former 0.2/0.4/0.65 put most routine and multi-step work a tier or two
// too low. The pre-execution weights were refitted to these same thresholds. A call needs
// one clear signal (a long, detailed request, a long prompt, tool results in context) to
// be moderate, and several together, or a proof asked for, to be complex.
/// Complexity scores at or above this are [`Tier::Simple`].
pub const SIMPLE_THRESHOLD: f32 = 0.08;
/// Complexity scores at or above this are [`Tier::Moderate`].
pub const MODERATE_THRESHOLD: f32 = 0.22;
/// Complexity scores at or above this are [`Tier::Complex`].
pub const COMPLEX_THRESHOLD: f32 = 0.42;

/// Complexity tier, ordered from easiest to hardest.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Tier {
    Trivial,
    Simple,
    Moderate,
    Complex,
}

impl Tier {
    /// Every tier, easiest first.
    pub const ALL: [Tier; 4] = [Tier::Trivial, Tier::Simple, Tier::Moderate, Tier::Complex];

    /// The lowercase name used in reports and policy files.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Trivial => "trivial",
            Tier::Simple => "simple",
            Tier::Moderate => "moderate",
            Tier::Complex => "complex",
        }
    }

    /// Parses a name written by [`Tier::as_str`] (ASCII case-insensitive).
    pub fn from_name(name: &str) -> Option<Tier> {
        Tier::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(name))
    }

    /// The tier of a complexity score; NaN counts as trivial.
    pub fn from_complexity(score: f32) -> Tier {
        if score >= COMPLEX_THRESHOLD {
            Tier::Complex
        } else if score >= MODERATE_THRESHOLD {
            Tier::Moderate
        } else if score >= SIMPLE_THRESHOLD {
            Tier::Simple
        } else {
            Tier::Trivial
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of work a call asks for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Task {
    Extraction,
    Classification,
    Summarization,
    Translation,
    Chat,
    /// Answering a question over a long supplied context.
    RagQa,
    Code,
    Math,
    Creative,
    /// One step of a tool-using agent loop.
    Agentic,
    Other,
}

impl Task {
    /// Every task, in declaration order (also the tie-break order).
    pub const ALL: [Task; 11] = [
        Task::Extraction,
        Task::Classification,
        Task::Summarization,
        Task::Translation,
        Task::Chat,
        Task::RagQa,
        Task::Code,
        Task::Math,
        Task::Creative,
        Task::Agentic,
        Task::Other,
    ];

    /// The snake_case name used in reports and policy files.
    pub fn as_str(self) -> &'static str {
        match self {
            Task::Extraction => "extraction",
            Task::Classification => "classification",
            Task::Summarization => "summarization",
            Task::Translation => "translation",
            Task::Chat => "chat",
            Task::RagQa => "rag_qa",
            Task::Code => "code",
            Task::Math => "math",
            Task::Creative => "creative",
            Task::Agentic => "agentic",
            Task::Other => "other",
        }
    }

    /// Parses a name written by [`Task::as_str`] (ASCII case-insensitive).
    pub fn from_name(name: &str) -> Option<Task> {
        Task::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a call's output can be checked mechanically, so that a cheaper model's failure is
/// caught and the call escalated (a cascade) instead of shipped.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Verifiable {
    /// A JSON schema or JSON mode was requested: the answer is validated against it.
    JsonSchema,
    /// The answer is a tool call: its arguments are validated against the tool's schema.
    ToolCall,
    /// The answer is code: it can be compiled, linted or tested.
    Code,
}

impl Verifiable {
    pub const ALL: [Verifiable; 3] = [
        Verifiable::JsonSchema,
        Verifiable::ToolCall,
        Verifiable::Code,
    ];

    /// The snake_case name used in reports and data files.
    pub fn as_str(self) -> &'static str {
        match self {
            Verifiable::JsonSchema => "json_schema",
            Verifiable::ToolCall => "tool_call",
            Verifiable::Code => "code",
        }
    }

    pub fn from_name(name: &str) -> Option<Verifiable> {
        Verifiable::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(name))
    }

    /// How the call's output could be checked: a schema first (the strictest check), then a
    /// tool call, then code.
    pub fn of(features: &crate::record::Features, task: Task) -> Option<Verifiable> {
        if features.json_schema {
            Some(Verifiable::JsonSchema)
        } else if features.tool_calls > 0 {
            Some(Verifiable::ToolCall)
        } else if task == Task::Code {
            Some(Verifiable::Code)
        } else {
            None
        }
    }
}

impl fmt::Display for Verifiable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The verdict on one call.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Classification {
    /// Complexity score in [0, 1], from the request alone (nothing the response holds).
    pub complexity: f32,
    /// `Tier::from_complexity(complexity)`.
    pub tier: Tier,
    pub task: Task,
    /// How much to trust `task`, in [0, 1]; at most 0.5 without prompt text.
    pub confidence: f32,
    pub reasons: Reasons,
    /// How the output can be checked, if it can.
    pub verifiable: Option<Verifiable>,
    /// Index of the user rule (`--rules`) that decided the task or tier, if one did.
    pub rule: Option<u16>,
}

/// Classifies one call from its tokens, request features and (if kept) prompt text.
///
/// Pure and deterministic; never panics, whatever the record holds.
pub fn classify(record: &CallRecord) -> Classification {
    let features = &record.features;
    let tokens = &record.tokens;
    let text = record.text.as_ref().filter(|t| has_text(t));

    let cues = text.map(PromptCues::scan);

    // Some logs carry text but no usage: estimate the prompt from its length.
    let text_tokens = text.map_or(0, |t| {
        let field_bytes = (t.system.len() as u64).saturating_add(t.user.len() as u64);
        estimate_tokens(t.prompt_chars.max(field_bytes))
    });
    // `prompt_total` saturates, so garbage counts cannot overflow.
    let prompt_tokens = tokens.prompt_total().max(text_tokens);

    let picked = task::pick_task(features, cues.as_ref(), prompt_tokens);

    let mut inputs = pre_execution_inputs(record, cues.as_ref(), prompt_tokens, text_tokens);
    if let (Some(text), Some(cues)) = (text, cues.as_ref()) {
        inputs.difficulty = difficulty_of(text, cues);
    }
    let complexity = score::complexity(&inputs);

    let mut reasons = picked.reasons;
    let truncated = cues.as_ref().is_some_and(|c| c.all.truncated);
    add_shape_reasons(&mut reasons, record, prompt_tokens, &inputs, truncated);
    add_response_reasons(&mut reasons, record);
    let non_english = cues
        .as_ref()
        .is_some_and(|c| c.asked().mostly_non_english());
    reasons.insert_if(non_english, Reason::NonEnglish);
    let verifiable = Verifiable::of(features, picked.task);
    reasons.insert_if(verifiable.is_some(), Reason::Verifiable);

    Classification {
        complexity,
        tier: Tier::from_complexity(complexity),
        task: picked.task,
        confidence: picked.confidence.clamp(0.0, 1.0),
        reasons,
        verifiable,
        rule: None,
    }
}

/// What the difficulty model reads of a call's request, or `None` without prompt text (for
/// training the model: `examples/difficulty.rs`).
pub fn difficulty_inputs(record: &CallRecord) -> Option<difficulty::DifficultyInputs> {
    let text = record.text.as_ref().filter(|t| has_text(t))?;
    let cues = PromptCues::scan(text);
    let mut buckets = Vec::new();
    difficulty::for_each_word_bucket(difficulty::asked_text(text), |b| buckets.push(b as u16));
    Some(difficulty::DifficultyInputs {
        dense: difficulty::dense_signals(cues.asked()),
        buckets,
    })
}

/// P(a cheaper model answers the request wrong), from the embedded difficulty model; `None`
/// without prompt text.
pub fn difficulty(record: &CallRecord) -> Option<f32> {
    let text = record.text.as_ref().filter(|t| has_text(t))?;
    Some(difficulty_of(text, &PromptCues::scan(text)))
}

fn difficulty_of(text: &CallText, cues: &PromptCues) -> f32 {
    thread_local! {
        /// The vocabulary means of the last texts asked.
        static VOCABULARY: RefCell<memo::FieldMemo<f32>> =
            RefCell::new(memo::FieldMemo::new(memo::ASKED_SETS));
    }
    let model = difficulty::DifficultyModel::embedded();
    let vocabulary_mean = memo::memoised(&VOCABULARY, difficulty::asked_text(text), |asked| {
        model.vocabulary_mean(asked)
    });
    model.probability(&difficulty::dense_signals(cues.asked()), vocabulary_mean)
}

/// Whether a `CallText` holds anything to read.
fn has_text(t: &CallText) -> bool {
    !t.system.trim_start().is_empty() || !t.user.trim_start().is_empty()
}

/// Whether a call is one step of an agent or tool loop: tool results in its context, or a call
/// from an interactive tool (the coding agents' readers mark their sessions' calls so), whose
/// context grows with every step whatever the step asks.
fn is_agent_step(features: &crate::record::Features) -> bool {
    features.tool_results > 0 || features.interactive
}

/// What the score reads: the request only, never the response (see `score.rs`).
///
/// An agent step with prompt text is sized by what it newly brings, not by the context its loop
/// accumulated: the larger of its text (a coding agent's latest prompt and the tool results
/// since it; an API log's messages) and the part of its prompt not read from cache (what this
/// step added). The cache reads are the loop's earlier context, resent with every step, so a
/// long session does not make each of its steps hard. In a coding agent's session (an
/// interactive call) the turns and the tool results since the prompt say how far into the
/// session and the turn the step is, not what it must do: the turns do not count and the tool
/// results count once (the step is in a loop; what came back is already in its size), and the
/// first step of a turn counts as planning. An API log's tool loop keeps its turns and results:
/// there a step answers over every result its request holds, and the hand-labelled loops rate
/// a synthesis over many results harder. Without text the billed size is all the log shows and
/// stays in the score: a step never looks easier than the log proves.
fn pre_execution_inputs(
    record: &CallRecord,
    cues: Option<&PromptCues>,
    prompt_tokens: u64,
    text_tokens: u64,
) -> ScoreInputs {
    let features = &record.features;
    let mut inputs = ScoreInputs {
        prompt_tokens,
        message_count: features.message_count,
        tools_defined: features.tools_defined,
        tool_results: features.tool_results,
        images: features.images,
        json_schema: features.json_schema,
        ..ScoreInputs::default()
    };
    if cues.is_some() && is_agent_step(features) {
        let t = &record.tokens;
        let uncached = t.prompt_total().saturating_sub(t.cache_read);
        inputs.prompt_tokens = text_tokens.max(uncached);
        if features.interactive {
            inputs.message_count = 0;
            inputs.tool_results = features.tool_results.min(1);
            inputs.planning_step = features.tool_results == 0;
        }
    }
    if let Some(c) = cues {
        let all = &c.all;
        inputs.request_words = u32::from(c.asked().words);
        inputs.content = task::code_strength(all).max(task::math_strength(all)) / CONTENT_MAX;
        inputs.constraints = u32::from(all.numbered_items)
            + u32::from(all.bullet_items) / 2
            + u32::from(all.constraint_words);
        inputs.proof_asked = all.proof_words > 0;
        inputs.writing_asked = all.write_verb > 0 && (all.creative > 0 || all.prose > 0);
    }
    inputs
}

/// Reasons from sizes and request features (the text-cue reasons come from the task rules).
/// `prompt_tokens` is the whole prompt's size, also for an agent step whose score reads its
/// request's size instead.
fn add_shape_reasons(
    r: &mut Reasons,
    record: &CallRecord,
    prompt_tokens: u64,
    x: &ScoreInputs,
    truncated: bool,
) {
    let f = &record.features;
    r.insert_if(
        prompt_tokens > 0 && prompt_tokens < SHORT_PROMPT_TOKENS,
        Reason::ShortPrompt,
    );
    r.insert_if(prompt_tokens >= LONG_PROMPT_TOKENS, Reason::LongPrompt);
    r.insert_if(f.message_count >= MANY_TURNS, Reason::ManyTurns);
    r.insert_if(f.tools_defined > 0, Reason::ToolsDefined);
    r.insert_if(f.tool_results > 0, Reason::ToolResultsInContext);
    r.insert_if(f.json_schema, Reason::JsonSchema);
    r.insert_if(f.images > 0, Reason::Images);
    r.insert_if(f.interactive, Reason::Interactive);
    r.insert_if(
        is_agent_step(f) && record.text.as_ref().is_some_and(has_text),
        Reason::AgentStep,
    );
    r.insert_if(x.planning_step, Reason::PlanningStep);
    r.insert_if(x.constraints >= MULTI_CONSTRAINT, Reason::MultiConstraint);
    r.insert_if(truncated, Reason::TextScanTruncated);
}

/// Reasons from the response: what the model spent and how it stopped. They are reported
/// beside the tier but never move it (the score reads the request only).
fn add_response_reasons(r: &mut Reasons, record: &CallRecord) {
    let (f, tokens) = (&record.features, &record.tokens);
    r.insert_if(tokens.output >= LONG_OUTPUT_TOKENS, Reason::LongOutput);
    r.insert_if(tokens.reasoning > 0, Reason::ReasoningUsed);
    r.insert_if(
        tokens.reasoning >= HEAVY_REASONING_TOKENS,
        Reason::HeavyReasoning,
    );
    r.insert_if(f.tool_calls > 0, Reason::ToolCalls);
    let cut_short = f.finish_reason.as_deref().is_some_and(|fr| {
        ["length", "max_tokens", "max_output_tokens"]
            .iter()
            .any(|l| fr.eq_ignore_ascii_case(l))
    });
    r.insert_if(cut_short, Reason::TruncatedOutput);
}

#[cfg(test)]
mod tests;
