//! Locality-sensitive hashing over MinHash signatures (the banding technique).

use crate::hash::fnv1a_units;
use crate::Options;

/// "No entry": end of a bucket's chain.
const NIL: u32 = u32::MAX;

/// The key of an empty slot. [`band_key`] never returns it.
const EMPTY: u64 = 0;

/// One slot of the open-addressing table: a band key and the items whose signatures have
/// that band. The first item is stored in the slot itself, so the common bucket of one
/// (unrelated text) costs no second memory access, and [`LshIndex::pairs`] can skip it by
/// scanning the table in order.
#[derive(Clone, Copy, Debug)]
struct Slot {
    key: u64,
    first: u32,
    /// Further items: index into `overflow`, or `NIL`.
    more: u32,
}

const EMPTY_SLOT: Slot = Slot {
    key: EMPTY,
    first: NIL,
    more: NIL,
};

/// Finds pairs of sections whose MinHash signatures agree on all `rows` values of at least
/// one of `bands` bands — the pairs worth verifying with [`crate::compare`].
///
/// A pair with shingle Jaccard `J` becomes a candidate with probability
/// [`candidate_probability`]`(J, bands, rows)` = `1 - (1 - J^rows)^bands` (table in the
/// crate documentation). Unrelated texts (J near 0) almost never collide, so the cost of
/// [`LshIndex::pairs`] is about linear in the number of sections plus the number of
/// candidate pairs — but a cluster of `n` near-identical sections (a template used by many
/// agencies) yields all `n(n-1)/2` pairs, which is the true answer and, for thousands of
/// reports, more than memory holds. [`LshIndex::candidates_limited`] bounds what each
/// section gets instead.
///
/// One table serves all bands: a band key is a 64-bit hash of the band's number and
/// values, so keys of different bands (or different values) coincide with probability
/// about 2⁻⁶⁴ — negligible, and a coincidence would only add a candidate, never lose one.
/// The table is open addressing with linear probing, at most half full: inserting a band
/// costs one cache miss, which is what bounds building an index of 60,000 sections
/// (1.9 million band entries). Memory is 16 bytes a slot: 32 MB for 30,000 sections and
/// 64 MB for 60,000 with 32 bands.
///
/// `candidates` and `pairs` take `&self`, so a built index can be queried from many
/// threads.
#[derive(Clone)]
pub struct LshIndex {
    bands: usize,
    rows: usize,
    /// Caller's id of each inserted section.
    ids: Vec<u64>,
    /// Power-of-two sized, at most half full (so probes are short).
    slots: Vec<Slot>,
    /// Occupied slots.
    used: usize,
    /// Second and later items of a bucket: (item, next) chains.
    overflow: Vec<(u32, u32)>,
}

impl std::fmt::Debug for LshIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LshIndex")
            .field("bands", &self.bands)
            .field("rows", &self.rows)
            .field("sections", &self.ids.len())
            .field("buckets", &self.used)
            .finish_non_exhaustive()
    }
}

/// The bucket key of band `band` of a signature: the band's number followed by its values,
/// hashed. Mixing in the band number keeps equal values in different bands apart, so one
/// table serves every band.
#[inline]
fn band_key(band: usize, values: &[u32]) -> u64 {
    match fnv1a_units(std::iter::once(band as u32).chain(values.iter().copied())) {
        EMPTY => 1,
        key => key,
    }
}

/// The bucket keys of a signature's bands.
fn band_keys(bands: usize, rows: usize, signature: &[u32]) -> impl Iterator<Item = u64> + '_ {
    assert!(
        signature.len() >= bands * rows,
        "signature has {} values, the index needs {} ({bands} bands × {rows} rows)",
        signature.len(),
        bands * rows,
    );
    signature
        .chunks_exact(rows)
        .take(bands)
        .enumerate()
        .map(|(band, values)| band_key(band, values))
}

/// The answer of [`LshIndex::candidates_limited`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Candidates {
    /// Ids sharing a band with the signature, sorted and deduplicated.
    pub ids: Vec<u64>,
    /// Bands whose bucket held more ids than were taken.
    pub truncated_buckets: usize,
}

/// Probability that a pair with Jaccard similarity `jaccard` shares at least one band:
/// `1 - (1 - J^rows)^bands`.
pub fn candidate_probability(jaccard: f64, bands: usize, rows: usize) -> f64 {
    let all_rows = jaccard.powi(rows as i32);
    1.0 - (1.0 - all_rows).powi(bands as i32)
}

impl LshIndex {
    /// An empty index banding signatures as `opts.bands` bands of
    /// `opts.num_hashes / opts.bands` rows (any remainder of the signature is unused).
    ///
    /// Panics if `opts.bands` is 0 or greater than `opts.num_hashes`.
    pub fn new(opts: &Options) -> LshIndex {
        assert!(
            opts.bands >= 1 && opts.bands <= opts.num_hashes,
            "LSH needs 1 ≤ bands ({}) ≤ num_hashes ({})",
            opts.bands,
            opts.num_hashes
        );
        LshIndex {
            bands: opts.bands,
            rows: opts.rows(),
            ids: Vec::new(),
            slots: Vec::new(),
            used: 0,
            overflow: Vec::new(),
        }
    }

    /// Number of sections inserted.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when nothing has been inserted.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Reserve room for `additional` more sections, so that filling a large index does not
    /// re-hash it on the way.
    pub fn reserve(&mut self, additional: usize) {
        self.ids.reserve(additional);
        self.grow_for(self.used + additional * self.bands);
    }

    /// Make the table big enough for `buckets` occupied slots at most half full.
    fn grow_for(&mut self, buckets: usize) {
        let want = (buckets * 2).next_power_of_two().max(64);
        if want <= self.slots.len() {
            return;
        }
        let old = std::mem::replace(&mut self.slots, vec![EMPTY_SLOT; want]);
        let mask = want - 1;
        for slot in old.into_iter().filter(|s| s.key != EMPTY) {
            let mut i = slot.key as usize & mask;
            while self.slots[i].key != EMPTY {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }

    /// The slot holding `key`, or the empty slot where it would go. The table is never
    /// full, so the probe ends.
    #[inline]
    fn probe(&self, key: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = key as usize & mask;
        loop {
            let k = self.slots[i].key;
            if k == key || k == EMPTY {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// Add a section. Ids are the caller's; inserting the same id twice is harmless
    /// (results are deduplicated).
    ///
    /// Panics if the signature is shorter than `bands × rows` (made with other options), or
    /// after 4 billion sections or band collisions.
    pub fn insert(&mut self, id: u64, signature: &[u32]) {
        let keys = band_keys(self.bands, self.rows, signature);
        let item = u32::try_from(self.ids.len())
            .ok()
            .filter(|&i| i != NIL)
            .expect("too many sections for LshIndex");
        self.ids.push(id);
        self.grow_for(self.used + self.bands);
        for key in keys {
            let i = self.probe(key);
            let slot = &mut self.slots[i];
            if slot.key == EMPTY {
                *slot = Slot {
                    key,
                    first: item,
                    more: NIL,
                };
                self.used += 1;
            } else {
                let at = u32::try_from(self.overflow.len())
                    .ok()
                    .filter(|&e| e != NIL)
                    .expect("too many band collisions for LshIndex");
                self.overflow.push((item, slot.more));
                slot.more = at;
            }
        }
    }

    /// Push the ids of the bucket in `slot` onto `out`.
    fn bucket_ids(&self, slot: &Slot, out: &mut Vec<u64>) {
        out.push(self.ids[slot.first as usize]);
        let mut e = slot.more;
        while e != NIL {
            let (item, next) = self.overflow[e as usize];
            out.push(self.ids[item as usize]);
            e = next;
        }
    }

    /// Push at most `limit` ids of the bucket in `slot` onto `out`; true if the bucket
    /// holds more.
    fn bucket_ids_limited(&self, slot: &Slot, out: &mut Vec<u64>, limit: usize) -> bool {
        if limit == 0 {
            return true;
        }
        out.push(self.ids[slot.first as usize]);
        let mut taken = 1;
        let mut e = slot.more;
        while e != NIL {
            if taken == limit {
                return true;
            }
            let (item, next) = self.overflow[e as usize];
            out.push(self.ids[item as usize]);
            taken += 1;
            e = next;
        }
        false
    }

    /// [`LshIndex::candidates`] with at most `per_bucket` ids taken from each band's
    /// bucket: the answer has at most `bands × per_bucket` ids however many sections share
    /// a band, so that a template shared by thousands of reports costs each of them a
    /// bounded number of exact checks instead of one per other report.
    ///
    /// Which ids a full bucket gives is fixed (the first inserted, then the latest), the
    /// same for every query: the members of a big cluster are all checked against the same
    /// few, which is enough to find that they are copies. Buckets are that big only for
    /// near-identical text (unrelated sections rarely share a band), so nothing else is
    /// lost.
    pub fn candidates_limited(&self, signature: &[u32], per_bucket: usize) -> Candidates {
        let keys = band_keys(self.bands, self.rows, signature);
        let mut out = Candidates::default();
        if self.slots.is_empty() {
            return out;
        }
        for key in keys {
            let slot = &self.slots[self.probe(key)];
            if slot.key == key && self.bucket_ids_limited(slot, &mut out.ids, per_bucket) {
                out.truncated_buckets += 1;
            }
        }
        out.ids.sort_unstable();
        out.ids.dedup();
        out
    }

    /// Ids of every inserted section sharing a band with `signature`, sorted and
    /// deduplicated. Nothing is excluded: if the section itself was inserted, its own id is
    /// in the answer.
    pub fn candidates(&self, signature: &[u32]) -> Vec<u64> {
        let keys = band_keys(self.bands, self.rows, signature);
        let mut out = Vec::new();
        if self.slots.is_empty() {
            return out;
        }
        for key in keys {
            let slot = &self.slots[self.probe(key)];
            if slot.key == key {
                self.bucket_ids(slot, &mut out);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Every candidate pair in the index: `(a, b)` with `a < b` (ids sharing at least one
    /// band), sorted and deduplicated. Pairs of one id with itself are left out.
    pub fn pairs(&self) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let mut bucket: Vec<u64> = Vec::new();
        // The usual bucket holds one section (`more == NIL`): skipped without leaving the
        // sequential scan of the table.
        for slot in self.slots.iter().filter(|s| s.more != NIL) {
            bucket.clear();
            self.bucket_ids(slot, &mut bucket);
            for (i, &x) in bucket.iter().enumerate() {
                for &y in &bucket[i + 1..] {
                    match x.cmp(&y) {
                        std::cmp::Ordering::Less => out.push((x, y)),
                        std::cmp::Ordering::Greater => out.push((y, x)),
                        std::cmp::Ordering::Equal => {}
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The band keys of a signature under `opts` (one per band, in band order): what an
/// index kept outside memory — the corpus database's band pages — files a text under.
/// The same keys [`LshIndex`] uses, so both find the same candidates.
pub fn signature_band_keys(opts: &Options, signature: &[u32]) -> Vec<u64> {
    band_keys(opts.bands.max(1), opts.rows().max(1), signature).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(bands: usize, num_hashes: usize) -> Options {
        Options {
            bands,
            num_hashes,
            ..Options::default()
        }
    }

    #[test]
    fn identical_and_band_sharing_signatures_collide() {
        let mut idx = LshIndex::new(&opts(4, 8));
        assert_eq!(idx.rows, 2);
        assert!(idx.candidates(&[1; 8]).is_empty());
        idx.insert(10, &[1, 2, 3, 4, 5, 6, 7, 8]);
        idx.insert(20, &[1, 2, 3, 4, 5, 6, 7, 8]);
        // Shares only band 3 (values 7, 8) with the first two.
        idx.insert(30, &[0, 0, 0, 0, 0, 0, 7, 8]);
        // Band 0 values of band 1: not a collision, bands are kept apart.
        idx.insert(40, &[3, 4, 9, 9, 9, 9, 9, 9]);
        // Shares one value of band 0 only: not enough.
        idx.insert(50, &[1, 0, 0, 1, 0, 1, 0, 1]);
        assert_eq!(idx.len(), 5);
        assert_eq!(
            format!("{idx:?}"),
            "LshIndex { bands: 4, rows: 2, sections: 5, buckets: 15, .. }"
        );
        assert_eq!(idx.pairs(), vec![(10, 20), (10, 30), (20, 30)]);
        assert_eq!(idx.candidates(&[1, 2, 3, 4, 5, 6, 7, 8]), vec![10, 20, 30]);
        assert_eq!(idx.candidates(&[3, 4, 9, 9, 5, 5, 5, 5]), vec![40]);
        assert_eq!(idx.candidates(&[6; 8]), Vec::<u64>::new());
    }

    #[test]
    fn limited_candidates_take_a_few_per_bucket() {
        let mut idx = LshIndex::new(&opts(2, 4));
        // Ten identical signatures: both bands' buckets hold all ten.
        for id in 0..10 {
            idx.insert(id, &[1, 1, 1, 1]);
        }
        // One that shares only band 1.
        idx.insert(20, &[5, 5, 1, 1]);
        let all = idx.candidates(&[1, 1, 1, 1]);
        assert_eq!(all, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 20]);
        // First inserted, then the latest: 0, 9, 8 from band 0; 0, 20, 9 from band 1.
        assert_eq!(
            idx.candidates_limited(&[1, 1, 1, 1], 3),
            Candidates {
                ids: vec![0, 8, 9, 20],
                truncated_buckets: 2
            }
        );
        assert_eq!(
            idx.candidates_limited(&[5, 5, 7, 7], 3),
            Candidates {
                ids: vec![20],
                truncated_buckets: 0
            }
        );
        // A limit above every bucket's size is `candidates`.
        assert_eq!(idx.candidates_limited(&[1, 1, 1, 1], 11).ids, all);
        assert_eq!(
            idx.candidates_limited(&[1, 1, 1, 1], 0).ids,
            Vec::<u64>::new()
        );
        assert_eq!(
            LshIndex::new(&opts(2, 4)).candidates_limited(&[1, 1, 1, 1], 3),
            Candidates::default()
        );
    }

    #[test]
    fn duplicate_ids_are_deduplicated() {
        let mut idx = LshIndex::new(&opts(2, 4));
        idx.insert(7, &[1, 1, 1, 1]);
        idx.insert(7, &[1, 1, 1, 1]);
        idx.insert(3, &[1, 1, 2, 2]);
        assert_eq!(idx.pairs(), vec![(3, 7)]);
        assert_eq!(idx.candidates(&[1, 1, 1, 1]), vec![3, 7]);
    }

    #[test]
    fn remainder_of_signature_is_unused() {
        // 10 hashes in 3 bands: rows 3, the 10th value is ignored.
        let mut idx = LshIndex::new(&opts(3, 10));
        idx.insert(1, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 100]);
        idx.insert(2, &[0, 0, 0, 0, 0, 0, 0, 0, 0, 100]);
        assert!(idx.pairs().is_empty());
    }

    #[test]
    #[should_panic(expected = "signature has 3 values")]
    fn short_signature_panics() {
        LshIndex::new(&opts(2, 4)).insert(1, &[1, 2, 3]);
    }

    #[test]
    fn probability_formula() {
        assert_eq!(candidate_probability(1.0, 32, 4), 1.0);
        assert_eq!(candidate_probability(0.0, 32, 4), 0.0);
        assert!((candidate_probability(0.5, 1, 1) - 0.5).abs() < 1e-12);
    }
}
