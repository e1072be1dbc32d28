//! Which calls a report covers: `--since`/`--until` (read in `--timezone`), and filters on
//! model, provider and tags. Calls left out are counted as skipped ("left out by a filter"),
//! never silently dropped.

use globset::{Glob, GlobMatcher};

use crate::pipeline::{CallRow, RunOutput};
use crate::pricing::PriceCatalog;

/// A `KEY=GLOB` tag filter.
#[derive(Debug, Clone)]
pub struct TagFilter {
    pub key: String,
    pub pattern: String,
    matcher: GlobMatcher,
}

/// The calls to keep. Within a kind of condition any one may match (two `--model`s are either
/// model); across kinds all must.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// First instant kept, in ms since the epoch.
    pub since_ms: Option<i64>,
    /// First instant no longer kept.
    pub until_ms: Option<i64>,
    /// Globs on the logged model name or the catalog id.
    pub models: Vec<(String, GlobMatcher)>,
    /// Provider names (`openai`, `anthropic`…).
    pub providers: Vec<String>,
    pub tags: Vec<TagFilter>,
}

fn glob(pattern: &str) -> Result<GlobMatcher, String> {
    Glob::new(pattern)
        .map(|g| g.compile_matcher())
        .map_err(|err| format!("bad pattern `{pattern}`: {err}"))
}

impl Filter {
    pub fn add_model(&mut self, pattern: &str) -> Result<(), String> {
        self.models.push((pattern.to_string(), glob(pattern)?));
        Ok(())
    }

    /// Adds a `KEY=GLOB` tag condition.
    pub fn add_tag(&mut self, condition: &str) -> Result<(), String> {
        let Some((key, pattern)) = condition.split_once('=') else {
            return Err(format!("tag filter `{condition}` is not KEY=VALUE"));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(format!("tag filter `{condition}` has no key"));
        }
        self.tags.push(TagFilter {
            key: key.to_string(),
            pattern: pattern.to_string(),
            matcher: glob(pattern)?,
        });
        Ok(())
    }

    /// Nothing to filter on.
    pub fn is_empty(&self) -> bool {
        self.since_ms.is_none()
            && self.until_ms.is_none()
            && self.models.is_empty()
            && self.providers.is_empty()
            && self.tags.is_empty()
    }

    /// The tag keys rows must keep for the filter to read them.
    pub fn tag_keys(&self) -> impl Iterator<Item = &str> {
        self.tags.iter().map(|t| t.key.as_str())
    }

    /// Whether a call stays in the report. A call without a time is left out when a time bound
    /// is set.
    pub fn keeps(&self, row: &CallRow, run: &RunOutput, catalog: &PriceCatalog) -> bool {
        if self.since_ms.is_some() || self.until_ms.is_some() {
            let Some(t) = row.timestamp_ms else {
                return false;
            };
            if self.since_ms.is_some_and(|since| t < since)
                || self.until_ms.is_some_and(|until| t >= until)
            {
                return false;
            }
        }
        if !self.providers.is_empty()
            && !self
                .providers
                .iter()
                .any(|p| p.eq_ignore_ascii_case(row.provider.as_str()))
        {
            return false;
        }
        if !self.models.is_empty() {
            let logged = run.models[row.model as usize].as_str();
            let id = row.price.map(|index| catalog.entry(index).id.as_str());
            let matches =
                |m: &GlobMatcher| m.is_match(logged) || id.is_some_and(|id| m.is_match(id));
            if !self.models.iter().any(|(_, m)| matches(m)) {
                return false;
            }
        }
        let tags = &run.tag_sets[row.tags as usize];
        self.tags.iter().all(|filter| {
            tags.iter()
                .any(|(key, value)| *key == filter.key && filter.matcher.is_match(value))
        })
    }

    /// The filter in words, for the report (empty when nothing is filtered).
    pub fn describe(&self) -> Vec<String> {
        let mut parts = Vec::new();
        let time = |ms: i64| {
            chrono::DateTime::from_timestamp_millis(ms).map_or_else(
                || ms.to_string(),
                |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            )
        };
        if let Some(since) = self.since_ms {
            parts.push(format!("since {}", time(since)));
        }
        if let Some(until) = self.until_ms {
            parts.push(format!("before {}", time(until)));
        }
        if !self.models.is_empty() {
            let names: Vec<&str> = self.models.iter().map(|(p, _)| p.as_str()).collect();
            parts.push(format!("model {}", names.join(" or ")));
        }
        if !self.providers.is_empty() {
            parts.push(format!("provider {}", self.providers.join(" or ")));
        }
        for tag in &self.tags {
            parts.push(format!("tag {}={}", tag.key, tag.pattern));
        }
        parts
    }
}
