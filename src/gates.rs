//! CI gates (`--fail-*`): thresholds held against a finished report. A tripped gate makes the
//! command exit 1 with the reason on stderr; every gate checked is also listed in the report.

use crate::cli::GateArgs;
use crate::export::{GateReport, Report, SessionsAbove};
use crate::money::Money;

/// The gates a run checks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gates {
    pub savings_above_pct: Option<f64>,
    pub risk_above_pct: Option<f64>,
    pub on_unpriced: bool,
    pub cost_above: Option<Money>,
    pub cost_increase_above_pct: Option<f64>,
    /// No session (calls sharing a session, conversation or trace id) may cost more.
    pub session_cost_above: Option<Money>,
}

impl Gates {
    pub fn from_args(args: &GateArgs) -> anyhow::Result<Gates> {
        let cost_above = usd_limit("--fail-if-cost-above", args.fail_if_cost_above)?;
        let session_cost_above = usd_limit(
            "--fail-if-session-cost-above",
            args.fail_if_session_cost_above,
        )?;
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
            session_cost_above,
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
                sessions: None,
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
                sessions: None,
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
                sessions: None,
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
                sessions: None,
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
                sessions: None,
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
        if let Some(limit) = self.session_cost_above {
            let (count, top) = report.sessions.above(limit);
            let costliest = report
                .sessions
                .costs
                .first()
                .copied()
                .unwrap_or(Money::ZERO);
            gates.push(GateReport {
                gate: "fail-if-session-cost-above".into(),
                threshold: limit.usd(),
                value: costliest.usd(),
                policy: None,
                tripped: count > 0,
                message: match top.first() {
                    Some(first) => format!(
                        "{count} of {} sessions cost more than ${}; the costliest, `{}`, cost ${} over {} calls",
                        report.sessions.sessions,
                        limit.to_decimal_string(),
                        first.session,
                        first.cost_usd_exact,
                        first.calls
                    ),
                    None => format!(
                        "no session cost more than ${} (costliest: ${}, of {} sessions)",
                        limit.to_decimal_string(),
                        costliest.to_decimal_string(),
                        report.sessions.sessions
                    ),
                },
                sessions: Some(SessionsAbove { count, top }),
            });
        }
        gates
    }
}

/// A `--fail-*` limit in USD, exact; refused when negative or not a number.
fn usd_limit(flag: &str, usd: Option<f64>) -> anyhow::Result<Option<Money>> {
    match usd {
        None => Ok(None),
        Some(usd) if usd.is_finite() && usd >= 0.0 => Money::parse_usd(&usd.to_string())
            .map(Some)
            .ok_or_else(|| anyhow::anyhow!("{flag} {usd}: not an amount in USD")),
        Some(usd) => anyhow::bail!("{flag} {usd}: not an amount in USD"),
    }
}
