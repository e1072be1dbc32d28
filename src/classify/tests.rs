//! End-to-end cases for `classify`: one or more per task type, tier ordering and robustness.

use super::*;
use crate::record::{CallText, Features, TokenBuckets};

/// A record with prompt text and token counts.
fn call(system: &str, user: &str, prompt: u64, output: u64) -> CallRecord {
    CallRecord {
        tokens: TokenBuckets {
            input: prompt,
            output,
            ..TokenBuckets::default()
        },
        features: Features {
            message_count: if system.is_empty() { 1 } else { 2 },
            ..Features::default()
        },
        text: Some(CallText {
            system: system.to_owned(),
            user: user.to_owned(),
            prompt_chars: (system.len() + user.len()) as u64,
        }),
        ..CallRecord::default()
    }
}

fn check(c: &Classification) {
    assert!((0.0..=1.0).contains(&c.complexity), "{c:?}");
    assert!((0.0..=1.0).contains(&c.confidence), "{c:?}");
    assert_eq!(c.tier, Tier::from_complexity(c.complexity));
}

#[test]
fn one_line_sentiment_label_is_trivial_classification() {
    let c = classify(&call(
        "",
        "Classify the sentiment of this review as positive or negative: \"Arrived broken.\"",
        25,
        1,
    ));
    check(&c);
    assert_eq!(c.task, Task::Classification);
    assert!(c.tier <= Tier::Simple, "{c:?}");
    assert!(c.confidence > 0.6);
    assert!(c.reasons.contains(Reason::ClassifyKeyword));
    assert!(c.reasons.contains(Reason::ShortPrompt));
}

/// A coding agent's step, `results` tool results into its turn, `messages` into its session,
/// with `cache_read` tokens of earlier context read from cache.
fn coding_agent_step(request: &str, results: u32, messages: u32, cache_read: u64) -> CallRecord {
    let mut r = call(
        "You are a coding agent. Use the tools to edit files and run tests.",
        request,
        0,
        2_500,
    );
    r.tokens = TokenBuckets {
        input: 4_000,
        cache_read,
        output: 2_500,
        reasoning: 1_800,
        ..TokenBuckets::default()
    };
    r.features = Features {
        message_count: messages,
        tools_defined: 12,
        tool_calls: 1,
        tool_results: results,
        interactive: true,
        finish_reason: Some("tool_use".into()),
        ..Features::default()
    };
    r
}

#[test]
fn a_long_coding_session_does_not_make_its_steps_hard() {
    // Deep into a long session: 22 results into the turn, 48 messages, 56k cached tokens.
    let r = coding_agent_step("The tests still fail, keep going.", 22, 48, 56_000);
    let c = classify(&r);
    check(&c);
    assert_eq!(c.task, Task::Agentic);
    assert!(c.tier < Tier::Complex, "{c:?}");
    for reason in [
        Reason::LongPrompt,
        Reason::ReasoningUsed,
        Reason::ToolResultsInContext,
        Reason::ManyTurns,
        Reason::AgentStep,
    ] {
        assert!(c.reasons.contains(reason), "{reason:?}");
    }
    assert!(!c.reasons.contains(Reason::PlanningStep));
    // The same step early in a short session scores the same: the session's length, the
    // turn's length and the cached context are not the step's difficulty.
    let early = classify(&coding_agent_step(
        "The tests still fail, keep going.",
        1,
        4,
        6_000,
    ));
    assert_eq!(early.complexity, c.complexity);
    let huge = classify(&coding_agent_step(
        "The tests still fail, keep going.",
        400,
        2_000,
        900_000,
    ));
    assert_eq!(huge.complexity, c.complexity);
}

#[test]
fn a_coding_agent_step_is_as_hard_as_its_request() {
    let routine = classify(&coding_agent_step(
        "Rename the variable cnt to count in utils.py.",
        3,
        30,
        80_000,
    ));
    let hard = classify(&coding_agent_step(
        "Redesign the storage layer so that writes are crash-safe: add a write-ahead log with \
         checksums, replay it on start-up, make compaction concurrent with readers, keep the \
         on-disk format backward compatible with version 3 files, and prove with tests that a \
         crash at any point between fsyncs loses no acknowledged write. It must not slow the \
         read path, must keep memory under 200 MB, and must never block the event loop.",
        3,
        30,
        80_000,
    ));
    assert!(
        hard.complexity > routine.complexity,
        "{hard:?} vs {routine:?}"
    );
    assert!(hard.tier > routine.tier, "{hard:?} vs {routine:?}");
}

#[test]
fn the_first_step_of_a_turn_plans() {
    let request = "The tests still fail, keep going.";
    let first = classify(&coding_agent_step(request, 0, 30, 80_000));
    assert!(first.reasons.contains(Reason::PlanningStep), "{first:?}");
    assert!(first.reasons.contains(Reason::AgentStep));
    // Not an agent step: an API call with the same text and no tool results or session.
    let mut plain = coding_agent_step(request, 0, 30, 80_000);
    plain.features.interactive = false;
    let plain = classify(&plain);
    assert!(!plain.reasons.contains(Reason::PlanningStep));
    assert!(!plain.reasons.contains(Reason::AgentStep));
}

#[test]
fn an_agent_step_without_text_keeps_its_billed_size() {
    // Nothing but the billed prompt is known: it stays in the score, so a step never looks
    // easier than the log proves.
    let mut bare = coding_agent_step("x", 22, 48, 56_000);
    bare.text = None;
    let mut small = bare.clone();
    small.tokens.cache_read = 1_000;
    assert!(classify(&bare).complexity > classify(&small).complexity);
    assert!(!classify(&bare).reasons.contains(Reason::AgentStep));
}

#[test]
fn no_text_with_json_schema_is_low_confidence_extraction() {
    let r = CallRecord {
        tokens: TokenBuckets {
            input: 900,
            output: 120,
            ..TokenBuckets::default()
        },
        features: Features {
            json_schema: true,
            message_count: 2,
            ..Features::default()
        },
        ..CallRecord::default()
    };
    let c = classify(&r);
    check(&c);
    assert_eq!(c.task, Task::Extraction);
    assert!(c.confidence <= 0.5);
    assert!(c.reasons.contains(Reason::NoPromptText));
    assert!(c.reasons.contains(Reason::JsonSchema));
}

#[test]
fn no_text_features_decide_with_capped_confidence() {
    let agent = CallRecord {
        features: Features {
            tool_results: 3,
            tools_defined: 4,
            ..Features::default()
        },
        ..CallRecord::default()
    };
    let c = classify(&agent);
    assert_eq!(c.task, Task::Agentic);
    assert!(c.confidence <= 0.5);

    // Blank text counts as no text.
    let blank = CallRecord {
        text: Some(CallText {
            system: "  ".into(),
            user: "\n".into(),
            prompt_chars: 3,
        }),
        ..CallRecord::default()
    };
    let c = classify(&blank);
    assert_eq!(c.task, Task::Other);
    assert!(c.confidence <= 0.5);
    assert!(c.reasons.contains(Reason::NoPromptText));
    assert_eq!(c.tier, Tier::Trivial);
}

#[test]
fn short_translation_is_trivial() {
    let c = classify(&call(
        "You are a translator.",
        "Translate to German: Where is the train station?",
        30,
        12,
    ));
    check(&c);
    assert_eq!(c.task, Task::Translation);
    assert!(c.tier <= Tier::Simple);
}

#[test]
fn tldr_of_a_document_is_summarization() {
    let doc = "The quarterly results were strong. ".repeat(200);
    let c = classify(&call("", &format!("{doc}\n\nTL;DR"), 1_800, 150));
    check(&c);
    assert_eq!(c.task, Task::Summarization);
    assert!(c.reasons.contains(Reason::SummarizeKeyword));
}

#[test]
fn extract_fields_is_extraction() {
    let c = classify(&call(
        "Extract the invoice number, date and total as JSON.",
        "Invoice #4411, dated 3 March, total due EUR 310.",
        60,
        40,
    ));
    check(&c);
    assert_eq!(c.task, Task::Extraction);
    assert!(c.tier <= Tier::Simple);
}

#[test]
fn code_with_stack_trace_is_code() {
    let user = "Why does this crash?\n```python\ndef load(p):\n    return open(p).read()\n```\n\
                Traceback (most recent call last):\n  File \"x.py\", line 2\nFileNotFoundError: x";
    let c = classify(&call("", user, 90, 400));
    check(&c);
    assert_eq!(c.task, Task::Code);
    assert!(c.reasons.contains(Reason::CodeInPrompt));
    assert!(c.reasons.contains(Reason::StackTrace));
}

#[test]
fn the_response_never_moves_the_tier() {
    // Heavy thinking and a long answer over a short refactoring request: the report says so
    // (reasons), the tier stays the request's.
    let user = "Refactor this Rust function so it never allocates:\n```rust\nfn f(v: &[u8]) -> Vec<u8> {\n    v.to_vec()\n}\n```";
    let asked = call("", user, 1_500, 0);
    let before = classify(&asked);
    check(&before);
    assert_eq!(before.task, Task::Code);
    for (output, reasoning, tool_calls, finish) in [
        (12_000, 10_000, 0, "stop"),
        (u64::MAX, u64::MAX, u32::MAX, "length"),
        (300, 0, 2, "tool_calls"),
    ] {
        let mut answered = asked.clone();
        answered.tokens.output = output;
        answered.tokens.reasoning = reasoning;
        answered.features.tool_calls = tool_calls;
        answered.features.finish_reason = Some(finish.into());
        let after = classify(&answered);
        check(&after);
        assert_eq!(after.complexity, before.complexity, "{after:?}");
        assert_eq!(after.tier, before.tier);
    }
    let mut heavy = asked.clone();
    heavy.tokens.output = 12_000;
    heavy.tokens.reasoning = 10_000;
    heavy.features.finish_reason = Some("length".into());
    let c = classify(&heavy);
    for reason in [
        Reason::LongOutput,
        Reason::ReasoningUsed,
        Reason::HeavyReasoning,
        Reason::TruncatedOutput,
    ] {
        assert!(c.reasons.contains(reason), "{reason:?}");
    }
}

/// The issue's case: an app asks o3 a yes/no question. Whether o3 thinks 300 or 2,000 tokens,
/// the request is as easy as before it ran: `simple`. The 300-token prompt (the app's rules)
/// gives 0.30 × ln(300/30)/ln(60000/30) = 0.0909 and the 2 messages 0.08 × ln 2/ln 40 = 0.0150;
/// the 3-word question is under the request range (5 words) and no text cue scores: 0.106, over
/// the 0.08 threshold of `simple`.
#[test]
fn an_o3_yes_no_question_is_simple_whatever_it_thinks() {
    let mut r = call(
        "You answer quiz questions for a trivia app. Reply with yes or no only, lowercase, \
         nothing else. Do not explain the answer and do not add punctuation.",
        "Is 17 prime?",
        300,
        301,
    );
    r.model = "o3".into();
    let mut tiers = Vec::new();
    for reasoning in [0, 300, 2_000] {
        r.tokens.reasoning = reasoning;
        r.tokens.output = reasoning + 1;
        let c = classify(&r);
        check(&c);
        assert_eq!(c.tier, Tier::Simple, "{c:?}");
        assert_eq!(c.verifiable, None, "a yes/no answer is checked by nothing");
        assert_eq!(c.reasons.contains(Reason::ReasoningUsed), reasoning > 0);
        tiers.push(c.complexity);
    }
    assert!(tiers.iter().all(|&s| s == tiers[0]));
    assert!((tiers[0] - 0.1059).abs() < 1e-3, "{}", tiers[0]);
}

#[test]
fn proofs_and_arithmetic_are_math() {
    let mut r = call(
        "",
        "Prove that there are infinitely many primes.",
        12,
        14_000,
    );
    r.tokens.reasoning = 12_000;
    let c = classify(&r);
    check(&c);
    assert_eq!(c.task, Task::Math);
    assert!(c.reasons.contains(Reason::ProofKeyword));
    assert_eq!(c.tier, Tier::Complex, "{c:?}");

    let c = classify(&call("", "Compute 12 + 7 * 3 = ? Show steps.", 15, 60));
    assert_eq!(c.task, Task::Math);
}

#[test]
fn write_a_poem_is_creative() {
    let c = classify(&call("", "Write a short poem about autumn rain.", 12, 90));
    check(&c);
    assert_eq!(c.task, Task::Creative);
    assert!(c.reasons.contains(Reason::CreativeKeyword));
}

#[test]
fn question_over_long_context_is_rag_qa() {
    let passage =
        "Context: the warranty covers parts for two years and labour for one. ".repeat(150);
    let c = classify(&call(
        "Answer using only the provided documents and cite sources.",
        &format!("{passage}\nQuestion: how long is labour covered?"),
        2_600,
        40,
    ));
    check(&c);
    assert_eq!(c.task, Task::RagQa);
    assert!(c.reasons.contains(Reason::LongContextQuestion));
}

#[test]
fn plain_question_is_chat_and_bare_statement_is_other() {
    let c = classify(&call(
        "You are a helpful assistant.",
        "What's a good name for a cat?",
        25,
        30,
    ));
    check(&c);
    assert_eq!(c.task, Task::Chat);
    assert_eq!(c.tier, Tier::Trivial);

    let c = classify(&call("", "hello there!", 5, 8));
    assert_eq!(c.task, Task::Chat);
    assert!(c.reasons.contains(Reason::Conversational));

    let c = classify(&call("", "Lorem ipsum dolor sit amet.", 10, 10));
    check(&c);
    assert_eq!(c.task, Task::Other);
    assert!(c.reasons.contains(Reason::WeakCues));
}

#[test]
fn a_longer_request_never_lowers_complexity() {
    let mut prev = classify(&call("", "Solve x^2 - 5x + 6 = 0.", 20, 3_000));
    for words in [5, 50, 500, 5_000] {
        let user = format!(
            "Solve x^2 - 5x + 6 = 0.{}",
            " Show each step.".repeat(words)
        );
        let c = classify(&call("", &user, 20 + 4 * words as u64, 3_000));
        assert!(c.complexity >= prev.complexity, "{words}");
        assert!(c.tier >= prev.tier);
        prev = c;
    }
}

#[test]
fn tiers_are_ordered_and_thresholds_hold() {
    assert!(Tier::Trivial < Tier::Simple && Tier::Simple < Tier::Moderate);
    assert!(Tier::Moderate < Tier::Complex);
    assert_eq!(Tier::from_complexity(0.0), Tier::Trivial);
    assert_eq!(Tier::from_complexity(0.2), Tier::Simple);
    assert_eq!(Tier::from_complexity(0.4), Tier::Moderate);
    assert_eq!(Tier::from_complexity(0.65), Tier::Complex);
    assert_eq!(Tier::from_complexity(f32::NAN), Tier::Trivial);
    for t in Tier::ALL {
        assert_eq!(Tier::from_name(t.as_str()), Some(t));
    }
    // The task rules index score arrays by `Task as usize`.
    for (i, t) in Task::ALL.into_iter().enumerate() {
        assert_eq!(t as usize, i);
        assert_eq!(Task::from_name(&t.to_string()), Some(t));
    }
    assert_eq!(Task::RagQa.as_str(), "rag_qa");
}

#[test]
fn hostile_inputs_do_not_panic_and_are_deterministic() {
    let mut huge = call(
        &"ß日本🚀".repeat(5_000),
        &format!("{}?{}", "é".repeat(8_191), "```".repeat(4_000)),
        u64::MAX,
        u64::MAX,
    );
    huge.tokens.cache_read = u64::MAX;
    huge.tokens.cache_write_1h = u64::MAX;
    huge.tokens.reasoning = u64::MAX;
    huge.features = Features {
        message_count: u32::MAX,
        tools_defined: u32::MAX,
        tool_calls: u32::MAX,
        tool_results: u32::MAX,
        images: u32::MAX,
        json_schema: true,
        finish_reason: Some("längth".into()),
        ..Features::default()
    };
    huge.text = huge.text.map(|t| CallText {
        prompt_chars: u64::MAX,
        ..t
    });
    let a = classify(&huge);
    check(&a);
    assert_eq!(a, classify(&huge));
    assert!(a.reasons.contains(Reason::TextScanTruncated));

    for text in ["", "?", "`", "\\", "1+", "tl;d", "\u{0}", "日本語だけ"] {
        let c = classify(&call(text, text, 0, 0));
        check(&c);
    }
    check(&classify(&CallRecord::default()));
}

/// Property: whatever the request, nothing in the response (output, reasoning, tool calls,
/// finish reason) moves the score or the tier, and a larger prompt never lowers it. Seeded,
/// so a failure reproduces.
#[test]
fn no_response_moves_the_tier_and_a_larger_prompt_never_lowers_it() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

    const TEXTS: [&str; 4] = [
        "Is 17 prime?",
        "Prove that the square root of 2 is irrational.",
        "Write a 2,000-word essay on rivers. It must have 5 sections.\n1. Source\n2. Delta",
        "",
    ];
    const FINISH: [&str; 4] = ["stop", "length", "tool_calls", "max_tokens"];
    let config = Config {
        cases: 1_000,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[24; 32]));
    let request = (
        0..TEXTS.len(),
        any::<u64>(),
        0u32..60,
        0u32..20,
        0u32..40,
        0u32..12,
        any::<bool>(),
    );
    let response = (any::<u64>(), any::<u64>(), any::<u32>(), 0..FINISH.len());
    runner
        .run(
            &(request, response, 1u64..1_000_000),
            |((text, prompt, messages, tools, results, images, schema), answer, more)| {
                let mut r = call("", TEXTS[text], prompt, 0);
                r.features = Features {
                    message_count: messages,
                    tools_defined: tools,
                    tool_results: results,
                    images,
                    json_schema: schema,
                    ..Features::default()
                };
                let asked = classify(&r);
                check(&asked);
                let (output, reasoning, tool_calls, finish) = answer;
                let mut answered = r.clone();
                answered.tokens.output = output;
                answered.tokens.reasoning = reasoning;
                answered.features.tool_calls = tool_calls;
                answered.features.finish_reason = Some(FINISH[finish].into());
                let after = classify(&answered);
                prop_assert_eq!(after.complexity, asked.complexity);
                prop_assert_eq!(after.tier, asked.tier);
                let mut longer = r.clone();
                longer.tokens.input = prompt.saturating_add(more);
                prop_assert!(classify(&longer).complexity >= asked.complexity);
                Ok(())
            },
        )
        .unwrap();
}
