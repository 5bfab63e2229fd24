//! S0xx — the structure of the report: sections, tables, edition of the format.
//!
//! A legacy (pre-2019) report has no standard sections or tables: S001–S004 do not apply
//! to it; S006 says it is legacy and S005 says when a legacy layout is used for a year
//! that requires a standard edition.

use gongkai_model::schema::{Edition, RequestRowKey, SectionKind};
use gongkai_model::{
    Finding, FindingKind, Location, Report, ReportPart, RequestTable, Severity, TableKind,
};

use crate::ctx::{finding, place_label};
use crate::{Ctx, RuleInfo, Scope};

pub(crate) static S001: RuleInfo = RuleInfo {
    code: "S001",
    name: "missing-section",
    kind: FindingKind::Document,
    severity: Severity::Error,
    scope: Scope::Report,
    summary: "缺少格式规定的六个部分之一",
    explanation: "\
**检查什么**：年度报告应包括六个部分：一、总体情况；二、主动公开政府信息情况；\
三、收到和处理政府信息公开申请情况；四、政府信息公开行政复议、行政诉讼情况；\
五、存在的主要问题及改进情况；六、其他需要报告的事项。每缺少一个部分报告一次。\
部分按标题文字识别，不只看编号。2019年以前的旧格式报告不检查。

**为什么**：《中华人民共和国政府信息公开条例》第五十条规定了年度报告应当包括的内容，\
国务院办公厅政府信息与政务公开办公室印发的格式把它们固定为六个部分。缺少部分就是缺少法定内容，\
读者也无法在不同机关、不同年度的报告之间对照。

**如何修改**：按格式补齐缺少的部分和标题。某部分确无内容时（如“其他需要报告的事项”）\
也要保留标题，正文写“无”或说明情况。",
    example: "\
四、政府信息公开行政复议、行政诉讼情况
……
六、其他需要报告的事项
无",
};

pub(crate) static S002: RuleInfo = RuleInfo {
    code: "S002",
    name: "section-order",
    kind: FindingKind::Document,
    severity: Severity::Warning,
    scope: Scope::Report,
    summary: "各部分的先后顺序与国家格式不一致",
    explanation: "\
**检查什么**：按文档中出现的先后，六个部分应依次为一、总体情况至六、其他需要报告的事项。\
出现顺序颠倒（例如三个统计表之后才出现“总体情况”，或“其他需要报告的事项”排在“存在的主要问题”之前）\
时报告一次，列出实际顺序。2019年以前的旧格式报告不检查。

**为什么**：统一的顺序便于公众查阅和上级汇总，也便于机器识别各部分。顺序颠倒常见于拼接稿、\
复制粘贴出错，或同一部分被拆成两处。

**如何修改**：按国家格式调整各部分的顺序和编号。",
    example: "\
一、总体情况
三、收到和处理政府信息公开申请情况
二、主动公开政府信息情况",
};

pub(crate) static S003: RuleInfo = RuleInfo {
    code: "S003",
    name: "missing-table",
    kind: FindingKind::Document,
    severity: Severity::Error,
    scope: Scope::Report,
    summary: "缺少格式规定的统计表（表二、表三或表四）",
    explanation: "\
**检查什么**：第二、三、四部分应分别包含表二（主动公开政府信息情况）、表三（收到和处理政府信息公开申请情况）、\
表四（政府信息公开行政复议、行政诉讼情况）。每缺少一张表报告一次。2019年以前的旧格式报告不检查。

**为什么**：三张统计表是年度报告中可以核对、汇总和比较的部分。只写文字不列表格，\
或用自制表格代替国家格式，都无法与其他报告对照。若原文有表格而这里报告缺失，\
也可能是表格在转换中丢失（例如表格是图片），请核对原文。

**如何修改**：按国家格式补上缺少的统计表，逐格填写数字。",
    example: "\
四、政府信息公开行政复议、行政诉讼情况
本年度未发生政府信息公开行政复议、行政诉讼案件。",
};

pub(crate) static S004: RuleInfo = RuleInfo {
    code: "S004",
    name: "empty-section",
    kind: FindingKind::Document,
    severity: Severity::Error,
    scope: Scope::Report,
    summary: "第五或第六部分只有标题，没有正文",
    explanation: "\
**检查什么**：“五、存在的主要问题及改进情况”和“六、其他需要报告的事项”有标题但正文为空。\
正文写“无”不算空。2019年以前的旧格式报告不检查。

**为什么**：第五部分要求如实说明存在的问题和改进措施；第六部分要求报告收取信息处理费等其他事项，\
确无需要报告的也应写明“无”。只有标题没有内容，读者无法判断是没有事项还是漏写了。

**如何修改**：补写该部分内容；确无需要报告的事项，写“无”或“本年度无其他需要报告的事项”。",
    example: "\
五、存在的主要问题及改进情况
……
六、其他需要报告的事项
（正文为空）",
};

pub(crate) static S005: RuleInfo = RuleInfo {
    code: "S005",
    name: "edition-mismatch",
    kind: FindingKind::Document,
    severity: Severity::Error,
    scope: Scope::Report,
    summary: "统计表的格式版本与报告年度不符",
    explanation: "\
**检查什么**：报告年度决定应使用的格式：2021年度起使用2021年版格式（国办公开办函〔2021〕30号），\
2019、2020年度使用2019年版格式（国办公开办函〔2019〕60号）。检查三种情况，每张不符的表报告一次：\
（1）表二的版本与年度不符，例如2021年度报告仍使用“本年新制作数量/本年新公开数量/对外公开总数量”\
和“第二十条第（九）项 政府集中采购”的2019年版表二；\
（2）表三的版本与年度不符，最常见的是表二已改用2021年版，表三却仍把“（六）其他处理”印成一行\
（2021年版分为三个细项）；\
（3）2019年度及以后的报告仍使用2019年以前的旧格式。报告年度未知时不检查。

**为什么**：新格式调整了统计口径（如（六）其他处理拆分为逾期不补正、逾期不缴费和其他三项），\
用旧模板填报的数字无法与同年度的其他报告对照和汇总，也说明填报单位没有使用上级下发的最新模板。

**如何修改**：下载对应年度的格式模板，按新模板重新填写统计表；（六）其他处理按三个细项分别统计。",
    example: "\
清河县人民政府办公室2021年政府信息公开工作年度报告
……
第二十条第（九）项
信息内容 采购项目数量 采购总金额
政府集中采购",
};

pub(crate) static S006: RuleInfo = RuleInfo {
    code: "S006",
    name: "legacy-format",
    kind: FindingKind::Document,
    severity: Severity::Info,
    scope: Scope::Report,
    summary: "2019年以前的旧格式报告，不按标准表格解析",
    explanation: "\
**检查什么**：报告采用2019年以前（2008年《条例》时期）的旧格式：概述、主动公开、依申请公开、\
收费及减免、复议诉讼等自由章节，没有国家统一的三张统计表。这是一条提示，不是错误。

**为什么**：旧格式报告没有统一的统计口径，不能按表二、表三、表四解析和核对，\
因此表格相关的检查（A、V、S001至S004等）不适用于它。对2019年度及以后的报告，\
使用旧格式本身是错误，由S005报告。

**如何修改**：2019年度以前的报告无需修改。若报告年度是2019年或以后，请改用对应年度的格式模板。",
    example: "\
平潭综合实验区2012年政府信息公开工作年度报告
一、概述
……
四、政府信息依申请公开工作情况",
};

fn is_legacy(report: &Report) -> bool {
    report.edition == Some(Edition::Legacy)
}

fn section_name(kind: SectionKind) -> String {
    format!("{}、{}", kind.numeral(), kind.title())
}

fn heading_location(report: &Report, kind: SectionKind) -> Option<Location> {
    report.section(kind)?.heading_location.clone()
}

/// S001: each of the six sections absent.
pub(crate) fn missing_section(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    if is_legacy(report) {
        return;
    }
    for kind in SectionKind::ALL {
        // Shown in the text but not read: X007 says so; the document is not accused.
        if report.section(kind).is_none() && !report.is_unread(ReportPart::Section(kind)) {
            let mut f = finding(&S001, format!("缺少「{}」部分", section_name(kind)));
            f.notes.push(format!(
                "年度报告应包括六个部分：{}",
                SectionKind::ALL
                    .iter()
                    .map(|&k| section_name(k))
                    .collect::<Vec<_>>()
                    .join("；")
            ));
            out.push(f);
        }
    }
}

/// S002: sections out of the national order.
pub(crate) fn section_order(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    if is_legacy(report) {
        return;
    }
    let s = &report.sections;
    let Some(i) = (1..s.len()).find(|&i| s[i].kind < s[i - 1].kind) else {
        return;
    };
    let order: Vec<&str> = s.iter().map(|x| x.kind.numeral()).collect();
    let mut f = finding(
        &S002,
        format!(
            "各部分的顺序与国家格式不一致：文中依次为{}",
            order.join("、")
        ),
    );
    f.labels.push(place_label(
        s[i].heading_location.clone(),
        format!(
            "「{}」出现在「{}」之后",
            section_name(s[i].kind),
            section_name(s[i - 1].kind)
        ),
    ));
    f.notes
        .push("国家格式的顺序：一、二、三、四、五、六".into());
    out.push(f);
}

/// S003: a table absent.
pub(crate) fn missing_table(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    if is_legacy(report) {
        return;
    }
    let tables = [
        (report.active.is_none(), TableKind::Active),
        (report.requests.is_none(), TableKind::Requests),
        (report.review.is_none(), TableKind::Review),
    ];
    for (missing, table) in tables {
        // Shown in the text but not read: X007 says so; the document is not accused.
        if !missing || report.is_unread(ReportPart::Table(table)) {
            continue;
        }
        let (name, kind) = (table.name_zh(), table.section());
        let mut f = finding(&S003, format!("缺少{name}「{}」", kind.title()));
        if let Some(sec) = report.section(kind) {
            f.labels.push(place_label(
                sec.heading_location.clone(),
                "此部分中未找到统计表".into(),
            ));
        } else {
            f.notes
                .push(format!("「{}」部分也未找到", section_name(kind)));
        }
        out.push(f);
    }
}

/// S004: section 五 or 六 present but empty.
pub(crate) fn empty_section(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    if is_legacy(report) {
        return;
    }
    for kind in [SectionKind::Problems, SectionKind::Other] {
        let Some(sec) = report.section(kind) else {
            continue;
        };
        if !sec.is_empty() || report.is_unread(ReportPart::Section(kind)) {
            continue;
        }
        let mut f = finding(
            &S004,
            format!("「{}」部分只有标题，没有正文", section_name(kind)),
        );
        f.labels.push(place_label(
            sec.heading_location.clone(),
            "此部分无正文".into(),
        ));
        f.notes.push("确无需要报告的事项时，也应写明“无”".into());
        out.push(f);
    }
}

/// The edition of table 三's layout, when the table shows it: a single （六）其他处理 row
/// is the 2019 edition, its three sub-rows the 2021 edition; neither printed: unknown.
pub(crate) fn request_layout(t: &RequestTable) -> Option<Edition> {
    if t.row(RequestRowKey::OtherHandling).is_some() {
        Some(Edition::E2019)
    } else if [
        RequestRowKey::OtherNoCorrection,
        RequestRowKey::OtherFeeUnpaid,
        RequestRowKey::OtherOther,
    ]
    .iter()
    .any(|&k| t.row(k).is_some())
    {
        Some(Edition::E2021)
    } else {
        None
    }
}

/// S005: the edition of a table does not fit the report's year.
pub(crate) fn edition_mismatch(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(year) = report.year() else { return };
    if year < 2019 {
        return;
    }
    let expected = Edition::expected_for_year(year);
    let year_label = || {
        report
            .year
            .as_ref()
            .and_then(|y| y.location.clone())
            .map(|loc| place_label(Some(loc), format!("报告年度 {year}")))
    };
    let year_note = format!(
        "报告年度{year}：2021年度起应使用{}，2019、2020年度应使用{}",
        Edition::E2021.display_zh(),
        Edition::E2019.display_zh()
    );

    if is_legacy(report) {
        let mut f = finding(
            &S005,
            format!(
                "{year}年度报告使用了{}，应使用{}",
                Edition::Legacy.display_zh(),
                expected.display_zh()
            ),
        );
        f.labels.extend(year_label());
        f.notes.push(year_note);
        out.push(f);
        return;
    }

    // Table 二.
    let active_edition = report.active.as_ref().map(|t| t.edition).or(report.edition);
    if let Some(ed) = active_edition {
        if ed != expected && ed != Edition::Legacy {
            let mut f = finding(
                &S005,
                format!(
                    "表二使用了{}，{year}年度报告应使用{}",
                    ed.display_zh(),
                    expected.display_zh()
                ),
            );
            let loc = report
                .active
                .as_ref()
                .and_then(|t| {
                    t.rows
                        .iter()
                        .find_map(|r| r.label.as_ref()?.location.clone())
                })
                .or_else(|| heading_location(report, SectionKind::ActiveDisclosure));
            f.labels
                .push(place_label(loc, format!("表二：{}", ed.display_zh())));
            f.labels.extend(year_label());
            f.notes.push(year_note.clone());
            out.push(f);
        }
    }

    // Table 三.
    if let Some(t) = &report.requests {
        if let Some(ed) = request_layout(t) {
            if ed != expected {
                let how = match ed {
                    Edition::E2019 => "“（六）其他处理”印为一行",
                    _ => "“（六）其他处理”分为三个细项",
                };
                let mut f = finding(
                    &S005,
                    format!(
                        "表三使用了{}（{how}），{year}年度报告应使用{}",
                        ed.display_zh(),
                        expected.display_zh()
                    ),
                );
                let row_key = match ed {
                    Edition::E2019 => RequestRowKey::OtherHandling,
                    _ => RequestRowKey::OtherNoCorrection,
                };
                let loc = t.row(row_key).and_then(|r| {
                    r.label
                        .as_ref()
                        .and_then(|l| l.location.clone())
                        .or_else(|| r.cells.iter().find_map(|c| c.location.clone()))
                });
                f.labels.push(place_label(loc, format!("表三：{how}")));
                f.labels.extend(year_label());
                f.notes.push(year_note.clone());
                if active_edition == Some(expected) {
                    f.notes
                        .push("表二已使用新格式，表三仍沿用旧模板：两张表的版本不一致".into());
                }
                out.push(f);
            }
        }
    }
}

/// S006: a legacy report.
pub(crate) fn legacy_format(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    if !is_legacy(report) {
        return;
    }
    let mut f = finding(&S006, "2019年以前的旧格式报告：不按标准表格解析".into());
    if let Some(t) = &report.title {
        f.labels
            .push(place_label(t.location.clone(), "旧格式报告".into()));
    }
    if let Some(y) = report.year() {
        f.notes.push(format!("报告年度：{y}"));
    }
    out.push(f);
}
