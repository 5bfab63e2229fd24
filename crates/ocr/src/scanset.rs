//! Scanned test documents made from documents with a text layer: each page rendered
//! at a resolution (Poppler's `pdftoppm`), then — for the degraded variant — turned
//! grey, noised, skewed, stamped with a red seal over part of a table and compressed
//! as JPEG, and wrapped as an image-only PDF. The truth of the source is the truth of
//! the scan. Used by the tests and the scanned-set evaluation; nothing is committed.

use std::path::Path;
use std::process::Command;

use image::{Rgb, RgbImage};

/// How a page is made to look scanned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Degradation {
    /// Standard deviation of the grey noise added, in grey levels.
    pub noise: f32,
    /// Largest skew, degrees (each page gets its own within ±this).
    pub skew: f32,
    /// JPEG quality, when stored as JPEG (else lossless).
    pub jpeg: Option<u8>,
    /// A red seal stamped over part of the first table on a page that has one.
    pub seal: bool,
    /// Grey only (a grey scan); else colour.
    pub grey: bool,
}

impl Degradation {
    /// A clean grey scan stored losslessly.
    pub const CLEAN: Degradation = Degradation {
        noise: 0.0,
        skew: 0.0,
        jpeg: None,
        seal: false,
        grey: true,
    };
    /// What the issue asks for: noise, up to ±2° skew, JPEG artefacts, a red seal.
    pub const SCANNED: Degradation = Degradation {
        noise: 12.0,
        skew: 2.0,
        jpeg: Some(60),
        seal: true,
        grey: false,
    };
}

/// A small deterministic generator (xorshift64*): the same seed, the same scan.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    /// Roughly normal (sum of uniforms), mean 0, deviation 1.
    pub fn normal(&mut self) -> f32 {
        (0..6).map(|_| self.unit()).sum::<f32>() * std::f32::consts::SQRT_2
            - 6.0 * std::f32::consts::FRAC_1_SQRT_2
    }
}

/// Every page of a PDF rendered at `dpi` by `pdftoppm` (Poppler), in colour.
pub fn rasterise(pdf: &Path, dpi: u32) -> Result<Vec<RgbImage>, String> {
    let dir = std::env::temp_dir().join(format!(
        "gongkai-scanset-{}-{}",
        std::process::id(),
        Rng::new(dpi as u64 ^ pdf.as_os_str().len() as u64).next_u64()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let prefix = dir.join("p");
    let status = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-png"])
        .arg(pdf)
        .arg(&prefix)
        .status()
        .map_err(|e| format!("pdftoppm（poppler-utils）无法运行：{e}"))?;
    if !status.success() {
        return Err(format!("pdftoppm 失败：{status}"));
    }
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    // p-1.png … p-10.png: by page number, not by name.
    files.sort_by_key(|p| {
        p.file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.rsplit('-').next())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    });
    let pages = files
        .iter()
        .map(|f| {
            image::open(f)
                .map(|i| i.to_rgb8())
                .map_err(|e| e.to_string())
        })
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    pages
}

/// A page made to look scanned. `table` is the box of a table on the page (pixels,
/// top-left origin), where the seal goes.
pub fn degrade(
    page: &RgbImage,
    d: &Degradation,
    table: Option<[u32; 4]>,
    rng: &mut Rng,
) -> RgbImage {
    let mut img = page.clone();
    if d.seal {
        if let Some([x0, y0, x1, y1]) = table {
            // Over the right half of the table, a little below its top.
            let cx = x0 as f32 + (x1 - x0) as f32 * (0.55 + 0.3 * rng.unit());
            let cy = y0 as f32 + (y1 - y0) as f32 * (0.2 + 0.5 * rng.unit());
            let radius = img.width() as f32 / 10.0;
            stamp_seal(&mut img, cx, cy, radius);
        }
    }
    if d.grey {
        for p in img.pixels_mut() {
            let g = (0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32) as u8;
            *p = Rgb([g, g, g]);
        }
    }
    if d.skew > 0.0 {
        let angle = (rng.unit() * 2.0 - 1.0) * d.skew;
        img = rotate_rgb(&img, angle);
    }
    if d.noise > 0.0 {
        for p in img.pixels_mut() {
            let n = rng.normal() * d.noise;
            for c in 0..3 {
                p[c] = (p[c] as f32 + n).clamp(0.0, 255.0) as u8;
            }
        }
    }
    img
}

/// A seal as official seals are: a red ring, a star, and an arc of strokes for its
/// text, multiplied over what is printed below.
fn stamp_seal(img: &mut RgbImage, cx: f32, cy: f32, radius: f32) {
    let ring = radius * 0.07;
    let (w, h) = img.dimensions();
    let red = [210.0f32, 40.0, 45.0];
    let x0 = (cx - radius - 2.0).max(0.0) as u32;
    let x1 = ((cx + radius + 2.0) as u32).min(w);
    let y0 = (cy - radius - 2.0).max(0.0) as u32;
    let y1 = ((cy + radius + 2.0) as u32).min(h);
    for y in y0..y1 {
        for x in x0..x1 {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            let r = (dx * dx + dy * dy).sqrt();
            let angle = dy.atan2(dx);
            let on_ring = (r - (radius - ring)).abs() < ring;
            // A five-pointed star of radius 0.3.
            let star_r = radius
                * 0.3
                * (0.55
                    + 0.45
                        * ((angle * 5.0 + std::f32::consts::FRAC_PI_2).cos())
                            .abs()
                            .powf(8.0));
            let in_star = r < star_r;
            // Text strokes: short radial bars along the upper arc.
            let on_text = r > radius * 0.6
                && r < radius * 0.82
                && angle < -0.3
                && angle > -2.85
                && ((angle * 12.0).sin()).abs() > 0.55;
            if on_ring || in_star || on_text {
                let p = img.get_pixel_mut(x, y);
                for c in 0..3 {
                    // Ink under the seal stays dark (multiply), paper turns red.
                    p[c] = ((p[c] as f32 / 255.0) * red[c]).round() as u8;
                }
            }
        }
    }
}

fn rotate_rgb(img: &RgbImage, degrees: f32) -> RgbImage {
    let (w, h) = img.dimensions();
    let (s, c) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let mut out = RgbImage::from_pixel(w, h, Rgb([255, 255, 255]));
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            let sx = c * dx - s * dy + cx;
            let sy = s * dx + c * dy + cy;
            if sx < 0.0 || sy < 0.0 || sx >= (w - 1) as f32 || sy >= (h - 1) as f32 {
                continue;
            }
            let (x0, y0) = (sx as u32, sy as u32);
            let (ax, ay) = (sx - x0 as f32, sy - y0 as f32);
            let mut px = [0u8; 3];
            for (ch, v) in px.iter_mut().enumerate() {
                let p = |x: u32, y: u32| img.get_pixel(x, y)[ch] as f32;
                let top = p(x0, y0) * (1.0 - ax) + p(x0 + 1, y0) * ax;
                let bottom = p(x0, y0 + 1) * (1.0 - ax) + p(x0 + 1, y0 + 1) * ax;
                *v = (top * (1.0 - ay) + bottom * ay).round() as u8;
            }
            out.put_pixel(x, y, Rgb(px));
        }
    }
    out
}

/// Pages as an image-only PDF: one image per page, filling it (`dpi` sets the page
/// size). JPEG when `jpeg` is given, else lossless (Flate); grey pages as DeviceGray.
pub fn image_pdf(
    pages: &[RgbImage],
    dpi: u32,
    jpeg: Option<u8>,
    grey: bool,
) -> Result<Vec<u8>, String> {
    let mut objects: Vec<Vec<u8>> = Vec::new();
    // 1: catalog, 2: pages; then per page: page, content, image.
    let n = pages.len();
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + i * 3)).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes());
    for (i, page) in pages.iter().enumerate() {
        let (w, h) = page.dimensions();
        let (pw, ph) = (w as f32 * 72.0 / dpi as f32, h as f32 * 72.0 / dpi as f32);
        let page_id = 3 + i * 3;
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {pw:.2} {ph:.2}] /Resources << /XObject << /Im0 {} 0 R >> >> /Contents {} 0 R >>",
                page_id + 2,
                page_id + 1
            )
            .into_bytes(),
        );
        let content = format!("q {pw:.2} 0 0 {ph:.2} 0 0 cm /Im0 Do Q");
        objects.push(stream(
            &format!("<< /Length {} >>", content.len()),
            content.as_bytes(),
        ));
        let cs = if grey { "/DeviceGray" } else { "/DeviceRGB" };
        let (filter, data) = match jpeg {
            Some(q) => {
                let mut out = Vec::new();
                let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q);
                let r = if grey {
                    let g = image::DynamicImage::ImageRgb8(page.clone()).to_luma8();
                    enc.encode_image(&g)
                } else {
                    enc.encode_image(page)
                };
                r.map_err(|e| e.to_string())?;
                ("/DCTDecode", out)
            }
            None => {
                use std::io::Write;
                let raw: Vec<u8> = if grey {
                    page.pixels().map(|p| p[0]).collect()
                } else {
                    page.as_raw().clone()
                };
                let mut z =
                    flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
                z.write_all(&raw).map_err(|e| e.to_string())?;
                ("/FlateDecode", z.finish().map_err(|e| e.to_string())?)
            }
        };
        objects.push(stream(
            &format!(
                "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace {cs} /BitsPerComponent 8 /Filter {filter} /Length {} >>",
                data.len()
            ),
            &data,
        ));
    }
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    Ok(out)
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut o = dict.as_bytes().to_vec();
    o.extend_from_slice(b"\nstream\n");
    o.extend_from_slice(data);
    o.extend_from_slice(b"\nendstream");
    o
}

/// The box (pixels at `dpi`, top-left origin) of the first table drawn on page
/// `number` of a text PDF: where a seal goes.
pub fn table_box(pdf: &[u8], number: u32, dpi: u32) -> Option<[u32; 4]> {
    let d = gongkai_pdf::page_drawing(pdf, number).ok()?;
    let long: Vec<&(f32, f32, f32)> = d.hrules.iter().filter(|r| r.2 - r.1 > 100.0).collect();
    if long.len() < 3 {
        return None;
    }
    let top = long.iter().map(|r| r.0).fold(f32::NEG_INFINITY, f32::max);
    let bottom = long.iter().map(|r| r.0).fold(f32::INFINITY, f32::min);
    let x0 = long.iter().map(|r| r.1).fold(f32::INFINITY, f32::min);
    let x1 = long.iter().map(|r| r.2).fold(f32::NEG_INFINITY, f32::max);
    let k = dpi as f32 / 72.0;
    Some([
        (x0 * k) as u32,
        ((d.height - top) * k) as u32,
        (x1 * k) as u32,
        ((d.height - bottom) * k) as u32,
    ])
}

/// The scanned set of a folder: every PDF of `source` that has `truth/<stem>.json`,
/// as `<stem>-<dpi>dpi-<variant>.pdf` in `out` with its truth copied to `out/truth`.
/// Returns the files written.
pub fn scan_folder(
    source: &Path,
    out: &Path,
    dpi: u32,
    variant: &str,
    d: &Degradation,
) -> Result<Vec<std::path::PathBuf>, String> {
    std::fs::create_dir_all(out.join("truth")).map_err(|e| e.to_string())?;
    let mut pdfs: Vec<std::path::PathBuf> = std::fs::read_dir(source)
        .map_err(|e| format!("{}: {e}", source.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf")))
        .collect();
    pdfs.sort();
    let mut written = Vec::new();
    for (i, pdf) in pdfs.iter().enumerate() {
        let Some(stem) = pdf.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let truth = source.join("truth").join(format!("{stem}.json"));
        if !truth.is_file() {
            continue;
        }
        let name = format!("{stem}-{dpi}dpi-{variant}");
        let bytes = scan_pdf(pdf, dpi, d, i as u64 + dpi as u64 * 1000)?;
        let target = out.join(format!("{name}.pdf"));
        std::fs::write(&target, bytes).map_err(|e| e.to_string())?;
        std::fs::copy(&truth, out.join("truth").join(format!("{name}.json")))
            .map_err(|e| e.to_string())?;
        written.push(target);
    }
    Ok(written)
}

/// A text PDF as a scan: rendered at `dpi`, degraded, wrapped. `seed` fixes the noise,
/// the skew and where the seal goes.
pub fn scan_pdf(pdf_path: &Path, dpi: u32, d: &Degradation, seed: u64) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(pdf_path).map_err(|e| e.to_string())?;
    let pages = rasterise(pdf_path, dpi)?;
    let mut rng = Rng::new(seed);
    let mut sealed = false;
    let out: Vec<RgbImage> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            // One seal per document, on the first page with a table.
            let table = if sealed {
                None
            } else {
                table_box(&bytes, i as u32 + 1, dpi)
            };
            sealed |= table.is_some();
            degrade(p, d, table, &mut rng)
        })
        .collect();
    image_pdf(&out, dpi, d.jpeg, d.grey)
}
