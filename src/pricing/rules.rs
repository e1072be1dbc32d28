//! Billing rules: how a call's token buckets, the way it was served and the catalog's rates
//! become dollars. Each rule is its own function, applied by [`call_cost`] in a fixed order:
//! context tier, then batch or service tier, then off-peak hours, then regional uplift; tool
//! fees are added on top.

use crate::money::Money;
use crate::pricing::catalog::scale_like;
use crate::pricing::{ModelPrice, Rates, Residency, ServiceTier, TierPrice};
use crate::record::TokenBuckets;

/// How a call was (or would be) billed, beyond its tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BillingMode {
    /// Sent through the provider's Batch API.
    pub batch: bool,
    /// The service tier the provider reports having served.
    pub tier: ServiceTier,
    /// Where the request ran, when that costs more than global processing.
    pub residency: Option<Residency>,
    /// When the call was made, for off-peak windows.
    pub at_ms: Option<i64>,
    /// Server-side web-search requests the call made.
    pub web_searches: u32,
    /// The tokens sum many requests (a session's totals): their prompt total is no request's
    /// size, so no long-context tier applies.
    pub summed: bool,
}

impl Default for BillingMode {
    fn default() -> BillingMode {
        BillingMode {
            batch: false,
            tier: ServiceTier::Standard,
            residency: None,
            at_ms: None,
            web_searches: 0,
            summed: false,
        }
    }
}

impl BillingMode {
    /// Standard processing, through the Batch API when `batch`.
    pub fn batch(batch: bool) -> BillingMode {
        BillingMode {
            batch,
            ..BillingMode::default()
        }
    }
}

/// Whether a request is billed at the long-context tier: its prompt, cache reads and writes
/// included, is strictly above the threshold; a prompt exactly at it stays in the lower tier
/// (Anthropic and Google pricing pages: "prompts > 200k tokens"; OpenAI: "> 272K").
pub fn long_context_applies(price: &ModelPrice, tokens: &TokenBuckets) -> bool {
    price
        .long_context
        .as_ref()
        .is_some_and(|tier| tokens.prompt_total() > tier.threshold)
}

/// Standard or long-context rates. The long-context tier reprices the *whole* request, output
/// included.
pub fn context_rates(price: &ModelPrice, long_context: bool) -> Rates {
    match &price.long_context {
        Some(tier) if long_context => tier.rates,
        _ => price.rates,
    }
}

/// Batch rates: every class discounted, cached ones included (OpenAI and Anthropic batch docs),
/// except where the catalog states another cache-read price inside a batch. A model without a
/// batch price is billed at its standard rates.
pub fn batch_rates(price: &ModelPrice, rates: Rates) -> Rates {
    let Some(discount) = price.batch_discount else {
        return rates;
    };
    let mut batched = rates.scaled(discount);
    if let Some(cache_read) = price.batch_cache_read {
        batched.cache_read = scale_like(cache_read, price.rates.input, rates.input);
    }
    batched
}

/// Rates at the service tier served. A multiplier applies to whichever context tier the request
/// is in; explicit tier rates are for standard context and follow the model's long-context
/// ratios above the threshold. A tier the model has no price for is billed at standard rates
/// (see [`tier_is_priced`]).
pub fn service_tier_rates(price: &ModelPrice, rates: Rates, tier: ServiceTier) -> Rates {
    match price.tier_price(tier) {
        Some(TierPrice::Multiplier(factor)) => rates.scaled(factor),
        Some(TierPrice::Rates(tier_rates)) => {
            let base = &price.rates;
            Rates {
                input: scale_like(tier_rates.input, base.input, rates.input),
                output: scale_like(tier_rates.output, base.output, rates.output),
                cache_read: scale_like(tier_rates.cache_read, base.cache_read, rates.cache_read),
                cache_write_5m: scale_like(
                    tier_rates.cache_write_5m,
                    base.cache_write_5m,
                    rates.cache_write_5m,
                ),
                cache_write_1h: scale_like(
                    tier_rates.cache_write_1h,
                    base.cache_write_1h,
                    rates.cache_write_1h,
                ),
                reasoning_output: scale_like(
                    tier_rates.reasoning_output,
                    base.reasoning_output,
                    rates.reasoning_output,
                ),
            }
        }
        None => rates,
    }
}

/// Whether the catalog prices the tier a call was served at (standard always is). Calls at an
/// unpriced tier are billed at standard rates and counted in the report.
pub fn tier_is_priced(price: &ModelPrice, tier: ServiceTier) -> bool {
    tier == ServiceTier::Standard || price.tier_price(tier).is_some()
}

/// Off-peak discount, for a call made inside one of the model's discount windows (DeepSeek's
/// off-peak hours).
pub fn off_peak_rates(price: &ModelPrice, rates: Rates, at_ms: Option<i64>) -> Rates {
    match (&price.off_peak, at_ms) {
        (Some(off_peak), Some(at)) if off_peak.covers(at) => rates.scaled(off_peak.multiplier),
        _ => rates,
    }
}

/// Regional or data-residency uplift on every token class, where the model has one for where
/// the request ran (Anthropic `inference_geo`, Bedrock geographic profiles, Vertex regional
/// endpoints, OpenAI data residency).
pub fn regional_rates(price: &ModelPrice, rates: Rates, residency: Option<Residency>) -> Rates {
    match residency.and_then(|at| price.regional.uplift(at)) {
        Some(uplift) => rates.scaled(uplift),
        None => rates,
    }
}

/// The rates that apply to a whole request, every rule applied.
pub fn rates_for(price: &ModelPrice, tokens: &TokenBuckets, mode: BillingMode) -> Rates {
    let long_context = !mode.summed && long_context_applies(price, tokens);
    mode_rates(price, context_rates(price, long_context), mode)
}

/// Batch or service tier, off-peak and regional rules on top of context-tier rates.
fn mode_rates(price: &ModelPrice, rates: Rates, mode: BillingMode) -> Rates {
    let rates = if mode.batch {
        batch_rates(price, rates)
    } else {
        service_tier_rates(price, rates, mode.tier)
    };
    let rates = off_peak_rates(price, rates, mode.at_ms);
    regional_rates(price, rates, mode.residency)
}

/// Per-request server tool fees: web searches at the model's fee (Anthropic $10 per 1,000;
/// the tokens of search results are already in the usage).
pub fn tool_fees(price: &ModelPrice, web_searches: u32) -> Money {
    price
        .web_search_fee
        .map_or(Money::ZERO, |fee| fee.times(u64::from(web_searches)))
}

/// The cost of one call: each exclusive bucket at its rate, plus tool fees.
pub fn call_cost(price: &ModelPrice, tokens: &TokenBuckets, mode: BillingMode) -> Money {
    token_cost(&rates_for(price, tokens, mode), tokens) + tool_fees(price, mode.web_searches)
}

/// Our price of a billing export's line: its tokens summed over many requests, so the prompt
/// size says nothing about the context tier; the line itself says (`long_context`).
pub fn usage_cost(
    price: &ModelPrice,
    tokens: &TokenBuckets,
    batch: bool,
    long_context: bool,
) -> Money {
    let rates = mode_rates(
        price,
        context_rates(price, long_context),
        BillingMode::batch(batch),
    );
    token_cost(&rates, tokens)
}

/// Each exclusive bucket at its rate: uncached input, cache reads, cache writes by TTL (5m and
/// 1h are billed apart: Anthropic 1.25x and 2x input), output. Reasoning tokens are part of
/// `output` and billed there, never a second time; a model with a thinking-mode price bills a
/// call that used reasoning at that rate for all its output.
pub fn token_cost(rates: &Rates, tokens: &TokenBuckets) -> Money {
    let output_rate = if tokens.reasoning > 0 {
        rates.reasoning_output
    } else {
        rates.output
    };
    Money::tokens_at(tokens.input, rates.input)
        + Money::tokens_at(tokens.cache_read, rates.cache_read)
        + Money::tokens_at(tokens.cache_write_5m, rates.cache_write_5m)
        + Money::tokens_at(tokens.cache_write_1h, rates.cache_write_1h)
        + Money::tokens_at(tokens.output, output_rate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::PriceCatalog;

    /// Model shapes taken from published prices (each rule's test cites its source), in the
    /// catalog schema so the tests go through the same loader as the real catalog.
    const MODELS: &str = r#"
[[model]]
id = "sonnet-4-5"
provider = "anthropic"
tier = "mid"
input = 3.0
output = 15.0
cache_read = 0.3
cache_write_5m = 3.75
cache_write_1h = 6.0
batch_discount = 0.5
web_search_per_1k = 10.0
source = "https://platform.claude.com/docs/en/about-claude/pricing"
checked = "2026-11-21"
[model.long_context]
threshold = 200000
input = 6.0
output = 22.5
cache_read = 0.6
cache_write_5m = 7.5
cache_write_1h = 12.0

[[model]]
id = "opus-4-6"
provider = "anthropic"
tier = "flagship"
input = 5.0
output = 25.0
cache_read = 0.5
cache_write_5m = 6.25
cache_write_1h = 10.0
batch_discount = 0.5
source = "https://platform.claude.com/docs/en/about-claude/pricing"
checked = "2026-11-21"
[model.service_tiers.fast]
multiplier = 6.0
[model.regional]
inference_geo_us = 1.1
bedrock_geo = 1.1
vertex_regional = 1.1

[[model]]
id = "gpt-5"
provider = "openai"
tier = "flagship"
input = 1.25
output = 10.0
cache_read = 0.125
batch_discount = 0.5
source = "https://developers.openai.com/api/docs/pricing"
checked = "2026-11-21"
[model.service_tiers.flex]
input = 0.625
output = 5.0
cache_read = 0.0625
[model.service_tiers.priority]
input = 2.5
output = 20.0
cache_read = 0.25
[model.regional]
data_residency = 1.1

[[model]]
id = "gpt-4o"
provider = "openai"
tier = "flagship"
input = 2.5
output = 10.0
cache_read = 1.25
batch_discount = 0.5
batch_cache_read = 1.25
source = "https://developers.openai.com/api/docs/pricing"
checked = "2026-11-21"

[[model]]
id = "deepseek-chat"
provider = "deepseek"
tier = "mid"
input = 0.27
output = 1.1
cache_read = 0.07
source = "https://api-docs.deepseek.com/quick_start/pricing"
checked = "2026-11-21"
[model.off_peak]
windows_utc = ["16:30-00:30"]
multiplier = 0.5

[[model]]
id = "qwen-plus"
provider = "qwen"
tier = "mid"
input = 0.4
output = 1.2
reasoning = 4.0
source = "https://www.alibabacloud.com/help/en/model-studio/models"
checked = "2026-11-21"
"#;

    fn model(id: &str) -> ModelPrice {
        let catalog = PriceCatalog::from_toml(MODELS).expect("test models load");
        catalog.entry(catalog.resolve(id, None).unwrap()).clone()
    }

    fn tokens(input: u64, cache_read: u64, w5m: u64, w1h: u64, output: u64) -> TokenBuckets {
        TokenBuckets {
            input,
            cache_read,
            cache_write_5m: w5m,
            cache_write_1h: w1h,
            output,
            reasoning: 0,
        }
    }

    fn cost(id: &str, tokens: &TokenBuckets, mode: BillingMode) -> String {
        call_cost(&model(id), tokens, mode).to_decimal_string()
    }

    fn served(tier: ServiceTier) -> BillingMode {
        BillingMode {
            tier,
            ..BillingMode::default()
        }
    }

    #[test]
    fn cache_reads_bill_at_the_cache_hit_rate() {
        // Anthropic: cache hits cost 0.1x input, $0.30/M on Sonnet 4.5.
        // 1,000 × $3/M + 100,000 × $0.30/M + 500 × $15/M = $0.003 + $0.03 + $0.0075.
        let read = tokens(1_000, 100_000, 0, 0, 500);
        assert_eq!(cost("sonnet-4-5", &read, BillingMode::default()), "0.0405");
    }

    #[test]
    fn cache_writes_bill_by_their_ttl() {
        // Anthropic: 5-minute writes 1.25x input ($3.75/M), 1-hour writes 2x input ($6/M).
        // 10,000 × $3.75/M = $0.0375; 10,000 × $6/M = $0.06.
        let five = tokens(0, 0, 10_000, 0, 0);
        let hour = tokens(0, 0, 0, 10_000, 0);
        assert_eq!(cost("sonnet-4-5", &five, BillingMode::default()), "0.0375");
        assert_eq!(cost("sonnet-4-5", &hour, BillingMode::default()), "0.06");
    }

    #[test]
    fn reasoning_is_billed_once_as_output() {
        // OpenAI: reasoning tokens are billed as output tokens and are counted inside
        // completion_tokens. 2,000 output of which 1,500 reasoning: 2,000 × $10/M = $0.02,
        // plus 1,000 input × $1.25/M = $0.00125.
        let mut call = tokens(1_000, 0, 0, 0, 2_000);
        call.reasoning = 1_500;
        assert_eq!(cost("gpt-5", &call, BillingMode::default()), "0.02125");
    }

    #[test]
    fn a_thinking_mode_price_bills_all_output_of_a_reasoning_call() {
        // Qwen-Plus (Alibaba Model Studio): output $1.20/M, thinking-mode output $4/M.
        // Without reasoning: 1,000 × $0.40/M + 1,000 × $1.20/M = $0.0016.
        // With reasoning: 1,000 × $0.40/M + 1,000 × $4/M = $0.0044.
        let plain = tokens(1_000, 0, 0, 0, 1_000);
        let thinking = TokenBuckets {
            reasoning: 600,
            ..plain
        };
        assert_eq!(cost("qwen-plus", &plain, BillingMode::default()), "0.0016");
        assert_eq!(
            cost("qwen-plus", &thinking, BillingMode::default()),
            "0.0044"
        );
    }

    #[test]
    fn long_context_reprices_the_whole_request_above_the_threshold_only() {
        // Anthropic: prompts above 200K tokens (input + cache reads + writes) are billed at
        // $6/$22.50 for the whole request. Exactly 200,000 stays at $3/$15:
        // 100,000 × $3/M + 100,000 × $0.30/M + 1,000 × $15/M = $0.3 + $0.03 + $0.015.
        let at = tokens(100_000, 100_000, 0, 0, 1_000);
        assert!(!long_context_applies(&model("sonnet-4-5"), &at));
        assert_eq!(cost("sonnet-4-5", &at, BillingMode::default()), "0.345");
        // One more cached token: 100,000 × $6/M + 100,001 × $0.60/M + 1,000 × $22.50/M
        // = $0.6 + $0.0600006 + $0.0225.
        let above = tokens(100_000, 100_001, 0, 0, 1_000);
        assert!(long_context_applies(&model("sonnet-4-5"), &above));
        assert_eq!(
            cost("sonnet-4-5", &above, BillingMode::default()),
            "0.6825006"
        );
        // The same tokens summed over a session's requests (an agent that keeps only session
        // totals) are no one request's prompt: standard rates, 100,000 × $3/M + 100,001 ×
        // $0.30/M + 1,000 × $15/M = $0.3 + $0.0300003 + $0.015.
        let summed = BillingMode {
            summed: true,
            ..BillingMode::default()
        };
        assert_eq!(cost("sonnet-4-5", &above, summed), "0.3450003");
    }

    #[test]
    fn batch_halves_every_class_including_cache_reads() {
        // Anthropic Message Batches: 50% of every price, cache multipliers stacking.
        // 1,000 × $1.50/M + 1,000 × $0.15/M + 1,000 × $7.50/M = $0.00915.
        let call = tokens(1_000, 1_000, 0, 0, 1_000);
        assert_eq!(
            cost("sonnet-4-5", &call, BillingMode::batch(true)),
            "0.00915"
        );
        assert_eq!(cost("sonnet-4-5", &call, BillingMode::default()), "0.0183");
    }

    #[test]
    fn a_batch_cache_read_price_replaces_the_discounted_one() {
        // A model whose Batch price gives cached input no further discount: cached tokens
        // cost the batch input price, $1.25/M, not $1.25 × 0.5.
        // 1,000 × $1.25/M + 1,000 × $1.25/M + 1,000 × $5/M = $0.0075.
        let call = tokens(1_000, 1_000, 0, 0, 1_000);
        assert_eq!(cost("gpt-4o", &call, BillingMode::batch(true)), "0.0075");
    }

    #[test]
    fn service_tiers_bill_at_the_tier_served() {
        // OpenAI GPT-5: standard $1.25/$0.125/$10; Flex $0.625/$0.0625/$5; Priority
        // $2.50/$0.25/$20. 10,000 input + 10,000 cached + 1,000 output:
        // standard 0.0125 + 0.00125 + 0.01 = $0.02375; flex half; priority double.
        let call = tokens(10_000, 10_000, 0, 0, 1_000);
        assert_eq!(cost("gpt-5", &call, BillingMode::default()), "0.02375");
        assert_eq!(cost("gpt-5", &call, served(ServiceTier::Flex)), "0.011875");
        assert_eq!(
            cost("gpt-5", &call, served(ServiceTier::Priority)),
            "0.0475"
        );
    }

    #[test]
    fn a_tier_without_a_price_bills_standard_and_says_so() {
        // OpenAI's `scale` tier is prepaid capacity, not a per-token price.
        let call = tokens(10_000, 10_000, 0, 0, 1_000);
        let scale = ServiceTier::from_reported("scale");
        assert_eq!(cost("gpt-5", &call, served(scale)), "0.02375");
        assert!(!tier_is_priced(&model("gpt-5"), scale));
        assert!(tier_is_priced(&model("gpt-5"), ServiceTier::Flex));
        assert!(!tier_is_priced(&model("sonnet-4-5"), ServiceTier::Fast));
    }

    #[test]
    fn fast_mode_multiplies_every_rate() {
        // Anthropic fast mode on Opus 4.6: 6x standard rates, $30/$150.
        // 1,000 × $30/M + 1,000 × $150/M = $0.18.
        let call = tokens(1_000, 0, 0, 0, 1_000);
        assert_eq!(cost("opus-4-6", &call, served(ServiceTier::Fast)), "0.18");
        assert_eq!(cost("opus-4-6", &call, BillingMode::default()), "0.03");
    }

    #[test]
    fn regional_processing_uplifts_every_class() {
        // Anthropic: `inference_geo: "us"` costs 1.1x on every token class of Opus 4.6.
        // 1,000 × $5.50/M + 1,000 × $0.55/M + 1,000 × $27.50/M = $0.03355.
        let call = tokens(1_000, 1_000, 0, 0, 1_000);
        let us = BillingMode {
            residency: Some(Residency::InferenceGeoUs),
            ..BillingMode::default()
        };
        assert_eq!(cost("opus-4-6", &call, us), "0.03355");
        // Fast mode stacks: 6 × 1.1 = 6.6x of the standard $0.0305 → $0.2013.
        let fast_us = BillingMode {
            tier: ServiceTier::Fast,
            ..us
        };
        assert_eq!(cost("opus-4-6", &call, fast_us), "0.2013");
        // Bedrock geographic profiles and Vertex regional endpoints: the same 1.1x.
        for place in [Residency::BedrockGeo, Residency::VertexRegional] {
            let regional = BillingMode {
                residency: Some(place),
                ..BillingMode::default()
            };
            assert_eq!(cost("opus-4-6", &call, regional), "0.03355");
        }
        // A model without an uplift there bills standard.
        let vertex = BillingMode {
            residency: Some(Residency::VertexRegional),
            ..BillingMode::default()
        };
        assert_eq!(cost("sonnet-4-5", &call, vertex), "0.0183");
        // OpenAI data residency, 1.1x: (10,000 × $1.25 + 1,000 × $10)/M × 1.1 = $0.02475.
        let eu = BillingMode {
            residency: Some(Residency::DataResidency),
            ..BillingMode::default()
        };
        assert_eq!(
            cost("gpt-5", &tokens(10_000, 0, 0, 0, 1_000), eu),
            "0.02475"
        );
    }

    #[test]
    fn off_peak_hours_discount_calls_inside_the_window() {
        // DeepSeek (2025-02-26 to 2025-09-05): 50% off deepseek-chat from 16:30 to 00:30 UTC.
        // 1,000,000 input × $0.27/M + 1,000,000 output × $1.10/M = $1.37 at peak.
        let call = tokens(1_000_000, 0, 0, 0, 1_000_000);
        let at = |hh: i64, mm: i64| BillingMode {
            at_ms: Some(1_741_046_400_000 + (hh * 60 + mm) * 60_000), // 2025-03-04 + hh:mm
            ..BillingMode::default()
        };
        assert_eq!(cost("deepseek-chat", &call, at(12, 0)), "1.37");
        assert_eq!(cost("deepseek-chat", &call, at(16, 29)), "1.37");
        assert_eq!(cost("deepseek-chat", &call, at(16, 30)), "0.685");
        assert_eq!(cost("deepseek-chat", &call, at(0, 15)), "0.685");
        assert_eq!(cost("deepseek-chat", &call, at(0, 30)), "1.37");
        assert_eq!(cost("deepseek-chat", &call, BillingMode::default()), "1.37");
    }

    #[test]
    fn web_search_requests_add_a_fee_each() {
        // Anthropic web search: $10 per 1,000 searches on top of tokens.
        // 3 searches = $0.03; tokens 1,000 × $3/M + 100 × $15/M = $0.0045.
        let call = tokens(1_000, 0, 0, 0, 100);
        let searched = BillingMode {
            web_searches: 3,
            ..BillingMode::default()
        };
        assert_eq!(cost("sonnet-4-5", &call, searched), "0.0345");
        assert_eq!(tool_fees(&model("gpt-5"), 3).to_decimal_string(), "0");
    }

    #[test]
    fn bill_lines_take_their_tier_from_the_export_not_from_their_size() {
        // A day of usage: 10M prompt tokens summed over many requests, each under 200k.
        let day = tokens(10_000_000, 0, 0, 0, 1_000_000);
        // Standard tier: 10M × $3/M + 1M × $15/M = $45.
        let sonnet = model("sonnet-4-5");
        assert_eq!(
            usage_cost(&sonnet, &day, false, false).to_decimal_string(),
            "45"
        );
        // Billed as long context: 10M × $6/M + 1M × $22.50/M = $82.50; batch halves it.
        assert_eq!(
            usage_cost(&sonnet, &day, false, true).to_decimal_string(),
            "82.5"
        );
        assert_eq!(
            usage_cost(&sonnet, &day, true, true).to_decimal_string(),
            "41.25"
        );
    }
}
