//! Routing policies as code: a TOML file of ordered rules, each matching calls on what the logs
//! say about them and applying actions (route, cascade, caching, batch, caps). The built-in
//! policies are such files, embedded.
//!
//! ```toml
//! name = "mini-for-simple"
//! description = "simple calls on a mini model, background calls batched"
//!
//! [[rule]]
//! name = "background"
//! match = { latency = "background" }
//! batch = true
//! continue = true          # later rules may add actions
//!
//! [[rule]]
//! name = "simple"
//! match = { tier = ["trivial", "simple"], provider = "openai" }
//! route = ["gpt-4.1-mini", "gpt-4o-mini"]
//! prompt_cache = "5m"
//! ```
//!
//! Rules are tried in file order. A matching rule's actions apply unless an earlier matching
//! rule already set the same kind of action (`route` and `cascade` are one kind: the model the
//! call goes to). The first matching rule without `continue = true` ends the search.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use globset::GlobMatcher;
use serde::Deserialize;

use crate::classify::rules::{glob, task, tier};
use crate::classify::{Task, Tier, Verifiable};
use crate::pipeline::{CallRow, TagSet};
use crate::pricing::PriceCatalog;
use crate::record::Provider;

/// The catalog's cheaper sibling of the call's own model (its `downgrade_to`).
pub const CHEAPER: &str = "@cheaper";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    name: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    rule: Vec<toml::Spanned<RuleEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    name: String,
    #[serde(rename = "match", default)]
    when: MatchEntry,
    #[serde(rename = "continue", default)]
    continues: bool,
    route: Option<toml::Spanned<OneOrMany>>,
    cascade: Option<toml::Spanned<CascadeEntry>>,
    prompt_cache: Option<String>,
    response_cache: Option<String>,
    batch: Option<bool>,
    cap_reasoning: Option<CapEntry>,
    cap_output: Option<CapEntry>,
}

/// A string or a list of strings.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }
}

/// `true`/`false`, or the kinds of check that count.
#[derive(Deserialize)]
#[serde(untagged)]
enum VerifiableEntry {
    Any(bool),
    Kinds(OneOrMany),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct MatchEntry {
    task: Option<OneOrMany>,
    tier: Option<OneOrMany>,
    verifiable: Option<VerifiableEntry>,
    provider: Option<OneOrMany>,
    /// Model globs, matched against the name the log wrote and the catalog id.
    model: Option<OneOrMany>,
    /// Tag key → value glob (project, user, feature, any metadata key).
    #[serde(default)]
    tags: BTreeMap<String, String>,
    min_prompt_tokens: Option<u64>,
    max_prompt_tokens: Option<u64>,
    min_output_tokens: Option<u64>,
    max_output_tokens: Option<u64>,
    tools: Option<bool>,
    images: Option<bool>,
    json_schema: Option<bool>,
    /// UTC hours `"22-06"`: from the first hour (inclusive) to the second (exclusive), wrapping.
    hours: Option<String>,
    /// UTC weekdays: `mon` … `sun`.
    days: Option<OneOrMany>,
    /// `interactive` (streamed, from an interactive tool, or in a tool loop) or `background`.
    latency: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CascadeEntry {
    #[serde(rename = "try")]
    first: OneOrMany,
    escalate_to: Option<String>,
    escalation_rate: Option<f64>,
}

/// `true` (the priors' default reduction) or `{ reduction = 0.4 }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum CapEntry {
    On(bool),
    Reduction { reduction: f64 },
}

/// Where a call is sent: a catalog model, or its model's cheaper sibling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Cheaper,
    /// A catalog id.
    Model(String),
}

/// Try a cheaper model first; escalate to a stronger one when the call's check fails.
#[derive(Debug, Clone, PartialEq)]
pub struct Cascade {
    pub first: Vec<Target>,
    /// Catalog id of the model escalations go to; `None`: the call's own model.
    pub escalate_to: Option<String>,
    /// The share of calls that escalate, when the team knows it; else the risk model's
    /// P(degraded) × the check's catch rate.
    pub escalation_rate: Option<f64>,
}

/// Prompt-cache lifetime, as the providers sell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CacheTtl {
    FiveMinutes,
    OneHour,
}

impl CacheTtl {
    pub fn millis(self) -> i64 {
        match self {
            CacheTtl::FiveMinutes => 5 * 60_000,
            CacheTtl::OneHour => 60 * 60_000,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CacheTtl::FiveMinutes => "5m",
            CacheTtl::OneHour => "1h",
        }
    }
}

/// How much of a token budget a cap removes; `None`: the risk priors' default for the cap.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CapAction {
    pub reduction: Option<f64>,
}

/// What a policy does to a call. Every field is one kind of action.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Actions {
    /// Shared with the rule: merging a rule's actions into a call's is a reference count, not a
    /// copy of its model names, on every call of every replay.
    pub route: Option<Arc<[Target]>>,
    pub cascade: Option<Arc<Cascade>>,
    pub prompt_cache: Option<CacheTtl>,
    /// Window, in milliseconds, in which an exact repeat is served from a response cache.
    pub response_cache: Option<i64>,
    pub batch: Option<bool>,
    pub cap_reasoning: Option<CapAction>,
    pub cap_output: Option<CapAction>,
}

impl Actions {
    /// Fills every kind of action not yet set from `later`.
    fn fill_from(&mut self, later: &Actions) {
        if self.route.is_none() && self.cascade.is_none() {
            self.route.clone_from(&later.route);
            self.cascade.clone_from(&later.cascade);
        }
        self.prompt_cache = self.prompt_cache.or(later.prompt_cache);
        self.response_cache = self.response_cache.or(later.response_cache);
        self.batch = self.batch.or(later.batch);
        self.cap_reasoning = self.cap_reasoning.or(later.cap_reasoning);
        self.cap_output = self.cap_output.or(later.cap_output);
    }

    fn is_empty(&self) -> bool {
        *self == Actions::default()
    }

    /// One short phrase per action, for listings.
    pub fn describe(&self) -> Vec<String> {
        let targets = |list: &[Target]| {
            list.iter()
                .map(|t| match t {
                    Target::Cheaper => "the cheaper sibling".to_string(),
                    Target::Model(id) => id.clone(),
                })
                .collect::<Vec<_>>()
                .join(" or ")
        };
        let mut phrases = Vec::new();
        if let Some(route) = &self.route {
            phrases.push(format!("route to {}", targets(route)));
        }
        if let Some(cascade) = &self.cascade {
            phrases.push(format!(
                "cascade: try {}, escalate to {}",
                targets(&cascade.first),
                cascade
                    .escalate_to
                    .as_deref()
                    .unwrap_or("the call's own model")
            ));
        }
        if let Some(ttl) = self.prompt_cache {
            phrases.push(format!("prompt cache ({})", ttl.as_str()));
        }
        if let Some(window) = self.response_cache {
            phrases.push(format!("response cache ({} min)", window / 60_000));
        }
        if self.batch == Some(true) {
            phrases.push("batch".to_string());
        }
        if self.cap_reasoning.is_some() {
            phrases.push("cap reasoning".to_string());
        }
        if self.cap_output.is_some() {
            phrases.push("cap output".to_string());
        }
        if phrases.is_empty() {
            phrases.push("keep as logged".to_string());
        }
        phrases
    }
}

/// Latency need of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatencyNeed {
    /// Streamed, from an interactive tool, or a step of a tool loop.
    Interactive,
    /// Nobody waited on it.
    Background,
}

/// What a rule asks of a call's check.
#[derive(Debug, Clone)]
enum VerifiableCondition {
    /// Any check.
    Any,
    /// No check.
    None,
    /// One of these checks.
    OneOf(Vec<Verifiable>),
}

/// Conditions of a rule; every one given must hold.
#[derive(Debug, Clone, Default)]
struct Conditions {
    tasks: Option<Vec<Task>>,
    tiers: Option<Vec<Tier>>,
    verifiable: Option<VerifiableCondition>,
    providers: Option<Vec<Provider>>,
    models: Vec<GlobMatcher>,
    tags: Vec<(String, GlobMatcher)>,
    prompt_tokens: (u64, u64),
    output_tokens: (u64, u64),
    tools: Option<bool>,
    images: Option<bool>,
    json_schema: Option<bool>,
    hours: Option<(u32, u32)>,
    /// Bit `n` set: weekday `n` (Monday = 0) matches.
    days: Option<u8>,
    latency: Option<LatencyNeed>,
}

/// One compiled rule.
#[derive(Debug, Clone)]
pub struct PolicyRule {
    pub name: String,
    /// Line of the rule's table in its file.
    pub line: usize,
    when: Conditions,
    pub actions: Actions,
    pub continues: bool,
}

/// A routing policy: its rules in file order.
#[derive(Debug, Clone)]
pub struct Policy {
    pub name: String,
    pub description: String,
    pub rules: Vec<PolicyRule>,
}

/// What the match conditions read besides the row: the run's model names and tag sets.
pub struct MatchInput<'a> {
    pub models: &'a [String],
    pub tag_sets: &'a [TagSet],
    pub catalog: &'a PriceCatalog,
}

impl Policy {
    /// Reads and compiles a policy file, checking model names against `catalog`. Errors name
    /// the file and the line of the rule at fault.
    pub fn from_file(path: &Path, catalog: &PriceCatalog) -> anyhow::Result<Policy> {
        let text = crate::ingest::read_input_text(path)?;
        let stem = path.file_stem().map_or_else(
            || "policy".to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        Policy::from_toml(&text, &stem, catalog)
            .with_context(|| format!("policy file {}", path.display()))
    }

    /// Compiles policy TOML; `default_name` names a policy whose file gives none.
    pub fn from_toml(
        text: &str,
        default_name: &str,
        catalog: &PriceCatalog,
    ) -> anyhow::Result<Policy> {
        let file: PolicyFile = toml::from_str(text)?;
        let mut rules = Vec::with_capacity(file.rule.len());
        let newlines: Vec<usize> = memchr::memchr_iter(b'\n', text.as_bytes()).collect();
        let line_of = |offset: usize| newlines.partition_point(|&at| at < offset) + 1;
        for spanned in file.rule {
            let line = line_of(spanned.span().start);
            let entry = spanned.into_inner();
            let name = entry.name.clone();
            // Model names are checked where they are written; other errors name the rule.
            let at = |span: std::ops::Range<usize>| line_of(span.start);
            let route_line = entry.route.as_ref().map(|r| at(r.span()));
            let cascade_line = entry.cascade.as_ref().map(|c| at(c.span()));
            let rule = compile(entry, line, catalog).map_err(|err| {
                let line = match err.downcast_ref::<ModelError>() {
                    Some(ModelError::Route) => route_line.unwrap_or(line),
                    Some(ModelError::Cascade) => cascade_line.unwrap_or(line),
                    None => line,
                };
                anyhow::anyhow!("line {line}: rule `{name}`: {err:#}")
            })?;
            rules.push(rule);
        }
        Ok(Policy {
            name: file.name.unwrap_or_else(|| default_name.to_string()),
            description: file.description,
            rules,
        })
    }

    /// Tag keys the rules match on: the rows of a run must keep them.
    pub fn tag_keys(&self) -> impl Iterator<Item = &str> {
        self.rules
            .iter()
            .flat_map(|rule| rule.when.tags.iter().map(|(key, _)| key.as_str()))
    }

    /// The catalog ids the rules send calls to by name (not the catalog's sibling).
    pub fn named_models(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().flat_map(|rule| {
            let actions = &rule.actions;
            let route = actions.route.iter().flat_map(|route| route.iter());
            let cascade = actions.cascade.iter().flat_map(|c| c.first.iter());
            let escalate = actions
                .cascade
                .iter()
                .filter_map(|c| c.escalate_to.as_deref());
            route
                .chain(cascade)
                .filter_map(|target| match target {
                    Target::Model(id) => Some(id.as_str()),
                    Target::Cheaper => None,
                })
                .chain(escalate)
        })
    }

    /// Some rule sends calls through a prompt or response cache.
    pub fn caches(&self) -> bool {
        self.rules.iter().any(|rule| {
            rule.actions.prompt_cache.is_some() || rule.actions.response_cache.is_some()
        })
    }

    /// The actions of every matching rule, merged in rule order; the index of the first
    /// matching rule names it in per-call output.
    pub fn actions_for(&self, row: &CallRow, input: &MatchInput<'_>) -> Option<(usize, Actions)> {
        let mut first = None;
        let mut actions = Actions::default();
        for (index, rule) in self.rules.iter().enumerate() {
            if !rule.when.matches(row, input) {
                continue;
            }
            first.get_or_insert(index);
            actions.fill_from(&rule.actions);
            if !rule.continues {
                break;
            }
        }
        first.map(|index| (index, actions))
    }
}

impl Conditions {
    fn matches(&self, row: &CallRow, input: &MatchInput<'_>) -> bool {
        let c = &row.classification;
        let in_range = |value: u64, (low, high): (u64, u64)| low <= value && value <= high;
        self.tasks.as_ref().is_none_or(|t| t.contains(&c.task))
            && self.tiers.as_ref().is_none_or(|t| t.contains(&c.tier))
            && match &self.verifiable {
                None => true,
                Some(VerifiableCondition::Any) => c.verifiable.is_some(),
                Some(VerifiableCondition::None) => c.verifiable.is_none(),
                Some(VerifiableCondition::OneOf(kinds)) => {
                    c.verifiable.is_some_and(|v| kinds.contains(&v))
                }
            }
            && self
                .providers
                .as_ref()
                .is_none_or(|p| p.contains(&row.provider))
            && (self.models.is_empty() || self.model_matches(row, input))
            && self.tags.iter().all(|(key, value)| {
                input
                    .tag_sets
                    .get(row.tags as usize)
                    .is_some_and(|set| set.iter().any(|(k, v)| k == key && value.is_match(v)))
            })
            && in_range(row.tokens.prompt_total(), self.prompt_tokens)
            && in_range(row.tokens.output, self.output_tokens)
            && self.tools.is_none_or(|want| want == row.flags.tools)
            && self.images.is_none_or(|want| want == row.flags.images)
            && self
                .json_schema
                .is_none_or(|want| want == row.flags.json_schema)
            && self
                .latency
                .is_none_or(|need| (need == LatencyNeed::Background) == row.flags.no_latency_need())
            && self.time_matches(row.timestamp_ms)
    }

    fn model_matches(&self, row: &CallRow, input: &MatchInput<'_>) -> bool {
        let logged = input.models.get(row.model as usize).map(String::as_str);
        let id = row.price.map(|p| input.catalog.entry(p).id.as_str());
        self.models.iter().any(|glob| {
            logged.is_some_and(|name| glob.is_match(name)) || id.is_some_and(|id| glob.is_match(id))
        })
    }

    /// Hours and weekdays, in UTC; a call without a timestamp matches no time condition.
    fn time_matches(&self, at_ms: Option<i64>) -> bool {
        if self.hours.is_none() && self.days.is_none() {
            return true;
        }
        let Some(at) = at_ms.and_then(chrono::DateTime::from_timestamp_millis) else {
            return false;
        };
        use chrono::{Datelike, Timelike};
        let hour = at.hour();
        let hours_ok = self.hours.is_none_or(|(from, to)| {
            if from <= to {
                from <= hour && hour < to
            } else {
                hour >= from || hour < to
            }
        });
        let weekday = at.weekday().num_days_from_monday();
        hours_ok && self.days.is_none_or(|mask| mask & (1 << weekday) != 0)
    }
}

/// Which action a bad model name was in, to point at its line.
#[derive(Debug, thiserror::Error)]
enum ModelError {
    #[error("route")]
    Route,
    #[error("cascade")]
    Cascade,
}

fn compile(entry: RuleEntry, line: usize, catalog: &PriceCatalog) -> anyhow::Result<PolicyRule> {
    let when = compile_match(entry.when)?;
    let model = |name: String| -> anyhow::Result<Target> {
        if name == CHEAPER {
            return Ok(Target::Cheaper);
        }
        let index = catalog
            .resolve(&name, None)
            .with_context(|| format!("model `{name}` is not in the price catalog"))?;
        Ok(Target::Model(catalog.entry(index).id.clone()))
    };
    let targets = |list: OneOrMany| -> anyhow::Result<Vec<Target>> {
        let list = list.into_vec();
        if list.is_empty() {
            bail!("an empty model list");
        }
        list.into_iter().map(model).collect()
    };
    if entry.route.is_some() && entry.cascade.is_some() {
        bail!("both `route` and `cascade`: a call goes to one model");
    }
    let cascade = match entry.cascade.map(toml::Spanned::into_inner) {
        None => None,
        Some(c) => {
            if let Some(rate) = c.escalation_rate
                && !(0.0..=1.0).contains(&rate)
            {
                bail!("escalation_rate {rate} is not between 0 and 1");
            }
            let escalate_to = match c.escalate_to {
                None => None,
                Some(name) => match model(name).context(ModelError::Cascade)? {
                    Target::Model(id) => Some(id),
                    Target::Cheaper => bail!("`escalate_to` must name a model"),
                },
            };
            Some(Cascade {
                first: targets(c.first).context(ModelError::Cascade)?,
                escalate_to,
                escalation_rate: c.escalation_rate,
            })
        }
    };
    let actions = Actions {
        route: entry
            .route
            .map(|route| targets(route.into_inner()).context(ModelError::Route))
            .transpose()?
            .map(Arc::from),
        cascade: cascade.map(Arc::new),
        prompt_cache: entry
            .prompt_cache
            .as_deref()
            .map(|ttl| match ttl {
                "5m" => Ok(CacheTtl::FiveMinutes),
                "1h" => Ok(CacheTtl::OneHour),
                other => Err(anyhow::anyhow!(
                    "prompt_cache TTL `{other}` (the providers sell `5m` and `1h`)"
                )),
            })
            .transpose()?,
        response_cache: entry
            .response_cache
            .as_deref()
            .map(duration_ms)
            .transpose()?,
        batch: entry.batch,
        cap_reasoning: entry.cap_reasoning.map(cap).transpose()?.flatten(),
        cap_output: entry.cap_output.map(cap).transpose()?.flatten(),
    };
    // A rule without actions keeps its calls as logged (an exception to later rules); with
    // `continue` as well it would do nothing at all.
    if actions.is_empty() && entry.continues {
        bail!("no action, and `continue`: the rule does nothing");
    }
    Ok(PolicyRule {
        name: entry.name,
        line,
        when,
        actions,
        continues: entry.continues,
    })
}

fn cap(entry: CapEntry) -> anyhow::Result<Option<CapAction>> {
    match entry {
        CapEntry::On(false) => Ok(None),
        CapEntry::On(true) => Ok(Some(CapAction { reduction: None })),
        CapEntry::Reduction { reduction } => {
            if !(reduction > 0.0 && reduction < 1.0) {
                bail!("cap reduction {reduction} is not strictly between 0 and 1");
            }
            Ok(Some(CapAction {
                reduction: Some(reduction),
            }))
        }
    }
}

/// `"90s"`, `"10m"`, `"1h"`, `"1d"` in milliseconds.
fn duration_ms(text: &str) -> anyhow::Result<i64> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .with_context(|| format!("duration `{text}` needs a unit (s, m, h, d)"))?;
    let (number, unit) = text.split_at(split);
    let number: i64 = number
        .parse()
        .with_context(|| format!("duration `{text}`: no number"))?;
    let unit_ms = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => bail!("duration `{text}`: unit `{unit}` is not s, m, h or d"),
    };
    if number <= 0 {
        bail!("duration `{text}` must be positive");
    }
    Ok(number * unit_ms)
}

fn compile_match(when: MatchEntry) -> anyhow::Result<Conditions> {
    let providers = when
        .provider
        .map(|list| {
            list.into_vec()
                .into_iter()
                .map(|name| match Provider::from_name(&name) {
                    Provider::Unknown => bail!("unknown provider `{name}`"),
                    known => Ok(known),
                })
                .collect::<anyhow::Result<Vec<_>>>()
        })
        .transpose()?;
    let verifiable = match when.verifiable {
        None => None,
        Some(VerifiableEntry::Any(true)) => Some(VerifiableCondition::Any),
        Some(VerifiableEntry::Any(false)) => Some(VerifiableCondition::None),
        Some(VerifiableEntry::Kinds(kinds)) => {
            let kinds = kinds
                .into_vec()
                .into_iter()
                .map(|name| {
                    Verifiable::from_name(&name).with_context(|| {
                        format!("unknown verifiable `{name}` (json_schema, tool_call, code)")
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            Some(VerifiableCondition::OneOf(kinds))
        }
    };
    let hours = when.hours.as_deref().map(hours).transpose()?;
    let days = when
        .days
        .map(|list| {
            list.into_vec().iter().try_fold(0u8, |mask, name| {
                const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
                let day = DAYS
                    .iter()
                    .position(|d| name.eq_ignore_ascii_case(d))
                    .with_context(|| format!("unknown day `{name}` (mon … sun)"))?;
                Ok::<u8, anyhow::Error>(mask | 1 << day)
            })
        })
        .transpose()?;
    let latency = match when.latency.as_deref() {
        None => None,
        Some("interactive") => Some(LatencyNeed::Interactive),
        Some("background") => Some(LatencyNeed::Background),
        Some(other) => bail!("latency `{other}` (interactive or background)"),
    };
    let range = |low: Option<u64>, high: Option<u64>, what: &str| {
        let range = (low.unwrap_or(0), high.unwrap_or(u64::MAX));
        if range.0 > range.1 {
            bail!("min_{what}_tokens is above max_{what}_tokens");
        }
        Ok(range)
    };
    Ok(Conditions {
        tasks: when
            .task
            .map(|list| list.into_vec().iter().map(|t| task(t)).collect())
            .transpose()?,
        tiers: when
            .tier
            .map(|list| list.into_vec().iter().map(|t| tier(t)).collect())
            .transpose()?,
        verifiable,
        providers,
        models: when
            .model
            .map(|list| list.into_vec().iter().map(|m| glob(m)).collect())
            .transpose()?
            .unwrap_or_default(),
        tags: when
            .tags
            .into_iter()
            .map(|(key, value)| Ok((key, glob(&value)?)))
            .collect::<anyhow::Result<_>>()?,
        prompt_tokens: range(when.min_prompt_tokens, when.max_prompt_tokens, "prompt")?,
        output_tokens: range(when.min_output_tokens, when.max_output_tokens, "output")?,
        tools: when.tools,
        images: when.images,
        json_schema: when.json_schema,
        hours,
        days,
        latency,
    })
}

/// `"22-06"`: UTC hours from 22:00 to 06:00.
fn hours(text: &str) -> anyhow::Result<(u32, u32)> {
    let (from, to) = text
        .split_once('-')
        .with_context(|| format!("hours `{text}` should read like `09-17`"))?;
    let hour = |part: &str| -> anyhow::Result<u32> {
        let hour: u32 = part
            .trim()
            .parse()
            .with_context(|| format!("hours `{text}`: `{part}` is not an hour"))?;
        if hour > 24 {
            bail!("hours `{text}`: {hour} is past 24");
        }
        Ok(hour % 24)
    };
    let range = (hour(from)?, hour(to)?);
    if range.0 == range.1 {
        bail!("hours `{text}` is an empty range");
    }
    Ok(range)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Tier;
    use crate::risk::test_row;

    fn catalog() -> PriceCatalog {
        PriceCatalog::embedded().unwrap()
    }

    fn compile_err(text: &str) -> String {
        format!(
            "{:#}",
            Policy::from_toml(text, "t", &catalog()).unwrap_err()
        )
    }

    fn input<'a>(
        models: &'a [String],
        tag_sets: &'a [TagSet],
        catalog: &'a PriceCatalog,
    ) -> MatchInput<'a> {
        MatchInput {
            models,
            tag_sets,
            catalog,
        }
    }

    #[test]
    fn the_example_policies_compile() {
        let catalog = catalog();
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/policies");
        for name in ["tiered-routing", "cross-provider", "off-hours-batch"] {
            let policy = Policy::from_file(&folder.join(format!("{name}.toml")), &catalog).unwrap();
            assert_eq!(policy.name, name);
            assert!(!policy.rules.is_empty());
        }
    }

    #[test]
    fn errors_point_at_the_line() {
        let text = "name = \"p\"\n\n[[rule]]\nname = \"typo\"\nmatch = { tier = \"simple\" }\nroute = \"gpt-4.1-minni\"\n";
        let err = compile_err(text);
        assert!(err.starts_with("line 6: rule `typo`"), "{err}");
        assert!(err.contains("gpt-4.1-minni"), "{err}");
        let err = compile_err("[[rule]]\nname = \"a\"\nprompt_cache = \"10m\"\n");
        assert!(
            err.starts_with("line 1: rule `a`") && err.contains("`5m` and `1h`"),
            "{err}"
        );
        let err =
            compile_err("[[rule]]\nname = \"a\"\nmatch = { tier = \"hard\" }\nbatch = true\n");
        assert!(err.contains("unknown tier `hard`"), "{err}");
        // Unknown keys are syntax errors, with toml's line and column.
        let err = compile_err("[[rule]]\nname = \"a\"\nbatchh = true\n");
        assert!(err.contains("line 3"), "{err}");
        let err = compile_err(
            "[[rule]]\nname = \"a\"\nroute = \"gpt-4o\"\ncascade = { try = \"gpt-4o-mini\" }\n",
        );
        assert!(err.contains("a call goes to one model"), "{err}");
        let err = compile_err("[[rule]]\nname = \"a\"\ncontinue = true\n");
        assert!(err.contains("does nothing"), "{err}");
        let err =
            compile_err("[[rule]]\nname = \"a\"\nmatch = { hours = \"9-9\" }\nbatch = true\n");
        assert!(err.contains("empty range"), "{err}");
        let err = compile_err(
            "[[rule]]\nname = \"a\"\ncascade = { try = \"gpt-4o-mini\", escalation_rate = 1.5 }\n",
        );
        assert!(err.contains("not between 0 and 1"), "{err}");
    }

    #[test]
    fn continue_merges_actions_and_the_first_of_a_kind_wins() {
        let policy = Policy::from_toml(
            r#"
[[rule]]
name = "cache"
prompt_cache = "1h"
continue = true

[[rule]]
name = "simple"
match = { tier = "simple" }
route = "gpt-4o-mini"
prompt_cache = "5m"

[[rule]]
name = "never-reached-for-simple"
batch = true
"#,
            "t",
            &catalog(),
        )
        .unwrap();
        let catalog = catalog();
        let models = vec!["gpt-4o".to_string()];
        let tags = vec![TagSet::new()];
        let input = input(&models, &tags, &catalog);
        let mut row = test_row();
        row.classification.tier = Tier::Simple;
        let (first, actions) = policy.actions_for(&row, &input).unwrap();
        assert_eq!(first, 0);
        assert_eq!(actions.prompt_cache, Some(CacheTtl::OneHour));
        assert_eq!(
            actions.route.as_deref(),
            Some([Target::Model("gpt-4o-mini".into())].as_slice())
        );
        assert_eq!(actions.batch, None, "the simple rule ends the search");
        row.classification.tier = Tier::Complex;
        let (_, actions) = policy.actions_for(&row, &input).unwrap();
        assert_eq!((actions.route, actions.batch), (None, Some(true)));
    }

    #[test]
    fn conditions_read_tags_models_time_and_latency_need() {
        let policy = Policy::from_toml(
            r#"
[[rule]]
name = "night-billing-background"
match = { tags = { project = "bill*" }, model = "gpt-4o*", hours = "22-06", days = ["sat", "sun"], latency = "background" }
batch = true
"#,
            "t",
            &catalog(),
        )
        .unwrap();
        assert_eq!(policy.tag_keys().collect::<Vec<_>>(), ["project"]);
        let catalog = catalog();
        let models = vec!["gpt-4o-2024-08-06".to_string()];
        let tags = vec![
            TagSet::new(),
            vec![("project".to_string(), "billing".to_string())],
        ];
        let input = input(&models, &tags, &catalog);
        let mut row = test_row();
        row.tags = 1;
        // Saturday 2026-11-21 23:30 UTC.
        row.timestamp_ms = Some(1_795_303_800_000);
        assert!(policy.actions_for(&row, &input).is_some());
        let mut streamed = row;
        streamed.flags.streamed = true;
        assert!(
            policy.actions_for(&streamed, &input).is_none(),
            "interactive"
        );
        let mut noon = row;
        noon.timestamp_ms = Some(1_795_303_800_000 - 11 * 3_600_000);
        assert!(
            policy.actions_for(&noon, &input).is_none(),
            "12:30 is outside 22-06"
        );
        let mut untagged = row;
        untagged.tags = 0;
        assert!(
            policy.actions_for(&untagged, &input).is_none(),
            "no project tag"
        );
        let mut untimed = row;
        untimed.timestamp_ms = None;
        assert!(
            policy.actions_for(&untimed, &input).is_none(),
            "no timestamp"
        );
    }

    #[test]
    fn verifiable_matches_any_check_none_or_the_kinds_listed() {
        let catalog = catalog();
        let compile = |condition: &str| {
            Policy::from_toml(
                &format!(
                    "[[rule]]\nname = \"r\"\nmatch = {{ verifiable = {condition} }}\nbatch = true\n"
                ),
                "t",
                &catalog,
            )
            .unwrap()
        };
        let models = vec!["gpt-4o".to_string()];
        let tags = vec![TagSet::new()];
        let input = input(&models, &tags, &catalog);
        let plain = test_row();
        let mut code = test_row();
        code.classification.verifiable = Some(Verifiable::Code);
        let matches = |policy: &Policy, row: &CallRow| policy.actions_for(row, &input).is_some();
        let any = compile("true");
        assert!(matches(&any, &code) && !matches(&any, &plain));
        let none = compile("false");
        assert!(!matches(&none, &code) && matches(&none, &plain));
        let schema = compile("[\"json_schema\", \"tool_call\"]");
        assert!(!matches(&schema, &code) && !matches(&schema, &plain));
        let code_only = compile("\"code\"");
        assert!(matches(&code_only, &code));
    }
}
