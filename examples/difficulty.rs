//! The difficulty score against public outcomes (`fixtures/difficulty/outcomes.jsonl`).
//!
//! `cargo run --release --example difficulty` prints the AUROC of the complexity score (and of
//! the difficulty model alone) on the tuning and held-out halves, per source, and a calibration
//! table: per complexity tier, how often the cheaper model of a pair failed and how often its
//! answer was worse than the flagship's.
//!
//! `cargo run --release --example difficulty -- --train` fits the difficulty model on the
//! tuning half only and writes `data/difficulty_model.txt`. `-- --bands` prints the score
//! bands' evidence for the risk priors; `-- --thresholds` weighs other tier thresholds.

#![allow(clippy::disallowed_macros, clippy::disallowed_methods)] // Not a report: prints its own text.

use std::collections::BTreeMap;

use llm_audit::classify::difficulty::{BUCKETS, DENSE, DifficultyModel, auroc};
use llm_audit::classify::difficulty::{Outcome, OutcomeRow, read_outcomes};
use llm_audit::classify::{
    COMPLEX_THRESHOLD, MODERATE_THRESHOLD, SIMPLE_THRESHOLD, Tier, classify, difficulty,
    difficulty_inputs,
};
use llm_audit::pricing::PriceCatalog;
use llm_audit::risk::{BAND_SHRINK, Gap, RiskPriors, band_evidence, pair_gap};

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
    } else if std::env::args().any(|a| a == "--thresholds") {
        thresholds(&rows);
    } else {
        report(&rows);
    }
}

/// Degradation (the cheaper model wrong, the flagship right) per score band of the risk priors,
/// over all pairs and per capability gap, on the held-out half, and the factors they give (what
/// the `[[score_band]]` entries of `data/risk_priors.toml` state; a test checks they agree).
fn bands(rows: &[OutcomeRow]) {
    let priors = RiskPriors::embedded().unwrap_or_else(|err| panic!("{err}"));
    let catalog = PriceCatalog::embedded().unwrap_or_else(|err| panic!("{err}"));
    let mut gaps: BTreeMap<&str, Gap> = BTreeMap::new();
    for row in rows {
        for pair in row.outcomes.keys() {
            gaps.entry(pair).or_insert_with(|| pair_gap(pair, &catalog));
        }
    }
    println!("pairs and their capability gap (catalog tiers; unknown models count as one step):");
    for (pair, gap) in &gaps {
        println!("  {pair}: {}", gap.as_str());
    }
    let rate =
        |d: u64, n: u64| format!("{d:>4}/{n:<5} {:>5.1}%", 100.0 * d as f64 / n.max(1) as f64);
    println!(
        "\n(band and tier: degraded/points; factors shrunk by {BAND_SHRINK} points: pooled toward 1,"
    );
    println!(" each gap toward the pooled factor; a gap without points takes the pooled factor)");
    for (band, e) in priors
        .bands()
        .iter()
        .zip(band_evidence(rows, &priors, &catalog))
    {
        println!(
            "{:<14} all {} (tier {}) pooled {:.2}",
            band.name,
            rate(e.all.degraded, e.all.points),
            rate(e.all.tier_degraded, e.all.tier_points),
            e.pooled
        );
        for gap in Gap::ALL {
            let c = e.by_gap[gap as usize];
            println!(
                "    {:<10} {} (tier {}) factor {:.2}",
                gap.as_str(),
                rate(c.degraded, c.points),
                rate(c.tier_degraded, c.tier_points),
                e.factors[gap as usize]
            );
        }
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

/// The tier of `score` under thresholds `[simple, moderate, complex]`.
fn tier_under(score: f32, t: [f32; 3]) -> usize {
    t.iter().filter(|at| score >= **at).count()
}

/// Gain in log-likelihood per point of one degradation rate per tier over one rate for all: how
/// much a set of thresholds tells degraded points from the rest.
fn split_gain(points: &[(f32, bool)], t: [f32; 3]) -> f64 {
    let mut cells = [(0.0f64, 0.0f64); 4];
    for (score, degraded) in points {
        let cell = &mut cells[tier_under(*score, t)];
        cell.0 += 1.0;
        cell.1 += f64::from(u8::from(*degraded));
    }
    let ll = |n: f64, d: f64| {
        if d == 0.0 || d == n {
            0.0
        } else {
            d * (d / n).ln() + (n - d) * (1.0 - d / n).ln()
        }
    };
    let (n, d) = cells.iter().fold((0.0, 0.0), |a, c| (a.0 + c.0, a.1 + c.1));
    (cells.iter().map(|c| ll(c.0, c.1)).sum::<f64>() - ll(n, d)) / n.max(1.0)
}

/// Other tier thresholds weighed on the tuning half of the public outcomes (how well they split
/// degraded points) beside the hand-labelled calls' dev half (tier accuracy under them).
fn thresholds(rows: &[OutcomeRow]) {
    let points: Vec<(f32, bool)> = rows
        .iter()
        .filter(|r| !r.held_out())
        .flat_map(|r| {
            let score = classify(&r.record()).complexity;
            r.outcomes
                .values()
                .map(move |o| (score, *o == Outcome::Cheap))
        })
        .collect();
    let root = env!("CARGO_MANIFEST_DIR");
    let mut labelled = Vec::new();
    for file in ["labelled_a.jsonl", "labelled_b.jsonl"] {
        let text = std::fs::read_to_string(format!("{root}/fixtures/classify/{file}"))
            .expect("the labelled calls");
        for line in text.lines() {
            let value: serde_json::Value = serde_json::from_str(line).expect("a labelled call");
            let id = value["label"]["id"].as_str().unwrap_or_default();
            // Odd ids are the dev half, the only one tuned on.
            if id
                .get(2..)
                .and_then(|n| n.parse::<u32>().ok())
                .is_none_or(|n| n % 2 == 0)
            {
                continue;
            }
            let tier = value["label"]["tier"].as_str().and_then(Tier::from_name);
            let parsed = llm_audit::ingest::parse_lines(
                llm_audit::ingest::InputFormat::Openai,
                &[line.as_bytes()],
            );
            if let (Some(tier), Some(llm_audit::ingest::LineOutcome::Call(record))) =
                (tier, parsed.into_iter().next().map(|p| p.outcome))
            {
                labelled.push((classify(&record).complexity, tier as usize));
            }
        }
    }
    let accuracy = |t: [f32; 3]| {
        labelled
            .iter()
            .filter(|(s, tier)| tier_under(*s, t) == *tier)
            .count() as f64
            / labelled.len().max(1) as f64
    };
    let current = [SIMPLE_THRESHOLD, MODERATE_THRESHOLD, COMPLEX_THRESHOLD];
    let mut grid = Vec::new();
    for simple in [0.05f32, 0.06, 0.07, 0.08, 0.09, 0.10] {
        for moderate in [0.16f32, 0.18, 0.20, 0.22, 0.24, 0.26, 0.28] {
            for complex in [0.34f32, 0.38, 0.42, 0.46, 0.50] {
                let t = [simple, moderate, complex];
                grid.push((split_gain(&points, t), accuracy(t), t));
            }
        }
    }
    grid.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)));
    println!(
        "current {current:?}: gain {:.5} a point, labelled dev tier accuracy {:.3}",
        split_gain(&points, current),
        accuracy(current)
    );
    println!("best gains among thresholds keeping the labelled dev accuracy:");
    for (gain, dev, t) in grid.iter().filter(|g| g.1 >= accuracy(current)).take(5) {
        println!("  {t:?}: gain {gain:.5}, dev accuracy {dev:.3}");
    }
    println!("best gains overall:");
    for (gain, dev, t) in grid.iter().take(5) {
        println!("  {t:?}: gain {gain:.5}, dev accuracy {dev:.3}");
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
    // The held-out half's points by tier: (points, cheaper failed, degraded).
    let mut tiers: BTreeMap<Tier, (usize, usize, usize)> = BTreeMap::new();
    for held_out in [false, true] {
        let half = if held_out { "held_out" } else { "tune" };
        let mut by_source: BTreeMap<&str, (Points, Points)> = BTreeMap::new();
        for row in rows.iter().filter(|r| r.held_out() == held_out) {
            let record = row.record();
            let verdict = classify(&record);
            let score = verdict.complexity;
            let p = difficulty(&record).unwrap_or(0.0);
            for outcome in row.outcomes.values() {
                if held_out {
                    let cell = tiers.entry(verdict.tier).or_default();
                    cell.0 += 1;
                    cell.1 += usize::from(outcome.cheap_failed());
                    cell.2 += usize::from(*outcome == Outcome::Cheap);
                }
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
    for (tier, (n, failed, degraded)) in tiers {
        println!(
            "{:<10} {n:>7} {:>12.1}% {:>12.1}%",
            tier.as_str(),
            100.0 * failed as f64 / n as f64,
            100.0 * degraded as f64 / n as f64
        );
    }
}
