//! Any bytes through ingest (every format) → parse → check → canonical JSON: must never panic.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(loaded) = gongkai_ingest::load_bytes(std::path::Path::new("fuzz.txt"), data) else {
        return;
    };
    let parsed = match &loaded.content {
        gongkai_ingest::Content::Text(t) => gongkai_parse::parse_text("fuzz.txt", t.clone()),
        gongkai_ingest::Content::Document(d) => gongkai_parse::parse_document("fuzz.txt", d),
    };
    common::parse_check_and_write(parsed);
});
