//! Exact money: amounts are integer pico-dollars, so sums never drift and never depend on the
//! order in which threads add them up.

use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub};

/// Pico-dollars (10⁻¹² USD) in one dollar.
pub const PICO_PER_USD: i128 = 1_000_000_000_000;

/// An amount of US dollars, held as integer pico-dollars.
///
/// Aligned to 8 bytes, not the 16 of an `i128`: every call row holds one, and the wider
/// alignment would pad the rows (and `Option<Money>`) by 8 bytes or more.
#[repr(Rust, packed(8))]
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Money(i128);

impl Money {
    pub const ZERO: Money = Money(0);

    /// Builds an amount from pico-dollars.
    pub const fn from_pico(pico: i128) -> Money {
        Money(pico)
    }

    /// The amount in pico-dollars.
    pub const fn pico(self) -> i128 {
        self.0
    }

    /// The amount in dollars, for display and JSON. Exact to well below a cent for any
    /// realistic bill (f64 holds 15–16 significant digits).
    pub fn usd(self) -> f64 {
        self.0 as f64 / PICO_PER_USD as f64
    }

    /// The exact amount as a decimal string of dollars, trailing zeros trimmed (`0.0027925`).
    pub fn to_decimal_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = abs / PICO_PER_USD as u128;
        let fraction = abs % PICO_PER_USD as u128;
        if fraction == 0 {
            return format!("{sign}{whole}");
        }
        let digits = format!("{fraction:012}");
        format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
    }

    /// Parses a decimal amount of dollars as exports write it (`"12.3456"`, `"-0.5"`, `"1e-3"`,
    /// `"1,234.50"` is refused). Digits past the pico-dollar are rounded half away from zero.
    /// Returns `None` for anything that is not a plain decimal number.
    pub fn parse_usd(text: &str) -> Option<Money> {
        Money::parse_scaled(text, 0)
    }

    /// Parses a decimal amount of US cents (Anthropic's cost report) exactly.
    pub fn parse_cents(text: &str) -> Option<Money> {
        Money::parse_scaled(text, -2)
    }

    /// Parses `text` as a decimal number times 10^`exp10` dollars.
    fn parse_scaled(text: &str, exp10: i32) -> Option<Money> {
        let text = text.trim();
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(at) => (&text[..at], text[at + 1..].parse::<i32>().ok()?),
            None => (text, 0),
        };
        let (negative, digits) = match mantissa.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && fraction.is_empty()
            || !whole
                .bytes()
                .chain(fraction.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        // value = all_digits × 10^(exponent − fraction digits) dollars × 10^exp10;
        // in pico-dollars that is one more factor of 10^12.
        let all_digits = format!("{whole}{fraction}");
        let all_digits = all_digits.trim_start_matches('0');
        if all_digits.len() > 30 {
            return None;
        }
        let mut value: i128 = if all_digits.is_empty() {
            0
        } else {
            all_digits.parse().ok()?
        };
        let shift = exponent
            .checked_sub(fraction.len() as i32)?
            .checked_add(exp10)?
            .checked_add(12)?;
        if shift >= 0 {
            value = value.checked_mul(10i128.checked_pow(shift as u32)?)?;
        } else if value != 0 {
            let divisor = 10i128
                .checked_pow(shift.unsigned_abs())
                .unwrap_or(i128::MAX);
            value = (value + divisor / 2) / divisor;
        }
        Some(Money(if negative { -value } else { value }))
    }

    /// The fee of one request, from a published fee in USD per thousand requests
    /// (`$10 / 1k searches` is $0.01 each), to the pico-dollar.
    pub fn per_thousand_usd(usd_per_thousand: f64) -> Money {
        Money((usd_per_thousand * 1e9).round() as i128)
    }

    /// `count` requests at `fee` each.
    pub fn times(self, count: u64) -> Money {
        Money(self.0 * count as i128)
    }

    /// An equal share of `self` among `count`, to the nearest pico-dollar (halves away from
    /// zero); `None` among none.
    pub fn divided_by(self, count: u64) -> Option<Money> {
        let count = i128::from(count);
        (count > 0).then(|| Money((self.0 + self.0.signum() * count / 2) / count))
    }

    /// An expected amount: `self` paid with probability `share`, to the nearest pico-dollar.
    pub fn scaled(self, share: f64) -> Money {
        Money((self.0 as f64 * share).round() as i128)
    }

    /// `tokens` tokens at `rate` pico-dollars per token.
    pub fn tokens_at(tokens: u64, rate: Rate) -> Money {
        Money(tokens as i128 * rate.0 as i128)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

/// A price per token in pico-dollars. `$2.50 per million tokens` is 2,500,000 pico-dollars per
/// token, so every published price down to $0.000001 per million is an exact integer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(i64);

impl Rate {
    /// Converts a published price in USD per million tokens, rounding to the nearest
    /// pico-dollar per token (published prices have at most six decimals, so this is exact).
    pub fn per_million_usd(usd: f64) -> Rate {
        Rate((usd * 1_000_000.0).round() as i64)
    }

    /// The rate in pico-dollars per token.
    pub const fn pico_per_token(self) -> i64 {
        self.0
    }

    /// The rate in USD per million tokens, for display.
    pub fn usd_per_million(self) -> f64 {
        self.0 as f64 / 1_000_000.0
    }

    /// The rate multiplied by a discount factor such as 0.5 for batch, rounded to a pico-dollar.
    pub fn scaled(self, factor: f64) -> Rate {
        Rate((self.0 as f64 * factor).round() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_prices_convert_exactly() {
        assert_eq!(Rate::per_million_usd(2.5).pico_per_token(), 2_500_000);
        assert_eq!(Rate::per_million_usd(0.075).pico_per_token(), 75_000);
        assert_eq!(Rate::per_million_usd(0.0375).pico_per_token(), 37_500);
        assert_eq!(
            Rate::per_million_usd(3.75).scaled(0.5).pico_per_token(),
            1_875_000
        );
    }

    #[test]
    fn money_sums_are_exact() {
        // 1117 tokens at $2.50/M = $0.0027925 exactly.
        let cost = Money::tokens_at(1117, Rate::per_million_usd(2.5));
        assert_eq!(cost.pico(), 2_792_500_000);
        let total: Money = std::iter::repeat_n(cost, 1000).sum();
        assert_eq!(total.pico(), 2_792_500_000_000);
        assert!((total.usd() - 2.7925).abs() < 1e-12);
        assert_eq!(cost.to_decimal_string(), "0.0027925");
        assert_eq!(
            Money::from_pico(-3 * PICO_PER_USD).to_decimal_string(),
            "-3"
        );
        assert_eq!(Money::from_pico(1).to_decimal_string(), "0.000000000001");
    }

    #[test]
    fn parses_export_amounts_exactly() {
        let usd = |text| Money::parse_usd(text).map(Money::to_decimal_string);
        assert_eq!(usd("12.3456").as_deref(), Some("12.3456"));
        assert_eq!(usd("-0.5").as_deref(), Some("-0.5"));
        assert_eq!(usd("1.5e-3").as_deref(), Some("0.0015"));
        assert_eq!(usd("0.0000000000014").as_deref(), Some("0.000000000001"));
        assert_eq!(usd(" 7 ").as_deref(), Some("7"));
        for bad in ["", ".", "1,234.50", "abc", "--1", "1e"] {
            assert_eq!(usd(bad), None, "{bad:?}");
        }
        // Anthropic's cost report states cents: "123.45" cents is $1.2345.
        let cents = Money::parse_cents("123.45").unwrap();
        assert_eq!(cents.to_decimal_string(), "1.2345");
    }
}
