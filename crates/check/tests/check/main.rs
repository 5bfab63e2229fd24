//! Integration tests of gongkai-check: every rule on a programmatically built report,
//! the selection, the catalogue and the generated docs.

mod support;

mod arith;
mod body;
mod catalogue;
mod doubts;
mod robust;
mod structure;
mod values;

use gongkai_model::Location;
use support::*;

#[test]
fn consistent_report_has_no_findings() {
    let doc = consistent();
    let findings = run(&doc);
    assert!(findings.is_empty(), "{findings:#?}");
    // Without a locator too.
    let findings = gongkai_check::check(&doc.report, None, &gongkai_check::Selection::all());
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn findings_are_sorted_and_deterministic() {
    let mut doc = consistent();
    // Break several things at once, in several places.
    set4(
        &mut doc.report,
        gongkai_model::schema::ReviewGroup::Review,
        gongkai_model::schema::ReviewColumn::Upheld,
        Some(5),
    );
    set3(
        &mut doc.report,
        gongkai_model::schema::RequestRowKey::Granted,
        gongkai_model::schema::RequestColumn::NaturalPerson,
        None,
    );
    doc.report
        .sections
        .retain(|s| s.kind != gongkai_model::schema::SectionKind::Problems);
    let a = run(&doc);
    let b = run(&doc);
    assert_eq!(a, b);
    assert_eq!(codes(&a), vec!["S001", "V001", "A201"]);
    // Located findings are in line order.
    let lines: Vec<u32> = a
        .iter()
        .filter_map(|f| match f.location() {
            Some(Location::Text { line, .. }) => Some(*line),
            _ => None,
        })
        .collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(lines, sorted);
}
