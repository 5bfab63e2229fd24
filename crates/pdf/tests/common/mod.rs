//! Build small PDFs for tests with lopdf's writer: CID fonts with ToUnicode maps, a
//! Latin font, pages with content streams, images and encryption.
#![allow(dead_code)]

use lopdf::{dictionary, Document, Object, ObjectId, Stream, StringFormat};

/// A Type0 font with Identity-H (or -V) encoding: char `i` of `chars` has code `i + 1`.
pub struct CidFont {
    pub chars: Vec<char>,
    pub vertical: bool,
}

impl CidFont {
    pub fn new(chars: &str) -> CidFont {
        let mut v: Vec<char> = Vec::new();
        for c in chars.chars() {
            if !v.contains(&c) {
                v.push(c);
            }
        }
        CidFont {
            chars: v,
            vertical: false,
        }
    }

    /// The hex string showing `s` (every char must be in the font).
    pub fn hex(&self, s: &str) -> String {
        let mut out = String::from("<");
        for c in s.chars() {
            let code = self
                .chars
                .iter()
                .position(|&x| x == c)
                .expect("char in font")
                + 1;
            out.push_str(&format!("{code:04X}"));
        }
        out.push('>');
        out
    }

    fn to_unicode(&self) -> Vec<u8> {
        let mut s = String::from(
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
             1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
        );
        s.push_str(&format!("{} beginbfchar\n", self.chars.len()));
        for (i, c) in self.chars.iter().enumerate() {
            let mut buf = [0u16; 2];
            let units: String = c
                .encode_utf16(&mut buf)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            s.push_str(&format!("<{:04X}> <{units}>\n", i + 1));
        }
        s.push_str("endbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end\n");
        s.into_bytes()
    }

    fn add(&self, doc: &mut Document) -> ObjectId {
        let tu = doc.add_object(Stream::new(dictionary! {}, self.to_unicode()));
        // Full-width CJK glyphs, half-width ASCII.
        let mut w: Vec<Object> = Vec::new();
        for (i, c) in self.chars.iter().enumerate() {
            let width = if c.is_ascii() { 500 } else { 1000 };
            w.push(Object::Integer(i as i64 + 1));
            w.push(Object::Array(vec![Object::Integer(width)]));
        }
        let cid = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "BaseFont" => "SimSun",
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::String(b"Adobe".to_vec(), StringFormat::Literal),
                "Ordering" => Object::String(b"Identity".to_vec(), StringFormat::Literal),
                "Supplement" => 0,
            },
            "DW" => 1000,
            "W" => w,
        });
        doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type0",
            "BaseFont" => "SimSun",
            "Encoding" => if self.vertical { "Identity-V" } else { "Identity-H" },
            "DescendantFonts" => vec![Object::Reference(cid)],
            "ToUnicode" => Object::Reference(tu),
        })
    }
}

/// One page: its content stream, and whether it draws an image.
pub struct PageSpec {
    pub content: String,
    pub image: bool,
}

impl PageSpec {
    pub fn text(content: impl Into<String>) -> PageSpec {
        PageSpec {
            content: content.into(),
            image: false,
        }
    }
}

/// A document whose pages use `/F1` (the CID font), `/F2` (a vertical copy of it),
/// `/F3` (Helvetica, WinAnsi) and, with `image`, `/Im1`.
pub fn build(font: &CidFont, pages: &[PageSpec]) -> Document {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let f1 = font.add(&mut doc);
    let f2 = CidFont {
        chars: font.chars.clone(),
        vertical: true,
    }
    .add(&mut doc);
    let f3 = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
        "FirstChar" => 32,
        "LastChar" => 126,
        "Widths" => (32..127).map(|_| Object::Integer(556)).collect::<Vec<_>>(),
    });
    let img = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => 2,
            "Height" => 2,
            "ColorSpace" => "DeviceGray",
            "BitsPerComponent" => 8,
        },
        vec![0, 255, 255, 0],
    ));
    let mut kids = Vec::new();
    for p in pages {
        let mut content = p.content.clone();
        if p.image {
            content.push_str("\nq 500 0 0 700 50 50 cm /Im1 Do Q\n");
        }
        let c = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => Object::Reference(pages_id),
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => Object::Reference(c),
            "Resources" => dictionary! {
                "Font" => dictionary! {
                    "F1" => Object::Reference(f1),
                    "F2" => Object::Reference(f2),
                    "F3" => Object::Reference(f3),
                },
                "XObject" => dictionary! { "Im1" => Object::Reference(img) },
            },
        });
        kids.push(Object::Reference(page));
    }
    let n = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => n }),
    );
    let catalog =
        doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => Object::Reference(pages_id) });
    doc.trailer.set("Root", Object::Reference(catalog));
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(vec![7u8; 16], StringFormat::Hexadecimal),
            Object::String(vec![7u8; 16], StringFormat::Hexadecimal),
        ]),
    );
    doc
}

pub fn save(mut doc: Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save pdf");
    out
}

/// Text at (x, y) in the CID font at `size`.
pub fn text(font: &CidFont, x: f32, y: f32, size: f32, s: &str) -> String {
    format!(
        "BT /F1 {size} Tf 1 0 0 1 {x} {y} Tm {} Tj ET\n",
        font.hex(s)
    )
}

/// Latin text (digits) at (x, y) in Helvetica.
pub fn latin(x: f32, y: f32, size: f32, s: &str) -> String {
    format!("BT /F3 {size} Tf {x} {y} Td ({s}) Tj ET\n")
}

/// Stroke the borders of a grid: `xs` column boundaries, `ys` row boundaries (top
/// first); `skip_h` lists (row boundary index, column) border pieces left out to merge.
pub fn grid(
    xs: &[f32],
    ys: &[f32],
    skip_h: &[(usize, usize)],
    skip_v: &[(usize, usize)],
) -> String {
    let mut s = String::from("0.5 w 0 0 0 RG\n");
    for (r, &y) in ys.iter().enumerate() {
        for c in 0..xs.len() - 1 {
            if !skip_h.contains(&(r, c)) {
                s.push_str(&format!("{} {y} m {} {y} l S\n", xs[c], xs[c + 1]));
            }
        }
    }
    for (c, &x) in xs.iter().enumerate() {
        for r in 0..ys.len() - 1 {
            if !skip_v.contains(&(c, r)) {
                s.push_str(&format!("{x} {} m {x} {} l S\n", ys[r], ys[r + 1]));
            }
        }
    }
    s
}

/// The borders of a plain grid drawn as thin filled rectangles, as Word's PDF export
/// does, over a light cell shading (which is no border).
pub fn filled_grid(xs: &[f32], ys: &[f32]) -> String {
    let (x0, x1) = (xs[0], xs[xs.len() - 1]);
    let (y0, y1) = (ys[ys.len() - 1], ys[0]);
    let mut s = format!(
        "0.9 0.9 0.9 rg {x0} {y0} {} {} re f\n0 0 0 rg\n",
        x1 - x0,
        y1 - y0
    );
    for &y in ys {
        s.push_str(&format!("{x0} {} {} 0.5 re f\n", y - 0.25, x1 - x0));
    }
    for &x in xs {
        s.push_str(&format!("{} {y0} 0.5 {} re f\n", x - 0.25, y1 - y0));
    }
    s
}
