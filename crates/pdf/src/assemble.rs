//! The pages' items as one `Document`: a table that runs on over a page break becomes
//! one table (repeated header rows dropped, a row split by the break joined again),
//! and `PageBreak`s separate the pages otherwise.

use gongkai_model::{Block, Document, Grid, GridCell, Location, Piece, SourceFormat};

use crate::layout::{Cell, Item, Page, Table};
use crate::lines::Rect;

/// Outer edges of a continued table agree within this (points).
const SAME_EDGE: f32 = 3.0;
const SNAP: f32 = 2.0;

enum Draft {
    Line(crate::lines::Line, u32),
    Table(Table),
    Break(u32),
}

pub fn document(pages: Vec<Page>) -> Document {
    let mut drafts: Vec<Draft> = Vec::new();
    for page in pages {
        let mut items = page.items.into_iter().peekable();
        if page.number > 1 {
            // The previous page ended with a table and this one starts with its
            // continuation (page breaks after the table are all that lies between).
            let last = drafts.iter().rposition(|d| !matches!(d, Draft::Break(_)));
            let continues = match (last.map(|i| &drafts[i]), items.peek()) {
                (Some(Draft::Table(prev)), Some(Item::Table(next))) => continued(prev, next),
                _ => false,
            };
            if continues {
                if let (Some(Draft::Table(prev)), Some(Item::Table(next))) =
                    (last.map(|i| &mut drafts[i]), items.next())
                {
                    join(prev, next);
                }
            }
            drafts.push(Draft::Break(page.number));
        }
        for it in items {
            drafts.push(match it {
                Item::Line(l) => Draft::Line(l, page.number),
                Item::Table(t) => Draft::Table(t),
            });
        }
    }
    let blocks = drafts
        .into_iter()
        .filter_map(|d| match d {
            Draft::Line(l, page) => Some(Block::Line {
                pieces: l
                    .runs
                    .into_iter()
                    .map(|r| Piece {
                        text: r.text,
                        location: loc(page, &r.rect),
                    })
                    .collect(),
            }),
            Draft::Table(t) => grid(t).map(|grid| Block::Table { grid }),
            Draft::Break(page) => Some(Block::PageBreak { page }),
        })
        .collect();
    Document {
        format: SourceFormat::Pdf,
        blocks,
    }
}

/// A box as the model promises it: finite, with x0 ≤ x1 and y0 ≤ y1. Hostile matrices
/// (mirroring, NaN scales) can invert or poison a rectangle; found by fuzzing.
fn loc(page: u32, r: &Rect) -> Location {
    let f = |v: f32| if v.is_finite() { v } else { 0.0 };
    let (ax, bx, ay, by) = (f(r.x0), f(r.x1), f(r.y0), f(r.y1));
    Location::Pdf {
        page,
        x0: ax.min(bx),
        y0: ay.min(by),
        x1: ax.max(bx),
        y1: ay.max(by),
    }
}

fn continued(prev: &Table, next: &Table) -> bool {
    let (a0, a1) = (prev.xs[0], *prev.xs.last().unwrap_or(&prev.xs[0]));
    let (b0, b1) = (next.xs[0], *next.xs.last().unwrap_or(&next.xs[0]));
    (a0 - b0).abs() <= SAME_EDGE && (a1 - b1).abs() <= SAME_EDGE
}

/// A table's rows expanded to the column boundaries `xs` (a cell spanning several
/// of the new columns repeats its id there).
fn expand(t: &Table, xs: &[f32], offset: usize) -> Vec<Vec<usize>> {
    let cols: Vec<usize> = (0..xs.len() - 1)
        .map(|u| {
            let mid = (xs[u] + xs[u + 1]) / 2.0;
            t.xs.partition_point(|&b| b <= mid).clamp(1, t.xs.len() - 1) - 1
        })
        .collect();
    t.rows
        .iter()
        .map(|row| cols.iter().map(|&c| row[c] + offset).collect())
        .collect()
}

fn union_xs(a: &[f32], b: &[f32]) -> Vec<f32> {
    let mut all: Vec<f32> = a.iter().chain(b).copied().collect();
    all.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    for x in all {
        match out.last() {
            Some(&l) if x - l <= SNAP => {}
            _ => out.push(x),
        }
    }
    out
}

fn row_texts(t: &Table, row: &[usize]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut last = usize::MAX;
    for &g in row {
        if g != last {
            out.push(t.cells[g].text.split_whitespace().collect());
        }
        last = g;
    }
    out
}

/// Where each cell of a row starts (a merged cell spans several positions).
fn starts(row: &[usize]) -> Vec<bool> {
    (0..row.len())
        .map(|u| u == 0 || row[u] != row[u - 1])
        .collect()
}

fn is_number(s: &str) -> bool {
    let s = s.trim();
    let mut chars = s.chars();
    let first_ok = match chars.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('-') => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    };
    first_ok
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '%' | '元' | '万'))
}

/// Append the continuation `next` to `prev`.
fn join(prev: &mut Table, next: Table) {
    let xs = union_xs(&prev.xs, &next.xs);
    let offset = prev.cells.len();
    let mut old = expand(prev, &xs, 0);
    let mut new = expand(&next, &xs, offset);
    prev.cells.extend(next.cells);
    prev.xs = xs;

    // Header rows printed again at the top of the new page.
    let mut k = 0;
    while k < new.len().min(old.len()).min(6) {
        let a = row_texts(prev, &old[k]);
        let b = row_texts(prev, &new[k]);
        if a.iter().all(|s| s.is_empty()) || a != b {
            break;
        }
        k += 1;
    }
    new.drain(..k);

    // A row split by the page break: the new page's first row has the same cells as
    // the old page's last row, and text but no numbers, while the old row has numbers.
    if let (Some(last), Some(first)) = (old.last(), new.first()) {
        let texts: Vec<&str> = first
            .iter()
            .map(|&g| prev.cells[g].text.as_str())
            .filter(|s| !s.trim().is_empty())
            .collect();
        let last_has_number = last.iter().any(|&g| is_number(&prev.cells[g].text));
        if !texts.is_empty()
            && !texts.iter().any(|s| is_number(s))
            && last_has_number
            && starts(last) == starts(first)
        {
            let first = first.clone();
            let last = last.clone();
            let mut done: Vec<usize> = Vec::new();
            for (u, &g) in first.iter().enumerate() {
                if done.contains(&g) || prev.cells[g].text.trim().is_empty() {
                    continue;
                }
                done.push(g);
                let add = std::mem::take(&mut prev.cells[g].text);
                let target = &mut prev.cells[last[u]];
                if !target.text.is_empty() {
                    target.text.push('\n');
                }
                target.text.push_str(&add);
            }
            new.remove(0);
        }
    }

    // Merged cells running on over the break (a group label spanning rows on both
    // pages): the empty cells that start the new page's first row continue the cells
    // above them when they have the same columns.
    if let (Some(last), Some(first)) = (old.last().cloned(), new.first().cloned()) {
        let (sl, sf) = (starts(&last), starts(&first));
        let mut u = 0;
        while u < first.len() && prev.cells[first[u]].text.trim().is_empty() {
            let g = first[u];
            let end = (u..first.len())
                .find(|&k| first[k] != g)
                .unwrap_or(first.len());
            let same_span = sl[u]
                && sf[u]
                && (end == first.len() || sl[end])
                && last[u..end].iter().all(|&h| h == last[u]);
            if !same_span {
                break;
            }
            let target = last[u];
            for row in new.iter_mut() {
                for id in row.iter_mut() {
                    if *id == g {
                        *id = target;
                    }
                }
            }
            u = end;
        }
    }
    old.extend(new);
    prev.rows = old;
    prev.bottom = f32::NAN;
}

/// The model grid of a table: each merged cell's text at its first position and the
/// positions it also covers marked covered. Rows where no cell starts (left by a rule
/// that crosses only part of the table) are dropped; a row of blank cells is kept, it
/// is printed (a blank template's data row).
fn grid(t: Table) -> Option<Grid> {
    // A frame with nothing in it (page decoration) is no table.
    if t.cells.iter().all(|c| c.text.trim().is_empty()) {
        return None;
    }
    let n = t.cells.len();
    let mut first_row = vec![usize::MAX; n];
    for (r, row) in t.rows.iter().enumerate() {
        for &g in row {
            if first_row[g] == usize::MAX {
                first_row[g] = r;
            }
        }
    }
    let keep: Vec<bool> = t
        .rows
        .iter()
        .enumerate()
        .map(|(r, row)| row.iter().any(|&g| first_row[g] == r))
        .collect();
    let mut seen = vec![false; n];
    let mut rows = Vec::new();
    for (row, _) in t.rows.iter().zip(&keep).filter(|(_, k)| **k) {
        let cells = row
            .iter()
            .map(|&g| {
                let Cell { text, rect, page } = &t.cells[g];
                let covered = std::mem::replace(&mut seen[g], true);
                GridCell {
                    text: if covered { String::new() } else { text.clone() },
                    location: loc(*page, rect),
                    covered,
                }
            })
            .collect();
        rows.push(cells);
    }
    (!rows.is_empty()).then_some(Grid { rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str, x0: f32, x1: f32, page: u32) -> Cell {
        Cell {
            text: text.into(),
            rect: Rect {
                x0,
                y0: 0.0,
                x1,
                y1: 10.0,
            },
            page,
        }
    }

    #[test]
    fn continued_table_joins_split_row_and_drops_header() {
        let a = Table {
            xs: vec![0.0, 30.0, 50.0, 100.0],
            rows: vec![vec![0, 0, 1], vec![2, 3, 4]],
            cells: vec![
                cell("项目", 0.0, 50.0, 1),
                cell("数量", 50.0, 100.0, 1),
                cell("2.没有现成信息需要另行制", 0.0, 30.0, 1),
                cell("", 30.0, 50.0, 1),
                cell("3", 50.0, 100.0, 1),
            ],
            top: 100.0,
            bottom: 0.0,
        };
        let b = Table {
            xs: vec![0.0, 30.0, 50.5, 100.0],
            rows: vec![vec![0, 0, 1], vec![2, 3, 4], vec![5, 6, 7]],
            cells: vec![
                cell("项目", 0.0, 50.0, 2),
                cell("数量", 50.0, 100.0, 2),
                cell("作", 0.0, 30.0, 2),
                cell("", 30.0, 50.0, 2),
                cell("", 50.0, 100.0, 2),
                cell("（四）", 0.0, 30.0, 2),
                cell("3.补正", 30.0, 50.0, 2),
                cell("0", 50.0, 100.0, 2),
            ],
            top: 800.0,
            bottom: 700.0,
        };
        let mut a = a;
        assert!(continued(&a, &b));
        join(&mut a, b);
        let g = grid(a).unwrap();
        let texts: Vec<Vec<&str>> = g
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.text.as_str()).collect())
            .collect();
        assert_eq!(
            texts,
            vec![
                vec!["项目", "", "数量"],
                vec!["2.没有现成信息需要另行制\n作", "", "3"],
                vec!["（四）", "3.补正", "0"],
            ]
        );
        assert!(g.rows[0][1].covered);
        assert!(!g.rows[1][1].covered);
    }
}
