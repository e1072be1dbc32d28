//! Splits input streams into chunks of whole lines, so a single large file can be parsed on
//! every core while memory stays bounded by the chunks in flight.

use std::io::{self, Read};

/// Target bytes per chunk: large enough to amortise scheduling, small enough to spread work.
pub const CHUNK_BYTES: usize = 1 << 20;

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
}

impl Chunk {
    /// The chunk's lines with their 1-based numbers; a trailing `\r` is dropped.
    pub fn lines(&self) -> impl Iterator<Item = (u64, &[u8])> {
        let body = self.bytes.strip_suffix(b"\n").unwrap_or(&self.bytes);
        body.split(|&b| b == b'\n').enumerate().map(|(i, line)| {
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
}

impl<R: Read> ChunkReader<R> {
    pub fn new(reader: R, source: u32) -> Self {
        ChunkReader {
            reader,
            source,
            seq: 0,
            next_line: 1,
            carry: Vec::new(),
            done: false,
        }
    }

    /// The line number the next chunk starts at (where a read error happened, if one did).
    pub fn next_line(&self) -> u64 {
        self.next_line
    }

    /// The rest of the stream, from the first byte no chunk has handed out yet.
    pub fn into_rest(self) -> io::Chain<io::Cursor<Vec<u8>>, R> {
        io::Cursor::new(self.carry).chain(self.reader)
    }

    /// The next chunk, `Ok(None)` at the end of the stream.
    pub fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        if self.done && self.carry.is_empty() {
            return Ok(None);
        }
        let mut buf = std::mem::take(&mut self.carry);
        let mut search_from = 0;
        loop {
            if let Some(end) = buf[search_from..].iter().rposition(|&b| b == b'\n') {
                let end = search_from + end;
                if buf.len() >= CHUNK_BYTES || self.done {
                    self.carry = buf.split_off(end + 1);
                    return Ok(Some(self.emit(buf)));
                }
            }
            if self.done {
                // The last line has no newline: it still counts.
                return Ok(if buf.is_empty() {
                    None
                } else {
                    Some(self.emit(buf))
                });
            }
            search_from = buf.len();
            let want = CHUNK_BYTES.max(buf.len());
            buf.reserve(want);
            let start = buf.len();
            buf.resize(start + want, 0);
            let read = loop {
                match self.reader.read(&mut buf[start..]) {
                    Ok(n) => break n,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                    Err(err) => {
                        buf.truncate(start);
                        return Err(err);
                    }
                }
            };
            buf.truncate(start + read);
            if read == 0 {
                self.done = true;
                search_from = 0;
            }
        }
    }

    fn emit(&mut self, bytes: Vec<u8>) -> Chunk {
        let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        let ends_open = !bytes.ends_with(b"\n");
        let chunk = Chunk {
            source: self.source,
            seq: self.seq,
            first_line: self.next_line,
            bytes,
        };
        self.seq += 1;
        self.next_line += newlines + u64::from(ends_open);
        chunk
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
    fn empty_input_has_no_chunks() {
        assert!(all_lines(b"").is_empty());
    }
}
