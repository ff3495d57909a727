//! A hasher for keys that are already well-mixed 64-bit values (xxh3 hashes, packed n-grams).
//!
//! `std`'s default SipHash is built to resist adversarial keys, and costs a fifth of corpus
//! indexing on such keys. The maps keyed by these values are never written to disk in their
//! iteration order, so any fast mixing will do.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// One multiply-xorshift round over a `u64` key.
#[derive(Default, Clone, Copy)]
pub struct U64Hasher(u64);

impl Hasher for U64Hasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64 ^ self.0.rotate_left(8));
        }
    }

    fn write_u64(&mut self, x: u64) {
        let h = (x ^ (x >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 32);
    }
}

/// A `HashMap` from `u64` keys with [`U64Hasher`].
pub type U64Map<V> = HashMap<u64, V, BuildHasherDefault<U64Hasher>>;

/// A fixed-capacity set of already well-mixed `u64` values: open addressing with linear
/// probing in a table at least twice the capacity, so a look-up is a multiply, a shift and
/// nearly always one or two reads. Holds at most the capacity it was made with.
#[derive(Debug, Clone)]
pub struct U64Set {
    /// Values, or 0 for an empty slot.
    slots: Vec<u64>,
    /// Right shift of the multiplied value that gives its first slot.
    shift: u32,
    /// Whether the set holds 0 (which `slots` cannot).
    has_zero: bool,
    /// Values the set may still take.
    room: usize,
}

impl U64Set {
    /// An empty set for up to `capacity` values.
    pub fn with_capacity(capacity: usize) -> U64Set {
        let size = (capacity.max(1) * 2).next_power_of_two();
        U64Set {
            slots: vec![0; size],
            shift: 64 - size.ilog2(),
            has_zero: false,
            room: capacity.max(1),
        }
    }

    /// The slot holding `h`, or the empty slot where it would go.
    fn find(&self, h: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize;
        while self.slots[i] != 0 && self.slots[i] != h {
            i = (i + 1) & mask;
        }
        i
    }

    /// Whether the set holds `h`.
    #[inline]
    pub fn contains(&self, h: &u64) -> bool {
        match *h {
            0 => self.has_zero,
            h => self.slots[self.find(h)] == h,
        }
    }

    /// Adds `h`; whether it was new. A new value beyond the capacity is not added (and
    /// reported as not new).
    pub fn insert(&mut self, h: u64) -> bool {
        if h == 0 {
            return !std::mem::replace(&mut self.has_zero, true);
        }
        let i = self.find(h);
        if self.slots[i] == h || self.room == 0 {
            return false;
        }
        self.slots[i] = h;
        self.room -= 1;
        true
    }
}

impl FromIterator<u64> for U64Set {
    fn from_iter<I: IntoIterator<Item = u64>>(iter: I) -> U64Set {
        let values: Vec<u64> = iter.into_iter().collect();
        let mut set = U64Set::with_capacity(values.len());
        for h in values {
            set.insert(h);
        }
        set
    }
}

/// Asks the kernel to back the memory of `v` (its whole capacity) with huge pages where they
/// fit (2 MiB pages on x86-64 Linux, when transparent huge pages are enabled or `madvise`d): for
/// arrays of hundreds of megabytes probed at random, a 4 KiB page per access is a TLB miss,
/// and a page walk, on top of the cache miss. Best called before the memory is first written;
/// does nothing elsewhere, or when the kernel refuses.
pub(crate) fn advise_huge_pages<T>(v: &Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = v.as_ptr() as usize;
        let end = start + v.capacity() * std::mem::size_of::<T>();
        let (from, to) = (start.next_multiple_of(HUGE), end / HUGE * HUGE);
        if to > from {
            // SAFETY: the range lies inside the allocation of `v`, and `MADV_HUGEPAGE` changes
            // only how its pages are backed, never their contents; a refusal (an old kernel,
            // huge pages off) is harmless, so the result is not checked.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = v;
}

/// Asks the processor to start loading the cache line of `p`: look-ups in tables larger than
/// the caches overlap their misses when the next keys' lines are asked for ahead.
#[inline]
pub(crate) fn prefetch<T>(p: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint that never faults and has no effect on memory; the
    // address is that of a live reference anyway.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((p as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_holds_exactly_what_was_inserted() {
        let values: Vec<u64> = (1..=500u64).map(|i| i * 0x1_0000_0001).chain([0]).collect();
        let set: U64Set = values.iter().copied().collect();
        assert!(values.iter().all(|h| set.contains(h)));
        assert!((501..3000u64).all(|i| !set.contains(&(i * 0x1_0000_0001))));
        let mut s = U64Set::with_capacity(2);
        assert!(s.insert(7) && !s.insert(7) && s.insert(0) && !s.insert(0));
        assert!(s.insert(9) && !s.insert(11) && !s.contains(&11));
    }

    #[test]
    fn map_works_and_spreads_keys() {
        let mut m: U64Map<u32> = U64Map::default();
        for i in 0..10_000u64 {
            m.insert(i << 32, i as u32);
        }
        assert_eq!(m.len(), 10_000);
        assert_eq!(m[&(77u64 << 32)], 77);
        let mut h = U64Hasher::default();
        h.write_u64(1);
        let a = h.finish();
        h.write_u64(2);
        assert_ne!(a, h.finish());
    }
}
