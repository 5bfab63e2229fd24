//! A page's items in reading order: table grids (glyphs assigned to their cells) and
//! the lines outside them. Page numbers and running headers/footers are dropped here.

use std::collections::HashMap;

use crate::interp::{Glyph, PageContent, Rule};
use crate::lines::{cell_text, lines, Line, Rect};
use crate::rules::{self, Grid};

/// One merged cell of a table.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub rect: Rect,
    pub page: u32,
}

/// A table of one page (or several, once continued tables are joined).
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Column boundaries, left to right.
    pub xs: Vec<f32>,
    /// The merged cell at each grid position.
    pub rows: Vec<Vec<usize>>,
    pub cells: Vec<Cell>,
    /// Top and bottom y (of the part on the last page, for the bottom).
    pub top: f32,
    pub bottom: f32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Line(Line),
    Table(Table),
}

impl Item {
    fn top(&self) -> f32 {
        match self {
            Item::Line(l) => l.rect.y1,
            Item::Table(t) => t.top,
        }
    }
}

/// The items of one page, top to bottom.
#[derive(Debug)]
pub struct Page {
    pub number: u32,
    pub height: f32,
    pub items: Vec<Item>,
}

fn table_of(grid: &Grid, page: u32) -> Table {
    let nc = grid.cols();
    let mut cells: Vec<Cell> = vec![
        Cell {
            text: String::new(),
            rect: Rect::EMPTY,
            page,
        };
        grid.groups
    ];
    let mut rows = Vec::with_capacity(grid.rows());
    for r in 0..grid.rows() {
        let mut row = Vec::with_capacity(nc);
        for c in 0..nc {
            let g = grid.owner[r * nc + c];
            let rect = Rect {
                x0: grid.xs[c],
                y0: grid.ys[r + 1],
                x1: grid.xs[c + 1],
                y1: grid.ys[r],
            };
            cells[g].rect.union(&rect);
            row.push(g);
        }
        rows.push(row);
    }
    Table {
        xs: grid.xs.clone(),
        rows,
        cells,
        top: grid.ys[0],
        bottom: *grid.ys.last().unwrap_or(&grid.ys[0]),
    }
}

/// Drop underlines, which look like borders where the underlined text fills a narrow
/// column from border to border: a rule that runs through the glyph boxes above it
/// for most of its length and crosses no vertical rule is a text decoration.
fn without_underlines(hrules: &[Rule], vrules: &[Rule], glyphs: &[Glyph]) -> Vec<Rule> {
    // Bounded work on pathological pages: keep every rule.
    if hrules.len().saturating_mul(glyphs.len() + vrules.len()) > 20_000_000 {
        return hrules.to_vec();
    }
    hrules
        .iter()
        .filter(|h| {
            let crossed = vrules.iter().any(|v| {
                v.pos > h.lo + 3.0 && v.pos < h.hi - 3.0 && v.lo <= h.pos && h.pos <= v.hi
            });
            if crossed {
                return true;
            }
            let mut spans: Vec<(f32, f32)> = glyphs
                .iter()
                .filter(|g| {
                    !g.vertical
                        && g.y0 + 0.02 * g.size < h.pos
                        && h.pos < g.y1
                        && g.x1 > h.lo
                        && g.x0 < h.hi
                })
                .map(|g| (g.x0.max(h.lo), g.x1.min(h.hi)))
                .collect();
            if spans.is_empty() {
                return true;
            }
            spans.sort_by(|a, b| a.0.total_cmp(&b.0));
            let (mut covered, mut end) = (0.0f32, f32::MIN);
            for (a, b) in spans {
                let a = a.max(end);
                if b > a {
                    covered += b - a;
                    end = b;
                }
            }
            covered < 0.6 * (h.hi - h.lo)
        })
        .copied()
        .collect()
}

/// Lay out one page's content.
pub fn page(number: u32, width: f32, height: f32, content: &PageContent) -> Page {
    let hrules = without_underlines(&content.hrules, &content.vrules, &content.glyphs);
    let grids = rules::tables(&hrules, &content.vrules);
    let mut tables: Vec<Table> = grids.iter().map(|g| table_of(g, number)).collect();
    let mut cell_glyphs: Vec<Vec<Vec<&Glyph>>> = tables
        .iter()
        .map(|t| vec![Vec::new(); t.cells.len()])
        .collect();
    let mut free: Vec<&Glyph> = Vec::new();
    for g in &content.glyphs {
        let (cx, cy) = (g.cx(), g.cy());
        // Glyphs off the page are not printed.
        if cx < -1.0 || cy < -1.0 || cx > width + 1.0 || cy > height + 1.0 {
            continue;
        }
        let hit = grids.iter().enumerate().find_map(|(i, gr)| {
            gr.cell_at(cx, cy)
                .map(|(r, c)| (i, gr.owner[r * gr.cols() + c]))
        });
        match hit {
            Some((t, cell)) => cell_glyphs[t][cell].push(g),
            None => free.push(g),
        }
    }
    for (t, glyphs) in tables.iter_mut().zip(&cell_glyphs) {
        for (cell, gs) in t.cells.iter_mut().zip(glyphs) {
            if !gs.is_empty() {
                cell.text = cell_text(gs);
            }
        }
    }
    let mut items: Vec<Item> = lines(&free, true)
        .into_iter()
        .filter(|l| !is_page_number(l, height))
        .map(Item::Line)
        .collect();
    items.extend(tables.into_iter().map(Item::Table));
    items.sort_by(|a, b| b.top().total_cmp(&a.top()));
    Page {
        number,
        height,
        items,
    }
}

/// Within this fraction of the page height from its top or bottom is the margin.
const MARGIN: f32 = 0.12;

fn in_margin(l: &Line, height: f32) -> bool {
    l.rect.y0 > height * (1.0 - MARGIN) || l.rect.y1 < height * MARGIN
}

/// "-3-", "— 4 —", "第 5 页", "5/13", "3": a page number in the margin.
fn is_page_number(l: &Line, height: f32) -> bool {
    if !in_margin(l, height) {
        return false;
    }
    let t: String = l.text().chars().filter(|c| !c.is_whitespace()).collect();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return false;
    }
    let rest = t.chars().filter(|c| !c.is_ascii_digit());
    let dashes = |c: char| matches!(c, '-' | '—' | '–' | '－' | '−' | '·' | '•' | '/');
    let simple = rest.clone().all(dashes);
    let chinese = t.starts_with('第') && t.contains('页');
    let of_n = t.starts_with("Page") || t.starts_with("page");
    simple || chinese || of_n
}

/// Drop lines in the margins that repeat (digits aside) on most pages: running
/// headers and footers such as the agency's name or "共N页".
pub fn drop_running_lines(pages: &mut [Page]) {
    if pages.len() < 3 {
        return;
    }
    let key = |l: &Line| -> String {
        l.text()
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    };
    let mut counts: HashMap<String, usize> = HashMap::new();
    for p in pages.iter() {
        let mut seen: Vec<String> = Vec::new();
        for it in &p.items {
            if let Item::Line(l) = it {
                if in_margin(l, p.height) {
                    let k = key(l);
                    if !seen.contains(&k) {
                        seen.push(k);
                    }
                }
            }
        }
        for k in seen {
            *counts.entry(k).or_default() += 1;
        }
    }
    let threshold = (pages.len() * 2).div_ceil(3).max(3);
    for p in pages.iter_mut() {
        let h = p.height;
        p.items.retain(|it| match it {
            Item::Line(l) => {
                !(in_margin(l, h) && counts.get(&key(l)).is_some_and(|&n| n >= threshold))
            }
            Item::Table(_) => true,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lines::Run;

    fn line(text: &str, y: f32) -> Line {
        let rect = Rect {
            x0: 100.0,
            y0: y,
            x1: 120.0,
            y1: y + 10.0,
        };
        Line {
            runs: vec![Run {
                text: text.into(),
                rect,
            }],
            rect,
        }
    }

    #[test]
    fn page_numbers() {
        for t in ["-3-", "— 4 —", "第 5 页", "5/13", "12", "- 1 -"] {
            assert!(is_page_number(&line(t, 30.0), 842.0), "{t}");
        }
        assert!(!is_page_number(&line("-3-", 400.0), 842.0));
        assert!(!is_page_number(&line("2023年", 30.0), 842.0));
    }
}
