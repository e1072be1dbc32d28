//! Google Cloud billing export (BigQuery `gcp_billing_export_v1_*` rows as JSONL or CSV).
//!
//! Rows are read by the export schema's names (Cloud Billing docs, "Standard usage cost data
//! schema"): `service.description`, `sku.description`, `usage_start_time`, `usage_end_time`,
//! `project.id`, `cost`, `currency`, `usage.amount`/`usage.unit`,
//! `usage.amount_in_pricing_units`/`usage.pricing_unit`, `credits[]`, `cost_type`. JSON rows
//! nest the records; CSV files flatten them as `sku.description` (or `sku_description`).
//! Timestamps may be RFC 3339 or BigQuery's `2026-11-19 10:00:00 UTC`; numbers may be JSON
//! numbers or strings; all are read exactly.
//!
//! Model and token class come from the SKU description, in both families Google uses:
//! Vertex AI (`Gemini 2.5 Flash GA Text Input - Predictions`, `… Thinking Text Output …`,
//! `… Text Output (Thinking On) …`, ` Gemini 2.5 Flash GA Input Text Caching` — note the
//! leading space) and the Gemini API (`Generate content input token count gemini 2.5 flash
//! lite short input text`). The first of `input`/`output` names the class; a `cach…` word makes
//! it cached input (cache writes when it says `write`); `Flash Lite` is its own model, and
//! `non-thinking` is not thinking. Thinking-output SKUs bill every output token of thinking
//! requests, thoughts and answer alike, so they fill `output` and leave `reasoning` at zero
//! (the split is not in the export). Audio, image and video token SKUs keep their cost with
//! zero tokens: the catalog prices text tokens. Context-cache storage (per hour), grounding and
//! other non-token SKUs, other services, and `cost_type` tax/adjustment/rounding rows are not
//! token usage.
//!
//! Tokens are `usage.amount` when `usage.unit` counts (`count`, `requests`, `tokens`), else
//! `usage.amount_in_pricing_units` scaled by `usage.pricing_unit` (`1000 count`, `1M tokens`);
//! a SKU billed per character or in an unknown unit keeps its cost with zero tokens.
//!
//! `billed` is the net charge, `cost` plus the (negative) `credits[].amount` — free tier,
//! promotions, committed-use discounts — which is what the invoice charges (Cloud Billing
//! docs: add credits to cost for the total). It is in the row's `currency`, recorded when not
//! USD; `currency_conversion_rate` is not applied (dividing by it is not exact).

use crate::ingest::values::Text;
use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{
    BILLING, TokenClass, checked_sum, claude_model, csv_money, currency, json_money, name_words,
    outcome, row_outcome, scaled_count,
};
use crate::ingest::values::{parse_time, scalar_text};
use crate::ingest::{CsvHeaders, CsvRow, LineOutcome, OneEach, SkipReason, json_error};
use crate::money::Money;
use crate::record::{Provider, TokenBuckets, UsageBucket};

use crate::ingest::{CsvFormat, Format};

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format {
    name: "gcp-billing",
    json: Some(looks_like),
    csv: Some(CsvFormat {
        looks_like: looks_like_header,
        row: parse_row,
    }),
    // Each JSONL row stands alone.
    parser: |_| Box::new(OneEach(parse_line)),
    ..BILLING
};

/// What a SKU description says about model tokens.
#[derive(Debug, PartialEq, Eq)]
struct Sku {
    model: String,
    class: TokenClass,
    /// Text tokens (or no modality named).
    text: bool,
    batch: bool,
}

/// Words that continue a Gemini or Gemma model name after its version.
const GEMINI_WORDS: [&str; 10] = [
    "pro", "flash", "lite", "ultra", "nano", "live", "image", "tts", "8b", "exp",
];

/// Parses a SKU description into model and token class; `None` for a SKU that is not model
/// tokens.
fn parse_sku(description: &str) -> Option<Sku> {
    let words = name_words(description, false);
    let has = |word: &str| words.iter().any(|w| w == word);
    if has("storage") || has("hour") || has("hours") {
        return None;
    }
    let start = words
        .iter()
        .position(|w| matches!(w.as_str(), "gemini" | "gemma" | "claude"))?;
    let family = words[start].as_str();
    let mut model_end = start + 1;
    let model = if family == "claude" {
        let rest: Vec<&str> = words[start + 1..].iter().map(String::as_str).collect();
        let name = claude_model(&rest)?;
        model_end = words.len();
        name
    } else {
        let is_version = |w: &str| w.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        let mut parts = vec![family.to_string()];
        let mut major = 0;
        while let Some(word) = words.get(model_end) {
            let next = words.get(model_end + 1).map(String::as_str);
            let modality_image =
                word == "image" && matches!(next, Some("input" | "output" | "tokens"));
            if is_version(word) && parts.len() == 1 {
                major = word
                    .split('.')
                    .next()
                    .and_then(|m| m.parse().ok())
                    .unwrap_or(0);
            } else if !(GEMINI_WORDS.contains(&word.as_str()) && !modality_image
                || word == "preview" && major >= 3)
            {
                break;
            }
            parts.push(word.clone());
            model_end += 1;
        }
        parts.join("-")
    };
    let position = |targets: &[&str]| words.iter().position(|w| targets.contains(&w.as_str()));
    let cached = words.iter().any(|w| w.starts_with("cach"));
    let class = if cached && (has("write") || has("writes") || has("creation")) {
        TokenClass::CacheWrite5m
    } else if cached {
        TokenClass::CacheRead
    } else {
        match (position(&["input"]), position(&["output"])) {
            (Some(i), Some(o)) if o < i => TokenClass::Output,
            (Some(_), _) => TokenClass::Input,
            (None, Some(_)) => TokenClass::Output,
            (None, None) => return None,
        }
    };
    let modal = words
        .iter()
        .enumerate()
        .filter(|(at, _)| *at >= model_end || family == "claude")
        .any(|(_, w)| matches!(w.as_str(), "audio" | "video" | "image" | "images"));
    Some(Sku {
        model,
        class,
        text: !modal,
        batch: has("batch"),
    })
}

/// How many tokens one unit of a usage or pricing unit is, when the unit counts tokens.
fn unit_factor(unit: &str) -> Option<u64> {
    let unit = unit.trim().to_ascii_lowercase();
    if matches!(
        unit.as_str(),
        "count" | "requests" | "request" | "tokens" | "token" | "1"
    ) {
        Some(1)
    } else if ["1000000", "million", "1m "]
        .iter()
        .any(|m| unit.contains(m))
        || unit == "1m"
    {
        Some(1_000_000)
    } else if ["1000", "thousand", "1k"].iter().any(|m| unit.contains(m)) {
        Some(1_000)
    } else {
        None
    }
}

/// A quantity as written, with the unit it is counted in.
type Quantity<'a> = (Option<Text<'a>>, Option<Text<'a>>);

/// A billing row, whichever layout it came in.
#[derive(Default)]
struct Fields<'a> {
    sku: Option<Text<'a>>,
    start: Option<i64>,
    end: Option<i64>,
    project: Option<Text<'a>>,
    cost: Option<Money>,
    credits: Money,
    currency: Option<Text<'a>>,
    /// Quantity text with its unit, first the usage unit then the pricing unit.
    amounts: [Quantity<'a>; 2],
    cost_type: Option<Text<'a>>,
}

impl Fields<'_> {
    /// The row as a bucket, or a skip for non-token rows.
    fn into_outcome(self) -> LineOutcome {
        if self
            .cost_type
            .as_deref()
            .is_some_and(|t| !t.eq_ignore_ascii_case("regular"))
        {
            return LineOutcome::Skip(SkipReason::NotTokenUsage);
        }
        let Some(sku_text) = self.sku.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
            return LineOutcome::Error("row has no sku.description".into());
        };
        let Some(sku) = parse_sku(sku_text) else {
            return LineOutcome::Skip(SkipReason::NotTokenUsage);
        };
        let Some(start_ms) = self.start else {
            return LineOutcome::Error("row has no valid usage_start_time".into());
        };
        let mut count = 0;
        for (amount, unit) in &self.amounts {
            let (Some(amount), Some(factor)) = (amount, unit.as_deref().and_then(unit_factor))
            else {
                continue;
            };
            match scaled_count(amount, factor) {
                Some(tokens) => {
                    count = tokens;
                    break;
                }
                None => {
                    return LineOutcome::Error(format!("usage amount is not a count: {amount:?}"));
                }
            }
        }
        let tokens = if sku.text {
            sku.class.tokens(count)
        } else {
            TokenBuckets::default()
        };
        let provider = match Provider::from_model(&sku.model) {
            Provider::Unknown => Provider::Google,
            maker => maker,
        };
        let billed = match self.cost.map(|cost| checked_sum(cost, self.credits)) {
            Some(None) => return LineOutcome::Error("cost plus credits out of range".into()),
            Some(Some(net)) => Some(net),
            None => None,
        };
        outcome(UsageBucket {
            provider,
            model: Some(sku.model),
            start_ms,
            end_ms: self.end,
            tokens,
            requests: None,
            billed,
            currency: currency(self.currency.as_deref()),
            batch: sku.batch,
            long_context: false,
            project: self.project.map(Text::into_owned),
            line_item: Some(sku_text.to_string()),
        })
    }
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Described<'a> {
    description: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Project<'a> {
    id: Option<Text<'a>>,
    name: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Usage<'a> {
    amount: Option<&'a RawValue>,
    unit: Option<Text<'a>>,
    amount_in_pricing_units: Option<&'a RawValue>,
    pricing_unit: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Credit<'a> {
    amount: Option<&'a RawValue>,
}

/// The sum of a row's credits (negative amounts), as a JSON row or a CSV cell lists them.
fn credits_total(credits: &[Credit<'_>]) -> Result<Money, String> {
    let mut total = Money::ZERO;
    for credit in credits {
        let amount = json_money(credit.amount, "credits.amount")?.unwrap_or_default();
        total = checked_sum(total, amount).ok_or("credits out of range")?;
    }
    Ok(total)
}

/// One exported row as BigQuery writes it to JSON.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct JsonRow<'a> {
    sku: Option<Described<'a>>,
    usage_start_time: Option<&'a RawValue>,
    usage_end_time: Option<&'a RawValue>,
    project: Option<Project<'a>>,
    cost: Option<&'a RawValue>,
    currency: Option<Text<'a>>,
    usage: Option<Usage<'a>>,
    #[serde(default)]
    credits: Option<Vec<Credit<'a>>>,
    cost_type: Option<Text<'a>>,
}

/// Parses one JSON row of the export.
fn parse_line(line: &[u8]) -> LineOutcome {
    let row: JsonRow<'_> = match serde_json::from_slice(line) {
        Ok(row) => row,
        Err(err) => return json_error(err, line),
    };
    let cost = match json_money(row.cost, "cost") {
        Ok(cost) => cost,
        Err(message) => return LineOutcome::Error(message),
    };
    let credits = match credits_total(row.credits.as_deref().unwrap_or_default()) {
        Ok(credits) => credits,
        Err(message) => return LineOutcome::Error(message),
    };
    let time = |raw: Option<&RawValue>| raw.and_then(scalar_text).and_then(|t| parse_time(&t));
    let (usage_amounts, pricing_amounts) = match row.usage {
        Some(usage) => (
            (
                usage.amount.and_then(scalar_text).map(Text::from),
                usage.unit,
            ),
            (
                usage
                    .amount_in_pricing_units
                    .and_then(scalar_text)
                    .map(Text::from),
                usage.pricing_unit,
            ),
        ),
        None => ((None, None), (None, None)),
    };
    Fields {
        sku: row.sku.and_then(|s| s.description),
        start: time(row.usage_start_time),
        end: time(row.usage_end_time),
        project: row.project.and_then(|p| p.id.or(p.name)),
        cost,
        credits,
        currency: row.currency,
        amounts: [usage_amounts, pricing_amounts],
        cost_type: row.cost_type,
    }
    .into_outcome()
}

/// Whether a JSON record is a billing export row.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    value
        .get("sku")
        .and_then(|s| s.get("description"))
        .is_some_and(serde_json::Value::is_string)
        && value.get("cost").is_some()
        && value.get("usage_start_time").is_some()
}

/// Whether a CSV header is a billing export with flattened column names.
pub(crate) fn looks_like_header(headers: &CsvHeaders) -> bool {
    (headers.has("sku.description") || headers.has("sku_description"))
        && headers.has("cost")
        && headers.has("usage_start_time")
}

/// Reads one CSV row of the export.
pub(crate) fn parse_row(row: &CsvRow<'_>) -> LineOutcome {
    row_outcome(read_row(row))
}

/// A CSV row as a bucket or a skip; an error message for a malformed cell.
fn read_row(row: &CsvRow<'_>) -> Result<LineOutcome, String> {
    let text = |names: &[&str]| row.get(names).map(Cow::Borrowed);
    let time = |name: &str| -> Result<Option<i64>, String> {
        row.get(&[name])
            .map(|t| parse_time(t).ok_or(format!("{name} is not a time: {t:?}")))
            .transpose()
    };
    let cost = csv_money(row.get(&["cost"]), "cost")?;
    let credits = if let Some(list) = row.get(&["credits"]).filter(|c| c.starts_with('[')) {
        let list: Vec<Credit<'_>> =
            serde_json::from_str(list).map_err(|err| format!("credits is not a list: {err}"))?;
        credits_total(&list)?
    } else {
        let total = row.get(&[
            "credits",
            "credits.amount",
            "credits_amount",
            "total_credits",
        ]);
        csv_money(total, "credits")?.unwrap_or_default()
    };
    Ok(Fields {
        sku: text(&["sku.description", "sku_description"]).map(Text::from),
        start: time("usage_start_time")?,
        end: time("usage_end_time")?,
        project: text(&["project.id", "project_id", "project.name", "project_name"])
            .map(Text::from),
        cost,
        credits,
        currency: text(&["currency"]).map(Text::from),
        amounts: [
            (
                text(&["usage.amount", "usage_amount"]).map(Text::from),
                text(&["usage.unit", "usage_unit"]).map(Text::from),
            ),
            (
                text(&[
                    "usage.amount_in_pricing_units",
                    "usage_amount_in_pricing_units",
                ])
                .map(Text::from),
                text(&["usage.pricing_unit", "usage_pricing_unit"]).map(Text::from),
            ),
        ],
        cost_type: text(&["cost_type"]).map(Text::from),
    }
    .into_outcome())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::billing::tests::{
        assert_charged, assert_error, billed, buckets, csv_outcomes, price,
    };
    use crate::ingest::{InputFormat, parse_lines};

    const JSONL: &str = include_str!("../../../fixtures/billing/gcp-billing/vertex_export.jsonl");
    const CSV: &str = include_str!("../../../fixtures/billing/gcp-billing/vertex_export.csv");

    fn lines(text: &str) -> Vec<&[u8]> {
        text.lines().map(str::as_bytes).collect()
    }

    #[test]
    fn json_rows_become_buckets_by_sku() {
        let parsed = parse_lines(InputFormat::GcpBilling, &lines(JSONL));
        let found = buckets(
            parsed,
            &[
                SkipReason::NotTokenUsage, // Cloud Storage
                SkipReason::NotTokenUsage, // tax
                SkipReason::NotTokenUsage, // context cache storage
                SkipReason::EmptyBucket,
            ],
        );
        assert_eq!(found.len(), 6);
        let input = &found[0];
        assert_eq!(input.model.as_deref(), Some("gemini-2.5-flash"));
        assert_eq!(input.provider, Provider::Google);
        assert_eq!(input.tokens.input, 1_000_000);
        assert_eq!(input.start_ms, 1_795_082_400_000); // 2026-11-19T10:00:00Z
        assert_eq!(input.end_ms, Some(1_795_086_000_000));
        assert_eq!(input.project.as_deref(), Some("my-proj"));
        assert_eq!(
            input.line_item.as_deref(),
            Some("Gemini 2.5 Flash GA Text Input - Predictions")
        );
        // 1,000,000 input × $0.30/M = $0.30, as billed.
        assert_charged(input, "0.3");

        // Thinking output: output tokens, no reasoning split. The $1.25 list cost
        // (500,000 × $2.50/M) is wholly covered by a free-trial credit: billed net $0.
        let thinking = &found[1];
        assert_eq!(
            thinking.tokens,
            TokenBuckets {
                output: 500_000,
                ..TokenBuckets::default()
            }
        );
        assert_eq!(price(thinking), "1.25");
        assert_eq!(billed(thinking), "0");

        // Cached input (the SKU starts with a space): 2,000,000 × $0.03/M = $0.06.
        let cached = &found[2];
        assert_eq!(cached.tokens.cache_read, 2_000_000);
        assert_charged(cached, "0.06");

        // Gemini API SKU, BigQuery timestamps and numbers as strings: Flash Lite is its own
        // model; 400,000 × $0.10/M = $0.04.
        let lite = &found[3];
        assert_eq!(lite.model.as_deref(), Some("gemini-2.5-flash-lite"));
        assert_eq!(lite.tokens.input, 400_000);
        assert_eq!(lite.start_ms, 1_795_082_400_000);
        assert_charged(lite, "0.04");

        // Audio input: cost kept, no text tokens.
        let audio = &found[4];
        assert_eq!(audio.tokens, TokenBuckets::default());
        assert_eq!(billed(audio), "0.1");

        // Billed in euros: the currency is kept, the amount is not converted.
        let euros = &found[5];
        assert_eq!(euros.model.as_deref(), Some("gemini-2.5-pro"));
        assert_eq!(euros.currency.as_deref(), Some("EUR"));
        assert_eq!(euros.tokens.input, 100_000);
        assert_eq!(billed(euros), "0.115");
    }

    #[test]
    fn csv_rows_with_flattened_columns() {
        let found = buckets(csv_outcomes(CSV, parse_row), &[SkipReason::NotTokenUsage]);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].tokens.input, 1_000_000);
        assert_eq!(found[0].start_ms, 1_795_082_400_000);
        assert_charged(&found[0], "0.3");
        // $0.625 cost minus a $0.125 promotion credit; 250,000 output × $2.50/M = $0.625.
        assert_eq!(found[1].tokens.output, 250_000);
        assert_eq!(price(&found[1]), "0.625");
        assert_eq!(billed(&found[1]), "0.5");
    }

    #[test]
    fn reads_sku_spellings() {
        use TokenClass::*;
        // Description, model, class, text tokens, batch.
        let skus = [
            (
                "Gemini 2.5 Flash GA Text Output (Thinking On) - Predictions",
                "gemini-2.5-flash",
                Output,
                true,
                false,
            ),
            (
                "Generate content output token count gemini 2.5 flash lite short output text non-thinking",
                "gemini-2.5-flash-lite",
                Output,
                true,
                false,
            ),
            (
                "Generate content input token count gemini 3.5 flash text",
                "gemini-3.5-flash",
                Input,
                true,
                false,
            ),
            (
                "Gemini 3.1 Flash Lite Global Text Input - Predictions",
                "gemini-3.1-flash-lite",
                Input,
                true,
                false,
            ),
            (
                "Gemini 3 Pro Preview Text Input - Predictions",
                "gemini-3-pro-preview",
                Input,
                true,
                false,
            ),
            (
                " Gemini 2.5 Flash GA Input Text Caching (Long)",
                "gemini-2.5-flash",
                CacheRead,
                true,
                false,
            ),
            (
                "Gemini 2.5 Flash GA Audio Input (Long) - Predictions",
                "gemini-2.5-flash",
                Input,
                false,
                false,
            ),
            (
                "Gemini 2.5 Flash Batch Text Output - Predictions",
                "gemini-2.5-flash",
                Output,
                true,
                true,
            ),
            (
                "Claude Sonnet 4.5 Input Tokens",
                "claude-sonnet-4-5",
                Input,
                true,
                false,
            ),
        ];
        for (description, model, class, text, batch) in skus {
            let sku = parse_sku(description).expect(description);
            assert_eq!(
                (sku.model.as_str(), sku.class, sku.text, sku.batch),
                (model, class, text, batch),
                "{description}"
            );
        }
        for other in [
            "Gemini 2.5 Pro Grounding with Google Search",
            "Gemini 2.5 Flash Context Caching Storage",
            "Standard Storage US Multi-region",
        ] {
            assert_eq!(parse_sku(other), None, "{other}");
        }
        assert_eq!(unit_factor("count"), Some(1));
        assert_eq!(unit_factor("1000 count"), Some(1_000));
        assert_eq!(unit_factor("1M tokens"), Some(1_000_000));
        assert_eq!(unit_factor("characters"), None);
    }

    #[test]
    fn malformed_rows_are_errors() {
        let cases: [&[u8]; 4] = [
            br#"{"sku":{"description":"Gemini 2.5 Flash GA Text Input - Predictions"},"usage_start_time":"2026-11-19T10:00:00Z","cost":"free","usage":{"amount":1,"unit":"count"}}"#,
            br#"{"sku":{"description":"Gemini 2.5 Flash GA Text Input - Predictions"},"usage_start_time":"later","cost":1,"usage":{"amount":1,"unit":"count"}}"#,
            br#"{"sku":{"description":"Gemini 2.5 Flash GA Text Input - Predictions"},"usage_start_time":"2026-11-19T10:00:00Z","cost":1,"usage":{"amount":-4,"unit":"count"}}"#,
            br#"{"sku":{"description":"Gemini 2.5 Flash GA Text Input"#,
        ];
        for case in cases {
            assert_error(InputFormat::GcpBilling, case);
        }
    }
}
