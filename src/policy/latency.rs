//! Per-model latency for the replay: fitted from the logs' own timings where a model has enough
//! of them, else a public per-model throughput prior, else the prior of the model's tier.
//!
//! A call's latency is modelled as `time to first token + output tokens × time per output
//! token` (output includes reasoning tokens, so thinking time is decode time). The estimators
//! are medians, not means, because logged latencies are heavy-tailed: retries inside an SDK,
//! rate-limit back-off and cold starts put a few calls at ten times the typical time, and one
//! such call moves a mean (or a least-squares line) arbitrarily far while a median ignores it
//! until nearly half the calls are affected.
//!
//! - Calls that log time to first token: the first-token time is the median logged one, and
//!   the per-token time the median of `(latency − first token) / output` over calls with at
//!   least [`MIN_DECODE_OUTPUT_TOKENS`] output tokens (shorter answers make the ratio noise).
//! - Calls with end-to-end latency only: a Theil–Sen line `latency = a + b × output`, the
//!   median of the slopes between every two calls of different output length, and the median
//!   of `latency − b × output` as intercept. It tolerates up to ~29% arbitrary outliers, needs
//!   no tuning constant (unlike Huber or RANSAC) and is exact on noiseless data. It is
//!   quadratic in the points, so it runs on a deterministic, evenly strided sample of at most
//!   [`SAMPLE_CAPACITY`] calls per model.
//!
//! Every sample is strided by call order (never random, never by thread timing), so the same
//! rows give the same fit, and memory per model stays bounded however long the logs are.

use std::collections::{BTreeMap, BTreeSet};

use crate::pipeline::CallRow;
use crate::policy::priors::{LatencyPrior, Priors};
use crate::pricing::PriceCatalog;

/// Timed calls a model needs before its own logs outweigh the prior.
pub const MIN_CALLS_TO_FIT: u64 = 20;

/// Calls with a per-token decode time needed before their median replaces the prior's rate.
const MIN_DECODE_CALLS: usize = 5;

/// Shortest answer whose `(latency − first token) / output` counts as a decode-rate sample.
pub const MIN_DECODE_OUTPUT_TOKENS: u64 = 16;

/// Most points kept per model and per sample: the Theil–Sen fit compares every pair of them
/// (256 points make 32,640 slopes), and a median needs no more to be stable.
pub const SAMPLE_CAPACITY: usize = 256;

/// Where a model's latency figures come from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LatencyBasis {
    /// Fitted from the model's own timed calls in the logs.
    Fitted,
    /// Public throughput figures for this model (`[model.*]` in the priors file).
    ModelPrior,
    /// The prior of the model's capability tier.
    TierPrior,
}

impl LatencyBasis {
    /// How the report names the basis.
    pub fn label(self) -> &'static str {
        match self {
            LatencyBasis::Fitted => "fitted from the logs",
            LatencyBasis::ModelPrior => "model prior",
            LatencyBasis::TierPrior => "tier prior",
        }
    }
}

/// One model's latency: first token, then a steady time per output token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencyFit {
    /// Time to first token, milliseconds.
    pub ttft_ms: f64,
    /// Decode time per output token (reasoning included), milliseconds. A first-token fit
    /// whose calls are too short to time decoding keeps the prior's rate here.
    pub ms_per_output_token: f64,
    /// Usable timed calls of the model in the logs (also when too few to fit).
    pub calls: u64,
    pub basis: LatencyBasis,
}

impl LatencyFit {
    /// Estimated end-to-end latency of a call producing `output_tokens`.
    pub fn latency_ms(&self, output_tokens: u64) -> f64 {
        self.ttft_ms + output_tokens as f64 * self.ms_per_output_token
    }

    /// The fit a prior implies.
    fn from_prior(prior: LatencyPrior, calls: u64, basis: LatencyBasis) -> LatencyFit {
        LatencyFit {
            ttft_ms: prior.time_to_first_token_ms,
            ms_per_output_token: 1000.0 / prior.output_tokens_per_second,
            calls,
            basis,
        }
    }
}

/// Latency of every catalog entry for one run: fitted, model prior or tier prior.
#[derive(Debug, Clone)]
pub struct LatencyModels {
    /// Indexed by catalog entry.
    by_entry: Vec<LatencyFit>,
    /// Entries that priced at least one logged call, for [`LatencyModels::fits`].
    seen: BTreeSet<u32>,
    /// For calls no catalog entry priced: the flagship (slowest) tier prior.
    unknown: LatencyFit,
}

impl LatencyModels {
    /// Fits every catalog entry (`CallRow::price`) that has enough timed calls. The price
    /// periods of one model share one fit (a price change does not change the serving), and
    /// failed and batch calls are left out: their latency is an error path or a queue.
    pub fn fit(
        rows: impl IntoIterator<Item = CallRow>,
        catalog: &PriceCatalog,
        priors: &Priors,
    ) -> LatencyModels {
        let entries = catalog.entries();
        // Each entry's first price period stands for the model.
        let model_of: Vec<u32> = (0..entries.len() as u32)
            .map(|index| catalog.periods(index).first().copied().unwrap_or(index))
            .collect();
        let mut timings: BTreeMap<u32, Timings> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for row in rows {
            let Some(price) = row.price else { continue };
            // A row priced by another catalog than this one: nothing to fit it to.
            let Some(&model) = model_of.get(price as usize) else {
                continue;
            };
            seen.insert(price);
            if !(row.flags.failed || row.flags.batch) {
                timings.entry(model).or_default().add(&row);
            }
        }
        let by_entry = entries
            .iter()
            .zip(&model_of)
            .map(|(entry, model)| {
                let (prior, basis) = match priors.model_latency(&entry.id) {
                    Some(prior) => (prior, LatencyBasis::ModelPrior),
                    None => (priors.latency(&entry.tier), LatencyBasis::TierPrior),
                };
                match timings.get(model) {
                    Some(timings) => timings.fit(prior, basis),
                    None => LatencyFit::from_prior(prior, 0, basis),
                }
            })
            .collect();
        LatencyModels {
            by_entry,
            seen,
            unknown: LatencyFit::from_prior(priors.latency("flagship"), 0, LatencyBasis::TierPrior),
        }
    }

    /// Latency of a call with `output_tokens` on entry `price` (None: flagship tier prior).
    pub fn latency_ms(&self, price: Option<u32>, output_tokens: u64) -> f64 {
        self.fit_for(price).latency_ms(output_tokens)
    }

    /// The latency model of entry `price` (None, or an index outside the catalog: the
    /// flagship tier prior).
    pub fn fit_for(&self, price: Option<u32>) -> LatencyFit {
        price
            .and_then(|price| self.by_entry.get(price as usize))
            .copied()
            .unwrap_or(self.unknown)
    }

    /// Every fitted or model-prior entry that priced a logged call, for the report, in
    /// catalog entry order. Entries on their tier prior are left out: the tier table says it.
    pub fn fits(&self) -> Vec<(u32, LatencyFit)> {
        self.seen
            .iter()
            .filter_map(|&price| {
                let fit = self.by_entry.get(price as usize)?;
                (fit.basis != LatencyBasis::TierPrior).then_some((price, *fit))
            })
            .collect()
    }
}

/// One model's usable timings, sampled.
#[derive(Debug, Default)]
struct Timings {
    /// Calls with a usable end-to-end latency.
    timed_calls: u64,
    /// Calls with a usable time to first token.
    first_token_calls: u64,
    /// `(output tokens, latency ms)` of timed calls.
    end_to_end: StridedSample<(f64, f64)>,
    first_token_ms: StridedSample<f64>,
    /// `(latency − first token) / output` of calls with enough output.
    ms_per_token: StridedSample<f64>,
}

impl Timings {
    fn add(&mut self, row: &CallRow) {
        let latency = row.latency_ms.map(f64::from).filter(|ms| usable(*ms));
        let output = row.tokens.output;
        if let Some(latency) = latency {
            self.timed_calls += 1;
            self.end_to_end.push((output as f64, latency));
        }
        // A non-streamed response arrives in one piece, so a logged first-token time equal to
        // the whole latency says nothing about the first token.
        let first_token = row
            .time_to_first_token_ms
            .map(f64::from)
            .filter(|ms| usable(*ms))
            .filter(|ms| row.flags.streamed || latency.is_some_and(|latency| *ms < latency));
        if let Some(first_token) = first_token {
            self.first_token_calls += 1;
            self.first_token_ms.push(first_token);
            if let Some(latency) = latency
                && output >= MIN_DECODE_OUTPUT_TOKENS
                && latency > first_token
            {
                self.ms_per_token
                    .push((latency - first_token) / output as f64);
            }
        }
    }

    /// The model's fit, or `prior` (with `basis`) when the logs do not support one.
    fn fit(&self, prior: LatencyPrior, basis: LatencyBasis) -> LatencyFit {
        let prior_ms_per_token = 1000.0 / prior.output_tokens_per_second;
        let fitted = |ttft_ms: f64, ms_per_output_token: f64, calls: u64| LatencyFit {
            ttft_ms,
            ms_per_output_token,
            calls,
            basis: LatencyBasis::Fitted,
        };
        if self.first_token_calls >= MIN_CALLS_TO_FIT
            && let Some(ttft) = median(&mut self.first_token_ms.items.clone())
        {
            let per_token = if self.ms_per_token.items.len() >= MIN_DECODE_CALLS {
                median(&mut self.ms_per_token.items.clone())
            } else {
                None
            };
            return fitted(
                ttft,
                per_token.unwrap_or(prior_ms_per_token),
                self.first_token_calls,
            );
        }
        let calls = self.timed_calls.max(self.first_token_calls);
        if self.timed_calls < MIN_CALLS_TO_FIT {
            return LatencyFit::from_prior(prior, calls, basis);
        }
        if let Some((intercept, slope)) = theil_sen(&self.end_to_end.items) {
            return fitted(intercept, slope, self.timed_calls);
        }
        // Degenerate line (one output length, or latency falling with output): keep the
        // prior's decode rate and put the rest of the typical latency before the first token.
        let mut residuals: Vec<f64> = self
            .end_to_end
            .items
            .iter()
            .map(|(output, latency)| latency - prior_ms_per_token * output)
            .collect();
        match median(&mut residuals) {
            Some(ttft) if ttft > 0.0 => fitted(ttft, prior_ms_per_token, self.timed_calls),
            _ => LatencyFit::from_prior(prior, calls, basis),
        }
    }
}

/// A logged duration the fit can use.
fn usable(ms: f64) -> bool {
    ms.is_finite() && ms > 0.0
}

/// Theil–Sen line through `(x, y)` points: `(intercept ≥ 0, slope > 0)`, or `None` when no two
/// points differ in `x` or the median slope is not positive.
fn theil_sen(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let mut slopes = Vec::with_capacity(points.len() * points.len().saturating_sub(1) / 2);
    for (i, (x1, y1)) in points.iter().enumerate() {
        for (x2, y2) in &points[i + 1..] {
            if x1 != x2 {
                slopes.push((y2 - y1) / (x2 - x1));
            }
        }
    }
    let slope = median(&mut slopes).filter(|slope| slope.is_finite() && *slope > 0.0)?;
    let mut intercepts: Vec<f64> = points.iter().map(|(x, y)| y - slope * x).collect();
    let intercept = median(&mut intercepts)?.max(0.0);
    Some((intercept, slope))
}

/// Median of `values` (reordered in place); the mean of the two middle values when even.
fn median(values: &mut [f64]) -> Option<f64> {
    let count = values.len();
    if count == 0 {
        return None;
    }
    let (lower, upper, _) = values.select_nth_unstable_by(count / 2, f64::total_cmp);
    let upper = *upper;
    if count % 2 == 1 {
        return Some(upper);
    }
    let below = lower.iter().copied().max_by(f64::total_cmp)?;
    Some((below + upper) / 2.0)
}

/// The items at call positions `0, stride, 2·stride, …`: when it outgrows
/// [`SAMPLE_CAPACITY`], every other item goes and the stride doubles. Between half and all of
/// the capacity is kept once that many items were pushed; which ones depends only on order.
#[derive(Debug)]
struct StridedSample<T> {
    items: Vec<T>,
    stride: u64,
    pushed: u64,
}

impl<T> Default for StridedSample<T> {
    fn default() -> Self {
        StridedSample {
            items: Vec::new(),
            stride: 1,
            pushed: 0,
        }
    }
}

impl<T> StridedSample<T> {
    fn push(&mut self, item: T) {
        if self.pushed.is_multiple_of(self.stride) {
            self.items.push(item);
            if self.items.len() > SAMPLE_CAPACITY {
                let mut position = 0;
                self.items.retain(|_| {
                    position += 1;
                    position % 2 == 1
                });
                self.stride *= 2;
            }
        }
        self.pushed += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::{Classification, Reasons, Task, Tier};
    use crate::record::{Provider, TokenBuckets};

    /// Three models: `timed` (mid tier, no model prior), `known` (small tier, with the model
    /// prior below) and a second price period of `timed`.
    const CATALOG: &str = r#"
version = "test"
[[model]]
id = "timed"
provider = "openai"
tier = "mid"
input = 1.0
output = 2.0
source = "test"
checked = "2026-11-21"
[[model]]
id = "known"
provider = "openai"
tier = "small"
input = 1.0
output = 2.0
source = "test"
checked = "2026-11-21"
[[model]]
id = "timed"
provider = "openai"
tier = "mid"
input = 0.5
output = 1.0
effective_from = "2026-06-01"
source = "test"
checked = "2026-11-21"
"#;

    /// Tier priors plus a model prior for `known`: 300 ms first token, 200 tokens/s.
    const PRIORS: &str = r#"
batch_window_ms = 86400000
[latency.flagship]
time_to_first_token_ms = 1200
output_tokens_per_second = 50
[latency.mid]
time_to_first_token_ms = 800
output_tokens_per_second = 80
[latency.small]
time_to_first_token_ms = 500
output_tokens_per_second = 150
[model.known]
time_to_first_token_ms = 300
output_tokens_per_second = 200
source = "test"
checked = "2026-11-21"
"#;

    fn catalog() -> PriceCatalog {
        PriceCatalog::from_toml(CATALOG).unwrap()
    }

    fn priors() -> Priors {
        Priors::from_toml(PRIORS).unwrap()
    }

    fn entry(catalog: &PriceCatalog, id: &str) -> u32 {
        catalog.history(id)[0]
    }

    fn row(price: u32, output: u64, latency_ms: Option<f32>, ttft_ms: Option<f32>) -> CallRow {
        CallRow {
            source: 0,
            line: 1,
            timestamp_ms: None,
            model: 0,
            provider: Provider::OpenAi,
            price: Some(price),
            tokens: TokenBuckets {
                input: 100,
                output,
                ..TokenBuckets::default()
            },
            cost: None,
            stated_cost: None,
            latency_ms,
            time_to_first_token_ms: ttft_ms,
            classification: Classification {
                complexity: 0.1,
                tier: Tier::Simple,
                task: Task::Extraction,
                confidence: 0.9,
                reasons: Reasons::default(),
                verifiable: None,
                rule: None,
            },
            flags: Default::default(),
            prefixes: None,
            dedupe_key: None,
            logged_id: false,
            attempt_group: None,
            request_hash: None,
            tags: 0,
            session: 0,
            text_tokens: None,
        }
    }

    /// `count` end-to-end-only calls on `price` with latency 400 + 20 × output exactly, output
    /// cycling through 10, 20, …, 500 tokens.
    fn line_rows(price: u32, count: usize) -> Vec<CallRow> {
        (0..count)
            .map(|i| {
                let output = 10 * (i as u64 % 50 + 1);
                row(price, output, Some(400.0 + 20.0 * output as f32), None)
            })
            .collect()
    }

    fn assert_close(actual: f64, expected: f64, relative: f64) {
        assert!(
            (actual - expected).abs() <= relative * expected.abs(),
            "{actual} is not within {relative} of {expected}"
        );
    }

    #[test]
    fn noiseless_line_is_recovered_exactly() {
        let catalog = catalog();
        let timed = entry(&catalog, "timed");
        let models = LatencyModels::fit(line_rows(timed, 100), &catalog, &priors());
        let fit = models.fit_for(Some(timed));
        // Every pairwise slope is exactly 20 and every y − 20x exactly 400.
        assert_eq!(fit.basis, LatencyBasis::Fitted);
        assert_eq!(fit.ttft_ms, 400.0);
        assert_eq!(fit.ms_per_output_token, 20.0);
        assert_eq!(fit.calls, 100);
        // 400 + 20 × 250 = 5400 ms.
        assert_eq!(models.latency_ms(Some(timed), 250), 5400.0);
    }

    #[test]
    fn wild_outliers_leave_the_line_within_a_few_percent() {
        let catalog = catalog();
        let timed = entry(&catalog, "timed");
        // 1000 calls on 400 + 20x with ±3% deterministic jitter; every fifth call (20%) takes
        // ten times as long, as a retried or queued call would.
        let mut state: u64 = 7;
        let rows: Vec<CallRow> = (0..1000)
            .map(|i| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let jitter = 1.0 + 0.06 * ((state >> 11) as f64 / (1u64 << 53) as f64 - 0.5);
                let output = 10 + (i as u64 * 37) % 990;
                let clean = (400.0 + 20.0 * output as f64) * jitter;
                let latency = if i % 5 == 0 { clean * 10.0 } else { clean };
                row(timed, output, Some(latency as f32), None)
            })
            .collect();
        let fit =
            LatencyModels::fit(rows.iter().copied(), &catalog, &priors()).fit_for(Some(timed));
        assert_eq!(fit.basis, LatencyBasis::Fitted);
        assert_close(fit.ms_per_output_token, 20.0, 0.05);
        // The intercept is a small part of a ~10 s call, so judge it on a typical call:
        // 400 + 20 × 500 = 10,400 ms.
        assert_close(fit.latency_ms(500), 10_400.0, 0.05);
        // A least-squares line would be pulled far up: the mean latency alone is ~2.8× clean.
        assert!(fit.latency_ms(500) < 12_000.0);
    }

    #[test]
    fn first_token_path_uses_medians() {
        let catalog = catalog();
        let timed = entry(&catalog, "timed");
        // 30 streamed calls, 100 output tokens each: first token 250 ms for 27 calls and
        // 60,000 ms for 3 (median 250); decode 10 ms/token for 27 and 500 for 3 (median 10),
        // so latency = 250 + 1000 = 1250 ms typically.
        let rows: Vec<CallRow> = (0..30)
            .map(|i| {
                let slow = i % 10 == 0;
                let ttft: f32 = if slow { 60_000.0 } else { 250.0 };
                let per_token: f32 = if slow { 500.0 } else { 10.0 };
                let mut call = row(timed, 100, Some(ttft + 100.0 * per_token), Some(ttft));
                call.flags.streamed = true;
                call
            })
            .collect();
        let fit =
            LatencyModels::fit(rows.iter().copied(), &catalog, &priors()).fit_for(Some(timed));
        assert_eq!(fit.basis, LatencyBasis::Fitted);
        assert_eq!(fit.ttft_ms, 250.0);
        assert_eq!(fit.ms_per_output_token, 10.0);
        assert_eq!(fit.calls, 30);
    }

    #[test]
    fn non_streamed_first_token_equal_to_latency_is_not_a_first_token() {
        let catalog = catalog();
        let timed = entry(&catalog, "timed");
        // The log copies the whole latency into the first-token field: the line fit applies.
        let rows: Vec<CallRow> = line_rows(timed, 40)
            .into_iter()
            .map(|mut call| {
                call.time_to_first_token_ms = call.latency_ms;
                call
            })
            .collect();
        let fit =
            LatencyModels::fit(rows.iter().copied(), &catalog, &priors()).fit_for(Some(timed));
        assert_eq!((fit.ttft_ms, fit.ms_per_output_token), (400.0, 20.0));
    }

    #[test]
    fn too_few_calls_keep_the_prior() {
        let catalog = catalog();
        let timed = entry(&catalog, "timed");
        let known = entry(&catalog, "known");
        let mut rows = line_rows(timed, 19);
        rows.extend(line_rows(known, 19));
        let models = LatencyModels::fit(rows.iter().copied(), &catalog, &priors());
        // `timed` has no model prior: mid tier, 800 ms and 1000 / 80 = 12.5 ms per token.
        let fit = models.fit_for(Some(timed));
        assert_eq!(fit.basis, LatencyBasis::TierPrior);
        assert_eq!((fit.ttft_ms, fit.ms_per_output_token), (800.0, 12.5));
        assert_eq!(fit.calls, 19);
        // `known` has a model prior, which beats its small tier: 300 ms, 1000 / 200 = 5 ms.
        let fit = models.fit_for(Some(known));
        assert_eq!(fit.basis, LatencyBasis::ModelPrior);
        assert_eq!((fit.ttft_ms, fit.ms_per_output_token), (300.0, 5.0));
        // Only model priors are reported.
        assert_eq!(models.fits(), vec![(known, fit)]);
    }

    #[test]
    fn fitted_beats_the_model_prior() {
        let catalog = catalog();
        let known = entry(&catalog, "known");
        let models = LatencyModels::fit(line_rows(known, 20), &catalog, &priors());
        let fit = models.fit_for(Some(known));
        assert_eq!(fit.basis, LatencyBasis::Fitted);
        assert_eq!((fit.ttft_ms, fit.ms_per_output_token), (400.0, 20.0));
    }

    #[test]
    fn failed_batch_and_unusable_timings_are_ignored() {
        let catalog = catalog();
        let timed = entry(&catalog, "timed");
        let mut rows = line_rows(timed, 19);
        // 19 clean calls plus 40 that must not count: failed, batch, NaN, zero and negative.
        for i in 0..40u64 {
            let mut call = row(timed, 100, Some(90_000.0), None);
            match i % 5 {
                0 => call.flags.failed = true,
                1 => call.flags.batch = true,
                2 => call.latency_ms = Some(f32::NAN),
                3 => call.latency_ms = Some(0.0),
                _ => call.latency_ms = Some(-5.0),
            }
            rows.push(call);
        }
        let models = LatencyModels::fit(rows.iter().copied(), &catalog, &priors());
        let fit = models.fit_for(Some(timed));
        assert_eq!(fit.basis, LatencyBasis::TierPrior);
        assert_eq!(fit.calls, 19);
        // One more clean call reaches 20 and the fit is the clean line.
        rows.extend(line_rows(timed, 1));
        let fit =
            LatencyModels::fit(rows.iter().copied(), &catalog, &priors()).fit_for(Some(timed));
        assert_eq!(fit.basis, LatencyBasis::Fitted);
        assert_eq!((fit.ttft_ms, fit.ms_per_output_token), (400.0, 20.0));
    }

    #[test]
    fn price_periods_of_one_model_share_a_fit() {
        let catalog = catalog();
        let periods = catalog.history("timed");
        assert_eq!(periods.len(), 2);
        // 10 calls on each period: 20 together, enough to fit both.
        let mut rows = line_rows(periods[0], 10);
        rows.extend(line_rows(periods[1], 10));
        let models = LatencyModels::fit(rows.iter().copied(), &catalog, &priors());
        for period in &periods {
            let fit = models.fit_for(Some(*period));
            assert_eq!(fit.basis, LatencyBasis::Fitted);
            assert_eq!(fit.calls, 20);
        }
        assert_eq!(
            models
                .fits()
                .iter()
                .map(|(index, _)| *index)
                .collect::<Vec<_>>(),
            periods
        );
    }

    #[test]
    fn one_output_length_keeps_the_prior_decode_rate() {
        let catalog = catalog();
        let timed = entry(&catalog, "timed");
        // 25 calls of 80 output tokens taking 2000 ms: no slope to fit, so the mid prior's
        // 12.5 ms/token stays and the first token gets 2000 − 80 × 12.5 = 1000 ms.
        let rows: Vec<CallRow> = (0..25)
            .map(|_| row(timed, 80, Some(2000.0), None))
            .collect();
        let fit =
            LatencyModels::fit(rows.iter().copied(), &catalog, &priors()).fit_for(Some(timed));
        assert_eq!(fit.basis, LatencyBasis::Fitted);
        assert_eq!((fit.ttft_ms, fit.ms_per_output_token), (1000.0, 12.5));
        // Faster than the prior's decode alone (80 × 12.5 = 1000 ms > 900 ms): the prior.
        let rows: Vec<CallRow> = (0..25).map(|_| row(timed, 80, Some(900.0), None)).collect();
        let fit =
            LatencyModels::fit(rows.iter().copied(), &catalog, &priors()).fit_for(Some(timed));
        assert_eq!(fit.basis, LatencyBasis::TierPrior);
    }

    #[test]
    fn unknown_model_gets_the_flagship_prior() {
        let catalog = catalog();
        let models = LatencyModels::fit(Vec::new(), &catalog, &priors());
        // Flagship: 1200 + 100 × 1000 / 50 = 3200 ms.
        assert_eq!(models.latency_ms(None, 100), 3200.0);
        assert_eq!(models.latency_ms(Some(99), 100), 3200.0);
        assert!(models.fits().is_empty());
    }

    #[test]
    fn same_rows_give_the_same_fit() {
        let catalog = catalog();
        let timed = entry(&catalog, "timed");
        let rows: Vec<CallRow> = (0..5000u64)
            .map(|i| {
                let output = 1 + (i * 7919) % 2000;
                let latency = 300.0 + 15.0 * output as f32 + ((i * 104_729) % 997) as f32;
                row(timed, output, Some(latency), None)
            })
            .collect();
        let first =
            LatencyModels::fit(rows.iter().copied(), &catalog, &priors()).fit_for(Some(timed));
        let second =
            LatencyModels::fit(rows.iter().copied(), &catalog, &priors()).fit_for(Some(timed));
        assert_eq!(first, second);
        assert_eq!(first.calls, 5000);
        // Noise is 0..997 ms added on top: slope stays near 15, intercept near 300 + 498.
        assert_close(first.ms_per_output_token, 15.0, 0.05);
    }

    #[test]
    fn strided_sample_is_bounded_and_evenly_spaced() {
        let mut sample = StridedSample::default();
        for position in 0..10_000u64 {
            sample.push(position);
        }
        assert!(sample.items.len() <= SAMPLE_CAPACITY);
        assert!(sample.items.len() > SAMPLE_CAPACITY / 2);
        // Kept positions are exactly the multiples of the stride.
        for (i, position) in sample.items.iter().enumerate() {
            assert_eq!(*position, i as u64 * sample.stride);
        }
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }
}
