//! The report in the official layout: title, the six headings, the paragraphs, and the
//! three tables as the 2021 template (国办公开办函〔2021〕30号) draws them, merged cells
//! included — the grids the DOCX and HTML writers turn into `gridSpan`/`vMerge` and
//! `colspan`/`rowspan`.

use gongkai_model::schema::{
    active_row, request_rows, ActiveRowKey, Edition, RequestGroup, ReviewColumn, ReviewGroup,
    SectionKind,
};
use gongkai_model::{Block, Cell, Grid, GridCell, Location, Piece, Report};

use crate::Draft;

/// A merged cell as the template draws it: its first row and column, how many rows
/// and columns it spans. The grid only says which positions are covered, not by which
/// cell (a covered position may continue the cell above or the cell to its left); the
/// writers are given these so that each draws the template's merges.
pub(crate) type Merge = gongkai_model::Span;

/// A grid being drawn: rows of cells, each a text or a position a merged cell covers,
/// and the merged cells as drawn.
struct Drawing {
    table: u32,
    rows: Vec<Vec<GridCell>>,
    merges: Vec<Merge>,
}

impl Drawing {
    fn new(table: u32) -> Drawing {
        Drawing {
            table,
            rows: Vec::new(),
            merges: Vec::new(),
        }
    }

    fn cell(&self, text: &str, covered: bool) -> GridCell {
        let row = self.rows.len() as u32;
        GridCell {
            text: text.to_string(),
            location: Location::Cell {
                table: self.table,
                row,
                column: 0,
            },
            covered,
        }
    }

    /// A row of `(text, span)`: a span > 1 covers the positions to its right; `None` is a
    /// position covered from the row above (a vertical merge).
    fn row(&mut self, cells: &[(Option<&str>, usize)]) {
        let mut out = Vec::new();
        let row = self.rows.len();
        for &(text, span) in cells {
            let column = out.len();
            match text {
                Some(t) => {
                    out.push(self.cell(t, false));
                    self.merges.push(Merge {
                        row,
                        column,
                        rows: 1,
                        columns: span,
                    });
                }
                None => {
                    out.push(self.cell("", true));
                    // The cell above this position grows by this row (once, however
                    // wide it is).
                    if let Some(m) = self.merges.iter_mut().find(|m| {
                        m.row + m.rows == row && m.column <= column && column < m.column + m.columns
                    }) {
                        m.rows += 1;
                    }
                }
            }
            for _ in 1..span {
                out.push(self.cell("", true));
            }
        }
        for (column, c) in out.iter_mut().enumerate() {
            if let Location::Cell { column: col, .. } = &mut c.location {
                *col = column as u32;
            }
        }
        self.rows.push(out);
    }

    fn finish(self) -> (Block, Vec<Merge>) {
        (
            Block::Table {
                grid: Grid { rows: self.rows },
            },
            self.merges,
        )
    }
}

/// A cell as printed: its value as [`Cell::display`] writes it; a blank (or missing)
/// cell printed blank, which the gate then reports.
fn text_of(cell: Option<&Cell>) -> String {
    cell.filter(|c| !c.is_blank())
        .map_or_else(String::new, Cell::display)
}

fn table2(report: &Report, table: u32) -> (Block, Vec<Merge>) {
    let mut d = Drawing::new(table);
    let active = report.active.as_ref();
    let value = |row: ActiveRowKey, i: usize| -> String {
        text_of(active.and_then(|t| t.row(row)).and_then(|r| r.cells.get(i)))
    };
    let label = |row| active_row(Edition::E2021, row).map_or("", |d| d.label);
    d.row(&[(Some("第二十条第（一）项"), 4)]);
    d.row(&[
        (Some("信息内容"), 1),
        (Some("本年制发件数"), 1),
        (Some("本年废止件数"), 1),
        (Some("现行有效件数"), 1),
    ]);
    for row in [ActiveRowKey::Regulations, ActiveRowKey::NormativeDocuments] {
        let v: Vec<String> = (0..3).map(|i| value(row, i)).collect();
        d.row(&[
            (Some(label(row)), 1),
            (Some(&v[0]), 1),
            (Some(&v[1]), 1),
            (Some(&v[2]), 1),
        ]);
    }
    for (item, column, rows) in [
        (
            "第二十条第（五）项",
            "本年处理决定数量",
            &[ActiveRowKey::Licensing][..],
        ),
        (
            "第二十条第（六）项",
            "本年处理决定数量",
            &[ActiveRowKey::Penalty, ActiveRowKey::Coercion][..],
        ),
        (
            "第二十条第（八）项",
            "本年收费金额（单位：万元）",
            &[ActiveRowKey::Fees][..],
        ),
    ] {
        d.row(&[(Some(item), 4)]);
        d.row(&[(Some("信息内容"), 1), (Some(column), 3)]);
        for &row in rows {
            let v = value(row, 0);
            d.row(&[(Some(label(row)), 1), (Some(&v), 3)]);
        }
    }
    d.finish()
}

fn table3(report: &Report, table: u32) -> (Block, Vec<Merge>) {
    let mut d = Drawing::new(table);
    d.row(&[
        (
            Some("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"),
            3,
        ),
        (Some("申请人情况"), 7),
    ]);
    d.row(&[
        (None, 3),
        (Some("自然人"), 1),
        (Some("法人或其他组织"), 5),
        (Some("总计"), 1),
    ]);
    d.row(&[
        (None, 3),
        (None, 1),
        (Some("商业企业"), 1),
        (Some("科研机构"), 1),
        (Some("社会公益组织"), 1),
        (Some("法律服务机构"), 1),
        (Some("其他"), 1),
        (None, 1),
    ]);
    let requests = report.requests.as_ref();
    let mut in_results = false;
    let mut group_open = RequestGroup::None;
    for def in request_rows(true) {
        let values: Vec<String> = (0..7)
            .map(|i| text_of(requests.and_then(|t| t.row(def.key)).map(|r| &r.cells[i])))
            .collect();
        let mut cells: Vec<(Option<&str>, usize)> = Vec::new();
        let outcome_block =
            def.is_outcome || def.key == gongkai_model::schema::RequestRowKey::TotalProcessed;
        if !outcome_block {
            cells.push((Some(def.label), 3));
        } else {
            cells.push(if in_results {
                (None, 1)
            } else {
                (Some("三、本年度办理结果"), 1)
            });
            in_results = true;
            let grouped = matches!(
                def.group,
                RequestGroup::Denied
                    | RequestGroup::Unable
                    | RequestGroup::NotProcessed
                    | RequestGroup::OtherHandling
            );
            if grouped {
                if group_open == def.group {
                    cells.push((None, 1));
                } else {
                    cells.push((Some(def.group.label()), 1));
                }
                cells.push((Some(def.label), 1));
            } else {
                cells.push((Some(def.label), 2));
            }
            group_open = def.group;
        }
        for v in &values {
            cells.push((Some(v), 1));
        }
        d.row(&cells);
    }
    d.finish()
}

fn table4(report: &Report, table: u32) -> (Block, Vec<Merge>) {
    let mut d = Drawing::new(table);
    d.row(&[(Some("行政复议"), 5), (Some("行政诉讼"), 10)]);
    let names = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let mut second: Vec<(Option<&str>, usize)> = names.iter().map(|n| (Some(*n), 1)).collect();
    second.push((Some("未经复议直接起诉"), 5));
    second.push((Some("复议后起诉"), 5));
    d.row(&second);
    let mut third: Vec<(Option<&str>, usize)> = vec![(None, 1); 5];
    for _ in 0..2 {
        third.extend(names.iter().map(|n| (Some(*n), 1)));
    }
    d.row(&third);
    let review = report.review.as_ref();
    let values: Vec<String> = ReviewGroup::ALL
        .iter()
        .flat_map(|g| ReviewColumn::ALL.iter().map(move |c| (*g, *c)))
        .map(|(g, c)| text_of(review.map(|t| t.cell(g, c))))
        .collect();
    let row: Vec<(Option<&str>, usize)> = values.iter().map(|v| (Some(v.as_str()), 1)).collect();
    d.row(&row);
    d.finish()
}

/// The report as blocks: the title, then each section's heading, paragraphs and table.
pub fn blocks(draft: &Draft) -> Vec<Block> {
    blocks_and_merges(draft).0
}

/// [`blocks`], and the merged cells of each table as drawn, in order.
pub(crate) fn blocks_and_merges(draft: &Draft) -> (Vec<Block>, Vec<Vec<Merge>>) {
    let mut out = Vec::new();
    let mut merges = Vec::new();
    let mut paragraph = 0u32;
    let mut line = |out: &mut Vec<Block>, text: &str| {
        out.push(Block::Line {
            pieces: vec![Piece {
                text: text.to_string(),
                location: Location::Paragraph { index: paragraph },
            }],
        });
        paragraph += 1;
    };
    line(&mut out, &draft.title);
    let mut table = 0;
    for (kind, paragraphs) in &draft.sections {
        line(&mut out, &format!("{}、{}", kind.numeral(), kind.title()));
        for p in paragraphs {
            line(&mut out, p);
        }
        let t = match kind {
            SectionKind::ActiveDisclosure => Some(table2(&draft.tables, table)),
            SectionKind::Requests => Some(table3(&draft.tables, table)),
            SectionKind::ReviewLitigation => Some(table4(&draft.tables, table)),
            _ => None,
        };
        if let Some((t, m)) = t {
            out.push(t);
            merges.push(m);
            table += 1;
        }
    }
    (out, merges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_deadline::Calendar;
    use gongkai_ledger::sample::random_ledger;
    use gongkai_ledger::tables::compute;

    #[test]
    fn the_merges_as_drawn_tile_each_grid_as_the_template_does() {
        let t = compute(&random_ledger(11, 500), &Calendar::official(), 2023).unwrap();
        let d = crate::draft("某市某局", &t, &crate::AgencyText::default());
        let (blocks, merges) = blocks_and_merges(&d);
        let grids: Vec<&Grid> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table { grid } => Some(grid),
                _ => None,
            })
            .collect();
        assert_eq!(grids.len(), 3);
        assert_eq!(merges.len(), 3);
        for (grid, merges) in grids.iter().zip(&merges) {
            // Every position in exactly one merged cell; its first position the one
            // that is not covered.
            let mut owner = vec![vec![0usize; grid.rows[0].len()]; grid.rows.len()];
            for m in merges {
                assert!(!grid.rows[m.row][m.column].covered, "{m:?}");
                for row in owner.iter_mut().skip(m.row).take(m.rows) {
                    for o in row.iter_mut().skip(m.column).take(m.columns) {
                        *o += 1;
                    }
                }
            }
            for (r, row) in owner.iter().enumerate() {
                for (c, &o) in row.iter().enumerate() {
                    assert_eq!(o, 1, "row {r} column {c}");
                    let origin = merges.iter().any(|m| m.row == r && m.column == c);
                    assert_eq!(grid.rows[r][c].covered, !origin, "row {r} column {c}");
                }
            }
        }
        // Table 三 as the template draws it, where the grid alone could be read
        // otherwise.
        let at = |r: usize, c: usize| {
            let m = merges[1]
                .iter()
                .find(|m| m.row == r && m.column == c)
                .unwrap();
            (grids[1].rows[r][c].text.as_str(), m.rows, m.columns)
        };
        assert_eq!(at(1, 9), ("总计", 2, 1));
        assert_eq!(at(2, 8), ("其他", 1, 1));
        assert_eq!(at(5, 0), ("三、本年度办理结果", 22, 1));
        assert_eq!(at(26, 1), ("（七）总计", 1, 2));
        assert_eq!(at(27, 0), ("四、结转下年度继续办理", 1, 3));
    }
}
