//! Splits input streams into chunks of whole lines, so a single large file can be parsed on
//! every core while memory stays bounded by the chunks in flight.

use std::io::{self, Read};
use std::sync::{Arc, Mutex};

/// Target bytes per chunk: large enough to amortise scheduling, small enough to spread work.
pub const CHUNK_BYTES: usize = 1 << 20;

/// The longest line held in memory by default (`--max-line-mib`): a longer one is counted as an
/// error and skipped, so one hostile line cannot take the machine's memory.
pub const DEFAULT_MAX_LINE_BYTES: usize = 64 << 20;

/// Chunk buffers handed back by the workers once parsed, for the reader to fill again: a fresh
/// 1 MiB buffer per chunk costs the kernel a round of page faults and zeroing every time.
#[derive(Debug, Clone, Default)]
pub struct BufferPool(Arc<Mutex<Vec<Vec<u8>>>>);

impl BufferPool {
    /// Buffers kept at most: more than the chunks in flight, few enough to bound memory.
    const KEEP: usize = 32;

    /// An empty buffer with room for a chunk: one handed back, else a new one. (A buffer grown
    /// from empty is copied at every doubling, and one that ends below a chunk's size is not
    /// kept: files smaller than a chunk would then never reuse a buffer.)
    fn take(&self) -> Vec<u8> {
        let spare = self.0.lock().ok().and_then(|mut pool| pool.pop());
        spare.unwrap_or_else(|| Vec::with_capacity(CHUNK_BYTES))
    }

    /// Hands a parsed chunk's buffer back.
    pub fn give(&self, mut buffer: Vec<u8>) {
        if buffer.capacity() < CHUNK_BYTES {
            return;
        }
        buffer.clear();
        if let Ok(mut pool) = self.0.lock()
            && pool.len() < Self::KEEP
        {
            pool.push(buffer);
        }
    }
}

/// A run of whole lines from one source.
#[derive(Debug)]
pub struct Chunk {
    /// Index of the source in the run's source list.
    pub source: u32,
    /// Position of the chunk within its source.
    pub seq: u32,
    /// 1-based line number of the first line in `bytes`.
    pub first_line: u64,
    pub bytes: Vec<u8>,
    /// Lines longer than the limit, skipped: each stands as an empty line in `bytes`.
    pub overlong: Vec<u64>,
}

impl Chunk {
    /// The chunk's lines with their 1-based numbers; a trailing `\r` is dropped.
    pub fn lines(&self) -> impl Iterator<Item = (u64, &[u8])> {
        let body = self.bytes.strip_suffix(b"\n").unwrap_or(&self.bytes);
        let mut rest = Some(body);
        // `memchr` finds the line ends many bytes at a time; a byte-wise split was a visible
        // share of the parse.
        let split = std::iter::from_fn(move || {
            let text = rest?;
            match memchr::memchr(b'\n', text) {
                Some(end) => {
                    rest = Some(&text[end + 1..]);
                    Some(&text[..end])
                }
                None => {
                    rest = None;
                    Some(text)
                }
            }
        });
        split.enumerate().map(|(i, line)| {
            (
                self.first_line + i as u64,
                line.strip_suffix(b"\r").unwrap_or(line),
            )
        })
    }
}

/// Reads a stream and hands out chunks that end on line boundaries.
pub struct ChunkReader<R> {
    reader: R,
    source: u32,
    seq: u32,
    next_line: u64,
    carry: Vec<u8>,
    done: bool,
    pool: BufferPool,
    /// A read error, returned once the bytes read before it have gone out.
    failed: Option<io::Error>,
    max_line: usize,
}

impl<R: Read> ChunkReader<R> {
    pub fn new(reader: R, source: u32) -> Self {
        ChunkReader::with_pool(reader, source, BufferPool::default())
    }

    /// A reader that fills buffers from `pool` (where the workers give them back).
    pub fn with_pool(reader: R, source: u32, pool: BufferPool) -> Self {
        ChunkReader {
            reader,
            source,
            seq: 0,
            next_line: 1,
            carry: Vec::new(),
            done: false,
            pool,
            failed: None,
            max_line: DEFAULT_MAX_LINE_BYTES,
        }
    }

    /// Lines longer than `bytes` are skipped and reported in [`Chunk::overlong`].
    pub fn with_max_line(mut self, bytes: usize) -> Self {
        self.max_line = bytes.max(1);
        self
    }

    /// Hands a parsed chunk's buffer back for the next chunk.
    pub fn recycle(&self, buffer: Vec<u8>) {
        self.pool.give(buffer);
    }

    /// The line number the next chunk starts at (where a read error happened, if one did). Not
    /// kept past the stream's last chunk, which nothing follows.
    pub fn next_line(&self) -> u64 {
        self.next_line
    }

    /// The rest of the stream, from the first byte no chunk has handed out yet.
    pub fn into_rest(self) -> io::Chain<io::Cursor<Vec<u8>>, R> {
        io::Cursor::new(self.carry).chain(self.reader)
    }

    /// The longest line this reader holds.
    pub fn max_line(&self) -> usize {
        self.max_line
    }

    /// The next chunk, `Ok(None)` at the end of the stream.
    /// A read error comes after the chunks of the bytes read before it: what was read counts.
    pub fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        if self.done && self.carry.is_empty() {
            return match self.failed.take() {
                Some(err) => Err(err),
                None => Ok(None),
            };
        }
        let mut buf = self.pool.take();
        buf.extend_from_slice(&self.carry);
        self.carry.clear();
        let mut search_from = 0;
        // Where the line not yet ended starts.
        let mut open_line = 0;
        loop {
            if let Some(end) = memchr::memrchr(b'\n', &buf[search_from..]) {
                let end = search_from + end;
                open_line = end + 1;
                if buf.len() >= CHUNK_BYTES || self.done {
                    self.carry.extend_from_slice(&buf[end + 1..]);
                    buf.truncate(end + 1);
                    return Ok(Some(self.emit(buf, Vec::new())));
                }
            }
            if buf.len() - open_line > self.max_line {
                return self.skip_open_line(buf, open_line).map(Some);
            }
            if self.done {
                // The last line has no newline: it still counts.
                return Ok(if buf.is_empty() {
                    None
                } else {
                    Some(self.emit(buf, Vec::new()))
                });
            }
            search_from = buf.len();
            // Up to a chunk's worth in all, so the buffer's room suffices; a line longer than
            // that doubles it, up to one byte past the longest line held.
            let want = if buf.len() < CHUNK_BYTES {
                CHUNK_BYTES - buf.len()
            } else {
                buf.len()
            };
            let want = want.min(self.max_line + 1 - (buf.len() - open_line));
            // `read_to_end` fills the spare capacity without zeroing it first (for files), and
            // retries interrupted reads; `take` stops it at a chunk's worth. What it read
            // before an error stays in `buf`.
            let read = match (&mut self.reader).take(want as u64).read_to_end(&mut buf) {
                Ok(read) => read,
                Err(err) => {
                    self.failed = Some(err);
                    0
                }
            };
            if read == 0 {
                self.done = true;
                search_from = open_line;
            }
        }
    }

    /// Emits the whole lines of `buf`, then an empty line for the line at `open_line`, which is
    /// longer than the limit: the rest of it is read and dropped.
    fn skip_open_line(&mut self, mut buf: Vec<u8>, open_line: usize) -> io::Result<Chunk> {
        buf.truncate(open_line);
        let line = self.next_line + memchr::memchr_iter(b'\n', &buf).count() as u64;
        buf.push(b'\n');
        let mut scratch = vec![0u8; 64 * 1024];
        loop {
            let read = match self.reader.read(&mut scratch) {
                Ok(0) => {
                    self.done = true;
                    break;
                }
                Ok(read) => read,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => {
                    self.failed = Some(err);
                    self.done = true;
                    break;
                }
            };
            if let Some(end) = memchr::memchr(b'\n', &scratch[..read]) {
                self.carry.extend_from_slice(&scratch[end + 1..read]);
                break;
            }
        }
        Ok(self.emit(buf, vec![line]))
    }

    fn emit(&mut self, bytes: Vec<u8>, overlong: Vec<u64>) -> Chunk {
        // A stream's last chunk, which no chunk and no read error follow, leaves its lines
        // uncounted: a file of one chunk (most transcripts) is then not passed over for them.
        let first_line = self.next_line;
        if !(self.done && self.carry.is_empty() && self.failed.is_none()) {
            let newlines = memchr::memchr_iter(b'\n', &bytes).count() as u64;
            let ends_open = !bytes.ends_with(b"\n");
            self.next_line += newlines + u64::from(ends_open);
        }
        let chunk = Chunk {
            source: self.source,
            seq: self.seq,
            first_line,
            bytes,
            overlong,
        };
        self.seq += 1;
        chunk
    }
}

/// A stream that fails once a line runs longer than `max` bytes: for readers that hold a
/// record whole and cannot skip (CSV, whose quoted fields may span lines), so that one
/// hostile line cannot take the machine's memory.
pub struct LineLimit<R> {
    inner: R,
    /// Bytes since the last newline.
    run: usize,
    max: usize,
}

impl<R: Read> LineLimit<R> {
    pub fn new(inner: R, max: usize) -> LineLimit<R> {
        LineLimit { inner, run: 0, max }
    }
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        let bytes = &buf[..read];
        self.run = match memchr::memrchr(b'\n', bytes) {
            Some(end) => read - end - 1,
            None => self.run + read,
        };
        if self.run > self.max {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "a line longer than the --max-line-mib limit",
            ));
        }
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_lines(input: &[u8]) -> Vec<(u64, String)> {
        let mut reader = ChunkReader::new(input, 0);
        let mut out = Vec::new();
        while let Some(chunk) = reader.next_chunk().unwrap() {
            out.extend(
                chunk
                    .lines()
                    .map(|(n, l)| (n, String::from_utf8_lossy(l).into_owned())),
            );
        }
        out
    }

    #[test]
    fn numbers_lines_across_chunks_and_keeps_a_last_line_without_newline() {
        let mut input = Vec::new();
        for i in 0..200_000 {
            input.extend_from_slice(format!("line {i}\r\n").as_bytes());
        }
        input.extend_from_slice(b"tail");
        let lines = all_lines(&input);
        assert_eq!(lines.len(), 200_001);
        assert_eq!(lines[0], (1, "line 0".to_string()));
        assert_eq!(lines[199_999], (200_000, "line 199999".to_string()));
        assert_eq!(lines[200_000], (200_001, "tail".to_string()));
    }

    #[test]
    fn a_line_longer_than_a_chunk_stays_whole() {
        let long = "x".repeat(3 * CHUNK_BYTES);
        let input = format!("a\n{long}\nb\n");
        let lines = all_lines(input.as_bytes());
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].1.len(), long.len());
        assert_eq!(lines[2], (3, "b".to_string()));
    }

    #[test]
    fn recycled_buffers_carry_nothing_over() {
        let mut input = Vec::new();
        for i in 0..300_000 {
            input.extend_from_slice(format!("{i:0width$}\n", width = i % 17).as_bytes());
        }
        let mut reader = ChunkReader::new(&input[..], 0);
        let mut lines = Vec::new();
        let mut chunks = 0;
        while let Some(chunk) = reader.next_chunk().unwrap() {
            lines.extend(chunk.lines().map(|(n, l)| (n, l.to_vec())));
            reader.recycle(chunk.bytes);
            chunks += 1;
        }
        assert!(
            chunks > 2,
            "the input spans several chunks, so buffers are reused"
        );
        let fresh = all_lines(&input);
        assert_eq!(lines.len(), fresh.len());
        assert!(
            lines
                .iter()
                .zip(&fresh)
                .all(|((n, l), (m, k))| n == m && l == k.as_bytes())
        );
    }

    #[test]
    fn empty_input_has_no_chunks() {
        assert!(all_lines(b"").is_empty());
    }

    /// A reader that gives `data`, then fails.
    struct FailsAfter<'a>(&'a [u8]);

    impl Read for FailsAfter<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::other("the disk went away"));
            }
            let n = buf.len().min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_line_past_the_limit_is_skipped_and_numbering_holds() {
        let long = "x".repeat(5_000);
        let input = format!("a\n{long}\nb\n{long}");
        let mut reader = ChunkReader::new(input.as_bytes(), 0).with_max_line(1_000);
        let (mut lines, mut overlong) = (Vec::new(), Vec::new());
        while let Some(chunk) = reader.next_chunk().unwrap() {
            assert!(chunk.bytes.capacity() < CHUNK_BYTES + 2_000, "bounded");
            lines.extend(
                chunk
                    .lines()
                    .filter(|(_, l)| !l.is_empty())
                    .map(|(n, l)| (n, String::from_utf8_lossy(l).into_owned())),
            );
            overlong.extend(chunk.overlong);
        }
        assert_eq!(lines, [(1, "a".to_string()), (3, "b".to_string())]);
        assert_eq!(overlong, [2, 4]);
    }

    #[test]
    fn a_line_limit_stops_a_stream_at_the_long_line() {
        let mut text = b"a,b\n1,2\n".to_vec();
        let mut ok = Vec::new();
        LineLimit::new(&text[..], 10).read_to_end(&mut ok).unwrap();
        assert_eq!(ok, text);
        text.extend(vec![b'x'; 50]);
        let err = LineLimit::new(&text[..], 10)
            .read_to_end(&mut Vec::new())
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn what_was_read_before_an_error_comes_out_first() {
        let mut reader = ChunkReader::new(FailsAfter(b"one\ntwo\nthr"), 0);
        let mut lines = Vec::new();
        let err = loop {
            match reader.next_chunk() {
                Ok(Some(chunk)) => lines.extend(chunk.lines().map(|(n, l)| (n, l.to_vec()))),
                Ok(None) => panic!("the error is not lost"),
                Err(err) => break err,
            }
        };
        assert_eq!(
            lines,
            [
                (1, b"one".to_vec()),
                (2, b"two".to_vec()),
                (3, b"thr".to_vec())
            ]
        );
        assert_eq!(err.to_string(), "the disk went away");
        // The lines before the error are counted even in the last chunk: the error is told
        // at the line after them.
        assert_eq!(reader.next_line(), 4);
        assert!(reader.next_chunk().unwrap().is_none());
    }
}
