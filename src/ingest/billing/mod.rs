//! Billing exports: aggregates of usage and cost per period, read into [`UsageBucket`]s and kept
//! apart from per-call records.
//!
//! [`UsageBucket`]: crate::record::UsageBucket

pub(crate) mod anthropic;
pub(crate) mod aws_cur;
pub(crate) mod azure;
pub(crate) mod gcp;
pub(crate) mod openai_costs;
pub(crate) mod openai_usage;
pub(crate) mod openrouter;
