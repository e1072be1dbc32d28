//! Billing rules: how a call's token buckets and the catalog's rates become dollars.

use crate::money::Money;
use crate::pricing::{ModelPrice, Rates};
use crate::record::TokenBuckets;

/// How a call was (or would be) billed, beyond its tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BillingMode {
    /// Sent through the provider's Batch API.
    pub batch: bool,
}

/// The rates that apply to a whole request.
///
/// Long-context tiers reprice the *whole* request, output included, once the prompt — cache
/// reads and writes included — is strictly above the threshold; a prompt exactly at it stays in
/// the lower tier (Anthropic and Google pricing pages: "prompts > 200k tokens"). Batch discounts
/// then apply to every token class, cached ones included (OpenAI and Anthropic batch docs).
/// A model without a batch price is billed at its standard rates.
pub fn rates_for(price: &ModelPrice, tokens: &TokenBuckets, mode: BillingMode) -> Rates {
    let long = price
        .long_context
        .as_ref()
        .is_some_and(|tier| tokens.prompt_total() > tier.threshold);
    tier_rates(price, long, mode.batch)
}

/// Standard or long-context rates, batch-discounted when `batch`.
fn tier_rates(price: &ModelPrice, long_context: bool, batch: bool) -> Rates {
    let base = match &price.long_context {
        Some(tier) if long_context => tier.rates,
        _ => price.rates,
    };
    match (batch, price.batch_discount) {
        (true, Some(discount)) => base.scaled(discount),
        _ => base,
    }
}

/// The cost of one call: each exclusive bucket at its rate. Reasoning tokens are part of
/// `output` and billed there, never a second time.
pub fn call_cost(price: &ModelPrice, tokens: &TokenBuckets, mode: BillingMode) -> Money {
    bucket_cost(&rates_for(price, tokens, mode), tokens)
}

/// Our price of a billing export's line: its tokens summed over many requests, so the prompt
/// size says nothing about the context tier; the line itself says (`long_context`).
pub fn usage_cost(
    price: &ModelPrice,
    tokens: &TokenBuckets,
    batch: bool,
    long_context: bool,
) -> Money {
    bucket_cost(&tier_rates(price, long_context, batch), tokens)
}

/// Each exclusive bucket at its rate.
fn bucket_cost(rates: &Rates, tokens: &TokenBuckets) -> Money {
    Money::tokens_at(tokens.input, rates.input)
        + Money::tokens_at(tokens.cache_read, rates.cache_read)
        + Money::tokens_at(tokens.cache_write_5m, rates.cache_write_5m)
        + Money::tokens_at(tokens.cache_write_1h, rates.cache_write_1h)
        + Money::tokens_at(tokens.output, rates.output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Rate;
    use crate::pricing::LongContext;
    use crate::record::Provider;

    fn rates(input: f64, output: f64, read: f64, w5: f64, w1h: f64) -> Rates {
        Rates {
            input: Rate::per_million_usd(input),
            output: Rate::per_million_usd(output),
            cache_read: Rate::per_million_usd(read),
            cache_write_5m: Rate::per_million_usd(w5),
            cache_write_1h: Rate::per_million_usd(w1h),
        }
    }

    /// A Sonnet-4.5-shaped price: $3 in, $15 out, 0.1x reads, 1.25x/2x writes, and a 200k tier
    /// at $6/$22.50 (Anthropic pricing page).
    fn sonnet_like() -> ModelPrice {
        ModelPrice {
            id: "sonnet".into(),
            provider: Provider::Anthropic,
            aliases: vec![],
            tier: "mid".into(),
            downgrade_to: None,
            rates: rates(3.0, 15.0, 0.3, 3.75, 6.0),
            caches_prompts: true,
            batch_discount: Some(0.5),
            long_context: Some(LongContext {
                threshold: 200_000,
                rates: rates(6.0, 22.5, 0.6, 7.5, 12.0),
            }),
            context_window: Some(1_000_000),
            max_output: Some(64_000),
            effective_from_ms: None,
            source: "test".into(),
            checked: "2026-11-21".into(),
        }
    }

    #[test]
    fn every_bucket_has_its_own_rate() {
        let tokens = TokenBuckets {
            input: 1_000,
            cache_read: 10_000,
            cache_write_5m: 2_000,
            cache_write_1h: 3_000,
            output: 500,
            reasoning: 200,
        };
        // 1000×3 + 10000×0.3 + 2000×3.75 + 3000×6 + 500×15, per million; reasoning is inside output.
        let expected = (3_000.0 + 3_000.0 + 7_500.0 + 18_000.0 + 7_500.0) / 1e6;
        let cost = call_cost(&sonnet_like(), &tokens, BillingMode::default());
        assert!((cost.usd() - expected).abs() < 1e-12);
    }

    #[test]
    fn long_context_reprices_the_whole_request_above_the_threshold_only() {
        let at = TokenBuckets {
            input: 100_000,
            cache_read: 100_000,
            output: 1_000,
            ..Default::default()
        };
        // Exactly 200k prompt tokens: lower tier. 100k×3 + 100k×0.3 + 1000×15.
        let at_cost = call_cost(&sonnet_like(), &at, BillingMode::default());
        assert!((at_cost.usd() - (300_000.0 + 30_000.0 + 15_000.0) / 1e6).abs() < 1e-12);
        // One more cached token tips the whole request, output too, into the higher tier.
        let above = TokenBuckets {
            cache_read: 100_001,
            ..at
        };
        let above_cost = call_cost(&sonnet_like(), &above, BillingMode::default());
        let expected = (100_000.0 * 6.0 + 100_001.0 * 0.6 + 1_000.0 * 22.5) / 1e6;
        assert!((above_cost.usd() - expected).abs() < 1e-12);
    }

    #[test]
    fn batch_halves_every_class() {
        let tokens = TokenBuckets {
            input: 1_000,
            cache_read: 1_000,
            output: 1_000,
            ..Default::default()
        };
        let standard = call_cost(&sonnet_like(), &tokens, BillingMode::default());
        let batch = call_cost(&sonnet_like(), &tokens, BillingMode { batch: true });
        assert_eq!(batch.pico() * 2, standard.pico());
    }

    #[test]
    fn bill_lines_take_their_tier_from_the_export_not_from_their_size() {
        // A day of usage: 10M prompt tokens summed over many requests, each under 200k.
        let day = TokenBuckets {
            input: 10_000_000,
            output: 1_000_000,
            ..Default::default()
        };
        // Standard tier: 10M × $3/M + 1M × $15/M = $45.
        let standard = usage_cost(&sonnet_like(), &day, false, false);
        assert_eq!(standard.to_decimal_string(), "45");
        // Billed as long context: 10M × $6/M + 1M × $22.50/M = $82.50; batch halves it.
        let long = usage_cost(&sonnet_like(), &day, false, true);
        assert_eq!(long.to_decimal_string(), "82.5");
        let long_batch = usage_cost(&sonnet_like(), &day, true, true);
        assert_eq!(long_batch.to_decimal_string(), "41.25");
    }
}
