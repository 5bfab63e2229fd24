//! The annual report produced from the ledger. A year's tables ([`gongkai_ledger`])
//! and the agency's own text become the whole report in the official layout — the six
//! sections, the three tables with the 2021 template's labels and merged cells — with
//! the sentences that quote numbers drafted from the tables, so that they cannot
//! disagree with them. It is written as DOCX, HTML or (where a Chinese font is
//! installed) PDF.
//!
//! Before a report is final it passes the gate ([`gate`]): the bytes written are read
//! back by gongkai's own readers (the one library path for one file,
//! [`gongkai_pipeline`]) and checked by every single-report rule. Any document finding,
//! any doubt about the reading, or any cell read back other than computed blocks it.

mod layout;
mod pdf;

use gongkai_ledger::YearTables;
use gongkai_model::schema::{RequestColumn, RequestRowKey, ReviewColumn, ReviewGroup, SectionKind};
use gongkai_model::{Cell, CellRef, Finding, Report, Severity};
use serde::Serialize;

pub use layout::blocks;
pub use pdf::{pdf, system_cjk_font, PdfError, PdfFont, CJK_FONT_PATHS};

/// What the agency writes itself (the ledger keeps it with each year).
pub use gongkai_ledger::ReportText as AgencyText;

/// The report to be written: title, sections' paragraphs, the tables.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Draft {
    pub title: String,
    pub agency: String,
    pub year: i32,
    /// Each section's paragraphs (the tables go after those of 二, 三 and 四).
    pub sections: Vec<(SectionKind, Vec<String>)>,
    /// The computed tables.
    pub tables: Report,
}

fn count(report: &Report, row: RequestRowKey) -> i64 {
    report
        .requests
        .as_ref()
        .and_then(|t| t.value(row, RequestColumn::Total))
        .unwrap_or(0)
}

fn review_total(report: &Report, group: ReviewGroup) -> i64 {
    report
        .review
        .as_ref()
        .and_then(|t| t.value(group, ReviewColumn::Total))
        .unwrap_or(0)
}

/// The sentences that quote the tables, drafted from them.
fn data_sentences(t: &YearTables) -> (String, String, String) {
    let r = &t.report;
    let year = t.year;
    let new = count(r, RequestRowKey::NewReceived);
    let carried = count(r, RequestRowKey::CarriedOver);
    let done = count(r, RequestRowKey::TotalProcessed);
    let forward = count(r, RequestRowKey::CarriedForward);
    let granted = count(r, RequestRowKey::Granted);
    let partial = count(r, RequestRowKey::PartiallyGranted);
    let requests = if new == 0 && carried == 0 {
        format!("{year}年，本机关未收到政府信息公开申请，也没有上年结转的申请。")
    } else {
        format!(
            "{year}年，本机关新收政府信息公开申请{new}件，上年结转{carried}件；办结{done}件，其中予以公开{granted}件、部分公开{partial}件，其余{}件按不予公开、无法提供、不予处理或其他情形处理；结转下年度继续办理{forward}件。",
            done - granted - partial
        )
    };
    let review = review_total(r, ReviewGroup::Review);
    let direct = review_total(r, ReviewGroup::LitigationDirect);
    let after = review_total(r, ReviewGroup::LitigationAfterReview);
    let cases = if review + direct + after == 0 {
        format!("{year}年，本机关未发生因政府信息公开引起的行政复议、行政诉讼。")
    } else {
        format!(
            "{year}年，本机关因政府信息公开被申请行政复议{review}件，被提起行政诉讼{}件（其中未经复议直接起诉{direct}件、复议后起诉{after}件）。",
            direct + after
        )
    };
    let fees = match t.processing_fees.iter().filter(|(_, f)| f.yuan > 0).count() {
        0 => format!("{year}年，本机关未收取信息处理费。"),
        n => format!(
            "{year}年，本机关依照《政府信息公开信息处理费管理办法》对{n}件申请收取信息处理费，共计{}元。",
            t.processing_fees_total()
        ),
    };
    (requests, cases, fees)
}

/// The report of a year: the agency's text with the data sentences, and the tables.
pub fn draft(agency: &str, t: &YearTables, text: &AgencyText) -> Draft {
    let (requests, cases, fees) = data_sentences(t);
    let mut overview = text.overview.clone();
    overview.push(requests.clone());
    let mut other = text.other.clone();
    other.push(fees);
    Draft {
        title: format!("{agency}{}年政府信息公开工作年度报告", t.year),
        agency: agency.to_string(),
        year: t.year,
        sections: vec![
            (SectionKind::Overview, overview),
            (SectionKind::ActiveDisclosure, Vec::new()),
            (SectionKind::Requests, Vec::new()),
            (SectionKind::ReviewLitigation, vec![cases]),
            (SectionKind::Problems, text.problems.clone()),
            (SectionKind::Other, other),
        ],
        tables: t.report.clone(),
    }
}

/// The report as a Word document.
pub fn docx(draft: &Draft) -> Vec<u8> {
    let (blocks, merges) = layout::blocks_and_merges(draft);
    gongkai_docx::write_with_spans(&blocks, &merges)
}

/// The report as a web page.
pub fn html(draft: &Draft) -> String {
    let (blocks, merges) = layout::blocks_and_merges(draft);
    gongkai_html::write_with_spans(&draft.title, &blocks, &merges)
}

/// A computed cell read back as something else.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mismatch {
    pub cell: CellRef,
    pub computed: String,
    pub read_back: String,
}

/// What the gate found in a report read back.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GateResult {
    /// Every finding of the single-report rules on the report as read back.
    pub findings: Vec<Finding>,
    /// Cells read back other than computed (or not read).
    pub mismatches: Vec<Mismatch>,
}

impl GateResult {
    /// Final only with no finding of any severity and every cell as computed.
    pub fn passed(&self) -> bool {
        self.findings.is_empty() && self.mismatches.is_empty()
    }

    /// The findings that are errors (not warnings or notes).
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }
}

/// Why the gate could not read a report back at all.
#[derive(Debug)]
pub struct Unreadable(pub gongkai_pipeline::FileError);

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "生成的报告无法读回：{}", self.0)
    }
}

impl std::error::Error for Unreadable {}

/// Why a report could not be produced: it could not be written (a PDF needs a
/// Chinese font), or what was written could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum ProduceError {
    #[error(transparent)]
    Pdf(#[from] PdfError),
    #[error(transparent)]
    Unreadable(#[from] Unreadable),
}

/// Reads `bytes` (a file named `name`, by whose extension it is loaded) back through
/// the same path every report takes, checks it with every single-report rule, and
/// compares each cell with the computed tables.
pub fn gate(name: &str, bytes: &[u8], computed: &Report) -> Result<GateResult, Unreadable> {
    let parsed = gongkai_pipeline::parse_bytes(
        std::path::Path::new(name),
        bytes,
        &gongkai_pipeline::Metadata::default(),
    )
    .map_err(Unreadable)?;
    let checked = gongkai_pipeline::check(parsed, &gongkai_check::Selection::default());
    let read = &checked.parsed.report;
    let mut mismatches = Vec::new();
    for (cell, value) in cells(computed) {
        let back = read.cell(&cell);
        if back.is_none_or(|b| b.value != value.value) {
            mismatches.push(Mismatch {
                cell,
                computed: value.display(),
                read_back: back.map_or_else(|| "未读到".to_string(), |b| b.display()),
            });
        }
    }
    Ok(GateResult {
        findings: checked.findings,
        mismatches,
    })
}

/// A file format the report is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Docx,
    Html,
    Pdf,
}

impl Format {
    /// By a file name's extension (`.docx`, `.html`, `.htm`, `.pdf`).
    pub fn of_name(name: &str) -> Option<Format> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "docx" => Some(Format::Docx),
            "html" | "htm" => Some(Format::Html),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Html => "html",
            Format::Pdf => "pdf",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
        }
    }
}

/// A report written and read back: the file's bytes and what the gate found.
#[derive(Clone, Debug)]
pub struct Produced {
    /// What was written: the sections' paragraphs and the tables.
    pub draft: Draft,
    pub bytes: Vec<u8>,
    pub gate: GateResult,
}

/// Writes the year's report of `agency` from its tables and own text in `format`,
/// and gates it ([`gate`]): the one way the CLI and the workspace produce a report.
/// A PDF is written in the system's Chinese font ([`system_cjk_font`]); without one
/// it is [`PdfError::NoFont`].
pub fn produce(
    agency: &str,
    tables: &YearTables,
    text: &AgencyText,
    format: Format,
) -> Result<Produced, ProduceError> {
    let d = draft(agency, tables, text);
    let bytes = match format {
        Format::Docx => docx(&d),
        Format::Html => html(&d).into_bytes(),
        Format::Pdf => pdf(&d, &system_cjk_font().ok_or(PdfError::NoFont)?)?,
    };
    let name = format!("{agency}{}年度报告.{}", tables.year, format.extension());
    let gate = gate(&name, &bytes, &tables.report)?;
    Ok(Produced {
        draft: d,
        bytes,
        gate,
    })
}

/// Every cell of a report's three tables.
fn cells(r: &Report) -> Vec<(CellRef, &Cell)> {
    let mut out: Vec<(CellRef, &Cell)> = Vec::new();
    if let Some(t) = &r.active {
        out.extend(t.cells().map(|(c, _, cell)| (c, cell)));
    }
    if let Some(t) = &r.requests {
        out.extend(t.cells());
    }
    if let Some(t) = &r.review {
        out.extend(t.cells());
    }
    out
}
