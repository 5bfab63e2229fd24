//! Text similarity for rule Y003 `copied-text` (内容雷同): a report section largely
//! identical to the same agency's previous report, or to another agency's report.
//!
//! Pure computation, no I/O. Three steps, each cheaper per pair than the next:
//!
//! 1. [`Fingerprint::new`] reduces a section to a set of shingle hashes and a MinHash
//!    signature (store [`Fingerprint::signature_bytes`] in the database).
//! 2. [`LshIndex`] finds the candidate pairs among tens of thousands of sections without
//!    comparing every pair ([`LshIndex::candidates_limited`] keeps that bounded when
//!    thousands of sections are near-identical: a template).
//! 3. [`compare`] verifies a candidate exactly and finds the copied passages, as byte
//!    ranges of the original texts for the diagnostic.
//!
//! ```
//! use gongkai_similar::{compare, Fingerprint, LshIndex, Options};
//!
//! let last_year = "2023年，本机关坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实\
//!     《中华人民共和国政府信息公开条例》，全年通过门户网站主动公开政府信息1286条，其中政策文件\
//!     42件、政策解读36篇。聚焦财政预决算、重大建设项目、公共资源配置等重点领域，及时发布相关信息。\
//!     全年共受理政府信息公开申请27件，均在法定期限内依法答复，未发生行政复议和行政诉讼案件。";
//! // This year's section: last year's with the numbers updated.
//! let this_year = last_year.replace("2023", "2024").replace("1286", "1391").replace("27件", "31件");
//!
//! let opts = Options::default();
//! let mut index = LshIndex::new(&opts);
//! for (id, text) in [(1, last_year), (2, this_year.as_str())] {
//!     let fp = Fingerprint::new(text, &opts).expect("long enough to compare");
//!     index.insert(id, fp.signature());
//! }
//! assert_eq!(index.pairs(), vec![(1, 2)]);
//!
//! // By convention `a` is the later report's section.
//! let sim = compare(&this_year, last_year, &opts).unwrap();
//! assert!(sim.copied(opts.threshold));
//! assert_eq!(sim.containment_a, 1.0);
//! // One passage: the whole text (numbers differ, the words do not).
//! assert_eq!(sim.passages.len(), 1);
//! assert_eq!(&this_year[sim.passages[0].a.clone()], this_year.trim_end_matches('。'));
//! ```
//!
//! # Use for Y003
//!
//! Fingerprint each prose section (一 总体情况, 五 问题及改进, 六 其他事项) of every report
//! and index each kind separately (an 总体情况 is never a copy of a 问题及改进). For each
//! pair from [`LshIndex::pairs`] (or each id from [`LshIndex::candidates`] for one new
//! report), check [`Fingerprint::containment_in`] of the later section against the
//! earlier one (both ways for two reports of the same year); only for pairs over
//! `threshold`, run [`compare`] on the texts to get the passages to show. Sections shorter
//! than `min_chars` get no fingerprint and are never compared.
//!
//! # What is compared
//!
//! Both texts are normalised ([`NormalizedText`]): whitespace and punctuation (ASCII and
//! full-width) are dropped, every number becomes one placeholder, letters are kept. Only
//! the first [`Options::max_chars`] normalised chars of a section count, so one huge
//! section costs no more than a long one. So a
//! copy with updated numbers, re-punctuated, or re-wrapped by a PDF extractor, is still a
//! copy. Shingles are the overlapping 5-char windows of that text.
//!
//! # Which side is `a`
//!
//! [`compare`]`(a, b)` is asymmetric only in [`Similarity::copied`], which asks whether at
//! least `threshold` of `a`'s shingles occur in `b` (containment of `a`). Pass the later
//! report's section as `a`. For two reports of the same year use
//! `containment_a.max(containment_b)`.
//!
//! # LSH recall
//!
//! With the defaults (128 hashes in 32 bands of 4 rows) a pair whose shingle sets have
//! Jaccard similarity `J` becomes a candidate with probability `1 - (1 - J^4)^32`
//! ([`candidate_probability`]; the test `lsh_recall_of_the_defaults` pins these values):
//!
//! | J    | P(candidate) |
//! |------|--------------|
//! | 0.3  | 0.2291       |
//! | 0.5  | 0.8732       |
//! | 0.6  | 0.9882       |
//! | 0.7  | 0.99985      |
//! | 0.8  | 1 − 4.7·10⁻⁸ |
//! | 0.9  | 1 − 1.5·10⁻¹⁵ |
//!
//! The verdict is on containment `c` of `a` in `b`, not on Jaccard. For shingle counts
//! `|A|`, `|B|`: `J = c|A| / (|A| + |B| − c|A|)`. A verbatim copy into a section of similar
//! length has `J ≈ 1` (a certain candidate). At the threshold, `c = 0.7` with `|A| = |B|`
//! gives `J = 0.7 / 1.3 = 0.54`, found with probability 0.94. The copies in
//! `tests/quality.rs` (numbers updated, a sentence added or removed, the agency's name
//! replaced, lightly reworded) have `J` from 0.70 to 1, found with probability ≥ 0.9998.
//! Where `b` is much longer than `a` (`a` copied whole into a section twice its length:
//! `c = 1`, `J = 0.5`) recall drops to 0.87: LSH on Jaccard favours pairs of similar
//! length. Unrelated sections of the same genre share stock phrases (政府信息公开,
//! 依申请公开, 进一步加强…) and have `J` of 0.02–0.07, up to 0.17 for one built from the
//! same stock sentences: candidates with probability 0.08% at 0.07 and 2.6% at 0.17. Each
//! such false candidate costs one exact check ([`Fingerprint::containment_in`], a merge
//! of two sorted vectors, about a microsecond) before [`compare`] is worth running.
//!
//! # Stability
//!
//! Fingerprints are stored, so every hash is specified here rather than taken from
//! `std::hash` (FNV-1a over code points with the MurmurHash3 finaliser; MinHash
//! permutations from SplitMix64 with a fixed seed), and golden-value tests pin them. The
//! only outside dependency is the Unicode tables behind `char::is_alphabetic` and
//! `char::is_numeric` (outside the fast paths for CJK ideographs and punctuation), which
//! change only for chars newly assigned by a later Unicode version. Change [`SIGNATURE_VERSION`] when any of this
//! changes on purpose.

mod compare;
mod fingerprint;
mod hash;
mod lsh;
mod normalize;

use serde::{Deserialize, Serialize};

pub use compare::{compare, compare_normalized, Passage, Similarity};
pub use fingerprint::{estimate_jaccard, shingles, Fingerprint};
pub use lsh::{candidate_probability, signature_band_keys, Candidates, LshIndex};
pub use normalize::{NormalizedText, DIGITS};

/// Version of the normalisation, shingle hash and MinHash permutations. Store it with
/// signatures: signatures of different versions are not comparable.
pub const SIGNATURE_VERSION: u32 = 1;

/// Parameters of the similarity engine. Signatures made with different `shingle` or
/// `num_hashes` are not comparable; store the options with them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Options {
    /// Shingle length in normalised chars (0 is taken as 1). Default 5.
    ///
    /// A Chinese char carries about as much as an English word, so 5 chars is a short
    /// phrase. Every changed word destroys about `shingle` shingles, so long shingles lose
    /// lightly reworded copies; short ones are mostly the genre's stock phrases (信息公开,
    /// 依申请), shared by every report. Measured in `tests/quality.rs` (containment of the
    /// later text, for shingle lengths 3 / 4 / 5 / 6 / 8): a lightly reworded copy scores
    /// 0.87 / 0.84 / 0.82 / 0.79 / 0.73, the closest unrelated section of the same genre
    /// 0.44 / 0.37 / 0.33 / 0.29 / 0.24. The gap is about equal from 5 to 8; 5 keeps
    /// copies furthest above the threshold.
    pub shingle: usize,
    /// MinHash signature length. Default 128: a standard error of at most 0.044 in the
    /// estimated Jaccard, 512 bytes to store, and enough hashes for 32 bands of 4.
    pub num_hashes: usize,
    /// LSH bands; each has `num_hashes / bands` rows. Default 32 (4 rows), which puts the
    /// S-curve's midpoint at J ≈ 0.42, below the J ≈ 0.54 of a copy of equal length at
    /// the 0.7 threshold, found with probability 0.94 (table in the crate docs). 25 bands
    /// of 5 would find it with 0.68 and 16 of 8 with 0.11; 42 of 3 would make 4% of
    /// unrelated pairs (J ≈ 0.1) candidates instead of 0.3%.
    pub bands: usize,
    /// Containment of `a` in `b` from which a section counts as copied. Default 0.7,
    /// midway in the gap measured in `tests/quality.rs`: every copy there (numbers changed,
    /// a sentence added or removed, the agency's name replaced, lightly reworded) scores
    /// ≥ 0.81, every unrelated section of the same genre ≤ 0.33. A section of which 70%
    /// was already in last year's is "largely identical" by any reading of the rule.
    pub threshold: f64,
    /// Sections with fewer normalised chars are never compared. Default 100: below that a
    /// section is `无` or one stock sentence (本年度没有产生信息处理费…), identical across
    /// thousands of reports without anyone having copied anything.
    pub min_chars: usize,
    /// Shortest passage reported, in normalised chars. Default 20: about one clause,
    /// longer than all but the longest stock phrases (以习近平新时代中国特色社会主义思想为
    /// 指导 is exactly 20), so that the passages shown for a copied section are the copy,
    /// not the genre.
    pub min_passage: usize,
    /// Only the first `max_chars` normalised chars of a section are fingerprinted and
    /// compared. Default 20,000: the longest report in the shared corpora is about 11,000
    /// chars in all, so no real section reaches it, while one 63 MB text file of repeated
    /// prose would otherwise hold 21 million chars (20 bytes each while normalised) and
    /// make the passage search quadratic in them. Two sections identical in their first
    /// 20,000 chars are copies whatever follows.
    pub max_chars: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            shingle: 5,
            num_hashes: 128,
            bands: 32,
            threshold: 0.7,
            min_chars: 100,
            min_passage: 20,
            max_chars: 20_000,
        }
    }
}

impl Options {
    /// Rows per LSH band: `num_hashes / bands`.
    pub fn rows(&self) -> usize {
        self.num_hashes / self.bands.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lsh_recall_of_the_defaults() {
        let o = Options::default();
        assert_eq!((o.num_hashes, o.bands, o.rows()), (128, 32, 4));
        let p = |j: f64| candidate_probability(j, o.bands, o.rows());
        let rounded = |x: f64| (x * 10_000.0).round() / 10_000.0;
        assert_eq!(rounded(p(0.3)), 0.2291);
        assert_eq!(rounded(p(0.5)), 0.8732);
        assert_eq!(rounded(p(0.6)), 0.9882);
        assert_eq!((p(0.7) * 100_000.0).round() / 100_000.0, 0.99985);
        assert_eq!(((1.0 - p(0.8)) * 1e10).round(), 475.0);
        assert!(1.0 - p(0.9) < 2e-15);
        // A 0.7-containment copy of equal length: J = 0.7 / 1.3.
        assert_eq!(rounded(p(0.7 / 1.3)), 0.9398);
    }

    #[test]
    fn options_deserialize_with_defaults() {
        let o: Options = serde_json::from_str(r#"{"threshold": 0.8}"#).unwrap();
        assert_eq!(
            o,
            Options {
                threshold: 0.8,
                ..Options::default()
            }
        );
    }
}
