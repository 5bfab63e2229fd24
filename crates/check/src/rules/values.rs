//! V0xx — the values of the table cells.

use std::sync::LazyLock;

use gongkai_model::schema::{active_row, RequestColumn, ReviewColumn, ReviewGroup, ValueKind};
use gongkai_model::{
    ActiveTable, Cell, CellRef, DoubtKind, Finding, FindingKind, Origin, Report, RequestTable,
    ReviewTable, Severity, Value,
};
use regex::Regex;

use crate::ctx::{cell_label, finding};
use crate::{Ctx, RuleInfo, Scope};

pub(crate) static V001: RuleInfo = RuleInfo {
    code: "V001",
    name: "blank-cell",
    kind: FindingKind::Document,
    severity: Severity::Error,
    scope: Scope::Report,
    summary: "统计表中有空白单元格（空白不等于0）",
    explanation: "\
**检查什么**：表二、表三、表四中印出但没有填写数字的单元格。同一行（表四为同一组）的空白单元格合并为一条，\
列出空白的列；整张表全部空白时只报告一条“表X全部空白”。转换中丢失、由勾稽关系推算出的单元格\
（见X001）和整行、整表未找到的单元格不在此列。

**为什么**：年度报告的统计表每一格都应填写。空白不等于0：读者无法判断是确实为0、\
不适用还是漏填，表格的勾稽关系也无法核对。以旧模板或空白模板直接发布、只填合计不填分项，\
都是常见的错误。

**如何修改**：逐格填写数字，没有发生的填0，不要留空，也不要用“/”“-”“—”代替。",
    example: "\
一、本年新收政府信息公开申请数量
	 
	 
（七）总计
	 0
	0 ",
};

pub(crate) static V002: RuleInfo = RuleInfo {
    code: "V002",
    name: "invalid-number",
    kind: FindingKind::Document,
    severity: Severity::Error,
    scope: Scope::Report,
    summary: "统计表中有无效数字：非数字、负数件数、非整数件数或不是数字的金额",
    explanation: "\
**检查什么**：表二、表三、表四中填写了内容但不是该列应有数值的单元格：\
件数列（表三、表四全部，表二除“本年增/减”和金额以外各列）中的文字、小数或负数；\
2019年版表二“本年增/减”列中的非整数（该列允许负数）；\
金额列（“本年收费金额（单位：万元）”“采购总金额”）中不是十进制数字（可带“元”或“万元”单位）的内容。

**为什么**：统计表是给机器和人核对、汇总的。“若干”“1.5件”“-3件”之类的值无法相加，\
也说明填报时有误；收费金额写成文字（如“约一万元”）无法汇总。

**如何修改**：件数填写非负整数；金额按表头单位（万元，可保留4位小数）填写数字；\
需要说明的情况写在表外或“其他需要报告的事项”中，不要写进单元格。",
    example: "\
行政规范性文件 24 若干 67
行政事业性收费 约1.2万元",
};

/// A decimal number with an optional unit, as a money amount must be printed.
static AMOUNT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^-?\d+(\.\d+)?(万元|元)?$").expect("valid regex"));

fn printed_blank(c: &Cell) -> bool {
    c.value.is_none() && c.origin == Origin::Printed
}

// ---------------------------------------------------------------------------
// V001
// ---------------------------------------------------------------------------

/// One row (or group) of a table: its name and its cells with their column names.
struct Line<'a> {
    name: &'static str,
    cells: Vec<(CellRef, &'a str, &'a Cell)>,
}

fn lines_active(t: &ActiveTable) -> Vec<Line<'_>> {
    t.rows
        .iter()
        .filter_map(|row| {
            let def = active_row(t.edition, row.key)?;
            Some(Line {
                name: def.label,
                cells: row
                    .cells
                    .iter()
                    .zip(def.columns)
                    .map(|(cell, col)| {
                        (
                            CellRef::Active {
                                row: row.key,
                                column: col.key,
                            },
                            col.label,
                            cell,
                        )
                    })
                    .collect(),
            })
        })
        .collect()
}

fn lines_requests(t: &RequestTable) -> Vec<Line<'_>> {
    t.rows
        .iter()
        .map(|row| Line {
            name: row.key.def().short,
            cells: row
                .cells
                .iter()
                .zip(RequestColumn::ALL)
                .map(|(cell, col)| {
                    (
                        CellRef::Request {
                            row: row.key,
                            column: col,
                        },
                        col.label(),
                        cell,
                    )
                })
                .collect(),
        })
        .collect()
}

fn lines_review(t: &ReviewTable) -> Vec<Line<'_>> {
    ReviewGroup::ALL
        .iter()
        .map(|&g| Line {
            name: g.label(),
            cells: ReviewColumn::ALL
                .iter()
                .map(|&c| {
                    (
                        CellRef::Review {
                            group: g,
                            column: c,
                        },
                        c.label(),
                        t.cell(g, c),
                    )
                })
                .collect(),
        })
        .collect()
}

/// V001: blank cells, grouped by row; a wholly blank table is one finding.
///
/// Cells the parser left blank because it could not place a row's values (an
/// `AmbiguousRow` doubt naming them, X003) are a reading problem, not a blank document cell.
pub(crate) fn blank_cell(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    let doubted: Vec<CellRef> = report
        .doubts
        .iter()
        .filter(|d| d.kind == DoubtKind::AmbiguousRow)
        .flat_map(|d| d.cells.iter().copied())
        .collect();
    let read = |t: gongkai_model::TableKind| !report.is_unread(gongkai_model::ReportPart::Table(t));
    if let Some(t) = report
        .active
        .as_ref()
        .filter(|_| read(gongkai_model::TableKind::Active))
    {
        blank_in_table("表二", true, &without(lines_active(t), &doubted), out);
    }
    if let Some(t) = report
        .requests
        .as_ref()
        .filter(|_| read(gongkai_model::TableKind::Requests))
    {
        blank_in_table("表三", true, &without(lines_requests(t), &doubted), out);
    }
    if let Some(t) = report
        .review
        .as_ref()
        .filter(|_| read(gongkai_model::TableKind::Review))
    {
        blank_in_table("表四", false, &without(lines_review(t), &doubted), out);
    }
}

/// The lines without the cells in `doubted`.
fn without<'a>(mut lines: Vec<Line<'a>>, doubted: &[CellRef]) -> Vec<Line<'a>> {
    if !doubted.is_empty() {
        for l in &mut lines {
            l.cells.retain(|c| !doubted.contains(&c.0));
        }
    }
    lines
}

fn blank_in_table(table: &str, row_word: bool, lines: &[Line<'_>], out: &mut Vec<Finding>) {
    let all_cells = || lines.iter().flat_map(|l| l.cells.iter());
    let any_blank = all_cells().any(|c| printed_blank(c.2));
    if !any_blank {
        return;
    }
    let row = if row_word { "行" } else { "" };
    if all_cells().all(|c| c.2.value.is_none()) {
        let mut f = finding(&V001, format!("{table}全部空白"));
        // One label per line: the first blank cell of each row.
        for l in lines {
            if let Some((r, _, cell)) = l.cells.iter().find(|c| printed_blank(c.2)) {
                f.labels
                    .push(cell_label(*r, cell, format!("「{}」{row}空白", l.name)));
            }
        }
        let n = all_cells().filter(|c| printed_blank(c.2)).count();
        f.notes.push(format!("共{n}个单元格空白"));
        f.notes.push("空白不等于0：确无数据的单元格应填写0".into());
        out.push(f);
        return;
    }
    for l in lines {
        let blanks: Vec<&(CellRef, &str, &Cell)> =
            l.cells.iter().filter(|c| printed_blank(c.2)).collect();
        if blanks.is_empty() {
            continue;
        }
        let names: Vec<&str> = blanks.iter().map(|c| c.1).collect();
        let message = if blanks.len() == l.cells.len() && blanks.len() > 1 {
            format!("{table}「{}」{row}全部空白：{}", l.name, names.join("、"))
        } else {
            format!(
                "{table}「{}」{row}有{}个空白单元格：{}",
                l.name,
                blanks.len(),
                names.join("、")
            )
        };
        let mut f = finding(&V001, message);
        for (r, col, cell) in blanks {
            f.labels.push(cell_label(*r, cell, format!("{col} 空")));
        }
        f.notes.push("空白不等于0：确无数据的单元格应填写0".into());
        out.push(f);
    }
}

// ---------------------------------------------------------------------------
// V002
// ---------------------------------------------------------------------------

/// V002: invalid values.
pub(crate) fn invalid_number(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    if let Some(t) = &report.active {
        for (r, kind, cell) in t.cells() {
            invalid_cell(r, kind, cell, out);
        }
    }
    if let Some(t) = &report.requests {
        for (r, cell) in t.cells() {
            invalid_cell(r, ValueKind::Count, cell, out);
        }
    }
    if let Some(t) = &report.review {
        for (r, cell) in t.cells() {
            invalid_cell(r, ValueKind::Count, cell, out);
        }
    }
}

fn invalid_cell(r: CellRef, kind: ValueKind, cell: &Cell, out: &mut Vec<Finding>) {
    const AMOUNT_NOTE: &str = "金额应为十进制数字，可带“元”或“万元”单位";
    const COUNT_NOTE: &str = "件数应为整数";
    let Some(value) = &cell.value else { return };
    // Decide first (cheap), then build the texts.
    let problem = match (value, kind) {
        (Value::Invalid(s), ValueKind::Amount) => Some(("不是有效金额", s.as_str())),
        (Value::Invalid(s), _) => Some(("不是有效数字", s.as_str())),
        (Value::Count(n), ValueKind::Count) if *n < 0 => Some(("负数", "")),
        (Value::Amount(s), ValueKind::Count | ValueKind::SignedCount) => {
            Some(("不是整数", s.as_str()))
        }
        (Value::Amount(s), ValueKind::Amount) if !AMOUNT.is_match(s.trim()) => {
            Some(("金额不是数字", s.as_str()))
        }
        _ => None,
    };
    let Some((what, text)) = problem else { return };
    let name = r.describe_zh();
    let (message, note) = match what {
        "负数" => {
            let n = cell.int().unwrap_or_default();
            (format!("{name}为负数{n}：件数不能为负"), format!("{n} < 0"))
        }
        "金额不是数字" => (
            format!("{name}的金额“{text}”不是数字"),
            AMOUNT_NOTE.to_string(),
        ),
        "不是有效金额" => (
            format!("{name}的值“{text}”不是有效金额"),
            AMOUNT_NOTE.to_string(),
        ),
        _ => (format!("{name}的值“{text}”{what}"), COUNT_NOTE.to_string()),
    };
    let mut f = finding(&V002, message);
    let shown = match cell.printed.as_deref() {
        Some(p) if !p.is_empty() => p.to_string(),
        _ => cell.display(),
    };
    f.labels
        .push(cell_label(r, cell, format!("无效值 {shown}")));
    f.notes.push(note);
    out.push(f);
}
