//! The report as a PDF: A4 pages with the title centred, the section headings, the
//! paragraphs wrapped to the text width by the font's own advances, and the three
//! tables drawn cell by cell from the template's grids ([`crate::blocks`], with the
//! merged cells as the template draws them) — every merged cell one bordered
//! rectangle, so the borders say which cells are merged, the way a PDF exported from
//! Word does and as gongkai's PDF reader rebuilds tables.
//!
//! The page is first laid out into a list of marks (text lines and cell frames) per
//! page, then drawn with `krilla`, which embeds a subset of the font with a ToUnicode
//! map, so the text reads back as written. Nothing depends on the clock: the same
//! draft gives the same bytes.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gongkai_model::{Block, Grid};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::Document;
use skrifa::instance::{LocationRef, Size};
use skrifa::MetadataProvider;

use crate::layout::Merge;
use crate::Draft;

/// Why a PDF could not be written. Messages are for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    #[error("没有找到中文字体：请安装 fonts-wqy-microhei 或设置 GONGKAI_CJK_FONT")]
    NoFont,
    #[error("无法读取字体文件 {path}：{reason}")]
    FontUnreadable { path: String, reason: String },
    #[error("{path} 中没有可用的字体（第 {index} 个）")]
    NotAFont { path: String, index: u32 },
    #[error("字体 {path} 不含中文字形")]
    NotCjk { path: String },
    #[error("字体 {path} 缺少字符“{c}”（U+{code:04X}）的字形，无法写入PDF")]
    MissingGlyph { path: String, c: char, code: u32 },
    #[error("生成PDF失败：{0}")]
    Write(String),
}

/// A font to write the report in: a TrueType/OpenType file (or one font of a
/// collection), held in memory.
#[derive(Clone)]
pub struct PdfFont {
    data: Arc<Vec<u8>>,
    index: u32,
    path: PathBuf,
}

impl std::fmt::Debug for PdfFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfFont")
            .field("path", &self.path)
            .field("index", &self.index)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// Fonts tried when `GONGKAI_CJK_FONT` does not name one, in order.
pub const CJK_FONT_PATHS: [&str; 4] = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
];

/// A character every Chinese font has and a Latin one lacks: the test of a CJK font.
const PROBE: char = '政';

impl PdfFont {
    /// Font `index` of the file at `path` (0 for a single font), checked to be a
    /// font with Chinese glyphs.
    pub fn load(path: impl AsRef<Path>, index: u32) -> Result<PdfFont, PdfError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let data = std::fs::read(path).map_err(|e| PdfError::FontUnreadable {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let font = PdfFont {
            data: Arc::new(data),
            index,
            path: path.to_path_buf(),
        };
        let face = font.face()?;
        if face.charmap().map(PROBE).is_none() {
            return Err(PdfError::NotCjk { path: shown });
        }
        Ok(font)
    }

    /// The file the font was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Which font of the file.
    pub fn index(&self) -> u32 {
        self.index
    }

    fn face(&self) -> Result<skrifa::FontRef<'_>, PdfError> {
        skrifa::FontRef::from_index(&self.data, self.index).map_err(|_| PdfError::NotAFont {
            path: self.path.display().to_string(),
            index: self.index,
        })
    }
}

/// `path` or `path#index` (a font of a collection).
fn font_spec(spec: &str) -> (&str, u32) {
    match spec.rsplit_once('#') {
        Some((path, index)) => match index.trim().parse::<u32>() {
            Ok(i) => (path, i),
            Err(_) => (spec, 0),
        },
        None => (spec, 0),
    }
}

/// The Chinese font to write PDFs in: the one `GONGKAI_CJK_FONT` names (a path,
/// optionally `#index` for a font of a collection), else the first of
/// [`CJK_FONT_PATHS`] that loads.
pub fn system_cjk_font() -> Option<PdfFont> {
    if let Some(spec) = std::env::var_os("GONGKAI_CJK_FONT") {
        let spec = spec.to_string_lossy();
        let (path, index) = font_spec(spec.trim());
        if let Ok(f) = PdfFont::load(path, index) {
            return Some(f);
        }
    }
    CJK_FONT_PATHS.iter().find_map(|p| PdfFont::load(p, 0).ok())
}

// Page geometry, in points (1/72 inch); y runs down from the top of the page, as
// krilla draws.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 72.0;
const MARGIN_TOP: f32 = 72.0;
const MARGIN_BOTTOM: f32 = 72.0;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN_X;
const BOTTOM: f32 = PAGE_H - MARGIN_BOTTOM;
const BODY_H: f32 = BOTTOM - MARGIN_TOP;

const TITLE_SIZE: f32 = 18.0;
const TITLE_LEADING: f32 = 30.0;
const BODY_SIZE: f32 = 12.0;
const BODY_LEADING: f32 = 21.0;
/// Space before a heading and after the title or a table.
const GAP: f32 = 9.0;
const CELL_SIZE: f32 = 9.0;
const CELL_LEADING: f32 = 12.0;
const PAD_X: f32 = 3.0;
const PAD_Y: f32 = 3.0;
const BORDER: f32 = 0.5;
const FOOTER_SIZE: f32 = 10.5;
/// Baseline of the page number, from the top of the page.
const FOOTER_BASELINE: f32 = PAGE_H - 36.0;
/// A column of a table is never narrower than this many ems of cell text.
const MIN_COLUMN_EMS: f32 = 1.0;
/// What a cell would like to be, at most, before the rest is shared out.
const MAX_WANT_EMS: f32 = 12.0;
/// What a column of numbers would like to be, at most.
const NUMBER_WANT_EMS: f32 = 3.5;

/// A character of a line with its glyph.
#[derive(Clone, Copy, Debug)]
struct Shaped {
    c: char,
    /// Bytes of the character in the line's text.
    bytes: usize,
    glyph: u16,
    /// Advance in ems.
    advance: f32,
}

/// Characters to glyphs and advances, by the font's cmap and hmtx.
struct Shaper<'a> {
    charmap: skrifa::charmap::Charmap<'a>,
    metrics: skrifa::metrics::GlyphMetrics<'a>,
    upem: f32,
    path: &'a Path,
}

impl<'a> Shaper<'a> {
    fn new(font: &'a PdfFont) -> Result<Shaper<'a>, PdfError> {
        let face = font.face()?;
        let upem = face
            .metrics(Size::unscaled(), LocationRef::default())
            .units_per_em;
        if upem == 0 {
            return Err(PdfError::NotAFont {
                path: font.path.display().to_string(),
                index: font.index,
            });
        }
        Ok(Shaper {
            charmap: face.charmap(),
            metrics: face.glyph_metrics(Size::unscaled(), LocationRef::default()),
            upem: f32::from(upem),
            path: &font.path,
        })
    }

    /// The glyphs of `text`, every whitespace character drawn as a space.
    fn shape(&self, text: &str) -> Result<Vec<Shaped>, PdfError> {
        text.chars()
            .map(|c| {
                let drawn = if c.is_whitespace() { ' ' } else { c };
                let gid = self
                    .charmap
                    .map(drawn)
                    .ok_or_else(|| PdfError::MissingGlyph {
                        path: self.path.display().to_string(),
                        c,
                        code: u32::from(c),
                    })?;
                let glyph = u16::try_from(gid.to_u32())
                    .map_err(|_| PdfError::Write(format!("字形编号超出范围：{}", gid.to_u32())))?;
                let advance = self.metrics.advance_width(gid).unwrap_or(0.0) / self.upem;
                Ok(Shaped {
                    c,
                    bytes: c.len_utf8(),
                    glyph,
                    advance,
                })
            })
            .collect()
    }
}

/// No line starts with these (they close what stands before them).
fn closes(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '》'
            | '」'
            | '』'
            | '”'
            | '’'
            | '】'
            | '…'
            | ','
            | '.'
            | ';'
            | ':'
            | '?'
            | '!'
            | ')'
            | '%'
    )
}

/// No line ends with these (they open what follows them).
fn opens(c: char) -> bool {
    matches!(c, '（' | '《' | '「' | '『' | '“' | '‘' | '【' | '(')
}

/// Whether a line may break between `a` and `b`: anywhere between two Chinese
/// characters, but not inside a run of ASCII letters and digits (a number or a word
/// stays whole), not before closing punctuation, not after opening punctuation.
fn may_break(a: char, b: char) -> bool {
    let word = |c: char| c.is_ascii_graphic();
    !(closes(b) || opens(a) || (word(a) && word(b)))
}

/// The lines of `chars` within `width` points at `size`, the first `indent` narrower:
/// ranges of characters, spaces at a break left out.
fn wrap(chars: &[Shaped], size: f32, width: f32, indent: f32) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        // A break leaves out the spaces it falls on.
        while start < chars.len() && chars[start].c.is_whitespace() {
            start += 1;
        }
        if start >= chars.len() {
            break;
        }
        let room = if lines.is_empty() {
            width - indent
        } else {
            width
        };
        let mut used = 0.0f32;
        let mut end = start;
        let mut last_break: Option<usize> = None;
        while end < chars.len() {
            let w = chars[end].advance * size;
            if end > start && may_break(chars[end - 1].c, chars[end].c) {
                last_break = Some(end);
            }
            if used + w > room && end > start {
                break;
            }
            used += w;
            end += 1;
        }
        if end < chars.len() {
            // Back to the last place a line may break, if there is one on this line.
            if let Some(b) = last_break.filter(|&b| b > start) {
                end = b;
            }
        }
        let mut shown = end;
        while shown > start && chars[shown - 1].c.is_whitespace() {
            shown -= 1;
        }
        lines.push(start..shown);
        start = end;
    }
    lines
}

fn width_of(chars: &[Shaped], size: f32) -> f32 {
    chars.iter().map(|s| s.advance * size).sum()
}

/// A line of text to draw: where its baseline starts, and its glyphs.
#[derive(Clone, Debug, PartialEq)]
struct TextLine {
    x: f32,
    baseline: f32,
    size: f32,
    text: String,
    /// Glyph, its bytes in `text`, its advance in ems.
    glyphs: Vec<(u16, Range<usize>, f32)>,
}

/// What a page shows.
#[derive(Clone, Debug, PartialEq)]
enum Mark {
    Text(TextLine),
    /// A cell's border: left, top, right, bottom.
    Frame([f32; 4]),
}

/// A merged cell of a grid: its first row and column, how many of each it spans.
#[derive(Clone, Debug, PartialEq)]
struct Span {
    row: usize,
    column: usize,
    rows: usize,
    columns: usize,
    text: String,
}

/// The merged cells of a grid, with their text.
fn spans(grid: &Grid, merges: &[Merge]) -> (usize, Vec<Span>) {
    let columns = grid.rows.iter().map(Vec::len).max().unwrap_or(0);
    let spans = merges
        .iter()
        // Only cells inside the grid (the layout draws no other).
        .filter(|m| {
            m.rows > 0
                && m.columns > 0
                && m.row
                    .checked_add(m.rows)
                    .is_some_and(|e| e <= grid.rows.len())
                && m.column
                    .checked_add(m.columns)
                    .is_some_and(|e| e <= columns)
        })
        .map(|m| Span {
            row: m.row,
            column: m.column,
            rows: m.rows,
            columns: m.columns,
            text: grid.rows[m.row]
                .get(m.column)
                .map_or_else(String::new, |c| c.text.clone()),
        })
        .collect();
    (columns, spans)
}

/// A table measured for drawing: its merged cells, their glyphs and wrapped lines,
/// the column boundaries and the row heights.
struct Table {
    spans: Vec<Span>,
    shaped: Vec<Vec<Shaped>>,
    lines: Vec<Vec<Range<usize>>>,
    xs: Vec<f32>,
    heights: Vec<f32>,
}

impl Table {
    fn height(&self) -> f32 {
        self.heights.iter().sum()
    }

    /// The height of a cell of `lines` lines.
    fn need(lines: usize) -> f32 {
        lines.max(1) as f32 * CELL_LEADING + 2.0 * PAD_Y
    }

    /// Where to break the table when row `r` does not fit on the page that starts
    /// with row `first`: before `r`, unless that leaves a merged cell running over the
    /// break too little room for its text on this page — then before that cell (its
    /// text goes in its part on the page it starts on; the reader joins the parts).
    fn break_before(&self, r: usize, first: usize) -> usize {
        let mut b = r;
        loop {
            let earlier = self
                .spans
                .iter()
                .zip(&self.lines)
                .filter(|(s, l)| {
                    s.row > first
                        && s.row < b
                        && b < s.row + s.rows
                        && self.heights[s.row..b].iter().sum::<f32>() < Table::need(l.len())
                })
                .map(|(s, _)| s.row)
                .min();
            match earlier {
                Some(row) => b = row,
                None => return b,
            }
        }
    }
}

/// The pages being laid out.
struct Layout<'a> {
    shaper: Shaper<'a>,
    pages: Vec<Vec<Mark>>,
    /// Where the next thing goes on the last page.
    y: f32,
}

impl<'a> Layout<'a> {
    fn new(shaper: Shaper<'a>) -> Layout<'a> {
        Layout {
            shaper,
            pages: vec![Vec::new()],
            y: MARGIN_TOP,
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN_TOP;
    }

    fn at_top(&self) -> bool {
        self.y <= MARGIN_TOP
    }

    /// Room for `height` more on this page, else a new one.
    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM && !self.at_top() {
            self.new_page();
        }
    }

    fn mark(&mut self, m: Mark) {
        if let Some(page) = self.pages.last_mut() {
            page.push(m);
        }
    }

    fn line_mark(chars: &[Shaped], x: f32, baseline: f32, size: f32) -> TextLine {
        let mut text = String::new();
        let mut glyphs = Vec::with_capacity(chars.len());
        for s in chars {
            let at = text.len();
            text.push(s.c);
            glyphs.push((s.glyph, at..at + s.bytes, s.advance));
        }
        TextLine {
            x,
            baseline,
            size,
            text,
            glyphs,
        }
    }

    /// A baseline that puts a line of `size` in the middle of a line box `leading`
    /// high whose top is `top` (glyphs rise 0.8 em above the baseline, 0.2 below).
    fn baseline(top: f32, leading: f32, size: f32) -> f32 {
        top + (leading - size) / 2.0 + 0.8 * size
    }

    /// A paragraph of the body: wrapped lines, page breaks where a page is full.
    fn paragraph(
        &mut self,
        text: &str,
        size: f32,
        leading: f32,
        indent: f32,
        centred: bool,
    ) -> Result<(), PdfError> {
        let chars = self.shaper.shape(text)?;
        for (i, range) in wrap(&chars, size, TEXT_W, indent).into_iter().enumerate() {
            self.room(leading);
            let line = &chars[range];
            let x = if centred {
                MARGIN_X + (TEXT_W - width_of(line, size)).max(0.0) / 2.0
            } else if i == 0 {
                MARGIN_X + indent
            } else {
                MARGIN_X
            };
            let baseline = Self::baseline(self.y, leading, size);
            self.mark(Mark::Text(Self::line_mark(line, x, baseline, size)));
            self.y += leading;
        }
        Ok(())
    }

    /// A table measured: columns as wide as their numbers need and their labels
    /// would like, rows as high as their wrapped text.
    fn measure(&self, grid: &Grid, merges: &[Merge]) -> Result<Option<Table>, PdfError> {
        let (ncols, spans) = spans(grid, merges);
        if ncols == 0 || spans.is_empty() {
            return Ok(None);
        }
        let nrows = grid.rows.len();
        let shaped: Vec<Vec<Shaped>> = spans
            .iter()
            .map(|s| self.shaper.shape(&s.text))
            .collect::<Result<_, _>>()?;
        let widths = column_widths(ncols, &spans, &shaped);
        let mut xs = Vec::with_capacity(ncols + 1);
        let total_w: f32 = widths.iter().sum();
        let mut x = MARGIN_X + ((TEXT_W - total_w) / 2.0).max(0.0);
        xs.push(x);
        for w in &widths {
            x += w;
            xs.push(x);
        }
        // Each cell's lines, in its own width.
        let lines: Vec<Vec<Range<usize>>> = spans
            .iter()
            .zip(&shaped)
            .map(|(s, chars)| {
                let inner = xs[s.column + s.columns] - xs[s.column] - 2.0 * PAD_X;
                wrap(chars, CELL_SIZE, inner, 0.0)
            })
            .collect();
        let need = Table::need;
        let mut heights = vec![need(1); nrows];
        for (s, l) in spans.iter().zip(&lines) {
            if s.rows == 1 {
                heights[s.row] = heights[s.row].max(need(l.len()));
            }
        }
        // A cell over several rows that needs more than they give: the last row grows.
        for (s, l) in spans.iter().zip(&lines) {
            let have: f32 = heights[s.row..s.row + s.rows].iter().sum();
            if need(l.len()) > have {
                heights[s.row + s.rows - 1] += need(l.len()) - have;
            }
        }
        Ok(Some(Table {
            spans,
            shaped,
            lines,
            xs,
            heights,
        }))
    }

    /// A table drawn: kept on one page when it fits on one, else broken between rows.
    fn table(&mut self, t: &Table) {
        let total_h = t.height();
        if total_h <= BODY_H && self.y + total_h > BOTTOM {
            self.new_page();
        }
        // Rows placed: page and top of each.
        let n = t.heights.len();
        let mut placed: Vec<(usize, f32)> = Vec::with_capacity(n);
        // The first row on the current page.
        let mut page_first = 0;
        let mut r = 0;
        while r < n {
            let h = t.heights[r];
            if self.y + h > BOTTOM {
                if r > page_first {
                    let b = t.break_before(r, page_first);
                    placed.truncate(b);
                    self.new_page();
                    page_first = b;
                    r = b;
                    continue;
                }
                if !self.at_top() {
                    self.new_page();
                }
            }
            placed.push((self.pages.len() - 1, self.y));
            self.y += h;
            r += 1;
        }
        for ((s, chars), l) in t.spans.iter().zip(&t.shaped).zip(&t.lines) {
            let (x0, x1) = (t.xs[s.column], t.xs[s.column + s.columns]);
            // The parts of the cell on each page it runs over.
            let mut parts: Vec<(usize, f32, f32)> = Vec::new();
            let rows = s.row..s.row + s.rows;
            for (&(page, top), h) in placed[rows.clone()].iter().zip(&t.heights[rows]) {
                let bottom = top + h;
                match parts.last_mut() {
                    Some(p) if p.0 == page => p.2 = bottom,
                    _ => parts.push((page, top, bottom)),
                }
            }
            for (i, &(page, top, bottom)) in parts.iter().enumerate() {
                let page_marks = &mut self.pages[page];
                page_marks.push(Mark::Frame([x0, top, x1, bottom]));
                // The text goes in the middle of the cell's first part; the reader
                // joins the parts of a cell run over a page break.
                if i > 0 {
                    continue;
                }
                let block = l.len() as f32 * CELL_LEADING;
                let mut line_top = top + ((bottom - top) - block).max(2.0 * PAD_Y) / 2.0;
                for range in l {
                    let line = &chars[range.clone()];
                    let w = width_of(line, CELL_SIZE);
                    let x = x0 + ((x1 - x0) - w).max(0.0) / 2.0;
                    let baseline = Self::baseline(line_top, CELL_LEADING, CELL_SIZE);
                    page_marks.push(Mark::Text(Self::line_mark(line, x, baseline, CELL_SIZE)));
                    line_top += CELL_LEADING;
                }
            }
        }
    }

    /// A section heading, on a new page unless `next` (what must follow it on its
    /// page) fits below it.
    fn heading(&mut self, text: &str, next: f32) -> Result<(), PdfError> {
        if !self.at_top() {
            self.y += GAP;
        }
        self.room(BODY_LEADING + next);
        self.paragraph(text, BODY_SIZE, BODY_LEADING, 0.0, false)
    }

    /// Page numbers, "- 1 -", centred below the text.
    fn page_numbers(&mut self) -> Result<(), PdfError> {
        for n in 0..self.pages.len() {
            let label = format!("- {} -", n + 1);
            let chars = self.shaper.shape(&label)?;
            let x = (PAGE_W - width_of(&chars, FOOTER_SIZE)) / 2.0;
            let line = Self::line_mark(&chars, x, FOOTER_BASELINE, FOOTER_SIZE);
            self.pages[n].push(Mark::Text(line));
        }
        Ok(())
    }
}

/// A cell's text is a number (as the tables print them: digits, maybe a sign and a
/// decimal point).
fn is_number(text: &str) -> bool {
    let t = text.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    !digits.is_empty()
        && digits.chars().any(|c| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// Column widths for a table of `ncols` columns: every column at least as wide as the
/// widest word (number) of its single-column cells, the rest of the text width shared
/// out by how much wider the cells' text would like its column.
fn column_widths(ncols: usize, spans: &[Span], shaped: &[Vec<Shaped>]) -> Vec<f32> {
    let floor = MIN_COLUMN_EMS * CELL_SIZE + 2.0 * PAD_X;
    let mut min = vec![floor; ncols];
    let mut want = vec![floor; ncols];
    for (s, chars) in spans.iter().zip(shaped) {
        if s.columns != 1 {
            continue;
        }
        // The widest run that may not be broken.
        let mut widest = 0.0f32;
        let mut run = 0.0f32;
        for (i, ch) in chars.iter().enumerate() {
            if i > 0 && may_break(chars[i - 1].c, ch.c) {
                run = 0.0;
            }
            run += ch.advance * CELL_SIZE;
            widest = widest.max(run);
        }
        // A cell over several rows has their height to wrap in: it asks for less.
        let natural =
            (width_of(chars, CELL_SIZE) / s.rows.clamp(1, 3) as f32).min(MAX_WANT_EMS * CELL_SIZE);
        min[s.column] = min[s.column].max(widest + 2.0 * PAD_X + 1.0);
        want[s.column] = want[s.column].max(natural + 2.0 * PAD_X);
    }
    for (w, m) in want.iter_mut().zip(&min) {
        *w = w.max(*m);
    }
    // The columns of numbers are drawn alike: as wide as the widest of them wants.
    let numeric: Vec<bool> = (0..ncols)
        .map(|c| {
            spans
                .iter()
                .any(|s| s.column == c && s.columns == 1 && is_number(&s.text))
        })
        .collect();
    let widest = |v: &[f32]| {
        v.iter()
            .zip(&numeric)
            .filter(|(_, n)| **n)
            .map(|(w, _)| *w)
            .fold(0.0f32, f32::max)
    };
    // Their headers wrap (商业/企业) rather than take the labels' room.
    let num_min = widest(&min);
    let num_want = widest(&want)
        .min(NUMBER_WANT_EMS * CELL_SIZE + 2.0 * PAD_X)
        .max(num_min);
    for (c, n) in numeric.iter().enumerate() {
        if *n {
            min[c] = num_min;
            want[c] = num_want;
        }
    }
    let base: f32 = min.iter().sum();
    let extra: f32 = want.iter().zip(&min).map(|(w, m)| w - m).sum();
    let spare = TEXT_W - base;
    if spare <= 0.0 {
        // Numbers wider than the page allows: the table runs into the margins rather
        // than break a number.
        return min;
    }
    min.iter()
        .zip(&want)
        .map(|(m, w)| {
            if extra > 0.0 {
                m + spare * (w - m) / extra
            } else {
                m + spare / ncols as f32
            }
        })
        .collect()
}

/// The report laid out: the marks of each page.
fn lay_out(draft: &Draft, font: &PdfFont) -> Result<Vec<Vec<Mark>>, PdfError> {
    let mut layout = Layout::new(Shaper::new(font)?);
    let (all, merges) = crate::layout::blocks_and_merges(draft);
    let mut blocks = all.iter().peekable();
    let mut merges = merges.iter();
    // The title, then each section: its heading, its paragraphs, its table (the
    // blocks come in that order; the draft says which line is which).
    if let Some(Block::Line { pieces }) = blocks.next() {
        let title: String = pieces.iter().map(|p| p.text.as_str()).collect();
        layout.paragraph(&title, TITLE_SIZE, TITLE_LEADING, 0.0, true)?;
        layout.y += GAP;
    }
    for (_, paragraphs) in &draft.sections {
        let Some(Block::Line { pieces }) = blocks.next() else {
            break;
        };
        let heading: String = pieces.iter().map(|p| p.text.as_str()).collect();
        let table = match blocks.clone().nth(paragraphs.len()) {
            Some(Block::Table { grid }) => {
                let m = merges.next().map_or(&[][..], Vec::as_slice);
                layout.measure(grid, m)?
            }
            _ => None,
        };
        // What must follow the heading on its page: the first line, or the table
        // when it comes first (whole if it fits on a page, else its first row).
        let next = if !paragraphs.is_empty() {
            BODY_LEADING
        } else if let Some(t) = &table {
            let whole = t.height();
            if whole <= BODY_H {
                whole
            } else {
                t.heights.first().copied().unwrap_or(0.0)
            }
        } else {
            0.0
        };
        layout.heading(&heading, next)?;
        for _ in paragraphs {
            if let Some(Block::Line { pieces }) = blocks.next() {
                let text: String = pieces.iter().map(|p| p.text.as_str()).collect();
                layout.paragraph(&text, BODY_SIZE, BODY_LEADING, 2.0 * BODY_SIZE, false)?;
            }
        }
        if let Some(Block::Table { .. }) = blocks.peek() {
            blocks.next();
            if let Some(t) = &table {
                layout.y += GAP / 2.0;
                layout.table(t);
                layout.y += GAP;
            }
        }
    }
    layout.page_numbers()?;
    Ok(layout.pages)
}

/// The report as a PDF in `font`.
pub fn pdf(draft: &Draft, font: &PdfFont) -> Result<Vec<u8>, PdfError> {
    render(&draft.title, &lay_out(draft, font)?, font)
}

/// Pages of marks drawn as a PDF titled `title`.
fn render(title: &str, pages: &[Vec<Mark>], font: &PdfFont) -> Result<Vec<u8>, PdfError> {
    let face =
        Font::new(font.data.clone().into(), font.index).ok_or_else(|| PdfError::NotAFont {
            path: font.path.display().to_string(),
            index: font.index,
        })?;
    let mut doc = Document::new();
    // Title and language only: no creation date, so the bytes depend on the draft alone.
    doc.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .language("zh-CN".to_string()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| PdfError::Write("页面尺寸无效".into()))?;
    for marks in pages {
        let mut page = doc.start_page_with(settings.clone());
        let mut surface = page.surface();
        for m in marks {
            match m {
                Mark::Text(line) => {
                    let glyphs: Vec<KrillaGlyph> = line
                        .glyphs
                        .iter()
                        .map(|(g, range, advance)| {
                            KrillaGlyph::new(
                                GlyphId::new(u32::from(*g)),
                                *advance,
                                0.0,
                                0.0,
                                0.0,
                                range.clone(),
                                None,
                            )
                        })
                        .collect();
                    surface.set_fill(Some(Fill::default()));
                    surface.set_stroke(None);
                    surface.draw_glyphs(
                        Point::from_xy(line.x, line.baseline),
                        &glyphs,
                        face.clone(),
                        &line.text,
                        line.size,
                        false,
                    );
                }
                Mark::Frame([x0, y0, x1, y1]) => {
                    let Some(rect) = Rect::from_ltrb(*x0, *y0, *x1, *y1) else {
                        continue;
                    };
                    let mut pb = PathBuilder::new();
                    pb.push_rect(rect);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            width: BORDER,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    use gongkai_deadline::Calendar;
    use gongkai_ledger::sample::random_ledger;
    use gongkai_ledger::tables::compute;

    /// The system's Chinese font; none fails when CI requires one, else skips.
    fn font() -> Option<PdfFont> {
        let font = system_cjk_font();
        if font.is_none() {
            assert!(
                std::env::var_os("GONGKAI_REQUIRE_CJK_FONT").is_none(),
                "GONGKAI_REQUIRE_CJK_FONT is set but no CJK font was found"
            );
            // Straight to stderr: the test harness would swallow eprintln!'s note.
            let _ = writeln!(std::io::stderr(), "note: no CJK font found, skipped");
        }
        font
    }

    fn sample(overview: Vec<String>) -> Draft {
        let t = compute(&random_ledger(3, 400), &Calendar::official(), 2023).unwrap();
        let text = crate::AgencyText {
            overview,
            problems: vec!["政策解读的形式还比较单一，下一步将丰富解读形式。".into()],
            other: Vec::new(),
        };
        crate::draft("某市某局", &t, &text)
    }

    /// Characters with made-up advances: Chinese 1 em, ASCII half.
    fn chars(text: &str) -> Vec<Shaped> {
        text.chars()
            .map(|c| Shaped {
                c,
                bytes: c.len_utf8(),
                glyph: 1,
                advance: if c.is_ascii() { 0.5 } else { 1.0 },
            })
            .collect()
    }

    fn wrapped(text: &str, ems: f32, indent: f32) -> Vec<String> {
        let cs = chars(text);
        wrap(&cs, 10.0, ems * 10.0, indent * 10.0)
            .into_iter()
            .map(|r| cs[r].iter().map(|s| s.c).collect())
            .collect()
    }

    #[test]
    fn lines_break_between_chinese_characters_and_keep_numbers_whole() {
        assert_eq!(
            wrapped("一二三四五六七八九十", 4.0, 0.0),
            ["一二三四", "五六七八", "九十"]
        );
        // The first line indented by two ems.
        assert_eq!(
            wrapped("一二三四五六七八", 4.0, 2.0),
            ["一二", "三四五六", "七八"]
        );
        // "12345" (2.5 ems) does not fit after 收到 on a 4-em line: it moves down whole.
        assert_eq!(wrapped("收到12345件", 4.0, 0.0), ["收到", "12345件"]);
        // No line starts with closing punctuation: 三 goes down with its comma.
        assert_eq!(wrapped("一二三，四五", 3.0, 0.0), ["一二", "三，四", "五"]);
        // No line ends with an opening bracket.
        assert_eq!(wrapped("一二（三）四", 3.0, 0.0), ["一二", "（三）", "四"]);
        // A word longer than a line is broken where it must be.
        assert_eq!(wrapped("1234567890", 2.0, 0.0), ["1234", "5678", "90"]);
        // Spaces at a break are left out.
        assert_eq!(wrapped("ab cd ef", 2.5, 0.0), ["ab cd", "ef"]);
    }

    #[test]
    fn the_same_draft_gives_the_same_bytes() {
        let Some(f) = font() else { return };
        let d = sample(vec!["本机关全面推进政府信息公开工作。".into()]);
        let a = pdf(&d, &f).unwrap();
        let b = pdf(&d, &f).unwrap();
        assert!(a.starts_with(b"%PDF-"));
        assert_eq!(a, b);
    }

    #[test]
    fn a_long_paragraph_wraps_over_lines_and_pages_and_reads_back_whole() {
        let Some(f) = font() else { return };
        let long: String = (1..=150)
            .map(|i| format!("第{i}项工作依法公开了相关政府信息，接受社会监督。"))
            .collect();
        let d = sample(vec![long.clone()]);
        let pages = lay_out(&d, &f).unwrap();
        // The paragraph's lines, in order: their text is the paragraph, each within
        // the text width.
        let wanted = long.as_str();
        let lines: Vec<(usize, &TextLine)> = pages
            .iter()
            .enumerate()
            .flat_map(|(n, marks)| {
                marks.iter().filter_map(move |m| match m {
                    Mark::Text(l) if l.size == BODY_SIZE && wanted.contains(l.text.as_str()) => {
                        Some((n, l))
                    }
                    _ => None,
                })
            })
            .collect();
        let joined: String = lines.iter().map(|(_, l)| l.text.as_str()).collect();
        assert_eq!(joined, long);
        let first_page = lines.first().unwrap().0;
        let last_page = lines.last().unwrap().0;
        assert!(last_page >= first_page + 2, "{first_page}..{last_page}");
        for (_, l) in &lines {
            let width: f32 = l.glyphs.iter().map(|g| g.2 * l.size).sum();
            assert!(l.x + width <= MARGIN_X + TEXT_W + 0.01, "{}", l.text);
            assert!(l.baseline <= BOTTOM, "{}", l.text);
        }
        // Read back: the paragraph whole, every cell as computed, nothing found.
        let bytes = pdf(&d, &f).unwrap();
        let parsed = gongkai_pipeline::parse_bytes(
            Path::new("r.pdf"),
            &bytes,
            &gongkai_pipeline::Metadata::default(),
        )
        .unwrap();
        let back: String = parsed
            .source
            .original()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(back.contains(&long));
        let result = crate::gate("r.pdf", &bytes, &d.tables).unwrap();
        assert!(
            result.passed(),
            "{:?} {:?}",
            result
                .findings
                .iter()
                .map(|f| format!("{} {}", f.code, f.message))
                .collect::<Vec<_>>(),
            result.mismatches
        );
    }

    #[test]
    fn a_table_longer_than_a_page_breaks_between_rows_and_reads_back_as_one() {
        use gongkai_ingest::{load_bytes, Content};
        use gongkai_model::{GridCell, Location};
        let Some(f) = font() else { return };
        // 70 rows: a label and a number each, and beside them two groups, 甲组 over
        // the first 35 rows and 乙组 over the rest, whatever page they fall on.
        let n = 70usize;
        let cell = |row: usize, column: usize, text: String, covered: bool| GridCell {
            text,
            location: Location::Cell {
                table: 0,
                row: row as u32,
                column: column as u32,
            },
            covered,
        };
        let rows: Vec<Vec<GridCell>> = (0..n)
            .map(|r| {
                let group = match r {
                    0 => cell(r, 0, "甲组".into(), false),
                    35 => cell(r, 0, "乙组".into(), false),
                    _ => cell(r, 0, String::new(), true),
                };
                vec![
                    group,
                    cell(r, 1, format!("第{}行", r + 1), false),
                    cell(r, 2, (r * 7).to_string(), false),
                ]
            })
            .collect();
        let grid = Grid { rows };
        let mut merges = vec![
            Merge {
                row: 0,
                column: 0,
                rows: 35,
                columns: 1,
            },
            Merge {
                row: 35,
                column: 0,
                rows: 35,
                columns: 1,
            },
        ];
        for r in 0..n {
            for column in 1..3 {
                merges.push(Merge {
                    row: r,
                    column,
                    rows: 1,
                    columns: 1,
                });
            }
        }
        let mut layout = Layout::new(Shaper::new(&f).unwrap());
        layout
            .paragraph("表格之前的一段文字。", BODY_SIZE, BODY_LEADING, 0.0, false)
            .unwrap();
        let t = layout.measure(&grid, &merges).unwrap().unwrap();
        assert!(t.height() > BODY_H);
        layout.table(&t);
        assert_eq!(layout.pages.len(), 2);
        let bytes = render("表", &layout.pages, &f).unwrap();

        let loaded = load_bytes(Path::new("t.pdf"), &bytes).unwrap();
        let Content::Document(doc) = loaded.content else {
            panic!("not a document")
        };
        let tables: Vec<&Grid> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table { grid } => Some(grid),
                _ => None,
            })
            .collect();
        assert_eq!(tables.len(), 1);
        let read: Vec<(bool, String, String)> = tables[0]
            .rows
            .iter()
            .map(|r| {
                (
                    r[0].covered,
                    r[0].text.clone(),
                    format!("{} {}", r[1].text, r[2].text),
                )
            })
            .collect();
        let expected: Vec<(bool, String, String)> = (0..n)
            .map(|r| {
                let group = match r {
                    0 => "甲组",
                    35 => "乙组",
                    _ => "",
                };
                (
                    !matches!(r, 0 | 35),
                    group.to_string(),
                    format!("第{}行 {}", r + 1, r * 7),
                )
            })
            .collect();
        assert_eq!(read, expected);
    }

    #[test]
    fn a_font_is_named_by_path_and_index() {
        assert_eq!(font_spec("/a/b.ttc#2"), ("/a/b.ttc", 2));
        assert_eq!(font_spec("/a/b.ttf"), ("/a/b.ttf", 0));
        assert_eq!(font_spec("/a/#x.ttf"), ("/a/#x.ttf", 0));
        let missing = PdfFont::load("/nonexistent/font.ttc", 0).unwrap_err();
        assert!(matches!(missing, PdfError::FontUnreadable { .. }));
        assert_eq!(
            PdfError::NoFont.to_string(),
            "没有找到中文字体：请安装 fonts-wqy-microhei 或设置 GONGKAI_CJK_FONT"
        );
    }
}
