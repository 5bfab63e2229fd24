//! Grey page images: decoding what scanners and PDFs store, binarising, deskewing,
//! scaling. Pure pixel work, no recognition.

use gongkai_pdf::ImageData;

/// An 8-bit grey image, 0 black, 255 white, rows top to bottom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gray {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// Largest image decoded (pixels).
pub const MAX_PIXELS: u64 = 100_000_000;

impl Gray {
    pub fn new(width: u32, height: u32, fill: u8) -> Gray {
        Gray {
            width,
            height,
            pixels: vec![fill; width as usize * height as usize],
        }
    }

    #[inline]
    pub fn get(&self, x: u32, y: u32) -> u8 {
        self.pixels[y as usize * self.width as usize + x as usize]
    }

    #[inline]
    pub fn set(&mut self, x: u32, y: u32, v: u8) {
        let w = self.width as usize;
        self.pixels[y as usize * w + x as usize] = v;
    }

    /// A rectangle copied out (clipped to the image).
    pub fn crop(&self, x0: u32, y0: u32, x1: u32, y1: u32) -> Gray {
        let (x1, y1) = (x1.min(self.width), y1.min(self.height));
        let (x0, y0) = (x0.min(x1), y0.min(y1));
        let mut out = Gray::new(x1 - x0, y1 - y0, 255);
        for y in y0..y1 {
            let src = &self.pixels[y as usize * self.width as usize + x0 as usize
                ..y as usize * self.width as usize + x1 as usize];
            let dst_start = (y - y0) as usize * out.width as usize;
            out.pixels[dst_start..dst_start + src.len()].copy_from_slice(src);
        }
        out
    }

    /// `other` drawn with its top-left corner at `(x, y)` (clipped).
    pub fn paste(&mut self, other: &Gray, x: u32, y: u32) {
        for oy in 0..other.height {
            let ty = y + oy;
            if ty >= self.height {
                break;
            }
            for ox in 0..other.width {
                let tx = x + ox;
                if tx >= self.width {
                    break;
                }
                self.set(tx, ty, other.get(ox, oy));
            }
        }
    }

    /// The image as a binary PGM file (what the engine is given on its standard input).
    pub fn to_pgm(&self) -> Vec<u8> {
        let mut out = format!("P5\n{} {}\n255\n", self.width, self.height).into_bytes();
        out.extend_from_slice(&self.pixels);
        out
    }

    /// The image as a PNG file (for showing a scanned page).
    pub fn to_png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let encoder = image::codecs::png::PngEncoder::new(&mut out);
        // A buffer of width × height bytes always encodes.
        let _ = image::ImageEncoder::write_image(
            encoder,
            &self.pixels,
            self.width,
            self.height,
            image::ExtendedColorType::L8,
        );
        out
    }

    /// Resampled by `factor` (area average going down, bilinear going up).
    pub fn scaled(&self, factor: f32) -> Gray {
        let w = ((self.width as f32 * factor).round() as u32).max(1);
        let h = ((self.height as f32 * factor).round() as u32).max(1);
        let mut out = Gray::new(w, h, 255);
        let inv = 1.0 / factor;
        if factor < 1.0 {
            for y in 0..h {
                let sy0 = (y as f32 * inv) as u32;
                let sy1 = (((y + 1) as f32 * inv) as u32).clamp(sy0 + 1, self.height);
                for x in 0..w {
                    let sx0 = (x as f32 * inv) as u32;
                    let sx1 = (((x + 1) as f32 * inv) as u32).clamp(sx0 + 1, self.width);
                    let (mut sum, mut n) = (0u32, 0u32);
                    for sy in sy0..sy1.min(self.height) {
                        for sx in sx0..sx1.min(self.width) {
                            sum += self.get(sx, sy) as u32;
                            n += 1;
                        }
                    }
                    out.set(x, y, (sum / n.max(1)) as u8);
                }
            }
        } else {
            for y in 0..h {
                let fy = ((y as f32 + 0.5) * inv - 0.5).max(0.0);
                for x in 0..w {
                    let fx = ((x as f32 + 0.5) * inv - 0.5).max(0.0);
                    out.set(x, y, self.bilinear(fx, fy));
                }
            }
        }
        out
    }

    fn bilinear(&self, fx: f32, fy: f32) -> u8 {
        if fx < 0.0 || fy < 0.0 || fx > (self.width - 1) as f32 || fy > (self.height - 1) as f32 {
            return 255;
        }
        let (x0, y0) = (fx.floor() as u32, fy.floor() as u32);
        let (x1, y1) = ((x0 + 1).min(self.width - 1), (y0 + 1).min(self.height - 1));
        let (ax, ay) = (fx - x0 as f32, fy - y0 as f32);
        let p = |x, y| self.get(x, y) as f32;
        let top = p(x0, y0) * (1.0 - ax) + p(x1, y0) * ax;
        let bottom = p(x0, y1) * (1.0 - ax) + p(x1, y1) * ax;
        (top * (1.0 - ay) + bottom * ay).round().clamp(0.0, 255.0) as u8
    }

    /// Turned by `degrees` (counter-clockwise positive) about the centre, same size,
    /// white where nothing was.
    pub fn rotated(&self, degrees: f32) -> Gray {
        let (s, c) = degrees.to_radians().sin_cos();
        let (cx, cy) = (self.width as f32 / 2.0, self.height as f32 / 2.0);
        let mut out = Gray::new(self.width, self.height, 255);
        for y in 0..self.height {
            let dy = y as f32 - cy;
            for x in 0..self.width {
                let dx = x as f32 - cx;
                // The source of an output pixel: the inverse rotation (image y runs down).
                let sx = c * dx - s * dy + cx;
                let sy = s * dx + c * dy + cy;
                out.set(x, y, self.bilinear(sx, sy));
            }
        }
        out
    }

    /// Otsu's threshold: the grey level that best separates ink from paper.
    pub fn otsu(&self) -> u8 {
        let mut hist = [0u64; 256];
        for &p in &self.pixels {
            hist[p as usize] += 1;
        }
        let total = self.pixels.len() as f64;
        let sum: f64 = hist
            .iter()
            .enumerate()
            .map(|(i, &n)| i as f64 * n as f64)
            .sum();
        let (mut sum_b, mut w_b, mut best, mut best_t) = (0.0, 0.0, -1.0, 127u8);
        for (t, &n) in hist.iter().enumerate() {
            w_b += n as f64;
            if w_b == 0.0 {
                continue;
            }
            let w_f = total - w_b;
            if w_f == 0.0 {
                break;
            }
            sum_b += t as f64 * n as f64;
            let (m_b, m_f) = (sum_b / w_b, (sum - sum_b) / w_f);
            let between = w_b * w_f * (m_b - m_f) * (m_b - m_f);
            if between > best {
                best = between;
                best_t = t as u8;
            }
        }
        best_t
    }

    /// The grey below which a page's ink is its dark core: halfway between the median
    /// of the pixels at or below `threshold` and the threshold. Every printed stroke,
    /// even a thin one drawn in grey by anti-aliasing, reaches it; what is left of a
    /// dropped-out seal, JPEG blocks around it and shadows do not.
    pub fn ink_core(&self, threshold: u8) -> u8 {
        let mut hist = [0u64; 256];
        for &p in self.pixels.iter().filter(|&&p| p <= threshold) {
            hist[p as usize] += 1;
        }
        let total: u64 = hist.iter().sum();
        let mut seen = 0;
        for (v, &n) in hist.iter().enumerate() {
            seen += n;
            if seen * 2 >= total && total > 0 {
                return ((v as u16 + threshold as u16) / 2) as u8;
            }
        }
        threshold
    }

    /// Only the ink that is writing, on white: of the pixels at or below `threshold`,
    /// the connected pieces (8-neighbours) of at least `min_area` pixels that reach
    /// the dark core (`core` or darker) are kept with `margin` pixels around them;
    /// everything else — specks of noise, the light remains of a seal, the
    /// grey of paper — turns white. By hysteresis, as an edge detector keeps edges.
    pub fn ink_only(&self, threshold: u8, core: u8, min_area: usize, margin: usize) -> Gray {
        let (w, h) = (self.width as usize, self.height as usize);
        let ink = self.binarised(threshold).ink;
        let mut kept = vec![false; w * h];
        let mut seen = vec![false; w * h];
        let mut piece: Vec<usize> = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        for start in 0..w * h {
            if !ink[start] || seen[start] {
                continue;
            }
            piece.clear();
            seen[start] = true;
            stack.push(start);
            let mut reaches_core = false;
            while let Some(i) = stack.pop() {
                piece.push(i);
                reaches_core |= self.pixels[i] <= core;
                let (x, y) = (i % w, i / w);
                for ny in y.saturating_sub(1)..=(y + 1).min(h - 1) {
                    for nx in x.saturating_sub(1)..=(x + 1).min(w - 1) {
                        let j = ny * w + nx;
                        if ink[j] && !seen[j] {
                            seen[j] = true;
                            stack.push(j);
                        }
                    }
                }
            }
            if reaches_core && piece.len() >= min_area {
                for &i in &piece {
                    kept[i] = true;
                }
            }
        }
        // Kept pieces grown by `margin` in every direction (a square, row then column):
        // a stroke's grey edge, and a thin stroke too light to be ink (the diagonal of
        // a 4 scaled up from 150 dpi), stay with the piece they belong to.
        let grow = |mask: &[bool], len: usize, stride: usize, lines: usize, step: usize| {
            let mut out = vec![false; mask.len()];
            for line in 0..lines {
                let at = |k: usize| line * step + k * stride;
                let mut last: Option<usize> = None;
                for k in 0..len {
                    if mask[at(k)] {
                        last = Some(k);
                    }
                    if last.is_some_and(|l| k - l <= margin) {
                        out[at(k)] = true;
                    }
                }
                let mut next: Option<usize> = None;
                for k in (0..len).rev() {
                    if mask[at(k)] {
                        next = Some(k);
                    }
                    if next.is_some_and(|n| n - k <= margin) {
                        out[at(k)] = true;
                    }
                }
            }
            out
        };
        let across = grow(&kept, w, 1, h, w);
        let near = grow(&across, h, w, w, 1);
        let mut out = Gray::new(self.width, self.height, 255);
        for (i, &n) in near.iter().enumerate() {
            if n {
                out.pixels[i] = self.pixels[i];
            }
        }
        out
    }

    /// The image with `pad` pixels of white paper around it.
    pub fn padded(&self, pad: u32) -> Gray {
        let mut out = Gray::new(self.width + 2 * pad, self.height + 2 * pad, 255);
        out.paste(self, pad, pad);
        out
    }

    /// Ink (true) where darker than the threshold.
    pub fn binarised(&self, threshold: u8) -> Bits {
        Bits {
            width: self.width,
            height: self.height,
            ink: self.pixels.iter().map(|&p| p <= threshold).collect(),
        }
    }
}

/// A binary image: ink or paper.
#[derive(Clone, Debug)]
pub struct Bits {
    pub width: u32,
    pub height: u32,
    pub ink: Vec<bool>,
}

impl Bits {
    #[inline]
    pub fn at(&self, x: u32, y: u32) -> bool {
        self.ink[y as usize * self.width as usize + x as usize]
    }
}

/// The page's skew in degrees (counter-clockwise positive), within ±`limit`: the angle
/// at which the ink's row profile is sharpest (text lines and rules line up).
pub fn skew(bits: &Bits, limit: f32) -> f32 {
    // Every other pixel of every row: every row, or a profile binned by single rows
    // would favour 0° (all points on even rows, half the bins empty).
    let mut points: Vec<(f32, f32)> = Vec::new();
    for y in 0..bits.height {
        for x in (0..bits.width).step_by(2) {
            if bits.at(x, y) {
                points.push((x as f32, y as f32));
            }
        }
    }
    if points.len() < 100 {
        return 0.0;
    }
    let score = |deg: f32| -> f64 {
        let t = deg.to_radians().tan();
        let n = bits.height as usize + bits.width as usize + 2;
        let offset = bits.width as f32;
        let mut rows = vec![0u32; n];
        for &(x, y) in &points {
            // A point on a line skewed by `deg` (y runs down, counter-clockwise positive
            // lifts the right end) lands on the line's row once sheared back.
            let r = (y + x * t + offset) as usize;
            if let Some(c) = rows.get_mut(r) {
                *c += 1;
            }
        }
        rows.iter().map(|&c| (c as f64) * (c as f64)).sum()
    };
    let mut best = (0.0f32, score(0.0));
    let mut step = 0.5f32;
    let mut lo = -limit;
    let mut hi = limit;
    // Coarse to fine: half a degree, then a tenth, then a fortieth around the best.
    for _ in 0..3 {
        let mut a = lo;
        while a <= hi + 1e-4 {
            let s = score(a);
            if s > best.1 {
                best = (a, s);
            }
            a += step;
        }
        lo = best.0 - step;
        hi = best.0 + step;
        step /= 5.0;
    }
    best.0
}

/// Why an image could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

/// Grey of an RGB pixel by its lightest channel: black ink stays black, a red (or blue)
/// seal stamped over the table turns light and drops out, as a form scanner's colour
/// dropout does.
#[inline]
fn dropout(r: u8, g: u8, b: u8) -> u8 {
    r.max(g).max(b)
}

/// An image file (PNG, JPEG, TIFF …) as grey, with the resolution it states (dots per
/// inch, when it states one).
pub fn decode_file(bytes: &[u8]) -> Result<(Gray, Option<f32>), DecodeError> {
    let format = image::guess_format(bytes)
        .map_err(|e| DecodeError(format!("无法识别的图像格式（{e}）")))?;
    let dpi = stated_dpi(bytes, format);
    Ok((decoded(bytes, format, "图像")?, dpi))
}

/// `bytes` of a known format decoded within the pixel limit, as grey; `what` names the
/// image in the error.
fn decoded(bytes: &[u8], format: image::ImageFormat, what: &str) -> Result<Gray, DecodeError> {
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| DecodeError(format!("{what}无法解码（{e}）")))?;
    Ok(from_dynamic(&img))
}

fn from_dynamic(img: &image::DynamicImage) -> Gray {
    let rgb = img.to_rgb8();
    let (w, h) = rgb.dimensions();
    Gray {
        width: w,
        height: h,
        pixels: rgb.pixels().map(|p| dropout(p[0], p[1], p[2])).collect(),
    }
}

/// The resolution an image file states: PNG `pHYs`, JPEG JFIF density, TIFF
/// `XResolution`. Files that say nothing get `None` (the caller assumes an A4 page).
fn stated_dpi(bytes: &[u8], format: image::ImageFormat) -> Option<f32> {
    match format {
        image::ImageFormat::Png => {
            let at = bytes.windows(4).position(|w| w == b"pHYs")?;
            let d = bytes.get(at + 4..at + 13)?;
            let ppu = u32::from_be_bytes([d[0], d[1], d[2], d[3]]) as f32;
            (d[8] == 1 && ppu > 0.0).then_some(ppu * 0.0254)
        }
        image::ImageFormat::Jpeg => {
            let at = bytes.windows(5).position(|w| w == b"JFIF\0")?;
            let d = bytes.get(at + 7..at + 12)?;
            let x = u16::from_be_bytes([d[1], d[2]]) as f32;
            match d[0] {
                1 if x > 0.0 => Some(x),
                2 if x > 0.0 => Some(x * 2.54),
                _ => None,
            }
        }
        _ => None,
    }
}

/// An image taken out of a PDF, as grey.
pub fn decode_pdf_image(data: &ImageData) -> Result<Gray, DecodeError> {
    match data {
        ImageData::Jpeg(bytes) => decoded(bytes, image::ImageFormat::Jpeg, "JPEG图像"),
        ImageData::Raw {
            width,
            height,
            bits,
            components,
            palette,
            inverted,
            data,
        } => Ok(raw(
            *width,
            *height,
            *bits,
            *components,
            palette.as_ref(),
            *inverted,
            data,
        )),
        ImageData::Ccitt {
            width,
            height,
            k,
            data,
            ..
        } => ccitt(*width, *height, *k, data),
    }
}

fn raw(
    width: u32,
    height: u32,
    bits: u8,
    components: u8,
    palette: Option<&(u8, Vec<u8>)>,
    inverted: bool,
    data: &[u8],
) -> Gray {
    let row_bytes = (width as usize * components as usize * bits as usize).div_ceil(8);
    let max = ((1u32 << bits.min(16)) - 1) as f32;
    let sample = |row: &[u8], i: usize| -> u32 {
        match bits {
            8 => row.get(i).copied().unwrap_or(0) as u32,
            16 => row.get(i * 2).copied().unwrap_or(0) as u32 * 257,
            b => {
                let bit = i * b as usize;
                let byte = row.get(bit / 8).copied().unwrap_or(0) as u32;
                (byte >> (8 - b as usize - bit % 8)) & ((1 << b) - 1)
            }
        }
    };
    let scale = if bits == 16 { 65535.0 } else { max };
    let mut out = Gray::new(width, height, 255);
    for y in 0..height as usize {
        let row = data.get(y * row_bytes..(y + 1) * row_bytes).unwrap_or(&[]);
        for x in 0..width as usize {
            let v = match palette {
                Some((base, table)) => {
                    let idx = sample(row, x) as usize;
                    let at = idx * *base as usize;
                    let c = |k: usize| table.get(at + k).copied().unwrap_or(255);
                    match base {
                        3 => dropout(c(0), c(1), c(2)),
                        4 => 255 - c(3).max(c(0).min(c(1)).min(c(2))),
                        _ => c(0),
                    }
                }
                None => {
                    let n = |k: usize| {
                        (sample(row, x * components as usize + k) as f32 / scale * 255.0) as u8
                    };
                    match components {
                        3 => dropout(n(0), n(1), n(2)),
                        4 => {
                            let (c, m, yy, k) = (n(0), n(1), n(2), n(3));
                            // Black ink is K (or all of CMY); a red seal is M+Y only.
                            255 - k.max(c.min(m).min(yy))
                        }
                        _ => n(0),
                    }
                }
            };
            out.set(x as u32, y as u32, if inverted { 255 - v } else { v });
        }
    }
    out
}

fn ccitt(width: u32, height: u32, k: i32, data: &[u8]) -> Result<Gray, DecodeError> {
    let (Ok(w), Ok(h)) = (u16::try_from(width), u16::try_from(height)) else {
        return Err(DecodeError("传真编码图像过大".into()));
    };
    let mut out = Gray::new(width, height, 255);
    let mut y = 0u32;
    let mut put = |transitions: &[u16]| {
        if y >= height {
            return;
        }
        for (x, colour) in fax::decoder::pels(transitions, w).enumerate() {
            // Runs decode as black or white whatever `BlackIs1` says: that flag only
            // says which bit value the filter writes for black.
            if matches!(colour, fax::Color::Black) && (x as u32) < width {
                out.set(x as u32, y, 0);
            }
        }
        y += 1;
    };
    let ok = if k < 0 {
        fax::decoder::decode_g4(data.iter().copied(), w, Some(h), &mut put).is_some()
    } else {
        fax::decoder::decode_g3(data.iter().copied(), &mut put).is_some()
    };
    if !ok && y == 0 {
        return Err(DecodeError("传真编码（CCITT）图像无法解码".into()));
    }
    Ok(out)
}
