//! Format detection: look at the first lines of a file and name the adapter that reads it.

use crate::ingest::{InputFormat, anthropic, claude_code, openai, openai_batch};

/// How many non-empty lines detection looks at before giving up.
const SNIFF_LINES: usize = 32;

/// Names the format of a file from its first bytes, or `None` when no adapter recognises any
/// of the first lines.
pub fn detect_format(head: &[u8]) -> Option<InputFormat> {
    head.split(|&b| b == b'\n')
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
        .take(SNIFF_LINES)
        .find_map(detect_line)
}

fn detect_line(line: &[u8]) -> Option<InputFormat> {
    let value: serde_json::Value = serde_json::from_slice(line).ok()?;
    if !value.is_object() {
        return None;
    }
    if openai_batch::looks_like_line(&value) {
        return Some(InputFormat::OpenaiBatch);
    }
    if claude_code::looks_like_line(&value) {
        return Some(InputFormat::ClaudeCode);
    }
    let response = value.get("response").unwrap_or(&value);
    if openai::looks_like_response(response) {
        return Some(InputFormat::Openai);
    }
    if anthropic::looks_like_message(response) {
        return Some(InputFormat::Anthropic);
    }
    None
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
}
