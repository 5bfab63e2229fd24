//! Pixel work on synthetic pages: skew found and removed, ruling lines found where they
//! were drawn, whatever the angle, the resolution and the noise.

use gongkai_ocr::raster::{skew, Gray};
use gongkai_ocr::rules;
use proptest::prelude::*;

/// A page with a ruled table (`rows` × `cols`) and lines of "text" (short dashes) above.
fn ruled_page(w: u32, h: u32, rows: u32, cols: u32) -> (Gray, Vec<u32>, Vec<u32>) {
    let mut g = Gray::new(w, h, 255);
    let (x0, x1) = (w / 10, w * 9 / 10);
    let (y0, y1) = (h / 3, h * 9 / 10);
    let ys: Vec<u32> = (0..=rows).map(|i| y0 + (y1 - y0) * i / rows).collect();
    let xs: Vec<u32> = (0..=cols).map(|i| x0 + (x1 - x0) * i / cols).collect();
    for &y in &ys {
        for x in x0..=x1 {
            for t in 0..3 {
                g.set(x, y + t, 0);
            }
        }
    }
    for &x in &xs {
        for y in y0..=y1 + 2 {
            for t in 0..3 {
                g.set(x + t, y, 0);
            }
        }
    }
    // Text lines: dashes of character size.
    for line in 0..8 {
        let y = h / 12 + line * (h / 40);
        let mut x = x0;
        while x + 20 < x1 {
            for dx in 0..16 {
                for dy in 0..12 {
                    if (dx + dy) % 5 < 3 {
                        g.set(x + dx, y + dy, 0);
                    }
                }
            }
            x += 22;
        }
    }
    (g, xs, ys)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn skew_is_found_within_a_tenth_of_a_degree(angle in -2.5f32..2.5) {
        let (page, _, _) = ruled_page(1200, 1600, 6, 5);
        let turned = page.rotated(angle);
        let bits = turned.binarised(turned.otsu());
        let found = skew(&bits, 3.0);
        prop_assert!((found - angle).abs() < 0.1, "drawn {angle}, found {found}");
    }

    #[test]
    fn the_rules_drawn_are_the_rules_found(rows in 2u32..12, cols in 2u32..9, noise in 0u8..40) {
        let (mut page, xs, ys) = ruled_page(1240, 1754, rows, cols);
        // Speckle of grey levels that never reach the ink threshold.
        for (i, p) in page.pixels.iter_mut().enumerate() {
            if *p == 255 {
                *p = 255 - ((i as u32).wrapping_mul(2654435761) % (noise as u32 + 1)) as u8;
            }
        }
        let bits = page.binarised(page.otsu());
        let found = rules::find(&bits, 150.0);
        prop_assert_eq!(found.horizontal.len(), ys.len());
        prop_assert_eq!(found.vertical.len(), xs.len());
        for (r, y) in found.horizontal.iter().zip(&ys) {
            prop_assert!((r.pos - (*y as f32 + 1.0)).abs() <= 1.0);
        }
        for (r, x) in found.vertical.iter().zip(&xs) {
            prop_assert!((r.pos - (*x as f32 + 1.0)).abs() <= 1.0);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever a file or a PDF stores, decoding gives an error or a whole image.
    #[test]
    fn decoding_never_panics(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        width in 1u32..64,
        height in 1u32..64,
        bits in prop::sample::select(vec![1u8, 2, 4, 8, 16]),
        components in 1u8..5,
        palette in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..64)),
        k in -1i32..2,
    ) {
        if let Ok((g, _)) = gongkai_ocr::decode_file(&bytes) {
            prop_assert_eq!(g.pixels.len(), g.width as usize * g.height as usize);
        }
        for data in [
            gongkai_pdf::ImageData::Jpeg(bytes.clone()),
            gongkai_pdf::ImageData::Raw {
                width,
                height,
                bits,
                components,
                palette: palette.clone().map(|p| (3, p)),
                inverted: k > 0,
                data: bytes.clone(),
            },
            gongkai_pdf::ImageData::Ccitt {
                width,
                height,
                k,
                black_is_1: false,
                data: bytes.clone(),
            },
        ] {
            if let Ok(g) = gongkai_ocr::decode_pdf_image(&data) {
                prop_assert_eq!(g.pixels.len(), g.width as usize * g.height as usize);
            }
        }
    }
}

/// A cell's image: a stroke of writing (black, with grey anti-aliased edges and a thin
/// grey spur joined to it), the light remains of a seal, and specks of noise.
fn cell_with_remains(
    w: u32,
    h: u32,
    stroke_x: u32,
    seal: (u32, u32, u32, u32, u8),
    specks: &[(u32, u32)],
) -> Gray {
    let mut g = Gray::new(w, h, 255);
    for y in 10..h - 10 {
        for x in stroke_x..stroke_x + 6 {
            g.set(x, y, 0);
        }
        g.set(stroke_x - 1, y, 175);
        g.set(stroke_x + 6, y, 175);
    }
    // A thin spur too light to be ink, touching the stroke (the diagonal of a 4).
    for x in stroke_x + 7..stroke_x + 10 {
        g.set(x, h / 2, 170);
    }
    let (sx0, sy0, sx1, sy1, grey) = seal;
    for y in sy0..sy1 {
        for x in sx0..sx1 {
            g.set(x, y, grey);
        }
    }
    for &(x, y) in specks {
        g.set(x, y, 20);
    }
    g
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Writing is kept to its last grey pixel; the remains of a seal (a large piece
    /// that never reaches the ink's dark core) and specks of noise turn white.
    #[test]
    fn only_the_writing_is_kept(
        stroke_x in 12u32..30,
        seal_x in 60u32..90,
        seal_grey in 100u8..130,
        specks in proptest::collection::vec((45u32..55, 5u32..75), 0..6),
    ) {
        let (w, h) = (120u32, 80u32);
        let seal = (seal_x, 20, seal_x + 25, 60, seal_grey);
        let g = cell_with_remains(w, h, stroke_x, seal, &specks);
        let threshold = 160;
        let core = 60;
        let kept = g.ink_only(threshold, core, 9, 4);
        for y in 0..h {
            for x in 0..w {
                let v = g.get(x, y);
                let near_stroke = x + 4 >= stroke_x && x <= stroke_x + 10 && (6..h - 6).contains(&y);
                if near_stroke {
                    prop_assert_eq!(kept.get(x, y), v, "writing at ({}, {})", x, y);
                } else {
                    prop_assert_eq!(kept.get(x, y), 255, "remains at ({}, {})", x, y);
                }
            }
        }
    }
}

#[test]
fn the_ink_core_lies_between_the_inks_median_and_the_threshold() {
    let mut g = Gray::new(10, 10, 255);
    for (i, p) in g.pixels.iter_mut().take(30).enumerate() {
        *p = if i < 20 { 10 } else { 120 };
    }
    // Ink: twenty pixels at 10, ten at 120; median 10, threshold 150 → 80.
    assert_eq!(g.ink_core(150), 80);
    assert_eq!(Gray::new(4, 4, 255).ink_core(150), 150);
}
