//! Aggregation: spend and tokens grouped by model, provider, tier, task and day, by any
//! `--group-by` key, and by day and model (spend over time), plus the models the catalog could
//! not price. Groups are ordered maps that merge exactly.

mod filter;
mod group;
mod responses;
mod sessions;
mod zone;

use std::collections::BTreeMap;

use rayon::prelude::*;

pub use filter::{Filter, TagFilter};
pub use group::{GroupIds, GroupKey, NONE_KEY};
pub use responses::{ResponseStats, Responses};
pub use sessions::{SessionStats, by_cost as sessions_by_cost};
pub use zone::Zone;

use crate::classify::{Task, Tier};
use crate::money::Money;
use crate::pipeline::{BLOCK_ROWS, CallRow, RunOutput};
use crate::pricing::PriceCatalog;
use crate::record::TokenBuckets;

/// Totals of one group of calls.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupStats {
    pub calls: u64,
    /// Calls the catalog could not price (their cost is not in `cost`).
    pub unpriced_calls: u64,
    pub tokens: TokenBuckets,
    pub cost: Money,
    /// What the reasoning tokens cost, within `cost`.
    pub reasoning_cost: Money,
    /// Reasoning tokens of calls whose answer nothing checks (no schema, tool call or code:
    /// `classification.verifiable` is `None`), within `tokens.reasoning`. Thinking there
    /// buys an answer no check confirms, so it is the reasoning spend hardest to justify.
    pub reasoning_unverified_tokens: u64,
    /// What those reasoning tokens cost, within `reasoning_cost`.
    pub reasoning_unverified_cost: Money,
    /// Calls classified without prompt text (the log held none): by their sizes alone.
    pub calls_without_text: u64,
    /// Calls whose log holds a redaction placeholder where the prompt was.
    pub calls_redacted: u64,
    /// Records that sum a session's requests (agents that keep only session totals).
    pub calls_summed: u64,
    /// Calls whose log does not hold the whole request, so no repeat of them can be proved
    /// (redacted, or no text, or only the last user turn).
    pub calls_not_checked_for_repeats: u64,
}

impl GroupStats {
    fn add(&mut self, row: &CallRow, reasoning_cost: Money) {
        self.calls += 1;
        self.tokens.add(&row.tokens);
        match row.cost {
            Some(cost) => self.cost += cost,
            None => self.unpriced_calls += 1,
        }
        self.reasoning_cost += reasoning_cost;
        if row.classification.verifiable.is_none() {
            self.reasoning_unverified_tokens += row.tokens.reasoning;
            self.reasoning_unverified_cost += reasoning_cost;
        }
        self.calls_without_text += u64::from(
            row.classification
                .reasons
                .contains(crate::classify::Reason::NoPromptText),
        );
        self.calls_redacted += u64::from(row.flags.redacted);
        self.calls_summed += u64::from(row.flags.summed);
        self.calls_not_checked_for_repeats += u64::from(row.request_hash.is_none());
    }

    /// Adds another group's totals.
    pub fn merge(&mut self, other: &GroupStats) {
        self.calls += other.calls;
        self.unpriced_calls += other.unpriced_calls;
        self.tokens.add(&other.tokens);
        self.cost += other.cost;
        self.reasoning_cost += other.reasoning_cost;
        self.reasoning_unverified_tokens += other.reasoning_unverified_tokens;
        self.reasoning_unverified_cost += other.reasoning_unverified_cost;
        self.calls_without_text += other.calls_without_text;
        self.calls_redacted += other.calls_redacted;
        self.calls_summed += other.calls_summed;
        self.calls_not_checked_for_repeats += other.calls_not_checked_for_repeats;
    }
}

/// The tags teams group spend by: every run keeps them when the logs give them (so that the
/// per-call files carry them, and partials agree whatever files a run writes), and the
/// summary always breaks spend down by them, for the headline's largest group. A few named
/// parts of a product, unlike users, who may be thousands, cost memory to keep and are
/// nobody's business in a default report: `--group-by user` asks for them.
pub const SPEND_TAGS: [&str; 2] = ["feature", "project"];

/// Named groups in key order.
pub type Breakdown = BTreeMap<String, GroupStats>;

/// How a report groups calls: the `--group-by` keys, and the zone days are cut in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grouping {
    pub keys: Vec<GroupKey>,
    pub zone: Zone,
}

/// Every grouping the reports show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub total: GroupStats,
    pub by_model: Breakdown,
    pub by_provider: Breakdown,
    pub by_tier: Breakdown,
    pub by_task: Breakdown,
    pub by_day: Breakdown,
    /// Spend by each of [`SPEND_TAGS`], in that order (calls without the tag under
    /// [`NONE_KEY`]).
    pub by_team_tag: [Breakdown; 2],
    /// Spend over time: (day, model) → totals.
    pub by_day_model: BTreeMap<(String, String), GroupStats>,
    /// One breakdown per `--group-by` key, in the order given.
    pub groups: Vec<(GroupKey, Breakdown)>,
    /// Models the catalog does not know, as the logs name them.
    pub unpriced_models: Breakdown,
}

impl Summary {
    /// Sums the rows of a run: blocks of rows summed in parallel, then merged (the sums are
    /// integers, so the result does not depend on how the rows were split).
    pub fn of(run: &RunOutput, catalog: &PriceCatalog, grouping: &Grouping) -> Summary {
        Summary::in_blocks(run, catalog, grouping, BLOCK_ROWS)
    }

    fn in_blocks(
        run: &RunOutput,
        catalog: &PriceCatalog,
        grouping: &Grouping,
        block_rows: usize,
    ) -> Summary {
        let empty = || Summary {
            groups: grouping
                .keys
                .iter()
                .map(|key| (key.clone(), Breakdown::new()))
                .collect(),
            ..Summary::default()
        };
        run.rows
            .blocks(block_rows)
            .into_par_iter()
            .map(|block| {
                let mut summary = empty();
                let mut days = DayMemo::default();
                for row in run.rows.range(block) {
                    summary.add(&row, run, catalog, grouping.zone, &mut days);
                }
                summary
            })
            .reduce(empty, |mut left, right| {
                left.merge(&right);
                left
            })
    }

    fn add(
        &mut self,
        row: &CallRow,
        run: &RunOutput,
        catalog: &PriceCatalog,
        zone: Zone,
        days: &mut DayMemo,
    ) {
        let logged_name = &run.models[row.model as usize];
        let model = row.price.map_or(logged_name.as_str(), |index| {
            catalog.entry(index).id.as_str()
        });
        let reasoning = row.reasoning_cost(catalog).unwrap_or_default();
        let call = (row, reasoning);
        self.total.add(row, reasoning);
        add_to(&mut self.by_model, model, call);
        add_to(&mut self.by_provider, row.provider.as_str(), call);
        add_to(&mut self.by_tier, row.classification.tier.as_str(), call);
        add_to(&mut self.by_task, row.classification.task.as_str(), call);
        let day = days.day(zone, row.timestamp_ms);
        self.by_day_model
            .entry((day.to_string(), model.to_string()))
            .or_default()
            .add(row, reasoning);
        add_to(&mut self.by_day, day, call);
        for (key, breakdown) in SPEND_TAGS.iter().zip(&mut self.by_team_tag) {
            add_to(breakdown, run.tag(row, key).unwrap_or(NONE_KEY), call);
        }
        for (key, breakdown) in &mut self.groups {
            add_to(breakdown, &key.key_of(row, run, catalog, zone), call);
        }
        if row.price.is_none() {
            add_to(&mut self.unpriced_models, logged_name, call);
        }
    }

    /// Adds another summary (from another shard of the input).
    pub fn merge(&mut self, other: &Summary) {
        self.total.merge(&other.total);
        for (mine, theirs) in [
            (&mut self.by_model, &other.by_model),
            (&mut self.by_provider, &other.by_provider),
            (&mut self.by_tier, &other.by_tier),
            (&mut self.by_task, &other.by_task),
            (&mut self.by_day, &other.by_day),
            (&mut self.unpriced_models, &other.unpriced_models),
        ] {
            for (key, stats) in theirs {
                mine.entry(key.clone()).or_default().merge(stats);
            }
        }
        for (mine, theirs) in self.by_team_tag.iter_mut().zip(&other.by_team_tag) {
            for (key, stats) in theirs {
                mine.entry(key.clone()).or_default().merge(stats);
            }
        }
        for (key, stats) in &other.by_day_model {
            self.by_day_model
                .entry(key.clone())
                .or_default()
                .merge(stats);
        }
        for ((_, mine), (_, theirs)) in self.groups.iter_mut().zip(&other.groups) {
            for (key, stats) in theirs {
                mine.entry(key.clone()).or_default().merge(stats);
            }
        }
    }
}

/// Adds a row and the cost of its reasoning to the group `key`, allocating the key only for
/// a new group.
fn add_to(breakdown: &mut Breakdown, key: &str, (row, reasoning): (&CallRow, Money)) {
    match breakdown.get_mut(key) {
        Some(stats) => stats.add(row, reasoning),
        None => breakdown
            .entry(key.to_string())
            .or_default()
            .add(row, reasoning),
    }
}

/// The day of the last timestamp, written out: calls in time order mostly fall on the day
/// before, and finding a local date costs less than writing it.
#[derive(Default)]
struct DayMemo {
    date: Option<chrono::NaiveDate>,
    day: String,
}

impl DayMemo {
    fn day(&mut self, zone: Zone, timestamp_ms: Option<i64>) -> &str {
        let date = timestamp_ms
            .and_then(|t| zone.local(t))
            .map(|local| local.date());
        if self.day.is_empty() || date != self.date {
            self.day = zone.day(timestamp_ms);
            self.date = date;
        }
        &self.day
    }
}

/// The UTC calendar day of a timestamp, or `unknown`.
pub fn day_key(timestamp_ms: Option<i64>) -> String {
    Zone::Utc.day(timestamp_ms)
}

/// Tiers in their natural order, for reports.
pub fn tier_order() -> impl Iterator<Item = &'static str> {
    Tier::ALL.into_iter().map(Tier::as_str)
}

/// Tasks in their declared order, for reports.
pub fn task_order() -> impl Iterator<Item = &'static str> {
    Task::ALL.into_iter().map(Task::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_utc_dates() {
        assert_eq!(day_key(Some(1_727_346_142_000)), "2024-09-26");
        assert_eq!(day_key(None), "unknown");
    }

    #[test]
    fn summing_in_blocks_gives_the_sums_of_one_pass() {
        use crate::classify::ClassifyRules;
        let catalog = PriceCatalog::embedded().unwrap();
        let run = crate::pipeline::run_fixture("fixtures", &catalog, &ClassifyRules::default());
        assert!(run.rows.len() > 300, "{} calls", run.rows.len());
        let grouping = Grouping {
            keys: vec!["week".parse().unwrap(), "session".parse().unwrap()],
            zone: "Europe/Berlin".parse().unwrap(),
        };
        let one_pass = Summary::in_blocks(&run, &catalog, &grouping, usize::MAX);
        for block_rows in [1, 7, 64] {
            let blocks = Summary::in_blocks(&run, &catalog, &grouping, block_rows);
            assert_eq!(blocks, one_pass, "blocks of {block_rows}");
        }
        assert_eq!(one_pass.total.calls, run.rows.len() as u64);
    }

    #[test]
    fn the_day_memo_gives_each_timestamp_its_own_day() {
        let zone: Zone = "Europe/Berlin".parse().unwrap();
        let hour = 3_600_000;
        // 2024-12-31T22:30Z, then across Berlin's midnight, back in time, and without a time.
        let base = 1_735_684_200_000;
        let stamps = [
            Some(base),
            Some(base + hour),
            Some(base + 2 * hour),
            None,
            Some(base),
            Some(base - 48 * hour),
            None,
            Some(base + hour),
        ];
        let mut memo = DayMemo::default();
        let days: Vec<String> = stamps
            .iter()
            .map(|&t| memo.day(zone, t).to_string())
            .collect();
        let expected: Vec<String> = stamps.iter().map(|&t| zone.day(t)).collect();
        assert_eq!(days, expected);
        assert_eq!(days[0], "2024-12-31");
        assert_eq!(days[1], "2025-01-01");
        assert_eq!(days[3], "unknown");
    }

    #[test]
    fn merging_groups_adds_everything() {
        let mut a = GroupStats {
            calls: 2,
            unpriced_calls: 1,
            tokens: TokenBuckets {
                input: 10,
                output: 5,
                ..Default::default()
            },
            cost: Money::from_pico(100),
            reasoning_cost: Money::from_pico(30),
            reasoning_unverified_tokens: 3,
            reasoning_unverified_cost: Money::from_pico(20),
            calls_without_text: 1,
            calls_redacted: 1,
            calls_summed: 1,
            calls_not_checked_for_repeats: 2,
        };
        let b = a.clone();
        a.merge(&b);
        assert_eq!(a.calls, 4);
        assert_eq!(a.unpriced_calls, 2);
        assert_eq!(a.tokens.input, 20);
        assert_eq!(a.cost, Money::from_pico(200));
        assert_eq!(a.reasoning_cost, Money::from_pico(60));
        assert_eq!(a.reasoning_unverified_tokens, 6);
        assert_eq!(a.reasoning_unverified_cost, Money::from_pico(40));
        assert_eq!(a.calls_without_text, 2);
    }
}
