//! AWS Cost and Usage Report 2.0 line items (Bedrock), CSV.
//!
//! Columns are read by name, CUR 2.0 spelling first (`line_item_usage_type`) and the legacy
//! CUR spelling as a fallback (`lineItem/UsageType`); any may be missing.
//!
//! Bedrock's own models bill under product code `AmazonBedrock` with usage types
//! `<region>-<model>-<token class>[-<qualifier>]`: `USE1-Claude4.6Sonnet-input-tokens`,
//! `-output-tokens`, `-cache-read-input-token-count`, `-cache-write-input-token-count`, with
//! qualifiers such as `-batch`, `-flex`, `-cross-region-global`. Third-party models sold through
//! AWS Marketplace bill under a Marketplace product code, with the model in the product name
//! (`Claude Opus 4.5 (Amazon Bedrock Edition)`) and usage types such as
//! `USW2-MP:USW2_output_tokens_standard-Units`; both are read. (Usage-type shapes: AWS CUR
//! documentation for Bedrock and public CUR parsers; the exact model tokens are partly
//! verified only.)
//!
//! The model part maps to the catalog's name where it is a Claude model
//! (`Claude4.6Sonnet` → `claude-sonnet-4-6`, `Claude3.5SonnetV2` → `claude-3-5-sonnet`); other
//! models keep the usage type's model part (`NovaPro`, `gpt-oss-120b`) and are reported
//! unpriced when the catalog does not know them.
//!
//! `line_item_usage_amount` is in the line's `pricing_unit`: `tokens` (or `count`) as is,
//! `1K tokens` times 1,000, `1M tokens` times 1,000,000. A token line whose unit says no token
//! count (Marketplace `Units`, or no unit column) keeps its cost with zero tokens rather than
//! guessing. `billed` is `line_item_unblended_cost`, exactly; credits, refunds, tax and fees are
//! their own line types and are skipped as not token usage, as are non-Bedrock products and
//! Bedrock lines for anything but tokens (provisioned throughput, guardrails, knowledge bases).
//! The project is the IAM principal, else the resource (inference profile), else the account.

use super::{
    BILLING, TokenClass, catalog_name, claude_model, csv_money, currency, name_words, outcome,
    row_outcome, scaled_count,
};
use crate::ingest::values::parse_time;
use crate::ingest::{CsvHeaders, CsvRow, LineOutcome, SkipReason};
use crate::record::{Provider, UsageBucket};

use crate::ingest::{CsvFormat, Format};

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format {
    name: "aws-cur",
    csv: Some(CsvFormat {
        looks_like: looks_like_header,
        row: parse_row,
    }),
    ..BILLING
};

/// The two words that mark each token class in a lowercase usage type, cache classes first
/// (their markers contain the plain input one).
const MARKERS: [(&str, &str, TokenClass); 4] = [
    ("cache", "read", TokenClass::CacheRead),
    ("cache", "write", TokenClass::CacheWrite5m),
    ("input", "token", TokenClass::Input),
    ("output", "token", TokenClass::Output),
];

/// How usage types join a marker's two words.
const JOINERS: [&str; 3] = ["-", "_", ""];

/// The token class of a usage type and where its marker starts; 1-hour cache writes are told
/// by a `1h` after the marker.
fn token_class(lower: &str) -> Option<(TokenClass, usize)> {
    MARKERS.iter().find_map(|(first, second, class)| {
        let at = JOINERS
            .iter()
            .find_map(|joiner| lower.find(&format!("{first}{joiner}{second}")))?;
        let class = match class {
            TokenClass::CacheWrite5m if lower[at..].contains("1h") => TokenClass::CacheWrite1h,
            other => *other,
        };
        Some((class, at))
    })
}

/// Strips a region prefix such as `USE1-` or `EUC1-` from a usage type.
fn strip_region(usage_type: &str) -> &str {
    match usage_type.split_once('-') {
        Some((region, rest))
            if (2..=6).contains(&region.len())
                && region.bytes().any(|b| b.is_ascii_digit())
                && region
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) =>
        {
            rest
        }
        _ => usage_type,
    }
}

/// The catalog's name and maker of a model as a usage type names it (`Claude4.6Sonnet`,
/// `openai.gpt-oss-120b-mantle`, `NovaPro`).
fn usage_type_model(part: &str) -> (Provider, String) {
    let part = part.trim_matches('-');
    let part = part.strip_suffix("-batch").unwrap_or(part);
    let (vendor, model) = match part.split_once('.') {
        Some((vendor, rest)) if vendor.bytes().all(|b| b.is_ascii_lowercase()) => {
            (Some(vendor), rest)
        }
        _ => (None, part),
    };
    let model = model.strip_suffix("-mantle").unwrap_or(model);
    let name = catalog_name(model, true);
    let provider = match vendor {
        Some("openai") => Provider::OpenAi,
        Some("anthropic") => Provider::Anthropic,
        Some("deepseek") => Provider::DeepSeek,
        _ => Provider::from_model(&name),
    };
    (provider, name)
}

/// The catalog's name of a model as a Marketplace product names it
/// (`Claude Opus 4.5 (Amazon Bedrock Edition)`, `OpenAI GPT-5.6 Sol (Amazon Bedrock Edition)`).
fn product_model(product: &str) -> String {
    let name = product.split('(').next().unwrap_or(product).trim();
    let words = name_words(name, false);
    let vendors = [
        "openai",
        "anthropic",
        "meta",
        "amazon",
        "mistral",
        "deepseek",
        "cohere",
    ];
    let words: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .skip_while(|w| vendors.contains(w))
        .collect();
    match words.split_first() {
        Some((&"claude", rest)) => {
            claude_model(rest).unwrap_or_else(|| format!("claude-{}", rest.join("-")))
        }
        _ => words.join("-"),
    }
}

/// How many tokens one unit of `pricing_unit` is, when the unit counts tokens.
fn unit_factor(unit: &str) -> Option<u64> {
    let unit = unit.trim().to_ascii_lowercase();
    let unit = unit.strip_prefix("per ").unwrap_or(&unit);
    if ["1m", "million", "1000000", "1,000,000"]
        .iter()
        .any(|m| unit.contains(m))
    {
        Some(1_000_000)
    } else if ["1k", "thousand", "1000", "1,000"]
        .iter()
        .any(|m| unit.contains(m))
    {
        Some(1_000)
    } else if matches!(unit, "tokens" | "token" | "count" | "1 tokens" | "1 token") {
        Some(1)
    } else {
        None
    }
}

/// The product name of a row: its own column, or the `product_name` key of the CUR 2.0
/// `product` map (written as JSON).
fn product_name(row: &CsvRow<'_>) -> Option<String> {
    if let Some(name) = row.get(&["product_product_name", "product/ProductName"]) {
        return Some(name.to_string());
    }
    let map = row.get(&["product"])?;
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(map).ok()?;
    map.get("product_name")?.as_str().map(str::to_string)
}

/// Whether a CSV header is a Cost and Usage Report (2.0 or legacy).
pub(crate) fn looks_like_header(headers: &CsvHeaders) -> bool {
    headers.has_all(&["line_item_usage_type", "line_item_product_code"])
        || headers.has_all(&["lineItem/UsageType", "lineItem/ProductCode"])
}

/// Reads one CUR line item.
pub(crate) fn parse_row(row: &CsvRow<'_>) -> LineOutcome {
    row_outcome(read_row(row))
}

/// A line item as a bucket or a skip; an error message for a malformed cell.
fn read_row(row: &CsvRow<'_>) -> Result<LineOutcome, String> {
    let line_type = row.get(&["line_item_line_item_type", "lineItem/LineItemType"]);
    if line_type.is_some_and(|t| !t.to_ascii_lowercase().contains("usage")) {
        // Tax, Credit, Refund, Fee, RIFee, EdpDiscount, SavingsPlanNegation…
        return Ok(LineOutcome::Skip(SkipReason::NotTokenUsage));
    }
    let code = row
        .get(&["line_item_product_code", "lineItem/ProductCode"])
        .unwrap_or_default();
    let product = product_name(row);
    let is_bedrock = code.to_ascii_lowercase().contains("bedrock")
        || product
            .as_deref()
            .is_some_and(|p| p.to_ascii_lowercase().contains("bedrock"));
    if !is_bedrock {
        return Ok(LineOutcome::Skip(SkipReason::NotTokenUsage));
    }
    let usage_type = row
        .get(&["line_item_usage_type", "lineItem/UsageType"])
        .ok_or("line item has no usage type")?;
    let lower = usage_type.to_ascii_lowercase();
    let Some((class, marker_at)) = token_class(&lower) else {
        return Ok(LineOutcome::Skip(SkipReason::NotTokenUsage));
    };
    let marketplace = lower.contains("mp:");
    let (provider, model) = match (&product, marketplace) {
        (Some(product), true) => {
            let model = product_model(product);
            (Provider::from_model(&model), model)
        }
        _ => usage_type_model(strip_region(&usage_type[..marker_at])),
    };
    let time = |names: &[&str]| -> Result<Option<i64>, String> {
        match row.get(names) {
            None => Ok(None),
            Some(text) => parse_time(text)
                .map(Some)
                .ok_or_else(|| format!("{} is not a time: {text:?}", names[0])),
        }
    };
    let start_ms = time(&["line_item_usage_start_date", "lineItem/UsageStartDate"])?
        .ok_or("line item has no usage start date")?;
    let end_ms = time(&["line_item_usage_end_date", "lineItem/UsageEndDate"])?;
    let billed = csv_money(
        row.get(&["line_item_unblended_cost", "lineItem/UnblendedCost"]),
        "line_item_unblended_cost",
    )?;
    let factor = row
        .get(&["pricing_unit", "pricing/unit"])
        .and_then(unit_factor);
    let amount = row.get(&["line_item_usage_amount", "lineItem/UsageAmount"]);
    let count = match (amount, factor) {
        (Some(amount), Some(factor)) => scaled_count(amount, factor)
            .ok_or_else(|| format!("line_item_usage_amount is not a quantity: {amount:?}"))?,
        _ => 0,
    };
    let operation = row
        .get(&["line_item_operation", "lineItem/Operation"])
        .unwrap_or_default();
    let batch = lower.contains("batch") || operation.to_ascii_lowercase().contains("batch");
    let project = row
        .get(&[
            "line_item_iam_principal",
            "line_item_resource_id",
            "lineItem/ResourceId",
            "line_item_usage_account_id",
            "lineItem/UsageAccountId",
        ])
        .map(str::to_string);
    Ok(outcome(UsageBucket {
        provider,
        model: Some(model),
        start_ms,
        end_ms,
        tokens: class.tokens(count),
        requests: None,
        billed,
        currency: currency(row.get(&["line_item_currency_code", "lineItem/CurrencyCode"])),
        batch,
        long_context: false,
        project,
        line_item: Some(usage_type.to_string()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::InputFormat;
    use crate::ingest::billing::tests::{
        assert_charged, assert_detected, assert_row_errors, billed, buckets, csv_outcomes, price,
    };
    use crate::record::TokenBuckets;

    const CUR: &str = include_str!("../../../fixtures/billing/aws-cur/cur2_bedrock.csv");

    #[test]
    fn bedrock_token_lines_become_buckets() {
        let found = buckets(
            csv_outcomes(CUR, parse_row),
            &[
                SkipReason::NotTokenUsage, // tax
                SkipReason::NotTokenUsage, // S3 storage
                SkipReason::NotTokenUsage, // guardrails
                SkipReason::EmptyBucket,
            ],
        );
        assert_eq!(found.len(), 7);
        for bucket in &found[..4] {
            assert_eq!(bucket.model.as_deref(), Some("claude-sonnet-4-6"));
            assert_eq!(bucket.provider, Provider::Anthropic);
            assert_eq!(bucket.start_ms, 1_795_082_400_000); // 2026-11-19T10:00:00Z
            assert_eq!(bucket.end_ms, Some(1_795_086_000_000));
            assert_eq!(
                bucket.project.as_deref(),
                Some("arn:aws:iam::123456789012:user/alice")
            );
            assert!(!bucket.batch);
        }
        // Each line is one token class; the unblended cost is the catalog's price to the digit.
        // 23,000 input × $3/M = $0.069.
        assert_eq!(found[0].tokens.input, 23_000);
        assert_eq!(
            found[0].line_item.as_deref(),
            Some("USE1-Claude4.6Sonnet-input-tokens")
        );
        assert_eq!(billed(&found[0]), "0.069");
        assert_eq!(price(&found[0]), "0.069");
        // 14,267 output × $15/M = $0.214005.
        assert_eq!(found[1].tokens.output, 14_267);
        assert_charged(&found[1], "0.214005");
        // 500,000 cache reads × $0.30/M = $0.15.
        assert_eq!(found[2].tokens.cache_read, 500_000);
        assert_eq!(price(&found[2]), "0.15");
        // 40,000 cache writes × $3.75/M = $0.15.
        assert_eq!(found[3].tokens.cache_write_5m, 40_000);
        assert_charged(&found[3], "0.15");

        // Pricing unit "1K tokens": 120.5 units are 120,500 tokens; batch halves $1/M:
        // 120,500 × $0.50/M = $0.06025.
        let haiku = &found[4];
        assert_eq!(haiku.model.as_deref(), Some("claude-haiku-4-5"));
        assert!(haiku.batch);
        assert_eq!(haiku.tokens.input, 120_500);
        assert_charged(haiku, "0.06025");

        // Marketplace line: the model is in the product name; "Units" count no tokens, so the
        // cost is kept with zero tokens.
        let market = &found[5];
        assert_eq!(market.model.as_deref(), Some("claude-opus-4-5"));
        assert_eq!(market.provider, Provider::Anthropic);
        assert_eq!(market.tokens, TokenBuckets::default());
        assert_eq!(billed(market), "5");
        assert_eq!(
            market.line_item.as_deref(),
            Some("USE1-MP:USE1_output_tokens_standard-Units")
        );

        // An open-weight model the catalog does not price keeps the usage type's model name.
        let oss = &found[6];
        assert_eq!(oss.model.as_deref(), Some("gpt-oss-120b"));
        assert_eq!(oss.provider, Provider::OpenAi);
        assert_eq!(oss.tokens.input, 1_000_000);
        assert_eq!(billed(oss), "0.15");
    }

    #[test]
    fn maps_usage_type_models() {
        let model = |usage_type: &str| {
            let lower = usage_type.to_ascii_lowercase();
            let (class, at) = token_class(&lower).unwrap();
            (class, usage_type_model(strip_region(&usage_type[..at])).1)
        };
        use TokenClass::*;
        let usage_types = [
            (
                "USE1-Claude4.6Sonnet-cache-read-input-token-count",
                CacheRead,
                "claude-sonnet-4-6",
            ),
            (
                "USW2-Claude3.5SonnetV2-output-tokens",
                Output,
                "claude-3-5-sonnet",
            ),
            (
                "USE1-Claude4Sonnet-cache-read-input-token-count-cross-region-global",
                CacheRead,
                "claude-sonnet-4",
            ),
            (
                "EUC1-Claude4.5Opus-cache-write-1h-input-token-count",
                CacheWrite1h,
                "claude-opus-4-5",
            ),
            ("USE1-Nova2.0Lite-input-tokens-flex", Input, "Nova2.0Lite"),
            ("Claude3Haiku-input-tokens", Input, "claude-3-haiku"),
        ];
        for (usage_type, class, name) in usage_types {
            assert_eq!(model(usage_type), (class, name.into()), "{usage_type}");
        }
        assert_eq!(
            product_model("OpenAI GPT-5.6 Sol (Amazon Bedrock Edition)"),
            "gpt-5.6-sol"
        );
        assert_eq!(
            product_model("Claude 3.7 Sonnet (Amazon Bedrock Edition)"),
            "claude-3-7-sonnet"
        );
        assert_eq!(unit_factor("1M tokens"), Some(1_000_000));
        assert_eq!(unit_factor("1K tokens"), Some(1_000));
        assert_eq!(unit_factor("Tokens"), Some(1));
        assert_eq!(unit_factor("Units"), None);
    }

    #[test]
    fn legacy_column_names_are_detected_and_read() {
        let legacy = "lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,lineItem/UsageAmount,pricing/unit,lineItem/UnblendedCost\n2025-11-19T10:00:00Z,AmazonBedrock,USE1-Claude4.5Haiku-output-tokens,2000,tokens,0.01\n";
        assert_detected(legacy, InputFormat::AwsCur);
        let found = buckets(csv_outcomes(legacy, parse_row), &[]);
        assert_eq!(found[0].tokens.output, 2_000);
        assert_eq!(found[0].model.as_deref(), Some("claude-haiku-4-5"));
    }

    #[test]
    fn malformed_rows_are_errors() {
        let text = "line_item_usage_start_date,line_item_product_code,line_item_usage_type,line_item_usage_amount,pricing_unit,line_item_unblended_cost\n\
            someday,AmazonBedrock,USE1-Claude4.5Haiku-input-tokens,1,tokens,0.1\n\
            2025-11-19T10:00:00Z,AmazonBedrock,USE1-Claude4.5Haiku-input-tokens,many,tokens,0.1\n\
            2025-11-19T10:00:00Z,AmazonBedrock,USE1-Claude4.5Haiku-input-tokens,1,tokens,$0.10\n\
            ,AmazonBedrock,USE1-Claude4.5Haiku-input-tokens,1,tokens,0.1\n";
        assert_row_errors(text, parse_row, 4);
    }
}
