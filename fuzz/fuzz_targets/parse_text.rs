//! Any bytes through ingest (every format) → parse → check → canonical JSON: must never panic.
#![no_main]

use gongkai_model::{canonical_json, CanonicalOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(loaded) = gongkai_ingest::load_bytes(std::path::Path::new("fuzz.txt"), data) else {
        return;
    };
    let parsed = match &loaded.content {
        gongkai_ingest::Content::Text(t) => gongkai_parse::parse_text("fuzz.txt", t.clone()),
        gongkai_ingest::Content::Document(d) => gongkai_parse::parse_document("fuzz.txt", d),
    };
    let Ok(parsed) = parsed else {
        return;
    };
    let findings = gongkai_check::check(
        &parsed.report,
        Some(&parsed.source),
        &gongkai_check::Selection::all(),
    );
    let _ = canonical_json(
        &parsed.report,
        CanonicalOptions {
            provenance: true,
            sections: true,
        },
    );
    // Every location must point inside the original text.
    let len = parsed.source.original().len() as u32;
    for f in &findings {
        for l in &f.labels {
            if let Some(gongkai_model::Location::Text { start, end, .. }) = &l.location {
                assert!(start <= end && *end <= len);
            }
        }
    }
});
