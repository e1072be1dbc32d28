//! Complexity score: a weighted sum of normalised request size, agent-loop and content cues.
//!
//! The score reads only what was known before the call ran: the prompt, the turns, the tools
//! offered and their results in context, the schema, the images and what the request asks
//! for. Output length, reasoning tokens, tool calls in the response and the finish reason
//! describe what the model chose to spend; scoring them made the audit circular (o3 thinking
//! 300 tokens over "Is 17 prime?" made the call `moderate`, so reasoning on easy calls was
//! never found). They stay report reasons (`add_shape_reasons`), not inputs.
//!
//! Each component is mapped to [0, 1] first (sizes on a log scale, because a
//! 2k→20k prompt is about as big a step in difficulty as 200→2k), then
//! weighted. The weights add up to more than 1 on purpose: a call only
//! needs several strong signals at once, not all of them, to saturate at 1.
//! They were fitted to the labelled set's dev half (`accuracy.rs`; the feature set chosen
//! by two-fold cross-validation inside that half) and rounded.

/// Prompts under this many tokens count as short (a one-line instruction).
/// The numbers are repeated in the docs of `Reason`; keep them in step.
pub(super) const SHORT_PROMPT_TOKENS: u64 = 200;
/// Prompts at or over this many tokens count as long.
pub(super) const LONG_PROMPT_TOKENS: u64 = 10_000;
/// Outputs at or over this many tokens count as long (a report reason, not a score input).
pub(super) const LONG_OUTPUT_TOKENS: u64 = 2_000;
/// Reasoning at or over this many tokens counts as heavy (a report reason, not a score input).
pub(super) const HEAVY_REASONING_TOKENS: u64 = 4_000;
/// Messages at or over this count make a long conversation.
pub(super) const MANY_TURNS: u32 = 10;
/// Constraint cues (list items, "must", "never") at or over this count.
pub(super) const MULTI_CONSTRAINT: u32 = 4;

/// Prompt size: how much the model must read and keep straight; long prompts are often
/// pasted documents, so it does not dominate on its own.
const W_PROMPT: f32 = 0.30;
/// The request's own length (the last user turn): a long, detailed ask ("a 7-day meal plan,
/// 2,000 kcal, 120 g protein, no dairy…") is the best sign before the call of a long,
/// multi-part answer, which output size used to say after it. Apart from the prompt, which
/// also counts system prompts and pasted context.
const W_REQUEST: f32 = 0.24;
/// Turns: long conversations carry state the model must track.
const W_TURNS: f32 = 0.08;
/// Tools offered: a hint of an agent, light because many apps send the same tools with
/// every call, easy or not.
const W_TOOLS_DEFINED: f32 = 0.02;
/// Tool results in context: the call is one step of a loop, where one bad step derails
/// the run.
const W_TOOL_RESULTS: f32 = 0.28;
/// Code or math in the prompt: precise outputs that small models get wrong.
const W_CONTENT: f32 = 0.06;
/// Several explicit constraints: instruction-following load.
const W_CONSTRAINTS: f32 = 0.10;
/// Images: multimodal input; small models handle simple images fine, so light.
const W_IMAGES: f32 = 0.06;
/// A JSON schema: the answer must fit a structure; light, schemas mostly frame easy
/// extractions.
const W_SCHEMA: f32 = 0.02;
/// A proof is asked for ("prove", "theorem", "lemma"): the hardest kind of request a short
/// prompt can make, so it alone reaches `complex`.
const W_PROOF: f32 = 0.45;
/// A piece of writing is asked for (a write verb with a writing form or creative noun): the
/// answer is long by request.
const W_WRITING: f32 = 0.09;

/// The difficulty model's P(a cheaper model answers wrong) (`difficulty.rs`), above
/// [`DIFFICULTY_FLOOR`]: what the request is about and how it is built (subject vocabulary,
/// numbers, math, constraints), learned from public per-question outcomes. Below the floor a
/// request adds nothing, so routine production calls keep the tier their shape gives them.
/// Chosen on the tuning half of `fixtures/difficulty/` with the labelled set's dev half: the
/// smallest lift that took the tuning AUROC to about 0.70 without lowering the dev tier
/// accuracy (`examples/difficulty.rs`; README, "Difficulty").
const W_DIFFICULTY: f32 = 0.30;
/// The first step of an agent's turn: it reads the user's request and decides the approach,
/// where the steps after it mostly read files, search and apply what was decided. An
/// assumption (no public per-step outcomes were found): about one signal's worth, so a
/// request that is already moderate makes a moderate planning step.
const W_PLANNING: f32 = 0.08;
/// Difficulty at or below this adds nothing to the score.
const DIFFICULTY_FLOOR: f32 = 0.50;

/// Prompt tokens mapped to 0 and 1 (log scale in between).
const PROMPT_RANGE: (f64, f64) = (30.0, 60_000.0);
/// Words of the request mapped to 0 and 1.
const REQUEST_WORDS_RANGE: (f64, f64) = (5.0, 2_000.0);
/// Message counts mapped to 0 and 1.
const TURNS_RANGE: (f64, f64) = (1.0, 40.0);
/// Tool results in context mapped to 0 and 1 of the tool-result share.
const TOOL_RESULTS_RANGE: (f64, f64) = (1.0, 30.0);
/// Images mapped to 0 and 1 of the per-image share.
const IMAGES_RANGE: (f64, f64) = (1.0, 10.0);
/// Constraint cues at which the constraint component saturates.
const CONSTRAINTS_FULL: f32 = 12.0;

/// Everything the score looks at, already extracted from the request (nothing from the
/// response).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct ScoreInputs {
    pub prompt_tokens: u64,
    /// Words of the last user turn (of the whole prompt when that turn is blank).
    pub request_words: u32,
    pub message_count: u32,
    pub tools_defined: u32,
    pub tool_results: u32,
    pub images: u32,
    pub json_schema: bool,
    /// Strength of code or math cues in the prompt, in [0, 1].
    pub content: f32,
    /// Constraint cues: numbered items, bullets and "must"-style words.
    pub constraints: u32,
    /// The prompt asks for a proof.
    pub proof_asked: bool,
    /// The prompt asks for a piece of writing.
    pub writing_asked: bool,
    /// P(a cheaper model answers wrong) from the difficulty model, in [0, 1]; 0 without text.
    pub difficulty: f32,
    /// The first step of an agent's turn (see [`W_PLANNING`]).
    pub planning_step: bool,
}

/// The complexity score in [0, 1]. Non-decreasing in every input.
pub(super) fn complexity(x: &ScoreInputs) -> f32 {
    let content = if x.content.is_nan() {
        0.0
    } else {
        x.content.clamp(0.0, 1.0)
    };
    let flag = |on: bool| if on { 1.0 } else { 0.0 };
    let score = W_PROMPT * log_scale(x.prompt_tokens, PROMPT_RANGE)
        + W_REQUEST * log_scale(u64::from(x.request_words), REQUEST_WORDS_RANGE)
        + W_TURNS * log_scale(u64::from(x.message_count), TURNS_RANGE)
        + W_TOOLS_DEFINED * flag(x.tools_defined > 0)
        + W_TOOL_RESULTS * tool_results_component(x.tool_results)
        + W_CONTENT * content
        + W_CONSTRAINTS * (x.constraints as f32 / CONSTRAINTS_FULL).min(1.0)
        + W_IMAGES * images_component(x.images)
        + W_SCHEMA * flag(x.json_schema)
        + W_PROOF * flag(x.proof_asked)
        + W_WRITING * flag(x.writing_asked)
        + W_DIFFICULTY * difficulty_component(x.difficulty)
        + W_PLANNING * flag(x.planning_step);
    score.clamp(0.0, 1.0)
}

/// Difficulty above the floor, in [0, 1 - floor]; NaN counts as none.
fn difficulty_component(p: f32) -> f32 {
    if p.is_nan() {
        return 0.0;
    }
    (p.clamp(0.0, 1.0) - DIFFICULTY_FLOOR).max(0.0)
}

/// Tool results in context, in [0, 1]: any result proves a loop, more results a longer one.
fn tool_results_component(results: u32) -> f32 {
    if results == 0 {
        0.0
    } else {
        0.5 + 0.5 * log_scale(u64::from(results), TOOL_RESULTS_RANGE)
    }
}

fn images_component(images: u32) -> f32 {
    if images == 0 {
        0.0
    } else {
        0.5 + 0.5 * log_scale(u64::from(images), IMAGES_RANGE)
    }
}

/// Maps `x` to [0, 1]: 0 at or below `lo`, 1 at or above `hi`, log-linear between.
fn log_scale(x: u64, (lo, hi): (f64, f64)) -> f32 {
    // u64 → f64 rounds for huge values but stays finite and monotone.
    let x = x as f64;
    if x <= lo {
        return 0.0;
    }
    if x >= hi {
        return 1.0;
    }
    ((x.ln() - lo.ln()) / (hi.ln() - lo.ln())) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_call_scores_zero_and_extremes_stay_bounded() {
        assert_eq!(complexity(&ScoreInputs::default()), 0.0);
        let max = ScoreInputs {
            prompt_tokens: u64::MAX,
            request_words: u32::MAX,
            message_count: u32::MAX,
            tools_defined: u32::MAX,
            tool_results: u32::MAX,
            images: u32::MAX,
            json_schema: true,
            content: f32::INFINITY,
            constraints: u32::MAX,
            proof_asked: true,
            writing_asked: true,
            difficulty: f32::INFINITY,
            planning_step: true,
        };
        assert_eq!(complexity(&max), 1.0);
        let nan = ScoreInputs {
            content: f32::NAN,
            difficulty: f32::NAN,
            ..ScoreInputs::default()
        };
        let s = complexity(&nan);
        assert!((0.0..=1.0).contains(&s));
    }

    #[test]
    fn log_scale_is_monotone_and_bounded() {
        let mut prev = 0.0;
        for x in [0, 1, 10, 30, 31, 100, 1_000, 59_999, 60_000, u64::MAX] {
            let v = log_scale(x, PROMPT_RANGE);
            assert!((0.0..=1.0).contains(&v));
            assert!(v >= prev, "{x}");
            prev = v;
        }
    }

    #[test]
    fn each_component_raises_the_score() {
        let base = ScoreInputs {
            prompt_tokens: 500,
            request_words: 40,
            message_count: 2,
            ..ScoreInputs::default()
        };
        let b = complexity(&base);
        let bumps = [
            ScoreInputs {
                prompt_tokens: 5_000,
                ..base
            },
            ScoreInputs {
                request_words: 400,
                ..base
            },
            ScoreInputs {
                message_count: 12,
                ..base
            },
            ScoreInputs {
                tools_defined: 3,
                ..base
            },
            ScoreInputs {
                tool_results: 3,
                ..base
            },
            ScoreInputs { images: 1, ..base },
            ScoreInputs {
                json_schema: true,
                ..base
            },
            ScoreInputs {
                content: 0.5,
                ..base
            },
            ScoreInputs {
                constraints: 5,
                ..base
            },
            ScoreInputs {
                proof_asked: true,
                ..base
            },
            ScoreInputs {
                writing_asked: true,
                ..base
            },
            ScoreInputs {
                difficulty: 0.9,
                ..base
            },
            ScoreInputs {
                planning_step: true,
                ..base
            },
        ];
        for x in bumps {
            assert!(complexity(&x) > b, "{x:?}");
        }
    }

    #[test]
    fn growing_counts_never_lower_the_score() {
        let base = ScoreInputs {
            prompt_tokens: 300,
            request_words: 30,
            message_count: 2,
            ..ScoreInputs::default()
        };
        let steps = [0, 1, 2, 5, 30, 1_000, 60_000, u64::MAX];
        let mut prev = [0.0f32; 6];
        for (i, n) in steps.into_iter().enumerate() {
            let small = u32::try_from(n).unwrap_or(u32::MAX);
            let scores = [
                complexity(&ScoreInputs {
                    prompt_tokens: n,
                    ..base
                }),
                complexity(&ScoreInputs {
                    request_words: small,
                    ..base
                }),
                complexity(&ScoreInputs {
                    message_count: small,
                    ..base
                }),
                complexity(&ScoreInputs {
                    tool_results: small,
                    ..base
                }),
                complexity(&ScoreInputs {
                    images: small,
                    ..base
                }),
                complexity(&ScoreInputs {
                    constraints: small,
                    ..base
                }),
            ];
            for (k, s) in scores.into_iter().enumerate() {
                assert!((0.0..=1.0).contains(&s));
                assert!(
                    i == 0 || s >= prev[k],
                    "input {k} at {n}: {s} < {}",
                    prev[k]
                );
                prev[k] = s;
            }
        }
    }
}
