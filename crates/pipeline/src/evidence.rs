//! Evidence from outside a report for its undecided table-二 rows.
//!
//! A table-二 row printed as a run of digits ("6233440") often splits more than one way,
//! and table 二 has no arithmetic inside one report to choose. Other reports can:
//! - another copy of the same report (same agency and year: the HTML page and the PDF
//!   attachment, or the same page crawled twice) whose row was read cell by cell;
//! - the same agency's adjacent years: 现行有效件数 = last year's + 本年制发 − 本年废止.
//!
//! A reading is taken only when the evidence leaves exactly one, and the evidence is
//! named in the doubt that reports it. Nothing is decided otherwise.

use std::collections::HashMap;

use gongkai_model::identity;
use gongkai_model::schema::{active_row, ActiveColumnKey, ActiveRowKey};
use gongkai_model::{
    Cell, CellRef, Doubt, DoubtKind, Origin, ReadingStatus, Report, UndecidedRow, Value,
};

/// What decided a row.
enum Evidence {
    Copy { source: String },
    Stock { sources: Vec<String> },
}

/// Decide the undecided rows of `reports` from one another. Returns how many rows were
/// decided. Reports keep their order; their doubts and reading status are updated.
pub fn decide_undecided(reports: &mut [Report]) -> usize {
    let key = |r: &Report| Some((r.agency()?.to_string(), r.year()?));
    let mut by_key: HashMap<(String, i32), Vec<usize>> = HashMap::new();
    for (i, r) in reports.iter().enumerate() {
        if let Some(k) = key(r) {
            by_key.entry(k).or_default().push(i);
        }
    }
    let mut decided = 0;
    for i in 0..reports.len() {
        if reports[i].undecided.is_empty() {
            continue;
        }
        let Some((agency, year)) = key(&reports[i]) else {
            continue;
        };
        let copies: Vec<usize> = by_key
            .get(&(agency.clone(), year))
            .map(|v| v.iter().copied().filter(|&j| j != i).collect())
            .unwrap_or_default();
        let before: Vec<usize> = by_key
            .get(&(agency.clone(), year - 1))
            .cloned()
            .unwrap_or_default();
        let after: Vec<usize> = by_key.get(&(agency, year + 1)).cloned().unwrap_or_default();
        let undecided = std::mem::take(&mut reports[i].undecided);
        let mut kept = Vec::new();
        for u in undecided {
            match choose(&reports[i], &u, reports, &copies, &before, &after) {
                Some((reading, evidence)) => {
                    apply(&mut reports[i], &u, reading, &evidence);
                    decided += 1;
                }
                None => kept.push(u),
            }
        }
        let r = &mut reports[i];
        r.undecided = kept;
        r.reading = ReadingStatus::of(r);
    }
    decided
}

/// The row's values as read, when every cell holds a value read from the document.
fn read_row(r: &Report, row: ActiveRowKey) -> Option<Vec<Value>> {
    if r.undecided.iter().any(|u| u.row == row) {
        return None;
    }
    let t = r.active.as_ref()?;
    t.row(row)?
        .cells
        .iter()
        .map(|c| match c.origin {
            Origin::Printed => c.value.clone(),
            _ => None,
        })
        .collect()
}

/// A count of a row's column, as read.
fn count(r: &Report, row: ActiveRowKey, col: ActiveColumnKey) -> Option<i64> {
    r.active.as_ref()?.cell(row, col)?.int()
}

fn choose(
    report: &Report,
    u: &UndecidedRow,
    reports: &[Report],
    copies: &[usize],
    before: &[usize],
    after: &[usize],
) -> Option<(usize, Evidence)> {
    let values = |cells: &[Cell]| cells.iter().map(|c| c.value.clone()).collect::<Vec<_>>();
    // Another copy of the same report.
    for &j in copies {
        let Some(theirs) = read_row(&reports[j], u.row) else {
            continue;
        };
        let theirs: Vec<Option<Value>> = theirs.into_iter().map(Some).collect();
        let matching: Vec<usize> = (0..u.readings.len())
            .filter(|&k| values(&u.readings[k]) == theirs)
            .collect();
        if let [k] = matching[..] {
            return Some((
                k,
                Evidence::Copy {
                    source: reports[j].source.clone(),
                },
            ));
        }
    }
    // The stock of documents in force, continued from last year and into next year.
    let edition = report.active.as_ref()?.edition;
    let def = active_row(edition, u.row)?;
    let col = |key: ActiveColumnKey| def.columns.iter().position(|c| c.key == key);
    let (ci, cr, cf) = (
        col(ActiveColumnKey::Issued)?,
        col(ActiveColumnKey::Repealed)?,
        col(ActiveColumnKey::InForce)?,
    );
    let prev: Vec<(i64, &str)> = before
        .iter()
        .filter_map(|&j| {
            Some((
                count(&reports[j], u.row, ActiveColumnKey::InForce)?,
                reports[j].source.as_str(),
            ))
        })
        .collect();
    let next: Vec<(i64, i64, i64, &str)> = after
        .iter()
        .filter_map(|&j| {
            let r = &reports[j];
            Some((
                count(r, u.row, ActiveColumnKey::InForce)?,
                count(r, u.row, ActiveColumnKey::Issued)?,
                count(r, u.row, ActiveColumnKey::Repealed)?,
                r.source.as_str(),
            ))
        })
        .collect();
    if prev.is_empty() && next.is_empty() {
        return None;
    }
    let fits = |cells: &[Cell]| -> Option<bool> {
        let (issued, repealed, in_force) = (cells[ci].int()?, cells[cr].int()?, cells[cf].int()?);
        let from_last = prev.iter().all(|&(was, _)| {
            identity::stock_expected(was, issued, repealed) == i128::from(in_force)
        });
        let into_next = next.iter().all(|&(is, iss, rep, _)| {
            identity::stock_expected(in_force, iss, rep) == i128::from(is)
        });
        Some(from_last && into_next)
    };
    let matching: Vec<usize> = (0..u.readings.len())
        .filter(|&k| fits(&u.readings[k]) == Some(true))
        .collect();
    let [k] = matching[..] else { return None };
    let sources = prev
        .iter()
        .map(|p| p.1.to_string())
        .chain(next.iter().map(|n| n.3.to_string()))
        .collect();
    Some((k, Evidence::Stock { sources }))
}

/// Take reading `k` of the row and say why.
fn apply(r: &mut Report, u: &UndecidedRow, k: usize, evidence: &Evidence) {
    let Some(t) = r.active.as_mut() else { return };
    let Some(row) = t.rows.iter_mut().find(|x| x.key == u.row) else {
        return;
    };
    let reading = &u.readings[k];
    row.cells = reading.clone();
    let label = row
        .label
        .as_ref()
        .map_or("", |l| l.value.as_str())
        .to_string();
    // The doubt that left the row unread gives way to one that says how it was read.
    let refs: Vec<CellRef> = r
        .active
        .as_ref()
        .and_then(|t| active_row(t.edition, u.row))
        .map(|def| {
            def.columns
                .iter()
                .map(|c| CellRef::Active {
                    row: u.row,
                    column: c.key,
                })
                .collect()
        })
        .unwrap_or_default();
    let location = r
        .doubts
        .iter()
        .find(|d| d.kind == DoubtKind::AmbiguousRow && d.cells == refs)
        .and_then(|d| d.location.clone());
    r.doubts
        .retain(|d| !(d.kind == DoubtKind::AmbiguousRow && d.cells == refs));
    let shown: Vec<String> = reading.iter().map(Cell::display).collect();
    let (message, why) = match evidence {
        Evidence::Copy { source } => (
            format!("表二「{label}」行的数字连在一起印出，按同一报告的另一份文件拆开"),
            format!("依据：{source} 中该行读作 {}", shown.join(" | ")),
        ),
        Evidence::Stock { sources } => (
            format!("表二「{label}」行的数字连在一起印出，按相邻年度的现行有效件数拆开"),
            format!(
                "依据：现行有效件数 = 上年现行有效 + 本年制发 − 本年废止（{}）",
                sources.join("、")
            ),
        ),
    };
    r.doubts.push(Doubt {
        kind: DoubtKind::SplitRun,
        message,
        location,
        cells: Vec::new(),
        notes: vec![
            format!("{} → {}", u.printed, shown.join(" | ")),
            why,
            format!("其他拆法共{}种，与依据不符", u.readings.len() - 1),
        ],
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str, text: &str) -> Report {
        gongkai_parse::parse_text(name, text.to_string())
            .unwrap()
            .report
    }

    const FLAT: &str = "某某局2024年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 000\n行政规范性文件 6233440\n";

    #[test]
    fn another_copy_decides() {
        let copy = FLAT.replace("6233440", "62 33 440");
        let mut reports = vec![parse("flat.txt", FLAT), parse("page.html", &copy)];
        assert_eq!(reports[0].undecided.len(), 1);
        assert_eq!(decide_undecided(&mut reports), 1);
        let t = reports[0].active.as_ref().unwrap();
        let v = |c| {
            t.cell(ActiveRowKey::NormativeDocuments, c)
                .and_then(Cell::int)
        };
        assert_eq!(v(ActiveColumnKey::Issued), Some(62));
        assert_eq!(v(ActiveColumnKey::Repealed), Some(33));
        assert_eq!(v(ActiveColumnKey::InForce), Some(440));
        assert!(reports[0].undecided.is_empty());
        let d = reports[0]
            .doubts
            .iter()
            .find(|d| d.kind == DoubtKind::SplitRun && d.message.contains("另一份文件"))
            .unwrap();
        assert!(d.notes.iter().any(|n| n.contains("page.html")), "{d:?}");
        assert!(!reports[0]
            .doubts
            .iter()
            .any(|d| d.kind == DoubtKind::AmbiguousRow));
    }

    #[test]
    fn last_years_stock_decides() {
        let last = FLAT.replace("2024", "2023").replace("6233440", "10 2 411");
        let mut reports = vec![parse("2024.txt", FLAT), parse("2023.txt", &last)];
        assert_eq!(decide_undecided(&mut reports), 1);
        let t = reports[0].active.as_ref().unwrap();
        // 411 + 62 − 33 = 440: the only reading that continues last year's stock.
        assert_eq!(
            t.cell(ActiveRowKey::NormativeDocuments, ActiveColumnKey::InForce)
                .and_then(Cell::int),
            Some(440)
        );
    }

    #[test]
    fn nothing_decides_without_evidence() {
        let other = FLAT
            .replace("某某局", "另一局")
            .replace("6233440", "62 33 440");
        let mut reports = vec![parse("a.txt", FLAT), parse("b.txt", &other)];
        assert_eq!(decide_undecided(&mut reports), 0);
        assert_eq!(reports[0].undecided.len(), 1);
        // A copy that reads differently from every reading decides nothing either.
        let wrong = FLAT.replace("6233440", "1 2 3");
        let mut reports = vec![parse("a.txt", FLAT), parse("c.txt", &wrong)];
        assert_eq!(decide_undecided(&mut reports), 0);
    }
}
