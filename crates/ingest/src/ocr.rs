//! Scanned input: image-only PDFs and image files recognised by the OCR engine, when it
//! is installed and OCR is not turned off. The recognised pages become the same
//! `Document` a PDF with a text layer gives; every number read carries its confidence.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

use gongkai_model::Document;
use gongkai_ocr::{
    DigitShapes, Engine, EngineError, LabelByOrder, OcrError, PageCells, PageImage, Reading,
    Tesseract,
};

/// Whether image-only input is recognised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OcrMode {
    /// When the engine is installed (else the clear error says how to install it).
    #[default]
    Auto,
    /// Never (`--no-ocr`): scanned input is refused as before.
    Off,
}

static MODE: AtomicU8 = AtomicU8::new(0);

/// The process's OCR mode (the CLI's `--no-ocr`, the server's configuration).
pub fn set_ocr_mode(mode: OcrMode) {
    MODE.store(
        match mode {
            OcrMode::Auto => 0,
            OcrMode::Off => 1,
        },
        Ordering::Relaxed,
    );
}

pub fn ocr_mode() -> OcrMode {
    match MODE.load(Ordering::Relaxed) {
        1 => OcrMode::Off,
        _ => OcrMode::Auto,
    }
}

/// The engine, looked for once per process.
pub fn engine() -> Result<&'static Tesseract, EngineError> {
    static ENGINE: OnceLock<Result<Tesseract, EngineError>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let mut t = Tesseract::find()?;
            t.timeout = PAGE_TIME_LIMIT;
            Ok(t)
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Longest the engine may take over one page (one process); a page over it fails the
/// document with a clear error instead of holding up a batch.
pub const PAGE_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(20);

/// Pages recognised beyond this are refused (a scanned report has a few dozen).
pub const MAX_OCR_PAGES: usize = 200;

/// What OCR did for a document: which engine, each page's resolution and skew, and
/// every number read with its confidence.
#[derive(Clone, Debug, PartialEq)]
pub struct Recognised {
    pub engine: String,
    pub pages: Vec<RecognisedPage>,
    pub numbers: Vec<Reading>,
    /// Row labels of table 三 unreadable and placed by the rows around them.
    pub labels_by_order: Vec<LabelByOrder>,
}

/// One recognised page.
#[derive(Clone, Debug, PartialEq)]
pub struct RecognisedPage {
    pub number: u32,
    /// The resolution it was read at.
    pub dpi: u32,
    /// The skew corrected (degrees, counter-clockwise positive).
    pub skew: f32,
}

/// Read page images into a document. Pages run in parallel, one engine process each.
pub fn recognise(pages: Vec<PageImage>) -> Result<(Document, Recognised), OcrError> {
    let engine = engine()?;
    recognise_with(pages, engine)
}

/// [`recognise`] with a given engine.
pub fn recognise_with(
    pages: Vec<PageImage>,
    engine: &dyn Engine,
) -> Result<(Document, Recognised), OcrError> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<(usize, Result<PageCells, OcrError>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads.min(pages.len()))
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(p) = pages.get(i) else { break };
                        done.push((i, gongkai_ocr::read_cells(p, engine)));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut results = results;
    results.sort_by_key(|(i, _)| *i);
    let mut drawings = Vec::with_capacity(results.len());
    let mut recognised = Recognised {
        engine: engine.name().to_string(),
        pages: Vec::new(),
        numbers: Vec::new(),
        labels_by_order: Vec::new(),
    };
    let pages: Vec<PageCells> = results
        .into_iter()
        .map(|(_, r)| r)
        .collect::<Result<_, _>>()?;
    // The document's digits, as its pages' sure numbers show them: a number in doubt
    // on one page is read by the shapes of every page.
    let mut shapes = DigitShapes::default();
    for page in &pages {
        shapes.merge(&page.exemplars);
    }
    for page in pages {
        let page = page.finish(&shapes);
        recognised.pages.push(RecognisedPage {
            number: page.drawing.number,
            dpi: page.dpi,
            skew: page.skew,
        });
        recognised.numbers.extend(page.numbers);
        recognised.labels_by_order.extend(page.labels_by_order);
        drawings.push(page.drawing);
    }
    let mut document = gongkai_pdf::document_from_drawings(&drawings);
    fixed_phrases(&mut document);
    Ok((document, recognised))
}

/// The report's fixed phrases read back in the laid-out lines
/// ([`gongkai_ocr::labels::snap_phrases`]), each character in place in its piece; a
/// title whose ending the engine split over two pieces (a gap read between 信息 and
/// 公开) is one piece again, as a title line is never a table row.
fn fixed_phrases(document: &mut Document) {
    use gongkai_model::{Block, Location, Piece};
    for block in &mut document.blocks {
        let Block::Line { pieces } = block else {
            continue;
        };
        let text: String = pieces.iter().map(|p| p.text.as_str()).collect();
        if let Some(snapped) = gongkai_ocr::labels::snap_phrases(&text) {
            let mut chars = snapped.chars();
            for p in pieces.iter_mut() {
                let n = p.text.chars().count();
                p.text = chars.by_ref().take(n).collect();
            }
        }
        let title = gongkai_ocr::labels::TITLE_END;
        let joined: String = pieces.iter().map(|p| p.text.as_str()).collect();
        if pieces.len() > 1
            && joined.contains(title)
            && !pieces.iter().any(|p| p.text.contains(title))
        {
            let boxes: Vec<(u32, f32, f32, f32, f32)> = pieces
                .iter()
                .filter_map(|p| match p.location {
                    Location::Pdf {
                        page,
                        x0,
                        y0,
                        x1,
                        y1,
                    } => Some((page, x0, y0, x1, y1)),
                    _ => None,
                })
                .collect();
            let location = match boxes.first() {
                Some(&(page, ..)) => Location::Pdf {
                    page,
                    x0: boxes.iter().map(|b| b.1).fold(f32::INFINITY, f32::min),
                    y0: boxes.iter().map(|b| b.2).fold(f32::INFINITY, f32::min),
                    x1: boxes.iter().map(|b| b.3).fold(f32::NEG_INFINITY, f32::max),
                    y1: boxes.iter().map(|b| b.4).fold(f32::NEG_INFINITY, f32::max),
                },
                None => pieces[0].location.clone(),
            };
            *pieces = vec![Piece {
                text: joined,
                location,
            }];
        }
    }
}

/// The pages of a scanned PDF as images to recognise.
pub fn pdf_pages(bytes: &[u8]) -> Result<Vec<PageImage>, String> {
    pdf_page_images(bytes, None)
}

/// Page `n` (1-based) of a scanned report — an image-only PDF or an image file — as
/// it was recognised, for showing it with the places read on it.
pub fn page_image(bytes: &[u8], n: u32) -> Result<PageImage, String> {
    match crate::detect(bytes) {
        crate::Detected::Pdf => pdf_page_images(bytes, Some(n))?
            .pop()
            .ok_or_else(|| format!("没有第{n}页")),
        crate::Detected::Image if n == 1 => gongkai_ocr::decode_file(bytes)
            .map(|(image, dpi)| PageImage::whole(1, image, dpi))
            .map_err(|e| e.to_string()),
        crate::Detected::Image => Err(format!("图片文件只有一页，没有第{n}页")),
        other => Err(format!("不是扫描件（{}）", other.display_zh())),
    }
}

fn pdf_page_images(bytes: &[u8], only: Option<u32>) -> Result<Vec<PageImage>, String> {
    let pages = gongkai_pdf::scanned_pages(bytes).map_err(|e| e.to_string())?;
    if pages.len() > MAX_OCR_PAGES {
        return Err(format!(
            "扫描件页数过多（{}页，OCR上限{MAX_OCR_PAGES}页）",
            pages.len()
        ));
    }
    let mut out = Vec::with_capacity(pages.len());
    for p in pages
        .into_iter()
        .filter(|p| only.is_none_or(|n| p.number == n))
    {
        let image = p
            .image
            .map_err(|reason| format!("第{}页：{reason}", p.number))?;
        let mut gray = gongkai_ocr::decode_pdf_image(&image.data)
            .map_err(|e| format!("第{}页：{e}", p.number))?;
        if image.flipped {
            let (w, h) = (gray.width as usize, gray.height as usize);
            let mut flipped = Vec::with_capacity(gray.pixels.len());
            for row in (0..h).rev() {
                flipped.extend_from_slice(&gray.pixels[row * w..(row + 1) * w]);
            }
            gray.pixels = flipped;
        }
        out.push(PageImage {
            number: p.number,
            image: gray,
            page_width: p.width,
            page_height: p.height,
            x0: image.x0,
            y0: image.y0,
            x1: image.x1,
            y1: image.y1,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_model::{Block, Location, Piece};

    fn piece(text: &str, x0: f32) -> Piece {
        Piece {
            text: text.into(),
            location: Location::Pdf {
                page: 1,
                x0,
                y0: 700.0,
                x1: x0 + 50.0,
                y1: 716.0,
            },
        }
    }

    #[test]
    fn a_misread_title_is_read_back_and_one_piece() {
        let mut doc = Document::default();
        doc.blocks.push(Block::Line {
            pieces: vec![
                piece("2024年政府信息", 100.0),
                piece("公开工年作度报告", 300.0),
            ],
        });
        doc.blocks.push(Block::Line {
            pieces: vec![piece("规章", 100.0), piece("0", 300.0)],
        });
        fixed_phrases(&mut doc);
        assert_eq!(
            doc.line_texts("|"),
            vec!["2024年政府信息公开工作年度报告", "规章|0"]
        );
        let Block::Line { pieces } = &doc.blocks[0] else {
            panic!("a line")
        };
        assert_eq!(
            pieces[0].location,
            Location::Pdf {
                page: 1,
                x0: 100.0,
                y0: 700.0,
                x1: 350.0,
                y1: 716.0
            }
        );
    }
}
