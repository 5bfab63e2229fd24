//! S001–S006.

use gongkai_model::schema::{Edition, SectionKind};
use gongkai_model::Severity;

use crate::support::*;

fn legacy(year: i32) -> Doc {
    let mut doc = Builder::for_year(year).build();
    doc.report.edition = Some(Edition::Legacy);
    doc.report.active = None;
    doc.report.requests = None;
    doc.report.review = None;
    doc.report
        .sections
        .retain(|s| s.kind == SectionKind::Overview);
    doc
}

#[test]
fn s001_missing_section() {
    let mut doc = consistent();
    doc.report
        .sections
        .retain(|s| s.kind != SectionKind::Problems);
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["S001"]);
    assert_eq!(f[0].message, "缺少「五、存在的主要问题及改进情况」部分");
    assert!(run_only(&consistent(), &["S001"]).is_empty());
}

#[test]
fn s001_every_missing_section_once() {
    let mut doc = consistent();
    doc.report.sections.clear();
    let f = run_only(&doc, &["S001"]);
    assert_eq!(f.len(), 6);
}

#[test]
fn s002_section_order() {
    let mut doc = consistent();
    doc.report.sections.swap(1, 2);
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["S002"]);
    assert_eq!(
        f[0].message,
        "各部分的顺序与国家格式不一致：文中依次为一、三、二、四、五、六"
    );
    assert_eq!(f[0].severity, Severity::Warning);
    assert_eq!(
        f[0].labels[0].message,
        "「二、主动公开政府信息情况」出现在「三、收到和处理政府信息公开申请情况」之后"
    );
    // The heading printed twice is not an order problem.
    let mut doc = consistent();
    let first = doc.report.sections[0].clone();
    doc.report.sections.insert(1, first);
    assert!(run_only(&doc, &["S002"]).is_empty());
}

#[test]
fn s003_missing_table() {
    let mut doc = consistent();
    doc.report.requests = None;
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["S003"]);
    assert_eq!(f[0].message, "缺少表三「收到和处理政府信息公开申请情况」");
    assert_eq!(f[0].labels[0].message, "此部分中未找到统计表");
    let mut doc = consistent();
    doc.report.active = None;
    doc.report.review = None;
    assert_eq!(
        messages(&run(&doc)),
        vec![
            "缺少表二「主动公开政府信息情况」",
            "缺少表四「政府信息公开行政复议、行政诉讼情况」"
        ]
    );
    assert!(run_only(&consistent(), &["S003"]).is_empty());
}

#[test]
fn s004_empty_section() {
    let doc = Builder::default().other("").build();
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["S004"]);
    assert_eq!(
        f[0].message,
        "「六、其他需要报告的事项」部分只有标题，没有正文"
    );
    let doc = Builder::default().problems("  \n\u{3000}").build();
    assert_eq!(codes(&run(&doc)), vec!["S004"]);
    // "无" is not empty.
    let doc = Builder::default().other("无").build();
    assert!(run(&doc).is_empty());
}

#[test]
fn s005_table2_on_the_2019_edition() {
    let mut doc = consistent();
    active_2019_zeros(&mut doc.report);
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["S005"]);
    assert_eq!(
        f[0].message,
        "表二使用了2019年版格式（国办公开办函〔2019〕60号），2021年度报告应使用2021年版格式（国办公开办函〔2021〕30号）"
    );
}

#[test]
fn s005_table3_single_other_handling_row() {
    // Table 二 in the 2021 edition, table 三 still printing the single （六）其他处理 row.
    let mut doc = Builder::for_year(2023)
        .overview("2023年全区受理政府信息公开申请9件，均在法定期限答复。")
        .build();
    to_2019_layout(&mut doc.report);
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["S005"]);
    assert_eq!(
        f[0].message,
        "表三使用了2019年版格式（国办公开办函〔2019〕60号）（“（六）其他处理”印为一行），2023年度报告应使用2021年版格式（国办公开办函〔2021〕30号）"
    );
    assert!(f[0].notes.iter().any(|n| n.contains("两张表的版本不一致")));
    assert!(f[0].labels[0].location.is_some());
}

#[test]
fn s005_both_tables_old_is_two_findings() {
    let mut doc = consistent();
    active_2019_zeros(&mut doc.report);
    to_2019_layout(&mut doc.report);
    let f = run_only(&doc, &["S005"]);
    assert_eq!(f.len(), 2);
    assert!(f.iter().any(|x| x.message.starts_with("表二")));
    assert!(f.iter().any(|x| x.message.starts_with("表三")));
}

#[test]
fn s005_2020_report_on_the_2019_tables_passes() {
    let mut doc = Builder::for_year(2020).build();
    active_2019_zeros(&mut doc.report);
    to_2019_layout(&mut doc.report);
    assert!(run(&doc).is_empty());
    // And a 2020 report on the 2021 tables does not.
    let doc = Builder::for_year(2020).build();
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["S005", "S005"]);
    assert!(f[0].message.contains("2020年度报告应使用2019年版格式"));
}

#[test]
fn s005_legacy_layout_for_a_recent_year() {
    let doc = legacy(2021);
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["S005", "S006"]);
    assert_eq!(
        f[0].message,
        "2021年度报告使用了2019年以前的旧格式，应使用2021年版格式（国办公开办函〔2021〕30号）"
    );
}

#[test]
fn s005_needs_the_year() {
    let mut doc = consistent();
    active_2019_zeros(&mut doc.report);
    doc.report.year = None;
    assert!(run_only(&doc, &["S005"]).is_empty());
}

#[test]
fn s006_legacy_report() {
    let doc = legacy(2012);
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["S006"]);
    assert_eq!(f[0].message, "2019年以前的旧格式报告：不按标准表格解析");
    assert_eq!(f[0].severity, Severity::Info);
    // Structure rules are skipped for legacy reports (no S001/S003 for the missing parts).
    assert!(run_only(&doc, &["S001", "S002", "S003", "S004"]).is_empty());
    assert!(run_only(&consistent(), &["S006"]).is_empty());
}
