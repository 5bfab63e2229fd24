//! V001, V002.

use gongkai_model::schema::{
    ActiveColumnKey as AC, ActiveRowKey as AR, RequestColumn as C, RequestRowKey as R,
    ReviewColumn, ReviewGroup,
};
use gongkai_model::{Cell, Origin, Value};

use crate::support::*;

#[test]
fn v001_one_blank_cell() {
    let mut doc = consistent();
    set3(&mut doc.report, R::NewReceived, C::NaturalPerson, None);
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["V001"]);
    assert_eq!(
        f[0].message,
        "表三「一、本年新收」行有1个空白单元格：自然人"
    );
    assert_eq!(f[0].labels.len(), 1);
    assert_eq!(f[0].labels[0].message, "自然人 空");
    assert!(f[0].labels[0].location.is_some());
}

#[test]
fn v001_grouped_per_row_and_group() {
    let mut doc = consistent();
    let r = &mut doc.report;
    set3(r, R::DeniedStateSecret, C::CommercialEnterprise, None);
    set3(r, R::DeniedStateSecret, C::OtherOrg, None);
    for c in C::ALL {
        set3(r, R::UnableStillUnclear, c, None);
    }
    set4(
        r,
        ReviewGroup::LitigationAfterReview,
        ReviewColumn::Upheld,
        None,
    );
    set4(
        r,
        ReviewGroup::LitigationAfterReview,
        ReviewColumn::Total,
        None,
    );
    active_cell(r, AR::Licensing, AC::Decisions).value = None;
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["V001", "V001", "V001", "V001"]);
    assert_eq!(
        messages(&f),
        vec![
            "表二「行政许可」行有1个空白单元格：本年处理决定数量",
            "表三「（三）不予公开·1.属于国家秘密」行有2个空白单元格：商业企业、其他",
            "表三「（四）无法提供·3.补正后申请内容仍不明确」行全部空白：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计",
            "表四「行政诉讼·复议后起诉」有2个空白单元格：结果维持、总计",
        ]
    );
    assert_eq!(f[1].labels.len(), 2);
    assert_eq!(f[2].labels.len(), 7);
}

#[test]
fn v001_whole_table_blank_is_one_finding() {
    let mut doc = consistent();
    if let Some(t) = doc.report.requests.as_mut() {
        for row in &mut t.rows {
            for c in &mut row.cells {
                c.value = None;
            }
        }
    }
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["V001"]);
    assert_eq!(f[0].message, "表三全部空白");
    // One label per row (25 rows of the 2021 layout).
    assert_eq!(f[0].labels.len(), 25);
    assert_eq!(f[0].notes[0], "共175个单元格空白");
}

#[test]
fn v001_ignores_not_found_and_inferred_cells() {
    let mut doc = consistent();
    *req_cell(&mut doc.report, R::NewReceived, C::NaturalPerson) = Cell::not_found();
    *req_cell(&mut doc.report, R::Granted, C::NaturalPerson) = Cell {
        value: Some(Value::Count(4)),
        origin: Origin::Inferred,
        ..Cell::default()
    };
    *rev_cell(&mut doc.report, ReviewGroup::Review, ReviewColumn::Other) = Cell {
        value: None,
        origin: Origin::Inferred,
        ..Cell::default()
    };
    assert!(run_only(&doc, &["V001"]).is_empty());
    assert!(run_only(&consistent(), &["V"]).is_empty());
}

#[test]
fn v002_invalid_text() {
    let mut doc = consistent();
    active_cell(&mut doc.report, AR::NormativeDocuments, AC::Repealed).value =
        Some(Value::Invalid("若干".into()));
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["V002"]);
    assert_eq!(
        f[0].message,
        "表二「行政规范性文件」「本年废止件数」的值“若干”不是有效数字"
    );
    assert_eq!(f[0].labels[0].message, "无效值 若干");
}

#[test]
fn v002_negative_count() {
    let mut doc = consistent();
    set3(&mut doc.report, R::CarriedOver, C::NaturalPerson, Some(-1));
    set3(&mut doc.report, R::CarriedOver, C::Total, Some(-1));
    let f = run_only(&doc, &["V"]);
    assert_eq!(codes(&f), vec!["V002", "V002"]);
    assert_eq!(
        f[0].message,
        "表三「二、上年结转」行「自然人」列为负数-1：件数不能为负"
    );
    // A fractional count printed in a count column.
    let mut doc = consistent();
    set4(
        &mut doc.report,
        ReviewGroup::Review,
        ReviewColumn::Other,
        None,
    );
    rev_cell(&mut doc.report, ReviewGroup::Review, ReviewColumn::Other).value =
        Some(Value::Amount("1.5".into()));
    let f = run_only(&doc, &["V002"]);
    assert_eq!(codes(&f), vec!["V002"]);
    assert!(f[0].message.contains("不是整数"), "{}", f[0].message);
}

#[test]
fn v002_signed_count_may_be_negative() {
    let mut doc = consistent();
    active_2019_zeros(&mut doc.report);
    active_cell(&mut doc.report, AR::Licensing, AC::Change).value = Some(Value::Count(-3));
    assert!(run_only(&doc, &["V"]).is_empty());
    // But not a negative 上一年项目数量.
    active_cell(&mut doc.report, AR::Licensing, AC::PreviousItems).value = Some(Value::Count(-3));
    let f = run_only(&doc, &["V"]);
    assert_eq!(codes(&f), vec!["V002"]);
    assert!(f[0].message.contains("上一年项目数量"));
}

#[test]
fn v002_amounts() {
    for ok in ["0", "12372.0506", "75394432.52元", "3.5万元", "-1.2"] {
        let mut doc = Builder::default().fees(ok).build();
        assert!(run_only(&doc, &["V002"]).is_empty(), "{ok}");
        active_cell(&mut doc.report, AR::Fees, AC::Amount10kYuan).value =
            Some(Value::Amount("约1.2万元".into()));
        let f = run_only(&doc, &["V002"]);
        assert_eq!(codes(&f), vec!["V002"]);
        assert_eq!(
            f[0].message,
            "表二「行政事业性收费」「本年收费金额（单位：万元）」的金额“约1.2万元”不是数字"
        );
    }
}

#[test]
fn v001_ignores_cells_of_an_ambiguous_row() {
    let mut doc = consistent();
    for c in C::ALL {
        set3(&mut doc.report, R::Granted, c, None);
    }
    assert_eq!(codes(&run_only(&doc, &["V001"])), vec!["V001"]);
    doc.report.doubts.push(gongkai_model::Doubt {
        kind: gongkai_model::DoubtKind::AmbiguousRow,
        message: "表三「（一）予以公开」行应有7个数值，读到14个，无法确定各自所属的列，未采用"
            .into(),
        location: None,
        cells: C::ALL
            .iter()
            .map(|&column| gongkai_model::CellRef::Request {
                row: R::Granted,
                column,
            })
            .collect(),
        notes: vec![],
    });
    assert_eq!(codes(&run(&doc)), vec!["X003"]);
}
