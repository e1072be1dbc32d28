//! The price catalog: a TOML data file embedded in the binary, loaded once and queried by model
//! name and call time.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::money::Rate;
use crate::record::Provider;

/// The catalog shipped inside the binary: one file per model maker (`data/prices/README.md`
/// documents the schema).
const EMBEDDED_FILES: [(&str, &str); 4] = [
    ("openai.toml", include_str!("../../data/prices/openai.toml")),
    (
        "anthropic.toml",
        include_str!("../../data/prices/anthropic.toml"),
    ),
    ("google.toml", include_str!("../../data/prices/google.toml")),
    (
        "deepseek.toml",
        include_str!("../../data/prices/deepseek.toml"),
    ),
];

/// The date the embedded catalog's prices were last checked as a whole.
pub const EMBEDDED_VERSION: &str = "2026-11-21";

/// Errors in a catalog file.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("price catalog is not valid TOML: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("model `{model}`: {problem}")]
    Invalid { model: String, problem: String },
}

/// Per-token rates of one price period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    pub input: Rate,
    pub output: Rate,
    pub cache_read: Rate,
    pub cache_write_5m: Rate,
    pub cache_write_1h: Rate,
}

impl Rates {
    /// Every rate multiplied by `factor` (batch discounts apply to all token classes).
    pub fn scaled(&self, factor: f64) -> Rates {
        Rates {
            input: self.input.scaled(factor),
            output: self.output.scaled(factor),
            cache_read: self.cache_read.scaled(factor),
            cache_write_5m: self.cache_write_5m.scaled(factor),
            cache_write_1h: self.cache_write_1h.scaled(factor),
        }
    }
}

/// A long-context tier: above `threshold` prompt tokens the whole request moves to `rates`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LongContext {
    pub threshold: u64,
    pub rates: Rates,
}

/// One model's prices for one effective period, with what policies need to know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelPrice {
    pub id: String,
    pub provider: Provider,
    pub aliases: Vec<String>,
    /// Capability tier: `flagship`, `mid` or `small`.
    pub tier: String,
    /// The cheaper same-provider model that simple calls can move to.
    pub downgrade_to: Option<String>,
    pub rates: Rates,
    /// Whether the model serves prompt-cache reads at all.
    pub caches_prompts: bool,
    pub batch_discount: Option<f64>,
    pub long_context: Option<LongContext>,
    pub context_window: Option<u64>,
    pub max_output: Option<u64>,
    /// Start of this price period, milliseconds since the epoch (UTC midnight).
    pub effective_from_ms: Option<i64>,
    pub source: String,
    pub checked: String,
}

/// The loaded catalog with its name index.
#[derive(Debug, Clone)]
pub struct PriceCatalog {
    pub version: String,
    entries: Vec<ModelPrice>,
    /// Normalized name (id or alias) → indices of the entries for it, oldest period first.
    by_name: HashMap<String, Vec<u32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    version: Option<String>,
    #[serde(default)]
    model: Vec<ModelFile>,
}

/// The five prices of a period as the file states them, in USD per million tokens.
struct RatesFile {
    input: f64,
    output: f64,
    cache_read: Option<f64>,
    cache_write_5m: Option<f64>,
    cache_write_1h: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LongContextFile {
    threshold: u64,
    input: f64,
    output: f64,
    cache_read: Option<f64>,
    cache_write_5m: Option<f64>,
    cache_write_1h: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    id: String,
    provider: String,
    #[serde(default)]
    aliases: Vec<String>,
    tier: String,
    downgrade_to: Option<String>,
    input: f64,
    output: f64,
    cache_read: Option<f64>,
    cache_write_5m: Option<f64>,
    cache_write_1h: Option<f64>,
    batch_discount: Option<f64>,
    context_window: Option<u64>,
    max_output: Option<u64>,
    effective_from: Option<String>,
    source: String,
    checked: String,
    long_context: Option<LongContextFile>,
}

impl RatesFile {
    /// Converts to per-token rates. Cache writes the provider does not bill separately cost plain
    /// input; a model without cache reads has them priced as plain input too.
    fn to_rates(&self, model: &str) -> Result<Rates, CatalogError> {
        let prices = [
            ("input", Some(self.input)),
            ("output", Some(self.output)),
            ("cache_read", self.cache_read),
            ("cache_write_5m", self.cache_write_5m),
            ("cache_write_1h", self.cache_write_1h),
        ];
        for (name, price) in prices {
            if let Some(price) = price
                && !(price.is_finite() && price >= 0.0)
            {
                return Err(CatalogError::Invalid {
                    model: model.to_string(),
                    problem: format!("{name} price {price} is not a non-negative number"),
                });
            }
        }
        let input = Rate::per_million_usd(self.input);
        let rate_or_input = |price: Option<f64>| price.map_or(input, Rate::per_million_usd);
        Ok(Rates {
            input,
            output: Rate::per_million_usd(self.output),
            cache_read: rate_or_input(self.cache_read),
            cache_write_5m: rate_or_input(self.cache_write_5m),
            cache_write_1h: rate_or_input(self.cache_write_1h),
        })
    }
}

fn date_to_ms(model: &str, date: &str) -> Result<i64, CatalogError> {
    let parsed =
        NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|err| CatalogError::Invalid {
            model: model.to_string(),
            problem: format!("effective_from `{date}` is not a YYYY-MM-DD date: {err}"),
        })?;
    Ok(parsed
        .and_hms_opt(0, 0, 0)
        .map(|dt| dt.and_utc().timestamp_millis())
        .unwrap_or_default())
}

impl ModelFile {
    fn into_price(self) -> Result<ModelPrice, CatalogError> {
        let base = RatesFile {
            input: self.input,
            output: self.output,
            cache_read: self.cache_read,
            cache_write_5m: self.cache_write_5m,
            cache_write_1h: self.cache_write_1h,
        };
        let rates = base.to_rates(&self.id)?;
        let long_context = match &self.long_context {
            Some(lc) => {
                let tier = RatesFile {
                    input: lc.input,
                    output: lc.output,
                    cache_read: lc.cache_read,
                    cache_write_5m: lc.cache_write_5m,
                    cache_write_1h: lc.cache_write_1h,
                };
                Some(LongContext {
                    threshold: lc.threshold,
                    rates: tier.to_rates(&self.id)?,
                })
            }
            None => None,
        };
        if let Some(discount) = self.batch_discount
            && !(discount > 0.0 && discount <= 1.0)
        {
            return Err(CatalogError::Invalid {
                model: self.id,
                problem: format!("batch_discount {discount} is not in (0, 1]"),
            });
        }
        let effective_from_ms = match &self.effective_from {
            Some(date) => Some(date_to_ms(&self.id, date)?),
            None => None,
        };
        Ok(ModelPrice {
            provider: Provider::from_name(&self.provider),
            aliases: self.aliases,
            tier: self.tier,
            downgrade_to: self.downgrade_to,
            caches_prompts: self.cache_read.is_some(),
            rates,
            batch_discount: self.batch_discount,
            long_context,
            context_window: self.context_window,
            max_output: self.max_output,
            effective_from_ms,
            source: self.source,
            checked: self.checked,
            id: self.id,
        })
    }
}

/// Lowercases a model name and strips the routing prefixes loggers and gateways add
/// (`openai/`, `models/`, …), so `OpenAI/GPT-4o` and `gpt-4o` meet in the index.
pub fn normalize_model_name(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    let mut rest = lower.as_str();
    for prefix in [
        "openai/",
        "anthropic/",
        "google/",
        "gemini/",
        "models/",
        "deepseek/",
    ] {
        if let Some(stripped) = rest.strip_prefix(prefix) {
            rest = stripped;
        }
    }
    rest.to_string()
}

/// Strips a trailing snapshot date (`-2024-08-06` or `-20250514`), if there is one.
fn strip_snapshot_date(name: &str) -> Option<&str> {
    let bytes = name.as_bytes();
    let is_digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    let n = bytes.len();
    // `-YYYY-MM-DD`: dashes 11, 6 and 3 bytes from the end.
    if n > 11 && bytes[n - 11] == b'-' && bytes[n - 6] == b'-' && bytes[n - 3] == b'-' {
        let (y, m, d) = (&bytes[n - 10..n - 6], &bytes[n - 5..n - 3], &bytes[n - 2..]);
        if is_digits(y) && is_digits(m) && is_digits(d) {
            return Some(&name[..n - 11]);
        }
    }
    if n > 9 && bytes[n - 9] == b'-' && is_digits(&bytes[n - 8..]) {
        return Some(&name[..n - 9]);
    }
    None
}

impl PriceCatalog {
    /// The catalog embedded in the binary.
    pub fn embedded() -> Result<PriceCatalog, CatalogError> {
        let mut models = Vec::new();
        for (_, text) in EMBEDDED_FILES {
            let file: CatalogFile = toml::from_str(text)?;
            models.extend(file.model);
        }
        PriceCatalog::build(EMBEDDED_VERSION.to_string(), models)
    }

    /// Parses and validates a catalog in llm-audit's TOML schema.
    pub fn from_toml(text: &str) -> Result<PriceCatalog, CatalogError> {
        let file: CatalogFile = toml::from_str(text)?;
        let version = file.version.unwrap_or_default();
        PriceCatalog::build(version, file.model)
    }

    fn build(version: String, models: Vec<ModelFile>) -> Result<PriceCatalog, CatalogError> {
        let entries = models
            .into_iter()
            .map(ModelFile::into_price)
            .collect::<Result<Vec<_>, _>>()?;
        // Every period of a model shares its id; an alias may be written on any one of them and
        // names the model, whose period is then chosen by the call's date.
        let mut by_name: HashMap<String, Vec<u32>> = HashMap::new();
        for (index, entry) in entries.iter().enumerate() {
            by_name
                .entry(normalize_model_name(&entry.id))
                .or_default()
                .push(index as u32);
        }
        let mut alias_of: HashMap<String, String> = HashMap::new();
        for entry in &entries {
            let id = normalize_model_name(&entry.id);
            for alias in entry.aliases.iter().map(|a| normalize_model_name(a)) {
                if alias == id {
                    continue;
                }
                if by_name.contains_key(&alias) {
                    return Err(CatalogError::Invalid {
                        model: entry.id.clone(),
                        problem: format!("alias `{alias}` is also a model id"),
                    });
                }
                if let Some(other) = alias_of.insert(alias.clone(), id.clone())
                    && other != id
                {
                    return Err(CatalogError::Invalid {
                        model: entry.id.clone(),
                        problem: format!("alias `{alias}` is also claimed by `{other}`"),
                    });
                }
            }
        }
        for (name, indices) in &mut by_name {
            indices.sort_by_key(|&i| entries[i as usize].effective_from_ms.unwrap_or(i64::MIN));
            let starts: Vec<_> = indices
                .iter()
                .map(|&i| entries[i as usize].effective_from_ms)
                .collect();
            if starts.windows(2).any(|pair| pair[0] == pair[1]) {
                return Err(CatalogError::Invalid {
                    model: name.clone(),
                    problem: "two price periods start on the same date".to_string(),
                });
            }
        }
        for (alias, id) in alias_of {
            let periods = by_name[&id].clone();
            by_name.insert(alias, periods);
        }
        let catalog = PriceCatalog {
            version,
            entries,
            by_name,
        };
        for entry in &catalog.entries {
            if let Some(target) = &entry.downgrade_to
                && catalog.lookup(target, None).is_none()
            {
                return Err(CatalogError::Invalid {
                    model: entry.id.clone(),
                    problem: format!("downgrade_to `{target}` is not in the catalog"),
                });
            }
        }
        Ok(catalog)
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> &[ModelPrice] {
        &self.entries
    }

    /// The entry at an index returned by [`PriceCatalog::resolve`].
    pub fn entry(&self, index: u32) -> &ModelPrice {
        &self.entries[index as usize]
    }

    /// Resolves a model name as a log writes it to the catalog entry in force at `at_ms`
    /// (the newest period when the call time is unknown). Dated snapshots that the catalog does
    /// not list fall back to their undated model. `None` means unknown: never priced at $0.
    pub fn resolve(&self, name: &str, at_ms: Option<i64>) -> Option<u32> {
        let normalized = normalize_model_name(name);
        self.lookup(&normalized, at_ms)
            .or_else(|| strip_snapshot_date(&normalized).and_then(|base| self.lookup(base, at_ms)))
    }

    fn lookup(&self, normalized: &str, at_ms: Option<i64>) -> Option<u32> {
        let periods = self.by_name.get(normalized)?;
        let in_force = match at_ms {
            Some(at) => periods
                .iter()
                .rev()
                .find(|&&i| {
                    self.entries[i as usize]
                        .effective_from_ms
                        .is_none_or(|from| from <= at)
                })
                .or_else(|| periods.first()),
            None => periods.last(),
        };
        in_force.copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"
version = "test"
[[model]]
id = "alpha"
provider = "openai"
aliases = ["alpha-2024-01-01"]
tier = "flagship"
downgrade_to = "alpha-mini"
input = 5.0
output = 15.0
source = "test"
checked = "2026-01-01"
[[model]]
id = "alpha"
provider = "openai"
tier = "flagship"
downgrade_to = "alpha-mini"
input = 2.5
output = 10.0
cache_read = 1.25
effective_from = "2024-10-01"
source = "test"
checked = "2026-01-01"
[[model]]
id = "alpha-mini"
provider = "openai"
tier = "small"
input = 0.15
output = 0.6
source = "test"
checked = "2026-01-01"
"#;

    #[test]
    fn embedded_catalog_loads() {
        let catalog = PriceCatalog::embedded().expect("embedded catalog is valid");
        assert!(catalog.entries().len() >= 20);
    }

    #[test]
    fn resolves_aliases_prefixes_and_snapshots() {
        let catalog = PriceCatalog::from_toml(SMALL).unwrap();
        let newest = catalog.resolve("alpha", None).unwrap();
        assert_eq!(
            catalog.entry(newest).rates.input,
            Rate::per_million_usd(2.5)
        );
        assert_eq!(catalog.resolve("OpenAI/Alpha", None), Some(newest));
        assert_eq!(catalog.resolve("alpha-2099-12-31", None), Some(newest));
        assert_eq!(catalog.resolve("alpha-20991231", None), Some(newest));
        assert_eq!(catalog.resolve("beta", None), None);
    }

    #[test]
    fn picks_the_price_in_force_at_call_time() {
        let catalog = PriceCatalog::from_toml(SMALL).unwrap();
        let before = date_to_ms("t", "2024-09-30").unwrap();
        let after = date_to_ms("t", "2024-10-01").unwrap();
        let old = catalog.entry(catalog.resolve("alpha", Some(before)).unwrap());
        let new = catalog.entry(catalog.resolve("alpha", Some(after)).unwrap());
        assert_eq!(old.rates.input, Rate::per_million_usd(5.0));
        assert_eq!(new.rates.input, Rate::per_million_usd(2.5));
    }

    #[test]
    fn missing_cache_prices_fall_back_to_input() {
        let catalog = PriceCatalog::from_toml(SMALL).unwrap();
        let mini = catalog.entry(catalog.resolve("alpha-mini", None).unwrap());
        assert_eq!(mini.rates.cache_read, mini.rates.input);
        assert_eq!(mini.rates.cache_write_1h, mini.rates.input);
        assert!(!mini.caches_prompts);
    }

    #[test]
    fn rejects_negative_prices_and_dangling_downgrades() {
        let negative = SMALL.replace("input = 0.15", "input = -0.15");
        assert!(PriceCatalog::from_toml(&negative).is_err());
        let dangling = SMALL.replace("downgrade_to = \"alpha-mini\"", "downgrade_to = \"nope\"");
        assert!(PriceCatalog::from_toml(&dangling).is_err());
    }
}
