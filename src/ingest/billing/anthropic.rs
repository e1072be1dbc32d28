//! Anthropic Admin API usage_report and cost_report.
//!
//! Both reports page as `{"data": [{starting_at, ending_at, results: [...]}], "has_more",
//! "next_page"}` with RFC 3339 bucket bounds; each result becomes one bucket numbered with the
//! document's line. A saved page, a bare bucket or a JSON array of either are read alike.
//!
//! `GET /v1/organizations/usage_report/messages` (Anthropic API reference, "Usage and Cost API"):
//! `uncached_input_tokens`, `cache_creation.ephemeral_5m_input_tokens`,
//! `cache_creation.ephemeral_1h_input_tokens`, `cache_read_input_tokens` and `output_tokens` are
//! already exclusive and map one to one onto the buckets; thinking is inside `output_tokens`,
//! not counted apart. `server_tool_use.web_search_requests` is not token usage and is not
//! carried. `model`, `workspace_id`, `api_key_id`, `service_tier`, `context_window`,
//! `inference_geo` are set only when grouped by them: `workspace_id` (else `api_key_id`) is the
//! project, `service_tier: "batch"` marks batch usage, and the tier, context window
//! (`200k-1M` is billed at long-context rates), region and speed are kept in `line_item`.
//!
//! `GET /v1/organizations/cost_report`: `amount` is a decimal *string in cents*
//! (`"123.45"` = $1.2345), read exactly with [`Money::parse_cents`]. Lines with `cost_type`
//! `web_search` or `code_execution` are not token usage; `tokens` lines are cost-only buckets
//! named by `model`, with `token_type` (and a non-default context window) as `line_item`. A
//! result without `cost_type` and `description` (report not grouped by description) is the
//! bucket's whole bill: a bucket without a model.
//!
//! The Console's undocumented internal JSON is not read: its shape is known only from
//! third-party clients, and its usage items carry no period.
//!
//! [`Money::parse_cents`]: crate::money::Money::parse_cents

use crate::ingest::values::Text;

use crate::ingest::Format;
use crate::ingest::values::scalar_text;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{BILLING, Period, ReportApi, ReportNode, ReportParser, currency, outcome, trimmed};
use crate::ingest::{LineOutcome, SkipReason};
use crate::money::Money;
use crate::record::{Provider, TokenBuckets, UsageBucket};

/// A report page, or one of its buckets.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Node<'a> {
    data: Option<Vec<&'a RawValue>>,
    starting_at: Option<&'a RawValue>,
    ending_at: Option<&'a RawValue>,
    results: Option<Vec<&'a RawValue>>,
}

/// Anthropic's report documents: `starting_at` and `ending_at` bound a bucket.
const REPORT: ReportApi = ReportApi {
    node: report_node,
    document: "report",
    start: "starting_at",
    lone_results: false,
    not_a_report: "not an Anthropic report page or bucket: no data or results",
};

fn report_node(json: &[u8]) -> serde_json::Result<ReportNode<'_>> {
    let node: Node<'_> = serde_json::from_slice(json)?;
    Ok(ReportNode {
        data: node.data,
        results: node.results,
        period: Period::between(node.starting_at, node.ending_at),
    })
}

/// `key=value` pairs of the fields that change the price of a line, for `line_item`.
fn pricing_notes(pairs: &[(&str, &Option<Text<'_>>)]) -> Option<String> {
    let notes: Vec<String> = pairs
        .iter()
        .filter_map(|(key, value)| trimmed(value).map(|v| format!("{key}={v}")))
        .collect();
    (!notes.is_empty()).then(|| notes.join(", "))
}

#[derive(Deserialize, Default)]
struct CacheCreation {
    ephemeral_5m_input_tokens: Option<u64>,
    ephemeral_1h_input_tokens: Option<u64>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct UsageResult<'a> {
    uncached_input_tokens: Option<u64>,
    cache_creation: Option<CacheCreation>,
    /// An undivided cache-write count, read as 5-minute writes when the split is absent.
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    requests: Option<u64>,
    model: Option<Text<'a>>,
    workspace_id: Option<Text<'a>>,
    api_key_id: Option<Text<'a>>,
    service_tier: Option<Text<'a>>,
    context_window: Option<Text<'a>>,
    inference_geo: Option<Text<'a>>,
    speed: Option<Text<'a>>,
}

/// One usage_report result as a bucket of exclusive token counts.
fn read_usage(json: &str, period: Period) -> LineOutcome {
    let result: UsageResult<'_> = match serde_json::from_str(json) {
        Ok(result) => result,
        Err(err) => return LineOutcome::Error(format!("invalid usage result: {err}")),
    };
    let split = result.cache_creation.unwrap_or_default();
    let (write_5m, write_1h) = match (
        split.ephemeral_5m_input_tokens,
        split.ephemeral_1h_input_tokens,
    ) {
        (None, None) => (result.cache_creation_input_tokens.unwrap_or(0), 0),
        (five, hour) => (five.unwrap_or(0), hour.unwrap_or(0)),
    };
    outcome(UsageBucket {
        provider: Provider::Anthropic,
        model: trimmed(&result.model),
        start_ms: period.start_ms,
        end_ms: period.end_ms,
        tokens: TokenBuckets {
            input: result.uncached_input_tokens.unwrap_or(0),
            cache_read: result.cache_read_input_tokens.unwrap_or(0),
            cache_write_5m: write_5m,
            cache_write_1h: write_1h,
            output: result.output_tokens.unwrap_or(0),
            reasoning: 0,
        },
        requests: result.requests,
        billed: None,
        currency: None,
        batch: result.service_tier.as_deref() == Some("batch"),
        long_context: result
            .context_window
            .as_deref()
            .is_some_and(is_long_context),
        project: trimmed(&result.workspace_id).or_else(|| trimmed(&result.api_key_id)),
        line_item: pricing_notes(&[
            ("service_tier", &result.service_tier),
            ("context_window", &result.context_window),
            ("inference_geo", &result.inference_geo),
            ("speed", &result.speed),
        ]),
    })
}

/// Whether a `context_window` value names the long-context tier (`200k-1M`), which is billed at
/// its own rates; `0-200k` is the standard tier.
fn is_long_context(window: &str) -> bool {
    window != "0-200k"
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct CostResult<'a> {
    amount: Option<&'a RawValue>,
    currency: Option<Text<'a>>,
    description: Option<Text<'a>>,
    cost_type: Option<Text<'a>>,
    model: Option<Text<'a>>,
    token_type: Option<Text<'a>>,
    service_tier: Option<Text<'a>>,
    context_window: Option<Text<'a>>,
    workspace_id: Option<Text<'a>>,
}

/// One cost_report result as a cost-only bucket, or a skip for non-token costs.
fn read_cost(json: &str, period: Period) -> LineOutcome {
    let result: CostResult<'_> = match serde_json::from_str(json) {
        Ok(result) => result,
        Err(err) => return LineOutcome::Error(format!("invalid cost result: {err}")),
    };
    let Some(amount) = result.amount.and_then(scalar_text) else {
        return LineOutcome::Error("cost result has no amount".into());
    };
    let Some(billed) = Money::parse_cents(&amount) else {
        return LineOutcome::Error(format!("amount is not a number of cents: {amount:?}"));
    };
    let model = trimmed(&result.model);
    match result.cost_type.as_deref() {
        Some("tokens") => {}
        Some(_) => return LineOutcome::Skip(SkipReason::NotTokenUsage),
        // Not grouped by description: a named line without a model is not token usage;
        // an unnamed one is the bucket's whole bill.
        None if model.is_none() && trimmed(&result.description).is_some() => {
            return LineOutcome::Skip(SkipReason::NotTokenUsage);
        }
        None => {}
    }
    let context = result
        .context_window
        .as_deref()
        .filter(|window| is_long_context(window));
    let line_item = match (trimmed(&result.token_type), context) {
        (Some(token_type), Some(window)) => Some(format!("{token_type}, context_window={window}")),
        (Some(token_type), None) => Some(token_type),
        (None, _) => trimmed(&result.description),
    };
    outcome(UsageBucket {
        provider: Provider::Anthropic,
        model,
        start_ms: period.start_ms,
        end_ms: period.end_ms,
        tokens: TokenBuckets::default(),
        requests: None,
        billed: Some(billed),
        currency: currency(result.currency.as_deref()),
        batch: result.service_tier.as_deref() == Some("batch"),
        long_context: result
            .context_window
            .as_deref()
            .is_some_and(is_long_context),
        project: trimmed(&result.workspace_id),
        line_item,
    })
}

/// The buckets of a report page (or the bucket itself), when they look like report buckets.
fn report_buckets(value: &serde_json::Value) -> Vec<&serde_json::Value> {
    let is_bucket = |b: &&serde_json::Value| {
        b.get("starting_at").is_some() && b.get("results").is_some_and(|r| r.is_array())
    };
    match value.get("data") {
        Some(serde_json::Value::Array(items)) => items.iter().filter(is_bucket).collect(),
        _ => Some(value).filter(is_bucket).into_iter().collect(),
    }
}

/// Every result of a report page or bucket, for detection.
fn report_results(value: &serde_json::Value) -> Vec<&serde_json::Value> {
    report_buckets(value)
        .into_iter()
        .filter_map(|b| b.get("results")?.as_array())
        .flatten()
        .collect()
}

/// Whether a result carries usage_report token counts.
fn is_usage_result(result: &serde_json::Value) -> bool {
    [
        "uncached_input_tokens",
        "cache_read_input_tokens",
        "cache_creation",
    ]
    .iter()
    .any(|key| result.get(key).is_some())
}

/// Whether a result is a cost_report amount.
fn is_cost_result(result: &serde_json::Value) -> bool {
    result.get("amount").is_some()
        && ["currency", "cost_type", "token_type", "description"]
            .iter()
            .any(|key| result.get(key).is_some())
}

/// Whether a JSON record is a usage_report page or bucket. A report whose buckets are all empty
/// is claimed here too: it holds nothing for either reader.
pub(crate) fn looks_like_usage(value: &serde_json::Value) -> bool {
    let buckets = report_buckets(value);
    let results = report_results(value);
    if results.is_empty() {
        // Empty buckets, or a page of no buckets (`{"data": [], "has_more": false}`).
        let empty_page = value.get("object").is_none()
            && value.get("has_more").is_some()
            && value
                .get("data")
                .and_then(|d| d.as_array())
                .is_some_and(Vec::is_empty);
        return !buckets.is_empty() || empty_page;
    }
    results.into_iter().any(is_usage_result)
}

/// Whether a JSON record is a cost_report page or bucket.
pub(crate) fn looks_like_cost(value: &serde_json::Value) -> bool {
    report_results(value).into_iter().any(is_cost_result)
}

/// The usage_report's facts, for the registry.
pub(crate) const USAGE_FORMAT: Format = Format {
    name: "anthropic-usage",
    json: Some(looks_like_usage),
    parser: |_| ReportParser::boxed(&REPORT, read_usage),
    ..BILLING
};

/// The cost_report's facts, for the registry.
pub(crate) const COST_FORMAT: Format = Format {
    name: "anthropic-cost",
    json: Some(looks_like_cost),
    parser: |_| ReportParser::boxed(&REPORT, read_cost),
    ..BILLING
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::billing::tests::{assert_error, billed, buckets, price};
    use crate::ingest::{InputFormat, parse_lines};

    const USAGE: &str =
        include_str!("../../../fixtures/billing/anthropic-usage/usage_report_messages.json");
    const COST: &str = include_str!("../../../fixtures/billing/anthropic-cost/cost_report.json");

    #[test]
    fn usage_results_map_onto_exclusive_buckets() {
        let parsed = parse_lines(InputFormat::AnthropicUsage, &[USAGE.as_bytes()]);
        assert!(parsed.iter().all(|p| p.line == 1));
        let found = buckets(parsed, &[SkipReason::EmptyBucket]);
        assert_eq!(found.len(), 3);

        let sonnet = &found[0];
        assert_eq!(sonnet.model.as_deref(), Some("claude-sonnet-4-5-20250929"));
        assert_eq!(sonnet.provider, Provider::Anthropic);
        assert_eq!(
            sonnet.tokens,
            TokenBuckets {
                input: 2_000,
                cache_read: 50_000,
                cache_write_5m: 4_000,
                cache_write_1h: 6_000,
                output: 1_000,
                reasoning: 0,
            }
        );
        assert_eq!(sonnet.start_ms, 1_763_510_400_000); // 2025-11-19T00:00:00Z
        assert_eq!(sonnet.end_ms, Some(1_763_596_800_000));
        assert_eq!(sonnet.project.as_deref(), Some("wrkspc_01Example"));
        assert_eq!(
            sonnet.line_item.as_deref(),
            Some("service_tier=standard, context_window=0-200k, inference_geo=global")
        );
        assert!(!sonnet.batch);
        // Sonnet 4.5: 2,000 × $3/M + 50,000 × $0.30/M + 4,000 × $3.75/M (5m writes)
        // + 6,000 × $6/M (1h writes, 2× input) + 1,000 × $15/M
        // = $0.006 + $0.015 + $0.015 + $0.036 + $0.015 = $0.087.
        assert_eq!(price(sonnet), "0.087");

        // Batch tier, default workspace (null) so the API key is the project.
        let haiku = &found[1];
        assert!(haiku.batch);
        assert_eq!(haiku.project.as_deref(), Some("apikey_01Example"));
        // Haiku 4.5 batch (half of $1/M in, $5/M out):
        // 120,000 × $0.50/M + 8,000 × $2.50/M = $0.06 + $0.02 = $0.08.
        assert_eq!(price(haiku), "0.08");

        // Not grouped by model: usage of the whole organization.
        let total = &found[2];
        assert_eq!(total.model, None);
        assert_eq!(total.line_item, None);
        assert_eq!(total.tokens.input, 100);
        assert_eq!(total.tokens.output, 50);
        assert_eq!(total.start_ms, 1_763_596_800_000);
    }

    #[test]
    fn cost_amounts_are_cents_read_exactly() {
        let parsed = parse_lines(InputFormat::AnthropicCost, &[COST.as_bytes()]);
        let found = buckets(
            parsed,
            &[
                SkipReason::NotTokenUsage,
                SkipReason::NotTokenUsage,
                SkipReason::EmptyBucket,
            ],
        );
        let lines: Vec<(Option<&str>, Option<&str>, String, bool)> = found
            .iter()
            .map(|b| {
                (
                    b.model.as_deref(),
                    b.line_item.as_deref(),
                    billed(b),
                    b.batch,
                )
            })
            .collect();
        assert_eq!(
            lines,
            vec![
                // "1.50" cents = $0.015.
                (
                    Some("claude-sonnet-4-5-20250929"),
                    Some("cache_read_input_tokens"),
                    "0.015".into(),
                    false
                ),
                // "123.4567" cents = $1.234567, billed at long-context rates.
                (
                    Some("claude-sonnet-4-5-20250929"),
                    Some("cache_creation.ephemeral_1h_input_tokens, context_window=200k-1M"),
                    "1.234567".into(),
                    false
                ),
                // "6" cents = $0.06 of batch input.
                (
                    Some("claude-haiku-4-5-20251001"),
                    Some("uncached_input_tokens"),
                    "0.06".into(),
                    true
                ),
                // Not grouped by description: "250.75" cents = $2.5075, the day's whole bill.
                (None, None, "2.5075".into(), false),
            ]
        );
        assert!(found.iter().all(|b| b.tokens == TokenBuckets::default()));
        assert_eq!(found[0].project.as_deref(), Some("wrkspc_01Example"));
        assert_eq!(found[0].start_ms, 1_763_510_400_000);
        assert_eq!(found[3].start_ms, 1_763_596_800_000);
        assert_eq!(found[3].end_ms, Some(1_763_683_200_000));
    }

    #[test]
    fn reports_of_empty_buckets_are_usage_reports() {
        // A report whose buckets are all empty reads as nothing, not as an error.
        let empty = br#"{"data":[{"starting_at":"2025-11-19T00:00:00Z","ending_at":"2025-11-20T00:00:00Z","results":[]}],"has_more":false}"#;
        let value: serde_json::Value = serde_json::from_slice(empty).unwrap();
        assert_eq!(
            crate::ingest::detect_value(&value),
            Some(InputFormat::AnthropicUsage)
        );
        assert!(parse_lines(InputFormat::AnthropicUsage, &[empty]).is_empty());
        let no_buckets: serde_json::Value =
            serde_json::from_str(r#"{"data":[],"has_more":false,"next_page":null}"#).unwrap();
        assert_eq!(
            crate::ingest::detect_value(&no_buckets),
            Some(InputFormat::AnthropicUsage)
        );
    }

    #[test]
    fn malformed_reports_are_errors() {
        let cases: [(InputFormat, &[u8]); 5] = [
            (
                InputFormat::AnthropicCost,
                br#"{"data":[{"starting_at":"2025-11-19T00:00:00Z","results":[{"amount":"ten","currency":"USD"}]}]}"#,
            ),
            (
                InputFormat::AnthropicCost,
                br#"{"data":[{"starting_at":"2025-11-19T00:00:00Z","results":[{"currency":"USD"}]}]}"#,
            ),
            (
                InputFormat::AnthropicUsage,
                br#"{"data":[{"starting_at":"someday","results":[{"uncached_input_tokens":1}]}]}"#,
            ),
            (
                InputFormat::AnthropicUsage,
                br#"{"data":[{"starting_at":"2025-11-19T00:00:00Z","results":[{"output_tokens":-1}]}]}"#,
            ),
            (InputFormat::AnthropicUsage, br#"{"data":[{"starting_at":"#),
        ];
        for (format, case) in cases {
            assert_error(format, case);
        }
    }
}
