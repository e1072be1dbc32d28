//! What one useful answer costs: every call is an attempt at an answer; the spend of all of
//! them (failed attempts, retries and repeats included) divided by the answers they gave.
//! Failed calls are also counted by cause.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::aggregate::{GroupKey, Grouping};
use crate::findings::repeated_requests;
use crate::money::Money;
use crate::pipeline::{BLOCK_ROWS, CallRow, RunOutput};
use crate::pricing::PriceCatalog;
use crate::record::FailureCause;

/// Failed calls of one cause.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FailureTally {
    pub calls: u64,
    /// Of those, calls whose log reported tokens (a failure can still be billed).
    pub calls_with_usage: u64,
    /// What the priced ones cost.
    pub cost: Money,
}

/// Attempts, answers and what they cost, for all calls or one group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResponseStats {
    /// Every call: each is an attempt at an answer.
    pub attempts: u64,
    /// Calls that gave an answer: no error, and no answer a content filter withheld.
    pub responses: u64,
    /// Calls that gave none (`attempts − responses`).
    pub failed_attempts: u64,
    /// What the priced failed attempts cost.
    pub failed_cost: Money,
    /// Answers to a request answered shortly before, outside any retry: the calls the
    /// `duplicate_request` finding counts ([`repeated_requests`]).
    pub repeats: u64,
    /// What every priced call cost, failed or not.
    pub cost: Money,
    /// Calls the catalog could not price: left out of the cost and of what it is divided by.
    pub unpriced_calls: u64,
    /// Answers of priced calls: what the cost per response divides by.
    pub priced_responses: u64,
    /// Of those, repeats.
    pub priced_repeats: u64,
    /// Failed calls by cause, in [`FailureCause::ALL`] order.
    pub failures: [FailureTally; 6],
}

impl ResponseStats {
    fn add(&mut self, row: &CallRow, repeat: bool) {
        self.attempts += 1;
        let cost = row.cost.unwrap_or_default();
        self.cost += cost;
        self.unpriced_calls += u64::from(row.cost.is_none());
        match row.flags.failure_cause() {
            Some(cause) => {
                self.failed_attempts += 1;
                self.failed_cost += cost;
                let tally = &mut self.failures[cause as usize];
                tally.calls += 1;
                tally.calls_with_usage += u64::from(row.tokens.total() > 0);
                tally.cost += cost;
            }
            None => {
                self.responses += 1;
                self.repeats += u64::from(repeat);
                if row.cost.is_some() {
                    self.priced_responses += 1;
                    self.priced_repeats += u64::from(repeat);
                }
            }
        }
    }

    /// Adds another group's totals.
    pub fn merge(&mut self, other: &ResponseStats) {
        self.attempts += other.attempts;
        self.responses += other.responses;
        self.failed_attempts += other.failed_attempts;
        self.failed_cost += other.failed_cost;
        self.repeats += other.repeats;
        self.cost += other.cost;
        self.unpriced_calls += other.unpriced_calls;
        self.priced_responses += other.priced_responses;
        self.priced_repeats += other.priced_repeats;
        for (mine, theirs) in self.failures.iter_mut().zip(&other.failures) {
            mine.calls += theirs.calls;
            mine.calls_with_usage += theirs.calls_with_usage;
            mine.cost += theirs.cost;
        }
    }

    /// The spend of the priced calls divided by their answers; `None` without an answer.
    pub fn cost_per_response(&self) -> Option<Money> {
        self.cost.divided_by(self.priced_responses)
    }

    /// The same, repeats not counted as answers: what one new answer cost.
    pub fn cost_per_new_response(&self) -> Option<Money> {
        self.cost
            .divided_by(self.priced_responses - self.priced_repeats)
    }

    /// Failed calls of each cause that has any, in [`FailureCause::ALL`] order, counted with
    /// the failures the logs give no usage for (`without_usage`, by cause: skipped records, so
    /// no calls here, but failures all the same).
    pub fn failures_by_cause<'a>(
        &'a self,
        without_usage: &'a BTreeMap<FailureCause, u64>,
    ) -> impl Iterator<Item = (FailureCause, FailureTally)> + 'a {
        FailureCause::ALL
            .into_iter()
            .zip(self.failures)
            .map(|(cause, mut tally)| {
                tally.calls += without_usage.get(&cause).copied().unwrap_or(0);
                (cause, tally)
            })
            .filter(|(_, tally)| tally.calls > 0)
    }
}

/// Attempts and answers of a run, in all and by each `--group-by` key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Responses {
    pub total: ResponseStats,
    /// One breakdown per `--group-by` key, in the order given.
    pub groups: Vec<(GroupKey, BTreeMap<String, ResponseStats>)>,
}

impl Responses {
    /// Counts the calls of a run, each in its group of every key (named as the spend
    /// breakdowns name them): blocks of rows counted in parallel, then merged (the sums are
    /// integers, so the result does not depend on how the rows were split).
    pub fn of(run: &RunOutput, catalog: &PriceCatalog, grouping: &Grouping) -> Responses {
        let repeats = repeated_requests(&run.rows);
        let empty = || Responses {
            total: ResponseStats::default(),
            groups: grouping
                .keys
                .iter()
                .map(|key| (key.clone(), BTreeMap::new()))
                .collect(),
        };
        run.rows
            .blocks(BLOCK_ROWS)
            .into_par_iter()
            .map(|block| {
                let mut responses = empty();
                for (index, row) in block.clone().zip(run.rows.range(block)) {
                    let repeat = repeats.contains(index);
                    responses.total.add(&row, repeat);
                    for (key, groups) in &mut responses.groups {
                        groups
                            .entry(key.key_of(&row, run, catalog, grouping.zone))
                            .or_default()
                            .add(&row, repeat);
                    }
                }
                responses
            })
            .reduce(empty, |mut left, right| {
                left.merge(&right);
                left
            })
    }

    /// Adds another run's counts (of other rows).
    pub fn merge(&mut self, other: &Responses) {
        self.total.merge(&other.total);
        for ((_, mine), (_, theirs)) in self.groups.iter_mut().zip(&other.groups) {
            for (key, stats) in theirs {
                mine.entry(key.clone()).or_default().merge(stats);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::CallFlags;

    fn row(cost_pico: Option<i128>, failure: Option<FailureCause>, output: u64) -> CallRow {
        let mut row = crate::risk::test_row();
        row.cost = cost_pico.map(Money::from_pico);
        row.tokens.output = output;
        row.flags = CallFlags {
            failed: failure.is_some(),
            failure,
            ..CallFlags::default()
        };
        row
    }

    /// Four answers (one a repeat), two failed attempts and an unpriced answer: 7 attempts.
    /// Priced spend $0.10 + $0.20 + $0.30 + $0.40 + $0.05 (rate limited) + $0 (timed out,
    /// no usage) = $1.05, over 4 priced answers: $0.2625 each; over the 3 new ones: $0.35.
    #[test]
    fn the_cost_per_response_counts_failed_attempts_and_repeats() {
        let usd = |cents: i128| Some(cents * 10_000_000_000);
        let calls = [
            (row(usd(10), None, 10), false),
            (row(usd(20), None, 10), false),
            (row(usd(30), None, 10), true),
            (row(usd(40), None, 10), false),
            (row(usd(5), Some(FailureCause::RateLimit), 10), false),
            (row(usd(0), Some(FailureCause::Timeout), 0), false),
            (row(None, None, 10), false),
        ];
        let mut stats = ResponseStats::default();
        for (row, repeat) in &calls {
            stats.add(row, *repeat);
        }
        assert_eq!(
            (stats.attempts, stats.responses, stats.failed_attempts),
            (7, 5, 2)
        );
        assert_eq!((stats.repeats, stats.unpriced_calls), (1, 1));
        assert_eq!(stats.cost.to_decimal_string(), "1.05");
        assert_eq!(stats.failed_cost.to_decimal_string(), "0.05");
        assert_eq!(
            stats.cost_per_response().unwrap().to_decimal_string(),
            "0.2625"
        );
        assert_eq!(
            stats.cost_per_new_response().unwrap().to_decimal_string(),
            "0.35"
        );
        // Beside the calls, two rate limits and a 503 the logs skipped for want of usage.
        let skipped =
            BTreeMap::from([(FailureCause::RateLimit, 2), (FailureCause::ServerError, 1)]);
        let causes: Vec<(FailureCause, u64, u64)> = stats
            .failures_by_cause(&skipped)
            .map(|(cause, t)| (cause, t.calls, t.calls_with_usage))
            .collect();
        assert_eq!(
            causes,
            [
                (FailureCause::RateLimit, 3, 1),
                (FailureCause::Timeout, 1, 0),
                (FailureCause::ServerError, 1, 0)
            ]
        );
        let mut twice = stats;
        twice.merge(&stats);
        assert_eq!(twice.cost_per_response(), stats.cost_per_response());
        assert_eq!(ResponseStats::default().cost_per_response(), None);
    }
}
