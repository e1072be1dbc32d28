//! The built-in policies: policy files shipped in the binary, usable by name
//! (`--policy cheaper-for-simple`) and listed by `llm-audit policies`.

use std::path::Path;

use anyhow::{Context, bail};

use crate::policy::Policy;
use crate::pricing::PriceCatalog;

/// Name and policy file of every built-in policy, in the order reports show them.
pub const BUILTIN_POLICIES: [(&str, &str); 8] = [
    (
        "baseline",
        include_str!("../../data/policies/baseline.toml"),
    ),
    (
        "cheaper-for-simple",
        include_str!("../../data/policies/cheaper-for-simple.toml"),
    ),
    (
        "cascade-verifiable",
        include_str!("../../data/policies/cascade-verifiable.toml"),
    ),
    (
        "prompt-cache",
        include_str!("../../data/policies/prompt-cache.toml"),
    ),
    (
        "response-cache",
        include_str!("../../data/policies/response-cache.toml"),
    ),
    ("batch", include_str!("../../data/policies/batch.toml")),
    (
        "risk-free",
        include_str!("../../data/policies/risk-free.toml"),
    ),
    (
        "balanced",
        include_str!("../../data/policies/balanced.toml"),
    ),
];

/// The policies `analyze` replays when none is named: each single idea on its own, then the
/// two plans a headline recommends, every risk-free action together and those with the model
/// changes added.
pub const DEFAULT_POLICIES: [&str; 8] = [
    "baseline",
    "cheaper-for-simple",
    "cascade-verifiable",
    "prompt-cache",
    "response-cache",
    "batch",
    "risk-free",
    "balanced",
];

/// A built-in policy's file, by name.
pub fn builtin_text(name: &str) -> Option<&'static str> {
    BUILTIN_POLICIES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// The built-in policies' names, for messages: `a, b, c`.
pub fn builtin_names() -> String {
    BUILTIN_POLICIES.map(|(name, _)| name).join(", ")
}

/// A built-in policy by name.
pub fn builtin(name: &str, catalog: &PriceCatalog) -> Option<anyhow::Result<Policy>> {
    let text = builtin_text(name)?;
    Some(
        Policy::from_toml(text, name, catalog).with_context(|| format!("built-in policy `{name}`")),
    )
}

/// A `--policy` argument: a built-in name, else a policy file's path.
pub fn load_policy(spec: &str, catalog: &PriceCatalog) -> anyhow::Result<Policy> {
    if let Some(policy) = builtin(spec, catalog) {
        return policy;
    }
    let path = Path::new(spec);
    if !path.exists() {
        bail!(
            "no built-in policy and no file named `{spec}` (built-in: {})",
            builtin_names()
        );
    }
    Policy::from_file(path, catalog)
}
