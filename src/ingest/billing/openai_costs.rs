//! OpenAI Costs API JSON.
//!
//! `GET /v1/organization/costs` pages and buckets like the Usage API (see
//! [`openai_usage`](super::openai_usage)); each result is an `amount {value, currency}` with,
//! when grouped by `line_item`, a free-text line item that names the model and the token class:
//! `"gpt-5.1-2025-11-13, input"`, `", cached input"`, `", output"`, `", cache writes"`, with an
//! optional service-tier prefix (`"priority | gpt-5.6-sol, output"`), a `", long context"`
//! qualifier and a modality word after the model (`"gpt-image-1 image, output"`). Line items
//! for anything else (`"web search tool calls"`, storage, fine-tuning) are not token usage.
//!
//! Each line becomes a cost bucket: `billed` is the amount read exactly from the JSON text
//! (never through `f64`), the model comes from the line item, and the whole line item is kept
//! as `line_item`. The newer `quantity` field, when present on a text token line, is that
//! line's token count and fills the matching bucket; without it the bucket carries cost only.
//! Image and audio token lines keep their cost with zero tokens: the catalog prices text.
//! A result without a line item (costs not grouped by line item) is the whole bill of its
//! bucket: a bucket without a model.

use crate::ingest::values::Text;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::openai_usage::{PAGES, results_of};
use super::{
    BILLING, Period, ReportParser, TokenClass, currency, json_money, outcome, scaled_count, trimmed,
};
use crate::ingest::values::scalar_text;
use crate::ingest::{LineOutcome, SkipReason};
use crate::record::{Provider, TokenBuckets, UsageBucket};

use crate::ingest::Format;

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format {
    name: "openai-costs",
    json: Some(looks_like),
    parser: |_| ReportParser::boxed(&PAGES, read_result),
    ..BILLING
};

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Amount<'a> {
    value: Option<&'a RawValue>,
    currency: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct CostResult<'a> {
    object: Option<Text<'a>>,
    amount: Option<Amount<'a>>,
    line_item: Option<Text<'a>>,
    project_id: Option<Text<'a>>,
    api_key_id: Option<Text<'a>>,
    quantity: Option<&'a RawValue>,
}

/// What a token line item says.
#[derive(Debug, PartialEq, Eq)]
struct LineItem<'a> {
    model: &'a str,
    class: TokenClass,
    /// Text tokens (or no modality named); image and audio tokens are priced apart.
    text: bool,
    batch: bool,
    /// Billed at the long-context tier (`, long context`).
    long_context: bool,
}

/// Parses a line item such as `"priority | gpt-5.6-sol, output, long context"`. `None` for a
/// line that is not model tokens.
fn parse_line_item(text: &str) -> Option<LineItem<'_>> {
    let (tier, rest) = match text.rsplit_once(" | ") {
        Some((tier, rest)) => (tier, rest),
        None => ("", text),
    };
    let mut parts = rest.split(',').map(str::trim);
    let mut head = parts.next()?.split_whitespace();
    let model = head.next()?;
    let modality = head.next();
    let mut class = None;
    let mut batch = tier.to_ascii_lowercase().contains("batch");
    let mut long_context = false;
    for part in parts {
        let part = part.to_ascii_lowercase();
        let this = match part.as_str() {
            "input" => Some(TokenClass::Input),
            "cached input" => Some(TokenClass::CacheRead),
            "cache write" | "cache writes" | "cached write" | "cache write input" => {
                Some(TokenClass::CacheWrite5m)
            }
            "output" => Some(TokenClass::Output),
            other => {
                batch |= other.contains("batch");
                long_context |= other == "long context";
                None
            }
        };
        class = class.or(this);
    }
    Some(LineItem {
        model,
        class: class?,
        text: modality.is_none_or(|m| m.eq_ignore_ascii_case("text")),
        batch,
        long_context,
    })
}

/// One Costs API result as a cost bucket, or a skip for lines that are not model tokens.
fn read_result(json: &str, period: Period) -> LineOutcome {
    let result: CostResult<'_> = match serde_json::from_str(json) {
        Ok(result) => result,
        Err(err) => return LineOutcome::Error(format!("invalid cost result: {err}")),
    };
    if result
        .object
        .as_deref()
        .is_some_and(|o| o != "organization.costs.result")
    {
        return LineOutcome::Error(format!(
            "not a Costs API result: object {:?}",
            result.object.as_deref().unwrap_or_default()
        ));
    }
    let Some(amount) = result.amount else {
        return LineOutcome::Error("cost result has no amount".into());
    };
    let billed = match json_money(amount.value, "amount.value") {
        Ok(billed) => billed,
        Err(message) => return LineOutcome::Error(message),
    };
    let line_item = result
        .line_item
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty());
    let mut bucket = UsageBucket {
        provider: Provider::OpenAi,
        start_ms: period.start_ms,
        end_ms: period.end_ms,
        billed,
        currency: currency(amount.currency.as_deref()),
        project: trimmed(&result.project_id).or_else(|| trimmed(&result.api_key_id)),
        line_item: line_item.map(str::to_string),
        ..UsageBucket::default()
    };
    let Some(text) = line_item else {
        return outcome(bucket);
    };
    let Some(item) = parse_line_item(text) else {
        return LineOutcome::Skip(SkipReason::NotTokenUsage);
    };
    bucket.model = Some(item.model.to_string());
    bucket.batch = item.batch;
    bucket.long_context = item.long_context;
    let quantity = match result.quantity.and_then(scalar_text) {
        Some(q) => match scaled_count(&q, 1) {
            Some(count) => Some(count),
            None => return LineOutcome::Error(format!("quantity is not a count: {q:?}")),
        },
        None => None,
    };
    bucket.tokens = match quantity {
        Some(count) if item.text => item.class.tokens(count),
        _ => TokenBuckets::default(),
    };
    outcome(bucket)
}

/// Whether a JSON record is a Costs API page, bucket or result.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    let is_cost = |r: &serde_json::Value| {
        let object = r.get("object").and_then(|o| o.as_str());
        object == Some("organization.costs.result")
            || (object.is_none()
                && r.get("amount").is_some_and(|a| a.get("value").is_some())
                && r.get("line_item").is_some())
    };
    let results = results_of(value);
    if results.is_empty() {
        return value.get("start_time").is_some() && is_cost(value);
    }
    results.into_iter().any(is_cost)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::billing::tests::{assert_error, billed, buckets};
    use crate::ingest::{InputFormat, parse_lines};

    const PAGE: &str = include_str!("../../../fixtures/billing/openai-costs/costs_page.json");

    #[test]
    fn line_items_become_cost_buckets_with_exact_amounts() {
        let parsed = parse_lines(InputFormat::OpenaiCosts, &[PAGE.as_bytes()]);
        let found = buckets(
            parsed,
            &[SkipReason::NotTokenUsage, SkipReason::EmptyBucket],
        );
        assert_eq!(found.len(), 6);
        let item = |at: usize| {
            let b = &found[at];
            (
                b.model.as_deref(),
                b.line_item.as_deref(),
                billed(b),
                b.tokens,
            )
        };
        // 458,000 input tokens at $1.25/M = $0.5725: the quantity fills the input bucket.
        assert_eq!(
            item(0),
            (
                Some("gpt-5.1-2025-11-13"),
                Some("gpt-5.1-2025-11-13, input"),
                "0.5725".into(),
                TokenBuckets {
                    input: 458_000,
                    ..TokenBuckets::default()
                }
            )
        );
        assert_eq!(found[0].start_ms, 1_763_510_400_000);
        assert_eq!(found[0].end_ms, Some(1_763_596_800_000));
        assert_eq!(found[0].project.as_deref(), Some("proj_abc123"));
        assert_eq!(found[0].provider, Provider::OpenAi);
        // 800,000 cached tokens at $0.125/M = $0.1.
        assert_eq!(found[1].tokens.cache_read, 800_000);
        assert_eq!(billed(&found[1]), "0.1");
        // No quantity: cost only. A decimal that f64 cannot hold is kept to the digit.
        assert_eq!(
            item(2),
            (
                Some("gpt-5.1-2025-11-13"),
                Some("gpt-5.1-2025-11-13, output"),
                "0.900000000001".into(),
                TokenBuckets::default()
            )
        );
        // Priority tier, amount written as a string: 4,000 output tokens.
        assert_eq!(found[3].model.as_deref(), Some("gpt-4.1-mini-2025-04-14"));
        assert_eq!(found[3].tokens.output, 4_000);
        assert_eq!(billed(&found[3]), "0.0128");
        // Image tokens: the cost stays, the tokens are not text tokens.
        assert_eq!(found[4].model.as_deref(), Some("gpt-image-1"));
        assert_eq!(found[4].tokens, TokenBuckets::default());
        assert_eq!(billed(&found[4]), "0.25");
        // Not grouped by line item: the bucket's whole bill, no model.
        assert_eq!(found[5].model, None);
        assert_eq!(found[5].line_item, None);
        assert_eq!(billed(&found[5]), "1.87");
        assert_eq!(found[5].start_ms, 1_763_596_800_000);
    }

    #[test]
    fn parses_line_item_spellings() {
        let item = |text| parse_line_item(text);
        assert_eq!(
            item("gpt-4o-mini-2024-07-18, cached input"),
            Some(LineItem {
                model: "gpt-4o-mini-2024-07-18",
                class: TokenClass::CacheRead,
                text: true,
                batch: false,
                long_context: false,
            })
        );
        let priority = item("priority | gpt-5.6-sol, output, long context").unwrap();
        assert_eq!(
            (priority.model, priority.class, priority.long_context),
            ("gpt-5.6-sol", TokenClass::Output, true)
        );
        let batch = item("gpt-4o-mini-2024-07-18, input, batch").unwrap();
        assert!(batch.batch);
        assert!(item("batch | gpt-4o, output").unwrap().batch);
        assert_eq!(
            item("gpt-5.6-terra, cache writes").map(|i| i.class),
            Some(TokenClass::CacheWrite5m)
        );
        assert!(!item("gpt-audio-mini-2025-12-15 audio, input").unwrap().text);
        assert!(
            item("gpt-image-2.5-sunburst text, cached input")
                .unwrap()
                .text
        );
        for other in [
            "web search tool calls",
            "whisper-1, audio",
            "Vector storage",
            "",
        ] {
            assert_eq!(item(other), None, "{other}");
        }
    }

    #[test]
    fn malformed_results_are_errors() {
        let cases: [&[u8]; 3] = [
            br#"{"object":"bucket","start_time":1763510400,"results":[{"object":"organization.costs.result","amount":{"value":"lots","currency":"usd"},"line_item":"gpt-4o, input"}]}"#,
            br#"{"object":"bucket","start_time":1763510400,"results":[{"object":"organization.costs.result","line_item":"gpt-4o, input"}]}"#,
            br#"{"object":"bucket","start_time":1763510400,"results":[{"object":"organization.costs.result","amount":{"value":1,"currency":"usd"},"line_item":"gpt-4o, input","quantity":-3}]}"#,
        ];
        for case in cases {
            assert_error(InputFormat::OpenaiCosts, case);
        }
    }
}
