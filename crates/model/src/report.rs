//! A report as read from one source file.

use serde::{Deserialize, Serialize};

use crate::finding::CellRef;
use crate::schema::{
    active_rows, ActiveColumnKey, ActiveRowKey, Edition, RequestColumn, RequestRowKey,
    ReviewColumn, ReviewGroup, SectionKind, ValueKind,
};

/// Where something was read in the source file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Location {
    /// A span of a text source: byte range `start..end` of the original (not normalised)
    /// text, its 1-based line and its 1-based char columns `column..end_column` (exclusive).
    Text {
        start: u32,
        end: u32,
        line: u32,
        column: u32,
        end_column: u32,
    },
    /// A box on a PDF page (1-based page; PDF points, origin bottom-left).
    Pdf {
        page: u32,
        x0: f32,
        y0: f32,
        x1: f32,
        y1: f32,
    },
    /// A cell of a table in a DOCX or HTML source (all 0-based).
    Cell { table: u32, row: u32, column: u32 },
    /// A paragraph of a DOCX or HTML source (0-based, in reading order, tables excluded).
    Paragraph { index: u32 },
}

impl Location {
    /// Short human-readable position, e.g. "第12行第5列", "第3页", "表2第4行第3格".
    pub fn describe_zh(&self) -> String {
        match self {
            Location::Text { line, column, .. } => format!("第{line}行第{column}列"),
            Location::Pdf { page, x0, y0, .. } => {
                format!("第{page}页 (x={x0:.0}, y={y0:.0})")
            }
            Location::Cell { table, row, column } => {
                format!("表格{}第{}行第{}格", table + 1, row + 1, column + 1)
            }
            Location::Paragraph { index } => format!("第{}段", index + 1),
        }
    }
}

/// Resolves byte ranges of a parsed document's normalised text to source locations.
///
/// The parser keeps the text it matched against; checks that search the prose use this
/// to point at the original place without the model knowing how the text was made.
pub trait Locate {
    fn locate(&self, normalized: std::ops::Range<usize>) -> Option<Location>;
}

/// A value read from a table cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Value {
    /// An integer (counts; may be negative only where the column allows it, else a finding).
    Count(i64),
    /// A money amount as printed, normalised to ASCII digits (e.g. "12372.0506", "75394432.52元").
    Amount(String),
    /// Printed, but not a value of the column's kind (e.g. "1.5" as a count, "若干").
    Invalid(String),
}

/// How a cell's value came to be.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Read from the document (a blank cell is printed too: printed empty).
    #[default]
    Printed,
    /// Not printed (lost in conversion); completed because the table's arithmetic
    /// determines it. Always reported as an extraction doubt.
    Inferred,
    /// The cell (its row or table) was not found in the document at all.
    NotFound,
}

/// One table cell: its value (`None` = blank), what was printed, and where.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// The printed text of the cell (normalised), when it differs from the value or
    /// carries more (e.g. "22（其中修订16件）", "/").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub printed: Option<String>,
    #[serde(default, skip_serializing_if = "is_printed")]
    pub origin: Origin,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

fn is_printed(o: &Origin) -> bool {
    *o == Origin::Printed
}

impl Cell {
    pub fn blank(location: Option<Location>) -> Cell {
        Cell {
            value: None,
            printed: None,
            origin: Origin::Printed,
            location,
        }
    }
    pub fn not_found() -> Cell {
        Cell {
            origin: Origin::NotFound,
            ..Cell::default()
        }
    }
    pub fn count(n: i64, location: Option<Location>) -> Cell {
        Cell {
            value: Some(Value::Count(n)),
            printed: None,
            origin: Origin::Printed,
            location,
        }
    }
    /// The integer value, if the cell holds a valid count.
    pub fn int(&self) -> Option<i64> {
        match self.value {
            Some(Value::Count(n)) => Some(n),
            _ => None,
        }
    }
    pub fn is_blank(&self) -> bool {
        self.value.is_none()
    }
    /// The value as a reviewer reads it: the number, the amount, or "空".
    pub fn display(&self) -> String {
        match &self.value {
            Some(Value::Count(n)) => n.to_string(),
            Some(Value::Amount(s)) | Some(Value::Invalid(s)) => s.clone(),
            None => "空".to_string(),
        }
    }
}

/// A piece of text with where it was read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Located<T> {
    pub value: T,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl<T> Located<T> {
    pub fn new(value: T, location: Option<Location>) -> Self {
        Located { value, location }
    }
}

/// One of the six sections as found in the document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub kind: SectionKind,
    /// The heading as printed (normalised), e.g. "六、其他需要报告的事项".
    pub heading: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading_location: Option<Location>,
    /// The body text up to the next section heading (normalised), tables included.
    pub body: String,
    /// Byte offset of `body` in the document's normalised text (see [`Locate`]).
    pub body_offset: usize,
}

impl Section {
    /// The body without whitespace — what is really written there.
    pub fn is_empty(&self) -> bool {
        self.body.chars().all(char::is_whitespace)
    }
}

/// Table 二 — 主动公开政府信息情况.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActiveTable {
    pub edition: Edition,
    /// One entry per row of the edition, in schema order; cells aligned with the row's columns.
    pub rows: Vec<ActiveRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActiveRow {
    pub key: ActiveRowKey,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<Located<String>>,
    pub cells: Vec<Cell>,
}

impl ActiveTable {
    /// A table of the edition with every cell not found.
    pub fn empty(edition: Edition) -> ActiveTable {
        ActiveTable {
            edition,
            rows: active_rows(edition)
                .iter()
                .map(|def| ActiveRow {
                    key: def.key,
                    label: None,
                    cells: vec![Cell::not_found(); def.columns.len()],
                })
                .collect(),
        }
    }
    pub fn row(&self, key: ActiveRowKey) -> Option<&ActiveRow> {
        self.rows.iter().find(|r| r.key == key)
    }
    pub fn row_mut(&mut self, key: ActiveRowKey) -> Option<&mut ActiveRow> {
        self.rows.iter_mut().find(|r| r.key == key)
    }
    pub fn cell(&self, row: ActiveRowKey, column: ActiveColumnKey) -> Option<&Cell> {
        let def = crate::schema::active_row(self.edition, row)?;
        let i = def.columns.iter().position(|c| c.key == column)?;
        self.row(row)?.cells.get(i)
    }
    /// Every cell with its reference and value kind.
    pub fn cells(&self) -> impl Iterator<Item = (CellRef, ValueKind, &Cell)> {
        self.rows.iter().flat_map(move |row| {
            let def = crate::schema::active_row(self.edition, row.key);
            row.cells.iter().enumerate().filter_map(move |(i, cell)| {
                let col = def?.columns.get(i)?;
                Some((
                    CellRef::Active {
                        row: row.key,
                        column: col.key,
                    },
                    col.kind,
                    cell,
                ))
            })
        })
    }
}

/// Table 三 — 收到和处理政府信息公开申请情况.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestTable {
    /// The rows as found, in printed order.
    pub rows: Vec<RequestRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestRow {
    pub key: RequestRowKey,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<Located<String>>,
    pub cells: [Cell; 7],
}

impl RequestTable {
    pub fn row(&self, key: RequestRowKey) -> Option<&RequestRow> {
        self.rows.iter().find(|r| r.key == key)
    }
    pub fn cell(&self, key: RequestRowKey, column: RequestColumn) -> Option<&Cell> {
        self.row(key).map(|r| &r.cells[column.index()])
    }
    pub fn value(&self, key: RequestRowKey, column: RequestColumn) -> Option<i64> {
        self.cell(key, column).and_then(Cell::int)
    }
    /// True when （六）其他处理 is printed as three sub-rows (2021 edition).
    pub fn splits_other_handling(&self) -> bool {
        !self
            .rows
            .iter()
            .any(|r| r.key == RequestRowKey::OtherHandling)
    }
    /// The edition of table 三's layout.
    pub fn layout_edition(&self) -> Edition {
        if self.splits_other_handling() {
            Edition::E2021
        } else {
            Edition::E2019
        }
    }
    pub fn cells(&self) -> impl Iterator<Item = (CellRef, &Cell)> {
        self.rows.iter().flat_map(|row| {
            row.cells.iter().enumerate().map(move |(i, cell)| {
                (
                    CellRef::Request {
                        row: row.key,
                        column: RequestColumn::ALL[i],
                    },
                    cell,
                )
            })
        })
    }
}

/// Table 四 — 政府信息公开行政复议、行政诉讼情况: three groups of five.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReviewTable {
    pub cells: [[Cell; 5]; 3],
}

impl ReviewTable {
    pub fn cell(&self, group: ReviewGroup, column: ReviewColumn) -> &Cell {
        &self.cells[group.index()][column.index()]
    }
    pub fn value(&self, group: ReviewGroup, column: ReviewColumn) -> Option<i64> {
        self.cell(group, column).int()
    }
    pub fn cells(&self) -> impl Iterator<Item = (CellRef, &Cell)> {
        ReviewGroup::ALL.into_iter().flat_map(move |g| {
            ReviewColumn::ALL.into_iter().map(move |c| {
                (
                    CellRef::Review {
                        group: g,
                        column: c,
                    },
                    self.cell(g, c),
                )
            })
        })
    }
}

/// What kind of reading doubt the parser raised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DoubtKind {
    /// A cell was not printed (lost in conversion) and was completed from the table's arithmetic.
    InferredValue,
    /// A row in a table matched none of the national format's labels.
    UnrecognisedRow,
    /// A row's values could not be placed in its columns with certainty (left blank).
    AmbiguousRow,
    /// A row of the format was not found in a table that was found.
    RowNotFound,
    /// A row of values printed without its label, placed by the template's row order.
    PlacedByLayout,
    /// Cells printed without separators ("21710000218") were told apart by the table's
    /// arithmetic (or other named evidence); the run and the solution are in the notes.
    SplitRun,
    /// A part of the report (section, table) shows in the text but could not be read.
    Unread,
    /// Who published the report or for which year, as read or given, is uncertain
    /// (no title in the text, or the crawl's metadata disagrees with it).
    Metadata,
    /// Bytes of a text file that were not valid in its encoding (or NUL) were replaced
    /// by U+FFFD; the notes give their offset in the file.
    InvalidBytes,
    /// A number of a scanned page read by OCR with low confidence, or read two ways by
    /// the two recognition passes (both readings in the message), or ink in a cell that
    /// read as nothing.
    Recognised,
}

/// A doubt about our reading, raised by the parser; the check layer turns doubts into
/// extraction findings (so they can be selected and ignored like any rule).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Doubt {
    pub kind: DoubtKind,
    /// Chinese, for the reviewer.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<CellRef>,
    /// Supporting detail, e.g. the arithmetic that determined an inferred value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// What kind of file the report was read from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    #[default]
    Text,
    Markdown,
    Pdf,
    Docx,
    Html,
    /// Pictures of pages read by OCR: an image file (PNG, JPEG, TIFF) or a PDF of
    /// page images with no text layer (a scan).
    Image,
}

impl SourceFormat {
    /// What a reviewer calls it; a scan says it was read by OCR.
    pub fn display_zh(self) -> &'static str {
        match self {
            SourceFormat::Text => "文本",
            SourceFormat::Markdown => "Markdown",
            SourceFormat::Pdf => "PDF",
            SourceFormat::Docx => "DOCX",
            SourceFormat::Html => "网页",
            SourceFormat::Image => "扫描件（OCR识别）",
        }
    }
}

/// A rows the national format does not have (provinces add some): kept and reported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExtraRow {
    /// Which table: 2, 3 or 4.
    pub table: u8,
    pub label: Located<String>,
    pub values: Vec<Cell>,
}

/// One report as read from one source.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The file name (or other identifier) of the source.
    pub source: String,
    /// Where the report was published (the crawl's metadata), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When it was published (YYYY-MM-DD, the crawl's metadata), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    pub format: SourceFormat,
    /// The title line, e.g. "辉县市人民政府2021年政府信息公开工作年度报告".
    pub title: Option<Located<String>>,
    pub agency: Option<Located<String>>,
    pub year: Option<Located<i32>>,
    /// The edition of table 二, or `Legacy` for a pre-2019 layout; `None` when no table 二 was found.
    pub edition: Option<Edition>,
    /// The sections found, in document order.
    pub sections: Vec<Section>,
    pub active: Option<ActiveTable>,
    pub requests: Option<RequestTable>,
    pub review: Option<ReviewTable>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_rows: Vec<ExtraRow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub doubts: Vec<Doubt>,
    /// How much of the report was read: statistics leave out what was not.
    #[serde(default)]
    pub reading: ReadingStatus,
    /// Parts the text shows signs of but that could not be read: never reported as
    /// missing from the document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<ReportPart>,
    /// Table-二 rows whose cells ran together with more than one reading: left unread, with
    /// the readings kept so that evidence from outside the report (another copy of it, the
    /// same agency's adjacent years) can decide them later.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undecided: Vec<UndecidedRow>,
    /// Read from page images by OCR (a scan or a photo): which engine, and how sure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recognition: Option<Recognition>,
}

/// How a scanned report was recognised: every number it holds was read from an image.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Recognition {
    /// The OCR engine and its version, e.g. "tesseract 5.3.0".
    pub engine: String,
    pub pages: u32,
    /// Numbers read (tables and prose).
    pub numbers: u32,
    /// Of those, read with doubt (each an extraction doubt with both readings).
    pub doubtful: u32,
    /// The lowest confidence (0–100) of a number read without doubt.
    pub lowest_confidence: Option<f32>,
}

/// A table-二 row printed as a run of digits that splits more than one way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UndecidedRow {
    pub row: ActiveRowKey,
    /// The digits as printed.
    pub printed: String,
    /// Each possible reading: one cell per column of the row, with its place.
    pub readings: Vec<Vec<Cell>>,
}

/// A part of a report: one of the six sections or one of the three tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "part", content = "which", rename_all = "snake_case")]
pub enum ReportPart {
    Section(SectionKind),
    Table(TableKind),
}

/// The three statistical tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// 表二 主动公开政府信息情况.
    Active,
    /// 表三 收到和处理政府信息公开申请情况.
    Requests,
    /// 表四 政府信息公开行政复议、行政诉讼情况.
    Review,
}

impl TableKind {
    pub const ALL: [TableKind; 3] = [TableKind::Active, TableKind::Requests, TableKind::Review];
    pub fn name_zh(self) -> &'static str {
        match self {
            TableKind::Active => "表二",
            TableKind::Requests => "表三",
            TableKind::Review => "表四",
        }
    }
    /// The section the table belongs to.
    pub fn section(self) -> SectionKind {
        match self {
            TableKind::Active => SectionKind::ActiveDisclosure,
            TableKind::Requests => SectionKind::Requests,
            TableKind::Review => SectionKind::ReviewLitigation,
        }
    }
}

impl ReportPart {
    pub fn describe_zh(self) -> String {
        match self {
            ReportPart::Section(k) => format!("「{}、{}」部分", k.numeral(), k.title()),
            ReportPart::Table(t) => format!("{}「{}」", t.name_zh(), t.section().title()),
        }
    }
}

/// How much of a report was read. Set by the parser; a report "not a report" is not
/// returned at all (the parse fails), so it appears only in the corpus's file records.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ReadingStatus {
    /// Every part of the report was read with no doubt about the reading.
    #[default]
    Whole,
    /// Every part was read; some values carry doubts.
    WithDoubts,
    /// Some part (a section or table whose traces show in the text) could not be read.
    Partial,
}

impl ReadingStatus {
    /// The status a report's reading earns: partial when a part shows in the text but was
    /// not read, or a found table has cells that could not be read; with doubts when any
    /// value or the agency or year is uncertain.
    pub fn of(report: &Report) -> ReadingStatus {
        let unread_cells = report
            .active
            .iter()
            .flat_map(|t| t.rows.iter().flat_map(|r| r.cells.iter()))
            .chain(
                report
                    .requests
                    .iter()
                    .flat_map(|t| t.rows.iter().flat_map(|r| r.cells.iter())),
            )
            .chain(report.review.iter().flat_map(|t| t.cells.iter().flatten()))
            .any(|c| c.origin == Origin::NotFound);
        if !report.unread.is_empty() || unread_cells {
            ReadingStatus::Partial
        } else if !report.doubts.is_empty() || report.agency.is_none() || report.year.is_none() {
            ReadingStatus::WithDoubts
        } else {
            ReadingStatus::Whole
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ReadingStatus::Whole => "whole",
            ReadingStatus::WithDoubts => "with_doubts",
            ReadingStatus::Partial => "partial",
        }
    }
    pub fn display_zh(self) -> &'static str {
        match self {
            ReadingStatus::Whole => "完整读取",
            ReadingStatus::WithDoubts => "读取存疑",
            ReadingStatus::Partial => "部分未读",
        }
    }
}

impl Report {
    /// The reading status as a reviewer reads it, saying when the report was read by OCR
    /// ("读取存疑（OCR识别）").
    pub fn reading_zh(&self) -> String {
        match self.recognition {
            Some(_) => format!("{}（OCR识别）", self.reading.display_zh()),
            None => self.reading.display_zh().to_string(),
        }
    }
}

impl Report {
    /// True when the text shows this part but it could not be read.
    pub fn is_unread(&self, part: ReportPart) -> bool {
        self.unread.contains(&part)
    }
    /// The first section of a kind.
    pub fn section(&self, kind: SectionKind) -> Option<&Section> {
        self.sections.iter().find(|s| s.kind == kind)
    }
    pub fn year(&self) -> Option<i32> {
        self.year.as_ref().map(|y| y.value)
    }
    pub fn agency(&self) -> Option<&str> {
        self.agency.as_ref().map(|a| a.value.as_str())
    }
    /// The cell a reference points at.
    pub fn cell(&self, r: &CellRef) -> Option<&Cell> {
        match *r {
            CellRef::Active { row, column } => self.active.as_ref()?.cell(row, column),
            CellRef::Request { row, column } => self.requests.as_ref()?.cell(row, column),
            CellRef::Review { group, column } => Some(self.review.as_ref()?.cell(group, column)),
        }
    }
}

/// One table cell with the canonical keys of spec §6: what a tidy export writes per row.
#[derive(Clone, Copy, Debug)]
pub struct KeyedCell<'a> {
    /// `active_disclosure`, `requests` or `review_litigation`.
    pub table: &'static str,
    pub row: &'static str,
    pub column: &'static str,
    /// The printed row label ("行政规范性文件", "（三）不予公开·1.属于国家秘密" …).
    pub row_label: &'static str,
    pub column_label: &'static str,
    pub cell: &'a Cell,
}

impl Report {
    /// Every cell of the three tables in schema order, with canonical keys and labels.
    pub fn keyed_cells(&self) -> Vec<KeyedCell<'_>> {
        let mut out = Vec::new();
        if let Some(t) = &self.active {
            for row in &t.rows {
                let Some(def) = active_rows(t.edition).iter().find(|d| d.key == row.key) else {
                    continue;
                };
                for (col, cell) in def.columns.iter().zip(&row.cells) {
                    out.push(KeyedCell {
                        table: "active_disclosure",
                        row: row.key.key(),
                        column: col.key.key(),
                        row_label: def.label,
                        column_label: col.label,
                        cell,
                    });
                }
            }
        }
        if let Some(t) = &self.requests {
            for row in &t.rows {
                for (col, cell) in RequestColumn::ALL.iter().zip(&row.cells) {
                    out.push(KeyedCell {
                        table: "requests",
                        row: row.key.key(),
                        column: col.key(),
                        row_label: row.key.def().short,
                        column_label: col.label(),
                        cell,
                    });
                }
            }
        }
        if let Some(t) = &self.review {
            for g in ReviewGroup::ALL {
                for c in ReviewColumn::ALL {
                    out.push(KeyedCell {
                        table: "review_litigation",
                        row: g.key(),
                        column: c.key(),
                        row_label: g.label(),
                        column_label: c.label(),
                        cell: t.cell(g, c),
                    });
                }
            }
        }
        out
    }
}
