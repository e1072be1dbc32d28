//! Input sources: files, directories walked recursively, stdin (`-`), and objects in object
//! storage (`s3://`, `gs://`, `az://` URLs, see [`super::remote`]), with gzip and zstd
//! decompressed transparently (by extension or by magic bytes).

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use super::remote::{self, RemoteObject};

/// Where one stream of lines comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSource {
    File(PathBuf),
    Stdin,
    /// An object in a bucket, named by its URL.
    Object(RemoteObject),
}

impl InputSource {
    /// The name reports and error messages use.
    pub fn display_name(&self) -> String {
        match self {
            InputSource::File(path) => path.display().to_string(),
            InputSource::Stdin => "-".to_string(),
            InputSource::Object(object) => object.url.clone(),
        }
    }

    /// Size on disk or in the bucket (compressed size for compressed files), for progress;
    /// 0 for stdin.
    pub fn size_hint(&self) -> u64 {
        match self {
            InputSource::File(path) => std::fs::metadata(path).map_or(0, |m| m.len()),
            InputSource::Stdin => 0,
            InputSource::Object(object) => object.size,
        }
    }
}

/// A path that cannot be read as input.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: no such file or directory")]
    Missing { path: String },
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("stdin (`-`) given more than once")]
    StdinTwice,
    /// An object-storage URL that cannot be listed or read (no such bucket or object, no
    /// credentials, an unreachable endpoint).
    #[error("{url}: {reason}")]
    Remote { url: String, reason: String },
}

/// File names read when walking a directory or listing a prefix: JSON Lines, JSON and CSV,
/// possibly compressed.
pub(super) fn is_log_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .unwrap_or(name);
    [".jsonl", ".ndjson", ".json", ".log", ".csv"]
        .iter()
        .any(|ext| name.ends_with(ext))
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
            sources.push(InputSource::File(path.clone()));
            continue;
        }
        let walker = walkdir::WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name();
        for entry in walker {
            let entry = entry.map_err(|err| SourceError::Io {
                path: path.display().to_string(),
                source: err.into(),
            })?;
            if entry.file_type().is_file() && is_log_file(entry.path()) {
                sources.push(InputSource::File(entry.into_path()));
            }
        }
    }
    Ok(sources)
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
        InputSource::File(path) => Box::new(File::open(path)?),
        InputSource::Stdin => Box::new(io::stdin()),
        InputSource::Object(object) => Box::new(remote::open(object)?),
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
        Ok(Box::new(MultiGzDecoder::new(buffered)))
    } else if zstd {
        let buffered = BufReader::with_capacity(256 * 1024, stream);
        Ok(Box::new(zstd::Decoder::with_buffer(buffered)?))
    } else {
        Ok(Box::new(stream))
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
}
