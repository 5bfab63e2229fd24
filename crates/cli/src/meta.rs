//! The options about reports from outside their text that `check`, `parse`, `eval` and
//! `ingest` take.

use std::path::PathBuf;
use std::process::ExitCode;

use gongkai_pipeline::{Metadata, MetadataOptions, MetadataSource};

/// What `check`, `parse`, `eval` and `ingest` take about reports from outside their text.
#[derive(clap::Args, Clone, Default)]
pub struct MetaArgs {
    /// 发布机关：正文没有时补上，与正文不同时采用它并记为识别存疑 (the publishing agency)
    #[arg(long, value_name = "NAME")]
    pub agency: Option<String>,
    /// 报告年度：正文没有时补上，与正文不同时采用它并记为识别存疑 (the report's year)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i32).range(1990..=2100))]
    pub year: Option<i32>,
    /// 元数据清单 CSV（表头 file,agency,year,url，按文件名对应）；--agency/--year 优先
    /// (a crawl's manifest, matched by file name)
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
}

impl MetaArgs {
    pub fn options(&self) -> MetadataOptions {
        MetadataOptions {
            given: Metadata {
                agency: self.agency.clone(),
                year: self.year,
                url: None,
                published: None,
            },
            manifest: self.manifest.clone(),
        }
    }

    /// Each file's metadata for a command: a bad manifest is reported (every bad row)
    /// and the command stops with exit code 2 before reading any report.
    pub fn source(&self) -> Result<MetadataSource, ExitCode> {
        self.options().load(None).map_err(|e| {
            errln!("gongkai: {e}");
            ExitCode::from(2)
        })
    }
}
