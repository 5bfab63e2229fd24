//! The images of a PDF whose pages are scans (no text layer): for each page, the image
//! that covers most of it, taken out of the file as it is stored. Decoding the pixels
//! and recognising them is the OCR crate's job; this crate only knows PDF.

use lopdf::{Dictionary, Object, Stream};

use crate::interp::{self, Cache, Interp, PlacedImage};
use crate::objects::{get, resolve, MAX_STREAM_BYTES};
use crate::{load, page_content, page_matrix, PdfError, MAX_GLYPHS, MAX_OPERATORS, MAX_PAGES};

/// One page of a scanned PDF.
#[derive(Clone, Debug, PartialEq)]
pub struct ScannedPage {
    /// 1-based.
    pub number: u32,
    /// The page as displayed, in points.
    pub width: f32,
    pub height: f32,
    /// The image that covers most of the page, or why none could be taken.
    pub image: Result<PageImage, String>,
}

/// An image and where it is drawn (page points, origin bottom-left).
#[derive(Clone, Debug, PartialEq)]
pub struct PageImage {
    pub data: ImageData,
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    /// Drawn upside down (a negative vertical scale): rows run bottom to top.
    pub flipped: bool,
}

/// An image's samples as the PDF stores them.
#[derive(Clone, Debug, PartialEq)]
pub enum ImageData {
    /// A JPEG file (DCTDecode).
    Jpeg(Vec<u8>),
    /// Samples after the stream's filters: `width × height` pixels of `components`
    /// samples of `bits` each, rows padded to whole bytes.
    Raw {
        width: u32,
        height: u32,
        bits: u8,
        /// 1 (gray), 3 (RGB) or 4 (CMYK); for an indexed image, 1 and a palette.
        components: u8,
        /// For an indexed image: the base colour space's components and the lookup table.
        palette: Option<(u8, Vec<u8>)>,
        /// `/Decode [1 0]` or a stencil mask: sample 0 is dark.
        inverted: bool,
        data: Vec<u8>,
    },
    /// CCITT group 3 or 4 fax data (CCITTFaxDecode) and its parameters.
    Ccitt {
        width: u32,
        height: u32,
        /// `K`: < 0 group 4, 0 group 3 one-dimensional, > 0 group 3 two-dimensional.
        k: i32,
        /// `BlackIs1`.
        black_is_1: bool,
        data: Vec<u8>,
    },
}

/// The pages of a PDF with no text layer, each with its largest image. Errors as for
/// [`crate::read`]; a page without an image has the reason in its `image`.
pub fn scanned_pages(bytes: &[u8]) -> Result<Vec<ScannedPage>, PdfError> {
    if bytes.len() > crate::MAX_BYTES {
        return Err(PdfError::TooLarge {
            size: bytes.len(),
            limit: crate::MAX_BYTES,
        });
    }
    if let Some(missing) = crate::incomplete(bytes) {
        return Err(PdfError::Truncated(missing));
    }
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| inner(bytes))) {
        Ok(r) => r,
        Err(_) => Err(PdfError::Corrupt("结构异常".into())),
    }
}

fn inner(bytes: &[u8]) -> Result<Vec<ScannedPage>, PdfError> {
    let doc = load(bytes)?;
    let ids: Vec<lopdf::ObjectId> = doc.page_iter().take(MAX_PAGES + 1).collect();
    if ids.len() > MAX_PAGES {
        return Err(PdfError::TooManyPages {
            pages: doc.get_pages().len(),
            limit: MAX_PAGES,
        });
    }
    let mut cache = Cache::new(MAX_OPERATORS, MAX_GLYPHS);
    let mut out = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let number = i as u32 + 1;
        let Ok(Object::Dictionary(page)) = doc.get_object(*id) else {
            out.push(ScannedPage {
                number,
                width: 0.0,
                height: 0.0,
                image: Err("页面无法读取".into()),
            });
            continue;
        };
        let (ctm, width, height) = page_matrix(&doc, page);
        let res =
            interp::page_attr(&doc, page, b"Resources").and_then(|o| interp::as_dict(&doc, o));
        let mut missing = 0;
        let content = page_content(&doc, page, &mut missing);
        let mut it = Interp::new(&doc, &mut cache, ctm);
        if it.run(&content, res, 0).is_err() {
            return Err(PdfError::TooComplex);
        }
        let pc = it.finish();
        let area = |p: &PlacedImage| (p.x1 - p.x0).max(0.0) * (p.y1 - p.y0).max(0.0);
        let largest = pc
            .placed
            .iter()
            .filter(|p| area(p).is_finite())
            .max_by(|a, b| area(a).total_cmp(&area(b)));
        let image = match largest {
            None => Err("页面上没有图像".to_string()),
            Some(p) => taken(&doc, p),
        };
        out.push(ScannedPage {
            number,
            width,
            height,
            image,
        });
    }
    Ok(out)
}

fn taken(doc: &lopdf::Document, placed: &PlacedImage) -> Result<PageImage, String> {
    let stream = placed
        .id
        .and_then(|id| doc.get_object(id).ok())
        .and_then(|o| match o {
            Object::Stream(s) => Some(s),
            _ => None,
        })
        .ok_or("图像对象无法读取")?;
    if placed.rotated {
        return Err("图像旋转放置，暂不支持".into());
    }
    let data = image_data(doc, stream)?;
    Ok(PageImage {
        data,
        x0: placed.x0,
        y0: placed.y0,
        x1: placed.x1,
        y1: placed.y1,
        flipped: placed.flipped,
    })
}

fn int(doc: &lopdf::Document, dict: &Dictionary, key: &[u8]) -> Option<i64> {
    match get(doc, dict, key)? {
        Object::Integer(i) => Some(*i),
        Object::Real(r) => Some(*r as i64),
        _ => None,
    }
}

fn filters(doc: &lopdf::Document, dict: &Dictionary) -> Vec<Vec<u8>> {
    match get(doc, dict, b"Filter") {
        Some(Object::Name(n)) => vec![n.clone()],
        Some(Object::Array(a)) => a
            .iter()
            .filter_map(|o| match resolve(doc, o) {
                Object::Name(n) => Some(n.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Largest image taken (pixels): a 600 dpi A3 scan is about 70 million.
const MAX_PIXELS: u64 = 100_000_000;

fn image_data(doc: &lopdf::Document, s: &Stream) -> Result<ImageData, String> {
    let d = &s.dict;
    let width = int(doc, d, b"Width")
        .filter(|w| *w > 0)
        .ok_or("图像缺少宽度")?;
    let height = int(doc, d, b"Height")
        .filter(|h| *h > 0)
        .ok_or("图像缺少高度")?;
    if (width as u64).saturating_mul(height as u64) > MAX_PIXELS {
        return Err(format!("图像过大（{width}×{height}像素）"));
    }
    let (width, height) = (width as u32, height as u32);
    let filters = filters(doc, d);
    let last = filters.last().map(Vec::as_slice);
    if s.content.len() > MAX_STREAM_BYTES {
        return Err("图像数据过大".into());
    }
    match last {
        Some(b"DCTDecode") | Some(b"DCT") if filters.len() == 1 => {
            return Ok(ImageData::Jpeg(s.content.clone()))
        }
        Some(b"CCITTFaxDecode") | Some(b"CCF") if filters.len() == 1 => {
            let parms = get(doc, d, b"DecodeParms").and_then(|o| match o {
                Object::Dictionary(p) => Some(p),
                Object::Array(a) => a.first().and_then(|o| match resolve(doc, o) {
                    Object::Dictionary(p) => Some(p),
                    _ => None,
                }),
                _ => None,
            });
            let k = parms.and_then(|p| int(doc, p, b"K")).unwrap_or(0) as i32;
            let black_is_1 = parms
                .is_some_and(|p| matches!(get(doc, p, b"BlackIs1"), Some(Object::Boolean(true))));
            return Ok(ImageData::Ccitt {
                width,
                height,
                k,
                black_is_1,
                data: s.content.clone(),
            });
        }
        Some(b"JBIG2Decode") => return Err("图像为JBIG2编码，暂无解码器".into()),
        Some(b"JPXDecode") => return Err("图像为JPEG 2000编码，暂无解码器".into()),
        _ => {}
    }
    let data = if filters.is_empty() {
        s.content.clone()
    } else {
        s.decompressed_content_with_limit(MAX_STREAM_BYTES)
            .map_err(|e| format!("图像数据无法解压（{e}）"))?
    };
    let mask = matches!(get(doc, d, b"ImageMask"), Some(Object::Boolean(true)));
    let bits = if mask {
        1
    } else {
        int(doc, d, b"BitsPerComponent").unwrap_or(8) as u8
    };
    if !matches!(bits, 1 | 2 | 4 | 8 | 16) {
        return Err(format!("图像每分量{bits}位，无法读取"));
    }
    let (components, palette) = if mask {
        (1, None)
    } else {
        colour_space(doc, get(doc, d, b"ColorSpace"))?
    };
    let decode_inverted = match get(doc, d, b"Decode") {
        Some(Object::Array(a)) => a
            .first()
            .and_then(crate::objects::num)
            .is_some_and(|v| v > 0.5),
        _ => false,
    };
    // A stencil mask paints where the sample is 0 (unless /Decode says otherwise).
    let inverted = if mask {
        !decode_inverted
    } else {
        decode_inverted
    };
    let row = (width as u64 * components as u64 * bits as u64).div_ceil(8);
    if (data.len() as u64) < row * height as u64 {
        return Err("图像数据不完整".into());
    }
    Ok(ImageData::Raw {
        width,
        height,
        bits,
        components,
        palette,
        inverted,
        data,
    })
}

/// An indexed colour space's base components and lookup table.
type Palette = (u8, Vec<u8>);

/// Components per pixel and, for an indexed space, the palette.
fn colour_space(
    doc: &lopdf::Document,
    cs: Option<&Object>,
) -> Result<(u8, Option<Palette>), String> {
    let Some(cs) = cs else {
        return Ok((1, None));
    };
    let base = |o: &Object| -> Result<u8, String> {
        match resolve(doc, o) {
            Object::Name(n) => match n.as_slice() {
                b"DeviceGray" | b"CalGray" | b"G" => Ok(1),
                b"DeviceRGB" | b"CalRGB" | b"RGB" => Ok(3),
                b"DeviceCMYK" | b"CMYK" => Ok(4),
                other => Err(format!(
                    "图像颜色空间{}无法读取",
                    String::from_utf8_lossy(other)
                )),
            },
            Object::Array(a) => match a.first().map(|o| resolve(doc, o)) {
                Some(Object::Name(n)) if n == b"ICCBased" => {
                    let n = a
                        .get(1)
                        .and_then(|o| crate::objects::as_stream(doc, o))
                        .and_then(|s| int(doc, &s.dict, b"N"))
                        .unwrap_or(3);
                    Ok(n.clamp(1, 4) as u8)
                }
                Some(Object::Name(n)) if matches!(n.as_slice(), b"CalGray") => Ok(1),
                Some(Object::Name(n)) if matches!(n.as_slice(), b"CalRGB" | b"Lab") => Ok(3),
                _ => Err("图像颜色空间无法读取".into()),
            },
            _ => Err("图像颜色空间无法读取".into()),
        }
    };
    match resolve(doc, cs) {
        Object::Array(a) if matches!(a.first().map(|o| resolve(doc, o)), Some(Object::Name(n)) if n == b"Indexed" || n == b"I") =>
        {
            let b = a.get(1).map(base).ok_or("索引颜色空间缺少基础空间")??;
            let table = match a.get(3).map(|o| resolve(doc, o)) {
                Some(Object::String(s, _)) => s.clone(),
                Some(Object::Stream(s)) => crate::objects::stream_bytes(s).unwrap_or_default(),
                _ => return Err("索引颜色空间缺少颜色表".into()),
            };
            Ok((1, Some((b, table))))
        }
        other => Ok((base(other)?, None)),
    }
}
