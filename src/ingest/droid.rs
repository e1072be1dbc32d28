//! Droid (Factory) sessions: `${DROID_SESSIONS_DIR:-~/.factory/sessions}/<cwd slug>/<session>.settings.json`,
//! beside the session's transcript `<session>.jsonl`.
//!
//! Droid keeps no per-call usage. `tokenUsage {inputTokens, outputTokens, cacheCreationTokens,
//! cacheReadTokens, thinkingTokens}` in the settings file is the session's cumulative total,
//! rewritten as the session goes, so each settings file is ONE record: the format's records
//! are sessions ([`Granularity::Session`]). Token convention (Anthropic-style, as the peers
//! price it: getagentseal/codeburn `src/providers/droid.ts`, junhoyeo/tokscale
//! `packages/core/src/sessions/droid.rs`): `inputTokens` excludes the cache, `thinkingTokens`
//! are counted apart from `outputTokens` (added to output, and kept as reasoning); cache writes
//! are 5-minute writes. An all-zero `tokenUsage` is no usage.
//!
//! What a session total loses: every call of the session is timed at one instant
//! (`providerLockTimestamp`, when the session fixed its provider, else the transcript's first
//! timestamp), so calls per hour, latency, gaps and time-of-day views see one event; a session
//! that switched models is priced entirely at the model the settings name last; and the
//! per-request long-context surcharges are judged on the session's sum, not on any one request.
//!
//! The model: `settings.model`, wrapped as Droid writes custom and built-in models
//! (`custom:gpt-5-[Proxy]-0`, `Claude-Sonnet-4-[Anthropic]`): the name before the bracketed
//! provider, lower-cased, spaces as hyphens, a trailing `-thinking` (a mode of the same model,
//! at its price) dropped. Without it, the `Model: …` line of the transcript's system reminder
//! is read the same way (only that phrase is kept). A session stored twice (an `archive/` copy)
//! has one dedupe key, its session id.

use crate::ingest::values::Text;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::values::parse_timestamp;
use crate::ingest::wire::stable_hash;
use crate::ingest::{
    Agent, EnvRoot, Format, Granularity, LineOutcome, LineParser, Parsed, Root, SkipReason,
    json_error,
};
use crate::record::{CallRecord, Provider, TokenBuckets};

pub(crate) const FORMAT: Format = Format {
    granularity: Granularity::Session,
    ..Format::agent_log(
        Agent {
            name: "droid",
            label: "Droid (Factory)",
            env: &[
                EnvRoot::new("DROID_SESSIONS_DIR", ""),
                EnvRoot::new("FACTORY_DIR", "sessions"),
            ],
            roots: &[Root::any(".factory/sessions")],
            accepts: |path: &Path| {
                path.file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.ends_with(".settings.json"))
            },
        },
        looks_like,
        |file| parser(file.path),
    )
};

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Settings<'a> {
    model: Option<Text<'a>>,
    #[serde(rename = "providerLockTimestamp")]
    provider_lock_timestamp: Option<&'a RawValue>,
    #[serde(rename = "tokenUsage")]
    token_usage: Option<TokenUsage>,
}

#[derive(Deserialize)]
struct TokenUsage {
    #[serde(rename = "inputTokens")]
    input: Option<u64>,
    #[serde(rename = "outputTokens")]
    output: Option<u64>,
    #[serde(rename = "cacheCreationTokens")]
    cache_creation: Option<u64>,
    #[serde(rename = "cacheReadTokens")]
    cache_read: Option<u64>,
    #[serde(rename = "thinkingTokens")]
    thinking: Option<u64>,
}

impl TokenUsage {
    fn buckets(&self) -> TokenBuckets {
        let thinking = self.thinking.unwrap_or(0);
        TokenBuckets {
            input: self.input.unwrap_or(0),
            cache_read: self.cache_read.unwrap_or(0),
            cache_write_5m: self.cache_creation.unwrap_or(0),
            output: self.output.unwrap_or(0).saturating_add(thinking),
            reasoning: thinking,
            ..TokenBuckets::default()
        }
    }
}

/// Reads one settings file (a single JSON document).
struct DroidParser {
    /// `<session>.settings.json`, for the session id and the sibling transcript.
    path: Option<PathBuf>,
}

pub(crate) fn parser(path: Option<&Path>) -> Box<dyn LineParser> {
    Box::new(DroidParser {
        path: path.map(Path::to_path_buf),
    })
}

impl LineParser for DroidParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        out.push(Parsed {
            line: line_no,
            outcome: self.outcome(line),
        });
    }
}

impl DroidParser {
    fn outcome(&self, line: &[u8]) -> LineOutcome {
        let settings: Settings<'_> = match serde_json::from_slice(line) {
            Ok(settings) => settings,
            Err(err) => return json_error(err, line),
        };
        let Some(usage) = settings.token_usage else {
            return LineOutcome::Skip(SkipReason::SessionMetadata);
        };
        let tokens = usage.buckets();
        if tokens.total() == 0 {
            return LineOutcome::Skip(SkipReason::NoUsage);
        }
        let named = settings.model.as_deref().and_then(model_name);
        let locked = settings.provider_lock_timestamp.and_then(parse_timestamp);
        let transcript = if named.is_none() || locked.is_none() {
            self.transcript()
        } else {
            None
        };
        let model = named.or_else(|| transcript.as_ref().and_then(|t| t.model.clone()));
        let Some(model) = model else {
            return LineOutcome::Error(
                "Droid settings name no model, and the transcript has no Model: line".into(),
            );
        };
        let session = self.session_id();
        let timestamp_ms = locked.or_else(|| transcript.and_then(|t| t.first_timestamp_ms));
        let mut record = Box::new(CallRecord {
            provider: Provider::from_model(&model),
            model,
            timestamp_ms,
            tokens,
            dedupe_key: Some(stable_hash(&[
                b"droid",
                session.as_deref().unwrap_or_default().as_bytes(),
            ])),
            session_id: session,
            ..CallRecord::default()
        });
        record.features.interactive = true;
        LineOutcome::Call(record)
    }

    /// The session id: the settings file's name without `.settings.json`.
    fn session_id(&self) -> Option<String> {
        let name = self.path.as_deref()?.file_name()?.to_str()?;
        let id = name.strip_suffix(".settings.json").unwrap_or(name);
        (!id.is_empty()).then(|| id.to_string())
    }

    /// What the sibling transcript says of the session (read only when the settings lack the
    /// model or the time).
    fn transcript(&self) -> Option<Transcript> {
        let path = self.path.as_deref()?;
        let name = path.file_name()?.to_str()?.strip_suffix(".settings.json")?;
        Transcript::read(&path.with_file_name(format!("{name}.jsonl")))
    }
}

/// The model and start of a session, from its transcript.
struct Transcript {
    model: Option<String>,
    first_timestamp_ms: Option<i64>,
}

impl Transcript {
    /// Reads the first lines of a transcript for its first timestamp and the `Model:` phrase.
    fn read(path: &Path) -> Option<Transcript> {
        #[derive(Deserialize)]
        #[serde(bound(deserialize = "'de: 'a"))]
        struct Entry<'a> {
            timestamp: Option<&'a RawValue>,
        }
        let text = std::fs::read_to_string(path).ok()?;
        let mut transcript = Transcript {
            model: None,
            first_timestamp_ms: None,
        };
        for line in text.lines().take(500) {
            if transcript.first_timestamp_ms.is_none() {
                transcript.first_timestamp_ms = serde_json::from_str::<Entry<'_>>(line)
                    .ok()
                    .and_then(|e| e.timestamp)
                    .and_then(parse_timestamp);
            }
            if transcript.model.is_none()
                && let Some(at) = line.find("Model: ")
            {
                let phrase: String = line[at + "Model: ".len()..]
                    .chars()
                    .take_while(|c| !matches!(c, '\\' | '"' | '\n'))
                    .take(120)
                    .collect();
                transcript.model = model_name(&phrase);
            }
            if transcript.model.is_some() && transcript.first_timestamp_ms.is_some() {
                break;
            }
        }
        Some(transcript)
    }
}

/// A catalog-style model name from Droid's wrapped one: `custom:` and everything from the
/// bracketed provider on go, lower case, spaces as hyphens, no `-thinking` mode suffix.
fn model_name(raw: &str) -> Option<String> {
    let name = raw.trim();
    let name = name.strip_prefix("custom:").unwrap_or(name);
    let name = name.split('[').next().unwrap_or(name);
    let name = name
        .trim()
        .trim_end_matches(['-', ' '])
        .to_ascii_lowercase();
    let name = name.split_whitespace().collect::<Vec<_>>().join("-");
    let name = name.strip_suffix("-thinking").unwrap_or(&name).to_string();
    (!name.is_empty()).then_some(name)
}

/// Whether a JSON value is a Droid settings file: a `tokenUsage` object with Droid's counters.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    value
        .get("tokenUsage")
        .and_then(|u| u.as_object())
        .is_some_and(|usage| {
            usage.contains_key("thinkingTokens")
                || (usage.contains_key("cacheCreationTokens") && usage.contains_key("inputTokens"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::test_support::{assert_priced, call, skip, tokens};

    const SESSIONS: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/home/.factory/sessions/-home-dev-src-payments"
    );

    fn read(name: &str) -> LineOutcome {
        let path = PathBuf::from(format!("{SESSIONS}/{name}"));
        let bytes = std::fs::read(&path).unwrap();
        let mut parser = parser(Some(&path));
        let mut out = Vec::new();
        parser.line(1, &bytes, &mut out);
        assert_eq!(out.len(), 1);
        out.pop().unwrap().outcome
    }

    #[test]
    fn a_session_total_is_one_record() {
        let outcome = read("4d9e7a1c-52b8-4f03-a6e2-7c1b90d3f5e4.settings.json");
        let record = call(&outcome);
        assert_eq!(record.model, "claude-sonnet-4.5");
        // Output 18,420 + 6,210 thinking; input excludes the cache.
        assert_eq!(
            record.tokens,
            tokens(2_884, 1_402_560, 96_310, 0, 24_630, 6_210)
        );
        assert_eq!(
            record.session_id.as_deref(),
            Some("4d9e7a1c-52b8-4f03-a6e2-7c1b90d3f5e4")
        );
        // providerLockTimestamp 2026-11-18T13:07:44.512Z.
        assert_eq!(record.timestamp_ms, Some(1_795_007_264_512));
    }

    #[test]
    fn a_session_total_is_priced_as_a_sum_without_the_long_context_tier() {
        // Read as the pipeline reads it: the registry marks a per-session format's records.
        let path = PathBuf::from(format!(
            "{SESSIONS}/4d9e7a1c-52b8-4f03-a6e2-7c1b90d3f5e4.settings.json"
        ));
        let bytes = std::fs::read(&path).unwrap();
        let file = crate::ingest::FileContext { path: Some(&path) };
        let mut parser = crate::ingest::line_parser(crate::ingest::InputFormat::Droid, &file);
        let mut out = Vec::new();
        parser.line(1, &bytes, &mut out);
        let record = call(&out[0].outcome);
        assert!(record.features.summed);
        // The session's prompt (1.5M tokens) sums many requests, none known above Anthropic's
        // 200K long-context line: standard Sonnet 4.5 rates, 2,884 × $3/M + 1,402,560 ×
        // $0.30/M + 96,310 × $3.75/M + 24,630 × $15/M = $0.008652 + $0.420768 + $0.3611625 +
        // $0.36945 (at the long-context rates it would be $2.13534).
        let catalog = crate::ingest::test_support::catalog();
        let price = catalog.entry(catalog.resolve(&record.model, record.timestamp_ms).unwrap());
        let mode = crate::pipeline::CallFlags::of(record).billing(record.timestamp_ms);
        let money = crate::pricing::call_cost(price, &record.tokens, mode);
        assert_eq!(money.to_decimal_string(), "1.1600325");
    }

    #[test]
    fn a_custom_model_and_its_cost() {
        let record_outcome = read("b71f0e36-9d2a-4c85-8e14-3a6f2d9c0b57.settings.json");
        let record = call(&record_outcome);
        // custom:gpt-5-[Proxy]-0
        assert_eq!(record.model, "gpt-5");
        // gpt-5: 41,200 × $1.25/M + 118,784 × $0.125/M + 9,610 × $10/M
        //   = $0.0515 + $0.014848 + $0.0961 = $0.162448
        assert_priced(
            record,
            tokens(41_200, 118_784, 0, 0, 9_610, 3_072),
            "0.162448",
        );
    }

    #[test]
    fn the_model_from_the_transcript_and_the_time_from_its_first_line() {
        let outcome = read("e02c5b94-7f31-4a6d-b8c9-1d4e6f8a2c30.settings.json");
        let record = call(&outcome);
        // "Model: Claude Opus 4.5 Thinking [Anthropic]" in the system reminder.
        assert_eq!(record.model, "claude-opus-4.5");
        assert_eq!(record.timestamp_ms, Some(1_795_103_105_000));
        assert_eq!(
            record.tokens,
            tokens(1_210, 88_320, 12_004, 0, 3_406, 1_190)
        );
    }

    #[test]
    fn an_untouched_session_is_no_usage() {
        let outcome = read("f3a81c27-0b6e-4d59-9c2f-85e7d4b1a069.settings.json");
        assert_eq!(skip(&outcome), SkipReason::NoUsage);
    }

    #[test]
    fn wrapped_model_names() {
        assert_eq!(
            model_name("Claude-Sonnet-4-[Anthropic]").as_deref(),
            Some("claude-sonnet-4")
        );
        assert_eq!(
            model_name("custom:GLM-5.1-[Proxy]-0").as_deref(),
            Some("glm-5.1")
        );
        assert_eq!(
            model_name("gpt-5.1-codex").as_deref(),
            Some("gpt-5.1-codex")
        );
        assert_eq!(model_name("[Proxy]"), None);
    }

    #[test]
    fn detection_and_malformed_settings() {
        let value = serde_json::json!({"model": "x", "tokenUsage": {"inputTokens": 1,
            "outputTokens": 1, "cacheCreationTokens": 0, "cacheReadTokens": 0, "thinkingTokens": 0}});
        assert!(looks_like(&value));
        assert!(!looks_like(
            &serde_json::json!({"usage": {"inputTokens": 1}})
        ));
        let mut parser = parser(None);
        let mut out = Vec::new();
        parser.line(1, br#"{"tokenUsage":{"inputTokens":"many"}}"#, &mut out);
        parser.line(
            2,
            br#"{"tokenUsage":{"inputTokens":5,"outputTokens":1}}"#,
            &mut out,
        );
        assert!(matches!(&out[0].outcome, LineOutcome::Error(m) if m.starts_with("invalid JSON")));
        assert!(
            matches!(&out[1].outcome, LineOutcome::Error(m) if m.starts_with("Droid settings name no model"))
        );
    }
}
