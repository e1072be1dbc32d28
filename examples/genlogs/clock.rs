//! Time for generated logs: a 30-day window, daily traffic that rises in working hours, and
//! timestamps in the spellings loggers use.

/// The window's start, 2026-10-01T00:00:00Z, in milliseconds since the Unix epoch
/// (`date -u -d 2026-10-01 +%s` = 1790812800).
pub const WINDOW_START_MS: i64 = 1_790_812_800_000;

/// The window's length: 30 days.
pub const WINDOW_MS: i64 = 30 * 86_400_000;

/// Maps progress through the output (0 at the first byte, 1 at the last) to a time in the
/// window, so records come out in time order whatever the requested size. Within each day the
/// hours from 08:00 to 20:00 UTC take three quarters of the traffic, as office traffic does.
pub fn at_progress(progress: f64) -> i64 {
    let progress = progress.clamp(0.0, 0.999_999_999);
    let days = progress * (WINDOW_MS / 86_400_000) as f64;
    let day = days.floor();
    let within = days - day;
    // The first 75% of a day's records fall in the 12 busy hours, the rest in the other 12.
    let hour = if within < 0.75 {
        8.0 + within / 0.75 * 12.0
    } else {
        let quiet = (within - 0.75) / 0.25 * 12.0;
        if quiet < 4.0 {
            20.0 + quiet
        } else {
            quiet - 4.0
        }
    };
    WINDOW_START_MS + (day as i64) * 86_400_000 + (hour * 3_600_000.0) as i64
}

/// Civil date from days since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Appends `ms` as RFC 3339 UTC text, with milliseconds when `millis` is set:
/// `2026-10-03T09:15:02.481Z` or `2026-10-03T09:15:02Z`.
pub fn push_rfc3339(out: &mut String, ms: i64, millis: bool) {
    let seconds = ms.div_euclid(1000);
    let (year, month, day) = civil(seconds.div_euclid(86_400));
    let of_day = seconds.rem_euclid(86_400);
    let text = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    );
    out.push_str(&text);
    if millis {
        out.push_str(&format!(".{:03}", ms.rem_euclid(1000)));
    }
    out.push('Z');
}

/// `ms` as RFC 3339 UTC text.
pub fn rfc3339(ms: i64, millis: bool) -> String {
    let mut out = String::with_capacity(24);
    push_rfc3339(&mut out, ms, millis);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_window_start() {
        assert_eq!(rfc3339(WINDOW_START_MS, false), "2026-10-01T00:00:00Z");
        // 2026-10-31 is 30 days later; 2024-02-29 checks the leap day (1709164800 s).
        assert_eq!(
            rfc3339(WINDOW_START_MS + WINDOW_MS - 1, true),
            "2026-10-30T23:59:59.999Z"
        );
        assert_eq!(rfc3339(1_709_164_800_000, false), "2024-02-29T00:00:00Z");
    }
}
