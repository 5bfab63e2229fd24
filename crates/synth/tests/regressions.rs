//! Minimal reproductions of parser and checker bugs found by the property tests.
//! Each fixture in `tests/fixtures/` is the smallest text that shows the problem.

mod support;

use gongkai_check::{check, Selection};
use gongkai_model::schema::RequestRowKey;
use gongkai_model::{DoubtKind, FindingKind, Origin};

fn fixture(name: &str) -> gongkai_parse::Parsed {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    gongkai_parse::parse_text(name, text).expect("parsed")
}

/// The parser's side of `b001_unread_carried_over.txt` is right: 二、上年结转 lost one
/// cell and the arithmetic cannot place it, so the row is left unread with a doubt.
#[test]
fn unread_carried_over_is_a_doubt() {
    let p = fixture("b001_unread_carried_over.txt");
    let t = p.report.requests.as_ref().unwrap();
    let row = t.row(RequestRowKey::CarriedOver).unwrap();
    assert!(row.cells.iter().all(|c| c.origin == Origin::NotFound));
    assert!(p
        .report
        .doubts
        .iter()
        .any(|d| d.kind == DoubtKind::AmbiguousRow && d.message.contains("二、上年结转")));
}

/// Check bug (B001 prose-table-mismatch): "全年共受理政府信息公开申请8件" with 新收 7
/// and 上年结转 1 is consistent (B001 itself accepts 新收 + 上年结转). When the
/// 上年结转 row could not be read, B001 still reports a *document* error "8 ≠ 7": a
/// doubt about the reading becomes a claim that the report is wrong. It should skip
/// the claim when the alternative it accepts cannot be evaluated (carried-over total
/// unread and the claim larger than 新收).
#[test]
fn b001_does_not_judge_what_it_cannot_read() {
    let p = fixture("b001_unread_carried_over.txt");
    let fs = check(&p.report, Some(&p.source), &Selection::all());
    let wrong: Vec<&str> = fs
        .iter()
        .filter(|f| f.kind == FindingKind::Document && f.name == "prose-table-mismatch")
        .map(|f| f.message.as_str())
        .collect();
    assert!(wrong.is_empty(), "{wrong:?}");
}
