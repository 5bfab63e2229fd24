//! Scoring the corpus's findings against a synthetic corpus's answer key
//! (`answer-key.jsonl`, written by `gongkai synth`): precision and recall of every rule,
//! single-report and cross-report alike.
//!
//! The unit is a (report, rule) pair: the key lists, per report, the rules whose
//! findings the planted errors imply; the corpus holds the findings the checks raised.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use gongkai_store::{Filter, Store, StoreError};
use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RuleScore {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
}

impl RuleScore {
    pub fn precision(&self) -> f64 {
        let found = self.true_positives + self.false_positives;
        if found == 0 {
            1.0
        } else {
            self.true_positives as f64 / found as f64
        }
    }
    pub fn recall(&self) -> f64 {
        let expected = self.true_positives + self.false_negatives;
        if expected == 0 {
            1.0
        } else {
            self.true_positives as f64 / expected as f64
        }
    }
}

/// One report whose findings differ from the key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    pub stem: String,
    pub missing: Vec<String>,
    pub unexpected: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AnswerScore {
    /// Reports in the key.
    pub reports: usize,
    /// Reports in the key not found in the corpus (unread, or stored under another name).
    pub not_in_corpus: Vec<String>,
    pub total: RuleScore,
    pub rules: BTreeMap<String, RuleScore>,
    pub mismatches: Vec<Mismatch>,
}

impl AnswerScore {
    pub fn is_perfect(&self) -> bool {
        self.not_in_corpus.is_empty()
            && self.total.false_positives == 0
            && self.total.false_negatives == 0
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    #[error("{path}: 无法读取答案：{message}")]
    Key { path: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The file stem of a source path: how the key names reports.
fn stem(source: &str) -> String {
    Path::new(source)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

pub fn score(store: &mut Store, key_path: &Path) -> Result<AnswerScore, AnswerError> {
    let key_err = |message: String| AnswerError::Key {
        path: key_path.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(key_path).map_err(|e| key_err(e.to_string()))?;
    let mut expected: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| key_err(format!("第 {} 行：{e}", i + 1)))?;
        let stem = v["stem"]
            .as_str()
            .ok_or_else(|| key_err(format!("第 {} 行没有 stem", i + 1)))?;
        let rules = v["expected"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|r| r.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        expected.insert(stem.to_string(), rules);
    }

    let reports = store.reports(&Filter::default())?;
    let stems: HashMap<i64, String> = reports.iter().map(|r| (r.id, stem(&r.source))).collect();
    let mut found: HashMap<String, BTreeSet<String>> = HashMap::new();
    for r in &reports {
        found.entry(stem(&r.source)).or_default();
    }
    for f in store.findings(None)? {
        if let Some(s) = stems.get(&f.report_id) {
            found.entry(s.clone()).or_default().insert(f.finding.name);
        }
    }

    let mut out = AnswerScore {
        reports: expected.len(),
        ..AnswerScore::default()
    };
    for (stem, exp) in &expected {
        let Some(got) = found.get(stem) else {
            out.not_in_corpus.push(stem.clone());
            continue;
        };
        for rule in exp.union(got) {
            let s = out.rules.entry(rule.clone()).or_default();
            match (exp.contains(rule), got.contains(rule)) {
                (true, true) => s.true_positives += 1,
                (false, true) => s.false_positives += 1,
                (true, false) => s.false_negatives += 1,
                (false, false) => {}
            }
        }
        if exp != got {
            out.mismatches.push(Mismatch {
                stem: stem.clone(),
                missing: exp.difference(got).cloned().collect(),
                unexpected: got.difference(exp).cloned().collect(),
            });
        }
    }
    for s in out.rules.values() {
        out.total.true_positives += s.true_positives;
        out.total.false_positives += s.false_positives;
        out.total.false_negatives += s.false_negatives;
    }
    Ok(out)
}
