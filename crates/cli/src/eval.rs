//! `gongkai eval`: exact-cell accuracy of the parser over folders of documents with
//! truth, and whether the checker says what a good checker says about them.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use gongkai_check::Selection;
use gongkai_eval::{DocScore, Score};
use gongkai_model::{canonical_json, CanonicalOptions, FindingKind, Severity};
use serde::Serialize;
use serde_json::{json, Value as Json};

use crate::pipeline::{self, MetaArgs};
use crate::render::pad;

/// Rule names expected per document stem (our reading of the truth files' plain words).
const EXPECTED: &str = include_str!("../../../eval/expected-findings.json");

fn expected_map() -> BTreeMap<String, Vec<String>> {
    let v: Json = serde_json::from_str(EXPECTED).unwrap_or(Json::Null);
    v.as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| !k.starts_with('_'))
                .map(|(k, v)| {
                    let names = v
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|x| x.as_str().map(str::to_owned))
                                .collect()
                        })
                        .unwrap_or_default();
                    (k.clone(), names)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[derive(Serialize)]
pub struct DocResult {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub score: DocScore,
    /// Expected rule → produced?
    pub expected: Vec<(String, bool)>,
    /// Document errors produced that were not expected (None: no expectations recorded).
    pub false_alarms: Option<Vec<String>>,
    #[serde(skip)]
    pub truth_notes: Vec<String>,
}

#[derive(Serialize)]
pub struct EvalResult {
    pub documents: Vec<DocResult>,
    pub tables: BTreeMap<&'static str, Score>,
    pub cells: Score,
    pub documents_exact: usize,
    pub expected_found: usize,
    pub expected_total: usize,
    pub false_alarms: usize,
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

/// Evaluate the documents of `dirs`. Each folder's metadata is `meta`, with its own
/// `manifest.csv` when `meta` names no manifest; every manifest is checked before any
/// document is read.
pub fn run(dirs: &[PathBuf], meta: &MetaArgs) -> Result<EvalResult, String> {
    let expected = expected_map();
    let selection = Selection::all();
    let mut documents_out = Vec::new();
    let mut folders = Vec::new();
    for dir in dirs {
        let docs = documents(dir).map_err(|e| format!("{}: 无法读取目录：{e}", dir.display()))?;
        if docs.is_empty() {
            return Err(format!(
                "{}: 没有带 truth/<文件名>.json 的文档",
                dir.display()
            ));
        }
        let metadata = meta
            .load(Some(
                &dir.join(gongkai_corpus::metadata::MANIFEST_FILE_NAME),
            ))
            .map_err(|e| e.to_string())?;
        folders.push((docs, metadata));
    }
    for (docs, metadata) in folders {
        // The folder's documents are read together: each may be evidence for another.
        let files: Vec<(PathBuf, gongkai_corpus::Metadata)> = docs
            .iter()
            .map(|(path, _)| (path.clone(), metadata.for_file(path)))
            .collect();
        let checked = pipeline::read_all_and_check(&files, &selection);
        for ((path, truth_path), checked) in docs.into_iter().zip(checked) {
            let truth_text = std::fs::read_to_string(&truth_path)
                .map_err(|e| format!("{}: {e}", truth_path.display()))?;
            let truth: Json = serde_json::from_str(&truth_text)
                .map_err(|e| format!("{}: {e}", truth_path.display()))?;
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string();
            let truth_notes = truth["expected_findings"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let (got, findings, error) = match checked {
                Ok(c) => (
                    canonical_json(&c.parsed.report, CanonicalOptions::default()),
                    c.findings,
                    None,
                ),
                Err(e) => (json!({}), Vec::new(), Some(e.message)),
            };
            let score = gongkai_eval::compare(&truth, &got)
                .map_err(|e| format!("{}: {e}", truth_path.display()))?;
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
        documents: documents_out,
        tables,
        cells,
    })
}

fn cell(s: Option<&Score>) -> String {
    match s {
        Some(s) => format!("{}/{}", s.correct, s.total),
        None => "-".into(),
    }
}

fn mark(ok: bool) -> &'static str {
    if ok {
        "✓"
    } else {
        "✗"
    }
}

pub fn human(r: &EvalResult, verbose: bool) -> String {
    let mut out = String::new();
    let name_w = r
        .documents
        .iter()
        .map(|d| file_name(&d.file).chars().count())
        .max()
        .unwrap_or(4)
        .max(4)
        + 2;
    let _ = writeln!(
        out,
        "{}{}{}{}{}机关/年份/版本  预期发现",
        pad("文档", name_w),
        pad("表二", 10),
        pad("表三", 10),
        pad("表四", 10),
        pad("全部单元格", 18),
    );
    for d in &r.documents {
        let all = d.score.cells();
        let exp: Vec<String> = d
            .expected
            .iter()
            .map(|(n, ok)| format!("{n} {}", mark(*ok)))
            .collect();
        let _ = writeln!(
            out,
            "{}{}{}{}{}{}  {}",
            pad(file_name(&d.file), name_w),
            pad(&cell(d.score.tables.get("active_disclosure")), 10),
            pad(&cell(d.score.tables.get("requests")), 10),
            pad(&cell(d.score.tables.get("review_litigation")), 10),
            pad(&format!("{} {:.1}%", cell(Some(&all)), all.percent()), 18),
            pad(
                &format!(
                    "{} {} {}",
                    mark(d.score.agency_ok),
                    mark(d.score.year_ok),
                    mark(d.score.edition_ok)
                ),
                14
            ),
            if exp.is_empty() {
                "（无）".to_string()
            } else {
                exp.join("，")
            }
        );
        if let Some(e) = &d.error {
            let _ = writeln!(out, "    读取失败：{e}");
        }
        if let Some(fa) = &d.false_alarms {
            for f in fa {
                let _ = writeln!(out, "    误报：{f}");
            }
        }
        if verbose {
            for m in &d.score.mismatches {
                let _ = writeln!(
                    out,
                    "    错误单元格 {}：应为 {}，读为 {}",
                    m.path,
                    show(&m.expected),
                    show(&m.got)
                );
            }
            for n in &d.truth_notes {
                let _ = writeln!(out, "    · {n}");
            }
        }
    }
    let _ = writeln!(
        out,
        "\n合计：{} 个文档，{} 个完全正确；单元格 {}/{}（{:.2}%）；表二 {}，表三 {}，表四 {}",
        r.documents.len(),
        r.documents_exact,
        r.cells.correct,
        r.cells.total,
        r.cells.percent(),
        cell(r.tables.get("active_disclosure")),
        cell(r.tables.get("requests")),
        cell(r.tables.get("review_litigation")),
    );
    let _ = writeln!(
        out,
        "预期发现：{}/{} 已发现；误报（未预期的文档错误）：{}",
        r.expected_found, r.expected_total, r.false_alarms
    );
    out
}

fn show(v: &Option<Json>) -> String {
    match v {
        None => "空".into(),
        Some(v) => v.to_string(),
    }
}

fn file_name(p: &str) -> &str {
    Path::new(p)
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or(p)
}
