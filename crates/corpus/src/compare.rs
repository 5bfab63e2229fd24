//! Two reports side by side: every table cell of both with the differences, the
//! cross-year rules when they are the same agency's consecutive years, and how alike
//! their prose sections are.

use std::collections::BTreeMap;

use gongkai_check::cross::{self, YearFacts, COMPARED_SECTIONS};
use gongkai_model::{Finding, Report};
use serde::Serialize;

/// One cell of either report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CellPair {
    pub table: &'static str,
    pub row: &'static str,
    pub column: &'static str,
    pub row_label: &'static str,
    pub column_label: &'static str,
    /// As a reviewer reads it: the number, the amount, "空" for blank; `None` when the
    /// report has no such cell (another edition, or the table is missing).
    pub a: Option<String>,
    pub b: Option<String>,
}

impl CellPair {
    pub fn differs(&self) -> bool {
        self.a != self.b
    }
}

/// How alike one prose section of the two reports is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SectionPair {
    pub kind: gongkai_model::schema::SectionKind,
    pub title: &'static str,
    /// Share of A's text found in B, of B's in A, and the Jaccard index; `None` when
    /// either section is missing or too short to compare.
    pub a_in_b: Option<f64>,
    pub b_in_a: Option<f64>,
    pub jaccard: Option<f64>,
    /// The longest shared passages, from A's text.
    pub passages: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub a: Side,
    pub b: Side,
    pub cells: Vec<CellPair>,
    /// Y001/Y002 when A and B are one agency's consecutive years (about the later one).
    pub cross_year: Vec<Finding>,
    pub sections: Vec<SectionPair>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Side {
    pub label: String,
    pub agency: Option<String>,
    pub year: Option<i32>,
    pub edition: Option<String>,
}

impl Comparison {
    pub fn differing(&self) -> impl Iterator<Item = &CellPair> {
        self.cells.iter().filter(|c| c.differs())
    }
}

pub fn compare(
    a_label: &str,
    a: &Report,
    b_label: &str,
    b: &Report,
    similarity: &gongkai_similar::Options,
) -> Comparison {
    let mut cells: Vec<CellPair> = Vec::new();
    let mut index: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
    for (side, report) in [(0, a), (1, b)] {
        for k in report.keyed_cells() {
            let i = *index.entry((k.table, k.row, k.column)).or_insert_with(|| {
                cells.push(CellPair {
                    table: k.table,
                    row: k.row,
                    column: k.column,
                    row_label: k.row_label,
                    column_label: k.column_label,
                    a: None,
                    b: None,
                });
                cells.len() - 1
            });
            let shown = Some(k.cell.display());
            if side == 0 {
                cells[i].a = shown;
            } else {
                cells[i].b = shown;
            }
        }
    }

    let mut cross_year = Vec::new();
    if let (Some(fa), Some(fb)) = (YearFacts::of(a), YearFacts::of(b)) {
        let same = a.agency().is_some() && a.agency() == b.agency();
        let (prev, cur) = if fa.year < fb.year {
            (&fa, &fb)
        } else {
            (&fb, &fa)
        };
        if same && cur.year == prev.year + 1 {
            cross_year.extend(cross::carry_over_mismatch(prev, cur));
            cross_year.extend(cross::stock_discontinuity(prev, cur));
        }
    }

    let sections = COMPARED_SECTIONS
        .iter()
        .map(|&kind| {
            let (sa, sb) = (a.section(kind), b.section(kind));
            let sim = match (sa, sb) {
                (Some(x), Some(y)) => gongkai_similar::compare(&x.body, &y.body, similarity),
                _ => None,
            };
            SectionPair {
                kind,
                title: kind.title(),
                a_in_b: sim.as_ref().map(|s| s.containment_a),
                b_in_a: sim.as_ref().map(|s| s.containment_b),
                jaccard: sim.as_ref().map(|s| s.jaccard),
                passages: match (sim, sa) {
                    (Some(s), Some(x)) => {
                        let mut ps = s.passages.clone();
                        ps.sort_by_key(|p| std::cmp::Reverse(p.chars));
                        ps.iter()
                            .take(3)
                            .map(|p| x.body[p.a.clone()].to_string())
                            .collect()
                    }
                    _ => Vec::new(),
                },
            }
        })
        .collect();

    let side = |label: &str, r: &Report| Side {
        label: label.to_string(),
        agency: r.agency().map(str::to_string),
        year: r.year(),
        edition: r.edition.map(|e| e.as_str().to_string()),
    };
    Comparison {
        a: side(a_label, a),
        b: side(b_label, b),
        cells,
        cross_year,
        sections,
    }
}
