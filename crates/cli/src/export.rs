//! `gongkai export`: the corpus as tidy CSV, an Excel/WPS workbook or JSON Lines.
//!
//! Every format is written one report at a time (the workbook too: its sheets go to
//! temporary files row by row), so memory stays bounded whatever the corpus size. A
//! stored report that cannot be read back is left out and named; the others are
//! exported. The file appears only when complete: it is written under a temporary
//! name beside it and renamed at the end. The database's pages are checked first; a
//! damaged database is reported (exit code 2) but still exported as far as it reads.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gongkai_export::{CsvHeaders, CsvLongWriter, ExportReport, XlsxWriter};
use gongkai_model::agency::Level;
use gongkai_model::{Finding, Report};
use gongkai_store::{ReportRow, Store, StoreError};

use crate::corpus::{DbArgs, FilterArgs};

#[derive(Copy, Clone, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Jsonl,
}

impl ExportFormat {
    fn from_path(path: &Path) -> Option<ExportFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(ExportFormat::Csv),
            "xlsx" => Some(ExportFormat::Xlsx),
            "jsonl" | "ndjson" => Some(ExportFormat::Jsonl),
            _ => None,
        }
    }
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    errln!("gongkai: {e}");
    ExitCode::from(2)
}

/// One stored report with what the exporters need.
struct Loaded {
    row: ReportRow,
    report: Report,
    findings: Vec<Finding>,
}

impl Loaded {
    fn export(&self) -> ExportReport<'_> {
        ExportReport {
            id: self.row.id,
            agency: self.row.agency.as_deref().unwrap_or(""),
            region: self.row.region.as_deref().unwrap_or(""),
            level: self.row.level.map(Level::as_zh).unwrap_or(""),
            year: self.row.year,
            version: self.row.version as i32,
            source: &self.row.source,
            report: &self.report,
            findings: &self.findings,
        }
    }
}

/// Where the rows go.
enum Sink {
    Csv(Box<CsvLongWriter<std::io::BufWriter<std::fs::File>>>),
    Jsonl(std::io::BufWriter<std::fs::File>),
    Xlsx(Box<XlsxWriter>, std::io::BufWriter<std::fs::File>),
}

impl Sink {
    fn write(&mut self, l: &Loaded) -> Result<(), String> {
        match self {
            Sink::Csv(w) => w.write_report(&l.export()).map_err(|e| e.to_string()),
            Sink::Jsonl(file) => {
                let line = gongkai_export::jsonl_record(&l.export());
                serde_json::to_writer(&mut *file, &line).map_err(|e| e.to_string())?;
                file.write_all(b"\n").map_err(|e| e.to_string())
            }
            Sink::Xlsx(w, _) => w.write_report(&l.export()).map_err(|e| e.to_string()),
        }
    }

    fn finish(self) -> Result<(), String> {
        match self {
            Sink::Csv(w) => {
                let mut file = (*w).finish().map_err(|e| e.to_string())?;
                file.flush().map_err(|e| e.to_string())
            }
            Sink::Jsonl(mut file) => file.flush().map_err(|e| e.to_string()),
            Sink::Xlsx(w, mut file) => {
                w.finish(&mut file).map_err(|e| e.to_string())?;
                file.flush().map_err(|e| e.to_string())
            }
        }
    }
}

/// Reports are loaded this many at a time (their findings in one query).
const CHUNK: usize = 500;

/// What an export did.
struct Exported {
    written: usize,
    /// Reports left out, with why.
    damaged: Vec<StoreError>,
}

fn write_all(store: &mut Store, rows: Vec<ReportRow>, sink: &mut Sink) -> Result<Exported, String> {
    let mut done = Exported {
        written: 0,
        damaged: Vec::new(),
    };
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<ReportRow> = rows.by_ref().take(CHUNK).collect();
        let ids: Vec<i64> = chunk.iter().map(|r| r.id).collect();
        let mut findings: HashMap<i64, Vec<Finding>> = HashMap::new();
        for f in store.findings(Some(&ids)).map_err(|e| e.to_string())? {
            findings.entry(f.report_id).or_default().push(f.finding);
        }
        for row in chunk {
            let report = match store.report(row.id) {
                Ok(r) => r,
                Err(e @ StoreError::ReportDamaged { .. }) => {
                    done.damaged.push(e);
                    continue;
                }
                // A damaged page under this report's row.
                Err(StoreError::Damaged { detail }) => {
                    done.damaged.push(StoreError::ReportDamaged {
                        id: row.id,
                        source_path: row.source.clone(),
                        detail,
                    });
                    continue;
                }
                Err(e) => return Err(e.to_string()),
            };
            let l = Loaded {
                findings: findings.remove(&row.id).unwrap_or_default(),
                row,
                report,
            };
            sink.write(&l)?;
            done.written += 1;
        }
    }
    Ok(done)
}

/// `x.xlsx` → `x.xlsx.part`: beside the output, so the final rename stays on one disk.
fn partial_path(output: &Path) -> PathBuf {
    let mut name = output.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    output.with_file_name(name)
}

pub fn export(
    output: &Path,
    format: Option<ExportFormat>,
    english_headers: bool,
    filter: &FilterArgs,
    db: &DbArgs,
) -> ExitCode {
    let Some(format) = format.or_else(|| ExportFormat::from_path(output)) else {
        return fail(format!(
            "{}：无法从扩展名判断格式，请用 --format csv|xlsx|jsonl",
            output.display()
        ));
    };
    // No page check first: the export reads report by report, and one it cannot read is
    // left out and named rather than stopping the others.
    let mut store = match db.open_read_only_with(gongkai_store::Integrity::Skip) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // The check itself, after the open: a damaged database is said so (and the exit
    // code is 2), but every report that can still be read is exported.
    let damaged_pages = match store.integrity_check() {
        Ok(()) => None,
        Err(e @ StoreError::Damaged { .. }) => Some(e),
        Err(e) => return fail(e),
    };
    let store_filter = match filter.filter() {
        Ok(f) => f,
        Err(code) => return code,
    };
    // With a region and a year, the workbook also says who in the region has not
    // published (the coverage sheet).
    let coverage = match (&store_filter.region_code, filter.year, format) {
        (Some(code), Some(year), ExportFormat::Xlsx) => {
            match crate::coverage::compute(code, year, db) {
                Ok(c) => Some(c),
                Err(code) => return code,
            }
        }
        _ => None,
    };
    let rows = match store.reports(&store_filter) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    match crate::corpus::stale_cross_findings(&mut store) {
        Ok(Some(message)) => errln!("gongkai: 注意：{message}"),
        Ok(None) => {}
        Err(code) => return code,
    }
    let partial = partial_path(output);
    let file = match std::fs::File::create(&partial) {
        Ok(f) => std::io::BufWriter::new(f),
        Err(e) => return fail(format!("{}：无法写入：{e}", output.display())),
    };
    let headers = if english_headers {
        CsvHeaders::English
    } else {
        CsvHeaders::Chinese
    };
    let result = (|| -> Result<Exported, String> {
        let mut sink = match format {
            ExportFormat::Csv => Sink::Csv(Box::new(
                CsvLongWriter::new(file, headers).map_err(|e| e.to_string())?,
            )),
            ExportFormat::Jsonl => Sink::Jsonl(file),
            ExportFormat::Xlsx => Sink::Xlsx(
                Box::new(XlsxWriter::new().map_err(|e| e.to_string())?),
                file,
            ),
        };
        let done = write_all(&mut store, rows, &mut sink)?;
        if let (Some(c), Sink::Xlsx(w, _)) = (&coverage, &mut sink) {
            let rows: Vec<_> = c.expected.iter().map(crate::coverage::sheet_row).collect();
            w.add_coverage(
                &format!("{} {} {} 年度 应发布主体", c.code, c.region, c.year),
                &rows,
            )
            .map_err(|e| e.to_string())?;
        }
        sink.finish()?;
        std::fs::rename(&partial, output).map_err(|e| format!("无法写入：{e}"))?;
        Ok(done)
    })();
    match result {
        Ok(done) => {
            errln!("已导出 {} 份报告到 {}", done.written, output.display());
            if let Some(e) = &damaged_pages {
                errln!("gongkai: {e}");
                errln!("gongkai: 已导出能读出的全部报告；请从备份恢复数据库，或重新 ingest");
            }
            if done.damaged.is_empty() {
                return if damaged_pages.is_some() {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            errln!(
                "gongkai: {} 份报告的存储内容已损坏，未导出：",
                done.damaged.len()
            );
            for e in &done.damaged {
                errln!("  {e}");
            }
            ExitCode::from(2)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            fail(format!("{}：{e}", output.display()))
        }
    }
}
