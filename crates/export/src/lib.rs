//! Exports of checked 政府信息公开工作年度报告 for the people who analyse them.
//!
//! Three forms, for three kinds of reader:
//! - [`write_csv_long`]: tidy long CSV, one row per table cell — for R, pandas, SQL.
//! - [`write_jsonl`]: one JSON object per report — the canonical JSON of spec §6 with the
//!   report's identity, its findings and its [`Metrics`] — for programs.
//! - [`write_xlsx`]: a formatted Excel workbook — for reviewers who open it in Excel or WPS;
//!   [`XlsxWriter`] writes it one report at a time, in bounded memory.
//!
//! All three keep the project's first rule: **a blank cell is not zero**. Blank cells are
//! empty in the CSV (`blank` = `true`), `null` in JSON and empty cells in the workbook.
//!
//! Every writer takes the same input, [`ExportReport`]: a parsed [`Report`] with its
//! findings and the identity the corpus gives it (canonical agency name, region, level,
//! version). Output is deterministic: the same input gives byte-identical files.

mod csv_long;
mod jsonl;
mod xlsx;

use std::path::{Path, PathBuf};

use gongkai_model::{Cell, Finding, Origin, Report, Value};

pub use csv_long::{
    write_csv_long, write_csv_long_path, CsvHeaders, CsvLongWriter, CSV_LONG_HEADER,
    CSV_LONG_HEADER_ZH,
};
pub use jsonl::{jsonl_record, write_jsonl, write_jsonl_path};
pub use xlsx::{
    workbook_bytes, write_xlsx, write_xlsx_path, XlsxWriter, COVERAGE_SHEET_NAME, SHEET_NAMES,
};

#[doc(no_inline)]
pub use gongkai_model::metrics::Metrics;

/// One report to export, with the identity the corpus gives it.
///
/// The report's own `agency` and `year` are what was printed; the fields here are what
/// the caller has established (canonical agency name, corrected year) and are the ones
/// written. `findings` are the check's findings for this report (any order; written as given).
#[derive(Clone, Copy, Debug)]
pub struct ExportReport<'a> {
    /// The caller's identifier (e.g. the database row id); written so exports can be joined.
    pub id: i64,
    /// Canonical agency name (see `gongkai_model::agency::canonical`).
    pub agency: &'a str,
    pub region: &'a str,
    /// 省/市/县/区/乡镇/街道/部门.
    pub level: &'a str,
    pub year: Option<i32>,
    /// Version of this report in the corpus (a re-published or corrected report is a new version).
    pub version: i32,
    /// Where the report was read from (file name or URL).
    pub source: &'a str,
    pub report: &'a Report,
    pub findings: &'a [Finding],
}

/// One row of the coverage sheet: a body that must report and whether it did
/// (`gongkai_corpus::coverage`). Plain text, as the sheet shows it.
#[derive(Clone, Debug, Default)]
pub struct CoverageSheetRow {
    pub name: String,
    pub code: String,
    pub region: String,
    /// 人民政府, 政府办公室, 部门 …
    pub body: String,
    /// 区划 or 语料库中出现过.
    pub basis: String,
    /// 已发布, 逾期发布, 未发现.
    pub status: String,
    pub report_id: Option<i64>,
    pub agency: String,
    pub published: String,
    pub signed: String,
    pub deadline: String,
    pub note: String,
}

/// Why an export failed. Messages are Chinese: they are shown to the user.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("写入失败：{0}")]
    Io(#[from] std::io::Error),
    #[error("无法写入文件 {path}：{source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("CSV 写入失败：{0}")]
    Csv(#[from] csv::Error),
    #[error("JSON 序列化失败：{0}")]
    Json(#[from] serde_json::Error),
    #[error("Excel 工作簿生成失败：{0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

fn create_file(path: &Path) -> Result<std::io::BufWriter<std::fs::File>, ExportError> {
    std::fs::File::create(path)
        .map(std::io::BufWriter::new)
        .map_err(|source| ExportError::File {
            path: path.to_path_buf(),
            source,
        })
}

/// The value of a cell as the canonical JSON writes it, as text: the integer, or the
/// amount/invalid text exactly as normalised by the parser; `None` for a blank cell.
///
/// This mirrors `gongkai_model::canonical_json`'s cell rendering; a test checks that every
/// exported value equals the canonical JSON's, so CSV, JSONL and XLSX cannot drift apart.
fn cell_text(cell: &Cell) -> Option<String> {
    match &cell.value {
        None => None,
        Some(Value::Count(n)) => Some(n.to_string()),
        Some(Value::Amount(s)) | Some(Value::Invalid(s)) => Some(s.clone()),
    }
}

fn origin_key(origin: Origin) -> &'static str {
    match origin {
        Origin::Printed => "printed",
        Origin::Inferred => "inferred",
        Origin::NotFound => "not_found",
    }
}
