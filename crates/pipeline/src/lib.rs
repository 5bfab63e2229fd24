//! One report file through the pipeline: its bytes read within bounds → loaded by
//! format → parsed, with what is known from outside its text applied → checked, the
//! source kept so that every finding can point into it.
//!
//! Everything that reads a file calls this crate — the CLI's `check`, `parse` and
//! `eval`, the corpus's ingest, the fuzz targets — so that a file reads the same
//! wherever it is read.
//!
//! - [`read`], [`read_and_check`], [`read_all_and_check`]: a file (or several, evidence
//!   for one another) within the time allowed one file ([`FILE_TIME_LIMIT`]).
//! - [`read_bytes`], [`parse_bytes`], [`check`], [`time_limited`]: the steps, for a
//!   caller that keeps the bytes (the corpus hashes them) or does more within the limit.
//! - [`metadata`]: agency, year, URL and publication date from outside the text.
//! - [`evidence`]: undecided table-二 rows decided by other reports.
//! - [`output`]: the JSON `check` and `parse` print, as types.

pub mod evidence;
mod limit;
mod load;
pub mod metadata;
pub mod output;

use std::path::{Path, PathBuf};
use std::time::Duration;

use gongkai_check::Selection;
use gongkai_ingest::IngestError;
use gongkai_model::{Finding, FindingKind, Report, Severity};
use gongkai_parse::{ParseError, Parsed};

pub use limit::{within, Overrun, FILE_TIME_LIMIT};
pub use load::{parse_loaded, parse_loaded_with};
pub use metadata::{Manifest, ManifestError, Metadata, MetadataOptions, MetadataSource};

/// A file read and checked: the report with the source text its places point into, and
/// what the rules found.
pub struct Checked {
    pub parsed: Parsed,
    pub findings: Vec<Finding>,
}

impl Checked {
    /// Whether the report as published is wrong somewhere (not only doubtfully read).
    pub fn has_document_error(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.kind == FindingKind::Document && f.severity == Severity::Error)
    }
}

/// Why a file yields no report. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Reading or loading refused the file (its own message names it).
    #[error(transparent)]
    Load(#[from] IngestError),
    /// Read, but the text is not an annual report.
    #[error("{name}: {source}")]
    NotAReport {
        name: String,
        #[source]
        source: ParseError,
    },
    /// Reading took longer than allowed, or the reader failed inside.
    #[error("{name}: {overrun}")]
    Overrun { name: String, overrun: Overrun },
}

/// What kind of failure a [`FileError`] is, for whoever records or counts failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileErrorKind {
    /// The path could not be opened or read (permission, a broken link, a loop).
    Unreadable,
    /// A FIFO, a device, a socket, a folder: never read.
    NotRegularFile,
    TooLarge,
    /// Cut off before its end: never a report.
    Incomplete,
    /// Read but not as a report: encrypted, scanned, damaged, an old format.
    Unsupported,
    /// Over the time limit, or the reader failed inside.
    TimedOut,
    /// Empty, binary, a script without a report, or text that is not an annual report.
    NotAReport,
}

impl FileError {
    pub fn kind(&self) -> FileErrorKind {
        match self {
            FileError::Load(e) => match e {
                IngestError::Io { .. } => FileErrorKind::Unreadable,
                IngestError::NotRegular { .. } => FileErrorKind::NotRegularFile,
                IngestError::TooLarge { .. } => FileErrorKind::TooLarge,
                IngestError::Incomplete { .. } => FileErrorKind::Incomplete,
                IngestError::Read { .. } => FileErrorKind::Unsupported,
                IngestError::Empty { .. }
                | IngestError::Binary { .. }
                | IngestError::ScriptWithoutReport { .. } => FileErrorKind::NotAReport,
            },
            FileError::NotAReport { .. } => FileErrorKind::NotAReport,
            FileError::Overrun { .. } => FileErrorKind::TimedOut,
        }
    }
}

/// A file's bytes, if it is a regular file within the size limit.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, FileError> {
    Ok(gongkai_ingest::read_bounded(path)?)
}

/// The bytes of the file `path` loaded by their format and parsed, `metadata` applied.
pub fn parse_bytes(path: &Path, bytes: &[u8], metadata: &Metadata) -> Result<Parsed, FileError> {
    let loaded = gongkai_ingest::load_bytes(path, bytes)?;
    let name = path.display().to_string();
    parse_loaded_with(&name, loaded, metadata)
        .map_err(|source| FileError::NotAReport { name, source })
}

/// A parsed report checked by the selected rules, its source kept.
pub fn check(parsed: Parsed, selection: &Selection) -> Checked {
    let findings = gongkai_check::check(&parsed.report, Some(&parsed.source), selection);
    Checked { parsed, findings }
}

/// `work` done for the file `path` within `limit` ([`within`]); running over is the
/// file's error.
pub fn time_limited<T: Send + 'static>(
    path: &Path,
    limit: Duration,
    work: impl FnOnce() -> Result<T, FileError> + Send + 'static,
) -> Result<T, FileError> {
    within(limit, work).unwrap_or_else(|overrun| {
        Err(FileError::Overrun {
            name: path.display().to_string(),
            overrun,
        })
    })
}

/// Read and parse one file, with what is known about it from outside its text, within
/// `limit`.
pub fn read(path: &Path, metadata: &Metadata, limit: Duration) -> Result<Parsed, FileError> {
    let (owned, metadata) = (path.to_path_buf(), metadata.clone());
    time_limited(path, limit, move || {
        let bytes = read_bytes(&owned)?;
        parse_bytes(&owned, &bytes, &metadata)
    })
}

/// [`read`], then [`check`].
pub fn read_and_check(
    path: &Path,
    metadata: &Metadata,
    selection: &Selection,
    limit: Duration,
) -> Result<Checked, FileError> {
    Ok(check(read(path, metadata, limit)?, selection))
}

/// Read several files, let them serve as evidence for one another (another copy of the
/// same report, the same agency's adjacent years decide table-二 rows whose cells ran
/// together), then check each. Results keep the order of `files`.
pub fn read_all_and_check(
    files: &[(PathBuf, Metadata)],
    selection: &Selection,
    limit: Duration,
) -> Vec<Result<Checked, FileError>> {
    let mut parsed: Vec<Result<Parsed, FileError>> = files
        .iter()
        .map(|(path, meta)| read(path, meta, limit))
        .collect();
    let mut reports: Vec<Report> = parsed
        .iter_mut()
        .filter_map(|p| p.as_mut().ok())
        .map(|p| std::mem::take(&mut p.report))
        .collect();
    evidence::decide_undecided(&mut reports);
    let mut back = reports.into_iter();
    parsed
        .into_iter()
        .map(|p| {
            let mut parsed = p?;
            parsed.report = back.next().unwrap_or_default();
            Ok(check(parsed, selection))
        })
        .collect()
}
