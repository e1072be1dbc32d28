//! Import of LiteLLM's `model_prices_and_context_window.json` into llm-audit's catalog schema.
//!
//! LiteLLM's table maps a model name to an entry of per-token USD prices (`input_cost_per_token`,
//! `cache_read_input_token_cost`, `*_above_200k_tokens`, `*_batches`, `*_flex`, …; key meanings
//! in LiteLLM's docs, "Custom pricing" / model cost map). Each usable entry becomes one
//! `[[model]]` of `data/prices/README.md`'s schema, built as a document and loaded through the
//! ordinary catalog loader, so an imported table obeys exactly the rules our own files do.
//! Entries that cannot be represented are skipped with a reason, never guessed at.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_json::{Map, Value, json};

use crate::pricing::{CatalogError, PriceCatalog, normalize_model_name};

/// The result of an import: the catalog and an account of every entry left out.
#[derive(Debug, Clone)]
pub struct LiteLlmImport {
    /// The imported entries, loaded as a catalog.
    pub catalog: PriceCatalog,
    /// How many entries made it into `catalog`.
    pub imported: usize,
    /// Entries left out: LiteLLM name and the reason.
    pub skipped: Vec<(String, String)>,
    /// Entries imported without part of their pricing (a batch price whose input and output
    /// disagree, a second long-context tier, …): LiteLLM name and what was left out.
    pub notes: Vec<(String, String)>,
}

/// Why a LiteLLM table could not be imported at all (single entries are skipped instead).
#[derive(Debug, thiserror::Error)]
pub enum LiteLlmError {
    /// The text is not JSON, or not an object of model name → entry.
    #[error("LiteLLM price table is not a JSON object of model name to entry: {0}")]
    Json(#[from] serde_json::Error),
    /// The converted document could not be written out for the catalog loader.
    #[error("could not write the converted LiteLLM table as a catalog: {0}")]
    Serialize(serde_json::Error),
    /// The catalog loader refused the converted document for a reason no single entry explains.
    #[error("the converted LiteLLM table is not a valid catalog: {0}")]
    Catalog(#[from] CatalogError),
}

/// The highest per-million price accepted: $1 per token. Anything above is a unit mistake.
const MAX_PER_MILLION: f64 = 1_000_000.0;

/// `mode`s that are priced per text token like a chat call.
const TEXT_MODES: [&str; 3] = ["chat", "responses", "completion"];

/// Imports a LiteLLM `model_prices_and_context_window.json` text. `source_name` names the copy
/// (`litellm-1.109.1`); every entry's `source` becomes `litellm:<source_name>`.
///
/// Entries are read in file order. Those that are not text-generation models, whose maker or
/// host our schema has no name for, or whose prices are not non-negative numbers are skipped
/// with a reason. Two entries whose names meet after name normalization (`azure_ai/gpt-5.4`
/// and `gpt-5.4`) cannot both be loaded: the maker's own entry is kept over a host's (a name
/// a log writes bare is the maker's API), otherwise the first in the file, and the other is
/// skipped with a reason.
pub fn import_litellm(text: &str, source_name: &str) -> Result<LiteLlmImport, LiteLlmError> {
    let OrderedEntries(entries) = serde_json::from_str(text)?;
    let source = format!("litellm:{source_name}");
    let mut skipped = Vec::new();
    // Kept entries, `None` once displaced by the maker's own entry.
    let mut kept: Vec<Option<Converted>> = Vec::new();
    // Normalized id → index in `kept` of the entry holding it.
    let mut holder: HashMap<String, usize> = HashMap::new();
    for (name, entry) in entries {
        let mut notes = Vec::new();
        let model = match convert_entry(&name, &entry, &source, &mut notes) {
            Ok(model) => model,
            Err(reason) => {
                skipped.push((name, reason));
                continue;
            }
        };
        let converted = Converted { name, model, notes };
        let key = normalize_model_name(converted.id());
        let held = holder.get(&key).and_then(|&index| kept.get_mut(index));
        match held {
            None => {
                holder.insert(key, kept.len());
                kept.push(Some(converted));
            }
            Some(slot) => match slot.take() {
                Some(first) if first.hosted() && !converted.hosted() => {
                    skipped.push((
                        first.name,
                        format!(
                            "its name `{key}` is the maker's own entry `{}`, which is kept",
                            converted.name
                        ),
                    ));
                    holder.insert(key, kept.len());
                    kept.push(Some(converted));
                }
                first => {
                    let first_name = first.as_ref().map_or("", |f| f.name.as_str());
                    skipped.push((
                        converted.name,
                        format!("its name `{key}` is already taken by `{first_name}`"),
                    ));
                    *slot = first;
                }
            },
        }
    }
    let mut notes = Vec::new();
    let mut models = Vec::new();
    for converted in kept.into_iter().flatten() {
        let name = converted.name;
        notes.extend(converted.notes.into_iter().map(|note| (name.clone(), note)));
        models.push((name, converted.model));
    }
    let catalog = load_models(source_name, &mut models, &mut skipped)?;
    Ok(LiteLlmImport {
        imported: models.len(),
        catalog,
        skipped,
        notes,
    })
}

/// One entry converted to our schema, with what it left out.
struct Converted {
    /// LiteLLM's name for it.
    name: String,
    /// The `[[model]]` table.
    model: Map<String, Value>,
    /// What was imported only in part.
    notes: Vec<String>,
}

impl Converted {
    /// The model id it was given.
    fn id(&self) -> &str {
        self.model
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Whether it is served by a host rather than the maker's own API.
    fn hosted(&self) -> bool {
        self.model.contains_key("host")
    }
}

/// Loads the converted models. Should the loader still refuse one entry (a rule of the loader
/// this importer does not anticipate), that entry is skipped with the loader's words and the
/// rest is loaded again, so one odd entry never costs the whole table.
fn load_models(
    version: &str,
    models: &mut Vec<(String, Map<String, Value>)>,
    skipped: &mut Vec<(String, String)>,
) -> Result<PriceCatalog, LiteLlmError> {
    loop {
        let doc = json!({
            "version": version,
            "model": models.iter().map(|(_, m)| Value::Object(m.clone())).collect::<Vec<_>>(),
        });
        match load_document(&doc) {
            Ok(catalog) => return Ok(catalog),
            Err(LiteLlmError::Catalog(CatalogError::Invalid { model, problem })) => {
                let culprits = culprits(models, &model);
                if culprits.is_empty() {
                    return Err(CatalogError::Invalid { model, problem }.into());
                }
                for index in culprits.into_iter().rev() {
                    let (name, _) = models.remove(index);
                    skipped.push((name, format!("the catalog loader refused it: {problem}")));
                }
            }
            Err(other) => return Err(other),
        }
    }
}

/// The converted document, loaded as a catalog. The one place that knows how the document
/// reaches the loader (as JSON text, which `PriceCatalog::from_toml` reads like TOML), so a
/// direct entry point can replace it.
fn load_document(doc: &Value) -> Result<PriceCatalog, LiteLlmError> {
    let text = serde_json::to_string(doc).map_err(LiteLlmError::Serialize)?;
    Ok(PriceCatalog::from_toml(&text)?)
}

/// Indices of the models a loader error names: all but the first of those sharing the
/// normalized name, or the only one.
fn culprits(models: &[(String, Map<String, Value>)], named: &str) -> Vec<usize> {
    let wanted = normalize_model_name(named);
    let matching: Vec<usize> = models
        .iter()
        .enumerate()
        .filter(|(_, (_, m))| {
            let id = m.get("id").and_then(Value::as_str).unwrap_or_default();
            id == named || normalize_model_name(id) == wanted
        })
        .map(|(index, _)| index)
        .collect();
    match matching.len() {
        0 | 1 => matching,
        _ => matching[1..].to_vec(),
    }
}

/// The top-level object's entries in file order (serde_json's own map would sort them, and
/// "the first of two colliding names wins" must mean the first in the file).
struct OrderedEntries(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for OrderedEntries {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Collects map entries as they come.
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = OrderedEntries;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object of model name to entry")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedEntries, A::Error> {
                let mut entries = Vec::new();
                while let Some((name, value)) = map.next_entry::<String, Value>()? {
                    entries.push((name, value));
                }
                Ok(OrderedEntries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor)
    }
}

/// Our schema's name for a model maker, judged from a model name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameMaker {
    /// A maker our schema has (`openai`, `anthropic`, …).
    Ours(&'static str),
    /// A maker recognized but not in our schema (Amazon, Cohere, Z.ai, …).
    Other(&'static str),
    /// Nothing in the name says.
    Unrecognized,
}

/// Bedrock inference-profile prefixes (`us.anthropic.claude-…`).
const GEO_PREFIXES: [&str; 8] = [
    "us.", "eu.", "apac.", "au.", "jp.", "global.", "us-gov.", "ca.",
];

/// Bedrock-style `maker.` prefixes of makers our schema has.
const OUR_DOT_MAKERS: [(&str, &str); 8] = [
    ("anthropic.", "anthropic"),
    ("meta.", "meta"),
    ("mistral.", "mistral"),
    ("deepseek.", "deepseek"),
    ("qwen.", "qwen"),
    ("openai.", "openai"),
    ("xai.", "xai"),
    ("google.", "google"),
];

/// Name fragments of makers our schema does not have, checked before ours so that a
/// fine-tune such as `llama-3.1-nemotron` is not taken for Meta's own model.
const OTHER_MAKERS: [(&str, &str); 16] = [
    ("amazon", "amazon"),
    ("nova-", "amazon"),
    ("titan", "amazon"),
    ("cohere", "cohere"),
    ("command", "cohere"),
    ("ai21", "ai21"),
    ("jamba", "ai21"),
    ("glm", "zai"),
    ("zai", "zai"),
    ("kimi", "moonshot"),
    ("moonshot", "moonshot"),
    ("minimax", "minimax"),
    ("nemotron", "nvidia"),
    ("writer", "writer"),
    ("palmyra", "writer"),
    ("granite", "ibm"),
];

/// Name fragments of makers our schema has, in the order they are tried
/// (`deepseek-r1-distill-llama` is DeepSeek's).
const OUR_MAKERS: [(&str, &str); 19] = [
    ("claude", "anthropic"),
    ("gemini", "google"),
    ("gemma", "google"),
    ("deepseek", "deepseek"),
    ("grok", "xai"),
    ("qwen", "qwen"),
    ("qwq", "qwen"),
    ("llama", "meta"),
    ("mistral", "mistral"),
    ("mixtral", "mistral"),
    ("codestral", "mistral"),
    ("magistral", "mistral"),
    ("devstral", "mistral"),
    ("pixtral", "mistral"),
    ("voxtral", "mistral"),
    ("gpt", "openai"),
    ("codex", "openai"),
    ("davinci", "openai"),
    ("babbage", "openai"),
];

/// Who made the model a name denotes, as far as the name tells.
fn maker_from_name(name: &str) -> NameMaker {
    let lower = name.to_ascii_lowercase();
    let mut rest = lower.as_str();
    for geo in GEO_PREFIXES {
        if let Some(stripped) = rest.strip_prefix(geo) {
            rest = stripped;
            break;
        }
    }
    for (prefix, maker) in OUR_DOT_MAKERS {
        if rest.starts_with(prefix) {
            return NameMaker::Ours(maker);
        }
    }
    if let Some((_, maker)) = OTHER_MAKERS.iter().find(|(frag, _)| rest.contains(frag)) {
        return NameMaker::Other(maker);
    }
    if let Some((_, maker)) = OUR_MAKERS.iter().find(|(frag, _)| rest.contains(frag)) {
        return NameMaker::Ours(maker);
    }
    // OpenAI's o-series: `o1`, `o3-mini`, `o4-mini-deep-research`.
    let bytes = rest.as_bytes();
    if bytes.first() == Some(&b'o') && bytes.get(1).is_some_and(u8::is_ascii_digit) {
        return NameMaker::Ours("openai");
    }
    NameMaker::Unrecognized
}

/// How a LiteLLM provider maps onto our schema.
enum ProviderRule {
    /// The maker's own API: the maker is fixed; a name naming another maker is refused.
    Maker(&'static str),
    /// A host that serves several makers' models, named from the model name
    /// (`fallback` when the name says nothing).
    Host {
        host: &'static str,
        fallback: Option<&'static str>,
        /// Whether a model path with `/` is the host's own model name (Together's
        /// `meta-llama/Llama-3.3-70B-Instruct-Turbo`) rather than a region or deployment path.
        paths_are_names: bool,
    },
}

/// Our schema's reading of a `litellm_provider`, or `None` for providers we have no name for.
fn provider_rule(provider: &str) -> Option<ProviderRule> {
    let host = |host, fallback, paths_are_names| ProviderRule::Host {
        host,
        fallback,
        paths_are_names,
    };
    Some(match provider {
        "openai" | "text-completion-openai" => ProviderRule::Maker("openai"),
        "anthropic" => ProviderRule::Maker("anthropic"),
        "gemini" => ProviderRule::Maker("google"),
        "deepseek" => ProviderRule::Maker("deepseek"),
        "mistral" | "codestral" | "text-completion-codestral" => ProviderRule::Maker("mistral"),
        "xai" => ProviderRule::Maker("xai"),
        "meta_llama" => ProviderRule::Maker("meta"),
        "azure" | "azure_text" => host("azure", Some("openai"), false),
        "azure_ai" => host("azure", None, false),
        "bedrock" | "bedrock_converse" => host("bedrock", None, false),
        "vertex_ai" | "vertex_ai-language-models" | "vertex_ai-text-models" => {
            host("vertex", Some("google"), true)
        }
        "vertex_ai-anthropic_models" => host("vertex", Some("anthropic"), true),
        "vertex_ai-mistral_models" => host("vertex", Some("mistral"), true),
        "vertex_ai-llama_models" => host("vertex", Some("meta"), true),
        "vertex_ai-deepseek_models" => host("vertex", Some("deepseek"), true),
        "vertex_ai-qwen_models" => host("vertex", Some("qwen"), true),
        "vertex_ai-openai_models" => host("vertex", None, true),
        "groq" => host("groq", None, true),
        "together_ai" => host("together", None, true),
        "fireworks_ai" => host("fireworks", None, true),
        "dashscope" => host("dashscope", None, false),
        _ => return None,
    })
}

/// Routing prefixes LiteLLM writes in front of a model name (`vertex_ai/`, `bedrock/`).
const ROUTING_PREFIXES: [&str; 21] = [
    "openai",
    "text-completion-openai",
    "anthropic",
    "gemini",
    "deepseek",
    "mistral",
    "codestral",
    "text-completion-codestral",
    "xai",
    "meta_llama",
    "azure",
    "azure_text",
    "azure_ai",
    "bedrock",
    "bedrock_converse",
    "vertex_ai",
    "groq",
    "together_ai",
    "fireworks_ai",
    "dashscope",
    "amazon-nova",
];

/// The model's name without LiteLLM's routing prefix (`vertex_ai/claude-opus-4-5` →
/// `claude-opus-4-5`), as the provider's API spells it.
fn strip_routing_prefix(name: &str) -> &str {
    match name.split_once('/') {
        Some((first, rest))
            if ROUTING_PREFIXES
                .iter()
                .any(|p| p.eq_ignore_ascii_case(first)) =>
        {
            rest
        }
        _ => name,
    }
}

/// Our maker, host and model id for an entry, or why the entry cannot have them.
fn identify(
    name: &str,
    provider: &str,
) -> Result<(&'static str, Option<&'static str>, String), String> {
    let rule = provider_rule(provider).ok_or_else(|| {
        format!("LiteLLM provider `{provider}` is not a maker or host our schema knows")
    })?;
    let id = strip_routing_prefix(name).trim();
    if id.is_empty() {
        return Err("empty model name".to_string());
    }
    let paths_are_names = matches!(
        rule,
        ProviderRule::Host {
            paths_are_names: true,
            ..
        }
    );
    if let Some((segment, _)) = id.split_once('/')
        && !paths_are_names
    {
        return Err(format!(
            "a region-, commitment- or deployment-specific price (`{segment}/`), which our \
             schema does not model"
        ));
    }
    let from_name = maker_from_name(id);
    match rule {
        ProviderRule::Maker(maker) => match from_name {
            NameMaker::Ours(named) if named != maker => Err(format!(
                "a `{named}` model served by `{provider}`, a host our schema does not have"
            )),
            NameMaker::Other(named) => Err(format!(
                "a `{named}` model served by `{provider}`; maker `{named}` is not in our schema"
            )),
            _ => Ok((maker, None, id.to_string())),
        },
        ProviderRule::Host { host, fallback, .. } => match (from_name, fallback) {
            (NameMaker::Ours(maker), _) => Ok((maker, Some(host), id.to_string())),
            (NameMaker::Unrecognized, Some(maker)) => Ok((maker, Some(host), id.to_string())),
            (NameMaker::Other(named), _) => Err(format!("maker `{named}` is not in our schema")),
            (NameMaker::Unrecognized, None) => {
                Err(format!("the maker of `{id}` is not one our schema knows"))
            }
        },
    }
}

/// A per-token USD price as USD per million tokens, float noise removed: up to six decimals
/// of the per-million price are kept (a pico-dollar per token, the catalog's resolution), so
/// `3e-06` gives exactly `3.0`.
fn per_million(per_token: f64) -> f64 {
    (per_token * 1e12).round() / 1e6
}

/// Reads an optional price key of an entry, in USD per million tokens. Absent or `null` is
/// `None`; anything but a non-negative, plausible number is a reason to skip the entry.
fn price(entry: &Map<String, Value>, key: &str) -> Result<Option<f64>, String> {
    let value = match entry.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(value) => value,
    };
    let Some(per_token) = value.as_f64() else {
        return Err(format!("`{key}` is not a number: {value}"));
    };
    if !per_token.is_finite() || per_token < 0.0 {
        return Err(format!("`{key}` is negative: {per_token}"));
    }
    let price = per_million(per_token);
    if price > MAX_PER_MILLION {
        return Err(format!(
            "`{key}` = {per_token} USD per token is implausibly high"
        ));
    }
    Ok(Some(price))
}

/// Reads an optional token-count key (`max_input_tokens`).
fn token_count(entry: &Map<String, Value>, key: &str) -> Result<Option<u64>, String> {
    match entry.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => match value.as_u64().or_else(|| {
            // `128000.0` is a whole number too.
            value
                .as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 9.0e15)
                .map(|f| f as u64)
        }) {
            Some(count) if count <= i64::MAX as u64 => Ok(Some(count)),
            _ => Err(format!("`{key}` is not a token count: {value}")),
        },
    }
}

/// Inserts `value` under `key` when there is one.
fn put(model: &mut Map<String, Value>, key: &str, value: Option<f64>) {
    if let Some(value) = value {
        model.insert(key.to_string(), json!(value));
    }
}

/// The long-context thresholds an entry prices, in thousands of tokens, lowest first: the `N`
/// of every `input_cost_per_token_above_<N>k_tokens`.
fn long_context_thresholds(entry: &Map<String, Value>) -> Vec<u64> {
    let mut thresholds: Vec<u64> = entry
        .keys()
        .filter_map(|key| {
            key.strip_prefix("input_cost_per_token_above_")?
                .strip_suffix("k_tokens")?
                .parse::<u64>()
                .ok()
        })
        .collect();
    thresholds.sort_unstable();
    thresholds.dedup();
    thresholds
}

/// Converts one LiteLLM entry into a `[[model]]` of our schema, or says why it cannot be.
/// What is imported only in part is written to `notes`.
fn convert_entry(
    name: &str,
    entry: &Value,
    source: &str,
    notes: &mut Vec<String>,
) -> Result<Map<String, Value>, String> {
    let Some(entry) = entry.as_object() else {
        return Err("the entry is not a JSON object".to_string());
    };
    match entry.get("mode") {
        None | Some(Value::Null) => {}
        Some(Value::String(mode)) if TEXT_MODES.contains(&mode.as_str()) => {}
        Some(Value::String(mode)) => {
            return Err(format!("mode `{mode}` is not priced per text token"));
        }
        Some(other) => return Err(format!("`mode` is not a string: {other}")),
    }
    let provider = match entry.get("litellm_provider") {
        Some(Value::String(provider)) => provider.as_str(),
        None | Some(Value::Null) => return Err("no `litellm_provider`".to_string()),
        Some(other) => return Err(format!("`litellm_provider` is not a string: {other}")),
    };
    let (input, output) = match (
        price(entry, "input_cost_per_token")?,
        price(entry, "output_cost_per_token")?,
    ) {
        (Some(input), Some(output)) => (input, output),
        _ if entry.contains_key("tiered_pricing") => {
            return Err("priced only by `tiered_pricing`, which is not imported".to_string());
        }
        _ => {
            return Err("no `input_cost_per_token` and `output_cost_per_token` pair".to_string());
        }
    };
    let (maker, host, id) = identify(name, provider)?;

    let cache_read = price(entry, "cache_read_input_token_cost")?;
    // A cache write "costing" zero on a model whose input is not free means the provider does
    // not bill writes apart (LiteLLM writes 0 for DeepSeek): they cost plain input.
    let billed_write = |price: Option<f64>| price.filter(|&p| p > 0.0 || input == 0.0);
    let cache_write_5m = billed_write(price(entry, "cache_creation_input_token_cost")?);
    let cache_write_1h = billed_write(price(entry, "cache_creation_input_token_cost_above_1hr")?);
    let reasoning = price(entry, "output_cost_per_reasoning_token")?.filter(|&r| r != output);

    let mut model = Map::new();
    model.insert("id".into(), json!(id));
    model.insert("provider".into(), json!(maker));
    if let Some(host) = host {
        model.insert("host".into(), json!(host));
    }
    model.insert("aliases".into(), json!([]));
    model.insert("tier".into(), json!(tier_from_name(&id)));
    model.insert("input".into(), json!(input));
    model.insert("output".into(), json!(output));
    put(&mut model, "cache_read", cache_read);
    put(&mut model, "cache_write_5m", cache_write_5m);
    put(&mut model, "cache_write_1h", cache_write_1h);
    put(&mut model, "reasoning", reasoning);

    if let Some((discount, batch_cache_read)) =
        batch_prices(entry, input, output, cache_read, notes)?
    {
        model.insert("batch_discount".into(), json!(discount));
        put(&mut model, "batch_cache_read", batch_cache_read);
    }
    if let Some(window) = token_count(entry, "max_input_tokens")? {
        model.insert("context_window".into(), json!(window));
    }
    if let Some(max_output) = token_count(entry, "max_output_tokens")? {
        model.insert("max_output".into(), json!(max_output));
    }
    let capabilities = capabilities(entry);
    if !capabilities.is_empty() {
        model.insert("capabilities".into(), json!(capabilities));
    }
    if let Some(per_1k) = web_search_per_1k(entry)? {
        model.insert("web_search_per_1k".into(), json!(per_1k));
    }
    let base = BaseRates {
        cache_read,
        cache_write_5m,
        cache_write_1h,
    };
    if let Some(long) = long_context(entry, &base, notes)? {
        model.insert("long_context".into(), Value::Object(long));
    }
    let tiers = service_tiers(entry, &base, notes)?;
    if !tiers.is_empty() {
        model.insert("service_tiers".into(), Value::Object(tiers));
    }
    if entry.contains_key("off_peak_pricing") {
        notes.push("off-peak prices (`off_peak_pricing`) not imported".to_string());
    }
    model.insert("source".into(), json!(source));
    model.insert("checked".into(), json!(""));
    Ok(model)
}

/// The standard cache prices a long-context or service tier falls back to where LiteLLM states
/// none.
struct BaseRates {
    cache_read: Option<f64>,
    cache_write_5m: Option<f64>,
    cache_write_1h: Option<f64>,
}

/// A rough tier from the name: `mini`, `nano`, `haiku`, `lite`… are small; `opus`, `pro`,
/// `large`, `max`, `ultra` flagship; the rest mid. Tiers steer routing suggestions only,
/// never a price.
fn tier_from_name(id: &str) -> &'static str {
    let lower = id.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    if has(&["mini", "nano", "haiku", "lite", "small", "tiny", "micro"]) {
        "small"
    } else if has(&["opus", "pro", "large", "max", "ultra", "premier"]) {
        "flagship"
    } else {
        "mid"
    }
}

/// `input_cost_per_token_batches` / input as `batch_discount` when output's batch price has
/// the same ratio (our schema has one discount for every class); a batch cache-read price
/// that is not the discounted cache read becomes `batch_cache_read`.
fn batch_prices(
    entry: &Map<String, Value>,
    input: f64,
    output: f64,
    cache_read: Option<f64>,
    notes: &mut Vec<String>,
) -> Result<Option<(f64, Option<f64>)>, String> {
    let input_batch = price(entry, "input_cost_per_token_batches")?;
    let output_batch = price(entry, "output_cost_per_token_batches")?;
    let cache_read_batch = price(entry, "cache_read_input_token_cost_batches")?;
    let (input_batch, output_batch) = match (input_batch, output_batch) {
        (None, None) => return Ok(None),
        (Some(i), Some(o)) => (i, o),
        _ => {
            notes.push(
                "batch price not imported: LiteLLM gives it for only one of input and output"
                    .to_string(),
            );
            return Ok(None);
        }
    };
    if input <= 0.0 || output <= 0.0 {
        notes.push("batch price not imported: the standard price is zero".to_string());
        return Ok(None);
    }
    let ratio_in = input_batch / input;
    let ratio_out = output_batch / output;
    if (ratio_in - ratio_out).abs() > 1e-6 {
        notes.push(format!(
            "batch price not imported: input is {ratio_in:.4}x and output {ratio_out:.4}x \
             standard, and our schema has one discount"
        ));
        return Ok(None);
    }
    let discount = (ratio_in * 1e6).round() / 1e6;
    if !(discount > 0.0 && discount <= 1.0) {
        notes.push(format!(
            "batch price not imported: {discount}x standard is not a discount"
        ));
        return Ok(None);
    }
    let batch_cache_read = match (cache_read, cache_read_batch) {
        (Some(read), Some(read_batch))
            if (per_million(read * discount / 1e6) - read_batch).abs() > 1e-9 =>
        {
            Some(read_batch)
        }
        _ => None,
    };
    Ok(Some((discount, batch_cache_read)))
}

/// `supports_*` flags as our capability names.
fn capabilities(entry: &Map<String, Value>) -> Vec<&'static str> {
    [
        ("supports_function_calling", "tools"),
        ("supports_vision", "vision"),
        ("supports_response_schema", "json_schema"),
        ("supports_reasoning", "reasoning"),
        ("supports_web_search", "web_search"),
    ]
    .into_iter()
    .filter(|(key, _)| entry.get(*key) == Some(&Value::Bool(true)))
    .map(|(_, name)| name)
    .collect()
}

/// `search_context_cost_per_query.search_context_size_medium` (USD per search) as USD per
/// 1,000 searches. The medium context size is OpenAI's default and what the other makers'
/// single price is written under.
fn web_search_per_1k(entry: &Map<String, Value>) -> Result<Option<f64>, String> {
    let Some(costs) = entry.get("search_context_cost_per_query") else {
        return Ok(None);
    };
    let Some(costs) = costs.as_object() else {
        return Err("`search_context_cost_per_query` is not an object".to_string());
    };
    match price(costs, "search_context_size_medium")? {
        // `price` gave USD per search × 1e6; per 1,000 searches is that / 1,000.
        Some(per_million_searches) => Ok(Some((per_million_searches * 1e3).round() / 1e6)),
        None => Ok(None),
    }
}

/// The lowest `*_above_<N>k_tokens` tier as `long_context`. Cache prices LiteLLM does not
/// state for the tier are written as the standard ones, which is what LiteLLM charges when a
/// key is missing (without them our loader would scale them by input's ratio).
fn long_context(
    entry: &Map<String, Value>,
    base: &BaseRates,
    notes: &mut Vec<String>,
) -> Result<Option<Map<String, Value>>, String> {
    let thresholds = long_context_thresholds(entry);
    let Some(&lowest) = thresholds.first() else {
        return Ok(None);
    };
    if thresholds.len() > 1 {
        notes.push(format!(
            "only the lowest long-context tier ({lowest}k) imported; higher tiers {:?} dropped",
            &thresholds[1..]
        ));
    }
    let suffix = format!("_above_{lowest}k_tokens");
    let input = price(entry, &format!("input_cost_per_token{suffix}"))?;
    let output = price(entry, &format!("output_cost_per_token{suffix}"))?;
    let (Some(input), Some(output)) = (input, output) else {
        notes.push(format!(
            "long-context tier above {lowest}k not imported: no output price for it"
        ));
        return Ok(None);
    };
    let cache_read = price(entry, &format!("cache_read_input_token_cost{suffix}"))?;
    let write_5m = price(entry, &format!("cache_creation_input_token_cost{suffix}"))?;
    let write_1h = price(
        entry,
        &format!("cache_creation_input_token_cost_above_1hr{suffix}"),
    )?;
    let mut long = Map::new();
    long.insert("threshold".into(), json!(lowest * 1000));
    long.insert("input".into(), json!(input));
    long.insert("output".into(), json!(output));
    put(
        &mut long,
        "cache_read",
        base.cache_read.and(cache_read.or(base.cache_read)),
    );
    // A write price for the tier only where the model bills writes apart at all.
    put(
        &mut long,
        "cache_write_5m",
        base.cache_write_5m.and(write_5m.or(base.cache_write_5m)),
    );
    put(
        &mut long,
        "cache_write_1h",
        base.cache_write_1h.and(write_1h.or(base.cache_write_1h)),
    );
    Ok(Some(long))
}

/// `*_flex` and `*_priority` prices as explicit-rate service tiers. A cache price the tier
/// does not state is the standard one (LiteLLM's fallback for a missing key), written out so
/// that our loader does not scale it.
fn service_tiers(
    entry: &Map<String, Value>,
    base: &BaseRates,
    notes: &mut Vec<String>,
) -> Result<Map<String, Value>, String> {
    let mut tiers = Map::new();
    for tier in ["flex", "priority"] {
        let input = price(entry, &format!("input_cost_per_token_{tier}"))?;
        let output = price(entry, &format!("output_cost_per_token_{tier}"))?;
        let read = price(entry, &format!("cache_read_input_token_cost_{tier}"))?;
        let write_5m = price(entry, &format!("cache_creation_input_token_cost_{tier}"))?;
        let write_1h = price(
            entry,
            &format!("cache_creation_input_token_cost_above_1hr_{tier}"),
        )?;
        match (input, output) {
            (None, None) => {}
            (Some(input), Some(output)) => {
                let mut rates = Map::new();
                rates.insert("input".into(), json!(input));
                rates.insert("output".into(), json!(output));
                put(
                    &mut rates,
                    "cache_read",
                    base.cache_read.and(read.or(base.cache_read)),
                );
                put(
                    &mut rates,
                    "cache_write_5m",
                    base.cache_write_5m.and(write_5m.or(base.cache_write_5m)),
                );
                put(
                    &mut rates,
                    "cache_write_1h",
                    base.cache_write_1h.and(write_1h.or(base.cache_write_1h)),
                );
                tiers.insert(tier.into(), Value::Object(rates));
            }
            _ => notes.push(format!(
                "service tier `{tier}` not imported: LiteLLM prices only one of input and output"
            )),
        }
    }
    Ok(tiers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Rate;
    use crate::pricing::{BillingMode, call_cost};
    use crate::record::TokenBuckets;

    /// Imports `json` and returns the import, failing the test on a whole-table error.
    fn import(json: &str) -> LiteLlmImport {
        match import_litellm(json, "test") {
            Ok(imported) => imported,
            Err(err) => panic!("import failed: {err}"),
        }
    }

    /// The reason `name` was skipped, if it was.
    fn skip_reason<'a>(imported: &'a LiteLlmImport, name: &str) -> Option<&'a str> {
        imported
            .skipped
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, reason)| reason.as_str())
    }

    /// The converted `[[model]]` of a single-entry table, as the document holds it.
    fn converted(entry: Value) -> Map<String, Value> {
        let mut notes = Vec::new();
        match convert_entry("m", &entry, "litellm:test", &mut notes) {
            Ok(model) => model,
            Err(reason) => panic!("entry refused: {reason}"),
        }
    }

    #[test]
    fn per_token_prices_become_exact_per_million_prices() {
        assert_eq!(per_million(3e-06), 3.0);
        assert_eq!(per_million(1.25e-07), 0.125);
        assert_eq!(per_million(2.8e-08), 0.028);
        assert_eq!(per_million(3.125e-06), 3.125);
        // Six decimals of the per-million price survive; float noise below them does not.
        assert_eq!(per_million(1.234567e-12), 0.000001);
        assert_eq!(per_million(7.5e-08 + 1e-24), 0.075);
    }

    #[test]
    fn a_chat_entry_maps_every_rate() {
        let model = converted(json!({
            "litellm_provider": "anthropic",
            "mode": "chat",
            "input_cost_per_token": 3e-06,
            "output_cost_per_token": 1.5e-05,
            "cache_read_input_token_cost": 3e-07,
            "cache_creation_input_token_cost": 3.75e-06,
            "cache_creation_input_token_cost_above_1hr": 6e-06,
            "max_input_tokens": 200000,
            "max_output_tokens": 64000,
            "supports_function_calling": true,
            "supports_vision": true,
            "supports_response_schema": false,
            "supports_reasoning": true,
            "supports_web_search": true,
            "search_context_cost_per_query": {
                "search_context_size_low": 0.01,
                "search_context_size_medium": 0.01,
                "search_context_size_high": 0.01
            }
        }));
        assert_eq!(model["id"], "m");
        assert_eq!(model["provider"], "anthropic");
        assert!(!model.contains_key("host"));
        assert_eq!(model["input"], 3.0);
        assert_eq!(model["output"], 15.0);
        assert_eq!(model["cache_read"], 0.3);
        assert_eq!(model["cache_write_5m"], 3.75);
        assert_eq!(model["cache_write_1h"], 6.0);
        assert_eq!(model["context_window"], 200000);
        assert_eq!(model["max_output"], 64000);
        assert_eq!(
            model["capabilities"],
            json!(["tools", "vision", "reasoning", "web_search"])
        );
        assert_eq!(model["web_search_per_1k"], 10.0);
        assert_eq!(model["source"], "litellm:test");
        assert_eq!(model["checked"], "");
    }

    #[test]
    fn only_text_generation_modes_are_imported() {
        let imported = import(
            r#"{
              "chat-model": {"litellm_provider": "openai", "mode": "chat",
                             "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
              "gpt-resp": {"litellm_provider": "openai", "mode": "responses",
                           "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
              "gpt-instruct": {"litellm_provider": "text-completion-openai", "mode": "completion",
                               "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
              "gpt-nomode": {"litellm_provider": "openai",
                             "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
              "text-embedding-9": {"litellm_provider": "openai", "mode": "embedding",
                                   "input_cost_per_token": 1e-07, "output_cost_per_token": 0.0},
              "gpt-image-9": {"litellm_provider": "openai", "mode": "image_generation",
                              "output_cost_per_image": 0.04},
              "gpt-nocost": {"litellm_provider": "openai", "mode": "chat"}
            }"#,
        );
        assert_eq!(imported.imported, 4);
        assert!(
            skip_reason(&imported, "text-embedding-9").is_some_and(|r| r.contains("embedding"))
        );
        assert!(
            skip_reason(&imported, "gpt-image-9").is_some_and(|r| r.contains("image_generation"))
        );
        assert!(
            skip_reason(&imported, "gpt-nocost")
                .is_some_and(|r| r.contains("input_cost_per_token"))
        );
        // `chat-model` has no maker in its name, but OpenAI's own API serves only OpenAI models.
        let index = imported
            .catalog
            .resolve("chat-model", None)
            .expect("imported");
        assert_eq!(
            imported.catalog.entry(index).rates.input,
            Rate::per_million_usd(1.0)
        );
    }

    #[test]
    fn providers_map_to_maker_and_host() {
        let cases = [
            ("gpt-5", "openai", "gpt-5", "openai", None),
            ("azure/gpt-5", "azure", "gpt-5", "openai", Some("azure")),
            (
                "azure/mistral-large-latest",
                "azure",
                "mistral-large-latest",
                "mistral",
                Some("azure"),
            ),
            (
                "claude-opus-4-6",
                "anthropic",
                "claude-opus-4-6",
                "anthropic",
                None,
            ),
            (
                "anthropic.claude-opus-4-6-v1",
                "bedrock_converse",
                "anthropic.claude-opus-4-6-v1",
                "anthropic",
                Some("bedrock"),
            ),
            (
                "us.meta.llama3-3-70b-instruct-v1:0",
                "bedrock",
                "us.meta.llama3-3-70b-instruct-v1:0",
                "meta",
                Some("bedrock"),
            ),
            (
                "vertex_ai/claude-opus-4-5@20251101",
                "vertex_ai-anthropic_models",
                "claude-opus-4-5@20251101",
                "anthropic",
                Some("vertex"),
            ),
            (
                "gemini-2.5-pro",
                "vertex_ai-language-models",
                "gemini-2.5-pro",
                "google",
                Some("vertex"),
            ),
            (
                "vertex_ai/meta/llama-3.3-70b-instruct-maas",
                "vertex_ai-llama_models",
                "meta/llama-3.3-70b-instruct-maas",
                "meta",
                Some("vertex"),
            ),
            (
                "gemini/gemini-2.5-pro",
                "gemini",
                "gemini-2.5-pro",
                "google",
                None,
            ),
            (
                "deepseek/deepseek-chat",
                "deepseek",
                "deepseek-chat",
                "deepseek",
                None,
            ),
            (
                "mistral/mistral-large-latest",
                "mistral",
                "mistral-large-latest",
                "mistral",
                None,
            ),
            ("xai/grok-4", "xai", "grok-4", "xai", None),
            (
                "groq/llama-3.3-70b-versatile",
                "groq",
                "llama-3.3-70b-versatile",
                "meta",
                Some("groq"),
            ),
            (
                "together_ai/Qwen/Qwen3-235B",
                "together_ai",
                "Qwen/Qwen3-235B",
                "qwen",
                Some("together"),
            ),
            (
                "fireworks_ai/accounts/fireworks/models/deepseek-v3p1",
                "fireworks_ai",
                "accounts/fireworks/models/deepseek-v3p1",
                "deepseek",
                Some("fireworks"),
            ),
            ("o3-mini", "openai", "o3-mini", "openai", None),
        ];
        for (name, provider, id, maker, host) in cases {
            match identify(name, provider) {
                Ok(found) => assert_eq!(found, (maker, host, id.to_string()), "{name}"),
                Err(reason) => panic!("{name} refused: {reason}"),
            }
        }
    }

    #[test]
    fn unknown_makers_hosts_and_regional_paths_are_skipped_with_a_reason() {
        let refused = [
            ("amazon.nova-pro-v1:0", "bedrock_converse", "amazon"),
            ("cohere.command-r-v1:0", "bedrock", "cohere"),
            ("together_ai/zai-org/GLM-5.1", "together_ai", "zai"),
            ("groq/some-model", "groq", "not one our schema knows"),
            (
                "deepinfra/meta-llama/Llama-3.3-70B",
                "deepinfra",
                "`deepinfra`",
            ),
            (
                "bedrock/us-east-1/anthropic.claude-3-haiku",
                "bedrock",
                "`us-east-1/`",
            ),
            ("azure/eu/gpt-5", "azure", "`eu/`"),
            ("mistral/zai-glm-5-2", "mistral", "zai"),
            (
                "openai/claude-imposter",
                "openai",
                "`anthropic` model served by `openai`",
            ),
        ];
        for (name, provider, reason_part) in refused {
            match identify(name, provider) {
                Ok(found) => panic!("{name} accepted as {found:?}"),
                Err(reason) => assert!(reason.contains(reason_part), "{name}: {reason}"),
            }
        }
    }

    #[test]
    fn long_context_takes_the_lowest_threshold_and_falls_back_to_standard_cache_prices() {
        let mut notes = Vec::new();
        let entry = json!({
            "litellm_provider": "gemini",
            "input_cost_per_token": 1.25e-06,
            "output_cost_per_token": 1e-05,
            "cache_read_input_token_cost": 1.25e-07,
            "input_cost_per_token_above_200k_tokens": 2.5e-06,
            "output_cost_per_token_above_200k_tokens": 1.5e-05,
            "input_cost_per_token_above_128k_tokens": 2e-06,
            "output_cost_per_token_above_128k_tokens": 1.2e-05,
            "cache_read_input_token_cost_above_128k_tokens": 2e-07
        });
        let model = match convert_entry("gemini/gemini-x", &entry, "s", &mut notes) {
            Ok(model) => model,
            Err(reason) => panic!("{reason}"),
        };
        assert_eq!(
            model["long_context"],
            json!({"threshold": 128000, "input": 2.0, "output": 12.0, "cache_read": 0.2})
        );
        assert!(notes.iter().any(|n| n.contains("[200]")), "{notes:?}");

        // No tier cache-read price: the standard one is written, not left to scaling.
        let mut notes = Vec::new();
        let entry = json!({
            "litellm_provider": "openai",
            "input_cost_per_token": 2.5e-06,
            "output_cost_per_token": 1.5e-05,
            "cache_read_input_token_cost": 2.5e-07,
            "input_cost_per_token_above_272k_tokens": 5e-06,
            "output_cost_per_token_above_272k_tokens": 2.25e-05
        });
        let model = match convert_entry("gpt-x", &entry, "s", &mut notes) {
            Ok(model) => model,
            Err(reason) => panic!("{reason}"),
        };
        assert_eq!(
            model["long_context"],
            json!({"threshold": 272000, "input": 5.0, "output": 22.5, "cache_read": 0.25})
        );
    }

    #[test]
    fn long_context_without_an_output_price_is_noted_not_guessed() {
        let mut notes = Vec::new();
        let entry = json!({
            "litellm_provider": "openai",
            "input_cost_per_token": 1e-06,
            "output_cost_per_token": 2e-06,
            "input_cost_per_token_above_200k_tokens": 2e-06
        });
        let model = match convert_entry("gpt-x", &entry, "s", &mut notes) {
            Ok(model) => model,
            Err(reason) => panic!("{reason}"),
        };
        assert!(!model.contains_key("long_context"));
        assert!(
            notes.iter().any(|n| n.contains("no output price")),
            "{notes:?}"
        );
    }

    #[test]
    fn batch_discount_needs_input_and_output_to_agree() {
        let base = |input_batch: f64, output_batch: f64| {
            json!({
                "litellm_provider": "openai",
                "input_cost_per_token": 2.5e-06,
                "output_cost_per_token": 1.5e-05,
                "cache_read_input_token_cost": 2.5e-07,
                "input_cost_per_token_batches": input_batch,
                "output_cost_per_token_batches": output_batch,
                "cache_read_input_token_cost_batches": 1.25e-07
            })
        };
        let model = converted(base(1.25e-06, 7.5e-06));
        assert_eq!(model["batch_discount"], 0.5);
        // 0.25 × 0.5 = 0.125: the batch cache read is the discounted one, nothing extra.
        assert!(!model.contains_key("batch_cache_read"));

        let mut notes = Vec::new();
        let model = match convert_entry("m", &base(1.25e-06, 1.5e-05), "s", &mut notes) {
            Ok(model) => model,
            Err(reason) => panic!("{reason}"),
        };
        assert!(!model.contains_key("batch_discount"));
        assert!(
            notes
                .iter()
                .any(|n| n.contains("0.5000x") && n.contains("1.0000x")),
            "{notes:?}"
        );

        // A batch cache read that is not the discounted cache read is kept as stated.
        let mut entry = base(1.25e-06, 7.5e-06);
        entry["cache_read_input_token_cost_batches"] = json!(2.5e-07);
        let model = converted(entry);
        assert_eq!(model["batch_discount"], 0.5);
        assert_eq!(model["batch_cache_read"], 0.25);
    }

    #[test]
    fn flex_and_priority_become_explicit_service_tiers() {
        let model = converted(json!({
            "litellm_provider": "openai",
            "input_cost_per_token": 2.5e-06,
            "output_cost_per_token": 1.5e-05,
            "cache_read_input_token_cost": 2.5e-07,
            "cache_creation_input_token_cost": 3.125e-06,
            "input_cost_per_token_flex": 1.25e-06,
            "output_cost_per_token_flex": 7.5e-06,
            "cache_read_input_token_cost_flex": 1.3e-07,
            "input_cost_per_token_priority": 5e-06,
            "output_cost_per_token_priority": 3e-05,
            "cache_creation_input_token_cost_priority": 6.25e-06
        }));
        assert_eq!(
            model["service_tiers"],
            json!({
                "flex": {"input": 1.25, "output": 7.5, "cache_read": 0.13,
                         "cache_write_5m": 3.125},
                "priority": {"input": 5.0, "output": 30.0, "cache_read": 0.25,
                             "cache_write_5m": 6.25}
            })
        );
    }

    #[test]
    fn tier_and_long_context_cache_prices_are_not_scaled_by_the_loader() {
        // LiteLLM states no priority or long-context cache-read price: it bills the standard
        // $0.25, where our loader would scale it with input (to $0.50).
        let imported = import(
            r#"{"gpt-x": {
                "litellm_provider": "openai", "mode": "chat",
                "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1.5e-05,
                "cache_read_input_token_cost": 2.5e-07,
                "input_cost_per_token_priority": 5e-06, "output_cost_per_token_priority": 3e-05,
                "input_cost_per_token_above_272k_tokens": 5e-06,
                "output_cost_per_token_above_272k_tokens": 2.25e-05}}"#,
        );
        let catalog = &imported.catalog;
        let entry = catalog.entry(catalog.resolve("gpt-x", None).expect("imported"));
        let quarter = Rate::per_million_usd(0.25);
        assert_eq!(
            entry.long_context.map(|long| long.rates.cache_read),
            Some(quarter)
        );
        let priority = entry.tier_price(crate::pricing::ServiceTier::Priority);
        match priority {
            Some(crate::pricing::TierPrice::Rates(rates)) => {
                assert_eq!(rates.cache_read, quarter);
                assert_eq!(rates.input, Rate::per_million_usd(5.0));
            }
            other => panic!("priority tier imported as {other:?}"),
        }
    }

    #[test]
    fn zero_cache_write_means_writes_are_not_billed_apart() {
        let model = converted(json!({
            "litellm_provider": "deepseek",
            "input_cost_per_token": 2.8e-07,
            "output_cost_per_token": 4.2e-07,
            "cache_read_input_token_cost": 2.8e-08,
            "cache_creation_input_token_cost": 0.0
        }));
        assert!(!model.contains_key("cache_write_5m"));
        assert_eq!(model["cache_read"], 0.028);
    }

    #[test]
    fn reasoning_price_only_where_it_differs_from_output() {
        let same = converted(json!({
            "litellm_provider": "gemini",
            "input_cost_per_token": 3e-07,
            "output_cost_per_token": 2.5e-06,
            "output_cost_per_reasoning_token": 2.5e-06
        }));
        assert!(!same.contains_key("reasoning"));
        // Qwen3 thinking mode on DashScope: $1.20 out, $4 when thinking.
        let entry = json!({
            "litellm_provider": "dashscope",
            "input_cost_per_token": 4e-07,
            "output_cost_per_token": 1.2e-06,
            "output_cost_per_reasoning_token": 4e-06
        });
        let mut notes = Vec::new();
        let differs = match convert_entry("dashscope/qwen-plus", &entry, "s", &mut notes) {
            Ok(model) => model,
            Err(reason) => panic!("{reason}"),
        };
        assert_eq!(differs["provider"], "qwen");
        assert_eq!(differs["host"], "dashscope");
        assert_eq!(differs["id"], "qwen-plus");
        assert_eq!(differs["reasoning"], 4.0);
    }

    #[test]
    fn odd_values_skip_the_entry_without_panicking() {
        let imported = import(
            r#"{
              "gpt-string": {"litellm_provider": "openai", "mode": "chat",
                             "input_cost_per_token": "3e-06", "output_cost_per_token": 1e-05},
              "gpt-negative": {"litellm_provider": "openai", "mode": "chat",
                               "input_cost_per_token": -1e-06, "output_cost_per_token": 1e-05},
              "gpt-huge": {"litellm_provider": "openai", "mode": "chat",
                           "input_cost_per_token": 1e300, "output_cost_per_token": 1e-05},
              "gpt-window": {"litellm_provider": "openai", "mode": "chat",
                             "input_cost_per_token": 1e-06, "output_cost_per_token": 1e-05,
                             "max_input_tokens": "lots"},
              "gpt-mode": {"litellm_provider": "openai", "mode": 7,
                           "input_cost_per_token": 1e-06, "output_cost_per_token": 1e-05},
              "gpt-provider": {"litellm_provider": ["openai"],
                               "input_cost_per_token": 1e-06, "output_cost_per_token": 1e-05},
              "gpt-search": {"litellm_provider": "openai",
                             "input_cost_per_token": 1e-06, "output_cost_per_token": 1e-05,
                             "search_context_cost_per_query": 0.01},
              "gpt-array": [1, 2, 3],
              "gpt-ok": {"litellm_provider": "openai",
                         "input_cost_per_token": 1e-06, "output_cost_per_token": 1e-05,
                         "supports_vision": "yes", "max_output_tokens": 128000.0}
            }"#,
        );
        assert_eq!(imported.imported, 1, "{:?}", imported.skipped);
        let reason = |name| {
            skip_reason(&imported, name)
                .unwrap_or("NOT SKIPPED")
                .to_string()
        };
        assert!(reason("gpt-string").contains("not a number"));
        assert!(reason("gpt-negative").contains("negative"));
        assert!(reason("gpt-huge").contains("implausibly high"));
        assert!(reason("gpt-window").contains("max_input_tokens"));
        assert!(reason("gpt-mode").contains("`mode`"));
        assert!(reason("gpt-provider").contains("`litellm_provider`"));
        assert!(reason("gpt-search").contains("search_context_cost_per_query"));
        assert!(reason("gpt-array").contains("not a JSON object"));
        let ok = imported
            .catalog
            .entry(imported.catalog.resolve("gpt-ok", None).expect("gpt-ok"));
        assert_eq!(ok.max_output, Some(128_000));
    }

    #[test]
    fn malformed_tables_are_errors_not_panics() {
        assert!(matches!(
            import_litellm("", "t"),
            Err(LiteLlmError::Json(_))
        ));
        assert!(matches!(
            import_litellm("[1, 2]", "t"),
            Err(LiteLlmError::Json(_))
        ));
        assert!(matches!(
            import_litellm("{\"a\": ", "t"),
            Err(LiteLlmError::Json(_))
        ));
        let empty = import("{}");
        assert_eq!(empty.imported, 0);
        assert!(empty.catalog.entries().is_empty());
    }

    #[test]
    fn colliding_names_keep_the_first_in_file_order() {
        // `gemini/gemini-9-pro` sorts after the other two but comes first in the file: it wins.
        let imported = import(
            r#"{
              "gemini/gemini-9-pro": {"litellm_provider": "gemini", "mode": "chat",
                                      "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06},
              "gemini-9-pro": {"litellm_provider": "vertex_ai-language-models", "mode": "chat",
                               "input_cost_per_token": 9e-06, "output_cost_per_token": 9e-06},
              "GEMINI-9-PRO": {"litellm_provider": "gemini", "mode": "chat",
                               "input_cost_per_token": 8e-06, "output_cost_per_token": 8e-06}
            }"#,
        );
        assert_eq!(imported.imported, 1);
        assert_eq!(imported.skipped.len(), 2);
        let reason = skip_reason(&imported, "gemini-9-pro").unwrap_or_default();
        assert!(reason.contains("gemini/gemini-9-pro"), "{reason}");
        let entry = imported.catalog.entry(
            imported
                .catalog
                .resolve("gemini-9-pro", None)
                .expect("kept"),
        );
        assert_eq!(entry.rates.input, Rate::per_million_usd(1.0));
        assert_eq!(entry.source, "litellm:test");
    }

    #[test]
    fn the_makers_own_entry_wins_a_name_over_a_hosts() {
        let imported = import(
            r#"{
              "azure_ai/gpt-9": {"litellm_provider": "azure_ai", "mode": "chat",
                                 "input_cost_per_token": 3e-06, "output_cost_per_token": 2e-05},
              "gpt-9": {"litellm_provider": "openai", "mode": "chat",
                        "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1.5e-05},
              "azure/gpt-9": {"litellm_provider": "azure", "mode": "chat",
                              "input_cost_per_token": 3e-06, "output_cost_per_token": 2e-05}
            }"#,
        );
        assert_eq!(imported.imported, 1);
        let reason = skip_reason(&imported, "azure_ai/gpt-9").unwrap_or_default();
        assert!(reason.contains("maker's own entry `gpt-9`"), "{reason}");
        let reason = skip_reason(&imported, "azure/gpt-9").unwrap_or_default();
        assert!(reason.contains("taken by `gpt-9`"), "{reason}");
        let entry = imported
            .catalog
            .entry(imported.catalog.resolve("gpt-9", None).expect("kept"));
        assert_eq!(entry.rates.input, Rate::per_million_usd(2.5));
    }

    #[test]
    fn imported_prices_bill_like_litellm_states_them() {
        // claude-opus-4-6 as LiteLLM 1.109.1 lists it: $5 in, $25 out, $0.50 cache read,
        // $6.25 5-minute and $10 1-hour cache writes, batch at half price.
        let imported = import(
            r#"{"claude-opus-4-6": {
                "litellm_provider": "anthropic", "mode": "chat",
                "input_cost_per_token": 5e-06, "output_cost_per_token": 2.5e-05,
                "cache_read_input_token_cost": 5e-07,
                "cache_creation_input_token_cost": 6.25e-06,
                "cache_creation_input_token_cost_above_1hr": 1e-05,
                "input_cost_per_token_batches": 2.5e-06,
                "output_cost_per_token_batches": 1.25e-05}}"#,
        );
        let catalog = &imported.catalog;
        let entry = catalog.entry(catalog.resolve("claude-opus-4-6", None).expect("imported"));
        let tokens = TokenBuckets {
            input: 1_000,
            cache_read: 10_000,
            cache_write_5m: 2_000,
            cache_write_1h: 3_000,
            output: 500,
            reasoning: 100,
        };
        // 1000×$5 + 10000×$0.50 + 2000×$6.25 + 3000×$10 + 500×$25, per million = $0.065.
        let standard = call_cost(entry, &tokens, BillingMode::default());
        assert_eq!(standard.to_decimal_string(), "0.065");
        let batch_mode = BillingMode {
            batch: true,
            ..BillingMode::default()
        };
        let batch = call_cost(entry, &tokens, batch_mode);
        assert_eq!(batch.to_decimal_string(), "0.0325");
    }

    #[test]
    fn tiers_are_read_from_name_words() {
        assert_eq!(tier_from_name("gpt-4o-mini"), "small");
        assert_eq!(tier_from_name("gemini-2.5-flash-lite"), "small");
        assert_eq!(tier_from_name("claude-haiku-4-5"), "small");
        assert_eq!(tier_from_name("gemini-2.5-pro"), "flagship");
        assert_eq!(tier_from_name("claude-opus-4-6"), "flagship");
        assert_eq!(tier_from_name("ministral-8b"), "mid");
        assert_eq!(tier_from_name("gemini-2.5-flash"), "mid");
    }
}
