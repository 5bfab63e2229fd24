//! Any bytes through ingest (every format) → parse → check → canonical JSON, as the
//! pipeline reads a file: must never panic.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::parse_check_and_write(gongkai_pipeline::parse_bytes(
        std::path::Path::new("fuzz.txt"),
        data,
        &gongkai_pipeline::Metadata::default(),
    ));
});
