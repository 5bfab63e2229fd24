//! What every fuzz target does once its reader has produced something: check it as the
//! pipeline does, run every rule and write the canonical JSON — none of which may panic —
//! and check that every text location points inside the source.

use gongkai_model::{canonical_json, CanonicalOptions, Location};
use gongkai_parse::Parsed;

pub fn parse_check_and_write(parsed: Result<Parsed, impl std::fmt::Display>) {
    let Ok(parsed) = parsed else {
        return;
    };
    let checked = gongkai_pipeline::check(parsed, &gongkai_check::Selection::all());
    let _ = canonical_json(
        &checked.parsed.report,
        CanonicalOptions {
            provenance: true,
            sections: true,
        },
    );
    let len = checked.parsed.source.original().len() as u32;
    for f in &checked.findings {
        for l in &f.labels {
            if let Some(Location::Text { start, end, .. }) = &l.location {
                assert!(start <= end && *end <= len);
            }
        }
    }
}
