//! The time zone that days, weeks and months are cut in, and the `--since`/`--until` bounds read
//! in it. UTC unless `--timezone` names another.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// A time zone: UTC, an IANA name (`Europe/Berlin`, daylight saving included) or a fixed offset
/// (`+05:30`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    #[default]
    Utc,
    Named(chrono_tz::Tz),
    Fixed(FixedOffset),
}

impl FromStr for Zone {
    type Err = String;

    fn from_str(text: &str) -> Result<Zone, String> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("utc") || text == "Z" {
            return Ok(Zone::Utc);
        }
        if let Some(offset) = parse_offset(text) {
            return Ok(Zone::Fixed(offset));
        }
        text.parse::<chrono_tz::Tz>().map(Zone::Named).map_err(|_| {
            format!(
                "unknown time zone `{text}`: use an IANA name (Europe/Berlin), UTC, or an \
                 offset (+05:30)"
            )
        })
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Zone::Utc => f.write_str("UTC"),
            Zone::Named(tz) => f.write_str(tz.name()),
            Zone::Fixed(offset) => write!(f, "{offset}"),
        }
    }
}

/// `+05:30`, `-08:00`, `+0200`.
fn parse_offset(text: &str) -> Option<FixedOffset> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

impl Zone {
    /// The wall-clock time of an instant in this zone.
    pub fn local(self, timestamp_ms: i64) -> Option<NaiveDateTime> {
        let utc = DateTime::<Utc>::from_timestamp_millis(timestamp_ms)?;
        Some(match self {
            Zone::Utc => utc.naive_utc(),
            Zone::Named(tz) => utc.with_timezone(&tz).naive_local(),
            Zone::Fixed(offset) => utc.with_timezone(&offset).naive_local(),
        })
    }

    /// The instant a wall-clock time names in this zone (the earlier one when clocks go back;
    /// the first valid minute after a gap when they go forward).
    pub fn instant(self, local: NaiveDateTime) -> i64 {
        fn resolve<Z: TimeZone>(zone: &Z, local: NaiveDateTime) -> i64 {
            let mut probe = local;
            for _ in 0..=180 {
                if let Some(t) = zone.from_local_datetime(&probe).earliest() {
                    return t.timestamp_millis();
                }
                probe += chrono::Duration::minutes(1);
            }
            local.and_utc().timestamp_millis()
        }
        match self {
            Zone::Utc => local.and_utc().timestamp_millis(),
            Zone::Named(tz) => resolve(&tz, local),
            Zone::Fixed(offset) => resolve(&offset, local),
        }
    }

    /// The calendar day (`2025-08-01`), or `unknown`.
    pub fn day(self, timestamp_ms: Option<i64>) -> String {
        self.format(timestamp_ms, |t| t.format("%Y-%m-%d").to_string())
    }

    /// The ISO week (`2025-W31`), or `unknown`.
    pub fn week(self, timestamp_ms: Option<i64>) -> String {
        self.format(timestamp_ms, |t| {
            let week = t.date().iso_week();
            format!("{}-W{:02}", week.year(), week.week())
        })
    }

    /// The month (`2025-08`), or `unknown`.
    pub fn month(self, timestamp_ms: Option<i64>) -> String {
        self.format(timestamp_ms, |t| t.format("%Y-%m").to_string())
    }

    fn format(self, timestamp_ms: Option<i64>, f: impl Fn(NaiveDateTime) -> String) -> String {
        timestamp_ms
            .and_then(|t| self.local(t))
            .map_or_else(|| "unknown".to_string(), f)
    }

    /// Reads a `--since` (`end: false`) or `--until` (`end: true`) bound as an instant in ms.
    /// An RFC 3339 time with an offset is absolute; a date or a time without an offset is read
    /// in this zone. A bare date as `--until` includes that whole day.
    pub fn bound(self, text: &str, end: bool) -> Result<i64, String> {
        let text = text.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Ok(t.timestamp_millis());
        }
        for layout in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"] {
            if let Ok(local) = NaiveDateTime::parse_from_str(text, layout) {
                return Ok(self.instant(local));
            }
        }
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            let day = if end {
                date.succ_opt().unwrap_or(date)
            } else {
                date
            };
            return Ok(self.instant(day.and_time(chrono::NaiveTime::MIN)));
        }
        Err(format!(
            "cannot read `{text}` as a time: use 2025-08-01, 2025-08-01T14:00 or RFC 3339 \
             (2025-08-01T14:00:00Z)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2025-03-30T00:30:00Z: 01:30 in Berlin (CET), the night clocks go forward at 02:00 local.
    const SPRING_NIGHT: i64 = 1_743_294_600_000;

    #[test]
    fn parses_names_offsets_and_utc() {
        assert_eq!("UTC".parse::<Zone>(), Ok(Zone::Utc));
        assert_eq!(
            "+05:30".parse::<Zone>(),
            Ok(Zone::Fixed(FixedOffset::east_opt(19_800).unwrap()))
        );
        assert_eq!(
            "Europe/Berlin".parse::<Zone>(),
            Ok(Zone::Named(chrono_tz::Europe::Berlin))
        );
        assert!("Mars/Olympus".parse::<Zone>().is_err());
        assert!("+25:00".parse::<Zone>().is_err());
    }

    #[test]
    fn days_weeks_and_months_follow_the_zone() {
        // 2024-12-31T23:30Z is already 2025-01-01 in Berlin, in ISO week 1 of 2025.
        let t = Some(1_735_687_800_000);
        assert_eq!(Zone::Utc.day(t), "2024-12-31");
        let berlin = Zone::Named(chrono_tz::Europe::Berlin);
        assert_eq!(berlin.day(t), "2025-01-01");
        assert_eq!(berlin.month(t), "2025-01");
        assert_eq!(Zone::Utc.week(t), "2025-W01");
        assert_eq!(Zone::Utc.day(None), "unknown");
        let new_york: Zone = "-05:00".parse().unwrap();
        assert_eq!(new_york.day(t), "2024-12-31");
    }

    #[test]
    fn bounds_read_in_the_zone() {
        let berlin = Zone::Named(chrono_tz::Europe::Berlin);
        // Midnight in Berlin in winter is 23:00 UTC the day before.
        assert_eq!(berlin.bound("2025-01-01", false), Ok(1_735_686_000_000));
        // A bare `--until` date includes the whole day: the bound is the next midnight.
        assert_eq!(berlin.bound("2024-12-31", true), Ok(1_735_686_000_000));
        // An explicit offset is absolute, whatever the zone.
        assert_eq!(
            berlin.bound("2025-01-01T00:00:00Z", false),
            Ok(1_735_689_600_000)
        );
        // 02:30 does not exist in Berlin that night; the first valid minute (03:00 CEST,
        // 01:00 UTC) is used.
        assert_eq!(
            berlin.bound("2025-03-30T02:30", false),
            Ok(SPRING_NIGHT + 30 * 60_000)
        );
        assert!(Zone::Utc.bound("yesterday", false).is_err());
    }
}
