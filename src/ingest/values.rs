//! Lenient values: numbers, counts, text and times as logs and exports write them. Every
//! adapter reads them through these functions, so a spelling one format accepts every format
//! accepts.
//!
//! Exports write 64-bit integers and decimals as strings (ClickHouse, BigQuery), counts as
//! floats (`12.0`), times as RFC 3339, as ISO date-times without a zone (UTC, as LangSmith,
//! ClickHouse and BigQuery write them), as dates, as `MM/DD/YYYY` (Azure EA), or as Unix
//! seconds or milliseconds.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use serde::de::{Deserialize, Deserializer, Error, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

/// Counts at or above this are not token counts but corrupt values (and past `f64`'s exact
/// integers).
const MAX_COUNT: f64 = 9e15;

/// A JSON number, or a string holding one.
pub(crate) fn number(raw: &RawValue) -> Option<f64> {
    let text = raw.get().trim();
    number_text(
        text.strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or(text),
    )
}

/// A finite number written as text (a column, a cell).
pub(crate) fn number_text(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A non-negative whole count written as text, by [`count`]'s rule.
pub(crate) fn count_text(text: &str) -> Option<u64> {
    count_f64(number_text(text)?)
}

/// A non-negative whole count: a number or a numeric string; `12.0` is accepted, `-1` and
/// `1.5` are not.
pub(crate) fn count(raw: &RawValue) -> Option<u64> {
    count_f64(number(raw)?)
}

/// [`count`] of a parsed JSON value.
pub(crate) fn count_value(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64().or_else(|| count_f64(number.as_f64()?)),
        Value::String(text) => count_text(text),
        _ => None,
    }
}

/// A non-negative whole count from a number, by [`count`]'s rule.
pub(crate) fn count_f64(value: f64) -> Option<u64> {
    (value >= 0.0 && value.fract() == 0.0 && value < MAX_COUNT).then_some(value as u64)
}

/// The text of a JSON string.
pub(crate) fn json_text(raw: &RawValue) -> Option<Cow<'_, str>> {
    serde_json::from_str::<Cow<'_, str>>(raw.get()).ok()
}

/// The text of a JSON scalar as it was written: a number's digits, or a string's contents (ids,
/// versions and amounts are written both ways). `None` for `null`, booleans, objects and
/// arrays.
pub(crate) fn scalar_text(raw: &RawValue) -> Option<Cow<'_, str>> {
    let text = raw.get().trim();
    match text.as_bytes().first()? {
        b'"' => json_text(raw),
        b'-' | b'0'..=b'9' => Some(Cow::Borrowed(text)),
        _ => None,
    }
}

/// A timestamp from a JSON value: a string in any spelling [`parse_time`] reads, or a number of
/// Unix seconds or milliseconds. Milliseconds since the epoch.
pub(crate) fn parse_timestamp(raw: &RawValue) -> Option<i64> {
    timestamp_text(raw.get())
}

/// [`parse_timestamp`] of a JSON value's text as written.
pub(crate) fn timestamp_text(raw: &str) -> Option<i64> {
    let text = raw.trim();
    match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(quoted) => parse_time(quoted),
        None => text.parse::<f64>().ok().and_then(unix_to_ms),
    }
}

/// A timestamp from text (a JSON string's contents, a CSV cell): RFC 3339; an ISO date-time with
/// `T` or a space, with or without fractions, with an offset, or without a zone (or with a
/// ` UTC` or `Z` suffix), read as UTC; a date (`YYYY-MM-DD`, `MM/DD/YYYY`) at midnight UTC; or
/// Unix seconds or milliseconds. Milliseconds since the epoch.
pub(crate) fn parse_time(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(parsed) = DateTime::parse_from_rfc3339(text) {
        return Some(parsed.timestamp_millis());
    }
    let naive = text
        .strip_suffix(" UTC")
        .or_else(|| text.strip_suffix('Z'))
        .unwrap_or(text);
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(parsed) = NaiveDateTime::parse_from_str(naive, format) {
            return Some(parsed.and_utc().timestamp_millis());
        }
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M:%S%.f%#z"] {
        if let Ok(parsed) = DateTime::parse_from_str(text, format) {
            return Some(parsed.timestamp_millis());
        }
    }
    for format in ["%Y-%m-%d", "%m/%d/%Y"] {
        if let Ok(date) = NaiveDate::parse_from_str(naive, format) {
            return Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis());
        }
    }
    text.parse::<f64>().ok().and_then(unix_to_ms)
}

/// Unix time in seconds or milliseconds (told apart by size) to milliseconds.
pub(crate) fn unix_to_ms(value: f64) -> Option<i64> {
    if !value.is_finite() || value <= 0.0 {
        return None;
    }
    // Seconds stay below 1e11 until the year 5138; milliseconds are above it since 1973.
    let ms = if value < 1e11 { value * 1000.0 } else { value };
    Some(ms.round() as i64)
}

/// Milliseconds from `start` to `end`, when `end` is not earlier.
pub(crate) fn elapsed_ms(start: i64, end: i64) -> Option<f64> {
    end.checked_sub(start).filter(|d| *d >= 0).map(|d| d as f64)
}

/// The time from `start` to `end` where both are known and in order (a clock that went back
/// is no latency).
pub(crate) fn between(start: Option<f64>, end: Option<f64>) -> Option<f64> {
    Some(end? - start?).filter(|d| *d >= 0.0)
}

/// A JSON value as written, borrowed from the line: what a borrowed [`RawValue`] holds, for
/// values read later or only measured. Unlike a `&RawValue`, a reader other than serde_json
/// can make one ([`crate::ingest::scan`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Raw<'a>(pub(crate) &'a str);

impl<'de: 'a, 'a> Deserialize<'de> for Raw<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw: &'de RawValue = Deserialize::deserialize(deserializer)?;
        Ok(Raw(raw.get()))
    }
}

/// A JSON value as written and, when it is an array, how many items it holds (0 otherwise):
/// a request's tool list, hashed and counted. The strict reader counts the items as it passes
/// over them ([`crate::ingest::scan::Cursor::raw_list`]); serde_json's path counts them once
/// read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawList<'a> {
    pub(crate) raw: Raw<'a>,
    pub(crate) items: u32,
}

impl<'de: 'a, 'a> Deserialize<'de> for RawList<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Raw::deserialize(deserializer)?;
        Ok(RawList {
            raw,
            items: crate::ingest::wire::array_len(Some(raw.0)),
        })
    }
}

/// A string field of a log record, borrowed from the line where it holds no escapes and
/// copied only where it does. Wire structs that hold one say `#[serde(bound(deserialize =
/// "'de: 'a"))]` once, instead of `#[serde(borrow)]` on every field; a `Cow<str>` field
/// without that attribute would silently copy every string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Text<'a>(pub(crate) Cow<'a, str>);

impl<'a> Text<'a> {
    pub(crate) fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'a> From<&'a str> for Text<'a> {
    fn from(text: &'a str) -> Self {
        Text(Cow::Borrowed(text))
    }
}

impl<'a> From<Cow<'a, str>> for Text<'a> {
    fn from(text: Cow<'a, str>) -> Self {
        Text(text)
    }
}

impl PartialEq<str> for Text<'_> {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Text<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Text<'_>> for String {
    fn eq(&self, other: &Text<'_>) -> bool {
        *self == *other.0
    }
}

impl serde::Serialize for Text<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'a> From<Text<'a>> for Cow<'a, str> {
    fn from(text: Text<'a>) -> Self {
        text.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: Error>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E: Error>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }
            fn visit_string<E: Error>(self, text: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> Box<RawValue> {
        RawValue::from_string(json.to_string()).unwrap()
    }

    #[test]
    fn counts_accept_numbers_and_numeric_strings_only_when_whole_and_non_negative() {
        for (json, expected) in [
            ("12", Some(12)),
            ("12.0", Some(12)),
            ("\"7162\"", Some(7162)),
            ("\" 40 \"", Some(40)),
            ("-1", None),
            ("1.5", None),
            ("\"n/a\"", None),
            ("null", None),
            ("1e16", None),
        ] {
            assert_eq!(count(&raw(json)), expected, "{json}");
            let value: Value = serde_json::from_str(json).unwrap();
            assert_eq!(count_value(&value), expected, "{json}");
        }
    }

    #[test]
    fn every_time_spelling_reads_as_the_same_instant() {
        // 2026-11-03 14:05:09.250 UTC.
        let ms = 1_793_714_709_250;
        for text in [
            "2026-11-03T14:05:09.250Z",
            "2026-11-03T15:05:09.250+01:00",
            "2026-11-03T14:05:09.250",
            "2026-11-03 14:05:09.250",
            "2026-11-03 14:05:09.250 UTC",
            "2026-11-03 15:05:09.250+01:00",
            "1793714709.25",
            "1793714709250",
        ] {
            assert_eq!(parse_time(text), Some(ms), "{text}");
            let json = serde_json::to_string(text).unwrap();
            assert_eq!(parse_timestamp(&raw(&json)), Some(ms), "{text}");
        }
        assert_eq!(parse_timestamp(&raw("1793714709.25")), Some(ms));
        // Dates are midnight UTC.
        let midnight = 1_793_664_000_000;
        assert_eq!(parse_time("2026-11-03"), Some(midnight));
        assert_eq!(parse_time("11/03/2026"), Some(midnight));
        assert_eq!(parse_time("2026-11-03 14:05"), Some(ms - 9_250));
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(parse_time(""), None);
        assert_eq!(parse_timestamp(&raw("null")), None);
        assert_eq!(parse_timestamp(&raw("0")), None);
    }

    #[test]
    fn scalars_read_as_written() {
        assert_eq!(scalar_text(&raw("\"a\\\"b\"")).as_deref(), Some("a\"b"));
        assert_eq!(scalar_text(&raw("-0.25")).as_deref(), Some("-0.25"));
        assert_eq!(scalar_text(&raw("true")), None);
        assert_eq!(scalar_text(&raw("{}")), None);
        assert_eq!(elapsed_ms(10, 5), None);
        assert_eq!(elapsed_ms(5, 10), Some(5.0));
    }
}
