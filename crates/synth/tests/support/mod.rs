//! Shared by the integration tests: parse and check a synthetic report.

#![allow(dead_code)]

pub mod messy;

use gongkai_check::{check, Selection};
use gongkai_model::{canonical_json, CanonicalOptions, Finding, FindingKind, Report};
use gongkai_synth::{tables_json, Synthetic};
use serde_json::Value as Json;

/// The parsed report and its findings.
pub struct Read {
    pub report: Report,
    pub findings: Vec<Finding>,
}

pub fn read(s: &Synthetic) -> Read {
    let parsed = gongkai_parse::parse_text("synthetic.txt", s.text.clone())
        .unwrap_or_else(|e| panic!("seed {} {:?}: not parsed: {e}", s.seed, s.layout));
    let findings = check(&parsed.report, Some(&parsed.source), &Selection::all());
    Read {
        report: parsed.report,
        findings,
    }
}

/// The canonical JSON of the reading without `source`: comparable with `tables_json`.
pub fn reading_json(r: &Report) -> Json {
    let mut j = canonical_json(r, CanonicalOptions::default());
    if let Some(m) = j.as_object_mut() {
        m.remove("source");
    }
    j
}

/// Sorted rule names of the findings of `kind`.
pub fn names(fs: &[Finding], kind: FindingKind) -> Vec<String> {
    let mut v: Vec<String> = fs
        .iter()
        .filter(|f| f.kind == kind)
        .map(|f| f.name.clone())
        .collect();
    v.sort();
    v
}

/// A readable account of a mismatch, for assertion messages.
pub fn explain(s: &Synthetic, r: &Read) -> String {
    let want = tables_json(s);
    let got = reading_json(&r.report);
    let mut diffs = Vec::new();
    diff("", &want, &got, &mut diffs);
    let fs: Vec<String> = r
        .findings
        .iter()
        .map(|f| format!("{} [{:?}] {}", f.name, f.kind, f.message))
        .collect();
    format!(
        "seed {} layout {:?} injected {:?} lost {:?}\nexpected {:?}\ntable diffs:\n  {}\nfindings:\n  {}\ndoubts: {:#?}",
        s.seed,
        s.layout,
        s.injected,
        s.lost,
        s.expected,
        diffs.join("\n  "),
        fs.join("\n  "),
        r.report.doubts
    )
}

fn diff(path: &str, a: &Json, b: &Json, out: &mut Vec<String>) {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                diff(
                    &format!("{path}.{k}"),
                    x.get(k).unwrap_or(&Json::Null),
                    y.get(k).unwrap_or(&Json::Null),
                    out,
                );
            }
        }
        _ if a != b => out.push(format!("{path}: want {a} got {b}")),
        _ => {}
    }
}

/// Cases per property: `n`, or `PROPTEST_CASES` from the environment for a longer run
/// (`PROPTEST_CASES=20000 cargo test --release -p gongkai-synth`).
pub fn cases(n: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(n)
}

// ---------------------------------------------------------------------------
// Exact or unread: the property of the messy layouts
// ---------------------------------------------------------------------------

use gongkai_model::schema::{active_row, RequestColumn, ReviewColumn, ReviewGroup};
use gongkai_model::{Cell, CellRef, Doubt, DoubtKind, Origin, Value};

/// How the cells of a reading compare with the generated tables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Read exactly.
    pub exact: usize,
    /// Left blank (not found) with a doubt that names the row, its cells or its table.
    pub unread: usize,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.exact += o.exact;
        self.unread += o.unread;
    }
}

/// Where a cell sits, for matching it with the doubts that explain its absence.
struct Place<'a> {
    cell: CellRef,
    table: &'static str,
    /// The row's names as doubts quote them (label, short label).
    names: Vec<&'a str>,
}

fn explained(doubts: &[Doubt], p: &Place<'_>) -> bool {
    doubts.iter().any(|d| {
        matches!(
            d.kind,
            DoubtKind::AmbiguousRow | DoubtKind::Unread | DoubtKind::RowNotFound
        ) && (d.cells.contains(&p.cell)
            || p.names
                .iter()
                .any(|n| d.message.contains(&format!("「{n}」")))
            || ((d.kind == DoubtKind::Unread || p.table == "表四") && d.message.contains(p.table)))
    })
}

/// Every generated cell is read exactly, or left blank with a doubt explaining it —
/// never read wrong, never blank in silence. `Err` describes the first cell that is not.
pub fn exact_or_doubted(s: &Synthetic, r: &Report) -> Result<Tally, String> {
    let mut tally = Tally::default();
    let mut one = |want: Option<&Value>, got: Option<&Cell>, p: Place<'_>| -> Result<(), String> {
        let got_value = got.and_then(|c| c.value.as_ref());
        if got_value == want {
            tally.exact += 1;
            return Ok(());
        }
        let not_found = got.is_none_or(|c| c.value.is_none() && c.origin == Origin::NotFound);
        if not_found && explained(&r.doubts, &p) {
            tally.unread += 1;
            return Ok(());
        }
        let how = match (got_value, not_found) {
            (_, true) => " (not found, and no doubt explains it)",
            (None, false) => " (read as printed blank)",
            _ => "",
        };
        Err(format!(
            "{}: want {:?}, read {:?}{how}",
            p.cell.describe_zh(),
            want,
            got_value,
        ))
    };

    // Table 二.
    let t = &s.tables;
    let active = r.active.as_ref().filter(|a| a.edition == t.active_edition);
    if let (Some(a), Some(e)) = (&r.active, r.edition) {
        if a.edition != t.active_edition || e != t.active_edition {
            return Err(format!(
                "table 二 read in edition {:?}, printed {:?}",
                a.edition, t.active_edition
            ));
        }
    }
    for row in &t.active {
        let def = active_row(t.active_edition, row.key).expect("row of the edition");
        let got_row = active.and_then(|a| a.rows.iter().find(|x| x.key == row.key));
        for (i, (col, want)) in def.columns.iter().zip(&row.cells).enumerate() {
            one(
                want.as_ref(),
                got_row.and_then(|g| g.cells.get(i)),
                Place {
                    cell: CellRef::Active {
                        row: row.key,
                        column: col.key,
                    },
                    table: "表二",
                    names: vec![def.label],
                },
            )?;
        }
    }

    // Table 三.
    for row in &t.requests {
        let def = row.key.def();
        let got_row = r.requests.as_ref().and_then(|q| q.row(row.key));
        for (i, want) in row.cells.iter().enumerate() {
            let want = want.map(Value::Count);
            one(
                want.as_ref(),
                got_row.map(|g| &g.cells[i]),
                Place {
                    cell: CellRef::Request {
                        row: row.key,
                        column: RequestColumn::ALL[i],
                    },
                    table: "表三",
                    names: vec![def.label, def.short],
                },
            )?;
        }
    }

    // Table 四.
    if let Some(review) = &t.review {
        for g in ReviewGroup::ALL {
            for c in ReviewColumn::ALL {
                let want = review[g.index()][c.index()].map(Value::Count);
                one(
                    want.as_ref(),
                    r.review.as_ref().map(|x| x.cell(g, c)),
                    Place {
                        cell: CellRef::Review {
                            group: g,
                            column: c,
                        },
                        table: "表四",
                        names: vec![],
                    },
                )?;
            }
        }
    }
    Ok(tally)
}
