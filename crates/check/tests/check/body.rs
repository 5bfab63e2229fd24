//! B001, B002, B003 — with real sentences from real reports.

use gongkai_check::{check, Selection};
use gongkai_model::schema::{ActiveColumnKey as AC, ActiveRowKey as AR, SectionKind};
use gongkai_model::{Location, Value};

use crate::support::*;

/// Seed 000's table 四: 2 reviews (2 corrected), 2 lawsuits (1 corrected, 1 other).
const SEED000_REVIEW: [[i64; 5]; 3] = [[0, 2, 0, 0, 2], [0, 1, 1, 0, 2], [0; 5]];

#[test]
fn b001_seed000_no_requests_but_table_shows_nine() {
    let overview = "2021年，区政府办坚持以习近平新时代中国特色社会主义思想为指导。\n\
        （二）依申请公开。严格按照《中华人民共和国政府信息公开条例》规定，完善区级依申请公开案件处理流程；\
        同时组织学习《江苏省政府\n信息公开申请办理答复规范》，进一步提升答复文书规范化水平。本年度区政府办未收到依申请公开事项。";
    let doc = Builder::default()
        .overview(overview)
        .review(SEED000_REVIEW)
        .build();
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["B001"]);
    assert_eq!(
        f[0].message,
        "正文称“本年度区政府办未收到依申请公开事项”，但表三「一、本年新收」总计为9"
    );
    assert!(
        f[0].notes
            .contains(&"表四显示行政复议2件、行政诉讼2件".to_string()),
        "{:?}",
        f[0].notes
    );
    // Primary label at the prose span, then the table cell.
    let Some(Location::Text { start, end, .. }) = f[0].labels[0].location.clone() else {
        panic!("no prose location: {:?}", f[0].labels);
    };
    assert_eq!(
        &doc.text[start as usize..end as usize],
        "本年度区政府办未收到依申请公开事项"
    );
    assert_eq!(f[0].labels[1].message, "一、本年新收 总计 9");
    assert!(f[0].labels[1].location.is_some());
}

#[test]
fn b001_without_locator_points_at_the_cell() {
    let doc = Builder::default()
        .overview("本年度区政府办未收到依申请公开事项。")
        .build();
    let f = check(&doc.report, None, &Selection::all());
    assert_eq!(codes(&f), vec!["B001"]);
    assert!(f[0].labels[0].location.is_none());
    assert!(f[0].location().is_some());
}

#[test]
fn b001_seed004_nothing_received_no_review_all_zero() {
    // After normalisation the Kangxi radicals of the PDF text layer are ordinary ideographs.
    let doc = Builder::for_year(2022)
        .overview(
            "2022年，涧西区人民政府办公室认真学习贯彻党的二十大精神。\n\
             二、依申请公开情况\n\
             我办安排专人办理依申请公开，对群众依申请公开来件认真梳理，规范答复群\n\
             众依申请公开申请。2022年，我办未收到群众依申请公开申请，未引起行政复议和行政诉讼。",
        )
        .zero_tables()
        .build();
    assert!(run(&doc).is_empty(), "{:#?}", run(&doc));
    // The same sentence with reviews in table 四: one finding per contradiction.
    let doc = Builder::for_year(2022)
        .overview("2022年，我办未收到群众依申请公开申请，未引起行政复议和行政诉讼。")
        .zero_tables()
        .review(SEED000_REVIEW)
        .build();
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["B001", "B001"]);
    assert_eq!(
        messages(&f),
        vec![
            "正文称“未引起行政复议和行政诉讼”，但表四「行政复议」总计为2",
            "正文称“未引起行政复议和行政诉讼”，但表四行政诉讼总计为2（未经复议直接起诉2件、复议后起诉0件）",
        ]
    );
}

#[test]
fn b001_seed001_received_75() {
    let s = "根据《条例》有关规定，督导各级各部门不断规范依申请公开办理流程，依法依规做好政府信息依申请公开工作。\
             全年共受理依申请公开75件，均在法定期限内予以答复，未向申请人收取任何费用。";
    let doc = Builder::default().overview(s).received(75).build();
    assert!(run(&doc).is_empty(), "{:#?}", run(&doc));
    // With 9 in the table.
    let doc = Builder::default().overview(s).build();
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["B001"]);
    assert_eq!(
        f[0].message,
        "正文称“全年共受理依申请公开75件”，但表三「一、本年新收」总计为9（加上年结转1件为10）"
    );
    assert!(
        f[0].notes.contains(&"75 ≠ 9，75 ≠ 9 + 1".to_string()),
        "{:?}",
        f[0].notes
    );
}

#[test]
fn b001_seed002_channels_are_not_totals() {
    let s = "3．依申请公开办理情况：截止2021年底共受理政府信息公开申请1件，其中当面申请0件，传真申请0件，网络申请1件，信函申请0件。";
    let doc = Builder::default().overview(s).received(1).build();
    assert!(run(&doc).is_empty(), "{:#?}", run(&doc));
    let doc = Builder::default().overview(s).build();
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["B001"]);
    assert!(f[0]
        .message
        .starts_with("正文称“截止2021年底共受理政府信息公开申请1件”"));
}

#[test]
fn b001_received_patterns() {
    for (s, n, year) in [
        ("共受理政府信息公开申请1件。", 1, 2021),
        ("受理政府信息公开申请17件。", 17, 2021),
        (
            "2023年全区受理政府信息公开申请21件，均在法定期限答复。",
            21,
            2023,
        ),
        (
            "2024 年,区政府办代表区政府受理政府\n信息公开申请 17 件,均已在法定期限内予以答复。",
            17,
            2024,
        ),
    ] {
        let doc = Builder::for_year(year).overview(s).received(n).build();
        assert!(run_only(&doc, &["B"]).is_empty(), "{s}");
        let doc = Builder::for_year(year).overview(s).received(n + 78).build();
        let f = run_only(&doc, &["B"]);
        assert_eq!(codes(&f), vec!["B001"], "{s}");
        assert!(
            f[0].notes.contains(&format!("正文：{n}件")),
            "{:?}",
            f[0].notes
        );
    }
}

#[test]
fn b001_received_may_include_carried_over() {
    // 新收 9 + 上年结转 1 = 10.
    let doc = Builder::default()
        .overview("全年共受理政府信息公开申请10件（含上年结转1件）。")
        .build();
    assert!(run(&doc).is_empty(), "{:#?}", run(&doc));
}

#[test]
fn b001_review_and_litigation_counts() {
    // Table 四 of the default report: 2 reviews, 1 lawsuit.
    let doc = Builder::default()
        .overview("本年度因政府信息公开发生行政复议案件3件、行政诉讼2件。")
        .build();
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["B001", "B001"]);
    assert_eq!(
        messages(&f),
        vec![
            "正文称“本年度因政府信息公开发生行政复议案件3件、行政诉讼2件”，但表四「行政复议」总计为2",
            "正文称“本年度因政府信息公开发生行政复议案件3件、行政诉讼2件”，但表四行政诉讼总计为1（未经复议直接起诉1件、复议后起诉0件）",
        ]
    );
    assert!(f[0].notes.contains(&"3 ≠ 2".to_string()));
    assert!(f[1]
        .notes
        .contains(&"表四行政诉讼总计：1 + 0 = 1".to_string()));
    // Consistent counts, and qualified counts that are not totals.
    let doc = Builder::default()
        .overview(
            "发生行政复议案件2件，行政诉讼1件。全年未发生因依申请公开被行政复议纠错或行政诉讼败诉情形。\
             行政复议被纠错1件。",
        )
        .build();
    assert!(run(&doc).is_empty(), "{:#?}", run(&doc));
}

#[test]
fn b001_negative_review_statement() {
    let doc = Builder::default()
        .overview("全年未发生因政府信息公开引起的行政复议、行政诉讼。")
        .build();
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["B001", "B001"]);
    assert!(f[0].message.contains("表四「行政复议」总计为2"));
    assert!(f[1].message.contains("表四行政诉讼总计为1"));
}

#[test]
fn b001_carry_over_and_forward() {
    let doc = Builder::default()
        .overview("本年度上年结转1件，结转下年度继续办理1件。")
        .build();
    assert!(run(&doc).is_empty(), "{:#?}", run(&doc));
    let doc = Builder::default()
        .overview("本年度上年结转3件，结转下年度继续办理2件。")
        .build();
    assert_eq!(
        messages(&run(&doc)),
        vec![
            "正文称“本年度上年结转3件”，但表三「二、上年结转」总计为1",
            "正文称“结转下年度继续办理2件”，但表三「四、结转下年度继续办理」总计为1",
        ]
    );
}

#[test]
fn b001_other_years_and_cumulative_counts_are_ignored() {
    let doc = Builder::default()
        .overview(
            "2021年，本机关扎实推进政府信息公开工作。2020年，共受理政府信息公开申请5件。累计受理政府信息公开申请300件。\
             通过网络受理政府信息公开申请3件。政务服务中心受理各类申请3000件。",
        )
        .build();
    assert!(run(&doc).is_empty(), "{:#?}", run(&doc));
}

#[test]
fn b001_same_claim_twice_is_one_finding() {
    let doc = Builder::default()
        .overview("全年共受理政府信息公开申请12件。")
        .problems("全年共受理政府信息公开申请12件，答复及时率有待提高。")
        .build();
    assert_eq!(codes(&run(&doc)), vec!["B001"]);
}

#[test]
fn b001_table_sections_are_not_searched() {
    // The text of table sections is never read as prose.
    let mut doc = consistent();
    if let Some(s) = doc
        .report
        .sections
        .iter_mut()
        .find(|s| s.kind == SectionKind::Requests)
    {
        s.body.push_str("本年度未收到依申请公开事项。");
    }
    assert!(run(&doc).is_empty());
}

#[test]
fn b002_fees_in_table_two_but_section_six_silent() {
    let doc = Builder::default().fees("12372.0506").other("无").build();
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["B002"]);
    assert_eq!(
        f[0].message,
        "「六、其他需要报告的事项」未说明收费情况，但表二「行政事业性收费」本年收费金额为12372.0506万元"
    );
    assert_eq!(f[0].labels[0].message, "此部分未提及收费");
    assert_eq!(f[0].labels[1].message, "本年收费金额 12372.0506");
    // Seed 001: section 六 says 本年度未收取信息处理费 — fine.
    let doc = Builder::default().fees("12372.0506").build();
    assert!(run(&doc).is_empty());
    // Zero fees, silent section 六 — fine.
    let doc = Builder::default().other("无").build();
    assert!(run(&doc).is_empty());
}

#[test]
fn b002_fee_items_in_the_2019_table() {
    let mut doc = Builder::for_year(2020)
        .other("无其他需要报告的事项。")
        .build();
    active_2019_zeros(&mut doc.report);
    to_2019_layout(&mut doc.report);
    assert!(run(&doc).is_empty());
    active_cell(&mut doc.report, AR::Fees, AC::PreviousItems).value = Some(Value::Count(35));
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["B002"]);
    assert!(
        f[0].message.contains("上一年项目数量与本年增/减合计为35项"),
        "{}",
        f[0].message
    );
}

#[test]
fn b002_prose_mentions_charging() {
    let doc = Builder::default()
        .overview("全年共受理政府信息公开申请9件，按规定收取信息处理费200元。")
        .other("无")
        .build();
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["B002"]);
    assert!(
        f[0].message.contains("正文提到“按规定收取信息处理费200元”"),
        "{}",
        f[0].message
    );
    for negated in [
        "全年共受理依申请公开9件，未向申请人收取任何费用。",
        "均未向申请人收取信息处理费。",
        "全年收取政府信息公开信息处理费0元。",
    ] {
        let doc = Builder::default().overview(negated).other("无").build();
        assert!(run_only(&doc, &["B002"]).is_empty(), "{negated}");
    }
    // No section 六: S001's business.
    let mut doc = Builder::default().fees("5").build();
    doc.report.sections.retain(|s| s.kind != SectionKind::Other);
    assert_eq!(codes(&run(&doc)), vec!["S001"]);
}

#[test]
fn b003_presenting_another_years_report() {
    let doc = Builder::default()
        .overview("2021年，城改办认真贯彻落实条例。现将我办2020年度政府信息公开工作报告如下：")
        .build();
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["B003"]);
    assert_eq!(
        f[0].message,
        "报告的开场白“现将我办2020年度政府信息公开工作报告”写的是2020年，与报告年度2021年不符"
    );
    assert_eq!(f[0].notes[0], "2020 ≠ 2021");
    // Seed 002's sentence, right year.
    let doc = Builder::default()
        .overview("2021年，城改办认真贯彻落实条例。现将我办2021年度政府信息公开工作报告如下：")
        .build();
    assert!(run(&doc).is_empty());
}

#[test]
fn b003_title_line_and_opening() {
    let doc = Builder::default()
        .overview(&format!(
            "{AGENCY}2020年政府信息公开工作年度报告\n2020年，本机关扎实推进政府信息公开工作。"
        ))
        .build();
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["B003", "B003"]);
    assert!(
        f[0].message.starts_with("正文中重复的报告标题"),
        "{}",
        f[0].message
    );
    assert!(
        f[1].message.starts_with("总体情况的开头“2020年”"),
        "{}",
        f[1].message
    );
    // The right year: nothing.
    let doc = Builder::default()
        .overview(&format!(
            "{AGENCY}2021年政府信息公开工作年度报告\n2021年，本机关扎实推进政府信息公开工作。"
        ))
        .build();
    assert!(run(&doc).is_empty());
}

#[test]
fn b003_period_and_as_of() {
    let doc = Builder::default()
        .overview("本报告所列数据的统计期限自2020年1月1日起至2020年12月31日止。截至2018年底，累计公开信息500条。")
        .build();
    let f = run(&doc);
    assert_eq!(codes(&f), vec!["B003", "B003"]);
    assert!(f[0].message.starts_with("统计期限"));
    assert!(f[1].message.starts_with("“截至”的时点"));
}

#[test]
fn b003_other_years_mentioned_legitimately() {
    let doc = Builder::default()
        .overview(
            "2021年，我市按照《关于印发2021年政务公开工作要点的通知》扎实安排各项工作。\
             要求各责任单位认真编制本单位2021年政府信息公开工作年度报告。\
             按时发布2020年政府信息公开工作年度报告。截至2020年底，全市政务新媒体共7个。",
        )
        .problems(
            "下一步，将对2022年政务公开工作进行认真研究和周密部署，力争截至2023年底全面完成。",
        )
        .build();
    assert!(run(&doc).is_empty(), "{:#?}", run(&doc));
}

#[test]
fn b_rules_need_the_year_and_tables() {
    let mut doc = Builder::default()
        .overview("现将我办2020年度政府信息公开工作报告如下：本年度未收到依申请公开事项。")
        .build();
    doc.report.year = None;
    doc.report.requests = None;
    doc.report.review = None;
    assert!(run_only(&doc, &["B"]).is_empty());
}
