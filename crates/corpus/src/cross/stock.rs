//! The stock-phrase snapshot: how many agencies use each shingle, approximately and in
//! fixed memory, counted over the current reports in a full step and kept in the
//! database for the steps after it.

use gongkai_store::{StockSnapshot, Store, StoreError};

/// Counts, per shingle, how many agencies use it — approximately, in fixed memory: a
/// count-min sketch (never under-counts; over-counts only by collisions, which at this
/// width and depth stay far below the stock-phrase threshold).
pub(crate) struct AgencyCounts {
    rows: Vec<Vec<u16>>,
    mask: u64,
}

impl AgencyCounts {
    const DEPTH: usize = 4;
    const WIDTH_BITS: u32 = 22;

    pub(crate) fn new() -> AgencyCounts {
        AgencyCounts {
            rows: vec![vec![0; 1 << Self::WIDTH_BITS]; Self::DEPTH],
            mask: (1 << Self::WIDTH_BITS) - 1,
        }
    }
    fn slot(&self, h: u64, row: usize) -> usize {
        slot_of(self.mask, h, row)
    }
    #[cfg(test)]
    fn add(&mut self, h: u64) {
        for row in 0..Self::DEPTH {
            let i = self.slot(h, row);
            self.rows[row][i] = self.rows[row][i].saturating_add(1);
        }
    }
    /// Counts each agency's shingles, given by their top 32 bits ([`Stock::is_common`]
    /// asks the same; the full pass keeps only those), sorted and deduplicated per
    /// agency. The rows are independent, so they are counted in parallel.
    pub(crate) fn add_agencies(&mut self, agencies: &[Vec<u64>]) {
        use rayon::prelude::*;
        let mask = self.mask;
        self.rows
            .par_iter_mut()
            .enumerate()
            .for_each(|(row, counts)| {
                for set in agencies {
                    for &h in set {
                        let i = slot_of(mask, h, row);
                        counts[i] = counts[i].saturating_add(1);
                    }
                }
            });
    }
    pub(crate) fn estimate(&self, h: u64) -> u16 {
        (0..Self::DEPTH)
            .map(|row| self.rows[row][self.slot(h, row)])
            .min()
            .unwrap_or(0)
    }

    /// The sketch as stored: the rows' counts, little-endian, run-length coded (most
    /// slots of a small corpus are 0): pairs of (zeros before, count).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut zeros: u32 = 0;
        for &c in self.rows.iter().flatten() {
            if c == 0 {
                zeros += 1;
                continue;
            }
            out.extend_from_slice(&zeros.to_le_bytes());
            out.extend_from_slice(&c.to_le_bytes());
            zeros = 0;
        }
        out
    }

    /// The sketch [`AgencyCounts::to_bytes`] stored; `None` if the bytes are damaged.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<AgencyCounts> {
        let mut counts = AgencyCounts::new();
        let width = 1usize << Self::WIDTH_BITS;
        let total = width * Self::DEPTH;
        let mut at = 0usize;
        for pair in bytes.chunks(6) {
            let [z0, z1, z2, z3, c0, c1] = pair else {
                return None;
            };
            at = at.checked_add(u32::from_le_bytes([*z0, *z1, *z2, *z3]) as usize)?;
            if at >= total {
                return None;
            }
            counts.rows[at / width][at % width] = u16::from_le_bytes([*c0, *c1]);
            at += 1;
        }
        Some(counts)
    }
}

/// A shingle's slot in a row: independent-enough positions from one 64-bit hash,
/// rotated and mixed per row.
fn slot_of(mask: u64, h: u64, row: usize) -> usize {
    let x = h
        .rotate_left(17 * row as u32 + 7)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    ((x >> 20) & mask) as usize
}

/// A phrase used by at least this many agencies is a stock phrase of the genre, not a
/// sign of copying: 2 % of the agencies in the corpus, and never fewer than 5 — copying
/// between agencies is between two or three of them.
pub fn stock_threshold(agencies: usize) -> u16 {
    (agencies.div_ceil(50)).clamp(5, u16::MAX as usize) as u16
}

/// The snapshot every judgement of a step uses.
pub(crate) struct Stock {
    pub counts: AgencyCounts,
    pub threshold: u16,
    pub agencies: i64,
    pub computed_at: i64,
}

impl Stock {
    /// Whether a shingle is a stock phrase, by its top 32 bits as counted.
    pub(crate) fn is_common(&self, h: u64) -> bool {
        self.counts.estimate(h >> 32) >= self.threshold
    }

    /// The note a copied-text finding carries: which snapshot judged it.
    pub(crate) fn note(&self) -> String {
        // No date: the same corpus gives the same finding whenever it is checked.
        format!(
            "常用语依据：按统计时语料库的 {} 个机关，至少 {} 个机关使用的短语视为常用语，不计为雷同（机关数变化超过一成时重新统计，雷同结论可能随之变化）",
            self.agencies, self.threshold
        )
    }

    pub(crate) fn load(store: &mut Store) -> Result<Option<Stock>, StoreError> {
        let Some(s) = store.stock_snapshot()? else {
            return Ok(None);
        };
        let Some(counts) = AgencyCounts::from_bytes(&s.sketch) else {
            return Err(StoreError::Query(
                "常用语统计（cross_stock）已损坏：请运行 gongkai ingest --recheck-all".into(),
            ));
        };
        Ok(Some(Stock {
            counts,
            threshold: u16::try_from(s.threshold).unwrap_or(u16::MAX),
            agencies: s.agencies,
            computed_at: s.computed_at,
        }))
    }

    pub(crate) fn save(&self, store: &mut Store) -> Result<(), StoreError> {
        store.save_stock_snapshot(&StockSnapshot {
            agencies: self.agencies,
            threshold: i64::from(self.threshold),
            computed_at: self.computed_at,
            sketch: self.counts.to_bytes(),
        })
    }
}

/// Whether the agencies have moved by more than a tenth since the snapshot.
pub(crate) fn drifted(
    store: &mut Store,
    header: Option<(i64, i64, i64)>,
) -> Result<bool, StoreError> {
    let Some((agencies, _, _)) = header else {
        return Ok(true);
    };
    let now = store.counted_agencies()?;
    Ok((now - agencies).abs() * 10 > agencies.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sketch_survives_storing() {
        let mut c = AgencyCounts::new();
        for h in [1u64, 2, 3, 3, 99_999_999_999, u64::MAX] {
            c.add(h);
        }
        let back = AgencyCounts::from_bytes(&c.to_bytes()).unwrap();
        assert_eq!(back.rows, c.rows);
        assert_eq!(back.estimate(3), 2);
        assert_eq!(back.estimate(7), 0);
        assert!(AgencyCounts::from_bytes(&[1, 2, 3]).is_none());
        assert!(AgencyCounts::from_bytes(&[255, 255, 255, 255, 1, 0]).is_none());
    }

    #[test]
    fn threshold_is_two_percent_and_at_least_five() {
        assert_eq!(stock_threshold(10), 5);
        assert_eq!(stock_threshold(1000), 20);
    }
}
