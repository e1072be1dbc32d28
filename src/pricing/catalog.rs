//! The price catalog: a TOML data file embedded in the binary, loaded once and queried by model
//! name and call time.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::limits;
use crate::money::{Money, Rate};
use crate::record::{Provider, Residency, ServiceTier};

/// The catalog shipped inside the binary: one file per model maker (`data/prices/README.md`
/// documents the schema).
const EMBEDDED_FILES: [(&str, &str); 11] = [
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
    (
        "mistral.toml",
        include_str!("../../data/prices/mistral.toml"),
    ),
    ("xai.toml", include_str!("../../data/prices/xai.toml")),
    ("meta.toml", include_str!("../../data/prices/meta.toml")),
    ("qwen.toml", include_str!("../../data/prices/qwen.toml")),
    ("amazon.toml", include_str!("../../data/prices/amazon.toml")),
    (
        "moonshot.toml",
        include_str!("../../data/prices/moonshot.toml"),
    ),
    ("zhipu.toml", include_str!("../../data/prices/zhipu.toml")),
];

/// The date the embedded catalog's prices were last checked as a whole.
pub const EMBEDDED_VERSION: &str = "2026-11-21";

/// Errors in a catalog file.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("price catalog is not valid TOML: {0}")]
    Parse(#[from] toml::de::Error),
    #[error("price catalog is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("model `{model}`: {problem}")]
    Invalid { model: String, problem: String },
}

impl CatalogError {
    fn invalid(model: &str, problem: impl Into<String>) -> CatalogError {
        CatalogError::Invalid {
            model: model.to_string(),
            problem: problem.into(),
        }
    }
}

/// Per-token rates of one price period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    pub input: Rate,
    pub output: Rate,
    pub cache_read: Rate,
    pub cache_write_5m: Rate,
    pub cache_write_1h: Rate,
    /// Output rate of a call that used reasoning: `output` except for the few models with a
    /// thinking-mode price.
    pub reasoning_output: Rate,
}

impl Rates {
    /// Every rate multiplied by `factor` (batch discounts, tier multipliers and regional uplifts
    /// apply to every token class).
    pub fn scaled(&self, factor: f64) -> Rates {
        Rates {
            input: self.input.scaled(factor),
            output: self.output.scaled(factor),
            cache_read: self.cache_read.scaled(factor),
            cache_write_5m: self.cache_write_5m.scaled(factor),
            cache_write_1h: self.cache_write_1h.scaled(factor),
            reasoning_output: self.reasoning_output.scaled(factor),
        }
    }
}

/// A long-context tier: above `threshold` prompt tokens the whole request moves to `rates`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LongContext {
    pub threshold: u64,
    pub rates: Rates,
}

/// How a service tier's price is stated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TierPrice {
    /// A multiple of the standard (or long-context) rates.
    Multiplier(f64),
    /// Explicit standard-context rates.
    Rates(Rates),
}

/// Regional uplifts of one model: a multiplier of every token rate, by where the request ran.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Regional {
    pub inference_geo_us: Option<f64>,
    pub bedrock_geo: Option<f64>,
    pub vertex_regional: Option<f64>,
    pub data_residency: Option<f64>,
}

impl Regional {
    /// The uplift for requests that ran at `residency`, if the model has one there.
    pub fn uplift(&self, residency: Residency) -> Option<f64> {
        match residency {
            Residency::InferenceGeoUs => self.inference_geo_us,
            Residency::BedrockGeo => self.bedrock_geo,
            Residency::VertexRegional => self.vertex_regional,
            Residency::DataResidency => self.data_residency,
        }
    }

    /// Each place by its catalog key, with the model's uplift there if it has one.
    pub fn entries(&self) -> [(&'static str, Option<f64>); 4] {
        [
            ("inference_geo_us", self.inference_geo_us),
            ("bedrock_geo", self.bedrock_geo),
            ("vertex_regional", self.vertex_regional),
            ("data_residency", self.data_residency),
        ]
    }
}

/// Discounted hours: UTC minute-of-day windows `[start, end)` (wrapping midnight when
/// `start > end`) where every rate is multiplied by `multiplier`.
#[derive(Debug, Clone, PartialEq)]
pub struct OffPeak {
    pub windows: Vec<(u16, u16)>,
    pub multiplier: f64,
}

impl OffPeak {
    /// Whether a call at `at_ms` falls in a discount window.
    pub fn covers(&self, at_ms: i64) -> bool {
        let minute = (at_ms.rem_euclid(86_400_000) / 60_000) as u16;
        self.windows.iter().any(|&(start, end)| {
            if start <= end {
                (start..end).contains(&minute)
            } else {
                minute >= start || minute < end
            }
        })
    }
}

/// What a model can do, for feasibility checks of a routing change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub tools: bool,
    pub vision: bool,
    pub json_schema: bool,
    pub reasoning: bool,
    pub web_search: bool,
}

impl Capabilities {
    const NAMES: [&'static str; 5] = ["tools", "vision", "json_schema", "reasoning", "web_search"];

    /// Whether the entry lists any capability (an entry with none states nothing about them).
    pub fn any(self) -> bool {
        self.tools || self.vision || self.json_schema || self.reasoning || self.web_search
    }

    fn parse(model: &str, names: &[String]) -> Result<Capabilities, CatalogError> {
        let mut caps = Capabilities::default();
        for name in names {
            let flag = match name.as_str() {
                "tools" => &mut caps.tools,
                "vision" => &mut caps.vision,
                "json_schema" => &mut caps.json_schema,
                "reasoning" => &mut caps.reasoning,
                "web_search" => &mut caps.web_search,
                other => {
                    return Err(CatalogError::invalid(
                        model,
                        format!(
                            "unknown capability `{other}` (known: {})",
                            Capabilities::NAMES.join(", ")
                        ),
                    ));
                }
            };
            *flag = true;
        }
        Ok(caps)
    }

    /// The names of the capabilities the model has.
    pub fn names(&self) -> Vec<&'static str> {
        let flags = [
            self.tools,
            self.vision,
            self.json_schema,
            self.reasoning,
            self.web_search,
        ];
        Capabilities::NAMES
            .iter()
            .zip(flags)
            .filter(|(_, on)| *on)
            .map(|(name, _)| *name)
            .collect()
    }
}

/// Where a catalog entry came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The catalog embedded in the binary.
    Embedded,
    /// A user file given with `--pricing` or `--pricing-litellm`.
    Override(String),
}

/// One model's prices for one effective period, with what policies need to know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelPrice {
    pub id: String,
    pub provider: Provider,
    /// Who serves and bills the model when that is not its maker's own API.
    pub host: Option<String>,
    pub aliases: Vec<String>,
    /// Capability tier: `flagship`, `mid` or `small`.
    pub tier: String,
    /// The cheaper same-provider model that simple calls can move to.
    pub downgrade_to: Option<String>,
    pub capabilities: Capabilities,
    pub rates: Rates,
    /// Whether the model serves prompt-cache reads at all.
    pub caches_prompts: bool,
    pub batch_discount: Option<f64>,
    /// Cache-read rate inside a batch when it is not the standard one times the discount.
    pub batch_cache_read: Option<Rate>,
    pub long_context: Option<LongContext>,
    /// Priced service tiers other than standard.
    pub service_tiers: Vec<(ServiceTier, TierPrice)>,
    pub regional: Regional,
    pub off_peak: Option<OffPeak>,
    /// Fee per server-side web-search request.
    pub web_search_fee: Option<Money>,
    pub context_window: Option<u64>,
    pub max_output: Option<u64>,
    /// Start of this price period, milliseconds since the epoch (UTC midnight).
    pub effective_from_ms: Option<i64>,
    pub source: String,
    pub checked: String,
    pub origin: Origin,
}

impl ModelPrice {
    /// The price of `tier` when the model bills it apart from standard.
    pub fn tier_price(&self, tier: ServiceTier) -> Option<TierPrice> {
        self.service_tiers
            .iter()
            .find(|(name, _)| *name == tier)
            .map(|(_, price)| *price)
    }

    /// The date this period starts, `YYYY-MM-DD`, if it is not the model's first.
    pub fn effective_from(&self) -> Option<String> {
        self.effective_from_ms
            .and_then(chrono::DateTime::from_timestamp_millis)
            .map(|at| at.format("%Y-%m-%d").to_string())
    }
}

/// The loaded catalog with its name index.
#[derive(Debug, Clone)]
pub struct PriceCatalog {
    pub version: String,
    entries: Vec<ModelPrice>,
    /// Normalized name (id or alias) → indices of the entries for it, oldest period first.
    by_name: HashMap<String, Vec<u32>>,
    /// Separator-insensitive name → the normalized ids it could mean.
    loose: HashMap<String, Vec<String>>,
    /// User deployment names (Azure) → the model they serve.
    deployments: HashMap<String, String>,
    /// Files whose entries override or extend the embedded ones.
    pub overrides: Vec<String>,
}

/// A catalog file: the embedded ones, or a user's `--pricing` file (TOML or JSON).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    pub version: Option<String>,
    #[serde(default)]
    pub model: Vec<ModelFile>,
    /// Deployment names (Azure) → the catalog model each one serves.
    #[serde(default)]
    pub deployments: BTreeMap<String, String>,
}

impl CatalogFile {
    /// Parses a catalog file in llm-audit's schema, as TOML or, when it starts with `{`, JSON.
    pub fn parse(text: &str) -> Result<CatalogFile, CatalogError> {
        if text.trim_start().starts_with('{') {
            Ok(serde_json::from_str(text)?)
        } else {
            Ok(toml::from_str(text)?)
        }
    }
}

/// Rates as a file states them, in USD per million tokens.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TierFile {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiplier: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_read: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_5m: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_1h: Option<f64>,
}

/// Discount windows as a file states them.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OffPeakFile {
    pub windows_utc: Vec<String>,
    pub multiplier: f64,
}

/// One `[[model]]` of a catalog file; `data/prices/README.md` documents each key.
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelFile {
    pub id: String,
    pub provider: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Required in the embedded catalog; an override inherits it from the entry it replaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downgrade_to: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Vec<String>,
    pub input: f64,
    pub output: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_read: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_5m: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_1h: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_discount: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_cache_read: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_search_per_1k: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_window: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_output: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<String>,
    /// Required in the embedded catalog; an override defaults to its file's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checked: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub long_context: Option<TierFile>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub service_tiers: BTreeMap<String, TierFile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regional: Option<Regional>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub off_peak: Option<OffPeakFile>,
}

/// Checks that a price is in range ([`limits::price`]).
fn check_price(model: &str, name: &str, price: Option<f64>) -> Result<(), CatalogError> {
    match price {
        Some(price) => limits::price(name, price).map_err(|err| {
            CatalogError::invalid(model, format!("{err}: a price is $0 to $1,000,000"))
        }),
        None => Ok(()),
    }
}

/// Checks that a multiplier is in range ([`limits::multiplier`]).
fn check_multiplier(model: &str, name: &str, factor: Option<f64>) -> Result<(), CatalogError> {
    match factor {
        Some(factor) => limits::multiplier(name, factor).map_err(|err| {
            CatalogError::invalid(model, format!("{err}: a multiplier is 0 to 1,000"))
        }),
        None => Ok(()),
    }
}

/// Standard rates from a file's five prices. Cache writes the provider does not bill apart cost
/// plain input; a model without cache reads has them priced as plain input too.
fn standard_rates(model: &str, file: &ModelFile) -> Result<Rates, CatalogError> {
    for (name, price) in [
        ("input", Some(file.input)),
        ("output", Some(file.output)),
        ("cache_read", file.cache_read),
        ("cache_write_5m", file.cache_write_5m),
        ("cache_write_1h", file.cache_write_1h),
        ("reasoning", file.reasoning),
    ] {
        check_price(model, name, price)?;
    }
    let input = Rate::per_million_usd(file.input);
    let output = Rate::per_million_usd(file.output);
    let or_input = |price: Option<f64>| price.map_or(input, Rate::per_million_usd);
    Ok(Rates {
        input,
        output,
        cache_read: or_input(file.cache_read),
        cache_write_5m: or_input(file.cache_write_5m),
        cache_write_1h: or_input(file.cache_write_1h),
        reasoning_output: file.reasoning.map_or(output, Rate::per_million_usd),
    })
}

/// Rates of a tier stated explicitly (long context, a service tier). Classes it leaves out
/// follow its input (cache classes) or output (reasoning) by the standard ratio.
fn explicit_rates(
    model: &str,
    what: &str,
    tier: &TierFile,
    standard: &Rates,
) -> Result<Rates, CatalogError> {
    let (Some(input), Some(output)) = (tier.input, tier.output) else {
        return Err(CatalogError::invalid(
            model,
            format!("{what} needs `input` and `output` (or a `multiplier`)"),
        ));
    };
    for (name, price) in [
        ("input", Some(input)),
        ("output", Some(output)),
        ("cache_read", tier.cache_read),
        ("cache_write_5m", tier.cache_write_5m),
        ("cache_write_1h", tier.cache_write_1h),
    ] {
        check_price(model, &format!("{what} {name}"), price)?;
    }
    let input = Rate::per_million_usd(input);
    let output = Rate::per_million_usd(output);
    let follow = |price: Option<f64>, base: Rate, from: Rate, to: Rate| match price {
        Some(price) => Rate::per_million_usd(price),
        None => scale_like(base, from, to),
    };
    Ok(Rates {
        input,
        output,
        cache_read: follow(tier.cache_read, standard.cache_read, standard.input, input),
        cache_write_5m: follow(
            tier.cache_write_5m,
            standard.cache_write_5m,
            standard.input,
            input,
        ),
        cache_write_1h: follow(
            tier.cache_write_1h,
            standard.cache_write_1h,
            standard.input,
            input,
        ),
        reasoning_output: scale_like(standard.reasoning_output, standard.output, output),
    })
}

/// `rate` scaled by the ratio `to / from` (a class that follows another's change).
pub(crate) fn scale_like(rate: Rate, from: Rate, to: Rate) -> Rate {
    if from == to || from.pico_per_token() == 0 {
        return if from == to { rate } else { to };
    }
    rate.scaled(to.pico_per_token() as f64 / from.pico_per_token() as f64)
}

fn date_to_ms(model: &str, date: &str) -> Result<i64, CatalogError> {
    let parsed = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|err| {
        CatalogError::invalid(
            model,
            format!("effective_from `{date}` is not a YYYY-MM-DD date: {err}"),
        )
    })?;
    Ok(parsed
        .and_hms_opt(0, 0, 0)
        .map(|dt| dt.and_utc().timestamp_millis())
        .unwrap_or_default())
}

/// Minutes since midnight of `HH:MM`.
fn minute_of_day(model: &str, text: &str) -> Result<u16, CatalogError> {
    let bad = || CatalogError::invalid(model, format!("off-peak time `{text}` is not HH:MM"));
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 24 || m > 59 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

fn parse_off_peak(model: &str, file: &OffPeakFile) -> Result<OffPeak, CatalogError> {
    check_multiplier(model, "off_peak multiplier", Some(file.multiplier))?;
    let windows = file
        .windows_utc
        .iter()
        .map(|window| {
            let (start, end) = window.split_once('-').ok_or_else(|| {
                CatalogError::invalid(
                    model,
                    format!("off-peak window `{window}` is not HH:MM-HH:MM"),
                )
            })?;
            Ok((minute_of_day(model, start)?, minute_of_day(model, end)?))
        })
        .collect::<Result<Vec<_>, CatalogError>>()?;
    if windows.is_empty() {
        return Err(CatalogError::invalid(model, "off_peak has no windows_utc"));
    }
    Ok(OffPeak {
        windows,
        multiplier: file.multiplier,
    })
}

impl ModelFile {
    /// Validates the entry and converts it. `origin` says whose file it is; entries of the
    /// embedded catalog must state tier, source and checked date.
    fn into_price(self, origin: &Origin) -> Result<ModelPrice, CatalogError> {
        let id = self.id.clone();
        if id.trim().is_empty() {
            return Err(CatalogError::invalid("(no id)", "a model needs an `id`"));
        }
        let rates = standard_rates(&id, &self)?;
        let long_context = match &self.long_context {
            Some(tier) => {
                let Some(threshold) = tier.threshold else {
                    return Err(CatalogError::invalid(
                        &id,
                        "long_context needs a `threshold`",
                    ));
                };
                let rates = match tier.multiplier {
                    Some(factor) => {
                        check_multiplier(&id, "long_context multiplier", Some(factor))?;
                        rates.scaled(factor)
                    }
                    None => explicit_rates(&id, "long_context", tier, &rates)?,
                };
                Some(LongContext { threshold, rates })
            }
            None => None,
        };
        let mut service_tiers = Vec::new();
        for (name, tier) in &self.service_tiers {
            let kind = ServiceTier::from_reported(name);
            if matches!(kind, ServiceTier::Standard | ServiceTier::Other) {
                return Err(CatalogError::invalid(
                    &id,
                    format!("service tier `{name}` is not one of flex, priority, fast, ultrafast"),
                ));
            }
            let price = match tier.multiplier {
                Some(factor) => {
                    check_multiplier(&id, &format!("{name} multiplier"), Some(factor))?;
                    TierPrice::Multiplier(factor)
                }
                None => TierPrice::Rates(explicit_rates(&id, name, tier, &rates)?),
            };
            service_tiers.push((kind, price));
        }
        if let Some(discount) = self.batch_discount
            && !(discount > 0.0 && discount <= 1.0)
        {
            return Err(CatalogError::invalid(
                &id,
                format!("batch_discount {discount} is not in (0, 1]"),
            ));
        }
        check_price(&id, "batch_cache_read", self.batch_cache_read)?;
        check_price(&id, "web_search_per_1k", self.web_search_per_1k)?;
        let regional = self.regional.unwrap_or_default();
        for (name, uplift) in regional.entries() {
            check_multiplier(&id, name, uplift)?;
        }
        let off_peak = match &self.off_peak {
            Some(file) => Some(parse_off_peak(&id, file)?),
            None => None,
        };
        let effective_from_ms = match &self.effective_from {
            Some(date) => Some(date_to_ms(&id, date)?),
            None => None,
        };
        let provider = Provider::from_name(&self.provider);
        if provider == Provider::Unknown {
            return Err(CatalogError::invalid(
                &id,
                format!("unknown provider `{}`", self.provider),
            ));
        }
        let embedded = *origin == Origin::Embedded;
        let required = |value: Option<String>, key: &str| match value {
            Some(value) => Ok(value),
            None if embedded => Err(CatalogError::invalid(&id, format!("`{key}` is missing"))),
            None => Ok(String::new()),
        };
        let tier = required(self.tier, "tier")?;
        if !tier.is_empty() && !matches!(tier.as_str(), "flagship" | "mid" | "small") {
            return Err(CatalogError::invalid(
                &id,
                format!("tier `{tier}` is not flagship, mid or small"),
            ));
        }
        let source = required(self.source, "source")?;
        let checked = required(self.checked, "checked")?;
        Ok(ModelPrice {
            provider,
            host: self.host,
            aliases: self.aliases,
            tier,
            downgrade_to: self.downgrade_to,
            capabilities: Capabilities::parse(&id, &self.capabilities)?,
            caches_prompts: self.cache_read.is_some(),
            rates,
            batch_discount: self.batch_discount,
            batch_cache_read: self.batch_cache_read.map(Rate::per_million_usd),
            long_context,
            service_tiers,
            regional,
            off_peak,
            web_search_fee: self.web_search_per_1k.map(Money::per_thousand_usd),
            context_window: self.context_window,
            max_output: self.max_output,
            effective_from_ms,
            source,
            checked,
            origin: origin.clone(),
            id,
        })
    }
}

/// Whether an inherited alias is a name the override file gives to another of its models.
fn claimed_elsewhere(claimed: &HashSet<String>, alias: &str, id: &str) -> bool {
    let alias = normalize_model_name(alias);
    alias != id && claimed.contains(&alias)
}

/// Routing prefixes gateways and SDKs put before a model name.
const ROUTING_PREFIXES: [&str; 21] = [
    "openai/",
    "anthropic/",
    "google/",
    "gemini/",
    "models/",
    "deepseek/",
    "vertex_ai/",
    "vertex_ai_beta/",
    "vertex/",
    "bedrock/",
    "bedrock_converse/",
    "converse/",
    "azure/",
    "azure_ai/",
    "openrouter/",
    "mistral/",
    "xai/",
    "groq/",
    "together_ai/",
    "fireworks_ai/",
    "dashscope/",
];

/// Bedrock geographic inference-profile prefixes; `global.` carries no uplift.
const GEO_PROFILES: [&str; 8] = [
    "us.", "eu.", "apac.", "au.", "jp.", "ca.", "us-gov.", "global.",
];

/// Lowercases a model name and strips what routers and clouds wrap it in: routing prefixes
/// (`openai/`, `models/`, …), a Vertex resource path, a Bedrock ARN. `OpenAI/GPT-4o` and
/// `gpt-4o` meet in the index.
pub fn normalize_model_name(name: &str) -> String {
    let lower = name.trim().to_ascii_lowercase();
    let mut rest = lower.as_str();
    if rest.starts_with("arn:") {
        rest = rest.rsplit('/').next().unwrap_or(rest);
    }
    if rest.contains('/')
        && let Some(at) = rest.find("/publishers/")
        && let Some(models) = rest[at..].find("/models/")
    {
        rest = &rest[at + models + "/models/".len()..];
    }
    while let Some(stripped) = ROUTING_PREFIXES
        .iter()
        .find_map(|prefix| rest.strip_prefix(prefix))
    {
        rest = stripped;
    }
    if let Some(stripped) = OPENROUTER_VARIANTS
        .iter()
        .find_map(|variant| rest.strip_suffix(variant))
    {
        rest = stripped;
    }
    rest.to_string()
}

/// OpenRouter's variant suffixes that bill the base model's price: routing variants
/// (`:nitro`, `:floor`, `:exacto`), web search (`:online`, its fee is in the logged cost),
/// Anthropic's old self-moderated `:beta`, and the thinking and extended-context entries of
/// models whose price does not change with them (openrouter.ai/docs/guides/routing/
/// model-variants). `:free` is not among them: it is another price.
const OPENROUTER_VARIANTS: [&str; 7] = [
    ":nitro",
    ":floor",
    ":exacto",
    ":online",
    ":beta",
    ":thinking",
    ":extended",
];

/// A Claude name with the version before the family, as OpenRouter writes Claude 4 and later
/// (`claude-4.5-sonnet`, `claude-4-opus`), in Anthropic's order (`claude-sonnet-4-5`). Claude 3
/// names keep the version first at Anthropic too (`claude-3-7-sonnet`).
fn claude_family_first(name: &str) -> Option<String> {
    let parts: Vec<&str> = name.strip_prefix("claude-")?.split(['-', '.']).collect();
    let digits = parts
        .iter()
        .take_while(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .count();
    let family = *parts.get(digits)?;
    let major: u32 = parts.first()?.parse().ok()?;
    if digits == 0 || major < 4 || !matches!(family, "opus" | "sonnet" | "haiku") {
        return None;
    }
    let mut reordered = vec![family];
    reordered.extend(&parts[..digits]);
    reordered.extend(&parts[digits + 1..]);
    Some(format!("claude-{}", reordered.join("-")))
}

/// Where a model name says its request ran: a Bedrock geographic profile (`us.anthropic.…`) or
/// a Vertex resource path in a region other than `global`.
pub fn name_residency(name: &str) -> Option<Residency> {
    if !name.contains(['/', '.']) {
        return None;
    }
    let lower = name.trim().to_ascii_lowercase();
    if let Some(location) = lower
        .split_once("/locations/")
        .and_then(|(_, rest)| rest.split('/').next())
    {
        return (location != "global").then_some(Residency::VertexRegional);
    }
    let base = lower.rsplit('/').next().unwrap_or(&lower);
    GEO_PROFILES
        .iter()
        .find(|prefix| base.starts_with(*prefix) && base[prefix.len()..].contains('.'))
        .and_then(|prefix| (*prefix != "global.").then_some(Residency::BedrockGeo))
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

/// Strips a Bedrock geographic profile (`us.`), then a maker prefix (`anthropic.`).
fn strip_bedrock_prefixes(name: &str) -> Option<&str> {
    let mut rest = name;
    if let Some(stripped) = GEO_PROFILES.iter().find_map(|p| rest.strip_prefix(p))
        && stripped.contains('.')
    {
        rest = stripped;
    }
    for maker in [
        "anthropic.",
        "meta.",
        "mistral.",
        "deepseek.",
        "openai.",
        "qwen.",
        "amazon.",
        "google.",
        "xai.",
    ] {
        if let Some(stripped) = rest.strip_prefix(maker) {
            return Some(stripped);
        }
    }
    (rest != name).then_some(rest)
}

/// Strips a Bedrock version suffix (`-v1:0`, `:0`, or `-v2` on a name that had a Bedrock
/// prefix), a Vertex version (`@20240620`, `@default`) or a Claude Code context marker (`[1m]`).
fn strip_version_suffix(name: &str, bedrock: bool) -> Option<&str> {
    if let Some((base, _)) = name.rsplit_once('@') {
        return Some(base);
    }
    // Claude Code's context-window marker: `claude-opus-4-6[1m]`.
    if let Some(base) = name
        .strip_suffix(']')
        .and_then(|rest| rest.rsplit_once('['))
    {
        return Some(base.0);
    }
    let mut rest = name;
    let mut versioned = bedrock;
    if let Some((base, minor)) = rest.rsplit_once(':')
        && minor.bytes().all(|b| b.is_ascii_digit())
    {
        rest = base;
        versioned = true;
    }
    // A bare `-v3` is part of many names (`deepseek-v3`): only a Bedrock id's is a version.
    if versioned
        && let Some((base, version)) = rest.rsplit_once("-v")
        && !version.is_empty()
        && version.bytes().all(|b| b.is_ascii_digit())
    {
        rest = base;
    }
    (rest != name).then_some(rest)
}

/// A name with every separator (`.`, `_`, space) spelled `-`.
fn loose_name(name: &str) -> String {
    name.chars()
        .map(|c| if matches!(c, '.' | '_' | ' ') { '-' } else { c })
        .collect()
}

/// What a model name resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// The catalog entry in force at the call's time.
    Priced(u32),
    /// The name could be any of these models: reported, not priced.
    Ambiguous(Vec<String>),
    Unknown,
}

impl PriceCatalog {
    /// The catalog embedded in the binary.
    pub fn embedded() -> Result<PriceCatalog, CatalogError> {
        let mut models = Vec::new();
        for (name, text) in EMBEDDED_FILES {
            let file: CatalogFile = toml::from_str(text).map_err(|err| {
                CatalogError::invalid(name, format!("embedded catalog file: {err}"))
            })?;
            models.extend(file.model);
        }
        PriceCatalog::build(
            EMBEDDED_VERSION.to_string(),
            models,
            &Origin::Embedded,
            BTreeMap::new(),
        )
    }

    /// Parses and validates a whole catalog in llm-audit's schema (TOML or JSON).
    pub fn from_toml(text: &str) -> Result<PriceCatalog, CatalogError> {
        PriceCatalog::from_file(CatalogFile::parse(text)?)
    }

    /// Validates a whole catalog already parsed.
    pub fn from_file(file: CatalogFile) -> Result<PriceCatalog, CatalogError> {
        let version = file.version.unwrap_or_default();
        PriceCatalog::build(version, file.model, &Origin::Embedded, file.deployments)
    }

    /// This catalog with a user file's entries laid over it. An entry whose id the catalog has
    /// replaces every period of that id (list several entries with `effective_from` to give a
    /// history) and inherits the replaced entries' aliases. An entry whose id is another
    /// model's alias takes that name over. Where an entry leaves out its tier or downgrade
    /// target, it inherits those of the model its id resolved to; a new model defaults to `mid`.
    pub fn with_overrides(
        &self,
        file: CatalogFile,
        file_name: &str,
    ) -> Result<PriceCatalog, CatalogError> {
        let origin = Origin::Override(file_name.to_string());
        let claimed: HashSet<String> = file
            .model
            .iter()
            .flat_map(|model| std::iter::once(&model.id).chain(&model.aliases))
            .map(|name| normalize_model_name(name))
            .collect();
        let mut replaced_aliases: HashMap<String, Vec<String>> = HashMap::new();
        let mut keep: Vec<ModelPrice> = Vec::new();
        for entry in &self.entries {
            let id = normalize_model_name(&entry.id);
            if claimed.contains(&id) {
                replaced_aliases
                    .entry(id)
                    .or_default()
                    .extend(entry.aliases.iter().cloned());
                continue;
            }
            let mut entry = entry.clone();
            entry
                .aliases
                .retain(|alias| !claimed.contains(&normalize_model_name(alias)));
            keep.push(entry);
        }
        let mut added = Vec::new();
        for mut model in file.model {
            let id = normalize_model_name(&model.id);
            if let Some(aliases) = replaced_aliases.get(&id) {
                for alias in aliases {
                    if !model.aliases.contains(alias) && !claimed_elsewhere(&claimed, alias, &id) {
                        model.aliases.push(alias.clone());
                    }
                }
            }
            let base = self.resolve(&model.id, None).map(|index| self.entry(index));
            if model.tier.is_none() {
                model.tier = Some(base.map_or_else(|| "mid".to_string(), |b| b.tier.clone()));
            }
            if model.downgrade_to.is_none() {
                model.downgrade_to = base.and_then(|b| b.downgrade_to.clone());
            }
            model.source.get_or_insert_with(|| file_name.to_string());
            added.push(model.into_price(&origin)?);
        }
        keep.append(&mut added);
        let mut deployments: BTreeMap<String, String> = self
            .deployments
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        deployments.extend(file.deployments);
        let version = match &file.version {
            Some(version) if version != file_name => {
                format!("{} + {file_name} {version}", self.version)
            }
            _ => format!("{} + {file_name}", self.version),
        };
        let mut catalog = PriceCatalog::index(version, keep, deployments)?;
        catalog.overrides = self.overrides.clone();
        catalog.overrides.push(file_name.to_string());
        Ok(catalog)
    }

    fn build(
        version: String,
        models: Vec<ModelFile>,
        origin: &Origin,
        deployments: BTreeMap<String, String>,
    ) -> Result<PriceCatalog, CatalogError> {
        let entries = models
            .into_iter()
            .map(|model| model.into_price(origin))
            .collect::<Result<Vec<_>, _>>()?;
        PriceCatalog::index(version, entries, deployments)
    }

    /// Indexes validated entries by every name and checks the catalog as a whole: no alias
    /// claimed twice or shadowing an id, no two periods of a model starting the same day, every
    /// downgrade target and deployment resolving.
    fn index(
        version: String,
        entries: Vec<ModelPrice>,
        deployments: BTreeMap<String, String>,
    ) -> Result<PriceCatalog, CatalogError> {
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
                    return Err(CatalogError::invalid(
                        &entry.id,
                        format!("alias `{alias}` is also a model id"),
                    ));
                }
                if let Some(other) = alias_of.insert(alias.clone(), id.clone())
                    && other != id
                {
                    return Err(CatalogError::invalid(
                        &entry.id,
                        format!("alias `{alias}` is also claimed by `{other}`"),
                    ));
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
                return Err(CatalogError::invalid(
                    name,
                    "two price periods start on the same date",
                ));
            }
            let providers: HashSet<Provider> = indices
                .iter()
                .map(|&i| entries[i as usize].provider)
                .collect();
            if providers.len() > 1 {
                return Err(CatalogError::invalid(
                    name,
                    "its price periods name different providers",
                ));
            }
        }
        let mut loose: HashMap<String, Vec<String>> = HashMap::new();
        for (alias, id) in alias_of {
            let periods = by_name[&id].clone();
            by_name.insert(alias, periods);
        }
        for name in by_name.keys() {
            let id = normalize_model_name(&entries[by_name[name][0] as usize].id);
            let ids = loose.entry(loose_name(name)).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        for ids in loose.values_mut() {
            ids.sort();
        }
        let catalog = PriceCatalog {
            version,
            entries,
            by_name,
            loose,
            deployments: deployments
                .into_iter()
                .map(|(name, model)| (normalize_model_name(&name), model))
                .collect(),
            overrides: Vec::new(),
        };
        for entry in &catalog.entries {
            if let Some(target) = &entry.downgrade_to
                && catalog
                    .lookup(&normalize_model_name(target), None)
                    .is_none()
            {
                return Err(CatalogError::invalid(
                    &entry.id,
                    format!("downgrade_to `{target}` is not in the catalog"),
                ));
            }
        }
        for (name, model) in &catalog.deployments {
            let mut seen = vec![name.as_str()];
            let mut next = catalog
                .deployments
                .get_key_value(&normalize_model_name(model));
            while let Some((via, target)) = next {
                if seen.contains(&via.as_str()) {
                    seen.push(via);
                    return Err(CatalogError::invalid(
                        name,
                        format!("deployments map in a cycle: {}", seen.join(" -> ")),
                    ));
                }
                seen.push(via);
                next = catalog
                    .deployments
                    .get_key_value(&normalize_model_name(target));
            }
            if !matches!(catalog.resolve_name(model, None), Resolution::Priced(_)) {
                return Err(CatalogError::invalid(
                    name,
                    format!("deployment maps to `{model}`, which the catalog does not know"),
                ));
            }
        }
        Ok(catalog)
    }

    /// A hash of every price and deployment name: equal for catalogs that price alike, so
    /// partial results made with one are only merged under the same prices.
    pub fn fingerprint(&self) -> u64 {
        let deployments: BTreeMap<&String, &String> = self.deployments.iter().collect();
        let text = format!("{:?}{deployments:?}", self.entries);
        xxhash_rust::xxh3::xxh3_64(text.as_bytes())
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> &[ModelPrice] {
        &self.entries
    }

    /// The entry at an index returned by [`PriceCatalog::resolve`].
    pub fn entry(&self, index: u32) -> &ModelPrice {
        &self.entries[index as usize]
    }

    /// Every period of the model a name resolves to, oldest first.
    pub fn history(&self, name: &str) -> Vec<u32> {
        match self.resolve_name(name, None) {
            Resolution::Priced(index) => self.periods(index).to_vec(),
            _ => Vec::new(),
        }
    }

    /// Every period of the model whose entry is at `index`, oldest first.
    pub fn periods(&self, index: u32) -> &[u32] {
        &self.by_name[&normalize_model_name(&self.entry(index).id)]
    }

    /// Resolves a model name as a log writes it to the catalog entry in force at `at_ms`
    /// (the newest period when the call time is unknown). `None` means unknown or ambiguous:
    /// never priced at $0.
    pub fn resolve(&self, name: &str, at_ms: Option<i64>) -> Option<u32> {
        match self.resolve_name(name, at_ms) {
            Resolution::Priced(index) => Some(index),
            _ => None,
        }
    }

    /// Resolves a model name, saying when it is ambiguous. Tries, in order: the name as
    /// normalized (or the model a user deployment maps it to); without Bedrock profile and
    /// maker prefixes; without a Bedrock or Vertex version suffix; without a snapshot date; and
    /// last with separators (`.`, `_`, space) read as `-`, where two models may match.
    pub fn resolve_name(&self, name: &str, at_ms: Option<i64>) -> Resolution {
        let mut normalized = normalize_model_name(name);
        // A deployment may name another; a chain longer than the map is a cycle, which
        // building the catalog refuses.
        let mut hops = 0;
        while let Some(model) = self.deployments.get(&normalized) {
            hops += 1;
            if hops > self.deployments.len() {
                return Resolution::Unknown;
            }
            normalized = normalize_model_name(model);
        }
        let mut candidate = normalized.as_str();
        if let Some(found) = self.lookup(candidate, at_ms) {
            return Resolution::Priced(found);
        }
        let bedrock = strip_bedrock_prefixes(candidate);
        let unversioned = strip_version_suffix(bedrock.unwrap_or(candidate), bedrock.is_some());
        for stripped in [bedrock, unversioned].into_iter().flatten() {
            candidate = stripped;
            if let Some(found) = self.lookup(candidate, at_ms) {
                return Resolution::Priced(found);
            }
        }
        if let Some(stripped) = strip_snapshot_date(candidate) {
            candidate = stripped;
            if let Some(found) = self.lookup(candidate, at_ms) {
                return Resolution::Priced(found);
            }
        }
        if let Some(name) = &claude_family_first(candidate)
            && let Some(found) = self.lookup(name, at_ms)
        {
            return Resolution::Priced(found);
        }
        for name in [normalized.as_str(), candidate] {
            match self.loose.get(&loose_name(name)).map(Vec::as_slice) {
                Some([id]) => {
                    if let Some(found) = self.lookup(id, at_ms) {
                        return Resolution::Priced(found);
                    }
                }
                Some(ids) if ids.len() > 1 => return Resolution::Ambiguous(ids.to_vec()),
                _ => {}
            }
        }
        Resolution::Unknown
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

    /// Models with the names clouds and gateways give them.
    const CLOUD: &str = r#"
version = "test"
[[model]]
id = "claude-sonnet-4-5"
provider = "anthropic"
aliases = ["claude-sonnet-4-5-20250929"]
tier = "mid"
input = 3.0
output = 15.0
source = "test"
checked = "2026-01-01"
[[model]]
id = "gpt-4.1"
provider = "openai"
tier = "flagship"
input = 2.0
output = 8.0
source = "test"
checked = "2026-01-01"
[[model]]
id = "gpt-41"
provider = "openai"
tier = "flagship"
input = 9.0
output = 9.0
source = "test"
checked = "2026-01-01"
[[model]]
id = "gpt-4-1"
provider = "openai"
tier = "flagship"
input = 9.0
output = 9.0
source = "test"
checked = "2026-01-01"
[[model]]
id = "gemini-2.0-flash"
provider = "google"
tier = "small"
input = 0.1
output = 0.4
source = "test"
checked = "2026-01-01"
[deployments]
"Prod-EastUS-Sonnet" = "claude-sonnet-4-5"
"#;

    fn id_of(catalog: &PriceCatalog, name: &str) -> Option<String> {
        match catalog.resolve_name(name, None) {
            Resolution::Priced(index) => Some(catalog.entry(index).id.clone()),
            _ => None,
        }
    }

    #[test]
    fn resolves_bedrock_vertex_and_gateway_names() {
        let catalog = PriceCatalog::from_toml(CLOUD).unwrap();
        let sonnet = Some("claude-sonnet-4-5".to_string());
        for name in [
            "anthropic.claude-sonnet-4-5-20250929-v1:0",
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "bedrock/converse/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "claude-sonnet-4-5@20250929",
            "vertex_ai/claude-sonnet-4-5@default",
            "projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929",
            "Claude-Sonnet-4.5",
            "claude_sonnet_4_5",
            "claude-sonnet-4-5[1m]",
            "prod-eastus-sonnet",
        ] {
            assert_eq!(id_of(&catalog, name), sonnet, "{name}");
        }
        assert_eq!(
            id_of(&catalog, "gemini-2-0-flash").as_deref(),
            Some("gemini-2.0-flash")
        );
        assert_eq!(
            id_of(&catalog, "models/gemini-2.0-flash").as_deref(),
            Some("gemini-2.0-flash")
        );
    }

    #[test]
    fn ambiguous_and_unknown_names_are_not_priced() {
        let catalog = PriceCatalog::from_toml(CLOUD).unwrap();
        // `gpt_4_1` could be gpt-4.1 or gpt-4-1 (separators read as `-`): reported, not guessed.
        // `gpt-41` is an exact id of its own.
        assert_eq!(id_of(&catalog, "gpt-41").as_deref(), Some("gpt-41"));
        assert_eq!(id_of(&catalog, "gpt-4.1").as_deref(), Some("gpt-4.1"));
        match catalog.resolve_name("gpt_4_1", None) {
            Resolution::Ambiguous(ids) => assert_eq!(ids, ["gpt-4-1", "gpt-4.1"]),
            other => panic!("expected ambiguous, got {other:?}"),
        }
        assert_eq!(catalog.resolve("gpt_4_1", None), None);
        assert_eq!(catalog.resolve_name("llama-9", None), Resolution::Unknown);
        // `-v2` is a version only on a Bedrock id: `gemini-2.0-flash-v2` is another model.
        assert_eq!(
            catalog.resolve_name("gemini-2.0-flash-v2", None),
            Resolution::Unknown
        );
    }

    #[test]
    fn openrouter_names_resolve_to_the_models_they_route_to() {
        let catalog = PriceCatalog::embedded().unwrap();
        let id = |name: &str| match catalog.resolve_name(name, None) {
            Resolution::Priced(index) => catalog.entry(index).id.clone(),
            other => panic!("{name}: {other:?}"),
        };
        // OpenRouter's canonical slugs put the version before the family for Claude 4+, with
        // its own snapshot dates; its ids use dots; variants that bill the base price.
        assert_eq!(
            id("anthropic/claude-4.5-sonnet-20250929"),
            "claude-sonnet-4-5"
        );
        assert_eq!(id("anthropic/claude-sonnet-4.5"), "claude-sonnet-4-5");
        assert_eq!(id("anthropic/claude-4-sonnet-20250522"), "claude-sonnet-4");
        assert_eq!(
            id("anthropic/claude-4.5-haiku-20251001"),
            "claude-haiku-4-5"
        );
        assert_eq!(
            id("anthropic/claude-3.7-sonnet:thinking"),
            "claude-3-7-sonnet"
        );
        assert_eq!(id("anthropic/claude-3.5-sonnet:beta"), "claude-3-5-sonnet");
        assert_eq!(id("openai/gpt-4o:nitro"), "gpt-4o");
        // `:free` is another price: not the base model's.
        assert_eq!(
            catalog.resolve_name("meta-llama/llama-3.3-70b-instruct:free", None),
            Resolution::Unknown
        );
        assert_eq!(claude_family_first("claude-3-7-sonnet"), None);
        assert_eq!(claude_family_first("claude-sonnet-4-5"), None);
        assert_eq!(
            claude_family_first("claude-4-1-opus-20250805").as_deref(),
            Some("claude-opus-4-1-20250805")
        );
    }

    #[test]
    fn names_say_where_a_request_ran() {
        assert_eq!(
            name_residency("us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            Some(Residency::BedrockGeo)
        );
        assert_eq!(
            name_residency("global.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            None
        );
        assert_eq!(
            name_residency("projects/p/locations/europe-west1/publishers/google/models/x"),
            Some(Residency::VertexRegional)
        );
        assert_eq!(
            name_residency("projects/p/locations/global/publishers/google/models/x"),
            None
        );
        assert_eq!(name_residency("claude-sonnet-4-5"), None);
        assert_eq!(name_residency("us.gpt-4o"), None);
    }

    #[test]
    fn an_override_replaces_a_model_and_keeps_its_names() {
        let catalog = PriceCatalog::from_toml(SMALL).unwrap();
        let file = CatalogFile::parse(
            r#"{"model": [{"id": "alpha", "provider": "openai", "input": 1.0, "output": 2.0}],
                "deployments": {"my-alpha": "alpha"}}"#,
        )
        .unwrap();
        let merged = catalog.with_overrides(file, "team.json").unwrap();
        // Both embedded periods of `alpha` are replaced by the one override period.
        let index = merged.resolve("alpha-2024-01-01", Some(0)).unwrap();
        let entry = merged.entry(index);
        assert_eq!(entry.rates.input, Rate::per_million_usd(1.0));
        assert_eq!(entry.origin, Origin::Override("team.json".into()));
        assert_eq!(entry.tier, "flagship", "tier is inherited");
        assert_eq!(entry.downgrade_to.as_deref(), Some("alpha-mini"));
        assert_eq!(merged.resolve("my-alpha", None), Some(index));
        assert_eq!(merged.history("alpha").len(), 1);
        let mini = merged.entry(merged.resolve("alpha-mini", None).unwrap());
        assert_eq!(mini.origin, Origin::Embedded);
        assert_eq!(merged.overrides, ["team.json"]);
    }

    #[test]
    fn an_override_named_like_an_alias_takes_that_name_over() {
        // LiteLLM tables list dated snapshots as models of their own; ours lists them as
        // aliases. The override's entry wins the name; the undated model keeps its prices.
        let catalog = PriceCatalog::from_toml(SMALL).unwrap();
        let file = CatalogFile::parse(
            r#"{"model": [{"id": "alpha-2024-01-01", "provider": "openai", "input": 7.0, "output": 7.0}]}"#,
        )
        .unwrap();
        let merged = catalog.with_overrides(file, "litellm.json").unwrap();
        let snapshot = merged.entry(merged.resolve("alpha-2024-01-01", None).unwrap());
        assert_eq!(snapshot.rates.input, Rate::per_million_usd(7.0));
        assert_eq!(
            snapshot.tier, "flagship",
            "tier of the model the name resolved to"
        );
        let alpha = merged.entry(merged.resolve("alpha", None).unwrap());
        assert_eq!(alpha.rates.input, Rate::per_million_usd(2.5));
        assert!(alpha.aliases.is_empty());
    }

    #[test]
    fn rejects_what_pricing_check_must_catch() {
        let bad = [
            (
                SMALL.replace("input = 0.15", "input = -0.15"),
                "negative price",
            ),
            (
                SMALL.replace("downgrade_to = \"alpha-mini\"", "downgrade_to = \"nope\""),
                "dangling downgrade",
            ),
            (
                SMALL.replace(
                    "effective_from = \"2024-10-01\"",
                    "effective_from = \"2024-13-01\"",
                ),
                "bad date",
            ),
            (SMALL.replace("source = \"test\"\n", ""), "missing source"),
            (
                SMALL.replace("provider = \"openai\"", "provider = \"acme\""),
                "unknown provider",
            ),
            (
                SMALL.replace(
                    "aliases = [\"alpha-2024-01-01\"]",
                    "aliases = [\"alpha-mini\"]",
                ),
                "alias shadowing an id",
            ),
            (
                format!("{SMALL}\n[model.service_tiers.turbo]\nmultiplier = 2.0\n"),
                "unknown tier",
            ),
            (
                format!(
                    "{SMALL}\n[model.off_peak]\nwindows_utc = [\"25:00-01:00\"]\nmultiplier = 0.5\n"
                ),
                "bad off-peak window",
            ),
            (
                format!("{SMALL}\n[deployments]\nx = \"nope\"\n"),
                "dangling deployment",
            ),
            (
                format!("{SMALL}\n[deployments]\nx = \"x\"\n"),
                "deployment naming itself",
            ),
            (
                format!("{SMALL}\n[deployments]\nx = \"y\"\ny = \"X\"\n"),
                "deployments in a cycle",
            ),
        ];
        for (text, what) in bad {
            assert!(
                PriceCatalog::from_toml(&text).is_err(),
                "{what} was accepted"
            );
        }
    }

    #[test]
    fn rejects_negative_prices_and_dangling_downgrades() {
        let negative = SMALL.replace("input = 0.15", "input = -0.15");
        assert!(PriceCatalog::from_toml(&negative).is_err());
        let dangling = SMALL.replace("downgrade_to = \"alpha-mini\"", "downgrade_to = \"nope\"");
        assert!(PriceCatalog::from_toml(&dangling).is_err());
    }
}
