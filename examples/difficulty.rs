//! The difficulty score against public outcomes (`fixtures/difficulty/outcomes.jsonl`).
//!
//! `cargo run --release --example difficulty` prints the AUROC of the complexity score (and of
//! the difficulty model alone) on the tuning and held-out halves, per source, and a calibration
//! table: per complexity tier, how often the cheaper model of a pair failed and how often its
//! answer was worse than the flagship's.
//!
//! `cargo run --release --example difficulty -- --train` fits the difficulty model on the
//! tuning half only and writes `data/difficulty_model.txt`.

#![allow(clippy::disallowed_macros, clippy::disallowed_methods)] // Not a report: prints its own text.

use std::collections::BTreeMap;

use llm_audit::classify::difficulty::{BUCKETS, DENSE, DifficultyModel, auroc};
use llm_audit::classify::difficulty::{Outcome, OutcomeRow, read_outcomes};
use llm_audit::classify::{Tier, classify, difficulty, difficulty_inputs};
use llm_audit::risk::{BAND_SHRINK, RiskPriors, band_evidence};

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/fixtures/difficulty/outcomes.jsonl"))
        .expect("fixtures/difficulty/outcomes.jsonl");
    let rows = read_outcomes(&text).unwrap_or_else(|err| panic!("{err}"));
    if std::env::args().any(|a| a == "--train") {
        let model = train(&rows);
        let path = format!("{root}/data/difficulty_model.txt");
        std::fs::write(&path, model.write(HEADER)).expect("write the model");
        eprintln!("wrote {path}");
    } else if std::env::args().any(|a| a == "--bands") {
        bands(&rows);
    } else {
        report(&rows);
    }
}

/// The capability gap of each pair, from the catalog's tiers (`data/prices`): GPT-4o is a
/// flagship and GPT-4o mini small (two steps); Claude 3.5 Sonnet mid and Claude 3 Haiku small,
/// Gemini 1.5 Pro flagship and Flash mid, Llama 3.1 70B mid and 8B small (one step each). Qwen
/// is not in the catalog; its 72B → 7B pairs count as one step, like Llama's 70B → 8B.
fn gap_of(pair: &str) -> &'static str {
    if pair.starts_with("gpt-4o-2024-08-06>") {
        "two_steps"
    } else {
        "one_step"
    }
}

/// Degradation (the cheaper model wrong, the flagship right) per score band of the risk priors
/// and per gap on the held-out half, and each band's factor against its tier (what the
/// `[[score_band]]` entries of `data/risk_priors.toml` state; a test checks they agree).
fn bands(rows: &[OutcomeRow]) {
    let priors = RiskPriors::embedded().unwrap_or_else(|err| panic!("{err}"));
    let evidence = band_evidence(rows, &priors);
    // (band, gap) -> (points, degraded)
    let mut cells: BTreeMap<(u8, &str), (u64, u64)> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.held_out()) {
        let band = priors.band_of(classify(&row.record()).complexity);
        for (pair, outcome) in &row.outcomes {
            let cell = cells.entry((band, gap_of(pair))).or_default();
            cell.0 += 1;
            cell.1 += u64::from(*outcome == Outcome::Cheap);
        }
    }
    let rate =
        |d: u64, n: u64| format!("{d:>5}/{n:<6} {:>5.1}%", 100.0 * d as f64 / n.max(1) as f64);
    println!("(shrunk toward the tier's rate by {BAND_SHRINK} points)");
    println!(
        "band           below  one_step          two_steps         all               tier              factor"
    );
    for (k, (band, e)) in priors.bands().iter().zip(&evidence).enumerate() {
        let gap = |g: &str| {
            let (n, d) = cells.get(&(k as u8, g)).copied().unwrap_or_default();
            rate(d, n)
        };
        println!(
            "{:<14} {:<6} {} {} {} {} {:.2}",
            band.name,
            band.below,
            gap("one_step"),
            gap("two_steps"),
            rate(e.degraded, e.points),
            rate(e.tier_degraded, e.tier_points),
            e.factor
        );
    }
}

const HEADER: &str =
    "The difficulty model: P(the cheaper model of a pair answers wrong), from the request.
Written by `cargo run --release --example difficulty -- --train` from the tuning half of
fixtures/difficulty/outcomes.jsonl (see fixtures/difficulty/README.md for its sources).
z = bias + sum(dense weight * signal) + vocabulary * mean(bucket weight of each word);
P = 1 / (1 + exp(-z)). Signals: src/classify/difficulty.rs.";

/// One training row: its inputs, the share of its pairs whose cheaper model failed, and how
/// many pairs it has (its weight).
struct Example {
    dense: [f32; DENSE.len()],
    /// (bucket, share of the row's words in it)
    words: Vec<(usize, f32)>,
    failed: f32,
    weight: f32,
}

fn examples<'a>(rows: impl Iterator<Item = &'a OutcomeRow>) -> Vec<Example> {
    rows.filter_map(|row| {
        let inputs = difficulty_inputs(&row.record())?;
        let mut counts: BTreeMap<usize, f32> = BTreeMap::new();
        for b in &inputs.buckets {
            *counts.entry(usize::from(*b)).or_default() += 1.0;
        }
        let n = inputs.buckets.len().max(1) as f32;
        let pairs = row.outcomes.len() as f32;
        let failed = row.outcomes.values().filter(|o| o.cheap_failed()).count() as f32;
        Some(Example {
            dense: inputs.dense,
            words: counts.into_iter().map(|(b, c)| (b, c / n)).collect(),
            failed: failed / pairs,
            weight: pairs,
        })
    })
    .collect()
}

/// Buckets seen in fewer rows than this keep a zero weight: a word of one or two questions
/// says which question it is, not what kind.
const MIN_ROWS: usize = 8;
const EPOCHS: usize = 400;
const STEP: f32 = 0.2;

fn train(rows: &[OutcomeRow]) -> DifficultyModel {
    let tune: Vec<&OutcomeRow> = rows.iter().filter(|r| !r.held_out()).collect();
    // The L2 strength of the vocabulary is chosen by two folds inside the tuning half.
    let mut best = (f64::MIN, 0.0);
    for l2 in [1e-5, 1e-4, 1e-3, 1e-2] {
        let mut score = 0.0;
        for fold in [false, true] {
            let fit_rows = examples(tune.iter().copied().filter(|r| r.fold() != fold));
            let check = examples(tune.iter().copied().filter(|r| r.fold() == fold));
            let model = fit(&fit_rows, l2);
            let scored: Vec<(f32, bool)> = check
                .iter()
                .flat_map(|e| {
                    let p = predict(&model, e);
                    let failed = (e.failed * e.weight).round() as usize;
                    let pairs = e.weight as usize;
                    (0..pairs).map(move |k| (p, k < failed))
                })
                .collect();
            score += auroc(&scored).unwrap_or(0.5);
        }
        eprintln!(
            "vocabulary L2 {l2}: mean AUROC of the two inner folds {:.4}",
            score / 2.0
        );
        if score > best.0 {
            best = (score, l2);
        }
    }
    eprintln!("chosen L2 {}", best.1);
    fit(&examples(tune.into_iter()), best.1)
}

fn predict(model: &DifficultyModel, e: &Example) -> f32 {
    let mean: f32 = e
        .words
        .iter()
        .map(|(b, share)| model.buckets[*b] * share)
        .sum();
    model.probability(&e.dense, mean)
}

/// Weighted logistic regression by AdaGrad, deterministic: dense signals standardised inside,
/// folded back into raw weights at the end; the vocabulary's weight is fixed at 1 and its
/// buckets learn.
fn fit(examples: &[Example], l2: f32) -> DifficultyModel {
    let d = DENSE.len();
    let total: f32 = examples.iter().map(|e| e.weight).sum();
    let mut mean = vec![0.0f32; d];
    let mut sd = vec![0.0f32; d];
    for e in examples {
        for (m, x) in mean.iter_mut().zip(e.dense) {
            *m += e.weight * x / total;
        }
    }
    for e in examples {
        for ((s, m), x) in sd.iter_mut().zip(&mean).zip(e.dense) {
            *s += e.weight * (x - m).powi(2) / total;
        }
    }
    let sd: Vec<f32> = sd.iter().map(|v| v.sqrt().max(1e-3)).collect();
    let mut rows_with = vec![0usize; BUCKETS];
    for e in examples {
        for (b, _) in &e.words {
            rows_with[*b] += 1;
        }
    }
    let (mut bias, mut w, mut v) = (0.0f32, vec![0.0f32; d], vec![0.0f32; BUCKETS]);
    let (mut g_bias, mut g_w, mut g_v) = (1e-8f32, vec![1e-8f32; d], vec![1e-8f32; BUCKETS]);
    for _ in 0..EPOCHS {
        let mut grad_bias = 0.0;
        let mut grad_w = vec![0.0f32; d];
        let mut grad_v = vec![0.0f32; BUCKETS];
        for e in examples {
            let standard: Vec<f32> = (0..d).map(|k| (e.dense[k] - mean[k]) / sd[k]).collect();
            let mut z = bias + w.iter().zip(&standard).map(|(w, x)| w * x).sum::<f32>();
            for (b, share) in &e.words {
                z += v[*b] * share;
            }
            let p = 1.0 / (1.0 + (-z).exp());
            let r = e.weight * (p - e.failed) / total;
            grad_bias += r;
            for (g, x) in grad_w.iter_mut().zip(&standard) {
                *g += r * x;
            }
            for (b, share) in &e.words {
                grad_v[*b] += r * share;
            }
        }
        g_bias += grad_bias * grad_bias;
        bias -= STEP * grad_bias / g_bias.sqrt();
        for ((w, acc), grad) in w.iter_mut().zip(&mut g_w).zip(&grad_w) {
            let g = grad + 1e-4 * *w;
            *acc += g * g;
            *w -= STEP * g / acc.sqrt();
        }
        for (((v, acc), grad), rows) in v.iter_mut().zip(&mut g_v).zip(&grad_v).zip(&rows_with) {
            if *rows < MIN_ROWS {
                continue;
            }
            let g = grad + l2 * *v;
            *acc += g * g;
            *v -= STEP * g / acc.sqrt();
        }
    }
    let mut dense = [0.0f32; DENSE.len()];
    for (k, raw) in dense.iter_mut().enumerate() {
        *raw = w[k] / sd[k];
        bias -= w[k] * mean[k] / sd[k];
    }
    DifficultyModel {
        bias,
        dense,
        vocabulary: 1.0,
        buckets: v,
    }
}

/// (score, the cheaper model failed) per question and pair.
type Points = Vec<(f32, bool)>;

fn report(rows: &[OutcomeRow]) {
    println!("Difficulty on public outcomes: {} questions", rows.len());
    println!(
        "(label: the cheaper model of a pair answered wrong; one point per question and pair)\n"
    );
    println!(
        "{:<12} {:<10} {:>7} {:>9} {:>9} {:>9}",
        "half", "source", "points", "failed", "score", "model"
    );
    for held_out in [false, true] {
        let half = if held_out { "held_out" } else { "tune" };
        let mut by_source: BTreeMap<&str, (Points, Points)> = BTreeMap::new();
        for row in rows.iter().filter(|r| r.held_out() == held_out) {
            let record = row.record();
            let score = classify(&record).complexity;
            let p = difficulty(&record).unwrap_or(0.0);
            for outcome in row.outcomes.values() {
                for key in [row.source.as_str(), "all"] {
                    let entry = by_source.entry(key).or_default();
                    entry.0.push((score, outcome.cheap_failed()));
                    entry.1.push((p, outcome.cheap_failed()));
                }
            }
        }
        for (source, (score, p)) in &by_source {
            let failed = score.iter().filter(|s| s.1).count() as f64 / score.len() as f64;
            println!(
                "{half:<12} {source:<10} {:>7} {:>8.1}% {:>9.3} {:>9.3}",
                score.len(),
                100.0 * failed,
                auroc(score).unwrap_or(f64::NAN),
                auroc(p).unwrap_or(f64::NAN),
            );
        }
    }
    println!("\nCalibration on the held-out half, by complexity tier:");
    println!(
        "{:<10} {:>7} {:>13} {:>13}",
        "tier", "points", "cheap failed", "degraded"
    );
    let mut tiers: BTreeMap<Tier, (usize, usize, usize)> = BTreeMap::new();
    for row in rows.iter().filter(|r| r.held_out()) {
        let tier = classify(&row.record()).tier;
        for outcome in row.outcomes.values() {
            let cell = tiers.entry(tier).or_default();
            cell.0 += 1;
            cell.1 += usize::from(outcome.cheap_failed());
            cell.2 += usize::from(*outcome == Outcome::Cheap);
        }
    }
    for (tier, (n, failed, degraded)) in tiers {
        println!(
            "{:<10} {n:>7} {:>12.1}% {:>12.1}%",
            tier.as_str(),
            100.0 * failed as f64 / n as f64,
            100.0 * degraded as f64 / n as f64
        );
    }
}
