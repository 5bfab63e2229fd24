//! Shingle sets and MinHash signatures.

use serde::{Deserialize, Serialize};

use crate::hash::{fnv1a_units, SplitMix64, MINHASH_SEED};
use crate::normalize::NormalizedText;
use crate::Options;

/// What a section is compared by: its set of shingle hashes (for exact Jaccard and
/// containment) and its MinHash signature (for the LSH index and for storage).
///
/// Serialises with serde as `{chars, shingles, signature}`; a database that only needs
/// candidate search can store [`Fingerprint::signature_bytes`] alone (4 bytes a hash,
/// 512 bytes with the defaults) and keep the text to verify candidates with
/// [`crate::compare`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    chars: usize,
    shingles: Vec<u64>,
    signature: Vec<u32>,
}

/// The hashes of every `k`-char window of `chars`, sorted and deduplicated.
///
/// A shingle's hash is FNV-1a over the chars' code points followed by the MurmurHash3
/// finaliser ([`crate::hash`]), so it depends only on the chars themselves: stable across
/// runs, platforms and Rust versions.
pub(crate) fn shingle_set(chars: &[char], k: usize) -> Vec<u64> {
    debug_assert!(k >= 1, "callers pass shingle.max(1)");
    if chars.len() < k {
        return Vec::new();
    }
    let mut hashes: Vec<u64> = chars
        .windows(k)
        .map(|w| fnv1a_units(w.iter().map(|&c| u32::from(c))))
        .collect();
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// The distinct shingle hashes of normalised text, sorted: what [`Fingerprint::shingles`]
/// holds, without the cost of the MinHash signature. For callers that weigh shingles
/// themselves, e.g. corpus-wide statistics of how many agencies use a phrase (to discount
/// the genre's stock phrases). No `min_chars` check: empty only when the text is shorter
/// than one shingle. Only the first `opts.max_chars` chars count.
pub fn shingles(text: &NormalizedText, opts: &Options) -> Vec<u64> {
    shingle_set(text.chars_upto(opts.max_chars), opts.shingle.max(1))
}

/// Size of the intersection of two sorted, deduplicated sets.
pub(crate) fn intersection_len(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// `part / whole`, 0 for an empty whole.
pub(crate) fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// MinHash with `n` multiply-shift permutations `h_i(x) = (a_i·x + b_i) mod 2^64 >> 32`
/// (`a_i` odd), whose parameters come from SplitMix64 seeded with a fixed constant.
///
/// The shingle hashes are already uniformly mixed, so a cheap universal family is enough
/// for the minimum of each to behave like the minimum of a random permutation (the test
/// `minhash_estimates_jaccard` checks the estimate against exact Jaccard). One multiply
/// and add per hash and shingle keeps a 1,000-char section at tens of microseconds.
fn minhash(shingles: &[u64], n: usize) -> Vec<u32> {
    let mut rng = SplitMix64(MINHASH_SEED);
    let mut mul = Vec::with_capacity(n);
    let mut add = Vec::with_capacity(n);
    for _ in 0..n {
        mul.push(rng.next_u64() | 1);
        add.push(rng.next_u64());
    }
    let h = |a: u64, b: u64, x: u64| (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
    let mut sig = vec![u32::MAX; n];
    // Four shingles per pass over the permutations: one load and store of each minimum
    // per four multiplies instead of per one (the multiplies are the floor).
    let mut quads = shingles.chunks_exact(4);
    for q in &mut quads {
        let (x0, x1, x2, x3) = (q[0], q[1], q[2], q[3]);
        for ((s, &a), &b) in sig.iter_mut().zip(&mul).zip(&add) {
            let m = h(a, b, x0)
                .min(h(a, b, x1))
                .min(h(a, b, x2).min(h(a, b, x3)));
            *s = (*s).min(m);
        }
    }
    for &x in quads.remainder() {
        for ((s, &a), &b) in sig.iter_mut().zip(&mul).zip(&add) {
            *s = (*s).min(h(a, b, x));
        }
    }
    sig
}

impl Fingerprint {
    /// Fingerprint `text`; `None` when it has fewer than `opts.min_chars` normalised chars
    /// (or fewer than one shingle), because short sections — `无`, one stock sentence — are
    /// the same everywhere and copying them says nothing.
    pub fn new(text: &str, opts: &Options) -> Option<Fingerprint> {
        Fingerprint::from_normalized(&NormalizedText::prefix(text, opts.max_chars), opts)
    }

    /// Fingerprint text already normalised (when the caller also needs the normalised
    /// text, e.g. to run [`crate::compare_normalized`] later). Only its first
    /// `opts.max_chars` chars count.
    pub fn from_normalized(text: &NormalizedText, opts: &Options) -> Option<Fingerprint> {
        let k = opts.shingle.max(1);
        let chars = text.chars_upto(opts.max_chars);
        if chars.len() < opts.min_chars.max(k) {
            return None;
        }
        let shingles = shingle_set(chars, k);
        let signature = minhash(&shingles, opts.num_hashes);
        Some(Fingerprint {
            chars: chars.len(),
            shingles,
            signature,
        })
    }

    /// Number of normalised chars of the text.
    pub fn chars(&self) -> usize {
        self.chars
    }

    /// Number of distinct shingles.
    pub fn shingle_count(&self) -> usize {
        self.shingles.len()
    }

    /// The distinct shingle hashes, sorted.
    pub fn shingles(&self) -> &[u64] {
        &self.shingles
    }

    /// The MinHash signature (`Options::num_hashes` values).
    pub fn signature(&self) -> &[u32] {
        &self.signature
    }

    /// The signature as bytes for storage: each value little-endian, in order (so the
    /// bytes are the same on every platform). Store [`crate::SIGNATURE_VERSION`] and the
    /// [`Options`] next to them: signatures made with other options or another version
    /// are not comparable.
    pub fn signature_bytes(&self) -> Vec<u8> {
        self.signature
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect()
    }

    /// Read back [`Fingerprint::signature_bytes`]; `None` if the length is not a multiple
    /// of 4.
    pub fn signature_from_bytes(bytes: &[u8]) -> Option<Vec<u32>> {
        if !bytes.len().is_multiple_of(4) {
            return None;
        }
        Some(
            bytes
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        )
    }

    /// Number of shingles the two texts share (exact).
    pub fn shared(&self, other: &Fingerprint) -> usize {
        intersection_len(&self.shingles, &other.shingles)
    }

    /// Exact Jaccard similarity of the shingle sets.
    pub fn jaccard(&self, other: &Fingerprint) -> f64 {
        let shared = self.shared(other);
        ratio(shared, self.shingles.len() + other.shingles.len() - shared)
    }

    /// Share of this text's shingles found in `other` (exact): the cheap verification of
    /// an LSH candidate before [`crate::compare`] looks for the passages. Equals
    /// [`crate::Similarity::containment_a`] of `compare(self_text, other_text)`.
    pub fn containment_in(&self, other: &Fingerprint) -> f64 {
        ratio(self.shared(other), self.shingles.len())
    }
}

/// Jaccard similarity estimated from two MinHash signatures: the share of positions where
/// they agree. Its standard error is `sqrt(J(1-J)/n)`, about 0.044 at J = 0.5 with 128
/// hashes.
pub fn estimate_jaccard(a: &[u32], b: &[u32]) -> f64 {
    let n = a.len().min(b.len());
    ratio(a.iter().zip(b).filter(|(x, y)| x == y).count(), n)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "本机关坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，\
        全年主动公开政府信息1286条，依申请公开办理答复27件，进一步加强政府信息公开平台建设，切实保障人民群众的知情权、参与权和监督权。";

    #[test]
    fn golden_signature() {
        // Stored signatures must stay valid: pin the hashes of a fixed text. The expected
        // values were computed by an independent (Python) implementation of the spec in
        // `hash.rs` and `normalize.rs`.
        let opts = Options {
            min_chars: 100,
            ..Options::default()
        };
        let fp = Fingerprint::new(TEXT, &opts).unwrap();
        assert_eq!(fp.chars(), 103);
        assert_eq!(fp.shingle_count(), 97);
        assert_eq!(
            &fp.shingles()[..2],
            &[64_004_227_845_464_753, 150_010_927_161_745_775]
        );
        assert_eq!(fp.signature().len(), 128);
        assert_eq!(
            &fp.signature()[..4],
            &[53_837_914, 11_074_449, 3_064_477, 29_796_829]
        );
    }

    #[test]
    fn too_short_is_none() {
        let opts = Options::default();
        assert!(Fingerprint::new("本年度无其他需要报告的事项。", &opts).is_none());
        let longer = Options {
            min_chars: 104,
            ..Options::default()
        };
        assert!(Fingerprint::new(TEXT, &longer).is_none());
        let zero = Options {
            min_chars: 0,
            ..Options::default()
        };
        assert!(Fingerprint::new("", &zero).is_none());
        assert!(Fingerprint::new("一二三四", &zero).is_none());
        assert_eq!(
            Fingerprint::new("一二三四五", &zero)
                .unwrap()
                .shingle_count(),
            1
        );
    }

    #[test]
    fn only_the_first_max_chars_count() {
        // TEXT has 103 normalised chars: with that limit, whatever follows is not read.
        let opts = Options {
            max_chars: 103,
            ..Options::default()
        };
        let long = format!("{TEXT}{}", "另有大量重复的文字。".repeat(100_000));
        let fp = Fingerprint::new(&long, &opts).unwrap();
        assert_eq!(fp.chars(), 103);
        assert_eq!(fp, Fingerprint::new(TEXT, &Options::default()).unwrap());
        assert_eq!(shingles(&NormalizedText::new(&long), &opts), fp.shingles());
        let sim = crate::compare(&long, TEXT, &opts).unwrap();
        assert_eq!((sim.containment_a, sim.containment_b), (1.0, 1.0));
        assert_eq!(sim.passages.len(), 1);
        assert_eq!(sim.passages[0].chars, 103);
    }

    #[test]
    fn signature_bytes_round_trip() {
        let opts = Options {
            min_chars: 10,
            ..Options::default()
        };
        let fp = Fingerprint::new(TEXT, &opts).unwrap();
        let bytes = fp.signature_bytes();
        assert_eq!(bytes.len(), 4 * opts.num_hashes);
        assert_eq!(
            Fingerprint::signature_from_bytes(&bytes).as_deref(),
            Some(fp.signature())
        );
        assert_eq!(Fingerprint::signature_from_bytes(&bytes[1..]), None);
        let json = serde_json::to_string(&fp).unwrap();
        assert_eq!(serde_json::from_str::<Fingerprint>(&json).unwrap(), fp);
    }

    #[test]
    fn shingles_of_normalized_text() {
        let opts = Options::default();
        let n = NormalizedText::new(TEXT);
        let fp = Fingerprint::from_normalized(&n, &opts).unwrap();
        assert_eq!(shingles(&n, &opts), fp.shingles());
        assert!(shingles(&NormalizedText::new("一二三四"), &opts).is_empty());
        assert_eq!(
            shingles(&NormalizedText::new("无。"), &opts),
            Vec::<u64>::new()
        );
        assert_eq!(shingles(&NormalizedText::new("一二三四五"), &opts).len(), 1);
    }

    #[test]
    fn intersection() {
        assert_eq!(intersection_len(&[1, 3, 5, 7], &[2, 3, 4, 7, 9]), 2);
        assert_eq!(intersection_len(&[], &[1]), 0);
        assert_eq!(ratio(1, 0), 0.0);
    }
}
