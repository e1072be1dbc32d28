//! Tests of the waste findings: the real pipeline on `fixtures/waste/waste.jsonl` (each call is
//! described in `fixtures/waste/README.md`), and hand-built rows where a rule is clearer alone.
//!
//! Prices are the embedded catalog's (data/prices/*.toml, from the providers' pricing pages,
//! checked 2026-11-21), per million tokens: gpt-4o $2.50 input / $1.25 cached / $10 output;
//! gpt-4o-mini $0.15 / $0.075 / $0.60; o4-mini $1.10 / $0.275 / $4.40; claude-sonnet-4-5 $3
//! input / $0.30 cache read / $3.75 5-minute cache write / $15 output. One token at $1/M is
//! 1,000,000 pico-dollars.

use super::sessions::{far_out_fence, quartile};
use super::*;
use crate::classify::{ClassifyRules, Reason, Tier};
use crate::pipeline::{build_row, call_id, group_retries, run_fixture};
use crate::record::{CallRecord, CallStatus, CallText, TokenBuckets};

fn run_dir(dir: &str) -> (RunOutput, PriceCatalog) {
    let catalog = PriceCatalog::embedded().unwrap();
    let output = run_fixture(dir, &catalog, &ClassifyRules::default());
    (output, catalog)
}

fn waste() -> Vec<Finding> {
    let (run, catalog) = run_dir("fixtures/waste");
    assert_eq!(run.rows.len(), 66, "every fixture line is one call");
    find(&run, &catalog)
}

fn of_kind(findings: &[Finding], kind: WasteKind) -> Vec<&Finding> {
    findings.iter().filter(|f| f.kind == kind).collect()
}

/// Exact dollars.
fn usd(text: &str) -> Money {
    Money::parse_usd(text).unwrap()
}

fn ids(finding: &Finding) -> Vec<&str> {
    finding.call_ids.iter().map(String::as_str).collect()
}

#[test]
fn fixture_kinds_come_in_declared_order() {
    let kinds: Vec<WasteKind> = waste().iter().map(|f| f.kind).collect();
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(kinds, sorted);
    for kind in WasteKind::ALL {
        assert!(kinds.contains(&kind), "{kind:?} missing");
    }
}

#[test]
fn fixture_retry_storm() {
    let findings = waste();
    let found = of_kind(&findings, WasteKind::RetryStorm);
    assert_eq!(found.len(), 1);
    let f = found[0];
    // Failed attempts that were retried: w-retry-1 and -2 (gpt-4o, 1,200 in + 300 out each:
    // 1,200 × $2.50/M + 300 × $10/M = $0.003 + $0.003 = $0.006) and w-retry-4 (gpt-4o-mini,
    // 2,000 in: 2,000 × $0.15/M = $0.0003). 2 × $0.006 + $0.0003 = $0.0123. The successes
    // (w-retry-3, -5) and w-fail-alone (failed, never retried) are not in it.
    assert_eq!(f.impact, usd("0.0123"));
    assert_eq!(f.calls, 3);
    // 2 × 1,500 + 2,000 tokens.
    assert_eq!(f.tokens, 5_000);
    assert_eq!(ids(f), ["w-retry-1", "w-retry-2", "w-retry-4"]);
    assert!(f.detail.contains("in 2 requests"), "{}", f.detail);
}

#[test]
fn fixture_duplicate_requests() {
    let findings = waste();
    let found = of_kind(&findings, WasteKind::DuplicateRequest);
    assert_eq!(found.len(), 1);
    let f = found[0];
    // The translation request (gpt-4o-mini, 2,000 in + 500 out: 2,000 × $0.15/M + 500 ×
    // $0.60/M = $0.0006) stored at 09:10; repeats at 09:40 and 10:05 (within the hour of the
    // stored answer), 10:15 is 65 min after it and stores anew, 10:20 repeats that: 3 × $0.0006
    // = $0.0018. w-dup-7 repeats an unpriced model's request: counted, not priced. The
    // re-asks after truncated answers (w-cut-2, -4, -7) are not duplicates.
    assert_eq!(f.impact, usd("0.0018"));
    assert_eq!(f.calls, 4);
    // 3 × 2,500 + 120 tokens.
    assert_eq!(f.tokens, 7_620);
    assert_eq!(ids(f), ["w-dup-2", "w-dup-3", "w-dup-5", "w-dup-7"]);
    assert!(
        f.detail
            .contains("(1 unpriced call left out of the impact)"),
        "{}",
        f.detail
    );
}

#[test]
fn fixture_reasoning_on_simple() {
    let findings = waste();
    let found = of_kind(&findings, WasteKind::ReasoningOnSimple);
    assert_eq!(found.len(), 1);
    let f = found[0];
    // Two simple o4-mini calls with 192 and 128 reasoning tokens: 320 × $4.40/M = $0.001408.
    // w-think-3 (complex) reasoned too and is not in it.
    assert_eq!(f.impact, usd("0.001408"));
    assert_eq!(f.calls, 2);
    assert_eq!(f.tokens, 320);
    assert_eq!(ids(f), ["w-think-1", "w-think-2"]);
}

#[test]
fn fixture_uncached_prefixes() {
    let findings = waste();
    let found = of_kind(&findings, WasteKind::UncachedPrefix);
    assert_eq!(found.len(), 2, "the legal-intake prefix only loses money");
    let (first, second) = (found[0], found[1]);
    // Billing-support prefix: 8,000 characters (2,000 estimated tokens) before user turns of
    // 32, 33, 30, 39 and 41 characters, so whole requests of 2,008, 2,009, 2,008, 2,010 and
    // 2,011 estimated tokens, each billed 2,300: the prefix is 2,300 × 2,000 / whole, rounded
    // down, = 2,290, 2,289, 2,290, 2,288 and 2,287 tokens. On claude-sonnet-4-5 at 10:00
    // (write), 10:02, 10:04 (reads), 10:20 (lapsed at 10:09: write), 10:22 (read). A read
    // saves ($3 − $0.30)/M a token, a write costs ($3.75 − $3)/M more:
    // (2,289 + 2,290 + 2,287) × 2.7 − (2,290 + 2,288) × 0.75 = 18,538.2 − 3,433.5 = $0.0151047
    // per million.
    assert_eq!(first.impact, usd("0.0151047"));
    assert_eq!(first.calls, 5);
    assert_eq!(first.tokens, 2_290 + 2_289 + 2_290 + 2_288 + 2_287);
    assert_eq!(
        ids(first),
        ["w-pfx-1", "w-pfx-2", "w-pfx-3", "w-pfx-4", "w-pfx-5"]
    );
    // 11,444 prefix tokens of the fixture's 354,535 prompt tokens.
    let share = first.share_of_input_pct.unwrap();
    assert!(
        (share - 11_444.0 / 354_535.0 * 100.0).abs() < 1e-9,
        "{share}"
    );
    assert!(first.subject.as_deref().is_some_and(|s| s.len() == 16));
    assert!(
        first.detail.contains("claude-sonnet-4-5"),
        "{}",
        first.detail
    );
    // Shipping prefix: 4,400 characters (1,100 estimated tokens) before a 21-character user
    // turn (1,106 in all), billed 1,500: 1,500 × 1,100 / 1,106 = 1,491 tokens, on gpt-4o,
    // whose cache writes cost the input price: 10:30 write ($0), 10:33 and 10:36 reads;
    // w-pfx-9 at 10:40 read the cache itself (left out, but it keeps the entry alive), so
    // 10:44 reads too. A read saves 1,491 × ($2.50 − $1.25)/M = $0.00186375:
    // 3 × $0.00186375 = $0.00559125.
    assert_eq!(second.impact, usd("0.00559125"));
    assert_eq!(second.calls, 4);
    assert_eq!(second.tokens, 4 * 1_491);
    assert_eq!(ids(second), ["w-pfx-6", "w-pfx-7", "w-pfx-8", "w-pfx-10"]);
    assert_ne!(first.subject, second.subject);
}

#[test]
fn fixture_runaway_session() {
    let findings = waste();
    let found = of_kind(&findings, WasteKind::RunawaySession);
    assert_eq!(found.len(), 1);
    let f = found[0];
    // Sessions 01–08 (gpt-4o-mini): a first call of 6,000 in + 1,000 out ($0.0009 + $0.0006
    // = $0.0015) and a second of 1,000 in ($0.00015) + k out at $0.60/M, k = 250, 500, 600,
    // 750, 1,000, 1,100, 1,250, 1,750: $0.0018, $0.00195, $0.00201, $0.0021, $0.00225,
    // $0.00231, $0.0024, $0.0027. Session 09: 12 calls of 20,000 in + 2,000 out ($0.003 +
    // $0.0012 = $0.0042 each) = $0.0504. Nine costs sorted: type-7 Q1 at h = 8 × 1/4 = 2 is
    // $0.00201, Q3 at h = 6 is $0.0024; the fence is $0.0024 + 3 × $0.00039 = $0.00357, and
    // session 09 is $0.0504 − $0.00357 = $0.04683 over it.
    assert_eq!(f.budget, Some(usd("0.00357")));
    assert_eq!(f.impact, usd("0.04683"));
    assert_eq!(f.subject.as_deref(), Some("sess-09"));
    assert_eq!(f.calls, 12);
    assert_eq!(f.tokens, 12 * 22_000);
    assert_eq!(
        ids(f),
        [
            "w-sess-09-01",
            "w-sess-09-02",
            "w-sess-09-03",
            "w-sess-09-04",
            "w-sess-09-05"
        ]
    );
}

#[test]
fn fixture_truncated_reasks() {
    let findings = waste();
    let found = of_kind(&findings, WasteKind::TruncatedReask);
    assert_eq!(found.len(), 1);
    let f = found[0];
    // w-cut-1 (gpt-4o, 800 in + 4,096 out: $0.002 + $0.04096 = $0.04296) asked again 2 min
    // later; w-cut-5 and w-cut-6 (gpt-4o-mini, 500 in + 2,048 out: $0.000075 + $0.0012288 =
    // $0.0013038 each) each asked again within 2 min. w-cut-3 was asked again only after
    // 15 min. $0.04296 + 2 × $0.0013038 = $0.0455676.
    assert_eq!(f.impact, usd("0.0455676"));
    assert_eq!(f.calls, 3);
    // 4,896 + 2 × 2,548 tokens.
    assert_eq!(f.tokens, 9_992);
    assert_eq!(ids(f), ["w-cut-1", "w-cut-5", "w-cut-6"]);
}

/// Every message text of the fixture, for the check that none reaches a report.
fn fixture_prompt_texts() -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/waste/waste.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let mut texts = Vec::new();
    for line in text.lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        for message in value["request"]["messages"].as_array().unwrap() {
            let content = message["content"].as_str().unwrap();
            // The first 24 characters: enough to be unmistakable, short enough to catch a
            // quote of the start of a long system prompt.
            texts.push(content.chars().take(24).collect());
        }
    }
    texts
}

#[test]
fn no_finding_quotes_prompt_text() {
    let texts = fixture_prompt_texts();
    assert!(texts.len() > 66);
    for finding in waste() {
        let shown = format!(
            "{} {} {:?}",
            finding.detail,
            finding.subject.unwrap_or_default(),
            finding.call_ids
        );
        for text in &texts {
            assert!(!shown.contains(text.as_str()), "{shown} quotes {text}");
        }
    }
}

#[test]
fn logs_without_a_pattern_give_no_finding_of_its_kind() {
    // fixtures/logs has no retried failure and no truncated answer asked again. (Its short
    // requests to reasoning models are reasoning on simple calls, since the tier is the
    // request's, not what the model spent.)
    let (run, catalog) = run_dir("fixtures/logs");
    let findings = find(&run, &catalog);
    for kind in [WasteKind::RetryStorm, WasteKind::TruncatedReask] {
        assert!(
            findings.iter().all(|f| f.kind != kind),
            "{kind:?}: {findings:#?}"
        );
    }
    assert!(find(&RunOutput::default(), &catalog).is_empty());
}

#[test]
fn response_cache_window_is_the_built_in_policy_s() {
    let catalog = PriceCatalog::embedded().unwrap();
    let policy = crate::policy::builtin("response-cache", &catalog)
        .unwrap()
        .unwrap();
    assert_eq!(
        policy.rules[0].actions.response_cache,
        Some(RESPONSE_CACHE_WINDOW_MS)
    );
}

/// A call at `at_ms` (ms) asking `user` on `model`.
fn call(model: &str, at_ms: i64, status: CallStatus, user: &str) -> CallRecord {
    let mut record = CallRecord {
        model: model.into(),
        timestamp_ms: Some(at_ms),
        status,
        response_id: Some(format!("{model}-{at_ms}")),
        tokens: TokenBuckets {
            input: 1_000,
            output: 100,
            ..TokenBuckets::default()
        },
        ..CallRecord::default()
    };
    crate::ingest::test_support::ask(&mut record, user);
    record
}

fn rows(records: &[CallRecord]) -> Rows {
    let catalog = PriceCatalog::embedded().unwrap();
    let mut rows: Rows = records
        .iter()
        .map(|r| (build_row(r, 0, 1, 0, &catalog), call_id(r)))
        .collect();
    group_retries(&mut rows);
    rows
}

#[test]
fn a_failure_after_the_last_success_of_a_logged_group_is_no_storm() {
    // Both attempts share a logged trace id; the failure comes last, so nothing was retried.
    let mut ok = call("gpt-4o-mini", 0, CallStatus::Ok, "a");
    ok.tags.push(("litellm_trace_id".into(), "t".into()));
    let mut failed = call("gpt-4o-mini", 1_000, CallStatus::Error, "a");
    failed.tags.push(("litellm_trace_id".into(), "t".into()));
    assert!(retry_storms(&rows(&[ok.clone(), failed.clone()])).is_none());
    // The other way round it is one: 1,000 × $0.15/M + 100 × $0.60/M = $0.00021.
    failed.timestamp_ms = Some(0);
    ok.timestamp_ms = Some(1_000);
    let storm = retry_storms(&rows(&[failed, ok])).unwrap();
    assert_eq!((storm.calls, storm.impact), (1, usd("0.00021")));
}

#[test]
fn a_duplicate_needs_a_timestamp_and_a_stored_answer_within_the_window() {
    let first = call("gpt-4o-mini", 0, CallStatus::Ok, "same");
    let at_edge = call(
        "gpt-4o-mini",
        RESPONSE_CACHE_WINDOW_MS,
        CallStatus::Ok,
        "same",
    );
    let after = call(
        "gpt-4o-mini",
        RESPONSE_CACHE_WINDOW_MS + 1,
        CallStatus::Ok,
        "same",
    );
    let mut undated = call("gpt-4o-mini", 5, CallStatus::Ok, "same");
    undated.timestamp_ms = None;
    undated.response_id = Some("undated".into());
    // The window is inclusive and runs from the stored answer: the repeat at its edge is
    // served, the next one (1 ms later) is not and stores anew; the undated call is not
    // compared. One repeat: 1,000 × $0.15/M + 100 × $0.60/M = $0.00021.
    let found = duplicate_requests(&rows(&[first, at_edge, after, undated])).unwrap();
    assert_eq!((found.calls, found.impact), (1, usd("0.00021")));
    assert_eq!(ids(&found), ["gpt-4o-mini-3600000"]);
}

#[test]
fn a_truncated_answer_asked_again_late_is_no_reask() {
    let mut cut = call("gpt-4o-mini", 0, CallStatus::Incomplete, "long");
    cut.features.finish_reason = Some("max_tokens".into());
    let late = call("gpt-4o-mini", REASK_WINDOW_MS + 1, CallStatus::Ok, "long");
    assert!(truncated_reasks(&rows(&[cut.clone(), late])).is_none());
    let soon = call("gpt-4o-mini", REASK_WINDOW_MS, CallStatus::Ok, "long");
    let found = truncated_reasks(&rows(&[cut, soon])).unwrap();
    // 1,000 × $0.15/M + 100 × $0.60/M = $0.00021.
    assert_eq!((found.calls, found.impact), (1, usd("0.00021")));
}

/// The case: "Is 17 prime?" sent to o3, which thinks 300 tokens on one call and 2,000
/// on another. The tier is the request's (simple), so both calls are flagged, however much o3
/// thought.
#[test]
fn an_o3_yes_no_call_is_flagged() {
    let catalog = PriceCatalog::embedded().unwrap();
    // 2026-06-01 00:00 UTC: o3 at its price since 2025-06-10, $2 input / $8 output per million.
    let june_2026 = 1_780_272_000_000;
    let quiz = |reasoning: u64, at_ms: i64| {
        let mut r = call("o3", at_ms, CallStatus::Ok, "Is 17 prime?");
        r.text = Some(CallText {
            system: "You answer quiz questions for a trivia app. Reply with yes or no only, \
                     lowercase, nothing else. Do not explain the answer and do not add \
                     punctuation."
                .into(),
            user: "Is 17 prime?".into(),
            prompt_chars: 1_200,
        });
        r.features.message_count = 2;
        // The app's system prompt is 300 tokens in the log's usage; the answer "no" is one
        // visible token on top of the reasoning.
        r.tokens = TokenBuckets {
            input: 300,
            output: reasoning + 1,
            reasoning,
            ..TokenBuckets::default()
        };
        r
    };
    let rows = rows(&[quiz(300, june_2026), quiz(2_000, june_2026 + 60_000)]);
    for row in rows.iter() {
        assert_eq!(row.classification.tier, Tier::Simple);
    }
    let found = reasoning_on_simple(&rows, &catalog).unwrap();
    // o3 has no separate thinking price, so a call's reasoning costs its reasoning tokens at
    // the output price: 300 × $8/M = $0.0024 and 2,000 × $8/M = $0.016; $0.0184 together.
    assert_eq!(
        (found.calls, found.tokens, found.impact),
        (2, 2_300, usd("0.0184"))
    );
}

/// A short prompt and answer with reasoning, on a model the catalog lacks: a simple call.
fn short_unpriced_reasoning() -> CallRecord {
    let mut record = call("acme-internal-7b", 0, CallStatus::Ok, "Hi");
    record.tokens = TokenBuckets {
        input: 40,
        output: 60,
        reasoning: 50,
        ..TokenBuckets::default()
    };
    record
}

#[test]
fn unpriced_reasoning_is_counted_but_not_priced() {
    let catalog = PriceCatalog::embedded().unwrap();
    let found = reasoning_on_simple(&rows(&[short_unpriced_reasoning()]), &catalog).unwrap();
    assert_eq!(
        (found.calls, found.tokens, found.impact),
        (1, 50, Money::ZERO)
    );
    assert!(
        found
            .detail
            .ends_with("(1 unpriced call left out of the impact).")
    );
}

#[test]
fn a_sessions_totals_are_never_reasoning_on_a_simple_request() {
    let catalog = PriceCatalog::embedded().unwrap();
    // The same short call, but the record sums a whole session (an agent that logs only
    // totals): its tier is no request's, so its reasoning is not flagged.
    let mut record = short_unpriced_reasoning();
    record.features.summed = true;
    assert!(reasoning_on_simple(&rows(&[record]), &catalog).is_none());
}

fn cents(values: &[i128]) -> Vec<Money> {
    values
        .iter()
        .map(|c| Money::from_pico(c * 10_000_000_000))
        .collect()
}

#[test]
fn tukey_fence_interpolates_quartiles_type_7() {
    // Eight costs 1..8 cents: Q1 at h = 7/4 = 1.75, between x[1] = 2 and x[2] = 3: 2.75 cents;
    // Q3 at h = 21/4 = 5.25, between x[5] = 6 and x[6] = 7: 6.25 cents (R's quantile(type = 7)
    // gives 2.75 and 6.25). Fence = 6.25 + 3 × 3.5 = 16.75 cents.
    let sorted = cents(&[1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(quartile(&sorted, 1), usd("0.0275"));
    assert_eq!(quartile(&sorted, 3), usd("0.0625"));
    assert_eq!(far_out_fence(&sorted), usd("0.1675"));
    // One value: every quartile is it; none: zero.
    assert_eq!(quartile(&cents(&[4]), 3), usd("0.04"));
    assert_eq!(quartile(&[], 1), Money::ZERO);
}

/// A row of `cost_cents` in session `session`, with its id.
fn session_row(session: u32, cost_cents: i128, id: &str) -> (CallRow, &str) {
    let catalog = PriceCatalog::embedded().unwrap();
    let mut row = build_row(
        &call("gpt-4o-mini", 0, CallStatus::Ok, id),
        0,
        1,
        0,
        &catalog,
    );
    row.cost = Some(Money::from_pico(cost_cents * 10_000_000_000));
    row.session = session;
    (row, id)
}

#[test]
fn runaway_sessions_need_eight_peers_and_rank_by_excess() {
    let names: Vec<String> = (0..=10).map(|i| format!("s{i}")).collect();
    // Seven sessions of 1..7 cents plus one of 100: only 8 with the big one.
    let mut all: Vec<(CallRow, &str)> = (1..=7).map(|s| session_row(s, s as i128, "x")).collect();
    assert!(
        runaway_sessions(&all.iter().copied().collect(), &names).is_empty(),
        "7 sessions"
    );
    // Each of two calls (one call is never runaway).
    all.extend([session_row(8, 50, "big"), session_row(8, 50, "big")]);
    all.extend([session_row(9, 30, "mid"), session_row(9, 30, "mid")]);
    // Calls without a session never count.
    all.push(session_row(0, 1_000, "none"));
    // Nine sessions 1..7, 60, 100 cents: Q1 = x[2] = 3, Q3 = x[6] = 7, fence 7 + 3 × 4 = 19
    // cents. Over it: s8 by 81 cents, s9 by 41, largest first.
    let found = runaway_sessions(&all.into_iter().collect(), &names);
    let seen: Vec<(Option<&str>, Money)> = found
        .iter()
        .map(|f| (f.subject.as_deref(), f.impact))
        .collect();
    assert_eq!(seen, [(Some("s8"), usd("0.81")), (Some("s9"), usd("0.41"))]);
    assert!(found.iter().all(|f| f.budget == Some(usd("0.19"))));
}

/// The same nine session costs, but the 100-cent session is one call: a request, not a
/// session that ran away. It still counts among the peers (the fence stays 19 cents), and only
/// the two-call session of 60 cents is found, 41 cents over.
#[test]
fn a_one_call_session_is_never_runaway() {
    let names: Vec<String> = (0..=10).map(|i| format!("s{i}")).collect();
    let mut all: Vec<(CallRow, &str)> = (1..=7).map(|s| session_row(s, s as i128, "x")).collect();
    all.push(session_row(8, 100, "one"));
    all.extend([session_row(9, 30, "mid"), session_row(9, 30, "mid")]);
    let found = runaway_sessions(&all.into_iter().collect(), &names);
    let seen: Vec<(Option<&str>, Money)> = found
        .iter()
        .map(|f| (f.subject.as_deref(), f.impact))
        .collect();
    assert_eq!(seen, [(Some("s9"), usd("0.41"))]);
    assert_eq!(found[0].budget, Some(usd("0.19")));
    assert_eq!(found[0].calls, 2);
}

#[test]
fn dropping_requests_out_of_the_window_changes_no_finding() {
    let (mut output, _) = run_dir("fixtures");
    // 20,000 calls a second apart, the fixture's cycled: a request comes back every 400-odd
    // calls (within the 10-minute re-ask and 60-minute duplicate windows) and changes every
    // 800, so old fingerprints lapse while new ones come; half the calls cut off by the output
    // limit. Maps swept from 8 entries on see many sweeps.
    let mut entries: Vec<(CallRow, String)> = output.rows.entries();
    entries = entries.into_iter().cycle().take(20_000).collect();
    for (i, (row, _)) in entries.iter_mut().enumerate() {
        row.timestamp_ms = Some(1_750_000_000_000 + i as i64 * 1_000);
        row.request_hash = row.request_hash.map(|hash| hash ^ (i / 800) as u64);
        row.attempt_group = None;
        if i % 2 == 0 {
            row.classification.reasons.insert(Reason::TruncatedOutput);
        }
    }
    output.rows = entries.into_iter().collect();
    use crate::pipeline::TimeWindow;
    let (often, never) = (8, usize::MAX / 2);
    let duplicates =
        |from| requests::duplicate_requests_in(&output.rows, TimeWindow::sweeping_from(from));
    assert!(duplicates(often).is_some());
    assert_eq!(duplicates(often), duplicates(never));
    let reasks =
        |from| requests::truncated_reasks_in(&output.rows, TimeWindow::sweeping_from(from));
    assert!(reasks(often).is_some());
    assert_eq!(reasks(often), reasks(never));
}
