//! OpenAI Usage API (completions) JSON and the dashboard usage CSV.
//!
//! `GET /v1/organization/usage/completions` returns a page (`{"object": "page", "data": [...]}`)
//! of time buckets (`start_time`/`end_time` in Unix seconds), each with `results` grouped by
//! the request's `group_by` (model, project, API key, user, batch, service tier). Each result
//! becomes one bucket; a saved page, a bare bucket or a JSON array of either are read alike.
//!
//! Token convention (OpenAI API reference, `UsageCompletionsResult`, openapi 2.3.0 as published
//! in the generated `openai-client-base` crate): `input_tokens` is every input token *including*
//! cached and cache-write tokens; `input_cached_tokens` and `input_cache_write_tokens` are
//! subsets of it; `input_uncached_tokens` is what is left (the reference sample adds up:
//! 400,000 + 800,000 + 50,000 = 1,250,000). So `input` = total − cached − cache writes,
//! `cache_read` = cached and `cache_write_5m` = cache writes (OpenAI bills cache writes on the
//! models that price them; the catalog prices them as input elsewhere). The per-modality fields
//! (`input_text_tokens`, `input_audio_tokens`, …) split the same totals and are not added again.
//! `output_tokens` includes reasoning tokens, which the Usage API does not count separately.
//!
//! Other fields: `num_model_requests` → `requests`; `batch` → `batch`; the project is
//! `project_id`, else `api_key_id`, else `user_id` (whichever the query grouped by); the service
//! tier, which sets the price (flex half, priority double), is kept as
//! `line_item = "service_tier=<tier>"`; `model` is null when not grouped by model. Results of
//! other Usage endpoints saved alongside: embeddings bill input tokens; images, audio,
//! moderations, vector stores and code interpreter sessions are not token usage.
//!
//! The dashboard's "Export" CSV (`completions_usage_<from>_<to>.csv`) has the same columns,
//! with `batch` written `True`/`False`; its columns are read by name and may be missing.

use crate::ingest::values::Text;
use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{
    BILLING, Period, ReportApi, ReportNode, ReportParser, csv_bool, csv_count, outcome,
    row_outcome, trimmed,
};
use crate::ingest::values::parse_time;
use crate::ingest::{CsvHeaders, CsvRow, LineOutcome, SkipReason};
use crate::record::{Provider, TokenBuckets, UsageBucket};

use crate::ingest::{CsvFormat, Format};

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format {
    name: "openai-usage",
    json: Some(looks_like),
    csv: Some(CsvFormat {
        looks_like: looks_like_header,
        row: parse_row,
    }),
    parser: |_| ReportParser::boxed(&PAGES, read_result),
    ..BILLING
};

/// A page, a bucket or a result: whichever the JSON record is.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Node<'a> {
    data: Option<Vec<&'a RawValue>>,
    start_time: Option<&'a RawValue>,
    end_time: Option<&'a RawValue>,
    #[serde(alias = "result")]
    results: Option<Vec<&'a RawValue>>,
}

/// OpenAI's organization API documents: `start_time` and `end_time` (Unix seconds) bound a
/// bucket, and a result may be saved on its own with them. The Costs API pages the same way.
pub(super) const PAGES: ReportApi = ReportApi {
    node: page_node,
    document: "page",
    start: "start_time",
    lone_results: true,
    not_a_report: "not an OpenAI usage page, bucket or result with a start_time",
};

fn page_node(json: &[u8]) -> serde_json::Result<ReportNode<'_>> {
    let node: Node<'_> = serde_json::from_slice(json)?;
    Ok(ReportNode {
        data: node.data,
        results: node.results,
        period: Period::between(node.start_time, node.end_time),
    })
}

/// A Usage API result (completions, or another endpoint's result saved alongside).
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
struct UsageResult<'a> {
    object: Option<Text<'a>>,
    input_tokens: Option<u64>,
    input_cached_tokens: Option<u64>,
    input_cache_write_tokens: Option<u64>,
    input_uncached_tokens: Option<u64>,
    output_tokens: Option<u64>,
    num_model_requests: Option<u64>,
    project_id: Option<Text<'a>>,
    user_id: Option<Text<'a>>,
    api_key_id: Option<Text<'a>>,
    model: Option<Text<'a>>,
    batch: Option<bool>,
    service_tier: Option<Text<'a>>,
}

impl UsageResult<'_> {
    /// Exclusive buckets from the cached-inclusive `input_tokens` (see the module docs).
    fn tokens(&self) -> TokenBuckets {
        let cached = self.input_cached_tokens.unwrap_or(0);
        let written = self.input_cache_write_tokens.unwrap_or(0);
        let (input, cache_read, cache_write) = match self.input_tokens {
            Some(total) => {
                let cache_read = cached.min(total);
                let cache_write = written.min(total - cache_read);
                (total - cache_read - cache_write, cache_read, cache_write)
            }
            // Without the total, the uncached count is the plain input.
            None => (self.input_uncached_tokens.unwrap_or(0), cached, written),
        };
        TokenBuckets {
            input,
            cache_read,
            cache_write_5m: cache_write,
            output: self.output_tokens.unwrap_or(0),
            ..TokenBuckets::default()
        }
    }

    /// The result as a bucket of the given period, or a skip for other endpoints' results.
    fn into_outcome(self, period: Period) -> LineOutcome {
        let tokens = match self.object.as_deref() {
            None | Some("organization.usage.completions.result") => self.tokens(),
            // Embeddings bill their input tokens alone.
            Some("organization.usage.embeddings.result") => TokenBuckets {
                input: self.input_tokens.unwrap_or(0),
                ..TokenBuckets::default()
            },
            // Images, audio, moderations, vector stores, code interpreter sessions.
            Some(_) => return LineOutcome::Skip(SkipReason::NotTokenUsage),
        };
        outcome(UsageBucket {
            provider: Provider::OpenAi,
            model: trimmed(&self.model),
            start_ms: period.start_ms,
            end_ms: period.end_ms,
            tokens,
            requests: self.num_model_requests,
            billed: None,
            currency: None,
            batch: self.batch.unwrap_or(false),
            long_context: false,
            project: trimmed(&self.project_id)
                .or_else(|| trimmed(&self.api_key_id))
                .or_else(|| trimmed(&self.user_id)),
            // The tier sets the price (flex is half, priority double): keep it with the line.
            line_item: trimmed(&self.service_tier).map(|tier| format!("service_tier={tier}")),
        })
    }
}

/// One Usage API result as a bucket.
fn read_result(json: &str, period: Period) -> LineOutcome {
    match serde_json::from_str::<UsageResult<'_>>(json) {
        Ok(result) => result.into_outcome(period),
        Err(err) => LineOutcome::Error(format!("invalid usage result: {err}")),
    }
}

/// The results a JSON page, bucket or array item holds, for detection.
pub(super) fn results_of(value: &serde_json::Value) -> Vec<&serde_json::Value> {
    let buckets: Vec<&serde_json::Value> = match value.get("data") {
        Some(serde_json::Value::Array(items)) => items.iter().collect(),
        _ => vec![value],
    };
    buckets
        .into_iter()
        .filter_map(|b| b.get("results").or_else(|| b.get("result")))
        .filter_map(serde_json::Value::as_array)
        .flatten()
        .collect()
}

/// Whether a page (or bucket) holds only empty buckets: it carries no result to tell the Usage
/// API from the Costs API, and whichever reads it finds nothing.
fn is_empty_page(value: &serde_json::Value) -> bool {
    let is_bucket = |b: &serde_json::Value| {
        b.get("object").and_then(|o| o.as_str()) == Some("bucket")
            && b.get("results")
                .and_then(|r| r.as_array())
                .is_some_and(Vec::is_empty)
    };
    match value.get("data") {
        Some(serde_json::Value::Array(items)) => {
            value.get("object").and_then(|o| o.as_str()) == Some("page")
                && items.iter().all(is_bucket)
        }
        _ => is_bucket(value),
    }
}

/// Whether a JSON record is a Usage API page, bucket or result.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    let is_usage = |r: &serde_json::Value| {
        let object = r.get("object").and_then(|o| o.as_str());
        object.is_some_and(|o| o.starts_with("organization.usage."))
            || (object.is_none()
                && r.get("num_model_requests").is_some()
                && r.get("input_tokens").is_some())
    };
    let results = results_of(value);
    if results.is_empty() {
        // A result saved on its own with its period.
        return is_empty_page(value) || (value.get("start_time").is_some() && is_usage(value));
    }
    results.into_iter().any(is_usage)
}

/// Whether a CSV header is the dashboard's usage export.
pub(crate) fn looks_like_header(headers: &CsvHeaders) -> bool {
    headers.has_all(&["num_model_requests", "input_tokens", "output_tokens"])
        && (headers.has("start_time") || headers.has("start_time_iso"))
}

/// Reads one row of the dashboard usage CSV.
pub(crate) fn parse_row(row: &CsvRow<'_>) -> LineOutcome {
    row_outcome(read_row(row))
}

/// A dashboard CSV row as a bucket; an error message for a malformed cell.
fn read_row(row: &CsvRow<'_>) -> Result<LineOutcome, String> {
    let time = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| row.get(&[name]).map(|text| (*name, text)))
            .map(|(name, text)| parse_time(text).ok_or(format!("{name} is not a time: {text:?}")))
            .transpose()
    };
    let start_ms = time(&["start_time", "start_time_iso"])?
        .ok_or("row has no start_time: not a usage export row")?;
    let end_ms = time(&["end_time", "end_time_iso"])?;
    let text = |name: &str| row.get(&[name]).map(|v| Cow::Owned(v.to_string()));
    let result = UsageResult {
        object: None,
        input_tokens: csv_count(row, &["input_tokens"])?,
        input_cached_tokens: csv_count(row, &["input_cached_tokens"])?,
        input_cache_write_tokens: csv_count(row, &["input_cache_write_tokens"])?,
        input_uncached_tokens: csv_count(row, &["input_uncached_tokens"])?,
        output_tokens: csv_count(row, &["output_tokens"])?,
        num_model_requests: csv_count(row, &["num_model_requests"])?,
        project_id: text("project_id").map(Text::from),
        user_id: text("user_id").map(Text::from),
        api_key_id: text("api_key_id").map(Text::from),
        model: text("model").map(Text::from),
        batch: Some(csv_bool(row.get(&["batch"]))),
        service_tier: text("service_tier").map(Text::from),
    };
    Ok(result.into_outcome(Period { start_ms, end_ms }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::billing::tests::{
        assert_error, assert_row_errors, buckets, csv_outcomes, price,
    };
    use crate::ingest::{InputFormat, parse_lines};

    const PAGE: &str = include_str!("../../../fixtures/billing/openai-usage/completions_page.json");
    const CSV: &str =
        include_str!("../../../fixtures/billing/openai-usage/completions_usage_dashboard.csv");

    #[test]
    fn page_results_become_buckets_with_exclusive_tokens() {
        let parsed = parse_lines(InputFormat::OpenaiUsage, &[PAGE.as_bytes()]);
        assert!(parsed.iter().all(|p| p.line == 1), "the document's line");
        let found = buckets(parsed, &[SkipReason::EmptyBucket]);
        assert_eq!(found.len(), 3);

        // 1,250,000 input = 800,000 cached + 50,000 cache writes + 400,000 plain input.
        let gpt51 = &found[0];
        assert_eq!(gpt51.model.as_deref(), Some("gpt-5.1-2025-11-13"));
        assert_eq!(gpt51.provider, Provider::OpenAi);
        assert_eq!(
            gpt51.tokens,
            TokenBuckets {
                input: 400_000,
                cache_read: 800_000,
                cache_write_5m: 50_000,
                output: 90_000,
                ..TokenBuckets::default()
            }
        );
        assert_eq!(gpt51.start_ms, 1_763_510_400_000); // 2025-11-19T00:00:00Z
        assert_eq!(gpt51.end_ms, Some(1_763_596_800_000));
        assert_eq!(gpt51.requests, Some(412));
        assert_eq!(gpt51.project.as_deref(), Some("proj_abc123"));
        assert_eq!(gpt51.line_item.as_deref(), Some("service_tier=default"));
        assert!(!gpt51.batch);
        assert_eq!(gpt51.billed, None);
        // gpt-5.1 at $1.25/M input, $0.125/M cached, $10/M output; cache writes at the input
        // rate: 450,000 × $1.25/M + 800,000 × $0.125/M + 90,000 × $10/M
        // = $0.5625 + $0.1 + $0.9 = $1.5625.
        assert_eq!(price(gpt51), "1.5625");

        // The batch flag halves the price: gpt-4.1-mini at $0.40/M in, $1.60/M out, ×0.5:
        // 300,000 × $0.20/M + 40,000 × $0.80/M = $0.06 + $0.032 = $0.092.
        let mini = &found[1];
        assert!(mini.batch);
        assert_eq!(mini.line_item, None);
        assert_eq!(mini.tokens.input, 300_000);
        assert_eq!(mini.tokens.output, 40_000);
        assert_eq!(mini.project.as_deref(), Some("key_xyz789"));
        assert_eq!(price(mini), "0.092");

        // Not grouped by model: usage without a model name.
        let total = &found[2];
        assert_eq!(total.model, None);
        assert_eq!(total.requests, Some(2));
        // 1,000 input tokens of which 200 were cached.
        assert_eq!(total.tokens.input, 800);
        assert_eq!(total.tokens.cache_read, 200);
        assert_eq!(total.start_ms, 1_763_596_800_000);
    }

    #[test]
    fn dashboard_csv_rows_become_buckets() {
        let found = buckets(csv_outcomes(CSV, parse_row), &[]);
        assert_eq!(found.len(), 3);
        let first = &found[0];
        assert_eq!(first.model.as_deref(), Some("gpt-4.1-mini-2025-04-14"));
        assert_eq!(first.start_ms, 1_761_523_200_000);
        assert_eq!(first.end_ms, Some(1_761_523_260_000));
        // 7,162 input of which 1,280 cached.
        assert_eq!(first.tokens.input, 5_882);
        assert_eq!(first.tokens.cache_read, 1_280);
        assert_eq!(first.tokens.output, 1_673);
        assert_eq!(first.requests, Some(3));
        assert_eq!(first.project.as_deref(), Some("proj_abc123"));
        assert!(!first.batch);
        // 5,882 × $0.40/M + 1,280 × $0.10/M + 1,673 × $1.60/M
        // = $0.0023528 + $0.000128 + $0.0026768 = $0.0051576.
        assert_eq!(price(first), "0.0051576");
        let batch = &found[2];
        assert!(batch.batch);
        assert_eq!(batch.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
        // Batch: 20,000 × $0.075/M + 2,000 × $0.30/M = $0.0015 + $0.0006 = $0.0021.
        assert_eq!(price(batch), "0.0021");
    }

    #[test]
    fn other_usage_endpoints_and_bare_results() {
        let embeddings = br#"{"object":"bucket","start_time":1763510400,"end_time":1763596800,"results":[{"object":"organization.usage.embeddings.result","input_tokens":5000,"num_model_requests":4,"model":"text-embedding-3-small"}]}"#;
        let images = br#"{"object":"bucket","start_time":1763510400,"results":[{"object":"organization.usage.images.result","images":3,"num_model_requests":3}]}"#;
        let bare = br#"{"object":"organization.usage.completions.result","start_time":1763510400,"input_tokens":10,"output_tokens":5,"num_model_requests":1}"#;
        let parsed = parse_lines(InputFormat::OpenaiUsage, &[embeddings, images, bare]);
        let found = buckets(parsed, &[SkipReason::NotTokenUsage]);
        assert_eq!(found[0].tokens.input, 5_000);
        assert_eq!(found[0].tokens.output, 0);
        assert_eq!(found[1].tokens.input, 10);
        assert_eq!(found[1].end_ms, None);
        for line in [&embeddings[..], &images[..], &bare[..]] {
            let value: serde_json::Value = serde_json::from_slice(line).unwrap();
            assert_eq!(
                crate::ingest::detect_value(&value),
                Some(InputFormat::OpenaiUsage)
            );
        }
    }

    #[test]
    fn malformed_documents_are_errors() {
        let cases: [&[u8]; 5] = [
            br#"{"object":"page","data":[{"object":"bucket","start_time":1763510400,"results":[{"input_tokens":"many"}]}]}"#,
            br#"{"object":"page","data":[{"object":"bucket","results":[{"input_tokens":1}]}]}"#,
            br#"{"object":"page","data":[{"object":"bucket","start_time":17635"#,
            br#"{"object":"page","data":[7]}"#,
            br#"{"hello":"world"}"#,
        ];
        for case in cases {
            assert_error(InputFormat::OpenaiUsage, case);
        }
        let row = "start_time,num_model_requests,input_tokens,output_tokens\nsoon,1,2,3\n1761523200,1,-2,3\n";
        assert_row_errors(row, parse_row, 2);
    }
}
