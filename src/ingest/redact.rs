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
    fn own_messages_pass_and_long_ones_are_cut() {
        let own = "Langfuse generation has usage but names no model";
        assert_eq!(redact_values(own), own);
        let long = "x".repeat(10_000);
        assert_eq!(redact_values(&long).chars().count(), MAX_MESSAGE + 1);
    }
}
