//! Routing policies and their replay: what the logged calls would have cost, how fast they
//! would have been, and at what quality risk, had they been routed differently.

mod builtin;
mod priors;
mod tally;
mod tokens;

pub use builtin::{BuiltinPolicy, replay};
pub use priors::{LatencyPrior, Priors};
pub use tally::PolicyOutcome;
pub use tokens::{TextTokens, TokenizerFamily, Tokenizers, count_text};
