//! Aggregation: spend and tokens grouped by model, provider, tier, task and day, by any
//! `--group-by` key, and by day and model (spend over time), plus the models the catalog could
//! not price. Groups are ordered maps that merge exactly.

mod filter;
mod group;
mod zone;

use std::collections::BTreeMap;

pub use filter::{Filter, TagFilter};
pub use group::{GroupKey, NONE_KEY};
pub use zone::Zone;

use crate::classify::{Task, Tier};
use crate::money::Money;
use crate::pipeline::{CallRow, RunOutput};
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
}

impl GroupStats {
    fn add(&mut self, row: &CallRow) {
        self.calls += 1;
        self.tokens.add(&row.tokens);
        match row.cost {
            Some(cost) => self.cost += cost,
            None => self.unpriced_calls += 1,
        }
    }

    /// Adds another group's totals.
    pub fn merge(&mut self, other: &GroupStats) {
        self.calls += other.calls;
        self.unpriced_calls += other.unpriced_calls;
        self.tokens.add(&other.tokens);
        self.cost += other.cost;
    }
}

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
    /// Spend over time: (day, model) → totals.
    pub by_day_model: BTreeMap<(String, String), GroupStats>,
    /// One breakdown per `--group-by` key, in the order given.
    pub groups: Vec<(GroupKey, Breakdown)>,
    /// Models the catalog does not know, as the logs name them.
    pub unpriced_models: Breakdown,
}

impl Summary {
    /// Sums the rows of a run.
    pub fn of(run: &RunOutput, catalog: &PriceCatalog, grouping: &Grouping) -> Summary {
        let mut summary = Summary {
            groups: grouping
                .keys
                .iter()
                .map(|key| (key.clone(), Breakdown::new()))
                .collect(),
            ..Summary::default()
        };
        for row in &run.rows {
            summary.add(row, run, catalog, grouping.zone);
        }
        summary
    }

    fn add(&mut self, row: &CallRow, run: &RunOutput, catalog: &PriceCatalog, zone: Zone) {
        let logged_name = &run.models[row.model as usize];
        let model = row.price.map_or(logged_name.as_str(), |index| {
            catalog.entry(index).id.as_str()
        });
        self.total.add(row);
        self.by_model.entry(model.to_string()).or_default().add(row);
        self.by_provider
            .entry(row.provider.as_str().to_string())
            .or_default()
            .add(row);
        self.by_tier
            .entry(row.classification.tier.as_str().to_string())
            .or_default()
            .add(row);
        self.by_task
            .entry(row.classification.task.as_str().to_string())
            .or_default()
            .add(row);
        let day = zone.day(row.timestamp_ms);
        self.by_day_model
            .entry((day.clone(), model.to_string()))
            .or_default()
            .add(row);
        self.by_day.entry(day).or_default().add(row);
        for (key, breakdown) in &mut self.groups {
            breakdown
                .entry(key.key_of(row, run, catalog, zone))
                .or_default()
                .add(row);
        }
        if row.price.is_none() {
            self.unpriced_models
                .entry(logged_name.clone())
                .or_default()
                .add(row);
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
        };
        let b = a.clone();
        a.merge(&b);
        assert_eq!(a.calls, 4);
        assert_eq!(a.unpriced_calls, 2);
        assert_eq!(a.tokens.input, 20);
        assert_eq!(a.cost, Money::from_pico(200));
    }
}
