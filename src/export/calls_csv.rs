//! Per-call rows as CSV (`--calls-csv`): ids, tokens, cost and classification — never prompt
//! text.
//!
//! [`CALL_COLUMNS`] is the one definition of the per-call columns (names, order, type and how
//! each value is read off a row); the CSV writer here and the Parquet writer
//! (`--calls-parquet`) both walk it, so the two files always have the same columns.

use std::borrow::Cow;
use std::io::{self, Write};

use crate::aggregate::day_key;
use crate::classify::ClassifyRules;
use crate::money::Money;
use crate::pipeline::{CallRow, RunOutput};
use crate::pricing::PriceCatalog;

/// What a per-call value is read from besides the row itself: the run's name tables, the
/// price catalog (the entry id that priced a call) and the user rules (the rule's name).
#[derive(Clone, Copy)]
pub struct CallContext<'a> {
    /// The run whose rows are written: source names and model names by index.
    pub run: &'a RunOutput,
    /// The catalog that priced the run: `priced_as` is the entry's id.
    pub catalog: &'a PriceCatalog,
    /// The user rules of the run: `rule` is the deciding rule's name.
    pub rules: &'a ClassifyRules,
}

/// Reads a text value off a row (the row, and its index in the run for what is held beside
/// it); `None` is a missing value (an empty CSV cell).
pub type ReadText = for<'a> fn(&CallContext<'a>, usize, &CallRow) -> Option<Cow<'a, str>>;

/// A per-call column's type together with the function that reads its value off a row, so a
/// writer cannot pair a column with a value of another type.
#[derive(Clone, Copy)]
pub enum CallValue {
    /// Text; `None` is written as an empty CSV cell.
    Text(ReadText),
    /// A count (line number, tokens), never missing.
    Count(fn(&CallRow) -> u64),
    /// A Unix time in milliseconds that `chrono` can represent, else `None`; CSV writes it as
    /// RFC 3339 UTC with milliseconds (`2025-08-01T12:00:00.000Z`).
    Timestamp(fn(&CallRow) -> Option<i64>),
    /// An exact amount of US dollars; `None` for an unpriced call. CSV writes the exact decimal.
    Money(fn(&CallRow) -> Option<Money>),
    /// A measured quantity; CSV writes Rust's shortest form that reads back to the same `f32`.
    Float(fn(&CallRow) -> Option<f32>),
    /// A score in [0, 1]; CSV rounds it to `decimals` digits, other formats keep it whole.
    Score {
        /// Digits after the point in CSV.
        decimals: usize,
        /// Reads the score off a row.
        read: fn(&CallRow) -> f32,
    },
}

/// One per-call column: its header name and its typed value.
#[derive(Clone, Copy)]
pub struct CallColumn {
    /// The CSV header and Parquet column name.
    pub name: &'static str,
    /// The column's type and how its value is read off a row.
    pub value: CallValue,
}

/// The per-call columns, in file order.
pub const CALL_COLUMNS: [CallColumn; 25] = [
    CallColumn {
        name: "source",
        value: CallValue::Text(|ctx, _, row| {
            Some(Cow::Borrowed(
                ctx.run.sources[row.source as usize].name.as_str(),
            ))
        }),
    },
    CallColumn {
        name: "line",
        value: CallValue::Count(|row| row.line),
    },
    CallColumn {
        name: "call_id",
        value: CallValue::Text(|ctx, index, _| Some(Cow::Borrowed(ctx.run.rows.call_id(index)))),
    },
    CallColumn {
        name: "timestamp",
        value: CallValue::Timestamp(|row| {
            row.timestamp_ms
                .filter(|&ms| chrono::DateTime::from_timestamp_millis(ms).is_some())
        }),
    },
    CallColumn {
        name: "day",
        value: CallValue::Text(|_, _, row| Some(Cow::Owned(day_key(row.timestamp_ms)))),
    },
    CallColumn {
        name: "provider",
        value: CallValue::Text(|_, _, row| Some(Cow::Borrowed(row.provider.as_str()))),
    },
    CallColumn {
        name: "model",
        value: CallValue::Text(|ctx, _, row| {
            Some(Cow::Borrowed(ctx.run.models[row.model as usize].as_str()))
        }),
    },
    CallColumn {
        name: "priced_as",
        value: CallValue::Text(|ctx, _, row| {
            row.price
                .map(|index| Cow::Borrowed(ctx.catalog.entry(index).id.as_str()))
        }),
    },
    CallColumn {
        name: "input_tokens",
        value: CallValue::Count(|row| row.tokens.input),
    },
    CallColumn {
        name: "cache_read_tokens",
        value: CallValue::Count(|row| row.tokens.cache_read),
    },
    CallColumn {
        name: "cache_write_5m_tokens",
        value: CallValue::Count(|row| row.tokens.cache_write_5m),
    },
    CallColumn {
        name: "cache_write_1h_tokens",
        value: CallValue::Count(|row| row.tokens.cache_write_1h),
    },
    CallColumn {
        name: "output_tokens",
        value: CallValue::Count(|row| row.tokens.output),
    },
    CallColumn {
        name: "reasoning_tokens",
        value: CallValue::Count(|row| row.tokens.reasoning),
    },
    CallColumn {
        name: "cost_usd",
        value: CallValue::Money(|row| row.cost),
    },
    CallColumn {
        name: "latency_ms",
        value: CallValue::Float(|row| row.latency_ms),
    },
    CallColumn {
        name: "complexity",
        value: CallValue::Score {
            decimals: 4,
            read: |row| row.classification.complexity,
        },
    },
    CallColumn {
        name: "tier",
        value: CallValue::Text(|_, _, row| Some(Cow::Borrowed(row.classification.tier.as_str()))),
    },
    CallColumn {
        name: "task",
        value: CallValue::Text(|_, _, row| Some(Cow::Borrowed(row.classification.task.as_str()))),
    },
    CallColumn {
        name: "confidence",
        value: CallValue::Score {
            decimals: 2,
            read: |row| row.classification.confidence,
        },
    },
    CallColumn {
        name: "verifiable",
        value: CallValue::Text(|_, _, row| {
            row.classification
                .verifiable
                .map(|v| Cow::Borrowed(v.as_str()))
        }),
    },
    CallColumn {
        name: "rule",
        value: CallValue::Text(|ctx, _, row| {
            row.classification
                .rule
                .and_then(|index| ctx.rules.name(index))
                .map(Cow::Borrowed)
        }),
    },
    CallColumn {
        name: "reasons",
        value: CallValue::Text(|_, _, row| {
            let names = row.classification.reasons.names();
            (!names.is_empty()).then(|| Cow::Owned(names.join(";")))
        }),
    },
    CallColumn {
        name: "session",
        value: CallValue::Text(|ctx, _, row| {
            (row.session != 0)
                .then(|| ctx.run.sessions.get(row.session as usize))
                .flatten()
                .map(|session| Cow::Borrowed(session.as_str()))
        }),
    },
    CallColumn {
        name: "agent",
        value: CallValue::Text(|ctx, _, row| ctx.run.agent(row).map(Cow::Borrowed)),
    },
];

/// The tag keys the run's calls carry (those the run kept: `project`, `user`, `feature` and
/// the keys grouped or filtered by), in name order: after [`CALL_COLUMNS`], each is a text
/// column `tag:KEY`.
pub fn tag_keys(run: &RunOutput) -> Vec<&str> {
    let keys: std::collections::BTreeSet<&str> = run
        .tag_sets
        .iter()
        .flat_map(|set| set.iter().map(|(key, _)| key.as_str()))
        .collect();
    keys.into_iter().collect()
}

impl CallColumn {
    /// The column's value for `row` as a CSV cell (empty for a missing value).
    pub fn csv_cell<'a>(&self, ctx: &CallContext<'a>, index: usize, row: &CallRow) -> Cow<'a, str> {
        match self.value {
            CallValue::Text(read) => read(ctx, index, row).unwrap_or(Cow::Borrowed("")),
            CallValue::Count(read) => Cow::Owned(read(row).to_string()),
            CallValue::Timestamp(read) => read(row)
                .and_then(chrono::DateTime::from_timestamp_millis)
                .map_or(Cow::Borrowed(""), |t| {
                    Cow::Owned(t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
                }),
            CallValue::Money(read) => {
                read(row).map_or(Cow::Borrowed(""), |c| Cow::Owned(c.to_decimal_string()))
            }
            CallValue::Float(read) => {
                read(row).map_or(Cow::Borrowed(""), |v| Cow::Owned(v.to_string()))
            }
            CallValue::Score { decimals, read } => {
                Cow::Owned(format!("{:.*}", decimals, read(row)))
            }
        }
    }
}

/// Writes one CSV row per call of a run.
pub struct CallsCsvWriter;

impl CallsCsvWriter {
    /// `rules` names the user rule that decided a call, if one did.
    pub fn write(
        run: &RunOutput,
        catalog: &PriceCatalog,
        rules: &ClassifyRules,
        out: impl Write,
    ) -> io::Result<()> {
        let ctx = CallContext {
            run,
            catalog,
            rules,
        };
        let mut writer = crate::escape::CsvWriter::new(out);
        let tags = tag_keys(run);
        let tag_names = tags.iter().map(|key| format!("tag:{key}"));
        writer.write_record(
            CALL_COLUMNS
                .iter()
                .map(|column| column.name.to_string())
                .chain(tag_names),
        )?;
        for (index, row) in run.rows.iter().enumerate() {
            for column in &CALL_COLUMNS {
                writer.write_field(&column.csv_cell(&ctx, index, &row))?;
            }
            for key in &tags {
                writer.write_field(run.tag(&row, key).unwrap_or(""))?;
            }
            writer.end_record()?;
        }
        writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_keeps_the_published_column_order() {
        // The `--calls-csv` header as released; Parquet uses the same names in the same order.
        let header: Vec<&str> = CALL_COLUMNS.iter().map(|column| column.name).collect();
        assert_eq!(
            header.join(","),
            "source,line,call_id,timestamp,day,provider,model,priced_as,input_tokens,\
             cache_read_tokens,cache_write_5m_tokens,cache_write_1h_tokens,output_tokens,\
             reasoning_tokens,cost_usd,latency_ms,complexity,tier,task,confidence,verifiable,\
             rule,reasons,session,agent"
        );
    }
}
