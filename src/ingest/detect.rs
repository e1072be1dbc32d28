//! Format detection: look at the start of a file, tell how it is laid out (JSON Lines, one JSON
//! document, CSV), and name the adapter that reads it.

use serde_json::Value;

use crate::ingest::{CsvHeaders, InputFormat};

/// How many non-empty lines detection looks at before giving up.
const SNIFF_LINES: usize = 32;

/// How a file lays out its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// One JSON object per line.
    JsonLines,
    /// One JSON document (an object, or an array of records), possibly pretty-printed.
    JsonDocument,
    /// Comma-separated values with a header row.
    Csv,
    /// Nothing but whitespace.
    Empty,
}

/// Tells the layout of a file from its first bytes.
pub fn sniff_container(head: &[u8]) -> Container {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let Some(start) = head.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Container::Empty;
    };
    let rest = &head[start..];
    match rest[0] {
        // An array that fills its first line, with more JSON lines after it, is a stray line
        // of a JSON Lines file (counted as an error), not a document.
        b'[' if stands_alone_with_more_lines(rest) => Container::JsonLines,
        b'[' => Container::JsonDocument,
        b'{' => {
            let first = rest.split(|&b| b == b'\n').next().unwrap_or_default();
            let first = first.trim_ascii();
            // A pretty-printed document opens with a line that cannot stand alone: `{`, or a
            // first member followed by a comma or an opening bracket.
            let opens_document = serde_json::from_slice::<serde::de::IgnoredAny>(first).is_err()
                && matches!(first.last(), Some(b'{' | b'[' | b','));
            if opens_document {
                Container::JsonDocument
            } else {
                Container::JsonLines
            }
        }
        _ => Container::Csv,
    }
}

/// Whether the first line of `text` is a whole JSON value and another whole JSON value starts
/// a later line.
fn stands_alone_with_more_lines(text: &[u8]) -> bool {
    let mut lines = text
        .split(|&b| b == b'\n')
        .map(<[u8]>::trim_ascii)
        .filter(|line| !line.is_empty());
    let whole = |line: &[u8]| serde_json::from_slice::<serde::de::IgnoredAny>(line).is_ok();
    lines.next().is_some_and(whole) && lines.take(SNIFF_LINES).any(whole)
}

/// Names the format of a JSON Lines file from its first bytes, or `None` when no adapter
/// recognises any of the first lines.
pub fn detect_format(head: &[u8]) -> Option<InputFormat> {
    head.split(|&b| b == b'\n')
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
        .take(SNIFF_LINES)
        .find_map(|line| {
            let value: Value = serde_json::from_slice(line).ok()?;
            detect_value(&value)
        })
}

/// Names the format of a JSON document: of the object itself, or of the first records of an
/// array.
pub fn detect_document(document: &Value) -> Option<InputFormat> {
    match document {
        Value::Array(items) => items.iter().take(SNIFF_LINES).find_map(detect_value),
        other => detect_value(other),
    }
}

/// Names the format of one JSON record, trying the specific shapes before the bare provider
/// responses that other loggers embed.
pub fn detect_value(value: &Value) -> Option<InputFormat> {
    if !value.is_object() {
        return None;
    }
    InputFormat::ALL.iter().copied().find(|format| {
        format
            .spec()
            .json
            .is_some_and(|looks_like| looks_like(value))
    })
}

/// Names the format of a CSV file from its header row.
pub fn detect_csv(headers: &CsvHeaders) -> Option<InputFormat> {
    InputFormat::ALL.iter().copied().find(|format| {
        format
            .spec()
            .csv
            .is_some_and(|csv| (csv.looks_like)(headers))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_each_format_from_one_line() {
        let cases = [
            (
                r#"{"id":"c","object":"chat.completion","model":"gpt-4o","usage":{}}"#,
                InputFormat::Openai,
            ),
            (
                r#"{"request":{},"response":{"object":"response","model":"gpt-4o"}}"#,
                InputFormat::Openai,
            ),
            (
                r#"{"id":"msg","type":"message","model":"claude","usage":{}}"#,
                InputFormat::Anthropic,
            ),
            (
                r#"{"request":{},"response":{"status_code":200,"body":{"type":"message"}}}"#,
                InputFormat::Anthropic,
            ),
            (
                r#"{"sessionId":"s","type":"user","message":{}}"#,
                InputFormat::ClaudeCode,
            ),
            (
                r#"{"id":"b","custom_id":"r1","response":null,"error":{}}"#,
                InputFormat::OpenaiBatch,
            ),
        ];
        for (line, expected) in cases {
            assert_eq!(detect_format(line.as_bytes()), Some(expected), "{line}");
        }
    }

    #[test]
    fn skips_unrecognised_lines_and_gives_up_on_garbage() {
        let head = b"\n{\"hello\":1}\n{\"id\":\"c\",\"object\":\"chat.completion\"}\n";
        assert_eq!(detect_format(head), Some(InputFormat::Openai));
        assert_eq!(detect_format(b"not json\n[1,2]\n"), None);
        assert_eq!(detect_format(b""), None);
    }

    #[test]
    fn tells_lines_from_documents_and_csv() {
        let cases: [(&[u8], Container); 11] = [
            (b"\n  {\"a\":1}\n{\"a\":2}\n", Container::JsonLines),
            (b"{\n  \"data\": [\n", Container::JsonDocument),
            (b"{\"data\": [\n  {\"a\": 1}\n]}", Container::JsonDocument),
            (b"[{\"a\":1}]", Container::JsonDocument),
            (b"[{\"a\":1}]\n", Container::JsonDocument),
            (
                b"[\n  {\"a\": 1},\n  {\"a\": 2}\n]\n",
                Container::JsonDocument,
            ),
            // A stray array on the first line of a JSON Lines file does not make it a document.
            (b"[[1,2]]\n{\"a\":1}\n{\"a\":2}\n", Container::JsonLines),
            (b"[]\n\n{\"a\":1}\n", Container::JsonLines),
            (b"a,b,c\n1,2,3\n", Container::Csv),
            (b"\xef\xbb\xbf \n\t", Container::Empty),
            // A truncated first record is still JSON Lines: it is reported as a line error.
            (b"{\"a\": \"cut\n{\"a\":2}\n", Container::JsonLines),
        ];
        for (head, container) in cases {
            assert_eq!(
                sniff_container(head),
                container,
                "{}",
                String::from_utf8_lossy(head)
            );
        }
    }
}
