//! User classification rules (`--rules FILE`): what a team knows about its own traffic, e.g.
//! "calls tagged feature=invoice-extract are simple extraction". The first rule that matches a
//! call overrides the classifier's task, tier or verifiability, and is named in the reasons.
//!
//! ```toml
//! [[rule]]
//! name = "invoice-extract"
//! match = { tags = { feature = "invoice-extract" } }
//! set = { task = "extraction", tier = "simple" }
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use globset::{GlobBuilder, GlobMatcher};
use serde::Deserialize;

use super::{
    COMPLEX_THRESHOLD, Classification, MODERATE_THRESHOLD, Reason, SIMPLE_THRESHOLD, Task, Tier,
    Verifiable,
};
use crate::record::{CallRecord, Provider};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    rule: Vec<RuleEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    name: String,
    #[serde(rename = "match", default)]
    when: MatchEntry,
    set: SetEntry,
}

/// Conditions; every one given must hold.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct MatchEntry {
    /// Model name as logged (glob, case-insensitive).
    model: Option<String>,
    provider: Option<String>,
    /// Tag key → value glob (project, user, feature, any metadata key).
    #[serde(default)]
    tags: BTreeMap<String, String>,
    /// The classifier's verdict.
    task: Option<String>,
    tier: Option<String>,
    min_prompt_tokens: Option<u64>,
    max_prompt_tokens: Option<u64>,
    min_output_tokens: Option<u64>,
    max_output_tokens: Option<u64>,
    tools: Option<bool>,
    images: Option<bool>,
    json_schema: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetEntry {
    task: Option<String>,
    tier: Option<String>,
    /// `json_schema`, `tool_call`, `code`, or `none`.
    verifiable: Option<String>,
}

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    model: Option<GlobMatcher>,
    provider: Option<Provider>,
    tags: Vec<(String, GlobMatcher)>,
    task: Option<Task>,
    tier: Option<Tier>,
    prompt_tokens: (u64, u64),
    output_tokens: (u64, u64),
    tools: Option<bool>,
    images: Option<bool>,
    json_schema: Option<bool>,
    set_task: Option<Task>,
    set_tier: Option<Tier>,
    set_verifiable: Option<Option<Verifiable>>,
}

/// The rules of a run, in file order (the first match wins).
#[derive(Debug, Clone, Default)]
pub struct ClassifyRules {
    rules: Vec<Rule>,
}

impl ClassifyRules {
    /// Reads and compiles a rules file; errors name the file, and the line for syntax errors.
    pub fn from_file(path: &Path) -> anyhow::Result<ClassifyRules> {
        let text = crate::ingest::read_input_text(path)?;
        ClassifyRules::from_toml(&text).with_context(|| format!("rules file {}", path.display()))
    }

    pub fn from_toml(text: &str) -> anyhow::Result<ClassifyRules> {
        let file: RulesFile = toml::from_str(text)?;
        let rules = file
            .rule
            .into_iter()
            .map(|entry| {
                let name = entry.name.clone();
                compile(entry).with_context(|| format!("rule `{name}`"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        if rules.len() > usize::from(u16::MAX) {
            bail!("more than {} rules", u16::MAX);
        }
        Ok(ClassifyRules { rules })
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rule's name for a classification's `rule` index.
    pub fn name(&self, index: u16) -> Option<&str> {
        self.rules.get(usize::from(index)).map(|r| r.name.as_str())
    }

    /// Applies the first matching rule to `verdict`: the task, tier and verifiability it sets
    /// replace the classifier's; confidence becomes 1 (the team said so).
    pub fn apply(&self, record: &CallRecord, verdict: &mut Classification) {
        let Some((index, rule)) = self
            .rules
            .iter()
            .enumerate()
            .find(|(_, rule)| rule.matches(record, verdict))
        else {
            return;
        };
        if let Some(task) = rule.set_task {
            verdict.task = task;
            verdict.verifiable = Verifiable::of(&record.features, task);
        }
        if let Some(tier) = rule.set_tier {
            verdict.tier = tier;
            verdict.complexity = band_middle(tier);
        }
        if let Some(verifiable) = rule.set_verifiable {
            verdict.verifiable = verifiable;
        }
        verdict.confidence = 1.0;
        verdict.reasons.insert(Reason::UserRule);
        if verdict.verifiable.is_some() {
            verdict.reasons.insert(Reason::Verifiable);
        }
        verdict.rule = u16::try_from(index).ok();
    }
}

impl Rule {
    fn matches(&self, record: &CallRecord, verdict: &Classification) -> bool {
        let f = &record.features;
        let tokens = &record.tokens;
        let prompt = tokens.prompt_total();
        let in_range = |value: u64, (low, high): (u64, u64)| low <= value && value <= high;
        self.model
            .as_ref()
            .is_none_or(|m| m.is_match(&record.model))
            && self.provider.is_none_or(|p| p == record.provider)
            && self.tags.iter().all(|(key, value)| {
                record
                    .tags
                    .iter()
                    .any(|(k, v)| k == key && value.is_match(v))
            })
            && self.task.is_none_or(|t| t == verdict.task)
            && self.tier.is_none_or(|t| t == verdict.tier)
            && in_range(prompt, self.prompt_tokens)
            && in_range(tokens.output, self.output_tokens)
            && self
                .tools
                .is_none_or(|want| want == (f.tools_defined > 0 || f.tool_calls > 0))
            && self.images.is_none_or(|want| want == (f.images > 0))
            && self.json_schema.is_none_or(|want| want == f.json_schema)
    }
}

/// A complexity inside `tier`'s band, so `Tier::from_complexity` agrees with the rule.
fn band_middle(tier: Tier) -> f32 {
    match tier {
        Tier::Trivial => SIMPLE_THRESHOLD / 2.0,
        Tier::Simple => (SIMPLE_THRESHOLD + MODERATE_THRESHOLD) / 2.0,
        Tier::Moderate => (MODERATE_THRESHOLD + COMPLEX_THRESHOLD) / 2.0,
        Tier::Complex => (COMPLEX_THRESHOLD + 1.0) / 2.0,
    }
}

pub(crate) fn glob(pattern: &str) -> anyhow::Result<GlobMatcher> {
    Ok(GlobBuilder::new(pattern)
        .case_insensitive(true)
        .literal_separator(false)
        .build()
        .with_context(|| format!("bad pattern `{pattern}`"))?
        .compile_matcher())
}

pub(crate) fn task(name: &str) -> anyhow::Result<Task> {
    Task::from_name(name).with_context(|| {
        let names: Vec<&str> = Task::ALL.iter().map(|t| t.as_str()).collect();
        format!("unknown task `{name}` (one of {})", names.join(", "))
    })
}

pub(crate) fn tier(name: &str) -> anyhow::Result<Tier> {
    Tier::from_name(name)
        .with_context(|| format!("unknown tier `{name}` (trivial, simple, moderate, complex)"))
}

fn compile(entry: RuleEntry) -> anyhow::Result<Rule> {
    let when = entry.when;
    let provider = match when.provider.as_deref() {
        None => None,
        Some(name) => match Provider::from_name(name) {
            Provider::Unknown => bail!("unknown provider `{name}`"),
            known => Some(known),
        },
    };
    let set_verifiable = match entry.set.verifiable.as_deref() {
        None => None,
        Some("none") => Some(None),
        Some(name) => Some(Some(Verifiable::from_name(name).with_context(|| {
            format!("unknown verifiable `{name}` (json_schema, tool_call, code, none)")
        })?)),
    };
    let rule = Rule {
        name: entry.name,
        model: when.model.as_deref().map(glob).transpose()?,
        provider,
        tags: when
            .tags
            .iter()
            .map(|(key, value)| Ok((key.clone(), glob(value)?)))
            .collect::<anyhow::Result<_>>()?,
        task: when.task.as_deref().map(task).transpose()?,
        tier: when.tier.as_deref().map(tier).transpose()?,
        prompt_tokens: (
            when.min_prompt_tokens.unwrap_or(0),
            when.max_prompt_tokens.unwrap_or(u64::MAX),
        ),
        output_tokens: (
            when.min_output_tokens.unwrap_or(0),
            when.max_output_tokens.unwrap_or(u64::MAX),
        ),
        tools: when.tools,
        images: when.images,
        json_schema: when.json_schema,
        set_task: entry.set.task.as_deref().map(task).transpose()?,
        set_tier: entry.set.tier.as_deref().map(tier).transpose()?,
        set_verifiable,
    };
    if rule.set_task.is_none() && rule.set_tier.is_none() && rule.set_verifiable.is_none() {
        bail!("`set` changes nothing: give a task, a tier or verifiable");
    }
    Ok(rule)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::classify;
    use crate::record::{CallText, Features, TokenBuckets};

    const RULES: &str = r#"
[[rule]]
name = "invoice-extract"
match = { tags = { feature = "invoice-*" } }
set = { task = "extraction", tier = "simple" }

[[rule]]
name = "big-mini-prompts"
match = { model = "GPT-4O-MINI*", min_prompt_tokens = 50000 }
set = { tier = "complex" }
"#;

    fn record(model: &str, tags: &[(&str, &str)], prompt: u64) -> CallRecord {
        CallRecord {
            model: model.into(),
            provider: Provider::OpenAi,
            tokens: TokenBuckets {
                input: prompt,
                output: 40,
                ..TokenBuckets::default()
            },
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            features: Features {
                message_count: 1,
                ..Features::default()
            },
            text: Some(CallText {
                system: String::new(),
                user: "Write a limerick about our quarterly invoices.".into(),
                prompt_chars: 46,
            }),
            ..CallRecord::default()
        }
    }

    #[test]
    fn the_first_matching_rule_sets_task_and_tier_and_is_named() {
        let rules = ClassifyRules::from_toml(RULES).unwrap();
        let call = record("gpt-4o", &[("feature", "invoice-extract")], 300);
        let mut verdict = classify(&call);
        rules.apply(&call, &mut verdict);
        assert_eq!(
            (verdict.task, verdict.tier),
            (Task::Extraction, Tier::Simple)
        );
        assert_eq!(Tier::from_complexity(verdict.complexity), Tier::Simple);
        assert_eq!(verdict.confidence, 1.0);
        assert!(verdict.reasons.contains(Reason::UserRule));
        assert_eq!(rules.name(verdict.rule.unwrap()), Some("invoice-extract"));
    }

    #[test]
    fn a_call_no_rule_matches_keeps_the_classifiers_verdict() {
        let rules = ClassifyRules::from_toml(RULES).unwrap();
        // Tag value does not match the glob; the model matches but the prompt is too short.
        let call = record("gpt-4o-mini-2024-07-18", &[("feature", "chat")], 49_999);
        let before = classify(&call);
        let mut verdict = before;
        rules.apply(&call, &mut verdict);
        assert_eq!(verdict, before);
        // At 50,000 prompt tokens the second rule (model glob, any case) applies.
        let call = record("gpt-4o-mini-2024-07-18", &[], 50_000);
        let mut verdict = classify(&call);
        rules.apply(&call, &mut verdict);
        assert_eq!(verdict.tier, Tier::Complex);
        assert_eq!(rules.name(verdict.rule.unwrap()), Some("big-mini-prompts"));
    }

    #[test]
    fn bad_rules_are_refused_with_the_reason() {
        let err = |text: &str| format!("{:#}", ClassifyRules::from_toml(text).unwrap_err());
        assert!(
            err("[[rule]]\nname = \"x\"\nset = { tier = \"easy\" }\n")
                .contains("unknown tier `easy`")
        );
        assert!(err("[[rule]]\nname = \"x\"\nset = {}\n").contains("changes nothing"));
        assert!(
            err("[[rule]]\nname = \"x\"\nmatch = { colour = \"red\" }\nset = { tier = \"simple\" }\n")
                .contains("line 3")
        );
        assert!(
            err("[[rule]]\nname = \"x\"\nmatch = { provider = \"acme\" }\nset = { tier = \"simple\" }\n")
                .contains("unknown provider `acme`")
        );
    }
}
