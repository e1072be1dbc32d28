//! Reading the containers records come in: a whole JSON document (an array of records, or one
//! object), a CSV file, a SQLite database. Each is read with the adapter that recognises it,
//! and what the adapter makes goes to a [`Sink`]; the pipeline cuts bytes into pieces of work
//! and keeps what comes out, without knowing any container's layout.

use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use serde_json::value::RawValue;

use crate::ingest::sqlite::read_database;
use crate::ingest::{
    Container, CsvHeaders, CsvRow, FileContext, InputFormat, LineOutcome, LineParser, Parsed,
    detect_csv, detect_document, detect_value, line_parser, parse_csv_row,
};

/// Where the records of a container go.
pub trait Sink {
    /// Feeds one JSON record (a line, or an item of a document) to `parser`.
    fn line(&mut self, parser: &mut dyn LineParser, line_no: u64, line: &[u8]);
    /// Lets `parser` hand over what it holds at the end of the file.
    fn finish(&mut self, parser: &mut dyn LineParser);
    /// Keeps parsed outcomes, emptying `parsed`.
    fn take(&mut self, parsed: &mut Vec<Parsed>);
    /// A failure to read the file on (its end is not reached): an error of the file that the
    /// report also lists apart.
    fn read_failure(&mut self, line: u64, message: String);

    /// A record that is an error.
    fn error(&mut self, line: u64, message: String) {
        let outcome = LineOutcome::Error(message);
        self.take(&mut vec![Parsed { line, outcome }]);
    }
}

/// The message for records of a file no adapter recognised.
pub fn unknown_format_message(container: Container) -> String {
    let layout = match container {
        Container::Csv => "CSV header",
        Container::JsonDocument => "JSON document",
        _ => "log format",
    };
    // The formats are many and grow: the help lists them rather than every error line.
    format!(
        "unrecognised {layout}: no known format matches (`llm-audit analyze --help` lists them \
         under --input-format); pass --input-format to force one"
    )
}

/// The format of a CSV file, from its header row.
pub fn csv_format(head: &[u8]) -> Option<InputFormat> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(head);
    let header = reader.records().next()?.ok()?;
    detect_csv(&CsvHeaders::new(header.iter()))
}

/// Reads a SQLite database's rows with the adapter that recognises it; a database that cannot
/// be read, or that no adapter reads, is one error of the file.
pub fn read_database_rows(
    sink: &mut dyn Sink,
    path: &Path,
    forced: Option<InputFormat>,
) -> Option<InputFormat> {
    let mut batch = Vec::with_capacity(1);
    // Adapters do not panic on any input; this keeps a bug from ending a long run.
    let read = catch_unwind(AssertUnwindSafe(|| {
        read_database(path, forced, &mut |parsed| {
            batch.push(parsed);
            sink.take(&mut batch);
        })
    }));
    match read {
        Ok(Ok(format)) => Some(format),
        Ok(Err(err)) => {
            sink.error(0, err.to_string());
            forced
        }
        Err(_) => {
            sink.error(0, "internal error while reading the database".into());
            forced
        }
    }
}

/// Reads a CSV file row by row (quoted fields may hold newlines, so it cannot be cut by line):
/// the first row that is not blank is the header, each later one a record of `format`.
pub fn read_csv(sink: &mut dyn Sink, format: InputFormat, stream: impl Read) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(stream);
    let mut headers: Option<CsvHeaders> = None;
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(err) => {
                let line = err.position().map_or(line, csv::Position::line);
                if matches!(err.kind(), csv::ErrorKind::Io(_)) {
                    sink.read_failure(line, format!("read error: {err}"));
                    break;
                }
                sink.error(line, format!("bad CSV: {err}"));
                continue;
            }
        }
        let line = record.position().map_or(line, csv::Position::line);
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        let Some(headers) = headers.as_ref() else {
            headers = Some(CsvHeaders::new(record.iter()));
            continue;
        };
        let row = CsvRow::new(headers, &record);
        let outcome = catch_unwind(AssertUnwindSafe(|| parse_csv_row(format, &row)))
            .unwrap_or_else(|_| LineOutcome::Error("internal error while parsing this row".into()));
        sink.take(&mut vec![Parsed { line, outcome }]);
    }
}

/// Reads a whole JSON document: an array of records (each read as a line would be) or one
/// object (a billing page, a saved API response). Returns the format it was read as.
pub fn read_document(
    sink: &mut dyn Sink,
    forced: Option<InputFormat>,
    file: &FileContext<'_>,
    bytes: &[u8],
) -> Option<InputFormat> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let line_of = LineCounter::new(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    if bytes.get(start) == Some(&b'[') {
        let items: Vec<&RawValue> = match serde_json::from_slice(bytes) {
            Ok(items) => items,
            Err(err) => {
                sink.error(err.line() as u64, format!("invalid JSON document: {err}"));
                return forced;
            }
        };
        let format = forced.or_else(|| {
            items
                .iter()
                .take(32)
                .find_map(|item| detect_value(&serde_json::from_str(item.get()).ok()?))
        });
        let mut parser = format.map(|format| line_parser(format, file));
        let mut lines = line_of;
        for item in items {
            let line = lines.line_at(item.get().as_ptr());
            match parser.as_mut() {
                Some(parser) => sink.line(parser.as_mut(), line, item.get().as_bytes()),
                None => sink.error(line, unknown_format_message(Container::JsonDocument)),
            }
        }
        if let Some(parser) = parser.as_mut() {
            sink.finish(parser.as_mut());
        }
        return format;
    }
    let first_line = line_of.clone().line_at(bytes[start..].as_ptr());
    let format = match forced {
        Some(format) => Some(format),
        None => match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(value) => detect_document(&value),
            Err(err) => {
                sink.error(err.line() as u64, format!("invalid JSON document: {err}"));
                return None;
            }
        },
    };
    match format {
        Some(format) => {
            let mut parser = line_parser(format, file);
            sink.line(parser.as_mut(), first_line, &bytes[start..]);
            sink.finish(parser.as_mut());
        }
        None => sink.error(first_line, unknown_format_message(Container::JsonDocument)),
    }
    format
}

/// Line numbers of positions in a buffer, for positions visited in increasing order.
#[derive(Clone)]
struct LineCounter<'b> {
    bytes: &'b [u8],
    offset: usize,
    line: u64,
}

impl<'b> LineCounter<'b> {
    fn new(bytes: &'b [u8]) -> LineCounter<'b> {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line of the byte at `at`, which points into the buffer.
    fn line_at(&mut self, at: *const u8) -> u64 {
        let target = (at as usize)
            .saturating_sub(self.bytes.as_ptr() as usize)
            .min(self.bytes.len());
        if target > self.offset {
            let newlines = self.bytes[self.offset..target]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.line += newlines as u64;
            self.offset = target;
        }
        self.line
    }
}
