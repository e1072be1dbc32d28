//! OpenRouter activity export, CSV.
//!
//! The Activity page's CSV has one row per generation (header from public parsers; the
//! column set has changed over time, so every column is read by name and may be missing):
//! `generation_id`, `created_at` (`2026-11-19 10:00:00.123`, UTC), `cost_total`,
//! `cost_web_search`, `cost_cache`, `tokens_prompt`, `tokens_completion`, `tokens_reasoning`,
//! `tokens_cached`, `model_permaslug`, `provider_name`, `variant`, `cancelled`, `streamed`,
//! `api_key_name`, `app_name`, …
//!
//! Each row is a bucket of one request. Token convention: OpenRouter reports usage the OpenAI
//! way — `tokens_cached` (cache reads) is part of `tokens_prompt`, and reasoning tokens are part
//! of `tokens_completion` ("reasoning tokens are included in completion tokens for billing",
//! OpenRouter docs, Activity Export) — so `input` = prompt − cached, `output` = completion and
//! `reasoning` = the reasoning count within it. A `tokens_cache_write` column, where an export
//! has one, is taken out of the prompt as 5-minute cache writes.
//!
//! `billed` is `cost_total`, exactly: what OpenRouter charged, web search and the cache discount
//! (`cost_cache`, negative) included. Permaslugs are dated and put the version first for Claude
//! (`anthropic/claude-4.5-sonnet-20250929`); they become the catalog's spelling
//! (`anthropic/claude-sonnet-4-5-20250929`, and `claude-sonnet-4.5` → `claude-sonnet-4-5`),
//! with any `:free`/`:beta` suffix dropped. The project is the API key's name, else the app.

use super::{BILLING, catalog_name, csv_count, csv_money, row_outcome};
use crate::ingest::values::parse_time;
use crate::ingest::{CsvHeaders, CsvRow, LineOutcome, SkipReason};
use crate::money::Money;
use crate::record::{Provider, TokenBuckets, UsageBucket};

use crate::ingest::{CsvFormat, Format};

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format {
    name: "openrouter",
    csv: Some(CsvFormat {
        looks_like: looks_like_header,
        row: parse_row,
    }),
    ..BILLING
};

/// The catalog's spelling of a permaslug, and the model's maker.
fn model_name(slug: &str) -> (Provider, String) {
    let slug = slug.split(':').next().unwrap_or(slug).trim();
    let (vendor, name) = match slug.split_once('/') {
        Some((vendor, name)) => (Some(vendor), name),
        None => (None, slug),
    };
    let name = catalog_name(name, false);
    let provider = match vendor {
        Some("anthropic") => Provider::Anthropic,
        Some("openai") => Provider::OpenAi,
        Some("google") => Provider::Google,
        Some("deepseek") => Provider::DeepSeek,
        _ => Provider::from_model(&name),
    };
    let full = match vendor {
        Some(vendor) => format!("{vendor}/{name}"),
        None => name,
    };
    (provider, full)
}

/// Whether a CSV header is an OpenRouter activity export.
pub(crate) fn looks_like_header(headers: &CsvHeaders) -> bool {
    headers.has("generation_id")
        && headers.has("cost_total")
        && (headers.has("model_permaslug") || headers.has("tokens_prompt"))
}

/// Reads one generation.
pub(crate) fn parse_row(row: &CsvRow<'_>) -> LineOutcome {
    row_outcome(read_row(row))
}

/// A generation as a one-request bucket; an error message for a malformed cell.
fn read_row(row: &CsvRow<'_>) -> Result<LineOutcome, String> {
    let created = row
        .get(&["created_at", "created"])
        .ok_or("row has no created_at")?;
    let start_ms =
        parse_time(created).ok_or_else(|| format!("created_at is not a time: {created:?}"))?;
    let slug = row
        .get(&["model_permaslug", "model", "model_slug"])
        .ok_or("row has no model_permaslug")?;
    let (provider, model) = model_name(slug);
    let prompt = csv_count(row, &["tokens_prompt"])?.unwrap_or(0);
    let cached = csv_count(row, &["tokens_cached"])?.unwrap_or(0).min(prompt);
    let written = csv_count(row, &["tokens_cache_write", "tokens_cache_creation"])?
        .unwrap_or(0)
        .min(prompt - cached);
    let output = csv_count(row, &["tokens_completion"])?.unwrap_or(0);
    let reasoning = csv_count(row, &["tokens_reasoning"])?
        .unwrap_or(0)
        .min(output);
    let tokens = TokenBuckets {
        input: prompt - cached - written,
        cache_read: cached,
        cache_write_5m: written,
        cache_write_1h: 0,
        output,
        reasoning,
    };
    let billed = csv_money(row.get(&["cost_total", "cost"]), "cost_total")?;
    if tokens.total() == 0 && billed.is_none_or(|cost| cost == Money::ZERO) {
        return Ok(LineOutcome::Skip(SkipReason::EmptyBucket));
    }
    let line_item = row.get(&["generation_id"]).map(|id| {
        let mut item = id.to_string();
        if let Some(upstream) = row.get(&["provider_name"]) {
            item.push_str(" via ");
            item.push_str(upstream);
        }
        if let Some(variant) = row.get(&["variant"]).filter(|v| *v != "standard") {
            item.push_str(&format!(" ({variant})"));
        }
        item
    });
    Ok(LineOutcome::Bucket(Box::new(UsageBucket {
        provider,
        model: Some(model),
        start_ms,
        end_ms: None,
        tokens,
        requests: Some(1),
        billed,
        currency: None,
        batch: false,
        long_context: false,
        project: row
            .get(&["api_key_name", "app_name", "user"])
            .map(str::to_string),
        line_item,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::billing::tests::{
        assert_charged, assert_row_errors, billed, buckets, csv_outcomes,
    };

    const ACTIVITY: &str = include_str!("../../../fixtures/billing/openrouter/activity.csv");

    #[test]
    fn generations_become_one_request_buckets() {
        let found = buckets(
            csv_outcomes(ACTIVITY, parse_row),
            &[SkipReason::EmptyBucket],
        );
        assert_eq!(found.len(), 5);

        let sonnet = &found[0];
        assert_eq!(
            sonnet.model.as_deref(),
            Some("anthropic/claude-sonnet-4-5-20250929")
        );
        assert_eq!(sonnet.provider, Provider::Anthropic);
        assert_eq!(sonnet.start_ms, 1_795_082_400_123); // 2026-11-19 10:00:00.123 UTC
        assert_eq!(sonnet.requests, Some(1));
        assert_eq!(sonnet.project.as_deref(), Some("prod-key"));
        assert_eq!(
            sonnet.line_item.as_deref(),
            Some("gen-1795082400-AbCdEf via Anthropic")
        );
        // 10,389 prompt tokens of which 8,000 cached; 137 completion tokens of which 64
        // reasoning.
        assert_eq!(
            sonnet.tokens,
            TokenBuckets {
                input: 2_389,
                cache_read: 8_000,
                output: 137,
                reasoning: 64,
                ..TokenBuckets::default()
            }
        );
        // 2,389 × $3/M + 8,000 × $0.30/M + 137 × $15/M = $0.007167 + $0.0024 + $0.002055
        // = $0.011622, which is what OpenRouter charged (the negative cost_cache is inside).
        assert_charged(sonnet, "0.011622");

        // A free variant: billed nothing, usage kept; the model is not in the catalog.
        let free = &found[1];
        assert_eq!(free.model.as_deref(), Some("openai/gpt-oss-120b"));
        assert_eq!(free.provider, Provider::OpenAi);
        assert_eq!(billed(free), "0");
        assert_eq!(
            free.line_item.as_deref(),
            Some("gen-1795082460-GhIjKl via DeepInfra (free)")
        );
        assert_eq!(free.tokens.input, 5_120);

        // 1,200 × $0.15/M + 300 × $0.60/M = $0.00018 + $0.00018 = $0.00036.
        let mini = &found[2];
        assert_eq!(mini.model.as_deref(), Some("openai/gpt-4o-mini-2024-07-18"));
        assert_charged(mini, "0.00036");

        // Gemini thinking is inside completion: 2,000 × $0.30/M + 1,500 × $2.50/M
        // = $0.0006 + $0.00375 = $0.00435.
        let flash = &found[3];
        assert_eq!(flash.tokens.output, 1_500);
        assert_eq!(flash.tokens.reasoning, 1_200);
        assert_charged(flash, "0.00435");

        // The dotted slug of the reference sample: 500 × $3/M + 100 × $15/M = $0.003.
        let dotted = &found[4];
        assert_eq!(dotted.model.as_deref(), Some("anthropic/claude-sonnet-4-5"));
        assert_eq!(dotted.project.as_deref(), Some("my-app"));
        assert_charged(dotted, "0.003");
    }

    #[test]
    fn maps_permaslugs() {
        let name = |slug: &str| model_name(slug).1;
        assert_eq!(
            name("anthropic/claude-4.5-opus-20251124"),
            "anthropic/claude-opus-4-5-20251124"
        );
        assert_eq!(
            name("anthropic/claude-3.7-sonnet-20250219"),
            "anthropic/claude-3-7-sonnet-20250219"
        );
        assert_eq!(
            name("anthropic/claude-3.5-sonnet:beta"),
            "anthropic/claude-3-5-sonnet"
        );
        assert_eq!(name("google/gemini-2.5-flash"), "google/gemini-2.5-flash");
        assert_eq!(
            name("meta-llama/llama-3.3-70b-instruct:free"),
            "meta-llama/llama-3.3-70b-instruct"
        );
        // Grok is xAI's in the one maker table (this reader once left it unknown).
        assert_eq!(model_name("x-ai/grok-4").0, Provider::XAi);
    }

    #[test]
    fn malformed_rows_are_errors() {
        let text = "generation_id,created_at,cost_total,tokens_prompt,tokens_completion,model_permaslug\n\
            gen-1,noon,0.1,10,10,openai/gpt-4o\n\
            gen-2,2026-11-19 10:00:00.000,0.1,ten,10,openai/gpt-4o\n\
            gen-3,2026-11-19 10:00:00.000,free,10,10,openai/gpt-4o\n\
            gen-4,2026-11-19 10:00:00.000,0.1,10,10,\n";
        assert_row_errors(text, parse_row, 4);
    }
}
