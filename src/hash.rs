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

#[cfg(test)]
mod tests {
    use super::*;

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
