//! The hash functions behind shingles, MinHash and LSH band keys.
//!
//! Everything here is specified exactly (no `std::hash`, whose `DefaultHasher` output is
//! allowed to change between Rust releases and `RandomState` is randomised per process),
//! because fingerprints and signatures are stored in a database and compared with ones
//! computed years later, on other machines. The golden-value tests in `fingerprint.rs`
//! fail if any of this drifts; when it changes on purpose, bump
//! [`crate::SIGNATURE_VERSION`].

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The seed every MinHash permutation is derived from. Changing it changes every stored
/// signature.
pub(crate) const MINHASH_SEED: u64 = 0x676f_6e67_6b61_6931; // "gongkai1"

/// FNV-1a over 32-bit units (one per char or per signature value), then the MurmurHash3
/// 64-bit finaliser.
///
/// Plain FNV-1a leaves the high bits of short inputs poorly mixed; MinHash takes the high
/// bits of `a·x + b`, and band keys are used directly as hash-table keys, so both need
/// every output bit to depend on every input bit. The finaliser is a bijection, so it
/// adds no collisions.
#[inline]
pub(crate) fn fnv1a_units(units: impl IntoIterator<Item = u32>) -> u64 {
    let mut h = FNV_OFFSET;
    for u in units {
        h ^= u64::from(u);
        h = h.wrapping_mul(FNV_PRIME);
    }
    fmix64(h)
}

/// MurmurHash3's 64-bit finaliser (a bijection with full avalanche).
#[inline]
pub(crate) fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    k
}

/// SplitMix64: the standard generator for deriving many independent-looking 64-bit
/// values from one seed (used for the MinHash permutation parameters).
#[derive(Clone, Debug)]
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    #[inline]
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_values() {
        // Pinned so that a refactor cannot silently change stored signatures.
        assert_eq!(fmix64(0), 0);
        assert_eq!(fmix64(1), 0xb456_bcfc_34c2_cb2c);
        assert_eq!(fnv1a_units([]), fmix64(FNV_OFFSET));
        assert_eq!(
            fnv1a_units("政府信息公开".chars().map(u32::from)),
            0x78c5_81a6_7ad1_703e
        );
        let mut g = SplitMix64(0);
        assert_eq!(g.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(g.next_u64(), 0x6e78_9e6a_a1b9_65f4);
    }
}
