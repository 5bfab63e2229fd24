//! A101, A102, A103, A201.

use gongkai_model::schema::{RequestColumn as C, RequestRowKey as R, ReviewColumn, ReviewGroup};
use gongkai_model::{CellRef, FindingKind, Severity};

use crate::support::*;

#[test]
fn a101_column_balance_fails_per_column() {
    let mut doc = consistent();
    let r = &mut doc.report;
    // Natural persons: 7 new + 0 carried, but 6 processed + 0 forward; the row totals and
    // the outcome sums stay consistent, so only the balance fails (natural persons and 总计).
    set3(r, R::CarriedOver, C::NaturalPerson, Some(0));
    set3(r, R::CarriedOver, C::Total, Some(0));
    set3(r, R::CarriedForward, C::NaturalPerson, Some(0));
    set3(r, R::CarriedForward, C::Total, Some(0));
    set3(r, R::Granted, C::NaturalPerson, Some(3));
    set3(r, R::Granted, C::Total, Some(4));
    set3(r, R::TotalProcessed, C::NaturalPerson, Some(6));
    set3(r, R::TotalProcessed, C::Total, Some(8));
    let f = run_only(&doc, &["A"]);
    assert_eq!(codes(&f), vec!["A101", "A101"]);
    assert_eq!(f[0].notes[0], "7 + 0 ≠ 6 + 0");
    assert_eq!(f[1].notes[0], "9 + 0 ≠ 8 + 0");
    assert!(
        f[0].message.contains("表三「自然人」列"),
        "{}",
        f[0].message
    );
    assert!(f[1].message.contains("表三「总计」列"), "{}", f[1].message);
    assert_eq!(f[0].name, "table3-column-balance");
    assert_eq!(f[0].kind, FindingKind::Document);
    assert_eq!(f[0].severity, Severity::Error);
    // Four labels, one per cell involved, with the cells' locations.
    let labels: Vec<&str> = f[0].labels.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(
        labels,
        vec![
            "一、本年新收 7",
            "二、上年结转 0",
            "（七）总计 6",
            "四、结转下年度继续办理 0"
        ]
    );
    assert!(f[0].labels.iter().all(|l| l.location.is_some()));
    assert_eq!(
        f[0].labels[0].cell,
        Some(CellRef::Request {
            row: R::NewReceived,
            column: C::NaturalPerson
        })
    );
}

#[test]
fn a101_forward_changed_in_one_column() {
    let mut doc = consistent();
    set3(
        &mut doc.report,
        R::CarriedForward,
        C::NaturalPerson,
        Some(2),
    );
    set3(&mut doc.report, R::CarriedForward, C::Total, Some(2));
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["A101", "A101"]);
    assert_eq!(f[0].notes[0], "7 + 1 ≠ 7 + 2");
    assert_eq!(f[1].notes[0], "9 + 1 ≠ 9 + 2");
}

#[test]
fn a101_passes_and_skips_blank_or_invalid() {
    let doc = consistent();
    assert!(run_only(&doc, &["A101"]).is_empty());
    // A blank cell: the column is skipped (V001 reports the blank).
    let mut doc = consistent();
    set3(&mut doc.report, R::CarriedForward, C::NaturalPerson, None);
    set3(&mut doc.report, R::CarriedForward, C::Total, None);
    assert_eq!(codes(&run(&doc)), vec!["V001"]);
    // An invalid cell: skipped too (V002 reports it).
    let mut doc = consistent();
    req_cell(&mut doc.report, R::NewReceived, C::NaturalPerson).value =
        Some(gongkai_model::Value::Invalid("若干".into()));
    assert_eq!(codes(&run(&doc)), vec!["V002"]);
}

#[test]
fn a102_row_total() {
    let mut doc = consistent();
    set3(&mut doc.report, R::Granted, C::Total, Some(6));
    let f = run_only(&doc, &["A102"]);
    assert_eq!(codes(&f), vec!["A102"]);
    assert_eq!(f[0].notes, vec!["4 + 1 + 0 + 0 + 0 + 0 ≠ 6"]);
    assert_eq!(
        f[0].message,
        "表三「（一）予以公开」行的总计与各类申请人之和不符：六类申请人合计5，「总计」列为6"
    );
    assert_eq!(f[0].labels.len(), 7);
    assert_eq!(f[0].labels[6].message, "总计 6");
    // The same change also breaks the outcome sum of the 总计 column, and nothing else.
    assert_eq!(codes(&run(&doc)), vec!["A102", "A103"]);
    // Passing case.
    assert!(run_only(&consistent(), &["A102"]).is_empty());
}

#[test]
fn a103_outcome_total() {
    let mut doc = consistent();
    set3(&mut doc.report, R::Granted, C::NaturalPerson, Some(5));
    set3(&mut doc.report, R::Granted, C::Total, Some(6));
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["A103", "A103"]);
    assert_eq!(f[0].notes[0], "5 + 1 + 1 + 1 + 0 + 0 ≠ 7");
    assert_eq!(f[1].notes[0], "6 + 1 + 1 + 1 + 1 + 0 ≠ 9");
    assert!(
        f[0].notes[1].contains("（一）予以公开 5"),
        "{}",
        f[0].notes[1]
    );
    assert!(f[0].message.contains("表三「自然人」列"));
    // Primary label: the （七）总计 cell; then every outcome cell of the column (21 in 2021).
    assert_eq!(f[0].labels[0].message, "（七）总计 7");
    assert_eq!(f[0].labels.len(), 22);
    assert!(run_only(&consistent(), &["A103"]).is_empty());
}

#[test]
fn a103_uses_the_single_other_handling_row_of_the_2019_layout() {
    let mut doc = consistent();
    to_2019_layout(&mut doc.report);
    assert!(run_only(&doc, &["A"]).is_empty());
    set3(
        &mut doc.report,
        R::OtherHandling,
        C::ResearchInstitution,
        Some(1),
    );
    let f = run_only(&doc, &["A103"]);
    assert_eq!(codes(&f), vec!["A103"]);
    assert_eq!(f[0].notes[0], "0 + 0 + 0 + 0 + 0 + 1 ≠ 0");
    assert_eq!(f[0].labels.len(), 1 + 19);
}

#[test]
fn a103_skipped_when_an_outcome_row_is_missing() {
    let mut doc = consistent();
    set3(&mut doc.report, R::Granted, C::NaturalPerson, Some(5));
    if let Some(t) = doc.report.requests.as_mut() {
        t.rows.retain(|r| r.key != R::NotProcessedRepeated);
    }
    assert!(run_only(&doc, &["A103"]).is_empty());
}

#[test]
fn a201_group_total() {
    let mut doc = consistent();
    set4(
        &mut doc.report,
        ReviewGroup::Review,
        ReviewColumn::Upheld,
        Some(2),
    );
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["A201"]);
    assert_eq!(f[0].notes, vec!["2 + 1 + 0 + 0 ≠ 2"]);
    assert_eq!(
        f[0].message,
        "表四「行政复议」的总计与各项结果之和不符：结果维持、结果纠正、其他结果、尚未审结合计3，总计为2"
    );
    let labels: Vec<&str> = f[0].labels.iter().map(|l| l.message.as_str()).collect();
    assert_eq!(
        labels,
        vec![
            "结果维持 2",
            "结果纠正 1",
            "其他结果 0",
            "尚未审结 0",
            "总计 2"
        ]
    );
    // Seed-like case from a real report: 10 + 1 with 总计 0, and 5 with 总计 0.
    let mut doc = consistent();
    let r = &mut doc.report;
    for (g, v) in [
        (ReviewGroup::Review, [10, 1, 0, 0, 0]),
        (ReviewGroup::LitigationDirect, [0, 0, 0, 0, 0]),
        (ReviewGroup::LitigationAfterReview, [5, 0, 0, 0, 0]),
    ] {
        for (c, n) in ReviewColumn::ALL.into_iter().zip(v) {
            set4(r, g, c, Some(n));
        }
    }
    let f = run_only(&doc, &["A201"]);
    assert_eq!(codes(&f), vec!["A201", "A201"]);
    assert_eq!(f[0].notes, vec!["10 + 1 + 0 + 0 ≠ 0"]);
    assert!(f[1].message.contains("行政诉讼·复议后起诉"));
    assert!(run_only(&consistent(), &["A201"]).is_empty());
}

#[test]
fn arithmetic_skips_missing_tables() {
    let mut doc = consistent();
    doc.report.requests = None;
    doc.report.review = None;
    assert!(run_only(&doc, &["A"]).is_empty());
}
