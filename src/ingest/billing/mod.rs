//! Billing exports: aggregates of usage and cost per period, read into [`UsageBucket`]s and kept
//! apart from per-call records.
//!
//! Shared here: exact reading of amounts and quantities (never through `f64`), the time
//! spellings exports use, and the mapping of billing names of models (`Claude4.6Sonnet`,
//! `claude-4.5-sonnet-20250929`, `Gemini 2.5 Flash`) to the names the price catalog resolves.
//!
//! Conventions every billing adapter follows:
//! - one [`UsageBucket`] per export line (a JSON result, a CSV row);
//! - a line for something other than model tokens (storage, tool calls, seats, tax, credits as
//!   separate lines) is skipped as [`SkipReason::NotTokenUsage`];
//! - a line with neither usage nor cost is skipped as [`SkipReason::EmptyBucket`];
//! - a line that is the cost of model usage but whose token count cannot be told (an unknown
//!   unit, audio or image tokens the catalog does not price) is kept as a bucket with zero
//!   tokens and its billed cost, so the money is never lost nor priced as text tokens.
//!
//! [`UsageBucket`]: crate::record::UsageBucket

pub(crate) mod anthropic;
pub(crate) mod aws_cur;
pub(crate) mod azure;
pub(crate) mod gcp;
pub(crate) mod openai_costs;
pub(crate) mod openai_usage;
pub(crate) mod openrouter;

use serde_json::value::RawValue;

use crate::ingest::values::{Text, parse_timestamp, scalar_text};
use crate::ingest::{
    CsvRow, Format, Kind, LineOutcome, LineParser, Parsed, SkipReason, json_error,
};
use crate::money::{Money, PICO_PER_USD};
use crate::record::{TokenBuckets, UsageBucket};

/// The defaults every billing format starts from (`..BILLING`): its records are a bill's
/// usage buckets, never calls.
pub(crate) const BILLING: Format = Format {
    kind: Kind::Billing,
    ..Format::NEW
};

/// The bucket as an outcome, or [`SkipReason::EmptyBucket`] when it holds no tokens, no
/// requests and no (or a zero) cost.
pub(crate) fn outcome(bucket: UsageBucket) -> LineOutcome {
    let no_tokens = bucket.tokens.total() == 0;
    let no_requests = bucket.requests.unwrap_or(0) == 0;
    let no_cost = bucket.billed.is_none_or(|money| money == Money::ZERO);
    if no_tokens && no_requests && no_cost {
        LineOutcome::Skip(SkipReason::EmptyBucket)
    } else {
        LineOutcome::Bucket(Box::new(bucket))
    }
}

/// The period a bucket of an organization report covers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Period {
    pub start_ms: i64,
    pub end_ms: Option<i64>,
}

impl Period {
    /// The period between a bucket's bounds; `None` without a valid start.
    pub(crate) fn between(start: Option<&RawValue>, end: Option<&RawValue>) -> Option<Period> {
        let start_ms = parse_timestamp(start?)?;
        let end_ms = end.and_then(parse_timestamp);
        Some(Period { start_ms, end_ms })
    }
}

/// What the report reader needs of a JSON node: a page's `data` (its buckets), a bucket's
/// `results`, and the period the node states.
pub(crate) struct ReportNode<'a> {
    pub data: Option<Vec<&'a RawValue>>,
    pub results: Option<Vec<&'a RawValue>>,
    pub period: Option<Period>,
}

/// How one organization API writes its report documents. Anthropic's usage and cost reports
/// and OpenAI's usage and costs page alike (a page's `data` holds time buckets, a bucket its
/// period and `results`) but name the parts apart.
pub(crate) struct ReportApi {
    /// Reads a page, a bucket or a result with the API's field names.
    pub node: for<'a> fn(&'a [u8]) -> serde_json::Result<ReportNode<'a>>,
    /// What the API calls a document, for the error of an item that is not a bucket.
    pub document: &'static str,
    /// The bucket's start field, for the error of a bucket without one.
    pub start: &'static str,
    /// Whether a result saved on its own, with its bucket's period, is read as one result.
    pub lone_results: bool,
    /// The error of a document that holds nothing the API's reader reads.
    pub not_a_report: &'static str,
}

/// Reads one report document (a page of buckets, one bucket or, where the API allows, one
/// result carrying its period) and pushes one outcome per result, each numbered with the
/// document's line.
pub(crate) struct ReportParser {
    pub api: &'static ReportApi,
    pub read_result: fn(&str, Period) -> LineOutcome,
}

impl ReportParser {
    /// A parser of `api`'s documents that reads each result with `read_result`.
    pub(crate) fn boxed(
        api: &'static ReportApi,
        read_result: fn(&str, Period) -> LineOutcome,
    ) -> Box<dyn LineParser> {
        Box::new(ReportParser { api, read_result })
    }
}

impl LineParser for ReportParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        let mut push = |outcome| {
            out.push(Parsed {
                line: line_no,
                outcome,
            })
        };
        let node = match (self.api.node)(line) {
            Ok(node) => node,
            Err(err) => return push(json_error(err, line)),
        };
        let buckets = match node.data {
            Some(items) => {
                let mut buckets = Vec::with_capacity(items.len());
                for item in items {
                    match (self.api.node)(item.get().as_bytes()) {
                        Ok(bucket) if bucket.results.is_some() => buckets.push(bucket),
                        Ok(_) => push(LineOutcome::Error(format!(
                            "{} item is not a bucket: no results",
                            self.api.document
                        ))),
                        Err(err) => push(LineOutcome::Error(format!("invalid bucket: {err}"))),
                    }
                }
                buckets
            }
            None if node.results.is_some() => vec![node],
            None => {
                return push(match node.period {
                    // A bare result, flattened with its bucket's period by whatever saved it.
                    Some(period) if self.api.lone_results => {
                        (self.read_result)(&String::from_utf8_lossy(line), period)
                    }
                    _ => LineOutcome::Error(self.api.not_a_report.into()),
                });
            }
        };
        for bucket in buckets {
            for result in bucket.results.unwrap_or_default() {
                push(match bucket.period {
                    Some(period) => (self.read_result)(result.get(), period),
                    None => LineOutcome::Error(format!("bucket has no valid {}", self.api.start)),
                });
            }
        }
    }
}

/// A CSV row reader's result as the row's outcome: a malformed cell makes the row an error.
pub(crate) fn row_outcome(read: Result<LineOutcome, String>) -> LineOutcome {
    read.unwrap_or_else(LineOutcome::Error)
}

/// The token class of a billing line: exports write one line per model and class, so the
/// line's count fills one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenClass {
    Input,
    CacheRead,
    CacheWrite5m,
    CacheWrite1h,
    Output,
}

impl TokenClass {
    /// `count` tokens of this class, every other bucket empty.
    pub(crate) fn tokens(self, count: u64) -> TokenBuckets {
        let mut tokens = TokenBuckets::default();
        let bucket = match self {
            TokenClass::Input => &mut tokens.input,
            TokenClass::CacheRead => &mut tokens.cache_read,
            TokenClass::CacheWrite5m => &mut tokens.cache_write_5m,
            TokenClass::CacheWrite1h => &mut tokens.cache_write_1h,
            TokenClass::Output => &mut tokens.output,
        };
        *bucket = count;
        tokens
    }
}

/// Trimmed, non-empty text of an optional field.
pub(crate) fn trimmed(value: &Option<Text<'_>>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// A line's currency as the bucket records it: upper case, and none for US dollars, the
/// currency of every price in the catalog.
pub(crate) fn currency(code: Option<&str>) -> Option<String> {
    code.map(str::trim)
        .filter(|c| !c.is_empty() && !c.eq_ignore_ascii_case("usd"))
        .map(str::to_ascii_uppercase)
}

/// An amount of money written as a JSON number or string, read exactly as decimal text.
/// `Ok(None)` when absent or `null`; an error names the field when it is not a number.
pub(crate) fn json_money(raw: Option<&RawValue>, field: &str) -> Result<Option<Money>, String> {
    let Some(raw) = raw else { return Ok(None) };
    if raw.get().trim() == "null" {
        return Ok(None);
    }
    let text = scalar_text(raw).ok_or_else(|| format!("{field} is not a number: {}", raw.get()))?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    Money::parse_usd(&text)
        .map(Some)
        .ok_or_else(|| format!("{field} is not a number: {text:?}"))
}

/// A money amount from CSV text, exactly; `Ok(None)` for an empty cell.
pub(crate) fn csv_money(text: Option<&str>, field: &str) -> Result<Option<Money>, String> {
    match text {
        None => Ok(None),
        Some(text) => Money::parse_usd(text)
            .map(Some)
            .ok_or_else(|| format!("{field} is not a number: {text:?}")),
    }
}

/// The sum of two amounts read from an export; `None` when it leaves the range of [`Money`]
/// (only corrupt, absurd amounts do), so a bad line is an error rather than an overflow.
pub(crate) fn checked_sum(a: Money, b: Money) -> Option<Money> {
    a.pico().checked_add(b.pico()).map(Money::from_pico)
}

/// A whole count from a CSV cell (`"7162"`, `"7162.0"`); `Ok(None)` when the column is missing
/// or empty, an error naming the column when the cell is not a non-negative number.
pub(crate) fn csv_count(row: &CsvRow<'_>, names: &[&str]) -> Result<Option<u64>, String> {
    for name in names {
        if let Some(text) = row.get(&[name]) {
            return scaled_count(text, 1)
                .map(Some)
                .ok_or_else(|| format!("{name} is not a count: {text:?}"));
        }
    }
    Ok(None)
}

/// A yes/no cell as exports write it (`True`, `false`, `1`, `yes`).
pub(crate) fn csv_bool(text: Option<&str>) -> bool {
    matches!(
        text.map(str::to_ascii_lowercase).as_deref(),
        Some("true" | "1" | "yes" | "y")
    )
}

/// A quantity written as decimal text (`"23000"`, `"13.823"`, `"1.2e3"`) times `factor`, as a
/// whole count rounded half up. Exact: the decimal is read digit by digit, never through
/// `f64`. `None` for text that is not a non-negative number or a count beyond `u64`.
pub(crate) fn scaled_count(text: &str, factor: u64) -> Option<u64> {
    // Money parses any plain decimal exactly to 10⁻¹² units; the quantity is not money, but
    // the arithmetic is the same and the precision far beyond any token count's.
    let units = Money::parse_usd(text)?.pico();
    if units < 0 {
        return None;
    }
    let scaled = units.checked_mul(i128::from(factor))?;
    let whole = scaled.checked_add(PICO_PER_USD / 2)? / PICO_PER_USD;
    u64::try_from(whole).ok()
}

/// One day in milliseconds, for exports whose lines cover a calendar day.
pub(crate) const DAY_MS: i64 = 86_400_000;

/// Claude model families, as billing names spell them.
const CLAUDE_FAMILIES: [&str; 6] = ["opus", "sonnet", "haiku", "instant", "fable", "mythos"];

/// The catalog's name of a Claude model from the words of a billing name that follow
/// `Claude`: `["4.6", "sonnet"]` (Bedrock `Claude4.6Sonnet`), `["4.5", "sonnet", "20250929"]`
/// (OpenRouter `claude-4.5-sonnet-20250929`), `["sonnet", "4", "5"]`, `["3.5", "sonnet", "v",
/// "2"]`. Claude 4 and later put the family first (`claude-sonnet-4-6`), earlier models the
/// version (`claude-3-5-sonnet`), as Anthropic's model ids do. `None` without a family word.
pub(crate) fn claude_model(words: &[&str]) -> Option<String> {
    let family_at = words
        .iter()
        .position(|w| CLAUDE_FAMILIES.iter().any(|f| w.starts_with(f)))?;
    let family = CLAUDE_FAMILIES
        .iter()
        .find(|f| words[family_at].starts_with(*f))?;
    let is_version = |w: &&&str| {
        !w.is_empty()
            && w.len() <= 5
            && w.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && w.bytes().filter(u8::is_ascii_digit).count() <= 4
    };
    let before: Vec<&str> = words[..family_at]
        .iter()
        .filter(is_version)
        .copied()
        .collect();
    let after: Vec<&str> = words[family_at + 1..]
        .iter()
        .take_while(|w| is_version(w))
        .copied()
        .collect();
    let version: Vec<&str> = if before.is_empty() { after } else { before }
        .iter()
        .flat_map(|w| w.split('.'))
        .filter(|part| !part.is_empty())
        .collect();
    let date = words
        .iter()
        .find(|w| w.len() == 8 && w.bytes().all(|b| b.is_ascii_digit()));
    let major: u32 = version.first().and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut name = match (version.is_empty(), major >= 4) {
        (true, _) => format!("claude-{family}"),
        (false, true) => format!("claude-{family}-{}", version.join("-")),
        (false, false) => format!("claude-{}-{family}", version.join("-")),
    };
    if let Some(date) = date {
        name.push('-');
        name.push_str(date);
    }
    Some(name)
}

/// The catalog's name of a model as a billing name writes it: a Claude name respelt by
/// [`claude_model`] (`claude-4.5-sonnet` → `claude-sonnet-4-5`), any other as written.
/// `at_digits` splits words as [`name_words`] does.
pub(crate) fn catalog_name(name: &str, at_digits: bool) -> String {
    let words = name_words(name, at_digits);
    match words.split_first() {
        Some((first, rest)) if first == "claude" => {
            let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
            claude_model(&rest).unwrap_or_else(|| name.to_string())
        }
        _ => name.to_string(),
    }
}

/// Splits a billing name into lowercase words at spaces, dashes, underscores, colons, slashes,
/// parentheses and commas; with `at_digits`, also between letters and digits
/// (`Claude4.6Sonnet` → `claude 4.6 sonnet`). Dots stay inside version numbers.
pub(crate) fn name_words(text: &str, at_digits: bool) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut last: Option<char> = None;
    for c in text.chars() {
        if c.is_whitespace() || matches!(c, '-' | '_' | ':' | '/' | '(' | ')' | ',') {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            last = None;
            continue;
        }
        let digitish = |c: char| c.is_ascii_digit() || c == '.';
        if at_digits
            && let Some(prev) = last
            && (digitish(prev) && c.is_alphabetic() || prev.is_alphabetic() && c.is_ascii_digit())
        {
            words.push(std::mem::take(&mut word));
        }
        word.extend(c.to_lowercase());
        last = Some(c);
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ingest::{
        Container, CsvHeaders, InputFormat, Parsed, detect_csv, detect_document, detect_format,
        sniff_container,
    };
    use crate::pricing::{BillingMode, PriceCatalog, call_cost};
    use crate::record::TokenBuckets;

    /// The billing fixtures that are JSON documents, with their formats.
    const JSON_FIXTURES: [(InputFormat, &str); 5] = [
        (
            InputFormat::OpenaiUsage,
            include_str!("../../../fixtures/billing/openai-usage/completions_page.json"),
        ),
        (
            InputFormat::OpenaiCosts,
            include_str!("../../../fixtures/billing/openai-costs/costs_page.json"),
        ),
        (
            InputFormat::AnthropicUsage,
            include_str!("../../../fixtures/billing/anthropic-usage/usage_report_messages.json"),
        ),
        (
            InputFormat::AnthropicCost,
            include_str!("../../../fixtures/billing/anthropic-cost/cost_report.json"),
        ),
        (
            InputFormat::GcpBilling,
            include_str!("../../../fixtures/billing/gcp-billing/vertex_export.jsonl"),
        ),
    ];

    /// The billing fixtures that are CSV files, with their formats.
    const CSV_FIXTURES: [(InputFormat, &str); 5] = [
        (
            InputFormat::OpenaiUsage,
            include_str!("../../../fixtures/billing/openai-usage/completions_usage_dashboard.csv"),
        ),
        (
            InputFormat::AwsCur,
            include_str!("../../../fixtures/billing/aws-cur/cur2_bedrock.csv"),
        ),
        (
            InputFormat::AzureCost,
            include_str!("../../../fixtures/billing/azure-cost/cost_details.csv"),
        ),
        (
            InputFormat::GcpBilling,
            include_str!("../../../fixtures/billing/gcp-billing/vertex_export.csv"),
        ),
        (
            InputFormat::Openrouter,
            include_str!("../../../fixtures/billing/openrouter/activity.csv"),
        ),
    ];

    /// The buckets of parsed outcomes, in order, after asserting which lines were skipped and
    /// why; panics on a call or an error.
    pub(crate) fn buckets(parsed: Vec<Parsed>, skips: &[SkipReason]) -> Vec<UsageBucket> {
        let mut found = Vec::new();
        let mut skipped = Vec::new();
        for Parsed { line, outcome } in parsed {
            match outcome {
                LineOutcome::Bucket(bucket) => found.push(*bucket),
                LineOutcome::Skip(reason) => skipped.push(reason),
                other => panic!("line {line}: {other:?}"),
            }
        }
        assert_eq!(skipped, skips);
        found
    }

    /// Reads CSV text as the pipeline does (header row, then one outcome per data row).
    pub(crate) fn csv_outcomes(text: &str, parse: fn(&CsvRow<'_>) -> LineOutcome) -> Vec<Parsed> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut headers = None;
        let mut out = Vec::new();
        for record in reader.records() {
            let record = record.expect("valid CSV");
            let line = record.position().map_or(0, csv::Position::line);
            match &headers {
                None => headers = Some(CsvHeaders::new(record.iter())),
                Some(headers) => out.push(Parsed {
                    line,
                    outcome: parse(&CsvRow::new(headers, &record)),
                }),
            }
        }
        out
    }

    /// What the catalog charges for a bucket's tokens (batch rates for batch lines), exactly.
    pub(crate) fn price(bucket: &UsageBucket) -> String {
        let catalog = PriceCatalog::embedded().unwrap();
        let model = bucket.model.as_deref().expect("a model");
        let index = catalog
            .resolve(model, Some(bucket.start_ms))
            .unwrap_or_else(|| panic!("{model} is in the catalog"));
        let mode = BillingMode::batch(bucket.batch);
        call_cost(catalog.entry(index), &bucket.tokens, mode).to_decimal_string()
    }

    /// The billed amount as exact decimal text.
    pub(crate) fn billed(bucket: &UsageBucket) -> String {
        bucket.billed.expect("billed").to_decimal_string()
    }

    /// Asserts that the export billed `amount` for the bucket and that the catalog prices its
    /// tokens at the same amount, to the digit.
    pub(crate) fn assert_charged(bucket: &UsageBucket, amount: &str) {
        assert_eq!(
            (billed(bucket), price(bucket)),
            (amount.to_string(), amount.to_string())
        );
    }

    /// Asserts that a document of `format` reads as one error line.
    pub(crate) fn assert_error(format: InputFormat, document: &[u8]) {
        let parsed = crate::ingest::parse_lines(format, &[document]);
        assert!(
            matches!(
                parsed[..],
                [Parsed {
                    outcome: LineOutcome::Error(_),
                    ..
                }]
            ),
            "{}",
            String::from_utf8_lossy(document)
        );
    }

    /// Asserts that each of the `rows` data rows of CSV `text` reads as an error.
    pub(crate) fn assert_row_errors(
        text: &str,
        parse: fn(&CsvRow<'_>) -> LineOutcome,
        rows: usize,
    ) {
        let parsed = csv_outcomes(text, parse);
        assert_eq!(parsed.len(), rows);
        for Parsed { line, outcome } in parsed {
            assert!(matches!(outcome, LineOutcome::Error(_)), "line {line}");
        }
    }

    /// Asserts a fixture file is detected as `format` without `--input-format`.
    pub(crate) fn assert_detected(content: &str, format: InputFormat) {
        let detected = match sniff_container(content.as_bytes()) {
            Container::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_reader(content.as_bytes());
                let header = reader.records().next().unwrap().unwrap();
                detect_csv(&CsvHeaders::new(header.iter()))
            }
            Container::JsonDocument => {
                detect_document(&serde_json::from_str(content).expect("valid JSON"))
            }
            _ => detect_format(content.as_bytes()),
        };
        assert_eq!(detected, Some(format));
    }

    #[test]
    fn fixtures_are_detected() {
        for (format, text) in JSON_FIXTURES.into_iter().chain(CSV_FIXTURES) {
            assert_detected(text, format);
        }
    }

    #[test]
    fn quantities_and_money_are_read_exactly() {
        assert_eq!(scaled_count("23000", 1), Some(23_000));
        assert_eq!(scaled_count("13.823", 1000), Some(13_823));
        assert_eq!(scaled_count("0.12", 1_000_000), Some(120_000));
        assert_eq!(scaled_count("1.5e3", 1), Some(1_500));
        // 0.1 is not exact in binary; read as decimal it is.
        assert_eq!(scaled_count("0.1", 1_000_000_000), Some(100_000_000));
        assert_eq!(scaled_count("-5", 1), None);
        assert_eq!(scaled_count("12 tokens", 1), None);
        let raw = |text: &str| RawValue::from_string(text.to_string()).unwrap();
        let money = |text: &str| {
            json_money(Some(&raw(text)), "amount").map(|m| m.map(Money::to_decimal_string))
        };
        assert_eq!(money("0.5725"), Ok(Some("0.5725".into())));
        assert_eq!(money("\"1.2345\""), Ok(Some("1.2345".into())));
        assert_eq!(money("1.23e-7"), Ok(Some("0.000000123".into())));
        assert_eq!(money("null"), Ok(None));
        assert!(money("\"n/a\"").is_err());
        assert!(money("{}").is_err());
        // Anthropic's cost report states cents as decimal strings.
        assert_eq!(
            Money::parse_cents("1.50").map(Money::to_decimal_string),
            Some("0.015".into())
        );
        assert_eq!(
            Money::parse_cents("0.0375").map(Money::to_decimal_string),
            Some("0.000375".into())
        );
    }

    #[test]
    fn maps_billing_names_of_claude_models_to_catalog_names() {
        let claude = |text: &str| {
            let words = name_words(text, true);
            let at = words.iter().position(|w| w == "claude").unwrap();
            let rest: Vec<&str> = words[at + 1..].iter().map(String::as_str).collect();
            claude_model(&rest)
        };
        let names = [
            ("Claude4.6Sonnet", Some("claude-sonnet-4-6")),
            ("Claude4Sonnet", Some("claude-sonnet-4")),
            ("Claude4.5Haiku", Some("claude-haiku-4-5")),
            ("Claude3.5SonnetV2", Some("claude-3-5-sonnet")),
            ("Claude3Haiku", Some("claude-3-haiku")),
            (
                "claude-4.5-sonnet-20250929",
                Some("claude-sonnet-4-5-20250929"),
            ),
            ("claude-sonnet-4.5", Some("claude-sonnet-4-5")),
            (
                "claude-3-5-haiku-20241022",
                Some("claude-3-5-haiku-20241022"),
            ),
            ("Claude Opus 4.1", Some("claude-opus-4-1")),
            ("Claude unknown", None),
        ];
        for (text, name) in names {
            assert_eq!(claude(text).as_deref(), name, "{text}");
        }
    }

    #[test]
    fn empty_lines_are_skipped_and_lines_with_cost_or_usage_kept() {
        let empty = UsageBucket::default();
        assert!(matches!(
            outcome(empty.clone()),
            LineOutcome::Skip(SkipReason::EmptyBucket)
        ));
        let zero_cost = UsageBucket {
            billed: Some(Money::ZERO),
            ..empty.clone()
        };
        assert!(matches!(
            outcome(zero_cost),
            LineOutcome::Skip(SkipReason::EmptyBucket)
        ));
        let free_tokens = UsageBucket {
            billed: Some(Money::ZERO),
            tokens: TokenBuckets {
                input: 1,
                ..TokenBuckets::default()
            },
            ..empty.clone()
        };
        assert!(matches!(outcome(free_tokens), LineOutcome::Bucket(_)));
        let requests = UsageBucket {
            requests: Some(3),
            ..empty
        };
        assert!(matches!(outcome(requests), LineOutcome::Bucket(_)));
    }

    #[test]
    fn absurd_numbers_and_cut_documents_are_errors_never_panics() {
        assert_eq!(scaled_count("1e37", 1_000_000), None);
        assert_eq!(scaled_count("9e37", 1), None);
        let huge = Money::parse_usd("9e25").unwrap();
        assert_eq!(checked_sum(huge, huge), None);
        let overflow = br#"{"sku":{"description":"Gemini 2.5 Flash GA Text Input"},"usage_start_time":"2026-11-19T10:00:00Z","cost":9e25,"credits":[{"amount":9e25}],"usage":{"amount":1,"unit":"count"}}"#;
        let parsed = crate::ingest::parse_lines(InputFormat::GcpBilling, &[overflow]);
        assert!(matches!(parsed[0].outcome, LineOutcome::Error(_)));
        let documents = JSON_FIXTURES;
        for (format, text) in documents {
            let bytes = text.as_bytes();
            for cut in (1..bytes.len()).step_by(13) {
                // Every cut document is read without a panic and accounted for.
                let parsed = crate::ingest::parse_lines(format, &[&bytes[..cut]]);
                assert!(!parsed.is_empty(), "{format} cut at {cut}");
            }
        }
    }

    #[test]
    fn names_the_maker_of_models() {}
}
