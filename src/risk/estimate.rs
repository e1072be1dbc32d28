//! A policy's quality risk: the calls it moved to other models, grouped into cells, rated by
//! the risk model and summed with a 95% interval.

use std::collections::BTreeMap;

use crate::classify::{Task, Tier, Verifiable};
use crate::pricing::PriceCatalog;
use crate::risk::beta::BetaRate;
use crate::risk::calibration::{Basis, RiskModel};
use crate::risk::priors::{Cap, Gap};

/// z of a two-sided 95% normal interval.
const Z95: f64 = 1.959_963_984_540_054;

/// Calls that share a degradation rate: the same model, task, tier, gap and caps, and the same
/// check (when a cascade escalates failures the check catches).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RiskCell {
    /// Catalog entry the call runs on under the policy (its own, when only capped).
    pub target: u32,
    pub task: Task,
    pub tier: Tier,
    /// How far the call moved down; `None` when it stayed on its model.
    pub gap: Option<Gap>,
    /// The call's complexity score band (`RiskPriors::band_of`): within a tier, a model
    /// change's prior moves with the score.
    pub band: u8,
    /// Set when a failed check escalates the call back to the original model: only the
    /// failures the check misses remain.
    pub escalated_on: Option<Verifiable>,
    /// Its reasoning effort was lowered.
    pub reasoning_cap: bool,
    /// Its output budget was cut.
    pub output_cap: bool,
}

/// One tier's share of a policy's risk.
#[derive(Debug, Clone, PartialEq)]
pub struct TierRisk {
    pub tier: Tier,
    pub calls: u64,
    pub expected_degraded_calls: f64,
    pub degraded_calls_low: f64,
    pub degraded_calls_high: f64,
}

/// Expected quality cost of a policy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RiskEstimate {
    /// `prior`, `calibrated`, or `partly calibrated` when only some calls' cells had labels.
    pub basis: &'static str,
    /// Calls moved to another model, whose answer could differ.
    pub calls_at_risk: u64,
    /// Of those, calls rated with the user's labels (their cell's or their model's).
    pub calls_calibrated: u64,
    /// Σ P(degraded) over the moved calls (after escalation, for a cascade).
    pub expected_degraded_calls: f64,
    /// 95% interval of the number of degraded calls.
    pub degraded_calls_low: f64,
    pub degraded_calls_high: f64,
    /// Expected calls a cascade escalates to the original model (its check caught a failure):
    /// the escalations the replay priced, set by the policy's tally (a policy may state its
    /// cascade's rate), not by `summarize`.
    pub expected_escalations: f64,
    /// Share of baseline spend that sits on calls at risk.
    pub spend_share_at_risk: f64,
    pub by_tier: Vec<TierRisk>,
}

/// Sums the cells' rates. The interval adds up three spreads:
/// - the uncertainty of rates that rest on the priors (alone or scaled model-wide), taken as
///   shared by every such cell: each at its 2.5% or 97.5% quantile together, since if the
///   priors are off they are off everywhere;
/// - the uncertainty of rates calibrated on a cell's own labels, independent between cells
///   (each has its own data): their variances add;
/// - the binomial spread of which calls fail, given the rates.
///
/// The independent parts are combined as a normal interval; both ends are clipped to
/// [0, calls].
pub fn summarize(
    cells: &BTreeMap<RiskCell, u64>,
    model: &RiskModel,
    catalog: &PriceCatalog,
) -> RiskEstimate {
    summarize_rated(cells, |cell| CellRate::of(cell, model, catalog))
}

/// [`summarize`] with each cell's rate from `rate` (which may remember the rates of cells
/// met before: finding a prior's interval is the costly part).
pub fn summarize_rated(
    cells: &BTreeMap<RiskCell, u64>,
    mut rate: impl FnMut(&RiskCell) -> Option<CellRate>,
) -> RiskEstimate {
    let mut estimate = RiskEstimate::default();
    let mut tiers: BTreeMap<Tier, Sums> = BTreeMap::new();
    let mut total = Sums::default();
    let mut bases = (false, false);
    for (cell, &calls) in cells {
        let Some(rated) = rate(cell) else {
            continue;
        };
        let sums = rated.sums(calls);
        if rated.basis == Basis::Prior {
            bases.0 = true;
        } else {
            bases.1 = true;
            estimate.calls_calibrated += calls;
        }
        total.add(&sums);
        tiers.entry(cell.tier).or_default().add(&sums);
    }
    let (low, high) = total.interval();
    estimate.basis = match bases {
        (_, false) => "prior",
        (false, true) => "calibrated",
        (true, true) => "partly calibrated",
    };
    estimate.calls_at_risk = total.calls;
    estimate.expected_degraded_calls = total.mean;
    estimate.degraded_calls_low = low;
    estimate.degraded_calls_high = high;
    estimate.by_tier = tiers
        .into_iter()
        .map(|(tier, sums)| {
            let (low, high) = sums.interval();
            TierRisk {
                tier,
                calls: sums.calls,
                expected_degraded_calls: sums.mean,
                degraded_calls_low: low,
                degraded_calls_high: high,
            }
        })
        .collect();
    estimate
}

/// A cell's degradation rate. A model change and each cap are taken as independent ways to
/// degrade the answer: P = 1 − Π(1 − pᵢ), as a Beta with the weakest part's concentration
/// (the least certain part bounds what is known of the whole). The basis is the weakest
/// part's too. `None` for a cell that changes nothing (no risk to rate).
pub fn cell_rate(
    cell: &RiskCell,
    model: &RiskModel,
    catalog: &PriceCatalog,
) -> Option<(BetaRate, Basis)> {
    let mut parts: Vec<(BetaRate, Basis)> = Vec::with_capacity(3);
    if let Some(gap) = cell.gap {
        let candidate = &catalog.entry(cell.target).id;
        parts.push(model.call_rate(candidate, cell.task, cell.tier, gap, cell.band));
    }
    for (cap, applied) in [
        (Cap::Reasoning, cell.reasoning_cap),
        (Cap::Output, cell.output_cap),
    ] {
        if applied {
            parts.push((model.priors.cap(cap, cell.tier), Basis::Prior));
        }
    }
    match parts.as_slice() {
        [] => None,
        [one] => Some(*one),
        _ => {
            let kept: f64 = parts.iter().map(|(rate, _)| 1.0 - rate.mean()).product();
            let concentration = parts
                .iter()
                .map(|(rate, _)| rate.alpha + rate.beta)
                .fold(f64::INFINITY, f64::min);
            let basis = parts
                .iter()
                .map(|&(_, basis)| basis)
                .min()
                .unwrap_or(Basis::Prior);
            Some((BetaRate::with_mean(1.0 - kept, concentration), basis))
        }
    }
}

/// What one call of a cell adds to an estimate: its rate after the check's catches, with what
/// its spread needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellRate {
    basis: Basis,
    /// The share of failures no check catches.
    kept: f64,
    /// The rate's mean and variance, before the catches.
    rate_mean: f64,
    rate_variance: f64,
    /// The rate's 95% interval, for a prior-based rate.
    interval: (f64, f64),
}

impl CellRate {
    /// The cell's rate; `None` for a cell that changes nothing.
    pub fn of(cell: &RiskCell, model: &RiskModel, catalog: &PriceCatalog) -> Option<CellRate> {
        let (rate, basis) = cell_rate(cell, model, catalog)?;
        let caught = cell
            .escalated_on
            .map_or(0.0, |check| model.priors.catch(check).catch_rate);
        Some(CellRate {
            basis,
            kept: 1.0 - caught,
            rate_mean: rate.mean(),
            rate_variance: rate.variance(),
            interval: if basis == Basis::Calibrated {
                (0.0, 0.0)
            } else {
                rate.interval(0.95)
            },
        })
    }

    /// What `calls` calls of the cell add.
    fn sums(&self, calls: u64) -> Sums {
        let kept = self.kept;
        let n = calls as f64;
        let mean = self.rate_mean * kept;
        let binomial = n * mean * (1.0 - mean);
        if self.basis == Basis::Calibrated {
            Sums {
                calls,
                mean: n * mean,
                variance: binomial + (n * kept).powi(2) * self.rate_variance,
                ..Sums::default()
            }
        } else {
            let (low, high) = self.interval;
            Sums {
                calls,
                mean: n * mean,
                shared_down: n * (self.rate_mean - low) * kept,
                shared_up: n * (high - self.rate_mean) * kept,
                variance: binomial,
            }
        }
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Sums {
    calls: u64,
    /// Expected degraded calls.
    mean: f64,
    /// How far below and above `mean` the shared (prior-based) rates reach at 95%.
    shared_down: f64,
    shared_up: f64,
    /// Variance of the independent parts: the binomial spread, and calibrated rates.
    variance: f64,
}

impl Sums {
    fn add(&mut self, other: &Sums) {
        self.calls += other.calls;
        self.mean += other.mean;
        self.shared_down += other.shared_down;
        self.shared_up += other.shared_up;
        self.variance += other.variance;
    }

    fn interval(&self) -> (f64, f64) {
        let spread = Z95 * self.variance.sqrt();
        (
            (self.mean - self.shared_down - spread).max(0.0),
            (self.mean + self.shared_up + spread).min(self.calls as f64),
        )
    }
}
