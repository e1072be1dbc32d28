//! A rate known up to a Beta distribution: the prior of a degradation rate, and its posterior
//! after pass/fail labels (the Beta is conjugate to the binomial).

use statrs::function::beta::inv_beta_reg;

/// Concentrations searched when fitting a prior's range (α + β, in pseudo-observations).
const CONCENTRATION_RANGE: (f64, f64) = (0.5, 100_000.0);

/// Beta(α, β) over a rate in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BetaRate {
    pub alpha: f64,
    pub beta: f64,
}

impl BetaRate {
    /// The Beta with mean `mean` and concentration `alpha + beta = concentration`.
    pub fn with_mean(mean: f64, concentration: f64) -> BetaRate {
        BetaRate {
            alpha: mean * concentration,
            beta: (1.0 - mean) * concentration,
        }
    }

    /// The same concentration with the mean multiplied by `factor` (kept inside (0, 0.95]).
    pub fn scaled(self, factor: f64) -> BetaRate {
        BetaRate::with_mean(
            (self.mean() * factor).clamp(1e-6, 0.95),
            self.alpha + self.beta,
        )
    }

    pub fn mean(self) -> f64 {
        self.alpha / (self.alpha + self.beta)
    }

    pub fn variance(self) -> f64 {
        let total = self.alpha + self.beta;
        self.alpha * self.beta / (total * total * (total + 1.0))
    }

    /// The `p` quantile.
    pub fn quantile(self, p: f64) -> f64 {
        inv_beta_reg(self.alpha, self.beta, p.clamp(0.0, 1.0))
    }

    /// The central interval holding `level` of the mass (0.95: 2.5% and 97.5% quantiles).
    pub fn interval(self, level: f64) -> (f64, f64) {
        let tail = (1.0 - level) / 2.0;
        (self.quantile(tail), self.quantile(1.0 - tail))
    }

    /// The posterior after `failures` degraded and `passes` fine answers.
    pub fn update(self, failures: u64, passes: u64) -> BetaRate {
        BetaRate {
            alpha: self.alpha + failures as f64,
            beta: self.beta + passes as f64,
        }
    }

    /// The concentration whose Beta with mean `rate` best matches the stated 95% range
    /// `[low, high]` (least squares on the log of both quantiles; golden-section search over
    /// the log of the concentration). A wide range gives a weak prior that a few labels move;
    /// a narrow one a strong prior.
    pub fn fit_concentration(rate: f64, low: f64, high: f64) -> f64 {
        let floor = rate * 1e-3;
        let (want_low, want_high) = (low.max(floor).ln(), high.max(rate).ln());
        let misfit = |log_k: f64| {
            let (q_low, q_high) = BetaRate::with_mean(rate, log_k.exp()).interval(0.95);
            (q_low.max(floor).ln() - want_low).powi(2)
                + (q_high.max(floor).ln() - want_high).powi(2)
        };
        let (mut a, mut b) = (CONCENTRATION_RANGE.0.ln(), CONCENTRATION_RANGE.1.ln());
        let ratio = (5f64.sqrt() - 1.0) / 2.0;
        let mut c = b - ratio * (b - a);
        let mut d = a + ratio * (b - a);
        for _ in 0..80 {
            if misfit(c) < misfit(d) {
                b = d;
            } else {
                a = c;
            }
            c = b - ratio * (b - a);
            d = a + ratio * (b - a);
        }
        ((a + b) / 2.0).exp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_beta_has_its_textbook_quantiles() {
        // Beta(1, 1) is uniform: the 2.5% quantile is 0.025.
        let uniform = BetaRate {
            alpha: 1.0,
            beta: 1.0,
        };
        let (low, high) = uniform.interval(0.95);
        assert!((low - 0.025).abs() < 1e-9 && (high - 0.975).abs() < 1e-9);
        // Beta(2, 1) has CDF x², so its median is √0.5.
        let skewed = BetaRate {
            alpha: 2.0,
            beta: 1.0,
        };
        assert!((skewed.quantile(0.5) - 0.5f64.sqrt()).abs() < 1e-9);
    }

    #[test]
    fn labels_move_the_mean_by_the_conjugate_update() {
        // Prior mean 0.1 worth 20 calls; 30 failures in 100 labels: (2 + 30) / (20 + 100).
        let posterior = BetaRate::with_mean(0.1, 20.0).update(30, 70);
        assert!((posterior.mean() - 32.0 / 120.0).abs() < 1e-12);
    }

    #[test]
    fn fitted_concentration_reproduces_the_stated_range() {
        // Generate a range from a known Beta, then recover its concentration.
        let truth = BetaRate::with_mean(0.05, 60.0);
        let (low, high) = truth.interval(0.95);
        let fitted = BetaRate::fit_concentration(0.05, low, high);
        assert!((fitted - 60.0).abs() < 0.5, "{fitted}");
        // A wider range means a weaker prior.
        assert!(BetaRate::fit_concentration(0.05, low / 2.0, high * 1.5) < fitted);
    }
}
