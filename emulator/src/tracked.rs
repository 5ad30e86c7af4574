//! Collections that remember which entries were handed out for change, so that `--data-dir` writes only
//! those entries after an operation instead of the whole store (see [`crate::persist`]).
//!
//! Reading goes through `Deref` to the plain collection. There is deliberately no `DerefMut`: every way to
//! change an entry is a method here that notes its key, so a new kind of mutation cannot slip past
//! persistence unnoticed — it does not compile until it is added here.
//!
//! Noting a key means "may have changed", never "has changed": the persistence layer writes the entry's
//! current state (or its absence), which is correct either way. The notes are drained after every use of the
//! store, with or without a data dir, so they never pile up.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::Hash;
use std::ops::Deref;

/// Keys that may have changed since the last drain.
#[derive(Clone, Debug)]
pub struct Changes<K> {
    keys: BTreeSet<K>,
    /// Set by whole-collection mutable access (`values_mut`): every entry may have changed.
    everything: bool,
}

impl<K> Default for Changes<K> {
    fn default() -> Self {
        Self {
            keys: BTreeSet::new(),
            everything: false,
        }
    }
}

impl<K: Ord> Changes<K> {
    fn note(&mut self, key: K) {
        if !self.everything {
            self.keys.insert(key);
        }
    }

    fn is_empty(&self) -> bool {
        !self.everything && self.keys.is_empty()
    }
}

/// What a drain reports.
#[derive(Debug, PartialEq, Eq)]
pub enum Drained<K> {
    /// These keys (present or removed).
    Keys(BTreeSet<K>),
    /// Any entry may have changed, and removed ones are unknown: rewrite the whole collection.
    Everything,
}

/// A collection `C` with keys of type `K` whose changes are noted.
#[derive(Clone, Debug)]
pub struct Tracked<C, K> {
    inner: C,
    changes: Changes<K>,
}

pub type TrackedBTreeMap<K, V> = Tracked<BTreeMap<K, V>, K>;
pub type TrackedHashMap<K, V> = Tracked<HashMap<K, V>, K>;
pub type TrackedHashSet<K> = Tracked<HashSet<K>, K>;

impl<C: Default, K> Default for Tracked<C, K> {
    fn default() -> Self {
        Self {
            inner: C::default(),
            changes: Changes::default(),
        }
    }
}

impl<C, K> Deref for Tracked<C, K> {
    type Target = C;

    fn deref(&self) -> &C {
        &self.inner
    }
}

impl<C, K: Ord> Tracked<C, K> {
    /// Wraps a collection read back from disk: nothing in it counts as changed.
    pub fn unchanged(inner: C) -> Self {
        Self {
            inner,
            changes: Changes::default(),
        }
    }

    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }

    /// The noted keys, forgetting them.
    pub fn take_changes(&mut self) -> Drained<K> {
        let changes = std::mem::take(&mut self.changes);
        if changes.everything {
            Drained::Everything
        } else {
            Drained::Keys(changes.keys)
        }
    }

    /// Notes every entry as changed (used to write a whole store, e.g. after seeding).
    pub fn note_everything(&mut self) {
        self.changes.keys.clear();
        self.changes.everything = true;
    }
}

/// The mutating part of `BTreeMap` / `HashMap` that the operations use, each noting what it touches.
macro_rules! tracked_map {
    ($map:ident, $($bound:tt)+) => {
        impl<K: $($bound)+ + Ord + Clone, V> Tracked<$map<K, V>, K> {
            pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
            where
                K: std::borrow::Borrow<Q>,
                Q: $($bound)+ + Ord + ?Sized,
            {
                let owned = self.inner.get_key_value(key)?.0.clone();
                self.changes.note(owned);
                self.inner.get_mut(key)
            }

            pub fn insert(&mut self, key: K, value: V) -> Option<V> {
                self.changes.note(key.clone());
                self.inner.insert(key, value)
            }

            pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
            where
                K: std::borrow::Borrow<Q>,
                Q: $($bound)+ + Ord + ?Sized,
            {
                let (key, value) = self.inner.remove_entry(key)?;
                self.changes.note(key);
                Some(value)
            }

            /// Every value, mutably: marks the whole collection as changed.
            pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
                self.changes.everything = true;
                self.changes.keys.clear();
                self.inner.values_mut()
            }

            /// Keeps the entries `keep` accepts; the others are noted as removed.
            pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
                let changes = &mut self.changes;
                self.inner.retain(|key, value| {
                    let kept = keep(key, value);
                    if !kept {
                        changes.note(key.clone());
                    }
                    kept
                });
            }
        }
    };
}

tracked_map!(BTreeMap, Ord);
tracked_map!(HashMap, Hash + Eq);

impl<K: Ord, V> Tracked<BTreeMap<K, V>, K> {
    /// One entry, mutably, without noting it: only for the persistence layer, to drain the notes of the
    /// collections nested in a pool it is writing (or forgetting) anyway.
    pub(crate) fn get_mut_unnoted(&mut self, key: &K) -> Option<&mut V> {
        self.inner.get_mut(key)
    }
}

impl<K: Hash + Eq, V> Tracked<HashMap<K, V>, K> {
    /// Gives back spare capacity (after a burst of short-lived entries); no entry changes.
    pub fn shrink_to(&mut self, min_capacity: usize) {
        self.inner.shrink_to(min_capacity);
    }
}

impl<K: Hash + Eq + Ord + Clone> Tracked<HashSet<K>, K> {
    pub fn insert(&mut self, key: K) -> bool {
        let added = self.inner.insert(key.clone());
        if added {
            self.changes.note(key);
        }
        added
    }

    pub fn remove(&mut self, key: &K) -> bool {
        let removed = self.inner.remove(key);
        if removed {
            self.changes.note(key.clone());
        }
        removed
    }
}

impl<K: Hash + Eq + Ord + Clone> Extend<K> for Tracked<HashSet<K>, K> {
    fn extend<I: IntoIterator<Item = K>>(&mut self, keys: I) {
        for key in keys {
            self.insert(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mutation_notes_its_key_and_reads_do_not() {
        let mut map: TrackedBTreeMap<String, i32> = Tracked::default();
        map.insert("a".into(), 1);
        map.insert("b".into(), 2);
        map.insert("c".into(), 3);
        assert_eq!(
            map.take_changes(),
            Drained::Keys(["a", "b", "c"].map(String::from).into())
        );
        assert_eq!(map.get("a"), Some(&1));
        assert!(map.contains_key("b"));
        assert!(!map.has_changes());
        *map.get_mut("b").unwrap() += 1;
        assert!(map.get_mut("missing").is_none());
        map.remove("c");
        map.retain(|key, _| key != "a");
        assert_eq!(
            map.take_changes(),
            Drained::Keys(["a", "b", "c"].map(String::from).into())
        );
        for value in map.values_mut() {
            *value += 1;
        }
        map.insert("d".into(), 4);
        assert_eq!(map.take_changes(), Drained::Everything);
        assert_eq!(map.take_changes(), Drained::Keys(BTreeSet::new()));
    }

    #[test]
    fn a_set_notes_only_real_additions_and_removals() {
        let mut set: TrackedHashSet<String> = Tracked::unchanged(HashSet::from(["old".to_owned()]));
        assert!(!set.insert("old".into()));
        assert!(!set.has_changes());
        set.extend(["new".to_owned()]);
        assert!(set.remove(&"old".to_owned()));
        assert_eq!(
            set.take_changes(),
            Drained::Keys(["new", "old"].map(String::from).into())
        );
    }
}
