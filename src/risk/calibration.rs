//! Calibration on the user's evidence: labels measured on a candidate model for a sample of
//! logged calls (a shadow run, an eval harness) are counted per cell — candidate model, task,
//! tier and capability gap — and written to a calibration file. A replay then rates each cell
//! by its Beta posterior, pooled toward the prior where the data is thin.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use crate::classify::{Task, Tier};
use crate::risk::beta::BetaRate;
use crate::risk::priors::{Gap, RiskPriors};

/// Version of the calibration file's shape.
pub const CALIBRATION_VERSION: u32 = 1;

/// Expected failures the model-wide adjustment is shrunk with: with few labels a model is
/// assumed to degrade as the priors say; only evidence worth more than about this many
/// failures moves all its cells.
const MODEL_WIDE_SHRINK: f64 = 5.0;

/// Most labelled calls the prior counts as once the user gives labels. The priors come from
/// public benchmark gaps, which transfer to one team's traffic only loosely: a few dozen of
/// the team's own labels should outweigh them.
pub const CALIBRATION_PRIOR_WEIGHT: f64 = 10.0;

/// Largest rate a calibrated cell mean is allowed (a Beta needs room above its mean).
const MAX_MEAN: f64 = 0.95;

/// One measured outcome: was the candidate model's answer to the call as good as the original?
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// Line of the labels file (1-based, header included for CSV).
    pub line: u64,
    pub call_id: String,
    pub candidate: String,
    pub passed: bool,
}

/// A raw labels row, CSV or JSON: `passed`, or `score` against a threshold.
#[derive(Debug, Deserialize)]
struct LabelRow {
    call_id: String,
    #[serde(alias = "candidate", alias = "model")]
    candidate_model: String,
    #[serde(default)]
    passed: Option<String>,
    #[serde(default)]
    score: Option<f64>,
    #[serde(default)]
    threshold: Option<f64>,
}

/// Reads a labels file: CSV with a header, or JSON Lines, with the columns `call_id`,
/// `candidate_model` (or `candidate`, `model`) and either `passed` (true/false, pass/fail,
/// 1/0) or `score` with a `threshold` (a column, or `default_threshold`): a score at or above
/// the threshold passes.
pub fn read_labels(path: &Path, default_threshold: Option<f64>) -> anyhow::Result<Vec<Label>> {
    let text = crate::ingest::read_input_text(path)?;
    let mut labels = Vec::new();
    let to_label = |line: u64, row: LabelRow| -> anyhow::Result<Label> {
        let passed = match (row.passed.as_deref(), row.score) {
            (Some(word), _) if !word.trim().is_empty() => {
                parse_passed(word).with_context(|| {
                    format!(
                        "{}:{line}: `passed` must be true/false, pass/fail or 1/0",
                        path.display()
                    )
                })?
            }
            (_, Some(score)) => {
                let Some(threshold) = row.threshold.or(default_threshold) else {
                    bail!(
                        "{}:{line}: a score needs a threshold (a `threshold` column or --threshold)",
                        path.display()
                    );
                };
                crate::limits::signed("score", score, 1e12)
                    .and_then(|()| crate::limits::signed("threshold", threshold, 1e12))
                    .map_err(|err| anyhow::anyhow!("{}:{line}: {err}", path.display()))?;
                score >= threshold
            }
            _ => bail!("{}:{line}: no `passed` and no `score`", path.display()),
        };
        if row.call_id.trim().is_empty() || row.candidate_model.trim().is_empty() {
            bail!(
                "{}:{line}: empty call_id or candidate_model",
                path.display()
            );
        }
        Ok(Label {
            line,
            call_id: row.call_id.trim().to_owned(),
            candidate: row.candidate_model.trim().to_owned(),
            passed,
        })
    };
    if text.trim_start().starts_with('{') {
        for (index, line) in text.lines().enumerate() {
            let line_no = index as u64 + 1;
            if line.trim().is_empty() {
                continue;
            }
            let mut value: serde_json::Value = serde_json::from_str(line)
                .with_context(|| format!("{}:{line_no}: not JSON", path.display()))?;
            // `passed` may be a JSON boolean or number; read it as text like the CSV column.
            if let Some(passed) = value
                .get_mut("passed")
                .filter(|p| !p.is_string() && !p.is_null())
            {
                *passed = serde_json::Value::String(passed.to_string());
            }
            let row: LabelRow = serde_json::from_value(value)
                .with_context(|| format!("{}:{line_no}: not a label", path.display()))?;
            labels.push(to_label(line_no, row)?);
        }
    } else {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        for (index, row) in reader.deserialize::<LabelRow>().enumerate() {
            let line_no = index as u64 + 2;
            let row = row.with_context(|| format!("{}:{line_no}: not a label", path.display()))?;
            labels.push(to_label(line_no, row)?);
        }
    }
    if labels.is_empty() {
        bail!("{}: no labels", path.display());
    }
    Ok(labels)
}

fn parse_passed(word: &str) -> Option<bool> {
    match word.trim().to_ascii_lowercase().as_str() {
        "true" | "pass" | "passed" | "1" | "yes" | "ok" => Some(true),
        "false" | "fail" | "failed" | "0" | "no" | "degraded" => Some(false),
        _ => None,
    }
}

/// Labelled outcomes of one cell.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CellCounts {
    /// Catalog id of the candidate model.
    pub candidate: String,
    pub task: String,
    pub tier: String,
    pub gap: String,
    pub labelled: u64,
    pub degraded: u64,
}

/// The calibration file `llm-audit calibrate` writes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CalibrationFile {
    pub version: u32,
    /// Version of the risk priors the labels were counted against.
    pub priors_version: String,
    /// Labels read, and how many matched a logged call.
    pub labels: u64,
    pub matched: u64,
    #[serde(default, rename = "cell")]
    pub cells: Vec<CellCounts>,
}

impl CalibrationFile {
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!(
            "# Written by `llm-audit calibrate`: labelled outcomes per candidate model, task, tier\n\
             # and capability gap. Read by `llm-audit analyze --risk-calibration FILE`.\n{body}"
        )
    }

    pub fn read(path: &Path) -> anyhow::Result<CalibrationFile> {
        let text = crate::ingest::read_input_text(path)?;
        let file: CalibrationFile = toml::from_str(&text)
            .with_context(|| format!("{}: not a calibration file", path.display()))?;
        if file.version != CALIBRATION_VERSION {
            bail!(
                "{}: calibration version {} (this llm-audit reads {CALIBRATION_VERSION})",
                path.display(),
                file.version
            );
        }
        Ok(file)
    }
}

/// Cell key: candidate id, task, tier, gap.
type CellKey = (String, Task, Tier, Gap);

/// Where a rate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Basis {
    /// The embedded priors alone.
    Prior,
    /// The prior, adjusted by labels of the same candidate in other cells.
    ModelWide,
    /// The cell's own labels (with the adjusted prior as the pseudo-observations).
    Calibrated,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Prior => "prior",
            Basis::ModelWide => "calibrated (model-wide)",
            Basis::Calibrated => "calibrated",
        }
    }
}

/// Degradation rates: the priors, updated by a calibration when there is one.
#[derive(Debug, Clone)]
pub struct RiskModel {
    pub priors: RiskPriors,
    /// Labels per candidate model, looked up by `&str` on the replay's hot path.
    candidates: HashMap<String, CandidateLabels>,
    pub calibration: Option<CalibrationFile>,
}

/// One candidate's labels.
#[derive(Debug, Clone, Default)]
struct CandidateLabels {
    /// (labelled, degraded) per cell.
    cells: HashMap<(Task, Tier, Gap), (u64, u64)>,
    /// (degraded, prior-expected degraded) over all its labelled cells.
    totals: (f64, f64),
}

impl RiskModel {
    /// The priors alone.
    pub fn prior(priors: RiskPriors) -> RiskModel {
        RiskModel {
            priors,
            candidates: HashMap::new(),
            calibration: None,
        }
    }

    /// The priors updated by a calibration file.
    pub fn calibrated(priors: RiskPriors, file: CalibrationFile) -> Result<RiskModel, String> {
        let mut model = RiskModel::prior(priors);
        for cell in &file.cells {
            let key = parse_key(cell)?;
            if cell.degraded > cell.labelled {
                return Err(format!(
                    "calibration: {} {}/{}: more degraded than labelled",
                    cell.candidate, cell.task, cell.tier
                ));
            }
            let (candidate, task, tier, gap) = key;
            let prior_mean = model.priors.cell(task, tier, gap).mean();
            let labels = model.candidates.entry(candidate).or_default();
            let entry = labels.cells.entry((task, tier, gap)).or_default();
            entry.0 += cell.labelled;
            entry.1 += cell.degraded;
            labels.totals.0 += cell.degraded as f64;
            labels.totals.1 += cell.labelled as f64 * prior_mean;
        }
        model.calibration = Some(file);
        Ok(model)
    }

    /// The rate of calls of `task` and `tier` moved by `gap` onto the catalog model
    /// `candidate`, and where it came from.
    ///
    /// With labels for the candidate, the cell's prior mean is scaled by how the candidate did
    /// against the priors in its *other* cells (observed / expected degraded, both shrunk by
    /// [`MODEL_WIDE_SHRINK`] expected failures), given at most [`CALIBRATION_PRIOR_WEIGHT`]
    /// pseudo-observations, then updated by the cell's own labels (Beta-binomial). Thin data
    /// therefore stays near the prior; plentiful data speaks for itself.
    /// [`RiskModel::rate`] for a call in score band `band` (`RiskPriors::band_of`): a rate that
    /// rests on the priors moves with the band's factor; the user's own labels speak for their
    /// cell whatever the band.
    pub fn call_rate(
        &self,
        candidate: &str,
        task: Task,
        tier: Tier,
        gap: Gap,
        band: u8,
    ) -> (BetaRate, Basis) {
        let (rate, basis) = self.rate(candidate, task, tier, gap);
        if basis == Basis::Calibrated {
            (rate, basis)
        } else {
            (rate.scaled(self.priors.band_factor(band, gap)), basis)
        }
    }

    pub fn rate(&self, candidate: &str, task: Task, tier: Tier, gap: Gap) -> (BetaRate, Basis) {
        let prior = self.priors.cell(task, tier, gap);
        let Some(labels) = self.candidates.get(candidate) else {
            return (prior, Basis::Prior);
        };
        let (degraded, expected) = labels.totals;
        let own = labels.cells.get(&(task, tier, gap)).copied();
        let (own_degraded, own_expected) =
            own.map_or((0.0, 0.0), |(n, k)| (k as f64, n as f64 * prior.mean()));
        let scale = (degraded - own_degraded + MODEL_WIDE_SHRINK)
            / (expected - own_expected + MODEL_WIDE_SHRINK);
        let concentration = (prior.alpha + prior.beta).min(CALIBRATION_PRIOR_WEIGHT);
        let adjusted = BetaRate::with_mean((prior.mean() * scale).min(MAX_MEAN), concentration);
        match own {
            Some((labelled, degraded)) => (
                adjusted.update(degraded, labelled - degraded),
                Basis::Calibrated,
            ),
            None => (adjusted, Basis::ModelWide),
        }
    }
}

fn parse_key(cell: &CellCounts) -> Result<CellKey, String> {
    let task = Task::from_name(&cell.task)
        .ok_or_else(|| format!("calibration: unknown task `{}`", cell.task))?;
    let tier = Tier::from_name(&cell.tier)
        .ok_or_else(|| format!("calibration: unknown tier `{}`", cell.tier))?;
    let gap = Gap::ALL
        .into_iter()
        .find(|g| g.as_str() == cell.gap)
        .ok_or_else(|| format!("calibration: unknown gap `{}`", cell.gap))?;
    Ok((cell.candidate.clone(), task, tier, gap))
}

/// Counts labelled outcomes per cell, in a stable order.
pub fn count_cells<'a>(
    outcomes: impl IntoIterator<Item = (&'a str, Task, Tier, Gap, bool)>,
) -> Vec<CellCounts> {
    let mut cells: BTreeMap<(String, Task, Tier, Gap), (u64, u64)> = BTreeMap::new();
    for (candidate, task, tier, gap, passed) in outcomes {
        let entry = cells
            .entry((candidate.to_owned(), task, tier, gap))
            .or_default();
        entry.0 += 1;
        entry.1 += u64::from(!passed);
    }
    cells
        .into_iter()
        .map(
            |((candidate, task, tier, gap), (labelled, degraded))| CellCounts {
                candidate,
                task: task.as_str().to_owned(),
                tier: tier.as_str().to_owned(),
                gap: gap.as_str().to_owned(),
                labelled,
                degraded,
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::fs;

    use super::*;
    use crate::pricing::PriceCatalog;
    use crate::risk::{RiskCell, summarize};

    const CATALOG: &str = r#"
version = "test"
[[model]]
id = "small"
provider = "openai"
tier = "mid"
input = 1.0
output = 2.0
source = "test"
checked = "2026-11-21"
"#;

    /// Deterministic uniform draws in [0, 1) (SplitMix64), so the test is reproducible.
    struct Draws(u64);

    impl Draws {
        fn next(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) as f64 / (u64::MAX as f64 + 1.0)
        }
    }

    /// A simulated call: its cell and whether the candidate's answer was worse.
    struct Simulated {
        task: Task,
        tier: Tier,
        degraded: bool,
    }

    /// `calls` calls per cell, degraded at each cell's true rate.
    fn simulate(truth: &[(Task, Tier, f64)], calls: usize, draws: &mut Draws) -> Vec<Simulated> {
        truth
            .iter()
            .flat_map(|&(task, tier, rate)| {
                (0..calls)
                    .map(|_| Simulated {
                        task,
                        tier,
                        degraded: draws.next() < rate,
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    fn calibration(cells: Vec<CellCounts>) -> CalibrationFile {
        let matched = cells.iter().map(|c| c.labelled).sum();
        CalibrationFile {
            version: CALIBRATION_VERSION,
            priors_version: "test".into(),
            labels: matched,
            matched,
            cells,
        }
    }

    #[test]
    fn calibrated_interval_covers_the_true_rate_of_the_unlabelled_calls() {
        // The candidate is far worse than the priors on extraction, about as they say on code,
        // and better on chat. Every 10th call is labelled; the rest are what a replay rates.
        let truth = [
            (Task::Extraction, Tier::Simple, 0.20),
            (Task::Code, Tier::Moderate, 0.12),
            (Task::Chat, Tier::Trivial, 0.005),
        ];
        let calls = simulate(&truth, 2_000, &mut Draws(7));
        let (labelled, rest): (Vec<_>, Vec<_>) =
            calls.iter().enumerate().partition(|(i, _)| i % 10 == 0);
        let cells = count_cells(
            labelled
                .iter()
                .map(|(_, c)| ("small", c.task, c.tier, Gap::OneStep, !c.degraded)),
        );
        let model =
            RiskModel::calibrated(RiskPriors::embedded().unwrap(), calibration(cells)).unwrap();
        let catalog = PriceCatalog::from_toml(CATALOG).unwrap();
        let target = catalog.resolve("small", None).unwrap();

        for &(task, tier, true_rate) in &truth {
            let (rate, basis) = model.rate("small", task, tier, Gap::OneStep);
            assert_eq!(basis, Basis::Calibrated);
            let rest_cell: Vec<_> = rest
                .iter()
                .filter(|(_, c)| c.task == task && c.tier == tier)
                .collect();
            let observed = rest_cell.iter().filter(|(_, c)| c.degraded).count() as f64
                / rest_cell.len() as f64;
            let (low, high) = rate.interval(0.95);
            assert!(
                low <= observed && observed <= high,
                "{task}/{tier}: observed {observed} outside [{low}, {high}] (truth {true_rate})"
            );
        }

        // The policy-level interval over the unlabelled calls covers how many did degrade.
        let mut counts: BTreeMap<RiskCell, u64> = BTreeMap::new();
        for (_, call) in &rest {
            let cell = RiskCell {
                target,
                task: call.task,
                tier: call.tier,
                gap: Some(Gap::OneStep),
                // Calibrated cells keep their labels' rate whatever the band.
                band: 0,
                escalated_on: None,
                reasoning_cap: false,
                output_cap: false,
            };
            *counts.entry(cell).or_default() += 1;
        }
        let estimate = summarize(&counts, &model, &catalog);
        let degraded = rest.iter().filter(|(_, c)| c.degraded).count() as f64;
        assert_eq!(estimate.basis, "calibrated");
        assert_eq!(estimate.calls_calibrated, rest.len() as u64);
        assert!(
            estimate.degraded_calls_low <= degraded && degraded <= estimate.degraded_calls_high,
            "{degraded} outside [{}, {}]",
            estimate.degraded_calls_low,
            estimate.degraded_calls_high
        );
        // The labels moved the estimate: the priors alone rate extraction far below its truth.
        let prior_only = summarize(
            &counts,
            &RiskModel::prior(RiskPriors::embedded().unwrap()),
            &catalog,
        );
        assert!(
            (estimate.expected_degraded_calls - degraded).abs()
                < 0.5 * (prior_only.expected_degraded_calls - degraded).abs(),
            "calibrated {} prior {} observed {degraded}",
            estimate.expected_degraded_calls,
            prior_only.expected_degraded_calls
        );
        // And the calibrated interval is far narrower than the prior's.
        assert!(
            estimate.degraded_calls_high - estimate.degraded_calls_low
                < 0.5 * (prior_only.degraded_calls_high - prior_only.degraded_calls_low),
            "calibrated {estimate:?}\nprior {prior_only:?}"
        );
    }

    #[test]
    fn a_prior_moves_with_the_score_band() {
        let priors = RiskPriors::embedded().unwrap();
        let (low, high) = (priors.band_of(0.1), priors.band_of(0.2));
        let factors = (
            priors.band_factor(low, Gap::OneStep),
            priors.band_factor(high, Gap::OneStep),
        );
        assert!(
            factors.0 < factors.1,
            "simple's upper half degrades more often"
        );
        let model = RiskModel::prior(priors);
        let at = |band| {
            model
                .call_rate("small", Task::Chat, Tier::Simple, Gap::OneStep, band)
                .0
                .mean()
        };
        let tier_rate = model
            .rate("small", Task::Chat, Tier::Simple, Gap::OneStep)
            .0
            .mean();
        assert!((at(low) - tier_rate * factors.0).abs() < 1e-12);
        assert!((at(high) - tier_rate * factors.1).abs() < 1e-12);
    }

    #[test]
    fn thin_data_stays_near_the_prior() {
        let priors = RiskPriors::embedded().unwrap();
        let prior = priors.cell(Task::Classification, Tier::Simple, Gap::OneStep);
        // Two labels, both degraded: the raw rate is 100%.
        let cells = count_cells([
            (
                "small",
                Task::Classification,
                Tier::Simple,
                Gap::OneStep,
                false,
            ),
            (
                "small",
                Task::Classification,
                Tier::Simple,
                Gap::OneStep,
                false,
            ),
        ]);
        let model = RiskModel::calibrated(priors.clone(), calibration(cells)).unwrap();
        let (rate, basis) = model.rate("small", Task::Classification, Tier::Simple, Gap::OneStep);
        assert_eq!(basis, Basis::Calibrated);
        // The posterior moves up, by exactly the conjugate update of the prior mean m worth
        // w = min(α + β, 10) calls: (m·w + 2) / (w + 2). It stays nearer the prior than 100%.
        let weight = (prior.alpha + prior.beta).min(CALIBRATION_PRIOR_WEIGHT);
        let expected = (prior.mean() * weight + 2.0) / (weight + 2.0);
        assert!((rate.mean() - expected).abs() < 1e-12);
        assert!(rate.mean() > prior.mean());
        assert!(rate.mean() - prior.mean() < 1.0 - rate.mean(), "{rate:?}");
    }

    #[test]
    fn labels_of_one_cell_move_the_models_other_cells_and_no_other_model() {
        let priors = RiskPriors::embedded().unwrap();
        // 400 extraction labels, 80 degraded: far above the prior.
        let outcomes: Vec<_> = (0..400)
            .map(|i| {
                (
                    "small",
                    Task::Extraction,
                    Tier::Simple,
                    Gap::OneStep,
                    i % 5 != 0,
                )
            })
            .collect();
        let model =
            RiskModel::calibrated(priors.clone(), calibration(count_cells(outcomes))).unwrap();
        let prior_code = priors.cell(Task::Code, Tier::Simple, Gap::OneStep).mean();
        let (code, basis) = model.rate("small", Task::Code, Tier::Simple, Gap::OneStep);
        assert_eq!(basis, Basis::ModelWide);
        assert!(
            code.mean() > prior_code * 1.5,
            "{} vs {prior_code}",
            code.mean()
        );
        let (other, basis) = model.rate("mini", Task::Code, Tier::Simple, Gap::OneStep);
        assert_eq!(basis, Basis::Prior);
        assert!((other.mean() - prior_code).abs() < 1e-15);
    }

    #[test]
    fn labels_read_from_csv_and_json_lines() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("labels.csv");
        fs::write(
            &csv,
            "call_id,candidate_model,passed\nchatcmpl-1,gpt-4.1-mini,true\nchatcmpl-2,gpt-4.1-mini,FAIL\n",
        )
        .unwrap();
        let labels = read_labels(&csv, None).unwrap();
        assert_eq!(labels.len(), 2);
        assert_eq!(
            (labels[1].line, labels[1].call_id.as_str(), labels[1].passed),
            (3, "chatcmpl-2", false)
        );
        let jsonl = dir.path().join("labels.jsonl");
        fs::write(
            &jsonl,
            "{\"call_id\":\"a\",\"model\":\"m\",\"score\":0.8}\n\n{\"call_id\":\"b\",\"model\":\"m\",\"score\":0.6,\"threshold\":0.5}\n{\"call_id\":\"c\",\"model\":\"m\",\"passed\":false}\n",
        )
        .unwrap();
        let labels = read_labels(&jsonl, Some(0.7)).unwrap();
        let passed: Vec<bool> = labels.iter().map(|l| l.passed).collect();
        assert_eq!(passed, vec![true, true, false]);
        // A score with no threshold anywhere names its line.
        let err = read_labels(&jsonl, None).unwrap_err().to_string();
        assert!(
            err.ends_with(
                "labels.jsonl:1: a score needs a threshold (a `threshold` column or --threshold)"
            ),
            "{err}"
        );
        fs::write(&csv, "call_id,candidate_model,passed\nx,m,maybe\n").unwrap();
        let err = format!("{:#}", read_labels(&csv, None).unwrap_err());
        assert!(err.contains("labels.csv:2"), "{err}");
    }

    #[test]
    fn calibration_file_round_trips_through_toml() {
        let file = calibration(count_cells([
            ("small", Task::Math, Tier::Complex, Gap::TwoSteps, false),
            ("small", Task::Math, Tier::Complex, Gap::TwoSteps, true),
        ]));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cal.toml");
        fs::write(&path, file.to_toml()).unwrap();
        assert_eq!(CalibrationFile::read(&path).unwrap(), file);
        assert_eq!(
            (
                file.cells[0].labelled,
                file.cells[0].degraded,
                file.cells[0].gap.as_str()
            ),
            (2, 1, "two_steps")
        );
    }
}
