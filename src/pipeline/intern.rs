//! Values many rows share (model names, tag sets), stored once and referred to by index. Each
//! piece of work interns its own; merging maps its indices onto the run's.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

/// Distinct values in first-seen order, each with its index.
#[derive(Debug)]
pub(crate) struct Interner<K> {
    items: Vec<K>,
    index: HashMap<K, u32>,
}

impl<K: Clone + Eq + Hash> Interner<K> {
    /// An interner whose index 0 is `first` (e.g. the empty tag set).
    pub fn starting_with(first: K) -> Interner<K> {
        let mut interner = Interner::default();
        interner.insert(first);
        interner
    }

    /// The index of `key`, added when new; a known key is looked up without being copied.
    pub fn intern<Q>(&mut self, key: &Q) -> u32
    where
        K: Borrow<Q>,
        Q: Eq + Hash + ToOwned<Owned = K> + ?Sized,
    {
        match self.index.get(key) {
            Some(&index) => index,
            None => self.insert(key.to_owned()),
        }
    }

    /// The index of an owned `key`, added when new.
    pub fn insert(&mut self, key: K) -> u32 {
        if let Some(&index) = self.index.get(&key) {
            return index;
        }
        let index = self.items.len() as u32;
        self.items.push(key.clone());
        self.index.insert(key, index);
        index
    }

    /// Adds every value of another interner; returns where each of its indices now points.
    pub fn merge(&mut self, other: Vec<K>) -> Vec<u32> {
        other.into_iter().map(|key| self.insert(key)).collect()
    }

    pub fn into_items(self) -> Vec<K> {
        self.items
    }
}

impl<K> Default for Interner<K> {
    fn default() -> Interner<K> {
        Interner {
            items: Vec::new(),
            index: HashMap::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_in_first_seen_order_and_maps_merged_indices() {
        let mut run = Interner::starting_with(String::new());
        assert_eq!(run.intern("b"), 1);
        assert_eq!(run.intern("a"), 2);
        assert_eq!(run.intern("b"), 1);
        let remap = run.merge(vec![String::new(), "a".into(), "c".into()]);
        assert_eq!(remap, vec![0, 2, 3]);
        assert_eq!(run.into_items(), ["", "b", "a", "c"]);
    }
}
