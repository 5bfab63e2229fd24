//! Property: the messy shapes reports arrive in (spec §8, `../shared/corpus-web`) — a
//! page's `textContent` on one line with its cells run together, Markdown pipes, a body
//! without its title, garbled PDF text — are read cell by cell exactly, or a cell is left
//! blank with a doubt that says why (run-together table-二 cells have no identities to
//! tell them apart): never a wrong value, never a silent blank. The agency and year are
//! read right (without a title: right or not at all), and a clean report draws no
//! document finding. (The page as HTML inside a script: `script_html.rs`.)
//!
//! Each layout runs 256 generated reports (`PROPTEST_CASES` overrides); the variants of a
//! layout (chrome or not, stray spaces or not, …) are drawn per report from its seed.

mod support;

use gongkai_synth::Layout;
use support::{messy, read};

#[test]
fn flat_text() {
    messy::run(Layout::FlatText, 256, read, file!());
}

#[test]
fn pipes() {
    messy::run(Layout::Pipes, 256, read, file!());
}

#[test]
fn body_only() {
    messy::run(Layout::BodyOnly, 256, read, file!());
}

#[test]
fn garbled() {
    messy::run(Layout::Garbled, 256, read, file!());
}

/// Not a test: how far the reading is from the property, per layout and kind of failure
/// (`SURVEY_SEEDS=500 cargo test -p gongkai-synth --test layouts -- --ignored --nocapture survey`).
#[test]
#[ignore]
fn survey() {
    for layout in [
        Layout::FlatText,
        Layout::Pipes,
        Layout::BodyOnly,
        Layout::Garbled,
    ] {
        messy::survey(layout, messy::survey_seeds(), read);
    }
}

/// Not a test: one report's failure in full
/// (`SEED=104 LAYOUT=flat-text cargo test … --test layouts -- --ignored --nocapture one`).
#[test]
#[ignore]
fn one() {
    let (seed, layout) = messy::seed_and_layout(Layout::FlatText);
    messy::show(seed, layout, read);
}
