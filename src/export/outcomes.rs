//! The report's sections on what calls came to: the cost of a meaningful response (in all and
//! by `--group-by` group), failed calls by cause, and the costliest sessions.

use serde::{Deserialize, Serialize};

use crate::aggregate::{Grouping, ResponseStats, Responses, SessionStats, sessions_by_cost};
use crate::human::{count, plural, usd};
use crate::money::Money;
use crate::pipeline::RunOutput;
use crate::pricing::PriceCatalog;

/// Sessions the report lists, costliest first.
pub const TOP_SESSIONS: usize = 10;

/// What one useful answer costs once failed attempts, retries and repeats are paid for.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct MeaningfulResponsesReport {
    #[serde(flatten)]
    pub all: ResponsesReport,
    /// The same per group of each `--group-by` key, groups by spend (time keys in time order).
    pub by_group: Vec<ResponsesGroupingReport>,
}

/// Attempts and answers of a set of calls.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ResponsesReport {
    /// Calls that gave an answer (no error, no answer withheld by a content filter).
    pub responses: u64,
    /// Every call.
    pub attempts: u64,
    /// Calls that gave no answer.
    pub failed_attempts: u64,
    /// What the priced failed attempts cost.
    pub failed_attempts_cost_usd: f64,
    /// Answers that repeated a request answered shortly before (the `duplicate_request` rule).
    pub repeats: u64,
    /// What every priced call cost.
    pub cost_usd: f64,
    /// Calls of unpriced models: left out of the cost and of the answers it is divided by.
    pub unpriced_calls: u64,
    /// All spend ÷ answers (of priced calls); `null` without an answer.
    pub cost_per_response_usd: Option<f64>,
    /// The same, exact.
    pub cost_per_response_usd_exact: Option<String>,
    /// All spend ÷ answers that were not repeats: what one new answer cost.
    pub cost_per_new_response_usd: Option<f64>,
}

impl ResponsesReport {
    fn of(stats: &ResponseStats) -> ResponsesReport {
        ResponsesReport {
            responses: stats.responses,
            attempts: stats.attempts,
            failed_attempts: stats.failed_attempts,
            failed_attempts_cost_usd: stats.failed_cost.usd(),
            repeats: stats.repeats,
            cost_usd: stats.cost.usd(),
            unpriced_calls: stats.unpriced_calls,
            cost_per_response_usd: stats.cost_per_response().map(Money::usd),
            cost_per_response_usd_exact: stats.cost_per_response().map(Money::to_decimal_string),
            cost_per_new_response_usd: stats.cost_per_new_response().map(Money::usd),
        }
    }
}

/// Meaningful responses by the groups of one key.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ResponsesGroupingReport {
    pub by: String,
    pub groups: Vec<ResponsesGroupReport>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ResponsesGroupReport {
    pub key: String,
    #[serde(flatten)]
    pub responses: ResponsesReport,
}

/// Failed calls by cause.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FailuresReport {
    /// Failed calls: those kept as calls, and the failures without usage that are skipped
    /// records (`provider error, no usage`).
    pub calls: u64,
    /// What the priced ones cost (a failure is billed when the provider counted tokens).
    pub cost_usd: f64,
    /// Causes with failed calls, in a fixed order: `rate_limit`, `timeout`, `server_error`,
    /// `context_length`, `content_filter`, `other`.
    pub by_cause: Vec<FailureCauseReport>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct FailureCauseReport {
    pub cause: String,
    pub calls: u64,
    /// Of those, calls whose log reported tokens; the others cost nothing, and those skipped
    /// for want of usage are no calls of the report.
    pub calls_with_usage: u64,
    pub cost_usd: f64,
}

/// Sessions (calls sharing a session, conversation or trace id).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SessionsReport {
    /// Sessions with an id.
    pub sessions: u64,
    /// Of those, sessions of one call (never judged runaway).
    pub single_call_sessions: u64,
    /// The costliest sessions, at most ten, costliest first.
    pub top: Vec<SessionReport>,
    /// Every session's cost, costliest first, for the session budget gate. Known while the
    /// run is: not written, so a report read back has none.
    #[serde(skip)]
    pub costs: Vec<Money>,
}

/// Equal when what the report shows is: `costs` is the run's, not the report's.
impl PartialEq for SessionsReport {
    fn eq(&self, other: &SessionsReport) -> bool {
        self.sessions == other.sessions
            && self.single_call_sessions == other.single_call_sessions
            && self.top == other.top
    }
}

/// One session.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SessionReport {
    pub session: String,
    pub calls: u64,
    /// Calls of unpriced models, not in the cost.
    pub unpriced_calls: u64,
    /// The most prompt tokens one call sent: how full the context grew.
    pub peak_prompt_tokens: u64,
    pub cost_usd: f64,
    pub cost_usd_exact: String,
}

impl SessionsReport {
    pub fn of(run: &RunOutput) -> SessionsReport {
        let stats = SessionStats::of(&run.rows);
        let sorted = sessions_by_cost(&stats, &run.sessions);
        SessionsReport {
            sessions: sorted.len() as u64,
            single_call_sessions: stats.values().filter(|s| !s.is_conversation()).count() as u64,
            top: sorted
                .iter()
                .take(TOP_SESSIONS)
                .map(|(index, session)| SessionReport {
                    session: run
                        .sessions
                        .get(*index as usize)
                        .cloned()
                        .unwrap_or_default(),
                    calls: session.calls,
                    unpriced_calls: session.unpriced_calls,
                    peak_prompt_tokens: session.peak_prompt_tokens,
                    cost_usd: session.cost.usd(),
                    cost_usd_exact: session.cost.to_decimal_string(),
                })
                .collect(),
            costs: sorted.iter().map(|(_, session)| session.cost).collect(),
        }
    }

    /// How many sessions cost more than `limit`, and the listed ones among them.
    pub fn above(&self, limit: Money) -> (u64, Vec<SessionReport>) {
        let count = self.costs.iter().take_while(|&&cost| cost > limit).count();
        let top = self.top.iter().take(count).cloned().collect();
        (count as u64, top)
    }
}

/// The meaningful responses and failures of a run, in all and by `grouping`'s keys.
pub fn responses_of(
    run: &RunOutput,
    catalog: &PriceCatalog,
    grouping: &Grouping,
) -> (MeaningfulResponsesReport, FailuresReport) {
    let responses = Responses::of(run, catalog, grouping);
    let total = &responses.total;
    let by_group = responses
        .groups
        .iter()
        .map(|(key, groups)| {
            let mut groups: Vec<(&String, &ResponseStats)> = groups.iter().collect();
            if !key.is_time() {
                groups.sort_by(|a, b| b.1.cost.cmp(&a.1.cost).then(a.0.cmp(b.0)));
            }
            let groups = groups
                .into_iter()
                .map(|(name, stats)| ResponsesGroupReport {
                    key: name.clone(),
                    responses: ResponsesReport::of(stats),
                })
                .collect();
            ResponsesGroupingReport {
                by: key.to_string(),
                groups,
            }
        })
        .collect();
    let without_usage = &run.accounting.failures_without_usage;
    let failures = FailuresReport {
        calls: total.failed_attempts + without_usage.values().sum::<u64>(),
        cost_usd: total.failed_cost.usd(),
        by_cause: total
            .failures_by_cause(without_usage)
            .map(|(cause, tally)| FailureCauseReport {
                cause: cause.as_str().to_string(),
                calls: tally.calls,
                calls_with_usage: tally.calls_with_usage,
                cost_usd: tally.cost.usd(),
            })
            .collect(),
    };
    (
        MeaningfulResponsesReport {
            all: ResponsesReport::of(total),
            by_group,
        },
        failures,
    )
}

impl ResponsesReport {
    /// The cells of a group's row in the reports' tables, after its key: attempts, answers,
    /// failed attempts and their cost, repeats, and the cost per answer.
    pub fn cells(&self) -> [String; 6] {
        [
            count(self.attempts),
            count(self.responses),
            count(self.failed_attempts),
            usd(self.failed_attempts_cost_usd),
            count(self.repeats),
            self.cost_per_response_usd
                .map_or_else(|| "-".to_string(), usd),
        ]
    }

    /// One sentence for the reports: answers, attempts, and what one answer cost.
    pub fn sentence(&self) -> String {
        let mut text = format!(
            "{} from {}: {} of spend",
            plural(self.responses, "answer", "answers"),
            plural(self.attempts, "attempt", "attempts"),
            usd(self.cost_usd),
        );
        match self.cost_per_response_usd {
            Some(each) => text.push_str(&format!(", {} an answer", usd(each))),
            None => text.push_str(", no priced answer"),
        }
        if let (true, Some(new)) = (self.repeats > 0, self.cost_per_new_response_usd) {
            text.push_str(&format!(
                " ({} a new one: {} left out)",
                usd(new),
                plural(self.repeats, "repeat", "repeats")
            ));
        }
        text.push('.');
        if self.failed_attempts > 0 {
            text.push_str(&format!(
                " {} cost {}.",
                plural(self.failed_attempts, "failed attempt", "failed attempts"),
                usd(self.failed_attempts_cost_usd)
            ));
        }
        if self.unpriced_calls > 0 {
            text.push_str(&format!(
                " {} of unpriced models are left out of the spend and the answers it is divided by.",
                plural(self.unpriced_calls, "call", "calls")
            ));
        }
        text
    }
}

impl FailuresReport {
    /// `Failed calls by cause: rate limit 3 ($0.0020, 2 without usage), …`; `None` without a
    /// failed call.
    pub fn sentence(&self) -> Option<String> {
        if self.calls == 0 {
            return None;
        }
        let causes: Vec<String> = self
            .by_cause
            .iter()
            .map(|c| {
                let cost = match c.calls - c.calls_with_usage {
                    0 => usd(c.cost_usd),
                    _ if c.calls_with_usage == 0 && c.cost_usd == 0.0 => "no usage".to_string(),
                    without => format!("{}, {} without usage", usd(c.cost_usd), count(without)),
                };
                format!("{} {} ({cost})", c.cause.replace('_', " "), count(c.calls))
            })
            .collect();
        Some(format!("Failed calls by cause: {}.", causes.join(", ")))
    }
}
