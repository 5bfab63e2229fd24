//! `gongkai export`: the corpus as tidy CSV, an Excel/WPS workbook or JSON Lines.
//!
//! Every format is written one report at a time (the workbook too: its sheets go to
//! temporary files row by row), so memory stays bounded whatever the corpus size. A
//! stored report that cannot be read back is left out and named; the others are
//! exported. The file appears only when complete: it is written under a temporary
//! name beside it and renamed at the end. The database's pages are checked first; a
//! damaged database is reported (exit code 2) but still exported as far as it reads.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gongkai_corpus::export::{write_reports, ExportFormat as Written};
use gongkai_export::CsvHeaders;
use gongkai_store::StoreError;

use crate::corpus::{DbArgs, FilterArgs};

#[derive(Copy, Clone, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Jsonl,
}

impl ExportFormat {
    fn from_path(path: &Path) -> Option<ExportFormat> {
        match Written::from_extension(path.extension()?.to_str()?)? {
            Written::Csv => Some(ExportFormat::Csv),
            Written::Xlsx => Some(ExportFormat::Xlsx),
            Written::Jsonl => Some(ExportFormat::Jsonl),
        }
    }

    fn written(self) -> Written {
        match self {
            ExportFormat::Csv => Written::Csv,
            ExportFormat::Xlsx => Written::Xlsx,
            ExportFormat::Jsonl => Written::Jsonl,
        }
    }
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    errln!("gongkai: {e}");
    ExitCode::from(2)
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
    let result = (|| -> Result<gongkai_corpus::export::Exported, String> {
        let mut file = file;
        let done = write_reports(
            &mut store,
            rows,
            format.written(),
            headers,
            coverage.as_ref(),
            &mut file,
        )
        .map_err(|e| e.to_string())?;
        file.flush().map_err(|e| e.to_string())?;
        drop(file);
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
