//! Exact verification of a pair: shingle-set similarity and the copied passages.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::ops::{Bound, Range};

use serde::{Deserialize, Serialize};

use crate::fingerprint::{intersection_len, ratio, shingle_set};
use crate::normalize::NormalizedText;
use crate::Options;

/// A passage the two texts have in common.
///
/// `a` and `b` are byte ranges of the ORIGINAL strings passed to [`compare`], on char
/// boundaries: `&a_text[p.a.clone()]` and `&b_text[p.b.clone()]` normalise to the same
/// text. They may still differ in punctuation, whitespace and numbers (`共发布信息1286条`
/// and `共发布信息1391条` are one passage): that is what a copy with updated numbers looks
/// like.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passage {
    /// Byte range in the first text (`a`).
    pub a: Range<usize>,
    /// Byte range in the second text (`b`).
    pub b: Range<usize>,
    /// Length in normalised chars (what `min_passage` counts).
    pub chars: usize,
}

/// How much of two texts is the same, measured exactly.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Similarity {
    /// `shared / (shingles_a + shingles_b - shared)`: symmetric, what MinHash estimates
    /// and the LSH index keys on.
    pub jaccard: f64,
    /// `shared / shingles_a`: the share of `a`'s text found in `b`. This is what
    /// [`Similarity::copied`] tests.
    pub containment_a: f64,
    /// `shared / shingles_b`: the share of `b`'s text found in `a`.
    pub containment_b: f64,
    /// Distinct shingles of `a`.
    pub shingles_a: usize,
    /// Distinct shingles of `b`.
    pub shingles_b: usize,
    /// Distinct shingles in both.
    pub shared: usize,
    /// Maximal common passages of at least `min_passage` normalised chars, not overlapping
    /// in `a`, in order of position in `a` (chosen longest first). Two may overlap in `b`
    /// when `a` repeats something of `b`.
    pub passages: Vec<Passage>,
}

impl Similarity {
    /// Is `a` a copy of `b`: is at least `threshold` of `a`'s text (by shingles) found in
    /// `b`?
    ///
    /// Deliberately one-sided. By convention `a` is the later report's section, so the
    /// question is "how much of what this report says this year was already said", which
    /// is what 内容雷同 means: a new section made of last year's text plus a paragraph is
    /// copied; a new section that quotes one old paragraph among much new text is not.
    /// For two reports of the same year (two agencies), neither is "later": test
    /// `containment_a.max(containment_b)` or compare both ways.
    pub fn copied(&self, threshold: f64) -> bool {
        self.containment_a >= threshold
    }

    /// Normalised chars of `a` covered by [`Similarity::passages`].
    pub fn passage_chars(&self) -> usize {
        self.passages.iter().map(|p| p.chars).sum()
    }
}

/// Compare two texts exactly; `a` is the later report's section by convention (see
/// [`Similarity::copied`]). `None` when either has fewer than `opts.min_chars` normalised
/// chars. Only the first `opts.max_chars` normalised chars of each are compared.
///
/// Runs in about linear time for ordinary text (the passage search seeds on
/// `min_passage`-char windows and extends each diagonal once).
pub fn compare(a: &str, b: &str, opts: &Options) -> Option<Similarity> {
    compare_normalized(
        &NormalizedText::prefix(a, opts.max_chars),
        &NormalizedText::prefix(b, opts.max_chars),
        opts,
    )
}

/// [`compare`] for texts already normalised (passage ranges are still ranges of the texts
/// they were normalised from). Only their first `opts.max_chars` chars are compared.
pub fn compare_normalized(
    a: &NormalizedText,
    b: &NormalizedText,
    opts: &Options,
) -> Option<Similarity> {
    let k = opts.shingle.max(1);
    let min = opts.min_chars.max(k);
    let (ca, cb) = (a.chars_upto(opts.max_chars), b.chars_upto(opts.max_chars));
    if ca.len() < min || cb.len() < min {
        return None;
    }
    let sa = shingle_set(ca, k);
    let sb = shingle_set(cb, k);
    let shared = intersection_len(&sa, &sb);
    let passages = common_passages(ca, cb, opts.min_passage.max(1))
        .into_iter()
        .map(|r| Passage {
            a: a.original_range(r.a..r.a + r.len),
            b: b.original_range(r.b..r.b + r.len),
            chars: r.len,
        })
        .collect();
    Some(Similarity {
        jaccard: ratio(shared, sa.len() + sb.len() - shared),
        containment_a: ratio(shared, sa.len()),
        containment_b: ratio(shared, sb.len()),
        shingles_a: sa.len(),
        shingles_b: sb.len(),
        shared,
        passages,
    })
}

/// A common run of normalised chars: `a[a..a+len] == b[b..b+len]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Run {
    a: usize,
    b: usize,
    len: usize,
}

/// Base of the rolling window hash (odd, so multiplication by it is invertible mod 2^64).
const ROLL_BASE: u64 = 0x100_0000_01b3;

/// Polynomial hashes of every `s`-char window, rolled in O(1) per window. Only used to
/// find seed matches, which are then verified char by char, so collisions cost time but
/// never correctness.
fn window_hashes(chars: &[char], s: usize) -> Vec<u64> {
    if chars.len() < s {
        return Vec::new();
    }
    let top = ROLL_BASE.wrapping_pow(s as u32 - 1);
    let mut h = 0u64;
    for &c in &chars[..s] {
        h = h.wrapping_mul(ROLL_BASE).wrapping_add(u64::from(c));
    }
    let mut out = Vec::with_capacity(chars.len() - s + 1);
    out.push(h);
    for k in s..chars.len() {
        h = h
            .wrapping_sub(u64::from(chars[k - s]).wrapping_mul(top))
            .wrapping_mul(ROLL_BASE)
            .wrapping_add(u64::from(chars[k]));
        out.push(h);
    }
    out
}

/// Every maximal common run of at least `s` chars (maximal: extends neither left nor
/// right on its diagonal).
///
/// Seed and extend: a run of length ≥ `s` starts with an equal `s`-char window, so look
/// each window of `a` up among `b`'s, and extend a hit to the right as far as the chars
/// agree. The first hit on a diagonal (`b - a` offset) is the left end of its run (had the
/// run started earlier, the window one to the left would have hit first), and hits inside
/// a run already found are skipped in O(1), so each diagonal's runs are extended once:
/// linear for ordinary text; only text that repeats one window many times (`的的的…`)
/// approaches `O(n·m)`, and then with a cheap inner loop.
fn maximal_runs(a: &[char], b: &[char], s: usize) -> Vec<Run> {
    let (n, m) = (a.len(), b.len());
    if n < s || m < s {
        return Vec::new();
    }
    let mut index: Vec<(u64, u32)> = window_hashes(b, s)
        .into_iter()
        .enumerate()
        .map(|(j, h)| (h, j as u32))
        .collect();
    index.sort_unstable();
    // covered[j + n - i]: end (in `a`) of the last run found on that diagonal.
    let mut covered = vec![0usize; n + m];
    let mut runs = Vec::new();
    for (i, h) in window_hashes(a, s).into_iter().enumerate() {
        let first = index.partition_point(|&(x, _)| x < h);
        for &(x, j) in &index[first..] {
            if x != h {
                break;
            }
            let j = j as usize;
            let d = j + n - i;
            if covered[d] > i {
                continue;
            }
            let len = a[i..]
                .iter()
                .zip(&b[j..])
                .take_while(|(x, y)| x == y)
                .count();
            if len >= s {
                runs.push(Run { a: i, b: j, len });
                covered[d] = i + len;
            }
        }
    }
    runs
}

/// The passages: maximal runs of at least `min` chars, chosen longest first, each trimmed
/// to what earlier (longer) choices left free in `a`; sorted by position in `a`.
///
/// Longest first, because when `a` matches `b` in several overlapping ways (a stock phrase
/// also found elsewhere in `b`), the longest alignment is the copy and the rest is
/// coincidence. Ties go to the earlier position in `a`, then in `b`, so the result is
/// deterministic.
fn common_passages(a: &[char], b: &[char], min: usize) -> Vec<Run> {
    let mut heap: BinaryHeap<(usize, Reverse<usize>, Reverse<usize>)> = maximal_runs(a, b, min)
        .into_iter()
        .map(|r| (r.len, Reverse(r.a), Reverse(r.b)))
        .collect();
    // Chosen intervals of `a`, start → end, never overlapping.
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    let mut out = Vec::new();
    while let Some((len, Reverse(start), Reverse(bstart))) = heap.pop() {
        let end = start + len;
        let mut gaps = Vec::new();
        let mut cur = start;
        if let Some((_, &e)) = taken.range(..=start).next_back() {
            cur = cur.max(e);
        }
        for (&s, &e) in taken.range((Bound::Excluded(start), Bound::Excluded(end))) {
            if s > cur {
                gaps.push((cur, s));
            }
            cur = cur.max(e);
        }
        if cur < end {
            gaps.push((cur, end));
        }
        if gaps == [(start, end)] {
            taken.insert(start, end);
            out.push(Run {
                a: start,
                b: bstart,
                len,
            });
            continue;
        }
        // Overlaps something longer: what is left is still a common run (shifted by the
        // same offset in `b`), to be considered at its own length.
        for (s, e) in gaps {
            if e - s >= min {
                heap.push((e - s, Reverse(s), Reverse(bstart + (s - start))));
            }
        }
    }
    out.sort_unstable_by_key(|r| r.a);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    fn runs(a: &str, b: &str, min: usize) -> Vec<(usize, usize, usize)> {
        common_passages(&chars(a), &chars(b), min)
            .into_iter()
            .map(|r| (r.a, r.b, r.len))
            .collect()
    }

    #[test]
    fn window_hashes_roll_correctly() {
        let c = chars("政府信息公开工作年度报告");
        let rolled = window_hashes(&c, 4);
        for (k, h) in rolled.iter().enumerate() {
            assert_eq!(*h, window_hashes(&c[k..k + 4], 4)[0]);
        }
        assert!(window_hashes(&c[..3], 4).is_empty());
    }

    #[test]
    fn maximal_runs_on_each_diagonal() {
        // "abcdef" occurs in b twice; "xyz" once.
        let r = maximal_runs(&chars("abcdefxyz"), &chars("abcdef--abcdefg-xyz"), 3);
        assert_eq!(
            r,
            vec![
                Run { a: 0, b: 0, len: 6 },
                Run { a: 0, b: 8, len: 6 },
                Run {
                    a: 6,
                    b: 16,
                    len: 3
                },
            ]
        );
    }

    #[test]
    fn longest_first_and_trimmed() {
        // a = "abcdefgh"; b has "abcd" and "cdefgh": the longer wins, "ab" is left
        // (too short at min 3, kept at min 2).
        assert_eq!(runs("abcdefgh", "abcd--cdefgh", 3), vec![(2, 6, 6)]);
        assert_eq!(
            runs("abcdefgh", "abcd--cdefgh", 2),
            vec![(0, 0, 2), (2, 6, 6)]
        );
        assert_eq!(runs("abc", "xyz", 1), vec![]);
    }

    #[test]
    fn repeated_text_stays_fast_and_correct() {
        let a = "的".repeat(3000);
        let b = "的".repeat(2000);
        let r = runs(&a, &b, 20);
        assert_eq!(r, vec![(0, 0, 2000), (2000, 0, 1000)]);
    }

    #[test]
    fn copied_is_one_sided() {
        let s = Similarity {
            jaccard: 0.5,
            containment_a: 0.9,
            containment_b: 0.55,
            shingles_a: 10,
            shingles_b: 16,
            shared: 9,
            passages: vec![],
        };
        assert!(s.copied(0.7));
        assert!(!s.copied(0.95));
    }
}
