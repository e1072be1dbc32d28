//! Tokenizer families: how a call's token counts change when a replay moves it to a model whose
//! tokenizer splits the same text differently. The ratios and the family of each catalog entry
//! come from an embedded data file; OpenAI's two public tokenizers count prompt text exactly.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::pricing::ModelPrice;
use crate::record::{CallText, Provider};

const EMBEDDED_TOKENIZERS: &str = include_str!("../../data/tokenizers.toml");

/// One tokenizer family, an index into the loaded [`Tokenizers`] table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TokenizerFamily(u8);

/// Token counts of a call's prompt text under the tokenizers compiled into the binary.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TextTokens {
    /// Tokens under OpenAI's o200k_base (GPT-4o, GPT-4.1, GPT-5.x, o-series).
    pub o200k: u32,
    /// Tokens under OpenAI's cl100k_base (GPT-4, GPT-4 Turbo, GPT-3.5 Turbo).
    pub cl100k: u32,
}

/// A real tokenizer that counts a family exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Counter {
    O200k,
    Cl100k,
}

impl Counter {
    /// This tokenizer's count in `tokens`.
    fn pick(self, tokens: TextTokens) -> u32 {
        match self {
            Counter::O200k => tokens.o200k,
            Counter::Cl100k => tokens.cl100k,
        }
    }
}

/// A family as the data file states it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FamilyFile {
    name: String,
    tokens_per_o200k: f64,
    output_factor: f64,
    counted_by: Option<Counter>,
    confidence: String,
    measured_on: String,
    evidence: String,
    sources: Vec<String>,
    checked: String,
}

/// A membership rule as the data file states it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    family: String,
    provider: String,
    ids: Vec<String>,
}

/// The whole data file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenizersFile {
    fallback: String,
    family: Vec<FamilyFile>,
    rule: Vec<RuleFile>,
}

/// A loaded family: the numbers the replay uses and the sentence the report prints.
#[derive(Debug, Clone)]
struct Family {
    name: String,
    tokens_per_o200k: f64,
    output_factor: f64,
    counted_by: Option<Counter>,
    /// How firm the number is: `exact`, `measured`, `derived` or `assumption`.
    confidence: String,
    /// What the number was measured on.
    measured_on: String,
}

/// A compiled membership rule.
#[derive(Debug, Clone)]
struct Rule {
    provider: Provider,
    ids: GlobSet,
    family: TokenizerFamily,
}

/// The tokenizer families and which catalog entries belong to each, loaded from the embedded
/// file.
#[derive(Debug, Clone)]
pub struct Tokenizers {
    families: Vec<Family>,
    rules: Vec<Rule>,
    fallback: TokenizerFamily,
}

/// The confidence levels a family may state.
const CONFIDENCE_LEVELS: [&str; 4] = ["exact", "measured", "derived", "assumption"];

impl Tokenizers {
    /// The families shipped in the binary.
    pub fn embedded() -> Result<Tokenizers, String> {
        Tokenizers::from_toml(EMBEDDED_TOKENIZERS)
    }

    /// Parses and validates a tokenizer table: every family has a positive ratio and output
    /// factor, a confidence level, evidence and at least one source; every rule names a known
    /// family and provider and compiles.
    pub fn from_toml(text: &str) -> Result<Tokenizers, String> {
        let file: TokenizersFile =
            toml::from_str(text).map_err(|err| format!("tokenizer table: {err}"))?;
        if file.family.len() > usize::from(u8::MAX) {
            return Err("tokenizer table: too many families".to_string());
        }
        let mut families = Vec::with_capacity(file.family.len());
        for family in file.family {
            let name = &family.name;
            if families.iter().any(|known: &Family| &known.name == name) {
                return Err(format!("tokenizer table: family `{name}` appears twice"));
            }
            let positive = |value: f64| value.is_finite() && value > 0.0;
            if !positive(family.tokens_per_o200k) || !positive(family.output_factor) {
                return Err(format!(
                    "tokenizer table: `{name}` needs a positive tokens_per_o200k and output_factor"
                ));
            }
            if !CONFIDENCE_LEVELS.contains(&family.confidence.as_str()) {
                return Err(format!(
                    "tokenizer table: `{name}` has confidence `{}`, expected one of {CONFIDENCE_LEVELS:?}",
                    family.confidence
                ));
            }
            let sourced = !family.sources.is_empty()
                && family.sources.iter().all(|url| url.starts_with("https://"));
            if !sourced
                || family.evidence.trim().is_empty()
                || family.measured_on.trim().is_empty()
                || family.checked.trim().is_empty()
            {
                return Err(format!(
                    "tokenizer table: `{name}` needs evidence, measured_on, checked and https sources"
                ));
            }
            families.push(Family {
                name: family.name,
                tokens_per_o200k: family.tokens_per_o200k,
                output_factor: family.output_factor,
                counted_by: family.counted_by,
                confidence: family.confidence,
                measured_on: family.measured_on,
            });
        }
        let index = |name: &str| -> Result<TokenizerFamily, String> {
            families
                .iter()
                .position(|family| family.name == name)
                .and_then(|position| u8::try_from(position).ok())
                .map(TokenizerFamily)
                .ok_or(format!("tokenizer table: unknown family `{name}`"))
        };
        let fallback = index(&file.fallback)?;
        let mut rules = Vec::with_capacity(file.rule.len());
        for rule in &file.rule {
            let provider = Provider::from_name(&rule.provider);
            if provider == Provider::Unknown {
                return Err(format!(
                    "tokenizer table: rule for `{}` names unknown provider `{}`",
                    rule.family, rule.provider
                ));
            }
            if rule.ids.is_empty() {
                return Err(format!(
                    "tokenizer table: rule for `{}` has no id globs",
                    rule.family
                ));
            }
            let mut globs = GlobSetBuilder::new();
            for pattern in &rule.ids {
                let glob = GlobBuilder::new(pattern)
                    .case_insensitive(true)
                    .build()
                    .map_err(|err| format!("tokenizer table: glob `{pattern}`: {err}"))?;
                globs.add(glob);
            }
            rules.push(Rule {
                provider,
                ids: globs
                    .build()
                    .map_err(|err| format!("tokenizer table: rule for `{}`: {err}", rule.family))?,
                family: index(&rule.family)?,
            });
        }
        Ok(Tokenizers {
            families,
            rules,
            fallback,
        })
    }

    /// The tokenizer family of a catalog entry: the first rule matching its provider and id, or
    /// the fallback family (no adjustment) when none does.
    pub fn family(&self, entry: &ModelPrice) -> TokenizerFamily {
        self.rule_family(entry).unwrap_or(self.fallback)
    }

    /// The family a rule assigns to `entry`, if any rule covers it.
    fn rule_family(&self, entry: &ModelPrice) -> Option<TokenizerFamily> {
        self.rules
            .iter()
            .find(|rule| rule.provider == entry.provider && rule.ids.is_match(&entry.id))
            .map(|rule| rule.family)
    }

    /// The family's name as the data file spells it (`o200k`, `claude`, ...).
    pub fn name(&self, family: TokenizerFamily) -> &str {
        &self.get(family).name
    }

    /// How firm the family's ratio is (`exact`, `measured`, `derived`, `assumption`) and what it
    /// was measured on, for the report's list of assumptions.
    pub fn basis(&self, family: TokenizerFamily) -> (&str, &str) {
        let family = self.get(family);
        (&family.confidence, &family.measured_on)
    }

    /// Target tokens per source token for prompt text, from the table.
    pub fn input_ratio(&self, from: TokenizerFamily, to: TokenizerFamily) -> f64 {
        self.get(to).tokens_per_o200k / self.get(from).tokens_per_o200k
    }

    /// Target output (and reasoning) tokens per source output token: the answer is as many
    /// tokens again as its text under the other tokenizer (the input ratio), times how much
    /// longer the target family's answers are than the source's.
    pub fn output_factor(&self, from: TokenizerFamily, to: TokenizerFamily) -> f64 {
        self.input_ratio(from, to) * self.get(to).output_factor / self.get(from).output_factor
    }

    /// Same as [`Tokenizers::input_ratio`] but exact when both families are covered by a real
    /// tokenizer and the call's text was counted. When only one side is covered, its exact
    /// count replaces the table's estimate for that side (the table is relative to o200k, which
    /// is always counted), so a call moving from GPT-4 to Claude uses its real cl100k→o200k
    /// ratio times the table's o200k→Claude one.
    pub fn call_ratio(
        &self,
        from: TokenizerFamily,
        to: TokenizerFamily,
        counted: Option<TextTokens>,
    ) -> f64 {
        let table = self.input_ratio(from, to);
        let Some(tokens) = counted else {
            return table;
        };
        if from == to || tokens.o200k == 0 {
            return table;
        }
        let estimate = |family: TokenizerFamily| {
            let family = self.get(family);
            match family.counted_by {
                Some(counter) => f64::from(counter.pick(tokens)),
                None => family.tokens_per_o200k * f64::from(tokens.o200k),
            }
        };
        let source = estimate(from);
        if source > 0.0 {
            estimate(to) / source
        } else {
            table
        }
    }

    /// Whether OpenAI's cl100k tokenizer counts this family exactly. Real counts only change a
    /// move's ratio when cl100k is on one side: the table is relative to o200k, so a move
    /// between o200k and a table family gives the table's ratio either way.
    pub fn is_cl100k(&self, family: TokenizerFamily) -> bool {
        self.get(family).counted_by == Some(Counter::Cl100k)
    }

    /// The loaded family behind an index. Indices only come from this table, so the fallback
    /// family is never substituted in practice; it keeps an index from a foreign table from
    /// panicking.
    fn get(&self, family: TokenizerFamily) -> &Family {
        self.families
            .get(usize::from(family.0))
            .unwrap_or(&self.families[usize::from(self.fallback.0)])
    }
}

/// Counts the call's system + last user text with the real tokenizers; `None` when the call
/// carries no text to count.
pub fn count_text(text: &CallText) -> Option<TextTokens> {
    if text.system.is_empty() && text.user.is_empty() {
        return None;
    }
    let o200k = bpe_openai::o200k_base();
    let cl100k = bpe_openai::cl100k_base();
    // System and user text are separate messages, so each is counted on its own.
    let count = |tokenizer: &bpe_openai::Tokenizer| {
        let total = tokenizer.count(text.system.as_str()) + tokenizer.count(text.user.as_str());
        u32::try_from(total).unwrap_or(u32::MAX)
    };
    Some(TextTokens {
        o200k: count(o200k),
        cl100k: count(cl100k),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::PriceCatalog;

    fn tokenizers() -> Tokenizers {
        Tokenizers::embedded().expect("embedded tokenizer table loads")
    }

    fn family_of(tokenizers: &Tokenizers, catalog: &PriceCatalog, model: &str) -> String {
        let index = catalog
            .resolve(model, None)
            .unwrap_or_else(|| panic!("{model} is in the catalog"));
        tokenizers
            .name(tokenizers.family(catalog.entry(index)))
            .to_string()
    }

    fn named(tokenizers: &Tokenizers, name: &str) -> TokenizerFamily {
        (0..tokenizers.families.len())
            .map(|index| TokenizerFamily(index as u8))
            .find(|family| tokenizers.name(*family) == name)
            .unwrap_or_else(|| panic!("family {name} exists"))
    }

    #[test]
    fn embedded_table_loads_and_every_family_is_sourced() {
        let tokenizers = tokenizers();
        let names: Vec<&str> = tokenizers
            .families
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        for required in [
            "o200k",
            "cl100k",
            "claude",
            "claude-2026",
            "gemini",
            "llama3",
            "mistral-tekken",
            "mistral-sentencepiece",
            "deepseek",
            "qwen",
            "grok",
        ] {
            assert!(names.contains(&required), "missing family {required}");
        }
        for family in &tokenizers.families {
            assert!(family.tokens_per_o200k > 0.0 && family.output_factor > 0.0);
        }
        // The reference is the reference: o200k is 1.0 and counted by its own tokenizer.
        let o200k = named(&tokenizers, "o200k");
        assert_eq!(tokenizers.get(o200k).tokens_per_o200k, 1.0);
        assert_eq!(tokenizers.get(o200k).counted_by, Some(Counter::O200k));
        assert_eq!(tokenizers.name(tokenizers.fallback), "o200k");
    }

    #[test]
    fn invalid_tables_are_rejected() {
        let family = |ratio: &str, sources: &str| {
            format!(
                "fallback = \"a\"\n[[family]]\nname = \"a\"\ntokens_per_o200k = {ratio}\n\
                 output_factor = 1.0\nconfidence = \"measured\"\nmeasured_on = \"x\"\n\
                 evidence = \"x\"\nsources = [{sources}]\nchecked = \"2026-11-21\"\n"
            )
        };
        let rule = "[[rule]]\nfamily = \"a\"\nprovider = \"openai\"\nids = [\"*\"]\n";
        let good = family("1.0", "\"https://example.com\"") + rule;
        assert!(Tokenizers::from_toml(&good).is_ok());
        assert!(Tokenizers::from_toml(&(family("0.0", "\"https://example.com\"") + rule)).is_err());
        assert!(Tokenizers::from_toml(&(family("1.0", "") + rule)).is_err());
        let unknown_family = good.replace("family = \"a\"\nprovider", "family = \"b\"\nprovider");
        assert!(Tokenizers::from_toml(&unknown_family).is_err());
        let unknown_provider = good.replace("\"openai\"", "\"acme\"");
        assert!(Tokenizers::from_toml(&unknown_provider).is_err());
    }

    #[test]
    fn catalog_entries_map_to_their_tokenizer_family() {
        let tokenizers = tokenizers();
        let catalog = PriceCatalog::embedded().expect("embedded catalog loads");
        for (model, family) in [
            ("gpt-4o", "o200k"),
            ("gpt-4o-mini", "o200k"),
            ("gpt-4.1", "o200k"),
            ("gpt-5", "o200k"),
            ("o3-mini", "o200k"),
            ("gpt-4", "cl100k"),
            ("gpt-4-turbo", "cl100k"),
            ("gpt-3.5-turbo", "cl100k"),
            ("claude-3-5-sonnet", "claude"),
            ("claude-sonnet-4-5", "claude"),
            ("claude-haiku-4-5", "claude"),
            ("claude-opus-4-6", "claude"),
            ("claude-opus-4-7", "claude-2026"),
            ("claude-sonnet-5", "claude-2026"),
            ("gemini-2.5-pro", "gemini"),
            ("gemini-2.0-flash", "gemini"),
            ("deepseek-chat", "deepseek"),
            ("deepseek-reasoner", "deepseek"),
            ("meta-llama/Llama-3.3-70B-Instruct-Turbo", "llama3"),
            ("llama-3.1-8b-instant", "llama3"),
            ("meta.llama4-scout-17b-instruct", "llama4"),
            ("open-mixtral-8x7b", "mistral-sentencepiece"),
            ("mistral-large-2407", "mistral-sentencepiece"),
            ("open-mistral-nemo", "mistral-tekken"),
            ("mistral-small-2501", "mistral-tekken"),
            ("qwen-max", "qwen"),
            ("Qwen/Qwen2.5-72B-Instruct-Turbo", "qwen"),
            ("grok-3", "grok"),
        ] {
            assert_eq!(family_of(&tokenizers, &catalog, model), family, "{model}");
        }
    }

    #[test]
    fn every_catalog_entry_is_covered_by_a_rule() {
        // The fallback is for overrides and imports; the shipped catalog is mapped explicitly.
        let tokenizers = tokenizers();
        let catalog = PriceCatalog::embedded().expect("embedded catalog loads");
        let uncovered: Vec<&str> = catalog
            .entries()
            .iter()
            .filter(|entry| tokenizers.rule_family(entry).is_none())
            .map(|entry| entry.id.as_str())
            .collect();
        assert!(uncovered.is_empty(), "no tokenizer rule for {uncovered:?}");
    }

    #[test]
    fn ratios_are_reciprocal_and_follow_the_table() {
        let tokenizers = tokenizers();
        let count = tokenizers.families.len();
        for a in 0..count {
            for b in 0..count {
                let (a, b) = (TokenizerFamily(a as u8), TokenizerFamily(b as u8));
                let there_and_back = tokenizers.input_ratio(a, b) * tokenizers.input_ratio(b, a);
                assert!((there_and_back - 1.0).abs() < 1e-12);
                let output = tokenizers.output_factor(a, b) * tokenizers.output_factor(b, a);
                assert!((output - 1.0).abs() < 1e-12);
            }
        }
        let o200k = named(&tokenizers, "o200k");
        let claude = named(&tokenizers, "claude");
        let claude_2026 = named(&tokenizers, "claude-2026");
        // GPT-4o → Claude 3.5–4.6: 1.16 / 1.0 (16% more tokens on English articles).
        assert!((tokenizers.input_ratio(o200k, claude) - 1.16).abs() < 1e-12);
        // Claude 4.6 → Opus 4.7: 1.566 / 1.16 = 1.35, Anthropic's stated upper bound.
        assert!((tokenizers.input_ratio(claude, claude_2026) - 1.35).abs() < 1e-9);
        // Every output factor is 1.0, so output moves with the tokenizer alone.
        assert!((tokenizers.output_factor(o200k, claude) - 1.16).abs() < 1e-12);
    }

    #[test]
    fn count_text_matches_the_published_tokenizers() {
        // Expected counts from Python tiktoken 0.14.0 on OpenAI's o200k_base / cl100k_base files
        // (the files bpe-openai embeds; their SHA-256 matched tiktoken's expected hashes).
        let text = |system: &str, user: &str| CallText {
            system: system.to_string(),
            user: user.to_string(),
            prompt_chars: (system.len() + user.len()) as u64,
        };
        // "hello world" is "hello" + " world" in both.
        assert_eq!(
            count_text(&text("", "hello world")),
            Some(TextTokens {
                o200k: 2,
                cl100k: 2
            })
        );
        // Japanese is where o200k gained: 2 tokens vs 4.
        assert_eq!(
            count_text(&text("", "こんにちは世界")),
            Some(TextTokens {
                o200k: 2,
                cl100k: 4
            })
        );
        // System and user are counted apart and summed: tiktoken gives 10/10 for the pangram
        // and 30/31 for the ticket, so 40 and 41.
        let ticket = "Summarise the following support ticket in two sentences.\n\nMy invoice for \
                      October shows a charge of $1,234.56 that I don't recognise.";
        assert_eq!(
            count_text(&text(
                "The quick brown fox jumps over the lazy dog.",
                ticket
            )),
            Some(TextTokens {
                o200k: 40,
                cl100k: 41
            })
        );
        assert_eq!(count_text(&text("", "")), None);
    }

    #[test]
    fn call_ratio_uses_counts_where_a_real_tokenizer_covers_the_family() {
        let tokenizers = tokenizers();
        let o200k = named(&tokenizers, "o200k");
        let cl100k = named(&tokenizers, "cl100k");
        let claude = named(&tokenizers, "claude");
        let gemini = named(&tokenizers, "gemini");
        let counted = Some(TextTokens {
            o200k: 2,
            cl100k: 4,
        });
        // Both covered: the exact counts, 4 cl100k tokens for 2 o200k ones.
        assert_eq!(tokenizers.call_ratio(o200k, cl100k, counted), 2.0);
        assert_eq!(tokenizers.call_ratio(cl100k, o200k, counted), 0.5);
        // Not counted: the table (1.0 / 1.0).
        assert_eq!(tokenizers.call_ratio(o200k, cl100k, None), 1.0);
        // One side covered: cl100k → o200k exactly (2 / 4), then o200k → Claude by the table
        // (1.16): 0.5 × 1.16 = 0.58.
        assert!((tokenizers.call_ratio(cl100k, claude, counted) - 0.58).abs() < 1e-12);
        // Neither side covered: the table, 1.08 / 1.16.
        let table = tokenizers.input_ratio(claude, gemini);
        assert!((tokenizers.call_ratio(claude, gemini, counted) - table).abs() < 1e-12);
        // Nothing counted (empty text): the table.
        let empty = Some(TextTokens {
            o200k: 0,
            cl100k: 0,
        });
        assert_eq!(tokenizers.call_ratio(o200k, cl100k, empty), 1.0);
    }
}
