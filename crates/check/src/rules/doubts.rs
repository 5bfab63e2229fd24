//! X0xx — doubts about the extraction, raised by the parser (`Report::doubts`), turned into
//! findings so they can be selected and ignored like any rule.

use gongkai_model::{DoubtKind, Finding, FindingKind, Report, Severity};

use crate::ctx::{cell_label, finding, place_label};
use crate::{Ctx, RuleInfo, Scope};

pub(crate) static X001: RuleInfo = RuleInfo {
    code: "X001",
    name: "inferred-value",
    kind: FindingKind::Extraction,
    severity: Severity::Warning,
    scope: Scope::Report,
    summary: "单元格在原文中缺失，数值是按表格勾稽关系推算的，需核对原文",
    explanation: "\
**检查什么**：文件转换时丢失了某个单元格（例如一行只剩6个数字而应有7个），\
解析时按表格的算术关系（行合计、列勾稽关系）唯一确定了缺失的值并补上。每处推算报告一次，\
附推算所依据的算式；表三有多行各缺一格时（同一次转换通常在许多行丢掉同一列）合为一条，逐行标出推算的单元格。

**为什么**：推算出的数字不是原文印出来的。算术关系唯一确定时推算通常是对的，但原文本身若有错误，\
推算可能把错误掩盖或转移到别的单元格。这是对识别结果的疑问，不是报告本身的错误。

**如何修改**：对照原始文件（PDF、Word或网页）核对该单元格。若原文确实缺少该数字，\
应由报告单位补正；若原文有数字而转换丢失，可改用更好的源文件重新解析。",
    example: "\
（二）部分公开（区分处理的，只计这一情形，不计其他情形）		11	1	0	0	0	12
（原文7列只剩6个数字，缺失的“其他”列按行合计推算为0）",
};

pub(crate) static X002: RuleInfo = RuleInfo {
    code: "X002",
    name: "unrecognised-row",
    kind: FindingKind::Extraction,
    severity: Severity::Warning,
    scope: Scope::Report,
    summary: "统计表中有一行与国家格式的任何行都对不上",
    explanation: "\
**检查什么**：统计表中出现了国家格式没有的行标签，既不是标准行，也无法按常见别名、错字识别。\
这类行被保留下来单独列出，不计入标准表格。

**为什么**：有的省份在表格中增加了行（如“其他主动公开文件”），这本身不是错误；\
但也可能是标签严重错字、两行粘连或表格被拆散，导致某个标准行没有被认出来。\
这是对识别结果的疑问。

**如何修改**：核对原文中该行是什么：若是地方增加的行，可忽略本条；若是某个标准行的错字，\
请报告单位改正标签，或向本工具反馈新的别名。",
    example: "\
第二十条第（一）项
信息内容 本年制发件数 本年废止件数 现行有效件数
其他主动公开文件 12 0 30",
};

pub(crate) static X003: RuleInfo = RuleInfo {
    code: "X003",
    name: "ambiguous-row",
    kind: FindingKind::Extraction,
    severity: Severity::Warning,
    scope: Scope::Report,
    summary: "某行的数字无法确定对应哪一列，已留空",
    explanation: "\
**检查什么**：某行认出了标签，但数字的个数或排列与表格的列对不上（例如数字粘连成一串、\
多出或缺少数字且算术关系不能唯一确定），解析时没有猜测，而是把该行的单元格留空。

**为什么**：把数字放错列比留空更糟：后续的核对会报告不存在的错误，或漏掉真实的错误。\
留空的单元格不参与算术检查。这是对识别结果的疑问。

**如何修改**：对照原文核对该行各列的数字；必要时改用表格结构保留得更好的源文件\
（如Word原件或网页）重新解析。",
    example: "一、本年新收政府信息公开申请数量 230 000023",
};

pub(crate) static X004: RuleInfo = RuleInfo {
    code: "X004",
    name: "row-not-found",
    kind: FindingKind::Extraction,
    severity: Severity::Warning,
    scope: Scope::Report,
    summary: "找到了统计表，但其中某个标准行没有找到",
    explanation: "\
**检查什么**：某张统计表被识别出来了，但国家格式中的某一行在表中没有找到，\
该行的单元格记为“未找到”，不参与算术检查。

**为什么**：可能是报告确实漏印了这一行（文档问题），也可能是该行在转换中丢失、\
跨页断开或标签严重变形而没有认出（识别问题）。在确认之前，把它当作对识别结果的疑问。

**如何修改**：在原文中查找该行。原文确实没有的，应由报告单位按格式补齐；\
原文有而未识别的，请改用更好的源文件或反馈该行的印刷形式。",
    example: "\
（五）不予处理
1.信访举报投诉类申请 0 0 0 0 0 0 0
（“2.重复申请”一行缺失）
3.要求提供公开出版物 0 0 0 0 0 0 0",
};

pub(crate) static X005: RuleInfo = RuleInfo {
    code: "X005",
    name: "placed-by-layout",
    kind: FindingKind::Extraction,
    severity: Severity::Warning,
    scope: Scope::Report,
    summary: "有数值没有和它的标签印在一起，按标准格式的行序或版式归入",
    explanation: "\
**检查什么**：有数值没有和它的行标签印在一起（常见于PDF转换成Markdown或文本后，\
标签和数字被拆开）：表三中一行数字旁没有标签，前面也没有等待数字的标签，就按国家格式的\
行序归入紧接着上一行的那一行；表二中某列的数值带着批注被挤出了表格，就按批注所说的列\
（如“其中修订”“含自然失效”属于本年废止件数）归入。

**为什么**：行序和列是国家格式规定的，通常能确定归属；但这是根据位置推断，不是读到的标签，\
若报告漏印或多印了一行，归属就会错。这是对识别结果的疑问。

**如何修改**：对照原文确认这些数值的归属；必要时改用表格结构保留得更好的源文件\
（PDF原件、Word原件或网页）重新解析。",
    example: "\
| 4.无正当理由大量反复申请 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
| 0 | 0 | 0 | 0 | 0 | 0 | 0 |
（第二行没有标签，按行序归入“5.要求行政机关确认或重新出具已获取信息”）",
};

pub(crate) static X006: RuleInfo = RuleInfo {
    code: "X006",
    name: "run-together-cells",
    kind: FindingKind::Extraction,
    severity: Severity::Warning,
    scope: Scope::Report,
    summary: "几个单元格的数字连在一起印出，按表格勾稽关系（或指明的其他依据）拆开",
    explanation: "\
**检查什么**：网页抓取的文字常常去掉了表格单元格之间的分隔，一行的数字连成一串\
（如“21710000218”是217、1、0、0、0、0、218）。解析时用表格自身的勾稽关系拆分：\
行合计等于六类申请人之和，每列“一+二 =（七）+四”，（七）总计等于各项办理结果之和，表四各组合计，\
并且除“0”本身外数字不以0开头。全表一起求解，只有拆法唯一时才采用；每处报告一次，附原串和拆法。\
正文中写明的数字（如“制发规范性文件2件、废止1件”）也可以作为依据，此时会写明。

**为什么**：拆出的数字是按算术关系唯一确定的，通常是对的；但原文本身若有算术错误，\
可能无解或被拆成别的样子。这是对识别结果的疑问，不是报告本身的错误。\
有两种以上拆法时不猜，单元格留空并报告X003。

**如何修改**：对照原始网页或文件核对这些单元格；能取得带表格结构的原件（网页、Word、PDF）时，\
用原件重新解析。",
    example: "\
一、本年新收政府信息公开申请数量21710000218
（拆为 217 | 1 | 0 | 0 | 0 | 0 | 218：行合计 217+1+0+0+0+0 = 218）",
};

pub(crate) static X007: RuleInfo = RuleInfo {
    code: "X007",
    name: "unread-part",
    kind: FindingKind::Extraction,
    severity: Severity::Warning,
    scope: Scope::Report,
    summary: "原文中有某个部分（章节或统计表）的迹象，但未能识别",
    explanation: "\
**检查什么**：某个章节或统计表没有被识别出来，但原文中有它的迹象：章节标题的关键词、\
表格的行标签，或应当是表格的位置上有成串的数字。此时不说报告“缺少”这一部分，\
而是报告“未能识别”，并指出它可能在的位置；依赖这一部分的文档规则（缺少章节、缺少统计表、\
空白单元格、正文与表格不符、勾稽关系）不对未读到的内容下结论。

**为什么**：读不出来是我们的问题，不是报告的问题。把识别失败说成报告缺项，\
会让审核人员对所有结论失去信任。

**如何修改**：对照原文查看该部分；能取得结构更完整的原件（网页、Word、PDF）时用原件重新解析，\
或把这种排版反馈给本工具。",
    example: "\
……二、主动公开政府信息情况第二十条第（一）项……
（找到了表二的块标题，但没有读出任何一行）",
};

pub(crate) static X008: RuleInfo = RuleInfo {
    code: "X008",
    name: "uncertain-metadata",
    kind: FindingKind::Extraction,
    severity: Severity::Warning,
    scope: Scope::Report,
    summary: "报告的机关或年度不能从正文确定，或与抓取时记录的信息不一致",
    explanation: "\
**检查什么**：正文没有标题，机关名称或年度读不出来（“我厅”“本机关”不是机关名称），\
或命令行、清单文件（manifest）给出的机关、年度与正文标题不一致。

**为什么**：这是对读取结果的疑问，不是报告的错误：网页正文常常不带标题，标题在页面头部。\
机关和年度决定了报告在语料库中的归属和跨年度核对，不能凭猜测填写。

**如何修改**：用 `--agency`、`--year` 或 `--manifest` 给出抓取时记录的机关和年度；\
两者不一致时核对原网页。",
    example: "本机关2024年政府信息公开工作情况如下……（正文没有标题）",
};

pub(crate) static X009: RuleInfo = RuleInfo {
    code: "X009",
    name: "invalid-bytes",
    kind: FindingKind::Extraction,
    severity: Severity::Warning,
    scope: Scope::Report,
    summary: "文本文件中有无法按其编码解码的字节（或空字符），已替换为“�”",
    explanation: "\
**检查什么**：文本文件中个别字节不符合文件的编码（UTF-8 或 GB18030），例如混入的 `\\xFF`、\
空字符（NUL），或文件末尾被截断了一半的汉字。这些字节被替换为“�”（U+FFFD），其余内容照常读取；\
每处报告一次，附该字节在文件中的位置（字节偏移）和原值。

**为什么**：一个坏字节不应让整份报告无法读取，但替换掉的字符可能正是一个数字或标签的一部分，\
这是对读取结果的疑问，不是报告本身的错误。大量坏字节的文件（真正的二进制文件）仍然拒绝读取。

**如何修改**：用十六进制编辑器查看所列偏移处的字节，对照原始文件（网页、PDF）核对该处文字；\
文件末尾的半个汉字通常说明下载或转存不完整，应重新获取。",
    example: "本年度共收到申�请3件。（原文件第 71 字节处是 \\xFF）",
};

pub(crate) static X010: RuleInfo = RuleInfo {
    code: "X010",
    name: "ocr-uncertain",
    kind: FindingKind::Extraction,
    severity: Severity::Warning,
    scope: Scope::Report,
    summary:
        "扫描件中的数字经OCR识别把握不足：置信度低、两次识别结果不同，或单元格有笔迹却未能识别",
    explanation: "\
**检查什么**：扫描件（没有文字层的PDF、图片）由OCR识别。每个数字识别两次：一次按中文文本识别，\
一次只识别数字。两次结果不同、置信度低于60，或单元格里有笔迹却识别不出内容时，报告一次，\
列出两种读法和各自的置信度，以及该数字在页面上的位置。

**为什么**：OCR会把“1”读成“7”、把“0”读成“8”。识别不准的数字是对读取结果的疑问，不是报告本身的错误；\
它参与的勾稽关系检查即使不平衡，也只作为识别存疑报告，不认定原文有误。

**如何修改**：对照扫描件原件（或所在页的图像）核对该数字；有文字层的PDF、Word或网页版本时，\
用它代替扫描件。",
    example:
        "第3页：表三「（一）予以公开」行「自然人」列识别为“7”（置信度62），另一读法“1”（置信度58）",
};

/// One finding per doubt of `kind`; `here` labels the doubt's own location.
fn doubts_of(
    kind: DoubtKind,
    info: &'static RuleInfo,
    here: &str,
    report: &Report,
    out: &mut Vec<Finding>,
) {
    for d in report.doubts.iter().filter(|d| d.kind == kind) {
        let mut f = finding(info, d.message.clone());
        label_doubt(&mut f, d, here, report);
        f.notes.extend(d.notes.iter().cloned());
        out.push(f);
    }
}

/// A doubt's place and cells as the finding's labels.
fn label_doubt(f: &mut Finding, d: &gongkai_model::Doubt, here: &str, report: &Report) {
    if d.location.is_some() || d.cells.is_empty() {
        f.labels
            .push(place_label(d.location.clone(), here.to_string()));
    }
    for r in &d.cells {
        match report.cell(r) {
            Some(cell) => f.labels.push(cell_label(
                *r,
                cell,
                format!("{} {}", r.describe_zh(), cell.display()),
            )),
            None => f.labels.push(gongkai_model::Label {
                location: None,
                message: r.describe_zh(),
                cell: Some(*r),
            }),
        }
    }
}

/// X001. Table 三's rows that each lost one cell are one finding, a label per row: a
/// conversion that loses one cell loses it in many rows, and one block per row buried
/// the other findings.
pub(crate) fn inferred_value(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    let (rows, single): (Vec<&gongkai_model::Doubt>, Vec<&gongkai_model::Doubt>) = report
        .doubts
        .iter()
        .filter(|d| d.kind == DoubtKind::InferredValue)
        .partition(|d| {
            !d.cells.is_empty()
                && d.cells
                    .iter()
                    .all(|c| matches!(c, gongkai_model::CellRef::Request { .. }))
        });
    let rows = if rows.len() >= 2 {
        let mut f = finding(
            &X001,
            format!(
                "表三有{}行各只印出6个数值，缺失的一格由表内勾稽关系推定",
                rows.len()
            ),
        );
        // One label per row, on the row where it was printed, naming the cell inferred.
        for d in &rows {
            let cell = d.cells[0];
            let value = report.cell(&cell).map(|c| c.display()).unwrap_or_default();
            f.labels.push(gongkai_model::Label {
                location: d.location.clone(),
                message: format!("推算值：{}为{value}", cell.describe_zh()),
                cell: Some(cell),
            });
        }
        f.notes.push(
            "缺失的单元格可能位于同一行中数值相同的几列中的任一列；这些列的值相同，读数不受影响"
                .into(),
        );
        out.push(f);
        Vec::new()
    } else {
        rows
    };
    for d in rows.into_iter().chain(single) {
        let mut f = finding(&X001, d.message.clone());
        label_doubt(&mut f, d, "推算值", report);
        f.notes.extend(d.notes.iter().cloned());
        out.push(f);
    }
}

/// X002.
pub(crate) fn unrecognised_row(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    doubts_of(DoubtKind::UnrecognisedRow, &X002, "未识别的行", report, out);
}

/// X003.
pub(crate) fn ambiguous_row(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    doubts_of(DoubtKind::AmbiguousRow, &X003, "无法确定列", report, out);
}

/// X005.
pub(crate) fn placed_by_layout(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    doubts_of(DoubtKind::PlacedByLayout, &X005, "按行序归入", report, out);
}

/// X006.
pub(crate) fn run_together_cells(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    doubts_of(DoubtKind::SplitRun, &X006, "连写的数字", report, out);
}

/// X007.
pub(crate) fn unread_part(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    doubts_of(DoubtKind::Unread, &X007, "可能在此", report, out);
}

/// X008.
pub(crate) fn uncertain_metadata(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    let title = report.title.as_ref().and_then(|t| t.location.clone());
    if report.agency.is_none() {
        let mut f = finding(
            &X008,
            "未能从正文确定发布机关（正文没有可识别的标题或机关名称）".into(),
        );
        f.labels.push(place_label(title.clone(), "机关".into()));
        f.notes
            .push("可用 --agency 或 --manifest 给出机关名称".into());
        out.push(f);
    }
    if report.year.is_none() {
        let mut f = finding(&X008, "未能从正文确定报告年度".into());
        f.labels.push(place_label(title, "年度".into()));
        f.notes.push("可用 --year 或 --manifest 给出年度".into());
        out.push(f);
    }
    doubts_of(DoubtKind::Metadata, &X008, "机关或年度", report, out);
}

/// X010.
pub(crate) fn ocr_uncertain(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    doubts_of(DoubtKind::Recognised, &X010, "识别存疑的数字", report, out);
}

/// X009.
pub(crate) fn invalid_bytes(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    doubts_of(DoubtKind::InvalidBytes, &X009, "替换的字节", report, out);
}

/// X004.
pub(crate) fn row_not_found(report: &Report, _ctx: &Ctx, out: &mut Vec<Finding>) {
    doubts_of(DoubtKind::RowNotFound, &X004, "未找到的行", report, out);
}
