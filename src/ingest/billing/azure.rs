//! Azure Cost Management "cost and usage details" export (EA and MCA), CSV.
//!
//! Columns are read by name whatever their case (EA exports write `MeterName`, MCA exports
//! `meterName`) and may be missing: `Date` (`MM/DD/YYYY` or ISO), `MeterCategory`,
//! `ConsumedService`, `MeterName`, `UnitOfMeasure`, `Quantity`, `EffectivePrice`/`UnitPrice`,
//! `CostInBillingCurrency`/`Cost`, `BillingCurrency`/`BillingCurrencyCode`, `CostInUsd`,
//! `ChargeType`, `ResourceId`, `ResourceGroup`.
//!
//! Azure OpenAI / Foundry Models bill tokens as meters whose names carry the model, the token
//! class and the deployment type, spelled irregularly: `gpt-4o-mini-0718-Inp-glbl Tokens`,
//! `gpt-4o-mini-0718-Batch-Outp-regnl Tokens`, `gpt 4.1 mini Inp glbl Tokens`,
//! `o4-mini 0416 Inp Data Zone Tokens`, `GPT 5 Nano Inpt Glbl 1M Tokens`,
//! `5.4 nano Inp Gl 1M Tokens`, with `cached`/`cchd` for cached input (meter spellings from
//! the Azure retail prices API as public cost tools read it). The meter's words are sorted into
//! direction (`Inp`/`Inpt`/`Outp`/`Opt`), cache, batch, deployment (`glbl`, `regnl`, `Data
//! Zone`…) and modality words; what remains is the model, rebuilt as OpenAI names it
//! (`gpt-4o-mini-0718` → `gpt-4o-mini-2024-07-18`, a bare `5.4 nano` → `gpt-5.4-nano`,
//! `gpt-35-turbo` → `gpt-3.5-turbo`). Embedding meters have no direction and bill input.
//!
//! `Quantity` is in `UnitOfMeasure` units: `1K` is thousands of tokens, `1M` millions. A row
//! whose `Quantity × EffectivePrice` matches the cost only when `Quantity` is read as plain
//! tokens (some exports, and the reference sample's first row, write it so) is read as tokens;
//! otherwise the unit is trusted. Each row covers one day.
//!
//! `billed` is the cost in US dollars when the export states it (`CostInUsd`, or the billing
//! currency is USD); otherwise it is `CostInBillingCurrency` with the currency recorded. Rows
//! of other charge types (purchases, refunds), other services, and meters not billed in tokens
//! (fine-tuned model hosting hours, storage) are not token usage; audio and image token meters
//! keep their cost with zero tokens. The project is the resource (the Azure OpenAI account),
//! else the resource group, else the subscription. Tags have no place in a bucket.

use super::{
    BILLING, DAY_MS, TokenClass, csv_money, name_words, outcome, row_outcome, scaled_count,
};
use crate::ingest::values::parse_time;
use crate::ingest::{CsvHeaders, CsvRow, LineOutcome, SkipReason};
use crate::record::{Provider, TokenBuckets, UsageBucket};

use crate::ingest::{CsvFormat, Format};

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format {
    name: "azure-cost",
    csv: Some(CsvFormat {
        looks_like: looks_like_header,
        row: parse_row,
    }),
    ..BILLING
};

/// What a token meter's name says.
#[derive(Debug, PartialEq, Eq)]
struct Meter {
    model: String,
    class: Option<TokenClass>,
    /// Text tokens (or no modality named).
    text: bool,
    batch: bool,
    /// Tokens per unit when the name states it (`1M Tokens`).
    unit: Option<u64>,
}

/// Snapshot codes (`MMDD`) of OpenAI models as Azure meters write them, with their year.
const SNAPSHOT_YEARS: [(&str, &str); 13] = [
    ("0613", "2023"),
    ("1106", "2023"),
    ("0125", "2024"),
    ("0409", "2024"),
    ("0513", "2024"),
    ("0718", "2024"),
    ("0806", "2024"),
    ("0912", "2024"),
    ("1120", "2024"),
    ("1217", "2024"),
    ("0131", "2025"),
    ("0414", "2025"),
    ("0416", "2025"),
];

/// Parses a meter name into model and token class.
fn parse_meter(name: &str) -> Meter {
    let words = name_words(name, false);
    let mut model: Vec<&str> = Vec::new();
    let mut class = None;
    let mut text = true;
    let mut batch = false;
    let mut unit = None;
    for (at, word) in words.iter().enumerate() {
        let next = words.get(at + 1).map(String::as_str);
        match word.as_str() {
            // `text-embedding-3-large` is a model name, not a modality.
            "text" if next == Some("embedding") => model.push("text"),
            "inp" | "inpt" | "input" => class = class.or(Some(TokenClass::Input)),
            "outp" | "opt" | "output" | "out" => class = class.or(Some(TokenClass::Output)),
            "cached" | "cchd" | "cache" | "cch" => class = Some(TokenClass::CacheRead),
            "batch" => batch = true,
            "glbl" | "gl" | "global" | "regnl" | "regional" | "rgnl" | "dz" | "dzone" | "data"
            | "zone" | "datazone" | "us" | "eu" | "tokens" | "token" | "txt" | "text" => {}
            "1k" => unit = Some(1_000),
            "1m" => unit = Some(1_000_000),
            "aud" | "audio" | "img" | "image" | "images" => text = false,
            other => model.push(other),
        }
    }
    if model
        .first()
        .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()))
    {
        model.insert(0, "gpt");
    }
    let mut joined = model.join("-");
    if let Some(rest) = joined.strip_prefix("gpt-35") {
        joined = format!("gpt-3.5{rest}");
    }
    if let Some((base, code)) = joined.rsplit_once('-')
        && code.len() == 4
        && code.bytes().all(|b| b.is_ascii_digit())
    {
        joined = match SNAPSHOT_YEARS.iter().find(|(mmdd, _)| *mmdd == code) {
            Some((_, year)) => format!("{base}-{year}-{}-{}", &code[..2], &code[2..]),
            None => base.to_string(),
        };
    }
    if class.is_none() && joined.contains("embedding") {
        class = Some(TokenClass::Input);
    }
    Meter {
        model: joined,
        class,
        text,
        batch,
        unit,
    }
}

/// Tokens per unit of `UnitOfMeasure`, when it counts tokens.
fn unit_factor(unit: &str) -> Option<u64> {
    let unit = unit.trim().to_ascii_lowercase();
    let unit = unit.strip_suffix(" tokens").unwrap_or(&unit);
    match unit {
        "1k" | "1000" | "1,000" | "k" => Some(1_000),
        "1m" | "1000000" | "1,000,000" | "m" => Some(1_000_000),
        "tokens" | "token" | "1" => Some(1),
        _ => None,
    }
}

/// Whether a row is Azure AI model usage rather than another service. An export trimmed of
/// every service column is taken at its meter's word.
fn is_ai_service(row: &CsvRow<'_>) -> bool {
    let service_columns = [
        "MeterCategory",
        "MeterSubCategory",
        "ProductName",
        "ConsumedService",
    ];
    if service_columns
        .iter()
        .all(|name| row.get(&[name]).is_none())
    {
        return true;
    }
    let matches = |names: &[&str], needles: &[&str]| {
        row.get(names).is_some_and(|value| {
            let value = value.to_ascii_lowercase();
            needles.iter().any(|n| value.contains(n))
        })
    };
    matches(
        &["MeterCategory", "MeterSubCategory", "ProductName"],
        &["openai", "foundry", "cognitive", "ai services", "models"],
    ) || matches(
        &["ConsumedService"],
        &["cognitiveservices", "machinelearningservices"],
    )
}

/// How many tokens `Quantity` stands for: `Quantity × factor`, unless the row's price and cost
/// agree only with `Quantity` read as plain tokens.
fn token_count(row: &CsvRow<'_>, quantity: &str, factor: u64) -> Result<u64, String> {
    let scaled = scaled_count(quantity, factor)
        .ok_or_else(|| format!("Quantity is not a quantity: {quantity:?}"))?;
    let price = row.f64(&["EffectivePrice", "UnitPrice"]);
    let cost = row.f64(&["CostInBillingCurrency", "Cost", "PreTaxCost"]);
    let quantity_f = quantity.parse::<f64>().ok();
    if let (Some(price), Some(cost), Some(quantity_f)) = (price, cost, quantity_f)
        && price > 0.0
        && cost > 0.0
        && factor > 1
    {
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-3 * b.abs().max(1e-12);
        let charged = quantity_f * price;
        if !close(charged, cost) && close(charged, cost * factor as f64) {
            return scaled_count(quantity, 1)
                .ok_or_else(|| format!("Quantity is not a count: {quantity:?}"));
        }
    }
    Ok(scaled)
}

/// Whether a CSV header is an Azure cost and usage details export.
pub(crate) fn looks_like_header(headers: &CsvHeaders) -> bool {
    headers.has("MeterName")
        && headers.has("Quantity")
        && ["CostInBillingCurrency", "Cost", "CostInUsd", "PreTaxCost"]
            .iter()
            .any(|name| headers.has(name))
}

/// Reads one row of the export.
pub(crate) fn parse_row(row: &CsvRow<'_>) -> LineOutcome {
    row_outcome(read_row(row))
}

/// A row as a bucket or a skip; an error message for a malformed cell.
fn read_row(row: &CsvRow<'_>) -> Result<LineOutcome, String> {
    if row
        .get(&["ChargeType"])
        .is_some_and(|t| !t.eq_ignore_ascii_case("usage"))
    {
        return Ok(LineOutcome::Skip(SkipReason::NotTokenUsage));
    }
    let meter_name = row.get(&["MeterName"]).ok_or("row has no MeterName")?;
    let meter = parse_meter(meter_name);
    let unit_of_measure = row.get(&["UnitOfMeasure"]);
    let factor = unit_of_measure.and_then(unit_factor).or(meter.unit);
    let billed_in_tokens = factor.is_some() || meter_name.to_ascii_lowercase().ends_with("tokens");
    if !is_ai_service(row) || !billed_in_tokens || meter.model.is_empty() {
        return Ok(LineOutcome::Skip(SkipReason::NotTokenUsage));
    }
    let date = row
        .get(&["Date", "UsageDate", "UsageDateTime"])
        .ok_or("row has no Date")?;
    let start_ms = parse_time(date).ok_or_else(|| format!("Date is not a date: {date:?}"))?;
    let count = match (row.get(&["Quantity"]), factor) {
        (Some(quantity), Some(factor)) => token_count(row, quantity, factor)?,
        _ => 0,
    };
    let tokens = match meter.class {
        Some(class) if meter.text => class.tokens(count),
        _ => TokenBuckets::default(),
    };
    let billing_currency = row
        .get(&["BillingCurrency", "BillingCurrencyCode", "Currency"])
        .map(str::to_ascii_uppercase);
    let in_billing = csv_money(
        row.get(&["CostInBillingCurrency", "Cost", "PreTaxCost"]),
        "CostInBillingCurrency",
    )?;
    let in_usd = csv_money(row.get(&["CostInUsd"]), "CostInUsd")?;
    let (billed, currency) = match billing_currency {
        None => (in_billing.or(in_usd), None),
        Some(code) if code == "USD" => (in_billing.or(in_usd), None),
        Some(_) if in_usd.is_some() => (in_usd, None),
        Some(code) => (in_billing, Some(code)),
    };
    let project = row
        .get(&["ResourceId", "InstanceId"])
        .and_then(|id| id.trim_end_matches('/').rsplit('/').next())
        .filter(|name| !name.is_empty())
        .or_else(|| row.get(&["ResourceGroup", "ResourceGroupName"]))
        .or_else(|| row.get(&["SubscriptionName", "SubscriptionId"]))
        .map(str::to_string);
    let provider = match Provider::from_model(&meter.model) {
        Provider::Unknown if meter.model.starts_with("gpt") => Provider::OpenAi,
        maker => maker,
    };
    Ok(outcome(UsageBucket {
        provider,
        model: Some(meter.model),
        start_ms,
        end_ms: Some(start_ms.saturating_add(DAY_MS)),
        tokens,
        requests: None,
        billed,
        currency,
        batch: meter.batch,
        long_context: false,
        project,
        line_item: Some(meter_name.to_string()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::billing::tests::{
        assert_charged, assert_row_errors, billed, buckets, csv_outcomes,
    };

    const EXPORT: &str = include_str!("../../../fixtures/billing/azure-cost/cost_details.csv");

    #[test]
    fn token_meters_become_buckets() {
        let found = buckets(
            csv_outcomes(EXPORT, parse_row),
            &[
                SkipReason::NotTokenUsage, // fine-tuned model hosting hours
                SkipReason::NotTokenUsage, // storage
                SkipReason::NotTokenUsage, // reservation purchase
                SkipReason::EmptyBucket,
            ],
        );
        assert_eq!(found.len(), 7);
        let trap = &found[0];
        assert_eq!(trap.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
        assert_eq!(trap.provider, Provider::OpenAi);
        assert_eq!(trap.start_ms, 1_795_046_400_000); // 11/19/2026
        assert_eq!(trap.end_ms, Some(1_795_132_800_000));
        assert_eq!(trap.project.as_deref(), Some("aoai-prod"));
        assert_eq!(
            trap.line_item.as_deref(),
            Some("gpt-4o-mini-0718-Inp-glbl Tokens")
        );
        // Unit "1K" but 13,823 × $0.00015 = $2.07 ≠ $0.00207345: the quantity is plain tokens.
        // 13,823 × $0.15/M = $0.00207345.
        assert_eq!(trap.tokens.input, 13_823);
        assert_charged(trap, "0.00207345");

        // 2.5 thousand output tokens: 2,500 × $0.60/M = $0.0015.
        let output = &found[1];
        assert_eq!(output.tokens.output, 2_500);
        assert_charged(output, "0.0015");

        // Cached input: 40,000 × $0.075/M = $0.003.
        let cached = &found[2];
        assert_eq!(cached.tokens.cache_read, 40_000);
        assert_charged(cached, "0.003");

        // "1M" unit: 0.12 million output tokens of gpt-5: 120,000 × $10/M = $1.20.
        let gpt5 = &found[3];
        assert_eq!(gpt5.model.as_deref(), Some("gpt-5"));
        assert_eq!(gpt5.tokens.output, 120_000);
        assert_charged(gpt5, "1.2");

        // Batch meter: 100,000 × $0.075/M (half of $0.15/M) = $0.0075.
        let batch = &found[4];
        assert!(batch.batch);
        assert_eq!(batch.tokens.input, 100_000);
        assert_charged(batch, "0.0075");

        // Billed in euros with the US-dollar cost stated: billed in dollars.
        // 500,000 gpt-4.1-mini input × $0.40/M = $0.20.
        let euros = &found[5];
        assert_eq!(euros.model.as_deref(), Some("gpt-4.1-mini"));
        assert_eq!(euros.tokens.input, 500_000);
        assert_eq!(euros.currency, None);
        assert_charged(euros, "0.2");
        assert_eq!(euros.start_ms, 1_795_046_400_000);

        // Embeddings bill input; the model is not in the catalog but keeps its name.
        let embedding = &found[6];
        assert_eq!(embedding.model.as_deref(), Some("text-embedding-3-large"));
        assert_eq!(embedding.tokens.input, 10_000);
        assert_eq!(billed(embedding), "0.0013");
    }

    #[test]
    fn reads_meter_spellings() {
        use TokenClass::*;
        let meters = [
            (
                "o4-mini 0416 Inp Data Zone Tokens",
                "o4-mini-2025-04-16",
                Input,
            ),
            ("gpt 4.1 mini Inp glbl Tokens", "gpt-4.1-mini", Input),
            ("GPT 5 Nano Inpt Glbl 1M Tokens", "gpt-5-nano", Input),
            ("5.4 nano Inp Gl 1M Tokens", "gpt-5.4-nano", Input),
            ("5.4 opt Dz 1M Tokens", "gpt-5.4", Output),
            ("gpt-4o-0806-Outp-regnl Tokens", "gpt-4o-2024-08-06", Output),
            (
                "gpt-35-turbo-0125-Inp-regnl Tokens",
                "gpt-3.5-turbo-2024-01-25",
                Input,
            ),
            ("gpt-5-codex-inp-glbl", "gpt-5-codex", Input),
        ];
        for (name, model, class) in meters {
            let meter = parse_meter(name);
            assert_eq!(
                (meter.model.as_str(), meter.class),
                (model, Some(class)),
                "{name}"
            );
        }
        assert!(!parse_meter("gpt-4o-mini-tts-aud-out-glbl").text);
        assert_eq!(
            parse_meter("GPT 5 Nano Inpt Glbl 1M Tokens").unit,
            Some(1_000_000)
        );
        assert_eq!(
            parse_meter("Llama 3.3 70B Inp glbl Tokens").model,
            "llama-3.3-70b"
        );
    }

    #[test]
    fn malformed_rows_are_errors() {
        let text = "Date,MeterCategory,MeterName,UnitOfMeasure,Quantity,CostInBillingCurrency,BillingCurrency\n\
            someday,Azure OpenAI,gpt-4o-mini-0718-Inp-glbl Tokens,1K,1,0.00015,USD\n\
            11/19/2026,Azure OpenAI,gpt-4o-mini-0718-Inp-glbl Tokens,1K,lots,0.00015,USD\n\
            11/19/2026,Azure OpenAI,gpt-4o-mini-0718-Inp-glbl Tokens,1K,1,\"1,5\",USD\n";
        assert_row_errors(text, parse_row, 3);
    }
}
