//! A document as the readers (PDF, DOCX, HTML) hand it to the parser: paragraphs and
//! table grids in reading order, every piece of text with the place it was read.
//!
//! Readers know the structure their format gives (a DOCX table cell, an HTML `<td>`, a
//! PDF glyph run and its box); the parser only needs text in reading order. So a reader
//! produces a `Document`, and the parser lays it out as text — one line per paragraph,
//! one line per table row with cells separated by tabs — while remembering where each
//! piece came from, so findings point at the page and box, or the table, row and cell.

use serde::{Deserialize, Serialize};

use crate::report::{Location, SourceFormat};

/// A run of text and where it was read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Piece {
    pub text: String,
    pub location: Location,
}

/// One cell of a table grid after merged cells are expanded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GridCell {
    /// The cell's text (paragraphs inside a cell joined with a newline).
    pub text: String,
    pub location: Location,
    /// True for the grid positions a merged cell covers beyond its first one
    /// (colspan/rowspan, gridSpan/vMerge). Their `text` is empty: a merged label is
    /// not repeated, and a covered position is not a blank cell.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub covered: bool,
}

/// A merged cell as drawn: its first row and column and how many rows and columns it
/// covers. The grid's `covered` flags say which positions a merged cell covers, not
/// which cell: a writer that must draw a given layout (the official template) is given
/// its merged cells too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub row: usize,
    pub column: usize,
    pub rows: usize,
    pub columns: usize,
}

/// A table as a grid of rows (rows may have different lengths when the source did).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    pub rows: Vec<Vec<GridCell>>,
}

/// A block of the document in reading order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph or a line of text. PDF lines are `Line`s of pieces (glyph runs)
    /// separated by wide gaps, which the parser reads as cell boundaries.
    Line {
        pieces: Vec<Piece>,
    },
    Table {
        grid: Grid,
    },
    /// A page break (PDF): page numbers and repeated headers around it are noise.
    PageBreak {
        page: u32,
    },
}

/// A whole document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub format: SourceFormat,
    pub blocks: Vec<Block>,
}

impl Grid {
    /// The cells' texts row by row, positions covered by a merged cell shown as `covered`
    /// (a covered position is not a blank cell).
    pub fn texts(&self, covered: &str) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| {
                        if c.covered {
                            covered.to_string()
                        } else {
                            c.text.clone()
                        }
                    })
                    .collect()
            })
            .collect()
    }
}

impl Document {
    /// Every place a piece of text was read, in document order: line pieces and grid
    /// cells (covered positions included).
    pub fn locations(&self) -> impl Iterator<Item = &Location> {
        self.blocks
            .iter()
            .flat_map(|b| -> Box<dyn Iterator<Item = &Location> + '_> {
                match b {
                    Block::Line { pieces } => Box::new(pieces.iter().map(|p| &p.location)),
                    Block::Table { grid } => {
                        Box::new(grid.rows.iter().flatten().map(|c| &c.location))
                    }
                    Block::PageBreak { .. } => Box::new(std::iter::empty()),
                }
            })
    }

    /// Each line block's pieces joined with `separator`: a compact view of what was read,
    /// for tests and debugging.
    pub fn line_texts(&self, separator: &str) -> Vec<String> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Line { pieces } => Some(
                    pieces
                        .iter()
                        .map(|p| p.text.as_str())
                        .collect::<Vec<_>>()
                        .join(separator),
                ),
                _ => None,
            })
            .collect()
    }

    /// Every table as rows of cell texts (see [`Grid::texts`]).
    pub fn table_texts(&self, covered: &str) -> Vec<Vec<Vec<String>>> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table { grid } => Some(grid.texts(covered)),
                _ => None,
            })
            .collect()
    }

    /// A paragraph of one piece.
    pub fn push_line(&mut self, text: impl Into<String>, location: Location) {
        self.blocks.push(Block::Line {
            pieces: vec![Piece {
                text: text.into(),
                location,
            }],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_in_document_order() {
        let cell = |column| GridCell {
            text: String::new(),
            location: Location::Cell {
                table: 0,
                row: 0,
                column,
            },
            covered: column == 1,
        };
        let mut doc = Document::default();
        doc.push_line("一、总体情况", Location::Paragraph { index: 0 });
        doc.blocks.push(Block::PageBreak { page: 2 });
        doc.blocks.push(Block::Table {
            grid: Grid {
                rows: vec![vec![cell(0), cell(1)]],
            },
        });
        let got: Vec<&Location> = doc.locations().collect();
        assert_eq!(
            got,
            vec![
                &Location::Paragraph { index: 0 },
                &Location::Cell {
                    table: 0,
                    row: 0,
                    column: 0
                },
                &Location::Cell {
                    table: 0,
                    row: 0,
                    column: 1
                },
            ]
        );
    }
}
