//! Exact money: amounts are integer pico-dollars, so sums never drift and never depend on the
//! order in which threads add them up.

use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub};

/// Pico-dollars (10⁻¹² USD) in one dollar.
pub const PICO_PER_USD: i128 = 1_000_000_000_000;

/// An amount of US dollars, held as integer pico-dollars.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
}
