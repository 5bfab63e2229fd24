//! Any bytes through the PDF reader → parse → check → canonical JSON: must never panic,
//! and every PDF location must be a finite box on an existing page.
#![no_main]

#[path = "common.rs"]
mod common;

use gongkai_model::Location;
use libfuzzer_sys::fuzz_target;

fn check_location(l: &Location) {
    if let Location::Pdf {
        page,
        x0,
        y0,
        x1,
        y1,
    } = l
    {
        assert!(*page >= 1 && *page as usize <= gongkai_pdf::MAX_PAGES);
        assert!([x0, y0, x1, y1].iter().all(|v| v.is_finite()));
        assert!(x0 <= x1 && y0 <= y1);
    }
}

fuzz_target!(|data: &[u8]| {
    // Inputs without the header only reach the first check: give them one.
    let bytes: std::borrow::Cow<[u8]> = if data.starts_with(b"%PDF-") {
        data.into()
    } else {
        [b"%PDF-1.7\n".as_slice(), data].concat().into()
    };
    let Ok(doc) = gongkai_pdf::read(&bytes) else {
        return;
    };
    doc.locations().for_each(check_location);
    common::parse_check_and_write(gongkai_parse::parse_document("fuzz.pdf", &doc));
});
