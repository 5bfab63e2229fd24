//! Read a PDF 政府信息公开工作年度报告 into a [`gongkai_model::Document`].
//!
//! `bytes → lopdf objects → per page: content interpreter (glyphs with boxes, ruling
//! lines) → table grids from the rules, glyphs assigned to cells, lines and pieces
//! outside them → tables joined across page breaks, page numbers dropped → Document`.
//!
//! The parser reads the Document as text (a line per `Line`, a row per table row), so
//! the reader's job is to get the geometry right: a label wrapped over two lines in
//! one cell is one cell, the numbers beside it are in their own cells, and a table
//! that runs over a page break is one table.

mod assemble;
mod cmap;
mod encoding;
mod font;
mod interp;
mod layout;
mod lexer;
mod lines;
mod objects;
mod rules;
mod scanned;
mod sfnt;

use std::panic::{catch_unwind, AssertUnwindSafe};

use gongkai_model::Document;
use lopdf::{LoadOptions, Object};

pub use scanned::{scanned_pages, ImageData, PageImage, ScannedPage};

use interp::{Cache, Interp, Matrix};
use objects::{as_stream, nums, resolve, stream_bytes};

/// Why a PDF could not be read. Messages are for the user; the caller prefixes the
/// file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    #[error("不是有效的PDF文件（{0}）")]
    NotPdf(String),
    #[error("PDF文件已损坏，无法读取（{0}）")]
    Corrupt(String),
    /// The file stops before a PDF's end: what is missing is said.
    #[error("PDF文件不完整（{0}；可能下载未完成或被截断），无法读取")]
    Truncated(String),
    #[error("PDF文件设有打开密码（已加密），无法读取；请提供未加密的文件")]
    Encrypted,
    #[error("PDF是扫描件，没有文字层")]
    Scanned,
    #[error("PDF中没有可读取的文字")]
    NoText,
    #[error("PDF的文字无法解码（字体缺少字符映射表ToUnicode），请提供其他格式的文件")]
    Undecodable,
    #[error("PDF文件过大（{size}字节，上限{limit}字节）")]
    TooLarge { size: usize, limit: usize },
    #[error("PDF页数过多（{pages}页，上限{limit}页）")]
    TooManyPages { pages: usize, limit: usize },
    #[error("PDF内容过于复杂（对象或绘制指令过多），超出读取上限")]
    TooComplex,
}

/// Bounds on what one document may cost.
pub const MAX_BYTES: usize = 200 << 20;
pub const MAX_PAGES: usize = 2000;
pub const MAX_OBJECTS: usize = 2_000_000;
pub(crate) const MAX_OPERATORS: u64 = 50_000_000;
pub(crate) const MAX_GLYPHS: usize = 5_000_000;

/// Read a PDF into a document of lines and table grids.
pub fn read(bytes: &[u8]) -> Result<Document, PdfError> {
    if bytes.len() > MAX_BYTES {
        return Err(PdfError::TooLarge {
            size: bytes.len(),
            limit: MAX_BYTES,
        });
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(PdfError::NotPdf("缺少%PDF文件头".into()));
    }
    // lopdf rebuilds what it can of a cut-off file, and a report read from the first
    // pages of one looks like a report missing its later sections: refuse it first.
    if let Some(missing) = incomplete(bytes) {
        return Err(PdfError::Truncated(missing));
    }
    // lopdf is defensive, but a panic on hostile input must not take the caller down.
    match catch_unwind(AssertUnwindSafe(|| read_inner(bytes))) {
        Ok(r) => r,
        Err(_) => Err(PdfError::Corrupt("结构异常".into())),
    }
}

/// What a cut-off PDF lacks, or `None` when it ends as a whole PDF does: its last
/// `%%EOF`, after it nothing of another revision (objects, an xref, a trailer), and
/// before it a `startxref` whose offset lies inside the file. Junk after the last
/// `%%EOF` (some servers append a page) is tolerated.
pub fn incomplete(bytes: &[u8]) -> Option<String> {
    let Some(eof) = memchr::memmem::rfind(bytes, b"%%EOF") else {
        return Some("缺少文件结束标记%%EOF".into());
    };
    let after = &bytes[eof + 5..];
    for keyword in [&b"endobj"[..], b" obj", b"stream", b"xref", b"trailer"] {
        if memchr::memmem::find(after, keyword).is_some() {
            return Some("最后一次修订缺少文件结束标记%%EOF".into());
        }
    }
    let Some(at) = memchr::memmem::rfind(&bytes[..eof], b"startxref") else {
        return Some("缺少交叉引用表位置startxref".into());
    };
    let digits: Vec<u8> = bytes[at + 9..eof]
        .iter()
        .copied()
        .skip_while(u8::is_ascii_whitespace)
        .take_while(u8::is_ascii_digit)
        .collect();
    let offset = std::str::from_utf8(&digits)
        .ok()
        .and_then(|d| d.parse::<usize>().ok());
    match offset {
        Some(o) if o < at => None,
        Some(_) => Some("交叉引用表的位置超出文件范围".into()),
        None => Some("startxref后缺少交叉引用表位置".into()),
    }
}

/// One page as the reader saw it: its size, every glyph with its box, and the ruling
/// lines — what a viewer needs to redraw the page and show where a number was read
/// (the locations of [`gongkai_model::Location::Pdf`] are in the same space: PDF
/// points, origin bottom-left, crop box at the origin, rotation applied).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PageDrawing {
    /// 1-based.
    pub number: u32,
    pub width: f32,
    pub height: f32,
    pub glyphs: Vec<DrawnGlyph>,
    /// Horizontal rules: `(y, x0, x1)`; vertical: `(x, y0, y1)`.
    pub hrules: Vec<(f32, f32, f32)>,
    pub vrules: Vec<(f32, f32, f32)>,
}

/// A glyph's character and box.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct DrawnGlyph {
    pub c: char,
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub size: f32,
}

impl From<&interp::Glyph> for DrawnGlyph {
    fn from(g: &interp::Glyph) -> DrawnGlyph {
        DrawnGlyph {
            c: g.c,
            x0: g.x0,
            y0: g.y0,
            x1: g.x1,
            y1: g.y1,
            size: g.size,
        }
    }
}

/// A glyph drawn by something other than a content stream (OCR) is written across.
impl From<&DrawnGlyph> for interp::Glyph {
    fn from(g: &DrawnGlyph) -> interp::Glyph {
        interp::Glyph {
            c: g.c,
            x0: g.x0,
            y0: g.y0,
            x1: g.x1,
            y1: g.y1,
            size: g.size,
            vertical: false,
        }
    }
}

/// Page `number` (1-based) of a PDF as the reader sees it. The same limits as
/// [`read`] apply; a page that does not exist is [`PdfError::Corrupt`].
pub fn page_drawing(bytes: &[u8], number: u32) -> Result<PageDrawing, PdfError> {
    if bytes.len() > MAX_BYTES {
        return Err(PdfError::TooLarge {
            size: bytes.len(),
            limit: MAX_BYTES,
        });
    }
    if let Some(missing) = incomplete(bytes) {
        return Err(PdfError::Truncated(missing));
    }
    match catch_unwind(AssertUnwindSafe(|| page_drawing_inner(bytes, number))) {
        Ok(r) => r,
        Err(_) => Err(PdfError::Corrupt("结构异常".into())),
    }
}

fn page_drawing_inner(bytes: &[u8], number: u32) -> Result<PageDrawing, PdfError> {
    let doc = load(bytes)?;
    let id = doc
        .page_iter()
        .take(MAX_PAGES)
        .nth((number as usize).saturating_sub(1))
        .filter(|_| number >= 1)
        .ok_or_else(|| PdfError::Corrupt(format!("没有第{number}页")))?;
    let Ok(Object::Dictionary(page)) = doc.get_object(id) else {
        return Err(PdfError::Corrupt(format!("第{number}页无法读取")));
    };
    let (ctm, width, height) = page_matrix(&doc, page);
    let res = interp::page_attr(&doc, page, b"Resources").and_then(|o| interp::as_dict(&doc, o));
    let mut missing = 0;
    let content = page_content(&doc, page, &mut missing);
    let mut cache = Cache::new(MAX_OPERATORS, MAX_GLYPHS);
    let mut it = Interp::new(&doc, &mut cache, ctm);
    if it.run(&content, res, 0).is_err() {
        return Err(PdfError::TooComplex);
    }
    let pc = it.finish();
    Ok(PageDrawing {
        number,
        width,
        height,
        glyphs: pc.glyphs.iter().map(DrawnGlyph::from).collect(),
        hrules: pc.hrules.iter().map(|r| (r.pos, r.lo, r.hi)).collect(),
        vrules: pc.vrules.iter().map(|r| (r.pos, r.lo, r.hi)).collect(),
    })
}

/// The document loaded with the reader's limits; encrypted and oversized documents
/// refused.
fn load(bytes: &[u8]) -> Result<lopdf::Document, PdfError> {
    let options = LoadOptions {
        max_decompressed_size: Some(objects::MAX_STREAM_BYTES),
        ..LoadOptions::default()
    };
    let doc = match lopdf::Document::load_mem_with_options(bytes, options) {
        Ok(d) => d,
        Err(e) => {
            return Err(if matches!(e, lopdf::Error::InvalidPassword) {
                PdfError::Encrypted
            } else {
                PdfError::Corrupt(e.to_string())
            })
        }
    };
    // An empty user password was tried while loading; still encrypted means a real one.
    if doc.trailer.get(b"Encrypt").is_ok() && doc.encryption_state.is_none() {
        return Err(PdfError::Encrypted);
    }
    if doc.objects.len() > MAX_OBJECTS {
        return Err(PdfError::TooComplex);
    }
    Ok(doc)
}

fn read_inner(bytes: &[u8]) -> Result<Document, PdfError> {
    let doc = load(bytes)?;
    let page_ids: Vec<lopdf::ObjectId> = doc.page_iter().take(MAX_PAGES + 1).collect();
    if page_ids.len() > MAX_PAGES {
        return Err(PdfError::TooManyPages {
            pages: doc.get_pages().len(),
            limit: MAX_PAGES,
        });
    }
    if page_ids.is_empty() {
        return Err(PdfError::Corrupt("没有页面".into()));
    }

    let mut cache = Cache::new(MAX_OPERATORS, MAX_GLYPHS);
    let mut pages = Vec::with_capacity(page_ids.len());
    let (mut glyphs, mut images, mut unmapped, mut missing) = (0usize, 0usize, 0usize, 0usize);
    for (i, id) in page_ids.iter().enumerate() {
        let Ok(Object::Dictionary(page)) = doc.get_object(*id) else {
            missing += 1;
            continue;
        };
        let (ctm, width, height) = page_matrix(&doc, page);
        let res =
            interp::page_attr(&doc, page, b"Resources").and_then(|o| interp::as_dict(&doc, o));
        let content = page_content(&doc, page, &mut missing);
        let mut it = Interp::new(&doc, &mut cache, ctm);
        if it.run(&content, res, 0).is_err() {
            return Err(PdfError::TooComplex);
        }
        let pc = it.finish();
        glyphs += pc.glyphs.len();
        images += pc.images;
        unmapped += pc.unmapped;
        pages.push(layout::page(i as u32 + 1, width, height, &pc));
    }
    if glyphs == 0 {
        return Err(if images > 0 {
            PdfError::Scanned
        } else if unmapped > 0 {
            PdfError::Undecodable
        } else if missing > 0 {
            PdfError::Corrupt("页面内容无法读取".into())
        } else {
            PdfError::NoText
        });
    }
    if unmapped > glyphs * 4 {
        return Err(PdfError::Undecodable);
    }
    layout::drop_running_lines(&mut pages);
    Ok(assemble::document(pages))
}

/// The merged cells of the tables that ruling lines outline, as the reader builds them:
/// per table, each merged cell's box `[x0, y0, x1, y1]` (page points, origin
/// bottom-left). Rules as in [`PageDrawing`]: horizontal `(y, x0, x1)`, vertical
/// `(x, y0, y1)`.
pub fn ruled_cells(hrules: &[(f32, f32, f32)], vrules: &[(f32, f32, f32)]) -> Vec<Vec<[f32; 4]>> {
    let rule = |&(pos, lo, hi): &(f32, f32, f32)| interp::Rule { pos, lo, hi };
    let hs: Vec<interp::Rule> = hrules.iter().map(rule).collect();
    let vs: Vec<interp::Rule> = vrules.iter().map(rule).collect();
    rules::tables(&hs, &vs)
        .iter()
        .map(|g| {
            let mut boxes = vec![
                [
                    f32::INFINITY,
                    f32::INFINITY,
                    f32::NEG_INFINITY,
                    f32::NEG_INFINITY
                ];
                g.groups
            ];
            for r in 0..g.rows() {
                for c in 0..g.cols() {
                    let b = &mut boxes[g.owner[r * g.cols() + c]];
                    b[0] = b[0].min(g.xs[c]);
                    b[2] = b[2].max(g.xs[c + 1]);
                    // Rows run top to bottom: ys descend.
                    b[1] = b[1].min(g.ys[r + 1]);
                    b[3] = b[3].max(g.ys[r]);
                }
            }
            boxes.retain(|b| b[0].is_finite() && b[1].is_finite());
            boxes
        })
        .collect()
}

/// A document laid out from pages drawn by something other than a PDF content stream
/// (the OCR reader's recognised glyphs and detected ruling lines): the same tables,
/// lines, page-number and running-header handling as a PDF with a text layer.
pub fn document_from_drawings(drawings: &[PageDrawing]) -> Document {
    let mut pages: Vec<layout::Page> = drawings
        .iter()
        .map(|d| {
            let rule = |&(pos, lo, hi): &(f32, f32, f32)| interp::Rule { pos, lo, hi };
            let content = interp::PageContent {
                glyphs: d.glyphs.iter().map(interp::Glyph::from).collect(),
                hrules: d.hrules.iter().map(rule).collect(),
                vrules: d.vrules.iter().map(rule).collect(),
                ..Default::default()
            };
            layout::page(d.number, d.width, d.height, &content)
        })
        .collect();
    layout::drop_running_lines(&mut pages);
    assemble::document(pages)
}

/// The page's content streams concatenated (a space between them, as the spec says).
fn page_content(doc: &lopdf::Document, page: &lopdf::Dictionary, missing: &mut usize) -> Vec<u8> {
    let mut out = Vec::new();
    let Ok(contents) = page.get(b"Contents") else {
        return out;
    };
    let list: Vec<&Object> = match resolve(doc, contents) {
        Object::Array(a) => a.iter().collect(),
        _ => vec![contents],
    };
    for o in list {
        match as_stream(doc, o).and_then(stream_bytes) {
            Some(b) => {
                if out.len() + b.len() > objects::MAX_STREAM_BYTES {
                    break;
                }
                out.extend_from_slice(&b);
                out.push(b'\n');
            }
            None => *missing += 1,
        }
    }
    out
}

/// The matrix from user space to the page as displayed (crop box at the origin,
/// `/Rotate` applied), and the displayed width and height.
fn page_matrix(doc: &lopdf::Document, page: &lopdf::Dictionary) -> (Matrix, f32, f32) {
    let rect = |key: &[u8]| -> Option<[f32; 4]> {
        let o = interp::page_attr(doc, page, key)?;
        let Object::Array(a) = resolve(doc, o) else {
            return None;
        };
        let v = nums(doc, a);
        if v.len() != 4 || v.iter().any(Option::is_none) {
            return None;
        }
        let v: Vec<f32> = v.into_iter().flatten().collect();
        let r = [
            v[0].min(v[2]),
            v[1].min(v[3]),
            v[0].max(v[2]),
            v[1].max(v[3]),
        ];
        (r[2] - r[0] > 1.0 && r[3] - r[1] > 1.0).then_some(r)
    };
    let b = rect(b"CropBox")
        .or_else(|| rect(b"MediaBox"))
        .unwrap_or([0.0, 0.0, 595.0, 842.0]);
    let rotate = interp::page_attr(doc, page, b"Rotate")
        .and_then(objects::num)
        .map_or(0, |r| ((r as i64 % 360) + 360) % 360);
    let (w, h) = (b[2] - b[0], b[3] - b[1]);
    match rotate {
        90 => ([0.0, -1.0, 1.0, 0.0, -b[1], b[2]], h, w),
        180 => ([-1.0, 0.0, 0.0, -1.0, b[2], b[3]], w, h),
        270 => ([0.0, 1.0, -1.0, 0.0, b[3], -b[0]], h, w),
        _ => ([1.0, 0.0, 0.0, 1.0, -b[0], -b[1]], w, h),
    }
}
