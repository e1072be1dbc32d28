//! Accuracy of the classifier on the hand-labelled calls in `fixtures/classify/` (330 calls of
//! every task type and tier, labelled by people who did not read the classifier; see the
//! README there). Lines with an even id number are the held-out `test` half: the classifier's
//! weights were only ever tuned against the odd (`dev`) half.
//!
//! The labellers saw the whole call, answer included; the tier only sees the request, so a
//! call whose difficulty shows only in its answer (a two-line ask for a long essay) is
//! scored lower than its label. That gap is the price of a tier that reasoning cannot
//! inflate, and the README's table states it.

use std::fmt::Write as _;

use serde::Deserialize;

use super::{Task, Tier, classify};
use crate::ingest::{InputFormat, LineOutcome, parse_lines};

const FILES: [&str; 2] = [
    include_str!("../../fixtures/classify/labelled_a.jsonl"),
    include_str!("../../fixtures/classify/labelled_b.jsonl"),
];

#[derive(Deserialize)]
struct Line {
    label: Label,
}

#[derive(Deserialize)]
struct Label {
    id: String,
    task: String,
    tier: String,
}

/// One labelled call and the classifier's verdict on it.
struct Case {
    id: String,
    test_half: bool,
    task: Task,
    tier: Tier,
    got_task: Task,
    got_tier: Tier,
    got_complexity: f32,
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for file in FILES {
        let lines: Vec<&[u8]> = file.lines().map(str::as_bytes).collect();
        let parsed = parse_lines(InputFormat::Openai, &lines);
        assert_eq!(parsed.len(), lines.len());
        for (line, parsed) in lines.iter().zip(parsed) {
            let label: Line = serde_json::from_slice(line).unwrap();
            let LineOutcome::Call(record) = parsed.outcome else {
                panic!("{}: not a call", label.label.id);
            };
            let verdict = classify(&record);
            let number: u32 = label.label.id[2..].parse().unwrap();
            cases.push(Case {
                test_half: number.is_multiple_of(2),
                task: Task::from_name(&label.label.task).unwrap(),
                tier: Tier::from_name(&label.label.tier).unwrap(),
                got_task: verdict.task,
                got_tier: verdict.tier,
                got_complexity: verdict.complexity,
                id: label.label.id,
            });
        }
    }
    cases
}

/// (task exact, tier exact, tier within one step) as shares of `cases`.
fn scores<'a>(cases: impl Iterator<Item = &'a Case>) -> (f64, f64, f64, usize) {
    let (mut task, mut tier, mut near, mut n) = (0, 0, 0, 0);
    for case in cases {
        n += 1;
        task += usize::from(case.task == case.got_task);
        tier += usize::from(case.tier == case.got_tier);
        near += usize::from((case.tier as i32 - case.got_tier as i32).abs() <= 1);
    }
    let share = |k: usize| k as f64 / n.max(1) as f64;
    (share(task), share(tier), share(near), n)
}

/// A printable summary: scores per half, per task on the test half; the misses listed are the dev half's
/// only (the test half is measured, never inspected).
fn summary(cases: &[Case]) -> String {
    let mut out = String::new();
    for (name, half) in [("dev", false), ("test", true)] {
        let (task, tier, near, n) = scores(cases.iter().filter(|c| c.test_half == half));
        let _ = writeln!(
            out,
            "{name:>5} n={n}: task {:.1}%  tier {:.1}%  tier±1 {:.1}%",
            100.0 * task,
            100.0 * tier,
            100.0 * near
        );
    }
    for t in Task::ALL {
        // Per task on the held-out half: the numbers that are published.
        let (task, tier, near, n) = scores(cases.iter().filter(|c| c.test_half && c.task == t));
        let _ = writeln!(
            out,
            "{:>14} n={n}: task {:.0}%  tier {:.0}%  tier±1 {:.0}%",
            t.as_str(),
            100.0 * task,
            100.0 * tier,
            100.0 * near
        );
    }
    let misses: Vec<String> = cases
        .iter()
        .filter(|c| !c.test_half)
        .filter(|c| c.task != c.got_task || (c.tier as i32 - c.got_tier as i32).abs() > 1)
        .map(|c| {
            format!(
                "{} {}/{} → {}/{} ({:.2})",
                c.id, c.task, c.tier, c.got_task, c.got_tier, c.got_complexity
            )
        })
        .collect();
    let _ = writeln!(out, "dev misses:\n  {}", misses.join("\n  "));
    out
}

#[test]
fn classifier_accuracy_on_the_labelled_calls() {
    let cases = cases();
    assert!(cases.len() >= 300);
    for task in Task::ALL {
        for tier in Tier::ALL {
            assert!(
                cases.iter().any(|c| c.task == task && c.tier == tier),
                "no labelled {task}/{tier} call"
            );
        }
    }
    let report = summary(&cases);
    // The test's own output, read with `--nocapture`.
    #[allow(clippy::disallowed_macros)]
    {
        println!("{report}");
    }
    // Floors a little under the held-out half's measured scores (README, "Classification").
    let (task, tier, near, _) = scores(cases.iter().filter(|c| c.test_half));
    // Measured: task 77.0%, tier 60.0%, tier within one step 97.0% (the tier from the request
    // alone; with output and reasoning in the score it was 75.8% and 99.4%, see README).
    assert!(task >= 0.74, "task accuracy {task}\n{report}");
    assert!(tier >= 0.57, "tier accuracy {tier}\n{report}");
    assert!(near >= 0.94, "tier within one step {near}\n{report}");
}
