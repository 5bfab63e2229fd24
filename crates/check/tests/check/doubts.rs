//! X001–X004: the parser's doubts as extraction findings.

use gongkai_model::schema::{RequestColumn as C, RequestRowKey as R};
use gongkai_model::{CellRef, Doubt, DoubtKind, FindingKind, Location, Origin, Severity};

use crate::support::*;

fn doubt(kind: DoubtKind, message: &str, cells: Vec<CellRef>) -> Doubt {
    Doubt {
        kind,
        message: message.to_string(),
        location: Some(Location::Text {
            start: 0,
            end: 3,
            line: 40,
            column: 1,
            end_column: 4,
        }),
        cells,
        notes: vec!["11 + 1 + 0 + 0 + 0 + ? = 12 → ? = 0".to_string()],
    }
}

#[test]
fn x001_inferred_value() {
    let mut doc = consistent();
    let r = CellRef::Request {
        row: R::PartiallyGranted,
        column: C::OtherOrg,
    };
    req_cell(&mut doc.report, R::PartiallyGranted, C::OtherOrg).origin = Origin::Inferred;
    doc.report.doubts.push(doubt(
        DoubtKind::InferredValue,
        "表三「（二）部分公开」行只有6个数字，「其他」列按行合计推算为0",
        vec![r],
    ));
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["X001"]);
    let x = &f[0];
    assert_eq!(x.name, "inferred-value");
    assert_eq!(x.kind, FindingKind::Extraction);
    assert_eq!(x.severity, Severity::Warning);
    assert_eq!(
        x.message,
        "表三「（二）部分公开」行只有6个数字，「其他」列按行合计推算为0"
    );
    assert_eq!(x.notes, vec!["11 + 1 + 0 + 0 + 0 + ? = 12 → ? = 0"]);
    assert_eq!(x.labels.len(), 2);
    assert_eq!(x.labels[0].message, "推算值");
    assert_eq!(x.labels[1].cell, Some(r));
    assert_eq!(x.labels[1].message, "表三「（二）部分公开」行「其他」列 0");
    assert!(x.labels[1].location.is_some());
}

#[test]
fn x002_x003_x004_one_finding_per_doubt() {
    let mut doc = consistent();
    doc.report.doubts.push(doubt(
        DoubtKind::UnrecognisedRow,
        "表二中的“其他主动公开文件”不是国家格式的行",
        vec![],
    ));
    doc.report.doubts.push(doubt(
        DoubtKind::AmbiguousRow,
        "表三「一、本年新收」行的数字无法确定对应的列",
        vec![],
    ));
    doc.report.doubts.push(doubt(
        DoubtKind::RowNotFound,
        "表三中未找到「（五）不予处理·2.重复申请」行",
        vec![CellRef::Request {
            row: R::NotProcessedRepeated,
            column: C::Total,
        }],
    ));
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["X002", "X003", "X004"]);
    assert!(f.iter().all(|x| x.kind == FindingKind::Extraction));
    assert_eq!(f[0].name, "unrecognised-row");
    assert_eq!(f[1].name, "ambiguous-row");
    assert_eq!(f[2].name, "row-not-found");
    // Ignoring the whole family.
    let sel = gongkai_check::Selection::new(&[], &["X".to_string()]).expect("valid");
    assert!(gongkai_check::check(&doc.report, Some(&doc), &sel).is_empty());
}

#[test]
fn no_doubts_no_findings() {
    assert!(run_only(&consistent(), &["X"]).is_empty());
}
