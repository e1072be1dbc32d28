//! Per-thread memos of what is read off a prompt field: the same text is often read many
//! times. Services send the same system prompt with every call; a coding agent's calls of one
//! turn all carry the turn's prompt. Hashing and comparing such a field costs a small fraction
//! of scanning it, so each rayon worker remembers the last fields it read, keyed by their full
//! text: the answer is the computation's whatever a memo holds; only the time differs.

use std::cell::RefCell;
use std::thread::LocalKey;

use xxhash_rust::xxh3::xxh3_64;

/// Shortest field memoised: a short field is cheap to read again and gains little.
pub(super) const MEMO_MIN_BYTES: usize = 256;

/// Longest field memoised, so a memo's memory stays bounded: each entry keeps its field's text
/// to compare against. Adapters keep at most 8 KiB a field, so all of them fit.
pub(super) const MEMO_MAX_BYTES: usize = 16 * 1024;

/// Fields per memo set; the least recently used is replaced.
const WAYS: usize = 2;

/// Sets of a memo of what a call asks (its user turn, the text its vocabulary is read from):
/// an API log rarely sends one twice, a coding agent sends its turn's prompt with every call
/// of the turn, so the last few are enough, and unique turns push out little.
pub(super) const ASKED_SETS: usize = 4;

/// A remembered field: its hash and full text, and what was read off it.
struct Entry<V> {
    hash: u64,
    text: String,
    value: V,
}

/// A small set-associative cache keyed by the full text of a field: a hit needs the same hash
/// *and* the same bytes, so two fields are never confused. At most `sets * WAYS` entries of at
/// most [`MEMO_MAX_BYTES`] each.
pub(super) struct FieldMemo<V> {
    entries: Vec<Option<Entry<V>>>,
    /// Per set, the way that served or took a field last.
    recent: Vec<u8>,
}

impl<V: Copy> FieldMemo<V> {
    pub(super) fn new(sets: usize) -> FieldMemo<V> {
        FieldMemo {
            entries: (0..sets * WAYS).map(|_| None).collect(),
            recent: vec![0; sets],
        }
    }

    /// What `read` answers for `text`, whose hash is `hash`: remembered, or read and
    /// remembered.
    pub(super) fn get(&mut self, text: &str, hash: u64, read: impl FnOnce(&str) -> V) -> V {
        let set = (hash % self.recent.len() as u64) as usize;
        let base = set * WAYS;
        for way in 0..WAYS {
            if let Some(entry) = &self.entries[base + way]
                && entry.hash == hash
                && entry.text == text
            {
                self.recent[set] = way as u8;
                return entry.value;
            }
        }
        let value = read(text);
        let way = (usize::from(self.recent[set]) + 1) % WAYS;
        self.recent[set] = way as u8;
        match &mut self.entries[base + way] {
            // Reuse the evicted entry's buffer: no allocation once the memo is warm.
            Some(entry) => {
                entry.hash = hash;
                entry.text.clear();
                entry.text.push_str(text);
                entry.value = value;
            }
            slot @ None => {
                *slot = Some(Entry {
                    hash,
                    text: text.to_string(),
                    value,
                });
            }
        }
        value
    }
}

/// `read(text)`, remembered in the thread's `memo` for fields of [`MEMO_MIN_BYTES`] to
/// [`MEMO_MAX_BYTES`].
pub(super) fn memoised<V: Copy + 'static>(
    memo: &'static LocalKey<RefCell<FieldMemo<V>>>,
    text: &str,
    read: impl FnOnce(&str) -> V,
) -> V {
    if !(MEMO_MIN_BYTES..=MEMO_MAX_BYTES).contains(&text.len()) {
        return read(text);
    }
    let hash = xxh3_64(text.as_bytes());
    memo.with(|memo| match memo.try_borrow_mut() {
        Ok(mut memo) => memo.get(text, hash, read),
        // Not reentrant; should a read ever run inside one, it reads without the memo.
        Err(_) => read(text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two different fields under the same hash (a collision forced by hand) are told apart
    /// by their text: the memo never returns another field's value.
    #[test]
    fn keys_on_the_full_text() {
        let a = format!("Translate this. {}", "word ".repeat(300));
        let b = format!("Summarize this. {}", "word ".repeat(300));
        let mut memo = FieldMemo::new(4);
        let reads = std::cell::Cell::new(0);
        let first_word = |text: &str| {
            reads.set(reads.get() + 1);
            text.as_bytes()[0]
        };
        for _ in 0..3 {
            assert_eq!(memo.get(&a, 7, first_word), b'T');
            assert_eq!(memo.get(&b, 7, first_word), b'S');
        }
        assert_eq!(reads.get(), 2, "each field read once, then remembered");
        // A third field in the same set evicts the least recently used one (a), which is
        // then read again, correctly.
        let c = format!("Classify this. {}", "word ".repeat(300));
        assert_eq!(memo.get(&c, 7 + 4, first_word), b'C');
        assert_eq!(memo.get(&a, 7, first_word), b'T');
        assert_eq!(reads.get(), 4);
    }
}
