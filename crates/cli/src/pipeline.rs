//! One file through the pipeline: ingest → parse → check.

use std::path::Path;

use gongkai_check::Selection;
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

/// Read and parse one file.
pub fn read(path: &Path) -> Result<Parsed, FileError> {
    let loaded = gongkai_ingest::load(path).map_err(|e| FileError {
        message: e.to_string(),
    })?;
    let name = path.display().to_string();
    gongkai_corpus::parse_loaded(&name, loaded).map_err(|e| FileError {
        message: format!("{}: {e}", path.display()),
    })
}

/// A file read and checked.
pub struct Checked {
    pub parsed: Parsed,
    pub findings: Vec<Finding>,
}

pub fn read_and_check(path: &Path, selection: &Selection) -> Result<Checked, FileError> {
    let parsed = read(path)?;
    let findings = gongkai_check::check(&parsed.report, Some(&parsed.source), selection);
    Ok(Checked { parsed, findings })
}
