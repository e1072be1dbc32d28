//! Sums one policy's replay: cost, savings split by whether they carry quality risk, latency
//! percentiles and the expected number of degraded answers.

use std::collections::{BTreeMap, HashMap};

use crate::aggregate::{GroupKey, Zone};
use crate::money::Money;
use crate::pipeline::RunOutput;
use crate::pricing::PriceCatalog;
use crate::risk::{Block, CellRate, RiskCell, RiskEstimate, RiskModel, summarize_rated};

/// One policy's replay, summed.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyOutcome {
    pub name: String,
    pub description: String,
    /// Cost of the priced calls under this policy.
    pub cost: Money,
    /// Cost of the same calls as logged.
    pub baseline_cost: Money,
    /// Savings that change no answer (caching, batch).
    pub risk_free_savings: Money,
    /// Savings from changes that can change answers (model swaps).
    pub risky_savings: Money,
    /// Calls the policy changed in any way.
    pub calls_changed: u64,
    /// Calls each action changed.
    pub actions: ActionTotals,
    /// Calls the policy wanted to change but could not (e.g. the prompt does not fit the
    /// target's context window).
    pub calls_blocked: u64,
    /// `calls_blocked` by the first gate that stopped each call.
    pub blocked_by: Vec<(Block, u64)>,
    pub latency_p50_ms: f64,
    pub latency_p95_ms: f64,
    pub risk: RiskEstimate,
    /// What the replay assumed, stated in the report.
    pub assumptions: Vec<String>,
    /// The replay broken down by each grouping key, so a team sees where the savings are.
    pub by_group: Vec<GroupingOutcome>,
    /// Prompt tokens sent and read from a prompt cache under the policy.
    pub prompt_cache: CacheTokens,
    /// Of the risk-free savings, what prompt caching saves on calls whose log holds no text,
    /// judged from their session's prompt growth: an estimate.
    pub estimated_cache_savings: Money,
}

/// Prompt tokens sent, and of them read from a prompt cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheTokens {
    pub prompt: u64,
    pub cache_read: u64,
}

impl CacheTokens {
    /// The cache hit rate: the share of prompt tokens read from a cache (0 without prompts).
    pub fn hit_rate(self) -> f64 {
        if self.prompt == 0 {
            0.0
        } else {
            self.cache_read as f64 / self.prompt as f64
        }
    }

    fn add(&mut self, prompt: u64, cache_read: u64) {
        self.prompt = self.prompt.saturating_add(prompt);
        self.cache_read = self.cache_read.saturating_add(cache_read);
    }
}

/// A policy's replay by the groups of one key, largest saving first.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupingOutcome {
    pub by: GroupKey,
    pub groups: Vec<GroupOutcome>,
}

/// One group's part of a policy's replay; the groups of a key add up to the policy's totals
/// (the risk figures' expected counts add up; their intervals are the group's own).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupOutcome {
    pub key: String,
    pub calls: u64,
    pub calls_changed: u64,
    pub cost: Money,
    pub baseline_cost: Money,
    pub risk_free_savings: Money,
    pub risky_savings: Money,
    pub risk: RiskEstimate,
    pub prompt_cache: CacheTokens,
}

impl GroupOutcome {
    pub fn savings(&self) -> Money {
        self.baseline_cost - self.cost
    }
}

impl PolicyOutcome {
    pub fn savings(&self) -> Money {
        self.baseline_cost - self.cost
    }

    /// Savings as a percentage of the baseline (0 when nothing was priced).
    pub fn savings_pct(&self) -> f64 {
        if self.baseline_cost == Money::ZERO {
            0.0
        } else {
            100.0 * self.savings().pico() as f64 / self.baseline_cost.pico() as f64
        }
    }
}

/// Calls each action changed, summed over a policy's replay.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ActionTotals {
    /// Calls sent to another model (by a route or a cascade's first attempt).
    pub routed: u64,
    /// Of those, calls in a cascade.
    pub cascaded: u64,
    /// Expected calls a cascade escalates (Σ escalation rates).
    pub expected_escalations: f64,
    pub batched: u64,
    pub prompt_cache_writes: u64,
    pub prompt_cache_reads: u64,
    pub response_cache_hits: u64,
    pub reasoning_capped: u64,
    pub output_capped: u64,
}

/// Which actions changed one call.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct ActionCounts {
    pub routed: bool,
    pub cascaded: bool,
    pub batched: bool,
    pub prompt_cache_writes: bool,
    pub prompt_cache_reads: bool,
    pub response_cache_hits: bool,
    pub reasoning_capped: bool,
    pub output_capped: bool,
}

impl ActionTotals {
    fn add(&mut self, call: &ActionCounts, escalation_rate: f64) {
        self.routed += u64::from(call.routed);
        self.cascaded += u64::from(call.cascaded);
        self.expected_escalations += escalation_rate;
        self.batched += u64::from(call.batched);
        self.prompt_cache_writes += u64::from(call.prompt_cache_writes);
        self.prompt_cache_reads += u64::from(call.prompt_cache_reads);
        self.response_cache_hits += u64::from(call.response_cache_hits);
        self.reasoning_capped += u64::from(call.reasoning_capped);
        self.output_capped += u64::from(call.output_capped);
    }
}

/// How one call fared under a policy.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct CallReplay {
    /// Cost under the policy; `None` for calls the catalog cannot price (left out of totals).
    pub cost: Option<Money>,
    /// Cost with the policy's risk-free actions only (caching, batch) on the call's own model.
    pub risk_free_cost: Option<Money>,
    pub baseline_cost: Option<Money>,
    pub latency_ms: f64,
    pub changed: bool,
    pub counts: ActionCounts,
    /// For a cascaded call: the probability it escalates.
    pub escalation_rate: f64,
    /// The gate that kept the call on its model.
    pub blocked: Option<Block>,
    /// Set when the change can alter the answer: the cell whose rate applies.
    pub risk: Option<RiskCell>,
    /// The prompt cache's part on the call's own model was judged from its session's prompt
    /// growth (the log holds no text).
    pub estimated_cache: bool,
    /// Prompt tokens sent under the policy (none for an answer served from a response cache),
    /// and of them read from a prompt cache.
    pub prompt_tokens: u64,
    pub cache_read_tokens: u64,
}

/// Accumulates call replays in input order.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Cost, savings, changed calls and risk cells of every call.
    whole: GroupTally,
    risky_baseline: Money,
    actions: ActionTotals,
    blocked_by: BTreeMap<Block, u64>,
    latencies: Counts,
    /// Per grouping key: the groups by number ([`crate::aggregate::GroupIds::id`]).
    groups: Vec<HashMap<u64, GroupTally, foldhash::fast::RandomState>>,
}

/// The running sums of a group of calls (or of all of them), with a call of it to name the
/// group by.
#[derive(Debug, Default)]
struct GroupTally {
    first_row: usize,
    calls: u64,
    calls_changed: u64,
    cost: Money,
    baseline_cost: Money,
    risk_free_savings: Money,
    risky_savings: Money,
    risk_cells: BTreeMap<RiskCell, u64>,
    prompt_cache: CacheTokens,
    estimated_cache_savings: Money,
}

impl GroupTally {
    /// Adds a call; its money only when it is priced (then returns its baseline cost).
    fn add(&mut self, call: &CallReplay) -> Option<Money> {
        self.calls += 1;
        self.calls_changed += u64::from(call.changed);
        self.prompt_cache
            .add(call.prompt_tokens, call.cache_read_tokens);
        let (Some(cost), Some(risk_free), Some(baseline)) =
            (call.cost, call.risk_free_cost, call.baseline_cost)
        else {
            return None;
        };
        self.cost += cost;
        self.baseline_cost += baseline;
        self.risk_free_savings += baseline - risk_free;
        if call.estimated_cache {
            self.estimated_cache_savings += baseline - risk_free;
        }
        self.risky_savings += risk_free - cost;
        if let Some(cell) = call.risk {
            *self.risk_cells.entry(cell).or_default() += 1;
        }
        Some(baseline)
    }

    fn merge(&mut self, other: GroupTally) {
        self.first_row = self.first_row.min(other.first_row);
        self.calls += other.calls;
        self.calls_changed += other.calls_changed;
        self.cost += other.cost;
        self.baseline_cost += other.baseline_cost;
        self.risk_free_savings += other.risk_free_savings;
        self.risky_savings += other.risky_savings;
        self.prompt_cache
            .add(other.prompt_cache.prompt, other.prompt_cache.cache_read);
        self.estimated_cache_savings += other.estimated_cache_savings;
        for (cell, calls) in other.risk_cells {
            *self.risk_cells.entry(cell).or_default() += calls;
        }
    }
}

/// What naming a tally's groups needs: the run they came from and how keys read a call.
pub(crate) struct GroupNames<'a> {
    pub keys: &'a [GroupKey],
    pub run: &'a RunOutput,
    pub zone: Zone,
}

impl Tally {
    /// Adds the call at row `index`, whose group number for each grouping key is in
    /// `group_ids`, to its groups.
    pub fn add_to_groups(&mut self, call: &CallReplay, index: usize, group_ids: &[u64]) {
        if self.groups.len() < group_ids.len() {
            self.groups.resize_with(group_ids.len(), HashMap::default);
        }
        for (groups, id) in self.groups.iter_mut().zip(group_ids) {
            groups
                .entry(*id)
                .or_insert_with(|| GroupTally {
                    first_row: index,
                    ..GroupTally::default()
                })
                .add(call);
        }
    }

    pub fn add(&mut self, call: CallReplay) {
        self.latencies.add(call.latency_ms);
        self.actions.add(&call.counts, call.escalation_rate);
        if let Some(block) = call.blocked {
            *self.blocked_by.entry(block).or_default() += 1;
        }
        if let Some(baseline) = self.whole.add(&call)
            && call.risk.is_some()
        {
            self.risky_baseline += baseline;
        }
    }

    pub fn finish(
        mut self,
        name: String,
        description: String,
        assumptions: Vec<String>,
        risk_model: &RiskModel,
        catalog: &PriceCatalog,
        names: &GroupNames<'_>,
    ) -> PolicyOutcome {
        // Each cell is rated once, for the whole and for every group it falls in.
        let mut rates: HashMap<RiskCell, Option<CellRate>, foldhash::fast::RandomState> =
            HashMap::default();
        let mut rate = |cell: &RiskCell| {
            *rates
                .entry(*cell)
                .or_insert_with(|| CellRate::of(cell, risk_model, catalog))
        };
        let by_group = std::mem::take(&mut self.groups)
            .into_iter()
            .zip(names.keys)
            .map(|(groups, key)| GroupingOutcome {
                by: key.clone(),
                groups: named_groups(groups, key, names, catalog, &mut rate),
            })
            .collect();
        let whole = self.whole;
        let mut risk = summarize_rated(&whole.risk_cells, &mut rate);
        // The escalations priced: a policy may state its cascade's rate.
        risk.expected_escalations = self.actions.expected_escalations;
        if whole.baseline_cost != Money::ZERO {
            risk.spend_share_at_risk =
                self.risky_baseline.pico() as f64 / whole.baseline_cost.pico() as f64;
        }
        PolicyOutcome {
            name,
            description,
            cost: whole.cost,
            baseline_cost: whole.baseline_cost,
            risk_free_savings: whole.risk_free_savings,
            risky_savings: whole.risky_savings,
            calls_changed: whole.calls_changed,
            actions: self.actions,
            calls_blocked: self.blocked_by.values().sum(),
            blocked_by: self.blocked_by.into_iter().collect(),
            latency_p50_ms: self.latencies.percentile(0.50),
            latency_p95_ms: self.latencies.percentile(0.95),
            risk,
            assumptions,
            by_group,
            prompt_cache: whole.prompt_cache,
            estimated_cache_savings: whole.estimated_cache_savings,
        }
    }
}

/// A grouping's tallies named (by one call of each) and merged by name, largest saving first.
fn named_groups(
    groups: HashMap<u64, GroupTally, foldhash::fast::RandomState>,
    key: &GroupKey,
    names: &GroupNames<'_>,
    catalog: &PriceCatalog,
    rate: &mut impl FnMut(&RiskCell) -> Option<CellRate>,
) -> Vec<GroupOutcome> {
    let mut by_name: BTreeMap<String, GroupTally> = BTreeMap::new();
    for tally in groups.into_values() {
        let row = names.run.rows.get(tally.first_row);
        let name = key.key_of(&row, names.run, catalog, names.zone);
        match by_name.get_mut(&name) {
            Some(group) => group.merge(tally),
            None => {
                by_name.insert(name, tally);
            }
        }
    }
    let mut outcomes: Vec<GroupOutcome> = by_name
        .into_iter()
        .map(|(key, tally)| GroupOutcome {
            key,
            calls: tally.calls,
            calls_changed: tally.calls_changed,
            cost: tally.cost,
            baseline_cost: tally.baseline_cost,
            risk_free_savings: tally.risk_free_savings,
            risky_savings: tally.risky_savings,
            risk: summarize_rated(&tally.risk_cells, &mut *rate),
            prompt_cache: tally.prompt_cache,
        })
        .collect();
    outcomes.sort_by(|a, b| b.savings().cmp(&a.savings()).then(a.key.cmp(&b.key)));
    outcomes
}

/// Values kept as how often each occurs: percentiles as exact as a sorted list's, in memory as
/// many entries as distinct values. Replayed latencies repeat: a logged latency is a whole
/// number of milliseconds, and a modelled one is a line in the call's output tokens.
#[derive(Debug, Default)]
struct Counts {
    /// Value (its bits) → how often it was added.
    by_value: HashMap<u64, u64, foldhash::fast::RandomState>,
    len: u64,
}

impl Counts {
    fn add(&mut self, value: f64) {
        *self.by_value.entry(value.to_bits()).or_default() += 1;
        self.len += 1;
    }

    /// Nearest-rank percentile `q` of the values added (0 for none).
    fn percentile(&self, q: f64) -> f64 {
        if self.len == 0 {
            return 0.0;
        }
        let rank = ((q * self.len as f64).ceil() as u64).clamp(1, self.len);
        let mut values: Vec<(f64, u64)> = self
            .by_value
            .iter()
            .map(|(&bits, &count)| (f64::from_bits(bits), count))
            .collect();
        values.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let mut below = 0;
        values
            .into_iter()
            .find(|&(_, count)| {
                below += count;
                below >= rank
            })
            .map_or(0.0, |(value, _)| value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let counts = |values: &[f64]| {
            let mut counts = Counts::default();
            values.iter().for_each(|&value| counts.add(value));
            counts
        };
        // 1 to 100 added backwards: the 50th and 95th of them.
        let hundred = counts(&(1..=100).rev().map(f64::from).collect::<Vec<_>>());
        assert_eq!(hundred.percentile(0.5), 50.0);
        assert_eq!(hundred.percentile(0.95), 95.0);
        assert_eq!(counts(&[7.0]).percentile(0.95), 7.0);
        assert_eq!(counts(&[]).percentile(0.5), 0.0);
        // Repeats count by rank: of 3, 3, 3, 9 the median (rank 2) is 3, the 95th (rank 4) 9.
        let repeated = counts(&[3.0, 9.0, 3.0, 3.0]);
        assert_eq!(repeated.percentile(0.5), 3.0);
        assert_eq!(repeated.percentile(0.95), 9.0);
    }

    #[test]
    fn savings_are_split_by_risk() {
        use crate::classify::{Task, Tier};
        use crate::risk::{Gap, RiskPriors};
        let catalog = PriceCatalog::from_toml(
            r#"
version = "test"
[[model]]
id = "small"
provider = "openai"
tier = "small"
input = 1.0
output = 2.0
source = "test"
checked = "2026-11-21"
"#,
        )
        .unwrap();
        let priors = RiskPriors::embedded().unwrap();
        // A simple call in the upper half of its tier: the tier's rate times the band's factor.
        let band = priors.band_of(0.2);
        let rate = priors.cell(Task::Other, Tier::Simple, Gap::OneStep).mean()
            * priors.band_factor(band, Gap::OneStep);
        let model = RiskModel::prior(priors);
        let mut tally = Tally::default();
        tally.add(CallReplay {
            cost: Some(Money::from_pico(4)),
            risk_free_cost: Some(Money::from_pico(10)),
            baseline_cost: Some(Money::from_pico(10)),
            latency_ms: 1.0,
            changed: true,
            blocked: None,
            risk: Some(RiskCell {
                target: 0,
                task: Task::Other,
                tier: Tier::Simple,
                gap: Some(Gap::OneStep),
                band,
                escalated_on: None,
                reasoning_cap: false,
                output_cap: false,
            }),
            ..CallReplay::default()
        });
        tally.add(CallReplay {
            cost: Some(Money::from_pico(5)),
            risk_free_cost: Some(Money::from_pico(5)),
            baseline_cost: Some(Money::from_pico(10)),
            latency_ms: 2.0,
            changed: true,
            blocked: None,
            risk: None,
            ..CallReplay::default()
        });
        tally.add(CallReplay {
            cost: None,
            baseline_cost: None,
            latency_ms: 3.0,
            changed: false,
            blocked: Some(Block::Vision),
            risk: None,
            ..CallReplay::default()
        });
        let run = RunOutput::default();
        let names = GroupNames {
            keys: &[],
            run: &run,
            zone: Zone::default(),
        };
        let outcome = tally.finish("t".into(), "t".into(), vec![], &model, &catalog, &names);
        assert_eq!(outcome.savings(), Money::from_pico(11));
        assert_eq!(outcome.risky_savings, Money::from_pico(6));
        assert_eq!(outcome.risk_free_savings, Money::from_pico(5));
        assert_eq!(outcome.risk.calls_at_risk, 1);
        assert_eq!(outcome.risk.basis, "prior");
        assert!((outcome.risk.expected_degraded_calls - rate).abs() < 1e-12);
        assert!(outcome.risk.degraded_calls_low <= rate);
        assert!(outcome.risk.degraded_calls_high > rate);
        assert!(outcome.risk.degraded_calls_high <= 1.0);
        assert!((outcome.risk.spend_share_at_risk - 0.5).abs() < 1e-12);
        assert_eq!(outcome.blocked_by, vec![(Block::Vision, 1)]);
        assert_eq!(outcome.calls_blocked, 1);
        assert_eq!(outcome.latency_p50_ms, 2.0);
        assert!((outcome.savings_pct() - 55.0).abs() < 1e-9);
    }
}
