//! Routing policies and their replay: what the logged calls would have cost, how fast they
//! would have been, and at what quality risk, had they been routed differently.

mod builtin;
mod latency;
mod priors;
mod tally;

pub use builtin::{BuiltinPolicy, replay};
pub use latency::{LatencyBasis, LatencyFit, LatencyModels, MIN_CALLS_TO_FIT};
pub use priors::{LatencyPrior, ModelLatencyPrior, Priors};
pub use tally::PolicyOutcome;
