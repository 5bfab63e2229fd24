//! Golden tests: the five bundled seed reports parse to exactly their truth tables.

use std::path::PathBuf;

use gongkai_model::{canonical_json, CanonicalOptions, DoubtKind};

fn seeds_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds")
}

fn parse_seed(stem: &str) -> (gongkai_parse::Parsed, serde_json::Value) {
    let dir = seeds_dir();
    let text = std::fs::read_to_string(dir.join(format!("{stem}.txt"))).unwrap();
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(format!("truth/{stem}.json"))).unwrap(),
    )
    .unwrap();
    let parsed = gongkai_parse::parse_text(&format!("{stem}.txt"), text).unwrap();
    (parsed, truth)
}

fn assert_exact(stem: &str) -> gongkai_parse::Parsed {
    let (parsed, truth) = parse_seed(stem);
    let got = canonical_json(&parsed.report, CanonicalOptions::default());
    let score = gongkai_eval::compare(&truth, &got).unwrap();
    assert!(
        score.mismatches.is_empty(),
        "{stem}: {} wrong cells: {:#?}",
        score.mismatches.len(),
        &score.mismatches[..score.mismatches.len().min(10)]
    );
    assert!(
        score.agency_ok,
        "{stem}: agency {:?} vs {:?}",
        got["agency"], truth["agency"]
    );
    assert!(score.year_ok, "{stem}: year");
    assert!(score.edition_ok, "{stem}: edition");
    parsed
}

#[test]
fn seed_000_exact() {
    let p = assert_exact("000_bdef848fa1eb37a7");
    assert_eq!(p.report.sections.len(), 6);
    assert!(p.report.doubts.is_empty(), "{:#?}", p.report.doubts);
}

#[test]
fn seed_001_exact_with_inferred_cells() {
    let p = assert_exact("001_80982073e3dd5082");
    assert_eq!(p.report.sections.len(), 6);
    let inferred = p
        .report
        .doubts
        .iter()
        .filter(|d| d.kind == DoubtKind::InferredValue)
        .count();
    assert_eq!(inferred, p.report.doubts.len(), "{:#?}", p.report.doubts);
    // Rows printed with 6 numbers: every table-三 row from （一） to 四 except the all-zero ones.
    assert_eq!(inferred, 23);
}

#[test]
fn seed_002_exact() {
    let p = assert_exact("002_d134efd7659efa26");
    assert_eq!(p.report.sections.len(), 6);
    assert!(p.report.doubts.is_empty(), "{:#?}", p.report.doubts);
}

#[test]
fn seed_003_exact() {
    let p = assert_exact("003_bdcd87e779cdd68c");
    assert_eq!(p.report.sections.len(), 6);
    assert!(p.report.doubts.is_empty(), "{:#?}", p.report.doubts);
}

#[test]
fn seed_004_exact() {
    let p = assert_exact("004_5f1b2c2b9a4fad93");
    let kinds: Vec<_> = p.report.sections.iter().map(|s| s.kind.number()).collect();
    assert_eq!(kinds, vec![1, 2, 3, 4, 5, 6]);
    assert!(p.report.doubts.is_empty(), "{:#?}", p.report.doubts);
}
