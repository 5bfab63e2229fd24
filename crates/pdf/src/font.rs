//! Fonts: turning the bytes of a shown string into codes, each code into text and a
//! width.
//!
//! Composite (Type0) fonts split bytes by the codespace of their CMap (Identity-H/V:
//! two bytes) and map codes with ToUnicode; without ToUnicode, the predefined Unicode
//! and GBK CMaps still say what the code is. Simple fonts (Type1, TrueType, Type3) map
//! one byte through ToUnicode, else `Differences` glyph names over a base encoding.
//! Widths come from `W`/`DW` or `Widths`/`FirstChar`, so glyph boxes and gaps are right.

use std::borrow::Cow;
use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use crate::cmap::{Codespace, ToUnicode};
use crate::encoding;
use crate::objects::{
    as_stream, get, get_array, get_dict, get_name, get_num, num, nums, resolve, stream_bytes,
};

/// How a composite font's codes relate to Unicode when ToUnicode does not say.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Cmap {
    /// Code = CID; the text is unknown without ToUnicode.
    Identity,
    /// Code = UTF-16 unit (Uni*-UCS2-*, Uni*-UTF16-*).
    Ucs2,
    /// Code = GBK/GB2312 bytes (GBK-EUC-*, GBpc-EUC-*, GB-EUC-*, GBK2K-*).
    Gbk,
    /// Another predefined CMap: codes unknown.
    Unknown,
}

#[derive(Debug)]
enum Kind {
    Simple {
        /// Text per byte.
        text: Vec<Option<Box<str>>>,
        /// Width per byte, in text space units per unit font size.
        widths: Vec<f32>,
    },
    Composite {
        codespace: Codespace,
        cmap: Cmap,
        to_unicode: Option<ToUnicode>,
        /// Without ToUnicode: CID → char from the embedded TrueType font's cmap.
        cid_text: HashMap<u32, char>,
        widths: HashMap<u32, f32>,
        default_width: f32,
    },
}

/// A font ready to decode shown strings.
#[derive(Debug)]
pub struct Font {
    kind: Kind,
    /// Written top to bottom (Identity-V and other `-V` CMaps).
    pub vertical: bool,
}

/// One code of a shown string.
pub struct Code<'a> {
    pub text: Cow<'a, str>,
    /// Advance width in text space per unit font size (0.5 for a half-width glyph).
    pub width: f32,
    /// A single-byte code 32: word spacing (Tw) applies to it.
    pub is_space: bool,
}

impl Font {
    /// A font for when a font resource is missing: one byte per code, Latin-1 text.
    pub fn fallback() -> Font {
        let text = (0..256u32)
            .map(|b| {
                char::from_u32(b)
                    .filter(|c| !c.is_control())
                    .map(|c| c.to_string().into_boxed_str())
            })
            .collect();
        Font {
            kind: Kind::Simple {
                text,
                widths: vec![0.5; 256],
            },
            vertical: false,
        }
    }

    /// Read a font dictionary.
    pub fn load(doc: &Document, dict: &Dictionary) -> Font {
        let subtype = get_name(doc, dict, b"Subtype").unwrap_or(b"");
        if subtype == b"Type0" {
            Self::load_composite(doc, dict)
        } else {
            Self::load_simple(doc, dict, subtype)
        }
    }

    fn load_simple(doc: &Document, dict: &Dictionary, subtype: &[u8]) -> Font {
        let to_unicode = load_to_unicode(doc, dict);
        // Base encoding, then Differences.
        let mut names: Vec<Option<char>> = vec![None; 256];
        let mut base: Option<&encoding::Table> = None;
        match get(doc, dict, b"Encoding") {
            Some(Object::Name(n)) => base = encoding::named(n),
            Some(Object::Dictionary(enc)) => {
                base = get_name(doc, enc, b"BaseEncoding").and_then(encoding::named);
                if let Some(diff) = get_array(doc, enc, b"Differences") {
                    let mut code: usize = 0;
                    for o in diff {
                        match resolve(doc, o) {
                            Object::Integer(i) => code = (*i).clamp(0, 256) as usize,
                            Object::Name(n) => {
                                if code < 256 {
                                    names[code] = encoding::glyph_name_to_char(n);
                                }
                                code += 1;
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
        let symbolic = get_dict(doc, dict, b"FontDescriptor")
            .and_then(|fd| get_num(doc, fd, b"Flags"))
            .is_some_and(|f| (f as u32) & 4 != 0);
        let base: &encoding::Table = match base {
            Some(b) => b,
            None if subtype == b"Type1" && !symbolic => &encoding::STANDARD,
            None => &encoding::WIN_ANSI,
        };
        let text: Vec<Option<Box<str>>> = (0..256usize)
            .map(|b| {
                if let Some(s) = to_unicode.as_ref().and_then(|t| t.get(b as u32)) {
                    return Some(s.into_owned().into_boxed_str());
                }
                names[b].or(base[b]).map(|c| c.to_string().into_boxed_str())
            })
            .collect();

        // Type3 glyph widths are in glyph space: FontMatrix scales them to text space.
        let scale = if subtype == b"Type3" {
            get_array(doc, dict, b"FontMatrix")
                .and_then(|m| m.first().and_then(num))
                .map_or(0.001, f32::abs)
        } else {
            0.001
        };
        let base_font = get_name(doc, dict, b"BaseFont").unwrap_or(b"");
        let missing = get_dict(doc, dict, b"FontDescriptor")
            .and_then(|fd| get_num(doc, fd, b"MissingWidth"))
            .filter(|w| *w > 0.0);
        let default = missing.unwrap_or(if contains(base_font, b"Courier") {
            600.0
        } else {
            500.0
        });
        let mut widths = vec![default * scale; 256];
        if let Some(ws) = get_array(doc, dict, b"Widths") {
            let first = get_num(doc, dict, b"FirstChar").unwrap_or(0.0).max(0.0) as usize;
            for (i, w) in nums(doc, ws).into_iter().enumerate() {
                if let (Some(w), Some(slot)) = (w, widths.get_mut(first + i)) {
                    *slot = w.abs() * scale;
                }
            }
        }
        Font {
            kind: Kind::Simple { text, widths },
            vertical: false,
        }
    }

    fn load_composite(doc: &Document, dict: &Dictionary) -> Font {
        let to_unicode = load_to_unicode(doc, dict);
        let (cmap_name, embedded): (Vec<u8>, Option<Codespace>) = match get(doc, dict, b"Encoding")
        {
            Some(Object::Name(n)) => (n.clone(), None),
            Some(Object::Stream(s)) => {
                // An embedded CMap: its codespace says how to split bytes.
                let name = get_name(doc, &s.dict, b"CMapName").unwrap_or(b"").to_vec();
                let cs = stream_bytes(s).map(|b| ToUnicode::parse(&b).codespace);
                (name, cs.filter(|c| !c.ranges.is_empty()))
            }
            _ => (b"Identity-H".to_vec(), None),
        };
        let vertical = cmap_name.ends_with(b"-V");
        let cmap = if cmap_name.starts_with(b"Identity") {
            Cmap::Identity
        } else if contains(&cmap_name, b"UCS2") || contains(&cmap_name, b"UTF16") {
            Cmap::Ucs2
        } else if cmap_name.starts_with(b"GBK")
            || cmap_name.starts_with(b"GBpc-EUC")
            || cmap_name.starts_with(b"GB-EUC")
        {
            Cmap::Gbk
        } else {
            Cmap::Unknown
        };
        let codespace = match (&embedded, &to_unicode, cmap) {
            (Some(cs), _, _) => cs.clone(),
            (None, _, Cmap::Gbk) => Codespace::gbk(),
            (None, Some(tu), _) if !tu.codespace.ranges.is_empty() && cmap == Cmap::Unknown => {
                tu.codespace.clone()
            }
            _ => Codespace::fixed(2),
        };

        let descendant = get_array(doc, dict, b"DescendantFonts")
            .and_then(|a| a.first())
            .and_then(|o| match resolve(doc, o) {
                Object::Dictionary(d) => Some(d),
                _ => None,
            });
        let mut widths = HashMap::new();
        let mut default_width = 1.0;
        if let Some(cid) = descendant {
            if let Some(dw) = get_num(doc, cid, b"DW") {
                default_width = dw.abs() * 0.001;
            }
            if let Some(w) = get_array(doc, cid, b"W") {
                read_cid_widths(doc, w, &mut widths);
            }
        }
        let cid_text = match (&to_unicode, cmap, descendant) {
            (None, Cmap::Identity, Some(cid)) => embedded_cid_text(doc, cid),
            _ => HashMap::new(),
        };
        Font {
            kind: Kind::Composite {
                codespace,
                cmap,
                to_unicode,
                cid_text,
                widths,
                default_width,
            },
            vertical,
        }
    }

    /// Call `f` for every code of `bytes`.
    pub fn decode<'s>(&'s self, bytes: &[u8], mut f: impl FnMut(Code<'s>)) {
        match &self.kind {
            Kind::Simple { text, widths } => {
                for &b in bytes {
                    let t = text[usize::from(b)].as_deref().unwrap_or("");
                    f(Code {
                        text: Cow::Borrowed(t),
                        width: widths[usize::from(b)],
                        is_space: b == 32,
                    });
                }
            }
            Kind::Composite {
                codespace,
                cmap,
                to_unicode,
                cid_text,
                widths,
                default_width,
            } => {
                let mut pos = 0;
                while pos < bytes.len() {
                    let (code, n) = codespace.next_code(bytes, pos);
                    let raw = &bytes[pos..pos + n];
                    pos += n;
                    let text = match to_unicode.as_ref().and_then(|t| t.get(code)) {
                        Some(t) => t,
                        None => match cid_text.get(&code) {
                            Some(c) => Cow::Owned(c.to_string()),
                            None => fallback_text(*cmap, code, raw),
                        },
                    };
                    // Widths are indexed by CID: known for Identity, else approximate.
                    let width = match cmap {
                        Cmap::Identity => widths.get(&code).copied().unwrap_or(*default_width),
                        _ if n == 1 => 0.5,
                        _ => *default_width,
                    };
                    f(Code {
                        text,
                        width,
                        is_space: n == 1 && code == 32,
                    });
                }
            }
        }
    }

    /// True when the font cannot map its codes to text at all (no ToUnicode, Identity).
    pub fn is_unmappable(&self) -> bool {
        matches!(
            &self.kind,
            Kind::Composite {
                cmap: Cmap::Identity | Cmap::Unknown,
                to_unicode: None,
                cid_text,
                ..
            } if cid_text.is_empty()
        )
    }
}

fn fallback_text(cmap: Cmap, code: u32, raw: &[u8]) -> Cow<'static, str> {
    match cmap {
        Cmap::Ucs2 => char::from_u32(code)
            .filter(|c| !c.is_control())
            .map_or(Cow::Borrowed(""), |c| Cow::Owned(c.to_string())),
        Cmap::Gbk => {
            let (s, bad) = encoding_rs::GBK.decode_without_bom_handling(raw);
            if bad {
                Cow::Borrowed("")
            } else {
                Cow::Owned(s.into_owned())
            }
        }
        Cmap::Identity | Cmap::Unknown => Cow::Borrowed(""),
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Hostile W arrays could describe billions of CIDs: ranges are expanded up to this.
const MAX_WIDTH_ENTRIES: usize = 100_000;

/// `W`: `c [w1 w2 …]` (consecutive CIDs from c) or `c_first c_last w`.
fn read_cid_widths(doc: &Document, w: &[Object], out: &mut HashMap<u32, f32>) {
    let mut i = 0;
    while i < w.len() && out.len() < MAX_WIDTH_ENTRIES {
        let Some(first) = num(resolve(doc, &w[i])) else {
            i += 1;
            continue;
        };
        let first = first.max(0.0) as u32;
        match w.get(i + 1).map(|o| resolve(doc, o)) {
            Some(Object::Array(ws)) => {
                for (k, wv) in nums(doc, ws).into_iter().enumerate() {
                    if let Some(wv) = wv {
                        out.insert(first.saturating_add(k as u32), wv.abs() * 0.001);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let last = num(o).unwrap_or(0.0).max(0.0) as u32;
                let wv = w.get(i + 2).and_then(|o| num(resolve(doc, o)));
                if let Some(wv) = wv {
                    let room = (MAX_WIDTH_ENTRIES - out.len()) as u32;
                    for c in first..=last.min(first.saturating_add(room)) {
                        out.insert(c, wv.abs() * 0.001);
                    }
                }
                i += 3;
            }
            None => break,
        }
    }
}

/// CID → char through CIDToGIDMap and the embedded TrueType font's own cmap.
fn embedded_cid_text(doc: &Document, cid_font: &Dictionary) -> HashMap<u32, char> {
    let Some(fd) = get_dict(doc, cid_font, b"FontDescriptor") else {
        return HashMap::new();
    };
    let Some(data) = fd
        .get(b"FontFile2")
        .ok()
        .and_then(|o| as_stream(doc, o))
        .and_then(stream_bytes)
    else {
        return HashMap::new();
    };
    let Some(by_gid) = crate::sfnt::glyph_to_unicode(&data) else {
        return HashMap::new();
    };
    match cid_font
        .get(b"CIDToGIDMap")
        .ok()
        .and_then(|o| as_stream(doc, o))
    {
        Some(s) => {
            let map = stream_bytes(s).unwrap_or_default();
            map.chunks_exact(2)
                .enumerate()
                .filter_map(|(cid, g)| {
                    let gid = u16::from_be_bytes([g[0], g[1]]);
                    by_gid.get(&gid).map(|&c| (cid as u32, c))
                })
                .collect()
        }
        // Identity (or absent): the CID is the glyph id.
        None => by_gid.into_iter().map(|(g, c)| (u32::from(g), c)).collect(),
    }
}

fn load_to_unicode(doc: &Document, dict: &Dictionary) -> Option<ToUnicode> {
    let s = as_stream(doc, dict.get(b"ToUnicode").ok()?)?;
    let bytes = stream_bytes(s)?;
    let t = ToUnicode::parse(&bytes);
    (!t.is_empty()).then_some(t)
}
