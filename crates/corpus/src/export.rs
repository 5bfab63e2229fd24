//! Stored reports written out by the exporters (`gongkai_export`): the one loop the
//! command line's `export` and the workspace's downloads share.
//!
//! Reports are read back one at a time (their findings a chunk at a time), so memory
//! stays bounded whatever the corpus size; the workbook's sheets go to temporary files
//! row by row. A stored report that cannot be read back is left out and named; the
//! others are written.

use std::collections::HashMap;
use std::io::Write;

use gongkai_export::{CoverageSheetRow, CsvHeaders, CsvLongWriter, ExportReport, XlsxWriter};
use gongkai_model::agency::Level;
use gongkai_model::{Finding, Report};
use gongkai_store::{ReportRow, Store, StoreError};

use crate::coverage::{Coverage, Expected};

/// The three forms of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// Tidy long CSV, UTF-8 with a BOM.
    Csv,
    /// The formatted workbook.
    Xlsx,
    /// One JSON object per report.
    Jsonl,
}

impl ExportFormat {
    /// The format a file name's extension names (`csv`, `xlsx`, `jsonl`/`ndjson`).
    pub fn from_extension(ext: &str) -> Option<ExportFormat> {
        match ext.to_ascii_lowercase().as_str() {
            "csv" => Some(ExportFormat::Csv),
            "xlsx" => Some(ExportFormat::Xlsx),
            "jsonl" | "ndjson" => Some(ExportFormat::Jsonl),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Jsonl => "jsonl",
        }
    }
}

/// What an export wrote.
#[derive(Debug, Default)]
pub struct Exported {
    pub written: usize,
    /// Reports left out because their stored content could not be read, with why.
    pub damaged: Vec<StoreError>,
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportFailed {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Write(#[from] gongkai_export::ExportError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Json(#[from] serde_json::Error),
}

/// Reports are loaded this many at a time (their findings in one query).
const CHUNK: usize = 500;

/// Where the rows go.
enum Sink<'w, W: Write + Send> {
    Csv(Box<CsvLongWriter<&'w mut W>>),
    Jsonl(&'w mut W),
    Xlsx(Box<XlsxWriter>, &'w mut W),
}

impl<W: Write + Send> Sink<'_, W> {
    fn write(&mut self, r: &ExportReport<'_>) -> Result<(), ExportFailed> {
        match self {
            Sink::Csv(w) => w.write_report(r)?,
            Sink::Jsonl(out) => {
                serde_json::to_writer(&mut **out, &gongkai_export::jsonl_record(r))?;
                out.write_all(b"\n")?;
            }
            Sink::Xlsx(w, _) => w.write_report(r)?,
        }
        Ok(())
    }
}

/// Writes `rows` (stored reports, in the order given) to `out` as `format`. With
/// `coverage`, the workbook also gets its coverage sheet (other formats ignore it).
/// `out` is flushed; a caller writing a file renames it into place afterwards.
pub fn write_reports<W: Write + Send>(
    store: &mut Store,
    rows: Vec<ReportRow>,
    format: ExportFormat,
    headers: CsvHeaders,
    coverage: Option<&Coverage>,
    out: &mut W,
) -> Result<Exported, ExportFailed> {
    let mut sink = match format {
        ExportFormat::Csv => Sink::Csv(Box::new(CsvLongWriter::new(&mut *out, headers)?)),
        ExportFormat::Jsonl => Sink::Jsonl(&mut *out),
        ExportFormat::Xlsx => Sink::Xlsx(Box::new(XlsxWriter::new()?), &mut *out),
    };
    let mut done = Exported::default();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<ReportRow> = rows.by_ref().take(CHUNK).collect();
        let ids: Vec<i64> = chunk.iter().map(|r| r.id).collect();
        let mut findings: HashMap<i64, Vec<Finding>> = HashMap::new();
        for f in store.findings(Some(&ids))? {
            findings.entry(f.report_id).or_default().push(f.finding);
        }
        for row in chunk {
            let Some(report) = readable(store, &row, &mut done.damaged)? else {
                continue;
            };
            let findings = findings.remove(&row.id).unwrap_or_default();
            sink.write(&export_report(&row, &report, &findings))?;
            done.written += 1;
        }
    }
    match sink {
        Sink::Csv(w) => w.finish()?.flush()?,
        Sink::Jsonl(out) => out.flush()?,
        Sink::Xlsx(mut w, out) => {
            if let Some(c) = coverage {
                let rows: Vec<CoverageSheetRow> = c.expected.iter().map(sheet_row).collect();
                w.add_coverage(
                    &format!("{} {} {} 年度 应发布主体", c.code, c.region, c.year),
                    &rows,
                )?;
            }
            w.finish(&mut *out)?;
            out.flush()?;
        }
    }
    Ok(done)
}

/// The stored report of `row`, or `None` (recorded in `damaged`) when its stored
/// content, or the database page under it, cannot be read.
fn readable(
    store: &mut Store,
    row: &ReportRow,
    damaged: &mut Vec<StoreError>,
) -> Result<Option<Report>, StoreError> {
    match store.report(row.id) {
        Ok(r) => Ok(Some(r)),
        Err(e @ StoreError::ReportDamaged { .. }) => {
            damaged.push(e);
            Ok(None)
        }
        Err(StoreError::Damaged { detail }) => {
            damaged.push(StoreError::ReportDamaged {
                id: row.id,
                source_path: row.source.clone(),
                detail,
            });
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

fn export_report<'a>(
    row: &'a ReportRow,
    report: &'a Report,
    findings: &'a [Finding],
) -> ExportReport<'a> {
    ExportReport {
        id: row.id,
        agency: row.agency.as_deref().unwrap_or(""),
        region: row.region.as_deref().unwrap_or(""),
        level: row.level.map(Level::as_zh).unwrap_or(""),
        year: row.year,
        version: row.version as i32,
        source: &row.source,
        report,
        findings,
    }
}

/// The coverage sheet's row for one body (also the columns of `gongkai coverage
/// --format csv`).
pub fn sheet_row(e: &Expected) -> CoverageSheetRow {
    CoverageSheetRow {
        name: e.name.clone(),
        code: e.code.clone(),
        region: e.region.clone(),
        body: e.body.label().to_string(),
        basis: e.basis.label().to_string(),
        status: e.status.label().to_string(),
        report_id: e.report_id,
        agency: e.agency.clone().unwrap_or_default(),
        published: e.published.clone().unwrap_or_default(),
        signed: e.signed.clone().unwrap_or_default(),
        deadline: e.deadline.clone(),
        note: e.note.clone(),
    }
}
