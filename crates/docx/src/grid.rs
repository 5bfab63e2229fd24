//! A DOCX table → a rectangular [`Grid`] the parser can read row by row.
//!
//! # Expanding merged cells
//!
//! A table is laid on the columns of its `w:tblGrid`. A row starts `w:gridBefore` columns
//! in; each `w:tc` covers `w:gridSpan` columns; `w:gridAfter` columns end the row. A cell
//! with `w:vMerge` (no value, or `continue`) continues the merged cell above it that
//! occupies the same grid column; `w:vMerge="restart"` starts one. (Legacy `w:hMerge`
//! continue cells join the cell to their left.) Every grid position thus has an *owner*
//! cell or none (gridBefore/After, short rows). The first position of a cell *shows* its
//! text; the others are `covered: true` with empty text; positions with no owner are
//! covered too (there is no cell there, so they are not blanks).
//!
//! # Dropping split grid columns
//!
//! The grid of a DOCX is the set of all distinct cell edges of the table, so it often has
//! more columns than the table has logical columns:
//!
//! * converters (LibreOffice rendering a web page, WPS) produce narrow extra grid columns
//!   where two rows' edges differ by a few twips — one row's cell spans the sliver from
//!   the left, the next row's cell from the right;
//! * a header cell may span 2 grid columns while its data cells span 1 + 1, the second
//!   one empty;
//! * every value cell may span 2 grid columns because one header row splits them.
//!
//! Laid out for the parser (one line per row, cells joined by tabs) such a column is an
//! extra cell in some rows: an empty or covered position inside a data row reads as a
//! blank value, and a table-三 row must carry exactly 7 values after its label cells.
//! So grid columns are dropped, left to right. Looking at each position of a column
//! (against the columns kept so far), it is
//!
//! * *ownerless* (gridBefore/After, a short row),
//! * *spanned*: its cell also occupies the neighbouring kept column or the next grid
//!   column in that row, so the cell survives the column's removal,
//! * a *lone blank*: a cell that lives only in this column of the row and has no text
//!   (whitespace only), or
//! * *needed*: a cell with text that lives only in this column of the row.
//!
//! A column is dropped when no position is needed and
//! 1. some position is spanned (the table itself treats this grid column as part of a
//!    wider one there: a header over split data cells, a LibreOffice sliver, a column
//!    every row spans), or
//! 2. every position is ownerless (a column nothing occupies), or
//! 3. it is narrow — at most a quarter of the table's median grid column width — with
//!    only lone blanks and ownerless positions (a sliver with empty cells of its own).
//!
//! A real empty column of normal width with a cell of its own in every row (a column
//! left blank throughout a headerless table) is kept: those are printed blanks. A blank
//! template keeps every column because its header rows have a label in each. No text is
//! ever lost: a cell with text is only dropped from a row where it also occupies a
//! neighbouring column, and when the dropped position was the one showing its text, the
//! cell shows at its next position instead.
//!
//! Locations are `Location::Cell{table, row, column}` in the reduced grid's coordinates.

use gongkai_model::{Grid, GridCell, Location};

use crate::limits::{MAX_COLUMNS, MAX_SPAN};
use crate::xml::Merge;
use crate::DocxError;

/// A table row as read, before expansion.
#[derive(Clone, Debug, Default)]
pub(crate) struct RawRow {
    pub before: u32,
    pub after: u32,
    pub cells: Vec<RawCell>,
}

/// A table cell as read: its grid span, merge marks and text.
#[derive(Clone, Debug)]
pub(crate) struct RawCell {
    pub span: u32,
    pub vmerge: Merge,
    pub hmerge_continue: bool,
    pub text: String,
}

const NONE: u32 = u32::MAX;

/// One grid position: the index of its owner cell (or [`NONE`]) and whether it shows
/// the owner's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pos {
    owner: u32,
    shows: bool,
}

const EMPTY: Pos = Pos {
    owner: NONE,
    shows: false,
};

struct Owner {
    text: String,
    /// Text that is not whitespace only.
    has_text: bool,
    /// Takes part in a vertical merge (restart or continue).
    vmerged: bool,
}

/// Expand and reduce one table. `budget` is the number of grid positions still allowed
/// in the document; it is decreased by this table's positions.
pub(crate) fn build(
    rows: &[RawRow],
    widths: &[u32],
    table: u32,
    budget: &mut usize,
) -> Result<Grid, DocxError> {
    // Width of the grid: the tblGrid, or the widest row when a row overruns it.
    let mut ncols = widths.len();
    for r in rows {
        let mut w = r.before.min(MAX_SPAN) as usize + r.after.min(MAX_SPAN) as usize;
        for c in &r.cells {
            w = w.saturating_add(c.span.clamp(1, MAX_SPAN) as usize);
            if w > MAX_COLUMNS {
                break;
            }
        }
        ncols = ncols.max(w);
    }
    if ncols > MAX_COLUMNS {
        return Err(DocxError::TooLarge(format!(
            "表格列数超过 {MAX_COLUMNS} 列"
        )));
    }
    let positions = rows.len().saturating_mul(ncols);
    if positions > *budget {
        return Err(DocxError::TooLarge(format!(
            "表格单元格总数超过 {} 个",
            crate::limits::MAX_GRID_CELLS
        )));
    }
    *budget -= positions;
    if ncols == 0 {
        return Ok(Grid::default());
    }

    // 1. Expand: owner of every position.
    let mut owners: Vec<Owner> = Vec::new();
    let mut grid: Vec<Vec<Pos>> = Vec::with_capacity(rows.len());
    for r in rows {
        let mut line = vec![EMPTY; ncols];
        let mut c = r.before.min(MAX_SPAN) as usize;
        let mut prev: Option<u32> = None;
        for cell in &r.cells {
            if c >= ncols {
                break;
            }
            let span = (cell.span.clamp(1, MAX_SPAN) as usize).min(ncols - c);
            let above = grid
                .last()
                .map(|l: &Vec<Pos>| l[c].owner)
                .filter(|&o| o != NONE && owners[o as usize].vmerged);
            let joined = match (cell.hmerge_continue, prev, cell.vmerge, above) {
                (true, Some(p), _, _) => Some(p),
                (_, _, Merge::Continue, Some(a)) => Some(a),
                _ => None,
            };
            let id = match joined {
                Some(id) => {
                    // A continuation cell's own text (rare) is kept with its merged cell.
                    if !cell.text.trim().is_empty() {
                        let o = &mut owners[id as usize];
                        if !o.text.is_empty() {
                            o.text.push('\n');
                        }
                        o.text.push_str(&cell.text);
                        o.has_text = true;
                    }
                    for p in &mut line[c..c + span] {
                        *p = Pos {
                            owner: id,
                            shows: false,
                        };
                    }
                    id
                }
                None => {
                    let id = owners.len() as u32;
                    owners.push(Owner {
                        has_text: !cell.text.trim().is_empty(),
                        text: cell.text.clone(),
                        vmerged: cell.vmerge != Merge::None,
                    });
                    for (i, p) in line[c..c + span].iter_mut().enumerate() {
                        *p = Pos {
                            owner: id,
                            shows: i == 0,
                        };
                    }
                    id
                }
            };
            prev = Some(id);
            c += span;
        }
        grid.push(line);
    }
    // Rows with no cell at all carry nothing.
    grid.retain(|l| l.iter().any(|p| p.owner != NONE));
    if grid.is_empty() {
        return Ok(Grid::default());
    }
    let nrows = grid.len();

    // 2. Reduce: drop grid columns that split what the table treats as one column
    //    (see the module doc), left to right, against the columns kept so far.
    let mut sorted: Vec<u32> = (0..ncols)
        .map(|c| widths.get(c).copied().unwrap_or(0))
        .collect();
    sorted.sort_unstable();
    let median = sorted[ncols / 2] as u64;
    let narrow = |w: u64| median > 0 && w * 4 <= median;

    let mut kept: Vec<Vec<Pos>> = Vec::new();
    for c in 0..ncols {
        let mut col: Vec<Pos> = grid.iter().map(|l| l[c]).collect();
        let mut spanned = false;
        let mut lone_blank = false;
        let mut needed = false;
        for (r, p) in col.iter().enumerate() {
            if p.owner == NONE {
                continue;
            }
            let left = kept.last().is_some_and(|k| k[r].owner == p.owner);
            let right = c + 1 < ncols && grid[r][c + 1].owner == p.owner;
            if left || right {
                spanned = true;
            } else if owners[p.owner as usize].has_text {
                needed = true;
                break;
            } else {
                lone_blank = true;
            }
        }
        let width = widths.get(c).copied().unwrap_or(0) as u64;
        let drop = !needed && (spanned || !lone_blank || narrow(width));
        if !drop {
            kept.push(col);
            continue;
        }
        // The column goes: a cell that showed here shows at its next position instead.
        for (r, p) in col.iter_mut().enumerate() {
            if p.shows && c + 1 < ncols && grid[r][c + 1].owner == p.owner {
                grid[r][c + 1].shows = true;
            }
        }
    }
    if kept.is_empty() {
        return Ok(Grid::default());
    }

    // 3. Emit.
    let mut out = Grid {
        rows: Vec::with_capacity(nrows),
    };
    for r in 0..nrows {
        let row = kept
            .iter()
            .enumerate()
            .map(|(c, col)| {
                let p = col[r];
                let location = Location::Cell {
                    table,
                    row: r as u32,
                    column: c as u32,
                };
                if p.shows && p.owner != NONE {
                    GridCell {
                        text: owners[p.owner as usize].text.clone(),
                        location,
                        covered: false,
                    }
                } else {
                    GridCell {
                        text: String::new(),
                        location,
                        covered: true,
                    }
                }
            })
            .collect();
        out.rows.push(row);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str, span: u32, vmerge: Merge) -> RawCell {
        RawCell {
            span,
            vmerge,
            hmerge_continue: false,
            text: text.into(),
        }
    }
    fn c(text: &str) -> RawCell {
        cell(text, 1, Merge::None)
    }
    fn row(cells: Vec<RawCell>) -> RawRow {
        RawRow {
            before: 0,
            after: 0,
            cells,
        }
    }

    /// Cells as text, covered shown as "~".
    fn show(g: &Grid) -> Vec<Vec<String>> {
        g.texts("~")
    }

    fn run(rows: &[RawRow], widths: &[u32]) -> Vec<Vec<String>> {
        let mut budget = 1_000_000;
        show(&build(rows, widths, 0, &mut budget).unwrap())
    }

    #[test]
    fn spans_and_vertical_merges_expand() {
        let rows = vec![
            row(vec![
                cell("A", 1, Merge::Restart),
                cell("B", 2, Merge::None),
            ]),
            row(vec![cell("", 1, Merge::Continue), c("x"), c("y")]),
            row(vec![cell("", 1, Merge::Continue), c("1"), c("2")]),
        ];
        assert_eq!(
            run(&rows, &[1000, 1000, 1000]),
            vec![
                vec!["A", "B", "~"],
                vec!["~", "x", "y"],
                vec!["~", "1", "2"],
            ]
        );
    }

    #[test]
    fn header_over_split_data_cells_merges() {
        // Header "值" spans grid columns 1–2; data cells are 1 + 1, the second empty.
        let rows = vec![
            row(vec![c("项目"), cell("值", 2, Merge::None), c("合计")]),
            row(vec![c("规章"), c("5"), c(""), c("5")]),
            row(vec![c("文件"), c(""), c(" "), c("")]),
        ];
        assert_eq!(
            run(&rows, &[2000, 1000, 1000, 1000]),
            vec![
                vec!["项目", "值", "合计"],
                vec!["规章", "5", "5"],
                vec!["文件", "", ""],
            ]
        );
    }

    #[test]
    fn libreoffice_sliver_column_merges() {
        // Grid column 2 is a 15-twip sliver: the header spans it from the left, the data
        // rows from the right.
        let rows = vec![
            row(vec![c("标签"), cell("甲", 2, Merge::None), c("乙")]),
            row(vec![c("一"), c("1"), cell("2", 2, Merge::None)]),
        ];
        assert_eq!(
            run(&rows, &[2000, 800, 15, 800]),
            vec![vec!["标签", "甲", "乙"], vec!["一", "1", "2"]]
        );
    }

    #[test]
    fn data_cells_spanning_two_columns_lose_interior_covered_positions() {
        // Every value spans 2 grid columns: an interior covered position would read as a blank.
        let rows = vec![
            row(vec![
                c("项"),
                cell("a", 2, Merge::None),
                cell("b", 2, Merge::None),
            ]),
            row(vec![
                c("x"),
                cell("1", 2, Merge::None),
                cell("2", 2, Merge::None),
            ]),
        ];
        assert_eq!(
            run(&rows, &[1000, 500, 500, 500, 500]),
            vec![vec!["项", "a", "b"], vec!["x", "1", "2"]]
        );
    }

    #[test]
    fn text_on_both_sides_keeps_the_boundary() {
        // The header spans both columns but the data splits them with two numbers.
        let rows = vec![
            row(vec![c("项"), cell("合", 2, Merge::None)]),
            row(vec![c("x"), c("5"), c("6")]),
        ];
        assert_eq!(
            run(&rows, &[1000, 1000, 1000]),
            vec![vec!["项", "合", "~"], vec!["x", "5", "6"]]
        );
    }

    #[test]
    fn blank_template_keeps_every_column() {
        let rows = vec![
            row(vec![
                c("信息内容"),
                c("本年制发件数"),
                c("本年废止件数"),
                c("现行有效件数"),
            ]),
            row(vec![c("规章"), c("\u{3000}\u{3000}"), c("\u{3000}"), c("")]),
            row(vec![c("行政许可"), cell("", 3, Merge::None)]),
        ];
        assert_eq!(
            run(&rows, &[2435; 4]),
            vec![
                vec!["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                vec!["规章", "\u{3000}\u{3000}", "\u{3000}", ""],
                vec!["行政许可", "", "~", "~"],
            ]
        );
    }

    #[test]
    fn wide_empty_column_without_spans_is_kept_but_a_sliver_goes() {
        let rows = vec![
            row(vec![c("一"), c("1"), c(""), c("3")]),
            row(vec![c("二"), c("4"), c(""), c("6")]),
        ];
        assert_eq!(
            run(&rows, &[1000, 800, 800, 800]),
            vec![vec!["一", "1", "", "3"], vec!["二", "4", "", "6"]]
        );
        assert_eq!(
            run(&rows, &[1000, 800, 30, 800]),
            vec![vec!["一", "1", "3"], vec!["二", "4", "6"]]
        );
    }

    #[test]
    fn grid_before_after_and_short_rows_are_covered() {
        let rows = vec![
            row(vec![c("a"), c("b"), c("c")]),
            RawRow {
                before: 1,
                after: 0,
                cells: vec![c("x"), c("y")],
            },
            row(vec![c("p"), c("q")]),
        ];
        assert_eq!(
            run(&rows, &[1000; 3]),
            vec![
                vec!["a", "b", "c"],
                vec!["~", "x", "y"],
                vec!["p", "q", "~"],
            ]
        );
    }

    #[test]
    fn orphan_continue_is_a_normal_cell() {
        let rows = vec![
            row(vec![c("a"), c("b")]),
            row(vec![cell("z", 1, Merge::Continue), c("c")]),
        ];
        assert_eq!(run(&rows, &[1000; 2]), vec![vec!["a", "b"], vec!["z", "c"]]);
    }

    #[test]
    fn limits() {
        let rows = vec![row(vec![cell("a", 5000, Merge::None)]); 3];
        let mut budget = 1_000_000;
        // Spans are clamped to MAX_SPAN.
        let g = build(&rows, &[], 0, &mut budget).unwrap();
        assert_eq!(g.rows.len(), 3);
        let mut small = 10;
        assert!(matches!(
            build(&rows, &[], 0, &mut small),
            Err(DocxError::TooLarge(_))
        ));
        let wide = vec![row((0..5000).map(|_| c("x")).collect())];
        assert!(matches!(
            build(&wide, &[], 0, &mut budget),
            Err(DocxError::TooLarge(_))
        ));
    }
}
