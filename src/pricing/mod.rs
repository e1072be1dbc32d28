//! Pricing: the embedded price catalog, model-name resolution and the billing rules.

mod catalog;
mod litellm;
mod rules;

#[cfg(test)]
mod crosscheck;

pub use catalog::{
    CatalogError, LongContext, ModelPrice, PriceCatalog, Rates, normalize_model_name,
};
pub use litellm::{LiteLlmError, LiteLlmImport, import_litellm};
pub use rules::{BillingMode, call_cost, rates_for, usage_cost};
