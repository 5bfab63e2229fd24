//! A1xx / A2xx — the arithmetic of tables 三 and 四.
//!
//! Every check here needs every cell it adds up to hold a valid count; blank and invalid
//! cells are other rules' business (V001, V002), so such a column, row or group is skipped.

use gongkai_model::schema::{
    request_rows, RequestColumn, RequestGroup, RequestRowDef, RequestRowKey, ReviewColumn,
    ReviewGroup,
};
use gongkai_model::{
    identity, Cell, CellRef, Finding, FindingKind, Report, RequestTable, Severity,
};

use crate::ctx::{cell_label, finding};
use crate::{Ctx, RuleInfo, Scope};

pub(crate) static A101: RuleInfo = RuleInfo {
    code: "A101",
    name: "table3-column-balance",
    kind: FindingKind::Document,
    severity: Severity::Error,
    scope: Scope::Report,
    summary: "表三某列不满足勾稽关系：本年新收 + 上年结转 ≠ 办理结果总计 + 结转下年度继续办理",
    explanation: "\
**检查什么**：对表三“收到和处理政府信息公开申请情况”的每一列（自然人、五类法人或其他组织、总计，共7列），\
检查“一、本年新收政府信息公开申请数量”加“二、上年结转政府信息公开申请数量”是否等于\
“三、本年度办理结果”中的“（七）总计”加“四、结转下年度继续办理”。每一列不平衡时报告一次。\
只有这四个单元格都填写了有效数字时才检查。

**为什么**：这是表三左上角印明的勾稽关系（“本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和”）。\
本年要处理的申请（新收加上年结转）要么在本年办结，要么结转到下一年度，不会凭空多出或消失。\
不平衡说明有申请漏统计、重复统计，或数字填错了列。

**如何修改**：按申请登记台账逐列核对四个数字：本年新收、上年结转（应等于上一年度报告的“结转下年度继续办理”）、\
本年办结（（七）总计）和结转下年度的件数，改正错误的单元格，使每一列两边相等。",
    example: "\
一、本年新收政府信息公开申请数量 7 2 0 0 0 0 9
二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0
（七）总计 6 2 0 0 0 0 8
四、结转下年度继续办理 0 0 0 0 0 0 0",
};

pub(crate) static A102: RuleInfo = RuleInfo {
    code: "A102",
    name: "table3-row-total",
    kind: FindingKind::Document,
    severity: Severity::Error,
    scope: Scope::Report,
    summary: "表三某行的“总计”列不等于六类申请人之和",
    explanation: "\
**检查什么**：对表三的每一行，检查“总计”列是否等于自然人、商业企业、科研机构、社会公益组织、\
法律服务机构、其他这六列之和。每一行不相等时报告一次。只有该行7个单元格都填写了有效数字时才检查。

**为什么**：“总计”列就是按申请人类型分列的数字之和。总计与分项不符，说明分项漏填、\
错填了列，或者总计是另行统计而没有与分项核对。读者无法判断哪一个数字是对的。

**如何修改**：逐项核对该行各类申请人的件数，重新计算合计，改正分项或总计。\
若表格在转换中丢失了单元格，应按原始表格补齐。",
    example: "一、本年新收政府信息公开申请数量 7 2 0 0 0 0 8",
};

pub(crate) static A103: RuleInfo = RuleInfo {
    code: "A103",
    name: "table3-outcome-total",
    kind: FindingKind::Document,
    severity: Severity::Error,
    scope: Scope::Report,
    summary: "表三某列的“（七）总计”不等于（一）至（六）各项办理结果之和",
    explanation: "\
**检查什么**：对表三的每一列，检查“三、本年度办理结果”中的“（七）总计”是否等于（一）予以公开、\
（二）部分公开、（三）不予公开（8个细项）、（四）无法提供（3个细项）、（五）不予处理（5个细项）、\
（六）其他处理（2021年版为3个细项，2019年版为1行）各行之和。表格中实际印出的是哪一种\
（六）其他处理格式，就按哪一种相加。表中缺少某个办理结果行时不检查；某列有空白或无效单元格时跳过该列。

**为什么**：格式中（三）至（六）没有小计行，（七）总计就是全部办理结果的合计。\
不相等说明某些办理结果漏填、重复计入，或（七）总计是另行统计的。\
（七）总计还参与A101的勾稽关系，它错了，整列的平衡也就无从谈起。

**如何修改**：按办结的每一件申请逐一归类（区分处理的只计“部分公开”一种情形），\
重新统计各细项，使各项之和等于（七）总计。",
    example: "\
（一）予以公开 4 0 0 0 0 0 4
（二）部分公开（区分处理的，只计这一情形，不计其他情形） 0 0 0 0 0 0 0
……（其余各项均为0）
（七）总计 5 0 0 0 0 0 5",
};

pub(crate) static A201: RuleInfo = RuleInfo {
    code: "A201",
    name: "table4-group-total",
    kind: FindingKind::Document,
    severity: Severity::Error,
    scope: Scope::Report,
    summary: "表四某组的“总计”不等于结果维持、结果纠正、其他结果、尚未审结之和",
    explanation: "\
**检查什么**：表四“政府信息公开行政复议、行政诉讼情况”分三组：行政复议、未经复议直接起诉的行政诉讼、\
复议后起诉的行政诉讼。每组检查“总计”是否等于“结果维持 + 结果纠正 + 其他结果 + 尚未审结”。\
每组不相等时报告一次；某组有空白或无效单元格时跳过该组。

**为什么**：每一件复议或诉讼案件必然处于四种状态之一，总计就是四项之和。\
不相等说明案件漏统计、重复统计，或总计栏误填为0。

**如何修改**：按复议、诉讼案件台账逐件核对结果，改正分项或总计，使每组四项之和等于总计。",
    example: "\
行政复议：结果维持 10 结果纠正 1 其他结果 0 尚未审结 0 总计 0
（原文：10 1 0 0 0 0 0 0 0 0 5 0 0 0 0）",
};

/// Table 三, when it was read: a table the text shows cut short is not judged.
fn read_requests(report: &Report) -> Option<&RequestTable> {
    let unread = report.is_unread(gongkai_model::ReportPart::Table(
        gongkai_model::TableKind::Requests,
    ));
    report.requests.as_ref().filter(|_| !unread)
}

/// The value of a table-三 cell with the cell, when it holds a valid count.
fn req(t: &RequestTable, row: RequestRowKey, col: RequestColumn) -> Option<(&Cell, i64)> {
    let c = t.cell(row, col)?;
    Some((c, c.int()?))
}

fn req_ref(row: RequestRowKey, column: RequestColumn) -> CellRef {
    CellRef::Request { row, column }
}

/// A101: per column, 一 + 二 = （七） + 四.
pub(crate) fn table3_column_balance(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(t) = read_requests(report) else {
        return;
    };
    const ROWS: [RequestRowKey; 4] = [
        RequestRowKey::NewReceived,
        RequestRowKey::CarriedOver,
        RequestRowKey::TotalProcessed,
        RequestRowKey::CarriedForward,
    ];
    for col in RequestColumn::ALL {
        let Some(cells) = ROWS
            .iter()
            .map(|&k| req(t, k, col))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let v: Vec<i64> = cells.iter().map(|c| c.1).collect();
        if identity::request_column_balanced(v[0], v[1], v[2], v[3]) {
            continue;
        }
        let (lhs, rhs) = (
            identity::sum(v[..2].iter().copied()),
            identity::sum(v[2..].iter().copied()),
        );
        let mut f = finding(
            &A101,
            format!(
                "表三「{}」列不满足勾稽关系：本年新收与上年结转之和为{lhs}，\
                 办理结果总计与结转下年度之和为{rhs}",
                col.label()
            ),
        );
        for (&k, (cell, n)) in ROWS.iter().zip(&cells) {
            f.labels.push(cell_label(
                req_ref(k, col),
                cell,
                format!("{} {n}", k.def().short),
            ));
        }
        f.notes
            .push(format!("{} + {} ≠ {} + {}", v[0], v[1], v[2], v[3]));
        f.notes.push(
            "勾稽关系：一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理".into(),
        );
        out.push(f);
    }
}

/// A102: per row, 总计 = the six applicant columns.
pub(crate) fn table3_row_total(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(t) = read_requests(report) else {
        return;
    };
    for row in &t.rows {
        let Some(v) = row
            .cells
            .iter()
            .map(Cell::int)
            .collect::<Option<Vec<i64>>>()
        else {
            continue;
        };
        let parts = &v[..6];
        let total = v[6];
        if identity::request_row_balanced(&[v[0], v[1], v[2], v[3], v[4], v[5], v[6]]) {
            continue;
        }
        let sum = identity::sum(parts.iter().copied());
        let short = row.key.def().short;
        let mut f = finding(
            &A102,
            format!("表三「{short}」行的总计与各类申请人之和不符：六类申请人合计{sum}，「总计」列为{total}"),
        );
        for (i, cell) in row.cells.iter().enumerate() {
            let col = RequestColumn::ALL[i];
            f.labels.push(cell_label(
                req_ref(row.key, col),
                cell,
                format!("{} {}", col.label(), v[i]),
            ));
        }
        let terms: Vec<String> = parts.iter().map(i64::to_string).collect();
        f.notes.push(format!("{} ≠ {total}", terms.join(" + ")));
        out.push(f);
    }
}

/// A103: per column, （七）总计 = the outcome rows.
pub(crate) fn table3_outcome_total(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(t) = read_requests(report) else {
        return;
    };
    let defs: Vec<&RequestRowDef> = request_rows(t.splits_other_handling())
        .filter(|d| d.is_outcome)
        .collect();
    if defs.iter().any(|d| t.row(d.key).is_none()) || t.row(RequestRowKey::TotalProcessed).is_none()
    {
        return;
    }
    for col in RequestColumn::ALL {
        let Some((total_cell, total)) = req(t, RequestRowKey::TotalProcessed, col) else {
            continue;
        };
        let Some(parts) = defs
            .iter()
            .map(|d| req(t, d.key, col).map(|(c, n)| (d, c, n)))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let values: Vec<i64> = parts.iter().map(|p| p.2).collect();
        if identity::outcomes_balanced(values.iter().copied(), total) {
            continue;
        }
        let sum = identity::sum(values.iter().copied());
        // Group subtotals, in printed order.
        let mut groups: Vec<(RequestGroup, i128)> = Vec::new();
        for (d, _, n) in &parts {
            match groups.last_mut() {
                Some((g, s)) if *g == d.group => *s += i128::from(*n),
                _ => groups.push((d.group, i128::from(*n))),
            }
        }
        let mut f = finding(
            &A103,
            format!(
                "表三「{}」列的办理结果之和与（七）总计不符：（一）至（六）各项合计{sum}，（七）总计为{total}",
                col.label()
            ),
        );
        f.labels.push(cell_label(
            req_ref(RequestRowKey::TotalProcessed, col),
            total_cell,
            format!("（七）总计 {total}"),
        ));
        for (d, cell, n) in &parts {
            f.labels.push(cell_label(
                req_ref(d.key, col),
                cell,
                format!("{} {n}", d.short),
            ));
        }
        let terms: Vec<String> = groups.iter().map(|g| g.1.to_string()).collect();
        f.notes.push(format!("{} ≠ {total}", terms.join(" + ")));
        let named: Vec<String> = groups
            .iter()
            .map(|(g, s)| format!("{} {s}", g.label()))
            .collect();
        f.notes.push(format!(
            "{}，合计 {sum}；（七）总计 {total}",
            named.join("，")
        ));
        out.push(f);
    }
}

/// A201: per group of table 四, 总计 = 维持 + 纠正 + 其他 + 尚未审结.
pub(crate) fn table4_group_total(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    if report.is_unread(gongkai_model::ReportPart::Table(
        gongkai_model::TableKind::Review,
    )) {
        return;
    }
    let Some(t) = &report.review else { return };
    for g in ReviewGroup::ALL {
        let Some(v) = ReviewColumn::ALL
            .iter()
            .map(|&c| t.value(g, c))
            .collect::<Option<Vec<i64>>>()
        else {
            continue;
        };
        let total = v[4];
        if identity::review_group_balanced(&[v[0], v[1], v[2], v[3], v[4]]) {
            continue;
        }
        let sum = identity::sum(v[..4].iter().copied());
        let mut f = finding(
            &A201,
            format!(
                "表四「{}」的总计与各项结果之和不符：结果维持、结果纠正、其他结果、尚未审结合计{sum}，总计为{total}",
                g.label()
            ),
        );
        for (i, &c) in ReviewColumn::ALL.iter().enumerate() {
            f.labels.push(cell_label(
                CellRef::Review {
                    group: g,
                    column: c,
                },
                t.cell(g, c),
                format!("{} {}", c.label(), v[i]),
            ));
        }
        f.notes.push(format!(
            "{} + {} + {} + {} ≠ {total}",
            v[0], v[1], v[2], v[3]
        ));
        out.push(f);
    }
}
