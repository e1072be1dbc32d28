//! Latency and risk priors: the assumptions a replay needs where the logs say nothing, loaded
//! from an embedded data file.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::classify::Tier;

const EMBEDDED_PRIORS: &str = include_str!("../../data/policy_priors.toml");

/// Latency of a model tier: first token, then a steady decode rate.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LatencyPrior {
    pub time_to_first_token_ms: f64,
    pub output_tokens_per_second: f64,
}

impl LatencyPrior {
    /// Estimated end-to-end latency of a call producing `output_tokens`.
    pub fn latency_ms(&self, output_tokens: u64) -> f64 {
        self.time_to_first_token_ms + output_tokens as f64 * 1000.0 / self.output_tokens_per_second
    }
}

/// A degradation probability with its plausible range.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RiskPrior {
    pub rate: f64,
    pub low: f64,
    pub high: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PriorsFile {
    batch_window_ms: f64,
    latency: BTreeMap<String, LatencyPrior>,
    risk: BTreeMap<String, RiskPrior>,
}

/// The loaded priors.
#[derive(Debug, Clone)]
pub struct Priors {
    pub batch_window_ms: f64,
    latency: BTreeMap<String, LatencyPrior>,
    risk: BTreeMap<String, RiskPrior>,
}

impl Priors {
    /// The priors shipped in the binary.
    pub fn embedded() -> Result<Priors, String> {
        Priors::from_toml(EMBEDDED_PRIORS)
    }

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
        for tier in Tier::ALL {
            let prior = file
                .risk
                .get(tier.as_str())
                .ok_or(format!("policy priors: no risk for `{}`", tier.as_str()))?;
            if !(0.0 <= prior.low
                && prior.low <= prior.rate
                && prior.rate <= prior.high
                && prior.high <= 1.0)
            {
                return Err(format!(
                    "policy priors: risk for `{}` needs 0 ≤ low ≤ rate ≤ high ≤ 1",
                    tier.as_str()
                ));
            }
        }
        Ok(Priors {
            batch_window_ms: file.batch_window_ms,
            latency: file.latency,
            risk: file.risk,
        })
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

    /// Degradation prior for a call of this complexity tier moved to a cheaper model.
    pub fn risk(&self, tier: Tier) -> RiskPrior {
        self.risk.get(tier.as_str()).copied().unwrap_or(RiskPrior {
            rate: 0.5,
            low: 0.0,
            high: 1.0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_priors_are_valid_and_ordered() {
        let priors = Priors::embedded().unwrap();
        let rates: Vec<f64> = Tier::ALL.iter().map(|&t| priors.risk(t).rate).collect();
        assert!(
            rates.windows(2).all(|w| w[0] <= w[1]),
            "risk grows with complexity: {rates:?}"
        );
        assert!(
            priors.latency("small").output_tokens_per_second
                > priors.latency("flagship").output_tokens_per_second
        );
        assert_eq!(priors.batch_window_ms, 86_400_000.0);
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
