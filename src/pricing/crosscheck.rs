//! Cross-check of the embedded catalog against LiteLLM's price table (test only).
//!
//! A fixed set of usage vectors is priced for every model of [`TABLE`] twice: under
//! `PriceCatalog::embedded()` and under LiteLLM's entry for the same model, imported from
//! `fixtures/pricing/litellm_crosscheck.json` (built by `fixtures/pricing/build_crosscheck.py`
//! from LiteLLM 1.109.1's `model_prices_and_context_window.json`). Both go through
//! `call_cost`, so what is compared is the data, not two pricing engines. Costs are compared to
//! the micro-dollar; every disagreement must be listed in
//! `data/crosscheck/litellm_disagreements.toml` with the reason ours is right (or `OURS WRONG`
//! until the catalog is fixed), and a listed one that no longer disagrees fails as stale.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::money::Money;
use crate::pricing::{BillingMode, PriceCatalog, call_cost, import_litellm};
use crate::record::TokenBuckets;

/// LiteLLM entries of the compared models, values verbatim (MIT-licensed data).
const FIXTURE: &str = include_str!("../../fixtures/pricing/litellm_crosscheck.json");

/// The disagreements we know of, each with the reason our price is right.
const DISAGREEMENTS: &str = include_str!("../../data/crosscheck/litellm_disagreements.toml");

/// 2026-11-21 12:00 UTC: calls are priced at the periods in force today.
const TODAY_MS: i64 = 1_795_262_400_000;

/// Our catalog id → LiteLLM's name for the same model on the maker's own API.
/// `build_crosscheck.py` reads the LiteLLM names between the markers.
const TABLE: &[(&str, &str)] = &[
    // TABLE START
    // OpenAI
    ("gpt-3.5-turbo", "gpt-3.5-turbo"),
    ("gpt-3.5-turbo-1106", "gpt-3.5-turbo-1106"),
    ("gpt-4", "gpt-4"),
    ("gpt-4-turbo", "gpt-4-turbo"),
    ("gpt-4o", "gpt-4o"),
    ("gpt-4o-2024-05-13", "gpt-4o-2024-05-13"),
    ("gpt-4o-2024-08-06", "gpt-4o-2024-08-06"),
    ("gpt-4o-2024-11-20", "gpt-4o-2024-11-20"),
    ("gpt-4o-mini", "gpt-4o-mini"),
    ("gpt-4.1", "gpt-4.1"),
    ("gpt-4.1-mini", "gpt-4.1-mini"),
    ("gpt-4.1-nano", "gpt-4.1-nano"),
    ("o1", "o1"),
    ("o1-pro", "o1-pro"),
    ("o3", "o3"),
    ("o3-pro", "o3-pro"),
    ("o3-mini", "o3-mini"),
    ("o4-mini", "o4-mini"),
    ("gpt-5", "gpt-5"),
    ("gpt-5-mini", "gpt-5-mini"),
    ("gpt-5-nano", "gpt-5-nano"),
    ("gpt-5-pro", "gpt-5-pro"),
    ("gpt-5-codex", "gpt-5-codex"),
    ("gpt-5.1", "gpt-5.1"),
    ("gpt-5.1-codex", "gpt-5.1-codex"),
    ("gpt-5.1-codex-max", "gpt-5.1-codex-max"),
    ("gpt-5.1-codex-mini", "gpt-5.1-codex-mini"),
    ("gpt-5.2", "gpt-5.2"),
    ("gpt-5.2-pro", "gpt-5.2-pro"),
    ("gpt-5.2-codex", "gpt-5.2-codex"),
    ("gpt-5.3-codex", "gpt-5.3-codex"),
    ("gpt-5.3-chat-latest", "gpt-5.3-chat-latest"),
    ("gpt-5.4", "gpt-5.4"),
    ("gpt-5.4-mini", "gpt-5.4-mini"),
    ("gpt-5.4-nano", "gpt-5.4-nano"),
    ("gpt-5.4-pro", "gpt-5.4-pro"),
    ("gpt-5.5", "gpt-5.5"),
    ("gpt-5.5-pro", "gpt-5.5-pro"),
    ("gpt-5.6-sol", "gpt-5.6-sol"),
    ("gpt-5.6-terra", "gpt-5.6-terra"),
    ("gpt-5.6-luna", "gpt-5.6-luna"),
    // Anthropic
    ("claude-sonnet-4-5", "claude-sonnet-4-5"),
    ("claude-haiku-4-5", "claude-haiku-4-5"),
    ("claude-opus-4-5", "claude-opus-4-5"),
    ("claude-opus-4-6", "claude-opus-4-6"),
    ("claude-sonnet-4-6", "claude-sonnet-4-6"),
    ("claude-opus-4-7", "claude-opus-4-7"),
    ("claude-opus-4-8", "claude-opus-4-8"),
    ("claude-sonnet-5", "claude-sonnet-5"),
    ("claude-opus-5", "claude-opus-5"),
    ("claude-sonnet-5-5", "claude-sonnet-5-5"),
    ("claude-opus-5-5", "claude-opus-5-5"),
    ("claude-haiku-5-5", "claude-haiku-5-5"),
    ("claude-fable-5", "claude-fable-5"),
    ("claude-fable-5-1", "claude-fable-5-1"),
    ("claude-mythos-5", "claude-mythos-5"),
    ("claude-mythos-5-1", "claude-mythos-5-1"),
    // Google (Gemini API)
    ("gemini-2.5-pro", "gemini/gemini-2.5-pro"),
    ("gemini-2.5-flash", "gemini/gemini-2.5-flash"),
    ("gemini-2.5-flash-lite", "gemini/gemini-2.5-flash-lite"),
    ("gemini-3-flash-preview", "gemini/gemini-3-flash-preview"),
    ("gemini-3.1-pro-preview", "gemini/gemini-3.1-pro-preview"),
    ("gemini-3.1-flash-lite", "gemini/gemini-3.1-flash-lite"),
    ("gemini-3.5-flash", "gemini/gemini-3.5-flash"),
    ("gemini-3.5-flash-lite", "gemini/gemini-3.5-flash-lite"),
    ("gemini-3.6-flash", "gemini/gemini-3.6-flash"),
    ("gemini-3.7-flash", "gemini/gemini-3.7-flash"),
    ("gemini-3.8-flash", "gemini/gemini-3.8-flash"),
    // DeepSeek
    ("deepseek-chat", "deepseek/deepseek-chat"),
    ("deepseek-reasoner", "deepseek/deepseek-reasoner"),
    // TABLE END
];

/// One fixed call shape priced for every model.
struct Vector {
    /// Stable name, as the disagreement file writes it.
    name: &'static str,
    tokens: TokenBuckets,
    batch: bool,
}

/// The usage vectors: each exercises one billing rule.
fn vectors() -> Vec<Vector> {
    let plain = |tokens| Vector {
        name: "",
        tokens,
        batch: false,
    };
    vec![
        Vector {
            name: "plain",
            ..plain(TokenBuckets {
                input: 12_345,
                output: 2_345,
                ..Default::default()
            })
        },
        Vector {
            name: "cache_read",
            ..plain(TokenBuckets {
                input: 2_000,
                cache_read: 50_000,
                output: 1_000,
                ..Default::default()
            })
        },
        Vector {
            name: "cache_write_5m",
            ..plain(TokenBuckets {
                input: 1_000,
                cache_read: 5_000,
                cache_write_5m: 20_000,
                output: 500,
                ..Default::default()
            })
        },
        Vector {
            name: "cache_write_1h",
            ..plain(TokenBuckets {
                input: 1_000,
                cache_read: 5_000,
                cache_write_1h: 20_000,
                output: 500,
                ..Default::default()
            })
        },
        // 230k prompt tokens: above a 200k threshold, below a 272k one.
        Vector {
            name: "long_230k",
            ..plain(TokenBuckets {
                input: 180_000,
                cache_read: 50_000,
                output: 3_000,
                ..Default::default()
            })
        },
        // 300k prompt tokens: above both.
        Vector {
            name: "long_300k",
            ..plain(TokenBuckets {
                input: 250_000,
                cache_read: 50_000,
                output: 4_000,
                ..Default::default()
            })
        },
        Vector {
            name: "reasoning",
            ..plain(TokenBuckets {
                input: 3_000,
                output: 40_000,
                reasoning: 36_000,
                ..Default::default()
            })
        },
        Vector {
            name: "batch",
            tokens: TokenBuckets {
                input: 100_000,
                cache_read: 20_000,
                output: 10_000,
                ..Default::default()
            },
            batch: true,
        },
    ]
}

/// One listed disagreement.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Listed {
    model: String,
    litellm: String,
    vector: String,
    /// Our cost, dollars with six decimals.
    ours: String,
    /// LiteLLM's cost, the same way.
    theirs: String,
    reason: String,
}

/// The disagreement file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListedFile {
    #[serde(default)]
    disagreement: Vec<Listed>,
}

/// A cost rounded half up to the micro-dollar, written as dollars with six decimals.
fn micro_usd(cost: Money) -> String {
    let micro = (cost.pico() + 500_000).div_euclid(1_000_000);
    format!(
        "{}.{:06}",
        micro.div_euclid(1_000_000),
        micro.rem_euclid(1_000_000)
    )
}

/// The embedded catalog and the imported fixture, or the test fails saying why.
fn catalogs() -> (PriceCatalog, PriceCatalog) {
    let ours = PriceCatalog::embedded().unwrap_or_else(|err| panic!("embedded catalog: {err}"));
    let imported = import_litellm(FIXTURE, "1.109.1")
        .unwrap_or_else(|err| panic!("LiteLLM fixture does not import: {err}"));
    assert!(
        imported.skipped.is_empty(),
        "fixture entries skipped by the importer: {:?}",
        imported.skipped
    );
    (ours, imported.catalog)
}

/// Every (model, vector) where the two catalogs' costs differ at the micro-dollar:
/// (our id, vector) → (LiteLLM name, ours, theirs).
fn disagreements() -> BTreeMap<(String, String), (String, String, String)> {
    let (ours, theirs) = catalogs();
    let mut found = BTreeMap::new();
    for &(id, litellm) in TABLE {
        let our_entry = ours
            .resolve(id, Some(TODAY_MS))
            .map(|index| ours.entry(index))
            .unwrap_or_else(|| panic!("`{id}` is not in the embedded catalog"));
        let their_entry = theirs
            .resolve(litellm, Some(TODAY_MS))
            .map(|index| theirs.entry(index))
            .unwrap_or_else(|| panic!("`{litellm}` is not in the imported fixture"));
        for vector in vectors() {
            let mode = BillingMode {
                batch: vector.batch,
                at_ms: Some(TODAY_MS),
                ..BillingMode::default()
            };
            let our_cost = micro_usd(call_cost(our_entry, &vector.tokens, mode));
            let their_cost = micro_usd(call_cost(their_entry, &vector.tokens, mode));
            if our_cost != their_cost {
                found.insert(
                    (id.to_string(), vector.name.to_string()),
                    (litellm.to_string(), our_cost, their_cost),
                );
            }
        }
    }
    found
}

/// The listed disagreements, keyed like [`disagreements`].
fn listed() -> BTreeMap<(String, String), Listed> {
    let file: ListedFile = toml::from_str(DISAGREEMENTS)
        .unwrap_or_else(|err| panic!("data/crosscheck/litellm_disagreements.toml: {err}"));
    let mut by_key = BTreeMap::new();
    for entry in file.disagreement {
        let key = (entry.model.clone(), entry.vector.clone());
        if let Some(previous) = by_key.insert(key, entry) {
            panic!(
                "`{}` / `{}` is listed twice in litellm_disagreements.toml",
                previous.model, previous.vector
            );
        }
    }
    by_key
}

#[test]
fn the_table_covers_at_least_forty_models_the_fixture_holds() {
    let ids: BTreeSet<&str> = TABLE.iter().map(|&(id, _)| id).collect();
    assert!(ids.len() >= 40, "only {} models compared", ids.len());
    assert_eq!(ids.len(), TABLE.len(), "a model is listed twice in TABLE");
    let fixture: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(FIXTURE).unwrap_or_else(|err| panic!("fixture JSON: {err}"));
    let names: BTreeSet<&str> = TABLE.iter().map(|&(_, name)| name).collect();
    let held: BTreeSet<&str> = fixture.keys().map(String::as_str).collect();
    assert_eq!(
        names, held,
        "TABLE and litellm_crosscheck.json differ: rerun fixtures/pricing/build_crosscheck.py"
    );
}

#[test]
fn the_disagreement_list_names_known_models_and_vectors_with_a_reason() {
    let vector_names: BTreeSet<&str> = vectors().iter().map(|v| v.name).collect();
    for ((model, vector), entry) in listed() {
        assert!(
            TABLE
                .iter()
                .any(|&(id, name)| id == model && name == entry.litellm),
            "listed `{model}` / `{}` is not a pair of TABLE",
            entry.litellm
        );
        assert!(
            vector_names.contains(vector.as_str()),
            "`{model}`: unknown vector `{vector}`"
        );
        assert!(
            !entry.reason.trim().is_empty(),
            "`{model}` / `{vector}`: no reason given"
        );
    }
}

#[test]
fn every_price_agrees_with_litellm_or_the_disagreement_is_listed() {
    let found = disagreements();
    let listed = listed();
    let mut problems = Vec::new();
    for ((model, vector), (litellm, ours, theirs)) in &found {
        match listed.get(&(model.clone(), vector.clone())) {
            None => problems.push(format!(
                "UNLISTED: `{model}` (LiteLLM `{litellm}`), vector `{vector}`: \
                 ours ${ours}, LiteLLM ${theirs}"
            )),
            Some(entry) if (&entry.ours, &entry.theirs) != (ours, theirs) => {
                problems.push(format!(
                    "CHANGED: `{model}`, vector `{vector}`: listed as ours ${}, LiteLLM ${}, \
                     now ours ${ours}, LiteLLM ${theirs}",
                    entry.ours, entry.theirs
                ))
            }
            Some(_) => {}
        }
    }
    for ((model, vector), entry) in &listed {
        if !found.contains_key(&(model.clone(), vector.clone())) {
            problems.push(format!(
                "STALE: `{model}`, vector `{vector}` is listed (ours ${}, LiteLLM ${}) but the \
                 prices now agree: remove it",
                entry.ours, entry.theirs
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} cross-check problem(s) against LiteLLM:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn micro_dollars_round_half_up() {
    assert_eq!(micro_usd(Money::from_pico(0)), "0.000000");
    assert_eq!(micro_usd(Money::from_pico(499_999)), "0.000000");
    assert_eq!(micro_usd(Money::from_pico(500_000)), "0.000001");
    assert_eq!(micro_usd(Money::from_pico(12_345_678_900_000)), "12.345679");
}
