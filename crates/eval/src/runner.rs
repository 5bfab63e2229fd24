//! The eval runner: the documents of folders read as `check` reads them and compared,
//! cell by cell, with their truth (`truth/<stem>.json`), and the findings compared with
//! what a good checker says about them (`eval/expected-findings.json`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gongkai_check::Selection;
use gongkai_model::{canonical_json, CanonicalOptions, FindingKind, Severity};
use gongkai_pipeline::{ManifestError, MetadataOptions, FILE_TIME_LIMIT};
use serde::Serialize;
use serde_json::{json, Value as Json};

use crate::{DocScore, Score};

/// Why an eval could not be run (a document that cannot be read is a result, not this).
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{}: 无法读取目录：{source}", dir.display())]
    Folder {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: 没有带 truth/<文件名>.json 的文档", .0.display())]
    NoDocuments(PathBuf),
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// A truth file that cannot be read or is not a reading's JSON.
    #[error("{}: {message}", path.display())]
    Truth { path: PathBuf, message: String },
}

/// Rule names expected per document stem (our reading of the truth files' plain words).
const EXPECTED: &str = include_str!("../../../eval/expected-findings.json");

fn expected_map() -> BTreeMap<String, Vec<String>> {
    let v: Json = serde_json::from_str(EXPECTED).unwrap_or(Json::Null);
    v.as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| !k.starts_with('_'))
                .map(|(k, v)| (k.clone(), strings(v)))
                .collect()
        })
        .unwrap_or_default()
}

/// The strings of a JSON array (none for anything else).
fn strings(v: &Json) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// One document's result.
#[derive(Clone, Debug, Serialize)]
pub struct DocResult {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub score: DocScore,
    /// Expected rule → produced?
    pub expected: Vec<(String, bool)>,
    /// Document errors produced that were not expected (None: no expectations recorded).
    pub false_alarms: Option<Vec<String>>,
    /// Wrong cells read as printed values that no doubt names: errors the reading
    /// did not own up to ("path expected → got").
    pub silent: Vec<String>,
    /// What the truth file says a checker should find, in its own words.
    #[serde(skip)]
    pub truth_notes: Vec<String>,
}

/// The result of an eval: each document, and the totals.
#[derive(Clone, Debug, Serialize)]
pub struct EvalResult {
    pub documents: Vec<DocResult>,
    pub tables: BTreeMap<&'static str, Score>,
    pub cells: Score,
    pub documents_exact: usize,
    pub expected_found: usize,
    pub expected_total: usize,
    pub false_alarms: usize,
    /// Wrong cells, over all documents, that no doubt names.
    pub silent_errors: usize,
}

impl EvalResult {
    /// Every cell read right, every expected finding found, no false alarm.
    pub fn is_perfect(&self) -> bool {
        self.cells.is_perfect()
            && self.expected_found == self.expected_total
            && self.false_alarms == 0
            && self.silent_errors == 0
    }
}

/// Documents in `dir` that have `truth/<stem>.json`, sorted by name.
fn documents(dir: &Path) -> std::io::Result<Vec<(PathBuf, PathBuf)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if !path.is_file() {
            continue;
        }
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let truth = dir.join("truth").join(format!("{stem}.json"));
        if truth.is_file() {
            out.push((path, truth));
        }
    }
    out.sort();
    Ok(out)
}

/// Evaluate the documents of `dirs`. Each folder's metadata is `metadata`, with its own
/// `manifest.csv` when `metadata` names no manifest; every manifest is checked before
/// any document is read.
pub fn run(dirs: &[PathBuf], metadata: &MetadataOptions) -> Result<EvalResult, EvalError> {
    let expected = expected_map();
    let selection = Selection::all();
    let mut documents_out = Vec::new();
    let mut folders = Vec::new();
    for dir in dirs {
        let docs = documents(dir).map_err(|source| EvalError::Folder {
            dir: dir.clone(),
            source,
        })?;
        if docs.is_empty() {
            return Err(EvalError::NoDocuments(dir.clone()));
        }
        let source = metadata.load(Some(
            &dir.join(gongkai_pipeline::metadata::MANIFEST_FILE_NAME),
        ))?;
        folders.push((docs, source));
    }
    for (docs, source) in folders {
        // The folder's documents are read together: each may be evidence for another.
        let files: Vec<(PathBuf, gongkai_pipeline::Metadata)> = docs
            .iter()
            .map(|(path, _)| (path.clone(), source.for_file(path)))
            .collect();
        let checked = gongkai_pipeline::read_all_and_check(&files, &selection, FILE_TIME_LIMIT);
        for ((path, truth_path), checked) in docs.into_iter().zip(checked) {
            let bad_truth = |message: String| EvalError::Truth {
                path: truth_path.clone(),
                message,
            };
            let truth_text =
                std::fs::read_to_string(&truth_path).map_err(|e| bad_truth(e.to_string()))?;
            let truth: Json =
                serde_json::from_str(&truth_text).map_err(|e| bad_truth(e.to_string()))?;
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string();
            let truth_notes = strings(&truth["expected_findings"]);
            let (got, findings, error, report) = match checked {
                Ok(c) => (
                    canonical_json(&c.parsed.report, CanonicalOptions::default()),
                    c.findings,
                    None,
                    Some(c.parsed.report),
                ),
                Err(e) => (json!({}), Vec::new(), Some(e.to_string()), None),
            };
            let score = crate::compare(&truth, &got).map_err(bad_truth)?;
            let silent = report
                .as_ref()
                .map(|r| silent_errors(r, &findings, &score))
                .unwrap_or_default();
            let exp = expected.get(&stem);
            let expected_hits = exp
                .map(|names| {
                    names
                        .iter()
                        .map(|n| (n.clone(), findings.iter().any(|f| &f.name == n)))
                        .collect()
                })
                .unwrap_or_default();
            let false_alarms = exp.map(|names| {
                findings
                    .iter()
                    .filter(|f| {
                        f.kind == FindingKind::Document
                            && f.severity == Severity::Error
                            && !names.contains(&f.name)
                    })
                    .map(|f| format!("{} {}: {}", f.code, f.name, f.message))
                    .collect()
            });
            documents_out.push(DocResult {
                file: path.display().to_string(),
                error,
                score,
                expected: expected_hits,
                false_alarms,
                silent,
                truth_notes,
            });
        }
    }
    let mut tables: BTreeMap<&'static str, Score> = BTreeMap::new();
    let mut cells = Score::default();
    for d in &documents_out {
        for (t, s) in &d.score.tables {
            tables.entry(t).or_default().add(*s);
        }
        cells.add(d.score.cells());
    }
    Ok(EvalResult {
        documents_exact: documents_out
            .iter()
            .filter(|d| d.score.cells().is_perfect())
            .count(),
        expected_found: documents_out
            .iter()
            .map(|d| d.expected.iter().filter(|e| e.1).count())
            .sum(),
        expected_total: documents_out.iter().map(|d| d.expected.len()).sum(),
        false_alarms: documents_out
            .iter()
            .map(|d| d.false_alarms.as_ref().map_or(0, Vec::len))
            .sum(),
        silent_errors: documents_out.iter().map(|d| d.silent.len()).sum(),
        documents: documents_out,
        tables,
        cells,
    })
}

/// The wrong cells of a reading that it printed as read (not unread, not derived) and
/// that no doubt names — neither a doubt of the reading nor a finding about the
/// reading (an extraction finding, such as a sum that fails on a scan where a number
/// may be misread): what a reviewer would take on trust and should not.
pub fn silent_errors(
    report: &gongkai_model::Report,
    findings: &[gongkai_model::Finding],
    score: &DocScore,
) -> Vec<String> {
    use gongkai_model::{CellRef, Origin};
    let doubted: Vec<CellRef> = report
        .doubts
        .iter()
        .flat_map(|d| d.cells.iter().copied())
        .chain(
            findings
                .iter()
                .filter(|f| f.kind == FindingKind::Extraction)
                .flat_map(|f| f.labels.iter().filter_map(|l| l.cell)),
        )
        .collect();
    score
        .mismatches
        .iter()
        .filter(|m| {
            let mut parts = m.path.splitn(3, '.');
            let (_, row, column) = (parts.next(), parts.next(), parts.next());
            let Some(cell) = row
                .zip(column)
                .and_then(|(r, c)| CellRef::from_key(&format!("{r}:{c}")))
            else {
                // A path that names no cell cannot be shown doubted: counted.
                return true;
            };
            let read_as_printed = report
                .cell(&cell)
                .is_some_and(|c| c.origin == Origin::Printed);
            read_as_printed && !doubted.contains(&cell)
        })
        .map(|m| {
            format!(
                "{} {} → {}",
                m.path,
                crate::show_value(&m.expected),
                crate::show_value(&m.got)
            )
        })
        .collect()
}
