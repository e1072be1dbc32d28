//! Numbers in words a reader takes in at a glance, the one vocabulary every report uses:
//! dollars, counts, compact token counts, durations, shares and plurals.

/// Dollars and cents from $1 (thousands grouped), three significant digits below
/// (`$0.0123`), `$0.00` for nothing.
pub fn usd(amount: f64) -> String {
    if amount.abs() >= 1.0 || !amount.is_finite() {
        return format!("${}", group_thousands(&format!("{amount:.2}")));
    }
    if amount == 0.0 {
        return "$0.00".to_string();
    }
    let decimals = (2 - amount.abs().log10().floor() as i32).clamp(2, 12) as usize;
    let text = format!("{amount:.decimals$}");
    // Rounding may reach a dollar (0.9996 → 1.00).
    if text.trim_start_matches('-').starts_with('1') {
        return format!("${}", group_thousands(&format!("{amount:.2}")));
    }
    format!("${text}")
}

fn group_thousands(number: &str) -> String {
    let (sign, rest) = number.strip_prefix('-').map_or(("", number), |r| ("-", r));
    let (whole, fraction) = rest.split_once('.').unwrap_or((rest, ""));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

/// A count with thousands grouped: `12,345`.
pub fn count(n: u64) -> String {
    group_thousands(&n.to_string())
}

/// A token count in at most five characters, three significant digits: `950`, `12.3k`,
/// `296k`, `1.23M`, `45.6B`.
pub fn tokens(n: u64) -> String {
    const UNITS: [(f64, &str); 6] = [
        (1e18, "E"),
        (1e15, "P"),
        (1e12, "T"),
        (1e9, "B"),
        (1e6, "M"),
        (1e3, "k"),
    ];
    let value = n as f64;
    for (scale, unit) in UNITS {
        if value >= scale * 0.9995 {
            let scaled = value / scale;
            // Three significant digits, unless rounding reaches the next unit's thousand.
            let text = if scaled >= 99.95 {
                format!("{scaled:.0}")
            } else if scaled >= 9.995 {
                format!("{scaled:.1}")
            } else {
                format!("{scaled:.2}")
            };
            return format!("{text}{unit}");
        }
    }
    n.to_string()
}

/// A duration: `850 ms`, `12.0 s`, `24.0 h`.
pub fn ms(value: f64) -> String {
    if value >= 3_600_000.0 {
        format!("{:.1} h", value / 3_600_000.0)
    } else if value >= 10_000.0 {
        format!("{:.1} s", value / 1000.0)
    } else {
        format!("{value:.0} ms")
    }
}

/// `1 call`, `3 calls`, `1,234 calls`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usd_has_cents_from_a_dollar_and_three_significant_digits_below() {
        for (amount, shown) in [
            (1234567.891, "$1,234,567.89"),
            (1234.5, "$1,234.50"),
            (2.504, "$2.50"),
            (0.1346, "$0.135"),
            (0.0814, "$0.0814"),
            (0.0027925, "$0.00279"),
            (0.00001024, "$0.0000102"),
            (0.9996, "$1.00"),
            (0.5, "$0.500"),
            (0.0, "$0.00"),
            (-0.0123, "$-0.0123"),
            (-12.5, "$-12.50"),
        ] {
            assert_eq!(usd(amount), shown, "{amount}");
        }
    }

    #[test]
    fn token_counts_take_at_most_five_characters() {
        for (n, shown) in [
            (0, "0"),
            (999, "999"),
            (1_000, "1.00k"),
            (12_345, "12.3k"),
            (296_440, "296k"),
            (999_499, "999k"),
            // 999,500 rounds to a thousand thousands: written in the next unit.
            (999_500, "1.00M"),
            (1_234_567, "1.23M"),
            (45_600_000_000, "45.6B"),
        ] {
            assert_eq!(tokens(n), shown, "{n}");
            assert!(tokens(n).chars().count() <= 5);
        }
        assert_eq!(tokens(u64::MAX), "18.4E");
    }

    #[test]
    fn counts_durations_and_plurals() {
        assert_eq!(count(1000), "1,000");
        assert_eq!(ms(86_400_000.0), "24.0 h");
        assert_eq!(ms(12_000.0), "12.0 s");
        assert_eq!(ms(850.0), "850 ms");
        assert_eq!(plural(1, "call", "calls"), "1 call");
        assert_eq!(plural(1234, "call", "calls"), "1,234 calls");
    }
}
