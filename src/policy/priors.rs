//! Latency priors: the assumptions a replay needs where the logs say nothing, loaded from an
//! embedded data file. (Quality-risk priors live in `crate::risk`.)

use std::collections::BTreeMap;

use serde::Deserialize;

const EMBEDDED_PRIORS: &str = include_str!("../../data/policy_priors.toml");

/// Latency of a model tier (or of one model): first token, then a steady decode rate.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LatencyPrior {
    /// Milliseconds from request to the first streamed token.
    pub time_to_first_token_ms: f64,
    /// Steady decode rate after the first token.
    pub output_tokens_per_second: f64,
}

/// A `[model."<catalog id>"]` table: one model's public throughput figures, with where they
/// come from, so that every number in a report can be traced.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct ModelLatencyFile {
    time_to_first_token_ms: f64,
    output_tokens_per_second: f64,
    source: String,
    checked: String,
}

/// One model's latency prior and its provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelLatencyPrior {
    pub latency: LatencyPrior,
    /// Where the figures were published (URL and what was measured).
    pub source: String,
    /// When the source was read, `YYYY-MM-DD`.
    pub checked: String,
}

impl LatencyPrior {
    /// Estimated end-to-end latency of a call producing `output_tokens`.
    pub fn latency_ms(&self, output_tokens: u64) -> f64 {
        self.time_to_first_token_ms + output_tokens as f64 * 1000.0 / self.output_tokens_per_second
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PriorsFile {
    batch_window_ms: f64,
    latency: BTreeMap<String, LatencyPrior>,
    #[serde(default)]
    model: BTreeMap<String, ModelLatencyFile>,
}

/// The loaded priors.
#[derive(Debug, Clone)]
pub struct Priors {
    pub batch_window_ms: f64,
    latency: BTreeMap<String, LatencyPrior>,
    /// Catalog id → that model's latency prior; ahead of the tier prior when present.
    models: BTreeMap<String, ModelLatencyPrior>,
}

impl Priors {
    /// The priors shipped in the binary.
    pub fn embedded() -> Result<Priors, String> {
        Priors::from_toml(EMBEDDED_PRIORS)
    }

    /// Parses and validates a priors file: the three tiers must be present with positive
    /// figures, and every per-model prior needs positive finite figures and a source.
    pub fn from_toml(text: &str) -> Result<Priors, String> {
        let file: PriorsFile =
            toml::from_str(text).map_err(|err| format!("policy priors: {err}"))?;
        for tier in ["flagship", "mid", "small"] {
            let prior = file
                .latency
                .get(tier)
                .ok_or(format!("policy priors: no latency for `{tier}`"))?;
            if !(prior.output_tokens_per_second > 0.0 && prior.time_to_first_token_ms >= 0.0) {
                return Err(format!(
                    "policy priors: latency for `{tier}` must be positive"
                ));
            }
        }
        let mut models = BTreeMap::new();
        for (id, entry) in file.model {
            let latency = LatencyPrior {
                time_to_first_token_ms: entry.time_to_first_token_ms,
                output_tokens_per_second: entry.output_tokens_per_second,
            };
            let finite_positive = |value: f64| value.is_finite() && value > 0.0;
            if !(finite_positive(latency.time_to_first_token_ms)
                && finite_positive(latency.output_tokens_per_second))
            {
                return Err(format!(
                    "policy priors: latency for model `{id}` must be positive"
                ));
            }
            if entry.source.trim().is_empty() || entry.checked.trim().is_empty() {
                return Err(format!(
                    "policy priors: latency for model `{id}` needs a `source` and a `checked` date"
                ));
            }
            models.insert(
                id,
                ModelLatencyPrior {
                    latency,
                    source: entry.source,
                    checked: entry.checked,
                },
            );
        }
        Ok(Priors {
            batch_window_ms: file.batch_window_ms,
            latency: file.latency,
            models,
        })
    }

    /// Latency prior of one model by its catalog id (`ModelPrice::id`), when the priors file
    /// has public figures for it.
    pub fn model_latency(&self, id: &str) -> Option<LatencyPrior> {
        self.models.get(id).map(|prior| prior.latency)
    }

    /// Every per-model prior with its provenance, by catalog id, for the report's assumptions.
    pub fn model_latencies(&self) -> &BTreeMap<String, ModelLatencyPrior> {
        &self.models
    }

    /// Latency prior for a catalog capability tier; unknown tiers get the flagship (slowest) one.
    pub fn latency(&self, capability_tier: &str) -> LatencyPrior {
        self.latency
            .get(capability_tier)
            .or_else(|| self.latency.get("flagship"))
            .copied()
            .unwrap_or(LatencyPrior {
                time_to_first_token_ms: 1000.0,
                output_tokens_per_second: 50.0,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::PriceCatalog;

    #[test]
    fn embedded_latency_priors_are_valid_and_ordered() {
        let priors = Priors::embedded().unwrap();
        assert!(
            priors.latency("small").output_tokens_per_second
                > priors.latency("flagship").output_tokens_per_second
        );
        assert_eq!(priors.batch_window_ms, 86_400_000.0);
    }

    #[test]
    fn every_model_prior_names_a_catalog_entry_by_its_id() {
        let priors = Priors::embedded().unwrap();
        let catalog = PriceCatalog::embedded().unwrap();
        assert!(priors.model_latencies().len() >= 12);
        for id in priors.model_latencies().keys() {
            let index = catalog
                .resolve(id, None)
                .unwrap_or_else(|| panic!("model prior `{id}` is not in the catalog"));
            // Lookups go by the entry's id, so the key must be that id, not an alias.
            assert_eq!(&catalog.entry(index).id, id);
        }
    }

    #[test]
    fn model_prior_is_found_by_id() {
        let priors = Priors::embedded().unwrap();
        // data/policy_priors.toml: gpt-4.1-mini, 930 ms to first token, 77.2 tokens/s.
        let prior = priors.model_latency("gpt-4.1-mini").unwrap();
        assert_eq!(prior.time_to_first_token_ms, 930.0);
        assert_eq!(prior.output_tokens_per_second, 77.2);
        assert_eq!(priors.model_latency("no-such-model"), None);
    }

    const TIERS: &str = r#"
batch_window_ms = 1
[latency.flagship]
time_to_first_token_ms = 1
output_tokens_per_second = 1
[latency.mid]
time_to_first_token_ms = 1
output_tokens_per_second = 1
[latency.small]
time_to_first_token_ms = 1
output_tokens_per_second = 1
"#;

    #[test]
    fn model_prior_needs_positive_figures_and_a_source() {
        let zero_speed = format!(
            "{TIERS}[model.m]\ntime_to_first_token_ms = 100\noutput_tokens_per_second = 0\nsource = \"s\"\nchecked = \"d\"\n"
        );
        assert!(
            Priors::from_toml(&zero_speed)
                .unwrap_err()
                .contains("positive")
        );
        let no_source = format!(
            "{TIERS}[model.m]\ntime_to_first_token_ms = 100\noutput_tokens_per_second = 50\nsource = \" \"\nchecked = \"d\"\n"
        );
        assert!(
            Priors::from_toml(&no_source)
                .unwrap_err()
                .contains("source")
        );
        let missing_source = format!(
            "{TIERS}[model.m]\ntime_to_first_token_ms = 100\noutput_tokens_per_second = 50\n"
        );
        assert!(Priors::from_toml(&missing_source).is_err());
        let fine = format!(
            "{TIERS}[model.m]\ntime_to_first_token_ms = 100\noutput_tokens_per_second = 50\nsource = \"s\"\nchecked = \"d\"\n"
        );
        assert!(
            Priors::from_toml(&fine)
                .unwrap()
                .model_latency("m")
                .is_some()
        );
    }

    #[test]
    fn latency_is_first_token_plus_decode() {
        let prior = LatencyPrior {
            time_to_first_token_ms: 500.0,
            output_tokens_per_second: 100.0,
        };
        assert_eq!(prior.latency_ms(250), 3000.0);
    }
}
