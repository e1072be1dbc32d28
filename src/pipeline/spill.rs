//! Bytes kept in a temporary file instead of the heap: where a large run's encoded rows go
//! ([`crate::pipeline::Rows`]), so that its memory does not grow with the calls.
//!
//! The file is written with ordinary writes (a full disk is an error, not a signal) and read
//! through a shared memory map; the few changes made in place (attempt groups, dropped
//! duplicates) overwrite bytes already written. Pages read through the map count toward the
//! process's resident memory until they are unmapped, so the map is given back to the kernel
//! ([`MADV_DONTNEED`]) whenever the pages read since the last time could add up to
//! [`MAPPED_LIMIT`], unless those reads were spread thin: then the limit doubles, up to
//! [`MAPPED_CEILING`], since giving the map back would only fault the same pages in again.
//! The bytes stay in the kernel's page
//! cache while memory is free, and are written to disk and dropped from it when memory is
//! needed: reading them again is then a read from disk.
//!
//! The file is created already unlinked ([`tempfile::tempfile`]) in the temporary directory
//! (`TMPDIR`), so no other process can open it by name and it is gone when the run ends, even
//! if the run is killed. A temporary directory on a RAM file system (tmpfs) keeps the bytes in
//! memory all the same.
//!
//! [`MADV_DONTNEED`]: https://man7.org/linux/man-pages/man2/madvise.2.html

use std::cell::Cell;
use std::fs::File;
use std::io;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};

use memmap2::{MmapMut, MmapOptions, UncheckedAdvice};

/// The unit the map's resident pages are counted in: a fault maps the whole folio of the page
/// cache that holds the page, and a file system with large folios (ext4 and XFS on recent
/// Linux) keeps a file in folios of up to 2 MiB (on 6.18, a read of one byte maps 2 MiB).
const WINDOW_SHIFT: u32 = 21;

/// Bytes of the map that may be resident before it is given back, at first.
pub const MAPPED_LIMIT: usize = 32 << 20;

/// The most the limit grows to, so that a run's peak memory stays bounded whatever its reads
/// (at 10 million calls, unbounded doubling left 150 to 590 MiB of the map resident from run
/// to run). 96 MiB holds the rows of a 4 GB Claude Code tree (81 MB), whose time-ordered
/// passes jump between sessions: with 64 MiB that tree took 10 % longer, faulting pages in
/// again; with 128 MiB, 20 GB of gateway logs peaked past 200 MiB.
const MAPPED_CEILING: usize = 3 * MAPPED_LIMIT;

/// Reads a window must have had, on average, since the map was last given back for the reads
/// to count as close together. Reads further apart than that (a pass in time order over logs
/// whose sessions interleave, say) would fault the same windows in again and again, so the
/// limit doubles instead, when the turn before was spread thin too: memory is then traded for
/// time. A few reads far apart (the rows a pass drops, say) make one such turn, not two. A pass
/// in input order reads thousands of rows a window.
const CLOSE_READS: usize = 64;

/// Reads a thread counts before it adds them to [`Spill::reads`].
const READ_BATCH: usize = 256;

/// Counts a thread keeps: spills take them in turn ([`Spill::slot`]), so that the rows and
/// their starts, read by turns, each count their own reads.
const SLOTS: usize = 8;

/// The slot the next spill made takes.
static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Reads of the spills of each slot by this thread not yet added to their count.
    static READS: [Cell<usize>; SLOTS] = const { [const { Cell::new(0) }; SLOTS] };
}

/// A shared map of `file`, `len` bytes long or more (at least 1 MiB).
fn map(file: &File, len: usize) -> io::Result<MmapMut> {
    // SAFETY: the file is ours alone: created unlinked, its descriptor never shared, and never
    // shortened. Only bytes written to it are read or written through the map.
    unsafe { MmapOptions::new().len(len.max(1 << 20)).map_mut(file) }
}

/// A bit for each window of a map `len` bytes long.
fn windows(len: usize) -> Vec<AtomicU64> {
    let words = len.div_ceil(64 << WINDOW_SHIFT);
    (0..words).map(|_| AtomicU64::new(0)).collect()
}

/// Bytes in a file, read through a map.
pub struct Spill {
    file: File,
    map: MmapMut,
    /// Bytes written; the map is longer, and nothing past `len` is read.
    len: usize,
    /// One bit per window of the map read since it was last given back.
    windows: Vec<AtomicU64>,
    /// Windows marked in `windows`.
    mapped: AtomicUsize,
    /// Windows that may be marked before the map is given back.
    limit: AtomicUsize,
    /// Reads since the map was last given back.
    reads: AtomicUsize,
    /// Which of the thread's counts ([`READS`]) this spill's reads go to.
    slot: usize,
    /// Times the map was given back.
    given_back: AtomicUsize,
    /// The reads before the last give-back were spread thin.
    thin_before: AtomicBool,
}

impl Spill {
    /// A temporary file holding `bytes`.
    pub fn create(bytes: &[u8]) -> io::Result<Spill> {
        let file = tempfile::tempfile()?;
        file.write_all_at(bytes, 0)?;
        let map = map(&file, bytes.len())?;
        Ok(Spill {
            file,
            windows: windows(map.len()),
            map,
            len: bytes.len(),
            mapped: AtomicUsize::new(0),
            limit: AtomicUsize::new(MAPPED_LIMIT >> WINDOW_SHIFT),
            reads: AtomicUsize::new(0),
            given_back: AtomicUsize::new(0),
            thin_before: AtomicBool::new(false),
            slot: NEXT_SLOT.fetch_add(1, Relaxed) % SLOTS,
        })
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Writes `bytes` at the end of the file.
    pub fn extend(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all_at(bytes, self.len as u64)?;
        let len = self.len + bytes.len();
        if len > self.map.len() {
            // The map reaches past the end of the file, so it is made again only when the
            // file has doubled. Dropping the old one unmaps its pages.
            self.map = map(&self.file, len.max(2 * self.map.len()))?;
            self.windows = windows(self.map.len());
            self.mapped.store(0, Relaxed);
        }
        self.len = len;
        Ok(())
    }

    /// The bytes of `range` (which must lie below `len`). Not inlined, so that reading rows
    /// kept on the heap stays small enough to be.
    #[inline(never)]
    pub fn read(&self, range: Range<usize>) -> &[u8] {
        self.count_read();
        self.mark(range.start);
        self.mark(range.end.saturating_sub(1).max(range.start));
        &self.map[..self.len][range]
    }

    /// The bytes of `range`, to change in place.
    #[inline(never)]
    pub fn write(&mut self, range: Range<usize>) -> &mut [u8] {
        self.count_read();
        self.mark(range.start);
        self.mark(range.end.saturating_sub(1).max(range.start));
        &mut self.map[..self.len][range]
    }

    /// Copies the bytes of `from` to `to` (ranges that may overlap), as `copy_within`.
    pub fn copy_within(&mut self, from: Range<usize>, to: usize) {
        // A read and a write: counted, or a pass that moves rows would look spread thin.
        self.count_read();
        for at in [from.start, from.end.saturating_sub(1), to] {
            self.mark(at);
        }
        self.map[..self.len].copy_within(from, to);
    }

    /// Forgets the bytes from `len` on (the file keeps its length; they are never read).
    pub fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    /// All the bytes, copied to the heap.
    pub fn to_vec(&self) -> Vec<u8> {
        let bytes = self.map[..self.len].to_vec();
        self.give_back();
        bytes
    }

    /// Counts a read: in the thread first, and in [`Spill::reads`] every [`READ_BATCH`] reads,
    /// so that cores reading side by side do not contend for the count.
    #[inline]
    fn count_read(&self) {
        READS.with(|slots| {
            let reads = &slots[self.slot];
            let count = reads.get() + 1;
            if count < READ_BATCH {
                reads.set(count);
            } else {
                reads.set(0);
                self.reads.fetch_add(count, Relaxed);
            }
        });
    }

    /// Notes that the window holding byte `at` is read. Once the windows read reach the
    /// limit, the map is given back, unless these reads and those before the last give-back
    /// were both spread thin ([`CLOSE_READS`]): then the limit doubles (up to
    /// [`MAPPED_CEILING`]).
    #[inline]
    fn mark(&self, at: usize) {
        let window = at >> WINDOW_SHIFT;
        let (Some(word), bit) = (self.windows.get(window / 64), 1 << (window % 64)) else {
            return;
        };
        if word.load(Relaxed) & bit != 0 || word.fetch_or(bit, Relaxed) & bit != 0 {
            return;
        }
        let mapped = self.mapped.fetch_add(1, Relaxed) + 1;
        let limit = self.limit.load(Relaxed);
        // Only the read that reaches the limit decides: another thread past it would see the
        // count of reads its give-back just set to zero, and double the limit for nothing.
        if mapped != limit {
            return;
        }
        let thin = self.reads.load(Relaxed) < CLOSE_READS * mapped;
        let ceiling = MAPPED_CEILING >> WINDOW_SHIFT;
        if self.thin_before.swap(thin, Relaxed) && thin && limit < ceiling {
            self.limit.store((2 * limit).min(ceiling), Relaxed);
        } else {
            self.give_back();
        }
    }

    /// Unmaps every page of the map from the process (they stay in the page cache).
    fn give_back(&self) {
        for word in &self.windows {
            word.store(0, Relaxed);
        }
        self.mapped.store(0, Relaxed);
        self.reads.store(0, Relaxed);
        self.given_back.fetch_add(1, Relaxed);
        // SAFETY: the map is a shared map of a file, so dropping its pages loses nothing: the
        // next read of them maps the same bytes again from the page cache (or the file). A
        // thread reading the map meanwhile sees the same bytes. Failure only leaves the
        // pages mapped.
        let _ = unsafe { self.map.unchecked_advise(UncheckedAdvice::DontNeed) };
    }

    /// Bytes of the map resident in the process now (its `Rss` in `/proc/self/smaps`), for
    /// tests.
    #[cfg(test)]
    fn resident(&self) -> usize {
        let start = format!("{:x}-", self.map.as_ptr() as usize);
        let smaps = std::fs::read_to_string("/proc/self/smaps").expect("smaps");
        let kib: usize = smaps
            .split_inclusive('\n')
            .skip_while(|line| !line.starts_with(&start))
            .find_map(|line| line.strip_prefix("Rss:"))
            .and_then(|rest| rest.trim().strip_suffix("kB"))
            .and_then(|kib| kib.trim().parse().ok())
            .expect("the map's Rss line");
        kib << 10
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|at| (at * 7 % 251) as u8).collect()
    }

    #[test]
    fn reads_back_what_was_written_across_growth() {
        let all = pattern(3 << 20);
        let mut spill = Spill::create(&all[..1000]).unwrap();
        for piece in all[1000..].chunks(123_457) {
            spill.extend(piece).unwrap();
        }
        assert_eq!(spill.len(), all.len());
        assert_eq!(spill.to_vec(), all);
        assert_eq!(spill.read(2_000_000..2_000_100), &all[2_000_000..2_000_100]);
    }

    #[test]
    fn changes_and_moves_stay_in_the_file() {
        let mut all = pattern(1 << 20);
        let mut spill = Spill::create(&all).unwrap();
        spill.write(10..14).copy_from_slice(b"abcd");
        all[10..14].copy_from_slice(b"abcd");
        spill.copy_within(500_000..600_000, 5);
        all.copy_within(500_000..600_000, 5);
        spill.truncate(700_000);
        all.truncate(700_000);
        spill.give_back();
        assert_eq!(spill.to_vec(), all);
    }

    /// Reads that go round more windows than the limit, a few rows each, double the limit
    /// instead of giving the map back at every turn; past [`MAPPED_CEILING`] the map is given
    /// back all the same, so no more than that is ever mapped.
    #[test]
    fn scattered_reads_raise_the_limit_up_to_the_ceiling() {
        let windows = 3 * (MAPPED_CEILING >> WINDOW_SHIFT) / 2;
        let spill = Spill::create(&pattern(windows << WINDOW_SHIFT)).unwrap();
        let mut most = 0;
        for round in 0..4 {
            for window in 0..windows {
                let at = (window << WINDOW_SHIFT) + round * 4096;
                assert_eq!(spill.read(at..at + 1)[0], (at * 7 % 251) as u8);
                most = most.max(spill.resident());
            }
        }
        assert_eq!(spill.limit.load(Relaxed), MAPPED_CEILING >> WINDOW_SHIFT);
        assert!(spill.given_back.load(Relaxed) > 0);
        assert!(most > MAPPED_LIMIT, "{most} bytes mapped at most");
        assert!(
            most <= MAPPED_CEILING + (1 << WINDOW_SHIFT),
            "{most} bytes mapped at most"
        );
    }

    #[test]
    fn reading_everything_keeps_no_more_than_the_limit_mapped() {
        let all = pattern(4 * MAPPED_LIMIT);
        let spill = Spill::create(&all).unwrap();
        let mut sum = 0u64;
        let mut most = 0;
        for start in (0..all.len()).step_by(4096) {
            sum += spill.read(start..start + 1)[0] as u64;
            if start % (1 << 20) == 0 {
                most = most.max(spill.resident());
            }
        }
        assert_eq!(
            sum,
            all.iter().step_by(4096).map(|&b| b as u64).sum::<u64>()
        );
        // Every page was read, but at no time was more than the limit (and the window being
        // read) mapped in the process.
        assert!(most > 0);
        assert!(spill.given_back.load(Relaxed) >= 3);
        assert!(
            most <= MAPPED_LIMIT + (1 << WINDOW_SHIFT),
            "{most} bytes mapped"
        );
    }
}
