//! Sessions (conversations, traces): what each cost, how many calls it made and how full its
//! context grew, for the runaway finding, the report's costliest sessions and the session
//! budget gate.

use std::collections::HashMap;

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
    pub fn of(rows: &Rows) -> HashMap<u32, SessionStats> {
        let mut sessions: HashMap<u32, SessionStats> = HashMap::new();
        for index in (0..rows.len()).filter(|&index| rows.session(index) != 0) {
            let row = rows.get(index);
            let stats = sessions.entry(row.session).or_default();
            stats.calls += 1;
            stats.peak_prompt_tokens = stats.peak_prompt_tokens.max(row.tokens.prompt_total());
            match row.cost {
                Some(cost) => stats.cost += cost,
                None => stats.unpriced_calls += 1,
            }
        }
        sessions
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
