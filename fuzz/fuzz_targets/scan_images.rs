//! Any bytes as a scanned page, without the OCR engine: an image file decoded, a PDF's
//! page images taken out and decoded, the page binarised, deskewed and its ruling lines
//! found. Must never panic, and stay within the pixel limit.
#![no_main]

use libfuzzer_sys::fuzz_target;

fn pixel_work(g: &gongkai_ocr::Gray) {
    // Keep runs short: the work is the same on a crop.
    let g = g.crop(0, 0, g.width.min(600), g.height.min(600));
    let bits = g.binarised(g.otsu());
    let skew = gongkai_ocr::raster::skew(&bits, 3.0);
    assert!(skew.is_finite() && skew.abs() <= 3.0 + 1e-3);
    let rules = gongkai_ocr::rules::find(&bits, 150.0);
    for r in rules.horizontal.iter().chain(&rules.vertical) {
        assert!(r.lo <= r.hi && r.pos.is_finite());
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok((g, dpi)) = gongkai_ocr::decode_file(data) {
        assert!(dpi.is_none_or(|d| d.is_finite()));
        assert_eq!(g.pixels.len(), g.width as usize * g.height as usize);
        pixel_work(&g);
    }
    let pdf: std::borrow::Cow<[u8]> = if data.starts_with(b"%PDF-") {
        data.into()
    } else {
        [b"%PDF-1.7\n".as_slice(), data].concat().into()
    };
    if let Ok(pages) = gongkai_pdf::scanned_pages(&pdf) {
        for p in pages {
            if let Ok(image) = p.image {
                if let Ok(g) = gongkai_ocr::decode_pdf_image(&image.data) {
                    pixel_work(&g);
                }
            }
        }
    }
});
