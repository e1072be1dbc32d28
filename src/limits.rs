//! The range every number read from a log or a configuration file must fall in, checked in one
//! place for every command. A number outside its range is an error that names the field (never
//! the value); it is never clamped, saturated or printed as `inf`.
//!
//! The bounds are far beyond anything real, so they only catch corrupt or hostile input:
//! - a call's token counts: 10 billion each (the largest context windows hold a few million);
//! - a billing line's token counts: 10^15 each (a month of a large organisation is ~10^12);
//! - a price: $1,000,000 per million tokens or per 1,000 requests; a multiplier: 1,000;
//! - a call's stated cost: $0 to $1,000,000; a billed amount: ±$10^12;
//! - a latency: 0 to 7 days.

/// Tokens of one bucket of one call.
pub const CALL_TOKENS_MAX: u64 = 10_000_000_000;
/// Tokens of one bucket of a billing line.
pub const BILLED_TOKENS_MAX: u64 = 1_000_000_000_000_000;
/// USD per million tokens (or per 1,000 requests).
pub const PRICE_MAX: f64 = 1_000_000.0;
/// A price multiplier (tier, region, batch, long context).
pub const MULTIPLIER_MAX: f64 = 1_000.0;
/// USD a single call may state it cost.
pub const CALL_COST_MAX: f64 = 1_000_000.0;
/// USD a billing line may state, either sign (credits and refunds are negative).
pub const BILLED_MAX: f64 = 1e12;
/// Milliseconds of a latency or time to first token: seven days.
pub const LATENCY_MS_MAX: f64 = 7.0 * 24.0 * 3_600_000.0;

/// Why a number is out of its range, naming the field.
pub fn out_of_range(field: &str) -> String {
    format!("`{field}` is out of range")
}

/// A token count of a call.
pub fn call_tokens(field: &str, tokens: u64) -> Result<(), String> {
    if tokens <= CALL_TOKENS_MAX {
        Ok(())
    } else {
        Err(out_of_range(field))
    }
}

/// A token count of a billing line.
pub fn billed_tokens(field: &str, tokens: u64) -> Result<(), String> {
    if tokens <= BILLED_TOKENS_MAX {
        Ok(())
    } else {
        Err(out_of_range(field))
    }
}

/// A finite number in `0..=max`.
pub fn non_negative(field: &str, value: f64, max: f64) -> Result<(), String> {
    if value.is_finite() && (0.0..=max).contains(&value) {
        Ok(())
    } else {
        Err(out_of_range(field))
    }
}

/// A finite number in `-max..=max`.
pub fn signed(field: &str, value: f64, max: f64) -> Result<(), String> {
    if value.is_finite() && value.abs() <= max {
        Ok(())
    } else {
        Err(out_of_range(field))
    }
}

/// A latency in milliseconds.
pub fn latency(field: &str, ms: f64) -> Result<(), String> {
    non_negative(field, ms, LATENCY_MS_MAX)
}

/// A price in USD per million tokens (or per 1,000 requests).
pub fn price(field: &str, usd: f64) -> Result<(), String> {
    non_negative(field, usd, PRICE_MAX)
}

/// A price multiplier.
pub fn multiplier(field: &str, factor: f64) -> Result<(), String> {
    non_negative(field, factor, MULTIPLIER_MAX)
}

/// A score or probability in `0..=1`.
pub fn unit_interval(field: &str, value: f64) -> Result<(), String> {
    non_negative(field, value, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_refuse_the_absurd_and_never_quote_the_value() {
        assert!(call_tokens("input", CALL_TOKENS_MAX).is_ok());
        assert!(call_tokens("input", u64::MAX).is_err());
        assert!(billed_tokens("input", 10u64.pow(14)).is_ok());
        for bad in [f64::NAN, f64::INFINITY, -1.0, 1e20] {
            assert!(price("input", bad).is_err(), "{bad}");
            assert!(latency("latency_ms", bad * 1e300).is_err(), "{bad}");
        }
        assert!(latency("latency_ms", 1e300).is_err());
        assert!(signed("billed", -5.0, BILLED_MAX).is_ok());
        assert!(unit_interval("score", f64::NAN).is_err());
        assert_eq!(price("input", 1e20).unwrap_err(), "`input` is out of range");
        assert!(price("input", 75.0).is_ok() && multiplier("fast", 6.0).is_ok());
    }
}
