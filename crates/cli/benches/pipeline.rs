//! Parse + check of each bundled seed report, on one thread.
//!
//! Run: `cargo bench -p gongkai --bench pipeline`. The README states the figures.

use std::path::PathBuf;

use gongkai_check::Selection;

fn main() {
    divan::main();
}

const SEEDS: [&str; 5] = [
    "000_bdef848fa1eb37a7",
    "001_80982073e3dd5082",
    "002_d134efd7659efa26",
    "003_bdcd87e779cdd68c",
    "004_5f1b2c2b9a4fad93",
];

fn seed_text(stem: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/seeds")
        .join(format!("{stem}.txt"));
    std::fs::read_to_string(path).expect("seed")
}

/// Normalise, recognise and check one report (what `gongkai check` does per file after reading it).
#[divan::bench(args = SEEDS)]
fn parse_and_check(bencher: divan::Bencher, stem: &str) {
    let text = seed_text(stem);
    let selection = Selection::all();
    bencher.bench(|| {
        let parsed = gongkai_parse::parse_text(stem, divan::black_box(text.clone())).unwrap();
        gongkai_check::check(&parsed.report, Some(&parsed.source), &selection)
    });
}

/// Recognition alone.
#[divan::bench(args = SEEDS)]
fn parse_only(bencher: divan::Bencher, stem: &str) {
    let text = seed_text(stem);
    bencher.bench(|| gongkai_parse::parse_text(stem, divan::black_box(text.clone())).unwrap());
}

/// Crawled one-line text (the page's textContent, cells run together), from
/// `../shared/corpus-web`: cut into lines, tables split by their arithmetic, checked.
const ONE_LINE: [&str; 2] = ["pingtan_zone_2024-flat.txt", "pingtan_zone_2019-flat.txt"];

#[divan::bench(args = ONE_LINE)]
fn one_line_parse_and_check(bencher: divan::Bencher, file: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus-web")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (the benchmark reads ../shared)", path.display()));
    let selection = Selection::all();
    bencher.bench(|| {
        let parsed = gongkai_parse::parse_text(file, divan::black_box(text.clone())).unwrap();
        gongkai_check::check(&parsed.report, Some(&parsed.source), &selection)
    });
}
