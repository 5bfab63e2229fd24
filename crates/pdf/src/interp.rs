//! The content-stream interpreter: a small graphics/text state machine that turns a
//! page's operators into positioned glyphs and the ruling lines drawn on it.
//!
//! Text: BT/ET, Tf, Tm, Td, TD, T*, TL, Tc, Tw, Tz, Ts, Tj, TJ, ' and ", in horizontal
//! and vertical (Identity-V) writing. Graphics: cm, q/Q, paths (m l h re c v y) and
//! their painting, where axis-aligned strokes and thin filled rectangles are kept as
//! rules (table borders). Do runs Form XObjects and counts images (for telling a
//! scanned page). Clipping, colour spaces and shading are not needed and ignored.

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::font::Font;
use crate::lexer::{Lexer, Operand, Token};
use crate::objects::{get, get_dict, get_name, nums, ref_id, resolve, stream_bytes};

/// An affine matrix `[a b c d e f]` in PDF's row-vector convention.
pub type Matrix = [f32; 6];

pub const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n`: apply `m` first, then `n`.
pub fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

pub fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

/// A glyph on the page: its text (usually one char) and box in page space.
#[derive(Clone, Debug, PartialEq)]
pub struct Glyph {
    pub c: char,
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    /// Font size in page space (the em).
    pub size: f32,
    /// Written top to bottom.
    pub vertical: bool,
}

impl Glyph {
    pub fn cx(&self) -> f32 {
        (self.x0 + self.x1) / 2.0
    }
    pub fn cy(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
}

/// A horizontal rule at `pos` (y) from `lo` to `hi` (x), or a vertical one at `pos` (x).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rule {
    pub pos: f32,
    pub lo: f32,
    pub hi: f32,
}

/// An image XObject drawn on the page: the object and the box its unit square maps to
/// (page space, after the CTM).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlacedImage {
    pub id: Option<ObjectId>,
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    /// Rows run bottom to top on the page (a negative vertical scale).
    pub flipped: bool,
    /// Turned a quarter (or any angle): the image's rows are not the page's.
    pub rotated: bool,
}

/// A page drawing more images than this is not a scan: the rest are counted only.
const MAX_PLACED_IMAGES: usize = 64;

/// What a page draws.
#[derive(Debug, Default)]
pub struct PageContent {
    pub glyphs: Vec<Glyph>,
    pub hrules: Vec<Rule>,
    pub vrules: Vec<Rule>,
    /// Images drawn (XObjects and inline).
    pub images: usize,
    /// Image XObjects drawn, with where: a scanned page is one (or a few) of them.
    pub placed: Vec<PlacedImage>,
    /// Glyphs whose font had no way to text (no ToUnicode on an Identity font).
    pub unmapped: usize,
}

/// Shared across the pages of one document: decoded fonts and forms, and the budget.
pub struct Cache {
    fonts: HashMap<ObjectId, Rc<Font>>,
    forms: HashMap<ObjectId, Rc<Vec<u8>>>,
    /// Operators left before the document is judged too complex.
    pub ops_left: u64,
    /// Glyphs left before the document is judged too large.
    pub glyphs_left: usize,
}

impl Cache {
    pub fn new(ops: u64, glyphs: usize) -> Cache {
        Cache {
            fonts: HashMap::new(),
            forms: HashMap::new(),
            ops_left: ops,
            glyphs_left: glyphs,
        }
    }
}

/// The budget ran out: the page (and document) is too complex to read in bounded time.
#[derive(Debug)]
pub struct OverBudget;

const MAX_FORM_DEPTH: usize = 12;
/// A path segment thinner than this (points) and filled is a rule, not a shape.
const THIN: f32 = 2.5;
/// Shorter rules are ticks, bullets or glyph parts.
const MIN_RULE: f32 = 2.0;

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f32,
    char_space: f32,
    word_space: f32,
    hscale: f32,
    leading: f32,
    rise: f32,
    stroke_white: bool,
    fill_white: bool,
}

impl GState {
    fn new(ctm: Matrix) -> GState {
        GState {
            ctm,
            font: None,
            size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            hscale: 1.0,
            leading: 0.0,
            rise: 0.0,
            stroke_white: false,
            fill_white: false,
        }
    }
}

/// A path being built: straight segments in page space, and per subpath its points.
#[derive(Default)]
struct Path {
    segs: Vec<((f32, f32), (f32, f32))>,
    /// Subpaths' points (page space), for thin filled shapes.
    subpaths: Vec<Vec<(f32, f32)>>,
    cur: (f32, f32),
    start: (f32, f32),
}

pub struct Interp<'d, 'c> {
    doc: &'d Document,
    cache: &'c mut Cache,
    out: PageContent,
    gs: GState,
    stack: Vec<GState>,
    tm: Matrix,
    tlm: Matrix,
    path: Path,
}

impl<'d, 'c> Interp<'d, 'c> {
    pub fn new(doc: &'d Document, cache: &'c mut Cache, ctm: Matrix) -> Self {
        Interp {
            doc,
            cache,
            out: PageContent::default(),
            gs: GState::new(ctm),
            stack: Vec::new(),
            tm: IDENTITY,
            tlm: IDENTITY,
            path: Path::default(),
        }
    }

    pub fn finish(self) -> PageContent {
        self.out
    }

    /// Run a content stream with its resources.
    pub fn run(
        &mut self,
        data: &[u8],
        res: Option<&'d Dictionary>,
        depth: usize,
    ) -> Result<(), OverBudget> {
        let mut lex = Lexer::new(data);
        let mut ops: Vec<Operand> = Vec::with_capacity(8);
        let base_stack = self.stack.len();
        while let Some(tok) = lex.next_token() {
            let op = match tok {
                Token::Operand(o) => {
                    if ops.len() < 64 {
                        ops.push(o);
                    }
                    continue;
                }
                Token::Operator(op) => op,
            };
            if self.cache.ops_left == 0 {
                return Err(OverBudget);
            }
            self.cache.ops_left -= 1;
            self.op(op, &ops, res, depth, &mut lex)?;
            ops.clear();
        }
        // Unbalanced q in a form must not leak out of it.
        while self.stack.len() > base_stack {
            if let Some(g) = self.stack.pop() {
                self.gs = g;
            }
        }
        Ok(())
    }

    fn op(
        &mut self,
        op: &[u8],
        ops: &[Operand],
        res: Option<&'d Dictionary>,
        depth: usize,
        lex: &mut Lexer,
    ) -> Result<(), OverBudget> {
        let n = |i: usize| ops.get(i).and_then(Operand::num).unwrap_or(0.0);
        let six = || -> Option<Matrix> {
            if ops.len() < 6 {
                return None;
            }
            let v: Vec<f32> = ops[ops.len() - 6..]
                .iter()
                .map(|o| o.num().unwrap_or(0.0))
                .collect();
            Some([v[0], v[1], v[2], v[3], v[4], v[5]])
        };
        match op {
            b"q" if self.stack.len() < 256 => self.stack.push(self.gs.clone()),
            b"Q" => {
                if let Some(g) = self.stack.pop() {
                    self.gs = g;
                }
            }
            b"cm" => {
                if let Some(m) = six() {
                    self.gs.ctm = mul(&m, &self.gs.ctm);
                }
            }
            b"BT" => {
                self.tm = IDENTITY;
                self.tlm = IDENTITY;
            }
            b"ET" => {}
            b"Tf" => {
                if let Some(Operand::Name(name)) = ops.first() {
                    self.gs.font = Some(self.font(name, res));
                }
                self.gs.size = n(ops.len().saturating_sub(1));
            }
            b"Tc" => self.gs.char_space = n(0),
            b"Tw" => self.gs.word_space = n(0),
            b"Tz" => self.gs.hscale = n(0) / 100.0,
            b"TL" => self.gs.leading = n(0),
            b"Ts" => self.gs.rise = n(0),
            b"Td" => self.td(n(0), n(1)),
            b"TD" => {
                self.gs.leading = -n(1);
                self.td(n(0), n(1));
            }
            b"Tm" => {
                if let Some(m) = six() {
                    self.tm = m;
                    self.tlm = m;
                }
            }
            b"T*" => self.td(0.0, -self.gs.leading),
            b"Tj" => {
                if let Some(Operand::Str(s)) = ops.first() {
                    self.show(s)?;
                }
            }
            b"'" => {
                self.td(0.0, -self.gs.leading);
                if let Some(Operand::Str(s)) = ops.first() {
                    self.show(s)?;
                }
            }
            b"\"" => {
                self.gs.word_space = n(0);
                self.gs.char_space = n(1);
                self.td(0.0, -self.gs.leading);
                if let Some(Operand::Str(s)) = ops.get(2) {
                    self.show(s)?;
                }
            }
            b"TJ" => {
                if let Some(Operand::Array(items)) = ops.first() {
                    for item in items {
                        match item {
                            Operand::Str(s) => self.show(s)?,
                            Operand::Num(k) => self.kern(*k),
                            _ => {}
                        }
                    }
                }
            }
            // Paths.
            b"m" => {
                let p = apply(&self.gs.ctm, n(0), n(1));
                self.path.cur = p;
                self.path.start = p;
                self.path.subpaths.push(vec![p]);
            }
            b"l" => {
                let p = apply(&self.gs.ctm, n(0), n(1));
                self.path.segs.push((self.path.cur, p));
                self.path.cur = p;
                match self.path.subpaths.last_mut() {
                    Some(sp) => sp.push(p),
                    None => self.path.subpaths.push(vec![p]),
                }
            }
            b"c" | b"v" | b"y" => {
                // Curves are no rules; only the current point matters.
                let k = if op == b"c" { 4 } else { 2 };
                let p = apply(&self.gs.ctm, n(k), n(k + 1));
                self.path.cur = p;
                // A curved subpath is a shape, not a thin rectangle.
                self.path.subpaths.push(Vec::new());
            }
            b"h" => {
                if self.path.cur != self.path.start {
                    self.path.segs.push((self.path.cur, self.path.start));
                }
                self.path.cur = self.path.start;
            }
            b"re" => {
                let (x, y, w, h) = (n(0), n(1), n(2), n(3));
                let c = &self.gs.ctm;
                let pts = [
                    apply(c, x, y),
                    apply(c, x + w, y),
                    apply(c, x + w, y + h),
                    apply(c, x, y + h),
                ];
                for i in 0..4 {
                    self.path.segs.push((pts[i], pts[(i + 1) % 4]));
                }
                self.path.subpaths.push(pts.to_vec());
                self.path.cur = pts[0];
                self.path.start = pts[0];
            }
            b"S" | b"s" => {
                if op == b"s" && self.path.cur != self.path.start {
                    self.path.segs.push((self.path.cur, self.path.start));
                }
                self.stroke();
                self.path = Path::default();
            }
            b"f" | b"F" | b"f*" => {
                self.fill();
                self.path = Path::default();
            }
            b"B" | b"B*" | b"b" | b"b*" => {
                self.stroke();
                self.fill();
                self.path = Path::default();
            }
            b"n" => self.path = Path::default(),
            // Colours: only "is it white" matters (white rules are invisible).
            b"G" => self.gs.stroke_white = n(0) >= 0.99,
            b"g" => self.gs.fill_white = n(0) >= 0.99,
            b"RG" => self.gs.stroke_white = (0..3).all(|i| n(i) >= 0.99),
            b"rg" => self.gs.fill_white = (0..3).all(|i| n(i) >= 0.99),
            b"K" => self.gs.stroke_white = (0..4).all(|i| n(i) <= 0.01),
            b"k" => self.gs.fill_white = (0..4).all(|i| n(i) <= 0.01),
            b"SC" | b"SCN" => self.gs.stroke_white = is_white_components(ops),
            b"sc" | b"scn" => self.gs.fill_white = is_white_components(ops),
            b"CS" => self.gs.stroke_white = false,
            b"cs" => self.gs.fill_white = false,
            b"Do" => {
                if let Some(Operand::Name(name)) = ops.first() {
                    self.xobject(name, res, depth)?;
                }
            }
            b"ID" => {
                self.out.images += 1;
                lex.skip_inline_image();
            }
            _ => {}
        }
        Ok(())
    }

    fn td(&mut self, tx: f32, ty: f32) {
        self.tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &self.tlm);
        self.tm = self.tlm;
    }

    /// A TJ number: move back by `k` thousandths of the font size.
    fn kern(&mut self, k: f32) {
        let vertical = self.gs.font.as_ref().is_some_and(|f| f.vertical);
        let d = -k / 1000.0 * self.gs.size;
        let t = if vertical {
            [1.0, 0.0, 0.0, 1.0, 0.0, d]
        } else {
            [1.0, 0.0, 0.0, 1.0, d * self.gs.hscale, 0.0]
        };
        self.tm = mul(&t, &self.tm);
    }

    fn show(&mut self, bytes: &[u8]) -> Result<(), OverBudget> {
        let font = match &self.gs.font {
            Some(f) => Rc::clone(f),
            None => {
                let f = Rc::new(Font::fallback());
                self.gs.font = Some(Rc::clone(&f));
                f
            }
        };
        let gs = &self.gs;
        let size = gs.size;
        let (hs, cs, ws) = (gs.hscale, gs.char_space, gs.word_space);
        let scale_m: Matrix = [size * hs, 0.0, 0.0, size, 0.0, gs.rise];
        let ctm = gs.ctm;
        let vertical = font.vertical;
        let unmappable = font.is_unmappable();
        let mut tm = self.tm;
        let glyphs = &mut self.out.glyphs;
        let mut unmapped = 0usize;
        let mut over = false;
        let glyphs_left = &mut self.cache.glyphs_left;
        font.decode(bytes, |code| {
            let trm = mul(&mul(&scale_m, &tm), &ctm);
            let w = code.width;
            // The glyph's box in unit text space: horizontal glyphs sit on the
            // baseline; vertical ones hang below the current point, centred on it.
            let (bx0, by0, bx1, by1) = if vertical {
                (-w / 2.0, -1.0, w / 2.0, 0.0)
            } else {
                (0.0, -0.2, w, 0.8)
            };
            let text = code.text.as_ref();
            let chars = text
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control());
            let count = chars.clone().count();
            if count > 0 {
                if *glyphs_left < count {
                    over = true;
                    return;
                }
                *glyphs_left -= count;
                let em = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
                for (i, c) in chars.enumerate() {
                    // Several chars for one code (ligatures): split the box evenly.
                    let (a, b) = if vertical {
                        (by0, by1)
                    } else {
                        (
                            bx0 + (bx1 - bx0) * i as f32 / count as f32,
                            bx0 + (bx1 - bx0) * (i + 1) as f32 / count as f32,
                        )
                    };
                    let corners = if vertical {
                        [(bx0, a), (bx1, a), (bx0, b), (bx1, b)]
                    } else {
                        [(a, by0), (b, by0), (a, by1), (b, by1)]
                    };
                    let mut bb = [f32::MAX, f32::MAX, f32::MIN, f32::MIN];
                    for (x, y) in corners {
                        let (px, py) = apply(&trm, x, y);
                        bb[0] = bb[0].min(px);
                        bb[1] = bb[1].min(py);
                        bb[2] = bb[2].max(px);
                        bb[3] = bb[3].max(py);
                    }
                    if bb.iter().all(|v| v.is_finite()) {
                        glyphs.push(Glyph {
                            c,
                            x0: bb[0],
                            y0: bb[1],
                            x1: bb[2],
                            y1: bb[3],
                            size: em,
                            vertical,
                        });
                    }
                }
            } else if unmappable {
                unmapped += 1;
            }
            let extra = cs + if code.is_space { ws } else { 0.0 };
            let t = if vertical {
                [1.0, 0.0, 0.0, 1.0, 0.0, -size + extra]
            } else {
                [1.0, 0.0, 0.0, 1.0, (w * size + extra) * hs, 0.0]
            };
            tm = mul(&t, &tm);
        });
        self.tm = tm;
        self.out.unmapped += unmapped;
        if over {
            return Err(OverBudget);
        }
        Ok(())
    }

    fn stroke(&mut self) {
        if self.gs.stroke_white {
            return;
        }
        for &((x0, y0), (x1, y1)) in &self.path.segs {
            push_rule(&mut self.out, x0, y0, x1, y1);
        }
    }

    fn fill(&mut self) {
        if self.gs.fill_white {
            return;
        }
        for sp in &self.path.subpaths {
            if sp.len() < 2 {
                continue;
            }
            let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
            for &(x, y) in sp {
                x0 = x0.min(x);
                y0 = y0.min(y);
                x1 = x1.max(x);
                y1 = y1.max(y);
            }
            let (w, h) = (x1 - x0, y1 - y0);
            if h <= THIN && w > h {
                let y = (y0 + y1) / 2.0;
                push_rule(&mut self.out, x0, y, x1, y);
            } else if w <= THIN && h > w {
                let x = (x0 + x1) / 2.0;
                push_rule(&mut self.out, x, y0, x, y1);
            }
        }
    }

    fn font(&mut self, name: &[u8], res: Option<&'d Dictionary>) -> Rc<Font> {
        let doc = self.doc;
        let fonts = res.and_then(|r| get_dict(doc, r, b"Font"));
        let Some(fonts) = fonts else {
            return Rc::new(Font::fallback());
        };
        let id = ref_id(fonts, name);
        if let Some(f) = id.and_then(|id| self.cache.fonts.get(&id)) {
            return Rc::clone(f);
        }
        let font = match get(doc, fonts, name) {
            Some(Object::Dictionary(d)) => Rc::new(Font::load(doc, d)),
            _ => Rc::new(Font::fallback()),
        };
        if let Some(id) = id {
            self.cache.fonts.insert(id, Rc::clone(&font));
        }
        font
    }

    fn xobject(
        &mut self,
        name: &[u8],
        res: Option<&'d Dictionary>,
        depth: usize,
    ) -> Result<(), OverBudget> {
        let doc = self.doc;
        let Some(xobjects) = res.and_then(|r| get_dict(doc, r, b"XObject")) else {
            return Ok(());
        };
        let Some(Object::Stream(s)) = get(doc, xobjects, name) else {
            return Ok(());
        };
        match get_name(doc, &s.dict, b"Subtype") {
            Some(b"Image") => {
                self.out.images += 1;
                let corners = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)]
                    .map(|(x, y)| apply(&self.gs.ctm, x, y));
                let xs = corners.map(|c| c.0);
                let ys = corners.map(|c| c.1);
                let min = |v: [f32; 4]| v.into_iter().fold(f32::INFINITY, f32::min);
                let max = |v: [f32; 4]| v.into_iter().fold(f32::NEG_INFINITY, f32::max);
                if self.out.placed.len() < MAX_PLACED_IMAGES {
                    self.out.placed.push(PlacedImage {
                        id: ref_id(xobjects, name),
                        x0: min(xs),
                        y0: min(ys),
                        x1: max(xs),
                        y1: max(ys),
                        flipped: corners[2].1 < corners[0].1,
                        rotated: (corners[1].1 - corners[0].1).abs() > 0.01
                            || (corners[2].0 - corners[0].0).abs() > 0.01,
                    });
                }
            }
            Some(b"Form") if depth < MAX_FORM_DEPTH => {
                let id = ref_id(xobjects, name);
                let data = match id.and_then(|id| self.cache.forms.get(&id)) {
                    Some(d) => Rc::clone(d),
                    None => {
                        let d = Rc::new(stream_bytes(s).unwrap_or_default());
                        if let Some(id) = id {
                            self.cache.forms.insert(id, Rc::clone(&d));
                        }
                        d
                    }
                };
                let saved = self.gs.clone();
                let saved_stack = self.stack.len();
                if let Some(Object::Array(m)) = s.dict.get(b"Matrix").ok().map(|o| resolve(doc, o))
                {
                    let v = nums(doc, m);
                    if v.len() == 6 {
                        let m: Matrix = std::array::from_fn(|i| v[i].unwrap_or(0.0));
                        self.gs.ctm = mul(&m, &self.gs.ctm);
                    }
                }
                let form_res = get_dict(doc, &s.dict, b"Resources").or(res);
                let (tm, tlm) = (self.tm, self.tlm);
                let r = self.run(&data, form_res, depth + 1);
                self.stack.truncate(saved_stack);
                self.gs = saved;
                self.tm = tm;
                self.tlm = tlm;
                r?;
            }
            _ => {}
        }
        Ok(())
    }
}

fn is_white_components(ops: &[Operand]) -> bool {
    let v: Vec<f32> = ops.iter().filter_map(Operand::num).collect();
    match v.len() {
        1 => v[0] >= 0.99,
        3 => v.iter().all(|c| *c >= 0.99),
        4 => v.iter().all(|c| *c <= 0.01),
        _ => false,
    }
}

/// Keep an axis-aligned segment as a rule.
fn push_rule(out: &mut PageContent, x0: f32, y0: f32, x1: f32, y1: f32) {
    let (dx, dy) = ((x1 - x0).abs(), (y1 - y0).abs());
    if !(x0.is_finite() && y0.is_finite() && x1.is_finite() && y1.is_finite()) {
        return;
    }
    if dy < 0.5 && dx >= MIN_RULE {
        out.hrules.push(Rule {
            pos: (y0 + y1) / 2.0,
            lo: x0.min(x1),
            hi: x0.max(x1),
        });
    } else if dx < 0.5 && dy >= MIN_RULE {
        out.vrules.push(Rule {
            pos: (x0 + x1) / 2.0,
            lo: y0.min(y1),
            hi: y0.max(y1),
        });
    }
}

/// The Resources of a page, inherited from its ancestors when absent.
pub fn page_attr<'d>(doc: &'d Document, page: &'d Dictionary, key: &[u8]) -> Option<&'d Object> {
    let mut d = page;
    for _ in 0..32 {
        if let Some(o) = get(doc, d, key) {
            return Some(o);
        }
        d = get_dict(doc, d, b"Parent")?;
    }
    None
}

pub fn as_dict<'d>(doc: &'d Document, o: &'d Object) -> Option<&'d Dictionary> {
    match resolve(doc, o) {
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}
