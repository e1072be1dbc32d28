//! Sessions (conversations, traces): what each cost, how many calls it made and how full its
//! context grew, for the runaway finding, the report's costliest sessions and the session
//! budget gate.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::money::Money;
use crate::pipeline::Rows;

/// Totals of one session's calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionStats {
    pub calls: u64,
    /// Calls the catalog could not price (their cost is not in `cost`).
    pub unpriced_calls: u64,
    /// The most prompt tokens (cached or not) any one call sent: how full the context grew.
    pub peak_prompt_tokens: u64,
    /// What the priced calls cost.
    pub cost: Money,
}

impl SessionStats {
    /// The totals of every session that has an id, by its index in `RunOutput::sessions`
    /// (calls without a session are left out).
    /// On all cores: counts, sums of exact money and maxima come out the same in any order.
    pub fn of(rows: &Rows) -> HashMap<u32, SessionStats> {
        (0..rows.len())
            .into_par_iter()
            .filter(|&index| rows.session(index) != 0)
            .fold(
                HashMap::new,
                |mut sessions: HashMap<u32, SessionStats>, index| {
                    let row = rows.get(index);
                    let stats = sessions.entry(row.session).or_default();
                    stats.merge(SessionStats {
                        calls: 1,
                        unpriced_calls: u64::from(row.cost.is_none()),
                        peak_prompt_tokens: row.tokens.prompt_total(),
                        cost: row.cost.unwrap_or(Money::ZERO),
                    });
                    sessions
                },
            )
            .reduce(HashMap::new, |mut sessions, more| {
                for (session, stats) in more {
                    sessions.entry(session).or_default().merge(stats);
                }
                sessions
            })
    }

    /// Adds another part of the same session's calls.
    fn merge(&mut self, other: SessionStats) {
        self.calls += other.calls;
        self.unpriced_calls += other.unpriced_calls;
        self.peak_prompt_tokens = self.peak_prompt_tokens.max(other.peak_prompt_tokens);
        self.cost += other.cost;
    }

    /// The session made more than one call: a single call is a request, not a session that
    /// could run away.
    pub fn is_conversation(&self) -> bool {
        self.calls >= 2
    }
}

/// Sessions by cost, largest first, ties by id: `(index, stats)`.
pub fn by_cost(
    sessions: &HashMap<u32, SessionStats>,
    names: &[String],
) -> Vec<(u32, SessionStats)> {
    let mut sorted: Vec<(u32, SessionStats)> = sessions.iter().map(|(&i, &s)| (i, s)).collect();
    let name = |index: u32| names.get(index as usize).map_or("", String::as_str);
    sorted.sort_by(|a, b| b.1.cost.cmp(&a.1.cost).then(name(a.0).cmp(name(b.0))));
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The totals gathered on all cores are those of one pass in row order, on the fixtures'
    /// sessions (priced and unpriced calls among them).
    #[test]
    fn stats_on_all_cores_are_those_of_one_pass() {
        let catalog = crate::pricing::PriceCatalog::embedded().unwrap();
        let rules = crate::classify::ClassifyRules::default();
        let rows = crate::pipeline::run_fixture("fixtures", &catalog, &rules).rows;
        let mut expected: HashMap<u32, SessionStats> = HashMap::new();
        for row in rows.iter().filter(|row| row.session != 0) {
            let stats = expected.entry(row.session).or_default();
            stats.calls += 1;
            stats.peak_prompt_tokens = stats.peak_prompt_tokens.max(row.tokens.prompt_total());
            match row.cost {
                Some(cost) => stats.cost += cost,
                None => stats.unpriced_calls += 1,
            }
        }
        assert!(expected.len() > 10, "{} sessions", expected.len());
        assert!(
            expected
                .values()
                .any(|s| s.unpriced_calls > 0 && s.calls > 1)
        );
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        assert_eq!(pool.install(|| SessionStats::of(&rows)), expected);
        assert_eq!(SessionStats::of(&rows), expected);
    }
}
