//! Record accounting: every record read (a line of JSON Lines, a row of CSV, a span of an OTLP
//! batch, a line of a billing export) is a call, a usage bucket, a skip with its reason, or an
//! error with its file and line. Counts merge exactly, in any order.

use std::collections::BTreeMap;

use crate::ingest::{SkipReason, redact_values};
use crate::record::FailureCause;

/// How many errors are listed one by one; the rest are only counted.
pub const ERROR_SAMPLES: usize = 20;

/// A line that could not be read as a call.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct LineError {
    pub source: u32,
    pub line: u64,
    pub message: String,
}

/// Counts for one source or for a whole run.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Accounting {
    /// Records read: non-empty lines, CSV rows, spans of a batch, lines of a bill.
    pub records: u64,
    /// Records that became calls (after duplicates merged).
    pub calls: u64,
    /// Billing-export lines read as usage buckets.
    pub buckets: u64,
    pub skipped: BTreeMap<SkipReason, u64>,
    /// The failed calls among the records skipped as provider errors (no usage), by cause:
    /// no calls, but failures the report counts.
    pub failures_without_usage: BTreeMap<FailureCause, u64>,
    pub errors: u64,
    /// The first errors in input order.
    pub error_samples: Vec<LineError>,
    /// Sources that could not be read to their end (missing, unreadable, a decompression or
    /// network error), each with its reason; also counted in `errors`. Every one is kept.
    pub read_failures: Vec<LineError>,
}

impl Accounting {
    pub fn skip(&mut self, reason: SkipReason) {
        *self.skipped.entry(reason).or_default() += 1;
    }

    /// Counts a failed call without usage: a provider error skipped, and a failure of `cause`.
    pub fn fail(&mut self, cause: FailureCause) {
        self.skip(SkipReason::ProviderError);
        *self.failures_without_usage.entry(cause).or_default() += 1;
    }

    /// Counts an error. Its message is kept without the values it quotes ([`redact_values`]):
    /// whoever wrote it, no prompt text reaches a report.
    pub fn error(&mut self, source: u32, line: u64, message: String) {
        self.errors += 1;
        if self.error_samples.len() < ERROR_SAMPLES {
            self.error_samples.push(LineError {
                source,
                line,
                message: redact_values(&message),
            });
        }
    }

    /// Counts a source that could not be read (on from `line`): an error, and a read failure.
    pub fn read_failure(&mut self, source: u32, line: u64, message: String) {
        let message = redact_values(&message);
        self.error(source, line, message.clone());
        self.read_failures.push(LineError {
            source,
            line,
            message,
        });
    }

    /// Adds another count. Merging in input order keeps the first errors first.
    pub fn merge(&mut self, other: Accounting) {
        self.records += other.records;
        self.calls += other.calls;
        self.buckets += other.buckets;
        for (reason, count) in other.skipped {
            *self.skipped.entry(reason).or_default() += count;
        }
        for (cause, count) in other.failures_without_usage {
            *self.failures_without_usage.entry(cause).or_default() += count;
        }
        self.errors += other.errors;
        let room = ERROR_SAMPLES.saturating_sub(self.error_samples.len());
        self.error_samples
            .extend(other.error_samples.into_iter().take(room));
        self.read_failures.extend(other.read_failures);
    }

    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    /// Whether every record read is accounted for exactly once.
    pub fn balances(&self) -> bool {
        self.calls + self.buckets + self.skipped_total() + self.errors == self.records
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_adds_counts_and_keeps_the_first_errors() {
        let mut first = Accounting::default();
        for line in 0..ERROR_SAMPLES as u64 - 1 {
            first.records += 1;
            first.error(0, line, "bad".into());
        }
        let mut second = Accounting {
            records: 5,
            calls: 1,
            ..Default::default()
        };
        second.skip(SkipReason::UserMessage);
        second.fail(FailureCause::RateLimit);
        first.fail(FailureCause::RateLimit);
        first.records += 1;
        second.error(1, 7, "late".into());
        second.error(1, 8, "later".into());
        first.merge(second);
        // 19 errors and a rate limit in the first; a call, a user message, a rate limit and
        // two errors in the second: 25 records, 2 skipped as provider errors, both rate limits.
        assert_eq!(first.records, ERROR_SAMPLES as u64 + 5);
        assert_eq!(first.skipped[&SkipReason::ProviderError], 2);
        assert_eq!(
            first.failures_without_usage,
            BTreeMap::from([(FailureCause::RateLimit, 2)])
        );
        assert_eq!(first.errors, ERROR_SAMPLES as u64 + 1);
        assert_eq!(first.error_samples.len(), ERROR_SAMPLES);
        assert_eq!(first.error_samples.last().unwrap().line, 7);
        assert!(first.balances());
    }
}
