//! Prior degradation rates: P(a cheaper model's answer is worse than the original's), by
//! complexity tier, task type and capability gap, from an embedded data file in which every
//! number names the public sources it rests on (`data/risk_priors.toml`).
//!
//! A cell's rate is `tier.rate × task.factor × gap.factor`; its uncertainty is a Beta
//! distribution with that mean whose concentration is fitted, per tier, to the tier's stated
//! 95% range. The same Beta is the prior that a user's labels update (`calibration.rs`).
//! Within a tier a call's prior then moves with its complexity score: each score band (half a
//! tier) has a factor measured on public outcomes (`[[score_band]]`, see [`ScoreBand`]).
//!
//! Caps (a lower reasoning effort, a shorter answer) keep the model, so they have their own
//! per-tier anchors (`[cap.reasoning.<tier>]`, `[cap.output.<tier>]`), fitted the same way.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::classify::{Task, Tier, Verifiable};
use crate::risk::beta::BetaRate;

const EMBEDDED: &str = include_str!("../../data/risk_priors.toml");

/// How far down a routing moves a call, from the catalog's capability tiers
/// (`flagship` > `mid` > `small`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Gap {
    /// Same capability tier (another family's model of the same class).
    Lateral,
    /// One tier down: flagship → mid, or mid → small.
    OneStep,
    /// Two tiers down: flagship → small.
    TwoSteps,
}

impl Gap {
    pub const ALL: [Gap; 3] = [Gap::Lateral, Gap::OneStep, Gap::TwoSteps];

    pub fn as_str(self) -> &'static str {
        match self {
            Gap::Lateral => "lateral",
            Gap::OneStep => "one_step",
            Gap::TwoSteps => "two_steps",
        }
    }

    /// The gap from a model of capability tier `from` to one of tier `to`. Unknown tier names
    /// count as flagship, so a move away from an unknown model is never under-rated.
    pub fn between(from: &str, to: &str) -> Gap {
        fn rank(tier: &str) -> u8 {
            match tier {
                "small" => 0,
                "mid" => 1,
                _ => 2,
            }
        }
        match rank(from).saturating_sub(rank(to)) {
            0 => Gap::Lateral,
            1 => Gap::OneStep,
            _ => Gap::TwoSteps,
        }
    }
}

/// A policy action that keeps the model but cuts what it may generate. Its savings carry
/// quality risk like a model change, so it has its own priors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cap {
    /// Reasoning effort one step lower (high → medium, medium → low) or thinking budget halved.
    Reasoning,
    /// Output budget cut so the answer is asked to be about 30% shorter.
    Output,
}

impl Cap {
    /// Every cap, in file order.
    pub const ALL: [Cap; 2] = [Cap::Reasoning, Cap::Output];

    /// The name used in the priors file (`[cap.<name>]`) and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Cap::Reasoning => "reasoning",
            Cap::Output => "output",
        }
    }
}

impl std::fmt::Display for Cap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A tier's stated rate and 95% range for a one-step downgrade on an average task.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TierAnchor {
    pub rate: f64,
    pub low: f64,
    pub high: f64,
    pub evidence: String,
    pub sources: Vec<String>,
}

/// A multiplier on the tier rate, with its evidence.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Factor {
    pub factor: f64,
    pub evidence: String,
    pub sources: Vec<String>,
}

/// A band of complexity scores, from the band before's `below` up to its own (the last band
/// holds 1.0 too), with the factor its calls' prior rate is multiplied by, per capability gap:
/// how much more or less often a cheaper model degraded on the band's public questions than on
/// its tier's.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScoreBand {
    pub name: String,
    pub below: f64,
    pub factors: GapFactors,
    pub evidence: String,
    pub sources: Vec<String>,
}

/// A score band's factor for each capability gap, as the file names them.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GapFactors {
    pub lateral: f64,
    pub one_step: f64,
    pub two_steps: f64,
}

impl GapFactors {
    pub fn of(&self, gap: Gap) -> f64 {
        match gap {
            Gap::Lateral => self.lateral,
            Gap::OneStep => self.one_step,
            Gap::TwoSteps => self.two_steps,
        }
    }
}

/// The share of degraded answers a mechanical check catches.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CatchRate {
    pub catch_rate: f64,
    pub evidence: String,
    pub sources: Vec<String>,
}

/// A cap's assumed share of tokens removed by one step down, with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct CapReduction {
    /// Share of reasoning tokens (reasoning cap) or output tokens (output cap) removed, in (0, 1).
    pub default_reduction: f64,
    pub evidence: String,
    pub sources: Vec<String>,
}

/// One `[cap.<name>]` section as written: the reduction with its evidence, and one anchor per
/// complexity tier under `[cap.<name>.<tier>]`.
#[derive(Deserialize)]
struct CapFile {
    default_reduction: f64,
    evidence: String,
    sources: Vec<String>,
    // Flattened so tiers sit directly under the cap (`[cap.reasoning.simple]`); a stray key that
    // is not a tier table fails to parse as an anchor, and an unknown tier is refused below.
    #[serde(flatten)]
    tiers: BTreeMap<String, TierAnchor>,
}

/// A cap's loaded priors: its reduction and its anchors indexed by tier.
#[derive(Debug, Clone)]
struct CapPriors {
    reduction: CapReduction,
    anchors: Vec<TierAnchor>,
    concentration: Vec<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PriorsFile {
    version: String,
    tier: BTreeMap<String, TierAnchor>,
    task: BTreeMap<String, Factor>,
    gap: BTreeMap<String, Factor>,
    verification: BTreeMap<String, CatchRate>,
    cap: BTreeMap<String, CapFile>,
    score_band: Vec<ScoreBand>,
}

/// The loaded priors, indexed by enum position.
#[derive(Debug, Clone)]
pub struct RiskPriors {
    pub version: String,
    tiers: Vec<TierAnchor>,
    /// Beta concentration (α + β) fitted to each tier's range.
    concentration: Vec<f64>,
    tasks: Vec<Factor>,
    gaps: Vec<Factor>,
    catches: Vec<CatchRate>,
    /// Indexed by `Cap` position.
    caps: Vec<CapPriors>,
    /// Ascending; the last one's `below` is 1.
    bands: Vec<ScoreBand>,
}

impl RiskPriors {
    /// The priors shipped in the binary.
    pub fn embedded() -> Result<RiskPriors, String> {
        RiskPriors::from_toml(EMBEDDED)
    }

    pub fn from_toml(text: &str) -> Result<RiskPriors, String> {
        let mut file: PriorsFile =
            toml::from_str(text).map_err(|err| format!("risk priors: {err}"))?;
        let tiers = take_anchors(&mut file.tier, "tier")?;
        let tasks = Task::ALL
            .iter()
            .map(|t| take(&mut file.task, t.as_str(), "task"))
            .collect::<Result<Vec<_>, _>>()?;
        let gaps = Gap::ALL
            .iter()
            .map(|g| take(&mut file.gap, g.as_str(), "gap"))
            .collect::<Result<Vec<_>, _>>()?;
        for (name, factor) in Task::ALL
            .iter()
            .map(|t| t.as_str())
            .zip(&tasks)
            .chain(Gap::ALL.iter().map(|g| g.as_str()).zip(&gaps))
        {
            if !(factor.factor > 0.0 && factor.factor.is_finite()) {
                return Err(format!("risk priors: factor of `{name}` must be positive"));
            }
        }
        let catches = Verifiable::ALL
            .iter()
            .map(|v| take(&mut file.verification, v.as_str(), "verification"))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(bad) = catches.iter().find(|c| !(0.0..1.0).contains(&c.catch_rate)) {
            return Err(format!(
                "risk priors: catch rate {} must be in [0, 1)",
                bad.catch_rate
            ));
        }
        let caps = Cap::ALL
            .iter()
            .map(|&cap| {
                let mut section = take(&mut file.cap, cap.as_str(), "cap")?;
                let reduction = section.default_reduction;
                if !(reduction > 0.0 && reduction < 1.0) {
                    return Err(format!(
                        "risk priors: default_reduction of cap `{cap}` must be in (0, 1)"
                    ));
                }
                let anchors = take_anchors(&mut section.tiers, &format!("cap.{cap}"))?;
                if let Some(name) = section.tiers.keys().next() {
                    return Err(format!("risk priors: unknown cap tier `{cap}.{name}`"));
                }
                Ok(CapPriors {
                    reduction: CapReduction {
                        default_reduction: reduction,
                        evidence: section.evidence,
                        sources: section.sources,
                    },
                    concentration: fit_concentrations(&anchors),
                    anchors,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        for (section, left) in [
            ("tier", file.tier.keys().next()),
            ("task", file.task.keys().next()),
            ("gap", file.gap.keys().next()),
            ("verification", file.verification.keys().next()),
            ("cap", file.cap.keys().next()),
        ] {
            if let Some(name) = left {
                return Err(format!("risk priors: unknown {section} `{name}`"));
            }
        }
        check_bands(&file.score_band)?;
        let concentration = fit_concentrations(&tiers);
        Ok(RiskPriors {
            version: file.version,
            tiers,
            concentration,
            tasks,
            gaps,
            catches,
            caps,
            bands: file.score_band,
        })
    }

    /// The score bands, ascending.
    pub fn bands(&self) -> &[ScoreBand] {
        &self.bands
    }

    /// The index of the band holding `complexity` (NaN and anything past 1 in the last).
    pub fn band_of(&self, complexity: f32) -> u8 {
        let at = self
            .bands
            .iter()
            .position(|b| f64::from(complexity) < b.below)
            .unwrap_or(self.bands.len() - 1);
        u8::try_from(at).unwrap_or(u8::MAX)
    }

    /// The factor of band `band` for a move of `gap` (1 for an index past the bands).
    pub fn band_factor(&self, band: u8, gap: Gap) -> f64 {
        self.bands
            .get(usize::from(band))
            .map_or(1.0, |b| b.factors.of(gap))
    }

    /// The prior rate of a cell, as a Beta distribution.
    pub fn cell(&self, task: Task, tier: Tier, gap: Gap) -> BetaRate {
        let factor = self.task(task).factor * self.gap(gap).factor;
        let mean = (self.tier(tier).rate * factor).clamp(1e-6, 0.95);
        BetaRate::with_mean(mean, self.concentration[tier as usize])
    }

    pub fn tier(&self, tier: Tier) -> &TierAnchor {
        &self.tiers[tier as usize]
    }

    pub fn task(&self, task: Task) -> &Factor {
        &self.tasks[task as usize]
    }

    pub fn gap(&self, gap: Gap) -> &Factor {
        &self.gaps[gap as usize]
    }

    pub fn catch(&self, verifiable: Verifiable) -> &CatchRate {
        &self.catches[verifiable as usize]
    }

    /// Beta concentration fitted to a tier's range: how many labelled calls the prior is
    /// worth.
    pub fn concentration(&self, tier: Tier) -> f64 {
        self.concentration[tier as usize]
    }

    /// The prior rate of a capped call of tier `tier`, as a Beta with the anchor's rate as mean
    /// and a concentration fitted to the anchor's 95% range (as for the tier anchors).
    pub fn cap(&self, cap: Cap, tier: Tier) -> BetaRate {
        let priors = &self.caps[cap as usize];
        let mean = priors.anchors[tier as usize].rate.clamp(1e-6, 0.95);
        BetaRate::with_mean(mean, priors.concentration[tier as usize])
    }

    /// A cap's stated rate and 95% range for tier `tier`, with its evidence.
    pub fn cap_anchor(&self, cap: Cap, tier: Tier) -> &TierAnchor {
        &self.caps[cap as usize].anchors[tier as usize]
    }

    /// Beta concentration fitted to a cap anchor's range: how many labelled calls it is worth.
    pub fn cap_concentration(&self, cap: Cap, tier: Tier) -> f64 {
        self.caps[cap as usize].concentration[tier as usize]
    }

    /// The assumed share of reasoning (or output) tokens one step of the cap removes.
    pub fn cap_default_reduction(&self, cap: Cap) -> f64 {
        self.caps[cap as usize].reduction.default_reduction
    }

    /// The cap's assumed reduction with the evidence behind it.
    pub fn cap_reduction(&self, cap: Cap) -> &CapReduction {
        &self.caps[cap as usize].reduction
    }
}

/// Takes one anchor per tier from `map` (section name `section` for messages), checking each
/// range and that rates do not fall as complexity grows. Leaves unknown keys in `map`.
fn take_anchors(
    map: &mut BTreeMap<String, TierAnchor>,
    section: &str,
) -> Result<Vec<TierAnchor>, String> {
    let mut anchors = Vec::new();
    for tier in Tier::ALL {
        let anchor = take(map, tier.as_str(), section)?;
        if !(0.0 <= anchor.low
            && anchor.low <= anchor.rate
            && anchor.rate <= anchor.high
            && anchor.high < 1.0
            && anchor.rate > 0.0)
        {
            return Err(format!(
                "risk priors: {section} `{tier}` needs 0 ≤ low ≤ rate ≤ high < 1 and rate > 0"
            ));
        }
        anchors.push(anchor);
    }
    if anchors.windows(2).any(|w| w[0].rate > w[1].rate) {
        return Err(format!(
            "risk priors: {section} rates must not fall as complexity grows"
        ));
    }
    Ok(anchors)
}

/// Points of its tier's rate a band's measured rate is shrunk toward (`[[score_band]]`).
pub const BAND_SHRINK: f64 = 100.0;

/// Points of one score band (or of its tier) on the public outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BandCount {
    pub points: u64,
    pub degraded: u64,
    pub tier_points: u64,
    pub tier_degraded: u64,
}

impl BandCount {
    fn tier_rate(&self) -> f64 {
        self.tier_degraded as f64 / self.tier_points.max(1) as f64
    }

    /// The band's rate over its tier's, shrunk toward `toward` by [`BAND_SHRINK`] points.
    fn factor(&self, toward: f64) -> f64 {
        let tier_rate = self.tier_rate();
        if tier_rate > 0.0 {
            (self.degraded as f64 + BAND_SHRINK * tier_rate * toward)
                / ((self.points as f64 + BAND_SHRINK) * tier_rate)
        } else {
            toward
        }
    }
}

/// What the public outcomes say of one score band: its points over all pairs and per gap, and
/// the factor per gap (indexed by `Gap` position). The pooled factor is shrunk toward 1, each
/// gap's toward the pooled one; a gap without points (no lateral pair was published) takes the
/// pooled factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandEvidence {
    pub all: BandCount,
    pub by_gap: [BandCount; Gap::ALL.len()],
    pub pooled: f64,
    pub factors: [f64; Gap::ALL.len()],
}

/// The capability gap of a public pair `flagship>cheaper` by the catalog's tiers; a pair whose
/// models the catalog does not know counts as one step.
pub fn pair_gap(pair: &str, catalog: &crate::pricing::PriceCatalog) -> Gap {
    let tier = |name: &str| {
        catalog
            .resolve(name, None)
            .map(|i| catalog.entry(i).tier.clone())
    };
    match pair.split_once('>').map(|(a, b)| (tier(a), tier(b))) {
        Some((Some(from), Some(to))) => Gap::between(&from, &to),
        _ => Gap::OneStep,
    }
}

/// Measures each of `priors`' score bands on the held-out half of the public outcomes
/// (`fixtures/difficulty/`): a point is a question and a model pair, degraded when the cheaper
/// model answered wrong and the flagship right.
pub fn band_evidence(
    rows: &[crate::classify::difficulty::OutcomeRow],
    priors: &RiskPriors,
    catalog: &crate::pricing::PriceCatalog,
) -> Vec<BandEvidence> {
    use crate::classify::difficulty::Outcome;
    const GAPS: usize = Gap::ALL.len();
    // [band][gap or GAPS for all] and [tier][gap or all]: (points, degraded)
    let mut bands = vec![[(0u64, 0u64); GAPS + 1]; priors.bands().len()];
    let mut tiers = [[(0u64, 0u64); GAPS + 1]; Tier::ALL.len()];
    for row in rows.iter().filter(|r| r.held_out()) {
        let verdict = crate::classify::classify(&row.record());
        let band = usize::from(priors.band_of(verdict.complexity));
        for (pair, outcome) in &row.outcomes {
            let degraded = u64::from(*outcome == Outcome::Cheap);
            for g in [pair_gap(pair, catalog) as usize, GAPS] {
                for cell in [&mut bands[band][g], &mut tiers[verdict.tier as usize][g]] {
                    cell.0 += 1;
                    cell.1 += degraded;
                }
            }
        }
    }
    let mut from = 0.0f32;
    priors
        .bands()
        .iter()
        .zip(bands)
        .map(|(band, cells)| {
            let tier = tiers[Tier::from_complexity(from) as usize];
            from = band.below as f32;
            let count = |g: usize| BandCount {
                points: cells[g].0,
                degraded: cells[g].1,
                tier_points: tier[g].0,
                tier_degraded: tier[g].1,
            };
            let all = count(GAPS);
            let pooled = all.factor(1.0);
            let by_gap: [BandCount; GAPS] = std::array::from_fn(count);
            BandEvidence {
                all,
                by_gap,
                pooled,
                factors: by_gap.map(|c| c.factor(pooled)),
            }
        })
        .collect()
}

/// Score bands must rise to 1, each within one tier (so a band's factor is measured against
/// its own tier), with a positive factor for every gap.
fn check_bands(bands: &[ScoreBand]) -> Result<(), String> {
    let mut from = 0.0f64;
    for band in bands {
        if !(band.below > from && band.below <= 1.0) {
            return Err(format!(
                "risk priors: score band `{}` must end above {from} and at most at 1",
                band.name
            ));
        }
        if let Some(gap) = Gap::ALL.into_iter().find(|g| {
            let factor = band.factors.of(*g);
            !(factor > 0.0 && factor.is_finite())
        }) {
            return Err(format!(
                "risk priors: score band `{}` needs a positive factor for `{}`",
                band.name,
                gap.as_str()
            ));
        }
        let last_inside = (band.below - 1e-6) as f32;
        if Tier::from_complexity(from as f32) != Tier::from_complexity(last_inside) {
            return Err(format!(
                "risk priors: score band `{}` spans two tiers",
                band.name
            ));
        }
        from = band.below;
    }
    if from < 1.0 {
        return Err("risk priors: the score bands must reach 1".to_string());
    }
    Ok(())
}

/// Beta concentrations fitted to each anchor's stated range, in tier order: on all cores, as
/// every run starts with them (each fit computes some 300 Beta quantiles).
fn fit_concentrations(anchors: &[TierAnchor]) -> Vec<f64> {
    use rayon::prelude::*;
    anchors
        .par_iter()
        .map(|a| BetaRate::fit_concentration(a.rate, a.low, a.high))
        .collect()
}

fn take<T>(map: &mut BTreeMap<String, T>, key: &str, section: &str) -> Result<T, String> {
    map.remove(key)
        .ok_or_else(|| format!("risk priors: no [{section}.{key}]"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `[[score_band]]` factors follow from the public outcomes: recomputed here from
    /// `fixtures/difficulty/` with the classifier of this commit, they match the file to the
    /// two decimals it states.
    #[test]
    fn score_band_factors_follow_from_the_public_outcomes() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/difficulty/outcomes.jsonl"
        );
        let rows =
            crate::classify::difficulty::read_outcomes(&std::fs::read_to_string(path).unwrap())
                .unwrap();
        let priors = RiskPriors::embedded().unwrap();
        let catalog = crate::pricing::PriceCatalog::embedded().unwrap();
        let evidence = band_evidence(&rows, &priors, &catalog);
        assert_eq!(evidence.len(), 8);
        for (k, (band, measured)) in priors.bands().iter().zip(&evidence).enumerate() {
            for gap in Gap::ALL {
                let stated = priors.band_factor(k as u8, gap);
                assert!(
                    (stated - measured.factors[gap as usize]).abs() <= 0.005 + 1e-9,
                    "{} {}: file {stated} vs measured {measured:?}",
                    band.name,
                    gap.as_str()
                );
            }
            assert!(band.evidence.contains(&format!(
                "{} of {} points",
                measured.all.degraded, measured.all.points
            )));
        }
        // GPT-4o → GPT-4o mini is the one two-step pair; the others are one step.
        let gap = |pair| pair_gap(pair, &catalog);
        assert_eq!(
            gap("gpt-4o-2024-08-06>gpt-4o-mini-2024-07-18"),
            Gap::TwoSteps
        );
        assert_eq!(gap("gemini-1.5-pro>gemini-1.5-flash"), Gap::OneStep);
        // Within the tiers with most points, the upper half degrades more often.
        let named = |n: &str| priors.bands().iter().position(|b| b.name == n).unwrap() as u8;
        for tier in ["simple", "moderate"] {
            let (low, high) = (
                named(&format!("{tier}_low")),
                named(&format!("{tier}_high")),
            );
            let factor = |band| priors.band_factor(band, Gap::OneStep);
            assert!(factor(high) > factor(low), "{tier}");
        }
    }

    #[test]
    fn bands_are_found_by_score_and_refused_when_malformed() {
        let priors = RiskPriors::embedded().unwrap();
        assert_eq!(
            priors.bands()[usize::from(priors.band_of(0.0))].name,
            "trivial_low"
        );
        assert_eq!(
            priors.bands()[usize::from(priors.band_of(0.2))].name,
            "simple_high"
        );
        assert_eq!(
            priors.bands()[usize::from(priors.band_of(1.0))].name,
            "complex_high"
        );
        assert_eq!(
            priors.bands()[usize::from(priors.band_of(f32::NAN))].name,
            "complex_high"
        );
        let band = |name: &str, below: f64, factor: f64| ScoreBand {
            name: name.into(),
            below,
            factors: GapFactors {
                lateral: factor,
                one_step: factor,
                two_steps: factor,
            },
            evidence: String::new(),
            sources: Vec::new(),
        };
        assert!(
            check_bands(&[band("a", 0.08, 1.0), band("b", 1.0, 1.0)]).is_err(),
            "b spans tiers"
        );
        assert!(
            check_bands(&[band("a", 0.08, 1.0)]).is_err(),
            "does not reach 1"
        );
        assert!(check_bands(&[band("a", 0.04, 0.0)]).is_err(), "factor 0");
        // A gap the file does not know, or one left out, is refused when the file is read.
        let embedded = include_str!("../../data/risk_priors.toml");
        let unknown = embedded.replacen("two_steps = ", "three_steps = ", 1);
        assert!(RiskPriors::from_toml(&unknown).is_err());
        let missing = embedded.replacen(", two_steps = ", " } # ", 1);
        assert!(RiskPriors::from_toml(&missing).is_err());
    }

    #[test]
    fn embedded_priors_load_with_sources_for_every_tier() {
        let priors = RiskPriors::embedded().unwrap();
        for tier in Tier::ALL {
            let anchor = priors.tier(tier);
            assert!(!anchor.evidence.is_empty(), "{tier}");
            // The fitted Beta reproduces the stated mean, and its 95% interval lies near the
            // stated range.
            let beta = priors.cell(Task::Other, tier, Gap::OneStep);
            let other = priors.task(Task::Other).factor;
            assert!((beta.mean() - anchor.rate * other).abs() < 1e-9, "{tier}");
            let (low, high) = beta.interval(0.95);
            assert!(
                low < anchor.rate && anchor.rate < high,
                "{tier}: {low} {high}"
            );
        }
        assert!(priors.concentration(Tier::Trivial) > 1.0);
    }

    #[test]
    fn rates_grow_with_the_capability_gap() {
        let priors = RiskPriors::embedded().unwrap();
        let rates: Vec<f64> = Gap::ALL
            .iter()
            .map(|&g| priors.cell(Task::Chat, Tier::Simple, g).mean())
            .collect();
        assert!(rates.windows(2).all(|w| w[0] < w[1]), "{rates:?}");
    }

    #[test]
    fn gap_follows_the_catalog_tiers() {
        assert_eq!(Gap::between("flagship", "mid"), Gap::OneStep);
        assert_eq!(Gap::between("flagship", "small"), Gap::TwoSteps);
        assert_eq!(Gap::between("mid", "small"), Gap::OneStep);
        assert_eq!(Gap::between("mid", "mid"), Gap::Lateral);
        assert_eq!(Gap::between("small", "flagship"), Gap::Lateral);
        assert_eq!(Gap::between("unheard-of", "small"), Gap::TwoSteps);
    }

    #[test]
    fn every_tier_has_both_caps_and_their_betas_match_the_stated_ranges() {
        let priors = RiskPriors::embedded().unwrap();
        for cap in Cap::ALL {
            for tier in Tier::ALL {
                let anchor = priors.cap_anchor(cap, tier);
                assert!(!anchor.evidence.is_empty(), "{cap} {tier}");
                // The Beta's mean is the stated rate (no task or gap factor applies to a cap).
                let beta = priors.cap(cap, tier);
                assert!((beta.mean() - anchor.rate).abs() < 1e-9, "{cap} {tier}");
                // Its 95% interval lies near the stated range: the fit is least squares on the
                // log of both ends, so each end lands within a factor of 2 of the stated one.
                let (low, high) = beta.interval(0.95);
                assert!(low < anchor.rate && anchor.rate < high, "{cap} {tier}");
                assert!(
                    low > anchor.low / 2.0 && low < anchor.low * 2.0,
                    "{cap} {tier}: low {low} vs {}",
                    anchor.low
                );
                assert!(
                    high > anchor.high / 2.0 && high < anchor.high * 2.0,
                    "{cap} {tier}: high {high} vs {}",
                    anchor.high
                );
                assert!(priors.cap_concentration(cap, tier) > 1.0, "{cap} {tier}");
            }
        }
        // The stated step sizes: a halved thinking budget, answers asked to be 30% shorter.
        assert_eq!(priors.cap_default_reduction(Cap::Reasoning), 0.5);
        assert_eq!(priors.cap_default_reduction(Cap::Output), 0.3);
        assert!(!priors.cap_reduction(Cap::Reasoning).sources.is_empty());
    }

    #[test]
    fn cap_rates_grow_with_the_tier() {
        let priors = RiskPriors::embedded().unwrap();
        for cap in Cap::ALL {
            let rates: Vec<f64> = Tier::ALL
                .iter()
                .map(|&t| priors.cap(cap, t).mean())
                .collect();
            assert!(rates.windows(2).all(|w| w[0] < w[1]), "{cap}: {rates:?}");
        }
        // A cap keeps the model, so on complex calls it is rated below a one-step model
        // downgrade: reasoning 0.07 and output 0.12 against the tier's 0.20.
        for cap in Cap::ALL {
            assert!(
                priors.cap(cap, Tier::Complex).mean()
                    < priors.cell(Task::Other, Tier::Complex, Gap::OneStep).mean()
            );
        }
    }

    #[test]
    fn a_cap_missing_a_tier_or_with_an_unknown_tier_is_refused() {
        let missing = EMBEDDED.replacen("[cap.output.moderate]", "[cap.output.moderat]", 1);
        let err = RiskPriors::from_toml(&missing).unwrap_err();
        assert!(err.contains("no [cap.output.moderate]"), "{err}");
        let mut extra: toml::Table = toml::from_str(EMBEDDED).unwrap();
        let complex = extra["cap"]["reasoning"]["complex"].clone();
        extra["cap"]["reasoning"]
            .as_table_mut()
            .unwrap()
            .insert("expert".into(), complex);
        let err = RiskPriors::from_toml(&toml::to_string(&extra).unwrap()).unwrap_err();
        assert!(err.contains("unknown cap tier `reasoning.expert`"), "{err}");
        let mut falling: toml::Table = toml::from_str(EMBEDDED).unwrap();
        falling["cap"]["output"]["complex"]["rate"] = toml::Value::Float(0.01);
        falling["cap"]["output"]["complex"]["low"] = toml::Value::Float(0.0);
        let err = RiskPriors::from_toml(&toml::to_string(&falling).unwrap()).unwrap_err();
        assert!(err.contains("cap.output rates must not fall"), "{err}");
        let mut whole: toml::Table = toml::from_str(EMBEDDED).unwrap();
        whole["cap"]["reasoning"]["default_reduction"] = toml::Value::Float(1.0);
        let err = RiskPriors::from_toml(&toml::to_string(&whole).unwrap()).unwrap_err();
        assert!(
            err.contains("default_reduction of cap `reasoning`"),
            "{err}"
        );
        let without: String = EMBEDDED
            .split("\n[cap.")
            .next()
            .unwrap_or_default()
            .to_string();
        let err = RiskPriors::from_toml(&without).unwrap_err();
        assert!(err.contains("cap"), "{err}");
    }

    #[test]
    fn a_file_missing_a_task_or_with_an_unknown_key_is_refused() {
        let full = EMBEDDED;
        let missing = full.replacen("[task.math]", "[task.maths]", 1);
        let err = RiskPriors::from_toml(&missing).unwrap_err();
        assert!(err.contains("task.math"), "{err}");
        // Complex calls rated below trivial ones.
        let mut falling: toml::Table = toml::from_str(full).unwrap();
        falling["tier"]["complex"]["rate"] = toml::Value::Float(0.001);
        falling["tier"]["complex"]["low"] = toml::Value::Float(0.0);
        let err = RiskPriors::from_toml(&toml::to_string(&falling).unwrap()).unwrap_err();
        assert!(err.contains("must not fall"), "{err}");
        let mut extra: toml::Table = toml::from_str(full).unwrap();
        let creative = extra["task"]["creative"].clone();
        extra["task"]
            .as_table_mut()
            .unwrap()
            .insert("poetry".into(), creative);
        let err = RiskPriors::from_toml(&toml::to_string(&extra).unwrap()).unwrap_err();
        assert!(err.contains("unknown task `poetry`"), "{err}");
    }
}
