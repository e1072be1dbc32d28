//! Lists with an entry per call, sorted without holding them whole: the passes that need the
//! calls in another order than the input's (time order, a request's attempts side by side) or
//! that hand back what they found call by call (a cache's verdicts, read later in input order)
//! put their entries in an [`ExternalSort`] and read them back sorted.
//!
//! Entries gather in memory until they fill a chunk of [`ExternalSort::new`]'s limit; the chunk
//! is then sorted (on all cores) and written, encoded, as a run at the end of a temporary file.
//! Reading merges the runs and the last chunk, each read through a small buffer, so memory is
//! one chunk and a buffer a run however many entries there are. A list that fits one chunk
//! never touches the file. Entries are totally ordered and equal ones are alike (most carry
//! their row's index), so the order read back is the same whatever the limit.
//!
//! A temporary file that cannot be written keeps the entries in memory from then on, with a
//! warning, as [`crate::pipeline::Rows`] does. One that cannot be read back (a failing disk)
//! ends the run with a message and exit status 2: the entries are gone, and the passes that
//! read them have no answer without them (the rows' own file, read through a map, would end
//! it with a signal).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

use rayon::prelude::*;

use crate::pipeline::BLOCK_ROWS;

/// Bytes read from a run at a time.
const RUN_BUFFER: usize = 64 << 10;

/// An entry of a sorted list, written to a run as `BYTES` bytes.
pub trait Record: Ord + Send + Sync + Sized {
    const BYTES: usize;
    fn put(&self, out: &mut [u8]);
    fn take(bytes: &[u8]) -> Self;
}

/// Entries being gathered, to be read back in order ([`ExternalSort::sorted`]).
pub struct ExternalSort<T> {
    chunk: Vec<T>,
    /// Entries a chunk holds before it is written as a run (`None`: never written).
    capacity: Option<usize>,
    file: Option<File>,
    /// Each run's first byte and length in `file`.
    runs: Vec<(u64, u64)>,
    written: u64,
}

impl<T: Record> ExternalSort<T> {
    /// Entries kept in memory up to `limit` bytes of them (encoded), beyond which each full
    /// chunk is written to a temporary file; `None` keeps them all in memory.
    pub fn new(limit: Option<usize>) -> ExternalSort<T> {
        ExternalSort {
            chunk: Vec::new(),
            capacity: limit.map(|bytes| (bytes / T::BYTES).max(1)),
            file: None,
            runs: Vec::new(),
            written: 0,
        }
    }

    pub fn push(&mut self, entry: T) {
        if let Some(capacity) = self.capacity
            && self.chunk.len() == self.chunk.capacity()
        {
            // Grows as a Vec would, but never past the chunk.
            let len = self.chunk.len();
            self.chunk
                .reserve_exact((len * 2).max(16).min(capacity).saturating_sub(len).max(1));
        }
        self.chunk.push(entry);
        if self
            .capacity
            .is_some_and(|capacity| self.chunk.len() >= capacity)
        {
            self.write_run();
        }
    }

    /// Sorts the chunk and writes it as a run (encoded a buffer at a time); on failure keeps
    /// it, and every later entry, in memory.
    fn write_run(&mut self) {
        self.chunk.par_sort_unstable();
        if self.file.is_none() {
            match tempfile::tempfile() {
                Ok(file) => self.file = Some(file),
                Err(error) => return self.keep_in_memory(&error),
            }
        }
        let Some(file) = &self.file else { return };
        let per_write = (RUN_BUFFER / T::BYTES).max(1);
        let mut buffer = vec![0u8; per_write * T::BYTES];
        let mut end = self.written;
        for entries in self.chunk.chunks(per_write) {
            let bytes = &mut buffer[..entries.len() * T::BYTES];
            for (entry, out) in entries.iter().zip(bytes.chunks_mut(T::BYTES)) {
                entry.put(out);
            }
            if let Err(error) = file.write_all_at(bytes, end) {
                return self.keep_in_memory(&error);
            }
            end += bytes.len() as u64;
        }
        self.runs.push((self.written, end - self.written));
        self.written = end;
        self.chunk.clear();
    }

    /// Keeps the chunk and every later entry in memory, after the temporary file failed (the
    /// runs written so far are still read back).
    fn keep_in_memory(&mut self, error: &io::Error) {
        crate::diag!(
            "warning: cannot sort in a temporary file in {} ({error}); sorting in memory",
            std::env::temp_dir().display()
        );
        self.capacity = None;
    }

    /// The entries in order.
    pub fn sorted(mut self) -> Sorted<T> {
        self.chunk.par_sort_unstable();
        let mut sorted = Sorted {
            file: self.file,
            runs: Vec::with_capacity(self.runs.len()),
            chunk: self.chunk.into_iter(),
            heap: BinaryHeap::new(),
        };
        let chunk_source = self.runs.len();
        for (index, (start, len)) in self.runs.into_iter().enumerate() {
            let mut run = Run {
                next: start,
                end: start + len,
                buffer: Vec::new(),
                at: 0,
            };
            if let Some(entry) = run.next(sorted.file.as_ref(), T::BYTES) {
                sorted.heap.push(Reverse((entry, index)));
            }
            sorted.runs.push(run);
        }
        if !sorted.runs.is_empty()
            && let Some(entry) = sorted.chunk.next()
        {
            sorted.heap.push(Reverse((entry, chunk_source)));
        }
        sorted
    }
}

/// A run being read back.
struct Run {
    /// The file offset of the bytes after `buffer`'s, and the end of the run.
    next: u64,
    end: u64,
    buffer: Vec<u8>,
    /// The offset in `buffer` of the next entry.
    at: usize,
}

impl Run {
    /// The next entry's bytes decoded, reading the file when the buffer is spent.
    fn next<T: Record>(&mut self, file: Option<&File>, bytes: usize) -> Option<T> {
        if self.at == self.buffer.len() {
            let len = (self.end - self.next).min((RUN_BUFFER / bytes * bytes).max(bytes) as u64);
            if len == 0 {
                return None;
            }
            self.buffer.resize(len as usize, 0);
            let read = file
                .ok_or_else(|| io::Error::other("the file is gone"))
                .and_then(|file| file.read_exact_at(&mut self.buffer, self.next));
            if let Err(error) = read {
                unreadable(&error);
            }
            self.next += len;
            self.at = 0;
        }
        let entry = T::take(&self.buffer[self.at..self.at + bytes]);
        self.at += bytes;
        Some(entry)
    }
}

/// Ends the run: entries written to the temporary file cannot be read back.
fn unreadable(error: &io::Error) -> ! {
    crate::diag!(
        "error: cannot read back the temporary file in {} that the run sorted its calls in ({error})",
        std::env::temp_dir().display()
    );
    std::process::exit(2)
}

/// The entries of an [`ExternalSort`], read in order.
pub struct Sorted<T> {
    file: Option<File>,
    runs: Vec<Run>,
    /// The last chunk, sorted: the only source when nothing was written.
    chunk: std::vec::IntoIter<T>,
    /// The next entry of each source not yet spent (a run by its index, the chunk after them).
    heap: BinaryHeap<Reverse<(T, usize)>>,
}

impl<T: Record> Iterator for Sorted<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        if self.runs.is_empty() {
            return self.chunk.next();
        }
        let Reverse((entry, source)) = self.heap.pop()?;
        let following = match self.runs.get_mut(source) {
            Some(run) => run.next(self.file.as_ref(), T::BYTES),
            None => self.chunk.next(),
        };
        if let Some(following) = following {
            self.heap.push(Reverse((following, source)));
        }
        Some(entry)
    }
}

/// The values `f` gives for the indices below `len`, sorted, made on all cores a block at a
/// time and kept as [`ExternalSort::new`] with `limit` keeps them.
pub fn sort_filter_map<T: Record>(
    len: usize,
    limit: Option<usize>,
    f: impl Fn(usize) -> Option<T> + Sync,
) -> Sorted<T> {
    let mut sort = ExternalSort::new(limit);
    for start in (0..len).step_by(BLOCK_ROWS) {
        let found: Vec<Option<T>> = (start..len.min(start + BLOCK_ROWS))
            .into_par_iter()
            .map(&f)
            .collect();
        for entry in found.into_iter().flatten() {
            sort.push(entry);
        }
    }
    sort.sorted()
}

/// Hands `each` the rows of every key that two or more of the sorted (key, row) `entries`
/// share, in row order, one key after another.
pub fn shared_keys<K: PartialEq>(
    entries: impl IntoIterator<Item = (K, usize)>,
    mut each: impl FnMut(&[usize]),
) {
    let mut rows = Vec::new();
    let mut last = None;
    for (key, row) in entries {
        if last.as_ref() != Some(&key) {
            if rows.len() > 1 {
                each(&rows);
            }
            rows.clear();
            last = Some(key);
        }
        rows.push(row);
    }
    if rows.len() > 1 {
        each(&rows);
    }
}

/// A fixed-width number in a run.
pub trait Field: Copy {
    const BYTES: usize;
    fn put(self, out: &mut [u8]);
    fn take(bytes: &[u8]) -> Self;
}

macro_rules! field {
    ($($t:ty),*) => {$(
        impl Field for $t {
            const BYTES: usize = size_of::<$t>();
            fn put(self, out: &mut [u8]) {
                out.copy_from_slice(&self.to_le_bytes());
            }
            fn take(bytes: &[u8]) -> Self {
                <$t>::from_le_bytes(bytes.try_into().expect("a field's width"))
            }
        }
    )*};
}

field!(u8, u32, u64, i64, i128, usize);

impl Field for bool {
    const BYTES: usize = 1;
    fn put(self, out: &mut [u8]) {
        out[0] = u8::from(self);
    }
    fn take(bytes: &[u8]) -> Self {
        bytes[0] != 0
    }
}

macro_rules! tuple_record {
    ($(($($name:ident $index:tt),+)),*) => {$(
        impl<$($name: Field + Ord + Send + Sync),+> Record for ($($name,)+) {
            const BYTES: usize = 0 $(+ $name::BYTES)+;
            fn put(&self, out: &mut [u8]) {
                let mut at = 0;
                $(
                    self.$index.put(&mut out[at..at + $name::BYTES]);
                    at += $name::BYTES;
                )+
                let _ = at;
            }
            fn take(bytes: &[u8]) -> Self {
                let mut at = 0;
                ($({
                    let field = $name::take(&bytes[at..at + $name::BYTES]);
                    at += $name::BYTES;
                    let _ = at;
                    field
                },)+)
            }
        }
    )*};
}

tuple_record!((A 0, B 1), (A 0, B 1, C 2), (A 0, B 1, C 2, D 3));

#[cfg(test)]
mod tests {
    use super::*;

    /// A scrambled but reproducible list of (time, index) with many equal times.
    fn entries(len: usize) -> Vec<(i64, usize)> {
        (0..len)
            .map(|i| (((i as i64).wrapping_mul(7919) % 1_000) - 500, i))
            .collect()
    }

    #[test]
    fn reads_back_the_entries_in_order_whatever_the_chunk() {
        let list = entries(10_000);
        let mut expected = list.clone();
        expected.sort_unstable();
        // No limit, a limit of one entry a run, and chunks that do not divide the list.
        for limit in [None, Some(1), Some(16 * 7), Some(16 * 1_000), Some(1 << 20)] {
            let mut sort = ExternalSort::new(limit);
            for &entry in &list {
                sort.push(entry);
            }
            let runs = sort.runs.len();
            assert_eq!(
                sort.sorted().collect::<Vec<_>>(),
                expected,
                "limit {limit:?}"
            );
            // A run is written each time a chunk fills: 10,000 / entries a chunk, none
            // without a limit or with a chunk larger than the list.
            let expected_runs = limit.map_or(0, |bytes| 10_000 / (bytes / 16).max(1));
            assert_eq!(runs, expected_runs, "limit {limit:?}");
        }
    }

    #[test]
    fn a_limit_writes_runs_and_none_keeps_every_entry_in_memory() {
        let mut spilling = ExternalSort::new(Some(16 * 100));
        let mut kept = ExternalSort::new(None);
        for entry in entries(1_000) {
            spilling.push(entry);
            kept.push(entry);
        }
        // 1,000 entries of 16 bytes in chunks of 100: ten runs, nothing left in memory.
        assert_eq!((spilling.runs.len(), spilling.chunk.len()), (10, 0));
        assert_eq!(spilling.written, 16_000);
        assert!(spilling.chunk.capacity() <= 100);
        assert_eq!((kept.runs.len(), kept.chunk.len()), (0, 1_000));
    }

    #[test]
    fn the_sort_of_indices_filters_maps_and_orders_them() {
        // Every third index, keyed backwards: read back from the largest index down.
        let keep = |i: usize| i.is_multiple_of(3).then_some((u64::MAX - i as u64, i));
        for limit in [None, Some(16 * 5)] {
            let sorted = sort_filter_map(40_000, limit, keep);
            let indices: Vec<usize> = sorted.map(|(_, i)| i).collect();
            let expected: Vec<usize> = (0..40_000).rev().filter(|i| i % 3 == 0).collect();
            assert_eq!(indices, expected, "limit {limit:?}");
        }
    }

    #[test]
    fn shared_keys_come_with_their_rows_and_lone_keys_not_at_all() {
        let mut groups = Vec::new();
        let entries = [(1, 4), (1, 9), (2, 3), (5, 0), (5, 1), (5, 7), (8, 2)];
        shared_keys(entries, |rows| groups.push(rows.to_vec()));
        assert_eq!(groups, [vec![4, 9], vec![0, 1, 7]]);
        shared_keys(Vec::<(u64, usize)>::new(), |_| panic!("no entries, no key"));
    }

    #[test]
    fn records_of_mixed_fields_round_trip() {
        let entry = (7u64, -3i64, 12usize, true);
        let mut bytes = vec![0u8; <(u64, i64, usize, bool)>::BYTES];
        assert_eq!(bytes.len(), 8 + 8 + 8 + 1);
        entry.put(&mut bytes);
        assert_eq!(<(u64, i64, usize, bool)>::take(&bytes), entry);
    }
}
