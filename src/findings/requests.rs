//! Findings about whole requests sent more than once: retry storms, duplicate requests, and
//! answers cut off by the output limit and asked again.

use crate::classify::Reason;
use crate::findings::{Finding, Tally, WasteKind, in_time_order, later, plural, usd};
use crate::pipeline::{CallRow, RowSet, Rows, TimeWindow, attempt_groups};

/// How long a stored answer serves exact repeats of its request: the window of the built-in
/// `response-cache` policy (`data/policies/response-cache.toml`, `response_cache = "1h"`), so
/// that this finding and that policy's replay count the same repeats. (The task named 10
/// minutes as "the built-in response-cache window"; the built-in window is one hour, and a test
/// keeps the two in step.)
pub const RESPONSE_CACHE_WINDOW_MS: i64 = 60 * 60_000;

/// How soon after a truncated answer the same request counts as asked again: someone reading
/// a cut-off answer asks again within minutes, not hours.
pub const REASK_WINDOW_MS: i64 = 10 * 60_000;

/// **retry_storm**: attempt groups (retries and fallbacks of one logical request, as
/// `pipeline::group_retries` grouped them) in which a failed attempt was followed by another
/// attempt. The impact is what the failed attempts of those groups cost; calls and tokens are
/// theirs. Attempts come one after another in time, or in input order when the log gives no
/// distinct times.
pub fn retry_storms(rows: &Rows) -> Option<Finding> {
    // The failed attempts of the stormy groups, and how many groups those are.
    let mut failed = RowSet::new(rows.len());
    let mut storms = 0u64;
    attempt_groups(rows, |group| {
        let stormy = group.iter().any(|&i| {
            rows.get(i).flags.failed
                && group
                    .iter()
                    .any(|&j| j != i && later(&rows.get(i), i, &rows.get(j), j))
        });
        if stormy {
            storms += 1;
            for &index in group.iter().filter(|&&index| rows.get(index).flags.failed) {
                failed.insert(index);
            }
        }
    });
    let mut tally = Tally::default();
    for index in failed.iter() {
        let row = rows.get(index);
        tally.add(rows, index, row.tokens.total(), row.cost);
    }
    if tally.calls == 0 {
        return None;
    }
    let sentence = format!(
        "{} in {} that were then tried again cost {}, every failed attempt paid for and thrown away",
        plural(tally.calls, "failed attempt", "failed attempts"),
        plural(storms, "request", "requests"),
        usd(tally.impact),
    );
    Some(tally.finding(WasteKind::RetryStorm, sentence))
}

/// **duplicate_request**: a call that did not fail, outside any attempt group, whose repeat key
/// ([`crate::pipeline::CallRow::repeat_key`]: the model, the hash of the whole request, the
/// billed prompt tokens) equals that of an earlier stored answer at most
/// [`RESPONSE_CACHE_WINDOW_MS`] before it. A response cache would have
/// served it for $0, so its whole cost is the impact. The window runs from the stored answer:
/// a repeat served from the cache refreshes nothing, and the first call after the window
/// stores a new answer. An answer cut off by the output limit is not stored (serving it again
/// would not help; `truncated_reask` counts those). Calls without a timestamp or a repeat key
/// (the log kept no whole request, or a redacted one) cannot be compared.
pub fn duplicate_requests(rows: &Rows) -> Option<Finding> {
    duplicate_requests_in(rows, TimeWindow::default())
}

/// [`duplicate_requests`], the stored answers kept in `stored`.
pub(super) fn duplicate_requests_in(rows: &Rows, stored: TimeWindow<u64, i64>) -> Option<Finding> {
    let repeat = repeated_requests_in(rows, stored);
    let mut tally = Tally::default();
    tally.add_marked(rows, &repeat);
    if tally.calls == 0 {
        return None;
    }
    let sentence = format!(
        "{} repeated a request answered at most {} min before, outside any retry, and a response cache would have served them for $0, so the impact is their cost, {}",
        plural(tally.calls, "call", "calls"),
        RESPONSE_CACHE_WINDOW_MS / 60_000,
        usd(tally.impact),
    );
    Some(tally.finding(WasteKind::DuplicateRequest, sentence))
}

/// The calls [`duplicate_requests`] counts as repeats, one flag per row: the one rule for a
/// repeat, which the cost per meaningful response counts too.
pub fn repeated_requests(rows: &Rows) -> RowSet {
    repeated_requests_in(rows, TimeWindow::default())
}

/// [`repeated_requests`], the stored answers kept in `stored`.
fn repeated_requests_in(rows: &Rows, mut stored: TimeWindow<u64, i64>) -> RowSet {
    let mut repeat = RowSet::new(rows.len());
    for index in in_time_order(rows) {
        let row = rows.get(index);
        if row.flags.failed || row.attempt_group.is_some() {
            continue;
        }
        let (Some(request), Some(now)) = (row.repeat_key(), row.timestamp_ms) else {
            continue;
        };
        stored.sweep(|&at| now - at <= RESPONSE_CACHE_WINDOW_MS);
        match stored.map.get(&request) {
            Some(&at) if now - at <= RESPONSE_CACHE_WINDOW_MS => repeat.insert(index),
            _ if !truncated(&row) => {
                stored.map.insert(request, now);
            }
            _ => {}
        }
    }
    repeat
}

/// **truncated_reask**: a call cut off by the output limit (finish reason `length`,
/// `max_tokens`) followed, at most [`REASK_WINDOW_MS`] later, by a call with the same request
/// fingerprint: the request was asked again, so the cut-off answer was thrown away and its
/// whole cost is the impact. Calls and tokens are the truncated calls'.
pub fn truncated_reasks(rows: &Rows) -> Option<Finding> {
    truncated_reasks_in(rows, TimeWindow::default())
}

/// [`truncated_reasks`], the last call of each fingerprint kept in `last_seen`.
pub(super) fn truncated_reasks_in(
    rows: &Rows,
    mut last_seen: TimeWindow<u64, usize>,
) -> Option<Finding> {
    let mut reasked = RowSet::new(rows.len());
    for index in in_time_order(rows) {
        let row = rows.get(index);
        let (Some(request), Some(now)) = (row.repeat_key(), row.timestamp_ms) else {
            continue;
        };
        last_seen
            .sweep(|&before| now - rows.timestamp_ms(before).unwrap_or(now) <= REASK_WINDOW_MS);
        if let Some(&before) = last_seen.map.get(&request) {
            let earlier = rows.get(before);
            let gap = now - earlier.timestamp_ms.unwrap_or(now);
            if truncated(&earlier) && gap <= REASK_WINDOW_MS {
                reasked.insert(before);
            }
        }
        last_seen.map.insert(request, index);
    }
    let mut tally = Tally::default();
    tally.add_marked(rows, &reasked);
    if tally.calls == 0 {
        return None;
    }
    let sentence = format!(
        "{} cut off by the output limit were asked again within {} min, so their answers were thrown away and the impact is their cost, {}",
        plural(tally.calls, "call", "calls"),
        REASK_WINDOW_MS / 60_000,
        usd(tally.impact),
    );
    Some(tally.finding(WasteKind::TruncatedReask, sentence))
}

/// Whether the call's answer was cut off by the output limit.
fn truncated(row: &CallRow) -> bool {
    row.classification.reasons.contains(Reason::TruncatedOutput)
}
