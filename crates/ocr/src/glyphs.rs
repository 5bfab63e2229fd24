//! Digits read by their shapes, learned from the document itself. A report's tables
//! print every number in one font: the numbers the engine read surely, twice, teach
//! what each digit looks like in this document, and a number the engine could not settle is
//! then read glyph by glyph against them. This is a reading of its own, with its own
//! measure of certainty — it weighs the engine's readings, it never stands unchecked.
//!
//! It catches what the engine does worst on cells: a lone narrow glyph dropped as a
//! speck of a border (a "1" alone in its cell read as nothing), the last digit of a
//! number lost ("21" read as "2"), a digit taken for a character of Chinese ("7" read
//! as 了).

use crate::raster::Gray;

/// The grid a glyph is sampled on: a text height of `GRID_H` cells, `GRID_W` wide,
/// centred on the glyph, so a narrow 1 stays narrow.
const GRID_W: usize = 16;
const GRID_H: usize = 24;

/// Most exemplars kept of one digit.
const MAX_EXEMPLARS: usize = 12;

/// A glyph's best likeness (normalised correlation, −1 to 1) must reach this…
const MIN_LIKENESS: f32 = 0.80;
/// …and lead the best likeness of every other digit by this much.
const MIN_LEAD: f32 = 0.06;

/// One mark of a number in a cell's image (pixels of the crop).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Glyph {
    pub x0: u32,
    pub x1: u32,
    pub y0: u32,
    pub y1: u32,
    /// A decimal point: small, on the baseline.
    pub point: bool,
}

/// The marks of a number, left to right: runs of columns with ink. `None` when the
/// image holds something that is neither a digit nor a decimal point (a character, a
/// unit, a mark of another size), or nothing.
pub(crate) fn segment(crop: &Gray, threshold: u8) -> Option<Vec<Glyph>> {
    let (w, h) = (crop.width, crop.height);
    let ink = crop.binarised(threshold);
    let mut runs: Vec<(u32, u32)> = Vec::new();
    let mut start: Option<u32> = None;
    for x in 0..=w {
        let inked = x < w && (0..h).any(|y| ink.at(x, y));
        match (inked, start) {
            (true, None) => start = Some(x),
            (false, Some(s)) => {
                runs.push((s, x));
                start = None;
            }
            _ => {}
        }
    }
    let mut marks: Vec<Glyph> = runs
        .into_iter()
        .filter_map(|(x0, x1)| {
            let rows = (0..h).filter(|&y| (x0..x1).any(|x| ink.at(x, y)));
            let (mut y0, mut y1) = (u32::MAX, 0);
            for y in rows {
                y0 = y0.min(y);
                y1 = y1.max(y + 1);
            }
            (y1 > y0).then_some(Glyph {
                x0,
                x1,
                y0,
                y1,
                point: false,
            })
        })
        .collect();
    let height = marks.iter().map(|g| g.y1 - g.y0).max()?;
    if height < 8 {
        return None;
    }
    let tall = |g: &Glyph| (g.y1 - g.y0) * 10 >= height * 6;
    let baseline = marks.iter().filter(|g| tall(g)).map(|g| g.y1).max()?;
    for g in &mut marks {
        if tall(g) {
            // Digits are about half as wide as high; a run much wider is two touching
            // digits, or a character.
            if (g.x1 - g.x0) * 10 > height * 9 {
                return None;
            }
            continue;
        }
        let small = (g.y1 - g.y0) * 10 <= height * 35 / 10 && (g.x1 - g.x0) * 10 <= height * 4;
        let on_baseline = g.y1 * 10 + height * 2 >= baseline * 10;
        if small && on_baseline {
            g.point = true;
        } else {
            return None;
        }
    }
    // A number starts and ends with a digit, and has one point at most.
    let points = marks.iter().filter(|g| g.point).count();
    if marks.first()?.point || marks.last()?.point || points > 1 {
        return None;
    }
    Some(marks)
}

/// A digit glyph sampled on the grid: ink (darkness) per grid cell, zero mean and unit
/// length, so that a dot product is the normalised correlation of two shapes.
fn shape(crop: &Gray, g: &Glyph, top: u32, height: u32) -> Option<Vec<f32>> {
    let scale = height as f32 / GRID_H as f32;
    let centre = (g.x0 + g.x1) as f32 / 2.0;
    let left = centre - scale * GRID_W as f32 / 2.0;
    let mut v = vec![0f32; GRID_W * GRID_H];
    for (j, row) in v.chunks_mut(GRID_W).enumerate() {
        let (sy0, sy1) = (
            top as f32 + j as f32 * scale,
            top as f32 + (j + 1) as f32 * scale,
        );
        for (i, cell) in row.iter_mut().enumerate() {
            let (sx0, sx1) = (left + i as f32 * scale, left + (i + 1) as f32 * scale);
            let (mut sum, mut n) = (0f32, 0f32);
            let mut y = sy0.max(0.0).floor() as u32;
            while (y as f32) < sy1 && y < crop.height {
                let mut x = sx0.max(g.x0 as f32).floor() as u32;
                while (x as f32) < sx1 && x < g.x1.min(crop.width) {
                    sum += 255.0 - crop.get(x, y) as f32;
                    n += 1.0;
                    x += 1;
                }
                y += 1;
            }
            *cell = if n > 0.0 { sum / n } else { 0.0 };
        }
    }
    let mean = v.iter().sum::<f32>() / v.len() as f32;
    v.iter_mut().for_each(|x| *x -= mean);
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm <= f32::EPSILON {
        return None;
    }
    v.iter_mut().for_each(|x| *x /= norm);
    Some(v)
}

/// The digit glyphs of a crop with their shapes, and where the points stand.
fn shapes_of(crop: &Gray, threshold: u8) -> Option<Vec<Option<Vec<f32>>>> {
    let marks = segment(crop, threshold)?;
    let digits: Vec<&Glyph> = marks.iter().filter(|g| !g.point).collect();
    let top = digits.iter().map(|g| g.y0).min()?;
    let bottom = digits.iter().map(|g| g.y1).max()?;
    marks
        .iter()
        .map(|g| {
            if g.point {
                Some(None)
            } else {
                shape(crop, g, top, bottom - top).map(Some)
            }
        })
        .collect()
}

/// What each digit looks like on one page: shapes taken from numbers read surely.
#[derive(Clone, Debug, Default)]
pub struct DigitShapes {
    by_digit: [Vec<Vec<f32>>; 10],
}

impl DigitShapes {
    /// Learn from a crop whose number (`text`: digits, at most one point) was read
    /// surely. Nothing is learned unless the crop's marks are exactly the number's
    /// characters.
    pub fn learn(&mut self, crop: &Gray, threshold: u8, text: &str) {
        let Some(shapes) = shapes_of(crop, threshold) else {
            return;
        };
        let chars: Vec<char> = text.chars().collect();
        if chars.len() != shapes.len()
            || chars
                .iter()
                .zip(&shapes)
                .any(|(c, s)| (*c == '.') != s.is_none() || !(c.is_ascii_digit() || *c == '.'))
        {
            return;
        }
        for (c, s) in chars.iter().zip(shapes) {
            if let (Some(d), Some(s)) = (c.to_digit(10), s) {
                let pool = &mut self.by_digit[d as usize];
                if pool.len() < MAX_EXEMPLARS {
                    pool.push(s);
                }
            }
        }
    }

    /// The shapes of `other` (another page of the document) added to these.
    pub fn merge(&mut self, other: &DigitShapes) {
        for (pool, more) in self.by_digit.iter_mut().zip(&other.by_digit) {
            let room = MAX_EXEMPLARS.saturating_sub(pool.len());
            pool.extend(more.iter().take(room).cloned());
        }
    }

    /// How many digits have been learned.
    pub fn digits_known(&self) -> usize {
        self.by_digit.iter().filter(|p| !p.is_empty()).count()
    }

    /// The number in a crop read glyph by glyph, with a confidence (0–100: the least
    /// likeness of its glyphs). `None` when a glyph is not clearly one digit: too
    /// unlike every digit learned, or as like two of them.
    pub fn read(&self, crop: &Gray, threshold: u8) -> Option<(String, f32)> {
        let shapes = shapes_of(crop, threshold)?;
        let mut text = String::new();
        let mut least = 1f32;
        for s in &shapes {
            let Some(s) = s else {
                text.push('.');
                continue;
            };
            let mut best = [f32::NEG_INFINITY; 10];
            for (d, pool) in self.by_digit.iter().enumerate() {
                for e in pool {
                    let likeness: f32 = e.iter().zip(s).map(|(a, b)| a * b).sum();
                    best[d] = best[d].max(likeness);
                }
            }
            let (first, &likeness) = best.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
            let runner_up = best
                .iter()
                .enumerate()
                .filter(|(d, _)| *d != first)
                .map(|(_, &l)| l)
                .fold(f32::NEG_INFINITY, f32::max);
            if likeness < MIN_LIKENESS || likeness - runner_up < MIN_LEAD {
                return None;
            }
            least = least.min(likeness);
            text.push(char::from(b'0' + first as u8));
        }
        Some((text, least * 100.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs drawn as strokes on a grid of 2-pixel dots: a digit is a list of
    /// segments of a seven-segment display, enough to make ten distinct shapes.
    fn draw(text: &str, height: u32) -> Gray {
        let w = height / 2;
        let gap = height / 4;
        let mut g = Gray::new(
            (w + gap) * text.chars().count() as u32 + 2 * gap,
            height + 2 * gap,
            255,
        );
        let mut x = gap;
        for c in text.chars() {
            let t = (height / 10).max(2);
            let mut bar = |x0: u32, y0: u32, x1: u32, y1: u32| {
                for y in y0..y1 {
                    for xx in x0..x1 {
                        g.set(xx, y, 0);
                    }
                }
            };
            let (top, mid, bot) = (gap, gap + height / 2 - t / 2, gap + height - t);
            let segs: &[u8] = match c {
                '0' => &[0, 1, 2, 4, 5, 6],
                '1' => &[2, 5],
                '2' => &[0, 2, 3, 4, 6],
                '3' => &[0, 2, 3, 5, 6],
                '4' => &[1, 2, 3, 5],
                '5' => &[0, 1, 3, 5, 6],
                '6' => &[0, 1, 3, 4, 5, 6],
                '7' => &[0, 2, 5],
                '8' => &[0, 1, 2, 3, 4, 5, 6],
                '9' => &[0, 1, 2, 3, 5, 6],
                '.' => {
                    bar(x, bot, x + t, bot + t);
                    x += t + gap;
                    continue;
                }
                _ => &[],
            };
            for s in segs {
                match s {
                    0 => bar(x, top, x + w, top + t),
                    1 => bar(x, top, x + t, mid + t),
                    2 => bar(x + w - t, top, x + w, mid + t),
                    3 => bar(x, mid, x + w, mid + t),
                    4 => bar(x, mid, x + t, bot + t),
                    5 => bar(x + w - t, mid, x + w, bot + t),
                    _ => bar(x, bot, x + w, bot + t),
                }
            }
            x += w + gap;
        }
        g
    }

    fn taught(height: u32) -> DigitShapes {
        let mut e = DigitShapes::default();
        e.learn(&draw("0123456789", height), 128, "0123456789");
        e
    }

    #[test]
    fn marks_are_digits_and_points() {
        let marks = segment(&draw("96.5", 40), 128).unwrap();
        let points: Vec<bool> = marks.iter().map(|g| g.point).collect();
        assert_eq!(points, [false, false, true, false]);
    }

    #[test]
    fn a_number_is_read_by_the_shapes_learned() {
        let e = taught(40);
        assert_eq!(e.digits_known(), 10);
        for n in ["21", "1", "7", "351", "96171.6", "0"] {
            let (text, confidence) = e.read(&draw(n, 40), 128).unwrap();
            assert_eq!(text, n);
            assert!(confidence >= 99.0, "{n}: {confidence}");
        }
    }

    #[test]
    fn shapes_learned_at_one_size_read_another() {
        let e = taught(40);
        assert_eq!(e.read(&draw("3058", 60), 128).unwrap().0, "3058");
    }

    #[test]
    fn a_digit_unlike_every_digit_learned_is_not_guessed() {
        let mut e = DigitShapes::default();
        e.learn(&draw("1", 40), 128, "1");
        assert_eq!(e.read(&draw("8", 40), 128), None);
        assert_eq!(e.read(&draw("11", 40), 128).unwrap().0, "11");
    }

    #[test]
    fn a_glyph_as_like_two_digits_is_not_read() {
        let mut e = DigitShapes::default();
        e.learn(&draw("8", 40), 128, "8");
        // The same shape taught as two digits: no lead.
        e.learn(&draw("8", 40), 128, "3");
        assert_eq!(e.read(&draw("8", 40), 128), None);
    }

    #[test]
    fn nothing_is_learned_from_a_reading_that_does_not_fit_the_marks() {
        let mut e = DigitShapes::default();
        // "21" read as "2": one character for two marks.
        e.learn(&draw("21", 40), 128, "2");
        assert_eq!(e.digits_known(), 0);
    }

    #[test]
    fn what_is_not_a_number_is_not_read() {
        let e = taught(40);
        // A mark twice as wide as a digit: a character, or digits run together.
        let mut g = Gray::new(120, 60, 255);
        for y in 10..50 {
            for x in 10..100 {
                if (x + y) % 7 < 3 {
                    g.set(x, y, 0);
                }
            }
        }
        assert_eq!(e.read(&g, 128), None);
        assert_eq!(e.read(&Gray::new(40, 40, 255), 128), None);
    }
}
