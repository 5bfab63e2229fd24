//! `gongkai export`: the corpus as tidy CSV, an Excel/WPS workbook or JSON Lines.
//!
//! CSV and JSON Lines are written one report at a time, so memory stays flat whatever
//! the corpus size; the workbook needs every report at once (the XLSX writer builds the
//! sheets in memory).

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use gongkai_export::{CsvLongWriter, ExportReport};
use gongkai_model::agency::Level;
use gongkai_model::{Finding, Report};
use gongkai_store::{ReportRow, Store};

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

fn load(
    store: &mut Store,
    row: ReportRow,
    findings: &mut HashMap<i64, Vec<Finding>>,
) -> Result<Loaded, gongkai_store::StoreError> {
    Ok(Loaded {
        report: store.report(row.id)?,
        findings: findings.remove(&row.id).unwrap_or_default(),
        row,
    })
}

pub fn export(
    output: &Path,
    format: Option<ExportFormat>,
    filter: &FilterArgs,
    db: &DbArgs,
) -> ExitCode {
    let Some(format) = format.or_else(|| ExportFormat::from_path(output)) else {
        return fail(format!(
            "{}：无法从扩展名判断格式，请用 --format csv|xlsx|jsonl",
            output.display()
        ));
    };
    let mut store = match db.open() {
        Ok(s) => s,
        Err(code) => return code,
    };
    let rows = match store.reports(&filter.filter()) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    match crate::corpus::stale_cross_findings(&mut store) {
        Ok(Some(message)) => errln!("gongkai: 注意：{message}"),
        Ok(None) => {}
        Err(code) => return code,
    }
    let mut findings: HashMap<i64, Vec<Finding>> = HashMap::new();
    match store.findings(Some(&ids)) {
        Ok(all) => {
            for f in all {
                findings.entry(f.report_id).or_default().push(f.finding);
            }
        }
        Err(e) => return fail(e),
    }
    let n = rows.len();
    let file = match std::fs::File::create(output) {
        Ok(f) => std::io::BufWriter::new(f),
        Err(e) => return fail(format!("{}：无法写入：{e}", output.display())),
    };
    let result: Result<(), String> = (|| {
        match format {
            ExportFormat::Csv => {
                let mut w = CsvLongWriter::new(file).map_err(|e| e.to_string())?;
                for row in rows {
                    let l = load(&mut store, row, &mut findings).map_err(|e| e.to_string())?;
                    w.write_report(&l.export()).map_err(|e| e.to_string())?;
                }
                w.finish().map_err(|e| e.to_string())?;
            }
            ExportFormat::Jsonl => {
                let mut file = file;
                for row in rows {
                    let l = load(&mut store, row, &mut findings).map_err(|e| e.to_string())?;
                    let line = gongkai_export::jsonl_record(&l.export());
                    serde_json::to_writer(&mut file, &line).map_err(|e| e.to_string())?;
                    file.write_all(b"\n").map_err(|e| e.to_string())?;
                }
                file.flush().map_err(|e| e.to_string())?;
            }
            ExportFormat::Xlsx => {
                let mut loaded = Vec::with_capacity(rows.len());
                for row in rows {
                    loaded.push(load(&mut store, row, &mut findings).map_err(|e| e.to_string())?);
                }
                let reports: Vec<ExportReport<'_>> = loaded.iter().map(Loaded::export).collect();
                let mut file = file;
                gongkai_export::write_xlsx(&mut file, &reports).map_err(|e| e.to_string())?;
                file.flush().map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    })();
    match result {
        Ok(()) => {
            errln!("已导出 {n} 份报告到 {}", output.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("{}：{e}", output.display())),
    }
}
