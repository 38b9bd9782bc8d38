//! Typed u32 handles and the arenas that own what they name.
//!
//! An [`Arena`] is a `Vec` indexed by a handle type; handles are only minted by the arena
//! they index, so a handle from one function's arena is meaningless in another's (the
//! verifier catches out-of-range handles). [`SecondaryMap`] attaches side-table data to
//! handles without touching the IR nodes (analyses use it).

use std::marker::PhantomData;

/// A handle type: a `u32` index with its own name.
pub trait EntityRef: Copy + Eq + Ord + std::hash::Hash {
    /// Builds a handle from an index (callers keep it in range).
    fn new(index: usize) -> Self;
    /// The index this handle names.
    fn index(self) -> usize;
}

/// Declares a `u32` handle type, e.g. `entity!(Block, "bb")`; it prints as `bb3`.
#[macro_export]
macro_rules! entity {
    ($(#[$attr:meta])* $name:ident, $prefix:expr) => {
        $(#[$attr])*
        #[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub struct $name(pub u32);
        impl $crate::entity::EntityRef for $name {
            #[inline]
            fn new(index: usize) -> Self {
                debug_assert!(index < u32::MAX as usize);
                $name(index as u32)
            }
            #[inline]
            fn index(self) -> usize {
                self.0 as usize
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}{}", $prefix, self.0)
            }
        }
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(self, f)
            }
        }
    };
}

/// Owns values of type `V`, each named by a handle `K`.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Arena<K, V> {
    items: Vec<V>,
    #[serde(skip)]
    _k: PhantomData<K>,
}

impl<K: EntityRef, V> Default for Arena<K, V> {
    fn default() -> Self {
        Arena { items: Vec::new(), _k: PhantomData }
    }
}

impl<K: EntityRef, V> Arena<K, V> {
    /// An empty arena.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a value and returns its handle.
    pub fn push(&mut self, v: V) -> K {
        let k = K::new(self.items.len());
        self.items.push(v);
        k
    }
    /// Number of entities.
    pub fn len(&self) -> usize {
        self.items.len()
    }
    /// True when there are no entities.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    /// The value behind a handle, if the handle is in range.
    pub fn get(&self, k: K) -> Option<&V> {
        self.items.get(k.index())
    }
    /// True when `k` names an entity of this arena.
    pub fn contains(&self, k: K) -> bool {
        k.index() < self.items.len()
    }
    /// All handles in creation order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = K> + DoubleEndedIterator + use<K, V> {
        (0..self.items.len()).map(K::new)
    }
    /// All `(handle, value)` pairs in creation order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (K, &V)> + DoubleEndedIterator {
        self.items.iter().enumerate().map(|(i, v)| (K::new(i), v))
    }
    /// All values in creation order.
    pub fn values(&self) -> std::slice::Iter<'_, V> {
        self.items.iter()
    }
    /// All values, mutably.
    pub fn values_mut(&mut self) -> std::slice::IterMut<'_, V> {
        self.items.iter_mut()
    }
}

impl<K: EntityRef, V> std::ops::Index<K> for Arena<K, V> {
    type Output = V;
    #[inline]
    fn index(&self, k: K) -> &V {
        &self.items[k.index()]
    }
}

impl<K: EntityRef, V> std::ops::IndexMut<K> for Arena<K, V> {
    #[inline]
    fn index_mut(&mut self, k: K) -> &mut V {
        &mut self.items[k.index()]
    }
}

impl<K: EntityRef, V: std::fmt::Debug> std::fmt::Debug for Arena<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter().map(|(k, v)| (k.index(), v))).finish()
    }
}

/// Side-table data keyed by handle, with a default for handles never written.
#[derive(Clone, Debug)]
pub struct SecondaryMap<K, V> {
    items: Vec<V>,
    default: V,
    _k: PhantomData<K>,
}

impl<K: EntityRef, V: Clone + Default> Default for SecondaryMap<K, V> {
    fn default() -> Self {
        Self::with_default(V::default())
    }
}

impl<K: EntityRef, V: Clone> SecondaryMap<K, V> {
    /// An empty map whose unwritten entries read as `default`.
    pub fn with_default(default: V) -> Self {
        SecondaryMap { items: Vec::new(), default, _k: PhantomData }
    }
    /// A map with `n` entries set to `default`.
    pub fn with_capacity_default(n: usize, default: V) -> Self {
        SecondaryMap { items: vec![default.clone(); n], default, _k: PhantomData }
    }
    /// The entry for `k` (the default when never written).
    pub fn get(&self, k: K) -> &V {
        self.items.get(k.index()).unwrap_or(&self.default)
    }
}

impl<K: EntityRef, V: Clone> std::ops::Index<K> for SecondaryMap<K, V> {
    type Output = V;
    fn index(&self, k: K) -> &V {
        self.get(k)
    }
}

impl<K: EntityRef, V: Clone> std::ops::IndexMut<K> for SecondaryMap<K, V> {
    fn index_mut(&mut self, k: K) -> &mut V {
        let i = k.index();
        if i >= self.items.len() {
            self.items.resize(i + 1, self.default.clone());
        }
        &mut self.items[i]
    }
}
