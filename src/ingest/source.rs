//! Input sources: files, directories walked recursively, stdin (`-`), and objects in object
//! storage (`s3://`, `gs://`, `az://` URLs, see [`super::remote`]), with gzip and zstd
//! decompressed transparently (by extension or by magic bytes).

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use super::InputFormat;
pub use super::log_file::SourceError;
use super::log_file::is_log_file;
use super::remote::{self, RemoteObject};

/// Where one stream of lines comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSource {
    File(PathBuf),
    /// A file found in a coding agent's folder ([`super::discover`]): read as the agent's
    /// format, never sniffed.
    AgentFile {
        path: PathBuf,
        format: InputFormat,
    },
    Stdin,
    /// An object in a bucket, named by its URL.
    Object(RemoteObject),
    /// A path a folder walk met but cannot read (a dangling symlink, a symlink loop, a folder
    /// without permission): it is counted as an error with its reason, and the walk goes on.
    Unreadable {
        path: PathBuf,
        reason: String,
    },
}

impl InputSource {
    /// The name reports and error messages use.
    pub fn display_name(&self) -> String {
        match self {
            InputSource::File(path) | InputSource::AgentFile { path, .. } => {
                path.display().to_string()
            }
            InputSource::Stdin => "-".to_string(),
            InputSource::Object(object) => object.url.clone(),
            InputSource::Unreadable { path, .. } => path.display().to_string(),
        }
    }

    /// Size on disk or in the bucket (compressed size for compressed files), for progress;
    /// 0 for stdin.
    pub fn size_hint(&self) -> u64 {
        match self {
            InputSource::File(path) | InputSource::AgentFile { path, .. } => {
                std::fs::metadata(path).map_or(0, |m| m.len())
            }
            InputSource::Stdin => 0,
            InputSource::Object(object) => object.size,
            InputSource::Unreadable { .. } => 0,
        }
    }

    /// The file's local path, when it is a local file (not stdin or a bucket object).
    pub fn local_path(&self) -> Option<&Path> {
        match self {
            InputSource::File(path) | InputSource::AgentFile { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The format the source is known to be in, which detection must not second-guess.
    pub fn known_format(&self) -> Option<InputFormat> {
        match self {
            InputSource::AgentFile { format, .. } => Some(*format),
            _ => None,
        }
    }
}

/// Expands the command-line paths into sources: files as given, directories walked
/// recursively (log files only, in sorted order, so runs are repeatable), `-` for stdin, and
/// object-storage URLs: an object as given, a prefix listed like a directory.
pub fn discover_sources(paths: &[PathBuf]) -> Result<Vec<InputSource>, SourceError> {
    let mut sources = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            if sources.contains(&InputSource::Stdin) {
                return Err(SourceError::StdinTwice);
            }
            sources.push(InputSource::Stdin);
            continue;
        }
        if let Some(url) = path.to_str().filter(|p| remote::is_object_url(p)) {
            let objects = remote::discover(url)?;
            sources.extend(objects.into_iter().map(InputSource::Object));
            continue;
        }
        let metadata = std::fs::metadata(path).map_err(|err| match err.kind() {
            io::ErrorKind::NotFound => SourceError::Missing {
                path: path.display().to_string(),
            },
            _ => SourceError::Io {
                path: path.display().to_string(),
                source: err,
            },
        })?;
        if !metadata.is_dir() {
            // A file named on the command line that cannot be opened fails the run now.
            File::open(path).map_err(|source| SourceError::Io {
                path: path.display().to_string(),
                source,
            })?;
            super::note_input(path);
            sources.push(InputSource::File(path.clone()));
            continue;
        }
        walk(path, &mut sources)?;
    }
    Ok(sources)
}

/// Adds the log files under the folder `root`, in sorted order. A folder named on the command
/// line that cannot be listed fails the run; what cannot be read below it is a source of its
/// own that counts as an error, and the walk goes on.
fn walk(root: &Path, sources: &mut Vec<InputSource>) -> Result<(), SourceError> {
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) if err.depth() == 0 => {
                return Err(SourceError::Io {
                    path: root.display().to_string(),
                    source: err.into(),
                });
            }
            Err(err) => {
                let path = err.path().unwrap_or(root).to_path_buf();
                let missing = err
                    .io_error()
                    .is_some_and(|io| io.kind() == io::ErrorKind::NotFound);
                if missing && !is_log_file(&path) {
                    // A dangling link to something that would not be read anyway.
                    continue;
                }
                let reason = match (err.loop_ancestor(), err.io_error()) {
                    (Some(ancestor), _) => {
                        format!("symlink loop back to {}", ancestor.display())
                    }
                    (None, Some(io)) if io.kind() == io::ErrorKind::NotFound => {
                        "dangling symlink (its target does not exist)".to_string()
                    }
                    (None, Some(io)) => io.to_string(),
                    (None, None) => err.to_string(),
                };
                sources.push(InputSource::Unreadable { path, reason });
                continue;
            }
        };
        if entry.file_type().is_file() && is_log_file(entry.path()) {
            super::note_input(entry.path());
            sources.push(InputSource::File(entry.into_path()));
        }
    }
    Ok(())
}

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// Opens a source as a decompressed byte stream. `progress`, if given, advances by the bytes
/// read from disk or the network (before decompression, so it matches the sizes).
pub fn open_source(
    source: &InputSource,
    progress: Option<&indicatif::ProgressBar>,
) -> io::Result<Box<dyn Read + Send>> {
    let mut raw: Box<dyn Read + Send> = match source {
        InputSource::File(path) | InputSource::AgentFile { path, .. } => {
            Box::new(File::open(path)?)
        }
        InputSource::Stdin => Box::new(io::stdin()),
        InputSource::Object(object) => Box::new(remote::open(object)?),
        InputSource::Unreadable { reason, .. } => return Err(io::Error::other(reason.clone())),
    };
    if let Some(bar) = progress {
        raw = Box::new(bar.wrap_read(raw));
    }
    // The first bytes tell a compressed stream. They are read on their own and put back in
    // front, so that plain text goes from the file into the reader's chunks in one copy.
    let mut head = Vec::with_capacity(ZSTD_MAGIC.len());
    (&mut raw)
        .take(ZSTD_MAGIC.len() as u64)
        .read_to_end(&mut head)?;
    let gzip = head.starts_with(GZIP_MAGIC);
    let zstd = head.starts_with(ZSTD_MAGIC);
    let stream = io::Cursor::new(head).chain(raw);
    if gzip {
        let buffered = BufReader::with_capacity(256 * 1024, stream);
        Ok(Box::new(GzipMembers::new(buffered)))
    } else if zstd {
        let buffered = BufReader::with_capacity(256 * 1024, stream);
        let mut decoder = zstd::Decoder::with_buffer(buffered)?;
        decoder.window_log_max(ZSTD_WINDOW_LOG_MAX)?;
        Ok(Box::new(ZstdStream(decoder)))
    } else {
        Ok(Box::new(stream))
    }
}

/// The largest zstd window read, as a power of two: 128 MiB, zstd's own default limit. A frame
/// written with a larger window (`zstd --long=31`) would need that much memory per file.
const ZSTD_WINDOW_LOG_MAX: u32 = 27;

/// A zstd stream whose memory-limit error says what to do.
struct ZstdStream<R: io::BufRead>(zstd::Decoder<'static, R>);

impl<R: io::BufRead> Read for ZstdStream<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|err| {
            if err.to_string().contains("too much memory") {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "zstd frame needs a window over {} MiB (written with --long?); \
                         decompress it first with `zstd -d --long=31`",
                        1u64 << (ZSTD_WINDOW_LOG_MAX - 20)
                    ),
                )
            } else {
                err
            }
        })
    }
}

/// Gzip members one after another, as `gzip -dc` reads them: zero bytes after the last member
/// (tape and block-device padding) end the stream; anything else after them is an error.
struct GzipMembers<R: io::BufRead> {
    member: Option<flate2::bufread::GzDecoder<R>>,
}

impl<R: io::BufRead> GzipMembers<R> {
    fn new(inner: R) -> GzipMembers<R> {
        GzipMembers {
            member: Some(flate2::bufread::GzDecoder::new(inner)),
        }
    }
}

impl<R: io::BufRead> Read for GzipMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(member) = self.member.as_mut() else {
                return Ok(0);
            };
            let read = member.read(buf)?;
            if read > 0 || buf.is_empty() {
                return Ok(read);
            }
            let Some(mut inner) = self.member.take().map(|m| m.into_inner()) else {
                return Ok(0);
            };
            if another_member(&mut inner)? {
                self.member = Some(flate2::bufread::GzDecoder::new(inner));
            }
        }
    }
}

/// After a gzip member: whether another one follows (false at the end, or after zero padding).
fn another_member(inner: &mut impl io::BufRead) -> io::Result<bool> {
    let mut padded = false;
    loop {
        let available = inner.fill_buf()?;
        if available.is_empty() {
            return Ok(false);
        }
        let zeros = available.iter().take_while(|&&b| b == 0).count();
        if zeros == 0 {
            return if padded {
                Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "data after the zero padding that ends the gzip stream",
                ))
            } else {
                Ok(true)
            };
        }
        padded = true;
        inner.consume(zeros);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reads_plain_gzip_and_zstd_alike() {
        let dir = tempfile::tempdir().unwrap();
        let text = b"{\"a\":1}\n{\"a\":2}\n";
        let plain = dir.path().join("x.jsonl");
        std::fs::write(&plain, text).unwrap();
        let gz = dir.path().join("x.jsonl.gz");
        let mut encoder =
            flate2::write::GzEncoder::new(File::create(&gz).unwrap(), Default::default());
        encoder.write_all(text).unwrap();
        encoder.finish().unwrap();
        let zst = dir.path().join("x.jsonl.zst");
        std::fs::write(&zst, zstd::encode_all(&text[..], 3).unwrap()).unwrap();
        for path in [plain, gz, zst] {
            assert_eq!(read_whole(path), text);
        }
        // Files shorter than the longest magic number read whole, the bytes looked at first
        // put back.
        for short in [&b""[..], b"{", b"{}\n", b"\x1f"] {
            let path = dir.path().join("short.jsonl");
            std::fs::write(&path, short).unwrap();
            assert_eq!(read_whole(path), short);
        }
    }

    /// Everything `open_source` gives for the file at `path`.
    fn read_whole(path: PathBuf) -> Vec<u8> {
        let mut out = Vec::new();
        open_source(&InputSource::File(path), None)
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn walks_directories_in_order_and_reports_missing_paths() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b/c")).unwrap();
        for name in ["b/c/2.jsonl", "a.jsonl.gz", "notes.txt", "b/1.json"] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        let sources = discover_sources(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<String> = sources
            .iter()
            .map(|s| {
                s.display_name()
                    .trim_start_matches(&dir.path().display().to_string())
                    .to_string()
            })
            .collect();
        assert_eq!(names, ["/a.jsonl.gz", "/b/1.json", "/b/c/2.jsonl"]);
        assert!(matches!(
            discover_sources(&[dir.path().join("nope")]),
            Err(SourceError::Missing { .. })
        ));
    }

    fn gzip(text: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), Default::default());
        encoder.write_all(text).unwrap();
        encoder.finish().unwrap()
    }

    fn read_result(bytes: &[u8]) -> (Vec<u8>, Option<io::Error>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.jsonl.gz");
        std::fs::write(&path, bytes).unwrap();
        let mut stream = open_source(&InputSource::File(path), None).unwrap();
        let mut out = Vec::new();
        let mut buf = [0u8; 7];
        loop {
            match stream.read(&mut buf) {
                Ok(0) => return (out, None),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(err) => return (out, Some(err)),
            }
        }
    }

    #[test]
    fn gzip_reads_members_and_zero_padding_as_gzip_does() {
        let (a, b) = (b"{\"a\":1}\n".as_slice(), b"{\"a\":2}\n".as_slice());
        let mut two = gzip(a);
        two.extend(gzip(b));
        assert_eq!(read_result(&two).0, [a, b].concat());
        // `gzip -dc` reads past zero padding after the last member (tapes, block devices).
        let mut padded = two.clone();
        padded.extend(std::iter::repeat_n(0u8, 10_000));
        let (out, err) = read_result(&padded);
        assert_eq!(out, [a, b].concat());
        assert!(err.is_none());
        // Something after the padding is an error, after the data before it.
        padded.extend(b"junk");
        let (out, err) = read_result(&padded);
        assert_eq!(out, [a, b].concat());
        assert!(err.unwrap().to_string().contains("zero padding"));
        // Garbage instead of a next member is an error too, not silence.
        let mut garbage = gzip(a);
        garbage.extend(b"not gzip");
        let (out, err) = read_result(&garbage);
        assert_eq!(out, a);
        assert!(err.is_some());
    }

    #[test]
    fn a_zstd_window_past_the_limit_is_an_error_that_says_what_to_do() {
        let text = vec![b'x'; 1 << 20];
        let mut encoder = zstd::Encoder::new(Vec::new(), 1).unwrap();
        encoder.long_distance_matching(true).unwrap();
        encoder.window_log(ZSTD_WINDOW_LOG_MAX + 1).unwrap();
        encoder.include_contentsize(false).unwrap();
        encoder.write_all(&text).unwrap();
        let bytes = encoder.finish().unwrap();
        let (_, err) = read_result(&bytes);
        let err = err.expect("refused");
        assert!(err.to_string().contains("--long=31"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_walk_counts_what_it_cannot_read_and_goes_on() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.jsonl"), b"").unwrap();
        std::os::unix::fs::symlink(root.join("gone.jsonl"), root.join("b.jsonl")).unwrap();
        std::os::unix::fs::symlink(root.join("gone"), root.join("b.txt")).unwrap();
        std::fs::create_dir(root.join("c")).unwrap();
        std::os::unix::fs::symlink(root, root.join("c/loop")).unwrap();
        let latin1 = std::ffi::OsStr::from_bytes(b"d-\xe9t\xe9.jsonl");
        std::fs::write(root.join(latin1), b"").unwrap();
        let sources = discover_sources(&[root.to_path_buf()]).unwrap();
        let seen: Vec<(String, bool)> = sources
            .iter()
            .map(|s| {
                let name = s.display_name();
                let name = name.trim_start_matches(&root.display().to_string());
                (
                    name.to_string(),
                    matches!(s, InputSource::Unreadable { .. }),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("/a.jsonl".to_string(), false),
                ("/b.jsonl".to_string(), true),
                ("/c/loop".to_string(), true),
                ("/d-\u{fffd}t\u{fffd}.jsonl".to_string(), false),
            ]
        );
        let InputSource::Unreadable { reason, .. } = &sources[1] else {
            unreachable!()
        };
        assert!(reason.contains("dangling"), "{reason}");
        assert!(open_source(&sources[2], None).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_named_file_that_cannot_be_opened_fails_discovery() {
        // A socket exists but cannot be opened, whoever runs the test (root included).
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("socket.jsonl");
        let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        assert!(matches!(
            discover_sources(std::slice::from_ref(&path)),
            Err(SourceError::Io { .. })
        ));
    }
}
