//! The usage vocabularies: how each family of APIs counts tokens, turned into llm-audit's
//! exclusive buckets (input, cache reads, cache writes by TTL, output with reasoning inside).
//! Adapters read the counts from their own wire; the convention that decides money is written
//! here once.
//!
//! - **OpenAI style** (Chat Completions, Responses, Codex, most gateways and OTel GenAI): the
//!   prompt count *includes* cached tokens (`prompt_tokens_details.cached_tokens`); the output
//!   count includes reasoning (`completion_tokens_details.reasoning_tokens`).
//! - **Anthropic style** (Messages API, Claude Code, Bedrock Converse): `input_tokens` *excludes*
//!   cache reads and writes, counted beside it; `cache_creation` splits the writes by TTL.
//! - **Gemini style** (generateContent, Gemini CLI): `promptTokenCount` includes
//!   `cachedContentTokenCount`; `candidatesTokenCount` excludes `thoughtsTokenCount`;
//!   `toolUsePromptTokenCount` is input outside the prompt count.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::values::count;
use crate::record::TokenBuckets;

/// Cache writes by TTL, `(5 minutes, 1 hour)`. Anthropic's `cache_creation` object breaks
/// `cache_creation_input_tokens` down by TTL, so the total wins: the hour's part is at most the
/// total, and whatever the split leaves out was written with the default 5-minute TTL. Without
/// a total, the split is the total. (Sources: Anthropic prompt-caching docs, "Tracking cache
/// performance"; the Messages API `usage.cache_creation` reference.)
pub(crate) fn cache_writes(
    written: Option<u64>,
    five: Option<u64>,
    hour: Option<u64>,
) -> (u64, u64) {
    let total = written.unwrap_or_else(|| five.unwrap_or(0).saturating_add(hour.unwrap_or(0)));
    let hour = hour.unwrap_or(0).min(total);
    (total - hour, hour)
}

/// Uncached input from a prompt count that should include the cache reads and writes. A prompt
/// count smaller than the cache counts cannot include them: that provider counted them beside
/// it, so the count is the uncached input as it stands.
pub(crate) fn uncached_input(prompt: u64, cache_read: u64, cache_write: u64) -> u64 {
    let cached = cache_read.saturating_add(cache_write);
    if prompt >= cached {
        prompt - cached
    } else {
        prompt
    }
}

/// Output and reasoning from an output count that should include reasoning: reasoning larger
/// than the output count means that count left it out, and it is added.
pub(crate) fn output_with_reasoning(output: u64, reasoning: u64) -> TokenBuckets {
    let output = if reasoning > output {
        output.saturating_add(reasoning)
    } else {
        output
    };
    TokenBuckets {
        output,
        reasoning,
        ..TokenBuckets::default()
    }
}

/// OpenAI-style counts (cache inside the prompt, reasoning inside the output). OpenAI does not
/// bill cache writes; gateways that report them inside the prompt count pass `cache_write`,
/// billed at the 5-minute rate.
pub(crate) fn openai_style(
    prompt: u64,
    cache_read: u64,
    cache_write: u64,
    output: u64,
    reasoning: u64,
) -> TokenBuckets {
    TokenBuckets {
        input: uncached_input(prompt, cache_read, cache_write),
        cache_read,
        cache_write_5m: cache_write,
        ..output_with_reasoning(output, reasoning)
    }
}

/// Anthropic-style counts (cache reads and writes beside the input; thinking inside the output,
/// with no separate count).
pub(crate) fn anthropic_style(
    input: u64,
    cache_read: u64,
    written: Option<u64>,
    split: (Option<u64>, Option<u64>),
    output: u64,
) -> TokenBuckets {
    split_buckets(
        input,
        cache_read,
        cache_writes(written, split.0, split.1),
        output,
        0,
    )
}

/// Gemini-style counts: cached tokens come out of the prompt, tool-use prompt tokens are added
/// to the uncached input, thoughts are added to the candidates as output.
pub(crate) fn gemini_style(
    prompt: u64,
    cached: u64,
    candidates: u64,
    thoughts: u64,
    tool_prompt: u64,
) -> TokenBuckets {
    TokenBuckets {
        input: uncached_input(prompt, cached, 0).saturating_add(tool_prompt),
        cache_read: cached,
        output: candidates.saturating_add(thoughts),
        reasoning: thoughts,
        ..TokenBuckets::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Observability adapters (Helicone, LangSmith, Langfuse): a provider's usage object as a logged
// response body or a run's raw output carries it, OpenAI's shape or Anthropic's, its counts
// numbers or numeric strings.
// ---------------------------------------------------------------------------------------------

/// OpenAI's usage details: `prompt_tokens_details` and `completion_tokens_details`, the
/// Responses API's `input_tokens_details` and `output_tokens_details`.
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
pub(crate) struct WireDetails<'a> {
    pub(crate) cached_tokens: Option<&'a RawValue>,
    pub(crate) reasoning_tokens: Option<&'a RawValue>,
}

/// Anthropic's `cache_creation`: the cache writes by TTL.
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
pub(crate) struct WireCacheCreation<'a> {
    ephemeral_5m_input_tokens: Option<&'a RawValue>,
    ephemeral_1h_input_tokens: Option<&'a RawValue>,
}

impl WireCacheCreation<'_> {
    /// The writes `(5 minutes, 1 hour)` as [`cache_writes`] takes them.
    pub(crate) fn split(&self) -> (Option<u64>, Option<u64>) {
        (
            self.ephemeral_5m_input_tokens.and_then(count),
            self.ephemeral_1h_input_tokens.and_then(count),
        )
    }
}

/// A provider's usage object: OpenAI's (`prompt_tokens` or `input_tokens` with the cached
/// tokens inside, reasoning inside the completion) or Anthropic's (`input_tokens` with the cache
/// reads and writes beside it).
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
pub(crate) struct WireUsage<'a> {
    prompt_tokens: Option<&'a RawValue>,
    completion_tokens: Option<&'a RawValue>,
    input_tokens: Option<&'a RawValue>,
    output_tokens: Option<&'a RawValue>,
    #[serde(alias = "input_tokens_details")]
    prompt_tokens_details: Option<WireDetails<'a>>,
    #[serde(alias = "output_tokens_details")]
    completion_tokens_details: Option<WireDetails<'a>>,
    pub(crate) cache_read_input_tokens: Option<&'a RawValue>,
    cache_creation_input_tokens: Option<&'a RawValue>,
    pub(crate) cache_creation: Option<WireCacheCreation<'a>>,
}

impl WireUsage<'_> {
    /// The prompt count, OpenAI's spelling first.
    pub(crate) fn prompt(&self) -> Option<u64> {
        self.prompt_tokens.or(self.input_tokens).and_then(count)
    }

    /// The completion count, OpenAI's spelling first.
    pub(crate) fn completion(&self) -> Option<u64> {
        self.completion_tokens
            .or(self.output_tokens)
            .and_then(count)
    }

    /// OpenAI's cached tokens (inside the prompt count); 0 when not stated.
    pub(crate) fn cached(&self) -> u64 {
        let details = self.prompt_tokens_details.as_ref();
        details.and_then(|d| count(d.cached_tokens?)).unwrap_or(0)
    }

    /// OpenAI's reasoning tokens (inside the completion count); 0 when not stated.
    pub(crate) fn reasoning(&self) -> u64 {
        let details = self.completion_tokens_details.as_ref();
        details
            .and_then(|d| count(d.reasoning_tokens?))
            .unwrap_or(0)
    }

    /// Exclusive buckets: by Anthropic's convention when the object has Anthropic's cache
    /// fields and no `prompt_tokens`, else by OpenAI's. `None` without a prompt or output count.
    pub(crate) fn buckets(&self) -> Option<TokenBuckets> {
        let output = self.completion();
        let anthropic = self.cache_read_input_tokens.is_some()
            || self.cache_creation_input_tokens.is_some()
            || self.cache_creation.is_some();
        if anthropic && self.prompt_tokens.is_none() {
            let input = self.input_tokens.and_then(count);
            if input.is_none() && output.is_none() {
                return None;
            }
            let split = self
                .cache_creation
                .as_ref()
                .map_or((None, None), WireCacheCreation::split);
            return Some(anthropic_style(
                input.unwrap_or(0),
                self.cache_read_input_tokens.and_then(count).unwrap_or(0),
                self.cache_creation_input_tokens.and_then(count),
                split,
                output.unwrap_or(0),
            ));
        }
        let prompt = self.prompt();
        if prompt.is_none() && output.is_none() {
            return None;
        }
        Some(openai_style(
            prompt.unwrap_or(0),
            self.cached(),
            0,
            output.unwrap_or(0),
            self.reasoning(),
        ))
    }
}

/// Exclusive buckets from counts a reader has already split: the uncached input, cache reads,
/// cache writes `(5 minutes, 1 hour)`, and the output with its reasoning part, read by
/// [`output_with_reasoning`]'s one rule.
pub(crate) fn split_buckets(
    input: u64,
    cache_read: u64,
    (cache_write_5m, cache_write_1h): (u64, u64),
    output: u64,
    reasoning: u64,
) -> TokenBuckets {
    TokenBuckets {
        input,
        cache_read,
        cache_write_5m,
        cache_write_1h,
        ..output_with_reasoning(output, reasoning)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ttl_split_breaks_the_written_total_down() {
        // Split and total agree.
        assert_eq!(cache_writes(Some(300), Some(100), Some(200)), (100, 200));
        // The split leaves tokens out: they were written for 5 minutes.
        assert_eq!(cache_writes(Some(300), Some(0), Some(200)), (100, 200));
        assert_eq!(cache_writes(Some(300), None, None), (300, 0));
        // The split says more than the total: the billed total wins (this reader once let the
        // split win in the Messages and LangSmith readers, the total in LiteLLM's; decided
        // for the total, which is what `cache_creation` breaks down).
        assert_eq!(cache_writes(Some(300), Some(200), Some(400)), (0, 300));
        // No total: the split is the total.
        assert_eq!(cache_writes(None, Some(40), Some(60)), (40, 60));
        assert_eq!(cache_writes(None, None, None), (0, 0));
    }

    #[test]
    fn openai_style_takes_the_cache_out_of_the_prompt_and_keeps_reasoning_in_output() {
        let buckets = openai_style(1_000, 800, 0, 300, 120);
        assert_eq!(
            (
                buckets.input,
                buckets.cache_read,
                buckets.output,
                buckets.reasoning
            ),
            (200, 800, 300, 120)
        );
        // A prompt count smaller than the cache: that provider counted the cache beside it.
        // (OpenAI's own reader once clamped the cache to the prompt; decided for this rule,
        // which keeps every token the log states.)
        let beside = openai_style(100, 800, 0, 300, 0);
        assert_eq!((beside.input, beside.cache_read), (100, 800));
        // Reasoning above the output count: the count left it out. (The observability
        // readers once capped the reasoning at the output instead, dropping 20 tokens here;
        // decided for this rule, which keeps every token the log states, in split_buckets too.)
        let apart = openai_style(100, 0, 0, 50, 70);
        assert_eq!((apart.output, apart.reasoning), (120, 70));
        let split = split_buckets(100, 0, (0, 0), 50, 70);
        assert_eq!((split.output, split.reasoning), (120, 70));
    }

    #[test]
    fn anthropic_style_counts_the_cache_beside_the_input() {
        let buckets = anthropic_style(12, 4_000, Some(1_500), (Some(500), Some(1_000)), 700);
        assert_eq!(
            (
                buckets.input,
                buckets.cache_read,
                buckets.cache_write_5m,
                buckets.cache_write_1h,
                buckets.output
            ),
            (12, 4_000, 500, 1_000, 700)
        );
    }

    #[test]
    fn gemini_style_adds_thoughts_and_tool_prompts() {
        let buckets = gemini_style(10_000, 6_000, 400, 900, 50);
        assert_eq!(
            (
                buckets.input,
                buckets.cache_read,
                buckets.output,
                buckets.reasoning
            ),
            (4_050, 6_000, 1_300, 900)
        );
    }
}
