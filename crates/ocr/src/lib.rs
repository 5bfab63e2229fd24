//! Read scanned reports: page images → the PDF reader's page drawings (recognised
//! glyphs with their boxes, ruling lines found in the image) → the same `Document`
//! grid every other reader produces, so parsing and checking do not change.
//!
//! `image → grey (colour seals dropped out) → scaled to a working resolution →
//! binarised → deskewed → ruling lines found and painted out → the engine reads the
//! prose → each cell's writing cut out (specks and a seal's remains whitened) and
//! read as text and again as digits → numbers in doubt read a third time, numbers
//! lost read alone → the document's digits learned from its sure numbers, and the
//! numbers still in doubt read by those shapes → words as glyphs in page points`.
//! The last step needs every page ([`read_cells`], [`PageCells::finish`]).
//!
//! Nothing read is taken on trust: every number carries the confidences of both
//! readings, and a number whose readings disagree, or whose confidence is low, is
//! returned as a [`Reading`] with both — the caller reports it as a doubt, never
//! silently picks one.

pub mod engine;
mod glyphs;
pub mod labels;
mod numbers;
pub mod raster;
pub mod rules;
pub mod scanset;

use gongkai_pdf::{DrawnGlyph, PageDrawing};
use numbers::{decide, digits_of, number_text, with_shapes, with_third, Decided};

pub use engine::{Engine, EngineError, Task, Tesseract, Word};
pub use glyphs::DigitShapes;
pub use raster::{decode_file, decode_pdf_image, Bits, DecodeError, Gray};

/// One page image to read and where it lies on its page.
#[derive(Clone, Debug)]
pub struct PageImage {
    /// 1-based.
    pub number: u32,
    pub image: Gray,
    /// The page, in points.
    pub page_width: f32,
    pub page_height: f32,
    /// The box the image fills on the page (points, origin bottom-left).
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl PageImage {
    /// An image file as a page of its own: its stated resolution, or an A4 page's width
    /// when it states none.
    pub fn whole(number: u32, image: Gray, dpi: Option<f32>) -> PageImage {
        let dpi = dpi
            .filter(|d| (50.0..=1200.0).contains(d))
            .unwrap_or(image.width as f32 / (595.0 / 72.0));
        let (w, h) = (
            image.width as f32 * 72.0 / dpi,
            image.height as f32 * 72.0 / dpi,
        );
        PageImage {
            number,
            image,
            page_width: w,
            page_height: h,
            x0: 0.0,
            y0: 0.0,
            x1: w,
            y1: h,
        }
    }

    /// Dots per inch across the image.
    pub fn dpi(&self) -> f32 {
        let w = (self.x1 - self.x0).abs().max(1.0);
        self.image.width as f32 / (w / 72.0)
    }
}

/// A number read with less than certainty: both readings and their confidences, and
/// where it is on the page.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    pub page: u32,
    /// The box, page points (origin bottom-left).
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    /// What the page text now says (the reading with the higher confidence).
    pub text: String,
    pub confidence: f32,
    /// The other reading, when the two passes disagree.
    pub alternative: Option<(String, f32)>,
}

impl Reading {
    /// Whether this number is in doubt: the passes disagree, or the confidence is low.
    pub fn doubtful(&self) -> bool {
        in_doubt(&self.alternative, self.confidence)
    }
}

/// A row label of table 三 that read as nothing the template prints, taken for the
/// template's label by its place between rows whose labels were read.
#[derive(Clone, Debug, PartialEq)]
pub struct LabelByOrder {
    pub page: u32,
    /// The label cell's ink, page points (origin bottom-left).
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    /// What the engine read.
    pub read: String,
    /// The template's label put in its place.
    pub label: &'static str,
}

/// Whether a number read with this confidence, and this other reading if any, is in
/// doubt.
fn in_doubt(alternative: &Option<(String, f32)>, confidence: f32) -> bool {
    alternative.is_some() || confidence < LOW_CONFIDENCE
}

/// Most numbers of a page read alone, one engine run each.
const MAX_LONE_READINGS: usize = 16;

/// A reading at least this confident is sure: it counts a row's numbers, a third
/// reading this sure replaces one below the doubt line, and numbers both passes read
/// this surely teach the document's digit shapes.
const SURE: f32 = 80.0;

/// A confidence kept below the doubt line: a reading made this way is never sure.
fn below_doubt_line(confidence: f32) -> f32 {
    confidence.min(LOW_CONFIDENCE - 1.0)
}

/// A digits-only reading scored below this is no reading at all.
const NO_READING: f32 = 30.0;

/// Below this confidence (0–100) a number is a doubt even when both passes agree.
pub const LOW_CONFIDENCE: f32 = 60.0;

/// A page read: its drawing for the layout, every number read with its confidence,
/// and what was done to the image.
#[derive(Clone, Debug)]
pub struct PageRead {
    pub drawing: PageDrawing,
    pub numbers: Vec<Reading>,
    /// Table 三's row labels that read as nothing the template prints, placed by the
    /// rows around them.
    pub labels_by_order: Vec<LabelByOrder>,
    /// The skew corrected, degrees.
    pub skew: f32,
    /// The resolution read at.
    pub dpi: u32,
}

/// Why a page could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OcrError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("第{page}页图像无法读取：{reason}")]
    Image { page: u32, reason: String },
}

/// The resolution pages are read at: the engine's models are trained on text about
/// 30 pixels high, which body text is at 300 dpi.
const WORKING_DPI: f32 = 300.0;

/// Read one page by the engine: its prose and the readings of every cell, and the
/// shapes of the digits it read surely. The page is finished
/// ([`PageCells::finish`]) with the shapes of all the document's pages
/// ([`DigitShapes::merge`]).
pub fn read_cells(page: &PageImage, engine: &dyn Engine) -> Result<PageCells, OcrError> {
    let dpi_in = page.dpi();
    if page.image.width < 16 || page.image.height < 16 || !dpi_in.is_finite() {
        return Err(OcrError::Image {
            page: page.number,
            reason: "图像过小".into(),
        });
    }
    let factor = if !(250.0..=400.0).contains(&dpi_in) {
        WORKING_DPI / dpi_in
    } else {
        1.0
    };
    let gray = if (factor - 1.0).abs() > 0.01 {
        page.image.scaled(factor)
    } else {
        page.image.clone()
    };
    let dpi = dpi_in * factor;
    let threshold = gray.otsu();
    let bits = gray.binarised(threshold);
    let skew = raster::skew(&bits, 3.0);
    let (gray, bits, threshold) = if skew.abs() >= 0.05 {
        let g = gray.rotated(-skew);
        let t = g.otsu();
        let b = g.binarised(t);
        (g, b, t)
    } else {
        (gray, bits, threshold)
    };
    let found = rules::find(&bits, dpi);
    let mut clean = gray.clone();
    rules::erase(&mut clean, &found);
    rules::erase(
        &mut clean,
        &rules::Rules {
            horizontal: rules::underlines(&bits, dpi),
            vertical: Vec::new(),
        },
    );

    // The tables' cells, built as the PDF reader builds them (in points, y up, over the
    // working image) and brought back to pixels.
    let k = 72.0 / dpi;
    let hh = gray.height as f32;
    let hr: Vec<(f32, f32, f32)> = found
        .horizontal
        .iter()
        .map(|r| ((hh - r.pos) * k, r.lo as f32 * k, r.hi as f32 * k))
        .collect();
    let vr: Vec<(f32, f32, f32)> = found
        .vertical
        .iter()
        .map(|r| (r.pos * k, (hh - r.hi as f32) * k, (hh - r.lo as f32) * k))
        .collect();
    let tables: Vec<Vec<[f32; 4]>> = gongkai_pdf::ruled_cells(&hr, &vr)
        .into_iter()
        .map(|cells| {
            cells
                .into_iter()
                .map(|b| [b[0] / k, hh - b[3] / k, b[2] / k, hh - b[1] / k])
                .collect()
        })
        .collect();

    // Prose: the page with its tables painted out, read as a page.
    let mut prose = clean.clone();
    for cells in &tables {
        for b in cells {
            fill(&mut prose, b, 255);
        }
    }
    let placed: Vec<Placed> = engine
        .words(&prose, dpi.round() as u32, Task::Page)?
        .into_iter()
        .map(|w| Placed::from_word(&w, (0, w.line.0, w.line.1, w.line.2), 0.0, 0.0))
        .collect();

    // Cells: each cell's ink cut out, read as text and again as digits only.
    let inset = (dpi / 60.0).ceil();
    let min_ink = (dpi / 15.0) as usize;
    let core = clean.ink_core(threshold);
    let speck = ((dpi / 100.0) * (dpi / 100.0)).ceil() as usize;
    let margin = (dpi / 75.0).round() as usize;
    let mut crops: Vec<(Gray, u32, u32)> = Vec::new();
    // Each crop's cell: (table, box).
    let mut crop_cells: Vec<(usize, [f32; 4])> = Vec::new();
    for (t, cells) in tables.iter().enumerate() {
        for b in cells {
            let (x0, y0, x1, y1) = (b[0] + inset, b[1] + inset, b[2] - inset, b[3] - inset);
            if x1 - x0 < 4.0 || y1 - y0 < 4.0 {
                continue;
            }
            // The cell's writing alone: specks and the remains of a seal turned white.
            let (rx0, ry0) = (x0.max(0.0) as u32, y0.max(0.0) as u32);
            let region = clean
                .crop(rx0, ry0, x1.max(0.0) as u32, y1.max(0.0) as u32)
                .ink_only(threshold, core, speck, margin);
            let (rw, rh) = (region.width as f32, region.height as f32);
            if let Some((ix0, iy0, ix1, iy1)) =
                ink_box(&region, threshold, 0.0, 0.0, rw, rh, min_ink)
            {
                let pad = (dpi / 50.0) as u32;
                let crop = region.crop(ix0, iy0, ix1, iy1).padded(pad);
                let (cx0, cy0) = (
                    (rx0 + ix0).saturating_sub(pad),
                    (ry0 + iy0).saturating_sub(pad),
                );
                crops.push((crop, cx0, cy0));
                crop_cells.push((t, *b));
            }
        }
    }
    let items: Vec<&Gray> = crops.iter().map(|c| &c.0).collect();
    let as_text = read_strip(&items, dpi, Task::Lines, engine)?;
    let as_digits = read_strip(&items, dpi, Task::Numbers, engine)?;
    let texts: Vec<String> = as_text.iter().map(|w| line_text(w)).collect();
    let seconds: Vec<(String, f32)> = as_digits
        .iter()
        .map(|d| (line_text(d), min_confidence(d)))
        .collect();
    let read_as_label: Vec<bool> = texts
        .iter()
        .zip(&seconds)
        .map(|(t, s)| is_label(t, s))
        .collect();
    let in_number_columns = number_positions(&crop_cells, &read_as_label, &texts, &seconds, dpi);
    let is_label_cell: Vec<bool> = (0..crops.len())
        .map(|n| read_as_label[n] && !in_number_columns[n])
        .collect();
    let by_order = labels_placed_by_order(&crop_cells, &is_label_cell, &texts, &seconds, dpi);
    // Every number cell's decision from the first two readings; those left in doubt
    // are read a third time, the numbers set apart on a strip of their own.
    let mut decisions: Vec<Option<Decided>> = (0..crops.len())
        .map(|n| {
            if by_order.contains_key(&n) || is_label_cell[n] {
                return None;
            }
            let text = &texts[n];
            let first = text
                .chars()
                .any(|c| c.is_ascii_digit())
                .then(|| (text.clone(), min_confidence(&as_text[n])));
            let mut d = decide(first, seconds[n].clone());
            if read_as_label[n] && in_number_columns[n] {
                // Where its row prints numbers the text pass read words ("让" for 1
                // under a seal): the digits reading stands, never on trust, beside
                // the words.
                d.confidence = below_doubt_line(d.confidence);
                if d.alternative.is_none() && !text.is_empty() {
                    d.alternative = Some((text.clone(), min_confidence(&as_text[n])));
                }
            }
            Some(d)
        })
        .collect();
    let doubtful: Vec<usize> = (0..crops.len())
        .filter(|&n| {
            decisions[n]
                .as_ref()
                .is_some_and(|d| in_doubt(&d.alternative, d.confidence))
        })
        .collect();
    if !doubtful.is_empty() {
        let items: Vec<&Gray> = doubtful.iter().map(|&n| &crops[n].0).collect();
        let third = read_strip(&items, dpi, Task::SparseNumbers, engine)?;
        for (k, &n) in doubtful.iter().enumerate() {
            let reading = (line_text(&third[k]), min_confidence(&third[k]));
            if let Some(d) = decisions[n].take() {
                decisions[n] = Some(with_third(d, reading));
            }
        }
    }
    // Numbers no reading found a digit in, each read alone (a few a page at most: one
    // engine run each).
    let lost: Vec<usize> = (0..crops.len())
        .filter(|&n| {
            decisions[n]
                .as_ref()
                .is_some_and(|d| digits_of(&d.text).is_empty())
        })
        .take(MAX_LONE_READINGS)
        .collect();
    for n in lost {
        // A little more paper than the crop has (measured: the engine drops a lone
        // glyph with much paper around it).
        let alone = crops[n].0.padded((dpi / 100.0).round() as u32);
        let words = engine.words(&alone, dpi.round() as u32, Task::LoneNumber)?;
        let reading = (line_text(&words), min_confidence(&words));
        if let Some(d) = decisions[n].take() {
            decisions[n] = Some(with_third(d, reading));
        }
    }
    // What the page's digits look like, from the numbers both passes read surely.
    let mut exemplars = DigitShapes::default();
    for n in 0..crops.len() {
        let sure = decisions[n].is_some()
            && !seconds[n].0.is_empty()
            && digits_of(&texts[n]) == seconds[n].0
            && seconds[n].1 >= SURE
            && min_confidence(&as_text[n]) >= SURE;
        if sure {
            exemplars.learn(&crops[n].0, threshold, &number_text(&texts[n]));
        }
    }
    Ok(PageCells {
        number: page.number,
        page_box: [page.x0, page.y0, page.x1, page.y1],
        page_size: (page.page_width, page.page_height),
        working_size: (gray.width, gray.height),
        threshold,
        found,
        skew,
        dpi,
        placed,
        crops,
        as_text,
        texts,
        by_order,
        is_label_cell,
        decisions,
        exemplars,
    })
}

/// A page read by the engine, its numbers not yet weighed against the shapes of the
/// document's digits ([`PageCells::finish`]).
pub struct PageCells {
    number: u32,
    /// Where the image lies on its page, points: x0, y0, x1, y1.
    page_box: [f32; 4],
    page_size: (f32, f32),
    /// The working image's size, pixels.
    working_size: (u32, u32),
    threshold: u8,
    found: rules::Rules,
    skew: f32,
    dpi: f32,
    /// The prose's words.
    placed: Vec<Placed>,
    /// Each cell's ink and where it was cut from (working pixels).
    crops: Vec<(Gray, u32, u32)>,
    /// Each cell's words as text, and joined.
    as_text: Vec<Vec<Word>>,
    texts: Vec<String>,
    by_order: std::collections::HashMap<usize, &'static str>,
    is_label_cell: Vec<bool>,
    /// Each number cell's decision from the engine's readings.
    decisions: Vec<Option<Decided>>,
    /// The shapes of the digits this page's sure numbers show.
    pub exemplars: DigitShapes,
}

impl PageCells {
    /// The page finished: the numbers still in doubt read by `shapes` (learned from the
    /// whole document: a page may print no sure 7 for its lone 7 to be read by), the
    /// words placed as glyphs in page points.
    pub fn finish(self, shapes: &DigitShapes) -> PageRead {
        let PageCells {
            number,
            page_box,
            page_size,
            working_size,
            threshold,
            found,
            skew,
            dpi,
            mut placed,
            crops,
            as_text,
            texts,
            by_order,
            is_label_cell,
            mut decisions,
            exemplars: _,
        } = self;
        // Pixels of the working image → page points.
        let sx = (page_box[2] - page_box[0]) / working_size.0 as f32;
        let sy = (page_box[3] - page_box[1]) / working_size.1 as f32;
        let px = |x: f32| page_box[0] + x * sx;
        let py = |y: f32| page_box[3] - y * sy;
        let reading_at = |x0: f32, y0: f32, x1: f32, y1: f32, d: Decided| Reading {
            page: number,
            x0: px(x0),
            y0: py(y1),
            x1: px(x1),
            y1: py(y0),
            text: d.text,
            confidence: d.confidence,
            alternative: d.alternative,
        };
        let mut readings = Vec::new();
        // The numbers still in doubt weighed against the document's digits.
        for (slot, (crop, _, _)) in decisions.iter_mut().zip(&crops) {
            let Some(d) = slot.take() else { continue };
            let by_shapes = in_doubt(&d.alternative, d.confidence)
                .then(|| shapes.read(crop, threshold))
                .flatten();
            *slot = Some(match by_shapes {
                Some(reading) => with_shapes(d, reading),
                None => d,
            });
        }
        let mut labels_by_order = Vec::new();
        for (n, (crop, ox, oy)) in crops.iter().enumerate() {
            let text_words = &as_text[n];
            let text = texts[n].clone();
            if let Some(label) = by_order.get(&n) {
                let (x0, y0) = (*ox as f32, *oy as f32);
                let (x1, y1) = (x0 + crop.width as f32, y0 + crop.height as f32);
                placed.push(Placed::cell(
                    [x0, y0, x1, y1],
                    n,
                    label.to_string(),
                    min_confidence(text_words),
                ));
                labels_by_order.push(LabelByOrder {
                    page: number,
                    x0: px(x0),
                    y0: py(y1),
                    x1: px(x1),
                    y1: py(y0),
                    read: text,
                    label,
                });
                continue;
            }
            if is_label_cell[n] {
                if let Some(label) = labels::template_label(&text) {
                    // One word for the whole cell, where its words were.
                    let (ox, oy) = (*ox as f32, *oy as f32);
                    let x0 = text_words.iter().map(|w| w.x0).min().unwrap_or(0) as f32 + ox;
                    let y0 = text_words.iter().map(|w| w.y0).min().unwrap_or(0) as f32 + oy;
                    let x1 = text_words.iter().map(|w| w.x1).max().unwrap_or(0) as f32 + ox;
                    let y1 = text_words.iter().map(|w| w.y1).max().unwrap_or(0) as f32 + oy;
                    let confidence = min_confidence(text_words);
                    placed.push(Placed::cell(
                        [x0, y0, x1, y1],
                        n,
                        label.to_string(),
                        confidence,
                    ));
                    continue;
                }
                for w in text_words {
                    placed.push(Placed::from_word(
                        w,
                        (n as u32 + 1, w.line.0, w.line.1, w.line.2),
                        *ox as f32,
                        *oy as f32,
                    ));
                }
                continue;
            }
            // A number, or ink that reads as nothing.
            let Some(mut d) = decisions[n].take() else {
                continue;
            };
            // A cell holds a number and nothing else: what the text reading put around it
            // ("2?", "“84") is the engine's, not the document's.
            d.text = number_text(&d.text);
            let (x0, y0) = (*ox as f32, *oy as f32);
            let (x1, y1) = (x0 + crop.width as f32, y0 + crop.height as f32);
            if !d.text.is_empty() {
                placed.push(Placed::cell(
                    [x0, y0, x1, y1],
                    n,
                    d.text.clone(),
                    d.confidence,
                ));
            }
            readings.push(reading_at(x0, y0, x1, y1, d));
        }

        // Numbers in the prose, with the engine's confidence. They are not read a second
        // time: cut out of a line of Chinese, a number reads worse alone than in its line
        // (the digits-only pass took the edge of 年 for a 4 and lost digits at the edges).
        for p in placed
            .iter()
            .filter(|p| p.line.0 == 0 && is_number_like(&p.text))
        {
            readings.push(reading_at(
                p.x0,
                p.y0,
                p.x1,
                p.y1,
                Decided {
                    text: p.text.clone(),
                    confidence: p.confidence,
                    alternative: None,
                },
            ));
        }
        close_gaps(&mut placed);

        // Each line's height is its glyphs' size.
        let mut line_height: std::collections::HashMap<(u32, u32, u32, u32), (f32, f32)> =
            std::collections::HashMap::new();
        for p in &placed {
            let e = line_height.entry(p.line).or_insert((p.y0, p.y1));
            e.0 = e.0.min(p.y0);
            e.1 = e.1.max(p.y1);
        }
        let mut glyphs = Vec::new();
        for p in &placed {
            if p.text.is_empty() {
                continue;
            }
            let (ly0, ly1) = line_height[&p.line];
            let size = ((ly1 - ly0) * sy).max(1.0);
            let chars: Vec<char> = p.text.chars().collect();
            let step = (p.x1 - p.x0) / chars.len() as f32;
            for (k, c) in chars.iter().enumerate() {
                let gx0 = p.x0 + step * k as f32;
                glyphs.push(DrawnGlyph {
                    c: *c,
                    x0: px(gx0),
                    y0: py(p.y1),
                    x1: px(gx0 + step),
                    y1: py(p.y0),
                    size,
                });
            }
        }
        let hrules = found
            .horizontal
            .iter()
            .map(|r| (py(r.pos), px(r.lo as f32), px(r.hi as f32)))
            .collect();
        let vrules = found
            .vertical
            .iter()
            .map(|r| (px(r.pos), py(r.hi as f32), py(r.lo as f32)))
            .collect();
        PageRead {
            drawing: PageDrawing {
                number,
                width: page_size.0,
                height: page_size.1,
                glyphs,
                hrules,
                vrules,
            },
            numbers: readings,
            labels_by_order,
            skew,
            dpi: dpi.round() as u32,
        }
    }
}

/// How far (pixels) the borders of two cells of one table row may lie apart.
fn row_tolerance(dpi: f32) -> f32 {
    dpi / 30.0
}

/// Whether two cells' boxes (pixels) are in one row: between the same borders.
fn same_row(a: &[f32; 4], b: &[f32; 4], tolerance: f32) -> bool {
    (a[1] - b[1]).abs() <= tolerance && (a[3] - b[3]).abs() <= tolerance
}

/// Which cells stand where their row prints numbers: right of a cell that reads as a
/// row label of the template; or, in a row with at least two cells read surely as
/// numbers, right of the first of them, or anywhere when what was read is one
/// character (no label of the tables is). A table row of the national format
/// prints its label on the left and its numbers to the right (table 四 numbers only),
/// so a cell there whose text reading came out as words (a digit under a seal, in
/// noise) is a number read badly, not a label.
fn number_positions(
    cells: &[(usize, [f32; 4])],
    read_as_label: &[bool],
    texts: &[String],
    digits: &[(String, f32)],
    dpi: f32,
) -> Vec<bool> {
    let tolerance = row_tolerance(dpi);
    let same_row = |a: &[f32; 4], b: &[f32; 4]| same_row(a, b, tolerance);
    let sure_number =
        |i: usize| !read_as_label[i] && !digits[i].0.is_empty() && digits[i].1 >= SURE;
    (0..cells.len())
        .map(|i| {
            let (table, b) = &cells[i];
            let row: Vec<usize> = (0..cells.len())
                .filter(|&j| cells[j].0 == *table && same_row(&cells[j].1, b))
                .collect();
            let numbers: Vec<usize> = row.iter().copied().filter(|&j| sure_number(j)).collect();
            let first = numbers
                .iter()
                .map(|&j| cells[j].1[0])
                .fold(f32::INFINITY, f32::min);
            // Digits and a unit ("75394432.52元"): a number printed with words, read.
            let with_unit = !digits[i].0.is_empty() && digits_of(&texts[i]) == digits[i].0;
            let one_character = texts[i]
                .chars()
                .filter(|c| !c.is_ascii_punctuation())
                .count()
                <= 1;
            let after_row_label = row.iter().any(|&j| {
                read_as_label[j]
                    && cells[j].1[2] <= b[0] + tolerance
                    && labels::is_row_label(&texts[j])
            });
            !with_unit
                && ((numbers.len() >= 2 && (b[0] > first || one_character)) || after_row_label)
        })
        .collect()
}

/// The cells whose label is placed by the order of the template's rows
/// ([`labels::rows_by_order`]): per table, its rows of numbers top to bottom,
/// each with its label — the rightmost label cell of the row left of its numbers.
fn labels_placed_by_order(
    cells: &[(usize, [f32; 4])],
    is_label_cell: &[bool],
    texts: &[String],
    digits: &[(String, f32)],
    dpi: f32,
) -> std::collections::HashMap<usize, &'static str> {
    // Ink that read as nothing either way: a label the engine could not read, or a
    // number it lost — not a number to count a row by.
    let unread = |i: usize| !texts[i].chars().any(|c| c.is_ascii_digit()) && digits[i].0.is_empty();
    let is_number = |i: usize| !is_label_cell[i] && !unread(i);
    let tolerance = row_tolerance(dpi);
    let same_row = |a: &[f32; 4], b: &[f32; 4]| same_row(a, b, tolerance);
    let mut out = std::collections::HashMap::new();
    let tables: std::collections::BTreeSet<usize> = cells.iter().map(|c| c.0).collect();
    for table in tables {
        let in_table: Vec<usize> = (0..cells.len()).filter(|&i| cells[i].0 == table).collect();
        // Rows of numbers: (top, the row's cells, where its first number starts).
        let mut found: Vec<(f32, Vec<usize>, f32)> = Vec::new();
        let mut seen: Vec<[f32; 4]> = Vec::new();
        for &i in &in_table {
            let b = cells[i].1;
            if !is_number(i) || seen.iter().any(|s| same_row(s, &b)) {
                continue;
            }
            let row: Vec<usize> = in_table
                .iter()
                .copied()
                .filter(|&j| same_row(&cells[j].1, &b))
                .collect();
            let numbers: Vec<usize> = row.iter().copied().filter(|&j| is_number(j)).collect();
            if numbers.is_empty() {
                continue;
            }
            seen.push(b);
            let first = numbers
                .iter()
                .map(|&j| cells[j].1[0])
                .fold(f32::INFINITY, f32::min);
            found.push((b[1], row, first));
        }
        // The numbers' columns start where most rows' first number does: ink left
        // unread right of that is a number lost, not a label (a row whose first
        // number was lost starts later).
        let mut starts: Vec<f32> = found.iter().map(|r| r.2).collect();
        starts.sort_by(f32::total_cmp);
        let numbers_start = starts
            .get(starts.len() / 2)
            .copied()
            .unwrap_or(f32::INFINITY);
        let mut rows: Vec<(f32, Option<usize>)> = found
            .into_iter()
            .map(|(top, row, first)| {
                let leaf = row
                    .iter()
                    .copied()
                    .filter(|&j| {
                        let end = cells[j].1[2];
                        (is_label_cell[j] && end <= first + tolerance)
                            || (unread(j) && end <= first.min(numbers_start) + tolerance)
                    })
                    .max_by(|&a, &b| cells[a].1[0].total_cmp(&cells[b].1[0]));
                (top, leaf)
            })
            .collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        let leaves: Vec<&str> = rows
            .iter()
            .map(|(_, leaf)| leaf.map_or("", |j| texts[j].as_str()))
            .collect();
        for (k, label) in labels::rows_by_order(&leaves).into_iter().enumerate() {
            if let (Some(label), Some(cell)) = (label, rows[k].1) {
                out.insert(cell, label);
            }
        }
    }
    out
}

/// The words of one item in reading order, joined (no spaces: Chinese and digits).
fn line_text(words: &[Word]) -> String {
    let mut sorted: Vec<&Word> = words.iter().collect();
    sorted.sort_by_key(|w| (w.line, w.x0));
    sorted.iter().map(|w| clean_text(&w.text)).collect()
}

fn min_confidence(words: &[Word]) -> f32 {
    let c = words
        .iter()
        .map(|w| w.confidence)
        .fold(f32::INFINITY, f32::min);
    if c.is_finite() {
        c
    } else {
        0.0
    }
}

/// Whether a cell holds words (a label) rather than a number. Two Chinese characters
/// (not ones the engine makes of digits: 〇 for 0, 一 for 1 …) are words; one is words
/// unless digits stand beside it and the digits-only reading is sure of a number (a
/// speck read as 得 beside "2" is not a label).
fn is_label(text: &str, digits_reading: &(String, f32)) -> bool {
    const DIGIT_LIKE: &str = "〇一二三丁了乙己王口日目曰工丨子";
    let ideographs = text
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c) && !DIGIT_LIKE.contains(*c))
        .count();
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let letters = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    let sure_number = !digits_reading.0.is_empty() && digits_reading.1 >= 80.0;
    ideographs >= 2 || (ideographs == 1 && (digits == 0 || !sure_number)) || letters >= 3
}

/// A word placed on the working image (pixels, top-left origin).
#[derive(Clone, Debug)]
struct Placed {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    /// (cell or 0 for prose, block, paragraph, line): words with one key are one line.
    line: (u32, u32, u32, u32),
    text: String,
    confidence: f32,
}

impl Placed {
    /// The whole of cell `n` as one word.
    fn cell(b: [f32; 4], n: usize, text: String, confidence: f32) -> Placed {
        Placed {
            x0: b[0],
            y0: b[1],
            x1: b[2],
            y1: b[3],
            line: (n as u32 + 1, 0, 0, 0),
            text,
            confidence,
        }
    }

    fn from_word(w: &Word, line: (u32, u32, u32, u32), ox: f32, oy: f32) -> Placed {
        Placed {
            x0: w.x0 as f32 + ox,
            y0: w.y0 as f32 + oy,
            x1: w.x1 as f32 + ox,
            y1: w.y1 as f32 + oy,
            line,
            text: clean_text(&w.text),
            confidence: w.confidence,
        }
    }
}

/// Chinese is written without spaces, and the engine splits a line into "words" where
/// it likes: words of one line closer than a character's height are made to touch, so
/// the layout does not read the gap as a space or a cell boundary.
fn close_gaps(placed: &mut [Placed]) {
    let mut order: Vec<usize> = (0..placed.len()).collect();
    order.sort_by(|&a, &b| {
        placed[a]
            .line
            .cmp(&placed[b].line)
            .then(placed[a].x0.total_cmp(&placed[b].x0))
    });
    for pair in order.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if placed[a].line != placed[b].line {
            continue;
        }
        let height = (placed[a].y1 - placed[a].y0).max(placed[b].y1 - placed[b].y0);
        let gap = placed[b].x0 - placed[a].x1;
        if gap > 0.0 && gap < height * 0.8 {
            placed[a].x1 = placed[b].x0;
        }
    }
}

fn fill(image: &mut Gray, b: &[f32; 4], v: u8) {
    let x0 = b[0].max(0.0) as u32;
    let y0 = b[1].max(0.0) as u32;
    let x1 = (b[2].max(0.0) as u32).min(image.width);
    let y1 = (b[3].max(0.0) as u32).min(image.height);
    for y in y0..y1 {
        for x in x0..x1 {
            image.set(x, y, v);
        }
    }
}

/// The box of the ink inside a rectangle, if there is enough of it to be writing.
fn ink_box(
    image: &Gray,
    threshold: u8,
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    min_ink: usize,
) -> Option<(u32, u32, u32, u32)> {
    let x0 = x0.max(0.0) as u32;
    let y0 = y0.max(0.0) as u32;
    let x1 = (x1.max(0.0) as u32).min(image.width);
    let y1 = (y1.max(0.0) as u32).min(image.height);
    let (mut bx0, mut by0, mut bx1, mut by1, mut n) = (u32::MAX, u32::MAX, 0, 0, 0usize);
    for y in y0..y1 {
        for x in x0..x1 {
            if image.get(x, y) <= threshold {
                n += 1;
                bx0 = bx0.min(x);
                by0 = by0.min(y);
                bx1 = bx1.max(x + 1);
                by1 = by1.max(y + 1);
            }
        }
    }
    (n >= min_ink).then_some((bx0, by0, bx1, by1))
}

/// Tallest strip given to the engine at once (pixels): Leptonica refuses images over
/// 32767 pixels high, and the engine's line finder slows on very tall ones.
const MAX_STRIP_HEIGHT: u32 = 12_000;

/// Images read in strips, one engine run for many small images: the words of each, in
/// its own pixels. Items of one line's height are set side by side, several to a line,
/// as a table row is — the engine drops a lone small word ("0") on a line of its own
/// as noise, but reads a row of them; taller items (wrapped labels) get a line each.
fn read_strip(
    items: &[&Gray],
    dpi: f32,
    task: Task,
    engine: &dyn Engine,
) -> Result<Vec<Vec<Word>>, OcrError> {
    let mut out: Vec<Vec<Word>> = vec![Vec::new(); items.len()];
    if items.is_empty() {
        return Ok(out);
    }
    let mut heights: Vec<u32> = items.iter().map(|c| c.height).collect();
    heights.sort_unstable();
    let typical = heights[heights.len() / 2].max(1);
    let gap = (dpi / 6.0) as u32 + typical;
    let line_width = (dpi * 7.0) as u32;
    // Lines of items: (item indices, line height).
    let mut lines: Vec<(Vec<usize>, u32)> = Vec::new();
    let mut current: (Vec<usize>, u32, u32) = (Vec::new(), 0, gap);
    for (i, c) in items.iter().enumerate() {
        // The digits-only model runs widely spaced digits into one word: one a line.
        let single =
            c.height <= typical * 3 / 2 && !matches!(task, Task::Numbers | Task::SparseNumbers);
        let fits = current.2 + c.width + gap <= line_width;
        if !single || !fits {
            if !current.0.is_empty() {
                lines.push((std::mem::take(&mut current.0), current.1));
            }
            current = (Vec::new(), 0, gap);
        }
        current.0.push(i);
        current.1 = current.1.max(c.height.min(MAX_STRIP_HEIGHT));
        current.2 += c.width + gap;
        if !single {
            lines.push((std::mem::take(&mut current.0), current.1));
            current = (Vec::new(), 0, gap);
        }
    }
    if !current.0.is_empty() {
        lines.push((current.0, current.1));
    }
    let mut start = 0;
    while start < lines.len() {
        let mut end = start;
        let mut height = gap;
        while end < lines.len() && (end == start || height + lines[end].1 + gap <= MAX_STRIP_HEIGHT)
        {
            height += lines[end].1 + gap;
            end += 1;
        }
        let chunk = &lines[start..end];
        let width = chunk
            .iter()
            .map(|(ids, _)| ids.iter().map(|&i| items[i].width + gap).sum::<u32>())
            .max()
            .unwrap_or(1)
            + gap;
        let mut strip = Gray::new(width, height, 255);
        // Each item's box in the strip.
        let mut boxes: Vec<(usize, u32, u32, u32, u32)> = Vec::new();
        let mut y = gap;
        for (ids, line_height) in chunk {
            let mut x = gap;
            for &i in ids {
                let c = items[i];
                let top = y + (line_height - c.height.min(*line_height)) / 2;
                strip.paste(c, x, top);
                boxes.push((i, x, top, x + c.width, top + c.height));
                x += c.width + gap;
            }
            y += line_height + gap;
        }
        for w in engine.words(&strip, dpi.round() as u32, task)? {
            let (cx, cy) = ((w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2);
            if let Some(&(i, bx0, by0, _, _)) = boxes
                .iter()
                .find(|b| cx >= b.1 && cx < b.3 && cy >= b.2 && cy < b.4)
            {
                out[i].push(Word {
                    x0: w.x0.saturating_sub(bx0),
                    x1: w.x1.saturating_sub(bx0),
                    y0: w.y0.saturating_sub(by0),
                    y1: w.y1.saturating_sub(by0),
                    ..w
                });
            }
        }
        start = end;
    }
    Ok(out)
}

/// What the engine may write that is never on a page of a report: stray strokes of a
/// border it read as text.
fn clean_text(t: &str) -> String {
    t.chars()
        .filter(|c| !matches!(c, '|' | '丨' | '｜' | '¦'))
        .collect()
}

/// A word that is a number once punctuation is set aside ("9487", "3.", "2024年" is not).
fn is_number_like(t: &str) -> bool {
    t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_punctuation() || "。，、．".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Table 三's rows as cells: a label over the label columns and seven numbers.
    /// `rows`: (label, the numbers as read; "" where the ink read as nothing).
    fn table(rows: &[(&str, [&str; 7])]) -> (Vec<(usize, [f32; 4])>, Vec<String>) {
        let mut cells = Vec::new();
        let mut texts = Vec::new();
        for (r, (label, numbers)) in rows.iter().enumerate() {
            let (y0, y1) = (100.0 * r as f32, 100.0 * r as f32 + 100.0);
            cells.push((0, [0.0, y0, 600.0, y1]));
            texts.push(label.to_string());
            for (c, n) in numbers.iter().enumerate() {
                let x0 = 600.0 + 150.0 * c as f32;
                cells.push((0, [x0, y0, x0 + 150.0, y1]));
                texts.push(n.to_string());
            }
        }
        (cells, texts)
    }

    fn placed(rows: &[(&str, [&str; 7])]) -> Vec<(usize, &'static str)> {
        let (cells, texts) = table(rows);
        let is_label: Vec<bool> = texts.iter().map(|t| t.chars().count() > 2).collect();
        let digits: Vec<(String, f32)> = texts
            .iter()
            .map(|t| {
                let sure = t.chars().all(|c| c.is_ascii_digit()) && !t.is_empty();
                (if sure { t.clone() } else { String::new() }, 95.0)
            })
            .collect();
        let mut out: Vec<(usize, &str)> =
            labels_placed_by_order(&cells, &is_label, &texts, &digits, 300.0)
                .into_iter()
                .collect();
        out.sort();
        out
    }

    const ZEROS: [&str; 7] = ["0"; 7];

    #[test]
    fn an_unreadable_label_is_placed_between_the_rows_read() {
        let rows = [
            ("二、上年结转政府信息公开申请数量", ZEROS),
            ("如玖和课", ["7", "0", "0", "0", "0", "0", "7"]),
            (
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                ZEROS,
            ),
        ];
        assert_eq!(placed(&rows), vec![(8, "（一）予以公开")]);
    }

    #[test]
    fn a_number_lost_in_the_number_columns_is_not_taken_for_a_label() {
        // The row's first and last numbers read as nothing: its label was read, and
        // the lost numbers stay numbers, however the rows around fix the order.
        let rows = [
            ("二、上年结转政府信息公开申请数量", ZEROS),
            ("（一）予以公开", ["", "0", "0", "0", "0", "0", ""]),
            (
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                ZEROS,
            ),
        ];
        assert_eq!(placed(&rows), vec![]);
    }
}
