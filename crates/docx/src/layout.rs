//! The item tree → `Document` blocks in reading order.

use gongkai_model::{Block, Document, Location, SourceFormat};

use crate::grid::{self, RawCell, RawRow};
use crate::limits::MAX_GRID_CELLS;
use crate::numbering::Numbering;
use crate::xml::{Item, Merge, Table};
use crate::DocxError;

struct Builder {
    doc: Document,
    paragraphs: u32,
    tables: u32,
    /// Grid positions still allowed (over all tables).
    budget: usize,
    numbering: Numbering,
}

pub(crate) fn build(items: Vec<Item>, numbering: Numbering) -> Result<Document, DocxError> {
    let mut b = Builder {
        doc: Document {
            format: SourceFormat::Docx,
            blocks: Vec::new(),
        },
        paragraphs: 0,
        tables: 0,
        budget: MAX_GRID_CELLS,
        numbering,
    };
    b.items(items)?;
    Ok(b.doc)
}

/// True when a cell of the table directly holds another table.
fn has_nested_table(t: &Table) -> bool {
    t.rows
        .iter()
        .flat_map(|r| &r.cells)
        .flat_map(|c| &c.items)
        .any(|i| matches!(i, Item::Table(_)))
}

impl Builder {
    fn items(&mut self, items: Vec<Item>) -> Result<(), DocxError> {
        for item in items {
            match item {
                Item::Para(p) => {
                    let text = self.para_text(&p);
                    if !text.trim().is_empty() {
                        self.doc.push_line(
                            text,
                            Location::Paragraph {
                                index: self.paragraphs,
                            },
                        );
                        self.paragraphs += 1;
                    }
                    self.items(p.boxes)?;
                }
                Item::Table(t) if has_nested_table(&t) => {
                    // A layout table (web pages rendered to DOCX wrap their content in
                    // them): its cells are read in order, their tables as tables.
                    for row in t.rows.into_iter().filter(|r| !r.deleted) {
                        for cell in row.cells {
                            self.items(cell.items)?;
                        }
                    }
                }
                Item::Table(t) => self.table(t)?,
            }
        }
        Ok(())
    }

    fn table(&mut self, t: Table) -> Result<(), DocxError> {
        let rows: Vec<RawRow> = t
            .rows
            .into_iter()
            .filter(|r| !r.deleted)
            .map(|r| RawRow {
                before: r.before,
                after: r.after,
                cells: r
                    .cells
                    .into_iter()
                    .map(|c| RawCell {
                        span: c.span,
                        vmerge: c.vmerge,
                        hmerge_continue: c.hmerge == Merge::Continue,
                        text: self.cell_text(&c.items),
                    })
                    .collect(),
            })
            .collect();
        let g = grid::build(&rows, &t.widths, self.tables, &mut self.budget)?;
        if !g.rows.is_empty() {
            self.doc.blocks.push(Block::Table { grid: g });
            self.tables += 1;
        }
        Ok(())
    }
}

impl Builder {
    /// A paragraph's text with its list number in front, as Word shows it.
    fn para_text(&mut self, p: &crate::xml::Para) -> String {
        match self.numbering.label(p.num_id, p.ilvl, p.style.as_deref()) {
            Some(label) => label + &p.text,
            None => p.text.clone(),
        }
    }

    /// A cell's text: its paragraphs joined with '\n' (text boxes as further paragraphs).
    fn cell_text(&mut self, items: &[Item]) -> String {
        let mut paras: Vec<String> = Vec::new();
        self.flatten(items, &mut paras);
        paras.join("\n")
    }

    fn flatten(&mut self, items: &[Item], out: &mut Vec<String>) {
        for item in items {
            match item {
                Item::Para(p) => {
                    out.push(self.para_text(p));
                    self.flatten(&p.boxes, out);
                }
                // A table inside a cell's text box: a line per row, cells joined by spaces.
                Item::Table(t) => {
                    for r in &t.rows {
                        let mut cells = Vec::with_capacity(r.cells.len());
                        for c in &r.cells {
                            let mut v = Vec::new();
                            self.flatten(&c.items, &mut v);
                            cells.push(v.join(" "));
                        }
                        out.push(cells.join(" "));
                    }
                }
            }
        }
    }
}
