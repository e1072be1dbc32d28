//! The report: one serialisable shape built from a run, which every exporter writes.
//! Field names are stable (`schema_version` changes when they do).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::aggregate::{
    Breakdown, GroupStats, NONE_KEY, SPEND_TAGS, Summary, task_order, tier_order,
};
use crate::export::{FailuresReport, MeaningfulResponsesReport, SessionReport, SessionsReport};
use crate::findings::{Finding, find};
use crate::money::Money;
use crate::pipeline::{RetryStats, RunOutput};
use crate::policy::{LatencyBasis, LatencyModels, PolicyOutcome, Priors};
use crate::pricing::{Origin, PriceCatalog, Resolution, ServiceTier, tier_is_priced};
use crate::reconcile::{BillSide, Key, bill_lines};

/// Version of the JSON report's field layout.
pub const SCHEMA_VERSION: u32 = 5;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub schema_version: u32,
    pub tool_version: String,
    pub catalog_version: String,
    /// The zone days, weeks and months are cut in (`UTC` unless `--timezone` says otherwise).
    pub timezone: String,
    /// The filters that chose the calls, in words; empty: every call. Calls left out are
    /// counted under `skipped` ("left out by a filter").
    pub filters: Vec<String>,
    pub inputs: Vec<InputReport>,
    /// Records read: non-empty lines, CSV rows, spans of a batch, lines of a bill.
    pub records: u64,
    pub calls: u64,
    /// Billing-export lines read as usage buckets.
    pub buckets: u64,
    /// Reason → records skipped for it.
    pub skipped: BTreeMap<String, u64>,
    /// Records that could not be read.
    pub errors: u64,
    /// The first errors, with file and line.
    pub error_samples: Vec<ErrorReport>,
    pub baseline: Baseline,
    pub unpriced_models: Vec<GroupReport>,
    pub by_model: Vec<GroupReport>,
    pub by_provider: Vec<GroupReport>,
    pub by_tier: Vec<GroupReport>,
    pub by_task: Vec<GroupReport>,
    pub by_day: Vec<GroupReport>,
    /// One breakdown per `--group-by` key, in the order given.
    pub groups: Vec<GroupingReport>,
    /// Spend by `feature` and by `project`, when some call carries the tag, whether or not
    /// `--group-by` asked for it.
    #[serde(default)]
    pub by_tag: Vec<GroupingReport>,
    /// Spend per day and model, days in order.
    pub spend_over_time: Vec<SpendPoint>,
    pub policies: Vec<PolicyReport>,
    /// Waste findings: what cost money for nothing, with dollar impact and sample call ids.
    pub findings: Vec<FindingReport>,
    /// Billing-export lines, per provider, model and day: what was billed beside our price of
    /// the tokens they report. Empty when no billing export was read.
    pub billing: Vec<BillingLineReport>,
    /// Requests that took more than one attempt (retries, fallbacks).
    pub retries: RetryReport,
    /// Where the prices came from and which billing rules applied.
    pub pricing: PricingReport,
    /// Each logged model's latency as the replays use it: fitted on the logs or a prior.
    pub latency_models: Vec<LatencyReport>,
    /// This run against a previous report (`--baseline-report`).
    pub baseline_diff: Option<BaselineDiff>,
    /// The `--fail-*` gates checked, tripped or not.
    pub gates: Vec<GateReport>,
    /// What one answer costs once failed attempts, retries and repeats are paid for.
    #[serde(default)]
    pub meaningful_responses: MeaningfulResponsesReport,
    /// Failed calls by cause.
    #[serde(default)]
    pub failures: FailuresReport,
    /// Sessions: how many, and the costliest with their calls and context fill.
    #[serde(default)]
    pub sessions: SessionsReport,
    /// The window the calls (or billing lines) cover and what the spend comes to in a month
    /// at that rate; `None` without dates.
    #[serde(default)]
    pub per_month: Option<RunRate>,
}

/// The days a report covers and the 30-day run rate of its spend.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunRate {
    pub first_day: String,
    pub last_day: String,
    pub days: u64,
    /// 30 ÷ days: what any amount over the window comes to in a month.
    pub factor: f64,
    /// The baseline spend (the billed amount, for billing exports alone) in a month.
    pub spend_usd: f64,
}

/// One `--group-by` breakdown.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GroupingReport {
    /// The key: `model`, `day`, `project`, `tag:team`…
    pub by: String,
    /// Groups by spend, largest first; time keys in time order.
    pub groups: Vec<GroupReport>,
}

/// One model's spend on one day.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SpendPoint {
    pub day: String,
    pub model: String,
    pub calls: u64,
    pub cost_usd: f64,
}

/// One waste finding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FindingReport {
    /// `retry_storm`, `duplicate_request`, `reasoning_on_simple`, `uncached_prefix`,
    /// `runaway_session` or `truncated_reask`.
    pub kind: String,
    pub title: String,
    /// A session id or prefix fingerprint, when the finding is about one thing.
    pub subject: Option<String>,
    pub impact_usd: f64,
    pub impact_usd_exact: String,
    pub calls: u64,
    pub tokens: u64,
    /// A few of the calls' ids (never prompt text).
    pub sample_call_ids: Vec<String>,
    /// What was seen, and how the impact was computed.
    pub detail: String,
    /// Uncached prefixes: share of all input tokens they take, in percent.
    pub share_of_input_pct: Option<f64>,
    /// Runaway sessions: the budget their peers set, which they broke.
    pub budget_usd: Option<f64>,
    /// The impact in a month at the window's rate.
    #[serde(default)]
    pub impact_per_month_usd: Option<f64>,
}

impl FindingReport {
    pub fn of(finding: &Finding) -> FindingReport {
        FindingReport {
            kind: finding.kind.as_str().to_string(),
            title: finding.kind.title().to_string(),
            subject: finding.subject.clone(),
            impact_usd: finding.impact.usd(),
            impact_usd_exact: finding.impact.to_decimal_string(),
            calls: finding.calls,
            tokens: finding.tokens,
            sample_call_ids: finding.call_ids.clone(),
            detail: finding.detail.clone(),
            share_of_input_pct: finding.share_of_input_pct,
            budget_usd: finding.budget.map(Money::usd),
            impact_per_month_usd: None,
        }
    }
}

/// This run's spend against a previous report's.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BaselineDiff {
    /// The previous report's file.
    pub previous: String,
    pub previous_cost_usd: f64,
    pub cost_usd: f64,
    pub change_usd: f64,
    /// `null` when the previous run cost nothing.
    pub change_pct: Option<f64>,
    /// Every model of either run, largest change (either way) first.
    pub by_model: Vec<ModelChange>,
    /// Models this run has and the previous did not.
    pub new_models: Vec<String>,
    /// Models the previous run had and this one does not.
    pub gone_models: Vec<String>,
    /// Unpriced models this run has and the previous did not.
    pub new_unpriced_models: Vec<String>,
}

/// One model's spend in two runs.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ModelChange {
    pub model: String,
    pub previous_calls: u64,
    pub calls: u64,
    pub previous_cost_usd: f64,
    pub cost_usd: f64,
    pub change_usd: f64,
}

/// One `--fail-*` gate.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GateReport {
    /// The flag: `fail-if-savings-above`, `fail-if-risk-above`, `fail-on-unpriced`,
    /// `fail-if-cost-above`, `fail-if-cost-increase-above`, `fail-if-session-cost-above`.
    pub gate: String,
    pub threshold: f64,
    /// The measured value the threshold was held against (the largest, across policies).
    pub value: f64,
    /// The policy that gave the value, for per-policy gates.
    pub policy: Option<String>,
    pub tripped: bool,
    /// Why it tripped or held, in one line.
    pub message: String,
    /// `fail-if-session-cost-above`: the sessions above the limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sessions: Option<SessionsAbove>,
}

/// The sessions that cost more than a session budget.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SessionsAbove {
    /// How many sessions cost more than the limit.
    pub count: u64,
    /// The costliest of them (at most ten), costliest first.
    pub top: Vec<SessionReport>,
}

/// One model's latency model.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LatencyReport {
    pub model: String,
    /// `fitted from the logs` or `model prior` (published throughput).
    pub basis: String,
    /// Usable timed calls of the model in the logs.
    pub calls: u64,
    pub time_to_first_token_ms: f64,
    pub ms_per_output_token: f64,
    /// Where a model prior's figures come from.
    pub source: Option<String>,
}

/// The latency models of the run's priced models, one per catalog id.
pub fn latency_reports(
    models: &LatencyModels,
    catalog: &PriceCatalog,
    priors: &Priors,
) -> Vec<LatencyReport> {
    let mut reports: Vec<LatencyReport> = Vec::new();
    for (price, fit) in models.fits() {
        let id = &catalog.entry(price).id;
        if reports.iter().any(|r| &r.model == id) {
            continue;
        }
        reports.push(LatencyReport {
            model: id.clone(),
            basis: fit.basis.label().to_string(),
            calls: fit.calls,
            time_to_first_token_ms: fit.ttft_ms,
            ms_per_output_token: fit.ms_per_output_token,
            source: (fit.basis == LatencyBasis::ModelPrior)
                .then(|| priors.model_latencies().get(id).map(|p| p.source.clone()))
                .flatten(),
        });
    }
    reports
}

/// Where the prices came from and which billing rules beyond tokens applied.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct PricingReport {
    pub catalog_version: String,
    /// `--pricing` files laid over the embedded catalog, in order.
    pub override_files: Vec<String>,
    /// Calls priced by an entry from an override file.
    pub calls_priced_by_override: u64,
    /// Service tier served → priced calls, for tiers other than standard.
    pub service_tiers: BTreeMap<String, u64>,
    /// Calls served at a tier the catalog has no price for, billed at standard rates.
    pub calls_at_unpriced_tier: u64,
    /// Where the request ran → priced calls, when billed apart from global processing.
    pub residency: BTreeMap<String, u64>,
    /// Server-side web-search requests of priced calls, billed per request.
    pub web_search_requests: u64,
    /// Unpriced model names that could be several catalog models.
    pub ambiguous_models: Vec<AmbiguousModel>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AmbiguousModel {
    pub name: String,
    pub candidates: Vec<String>,
}

impl PricingReport {
    /// What the priced calls of a run show about their prices.
    pub fn of(run: &RunOutput, catalog: &PriceCatalog) -> PricingReport {
        let mut report = PricingReport {
            catalog_version: catalog.version.clone(),
            override_files: catalog.overrides.clone(),
            ..PricingReport::default()
        };
        for row in run.rows.iter() {
            let Some(index) = row.price else {
                continue;
            };
            let entry = catalog.entry(index);
            if matches!(entry.origin, Origin::Override(_)) {
                report.calls_priced_by_override += 1;
            }
            let tier = row.flags.tier;
            if tier != ServiceTier::Standard {
                *report
                    .service_tiers
                    .entry(tier.as_str().to_string())
                    .or_default() += 1;
                if !tier_is_priced(entry, tier) {
                    report.calls_at_unpriced_tier += 1;
                }
            }
            if let Some(residency) = row.flags.residency
                && entry.regional.uplift(residency).is_some()
            {
                *report
                    .residency
                    .entry(residency.as_str().to_string())
                    .or_default() += 1;
            }
            report.web_search_requests += u64::from(row.flags.web_searches);
        }
        for name in &run.models {
            if let Resolution::Ambiguous(candidates) = catalog.resolve_name(name, None) {
                report.ambiguous_models.push(AmbiguousModel {
                    name: name.clone(),
                    candidates,
                });
            }
        }
        report.ambiguous_models.sort_by(|a, b| a.name.cmp(&b.name));
        report.ambiguous_models.dedup();
        report
    }
}

/// Attempts grouped by logical request: a logged trace id, or the same prompt sent again
/// within a minute of a failure.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RetryReport {
    pub groups: u64,
    pub attempts: u64,
    pub failed_attempts: u64,
    /// What the failed attempts cost (priced ones only).
    pub failed_attempt_cost_usd: f64,
}

/// One provider, model and day of billing exports.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BillingLineReport {
    pub provider: String,
    pub model: String,
    pub day: String,
    pub lines: u64,
    pub requests: u64,
    pub input_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    pub output_tokens: u64,
    /// What the export states was billed, in USD (`null` when it states no USD amount).
    pub billed_usd: Option<f64>,
    /// Our price of the tokens the export reports (`null` when it reports none or the model
    /// is unknown to the catalog).
    pub computed_usd: Option<f64>,
    /// Lines with tokens of a model the catalog does not know.
    pub unpriced_lines: u64,
    /// Lines billed in a currency other than USD (not in `billed_usd`).
    pub foreign_currency_lines: u64,
}

impl BillingLineReport {
    pub fn of(key: &Key, bill: &BillSide) -> BillingLineReport {
        let priced =
            bill.tokens.total() > 0 && (bill.priced != Money::ZERO || bill.unpriced_lines == 0);
        BillingLineReport {
            provider: key.provider.as_str().to_string(),
            model: key.model.clone(),
            day: key.day.clone(),
            lines: bill.lines,
            requests: bill.requests,
            input_tokens: bill.tokens.input,
            cache_read_tokens: bill.tokens.cache_read,
            cache_write_tokens: bill.tokens.cache_write_5m + bill.tokens.cache_write_1h,
            output_tokens: bill.tokens.output,
            billed_usd: (bill.billed_lines > 0).then(|| bill.billed.usd()),
            computed_usd: priced.then(|| bill.priced.usd()),
            unpriced_lines: bill.unpriced_lines,
            foreign_currency_lines: bill.foreign_currency_lines,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InputReport {
    pub path: String,
    /// The detected (or forced) format; `null` for an empty or unrecognised file.
    pub format: Option<String>,
    pub records: u64,
    pub calls: u64,
    pub buckets: u64,
    pub skipped: u64,
    pub errors: u64,
    /// What this file's own records say its calls cost, each call counted for the file once
    /// (`null` when none says). Never summed across files: two loggers of the same calls would
    /// count them twice.
    pub stated_cost_usd: Option<f64>,
    /// Calls counted for this file that stated a cost.
    pub stated_cost_calls: u64,
    /// Why the file could not be read to its end (`null` when it was): its records up to there
    /// are counted.
    pub read_error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ErrorReport {
    pub file: String,
    pub line: u64,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Baseline {
    /// Calls classified without prompt text (the log held none): task and tier from sizes
    /// alone.
    #[serde(default)]
    pub calls_without_prompt_text: u64,
    /// Calls whose log holds a redaction placeholder (or text that cannot be the request's)
    /// where the prompt was: classified without text and never counted as repeats.
    #[serde(default)]
    pub calls_redacted: u64,
    /// Records that are whole sessions' totals, not calls: the agent (Droid, Hermes, Goose,
    /// Copilot CLI) keeps no per-call usage. Each is timed once per session, has no
    /// latency, and is priced without long-context tiers.
    #[serde(default)]
    pub calls_summed: u64,
    /// Calls left out of every repeat (response cache, duplicate requests) because the log
    /// does not hold their whole request: `calls_redacted` and calls without text.
    #[serde(default)]
    pub calls_not_checked_for_repeats: u64,
    /// What the priced calls cost, as logged.
    pub cost_usd: f64,
    /// The same amount as an exact decimal string.
    pub cost_usd_exact: String,
    pub priced_calls: u64,
    /// Calls of models the catalog does not know: not in `cost_usd`, listed in `unpriced_models`.
    pub unpriced_calls: u64,
    /// Reasoning tokens spent on answers nothing checks: no JSON schema, no tool call, no
    /// code (calls whose `verifiable` is none). The per-model reasoning is in `by_model`.
    #[serde(default)]
    pub reasoning_unverified_tokens: u64,
    /// What those reasoning tokens cost (billed as output), within `cost_usd`.
    #[serde(default)]
    pub reasoning_unverified_usd: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GroupReport {
    pub key: String,
    pub calls: u64,
    pub unpriced_calls: u64,
    pub input_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_5m_tokens: u64,
    pub cache_write_1h_tokens: u64,
    pub output_tokens: u64,
    pub reasoning_tokens: u64,
    pub cost_usd: f64,
    /// What the reasoning tokens cost (billed as output), within `cost_usd`.
    #[serde(default)]
    pub reasoning_cost_usd: f64,
    /// Share of the priced baseline spend, in percent.
    pub spend_share_pct: f64,
    /// The prompt-cache hit rate as logged: the share of prompt tokens read from a cache, in
    /// percent.
    #[serde(default)]
    pub cache_hit_rate_pct: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RiskReport {
    /// `prior`, `calibrated` (every routed call rated on the user's labels) or
    /// `partly calibrated`.
    pub basis: String,
    /// Calls routed to another model, whose answer could differ.
    pub calls_at_risk: u64,
    /// Of those, calls rated with the user's labels.
    pub calls_calibrated: u64,
    /// Expected degraded answers (after escalation, for a cascade).
    pub expected_degraded_calls: f64,
    /// 95% interval of the number of degraded answers.
    pub degraded_calls_low: f64,
    pub degraded_calls_high: f64,
    /// Expected calls a cascade sends back to the original model.
    pub expected_escalations: f64,
    /// Share of the baseline spend that sits on the routed calls.
    pub spend_share_at_risk_pct: f64,
    pub by_tier: Vec<TierRiskReport>,
}

impl RiskReport {
    /// The expected degraded calls with their 95% interval, `1.0 (0.0–3.7)`; `none` when no
    /// call is at risk.
    pub fn degraded_text(&self) -> String {
        if self.calls_at_risk == 0 {
            "none".to_string()
        } else {
            format!(
                "{:.1} ({:.1}–{:.1})",
                self.expected_degraded_calls, self.degraded_calls_low, self.degraded_calls_high
            )
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TierRiskReport {
    pub tier: String,
    pub calls: u64,
    pub expected_degraded_calls: f64,
    pub degraded_calls_low: f64,
    pub degraded_calls_high: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BlockedReport {
    /// The gate: context_window, max_output, tools, vision, json_schema.
    pub reason: String,
    pub calls: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PolicyReport {
    pub name: String,
    pub description: String,
    pub cost_usd: f64,
    pub savings_usd: f64,
    pub savings_pct: f64,
    /// Savings that change no answer: caching, batch.
    pub risk_free_savings_usd: f64,
    /// Savings from model changes and caps, which can change answers (on top of the
    /// risk-free ones).
    pub risky_savings_usd: f64,
    pub calls_changed: u64,
    /// Calls each action changed.
    pub actions: ActionsReport,
    /// Calls the policy would have moved but a feasibility gate kept on their model.
    pub calls_blocked: u64,
    pub blocked_by: Vec<BlockedReport>,
    pub latency_p50_ms: f64,
    pub latency_p95_ms: f64,
    pub risk: RiskReport,
    /// A policy that costs no more and risks no more degraded answers (expected), one of the
    /// two strictly less; `None`: the policy is on the cost/risk frontier.
    pub dominated_by: Option<String>,
    pub assumptions: Vec<String>,
    /// The savings in a month at the window's rate.
    #[serde(default)]
    pub savings_per_month_usd: Option<f64>,
    /// The replay by model, tier, task and each `--group-by` key: where the savings are.
    #[serde(default)]
    pub by_group: Vec<PolicyGroupingReport>,
    /// The prompt-cache hit rate under the policy: the share of the prompt tokens sent that a
    /// cache serves, in percent (as logged: `by_model[].cache_hit_rate_pct`).
    #[serde(default)]
    pub prompt_cache_hit_rate_pct: f64,
    /// Of `risk_free_savings_usd`, what prompt caching saves on calls whose log holds no text,
    /// judged from their session's prompt growth: an estimate.
    #[serde(default)]
    pub estimated_savings_usd: f64,
}

/// A policy's replay by the groups of one key, largest saving first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PolicyGroupingReport {
    pub by: String,
    pub groups: Vec<PolicyGroupReport>,
}

/// One group's part of a policy's replay. The groups of a key add up to the policy's cost,
/// savings, changed calls and expected degraded calls; the interval is the group's own.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PolicyGroupReport {
    pub key: String,
    pub calls: u64,
    pub calls_changed: u64,
    pub baseline_cost_usd: f64,
    pub cost_usd: f64,
    pub savings_usd: f64,
    pub risk_free_savings_usd: f64,
    pub risky_savings_usd: f64,
    pub expected_degraded_calls: f64,
    pub degraded_calls_low: f64,
    pub degraded_calls_high: f64,
    /// The prompt-cache hit rate of the group's calls under the policy, in percent.
    #[serde(default)]
    pub prompt_cache_hit_rate_pct: f64,
}

/// Calls each of a policy's actions changed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ActionsReport {
    /// Calls sent to another model (a route, or a cascade's first attempt).
    pub routed: u64,
    /// Of those, calls in a cascade.
    pub cascaded: u64,
    /// Expected cascade escalations (Σ of each call's escalation rate).
    pub expected_escalations: f64,
    pub batched: u64,
    pub prompt_cache_writes: u64,
    pub prompt_cache_reads: u64,
    pub response_cache_hits: u64,
    pub reasoning_capped: u64,
    pub output_capped: u64,
}

/// What each input file contributed.
pub fn inputs_of(run: &RunOutput) -> Vec<InputReport> {
    run.sources
        .iter()
        .map(|source| InputReport {
            path: source.name.clone(),
            format: source.format.map(|f| f.name().to_string()),
            records: source.accounting.records,
            calls: source.accounting.calls,
            buckets: source.accounting.buckets,
            skipped: source.accounting.skipped_total(),
            errors: source.accounting.errors,
            stated_cost_usd: (source.stated_cost_calls > 0).then(|| source.stated_cost.usd()),
            stated_cost_calls: source.stated_cost_calls,
            read_error: source
                .accounting
                .read_failures
                .first()
                .map(|failure| failure.message.clone()),
        })
        .collect()
}

/// The first errors of a run, with file names.
pub fn error_samples_of(run: &RunOutput) -> Vec<ErrorReport> {
    run.accounting
        .error_samples
        .iter()
        .map(|error| ErrorReport {
            file: run.sources[error.source as usize].name.clone(),
            line: error.line,
            message: error.message.clone(),
        })
        .collect()
}

fn pct(part: f64, whole: f64) -> f64 {
    if whole == 0.0 {
        0.0
    } else {
        100.0 * part / whole
    }
}

fn group(key: &str, stats: &GroupStats, total_cost: f64) -> GroupReport {
    GroupReport {
        key: key.to_string(),
        calls: stats.calls,
        unpriced_calls: stats.unpriced_calls,
        input_tokens: stats.tokens.input,
        cache_read_tokens: stats.tokens.cache_read,
        cache_write_5m_tokens: stats.tokens.cache_write_5m,
        cache_write_1h_tokens: stats.tokens.cache_write_1h,
        output_tokens: stats.tokens.output,
        reasoning_tokens: stats.tokens.reasoning,
        cost_usd: stats.cost.usd(),
        reasoning_cost_usd: stats.reasoning_cost.usd(),
        spend_share_pct: pct(stats.cost.usd(), total_cost),
        cache_hit_rate_pct: pct(
            stats.tokens.cache_read as f64,
            stats.tokens.prompt_total() as f64,
        ),
    }
}

/// Groups sorted by spend (largest first), then by name.
fn by_spend(breakdown: &Breakdown, total_cost: f64) -> Vec<GroupReport> {
    let mut groups: Vec<(&String, &GroupStats)> = breakdown.iter().collect();
    groups.sort_by(|a, b| {
        b.1.cost
            .cmp(&a.1.cost)
            .then(b.1.calls.cmp(&a.1.calls))
            .then(a.0.cmp(b.0))
    });
    groups
        .into_iter()
        .map(|(key, stats)| group(key, stats, total_cost))
        .collect()
}

/// Groups in a fixed order of keys (tiers, tasks), leaving out empty ones.
fn in_order<'a>(
    breakdown: &Breakdown,
    order: impl Iterator<Item = &'a str>,
    total_cost: f64,
) -> Vec<GroupReport> {
    order
        .filter_map(|key| {
            breakdown
                .get(key)
                .map(|stats| group(key, stats, total_cost))
        })
        .collect()
}

fn policy(outcome: &PolicyOutcome) -> PolicyReport {
    PolicyReport {
        name: outcome.name.clone(),
        description: outcome.description.clone(),
        cost_usd: outcome.cost.usd(),
        savings_usd: outcome.savings().usd(),
        savings_pct: outcome.savings_pct(),
        risk_free_savings_usd: outcome.risk_free_savings.usd(),
        risky_savings_usd: outcome.risky_savings.usd(),
        calls_changed: outcome.calls_changed,
        actions: ActionsReport {
            routed: outcome.actions.routed,
            cascaded: outcome.actions.cascaded,
            expected_escalations: outcome.actions.expected_escalations,
            batched: outcome.actions.batched,
            prompt_cache_writes: outcome.actions.prompt_cache_writes,
            prompt_cache_reads: outcome.actions.prompt_cache_reads,
            response_cache_hits: outcome.actions.response_cache_hits,
            reasoning_capped: outcome.actions.reasoning_capped,
            output_capped: outcome.actions.output_capped,
        },
        calls_blocked: outcome.calls_blocked,
        blocked_by: outcome
            .blocked_by
            .iter()
            .map(|&(block, calls)| BlockedReport {
                reason: block.as_str().to_string(),
                calls,
            })
            .collect(),
        latency_p50_ms: outcome.latency_p50_ms,
        latency_p95_ms: outcome.latency_p95_ms,
        risk: RiskReport {
            basis: outcome.risk.basis.to_string(),
            calls_at_risk: outcome.risk.calls_at_risk,
            calls_calibrated: outcome.risk.calls_calibrated,
            expected_degraded_calls: outcome.risk.expected_degraded_calls,
            degraded_calls_low: outcome.risk.degraded_calls_low,
            degraded_calls_high: outcome.risk.degraded_calls_high,
            expected_escalations: outcome.risk.expected_escalations,
            spend_share_at_risk_pct: 100.0 * outcome.risk.spend_share_at_risk,
            by_tier: outcome
                .risk
                .by_tier
                .iter()
                .map(|t| TierRiskReport {
                    tier: t.tier.as_str().to_string(),
                    calls: t.calls,
                    expected_degraded_calls: t.expected_degraded_calls,
                    degraded_calls_low: t.degraded_calls_low,
                    degraded_calls_high: t.degraded_calls_high,
                })
                .collect(),
        },
        dominated_by: None,
        assumptions: outcome.assumptions.clone(),
        savings_per_month_usd: None,
        prompt_cache_hit_rate_pct: 100.0 * outcome.prompt_cache.hit_rate(),
        estimated_savings_usd: outcome.estimated_cache_savings.usd(),
        by_group: outcome
            .by_group
            .iter()
            .map(|grouping| PolicyGroupingReport {
                by: grouping.by.to_string(),
                groups: grouping
                    .groups
                    .iter()
                    .map(|g| PolicyGroupReport {
                        key: g.key.clone(),
                        calls: g.calls,
                        calls_changed: g.calls_changed,
                        baseline_cost_usd: g.baseline_cost.usd(),
                        cost_usd: g.cost.usd(),
                        savings_usd: g.savings().usd(),
                        risk_free_savings_usd: g.risk_free_savings.usd(),
                        risky_savings_usd: g.risky_savings.usd(),
                        expected_degraded_calls: g.risk.expected_degraded_calls,
                        degraded_calls_low: g.risk.degraded_calls_low,
                        degraded_calls_high: g.risk.degraded_calls_high,
                        prompt_cache_hit_rate_pct: 100.0 * g.prompt_cache.hit_rate(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Marks each policy that another beats on both cost and expected degraded calls; the rest
/// form the cost/risk frontier. The dominating policy named is the cheapest one.
pub fn mark_dominated(policies: &mut [PolicyReport]) {
    let points: Vec<(f64, f64, String)> = policies
        .iter()
        .map(|p| (p.cost_usd, p.risk.expected_degraded_calls, p.name.clone()))
        .collect();
    for policy in policies.iter_mut() {
        let (cost, risk) = (policy.cost_usd, policy.risk.expected_degraded_calls);
        policy.dominated_by = points
            .iter()
            .filter(|(c, r, _)| *c <= cost && *r <= risk && (*c < cost || *r < risk))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, _, name)| name.clone());
    }
}

impl Report {
    /// Builds the report of a run.
    pub fn build(
        run: &RunOutput,
        summary: &Summary,
        catalog: &PriceCatalog,
        policies: &[PolicyOutcome],
    ) -> Report {
        let total_cost = summary.total.cost.usd();
        let accounting = &run.accounting;
        let mut report = Report {
            schema_version: SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            catalog_version: catalog.version.clone(),
            timezone: "UTC".to_string(),
            filters: Vec::new(),
            latency_models: Vec::new(),
            baseline_diff: None,
            gates: Vec::new(),
            groups: summary
                .groups
                .iter()
                .map(|(key, breakdown)| GroupingReport {
                    by: key.to_string(),
                    groups: if key.is_time() {
                        breakdown
                            .iter()
                            .map(|(k, stats)| group(k, stats, total_cost))
                            .collect()
                    } else {
                        by_spend(breakdown, total_cost)
                    },
                })
                .collect(),
            by_tag: SPEND_TAGS
                .iter()
                .zip(&summary.by_team_tag)
                .filter(|(_, breakdown)| breakdown.keys().any(|key| key != NONE_KEY))
                .map(|(key, breakdown)| GroupingReport {
                    by: key.to_string(),
                    groups: by_spend(breakdown, total_cost),
                })
                .collect(),
            spend_over_time: summary
                .by_day_model
                .iter()
                .map(|((day, model), stats)| SpendPoint {
                    day: day.clone(),
                    model: model.clone(),
                    calls: stats.calls,
                    cost_usd: stats.cost.usd(),
                })
                .collect(),
            findings: find(run, catalog).iter().map(FindingReport::of).collect(),
            inputs: inputs_of(run),
            records: accounting.records,
            calls: accounting.calls,
            buckets: accounting.buckets,
            skipped: accounting
                .skipped
                .iter()
                .map(|(reason, &count)| (reason.as_str().to_string(), count))
                .collect(),
            errors: accounting.errors,
            error_samples: error_samples_of(run),
            baseline: Baseline {
                cost_usd: total_cost,
                cost_usd_exact: summary.total.cost.to_decimal_string(),
                priced_calls: summary.total.calls - summary.total.unpriced_calls,
                unpriced_calls: summary.total.unpriced_calls,
                calls_without_prompt_text: summary.total.calls_without_text,
                calls_redacted: summary.total.calls_redacted,
                calls_summed: summary.total.calls_summed,
                calls_not_checked_for_repeats: summary.total.calls_not_checked_for_repeats,
                reasoning_unverified_tokens: summary.total.reasoning_unverified_tokens,
                reasoning_unverified_usd: summary.total.reasoning_unverified_cost.usd(),
            },
            unpriced_models: by_spend(&summary.unpriced_models, total_cost),
            by_model: by_spend(&summary.by_model, total_cost),
            by_provider: by_spend(&summary.by_provider, total_cost),
            by_tier: in_order(&summary.by_tier, tier_order(), total_cost),
            by_task: in_order(&summary.by_task, task_order(), total_cost),
            by_day: summary
                .by_day
                .iter()
                .map(|(key, stats)| group(key, stats, total_cost))
                .collect(),
            policies: {
                let mut reports: Vec<PolicyReport> = policies.iter().map(policy).collect();
                mark_dominated(&mut reports);
                reports
            },
            billing: bill_lines(&run.buckets, catalog)
                .iter()
                .map(|(key, bill)| BillingLineReport::of(key, bill))
                .collect(),
            retries: {
                let stats = RetryStats::of(&run.rows);
                RetryReport {
                    groups: stats.groups,
                    attempts: stats.attempts,
                    failed_attempts: stats.failed_attempts,
                    failed_attempt_cost_usd: stats.failed_cost.usd(),
                }
            },
            pricing: PricingReport::of(run, catalog),
            meaningful_responses: MeaningfulResponsesReport::default(),
            failures: FailuresReport::default(),
            sessions: SessionsReport::of(run),
            per_month: None,
        };
        crate::export::headline::add_run_rates(&mut report);
        report
    }
}
