//! SQLite databases: recognised by their header, read from a private copy so that a running
//! agent is never disturbed, and handed row by row to the adapter whose schema detector
//! accepts them.
//!
//! Why a copy. Opening an agent's live database, even read-only, takes locks on it: a reader in
//! rollback-journal mode holds a SHARED lock that keeps the agent from committing, and a WAL
//! reader pins the WAL so the agent's checkpoints cannot finish. So the database is never
//! opened in place. Its file, its `-wal` and its `-journal` (when present) are copied byte by
//! byte, with plain reads that take no lock, into a temporary folder, and the copy is opened.
//! The copy is then consistent by SQLite's own recovery:
//! - WAL mode: opening the copy rebuilds the WAL index from the copied `-wal` (the `-shm` is
//!   deliberately not copied) and keeps only frames up to the last *commit* frame whose
//!   checksums hold. A transaction the agent has not committed (its pages may already be in
//!   the WAL) and a frame torn by the copy are both left out.
//! - Rollback-journal mode: an open transaction may already have written pages into the
//!   database file; its `-journal` holds their old contents. The copy of the journal is "hot"
//!   (nobody holds the copy's lock), so SQLite rolls it back on first read: half a transaction
//!   is never seen.
//!
//! A torn copy (the agent checkpointed or committed while we copied) is caught by comparing
//! each file's size, modification time and header bytes (the database header's change counter,
//! the WAL header's salts and checkpoint sequence) before and after the copy; a copy that
//! changed is thrown away and taken again, a few times, after a short pause.
//!
//! On Windows SQLite locks bytes at the 1 GiB mark of the database file, so a database larger
//! than 1 GiB may refuse a plain read of that range while the agent writes; that read fails as
//! an I/O error of this file, never a wait.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, Row};

use crate::ingest::values::{count_f64, count_text, number_text};
use crate::ingest::{FileContext, Granularity, InputFormat, Parsed, mark_summed};

/// The 16 bytes every SQLite 3 database file starts with.
pub const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// How many times a copy that changed under us is taken again.
const COPY_ATTEMPTS: u32 = 5;

/// Whether `bytes` (the start of a file) are a SQLite database's header.
pub fn is_sqlite(bytes: &[u8]) -> bool {
    bytes.starts_with(SQLITE_HEADER)
}

/// Reads a database's rows as outcomes ([`SqliteReader::read`]).
pub type ReadRows =
    fn(&Connection, &FileContext<'_>, &mut dyn FnMut(Parsed)) -> rusqlite::Result<()>;

/// The SQLite part of a format: how its database is recognised and read.
#[derive(Clone, Copy)]
pub struct SqliteReader {
    /// Whether an open database has this format's tables and columns. Looks at the schema
    /// only ([`has_columns`]), so trying every format is cheap. The file is given for agents
    /// that share a schema and differ only in where they keep it (OpenCode and its fork Kilo).
    pub detect: fn(&Connection, &FileContext<'_>) -> bool,
    /// Reads the database, passing one outcome per row to `emit`, its line the row's rowid (or
    /// index) so an error names the file and row. A failed query ends the read with its error;
    /// outcomes already emitted stand. The file is given for formats whose file name carries
    /// an id (Antigravity's conversation id).
    pub read: ReadRows,
}

impl std::fmt::Debug for SqliteReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteReader")
    }
}

/// Why a database could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("cannot copy the database for reading: {0}")]
    Copy(#[from] io::Error),
    #[error("a compressed SQLite database: decompress it to read it")]
    Compressed,
    #[error("the {0} format is not read from a SQLite database")]
    NotSqliteFormat(InputFormat),
    #[error("the database kept changing while it was copied ({COPY_ATTEMPTS} attempts)")]
    Unstable,
    #[error("not a readable SQLite database: {0}")]
    Open(#[source] rusqlite::Error),
    #[error("no adapter reads this SQLite database (tables: {0})")]
    Unknown(String),
    #[error("reading the database failed: {0}")]
    Read(#[source] rusqlite::Error),
}

/// A consistent private copy of a database, open; the copy is deleted when this is dropped.
pub struct Snapshot {
    connection: Connection,
    _folder: tempfile::TempDir,
}

impl Snapshot {
    /// Copies the database at `path` (with its `-wal` and `-journal`) and opens the copy,
    /// taking the copy again while the original changes under it.
    pub fn open(path: &Path) -> Result<Snapshot, DatabaseError> {
        for attempt in 0..COPY_ATTEMPTS {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(25 << attempt));
            }
            let folder = tempfile::Builder::new()
                .prefix("llm-audit-sqlite")
                .tempdir()?;
            let before = Stamp::of(path)?;
            if !before.files[0]
                .as_ref()
                .is_some_and(|db| is_sqlite(&db.head))
            {
                return Err(DatabaseError::Compressed);
            }
            let copy = copy_files(path, folder.path())?;
            if Stamp::of(path)? != before {
                continue;
            }
            let connection = open_copy(&copy)?;
            return Ok(Snapshot {
                connection,
                _folder: folder,
            });
        }
        Err(DatabaseError::Unstable)
    }

    pub fn connection(&self) -> &Connection {
        &self.connection
    }
}

/// Reads the database at `path` as `forced`, or else as the first registered format whose
/// detector accepts it, passing its outcomes to `emit`; returns the format that read it.
pub fn read_database(
    path: &Path,
    forced: Option<InputFormat>,
    emit: &mut dyn FnMut(Parsed),
) -> Result<InputFormat, DatabaseError> {
    let candidates: Vec<(InputFormat, Option<SqliteReader>)> = match forced {
        Some(format) => vec![(format, format.spec().sqlite)],
        None => InputFormat::ALL
            .iter()
            .map(|&format| (format, format.spec().sqlite))
            .filter(|(_, reader)| reader.is_some())
            .collect(),
    };
    if let Some((format, None)) = candidates.first() {
        return Err(DatabaseError::NotSqliteFormat(*format));
    }
    let snapshot = Snapshot::open(path)?;
    let connection = snapshot.connection();
    let file = FileContext { path: Some(path) };
    let found = candidates.into_iter().find_map(|(format, reader)| {
        let reader = reader?;
        (forced.is_some() || (reader.detect)(connection, &file)).then_some((format, reader))
    });
    let Some((format, reader)) = found else {
        return Err(DatabaseError::Unknown(table_names(connection).join(", ")));
    };
    let summed = format.spec().granularity == Granularity::Session;
    let mut emit = |mut parsed: Parsed| {
        if summed {
            mark_summed(&mut parsed);
        }
        emit(parsed);
    };
    (reader.read)(connection, &file, &mut emit).map_err(DatabaseError::Read)?;
    Ok(format)
}

/// The database's tables, for the message that no adapter reads it.
fn table_names(connection: &Connection) -> Vec<String> {
    let names = connection
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name LIMIT 12")
        .and_then(|mut statement| {
            statement
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        });
    names.unwrap_or_default()
}

/// Whether `table` exists with every one of `columns`.
pub fn has_columns(connection: &Connection, table: &str, columns: &[&str]) -> bool {
    let Ok(mut statement) = connection.prepare("SELECT name FROM pragma_table_info(?1)") else {
        return false;
    };
    let Ok(rows) = statement.query_map([table], |row| row.get::<_, String>(0)) else {
        return false;
    };
    let present: Vec<String> = rows.filter_map(Result::ok).collect();
    !present.is_empty() && columns.iter().all(|c| present.iter().any(|p| p == c))
}

/// What is compared before and after a copy to tell whether the original changed during it.
#[derive(Debug, PartialEq, Eq)]
struct Stamp {
    files: [Option<FileStamp>; 3],
}

#[derive(Debug, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
    /// The first 100 bytes: the database header (with its change counter) or the WAL header
    /// (with its checkpoint sequence and salts).
    head: Vec<u8>,
}

impl Stamp {
    fn of(path: &Path) -> io::Result<Stamp> {
        let [db, wal, journal] = companions(path);
        Ok(Stamp {
            files: [
                Some(FileStamp::of(&db)?),
                FileStamp::of_optional(&wal)?,
                FileStamp::of_optional(&journal)?,
            ],
        })
    }
}

impl FileStamp {
    fn of(path: &Path) -> io::Result<FileStamp> {
        let mut file = File::open(path)?;
        let metadata = file.metadata()?;
        let mut head = Vec::with_capacity(100);
        (&mut file).take(100).read_to_end(&mut head)?;
        Ok(FileStamp {
            len: metadata.len(),
            modified: metadata.modified().ok(),
            head,
        })
    }

    fn of_optional(path: &Path) -> io::Result<Option<FileStamp>> {
        match FileStamp::of(path) {
            Ok(stamp) => Ok(Some(stamp)),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }
}

/// The database file and the two files SQLite keeps beside it.
fn companions(path: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [path.to_path_buf(), with("-wal"), with("-journal")]
}

/// Copies the database and its companions into `folder`; returns the copy's path.
fn copy_files(path: &Path, folder: &Path) -> io::Result<PathBuf> {
    let copy = folder.join("copy.db");
    let [db, wal, journal] = companions(path);
    let [db_copy, wal_copy, journal_copy] = companions(&copy);
    copy_plain(&db, &db_copy)?;
    for (from, to) in [(wal, wal_copy), (journal, journal_copy)] {
        match copy_plain(&from, &to) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            other => other?,
        }
    }
    Ok(copy)
}

/// Copies bytes with ordinary reads: no lock is taken, and on Windows the file is opened
/// sharing reads, writes and deletes with the agent.
fn copy_plain(from: &Path, to: &Path) -> io::Result<()> {
    let mut source = File::open(from)?;
    let mut target = File::create(to)?;
    io::copy(&mut source, &mut target)?;
    Ok(())
}

/// Opens the copy. It is opened read-write because recovery writes to the copy (rebuilding the
/// WAL index, rolling back a hot journal); every statement after that is read-only.
fn open_copy(copy: &Path) -> Result<Connection, DatabaseError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(copy, flags).map_err(DatabaseError::Open)?;
    // Reading the schema runs the recovery and proves the copy is a database.
    connection
        .query_row("SELECT count(*) FROM sqlite_schema", [], |row| {
            row.get::<_, i64>(0)
        })
        .map_err(DatabaseError::Open)?;
    connection
        .pragma_update(None, "query_only", true)
        .map_err(DatabaseError::Open)?;
    Ok(connection)
}

/// A column value that is not of the kind the adapter expects; the message names the column,
/// never its value.
pub fn wrong_column(column: &str, expected: &str) -> String {
    format!("column `{column}` is not {expected}")
}

/// A count of tokens from a column: an integer, a whole non-negative real, or a text holding
/// one, by the rule every format's counts follow ([`count_text`]); `Ok(None)` for NULL or a
/// missing column.
pub fn column_count(row: &Row<'_>, column: &str) -> Result<Option<u64>, String> {
    column_number(row, column, "a token count", count_f64, count_text)
}

/// A number from a column (an integer, a real or a numeric text); `Ok(None)` for NULL or a
/// missing column.
pub fn column_f64(row: &Row<'_>, column: &str) -> Result<Option<f64>, String> {
    column_number(
        row,
        column,
        "a number",
        |x| x.is_finite().then_some(x),
        number_text,
    )
}

/// A numeric column read with `of_number` (an integer or real) or `of_text`; an error naming
/// the column (as `expected`) where neither takes it.
fn column_number<T>(
    row: &Row<'_>,
    column: &str,
    expected: &str,
    of_number: fn(f64) -> Option<T>,
    of_text: fn(&str) -> Option<T>,
) -> Result<Option<T>, String> {
    let Ok(value) = row.get_ref(column) else {
        return Ok(None);
    };
    let read = match value {
        ValueRef::Null => return Ok(None),
        ValueRef::Integer(n) => of_number(n as f64),
        ValueRef::Real(x) => of_number(x),
        ValueRef::Text(text) => std::str::from_utf8(text).ok().and_then(of_text),
        ValueRef::Blob(_) => None,
    };
    read.map(Some).ok_or_else(|| wrong_column(column, expected))
}

/// A text from a column (an integer is written out); `Ok(None)` for NULL, an empty text or a
/// missing column.
pub fn column_text(row: &Row<'_>, column: &str) -> Result<Option<String>, String> {
    let Ok(value) = row.get_ref(column) else {
        return Ok(None);
    };
    match value {
        ValueRef::Null => Ok(None),
        ValueRef::Integer(n) => Ok(Some(n.to_string())),
        ValueRef::Text(text) => std::str::from_utf8(text)
            .map(|t| Some(t.to_string()).filter(|t| !t.is_empty()))
            .map_err(|_| wrong_column(column, "UTF-8 text")),
        _ => Err(wrong_column(column, "text")),
    }
}

/// The bytes of a BLOB (or TEXT) column; `Ok(None)` for NULL or a missing column.
pub fn column_bytes<'r>(row: &'r Row<'_>, column: &str) -> Result<Option<&'r [u8]>, String> {
    let Ok(value) = row.get_ref(column) else {
        return Ok(None);
    };
    match value {
        ValueRef::Null => Ok(None),
        ValueRef::Blob(bytes) | ValueRef::Text(bytes) => Ok(Some(bytes)),
        _ => Err(wrong_column(column, "a BLOB")),
    }
}

/// The line a row's outcome is reported at: its rowid, which SQLite keeps at 1 or more for
/// rows it numbered itself.
pub fn row_line(rowid: i64) -> u64 {
    u64::try_from(rowid).unwrap_or(0)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::mpsc;

    /// Builds a database at `path` from an SQL script, as the fixture scripts say to.
    pub(crate) fn build(path: &Path, script: &str) {
        let connection = Connection::open(path).unwrap();
        connection.execute_batch(script).unwrap();
    }

    /// Builds an in-memory database from an SQL script.
    pub(crate) fn memory(script: &str) -> Connection {
        let connection = Connection::open_in_memory().unwrap();
        connection.execute_batch(script).unwrap();
        connection
    }

    /// Every outcome `reader` gives for the database `script` builds, read as if from `path`.
    pub(crate) fn read_script(reader: SqliteReader, path: &str, script: &str) -> Vec<Parsed> {
        let connection = memory(script);
        let file = FileContext {
            path: Some(Path::new(path)),
        };
        assert!(
            (reader.detect)(&connection, &file),
            "the detector refuses the schema"
        );
        let mut out = Vec::new();
        (reader.read)(&connection, &file, &mut |parsed| out.push(parsed)).unwrap();
        out
    }

    /// Every table's rows, in rowid order, with the schema: what a fixture database holds.
    fn contents(connection: &Connection) -> Vec<String> {
        let mut out = Vec::new();
        let mut tables = connection
            .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap();
        let tables: Vec<(String, String)> = tables
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (name, sql) in tables {
            out.push(sql);
            let mut rows = connection
                .prepare(&format!("SELECT * FROM \"{name}\" ORDER BY rowid"))
                .unwrap();
            let width = rows.column_count();
            let mut rows = rows.query([]).unwrap();
            while let Some(row) = rows.next().unwrap() {
                let values: Vec<String> = (0..width)
                    .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                    .collect();
                out.push(format!("{name}: {}", values.join(" | ")));
            }
        }
        out
    }

    /// Every outcome `reader` gives for the committed fixture database at `path`, after
    /// asserting that it still holds what its `script` builds.
    pub(crate) fn read_fixture(reader: SqliteReader, path: &str, script: &str) -> Vec<Parsed> {
        assert_fixture_matches_script(path, script);
        read_script(reader, path, script)
    }

    /// Asserts that the committed fixture database at `path` (from the crate root) holds what
    /// its script builds. The scripts are the source; rebuild a database from its script with
    /// `rm -f X.db && sqlite3 X.db < X.sql` in its folder.
    pub(crate) fn assert_fixture_matches_script(path: &str, script: &str) {
        let committed = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap_or_else(|err| panic!("{path}: {err}"));
        assert_eq!(
            contents(&committed),
            contents(&memory(script)),
            "{path} differs from its script: rebuild it (see the script's first lines)"
        );
    }

    /// Counts the rows of `t` in a snapshot of `path`, on another thread, failing the test if
    /// the read waits for the writer.
    fn count_without_waiting(path: &Path) -> i64 {
        let (send, receive) = mpsc::channel();
        let path = path.to_path_buf();
        std::thread::spawn(move || {
            let snapshot = Snapshot::open(&path).unwrap();
            let count = snapshot
                .connection()
                .query_row("SELECT count(*) FROM t", [], |row| row.get::<_, i64>(0))
                .unwrap();
            send.send(count).unwrap();
        });
        receive
            .recv_timeout(Duration::from_secs(20))
            .expect("reading the database waited for its writer")
    }

    /// A database with three committed rows, and a writer that holds a transaction open with
    /// enough uncommitted rows that SQLite had to spill them to disk.
    fn writer_mid_transaction(path: &Path, journal_mode: &str) -> Connection {
        build(
            path,
            &format!(
                "PRAGMA journal_mode = {journal_mode};
                 CREATE TABLE t(x INTEGER, pad BLOB);
                 INSERT INTO t VALUES (1, NULL), (2, NULL), (3, NULL);"
            ),
        );
        let writer = Connection::open(path).unwrap();
        writer
            .execute_batch(
                "PRAGMA cache_size = 10;
                 BEGIN IMMEDIATE;
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                 INSERT INTO t SELECT i, zeroblob(1000) FROM n;",
            )
            .unwrap();
        writer
    }

    #[test]
    fn a_wal_writer_mid_transaction_neither_blocks_nor_shows_its_rows() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("agent.db");
        let writer = writer_mid_transaction(&path, "WAL");
        // The uncommitted rows are on disk, in the WAL, without a commit frame.
        let wal = std::fs::metadata(folder.path().join("agent.db-wal")).unwrap();
        assert!(wal.len() > 1_000_000, "the writer did not spill");
        assert_eq!(count_without_waiting(&path), 3);
        // The agent was not disturbed: it commits, and the next read sees its rows.
        writer.execute_batch("COMMIT").unwrap();
        assert_eq!(count_without_waiting(&path), 2003);
    }

    #[test]
    fn a_rollback_journal_writer_mid_transaction_neither_blocks_nor_shows_its_rows() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("agent.db");
        let writer = writer_mid_transaction(&path, "DELETE");
        // Half the transaction is already in the database file; the journal holds the rest.
        assert!(std::fs::metadata(&path).unwrap().len() > 1_000_000);
        assert!(folder.path().join("agent.db-journal").exists());
        assert_eq!(count_without_waiting(&path), 3);
        writer.execute_batch("COMMIT").unwrap();
        assert_eq!(count_without_waiting(&path), 2003);
    }

    #[test]
    fn the_original_is_left_as_it_was() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("agent.db");
        build(
            &path,
            "PRAGMA journal_mode = WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1);",
        );
        let before: Vec<_> = std::fs::read_dir(folder.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        let stamp = Stamp::of(&path).unwrap();
        assert_eq!(count_without_waiting(&path), 1);
        let after: Vec<_> = std::fs::read_dir(folder.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(before, after);
        assert_eq!(Stamp::of(&path).unwrap(), stamp);
    }

    #[test]
    fn a_write_changes_the_stamp() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("agent.db");
        build(&path, "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
        let stamp = Stamp::of(&path).unwrap();
        Connection::open(&path)
            .unwrap()
            .execute_batch("UPDATE t SET x = 2")
            .unwrap();
        // The change counter in the header moves even when size and time do not.
        assert_ne!(Stamp::of(&path).unwrap(), stamp);
    }

    #[test]
    fn the_header_is_recognised_and_other_files_are_not() {
        assert!(is_sqlite(b"SQLite format 3\0\x10\x00"));
        assert!(!is_sqlite(b"SQLite format 3"));
        assert!(!is_sqlite(b"{\"id\": 1}"));
    }

    #[test]
    fn a_database_no_adapter_reads_is_one_clear_error() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("other.sqlite");
        build(&path, "CREATE TABLE notes(body TEXT);");
        let err = read_database(&path, None, &mut |_| {}).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no adapter reads this SQLite database (tables: notes)"
        );
        let err = read_database(&path, Some(InputFormat::Openai), &mut |_| {}).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the openai format is not read from a SQLite database"
        );
    }

    #[test]
    fn a_compressed_database_is_refused_by_name() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("opencode.db.gz");
        std::fs::write(&path, b"\x1f\x8b\x08\x00").unwrap();
        assert!(matches!(
            Snapshot::open(&path),
            Err(DatabaseError::Compressed)
        ));
    }

    #[test]
    fn a_file_that_is_not_a_database_is_an_error_not_a_panic() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("broken.db");
        let mut bytes = SQLITE_HEADER.to_vec();
        bytes.extend([0xff; 200]);
        std::fs::write(&path, bytes).unwrap();
        assert!(matches!(Snapshot::open(&path), Err(DatabaseError::Open(_))));
    }

    #[test]
    fn columns_are_read_leniently_and_errors_name_the_column() {
        let connection = memory(
            "CREATE TABLE t(a, b, c, d, e); INSERT INTO t VALUES (12, '34', 5.0, -1, '7.0');",
        );
        connection
            .query_row("SELECT * FROM t", [], |row| {
                assert_eq!(column_count(row, "a"), Ok(Some(12)));
                assert_eq!(column_count(row, "b"), Ok(Some(34)));
                assert_eq!(column_count(row, "c"), Ok(Some(5)));
                assert_eq!(
                    column_count(row, "d"),
                    Err("column `d` is not a token count".to_string())
                );
                // A text count follows every format's rule: `7.0` is seven.
                assert_eq!(column_count(row, "e"), Ok(Some(7)));
                assert_eq!(column_count(row, "missing"), Ok(None));
                assert_eq!(column_text(row, "a"), Ok(Some("12".to_string())));
                Ok(())
            })
            .unwrap();
    }
}
