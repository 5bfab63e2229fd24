//! One file through the pipeline: ingest → parse (metadata applied) → check.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gongkai_check::Selection;
use gongkai_corpus::{Manifest, Metadata, MetadataSource};
use gongkai_model::Finding;
use gongkai_parse::Parsed;

/// Why a file yields no report. The message names the file and what is wrong.
#[derive(Debug)]
pub struct FileError {
    pub message: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

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
    /// Where each file's metadata comes from: the options, then the manifest named, or
    /// else `default_manifest` when that file exists.
    pub fn load(
        &self,
        default_manifest: Option<&Path>,
    ) -> Result<MetadataSource, gongkai_corpus::ManifestError> {
        let path = self.manifest.clone().or_else(|| {
            default_manifest
                .filter(|p| p.is_file())
                .map(Path::to_path_buf)
        });
        let manifest = path.map(|p| Manifest::load(&p)).transpose()?;
        Ok(MetadataSource {
            given: Metadata {
                agency: self.agency.clone(),
                year: self.year,
                url: None,
                published: None,
            },
            manifest,
        })
    }

    /// [`MetaArgs::load`] for a command: a bad manifest is reported (every bad row) and
    /// the command stops with exit code 2 before reading any report.
    pub fn source(&self) -> Result<MetadataSource, ExitCode> {
        self.load(None).map_err(|e| {
            errln!("gongkai: {e}");
            ExitCode::from(2)
        })
    }
}

/// Read and parse one file, with what is known about it from outside its text, within
/// the time allowed one file.
pub fn read(path: &Path, metadata: &Metadata) -> Result<Parsed, FileError> {
    gongkai_corpus::read_file(path, metadata, gongkai_corpus::FILE_TIME_LIMIT)
        .map_err(|message| FileError { message })
}

/// A file read and checked.
pub struct Checked {
    pub parsed: Parsed,
    pub findings: Vec<Finding>,
}

pub fn read_and_check(
    path: &Path,
    metadata: &Metadata,
    selection: &Selection,
) -> Result<Checked, FileError> {
    let parsed = read(path, metadata)?;
    let findings = gongkai_check::check(&parsed.report, Some(&parsed.source), selection);
    Ok(Checked { parsed, findings })
}

/// Read several files, let them serve as evidence for one another (another copy of the
/// same report, the same agency's adjacent years decide table-二 rows whose cells ran
/// together), then check each. Results keep the order of `files`.
pub fn read_all_and_check(
    files: &[(PathBuf, Metadata)],
    selection: &Selection,
) -> Vec<Result<Checked, FileError>> {
    let mut parsed: Vec<Result<Parsed, FileError>> =
        files.iter().map(|(path, meta)| read(path, meta)).collect();
    let mut reports: Vec<gongkai_model::Report> = parsed
        .iter_mut()
        .filter_map(|p| p.as_mut().ok())
        .map(|p| std::mem::take(&mut p.report))
        .collect();
    gongkai_corpus::evidence::decide_undecided(&mut reports);
    let mut back = reports.into_iter();
    parsed
        .into_iter()
        .map(|p| {
            let mut parsed = p?;
            parsed.report = back.next().unwrap_or_default();
            let findings = gongkai_check::check(&parsed.report, Some(&parsed.source), selection);
            Ok(Checked { parsed, findings })
        })
        .collect()
}
