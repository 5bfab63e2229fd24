//! Test support: a consistent 2021 report built programmatically, rendered to text so that
//! every section, heading and cell has a real location, and a `Locate` over that text.
//!
//! Each test starts from `Builder::default().build()` (or changes the prose first), mutates
//! one thing, and asserts exactly which findings appear.

#![allow(dead_code)]

use std::ops::Range;

use gongkai_check::{check, Selection};
use gongkai_model::schema::{
    active_row, request_rows, ActiveColumnKey, ActiveRowKey, Edition, RequestColumn, RequestRowKey,
    ReviewColumn, ReviewGroup, SectionKind,
};
use gongkai_model::{
    ActiveRow, ActiveTable, Cell, Finding, Locate, Located, Location, Report, RequestRow,
    RequestTable, ReviewTable, Section, SourceFormat, Value,
};

pub const AGENCY: &str = "测试区人民政府办公室";

/// A report with the text it was "read" from.
pub struct Doc {
    pub report: Report,
    pub text: String,
}

impl Locate for Doc {
    fn locate(&self, r: Range<usize>) -> Option<Location> {
        text_location(&self.text, r)
    }
}

/// The text location of a byte range of `text` (1-based line, 1-based char columns).
pub fn text_location(text: &str, r: Range<usize>) -> Option<Location> {
    let before = text.get(..r.start)?;
    let span = text.get(r.clone())?;
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() as u32 + 1;
    let end_column = column + span.chars().count() as u32;
    Some(Location::Text {
        start: r.start as u32,
        end: r.end as u32,
        line,
        column,
        end_column,
    })
}

/// Table 三 of the default report, per row key: the seven columns.
/// Natural persons: 7 new + 1 carried = 7 processed + 1 forward; companies: 2 + 0 = 2 + 0.
pub fn default_requests() -> Vec<(RequestRowKey, [i64; 7])> {
    use RequestRowKey::*;
    request_rows(true)
        .map(|d| {
            let v = match d.key {
                NewReceived => [7, 2, 0, 0, 0, 0, 9],
                CarriedOver => [1, 0, 0, 0, 0, 0, 1],
                Granted => [4, 1, 0, 0, 0, 0, 5],
                PartiallyGranted => [1, 0, 0, 0, 0, 0, 1],
                DeniedThirdPartyRights => [1, 0, 0, 0, 0, 0, 1],
                UnableNotHeld => [1, 0, 0, 0, 0, 0, 1],
                NotProcessedRepeated => [0, 1, 0, 0, 0, 0, 1],
                TotalProcessed => [7, 2, 0, 0, 0, 0, 9],
                CarriedForward => [1, 0, 0, 0, 0, 0, 1],
                _ => [0; 7],
            };
            (d.key, v)
        })
        .collect()
}

/// Table 四 of the default report: 2 reviews (1 upheld, 1 corrected), 1 direct lawsuit (upheld).
pub fn default_review() -> [[i64; 5]; 3] {
    [[1, 1, 0, 0, 2], [1, 0, 0, 0, 1], [0, 0, 0, 0, 0]]
}

/// Builds a consistent report; the prose of sections 一, 五 and 六 can be replaced.
#[derive(Clone)]
pub struct Builder {
    pub year: i32,
    pub overview: String,
    pub problems: String,
    pub other: String,
    pub requests: Vec<(RequestRowKey, [i64; 7])>,
    pub review: [[i64; 5]; 3],
    pub fees: String,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::for_year(2021)
    }
}

impl Builder {
    pub fn for_year(year: i32) -> Builder {
        Builder {
            year,
            overview: format!(
                "{year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政府信息公开工作。\n\
                 （一）主动公开情况。全年主动公开政府信息120条，其中政策文件20件。\n\
                 （二）依申请公开情况。全年共受理政府信息公开申请9件，均在法定期限内予以答复。\n\
                 因政府信息公开发生行政复议案件2件、行政诉讼1件。\n\
                 （三）政府信息管理情况。严格执行公开属性源头认定和发布审查制度。\n"
            ),
            problems: "一是政策解读形式不够丰富；二是政务公开队伍建设有待加强。\n\
                       下一步，将加强业务培训，提升政务公开工作水平。\n"
                .to_string(),
            other: "本年度未收取信息处理费。\n".to_string(),
            requests: default_requests(),
            review: default_review(),
            fees: "0".to_string(),
        }
    }
    pub fn overview(mut self, s: &str) -> Builder {
        self.overview = format!("{s}\n");
        self
    }
    pub fn problems(mut self, s: &str) -> Builder {
        self.problems = format!("{s}\n");
        self
    }
    pub fn other(mut self, s: &str) -> Builder {
        self.other = format!("{s}\n");
        self
    }
    /// Every table-三 and table-四 cell 0.
    pub fn zero_tables(mut self) -> Builder {
        for r in &mut self.requests {
            r.1 = [0; 7];
        }
        self.review = [[0; 5]; 3];
        self
    }
    /// Table 三 with the given 一、本年新收 (natural persons only), all granted, nothing carried.
    pub fn received(mut self, n: i64) -> Builder {
        use RequestRowKey::*;
        for r in &mut self.requests {
            r.1 = match r.0 {
                NewReceived | Granted | TotalProcessed => [n, 0, 0, 0, 0, 0, n],
                _ => [0; 7],
            };
        }
        self
    }
    pub fn review(mut self, review: [[i64; 5]; 3]) -> Builder {
        self.review = review;
        self
    }
    pub fn fees(mut self, amount: &str) -> Builder {
        self.fees = amount.to_string();
        self
    }

    pub fn build(&self) -> Doc {
        let mut w = Writer::default();
        let title = format!("{AGENCY}{}年政府信息公开工作年度报告", self.year);
        let title_loc = w.line(&title);
        w.line("");
        let mut report = Report {
            source: "test.txt".into(),
            format: SourceFormat::Text,
            title: Some(Located::new(title.clone(), title_loc.clone())),
            agency: Some(Located::new(AGENCY.to_string(), title_loc.clone())),
            year: Some(Located::new(self.year, title_loc)),
            edition: Some(Edition::E2021),
            ..Report::default()
        };
        for kind in SectionKind::ALL {
            let heading = format!("{}、{}", kind.numeral(), kind.title());
            let heading_location = w.line(&heading);
            let body_offset = w.text.len();
            match kind {
                SectionKind::Overview => w.raw(&self.overview),
                SectionKind::Problems => w.raw(&self.problems),
                SectionKind::Other => w.raw(&self.other),
                SectionKind::ActiveDisclosure => {
                    report.active = Some(self.write_active(&mut w));
                }
                SectionKind::Requests => {
                    report.requests = Some(self.write_requests(&mut w));
                }
                SectionKind::ReviewLitigation => {
                    report.review = Some(self.write_review(&mut w));
                }
            }
            let body = w.text[body_offset..].to_string();
            w.line("");
            report.sections.push(Section {
                kind,
                heading,
                heading_location,
                body,
                body_offset,
            });
        }
        Doc {
            report,
            text: w.text,
        }
    }

    fn write_active(&self, w: &mut Writer) -> ActiveTable {
        let mut t = ActiveTable::empty(Edition::E2021);
        let values: &[(ActiveRowKey, &[&str])] = &[
            (ActiveRowKey::Regulations, &["0", "0", "0"]),
            (ActiveRowKey::NormativeDocuments, &["2", "1", "10"]),
            (ActiveRowKey::Licensing, &["100"]),
            (ActiveRowKey::Penalty, &["20"]),
            (ActiveRowKey::Coercion, &["0"]),
            (ActiveRowKey::Fees, &[self.fees.as_str()]),
        ];
        w.line("信息内容 本年制发件数 本年废止件数 现行有效件数");
        for (key, vals) in values {
            let Some(def) = active_row(Edition::E2021, *key) else {
                continue;
            };
            let (label_loc, locs) = w.row(def.label, vals);
            let cells = vals
                .iter()
                .zip(locs)
                .zip(def.columns)
                .map(|((v, loc), col)| {
                    let value = match col.kind {
                        gongkai_model::schema::ValueKind::Amount => Value::Amount(v.to_string()),
                        _ => v
                            .parse()
                            .map(Value::Count)
                            .unwrap_or_else(|_| Value::Invalid(v.to_string())),
                    };
                    Cell {
                        value: Some(value),
                        printed: None,
                        origin: Default::default(),
                        location: loc,
                    }
                })
                .collect();
            if let Some(row) = t.row_mut(*key) {
                *row = ActiveRow {
                    key: *key,
                    label: Some(Located::new(def.label.to_string(), label_loc)),
                    cells,
                };
            }
        }
        t
    }

    fn write_requests(&self, w: &mut Writer) -> RequestTable {
        w.line("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）");
        w.line("申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计");
        let mut rows = Vec::new();
        for (key, vals) in &self.requests {
            let strs: Vec<String> = vals.iter().map(i64::to_string).collect();
            let strs: Vec<&str> = strs.iter().map(String::as_str).collect();
            let label = key.def().label;
            let (label_loc, locs) = w.row(label, &strs);
            let cells: Vec<Cell> = vals
                .iter()
                .zip(locs)
                .map(|(v, loc)| Cell::count(*v, loc))
                .collect();
            let Ok(cells) = <[Cell; 7]>::try_from(cells) else {
                panic!("seven cells");
            };
            rows.push(RequestRow {
                key: *key,
                label: Some(Located::new(label.to_string(), label_loc)),
                cells,
            });
        }
        RequestTable { rows }
    }

    fn write_review(&self, w: &mut Writer) -> ReviewTable {
        w.line("行政复议 行政诉讼");
        w.line("结果维持 结果纠正 其他结果 尚未审结 总计");
        let flat: Vec<String> = self.review.iter().flatten().map(i64::to_string).collect();
        let strs: Vec<&str> = flat.iter().map(String::as_str).collect();
        let (_, locs) = w.row("", &strs);
        let mut t = ReviewTable::default();
        for (i, loc) in locs.into_iter().enumerate() {
            t.cells[i / 5][i % 5] = Cell::count(self.review[i / 5][i % 5], loc);
        }
        t
    }
}

/// Appends lines to a text and returns the locations of what it wrote.
#[derive(Default)]
struct Writer {
    text: String,
}

impl Writer {
    fn raw(&mut self, s: &str) {
        self.text.push_str(s);
    }
    /// Writes one line; returns the location of its content.
    fn line(&mut self, s: &str) -> Option<Location> {
        let start = self.text.len();
        self.text.push_str(s);
        let end = self.text.len();
        self.text.push('\n');
        text_location(&self.text, start..end)
    }
    /// Writes "label v1 v2 …"; returns the label's location and each value's.
    fn row(&mut self, label: &str, values: &[&str]) -> (Option<Location>, Vec<Option<Location>>) {
        let start = self.text.len();
        self.text.push_str(label);
        let label_loc = text_location(&self.text, start..self.text.len());
        let mut locs = Vec::new();
        for v in values {
            if !self.text.ends_with('\n') && self.text.len() > start {
                self.text.push(' ');
            }
            let s = self.text.len();
            self.text.push_str(v);
            locs.push(text_location(&self.text, s..self.text.len()));
        }
        self.text.push('\n');
        (label_loc, locs)
    }
}

// ---------------------------------------------------------------------------
// Running and mutating
// ---------------------------------------------------------------------------

pub fn consistent() -> Doc {
    Builder::default().build()
}

/// Every enabled rule, with the locator.
pub fn run(doc: &Doc) -> Vec<Finding> {
    check(&doc.report, Some(doc), &Selection::all())
}

/// Only the rules selected by `select` (codes, prefixes, names).
pub fn run_only(doc: &Doc, select: &[&str]) -> Vec<Finding> {
    let sel: Vec<String> = select.iter().map(|s| s.to_string()).collect();
    let Ok(selection) = Selection::new(&sel, &[]) else {
        panic!("bad selection {select:?}");
    };
    check(&doc.report, Some(doc), &selection)
}

pub fn codes(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.code.as_str()).collect()
}

pub fn messages(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.message.as_str()).collect()
}

pub fn req_cell(report: &mut Report, row: RequestRowKey, col: RequestColumn) -> &mut Cell {
    let Some(t) = report.requests.as_mut() else {
        panic!("no table 三");
    };
    let Some(r) = t.rows.iter_mut().find(|r| r.key == row) else {
        panic!("no row {row:?}");
    };
    &mut r.cells[col.index()]
}

/// Sets a table-三 cell: `Some(n)` a count, `None` blank.
pub fn set3(report: &mut Report, row: RequestRowKey, col: RequestColumn, v: Option<i64>) {
    req_cell(report, row, col).value = v.map(Value::Count);
}

pub fn rev_cell(report: &mut Report, g: ReviewGroup, c: ReviewColumn) -> &mut Cell {
    let Some(t) = report.review.as_mut() else {
        panic!("no table 四");
    };
    &mut t.cells[g.index()][c.index()]
}

pub fn set4(report: &mut Report, g: ReviewGroup, c: ReviewColumn, v: Option<i64>) {
    rev_cell(report, g, c).value = v.map(Value::Count);
}

pub fn active_cell(report: &mut Report, row: ActiveRowKey, col: ActiveColumnKey) -> &mut Cell {
    let Some(t) = report.active.as_mut() else {
        panic!("no table 二");
    };
    let Some(def) = active_row(t.edition, row) else {
        panic!("no row {row:?}");
    };
    let Some(i) = def.columns.iter().position(|c| c.key == col) else {
        panic!("no column {col:?}");
    };
    let Some(r) = t.row_mut(row) else {
        panic!("no row {row:?}");
    };
    &mut r.cells[i]
}

/// Rewrites table 三 in the 2019 layout: the three （六） sub-rows become one
/// `OtherHandling` row holding their sums.
pub fn to_2019_layout(report: &mut Report) {
    let Some(t) = report.requests.as_mut() else {
        return;
    };
    let subs = [
        RequestRowKey::OtherNoCorrection,
        RequestRowKey::OtherFeeUnpaid,
        RequestRowKey::OtherOther,
    ];
    let Some(pos) = t.rows.iter().position(|r| subs.contains(&r.key)) else {
        return;
    };
    let mut sums = [0i64; 7];
    for r in t.rows.iter().filter(|r| subs.contains(&r.key)) {
        for (i, c) in r.cells.iter().enumerate() {
            sums[i] += c.int().unwrap_or(0);
        }
    }
    let location = t.rows[pos].cells[0].location.clone();
    let label = t.rows[pos].label.clone();
    t.rows.retain(|r| !subs.contains(&r.key));
    t.rows.insert(
        pos,
        RequestRow {
            key: RequestRowKey::OtherHandling,
            label: label.map(|l| Located::new("（六）其他处理".to_string(), l.location)),
            cells: sums.map(|n| Cell::count(n, location.clone())),
        },
    );
}

/// Replaces table 二 by a 2019-edition table of zeros (the fee row's 本年增/减 included).
pub fn active_2019_zeros(report: &mut Report) {
    let mut t = ActiveTable::empty(Edition::E2019);
    for row in &mut t.rows {
        for c in &mut row.cells {
            *c = Cell::count(0, None);
        }
    }
    if let Some(row) = t.row_mut(ActiveRowKey::Procurement) {
        row.cells[1] = Cell {
            value: Some(Value::Amount("0".into())),
            ..Cell::default()
        };
    }
    report.active = Some(t);
    report.edition = Some(Edition::E2019);
}
