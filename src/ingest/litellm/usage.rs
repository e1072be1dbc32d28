//! LiteLLM's usage object and how its counts become exclusive buckets.
//!
//! LiteLLM normalises every provider's usage to the OpenAI shape (`prompt_tokens`,
//! `completion_tokens`, `prompt_tokens_details.cached_tokens`,
//! `completion_tokens_details.reasoning_tokens`) and adds the Anthropic cache fields
//! (`cache_read_input_tokens`, `cache_creation_input_tokens`,
//! `prompt_tokens_details.cache_creation_tokens` / `cache_creation_token_details`).
//!
//! Whether `prompt_tokens` includes the cache depends on the LiteLLM version. Its Anthropic
//! transformation (`AnthropicConfig.calculate_usage` in
//! `litellm/llms/anthropic/chat/transformation.py`) adds both `cache_read_input_tokens` and
//! `cache_creation_input_tokens` to `input_tokens` in current releases (a v1.80.11 spend log in
//! BerriAI/litellm issue #11364 has a prompt of 98,805 tokens: 10 plain, 66,360 read and 32,435
//! written), but other releases added only the cache reads (`calculate_usage` at
//! BerriAI/litellm commit 005e5efa), and a proposed change for the `anthropic_messages`
//! pass-through (BerriAI/litellm PR #23342) reports the prompt the Anthropic way, without the
//! cache. Bedrock and Vertex routes follow the OpenAI-style convention. The counts themselves
//! tell the conventions apart well enough: a prompt smaller than its cache reads cannot include
//! them, one smaller than reads plus writes cannot include the writes. See
//! [`UsageParts::buckets`].

use serde::{Deserialize, Deserializer};

use crate::ingest::usage::{cache_writes, split_buckets};
use crate::ingest::values::count_value;
use crate::record::TokenBuckets;

/// A token count as LiteLLM writes it: an integer, sometimes a float or a numeric string, or
/// null. Anything else counts as absent rather than failing the record.
fn count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(count_value(&value))
}

/// Anthropic's split of cache writes by TTL, as LiteLLM passes it on.
#[derive(Deserialize, Default)]
struct CacheCreationDetails {
    #[serde(default, deserialize_with = "count")]
    ephemeral_5m_input_tokens: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    ephemeral_1h_input_tokens: Option<u64>,
}

/// `prompt_tokens_details`: OpenAI's cached tokens and LiteLLM's Anthropic cache writes.
#[derive(Deserialize, Default)]
struct PromptDetails {
    #[serde(default, deserialize_with = "count")]
    cached_tokens: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    cache_creation_tokens: Option<u64>,
    #[serde(default)]
    cache_creation_token_details: Option<CacheCreationDetails>,
}

/// `completion_tokens_details`: the reasoning share of the completion.
#[derive(Deserialize, Default)]
struct CompletionDetails {
    #[serde(default, deserialize_with = "count")]
    reasoning_tokens: Option<u64>,
}

/// A LiteLLM `Usage` object (also `additional_usage_values`, which is the same minus the three
/// totals). Unknown members are ignored.
#[derive(Deserialize, Default)]
pub(super) struct Usage {
    #[serde(default, deserialize_with = "count")]
    prompt_tokens: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    completion_tokens: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    total_tokens: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    cache_read_input_tokens: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    cache_creation_input_tokens: Option<u64>,
    #[serde(default, deserialize_with = "count")]
    reasoning_tokens: Option<u64>,
    /// Also the Responses API's `input_tokens_details` (cached tokens inside the input).
    #[serde(default, alias = "input_tokens_details")]
    prompt_tokens_details: Option<PromptDetails>,
    /// Also the Responses API's `output_tokens_details` (reasoning inside the output).
    #[serde(default, alias = "output_tokens_details")]
    completion_tokens_details: Option<CompletionDetails>,
    /// Anthropic's own spelling, when a usage object was passed through untranslated.
    #[serde(default)]
    cache_creation: Option<CacheCreationDetails>,
}

impl Usage {
    /// Parses a usage object from JSON text; `None` when it is not an object.
    pub(super) fn parse(text: &str) -> Option<Usage> {
        serde_json::from_str(text).ok()
    }
}

/// The counts gathered from every place a LiteLLM record keeps usage; the first source that
/// states a count wins.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct UsageParts {
    pub prompt: Option<u64>,
    pub completion: Option<u64>,
    pub total: Option<u64>,
    pub cache_read: Option<u64>,
    pub cache_write: Option<u64>,
    pub cache_write_1h: Option<u64>,
    pub reasoning: Option<u64>,
}

impl UsageParts {
    /// Fills the counts still missing from one more usage object.
    pub(super) fn add(&mut self, usage: &Usage) {
        let prompt_details = usage.prompt_tokens_details.as_ref();
        let ttl_split = prompt_details
            .and_then(|d| d.cache_creation_token_details.as_ref())
            .or(usage.cache_creation.as_ref());
        self.prompt = self.prompt.or(usage.prompt_tokens);
        self.completion = self.completion.or(usage.completion_tokens);
        self.total = self.total.or(usage.total_tokens);
        self.cache_read = self
            .cache_read
            .or(usage.cache_read_input_tokens)
            .or(prompt_details.and_then(|d| d.cached_tokens));
        self.cache_write = self
            .cache_write
            .or(usage.cache_creation_input_tokens)
            .or(prompt_details.and_then(|d| d.cache_creation_tokens));
        self.cache_write_1h = self.cache_write_1h.or(ttl_split.and_then(|split| {
            split
                .ephemeral_1h_input_tokens
                .or(split.ephemeral_5m_input_tokens.map(|_| 0))
        }));
        self.reasoning = self
            .reasoning
            .or(usage
                .completion_tokens_details
                .as_ref()
                .and_then(|d| d.reasoning_tokens))
            .or(usage.reasoning_tokens);
    }

    /// Exclusive buckets.
    ///
    /// Input: with prompt P, cache reads R and cache writes W, P ≥ R + W is read as LiteLLM's
    /// documented convention (P includes both, as OpenAI's includes its cached tokens), so the
    /// plain input is P − R − W; R ≤ P < R + W can only be a release that added the reads alone,
    /// so it is P − R; P < R means P excludes the cache (Anthropic's own convention) and is the
    /// plain input as it stands. Writes are 5-minute unless the TTL split says 1 hour.
    ///
    /// Output: `completion_tokens` includes reasoning (OpenAI convention), unless the total says
    /// otherwise — `total = P + C + reasoning` means the route reported thinking beside the
    /// completion (as Gemini's `thoughtsTokenCount` is), and it is added to the output.
    pub(super) fn buckets(&self) -> TokenBuckets {
        let prompt = self.prompt.unwrap_or(0);
        let read = self.cache_read.unwrap_or(0);
        let write = self.cache_write.unwrap_or(0);
        let input = if prompt >= read.saturating_add(write) {
            prompt - read - write
        } else if prompt >= read {
            prompt - read
        } else {
            prompt
        };
        let writes = cache_writes(Some(write), None, self.cache_write_1h);
        let completion = self.completion.unwrap_or(0);
        let reasoning = self.reasoning.unwrap_or(0);
        let outside = reasoning > 0
            && self.total.is_some_and(|total| {
                total != prompt.saturating_add(completion)
                    && total == prompt.saturating_add(completion).saturating_add(reasoning)
            });
        let output = if outside || reasoning > completion {
            completion.saturating_add(reasoning)
        } else {
            completion
        };
        split_buckets(input, read, writes, output, reasoning)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(prompt: u64, read: u64, write: u64) -> UsageParts {
        UsageParts {
            prompt: Some(prompt),
            completion: Some(10),
            cache_read: Some(read),
            cache_write: Some(write),
            ..UsageParts::default()
        }
    }

    #[test]
    fn prompt_conventions_are_told_apart_by_the_counts() {
        // Current LiteLLM: prompt = 10 plain + 66,360 read + 32,435 written (issue #11364).
        let b = parts(98_805, 66_360, 32_435).buckets();
        assert_eq!(
            (b.input, b.cache_read, b.cache_write_5m),
            (10, 66_360, 32_435)
        );
        // Releases that added only the reads: prompt = 3 plain + 12,000 read, writes outside.
        let b = parts(12_003, 12_000, 12_304).buckets();
        assert_eq!(
            (b.input, b.cache_read, b.cache_write_5m),
            (3, 12_000, 12_304)
        );
        // Anthropic's own convention: prompt excludes the cache.
        let b = parts(12, 2495, 0).buckets();
        assert_eq!((b.input, b.cache_read), (12, 2495));
        // OpenAI: cached tokens are inside the prompt.
        let b = parts(1117, 1024, 0).buckets();
        assert_eq!((b.input, b.cache_read), (93, 1024));
    }

    #[test]
    fn reasoning_outside_the_completion_is_added_to_output() {
        let mut usage = UsageParts {
            prompt: Some(100),
            completion: Some(50),
            reasoning: Some(200),
            total: Some(350),
            ..UsageParts::default()
        };
        let b = usage.buckets();
        assert_eq!((b.output, b.reasoning), (250, 200));
        usage.completion = Some(250);
        usage.total = Some(350);
        let b = usage.buckets();
        assert_eq!((b.output, b.reasoning), (250, 200));
    }

    #[test]
    fn lenient_counts() {
        let usage: Usage = serde_json::from_str(
            r#"{"prompt_tokens": 12.0, "completion_tokens": "7", "total_tokens": null,
                "prompt_tokens_details": {"cached_tokens": -1, "cache_creation_token_details":
                {"ephemeral_5m_input_tokens": 4, "ephemeral_1h_input_tokens": null}}}"#,
        )
        .unwrap();
        let mut parts = UsageParts::default();
        parts.add(&usage);
        assert_eq!(parts.prompt, Some(12));
        assert_eq!(parts.completion, Some(7));
        assert_eq!(parts.total, None);
        assert_eq!(parts.cache_read, None);
        assert_eq!(parts.cache_write_1h, Some(0));
    }
}
