//! Text for CID fonts that lack a ToUnicode map: invert the embedded TrueType font's
//! own `cmap` table (Unicode → glyph) to read glyph ids back as text.
//!
//! With Identity-H the codes are CIDs, and for a CIDFontType2 the CID is the glyph id
//! (or maps to it through CIDToGIDMap). Only the Unicode subtables (formats 4 and 12)
//! are read; every read is bounds-checked, as embedded fonts are often damaged.

use std::collections::HashMap;

fn u16_at(d: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*d.get(i)?, *d.get(i + 1)?]))
}

fn u32_at(d: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *d.get(i)?,
        *d.get(i + 1)?,
        *d.get(i + 2)?,
        *d.get(i + 3)?,
    ]))
}

/// Radicals and compatibility ideographs share glyphs with unified ideographs: when
/// a glyph has several chars, the unified one is the text.
fn preference(c: char) -> u8 {
    match c as u32 {
        0x2E80..=0x2FDF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F => 1,
        _ => 0,
    }
}

/// Glyphs beyond this are not read (hostile tables).
const MAX_MAPPINGS: usize = 200_000;

/// Glyph id → char from the font's Unicode cmap, if it has one.
pub fn glyph_to_unicode(font: &[u8]) -> Option<HashMap<u16, char>> {
    let num_tables = usize::from(u16_at(font, 4)?);
    let cmap = (0..num_tables.min(64)).find_map(|i| {
        let rec = 12 + 16 * i;
        (font.get(rec..rec + 4)? == b"cmap").then(|| u32_at(font, rec + 8))?
    })? as usize;
    let n = usize::from(u16_at(font, cmap + 2)?);
    // Best subtable: (3,10) or (0,4+) format 12, else (3,1) or (0,*) format 4.
    let mut best: Option<(u8, usize)> = None;
    for i in 0..n.min(64) {
        let rec = cmap + 4 + 8 * i;
        let (platform, encoding) = (u16_at(font, rec)?, u16_at(font, rec + 2)?);
        let offset = cmap + u32_at(font, rec + 4)? as usize;
        let format = u16_at(font, offset)?;
        let unicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10));
        if !unicode {
            continue;
        }
        let rank = match format {
            12 => 2,
            4 => 1,
            _ => continue,
        };
        if best.is_none_or(|(r, _)| rank > r) {
            best = Some((rank, offset));
        }
    }
    let (rank, offset) = best?;
    // (glyph, code point) pairs, bounded: a damaged table may claim huge ranges.
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    if rank == 2 {
        let groups = u32_at(font, offset + 12)? as usize;
        for g in 0..groups.min(MAX_MAPPINGS) {
            let at = offset + 16 + 12 * g;
            let (Some(start), Some(end), Some(glyph)) =
                (u32_at(font, at), u32_at(font, at + 4), u32_at(font, at + 8))
            else {
                break;
            };
            if end < start || end - start > 0x10000 {
                continue;
            }
            for cp in start..=end {
                if pairs.len() >= MAX_MAPPINGS {
                    break;
                }
                pairs.push((glyph.saturating_add(cp - start), cp));
            }
        }
    } else {
        let seg_count = usize::from(u16_at(font, offset + 6)? / 2);
        let ends = offset + 14;
        let starts = ends + 2 * seg_count + 2;
        let deltas = starts + 2 * seg_count;
        let ranges = deltas + 2 * seg_count;
        for s in 0..seg_count {
            let (Some(end), Some(start), Some(delta), Some(range)) = (
                u16_at(font, ends + 2 * s),
                u16_at(font, starts + 2 * s),
                u16_at(font, deltas + 2 * s),
                u16_at(font, ranges + 2 * s),
            ) else {
                break;
            };
            let (start, end, delta, range) = (
                u32::from(start),
                u32::from(end),
                u32::from(delta),
                usize::from(range),
            );
            for cp in start..=end.min(0xFFFE) {
                if pairs.len() >= MAX_MAPPINGS {
                    break;
                }
                let gid = if range == 0 {
                    (cp + delta) & 0xFFFF
                } else {
                    let at = ranges + 2 * s + range + 2 * (cp - start) as usize;
                    match u16_at(font, at) {
                        Some(0) | None => continue,
                        Some(g) => (u32::from(g) + delta) & 0xFFFF,
                    }
                };
                pairs.push((gid, cp));
            }
        }
    }
    let mut out: HashMap<u16, char> = HashMap::new();
    for (gid, cp) in pairs {
        let (Ok(gid), Some(c)) = (u16::try_from(gid), char::from_u32(cp)) else {
            continue;
        };
        if gid == 0 {
            continue;
        }
        match out.get(&gid) {
            Some(&old) if preference(old) <= preference(c) => {}
            _ => {
                out.insert(gid, c);
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A font with only a cmap table: format 4, one segment 'A'..'C' → glyphs 1..3,
    /// plus U+2F00 (⼀, a Kangxi radical) and U+4E00 (一) on the same glyph 4.
    fn font() -> Vec<u8> {
        let mut sub = Vec::new();
        let segs: [(u16, u16, u16); 4] = [
            (0x41, 0x43, (1u16).wrapping_sub(0x41)),
            (0x2F00, 0x2F00, (4u16).wrapping_sub(0x2F00)),
            (0x4E00, 0x4E00, (4u16).wrapping_sub(0x4E00)),
            (0xFFFF, 0xFFFF, 1),
        ];
        let n = segs.len() as u16;
        for v in [4u16, 0, 0, n * 2, 0, 0, 0] {
            sub.extend(v.to_be_bytes());
        }
        for s in &segs {
            sub.extend(s.1.to_be_bytes());
        }
        sub.extend(0u16.to_be_bytes());
        for s in &segs {
            sub.extend(s.0.to_be_bytes());
        }
        for s in &segs {
            sub.extend(s.2.to_be_bytes());
        }
        for _ in &segs {
            sub.extend(0u16.to_be_bytes());
        }
        let mut f = vec![0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        f.extend(b"cmap");
        f.extend(0u32.to_be_bytes());
        f.extend(28u32.to_be_bytes());
        f.extend((12 + sub.len() as u32).to_be_bytes());
        // cmap header: version 0, one record (3,1) at offset 12.
        for v in [0u16, 1, 3, 1] {
            f.extend(v.to_be_bytes());
        }
        f.extend(12u32.to_be_bytes());
        f.extend(sub);
        f
    }

    #[test]
    fn format_4_inverted() {
        let m = glyph_to_unicode(&font()).unwrap();
        assert_eq!(m.get(&1), Some(&'A'));
        assert_eq!(m.get(&3), Some(&'C'));
        assert_eq!(m.get(&4), Some(&'一'), "unified ideograph preferred");
        assert!(glyph_to_unicode(&font()[..30]).is_none());
        assert!(glyph_to_unicode(b"").is_none());
    }
}
