//! A hasher for keys that are already well-mixed 64-bit values (xxh3 hashes, packed n-grams),
//! and the memory hints (prefetching, huge pages) for the large tables keyed by them.
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

/// Asks the kernel to back the whole 2 MiB pages of the `bytes` bytes at `start` with huge
/// pages (on Linux, when transparent huge pages are `always` or `madvise`): for tables of tens
/// or hundreds of megabytes probed at random, a 4 KiB page per access is a TLB miss, and a page
/// walk, on top of the cache miss. Best called before the memory is first written. It changes
/// how pages are backed, never their contents; it does nothing elsewhere, or when the kernel
/// refuses (a range that is not mapped included).
pub fn advise_huge_pages(start: *const u8, bytes: usize) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let from = (start as usize).next_multiple_of(HUGE);
        let to = (start as usize).saturating_add(bytes) / HUGE * HUGE;
        if to > from {
            // SAFETY: `MADV_HUGEPAGE` never changes the contents of memory, and the kernel
            // checks the range (ENOMEM when it is not mapped); a refusal is harmless, so the
            // result is not checked.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, bytes);
}

/// [`advise_huge_pages`] for the whole capacity of `v`.
pub(crate) fn advise_huge_pages_of<T>(v: &Vec<T>) {
    advise_huge_pages(v.as_ptr().cast(), v.capacity() * std::mem::size_of::<T>());
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

    /// The flags of the mapping of `/proc/self/smaps` that holds `addr`.
    #[cfg(target_os = "linux")]
    fn mapping_flags(addr: usize) -> Option<String> {
        let smaps = std::fs::read_to_string("/proc/self/smaps").ok()?;
        let mut inside = false;
        for line in smaps.lines() {
            let range = line.split_once(' ').and_then(|(r, _)| r.split_once('-'));
            let bounds =
                range.map(|(a, b)| (usize::from_str_radix(a, 16), usize::from_str_radix(b, 16)));
            if let Some((Ok(a), Ok(b))) = bounds {
                inside = a <= addr && addr < b;
                continue;
            }
            if inside && line.starts_with("VmFlags:") {
                return Some(line.to_string());
            }
        }
        None
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn huge_pages_are_asked_for_and_contents_kept() {
        let thp = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
            .unwrap_or_default();
        if !thp.contains("[madvise]") && !thp.contains("[always]") {
            return; // the kernel offers none: nothing to ask for
        }
        let v: Vec<u64> = (0..(1u64 << 20)).collect(); // 8 MiB, mapped on its own
        let inner = (v.as_ptr() as usize).next_multiple_of(2 << 20);
        let before = mapping_flags(inner).expect("the vector is mapped");
        assert!(!before.contains(" hg"), "{before}");
        advise_huge_pages_of(&v);
        let after = mapping_flags(inner).expect("the vector is mapped");
        assert!(after.contains(" hg"), "{after}");
        assert!(v.iter().enumerate().all(|(i, &x)| x == i as u64));
        // Too small for a whole huge page, or not mapped: nothing happens, nothing breaks.
        advise_huge_pages(v.as_ptr().cast(), 4096);
        advise_huge_pages(std::ptr::null(), 64 << 20);
    }
}
