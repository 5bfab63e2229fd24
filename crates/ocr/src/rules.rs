//! Ruling lines (table borders) found in a binary page image: long straight runs of
//! ink, horizontal and vertical. A stroke of a character is short; a border runs the
//! width of a cell at least and, for a vertical border, from one horizontal border to
//! another. The PDF reader's table builder takes the rules from here on.

use crate::raster::Bits;

/// A ruling line in pixels: `pos` across it (its centre), `lo..hi` along it, and how
/// thick it was drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PixelRule {
    pub pos: f32,
    pub lo: u32,
    pub hi: u32,
    pub thickness: u32,
}

/// Horizontal and vertical rules of a page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rules {
    pub horizontal: Vec<PixelRule>,
    pub vertical: Vec<PixelRule>,
}

/// Runs of ink along one direction: `(across, start, end)` with gaps of at most `gap`
/// bridged (a scanned line breaks up in noise).
fn runs(
    len_along: u32,
    len_across: u32,
    at: impl Fn(u32, u32) -> bool,
    min_len: u32,
    gap: u32,
) -> Vec<(u32, u32, u32)> {
    let mut out = Vec::new();
    for a in 0..len_across {
        let mut start: Option<u32> = None;
        let mut last_ink = 0u32;
        for s in 0..len_along {
            if at(s, a) {
                if start.is_none() {
                    start = Some(s);
                }
                last_ink = s;
            } else if let Some(st) = start {
                if s - last_ink > gap {
                    if last_ink + 1 - st >= min_len {
                        out.push((a, st, last_ink + 1));
                    }
                    start = None;
                }
            }
        }
        if let Some(st) = start {
            if last_ink + 1 - st >= min_len {
                out.push((a, st, last_ink + 1));
            }
        }
    }
    out
}

/// Runs on adjacent rows (or columns) that overlap along the line are one rule.
fn join(mut runs: Vec<(u32, u32, u32)>, max_thickness: u32) -> Vec<PixelRule> {
    runs.sort_unstable();
    // Open rules: (first across, last across, lo, hi, sum of across).
    let mut open: Vec<(u32, u32, u32, u32)> = Vec::new();
    let mut done: Vec<(u32, u32, u32, u32)> = Vec::new();
    for (a, lo, hi) in runs {
        let mut merged = false;
        for r in open.iter_mut() {
            if r.1 + 1 >= a && r.1 <= a && lo < r.3 && hi > r.2 {
                r.1 = a;
                r.2 = r.2.min(lo);
                r.3 = r.3.max(hi);
                merged = true;
                break;
            }
        }
        if !merged {
            open.push((a, a, lo, hi));
        }
        // Rules no longer continued are finished.
        let (still, finished): (Vec<_>, Vec<_>) = open.into_iter().partition(|r| r.1 + 1 >= a);
        open = still;
        done.extend(finished);
    }
    done.extend(open);
    done.into_iter()
        .filter(|r| r.1 - r.0 < max_thickness)
        .map(|(a0, a1, lo, hi)| PixelRule {
            pos: (a0 + a1) as f32 / 2.0,
            lo,
            hi,
            thickness: a1 - a0 + 1,
        })
        .collect()
}

/// Whether a horizontal run of ink is the foot of a line of text rather than a border:
/// the strokes of bold characters standing on their baseline run together into one
/// long stroke, but what lies just above it is characters — ink and paper mixed — where
/// above and below a border is paper (or, beside a shaded cell, all ink).
fn under_text(bits: &Bits, r: &PixelRule) -> bool {
    let density = |y: i64| -> f32 {
        if y < 0 || y >= bits.height as i64 {
            return 0.0;
        }
        let (lo, hi) = (r.lo.min(bits.width), r.hi.min(bits.width));
        if hi <= lo {
            return 0.0;
        }
        let ink = (lo..hi).filter(|&x| bits.at(x, y as u32)).count();
        ink as f32 / (hi - lo) as f32
    };
    let half = r.thickness as i64 / 2 + 1;
    let side = |sign: i64| -> f32 {
        (2..=8)
            .step_by(3)
            .map(|d| density(r.pos as i64 + sign * (half + d)))
            .fold(0.0, f32::max)
    };
    let textured = |d: f32| (0.2..0.85).contains(&d);
    textured(side(-1)) || textured(side(1))
}

/// How far (pixels) a rule may stop short of the one it meets.
fn reach(dpi: f32) -> f32 {
    (dpi / 25.0).max(4.0)
}

/// The ruling lines of a page scanned at `dpi`.
pub fn find(bits: &Bits, dpi: f32) -> Rules {
    let (w, h) = (bits.width, bits.height);
    // A horizontal border spans a cell: a quarter inch at least; the longest character
    // stroke (一 in a large heading) is shorter than that only at body sizes, so
    // horizontal candidates must also meet vertical rules below.
    let min_h = (dpi * 0.3) as u32;
    // Vertical borders are at least a row high; the strokes of a character are kept
    // out by requiring both ends on a horizontal border.
    let min_v = (dpi * 0.12) as u32;
    let gap = (dpi / 100.0).ceil() as u32;
    let thick = (dpi / 20.0).ceil() as u32;
    let horizontal: Vec<PixelRule> = join(runs(w, h, |s, a| bits.at(s, a), min_h, gap), thick)
        .into_iter()
        .filter(|r| !under_text(bits, r))
        .collect();
    let vertical = join(runs(h, w, |s, a| bits.at(a, s), min_v, gap), thick);
    let r = reach(dpi);
    // A border meets (or crosses) two horizontal borders at least — as the PDF reader
    // asks of drawn rules — where a character's stroke meets none, or one when it
    // touches the border below it. One end alone is not asked for: a table running
    // over a page break has no bottom border on the page.
    let crossings = |v: &PixelRule| {
        horizontal
            .iter()
            .filter(|hr| {
                hr.pos >= v.lo as f32 - r
                    && hr.pos <= v.hi as f32 + r
                    && v.pos >= hr.lo as f32 - r
                    && v.pos <= hr.hi as f32 + r
            })
            .take(2)
            .count()
    };
    let vertical: Vec<PixelRule> = vertical.into_iter().filter(|v| crossings(v) >= 2).collect();
    // A horizontal rule of a table meets a vertical one (the PDF reader's builder asks
    // for two); a long underline or a separator meets none and is dropped there.
    Rules {
        horizontal,
        vertical,
    }
}

/// Lines drawn under text (links in a page printed from a browser, emphasis): thin
/// horizontal runs under text that touches them or stands a few rows of paper above
/// them; touching, half again as long as the text is high, apart, three fifths. The engine reads an underlined line badly (a
/// label's first line lost, an underlined 1 read as 荆), so they are painted out with
/// the borders. A stroke of a character is no longer than the character is high or
/// has more of the character below it, and the top bar of a 7 or a 5 has paper above
/// it, not text.
pub fn underlines(bits: &Bits, dpi: f32) -> Vec<PixelRule> {
    let (w, h) = (bits.width, bits.height);
    let min_len = (dpi * 0.08) as u32;
    let thick = (dpi / 50.0).ceil() as u32;
    let near = (dpi / 75.0).ceil() as i64;
    let density = |y: i64, lo: u32, hi: u32| -> f32 {
        if y < 0 || y >= h as i64 || hi <= lo {
            return 0.0;
        }
        (lo..hi.min(w)).filter(|&x| bits.at(x, y as u32)).count() as f32 / (hi - lo) as f32
    };
    join(runs(w, h, |s, a| bits.at(s, a), min_len, 1), thick)
        .into_iter()
        .filter(|r| {
            let top = r.pos as i64 - r.thickness as i64 / 2;
            // Text just above: ink in the rows right over the line.
            let touching = (1..=near).any(|d| density(top - d, r.lo, r.hi) >= 0.03);
            // Paper below: a character's stroke with more of the character under it
            // (the bar of 大) is not an underline.
            let bottom = top + r.thickness as i64;
            let paper_below = (1..=near).all(|d| density(bottom + d, r.lo, r.hi) < 0.02);
            if !touching || !paper_below {
                return false;
            }
            // Paper between the line and the text (an underline set below the glyphs,
            // where no stroke of a glyph is): the line may be as short as the text it
            // underlines, a single digit's; touching, it must be longer than the
            // strokes of any one character.
            let mut gap = 0i64;
            while gap < near && density(top - 1 - gap, r.lo, r.hi) < 0.02 {
                gap += 1;
            }
            // The text's height: inked rows above, gaps of a row or two bridged.
            let mut height = 0i64;
            let mut blank = 0;
            let mut y = top - 1 - gap;
            while y >= 0 && blank <= 2 && height < (dpi as i64) {
                if density(y, r.lo, r.hi) >= 0.02 {
                    blank = 0;
                } else {
                    blank += 1;
                }
                height += 1;
                y -= 1;
            }
            let height = height - blank;
            let length = (r.hi - r.lo) as i64;
            let long_enough = if gap > 0 {
                length * 5 >= height * 3
            } else {
                length * 2 >= height * 3
            };
            height >= (dpi / 30.0) as i64 && long_enough
        })
        .collect()
}

/// The rules painted out (white) of a grey image, so that the engine reads the cells'
/// text without borders run into it.
pub fn erase(image: &mut crate::raster::Gray, rules: &Rules) {
    let pad = 1u32;
    let (w, h) = (image.width, image.height);
    for r in &rules.horizontal {
        let half = r.thickness / 2 + pad + 1;
        let y0 = (r.pos as u32).saturating_sub(half);
        let y1 = (r.pos as u32 + half + 1).min(h);
        for y in y0..y1 {
            for x in r.lo.min(w)..r.hi.min(w) {
                image.set(x, y, 255);
            }
        }
    }
    for r in &rules.vertical {
        let half = r.thickness / 2 + pad + 1;
        let x0 = (r.pos as u32).saturating_sub(half);
        let x1 = (r.pos as u32 + half + 1).min(w);
        for y in r.lo.min(h)..r.hi.min(h) {
            for x in x0..x1 {
                image.set(x, y, 255);
            }
        }
    }
}
