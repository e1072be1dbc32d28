//! Maps of what calls seen in a time window left behind, for passes that visit calls in time
//! order (the replay's caches, the findings' repeats): an entry that fell out of the window can
//! match no later call, so it can go.

use std::collections::HashMap;
use std::hash::Hash;

/// A map swept of entries that fell out of the window whenever it has doubled since the last
/// sweep: it holds about a window's worth of calls, not the run's, at a constant cost per call.
pub struct TimeWindow<K, V> {
    pub map: HashMap<K, V, foldhash::fast::FixedState>,
    /// Entries left by the last sweep.
    swept: usize,
    /// Size below which the map is not swept.
    min_sweep: usize,
}

impl<K, V> Default for TimeWindow<K, V> {
    fn default() -> Self {
        TimeWindow {
            map: HashMap::default(),
            swept: 0,
            min_sweep: 1024,
        }
    }
}

impl<K: Hash + Eq, V> TimeWindow<K, V> {
    /// A map swept from `min_sweep` entries on (`usize::MAX / 2`: never), for tests.
    #[cfg(test)]
    pub fn sweeping_from(min_sweep: usize) -> Self {
        TimeWindow {
            min_sweep,
            ..TimeWindow::default()
        }
    }

    /// Keeps only the entries `in_window` accepts, once the map has doubled since the last
    /// sweep. The caller's visits must come in time order, and `in_window` must accept every
    /// entry a later call could still match.
    pub fn sweep(&mut self, mut in_window: impl FnMut(&V) -> bool) {
        if self.map.len() < 2 * self.swept.max(self.min_sweep) {
            return;
        }
        self.map.retain(|_, value| in_window(value));
        self.swept = self.map.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweeps_only_once_doubled_and_keeps_what_the_window_holds() {
        let mut window: TimeWindow<u64, i64> = TimeWindow::default();
        for at in 0..2047 {
            window.map.insert(at as u64, at);
            window.sweep(|&seen| seen >= at - 10);
        }
        // Below 2 × 1,024 entries nothing was swept.
        assert_eq!(window.map.len(), 2047);
        window.map.insert(2047, 2047);
        window.sweep(|&seen| seen >= 2047 - 10);
        // The sweep kept the last 11 entries.
        assert_eq!(window.map.len(), 11);
        assert!(window.map.contains_key(&2037) && !window.map.contains_key(&2036));
    }
}
