use super::*;
use crate::pipeline::{build_row, call_id};
use crate::record::{CallRecord, UsageBucket};

/// Midnight UTC of 2026-11-19 and 2026-11-20, in milliseconds.
const DAY_19: i64 = 1_795_046_400_000;
const DAY_20: i64 = DAY_19 + 86_400_000;
const HOUR: i64 = 3_600_000;

fn catalog() -> PriceCatalog {
    PriceCatalog::embedded().unwrap()
}

fn call(model: &str, at_ms: i64, input: u64, output: u64) -> CallRecord {
    CallRecord {
        provider: Provider::Anthropic,
        model: model.to_string(),
        timestamp_ms: Some(at_ms),
        tokens: TokenBuckets {
            input,
            output,
            ..TokenBuckets::default()
        },
        ..CallRecord::default()
    }
}

/// Rows of `calls`, with model names interned the way the pipeline does.
fn rows(calls: &[CallRecord], catalog: &PriceCatalog) -> (Rows, Vec<String>) {
    let mut models: Vec<String> = Vec::new();
    let rows = calls
        .iter()
        .enumerate()
        .map(|(line, record)| {
            let model = match models.iter().position(|m| *m == record.model) {
                Some(at) => at,
                None => {
                    models.push(record.model.clone());
                    models.len() - 1
                }
            };
            let row = build_row(record, 0, line as u64 + 1, model as u32, catalog);
            (row, call_id(record))
        })
        .collect();
    (rows, models)
}

fn usage(model: Option<&str>, start_ms: i64, input: u64, output: u64) -> BucketRow {
    BucketRow {
        source: 0,
        line: 1,
        bucket: UsageBucket {
            provider: Provider::Anthropic,
            model: model.map(str::to_string),
            start_ms,
            end_ms: Some(start_ms + 86_400_000),
            tokens: TokenBuckets {
                input,
                output,
                ..TokenBuckets::default()
            },
            ..UsageBucket::default()
        },
    }
}

fn cost(model: &str, start_ms: i64, amount: &str) -> BucketRow {
    let mut row = usage(Some(model), start_ms, 0, 0);
    row.bucket.billed = Some(Money::parse_usd(amount).unwrap());
    row
}

#[test]
fn traces_that_are_a_known_subset_of_the_bill_give_their_exact_share() {
    let catalog = catalog();
    // The bill: one day of claude-sonnet-4-5, 1M input and 100k output tokens, no amounts.
    // Priced at $3/M in and $15/M out: $3 + $1.50 = $4.50.
    let bill = [usage(
        Some("claude-sonnet-4-5-20250929"),
        DAY_19,
        1_000_000,
        100_000,
    )];
    // The traces saw three quarters of it, in five calls of 150k in and 15k out (each under
    // the 200k long-context threshold): 750k × $3/M + 75k × $15/M = $2.25 + $1.125 = $3.375,
    // which is 75% of $4.50. Two spellings of the model name.
    let calls: Vec<CallRecord> = (0..5)
        .map(|i| {
            let model = if i % 2 == 0 {
                "claude-sonnet-4-5"
            } else {
                "claude-sonnet-4-5-20250929"
            };
            call(model, DAY_19 + i * HOUR, 150_000, 15_000)
        })
        .collect();
    let (rows, models) = rows(&calls, &catalog);
    let result = reconcile(&rows, &models, &bill, &catalog);

    let [anthropic] = result.providers.as_slice() else {
        panic!("one provider expected: {:?}", result.providers);
    };
    assert_eq!(anthropic.provider, Provider::Anthropic);
    assert_eq!(anthropic.basis, CostBasis::PricedTokens);
    assert_eq!(anthropic.bill_cost.to_decimal_string(), "4.5");
    assert_eq!(anthropic.traces.cost.to_decimal_string(), "3.375");
    assert_eq!(anthropic.traces.calls, 5);
    assert_eq!(anthropic.cost_coverage(), Some(0.75));
    assert_eq!(anthropic.token_coverage(), Some(0.75));
    assert_eq!(anthropic.unseen_cost().to_decimal_string(), "1.125");
    // Both spellings of the model meet under the catalog's id.
    assert_eq!(result.lines.len(), 1);
    assert_eq!(result.lines[0].key.model, "claude-sonnet-4-5");
    assert!(result.models_only_in_traces.is_empty());
    assert!(result.models_only_in_bill.is_empty());
    assert!(result.bill_days_without_traces.is_empty());
}

#[test]
fn stated_amounts_win_over_priced_tokens_and_are_never_added_to_them() {
    let catalog = catalog();
    // A usage export (tokens) and a cost export (amounts) of the same day: the bill is the
    // $4.00 the cost export states, not $4.00 plus our $4.50 price of the usage.
    let bill = [
        usage(Some("claude-sonnet-4-5"), DAY_19, 1_000_000, 100_000),
        cost("claude-sonnet-4-5", DAY_19, "3.00"),
        cost("claude-sonnet-4-5", DAY_19, "1.00"),
    ];
    // Two traced calls of $0.45: 2 × 150k × $3/M = $0.90, which is 22.5% of $4.00.
    let (rows, models) = rows(
        &[
            call("claude-sonnet-4-5", DAY_19 + HOUR, 150_000, 0),
            call("claude-sonnet-4-5", DAY_19 + HOUR, 150_000, 0),
        ],
        &catalog,
    );
    let result = reconcile(&rows, &models, &bill, &catalog);
    let anthropic = &result.providers[0];
    assert_eq!(anthropic.basis, CostBasis::Billed);
    assert_eq!(anthropic.bill_cost.to_decimal_string(), "4");
    assert_eq!(anthropic.cost_coverage(), Some(0.225));
    assert_eq!(anthropic.bill.lines, 3);
}

#[test]
fn lists_unmatched_models_and_days_and_keeps_traces_outside_the_bill_apart() {
    let catalog = catalog();
    let bill = [
        usage(Some("claude-sonnet-4-5"), DAY_19, 1_000_000, 0),
        usage(Some("claude-haiku-4-5"), DAY_19, 1_000_000, 0),
        usage(Some("claude-sonnet-4-5"), DAY_20, 1_000_000, 0),
    ];
    let calls = [
        call("claude-sonnet-4-5", DAY_19 + HOUR, 100_000, 0),
        // A model the bill never names, and a day after the bill.
        call("claude-opus-4-5", DAY_19 + HOUR, 1_000, 0),
        call("claude-sonnet-4-5", DAY_20 + 86_400_000, 1_000, 0),
    ];
    let (rows, models) = rows(&calls, &catalog);
    let result = reconcile(&rows, &models, &bill, &catalog);
    assert_eq!(
        result.models_only_in_bill,
        [(Provider::Anthropic, "claude-haiku-4-5".to_string())]
    );
    assert_eq!(
        result.models_only_in_traces,
        [(Provider::Anthropic, "claude-opus-4-5".to_string())]
    );
    assert_eq!(
        result.bill_days_without_traces,
        [(Provider::Anthropic, "2026-11-20".to_string())]
    );
    let anthropic = &result.providers[0];
    assert_eq!(anthropic.traces.calls, 2);
    assert_eq!(anthropic.traces_outside_bill.calls, 1);
}

#[test]
fn a_bill_without_models_is_compared_per_provider_only() {
    let catalog = catalog();
    let mut line = usage(None, DAY_19, 0, 0);
    line.bucket.billed = Some(Money::parse_usd("10").unwrap());
    let (rows, models) = rows(
        &[call("claude-sonnet-4-5", DAY_19 + HOUR, 100_000, 0)],
        &catalog,
    );
    let result = reconcile(&rows, &models, &[line], &catalog);
    // 100k × $3/M = $0.30 of traced calls against a $10 bill.
    assert_eq!(result.providers[0].cost_coverage(), Some(0.03));
    assert!(result.models_only_in_traces.is_empty());
    assert!(result.models_only_in_bill.is_empty());
}

#[test]
fn foreign_currency_amounts_are_not_summed_as_dollars() {
    let catalog = catalog();
    let mut line = cost("claude-sonnet-4-5", DAY_19, "5");
    line.bucket.currency = Some("EUR".into());
    let lines = bill_lines(&[line], &catalog);
    let side = lines.values().next().unwrap();
    assert_eq!((side.billed, side.foreign_currency_lines), (Money::ZERO, 1));
}
