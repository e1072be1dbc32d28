//! Long prompt prefixes (system prompt, tool definitions) sent again and again without a
//! prompt cache.

use std::collections::HashMap;

use crate::findings::{Finding, Tally, WasteKind, in_time_order, plural, usd};
use crate::ingest::MIN_CACHEABLE_PREFIX_TOKENS;
use crate::money::Money;
use crate::pipeline::{RowSet, Rows};
use crate::policy::CacheTtl;
use crate::pricing::{PriceCatalog, call_cost};
use crate::record::TokenBuckets;

/// At most this many prefixes are reported, largest impact first.
pub const MAX_PREFIX_FINDINGS: usize = 5;

/// The simulated cache's lifetime: the 5-minute prompt cache the `prompt-cache` policy replays,
/// refreshed on each use (Anthropic's default cache lifetime, refreshed for free each time the
/// cached content is used: https://docs.claude.com/en/docs/build-with-claude/prompt-caching,
/// read 2026-11-21; OpenAI keeps cached prefixes 5 to 10 minutes after their last use:
/// https://platform.openai.com/docs/guides/prompt-caching).
const TTL: CacheTtl = CacheTtl::FiveMinutes;

/// One prefix on one model, while the simulation runs.
#[derive(Default)]
struct PrefixState {
    /// When the simulated cache entry lapses.
    lapses: Option<i64>,
    /// Calls of this prefix on this model, cached or not.
    sends: u64,
    /// Saving per uncached call (negative for a write), by row index.
    savings: Vec<(usize, u64, Money)>,
    writes: u64,
    reads: u64,
    prefix_tokens: u64,
}

/// **uncached_prefix**: a prompt prefix of at least [`MIN_CACHEABLE_PREFIX_TOKENS`] tokens
/// sent at least twice to the same priced model (same catalog entry), on calls that read
/// nothing from a prompt cache. A 5-minute prompt cache is simulated per model and prefix over
/// the calls in time order, its lifetime refreshed on each use: the first call of a lifetime
/// writes the prefix, the later ones read it. Per uncached call the saving is its cost minus
/// the cost of the same call with the prefix tokens (at most its uncached input) moved from
/// input to cache reads (a hit) or 5-minute cache writes (a write), so a write counts negative
/// by the write premium. A call that already used a cache (read or write) keeps the entry
/// alive but saves nothing. The impact is the sum; only prefixes whose impact is above zero are
/// reported, at most [`MAX_PREFIX_FINDINGS`], largest first. Tokens are the prefix tokens on
/// the uncached calls, and their share of every prompt token of the run (cached or not) is
/// `share_of_input_pct`. Calls without a timestamp cannot be placed in the simulation. Calls of
/// a conversation re-sent step by step (`in_history`, one flag per row) keep the entry alive but
/// are counted in `uncached_history`, not here.
pub fn uncached_prefixes(rows: &Rows, catalog: &PriceCatalog, in_history: &RowSet) -> Vec<Finding> {
    let mut states: HashMap<(u32, u64), PrefixState> = HashMap::new();
    for index in in_time_order(rows) {
        let row = rows.get(index);
        let prefix = row.prefixes.and_then(|p| p.system());
        let (Some(price), Some(prefix), Some(now), Some(cost)) =
            (row.price, prefix, row.timestamp_ms, row.cost)
        else {
            continue;
        };
        if prefix.tokens < MIN_CACHEABLE_PREFIX_TOKENS {
            continue;
        }
        let state = states.entry((price, prefix.hash)).or_default();
        state.sends += 1;
        state.prefix_tokens = prefix.tokens;
        let warm = state.lapses.is_some_and(|lapses| now <= lapses);
        state.lapses = Some(now + TTL.millis());
        let t = &row.tokens;
        if t.cache_read > 0 || t.cache_write_5m > 0 || t.cache_write_1h > 0 {
            continue;
        }
        if in_history.contains(index) {
            // Counted with the conversation it belongs to (`uncached_history`).
            continue;
        }
        let moved = prefix.tokens.min(t.input);
        let mut cached = TokenBuckets {
            input: t.input - moved,
            ..*t
        };
        if warm {
            cached.cache_read += moved;
            state.reads += 1;
        } else {
            cached.cache_write_5m += moved;
            state.writes += 1;
        }
        let mode = row.flags.billing(row.timestamp_ms);
        let saving = cost - call_cost(catalog.entry(price), &cached, mode);
        state.savings.push((index, moved, saving));
    }
    let prompt_tokens: u64 = rows.iter().fold(0u64, |sum, row| {
        sum.saturating_add(row.tokens.prompt_total())
    });
    let mut findings: Vec<(Finding, u32, u64)> = states
        .into_iter()
        .filter(|(_, state)| state.sends >= 2)
        .filter_map(|((price, hash), mut state)| {
            state.savings.sort_by_key(|&(index, _, _)| index);
            let mut tally = Tally::default();
            for &(index, moved, saving) in &state.savings {
                tally.add(rows, index, moved, Some(saving));
            }
            if tally.impact <= Money::ZERO {
                return None;
            }
            let model = &catalog.entry(price).id;
            let sentence = format!(
                "A prompt prefix of {} tokens went to {model} {} without a prompt cache, and a {}-minute cache refreshed on each use would have written it {} and read it {}, saving {} (reads at the cache-read price, less the write premium)",
                crate::human::count(state.prefix_tokens),
                plural(tally.calls, "time", "times"),
                TTL.millis() / 60_000,
                plural(state.writes, "time", "times"),
                plural(state.reads, "time", "times"),
                usd(tally.impact),
            );
            let share = (prompt_tokens > 0).then(|| tally.tokens as f64 / prompt_tokens as f64 * 100.0);
            let mut finding = tally.finding(WasteKind::UncachedPrefix, sentence);
            finding.subject = Some(format!("{hash:016x}"));
            finding.share_of_input_pct = share;
            Some((finding, price, hash))
        })
        .collect();
    // Largest impact first; the catalog entry and the fingerprint break ties, so the order
    // never depends on the map's.
    findings.sort_by(|a, b| {
        b.0.impact
            .cmp(&a.0.impact)
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
    });
    findings.truncate(MAX_PREFIX_FINDINGS);
    findings
        .into_iter()
        .map(|(finding, _, _)| finding)
        .collect()
}
