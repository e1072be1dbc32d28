//! CI gates (`--fail-*`): thresholds held against a finished report. A tripped gate makes the
//! command exit 1 with the reason on stderr; every gate checked is also listed in the report.

use crate::cli::GateArgs;
use crate::export::{GateReport, Report};
use crate::money::Money;

/// The gates a run checks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gates {
    pub savings_above_pct: Option<f64>,
    pub risk_above_pct: Option<f64>,
    pub on_unpriced: bool,
    pub cost_above: Option<Money>,
    pub cost_increase_above_pct: Option<f64>,
}

impl Gates {
    pub fn from_args(args: &GateArgs) -> anyhow::Result<Gates> {
        let cost_above = match args.fail_if_cost_above {
            None => None,
            Some(usd) if usd.is_finite() && usd >= 0.0 => {
                Some(Money::parse_usd(&usd.to_string()).ok_or_else(|| {
                    anyhow::anyhow!("--fail-if-cost-above {usd}: not an amount in USD")
                })?)
            }
            Some(usd) => anyhow::bail!("--fail-if-cost-above {usd}: not an amount in USD"),
        };
        for (flag, value) in [
            ("--fail-if-savings-above", args.fail_if_savings_above),
            ("--fail-if-risk-above", args.fail_if_risk_above),
            (
                "--fail-if-cost-increase-above",
                args.fail_if_cost_increase_above,
            ),
        ] {
            if value.is_some_and(|v| !v.is_finite() || v < 0.0) {
                anyhow::bail!("{flag}: a percentage must be a number of at least 0");
            }
        }
        Ok(Gates {
            savings_above_pct: args.fail_if_savings_above,
            risk_above_pct: args.fail_if_risk_above,
            on_unpriced: args.fail_on_unpriced,
            cost_above,
            cost_increase_above_pct: args.fail_if_cost_increase_above,
        })
    }

    /// Checks every gate set against the report.
    pub fn check(&self, report: &Report) -> Vec<GateReport> {
        let mut gates = Vec::new();
        let replayed = || report.policies.iter().filter(|p| p.name != "baseline");
        if let Some(threshold) = self.savings_above_pct {
            let top = replayed().max_by(|a, b| a.savings_pct.total_cmp(&b.savings_pct));
            let value = top.map_or(0.0, |p| p.savings_pct);
            let tripped = value > threshold;
            gates.push(GateReport {
                gate: "fail-if-savings-above".into(),
                threshold,
                value,
                policy: top.map(|p| p.name.clone()),
                tripped,
                message: match top {
                    Some(p) => format!(
                        "policy `{}` would save {:.2}% of the spend (${:.2}); the gate allows {threshold}%",
                        p.name, p.savings_pct, p.savings_usd
                    ),
                    None => "no policy was replayed".into(),
                },
            });
        }
        if let Some(threshold) = self.risk_above_pct {
            let share = |p: &crate::export::PolicyReport| {
                if report.calls == 0 {
                    0.0
                } else {
                    100.0 * p.risk.expected_degraded_calls / report.calls as f64
                }
            };
            let top = replayed().max_by(|a, b| share(a).total_cmp(&share(b)));
            let value = top.map_or(0.0, share);
            gates.push(GateReport {
                gate: "fail-if-risk-above".into(),
                threshold,
                value,
                policy: top.map(|p| p.name.clone()),
                tripped: value > threshold,
                message: match top {
                    Some(p) => format!(
                        "policy `{}` expects {:.1} degraded answers (95% interval {:.1}–{:.1}), \
                         {value:.2}% of {} calls; the gate allows {threshold}%",
                        p.name,
                        p.risk.expected_degraded_calls,
                        p.risk.degraded_calls_low,
                        p.risk.degraded_calls_high,
                        report.calls
                    ),
                    None => "no policy was replayed".into(),
                },
            });
        }
        if self.on_unpriced {
            let calls = report.baseline.unpriced_calls;
            let names: Vec<&str> = report
                .unpriced_models
                .iter()
                .map(|m| m.key.as_str())
                .collect();
            gates.push(GateReport {
                gate: "fail-on-unpriced".into(),
                threshold: 0.0,
                value: calls as f64,
                policy: None,
                tripped: calls > 0,
                message: if calls > 0 {
                    format!(
                        "{calls} calls of models the catalog does not price: {}",
                        names.join(", ")
                    )
                } else {
                    "every call was priced".into()
                },
            });
        }
        if let Some(limit) = self.cost_above {
            let cost = Money::parse_usd(&report.baseline.cost_usd_exact).unwrap_or(Money::ZERO);
            gates.push(GateReport {
                gate: "fail-if-cost-above".into(),
                threshold: limit.usd(),
                value: cost.usd(),
                policy: None,
                tripped: cost > limit,
                message: format!(
                    "spend was ${} against a limit of ${}",
                    cost.to_decimal_string(),
                    limit.to_decimal_string()
                ),
            });
        }
        if let (Some(threshold), Some(diff)) = (self.cost_increase_above_pct, &report.baseline_diff)
        {
            let value = diff.change_pct.unwrap_or(if diff.cost_usd > 0.0 {
                f64::INFINITY
            } else {
                0.0
            });
            gates.push(GateReport {
                gate: "fail-if-cost-increase-above".into(),
                threshold,
                value: if value.is_finite() { value } else { f64::MAX },
                policy: None,
                tripped: value > threshold,
                message: format!(
                    "spend went from ${:.2} ({}) to ${:.2}, {}; the gate allows {threshold}%",
                    diff.previous_cost_usd,
                    diff.previous,
                    diff.cost_usd,
                    match diff.change_pct {
                        Some(pct) => format!("{pct:+.2}%"),
                        None => "up from nothing".into(),
                    }
                ),
            });
        }
        gates
    }
}
