//! Per-call rows as Parquet (`--calls-parquet`), through polars.
//!
//! The columns are those of `--calls-csv`, in the same order, from the same definition
//! ([`CALL_COLUMNS`]); only the types differ, because Parquet keeps them:
//!
//! | CSV value | Parquet type | why |
//! | --- | --- | --- |
//! | text (`source`, `call_id`, `day`, `model`, `tier`, `reasons`, …) | `String` | as the CSV writes it; `reasons` stays the `;`-joined names, so both files hold the same text |
//! | counts (`line`, the six token buckets) | `UInt64` | never negative, and as wide as the counts in memory |
//! | `timestamp` | `Datetime(ms, UTC)` | the milliseconds the run holds; the CSV writes the same instant in RFC 3339 UTC |
//! | `cost_usd` | `Decimal(38, 12)` | exact: the amount is held in pico-dollars (10⁻¹² USD, `i128`), which is the decimal's unscaled value, so no float rounding; 38 digits is the widest 128-bit decimal |
//! | `latency_ms` | `Float32` | the `f32` held in memory, unchanged |
//! | `complexity`, `confidence` | `Float32` | the whole score; the CSV rounds it to 4 and 2 decimals |
//!
//! A cell the CSV leaves empty (no timestamp, an unpriced call's cost and catalog id, no latency,
//! no verifiable check, no deciding rule, no reasons) is null.
//!
//! Rows are written in row groups of [`ROWS_PER_GROUP`] calls, each built from the run's rows
//! and dropped once written, so the writer holds one group's columns at a time beside the run.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use polars::prelude::{
    Column, DataFrame, DataType, Float32Chunked, Int64Chunked, Int128Chunked, IntoColumn,
    NewChunkedArray, ParquetWriter, PlSmallStr, PolarsResult, Schema, StringChunked, TimeUnit,
    TimeZone, UInt64Chunked,
};

use super::calls_csv::{CALL_COLUMNS, CallColumn, CallContext, CallValue, tag_keys};
use crate::classify::ClassifyRules;
use crate::pipeline::{CallRow, RunOutput};
use crate::pricing::PriceCatalog;

/// Calls per Parquet row group: large enough for good compression and few groups, small
/// enough that one group's columns stay in the tens of MB (a call's cells take a few hundred
/// bytes).
pub const ROWS_PER_GROUP: usize = 65_536;

/// Precision of the `cost_usd` decimal: the most a 128-bit decimal holds (amounts below
/// 10²⁶ dollars; a larger one fails the write with an error rather than being cut).
const COST_PRECISION: usize = 38;
/// Scale of the `cost_usd` decimal: money is held in pico-dollars, 12 decimals of a dollar.
const COST_SCALE: usize = 12;

/// Writes one Parquet row per call of a run, with the columns of `--calls-csv`.
pub fn write_calls_parquet(
    run: &RunOutput,
    catalog: &PriceCatalog,
    rules: &ClassifyRules,
    path: &Path,
) -> anyhow::Result<()> {
    let ctx = CallContext {
        run,
        catalog,
        rules,
    };
    write_file(&ctx, path, ROWS_PER_GROUP)
}

/// Writes the file at `path` in row groups of `rows_per_group` calls.
fn write_file(ctx: &CallContext<'_>, path: &Path, rows_per_group: usize) -> anyhow::Result<()> {
    crate::ingest::refuse_input(path)?;
    let file =
        File::create(path).with_context(|| format!("creating Parquet file {}", path.display()))?;
    let mut out = BufWriter::new(file);
    write_calls(ctx, &mut out, rows_per_group)
        .map_err(anyhow::Error::from)
        .and_then(|()| out.flush().map_err(anyhow::Error::from))
        .with_context(|| format!("writing Parquet to {}", path.display()))
}

/// The Parquet types of the per-call columns (see the module's table), then a text column
/// `tag:KEY` for each tag key of the run, as in the CSV.
pub fn calls_schema(run: &RunOutput) -> Schema {
    CALL_COLUMNS
        .iter()
        .map(|column| (PlSmallStr::from_static(column.name), dtype(column)))
        .chain(
            tag_keys(run)
                .into_iter()
                .map(|key| (PlSmallStr::from(format!("tag:{key}")), DataType::String)),
        )
        .collect()
}

/// The Parquet type of one per-call column.
fn dtype(column: &CallColumn) -> DataType {
    match column.value {
        CallValue::Text(_) => DataType::String,
        CallValue::Count(_) => DataType::UInt64,
        CallValue::Timestamp(_) => DataType::Datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC)),
        CallValue::Money(_) => DataType::Decimal(COST_PRECISION, COST_SCALE),
        CallValue::Float(_) | CallValue::Score { .. } => DataType::Float32,
    }
}

/// Writes every row of the run, one row group per `rows_per_group` calls.
fn write_calls(ctx: &CallContext<'_>, out: impl Write, rows_per_group: usize) -> PolarsResult<()> {
    let mut writer = ParquetWriter::new(out).batched(&calls_schema(ctx.run))?;
    let tags = tag_keys(ctx.run);
    for group in ctx.run.rows.blocks(rows_per_group) {
        let first = group.start;
        let rows: Vec<CallRow> = ctx.run.rows.range(group).collect();
        let mut columns = CALL_COLUMNS
            .iter()
            .map(|column| build_column(column, ctx, first, &rows))
            .collect::<PolarsResult<Vec<Column>>>()?;
        columns.extend(tags.iter().map(|key| {
            StringChunked::from_iter_options(
                PlSmallStr::from(format!("tag:{key}")),
                rows.iter().map(|row| ctx.run.tag(row, key)),
            )
            .into_column()
        }));
        writer.write_batch(&DataFrame::new(rows.len(), columns)?)?;
    }
    writer.finish()?;
    Ok(())
}

/// One column's values for the rows of the run from index `first` on, in the column's Parquet
/// type.
fn build_column(
    column: &CallColumn,
    ctx: &CallContext<'_>,
    first: usize,
    rows: &[CallRow],
) -> PolarsResult<Column> {
    let name = PlSmallStr::from_static(column.name);
    Ok(match column.value {
        CallValue::Text(read) => StringChunked::from_iter_options(
            name,
            rows.iter()
                .enumerate()
                .map(|(offset, row)| read(ctx, first + offset, row)),
        )
        .into_column(),
        CallValue::Count(read) => {
            UInt64Chunked::from_iter_values(name, rows.iter().map(read)).into_column()
        }
        CallValue::Timestamp(read) => Int64Chunked::from_iter_options(name, rows.iter().map(read))
            .into_datetime(TimeUnit::Milliseconds, Some(TimeZone::UTC))
            .into_column(),
        CallValue::Money(read) => Int128Chunked::from_iter_options(
            name,
            rows.iter().map(|row| read(row).map(|cost| cost.pico())),
        )
        .into_decimal(COST_PRECISION, COST_SCALE)?
        .into_column(),
        CallValue::Float(read) => {
            Float32Chunked::from_iter_options(name, rows.iter().map(read)).into_column()
        }
        CallValue::Score { read, .. } => {
            Float32Chunked::from_iter_values(name, rows.iter().map(read)).into_column()
        }
    })
}

#[cfg(test)]
mod tests {

    use polars::prelude::{AnyValue, ParquetReader, SerReader};

    use super::*;
    use crate::export::CallsCsvWriter;
    use crate::money::Money;
    use crate::pipeline::{Rows, run_fixture};

    /// The real pipeline over every log fixture: many formats and models, some calls unpriced.
    fn fixture_run(catalog: &PriceCatalog, rules: &ClassifyRules) -> RunOutput {
        run_fixture("fixtures/logs", catalog, rules)
    }

    /// Writes the run as Parquet to a temporary file and reads it back whole.
    fn round_trip(run: &RunOutput, catalog: &PriceCatalog, rules: &ClassifyRules) -> DataFrame {
        round_trip_in_groups(run, catalog, rules, ROWS_PER_GROUP)
    }

    /// Like [`round_trip`], with row groups of `rows_per_group` calls.
    fn round_trip_in_groups(
        run: &RunOutput,
        catalog: &PriceCatalog,
        rules: &ClassifyRules,
        rows_per_group: usize,
    ) -> DataFrame {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("calls.parquet");
        let ctx = CallContext {
            run,
            catalog,
            rules,
        };
        write_file(&ctx, &path, rows_per_group).expect("Parquet is written");
        let file = File::open(&path).expect("the Parquet file exists");
        ParquetReader::new(file)
            .finish()
            .expect("polars reads the file back")
    }

    /// The run's calls as the CSV writer writes them: header, then one record per call.
    fn csv_records(
        run: &RunOutput,
        catalog: &PriceCatalog,
        rules: &ClassifyRules,
    ) -> Vec<csv::StringRecord> {
        let mut bytes = Vec::new();
        CallsCsvWriter::write(run, catalog, rules, &mut bytes).expect("CSV is written");
        csv::Reader::from_reader(bytes.as_slice())
            .records()
            .collect::<Result<_, _>>()
            .expect("the CSV reads back")
    }

    /// Renders a read-back value as CSV text: null is empty, a decimal is its exact digits.
    fn render(value: &AnyValue<'_>) -> String {
        match value {
            AnyValue::Null => String::new(),
            AnyValue::String(text) => (*text).to_string(),
            AnyValue::StringOwned(text) => text.to_string(),
            AnyValue::UInt64(count) => count.to_string(),
            AnyValue::Float32(value) => value.to_string(),
            AnyValue::Decimal(unscaled, _, scale) => {
                assert_eq!(*scale, COST_SCALE);
                Money::from_pico(*unscaled).to_decimal_string()
            }
            AnyValue::Datetime(ms, TimeUnit::Milliseconds, _) => {
                chrono::DateTime::from_timestamp_millis(*ms)
                    .expect("a written timestamp is representable")
                    .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                    .to_string()
            }
            other => panic!("unexpected value {other:?}"),
        }
    }

    /// Asserts that a read-back value holds what the CSV cell says, parsing the CSV text
    /// rather than formatting the Parquet value the same way the CSV writer does.
    fn assert_same(column: &CallColumn, value: &AnyValue<'_>, cell: &str, at: &str) {
        let name = column.name;
        if matches!(value, AnyValue::Null) {
            assert_eq!(cell, "", "{at} {name}: null in Parquet, {cell:?} in CSV");
            return;
        }
        match (column.value, value) {
            (CallValue::Text(_), AnyValue::String(text)) => assert_eq!(*text, cell, "{at} {name}"),
            (CallValue::Count(_), AnyValue::UInt64(count)) => {
                assert_eq!(Some(*count), cell.parse().ok(), "{at} {name}")
            }
            (CallValue::Timestamp(_), AnyValue::Datetime(ms, TimeUnit::Milliseconds, _)) => {
                let csv = chrono::DateTime::parse_from_rfc3339(cell).map(|t| t.timestamp_millis());
                assert_eq!(Ok(*ms), csv, "{at} {name}")
            }
            (CallValue::Money(_), AnyValue::Decimal(unscaled, _, _)) => assert_eq!(
                Some(Money::from_pico(*unscaled)),
                Money::parse_usd(cell),
                "{at} {name}"
            ),
            (CallValue::Float(_), AnyValue::Float32(value)) => {
                assert_eq!(Some(*value), cell.parse().ok(), "{at} {name}")
            }
            (CallValue::Score { decimals, .. }, AnyValue::Float32(value)) => {
                assert_eq!(format!("{value:.decimals$}"), cell, "{at} {name}")
            }
            (_, other) => panic!("{at} {name}: unexpected value {other:?}"),
        }
    }

    #[test]
    fn every_call_reads_back_with_the_csv_values_and_typed_columns() {
        let catalog = PriceCatalog::embedded().expect("embedded catalog");
        let rules = ClassifyRules::default();
        let run = fixture_run(&catalog, &rules);
        // The fixture must exercise what the format is about: several models, unpriced calls.
        let unpriced = run.rows.iter().filter(|row| row.cost.is_none()).count();
        assert!(unpriced > 0, "the fixtures have an unpriced call");
        assert!(run.models.len() >= 3, "models: {:?}", run.models);

        let frame = round_trip(&run, &catalog, &rules);
        assert_eq!(frame.height(), run.rows.len());
        let names: Vec<&str> = frame
            .get_column_names()
            .iter()
            .map(|n| n.as_str())
            .collect();
        let expected: Vec<&str> = CALL_COLUMNS.iter().map(|c| c.name).collect();
        assert_eq!(names, expected);
        for column in &CALL_COLUMNS {
            let read = frame.column(column.name).expect("column exists");
            assert_eq!(read.dtype(), &dtype(column), "{}", column.name);
        }
        assert_eq!(
            frame.column("cost_usd").expect("cost").null_count(),
            unpriced
        );
        // The first Anthropic call: 406 input tokens at $3/M and 50 output tokens at $15/M
        // (claude-sonnet-4-5) = $0.001218 + $0.00075 = $0.001968 = 1,968,000,000 pico-dollars,
        // stored exactly as the decimal's unscaled value.
        let first = (0..run.rows.len())
            .position(|index| run.rows.call_id(index) == "msg_01T4jd6NyD9xGGtTPDC4ogy5")
            .expect("the Anthropic fixture's first call");
        assert_eq!(
            frame.column("cost_usd").and_then(|c| c.get(first)).ok(),
            Some(AnyValue::Decimal(1_968_000_000, COST_PRECISION, COST_SCALE))
        );

        let records = csv_records(&run, &catalog, &rules);
        assert_eq!(records.len(), run.rows.len());
        for (index, record) in records.iter().enumerate() {
            let at = format!("row {index}");
            for (position, column) in CALL_COLUMNS.iter().enumerate() {
                let value = frame
                    .column(column.name)
                    .and_then(|c| c.get(index))
                    .expect("cell exists");
                assert_same(column, &value, &record[position], &at);
            }
        }
    }

    #[test]
    fn schema_and_first_rows_are_stable() {
        let catalog = PriceCatalog::embedded().expect("embedded catalog");
        let rules = ClassifyRules::default();
        let run = fixture_run(&catalog, &rules);
        let frame = round_trip(&run, &catalog, &rules);
        let mut text = String::new();
        for (name, dtype) in frame.schema().iter() {
            text.push_str(&format!("{name}: {dtype:?}\n"));
        }
        text.push('\n');
        let mut writer = crate::escape::CsvWriter::new(Vec::new());
        writer
            .write_record(frame.get_column_names().iter().map(|n| n.as_str()))
            .expect("header");
        for index in 0..frame.height().min(3) {
            // Source paths are absolute; the checkout's own directory is left out.
            let cells = frame.columns().iter().map(|column| {
                let cell = render(&column.get(index).expect("cell exists"));
                cell.strip_prefix(concat!(env!("CARGO_MANIFEST_DIR"), "/"))
                    .map_or_else(|| cell.clone(), str::to_string)
            });
            writer.write_record(cells).expect("row");
        }
        let rows = writer.into_inner().expect("CSV buffer");
        text.push_str(std::str::from_utf8(&rows).expect("UTF-8"));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn many_row_groups_hold_the_same_rows_as_one() {
        let catalog = PriceCatalog::embedded().expect("embedded catalog");
        let rules = ClassifyRules::default();
        let run = fixture_run(&catalog, &rules);
        let whole = round_trip(&run, &catalog, &rules);
        // 7 calls a group: the fixture's few hundred calls make dozens of groups, the last one
        // short unless the count is a multiple of 7.
        let grouped = round_trip_in_groups(&run, &catalog, &rules, 7);
        assert_eq!(grouped.height(), run.rows.len());
        assert!(whole.equals_missing(&grouped));
    }

    #[test]
    fn an_empty_run_writes_the_schema_and_no_rows() {
        let catalog = PriceCatalog::embedded().expect("embedded catalog");
        let rules = ClassifyRules::default();
        let mut run = fixture_run(&catalog, &rules);
        run.rows = Rows::new();
        let frame = round_trip(&run, &catalog, &rules);
        assert_eq!(frame.height(), 0);
        assert_eq!(frame.schema().as_ref(), &calls_schema(&run));
    }

    #[test]
    fn an_unwritable_path_is_named_in_the_error() {
        let catalog = PriceCatalog::embedded().expect("embedded catalog");
        let rules = ClassifyRules::default();
        let run = fixture_run(&catalog, &rules);
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("no-such-dir").join("calls.parquet");
        let err = write_calls_parquet(&run, &catalog, &rules, &path)
            .expect_err("a missing directory cannot hold the file");
        let message = format!("{err:#}");
        assert!(message.contains(&path.display().to_string()), "{message}");
    }
}
