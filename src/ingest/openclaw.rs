//! OpenClaw session transcripts (`~/.openclaw/agents/<agent>/sessions/<sessionId>.jsonl`; the
//! same under the folders of its former names `~/.clawdbot`, `~/.moltbot`, `~/.moldbot`).
//!
//! OpenClaw runs its agents on pi's session manager, so a transcript is a pi session file
//! (read by [`super::pi`]'s parser): a `session` header, `model_change` entries and OpenClaw's
//! `custom` `model-snapshot` entries naming the model the following messages use (its
//! assistant messages often name none), and `message` entries whose assistant messages carry
//! pi-ai usage. OpenClaw may append the very same line twice; such a line is one call.
//!
//! Sessions a user deleted or reset are kept beside the live ones as
//! `<sessionId>.jsonl.deleted.<timestamp>` and `<sessionId>.jsonl.reset.<timestamp>`: their calls
//! were billed, so they are read too (a reset starts a new session id, so nothing is read
//! twice). `sessions.json` (the session index), `*.trajectory.jsonl` and `*.jsonl.lock` are not
//! transcripts.
//!
//! Sources: the layout and archive names from openclaw/openclaw (`OPENCLAW_STATE_DIR`, the
//! `sessions.delete` archive naming) and CodeBurn's loader (`src/providers/openclaw.ts`, facts
//! only); the entry shapes from badlogic/pi-mono (see [`super::pi`]).
//!
//! A transcript alone reads like any pi session, so a file named on the command line is read
//! as `pi`; discovery takes OpenClaw's files by their place and reads them as this format.

use std::path::Path;

use crate::ingest::{Agent, EnvRoot, Format, Root, pi};

pub(crate) const FORMAT: Format = Format::agent_log(
    Agent {
        name: "openclaw",
        label: "OpenClaw",
        env: &[
            EnvRoot::new("OPENCLAW_STATE_DIR", "agents"),
            EnvRoot::new("CLAWDBOT_STATE_DIR", "agents"),
        ],
        roots: &[
            Root::any(".openclaw/agents"),
            Root::any(".clawdbot/agents"),
            Root::any(".moltbot/agents"),
            Root::any(".moldbot/agents"),
        ],
        accepts: is_transcript,
    },
    looks_like,
    |_| pi::parser(),
);

/// `<agent>/sessions/<sessionId>.jsonl`, or its deleted or reset archive.
fn is_transcript(path: &Path) -> bool {
    let in_sessions = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|dir| dir == "sessions");
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let live = name.ends_with(".jsonl") && !name.ends_with(".trajectory.jsonl");
    let archived = name.contains(".jsonl.deleted.") || name.contains(".jsonl.reset.");
    in_sessions && (live || archived) && !name.ends_with(".lock")
}

/// Only OpenClaw's own entry (`custom` of `customType: "model-snapshot"`) tells its transcripts
/// from pi's by content; every other line is left to `pi`, listed before.
fn looks_like(value: &serde_json::Value) -> bool {
    value.get("type").and_then(serde_json::Value::as_str) == Some("custom")
        && value.get("customType").and_then(serde_json::Value::as_str) == Some("model-snapshot")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::InputFormat;
    use crate::ingest::test_support::{
        assert_priced, call, calls, cost, outcome_at, parse_text, skips, tokens,
    };
    use crate::ingest::{Parsed, SkipReason};
    use crate::record::Provider;

    const MAIN: &str = include_str!(
        "../../fixtures/home/.openclaw/agents/main/sessions/7c1e9a4d-2b6f-4e3a-8d5c-0f7b9e1a3c52.jsonl"
    );
    const DELETED: &str = include_str!(
        "../../fixtures/home/.clawdbot/agents/main/sessions/3a8f0c2e-5d7b-4f19-a6e4-8c1d3b5f7a90.jsonl.deleted.2026-11-02T21-14-07.512Z"
    );
    const RESET: &str = include_str!(
        "../../fixtures/home/.openclaw/agents/ops/sessions/9d2b4f6a-8c0e-4a1d-b3f5-7e9a1c3d5b80.jsonl.reset.2026-11-09T07-30-00.001Z"
    );

    fn parse(text: &str) -> Vec<Parsed> {
        parse_text(InputFormat::Openclaw, text)
    }

    #[test]
    fn live_transcript_accounts_for_every_line() {
        let parsed = parse(MAIN);
        assert_eq!(parsed.len(), 11);
        assert_eq!(
            skips(&parsed),
            [
                (1, SkipReason::SessionMetadata),
                (2, SkipReason::SessionMetadata),
                (3, SkipReason::SessionMetadata),
                (4, SkipReason::UserMessage),
                // Line 5 appended again byte for byte.
                (6, SkipReason::DuplicateContentBlock),
                (7, SkipReason::UserMessage),
                (9, SkipReason::SessionMetadata),
                (10, SkipReason::UserMessage),
            ]
        );
        assert_eq!(calls(&parsed).len(), 3);
    }

    #[test]
    fn messages_naming_no_model_take_the_model_change() {
        let parsed = parse(MAIN);
        let first = call(outcome_at(&parsed, 5));
        assert_eq!(first.model, "claude-sonnet-4-5");
        assert_eq!(first.provider, Provider::Anthropic);
        assert_eq!(first.tokens, tokens(6, 0, 11_240, 0, 145, 0));
        assert_eq!(first.features.tool_calls, 1);
        // claude-sonnet-4-5: 6 × $3/M + 11,240 × $3.75/M + 145 × $15/M
        //   = $0.000018 + $0.04215 + $0.002175 = $0.044343 (as OpenClaw stated)
        assert_eq!(cost(first), "0.044343");
        assert_eq!(first.stated_cost_usd, Some(0.044343));
        let second = call(outcome_at(&parsed, 8));
        // 4 × $3/M + 11,240 × $0.30/M + 310 × $3.75/M + 58 × $15/M
        //   = $0.000012 + $0.003372 + $0.0011625 + $0.00087 = $0.0054165
        assert_priced(second, tokens(4, 11_240, 310, 0, 58, 0), "0.0054165");
        let third = call(outcome_at(&parsed, 11));
        assert_eq!(third.model, "gpt-5.1");
        // gpt-5.1: 1,830 × $1.25/M + 10,496 × $0.125/M + 212 × $10/M
        //   = $0.0022875 + $0.001312 + $0.00212 = $0.0057195
        assert_priced(third, tokens(1_830, 10_496, 0, 0, 212, 0), "0.0057195");
        // OpenClaw stated $0: a model it could not price, not a free call.
        assert_eq!(third.stated_cost_usd, None);
    }

    #[test]
    fn deleted_and_reset_archives_are_read() {
        let deleted = parse(DELETED);
        let call_deleted = call(outcome_at(&deleted, 4));
        assert_eq!(call_deleted.model, "claude-opus-4-5");
        // claude-opus-4-5: 12 × $5/M + 8,022 × $6.25/M + 96 × $25/M
        //   = $0.00006 + $0.0501375 + $0.0024 = $0.0525975
        assert_priced(call_deleted, tokens(12, 0, 8_022, 0, 96, 0), "0.0525975");
        let reset = parse(RESET);
        let call_reset = call(outcome_at(&reset, 3));
        // gpt-5.1: 2,400 × $1.25/M + 131 × $10/M = $0.003 + $0.00131 = $0.00431
        assert_priced(call_reset, tokens(2_400, 0, 0, 0, 131, 0), "0.00431");
        assert_eq!(
            call_reset.text.as_ref().map(|t| t.user.as_str()),
            Some("Is the disk on the NAS filling up?")
        );
    }

    #[test]
    fn discovery_takes_transcripts_and_their_archives() {
        let accepts = FORMAT.agent.unwrap().accepts;
        let sessions = Path::new("/home/dev/.openclaw/agents/main/sessions");
        for taken in [
            "7c1e9a4d.jsonl",
            "3a8f0c2e.jsonl.deleted.2026-11-02T21-14-07.512Z",
            "9d2b4f6a.jsonl.reset.2026-11-09T07-30-00.001Z",
        ] {
            assert!(accepts(&sessions.join(taken)), "{taken}");
        }
        for left in [
            "sessions.json",
            "7c1e9a4d.trajectory.jsonl",
            "7c1e9a4d.jsonl.lock",
        ] {
            assert!(!accepts(&sessions.join(left)), "{left}");
        }
    }

    #[test]
    fn only_the_model_snapshot_is_told_apart_from_pi() {
        let recognised: Vec<usize> = MAIN
            .lines()
            .enumerate()
            .filter(|(_, line)| looks_like(&serde_json::from_str(line).unwrap()))
            .map(|(index, _)| index + 1)
            .collect();
        assert_eq!(recognised, [3]);
    }
}
