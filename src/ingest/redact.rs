//! Error messages name the file, line, field and expected type of what went wrong, never the
//! value: a value from a log may be a prompt. serde's messages quote the value they met
//! (`invalid type: string "my secret", expected a map`, ``unknown variant `x` ``); every line
//! error passes through [`redact_values`] on its way into the accounting, whichever adapter
//! or reader wrote it.

use crate::escape::is_unsafe_char;

/// Longest message kept; anything longer was not written by llm-audit.
const MAX_MESSAGE: usize = 1000;

/// Removes the values serde quotes in its messages: `string "…"` and `character `…`` become
/// `string` and `character`; in ``unknown variant `…` `` and ``unknown field `…` `` the name
/// goes. Control characters go too, and a message is cut at [`MAX_MESSAGE`] characters.
pub fn redact_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(MAX_MESSAGE));
    let mut rest = message;
    loop {
        let next = [
            ("string \"", Quote::Debug),
            ("character `", Quote::Backtick),
            ("unknown variant `", Quote::Name),
            ("unknown field `", Quote::Name),
        ]
        .into_iter()
        .filter_map(|(marker, quote)| rest.find(marker).map(|at| (at, marker, quote)))
        .min_by_key(|(at, _, _)| *at);
        let Some((at, marker, quote)) = next else {
            out.push_str(rest);
            break;
        };
        // The marker's words, without its opening quote.
        out.push_str(&rest[..at + marker.len() - 2]);
        let value = &rest[at + marker.len()..];
        rest = match quote {
            Quote::Debug => after_debug_string(value),
            Quote::Backtick => value.find('`').map_or("", |end| &value[end + 1..]),
            Quote::Name => after_name(value),
        };
    }
    let kept: String = out
        .chars()
        .filter(|&c| !c.is_control() && !is_unsafe_char(c))
        .collect();
    if kept.chars().count() <= MAX_MESSAGE {
        return kept;
    }
    let mut cut: String = kept.chars().take(MAX_MESSAGE).collect();
    cut.push('…');
    cut
}

/// The field at serde_json's `line` and `column` of `input` (1-based, the column in bytes), as
/// a path (`request.messages[2].content`): the member being read when the error came. A key
/// that is not a plain name (letters, digits, `_`, `-`, `.`, `$`, `@`, up to 40) is shown as
/// `…`, since a log's own keys are data too. `None` at the top level.
pub fn field_at(input: &[u8], line: usize, column: usize) -> Option<String> {
    let line_start = if line <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', input).nth(line - 2)? + 1
    };
    let end = (line_start + column).min(input.len());
    enum Frame {
        Object(Option<String>),
        Array(usize),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut at = 0;
    let mut expect_key = false;
    while at < end {
        match input[at] {
            b'{' => {
                stack.push(Frame::Object(None));
                expect_key = true;
            }
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(index)) => *index += 1,
                Some(Frame::Object(_)) => expect_key = true,
                None => {}
            },
            b'"' => {
                let start = at + 1;
                at = start;
                while at < input.len() && input[at] != b'"' {
                    at += if input[at] == b'\\' { 2 } else { 1 };
                }
                if expect_key && let Some(Frame::Object(key)) = stack.last_mut() {
                    *key = Some(plain_key(&input[start..at.min(input.len())]));
                    expect_key = false;
                }
            }
            _ => {}
        }
        at += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object(None) => {}
            Frame::Array(index) => path.push_str(&format!("[{index}]")),
        }
    }
    (!path.is_empty()).then_some(path)
}

fn plain_key(key: &[u8]) -> String {
    let plain = !key.is_empty()
        && key.len() <= 40
        && key
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'$' | b'@'));
    if plain {
        String::from_utf8_lossy(key).into_owned()
    } else {
        "…".to_string()
    }
}

#[derive(Clone, Copy)]
enum Quote {
    /// A Rust `{:?}` string: ends at the first `"` not escaped by a backslash.
    Debug,
    /// A character in backticks.
    Backtick,
    /// A name in backticks, which serde does not escape: it ends at the last backtick before
    /// serde's own continuation (`, expected …`, `, there are no …`) or of the message.
    Name,
}

fn after_debug_string(value: &str) -> &str {
    let mut escaped = false;
    for (at, c) in value.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return &value[at + 1..],
            _ => escaped = false,
        }
    }
    ""
}

fn after_name(value: &str) -> &str {
    let end = ["`, expected ", "`, there are no "]
        .iter()
        .filter_map(|tail| value.rfind(tail))
        .max()
        .or_else(|| value.rfind("` at line "))
        .or_else(|| value.rfind('`'));
    end.map_or("", |end| &value[end + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde's own words for a value it did not expect, from a real parse.
    fn serde_message<T: for<'de> serde::Deserialize<'de> + std::fmt::Debug>(json: &str) -> String {
        serde_json::from_str::<T>(json).unwrap_err().to_string()
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Turn {
        message: std::collections::BTreeMap<String, String>,
        role: Option<Role>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    enum Role {
        User,
    }

    #[test]
    fn serde_messages_lose_the_values_they_quote() {
        let canary = "my secret \\\" `, expected x` \u{1b}[2J prompt";
        let json_canary = serde_json::to_string(canary).unwrap();
        let cases = [
            format!(r#"{{"message": {json_canary}}}"#),
            format!(r#"{{"message": {{}}, "role": {json_canary}}}"#),
            format!(r#"{{"message": {{}}, {json_canary}: 1}}"#),
            format!(r#"{{"message": {{}}, "role": {{{json_canary}: null}}}}"#),
        ];
        for case in cases {
            let raw = serde_message::<Turn>(&case);
            assert!(raw.contains("my secret"), "serde quoted nothing: {raw}");
            let redacted = redact_values(&raw);
            assert!(!redacted.contains("secret"), "{raw} -> {redacted}");
            assert!(!redacted.contains("prompt"), "{raw} -> {redacted}");
            assert!(!redacted.contains('\u{1b}'), "{redacted}");
            assert!(redacted.contains("at line 1"), "{redacted}");
        }
        assert_eq!(
            redact_values(&serde_message::<Turn>(r#"{"message": "my secret"}"#)),
            "invalid type: string, expected a map at line 1 column 23"
        );
        assert_eq!(
            redact_values(&serde_message::<Turn>(
                r#"{"message": {}, "role": "Admin"}"#
            )),
            "unknown variant, expected `User` at line 1 column 31"
        );
        assert_eq!(
            redact_values(&serde_message::<char>(r#""ab""#)),
            "invalid value: string, expected a character at line 1 column 4"
        );
    }

    #[test]
    fn the_field_of_an_error_is_named_by_its_path() {
        let cases = [
            (r#"{"type":"user","message":"my secret"}"#, Some("message")),
            (
                r#"{"request":{"messages":[{"role":"user"},{"content":7}]}}"#,
                Some("request.messages[1].content"),
            ),
            (
                "{\n  \"a\": {\n    \"b\": [1, \"x\"]\n  }\n}",
                Some("a.b[1]"),
            ),
            (r#"{"meta":{"my secret key":1}}"#, Some("meta.…")),
        ];
        for (json, expected) in cases {
            // Where serde_json stops on the last value of each case: the end of that value.
            let value_end = json
                .rfind(|c: char| c == '"' || c.is_ascii_digit())
                .unwrap()
                + 1;
            let line = json[..value_end].matches('\n').count() + 1;
            let column = value_end - json[..value_end].rfind('\n').map_or(0, |n| n + 1);
            assert_eq!(
                field_at(json.as_bytes(), line, column).as_deref(),
                expected,
                "{json}"
            );
        }
        // A real serde_json error's position.
        let json = r#"{"message": "my secret", "other": 1}"#;
        let err = serde_json::from_str::<Turn>(json).unwrap_err();
        assert_eq!(
            field_at(json.as_bytes(), err.line(), err.column()).as_deref(),
            Some("message")
        );
    }

    #[test]
    fn own_messages_pass_and_long_ones_are_cut() {
        let own = "Langfuse generation has usage but names no model";
        assert_eq!(redact_values(own), own);
        let long = "x".repeat(10_000);
        assert_eq!(redact_values(&long).chars().count(), MAX_MESSAGE + 1);
    }
}
