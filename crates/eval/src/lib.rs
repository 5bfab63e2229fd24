//! Measure a reading against the truth: every cell of the three tables must be exactly
//! right, blanks included (a blank read as 0, or 0 read as blank, is wrong).
//!
//! [`run`] evaluates folders of documents with their truth; [`compare`] scores one
//! reading.

mod runner;

pub use runner::{run, silent_errors, DocResult, EvalError, EvalResult};

use std::collections::BTreeMap;

use gongkai_model::CanonicalTables;
use serde::Serialize;
use serde_json::Value as Json;

/// One wrong cell.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mismatch {
    pub path: String,
    /// `None`: blank (or the table absent).
    pub expected: Option<Json>,
    pub got: Option<Json>,
}

/// A cell's value as the eval shows it: its JSON, or 空 when blank.
pub fn show_value(v: &Option<Json>) -> String {
    v.as_ref().map_or_else(|| "空".to_string(), Json::to_string)
}

/// Exact-cell score of one table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Score {
    pub correct: usize,
    pub total: usize,
}

impl Score {
    pub fn add(&mut self, other: Score) {
        self.correct += other.correct;
        self.total += other.total;
    }
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            100.0 * self.correct as f64 / self.total as f64
        }
    }
    pub fn is_perfect(&self) -> bool {
        self.correct == self.total
    }
}

/// How one document's reading compares with its truth.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DocScore {
    /// Per table ("active_disclosure", "requests", "review_litigation").
    pub tables: BTreeMap<&'static str, Score>,
    pub mismatches: Vec<Mismatch>,
    pub agency_ok: bool,
    pub year_ok: bool,
    pub edition_ok: bool,
}

impl DocScore {
    pub fn cells(&self) -> Score {
        let mut s = Score::default();
        for t in self.tables.values() {
            s.add(*t);
        }
        s
    }
}

/// Compare a predicted canonical JSON with the truth JSON, cell by cell.
///
/// The denominator is every cell of the truth plus every extra cell of the reading
/// (a row the truth does not have counts against the reading).
pub fn compare(truth: &Json, predicted: &Json) -> Result<DocScore, String> {
    let t = CanonicalTables::from_json(truth).map_err(|e| format!("truth: {e}"))?;
    let p = CanonicalTables::from_json(predicted).map_err(|e| format!("reading: {e}"))?;
    let mut out = DocScore {
        agency_ok: t.agency == p.agency,
        year_ok: t.year == p.year,
        edition_ok: t.edition == p.edition,
        ..DocScore::default()
    };
    for table in CanonicalTables::TABLES {
        let empty = BTreeMap::new();
        let tt = t.tables.get(table).unwrap_or(&empty);
        let pt = p.tables.get(table).unwrap_or(&empty);
        let mut score = Score::default();
        let mut paths: Vec<&String> = tt.keys().chain(pt.keys()).collect();
        paths.sort();
        paths.dedup();
        for path in paths {
            let e = tt.get(path);
            let g = pt.get(path);
            score.total += 1;
            let (e, g) = (e.cloned().flatten(), g.cloned().flatten());
            let present_both = tt.contains_key(path) && pt.contains_key(path);
            if present_both && same_value(&e, &g) {
                score.correct += 1;
            } else {
                out.mismatches.push(Mismatch {
                    path: path.clone(),
                    expected: e,
                    got: g,
                });
            }
        }
        out.tables.insert(table, score);
    }
    Ok(out)
}

/// Values are equal when identical; a number and a string of the same digits are not.
fn same_value(a: &Option<Json>, b: &Option<Json>) -> bool {
    a == b
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(new_received: Json) -> Json {
        json!({"agency": "x", "year": 2021, "edition": "2021",
            "active_disclosure": {"edition": "2021", "licensing": {"decisions": 0}},
            "requests": {"columns": [], "rows": {"new_received": new_received}},
            "review_litigation": null})
    }

    #[test]
    fn exact_cells_blank_is_not_zero() {
        let truth = doc(json!([1, 0, null, 0, 0, 0, 1]));
        let same = compare(&truth, &truth).unwrap();
        assert_eq!(
            same.cells(),
            Score {
                correct: 9,
                total: 9
            }
        );
        let zero_for_blank = compare(&truth, &doc(json!([1, 0, 0, 0, 0, 0, 1]))).unwrap();
        assert_eq!(
            zero_for_blank.tables["requests"],
            Score {
                correct: 6,
                total: 7
            }
        );
        assert_eq!(
            zero_for_blank.mismatches[0].path,
            "requests.new_received.research_institution"
        );
        assert_eq!(zero_for_blank.mismatches[0].expected, None);
        assert_eq!(zero_for_blank.mismatches[0].got, Some(json!(0)));
    }

    #[test]
    fn table_forced_on_legacy_is_wrong() {
        let truth = doc(json!([1, 0, 0, 0, 0, 0, 1]));
        let mut got = truth.clone();
        got["review_litigation"] = json!({"review": {"total": 0}});
        let s = compare(&truth, &got).unwrap();
        // the table-level null entry is missing from the reading, and one extra cell.
        assert_eq!(
            s.tables["review_litigation"],
            Score {
                correct: 0,
                total: 2
            }
        );
    }
}
