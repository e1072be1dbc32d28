//! Routing policies and their replay: what the logged calls would have cost, how fast they
//! would have been, and at what quality risk, had they been routed differently. A policy is a
//! file of rules (`file.rs`); the built-in ones are such files, embedded (`builtin.rs`).

mod builtin;
mod file;
mod latency;
mod priors;
mod prompt_cache;
mod replay;
mod tally;
mod tokens;

pub use builtin::{
    BUILTIN_POLICIES, DEFAULT_POLICIES, builtin, builtin_names, builtin_text, load_policy,
};
pub use file::{
    Actions, CHEAPER, CacheTtl, Cascade, LatencyNeed, MatchInput, Policy, PolicyRule, Target,
};
pub use latency::{LatencyBasis, LatencyFit, LatencyModels, MIN_CALLS_TO_FIT};
pub use priors::{LatencyPrior, ModelLatencyPrior, Priors};
pub use prompt_cache::{CacheCall, CacheHit, CacheRule, CacheRules, HitKind, PromptCache, Reuse};
pub use replay::{RESPONSE_CACHE_HIT_MS, ReplayInput, replay};
pub use tally::{ActionTotals, CacheTokens, PolicyOutcome};
pub use tokens::{TextTokens, TokenizerFamily, Tokenizers, count_text};
