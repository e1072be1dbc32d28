//! Retries and fallbacks: attempts at one logical request, grouped so that reports can price the
//! attempts that failed. Two signs group attempts: an id the logger gives every attempt of one
//! request (LiteLLM's trace id), and the same request sent again soon after a failed attempt.

use std::collections::HashSet;

use foldhash::fast::FixedState;
use rayon::prelude::*;

use crate::ingest::wire_hash;
use crate::pipeline::{BLOCK_ROWS, CallRow, Rows, shared_keys, sort_filter_map};
use crate::record::{CallRecord, PromptPrefixes};

/// Tags whose value names the request that every attempt belongs to.
pub const ATTEMPT_GROUP_TAGS: [&str; 2] = ["attempt_group", "litellm_trace_id"];

/// How long after a failed attempt the same request counts as its retry.
pub const RETRY_WINDOW_MS: i64 = 60_000;

/// The attempt group a record names through its tags, hashed.
pub fn logged_group(record: &CallRecord) -> Option<u64> {
    ATTEMPT_GROUP_TAGS.iter().find_map(|tag| {
        let (_, value) = record.tags.iter().find(|(key, _)| key == tag)?;
        Some(wire_hash(&[b"group", value.as_bytes()]))
    })
}

/// A fingerprint of the whole request: the model and the hash of its system prompt, tools and
/// every message ([`PromptPrefixes::whole`]). Only logs that hold the whole request have one:
/// a last user turn alone (a coding agent's transcript) or a redaction placeholder proves no
/// two requests the same.
pub fn request_hash(model: &str, prefixes: PromptPrefixes) -> u64 {
    wire_hash(&[
        b"request",
        model.as_bytes(),
        &prefixes.whole().hash.to_le_bytes(),
    ])
}

/// Marks the rows whose request hash the log shows at two or more billed prompt sizes: the same
/// text cannot have been sent at two sizes, so it is not what was sent (a placeholder an
/// unknown logger wrote for every prompt, empty content): such rows prove no repeat and no
/// cached prefix ([`Rows::mark_unproven`]). Calls without usage (failures) are not compared.
pub fn distrust_placeholders(rows: &mut Rows) {
    // (request, prompt size), sorted: a request's sizes come side by side.
    let sizes = sort_filter_map(rows.len(), rows.list_limit(), |index| {
        let row = rows.get(index);
        let prompt = row.tokens.prompt_total();
        (prompt > 0).then_some((row.request_hash?, prompt))
    });
    let mut unproven: HashSet<u64, FixedState> = HashSet::default();
    let mut last: Option<(u64, u64)> = None;
    for (request, prompt) in sizes {
        if last.is_some_and(|(before, size)| before == request && size != prompt) {
            unproven.insert(request);
        }
        last = Some((request, prompt));
    }
    if unproven.is_empty() {
        return;
    }
    for block in rows.blocks(BLOCK_ROWS) {
        let marked: Vec<usize> = block
            .into_par_iter()
            .filter(|&index| {
                rows.get(index)
                    .request_hash
                    .is_some_and(|request| unproven.contains(&request))
            })
            .collect();
        for index in marked {
            rows.mark_unproven(index);
        }
    }
}

/// Gives rows that repeat a failed request within [`RETRY_WINDOW_MS`] one attempt group (rows
/// that already carry a logged group keep it).
pub fn group_retries(rows: &mut Rows) {
    let attempt = |row: &CallRow| {
        let at = row.timestamp_ms.filter(|_| row.attempt_group.is_none())?;
        Some((row.request_hash?, at, row.flags.failed))
    };
    // Only a request that failed at least once can have been retried, so only its attempts
    // are sorted (most requests never fail, and their keys would take 32 bytes a call).
    let failed: HashSet<u64, FixedState> = rows
        .par_iter()
        .filter_map(|(_, row)| attempt(&row).filter(|&(_, _, failed)| failed))
        .map(|(request, _, _)| request)
        .collect();
    if failed.is_empty() {
        return;
    }
    // Sorted as (request, time, index) keys, each unique, so the order is fixed however the
    // parallel sort splits them.
    let order = sort_filter_map(rows.len(), rows.list_limit(), |index| {
        let (request, at, failed_here) = attempt(&rows.get(index))?;
        failed
            .contains(&request)
            .then_some((request, at, index, failed_here))
    });
    let mut last = None;
    for next in order {
        let Some((request, at, before, failed)) = last.replace(next) else {
            continue;
        };
        let (next_request, next_at, after, _) = next;
        let gap = next_at - at;
        if request == next_request && failed && gap <= RETRY_WINDOW_MS {
            // A retry of a retry joins the group its attempt was given.
            let group = rows.attempt_group(before).unwrap_or_else(|| {
                wire_hash(&[b"retry", &request.to_le_bytes(), &at.to_le_bytes()])
            });
            rows.set_attempt_group(before, group);
            rows.set_attempt_group(after, group);
        }
    }
}

/// Totals over attempt groups of more than one attempt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetryStats {
    /// Logical requests that took more than one attempt.
    pub groups: u64,
    /// Attempts in those groups.
    pub attempts: u64,
    /// Attempts that failed.
    pub failed_attempts: u64,
    /// What the failed attempts cost (the retry waste), for the priced ones.
    pub failed_cost: crate::money::Money,
}

/// Hands `each` the rows of every attempt group of more than one attempt, in input order, the
/// groups one after another. The (attempt group, row) pairs are sorted ([`sort_filter_map`]):
/// most calls are a group of their own, so this beats a map of every group to its members.
pub fn attempt_groups(rows: &Rows, each: impl FnMut(&[usize])) {
    let members = sort_filter_map(rows.len(), rows.list_limit(), |index| {
        rows.attempt_group(index).map(|group| (group, index))
    });
    shared_keys(members, each);
}

impl RetryStats {
    pub fn of(rows: &Rows) -> RetryStats {
        let mut stats = RetryStats::default();
        attempt_groups(rows, |group| {
            stats.groups += 1;
            for &index in group {
                let row = rows.get(index);
                stats.attempts += 1;
                if row.flags.failed {
                    stats.failed_attempts += 1;
                    stats.failed_cost += row.cost.unwrap_or_default();
                }
            }
        });
        stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::build_row;
    use crate::pricing::PriceCatalog;
    use crate::record::{CallStatus, TokenBuckets};

    fn rows_of(records: &[CallRecord], catalog: &PriceCatalog) -> Rows {
        records
            .iter()
            .map(|r| (build_row(r, 0, 1, 0, catalog), "id"))
            .collect()
    }

    fn attempt(at_ms: i64, status: CallStatus, user: &str) -> CallRecord {
        let mut record = CallRecord {
            model: "gpt-4o-mini".into(),
            timestamp_ms: Some(at_ms),
            status,
            tokens: TokenBuckets {
                input: 1_000,
                ..TokenBuckets::default()
            },
            ..CallRecord::default()
        };
        crate::ingest::test_support::ask(&mut record, user);
        record
    }

    #[test]
    fn groups_a_request_repeated_soon_after_a_failure_and_prices_the_waste() {
        let catalog = PriceCatalog::embedded().unwrap();
        let records = [
            attempt(0, CallStatus::Error, "hello"),
            attempt(5_000, CallStatus::Ok, "hello"),
            // The same request long after a success, and another after a failure but too late.
            attempt(600_000, CallStatus::Error, "hello"),
            attempt(600_000 + RETRY_WINDOW_MS + 1, CallStatus::Ok, "hello"),
            attempt(10, CallStatus::Ok, "other"),
        ];
        let mut rows = rows_of(&records, &catalog);
        group_retries(&mut rows);
        assert!(rows.get(0).attempt_group.is_some());
        assert_eq!(rows.get(0).attempt_group, rows.get(1).attempt_group);
        assert!(rows.iter().skip(2).all(|r| r.attempt_group.is_none()));
        let stats = RetryStats::of(&rows);
        // One failed attempt of 1,000 input tokens at gpt-4o-mini's $0.15/M: $0.00015.
        assert_eq!(
            (stats.groups, stats.attempts, stats.failed_attempts),
            (1, 2, 1)
        );
        assert_eq!(stats.failed_cost.to_decimal_string(), "0.00015");
    }

    /// Requests that never failed are left alone however often they repeat, and a retry of a
    /// retry joins its group.
    #[test]
    fn a_chain_of_retries_is_one_group_and_repeats_without_a_failure_none() {
        let catalog = PriceCatalog::embedded().unwrap();
        let records = [
            attempt(0, CallStatus::Ok, "same"),
            attempt(1_000, CallStatus::Ok, "same"),
            attempt(2_000, CallStatus::Error, "flaky"),
            attempt(3_000, CallStatus::Ok, "same"),
            attempt(4_000, CallStatus::Error, "flaky"),
            attempt(5_000, CallStatus::Ok, "flaky"),
        ];
        let mut rows = rows_of(&records, &catalog);
        group_retries(&mut rows);
        let groups: Vec<Option<u64>> = rows.iter().map(|r| r.attempt_group).collect();
        assert!(groups[2].is_some());
        assert_eq!(groups, [None, None, groups[2], None, groups[2], groups[2]]);
        let stats = RetryStats::of(&rows);
        assert_eq!(
            (stats.groups, stats.attempts, stats.failed_attempts),
            (1, 3, 2)
        );
    }

    /// A logger that writes its own placeholder for every prompt (not one llm-audit knows):
    /// the same text billed at two sizes cannot be what was sent, so those calls prove no
    /// repeat; a real repeat (same text, same size) next to them still does.
    #[test]
    fn text_billed_at_two_sizes_proves_no_repeat() {
        let catalog = PriceCatalog::embedded().unwrap();
        let sized = |at_ms: i64, user: &str, input: u64| {
            let mut record = attempt(at_ms, CallStatus::Ok, user);
            record.tokens.input = input;
            record
        };
        let records = [
            sized(0, "MASK_THIS_VALUE", 1_200),
            sized(1_000, "MASK_THIS_VALUE", 1_200),
            sized(2_000, "MASK_THIS_VALUE", 3_400),
            sized(3_000, "What is our refund window?", 40),
            sized(4_000, "What is our refund window?", 40),
        ];
        let mut rows = rows_of(&records, &catalog);
        assert!(rows.iter().all(|row| row.request_hash.is_some()));
        distrust_placeholders(&mut rows);
        for row in rows.iter().take(3) {
            assert_eq!((row.request_hash, row.prefixes), (None, None));
            assert!(row.flags.redacted);
        }
        let real: Vec<CallRow> = rows.iter().skip(3).collect();
        assert!(real[0].repeat_key().is_some());
        assert_eq!(real[0].repeat_key(), real[1].repeat_key());
        assert!(!real[0].flags.redacted);
        // Only the real repeat is a duplicate.
        let found = crate::findings::duplicate_requests(&rows).unwrap();
        assert_eq!(found.calls, 1);
    }

    #[test]
    fn a_logged_trace_id_groups_attempts_whatever_their_timing() {
        let catalog = PriceCatalog::embedded().unwrap();
        let mut first = attempt(0, CallStatus::Error, "a");
        first.tags.push(("litellm_trace_id".into(), "t-1".into()));
        let mut fallback = attempt(900_000, CallStatus::Ok, "b");
        fallback
            .tags
            .push(("litellm_trace_id".into(), "t-1".into()));
        let rows = rows_of(&[first, fallback], &catalog);
        assert_eq!(rows.get(0).attempt_group, rows.get(1).attempt_group);
        assert!(rows.get(0).attempt_group.is_some());
        assert_eq!(RetryStats::of(&rows).groups, 1);
    }
}
