//! Pricing: the embedded price catalog, model-name resolution and the billing rules.

mod catalog;
mod check;
mod litellm;
mod rules;

#[cfg(test)]
mod crosscheck;

pub use crate::record::{Residency, ServiceTier};
pub use catalog::{
    Capabilities, CatalogError, CatalogFile, EMBEDDED_VERSION, LongContext, ModelFile, ModelPrice,
    OffPeak, Origin, PriceCatalog, Rates, Regional, Resolution, TierFile, TierPrice,
    name_residency, normalize_model_name,
};
pub use check::{Problem, check_catalog};
pub use litellm::{LiteLlmError, LiteLlmImport, import_litellm};
pub use rules::{
    BillingMode, batch_rates, call_cost, context_rates, long_context_applies, off_peak_rates,
    rates_for, regional_rates, service_tier_rates, tier_is_priced, token_cost, tool_fees,
    usage_cost,
};
