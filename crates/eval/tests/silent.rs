//! A wrong cell that no doubt names is counted as a silent error; one a doubt of the
//! reading names is not.

use std::path::PathBuf;

use gongkai_model::{CellRef, Doubt, DoubtKind};

fn seed() -> (PathBuf, serde_json::Value) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds");
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("truth/000_bdef848fa1eb37a7.json")).unwrap(),
    )
    .unwrap();
    (root.join("000_bdef848fa1eb37a7.txt"), truth)
}

#[test]
fn a_wrong_cell_is_silent_until_a_doubt_names_it() {
    let (path, mut truth) = seed();
    let checked = gongkai_pipeline::read_and_check(
        &path,
        &gongkai_pipeline::Metadata::default(),
        &gongkai_check::Selection::default(),
        gongkai_pipeline::FILE_TIME_LIMIT,
    )
    .unwrap();
    let mut report = checked.parsed.report.clone();
    let got = gongkai_model::canonical_json(&report, gongkai_model::CanonicalOptions::default());
    let exact = gongkai_eval::compare(&truth, &got).unwrap();
    assert!(gongkai_eval::silent_errors(&report, &checked.findings, &exact).is_empty());

    // The truth says 本年新收 总计 is one more than was read: the reading is wrong there.
    let total = &mut truth["requests"]["rows"]["new_received"][6];
    *total = serde_json::json!(total.as_i64().unwrap() + 1);
    let score = gongkai_eval::compare(&truth, &got).unwrap();
    let silent = gongkai_eval::silent_errors(&report, &checked.findings, &score);
    assert_eq!(silent.len(), 1, "{silent:?}");
    assert!(
        silent[0].starts_with("requests.new_received.total "),
        "{silent:?}"
    );

    let cell = CellRef::from_key("new_received:total").unwrap();
    report.doubts.push(Doubt {
        kind: DoubtKind::Recognised,
        message: "识别存疑".into(),
        location: None,
        cells: vec![cell],
        notes: Vec::new(),
    });
    assert!(gongkai_eval::silent_errors(&report, &checked.findings, &score).is_empty());
}
