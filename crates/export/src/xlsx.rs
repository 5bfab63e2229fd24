//! A formatted Excel workbook for reviewers.
//!
//! Sheets, in order ([`SHEET_NAMES`]):
//! - `报告`: one row per report — identity, edition, finding counts.
//! - `表二 主动公开`: one row per report, one column per cell of table 二. The 2021 and
//!   2019 editions have different columns: the 2021 ones come first, then those only the
//!   2019 edition has (headed "…（2019年版）"); a column the report's edition lacks is grey.
//! - `表三 依申请`: one row per report × table-三 row, with the table's seven applicant
//!   columns — the table as printed, stacked report after report (see [`write_requests`]).
//! - `表四 复议诉讼`: one row per report, the 15 cells under a two-row header.
//! - `问题`: one row per finding.
//! - `指标`: one row per report, the metrics of `gongkai_model::metrics` (rates as %).
//! - `说明`: the metrics' definitions and the legend of cell colours.
//!
//! Blank cells are empty cells, never 0. Counts are numbers; amounts that are plain
//! decimals are numbers shown with the printed number of decimals, other amounts text.
//! Every sheet has a styled, frozen header and an autofilter.

use std::io::Write;
use std::path::Path;

use gongkai_model::metrics::{MetricKind, MetricValue, Metrics, METRICS};
use gongkai_model::schema::{
    active_row, ActiveColumnKey, ActiveRowKey, Edition, RequestColumn, ReviewColumn, ReviewGroup,
    RowEdition, ACTIVE_2019, ACTIVE_2021, REQUEST_ROWS,
};
use gongkai_model::{Cell, FindingKind, Origin, Severity, Value};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use crate::{CoverageSheetRow, ExportError, ExportReport};

/// The sheet names, in workbook order (each ≤ 31 characters, none of `[]:*?/\`).
/// The sheet [`XlsxWriter::add_coverage`] adds, after [`SHEET_NAMES`].
pub const COVERAGE_SHEET_NAME: &str = "覆盖情况";

pub const SHEET_NAMES: [&str; 7] = [
    "报告",
    "表二 主动公开",
    "表三 依申请",
    "表四 复议诉讼",
    "问题",
    "指标",
    "说明",
];

// Cell fills. Pale, so that printed numbers stay readable; explained on the 说明 sheet.
const HEADER_FILL: u32 = 0xDDEBF7;
const INFERRED_FILL: u32 = 0xFFF2CC;
const INVALID_FILL: u32 = 0xFFC7CE;
const NOT_FOUND_FILL: u32 = 0xFCE4D6;
const NOT_APPLICABLE_FILL: u32 = 0xEDEDED;

/// Widest exact amount we write as a number: beyond 15 significant digits an f64 (and
/// Excel) would silently change the printed value.
const MAX_EXACT_DIGITS: usize = 15;
/// Most decimals shown for an amount written as a number; more are kept as text.
const MAX_DECIMALS: usize = 6;

/// A fixed creation time for the document properties: Excel stores one in every file,
/// and a real clock would make two exports of the same data differ.
fn fixed_creation_time() -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(2000, 1, 1)
}

/// How a table cell is highlighted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fill {
    None,
    Inferred,
    Invalid,
    NotFound,
    NotApplicable,
}

impl Fill {
    fn color(self) -> Option<u32> {
        match self {
            Fill::None => None,
            Fill::Inferred => Some(INFERRED_FILL),
            Fill::Invalid => Some(INVALID_FILL),
            Fill::NotFound => Some(NOT_FOUND_FILL),
            Fill::NotApplicable => Some(NOT_APPLICABLE_FILL),
        }
    }
}

fn cell_format(num_format: &str, fill: Fill) -> Format {
    let f = Format::new().set_num_format(num_format);
    match fill.color() {
        Some(c) => f.set_background_color(Color::RGB(c)),
        None => f,
    }
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(HEADER_FILL))
        .set_border(FormatBorder::Thin)
}

fn int_format() -> Format {
    Format::new().set_num_format("0")
}

fn pct_format() -> Format {
    Format::new().set_num_format("0.0%")
}

/// An amount as a number with its printed number of decimals, when it is a plain decimal
/// that an f64 holds exactly as printed; `None` when it must stay text ("12.5万元").
fn amount_number(s: &str) -> Option<(f64, usize)> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && frac.is_empty());
    if !plain || int.len() + frac.len() > MAX_EXACT_DIGITS || frac.len() > MAX_DECIMALS {
        return None;
    }
    Some((s.parse().ok()?, frac.len()))
}

fn decimals_format(decimals: usize) -> String {
    if decimals == 0 {
        "0".to_string()
    } else {
        format!("0.{}", "0".repeat(decimals))
    }
}

/// Write one table cell. `cell` is `None` when the report's format has no such cell
/// (grey); a blank cell is left empty — with a fill only when it was not found at all.
fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: Option<&Cell>,
    not_applicable: Fill,
) -> Result<(), XlsxError> {
    let Some(cell) = cell else {
        if let Some(c) = not_applicable.color() {
            ws.write_blank(row, col, &Format::new().set_background_color(Color::RGB(c)))?;
        }
        return Ok(());
    };
    let fill = match cell.origin {
        Origin::Inferred => Fill::Inferred,
        Origin::NotFound => Fill::NotFound,
        Origin::Printed => Fill::None,
    };
    match &cell.value {
        None => {
            if let Some(c) = fill.color() {
                ws.write_blank(row, col, &Format::new().set_background_color(Color::RGB(c)))?;
            }
        }
        Some(Value::Count(n)) => {
            ws.write_number_with_format(row, col, *n as f64, &cell_format("0", fill))?;
        }
        Some(Value::Amount(s)) => match amount_number(s) {
            Some((x, decimals)) => {
                ws.write_number_with_format(
                    row,
                    col,
                    x,
                    &cell_format(&decimals_format(decimals), fill),
                )?;
            }
            None => {
                ws.write_string_with_format(row, col, s, &cell_format("@", fill))?;
            }
        },
        Some(Value::Invalid(s)) => {
            ws.write_string_with_format(row, col, s, &cell_format("@", Fill::Invalid))?;
        }
    }
    Ok(())
}

/// A header column group: a top label over sub-labels (or alone, spanning both header
/// rows when it has no sub-labels).
struct HeaderGroup {
    top: String,
    subs: Vec<&'static str>,
    width: f64,
}

impl HeaderGroup {
    fn single(top: &str, width: f64) -> HeaderGroup {
        HeaderGroup {
            top: top.to_string(),
            subs: Vec::new(),
            width,
        }
    }
    fn columns(&self) -> usize {
        self.subs.len().max(1)
    }
}

/// Write a two-row header; returns the number of columns.
fn write_header2(ws: &mut Worksheet, groups: &[HeaderGroup]) -> Result<u16, XlsxError> {
    // Heights first: the sheet is written row by row (see [`XlsxWriter`]).
    ws.set_row_height(0, 30)?;
    ws.set_row_height(1, 45)?;
    let hf = header_format();
    // Row 0 complete before row 1: once a later row is written, an earlier one is on disk.
    let mut col: u16 = 0;
    for g in groups {
        let n = g.columns() as u16;
        if g.subs.is_empty() {
            ws.merge_range(0, col, 1, col, &g.top, &hf)?;
            ws.set_column_width(col, g.width)?;
        } else if n > 1 {
            ws.merge_range(0, col, 0, col + n - 1, &g.top, &hf)?;
        } else {
            ws.write_string_with_format(0, col, &g.top, &hf)?;
        }
        col += n;
    }
    let mut col: u16 = 0;
    for g in groups {
        for (i, sub) in g.subs.iter().enumerate() {
            let c = col + i as u16;
            ws.write_string_with_format(1, c, *sub, &hf)?;
            ws.set_column_width(c, g.width)?;
        }
        col += g.columns() as u16;
    }
    Ok(col)
}

/// Write a one-row header of `(label, width)`; returns the number of columns.
fn write_header1(ws: &mut Worksheet, cols: &[(&str, f64)]) -> Result<u16, XlsxError> {
    ws.set_row_height(0, 30)?;
    let hf = header_format();
    for (i, (label, width)) in cols.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *label, &hf)?;
        ws.set_column_width(i as u16, *width)?;
    }
    Ok(cols.len() as u16)
}

/// Freeze the header rows and the identifying columns, filter on the last header row, and
/// set up printing (A4 landscape, one page wide, header repeated on every page) — reviewers
/// print these sheets for meetings.
fn finish_sheet(
    ws: &mut Worksheet,
    header_rows: u32,
    frozen_cols: u16,
    last_row: u32,
    columns: u16,
) -> Result<(), XlsxError> {
    ws.set_freeze_panes(header_rows, frozen_cols)?;
    ws.set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0)
        .set_repeat_rows(0, header_rows - 1)?;
    ws.autofilter(
        header_rows - 1,
        0,
        last_row.max(header_rows - 1),
        columns - 1,
    )?;
    Ok(())
}

/// Width of text in Excel's column-width units: a CJK character takes two.
fn display_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
        .sum()
}

fn edition_zh(e: Option<Edition>) -> &'static str {
    match e {
        Some(Edition::E2021) => "2021年版",
        Some(Edition::E2019) => "2019年版",
        Some(Edition::Legacy) => "旧格式",
        None => "",
    }
}

/// The identifying columns that start a data row: 编号, 机关, 年度.
fn write_ident(ws: &mut Worksheet, row: u32, r: &ExportReport<'_>) -> Result<(), XlsxError> {
    ws.write_number_with_format(row, 0, r.id as f64, &int_format())?;
    ws.write_string(row, 1, r.agency)?;
    if let Some(y) = r.year {
        ws.write_number_with_format(row, 2, y, &int_format())?;
    }
    Ok(())
}

const IDENT: [(&str, f64); 3] = [("编号", 8.0), ("机关", 30.0), ("年度", 7.0)];

fn ident_groups() -> Vec<HeaderGroup> {
    IDENT
        .iter()
        .map(|(l, w)| HeaderGroup::single(l, *w))
        .collect()
}

// ---------------------------------------------------------------------------

fn header_reports(ws: &mut Worksheet) -> Result<u16, XlsxError> {
    write_header1(
        ws,
        &[
            ("编号", 8.0),
            ("机关", 30.0),
            ("年度", 7.0),
            ("原文机关名称", 30.0),
            ("地区", 16.0),
            ("层级", 7.0),
            ("版本号", 7.0),
            ("表格格式", 10.0),
            ("来源", 40.0),
            ("网址", 40.0),
            ("错误", 7.0),
            ("警告", 7.0),
            ("提示", 7.0),
            ("文档问题", 9.0),
            ("识别存疑", 9.0),
            ("读取状态", 10.0),
        ],
    )
}

fn row_reports(ws: &mut Worksheet, row: u32, r: &ExportReport<'_>) -> Result<u32, XlsxError> {
    let int = int_format();
    write_ident(ws, row, r)?;
    if let Some(a) = r.report.agency() {
        ws.write_string(row, 3, a)?;
    }
    ws.write_string(row, 4, r.region)?;
    ws.write_string(row, 5, r.level)?;
    ws.write_number_with_format(row, 6, r.version, &int)?;
    ws.write_string(row, 7, edition_zh(r.report.edition))?;
    ws.write_string(row, 8, r.source)?;
    if let Some(url) = &r.report.url {
        ws.write_string(row, 9, url)?;
    }
    let count = |p: &dyn Fn(&gongkai_model::Finding) -> bool| {
        r.findings.iter().filter(|f| p(f)).count() as f64
    };
    let counts = [
        count(&|f| f.severity == Severity::Error),
        count(&|f| f.severity == Severity::Warning),
        count(&|f| f.severity == Severity::Info),
        count(&|f| f.kind == FindingKind::Document),
        count(&|f| f.kind == FindingKind::Extraction),
    ];
    for (j, n) in counts.into_iter().enumerate() {
        ws.write_number_with_format(row, 10 + j as u16, n, &int)?;
    }
    // Statistics can leave out what was not read.
    ws.write_string(row, 15, r.report.reading_zh())?;
    Ok(1)
}

/// The columns of the wide table 二: every (row, column) of the 2021 edition, then those
/// only the 2019 edition has, grouped by row for the two-row header.
/// One table-二 row's columns in the wide sheet, under one header label.
struct ActiveGroup {
    top: String,
    /// (row, column, column label).
    cols: Vec<(ActiveRowKey, ActiveColumnKey, &'static str)>,
}

fn active_columns() -> Vec<ActiveGroup> {
    let mut seen: Vec<(ActiveRowKey, ActiveColumnKey)> = Vec::new();
    let mut groups = Vec::new();
    for (defs, suffix) in [(ACTIVE_2021, ""), (ACTIVE_2019, "（2019年版）")] {
        for def in defs {
            let cols: Vec<_> = def
                .columns
                .iter()
                .filter(|c| !seen.contains(&(def.key, c.key)))
                .map(|c| (def.key, c.key, c.label))
                .collect();
            if cols.is_empty() {
                continue;
            }
            seen.extend(cols.iter().map(|(r, c, _)| (*r, *c)));
            groups.push(ActiveGroup {
                top: format!("{}{suffix}", def.label),
                cols,
            });
        }
    }
    groups
}

fn header_active(ws: &mut Worksheet, layout: &[ActiveGroup]) -> Result<u16, XlsxError> {
    let mut groups = ident_groups();
    groups.push(HeaderGroup::single("表格格式", 10.0));
    for g in layout {
        groups.push(HeaderGroup {
            top: g.top.clone(),
            subs: g.cols.iter().map(|(_, _, l)| *l).collect(),
            width: 11.0,
        });
    }
    write_header2(ws, &groups)
}

fn row_active(
    ws: &mut Worksheet,
    row: u32,
    r: &ExportReport<'_>,
    layout: &[ActiveGroup],
) -> Result<u32, XlsxError> {
    write_ident(ws, row, r)?;
    let table = r.report.active.as_ref();
    ws.write_string(row, 3, edition_zh(table.map(|t| t.edition)))?;
    let mut col: u16 = 4;
    for g in layout {
        for &(rk, ck, _) in &g.cols {
            let (cell, na) = match table {
                // Table 二 not found: the whole table is missing, unless the report is
                // in the legacy layout, whose format has no such table.
                None if r.report.edition == Some(Edition::Legacy) => (None, Fill::NotApplicable),
                None => (None, Fill::NotFound),
                Some(t) => match active_row(t.edition, rk) {
                    Some(def) if def.columns.iter().any(|c| c.key == ck) => {
                        // A row of the edition missing from the table is not found.
                        (t.cell(rk, ck), Fill::NotFound)
                    }
                    _ => (None, Fill::NotApplicable),
                },
            };
            write_cell(ws, row, col, cell, na)?;
            col += 1;
        }
    }
    Ok(1)
}

/// Table 三 is written long: one sheet row per report × table row, the seven applicant
/// columns across — the shape of the printed table, stacked report after report.
///
/// Why not one row per report with 25 × 7 = 175 columns: nobody can read or compare 175
/// columns, while in this shape a reviewer filters 项目 to one row (say 「（七）总计」) and
/// sees every agency's figures side by side, sums a column with the autofilter applied,
/// and recognises each report's block as the table in the report. A report's rows come in
/// the format's order for the layout it printed (23 rows for the 2019 （六）其他处理, 25 for
/// 2021); rows of that layout it lacks are written with empty orange cells. Reports with no
/// table 三 (legacy layout) have no rows here.
fn header_requests(ws: &mut Worksheet) -> Result<u16, XlsxError> {
    let mut groups = ident_groups();
    groups.push(HeaderGroup::single("项目", 54.0));
    groups.push(HeaderGroup::single(
        RequestColumn::NaturalPerson.label(),
        9.0,
    ));
    groups.push(HeaderGroup {
        top: "法人或其他组织".to_string(),
        subs: RequestColumn::ALL[1..6].iter().map(|c| c.label()).collect(),
        width: 9.0,
    });
    groups.push(HeaderGroup::single(RequestColumn::Total.label(), 9.0));
    groups.push(HeaderGroup::single("行代码", 36.0));
    write_header2(ws, &groups)
}

fn rows_requests(ws: &mut Worksheet, first: u32, r: &ExportReport<'_>) -> Result<u32, XlsxError> {
    let Some(t) = &r.report.requests else {
        return Ok(0);
    };
    // Indented, so the key does not run into the 总计 figure to its left.
    let key_format = Format::new().set_indent(1);
    let mut row = first;
    let split = t.splits_other_handling();
    for def in REQUEST_ROWS {
        let in_layout = match def.edition {
            RowEdition::Both => true,
            RowEdition::Only2021 => split,
            RowEdition::Only2019 => !split,
        };
        let found = t.row(def.key);
        if !in_layout && found.is_none() {
            continue;
        }
        write_ident(ws, row, r)?;
        ws.write_string(row, 3, def.short)?;
        for c in RequestColumn::ALL {
            let cell = found.map(|f| &f.cells[c.index()]);
            write_cell(ws, row, 4 + c.index() as u16, cell, Fill::NotFound)?;
        }
        ws.write_string_with_format(row, 11, def.key.key(), &key_format)?;
        row += 1;
    }
    Ok(row - first)
}

fn header_review(ws: &mut Worksheet) -> Result<u16, XlsxError> {
    let mut groups = ident_groups();
    for g in ReviewGroup::ALL {
        groups.push(HeaderGroup {
            top: g.label().to_string(),
            subs: ReviewColumn::ALL.iter().map(|c| c.label()).collect(),
            width: 9.0,
        });
    }
    write_header2(ws, &groups)
}

fn row_review(ws: &mut Worksheet, row: u32, r: &ExportReport<'_>) -> Result<u32, XlsxError> {
    write_ident(ws, row, r)?;
    let mut col: u16 = 3;
    for g in ReviewGroup::ALL {
        for c in ReviewColumn::ALL {
            let cell = r.report.review.as_ref().map(|t| t.cell(g, c));
            let na = if r.report.edition == Some(Edition::Legacy) {
                Fill::NotApplicable
            } else {
                Fill::NotFound
            };
            write_cell(ws, row, col, cell, na)?;
            col += 1;
        }
    }
    Ok(1)
}

fn header_findings(ws: &mut Worksheet) -> Result<u16, XlsxError> {
    write_header1(
        ws,
        &[
            ("编号", 8.0),
            ("机关", 30.0),
            ("年度", 7.0),
            ("代码", 7.0),
            ("名称", 28.0),
            ("类别", 9.0),
            ("严重程度", 9.0),
            ("位置", 22.0),
            ("说明", 100.0),
        ],
    )
}

fn rows_findings(ws: &mut Worksheet, first: u32, r: &ExportReport<'_>) -> Result<u32, XlsxError> {
    let mut row = first;
    for f in r.findings {
        write_ident(ws, row, r)?;
        ws.write_string(row, 3, &f.code)?;
        ws.write_string(row, 4, &f.name)?;
        ws.write_string(row, 5, f.kind.display_zh())?;
        ws.write_string(row, 6, f.severity.display_zh())?;
        if let Some(loc) = f.location() {
            ws.write_string(row, 7, loc.describe_zh())?;
        }
        // Last, so that a long message overflows into the empty cells to its right.
        ws.write_string(row, 8, &f.message)?;
        row += 1;
    }
    Ok(row - first)
}

/// The first metric column of the 指标 sheet.
const FIRST_METRIC: u16 = 5;

fn header_metrics(ws: &mut Worksheet) -> Result<u16, XlsxError> {
    // 地区 and 层级 too: metrics are compared among agencies of one level or region.
    let mut header: Vec<(&str, f64)> = IDENT.to_vec();
    header.extend([("地区", 16.0), ("层级", 7.0)]);
    debug_assert_eq!(header.len(), FIRST_METRIC as usize);
    header.extend(METRICS.iter().map(|m| (m.label, 11.0)));
    write_header1(ws, &header)
}

fn row_metrics(ws: &mut Worksheet, row: u32, r: &ExportReport<'_>) -> Result<u32, XlsxError> {
    let (int, pct) = (int_format(), pct_format());
    write_ident(ws, row, r)?;
    ws.write_string(row, 3, r.region)?;
    ws.write_string(row, 4, r.level)?;
    let m = Metrics::of(r.report);
    for (j, (_, v)) in m.values().enumerate() {
        let col = FIRST_METRIC + j as u16;
        match v {
            // Not computable: an empty cell, never 0.
            None => {}
            Some(MetricValue::Count(n)) => {
                ws.write_number_with_format(row, col, n as f64, &int)?;
            }
            Some(MetricValue::Rate(x)) => {
                ws.write_number_with_format(row, col, x, &pct)?;
            }
        }
    }
    Ok(1)
}

fn write_notes(ws: &mut Worksheet) -> Result<(), XlsxError> {
    // Each row's height is set while it is still the row being written: the sheet goes
    // to disk in row order.
    const NAME_WIDTH: f64 = 22.0;
    const DEFINITION_WIDTH: f64 = 90.0;
    let cols = write_header1(
        ws,
        &[
            ("代码", 28.0),
            ("名称", NAME_WIDTH),
            ("定义", DEFINITION_WIDTH),
        ],
    )?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    // Excel does not grow a row for wrapped text it did not lay out itself: set the height.
    let fit = |ws: &mut Worksheet, row: u32, text: &str, width: f64| -> Result<(), XlsxError> {
        let lines = (display_width(text) / (width - 2.0)).ceil().max(1.0);
        ws.set_row_height(row, 15.0 * lines)?;
        Ok(())
    };
    let mut row: u32 = 1;
    let top = Format::new().set_align(FormatAlign::Top);
    for m in METRICS {
        ws.write_string_with_format(row, 0, m.id, &top)?;
        let unit = match m.kind {
            MetricKind::Count => "（件）",
            MetricKind::Rate => "（%）",
        };
        ws.write_string_with_format(row, 1, format!("{}{unit}", m.label), &top)?;
        ws.write_string_with_format(row, 2, m.definition, &wrap)?;
        fit(ws, row, m.definition, DEFINITION_WIDTH)?;
        row += 1;
    }
    let last_metric_row = row - 1;
    row += 1;
    let bold = Format::new().set_bold();
    ws.write_string_with_format(row, 0, "单元格与颜色", &bold)?;
    row += 1;
    let legend: [(&str, Option<u32>, &str); 7] = [
        (
            "空白",
            None,
            "报告中该格为空白（未填写），不是0；指标无法计算（有空白或无效的单元格、分母为0）时也留空。",
        ),
        (
            "黄色底",
            Some(INFERRED_FILL),
            "原文未印出该数值（转换时丢失），按表格勾稽关系推定；「问题」表中另有识别存疑。",
        ),
        (
            "红色底",
            Some(INVALID_FILL),
            "原文所填不是有效数值（如“若干”），按原文照录为文本。",
        ),
        (
            "橙色底",
            Some(NOT_FOUND_FILL),
            "原文中未找到该行或该表。",
        ),
        (
            "灰色底",
            Some(NOT_APPLICABLE_FILL),
            "该报告所用格式没有这一格（如2021年版与2019年版表二栏目不同，旧格式没有统计表）。",
        ),
        (
            "金额",
            None,
            "表二金额为纯数字时按数值写入，显示原文的小数位；带单位等非纯数字的金额按原文照录为文本。",
        ),
        (
            "表三",
            None,
            "「表三 依申请」每份报告占若干行，每行对应表三的一行；可按「项目」筛选，横向比较各机关同一行的数字。",
        ),
    ];
    for (name, fill, text) in legend {
        match fill {
            Some(c) => {
                ws.write_string_with_format(
                    row,
                    0,
                    name,
                    &Format::new().set_background_color(Color::RGB(c)),
                )?;
            }
            None => {
                ws.write_string(row, 0, name)?;
            }
        }
        ws.merge_range(row, 1, row, 2, text, &wrap)?;
        fit(ws, row, text, NAME_WIDTH + DEFINITION_WIDTH)?;
        row += 1;
    }
    finish_sheet(ws, 1, 0, last_metric_row, cols)
}

/// The data sheets, in workbook order: what each writes for one report.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sheet {
    Reports,
    Active,
    Requests,
    Review,
    Findings,
    Metrics,
}

impl Sheet {
    const ALL: [Sheet; 6] = [
        Sheet::Reports,
        Sheet::Active,
        Sheet::Requests,
        Sheet::Review,
        Sheet::Findings,
        Sheet::Metrics,
    ];

    /// Header rows and frozen identifying columns.
    fn layout(self) -> (u32, u16) {
        match self {
            Sheet::Reports | Sheet::Metrics => (1, 2),
            Sheet::Active => (2, 2),
            Sheet::Requests => (2, 4),
            Sheet::Review => (2, 3),
            Sheet::Findings => (1, 0),
        }
    }
}

/// The workbook written one report at a time, in bounded memory.
///
/// Each sheet is a "low memory" worksheet of rust_xlsxwriter: a row goes to a temporary
/// file as soon as the next row is started, so only the strings table (every distinct
/// text once) grows with the corpus — not the cells. The sheets are filled side by
/// side, each in row order, so every report is needed once and can be dropped after
/// [`XlsxWriter::write_report`]. The temporary files go to the system's temporary
/// folder (`TMPDIR`) and are removed when the writer is dropped.
pub struct XlsxWriter {
    workbook: Workbook,
    layout: Vec<ActiveGroup>,
    /// Per data sheet: the next row to write and the number of columns.
    next_row: [u32; 6],
    columns: [u16; 6],
}

impl XlsxWriter {
    /// A workbook with its headers and the 说明 sheet written.
    pub fn new() -> Result<XlsxWriter, ExportError> {
        let mut workbook = Workbook::new();
        workbook.set_properties(
            &DocProperties::new()
                .set_title("政府信息公开工作年度报告 数据导出")
                .set_author("gongkai")
                .set_creation_datetime(&fixed_creation_time()?),
        );
        let layout = active_columns();
        let mut next_row = [0; 6];
        let mut columns = [0; 6];
        for (i, sheet) in Sheet::ALL.into_iter().enumerate() {
            let ws = workbook.add_worksheet_with_low_memory()?;
            ws.set_name(SHEET_NAMES[i])?;
            columns[i] = match sheet {
                Sheet::Reports => header_reports(ws)?,
                Sheet::Active => header_active(ws, &layout)?,
                Sheet::Requests => header_requests(ws)?,
                Sheet::Review => header_review(ws)?,
                Sheet::Findings => header_findings(ws)?,
                Sheet::Metrics => header_metrics(ws)?,
            };
            next_row[i] = sheet.layout().0;
        }
        let ws = workbook.add_worksheet_with_low_memory()?;
        ws.set_name(SHEET_NAMES[6])?;
        write_notes(ws)?;
        Ok(XlsxWriter {
            workbook,
            layout,
            next_row,
            columns,
        })
    }

    /// Adds one report's rows to every sheet.
    pub fn write_report(&mut self, r: &ExportReport<'_>) -> Result<(), ExportError> {
        for (i, sheet) in Sheet::ALL.into_iter().enumerate() {
            let ws = self.workbook.worksheet_from_index(i)?;
            let row = self.next_row[i];
            let written = match sheet {
                Sheet::Reports => row_reports(ws, row, r)?,
                Sheet::Active => row_active(ws, row, r, &self.layout)?,
                Sheet::Requests => rows_requests(ws, row, r)?,
                Sheet::Review => row_review(ws, row, r)?,
                Sheet::Findings => rows_findings(ws, row, r)?,
                Sheet::Metrics => row_metrics(ws, row, r)?,
            };
            self.next_row[i] = row + written;
        }
        Ok(())
    }

    /// Adds the coverage sheet ([`COVERAGE_SHEET_NAME`]) after the others: every body
    /// that must report for `title` (a region and year), with its status. Written whole
    /// here, so call it once.
    pub fn add_coverage(
        &mut self,
        title: &str,
        rows: &[CoverageSheetRow],
    ) -> Result<(), ExportError> {
        let ws = self.workbook.add_worksheet_with_low_memory()?;
        ws.set_name(COVERAGE_SHEET_NAME)?;
        let cols = write_header1(
            ws,
            &[
                ("名称", 34.0),
                ("区划代码", 12.0),
                ("地区", 30.0),
                ("机构类别", 12.0),
                ("应报依据", 14.0),
                ("状态", 10.0),
                ("报告编号", 9.0),
                ("语料库中的机关", 34.0),
                ("发布日期", 12.0),
                ("落款日期", 12.0),
                ("期限", 12.0),
                ("说明", 40.0),
            ],
        )?;
        ws.set_header(format!("&C{title}"));
        let late = Format::new().set_background_color(Color::RGB(0xFFE699));
        let missing = Format::new().set_background_color(Color::RGB(0xF4B6B6));
        for (i, r) in rows.iter().enumerate() {
            let row = i as u32 + 1;
            ws.write_string(row, 0, &r.name)?;
            ws.write_string(row, 1, &r.code)?;
            ws.write_string(row, 2, &r.region)?;
            ws.write_string(row, 3, &r.body)?;
            ws.write_string(row, 4, &r.basis)?;
            match r.status.as_str() {
                "未发现" => ws.write_string_with_format(row, 5, &r.status, &missing)?,
                "逾期发布" => ws.write_string_with_format(row, 5, &r.status, &late)?,
                _ => ws.write_string(row, 5, &r.status)?,
            };
            if let Some(id) = r.report_id {
                ws.write_number_with_format(row, 6, id as f64, &int_format())?;
            }
            ws.write_string(row, 7, &r.agency)?;
            ws.write_string(row, 8, &r.published)?;
            ws.write_string(row, 9, &r.signed)?;
            ws.write_string(row, 10, &r.deadline)?;
            ws.write_string(row, 11, &r.note)?;
        }
        finish_sheet(ws, 1, 1, rows.len() as u32, cols)?;
        Ok(())
    }

    /// Freezes the headers, sets the filters and print titles, and writes the file.
    pub fn finish(mut self, out: impl Write + Send) -> Result<(), ExportError> {
        for (i, sheet) in Sheet::ALL.into_iter().enumerate() {
            let (header_rows, frozen) = sheet.layout();
            let ws = self.workbook.worksheet_from_index(i)?;
            finish_sheet(
                ws,
                header_rows,
                frozen,
                self.next_row[i] - 1,
                self.columns[i],
            )?;
        }
        self.workbook.save_to_writer(out)?;
        Ok(())
    }
}

/// The workbook as bytes (an .xlsx file). Deterministic: the document's creation time is
/// fixed (2000-01-01) and the zip entries carry no timestamps, so equal input gives equal bytes.
///
/// A sheet holds at most 1,048,576 rows (Excel's limit), i.e. about 40,000 reports in
/// `表三 依申请` — beyond that this returns an error. For a large corpus use
/// [`XlsxWriter`], which does not need every report at once.
pub fn workbook_bytes(reports: &[ExportReport<'_>]) -> Result<Vec<u8>, ExportError> {
    let mut out = Vec::new();
    write_xlsx(&mut out, reports)?;
    Ok(out)
}

/// Write the workbook (see [`workbook_bytes`]) to `out`.
pub fn write_xlsx(
    out: &mut (dyn Write + Send),
    reports: &[ExportReport<'_>],
) -> Result<(), ExportError> {
    let mut w = XlsxWriter::new()?;
    for r in reports {
        w.write_report(r)?;
    }
    w.finish(&mut *out)?;
    out.flush()?;
    Ok(())
}

/// [`write_xlsx`] to a file (created or truncated).
pub fn write_xlsx_path(path: &Path, reports: &[ExportReport<'_>]) -> Result<(), ExportError> {
    let mut f = crate::create_file(path)?;
    write_xlsx(&mut f, reports).map_err(|e| match e {
        ExportError::Io(source) => ExportError::File {
            path: path.to_path_buf(),
            source,
        },
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_that_are_numbers() {
        assert_eq!(amount_number("12372.0506"), Some((12372.0506, 4)));
        assert_eq!(amount_number("0"), Some((0.0, 0)));
        assert_eq!(amount_number("-3.5"), Some((-3.5, 1)));
        assert_eq!(amount_number("12.5万元"), None);
        assert_eq!(amount_number("1."), None);
        assert_eq!(amount_number(".5"), None);
        assert_eq!(amount_number(""), None);
        assert_eq!(amount_number("1.1234567"), None);
        assert_eq!(amount_number("1234567890123456"), None);
        assert_eq!(decimals_format(0), "0");
        assert_eq!(decimals_format(4), "0.0000");
    }

    #[test]
    fn sheet_names_are_valid() {
        for name in SHEET_NAMES {
            assert!(name.chars().count() <= 31, "{name}");
            assert!(
                !name.contains(['[', ']', ':', '*', '?', '/', '\\']),
                "{name}"
            );
        }
    }

    #[test]
    fn active_columns_cover_both_editions_once() {
        let groups = active_columns();
        let n: usize = groups.iter().map(|g| g.cols.len()).sum();
        // 2021: 3 + 3 + 1 + 1 + 1 + 1 = 10; 2019 adds 3 + 3 + 2 + 3 + 2 + 2 + 2 + 2 = 19
        // (its 处理决定数量 of 行政许可/处罚/强制 are the 2021 columns).
        assert_eq!(n, 29);
        assert_eq!(groups[0].top, "规章");
        assert_eq!(groups[6].top, "规章（2019年版）");
    }
}
