//! Partial results, so one audit can run on many machines: `analyze --shard K/N` reads a
//! deterministic slice of the inputs and `--emit-partial FILE` writes what it parsed (the
//! pieces the pipeline puts together, before anything is merged across sources); `llm-audit
//! merge` reads the partials back and puts them together exactly as a single run over all the
//! inputs would, so the report is byte for byte the same.
//!
//! A partial file is a short text magic line, then a zstd stream of frames: each an 8-byte
//! little-endian length, the 8-byte little-endian XXH3-64 of the bytes, and that many bytes of
//! postcard. The first frame is the header, a frame of length zero ends the file, so a
//! truncated copy is told apart from a complete one, and a changed byte fails its frame's
//! checksum instead of changing a total.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fmt;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use xxhash_rust::xxh3::xxh3_64;

use super::ChunkResult;
use crate::ingest::InputFormat;

/// First bytes of every partial file.
const MAGIC: &[u8] = b"llm-audit partial\n";

/// Layout of the frames; bumped whenever a serialized type changes shape.
/// 2: the calls of a piece are encoded rows ([`crate::pipeline::Rows`]).
/// 3: a call's stated cost is on its row; a piece no longer sums them.
/// 4: every frame carries a checksum; the accounting lists read failures.
/// 5: a row holds its prompt's prefixes, whether its text was redacted or proves nothing, and
///    its failure cause; the accounting counts failed calls without usage by cause.
/// 6: a row says whether it sums a session's requests (agents that keep only session totals).
const FORMAT_VERSION: u32 = 6;

/// Largest frame accepted: a chunk's results are far smaller (a chunk is 1 MiB of input);
/// anything bigger is a corrupt length, not a reason to allocate.
const MAX_FRAME: u64 = 1 << 32;

/// The `K/N` of `--shard`: this run takes the K-th of N slices (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Whether the source at `source` (its index in the sorted list of inputs) is in this
    /// slice: sources are dealt round-robin, so every shard gets every N-th file.
    pub fn takes(self, source: u32) -> bool {
        source % self.count == self.index - 1
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not K/N (for example 2/8)"))?;
        let parse = |part: &str| part.trim().parse::<u32>().ok();
        match (parse(k), parse(n)) {
            (Some(index), Some(count)) if (1..=count).contains(&index) => {
                Ok(Shard { index, count })
            }
            _ => Err(format!(
                "`{text}` is not K/N with 1 <= K <= N (for example 2/8)"
            )),
        }
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What the rows of a partial depend on besides the logs: a merge only combines partials made
/// with the settings it runs with, or the result would not be the single run's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialSettings {
    /// The llm-audit version: classification and pricing rules change between versions.
    pub tool_version: String,
    /// Fingerprint of the price catalog with its overrides (`--pricing`, `--litellm-prices`).
    pub catalog: u64,
    /// Fingerprint of the classification rules (`--rules`).
    pub rules: u64,
    /// `--input-format`, when forced.
    pub input_format: Option<InputFormat>,
    /// Tag keys rows keep (what policies, `--group-by tag:…` and `--tag` read).
    pub tag_keys: Vec<String>,
    /// Per catalog entry: prompt text counted with the real tokenizers (what policies need).
    pub count_text_tokens: Vec<bool>,
}

impl PartialSettings {
    /// What differs between the settings a partial was made with and `self`, in words.
    fn differences(&self, made: &PartialSettings) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.tool_version != made.tool_version {
            out.push("llm-audit version");
        }
        if self.catalog != made.catalog {
            out.push("price catalog (--pricing, --litellm-prices)");
        }
        if self.rules != made.rules {
            out.push("classification rules (--rules)");
        }
        if self.input_format != made.input_format {
            out.push("--input-format");
        }
        if self.tag_keys != made.tag_keys {
            out.push("tags kept (policies, --group-by tag:KEY, --tag)");
        }
        if self.count_text_tokens != made.count_text_tokens {
            out.push("prompt token counting (the policies' target models)");
        }
        out
    }
}

/// The first frame of a partial.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Header {
    format_version: u32,
    settings: PartialSettings,
    /// Every input's name, in the order every shard lists them (also those of other shards).
    listing: Vec<String>,
    shard: Option<Shard>,
    /// Indices (into `listing`) of the sources this partial read, empty ones included.
    processed: Vec<u32>,
}

/// Why a partial cannot be read or merged.
#[derive(Debug, thiserror::Error)]
pub enum PartialError {
    #[error("{file}: not an llm-audit partial (write one with `analyze --emit-partial`)")]
    NotAPartial { file: String },
    #[error(
        "{file}: written by an incompatible llm-audit (partial format {found}, this one reads {FORMAT_VERSION})"
    )]
    Version { file: String, found: u32 },
    #[error("{file}: truncated or corrupt partial ({detail})")]
    Corrupt { file: String, detail: String },
    #[error("{file}: {source}")]
    Io { file: String, source: io::Error },
    #[error(
        "{file} was made with other settings ({what} differ); run `merge` with the same \
         pricing, rules, policy and grouping flags as the shards"
    )]
    Settings { file: String, what: String },
    #[error("{source_name} is in both {first} and {second}")]
    Twice {
        source_name: String,
        first: String,
        second: String,
    },
    #[error(
        "no partial covers {missing} input(s), {example} first{shards}; merge every shard's partial"
    )]
    Missing {
        missing: usize,
        example: String,
        shards: String,
    },
}

/// Writes a partial as the results come: the header, then each result, then the end frame.
pub struct PartialWriter<W: Write> {
    encoder: zstd::Encoder<'static, BufWriter<W>>,
}

impl<W: Write> PartialWriter<W> {
    /// Writes the magic line and the header.
    pub fn start(
        out: W,
        settings: &PartialSettings,
        listing: &[String],
        shard: Option<Shard>,
        processed: &[u32],
    ) -> io::Result<PartialWriter<W>> {
        let mut out = BufWriter::with_capacity(1 << 20, out);
        out.write_all(MAGIC)?;
        let mut encoder = zstd::Encoder::new(out, 3)?;
        let header = Header {
            format_version: FORMAT_VERSION,
            settings: settings.clone(),
            listing: listing.to_vec(),
            shard,
            processed: processed.to_vec(),
        };
        write_frame(&mut encoder, &header)?;
        Ok(PartialWriter { encoder })
    }

    /// Writes the next result, in input order.
    pub fn push(&mut self, result: &ChunkResult) -> io::Result<()> {
        write_frame(&mut self.encoder, result)
    }

    /// Writes the end frame and flushes.
    pub fn finish(mut self) -> io::Result<()> {
        self.encoder.write_all(&0u64.to_le_bytes())?;
        self.encoder.finish()?.flush()
    }
}

fn write_frame(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    let bytes = postcard::to_stdvec(value).map_err(io::Error::other)?;
    out.write_all(&(bytes.len() as u64).to_le_bytes())?;
    out.write_all(&xxh3_64(&bytes).to_le_bytes())?;
    out.write_all(&bytes)
}

/// A partial opened for reading: its header is read and checked, its results are read one at a
/// time as a merge asks for them.
pub struct Partial {
    /// The file's name, for messages.
    pub file: String,
    header: Header,
    frames: Frames,
}

/// The frames after a partial's header.
struct Frames {
    decoder: zstd::Decoder<'static, BufReader<Box<dyn Read>>>,
    buf: Vec<u8>,
}

impl Frames {
    /// The next frame into `buf`; false at the end frame.
    fn next(&mut self, file: &str) -> Result<bool, PartialError> {
        let corrupt = |detail: String| PartialError::Corrupt {
            file: file.to_string(),
            detail,
        };
        let mut len = [0u8; 8];
        self.decoder
            .read_exact(&mut len)
            .map_err(|err| corrupt(format!("it ends before its last frame: {err}")))?;
        let len = u64::from_le_bytes(len);
        if len == 0 {
            return Ok(false);
        }
        if len > MAX_FRAME {
            return Err(corrupt(format!("a frame claims {len} bytes")));
        }
        let mut checksum = [0u8; 8];
        self.decoder
            .read_exact(&mut checksum)
            .map_err(|err| corrupt(format!("a frame is cut short: {err}")))?;
        self.buf.resize(len as usize, 0);
        self.decoder
            .read_exact(&mut self.buf)
            .map_err(|err| corrupt(format!("a frame is cut short: {err}")))?;
        if xxh3_64(&self.buf) != u64::from_le_bytes(checksum) {
            return Err(corrupt("a frame fails its checksum".to_string()));
        }
        Ok(true)
    }
}

impl Partial {
    /// Opens the partial in `input`, named `file` in messages, and reads its header.
    pub fn open(file: &str, input: Box<dyn Read>) -> Result<Partial, PartialError> {
        let corrupt = |detail: String| PartialError::Corrupt {
            file: file.to_string(),
            detail,
        };
        let mut input = BufReader::with_capacity(1 << 20, input);
        let mut magic = vec![0; MAGIC.len()];
        if input.read_exact(&mut magic).is_err() || magic != MAGIC {
            return Err(PartialError::NotAPartial {
                file: file.to_string(),
            });
        }
        let decoder = zstd::Decoder::with_buffer(input).map_err(|source| PartialError::Io {
            file: file.to_string(),
            source,
        })?;
        let mut frames = Frames {
            decoder,
            buf: Vec::new(),
        };
        if !frames.next(file)? {
            return Err(corrupt("it has no header".to_string()));
        }
        // The version comes first in the header, so an incompatible file is named as such
        // before the rest of its header is read.
        let (format_version, _) = postcard::take_from_bytes::<u32>(&frames.buf)
            .map_err(|err| corrupt(format!("unreadable header: {err}")))?;
        if format_version != FORMAT_VERSION {
            return Err(PartialError::Version {
                file: file.to_string(),
                found: format_version,
            });
        }
        let header: Header = postcard::from_bytes(&frames.buf)
            .map_err(|err| corrupt(format!("unreadable header: {err}")))?;
        Ok(Partial {
            file: file.to_string(),
            header,
            frames,
        })
    }

    /// The next result, in the order the partial was written (input order); `None` after the
    /// last.
    fn next_result(&mut self) -> Result<Option<ChunkResult>, PartialError> {
        if !self.frames.next(&self.file)? {
            return Ok(None);
        }
        let corrupt = |detail: String| PartialError::Corrupt {
            file: self.file.clone(),
            detail,
        };
        let result: ChunkResult = postcard::from_bytes(&self.frames.buf)
            .map_err(|err| corrupt(format!("unreadable results: {err}")))?;
        let source = result.source as usize;
        if source >= self.header.listing.len() || !self.header.processed.contains(&result.source) {
            return Err(corrupt(format!(
                "results for input {source}, which the header does not list"
            )));
        }
        result.check_indexes().map_err(corrupt)?;
        Ok(Some(result))
    }
}

/// Partials whose headers fit together, ready to be read as one run.
pub struct Merge {
    /// Each partial, with the place of its first source in the merged list.
    partials: Vec<(Partial, u32)>,
}

/// Checks that partials fit together and returns the merged list of sources' names, and the
/// merge that reads their results.
///
/// Shards of one run (the same listing and shard count) fill one block of sources, in the
/// listing's order; every source of the block must come from exactly one of them. Any other
/// partial (a stdin stream, a run without `--shard`) adds its own block, in argument order.
pub fn merge_partials(
    partials: Vec<Partial>,
    settings: &PartialSettings,
) -> Result<(Vec<String>, Merge), PartialError> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut by_run: HashMap<(Vec<String>, u32), usize> = HashMap::new();
    let mut placed = Vec::with_capacity(partials.len());
    for partial in partials {
        let differences = settings.differences(&partial.header.settings);
        if !differences.is_empty() {
            return Err(PartialError::Settings {
                file: partial.file,
                what: differences.join(", "),
            });
        }
        let header = &partial.header;
        let block_index = match header.shard {
            Some(shard) => *by_run
                .entry((header.listing.clone(), shard.count))
                .or_insert_with(|| {
                    blocks.push(new_block(&blocks, &header.listing, Some(shard.count)));
                    blocks.len() - 1
                }),
            None => {
                blocks.push(new_block(&blocks, &header.listing, None));
                blocks.len() - 1
            }
        };
        let block = &mut blocks[block_index];
        if let Some(shard) = header.shard {
            block.seen_shards.push(shard.index);
        }
        for &index in &header.processed {
            let slot =
                block
                    .covered
                    .get_mut(index as usize)
                    .ok_or_else(|| PartialError::Corrupt {
                        file: partial.file.clone(),
                        detail: format!("it lists input {index} of {}", header.listing.len()),
                    })?;
            if let Some(first) = slot {
                return Err(PartialError::Twice {
                    source_name: block.listing[index as usize].clone(),
                    first: first.clone(),
                    second: partial.file,
                });
            }
            *slot = Some(partial.file.clone());
        }
        let base = block.base;
        placed.push((partial, base));
    }
    for block in &blocks {
        let missing: Vec<&String> = block
            .covered
            .iter()
            .zip(&block.listing)
            .filter(|(covered, _)| covered.is_none())
            .map(|(_, name)| name)
            .collect();
        if let Some(first) = missing.first() {
            let shards = match block.shards {
                Some(count) => {
                    let absent: Vec<String> = (1..=count)
                        .filter(|k| !block.seen_shards.contains(k))
                        .map(|k| format!("{k}/{count}"))
                        .collect();
                    if absent.is_empty() {
                        String::new()
                    } else {
                        format!(" (no partial of shard {})", absent.join(", "))
                    }
                }
                None => String::new(),
            };
            return Err(PartialError::Missing {
                missing: missing.len(),
                example: (*first).clone(),
                shards,
            });
        }
    }
    let names = blocks.into_iter().flat_map(|b| b.listing).collect();
    Ok((names, Merge { partials: placed }))
}

impl Merge {
    /// Reads every partial's results, renumbered, and hands them to `sink` in input order.
    ///
    /// Each partial holds its sources' results in order, and every source is in exactly one
    /// partial, so taking the smallest (source, position) among the partials' next results
    /// gives the order of a single run while holding one result per partial.
    pub fn read(self, mut sink: impl FnMut(ChunkResult)) -> Result<(), PartialError> {
        let mut partials = self.partials;
        let mut next: BinaryHeap<Reverse<((u32, u32), usize)>> = BinaryHeap::new();
        let mut waiting: Vec<Option<ChunkResult>> = Vec::with_capacity(partials.len());
        for (index, (partial, base)) in partials.iter_mut().enumerate() {
            let result = partial.next_result()?.map(|mut result| {
                result.shift_source(*base);
                next.push(Reverse(((result.source, result.seq), index)));
                result
            });
            waiting.push(result);
        }
        while let Some(Reverse((_, index))) = next.pop() {
            let Some(result) = waiting[index].take() else {
                continue;
            };
            sink(result);
            let (partial, base) = &mut partials[index];
            if let Some(mut result) = partial.next_result()? {
                result.shift_source(*base);
                next.push(Reverse(((result.source, result.seq), index)));
                waiting[index] = Some(result);
            }
        }
        Ok(())
    }
}

/// The sources one run listed, as they end up in the merged list.
struct Block {
    /// Index of the block's first source in the merged list.
    base: u32,
    listing: Vec<String>,
    /// The shard count, for a block of shards.
    shards: Option<u32>,
    /// Which partial read each source.
    covered: Vec<Option<String>>,
    /// The shard numbers seen (for naming the missing ones).
    seen_shards: Vec<u32>,
}

/// A block for `listing`, placed after `blocks`.
fn new_block(blocks: &[Block], listing: &[String], shards: Option<u32>) -> Block {
    Block {
        base: blocks.iter().map(|b| b.listing.len() as u32).sum(),
        listing: listing.to_vec(),
        shards,
        covered: vec![None; listing.len()],
        seen_shards: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_deal_every_source_to_exactly_one_slice() {
        for count in 1..=5u32 {
            for source in 0..23u32 {
                let owners = (1..=count)
                    .filter(|&index| Shard { index, count }.takes(source))
                    .count();
                assert_eq!(owners, 1, "source {source} of {count} shards");
            }
        }
    }

    #[test]
    fn shard_specs_are_k_of_n() {
        assert_eq!("2/8".parse(), Ok(Shard { index: 2, count: 8 }));
        assert_eq!(" 1 / 1 ".parse(), Ok(Shard { index: 1, count: 1 }));
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "-1/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
