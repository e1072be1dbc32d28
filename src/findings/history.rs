//! Conversation history re-sent without a prompt cache: agents and chats send their whole
//! conversation again at every step, and without a cache every step pays the full input price
//! for what the previous step already sent.

use crate::findings::{Finding, Tally, WasteKind, in_time_order, plural, usd};
use crate::money::Money;
use crate::pipeline::{ExternalSort, RowSet, Rows};
use crate::policy::{CacheCall, CacheRules, CacheTtl, HitKind, PromptCache, Reuse};
use crate::pricing::{PriceCatalog, call_cost};

/// The simulated cache's lifetime: 5 minutes, refreshed on each use (Anthropic's default;
/// OpenAI keeps a prefix 5 to 10 minutes after its last use), as for `uncached_prefix`.
const TTL: CacheTtl = CacheTtl::FiveMinutes;

/// **uncached_history**: calls that re-sent an earlier step's prompt (the conversation so far)
/// to the same priced model within 5 minutes of it, and the calls whose prompt they re-sent. Each model's prompt cache is simulated over
/// the calls in time order by its provider's rule ([`CacheRule`](crate::policy::CacheRule)): a call reads the longest
/// prefix an earlier call stored (its previous step's whole prompt) and, on an explicit cache,
/// writes the rest. Per call the saving is its cost minus the cost of the same call with those
/// tokens moved, so the writes' premium counts against it; what the log already read from or
/// wrote to a cache stays (a call that cached its system prompt saves on the rest, one that
/// cached its history saves nothing). When the log holds no text, a
/// session whose prompt grows step by step is taken to re-send its previous step (an estimate,
/// said so). Returns the finding (if its impact is above zero) and which rows are in it, so
/// that `uncached_prefix` does not count them again.
pub fn uncached_history(rows: &Rows, catalog: &PriceCatalog) -> (Option<Finding>, RowSet) {
    let mut cache = PromptCache::default();
    let reuse = Reuse::of(rows);
    let rules = CacheRules::new(catalog);
    let mut in_history = RowSet::new(rows.len());
    // (row, tokens moved, saving in pico-dollars) of every call the cache served, history or
    // not.
    let mut savings = ExternalSort::new(rows.list_limit());
    let mut estimated = 0u64;
    for index in in_time_order(rows) {
        let row = rows.get(index);
        let (Some(price), Some(at), Some(cost)) = (row.price, row.timestamp_ms, row.cost) else {
            continue;
        };
        let entry = catalog.entry(price);
        let Some(rule) = rules.get(price) else {
            continue;
        };
        let Some(hit) = cache.visit(&CacheCall {
            index,
            model: price,
            rule,
            ttl: TTL,
            at_ms: at,
            prefixes: row.prefixes,
            session: row.session,
            prompt_tokens: row.tokens.prompt_total(),
            conversation: reuse.conversation(&row),
            system_recurs: reuse.system_recurs(&row),
            summed: row.flags.summed,
        }) else {
            continue;
        };
        let t = &row.tokens;
        if hit.kind == HitKind::History {
            in_history.insert(index);
            if let Some(writer) = hit.writer {
                in_history.insert(writer);
            }
            estimated += u64::from(hit.estimated);
        }
        let cached = rule.apply(*t, hit, TTL);
        let saving = cost - call_cost(entry, &cached, row.flags.billing(row.timestamp_ms));
        savings.push((index, t.input - cached.input, saving.pico()));
    }
    let mut tally = Tally::default();
    for (index, moved, saving) in savings.sorted() {
        if in_history.contains(index) {
            tally.add(rows, index, moved, Some(Money::from_pico(saving)));
        }
    }
    if tally.calls == 0 || tally.impact <= Money::ZERO {
        return (None, in_history);
    }
    let estimate = match estimated {
        0 => String::new(),
        n => format!(
            "; {} of them logged no text and were taken to re-send their session's previous step because their prompt grew from it (an estimate)",
            plural(n, "call", "calls")
        ),
    };
    let sentence = format!(
        "{} re-sent the conversation of an earlier step without caching it; a 5-minute prompt cache refreshed on each use would have read it and written only each step's new part, saving {} (reads at the cache-read price, less the write premium){estimate}",
        plural(tally.calls, "call", "calls"),
        usd(tally.impact),
    );
    (
        Some(tally.finding(WasteKind::UncachedHistory, sentence)),
        in_history,
    )
}
