//! The built-in policies: the baseline (what happened), cheaper models for simple calls, prompt
//! caching of repeated prefixes, and the Batch API for calls nobody waited on.

use std::collections::HashMap;

use crate::classify::Tier;
use crate::ingest::MIN_CACHEABLE_PREFIX_TOKENS;
use crate::money::Money;
use crate::pipeline::CallRow;
use crate::policy::tally::{CallReplay, Tally};
use crate::policy::{PolicyOutcome, Priors};
use crate::pricing::{BillingMode, PriceCatalog, call_cost};
use crate::record::TokenBuckets;

/// Prompt-cache lifetime the caching policy assumes (Anthropic's default TTL; OpenAI keeps
/// prefixes 5–10 minutes after their last use). Each hit refreshes it.
const CACHE_TTL_MS: i64 = 5 * 60 * 1000;

/// A policy shipped with llm-audit, usable by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum BuiltinPolicy {
    /// What the logs record: every call on its own model, as billed.
    Baseline,
    /// Trivial and simple calls go to the catalog's cheaper model of the same provider.
    CheaperForSimple,
    /// Repeated prompt prefixes (system prompt, tools) are served from a 5-minute prompt cache.
    PromptCache,
    /// Calls with no latency need go through the provider's Batch API.
    Batch,
}

impl BuiltinPolicy {
    pub const ALL: [BuiltinPolicy; 4] = [
        BuiltinPolicy::Baseline,
        BuiltinPolicy::CheaperForSimple,
        BuiltinPolicy::PromptCache,
        BuiltinPolicy::Batch,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BuiltinPolicy::Baseline => "baseline",
            BuiltinPolicy::CheaperForSimple => "cheaper-for-simple",
            BuiltinPolicy::PromptCache => "prompt-cache",
            BuiltinPolicy::Batch => "batch",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            BuiltinPolicy::Baseline => "every call as logged",
            BuiltinPolicy::CheaperForSimple => {
                "trivial and simple calls on the provider's cheaper model"
            }
            BuiltinPolicy::PromptCache => {
                "repeated prompt prefixes served from a 5-minute prompt cache"
            }
            BuiltinPolicy::Batch => "calls with no latency need sent through the Batch API",
        }
    }
}

/// What every policy's replay reads.
struct Context<'a> {
    rows: &'a [CallRow],
    catalog: &'a PriceCatalog,
    priors: &'a Priors,
}

impl Context<'_> {
    /// The call's latency as logged, else the prior of its model's tier.
    fn baseline_latency(&self, row: &CallRow) -> f64 {
        row.latency_ms.map_or_else(
            || self.prior_latency(row.price, row.tokens.output),
            f64::from,
        )
    }

    fn prior_latency(&self, price: Option<u32>, output_tokens: u64) -> f64 {
        let tier = price.map_or("flagship", |index| self.catalog.entry(index).tier.as_str());
        self.priors.latency(tier).latency_ms(output_tokens)
    }

    fn unchanged(&self, row: &CallRow) -> CallReplay {
        CallReplay {
            cost: row.cost,
            baseline_cost: row.cost,
            latency_ms: self.baseline_latency(row),
            changed: false,
            blocked: false,
            risk: None,
        }
    }

    /// Replays one call priced under other tokens or billing mode on its own model.
    fn repriced(&self, price: u32, tokens: &TokenBuckets, mode: BillingMode) -> Money {
        call_cost(self.catalog.entry(price), tokens, mode)
    }
}

/// Replays the rows (in input order) under a policy.
pub fn replay(
    policy: BuiltinPolicy,
    rows: &[CallRow],
    catalog: &PriceCatalog,
    priors: &Priors,
) -> PolicyOutcome {
    let context = Context {
        rows,
        catalog,
        priors,
    };
    let mut tally = Tally::default();
    let assumptions = match policy {
        BuiltinPolicy::Baseline => {
            rows.iter()
                .for_each(|row| tally.add(context.unchanged(row)));
            vec!["latency of calls whose log records none: prior of the model's tier".to_string()]
        }
        BuiltinPolicy::CheaperForSimple => {
            rows.iter()
                .for_each(|row| tally.add(cheaper_for_simple(&context, row)));
            vec![
                "moved calls keep their token counts (same provider, same tokenizer family)".to_string(),
                "moved calls keep their cache reads and writes (the cache warms alike on the target)".to_string(),
                "latency of moved calls: prior of the target model's tier".to_string(),
                "quality risk: prior degradation rate by complexity tier, not yet calibrated".to_string(),
            ]
        }
        BuiltinPolicy::PromptCache => {
            prompt_cache(&context)
                .into_iter()
                .for_each(|call| tally.add(call));
            vec![
                format!(
                    "prefixes of at least {MIN_CACHEABLE_PREFIX_TOKENS} tokens (system prompt and tool definitions, ~4 characters a token) are cached per model"
                ),
                "a cache entry lives 5 minutes after its last use; first use and lapsed entries pay the cache-write price".to_string(),
                "calls without a timestamp or prompt text are left as they were".to_string(),
            ]
        }
        BuiltinPolicy::Batch => {
            rows.iter().for_each(|row| tally.add(batch(&context, row)));
            vec![
                "calls not streamed, not from an interactive tool and not in a tool loop have no latency need".to_string(),
                format!(
                    "batched calls take the full completion window ({} h) as latency",
                    priors.batch_window_ms / 3_600_000.0
                ),
            ]
        }
    };
    tally.finish(policy.name(), policy.description(), assumptions)
}

fn cheaper_for_simple(context: &Context<'_>, row: &CallRow) -> CallReplay {
    let unchanged = context.unchanged(row);
    let (Some(price), Some(baseline)) = (row.price, row.cost) else {
        return unchanged;
    };
    if row.classification.tier > Tier::Simple {
        return unchanged;
    }
    let catalog = context.catalog;
    let Some(target) = catalog
        .entry(price)
        .downgrade_to
        .as_deref()
        .and_then(|name| catalog.resolve(name, row.timestamp_ms))
    else {
        return unchanged;
    };
    let needed = row.tokens.prompt_total() + row.tokens.output;
    if catalog
        .entry(target)
        .context_window
        .is_some_and(|window| needed > window)
    {
        return CallReplay {
            blocked: true,
            ..unchanged
        };
    }
    let mode = BillingMode {
        batch: row.flags.batch,
    };
    let cost = context.repriced(target, &row.tokens, mode);
    if cost >= baseline {
        return unchanged;
    }
    CallReplay {
        cost: Some(cost),
        latency_ms: context.prior_latency(Some(target), row.tokens.output),
        changed: true,
        risk: Some(context.priors.risk(row.classification.tier)),
        ..unchanged
    }
}

fn batch(context: &Context<'_>, row: &CallRow) -> CallReplay {
    let unchanged = context.unchanged(row);
    let Some(price) = row.price else {
        return unchanged;
    };
    if row.flags.batch
        || !row.flags.no_latency_need()
        || context.catalog.entry(price).batch_discount.is_none()
    {
        return unchanged;
    }
    CallReplay {
        cost: Some(context.repriced(price, &row.tokens, BillingMode { batch: true })),
        latency_ms: context.priors.batch_window_ms,
        changed: true,
        ..unchanged
    }
}

/// Replays calls in time order with a prompt cache per (model, prefix): a prefix seen within the
/// TTL is read from the cache, otherwise written to it. Returns replays in input order.
fn prompt_cache(context: &Context<'_>) -> Vec<CallReplay> {
    let rows = context.rows;
    let mut replays: Vec<CallReplay> = rows.iter().map(|row| context.unchanged(row)).collect();
    let mut order: Vec<usize> = (0..rows.len())
        .filter(|&i| {
            let row = &rows[i];
            row.prefix.is_some()
                && row.timestamp_ms.is_some()
                && row
                    .price
                    .is_some_and(|p| context.catalog.entry(p).caches_prompts)
        })
        .collect();
    // Stable sort: calls at the same millisecond keep their input order.
    order.sort_by_key(|&i| rows[i].timestamp_ms);
    let mut last_use: HashMap<(u32, u64), i64> = HashMap::new();
    for index in order {
        let row = &rows[index];
        let (Some(prefix), Some(now), Some(price)) = (row.prefix, row.timestamp_ms, row.price)
        else {
            continue;
        };
        let cacheable = prefix.tokens.min(row.tokens.input);
        if cacheable < MIN_CACHEABLE_PREFIX_TOKENS {
            continue;
        }
        let key = (price, prefix.hash);
        let hit = last_use
            .get(&key)
            .is_some_and(|&last| now - last <= CACHE_TTL_MS);
        last_use.insert(key, now);
        let mut tokens = row.tokens;
        tokens.input -= cacheable;
        if hit {
            tokens.cache_read += cacheable;
        } else {
            tokens.cache_write_5m += cacheable;
        }
        let cost = context.repriced(
            price,
            &tokens,
            BillingMode {
                batch: row.flags.batch,
            },
        );
        replays[index] = CallReplay {
            cost: Some(cost),
            changed: true,
            ..replays[index]
        };
    }
    replays
}
